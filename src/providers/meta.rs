//! Meta webhooks: Facebook, Instagram, Messenger and the WhatsApp Cloud API.
//!
//! Meta signs the raw request body with HMAC-SHA256 under the app's **App
//! Secret** and sends `X-Hub-Signature-256: sha256=<64 lowercase hex>`
//! ([Getting started with webhooks](https://developers.facebook.com/docs/graph-api/webhooks/getting-started),
//! [WhatsApp: create a webhook endpoint](https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint)).
//! The bytes are signed exactly as sent; Meta escapes non-ASCII text as
//! `\uXXXX` in the body, and hooksig verifies the escaped bytes, never a
//! re-encoded form. The legacy `X-Hub-Signature: sha1=` that Meta also
//! sends is never read: SHA-1 is no fallback for a sender that signs with
//! SHA-256.
//!
//! **Not covered by the signature:** every header. Meta sends no delivery
//! id, so [`Delivery::id`](crate::Delivery::id) is `None`;
//! [`Delivery::event`](crate::Delivery::event) is the signed body's
//! top-level `object` (`page`, `instagram`, `whatsapp_business_account`),
//! the kind of object the notification is about.
//!
//! **Replay defence:** none in the scheme. Meta signs no timestamp, so a
//! captured delivery verifies again; keep handlers idempotent (each
//! `entry` carries its own `id` and `time`).
//!
//! **Handshake:** when you subscribe, Meta sends an unsigned
//! `GET ?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<yours>`.
//! Configure the verify token with [`Meta::verify_token`] and
//! [`Provider::challenge`](crate::Provider::challenge) answers `200
//! text/plain` with the challenge when the token matches (compared in
//! constant time), and refuses otherwise. Without a verify token nothing
//! is ever echoed.
//!
//! ```
//! use hooksig::{meta::Meta, Incoming, Provider};
//!
//! let meta = Meta::new("app-secret")?.verify_token("my-verify-token");
//! let body = br#"{"object":"page","entry":[]}"#;
//! let signature = meta.sign(body);
//! let headers = [("X-Hub-Signature-256", signature.as_str())];
//! let delivery = meta.verify(&headers, body)?;
//! assert_eq!(delivery.event(), Some("page"));
//!
//! let headers: [(&str, &str); 0] = [];
//! let get = Incoming::new(&headers, b"").method("GET").url(
//!     "https://example.com/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token",
//! );
//! let reply = meta.challenge(&get).expect("a challenge")?;
//! assert_eq!(reply.body(), b"1158201444");
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Challenge, Encoding, Id, Scheme, Signature};

/// The signature header, `X-Hub-Signature-256`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// The top-level member of the signed body read as the event:
/// `object`.
pub const EVENT_FIELD: &str = "object";
/// The query parameter Meta asks to be echoed, `hub.challenge`.
pub const CHALLENGE_PARAM: &str = "hub.challenge";
/// The query parameter carrying your verify token, `hub.verify_token`.
pub const VERIFY_TOKEN_PARAM: &str = "hub.verify_token";
/// The query parameter that must be `subscribe`, `hub.mode`.
pub const MODE_PARAM: &str = "hub.mode";

/// Meta's scheme, for [`Meta`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "meta";
    const TYPE_NAME: &'static str = "Meta";

    /// `X-Hub-Signature-256: sha256=<lowercase hex>` over the raw body;
    /// event from the body's `object`.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, "sha256="))
            .encoding(Encoding::HexLower)
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Meta (Facebook, Instagram, Messenger, WhatsApp)
/// webhook deliveries.
///
/// `Meta::new(app_secret)`, the App Secret as shown in the app dashboard
/// (used as typed); `.verify_token(..)` enables the subscription GET
/// challenge; `.with_previous(..)` accepts an old App Secret during a
/// reset. Meta signs no timestamp, so [`Verifier::tolerance`] has no
/// effect. `sign_headers` sends `X-Hub-Signature-256`.
pub type Meta = Verifier<Spec>;

