//! The seed corpus: valid deliveries and near misses for every target.
//! `cargo run --example make_corpus` (in `fuzz/`) writes it to
//! `corpus/<target>/<file name>`.

use crate::case::{AS_HEADER_MAP, NAMES, WITH_PREVIOUS};
use crate::families::{SHOPIFY_NAMES, SLACK_NAMES, STANDARD_NAMES, STRIPE_NAMES, TOKEN_NAMES};
use crate::input::Writer;
use crate::oracle::reference_hex;

/// The seed corpus: `(target, file name, input)`, valid deliveries and near
/// misses for every target, each target with inputs that are accepted.
#[must_use]
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (old, name, bytes) in per_provider() {
        for (target, prefix, selector) in family_of(old) {
            let file = format!("{prefix}{name}");
            seeds.push((target, file, [selector, &bytes[..]].concat()));
        }
    }
    let mut add = |target, name: &str, bytes: Vec<u8>| seeds.push((target, name.to_owned(), bytes));
    // The token family: plain_verify's selectors 5 (GitLab's secret token)
    // and 6 (Telegram's), each header the other's noise.
    const TOKEN: &[u8] = b"glpat-Secret_token.0123";
    let token_literal = TOKEN_NAMES.len() as u8;
    for (selector, prefix, own, other) in [(5u8, "gitlab_token_", 0u8, 1u8), (6, "telegram_", 1, 0)]
    {
        let seed = |headers: Vec<Header<'static>>, flags: u8| {
            let mut case = CaseSeed::new(TOKEN, 1_700_000_000_000);
            case.flags = flags;
            if flags & WITH_PREVIOUS != 0 {
                case.current = b"glpat-new-token";
                case.previous = TOKEN;
            }
            case.headers = headers;
            let body = br#"{"update_id":123456789,"object_kind":"push"}"#;
            [&[selector][..], &case.bytes(token_literal, body)].concat()
        };
        let meta = [
            Header::Literal(2, b"idem-7f3a"),
            Header::Literal(3, b"Push Hook"),
        ];
        for (name, headers, flags) in [
            ("valid", vec![Header::Signature(own, 0)], 0),
            (
                "valid_header_map",
                vec![Header::Signature(own, 0b0101_1010)],
                AS_HEADER_MAP,
            ),
            (
                "rotated_previous",
                vec![Header::Previous(own)],
                WITH_PREVIOUS,
            ),
            ("padded", vec![Header::Edited(own, (EDIT_SPACE, 0, 3))], 0),
            ("wrong", vec![Header::Edited(own, (EDIT_FLIP, 4, 1))], 0),
            ("prefix", vec![Header::Edited(own, (EDIT_CUT, 22, 0))], 0),
            (
                "uppercased",
                vec![Header::Edited(own, (EDIT_UPPER, 0, 0))],
                0,
            ),
            ("empty", vec![Header::Literal(own, b"")], 0),
            ("blank", vec![Header::Literal(own, b" \t ")], 0),
            ("missing", vec![Header::Signature(other, 0)], 0),
            (
                "repeated",
                vec![Header::Signature(own, 0), Header::Signature(own, 1)],
                0,
            ),
            (
                "repeated_map",
                vec![Header::Signature(own, 0), Header::Literal(own, b"x")],
                AS_HEADER_MAP,
            ),
            ("doubled", vec![Header::Edited(own, (EDIT_LIST, 0, 0))], 0),
            (
                "literal_name",
                vec![Header::Named("X-GitLab-Token ", b"glpat-Secret_token.0123")],
                0,
            ),
        ] {
            let mut headers = headers;
            headers.extend(meta.iter().copied());
            add(
                "plain_verify",
                &format!("{prefix}{name}"),
                seed(headers, flags),
            );
        }
    }
    // The decoders' edit mode: the right encoding, as is and edited.
    for (target, mode, name) in [
        ("hex_decode", 1, "right"),
        ("hex_decode", 3, "generic_right"),
        ("base64_decode", 1, "right"),
        ("base64_decode", 3, "generic_right"),
    ] {
        add(target, name, vec![mode]);
        add(target, &format!("{name}_flipped"), vec![mode, 5, 1]);
        add(target, &format!("{name}_case_flip"), vec![mode, 10, 0x20]);
        add(target, &format!("{name}_last_bits"), vec![mode, 42, 1]);
    }
    // The body targets' windowed and timestamp-requiring modes.
    let lin = r#"{"action":"create","webhookTimestamp":1579784000000}"#;
    let notify =
        r#"{"event":"message.sent","event_id":"evt_1","timestamp":"2024-05-01T12:00:00.5+02:00"}"#;
    for (name, mode, body) in [
        ("linear_window_valid", 2, lin.to_owned()),
        (
            "linear_window_too_old",
            2,
            lin.replace("1579784000000", "1579783970000"),
        ),
        (
            "linear_window_in_future",
            2,
            lin.replace("1579784000000", "1579784090001"),
        ),
        ("notify_required_timestamp", 3, notify.to_owned()),
        (
            "notify_required_missing",
            3,
            r#"{"event":"e","event_id":"i"}"#.to_owned(),
        ),
        (
            "notify_leap_second",
            3,
            notify.replace("12:00:00.5", "23:59:60"),
        ),
        (
            "notify_lowercase_t_z",
            1,
            notify.replace("T12:00:00.5+02:00", "t12:00:00z"),
        ),
        ("notify_offset_24h", 1, notify.replace("+02:00", "+24:00")),
    ] {
        add(
            "body_timestamp",
            name,
            [&[mode][..], body.as_bytes()].concat(),
        );
    }
    // Mailgun's body signature (body_timestamp modes 4 and 6): `@` is the
    // right signature for the body's own timestamp and token.
    let mg = |ts: &str, token: &str, signature: &str| {
        format!(
            r#"{{"signature":{{"timestamp":"{ts}","token":"{token}","signature":"{signature}"}},"event-data":{{"event":"delivered","id":"CPgfbmQMTCKtHW6uIWtuVe"}}}}"#
        )
    };
    const MG_TOKEN: &str = "c0ffee0123456789abcdef0123456789abcdef0123456789ab";
    for (name, mode, body) in [
        ("mailgun_valid", 4u8, mg("1579784030", MG_TOKEN, "@")),
        ("mailgun_window_valid", 6, mg("1579784000", MG_TOKEN, "@")),
        ("mailgun_window_too_old", 6, mg("1579783969", MG_TOKEN, "@")),
        (
            "mailgun_window_in_future",
            6,
            mg("1579784091", MG_TOKEN, "@"),
        ),
        (
            "mailgun_wrong",
            4,
            mg("1579784030", MG_TOKEN, &"0".repeat(64)),
        ),
        (
            "mailgun_uppercase",
            4,
            mg("1579784030", MG_TOKEN, &"AB".repeat(32)),
        ),
        ("mailgun_short", 4, mg("1579784030", MG_TOKEN, "abc")),
        ("mailgun_empty_token", 4, mg("1579784030", "", "@")),
        ("mailgun_signed_ms", 4, mg("1579784030000", MG_TOKEN, "@")),
        ("mailgun_not_digits", 4, mg("+1579784030", MG_TOKEN, "@")),
        ("mailgun_leading_zero", 4, mg("01579784030", MG_TOKEN, "@")),
        (
            "mailgun_escaped_token",
            4,
            mg("1579784030", "c0ffee\\u0030", "@"),
        ),
        ("mailgun_repeated_signature", 4, {
            let full = mg("1579784030", MG_TOKEN, "@");
            format!(r#"{},"signature":{{}}}}"#, &full[..full.len() - 1])
        }),
        (
            "mailgun_nested_only",
            4,
            format!(r#"{{"event-data":{}}}"#, mg("1579784030", MG_TOKEN, "@")),
        ),
        (
            "mailgun_number_timestamp",
            4,
            mg("1579784030", MG_TOKEN, "@")
                .replace(r#""timestamp":"1579784030""#, r#""timestamp":1579784030"#),
        ),
        (
            "mailgun_form_valid",
            4,
            format!("timestamp=1579784030&token={MG_TOKEN}&signature=@&event=delivered"),
        ),
        (
            "mailgun_form_repeated",
            4,
            format!("timestamp=1579784030&token={MG_TOKEN}&signature=@&token=x"),
        ),
        (
            "mailgun_form_missing",
            4,
            "timestamp=1579784030&signature=@".to_owned(),
        ),
        (
            "mailgun_form_padded",
            4,
            format!(" timestamp=1579784030&token={MG_TOKEN}&signature=@"),
        ),
    ] {
        add(
            "body_timestamp",
            name,
            [&[mode][..], body.as_bytes()].concat(),
        );
    }
    // The header grammars with `@`, the right signature for the input.
    for (name, value) in [
        ("marker", "t=1,v1=@"),
        ("marker_among_decoys", "v0=1,t=1614265330,v1=00,v1=@,x"),
        ("marker_repeated_t", "t=1,v1=@,t=2"),
    ] {
        add("list_header", name, value.as_bytes().to_vec());
    }
    for (name, value) in [
        ("marker", "v1,@"),
        ("marker_after_others", "v2,x v1a,@ v1,@"),
        ("marker_tab", "v1,@\tv1,@"),
    ] {
        add("entries_header", name, value.as_bytes().to_vec());
    }
    // Engine shapes: (syntax, encoding, timestamp, parts).
    for (name, syntax, encoding, stamp, parts) in [
        ("github_shape", 4u8, 1u8, 0u8, &[0u8][..]),
        ("stripe_shape", 1, 1, 2, &[3, 1, 0]),
        ("paddle_shape", 1 | (1 << 2), 1, 2, &[3, 2, 0]),
        ("slack_shape", 2 << 2, 1, 1, &[3, 2, 0]),
        ("hubspot_shape", 0, 2, 5, &[4, 5, 0, 3]),
        ("standard_shape", 2, 2, 1, &[3, 1, 0]),
        ("base64url_header", 0, 3, 1, &[6, 2, 3, 2, 0]),
        ("nine_parts", 0, 0, 0, &[0, 1, 0, 1, 0, 1, 0, 1, 0]),
        ("no_body", 0, 0, 0, &[1, 2]),
        ("timestamp_missing", 0, 0, 0, &[3, 0]),
        ("timestamp_unsigned", 0, 0, 1, &[0]),
    ] {
        let mut writer = Writer::default()
            .byte(syntax)
            .byte(encoding)
            .byte(stamp)
            .byte(parts.len() as u8);
        for part in parts {
            writer = writer.byte(*part);
        }
        let bytes = writer
            .chunk("scheme-secret")
            .chunk(" extra value ")
            .u64(1_700_000_000_123)
            .u16(5)
            .byte(1)
            .rest(r#"{"event":"invitee.created"}"#);
        add("scheme_verify", name, bytes);
    }
    seeds
}

/// Where a per-provider seed goes: `(family target, file-name prefix,
/// selector bytes)`, once or more.
fn family_of(old: &str) -> Vec<(&'static str, &'static str, &'static [u8])> {
    match old {
        "github_verify" => vec![("plain_verify", "github_", &[0])],
        "linear_verify" => vec![("plain_verify", "linear_", &[1])],
        "notify_verify" => vec![("plain_verify", "notify_", &[2])],
        "generic_verify" => vec![("plain_verify", "generic_", &[3])],
        "shopify_verify" => vec![("plain_verify", "shopify_", &[4])],
        "stripe_verify" => vec![("list_verify", "stripe_", &[0])],
        "slack_verify" => vec![("list_verify", "slack_", &[1])],
        "standard_verify" => vec![("entries_verify", "", &[])],
        "linear_timestamp" => vec![
            ("body_timestamp", "linear_", &[0]),
            ("body_timestamp", "notify_", &[1]),
        ],
        "hex_decode" => vec![("hex_decode", "", &[0]), ("hex_decode", "generic_", &[2])],
        "base64_decode" => vec![
            ("base64_decode", "", &[0]),
            ("base64_decode", "generic_", &[2]),
        ],
        "stripe_header" => vec![("list_header", "", &[])],
        "standard_webhooks_header" => vec![("entries_header", "", &[])],
        "roundtrip" => vec![("roundtrip", "", &[])],
        other => panic!("no family for {other}"),
    }
}

/// One header of a verify-target seed (see [`Case`]'s layout).
#[derive(Clone, Copy)]
pub(crate) enum Header<'s> {
    /// A header named by index with a literal value.
    Literal(u8, &'s [u8]),
    /// A header with a literal name and value.
    Named(&'s str, &'s [u8]),
    /// The right signature (mode 3) under a name by index, with a case mask.
    Signature(u8, u8),
    /// The right signature, then an edit `(op, pos, arg)` (mode 1).
    Edited(u8, (u8, u16, u8)),
    /// The previous secret's signature (mode 2), unedited.
    Previous(u8),
}

/// Index of a name in [`NAMES`] (Generic adds 10: its signature header,
/// 11: `x-webhook-id`, 12: `x-webhook-event`).
pub(crate) const GH_SIG: u8 = 0;
pub(crate) const GH_EVENT: u8 = 1;
pub(crate) const GH_DELIVERY: u8 = 2;
pub(crate) const LIN_SIG: u8 = 3;
pub(crate) const LIN_TS: u8 = 4;
pub(crate) const LIN_DELIVERY: u8 = 6;
pub(crate) const NOTIFY_SIG: u8 = 7;
pub(crate) const GEN_SIG: u8 = 10;
pub(crate) const GEN_ID: u8 = 11;
pub(crate) const GEN_EVENT: u8 = 12;

/// Indices into [`STANDARD_NAMES`], [`STRIPE_NAMES`], [`SLACK_NAMES`] and
/// [`SHOPIFY_NAMES`].
pub(crate) const SW_ID_H: u8 = 0;
pub(crate) const SW_TS_H: u8 = 1;
pub(crate) const SW_SIG: u8 = 2;
pub(crate) const SVIX_SIG: u8 = 5;
pub(crate) const ST_SIG: u8 = 0;
pub(crate) const SL_SIG: u8 = 0;
pub(crate) const SL_TS_H: u8 = 1;
pub(crate) const SL_RETRY: u8 = 2;
pub(crate) const SH_SIG: u8 = 0;
pub(crate) const SH_TOPIC: u8 = 1;
pub(crate) const SH_ID: u8 = 2;
pub(crate) const SH_SHOP: u8 = 3;

pub(crate) const EDIT_FLIP: u8 = 1;
pub(crate) const EDIT_CUT: u8 = 2;
pub(crate) const EDIT_INSERT: u8 = 3;
pub(crate) const EDIT_SPACE: u8 = 4;
pub(crate) const EDIT_UPPER: u8 = 5;
pub(crate) const EDIT_UPPER_ONE: u8 = 6;
pub(crate) const EDIT_LIST: u8 = 7;

pub(crate) struct CaseSeed<'s> {
    flags: u8,
    current: &'s [u8],
    previous: &'s [u8],
    config: Vec<u8>,
    now: i64,
    headers: Vec<Header<'s>>,
}

impl CaseSeed<'_> {
    pub(crate) fn new(current: &[u8], now: i64) -> CaseSeed<'_> {
        CaseSeed {
            flags: 0,
            current,
            previous: b"",
            config: Vec::new(),
            now,
            headers: Vec::new(),
        }
    }

    /// The encoded input; `literal` is the index meaning "literal name".
    pub(crate) fn bytes(self, literal: u8, body: impl AsRef<[u8]>) -> Vec<u8> {
        let mut w = Writer::default()
            .byte(self.flags)
            .chunk(self.current)
            .chunk(self.previous)
            .chunk(self.config)
            .u64(self.now as u64)
            .u32(0)
            .byte(u8::try_from(self.headers.len()).expect("few headers"));
        for header in self.headers {
            w = match header {
                Header::Literal(name, value) => w.byte(name).byte(0).byte(0).chunk(value),
                Header::Named(name, value) => {
                    w.byte(literal).chunk(name).byte(0).byte(0).chunk(value)
                }
                Header::Signature(name, case) => w.byte(name).byte(case).byte(3),
                Header::Edited(name, (op, pos, arg)) => {
                    w.byte(name).byte(0).byte(1).byte(op).u16(pos).byte(arg)
                }
                Header::Previous(name) => w.byte(name).byte(0).byte(2).byte(0).u16(0).byte(0),
            };
        }
        w.rest(body)
    }
}

