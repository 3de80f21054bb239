//! Linear webhooks.
//!
//! Linear signs the raw body with HMAC-SHA256 and sends the lowercase hex
//! digest, without prefix, in `Linear-Signature`; the event type is in
//! `Linear-Event` and a UUID per delivery in `Linear-Delivery`
//! ([Linear webhooks](https://linear.app/developers/webhooks#securing-webhooks)).
//!
//! Replay defence: the body's **top-level** `webhookTimestamp` (UNIX
//! milliseconds) is covered by the signature and must lie within the
//! tolerance (default 60 s, inclusive, both directions) of the clock.
//! hooksig checks the MAC first and the timestamp second, and it never
//! trusts the unsigned `Linear-Timestamp` header: since @linear/sdk 95
//! Linear's own SDK does the same, after that header allowed a replay
//! bypass. A body without a numeric top-level `webhookTimestamp` is
//! rejected; a key of that name nested deeper does not count; a repeated
//! one is rejected rather than resolved.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{linear::Linear, Provider};
//!
//! let linear = Linear::new("lin_wh_secret")?;
//! let body = br#"{"action":"create","type":"Issue","webhookTimestamp":1700000000000}"#;
//! let sig = linear.sign(body);
//! let now = UNIX_EPOCH + Duration::from_millis(1_700_000_030_000);
//! let headers = [("Linear-Signature", sig.as_str())];
//! let delivery = linear.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.timestamp(), Some(UNIX_EPOCH + Duration::from_millis(1_700_000_000_000)));
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

/// The signature header, `Linear-Signature`.
pub const SIGNATURE_HEADER: &str = "linear-signature";
/// The event type header, `Linear-Event` (`Issue`, `Comment`, …).
pub const EVENT_HEADER: &str = "linear-event";
/// The delivery UUID header, `Linear-Delivery`.
pub const DELIVERY_HEADER: &str = "linear-delivery";
/// The **unsigned** timestamp header, `Linear-Timestamp`: sent by
/// [`Provider::sign_headers`] as Linear does, never read by verification.
pub const TIMESTAMP_HEADER: &str = "linear-timestamp";
/// The signed top-level body field holding the send time in UNIX
/// milliseconds.
pub const TIMESTAMP_FIELD: &str = "webhookTimestamp";
/// Linear's SDK window: 60 seconds either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(60);

const NAME: &str = "linear";

/// Verifies and signs Linear webhook deliveries.
#[derive(Clone)]
pub struct Linear {
    keys: Keys,
    tolerance: Duration,
}

impl Linear {
    /// A verifier for deliveries signed with `secret`, with the default
    /// 60-second tolerance.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        Ok(Linear {
            keys: Keys::new(secret.as_ref())?,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Also accepts deliveries signed with `secret` (secret rotation).
    /// Signing keeps using the secret given to [`Linear::new`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `secret` is empty.
    pub fn with_previous(mut self, secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.add_previous(secret.as_ref())?;
        Ok(self)
    }

    /// How far `webhookTimestamp` may be from the clock, in either
    /// direction, inclusive. Defaults to 60 seconds ([`DEFAULT_TOLERANCE`]),
    /// as Linear's SDK. Counted in whole milliseconds.
    ///
    /// ```
    /// use std::time::Duration;
    /// let linear = hooksig::linear::Linear::new("s")?.tolerance(Duration::from_secs(30));
    /// # let _ = linear;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The `Linear-Signature` value Linear would send for `body`: 64
    /// lowercase hex digits. The body should carry a top-level
    /// `webhookTimestamp`, or it will not verify.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        encoding::to_hex(&self.keys.sign(&[body]))
    }
}

/// The body's top-level `webhookTimestamp`, in milliseconds.
fn webhook_timestamp(body: &[u8]) -> Result<u64, Error> {
    match json::top_level(body, &[(TIMESTAMP_FIELD, Kind::U64)]) {
        Ok([Value::U64(millis)]) => Ok(millis),
        Ok(_) => Err(Error::MalformedBody("missing top-level `webhookTimestamp`")),
        Err(problem) => Err(problem.into_error(|problem| match problem {
            Problem::Repeated(_) => "top-level `webhookTimestamp` appears more than once",
            _ => "top-level `webhookTimestamp` is not a non-negative integer of milliseconds",
        })),
    }
}

