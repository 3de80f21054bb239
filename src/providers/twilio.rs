//! Twilio webhooks (voice, messaging, status callbacks).
//!
//! Twilio signs the **public URL** it requested and, for a form post, the
//! form parameters, with HMAC-SHA1 under the account's Auth Token, and sends
//! the padded base64 MAC in `X-Twilio-Signature`
//! ([Webhooks security](https://www.twilio.com/docs/usage/webhooks/webhooks-security)).
//! The signed string, as Twilio's SDKs build it (`twilio` 9.13.0 on PyPI,
//! `twilio` 6.3.1 on npm, `RequestValidator`):
//! - the full URL (scheme, host, optional port, path and query) exactly as
//!   configured;
//! - then, for an `application/x-www-form-urlencoded` body, each parameter
//!   name sorted by code point, each name once, followed by its **decoded**
//!   values sorted and without duplicates, appended as `name` + `value`
//!   with no separators (an empty value appends the name only);
//! - for a JSON body, Twilio adds `bodySHA256=<lowercase hex SHA-256 of the
//!   body>` to the URL's query and signs the URL alone; hooksig then checks
//!   the hash too (as a string, so uppercase hex fails, as in the SDKs).
//!
//! Port variants: Twilio is inconsistent about the port, so, as both SDKs
//! do, the signature is checked over the URL with any explicit port
//! removed and over the URL with the scheme's default port (443 or 80)
//! added when it has none. (twilio-node also tries the URL as re-encoded
//! by `new URL()`; hooksig does not.)
//!
//! The URL is signed, so verification needs [`Incoming::url`], the public
//! URL Twilio called (behind a proxy, the one configured in Twilio's
//! console, not the one the server sees); without it, verification fails
//! with [`Error::InvalidConfig`].
//!
//! SHA-1 is accepted because Twilio's Auth Token scheme offers nothing
//! else. Twilio's **SharedKey** webhooks sign the same string with
//! HMAC-SHA256 and name the algorithm in
//! `X-Twilio-Webhooks-Signature-Settings: key=…,algorithm=HMAC_SHA256`
//! ([`Twilio::shared_key`]); a verifier checks only its own algorithm, and
//! the settings header must name it (absent, it means HMAC_SHA1), so a
//! SharedKey request is never checked with SHA-1.
//!
//! What the signature does **not** cover: the headers, including
//! `I-Twilio-Idempotency-Token`; a multipart or other non-form body
//! without `bodySHA256`.
//!
//! Replay defence: none from the signature, which has no timestamp.
//! [`Delivery::id`] is `I-Twilio-Idempotency-Token` (unsigned; Twilio
//! sends it on webhooks and keeps it across retries, per the catalogue:
//! not confirmed by the SDKs), for deduplicating.
//!
//! Verification allocates nothing: up to [`MAX_PARAMS`] parameters are
//! sorted as slices of the body in a fixed array on the stack (more is
//! malformed), and their percent-decoding is streamed into the MAC.
//!
//! ```
//! use hooksig::{twilio::Twilio, Incoming, Provider};
//!
//! // twilio-python's tests/unit/test_request_validator.py vector.
//! let twilio = Twilio::new("12345")?;
//! let headers = [
//!     ("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
//!     ("Content-Type", "application/x-www-form-urlencoded"),
//! ];
//! let body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
//! let incoming = Incoming::new(&headers, body)
//!     .method("POST")
//!     .url("https://mycompany.com/myapp.php?foo=1&bar=2");
//! assert!(twilio.verify_incoming(&incoming, std::time::SystemTime::now()).is_ok());
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::cmp::Ordering;
use std::time::SystemTime;

use crate::engine::{sealed, Keys, Sender, Verifier};
use crate::error::HeaderName;
use crate::headers::{self, Lookup};
use crate::provider::{self, Outgoing};
use crate::scheme::{Algorithm, Encoding, Id, Part, Scheme, Signature};
use crate::{Delivery, Error, Incoming};

