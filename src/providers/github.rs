//! GitHub webhooks.
//!
//! GitHub signs the raw request body with HMAC-SHA256 under the webhook's
//! secret and sends `X-Hub-Signature-256: sha256=<64 lowercase hex>`
//! ([Validating webhook deliveries](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries)).
//! The event name, delivery GUID, hook id and target type travel in
//! unsigned headers ([Webhook events and payloads](https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers)).
//!
//! What hooksig accepts, following what GitHub sends:
//! - exactly one `X-Hub-Signature-256` header (a repeated one is a 400);
//! - the case-sensitive `sha256=` prefix and exactly 64 **lowercase** hex
//!   digits; uppercase hex, a missing or `SHA256=` prefix, and any other
//!   length are malformed (400), never compared;
//! - any of the configured secrets ([`GitHub::with_previous`]).
//!
//! GitHub signs no timestamp, so there is no replay window: deduplicate on
//! [`Delivery::id`] (`X-GitHub-Delivery`), which GitHub keeps when you
//! redeliver, and keep handlers idempotent.
//!
//! ```
//! use hooksig::{github::GitHub, Provider};
//!
//! let github = GitHub::new("It's a Secret to Everybody")?;
//! let headers = [(
//!     "X-Hub-Signature-256",
//!     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
//! )];
//! let delivery = github.verify(&headers, b"Hello, World!")?;
//! assert_eq!(delivery.body(), b"Hello, World!");
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::fmt;
use std::time::SystemTime;

use crate::delivery::Field;
use crate::encoding::{self, HexCase};
use crate::key::Keys;
use crate::provider::{self, Outgoing};
use crate::providers::{signature, Form};
use crate::{Delivery, Error, Headers, Provider};

/// The signature header, `X-Hub-Signature-256`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// The event name header, `X-GitHub-Event` (`push`, `ping`, …).
pub const EVENT_HEADER: &str = "x-github-event";
/// The delivery GUID header, `X-GitHub-Delivery`.
pub const DELIVERY_HEADER: &str = "x-github-delivery";
/// The webhook id header, `X-GitHub-Hook-ID`.
pub const HOOK_ID_HEADER: &str = "x-github-hook-id";
/// The header naming the resource the webhook was created on,
/// `X-GitHub-Hook-Installation-Target-Type` (`repository`, `organization`,
/// …).
pub const TARGET_TYPE_HEADER: &str = "x-github-hook-installation-target-type";

const NAME: &str = "github";
const PREFIX: &str = "sha256=";

/// Verifies and signs GitHub webhook deliveries.
///
/// Build it once from the webhook secret and share it (it is `Clone`,
/// `Send` and `Sync`); each secret's HMAC key schedule is computed here,
/// not per request.
#[derive(Clone)]
pub struct GitHub {
    keys: Keys,
}

impl GitHub {
    /// A verifier for deliveries signed with `secret`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Ok(GitHub {
            keys: Keys::new(secret.as_ref())?,
        })
    }

    /// Also accepts deliveries signed with `secret`, for rotating the
    /// webhook secret without downtime. Call it once per old secret; signing
    /// keeps using the secret given to [`GitHub::new`].
    ///
    /// ```
    /// let github = hooksig::github::GitHub::new("new")?.with_previous("old")?;
    /// # let _ = github;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn with_previous(mut self, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.add_previous(secret.as_ref())?;
        Ok(self)
    }

    /// The `X-Hub-Signature-256` value GitHub would send for `body`:
    /// `sha256=` and 64 lowercase hex digits.
    ///
    /// ```
    /// let github = hooksig::github::GitHub::new("It's a Secret to Everybody")?;
    /// assert_eq!(
    ///     github.sign(b"Hello, World!"),
    ///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    /// );
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        format!("{PREFIX}{}", encoding::to_hex(&self.keys.sign(&[body])))
    }
}

impl fmt::Debug for GitHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHub")
            .field("secrets", &self.keys.count())
            .finish_non_exhaustive()
    }
}

impl Provider for GitHub {
    fn name(&self) -> &'static str {
        NAME
    }

    fn verify_at<'a>(
        &self,
        headers: &'a dyn Headers,
        body: &'a [u8],
        _now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        let tag = signature(headers, SIGNATURE_HEADER, PREFIX, Form::Hex(HexCase::Lower))?;
        self.keys.verify(&[body], &[tag])?;
        Ok(Delivery::new(NAME, body, headers)
            .with_id(Field::Header(DELIVERY_HEADER))
            .with_event(Field::Header(EVENT_HEADER))
            .with_ping_event("ping"))
    }

    /// `X-Hub-Signature-256`, and `X-GitHub-Delivery` / `X-GitHub-Event`
    /// from the outgoing id and event. (GitHub also sends the legacy SHA-1
    /// `X-Hub-Signature`; hooksig neither sends nor checks it.)
    fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
        let mut headers = http::HeaderMap::new();
        provider::insert(&mut headers, SIGNATURE_HEADER, &self.sign(outgoing.body))?;
        provider::insert_metadata(&mut headers, outgoing, DELIVERY_HEADER, EVENT_HEADER)?;
        Ok(headers)
    }
}

