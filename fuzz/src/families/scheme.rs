//! Schemes of the user's own, through `Generic::from_scheme`: the engine's
//! every HMAC-SHA256 shape at once.

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use hooksig::generic::Generic;
use hooksig::scheme::{Encoding, Part, Scheme, Signature, Timestamp, Unit};
use hooksig::{Error, Incoming, Outgoing, Provider};
use sha2::Sha256;

use crate::input::Input;
use crate::Outcome;

const URL: &str = "https://hooks.example.com/in/x?tenant=a&b=1";
const PATH: &str = "/in/x?tenant=a&b=1";
const EXTRA: &str = "x-extra";

/// Builds a scheme from the input, signs a delivery with `sign_headers`,
/// and checks, against an oracle that assembles the signed bytes, MACs them
/// with `hmac` and encodes them with `hex` / `base64` itself:
///
/// - building never panics, and exactly the inconsistent schemes are an
///   `InvalidConfig` (no body, a timestamp that is not signed or a signed
///   one the scheme lacks, more than 8 parts, an empty secret);
/// - the signature header `sign_headers` writes is exactly the oracle's;
/// - the delivery verifies (with the method and URL), and its timestamp is
///   the signed one;
/// - changing one byte of the body, the signature header or a signed
///   header is refused; a different URL or method is refused when signed.
///
/// Layout: `u8` syntax (0 plain, 1 list, 2 entries; bits 2-3 the prefix,
/// separator or version); `u8` encoding; `u8` timestamp (0 none, 1 header,
/// 2 list element; bit 2 milliseconds); `u8` number of parts (up to 10,
/// so the engine's limit of 8 is crossed); one `u8` per part; `chunk`
/// secret; `chunk` extra header value; `u64` time (ms); `u16` mutate
/// position; `u8` xor; rest: body.
pub fn scheme_verify(data: &[u8]) -> Outcome {
    let mut input = Input::new(data);
    let (syntax, encoding, stamp, count) =
        (input.byte(), input.byte(), input.byte(), input.byte() % 11);
    let part_codes: Vec<u8> = (0..count).map(|_| input.byte()).collect();
    let secret = input.chunk().to_vec();
    let extra = String::from_utf8_lossy(input.chunk()).into_owned();
    let millis = input.u64() % 4_102_444_800_000;
    let (position, xor) = (usize::from(input.u16()), input.byte().max(1));
    let body = input.rest().to_vec();

    let prefixes = ["", "sha256=", "v0=", "v1="];
    let signature = match syntax & 3 {
        0 | 3 => Signature::plain("X-Sig", prefixes[usize::from(syntax >> 2) & 3]),
        1 => Signature::list(
            "X-Sig",
            [',', ';', '|', ' '][usize::from(syntax >> 2) & 3],
            "v1",
        )
        .map(|s| {
            if stamp & 3 == 2 {
                s.timestamp_key("t")
            } else {
                s
            }
        }),
        _ => Signature::entries(
            "X-Sig",
            ["v1", "v1a", "x", "v2"][usize::from(syntax >> 2) & 3],
        ),
    };
    let signature = match signature {
        Ok(signature) => signature,
        Err(err) => {
            assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
            return Outcome::Rejected;
        }
    };
    let encoding = [
        Encoding::Hex,
        Encoding::HexLower,
        Encoding::Base64,
        Encoding::Base64UrlNoPad,
    ][usize::from(encoding & 3)];
    let unit = if stamp & 4 != 0 {
        Unit::Millis
    } else {
        Unit::Seconds
    };
    let timestamp = match stamp & 3 {
        1 => Some(Timestamp::header("X-Time").unwrap().unit(unit)),
        2 => Some(Timestamp::in_signature().unit(unit)),
        _ => None,
    };
    let parts: Vec<Part> = part_codes
        .iter()
        .map(|code| match code % 8 {
            0 | 7 => Part::Body,
            1 => Part::literal("."),
            2 => Part::literal(":"),
            3 => Part::Timestamp,
            4 => Part::Method,
            5 => Part::Url,
            _ => Part::header(EXTRA).unwrap(),
        })
        .chain(std::iter::once(Part::Body).filter(|_| count == 0))
        .collect();
    let mut scheme = Scheme::hmac_sha256()
        .signature(signature)
        .encoding(encoding)
        .content(parts.clone());
    if let Some(timestamp) = timestamp.clone() {
        scheme = scheme.timestamp(timestamp.tolerance(Duration::from_secs(300)));
    }
    let verifier = match Generic::from_scheme(scheme, &secret) {
        Ok(verifier) => verifier,
        Err(err) => {
            // Only a scheme the oracle also calls inconsistent is refused.
            assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
            let consistent = !secret.is_empty()
                && parts.len() <= 8
                && parts.contains(&Part::Body)
                && (timestamp.is_some() == parts.contains(&Part::Timestamp))
                && (stamp & 3 != 2 || syntax & 3 == 1);
            assert!(!consistent, "a consistent scheme was refused: {err}");
            return Outcome::Rejected;
        }
    };

    let at = UNIX_EPOCH + Duration::from_millis(millis);
    let headers_in = [(EXTRA, extra.as_str())];
    let outgoing = Outgoing::new(&body)
        .at(at)
        .method("POST")
        .url(URL)
        .headers(&headers_in);
    let signed = match verifier.sign_headers(&outgoing) {
        Ok(signed) => signed,
        Err(err) => {
            // The extra header must be sendable, and not empty where it is
            // signed; nothing else may fail.
            assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
            let signs_extra = parts.iter().any(|p| matches!(p, Part::Header(_)));
            let empty = extra.trim_matches([' ', '\t']).is_empty();
            assert!(
                http::HeaderValue::from_str(&extra).is_err() || (signs_extra && empty),
                "{err}"
            );
            return Outcome::Rejected;
        }
    };

    // The oracle: the signed bytes, the MAC, the encoding, the header.
    let text = match (timestamp.is_some(), unit) {
        (false, _) => String::new(),
        (true, Unit::Millis) => millis.to_string(),
        (true, _) => (millis / 1000).to_string(),
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret).unwrap();
    for part in &parts {
        match part {
            Part::Body => mac.update(&body),
            Part::Literal(bytes) => mac.update(bytes),
            Part::Timestamp => mac.update(text.as_bytes()),
            Part::Method => mac.update(b"POST"),
            Part::Url => mac.update(URL.as_bytes()),
            Part::Path => mac.update(PATH.as_bytes()),
            Part::Header(_) => mac.update(extra.trim_matches([' ', '\t']).as_bytes()),
            other => panic!("unexpected part {other:?}"),
        }
    }
    let tag = mac.finalize().into_bytes();
    let encoded = match encoding {
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(tag),
        Encoding::Base64UrlNoPad => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag),
        _ => hex::encode(tag),
    };
    let expected = match syntax & 3 {
        0 | 3 => format!("{}{encoded}", prefixes[usize::from(syntax >> 2) & 3]),
        1 if stamp & 3 == 2 => {
            let separator = [',', ';', '|', ' '][usize::from(syntax >> 2) & 3];
            format!("t={text}{separator}v1={encoded}")
        }
        1 => format!("v1={encoded}"),
        _ => format!(
            "{},{encoded}",
            ["v1", "v1a", "x", "v2"][usize::from(syntax >> 2) & 3]
        ),
    };
    assert_eq!(signed.get("x-sig").unwrap().to_str().unwrap(), expected);

    let pairs: Vec<(String, Vec<u8>)> = signed
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let verify = |pairs: &Vec<(String, Vec<u8>)>, body: &[u8], method: &str, url: &str| {
        let incoming = Incoming::new(pairs, body).method(method).url(url);
        verifier
            .verify_incoming(&incoming, at)
            .map(|d| d.timestamp())
    };
    let delivery = verify(&pairs, &body, "POST", URL);
    match delivery {
        Ok(time) => {
            let want = timestamp.as_ref().map(|_| match unit {
                Unit::Millis => at,
                _ => UNIX_EPOCH + Duration::from_secs(millis / 1000),
            });
            assert_eq!(time, want);
        }
        Err(err) => panic!("a signed delivery was refused: {err} ({expected:?})"),
    }

    // One changed byte of the body or of any signed header is refused.
    if !body.is_empty() {
        let mut changed = body.clone();
        changed[position % body.len()] ^= xor;
        assert!(
            verify(&pairs, &changed, "POST", URL).is_err(),
            "body change accepted"
        );
    }
    for (index, (name, value)) in pairs.iter().enumerate() {
        let signed_header = name == "x-sig"
            || name == "x-time"
            || (name == EXTRA && parts.iter().any(|p| matches!(p, Part::Header(_))));
        if !signed_header || value.is_empty() {
            continue;
        }
        let mut changed = pairs.clone();
        let at_byte = position % value.len();
        changed[index].1[at_byte] ^= xor;
        let result = verify(&changed, &body, "POST", URL);
        // An edit HTTP undoes (whitespace for whitespace at either end) is
        // not a change.
        if crate::oracle::trim_ows(&changed[index].1) == crate::oracle::trim_ows(value) {
            continue;
        }
        // Hex of either case spells the same MAC: a case flip of a hex
        // letter in the signature is no change either.
        if name == "x-sig"
            && encoding == Encoding::Hex
            && changed[index].1.eq_ignore_ascii_case(value)
            && value[at_byte].is_ascii_hexdigit()
        {
            continue;
        }
        assert!(
            result.is_err(),
            "{name} byte {at_byte} changed and accepted"
        );
    }
    if parts.contains(&Part::Url) {
        assert!(verify(&pairs, &body, "POST", "https://evil.example/").is_err());
    }
    if parts.contains(&Part::Method) {
        assert!(verify(&pairs, &body, "PUT", URL).is_err());
    }
    Outcome::Accepted
}
