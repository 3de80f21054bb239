//! Shopify webhooks.
//!
//! Shopify signs the raw body with HMAC-SHA256 under the app's client
//! secret (its UTF-8 bytes) and sends the digest as padded standard base64
//! in `X-Shopify-Hmac-Sha256`. The topic (`orders/create`, …), the shop and
//! a delivery id travel in unsigned headers
//! ([Verify webhook deliveries](https://shopify.dev/docs/apps/build/webhooks/verify-deliveries),
//! [delivery structure](https://shopify.dev/docs/apps/build/webhooks/delivery-structure#headers)).
//!
//! What hooksig accepts, following what Shopify sends:
//! - exactly one `X-Shopify-Hmac-Sha256` header of 44 characters of
//!   canonical, padded, standard-alphabet base64; hex, unpadded or URL-safe
//!   base64 and any other length are malformed (400), never compared;
//! - any of the configured secrets ([`Shopify::with_previous`]): Shopify
//!   may keep signing with the old client secret for up to an hour after a
//!   rotation.
//!
//! Shopify signs no timestamp, so there is no replay window (and no
//! `tolerance` option): deduplicate on [`Delivery::id`](crate::Delivery::id)
//! (`X-Shopify-Webhook-Id`), knowing it is not covered by the signature.
//! `X-Shopify-Event-Id` ([`EVENT_ID_HEADER`]) is the same for every
//! subscription that receives one event, for deduplicating across
//! subscriptions.
//!
//! ```
//! use hooksig::{shopify::Shopify, Provider};
//!
//! let shopify = Shopify::new("7008c5f4da4718b9b45d26d3fcbbb157")?;
//! let headers = [
//!     ("X-Shopify-Hmac-Sha256", "+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY="),
//!     ("X-Shopify-Topic", "products/update"),
//!     ("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
//! ];
//! let delivery = shopify.verify(&headers, br#"{"foo":"bar"}"#)?;
//! assert_eq!(delivery.event(), Some("products/update"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Scheme, Signature};

/// The signature header, `X-Shopify-Hmac-Sha256`.
pub const SIGNATURE_HEADER: &str = "x-shopify-hmac-sha256";
/// The topic header, `X-Shopify-Topic` (`orders/create`, …). Not signed.
pub const TOPIC_HEADER: &str = "x-shopify-topic";
/// The delivery id header, `X-Shopify-Webhook-Id`. Not signed.
pub const WEBHOOK_ID_HEADER: &str = "x-shopify-webhook-id";
/// The event id header, `X-Shopify-Event-Id`, shared by the deliveries of
/// one event to several subscriptions. Not signed.
pub const EVENT_ID_HEADER: &str = "x-shopify-event-id";
/// The shop header, `X-Shopify-Shop-Domain` (`example.myshopify.com`).
/// Not signed.
pub const SHOP_DOMAIN_HEADER: &str = "x-shopify-shop-domain";

/// Shopify's scheme, for [`Shopify`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "shopify";
    const TYPE_NAME: &'static str = "Shopify";

    /// `X-Shopify-Hmac-Sha256: <base64>` over the raw body; id and topic
    /// from unsigned headers.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::Base64)
            .id(Id::header_static(WEBHOOK_ID_HEADER))
            .event(Id::header_static(TOPIC_HEADER))
    }
}

/// Verifies and signs Shopify webhook deliveries.
///
/// `Shopify::new(secret)`, the app's client secret as shown (used as text,
/// not hex-decoded); `.with_previous(secret)` adds the client secret from
/// before a rotation. Shopify signs no timestamp.
///
/// `sign_headers` sends `X-Shopify-Hmac-Sha256`, and
/// `X-Shopify-Webhook-Id` / `X-Shopify-Topic` from the outgoing id and
/// event.
pub type Shopify = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Shopify-Hmac-Sha256` value Shopify would send for `body`:
    /// 44 characters of padded standard base64.
    ///
    /// ```
    /// let shopify = hooksig::shopify::Shopify::new("7008c5f4da4718b9b45d26d3fcbbb157")?;
    /// assert_eq!(shopify.sign(br#"{"foo":"bar"}"#), "+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=");
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        self.sign_mac(&[body])
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

    // Shopify/shopify-api-php tests/Webhooks/RegistryTest.php, with
    // TEST_API_SECRET from tests/BaseTestCase.php.
    const SECRET: &str = "7008c5f4da4718b9b45d26d3fcbbb157";
    const BODY: &[u8] = br#"{"foo":"bar"}"#;
    const SIG: &str = "+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=";

    fn verify(value: &str) -> Result<(), Error> {
        Shopify::new(SECRET)?
            .verify(&[("X-Shopify-Hmac-Sha256", value)], BODY)
            .map(|_| ())
    }

    #[test]
    fn library_vector_verifies_and_signs() {
        assert_eq!(verify(SIG), Ok(()));
        assert_eq!(Shopify::new(SECRET).unwrap().sign(BODY), SIG);
    }

    #[test]
    fn wrong_forms_are_malformed_not_mismatched() {
        let hex = "f91f53c1833899b2d393784400e064a40ef35b695cf6f3459952acdaeda3b726";
        for value in [
            hex,
            "whoops_this_is_wrong",
            SIG.trim_end_matches('='),
            "-R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=",
            "sha256=+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=",
            "+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyZ=",
        ] {
            let err = verify(value).unwrap_err();
            assert!(
                matches!(err, Error::MalformedHeader { ref name, .. } if name == SIGNATURE_HEADER),
                "{value}: {err}"
            );
        }
        assert_eq!(
            verify("+B9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY="),
            Err(Error::SignatureMismatch)
        );
    }

    #[test]
    fn metadata_rotation_and_debug() {
        let shopify = Shopify::new("rotated")
            .unwrap()
            .with_previous(SECRET)
            .unwrap();
        let headers = [
            ("X-Shopify-Hmac-Sha256", SIG),
            ("X-Shopify-Topic", "orders/create"),
            ("X-Shopify-Webhook-Id", "w-1"),
            ("X-Shopify-Shop-Domain", "shop.myshopify.com"),
        ];
        let delivery = shopify.verify(&headers, BODY).unwrap();
        assert_eq!(delivery.id(), Some("w-1"));
        assert_eq!(delivery.event(), Some("orders/create"));
        assert_eq!(delivery.timestamp(), None);
        assert_eq!(
            delivery.header(SHOP_DOMAIN_HEADER),
            Some("shop.myshopify.com")
        );
        let signed = shopify
            .sign_headers(&Outgoing::new(BODY).id("w-2").event("app/uninstalled"))
            .unwrap();
        let delivery = shopify.verify(&signed, BODY).unwrap();
        assert_eq!(
            (delivery.id(), delivery.event()),
            (Some("w-2"), Some("app/uninstalled"))
        );
        assert!(Shopify::new("").is_err());
        assert_eq!(format!("{shopify:?}"), "Shopify { secrets: 2, .. }");
    }
}
