//! Notify, the notification service's webhooks.
//!
//! Notify signs the raw body with HMAC-SHA256 and sends the lowercase hex
//! digest, without prefix, in `x-notify-signature`. Its metadata lives in
//! the signed JSON body: the top-level string fields `event`, `event_id`
//! and `timestamp` (RFC 3339).
//!
//! Replay defence: Notify retries a failed delivery 5 times over about 17
//! hours with the same `event_id`, so the defence is duplicate suppression
//! on [`Delivery::id`], not a tight window. A window on the signed
//! `timestamp` is available with [`Notify::tolerance`]; it is off by
//! default because it would drop late retries.
//!
//! What hooksig requires of a verified body: a JSON object whose top-level
//! `event` and `event_id` are strings (without JSON escape sequences, so they
//! can be borrowed from the body), and whose `timestamp`, when present (it
//! must be, if a tolerance is set), is a valid RFC 3339 date-time.
//!
//! ```
//! use hooksig::{notify::Notify, Provider};
//!
//! let notify = Notify::new("notify-secret")?;
//! let body = br#"{"event":"message.sent","event_id":"evt_1","timestamp":"2026-11-22T10:00:00Z"}"#;
//! let sig = notify.sign(body);
//! let headers = [("x-notify-signature", sig.as_str())];
//! let delivery = notify.verify(&headers, body)?;
//! assert_eq!(delivery.id(), Some("evt_1"));
//! assert_eq!(delivery.event(), Some("message.sent"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::delivery::Field;
use crate::encoding::{self, HexCase};
use crate::json::{self, Kind, Problem, Value};
use crate::key::Keys;
use crate::provider::{self, Outgoing};
use crate::providers::{signature, Form};
use crate::time;
use crate::{Delivery, Error, Headers, Provider};

/// The signature header, `x-notify-signature`.
pub const SIGNATURE_HEADER: &str = "x-notify-signature";

const NAME: &str = "notify";

/// The top-level body fields read after verification.
const FIELDS: [(&str, Kind); 3] = [
    ("event", Kind::Str),
    ("event_id", Kind::Str),
    ("timestamp", Kind::Str),
];

/// Verifies and signs Notify webhook deliveries.
#[derive(Clone)]
pub struct Notify {
    keys: Keys,
    tolerance: Option<Duration>,
}

impl Notify {
    /// A verifier for deliveries signed with `secret`, with no timestamp
    /// window.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Ok(Notify {
            keys: Keys::new(secret.as_ref())?,
            tolerance: None,
        })
    }

    /// Also accepts deliveries signed with `secret` (secret rotation).
    /// Signing keeps using the secret given to [`Notify::new`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn with_previous(mut self, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.add_previous(secret.as_ref())?;
        Ok(self)
    }

    /// Rejects deliveries whose signed `timestamp` is further than
    /// `tolerance` from the clock, in either direction; the field then
    /// becomes required. Defaults to no window: Notify's retries span about
    /// 17 hours, so a window shorter than that loses late retries.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// The `x-notify-signature` value for `body`: 64 lowercase hex digits.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        encoding::to_hex(&self.keys.sign(&[body]))
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify")
            .field("secrets", &self.keys.count())
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

fn problem(problem: Problem) -> Error {
    problem.into_error(|problem| match problem {
        Problem::Repeated(0) => "top-level `event` appears more than once",
        Problem::Repeated(1) => "top-level `event_id` appears more than once",
        Problem::Repeated(_) => "top-level `timestamp` appears more than once",
        Problem::WrongType(0) => "top-level `event` is not a plain JSON string",
        Problem::WrongType(1) => "top-level `event_id` is not a plain JSON string",
        _ => "top-level `timestamp` is not a plain JSON string",
    })
}