/// The signature header, `X-Twilio-Signature`.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";
/// The SharedKey settings header, `X-Twilio-Webhooks-Signature-Settings`
/// (`key=…,algorithm=HMAC_SHA256`).
pub const SETTINGS_HEADER: &str = "x-twilio-webhooks-signature-settings";
/// The idempotency header, `I-Twilio-Idempotency-Token`. Not signed.
pub const IDEMPOTENCY_HEADER: &str = "i-twilio-idempotency-token";
/// The most form parameters a verified body may have.
pub const MAX_PARAMS: usize = 256;

/// Twilio's scheme, for [`Twilio`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

fn scheme_of(algorithm: Algorithm) -> Scheme {
    Scheme::new(algorithm)
        .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
        .encoding(Encoding::Base64)
        .content([Part::Url])
        // Its own verification covers the body: the form parameters, or
        // the URL's `bodySHA256`.
        .body_covered_elsewhere()
        .id(Id::header_static(IDEMPOTENCY_HEADER))
}

/// A form-decoded byte stream: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is (as Python's `unquote_plus`).
fn decoded(raw: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let b = *raw.get(at)?;
        at += 1;
        Some(match b {
            b'+' => b' ',
            b'%' => match (
                raw.get(at).and_then(|&h| hex(h)),
                raw.get(at + 1).and_then(|&l| hex(l)),
            ) {
                (Some(h), Some(l)) => {
                    at += 2;
                    (h << 4) | l
                }
                _ => b'%',
            },
            b => b,
        })
    })
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Feeds the decoded bytes of `raw` to `sink`, runs of plain bytes at once.
fn feed_decoded(raw: &[u8], sink: &mut dyn FnMut(&[u8])) {
    let mut start = 0;
    let mut at = 0;
    while at < raw.len() {
        // Jump to the next byte that may need decoding (SIMD search).
        match memchr::memchr2(b'+', b'%', &raw[at..]) {
            Some(skip) => at += skip,
            None => break,
        }
        let single = match raw[at] {
            b'+' => Some((b' ', 1)),
            b'%' => match (
                raw.get(at + 1).and_then(|&h| hex(h)),
                raw.get(at + 2).and_then(|&l| hex(l)),
            ) {
                (Some(h), Some(l)) => Some(((h << 4) | l, 3)),
                _ => None,
            },
            _ => None,
        };
        if let Some((byte, len)) = single {
            sink(&raw[start..at]);
            sink(&[byte]);
            at += len;
            start = at;
        } else {
            at += 1;
        }
    }
    sink(&raw[start..]);
}

/// One form parameter, still encoded: slices of the body, and whether
/// decoding may change the name or the value (usually neither: plain
/// fields compare and feed as they are).
#[derive(Clone, Copy)]
struct Param<'a> {
    name: &'a [u8],
    value: &'a [u8],
    name_encoded: bool,
    value_encoded: bool,
}

impl Param<'_> {
    const EMPTY: Param<'static> = Param {
        name: b"",
        value: b"",
        name_encoded: false,
        value_encoded: false,
    };

    /// By decoded name, then decoded value.
    fn order(&self, other: &Param<'_>) -> Ordering {
        let field = |a: &[u8], a_encoded: bool, b: &[u8], b_encoded: bool| {
            if a_encoded || b_encoded {
                decoded(a).cmp(decoded(b))
            } else {
                a.cmp(b)
            }
        };
        field(self.name, self.name_encoded, other.name, other.name_encoded).then_with(|| {
            field(
                self.value,
                self.value_encoded,
                other.value,
                other.value_encoded,
            )
        })
    }

    /// Feeds the decoded `name` + `value`.
    fn feed(&self, sink: &mut dyn FnMut(&[u8])) {
        for (raw, encoded) in [
            (self.name, self.name_encoded),
            (self.value, self.value_encoded),
        ] {
            if encoded {
                feed_decoded(raw, sink);
            } else if !raw.is_empty() {
                sink(raw);
            }
        }
    }
}

/// How many parameters the array on the stack holds before a larger one
/// (of [`MAX_PARAMS`]) is needed: Twilio's callbacks carry two or three
/// dozen.
const FEW_PARAMS: usize = 32;

