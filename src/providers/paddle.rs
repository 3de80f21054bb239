//! Paddle Billing webhooks (notifications).
//!
//! Paddle signs `{ts}:{body}` (a **colon**, not Stripe's dot) with
//! HMAC-SHA256 under the notification destination's secret key (as typed,
//! `pdl_ntfset_…`) and sends `Paddle-Signature: ts=<UNIX
//! seconds>;h1=<64 lowercase hex>`, with one `h1` per active secret while
//! a secret is rotated
//! ([Verify webhook signatures](https://developer.paddle.com/webhooks/signature-verification);
//! `paddle-python-sdk` 1.16.1 `Verifier`, `@paddle/paddle-node-sdk` 3.10.0).
//!
//! What hooksig accepts: elements split on `;`, exactly one `ts`, and
//! **any** matching `h1` (as the Python SDK; the Node SDK keeps only the
//! last `h1`, which breaks rotation when the new secret's `h1` comes
//! first). Other keys are ignored, as the Node SDK ignores them (the
//! Python SDK refuses them); uppercase hex is malformed, as both SDKs
//! compare lowercase strings.
//!
//! **Not covered by the signature:** every other header. The ids are in
//! the signed body: [`Delivery::id`](crate::Delivery::id) is its top-level
//! `event_id` (`evt_…`, the same for every notification of one event) and
//! [`Delivery::event`](crate::Delivery::event) its `event_type`
//! (`transaction.completed`, …).
//!
//! **Replay defence:** `ts` must lie within **5 seconds** of the clock
//! ([`DEFAULT_TOLERANCE`], the SDKs' default), inclusive, in both
//! directions (as the Python SDK; the Node SDK bounds only the age). Five
//! seconds is tight: widen it with [`Paddle::tolerance`] if your clock is
//! not synchronised. Deduplicate on [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{paddle::Paddle, Provider};
//!
//! let paddle = Paddle::new("pdl_ntfset_secret")?;
//! let body = br#"{"event_id":"evt_01","event_type":"transaction.completed"}"#;
//! let header = paddle.sign(1_767_225_599, body);
//! let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! let headers = [("Paddle-Signature", header.as_str())];
//! let delivery = paddle.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.id(), Some("evt_01"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature, Timestamp};

/// The signature header, `Paddle-Signature`.
pub const SIGNATURE_HEADER: &str = "paddle-signature";
/// The top-level member of the signed body read as the delivery id:
/// `event_id`.
pub const ID_FIELD: &str = "event_id";
/// The top-level member of the signed body read as the event:
/// `event_type`.
pub const EVENT_FIELD: &str = "event_type";
/// Paddle's window: 5 seconds either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5);

/// Paddle's scheme, for [`Paddle`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "paddle";
    const TYPE_NAME: &'static str = "Paddle";

    /// `Paddle-Signature: ts=<s>;h1=<hex>[;h1=…]` over `{ts}:{body}`; id
    /// and type from the body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::list_static(
                SIGNATURE_HEADER,
                b';',
                "h1",
                Some("ts"),
            ))
            .encoding(Encoding::HexLower)
            .content([Part::Timestamp, Part::literal(":"), Part::Body])
            .timestamp(Timestamp::in_signature().tolerance(DEFAULT_TOLERANCE))
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Paddle Billing webhook notifications.
///
/// `Paddle::new(secret)`, the destination's secret key as shown, with a
/// 5-second window ([`DEFAULT_TOLERANCE`]); `.tolerance(..)` changes it
/// (whole seconds, both directions); `.with_previous(..)` accepts the old
/// secret during a rotation. `sign_headers` sends `Paddle-Signature` for
/// the outgoing body and time.
pub type Paddle = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `Paddle-Signature` value Paddle would send for `body` at
    /// `unix_secs`: `ts=<unix_secs>;h1=<64 lowercase hex>`.
    #[must_use]
    pub fn sign(&self, unix_secs: u64, body: &[u8]) -> String {
        let ts = unix_secs.to_string();
        format!("ts={ts};h1={}", self.sign_mac(&[ts.as_bytes(), b":", body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Outgoing, Provider};
    use std::time::{SystemTime, UNIX_EPOCH};

    // tests/data/providers/paddle.json "basic" (paddle-python-sdk 1.16.1
    // Verifier.verify, clock frozen).
    const SECRET: &str = "pdl_ntfset_01hv8w6tr0a2yqpn4ajt5nq4dz_TFz8mEgG3T8vQ3iFZ5gOxd5JbEHuHgPc";
    const BODY: &[u8] = br#"{"event_id":"evt_01hv8x2acma2gz7he3k4mjx0ze","event_type":"transaction.completed","occurred_at":"2026-01-01T00:00:00.000000Z","notification_id":"ntf_01hv8x2af1g2g3ecbwkwmqzp7y","data":{"id":"txn_01hv8wptq8987qeep44cyrewp9","status":"completed"}}"#;
    const SIG: &str =
        "ts=1767225599;h1=1953867e70af901c2b90a1a1206462b7f6808c2d370b06c1989e5fd0bd4b348e";
    const TS: u64 = 1_767_225_599;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn verify(value: &str, now: u64) -> Result<(), Error> {
        Paddle::new(SECRET)?
            .verify_at(&[("Paddle-Signature", value)], BODY, at(now))
            .map(|_| ())
    }

    #[test]
    fn sdk_vector_and_the_five_second_window() {
        assert_eq!(Paddle::new(SECRET).unwrap().sign(TS, BODY), SIG);
        assert_eq!(verify(SIG, TS + 1), Ok(()));
        assert_eq!(verify(SIG, TS + 5), Ok(()));
        assert_eq!(verify(SIG, TS + 6), Err(Error::TimestampTooOld));
        assert_eq!(verify(SIG, TS - 6), Err(Error::TimestampInFuture));
        let h1 = SIG.split_once(";h1=").unwrap().1;
        let zeros = "0".repeat(64);
        assert_eq!(verify(&format!("h1={h1};ts={TS}"), TS), Ok(()));
        assert_eq!(verify(&format!("ts={TS};h1={h1};h1={zeros}"), TS), Ok(()));
        assert_eq!(verify(&format!("ts={TS};h1={zeros};h1={h1}"), TS), Ok(()));
        assert!(matches!(
            verify(&SIG.replace(';', ","), TS),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn sign_headers_and_body_ids() {
        let paddle = Paddle::new(SECRET).unwrap();
        let headers = paddle
            .sign_headers(&Outgoing::new(BODY).at(at(TS)))
            .unwrap();
        assert_eq!(headers[SIGNATURE_HEADER], SIG);
        let delivery = paddle.verify_at(&headers, BODY, at(TS)).unwrap();
        assert_eq!(delivery.id(), Some("evt_01hv8x2acma2gz7he3k4mjx0ze"));
        assert_eq!(delivery.event(), Some("transaction.completed"));
    }
}
