//! The engine: one verifier, written once, that runs any [`Scheme`].
//!
//! [`Verifier<S>`] holds a scheme, its keys (HMAC states precomputed, public
//! keys parsed) and a sender's quirks `S`, and implements
//! [`Provider`](crate::Provider) for all of them. Each built-in provider is
//! an alias, as RustCrypto's `HmacSha256` is of `Hmac<Sha256>`:
//! `github::GitHub` is `Verifier<github::Spec>`, and
//! [`Generic`](crate::generic::Generic) is `Verifier` of a scheme of the
//! user's own.
//!
//! Verification reads, in the scheme's order, the signature header and the
//! headers the content signs; decodes the signature into a fixed-size
//! stack array; feeds the content to the MAC part by part (never assembled
//! in memory); compares in constant time against every accepted key; and
//! only then checks the signed timestamp against the clock. No heap memory
//! is allocated on any path, accepting or rejecting.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::delivery::Field;
use crate::encoding::{self};
use crate::error::HeaderName;
use crate::headers::{self, Headers, Lookup};
use crate::incoming::Incoming;
use crate::json::{self, Kind, Problem, Value};
use crate::key::{Feed, MacKeys, TokenKeys};
use crate::provider::{self, Outgoing};
use crate::scheme::{Algorithm, Part, Scheme, Source, Syntax, Timestamp, TimestampSource, Unit};
use crate::time;
use crate::{Delivery, Error, Reply};

/// The most entries a multi-signature header (Standard Webhooks'
/// `webhook-signature`, Stripe's `Stripe-Signature`) may carry.
///
/// Senders put one signature per active secret there (two or three during
/// a rotation), so 32 is far above need while keeping the decoded tags on
/// the stack. A longer list is rejected as malformed: hooksig never
/// allocates for it, and never silently ignores part of it.
pub const MAX_SIGNATURES: usize = 32;

/// The most parts a scheme's signed content may have.
pub const MAX_PARTS: usize = 8;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A sender's quirks: what its scheme cannot say as data. Implemented by
/// the built-in providers' marker types (`github::Spec`, …); sealed.
pub trait Sender: sealed::Sealed + Clone + Send + Sync + 'static {
    /// The provider's name (`"github"`).
    const NAME: &'static str;
    /// The type's name in `Debug` output (`"GitHub"`).
    const TYPE_NAME: &'static str;

    /// The scheme a new verifier starts with.
    fn scheme() -> Scheme;

    /// The same scheme as a compile-time constant, for a sender whose
    /// scheme is fixed (`scheme()` is then a copy of it). While a verifier's
    /// scheme is this one (but for its tolerance), the engine verifies with
    /// the constant, and the optimiser folds the scheme's interpretation
    /// away: the verifier runs as straight-line code written for this
    /// sender. `None` (the default) interprets the verifier's scheme.
    #[doc(hidden)]
    #[inline]
    fn fixed() -> Option<&'static Scheme> {
        None
    }

    /// The sender's own checks after the signature and window matched,
    /// and its handshake answer.
    ///
    /// # Errors
    ///
    /// The sender's own rejections (a malformed body).
    #[doc(hidden)]
    #[inline]
    fn finish<'a>(
        &self,
        _delivery: &mut Delivery<'a>,
        _incoming: &Incoming<'a>,
        _now: SystemTime,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// [`finish`](Sender::finish) with the verifier's keys, for a
    /// handshake answer that needs them (Zoom's `encryptedToken`). Runs on
    /// the verify path: it must not allocate.
    ///
    /// # Errors
    ///
    /// As [`finish`](Sender::finish).
    #[doc(hidden)]
    #[inline]
    fn finish_with_keys<'a>(
        &self,
        _keys: &Keys<'_>,
        delivery: &mut Delivery<'a>,
        incoming: &Incoming<'a>,
        now: SystemTime,
    ) -> Result<(), Error> {
        self.finish(delivery, incoming, now)
    }

    /// Verifies a request the scheme cannot describe as data (a signature
    /// in the body, form parameters sorted into the signed content), or
    /// `None` to let the engine run the scheme. Runs on the verify path: it
    /// must not allocate.
    #[doc(hidden)]
    fn verify<'a>(
        &self,
        _keys: &Keys<'_>,
        _scheme: &Scheme,
        _incoming: &Incoming<'a>,
        _now: SystemTime,
    ) -> Option<Result<Delivery<'a>, Error>> {
        None
    }

    /// [`sign_extra`](Sender::sign_extra) with the verifier's keys, for a
    /// sender whose signature the scheme cannot compute (Twilio's sorted
    /// form parameters): it may replace the signature header.
    ///
    /// # Errors
    ///
    /// As [`sign_extra`](Sender::sign_extra).
    #[doc(hidden)]
    fn sign_with_keys(
        &self,
        _keys: &Keys<'_>,
        outgoing: &Outgoing<'_>,
        headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        self.sign_extra(outgoing, headers)
    }

    /// Keeps what the sender's own verification needs of a secret besides
    /// the scheme's keys (HubSpot's v1/v2 hash state), for the secret given
    /// to `new` and each one given to `with_previous`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for a secret the sender cannot use.
    #[doc(hidden)]
    fn keep_secret(&mut self, _secret: &[u8]) -> Result<(), Error> {
        Ok(())
    }

    /// Extra headers the sender sends with a signed delivery.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] or [`Error::MalformedBody`] when the
    /// delivery cannot be signed as the sender would.
    #[doc(hidden)]
    fn sign_extra(
        &self,
        _outgoing: &Outgoing<'_>,
        _headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// Sets the tolerance; by default that of the scheme's timestamp.
    #[doc(hidden)]
    fn set_tolerance(&mut self, scheme: &mut Scheme, tolerance: Duration) {
        if let Some(timestamp) = &mut scheme.timestamp {
            timestamp.tolerance = tolerance;
            timestamp.bounded = true;
        }
    }

    /// Answers an unsigned GET challenge, where the sender has one.
    #[doc(hidden)]
    fn challenge(&self, _incoming: &Incoming<'_>) -> Option<Result<Reply, Error>> {
        None
    }

    /// Whether verification reads the clock beyond the scheme's timestamp.
    #[doc(hidden)]
    fn reads_clock(&self) -> bool {
        false
    }

    /// Whether the sender signs the request beyond the scheme's parts
    /// (Twilio's URL), or makes a GET challenge that needs the URL.
    #[doc(hidden)]
    fn signs_request(&self) -> bool {
        false
    }
}

/// The keys of a verifier, by algorithm.
#[derive(Clone)]
pub(crate) enum KeySet {
    Sha256(MacKeys<hmac::Hmac<sha2::Sha256>, 32>),
    #[cfg(feature = "sha1")]
    Sha1(MacKeys<hmac::Hmac<sha1::Sha1>, 20>),
    #[cfg(feature = "sha512")]
    Sha512(MacKeys<hmac::Hmac<sha2::Sha512>, 64>),
    #[cfg(feature = "ed25519")]
    Ed25519(crate::public_key::Ed25519Keys),
    #[cfg(feature = "p256")]
    P256(crate::public_key::P256Keys),
    Token(TokenKeys),
}

/// A verifier's keys, as a sender's own verification and handshake code
/// ([`Sender`]) sees them: it can compute and check MACs with them, never
/// read them.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Keys<'k>(pub(crate) &'k KeySet);

impl fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("count", &self.0.count())
            .finish_non_exhaustive()
    }
}

