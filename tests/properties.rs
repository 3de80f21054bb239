//! Properties of the GitHub, Linear, Notify and Generic providers, over
//! random secrets, bodies and headers:
//!
//! - what a provider signs (`sign_headers`), it verifies, also after a key
//!   rotation, and the signature equals an independent HMAC (`hmac` crate);
//! - any single changed byte of the body or of the signature header value
//!   is rejected (the one exception is Generic's hex, which accepts either
//!   case, so a letter's case change spells the same MAC);
//! - Linear's window accepts exactly the timestamps within ±60 000 ms;
//! - arbitrary header names and values (including non-UTF-8 bytes) and
//!   arbitrary bodies never make any provider panic, random signatures
//!   never verify, and unrelated junk headers never change the verdict
//!   unless they repeat the signature header.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use hooksig::{
    generic::{Encoding, Generic},
    github::GitHub,
    linear::Linear,
    notify::Notify,
    Error, Outgoing, Provider,
};
use proptest::prelude::*;

fn at_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn mac(secret: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// What a provider is, for the properties below.
struct Case {
    provider: Box<dyn Provider>,
    /// The signature header, lowercase.
    header: &'static str,
    /// Whether hex of either case is accepted (Generic).
    any_case: bool,
    /// The expected header value for a MAC.
    encode: fn(&[u8; 32]) -> String,
}

/// The four providers (Generic twice: hex and base64 with a custom name
/// and prefix), built from `secret`, optionally with a previous secret.
fn cases(secret: &[u8], previous: Option<&[u8]>) -> Vec<Case> {
    fn rotate<P>(p: P, previous: Option<&[u8]>, with: fn(P, &[u8]) -> Result<P, Error>) -> P {
        match previous {
            Some(old) => with(p, old).unwrap(),
            None => p,
        }
    }
    vec![
        Case {
            provider: Box::new(rotate(GitHub::new(secret).unwrap(), previous, |p, s| {
                p.with_previous(s)
            })),
            header: "x-hub-signature-256",
            any_case: false,
            encode: |tag| format!("sha256={}", hex::encode(tag)),
        },
        Case {
            provider: Box::new(rotate(Linear::new(secret).unwrap(), previous, |p, s| {
                p.with_previous(s)
            })),
            header: "linear-signature",
            any_case: false,
            encode: |tag| hex::encode(tag),
        },
        Case {
            provider: Box::new(rotate(Notify::new(secret).unwrap(), previous, |p, s| {
                p.with_previous(s)
            })),
            header: "x-notify-signature",
            any_case: false,
            encode: |tag| hex::encode(tag),
        },
        Case {
            provider: Box::new(rotate(Generic::new(secret).unwrap(), previous, |p, s| {
                p.with_previous(s)
            })),
            header: "x-signature-256",
            any_case: true,
            encode: |tag| format!("sha256={}", hex::encode(tag)),
        },
        Case {
            provider: Box::new(rotate(
                Generic::new(secret)
                    .unwrap()
                    .signature_header("X-Webhook-Signature")
                    .unwrap()
                    .prefix("v1,")
                    .unwrap()
                    .encoding(Encoding::Base64),
                previous,
                |p, s| p.with_previous(s),
            )),
            header: "x-webhook-signature",
            any_case: false,
            encode: |tag| {
                format!(
                    "v1,{}",
                    base64::engine::general_purpose::STANDARD.encode(tag)
                )
            },
        },
    ]
}

/// A body every provider accepts once its MAC matches: a JSON object with
/// Linear's `webhookTimestamp` and Notify's `event` / `event_id`, carrying
/// `payload` as an escaped string (any text at all).
fn body(payload: &str, ts_ms: u64, event: &str, id: &str) -> Vec<u8> {
    format!(
        r#"{{"payload":{},"event":"{event}","event_id":"{id}","webhookTimestamp":{ts_ms}}}"#,
        serde_json::to_string(payload).unwrap()
    )
    .into_bytes()
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..100)
}

/// Timestamps from 2001 to 2286, in milliseconds.
fn ts() -> impl Strategy<Value = u64> {
    1_000_000_000_000u64..10_000_000_000_000
}

const WORD: &str = "[A-Za-z0-9._-]{1,24}";

