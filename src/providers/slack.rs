//! Slack request signing (Events API, slash commands, interactivity).
//!
//! Slack signs the basestring `v0:{X-Slack-Request-Timestamp}:{body}` with
//! HMAC-SHA256 under the app's signing secret (its UTF-8 bytes, although
//! it looks like hex) and sends `X-Slack-Signature: v0=<64 lowercase hex>`
//! ([Verifying requests from Slack](https://docs.slack.dev/authentication/verifying-requests-from-slack/)).
//!
//! What hooksig accepts, following what Slack sends and its SDKs compare:
//! - exactly one `X-Slack-Signature`, `v0=` and exactly 64 **lowercase**
//!   hex digits (`python-slack-sdk` compares the whole string, so uppercase
//!   never verifies there either); any other form is malformed (400);
//! - exactly one `X-Slack-Request-Timestamp`, UNIX seconds, 1 to 20 ASCII
//!   digits, no sign or fraction.
//!
//! Replay defence: the timestamp is signed and must lie within the
//! tolerance (default 5 minutes, inclusive, both directions, whole
//! seconds) of the clock, as Slack's SDKs check it; hooksig checks it after
//! the MAC. Slack carries no delivery id in headers; its retries add
//! `X-Slack-Retry-Num`, readable with [`Delivery::header`](crate::Delivery::header). An Events API
//! body is JSON with a top-level `event_id` and `type`: [`Delivery::id`](crate::Delivery::id)
//! and [`Delivery::event`](crate::Delivery::event) read them from the signed body when asked for,
//! so the middleware suppresses Slack's retried events. Slash commands and
//! interactivity payloads are form-encoded and have neither (`None`: not
//! deduplicated).
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{slack::Slack, Provider};
//!
//! let slack = Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?;
//! let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J";
//! let headers = [
//!     ("X-Slack-Request-Timestamp", "1531420618".to_string()),
//!     ("X-Slack-Signature", slack.sign(1_531_420_618, body)),
//! ];
//! let now = UNIX_EPOCH + Duration::from_secs(1_531_420_700);
//! let delivery = slack.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.provider(), "slack");
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use crate::delivery::ReplyPlan;
use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Part, Scheme, Signature, Source, Timestamp};
use crate::{Delivery, Error, Incoming};

/// The signature header, `X-Slack-Signature`.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";
/// The signed timestamp header, `X-Slack-Request-Timestamp` (UNIX seconds).
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// The top-level member of an Events API body that is the delivery id
/// ([`Delivery::id`]): `event_id`.
pub const ID_FIELD: &str = "event_id";
/// The top-level member of an Events API body that is the event name
/// ([`Delivery::event`]): `type` (`event_callback`, `url_verification`).
pub const EVENT_FIELD: &str = "type";
/// The event of Slack's handshake, answered with its `challenge`
/// ([`Delivery::reply`]).
pub const URL_VERIFICATION: &str = "url_verification";
/// Slack's window: 5 minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Slack's scheme and quirks, for [`Slack`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

/// Slack's scheme: `X-Slack-Signature: v0=<hex>` over
/// `v0:{timestamp}:{body}`, with the timestamp in
/// `X-Slack-Request-Timestamp`; id and type from the signed body.
const SCHEME: &Scheme = &Scheme {
    signature: Signature::plain_static(SIGNATURE_HEADER, "v0="),
    encoding: Encoding::HexLower,
    content: Cow::Borrowed(&[
        Part::literal("v0:"),
        Part::Timestamp,
        Part::literal(":"),
        Part::Body,
    ]),
    timestamp: Some(Timestamp::header_static(TIMESTAMP_HEADER).tolerance(DEFAULT_TOLERANCE)),
    id: Source::Body(ID_FIELD),
    event: Source::Body(EVENT_FIELD),
    ..Scheme::HMAC_SHA256
};

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "slack";
    const TYPE_NAME: &'static str = "Slack";

    fn scheme() -> Scheme {
        SCHEME.clone()
    }

    fn fixed() -> Option<&'static Scheme> {
        Some(SCHEME)
    }

    /// A verified `url_verification` is answered with its `challenge`, as
    /// `200 text/plain`.
    fn finish<'a>(
        &self,
        delivery: &mut Delivery<'a>,
        _incoming: &Incoming<'a>,
        _now: SystemTime,
    ) -> Result<(), Error> {
        delivery.set_reply(ReplyPlan::EchoWhen {
            event: URL_VERIFICATION,
            member: "challenge",
        });
        Ok(())
    }
}