impl Provider for Notify {
    fn name(&self) -> &'static str {
        NAME
    }

    fn verify_at<'a>(
        &self,
        headers: &'a dyn Headers,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        let tag = signature(headers, SIGNATURE_HEADER, "", Form::Hex(HexCase::Lower))?;
        self.keys.verify(&[body], &[tag])?;
        let [event, id, timestamp] = json::top_level(body, &FIELDS).map_err(problem)?;
        let event = match event {
            Value::Str("") => return Err(Error::MalformedBody("top-level `event` is empty")),
            Value::Str(event) => event,
            _ => return Err(Error::MalformedBody("missing top-level `event`")),
        };
        // An empty id would make every such delivery a "duplicate" of the first.
        let id = match id {
            Value::Str("") => return Err(Error::MalformedBody("top-level `event_id` is empty")),
            Value::Str(id) => id,
            _ => return Err(Error::MalformedBody("missing top-level `event_id`")),
        };
        let millis = match timestamp {
            Value::Str(text) => Some(time::parse_rfc3339_millis(text).ok_or(
                Error::MalformedBody("top-level `timestamp` is not an RFC 3339 date-time"),
            )?),
            _ => None,
        };
        if let Some(tolerance) = self.tolerance {
            let millis = millis.ok_or(Error::MalformedBody("missing top-level `timestamp`"))?;
            time::check_window_millis(millis, now, tolerance)?;
        }
        Ok(Delivery::new(NAME, body, headers)
            .with_id(Field::Value(Some(id)))
            .with_event(Field::Value(Some(event)))
            .with_timestamp(millis.and_then(time::from_unix_millis)))
    }

    /// `x-notify-signature`. Notify's id, event and time travel inside the
    /// signed body, so the outgoing id, event and time are not used.
    fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
        let mut headers = http::HeaderMap::new();
        provider::insert(&mut headers, SIGNATURE_HEADER, &self.sign(outgoing.body))?;
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    const BODY: &str = r#"{"event":"message.sent","event_id":"evt_1","timestamp":"2024-05-01T12:00:00Z","data":{}}"#;

    fn check(notify: &Notify, body: &str, now_ms: u64) -> Result<Delivery<'static>, Error> {
        let body: &'static str = Box::leak(body.to_string().into_boxed_str());
        let sig: &'static str = Box::leak(notify.sign(body.as_bytes()).into_boxed_str());
        let headers: &'static [(&str, &str); 1] =
            Box::leak(Box::new([("X-Notify-Signature", sig)]));
        notify.verify_at(
            headers,
            body.as_bytes(),
            UNIX_EPOCH + Duration::from_millis(now_ms),
        )
    }

    #[test]
    fn reads_metadata_from_the_signed_body() {
        let notify = Notify::new("s").unwrap();
        let delivery = check(&notify, BODY, 0).unwrap();
        assert_eq!(delivery.id(), Some("evt_1"));
        assert_eq!(delivery.event(), Some("message.sent"));
        assert_eq!(
            delivery.timestamp(),
            Some(UNIX_EPOCH + Duration::from_millis(1_714_564_800_000))
        );
    }

    #[test]
    fn optional_window() {
        let notify = Notify::new("s")
            .unwrap()
            .tolerance(Duration::from_secs(300));
        let ts = 1_714_564_800_000;
        assert!(check(&notify, BODY, ts + 300_000).is_ok());
        assert_eq!(
            check(&notify, BODY, ts + 300_001).unwrap_err(),
            Error::TimestampTooOld
        );
        assert_eq!(
            check(&notify, BODY, ts - 300_001).unwrap_err(),
            Error::TimestampInFuture
        );
        let untimed = r#"{"event":"e","event_id":"i"}"#;
        assert!(check(&Notify::new("s").unwrap(), untimed, 0).is_ok());
        assert_eq!(
            check(&notify, untimed, 0).unwrap_err(),
            Error::MalformedBody("missing top-level `timestamp`")
        );
    }

    #[test]
    fn required_fields() {
        let notify = Notify::new("s").unwrap();
        for body in [
            r#"{"event_id":"i"}"#,
            r#"{"event":"e"}"#,
            r#"{"event":"e","event_id":7}"#,
            r#"{"event":"e","event_id":"i","timestamp":"yesterday"}"#,
            r#"{"event":"e","event":"f","event_id":"i"}"#,
            r#"{"event":"e","event_id":""}"#,
            r#"{"event":"","event_id":"i"}"#,
            r#"["event","event_id"]"#,
        ] {
            assert!(
                matches!(check(&notify, body, 0), Err(Error::MalformedBody(_))),
                "{body}"
            );
        }
    }
}
