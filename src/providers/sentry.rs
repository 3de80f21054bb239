//! Sentry integration-platform webhooks.
//!
//! Sentry signs the JSON request body with HMAC-SHA256 under the
//! integration's **Client Secret** and sends the bare lowercase hex in
//! `Sentry-Hook-Signature`
//! ([Webhooks](https://docs.sentry.io/integrations/integration-platform/webhooks/)).
//! hooksig verifies the raw bytes as received.
//!
//! **Not covered by the signature:** every header, including the request
//! id `Request-ID` ([`Delivery::id`](crate::Delivery::id)), the resource
//! `Sentry-Hook-Resource` ([`Delivery::event`](crate::Delivery::event):
//! `installation`, `event_alert`, `issue`, `metric_alert`, `error`,
//! `comment`) and **`Sentry-Hook-Timestamp`**, which Sentry sends but does
//! not sign.
//!
//! **Replay defence:** none. `Sentry-Hook-Timestamp` is unsigned, so
//! hooksig does not check it (an attacker could set it freely); deduplicate
//! on [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use hooksig::{sentry::Sentry, Provider};
//!
//! let sentry = Sentry::new("sentry-client-secret")?;
//! let body = br#"{"action":"created","data":{}}"#;
//! let signature = sentry.sign(body);
//! let headers = [
//!     ("Sentry-Hook-Signature", signature.as_str()),
//!     ("Request-ID", "c1d2e3f4"),
//!     ("Sentry-Hook-Resource", "issue"),
//! ];
//! let delivery = sentry.verify(&headers, body)?;
//! assert_eq!((delivery.id(), delivery.event()), (Some("c1d2e3f4"), Some("issue")));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `Sentry-Hook-Signature`.
pub const SIGNATURE_HEADER: &str = "sentry-hook-signature";
/// The delivery id header, `Request-ID`.
pub const ID_HEADER: &str = "request-id";
/// The resource header, `Sentry-Hook-Resource`.
pub const EVENT_HEADER: &str = "sentry-hook-resource";
/// The **unsigned** timestamp header, `Sentry-Hook-Timestamp`.
pub const TIMESTAMP_HEADER: &str = "sentry-hook-timestamp";

/// Sentry's scheme, for [`Sentry`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "sentry";
    const TYPE_NAME: &'static str = "Sentry";

    /// `Sentry-Hook-Signature: <lowercase hex>` over the raw body; id and
    /// resource from unsigned headers.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
            .id(Id::header_static(ID_HEADER))
            .event(Id::header_static(EVENT_HEADER))
    }
}

/// Verifies and signs Sentry integration-platform webhook deliveries.
///
/// `Sentry::new(client_secret)`, the integration's Client Secret as shown;
/// `.with_previous(..)` accepts an old one. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `Sentry-Hook-Signature` and, when given, `Request-ID` and
/// `Sentry-Hook-Resource`.
pub type Sentry = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `Sentry-Hook-Signature` value Sentry would send for `body`: 64
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

    // tests/data/providers/sentry.json "basic" (gen_hmac_stdlib.py, stdlib
    // HMAC from https://docs.sentry.io/integrations/integration-platform/webhooks/).
    const SECRET: &str = "sentry-client-secret";
    const BODY: &[u8] = br#"{"action":"created","installation":{"uuid":"a8e5d37a-0000-4000-8000-000000000001"},"data":{"issue":{"id":"1"}},"actor":{"type":"application","id":"sentry","name":"Sentry"}}"#;
    const SIG: &str = "59612179b1fd575e2d3f9bd823df8a93faf55f2a17795e7a8b7672097857ebe3";

    #[test]
    fn recorded_vector_verifies_and_the_timestamp_is_not_read() {
        let sentry = Sentry::new(SECRET).unwrap();
        assert_eq!(sentry.sign(BODY), SIG);
        let headers = [
            ("Sentry-Hook-Signature", SIG),
            ("Request-ID", "c1d2e3f4-0000-4000-8000-000000000003"),
            ("Sentry-Hook-Resource", "issue"),
            ("Sentry-Hook-Timestamp", "0"),
        ];
        let delivery = sentry.verify(&headers, BODY).unwrap();
        assert_eq!(delivery.id(), Some("c1d2e3f4-0000-4000-8000-000000000003"));
        assert_eq!(delivery.event(), Some("issue"));
        assert_eq!(delivery.timestamp(), None);
        let signed = sentry
            .sign_headers(&Outgoing::new(BODY).id("r-1").event("issue"))
            .unwrap();
        assert_eq!(signed[ID_HEADER], "r-1");
        assert_eq!(signed[EVENT_HEADER], "issue");
    }
}
