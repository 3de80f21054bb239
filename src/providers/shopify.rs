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
//! `tolerance` option): deduplicate on [`Delivery::id`]
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

use std::fmt;
use std::time::SystemTime;

use crate::delivery::Field;
use crate::encoding;
use crate::key::Keys;
use crate::provider::{self, Outgoing};
use crate::providers::{signature, Form};
use crate::{Delivery, Error, Headers, Provider};

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

const NAME: &str = "shopify";

/// Verifies and signs Shopify webhook deliveries.
#[derive(Clone)]
pub struct Shopify {
    keys: Keys,
}

impl Shopify {
    /// A verifier for deliveries signed with `secret`, the app's client
    /// secret as shown (used as text, not hex-decoded).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Ok(Shopify {
            keys: Keys::new(secret.as_ref())?,
        })
    }

    /// Also accepts deliveries signed with `secret`, the client secret
    /// before a rotation. Signing keeps using the secret given to
    /// [`Shopify::new`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn with_previous(mut self, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.add_previous(secret.as_ref())?;
        Ok(self)
    }

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
        encoding::to_base64(&self.keys.sign(&[body]))
    }
}

impl fmt::Debug for Shopify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shopify")
            .field("secrets", &self.keys.count())
            .finish_non_exhaustive()
    }
}

impl Provider for Shopify {
    fn name(&self) -> &'static str {
        NAME
    }

    fn verify_at<'a>(
        &self,
        headers: &'a dyn Headers,
        body: &'a [u8],
        _now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        let tag = signature(headers, SIGNATURE_HEADER, "", Form::Base64)?;
        self.keys.verify(&[body], &[tag])?;
        Ok(Delivery::new(NAME, body, headers)
            .with_id(Field::Header(WEBHOOK_ID_HEADER))
            .with_event(Field::Header(TOPIC_HEADER)))
    }

    /// `X-Shopify-Hmac-Sha256`, and `X-Shopify-Webhook-Id` /
    /// `X-Shopify-Topic` from the outgoing id and event. The outgoing time
    /// is not used: Shopify signs none.
    fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
        let mut headers = http::HeaderMap::new();
        provider::insert(&mut headers, SIGNATURE_HEADER, &self.sign(outgoing.body))?;
        provider::insert_metadata(&mut headers, outgoing, WEBHOOK_ID_HEADER, TOPIC_HEADER)?;
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
