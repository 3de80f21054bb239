//! A webhook signature scheme as a value: which headers carry the
//! signature and in what syntax, how it is encoded, which MAC or signature
//! algorithm made it, which bytes it covers, where the signed timestamp is,
//! how the secret becomes the key, and where the delivery id and event come
//! from.
//!
//! Every built-in provider is a [`Scheme`] plus only the code that is truly
//! its own, run by one engine ([`Verifier`](crate::engine::Verifier)). A
//! sender that is not built in is written as a scheme and handed to
//! [`Generic::from_scheme`](crate::generic::Generic::from_scheme). Calendly,
//! for example, signs `{t}.{body}` and sends
//! `Calendly-Webhook-Signature: t=<UNIX seconds>,v1=<hex>`:
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::generic::Generic;
//! use hooksig::scheme::{Encoding, Part, Scheme, Signature, Timestamp};
//! use hooksig::{Outgoing, Provider};
//!
//! let calendly = Scheme::hmac_sha256()
//!     .signature(Signature::list("Calendly-Webhook-Signature", ',', "v1")?.timestamp_key("t"))
//!     .encoding(Encoding::HexLower)
//!     .content([Part::Timestamp, Part::literal("."), Part::Body])
//!     .timestamp(Timestamp::in_signature().tolerance(Duration::from_secs(180)));
//! let verifier = Generic::from_scheme(calendly, "signing-key")?;
//!
//! // Sign as Calendly would, then verify.
//! let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let body = br#"{"event":"invitee.created"}"#;
//! let headers = verifier.sign_headers(&Outgoing::new(body).at(at))?;
//! let delivery = verifier.verify_at(&headers, body, at + Duration::from_secs(60))?;
//! assert_eq!(delivery.timestamp(), Some(at));
//! # Ok::<(), hooksig::Error>(())
//! ```
//!
//! Everything a scheme says is checked when it is built into a verifier
//! ([`Generic::from_scheme`](crate::generic::Generic::from_scheme)): a part
//! that names a timestamp the scheme does not have, or an encoding that
//! cannot carry the algorithm's output, is an
//! [`Error::InvalidConfig`], never a surprise
//! at request time.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::time::Duration;

use crate::error::HeaderName;
use crate::Error;

/// The MAC or signature algorithm a scheme uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256, with a 32-byte tag. The default.
    #[default]
    HmacSha256,
    /// HMAC-SHA1, with a 20-byte tag. Feature `sha1`.
    ///
    /// SHA-1 is accepted only where the sender offers nothing stronger
    /// (Twilio, Intercom, Vercel). HMAC-SHA1 is not broken as a MAC the way
    /// SHA-1 is as a hash, but hooksig never uses it as a fallback for a
    /// sender that also signs with SHA-256: GitHub's legacy
    /// `X-Hub-Signature` stays refused.
    #[cfg(feature = "sha1")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sha1")))]
    HmacSha1,
    /// HMAC-SHA512, with a 64-byte tag. Feature `sha512`.
    #[cfg(feature = "sha512")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sha512")))]
    HmacSha512,
    /// Ed25519 signatures (64 bytes), verified with a public key. Feature
    /// `ed25519`.
    #[cfg(feature = "ed25519")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ed25519")))]
    Ed25519,
    /// ECDSA over P-256 with SHA-256, verified with a public key; the
    /// signature is DER or the raw 64-byte `r ‖ s`. Feature `p256`.
    #[cfg(feature = "p256")]
    #[cfg_attr(docsrs, doc(cfg(feature = "p256")))]
    EcdsaP256(EcdsaFormat),
    /// No signature: the header carries a shared token that is compared,
    /// in constant time, with the configured one (GitLab's
    /// `X-Gitlab-Token`, Telegram's `X-Telegram-Bot-Api-Secret-Token`).
    /// Used with [`Scheme::token`].
    ///
    /// A token proves that the sender knows the shared token; it does
    /// **not** prove the integrity of the body, the id or anything else,
    /// and a captured request can be replayed or altered at will. Prefer a
    /// signing scheme wherever the sender offers one.
    SharedToken,
}

/// How an ECDSA signature is laid out once decoded.
#[cfg(feature = "p256")]
#[cfg_attr(docsrs, doc(cfg(feature = "p256")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EcdsaFormat {
    /// ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }` (SendGrid).
    Der,
    /// The fixed 64 bytes `r ‖ s`.
    Fixed,
}

impl Algorithm {
    /// The length of a decoded tag or signature in bytes (the longest for
    /// DER, which varies).
    pub(crate) fn tag_len(self) -> usize {
        match self {
            Algorithm::HmacSha256 => 32,
            #[cfg(feature = "sha1")]
            Algorithm::HmacSha1 => 20,
            #[cfg(feature = "sha512")]
            Algorithm::HmacSha512 => 64,
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => 64,
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256(EcdsaFormat::Fixed) => 64,
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256(EcdsaFormat::Der) => 72,
            Algorithm::SharedToken => 32,
        }
    }

