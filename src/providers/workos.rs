//! WorkOS webhooks.
//!
//! WorkOS signs `{t}.{body}` with HMAC-SHA256 under the endpoint's secret
//! (as typed) and sends `WorkOS-Signature: t=<UNIX milliseconds>,
//! v1=<64 lowercase hex>`, with a space after the comma
//! ([Webhooks](https://workos.com/docs/events/data-syncing/webhooks);
//! `workos` (PyPI) 10.8.0 `Webhooks.verify_header`, `@workos-inc/node`
//! 8.13.0). `t` is signed exactly as sent, in milliseconds.
//!
//! What hooksig accepts: the elements are split on `,` and trimmed, so
//! the header verifies with or without the space (the Node SDK accepts
//! both; the Python SDK requires the space); one `t` and any matching
//! `v1`.
//!
//! **Not covered by the signature:** every other header. The event's id
//! and name are in the signed body: [`Delivery::id`](crate::Delivery::id) is
//! its top-level `id` (`event_…`) and [`Delivery::event`](crate::Delivery::event)
//! its `event` (`user.created`, …).
//!
//! **Replay defence:** `t` must lie within **180 seconds** of the clock
//! ([`DEFAULT_TOLERANCE`], the SDKs' default), inclusive, compared in
//! whole milliseconds, in both directions (as the Python SDK checks; the
//! Node SDK bounds only the age). Deduplicate on
//! [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{workos::WorkOS, Provider};
//!
//! let workos = WorkOS::new("whsec_workos_endpoint_secret")?;
//! let body = br#"{"id":"event_01","event":"user.created","data":{}}"#;
//! let header = workos.sign(1_767_225_597_500, body);
//! assert!(header.starts_with("t=1767225597500, v1="));
//! let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! let headers = [("WorkOS-Signature", header.as_str())];
//! let delivery = workos.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.id(), Some("event_01"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature, Timestamp, Unit};
use crate::{Error, Outgoing};

/// The signature header, `WorkOS-Signature`.
pub const SIGNATURE_HEADER: &str = "workos-signature";
/// The top-level member of the signed body read as the delivery id: `id`.
pub const ID_FIELD: &str = "id";
/// The top-level member of the signed body read as the event: `event`.
pub const EVENT_FIELD: &str = "event";
/// WorkOS's window: 180 seconds either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(180);

/// WorkOS's scheme, for [`WorkOS`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "workos";
    const TYPE_NAME: &'static str = "WorkOS";

    /// `WorkOS-Signature: t=<ms>, v1=<hex>` (elements trimmed) over
    /// `{t}.{body}`; id and event from the body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::list_static(SIGNATURE_HEADER, b',', "v1", Some("t")).trim())
            .encoding(Encoding::HexLower)
            .content([Part::Timestamp, Part::literal("."), Part::Body])
            .timestamp(
                Timestamp::in_signature()
                    .unit(Unit::Millis)
                    .tolerance(DEFAULT_TOLERANCE),
            )
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
    }

    /// WorkOS writes a space after the comma.
    fn sign_extra(
        &self,
        _outgoing: &Outgoing<'_>,
        headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        let spaced = headers
            .get(SIGNATURE_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.replacen(",v1=", ", v1=", 1));
        if let Some(spaced) = spaced {
            crate::provider::insert(headers, SIGNATURE_HEADER, &spaced)?;
        }
        Ok(())
    }
}

/// Verifies and signs WorkOS webhook deliveries.
///
/// `WorkOS::new(secret)`, the endpoint's secret as shown (used as typed,
/// not decoded), with a 180-second window ([`DEFAULT_TOLERANCE`]);
/// `.tolerance(..)` changes it (whole milliseconds, both directions);
/// `.with_previous(..)` accepts an old secret. `sign_headers` sends
/// `WorkOS-Signature: t=<ms>, v1=<hex>` for the outgoing body and time.
pub type WorkOS = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `WorkOS-Signature` value WorkOS would send for `body` at
    /// `unix_millis`: `t=<unix_millis>, v1=<64 lowercase hex>`.
    #[must_use]
    pub fn sign(&self, unix_millis: u64, body: &[u8]) -> String {
        let t = unix_millis.to_string();
        format!("t={t}, v1={}", self.sign_mac(&[t.as_bytes(), b".", body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;
    use std::time::{SystemTime, UNIX_EPOCH};

    // tests/data/providers/workos.json "basic" (workos (PyPI) 10.8.0
    // Webhooks.verify_header, clock frozen).
    const SECRET: &str = "whsec_workos_endpoint_secret_0123456789";
    const BODY: &[u8] = br#"{"id":"event_01HV0000000000000000000000","data":{"id":"user_01HV0000000000000000000000","object":"user","email":"todd@example.com"},"event":"user.created","created_at":"2026-01-01T00:00:00.000Z"}"#;
    const SIG: &str =
        "t=1767225597500, v1=6946edee897dca6a3ffb4e3259504cc170dfcbf72067fdd51ed46d480a5f54df";

    fn at_ms(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn verify(value: &str, now_ms: u64) -> Result<(), Error> {
        WorkOS::new(SECRET)?
            .verify_at(&[("WorkOS-Signature", value)], BODY, at_ms(now_ms))
            .map(|_| ())
    }

    #[test]
    fn sdk_vector_verifies_with_or_without_the_space() {
        assert_eq!(
            WorkOS::new(SECRET).unwrap().sign(1_767_225_597_500, BODY),
            SIG
        );
        assert_eq!(verify(SIG, 1_767_225_600_000), Ok(()));
        assert_eq!(verify(&SIG.replace(", ", ","), 1_767_225_600_000), Ok(()));
        assert_eq!(verify(SIG, 1_767_225_597_500 + 180_000), Ok(()));
        assert_eq!(
            verify(SIG, 1_767_225_597_500 + 180_001),
            Err(Error::TimestampTooOld)
        );
        assert_eq!(
            verify(SIG, 1_767_225_597_500 - 180_001),
            Err(Error::TimestampInFuture)
        );
    }

    #[test]
    fn sign_headers_writes_the_space_and_reads_the_body() {
        let workos = WorkOS::new(SECRET).unwrap();
        let headers = workos
            .sign_headers(&Outgoing::new(BODY).at(at_ms(1_767_225_597_500)))
            .unwrap();
        assert_eq!(headers[SIGNATURE_HEADER], SIG);
        let delivery = workos
            .verify_at(&headers, BODY, at_ms(1_767_225_600_000))
            .unwrap();
        assert_eq!(delivery.id(), Some("event_01HV0000000000000000000000"));
        assert_eq!(delivery.event(), Some("user.created"));
    }
}
