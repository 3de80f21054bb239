//! Adversarial inputs through the public API: every provider is fed what an
//! attacker controls (headers, body, the moment it arrives) and must answer
//! with the right error, never a panic, and never accept a wrong MAC.
//!
//! - Wycheproof's 174 HMAC-SHA256 cases; truncated tags are malformed.
//! - Signature headers: empty, 64 KiB, non-UTF-8, non-ASCII digits, 63/65
//!   hex digits, uppercase prefix, repeated with two values, whitespace.
//! - Linear bodies: 1 000 levels of nesting, huge / negative / float /
//!   string timestamps, repeated keys, non-JSON, empty; extreme clocks.
//! - Constant time, structurally: every MAC comparison goes through
//!   `tags_equal`, which uses `subtle` and has no data-dependent exit (the
//!   statistical check is `benches/timing.rs`, not a timed test).

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::generic::{Encoding, Generic};
use hooksig::github::GitHub;
use hooksig::linear::Linear;
use hooksig::notify::Notify;
use hooksig::{Error, Provider};

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

const TS: u64 = 1_700_000_000_000;
/// A body every built-in provider accepts.
const BODY: &[u8] = br#"{"webhookTimestamp":1700000000000,"event":"e","event_id":"i"}"#;

struct Scheme {
    provider: Box<dyn Provider>,
    header: &'static str,
    /// The signature header value the sender writes for `BODY`.
    value: String,
    /// Where the hex digits start in `value`.
    prefix: usize,
    /// Whether uppercase hex is accepted (Generic only).
    any_case: bool,
}

fn schemes() -> Vec<Scheme> {
    let github = GitHub::new("s").unwrap();
    let linear = Linear::new("s").unwrap();
    let notify = Notify::new("s").unwrap();
    let generic = Generic::new("s").unwrap();
    vec![
        Scheme {
            value: github.sign(BODY),
            provider: Box::new(github),
            header: "X-Hub-Signature-256",
            prefix: 7,
            any_case: false,
        },
        Scheme {
            value: linear.sign(BODY),
            provider: Box::new(linear),
            header: "Linear-Signature",
            prefix: 0,
            any_case: false,
        },
        Scheme {
            value: notify.sign(BODY),
            provider: Box::new(notify),
            header: "x-notify-signature",
            prefix: 0,
            any_case: false,
        },
        Scheme {
            value: generic.sign(BODY),
            provider: Box::new(generic),
            header: "X-Signature-256",
            prefix: 7,
            any_case: true,
        },
    ]
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(TS)
}

/// Verifies `BODY` with one signature header holding `value`, as pairs and
/// (where the value is a legal field value) as an `http::HeaderMap`; both
/// must agree. Returns the error kind, or "ok".
fn kind_of(scheme: &Scheme, value: &[u8]) -> &'static str {
    let pairs = [(scheme.header, value)];
    let kind = |result: Result<hooksig::Delivery<'_>, Error>| match result {
        Ok(_) => "ok",
        Err(err) => err.kind(),
    };
    let from_pairs = kind(scheme.provider.verify_at(&pairs, BODY, now()));
    if let Ok(value) = http::HeaderValue::from_bytes(value) {
        let mut map = http::HeaderMap::new();
        map.insert(
            http::HeaderName::from_static(leak_lower(scheme.header)),
            value,
        );
        let from_map = kind(scheme.provider.verify_at(&map, BODY, now()));
        assert_eq!(from_pairs, from_map, "pairs and HeaderMap disagree");
    }
    from_pairs
}

fn leak_lower(name: &str) -> &'static str {
    Box::leak(name.to_ascii_lowercase().into_boxed_str())
}

