//! Razorpay webhooks.
//!
//! Razorpay signs the raw request body with HMAC-SHA256 under the
//! **webhook secret** you set for the webhook (not the API key secret) and
//! sends the bare lowercase hex in `X-Razorpay-Signature`
//! ([Webhooks best practices](https://razorpay.com/docs/webhooks/best-practices/);
//! `razorpay` 2.0.1 `Utility.verify_webhook_signature`, razorpay-node
//! `validateWebhookSignature`).
//!
//! **Not covered by the signature:** every header, including
//! `X-Razorpay-Event-Id` ([`Delivery::id`](crate::Delivery::id)).
//! [`Delivery::event`](crate::Delivery::event) is the signed body's
//! top-level `event` (`payment.captured`, …).
//!
//! **Replay defence:** none in the scheme (no signed timestamp). Razorpay
//! retries with backoff for 24 hours: deduplicate on
//! [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! // The vector of razorpay-node test/utils/razorpay-utils.spec.js.
//! use hooksig::{razorpay::Razorpay, Provider};
//!
//! let razorpay = Razorpay::new("123456")?;
//! let body = br#"{"a":1,"b":2,"c":{"d":3}}"#;
//! let headers = [(
//!     "X-Razorpay-Signature",
//!     "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc",
//! )];
//! razorpay.verify(&headers, body)?;
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `X-Razorpay-Signature`.
pub const SIGNATURE_HEADER: &str = "x-razorpay-signature";
/// The delivery id header, `X-Razorpay-Event-Id`.
pub const ID_HEADER: &str = "x-razorpay-event-id";
/// The top-level member of the signed body read as the event: `event`.
pub const EVENT_FIELD: &str = "event";

/// Razorpay's scheme, for [`Razorpay`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "razorpay";
    const TYPE_NAME: &'static str = "Razorpay";

    /// `X-Razorpay-Signature: <lowercase hex>` over the raw body; id from
    /// `X-Razorpay-Event-Id`, event from the body's `event`.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
            .id(Id::header_static(ID_HEADER))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Razorpay webhook deliveries.
///
/// `Razorpay::new(webhook_secret)`, the webhook's secret as typed;
/// `.with_previous(..)` accepts an old one. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `X-Razorpay-Signature` and, when given, `X-Razorpay-Event-Id`.
pub type Razorpay = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Razorpay-Signature` value Razorpay would send for `body`: 64
    /// lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        self.sign_mac(&[body])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Provider};

    // razorpay/razorpay-node test/utils/razorpay-utils.spec.js, re-checked
    // with razorpay (PyPI) 2.0.1 (tests/data/providers/published.json
    // "utils-spec").
    const SECRET: &str = "123456";
    const BODY: &[u8] = br#"{"a":1,"b":2,"c":{"d":3}}"#;
    const SIG: &str = "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc";

    #[test]
    fn published_vector_verifies() {
        let razorpay = Razorpay::new(SECRET).unwrap();
        assert_eq!(razorpay.sign(BODY), SIG);
        let headers = [
            ("X-Razorpay-Signature", SIG),
            ("X-Razorpay-Event-Id", "EvtIdFixed0001"),
        ];
        let delivery = razorpay.verify(&headers, BODY).unwrap();
        assert_eq!(delivery.id(), Some("EvtIdFixed0001"));
        assert_eq!(delivery.event(), None);
    }

    #[test]
    fn uppercase_hex_is_refused_as_the_sdks_refuse_it() {
        // razorpay.json "uppercase-hex": the SDKs compare strings.
        let upper = SIG.to_uppercase();
        let err = Razorpay::new(SECRET)
            .unwrap()
            .verify(&[("X-Razorpay-Signature", upper.as_str())], BODY)
            .unwrap_err();
        assert!(matches!(err, Error::MalformedHeader { .. }), "{err}");
    }
}