/// Runs `then` on the form parameters of `body`, sorted by decoded name
/// then value (duplicates are skipped when fed), held in an array on the
/// stack: a small one for the usual few dozen, else one of [`MAX_PARAMS`]
/// (more is malformed).
fn with_sorted_params<'a, R>(
    body: &'a [u8],
    then: impl FnOnce(&[Param<'a>]) -> R,
) -> Result<R, Error> {
    let mut few = [Param::EMPTY; FEW_PARAMS];
    if let Some(len) = split_params(body, &mut few) {
        return Ok(then(sorted(&mut few[..len])));
    }
    many_params(body, then)
}

/// [`with_sorted_params`] beyond [`FEW_PARAMS`], its large array only
/// initialised when needed.
#[inline(never)]
fn many_params<'a, R>(body: &'a [u8], then: impl FnOnce(&[Param<'a>]) -> R) -> Result<R, Error> {
    let mut many = [Param::EMPTY; MAX_PARAMS];
    let len = split_params(body, &mut many)
        .ok_or(Error::MalformedBody("more than 256 form parameters"))?;
    Ok(then(sorted(&mut many[..len])))
}

/// The `name=value` pairs of `body` (empty ones skipped) into `slots`: how
/// many, or `None` when they do not fit.
fn split_params<'a>(body: &'a [u8], slots: &mut [Param<'a>]) -> Option<usize> {
    let mut len = 0;
    let mut at = 0;
    while at < body.len() {
        // The name, usually short, byte by byte up to `=` or `&`.
        let start = at;
        let mut name_encoded = false;
        while let Some(&b) = body.get(at) {
            match b {
                b'=' | b'&' => break,
                b'+' | b'%' => name_encoded = true,
                _ => {}
            }
            at += 1;
        }
        let name = &body[start..at];
        // The value, often long, by SIMD search up to `&`.
        let mut value_encoded = false;
        let value: &[u8] = if body.get(at) == Some(&b'=') {
            let value_start = at + 1;
            at = match memchr::memchr3(b'&', b'+', b'%', &body[value_start..]) {
                None => body.len(),
                Some(skip) if body[value_start + skip] == b'&' => value_start + skip,
                Some(skip) => {
                    // Encoded: only its end is still needed.
                    value_encoded = true;
                    let after = value_start + skip + 1;
                    memchr::memchr(b'&', &body[after..]).map_or(body.len(), |amp| after + amp)
                }
            };
            &body[value_start..at]
        } else {
            b""
        };
        // `at` is at the `&` or the end: step past it. An empty pair
        // (`&&`) is no parameter.
        let empty = at == start;
        at += 1;
        if empty {
            continue;
        }
        *slots.get_mut(len)? = Param {
            name,
            value,
            name_encoded,
            value_encoded,
        };
        len += 1;
    }
    Some(len)
}

fn sorted<'s, 'a>(params: &'s mut [Param<'a>]) -> &'s [Param<'a>] {
    // In place: `sort_unstable_by` does not allocate.
    params.sort_unstable_by(Param::order);
    params
}

/// Feeds the sorted parameters, each distinct `name` + `value` once.
fn feed_params(params: &[Param<'_>], sink: &mut dyn FnMut(&[u8])) {
    let mut previous: Option<&Param<'_>> = None;
    for param in params {
        if previous.is_some_and(|p| p.order(param) == Ordering::Equal) {
            continue;
        }
        param.feed(sink);
        previous = Some(param);
    }
}

/// The URL's `bodySHA256` query value, if it has one.
fn body_sha256_param(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("bodySHA256="))
}

