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
//! [`Delivery::id`](crate::Delivery::id) (`X-GitHub-Delivery`), which GitHub keeps when you
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

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Scheme, Signature, Source};
use crate::Delivery;

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

/// GitHub's scheme and quirks, for [`GitHub`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

/// GitHub's scheme: `X-Hub-Signature-256: sha256=<lowercase hex>` over
/// the body; the delivery id and event in headers; `ping` answered.
const SCHEME: &Scheme = &Scheme {
    signature: Signature::plain_static(SIGNATURE_HEADER, "sha256="),
    encoding: Encoding::HexLower,
    id: Source::header(DELIVERY_HEADER),
    event: Source::header(EVENT_HEADER),
    ping_event: Some("ping"),
    ..Scheme::HMAC_SHA256
};

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = NAME;
    const TYPE_NAME: &'static str = "GitHub";

    /// `X-Hub-Signature-256: sha256=<64 lowercase hex>` over the raw body;
    /// id and event from unsigned headers; `ping` is the connectivity
    /// check.
    fn scheme() -> Scheme {
        SCHEME.clone()
    }

    fn fixed() -> Option<&'static Scheme> {
        Some(SCHEME)
    }
}

/// Verifies and signs GitHub webhook deliveries.
///
/// Build it once from the webhook secret with `GitHub::new(secret)` and
/// share it (it is `Clone`, `Send` and `Sync`); each secret's HMAC key
/// schedule is computed there, not per request. `with_previous` adds a
/// secret still accepted during a rotation. GitHub signs no timestamp, so
/// [`Verifier::tolerance`] has no effect.
pub type GitHub = Verifier<Spec>;

impl Verifier<Spec> {
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
        format!("sha256={}", self.sign_mac(&[body]))
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
    #[allow(unused_imports)]
    use crate::encoding::tests as encoding;
    #[allow(unused_imports)]
    use crate::{error::HeaderName, key::tests::Keys, Delivery, Error, Outgoing, Provider};
    #[allow(unused_imports)]
    use std::time::{Duration, SystemTime};

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
