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

type Pair<'a> = (&'a [u8], &'a [u8]);

fn order(a: &Pair<'_>, b: &Pair<'_>) -> Ordering {
    decoded(a.0)
        .cmp(decoded(b.0))
        .then_with(|| decoded(a.1).cmp(decoded(b.1)))
}

/// The form parameters of `body`, sorted by decoded name then value, in
/// `slots`; duplicates are skipped when fed.
fn sorted_params<'a, 's>(
    body: &'a [u8],
    slots: &'s mut [Pair<'a>; MAX_PARAMS],
) -> Result<&'s [Pair<'a>], Error> {
    let mut len = 0;
    for pair in body.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &b""[..]),
        };
        let slot = slots
            .get_mut(len)
            .ok_or(Error::MalformedBody("more than 256 form parameters"))?;
        *slot = (name, value);
        len += 1;
    }
    let params = &mut slots[..len];
    // In place: `sort_unstable_by` does not allocate.
    params.sort_unstable_by(order);
    Ok(params)
}

/// Feeds the sorted parameters, each distinct `name` + `value` once.
fn feed_params(params: &[Pair<'_>], sink: &mut dyn FnMut(&[u8])) {
    let mut previous: Option<&Pair<'_>> = None;
    for pair in params {
        if previous.is_some_and(|p| order(p, pair) == Ordering::Equal) {
            continue;
        }
        feed_decoded(pair.0, sink);
        feed_decoded(pair.1, sink);
        previous = Some(pair);
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
    let Some(scheme_end) = url.find("://") else {
        return [whole, whole];
    };
    let start = scheme_end + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| start + at);
    let authority = &url[start..end];
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let host = &authority[host_start..];
    let port_colon = match host.rfind(':') {
        Some(at)
            if !host[at + 1..].is_empty()
                && host[at + 1..].bytes().all(|b| b.is_ascii_digit())
                && !host[at..].contains(']') =>
        {
            Some(start + host_start + at)
        }
        _ => None,
    };
    let bytes = url.as_bytes();
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
            let mut slots: [Pair<'a>; MAX_PARAMS] = [(&[], &[]); MAX_PARAMS];
            let params = match hash {
                None if is_form(headers) => sorted_params(body, &mut slots)?,
                _ => &[],
            };
            let mut result = Err(Error::SignatureMismatch);
            for variant in port_variants(url) {
                let feed = |sink: &mut dyn FnMut(&[u8])| {
                    for part in variant {
                        sink(part);
                    }
                    feed_params(params, sink);
                };
                result = keys
                    .check_fed(&feed, signature, Encoding::Base64)
                    .map_err(|problem| malformed(SIGNATURE_HEADER, problem))?;
                if result.is_ok() {
                    break;
                }
            }
            result?;
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
        let mut slots: [Pair<'_>; MAX_PARAMS] = [(&[], &[]); MAX_PARAMS];
        let params = match body_sha256_param(url) {
            None => sorted_params(outgoing.body, &mut slots)?,
            Some(_) => &[],
        };
        let feed = |sink: &mut dyn FnMut(&[u8])| {
            sink(url.as_bytes());
            feed_params(params, sink);
        };
        let signature = keys
            .sign_fed(&feed, Encoding::Base64)
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
        let mut slots = [(&b""[..], &b""[..]); MAX_PARAMS];
        let params = sorted_params(b"b=2&B=1&a=3&Tag=b&Tag=a&Tag=b&E=&F", &mut slots).unwrap();
        let mut out = Vec::new();
        feed_params(params, &mut |chunk| out.extend_from_slice(chunk));
        assert_eq!(out, b"B1EFTagaTagba3b2");
        let mut out = Vec::new();
        feed_decoded(b"a+b%21%2x%", &mut |chunk| out.extend_from_slice(chunk));
        assert_eq!(out, b"a b!%2x%");
        let many = "a=1&".repeat(MAX_PARAMS + 1);
        assert!(sorted_params(many.as_bytes(), &mut slots).is_err());
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
