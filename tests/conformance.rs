//! One conformance suite that every provider passes by supplying its facts:
//! a row in [`rows`]. For each row it proves, with the provider's own
//! `sign_headers` (or, for public-key schemes, the sender's private key):
//!
//! - sign → verify accepts, with the delivery's metadata;
//! - every single-byte change of the body, and of the signature header's
//!   value, is rejected;
//! - a missing, repeated or garbled signature header is a 400;
//! - a timestamp one second past the tolerance, either way, is a 401 (for
//!   schemes that sign one);
//! - a delivery signed with the previous key is accepted after
//!   `with_previous`, and one signed with an unknown key is a 401;
//! - none of it allocates (a counting allocator, per thread).
//!
//! A new provider gets all of these checks from one row.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::generic::Generic;
use hooksig::scheme::{
    Algorithm, Encoding, Id, KeyFormat, Part, Scheme, Signature, Timestamp, Unit,
};
use hooksig::{
    github::GitHub, linear::Linear, notify::Notify, shopify::Shopify, slack::Slack,
    standard::StandardWebhooks, stripe::Stripe, Error, Incoming, Outgoing, Provider,
};

mod counting_alloc;
use counting_alloc::*;

/// The current key of every row, and the previous one.
const KEY: &str = "conformance-current-secret";
const OLD: &str = "conformance-previous-secret";
/// `whsec_` forms of the keys, for Standard Webhooks.
const WHSEC_KEY: &str = "whsec_Y29uZm9ybWFuY2UtY3VycmVudC1zZWNyZXQ=";
const WHSEC_OLD: &str = "whsec_Y29uZm9ybWFuY2UtcHJldmlvdXMtc2VjcmV0";
/// The signing time of every row, in UNIX seconds.
const SIGNED_AT: u64 = 1_700_000_000;
const URL: &str = "https://example.com/webhooks/in?tenant=a";

type Signer = Box<dyn Fn(&Outgoing<'_>) -> Result<http::HeaderMap, Error>>;
/// Signs a message with a private key.
type RawSigner = Box<dyn Fn(&[u8]) -> Vec<u8>>;

/// One provider's facts.
struct Row {
    name: &'static str,
    /// The verifier, holding the current key and accepting the previous.
    verifier: Box<dyn Provider>,
    /// Signs as the sender with the current key, and with the previous.
    sign: Signer,
    sign_old: Signer,
    /// Signs with a key the verifier does not hold.
    sign_unknown: Signer,
    /// The signature header, which the malformed cases garble.
    signature_header: &'static str,
    /// A body the sender would sign.
    body: Vec<u8>,
    /// The id and event the delivery carries, as `sign_headers` sends them.
    id: Option<&'static str>,
    event: Option<&'static str>,
    /// The tolerance, for schemes that sign a timestamp.
    window: Option<Duration>,
}

fn mac_row<P: Provider + 'static>(
    name: &'static str,
    make: impl Fn(&str) -> Result<P, Error>,
    rotated: impl Fn() -> Result<P, Error>,
) -> (Box<dyn Provider>, Signer, Signer, Signer) {
    let current = make(KEY).expect(name);
    let old = make(OLD).expect(name);
    let unknown = make("conformance-unknown-secret").expect(name);
    (
        Box::new(rotated().expect(name)),
        Box::new(move |o| current.sign_headers(o)),
        Box::new(move |o| old.sign_headers(o)),
        Box::new(move |o| unknown.sign_headers(o)),
    )
}

fn row(
    name: &'static str,
    parts: (Box<dyn Provider>, Signer, Signer, Signer),
    signature_header: &'static str,
    body: &[u8],
    metadata: (Option<&'static str>, Option<&'static str>),
    window: Option<Duration>,
) -> Row {
    let (verifier, sign, sign_old, sign_unknown) = parts;
    Row {
        name,
        verifier,
        sign,
        sign_old,
        sign_unknown,
        signature_header,
        body: body.to_vec(),
        id: metadata.0,
        event: metadata.1,
        window,
    }
}

/// A custom scheme through `Generic::from_scheme`.
fn custom(scheme: Scheme, key: impl AsRef<[u8]>) -> Result<Generic, Error> {
    Generic::from_scheme(scheme, key)
}

fn calendly_like() -> Scheme {
    Scheme::hmac_sha256()
        .signature(
            Signature::list("Calendly-Webhook-Signature", ',', "v1")
                .unwrap()
                .timestamp_key("t"),
        )
        .encoding(Encoding::HexLower)
        .content([Part::Timestamp, Part::literal("."), Part::Body])
        .timestamp(Timestamp::in_signature().tolerance(Duration::from_secs(180)))
}

fn request_signing() -> Scheme {
    // Signs method, URL and body, with a millisecond timestamp header: the
    // shape of HubSpot's v3.
    Scheme::hmac_sha256()
        .signature(Signature::plain("X-Request-Signature", "").unwrap())
        .encoding(Encoding::Base64)
        .content([Part::Method, Part::Url, Part::Body, Part::Timestamp])
        .timestamp(
            Timestamp::header("X-Request-Timestamp")
                .unwrap()
                .unit(Unit::Millis),
        )
        .id(Id::header("X-Request-Id").unwrap())
}

