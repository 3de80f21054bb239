//! Adversarial inputs through the public API: every provider is fed what an
//! attacker controls (headers, body, the moment it arrives) and must answer
//! with the right error, never a panic, and never accept a wrong MAC.
//!
//! - Wycheproof's 174 HMAC-SHA256 cases; truncated tags are malformed.
//! - Signature headers of all eight providers (and Svix's header names),
//!   through one table: empty, 64 KiB, non-UTF-8, non-ASCII digits, one
//!   character short or long, base64 of 31 or 33 bytes (44 characters
//!   either way), near-miss and uppercase prefixes, repeated with two
//!   values, whitespace.
//! - UNIX-second timestamps (Standard Webhooks, Stripe, Slack): signs,
//!   leading zeros, 20 and 21 digits, Unicode digits, non-UTF-8, 64 KiB,
//!   whitespace, repeated headers, `t=` twice; values beyond `i64` and
//!   `u64` against the earliest and latest clocks and a `Duration::MAX`
//!   tolerance; the window inclusive to the second; the MAC checked first.
//! - Standard Webhooks never mixes or falls back between `webhook-*` and
//!   `svix-*`; hostile ids; Shopify's unsigned metadata stays a hint.
//! - Linear bodies: 1 000 levels of nesting, huge / negative / float /
//!   string timestamps, repeated keys, non-JSON, empty; extreme clocks.
//! - Constant time, structurally: every MAC comparison goes through
//!   `tags_equal`, which uses `subtle` and has no data-dependent exit (the
//!   statistical check is `benches/timing.rs`, not a timed test).
//!
//! Signature vectors, every signed part (id, timestamp, body) and byte
//! flips of the newer providers are in `beyond_vectors.rs` and
//! `properties_beyond.rs`; this file does not repeat them.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hooksig::generic::{Encoding, Generic};
use hooksig::github::GitHub;
use hooksig::linear::Linear;
use hooksig::notify::Notify;
use hooksig::shopify::Shopify;
use hooksig::slack::Slack;
use hooksig::standard::StandardWebhooks;
use hooksig::stripe::Stripe;
use hooksig::{Error, Outgoing, Provider};

// ---------------------------------------------------------------------------
// Wycheproof
// ---------------------------------------------------------------------------

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).expect("vector hex")
}

/// All 174 cases of Wycheproof's `hmac_sha256_test.json`, through `Generic`
/// (bare hex) and `GitHub` (`sha256=` hex): full-length tags verify exactly
/// when the vector is valid; 128-bit (truncated) tags are malformed whatever
/// the vector says, so a truncated MAC can never pass; and every valid tag
/// with one bit flipped is a mismatch.
#[test]
fn wycheproof_hmac_sha256() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/wycheproof_hmac_sha256_test.json");
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("vector file")).expect("JSON");
    let mut cases = 0;
    for group in file["testGroups"].as_array().expect("groups") {
        let tag_bits = group["tagSize"].as_u64().expect("tagSize");
        for test in group["tests"].as_array().expect("tests") {
            cases += 1;
            let id = &test["tcId"];
            let key = unhex(test["key"].as_str().expect("key"));
            let msg = unhex(test["msg"].as_str().expect("msg"));
            let tag = test["tag"].as_str().expect("tag");
            let valid = test["result"] == "valid";
            let generic = Generic::new(&key).unwrap().prefix("").unwrap();
            let github = GitHub::new(&key).unwrap();
            let bare_headers = [("X-Signature-256", tag)];
            let bare = generic.verify(&bare_headers, &msg);
            let prefixed = format!("sha256={tag}");
            let hub_headers = [("X-Hub-Signature-256", prefixed.as_str())];
            let hub = github.verify(&hub_headers, &msg);
            if tag_bits == 256 {
                for result in [bare.map(|_| ()), hub.map(|_| ())] {
                    let expected = if valid {
                        Ok(())
                    } else {
                        Err(Error::SignatureMismatch)
                    };
                    assert_eq!(result, expected, "tcId {id}: {}", test["comment"]);
                }
                if valid {
                    assert_eq!(github.sign(&msg), prefixed, "tcId {id}");
                    let mut flipped = unhex(tag);
                    flipped[cases % 32] ^= 1 << (cases % 8);
                    let flipped = hex::encode(flipped);
                    assert_eq!(
                        generic
                            .verify(&[("X-Signature-256", flipped)], &msg)
                            .unwrap_err(),
                        Error::SignatureMismatch,
                        "tcId {id} flipped"
                    );
                }
            } else {
                assert_eq!(tag_bits, 128);
                for err in [bare.unwrap_err(), hub.unwrap_err()] {
                    assert_eq!(err.kind(), "malformed_header", "tcId {id}: {err}");
                }
                // Zero-padding a truncated tag to full length is a mismatch.
                let padded = format!("{tag:0<64}");
                assert_eq!(
                    generic
                        .verify(&[("X-Signature-256", padded)], &msg)
                        .unwrap_err(),
                    Error::SignatureMismatch,
                    "tcId {id} padded"
                );
            }
        }
    }
    assert_eq!(cases, 174, "every Wycheproof case ran");
}

// ---------------------------------------------------------------------------
// Signature headers
// ---------------------------------------------------------------------------

/// Linear's `webhookTimestamp` in `BODY` (milliseconds), and the clock.
const TS: u64 = 1_700_000_000_000;
/// The same moment in the UNIX seconds the header-stamped schemes send.
const SECS: u64 = TS / 1_000;
/// A body every built-in provider accepts.
const BODY: &[u8] = br#"{"webhookTimestamp":1700000000000,"event":"e","event_id":"i"}"#;
/// Every scheme's secret (for Standard Webhooks, the raw key).
const KEY: &str = "s";
/// The Standard Webhooks message id.
const ID: &str = "msg_1";

/// Header pairs with raw values, so that any byte can be sent.
type Pairs = Vec<(&'static str, Vec<u8>)>;

/// How a scheme writes its tag after the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// 64 hex digits; `any_case` when uppercase is accepted (Generic only).
    Hex { any_case: bool },
    /// 44 characters of canonical, padded, standard base64.
    Base64,
}

const LOWER_HEX: Form = Form::Hex { any_case: false };

impl Form {
    fn len(self) -> usize {
        match self {
            Form::Hex { .. } => 64,
            Form::Base64 => 44,
        }
    }

    fn encode(self, tag: &[u8]) -> String {
        match self {
            Form::Hex { .. } => hex::encode(tag),
            Form::Base64 => BASE64.encode(tag),
        }
    }
}

struct Scheme {
    provider: Box<dyn Provider>,
    header: &'static str,
    /// The signature header value the sender writes for `BODY`.
    value: String,
    /// Where the tag starts in `value` (it runs to the end).
    prefix: usize,
    form: Form,
    /// The other headers the delivery carries (id, timestamp), valid.
    context: Vec<(&'static str, String)>,
    /// Near misses of the text before the tag, each malformed.
    wrong_prefixes: &'static [&'static str],
}

fn scheme(
    header: &'static str,
    value: String,
    form: Form,
    provider: impl Provider + 'static,
) -> Scheme {
    Scheme {
        prefix: value.len() - form.len(),
        provider: Box::new(provider),
        header,
        value,
        form,
        context: Vec::new(),
        wrong_prefixes: &[],
    }
}

