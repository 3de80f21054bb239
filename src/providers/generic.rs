//! Generic HMAC-SHA256 webhooks: the scheme many platforms copy from GitHub.
//!
//! By default: `X-Signature-256: sha256=<64 hex>` over the raw body. The
//! header name, the prefix (possibly empty) and the encoding (hex or
//! standard padded base64) are configurable, as are optional headers for the
//! delivery id and event name.
//!
//! There is no one sender to follow, so hex digits are accepted in either
//! case (both spell the same bytes unambiguously) and base64 must be
//! canonical, padded, standard-alphabet. The prefix is matched exactly.
//! The signature covers only the body, so there is no replay window:
//! deduplicate on the id header if the sender sends one.
//!
//! ```
//! use hooksig::{generic::{Encoding, Generic}, Provider};
//!
//! let generic = Generic::new("secret")?
//!     .signature_header("X-Webhook-Signature")?
//!     .prefix("")?
//!     .encoding(Encoding::Base64)
//!     .id_header("X-Webhook-Id")?;
//! let sig = generic.sign(b"{}");
//! let headers = [("X-Webhook-Signature", sig.as_str()), ("X-Webhook-Id", "42")];
//! let delivery = generic.verify(&headers, b"{}")?;
//! assert_eq!(delivery.id(), Some("42"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Id, Scheme, Signature, Syntax};
use crate::Error;

pub use crate::scheme::Encoding;

/// The default signature header, `X-Signature-256`.
pub const SIGNATURE_HEADER: &str = "x-signature-256";
/// The default signature prefix, `sha256=`.
pub const DEFAULT_PREFIX: &str = "sha256=";

/// The generic marker, for [`Generic`]: a scheme of the user's own.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "generic";
    const TYPE_NAME: &'static str = "Generic";

    /// `X-Signature-256: sha256=<hex of either case>` over the raw body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
    }
}

/// Verifies and signs deliveries of a scheme of your own: by default
/// HMAC-SHA256 over the raw body in `X-Signature-256: sha256=<hex>`
/// (`Generic::new(secret)`), adjusted with the setters below, or any
/// [`Scheme`] with [`Generic::from_scheme`].
pub type Generic = Verifier<Spec>;

impl Verifier<Spec> {
    /// A verifier of `scheme`, a sender's scheme written as data (see
    /// [`crate::scheme`] for a worked example), with `secret` turned into
    /// the key as the scheme says.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty or does not decode
    /// as the scheme's key format says, or the scheme is inconsistent (it
    /// signs a timestamp it does not have, its list keys clash, it has more
    /// than 8 parts).
    pub fn from_scheme(scheme: Scheme, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Verifier::build(scheme, Spec, secret.as_ref())
    }

    /// The header carrying the signature (matched case-insensitively).
    /// Defaults to `X-Signature-256`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn signature_header(mut self, name: &str) -> Result<Self, Error> {
        let syntax = self.scheme().signature.syntax.clone();
        self.scheme_mut().signature = Signature {
            syntax,
            ..Signature::plain(name, "")?
        };
        Ok(self)
    }

    /// The exact text before the encoded signature; may be empty. Defaults
    /// to `sha256=`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `prefix` has characters other than
    /// visible ASCII (it could never appear in a header value), or the
    /// scheme's signature is not a plain value.
    pub fn prefix(mut self, prefix: &str) -> Result<Self, Error> {
        let Syntax::Plain { .. } = self.scheme().signature.syntax else {
            return Err(Error::InvalidConfig(
                "a prefix applies to a plain signature value",
            ));
        };
        let header = self.scheme().signature.header.clone();
        self.scheme_mut().signature = Signature {
            header,
            ..Signature::plain("x", prefix)?
        };
        Ok(self)
    }

    /// How the signature is encoded. Defaults to [`Encoding::Hex`] (either
    /// case).
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.scheme_mut().encoding = encoding;
        self
    }

    /// A header whose value is the delivery id
    /// ([`Delivery::id`](crate::Delivery::id)). Defaults to none. It is not
    /// covered by the signature.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn id_header(mut self, name: &str) -> Result<Self, Error> {
        self.scheme_mut().id = Id::header(name)?.0;
        Ok(self)
    }

    /// A header whose value is the event name
    /// ([`Delivery::event`](crate::Delivery::event)). Defaults to none. It
    /// is not covered by the signature.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn event_header(mut self, name: &str) -> Result<Self, Error> {
        self.scheme_mut().event = Id::header(name)?.0;
        Ok(self)
    }

    /// The signature header value for `body` under a scheme over the body
    /// alone: the prefix and the encoded MAC (lowercase hex, or base64).
    ///
    /// For a scheme of [`Generic::from_scheme`] that signs more than the
    /// body, use [`Provider::sign_headers`](crate::Provider::sign_headers),
    /// which signs whatever the scheme signs. A public-key scheme cannot
    /// sign: its signature is empty.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        let prefix = match &self.scheme().signature.syntax {
            Syntax::Plain { prefix, .. } => &**prefix,
            _ => "",
        };
        let tag = self.sign_parts(&[body]).unwrap_or_else(|_| String::new());
        format!("{prefix}{tag}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::encoding::tests as encoding;
    #[allow(unused_imports)]
    use crate::{error::HeaderName, key::tests::Keys, Delivery, Error, Outgoing, Provider};
    #[allow(unused_imports)]
    use std::time::{Duration, SystemTime};

    const SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const SECRET: &str = "It's a Secret to Everybody";
    const BODY: &[u8] = b"Hello, World!";

    #[test]
    fn default_scheme_is_githubs_under_another_name() {
        let generic = Generic::new(SECRET).unwrap();
        assert!(generic.verify(&[("X-Signature-256", SIG)], BODY).is_ok());
        assert!(generic
            .verify(
                &[(
                    "X-Signature-256",
                    SIG.to_uppercase().replace("SHA256=", "sha256=")
                )],
                BODY
            )
            .is_ok());
        let err = generic
            .verify(&[("X-Hub-Signature-256", SIG)], BODY)
            .unwrap_err();
        assert_eq!(err.to_string(), "missing header `x-signature-256`");
    }

    #[test]
    fn custom_header_errors_name_it() {
        let generic = Generic::new(SECRET)
            .unwrap()
            .signature_header("X-Custom-Sig")
            .unwrap();
        let err = generic
            .verify(&[("x-custom-sig", "nope")], BODY)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed header `x-custom-sig`: expected the `sha256=` prefix"
        );
    }

    #[test]
    fn invalid_configuration_is_an_error() {
        assert!(Generic::new("").is_err());
        assert!(Generic::new("s")
            .unwrap()
            .signature_header("bad name")
            .is_err());
        assert!(Generic::new("s").unwrap().signature_header("").is_err());
        assert!(Generic::new("s").unwrap().prefix("sha 256=").is_err());
        assert!(Generic::new("s").unwrap().id_header("x\n").is_err());
    }

    #[test]
    fn base64_round_trip_and_metadata() {
        let generic = Generic::new("s")
            .unwrap()
            .encoding(Encoding::Base64)
            .prefix("v1=")
            .unwrap()
            .event_header("X-Event")
            .unwrap();
        let headers = generic
            .sign_headers(&Outgoing::new(b"payload").event("created").id("ignored"))
            .unwrap();
        assert_eq!(headers.len(), 2);
        let delivery = generic.verify(&headers, b"payload").unwrap();
        assert_eq!(delivery.event(), Some("created"));
        assert_eq!(delivery.id(), None);
        assert_eq!(
            generic.verify(&headers, b"payloaD").unwrap_err(),
            Error::SignatureMismatch
        );
    }
}