fn rfc3339_scheme() -> Scheme {
    // Id ‖ timestamp ‖ body with an RFC 3339 timestamp: the shape of
    // Twitch's EventSub.
    Scheme::hmac_sha256()
        .signature(Signature::plain("X-Message-Signature", "sha256=").unwrap())
        .encoding(Encoding::HexLower)
        .content([Part::Id, Part::Timestamp, Part::Body])
        .timestamp(
            Timestamp::header("X-Message-Timestamp")
                .unwrap()
                .unit(Unit::Rfc3339)
                .tolerance(Duration::from_secs(600)),
        )
        .id(Id::signed_header("X-Message-Id").unwrap())
}

fn box_like() -> Scheme {
    // Box: base64 over body ‖ RFC 3339 timestamp, in a primary and a
    // secondary header.
    Scheme::hmac_sha256()
        .signature(
            Signature::plain("Box-Signature-Primary", "")
                .and_then(|s| s.or_header("Box-Signature-Secondary"))
                .unwrap(),
        )
        .encoding(Encoding::Base64)
        .content([Part::Body, Part::Timestamp])
        .timestamp(
            Timestamp::header("Box-Delivery-Timestamp")
                .unwrap()
                .unit(Unit::Rfc3339)
                .tolerance(Duration::from_secs(600)),
        )
}

fn docusign_like() -> Scheme {
    Scheme::hmac_sha256()
        .signature(Signature::numbered("X-DocuSign-Signature-", 5, "").unwrap())
        .encoding(Encoding::Base64)
}

fn paddle_like() -> Scheme {
    Scheme::hmac_sha256()
        .signature(
            Signature::list("Paddle-Signature", ';', "h1")
                .unwrap()
                .timestamp_key("ts"),
        )
        .encoding(Encoding::HexLower)
        .content([Part::Timestamp, Part::literal(":"), Part::Body])
        .timestamp(Timestamp::in_signature())
}

fn base64url_key_scheme() -> Scheme {
    Scheme::hmac_sha256()
        .signature(Signature::plain("X-Sig", "").unwrap())
        .encoding(Encoding::Base64UrlNoPad)
        .key(KeyFormat::Base64)
}

#[cfg(feature = "sha1")]
fn sha1_scheme() -> Scheme {
    Scheme::new(Algorithm::HmacSha1)
        .signature(Signature::plain("X-Hub-Signature", "sha1=").unwrap())
        .encoding(Encoding::HexLower)
}

#[cfg(feature = "sha512")]
fn sha512_scheme() -> Scheme {
    Scheme::new(Algorithm::HmacSha512)
        .signature(Signature::plain("x-paystack-signature", "").unwrap())
        .encoding(Encoding::HexLower)
}

/// A public-key scheme verified with `public`, signed by `sign` with the
/// matching private key.
fn key_pair_row(
    name: &'static str,
    scheme: impl Fn() -> Scheme,
    public: [String; 2],
    sign: [RawSigner; 3],
    encode: fn(&[u8]) -> String,
) -> (Box<dyn Provider>, Signer, Signer, Signer) {
    let verifier = Generic::from_scheme(scheme(), &public[0])
        .and_then(|g| g.with_previous(&public[1]))
        .expect(name);
    let [current, old, unknown] = sign;
    let signer = move |key: RawSigner| -> Signer {
        Box::new(move |o: &Outgoing<'_>| {
            // The scheme of these rows signs `X-Timestamp ‖ body`.
            let at = SIGNED_AT.to_string();
            let mut message = at.clone().into_bytes();
            message.extend_from_slice(o.body());
            let mut headers = http::HeaderMap::new();
            headers.insert("x-timestamp", at.parse().unwrap());
            headers.insert("x-signature", encode(&key(&message)).parse().unwrap());
            Ok(headers)
        })
    };
    (
        Box::new(verifier),
        signer(current),
        signer(old),
        signer(unknown),
    )
}

#[cfg(feature = "ed25519")]
fn ed25519_row() -> Row {
    use ed25519_dalek::{Signer as _, SigningKey};
    let keys = [[7u8; 32], [8u8; 32], [9u8; 32]].map(|seed| SigningKey::from_bytes(&seed));
    let public = [0, 1].map(|i| hex::encode(keys[i].verifying_key().as_bytes()));
    let scheme = || {
        Scheme::new(Algorithm::Ed25519)
            .signature(Signature::plain("X-Signature", "").unwrap())
            .encoding(Encoding::Hex)
            .content([Part::Timestamp, Part::Body])
            .timestamp(Timestamp::header("X-Timestamp").unwrap())
    };
    let sign =
        keys.map(|key| -> RawSigner { Box::new(move |m: &[u8]| key.sign(m).to_bytes().to_vec()) });
    row(
        "custom Ed25519 (Discord's shape)",
        key_pair_row("ed25519", scheme, public, sign, |s| hex::encode(s)),
        "x-signature",
        br#"{"type":2,"id":"1"}"#,
        (None, None),
        Some(Duration::from_secs(300)),
    )
}

