//! Intercom webhooks (feature `sha1`).
//!
//! Intercom signs the raw request body with **HMAC-SHA1** under the app's
//! `client_secret` and sends `X-Hub-Signature: sha1=<40 lowercase hex>`
//! ([Webhook models](https://developers.intercom.com/docs/references/webhooks/webhook-models)).
//! SHA-1 is accepted here only because Intercom offers nothing stronger;
//! HMAC-SHA1 remains a sound MAC, and hooksig never uses it as a fallback
//! for a sender that also signs with SHA-256.
//!
//! **Not covered by the signature:** every header. The notification's id
//! and topic are in the signed body: [`Delivery::id`](crate::Delivery::id)
//! is its top-level `id` (`notif_…`) and
//! [`Delivery::event`](crate::Delivery::event) its `topic`
//! (`conversation.user.created`, …).
//!
//! **Replay defence:** none in the scheme (no signed timestamp; the body's
//! `first_sent_at` is signed but not checked); deduplicate on
//! [`Delivery::id`](crate::Delivery::id).
//!
//! **Handshake:** when a webhook is set up Intercom sends the `ping`
//! topic, which [`Delivery::is_ping`](crate::Delivery::is_ping) recognises;
//! acknowledge it with a 200.
//!
//! ```
//! use hooksig::{intercom::Intercom, Provider};
//!
//! let intercom = Intercom::new("intercom-client-secret")?;
//! let body = br#"{"type":"notification_event","topic":"ping","id":"notif_1"}"#;
//! let signature = intercom.sign(body);
//! let headers = [("X-Hub-Signature", signature.as_str())];
//! let delivery = intercom.verify(&headers, body)?;
//! assert!(delivery.is_ping());
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Algorithm, Encoding, Id, Scheme, Signature};

/// The signature header, `X-Hub-Signature`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";
/// The top-level member of the signed body read as the delivery id: `id`.
pub const ID_FIELD: &str = "id";
/// The top-level member of the signed body read as the event: `topic`.
pub const EVENT_FIELD: &str = "topic";
/// The topic of Intercom's setup check.
pub const PING_TOPIC: &str = "ping";

/// Intercom's scheme, for [`Intercom`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "intercom";
    const TYPE_NAME: &'static str = "Intercom";

    /// `X-Hub-Signature: sha1=<lowercase hex>` (HMAC-SHA1) over the raw
    /// body; id and topic from the body; `ping` is the setup check.
    fn scheme() -> Scheme {
        Scheme::new(Algorithm::HmacSha1)
            .signature(Signature::plain_static(SIGNATURE_HEADER, "sha1="))
            .encoding(Encoding::HexLower)
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
            .ping_event(PING_TOPIC)
    }
}

/// Verifies and signs Intercom webhook deliveries (HMAC-SHA1, feature
/// `sha1`).
///
/// `Intercom::new(client_secret)`, the app's client secret as shown;
/// `.with_previous(..)` accepts an old one. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `X-Hub-Signature`.
pub type Intercom = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Hub-Signature` value Intercom would send for `body`: `sha1=`
    /// and 40 lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha1={}", self.sign_mac(&[body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Provider};

    // tests/data/providers/intercom.json "basic" (gen_hmac_stdlib.py, stdlib
    // HMAC from https://developers.intercom.com/docs/references/webhooks/webhook-models).
    const SECRET: &str = "intercom-client-secret";
    const BODY: &[u8] = br#"{"type":"notification_event","app_id":"abc123","data":{"type":"notification_event_data","item":{"type":"ping","message":"Hello"}},"topic":"ping","id":"notif_1","delivery_attempts":1,"first_sent_at":1767225600}"#;
    const SIG: &str = "sha1=f1c1815456b94bf1b1442b843d1103a62bff85f0";

    #[test]
    fn recorded_ping_verifies() {
        let intercom = Intercom::new(SECRET).unwrap();
        assert_eq!(intercom.sign(BODY), SIG);
        let delivery = intercom.verify(&[("X-Hub-Signature", SIG)], BODY).unwrap();
        assert!(delivery.is_ping());
        assert_eq!(delivery.id(), Some("notif_1"));
        assert_eq!(delivery.event(), Some("ping"));
    }

    #[test]
    fn sha256_forms_are_malformed() {
        let intercom = Intercom::new(SECRET).unwrap();
        let sha256 = format!("sha256={}", "0".repeat(64));
        for value in [sha256.as_str(), "sha1=f1c1", &SIG.to_uppercase()] {
            assert!(matches!(
                intercom.verify(&[("X-Hub-Signature", value)], BODY),
                Err(Error::MalformedHeader { .. })
            ));
        }
        assert_eq!(format!("{intercom:?}"), "Intercom { secrets: 1, .. }");
    }
}
