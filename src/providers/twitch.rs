//! Twitch EventSub webhooks.
//!
//! Twitch signs `{message id}{timestamp}{body}` (the three concatenated,
//! no separators) with HMAC-SHA256 under the subscription's secret and
//! sends `Twitch-Eventsub-Message-Signature: sha256=<64 lowercase hex>`
//! ([Handling webhook events: verifying the event message](https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message)).
//! The id is `Twitch-Eventsub-Message-Id`, the timestamp
//! `Twitch-Eventsub-Message-Timestamp`, an RFC 3339 date-time with
//! nanoseconds, signed exactly as sent.
//!
//! What the signature does **not** cover: `Twitch-Eventsub-Message-Type`,
//! `-Message-Retry`, `-Subscription-Type` and `-Subscription-Version`. The
//! body, the id and the timestamp are covered. (The body repeats the
//! subscription type and status, signed.)
//!
//! Replay defence: the signed timestamp must be within 10 minutes of the
//! clock, either way ([`DEFAULT_TOLERANCE`], the window Twitch's docs ask
//! receivers to enforce; compared in whole milliseconds); within it,
//! deduplicate on [`Delivery::id`], the signed message id, which Twitch
//! keeps when it resends a message. [`Delivery::event`] is the
//! subscription type (`channel.follow`), from its unsigned header.
//!
//! Handshakes ([`Delivery::reply`], decided from the message type header
//! when asked for):
//! - `webhook_callback_verification` is answered `200 text/plain` with the
//!   body's `challenge`, verbatim (only a plain token is echoed);
//! - `revocation` is acknowledged with `204` (Twitch wants any 2xx). A
//!   receiver that must act on a revocation reads it before sending the
//!   reply: the delivery is verified like any other.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{twitch::Twitch, Outgoing, Provider};
//!
//! let twitch = Twitch::new("twitch-subscription-secret-0123")?;
//! let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{}}"#;
//! let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! let mut headers = twitch.sign_headers(&Outgoing::new(body).id("m-1").at(at))?;
//! headers.insert("twitch-eventsub-message-type", "webhook_callback_verification".parse().unwrap());
//! let reply = twitch.verify_at(&headers, body, at)?.reply().expect("a challenge");
//! assert_eq!(reply.body(), b"pogchamp-kappa-360noscope-vohiyo");
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::{Duration, SystemTime};

use crate::delivery::{echoable, ReplyPlan};
use crate::engine::{sealed, Sender, Verifier};
use crate::json::{self, Kind, Value};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature, Timestamp, Unit};
use crate::{Delivery, Error, Incoming, Reply};

/// The signature header, `Twitch-Eventsub-Message-Signature`.
pub const SIGNATURE_HEADER: &str = "twitch-eventsub-message-signature";
/// The message id header, `Twitch-Eventsub-Message-Id`. Signed.
pub const MESSAGE_ID_HEADER: &str = "twitch-eventsub-message-id";
/// The timestamp header, `Twitch-Eventsub-Message-Timestamp` (RFC 3339).
/// Signed.
pub const TIMESTAMP_HEADER: &str = "twitch-eventsub-message-timestamp";
/// The message type header, `Twitch-Eventsub-Message-Type`
/// (`notification`, `webhook_callback_verification`, `revocation`). Not
/// signed.
pub const MESSAGE_TYPE_HEADER: &str = "twitch-eventsub-message-type";
/// The retry count header, `Twitch-Eventsub-Message-Retry`. Not signed.
pub const RETRY_HEADER: &str = "twitch-eventsub-message-retry";
/// The subscription type header, `Twitch-Eventsub-Subscription-Type`
/// (`channel.follow`), the [`Delivery::event`]. Not signed.
pub const SUBSCRIPTION_TYPE_HEADER: &str = "twitch-eventsub-subscription-type";
/// The subscription version header, `Twitch-Eventsub-Subscription-Version`.
/// Not signed.
pub const SUBSCRIPTION_VERSION_HEADER: &str = "twitch-eventsub-subscription-version";
/// The message type of the subscription handshake.
pub const CALLBACK_VERIFICATION: &str = "webhook_callback_verification";
/// The message type of a revoked subscription.
pub const REVOCATION: &str = "revocation";
/// Twitch's window: 10 minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(10 * 60);

/// Twitch's scheme and handshakes, for [`Twitch`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

/// The answer to a callback verification or a revocation.
fn reply(delivery: &Delivery<'_>) -> Option<Reply> {
    match delivery.header(MESSAGE_TYPE_HEADER)? {
        CALLBACK_VERIFICATION => {
            match json::top_level(delivery.body(), &[("challenge", Kind::Str)]).ok()? {
                [Value::Str(challenge)] if echoable(challenge) => Some(Reply::new(
                    http::StatusCode::OK,
                    Some("text/plain"),
                    challenge.as_bytes().to_vec(),
                )),
                _ => None,
            }
        }
        REVOCATION => Some(Reply::new(http::StatusCode::NO_CONTENT, None, Vec::new())),
        _ => None,
    }
}

