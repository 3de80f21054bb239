//! Paystack webhooks (feature `sha512`).
//!
//! Paystack signs the raw request body with **HMAC-SHA512** under your
//! **secret API key** (`sk_live_…` or `sk_test_…`, as typed) and sends 128
//! lowercase hex digits in `x-paystack-signature`
//! ([Webhooks](https://paystack.com/docs/payments/webhooks/)).
//!
//! **Not covered by the signature:** every header. Paystack sends no
//! delivery id header; [`Delivery::event`](crate::Delivery::event) is the
//! signed body's top-level `event` (`charge.success`, …) and
//! [`Delivery::id`](crate::Delivery::id) is `None` (the transaction's
//! `data.reference` is nested; read it from [`Delivery::json`](crate::Delivery::json)).
//!
//! **Replay defence:** none in the scheme (no signed timestamp). Paystack
//! also advises allow-listing its sender IPs; keep handlers idempotent on
//! the transaction reference.
//!
//! ```
//! use hooksig::{paystack::Paystack, Provider};
//!
//! let paystack = Paystack::new("sk_test_xxx")?;
//! let body = br#"{"event":"charge.success","data":{"reference":"r1"}}"#;
//! let signature = paystack.sign(body);
//! let headers = [("x-paystack-signature", signature.as_str())];
//! let delivery = paystack.verify(&headers, body)?;
//! assert_eq!(delivery.event(), Some("charge.success"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Algorithm, Encoding, Id, Scheme, Signature};

/// The signature header, `x-paystack-signature`.
pub const SIGNATURE_HEADER: &str = "x-paystack-signature";
/// The top-level member of the signed body read as the event: `event`.
pub const EVENT_FIELD: &str = "event";

/// Paystack's scheme, for [`Paystack`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "paystack";
    const TYPE_NAME: &'static str = "Paystack";

    /// `x-paystack-signature: <128 lowercase hex>` (HMAC-SHA512) over the
    /// raw body; event from the body's `event`.
    fn scheme() -> Scheme {
        Scheme::new(Algorithm::HmacSha512)
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Paystack webhook deliveries (HMAC-SHA512, feature
/// `sha512`).
///
/// `Paystack::new(secret_key)`, your secret API key as shown;
/// `.with_previous(..)` accepts the old key after you roll it. No signed
/// timestamp, so [`Verifier::tolerance`] has no effect. `sign_headers`
/// sends `x-paystack-signature`.
pub type Paystack = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `x-paystack-signature` value Paystack would send for `body`: 128
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

    // tests/data/providers/paystack.json "basic" (gen_hmac_stdlib.py, stdlib
    // HMAC from https://paystack.com/docs/payments/webhooks/).
    const SECRET: &str = "sk_test_0000000000000000000000000000000000000000";
    const BODY: &[u8] = br#"{"event":"charge.success","data":{"id":302961,"reference":"qTPrJoy9Bx","amount":10000,"currency":"NGN"}}"#;
    const SIG: &str = "2fec535f221f5e9f7379629aed25e908b160fce78a156a2209e6452b447466cf63c6490d4291549a0ff19b2bdad3bb57580372ba9f5630800d56d14b822958f0";

    #[test]
    fn recorded_vector_verifies() {
        let paystack = Paystack::new(SECRET).unwrap();
        assert_eq!(paystack.sign(BODY), SIG);
        let delivery = paystack
            .verify(&[("x-paystack-signature", SIG)], BODY)
            .unwrap();
        assert_eq!(delivery.event(), Some("charge.success"));
        // A SHA-256-length signature is malformed, never compared.
        let short = &SIG[..64];
        assert!(matches!(
            paystack.verify(&[("x-paystack-signature", short)], BODY),
            Err(Error::MalformedHeader { .. })
        ));
    }
}
