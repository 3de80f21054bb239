//! Proves that `verify_at` of the GitHub, Linear, Notify and Generic
//! providers allocates no heap memory at all: on success, with a rotated
//! (previous) secret, and on every kind of failure (missing, repeated and
//! malformed headers, signature mismatch, Linear's stale, future and
//! missing timestamps and non-JSON bodies, Notify's missing fields), with
//! headers given both as a slice of pairs and as an `http::HeaderMap`.
//! Building the returned `Error` is part of the measured call, so this also
//! proves errors are built without allocating (static messages, static or
//! shared header names). The `Delivery` accessors are measured too.
//!
//! A counting global allocator records the allocations of the current
//! thread only (the test harness runs tests on several threads), and a
//! sanity test shows the counter does see an allocation.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::{
    generic::{Encoding, Generic},
    github::GitHub,
    linear::Linear,
    notify::Notify,
    Headers, Outgoing, Provider,
};

mod counting_alloc;
use counting_alloc::*;

const SECRET: &[u8] = b"allocation-test-secret";
const OLD: &[u8] = b"allocation-test-previous-secret";
const TS: u64 = 1_579_784_000_000;

fn at_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// `Ok`, or the `Error::kind` of the expected rejection.
type Outcome = Result<(), &'static str>;

/// Header pairs of one case, borrowed while the cases are built.
type Pairs<'a> = Vec<(&'static str, &'a [u8])>;

/// One verification to measure; everything is built before measuring.
struct Case<'a> {
    what: String,
    provider: &'a dyn Provider,
    pairs: Vec<(&'static str, Vec<u8>)>,
    map: Option<http::HeaderMap>,
    body: Vec<u8>,
    now: SystemTime,
    expected: Outcome,
}

/// Verifies once and reads every accessor, counting allocations; returns
/// the outcome and the count.
fn measure(
    provider: &dyn Provider,
    headers: &dyn Headers,
    body: &[u8],
    now: SystemTime,
) -> (Outcome, usize) {
    let before = allocations();
    let result = provider.verify_at(headers, body, now);
    let outcome = match &result {
        Ok(delivery) => {
            black_box((
                delivery.id(),
                delivery.event(),
                delivery.timestamp(),
                delivery.is_ping(),
                delivery.body(),
                delivery.provider(),
            ));
            Ok(())
        }
        Err(err) => Err(black_box(err.kind())),
    };
    drop(black_box(result));
    let after = allocations();
    (outcome, after - before)
}

