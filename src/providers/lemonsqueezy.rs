//! Lemon Squeezy webhooks.
//!
//! Lemon Squeezy signs the raw request body with HMAC-SHA256 under the
//! signing secret you typed for the webhook and sends the bare lowercase
//! hex in `X-Signature`
//! ([Signing requests](https://docs.lemonsqueezy.com/help/webhooks/signing-requests)).
//!
//! **Not covered by the signature:** every header, including the event
//! `X-Event-Name` ([`Delivery::event`](crate::Delivery::event),
//! `order_created`, …; the signed body repeats it as `meta.event_name`).
//! Lemon Squeezy sends no delivery id, so
//! [`Delivery::id`](crate::Delivery::id) is `None`.
//!
//! **Replay defence:** none in the scheme (no signed timestamp); keep
//! handlers idempotent on the object's id.
//!
//! ```
//! use hooksig::{lemonsqueezy::LemonSqueezy, Provider};
//!
//! let lemon = LemonSqueezy::new("lemon-signing-secret")?;
//! let body = br#"{"meta":{"event_name":"order_created"},"data":{"id":"1"}}"#;
//! let signature = lemon.sign(body);
//! let headers = [("X-Signature", signature.as_str()), ("X-Event-Name", "order_created")];
//! assert_eq!(lemon.verify(&headers, body)?.event(), Some("order_created"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `X-Signature`.
pub const SIGNATURE_HEADER: &str = "x-signature";
/// The event header, `X-Event-Name`.
pub const EVENT_HEADER: &str = "x-event-name";

/// Lemon Squeezy's scheme, for [`LemonSqueezy`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "lemonsqueezy";
    const TYPE_NAME: &'static str = "LemonSqueezy";

    /// `X-Signature: <lowercase hex>` over the raw body; event from
    /// `X-Event-Name`.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
            .event(Id::header_static(EVENT_HEADER))
    }
}

/// Verifies and signs Lemon Squeezy webhook deliveries.
///
/// `LemonSqueezy::new(secret)`, the signing secret as typed;
/// `.with_previous(..)` accepts an old one. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `X-Signature` and, when given, `X-Event-Name`.
pub type LemonSqueezy = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Signature` value Lemon Squeezy would send for `body`: 64
    /// lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        self.sign_mac(&[body])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Outgoing, Provider};

    // tests/data/providers/lemonsqueezy.json "basic" (gen_hmac_stdlib.py,
    // stdlib HMAC from https://docs.lemonsqueezy.com/help/webhooks/signing-requests).
    const SECRET: &str = "lemon-signing-secret";
    const BODY: &[u8] = br#"{"meta":{"event_name":"order_created","test_mode":true},"data":{"type":"orders","id":"1"}}"#;
    const SIG: &str = "fc77ac8e6c56c09d1320abf05f9648ae8521dc3ef65c52d7570db72345dc19bb";

    #[test]
    fn recorded_vector_verifies() {
        let lemon = LemonSqueezy::new(SECRET).unwrap();
        assert_eq!(lemon.sign(BODY), SIG);
        let headers = [("X-Signature", SIG), ("X-Event-Name", "order_created")];
        let delivery = lemon.verify(&headers, BODY).unwrap();
        assert_eq!(
            (delivery.id(), delivery.event()),
            (None, Some("order_created"))
        );
        let signed = lemon
            .sign_headers(&Outgoing::new(BODY).event("order_created"))
            .unwrap();
        assert_eq!(signed[SIGNATURE_HEADER], SIG);
        assert_eq!(signed[EVENT_HEADER], "order_created");
    }
}
