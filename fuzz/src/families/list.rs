//! The list family: a signature list or a versioned value signed together
//! with a timestamp (Stripe's `t=…,v1=…`, Slack's `v0=` with
//! `X-Slack-Request-Timestamp`), and Stripe's list grammar on its own.

use std::time::{Duration, UNIX_EPOCH};

use hooksig::slack::{self, Slack};
use hooksig::stripe::{self, Stripe};
use hooksig::{Error, Provider};

use crate::case::{peek_config, tolerance, Case};
use crate::oracle::*;
use crate::Outcome;

/// Signed with a timestamp: the first byte (mod 2) picks Stripe or Slack;
/// the rest is a verify-target input (see `Case`) for that sender.
///
/// - Stripe: one `Stripe-Signature`, read by `reference_stripe_list` (a
///   grammar written from Stripe's docs: `,`-separated untrimmed
///   `key=value` elements, exactly one `t` of 1–20 digits, at most 32
///   others, `v1` = 64 lowercase hex); accepted iff some `v1` is the HMAC
///   of `{t}.{body}` under one of the secrets and `t` is within the window
///   both ways; otherwise the exact error; `Delivery::id` / `event` are the
///   body's top-level `id` / `type` strings as serde_json reads them.
/// - Slack: one `X-Slack-Signature` of `v0=` + 64 lowercase hex, then one
///   `X-Slack-Request-Timestamp` of 1–20 digits; accepted iff the HMAC of
///   `v0:{timestamp}:{body}` under one of the secrets, within the window;
///   the exact error in the documented order; id and event from the body's
///   `event_id` / `type`.
pub fn list_verify(data: &[u8]) -> Outcome {
    let Some((&selector, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    match selector % 2 {
        0 => stripe_verify(rest),
        _ => slack_verify(rest),
    }
}

/// What `Stripe::verify_at` must give for these headers: the signed
/// seconds, or the exact error.
fn expect_stripe(
    pairs: &[(String, Vec<u8>)],
    body: &[u8],
    secrets: &[&[u8]],
    now_millis: i128,
    window: Duration,
) -> Result<i128, Error> {
    let name = stripe::SIGNATURE_HEADER;
    let value = reference_required(pairs, name)?;
    let (t, tags) = reference_stripe_list(value).map_err(|p| malformed(name, p))?;
    let secs = reference_secs(t)
        .ok_or_else(|| malformed(name, "`t` is not UNIX seconds (digits only)"))?;
    let tags = tags.map_err(|p| malformed(name, p))?;
    let signed = [t, b".", body].concat();
    if !secrets
        .iter()
        .any(|s| tags.contains(&reference_mac(s, &signed)))
    {
        return Err(Error::SignatureMismatch);
    }
    reference_window_secs(secs, now_millis, window)?;
    Ok(secs)
}

/// The secret, body and clock of [`list_header`]: the seed corpus's Stripe
/// example.
const LIST_SECRET: &[u8] = b"whsec_test_secret";
const LIST_BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;
const LIST_NOW_MILLIS: i128 = 1_700_000_000_000;

/// Stripe's `Stripe-Signature` grammar on arbitrary bytes, through
/// `Stripe::verify_at`: the input is the header value (and so are its
/// first and last 200 bytes), except that each `@` becomes the right `v1`
/// hex for the input's first `t=` element, so the fuzzer reaches the
/// accepting path. With a fixed secret, body and clock and an unlimited
/// tolerance, the verdict must be `expect_stripe`'s: accepted, the exact
/// `MalformedHeader` problem, or `SignatureMismatch`.
pub fn list_header(data: &[u8]) -> Outcome {
    let t = data
        .split(|&b| b == b',')
        .find_map(|e| e.strip_prefix(b"t="))
        .unwrap_or_default();
    let right = reference_hex(LIST_SECRET, &[t, b".", LIST_BODY].concat());
    let value = substitute(data, right.as_bytes());
    let stripe = Stripe::new(LIST_SECRET)
        .expect("a valid secret")
        .tolerance(Duration::MAX);
    let now = UNIX_EPOCH + Duration::from_millis(LIST_NOW_MILLIS as u64);
    let mut accepted = false;
    for window in windows(&value, 200) {
        let pairs = vec![(stripe::SIGNATURE_HEADER.to_owned(), window.to_vec())];
        let expected = expect_stripe(
            &pairs,
            LIST_BODY,
            &[LIST_SECRET],
            LIST_NOW_MILLIS,
            Duration::MAX,
        );
        let result = stripe.verify_at(&pairs, LIST_BODY, now);
        let delivery = check_exact(&result, expected.as_ref().map(|_| ()).map_err(Clone::clone));
        if let (Some(delivery), Ok(secs)) = (delivery, expected) {
            assert_eq!(delivery.timestamp(), reference_system_time(secs));
            accepted = true;
        }
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

/// Header names [`stripe_verify`] chooses from.
pub(crate) const STRIPE_NAMES: [&str; 3] =
    [stripe::SIGNATURE_HEADER, "content-type", "x-stripe-client"];

/// `Stripe::verify_at` over arbitrary headers, body, clock, tolerance and
/// secrets (with a rotated one). Config chunk: `chunk` the `t` the sender
/// signs, then a tolerance (see `tolerance`); the right signature is
/// `t=<t>,v1=<hex>`. Accepted iff exactly one `Stripe-Signature` whose
/// elements `reference_stripe_list` reads has a `v1` equal to the HMAC
/// of `{t}.{body}` under one of the secrets, and `t` is within the window
/// both ways; every rejection predicted exactly.
fn stripe_verify(data: &[u8]) -> Outcome {
    let mut config = peek_config(data);
    let t = config.chunk();
    let chosen = tolerance(&mut config);
    let signature = |secret: &[u8], body: &[u8]| {
        let signed = [t, b".", body].concat();
        [b"t=", t, b",v1=", reference_hex(secret, &signed).as_bytes()].concat()
    };
    let case = Case::decode(data, &STRIPE_NAMES, signature);
    let Some(provider) = case.provider(|s| Stripe::new(s), |p: Stripe, s| p.with_previous(s))
    else {
        return Outcome::Rejected;
    };
    let provider = match chosen {
        Some(tolerance) => provider.tolerance(tolerance),
        None => provider,
    };
    let window = chosen.unwrap_or(stripe::DEFAULT_TOLERANCE);
    let secrets: Vec<&[u8]> = case.secrets().collect();
    let expected = expect_stripe(&case.pairs, case.body, &secrets, case.now_millis, window);
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check_exact(&result, expected.as_ref().map(|_| ()).map_err(Clone::clone));
    if let (Some(delivery), Ok(secs)) = (delivery, expected) {
        assert_eq!(delivery.provider(), "stripe");
        assert_eq!(delivery.body(), case.body);
        check_body_field(delivery.id(), case.body, stripe::ID_FIELD);
        check_body_field(delivery.event(), case.body, stripe::EVENT_FIELD);
        assert_eq!(delivery.timestamp(), reference_system_time(secs));
    }
    outcome(delivery)
}

/// Header names [`slack_verify`] chooses from.
pub(crate) const SLACK_NAMES: [&str; 4] = [
    slack::SIGNATURE_HEADER,
    slack::TIMESTAMP_HEADER,
    "x-slack-retry-num",
    "content-type",
];

/// `Slack::verify_at` over arbitrary headers, body, clock, tolerance and
/// secrets (with a rotated one). Config chunk: `u8` (bit 0: append the
/// sender's `X-Slack-Request-Timestamp`), `chunk` the timestamp the sender
/// signs, then a tolerance. Accepted iff exactly one `X-Slack-Signature`
/// of `v0=` and 64 lowercase hex digits equal to the HMAC of
/// `v0:{timestamp}:{body}` under one of the secrets, exactly one
/// timestamp of 1-20 digits, within the window; every rejection predicted
/// exactly, in the provider's documented order (signature form, then
/// timestamp form, then MAC, then window).
fn slack_verify(data: &[u8]) -> Outcome {
    let mut config = peek_config(data);
    let append = config.byte() & 1 != 0;
    let ts = config.chunk();
    let chosen = tolerance(&mut config);
    let signature = |secret: &[u8], body: &[u8]| {
        let signed = [b"v0:", ts, b":", body].concat();
        format!("v0={}", reference_hex(secret, &signed)).into_bytes()
    };
    let extra = if append {
        vec![(slack::TIMESTAMP_HEADER.to_owned(), ts.to_vec())]
    } else {
        Vec::new()
    };
    let case = Case::decode_with(data, &SLACK_NAMES, signature, extra);
    let Some(provider) = case.provider(|s| Slack::new(s), |p: Slack, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let provider = match chosen {
        Some(tolerance) => provider.tolerance(tolerance),
        None => provider,
    };
    let window = chosen.unwrap_or(slack::DEFAULT_TOLERANCE);
    let (sig_name, ts_name) = (slack::SIGNATURE_HEADER, slack::TIMESTAMP_HEADER);
    let expected = (|| {
        let value = reference_required(&case.pairs, sig_name)?;
        let digits = value
            .strip_prefix(b"v0=")
            .ok_or_else(|| malformed(sig_name, "expected the `v0=` prefix"))?;
        let tag = reference_stripe_hex(digits).map_err(|p| malformed(sig_name, p))?;
        let timestamp = reference_required(&case.pairs, ts_name)?;
        let secs = reference_secs(timestamp)
            .ok_or_else(|| malformed(ts_name, "expected UNIX seconds (digits only)"))?;
        let signed = [b"v0:", timestamp, b":", case.body].concat();
        if !case.secrets().any(|s| reference_mac(s, &signed) == tag) {
            return Err(Error::SignatureMismatch);
        }
        reference_window_secs(secs, case.now_millis, window)?;
        Ok(secs)
    })();
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check_exact(&result, expected.as_ref().map(|_| ()).map_err(Clone::clone));
    if let (Some(delivery), Ok(secs)) = (delivery, expected) {
        assert_eq!(delivery.provider(), "slack");
        assert_eq!(delivery.body(), case.body);
        check_body_field(delivery.id(), case.body, slack::ID_FIELD);
        check_body_field(delivery.event(), case.body, slack::EVENT_FIELD);
        assert_eq!(delivery.timestamp(), reference_system_time(secs));
        assert_eq!(
            delivery.header("x-slack-retry-num"),
            reference_text(&case.pairs, "x-slack-retry-num")
        );
    }
    outcome(delivery)
}
