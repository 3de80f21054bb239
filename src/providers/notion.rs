//! Notion integration webhooks.
//!
//! Notion signs the raw request body with HMAC-SHA256 under the
//! subscription's **`verification_token`** and sends `X-Notion-Signature:
//! sha256=<64 lowercase hex>`
//! ([Webhooks](https://developers.notion.com/reference/v2-webhooks)).
//!
//! **Not covered by the signature:** every header. The event's id and
//! type are in the signed body: [`Delivery::id`](crate::Delivery::id) is its
//! top-level `id` and [`Delivery::event`](crate::Delivery::event) its `type`
//! (`page.created`, …).
//!
//! **Replay defence:** none in the scheme (no signed timestamp; the
//! body's `timestamp` is signed but not checked); deduplicate on
//! [`Delivery::id`](crate::Delivery::id).
//!
//! **Handshake:** when you create the subscription, Notion sends one
//! **unsigned** POST, `{"verification_token":"secret_…"}`. You paste that
//! token into Notion's UI to activate the subscription, and configure it
//! as the secret of [`Notion::new`]. Nothing authenticates that POST: anyone
//! can send one. [`verification_token`] reads the token so you can show it
//! to an operator (log it, or display it), but hooksig never treats it as
//! a secret or as proof of anything, and [`Notion`] itself rejects the
//! POST (it has no signature): behind the middleware it is a 400 and never
//! reaches your handler. While you create the subscription, read the token
//! where the request arrives before the middleware (or from your access
//! log), then configure it; it is the signing key from then on, so treat
//! what you log accordingly.
//!
//! ```
//! use hooksig::{notion::{self, Notion}, Provider};
//!
//! // The one-time verification POST: surface the token, trust nothing.
//! let headers = [("Content-Type", "application/json")];
//! let body = br#"{"verification_token":"secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"}"#;
//! let token = notion::verification_token(&headers, body).expect("the verification POST");
//!
//! // After the operator has pasted it into Notion, it is the signing key.
//! let notion = Notion::new(token)?;
//! let event = br#"{"id":"367cba44","type":"page.created"}"#;
//! let signature = notion.sign(event);
//! let headers = [("X-Notion-Signature", signature.as_str())];
//! let delivery = notion.verify(&headers, event)?;
//! assert_eq!(delivery.event(), Some("page.created"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::headers::{Headers, Lookup};
use crate::json;
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `X-Notion-Signature`.
pub const SIGNATURE_HEADER: &str = "x-notion-signature";
/// The top-level member of the signed body read as the delivery id: `id`.
pub const ID_FIELD: &str = "id";
/// The top-level member of the signed body read as the event: `type`.
pub const EVENT_FIELD: &str = "type";
/// The top-level member of the unsigned verification POST:
/// `verification_token`.
pub const VERIFICATION_TOKEN_FIELD: &str = "verification_token";

/// Notion's scheme, for [`Notion`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "notion";
    const TYPE_NAME: &'static str = "Notion";

    /// `X-Notion-Signature: sha256=<lowercase hex>` over the raw body; id
    /// and type from the body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, "sha256="))
            .encoding(Encoding::HexLower)
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Notion webhook deliveries.
///
/// `Notion::new(verification_token)`, the token of the subscription's
/// verification POST (see [`verification_token`]); `.with_previous(..)`
/// accepts an old one while a subscription is re-created. No signed
/// timestamp, so [`Verifier::tolerance`] has no effect. `sign_headers`
/// sends `X-Notion-Signature`.
pub type Notion = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Notion-Signature` value Notion would send for `body`:
    /// `sha256=` and 64 lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha256={}", self.sign_mac(&[body]))
    }
}

/// The `verification_token` of Notion's one-time, **unsigned**
/// verification POST, for showing to an operator: `Some` only when the
/// request carries no `X-Notion-Signature` and the body is a JSON object
/// with exactly one top-level `verification_token` string (non-empty, no
/// escapes).
///
/// Nothing authenticates this request; anyone who knows your URL can send
/// one. Never configure the value automatically, never treat a request
/// carrying one as verified, and answer it with a plain `200` and no
/// further processing. It allocates nothing.
#[must_use]
pub fn verification_token<'a>(headers: &dyn Headers, body: &'a [u8]) -> Option<&'a str> {
    if headers.lookup(SIGNATURE_HEADER) != Lookup::Missing {
        return None;
    }
    match json::top_level(body, &[(VERIFICATION_TOKEN_FIELD, json::Kind::Str)]) {
        Ok([json::Value::Str(token)]) if !token.is_empty() => Some(token),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Provider};

    // tests/data/providers/notion.json "basic" (gen_hmac_stdlib.py, stdlib
    // HMAC from https://developers.notion.com/reference/v2-webhooks).
    const SECRET: &str = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
    const BODY: &[u8] = br#"{"id":"367cba44-b6f3-4c92-81e7-6a2e9659efd4","timestamp":"2026-01-01T00:00:00.000Z","workspace_id":"13950b26-c203-4f3b-b97d-93ec06319565","subscription_id":"29d75c0d-5546-4414-8459-7b7a92f1fc4b","integration_id":"0ef2e755-4912-8096-91c1-00376a88a5ca","type":"page.created","entity":{"id":"153104cd-477e-809d-8dc4-ff2d96ae3090","type":"page"},"api_version":"2022-06-28"}"#;
    const SIG: &str = "sha256=41c06dd7c1ea73e08882986b43a8989b66894dab51028d8e2da663875ba36f8b";

    #[test]
    fn recorded_vector_verifies() {
        let notion = Notion::new(SECRET).unwrap();
        assert_eq!(notion.sign(BODY), SIG);
        let delivery = notion.verify(&[("X-Notion-Signature", SIG)], BODY).unwrap();
        assert_eq!(delivery.id(), Some("367cba44-b6f3-4c92-81e7-6a2e9659efd4"));
        assert_eq!(delivery.event(), Some("page.created"));
    }

    #[test]
    fn verification_post_is_surfaced_never_trusted() {
        // tests/data/providers/notion.json "handshake-verification-token-post".
        let body =
            br#"{"verification_token":"secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"}"#;
        let plain = [("Content-Type", "application/json")];
        assert_eq!(verification_token(&plain, body), Some(SECRET));
        // The verifier rejects it: it carries no signature.
        let err = Notion::new(SECRET)
            .unwrap()
            .verify(&plain, body)
            .unwrap_err();
        assert!(matches!(err, Error::MissingHeader(_)), "{err}");
        // A signed request is never a verification POST.
        assert_eq!(
            verification_token(&[("X-Notion-Signature", SIG)], body),
            None
        );
        for other in [
            &br#"{"verification_token":""}"#[..],
            br#"{"verification_token":1}"#,
            br#"{"verification_token":"a","verification_token":"b"}"#,
            br#"{"data":{"verification_token":"a"}}"#,
            b"verification_token=a",
            b"",
        ] {
            assert_eq!(verification_token(&plain, other), None);
        }
    }
}
