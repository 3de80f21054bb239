//! Decoding of signature values into fixed-size stack arrays.
//!
//! Signatures are public (they travel in the request), so decoding them
//! need not be constant time; the comparison against the computed MAC is
//! (see [`crate::key`]). Nothing on the verify path allocates; only
//! [`whsec_secret`], run once when a provider is built, does.

use base64::Engine as _;

use crate::scheme::{Algorithm, Encoding, KeyFormat};
use crate::Error;

/// The problems of a wrong length, by decoded length, so the message names
/// the count a sender writes.
fn hex_length_problem(bytes: usize) -> &'static str {
    match bytes {
        20 => "expected 40 hex digits",
        32 => "expected 64 hex digits",
        64 => "expected 128 hex digits",
        _ => "expected a signature of the algorithm's length in hex",
    }
}

fn base64_length_problem(bytes: usize) -> &'static str {
    match bytes {
        20 => "expected 28 base64 characters",
        32 => "expected 44 base64 characters",
        64 => "expected 88 base64 characters",
        _ => "expected a signature of the algorithm's length in base64",
    }
}

fn base64url_length_problem(bytes: usize) -> &'static str {
    match bytes {
        20 => "expected 27 base64url characters",
        32 => "expected 43 base64url characters",
        64 => "expected 86 base64url characters",
        _ => "expected a signature of the algorithm's length in base64url",
    }
}

/// Decodes exactly `2 * N` hex digits into `N` bytes.
///
/// # Errors
///
/// A static description of the problem: wrong length, or a byte that is not
/// a hex digit of the accepted case.
// Out of line: inlined into the decoder's callers, its tag was written one
// way and read back another, a store-forwarding stall (measured with perf:
// 7 % of the engine's own time at 64 bytes).
#[inline(never)]
pub(crate) fn hex_exact<const N: usize, const ANY_CASE: bool>(
    input: &[u8],
) -> Result<[u8; N], &'static str> {
    if input.len() != 2 * N {
        return Err(hex_length_problem(N));
    }
    // Branch-free per digit over a buffer of exactly `2 * N` nibbles, so the
    // loop vectorises; the case is a constant, so the lowercase-only decoder
    // carries no uppercase test. The signature is public, so this is about
    // speed, not secrecy.
    let mut nibbles = [[0u8; 2]; N];
    let nibbles = nibbles.as_flattened_mut();
    let mut bad = 0u8;
    for (nibble, &c) in nibbles.iter_mut().zip(input) {
        let digit = c.wrapping_sub(b'0');
        let lower = c.wrapping_sub(b'a');
        let up = c.wrapping_sub(b'A');
        let is_digit = digit < 10;
        let is_lower = lower < 6;
        let is_upper = ANY_CASE & (up < 6);
        *nibble = if is_digit {
            digit
        } else if is_lower {
            lower.wrapping_add(10)
        } else {
            up.wrapping_add(10)
        };
        bad |= u8::from(!(is_digit | is_lower | is_upper));
    }
    if bad != 0 {
        return Err(if ANY_CASE {
            "expected hex digits"
        } else {
            "expected lowercase hex digits"
        });
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(nibbles.chunks_exact(2)) {
        *byte = (pair[0] << 4) | pair[1];
    }
    Ok(out)
}

/// Decodes canonical base64 of exactly `N` bytes with `engine`.
fn base64_exact_with<const N: usize>(
    input: &[u8],
    engine: &base64::engine::GeneralPurpose,
    encoded_len: usize,
    length_problem: &'static str,
    problem: &'static str,
) -> Result<[u8; N], &'static str> {
    if input.len() != encoded_len {
        return Err(length_problem);
    }
    // `decode_slice` wants room for its conservative estimate, at most
    // `N + 2` bytes: two tags' room, whose first is the answer (no copy,
    // and no call to `memset` for an odd-sized buffer).
    let mut buf = [[0u8; N]; 2];
    match engine.decode_slice(input, buf.as_flattened_mut()) {
        Ok(len) if len == N => Ok(buf[0]),
        Ok(_) | Err(_) => Err(problem),
    }
}