#[cfg(feature = "p256")]
fn p256_row() -> Row {
    use base64::Engine as _;
    use p256::ecdsa::{signature::Signer as _, DerSignature, SigningKey};
    let keys = [1u8, 2, 3].map(|n| SigningKey::from_slice(&[n; 32]).unwrap());
    let public = [0, 1].map(|i| {
        // SEC1 here; the DER SPKI form is covered by SendGrid's vectors.
        let point = keys[i].verifying_key().to_sec1_point(false);
        base64::engine::general_purpose::STANDARD.encode(point.as_bytes())
    });
    let scheme = || {
        Scheme::new(Algorithm::EcdsaP256(hooksig::scheme::EcdsaFormat::Der))
            .signature(Signature::plain("X-Signature", "").unwrap())
            .encoding(Encoding::Base64)
            .content([Part::Timestamp, Part::Body])
            .timestamp(Timestamp::header("X-Timestamp").unwrap())
    };
    let sign = keys.map(|key| -> RawSigner {
        Box::new(move |m: &[u8]| {
            let signature: DerSignature = key.sign(m);
            signature.as_bytes().to_vec()
        })
    });
    row(
        "custom ECDSA P-256 (SendGrid's shape)",
        key_pair_row("p256", scheme, public, sign, |s| {
            base64::engine::general_purpose::STANDARD.encode(s)
        }),
        "x-signature",
        br#"[{"email":"a@example.com","event":"open"}]"#,
        (None, None),
        Some(Duration::from_secs(300)),
    )
}

/// A public-key provider's parts: the verifier holds the first two public
/// keys, and each signer is the same provider with a private key
/// (`signing_key`), signing with its own `sign_headers`.
#[cfg(any(feature = "ed25519", feature = "p256"))]
fn signing_row<P: Provider + 'static>(
    verifier: P,
    signers: [P; 3],
) -> (Box<dyn Provider>, Signer, Signer, Signer) {
    let [current, old, unknown] = signers;
    (
        Box::new(verifier),
        Box::new(move |o| current.sign_headers(o)),
        Box::new(move |o| old.sign_headers(o)),
        Box::new(move |o| unknown.sign_headers(o)),
    )
}

/// The senders of the senders-b branch, one row each. GitLab's secret
/// token and Telegram's token prove knowledge of a token, not the body's
/// integrity, and Mailgun signs only its body's timestamp and token, so
/// they cannot pass the body-mutation checks: their vectors, token checks
/// and allocation counts are in tests/senders_b.rs.
fn sender_rows() -> Vec<Row> {
    use base64::Engine as _;
    let b64 = |k: &str| base64::engine::general_purpose::STANDARD.encode(k);
    let whsec = |k: &str| format!("whsec_{}", b64(k));
    #[allow(unused_mut)]
    let mut rows = vec![
        row(
            "zoom",
            mac_row(
                "zoom",
                |k| hooksig::zoom::Zoom::new(k),
                || hooksig::zoom::Zoom::new(KEY)?.with_previous(OLD),
            ),
            "x-zm-signature",
            br#"{"event":"meeting.started","payload":{}}"#,
            (None, Some("meeting.started")),
            Some(Duration::from_secs(300)),
        ),
        row(
            "twitch",
            mac_row(
                "twitch",
                |k| hooksig::twitch::Twitch::new(k),
                || hooksig::twitch::Twitch::new(KEY)?.with_previous(OLD),
            ),
            "twitch-eventsub-message-signature",
            br#"{"subscription":{"type":"channel.follow"},"event":{}}"#,
            (Some("d-1"), Some("channel.follow")),
            Some(Duration::from_secs(600)),
        ),
        row(
            "hubspot (v3)",
            mac_row(
                "hubspot",
                |k| hooksig::hubspot::HubSpot::new(k),
                || hooksig::hubspot::HubSpot::new(KEY)?.with_previous(OLD),
            ),
            "x-hubspot-signature-v3",
            br#"[{"eventId":1,"subscriptionType":"contact.creation"}]"#,
            (None, None),
            Some(Duration::from_secs(300)),
        ),
        row(
            "gitlab (signing token)",
            mac_row(
                "gitlab",
                move |k| hooksig::gitlab::GitLab::new(whsec(k)),
                move || hooksig::gitlab::GitLab::new(whsec(KEY))?.with_previous(whsec(OLD)),
            ),
            "webhook-signature",
            br#"{"object_kind":"push"}"#,
            (Some("d-1"), Some("Push Hook")),
            Some(Duration::from_secs(300)),
        ),
    ];
    #[cfg(feature = "sha1")]
    rows.push(row(
        "twilio",
        mac_row(
            "twilio",
            |k| hooksig::twilio::Twilio::new(k),
            || hooksig::twilio::Twilio::new(KEY)?.with_previous(OLD),
        ),
        "x-twilio-signature",
        b"Body=Hi+there&From=%2B15005550006&To=%2B15005550001",
        (Some("d-1"), None),
        None,
    ));
    #[cfg(feature = "ed25519")]
    {
        use ed25519_dalek::SigningKey;
        let keys = [[17u8; 32], [18u8; 32], [19u8; 32]].map(|seed| SigningKey::from_bytes(&seed));
        let public = |i: usize| hex::encode(keys[i].verifying_key().as_bytes());
        let seed = |i: usize| hex::encode(keys[i].to_bytes());
        let discord = |i: usize| {
            hooksig::discord::Discord::new(public(i))
                .and_then(|d| d.signing_key(seed(i)))
                .expect("discord")
        };
        rows.push(row(
            "discord",
            signing_row(
                hooksig::discord::Discord::new(public(0))
                    .and_then(|d| d.with_previous(public(1)))
                    .expect("discord"),
                [discord(0), discord(1), discord(2)],
            ),
            "x-signature-ed25519",
            br#"{"id":"1","token":"t","type":2,"version":1}"#,
            (Some("1"), Some("2")),
            Some(Duration::from_secs(300)),
        ));
        let whpk = |i: usize| {
            format!(
                "whpk_{}",
                base64::engine::general_purpose::STANDARD
                    .encode(keys[i].verifying_key().as_bytes())
            )
        };
        let whsk = |i: usize| {
            format!(
                "whsk_{}",
                base64::engine::general_purpose::STANDARD.encode(keys[i].to_bytes())
            )
        };
        let v1a = |i: usize| {
            StandardWebhooks::ed25519(whpk(i))
                .and_then(|s| s.signing_key(whsk(i)))
                .expect("v1a")
        };
        rows.push(row(
            "standard-webhooks v1a (Ed25519)",
            signing_row(
                StandardWebhooks::ed25519(whpk(0))
                    .and_then(|s| s.with_previous(whpk(1)))
                    .expect("v1a"),
                [v1a(0), v1a(1), v1a(2)],
            ),
            "webhook-signature",
            br#"{"type":"contact.created"}"#,
            (Some("d-1"), None),
            Some(Duration::from_secs(300)),
        ));
    }
    #[cfg(feature = "p256")]
    {
        use p256::ecdsa::SigningKey;
        let keys = [4u8, 5, 6].map(|n| SigningKey::from_slice(&[n; 32]).unwrap());
        let public = |i: usize| {
            let point = keys[i].verifying_key().to_sec1_point(false);
            base64::engine::general_purpose::STANDARD.encode(point.as_bytes())
        };
        let sendgrid = |i: usize| {
            hooksig::sendgrid::SendGrid::new(public(i))
                .and_then(|s| s.signing_key(hex::encode([[4u8, 5, 6][i]; 32])))
                .expect("sendgrid")
        };
        rows.push(row(
            "sendgrid",
            signing_row(
                hooksig::sendgrid::SendGrid::new(public(0))
                    .and_then(|s| s.with_previous(public(1)))
                    .expect("sendgrid"),
                [sendgrid(0), sendgrid(1), sendgrid(2)],
            ),
            "x-twilio-email-event-webhook-signature",
            b"[{\"email\":\"a@example.com\",\"event\":\"open\"}]\r\n",
            (None, None),
            None, // no window by default, as SendGrid's libraries
        ));
    }
    let _ = b64;
    rows
}

