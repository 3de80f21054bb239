//! The plain family: one signature header over the raw body (GitHub,
//! Linear, Notify, Generic, Shopify) or one shared-token header (GitLab's
//! secret token, Telegram's secret token), and the body rules of the
//! senders that put their metadata in the signed JSON.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hooksig::generic::{Encoding, Generic};
use hooksig::github::{self, GitHub};
use hooksig::gitlab::{self, GitLab};
use hooksig::linear::{self, Linear};
use hooksig::notify::{self, Notify};
use hooksig::shopify::{self, Shopify};
use hooksig::telegram::{self, Telegram};
use hooksig::{Delivery, Error, Provider};

use crate::case::{tolerance, Case, NAMES};
use crate::input::Input;
use crate::oracle::*;
use crate::Outcome;

/// One signature header over the raw body: the first byte (mod 7) picks
/// GitHub, Linear, Notify, Generic, Shopify, GitLab (secret token) or
/// Telegram; the rest is a verify-target input (see `Case`) for that
/// sender.
///
/// - GitHub: accepted **iff** exactly one `X-Hub-Signature-256` whose
///   OWS-trimmed value is `sha256=` + the lowercase hex HMAC (recomputed
///   with `hmac`) under one of the secrets; otherwise the exact cause
///   (missing / repeated / malformed / mismatch); id, event and ping as the
///   headers say.
/// - Linear: the MAC verdict as for GitHub (bare hex in `Linear-Signature`),
///   then the body's one top-level `u64` `webhookTimestamp` (as serde_json
///   reads it) inside the window, with arbitrary tolerances and clocks.
/// - Notify: the MAC verdict; top-level string `event`, `event_id` and the
///   optional RFC 3339 `timestamp` (required with a tolerance).
/// - Generic: arbitrary header names, prefix and encoding: invalid names
///   and prefixes are `InvalidConfig` when built; accepted iff prefix + hex
///   (either case) or canonical base64 of the MAC.
/// - Shopify: one `X-Shopify-Hmac-Sha256` of 44 characters that `base64`
///   decodes to the MAC of the body, whatever the clock; the exact error
///   otherwise.
/// - GitLab, Telegram (the token family): accepted **iff** exactly one
///   token header whose OWS-trimmed value is one of the tokens, whatever
///   the body and the clock; an empty value is malformed; otherwise
///   missing / repeated / mismatch.
pub fn plain_verify(data: &[u8]) -> Outcome {
    let Some((&selector, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    match selector % 7 {
        0 => github_verify(rest),
        1 => linear_verify(rest),
        2 => notify_verify(rest),
        3 => generic_verify(rest),
        4 => shopify_verify(rest),
        5 => token_verify(rest, gitlab::TOKEN_HEADER),
        _ => token_verify(rest, telegram::SECRET_TOKEN_HEADER),
    }
}

/// Header names of the token family's inputs: both senders' token headers
/// (so each target sees the other's as noise) and metadata.
pub(crate) const TOKEN_NAMES: [&str; 5] = [
    gitlab::TOKEN_HEADER,
    telegram::SECRET_TOKEN_HEADER,
    gitlab::IDEMPOTENCY_KEY_HEADER,
    gitlab::EVENT_HEADER,
    "content-type",
];

/// The token family: `header` carries the shared token itself, compared
/// (in constant time, by hooksig) with each accepted token; the body is not
/// covered.
fn token_verify(data: &[u8], header: &'static str) -> Outcome {
    let case = Case::decode(data, &TOKEN_NAMES, |token, _| token.to_vec());
    let provider: Option<Box<dyn Provider>> = if header == gitlab::TOKEN_HEADER {
        case.provider(
            |s| GitLab::secret_token(s),
            |p: GitLab, s| p.with_previous(s),
        )
        .map(|p| Box::new(p) as Box<dyn Provider>)
    } else {
        case.provider(|s| Telegram::new(s), |p: Telegram, s| p.with_previous(s))
            .map(|p| Box::new(p) as Box<dyn Provider>)
    };
    let Some(provider) = provider else {
        return Outcome::Rejected;
    };
    let expected = expect_signature(
        find(&case.pairs, header),
        |v| case.secrets().any(|s| v == s),
        |v| !v.is_empty(),
    );
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check(&result, expected);
    if let Some(delivery) = delivery {
        assert_eq!(delivery.body(), case.body);
        assert_eq!(delivery.timestamp(), None);
        if header == gitlab::TOKEN_HEADER {
            assert_eq!(delivery.provider(), "gitlab");
            assert_eq!(
                delivery.id(),
                reference_text(&case.pairs, gitlab::IDEMPOTENCY_KEY_HEADER)
            );
            assert_eq!(
                delivery.event(),
                reference_text(&case.pairs, gitlab::EVENT_HEADER)
            );
        } else {
            assert_eq!(delivery.provider(), "telegram");
        }
    }
    outcome(delivery)
}

/// Milliseconds since the epoch of a `SystemTime` (negative before it).
pub(crate) fn millis_of(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_millis()).expect("fits"),
        Err(before) => -i128::try_from(before.duration().as_millis()).expect("fits"),
    }
}