impl Scheme {
    fn with(
        mut self,
        context: &[(&'static str, &str)],
        wrong_prefixes: &'static [&'static str],
    ) -> Self {
        self.context = context.iter().map(|&(n, v)| (n, v.to_owned())).collect();
        self.wrong_prefixes = wrong_prefixes;
        self
    }

    /// The delivery's headers, its signature header holding `value`.
    fn headers(&self, value: &[u8]) -> Pairs {
        let mut headers: Pairs = (self.context.iter())
            .map(|(n, v)| (*n, v.clone().into_bytes()))
            .collect();
        headers.push((self.header, value.to_vec()));
        headers
    }

    /// The value with its tag replaced by `tag`.
    fn with_tag(&self, tag: &str) -> String {
        format!("{}{tag}", &self.value[..self.prefix])
    }
}

/// Every built-in provider, and Standard Webhooks under Svix's names.
fn schemes() -> Vec<Scheme> {
    const HUB: &[&str] = &[
        "SHA256=", "Sha256=", "sha256:", "sha1=", "sha256 =", "sha256==",
    ];
    const BARE: &[&str] = &["sha256=", "v1,", "="];
    const STANDARD: &[&str] = &[
        "V1,", "v1;", "v1=", "v1 ,", "v1, ", "v1,,", "v2,", "v1a,", ",", "v1", "v0=",
    ];
    const STRIPE: &[&str] = &[
        "T=1700000000,v1=",
        "t=1700000000,V1=",
        "t=1700000000,v1:",
        "t=1700000000;v1=",
        "t=1700000000, v1=",
        "t =1700000000,v1=",
        "t=1700000000 ,v1=",
        "t=1700000000,v1==",
        "t:1700000000,v1=",
        "t=1700000000,v0=",
        "t=1700000000,v2=",
        "t=,v1=",
        "t=1700000000,t=1700000000,v1=",
    ];
    const SLACK: &[&str] = &[
        "V0=", "v0:", "v0==", "v1=", "v0 =", "v0=v0=", " v0 =", "=v0=", "sha256=",
    ];
    const SHOPIFY: &[&str] = &["sha256=", "v1,", "=", "+"];
    let github = GitHub::new(KEY).unwrap();
    let linear = Linear::new(KEY).unwrap();
    let notify = Notify::new(KEY).unwrap();
    let generic = Generic::new(KEY).unwrap();
    let standard = StandardWebhooks::from_raw_key(KEY).unwrap();
    let stripe = Stripe::new(KEY).unwrap();
    let slack = Slack::new(KEY).unwrap();
    let shopify = Shopify::new(KEY).unwrap();
    let secs = SECS.to_string();
    let standard_value = standard.sign(ID, SECS, BODY).unwrap();
    let any_case = Form::Hex { any_case: true };
    vec![
        scheme("X-Hub-Signature-256", github.sign(BODY), LOWER_HEX, github).with(&[], HUB),
        scheme("Linear-Signature", linear.sign(BODY), LOWER_HEX, linear).with(&[], BARE),
        scheme("x-notify-signature", notify.sign(BODY), LOWER_HEX, notify).with(&[], BARE),
        scheme("X-Signature-256", generic.sign(BODY), any_case, generic).with(&[], HUB),
        scheme(
            "webhook-signature",
            standard_value.clone(),
            Form::Base64,
            standard.clone(),
        )
        .with(
            &[("webhook-id", ID), ("webhook-timestamp", &secs)],
            STANDARD,
        ),
        scheme("svix-signature", standard_value, Form::Base64, standard)
            .with(&[("svix-id", ID), ("svix-timestamp", &secs)], STANDARD),
        scheme(
            "Stripe-Signature",
            stripe.sign(SECS, BODY),
            LOWER_HEX,
            stripe,
        )
        .with(&[], STRIPE),
        scheme(
            "X-Slack-Signature",
            slack.sign(SECS, BODY),
            LOWER_HEX,
            slack,
        )
        .with(&[("X-Slack-Request-Timestamp", &secs)], SLACK),
        scheme(
            "X-Shopify-Hmac-Sha256",
            shopify.sign(BODY),
            Form::Base64,
            shopify,
        )
        .with(&[], SHOPIFY),
    ]
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(TS)
}

/// Verifies `body` with `headers` as pairs and, when every name and value
/// is legal in HTTP, as an `http::HeaderMap` (repeats kept); both must
/// agree. Returns the error kind, or "ok".
fn outcome(
    provider: &dyn Provider,
    headers: &[(&str, Vec<u8>)],
    body: &[u8],
    now: SystemTime,
) -> &'static str {
    let kind = |result: Result<hooksig::Delivery<'_>, Error>| match result {
        Ok(_) => "ok",
        Err(err) => err.kind(),
    };
    let from_pairs = kind(provider.verify_at(&headers, body, now));
    let map: Option<http::HeaderMap> = (headers.iter())
        .map(|(name, value)| {
            Some((
                http::HeaderName::from_bytes(name.as_bytes()).ok()?,
                http::HeaderValue::from_bytes(value).ok()?,
            ))
        })
        .collect();
    if let Some(map) = map {
        let from_map = kind(provider.verify_at(&map, body, now));
        assert_eq!(from_pairs, from_map, "pairs and HeaderMap disagree");
    }
    from_pairs
}

/// The outcome for `BODY` when the signature header holds `value`.
fn kind_of(scheme: &Scheme, value: &[u8]) -> &'static str {
    outcome(&*scheme.provider, &scheme.headers(value), BODY, now())
}

#[test]
fn every_scheme_accepts_its_own_signature() {
    let schemes = schemes();
    assert_eq!(schemes.len(), 9);
    for scheme in schemes {
        assert_eq!(
            kind_of(&scheme, scheme.value.as_bytes()),
            "ok",
            "{}",
            scheme.header
        );
        // The tag is where the table says, and in its form.
        let tag = &scheme.value[scheme.prefix..];
        let decoded = match scheme.form {
            Form::Hex { .. } => hex::decode(tag).ok(),
            Form::Base64 => BASE64.decode(tag).ok(),
        };
        assert_eq!(decoded.map(|d| d.len()), Some(32), "{}", scheme.header);
    }
}

#[test]
fn empty_and_blank_values_are_malformed() {
    for scheme in schemes() {
        for value in [&b""[..], b" ", b"\t \t"] {
            assert_eq!(
                kind_of(&scheme, value),
                "malformed_header",
                "{}",
                scheme.header
            );
        }
        // Absent, or under a name that only Unicode case folding would
        // match (`ſ`, U+017F, uppercases to `S`).
        let lookalike = scheme.header.replacen(['s', 'S'], "\u{17f}", 1);
        for name in ["other", lookalike.as_str()] {
            let mut missing: Vec<(&str, Vec<u8>)> = scheme.headers(b"");
            missing.pop();
            missing.push((name, scheme.value.clone().into_bytes()));
            assert_eq!(
                outcome(&*scheme.provider, &missing, BODY, now()),
                "missing_header",
                "{name}"
            );
        }
    }
}

#[test]
fn a_64_kib_value_is_refused_not_scanned_into_trouble() {
    for scheme in schemes() {
        let huge = vec![b'a'; 64 * 1024];
        assert_eq!(kind_of(&scheme, &huge), "malformed_header");
        let mut long = scheme.value.clone().into_bytes();
        long.extend(std::iter::repeat_n(b'0', 64 * 1024));
        assert_eq!(kind_of(&scheme, &long), "malformed_header");
        // Optional whitespace is trimmed whatever its length.
        let mut padded = scheme.value.clone().into_bytes();
        padded.extend(std::iter::repeat_n(b' ', 64 * 1024));
        assert_eq!(kind_of(&scheme, &padded), "ok", "{}", scheme.header);
        // A 64 KiB header name that is not the signature header is ignored.
        let name = "x".repeat(64 * 1024);
        let mut headers = vec![(name.as_str(), b"v".to_vec())];
        headers.extend(scheme.headers(scheme.value.as_bytes()));
        assert_eq!(outcome(&*scheme.provider, &headers, BODY, now()), "ok");
    }
}