impl Keys<'_> {
    /// Checks `signature` (encoded in `encoding`) over the content `feed`
    /// hands its sink, against every accepted key, without allocating;
    /// only for MAC schemes.
    ///
    /// # Errors
    ///
    /// The decoding problem when `signature` does not decode; inside `Ok`,
    /// [`Error::SignatureMismatch`], or [`Error::InvalidConfig`] for
    /// public-key or token schemes.
    #[cfg_attr(not(feature = "sha1"), allow(dead_code))] // Twilio's for now
    pub(crate) fn check_fed(
        &self,
        feed: Feed<'_>,
        signature: &[u8],
        encoding: crate::scheme::Encoding,
    ) -> Result<Result<(), Error>, &'static str> {
        fn check_fed_with<M: hmac::Mac + hmac::digest::KeyInit + Clone, const N: usize>(
            keys: &MacKeys<M, N>,
            feed: Feed<'_>,
            signature: &[u8],
            encoding: crate::scheme::Encoding,
        ) -> Result<Result<(), Error>, &'static str> {
            let tag = <MacKeys<M, N> as Primitive>::decode(signature, encoding)?;
            Ok(keys.verify_fed(feed, &[tag.0]))
        }
        match self.0 {
            KeySet::Sha256(keys) => check_fed_with(keys, feed, signature, encoding),
            #[cfg(feature = "sha1")]
            KeySet::Sha1(keys) => check_fed_with(keys, feed, signature, encoding),
            #[cfg(feature = "sha512")]
            KeySet::Sha512(keys) => check_fed_with(keys, feed, signature, encoding),
            _ => Ok(Err(Error::InvalidConfig(
                "fed content is only for MAC schemes",
            ))),
        }
    }

    /// The MAC of fed content under the current key, encoded; `None` for
    /// public-key or token schemes.
    #[cfg_attr(not(feature = "sha1"), allow(dead_code))] // Twilio's for now
    pub(crate) fn sign_fed(
        &self,
        feed: Feed<'_>,
        encoding: crate::scheme::Encoding,
    ) -> Option<String> {
        let tag: Vec<u8> = match self.0 {
            KeySet::Sha256(keys) => keys.sign_fed(feed).to_vec(),
            #[cfg(feature = "sha1")]
            KeySet::Sha1(keys) => keys.sign_fed(feed).to_vec(),
            #[cfg(feature = "sha512")]
            KeySet::Sha512(keys) => keys.sign_fed(feed).to_vec(),
            _ => return None,
        };
        Some(encoding::encode(&tag, encoding))
    }

    /// The HMAC-SHA256 of `parts` under the current key; `None` for keys
    /// of another algorithm.
    pub(crate) fn sign_sha256(&self, parts: &[&[u8]]) -> Option<[u8; 32]> {
        match self.0 {
            KeySet::Sha256(keys) => Some(keys.sign(parts)),
            _ => None,
        }
    }

    /// Checks `signature` (encoded in `encoding`) over `parts` against
    /// every accepted key, in constant time, without allocating.
    ///
    /// # Errors
    ///
    /// The decoding problem, as a `&'static str`, when `signature` does not
    /// decode; [`Error::SignatureMismatch`] inside `Ok` otherwise failing.
    pub(crate) fn check(
        &self,
        parts: &[&[u8]],
        signatures: &[&[u8]],
        encoding: crate::scheme::Encoding,
    ) -> Result<Result<(), Error>, &'static str> {
        fn check_with<P: Primitive>(
            keys: &P,
            parts: &[&[u8]],
            signatures: &[&[u8]],
            encoding: crate::scheme::Encoding,
        ) -> Result<Result<(), Error>, &'static str> {
            let mut candidates = Candidates::new(P::EMPTY);
            for signature in signatures {
                candidates.push(P::decode(signature, encoding))?;
            }
            let tags = candidates.tags(|| "no signature")?;
            Ok(keys.verify(parts, tags))
        }
        match self.0 {
            KeySet::Sha256(keys) => check_with(keys, parts, signatures, encoding),
            #[cfg(feature = "sha1")]
            KeySet::Sha1(keys) => check_with(keys, parts, signatures, encoding),
            #[cfg(feature = "sha512")]
            KeySet::Sha512(keys) => check_with(keys, parts, signatures, encoding),
            #[cfg(feature = "ed25519")]
            KeySet::Ed25519(keys) => check_with(keys, parts, signatures, encoding),
            #[cfg(feature = "p256")]
            KeySet::P256(keys) => check_with(keys, parts, signatures, encoding),
            KeySet::Token(keys) => check_with(keys, parts, signatures, encoding),
        }
    }
}

impl KeySet {
    fn new(algorithm: Algorithm, key: &[u8]) -> Result<Self, Error> {
        Ok(match algorithm {
            Algorithm::HmacSha256 => KeySet::Sha256(MacKeys::new(key)?),
            #[cfg(feature = "sha1")]
            Algorithm::HmacSha1 => KeySet::Sha1(MacKeys::new(key)?),
            #[cfg(feature = "sha512")]
            Algorithm::HmacSha512 => KeySet::Sha512(MacKeys::new(key)?),
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => KeySet::Ed25519(crate::public_key::Ed25519Keys::new(key)?),
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256(format) => {
                KeySet::P256(crate::public_key::P256Keys::new(key, format)?)
            }
            Algorithm::SharedToken => KeySet::Token(TokenKeys::new(key)?),
        })
    }

    #[cfg(any(feature = "ed25519", feature = "p256"))]
    fn set_signing(&mut self, key: &[u8]) -> Result<(), Error> {
        match self {
            #[cfg(feature = "ed25519")]
            KeySet::Ed25519(keys) => keys.set_signing(key),
            #[cfg(feature = "p256")]
            KeySet::P256(keys) => keys.set_signing(key),
            _ => Err(Error::InvalidConfig(
                "a signing key is only for public-key schemes: a shared secret already signs",
            )),
        }
    }

    pub(crate) fn add_previous_raw(&mut self, key: &[u8]) -> Result<(), Error> {
        self.add_previous(key)
    }

    fn add_previous(&mut self, key: &[u8]) -> Result<(), Error> {
        match self {
            KeySet::Sha256(keys) => keys.add_previous(key),
            #[cfg(feature = "sha1")]
            KeySet::Sha1(keys) => keys.add_previous(key),
            #[cfg(feature = "sha512")]
            KeySet::Sha512(keys) => keys.add_previous(key),
            #[cfg(feature = "ed25519")]
            KeySet::Ed25519(keys) => keys.add_previous(key),
            #[cfg(feature = "p256")]
            KeySet::P256(keys) => keys.add_previous(key),
            KeySet::Token(keys) => keys.add_previous(key),
        }
    }

    fn count(&self) -> usize {
        match self {
            KeySet::Sha256(keys) => keys.count(),
            #[cfg(feature = "sha1")]
            KeySet::Sha1(keys) => keys.count(),
            #[cfg(feature = "sha512")]
            KeySet::Sha512(keys) => keys.count(),
            #[cfg(feature = "ed25519")]
            KeySet::Ed25519(keys) => keys.count(),
            #[cfg(feature = "p256")]
            KeySet::P256(keys) => keys.count(),
            KeySet::Token(keys) => keys.count(),
        }
    }
}

/// One algorithm's verification, generic so each tag size is its own
/// fixed-size stack array.
pub(crate) trait Primitive {
    /// A decoded signature.
    type Tag: Copy;
    /// A placeholder tag, for the candidate array.
    const EMPTY: Self::Tag;
    /// Decodes one signature.
    fn decode(input: &[u8], encoding: crate::scheme::Encoding) -> Result<Self::Tag, &'static str>;
    /// Succeeds when any key accepts any tag over the parts.
    fn verify(&self, parts: &[&[u8]], tags: &[Self::Tag]) -> Result<(), Error>;
    /// The signature over the parts with the signing key, if there is one.
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, Error>;
}

/// A decoded MAC tag, 8-byte aligned: as `[u8; N]` it would sit at an odd
/// offset in `Result<[u8; N], &str>` and in the parsed header, and be moved
/// with narrow, misaligned loads that stall on the wide stores that wrote
/// it (measured: a tenth of Slack's 64-byte verification).
#[derive(Clone, Copy)]
#[repr(C, align(8))]
pub(crate) struct MacTag<const N: usize>(pub(crate) [u8; N]);

