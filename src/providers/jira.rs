//! Jira Cloud webhooks registered with a secret (admin webhooks).
//!
//! Jira signs the raw request body with HMAC-SHA256 under the secret you
//! typed when registering the webhook, following WebSub's
//! `method=signature`, and sends `X-Hub-Signature: sha256=<64 lowercase
//! hex>` ([Jira Cloud webhooks](https://developer.atlassian.com/cloud/jira/platform/webhooks/)).
//! Note the header name: `X-Hub-Signature` without GitHub's `-256`
//! suffix, carrying a `sha256=` value. (Jira's OAuth and Connect app
//! webhooks use a JWT in `Authorization` instead, which this type does not
//! verify.)
//!
//! **Not covered by the signature:** every header, including the id
//! `X-Atlassian-Webhook-Identifier` ([`Delivery::id`](crate::Delivery::id);
//! Atlassian keeps it across retries) and `X-Atlassian-Webhook-Retry`.
//! [`Delivery::event`](crate::Delivery::event) is the signed body's
//! top-level `webhookEvent` (`jira:issue_created`, …).
//!
//! **Replay defence:** none in the scheme (no signed timestamp);
//! deduplicate on [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use hooksig::{jira::Jira, Provider};
//!
//! let jira = Jira::new("jira-webhook-secret")?;
//! let body = br#"{"webhookEvent":"jira:issue_created"}"#;
//! let signature = jira.sign(body);
//! let headers = [
//!     ("X-Hub-Signature", signature.as_str()),
//!     ("X-Atlassian-Webhook-Identifier", "1234567890"),
//! ];
//! let delivery = jira.verify(&headers, body)?;
//! assert_eq!(delivery.id(), Some("1234567890"));
//! assert_eq!(delivery.event(), Some("jira:issue_created"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `X-Hub-Signature`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";
/// The delivery id header, `X-Atlassian-Webhook-Identifier`.
pub const ID_HEADER: &str = "x-atlassian-webhook-identifier";
/// The retry counter header, `X-Atlassian-Webhook-Retry`.
pub const RETRY_HEADER: &str = "x-atlassian-webhook-retry";
/// The top-level member of the signed body read as the event:
/// `webhookEvent`.
pub const EVENT_FIELD: &str = "webhookEvent";

/// Jira's scheme, for [`Jira`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "jira";
    const TYPE_NAME: &'static str = "Jira";

    /// `X-Hub-Signature: sha256=<lowercase hex>` over the raw body; id
    /// from `X-Atlassian-Webhook-Identifier`, event from the body's
    /// `webhookEvent`.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, "sha256="))
            .encoding(Encoding::HexLower)
            .id(Id::header_static(ID_HEADER))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Jira Cloud webhook deliveries.
///
/// `Jira::new(secret)`, the secret as typed; `.with_previous(..)` accepts
/// an old secret while you rotate it. Jira signs no timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `X-Hub-Signature` and, when given, the id header.
pub type Jira = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Hub-Signature` value Jira would send for `body`: `sha256=`
    /// and 64 lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha256={}", self.sign_mac(&[body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Outgoing, Provider};

    // tests/data/providers/jira.json "basic" (gen_hmac_stdlib.py, stdlib
    // HMAC from https://developer.atlassian.com/cloud/jira/platform/webhooks/).
    const SECRET: &str = "jira-webhook-secret";
    const BODY: &[u8] = br#"{"timestamp":1767225600000,"webhookEvent":"jira:issue_created","issue":{"id":"10001","key":"HS-1"}}"#;
    const SIG: &str = "sha256=5f77932d84caa7763ffd6774f60d2fa4c5f46b114df73f0291ebfd974d008751";

    #[test]
    fn recorded_vector_verifies_with_id_and_event() {
        let jira = Jira::new(SECRET).unwrap();
        assert_eq!(jira.sign(BODY), SIG);
        let headers = [
            ("X-Hub-Signature", SIG),
            ("X-Atlassian-Webhook-Identifier", "1234567890"),
        ];
        let delivery = jira.verify(&headers, BODY).unwrap();
        assert_eq!(delivery.id(), Some("1234567890"));
        assert_eq!(delivery.event(), Some("jira:issue_created"));
        assert_eq!(
            jira.verify(&headers, &BODY[1..]).unwrap_err(),
            Error::SignatureMismatch
        );
        // GitHub's header is not Jira's.
        assert!(matches!(
            jira.verify(&[("X-Hub-Signature-256", SIG)], BODY),
            Err(Error::MissingHeader(_))
        ));
    }

    #[test]
    fn sign_headers_round_trip_and_debug() {
        let jira = Jira::new(SECRET).unwrap().with_previous("old").unwrap();
        let headers = Jira::new("old")
            .unwrap()
            .sign_headers(&Outgoing::new(BODY).id("42"))
            .unwrap();
        assert_eq!(jira.verify(&headers, BODY).unwrap().id(), Some("42"));
        assert_eq!(format!("{jira:?}"), "Jira { secrets: 2, .. }");
    }
}