/// The URL with its explicit port removed, and with the scheme's default
/// port added when it has none, as slices of `url` (Twilio's SDKs'
/// `remove_port` / `add_port`).
fn port_variants(url: &str) -> [[&[u8]; 3]; 2] {
    let whole: [&[u8]; 3] = [url.as_bytes(), b"", b""];
    // `url.find("://")`, by the `:`s (cheaper than a substring searcher).
    let bytes = url.as_bytes();
    let Some(scheme_end) =
        memchr::memchr_iter(b':', bytes).find(|&at| bytes[at + 1..].starts_with(b"//"))
    else {
        return [whole, whole];
    };
    // One pass over the authority (short): its end, and its last `@`,
    // `:` and `]`, as `str` searches would find them (all are ASCII).
    let start = scheme_end + 3;
    let (mut end, mut at_sign, mut colon, mut bracket) = (bytes.len(), None, None, None);
    for (at, &b) in bytes.iter().enumerate().skip(start) {
        match b {
            b'/' | b'?' | b'#' => {
                end = at;
                break;
            }
            b'@' => at_sign = Some(at),
            b':' => colon = Some(at),
            b']' => bracket = Some(at),
            _ => {}
        }
    }
    // The host follows the last `@`; its port, the digits after its last
    // `:`, unless an IPv6 literal's `]` comes after that `:`.
    let port_colon = colon.filter(|&colon| {
        at_sign.is_none_or(|at_sign| colon > at_sign)
            && bracket.is_none_or(|bracket| bracket < colon)
            && colon + 1 < end
            && bytes[colon + 1..end].iter().all(u8::is_ascii_digit)
    });
    match port_colon {
        Some(colon) => [[&bytes[..colon], &bytes[end..], b""], whole],
        None => {
            let default: &[u8] = if url[..scheme_end].eq_ignore_ascii_case("https") {
                b":443"
            } else {
                b":80"
            };
            [whole, [&bytes[..end], default, &bytes[end..]]]
        }
    }
}

/// Whether the body is form parameters (or has no declared type).
fn is_form(headers: &dyn crate::Headers) -> bool {
    match headers::text(headers, "content-type") {
        Some(kind) => kind
            .trim_start()
            .get(..33)
            .is_some_and(|kind| kind.eq_ignore_ascii_case("application/x-www-form-urlencoded")),
        None => headers.lookup("content-type") == Lookup::Missing,
    }
}

fn malformed(name: &'static str, problem: &'static str) -> Error {
    Error::MalformedHeader {
        name: HeaderName::from_static(name),
        problem,
    }
}

/// The algorithm the settings header names: HMAC-SHA1 when absent.
fn named_algorithm(headers: &dyn crate::Headers) -> Result<&'static str, Error> {
    let value = match headers.lookup(SETTINGS_HEADER) {
        Lookup::Missing => return Ok("HMAC_SHA1"),
        Lookup::Repeated => {
            return Err(Error::RepeatedHeader(HeaderName::from_static(
                SETTINGS_HEADER,
            )))
        }
        Lookup::One(value) => value,
    };
    let mut named = "HMAC_SHA1";
    for element in value.split(|&b| b == b',') {
        let element = element.trim_ascii();
        if let Some(algorithm) = element.strip_prefix(b"algorithm=") {
            named = match algorithm {
                b"HMAC_SHA1" => "HMAC_SHA1",
                b"HMAC_SHA256" => "HMAC_SHA256",
                _ => return Err(malformed(SETTINGS_HEADER, "names an unknown algorithm")),
            };
        }
    }
    Ok(named)
}

fn own_algorithm(scheme: &Scheme) -> &'static str {
    match scheme.algorithm() {
        Algorithm::HmacSha256 => "HMAC_SHA256",
        _ => "HMAC_SHA1",
    }
}

impl Sender for Spec {
    const NAME: &'static str = "twilio";
    const TYPE_NAME: &'static str = "Twilio";

    /// `X-Twilio-Signature`, base64 HMAC-SHA1; the content is made by
    /// [`Sender::verify`].
    fn scheme() -> Scheme {
        scheme_of(Algorithm::HmacSha1)
    }

