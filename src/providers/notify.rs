//! Notify, the notification service's webhooks.
//!
//! Notify signs the raw body with HMAC-SHA256 and sends the lowercase hex
//! digest, without prefix, in `x-notify-signature`. Its metadata lives in
//! the signed JSON body: the top-level string fields `event`, `event_id`
//! and `timestamp` (RFC 3339).
//!
//! Replay defence: Notify retries a failed delivery 5 times over about 17
//! hours with the same `event_id`, so the defence is duplicate suppression
//! on [`Delivery::id`](crate::Delivery::id), not a tight window. A window on the signed
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

use std::time::{Duration, SystemTime};

use crate::delivery::Field;
use crate::engine::{sealed, Sender, Verifier};
use crate::json::{self, Kind, Problem, Value};
use crate::scheme::{Encoding, Scheme, Signature};
use crate::time;
use crate::{Delivery, Error, Incoming};

/// The signature header, `x-notify-signature`.
pub const SIGNATURE_HEADER: &str = "x-notify-signature";

/// The top-level body fields read after verification.
const FIELDS: [(&str, Kind); 3] = [
    ("event", Kind::Str),
    ("event_id", Kind::Str),
    ("timestamp", Kind::Str),
];

/// Notify's scheme and quirks, for [`Notify`]: the id, event and optional
/// timestamp are members of the signed body, and the window is off unless
/// asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec {
    tolerance: Option<Duration>,
}

impl sealed::Sealed for Spec {}

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

impl Sender for Spec {
    const NAME: &'static str = "notify";
    const TYPE_NAME: &'static str = "Notify";

    /// `x-notify-signature: <64 lowercase hex>` over the raw body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
    }

    /// The body's `event` and `event_id` (required, non-empty) and its
    /// optional RFC 3339 `timestamp`, checked against the window when one
    /// is set.
    fn finish<'a>(
        &self,
        delivery: &mut Delivery<'a>,
        incoming: &Incoming<'a>,
        now: SystemTime,
    ) -> Result<(), Error> {
        let [event, id, timestamp] = json::top_level(incoming.body, &FIELDS).map_err(problem)?;
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
        delivery
            .set_id(Field::Value(Some(id)))
            .set_event(Field::Value(Some(event)))
            .set_timestamp(millis.and_then(time::from_unix_millis));
        Ok(())
    }

    /// Rejects deliveries whose signed `timestamp` is further than
    /// `tolerance` from the clock; the field then becomes required.
    fn set_tolerance(&mut self, _scheme: &mut Scheme, tolerance: Duration) {
        self.tolerance = Some(tolerance);
    }

    fn reads_clock(&self) -> bool {
        self.tolerance.is_some()
    }
}

/// Verifies and signs Notify webhook deliveries.
///
/// `Notify::new(secret)` has no timestamp window by default: Notify's
/// retries span about 17 hours, so a window shorter than that loses late
/// retries. `.tolerance(..)` rejects deliveries whose signed `timestamp`
/// is further than that from the clock, in either direction, and makes the
/// field required. `.with_previous(secret)` adds a secret still accepted
/// during a rotation.
///
/// `sign_headers` sends `x-notify-signature` only: Notify's id, event and
/// time travel inside the signed body, so the outgoing id, event and time
/// are not used.
pub type Notify = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `x-notify-signature` value for `body`: 64 lowercase hex digits.
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
    use std::time::UNIX_EPOCH;
    #[allow(unused_imports)]
    use std::time::{Duration, SystemTime};

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
