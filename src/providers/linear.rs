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

use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::provider::{self, Outgoing};
use crate::scheme::{Encoding, Id, Scheme, Signature, Timestamp, Unit};
use crate::{json, Error};

/// The signature header, `Linear-Signature`.
pub const SIGNATURE_HEADER: &str = "linear-signature";
/// The event type header, `Linear-Event` (`Issue`, `Comment`, …).
pub const EVENT_HEADER: &str = "linear-event";
/// The delivery UUID header, `Linear-Delivery`.
pub const DELIVERY_HEADER: &str = "linear-delivery";
/// The **unsigned** timestamp header, `Linear-Timestamp`: sent by
/// [`Provider::sign_headers`](crate::Provider::sign_headers) as Linear
/// does, never read by verification.
pub const TIMESTAMP_HEADER: &str = "linear-timestamp";
/// The signed top-level body field holding the send time in UNIX
/// milliseconds.
pub const TIMESTAMP_FIELD: &str = "webhookTimestamp";
/// Linear's SDK window: 60 seconds either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(60);

/// The addresses Linear sends webhooks from, which Linear publishes and
/// recommends allowing ([Linear webhooks](https://linear.app/developers/webhooks)),
/// as listed when this constant was written. Linear can add addresses:
/// check the page when a genuine delivery is refused with 403, and add
/// the new ones beside these. For
/// [`Receiver::allow_senders`](crate::receiver::Receiver::allow_senders)
/// and the adapters' option of the same name:
///
/// ```
/// # #[cfg(feature = "receiver")] {
/// use hooksig::{linear::{self, Linear}, receiver::Receiver};
///
/// let receiver = Receiver::new(Linear::new("lin_wh_secret")?).allow_senders(linear::SENDER_IPS)?;
/// // With an address Linear added since:
/// let more = linear::SENDER_IPS.into_iter().chain(["192.0.2.10"]);
/// let receiver = Receiver::new(Linear::new("lin_wh_secret")?).allow_senders(more)?;
/// # let _ = receiver;
/// # }
/// # Ok::<(), hooksig::Error>(())
/// ```
pub const SENDER_IPS: [&str; 4] = [
    "35.231.147.226",
    "35.243.134.228",
    "34.140.253.14",
    "34.38.87.206",
];

/// Linear's scheme and quirks, for [`Linear`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "linear";
    const TYPE_NAME: &'static str = "Linear";

    /// `Linear-Signature: <64 lowercase hex>` over the raw body, whose
    /// top-level `webhookTimestamp` (milliseconds) is the signed time.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::HexLower)
            .timestamp(
                Timestamp::body_member(TIMESTAMP_FIELD)
                    .unit(Unit::Millis)
                    .tolerance(DEFAULT_TOLERANCE),
            )
            .id(Id::header_static(DELIVERY_HEADER))
            .event(Id::header_static(EVENT_HEADER))
    }

    /// `Linear-Timestamp`, copied from the body's `webhookTimestamp` as
    /// Linear sends it.
    fn sign_extra(
        &self,
        outgoing: &Outgoing<'_>,
        headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        if let Ok([json::Value::U64(millis)]) =
            json::top_level(outgoing.body, &[(TIMESTAMP_FIELD, json::Kind::U64)])
        {
            provider::insert(headers, TIMESTAMP_HEADER, &millis.to_string())?;
        }
        Ok(())
    }
}

/// Verifies and signs Linear webhook deliveries.
///
/// `Linear::new(secret)` with the default 60-second window
/// ([`DEFAULT_TOLERANCE`]); `.tolerance(..)` changes it (counted in whole
/// milliseconds, both directions); `.with_previous(secret)` adds a secret
/// still accepted during a rotation.
///
/// `sign_headers` sends `Linear-Signature`, `Linear-Timestamp` (copied from
/// the body's `webhookTimestamp`, as Linear sends it), and
/// `Linear-Delivery` / `Linear-Event` from the outgoing id and event; it
/// fails with [`Error::MalformedBody`] when the body lacks the timestamp.
pub type Linear = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `Linear-Signature` value Linear would send for `body`: 64
    /// lowercase hex digits. The body should carry a top-level
    /// `webhookTimestamp`, or it will not verify.
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