impl<const N: usize> std::borrow::Borrow<[u8; N]> for MacTag<N> {
    fn borrow(&self) -> &[u8; N] {
        &self.0
    }
}

impl<M: hmac::Mac + hmac::digest::KeyInit + Clone, const N: usize> Primitive for MacKeys<M, N> {
    type Tag = MacTag<N>;
    const EMPTY: MacTag<N> = MacTag([0; N]);

    #[inline]
    fn decode(input: &[u8], encoding: crate::scheme::Encoding) -> Result<MacTag<N>, &'static str> {
        encoding::decode_exact::<N>(input, encoding).map(MacTag)
    }

    #[inline]
    fn verify(&self, parts: &[&[u8]], tags: &[MacTag<N>]) -> Result<(), Error> {
        MacKeys::verify(self, parts, tags)
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, Error> {
        Ok(MacKeys::sign(self, parts).to_vec())
    }
}

/// A shared token: the "tag" is the SHA-256 digest of the presented
/// value, compared in constant time with each accepted token's digest; the
/// content is not used (nothing is signed).
impl Primitive for TokenKeys {
    type Tag = [u8; 32];
    const EMPTY: [u8; 32] = [0; 32];

    fn decode(input: &[u8], _encoding: crate::scheme::Encoding) -> Result<[u8; 32], &'static str> {
        if input.is_empty() {
            return Err("is empty");
        }
        Ok(crate::key::token_digest(input))
    }

    fn verify(&self, _parts: &[&[u8]], tags: &[[u8; 32]]) -> Result<(), Error> {
        if self.accepts(tags) {
            Ok(())
        } else {
            Err(Error::SignatureMismatch)
        }
    }

    fn sign(&self, _parts: &[&[u8]]) -> Result<Vec<u8>, Error> {
        Ok(self.current().to_vec())
    }
}

/// The decoded signatures of a multi-signature header, on the stack.
///
/// A candidate that does not decode is skipped when another decodes — the
/// senders' libraries skip it too, and an unreadable entry cannot match —
/// but when none decodes, the header is malformed and the first problem is
/// reported.
struct Candidates<T> {
    tags: [T; MAX_SIGNATURES],
    len: usize,
    entries: usize,
    problem: Option<&'static str>,
}

impl<T: Copy> Candidates<T> {
    fn new(empty: T) -> Self {
        Candidates {
            tags: [empty; MAX_SIGNATURES],
            len: 0,
            entries: 0,
            problem: None,
        }
    }

    /// Counts one entry of the list, whatever its version.
    fn count(&mut self) -> Result<(), &'static str> {
        self.entries += 1;
        if self.entries > MAX_SIGNATURES {
            return Err("more than 32 signatures");
        }
        Ok(())
    }

    /// Counts a signature entry and keeps its decoded tag, or its problem.
    fn push(&mut self, decoded: Result<T, &'static str>) -> Result<(), &'static str> {
        self.count()?;
        match decoded {
            Ok(tag) => {
                self.tags[self.len] = tag;
                self.len += 1;
            }
            Err(problem) => {
                self.problem.get_or_insert(problem);
            }
        }
        Ok(())
    }

    /// The decoded tags, at least one.
    #[inline]
    fn tags(&self, missing: impl FnOnce() -> &'static str) -> Result<&[T], &'static str> {
        match (self.len, self.problem) {
            (0, Some(problem)) => Err(problem),
            (0, None) => Err(missing()),
            (len, _) => Ok(&self.tags[..len]),
        }
    }
}

/// The problem texts of a list's timestamp key, named for the keys senders
/// use.
fn timestamp_key_problems(key: &str) -> [&'static str; 4] {
    match key {
        "t" => [
            "missing the `t=` element",
            "more than one `t=` element",
            "`t` is not UNIX seconds (digits only)",
            "`t` is not UNIX milliseconds (digits only)",
        ],
        "ts" => [
            "missing the `ts=` element",
            "more than one `ts=` element",
            "`ts` is not UNIX seconds (digits only)",
            "`ts` is not UNIX milliseconds (digits only)",
        ],
        _ => [
            "missing the timestamp element",
            "more than one timestamp element",
            "the timestamp element is not UNIX seconds (digits only)",
            "the timestamp element is not UNIX milliseconds (digits only)",
        ],
    }
}

fn no_signature_problem(syntax: &Syntax) -> &'static str {
    match syntax {
        Syntax::List { signature_key, .. } => match &**signature_key {
            "v1" => "no `v1=` signature",
            "h1" => "no `h1=` signature",
            "s" => "no `s=` signature",
            _ => "no signature under the accepted key",
        },
        Syntax::Entries { version } => match &**version {
            "v1" => "no `v1,` signature",
            "v1a" => "no `v1a,` signature",
            _ => "no signature of the accepted version",
        },
        Syntax::Plain { .. } => "no signature",
        Syntax::Token => "no token",
    }
}

fn separator_problem(separator: u8) -> &'static str {
    match separator {
        b'.' => "contains a `.`",
        b':' => "contains a `:`",
        b'|' => "contains a `|`",
        _ => "contains the separator that follows it in the signed content",
    }
}

/// `value` without `prefix`, if it starts with it. Compared byte by byte
/// in place: a prefix is a few public bytes (`sha256=`, often none), and
/// the call to `memcmp` that `<[u8]>::strip_prefix` makes cost more than
/// the comparison (measured: Shopify's empty prefix took an eighth of its
/// 64-byte verification).
#[inline(always)]
fn strip_prefix<'a>(value: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let (head, rest) = value.split_at_checked(prefix.len())?;
    short_eq(head, prefix).then_some(rest)
}

/// `a == b` for the few public bytes of a list key or version (`t`, `v1`,
/// `ts`), in place: slice equality calls `memcmp` (measured: 2.5 % of a
/// 64-byte Stripe verification).
#[inline(always)]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let mut same = a.len() == b.len();
    for (a, b) in a.iter().zip(b) {
        same &= a == b;
    }
    same
}

/// The parsed signature header: one signature, or the candidates of a
/// list and, for lists, the timestamp element.
///
/// The candidates live in storage the caller keeps on its stack
/// (`Option::None` until a list needs it), so a plain signature neither
/// initialises nor moves the list's kilobyte.
enum Parsed<'a, 'c, T> {
    One(T),
    Many {
        candidates: &'c Candidates<T>,
        timestamp: Option<&'a [u8]>,
    },
}

impl<'a, T: Copy> Parsed<'a, '_, T> {
    fn timestamp(&self) -> Option<&'a [u8]> {
        match self {
            Parsed::One(_) => None,
            Parsed::Many { timestamp, .. } => *timestamp,
        }
    }
}

#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn parse_signature<'a, 'c, P: Primitive>(
    scheme: &Scheme,
    value: &'a [u8],
    storage: &'c mut Option<Candidates<P::Tag>>,
) -> Result<Parsed<'a, 'c, P::Tag>, &'static str> {
    let encoding = scheme.encoding;
    let mut timestamp = None;
    let candidates = match &scheme.signature.syntax {
        // One signature: a problem decoding it is the header's.
        Syntax::Plain { .. } | Syntax::Token => {
            return single_tag::<P>(scheme, value).map(Parsed::One);
        }
        _ => storage.insert(Candidates::new(P::EMPTY)),
    };
    match &scheme.signature.syntax {
        Syntax::List {
            separator,
            trim: trimmed,
            signature_key,
            timestamp_key,
        } => {
            for element in value.split(|b| b == separator) {
                let element = if *trimmed {
                    headers::trim_ows(element)
                } else {
                    element
                };
                let (key, rest) = match element.iter().position(|&b| b == b'=') {
                    Some(eq) => (&element[..eq], &element[eq + 1..]),
                    None => (element, &b""[..]),
                };
                if timestamp_key
                    .as_deref()
                    .is_some_and(|ts| short_eq(ts.as_bytes(), key))
                {
                    if timestamp.is_some() {
                        let key = timestamp_key.as_deref().unwrap_or_default();
                        return Err(timestamp_key_problems(key)[1]);
                    }
                    timestamp = Some(rest);
                } else if short_eq(key, signature_key.as_bytes()) {
                    candidates.push(P::decode(rest, encoding))?;
                } else {
                    candidates.count()?;
                }
            }
            if let Some(key) = timestamp_key {
                if timestamp.is_none() {
                    return Err(timestamp_key_problems(key)[0]);
                }
            }
        }
        Syntax::Plain { .. } | Syntax::Token => {}
        Syntax::Entries { version } => {
            for entry in value.split(|&b| b == b' ').filter(|e| !e.is_empty()) {
                match entry.iter().position(|&b| b == b',') {
                    Some(comma) if short_eq(&entry[..comma], version.as_bytes()) => {
                        candidates.push(P::decode(&entry[comma + 1..], encoding))?;
                    }
                    _ => candidates.count()?,
                }
            }
        }
    }
    Ok(Parsed::Many {
        candidates: &*candidates,
        timestamp,
    })
}

