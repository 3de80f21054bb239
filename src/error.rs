//! The error type of every verification, and the HTTP status to answer with.

use std::fmt;
use std::sync::Arc;

use http::StatusCode;

/// Why a delivery was rejected, or why a provider could not be built.
///
/// Every variant names its cause and nothing more: no message carries a
/// secret, the expected MAC, or how close a forged signature came. A failed
/// MAC comparison is always the one opaque [`Error::SignatureMismatch`].
///
/// [`Error::status`] maps each cause to the HTTP status a receiver should
/// answer with, and [`Error::kind`] to a stable machine-readable name.
///
/// ```
/// use hooksig::{github::GitHub, Provider};
///
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// let err = github
///     .verify(&[("X-Hub-Signature-256", "sha256=00")], b"Hello, World!")
///     .unwrap_err();
/// assert_eq!(err.status(), http::StatusCode::BAD_REQUEST);
/// assert_eq!(err.kind(), "malformed_header");
/// assert_eq!(
///     err.to_string(),
///     "malformed header `x-hub-signature-256`: expected 64 hex digits"
/// );
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header the scheme needs is absent.
    #[error("missing header `{0}`")]
    MissingHeader(HeaderName),

    /// A header the scheme reads appears more than once.
    ///
    /// hooksig never guesses which copy to trust: an intermediary or an
    /// attacker that adds a second signature header gets a 400.
    #[error("header `{0}` appears more than once")]
    RepeatedHeader(HeaderName),

    /// A header is present but not in the form the sender emits.
    #[error("malformed header `{name}`: {problem}")]
    MalformedHeader {
        /// The header, in lowercase.
        name: HeaderName,
        /// What is wrong with it, in words.
        problem: &'static str,
    },

    /// An unsigned GET challenge (Meta's `hub.challenge`, Dropbox's
    /// `challenge`) carries a value hooksig will not echo: empty, longer
    /// than 1024 characters, or not a plain token of visible ASCII without
    /// markup characters.
    #[error("challenge is not a token that can be echoed")]
    MalformedChallenge,

    /// The signed body lacks a field the scheme needs, or the field has the
    /// wrong type (for example Linear's top-level `webhookTimestamp`).
    ///
    /// Bodies are only ever inspected after their signature has been
    /// verified.
    #[error("malformed body: {0}")]
    MalformedBody(&'static str),

    /// The verified body does not deserialize into the requested type
    /// ([`Delivery::json`](crate::Delivery::json)).
    #[error("body does not deserialize: {0}")]
    Deserialize(String),

    /// No configured secret produced the signature the request carries.
    ///
    /// Deliberately opaque: it says nothing about which bytes differed.
    #[error("signature mismatch")]
    SignatureMismatch,

    /// The signed timestamp is older than the provider's tolerance allows.
    #[error("timestamp is older than the tolerance allows")]
    TimestampTooOld,

    /// The signed timestamp is further in the future than the provider's
    /// tolerance allows.
    #[error("timestamp is further in the future than the tolerance allows")]
    TimestampInFuture,

    /// The provider was configured with something it cannot use (an empty
    /// secret, an invalid header name, a signing input that cannot be sent).
    ///
    /// Returned when the provider is built or asked to sign, never while a
    /// request is verified.
    #[error("invalid configuration: {0}")]
    InvalidConfig(&'static str),

    /// The request body is larger than the receiver accepts (the
    /// middleware's `body_limit`). At most the limit was read.
    #[error("body is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },

    /// The request body could not be read to its end (the client went away
    /// or the transfer was cut short).
    #[error("body could not be read")]
    BodyUnreadable,

    /// No tenant (organisation, repository, …) is configured for this
    /// request.
    #[error("unknown tenant")]
    UnknownTenant,

    /// The tenant exists but its webhook is switched off.
    #[error("tenant is disabled")]
    DisabledTenant,

    /// The tenant lookup could not answer (its database is down); the
    /// sender should retry.
    #[error("tenant lookup is unavailable")]
    ResolverUnavailable,

    /// The duplicate-delivery store could not be reached, so the delivery
    /// was not processed (it is never processed without duplicate
    /// suppression); the sender should retry.
    #[error("duplicate store is unavailable")]
    StoreUnavailable,

    /// A delivery with the same id is being processed right now; the
    /// sender should retry, and the retry is answered according to how
    /// that processing ends.
    #[error("a delivery with this id is still being processed")]
    InFlight,

    /// The durable inbox could not be reached or could not write the
    /// delivery, so nothing was promised to the sender (answered 503, never
    /// a 2xx); the sender should retry.
    #[error("inbox is unavailable")]
    InboxUnavailable,

    /// The request's sender address is not in the receiver's allow-list
    /// ([`Receiver::allow_senders`](crate::receiver::Receiver::allow_senders)),
    /// or could not be known (no peer address, an `unknown` or obfuscated
    /// `Forwarded` hop). Refused before the body is read.
    #[error("sender address is not allowed")]
    SenderRefused,

    /// An allow-list or trusted-proxy entry is neither an IP address nor a
    /// CIDR network; the entry (at most its first 64 characters) is quoted.
    /// Returned when the receiver is configured, never while a request is
    /// handled.
    #[error(
        "invalid network `{0}`: expected an address such as `192.0.2.1` or `2001:db8::1`, or a network such as `192.0.2.0/24`"
    )]
    InvalidNetwork(String),
}

