//! Proves that verifying a Standard Webhooks, Stripe, Slack or Shopify
//! delivery allocates nothing, whether it succeeds or fails, and whatever
//! the failure.
//!
//! A counting global allocator records allocations made by the current
//! thread (test threads run in parallel, so the counter is thread-local).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::{
    shopify::Shopify, slack::Slack, standard::StandardWebhooks, stripe::Stripe, Headers, Provider,
};

mod counting_alloc;
use counting_alloc::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Verifies once, counting the allocations, and checks the outcome.
fn assert_no_alloc(
    provider: &dyn Provider,
    headers: &dyn Headers,
    body: &[u8],
    now: SystemTime,
    expected: Result<(), &'static str>,
    case: &str,
) {
    let before = allocations();
    let result = provider.verify_at(headers, body, now);
    let outcome = match &result {
        Ok(delivery) => {
            std::hint::black_box((delivery.id(), delivery.event(), delivery.timestamp()));
            Ok(())
        }
        Err(err) => Err(err.kind()),
    };
    drop(std::hint::black_box(result));
    let after = allocations();
    assert_eq!(outcome, expected, "{case}");
    assert_eq!(after - before, 0, "{case}: verify_at allocated");
}

/// The counter works: a test that cannot fail proves nothing.
#[test]
fn the_counter_sees_allocations() {
    let before = allocations();
    let boxed = std::hint::black_box(Box::new([0u8; 64]));
    let after = allocations();
    drop(boxed);
    assert!(after > before);
}

/// Header pairs of one case.
type Pairs<'a> = Vec<(&'a str, &'a str)>;
/// `Ok`, or the [`hooksig::Error::kind`] of the expected rejection.
type Outcome = Result<(), &'static str>;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn map(items: &[(&str, &str)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (k, v) in items {
        map.append(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    map
}

#[test]
fn standard_webhooks_verify_never_allocates() {
    let p = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .with_previous("whsec_b2xkLXNlY3JldA==")
        .unwrap();
    let body = br#"{"test": 2432232314}"#;
    let now = at(1_614_265_330);
    let id = ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek");
    let ts = ("webhook-timestamp", "1614265330");
    let sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let decoy = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    let list_32 = vec![decoy; 31].join(" ") + " " + sig;
    let list_100 = vec![decoy; 99].join(" ") + " " + sig;
    let cases: Vec<(&str, Pairs<'_>, SystemTime, Outcome)> = vec![
        (
            "valid",
            vec![id, ts, ("webhook-signature", sig)],
            now,
            Ok(()),
        ),
        (
            "svix names",
            vec![
                ("svix-id", id.1),
                ("svix-timestamp", ts.1),
                ("svix-signature", sig),
            ],
            now,
            Ok(()),
        ),
        (
            "32 entries",
            vec![id, ts, ("webhook-signature", &list_32)],
            now,
            Ok(()),
        ),
        (
            "100 entries",
            vec![id, ts, ("webhook-signature", &list_100)],
            now,
            Err("malformed_header"),
        ),
        ("missing", vec![id, ts], now, Err("missing_header")),
        (
            "repeated",
            vec![
                id,
                ts,
                ("webhook-signature", sig),
                ("webhook-signature", sig),
            ],
            now,
            Err("repeated_header"),
        ),
        (
            "unknown scheme",
            vec![id, ts, ("webhook-signature", "v2,abc")],
            now,
            Err("malformed_header"),
        ),
        (
            "wrong length",
            vec![id, ts, ("webhook-signature", "v1,abcd")],
            now,
            Err("malformed_header"),
        ),
        (
            "bad timestamp",
            vec![id, ("webhook-timestamp", "-1"), ("webhook-signature", sig)],
            now,
            Err("malformed_header"),
        ),
        (
            "dotted id",
            vec![("webhook-id", "a.b"), ts, ("webhook-signature", sig)],
            now,
            Err("malformed_header"),
        ),
        (
            "mismatch",
            vec![id, ts, ("webhook-signature", decoy)],
            now,
            Err("signature_mismatch"),
        ),
        (
            "too old",
            vec![id, ts, ("webhook-signature", sig)],
            at(1_614_265_631),
            Err("timestamp_too_old"),
        ),
        (
            "in future",
            vec![id, ts, ("webhook-signature", sig)],
            at(1_614_265_029),
            Err("timestamp_in_future"),
        ),
    ];
    for (case, headers, now, expected) in &cases {
        assert_no_alloc(&p, &pairs(headers), body, *now, *expected, case);
        assert_no_alloc(&p, &map(headers), body, *now, *expected, case);
    }
}