    /// Whether the algorithm is a MAC (one shared secret signs and
    /// verifies) rather than a public-key signature.
    pub(crate) fn is_mac(self) -> bool {
        match self {
            Algorithm::HmacSha256 => true,
            #[cfg(feature = "sha1")]
            Algorithm::HmacSha1 => true,
            #[cfg(feature = "sha512")]
            Algorithm::HmacSha512 => true,
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => false,
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256(_) => false,
            Algorithm::SharedToken => true,
        }
    }
}

/// How the signature is written on the wire, after any prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// Hex digits of either case (both spell the same bytes). The default
    /// of [`Generic`](crate::generic::Generic), which has no one sender to
    /// follow.
    #[default]
    Hex,
    /// Lowercase hex digits only, as GitHub, Stripe and most senders emit.
    HexLower,
    /// Standard, padded, canonical base64.
    Base64,
    /// URL-safe base64 without padding (RFC 4648 §5), canonical.
    Base64UrlNoPad,
}

/// How the configured secret becomes the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KeyFormat {
    /// The secret's bytes as typed. The default.
    #[default]
    AsTyped,
    /// The secret is base64 (standard alphabet, padding optional); the
    /// decoded bytes are the key.
    Base64,
    /// The secret is hex; the decoded bytes are the key.
    Hex,
    /// `whsec_` and base64 (the prefix optional), as Standard Webhooks and
    /// Svix show secrets; decoded as their libraries decode it. Supabase's
    /// `v1,whsec_<base64>` form is read too (the `v1,` is dropped).
    Whsec,
}

/// A signed timestamp's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Unit {
    /// Whole UNIX seconds, 1 to 20 ASCII digits. The default.
    #[default]
    Seconds,
    /// Whole UNIX milliseconds, 1 to 20 ASCII digits (or a JSON integer
    /// when the timestamp is a body member).
    Millis,
    /// An RFC 3339 date-time (`2026-12-01T21:28:10.123Z`), with a `Z` or a
    /// numeric offset; fractions beyond milliseconds are truncated.
    Rfc3339,
}

/// Where a scheme's signed timestamp lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimestampSource {
    /// The value of this header.
    Header(HeaderName),
    /// The timestamp element of the signature list (Stripe's `t`).
    InSignature,
    /// A top-level member of the signed JSON body (Linear's
    /// `webhookTimestamp`); milliseconds are a JSON integer.
    Body(&'static str),
}

/// The signed timestamp of a scheme and its replay window.
///
/// The window is checked only after the signature matched, so a forged
/// request never learns anything from the clock. It is inclusive at both
/// ends, and by default a timestamp too far in the future is refused as
/// well as one too old: an unbounded future lets a captured delivery be
/// replayed later.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Timestamp {
    pub(crate) source: TimestampSource,
    pub(crate) unit: Unit,
    pub(crate) tolerance: Duration,
    pub(crate) future: bool,
    /// Whether the window is checked at all.
    pub(crate) bounded: bool,
}

/// The tolerance a [`Timestamp`] starts with: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

impl Timestamp {
    const fn at(source: TimestampSource) -> Self {
        Timestamp {
            source,
            unit: Unit::Seconds,
            tolerance: DEFAULT_TOLERANCE,
            future: true,
            bounded: true,
        }
    }

    /// The timestamp is the value of the header `name` (Slack's
    /// `X-Slack-Request-Timestamp`). It is required.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn header(name: &str) -> Result<Self, Error> {
        Ok(Self::at(TimestampSource::Header(header_name(name)?)))
    }

    /// [`Timestamp::header`] for a built-in, lowercase header name.
    pub(crate) const fn header_static(name: &'static str) -> Self {
        Self::at(TimestampSource::Header(HeaderName::from_static(name)))
    }

    /// The timestamp is the timestamp element of the signature list
    /// ([`Signature::timestamp_key`]: Stripe's `t`, Paddle's `ts`).
    pub const fn in_signature() -> Self {
        Self::at(TimestampSource::InSignature)
    }

    /// The timestamp is the top-level member `name` of the signed JSON
    /// body (Linear's `webhookTimestamp`): a JSON integer for
    /// [`Unit::Seconds`] and [`Unit::Millis`], a string for
    /// [`Unit::Rfc3339`].
    pub const fn body_member(name: &'static str) -> Self {
        Self::at(TimestampSource::Body(name))
    }

    /// The unit. Defaults to [`Unit::Seconds`].
    pub const fn unit(mut self, unit: Unit) -> Self {
        self.unit = unit;
        self
    }

    /// How far the timestamp may be from the clock, inclusive. Defaults to
    /// 5 minutes ([`DEFAULT_TOLERANCE`]). Seconds are compared in whole
    /// seconds, milliseconds and RFC 3339 times in whole milliseconds.
    pub const fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Signs and reads the timestamp ([`Delivery::timestamp`](crate::Delivery::timestamp))
    /// but checks no window, as for a sender whose own libraries check none
    /// and whose retries may carry an old timestamp (SendGrid). A verifier's
    /// [`tolerance`](crate::engine::Verifier::tolerance) turns a window on.
    /// Defaults to checking the window.
    pub const fn unbounded(mut self) -> Self {
        self.bounded = false;
        self
    }

    /// Accepts timestamps any distance in the future, bounding only their
    /// age, as some senders' own libraries do. Defaults to refusing a
    /// timestamp more than the tolerance ahead of the clock.
    pub const fn allow_future(mut self) -> Self {
        self.future = false;
        self
    }
}