impl Verifier<Spec> {
    /// Answers Meta's subscription GET
    /// (`hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<n>`)
    /// through [`Provider::challenge`](crate::Provider::challenge) when
    /// `hub.verify_token` equals `token` (compared in constant time).
    /// Defaults to no challenge: nothing is echoed. An empty `token`
    /// leaves the challenge off, since it would match a request that
    /// carries none.
    pub fn verify_token(mut self, token: &str) -> Self {
        self.scheme_mut().challenge = (!token.is_empty()).then(|| {
            Challenge::query(CHALLENGE_PARAM)
                .expect(MODE_PARAM, "subscribe")
                .expect(VERIFY_TOKEN_PARAM, token)
        });
        self
    }

    /// The `X-Hub-Signature-256` value Meta would send for `body`:
    /// `sha256=` and 64 lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        format!("sha256={}", self.sign_mac(&[body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Incoming, Provider};

    // tests/data/providers/meta.json "basic" (gen_hmac_stdlib.py, stdlib
    // HMAC from https://developers.facebook.com/docs/graph-api/webhooks/getting-started).
    const SECRET: &str = "meta_app_secret_0123456789abcdef";
    const BODY: &[u8] = br#"{"object":"page","entry":[{"id":"1234567890","time":1767225600,"changes":[{"field":"feed","value":{"item":"status","verb":"add"}}]}]}"#;
    const SIG: &str = "sha256=121317fc4955185d83efbbf5950a34954957fd5a9142e3eec40c609f63fc45fa";

    fn verify(value: &str, body: &[u8]) -> Result<(), Error> {
        Meta::new(SECRET)?
            .verify(&[("X-Hub-Signature-256", value)], body)
            .map(|_| ())
    }

    #[test]
    fn recorded_vector_verifies_and_signs() {
        assert_eq!(verify(SIG, BODY), Ok(()));
        assert_eq!(Meta::new(SECRET).unwrap().sign(BODY), SIG);
        let mut tampered = BODY.to_vec();
        tampered[10] ^= 1;
        assert_eq!(verify(SIG, &tampered), Err(Error::SignatureMismatch));
        for value in [
            SIG.to_uppercase(),
            SIG.replace("sha256=", ""),
            "sha1=00".into(),
        ] {
            assert!(matches!(
                verify(&value, BODY),
                Err(Error::MalformedHeader { .. })
            ));
        }
    }

    #[test]
    fn event_is_the_body_object_and_there_is_no_id() {
        let meta = Meta::new(SECRET).unwrap();
        let delivery = meta.verify(&[("X-Hub-Signature-256", SIG)], BODY).unwrap();
        assert_eq!((delivery.id(), delivery.event()), (None, Some("page")));
    }

    fn get(url: &str) -> Option<Result<crate::Reply, Error>> {
        let headers: [(&str, &str); 0] = [];
        let meta = Meta::new(SECRET).unwrap().verify_token("my-verify-token");
        meta.challenge(&Incoming::new(&headers, b"").method("GET").url(url))
    }

    #[test]
    fn subscription_challenge() {
        // tests/data/providers/meta.json "handshake-subscribe" and
        // "handshake-wrong-verify-token".
        let ok = "https://example.com/meta/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token";
        let reply = get(ok).unwrap().unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.body(), b"1158201444");
        assert_eq!(reply.content_type(), Some("text/plain"));
        let wrong = ok.replace("=my-verify-token", "=wrong");
        assert_eq!(get(&wrong).unwrap(), Err(Error::SignatureMismatch));
        let mode = ok.replace("subscribe", "unsubscribe");
        assert!(get(&mode).unwrap().is_err());
        // Not configured: never echoed.
        let headers: [(&str, &str); 0] = [];
        let incoming = Incoming::new(&headers, b"").method("GET").url(ok);
        assert!(Meta::new(SECRET).unwrap().challenge(&incoming).is_none());
        let empty = Meta::new(SECRET).unwrap().verify_token("");
        assert!(empty.challenge(&incoming).is_none());
    }

    #[test]
    fn debug_is_redacted() {
        let meta = Meta::new(SECRET).unwrap().verify_token("my-verify-token");
        let debug = format!("{meta:?}");
        assert_eq!(debug, "Meta { secrets: 1, .. }");
    }
}
