//! Sign → verify for every provider: `sign_headers` then `verify_at`,
//! and single-byte changes that must be refused.

use std::time::Duration;

use base64::Engine as _;
use hooksig::generic::{Encoding, Generic};
use hooksig::github::{self, GitHub};
use hooksig::hubspot::{self, HubSpot};
use hooksig::linear::{self, Linear};
use hooksig::notify::{self, Notify};
use hooksig::shopify::{self, Shopify};
use hooksig::slack::{self, Slack};
use hooksig::standard::{self, StandardWebhooks};
use hooksig::stripe::{self, Stripe};
use hooksig::twilio::{self, Twilio};
use hooksig::{Error, Headers, Incoming, Outgoing, Provider};

use crate::input::Input;
use crate::oracle::*;
use crate::Outcome;

// ---------------------------------------------------------------------------
// Sign -> verify round trip
// ---------------------------------------------------------------------------

/// Signs a delivery with each provider's `sign_headers` and verifies it:
/// it must always verify (also through a rotation set holding the signing
/// secret as the previous one), and changing any one byte of the signature
/// header, of the body, or of a signed id or timestamp header must make it
/// fail.
///
/// All the providers live in this one target (rather than a second
/// `roundtrip_beyond`): the invariant is one, and the provider bits were
/// extended so that every committed input keeps its meaning.
///
/// The request-signing senders (bit 6 set) sign the URL too, so they are
/// verified through an `Incoming` with the method and a URL whose path is
/// the id chunk's URL-safe bytes (escapes included): Twilio's form post
/// (a changed body byte is refused unless the sorted, decoded parameters
/// are unchanged, by [`reference_twilio_content`]), its JSON post (the
/// URL's `bodySHA256`), its SharedKey (HMAC-SHA256) form post, and
/// HubSpot v3. For them the URL is also re-spelled, one byte turned into
/// its `%XX` escape: HubSpot must still accept it **iff** the URI its docs
/// decode ([`reference_hubspot_uri`]) is unchanged, Twilio (which signs
/// the URL as is) never.
///
/// Layout: `u8` provider and flags: bits 0-1, 5 and 6 pick the provider
/// (`bits 0-1 + 4 * bit 5`: GitHub, Linear, Notify, Generic, Standard
/// Webhooks, Stripe, Slack, Shopify; with bit 6, `8 + bits 0-1`: Twilio
/// form, Twilio JSON, HubSpot v3, Twilio SharedKey); bit 2: verify through rotation;
/// bit 3: base64 for Generic, an unpadded `whsec_` secret for Standard
/// Webhooks; bit 4: Notify tolerance. `chunk` secret; `chunk` id; `chunk`
/// event; `u64` time (i64 ms); `u64` skew (ms within ±60 s); `u8` mutate
/// (bit 0: the body; else bit 1: the signed id (bit 2 clear) or timestamp
/// header (bit 2 set) of Standard Webhooks, Slack's timestamp; else the
/// signature); `u16` position; `u8` xor; rest: body material.
pub fn roundtrip(data: &[u8]) -> Outcome {
    let mut input = Input::new(data);
    let choice = input.byte();
    let secret = input.chunk();
    if secret.is_empty() {
        return Outcome::Rejected;
    }
    let id = String::from_utf8_lossy(input.chunk()).into_owned();
    let event = String::from_utf8_lossy(input.chunk()).into_owned();
    let at = i128::from(input.u64() as i64);
    let skew = i128::from(input.u64() as i64 % 60_001);
    let (mutate, pos, xor) = (input.byte(), input.u16(), input.byte().max(1));
    let material = input.rest();

    let provider = if choice & 64 != 0 {
        TWILIO + (choice & 3)
    } else {
        (choice & 3) | ((choice >> 3) & 4)
    };
    let signer = make(provider, choice, secret, None);
    let verifier = if choice & 4 != 0 {
        // A rotation set whose previous secret is the signing one.
        let current: Vec<u8> = [secret, b"'"].concat();
        make(provider, choice, &current, Some(secret))
    } else {
        make(provider, choice, secret, None)
    };

    // The body each scheme signs, and when.
    let plain = |text: &str| -> String {
        let text: String = text
            .chars()
            .filter(|c| !matches!(c, '"' | '\\') && !c.is_control())
            .collect();
        // Notify's ids and events are non-empty.
        if text.is_empty() {
            "x".to_owned()
        } else {
            text
        }
    };
    let (body, signed_at): (Vec<u8>, i128) = match provider {
        1 => {
            let ts = at.unsigned_abs() % (1 << 53);
            let data = serde_json::to_string(&String::from_utf8_lossy(material)).expect("string");
            (
                format!(r#"{{"webhookTimestamp":{ts},"data":{data}}}"#).into_bytes(),
                i128::from(ts as u64),
            )
        }
        2 => {
            // Years 0000-9999 so the timestamp is RFC 3339.
            let ms = at.rem_euclid(253_402_300_800_000);
            let data = serde_json::to_string(&String::from_utf8_lossy(material)).expect("string");
            let body = format!(
                r#"{{"event":"{}","event_id":"{}","timestamp":"{}","data":{data}}}"#,
                plain(&event),
                plain(&id),
                rfc3339(ms)
            );
            (body.into_bytes(), ms)
        }
        // Schemes that sign UNIX seconds cannot sign before the epoch.
        STANDARD | STRIPE | SLACK => (material.to_vec(), at.rem_euclid(1 << 53)),
        // Nor HubSpot's milliseconds.
        HUBSPOT => (material.to_vec(), at.rem_euclid(1 << 53)),
        _ => (material.to_vec(), at),
    };
    let Some(now) = clock(signed_at + skew, 0) else {
        return Outcome::Rejected;
    };
    let header_value = |s: &str| http::HeaderValue::from_str(s).is_ok();
    // The request senders' URL: a path of the id's URL-safe bytes (so
    // escapes, valid or not), and for Twilio's JSON post the body's hash.
    let request = provider >= TWILIO;
    let url = {
        let path: String = id
            .chars()
            .filter(|c| c.is_ascii_graphic() && !matches!(c, '#' | '\\'))
            .collect::<String>()
            .replace("bodySHA256", "b");
        let url = format!("https://hooks.example.com/in/{path}");
        if provider == TWILIO_JSON {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}bodySHA256={}", twilio::body_sha256(&body))
        } else {
            url
        }
    };
    let verify = |headers: &dyn Headers, body: &[u8], url: &str| {
        verify_request(&*verifier, headers, body, url, now).map(|_| ())
    };
    // The body alone, at the signing time (when representable).
    let mut bare = Outgoing::new(&body);
    if let Some(time) = clock(signed_at, 0) {
        bare = bare.at(time);
    }
    if request {
        bare = bare.url(&url).method("POST");
    }
    let mut outgoing = bare;
    if !id.is_empty() && !request {
        outgoing = outgoing.id(&id);
    }
    if !event.is_empty() && !request {
        outgoing = outgoing.event(&event);
    }
    // Standard Webhooks signs its id, so the id must survive the trip as
    // is: non-empty, no `.` (the signed content's separator), a header
    // value, and no leading or trailing whitespace (HTTP strips it).
    let standard_id = |id: &str| {
        !id.is_empty()
            && !id.contains('.')
            && header_value(id)
            && trim_ows(id.as_bytes()) == id.as_bytes()
    };
    let mut signed_id = id.as_str();
    let headers = match signer.sign_headers(&outgoing) {
        Ok(headers) => {
            assert!(provider != STANDARD || standard_id(&id), "signed {id:?}");
            headers
        }
        Err(Error::InvalidConfig(_)) if provider == STANDARD => {
            assert!(!standard_id(&id), "refused {id:?}");
            signed_id = "msg_2Lz1";
            signer
                .sign_headers(&outgoing.id(signed_id))
                .expect("signs a plain id")
        }
        Err(Error::InvalidConfig(_)) if matches!(provider, 0 | 1 | 3 | SHOPIFY) => {
            // Only an id or event that cannot be a header value is refused;
            // the delivery is then signed without them.
            assert!(!header_value(&id) || !header_value(&event));
            signer.sign_headers(&bare).expect("signs")
        }
        Err(err) => panic!("signing failed: {err}"),
    };
    let name = match provider {
        0 => github::SIGNATURE_HEADER,
        1 => linear::SIGNATURE_HEADER,
        2 => notify::SIGNATURE_HEADER,
        3 => "x-signature-256",
        STANDARD => standard::SIGNATURE_HEADER,
        STRIPE => stripe::SIGNATURE_HEADER,
        SLACK => slack::SIGNATURE_HEADER,
        SHOPIFY => shopify::SIGNATURE_HEADER,
        HUBSPOT => hubspot::V3_SIGNATURE_HEADER,
        _ => twilio::SIGNATURE_HEADER,
    };
    let delivery = verify_request(&*verifier, &headers, &body, &url, now)
        .unwrap_or_else(|err| panic!("a signed delivery must verify: {err}"));
    assert_eq!(delivery.body(), &body[..]);
    let seconds = reference_system_time(signed_at.div_euclid(1_000));
    match provider {
        2 => {
            assert_eq!(delivery.event(), Some(plain(&event).as_str()));
            assert_eq!(delivery.id(), Some(plain(&id).as_str()));
        }
        STANDARD => {
            assert_eq!(delivery.id(), Some(signed_id));
            assert_eq!(delivery.event(), None);
            assert_eq!(delivery.timestamp(), seconds);
        }
        STRIPE | SLACK => {
            let (id_field, event_field) = if provider == STRIPE {
                (stripe::ID_FIELD, stripe::EVENT_FIELD)
            } else {
                (slack::ID_FIELD, slack::EVENT_FIELD)
            };
            check_body_field(delivery.id(), &body, id_field);
            check_body_field(delivery.event(), &body, event_field);
            assert_eq!(delivery.timestamp(), seconds);
        }
        HUBSPOT => {
            assert_eq!(delivery.timestamp(), clock(signed_at, 0));
        }
        TWILIO.. => assert_eq!(delivery.timestamp(), None),
        _ => {
            fn trimmed(text: &str) -> Option<&str> {
                Some(std::str::from_utf8(trim_ows(text.as_bytes())).expect("utf-8"))
                    .filter(|s| !s.is_empty())
            }
            if ["x-github-delivery", "linear-delivery", "x-webhook-id"]
                .into_iter()
                .chain([shopify::WEBHOOK_ID_HEADER])
                .any(|n| headers.contains_key(n))
            {
                assert_eq!(delivery.id(), trimmed(&id));
            }
            if headers.contains_key(shopify::TOPIC_HEADER) {
                assert_eq!(delivery.event(), trimmed(&event));
            }
        }
    }

    // As (name, value) pairs, with one byte of the signature, a signed
    // header or the body changed.
    let mut pairs: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    assert!(verify(&pairs, &body, &url).is_ok());
    if request {
        // The URL re-spelled: one byte as its `%XX` escape (either case).
        let at = usize::from(pos) % url.len();
        let escape = if xor & 1 == 0 {
            format!("%{:02X}", url.as_bytes()[at])
        } else {
            format!("%{:02x}", url.as_bytes()[at])
        };
        if url.is_char_boundary(at) && url.is_char_boundary(at + 1) {
            let respelled = format!("{}{escape}{}", &url[..at], &url[at + 1..]);
            let same = provider == HUBSPOT
                && reference_hubspot_uri(&respelled) == reference_hubspot_uri(&url);
            let result = verify(&pairs, &body, &respelled);
            assert_eq!(result.is_ok(), same, "{respelled}: {result:?}");
        }
    }
    let mut body = body;
    let original = headers[name].as_bytes().to_vec();
    let signed_header = match provider {
        STANDARD if mutate & 4 == 0 => Some(standard::ID_HEADER),
        STANDARD => Some(standard::TIMESTAMP_HEADER),
        SLACK => Some(slack::TIMESTAMP_HEADER),
        HUBSPOT => Some(hubspot::TIMESTAMP_HEADER),
        _ => None,
    }
    .filter(|_| mutate & 2 != 0);
    if mutate & 1 == 1 && !body.is_empty() {
        let at = usize::from(pos) % body.len();
        let signed = reference_twilio_content(&url, &body);
        body[at] ^= xor;
        let result = verify(&pairs, &body, &url);
        // A form post signs the decoded, sorted parameters: another body
        // may spell the same ones (`%2b` for `%2B`, a repeated pair).
        if matches!(provider, TWILIO | TWILIO_SHARED)
            && reference_twilio_content(&url, &body) == signed
        {
            assert!(result.is_ok(), "{result:?}");
        } else {
            assert_eq!(result.unwrap_err(), Error::SignatureMismatch);
        }
    } else if let Some(signed) = signed_header {
        // The id and timestamp are part of the signed content: any other
        // byte there is another message (or a malformed header). The id
        // was refused at signing if it had whitespace at either end, so a
        // byte turned into whitespace there changes what is read too.
        let value = &mut pairs.iter_mut().find(|(n, _)| n == signed).expect("sent").1;
        let at = usize::from(pos) % value.len();
        value[at] ^= xor;
        let mutated = value.clone();
        let result = verify(&pairs, &body, &url);
        assert!(
            result.is_err(),
            "{signed}: {:?}",
            String::from_utf8_lossy(&mutated)
        );
    } else {
        let value = &mut pairs.iter_mut().find(|(n, _)| n == name).expect("signed").1;
        let at = usize::from(pos) % value.len();
        value[at] ^= xor;
        let mutated = value.clone();
        let result = verify(&pairs, &body, &url);
        // Generic hex accepts either case: a case flip spells the same MAC.
        // No other scheme has a second spelling: the others take lowercase
        // hex only, and canonical base64 only (a flip of the last
        // symbol's unused bits is refused, not decoded to the same tag).
        let same_mac = provider == 3
            && choice & 8 == 0
            && mutated.eq_ignore_ascii_case(&original)
            && mutated[..7] == original[..7];
        assert_eq!(
            result.is_ok(),
            same_mac,
            "{:?}",
            String::from_utf8_lossy(&mutated)
        );
    }
    Outcome::Accepted
}

