//! Secrets, the rotation set, and the one constant-time MAC comparison.
//!
//! Each secret is turned into an HMAC-SHA256 state with the key already
//! absorbed (the inner and outer padded key blocks hashed) when a provider is
//! built. A request clones that state, so no key schedule runs per request,
//! and the raw secret is not kept at all. The states are zeroized on drop.

use std::fmt;

use hmac::{KeyInit, Mac};
use std::borrow::Borrow;

use subtle::{Choice, ConstantTimeEq};

use crate::Error;

/// Content fed to a MAC chunk by chunk: a function that hands each chunk,
/// in order, to the sink it is given.
#[cfg_attr(not(feature = "sha1"), allow(dead_code))] // Twilio's for now
pub(crate) type Feed<'f> = &'f dyn Fn(&mut dyn FnMut(&[u8]));

/// The HMAC states of a rotation set for one MAC of `N`-byte tags: the
/// current secret first, then any number of previous ones kept during a
/// rotation. Signing uses the current one.
#[derive(Clone)]
pub(crate) struct MacKeys<M, const N: usize> {
    current: M,
    previous: Vec<M>,
}

fn state<M: KeyInit>(secret: &[u8]) -> Result<M, Error> {
    if secret.is_empty() {
        return Err(Error::InvalidConfig("secret is empty"));
    }
    M::new_from_slice(secret).map_err(|_| Error::InvalidConfig("secret is not a valid HMAC key"))
}

/// Compares two tags in constant time: every byte is examined whatever the
/// others hold (`subtle`). This is the only place hooksig compares a MAC.
pub(crate) fn tags_equal<const N: usize>(computed: &[u8; N], provided: &[u8; N]) -> Choice {
    // OR together the XOR of the two tags eight bytes at a time, without a
    // branch, and let subtle decide on that one word. (subtle's slice
    // compare puts an optimisation barrier, a volatile read, on every byte:
    // ~70 ns for 32 bytes, more than the rest of a 64-byte verify but the
    // hashing.) The loop has a fixed trip count and no data-dependent exit.
    let (a, a_rest) = computed.as_chunks::<8>();
    let (b, b_rest) = provided.as_chunks::<8>();
    let mut diff = 0u64;
    for (a, b) in a.iter().zip(b) {
        diff |= u64::from_ne_bytes(*a) ^ u64::from_ne_bytes(*b);
    }
    for (a, b) in a_rest.iter().zip(b_rest) {
        diff |= u64::from(a ^ b);
    }
    diff.ct_eq(&0)
}

/// Whether two secrets (a verify token, a shared token) are equal, in
/// constant time whatever their lengths: their SHA-256 digests are
/// compared with [`tags_equal`], so neither the length nor the first
/// differing byte shows in the timing.
pub(crate) fn secrets_equal(given: &[u8], expected: &[u8]) -> bool {
    use sha2::Digest as _;
    let digest = |bytes: &[u8]| -> [u8; 32] { sha2::Sha256::digest(bytes).into() };
    bool::from(tags_equal(&digest(given), &digest(expected)))
}

impl<M: Mac + KeyInit + Clone, const N: usize> MacKeys<M, N> {
    /// A set holding one secret.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the secret is empty: an empty HMAC key
    /// is a configuration mistake (an unset environment variable) that would
    /// make every signature forgeable.
    pub(crate) fn new(secret: &[u8]) -> Result<Self, Error> {
        Ok(MacKeys {
            current: state(secret)?,
            previous: Vec::new(),
        })
    }

    /// Adds a previous secret that is still accepted.
    ///
    /// # Errors
    ///
    /// As [`MacKeys::new`].
    pub(crate) fn add_previous(&mut self, secret: &[u8]) -> Result<(), Error> {
        self.previous.push(state(secret)?);
        Ok(())
    }

    #[inline]
    fn mac(state: &M, parts: &[&[u8]]) -> [u8; N] {
        let mut mac = state.clone();
        for part in parts {
            mac.update(part);
        }
        let mut out = [0u8; N];
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }

    /// The MAC of the concatenated `parts` under the current secret.
    pub(crate) fn sign(&self, parts: &[&[u8]]) -> [u8; N] {
        Self::mac(&self.current, parts)
    }

