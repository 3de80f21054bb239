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

use std::fmt;
use std::time::SystemTime;

use crate::delivery::Field;
use crate::encoding::{self, HexCase};
use crate::error::HeaderName;
use crate::headers;
use crate::key::Keys;
use crate::provider::{self, Outgoing};
use crate::providers::{signature_named, Form};
use crate::{Delivery, Error, Headers, Provider};

/// The default signature header, `X-Signature-256`.
pub const SIGNATURE_HEADER: &str = "x-signature-256";
/// The default signature prefix, `sha256=`.
pub const DEFAULT_PREFIX: &str = "sha256=";

const NAME: &str = "generic";

/// How the signature is written after the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// 64 hex digits, either case. The default.
    #[default]
    Hex,
    /// 44 characters of standard, padded base64.
    Base64,
}

/// Verifies and signs deliveries of a configurable HMAC-SHA256 scheme.
#[derive(Clone)]
pub struct Generic {
    keys: Keys,
    header: HeaderName,
    prefix: String,
    encoding: Encoding,
    id_header: Option<HeaderName>,
    event_header: Option<HeaderName>,
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidConfig("header name is not a valid HTTP field name"))?;
    Ok(HeaderName::shared(name))
}

impl Generic {
    /// A verifier for `X-Signature-256: sha256=<hex>` signed with `secret`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Ok(Generic {
            keys: Keys::new(secret.as_ref())?,
            header: HeaderName::from_static(SIGNATURE_HEADER),
            prefix: DEFAULT_PREFIX.to_owned(),
            encoding: Encoding::Hex,
            id_header: None,
            event_header: None,
        })
    }

    /// Also accepts deliveries signed with `secret` (secret rotation).
    /// Signing keeps using the secret given to [`Generic::new`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn with_previous(mut self, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.add_previous(secret.as_ref())?;
        Ok(self)
    }

    /// The header carrying the signature (matched case-insensitively).
    /// Defaults to `X-Signature-256`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn signature_header(mut self, name: &str) -> Result<Self, Error> {
        self.header = header_name(name)?;
        Ok(self)
    }

    /// The exact text before the encoded signature; may be empty. Defaults
    /// to `sha256=`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `prefix` has characters other than
    /// visible ASCII (it could never appear in a header value).
    pub fn prefix(mut self, prefix: &str) -> Result<Self, Error> {
        if !prefix.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidConfig("prefix must be visible ASCII"));
        }
        prefix.clone_into(&mut self.prefix);
        Ok(self)
    }

    /// How the signature is encoded. Defaults to [`Encoding::Hex`].
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// A header whose value is the delivery id ([`Delivery::id`]). Defaults
    /// to none. It is not covered by the signature.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn id_header(mut self, name: &str) -> Result<Self, Error> {
        self.id_header = Some(header_name(name)?);
        Ok(self)
    }

    /// A header whose value is the event name ([`Delivery::event`]).
    /// Defaults to none. It is not covered by the signature.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn event_header(mut self, name: &str) -> Result<Self, Error> {
        self.event_header = Some(header_name(name)?);
        Ok(self)
    }

    /// The signature header value for `body`: the prefix and the encoded
    /// MAC (lowercase hex, or padded base64).
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        let tag = self.keys.sign(&[body]);
        let encoded = match self.encoding {
            Encoding::Hex => encoding::to_hex(&tag),
            Encoding::Base64 => encoding::to_base64(&tag),
        };
        format!("{}{encoded}", self.prefix)
    }

    fn form(&self) -> Form {
        match self.encoding {
            Encoding::Hex => Form::Hex(HexCase::Any),
            Encoding::Base64 => Form::Base64,
        }
    }
}

impl fmt::Debug for Generic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generic")
            .field("secrets", &self.keys.count())
            .field("header", &self.header)
            .field("prefix", &self.prefix)
            .field("encoding", &self.encoding)
            .field("id_header", &self.id_header)
            .field("event_header", &self.event_header)
            .finish_non_exhaustive()
    }
}

impl Provider for Generic {
    fn name(&self) -> &'static str {
        NAME
    }

    fn verify_at<'a>(
        &self,
        headers: &'a dyn Headers,
        body: &'a [u8],
        _now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        let tag = signature_named(
            headers,
            self.header.as_str(),
            &self.prefix,
            self.form(),
            || self.header.clone(),
        )?;
        self.keys.verify(&[body], &[tag])?;
        let read = |name: &Option<HeaderName>| match name {
            Some(name) => Field::Value(headers::text(headers, name.as_str())),
            None => Field::Absent,
        };
        Ok(Delivery::new(NAME, body, headers)
            .with_id(read(&self.id_header))
            .with_event(read(&self.event_header)))
    }

    /// The signature header, and the configured id and event headers for
    /// the outgoing id and event.
    fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
        let mut headers = http::HeaderMap::new();
        provider::insert(
            &mut headers,
            self.header.as_str(),
            &self.sign(outgoing.body),
        )?;
        for (name, value) in [
            (&self.id_header, outgoing.id),
            (&self.event_header, outgoing.event),
        ] {
            if let (Some(name), Some(value)) = (name, value) {
                provider::insert(&mut headers, name.as_str(), value)?;
            }
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