/// The syntax of a signature header's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// `prefix` then the encoded signature (`sha256=<hex>`, `v0=<hex>`,
    /// or just `<base64>`).
    Plain {
        prefix: Cow<'static, str>,
        /// The error problem for a missing prefix.
        prefix_problem: &'static str,
        /// Further headers that may each carry a signature (Box's
        /// secondary, DocuSign's `-2` … `-N`).
        also: Cow<'static, [HeaderName]>,
    },
    /// `key=value` elements split by `separator` (`t=…,v1=…`,
    /// `ts=…;h1=…`), any element under `signature_key` may match.
    List {
        separator: u8,
        trim: bool,
        signature_key: Cow<'static, str>,
        timestamp_key: Option<Cow<'static, str>>,
    },
    /// Space-separated `version,<signature>` entries (`v1,<b64> v1,<b64>`).
    Entries { version: Cow<'static, str> },
    /// The whole value is a shared token ([`Algorithm::SharedToken`]).
    Token,
}

/// Where a scheme's signature is and how its header value reads.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Signature {
    pub(crate) header: HeaderName,
    pub(crate) syntax: Syntax,
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidConfig("header name is not a valid HTTP field name"))?;
    Ok(HeaderName::shared(name))
}

fn visible(text: &str, what: &'static str) -> Result<(), Error> {
    if text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(Error::InvalidConfig(what))
    }
}

/// The error problem for a missing prefix: built-in prefixes are named.
pub(crate) const fn prefix_problem(prefix: &str) -> &'static str {
    const NAMED: [(&str, &str); 5] = [
        ("sha256=", "expected the `sha256=` prefix"),
        ("sha1=", "expected the `sha1=` prefix"),
        ("sha512=", "expected the `sha512=` prefix"),
        ("v0=", "expected the `v0=` prefix"),
        ("v1=", "expected the `v1=` prefix"),
    ];
    let mut at = 0;
    while at < NAMED.len() {
        if same_bytes(NAMED[at].0.as_bytes(), prefix.as_bytes()) {
            return NAMED[at].1;
        }
        at += 1;
    }
    "expected the configured prefix"
}

/// `a == b`, at compile time.
const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if a[at] != b[at] {
            return false;
        }
        at += 1;
    }
    true
}

impl Signature {
    /// The whole value of header `name` is `prefix` (possibly empty) and
    /// the encoded signature: `X-Hub-Signature-256: sha256=<hex>`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name
    /// or `prefix` has characters other than visible ASCII.
    pub fn plain(name: &str, prefix: &str) -> Result<Self, Error> {
        visible(prefix, "prefix must be visible ASCII")?;
        Ok(Signature {
            header: header_name(name)?,
            syntax: Syntax::Plain {
                prefix: Cow::Owned(prefix.to_owned()),
                prefix_problem: prefix_problem(prefix),
                also: Cow::Borrowed(&[]),
            },
        })
    }

    /// [`Signature::plain`] for a built-in header name and prefix.
    pub(crate) const fn plain_static(name: &'static str, prefix: &'static str) -> Self {
        Signature {
            header: HeaderName::from_static(name),
            syntax: Syntax::Plain {
                prefix: Cow::Borrowed(prefix),
                prefix_problem: prefix_problem(prefix),
                also: Cow::Borrowed(&[]),
            },
        }
    }

    /// Also accepts a signature in the header `name`, in the same form:
    /// a sender that signs once per key in several headers (Box's
    /// `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY`). At least one
    /// of the headers must be present; any of their signatures may match
    /// any accepted key; one that does not decode is skipped when another
    /// does. For a [`Signature::plain`] only; `sign_headers` signs the first
    /// header with the current key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name,
    /// the signature is not plain, or it would have more than 32 headers.
    pub fn or_header(mut self, name: &str) -> Result<Self, Error> {
        let name = header_name(name)?;
        match &mut self.syntax {
            Syntax::Plain { also, .. } if also.len() + 1 < crate::engine::MAX_SIGNATURES => {
                also.to_mut().push(name);
                Ok(self)
            }
            Syntax::Plain { .. } => Err(Error::InvalidConfig(
                "a signature may be carried by at most 32 headers",
            )),
            _ => Err(Error::InvalidConfig(
                "only a plain signature can be carried by several headers",
            )),
        }
    }

    /// Signatures in the numbered headers `{name}1` … `{name}{count}`
    /// (DocuSign's `X-DocuSign-Signature-1` … `-N`, one per active key),
    /// each `prefix` and the encoded signature; see
    /// [`or_header`](Signature::or_header).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `count` is 0 or above 32, or a name or
    /// the prefix is invalid.
    pub fn numbered(name: &str, count: usize, prefix: &str) -> Result<Self, Error> {
        if count == 0 || count > crate::engine::MAX_SIGNATURES {
            return Err(Error::InvalidConfig(
                "numbered signature headers count from 1 to at most 32",
            ));
        }
        let mut signature = Signature::plain(&format!("{name}1"), prefix)?;
        for n in 2..=count {
            signature = signature.or_header(&format!("{name}{n}"))?;
        }
        Ok(signature)
    }