fn rows() -> Vec<Row> {
    let stripe_body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
    let slack_body = br#"{"event_id":"Ev1","type":"event_callback"}"#;
    let notify_body =
        br#"{"event":"message.sent","event_id":"evt_1","timestamp":"2023-11-14T22:13:20Z"}"#;
    let linear_body = format!(
        r#"{{"action":"create","webhookTimestamp":{}}}"#,
        SIGNED_AT * 1000
    );
    let mut rows = vec![
        row(
            "github",
            mac_row(
                "github",
                |k| GitHub::new(k),
                || GitHub::new(KEY)?.with_previous(OLD),
            ),
            "x-hub-signature-256",
            br#"{"zen":"Keep it logically awesome."}"#,
            (Some("d-1"), Some("push")),
            None,
        ),
        row(
            "linear",
            mac_row(
                "linear",
                |k| Linear::new(k),
                || Linear::new(KEY)?.with_previous(OLD),
            ),
            "linear-signature",
            linear_body.as_bytes(),
            (Some("d-1"), Some("push")),
            Some(Duration::from_secs(60)),
        ),
        row(
            "notify",
            mac_row(
                "notify",
                |k| Notify::new(k),
                || {
                    Ok(Notify::new(KEY)?
                        .with_previous(OLD)?
                        .tolerance(Duration::from_secs(600)))
                },
            ),
            "x-notify-signature",
            notify_body,
            (Some("evt_1"), Some("message.sent")),
            None, // its window is off by default; tested in tests/properties.rs
        ),
        row(
            "generic",
            mac_row(
                "generic",
                |k| Generic::new(k),
                || Generic::new(KEY)?.with_previous(OLD),
            ),
            "x-signature-256",
            b"any bytes at all \x00\xff",
            (None, None),
            None,
        ),
        row(
            "standard-webhooks",
            mac_row(
                "standard",
                |k| {
                    StandardWebhooks::new(if k == KEY {
                        WHSEC_KEY
                    } else if k == OLD {
                        WHSEC_OLD
                    } else {
                        "whsec_dW5rbm93bg=="
                    })
                },
                || StandardWebhooks::new(WHSEC_KEY)?.with_previous(WHSEC_OLD),
            ),
            "webhook-signature",
            br#"{"type":"user.created"}"#,
            (Some("d-1"), None),
            Some(Duration::from_secs(300)),
        ),
        row(
            "stripe",
            mac_row(
                "stripe",
                |k| Stripe::new(k),
                || Stripe::new(KEY)?.with_previous(OLD),
            ),
            "stripe-signature",
            stripe_body,
            (Some("evt_1"), Some("invoice.paid")),
            Some(Duration::from_secs(300)),
        ),
        row(
            "slack",
            mac_row(
                "slack",
                |k| Slack::new(k),
                || Slack::new(KEY)?.with_previous(OLD),
            ),
            "x-slack-signature",
            slack_body,
            (Some("Ev1"), Some("event_callback")),
            Some(Duration::from_secs(300)),
        ),
        row(
            "shopify",
            mac_row(
                "shopify",
                |k| Shopify::new(k),
                || Shopify::new(KEY)?.with_previous(OLD),
            ),
            "x-shopify-hmac-sha256",
            br#"{"id":1}"#,
            (Some("d-1"), Some("push")),
            None,
        ),
        row(
            "custom t=,v1= list (Calendly's shape)",
            mac_row(
                "calendly",
                |k| custom(calendly_like(), k),
                || custom(calendly_like(), KEY)?.with_previous(OLD),
            ),
            "calendly-webhook-signature",
            br#"{"event":"invitee.created"}"#,
            (None, None),
            Some(Duration::from_secs(180)),
        ),
        row(
            "custom primary and secondary headers, RFC 3339 (Box's shape)",
            mac_row(
                "box",
                |k| custom(box_like(), k),
                || custom(box_like(), KEY)?.with_previous(OLD),
            ),
            "box-signature-primary",
            br#"{"trigger":"FILE.UPLOADED"}"#,
            (None, None),
            Some(Duration::from_secs(600)),
        ),
        row(
            "custom numbered headers (DocuSign's shape)",
            mac_row(
                "docusign",
                |k| custom(docusign_like(), k),
                || custom(docusign_like(), KEY)?.with_previous(OLD),
            ),
            "x-docusign-signature-1",
            br#"{"event":"envelope-completed"}"#,
            (None, None),
            None,
        ),
        row(
            "custom ts=;h1= list (Paddle's shape)",
            mac_row(
                "paddle",
                |k| custom(paddle_like(), k),
                || custom(paddle_like(), KEY)?.with_previous(OLD),
            ),
            "paddle-signature",
            br#"{"event_type":"transaction.paid"}"#,
            (None, None),
            Some(Duration::from_secs(300)),
        ),
        row(
            "custom method + URL + body + ms timestamp (HubSpot v3's shape)",
            mac_row(
                "request",
                |k| custom(request_signing(), k),
                || custom(request_signing(), KEY)?.with_previous(OLD),
            ),
            "x-request-signature",
            br#"[{"objectId":1}]"#,
            (Some("d-1"), None),
            Some(Duration::from_secs(300)),
        ),
        row(
            "custom id + RFC 3339 timestamp (Twitch's shape)",
            mac_row(
                "rfc3339",
                |k| custom(rfc3339_scheme(), k),
                || custom(rfc3339_scheme(), KEY)?.with_previous(OLD),
            ),
            "x-message-signature",
            br#"{"subscription":{}}"#,
            (Some("d-1"), None),
            Some(Duration::from_secs(600)),
        ),
        row(
            "custom base64url with a base64 key",
            mac_row(
                "base64url",
                |k| {
                    use base64::Engine as _;
                    custom(
                        base64url_key_scheme(),
                        base64::engine::general_purpose::STANDARD.encode(k),
                    )
                },
                || {
                    use base64::Engine as _;
                    let b64 = |k: &str| base64::engine::general_purpose::STANDARD.encode(k);
                    custom(base64url_key_scheme(), b64(KEY))?.with_previous(b64(OLD))
                },
            ),
            "x-sig",
            b"{}",
            (None, None),
            None,
        ),
    ];
    #[cfg(feature = "sha1")]
    rows.push(row(
        "custom HMAC-SHA1 (Intercom's shape)",
        mac_row(
            "sha1",
            |k| custom(sha1_scheme(), k),
            || custom(sha1_scheme(), KEY)?.with_previous(OLD),
        ),
        "x-hub-signature",
        br#"{"topic":"ping"}"#,
        (None, None),
        None,
    ));
    #[cfg(feature = "sha512")]
    rows.push(row(
        "custom HMAC-SHA512 (Paystack's shape)",
        mac_row(
            "sha512",
            |k| custom(sha512_scheme(), k),
            || custom(sha512_scheme(), KEY)?.with_previous(OLD),
        ),
        "x-paystack-signature",
        br#"{"event":"charge.success"}"#,
        (None, None),
        None,
    ));
    #[cfg(feature = "ed25519")]
    rows.push(ed25519_row());
    #[cfg(feature = "p256")]
    rows.push(p256_row());
    rows.extend(senders_a_rows());
    rows.extend(sender_rows());
    rows
}

