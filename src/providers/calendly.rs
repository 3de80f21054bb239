//! Calendly webhooks.
//!
//! Calendly signs `{t}.{body}` with HMAC-SHA256 under the webhook signing
//! key (as typed: the key you chose for a personal access token's
//! subscription, or the one generated for an OAuth app) and sends
//! `Calendly-Webhook-Signature: t=<UNIX seconds>,v1=<64 lowercase hex>`
//! ([Webhook signatures](https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures)),
//! the same layout as Stripe's under another header name.
//!
//! **Not covered by the signature:** every other header. Calendly sends no
//! delivery id, so [`Delivery::id`](crate::Delivery::id) is `None`;
//! [`Delivery::event`](crate::Delivery::event) is the signed body's
//! top-level `event` (`invitee.created`, …).
//!
//! **Replay defence:** `t` is signed and must lie within the tolerance of
//! the clock, by default **3 minutes** ([`DEFAULT_TOLERANCE`], the window
//! Calendly's guidance gives; not confirmed against Calendly's docs here),
//! inclusive, in both directions. Within the window a captured delivery
//! can be replayed: keep handlers idempotent.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{calendly::Calendly, Provider};
//!
//! let calendly = Calendly::new("calendly-signing-key")?;
//! let body = br#"{"event":"invitee.created","payload":{}}"#;
//! let header = calendly.sign(1_767_225_590, body);
//! let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! let headers = [("Calendly-Webhook-Signature", header.as_str())];
//! let delivery = calendly.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.event(), Some("invitee.created"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature, Timestamp};

/// The signature header, `Calendly-Webhook-Signature`.
pub const SIGNATURE_HEADER: &str = "calendly-webhook-signature";
/// The top-level member of the signed body read as the event: `event`.
pub const EVENT_FIELD: &str = "event";
/// Calendly's window: 3 minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(180);

/// Calendly's scheme, for [`Calendly`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "calendly";
    const TYPE_NAME: &'static str = "Calendly";

    /// `Calendly-Webhook-Signature: t=<s>,v1=<hex>` over `{t}.{body}`;
    /// event from the body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::list_static(
                SIGNATURE_HEADER,
                b',',
                "v1",
                Some("t"),
            ))
            .encoding(Encoding::HexLower)
            .content([Part::Timestamp, Part::literal("."), Part::Body])
            .timestamp(Timestamp::in_signature().tolerance(DEFAULT_TOLERANCE))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Calendly webhook deliveries.
///
/// `Calendly::new(signing_key)`, the signing key as typed, with a 3-minute
/// window ([`DEFAULT_TOLERANCE`]); `.tolerance(..)` changes it (whole
/// seconds, both directions); `.with_previous(..)` accepts an old key.
/// `sign_headers` sends `Calendly-Webhook-Signature` for the outgoing body
/// and time.
pub type Calendly = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `Calendly-Webhook-Signature` value Calendly would send for
    /// `body` at `unix_secs`: `t=<unix_secs>,v1=<64 lowercase hex>`.
    #[must_use]
    pub fn sign(&self, unix_secs: u64, body: &[u8]) -> String {
        let t = unix_secs.to_string();
        format!("t={t},v1={}", self.sign_mac(&[t.as_bytes(), b".", body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Provider};
    use std::time::{SystemTime, UNIX_EPOCH};

    // tests/data/providers/calendly.json "basic" and "stale-181s"
    // (gen_hmac_stdlib.py, stdlib HMAC from
    // https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures).
    const SECRET: &str = "calendly-signing-key";
    const BODY: &[u8] = br#"{"created_at":"2026-01-01T00:00:00.000000Z","created_by":"https://api.calendly.com/users/AAAA","event":"invitee.created","payload":{"email":"a@example.com"}}"#;
    const SIG: &str =
        "t=1767225590,v1=17d53200fb7052026e836be7425b670738850c2e78af5b239f2d1ee0a9a6c06e";
    const NOW: u64 = 1_767_225_600;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn verify(value: &str, now: u64) -> Result<(), Error> {
        Calendly::new(SECRET)?
            .verify_at(&[("Calendly-Webhook-Signature", value)], BODY, at(now))
            .map(|_| ())
    }

    #[test]
    fn recorded_vector_verifies_within_three_minutes() {
        assert_eq!(
            Calendly::new(SECRET).unwrap().sign(1_767_225_590, BODY),
            SIG
        );
        assert_eq!(verify(SIG, NOW), Ok(()));
        assert_eq!(verify(SIG, 1_767_225_590 + 180), Ok(()));
        assert_eq!(
            verify(SIG, 1_767_225_590 + 181),
            Err(Error::TimestampTooOld)
        );
        assert_eq!(
            verify(SIG, 1_767_225_590 - 181),
            Err(Error::TimestampInFuture)
        );
        assert!(matches!(
            verify(&SIG.replace("t=", "ts="), NOW),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn event_and_debug() {
        let calendly = Calendly::new(SECRET).unwrap();
        let headers = [("Calendly-Webhook-Signature", SIG)];
        let delivery = calendly.verify_at(&headers, BODY, at(NOW)).unwrap();
        assert_eq!(delivery.event(), Some("invitee.created"));
        assert_eq!(delivery.timestamp(), Some(at(1_767_225_590)));
        assert_eq!(
            format!("{calendly:?}"),
            "Calendly { secrets: 1, tolerance: 180s, .. }"
        );
    }
}