    /// The value of header `name` is a list of `key=value` elements split
    /// by `separator` (`,` for Stripe, `;` for Paddle), and the signatures
    /// are the elements under `signature_key` (`v1`, `h1`). The delivery is
    /// accepted when **any** of them matches; other keys are ignored. An
    /// element that does not decode is skipped when another decodes; with
    /// none decodable the header is malformed. At most 32 elements besides
    /// the timestamp are read; a longer header is malformed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name,
    /// `separator` is not visible ASCII or is `=`, or `signature_key` is
    /// empty or holds the separator, `=` or characters other than visible
    /// ASCII.
    pub fn list(name: &str, separator: char, signature_key: &str) -> Result<Self, Error> {
        let separator = list_separator(separator)?;
        list_key(signature_key, separator)?;
        Ok(Signature {
            header: header_name(name)?,
            syntax: Syntax::List {
                separator,
                trim: false,
                signature_key: Cow::Owned(signature_key.to_owned()),
                timestamp_key: None,
            },
        })
    }

    /// [`Signature::list`] for a built-in, lowercase header name and a
    /// separator and key that [`Signature::list`] would accept (the
    /// built-in providers' constants; not checked again here).
    pub(crate) const fn list_static(
        name: &'static str,
        separator: u8,
        signature_key: &'static str,
        timestamp_key: Option<&'static str>,
    ) -> Self {
        let timestamp_key = match timestamp_key {
            Some(key) => Some(Cow::Borrowed(key)),
            None => None,
        };
        Signature {
            header: HeaderName::from_static(name),
            syntax: Syntax::List {
                separator,
                trim: false,
                signature_key: Cow::Borrowed(signature_key),
                timestamp_key,
            },
        }
    }

    /// The element of a [`Signature::list`] under `key` (Stripe's `t`) is
    /// the signed timestamp; it must appear exactly once. Use it with
    /// [`Timestamp::in_signature`]. Ignored by other syntaxes.
    ///
    /// # Panics
    ///
    /// Never; an invalid key is reported when the scheme is built into a
    /// verifier.
    pub fn timestamp_key(mut self, key: &str) -> Self {
        if let Syntax::List { timestamp_key, .. } = &mut self.syntax {
            *timestamp_key = Some(Cow::Owned(key.to_owned()));
        }
        self
    }

    /// Trims spaces and tabs around the elements of a [`Signature::list`]
    /// (WorkOS writes `t=…, v1=…`). Defaults to untrimmed, as Stripe's
    /// libraries read. Ignored by other syntaxes.
    pub const fn trim(mut self) -> Self {
        if let Syntax::List { trim, .. } = &mut self.syntax {
            *trim = true;
        }
        self
    }

    /// The value of header `name` is space-separated `version,<signature>`
    /// entries, as Standard Webhooks' `webhook-signature: v1,<base64>`;
    /// entries of other versions are ignored, any entry of `version` may
    /// match, and at most 32 entries are read.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name
    /// or `version` is empty or holds a `,`, a space or characters other
    /// than visible ASCII.
    pub fn entries(name: &str, version: &str) -> Result<Self, Error> {
        if version.is_empty() || version.contains(',') {
            return Err(Error::InvalidConfig(
                "an entry version must be non-empty and hold no `,`",
            ));
        }
        visible(version, "an entry version must be visible ASCII")?;
        Ok(Signature {
            header: header_name(name)?,
            syntax: Syntax::Entries {
                version: Cow::Owned(version.to_owned()),
            },
        })
    }

    /// The whole value of header `name` is a shared token, compared in
    /// constant time with the configured one (GitLab's `X-Gitlab-Token`).
    /// Use it with [`Algorithm::SharedToken`], as [`Scheme::token`] does.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn token(name: &str) -> Result<Self, Error> {
        Ok(Signature {
            header: header_name(name)?,
            syntax: Syntax::Token,
        })
    }

    /// [`Signature::token`] for a built-in, lowercase header name.
    pub(crate) const fn token_static(name: &'static str) -> Self {
        Signature {
            header: HeaderName::from_static(name),
            syntax: Syntax::Token,
        }
    }

    /// The header carrying the signature.
    pub(crate) fn header(&self) -> &HeaderName {
        &self.header
    }
}

fn list_separator(separator: char) -> Result<u8, Error> {
    match u8::try_from(separator) {
        Ok(b) if b.is_ascii_graphic() && b != b'=' => Ok(b),
        _ => Err(Error::InvalidConfig(
            "a list separator must be visible ASCII other than `=`",
        )),
    }
}

fn list_key(key: &str, separator: u8) -> Result<(), Error> {
    if key.is_empty() || key.bytes().any(|b| b == separator || b == b'=') {
        return Err(Error::InvalidConfig(
            "a list key must be non-empty and hold neither the separator nor `=`",
        ));
    }
    visible(key, "a list key must be visible ASCII")
}

