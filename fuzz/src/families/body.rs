//! Metadata read from the signed JSON body (Linear's `webhookTimestamp`,
//! Notify's `event`, `event_id` and `timestamp`), and the signature read
//! from it (Mailgun's `signature.{timestamp,token,signature}`), against
//! serde_json.

use std::time::Duration;

use hooksig::linear::{self, Linear};
use hooksig::mailgun::Mailgun;
use hooksig::notify::{self, Notify};
use hooksig::Provider;

use super::plain::{check_notify_body, expect_linear_body, millis_of};
use crate::oracle::*;
use crate::Outcome;

const SECRET: &[u8] = b"body-secret";
/// The clock: 30 s after the seeds' Linear timestamp.
const NOW_MILLIS: i128 = 1_579_784_030_000;

/// The body scanner, through the providers that read the signed body: the
/// input is `u8` mode, then the body, which is signed correctly (HMAC with
/// `hmac` directly) so that every verdict is about the body.
///
/// - Mode bit 0 clear, Linear: an unlimited tolerance (bit 1 clear) or the
///   default 60 s (bit 1 set). Accepted iff the body, as serde_json reads
///   it, is an object with exactly one top-level `webhookTimestamp`, a
///   `u64` in the window; `Delivery::timestamp` is that instant;
///   otherwise `malformed_body` or the window's error. A repeated key is
///   refused.
/// - Mode bit 0 set, Notify: no tolerance (bit 1 clear, `timestamp`
///   optional) or an unlimited one (bit 1 set, `timestamp` required).
///   The body's top-level strings `event` and `event_id`, and `timestamp`
///   as RFC 3339 (by a parser written here), decide as in `plain_verify`.
///
/// - Mode bit 2 set, Mailgun (its signature is in the body, over the
///   timestamp and token only): each `@` of the body becomes the right
///   signature for the body's own timestamp and token; no window (bit 1
///   clear) or 60 s (bit 1 set). See [`mailgun_body`].
///
/// Where serde_json refuses a body for reasons of its own (recursion limit
/// 128, lone surrogates, numbers beyond `f64`) there is no verdict, only
/// "not a signature mismatch"; strings with escapes may be refused by
/// hooksig (it cannot borrow them) where serde_json reads them.
pub fn body_timestamp(data: &[u8]) -> Outcome {
    let Some((&mode, body)) = data.split_first() else {
        return Outcome::Rejected;
    };
    if mode & 4 != 0 {
        return mailgun_body(mode, body);
    }
    let now = clock(NOW_MILLIS, 0).expect("representable");
    let signature = reference_hex(SECRET, body).into_bytes();
    if mode & 1 != 0 {
        let tolerance = (mode & 2 != 0).then_some(Duration::MAX);
        let notify = Notify::new(SECRET).expect("valid secret");
        let notify = match tolerance {
            Some(tolerance) => notify.tolerance(tolerance),
            None => notify,
        };
        let pairs = vec![(notify::SIGNATURE_HEADER.to_owned(), signature)];
        let result = notify.verify_at(&pairs, body, now);
        return check_notify_body(&result, body, NOW_MILLIS, tolerance);
    }
    let window = if mode & 2 != 0 {
        linear::DEFAULT_TOLERANCE
    } else {
        Duration::MAX
    };
    let linear = Linear::new(SECRET).expect("valid secret").tolerance(window);
    let pairs = vec![(linear::SIGNATURE_HEADER.to_owned(), signature)];
    let result = linear.verify_at(&pairs, body, now);
    let expected = expect_linear_body(body, NOW_MILLIS, window);
    match (expected, &result) {
        (None, Err(err)) => {
            assert_ne!(err.kind(), "signature_mismatch", "{err}");
            Outcome::Rejected
        }
        (None, Ok(delivery)) => {
            let millis = millis_of(delivery.timestamp().expect("accepted with a timestamp"));
            assert_eq!(reference_window(millis, NOW_MILLIS, window), Ok(()));
            Outcome::Accepted
        }
        (Some(expected), _) => {
            let delivery = check(&result, expected.map(|_| ()));
            if let (Some(delivery), Ok(millis)) = (delivery, expected) {
                assert_eq!(delivery.timestamp(), clock(millis, 0));
            }
            outcome(delivery)
        }
    }
}

