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
//! Shopify's newer **event webhooks** carry the same MAC under unprefixed
//! names: `shopify-hmac-sha256`, `shopify-topic`, `shopify-event-id`, …
//! ([`NEW_SIGNATURE_HEADER`]). hooksig accepts either set, never a mix:
//! the unprefixed set is read only when `X-Shopify-Hmac-Sha256` is absent,
//! and then [`Delivery::id`](crate::Delivery::id) is `shopify-event-id`
//! and [`Delivery::event`](crate::Delivery::event) is `shopify-topic`; an
//! unprefixed signature that arrives with `X-Shopify-Topic`,
//! `X-Shopify-Webhook-Id` or `X-Shopify-Event-Id` is malformed (400), so
//! metadata is never taken from the other set.
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
use crate::provider::{self, Outgoing};
use crate::scheme::{Encoding, Fallback, Scheme, Signature, Source};
use crate::Error;

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

/// The API version header, `X-Shopify-API-Version` (`2026-10`). Not
/// signed.
pub const API_VERSION_HEADER: &str = "x-shopify-api-version";
/// The event webhooks' signature header, `shopify-hmac-sha256`.
pub const NEW_SIGNATURE_HEADER: &str = "shopify-hmac-sha256";
/// The event webhooks' topic header, `shopify-topic`. Not signed.
pub const NEW_TOPIC_HEADER: &str = "shopify-topic";
/// The event webhooks' event id header, `shopify-event-id`, the
/// [`Delivery::id`](crate::Delivery::id) of that set. Not signed.
pub const NEW_EVENT_ID_HEADER: &str = "shopify-event-id";
/// The shop `sign_headers` names unless told otherwise
/// ([`Shopify::shop_domain`]).
pub const DEFAULT_SHOP_DOMAIN: &str = "example.myshopify.com";
/// The API version `sign_headers` names unless told otherwise
/// ([`Shopify::api_version`]).
pub const DEFAULT_API_VERSION: &str = "2026-10";

/// Shopify's scheme, and the shop and API version that signing names, for
/// [`Shopify`].
#[derive(Debug, Clone)]
pub struct Spec {
    shop_domain: String,
    api_version: String,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            shop_domain: DEFAULT_SHOP_DOMAIN.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
        }
    }
}

/// The headers of the `X-Shopify-*` set that must not come with an
/// unprefixed signature.
const OLD_METADATA: [&str; 3] = [TOPIC_HEADER, WEBHOOK_ID_HEADER, EVENT_ID_HEADER];

/// Shopify's scheme: `X-Shopify-Hmac-Sha256: <base64>` over the raw body;
/// id and topic from unsigned headers; or else the unprefixed set
/// ([`UNPREFIXED`]).
const SCHEME: &Scheme = &Scheme {
    signature: Signature::plain_static(SIGNATURE_HEADER, ""),
    encoding: Encoding::Base64,
    id: Source::header(WEBHOOK_ID_HEADER),
    event: Source::header(TOPIC_HEADER),
    fallback: Some(Fallback::Static(UNPREFIXED)),
    ..Scheme::HMAC_SHA256
};

/// The unprefixed set: `Shopify-Hmac-Sha256`, `Shopify-Event-Id` and
/// `Shopify-Topic`, never mixed with the `X-Shopify-*` metadata (the common
/// `X-Shopify-*` delivery costs no further lookup).
const UNPREFIXED: &Scheme = &Scheme {
    signature: Signature::plain_static(NEW_SIGNATURE_HEADER, ""),
    encoding: Encoding::Base64,
    id: Source::header(NEW_EVENT_ID_HEADER),
    event: Source::header(NEW_TOPIC_HEADER),
    unmixed: (
        &OLD_METADATA,
        "comes with the unprefixed `shopify-hmac-sha256`: the header sets are not mixed",
    ),
    ..Scheme::HMAC_SHA256
};

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "shopify";
    const TYPE_NAME: &'static str = "Shopify";

    fn scheme() -> Scheme {
        SCHEME.clone()
    }

    fn fixed() -> Option<&'static Scheme> {
        Some(SCHEME)
    }

    /// The shop and API version, which Shopify's own libraries require.
    fn sign_extra(
        &self,
        _outgoing: &Outgoing<'_>,
        headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        provider::insert(headers, SHOP_DOMAIN_HEADER, &self.shop_domain)?;
        provider::insert(headers, API_VERSION_HEADER, &self.api_version)
    }
}

/// Verifies and signs Shopify webhook deliveries.
///
/// `Shopify::new(secret)`, the app's client secret as shown (used as text,
/// not hex-decoded); `.with_previous(secret)` adds the client secret from
/// before a rotation. Shopify signs no timestamp.
///
/// `sign_headers` sends `X-Shopify-Hmac-Sha256`,
/// `X-Shopify-Webhook-Id` / `X-Shopify-Topic` from the outgoing id and
/// event, and `X-Shopify-Shop-Domain` and `X-Shopify-API-Version`, which
/// Shopify's libraries require ([`Shopify::shop_domain`],
/// [`Shopify::api_version`]).
pub type Shopify = Verifier<Spec>;