/// The signatures of a plain scheme carried by several headers (the
/// scheme's own and `also`): every present one is a candidate.
fn parse_headers<'a, 'c, P: Primitive>(
    scheme: &Scheme,
    headers: &'a dyn Headers,
    also: &[HeaderName],
    storage: &'c mut Option<Candidates<P::Tag>>,
) -> Result<Parsed<'a, 'c, P::Tag>, Error> {
    let Syntax::Plain {
        prefix,
        prefix_problem,
        ..
    } = &scheme.signature.syntax
    else {
        return Err(Error::InvalidConfig(
            "only a plain signature has several headers",
        ));
    };
    let candidates = storage.insert(Candidates::new(P::EMPTY));
    let mut first_problem: Option<(&HeaderName, &'static str)> = None;
    for name in std::iter::once(scheme.signature.header()).chain(also) {
        let value = match headers.lookup(name.as_str()) {
            Lookup::Missing => continue,
            Lookup::Repeated => return Err(Error::RepeatedHeader(name.clone())),
            Lookup::One(value) => headers::trim_ows(value),
        };
        let decoded = match strip_prefix(value, prefix.as_bytes()) {
            _ if value.is_empty() => Err("empty value"),
            Some(rest) => P::decode(rest, scheme.encoding),
            None => Err(*prefix_problem),
        };
        if let Err(problem) = decoded {
            first_problem.get_or_insert((name, problem));
        }
        candidates
            .push(decoded)
            .map_err(|problem| malformed(name, problem))?;
    }
    if candidates.entries == 0 {
        return Err(Error::MissingHeader(scheme.signature.header().clone()));
    }
    if candidates.len == 0 {
        if let Some((name, problem)) = first_problem {
            return Err(malformed(name, problem));
        }
    }
    Ok(Parsed::Many {
        candidates: &*candidates,
        timestamp: None,
    })
}

/// The signed timestamp in its unit: seconds or milliseconds since the
/// epoch.
#[derive(Clone, Copy)]
struct Stamp {
    value: i128,
    millis: bool,
}

impl Stamp {
    fn time(self) -> Option<SystemTime> {
        if self.millis {
            time::from_unix_millis(self.value)
        } else {
            time::from_unix_secs(self.value)
        }
    }
}

#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn parse_stamp(text: &[u8], unit: Unit) -> Option<Stamp> {
    match unit {
        Unit::Seconds => time::parse_unix_secs(text).map(|value| Stamp {
            value,
            millis: false,
        }),
        Unit::Millis => time::parse_unix_secs(text).map(|value| Stamp {
            value,
            millis: true,
        }),
        Unit::Rfc3339 => rfc3339_stamp(text),
    }
}

/// [`parse_stamp`] of an RFC 3339 date-time, kept out of line: only Twitch
/// and a few others sign one, and the digit parsers inline into the rest.
#[inline(never)]
fn rfc3339_stamp(text: &[u8]) -> Option<Stamp> {
    std::str::from_utf8(text)
        .ok()
        .and_then(time::parse_rfc3339_millis)
        .map(|value| Stamp {
            value,
            millis: true,
        })
}

fn header_stamp_problem(unit: Unit) -> &'static str {
    match unit {
        Unit::Seconds => "expected UNIX seconds (digits only)",
        Unit::Millis => "expected UNIX milliseconds (digits only)",
        Unit::Rfc3339 => "expected an RFC 3339 date-time",
    }
}

/// The body member timestamp (Linear's `webhookTimestamp`).
fn body_stamp(body: &[u8], member: &'static str, unit: Unit) -> Result<Stamp, Error> {
    match json::top_level(body, &[(member, Kind::U64)]) {
        Ok([Value::U64(value)]) => Ok(Stamp {
            value: i128::from(value),
            millis: unit != Unit::Seconds,
        }),
        Ok(_) => Err(Error::MalformedBody(body_member_problems(member)[0])),
        Err(problem) => Err(problem.into_error(|problem| match problem {
            Problem::Repeated(_) => body_member_problems(member)[1],
            _ => body_member_problems(member)[2],
        })),
    }
}

fn body_member_problems(member: &str) -> [&'static str; 3] {
    match member {
        "webhookTimestamp" => [
            "missing top-level `webhookTimestamp`",
            "top-level `webhookTimestamp` appears more than once",
            "top-level `webhookTimestamp` is not a non-negative integer of milliseconds",
        ],
        _ => [
            "missing the top-level timestamp member",
            "the top-level timestamp member appears more than once",
            "the top-level timestamp member is not a non-negative integer",
        ],
    }
}

#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn check_window(stamp: Stamp, now: SystemTime, ts: &crate::scheme::Timestamp) -> Result<(), Error> {
    if !ts.bounded {
        return Ok(());
    }
    let result = if stamp.millis {
        time::check_window_millis(stamp.value, now, ts.tolerance)
    } else {
        time::check_window_secs(stamp.value, now, ts.tolerance)
    };
    match result {
        Err(Error::TimestampInFuture) if !ts.future => Ok(()),
        other => other,
    }
}

#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn field<'a>(source: &Source, headers: &'a dyn Headers, signed: Option<&'a str>) -> Field<'a> {
    match source {
        Source::None => Field::Absent,
        Source::Header(name) => match name.as_static() {
            Some(name) => Field::Header(name),
            None => Field::Value(headers::text(headers, name.as_str())),
        },
        Source::SignedHeader(_) => Field::Value(signed),
        Source::Body(member) => Field::Body(member),
        Source::BodyInteger(member) => Field::BodyInteger(member),
    }
}

#[inline]
fn required<'a>(headers: &'a dyn Headers, name: &HeaderName) -> Result<&'a [u8], Error> {
    headers::required(headers, name.as_str(), || name.clone())
}

#[cold]
fn malformed(name: &HeaderName, problem: &'static str) -> Error {
    Error::MalformedHeader {
        name: name.clone(),
        problem,
    }
}

/// The inputs read from the request besides the signature.
#[derive(Default)]
struct Inputs<'a> {
    id: Option<&'a [u8]>,
    id_text: Option<&'a str>,
    timestamp: Option<&'a [u8]>,
}

/// Reads the signed id and the timestamp header, in that order.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn read_inputs<'a>(
    scheme: &Scheme,
    headers: &'a dyn Headers,
    inputs: &mut Inputs<'a>,
) -> Result<(), Error> {
    if let Source::SignedHeader(name) = &scheme.id {
        let id = required(headers, name)?;
        // The id is followed in the content by a separator: an id holding
        // it would make two requests sign the same bytes.
        let position = scheme.content.iter().position(|part| *part == Part::Id);
        if let Some(Part::Literal([separator])) = position.and_then(|at| scheme.content.get(at + 1))
        {
            if id.contains(separator) {
                return Err(malformed(name, separator_problem(*separator)));
            }
        }
        // Signed, but of no use unread: the id is what deduplication keys
        // on, and `Delivery::id` is text.
        inputs.id_text =
            Some(std::str::from_utf8(id).map_err(|_| malformed(name, "is not UTF-8"))?);
        inputs.id = Some(id);
    }
    if let Some(ts) = &scheme.timestamp {
        if let TimestampSource::Header(name) = &ts.source {
            inputs.timestamp = Some(required(headers, name)?);
        }
    }
    Ok(())
}