impl Error {
    /// The HTTP status a receiver should answer this rejection with.
    ///
    /// | cause | status |
    /// |---|---|
    /// | missing, repeated or malformed header; malformed body or challenge | 400 Bad Request |
    /// | body does not deserialize into the handler's type | 400 Bad Request |
    /// | signature mismatch; timestamp too old or in the future | 401 Unauthorized |
    /// | body unreadable | 400 Bad Request |
    /// | invalid configuration or network (a server bug, not the sender's) | 500 Internal Server Error |
    /// | body too large | 413 Payload Too Large |
    /// | unknown tenant | 404 Not Found |
    /// | disabled tenant; sender address not allowed | 403 Forbidden |
    /// | delivery with the same id in flight | 409 Conflict |
    /// | tenant lookup, duplicate store or inbox unavailable | 503 Service Unavailable |
    ///
    /// ```
    /// assert_eq!(hooksig::Error::SignatureMismatch.status(), 401);
    /// ```
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Error::MissingHeader(_)
            | Error::RepeatedHeader(_)
            | Error::MalformedHeader { .. }
            | Error::MalformedBody(_)
            | Error::MalformedChallenge
            | Error::Deserialize(_)
            | Error::BodyUnreadable => StatusCode::BAD_REQUEST,
            Error::SignatureMismatch | Error::TimestampTooOld | Error::TimestampInFuture => {
                StatusCode::UNAUTHORIZED
            }
            Error::InvalidConfig(_) | Error::InvalidNetwork(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Error::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnknownTenant => StatusCode::NOT_FOUND,
            Error::DisabledTenant | Error::SenderRefused => StatusCode::FORBIDDEN,
            Error::InFlight => StatusCode::CONFLICT,
            Error::ResolverUnavailable | Error::StoreUnavailable | Error::InboxUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    /// A stable, snake_case name for the cause, for logs, metrics and JSON
    /// error bodies (`"missing_header"`, `"signature_mismatch"`, …).
    ///
    /// ```
    /// assert_eq!(hooksig::Error::TimestampTooOld.kind(), "timestamp_too_old");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Error::MissingHeader(_) => "missing_header",
            Error::RepeatedHeader(_) => "repeated_header",
            Error::MalformedHeader { .. } => "malformed_header",
            Error::MalformedBody(_) => "malformed_body",
            Error::MalformedChallenge => "malformed_challenge",
            Error::Deserialize(_) => "deserialize",
            Error::SignatureMismatch => "signature_mismatch",
            Error::TimestampTooOld => "timestamp_too_old",
            Error::TimestampInFuture => "timestamp_in_future",
            Error::InvalidConfig(_) => "invalid_config",
            Error::BodyTooLarge { .. } => "body_too_large",
            Error::BodyUnreadable => "body_unreadable",
            Error::UnknownTenant => "unknown_tenant",
            Error::DisabledTenant => "disabled_tenant",
            Error::ResolverUnavailable => "resolver_unavailable",
            Error::StoreUnavailable => "store_unavailable",
            Error::InFlight => "in_flight",
            Error::InboxUnavailable => "inbox_unavailable",
            Error::SenderRefused => "sender_refused",
            Error::InvalidNetwork(_) => "invalid_network",
        }
    }
}