    /// The MAC of what `feed` hands its sink, in order, under `state`: for
    /// content made as it is fed (Twilio's sorted, decoded form
    /// parameters), never assembled in memory.
    #[cfg_attr(not(feature = "sha1"), allow(dead_code))]
    fn mac_fed(state: &M, feed: Feed<'_>) -> [u8; N] {
        let mut mac = state.clone();
        feed(&mut |chunk| mac.update(chunk));
        let mut out = [0u8; N];
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }

    /// [`sign`](MacKeys::sign) of fed content.
    #[cfg_attr(not(feature = "sha1"), allow(dead_code))]
    pub(crate) fn sign_fed(&self, feed: Feed<'_>) -> [u8; N] {
        Self::mac_fed(&self.current, feed)
    }

    /// [`verify`](MacKeys::verify) of fed content: `feed` runs once per
    /// accepted secret.
    ///
    /// # Errors
    ///
    /// [`Error::SignatureMismatch`], and nothing else.
    #[cfg_attr(not(feature = "sha1"), allow(dead_code))]
    pub(crate) fn verify_fed(&self, feed: Feed<'_>, provided: &[[u8; N]]) -> Result<(), Error> {
        for state in std::iter::once(&self.current).chain(&self.previous) {
            let computed = Self::mac_fed(state, feed);
            let mut matched = Choice::from(0);
            for tag in provided {
                matched |= tags_equal(&computed, tag);
            }
            if bool::from(matched) {
                return Ok(());
            }
        }
        Err(Error::SignatureMismatch)
    }

    /// Succeeds when the MAC of the concatenated `parts` under any accepted
    /// secret equals any of the `provided` tags. The content is fed to the
    /// MAC piece by piece (`{t}.{body}` is never assembled in memory), each
    /// secret's MAC is computed once, and every comparison is constant time.
    ///
    /// # Errors
    ///
    /// [`Error::SignatureMismatch`], and nothing else.
    #[inline]
    pub(crate) fn verify<T: Borrow<[u8; N]>>(
        &self,
        parts: &[&[u8]],
        provided: &[T],
    ) -> Result<(), Error> {
        for state in std::iter::once(&self.current).chain(&self.previous) {
            let computed = Self::mac(state, parts);
            let mut matched = Choice::from(0);
            for tag in provided {
                matched |= tags_equal(&computed, tag.borrow());
            }
            if bool::from(matched) {
                return Ok(());
            }
        }
        Err(Error::SignatureMismatch)
    }

    /// How many secrets are accepted.
    pub(crate) fn count(&self) -> usize {
        1 + self.previous.len()
    }
}

/// The shared tokens of a token scheme
/// ([`Algorithm::SharedToken`](crate::scheme::Algorithm::SharedToken)):
/// the SHA-256 digest of each accepted token, compared in constant time
/// with the digest of the presented one (so neither the length nor the
/// first differing byte shows in the timing), and the current token itself,
/// for signing. The token is wiped when dropped.
#[derive(Clone)]
pub(crate) struct TokenKeys {
    current: Vec<u8>,
    digests: Vec<[u8; 32]>,
}

/// The SHA-256 digest of a token.
pub(crate) fn token_digest(token: &[u8]) -> [u8; 32] {
    sha256(token)
}

/// The SHA-256 digest of `data` (a public hash: Twilio's `bodySHA256`).
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).into()
}

/// Plain SHA-256 states with a secret absorbed first, for a sender that
/// signs `SHA-256(secret ‖ content)` rather than an HMAC (HubSpot's v1 and
/// v2): one per accepted secret, compared in constant time.
#[derive(Clone, Default)]
pub(crate) struct PrefixedHashes {
    states: Vec<sha2::Sha256>,
}

impl PrefixedHashes {
    /// Accepts `secret` too.
    pub(crate) fn add(&mut self, secret: &[u8]) {
        use sha2::Digest as _;
        let mut state = sha2::Sha256::new();
        state.update(secret);
        self.states.push(state);
    }

    /// Whether `given` is the hash of any secret ‖ `parts`; every secret
    /// is tried, each compared in constant time.
    pub(crate) fn verify(&self, parts: &[&[u8]], given: &[u8; 32]) -> bool {
        use sha2::Digest as _;
        let mut matched = Choice::from(0);
        for state in &self.states {
            let mut hash = state.clone();
            for part in parts {
                hash.update(part);
            }
            let computed: [u8; 32] = hash.finalize().into();
            matched |= tags_equal(&computed, given);
        }
        bool::from(matched)
    }
}