/// The seeds as they were written per provider, before the targets were
/// grouped by family: `(provider target, file name, input)`. [`seeds`]
/// files each under its family target, with the selector byte prepended.
fn per_provider() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut seeds = Vec::new();
    let mut add = |target, name, bytes| seeds.push((target, name, bytes));

    // GitHub: the documented example and its near misses.
    const GH_SECRET: &[u8] = b"It's a Secret to Everybody";
    const GH_BODY: &[u8] = b"Hello, World!";
    let literal = NAMES.len() as u8;
    let gh = |headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(GH_SECRET, 1_700_000_000_000);
        case.headers = headers;
        case
    };
    let meta = || {
        [
            Header::Literal(GH_EVENT, b"push"),
            Header::Literal(GH_DELIVERY, b"72d3162e"),
        ]
    };
    let mut valid = gh(vec![Header::Signature(GH_SIG, 0)]);
    valid.headers.extend(meta());
    add("github_verify", "valid", valid.bytes(literal, GH_BODY));
    let mut map = gh(vec![Header::Signature(GH_SIG, 0b1010_0101)]);
    map.flags = AS_HEADER_MAP;
    map.headers.extend(meta());
    add(
        "github_verify",
        "valid_header_map",
        map.bytes(literal, GH_BODY),
    );
    let mut ping = gh(vec![
        Header::Signature(GH_SIG, 0),
        Header::Literal(GH_EVENT, b"ping"),
    ]);
    ping.flags = AS_HEADER_MAP;
    add(
        "github_verify",
        "ping",
        ping.bytes(literal, br#"{"zen":"Keep it logically awesome."}"#),
    );
    let mut rotated = gh(vec![Header::Previous(GH_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"new secret";
    rotated.previous = GH_SECRET;
    add(
        "github_verify",
        "rotated_previous",
        rotated.bytes(literal, GH_BODY),
    );
    for (name, edit) in [
        ("whitespace", (EDIT_SPACE, 0, 3)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("uppercase_one_digit", (EDIT_UPPER_ONE, 13, 0)),
        ("flipped_last", (EDIT_FLIP, 70, 1)),
        ("flipped_first", (EDIT_FLIP, 7, 0x40)),
        ("hex_63", (EDIT_CUT, 70, 0)),
        ("list", (EDIT_LIST, 0, 0)),
    ] {
        add(
            "github_verify",
            name,
            gh(vec![Header::Edited(GH_SIG, edit)]).bytes(literal, GH_BODY),
        );
    }
    const ZEROS: &[u8] = b"sha256=0000000000000000000000000000000000000000000000000000000000000000";
    let repeated = gh(vec![
        Header::Signature(GH_SIG, 0),
        Header::Literal(GH_SIG, ZEROS),
    ]);
    add(
        "github_verify",
        "repeated",
        repeated.bytes(literal, GH_BODY),
    );
    add(
        "github_verify",
        "missing",
        gh(vec![]).bytes(literal, GH_BODY),
    );
    let sha1 = gh(vec![Header::Named("X-Hub-Signature", b"sha1=0000")]);
    add("github_verify", "sha1_only", sha1.bytes(literal, GH_BODY));
    add(
        "github_verify",
        "empty_secret",
        CaseSeed::new(b"", 0).bytes(literal, GH_BODY),
    );

    // Linear: a body timestamp inside and outside the window, bodies that
    // lack a usable one.
    const TS: i64 = 1_579_784_000_000;
    let lin = |now: i64, config: Vec<u8>| {
        let mut case = CaseSeed::new(b"lin_wh_secret", now);
        case.config = config;
        case.headers = vec![
            Header::Signature(LIN_SIG, 0),
            Header::Literal(LIN_DELIVERY, b"d-1"),
        ];
        case
    };
    let body = format!(r#"{{"action":"create","type":"Issue","webhookTimestamp":{TS}}}"#);
    add(
        "linear_verify",
        "valid",
        lin(TS + 30_000, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "edge_60s",
        lin(TS + 60_000, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "too_old",
        lin(TS + 60_001, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "in_future",
        lin(TS - 60_001, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "tolerance_zero",
        lin(TS, vec![1]).bytes(literal, &body),
    );
    let max = format!(r#"{{"webhookTimestamp":{}}}"#, u64::MAX);
    add(
        "linear_verify",
        "u64_max_tolerance_max",
        lin(i64::MIN, vec![2]).bytes(literal, &max),
    );
    let mut header_only = lin(TS, vec![]);
    header_only
        .headers
        .push(Header::Literal(LIN_TS, b"1579784000000"));
    add(
        "linear_verify",
        "header_timestamp_only",
        header_only.bytes(literal, r#"{"action":"create"}"#),
    );
    for (name, body) in [
        (
            "nested",
            format!(r#"{{"data":{{"webhookTimestamp":{TS}}}}}"#),
        ),
        ("string_typed", format!(r#"{{"webhookTimestamp":"{TS}"}}"#)),
        ("float", format!(r#"{{"webhookTimestamp":{TS}.0}}"#)),
        ("negative", r#"{"webhookTimestamp":-1}"#.to_owned()),
        ("huge", format!(r#"{{"webhookTimestamp":{}0}}"#, u64::MAX)),
        (
            "duplicate",
            format!(r#"{{"webhookTimestamp":{TS},"webhookTimestamp":{TS}}}"#),
        ),
        (
            "escaped_key",
            format!(r#"{{"webhook\u0054imestamp":{TS}}}"#),
        ),
        ("not_json", "webhookTimestamp=1579784000000".to_owned()),
        ("empty", String::new()),
        (
            "deep",
            format!(
                r#"{{"webhookTimestamp":{TS},"a":{}{}}}"#,
                "[".repeat(600),
                "]".repeat(600)
            ),
        ),
    ] {
        add("linear_verify", name, lin(TS, vec![]).bytes(literal, body));
    }
    let mut upper = lin(TS, vec![]);
    upper.headers = vec![Header::Edited(LIN_SIG, (EDIT_UPPER, 0, 0))];
    add(
        "linear_verify",
        "uppercase_hex",
        upper.bytes(literal, &body),
    );

    // Notify: metadata in the signed body.
    const NOW: i64 = 1_714_564_800_000;
    let notify_case = |config: Vec<u8>, now: i64| {
        let mut case = CaseSeed::new(b"notify-secret", now);
        case.config = config;
        case.headers = vec![Header::Signature(NOTIFY_SIG, 0)];
        case
    };
    let body = r#"{"event":"message.sent","event_id":"evt_1","timestamp":"2024-05-01T12:00:00Z","data":{}}"#;
    let minute = [vec![3], 60_000u32.to_be_bytes().to_vec()].concat();
    add(
        "notify_verify",
        "valid",
        notify_case(vec![], 0).bytes(literal, body),
    );
    add(
        "notify_verify",
        "valid_window",
        notify_case(minute.clone(), NOW + 1).bytes(literal, body),
    );
    add(
        "notify_verify",
        "too_old",
        notify_case(minute.clone(), NOW + 60_001).bytes(literal, body),
    );
    for (name, body) in [
        ("missing_event_id", r#"{"event":"message.sent"}"#),
        (
            "escaped_event",
            r#"{"event":"message\u002esent","event_id":"evt_1"}"#,
        ),
        (
            "bad_timestamp",
            r#"{"event":"e","event_id":"i","timestamp":"2024-02-30T00:00:00Z"}"#,
        ),
        ("numeric_id", r#"{"event":"e","event_id":1}"#),
        ("array", r#"[{"event":"e","event_id":"i"}]"#),
    ] {
        add(
            "notify_verify",
            name,
            notify_case(minute.clone(), NOW).bytes(literal, body),
        );
    }
    let mut wrong = notify_case(vec![], NOW);
    wrong.headers = vec![Header::Literal(
        NOTIFY_SIG,
        b"757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    )];
    add(
        "notify_verify",
        "wrong_signature",
        wrong.bytes(literal, body),
    );

    // Generic: configurations and encodings.
    let literal = NAMES.len() as u8 + 3;
    let generic = |config: Vec<u8>, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(GH_SECRET, 0);
        case.config = config;
        case.headers = headers;
        case
    };
    add(
        "generic_verify",
        "default_hex",
        generic(vec![0, 0, 0, 0, 0], vec![Header::Signature(GEN_SIG, 0)]).bytes(literal, GH_BODY),
    );
    add(
        "generic_verify",
        "uppercase_hex",
        generic(
            vec![0, 0, 0, 0, 0],
            vec![Header::Edited(GEN_SIG, (EDIT_UPPER_ONE, 13, 0))],
        )
        .bytes(literal, GH_BODY),
    );
    let meta = vec![
        Header::Signature(GEN_SIG, 0),
        Header::Literal(GEN_ID, b"42"),
        Header::Literal(GEN_EVENT, b"created"),
    ];
    add(
        "generic_verify",
        "base64_bare",
        generic(vec![1, 1, 1, 1, 1], meta).bytes(literal, GH_BODY),
    );
    add(
        "generic_verify",
        "base64_flipped",
        generic(
            vec![1, 1, 1, 0, 0],
            vec![Header::Edited(GEN_SIG, (EDIT_FLIP, 42, 1))],
        )
        .bytes(literal, GH_BODY),
    );
    let custom = Writer::default()
        .byte(2)
        .chunk("X-Custom-Sig")
        .byte(3)
        .chunk("v0:")
        .byte(0)
        .byte(2)
        .chunk("X-Id")
        .rest([0]);
    add(
        "generic_verify",
        "custom_names",
        generic(
            custom,
            vec![
                Header::Signature(GEN_SIG, 0xff),
                Header::Named("x-id", b" 7 "),
            ],
        )
        .bytes(literal, GH_BODY),
    );
    let bad_name = Writer::default().byte(2).chunk("bad name").rest([]);
    add(
        "generic_verify",
        "invalid_header_name",
        generic(bad_name, vec![]).bytes(literal, GH_BODY),
    );
    let bad_prefix = Writer::default().byte(0).byte(3).chunk("sha 256=").rest([]);
    add(
        "generic_verify",
        "invalid_prefix",
        generic(bad_prefix, vec![]).bytes(literal, GH_BODY),
    );

    // Decoders.
    let hex = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    for (name, input) in [
        ("lower", hex.to_owned()),
        ("upper", hex.to_uppercase()),
        ("63", hex[..63].to_owned()),
        ("65", format!("{hex}0")),
        ("non_digit", hex.replace('e', "g")),
        ("arabic_indic_digit", hex.replacen('7', "\u{667}", 1)),
        ("prefixed", format!("sha256={hex}")),
    ] {
        add("hex_decode", name, input.into_bytes());
    }
    let b64 = "dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc=";
    for (name, input) in [
        ("canonical", b64.to_owned()),
        ("unpadded", b64.trim_end_matches('=').to_owned()),
        ("url_safe", b64.replace('/', "_")),
        ("trailing_bits", b64.replace("hc=", "hd=")),
        ("double_pad", b64.replace("hc=", "h==")),
        ("whitespace", format!(" {b64}")),
    ] {
        add("base64_decode", name, input.into_bytes());
    }

    // The JSON scanner.
    for (name, body) in [
        (
            "linear",
            format!(r#"{{"action":"create","webhookTimestamp":{TS},"data":{{"id":"x"}}}}"#),
        ),
        ("notify", body.to_owned()),
        (
            "nested_only",
            format!(r#"{{"data":{{"webhookTimestamp":{TS}}}}}"#),
        ),
        (
            "duplicate",
            r#"{"webhookTimestamp":1,"webhookTimestamp":2}"#.to_owned(),
        ),
        ("duplicate_other", r#"{"a":1,"a":2,"event":"e"}"#.to_owned()),
        (
            "wrong_types",
            r#"{"webhookTimestamp":"1","event":1}"#.to_owned(),
        ),
        (
            "numbers",
            r#"{"webhookTimestamp":18446744073709551615,"a":[-0,1e400,-1.5E-3,0.0]}"#.to_owned(),
        ),
        (
            "overflow",
            r#"{"webhookTimestamp":18446744073709551616}"#.to_owned(),
        ),
        (
            "escapes",
            r#"{"webhook\u0054imestamp":5,"ev\u0065nt":"a\"b","x":"\ud800"}"#.to_owned(),
        ),
        (
            "deep_1000",
            format!("{{\"a\":{}{}}}", "[".repeat(1000), "]".repeat(1000)),
        ),
        (
            "deep_objects",
            format!("{{\"a\":{}1{}}}", "{\"b\":".repeat(200), "}".repeat(200)),
        ),
        ("not_object", "[1579784000000]".to_owned()),
        ("trailing", r#"{"webhookTimestamp":1} {}"#.to_owned()),
        ("bom", "\u{feff}{}".to_owned()),
        ("empty", String::new()),
        ("whitespace", " \t\r\n{ } \n".to_owned()),
    ] {
        add("linear_timestamp", name, body.into_bytes());
    }
    add(
        "linear_timestamp",
        "invalid_utf8",
        b"{\"event\":\"\xff\"}".to_vec(),
    );

    // Round trips: each provider, signature or body mutated, rotation.
    for (name, choice, mutate) in [
        ("github_signature", 0, 0),
        ("github_body_rotated", 4, 1),
        ("linear_signature", 1, 0),
        ("linear_body", 1, 1),
        ("notify_signature_window", 2 | 16, 0),
        ("notify_body_rotated", 2 | 4, 1),
        ("generic_hex_signature", 3, 0),
        ("generic_base64_body", 3 | 8, 1),
        ("generic_base64_rotated", 3 | 4 | 8, 0),
        ("standard_signature", 32, 0),
        ("standard_body_rotated", 32 | 4, 1),
        ("standard_id", 32, 2),
        ("standard_timestamp", 32, 6),
        ("standard_unpadded_whsec_rotated", 32 | 8 | 4, 0),
        ("stripe_signature", 33, 0),
        ("stripe_body_rotated", 33 | 4, 1),
        ("slack_signature", 34, 0),
        ("slack_timestamp", 34, 2),
        ("slack_body_rotated", 34 | 4, 1),
        ("shopify_signature", 35, 0),
        ("shopify_body_rotated", 35 | 4, 1),
    ] {
        let bytes = Writer::default()
            .byte(choice)
            .chunk("secret")
            .chunk("72d3162e-cc78-11e3-81ab-4c9367dc0958")
            .chunk("push")
            .u64(1_700_000_000_123)
            .u64(59_999)
            .byte(mutate)
            .u16(21)
            .byte(0x20)
            .rest(r#"{"action":"opened","n":1}"#);
        add("roundtrip", name, bytes);
    }
    // The request senders (bit 6): the id chunk is the URL's path, with
    // escapes HubSpot decodes (`%3A`, `%2f`) and ones it keeps (`%41`,
    // `%zz`); a form body with a repeated pair, escapes and `+`.
    for (name, choice, mutate, pos, xor) in [
        ("twilio_form_signature", 64u8, 0u8, 3u16, 1u8),
        ("twilio_form_body", 64, 1, 9, 1),
        ("twilio_form_same_params", 64, 1, 23, 0x20),
        ("twilio_form_rotated", 64 | 4, 1, 2, 0x40),
        ("twilio_json_body", 65, 1, 5, 1),
        ("twilio_json_signature_rotated", 65 | 4, 0, 27, 1),
        ("hubspot_v3_signature", 66, 0, 40, 1),
        ("hubspot_v3_body", 66, 1, 0, 1),
        ("hubspot_v3_timestamp", 66, 2, 4, 1),
        ("hubspot_v3_decoded_colon", 66 | 4, 0, 40, 0),
        ("hubspot_v3_kept_escape", 66, 1, 30, 1),
        ("twilio_shared_key_body", 67, 1, 12, 2),
        ("twilio_shared_key_rotated", 67 | 4, 0, 1, 4),
    ] {
        let bytes = Writer::default()
            .byte(choice)
            .chunk("twilio-auth-token")
            .chunk("hook%3Ain/a:b%2fc%41%zz?x=%3F&y=(1)")
            .chunk("")
            .u64(1_700_000_000_123)
            .u64(59_999)
            .byte(mutate)
            .u16(pos)
            .byte(xor)
            .rest(
                "To=%2B18005551212&Body=Hello+world&Tag=b&Tag=a&Tag=b&&From=%2b1415&Caller=%2B1415",
            );
        add("roundtrip", name, bytes);
    }
    add(
        "roundtrip",
        "bad_id",
        Writer::default()
            .byte(0)
            .chunk("s")
            .chunk("a\nb")
            .chunk("push")
            .rest("{}"),
    );
    // Standard Webhooks ids it must refuse to sign (then signs a plain one).
    for (name, id) in [
        ("standard_dotted_id", "msg.1"),
        ("standard_padded_id", " msg_1\t"),
        ("standard_blank_id", " "),
        ("standard_no_id", ""),
    ] {
        add(
            "roundtrip",
            name,
            Writer::default()
                .byte(32)
                .chunk("s")
                .chunk(id)
                .chunk("")
                .u64(1_614_265_330_000)
                .u64(0)
                .byte(2)
                .u16(0)
                .byte(1)
                .rest("{}"),
        );
    }

    // Standard Webhooks: the reference libraries' vector, Svix names,
    // rotation, lists, windows, id and timestamp forms.
    const SW_SECRET: &[u8] = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SW_ID: &[u8] = b"msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SW_TS: &[u8] = b"1614265330";
    const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SW_NOW: i64 = 1_614_265_330_000;
    const SW_REF: &[u8] = b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const SW_DECOY: &str = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    let literal = STANDARD_NAMES.len() as u8;
    // Config: flags (1 whsec, 2 webhook-* headers, 4 svix-* headers), id,
    // timestamp, tolerance.
    let sw_config = |flags: u8, id: &[u8], ts: &[u8], tolerance: &[u8]| {
        Writer::default()
            .byte(flags)
            .chunk(id)
            .chunk(ts)
            .rest(tolerance)
    };
    let sw = |flags: u8, now: i64, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(SW_SECRET, now);
        case.config = sw_config(flags, SW_ID, SW_TS, &[0]);
        case.headers = headers;
        case
    };
    add(
        "standard_verify",
        "valid",
        sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "reference_vector",
        sw(
            1,
            SW_NOW,
            vec![
                Header::Literal(SW_ID_H, SW_ID),
                Header::Literal(SW_TS_H, SW_TS),
                Header::Literal(SW_SIG, SW_REF),
            ],
        )
        .bytes(literal, SW_BODY),
    );
    let mut map = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0b0101_1010)]);
    map.flags = AS_HEADER_MAP;
    add(
        "standard_verify",
        "valid_header_map",
        map.bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "svix_names",
        sw(5, SW_NOW, vec![Header::Signature(SVIX_SIG, 0)]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "svix_signature_webhook_id",
        sw(3, SW_NOW, vec![Header::Signature(SVIX_SIG, 0)]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "both_sets",
        sw(7, SW_NOW, vec![Header::Signature(SW_SIG, 0)]).bytes(literal, SW_BODY),
    );
    let mut raw = sw(2, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
    raw.current = b"raw key, not base64";
    add("standard_verify", "raw_key", raw.bytes(literal, SW_BODY));
    let mut rotated = sw(3, SW_NOW, vec![Header::Previous(SW_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"whsec_bmV3LXNlY3JldA==";
    rotated.previous = SW_SECRET;
    add(
        "standard_verify",
        "rotated_previous",
        rotated.bytes(literal, SW_BODY),
    );
    let mut unpadded = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
    unpadded.current = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS";
    add(
        "standard_verify",
        "whsec_unpadded_trailing_bits",
        unpadded.bytes(literal, SW_BODY),
    );
    let mut bare = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
    bare.current = b"bmV3LXNlY3JldA";
    add(
        "standard_verify",
        "whsec_without_prefix",
        bare.bytes(literal, SW_BODY),
    );
    for (name, secret) in [
        ("whsec_invalid", &b"whsec_not base64!"[..]),
        ("whsec_empty", b"whsec_"),
        ("whsec_overpadded", b"whsec_bmV3LXNlY3JldA==="),
        ("whsec_one_symbol_over", b"whsec_bmV3L"),
    ] {
        let mut bad = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
        bad.current = secret;
        add("standard_verify", name, bad.bytes(literal, SW_BODY));
    }
    for (name, edit) in [
        ("list_of_two", (EDIT_LIST, 0, 1)),
        ("list_with_comma", (EDIT_LIST, 0, 0)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("flipped", (EDIT_FLIP, 10, 1)),
        ("flipped_version", (EDIT_FLIP, 1, 3)),
        ("unpadded", (EDIT_CUT, 46, 0)),
        ("whitespace", (EDIT_SPACE, 0, 3)),
        ("tab_inside", (EDIT_INSERT, 3, b'\t')),
        ("space_inside", (EDIT_INSERT, 20, b' ')),
    ] {
        add(
            "standard_verify",
            name,
            sw(3, SW_NOW, vec![Header::Edited(SW_SIG, edit)]).bytes(literal, SW_BODY),
        );
    }
    let right = String::from_utf8(SW_REF.to_vec()).expect("ASCII");
    let list = |decoys: &[&str], last: &str| {
        let mut entries = decoys.to_vec();
        entries.push(last);
        entries.join(" ").into_bytes().leak() as &'static [u8]
    };
    for (name, value) in [
        ("list_32_last_right", list(&[SW_DECOY; 31], &right)),
        ("list_33", list(&[SW_DECOY; 32], &right)),
        ("list_100", list(&[SW_DECOY; 99], &right)),
        ("list_33_unknown_versions", list(&["v2,x"; 32], &right)),
        (
            "other_versions_ignored",
            list(&["v2,abc", "v1a,x", "nocomma", ",v1"], &right),
        ),
        (
            "only_other_versions",
            list(&["v2,abc"], &right.replace("v1,", "v1a,")),
        ),
        ("undecodable_then_right", list(&["v1,short"], &right)),
        (
            "non_canonical_only",
            list(&[], &right.replace("OE=", "OF=")),
        ),
        ("url_safe", list(&[], &right.replace('/', "_"))),
        ("double_spaces", list(&["", "", SW_DECOY, ""], &right)),
        ("decoy_only", list(&[], SW_DECOY)),
        ("v1_empty", list(&[], "v1,")),
    ] {
        add(
            "standard_verify",
            name,
            sw(3, SW_NOW, vec![Header::Literal(SW_SIG, value)]).bytes(literal, SW_BODY),
        );
    }
    for (name, now, tolerance) in [
        ("edge_old_300s", SW_NOW + 300_999, &[0u8][..]),
        ("too_old", SW_NOW + 301_000, &[0]),
        ("edge_future_300s", SW_NOW - 300_000, &[0]),
        ("in_future", SW_NOW - 300_001, &[0]),
        ("tolerance_zero_same_second", SW_NOW + 999, &[1]),
        ("tolerance_zero_next_second", SW_NOW + 1_000, &[1]),
        (
            "tolerance_ms_truncated",
            SW_NOW + 2_000,
            &[3, 0, 0, 7, 0xcf],
        ),
    ] {
        let mut case = sw(3, now, vec![Header::Signature(SW_SIG, 0)]);
        case.config = sw_config(3, SW_ID, SW_TS, tolerance);
        add("standard_verify", name, case.bytes(literal, SW_BODY));
    }
    for (name, id, ts) in [
        ("id_with_dot", &b"msg.1"[..], SW_TS),
        ("id_empty", b"", SW_TS),
        ("id_spaces", b" msg 1 ", SW_TS),
        ("id_not_utf8", b"msg\xff", SW_TS),
        ("ts_plus", SW_ID, b"+1614265330"),
        ("ts_leading_zero", SW_ID, b"01614265330"),
        ("ts_fraction", SW_ID, b"1614265330.0"),
        ("ts_21_digits", SW_ID, b"123456789012345678901"),
        ("ts_u64_max", SW_ID, b"18446744073709551615"),
    ] {
        let mut case = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
        case.config = sw_config(3, id, ts, &[2]);
        add("standard_verify", name, case.bytes(literal, SW_BODY));
    }
    add(
        "standard_verify",
        "repeated_id",
        sw(
            3,
            SW_NOW,
            vec![
                Header::Signature(SW_SIG, 0),
                Header::Literal(SW_ID_H, SW_ID),
            ],
        )
        .bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "repeated_signature",
        sw(
            3,
            SW_NOW,
            vec![
                Header::Signature(SW_SIG, 0),
                Header::Signature(SW_SIG, 0xff),
            ],
        )
        .bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "missing_signature",
        sw(3, SW_NOW, vec![]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "missing_id",
        sw(0, SW_NOW, vec![Header::Signature(SW_SIG, 0)]).bytes(literal, SW_BODY),
    );

    // Stripe: `t=,v1=` lists, rotation, the window both ways.
    const ST_SECRET: &[u8] = b"whsec_test_secret";
    const ST_T: &str = "1700000000";
    const ST_BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;
    const ST_NOW: i64 = 1_700_000_000_000;
    let literal = STRIPE_NAMES.len() as u8;
    let st_config = |t: &str, tolerance: &[u8]| Writer::default().chunk(t).rest(tolerance);
    let st = |now: i64, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(ST_SECRET, now);
        case.config = st_config(ST_T, &[0]);
        case.headers = headers;
        case
    };
    add(
        "stripe_verify",
        "valid",
        st(ST_NOW + 1, vec![Header::Signature(ST_SIG, 0)]).bytes(literal, ST_BODY),
    );
    for (name, body) in [
        (
            "valid_event_type",
            &br#"{"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1"}}}"#[..],
        ),
        ("valid_repeated_id", br#"{"id":"evt_1","id":"evt_2","type":"a"}"#),
        ("valid_empty_id", br#"{"id":"","type":""}"#),
        ("valid_escaped_id", br#"{"id":"evt\u005f1","type":"invoice\/paid"}"#),
    ] {
        add(
            "stripe_verify",
            name,
            st(ST_NOW, vec![Header::Signature(ST_SIG, 0)]).bytes(literal, body),
        );
    }
    let mut map = st(ST_NOW, vec![Header::Signature(ST_SIG, 0b1111_0000)]);
    map.flags = AS_HEADER_MAP;
    add(
        "stripe_verify",
        "valid_header_map",
        map.bytes(literal, ST_BODY),
    );
    let mut rotated = st(ST_NOW, vec![Header::Previous(ST_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"whsec_rolled";
    rotated.previous = ST_SECRET;
    add(
        "stripe_verify",
        "rotated_previous",
        rotated.bytes(literal, ST_BODY),
    );
    for (name, edit) in [
        ("list_repeated_t", (EDIT_LIST, 0, 0)),
        ("list_space_joined", (EDIT_LIST, 0, 1)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("uppercase_one_digit", (EDIT_UPPER_ONE, 22, 0)),
        ("flipped_hex", (EDIT_FLIP, 30, 1)),
        ("flipped_t", (EDIT_FLIP, 5, 1)),
        ("hex_63", (EDIT_CUT, 79, 0)),
        ("whitespace", (EDIT_SPACE, 0, 1)),
        ("space_after_comma", (EDIT_INSERT, 13, b' ')),
    ] {
        add(
            "stripe_verify",
            name,
            st(ST_NOW, vec![Header::Edited(ST_SIG, edit)]).bytes(literal, ST_BODY),
        );
    }
    let v1 = reference_hex(ST_SECRET, &[ST_T.as_bytes(), b".", ST_BODY].concat());
    let zeros = "0".repeat(64);
    let v0s = |n: usize| ",v0=00".repeat(n);
    for (name, value) in [
        (
            "decoy_then_right",
            format!("t={ST_T},v1={zeros},v1={v1},v0={zeros}"),
        ),
        ("order_free", format!("v1={v1},t={ST_T}")),
        (
            "unreadable_extra_v1",
            format!("t={ST_T},v1={v1},v1=bad_signature"),
        ),
        ("v0_only", format!("t={ST_T},v0={v1}")),
        (
            "uppercase_hex",
            format!("t={ST_T},v1={}", v1.to_uppercase()),
        ),
        ("missing_t", format!("v1={v1}")),
        ("t_without_equals", format!("t,v1={v1}")),
        ("v1_without_equals", format!("t={ST_T},v1")),
        ("t_plus", format!("t=+{ST_T},v1={v1}")),
        ("t_leading_space", format!("t= {ST_T},v1={v1}")),
        ("t_21_digits", format!("t=170000000000000000000,v1={v1}")),
        ("repeated_t", format!("t={ST_T},t={ST_T},v1={v1}")),
        ("empty_elements", format!("t={ST_T},,v1={v1},")),
        ("list_32", format!("t={ST_T}{},v1={v1}", v0s(31))),
        ("list_33", format!("t={ST_T}{},v1={v1}", v0s(32))),
        ("list_100", format!("t={ST_T}{},v1={v1}", v0s(99))),
        (
            "repeated_t_before_limit",
            format!("t={ST_T},t={ST_T}{}", v0s(40)),
        ),
        (
            "limit_before_repeated_t",
            format!("{},t={ST_T},t={ST_T}", &v0s(40)[1..]),
        ),
        ("unknown_keys", format!("t={ST_T},v2={v1},v1={v1},x=y")),
    ] {
        let value: &'static [u8] = value.into_bytes().leak();
        add(
            "stripe_verify",
            name,
            st(ST_NOW, vec![Header::Literal(ST_SIG, value)]).bytes(literal, ST_BODY),
        );
    }
    for (name, now, tolerance) in [
        ("edge_old_300s", ST_NOW + 300_999, &[0u8][..]),
        ("too_old", ST_NOW + 301_000, &[0]),
        ("edge_future_300s", ST_NOW - 300_000, &[0]),
        ("in_future", ST_NOW - 300_001, &[0]),
        ("tolerance_zero", ST_NOW + 500, &[1]),
        ("tolerance_max_epoch", 0, &[2]),
        (
            "tolerance_nanos",
            ST_NOW + 1_000,
            &[4, 0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x00],
        ),
    ] {
        let mut case = st(now, vec![Header::Signature(ST_SIG, 0)]);
        case.config = st_config(ST_T, tolerance);
        add("stripe_verify", name, case.bytes(literal, ST_BODY));
    }
    let mut leading_zero = st(ST_NOW, vec![Header::Signature(ST_SIG, 0)]);
    leading_zero.config = st_config("01700000000", &[0]);
    add(
        "stripe_verify",
        "t_leading_zero_signed",
        leading_zero.bytes(literal, ST_BODY),
    );
    add(
        "stripe_verify",
        "repeated_header",
        st(
            ST_NOW,
            vec![
                Header::Signature(ST_SIG, 0),
                Header::Named("Stripe-Signature", b"t=1"),
            ],
        )
        .bytes(literal, ST_BODY),
    );
    add(
        "stripe_verify",
        "missing",
        st(ST_NOW, vec![]).bytes(literal, ST_BODY),
    );

    // Slack: `v0=` hex, the separate timestamp header.
    const SL_SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    const SL_TS: &[u8] = b"1531420618";
    const SL_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J";
    const SL_NOW: i64 = 1_531_420_618_000;
    let literal = SLACK_NAMES.len() as u8;
    let sl_config = |append: u8, ts: &[u8], tolerance: &[u8]| {
        Writer::default().byte(append).chunk(ts).rest(tolerance)
    };
    let sl = |append: u8, now: i64, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(SL_SECRET, now);
        case.config = sl_config(append, SL_TS, &[0]);
        case.headers = headers;
        case
    };
    add(
        "slack_verify",
        "valid",
        sl(1, SL_NOW + 82_000, vec![Header::Signature(SL_SIG, 0)]).bytes(literal, SL_BODY),
    );
    add(
        "slack_verify",
        "valid_events_api",
        sl(1, SL_NOW, vec![Header::Signature(SL_SIG, 0)]).bytes(
            literal,
            br#"{"team_id":"T1","event":{"type":"app_mention"},"type":"event_callback","event_id":"Ev08MFMKH6"}"#,
        ),
    );
    add(
        "slack_verify",
        "valid_literal_timestamp",
        sl(
            0,
            SL_NOW,
            vec![
                Header::Literal(SL_TS_H, b" 1531420618\t"),
                Header::Signature(SL_SIG, 0b0011),
                Header::Literal(SL_RETRY, b"1"),
            ],
        )
        .bytes(literal, SL_BODY),
    );
    let mut map = sl(1, SL_NOW, vec![Header::Signature(SL_SIG, 0xff)]);
    map.flags = AS_HEADER_MAP;
    add(
        "slack_verify",
        "valid_header_map",
        map.bytes(literal, SL_BODY),
    );
    let mut rotated = sl(1, SL_NOW, vec![Header::Previous(SL_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"new signing secret";
    rotated.previous = SL_SECRET;
    add(
        "slack_verify",
        "rotated_previous",
        rotated.bytes(literal, SL_BODY),
    );
    for (name, edit) in [
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("uppercase_one_digit", (EDIT_UPPER_ONE, 5, 0)),
        ("flipped", (EDIT_FLIP, 40, 2)),
        ("flipped_prefix", (EDIT_FLIP, 1, 1)),
        ("hex_63", (EDIT_CUT, 66, 0)),
        ("list", (EDIT_LIST, 0, 0)),
        ("whitespace", (EDIT_SPACE, 0, 2)),
    ] {
        add(
            "slack_verify",
            name,
            sl(1, SL_NOW, vec![Header::Edited(SL_SIG, edit)]).bytes(literal, SL_BODY),
        );
    }
    let sl_hex = reference_hex(SL_SECRET, &[b"v0:", SL_TS, b":", SL_BODY].concat());
    for (name, value) in [
        ("no_prefix", sl_hex.clone()),
        ("v1_prefix", format!("v1={sl_hex}")),
        ("sha256_prefix", format!("sha256={sl_hex}")),
        ("uppercase_hex", format!("v0={}", sl_hex.to_uppercase())),
    ] {
        let value: &'static [u8] = value.into_bytes().leak();
        add(
            "slack_verify",
            name,
            sl(1, SL_NOW, vec![Header::Literal(SL_SIG, value)]).bytes(literal, SL_BODY),
        );
    }
    for (name, now, tolerance) in [
        ("edge_old_300s", SL_NOW + 300_999, &[0u8][..]),
        ("too_old", SL_NOW + 301_000, &[0]),
        ("edge_future_300s", SL_NOW - 300_000, &[0]),
        ("in_future", SL_NOW - 300_001, &[0]),
        ("tolerance_zero", SL_NOW + 999, &[1]),
        ("before_epoch_tolerance_max", -1, &[2]),
    ] {
        let mut case = sl(1, now, vec![Header::Signature(SL_SIG, 0)]);
        case.config = sl_config(1, SL_TS, tolerance);
        add("slack_verify", name, case.bytes(literal, SL_BODY));
    }
    for (name, ts) in [
        ("ts_plus", &b"+1531420618"[..]),
        ("ts_fraction", b"1531420618.0"),
        ("ts_negative", b"-5"),
        ("ts_empty", b""),
        ("ts_leading_zeros", b"0001531420618"),
    ] {
        let mut case = sl(1, SL_NOW, vec![Header::Signature(SL_SIG, 0)]);
        case.config = sl_config(1, ts, &[0]);
        add("slack_verify", name, case.bytes(literal, SL_BODY));
    }
    add(
        "slack_verify",
        "missing_timestamp",
        sl(0, SL_NOW, vec![Header::Signature(SL_SIG, 0)]).bytes(literal, SL_BODY),
    );
    add(
        "slack_verify",
        "repeated_timestamp",
        sl(
            1,
            SL_NOW,
            vec![
                Header::Signature(SL_SIG, 0),
                Header::Literal(SL_TS_H, SL_TS),
            ],
        )
        .bytes(literal, SL_BODY),
    );
    add(
        "slack_verify",
        "missing_signature",
        sl(1, SL_NOW, vec![]).bytes(literal, SL_BODY),
    );

    // Shopify: base64 over the raw body, no clock.
    const SH_SECRET: &[u8] = b"7008c5f4da4718b9b45d26d3fcbbb157";
    const SH_BODY: &[u8] = br#"{"foo":"bar"}"#;
    const SH_SIG_VALUE: &str = "+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=";
    let literal = SHOPIFY_NAMES.len() as u8;
    let sh = |headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(SH_SECRET, 0);
        case.headers = headers;
        case
    };
    let meta = || {
        [
            Header::Literal(SH_TOPIC, b"products/update"),
            Header::Literal(SH_ID, b" b54557e4-bdd9-4b37-8a5f-bf7d70bcd043 "),
            Header::Literal(SH_SHOP, b"shop.myshopify.com"),
        ]
    };
    let mut valid = sh(vec![Header::Signature(SH_SIG, 0)]);
    valid.headers.extend(meta());
    add("shopify_verify", "valid", valid.bytes(literal, SH_BODY));
    let mut map = sh(vec![Header::Signature(SH_SIG, 0b1010_1010)]);
    map.flags = AS_HEADER_MAP;
    map.now = i64::MIN;
    map.headers.extend(meta());
    add(
        "shopify_verify",
        "valid_header_map_any_clock",
        map.bytes(literal, SH_BODY),
    );
    let mut rotated = sh(vec![Header::Previous(SH_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"rotated";
    rotated.previous = SH_SECRET;
    add(
        "shopify_verify",
        "rotated_previous",
        rotated.bytes(literal, SH_BODY),
    );
    for (name, edit) in [
        ("flipped", (EDIT_FLIP, 0, 0x08)),
        ("unpadded", (EDIT_CUT, 43, 0)),
        ("whitespace", (EDIT_SPACE, 0, 0)),
        ("list", (EDIT_LIST, 0, 0)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
    ] {
        add(
            "shopify_verify",
            name,
            sh(vec![Header::Edited(SH_SIG, edit)]).bytes(literal, SH_BODY),
        );
    }
    for (name, value) in [
        ("reference_vector", SH_SIG_VALUE.to_owned()),
        (
            "hex",
            "f91f53c1833899b2d393784400e064a40ef35b695cf6f3459952acdaeda3b726".to_owned(),
        ),
        ("url_safe", SH_SIG_VALUE.replace('+', "-")),
        ("trailing_bits", SH_SIG_VALUE.replace("yY=", "yZ=")),
        ("prefixed", format!("sha256={SH_SIG_VALUE}")),
        ("double_pad", SH_SIG_VALUE.replace("yY=", "y==")),
    ] {
        let value: &'static [u8] = value.into_bytes().leak();
        add(
            "shopify_verify",
            name,
            sh(vec![Header::Literal(SH_SIG, value)]).bytes(literal, SH_BODY),
        );
    }
    add(
        "shopify_verify",
        "repeated",
        sh(vec![
            Header::Signature(SH_SIG, 0),
            Header::Named("X-SHOPIFY-HMAC-SHA256", SH_SIG_VALUE.as_bytes()),
        ])
        .bytes(literal, SH_BODY),
    );
    add(
        "shopify_verify",
        "missing",
        sh(vec![]).bytes(literal, SH_BODY),
    );
    add(
        "shopify_verify",
        "empty_secret",
        CaseSeed::new(b"", 0).bytes(literal, SH_BODY),
    );

    // The list parsers on raw header values.
    for (name, value) in [
        ("valid", format!("t={ST_T},v1={v1}")),
        (
            "two_v1_and_v0",
            format!("t={ST_T},v1={zeros},v1={v1},v0={v1}"),
        ),
        ("uppercase", format!("t={ST_T},v1={}", v1.to_uppercase())),
        ("hex_63", format!("t={ST_T},v1={}", &v1[..63])),
        ("v0_only", format!("t={ST_T},v0={v1}")),
        ("missing_t", format!("v1={v1}")),
        ("repeated_t", format!("t=1,t=2,v1={v1}")),
        ("list_32", format!("t={ST_T}{},v1={v1}", v0s(31))),
        ("list_100", format!("t={ST_T}{},v1={v1}", v0s(99))),
        ("limit_then_t", format!("{},t=1,t=2", &v0s(40)[1..])),
        ("spaces", format!("t={ST_T}, v1={v1} ")),
        ("bare_keys", "t,v1,=,,==".to_owned()),
        ("empty", String::new()),
    ] {
        add("stripe_header", name, value.into_bytes());
    }
    add(
        "stripe_header",
        "not_utf8",
        [b"t=\xff,v1=", v1.as_bytes()].concat(),
    );
    let decoys = |n: usize, last: &str| {
        let mut entries = vec![SW_DECOY; n];
        entries.push(last);
        entries.join(" ")
    };
    for (name, value) in [
        ("valid", right.clone()),
        ("two", decoys(1, &right)),
        ("list_32", decoys(31, &right)),
        ("list_33", decoys(32, &right)),
        ("list_100", decoys(99, &right)),
        (
            "other_versions",
            format!("v1a,{} v2,x nocomma {right}", &right[3..]),
        ),
        ("tab_separated", format!("{SW_DECOY}\t{right}")),
        ("double_spaces", format!("  {SW_DECOY}   {right}  ")),
        ("v1_empty", "v1,".to_owned()),
        ("unpadded", right.trim_end_matches('=').to_owned()),
        ("trailing_bits", right.replace("OE=", "OF=")),
        ("url_safe", right.replace('/', "_")),
        ("second_comma", format!("{right},x")),
        ("empty", String::new()),
    ] {
        add("standard_webhooks_header", name, value.into_bytes());
    }
    add(
        "standard_webhooks_header",
        "not_utf8",
        [b"v1,\xff ", SW_REF].concat(),
    );
    seeds
}