/// The rows of Meta, Jira, Bitbucket, Intercom, Razorpay, Paystack, Lemon
/// Squeezy, Vercel, Typeform, Dropbox, Sentry, Notion, Calendly, WorkOS,
/// Mux, Paddle, Square (request URL and configured notification URL) and
/// Zendesk.
// The closures name each sender's `new`, generic over its secret's type,
// which a path alone cannot be passed as.
#[allow(clippy::redundant_closure)]
fn senders_a_rows() -> Vec<Row> {
    use hooksig::{
        bitbucket::Bitbucket, calendly::Calendly, dropbox::Dropbox, jira::Jira,
        lemonsqueezy::LemonSqueezy, meta::Meta, mux::Mux, notion::Notion, paddle::Paddle,
        razorpay::Razorpay, sentry::Sentry, square::Square, typeform::Typeform, workos::WorkOS,
        zendesk::Zendesk,
    };
    /// A row of a built-in sender whose verifier is `$make(KEY)` with `OLD`
    /// as the previous secret.
    macro_rules! sender {
        ($name:literal, $make:expr, $header:literal, $body:expr, $meta:expr, $window:expr) => {
            row(
                $name,
                mac_row($name, $make, || $make(KEY)?.with_previous(OLD)),
                $header,
                $body,
                $meta,
                $window,
            )
        };
    }
    let secs = Duration::from_secs;
    let mut rows = vec![
        sender!(
            "meta",
            |k| Meta::new(k),
            "x-hub-signature-256",
            br#"{"object":"page","entry":[]}"#,
            (None, Some("page")),
            None
        ),
        sender!(
            "jira",
            |k| Jira::new(k),
            "x-hub-signature",
            br#"{"webhookEvent":"jira:issue_created"}"#,
            (Some("d-1"), Some("jira:issue_created")),
            None
        ),
        sender!(
            "bitbucket",
            |k| Bitbucket::new(k),
            "x-hub-signature",
            br#"{"push":{}}"#,
            (Some("d-1"), Some("repo:push")),
            None
        ),
        sender!(
            "razorpay",
            |k| Razorpay::new(k),
            "x-razorpay-signature",
            br#"{"event":"payment.captured"}"#,
            (Some("d-1"), Some("payment.captured")),
            None
        ),
        sender!(
            "lemonsqueezy",
            |k| LemonSqueezy::new(k),
            "x-signature",
            br#"{"meta":{"event_name":"order_created"}}"#,
            (None, Some("order_created")),
            None
        ),
        sender!(
            "typeform",
            |k| Typeform::new(k),
            "typeform-signature",
            br#"{"event_id":"e-1","event_type":"form_response"}"#,
            (Some("e-1"), Some("form_response")),
            None
        ),
        sender!(
            "dropbox",
            |k| Dropbox::new(k),
            "x-dropbox-signature",
            br#"{"list_folder":{"accounts":["dbid:A"]}}"#,
            (None, None),
            None
        ),
        sender!(
            "sentry",
            |k| Sentry::new(k),
            "sentry-hook-signature",
            br#"{"action":"created"}"#,
            (Some("d-1"), Some("issue")),
            None
        ),
        sender!(
            "notion",
            |k| Notion::new(k),
            "x-notion-signature",
            br#"{"id":"n-1","type":"page.created"}"#,
            (Some("n-1"), Some("page.created")),
            None
        ),
        sender!(
            "calendly",
            |k| Calendly::new(k),
            "calendly-webhook-signature",
            br#"{"event":"invitee.created"}"#,
            (None, Some("invitee.created")),
            Some(secs(180))
        ),
        sender!(
            "workos",
            |k| WorkOS::new(k),
            "workos-signature",
            br#"{"id":"event_1","event":"user.created"}"#,
            (Some("event_1"), Some("user.created")),
            Some(secs(180))
        ),
        sender!(
            "mux",
            |k| Mux::new(k),
            "mux-signature",
            br#"{"type":"video.asset.ready","id":"m-1"}"#,
            (Some("m-1"), Some("video.asset.ready")),
            Some(secs(300))
        ),
        sender!(
            "paddle",
            |k| Paddle::new(k),
            "paddle-signature",
            br#"{"event_id":"evt_1","event_type":"transaction.paid"}"#,
            (Some("evt_1"), Some("transaction.paid")),
            Some(secs(5))
        ),
        sender!(
            "square (request URL)",
            |k| Square::new(k),
            "x-square-hmacsha256-signature",
            br#"{"event_id":"sq-1","type":"payment.updated"}"#,
            (Some("sq-1"), Some("payment.updated")),
            None
        ),
        sender!(
            "square (notification URL)",
            |k| Square::new(k)?.notification_url(URL),
            "x-square-hmacsha256-signature",
            br#"{"event_id":"sq-1","type":"payment.updated"}"#,
            (Some("sq-1"), Some("payment.updated")),
            None
        ),
        sender!(
            "zendesk",
            |k| Zendesk::new(k),
            "x-zendesk-webhook-signature",
            br#"{"type":"zen:event-type:ticket.created"}"#,
            (Some("d-1"), Some("zen:event-type:ticket.created")),
            Some(secs(300))
        ),
    ];
    #[cfg(feature = "sha1")]
    rows.extend([
        sender!(
            "intercom",
            |k| hooksig::intercom::Intercom::new(k),
            "x-hub-signature",
            br#"{"topic":"ping","id":"notif_1"}"#,
            (Some("notif_1"), Some("ping")),
            None
        ),
        sender!(
            "vercel",
            |k| hooksig::vercel::Vercel::new(k),
            "x-vercel-signature",
            br#"{"id":"evt_1","type":"deployment.succeeded"}"#,
            (Some("evt_1"), Some("deployment.succeeded")),
            None
        ),
    ]);
    #[cfg(feature = "sha512")]
    rows.push(sender!(
        "paystack",
        |k| hooksig::paystack::Paystack::new(k),
        "x-paystack-signature",
        br#"{"event":"charge.success"}"#,
        (None, Some("charge.success")),
        None
    ));
    rows
}