/// Decodes canonical, padded standard base64 of exactly `N` bytes.
///
/// # Errors
///
/// A static description of the problem.
#[inline]
pub(crate) fn base64_exact<const N: usize>(input: &[u8]) -> Result<[u8; N], &'static str> {
    base64_exact_with::<N>(
        input,
        &base64::engine::general_purpose::STANDARD,
        N.div_ceil(3) * 4,
        base64_length_problem(N),
        "expected canonical padded base64",
    )
}

/// Decodes canonical, unpadded URL-safe base64 of exactly `N` bytes.
///
/// # Errors
///
/// A static description of the problem.
pub(crate) fn base64url_exact<const N: usize>(input: &[u8]) -> Result<[u8; N], &'static str> {
    base64_exact_with::<N>(
        input,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        (N * 4).div_ceil(3),
        base64url_length_problem(N),
        "expected canonical unpadded base64url",
    )
}

/// Decodes a signature of exactly `N` bytes in `encoding`.
///
/// # Errors
///
/// A static description of the problem.
#[inline]
pub(crate) fn decode_exact<const N: usize>(
    input: &[u8],
    encoding: Encoding,
) -> Result<[u8; N], &'static str> {
    match encoding {
        Encoding::Hex => hex_exact::<N, true>(input),
        Encoding::HexLower => hex_exact::<N, false>(input),
        Encoding::Base64 => base64_exact::<N>(input),
        Encoding::Base64UrlNoPad => base64url_exact::<N>(input),
    }
}

/// Decodes a variable-length signature of at most `out.len()` bytes in
/// `encoding` (a DER ECDSA signature) into `out`, returning its length.
///
/// # Errors
///
/// A static description of the problem.
#[cfg(feature = "p256")]
pub(crate) fn decode_up_to(
    input: &[u8],
    encoding: Encoding,
    out: &mut [u8],
) -> Result<usize, &'static str> {
    match encoding {
        Encoding::Hex | Encoding::HexLower => {
            if !input.len().is_multiple_of(2) || input.len() / 2 > out.len() {
                return Err("expected at most 144 hex digits");
            }
            if encoding == Encoding::HexLower && input.iter().any(u8::is_ascii_uppercase) {
                return Err("expected lowercase hex digits");
            }
            let len = input.len() / 2;
            hex::decode_to_slice(input, &mut out[..len]).map_err(|_| "expected hex digits")?;
            Ok(len)
        }
        Encoding::Base64 | Encoding::Base64UrlNoPad => {
            let engine = if encoding == Encoding::Base64 {
                &base64::engine::general_purpose::STANDARD
            } else {
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
            };
            if input.len() > 96 {
                return Err("expected at most 96 base64 characters");
            }
            let mut buf = [0u8; 75];
            let len = engine
                .decode_slice(input, &mut buf)
                .map_err(|_| "expected canonical base64")?;
            if len > out.len() {
                return Err("expected at most 96 base64 characters");
            }
            out[..len].copy_from_slice(&buf[..len]);
            Ok(len)
        }
    }
}

/// Checks that `encoding` can carry `algorithm`'s signatures.
pub(crate) fn check_fits(encoding: Encoding, algorithm: Algorithm) -> Result<(), Error> {
    // Every encoding carries every fixed length; the checks are here so a
    // future encoding cannot silently fit an algorithm it cannot carry.
    let _ = (encoding, algorithm.tag_len());
    Ok(())
}

/// Encodes a signature in `encoding`, as senders put it on the wire
/// (lowercase hex).
pub(crate) fn encode(tag: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Hex | Encoding::HexLower => hex::encode(tag),
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(tag),
        Encoding::Base64UrlNoPad => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag),
    }
}