#[test]
fn non_utf8_and_non_ascii_digits_are_malformed() {
    for scheme in schemes() {
        let value = scheme.value.as_bytes();
        let last = value.len() - 1;
        let mut invalid = value.to_vec();
        invalid[last] = 0xff;
        assert_eq!(kind_of(&scheme, &invalid), "malformed_header");
        let mut appended = value.to_vec();
        appended.push(0x80);
        assert_eq!(kind_of(&scheme, &appended), "malformed_header");
        // Digits that Unicode calls digits: Arabic-Indic, fullwidth,
        // superscript; and a fullwidth letter.
        for digit in ["\u{663}", "\u{ff13}", "\u{b3}", "\u{ff41}"] {
            let replaced = format!("{}{digit}", &scheme.value[..last]);
            assert_eq!(
                kind_of(&scheme, replaced.as_bytes()),
                "malformed_header",
                "{digit}"
            );
            // Even at the same byte length (digits replaced).
            let same_len = format!("{}{digit}", &scheme.value[..last + 1 - digit.len()]);
            assert_eq!(kind_of(&scheme, same_len.as_bytes()), "malformed_header");
        }
    }
}

/// Values one step from the right shape: one character short or long, the
/// tag twice, half a tag, a character outside the alphabet; for base64,
/// also 44 characters that decode to 31 or 33 bytes, so the decoder (not
/// only the length check) must refuse them.
fn near_misses(scheme: &Scheme) -> Vec<String> {
    let (value, tag) = (&scheme.value, &scheme.value[scheme.prefix..]);
    let mut wrong = vec![
        value[..value.len() - 1].to_owned(),
        format!("{value}0"),
        format!("{value}{tag}"),
        scheme.with_tag(&tag[..tag.len() / 2]),
        scheme.with_tag(&format!("-{}", &tag[1..])),
    ];
    match scheme.form {
        Form::Hex { .. } => wrong.push(scheme.with_tag(&format!("0x{}", &tag[2..]))),
        Form::Base64 => {
            let raw = BASE64.decode(tag).unwrap();
            let short = BASE64.encode(&raw[..31]);
            let long = BASE64.encode([&raw[..], &[0]].concat());
            assert_eq!((short.len(), long.len()), (44, 44));
            wrong.extend([
                scheme.with_tag(&short),
                scheme.with_tag(&long),
                scheme.with_tag(&format!("_{}", &tag[1..])),
                scheme.with_tag(&format!("={}", &tag[..43])),
                scheme.with_tag(&format!("{}==", &tag[..42])),
            ]);
        }
    }
    wrong
}

#[test]
fn wrong_lengths_and_prefixes_are_malformed() {
    for scheme in schemes() {
        for wrong in near_misses(&scheme) {
            assert_eq!(
                kind_of(&scheme, wrong.as_bytes()),
                "malformed_header",
                "{wrong}"
            );
        }
        assert!(!scheme.wrong_prefixes.is_empty(), "{}", scheme.header);
        for prefix in scheme.wrong_prefixes {
            let wrong = format!("{prefix}{}", &scheme.value[scheme.prefix..]);
            assert_eq!(
                kind_of(&scheme, wrong.as_bytes()),
                "malformed_header",
                "{}: {prefix:?}",
                scheme.header
            );
        }
        if scheme.prefix > 0 {
            // No prefix at all.
            let bare = &scheme.value.as_bytes()[scheme.prefix..];
            assert_eq!(kind_of(&scheme, bare), "malformed_header");
        }
        let tag = &scheme.value[scheme.prefix..];
        let upper = tag.to_uppercase();
        assert_ne!(upper, tag, "the tag has letters");
        let expected = match scheme.form {
            Form::Hex { any_case: true } => "ok",
            Form::Hex { any_case: false } => "malformed_header",
            // Base64 is case-sensitive: another tag, or not canonical.
            Form::Base64 if BASE64.decode(&upper).is_ok_and(|d| d.len() == 32) => {
                "signature_mismatch"
            }
            Form::Base64 => "malformed_header",
        };
        assert_eq!(
            kind_of(&scheme, scheme.with_tag(&upper).as_bytes()),
            expected,
            "{}",
            scheme.header
        );
    }
}

/// Decision: a repeated signature header is rejected (400
/// `repeated_header`), whatever the values, in either order, even when one
/// of them is right. Taking the first or accepting any would let an
/// intermediary's or attacker's extra header decide the outcome.
#[test]
fn a_repeated_signature_header_is_rejected() {
    for scheme in schemes() {
        let right = scheme.value.as_bytes();
        let wrong = scheme.with_tag(&scheme.form.encode(&[0; 32]));
        let lower = scheme.header.to_ascii_lowercase();
        for pair in [
            [right, wrong.as_bytes()],
            [wrong.as_bytes(), right],
            [right, right],
        ] {
            let mut headers: Vec<(&str, Vec<u8>)> = scheme.headers(pair[0]);
            headers.push((&lower, pair[1].to_vec()));
            assert_eq!(
                outcome(&*scheme.provider, &headers, BODY, now()),
                "repeated_header",
                "{}",
                scheme.header
            );
            let err = (scheme.provider.verify_at(&headers, BODY, now())).unwrap_err();
            assert_eq!(err.status(), 400);
        }
    }
}