/// Mailgun's three signed fields as the sender's docs describe them: in a
/// JSON body (first non-whitespace byte `{`), the strings
/// `signature.timestamp`, `signature.token` and `signature.signature` of
/// the one top-level `signature` object, as serde_json reads them; in a
/// form body, the `timestamp`, `token` and `signature` pairs (split on `&`
/// and the first `=`, not decoded), each once. `None` where the oracle
/// cannot judge (serde_json's own refusals; escapes, which hooksig cannot
/// borrow; a key that may repeat inside the object, which serde_json's
/// map hides).
fn mailgun_fields(body: &[u8]) -> Option<Result<[String; 3], ()>> {
    const NAMES: [&str; 3] = ["timestamp", "token", "signature"];
    let json = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    if !json {
        let Ok(text) = std::str::from_utf8(body) else {
            return Some(Err(()));
        };
        let mut found: [Vec<&str>; 3] = Default::default();
        for pair in text.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if let Some(slot) = NAMES.iter().position(|n| *n == name) {
                found[slot].push(value);
            }
        }
        return Some(if found.iter().all(|values| values.len() == 1) {
            Ok(found.map(|values| values[0].to_owned()))
        } else {
            Err(())
        });
    }
    if body.contains(&b'\\') {
        return None;
    }
    let entries = match parse(body) {
        Parsed::Unknown => return None,
        Parsed::NotJson | Parsed::NotObject => return Some(Err(())),
        Parsed::Object(entries) => entries,
    };
    let mut signatures = members(&entries, "signature");
    let (Some(serde_json::Value::Object(object)), None) = (signatures.next(), signatures.next())
    else {
        return Some(Err(()));
    };
    // serde_json's map keeps the last of a repeated key: judge only bodies
    // that spell each inner key at most once (and `signature` twice, outer
    // and inner).
    let count = |key: &str| {
        let needle = format!("\"{key}\"");
        body.windows(needle.len())
            .filter(|w| *w == needle.as_bytes())
            .count()
    };
    if count("timestamp") > 1 || count("token") > 1 || count("signature") > 2 {
        return None;
    }
    let field = |name: &str| match object.get(name) {
        Some(serde_json::Value::String(text)) => Some(text.clone()),
        _ => None,
    };
    Some(
        match (field("timestamp"), field("token"), field("signature")) {
            (Some(timestamp), Some(token), Some(signature)) => Ok([timestamp, token, signature]),
            _ => Err(()),
        },
    )
}

/// Mailgun through its body: accepted **iff** the three fields are there
/// (see [`mailgun_fields`]), the timestamp is UNIX seconds (1 to 20
/// digits), the token is not empty, and the signature is the lowercase hex
/// HMAC of `{timestamp}{token}`, within the window when one is set;
/// `signature_mismatch` for another 64 lowercase hex digits, the window's
/// error, else `malformed_body`. An accepted delivery's id is the token and
/// its timestamp the signed one.
fn mailgun_body(mode: u8, body: &[u8]) -> Outcome {
    // The `@`s become the right signature for the body's own fields.
    let right = match mailgun_fields(body) {
        Some(Ok([timestamp, token, _])) => {
            reference_hex(SECRET, format!("{timestamp}{token}").as_bytes())
        }
        _ => String::new(),
    };
    let body = substitute(body, right.as_bytes());
    let tolerance = (mode & 2 != 0).then_some(Duration::from_secs(60));
    let mailgun = Mailgun::new(SECRET).expect("valid secret");
    let mailgun = match tolerance {
        Some(tolerance) => mailgun.tolerance(tolerance),
        None => mailgun,
    };
    let now = clock(NOW_MILLIS, 0).expect("representable");
    let pairs: Vec<(String, Vec<u8>)> = Vec::new();
    let result = mailgun.verify_at(&pairs, &body, now);
    let expected = mailgun_fields(&body).map(|fields| {
        let [timestamp, token, signature] = fields.map_err(|()| "malformed_body")?;
        let secs = reference_secs(timestamp.as_bytes()).ok_or("malformed_body")?;
        if token.is_empty() {
            return Err("malformed_body");
        }
        if signature != reference_hex(SECRET, format!("{timestamp}{token}").as_bytes()) {
            return Err(
                if signature.len() == 64 && is_hex(signature.as_bytes(), false) {
                    "signature_mismatch"
                } else {
                    "malformed_body"
                },
            );
        }
        if let Some(tolerance) = tolerance {
            reference_window_secs(secs, NOW_MILLIS, tolerance).map_err(|err| err.kind())?;
        }
        Ok((token, secs))
    });
    match (expected, &result) {
        (None, Err(err)) => {
            assert_ne!(err.status(), 500, "{err}");
            Outcome::Rejected
        }
        (None, Ok(delivery)) => {
            // Whatever the body's shape, only the right MAC is accepted.
            let token = delivery.id().expect("a token");
            assert!(body.windows(token.len()).any(|w| w == token.as_bytes()));
            let secs = delivery
                .timestamp()
                .map(|time| millis_of(time).div_euclid(1_000));
            // (Digits as the body spells them: with leading zeros, the
            // signed text is not the number's.)
            if let Some(secs) = secs.filter(|secs| {
                let digits = secs.to_string();
                body.windows(digits.len()).any(|w| w == digits.as_bytes())
            }) {
                let signed = reference_hex(SECRET, format!("{secs}{token}").as_bytes());
                assert!(
                    body.windows(64).any(|w| w == signed.as_bytes()),
                    "accepted without the right MAC"
                );
            }
            Outcome::Accepted
        }
        (Some(expected), _) => {
            let verdict = expected.as_ref().map(|_| ()).map_err(|kind| *kind);
            let delivery = check(&result, verdict);
            if let (Some(delivery), Ok((token, secs))) = (delivery, expected) {
                assert_eq!(delivery.id(), Some(token.as_str()));
                assert_eq!(delivery.timestamp(), reference_system_time(secs));
            }
            outcome(delivery)
        }
    }
}
