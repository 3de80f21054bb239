//! Decoding of signature values into fixed-size stack arrays.
//!
//! Signatures are public (they travel in the request), so decoding them
//! need not be constant time; the comparison against the computed MAC is
//! (see [`crate::key`]). Nothing here allocates.

use base64::Engine as _;

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

const INVALID: u8 = 0xff;

/// Maps an ASCII byte to its hex digit value, or `INVALID`.
const fn hex_table(upper: bool) -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        if upper {
            table[b'A' as usize + i] = 10 + i as u8;
        }
        i += 1;
    }
    table
}

static HEX_LOWER: [u8; 256] = hex_table(false);
static HEX_ANY: [u8; 256] = hex_table(true);

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
    let table = match case {
        HexCase::Lower => &HEX_LOWER,
        HexCase::Any => &HEX_ANY,
    };
    let mut out = [0u8; MAC_LEN];
    let mut bad = 0u8;
    for (byte, pair) in out.iter_mut().zip(input.chunks_exact(2)) {
        let hi = table[usize::from(pair[0])];
        let lo = table[usize::from(pair[1])];
        // INVALID has its high bit set; valid digits never do.
        bad |= hi | lo;
        *byte = (hi << 4) | (lo & 0x0f);
    }
    if bad & 0x80 != 0 {
        return Err(match case {
            HexCase::Lower => "expected lowercase hex digits",
            HexCase::Any => "expected hex digits",
        });
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
