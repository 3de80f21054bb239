//! Discord interactions and webhook events.
//!
//! Discord signs `{X-Signature-Timestamp}{body}` (the timestamp's text
//! followed by the raw body, no separator) with the application's Ed25519
//! key and sends the 64-byte signature as hex in `X-Signature-Ed25519`
//! ([Receiving and responding to interactions](https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization),
//! [Webhook events](https://discord.com/developers/docs/events/webhook-events#preparing-for-events)).
//! The receiver verifies with the application's **public key** (32 bytes,
//! shown as hex in the developer portal); no secret is shared.
//!
//! What hooksig accepts, following what Discord sends and its
//! `discord-interactions` library checks:
//! - exactly one `X-Signature-Ed25519` of 128 hex digits, either case (the
//!   library parses hex case-insensitively);
//! - exactly one `X-Signature-Timestamp` of UNIX seconds;
//! - the application's public key as hex, base64, DER or PEM
//!   ([`Discord::new`]); `.with_previous(key)` for another application
//!   sharing the route.
//!
//! What the signature does **not** cover: every other header. The body and
//! the timestamp are covered.
//!
//! Replay defence: the timestamp is signed, and hooksig refuses one more
//! than 5 minutes from the clock in either direction
//! ([`DEFAULT_TOLERANCE`]; `.tolerance(..)` changes it). Discord's own
//! library checks no window at all (a signed timestamp from 2001 passes
//! it); hooksig adds one because Discord delivers in real time (an
//! interaction must be answered within 3 seconds) and never retries an
//! interaction, so a window costs nothing and stops replays of captured
//! requests. [`Delivery::id`] is the interaction's `id` (a snowflake) and
//! [`Delivery::event`] its numeric `type` (`"1"` for `PING`, `"2"` for a
//! command), both read from the signed body when asked for.
//!
//! Handshakes ([`Delivery::reply`]), decided only when asked for:
//! - an interaction `PING` (`"type":1` with a `token`, as every interaction
//!   has) is answered `200 application/json` `{"type":1}`;
//! - a webhook-event `PING` (`"type":0`) is answered `204` with no body.
//!   Discord expects 204 for every webhook event; the others reach the
//!   handler, which should answer 204 itself.
//!
//! Discord also probes a newly saved URL with invalid signatures; they fail
//! with [`Error::SignatureMismatch`](crate::Error::SignatureMismatch) (401),
//! as Discord requires.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{discord::Discord, Outgoing, Provider};
//!
//! // The RFC 8032 test key; the private key is only for signing in tests.
//! let discord = Discord::new("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")?
//!     .signing_key("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")?;
//! let body = br#"{"id":"1","application_id":"2","token":"t","type":1,"version":1}"#;
//! let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! let headers = discord.sign_headers(&Outgoing::new(body).at(at))?;
//! let reply = discord.verify_at(&headers, body, at)?.reply().expect("a PING");
//! assert_eq!(reply.body(), br#"{"type":1}"#);
//! assert_eq!(reply.content_type(), Some("application/json"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::{Duration, SystemTime};

use crate::delivery::ReplyPlan;
use crate::engine::{sealed, Sender, Verifier};
use crate::json::{self, Kind, Value};
use crate::scheme::{Algorithm, Encoding, Id, Part, Scheme, Signature, Timestamp};
use crate::{Delivery, Error, Incoming, Reply};

/// The signature header, `X-Signature-Ed25519` (hex).
pub const SIGNATURE_HEADER: &str = "x-signature-ed25519";
/// The signed timestamp header, `X-Signature-Timestamp` (UNIX seconds).
pub const TIMESTAMP_HEADER: &str = "x-signature-timestamp";
/// The body member that is the delivery id, `id` (interactions only).
pub const ID_FIELD: &str = "id";
/// The body member that is the event, `type` (a number).
pub const TYPE_FIELD: &str = "type";
/// hooksig's window for Discord: 5 minutes either way (Discord's library
/// checks none).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Discord's scheme and handshakes, for [`Discord`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "discord";
    const TYPE_NAME: &'static str = "Discord";

    /// Ed25519 over `{timestamp}{body}`, hex in `X-Signature-Ed25519`.
    fn scheme() -> Scheme {
        Scheme::new(Algorithm::Ed25519)
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::Hex)
            .content([Part::Timestamp, Part::Body])
            .timestamp(Timestamp::header_static(TIMESTAMP_HEADER).tolerance(DEFAULT_TOLERANCE))
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_integer(TYPE_FIELD))
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

/// The answer to a `PING`, decided from the verified body when asked for.
fn reply(delivery: &Delivery<'_>) -> Option<Reply> {
    let wanted = [(TYPE_FIELD, Kind::U64), ("token", Kind::Str)];
    match json::top_level(delivery.body(), &wanted).ok()? {
        // Interactions always carry a token; webhook events never do.
        [Value::U64(1), Value::Str(_)] => Some(Reply::new(
            http::StatusCode::OK,
            Some("application/json"),
            br#"{"type":1}"#.to_vec(),
        )),
        [Value::U64(0), Value::Absent] => {
            Some(Reply::new(http::StatusCode::NO_CONTENT, None, Vec::new()))
        }
        _ => None,
    }
}