/// RFC 9110 optional whitespace (SP, HTAB) around the value is trimmed;
/// other whitespace is not whitespace to HTTP and makes the value malformed.
#[test]
fn only_sp_and_htab_are_trimmed() {
    for scheme in schemes() {
        let v = &scheme.value;
        for ok in [format!(" {v}"), format!("{v}\t"), format!("\t  {v} \t ")] {
            assert_eq!(kind_of(&scheme, ok.as_bytes()), "ok", "{ok:?}");
        }
        for bad in [
            format!("\r{v}"),
            format!("{v}\n"),
            format!("{v}\r\n"),
            format!("\u{a0}{v}"),
            format!("{v}\u{3000}"),
            format!("\x0b{v}"),
            format!("\x0c{v}"),
            format!("\0{v}"),
            format!("{} {}", &v[..10], &v[10..]),
        ] {
            assert_eq!(
                kind_of(&scheme, bad.as_bytes()),
                "malformed_header",
                "{bad:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Linear bodies and clocks
// ---------------------------------------------------------------------------

fn linear_kind(linear: &Linear, body: &[u8], now: SystemTime) -> &'static str {
    let sig = linear.sign(body);
    match linear.verify_at(&[("Linear-Signature", sig.as_str())], body, now) {
        Ok(_) => "ok",
        Err(err) => err.kind(),
    }
}

#[test]
fn hostile_linear_bodies_are_malformed() {
    let linear = Linear::new("s").unwrap();
    let deep = |open: &str, close: &str, levels| {
        format!(
            r#"{{"webhookTimestamp":{TS},"a":{}0{}}}"#,
            open.repeat(levels),
            close.repeat(levels)
        )
    };
    for body in [
        deep("[", "]", 1_000),
        deep(r#"{"a":"#, "}", 1_000),
        deep("[", "", 1_000),
        format!(
            r#"{}{{"webhookTimestamp":{TS}}}{}"#,
            "[".repeat(1_000),
            "]".repeat(1_000)
        ),
        r#"{"webhookTimestamp":18446744073709551616}"#.to_owned(),
        format!(r#"{{"webhookTimestamp":{}}}"#, "9".repeat(400)),
        r#"{"webhookTimestamp":1e400}"#.to_owned(),
        r#"{"webhookTimestamp":1.7e12}"#.to_owned(),
        r#"{"webhookTimestamp":-1}"#.to_owned(),
        r#"{"webhookTimestamp":-9223372036854775808}"#.to_owned(),
        r#"{"webhookTimestamp":-0}"#.to_owned(),
        format!(r#"{{"webhookTimestamp":{TS}.0}}"#),
        format!(r#"{{"webhookTimestamp":{TS}e0}}"#),
        format!(r#"{{"webhookTimestamp":0{TS}}}"#),
        format!(r#"{{"webhookTimestamp":"{TS}"}}"#),
        format!(r#"{{"webhookTimestamp":[{TS}]}}"#),
        r#"{"webhookTimestamp":null}"#.to_owned(),
        format!(r#"{{"webhookTimestamp":{TS},"webhookTimestamp":{TS}}}"#),
        format!(r#"{{"webhookTimestamp":{TS},"webhook\u0054imestamp":{TS}}}"#),
        format!(r#"{{"data":{{"webhookTimestamp":{TS}}}}}"#),
        format!("webhookTimestamp={TS}"),
        format!(r#"{{"webhookTimestamp":{TS}"#),
        format!(r#"{{"webhookTimestamp":{TS}}} trailing"#),
        format!("\u{feff}{{\"webhookTimestamp\":{TS}}}"),
        String::new(),
        " ".to_owned(),
        "null".to_owned(),
    ] {
        assert_eq!(
            linear_kind(&linear, body.as_bytes(), now()),
            "malformed_body",
            "{:.80}",
            body
        );
    }
    let invalid_utf8 = [
        &br#"{"webhookTimestamp":1700000000000,"x":""#[..],
        b"\xff\"}",
    ]
    .concat();
    assert_eq!(linear_kind(&linear, &invalid_utf8, now()), "malformed_body");
    // The control: the same shapes, made valid, verify.
    let ok = format!(
        r#"{{"webhookTimestamp":{TS},"a":{}0{}}}"#,
        "[".repeat(500),
        "]".repeat(500)
    );
    assert_eq!(linear_kind(&linear, ok.as_bytes(), now()), "ok");
}

/// The JSON scanner does not recurse: 100 000 levels of nesting are
/// refused on a thread with a 64 KiB stack.
#[test]
fn deep_nesting_cannot_exhaust_the_stack() {
    let body = format!(r#"{{"webhookTimestamp":{TS},"a":{}}}"#, "[".repeat(100_000));
    let kind = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || linear_kind(&Linear::new("s").unwrap(), body.as_bytes(), now()))
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(kind, "malformed_body");
}

/// The earliest and latest clock readings the platform can represent, and
/// `u64::MAX` / zero millisecond timestamps: no arithmetic overflows.
#[test]
fn extreme_timestamps_and_clocks_do_not_overflow() {
    let extremes = clocks();
    for tolerance in [Duration::ZERO, Duration::from_secs(60), Duration::MAX] {
        let linear = Linear::new("s").unwrap().tolerance(tolerance);
        for ts in [0, 1, TS, i64::MAX as u64, u64::MAX] {
            let body = format!(r#"{{"webhookTimestamp":{ts}}}"#);
            for &now in &extremes {
                let kind = linear_kind(&linear, body.as_bytes(), now);
                let tolerance_ms = tolerance.as_millis() as i128;
                let expected = window(i128::from(ts), since_epoch(now, MILLI), tolerance_ms);
                assert_eq!(
                    kind, expected,
                    "ts {ts}, now {now:?}, tolerance {tolerance:?}"
                );
            }
        }
        let notify = Notify::new("s").unwrap().tolerance(tolerance);
        for stamp in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:60.999-23:59"] {
            let body = format!(r#"{{"event":"e","event_id":"i","timestamp":"{stamp}"}}"#);
            let sig = notify.sign(body.as_bytes());
            let headers = [("x-notify-signature", sig.as_str())];
            for &now in &extremes {
                let result = notify.verify_at(&headers, body.as_bytes(), now);
                if let Err(err) = result {
                    assert!(err.kind().starts_with("timestamp_"), "{err}");
                }
            }
        }
    }
    // u64::MAX milliseconds with an unbounded window is accepted, and its
    // time is reported when the platform can represent it.
    let linear = Linear::new("s").unwrap().tolerance(Duration::MAX);
    let body = format!(r#"{{"webhookTimestamp":{}}}"#, u64::MAX);
    let sig = linear.sign(body.as_bytes());
    let headers = [("Linear-Signature", sig.as_str())];
    let delivery = linear
        .verify_at(&headers, body.as_bytes(), earliest())
        .unwrap();
    assert_eq!(
        delivery.timestamp(),
        UNIX_EPOCH.checked_add(Duration::from_millis(u64::MAX))
    );
}

/// The earliest and latest clock readings the platform can represent, the
/// epoch and a nanosecond before it, `u64::MAX` seconds and milliseconds
/// after it (or the latest reading), and the tests' clock.
fn clocks() -> Vec<SystemTime> {
    let after = |d| UNIX_EPOCH.checked_add(d).unwrap_or_else(latest);
    vec![
        UNIX_EPOCH,
        UNIX_EPOCH - Duration::from_nanos(1),
        after(Duration::from_millis(u64::MAX)),
        after(Duration::from_secs(u64::MAX)),
        latest(),
        earliest(),
        now(),
    ]
}

const MILLI: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

/// Whole `unit`s since the epoch, rounded toward negative infinity.
fn since_epoch(t: SystemTime, unit: Duration) -> i128 {
    let unit = unit.as_nanos();
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_nanos() / unit) as i128,
        Err(e) => -(e.duration().as_nanos().div_ceil(unit) as i128),
    }
}

/// The expected outcome for timestamp `ts` at `now`, both inclusive ends,
/// everything in one unit.
fn window(ts: i128, now: i128, tolerance: i128) -> &'static str {
    if now - ts > tolerance {
        "timestamp_too_old"
    } else if ts - now > tolerance {
        "timestamp_in_future"
    } else {
        "ok"
    }
}

/// The largest `SystemTime` reachable by adding whole seconds.
fn latest() -> SystemTime {
    extreme(|d| UNIX_EPOCH.checked_add(d))
}

fn earliest() -> SystemTime {
    extreme(|d| UNIX_EPOCH.checked_sub(d))
}

fn extreme(step: impl Fn(Duration) -> Option<SystemTime>) -> SystemTime {
    let (mut lo, mut hi) = (0u64, u64::MAX);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if step(Duration::from_secs(mid)).is_some() {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    step(Duration::from_secs(lo)).unwrap()
}

// ---------------------------------------------------------------------------
// UNIX-second timestamps: Standard Webhooks, Stripe, Slack
// ---------------------------------------------------------------------------

/// A scheme that signs a timestamp in UNIX seconds.
struct Stamped {
    verifier: fn(Duration) -> Box<dyn Provider>,
    /// The headers of a delivery of `BODY` whose timestamp reads `sent`,
    /// with a MAC over `signed` in its place (normally the same text).
    request: fn(signed: &[u8], sent: &[u8]) -> Pairs,
    /// Whether the timestamp is a header of its own, trimmed as field
    /// values are; Stripe's `t` is an element of `Stripe-Signature`, and
    /// elements are not trimmed.
    own_header: bool,
}

/// HMAC-SHA256 of the concatenated `parts` under `KEY`, computed by
/// `Generic` (it signs exactly the bytes it is given), so a request can
/// carry any timestamp text at all, signed as written.
fn mac(parts: &[&[u8]], encoding: Encoding) -> String {
    let oracle = Generic::new(KEY).unwrap().prefix("").unwrap();
    oracle.encoding(encoding).sign(&parts.concat())
}

/// A Standard Webhooks delivery: `id` and `t` as signed, and as sent.
fn standard_request([id, sent_id]: [&[u8]; 2], [t, sent_t]: [&[u8]; 2]) -> Pairs {
    let sig = mac(&[id, b".", t, b".", BODY], Encoding::Base64);
    vec![
        ("webhook-id", sent_id.to_vec()),
        ("webhook-timestamp", sent_t.to_vec()),
        ("webhook-signature", format!("v1,{sig}").into_bytes()),
    ]
}

fn stamped() -> [Stamped; 3] {
    [
        Stamped {
            verifier: |t| Box::new(StandardWebhooks::from_raw_key(KEY).unwrap().tolerance(t)),
            request: |signed, sent| standard_request([ID.as_bytes(); 2], [signed, sent]),
            own_header: true,
        },
        Stamped {
            verifier: |t| Box::new(Stripe::new(KEY).unwrap().tolerance(t)),
            request: |signed, sent| {
                let sig = mac(&[signed, b".", BODY], Encoding::Hex);
                let value = [b"t=", sent, b",v1=", sig.as_bytes()].concat();
                vec![("Stripe-Signature", value)]
            },
            own_header: false,
        },
        Stamped {
            verifier: |t| Box::new(Slack::new(KEY).unwrap().tolerance(t)),
            request: |signed, sent| {
                let sig = mac(&[b"v0:", signed, b":", BODY], Encoding::Hex);
                vec![
                    ("X-Slack-Request-Timestamp", sent.to_vec()),
                    ("X-Slack-Signature", format!("v0={sig}").into_bytes()),
                ]
            },
            own_header: true,
        },
    ]
}

const TOLERANCE: Duration = Duration::from_secs(300);

impl Stamped {
    /// Asserts the outcome of a delivery stamped `sent` (signed over
    /// `signed`) at `now`; that a forged one (signed over other text) is
    /// refused the same way when the stamp is malformed and as a mismatch
    /// otherwise, so the window is consulted only once the MAC holds; and,
    /// when accepted, the time the delivery reports.
    fn expect(
        &self,
        [signed, sent]: [&[u8]; 2],
        now: SystemTime,
        tolerance: Duration,
        expected: &str,
    ) {
        let provider = (self.verifier)(tolerance);
        let context = format!(
            "{}: t {:?} (signed {:?}) at {now:?}, tolerance {tolerance:?}",
            provider.name(),
            String::from_utf8_lossy(&sent[..sent.len().min(40)]),
            String::from_utf8_lossy(&signed[..signed.len().min(40)]),
        );
        let headers = (self.request)(signed, sent);
        assert_eq!(
            outcome(&*provider, &headers, BODY, now),
            expected,
            "{context}"
        );
        let forged = (self.request)(&[signed, b"0"].concat(), sent);
        let refused = match expected {
            "malformed_header" => expected,
            _ => "signature_mismatch",
        };
        let forged = outcome(&*provider, &forged, BODY, now);
        assert_eq!(forged, refused, "forged, {context}");
        if expected == "ok" {
            let secs: u128 = std::str::from_utf8(signed).unwrap().parse().unwrap();
            let time = u64::try_from(secs)
                .ok()
                .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)));
            let delivery = provider.verify_at(&headers, BODY, now).unwrap();
            assert_eq!(delivery.timestamp(), time, "{context}");
        }
    }
}

#[test]
fn the_oracle_signs_like_the_providers() {
    let outgoing = Outgoing::new(BODY).id(ID).at(now());
    for stamped in stamped() {
        let provider = (stamped.verifier)(TOLERANCE);
        let signed = provider.sign_headers(&outgoing).unwrap();
        let secs = SECS.to_string();
        let ours = (stamped.request)(secs.as_bytes(), secs.as_bytes());
        assert_eq!(signed.len(), ours.len(), "{}", provider.name());
        for (name, value) in ours {
            assert_eq!(
                signed[name].as_bytes(),
                value,
                "{}: {name}",
                provider.name()
            );
        }
    }
}

/// Decision (all three): the timestamp is 1 to 20 ASCII digits, leading
/// zeros allowed and signed as written; no sign, point, exponent, other
/// digits or bytes. Anything else is malformed (400) before the MAC is
/// computed; 20 digits that overflow `u64` are a time, far in the future.
#[test]
fn stamps_are_one_to_twenty_ascii_digits() {
    let twenty_nines = "9".repeat(20);
    let u64_max = u64::MAX.to_string();
    let past_u64 = (u128::from(u64::MAX) + 1).to_string();
    let i64_max = i64::MAX.to_string();
    let kib = ["1".repeat(64 * 1024), "0".repeat(64 * 1024)];
    let mut cases: Vec<(&[u8], &str)> = vec![
        (b"1700000000", "ok"),
        (b"01700000000", "ok"),
        (b"00000000001700000000", "ok"),
        (b"1699999700", "ok"),
        (b"1700000300", "ok"),
        (b"1699999699", "timestamp_too_old"),
        (b"1700000301", "timestamp_in_future"),
        (b"0", "timestamp_too_old"),
        (b"00000000000000000000", "timestamp_too_old"),
        (i64_max.as_bytes(), "timestamp_in_future"),
        (u64_max.as_bytes(), "timestamp_in_future"),
        (past_u64.as_bytes(), "timestamp_in_future"),
        (twenty_nines.as_bytes(), "timestamp_in_future"),
    ];
    let malformed: &[&[u8]] = &[
        b"",
        b"000000000001700000000",
        b"999999999999999999999",
        b"+1700000000",
        b"-1700000000",
        b"+0",
        b"-0",
        b"1700000000.0",
        b".1700000000",
        b"1.7e9",
        b"1e9",
        b"0x6553f100",
        b"6553f100",
        b"1_700_000_000",
        b"1 700 000 000",
        b"t=1700000000",
        "\u{661}\u{667}\u{660}\u{660}\u{660}\u{660}\u{660}\u{660}\u{660}\u{660}".as_bytes(),
        "\u{ff11}\u{ff17}\u{ff10}\u{ff10}\u{ff10}\u{ff10}\u{ff10}\u{ff10}\u{ff10}\u{ff10}"
            .as_bytes(),
        "170000000\u{660}".as_bytes(),
        "170000000\u{ff10}".as_bytes(),
        "\u{b9}700000000".as_bytes(),
        "170000000\u{1d7ce}".as_bytes(),
        "\u{966}1700000000".as_bytes(),
        b"170000000\xff",
        b"\xb11700000000",
        b"1700000000\x00",
        b"\x001700000000",
        b"17000000\xc2\xb9",
        kib[0].as_bytes(),
        kib[1].as_bytes(),
    ];
    cases.extend(malformed.iter().map(|&t| (t, "malformed_header")));
    for stamped in stamped() {
        for &(t, expected) in &cases {
            stamped.expect([t, t], now(), TOLERANCE, expected);
        }
        // Sent otherwise than signed. The text is signed, not the number
        // it denotes. SP and HTAB around a header of its own are trimmed,
        // as HTTP defines; inside `Stripe-Signature` nothing is.
        let trimmed = match stamped.own_header {
            true => "ok",
            false => "malformed_header",
        };
        let respelled = [
            ("1700000000", "01700000000", "signature_mismatch"),
            ("01700000000", "1700000000", "signature_mismatch"),
            ("1700000000", " 1700000000", trimmed),
            ("1700000000", "1700000000\t", trimmed),
            ("1700000000", " \t1700000000\t ", trimmed),
            ("1700000000", "\u{a0}1700000000", "malformed_header"),
            ("1700000000", "1700000000\u{3000}", "malformed_header"),
            ("1700000000", "\u{2009}1700000000", "malformed_header"),
            ("1700000000", "1700000000\r", "malformed_header"),
            ("1700000000", "1700000000\n", "malformed_header"),
            ("1700000000", "\x0b1700000000", "malformed_header"),
            ("1700000000", "\x0c1700000000", "malformed_header"),
        ];
        for (signed, sent, expected) in respelled {
            let texts = [signed.as_bytes(), sent.as_bytes()];
            stamped.expect(texts, now(), TOLERANCE, expected);
        }
    }
}

/// Decision: every header of these schemes must appear once; a second
/// copy (same value or another, before or after) is a 400
/// `repeated_header`, never "take the first".
#[test]
fn repeated_stamp_and_signature_headers_are_rejected() {
    for stamped in stamped() {
        let provider = (stamped.verifier)(TOLERANCE);
        let headers = (stamped.request)(b"1700000000", b"1700000000");
        let other = (stamped.request)(b"1700000001", b"1700000001");
        for (i, (name, value)) in headers.iter().enumerate() {
            for extra in [value, &other[i].1] {
                let mut after = headers.clone();
                after.push((*name, extra.clone()));
                let mut before = headers.clone();
                before.insert(0, (*name, extra.clone()));
                for repeated in [after, before] {
                    let kind = outcome(&*provider, &repeated, BODY, now());
                    assert_eq!(kind, "repeated_header", "{}: {name}", provider.name());
                }
            }
        }
    }
}

/// Stripe: exactly one `t` element. A second one is malformed wherever it
/// stands and whatever it holds; elements that only look like `t` (another
/// case, a space, a longer key) are unknown elements, and ignored.
#[test]
fn stripe_t_given_twice_is_malformed() {
    let stripe = Stripe::new(KEY).unwrap();
    let header = stripe.sign(SECS, BODY);
    let (t, v1) = header.split_once(',').unwrap();
    let check = |value: String| {
        let headers = vec![("Stripe-Signature", value.into_bytes())];
        outcome(&stripe, &headers, BODY, now())
    };
    for twice in [
        format!("{t},{t},{v1}"),
        format!("{t},t=1700000001,{v1}"),
        format!("t=1700000001,{t},{v1}"),
        format!("{t},{v1},{t}"),
        format!("{v1},{t},t=0"),
        format!("t=,{t},{v1}"),
        format!("t,{t},{v1}"),
        format!("{t},{v1},t"),
        format!("{t},t={},{v1}", "9".repeat(64 * 1024)),
    ] {
        let err = stripe
            .verify_at(&[("Stripe-Signature", twice.as_str())], BODY, now())
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::MalformedHeader {
                    problem: "more than one `t=` element",
                    ..
                }
            ),
            "{twice:.80}: {err:?}"
        );
        assert_eq!(check(twice), "malformed_header");
    }
    for lookalike in ["T=0", " t=0", "t =0", "tt=0", "t0=0", "\u{ff54}=0"] {
        assert_eq!(check(format!("{t},{lookalike},{v1}")), "ok", "{lookalike}");
        assert_eq!(check(format!("{v1},{lookalike}")), "malformed_header");
    }
}

/// Extreme timestamps (0, 1, `i64::MAX`, `u64::MAX` and beyond, the most
/// 20 digits hold) against the extreme clocks, under zero, default,
/// `u64::MAX`-second and `Duration::MAX` tolerances: no overflow, and the
/// answer the window arithmetic gives.
#[test]
fn extreme_stamps_and_clocks_do_not_overflow() {
    let stamps: Vec<i128> = vec![
        0,
        1,
        i128::from(SECS),
        i128::from(i64::MAX),
        i128::from(i64::MAX) + 1,
        i128::from(u64::MAX),
        i128::from(u64::MAX) + 1,
        10i128.pow(20) - 1,
    ];
    let tolerances = [
        Duration::ZERO,
        TOLERANCE,
        Duration::from_secs(u64::MAX),
        Duration::MAX,
    ];
    let clocks = clocks();
    let mut outcomes = std::collections::BTreeSet::new();
    for stamped in stamped() {
        for &tolerance in &tolerances {
            for &ts in &stamps {
                let t = ts.to_string();
                for &now in &clocks {
                    let seconds = i128::from(tolerance.as_secs());
                    let expected = window(ts, since_epoch(now, SECOND), seconds);
                    outcomes.insert(expected);
                    stamped.expect([t.as_bytes(); 2], now, tolerance, expected);
                }
            }
        }
    }
    assert_eq!(outcomes.len(), 3, "all three outcomes occur: {outcomes:?}");
}

/// The window is inclusive at exactly ±tolerance, in whole seconds: the
/// clock is floored to the second and the tolerance truncated to it, as
/// the senders' libraries compare. Also at the ends of the range, where
/// a `Duration::MAX` tolerance spans exactly `u64::MAX` seconds.
#[test]
fn the_window_is_inclusive_to_the_second() {
    let at = |secs: u64, nanos: u32| UNIX_EPOCH + Duration::new(secs, nanos);
    let just_before = UNIX_EPOCH - Duration::from_nanos(1);
    let (old, ok, future) = ("timestamp_too_old", "ok", "timestamp_in_future");
    let secs = SECS.to_string();
    let u64_max = u64::MAX.to_string();
    let past_u64 = (u128::from(u64::MAX) + 1).to_string();
    let max = Duration::MAX;
    let cases: Vec<(&str, SystemTime, Duration, &str)> = vec![
        (&secs, at(SECS + 300, 999_999_999), TOLERANCE, ok),
        (&secs, at(SECS + 301, 0), TOLERANCE, old),
        (&secs, at(SECS - 300, 0), TOLERANCE, ok),
        (&secs, at(SECS - 301, 999_999_999), TOLERANCE, future),
        (&secs, at(SECS, 999_999_999), Duration::ZERO, ok),
        (&secs, at(SECS + 1, 0), Duration::ZERO, old),
        (&secs, at(SECS - 1, 999_999_999), Duration::ZERO, future),
        // A fraction of a second in the tolerance counts for nothing.
        (&secs, at(SECS + 1, 0), Duration::from_millis(999), old),
        (
            &secs,
            at(SECS + 1, 999_999_999),
            Duration::from_millis(1_999),
            ok,
        ),
        (&secs, at(SECS + 2, 0), Duration::from_millis(1_999), old),
        (&secs, at(SECS - 1, 0), Duration::from_millis(1_999), ok),
        (
            &secs,
            at(SECS - 2, 999_999_999),
            Duration::from_millis(1_999),
            future,
        ),
        // A nanosecond before the epoch reads as second -1.
        ("0", just_before, Duration::ZERO, future),
        ("0", just_before, SECOND, ok),
        ("0", UNIX_EPOCH, Duration::ZERO, ok),
        // `Duration::MAX` is `u64::MAX` whole seconds, inclusive.
        (&u64_max, UNIX_EPOCH, max, ok),
        (&past_u64, UNIX_EPOCH, max, future),
        (&past_u64, at(0, 999_999_999), max, future),
        (&past_u64, at(1, 0), max, ok),
        (&u64_max, earliest(), max, future),
        ("0", latest(), max, ok),
        ("0", latest(), Duration::from_secs(u64::MAX / 4), old),
        ("0", earliest(), Duration::ZERO, future),
        ("1", earliest(), max, ok),
    ];
    for stamped in stamped() {
        for &(t, now, tolerance, expected) in &cases {
            stamped.expect([t.as_bytes(); 2], now, tolerance, expected);
        }
    }
}

// ---------------------------------------------------------------------------
// Header sets, ids and unsigned metadata
// ---------------------------------------------------------------------------

/// Standard Webhooks reads `webhook-*` when `webhook-signature` is present
/// at all (even empty, blank or repeated) and `svix-*` only when it is
/// absent: a broken or forged `webhook-signature` never falls back to a
/// valid `svix-*` set, and a header of the other set is ignored.
#[test]
fn standard_webhooks_header_sets_never_mix_or_fall_back() {
    let standard = StandardWebhooks::from_raw_key(KEY).unwrap();
    let secs = SECS.to_string();
    let webhook = standard_request([ID.as_bytes(); 2], [secs.as_bytes(); 2]);
    let svix: Pairs = ["svix-id", "svix-timestamp", "svix-signature"]
        .into_iter()
        .zip(webhook.iter().map(|(_, value)| value.clone()))
        .collect();
    let forged = standard.sign(ID, SECS + 1, BODY).unwrap().into_bytes();
    let forged: &[u8] = &forged;
    let valid: &[u8] = &webhook[2].1;
    let signature = "webhook-signature";
    // A valid svix set, and `webhook-id` / `webhook-timestamp` that would
    // verify with a valid `webhook-signature`.
    let both: Pairs = svix.iter().chain(&webhook[..2]).cloned().collect();
    /// Headers added to a base set.
    type Added<'a> = Vec<(&'static str, &'a [u8])>;
    let cases: Vec<(&Pairs, Added<'_>, &str)> = vec![
        (&svix, vec![], "ok"),
        (&both, vec![], "ok"),
        (&both, vec![(signature, valid)], "ok"),
        (&both, vec![(signature, b"")], "malformed_header"),
        (&both, vec![(signature, b" \t ")], "malformed_header"),
        (&both, vec![(signature, b"v2,x")], "malformed_header"),
        (&both, vec![(signature, forged)], "signature_mismatch"),
        (
            &both,
            vec![(signature, forged), (signature, forged)],
            "repeated_header",
        ),
        (
            &both,
            vec![(signature, valid), (signature, valid)],
            "repeated_header",
        ),
        (&svix, vec![(signature, valid)], "missing_header"),
        (
            &svix,
            vec![("webhook-timestamp", b"0"), ("webhook-id", b"x")],
            "ok",
        ),
        (&svix, vec![("svix-signature", valid)], "repeated_header"),
        (&webhook, vec![("svix-signature", forged)], "ok"),
        (
            &webhook,
            vec![("svix-timestamp", b"0"), ("svix-id", b"x")],
            "ok",
        ),
        (
            &webhook,
            vec![("svix-signature", forged), ("svix-signature", forged)],
            "ok",
        ),
    ];
    for (base, extra, expected) in cases {
        let mut headers = base.clone();
        headers.extend(extra.iter().map(|&(n, v)| (n, v.to_vec())));
        let names: Vec<_> = headers.iter().map(|(n, _)| n).collect();
        let kind = outcome(&standard, &headers, BODY, now());
        assert_eq!(kind, expected, "{names:?}, added {extra:?}");
    }
}

/// `webhook-id` is signed as written (after trimming): any UTF-8 text but
/// a `.` verifies, a 64 KiB id included, and `Delivery::id` is that text;
/// an id that is not UTF-8 is malformed even when signed, as documented
/// (it could be neither read back nor deduplicated on). Shopify's id and topic are not
/// signed: hostile values never change the verdict, and read as `None`
/// when absent, empty, repeated or not UTF-8.
#[test]
fn signed_ids_and_unsigned_metadata() {
    let standard = StandardWebhooks::from_raw_key(KEY).unwrap();
    let t = SECS.to_string();
    let long = "i".repeat(64 * 1024);
    for (signed, sent, expected, id) in [
        (&b"msg_1"[..], &b" \tmsg_1\t "[..], "ok", Some("msg_1")),
        (long.as_bytes(), long.as_bytes(), "ok", Some(long.as_str())),
        (b"\xffmsg", b"\xffmsg", "malformed_header", None),
        (
            "\u{3000}msg".as_bytes(),
            "\u{3000}msg".as_bytes(),
            "ok",
            Some("\u{3000}msg"),
        ),
        // A no-break space is not HTTP whitespace: not trimmed, so another
        // id than the signed one (as a lone Latin-1 byte, not even UTF-8).
        (
            b"msg_1",
            "\u{a0}msg_1".as_bytes(),
            "signature_mismatch",
            None,
        ),
        (b"msg_1", b"\xa0msg_1", "malformed_header", None),
        (b".", b".", "malformed_header", None),
        (b"msg_1.", b"msg_1.", "malformed_header", None),
        (b"", b"", "malformed_header", None),
    ] {
        let headers = standard_request([signed, sent], [t.as_bytes(); 2]);
        assert_eq!(
            outcome(&standard, &headers, BODY, now()),
            expected,
            "{sent:?}"
        );
        if expected == "ok" {
            let delivery = standard.verify_at(&headers, BODY, now()).unwrap();
            assert_eq!(delivery.id(), id, "{sent:?}");
        }
    }

    let shopify = Shopify::new(KEY).unwrap();
    let sig = shopify.sign(BODY).into_bytes();
    let (id, topic) = ("X-Shopify-Webhook-Id", "X-Shopify-Topic");
    let long = long.as_bytes();
    for (metadata, expected) in [
        (
            vec![(id, &b"w-1"[..]), (topic, b"orders/create")],
            (Some("w-1"), Some("orders/create")),
        ),
        (
            vec![(id, b"w-1"), (id, b"w-2"), (topic, b"a"), (topic, b"a")],
            (None, None),
        ),
        (vec![(id, b"\xff"), (topic, b" ")], (None, None)),
        (
            vec![(id, b" \tw-1\t "), (topic, long)],
            (Some("w-1"), std::str::from_utf8(long).ok()),
        ),
        (vec![], (None, None)),
    ] {
        let mut headers: Pairs = metadata.iter().map(|&(n, v)| (n, v.to_vec())).collect();
        headers.push(("X-Shopify-Hmac-Sha256", sig.clone()));
        assert_eq!(outcome(&shopify, &headers, BODY, now()), "ok");
        let delivery = shopify.verify_at(&headers, BODY, now()).unwrap();
        assert_eq!((delivery.id(), delivery.event()), expected, "{metadata:?}");
    }
}

// ---------------------------------------------------------------------------
// Constant time, structurally
// ---------------------------------------------------------------------------

/// Source before the unit tests, without whole-line comments.
fn code(source: &str) -> String {
    let before_tests = source.split("#[cfg(test)]").next().unwrap_or(source);
    before_tests
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The body (between its braces) of every `fn` in `source`, with its name.
/// String and byte-character literals are skipped while matching braces.
fn functions(source: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = source[from..].find("fn ") {
        let start = from + at;
        from = start + 3;
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let name: String = source[start + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body opens at the first `{` after the signature (or the fn
        // has none: a `;` comes first).
        // (A `;` inside brackets, as in `[u8; N]`, is part of a type.)
        let mut nesting = 0i32;
        let Some(open) = source[start..]
            .bytes()
            .position(|b| {
                match b {
                    b'[' | b'(' => nesting += 1,
                    b']' | b')' => nesting -= 1,
                    _ => {}
                }
                nesting == 0 && (b == b'{' || b == b';')
            })
            .map(|i| start + i)
        else {
            break;
        };
        if bytes[open] == b';' {
            continue;
        }
        let (mut depth, mut i) = (0usize, open);
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        found.push((name, open + 1..i));
    }
    found
}

fn body_of<'s>(source: &'s str, name: &str) -> &'s str {
    let (_, range) = functions(source)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no fn {name}"));
    &source[range]
}

/// What must hold of a provider's source (before its tests), and of the
/// engine's: the engine's `run` hands the decoded tags to `keys.verify`,
/// and nothing computes or compares a MAC any other way.
fn provider_violations(source: &str) -> Vec<String> {
    let code = &code(source);
    let mut problems = Vec::new();
    for banned in [
        "ct_eq",
        "tags_equal",
        "hmac::",
        "sha2::",
        "subtle::",
        "Hmac<",
        ".finalize(",
    ] {
        if code.contains(banned) {
            problems.push(format!(
                "uses `{banned}` (MACs are computed and compared only in key.rs)"
            ));
        }
    }
    let fns = functions(code);
    // A MAC is computed only to sign.
    let mut from = 0;
    while let Some(at) = code[from..].find("keys.sign(") {
        let at = from + at;
        from = at + 1;
        let inner = fns
            .iter()
            .filter(|(_, range)| range.contains(&at))
            .min_by_key(|(_, range)| range.len());
        match inner {
            Some((name, _)) if name.starts_with("sign") => {}
            other => problems.push(format!(
                "`keys.sign(` in fn {:?}, not a signing fn",
                other.map(|(n, _)| n)
            )),
        }
    }
    // The engine's two verifiers: any scheme, and the plain-body family.
    for (run, range) in fns.iter().filter(|(n, _)| n == "run" || n == "run_plain") {
        let verify = &code[range.clone()];
        if !verify.contains("keys.verify(") {
            problems.push(format!("{run} does not call keys.verify"));
        }
        for banned in [
            "sign(",
            "to_hex",
            "to_base64",
            "encode(",
            "tag ==",
            "== tag",
            "tag !=",
            "!= tag",
            "tag.eq(",
            "tag.starts_with",
            "tag.eq_ignore_ascii_case",
            "tags ==",
            "== tags",
            "memcmp",
        ] {
            if verify.contains(banned) {
                problems.push(format!("{run} contains `{banned}`"));
            }
        }
    }
    problems
}

/// What must hold of src/key.rs: one comparison function, using subtle,
/// returning a `Choice`, with no branch or exit that depends on the data;
/// `Keys::verify` folds every provided tag in before deciding.
fn key_violations(source: &str) -> Vec<String> {
    let code = &code(source);
    let mut problems = Vec::new();
    if !code.contains("use subtle::") {
        problems.push("key.rs does not use subtle".into());
    }
    if !code
        .contains("fn tags_equal<const N: usize>(computed: &[u8; N], provided: &[u8; N]) -> Choice")
    {
        problems.push("tags_equal must take two tags and return a subtle::Choice".into());
    }
    let compare = body_of(code, "tags_equal");
    if !compare.contains("ct_eq(") {
        problems.push("tags_equal does not decide with ct_eq".into());
    }
    for banned in [
        "if ",
        "return",
        "break",
        "while",
        "match ",
        "==",
        "!=",
        "&&",
        "||",
        "?",
        "position(",
        "starts_with",
        "eq_ignore_ascii_case",
    ] {
        if compare.contains(banned) {
            problems.push(format!("tags_equal contains `{banned}`"));
        }
    }
    if code.matches("ct_eq(").count() != 1 {
        problems.push("ct_eq used outside tags_equal".into());
    }
    for banned in [" == ", " != ", ".eq(", "memcmp"] {
        if code.contains(banned) {
            problems.push(format!("key.rs compares with `{banned}`"));
        }
    }
    let verify = body_of(code, "verify");
    match verify.find("for tag in provided {") {
        Some(at) => {
            let loop_body = &verify[at..];
            let loop_body = &loop_body[..loop_body.find('}').unwrap_or(loop_body.len())];
            if loop_body.trim_start_matches("for tag in provided {").trim()
                != "matched |= tags_equal(&computed, tag.borrow());"
            {
                problems.push(format!("the tag loop must only fold: {loop_body:?}"));
            }
        }
        None => problems.push("Keys::verify has no `for tag in provided` loop".into()),
    }
    problems
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn every_mac_comparison_is_constant_time() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let key = read(&src.join("key.rs"));
    assert_eq!(key_violations(&key), Vec::<String>::new(), "src/key.rs");
    // The engine verifies for every provider, through `keys.verify`.
    let engine = read(&src.join("engine.rs"));
    assert!(code(&engine).contains("fn run<"), "src/engine.rs has run");
    let mut engine_checks = provider_violations(&engine);
    // The engine names the MAC types it dispatches on; it computes none.
    engine_checks.retain(|problem| {
        !problem.contains("`hmac::`")
            && !problem.contains("`sha2::`")
            && !problem.contains("`Hmac<`")
    });
    assert_eq!(engine_checks, Vec::<String>::new(), "src/engine.rs");
    let mut providers = 0;
    for entry in std::fs::read_dir(src.join("providers")).unwrap() {
        let path = entry.unwrap().path();
        let source = read(&path);
        if path.file_name().unwrap() != "mod.rs" {
            // A provider is facts and quirks: it does not verify by itself.
            assert!(
                !code(&source).contains("fn verify_at"),
                "{}",
                path.display()
            );
            assert!(
                !code(&source).contains("fn verify_incoming"),
                "{}",
                path.display()
            );
            providers += 1;
        }
        assert_eq!(
            provider_violations(&source),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
    assert!(providers >= 8);
    // Nowhere else in the crate touches subtle or computes a MAC.
    for file in [
        "lib.rs",
        "encoding.rs",
        "engine.rs",
        "scheme.rs",
        "incoming.rs",
        "headers.rs",
        "delivery.rs",
        "provider.rs",
        "json.rs",
        "time.rs",
        "error.rs",
    ] {
        let source = read(&src.join(file));
        for banned in ["ct_eq", "subtle::", "hmac::", ".finalize("] {
            if file == "engine.rs" && banned == "hmac::" {
                continue; // it names the MAC types it dispatches on
            }
            assert!(!code(&source).contains(banned), "src/{file} uses {banned}");
        }
    }
    let manifest = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
    assert!(manifest.contains("\nsubtle = "), "subtle is a dependency");
}

/// The structural checks catch the usual mistakes (so they can fail).
#[test]
fn structural_checks_catch_variable_time_code() {
    let good_key = "use subtle::{Choice, ConstantTimeEq};\n\
        fn tags_equal<const N: usize>(computed: &[u8; N], provided: &[u8; N]) -> Choice { computed[..].ct_eq(&provided[..]) }\n\
        fn verify(&self) { for state in s { let mut matched = Choice::from(0); \
        for tag in provided { matched |= tags_equal(&computed, tag.borrow()); } } }";
    assert_eq!(key_violations(good_key), Vec::<String>::new());
    for bad in [
        good_key.replace("computed[..].ct_eq(&provided[..])", "Choice::from(u8::from(computed == provided))"),
        good_key.replace(
            "computed[..].ct_eq(&provided[..])",
            "for i in 0..32 { if computed[i] != provided[i] { return Choice::from(0); } } 1u8.ct_eq(&1)",
        ),
        good_key.replace("-> Choice {", "-> bool {"),
        good_key.replace(
            "matched |= tags_equal(&computed, tag.borrow());",
            "if bool::from(tags_equal(&computed, tag.borrow())) { return Ok(()); }",
        ),
        good_key.replace("use subtle::", "use other::"),
    ] {
        assert!(!key_violations(&bad).is_empty(), "not caught: {bad}");
    }

    let good_provider =
        "fn sign(&self, body: &[u8]) -> String { to_hex(&self.keys.sign(&[body])) }\n\
        fn run<P>(&self) { let tag = signature(headers)?; keys.verify(&[body], &[tag])?; Ok(d) }";
    assert_eq!(provider_violations(good_provider), Vec::<String>::new());
    for bad in [
        good_provider.replace(
            "keys.verify(&[body], &[tag])?;",
            "if self.sign(body).as_bytes() != value { return Err(e); }",
        ),
        good_provider.replace(
            "keys.verify(&[body], &[tag])?;",
            "if self.keys.sign(&[body]) == tag { }",
        ),
        good_provider.replace(
            "keys.verify(&[body], &[tag])?;",
            "keys.verify(&[body], &[tag])?; if tag == [0; 32] {}",
        ),
        good_provider.replace("let tag", "let ok = hmac::Hmac::new(k).ct_eq(x); let tag"),
        format!("{good_provider}\nfn check(&self) -> bool {{ self.keys.sign(&[b]) == t }}"),
    ] {
        assert!(!provider_violations(&bad).is_empty(), "not caught: {bad}");
    }
}

#[test]
fn generic_base64_rejects_near_misses() {
    let generic = Generic::new("s")
        .unwrap()
        .prefix("")
        .unwrap()
        .encoding(Encoding::Base64);
    let sig = generic.sign(BODY);
    assert!(generic
        .verify(&[("x-signature-256", sig.as_str())], BODY)
        .is_ok());
    for bad in [
        sig.trim_end_matches('=').to_owned(),
        sig.replace('+', "-").replace('/', "_"),
        format!("{sig}="),
        format!(
            "{}{}",
            &sig[..42],
            if &sig[42..43] == "A" { "B=" } else { "A=" }
        ),
    ] {
        if bad == sig {
            continue;
        }
        let err = generic
            .verify(&[("x-signature-256", bad.as_str())], BODY)
            .unwrap_err();
        assert!(
            matches!(err.kind(), "malformed_header" | "signature_mismatch"),
            "{bad}"
        );
    }
}