impl fmt::Debug for Linear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Linear")
            .field("secrets", &self.keys.count())
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl Provider for Linear {
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
        let millis = i128::from(webhook_timestamp(body)?);
        time::check_window_millis(millis, now, self.tolerance)?;
        Ok(Delivery::new(NAME, body, headers)
            .with_id(Field::Header(DELIVERY_HEADER))
            .with_event(Field::Header(EVENT_HEADER))
            .with_timestamp(time::from_unix_millis(millis)))
    }

    /// `Linear-Signature`, `Linear-Timestamp` (copied from the body's
    /// `webhookTimestamp`, as Linear sends it), and `Linear-Delivery` /
    /// `Linear-Event` from the outgoing id and event. The outgoing time is
    /// not used: Linear's signed time is the one in the body.
    fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
        let millis = webhook_timestamp(outgoing.body)?;
        let mut headers = http::HeaderMap::new();
        provider::insert(&mut headers, SIGNATURE_HEADER, &self.sign(outgoing.body))?;
        provider::insert(&mut headers, TIMESTAMP_HEADER, &millis.to_string())?;
        provider::insert_metadata(&mut headers, outgoing, DELIVERY_HEADER, EVENT_HEADER)?;
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    const TS: u64 = 1_579_784_000_000;

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn check(body: &str, now: u64) -> Result<(), Error> {
        let linear = Linear::new("SECRET")?;
        let sig = linear.sign(body.as_bytes());
        linear
            .verify_at(
                &[("Linear-Signature", sig.as_str())],
                body.as_bytes(),
                at(now),
            )
            .map(|_| ())
    }

    #[test]
    fn window_edges() {
        let body = format!(r#"{{"webhookTimestamp":{TS}}}"#);
        assert_eq!(check(&body, TS + 60_000), Ok(()));
        assert_eq!(check(&body, TS - 60_000), Ok(()));
        assert_eq!(check(&body, TS + 60_001), Err(Error::TimestampTooOld));
        assert_eq!(check(&body, TS - 60_001), Err(Error::TimestampInFuture));
    }

    #[test]
    fn only_a_single_top_level_integer_counts() {
        for body in [
            r#"{"data":{"webhookTimestamp":1579784000000}}"#,
            r#"{"webhookTimestamp":"1579784000000"}"#,
            r#"{"webhookTimestamp":1579784000000.0}"#,
            r#"{"webhookTimestamp":-1}"#,
            r#"{"webhookTimestamp":1579784000000,"webhookTimestamp":1579784000000}"#,
            "[1579784000000]",
            "not json",
            "",
        ] {
            let err = check(body, TS).unwrap_err();
            assert!(matches!(err, Error::MalformedBody(_)), "{body}: {err}");
        }
    }

    #[test]
    fn timestamp_header_is_never_trusted() {
        let linear = Linear::new("SECRET").unwrap();
        let body = br#"{"action":"create"}"#;
        let sig = linear.sign(body);
        let headers = [
            ("Linear-Signature", sig.as_str()),
            ("Linear-Timestamp", "1579784000000"),
        ];
        assert_eq!(
            linear.verify_at(&headers, body, at(TS)).unwrap_err(),
            Error::MalformedBody("missing top-level `webhookTimestamp`")
        );
    }

    #[test]
    fn mac_is_checked_before_the_timestamp() {
        let linear = Linear::new("SECRET").unwrap();
        let body = format!(r#"{{"webhookTimestamp":{TS}}}"#);
        let forged = "0".repeat(64);
        let headers = [("Linear-Signature", forged.as_str())];
        assert_eq!(
            linear
                .verify_at(&headers, body.as_bytes(), at(0))
                .unwrap_err(),
            Error::SignatureMismatch
        );
    }

    #[test]
    fn sign_headers_requires_the_body_timestamp() {
        let linear = Linear::new("SECRET").unwrap();
        assert!(matches!(
            linear.sign_headers(&Outgoing::new(b"{}")),
            Err(Error::MalformedBody(_))
        ));
        let body = format!(r#"{{"webhookTimestamp":{TS}}}"#);
        let headers = linear
            .sign_headers(&Outgoing::new(body.as_bytes()).id("d").event("Issue"))
            .unwrap();
        assert_eq!(headers[TIMESTAMP_HEADER], TS.to_string().as_str());
        let delivery = linear.verify_at(&headers, body.as_bytes(), at(TS)).unwrap();
        assert_eq!(
            (delivery.id(), delivery.event()),
            (Some("d"), Some("Issue"))
        );
    }
}
