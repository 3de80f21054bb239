//! Public keys for signature schemes (Ed25519, ECDSA P-256), parsed once
//! when a provider is built, from each form senders publish them in.
//!
//! A key is read as, in order: PEM (`-----BEGIN PUBLIC KEY-----`, an SPKI
//! document), `whpk_` and base64 (Standard Webhooks), hex, base64, or raw
//! DER SPKI or raw key bytes. Verification feeds the signed content to the
//! algorithm part by part, without allocating.

use base64::Engine as _;

use crate::encoding;
use crate::engine::Primitive;
use crate::scheme::Encoding;
use crate::Error;

/// The text forms of a public key, decoded to bytes; or the bytes as they
/// are. `expected` is the raw key length.
fn key_bytes(
    key: &[u8],
    expected: usize,
    mut use_bytes: impl FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let text = std::str::from_utf8(key).ok().map(str::trim);
    if let Some(text) = text {
        let text = text.strip_prefix("whpk_").unwrap_or(text);
        if text.len() == expected * 2 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            let bytes =
                hex::decode(text).map_err(|_| Error::InvalidConfig("public key is not hex"))?;
            return use_bytes(&bytes);
        }
        if let Ok(bytes) = encoding::lenient_base64(text.as_bytes()) {
            if !bytes.is_empty() {
                return use_bytes(&bytes);
            }
        }
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        if let Ok(bytes) = url.decode(text.trim_end_matches('=')) {
            if !bytes.is_empty() {
                return use_bytes(&bytes);
            }
        }
    }
    if key.is_empty() {
        return Err(Error::InvalidConfig("public key is empty"));
    }
    use_bytes(key)
}

/// The DER document inside a PEM `PUBLIC KEY` block, if `key` is one.
/// (Parsed here rather than by the crates' `pem` features, which would
/// make a failed verification allocate its error.)
fn pem(key: &[u8]) -> Option<Result<Vec<u8>, Error>> {
    let text = std::str::from_utf8(key).ok()?.trim();
    let body = text.strip_prefix("-----BEGIN PUBLIC KEY-----")?;
    let Some(body) = body.trim_end().strip_suffix("-----END PUBLIC KEY-----") else {
        return Some(Err(Error::InvalidConfig("PEM public key has no END line")));
    };
    let base64: Vec<u8> = body.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    Some(
        base64::engine::general_purpose::STANDARD
            .decode(base64)
            .map_err(|_| Error::InvalidConfig("PEM public key is not base64")),
    )
}

/// `key` as text, when it is a PEM document of any label.
fn pem_text(key: &[u8]) -> Option<&str> {
    std::str::from_utf8(key)
        .ok()
        .map(str::trim)
        .filter(|text| text.starts_with("-----BEGIN"))
}

/// The DER document inside a PEM text of any label (`-----BEGIN …-----`,
/// base64, `-----END …-----`): a private key, for signing in tests.
fn pem_der(pem: &str) -> Option<Vec<u8>> {
    let mut lines = pem.lines().map(str::trim).filter(|line| !line.is_empty());
    if !lines.next()?.starts_with("-----BEGIN ") {
        return None;
    }
    let mut encoded = String::new();
    for line in lines {
        if line.starts_with("-----END ") {
            use base64::Engine as _;
            return base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok();
        }
        encoded.push_str(line);
    }
    None
}

/// Ed25519 verifying keys: the current one first, then any kept during a
/// rotation.
#[cfg(feature = "ed25519")]
#[derive(Clone)]
pub(crate) struct Ed25519Keys {
    keys: Vec<ed25519_dalek::VerifyingKey>,
    /// The sender's private key, only where a test signs as the sender.
    signing: Option<ed25519_dalek::SigningKey>,
}

#[cfg(feature = "ed25519")]
fn ed25519_key(key: &[u8]) -> Result<ed25519_dalek::VerifyingKey, Error> {
    use ed25519_dalek::pkcs8::DecodePublicKey;
    let invalid = || {
        Error::InvalidConfig(
            "not an Ed25519 public key (32 bytes as hex, base64, `whpk_`, DER or PEM)",
        )
    };
    if let Some(der) = pem(key) {
        return ed25519_dalek::VerifyingKey::from_public_key_der(&der?).map_err(|_| invalid());
    }
    let mut found = None;
    key_bytes(key, 32, |bytes| {
        found = Some(match <[u8; 32]>::try_from(bytes) {
            Ok(raw) => ed25519_dalek::VerifyingKey::from_bytes(&raw).map_err(|_| invalid())?,
            Err(_) => {
                ed25519_dalek::VerifyingKey::from_public_key_der(bytes).map_err(|_| invalid())?
            }
        });
        Ok(())
    })?;
    found.ok_or_else(invalid)
}