/// Whether the request uses the fallback's header set: when this scheme's
/// signature header is absent and the fallback's is present. With a
/// fallback, the chosen set's signature header has been looked up, and its
/// lookup is returned so that it is not made twice.
#[inline(always)]
fn select<'a>(scheme: &Scheme, headers: &'a dyn Headers) -> (bool, Option<Lookup<'a>>) {
    let Some(fallback) = &scheme.fallback else {
        return (false, None);
    };
    match headers.lookup(scheme.signature.header().as_str()) {
        Lookup::Missing => match headers.lookup(fallback.signature.header().as_str()) {
            Lookup::Missing => (false, Some(Lookup::Missing)),
            found => (true, Some(found)),
        },
        found => (false, Some(found)),
    }
}

/// Refuses any of `others` beside the header set in use.
#[inline(never)]
fn unmixed(
    headers: &dyn Headers,
    others: &'static [&'static str],
    problem: &'static str,
) -> Result<(), Error> {
    match others
        .iter()
        .find(|name| headers.lookup(name) != Lookup::Missing)
    {
        Some(name) => Err(Error::MalformedHeader {
            name: HeaderName::from_static(name),
            problem,
        }),
        None => Ok(()),
    }
}

fn needs(what: &'static str) -> Error {
    Error::InvalidConfig(what)
}

/// Gathers the signed content's parts on the stack and verifies them.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn verify_parts<P: Primitive>(
    keys: &P,
    scheme: &Scheme,
    incoming: &Incoming<'_>,
    inputs: &Inputs<'_>,
    tags: &[P::Tag],
) -> Result<(), Error> {
    let headers = incoming.headers;
    let body = incoming.body;
    let mut parts: [&[u8]; MAX_PARTS] = [&[]; MAX_PARTS];
    for (slot, part) in parts.iter_mut().zip(scheme.content.iter()) {
        *slot = match part {
            Part::Body => body,
            Part::Literal(bytes) => bytes,
            Part::Header(name) => required(headers, name)?,
            Part::Timestamp => inputs.timestamp.unwrap_or_default(),
            Part::Id => inputs.id.unwrap_or_default(),
            Part::Method => incoming
                .method
                .ok_or_else(|| needs("this scheme signs the request method: pass it with `Incoming::method`"))?
                .as_bytes(),
            Part::Url => incoming
                .url
                .ok_or_else(|| needs("this scheme signs the request URL: pass the public URL with `Incoming::url`"))?
                .as_bytes(),
            Part::Path => incoming
                .path()
                .ok_or_else(|| needs("this scheme signs the request path: pass the public URL with `Incoming::url`"))?
                .as_bytes(),
            Part::Configured(bytes) => bytes,
        };
    }
    keys.verify(&parts[..scheme.content.len()], tags)
}

/// The parsed timestamp of a scheme whose timestamp is a header (already
/// read into `inputs`); `None` for other schemes.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn header_stamp(scheme: &Scheme, inputs: &Inputs<'_>) -> Result<Option<Stamp>, Error> {
    match &scheme.timestamp {
        Some(ts) => match &ts.source {
            TimestampSource::Header(name) => {
                let text = inputs.timestamp.unwrap_or_default();
                parse_stamp(text, ts.unit)
                    .map(Some)
                    .ok_or_else(|| malformed(name, header_stamp_problem(ts.unit)))
            }
            _ => Ok(None),
        },
        None => Ok(None),
    }
}

/// Verifies `incoming` under `scheme` with one algorithm's keys: the
/// header set, the timestamp, the content parts and the window as the
/// scheme describes them.
///
/// `PLAIN_BODY` is true only for a scheme of the plain-body family
/// ([`Scheme::is_plain_body`]), which [`run_plain`] verifies in
/// straight-line code instead.
// Forced inline (like the helpers above it) only when optimised: without
// optimisation, every inlined callee keeps its own stack slots, and the
// frame outgrows small thread stacks (`tests/adversarial.rs` verifies on a
// 64 KiB stack).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn run<'a, P: Primitive, const PLAIN_BODY: bool>(
    keys: &P,
    scheme: &Scheme,
    window: Option<&Timestamp>,
    name: &'static str,
    incoming: &Incoming<'a>,
    signature: Option<Lookup<'a>>,
    now: SystemTime,
) -> Result<Delivery<'a>, Error> {
    if PLAIN_BODY {
        return run_plain(keys, scheme, name, incoming, signature);
    }
    let headers = incoming.headers;
    let body = incoming.body;
    let signature_header = scheme.signature.header();
    let mut inputs = Inputs::default();
    let mut stamp = None;
    if scheme.signature_last {
        // The sender's order: id, then timestamp (read and parsed), then
        // the signature, so the first problem reported is the first one a
        // sender's own library would report.
        read_inputs(scheme, headers, &mut inputs)?;
        stamp = header_stamp(scheme, &inputs)?;
    }
    let mut storage = None;
    let parsed = match &scheme.signature.syntax {
        Syntax::Plain { also, .. } if !also.is_empty() => {
            parse_headers::<P>(scheme, headers, also, &mut storage)?
        }
        _ => {
            let value = signature_value(headers, signature_header, signature)?;
            parse_signature::<P>(scheme, value, &mut storage)
                .map_err(|p| malformed(signature_header, p))?
        }
    };
    if !scheme.signature_last {
        read_inputs(scheme, headers, &mut inputs)?;
    }
    if let Some(ts) = &scheme.timestamp {
        match &ts.source {
            TimestampSource::Header(_) => {
                if !scheme.signature_last {
                    stamp = header_stamp(scheme, &inputs)?;
                }
            }
            TimestampSource::InSignature => {
                let text = parsed.timestamp().unwrap_or_default();
                inputs.timestamp = parsed.timestamp();
                let key = match &scheme.signature.syntax {
                    Syntax::List {
                        timestamp_key: Some(key),
                        ..
                    } => &**key,
                    _ => "",
                };
                stamp = Some(parse_stamp(text, ts.unit).ok_or_else(|| {
                    let problem =
                        timestamp_key_problems(key)[usize::from(ts.unit != Unit::Seconds) + 2];
                    malformed(signature_header, problem)
                })?);
            }
            TimestampSource::Body(_) => {}
        }
    }
    let tags = match &parsed {
        Parsed::One(tag) => std::slice::from_ref(tag),
        Parsed::Many { candidates, .. } => candidates
            .tags(|| no_signature_problem(&scheme.signature.syntax))
            .map_err(|p| malformed(signature_header, p))?,
    };

    if matches!(scheme.content[..], [Part::Body]) {
        // The common case, signed body alone: no parts to gather.
        keys.verify(&[body], tags)?;
    } else {
        verify_parts(keys, scheme, incoming, &inputs, tags)?;
    }

    if let Some(ts) = &scheme.timestamp {
        if let TimestampSource::Body(member) = ts.source {
            stamp = Some(body_stamp(body, member, ts.unit)?);
        }
        if let Some(stamp) = stamp {
            check_window(stamp, now, window.unwrap_or(ts))?;
        }
    }
    Ok(verified(
        scheme,
        name,
        incoming,
        inputs.id_text,
        stamp.and_then(Stamp::time),
    ))
}

