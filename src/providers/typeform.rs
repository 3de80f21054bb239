//! Typeform webhooks.
//!
//! Typeform signs the raw request body with HMAC-SHA256 under the
//! webhook's secret and sends `Typeform-Signature: sha256=<base64>`:
//! standard, padded base64, not hex
//! ([Secure your webhooks](https://www.typeform.com/developers/webhooks/secure-your-webhooks/)).
//!
//! **Not covered by the signature:** every header. The delivery's id and
//! type are in the signed body: [`Delivery::id`](crate::Delivery::id) is its
//! top-level `event_id` and [`Delivery::event`](crate::Delivery::event) its
//! `event_type` (`form_response`).
//!
//! **Replay defence:** none in the scheme (no signed timestamp);
//! deduplicate on [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use hooksig::{typeform::Typeform, Provider};
//!
//! let typeform = Typeform::new("typeform-secret")?;
//! let body = br#"{"event_id":"01HV","event_type":"form_response"}"#;
//! let signature = typeform.sign(body);
//! assert!(signature.starts_with("sha256="));
//! let headers = [("Typeform-Signature", signature.as_str())];
//! let delivery = typeform.verify(&headers, body)?;
//! assert_eq!(delivery.id(), Some("01HV"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `Typeform-Signature`.
pub const SIGNATURE_HEADER: &str = "typeform-signature";
/// The top-level member of the signed body read as the delivery id:
/// `event_id`.
pub const ID_FIELD: &str = "event_id";
/// The top-level member of the signed body read as the event:
/// `event_type`.
pub const EVENT_FIELD: &str = "event_type";

/// Typeform's scheme, for [`Typeform`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "typeform";
    const TYPE_NAME: &'static str = "Typeform";

    /// `Typeform-Signature: sha256=<base64>` over the raw body; id and
    /// type from the body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, "sha256="))
            .encoding(Encoding::Base64)
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Typeform webhook deliveries.
///
/// `Typeform::new(secret)`, the webhook secret as typed;
/// `.with_previous(..)` accepts an old one. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `Typeform-Signature`.
pub type Typeform = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `Typeform-Signature` value Typeform would send for `body`:
    /// `sha256=` and the padded base64 MAC.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha256={}", self.sign_mac(&[body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Provider};

    // tests/data/providers/typeform.json "basic" (gen_hmac_stdlib.py,
    // stdlib HMAC from https://www.typeform.com/developers/webhooks/secure-your-webhooks/).
    const SECRET: &str = "typeform-secret";
    const BODY: &[u8] = br#"{"event_id":"01HV0000000000000000000000","event_type":"form_response","form_response":{"form_id":"abc"}}"#;
    const SIG: &str = "sha256=g0NAOJEXQ9JMgaaDsFke9UGxJ4VxLhQJB/Nfoac+FMs=";

    #[test]
    fn recorded_vector_verifies() {
        let typeform = Typeform::new(SECRET).unwrap();
        assert_eq!(typeform.sign(BODY), SIG);
        let delivery = typeform
            .verify(&[("Typeform-Signature", SIG)], BODY)
            .unwrap();
        assert_eq!(delivery.id(), Some("01HV0000000000000000000000"));
        assert_eq!(delivery.event(), Some("form_response"));
        for value in [
            "sha256=g0NAOJEXQ9JMgaaDsFke9UGxJ4VxLhQJB/Nfoac+FMs",
            "g0NAOJEXQ9JMgaaDsFke9UGxJ4VxLhQJB/Nfoac+FMs=",
        ] {
            assert!(matches!(
                typeform.verify(&[("Typeform-Signature", value)], BODY),
                Err(Error::MalformedHeader { .. })
            ));
        }
    }
}