type Pairs = Vec<(String, Vec<u8>)>;

fn pairs(map: &http::HeaderMap) -> Pairs {
    map.iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect()
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

impl Row {
    fn signed_with(&self, sign: &Signer) -> Pairs {
        let mut outgoing = Outgoing::new(&self.body)
            .at(at(SIGNED_AT))
            .method("POST")
            .url(URL);
        if let Some(id) = self.id {
            outgoing = outgoing.id(id);
        }
        if let Some(event) = self.event {
            outgoing = outgoing.event(event);
        }
        pairs(&sign(&outgoing).unwrap_or_else(|e| panic!("{}: sign: {e}", self.name)))
    }

    fn verify(&self, headers: &Pairs, body: &[u8], now: SystemTime) -> Result<(), Error> {
        let incoming = Incoming::new(headers, body).method("POST").url(URL);
        self.verifier.verify_incoming(&incoming, now).map(|_| ())
    }
}

#[test]
fn sign_then_verify_with_metadata() {
    for row in rows() {
        let headers = row.signed_with(&row.sign);
        let incoming = Incoming::new(&headers, &row.body).method("POST").url(URL);
        let delivery = row
            .verifier
            .verify_incoming(&incoming, at(SIGNED_AT))
            .unwrap_or_else(|e| panic!("{}: {e}", row.name));
        assert_eq!(delivery.body(), &row.body[..], "{}", row.name);
        assert_eq!(delivery.provider(), row.verifier.name(), "{}", row.name);
        assert_eq!(
            (delivery.id(), delivery.event()),
            (row.id, row.event),
            "{}",
            row.name
        );
        if row.window.is_some() {
            assert_eq!(delivery.timestamp(), Some(at(SIGNED_AT)), "{}", row.name);
        }
    }
}

#[test]
fn every_single_byte_change_is_rejected() {
    for row in rows() {
        let headers = row.signed_with(&row.sign);
        for i in 0..row.body.len() {
            let mut body = row.body.clone();
            body[i] ^= 1;
            assert!(
                row.verify(&headers, &body, at(SIGNED_AT)).is_err(),
                "{}: body byte {i} changed and accepted",
                row.name
            );
        }
        let index = headers
            .iter()
            .position(|(name, _)| name.eq_ignore_ascii_case(row.signature_header))
            .unwrap_or_else(|| panic!("{}: no {}", row.name, row.signature_header));
        for i in 0..headers[index].1.len() {
            let mut changed = headers.clone();
            changed[index].1[i] ^= 1;
            assert!(
                row.verify(&changed, &row.body, at(SIGNED_AT)).is_err(),
                "{}: signature byte {i} changed and accepted",
                row.name
            );
        }
        // And every other signed header's bytes (id, timestamp).
        for (h, (name, value)) in headers.iter().enumerate() {
            if h == index || name.eq_ignore_ascii_case("x-request-id") {
                continue;
            }
            let covered = [
                "x-zm-request-timestamp",
                "twitch-eventsub-message-id",
                "twitch-eventsub-message-timestamp",
                "x-hubspot-request-timestamp",
                "x-signature-timestamp",
                "x-twilio-email-event-webhook-timestamp",
                "box-delivery-timestamp",
                "webhook-id",
                "webhook-timestamp",
                "x-slack-request-timestamp",
                "x-request-timestamp",
                "x-message-id",
                "x-message-timestamp",
                "x-timestamp",
                "x-zendesk-webhook-signature-timestamp",
            ];
            if !covered.contains(&name.as_str()) {
                continue;
            }
            for i in 0..value.len() {
                let mut changed = headers.clone();
                changed[h].1[i] ^= 1;
                assert!(
                    row.verify(&changed, &row.body, at(SIGNED_AT)).is_err(),
                    "{}: {name} byte {i} changed and accepted",
                    row.name
                );
            }
        }
    }
}

#[test]
fn malformed_signature_headers_are_400() {
    for row in rows() {
        let headers = row.signed_with(&row.sign);
        let without: Pairs = headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case(row.signature_header))
            .cloned()
            .collect();
        let mut repeated = headers.clone();
        let original = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(row.signature_header))
            .unwrap()
            .clone();
        repeated.push(original);
        let mut garbled = without.clone();
        garbled.push((row.signature_header.to_owned(), b"not a signature".to_vec()));
        let mut empty = without.clone();
        empty.push((row.signature_header.to_owned(), b"".to_vec()));
        for (case, headers) in [
            ("missing", without),
            ("repeated", repeated),
            ("garbled", garbled),
            ("empty", empty),
        ] {
            let err = row.verify(&headers, &row.body, at(SIGNED_AT)).unwrap_err();
            assert_eq!(err.status(), 400, "{} {case}: {err}", row.name);
        }
    }
}