/// One piece of the signed content. The MAC is computed over the pieces in
/// order, fed one by one: the content is never assembled in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The raw request body, as received.
    Body,
    /// Fixed bytes (`.`, `:`, `v0:`).
    Literal(&'static [u8]),
    /// The value of a request header, trimmed; required.
    Header(HeaderName),
    /// The signed timestamp, exactly as the sender wrote it.
    Timestamp,
    /// The delivery id, exactly as the sender wrote it (a signed id, see
    /// [`Id::signed_header`]).
    Id,
    /// The request method (`POST`).
    Method,
    /// The public URL the sender addressed: scheme, host, path and query
    /// ([`Incoming::url`](crate::Incoming::url)).
    Url,
    /// The path and query of the public URL.
    Path,
    /// Fixed bytes chosen when the provider is configured rather than at
    /// compile time, such as the notification URL a sender signs in place
    /// of the URL the request arrived at (Square). Signed exactly as given.
    Configured(Vec<u8>),
}

impl Part {
    /// Fixed text, for separators such as `"."`.
    pub const fn literal(text: &'static str) -> Part {
        Part::Literal(text.as_bytes())
    }

    /// The value of the request header `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn header(name: &str) -> Result<Part, Error> {
        Ok(Part::Header(header_name(name)?))
    }

    /// Fixed bytes known only at run time ([`Part::Configured`]): a
    /// configured value such as a notification URL.
    pub fn configured(bytes: impl Into<Vec<u8>>) -> Part {
        Part::Configured(bytes.into())
    }
}

/// Where a delivery's id or event name comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Source {
    /// The scheme has none.
    #[default]
    None,
    /// An unsigned header, read when asked for.
    Header(HeaderName),
    /// A signed header: required, and covered by the signature
    /// ([`Part::Id`]).
    SignedHeader(HeaderName),
    /// A top-level string member of the signed JSON body, read when asked
    /// for.
    Body(&'static str),
    /// A top-level non-negative integer member of the signed JSON body,
    /// whose digits are the value, read when asked for.
    BodyInteger(&'static str),
}

/// Where a delivery's id (the key of duplicate suppression) or its event
/// name comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Id(pub(crate) Source);

impl Source {
    /// [`Source::Header`] of a built-in, lowercase header name.
    pub(crate) const fn header(name: &'static str) -> Self {
        Source::Header(HeaderName::from_static(name))
    }
}

impl Id {
    /// The value of the header `name`, which the signature does **not**
    /// cover (GitHub's `X-GitHub-Delivery`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn header(name: &str) -> Result<Self, Error> {
        Ok(Id(Source::Header(header_name(name)?)))
    }

    /// [`Id::header`] for a built-in, lowercase header name.
    pub(crate) const fn header_static(name: &'static str) -> Self {
        Id(Source::Header(HeaderName::from_static(name)))
    }

    /// [`Id::signed_header`] for a built-in, lowercase header name.
    pub(crate) const fn signed_header_static(name: &'static str) -> Self {
        Id(Source::SignedHeader(HeaderName::from_static(name)))
    }

    /// The value of the header `name`, which is required and signed
    /// ([`Part::Id`] in the content): Standard Webhooks' `webhook-id`. Only
    /// for the delivery id.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn signed_header(name: &str) -> Result<Self, Error> {
        Ok(Id(Source::SignedHeader(header_name(name)?)))
    }

    /// A top-level string member of the signed JSON body (Stripe's `id`),
    /// read when asked for.
    pub const fn body_member(name: &'static str) -> Self {
        Id(Source::Body(name))
    }

    /// A top-level non-negative integer member of the signed JSON body
    /// (Telegram's `update_id`), read when asked for: its digits, exactly
    /// as the sender wrote them, are the id.
    pub const fn body_integer(name: &'static str) -> Self {
        Id(Source::BodyInteger(name))
    }
}

/// An unsigned GET challenge a sender makes before it delivers: the
/// receiver proves it controls the URL by echoing a query parameter (Meta's
/// `hub.challenge`, Dropbox's `challenge`). Answered by
/// [`Provider::challenge`](crate::Provider::challenge) as `200 text/plain`
/// with `X-Content-Type-Options: nosniff`, only when every expected
/// parameter matches (compared in constant time) and the value is a plain
/// token; nothing is ever echoed for a scheme without one.
///
/// ```
/// use hooksig::scheme::Challenge;
/// // Meta: GET ?hub.mode=subscribe&hub.verify_token=<yours>&hub.challenge=<n>
/// let meta = Challenge::query("hub.challenge")
///     .expect("hub.mode", "subscribe")
///     .expect("hub.verify_token", "my-verify-token");
/// # let _ = meta;
/// ```
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct Challenge {
    pub(crate) param: String,
    pub(crate) checks: Vec<(String, String)>,
}

impl Challenge {
    /// Echo the query parameter `param` of a GET request.
    pub fn query(param: &str) -> Self {
        Challenge {
            param: param.to_owned(),
            checks: Vec::new(),
        }
    }