    fn verify<'a>(
        &self,
        keys: &Keys<'_>,
        scheme: &Scheme,
        incoming: &Incoming<'a>,
        _now: SystemTime,
    ) -> Option<Result<Delivery<'a>, Error>> {
        let run = || {
            let headers = incoming.headers();
            let signature = headers::required(headers, SIGNATURE_HEADER, || {
                HeaderName::from_static(SIGNATURE_HEADER)
            })?;
            let url = incoming.url_str().ok_or(Error::InvalidConfig(
                "Twilio signs the request URL: pass the public URL with `Incoming::url`",
            ))?;
            if named_algorithm(headers)? != own_algorithm(scheme) {
                // Never check a SharedKey request with the Auth Token's
                // SHA-1, nor the reverse.
                return Err(Error::SignatureMismatch);
            }
            let body = incoming.body();
            let hash = body_sha256_param(url);
            let check = |params: &[Param<'_>]| {
                let mut result = Ok(Err(Error::SignatureMismatch));
                for variant in port_variants(url) {
                    let feed = |sink: &mut dyn FnMut(&[u8])| {
                        for part in variant.into_iter().filter(|part| !part.is_empty()) {
                            sink(part);
                        }
                        feed_params(params, sink);
                    };
                    result = keys.check_fed(&feed, signature, Encoding::Base64);
                    if !matches!(result, Ok(Err(_))) {
                        break;
                    }
                }
                result
            };
            let result = match hash {
                None if is_form(headers) => with_sorted_params(body, check)?,
                _ => check(&[]),
            };
            result.map_err(|problem| malformed(SIGNATURE_HEADER, problem))??;
            if let Some(expected) = hash {
                let digest = crate::key::sha256(body);
                let given =
                    crate::encoding::decode_exact::<32>(expected.as_bytes(), Encoding::HexLower);
                if given != Ok(digest) {
                    return Err(Error::SignatureMismatch);
                }
            }
            Ok(Delivery::new(Self::NAME, body, headers)
                .with_id(crate::delivery::Field::Header(IDEMPOTENCY_HEADER)))
        };
        Some(run())
    }

    /// Signs as Twilio does: the URL as given and the sorted form
    /// parameters of the body (none when the URL carries `bodySHA256`).
    fn sign_with_keys(
        &self,
        keys: &Keys<'_>,
        outgoing: &Outgoing<'_>,
        headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        let url = outgoing.url.ok_or(Error::InvalidConfig(
            "Twilio signs the URL: set `Outgoing::url`",
        ))?;
        let sign = |params: &[Param<'_>]| {
            let feed = |sink: &mut dyn FnMut(&[u8])| {
                sink(url.as_bytes());
                feed_params(params, sink);
            };
            keys.sign_fed(&feed, Encoding::Base64)
        };
        let signature = match body_sha256_param(url) {
            None => with_sorted_params(outgoing.body, sign)?,
            Some(_) => sign(&[]),
        }
        .ok_or(Error::InvalidConfig("Twilio signs with a MAC"))?;
        provider::insert(headers, SIGNATURE_HEADER, &signature)?;
        if keys.sign_sha256(&[]).is_some() {
            provider::insert(headers, SETTINGS_HEADER, "algorithm=HMAC_SHA256")?;
        }
        Ok(())
    }
}

/// Verifies and signs Twilio webhooks. Feature `sha1`.
///
/// `Twilio::new(auth_token)`, the account's Auth Token (HMAC-SHA1);
/// [`Twilio::shared_key`] for SharedKey webhooks (HMAC-SHA256);
/// `.with_previous(token)` keeps a secondary token during a rotation.
/// There is no timestamp.
///
/// `sign_headers` needs the outgoing URL (`Outgoing::url`); it signs the
/// URL as given and the body's form parameters, and sends
/// `X-Twilio-Signature` (and, for a SharedKey verifier,
/// `X-Twilio-Webhooks-Signature-Settings: algorithm=HMAC_SHA256`). For a
/// JSON post, give a URL whose query carries
/// `bodySHA256=`[`body_sha256`]`(body)`.
pub type Twilio = Verifier<Spec>;

impl Verifier<Spec> {
    /// A verifier for SharedKey webhooks: HMAC-SHA256 under the SharedKey
    /// secret, for requests whose `X-Twilio-Webhooks-Signature-Settings`
    /// names `HMAC_SHA256`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn shared_key(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Verifier::build(scheme_of(Algorithm::HmacSha256), Spec, secret.as_ref())
    }
}

