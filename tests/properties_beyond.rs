//! Properties of the Standard Webhooks, Stripe, Slack and Shopify
//! providers: what they sign they verify, any single changed byte is
//! rejected, and no header value, however odd, makes them panic.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hooksig::{
    shopify::Shopify, slack::Slack, standard::StandardWebhooks, stripe::Stripe, Error, Outgoing,
    Provider,
};
use proptest::prelude::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// The four providers built from one secret.
fn providers(secret: &[u8]) -> Vec<Box<dyn Provider>> {
    vec![
        Box::new(StandardWebhooks::from_raw_key(secret).unwrap()),
        Box::new(Stripe::new(secret).unwrap()),
        Box::new(Slack::new(secret).unwrap()),
        Box::new(Shopify::new(secret).unwrap()),
    ]
}

/// The signed headers as owned pairs, so single bytes can be changed.
fn owned(headers: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
        .collect()
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..100)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..300)
}

const ID: &str = "[A-Za-z0-9_-]{1,40}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn what_is_signed_verifies(
        secret in secret(),
        previous in secret(),
        body in body(),
        id in ID,
        secs in 0u64..10_000_000_000,
        skew in -300i64..=300,
    ) {
        let now = at(secs.saturating_add_signed(skew));
        let outgoing = Outgoing::new(&body).id(&id).event("e").at(at(secs));
        for signer in providers(&secret) {
            let headers = signer.sign_headers(&outgoing).unwrap();
            let delivery = signer.verify_at(&headers, &body, now).unwrap();
            prop_assert_eq!(delivery.body(), &body[..]);
            prop_assert_eq!(delivery.provider(), signer.name());
            match signer.name() {
                "shopify" => {
                    prop_assert_eq!(delivery.timestamp(), None);
                    prop_assert_eq!(delivery.id(), Some(id.as_str()));
                }
                "standard-webhooks" => {
                    prop_assert_eq!(delivery.timestamp(), Some(at(secs)));
                    prop_assert_eq!(delivery.id(), Some(id.as_str()));
                }
                _ => prop_assert_eq!(delivery.timestamp(), Some(at(secs))),
            }
        }
        // Rotation: a verifier holding the signer's secret as a previous one.
        let rotated: Vec<Box<dyn Provider>> = vec![
            Box::new(StandardWebhooks::from_raw_key(&previous).unwrap().with_previous_raw_key(&secret).unwrap()),
            Box::new(Stripe::new(&previous).unwrap().with_previous(&secret).unwrap()),
            Box::new(Slack::new(&previous).unwrap().with_previous(&secret).unwrap()),
            Box::new(Shopify::new(&previous).unwrap().with_previous(&secret).unwrap()),
        ];
        for (signer, verifier) in providers(&secret).iter().zip(&rotated) {
            let headers = signer.sign_headers(&outgoing).unwrap();
            prop_assert!(verifier.verify_at(&headers, &body, now).is_ok(), "{}", signer.name());
        }
    }

    #[test]
    fn whsec_secrets_sign_like_their_raw_key(
        key in secret(),
        body in body(),
        id in ID,
        secs in 0u64..10_000_000_000,
        padded in any::<bool>(),
    ) {
        let engine = if padded {
            base64::engine::general_purpose::STANDARD
        } else {
            base64::engine::general_purpose::STANDARD_NO_PAD
        };
        let whsec = format!("whsec_{}", engine.encode(&key));
        let from_text = StandardWebhooks::new(&whsec).unwrap();
        let from_raw = StandardWebhooks::from_raw_key(&key).unwrap();
        prop_assert_eq!(
            from_text.sign(&id, secs, &body).unwrap(),
            from_raw.sign(&id, secs, &body).unwrap()
        );
    }

    #[test]
    fn any_changed_byte_is_rejected(
        secret in secret(),
        body in body(),
        id in ID,
        secs in 1_000_000_000u64..2_000_000_000,
        pick in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let outgoing = Outgoing::new(&body).id(&id).at(at(secs));
        for provider in providers(&secret) {
            let headers = owned(&provider.sign_headers(&outgoing).unwrap());

            let mut changed = body.clone();
            let i = pick.index(changed.len());
            changed[i] ^= flip;
            prop_assert_eq!(
                provider.verify_at(&headers, &changed, at(secs)).map(|_| ()),
                Err(Error::SignatureMismatch),
                "{}: body byte {}", provider.name(), i
            );

            // Every signed header (signature, id, timestamp), one byte at a
            // time: whatever the byte becomes, the request fails.
            for h in 0..headers.len() {
                if matches!(
                    headers[h].0.as_str(),
                    "x-shopify-webhook-id"
                        | "x-shopify-topic"
                        | "x-shopify-shop-domain"
                        | "x-shopify-api-version"
                ) {
                    continue; // Shopify's metadata is not signed.
                }
                let mut mutated = headers.clone();
                let value = &mut mutated[h].1;
                let j = pick.index(value.len());
                value[j] ^= flip;
                prop_assert!(
                    provider.verify_at(&mutated, &body, at(secs)).is_err(),
                    "{}: {} byte {} ^ {:#x}", provider.name(), headers[h].0, j, flip
                );
            }
        }
    }

    #[test]
    fn arbitrary_headers_never_panic(
        values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..120), 8),
        body in prop::collection::vec(any::<u8>(), 0..64),
        now in any::<u64>(),
        secret in secret(),
    ) {
        let names = [
            "webhook-id", "webhook-timestamp", "webhook-signature", "stripe-signature",
            "x-slack-signature", "x-slack-request-timestamp", "x-shopify-hmac-sha256", "svix-signature",
        ];
        let headers: Vec<(&str, &[u8])> = names
            .iter()
            .zip(&values)
            .map(|(n, v)| (*n, v.as_slice()))
            .collect();
        let now = UNIX_EPOCH.checked_add(Duration::from_secs(now)).unwrap_or(UNIX_EPOCH);
        for provider in providers(&secret) {
            let _ = provider.verify_at(&headers, &body, now);
        }
    }

    #[test]
    fn structured_signature_lists_never_panic(
        standard in "( ?(v1|v2|v1a|)(,[A-Za-z0-9+/=]{0,48})?){0,40}",
        stripe in "(,?(t|v1|v0|x)?(=[0-9a-fA-F]{0,70})?){0,40}",
        timestamp in "[0-9+\\- .]{0,25}",
        id in "[a-z.]{0,5}",
    ) {
        let secret = b"secret";
        let std_headers = [
            ("webhook-id", id.as_str()),
            ("webhook-timestamp", timestamp.as_str()),
            ("webhook-signature", standard.as_str()),
        ];
        let result = StandardWebhooks::from_raw_key(secret)
            .unwrap()
            .verify_at(&std_headers, b"{}", at(1_700_000_000));
        // Nothing generated here carries a valid MAC.
        prop_assert!(result.is_err());
        let stripe_headers = [("stripe-signature", stripe.as_str())];
        let result = Stripe::new(secret)
            .unwrap()
            .verify_at(&stripe_headers, b"{}", at(1_700_000_000));
        prop_assert!(result.is_err());
    }
}