    /// Answer only when the query parameter `param` equals `value` (a
    /// verify token is compared in constant time; a mismatch is a 401).
    pub fn expect(mut self, param: &str, value: &str) -> Self {
        self.checks.push((param.to_owned(), value.to_owned()));
        self
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The expected values may be a verify token: name the parameters
        // only.
        let params: Vec<&str> = self
            .checks
            .iter()
            .map(|(param, _)| param.as_str())
            .collect();
        f.debug_struct("Challenge")
            .field("param", &self.param)
            .field("expects", &params)
            .finish()
    }
}

/// A webhook signature scheme: everything the engine needs to verify and
/// sign one sender's deliveries. See the [module docs](self).
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct Scheme {
    pub(crate) algorithm: Algorithm,
    pub(crate) signature: Signature,
    pub(crate) encoding: Encoding,
    pub(crate) content: Cow<'static, [Part]>,
    pub(crate) timestamp: Option<Timestamp>,
    pub(crate) key: KeyFormat,
    pub(crate) id: Source,
    pub(crate) event: Source,
    /// Read the content's headers (id, timestamp) before the signature
    /// header, so the first missing one is reported in the sender's order.
    pub(crate) signature_last: bool,
    /// The event that marks the sender's connectivity check.
    pub(crate) ping_event: Option<&'static str>,
    /// Another set of header names the sender may use instead (Svix's
    /// `svix-*` for `webhook-*`): chosen when this scheme's signature
    /// header is absent and the other's is present, never mixed.
    pub(crate) fallback: Option<Fallback>,
    /// Headers that must not come with this header set, and the problem
    /// reported for one that does: a fallback set whose sender never mixes
    /// it with the primary set's metadata (Shopify).
    pub(crate) unmixed: (&'static [&'static str], &'static str),
    /// The unsigned GET challenge the sender makes, if any.
    pub(crate) challenge: Option<Challenge>,
    /// The content may leave out the body: only for built-in senders whose
    /// own code covers the body another way (a digest in the URL).
    pub(crate) body_covered_elsewhere: bool,
}

/// The header set a scheme falls back to ([`Scheme::fallback`]): a
/// built-in's, fixed at compile time, or one built at run time.
#[derive(Debug, Clone)]
pub(crate) enum Fallback {
    Static(&'static Scheme),
    Owned(Box<Scheme>),
}

impl Deref for Fallback {
    type Target = Scheme;

    fn deref(&self) -> &Scheme {
        match self {
            Fallback::Static(scheme) => scheme,
            Fallback::Owned(scheme) => scheme,
        }
    }
}

/// Compares the schemes, wherever they live.
impl PartialEq for Fallback {
    fn eq(&self, other: &Fallback) -> bool {
        **self == **other
    }
}

impl Eq for Fallback {}

impl Fallback {
    /// The scheme, to change (a verifier's tolerance): a static one is
    /// copied first.
    pub(crate) fn to_mut(&mut self) -> &mut Scheme {
        if let Fallback::Static(scheme) = *self {
            *self = Fallback::Owned(Box::new(scheme.clone()));
        }
        match self {
            Fallback::Owned(scheme) => scheme,
            Fallback::Static(_) => unreachable!("made owned above"),
        }
    }
}

impl Scheme {
    /// An HMAC-SHA256 scheme over the raw body with the header
    /// `X-Signature-256: sha256=<hex>`, the secret as typed, no timestamp,
    /// id or event. Change what differs with the setters.
    pub const fn hmac_sha256() -> Self {
        Self::new(Algorithm::HmacSha256)
    }

    /// A shared-token scheme: the header `name` carries a token compared,
    /// in constant time, with the configured one; nothing is signed
    /// ([`Algorithm::SharedToken`]). A token proves knowledge of the shared
    /// token, not the integrity of the body.
    ///
    /// ```
    /// use hooksig::generic::Generic;
    /// use hooksig::scheme::Scheme;
    /// use hooksig::Provider;
    ///
    /// let verifier = Generic::from_scheme(Scheme::token("X-Hook-Token")?, "s3cret")?;
    /// let delivery = verifier.verify(&[("X-Hook-Token", "s3cret")], b"{}")?;
    /// assert_eq!(delivery.body(), b"{}");
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `name` is not a valid HTTP field name.
    pub fn token(name: &str) -> Result<Self, Error> {
        Ok(Self::new(Algorithm::SharedToken)
            .signature(Signature::token(name)?)
            .content([]))
    }

    /// [`Scheme::token`] for a built-in, lowercase header name.
    pub(crate) fn token_static(name: &'static str) -> Self {
        Self::new(Algorithm::SharedToken)
            .signature(Signature::token_static(name))
            .content([])
    }

    /// A scheme of `algorithm`, otherwise as [`Scheme::hmac_sha256`].
    pub const fn new(algorithm: Algorithm) -> Self {
        Scheme {
            algorithm,
            ..Self::HMAC_SHA256
        }
    }