#[test]
fn every_scheme_accepts_its_own_signature() {
    for scheme in schemes() {
        assert_eq!(
            kind_of(&scheme, scheme.value.as_bytes()),
            "ok",
            "{}",
            scheme.header
        );
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
        let missing = scheme.provider.verify_at(&[("other", "x")], BODY, now());
        assert_eq!(missing.unwrap_err().kind(), "missing_header");
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
        assert_eq!(kind_of(&scheme, &padded), "ok");
        // A 64 KiB header name that is not the signature header is ignored.
        let name = "x".repeat(64 * 1024);
        let headers = [(name.as_str(), "v"), (scheme.header, scheme.value.as_str())];
        assert!(scheme.provider.verify_at(&headers, BODY, now()).is_ok());
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
            // Even at the same byte length (two hex digits replaced).
            let same_len = format!("{}{digit}", &scheme.value[..last + 1 - digit.len()]);
            assert_eq!(kind_of(&scheme, same_len.as_bytes()), "malformed_header");
        }
    }
}

#[test]
fn wrong_lengths_and_prefixes_are_malformed() {
    for scheme in schemes() {
        let value = &scheme.value;
        let hex = &value[scheme.prefix..];
        for wrong in [
            value[..value.len() - 1].to_owned(),                  // 63 hex
            format!("{value}0"),                                  // 65 hex
            format!("{value}{hex}"),                              // 128 hex
            value[..scheme.prefix + 32].to_owned(),               // 128-bit tag
            format!("{}-{}", &value[..scheme.prefix], &hex[1..]), // not a digit
            format!("{}0x{}", &value[..scheme.prefix], &hex[2..]),
        ] {
            assert_eq!(
                kind_of(&scheme, wrong.as_bytes()),
                "malformed_header",
                "{wrong}"
            );
        }
        if scheme.prefix > 0 {
            for prefix in [
                "SHA256=", "Sha256=", "sha256:", "sha1=", "sha256 =", "sha256==",
            ] {
                let wrong = format!("{prefix}{}", &value[7..]);
                assert_eq!(
                    kind_of(&scheme, wrong.as_bytes()),
                    "malformed_header",
                    "{prefix}"
                );
            }
            // No prefix at all.
            assert_eq!(kind_of(&scheme, &value.as_bytes()[7..]), "malformed_header");
        }
        let upper = format!(
            "{}{}",
            &value[..scheme.prefix],
            value[scheme.prefix..].to_uppercase()
        );
        let expected = if scheme.any_case {
            "ok"
        } else {
            "malformed_header"
        };
        assert_eq!(
            kind_of(&scheme, upper.as_bytes()),
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
        let right = scheme.value.as_str();
        let wrong = format!("{}{}", &right[..scheme.prefix], "0".repeat(64));
        let lower = scheme.header.to_ascii_lowercase();
        for pair in [
            [right, wrong.as_str()],
            [wrong.as_str(), right],
            [right, right],
        ] {
            let headers = [(scheme.header, pair[0]), (lower.as_str(), pair[1])];
            let err = scheme
                .provider
                .verify_at(&headers, BODY, now())
                .unwrap_err();
            assert_eq!(err.kind(), "repeated_header", "{}", scheme.header);
            assert_eq!(err.status(), 400);
            let mut map = http::HeaderMap::new();
            for value in pair {
                map.append(leak_lower(scheme.header), value.parse().unwrap());
            }
            let err = scheme.provider.verify_at(&map, BODY, now()).unwrap_err();
            assert_eq!(err.kind(), "repeated_header");
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
    let extremes = [
        UNIX_EPOCH,
        UNIX_EPOCH
            .checked_add(Duration::from_millis(u64::MAX))
            .unwrap_or_else(latest),
        latest(),
        earliest(),
        UNIX_EPOCH - Duration::from_nanos(1),
    ];
    for tolerance in [Duration::ZERO, Duration::from_secs(60), Duration::MAX] {
        let linear = Linear::new("s").unwrap().tolerance(tolerance);
        for ts in [0, 1, TS, i64::MAX as u64, u64::MAX] {
            let body = format!(r#"{{"webhookTimestamp":{ts}}}"#);
            for now in extremes {
                let kind = linear_kind(&linear, body.as_bytes(), now);
                let expected = window(i128::from(ts), millis(now), tolerance);
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
            for now in extremes {
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

/// Whole milliseconds since the epoch, rounded toward negative infinity.
fn millis(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i128,
        Err(e) => -(e.duration().as_nanos().div_ceil(1_000_000) as i128),
    }
}

fn window(ts: i128, now: i128, tolerance: Duration) -> &'static str {
    let tolerance = tolerance.as_millis() as i128;
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
        let Some(open) = source[start..].find(['{', ';']).map(|i| start + i) else {
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

/// What must hold of a provider's source (before its tests): `verify_at`
/// hands the decoded tags to `keys.verify`, and nothing in the file
/// computes or compares a MAC any other way.
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
    if let Some((_, range)) = fns.iter().find(|(n, _)| n == "verify_at") {
        let verify = &code[range.clone()];
        if !verify.contains("self.keys.verify(") {
            problems.push("verify_at does not call self.keys.verify".into());
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
                problems.push(format!("verify_at contains `{banned}`"));
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
    if !code.contains("fn tags_equal(computed: &Tag, provided: &Tag) -> Choice") {
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
                != "matched |= tags_equal(&computed, tag);"
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
    let mut providers = 0;
    for entry in std::fs::read_dir(src.join("providers")).unwrap() {
        let path = entry.unwrap().path();
        let source = read(&path);
        if path.file_name().unwrap() != "mod.rs" {
            assert!(source.contains("fn verify_at"), "{}", path.display());
            providers += 1;
        }
        assert_eq!(
            provider_violations(&source),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
    assert!(providers >= 4);
    // Nowhere else in the crate touches subtle or computes a MAC.
    for file in [
        "lib.rs",
        "encoding.rs",
        "headers.rs",
        "delivery.rs",
        "provider.rs",
        "json.rs",
        "time.rs",
        "error.rs",
    ] {
        let source = read(&src.join(file));
        for banned in ["ct_eq", "subtle::", "hmac::", ".finalize("] {
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
        fn tags_equal(computed: &Tag, provided: &Tag) -> Choice { computed[..].ct_eq(&provided[..]) }\n\
        fn verify(&self) { for state in s { let mut matched = Choice::from(0); \
        for tag in provided { matched |= tags_equal(&computed, tag); } } }";
    assert_eq!(key_violations(good_key), Vec::<String>::new());
    for bad in [
        good_key.replace("computed[..].ct_eq(&provided[..])", "Choice::from(u8::from(computed == provided))"),
        good_key.replace(
            "computed[..].ct_eq(&provided[..])",
            "for i in 0..32 { if computed[i] != provided[i] { return Choice::from(0); } } 1u8.ct_eq(&1)",
        ),
        good_key.replace("-> Choice {", "-> bool {"),
        good_key.replace(
            "matched |= tags_equal(&computed, tag);",
            "if bool::from(tags_equal(&computed, tag)) { return Ok(()); }",
        ),
        good_key.replace("use subtle::", "use other::"),
    ] {
        assert!(!key_violations(&bad).is_empty(), "not caught: {bad}");
    }

    let good_provider = "fn sign(&self, body: &[u8]) -> String { to_hex(&self.keys.sign(&[body])) }\n\
        fn verify_at(&self) { let tag = signature(headers)?; self.keys.verify(&[body], &[tag])?; Ok(d) }";
    assert_eq!(provider_violations(good_provider), Vec::<String>::new());
    for bad in [
        good_provider.replace(
            "self.keys.verify(&[body], &[tag])?;",
            "if self.sign(body).as_bytes() != value { return Err(e); }",
        ),
        good_provider.replace(
            "self.keys.verify(&[body], &[tag])?;",
            "if self.keys.sign(&[body]) == tag { }",
        ),
        good_provider.replace(
            "self.keys.verify(&[body], &[tag])?;",
            "self.keys.verify(&[body], &[tag])?; if tag == [0; 32] {}",
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
