//! Dropbox webhooks.
//!
//! Dropbox signs the raw request body with HMAC-SHA256 under the app
//! secret and sends the bare lowercase hex in `X-Dropbox-Signature`
//! ([Webhooks](https://www.dropbox.com/developers/reference/webhooks)).
//!
//! **Not covered by the signature:** every header. A notification only
//! lists the accounts that changed (`{"list_folder":{"accounts":[…]}}`);
//! fetch the changes with the API. Dropbox sends no delivery id or event,
//! so [`Delivery::id`](crate::Delivery::id) and
//! [`Delivery::event`](crate::Delivery::event) are `None`.
//!
//! **Replay defence:** none in the scheme (no signed timestamp). A
//! replayed notification only prompts you to fetch changes again, which is
//! idempotent by design.
//!
//! **Handshake:** when you register the URL, Dropbox sends an unsigned
//! `GET ?challenge=<value>` and expects the value back.
//! [`Provider::challenge`](crate::Provider::challenge) answers it: `200`,
//! `Content-Type: text/plain`, `X-Content-Type-Options: nosniff`, and the
//! value only when it is a plain token (never markup).
//!
//! ```
//! use hooksig::{dropbox::Dropbox, Incoming, Provider};
//!
//! let dropbox = Dropbox::new("the_secret")?;
//! let headers: [(&str, &str); 0] = [];
//! let get = Incoming::new(&headers, b"")
//!     .method("GET")
//!     .url("https://example.com/dropbox/webhook?challenge=abc123");
//! let reply = dropbox.challenge(&get).expect("a challenge")?;
//! assert_eq!(reply.body(), b"abc123");
//! assert_eq!(reply.headers(), &[("x-content-type-options", "nosniff")]);
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Challenge, Encoding, Scheme, Signature};

/// The signature header, `X-Dropbox-Signature`.
pub const SIGNATURE_HEADER: &str = "x-dropbox-signature";
/// The query parameter of the GET challenge, `challenge`.
pub const CHALLENGE_PARAM: &str = "challenge";

/// Dropbox's scheme, for [`Dropbox`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "dropbox";
    const TYPE_NAME: &'static str = "Dropbox";

    /// `X-Dropbox-Signature: <lowercase hex>` over the raw body; GET
    /// `?challenge=` echoed.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
            .challenge(Challenge::query(CHALLENGE_PARAM))
    }
}

/// Verifies and signs Dropbox webhook notifications, and answers Dropbox's
/// GET challenge.
///
/// `Dropbox::new(app_secret)`, the app secret as shown in the App Console;
/// `.with_previous(..)` accepts an old one. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `X-Dropbox-Signature`.
pub type Dropbox = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Dropbox-Signature` value Dropbox would send for `body`: 64
    /// lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        self.sign_mac(&[body])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Incoming, Provider};

    // Third-party vector (hapi-dropbox-webhooks test; Dropbox publishes
    // none), tests/data/providers/published.json "dropbox/third-party".
    const SECRET: &str = "the_secret";
    const BODY: &[u8] = br#"{"delta": {"users": [12345]}}"#;
    const SIG: &str = "0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529";

    #[test]
    fn third_party_vector_verifies() {
        let dropbox = Dropbox::new(SECRET).unwrap();
        assert_eq!(dropbox.sign(BODY), SIG);
        let delivery = dropbox
            .verify(&[("X-Dropbox-Signature", SIG)], BODY)
            .unwrap();
        assert_eq!((delivery.id(), delivery.event()), (None, None));
    }

    fn challenge(url: &str, method: &str) -> Option<Result<crate::Reply, Error>> {
        let headers: [(&str, &str); 0] = [];
        let incoming = Incoming::new(&headers, b"").method(method).url(url);
        Dropbox::new(SECRET).unwrap().challenge(&incoming)
    }

    #[test]
    fn get_challenge_is_echoed_safely() {
        // tests/data/providers/dropbox.json "handshake-challenge".
        let reply = challenge(
            "https://example.com/dropbox/webhook?challenge=abc123",
            "GET",
        )
        .unwrap()
        .unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.content_type(), Some("text/plain"));
        assert_eq!(reply.body(), b"abc123");
        assert_eq!(
            challenge("https://e.com/?challenge=%3Cscript%3E", "GET").unwrap(),
            Err(Error::MalformedChallenge)
        );
        assert!(challenge("https://e.com/?challenge=abc", "POST").is_none());
        assert!(challenge("https://e.com/?other=abc", "GET").is_none());
    }
}
