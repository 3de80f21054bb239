//! Proves that verifying the deliveries of Meta, Jira, Bitbucket, Intercom,
//! Razorpay, Paystack, Lemon Squeezy, Vercel, Typeform, Dropbox, Sentry,
//! Notion, Calendly, WorkOS, Mux, Paddle, Square and Zendesk allocates no
//! heap memory: on success (with a rotated secret too), on a mismatch, a
//! malformed or missing signature header, a stale and a future timestamp
//! (for the senders that sign one), and Square's empty body, with the
//! `Delivery` accessors (id and event from headers or the signed body)
//! measured as part of the call. Signing, which may allocate, happens
//! before counting.
//!
//! The counting allocator of `tests/counting_alloc` records the
//! allocations of the current thread only; a sanity test shows that it
//! sees one.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::{
    bitbucket::Bitbucket, calendly::Calendly, dropbox::Dropbox, intercom::Intercom, jira::Jira,
    lemonsqueezy::LemonSqueezy, meta::Meta, mux::Mux, notion::Notion, paddle::Paddle,
    paystack::Paystack, razorpay::Razorpay, sentry::Sentry, square::Square, typeform::Typeform,
    vercel::Vercel, workos::WorkOS, zendesk::Zendesk, Incoming, Outgoing, Provider,
};

mod counting_alloc;
use counting_alloc::allocations;

const TS: u64 = 1_767_225_600;
const URL: &str = "https://example.com/hook?x=1";
const BODY: &[u8] = br#"{"id":"evt_1","event_id":"e_1","type":"t","event":"x","object":"page","topic":"ping","webhookEvent":"w","event_type":"et"}"#;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Verifies once and reads the accessors, counting allocations.
fn measure(
    provider: &dyn Provider,
    headers: &http::HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> (Result<(), &'static str>, usize) {
    let incoming = Incoming::new(headers, body).method("POST").url(URL);
    let before = allocations();
    let result = provider.verify_incoming(&incoming, now);
    let outcome = match &result {
        Ok(delivery) => {
            black_box((
                delivery.id(),
                delivery.event(),
                delivery.timestamp(),
                delivery.is_ping(),
                delivery.body(),
            ));
            Ok(())
        }
        Err(err) => Err(black_box(err.kind())),
    };
    drop(black_box(result));
    (outcome, allocations() - before)
}

/// One measured call: what, headers, body, clock, expected outcome.
type Run<'a> = (
    &'static str,
    &'a http::HeaderMap,
    &'a [u8],
    SystemTime,
    Result<(), &'static str>,
);

/// Every case of one sender: `signer` signs, `verifier` verifies (it also
/// accepts the signer's secret as a previous one).
fn cases(
    name: &str,
    signer: &dyn Provider,
    verifier: &dyn Provider,
    timestamped: bool,
    failures: &mut Vec<String>,
) -> usize {
    let outgoing = Outgoing::new(BODY)
        .at(at(TS))
        .id("d-1")
        .event("e")
        .url(URL)
        .method("POST");
    let good = signer.sign_headers(&outgoing).expect("signs");
    let signature = good
        .keys()
        .find(|key| {
            let key = key.as_str();
            key.contains("signature") && !key.contains("timestamp")
        })
        .expect("a signature header")
        .clone();
    let mut malformed = good.clone();
    malformed.insert(&signature, http::HeaderValue::from_static("x"));
    let mut missing = good.clone();
    missing.remove(&signature);
    let mut tampered = BODY.to_vec();
    tampered[2] ^= 1;

    let mut runs: Vec<Run<'_>> = vec![
        ("valid", &good, BODY, at(TS), Ok(())),
        (
            "mismatch",
            &good,
            &tampered,
            at(TS),
            Err("signature_mismatch"),
        ),
        (
            "malformed",
            &malformed,
            BODY,
            at(TS),
            Err("malformed_header"),
        ),
        ("missing", &missing, BODY, at(TS), Err("missing_header")),
    ];
    if timestamped {
        runs.push((
            "stale",
            &good,
            BODY,
            at(TS + 86_400),
            Err("timestamp_too_old"),
        ));
        runs.push((
            "future",
            &good,
            BODY,
            at(TS - 86_400),
            Err("timestamp_in_future"),
        ));
    }
    for (what, headers, body, now, expected) in &runs {
        let (outcome, count) = measure(verifier, headers, body, *now);
        if outcome != *expected {
            failures.push(format!(
                "{name} {what}: expected {expected:?}, got {outcome:?}"
            ));
        }
        if count != 0 {
            failures.push(format!("{name} {what}: {count} allocation(s)"));
        }
    }
    runs.len()
}

#[test]
fn the_counter_sees_allocations() {
    let before = allocations();
    black_box(vec![1u8; 16]);
    assert!(allocations() > before);
}

#[test]
fn verify_never_allocates() {
    let mut failures = Vec::new();
    let mut measured = 0;
    macro_rules! sender {
        ($name:literal, $ty:ty, $timestamped:expr) => {{
            let signer = <$ty>::new("old-secret").unwrap();
            let verifier = <$ty>::new("new-secret")
                .unwrap()
                .with_previous("old-secret")
                .unwrap();
            measured += cases($name, &signer, &verifier, $timestamped, &mut failures);
        }};
    }
    sender!("meta", Meta, false);
    sender!("jira", Jira, false);
    sender!("bitbucket", Bitbucket, false);
    sender!("intercom", Intercom, false);
    sender!("razorpay", Razorpay, false);
    sender!("paystack", Paystack, false);
    sender!("lemonsqueezy", LemonSqueezy, false);
    sender!("vercel", Vercel, false);
    sender!("typeform", Typeform, false);
    sender!("dropbox", Dropbox, false);
    sender!("sentry", Sentry, false);
    sender!("notion", Notion, false);
    sender!("calendly", Calendly, true);
    sender!("workos", WorkOS, true);
    sender!("mux", Mux, true);
    sender!("paddle", Paddle, true);
    sender!("zendesk", Zendesk, true);
    // Square, signing the request URL and a configured notification URL.
    sender!("square (request URL)", Square, false);
    let signer = Square::new("old-secret").unwrap();
    let verifier = Square::new("new-secret")
        .unwrap()
        .with_previous("old-secret")
        .unwrap()
        .notification_url(URL)
        .unwrap();
    measured += cases(
        "square (configured URL)",
        &signer,
        &verifier,
        false,
        &mut failures,
    );
    let empty = signer.sign_headers(&Outgoing::new(b"").url(URL)).unwrap();
    let (outcome, count) = measure(&verifier, &empty, b"", at(TS));
    assert_eq!(outcome, Err("malformed_body"));
    assert_eq!(count, 0, "square empty body");

    assert_eq!(measured, 13 * 4 + 5 * 6 + 4, "cases measured");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