#[test]
fn stale_and_future_timestamps_are_401() {
    for row in rows() {
        let Some(window) = row.window else { continue };
        let headers = row.signed_with(&row.sign);
        let edge = window.as_secs();
        assert_eq!(
            row.verify(&headers, &row.body, at(SIGNED_AT + edge)),
            Ok(()),
            "{}",
            row.name
        );
        assert_eq!(
            row.verify(&headers, &row.body, at(SIGNED_AT - edge)),
            Ok(()),
            "{}",
            row.name
        );
        assert_eq!(
            row.verify(&headers, &row.body, at(SIGNED_AT + edge + 1)),
            Err(Error::TimestampTooOld),
            "{}",
            row.name
        );
        assert_eq!(
            row.verify(&headers, &row.body, at(SIGNED_AT - edge - 1)),
            Err(Error::TimestampInFuture),
            "{}",
            row.name
        );
    }
}

#[test]
fn rotation_accepts_the_previous_key_only() {
    for row in rows() {
        let old = row.signed_with(&row.sign_old);
        assert_eq!(
            row.verify(&old, &row.body, at(SIGNED_AT)),
            Ok(()),
            "{}",
            row.name
        );
        let unknown = row.signed_with(&row.sign_unknown);
        let err = row.verify(&unknown, &row.body, at(SIGNED_AT)).unwrap_err();
        assert_eq!(err, Error::SignatureMismatch, "{}", row.name);
        assert_eq!(err.status(), 401);
    }
}