/// The `bodySHA256` Twilio puts in the URL of a JSON post: the lowercase
/// hex SHA-256 of the raw body.
#[must_use]
pub fn body_sha256(body: &[u8]) -> String {
    hex::encode(crate::key::sha256(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;

    fn verify(
        twilio: &Twilio,
        headers: &[(&str, &str)],
        url: &str,
        body: &[u8],
    ) -> Result<(), Error> {
        let incoming = Incoming::new(&headers, body).method("POST").url(url);
        twilio
            .verify_incoming(&incoming, SystemTime::now())
            .map(|_| ())
    }

    const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

    #[test]
    fn published_form_vector() {
        // twilio-python tests/unit/test_request_validator.py (also twilio-node).
        let twilio = Twilio::new("12345").unwrap();
        let body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
        let headers = [("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), FORM];
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(verify(&twilio, &headers, url, body), Ok(()));
        assert_eq!(
            verify(
                &twilio,
                &headers,
                "https://mycompany.com/myapp.php?foo=1&bar=3",
                body
            ),
            Err(Error::SignatureMismatch)
        );
        let signed = twilio.sign_headers(&Outgoing::new(body).url(url)).unwrap();
        assert_eq!(signed[SIGNATURE_HEADER], "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        assert!(matches!(
            verify(&twilio, &headers, url, &[]),
            Err(Error::SignatureMismatch)
        ));
        let no_url = Incoming::new(&headers, body);
        assert!(matches!(
            twilio.verify_incoming(&no_url, SystemTime::now()),
            Err(Error::InvalidConfig(_))
        ));
    }

    #[test]
    fn params_sort_bytewise_and_deduplicate() {
        let fed = |body: &[u8]| {
            with_sorted_params(body, |params| {
                let mut out = Vec::new();
                feed_params(params, &mut |chunk| out.extend_from_slice(chunk));
                out
            })
        };
        let pairs = b"b=2&B=1&a=3&Tag=b&Tag=a&Tag=b&E=&F";
        assert_eq!(fed(pairs).unwrap(), b"B1EFTagaTagba3b2");
        // Decoded before they are compared: `%41` is `A`, `+` a space.
        assert_eq!(
            fed(b"b=%41&%61=2&a=2&b=A&c=a+b&c=a%20b&&d").unwrap(),
            b"a2bAca bd"
        );
        let mut out = Vec::new();
        feed_decoded(b"a+b%21%2x%", &mut |chunk| out.extend_from_slice(chunk));
        assert_eq!(out, b"a b!%2x%");
        // The small array and the large one sort alike, up to the limit,
        // as a plain decode-sort-deduplicate does.
        let reference = |body: &[u8]| {
            let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = body
                .split(|&b| b == b'&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let mut halves = pair.splitn(2, |&b| b == b'=');
                    let name = decoded(halves.next().unwrap_or(b"")).collect();
                    (name, decoded(halves.next().unwrap_or(b"")).collect())
                })
                .collect();
            pairs.sort();
            pairs.dedup();
            pairs
                .into_iter()
                .flat_map(|(n, v)| [n, v])
                .collect::<Vec<_>>()
                .concat()
        };
        for n in [FEW_PARAMS - 1, FEW_PARAMS, FEW_PARAMS + 1, MAX_PARAMS] {
            let body: Vec<String> = (0..n)
                .map(|i| format!("p{}=%{:02X}{}", (i * 7) % 13, (i * 31) % 256, i % 3))
                .collect();
            let body = body.join("&");
            assert_eq!(
                fed(body.as_bytes()).unwrap(),
                reference(body.as_bytes()),
                "{n}"
            );
        }
        // Every short body over the bytes that matter, as the reference
        // splits, decodes and sorts it.
        let alphabet = b"a=&+%41";
        for len in 0..=5u32 {
            for mut code in 0..(alphabet.len() as u32).pow(len) {
                let body: Vec<u8> = (0..len)
                    .map(|_| {
                        let b = alphabet[(code % alphabet.len() as u32) as usize];
                        code /= alphabet.len() as u32;
                        b
                    })
                    .collect();
                assert_eq!(
                    fed(&body).unwrap(),
                    reference(&body),
                    "{:?}",
                    String::from_utf8_lossy(&body)
                );
            }
        }
        let many = "a=1&".repeat(MAX_PARAMS + 1);
        assert!(fed(many.as_bytes()).is_err());
        // Empty pairs are not parameters, but count as separators.
        let sparse = format!("{}a=1", "&".repeat(4 * MAX_PARAMS));
        assert_eq!(fed(sparse.as_bytes()).unwrap(), b"a1");
    }

    #[test]
    fn port_variants_follow_the_sdks() {
        let join = |v: [&[u8]; 3]| String::from_utf8(v.concat()).unwrap();
        let [without, with] = port_variants("https://e.com/a?b=1");
        assert_eq!(
            (join(without), join(with)),
            (
                "https://e.com/a?b=1".into(),
                "https://e.com:443/a?b=1".into()
            )
        );
        let [without, with] = port_variants("http://u:p@e.com:8080");
        assert_eq!(
            (join(without), join(with)),
            ("http://u:p@e.com".into(), "http://u:p@e.com:8080".into())
        );
        let [without, with] = port_variants("http://[::1]/x");
        assert_eq!(
            (join(without), join(with)),
            ("http://[::1]/x".into(), "http://[::1]:80/x".into())
        );
        for (url, without, with) in [
            (
                "http://[::1]:8080/x",
                "http://[::1]/x",
                "http://[::1]:8080/x",
            ),
            (
                "https://u:1@e.com?q",
                "https://u:1@e.com?q",
                "https://u:1@e.com:443?q",
            ),
            ("http://e.com:/x", "http://e.com:/x", "http://e.com::80/x"),
            (
                "HTTPS://e.com:44a#f",
                "HTTPS://e.com:44a#f",
                "HTTPS://e.com:44a:443#f",
            ),
        ] {
            let [a, b] = port_variants(url);
            assert_eq!((join(a), join(b)), (without.into(), with.into()), "{url}");
        }
        let [without, _] = port_variants("not a url");
        assert_eq!(join(without), "not a url");
    }

    #[test]
    fn shared_key_is_never_checked_with_sha1() {
        let shared = Twilio::shared_key("shared").unwrap();
        let url = "https://e.com/hook";
        let body = b"A=1";
        let signed = shared.sign_headers(&Outgoing::new(body).url(url)).unwrap();
        assert_eq!(signed[SETTINGS_HEADER], "algorithm=HMAC_SHA256");
        let incoming = Incoming::new(&signed, body).url(url);
        assert!(shared.verify_incoming(&incoming, SystemTime::now()).is_ok());
        let sha1 = Twilio::new("shared").unwrap();
        assert_eq!(
            sha1.verify_incoming(&incoming, SystemTime::now())
                .unwrap_err(),
            Error::SignatureMismatch
        );
        assert_eq!(format!("{shared:?}"), "Twilio { secrets: 1, .. }");
    }

    #[test]
    fn json_posts_sign_the_url_and_hash_the_body() {
        // published.json "body-sha256" (twilio-node's body hash helper).
        let body = br#"{"property": "value", "boolean": true}"#;
        assert_eq!(
            body_sha256(body),
            "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        );
        let twilio = Twilio::new("12345").unwrap();
        let url = format!("https://e.com/json?bodySHA256={}", body_sha256(body));
        let signed = twilio.sign_headers(&Outgoing::new(body).url(&url)).unwrap();
        let headers = [
            (
                "X-Twilio-Signature",
                signed[SIGNATURE_HEADER].to_str().unwrap(),
            ),
            ("Content-Type", "application/json"),
        ];
        assert_eq!(verify(&twilio, &headers, &url, body), Ok(()));
        assert_eq!(
            verify(&twilio, &headers, &url, b"{}"),
            Err(Error::SignatureMismatch)
        );
    }
}