/// A verification with the request line: `POST` to `url` (the senders
/// that do not sign it ignore it).
fn verify_request<'a>(
    verifier: &dyn Provider,
    headers: &'a dyn Headers,
    body: &'a [u8],
    url: &'a str,
    now: std::time::SystemTime,
) -> Result<hooksig::Delivery<'a>, Error> {
    let incoming = Incoming::new(headers, body).method("POST").url(url);
    verifier.verify_incoming(&incoming, now)
}

/// [`roundtrip`]'s provider numbers beyond the first four.
pub(crate) const STANDARD: u8 = 4;
pub(crate) const STRIPE: u8 = 5;
pub(crate) const SLACK: u8 = 6;
pub(crate) const SHOPIFY: u8 = 7;
pub(crate) const TWILIO: u8 = 8;
pub(crate) const TWILIO_JSON: u8 = 9;
pub(crate) const HUBSPOT: u8 = 10;
pub(crate) const TWILIO_SHARED: u8 = 11;

/// The provider `provider` (see [`roundtrip`]) with the options of the
/// `choice` flags, accepting `current` and, if given, `previous`.
pub(crate) fn make(
    provider: u8,
    choice: u8,
    current: &[u8],
    previous: Option<&[u8]>,
) -> Box<dyn Provider> {
    fn keys<P>(
        new: impl FnOnce(&[u8]) -> Result<P, Error>,
        with_previous: impl FnOnce(P, &[u8]) -> Result<P, Error>,
        current: &[u8],
        previous: Option<&[u8]>,
    ) -> P {
        let provider = new(current).expect("non-empty secret");
        match previous {
            Some(previous) => with_previous(provider, previous).expect("non-empty secret"),
            None => provider,
        }
    }
    match provider {
        0 => Box::new(keys(
            |s| GitHub::new(s),
            |p: GitHub, s| p.with_previous(s),
            current,
            previous,
        )),
        1 => Box::new(keys(
            |s| Linear::new(s),
            |p: Linear, s| p.with_previous(s),
            current,
            previous,
        )),
        2 => {
            let notify = keys(
                |s| Notify::new(s),
                |p: Notify, s| p.with_previous(s),
                current,
                previous,
            );
            if choice & 16 != 0 {
                Box::new(notify.tolerance(Duration::from_secs(60)))
            } else {
                Box::new(notify)
            }
        }
        3 => {
            let encoding = if choice & 8 != 0 {
                Encoding::Base64
            } else {
                Encoding::Hex
            };
            let generic = keys(
                |s| Generic::new(s),
                |p: Generic, s| p.with_previous(s),
                current,
                previous,
            )
            .encoding(encoding)
            .id_header("X-Webhook-Id")
            .expect("valid name")
            .event_header("X-Webhook-Event")
            .expect("valid name");
            Box::new(generic)
        }
        STANDARD => {
            // The secrets as the sender's dashboard shows them.
            let whsec = |key: &[u8]| {
                let encoded = if choice & 8 != 0 {
                    base64::engine::general_purpose::STANDARD_NO_PAD.encode(key)
                } else {
                    base64::engine::general_purpose::STANDARD.encode(key)
                };
                format!("whsec_{encoded}")
            };
            Box::new(keys(
                |s| StandardWebhooks::new(whsec(s)),
                |p: StandardWebhooks, s| p.with_previous(whsec(s)),
                current,
                previous,
            ))
        }
        STRIPE => Box::new(keys(
            |s| Stripe::new(s),
            |p: Stripe, s| p.with_previous(s),
            current,
            previous,
        )),
        SLACK => Box::new(keys(
            |s| Slack::new(s),
            |p: Slack, s| p.with_previous(s),
            current,
            previous,
        )),
        SHOPIFY => Box::new(keys(
            |s| Shopify::new(s),
            |p: Shopify, s| p.with_previous(s),
            current,
            previous,
        )),
        HUBSPOT => Box::new(keys(
            |s| HubSpot::new(s),
            |p: HubSpot, s| p.with_previous(s),
            current,
            previous,
        )),
        TWILIO_SHARED => Box::new(keys(
            |s| Twilio::shared_key(s),
            |p: Twilio, s| p.with_previous(s),
            current,
            previous,
        )),
        _ => Box::new(keys(
            |s| Twilio::new(s),
            |p: Twilio, s| p.with_previous(s),
            current,
            previous,
        )),
    }
}
