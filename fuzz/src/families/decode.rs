//! The signature decoders, driven through the providers that use them:
//! hex (GitHub lowercase only, Generic either case) and base64 (Shopify,
//! Generic), against the `hex` and `base64` crates.

use std::time::UNIX_EPOCH;

use hooksig::generic::{self, Encoding, Generic};
use hooksig::github::{self, GitHub};
use hooksig::shopify::{self, Shopify};
use hooksig::{Error, Provider};

use crate::oracle::*;
use crate::Outcome;

/// GitHub's documented example: its MAC is the tag the decoders must find.
const SECRET: &[u8] = b"It's a Secret to Everybody";
const BODY: &[u8] = b"Hello, World!";

/// Mode bits of the first input byte of [`hex_decode`] and [`base64_decode`].
const EDIT_RIGHT: u8 = 1;
const GENERIC: u8 = 2;

/// The encoded signature a decoder target feeds the provider: the rest of
/// the input as is, or (mode bit 0) the right encoding `right` with the
/// rest read as `(u8 position, u8 xor)` edits.
fn text(mode: u8, rest: &[u8], right: &str) -> Vec<u8> {
    if mode & EDIT_RIGHT == 0 {
        return rest.to_vec();
    }
    let mut text = right.as_bytes().to_vec();
    for edit in rest.chunks_exact(2) {
        let at = usize::from(edit[0]) % text.len();
        text[at] ^= edit[1];
    }
    text
}

/// The hex decoder through `verify_at`: the input is `u8` mode (bit 0: the
/// rest edits the right hex, else it is the hex text; bit 1: Generic,
/// which takes either case, else GitHub, lowercase only), and the text goes
/// after `sha256=` in the signature header, whole and as its first and last
/// 64 bytes. The `hex` crate predicts the verdict: accepted iff the text
/// decodes to the MAC of the body (GitHub: with no uppercase letter);
/// `SignatureMismatch` when it decodes to another tag; otherwise
/// `MalformedHeader` with the exact problem (length, then digits).
pub fn hex_decode(data: &[u8]) -> Outcome {
    let Some((&mode, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    let generic = mode & GENERIC != 0;
    let text = text(mode, rest, &reference_hex(SECRET, BODY));
    let (provider, name): (Box<dyn Provider>, &'static str) = if generic {
        let generic = Generic::new(SECRET)
            .expect("valid secret")
            .encoding(Encoding::Hex);
        (Box::new(generic), generic::SIGNATURE_HEADER)
    } else {
        (
            Box::new(GitHub::new(SECRET).expect("valid secret")),
            github::SIGNATURE_HEADER,
        )
    };
    let mut accepted = false;
    for input in windows(&text, 64) {
        let pairs = vec![(name.to_owned(), [b"sha256=", input].concat())];
        let expected = (|| {
            let value = reference_required(&pairs, name)?;
            let digits = value
                .strip_prefix(b"sha256=")
                .ok_or_else(|| malformed(name, "expected the `sha256=` prefix"))?;
            if digits.len() != 64 {
                return Err(malformed(name, "expected 64 hex digits"));
            }
            let mut tag = [0u8; 32];
            let uppercase = digits.iter().any(u8::is_ascii_uppercase);
            if hex::decode_to_slice(digits, &mut tag).is_err() || (uppercase && !generic) {
                let problem = if generic {
                    "expected hex digits"
                } else {
                    "expected lowercase hex digits"
                };
                return Err(malformed(name, problem));
            }
            if tag != reference_mac(SECRET, BODY) {
                return Err(Error::SignatureMismatch);
            }
            Ok(())
        })();
        let result = provider.verify_at(&pairs, BODY, UNIX_EPOCH);
        accepted |= check_exact(&result, expected).is_some();
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

/// The base64 decoder through `verify_at`: the input is `u8` mode (bit 0:
/// the rest edits the right base64, else it is the text; bit 1: Generic in
/// base64 without a prefix, else Shopify), and the text is the signature
/// header's value, whole and as its first and last 44 bytes. The `base64`
/// crate's padded standard engine predicts the verdict: accepted iff the
/// (OWS-trimmed) value is 44 characters that decode to the MAC of the body;
/// `SignatureMismatch` for another 32-byte tag; otherwise `MalformedHeader`
/// with the exact problem. Only the canonical encoding is accepted, so
/// re-encoding an accepted tag gives the input back.
pub fn base64_decode(data: &[u8]) -> Outcome {
    let Some((&mode, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    let text = text(mode, rest, &reference_base64(SECRET, BODY));
    let (provider, name): (Box<dyn Provider>, &'static str) = if mode & GENERIC != 0 {
        let generic = Generic::new(SECRET)
            .and_then(|g| g.prefix(""))
            .expect("valid secret and prefix")
            .encoding(Encoding::Base64);
        (Box::new(generic), generic::SIGNATURE_HEADER)
    } else {
        (
            Box::new(Shopify::new(SECRET).expect("valid secret")),
            shopify::SIGNATURE_HEADER,
        )
    };
    let mut accepted = false;
    for input in windows(&text, 44) {
        let pairs = vec![(name.to_owned(), input.to_vec())];
        let expected = (|| {
            let value = reference_required(&pairs, name)?;
            let tag = reference_base64_tag(value).map_err(|p| malformed(name, p))?;
            if tag != reference_mac(SECRET, BODY) {
                return Err(Error::SignatureMismatch);
            }
            Ok(())
        })();
        let result = provider.verify_at(&pairs, BODY, UNIX_EPOCH);
        accepted |= check_exact(&result, expected).is_some();
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}