    /// [`Scheme::hmac_sha256`] as a constant whose fields are literals, so
    /// that a built-in's fixed scheme ([`Sender::fixed`](crate::engine::Sender::fixed))
    /// is written as `static SCHEME: Scheme = Scheme { …, ..Scheme::HMAC_SHA256 }`
    /// (a field replaced in a constant must not need a destructor run,
    /// which only a literal shows).
    pub(crate) const HMAC_SHA256: Scheme = Scheme {
        algorithm: Algorithm::HmacSha256,
        signature: Signature {
            header: HeaderName::X_SIGNATURE_256,
            syntax: Syntax::Plain {
                prefix: Cow::Borrowed("sha256="),
                prefix_problem: "expected the `sha256=` prefix",
                also: Cow::Borrowed(&[]),
            },
        },
        encoding: Encoding::Hex,
        content: Cow::Borrowed(&[Part::Body]),
        timestamp: None,
        key: KeyFormat::AsTyped,
        id: Source::None,
        event: Source::None,
        signature_last: false,
        ping_event: None,
        fallback: None,
        unmixed: (&[], ""),
        challenge: None,
        body_covered_elsewhere: false,
    };

    /// Where the signature is. Defaults to `X-Signature-256: sha256=<…>`.
    pub fn signature(mut self, signature: Signature) -> Self {
        self.signature = signature;
        self
    }