/// The verified delivery: its id and event where the scheme finds them
/// (`id_text`, a signed id already read), its signed time, its ping event.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn verified<'a>(
    scheme: &Scheme,
    name: &'static str,
    incoming: &Incoming<'a>,
    id_text: Option<&'a str>,
    timestamp: Option<SystemTime>,
) -> Delivery<'a> {
    let headers = incoming.headers;
    let mut delivery = Delivery::new(name, incoming.body, headers)
        .with_id(field(&scheme.id, headers, id_text))
        .with_event(field(&scheme.event, headers, None))
        .with_timestamp(timestamp);
    if let Some(ping) = scheme.ping_event {
        delivery = delivery.with_ping_event(ping);
    }
    delivery
}

/// The signature header's value, from the lookup already made when the
/// header set was chosen ([`select`]), or looked up now.
#[inline]
fn signature_value<'a>(
    headers: &'a dyn Headers,
    name: &HeaderName,
    lookup: Option<Lookup<'a>>,
) -> Result<&'a [u8], Error> {
    match lookup {
        Some(lookup) => headers::checked(lookup, || name.clone()),
        None => required(headers, name),
    }
}

/// The one tag of a plain (`prefix` then the signature) or token header.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn single_tag<P: Primitive>(scheme: &Scheme, value: &[u8]) -> Result<P::Tag, &'static str> {
    let encoded = match &scheme.signature.syntax {
        Syntax::Plain {
            prefix,
            prefix_problem,
            ..
        } => strip_prefix(value, prefix.as_bytes()).ok_or(*prefix_problem)?,
        _ => value,
    };
    P::decode(encoded, scheme.encoding)
}

/// Verifies a scheme of the plain-body family ([`Scheme::is_plain_body`]):
/// one header, its prefix and the signature, over the body alone, in
/// straight-line code (the decoded tag goes from the decoder to the
/// comparison without passing through the candidates of a list).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn run_plain<'a, P: Primitive>(
    keys: &P,
    scheme: &Scheme,
    name: &'static str,
    incoming: &Incoming<'a>,
    signature: Option<Lookup<'a>>,
) -> Result<Delivery<'a>, Error> {
    let header = scheme.signature.header();
    let value = signature_value(incoming.headers, header, signature)?;
    let tag = single_tag::<P>(scheme, value).map_err(|problem| malformed(header, problem))?;
    keys.verify(&[incoming.body], std::slice::from_ref(&tag))?;
    Ok(verified(scheme, name, incoming, None, None))
}

/// Verifies and signs the deliveries of one sender: a [`Scheme`], its keys,
/// and the sender's quirks `S`. Every built-in provider is an alias of it
/// (`github::GitHub` = `Verifier<github::Spec>`), and so its builder
/// methods are written once, here.
///
/// Build it once and share it (it is `Clone`, `Send` and `Sync`): each
/// secret's HMAC key schedule, or each public key's parsing, runs when it
/// is built, not per request. `Debug` shows how many keys it holds, never
/// the keys.
#[derive(Clone)]
pub struct Verifier<S: Sender> {
    scheme: Scheme,
    /// `scheme` is `S::fixed()` but for its windows: verify with the
    /// constant.
    fixed: bool,
    pub(crate) keys: KeySet,
    pub(crate) spec: S,
}

impl<S: Sender + Default> Verifier<S> {
    /// A verifier for deliveries signed with `secret` (for a public-key
    /// scheme, the sender's public key), with the sender's default
    /// tolerance.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty or is not in the
    /// form the sender issues it (a `whsec_` secret that is not base64, a
    /// public key that does not parse).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Self::build(S::scheme(), S::default(), secret.as_ref())
    }
}

impl<S: Sender> Verifier<S> {
    pub(crate) fn build(scheme: Scheme, spec: S, secret: &[u8]) -> Result<Self, Error> {
        scheme.validate()?;
        if scheme.content.len() > MAX_PARTS {
            return Err(Error::InvalidConfig(
                "the signed content has more than 8 parts",
            ));
        }
        let keys =
            encoding::key_bytes(secret, scheme.key, |key| KeySet::new(scheme.algorithm, key))?;
        let mut spec = spec;
        spec.keep_secret(secret)?;
        Ok(Verifier::assemble(scheme, keys, spec))
    }

    /// A verifier whose key is `key` itself, bypassing the scheme's key
    /// format.
    pub(crate) fn build_raw(scheme: Scheme, spec: S, key: &[u8]) -> Result<Self, Error> {
        scheme.validate()?;
        let keys = KeySet::new(scheme.algorithm, key)?;
        Ok(Verifier::assemble(scheme, keys, spec))
    }

    fn assemble(scheme: Scheme, keys: KeySet, spec: S) -> Self {
        let fixed = Self::is_fixed(&scheme);
        Verifier {
            scheme,
            fixed,
            keys,
            spec,
        }
    }

    fn is_fixed(scheme: &Scheme) -> bool {
        S::fixed().is_some_and(|fixed| fixed.same_but_windows(scheme))
    }

    /// The scheme, to change after the verifier is built (a provider's
    /// option): it is interpreted from then on, not run as `S::fixed()`.
    pub(crate) fn scheme_mut(&mut self) -> &mut Scheme {
        self.fixed = false;
        &mut self.scheme
    }

    /// Also accepts deliveries signed with `secret`, for rotating the
    /// secret without downtime. Call it once per old secret; signing keeps
    /// using the secret given to `new`.
    ///
    /// ```
    /// let github = hooksig::github::GitHub::new("new")?.with_previous("old")?;
    /// # let _ = github;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As `new`.
    pub fn with_previous(mut self, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        let keys = &mut self.keys;
        encoding::key_bytes(secret.as_ref(), self.scheme.key, |key| {
            keys.add_previous(key)
        })?;
        self.spec.keep_secret(secret.as_ref())?;
        Ok(self)
    }