#[test]
fn no_verify_path_allocates() {
    for row in rows() {
        let headers = row.signed_with(&row.sign);
        let unknown = row.signed_with(&row.sign_unknown);
        let mut tampered = row.body.clone();
        tampered[0] ^= 1;
        let mut garbled = headers.clone();
        for (name, value) in &mut garbled {
            if name.eq_ignore_ascii_case(row.signature_header) {
                *value = b"garbage".to_vec();
            }
        }
        let cases: [(&str, &Pairs, &[u8], SystemTime); 5] = [
            ("accepted", &headers, &row.body, at(SIGNED_AT)),
            ("unknown key", &unknown, &row.body, at(SIGNED_AT)),
            ("tampered body", &headers, &tampered, at(SIGNED_AT)),
            ("malformed", &garbled, &row.body, at(SIGNED_AT)),
            ("stale", &headers, &row.body, at(SIGNED_AT + 100_000)),
        ];
        for (case, headers, body, now) in cases {
            let incoming = Incoming::new(headers, body).method("POST").url(URL);
            let (count, result) = allocations_of(|| {
                row.verifier
                    .verify_incoming(&incoming, now)
                    .map(|d| (d.id(), d.event(), d.timestamp()))
            });
            assert_eq!(
                count, 0,
                "{} {case}: {count} allocations ({result:?})",
                row.name
            );
        }
    }
}

#[test]
fn the_counter_sees_allocations() {
    let (count, v) = allocations_of(|| vec![1u8; 16]);
    assert!(count >= 1);
    drop(v);
}

#[test]
fn request_schemes_without_the_request_fail_with_a_clear_error() {
    let verifier = custom(request_signing(), KEY).unwrap();
    let row = rows()
        .into_iter()
        .find(|r| r.name.starts_with("custom method"))
        .unwrap();
    let headers = row.signed_with(&row.sign);
    let err = verifier
        .verify_at(&headers, &row.body, at(SIGNED_AT))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
    assert_eq!(err.status(), 500);
    // With the wrong URL it is a mismatch, not an error of configuration.
    let incoming = Incoming::new(&headers, &row.body)
        .method("POST")
        .url("https://evil.example/webhooks/in?tenant=a");
    assert_eq!(
        verifier
            .verify_incoming(&incoming, at(SIGNED_AT))
            .unwrap_err(),
        Error::SignatureMismatch
    );
    let incoming = Incoming::new(&headers, &row.body).method("PUT").url(URL);
    assert_eq!(
        verifier
            .verify_incoming(&incoming, at(SIGNED_AT))
            .unwrap_err(),
        Error::SignatureMismatch
    );
}

#[test]
fn any_of_several_signature_headers_may_carry_the_signature() {
    let verifier = custom(box_like(), KEY).unwrap().with_previous(OLD).unwrap();
    let body = br#"{"trigger":"FILE.UPLOADED"}"#;
    let signed = |key: &str| {
        let map = custom(box_like(), key)
            .unwrap()
            .sign_headers(&Outgoing::new(body).at(at(SIGNED_AT)))
            .unwrap();
        pairs(&map)
    };
    let (current, old) = (signed(KEY), signed(OLD));
    let value = |p: &Pairs, n: &str| p.iter().find(|(k, _)| k == n).unwrap().1.clone();
    let primary = value(&current, "box-signature-primary");
    let secondary = value(&old, "box-signature-primary");
    let ts = value(&current, "box-delivery-timestamp");
    let check = |headers: Vec<(&str, Vec<u8>)>| {
        let headers: Pairs = headers
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        verifier
            .verify_incoming(&Incoming::new(&headers, body), at(SIGNED_AT))
            .map(|_| ())
    };
    // Box sends both: each signed with its own key.
    assert_eq!(
        check(vec![
            ("box-signature-primary", primary.clone()),
            ("box-signature-secondary", secondary.clone()),
            ("box-delivery-timestamp", ts.clone()),
        ]),
        Ok(())
    );
    // Only the secondary, or a wrong primary beside a right secondary.
    assert_eq!(
        check(vec![
            ("box-signature-secondary", secondary.clone()),
            ("box-delivery-timestamp", ts.clone()),
        ]),
        Ok(())
    );
    assert_eq!(
        check(vec![
            ("box-signature-primary", b"not base64 at all".to_vec()),
            ("box-signature-secondary", primary.clone()),
            ("box-delivery-timestamp", ts.clone()),
        ]),
        Ok(())
    );
    // Neither: missing; a repeated one: 400; both wrong: 401.
    let err = check(vec![("box-delivery-timestamp", ts.clone())]).unwrap_err();
    assert!(
        matches!(err, Error::MissingHeader(ref n) if n == "box-signature-primary"),
        "{err}"
    );
    let err = check(vec![
        ("box-signature-secondary", secondary.clone()),
        ("box-signature-secondary", secondary.clone()),
        ("box-delivery-timestamp", ts.clone()),
    ])
    .unwrap_err();
    assert!(matches!(err, Error::RepeatedHeader(_)), "{err}");
    let forged = custom(box_like(), "unknown").unwrap();
    let forged = value(
        &pairs(
            &forged
                .sign_headers(&Outgoing::new(body).at(at(SIGNED_AT)))
                .unwrap(),
        ),
        "box-signature-primary",
    );
    assert_eq!(
        check(vec![
            ("box-signature-primary", forged.clone()),
            ("box-signature-secondary", forged),
            ("box-delivery-timestamp", ts),
        ]),
        Err(Error::SignatureMismatch)
    );
    // Configuration limits.
    assert!(Signature::numbered("x-s-", 0, "").is_err());
    assert!(Signature::numbered("x-s-", 33, "").is_err());
    assert!(Signature::list("x", ',', "v1")
        .unwrap()
        .or_header("y")
        .is_err());
}
