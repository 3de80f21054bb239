//! Stripe webhooks.
//!
//! Stripe signs `{t}.{body}` with HMAC-SHA256 under the endpoint's signing
//! secret and sends `Stripe-Signature: t=<UNIX seconds>,v1=<64 lowercase
//! hex>`, with one `v1` entry per active secret while a secret is being
//! rolled, and sometimes a legacy `v0` entry
//! ([Verify webhook signatures manually](https://docs.stripe.com/webhooks#verify-manually)).
//! The `whsec_…` secret is the HMAC key **as written**, its UTF-8 bytes;
//! unlike Standard Webhooks, it is not base64-decoded.
//!
//! What hooksig accepts, following Stripe's own libraries:
//! - exactly one `Stripe-Signature` header; its comma-separated elements
//!   are `key=value` and are not trimmed;
//! - exactly one `t=` element, 1 to 20 ASCII digits (a missing or repeated
//!   `t` is malformed);
//! - `v1=` elements of 64 **lowercase** hex digits, as Stripe sends and as
//!   `stripe-node` compares them. The delivery is accepted if **any** `v1`
//!   matches any configured secret; `v0` and unknown elements are ignored.
//!   A `v1` element that does not decode (`v1=bad_signature`) is skipped
//!   when another `v1` decodes, as `stripe-go` and `stripe-node` skip it;
//!   with no decodable `v1` the header is malformed (400). At most 32
//!   elements besides `t` are read ([`MAX_SIGNATURES`]); a longer header is
//!   malformed.
//!
//! Replay defence: `t` is signed and must be at most the tolerance (default
//! 300 s, inclusive, in whole seconds) older than the clock. **hooksig also
//! rejects a `t` more than the tolerance in the future**, which Stripe's
//! SDKs accept (they check only age): a sender's clock that far ahead is a
//! fault, and an unbounded future would let a captured delivery be replayed
//! later. Widen [`Stripe::tolerance`] if your clock is unreliable. Within
//! the window a captured delivery can still be replayed, and Stripe itself
//! may deliver an event more than once: deduplicate on the event id, which
//! Stripe carries in the signed body (`"id": "evt_…"`). [`Delivery::id`](crate::Delivery::id)
//! reads it (and [`Delivery::event`](crate::Delivery::event) the `type`) when asked for, so the
//! middleware's duplicate suppression works for Stripe as for the others.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{stripe::Stripe, Provider};
//!
//! let stripe = Stripe::new("whsec_test_secret")?;
//! let body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
//! let header = stripe.sign(1_700_000_000, body);
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_060);
//! let headers = [("Stripe-Signature", header.as_str())];
//! let delivery = stripe.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.timestamp(), Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)));
//! assert_eq!((delivery.id(), delivery.event()), (Some("evt_1"), Some("invoice.paid")));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::borrow::Cow;
use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Part, Scheme, Signature, Source, Timestamp};

/// The signature header, `Stripe-Signature`.
pub const SIGNATURE_HEADER: &str = "stripe-signature";
/// The top-level member of the signed event body that is the delivery id
/// ([`Delivery::id`](crate::Delivery::id)): `id` (`evt_…`).
pub const ID_FIELD: &str = "id";
/// The top-level member of the signed event body that is the event name
/// ([`Delivery::event`](crate::Delivery::event)): `type` (`invoice.paid`, …).
pub const EVENT_FIELD: &str = "type";
/// Stripe's SDKs' default tolerance: 300 seconds.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
/// The most elements besides `t` that `Stripe-Signature` may carry; a
/// longer header is malformed.
pub const MAX_SIGNATURES: usize = crate::engine::MAX_SIGNATURES;

/// Stripe's scheme, for [`Stripe`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

/// Stripe's scheme: `Stripe-Signature: t=<s>,v1=<hex>[,v1=…]` over
/// `{t}.{body}`; id and type from the signed body.
const SCHEME: &Scheme = &Scheme {
    signature: Signature::list_static(SIGNATURE_HEADER, b',', "v1", Some("t")),
    encoding: Encoding::HexLower,
    content: Cow::Borrowed(&[Part::Timestamp, Part::literal("."), Part::Body]),
    timestamp: Some(Timestamp::in_signature().tolerance(DEFAULT_TOLERANCE)),
    id: Source::Body(ID_FIELD),
    event: Source::Body(EVENT_FIELD),
    ..Scheme::HMAC_SHA256
};

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "stripe";
    const TYPE_NAME: &'static str = "Stripe";

    fn scheme() -> Scheme {
        SCHEME.clone()
    }

    fn fixed() -> Option<&'static Scheme> {
        Some(SCHEME)
    }
}