/// Decodes a secret in `format` into the key bytes, hands them to
/// `use_key`, then overwrites them.
///
/// # Errors
///
/// [`Error::InvalidConfig`] when the secret is empty or does not decode,
/// or whatever `use_key` returns.
pub(crate) fn key_bytes<T>(
    secret: &[u8],
    format: KeyFormat,
    use_key: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<T, Error> {
    let decoded = match format {
        KeyFormat::AsTyped => return use_key(secret),
        KeyFormat::Whsec => return whsec_secret(secret, use_key),
        KeyFormat::Base64 => {
            lenient_base64(secret).map_err(|_| Error::InvalidConfig("secret is not base64"))?
        }
        KeyFormat::Hex => {
            hex::decode(secret).map_err(|_| Error::InvalidConfig("secret is not hex"))?
        }
    };
    wipe_after(decoded, use_key)
}

fn wipe_after<T>(
    mut key: Vec<u8>,
    use_key: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<T, Error> {
    let result = if key.is_empty() {
        Err(Error::InvalidConfig("secret is empty"))
    } else {
        use_key(&key)
    };
    // Best effort: the HMAC state built from the key is zeroized on drop;
    // this wipes the decoded copy before its memory is freed.
    key.fill(0);
    std::hint::black_box(&key);
    result
}

/// Standard-alphabet base64 with or without padding, trailing bits
/// dropped: how Python's and JavaScript's decoders read secrets.
pub(crate) fn lenient_base64(encoded: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    LENIENT.decode(encoded)
}

/// Decodes a Standard Webhooks secret, `whsec_<base64>` (the prefix is
/// optional), into the HMAC key bytes, hands them to `use_key`, then
/// overwrites them.
///
/// Lenient like the reference libraries (Python's `base64.b64decode` after
/// re-padding, JavaScript's `Buffer.from(.., "base64")`): the standard
/// alphabet, with or without `=` padding, and non-zero trailing bits in the
/// last symbol are dropped rather than refused. Rust's strict decoder would
/// reject secrets that every other Standard Webhooks library accepts.
///
/// # Errors
///
/// [`Error::InvalidConfig`] when the secret is empty (with or without its
/// prefix) or is not base64; or whatever `use_key` returns.
pub(crate) fn whsec_secret<T>(
    secret: &[u8],
    use_key: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<T, Error> {
    // Supabase shows its Auth Hook secrets as `v1,whsec_<base64>`: the
    // `v1,` is the scheme version, not part of the key (the Python
    // reference library, given it, silently derives another key).
    let secret = secret
        .strip_prefix(b"v1,")
        .filter(|rest| rest.starts_with(b"whsec_"))
        .unwrap_or(secret);
    let encoded = secret.strip_prefix(b"whsec_").unwrap_or(secret);
    if encoded.is_empty() {
        return Err(Error::InvalidConfig("secret is empty"));
    }
    let key = lenient_base64(encoded)
        .map_err(|_| Error::InvalidConfig("secret is not `whsec_` followed by base64"))?;
    wipe_after(key, use_key)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Which hex digits a decoder accepts.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum HexCase {
        /// `0-9a-f` only: what GitHub, Linear and most senders emit.
        Lower,
        /// `0-9a-f` and `A-F`.
        Any,
    }

    /// Length of an HMAC-SHA256 tag in bytes.
    pub(crate) const MAC_LEN: usize = 32;

    /// A decoded HMAC-SHA256 tag.
    pub(crate) type Tag = [u8; MAC_LEN];

    /// Decodes exactly 64 hex digits into a 32-byte tag.
    ///
    /// # Errors
    ///
    /// As [`hex_exact`].
    pub(crate) fn hex_tag(input: &[u8], case: HexCase) -> Result<Tag, &'static str> {
        match case {
            HexCase::Lower => hex_exact::<MAC_LEN, false>(input),
            HexCase::Any => hex_exact::<MAC_LEN, true>(input),
        }
    }

    /// Decodes canonical, padded standard base64 (44 characters) into a
    /// 32-byte tag.
    ///
    /// # Errors
    ///
    /// A static description of the problem.
    pub(crate) fn base64_tag(input: &[u8]) -> Result<Tag, &'static str> {
        base64_exact::<MAC_LEN>(input)
    }

    /// Lowercase hex of a tag, as senders put it on the wire.
    pub(crate) fn to_hex(tag: &Tag) -> String {
        hex::encode(tag)
    }

    /// Standard padded base64 of a tag.
    pub(crate) fn to_base64(tag: &Tag) -> String {
        base64::engine::general_purpose::STANDARD.encode(tag)
    }

    const HEX: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn hex_round_trips_and_matches_the_hex_crate() {
        let tag = hex_tag(HEX.as_bytes(), HexCase::Lower).unwrap();
        let mut expected = [0u8; 32];
        hex::decode_to_slice(HEX, &mut expected).unwrap();
        assert_eq!(tag, expected);
        assert_eq!(to_hex(&tag), HEX);
        assert_eq!(
            hex_tag(HEX.to_uppercase().as_bytes(), HexCase::Any).unwrap(),
            tag
        );
    }

    #[test]
    fn hex_rejects_case_length_and_non_digits() {
        let upper = HEX.to_uppercase();
        assert!(hex_tag(upper.as_bytes(), HexCase::Lower).is_err());
        assert!(hex_tag(&HEX.as_bytes()[..63], HexCase::Lower).is_err());
        assert!(hex_tag(&[b'0'; 65], HexCase::Any).is_err());
        for bad in [
            b'g', b'G', b' ', b'+', 0x00, 0x80, 0xff, b'/', b':', b'@', b'`',
        ] {
            let mut input = HEX.as_bytes().to_vec();
            input[17] = bad;
            assert!(hex_tag(&input, HexCase::Any).is_err(), "{bad:#x}");
        }
    }

    #[test]
    fn every_byte_value_decodes_like_the_hex_crate() {
        for hi in 0..=255u8 {
            for lo in [b'0', b'a', b'F', hi] {
                let mut input = [b'0'; 64];
                input[0] = hi;
                input[1] = lo;
                let mut expected = [0u8; 32];
                let reference = hex::decode_to_slice(input, &mut expected).map(|()| expected);
                assert_eq!(hex_tag(&input, HexCase::Any).ok(), reference.ok());
            }
        }
    }

    #[test]
    fn whsec_secrets_decode_leniently() {
        let decode = |s: &str| whsec_secret(s.as_bytes(), |key| Ok(key.to_vec()));
        let key = decode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(key.len(), 24);
        assert_eq!(decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(), key);
        // Unpadded, with non-zero trailing bits: 23 and 25 key bytes, as
        // Python's and JavaScript's decoders produce.
        assert_eq!(
            decode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS").unwrap(),
            key[..23]
        );
        assert_eq!(
            decode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=").unwrap(),
            key[..23]
        );
        assert_eq!(
            decode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr")
                .unwrap()
                .len(),
            25
        );
        for bad in [
            "",
            "whsec_",
            "whsec_!!!!",
            "whsec_a",
            "whsec_Mf KQ",
            "whsec_Mf-_",
        ] {
            assert!(
                matches!(decode(bad), Err(Error::InvalidConfig(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            decode("").unwrap_err(),
            Error::InvalidConfig("secret is empty")
        );
    }

    #[test]
    fn base64_is_strict() {
        let tag = [7u8; 32];
        let encoded = to_base64(&tag);
        assert_eq!(base64_tag(encoded.as_bytes()), Ok(tag));
        // Unpadded, URL-safe and non-canonical forms are rejected.
        assert!(base64_tag(encoded.trim_end_matches('=').as_bytes()).is_err());
        let url_safe = encoded.replace('+', "-").replace('/', "_");
        if url_safe != encoded {
            assert!(base64_tag(url_safe.as_bytes()).is_err());
        }
        let mut non_canonical = encoded.into_bytes();
        non_canonical[42] = b'x'; // trailing bits set
        assert!(base64_tag(&non_canonical).is_err());
        assert!(base64_tag(&[b'A'; 44]).is_err());
    }
}