impl Sender for Spec {
    const NAME: &'static str = "twitch";
    const TYPE_NAME: &'static str = "Twitch";

    /// `sha256=<hex>` over `{id}{timestamp}{body}`.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, "sha256="))
            .encoding(Encoding::HexLower)
            .content([Part::Id, Part::Timestamp, Part::Body])
            .timestamp(
                Timestamp::header_static(TIMESTAMP_HEADER)
                    .unit(Unit::Rfc3339)
                    .tolerance(DEFAULT_TOLERANCE),
            )
            .id(Id::signed_header_static(MESSAGE_ID_HEADER))
            .event(Id::header_static(SUBSCRIPTION_TYPE_HEADER))
    }

    fn finish<'a>(
        &self,
        delivery: &mut Delivery<'a>,
        _incoming: &Incoming<'a>,
        _now: SystemTime,
    ) -> Result<(), Error> {
        delivery.set_reply(ReplyPlan::Decide(reply));
        Ok(())
    }
}

/// Verifies and signs Twitch EventSub webhook messages.
///
/// `Twitch::new(secret)`, the `secret` given when creating the
/// subscription (10 to 100 ASCII characters, used as text), with Twitch's
/// 10-minute window ([`DEFAULT_TOLERANCE`]); `.with_previous(secret)` for
/// subscriptions still made with an older secret.
///
/// `sign_headers` sends the signature, `Twitch-Eventsub-Message-Id` (the
/// outgoing id, required), `Twitch-Eventsub-Message-Timestamp` (RFC 3339,
/// milliseconds) and `Twitch-Eventsub-Subscription-Type` from the outgoing
/// event; add `Twitch-Eventsub-Message-Type` with `Outgoing::headers`.
pub type Twitch = Verifier<Spec>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Outgoing, Provider};
    use std::time::UNIX_EPOCH;

    /// A vector of tests/data/providers/twitch.json (stdlib HMAC from
    /// Twitch's documented scheme).
    fn vector(name: &str) -> (Vec<(String, String)>, Vec<u8>) {
        let v = crate::providers::recorded::vector(
            include_str!("../../tests/data/providers/twitch.json"),
            name,
        );
        (v.headers, v.body)
    }

    const SECRET: &str = "twitch-subscription-secret-0123";
    const NOW: u64 = 1_767_225_600;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn notification_verifies_with_its_id_and_event() {
        let twitch = Twitch::new(SECRET).unwrap();
        let (headers, body) = vector("notification");
        let delivery = twitch.verify_at(&headers, &body, at(NOW)).unwrap();
        assert_eq!(delivery.id(), Some("befa7b53-d79d-478f-86b9-120f112b044e"));
        assert_eq!(delivery.event(), Some("channel.follow"));
        assert!(delivery.reply().is_none());
        assert!(delivery.timestamp().is_some());
        for name in ["tampered-body", "id-changed"] {
            let (headers, body) = vector(name);
            assert_eq!(
                twitch.verify_at(&headers, &body, at(NOW)).unwrap_err(),
                Error::SignatureMismatch,
                "{name}"
            );
        }
        let (headers, body) = vector("stale-10min-1s");
        assert_eq!(
            twitch.verify_at(&headers, &body, at(NOW)).unwrap_err(),
            Error::TimestampTooOld
        );
    }

    #[test]
    fn handshakes() {
        let twitch = Twitch::new(SECRET).unwrap();
        let (headers, body) = vector("webhook-callback-verification");
        let reply = twitch
            .verify_at(&headers, &body, at(NOW))
            .unwrap()
            .reply()
            .unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.content_type(), Some("text/plain"));
        assert_eq!(reply.body(), b"pogchamp-kappa-360noscope-vohiyo");
        let (headers, body) = vector("revocation");
        let reply = twitch
            .verify_at(&headers, &body, at(NOW))
            .unwrap()
            .reply()
            .unwrap();
        assert_eq!(reply.status(), 204);
        assert!(reply.body().is_empty());
    }

    #[test]
    fn signs_as_twitch() {
        let twitch = Twitch::new(SECRET).unwrap();
        let body = br#"{"event":{}}"#;
        let outgoing = Outgoing::new(body)
            .id("m-1")
            .event("channel.follow")
            .at(at(NOW));
        let headers = twitch.sign_headers(&outgoing).unwrap();
        assert_eq!(headers[TIMESTAMP_HEADER], "2026-01-01T00:00:00.000Z");
        assert_eq!(headers[SUBSCRIPTION_TYPE_HEADER], "channel.follow");
        let delivery = twitch.verify_at(&headers, body, at(NOW)).unwrap();
        assert_eq!(delivery.id(), Some("m-1"));
        assert!(
            twitch.sign_headers(&Outgoing::new(body)).is_err(),
            "the id is signed"
        );
        assert_eq!(
            format!("{twitch:?}"),
            "Twitch { secrets: 1, tolerance: 600s, .. }"
        );
    }
}