impl Verifier<Spec> {
    /// The shop `sign_headers` sends in `X-Shopify-Shop-Domain`. Defaults
    /// to [`DEFAULT_SHOP_DOMAIN`], `example.myshopify.com`. A value that
    /// cannot be a header value makes `sign_headers` fail with
    /// [`Error::InvalidConfig`]. Verification ignores it.
    pub fn shop_domain(mut self, domain: &str) -> Self {
        domain.clone_into(&mut self.spec.shop_domain);
        self
    }

    /// The API version `sign_headers` sends in `X-Shopify-API-Version`.
    /// Defaults to [`DEFAULT_API_VERSION`], `2026-10`. A value that cannot
    /// be a header value makes `sign_headers` fail with
    /// [`Error::InvalidConfig`]. Verification ignores it.
    pub fn api_version(mut self, version: &str) -> Self {
        version.clone_into(&mut self.spec.api_version);
        self
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

    #[test]
    fn sign_headers_names_the_shop_and_api_version() {
        let shopify = Shopify::new(SECRET).unwrap();
        let signed = shopify.sign_headers(&Outgoing::new(BODY)).unwrap();
        assert_eq!(signed[SHOP_DOMAIN_HEADER], DEFAULT_SHOP_DOMAIN);
        assert_eq!(signed[API_VERSION_HEADER], DEFAULT_API_VERSION);
        let shopify = shopify
            .shop_domain("shop.myshopify.com")
            .api_version("2026-01");
        let signed = shopify.sign_headers(&Outgoing::new(BODY)).unwrap();
        assert_eq!(signed[SHOP_DOMAIN_HEADER], "shop.myshopify.com");
        assert_eq!(signed[API_VERSION_HEADER], "2026-01");
        assert!(shopify.verify(&signed, BODY).is_ok());
        let bad = Shopify::new(SECRET).unwrap().shop_domain("a\nb");
        assert!(matches!(
            bad.sign_headers(&Outgoing::new(BODY)),
            Err(Error::InvalidConfig(_))
        ));
    }

    // tests/data/providers/shopify_events.json (stdlib HMAC; the header
    // names come from the issue, Shopify's page could not be re-read).
    const EVENTS_SECRET: &str = "shopify-app-client-secret";
    const EVENTS_BODY: &[u8] =
        br#"{"id":820982911946154508,"email":"jon@example.com","total_price":"403.00"}"#;
    const EVENTS_SIG: &str = "mAdl1eqJglhYx8i5i/0PJhzlDNkl1d82QV5/sDOCqGk=";

    #[test]
    fn event_webhook_headers_are_accepted_but_never_mixed() {
        let shopify = Shopify::new(EVENTS_SECRET).unwrap();
        // "new-unprefixed-headers"
        let new = [
            ("shopify-hmac-sha256", EVENTS_SIG),
            ("shopify-topic", "orders/create"),
            ("shopify-webhook-id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
            ("shopify-event-id", "98880550-7158-44d4-b7cd-2c97c8a091b5"),
        ];
        let delivery = shopify.verify(&new, EVENTS_BODY).unwrap();
        assert_eq!(delivery.event(), Some("orders/create"));
        assert_eq!(delivery.id(), Some("98880550-7158-44d4-b7cd-2c97c8a091b5"));
        // "new-headers-tampered"
        assert_eq!(
            shopify.verify(&new, b"{}").unwrap_err(),
            Error::SignatureMismatch
        );
        // "mixed-header-sets" (hooksig's decision)
        let mixed = [
            ("shopify-hmac-sha256", EVENTS_SIG),
            ("X-Shopify-Topic", "orders/create"),
            ("X-Shopify-Event-Id", "98880550-7158-44d4-b7cd-2c97c8a091b5"),
        ];
        assert!(matches!(
            shopify.verify(&mixed, EVENTS_BODY),
            Err(Error::MalformedHeader { .. })
        ));
        // Both signatures present: the X-Shopify-* set is read, the other
        // ignored.
        let both = [
            ("X-Shopify-Hmac-Sha256", EVENTS_SIG),
            ("X-Shopify-Topic", "orders/create"),
            ("shopify-hmac-sha256", "garbage"),
            ("shopify-topic", "other/topic"),
        ];
        let delivery = shopify.verify(&both, EVENTS_BODY).unwrap();
        assert_eq!(delivery.event(), Some("orders/create"));
        // "legacy-x-shopify-headers"
        let legacy = [
            ("X-Shopify-Hmac-Sha256", EVENTS_SIG),
            ("X-Shopify-Topic", "orders/create"),
            (
                "X-Shopify-Webhook-Id",
                "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            ),
        ];
        let delivery = shopify.verify(&legacy, EVENTS_BODY).unwrap();
        assert_eq!(delivery.id(), Some("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"));
    }
}