impl TokenKeys {
    /// A set holding one token.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the token is empty.
    pub(crate) fn new(token: &[u8]) -> Result<Self, Error> {
        if token.is_empty() {
            return Err(Error::InvalidConfig("secret is empty"));
        }
        Ok(TokenKeys {
            current: token.to_vec(),
            digests: vec![token_digest(token)],
        })
    }

    /// Adds a previous token that is still accepted.
    ///
    /// # Errors
    ///
    /// As [`TokenKeys::new`].
    pub(crate) fn add_previous(&mut self, token: &[u8]) -> Result<(), Error> {
        if token.is_empty() {
            return Err(Error::InvalidConfig("secret is empty"));
        }
        self.digests.push(token_digest(token));
        Ok(())
    }

    /// Whether the presented token's digest is that of an accepted token;
    /// every accepted digest is compared, in constant time.
    pub(crate) fn accepts(&self, presented: &[[u8; 32]]) -> bool {
        let mut matched = Choice::from(0);
        for digest in &self.digests {
            for given in presented {
                matched |= tags_equal(digest, given);
            }
        }
        bool::from(matched)
    }

    /// The current token.
    pub(crate) fn current(&self) -> &[u8] {
        &self.current
    }

    /// How many tokens are accepted.
    pub(crate) fn count(&self) -> usize {
        self.digests.len()
    }
}

impl Drop for TokenKeys {
    fn drop(&mut self) {
        self.current.fill(0);
        std::hint::black_box(&self.current);
    }
}

impl<M, const N: usize> fmt::Debug for MacKeys<M, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("secrets", &(1 + self.previous.len()))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// HMAC-SHA256 keys, for unit tests.
    pub(crate) type Keys = MacKeys<hmac::Hmac<sha2::Sha256>, 32>;

    #[test]
    fn empty_secret_is_rejected() {
        assert_eq!(
            Keys::new(b"").unwrap_err(),
            Error::InvalidConfig("secret is empty")
        );
        let mut keys = Keys::new(b"k").unwrap();
        assert!(keys.add_previous(b"").is_err());
        assert_eq!(keys.count(), 1);
    }

    #[test]
    fn parts_are_fed_as_one_message() {
        let keys = Keys::new(b"key").unwrap();
        assert_eq!(keys.sign(&[b"ab", b"", b"c"]), keys.sign(&[b"abc"]));
        assert_ne!(keys.sign(&[b"abc"]), keys.sign(&[b"abd"]));
    }

    #[test]
    fn rotation_accepts_previous_secrets_and_signs_with_the_current() {
        let old = Keys::new(b"old").unwrap();
        let mut keys = Keys::new(b"new").unwrap();
        keys.add_previous(b"old").unwrap();
        let old_tag = old.sign(&[b"body"]);
        assert_eq!(keys.verify(&[b"body"], &[old_tag]), Ok(()));
        assert_ne!(keys.sign(&[b"body"]), old_tag);
        let other = Keys::new(b"other").unwrap().sign(&[b"body"]);
        assert_eq!(
            keys.verify(&[b"body"], &[other]),
            Err(Error::SignatureMismatch)
        );
        assert_eq!(
            keys.verify(&[b"body"], &[other, old_tag]),
            Ok(()),
            "any provided tag may match"
        );
        assert_eq!(
            keys.verify::<[u8; 32]>(&[b"body"], &[]),
            Err(Error::SignatureMismatch)
        );
    }

    #[test]
    fn tags_equal_sees_every_bit() {
        let tag = Keys::new(b"k").unwrap().sign(&[b"m"]);
        assert!(bool::from(tags_equal(&tag, &tag)));
        for byte in 0..tag.len() {
            for bit in 0..8 {
                let mut other = tag;
                other[byte] ^= 1 << bit;
                assert!(!bool::from(tags_equal(&tag, &other)), "{byte}/{bit}");
            }
        }
    }

    #[test]
    fn debug_prints_no_key_material() {
        let keys = Keys::new(b"hunter2-super-secret").unwrap();
        let text = format!("{keys:?}");
        assert_eq!(text, "Keys { secrets: 1, .. }");
    }
}