/// The name of the header an [`Error`] is about, in lowercase.
///
/// Built-in header names are static; a name configured at run time (for
/// [`Generic`](crate::generic::Generic)) is shared, so reporting it never
/// allocates.
///
/// ```
/// let err = hooksig::Error::MissingHeader(hooksig::error::HeaderName::from_static("x-signature-256"));
/// match &err {
///     hooksig::Error::MissingHeader(name) => assert_eq!(name, "x-signature-256"),
///     _ => unreachable!(),
/// }
/// ```
#[derive(Clone)]
pub struct HeaderName(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl HeaderName {
    /// Wraps a static header name. It should be lowercase: hooksig's own
    /// names are.
    #[must_use]
    pub const fn from_static(name: &'static str) -> Self {
        HeaderName(Repr::Static(name))
    }

    /// `x-signature-256`, the header of [`Scheme::HMAC_SHA256`](crate::scheme::Scheme),
    /// as a literal: a constant's fields must be literals to be replaced in
    /// a constant (`Scheme { signature: …, ..Scheme::HMAC_SHA256 }`).
    pub(crate) const X_SIGNATURE_256: HeaderName = HeaderName(Repr::Static("x-signature-256"));

    /// Wraps a name configured at run time; it is lowercased.
    pub(crate) fn shared(name: &str) -> Self {
        HeaderName(Repr::Shared(Arc::from(name.to_ascii_lowercase())))
    }

    /// The name, when it is static.
    pub(crate) fn as_static(&self) -> Option<&'static str> {
        match &self.0 {
            Repr::Static(s) => Some(s),
            Repr::Shared(_) => None,
        }
    }

    /// The name as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for HeaderName {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for HeaderName {}

impl std::hash::Hash for HeaderName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl AsRef<str> for HeaderName {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for HeaderName {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for HeaderName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_status_and_kind() {
        let name = HeaderName::from_static("x");
        let all = [
            (Error::MissingHeader(name.clone()), 400, "missing_header"),
            (Error::RepeatedHeader(name.clone()), 400, "repeated_header"),
            (
                Error::MalformedHeader { name, problem: "p" },
                400,
                "malformed_header",
            ),
            (Error::MalformedBody("b"), 400, "malformed_body"),
            (Error::MalformedChallenge, 400, "malformed_challenge"),
            (Error::Deserialize("d".into()), 400, "deserialize"),
            (Error::SignatureMismatch, 401, "signature_mismatch"),
            (Error::TimestampTooOld, 401, "timestamp_too_old"),
            (Error::TimestampInFuture, 401, "timestamp_in_future"),
            (Error::InvalidConfig("c"), 500, "invalid_config"),
            (Error::BodyTooLarge { limit: 1 }, 413, "body_too_large"),
            (Error::BodyUnreadable, 400, "body_unreadable"),
            (Error::UnknownTenant, 404, "unknown_tenant"),
            (Error::DisabledTenant, 403, "disabled_tenant"),
            (Error::ResolverUnavailable, 503, "resolver_unavailable"),
            (Error::StoreUnavailable, 503, "store_unavailable"),
            (Error::InFlight, 409, "in_flight"),
            (Error::InboxUnavailable, 503, "inbox_unavailable"),
            (Error::SenderRefused, 403, "sender_refused"),
            (Error::InvalidNetwork("x/33".into()), 500, "invalid_network"),
        ];
        for (err, status, kind) in all {
            assert_eq!(err.status(), status, "{err}");
            assert_eq!(err.kind(), kind, "{err}");
            let text = err.to_string();
            assert!(!text.ends_with('.'), "{text}");
            assert_eq!(text, text.to_lowercase(), "{text}");
        }
    }

    #[test]
    fn shared_names_are_lowercase_and_compare_with_static_ones() {
        let shared = HeaderName::shared("X-Signature-256");
        assert_eq!(shared, HeaderName::from_static("x-signature-256"));
        assert_eq!(shared, "x-signature-256");
        assert_eq!(format!("{shared:?}"), "\"x-signature-256\"");
    }
}
