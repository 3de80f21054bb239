//! Zendesk webhooks.
//!
//! Zendesk signs `{timestamp}{body}` (no separator; the body may be empty)
//! with HMAC-SHA256 under the webhook's signing secret and sends the
//! padded base64 MAC in `X-Zendesk-Webhook-Signature`, with the timestamp
//! in `X-Zendesk-Webhook-Signature-Timestamp`, an ISO 8601 date-time such
//! as `2026-01-01T00:00:00Z`
//! ([Verifying webhook authenticity](https://developer.zendesk.com/documentation/webhooks/verifying/)).
//! The signing secret looks like base64 but is the HMAC key **as typed**,
//! its UTF-8 bytes; it is never decoded. Test sends made before a webhook
//! exists are signed with Zendesk's fixed test secret, [`TEST_SECRET`].
//! (An older copy of the page, under `event-connectors/`, gives the order
//! `{body}{timestamp}` and an example that matches only that order;
//! hooksig follows the current page.)
//!
//! **Not covered by the signature:** every other header, including
//! `x-zendesk-webhook-invocation-id` ([`Delivery::id`](crate::Delivery::id))
//! and `x-zendesk-webhook-id` (the webhook's own id, the same on every
//! delivery). [`Delivery::event`](crate::Delivery::event) is the signed
//! body's top-level `type` for event-subscription webhooks
//! (`zen:event-type:ticket.created`); trigger and automation webhooks
//! carry a body of your own design and have none.
//!
//! **Replay defence:** the timestamp is signed, and hooksig requires it to
//! lie within **5 minutes** of the clock ([`DEFAULT_TOLERANCE`]),
//! inclusive, in both directions, compared in whole milliseconds. Zendesk
//! documents the timestamp but no window; the 5 minutes are hooksig's
//! choice, the common one among senders that sign a timestamp. Widen it
//! with [`Zendesk::tolerance`] if your deliveries arrive later. Deduplicate
//! on [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{zendesk::{self, Zendesk}, Provider};
//!
//! let zendesk = Zendesk::new(zendesk::TEST_SECRET)?;
//! let body = br#"{"type":"zen:event-type:ticket.created"}"#;
//! let timestamp = "2026-01-01T00:00:00Z";
//! let signature = zendesk.sign(timestamp, body);
//! let headers = [
//!     ("X-Zendesk-Webhook-Signature", signature.as_str()),
//!     ("X-Zendesk-Webhook-Signature-Timestamp", timestamp),
//! ];
//! let now = UNIX_EPOCH + Duration::from_secs(1_767_225_630);
//! let delivery = zendesk.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.event(), Some("zen:event-type:ticket.created"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature, Timestamp, Unit};

/// The signature header, `X-Zendesk-Webhook-Signature`.
pub const SIGNATURE_HEADER: &str = "x-zendesk-webhook-signature";
/// The signed timestamp header, `X-Zendesk-Webhook-Signature-Timestamp`.
pub const TIMESTAMP_HEADER: &str = "x-zendesk-webhook-signature-timestamp";
/// The delivery id header, `x-zendesk-webhook-invocation-id`.
pub const ID_HEADER: &str = "x-zendesk-webhook-invocation-id";
/// The webhook's own id header, `x-zendesk-webhook-id`.
pub const WEBHOOK_ID_HEADER: &str = "x-zendesk-webhook-id";
/// The top-level member of the signed body read as the event: `type`.
pub const EVENT_FIELD: &str = "type";
/// Zendesk's fixed secret for test sends made before a webhook exists,
/// used as typed.
pub const TEST_SECRET: &str = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
/// hooksig's window for Zendesk: 5 minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Zendesk's scheme, for [`Zendesk`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "zendesk";
    const TYPE_NAME: &'static str = "Zendesk";

    /// `X-Zendesk-Webhook-Signature: <base64>` over `{timestamp}{body}`,
    /// the timestamp (RFC 3339) in `X-Zendesk-Webhook-Signature-Timestamp`.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::Base64)
            .content([Part::Timestamp, Part::Body])
            .timestamp(
                Timestamp::header_static(TIMESTAMP_HEADER)
                    .unit(Unit::Rfc3339)
                    .tolerance(DEFAULT_TOLERANCE),
            )
            .id(Id::header_static(ID_HEADER))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Zendesk webhook deliveries.
