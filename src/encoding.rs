//! Decoding of signature values into fixed-size stack arrays.
//!
//! Signatures are public (they travel in the request), so decoding them
//! need not be constant time; the comparison against the computed MAC is
//! (see [`crate::key`]). Nothing on the verify path allocates; only
//! [`whsec_secret`], run once when a provider is built, does.

use base64::Engine as _;

use crate::Error;

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const MAC_LEN: usize = 32;

/// A decoded HMAC-SHA256 tag.
pub(crate) type Tag = [u8; MAC_LEN];

/// Which hex digits a decoder accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HexCase {
    /// `0-9a-f` only: what GitHub, Linear and most senders emit.
    Lower,
    /// `0-9a-f` and `A-F`.
    Any,
}

/// Decodes exactly 64 hex digits into a 32-byte tag.
///
/// # Errors
///
/// A static description of the problem: wrong length, or a byte that is not
/// a hex digit of the accepted case.
pub(crate) fn hex_tag(input: &[u8], case: HexCase) -> Result<Tag, &'static str> {
    if input.len() != 2 * MAC_LEN {
        return Err("expected 64 hex digits");
    }
    let upper = case == HexCase::Any;
    // Branch-free per digit, so the fixed 64-byte loop vectorises; the
    // signature is public, so this is about speed, not secrecy.
    let mut nibbles = [0u8; 2 * MAC_LEN];
    let mut bad = 0u8;
    for (nibble, &c) in nibbles.iter_mut().zip(input) {
        let digit = c.wrapping_sub(b'0');
        let lower = c.wrapping_sub(b'a');
        let up = c.wrapping_sub(b'A');
        let is_digit = digit < 10;
        let is_lower = lower < 6;
        let is_upper = upper & (up < 6);
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
        return Err(match case {
            HexCase::Lower => "expected lowercase hex digits",
            HexCase::Any => "expected hex digits",
        });
    }
    let mut out = [0u8; MAC_LEN];
    for (byte, pair) in out.iter_mut().zip(nibbles.chunks_exact(2)) {
        *byte = (pair[0] << 4) | pair[1];
    }
    Ok(out)
}

/// Decodes canonical, padded standard base64 (44 characters) into a
/// 32-byte tag.
///
/// # Errors
///
/// A static description of the problem.
pub(crate) fn base64_tag(input: &[u8]) -> Result<Tag, &'static str> {
    // 32 bytes encode to 43 characters plus one `=`.
    if input.len() != 44 {
        return Err("expected 44 base64 characters");
    }
    // `decode_slice` wants room for its conservative estimate (33 bytes).
    let mut buf = [0u8; MAC_LEN + 1];
    match base64::engine::general_purpose::STANDARD.decode_slice(input, &mut buf) {
        Ok(MAC_LEN) => {
            let mut out = [0u8; MAC_LEN];
            out.copy_from_slice(&buf[..MAC_LEN]);
            Ok(out)
        }
        Ok(_) | Err(_) => Err("expected canonical padded base64"),
    }
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
    const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let encoded = secret.strip_prefix(b"whsec_").unwrap_or(secret);
    if encoded.is_empty() {
        return Err(Error::InvalidConfig("secret is empty"));
    }
    let mut key = LENIENT
        .decode(encoded)
        .map_err(|_| Error::InvalidConfig("secret is not `whsec_` followed by base64"))?;
    let result = use_key(&key);
    // Best effort: the HMAC state built from the key is zeroized on drop;
    // this wipes the decoded copy before its memory is freed.
    key.fill(0);
    std::hint::black_box(&key);
    result
}

/// Lowercase hex of a tag, as senders put it on the wire.
pub(crate) fn to_hex(tag: &Tag) -> String {
    hex::encode(tag)
}

/// Standard padded base64 of a tag.
pub(crate) fn to_base64(tag: &Tag) -> String {
    base64::engine::general_purpose::STANDARD.encode(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

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