fn run(cases: &[Case<'_>]) {
    let mut failures = Vec::new();
    let mut measured = 0;
    for case in cases {
        let mut shapes: Vec<(&str, &dyn Headers)> = vec![("pairs", &case.pairs)];
        if let Some(map) = &case.map {
            shapes.push(("HeaderMap", map));
        }
        for (shape, headers) in shapes {
            let (outcome, count) = measure(case.provider, headers, &case.body, case.now);
            measured += 1;
            if outcome != case.expected {
                failures.push(format!(
                    "{} ({shape}): expected {:?}, got {outcome:?}",
                    case.what, case.expected
                ));
            }
            if count != 0 {
                failures.push(format!(
                    "{} ({shape}): {count} allocation(s) on the verify path",
                    case.what
                ));
            }
        }
    }
    assert!(measured >= cases.len(), "nothing measured");
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Pairs and, where every name and value is valid HTTP, the same headers as
/// a `HeaderMap` (appended, so repeats stay repeats).
fn case<'a>(
    what: &str,
    provider: &'a dyn Provider,
    pairs: &[(&'static str, &[u8])],
    body: &[u8],
    now: SystemTime,
    expected: Outcome,
) -> Case<'a> {
    let mut map = Some(http::HeaderMap::new());
    for (name, value) in pairs {
        match (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_bytes(value),
        ) {
            (Ok(name), Ok(value)) => {
                if let Some(map) = map.as_mut() {
                    map.append(name, value);
                }
            }
            _ => map = None,
        }
    }
    Case {
        what: format!("{}: {what}", provider.name()),
        provider,
        pairs: pairs.iter().map(|(k, v)| (*k, v.to_vec())).collect(),
        map,
        body: body.to_vec(),
        now,
        expected,
    }
}

/// The failure cases every provider shares: its signature header `header`,
/// with the valid value `valid` for `body`.
#[allow(clippy::too_many_arguments)]
fn header_cases<'a>(
    cases: &mut Vec<Case<'a>>,
    provider: &'a dyn Provider,
    header: &'static str,
    valid: &str,
    old: &str,
    forged: &str,
    prefix: &str,
    body: &[u8],
    now: SystemTime,
) {
    let v = valid.as_bytes();
    let upper = format!("{prefix}{}", valid[prefix.len()..].to_ascii_uppercase());
    let short = &valid[..valid.len() - 1];
    let long = format!("{valid}0");
    let mut non_hex = valid.as_bytes().to_vec();
    let last = non_hex.len() - 1;
    non_hex[last] = b'g';
    let mut non_utf8 = valid.as_bytes().to_vec();
    non_utf8[last] = 0xff;
    let bad_prefix = format!("sha1={}", &valid[prefix.len()..]);
    let padded = format!(" \t{valid} ");
    let list: Vec<(&str, Pairs<'_>, Outcome)> = vec![
        ("valid", vec![(header, v)], Ok(())),
        (
            "valid among other headers",
            vec![
                ("Content-Type", b"application/json"),
                ("User-Agent", b"GitHub-Hookshot/044aadd"),
                (header, v),
                ("X-Forwarded-For", b"10.0.0.1"),
            ],
            Ok(()),
        ),
        (
            "valid, padded with OWS",
            vec![(header, padded.as_bytes())],
            Ok(()),
        ),
        ("previous secret", vec![(header, old.as_bytes())], Ok(())),
        (
            "missing header",
            vec![("X-Other", v)],
            Err("missing_header"),
        ),
        ("no headers", vec![], Err("missing_header")),
        (
            "repeated, same value",
            vec![(header, v), (header, v)],
            Err("repeated_header"),
        ),
        (
            "repeated, different values",
            vec![(header, v), (header, forged.as_bytes())],
            Err("repeated_header"),
        ),
        ("empty value", vec![(header, b"")], Err("malformed_header")),
        (
            "blank value",
            vec![(header, b" \t ")],
            Err("malformed_header"),
        ),
        (
            "bad prefix",
            vec![(header, bad_prefix.as_bytes())],
            Err("malformed_header"),
        ),
        (
            "too short",
            vec![(header, short.as_bytes())],
            Err("malformed_header"),
        ),
        (
            "too long",
            vec![(header, long.as_bytes())],
            Err("malformed_header"),
        ),
        (
            "non-hex digit",
            vec![(header, &non_hex)],
            Err("malformed_header"),
        ),
        (
            "non-UTF-8 byte",
            vec![(header, &non_utf8)],
            Err("malformed_header"),
        ),
        (
            "mismatch",
            vec![(header, forged.as_bytes())],
            Err("signature_mismatch"),
        ),
    ];
    for (what, pairs, expected) in list {
        cases.push(case(what, provider, &pairs, body, now, expected));
    }
    // Uppercase hex: malformed where only lowercase is accepted, fine for
    // Generic.
    let upper_expected = if provider.name() == "generic" {
        Ok(())
    } else {
        Err("malformed_header")
    };
    cases.push(case(
        "uppercase hex",
        provider,
        &[(header, upper.as_bytes())],
        body,
        now,
        upper_expected,
    ));
}

fn hex_mac(secret: &[u8], body: &[u8]) -> String {
    // hooksig's own signer, used only to build inputs before measuring.
    GitHub::new(secret).unwrap().sign(body)["sha256=".len()..].to_string()
}

#[test]
fn the_counter_sees_allocations() {
    let before = allocations();
    let v = black_box(vec![1u8; 10]);
    let after = allocations();
    drop(v);
    assert_eq!(after - before, 1);
    // And a formatted error message would be seen too.
    let before = allocations();
    let s = black_box(hooksig::Error::SignatureMismatch.to_string());
    assert!(allocations() > before);
    drop(s);
}

#[test]
fn github_verify_never_allocates() {
    let github = GitHub::new(SECRET).unwrap().with_previous(OLD).unwrap();
    let body = br#"{"zen":"Non-blocking is better than blocking.","hook_id":1}"#;
    let valid = github.sign(body);
    let old = GitHub::new(OLD).unwrap().sign(body);
    let forged = GitHub::new(b"forged").unwrap().sign(body);
    let now = at_millis(TS);
    let mut cases = Vec::new();
    header_cases(
        &mut cases,
        &github,
        "X-Hub-Signature-256",
        &valid,
        &old,
        &forged,
        "sha256=",
        body,
        now,
    );
    let v = valid.as_bytes();
    cases.push(case(
        "with metadata, ping",
        &github,
        &[
            ("x-github-event", b"ping"),
            ("X-GitHub-Delivery", b"72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            ("X-GitHub-Hook-ID", b"292430182"),
            ("X-Hub-Signature-256", v),
        ],
        body,
        now,
        Ok(()),
    ));
    cases.push(case(
        "repeated metadata, non-UTF-8 event",
        &github,
        &[
            ("X-GitHub-Event", b"\xffpush"),
            ("X-GitHub-Delivery", b"a"),
            ("X-GitHub-Delivery", b"b"),
            ("X-Hub-Signature-256", v),
        ],
        body,
        now,
        Ok(()),
    ));
    cases.push(case(
        "uppercase prefix",
        &github,
        &[(
            "X-Hub-Signature-256",
            valid.replace("sha256=", "SHA256=").as_bytes(),
        )],
        body,
        now,
        Err("malformed_header"),
    ));
    cases.push(case(
        "empty body mismatch",
        &github,
        &[("X-Hub-Signature-256", v)],
        b"",
        now,
        Err("signature_mismatch"),
    ));
    let big = vec![b'x'; 1 << 20];
    let big_sig = github.sign(&big);
    cases.push(case(
        "1 MiB body",
        &github,
        &[("X-Hub-Signature-256", big_sig.as_bytes())],
        &big,
        now,
        Ok(()),
    ));
    run(&cases);
}

fn linear_body(ts: &str) -> Vec<u8> {
    format!(
        r#"{{"action":"create","type":"Issue","data":{{"id":"2174add1","title":"caf\u00e9 \"quoted\"","labels":[1,2,{{"x":null}}]}},"webhookTimestamp":{ts}}}"#
    )
    .into_bytes()
}

#[test]
fn linear_verify_never_allocates() {
    let linear = Linear::new(SECRET).unwrap().with_previous(OLD).unwrap();
    let body = linear_body(&TS.to_string());
    let valid = linear.sign(&body);
    let old = hex_mac(OLD, &body);
    let forged = hex_mac(b"forged", &body);
    let now = at_millis(TS);
    let mut cases = Vec::new();
    header_cases(
        &mut cases,
        &linear,
        "Linear-Signature",
        &valid,
        &old,
        &forged,
        "",
        &body,
        now,
    );
    let signed = |body: &[u8]| linear.sign(body).into_bytes();
    let with_meta = |sig: &[u8]| -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("Linear-Signature", sig.to_vec()),
            (
                "Linear-Delivery",
                b"234d1a4e-b617-4388-90fe-adc3633d6b72".to_vec(),
            ),
            ("Linear-Event", b"Issue".to_vec()),
            ("Linear-Timestamp", TS.to_string().into_bytes()),
        ]
    };
    let mut timed: Vec<(&str, Vec<u8>, u64, Outcome)> = vec![
        ("edge +60000 ms", body.clone(), TS + 60_000, Ok(())),
        ("edge -60000 ms", body.clone(), TS - 60_000, Ok(())),
        ("stale", body.clone(), TS + 60_001, Err("timestamp_too_old")),
        (
            "future",
            body.clone(),
            TS - 60_001,
            Err("timestamp_in_future"),
        ),
        (
            "u64::MAX timestamp",
            linear_body(&u64::MAX.to_string()),
            TS,
            Err("timestamp_in_future"),
        ),
    ];
    for (what, text) in [
        ("missing timestamp", r#"{"action":"create"}"#.to_string()),
        (
            "nested timestamp only",
            format!(r#"{{"data":{{"webhookTimestamp":{TS}}}}}"#),
        ),
        (
            "string timestamp",
            format!(r#"{{"webhookTimestamp":"{TS}"}}"#),
        ),
        (
            "float timestamp",
            format!(r#"{{"webhookTimestamp":{TS}.0}}"#),
        ),
        (
            "negative timestamp",
            r#"{"webhookTimestamp":-1}"#.to_string(),
        ),
        (
            "repeated timestamp",
            format!(r#"{{"webhookTimestamp":{TS},"webhookTimestamp":{TS}}}"#),
        ),
        ("not JSON", "webhookTimestamp=1".to_string()),
        ("not an object", format!("[{TS}]")),
        ("deeply nested", "[".repeat(600) + &"]".repeat(600)),
        (
            "escaped key",
            format!(r#"{{"webhook\u0054imestamp":{TS}}}"#),
        ),
    ] {
        let expected = if what == "escaped key" {
            Ok(())
        } else {
            Err("malformed_body")
        };
        timed.push((what, text.into_bytes(), TS, expected));
    }
    let mut invalid_utf8 = br#"{"a":""#.to_vec();
    invalid_utf8.extend_from_slice(b"\xff\xfe\"}");
    timed.push((
        "invalid UTF-8 body",
        invalid_utf8,
        TS,
        Err("malformed_body"),
    ));
    let mut owned_cases = Vec::new();
    for (what, body, now, expected) in timed {
        let sig = signed(&body);
        let pairs = with_meta(&sig);
        let pairs: Vec<(&'static str, &[u8])> = pairs.iter().map(|(k, v)| (*k, &v[..])).collect();
        owned_cases.push(case(what, &linear, &pairs, &body, at_millis(now), expected));
    }
    cases.extend(owned_cases);
    cases.push(case(
        "forged signature on a stale body",
        &linear,
        &[("Linear-Signature", forged.as_bytes())],
        &body,
        at_millis(TS + 600_000),
        Err("signature_mismatch"),
    ));
    cases.push(case(
        "sha256= prefix",
        &linear,
        &[("Linear-Signature", format!("sha256={valid}").as_bytes())],
        &body,
        now,
        Err("malformed_header"),
    ));
    // The headers `sign_headers` produces, as a HeaderMap.
    let signed_map = linear
        .sign_headers(&Outgoing::new(&body).id("d-1").event("Issue"))
        .unwrap();
    let (outcome, count) = measure(&linear, &signed_map, &body, now);
    assert_eq!((outcome, count), (Ok(()), 0), "sign_headers output");
    run(&cases);
}

#[test]
fn notify_verify_never_allocates() {
    let notify = Notify::new(SECRET).unwrap().with_previous(OLD).unwrap();
    let windowed = Notify::new(SECRET)
        .unwrap()
        .tolerance(Duration::from_secs(300));
    let body = br#"{"event":"message.sent","event_id":"evt_1","timestamp":"2024-05-01T12:00:00.250+02:00","data":{"text":"h\u00e9llo"}}"#;
    let ts = 1_714_557_600_250; // 2024-05-01T10:00:00.250Z
    let valid = notify.sign(body);
    let old = hex_mac(OLD, body);
    let forged = hex_mac(b"forged", body);
    let now = at_millis(ts);
    let mut cases = Vec::new();
    header_cases(
        &mut cases,
        &notify,
        "X-Notify-Signature",
        &valid,
        &old,
        &forged,
        "",
        body,
        now,
    );
    let mut owned_cases = Vec::new();
    for (what, provider, text, now_ms, expected) in [
        ("window: inside", &windowed, &body[..], ts + 300_000, Ok(())),
        (
            "window: stale",
            &windowed,
            &body[..],
            ts + 300_001,
            Err("timestamp_too_old"),
        ),
        (
            "window: future",
            &windowed,
            &body[..],
            ts - 300_001,
            Err("timestamp_in_future"),
        ),
        (
            "no window: old",
            &notify,
            &body[..],
            ts + 86_400_000,
            Ok(()),
        ),
        (
            "missing event",
            &notify,
            br#"{"event_id":"evt_1"}"#,
            ts,
            Err("malformed_body"),
        ),
        (
            "missing event_id",
            &notify,
            br#"{"event":"message.sent"}"#,
            ts,
            Err("malformed_body"),
        ),
        (
            "escaped event",
            &notify,
            br#"{"event":"a\"b","event_id":"evt_1"}"#,
            ts,
            Err("malformed_body"),
        ),
        (
            "bad timestamp",
            &notify,
            br#"{"event":"e","event_id":"i","timestamp":"yesterday"}"#,
            ts,
            Err("malformed_body"),
        ),
        (
            "window without timestamp",
            &windowed,
            br#"{"event":"e","event_id":"i"}"#,
            ts,
            Err("malformed_body"),
        ),
        ("not JSON", &notify, b"event=e", ts, Err("malformed_body")),
        ("empty body", &notify, b"", ts, Err("malformed_body")),
    ] {
        let sig = notify.sign(text);
        owned_cases.push(case(
            what,
            provider,
            &[("x-notify-signature", sig.as_bytes())],
            text,
            at_millis(now_ms),
            expected,
        ));
    }
    cases.extend(owned_cases);
    run(&cases);
}

#[test]
fn generic_verify_never_allocates() {
    let plain = Generic::new(SECRET).unwrap().with_previous(OLD).unwrap();
    let body = b"{\"id\":1}";
    let valid = plain.sign(body);
    let old = Generic::new(OLD).unwrap().sign(body);
    let forged = Generic::new(b"forged").unwrap().sign(body);
    let now = at_millis(TS);
    let mut cases = Vec::new();
    header_cases(
        &mut cases,
        &plain,
        "X-Signature-256",
        &valid,
        &old,
        &forged,
        "sha256=",
        body,
        now,
    );

    // Base64 under custom header names: errors name a run-time header, which
    // is shared, not copied.
    let custom = Generic::new(SECRET)
        .unwrap()
        .with_previous(OLD)
        .unwrap()
        .signature_header("X-Webhook-Signature")
        .unwrap()
        .prefix("v1,")
        .unwrap()
        .encoding(Encoding::Base64)
        .id_header("X-Webhook-Id")
        .unwrap()
        .event_header("X-Webhook-Event")
        .unwrap();
    let sig = custom.sign(body);
    let old_sig = Generic::new(OLD)
        .unwrap()
        .prefix("v1,")
        .unwrap()
        .encoding(Encoding::Base64)
        .sign(body);
    let b64 = &sig["v1,".len()..];
    let unpadded = format!("v1,{}", b64.trim_end_matches('='));
    let url_safe = format!("v1,{}", b64.replace('+', "-").replace('/', "_"));
    let hex_form = format!("v1,{}", hex_mac(SECRET, body));
    let forged_b64 = Generic::new(b"forged")
        .unwrap()
        .prefix("v1,")
        .unwrap()
        .encoding(Encoding::Base64)
        .sign(body);
    let h = "x-webhook-signature";
    let meta: [(&'static str, &[u8]); 2] =
        [("X-Webhook-Id", b"42"), ("X-Webhook-Event", b"created")];
    for (what, pairs, expected) in [
        (
            "base64 valid",
            vec![(h, sig.as_bytes()), meta[0], meta[1]],
            Ok(()),
        ),
        (
            "base64 previous secret",
            vec![(h, old_sig.as_bytes())],
            Ok(()),
        ),
        ("base64 missing", vec![meta[0]], Err("missing_header")),
        (
            "base64 repeated",
            vec![(h, sig.as_bytes()), ("X-WEBHOOK-SIGNATURE", sig.as_bytes())],
            Err("repeated_header"),
        ),
        (
            "base64 unpadded",
            vec![(h, unpadded.as_bytes())],
            Err("malformed_header"),
        ),
        (
            "base64 hex given",
            vec![(h, hex_form.as_bytes())],
            Err("malformed_header"),
        ),
        (
            "base64 wrong prefix",
            vec![(h, b64.as_bytes())],
            Err("malformed_header"),
        ),
        (
            "base64 mismatch",
            vec![(h, forged_b64.as_bytes())],
            Err("signature_mismatch"),
        ),
    ] {
        cases.push(case(what, &custom, &pairs, body, now, expected));
    }
    if url_safe != sig {
        cases.push(case(
            "base64 URL-safe alphabet",
            &custom,
            &[(h, url_safe.as_bytes())],
            body,
            now,
            Err("malformed_header"),
        ));
    }
    run(&cases);
}

#[test]
fn verify_through_arc_dyn_never_allocates() {
    let providers: Vec<std::sync::Arc<dyn Provider>> = vec![
        std::sync::Arc::new(GitHub::new(SECRET).unwrap()),
        std::sync::Arc::new(Generic::new(SECRET).unwrap()),
    ];
    let body = b"{}";
    let github_sig = providers[0].sign_headers(&Outgoing::new(body)).unwrap();
    let generic_sig = providers[1].sign_headers(&Outgoing::new(body)).unwrap();
    for (provider, headers) in providers.iter().zip([&github_sig, &generic_sig]) {
        let (outcome, count) = measure(provider, headers, body, at_millis(TS));
        assert_eq!((outcome, count), (Ok(()), 0), "{}", provider.name());
        let (outcome, count) = measure(provider, headers, b"{ }", at_millis(TS));
        assert_eq!(
            (outcome, count),
            (Err("signature_mismatch"), 0),
            "{}",
            provider.name()
        );
    }
}

#[test]
fn str_pair_slices_never_allocate() {
    let github = GitHub::new(SECRET).unwrap();
    let linear = Linear::new(SECRET).unwrap();
    let notify = Notify::new(SECRET).unwrap();
    let generic = Generic::new(SECRET).unwrap();
    let gh_body: &[u8] = b"{}";
    let linear_body = linear_body(&TS.to_string());
    let notify_body: &[u8] = br#"{"event":"e","event_id":"i"}"#;
    let gh_sig = github.sign(gh_body);
    let linear_sig = linear.sign(&linear_body);
    let notify_sig = notify.sign(notify_body);
    let generic_sig = generic.sign(gh_body);
    let gh: [(&str, &str); 2] = [("X-Hub-Signature-256", &gh_sig), ("X-GitHub-Event", "push")];
    let li: [(&str, &str); 2] = [("Linear-Signature", &linear_sig), ("Linear-Event", "Issue")];
    let no: [(&str, &str); 1] = [("X-Notify-Signature", &notify_sig)];
    let ge: [(&str, &str); 1] = [("X-Signature-256", &generic_sig)];
    type StrCase<'a> = (&'a dyn Provider, &'a [(&'a str, &'a str)], &'a [u8]);
    let cases: [StrCase<'_>; 4] = [
        (&github, &gh, gh_body),
        (&linear, &li, &linear_body),
        (&notify, &no, notify_body),
        (&generic, &ge, gh_body),
    ];
    let now = at_millis(TS);
    for (provider, slice, body) in cases {
        // A `&[(&str, &str)]` slice, passed by reference, and the array.
        let (outcome, count) = measure(provider, &slice, body, now);
        assert_eq!((outcome, count), (Ok(()), 0), "{} slice", provider.name());
        let (outcome, count) = measure(provider, &slice, b"tampered", now);
        assert_eq!(
            (outcome, count),
            (Err("signature_mismatch"), 0),
            "{} slice",
            provider.name()
        );
        let (outcome, count) = measure(provider, &&slice[1..], body, now);
        assert_eq!(
            (outcome, count),
            (Err("missing_header"), 0),
            "{} sub-slice",
            provider.name()
        );
    }
    let (outcome, count) = measure(&github, &gh, gh_body, now);
    assert_eq!((outcome, count), (Ok(()), 0), "array");
}

/// The adapters' header types: actix-web's `HeaderMap` (whose own
/// `get_all(&str)` allocates a `HeaderName` for custom names), `http` 0.2's
/// `HeaderMap` and a `headers::from_fn` closure are all looked up without
/// allocating, on success and on a mismatch.
#[test]
fn adapter_header_types_never_allocate() {
    use hooksig::headers::{from_fn, lookup_in};

    let github = GitHub::new(SECRET).unwrap();
    let body: &[u8] = b"{}";
    let sig = github.sign(body);
    let pairs = [
        ("X-Hub-Signature-256", sig.as_str()),
        ("X-GitHub-Event", "push"),
        ("X-GitHub-Delivery", "d-1"),
        ("Content-Type", "application/json"),
        ("User-Agent", "GitHub-Hookshot/1"),
    ];

    let mut actix = actix_web::http::header::HeaderMap::new();
    for (name, value) in pairs {
        actix.append(
            actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            actix_web::http::header::HeaderValue::from_str(value).unwrap(),
        );
    }
    let mut http02 = http02::HeaderMap::new();
    for (name, value) in pairs {
        http02.append(
            http02::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http02::HeaderValue::from_str(value).unwrap(),
        );
    }
    let closure = from_fn(|name| lookup_in(pairs.iter().map(|(k, v)| (*k, v.as_bytes())), name));

    let now = at_millis(TS);
    let cases: [(&str, &dyn Headers); 3] = [
        ("actix HeaderMap", &actix),
        ("http 0.2 HeaderMap", &http02),
        ("from_fn", &closure),
    ];
    for (kind, headers) in cases {
        assert_eq!(measure(&github, headers, body, now), (Ok(()), 0), "{kind}");
        assert_eq!(
            measure(&github, headers, b"tampered", now),
            (Err("signature_mismatch"), 0),
            "{kind}"
        );
    }
}