///
/// `Zendesk::new(signing_secret)`, the secret as shown (used as typed, not
/// base64-decoded), with a 5-minute window ([`DEFAULT_TOLERANCE`]);
/// `.tolerance(..)` changes it; `.with_previous(..)` accepts the old secret
/// after a reset (or [`TEST_SECRET`] alongside the real one).
/// `sign_headers` sends the signature, the timestamp (RFC 3339 with
/// milliseconds) and, when given, the invocation id.
pub type Zendesk = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Zendesk-Webhook-Signature` value Zendesk would send for
    /// `body` with the timestamp header `timestamp`: the padded base64 MAC
    /// of `{timestamp}{body}`.
    #[must_use]
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        self.sign_mac(&[timestamp.as_bytes(), body])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Outgoing, Provider};
    use std::time::{SystemTime, UNIX_EPOCH};

    // tests/data/providers/zendesk.json "basic-published-test-secret"
    // (gen_hmac_stdlib.py, stdlib HMAC from
    // https://developer.zendesk.com/documentation/webhooks/verifying/,
    // with Zendesk's published test secret).
    const BODY: &[u8] = br#"{"type":"zen:event-type:ticket.created","id":"01HV0000000000000000000000","detail":{"id":"35436"}}"#;
    const SIG: &str = "Mtt4BmANPDLtkcYUHztKBKtQcRrXM00VWlZL7pwa7wc=";
    const TS: &str = "2026-01-01T00:00:00Z";
    const NOW: u64 = 1_767_225_600;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn verify(secret: &str, ts: &str, body: &[u8], now: u64) -> Result<(), Error> {
        let headers = [
            ("X-Zendesk-Webhook-Signature", SIG),
            ("X-Zendesk-Webhook-Signature-Timestamp", ts),
            ("x-zendesk-webhook-invocation-id", "123456789"),
        ];
        Zendesk::new(secret)?
            .verify_at(&headers, body, at(now))
            .map(|_| ())
    }

    #[test]
    fn test_secret_vector_verifies_as_typed() {
        assert_eq!(Zendesk::new(TEST_SECRET).unwrap().sign(TS, BODY), SIG);
        assert_eq!(verify(TEST_SECRET, TS, BODY, NOW), Ok(()));
        assert_eq!(
            verify(TEST_SECRET, "2026-01-01T00:00:01Z", BODY, NOW),
            Err(Error::SignatureMismatch)
        );
        assert_eq!(
            verify(TEST_SECRET, TS, BODY, NOW + 301),
            Err(Error::TimestampTooOld)
        );
        assert_eq!(
            verify(TEST_SECRET, TS, BODY, NOW - 301),
            Err(Error::TimestampInFuture)
        );
        assert!(matches!(
            verify(TEST_SECRET, "1767225600", BODY, NOW),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn the_older_event_connectors_example_signs_body_then_timestamp() {
        // https://developer.zendesk.com/documentation/event-connectors/webhooks/verifying/
        // (an older copy of the page) gives `base64(HMACSHA256((BODY)(TIMESTAMP)))`
        // and this example, which matches that order only. The current page
        // (module docs) and every vector here sign timestamp ‖ body, as
        // hooksig does; the example is kept to show the difference.
        let secret = "HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=";
        let (body, ts) = (r#"{"say": "hello"}"#, "2021-07-25T10:00:00Z");
        let signature = "tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=";
        let zendesk = Zendesk::new(secret).unwrap();
        assert_eq!(zendesk.sign(body, ts.as_bytes()), signature);
        assert_ne!(zendesk.sign(ts, body.as_bytes()), signature);
        let headers = [
            ("X-Zendesk-Webhook-Signature", signature),
            ("X-Zendesk-Webhook-Signature-Timestamp", ts),
        ];
        let now = at(1_627_207_200);
        assert_eq!(
            zendesk
                .verify_at(&headers, body.as_bytes(), now)
                .unwrap_err(),
            Error::SignatureMismatch
        );
    }

    #[test]
    fn sign_headers_round_trip_with_an_empty_body() {
        let zendesk = Zendesk::new(TEST_SECRET).unwrap();
        let headers = zendesk
            .sign_headers(&Outgoing::new(b"").at(at(NOW)).id("inv-1"))
            .unwrap();
        assert_eq!(headers[TIMESTAMP_HEADER], "2026-01-01T00:00:00.000Z");
        let delivery = zendesk.verify_at(&headers, b"", at(NOW)).unwrap();
        assert_eq!(delivery.id(), Some("inv-1"));
        assert_eq!(delivery.timestamp(), Some(at(NOW)));
    }
}
