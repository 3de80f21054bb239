//! Bitbucket Cloud and Data Center webhooks with a secret.
//!
//! Bitbucket signs the raw request body with HMAC-SHA256 under the
//! webhook's secret (as typed) and sends `X-Hub-Signature: sha256=<64
//! lowercase hex>`: GitHub's legacy header name with a SHA-256 value
//! ([Enhanced webhook security](https://bitbucket.org/blog/enhanced-webhook-security)).
//!
//! **Not covered by the signature:** every header, including the request
//! id `X-Request-UUID` ([`Delivery::id`](crate::Delivery::id)), the event
//! `X-Event-Key` ([`Delivery::event`](crate::Delivery::event), `repo:push`,
//! …), `X-Hook-UUID` and `X-Attempt-Number`.
//!
//! **Replay defence:** none in the scheme (no signed timestamp);
//! deduplicate on [`Delivery::id`](crate::Delivery::id).
//!
//! Data Center's "Test connection" sends the event `diagnostics:ping`,
//! which [`Delivery::is_ping`](crate::Delivery::is_ping) recognises.
//!
//! ```
//! use hooksig::{bitbucket::Bitbucket, Provider};
//!
//! let bitbucket = Bitbucket::new("bitbucket-secret")?;
//! let body = br#"{"push":{}}"#;
//! let signature = bitbucket.sign(body);
//! let headers = [
//!     ("X-Hub-Signature", signature.as_str()),
//!     ("X-Request-UUID", "3c8c0a9e-0000-4000-8000-000000000001"),
//!     ("X-Event-Key", "repo:push"),
//! ];
//! let delivery = bitbucket.verify(&headers, body)?;
//! assert_eq!(delivery.event(), Some("repo:push"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `X-Hub-Signature`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";
/// The delivery id header, `X-Request-UUID`.
pub const ID_HEADER: &str = "x-request-uuid";
/// The event header, `X-Event-Key` (`repo:push`, `pullrequest:created`, …).
pub const EVENT_HEADER: &str = "x-event-key";
/// The webhook's id header, `X-Hook-UUID`.
pub const HOOK_HEADER: &str = "x-hook-uuid";
/// The event of Data Center's "Test connection".
pub const PING_EVENT: &str = "diagnostics:ping";

/// Bitbucket's scheme, for [`Bitbucket`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "bitbucket";
    const TYPE_NAME: &'static str = "Bitbucket";

    /// `X-Hub-Signature: sha256=<lowercase hex>` over the raw body; id and
    /// event from unsigned headers.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, "sha256="))
            .encoding(Encoding::HexLower)
            .id(Id::header_static(ID_HEADER))
            .event(Id::header_static(EVENT_HEADER))
            .ping_event(PING_EVENT)
    }
}

/// Verifies and signs Bitbucket webhook deliveries.
///
/// `Bitbucket::new(secret)`, the secret as typed; `.with_previous(..)`
/// accepts an old secret while you rotate it. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `X-Hub-Signature`, `X-Request-UUID` and `X-Event-Key` (the last two
/// when the outgoing id and event are set).
pub type Bitbucket = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Hub-Signature` value Bitbucket would send for `body`:
    /// `sha256=` and 64 lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha256={}", self.sign_mac(&[body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Outgoing, Provider};

    // tests/data/providers/bitbucket.json "basic" (gen_hmac_stdlib.py,
    // stdlib HMAC from https://bitbucket.org/blog/enhanced-webhook-security).
    const SECRET: &str = "bitbucket-secret";
    const BODY: &[u8] = br#"{"push":{"changes":[{"new":{"name":"main","type":"branch"}}]},"repository":{"full_name":"team/repo"}}"#;
    const SIG: &str = "sha256=99a18ac1fe27ced75d1590f9643be2b11162d1ed5eff090629f3c73b80f9da02";

    #[test]
    fn recorded_vector_verifies_with_id_and_event() {
        let bitbucket = Bitbucket::new(SECRET).unwrap();
        assert_eq!(bitbucket.sign(BODY), SIG);
        let headers = [
            ("X-Hub-Signature", SIG),
            ("X-Request-UUID", "3c8c0a9e-0000-4000-8000-000000000001"),
            ("X-Event-Key", "repo:push"),
        ];
        let delivery = bitbucket.verify(&headers, BODY).unwrap();
        assert_eq!(delivery.id(), Some("3c8c0a9e-0000-4000-8000-000000000001"));
        assert_eq!(delivery.event(), Some("repo:push"));
        assert!(!delivery.is_ping());
        let bad = SIG.replace("sha256=", "sha1=");
        assert!(matches!(
            bitbucket.verify(&[("X-Hub-Signature", bad.as_str())], BODY),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn sign_headers_sends_what_bitbucket_sends() {
        let bitbucket = Bitbucket::new(SECRET).unwrap();
        let out = Outgoing::new(BODY).id("u-1").event(PING_EVENT);
        let headers = bitbucket.sign_headers(&out).unwrap();
        assert_eq!(headers[SIGNATURE_HEADER], SIG);
        assert_eq!(headers[ID_HEADER], "u-1");
        let delivery = bitbucket.verify(&headers, BODY).unwrap();
        assert!(delivery.is_ping());
        assert_eq!(format!("{bitbucket:?}"), "Bitbucket { secrets: 1, .. }");
    }
}