/// Verifies and signs Slack requests.
///
/// `Slack::new(secret)`, the app's signing secret as shown (used as text,
/// not hex-decoded), with the default 5-minute window
/// ([`DEFAULT_TOLERANCE`]); `.tolerance(..)` changes it (whole seconds,
/// both directions); `.with_previous(secret)` adds a secret still accepted
/// during a rotation.
///
/// `sign_headers` sends `X-Slack-Signature` and `X-Slack-Request-Timestamp`
/// for the outgoing body and time (whole seconds); Slack sends no id or
/// event header, so the outgoing id and event are not sent.
pub type Slack = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `X-Slack-Signature` value Slack would send for `body` at
    /// `unix_secs`: `v0=` and 64 lowercase hex digits.
    ///
    /// ```
    /// // The example of Slack's "Verifying requests from Slack".
    /// let slack = hooksig::slack::Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?;
    /// let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    /// assert_eq!(
    ///     slack.sign(1531420618, body.as_bytes()),
    ///     "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    /// );
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    #[must_use]
    pub fn sign(&self, unix_secs: u64, body: &[u8]) -> String {
        let timestamp = unix_secs.to_string();
        format!(
            "v0={}",
            self.sign_mac(&[b"v0:", timestamp.as_bytes(), b":", body])
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::encoding::tests as encoding;
    #[allow(unused_imports)]
    use crate::{error::HeaderName, key::tests::Keys, Delivery, Error, Outgoing, Provider};
    use std::time::UNIX_EPOCH;
    #[allow(unused_imports)]
    use std::time::{Duration, SystemTime};

    // Slack's "Verifying requests from Slack" example, with the values of
    // slackapi/python-slack-sdk tests/slack_sdk/signature/test_signature_verifier.py.
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: u64 = 1_531_420_618;
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn events_api_id_and_type_come_from_the_signed_body() {
        let slack = Slack::new(SECRET).unwrap();
        let read = |body: &[u8], expected: (Option<&str>, Option<&str>)| {
            let signature = slack.sign(TS, body);
            let headers = [
                ("X-Slack-Signature", signature.as_str()),
                ("X-Slack-Request-Timestamp", "1531420618"),
            ];
            let delivery = slack.verify_at(&headers, body, at(TS)).expect("signed");
            assert_eq!((delivery.id(), delivery.event()), expected);
        };
        let event = br#"{"token":"x","team_id":"T1","event":{"type":"app_mention","event_ts":"1"},"type":"event_callback","event_id":"Ev08MFMKH6","event_time":1}"#;
        read(event, (Some("Ev08MFMKH6"), Some("event_callback")));
        let challenge = br#"{"token":"x","challenge":"c","type":"url_verification"}"#;
        read(challenge, (None, Some("url_verification")));
        // A slash command is form-encoded: verified, nothing to dedup on.
        read(BODY.as_bytes(), (None, None));
    }

    fn check(signature: &str, timestamp: &str, now: u64) -> Result<(), Error> {
        let headers = [
            ("X-Slack-Signature", signature),
            ("X-Slack-Request-Timestamp", timestamp),
        ];
        Slack::new(SECRET)?
            .verify_at(&headers, BODY.as_bytes(), at(now))
            .map(|_| ())
    }

    #[test]
    fn documented_example_verifies() {
        assert_eq!(check(SIG, "1531420618", TS), Ok(()));
        assert_eq!(Slack::new(SECRET).unwrap().sign(TS, BODY.as_bytes()), SIG);
    }

    #[test]
    fn wrong_forms_are_malformed() {
        for value in [
            SIG.to_uppercase(),
            SIG.replace("v0=", "V0="),
            SIG.replace("v0=", "v1="),
            SIG.replace("v0=", ""),
            SIG[..SIG.len() - 1].to_string(),
            format!("{SIG},{SIG}"),
        ] {
            let err = check(&value, "1531420618", TS).unwrap_err();
            assert!(
                matches!(err, Error::MalformedHeader { ref name, .. } if name == SIGNATURE_HEADER),
                "{value}: {err}"
            );
        }
        for ts in ["", "+1531420618", "1531420618.0", "-5", "abc"] {
            let err = check(SIG, ts, TS).unwrap_err();
            assert!(
                matches!(err, Error::MalformedHeader { .. }),
                "{ts:?}: {err}"
            );
        }
    }

    #[test]
    fn timestamp_is_signed_and_windowed() {
        assert_eq!(check(SIG, "1531420619", TS), Err(Error::SignatureMismatch));
        assert_eq!(check(SIG, "1531420618", TS + 300), Ok(()));
        assert_eq!(check(SIG, "1531420618", TS - 300), Ok(()));
        assert_eq!(
            check(SIG, "1531420618", TS + 301),
            Err(Error::TimestampTooOld)
        );
        assert_eq!(
            check(SIG, "1531420618", TS - 301),
            Err(Error::TimestampInFuture)
        );
        let headers = [("X-Slack-Signature", SIG)];
        assert_eq!(
            Slack::new(SECRET)
                .unwrap()
                .verify_at(&headers, BODY.as_bytes(), at(TS))
                .unwrap_err(),
            Error::MissingHeader(HeaderName::from_static(TIMESTAMP_HEADER))
        );
    }

    #[test]
    fn rotation_sign_headers_and_debug() {
        let slack = Slack::new("new").unwrap().with_previous(SECRET).unwrap();
        let headers = [
            ("X-Slack-Signature", SIG),
            ("X-Slack-Request-Timestamp", "1531420618"),
        ];
        assert!(slack.verify_at(&headers, BODY.as_bytes(), at(TS)).is_ok());
        let signed = slack
            .sign_headers(&Outgoing::new(b"payload=1").at(at(TS)))
            .unwrap();
        assert_eq!(signed[TIMESTAMP_HEADER], "1531420618");
        let delivery = slack.verify_at(&signed, b"payload=1", at(TS)).unwrap();
        assert_eq!(delivery.timestamp(), Some(at(TS)));
        assert!(Slack::new("").is_err());
        assert_eq!(
            format!("{slack:?}"),
            "Slack { secrets: 2, tolerance: 300s, .. }"
        );
    }
}