    /// How far the signed timestamp may be from the clock, in either
    /// direction, inclusive. Defaults to the sender's own window (see the
    /// provider's docs); no effect for a sender that signs no timestamp.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.spec.set_tolerance(&mut self.scheme, tolerance);
        self.fixed = Self::is_fixed(&self.scheme);
        self
    }

    /// The sender's private key, so that [`sign_headers`](crate::Provider::sign_headers)
    /// signs as the sender does, for testing a receiver (a receiver itself
    /// never needs it). Only for public-key schemes (Ed25519, ECDSA P-256);
    /// verification keeps using the public key(s).
    ///
    /// An Ed25519 key is its 32-byte seed as hex, base64 or `whsk_` +
    /// base64, or PKCS#8 (DER or PEM); a P-256 key is PKCS#8 (DER as base64
    /// or bytes, or PEM) or its 32-byte scalar as hex.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the key does not parse, does not
    /// belong to the current public key, or the scheme is a MAC.
    #[cfg(any(feature = "ed25519", feature = "p256"))]
    #[cfg_attr(docsrs, doc(cfg(any(feature = "ed25519", feature = "p256"))))]
    pub fn signing_key(mut self, private_key: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.set_signing(private_key.as_ref())?;
        Ok(self)
    }

    /// The scheme this verifier runs.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The signature of `parts` with the current key, encoded as on the
    /// wire.
    pub(crate) fn sign_parts(&self, parts: &[&[u8]]) -> Result<String, Error> {
        let tag = match &self.keys {
            KeySet::Token(keys) => {
                return std::str::from_utf8(keys.current())
                    .map(str::to_owned)
                    .map_err(|_| Error::InvalidConfig("a shared token to send must be UTF-8"));
            }
            KeySet::Sha256(keys) => Primitive::sign(keys, parts),
            #[cfg(feature = "sha1")]
            KeySet::Sha1(keys) => Primitive::sign(keys, parts),
            #[cfg(feature = "sha512")]
            KeySet::Sha512(keys) => Primitive::sign(keys, parts),
            #[cfg(feature = "ed25519")]
            KeySet::Ed25519(keys) => Primitive::sign(keys, parts),
            #[cfg(feature = "p256")]
            KeySet::P256(keys) => Primitive::sign(keys, parts),
        }?;
        Ok(encoding::encode(&tag, self.scheme.encoding))
    }

    /// The signature of `parts` as HMAC keys, for providers whose sign
    /// helpers return a plain `String` (HMAC schemes never fail to sign).
    pub(crate) fn sign_mac(&self, parts: &[&[u8]]) -> String {
        self.sign_parts(parts)
            .unwrap_or_else(|_| unreachable!("HMAC schemes always sign"))
    }

    /// [`Provider::verify_incoming`](crate::Provider::verify_incoming),
    /// inlined into it and into `verify_at`: built there, the request's
    /// parts stay in registers (read back from the caller's `Incoming`, the
    /// headers' fat pointer was loaded as one 16-byte word just after being
    /// stored as two, a store-forwarding stall, `perf`: a third of a
    /// 64-byte Shopify verification's own time).
    #[inline(always)]
    fn verify_request<'a>(
        &self,
        incoming: &Incoming<'a>,
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        let keys = Keys(&self.keys);
        let mut verified = match self.spec.verify(&keys, &self.scheme, incoming, now) {
            Some(result) => result,
            None => match S::fixed() {
                // The same code with the scheme a constant: the optimiser
                // folds every decision the scheme makes.
                Some(fixed) if self.fixed => self.verify_as(fixed, incoming, now),
                _ => self.verify_as(&self.scheme, incoming, now),
            },
        };
        // Finished in place: the 176-byte delivery is not moved out of the
        // result and back.
        if let Ok(delivery) = &mut verified {
            self.spec.finish_with_keys(&keys, delivery, incoming, now)?;
        }
        verified
    }

    /// Verifies with `scheme`: the verifier's own, or `S::fixed()` while
    /// that is the same but for its windows, which are always read from
    /// the verifier's own (its tolerance).
    #[inline(always)]
    fn verify_as<'a>(
        &self,
        scheme: &Scheme,
        incoming: &Incoming<'a>,
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        let (fell_back, signature) = select(scheme, incoming.headers);
        // Two calls rather than one on a chosen pointer, so that each set
        // of a constant scheme stays a constant.
        match (&scheme.fallback, &self.scheme.fallback) {
            (Some(fallback), Some(live)) if fell_back => {
                self.verify_set(fallback, live, incoming, signature, now)
            }
            _ => self.verify_set(scheme, &self.scheme, incoming, signature, now),
        }
    }

    /// Verifies with one header set's `scheme`, whose windows are `live`'s.
    #[inline(always)]
    fn verify_set<'a>(
        &self,
        scheme: &Scheme,
        live: &Scheme,
        incoming: &Incoming<'a>,
        signature: Option<Lookup<'a>>,
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        let window = live.timestamp.as_ref();
        let verified = if scheme.is_plain_body() {
            self.verify_scheme::<true>(scheme, window, incoming, signature, now)
        } else {
            self.verify_scheme::<false>(scheme, window, incoming, signature, now)
        };
        let (others, problem) = scheme.unmixed;
        if verified.is_ok() && !others.is_empty() {
            unmixed(incoming.headers, others, problem)?;
        }
        verified
    }

    #[inline(always)]
    fn verify_scheme<'a, const PLAIN_BODY: bool>(
        &self,
        scheme: &Scheme,
        window: Option<&Timestamp>,
        incoming: &Incoming<'a>,
        signature: Option<Lookup<'a>>,
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        match &self.keys {
            KeySet::Sha256(keys) => {
                run::<_, PLAIN_BODY>(keys, scheme, window, S::NAME, incoming, signature, now)
            }
            #[cfg(feature = "sha1")]
            KeySet::Sha1(keys) => {
                run::<_, PLAIN_BODY>(keys, scheme, window, S::NAME, incoming, signature, now)
            }
            #[cfg(feature = "sha512")]
            KeySet::Sha512(keys) => {
                run::<_, PLAIN_BODY>(keys, scheme, window, S::NAME, incoming, signature, now)
            }
            #[cfg(feature = "ed25519")]
            KeySet::Ed25519(keys) => {
                run::<_, PLAIN_BODY>(keys, scheme, window, S::NAME, incoming, signature, now)
            }
            #[cfg(feature = "p256")]
            KeySet::P256(keys) => {
                run::<_, PLAIN_BODY>(keys, scheme, window, S::NAME, incoming, signature, now)
            }
            KeySet::Token(keys) => {
                run::<_, PLAIN_BODY>(keys, scheme, window, S::NAME, incoming, signature, now)
            }
        }
    }
}

impl<S: Sender> fmt::Debug for Verifier<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct(S::TYPE_NAME);
        out.field(
            if self.scheme.algorithm.is_mac() {
                "secrets"
            } else {
                "keys"
            },
            &self.keys.count(),
        );
        if let Some(ts) = self.scheme.timestamp.as_ref().filter(|ts| ts.bounded) {
            out.field("tolerance", &ts.tolerance);
        }
        out.finish_non_exhaustive()
    }
}

impl<S: Sender + fmt::Debug> crate::Provider for Verifier<S> {
    fn name(&self) -> &'static str {
        S::NAME
    }

    fn verify_incoming<'a>(
        &self,
        incoming: &Incoming<'a>,
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        self.verify_request(incoming, now)
    }

    fn verify_at<'a>(
        &self,
        headers: &'a dyn Headers,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        self.verify_request(&Incoming::new(headers, body), now)
    }

    fn reads_clock(&self) -> bool {
        self.scheme.timestamp.is_some() || self.spec.reads_clock()
    }

    fn signs_request(&self) -> bool {
        self.scheme.needs_request() || self.spec.signs_request()
    }

    fn challenge(&self, incoming: &Incoming<'_>) -> Option<Result<Reply, Error>> {
        match &self.scheme.challenge {
            Some(challenge) => answer_challenge(challenge, incoming),
            None => self.spec.challenge(incoming),
        }
    }

    fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
        let scheme = &self.scheme;
        let mut headers = http::HeaderMap::new();
        let mut timestamp_text = String::new();
        if let Some(ts) = &scheme.timestamp {
            match ts.source {
                TimestampSource::Body(member) => {
                    body_stamp(outgoing.body, member, ts.unit)?;
                }
                _ => {
                    let at = outgoing.time();
                    timestamp_text = match ts.unit {
                        Unit::Seconds => time::signing_secs(at)?.to_string(),
                        Unit::Millis => time::signing_millis(at)?.to_string(),
                        Unit::Rfc3339 => time::format_rfc3339_millis(at)?,
                    };
                }
            }
        }
        let id = match &scheme.id {
            Source::SignedHeader(_) => Some(signed_id(scheme, outgoing.id)?),
            _ => None,
        };
        let mut parts: Vec<&[u8]> = Vec::with_capacity(scheme.content.len());
        for part in scheme.content.iter() {
            parts.push(match part {
                Part::Body => outgoing.body,
                Part::Literal(bytes) => bytes,
                Part::Header(name) => {
                    let value =
                        outgoing
                            .header_value(name.as_str())
                            .ok_or(Error::InvalidConfig(
                                "the scheme signs a header: set it with `Outgoing::headers`",
                            ))?;
                    // The receiver reads it trimmed, as HTTP delivers it.
                    match headers::trim_ows(value) {
                        [] => return Err(Error::InvalidConfig("a signed header is empty")),
                        value => value,
                    }
                }
                Part::Timestamp => timestamp_text.as_bytes(),
                Part::Id => id.unwrap_or_default().as_bytes(),
                Part::Method => outgoing
                    .method
                    .ok_or(Error::InvalidConfig(
                        "the scheme signs the method: set `Outgoing::method`",
                    ))?
                    .as_bytes(),
                Part::Url => outgoing
                    .url
                    .ok_or(Error::InvalidConfig(
                        "the scheme signs the URL: set `Outgoing::url`",
                    ))?
                    .as_bytes(),
                Part::Path => Incoming::new(&[] as &[(&str, &str); 0], b"")
                    .url(outgoing.url.ok_or(Error::InvalidConfig(
                        "the scheme signs the path: set `Outgoing::url`",
                    ))?)
                    .path()
                    .unwrap_or("/")
                    .as_bytes(),
                Part::Configured(bytes) => bytes,
            });
        }
        let signature = self.sign_parts(&parts)?;
        let value = match &scheme.signature.syntax {
            Syntax::Plain { prefix, .. } => format!("{prefix}{signature}"),
            Syntax::List {
                separator,
                signature_key,
                timestamp_key,
                ..
            } => match timestamp_key {
                Some(key) => format!(
                    "{key}={timestamp_text}{}{signature_key}={signature}",
                    char::from(*separator)
                ),
                None => format!("{signature_key}={signature}"),
            },
            Syntax::Entries { version } => format!("{version},{signature}"),
            Syntax::Token => signature,
        };
        if let Source::SignedHeader(name) = &scheme.id {
            provider::insert(&mut headers, name.as_str(), id.unwrap_or_default())?;
        }
        if let Some(ts) = &scheme.timestamp {
            if let TimestampSource::Header(name) = &ts.source {
                provider::insert(&mut headers, name.as_str(), &timestamp_text)?;
            }
        }
        provider::insert(&mut headers, scheme.signature.header().as_str(), &value)?;
        for (source, value) in [(&scheme.id, outgoing.id), (&scheme.event, outgoing.event)] {
            if let (Source::Header(name), Some(value)) = (source, value) {
                provider::insert(&mut headers, name.as_str(), value)?;
            }
        }
        for (name, value) in outgoing.headers {
            if !headers.contains_key(*name) {
                provider::insert(&mut headers, name, value)?;
            }
        }
        self.spec
            .sign_with_keys(&Keys(&self.keys), outgoing, &mut headers)?;
        Ok(headers)
    }
}