pub(crate) fn github_signature(secret: &[u8], body: &[u8]) -> Vec<u8> {
    format!("sha256={}", reference_hex(secret, body)).into_bytes()
}

pub(crate) fn bare_hex_signature(secret: &[u8], body: &[u8]) -> Vec<u8> {
    reference_hex(secret, body).into_bytes()
}

/// `GitHub::verify_at` over arbitrary headers, body and time: accepts
/// exactly `sha256=` and the lowercase hex MAC under one of its secrets,
/// in exactly one `X-Hub-Signature-256`; rejects everything else with the
/// right cause.
fn github_verify(data: &[u8]) -> Outcome {
    let case = Case::decode(data, &NAMES, github_signature);
    let Some(github) = case.provider(|s| GitHub::new(s), |p: GitHub, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let expected = expect_signature(
        find(&case.pairs, github::SIGNATURE_HEADER),
        |v| case.secrets().any(|s| v == github_signature(s, case.body)),
        |v| v.strip_prefix(b"sha256=").is_some_and(|h| is_hex(h, false)),
    );
    let result = github.verify_at(case.headers(), case.body, case.now);
    let delivery = check(&result, expected);
    if let Some(delivery) = delivery {
        assert_eq!(delivery.provider(), "github");
        assert_eq!(delivery.body(), case.body);
        let event = reference_text(&case.pairs, github::EVENT_HEADER);
        assert_eq!(delivery.event(), event);
        assert_eq!(
            delivery.id(),
            reference_text(&case.pairs, github::DELIVERY_HEADER)
        );
        assert_eq!(delivery.is_ping(), event == Some("ping"));
        assert_eq!(delivery.timestamp(), None);
    }
    outcome(delivery)
}

/// What Linear's body check must give once the MAC matched, or `None` when
/// serde_json cannot judge the body.
pub(crate) fn expect_linear_body(
    body: &[u8],
    now: i128,
    tolerance: Duration,
) -> Option<Result<i128, &'static str>> {
    match parse(body) {
        Parsed::Unknown => None,
        Parsed::NotJson | Parsed::NotObject => Some(Err("malformed_body")),
        Parsed::Object(entries) => {
            let mut found = members(&entries, linear::TIMESTAMP_FIELD);
            Some(match (found.next(), found.next()) {
                (Some(serde_json::Value::Number(n)), None) if n.is_u64() => {
                    let millis = i128::from(n.as_u64().expect("is_u64"));
                    reference_window(millis, now, tolerance).map(|()| millis)
                }
                _ => Err("malformed_body"),
            })
        }
    }
}