#[cfg(feature = "ed25519")]
impl Ed25519Keys {
    pub(crate) fn new(key: &[u8]) -> Result<Self, Error> {
        Ok(Ed25519Keys {
            keys: vec![ed25519_key(key)?],
            signing: None,
        })
    }

    /// Sets the private key that signs: a 32-byte seed as hex, base64 or
    /// `whsk_` + base64, or a PKCS#8 document (DER or PEM). It must belong
    /// to the current public key.
    pub(crate) fn set_signing(&mut self, key: &[u8]) -> Result<(), Error> {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let invalid = || {
            Error::InvalidConfig(
                "not an Ed25519 private key (a 32-byte seed as hex, base64, `whsk_`, or PKCS#8 DER or PEM)",
            )
        };
        let signing = if let Some(pem) = pem_text(key) {
            let der = pem_der(pem).ok_or_else(invalid)?;
            ed25519_dalek::SigningKey::from_pkcs8_der(&der).map_err(|_| invalid())?
        } else {
            let text = std::str::from_utf8(key).ok().map(str::trim);
            let stripped = text.and_then(|t| t.strip_prefix("whsk_"));
            let source = stripped.map_or(key, str::as_bytes);
            let mut found = None;
            key_bytes(source, 32, |bytes| {
                found = Some(match <[u8; 32]>::try_from(bytes) {
                    Ok(seed) => ed25519_dalek::SigningKey::from_bytes(&seed),
                    Err(_) => {
                        ed25519_dalek::SigningKey::from_pkcs8_der(bytes).map_err(|_| invalid())?
                    }
                });
                Ok(())
            })?;
            found.ok_or_else(invalid)?
        };
        if signing.verifying_key() != self.keys[0] {
            return Err(Error::InvalidConfig(
                "the signing key does not belong to the public key",
            ));
        }
        self.signing = Some(signing);
        Ok(())
    }

    pub(crate) fn add_previous(&mut self, key: &[u8]) -> Result<(), Error> {
        self.keys.push(ed25519_key(key)?);
        Ok(())
    }

    pub(crate) fn count(&self) -> usize {
        self.keys.len()
    }
}

#[cfg(feature = "ed25519")]
impl Primitive for Ed25519Keys {
    type Tag = [u8; 64];
    const EMPTY: [u8; 64] = [0; 64];

    fn decode(input: &[u8], encoding: Encoding) -> Result<[u8; 64], &'static str> {
        encoding::decode_exact::<64>(input, encoding)
    }

    fn verify(&self, parts: &[&[u8]], tags: &[[u8; 64]]) -> Result<(), Error> {
        use ed25519_dalek::ed25519::signature::MultipartVerifier;
        // Public values: no secret is compared, so no constant-time
        // concern; every key and tag is still tried.
        for key in &self.keys {
            for tag in tags {
                let signature = ed25519_dalek::Signature::from_bytes(tag);
                if key.multipart_verify(parts, &signature).is_ok() {
                    return Ok(());
                }
            }
        }
        Err(Error::SignatureMismatch)
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, Error> {
        use ed25519_dalek::ed25519::signature::MultipartSigner;
        match &self.signing {
            Some(key) => Ok(key.multipart_sign(parts).to_bytes().to_vec()),
            None => Err(Error::InvalidConfig(
                "a public key verifies but cannot sign: set the sender's private key with `signing_key`",
            )),
        }
    }
}

/// ECDSA P-256 verifying keys and the signature layout.
#[cfg(feature = "p256")]
#[derive(Clone)]
pub(crate) struct P256Keys {
    keys: Vec<p256::ecdsa::VerifyingKey>,
    format: crate::scheme::EcdsaFormat,
    /// The sender's private key, only where a test signs as the sender.
    signing: Option<p256::ecdsa::SigningKey>,
}

#[cfg(feature = "p256")]
fn p256_key(key: &[u8]) -> Result<p256::ecdsa::VerifyingKey, Error> {
    use p256::pkcs8::DecodePublicKey;
    let invalid = || {
        Error::InvalidConfig("not a P-256 public key (DER SPKI as base64 or bytes, PEM, or SEC1)")
    };
    if let Some(der) = pem(key) {
        return p256::ecdsa::VerifyingKey::from_public_key_der(&der?).map_err(|_| invalid());
    }
    let mut found = None;
    key_bytes(key, 65, |bytes| {
        found = Some(
            p256::ecdsa::VerifyingKey::from_public_key_der(bytes)
                .or_else(|_| p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes))
                .map_err(|_| invalid())?,
        );
        Ok(())
    })?;
    found.ok_or_else(invalid)
}