/// GitHub-specific metadata of a verified [`Delivery`].
///
/// ```
/// use hooksig::{github::{GitHub, GitHubDelivery}, Provider};
///
/// let github = GitHub::new("secret")?;
/// let sig = github.sign(b"{}");
/// let headers = [
///     ("X-Hub-Signature-256", sig.as_str()),
///     ("X-GitHub-Hook-ID", "292430182"),
///     ("X-GitHub-Hook-Installation-Target-Type", "repository"),
/// ];
/// let delivery = github.verify(&headers, b"{}")?;
/// assert_eq!(delivery.hook_id(), Some("292430182"));
/// assert_eq!(delivery.installation_target_type(), Some("repository"));
/// # Ok::<(), hooksig::Error>(())
/// ```
pub trait GitHubDelivery<'a> {
    /// `X-GitHub-Hook-ID`: the id of the webhook that sent the delivery.
    /// Not covered by the signature.
    fn hook_id(&self) -> Option<&'a str>;

    /// `X-GitHub-Hook-Installation-Target-Type`: the kind of resource the
    /// webhook belongs to. Not covered by the signature.
    fn installation_target_type(&self) -> Option<&'a str>;
}

impl<'a> GitHubDelivery<'a> for Delivery<'a> {
    fn hook_id(&self) -> Option<&'a str> {
        self.header(HOOK_ID_HEADER)
            .filter(|_| self.provider() == NAME)
    }

    fn installation_target_type(&self) -> Option<&'a str> {
        self.header(TARGET_TYPE_HEADER)
            .filter(|_| self.provider() == NAME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "It's a Secret to Everybody";
    const SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const BODY: &[u8] = b"Hello, World!";

    fn verify(value: &str) -> Result<(), Error> {
        GitHub::new(SECRET)?
            .verify(&[("X-Hub-Signature-256", value)], BODY)
            .map(|_| ())
    }

    #[test]
    fn documented_example_verifies() {
        assert_eq!(verify(SIG), Ok(()));
        assert_eq!(GitHub::new(SECRET).unwrap().sign(BODY), SIG);
    }

    #[test]
    fn wrong_forms_are_malformed_not_mismatched() {
        for value in [
            SIG.to_uppercase(),
            SIG.replace("sha256=", "SHA256="),
            SIG.replace("sha256=", "sha1="),
            SIG.trim_start_matches("sha256=").to_string(),
            SIG[..SIG.len() - 1].to_string(),
            format!("{SIG}0"),
            "sha256=".to_string(),
            format!(
                "sha256={}",
                "757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"
            ),
        ] {
            let err = verify(&value).unwrap_err();
            assert!(
                matches!(err, Error::MalformedHeader { ref name, .. } if name == SIGNATURE_HEADER),
                "{value}: {err}"
            );
            assert_eq!(err.status(), 400);
        }
    }

    #[test]
    fn flipped_bits_mismatch() {
        let mut flipped = SIG.as_bytes().to_vec();
        flipped[SIG.len() - 1] = b'6';
        assert_eq!(
            verify(std::str::from_utf8(&flipped).unwrap()),
            Err(Error::SignatureMismatch)
        );
    }

    #[test]
    fn debug_is_redacted() {
        let github = GitHub::new(SECRET).unwrap().with_previous("old").unwrap();
        assert_eq!(format!("{github:?}"), "GitHub { secrets: 2, .. }");
    }

    #[test]
    fn metadata_is_read_from_headers() {
        let github = GitHub::new(SECRET).unwrap();
        let headers = [
            ("x-hub-signature-256", SIG),
            ("X-GitHub-Event", "push"),
            ("X-GitHub-Delivery", "abc"),
        ];
        let delivery = github.verify(&headers, BODY).unwrap();
        assert_eq!(delivery.event(), Some("push"));
        assert_eq!(delivery.id(), Some("abc"));
        assert!(!delivery.is_ping());
        assert_eq!(delivery.timestamp(), None);
        assert_eq!(delivery.hook_id(), None);
    }
}