/// `Linear::verify_at` over arbitrary headers, body and time: the MAC is
/// checked as for GitHub (bare lowercase hex in `Linear-Signature`), then
/// the body's one top-level integer `webhookTimestamp` against the window,
/// as serde_json reads the body.
fn linear_verify(data: &[u8]) -> Outcome {
    let mut case = Case::decode(data, &NAMES, bare_hex_signature);
    let chosen = tolerance(&mut case.config);
    let Some(linear) = case.provider(|s| Linear::new(s), |p: Linear, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let linear = match chosen {
        Some(tolerance) => linear.tolerance(tolerance),
        None => linear,
    };
    let window = chosen.unwrap_or(linear::DEFAULT_TOLERANCE);
    let mac = expect_signature(
        find(&case.pairs, linear::SIGNATURE_HEADER),
        |v| {
            case.secrets()
                .any(|s| v == bare_hex_signature(s, case.body))
        },
        |v| is_hex(v, false),
    );
    let result = linear.verify_at(case.headers(), case.body, case.now);
    let body = expect_linear_body(case.body, case.now_millis, window);
    let expected = match (mac, body) {
        (Err(kind), _) => Err(kind),
        (Ok(()), Some(body)) => body.map(|_| ()),
        (Ok(()), None) => match &result {
            // serde_json cannot judge; the MAC verdict still must hold.
            Ok(_) => Ok(()),
            Err(err) => {
                assert_ne!(err.kind(), "signature_mismatch", "{err}");
                return Outcome::Rejected;
            }
        },
    };
    let delivery = check(&result, expected);
    if let Some(delivery) = delivery {
        let millis = match body {
            Some(Ok(millis)) => millis,
            // Only reachable when serde_json could not judge the body: take
            // the timestamp hooksig read, and still check the window.
            _ => millis_of(
                delivery
                    .timestamp()
                    .expect("accepted bodies hold the timestamp"),
            ),
        };
        assert_eq!(
            reference_window(millis, case.now_millis, window),
            Ok(()),
            "accepted outside the window"
        );
        assert_eq!(delivery.timestamp(), clock(millis, 0));
        assert_eq!(
            delivery.id(),
            reference_text(&case.pairs, linear::DELIVERY_HEADER)
        );
        assert_eq!(
            delivery.event(),
            reference_text(&case.pairs, linear::EVENT_HEADER)
        );
    }
    outcome(delivery)
}

/// `Notify::verify_at` over arbitrary headers, body and time: bare
/// lowercase hex in `x-notify-signature`, then top-level string `event` and
/// `event_id` (and `timestamp`, RFC 3339, required with a tolerance).
fn notify_verify(data: &[u8]) -> Outcome {
    let mut case = Case::decode(data, &NAMES, bare_hex_signature);
    let chosen = tolerance(&mut case.config);
    let Some(notify) = case.provider(|s| Notify::new(s), |p: Notify, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let notify = match chosen {
        Some(tolerance) => notify.tolerance(tolerance),
        None => notify,
    };
    let mac = expect_signature(
        find(&case.pairs, notify::SIGNATURE_HEADER),
        |v| {
            case.secrets()
                .any(|s| v == bare_hex_signature(s, case.body))
        },
        |v| is_hex(v, false),
    );
    let result = notify.verify_at(case.headers(), case.body, case.now);
    if let Err(kind) = mac {
        check(&result, Err(kind));
        return Outcome::Rejected;
    }
    check_notify_body(&result, case.body, case.now_millis, chosen)
}

/// Checks Notify's verdict on a body whose MAC matched against its body
/// rules as serde_json reads the body (`now_millis` the clock, `tolerance`
/// the provider's, if any).
pub(crate) fn check_notify_body(
    result: &Result<Delivery<'_>, Error>,
    body: &[u8],
    now_millis: i128,
    tolerance: Option<Duration>,
) -> Outcome {
    // The MAC matched: judge the body as serde_json reads it. Strings with
    // escape sequences are refused by hooksig (they cannot be borrowed), so
    // where the body has a backslash an accepting verdict may become
    // `malformed_body`.
    let escapes = body.contains(&b'\\');
    let expected = match parse(body) {
        Parsed::Unknown => None,
        Parsed::NotJson | Parsed::NotObject => Some(Err("malformed_body")),
        Parsed::Object(entries) => Some(expect_notify_body(&entries, now_millis, tolerance)),
    };
    match (expected, &result) {
        (None, Ok(_)) => {}
        (None, Err(err)) => assert_ne!(err.kind(), "signature_mismatch", "{err}"),
        (Some(Ok(_) | Err("timestamp_too_old" | "timestamp_in_future")), Err(err))
            if escapes && err.kind() == "malformed_body" => {}
        // Whether an empty `event` or `event_id` is refused is Notify's
        // policy, not a parsing question: either answer is sound.
        (Some(Ok((event, id))), Err(err))
            if (event.is_empty() || id.is_empty()) && err.kind() == "malformed_body" => {}
        (Some(expected), _) => {
            let delivery = check(result, expected.as_ref().map(|_| ()).map_err(|k| *k));
            if let (Some(delivery), Ok((event, id))) = (delivery, expected) {
                assert_eq!(delivery.event(), Some(event.as_str()));
                assert_eq!(delivery.id(), Some(id.as_str()));
            }
        }
    }
    match result {
        Ok(delivery) => {
            assert_eq!(delivery.provider(), "notify");
            Outcome::Accepted
        }
        Err(_) => Outcome::Rejected,
    }
}

/// Notify's body rules over serde_json's reading: the event and event id.
pub(crate) fn expect_notify_body(
    entries: &[(String, serde_json::Value)],
    now: i128,
    tolerance: Option<Duration>,
) -> Result<(String, String), &'static str> {
    let one = |name| {
        let mut found = members(entries, name);
        match (found.next(), found.next()) {
            (None, _) => Ok(None),
            (Some(serde_json::Value::String(s)), None) => Ok(Some(s.clone())),
            _ => Err("malformed_body"),
        }
    };
    let (event, id, timestamp) = (one("event")?, one("event_id")?, one("timestamp")?);
    let (Some(event), Some(id)) = (event, id) else {
        return Err("malformed_body");
    };
    let millis = match timestamp {
        Some(text) => Some(reference_rfc3339(&text).ok_or("malformed_body")?),
        None => None,
    };
    if let Some(tolerance) = tolerance {
        reference_window(millis.ok_or("malformed_body")?, now, tolerance)?;
    }
    Ok((event, id))
}

/// `Generic::verify_at` with an arbitrary configuration (header names,
/// prefix, encoding) over arbitrary headers, body and time: accepts exactly
/// the prefix and the MAC (hex in either case, or canonical base64).
///
/// Config chunk: `u8` signature header (0 default, 1 `X-Webhook-Signature`,
/// 2 literal chunk, 3 `X-Hub-Signature-256`); `u8` prefix (0 `sha256=`,
/// 1 empty, 2 `v1=`, 3 literal chunk); `u8` encoding (bit 0: base64);
/// `u8` id header and `u8` event header (0 none, 1 a fixed name, 2 a
/// literal chunk).
fn generic_verify(data: &[u8]) -> Outcome {
    // The configuration decides the signature the headers carry, so read
    // it first from the same layout `Case` reads.
    let config = {
        let mut input = Input::new(data);
        input.byte();
        input.chunk();
        input.chunk();
        GenericConfig::read(&mut Input::new(input.chunk()))
    };
    let mut names: Vec<&str> = NAMES.to_vec();
    names.extend([config.header.as_str(), "x-webhook-id", "x-webhook-event"]);
    let signature = |secret: &[u8], body: &[u8]| {
        let encoded = match config.encoding {
            Encoding::Hex => reference_hex(secret, body),
            _ => reference_base64(secret, body),
        };
        format!("{}{encoded}", config.prefix).into_bytes()
    };
    let case = Case::decode(data, &names, signature);
    let Some(generic) = case.provider(|s| Generic::new(s), |p: Generic, s| p.with_previous(s))
    else {
        return Outcome::Rejected;
    };
    let Some(generic) = config.apply(generic) else {
        return Outcome::Rejected;
    };
    let prefix = config.prefix.as_bytes();
    let expected = expect_signature(
        find(&case.pairs, &config.header),
        |v| {
            v.strip_prefix(prefix).is_some_and(|rest| {
                case.secrets().any(|s| match config.encoding {
                    Encoding::Hex => {
                        rest.eq_ignore_ascii_case(reference_hex(s, case.body).as_bytes())
                    }
                    _ => rest == reference_base64(s, case.body).as_bytes(),
                })
            })
        },
        |v| {
            v.strip_prefix(prefix)
                .is_some_and(|rest| match config.encoding {
                    Encoding::Hex => is_hex(rest, true),
                    _ => {
                        rest.len() == 44
                            && base64::engine::general_purpose::STANDARD
                                .decode(rest)
                                .is_ok_and(|tag| tag.len() == 32)
                    }
                })
        },
    );
    let result = generic.verify_at(case.headers(), case.body, case.now);
    let delivery = check(&result, expected);
    if let Some(delivery) = delivery {
        let read = |name: &Option<String>| {
            name.as_deref()
                .and_then(|name| reference_text(&case.pairs, name))
        };
        assert_eq!(delivery.id(), read(&config.id_header));
        assert_eq!(delivery.event(), read(&config.event_header));
        assert_eq!(delivery.timestamp(), None);
    }
    outcome(delivery)
}

pub(crate) struct GenericConfig {
    header: String,
    header_set: bool,
    prefix: String,
    encoding: Encoding,
    id_header: Option<String>,
    event_header: Option<String>,
}

impl GenericConfig {
    fn read(input: &mut Input<'_>) -> Self {
        let text = |input: &mut Input<'_>| String::from_utf8_lossy(input.chunk()).into_owned();
        let (header, header_set) = match input.byte() % 4 {
            0 => ("x-signature-256".to_owned(), false),
            1 => ("X-Webhook-Signature".to_owned(), true),
            2 => (text(input), true),
            _ => ("X-Hub-Signature-256".to_owned(), true),
        };
        let prefix = match input.byte() % 4 {
            0 => "sha256=".to_owned(),
            1 => String::new(),
            2 => "v1=".to_owned(),
            _ => text(input),
        };
        let encoding = if input.byte() & 1 == 0 {
            Encoding::Hex
        } else {
            Encoding::Base64
        };
        let optional = |input: &mut Input<'_>, fixed: &str| match input.byte() % 3 {
            0 => None,
            1 => Some(fixed.to_owned()),
            _ => Some(text(input)),
        };
        let id_header = optional(input, "X-Webhook-Id");
        let event_header = optional(input, "X-Webhook-Event");
        GenericConfig {
            header,
            header_set,
            prefix,
            encoding,
            id_header,
            event_header,
        }
    }

    /// Applies the configuration, checking that exactly the invalid names
    /// and prefixes are refused.
    fn apply(&self, mut generic: Generic) -> Option<Generic> {
        let valid_name = |name: &str| http::HeaderName::from_bytes(name.as_bytes()).is_ok();
        let expect = |result: Result<Generic, Error>, valid: bool| match result {
            Ok(generic) if valid => Some(generic),
            Err(Error::InvalidConfig(_)) if !valid => None,
            other => panic!("valid: {valid}, got {other:?}"),
        };
        if self.header_set {
            generic = expect(
                generic.signature_header(&self.header),
                valid_name(&self.header),
            )?;
        }
        let visible = self.prefix.bytes().all(|b| b.is_ascii_graphic());
        generic = expect(generic.prefix(&self.prefix), visible)?;
        generic = generic.encoding(self.encoding);
        if let Some(name) = &self.id_header {
            generic = expect(generic.id_header(name), valid_name(name))?;
        }
        if let Some(name) = &self.event_header {
            generic = expect(generic.event_header(name), valid_name(name))?;
        }
        Some(generic)
    }
}