/// The outgoing id of a scheme that signs it, checked as the receiver will
/// read it.
fn signed_id<'a>(scheme: &Scheme, id: Option<&'a str>) -> Result<&'a str, Error> {
    let id = id.ok_or(Error::InvalidConfig(
        "the scheme signs a message id: set `Outgoing::id`",
    ))?;
    let position = scheme.content.iter().position(|part| *part == Part::Id);
    let separator = match position.and_then(|at| scheme.content.get(at + 1)) {
        Some(Part::Literal([separator])) => Some(*separator),
        _ => None,
    };
    if id.is_empty() || separator.is_some_and(|s| id.as_bytes().contains(&s)) {
        return Err(Error::InvalidConfig(
            "a signed id must be non-empty and not contain the separator that follows it",
        ));
    }
    if id.starts_with([' ', '\t']) || id.ends_with([' ', '\t']) {
        return Err(Error::InvalidConfig(
            "a signed id must not start or end with whitespace",
        ));
    }
    Ok(id)
}

/// Decodes a query component: `+` is a space, `%XX` a byte.
fn query_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(at + 1..at + 3)?;
                let mut byte = [0u8];
                hex::decode_to_slice(hex, &mut byte).ok()?;
                out.push(byte[0]);
                at += 2;
            }
            b => out.push(b),
        }
        at += 1;
    }
    String::from_utf8(out).ok()
}

/// Answers `challenge` for `incoming` when it is a GET carrying its
/// parameter.
pub(crate) fn answer_challenge(
    challenge: &crate::scheme::Challenge,
    incoming: &Incoming<'_>,
) -> Option<Result<Reply, Error>> {
    if !incoming.method?.eq_ignore_ascii_case("GET") {
        return None;
    }
    let query = incoming.query()?;
    let get = |wanted: &str| -> Option<Result<String, Error>> {
        let mut found = None;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if query_decode(key).as_deref() == Some(wanted) {
                if found.is_some() {
                    return Some(Err(Error::MalformedChallenge));
                }
                found = Some(query_decode(value).ok_or(Error::MalformedChallenge));
            }
        }
        found
    };
    let value = match get(&challenge.param)? {
        Ok(value) => value,
        Err(err) => return Some(Err(err)),
    };
    for (param, expected) in &challenge.checks {
        let given = match get(param) {
            Some(Ok(given)) => given,
            Some(Err(err)) => return Some(Err(err)),
            None => String::new(),
        };
        if !crate::key::secrets_equal(given.as_bytes(), expected.as_bytes()) {
            return Some(Err(Error::SignatureMismatch));
        }
    }
    if !crate::delivery::echoable(&value) {
        return Some(Err(Error::MalformedChallenge));
    }
    Some(Ok(Reply::new(
        http::StatusCode::OK,
        Some("text/plain"),
        value.into_bytes(),
    )
    .header("x-content-type-options", "nosniff")))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::scheme::Encoding;
    use crate::{github, shopify, slack, standard, stripe, Provider};

    /// Each sender with a constant scheme is built to run it, keeps running
    /// it under a changed tolerance, and `scheme()` is that constant.
    #[test]
    fn fixed_senders_run_their_constant() {
        fn check<S: Sender + Default>() {
            let verifier = Verifier::<S>::new("secret").unwrap();
            assert!(verifier.fixed, "{}", S::NAME);
            assert_eq!(verifier.scheme(), S::fixed().unwrap(), "{}", S::NAME);
            let verifier = verifier.tolerance(Duration::from_secs(10));
            assert!(verifier.fixed, "{} after tolerance", S::NAME);
        }
        check::<github::Spec>();
        check::<stripe::Spec>();
        check::<slack::Spec>();
        check::<shopify::Spec>();
        check::<standard::Spec>();
    }

    /// The constant's own window is not the verifier's: a changed tolerance
    /// still decides.
    #[test]
    fn the_fixed_path_reads_the_verifiers_tolerance() {
        let at = 1_700_000_000;
        let body = br#"{"id":"evt_1","type":"ping"}"#;
        let stripe = stripe::Stripe::new("whsec_test").unwrap();
        let signature = stripe.sign(at, body);
        let headers = [("Stripe-Signature", signature.as_str())];
        let later = |secs| UNIX_EPOCH + Duration::from_secs(at + secs);
        assert!(stripe.verify_at(&headers, body, later(11)).is_ok());
        let strict = stripe.tolerance(Duration::from_secs(10));
        assert!(strict.fixed);
        assert!(strict.verify_at(&headers, body, later(10)).is_ok());
        assert_eq!(
            strict.verify_at(&headers, body, later(11)).unwrap_err(),
            Error::TimestampTooOld
        );

        let slack = slack::Slack::new("secret").unwrap();
        let signature = slack.sign(at, body);
        let stamp = at.to_string();
        let headers = [
            ("X-Slack-Signature", signature.as_str()),
            ("X-Slack-Request-Timestamp", stamp.as_str()),
        ];
        assert!(slack.verify_at(&headers, body, later(11)).is_ok());
        let strict = slack.tolerance(Duration::from_secs(10));
        assert_eq!(
            strict.verify_at(&headers, body, later(11)).unwrap_err(),
            Error::TimestampTooOld
        );
    }

    /// A scheme changed after the verifier is built is interpreted, not
    /// the constant it started from.
    #[test]
    fn a_changed_scheme_leaves_the_fixed_path() {
        let body = b"{}";
        let mut github = github::GitHub::new("secret").unwrap();
        let signature = github.sign(body);
        let headers = [("X-Hub-Signature-256", signature.as_str())];
        assert!(github.verify_at(&headers, body, UNIX_EPOCH).is_ok());
        github.scheme_mut().encoding = Encoding::Base64;
        assert!(!github.fixed);
        assert!(matches!(
            github.verify_at(&headers, body, UNIX_EPOCH).unwrap_err(),
            Error::MalformedHeader { .. }
        ));
    }
}