    /// How the signature is encoded. Defaults to [`Encoding::Hex`].
    pub const fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The signed content, in order; it must include [`Part::Body`] (a
    /// signature that does not cover the body would verify any body).
    /// Defaults to `[Part::Body]`.
    pub fn content(mut self, parts: impl IntoIterator<Item = Part>) -> Self {
        self.content = Cow::Owned(parts.into_iter().collect());
        self
    }

    /// The signed timestamp and its window. Defaults to none.
    pub fn timestamp(mut self, timestamp: Timestamp) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// How the secret becomes the key. Defaults to [`KeyFormat::AsTyped`].
    pub const fn key(mut self, key: KeyFormat) -> Self {
        self.key = key;
        self
    }

    /// Where the delivery id comes from ([`Delivery::id`](crate::Delivery::id)).
    /// Defaults to none.
    pub fn id(mut self, id: Id) -> Self {
        self.id = id.0;
        self
    }

    /// Where the event name comes from
    /// ([`Delivery::event`](crate::Delivery::event)). Defaults to none.
    pub fn event(mut self, event: Id) -> Self {
        self.event = event.0;
        self
    }

    /// The event name of the sender's connectivity check
    /// ([`Delivery::is_ping`](crate::Delivery::is_ping)). Defaults to none.
    pub const fn ping_event(mut self, event: &'static str) -> Self {
        self.ping_event = Some(event);
        self
    }

    /// The unsigned GET challenge the sender makes before delivering.
    /// Defaults to none: no value is ever echoed.
    pub fn challenge(mut self, challenge: Challenge) -> Self {
        self.challenge = Some(challenge);
        self
    }

    pub(crate) const fn signature_last(mut self) -> Self {
        self.signature_last = true;
        self
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Whether verification reads the clock: only a scheme with a signed
    /// timestamp does.
    #[must_use]
    pub fn has_timestamp(&self) -> bool {
        self.timestamp.is_some()
    }

    /// Whether the content includes the request URL, path or method, so
    /// the verifier needs [`Incoming::url`](crate::Incoming::url) or
    /// [`Incoming::method`](crate::Incoming::method).
    #[must_use]
    pub fn needs_request(&self) -> bool {
        self.content
            .iter()
            .any(|part| matches!(part, Part::Method | Part::Url | Part::Path))
    }

    /// The plain-body family (GitHub, Jira, Razorpay, Dropbox, …): one
    /// plain signature header over the body alone, with no timestamp and no
    /// signed id. The engine verifies it with those branches compiled out,
    /// after choosing between this scheme and its fallback header set (for
    /// Shopify, both are plain). Checked on every verification rather than
    /// cached, so a scheme changed after it was built can never take the
    /// shortcut.
    #[inline]
    pub(crate) fn is_plain_body(&self) -> bool {
        matches!(&self.signature.syntax, Syntax::Plain { also, .. } if also.is_empty())
            && matches!(self.content[..], [Part::Body])
            && self.timestamp.is_none()
            && !matches!(self.id, Source::SignedHeader(_))
    }

    /// For a built-in sender whose own code covers the body another way:
    /// the content may leave out [`Part::Body`].
    #[allow(dead_code)]
    pub(crate) const fn body_covered_elsewhere(mut self) -> Self {
        self.body_covered_elsewhere = true;
        self
    }

    /// Whether `self` and `other` are the same scheme but for their
    /// timestamp windows (tolerance, bound, direction), as a verifier's
    /// `tolerance` changes them.
    pub(crate) fn same_but_windows(&self, other: &Scheme) -> bool {
        let mut probe = self.clone();
        probe.copy_windows(other);
        probe == *other
    }

    fn copy_windows(&mut self, from: &Scheme) {
        if let (Some(to), Some(from)) = (&mut self.timestamp, &from.timestamp) {
            to.tolerance = from.tolerance;
            to.bounded = from.bounded;
            to.future = from.future;
        }
        if let (Some(to), Some(from)) = (&mut self.fallback, &from.fallback) {
            to.to_mut().copy_windows(from);
        }
    }

    /// Checks that the scheme is complete and consistent.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let token_syntax = matches!(self.signature.syntax, Syntax::Token);
        if token_syntax != (self.algorithm == Algorithm::SharedToken) {
            return Err(Error::InvalidConfig(
                "a token header and `Algorithm::SharedToken` go together",
            ));
        }
        if token_syntax && !self.content.is_empty() {
            return Err(Error::InvalidConfig(
                "a shared token signs nothing: its content must be empty",
            ));
        }
        // A shared token covers no content at all (documented on
        // `Algorithm::SharedToken`); every signature must cover the body.
        if !token_syntax && !self.content.contains(&Part::Body) && !self.body_covered_elsewhere {
            // A signature that does not cover the body would verify any
            // body at all.
            return Err(Error::InvalidConfig(
                "the signed content must include the body",
            ));
        }
        let uses_timestamp = self.content.contains(&Part::Timestamp);
        let uses_id = self.content.contains(&Part::Id);
        match (&self.timestamp, uses_timestamp) {
            (None, true) => {
                return Err(Error::InvalidConfig(
                    "the content signs a timestamp but the scheme has none",
                ))
            }
            (Some(ts), _) => {
                let in_list = matches!(
                    &self.signature.syntax,
                    Syntax::List {
                        timestamp_key: Some(_),
                        ..
                    }
                );
                if !matches!(ts.source, TimestampSource::Body(_)) && !uses_timestamp {
                    // A window over a timestamp the signature does not
                    // cover bounds nothing: it can be rewritten at will.
                    return Err(Error::InvalidConfig(
                        "the timestamp must be signed: add `Part::Timestamp` to the content",
                    ));
                }
                match &ts.source {
                    TimestampSource::InSignature if !in_list => {
                        return Err(Error::InvalidConfig(
                            "the timestamp is in the signature list but the list has no timestamp key",
                        ))
                    }
                    TimestampSource::Body(_) if uses_timestamp => {
                        return Err(Error::InvalidConfig(
                            "a body-member timestamp cannot be a separate part of the content",
                        ))
                    }
                    TimestampSource::Body(_) if ts.unit == Unit::Rfc3339 => {
                        return Err(Error::InvalidConfig(
                            "a body-member timestamp must be a JSON integer of seconds or milliseconds",
                        ))
                    }
                    _ => {}
                }
            }
            (None, false) => {}
        }
        if let Syntax::List {
            separator,
            timestamp_key: Some(key),
            signature_key,
            ..
        } = &self.signature.syntax
        {
            list_key(key, *separator)?;
            if key == signature_key {
                return Err(Error::InvalidConfig(
                    "the timestamp key and the signature key must differ",
                ));
            }
        }
        if uses_id != matches!(self.id, Source::SignedHeader(_)) {
            return Err(Error::InvalidConfig(
                "a signed id header and `Part::Id` in the content go together",
            ));
        }
        if matches!(self.event, Source::SignedHeader(_)) {
            return Err(Error::InvalidConfig(
                "an event cannot be a signed id header",
            ));
        }
        crate::encoding::check_fits(self.encoding, self.algorithm)?;
        if let Some(fallback) = &self.fallback {
            fallback.validate()?;
        }
        Ok(())
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("algorithm", &self.algorithm)
            .field("signature", &self.signature)
            .field("encoding", &self.encoding)
            .field("content", &self.content)
            .field("timestamp", &self.timestamp)
            .field("key", &self.key)
            .field("id", &self.id)
            .field("event", &self.event)
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a plain header over the body alone, with nothing else to read,
    /// takes the engine's plain-body path; every other shape runs in full.
    #[test]
    fn only_the_plain_body_family_takes_the_short_path() {
        let plain = Scheme::hmac_sha256();
        assert!(plain.is_plain_body());
        assert!(plain.clone().id(Id::header_static("x-id")).is_plain_body());
        // A fallback header set is chosen first, then verified by its shape.
        assert!(Scheme {
            fallback: Some(Fallback::Owned(Box::new(Scheme::hmac_sha256()))),
            ..plain.clone()
        }
        .is_plain_body());
        let others = [
            plain.clone().content([Part::literal("v0:"), Part::Body]),
            plain
                .clone()
                .content([Part::configured("https://example.com/hook"), Part::Body]),
            plain.clone().timestamp(Timestamp::header_static("x-ts")),
            plain.clone().id(Id::signed_header_static("x-id")),
            plain.clone().signature(
                Signature::plain("x-a", "")
                    .unwrap()
                    .or_header("x-b")
                    .unwrap(),
            ),
            plain
                .clone()
                .signature(Signature::list("x-sig", ',', "v1").unwrap()),
            plain
                .clone()
                .signature(Signature::token("x-token").unwrap()),
        ];
        for scheme in others {
            assert!(!scheme.is_plain_body(), "{scheme:?}");
        }
    }
}