/// Header names [`shopify_verify`] chooses from.
pub(crate) const SHOPIFY_NAMES: [&str; 5] = [
    shopify::SIGNATURE_HEADER,
    shopify::TOPIC_HEADER,
    shopify::WEBHOOK_ID_HEADER,
    shopify::SHOP_DOMAIN_HEADER,
    shopify::EVENT_ID_HEADER,
];

/// `Shopify::verify_at` over arbitrary headers, body, clock and secrets
/// (with a rotated one): accepted iff exactly one `X-Shopify-Hmac-Sha256`
/// whose OWS-trimmed value is 44 characters the `base64` crate decodes to
/// the HMAC of the raw body under one of the secrets, whatever the clock
/// (Shopify signs no time); every rejection predicted exactly; id and
/// topic read from their (unsigned) headers.
fn shopify_verify(data: &[u8]) -> Outcome {
    let case = Case::decode(data, &SHOPIFY_NAMES, |secret, body| {
        reference_base64(secret, body).into_bytes()
    });
    let Some(provider) = case.provider(|s| Shopify::new(s), |p: Shopify, s| p.with_previous(s))
    else {
        return Outcome::Rejected;
    };
    let name = shopify::SIGNATURE_HEADER;
    let expected = (|| {
        let value = reference_required(&case.pairs, name)?;
        let tag = reference_base64_tag(value).map_err(|p| malformed(name, p))?;
        if !case.secrets().any(|s| reference_mac(s, case.body) == tag) {
            return Err(Error::SignatureMismatch);
        }
        Ok(())
    })();
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check_exact(&result, expected);
    if let Some(delivery) = delivery {
        assert_eq!(delivery.provider(), "shopify");
        assert_eq!(delivery.body(), case.body);
        assert_eq!(delivery.timestamp(), None);
        assert_eq!(
            delivery.id(),
            reference_text(&case.pairs, shopify::WEBHOOK_ID_HEADER)
        );
        assert_eq!(
            delivery.event(),
            reference_text(&case.pairs, shopify::TOPIC_HEADER)
        );
    }
    outcome(delivery)
}