#[test]
fn stripe_verify_never_allocates() {
    let p = Stripe::new("whsec_alloc").unwrap();
    let body = br#"{"id":"evt_1"}"#;
    let ts = 1_700_000_000;
    let header = p.sign(ts, body);
    let v1 = header.split_once(",v1=").unwrap().1.to_string();
    let zeros = "0".repeat(64);
    let many = format!("t={ts}") + &format!(",v1={zeros}").repeat(99) + &format!(",v1={v1}");
    let cases: Vec<(&str, String, u64, Outcome)> = vec![
        ("valid", header.clone(), ts, Ok(())),
        (
            "v0 and bad v1 extras",
            format!("{header},v0={zeros},v1=bad_signature"),
            ts,
            Ok(()),
        ),
        ("100 entries", many, ts, Err("malformed_header")),
        ("no t", format!("v1={v1}"), ts, Err("malformed_header")),
        (
            "v0 only",
            format!("t={ts},v0={v1}"),
            ts,
            Err("malformed_header"),
        ),
        (
            "uppercase",
            format!("t={ts},v1={}", v1.to_uppercase()),
            ts,
            Err("malformed_header"),
        ),
        (
            "mismatch",
            format!("t={ts},v1={zeros}"),
            ts,
            Err("signature_mismatch"),
        ),
        (
            "too old",
            header.clone(),
            ts + 301,
            Err("timestamp_too_old"),
        ),
        (
            "in future",
            header.clone(),
            ts - 301,
            Err("timestamp_in_future"),
        ),
    ];
    for (case, value, now, expected) in &cases {
        let headers = [("Stripe-Signature", value.as_str())];
        assert_no_alloc(&p, &pairs(&headers), body, at(*now), *expected, case);
        assert_no_alloc(&p, &map(&headers), body, at(*now), *expected, case);
    }
    let none: [(&str, &str); 0] = [];
    assert_no_alloc(&p, &none, body, at(ts), Err("missing_header"), "missing");
    let twice = [
        ("Stripe-Signature", header.as_str()),
        ("stripe-signature", header.as_str()),
    ];
    assert_no_alloc(&p, &twice, body, at(ts), Err("repeated_header"), "repeated");
}

#[test]
fn slack_verify_never_allocates() {
    let p = Slack::new("8f742231b10e8888abcd99yyyzzz85a5").unwrap();
    let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J";
    let ts = 1_531_420_618;
    let sig = p.sign(ts, body);
    let stamp = ("X-Slack-Request-Timestamp", "1531420618");
    let cases: Vec<(&str, Pairs<'_>, u64, Outcome)> = vec![
        (
            "valid",
            vec![stamp, ("X-Slack-Signature", &sig)],
            ts,
            Ok(()),
        ),
        ("missing", vec![stamp], ts, Err("missing_header")),
        (
            "repeated",
            vec![stamp, stamp, ("X-Slack-Signature", &sig)],
            ts,
            Err("repeated_header"),
        ),
        (
            "wrong scheme",
            vec![stamp, ("X-Slack-Signature", "v1=00")],
            ts,
            Err("malformed_header"),
        ),
        (
            "bad timestamp",
            vec![
                ("X-Slack-Request-Timestamp", "1e9"),
                ("X-Slack-Signature", &sig),
            ],
            ts,
            Err("malformed_header"),
        ),
        (
            "mismatch",
            vec![
                ("X-Slack-Request-Timestamp", "1531420619"),
                ("X-Slack-Signature", &sig),
            ],
            ts,
            Err("signature_mismatch"),
        ),
        (
            "too old",
            vec![stamp, ("X-Slack-Signature", &sig)],
            ts + 301,
            Err("timestamp_too_old"),
        ),
        (
            "in future",
            vec![stamp, ("X-Slack-Signature", &sig)],
            ts - 301,
            Err("timestamp_in_future"),
        ),
    ];
    for (case, headers, now, expected) in &cases {
        assert_no_alloc(&p, &pairs(headers), body, at(*now), *expected, case);
        assert_no_alloc(&p, &map(headers), body, at(*now), *expected, case);
    }
}

#[test]
fn shopify_verify_never_allocates() {
    let p = Shopify::new("7008c5f4da4718b9b45d26d3fcbbb157").unwrap();
    let body = br#"{"foo":"bar"}"#;
    let sig = "+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=";
    let meta = [
        ("X-Shopify-Topic", "orders/create"),
        ("X-Shopify-Webhook-Id", "w-1"),
    ];
    let cases: Vec<(&str, Pairs<'_>, Outcome)> = vec![
        (
            "valid",
            vec![("X-Shopify-Hmac-Sha256", sig), meta[0], meta[1]],
            Ok(()),
        ),
        ("missing", vec![meta[0]], Err("missing_header")),
        (
            "repeated",
            vec![
                ("X-Shopify-Hmac-Sha256", sig),
                ("x-shopify-hmac-sha256", sig),
            ],
            Err("repeated_header"),
        ),
        (
            "hex instead of base64",
            vec![(
                "X-Shopify-Hmac-Sha256",
                "f91f53c1833899b2d393784400e064a40ef35b695cf6f3459952acdaeda3b726",
            )],
            Err("malformed_header"),
        ),
        (
            "mismatch",
            vec![(
                "X-Shopify-Hmac-Sha256",
                "+B9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=",
            )],
            Err("signature_mismatch"),
        ),
    ];
    for (case, headers, expected) in &cases {
        assert_no_alloc(&p, &pairs(headers), body, at(0), *expected, case);
        assert_no_alloc(&p, &map(headers), body, at(0), *expected, case);
    }
}