/// Verifies and signs Stripe webhook deliveries.
///
/// `Stripe::new(secret)`, the endpoint's `whsec_…` signing secret used as
/// is, with the default 300-second window ([`DEFAULT_TOLERANCE`]);
/// `.tolerance(..)` changes it (whole seconds, both directions, where
/// Stripe's SDKs bound only the past); `.with_previous(secret)` accepts the
/// old secret during Stripe's "roll secret".
///
/// `sign_headers` sends `Stripe-Signature` for the outgoing body and time
/// (whole seconds); the outgoing id and event are not sent, as Stripe
/// carries them in the body. It fails with [`Error::InvalidConfig`](crate::Error::InvalidConfig)
/// when the time is before the UNIX epoch.
pub type Stripe = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `Stripe-Signature` value Stripe would send for `body` signed at
    /// `unix_secs`: `t=<unix_secs>,v1=<64 lowercase hex>`.
    ///
    /// ```
    /// let stripe = hooksig::stripe::Stripe::new("whsec_test_secret")?;
    /// assert!(stripe.sign(1_700_000_000, b"{}").starts_with("t=1700000000,v1="));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    #[must_use]
    pub fn sign(&self, unix_secs: u64, body: &[u8]) -> String {
        let t = unix_secs.to_string();
        format!("t={t},v1={}", self.sign_mac(&[t.as_bytes(), b".", body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::encoding::tests as encoding;
    #[allow(unused_imports)]
    use crate::{error::HeaderName, key::tests::Keys, Delivery, Error, Outgoing, Provider};
    use std::time::UNIX_EPOCH;
    #[allow(unused_imports)]
    use std::time::{Duration, SystemTime};

    const SECRET: &str = "whsec_test_secret";
    const TS: u64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn verify_at(value: &str, now: u64) -> Result<(), Error> {
        Stripe::new(SECRET)?
            .verify_at(&[("Stripe-Signature", value)], BODY, at(now))
            .map(|_| ())
    }

    #[test]
    fn id_and_type_come_from_the_signed_body() {
        let stripe = Stripe::new(SECRET).unwrap();
        let read = |body: &[u8], expected: (Option<&str>, Option<&str>)| {
            let header = stripe.sign(TS, body);
            let headers = [("Stripe-Signature", header.as_str())];
            let delivery = stripe.verify_at(&headers, body, at(TS)).expect("signed");
            let got = (delivery.id(), delivery.event());
            assert_eq!(got, expected, "{}", String::from_utf8_lossy(body));
        };
        read(
            br#"{"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1"}}}"#,
            (Some("evt_1"), Some("invoice.paid")),
        );
        // Only the top level counts; anything else verifies with no id (and
        // so is not deduplicated), never with a guessed one.
        for body in [
            &br#"{"data":{"id":"in_1","type":"invoice"}}"#[..],
            br#"{"id":"","type":""}"#,
            br#"{"id":1,"type":null}"#,
            br#"{"id":"evt_1","id":"evt_2","type":"a","type":"b"}"#,
            br#"{"id":"evt\u005f1","type":"invoice\/paid"}"#,
            br#"["evt_1"]"#,
            br#"not json {"id":"evt_1"}"#,
            b"",
        ] {
            read(body, (None, None));
        }
    }

    fn v1() -> String {
        let signed = Stripe::new(SECRET).unwrap().sign(TS, BODY);
        signed.split_once(",v1=").unwrap().1.to_string()
    }

    fn problem(result: Result<(), Error>) -> &'static str {
        match result {
            Err(Error::MalformedHeader { problem, .. }) => problem,
            other => panic!("expected a malformed header, got {other:?}"),
        }
    }

    #[test]
    fn secret_is_used_as_written() {
        let header = Stripe::new(SECRET).unwrap().sign(TS, BODY);
        assert_eq!(verify_at(&header, TS), Ok(()));
        let expected = Keys::new(b"whsec_test_secret")
            .unwrap()
            .sign(&[b"1700000000.", BODY]);
        assert_eq!(header, format!("t={TS},v1={}", encoding::to_hex(&expected)));
    }

    #[test]
    fn any_v1_may_match_and_v0_is_ignored() {
        let sig = v1();
        let zeros = "0".repeat(64);
        assert_eq!(
            verify_at(&format!("t={TS},v1={zeros},v1={sig}"), TS),
            Ok(())
        );
        assert_eq!(
            verify_at(&format!("t={TS},v1={sig},v0={zeros}"), TS),
            Ok(())
        );
        assert_eq!(
            verify_at(&format!("v1={sig},t={TS}"), TS),
            Ok(()),
            "order is free"
        );
        assert_eq!(
            verify_at(&format!("t={TS},v1={sig},v1=bad_signature"), TS),
            Ok(()),
            "an unreadable extra v1 is skipped"
        );
        assert_eq!(
            verify_at(&format!("t={TS},v1={zeros}"), TS),
            Err(Error::SignatureMismatch)
        );
        assert_eq!(
            problem(verify_at(&format!("t={TS},v0={sig}"), TS)),
            "no `v1=` signature"
        );
        assert_eq!(
            problem(verify_at(&format!("t={TS},v1={}", sig.to_uppercase()), TS)),
            "expected lowercase hex digits"
        );
        assert_eq!(
            problem(verify_at(&format!("t={TS},v1=bad"), TS)),
            "expected 64 hex digits"
        );
    }

    #[test]
    fn timestamp_element_rules() {
        let sig = v1();
        assert_eq!(
            problem(verify_at(&format!("v1={sig}"), TS)),
            "missing the `t=` element"
        );
        assert_eq!(
            problem(verify_at(&format!("t={TS},t={TS},v1={sig}"), TS)),
            "more than one `t=` element"
        );
        for t in [
            "",
            "+1700000000",
            "-1",
            "1700000000.5",
            " 1700000000",
            "170000000000000000000",
        ] {
            assert!(
                matches!(
                    verify_at(&format!("t={t},v1={sig}"), TS),
                    Err(Error::MalformedHeader { .. })
                ),
                "{t:?}"
            );
        }
        assert_eq!(
            verify_at(&format!("t={},v1={sig}", TS + 1), TS),
            Err(Error::SignatureMismatch)
        );
        assert!(
            matches!(
                verify_at(&format!("t={TS}, v1={sig}"), TS),
                Err(Error::MalformedHeader { .. })
            ),
            "elements are not trimmed: ` v1` is an unknown key"
        );
    }

    #[test]
    fn window_is_bounded_both_ways() {
        let header = Stripe::new(SECRET).unwrap().sign(TS, BODY);
        assert_eq!(verify_at(&header, TS + 300), Ok(()));
        assert_eq!(verify_at(&header, TS + 301), Err(Error::TimestampTooOld));
        assert_eq!(verify_at(&header, TS - 300), Ok(()));
        assert_eq!(verify_at(&header, TS - 301), Err(Error::TimestampInFuture));
        let wide = Stripe::new(SECRET)
            .unwrap()
            .tolerance(Duration::from_secs(3600));
        assert!(wide
            .verify_at(
                &[("Stripe-Signature", header.as_str())],
                BODY,
                at(TS + 3600)
            )
            .is_ok());
    }

    #[test]
    fn element_count_is_bounded() {
        let sig = v1();
        let mut header = format!("t={TS}");
        for _ in 0..MAX_SIGNATURES - 1 {
            header.push_str(",v0=00");
        }
        let within = format!("{header},v1={sig}");
        assert_eq!(verify_at(&within, TS), Ok(()));
        let past = format!("{header},v0=00,v1={sig}");
        assert_eq!(problem(verify_at(&past, TS)), "more than 32 signatures");
    }

    #[test]
    fn rotation_sign_headers_and_debug() {
        let old = Stripe::new("whsec_old").unwrap();
        let stripe = Stripe::new(SECRET)
            .unwrap()
            .with_previous("whsec_old")
            .unwrap();
        assert!(Stripe::new("").is_err());
        assert!(Stripe::new(SECRET).unwrap().with_previous("").is_err());
        let headers = old
            .sign_headers(&Outgoing::new(BODY).at(at(TS)).id("evt_1").event("x"))
            .unwrap();
        assert_eq!(headers.len(), 1);
        let delivery = stripe.verify_at(&headers, BODY, at(TS)).unwrap();
        assert_eq!(delivery.timestamp(), Some(at(TS)));
        // The id and event come from the signed body (which has no `type`),
        // never from the outgoing id and event, which Stripe does not send.
        assert_eq!((delivery.id(), delivery.event()), (Some("evt_1"), None));
        assert!(Stripe::new(SECRET)
            .unwrap()
            .sign_headers(&Outgoing::new(BODY).at(UNIX_EPOCH - Duration::from_secs(1)))
            .is_err());
        assert_eq!(
            format!("{stripe:?}"),
            "Stripe { secrets: 2, tolerance: 300s, .. }"
        );
    }
}
