//! SendGrid (Twilio SendGrid) signed Event Webhook.
//!
//! SendGrid signs `{X-Twilio-Email-Event-Webhook-Timestamp}{body}` (the
//! timestamp's text followed by the raw body) with ECDSA over P-256 and
//! SHA-256, and sends the DER signature as base64 in
//! `X-Twilio-Email-Event-Webhook-Signature`
//! ([Getting started with the Event Webhook security features](https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features)).
//! The receiver verifies with the **verification key** SendGrid shows when
//! signing is enabled: a base64 DER SubjectPublicKeyInfo.
//!
//! What hooksig accepts, following SendGrid's libraries (`sendgrid` on
//! PyPI, `@sendgrid/eventwebhook` on npm):
//! - exactly one signature header of padded standard base64 decoding to a
//!   DER `ECDSA-Sig-Value`; a raw 64-byte `r ‖ s` is refused, as the
//!   libraries refuse it; a high-S signature verifies, as it does there;
//! - exactly one timestamp header of UNIX seconds;
//! - the verification key as base64 DER (as shown), PEM, or SEC1.
//!
//! What the signature does **not** cover: every other header. The body is
//! covered byte for byte, including the trailing CRLF SendGrid appends.
//!
//! Replay defence: the timestamp is signed, but by default no window is
//! checked, as SendGrid's libraries check none: SendGrid batches events
//! and retries a failed post for up to 72 hours, and it does not document
//! whether a retry is signed afresh. Set `.tolerance(..)` to refuse old
//! posts once you know your traffic. Deduplicate on each event's
//! `sg_event_id` (inside the body's array, so not a [`Delivery::id`](crate::Delivery::id)).
//!
//! ```
//! use hooksig::{sendgrid::SendGrid, Provider};
//!
//! // The vector of sendgrid-nodejs's eventwebhook.spec.js.
//! let sendgrid = SendGrid::new("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==")?;
//! let headers = [
//!     ("X-Twilio-Email-Event-Webhook-Signature", "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0="),
//!     ("X-Twilio-Email-Event-Webhook-Timestamp", "1588788367"),
//! ];
//! let body = br#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;
//! let delivery = sendgrid.verify(&headers, body)?;
//! assert!(delivery.timestamp().is_some());
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Algorithm, EcdsaFormat, Encoding, Part, Scheme, Signature, Timestamp};

/// The signature header, `X-Twilio-Email-Event-Webhook-Signature`.
pub const SIGNATURE_HEADER: &str = "x-twilio-email-event-webhook-signature";
/// The signed timestamp header, `X-Twilio-Email-Event-Webhook-Timestamp`
/// (UNIX seconds).
pub const TIMESTAMP_HEADER: &str = "x-twilio-email-event-webhook-timestamp";

/// SendGrid's scheme, for [`SendGrid`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "sendgrid";
    const TYPE_NAME: &'static str = "SendGrid";

    /// ECDSA P-256 / SHA-256 over `{timestamp}{body}`, base64 DER.
    fn scheme() -> Scheme {
        Scheme::new(Algorithm::EcdsaP256(EcdsaFormat::Der))
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::Base64)
            .content([Part::Timestamp, Part::Body])
            .timestamp(Timestamp::header_static(TIMESTAMP_HEADER).unbounded())
    }
}

/// Verifies SendGrid's signed Event Webhook posts.
///
/// `SendGrid::new(verification_key)`, the base64 key SendGrid shows (DER
/// SPKI; PEM and SEC1 are read too). No window by default (see the
/// [module docs](self)); `.tolerance(..)` sets one, in both directions.
/// `.with_previous(key)` accepts another key during a rotation.
///
/// `sign_headers` sends both headers as SendGrid does, given the private
/// key ([`signing_key`](Verifier::signing_key)), which only a test of a
/// receiver has; without it, it fails with
/// [`Error::InvalidConfig`](crate::Error::InvalidConfig).
pub type SendGrid = Verifier<Spec>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Outgoing, Provider};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    /// A vector of tests/data/providers/sendgrid.json (sendgrid 6.12.5
    /// `EventWebhook.verify_signature`, signed with cryptography 50.0.2).
    fn vector(name: &str) -> (String, Vec<(String, String)>, Vec<u8>) {
        let v = crate::providers::recorded::vector(
            include_str!("../../tests/data/providers/sendgrid.json"),
            name,
        );
        (v.key, v.headers, v.body)
    }

    fn check(name: &str) -> Result<Option<SystemTime>, Error> {
        let (key, headers, body) = vector(name);
        SendGrid::new(key)?
            .verify_at(
                &headers,
                &body,
                UNIX_EPOCH + Duration::from_secs(1_767_225_600),
            )
            .map(|d| d.timestamp())
    }

    #[test]
    fn published_vector_verifies() {
        // sendgrid.json "published": sendgrid-nodejs eventwebhook.spec.js.
        assert_eq!(
            check("published"),
            Ok(Some(UNIX_EPOCH + Duration::from_secs(1_588_788_367)))
        );
        assert_eq!(check("published-tampered"), Err(Error::SignatureMismatch));
        assert_eq!(
            check("published-wrong-timestamp"),
            Err(Error::SignatureMismatch)
        );
    }

    #[test]
    fn recorded_vectors() {
        assert!(check("basic").is_ok());
        assert!(check("high-s-malleated").is_ok(), "as the SDK");
        for name in ["tampered-body", "body-without-trailing-crlf", "wrong-key"] {
            assert_eq!(check(name), Err(Error::SignatureMismatch), "{name}");
        }
        // A raw r ‖ s is not DER: it is refused (the SDK refuses it too).
        assert!(check("raw-r-s-not-der").is_err());
    }

    #[test]
    fn tolerance_turns_a_window_on() {
        let (key, headers, body) = vector("published");
        let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let sendgrid = SendGrid::new(&key).unwrap();
        assert_eq!(format!("{sendgrid:?}"), "SendGrid { keys: 1, .. }");
        let windowed = sendgrid.tolerance(Duration::from_secs(600));
        assert_eq!(
            windowed.verify_at(&headers, &body, now).unwrap_err(),
            Error::TimestampTooOld
        );
    }

    #[test]
    fn signs_with_the_private_key() {
        // gen_sendgrid.py's private scalar 0x1000…0001 (sendgrid.json "basic").
        let (key, _, _) = vector("basic");
        let scalar = "1000000000000000000000000000000000000000000000000000000000000001";
        let body = b"[{\"event\":\"processed\"}]\r\n";
        let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let outgoing = Outgoing::new(body).at(at);
        assert!(matches!(
            SendGrid::new(&key).unwrap().sign_headers(&outgoing),
            Err(Error::InvalidConfig(_))
        ));
        let signer = SendGrid::new(&key).unwrap().signing_key(scalar).unwrap();
        let headers = signer.sign_headers(&outgoing).unwrap();
        assert_eq!(headers[TIMESTAMP_HEADER], "1767225600");
        assert!(signer.verify_at(&headers, body, at).is_ok());
        let other = "2000000000000000000000000000000000000000000000000000000000000002";
        assert!(SendGrid::new(&key).unwrap().signing_key(other).is_err());
        assert!(SendGrid::new("").is_err());
        assert!(SendGrid::new("bm90IGEga2V5").is_err());
    }
}
