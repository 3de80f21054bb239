//! Vercel webhooks (feature `sha1`).
//!
//! Vercel signs the raw request body with **HMAC-SHA1** under the
//! webhook's secret (or, for an integration, its Client Secret) and sends
//! 40 lowercase hex digits in `x-vercel-signature`
//! ([Securing webhooks](https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks)).
//! SHA-1 is accepted here only because Vercel offers nothing stronger;
//! HMAC-SHA1 remains a sound MAC.
//!
//! **Not covered by the signature:** every header. The event's id and type
//! are in the signed body: [`Delivery::id`](crate::Delivery::id) is its
//! top-level `id` and [`Delivery::event`](crate::Delivery::event) its
//! `type` (`deployment.succeeded`, …).
//!
//! **Replay defence:** none in the scheme (no signed timestamp; the body's
//! `createdAt` is signed but not checked); deduplicate on
//! [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use hooksig::{vercel::Vercel, Provider};
//!
//! let vercel = Vercel::new("vercel-webhook-secret")?;
//! let body = br#"{"id":"evt_1","type":"deployment.succeeded"}"#;
//! let signature = vercel.sign(body);
//! let headers = [("x-vercel-signature", signature.as_str())];
//! let delivery = vercel.verify(&headers, body)?;
//! assert_eq!(delivery.id(), Some("evt_1"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Algorithm, Encoding, Id, Scheme, Signature};

/// The signature header, `x-vercel-signature`.
pub const SIGNATURE_HEADER: &str = "x-vercel-signature";
/// The top-level member of the signed body read as the delivery id: `id`.
pub const ID_FIELD: &str = "id";
/// The top-level member of the signed body read as the event: `type`.
pub const EVENT_FIELD: &str = "type";

/// Vercel's scheme, for [`Vercel`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "vercel";
    const TYPE_NAME: &'static str = "Vercel";

    /// `x-vercel-signature: <40 lowercase hex>` (HMAC-SHA1) over the raw
    /// body; id and type from the body.
    fn scheme() -> Scheme {
        Scheme::new(Algorithm::HmacSha1)
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Vercel webhook deliveries (HMAC-SHA1, feature
/// `sha1`).
///
/// `Vercel::new(secret)`, the webhook secret or integration Client Secret
/// as shown; `.with_previous(..)` accepts an old one. No signed timestamp,
/// so [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `x-vercel-signature`.
pub type Vercel = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `x-vercel-signature` value Vercel would send for `body`: 40
    /// lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        self.sign_mac(&[body])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;

    // tests/data/providers/vercel.json "basic" (gen_hmac_stdlib.py, stdlib
    // HMAC from https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks).
    const SECRET: &str = "vercel-webhook-secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"deployment.succeeded","createdAt":1767225600000,"payload":{"deployment":{"id":"dpl_1"}}}"#;
    const SIG: &str = "293fec88f50f1996dcbb8d8c020c25f08eddb399";

    #[test]
    fn recorded_vector_verifies() {
        let vercel = Vercel::new(SECRET).unwrap();
        assert_eq!(vercel.sign(BODY), SIG);
        let delivery = vercel.verify(&[("x-vercel-signature", SIG)], BODY).unwrap();
        assert_eq!(delivery.id(), Some("evt_1"));
        assert_eq!(delivery.event(), Some("deployment.succeeded"));
        assert!(vercel
            .verify(&[("x-vercel-signature", SIG)], &BODY[..BODY.len() - 1])
            .is_err());
    }
}