/// The signed headers as owned pairs, so single bytes can be changed.
fn owned(headers: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
        .collect()
}

/// Header names: the ones hooksig reads, in any case, and arbitrary text.
fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "X-Hub-Signature-256",
            "x-hub-signature-256",
            "Linear-Signature",
            "Linear-Timestamp",
            "Linear-Delivery",
            "X-Notify-Signature",
            "X-Signature-256",
            "X-Webhook-Signature",
            "X-GitHub-Event",
            "X-GitHub-Delivery",
        ])
        .prop_map(str::to_string),
        any::<String>(),
        "[a-zA-Z-]{0,24}",
    ]
}

/// Header values: random bytes, and values shaped like signatures.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..120),
        "[0-9a-f]{64}".prop_map(String::into_bytes),
        "sha256=[0-9a-fA-F]{62,66}".prop_map(String::into_bytes),
        "v1,[A-Za-z0-9+/]{43}=".prop_map(String::into_bytes),
        "[ \t]{0,2}sha256=[0-9a-f]{64}[ \t]{0,2}".prop_map(String::into_bytes),
    ]
}

fn junk_headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    prop::collection::vec((header_name(), header_value()), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn what_is_signed_verifies(
        secret in secret(),
        previous in secret(),
        payload in any::<String>(),
        ts in ts(),
        skew in -60_000i64..=60_000,
        event in WORD,
        id in WORD,
    ) {
        let body = body(&payload, ts, &event, &id);
        let now = at_millis(ts.saturating_add_signed(skew));
        let outgoing = Outgoing::new(&body).id(&id).event(&event);
        let old_cases = cases(&previous, None);
        let fresh_cases = cases(&secret, None);
        let rotated_cases = cases(&secret, Some(&previous));
        for (i, case) in rotated_cases.iter().enumerate() {
            let name = case.provider.name();
            let headers = case.provider.sign_headers(&outgoing).unwrap();
            let expected_value = (case.encode)(&mac(&secret, &body));
            prop_assert_eq!(
                headers[case.header].as_bytes(),
                expected_value.as_bytes(),
                "{} signs like the hmac crate", name
            );
            let delivery = case.provider.verify_at(&headers, &body, now);
            prop_assert!(delivery.is_ok(), "{}: {:?}", name, delivery.map(|_| ()));
            let delivery = delivery.unwrap();
            prop_assert_eq!(delivery.body(), body.as_slice());
            let expected = match name {
                // Read from the id and event headers, or the signed body.
                "github" | "linear" | "notify" => (Some(id.as_str()), Some(event.as_str())),
                // No id or event header configured.
                _ => (None, None),
            };
            prop_assert_eq!((delivery.id(), delivery.event()), expected, "{}", name);
            if name == "linear" {
                prop_assert_eq!(delivery.timestamp(), Some(at_millis(ts)));
            }
            // Signed with the previous secret, it verifies after rotation,
            // through a HeaderMap and through owned pairs alike.
            let old_headers = old_cases[i].provider.sign_headers(&outgoing).unwrap();
            prop_assert!(case.provider.verify_at(&old_headers, &body, now).is_ok(), "{} rotation", name);
            prop_assert!(case.provider.verify_at(&owned(&old_headers), &body, now).is_ok());
            // Without the rotation it does not (unless the secrets are equal).
            if secret != previous {
                prop_assert_eq!(
                    fresh_cases[i].provider.verify_at(&old_headers, &body, now).map(|_| ()),
                    Err(Error::SignatureMismatch)
                );
            }
        }
    }

    #[test]
    fn any_changed_body_byte_is_a_mismatch(
        secret in secret(),
        payload in any::<String>(),
        ts in ts(),
        index in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let body = body(&payload, ts, "e", "i");
        let mut changed = body.clone();
        let i = index.index(body.len());
        changed[i] = changed[i].wrapping_add(delta);
        for case in cases(&secret, None) {
            let headers = case.provider.sign_headers(&Outgoing::new(&body)).unwrap();
            prop_assert_eq!(
                case.provider.verify_at(&headers, &changed, at_millis(ts)).map(|_| ()),
                Err(Error::SignatureMismatch),
                "{} byte {}", case.provider.name(), i
            );
        }
    }

    #[test]
    fn any_changed_signature_byte_is_rejected(
        secret in secret(),
        payload in ".{0,40}",
        ts in ts(),
        index in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let body = body(&payload, ts, "e", "i");
        for case in cases(&secret, None) {
            let headers = case.provider.sign_headers(&Outgoing::new(&body)).unwrap();
            let mut pairs = owned(&headers);
            let slot = pairs.iter().position(|(k, _)| k == case.header).unwrap();
            let value = &mut pairs[slot].1;
            let i = index.index(value.len());
            let before = value[i];
            value[i] = before.wrapping_add(delta);
            let after = value[i];
            let result = case.provider.verify_at(&pairs, &body, at_millis(ts)).map(|_| ());
            let same_digit = case.any_case
                && i >= "sha256=".len()
                && before.is_ascii_hexdigit()
                && before.eq_ignore_ascii_case(&after);
            if same_digit {
                prop_assert_eq!(result, Ok(()), "generic hex is case-insensitive");
            } else {
                prop_assert!(result.is_err(), "{}: byte {} {:#x} -> {:#x} accepted", case.provider.name(), i, before, after);
                let err = result.unwrap_err();
                prop_assert!(
                    matches!(err, Error::SignatureMismatch | Error::MalformedHeader { .. }),
                    "{}: {:?}", case.provider.name(), err
                );
            }
        }
    }

    #[test]
    fn linear_window_is_exactly_sixty_seconds(
        secret in secret(),
        ts in ts(),
        skew in -200_000i64..=200_000,
    ) {
        let linear = Linear::new(&secret).unwrap();
        let body = body("", ts, "e", "i");
        let headers = linear.sign_headers(&Outgoing::new(&body)).unwrap();
        let now = at_millis(ts.saturating_add_signed(skew));
        let expected = if skew > 60_000 {
            Err(Error::TimestampTooOld)
        } else if skew < -60_000 {
            Err(Error::TimestampInFuture)
        } else {
            Ok(())
        };
        prop_assert_eq!(linear.verify_at(&headers, &body, now).map(|_| ()), expected);
    }

    #[test]
    fn arbitrary_requests_never_panic_and_never_verify(
        secret in secret(),
        headers in junk_headers(),
        body in prop::collection::vec(any::<u8>(), 0..300),
        now in any::<u64>(),
    ) {
        let now = at_millis(now % 20_000_000_000_000);
        let mut map = http::HeaderMap::new();
        for (name, value) in &headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_bytes(value),
            ) {
                map.append(name, value);
            }
        }
        for case in cases(&secret, None) {
            // Random signatures never match a 256-bit MAC; any outcome but
            // a panic or an acceptance is fine.
            let pairs = case.provider.verify_at(&headers, &body, now);
            prop_assert!(pairs.is_err(), "{} accepted {:?}", case.provider.name(), headers);
            prop_assert!(!matches!(pairs, Err(Error::InvalidConfig(_))));
            let from_map = case.provider.verify_at(&map, &body, now);
            prop_assert!(from_map.is_err(), "{} accepted {:?}", case.provider.name(), map);
            let _ = case.provider.verify(&headers, &body);
        }
    }

    #[test]
    fn junk_headers_change_nothing_unless_they_repeat_the_signature(
        secret in secret(),
        junk in junk_headers(),
        payload in any::<String>(),
        ts in ts(),
    ) {
        let body = body(&payload, ts, "e", "i");
        for case in cases(&secret, None) {
            let signed = case.provider.sign_headers(&Outgoing::new(&body)).unwrap();
            let mut pairs = junk.clone();
            pairs.extend(owned(&signed));
            let repeats = junk.iter().any(|(k, _)| k.eq_ignore_ascii_case(case.header));
            let result = case.provider.verify_at(&pairs, &body, at_millis(ts)).map(|_| ());
            if repeats {
                prop_assert!(
                    matches!(result, Err(Error::RepeatedHeader(ref name)) if name == case.header),
                    "{}: {:?}", case.provider.name(), result
                );
            } else {
                prop_assert_eq!(result, Ok(()), "{}", case.provider.name());
            }
        }
    }
}