#[cfg(feature = "p256")]
impl P256Keys {
    pub(crate) fn new(key: &[u8], format: crate::scheme::EcdsaFormat) -> Result<Self, Error> {
        Ok(P256Keys {
            keys: vec![p256_key(key)?],
            format,
            signing: None,
        })
    }

    /// Sets the private key that signs: PKCS#8 (DER as base64 or bytes, or
    /// PEM), or the 32-byte scalar as hex. It must belong to the current
    /// public key.
    pub(crate) fn set_signing(&mut self, key: &[u8]) -> Result<(), Error> {
        use p256::pkcs8::DecodePrivateKey;
        let invalid = || {
            Error::InvalidConfig(
                "not a P-256 private key (PKCS#8 DER as base64 or bytes, PEM, or a 32-byte scalar as hex)",
            )
        };
        let signing = if let Some(pem) = pem_text(key) {
            let der = pem_der(pem).ok_or_else(invalid)?;
            p256::ecdsa::SigningKey::from_pkcs8_der(&der).map_err(|_| invalid())?
        } else {
            let mut found = None;
            key_bytes(key, 32, |bytes| {
                found = Some(
                    p256::ecdsa::SigningKey::from_pkcs8_der(bytes)
                        .or_else(|_| p256::ecdsa::SigningKey::from_slice(bytes))
                        .map_err(|_| invalid())?,
                );
                Ok(())
            })?;
            found.ok_or_else(invalid)?
        };
        if *signing.verifying_key() != self.keys[0] {
            return Err(Error::InvalidConfig(
                "the signing key does not belong to the public key",
            ));
        }
        self.signing = Some(signing);
        Ok(())
    }

    pub(crate) fn add_previous(&mut self, key: &[u8]) -> Result<(), Error> {
        self.keys.push(p256_key(key)?);
        Ok(())
    }

    pub(crate) fn count(&self) -> usize {
        self.keys.len()
    }
}

/// A decoded ECDSA signature: DER (up to 72 bytes) or fixed 64 bytes.
#[cfg(feature = "p256")]
#[derive(Clone, Copy)]
pub(crate) struct EcdsaTag {
    bytes: [u8; 72],
    len: u8,
}

#[cfg(feature = "p256")]
impl Primitive for P256Keys {
    type Tag = EcdsaTag;
    const EMPTY: EcdsaTag = EcdsaTag {
        bytes: [0; 72],
        len: 0,
    };

    fn decode(input: &[u8], encoding: Encoding) -> Result<EcdsaTag, &'static str> {
        let mut tag = Self::EMPTY;
        let len = encoding::decode_up_to(input, encoding, &mut tag.bytes)?;
        if len < 8 {
            return Err("expected an ECDSA signature");
        }
        tag.len = len as u8;
        Ok(tag)
    }

    fn verify(&self, parts: &[&[u8]], tags: &[EcdsaTag]) -> Result<(), Error> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        for part in parts {
            hash.update(part);
        }
        let digest = hash.finalize();
        for tag in tags {
            let bytes = &tag.bytes[..usize::from(tag.len)];
            // Only the configured layout: a sender that sends DER never
            // has a raw `r ‖ s` accepted in its name, nor the reverse.
            let signature = match self.format {
                crate::scheme::EcdsaFormat::Der => p256::ecdsa::DerSignature::from_bytes(bytes)
                    .ok()
                    .and_then(|der| p256::ecdsa::Signature::try_from(der).ok()),
                crate::scheme::EcdsaFormat::Fixed => p256::ecdsa::Signature::from_slice(bytes).ok(),
            };
            let Some(signature) = signature else { continue };
            for key in &self.keys {
                if key.verify_prehash(&digest, &signature).is_ok() {
                    return Ok(());
                }
            }
        }
        Err(Error::SignatureMismatch)
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, Error> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        use sha2::Digest;
        let Some(key) = &self.signing else {
            return Err(Error::InvalidConfig(
                "a public key verifies but cannot sign: set the sender's private key with `signing_key`",
            ));
        };
        let mut hash = sha2::Sha256::new();
        for part in parts {
            hash.update(part);
        }
        let signature: p256::ecdsa::Signature = key
            .sign_prehash(&hash.finalize())
            .map_err(|_| Error::InvalidConfig("ECDSA signing failed"))?;
        Ok(match self.format {
            crate::scheme::EcdsaFormat::Der => signature.to_der().as_bytes().to_vec(),
            crate::scheme::EcdsaFormat::Fixed => signature.to_bytes().to_vec(),
        })
    }
}