/// Verifies Discord interactions and webhook events (and signs them, for
/// tests, given the private key).
///
/// `Discord::new(public_key)`, the application's public key as the
/// developer portal shows it (64 hex digits; base64, DER SPKI and PEM are
/// read too), with a 5-minute window ([`DEFAULT_TOLERANCE`]).
///
/// `sign_headers` sends `X-Signature-Ed25519` (lowercase hex) and
/// `X-Signature-Timestamp` (the outgoing time), as Discord does; it needs
/// the private key ([`signing_key`](Verifier::signing_key)), which only a
/// test of a receiver has. Without it, it fails with
/// [`Error::InvalidConfig`].
pub type Discord = Verifier<Spec>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Outgoing, Provider};
    use std::time::UNIX_EPOCH;

    // RFC 8032 §7.1 test 1: the key pair of discord.json.
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const NOW: u64 = 1_767_225_600;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// A vector of tests/data/providers/discord.json (recorded with
    /// discord-interactions 4.4.0 `verifyKey`).
    fn vector(name: &str) -> (Vec<(String, String)>, Vec<u8>) {
        let v = crate::providers::recorded::vector(
            include_str!("../../tests/data/providers/discord.json"),
            name,
        );
        (v.headers, v.body)
    }

    #[test]
    fn sdk_recorded_interaction_ping_verifies_and_replies() {
        // discord.json "interaction-ping" (discord-interactions 4.4.0).
        let (headers, body) = vector("interaction-ping");
        let discord = Discord::new(PUBLIC).unwrap();
        let delivery = discord.verify_at(&headers, &body, at(NOW)).unwrap();
        assert_eq!(delivery.id(), Some("1234567890123456790"));
        assert_eq!(delivery.event(), Some("1"));
        let reply = delivery.reply().unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.body(), br#"{"type":1}"#);
        assert!(delivery.is_handshake());
    }

    #[test]
    fn sdk_recorded_webhook_event_ping_is_204_and_events_reach_the_handler() {
        // discord.json "webhook-event-ping" and
        // "webhook-event-application-authorized" (discord-interactions 4.4.0).
        let discord = Discord::new(PUBLIC).unwrap();
        let (headers, body) = vector("webhook-event-ping");
        let reply = discord.verify_at(&headers, &body, at(NOW)).unwrap().reply();
        let reply = reply.unwrap();
        assert_eq!(reply.status(), 204);
        assert_eq!(reply.content_type(), None);
        assert!(reply.body().is_empty());
        let (headers, body) = vector("webhook-event-application-authorized");
        let delivery = discord.verify_at(&headers, &body, at(NOW)).unwrap();
        assert!(
            delivery.reply().is_none(),
            "type 1 without a token is an event"
        );
        let (headers, body) = vector("interaction-application-command");
        let delivery = discord.verify_at(&headers, &body, at(NOW)).unwrap();
        assert!(delivery.reply().is_none());
    }

    #[test]
    fn probes_tampering_and_the_window() {
        // discord.json "interaction-bad-signature-probe", "…-tampered",
        // "stale-timestamp-sdk-accepts" (hooksig's window departs from the SDK).
        let discord = Discord::new(PUBLIC).unwrap();
        for name in [
            "interaction-bad-signature-probe",
            "interaction-ping-tampered",
            "interaction-ping-wrong-timestamp",
        ] {
            let (headers, body) = vector(name);
            assert_eq!(
                discord.verify_at(&headers, &body, at(NOW)).unwrap_err(),
                Error::SignatureMismatch,
                "{name}"
            );
        }
        let (headers, body) = vector("stale-timestamp-sdk-accepts");
        assert_eq!(
            discord.verify_at(&headers, &body, at(NOW)).unwrap_err(),
            Error::TimestampTooOld
        );
        let lenient = Discord::new(PUBLIC)
            .unwrap()
            .tolerance(Duration::from_secs(800_000_000));
        assert!(lenient.verify_at(&headers, &body, at(NOW)).is_ok());
    }

    #[test]
    fn signs_with_the_private_key_only() {
        let body = br#"{"version":1,"application_id":"1","type":0}"#;
        let outgoing = Outgoing::new(body).at(at(NOW));
        let discord = Discord::new(PUBLIC).unwrap();
        assert!(matches!(
            discord.sign_headers(&outgoing),
            Err(Error::InvalidConfig(_))
        ));
        let signer = discord.signing_key(SEED).unwrap();
        let headers = signer.sign_headers(&outgoing).unwrap();
        assert_eq!(headers[TIMESTAMP_HEADER], "1767225600");
        assert_eq!(headers[SIGNATURE_HEADER].len(), 128);
        assert!(signer.verify_at(&headers, body, at(NOW)).is_ok());
        // A private key of another application is refused.
        let other = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
        assert!(Discord::new(PUBLIC).unwrap().signing_key(other).is_err());
        assert!(Discord::new("").is_err());
        assert!(Discord::new("not a key").is_err());
        assert_eq!(
            format!("{signer:?}"),
            "Discord { keys: 1, tolerance: 300s, .. }"
        );
    }

    #[test]
    fn keys_in_pem_and_der_forms() {
        // The RFC 8032 key pair as SPKI and PKCS#8 PEM documents.
        let public = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
        let private = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";
        let (headers, body) = vector("interaction-ping");
        let discord = Discord::new(public).unwrap().signing_key(private).unwrap();
        assert!(discord.verify_at(&headers, &body, at(NOW)).is_ok());
        let der = "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
        assert!(Discord::new(der)
            .unwrap()
            .verify_at(&headers, &body, at(NOW))
            .is_ok());
        assert!(
            Discord::new("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err()
        );
        assert!(Discord::new("-----BEGIN PUBLIC KEY-----\nMCow").is_err());
    }
}
