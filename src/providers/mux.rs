//! Mux webhooks.
//!
//! Mux signs `{t}.{body}` with HMAC-SHA256 under the webhook's signing
//! secret (as typed) and sends `Mux-Signature: t=<UNIX seconds>,v1=<64
//! lowercase hex>`, with one `v1` per active secret while a secret is
//! rotated ([Verify webhook signatures](https://docs.mux.com/guides/listen-for-webhooks);
//! `@mux/mux-node` 15.3.0 `webhooks.verifySignature`).
//!
//! What hooksig accepts, following the SDK: elements split on `,` and not
//! trimmed (Mux sends no spaces; `t=…, v1=…` has no `v1`), exactly one
//! `t`, any matching `v1`, other keys ignored. `t` is signed exactly as
//! sent (the SDK re-prints the parsed integer, so a zero-padded `t=0123`
//! would verify there and not here; Mux never pads).
//!
//! **Not covered by the signature:** every other header. The event's id
//! and type are in the signed body: [`Delivery::id`](crate::Delivery::id) is
//! its top-level `id` and [`Delivery::event`](crate::Delivery::event) its
//! `type` (`video.asset.ready`, …).
//!
//! **Replay defence:** `t` must lie within **300 seconds** of the clock
//! ([`DEFAULT_TOLERANCE`], the SDK's default), inclusive. **hooksig also
//! refuses a `t` more than the tolerance in the future**, which the SDK
//! accepts (it bounds only the age): an unbounded future lets a captured
//! delivery be replayed later. Deduplicate on
//! [`Delivery::id`](crate::Delivery::id).
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{mux::Mux, Provider};
//!
//! let mux = Mux::new("mux-signing-secret")?;
//! let body = br#"{"type":"video.asset.ready","id":"3a56ac3d"}"#;
//! let header = mux.sign(1_767_225_596, body);
//! let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! let headers = [("Mux-Signature", header.as_str())];
//! let delivery = mux.verify_at(&headers, body, now)?;
//! assert_eq!(delivery.event(), Some("video.asset.ready"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature, Timestamp};

/// The signature header, `Mux-Signature`.
pub const SIGNATURE_HEADER: &str = "mux-signature";
/// The top-level member of the signed body read as the delivery id: `id`.
pub const ID_FIELD: &str = "id";
/// The top-level member of the signed body read as the event: `type`.
pub const EVENT_FIELD: &str = "type";
/// Mux's window: 300 seconds (hooksig: either way).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Mux's scheme, for [`Mux`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "mux";
    const TYPE_NAME: &'static str = "Mux";

    /// `Mux-Signature: t=<s>,v1=<hex>[,v1=…]` over `{t}.{body}`; id and
    /// type from the body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::list_static(
                SIGNATURE_HEADER,
                b',',
                "v1",
                Some("t"),
            ))
            .encoding(Encoding::HexLower)
            .content([Part::Timestamp, Part::literal("."), Part::Body])
            .timestamp(Timestamp::in_signature().tolerance(DEFAULT_TOLERANCE))
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
    }
}

/// Verifies and signs Mux webhook deliveries.
///
/// `Mux::new(secret)`, the signing secret as shown, with a 300-second
/// window ([`DEFAULT_TOLERANCE`]); `.tolerance(..)` changes it (whole
/// seconds, both directions); `.with_previous(..)` accepts the old secret
/// during a rotation. `sign_headers` sends `Mux-Signature` for the
/// outgoing body and time.
pub type Mux = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `Mux-Signature` value Mux would send for `body` at `unix_secs`:
    /// `t=<unix_secs>,v1=<64 lowercase hex>`.
    #[must_use]
    pub fn sign(&self, unix_secs: u64, body: &[u8]) -> String {
        let t = unix_secs.to_string();
        format!("t={t},v1={}", self.sign_mac(&[t.as_bytes(), b".", body]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Provider};
    use std::time::{SystemTime, UNIX_EPOCH};

    // tests/data/providers/mux.json "basic" (@mux/mux-node 15.3.0
    // webhooks.verifySignature, clock frozen).
    const SECRET: &str = "mux_webhook_signing_secret_0123456789abcdef";
    const BODY: &[u8] = br#"{"type":"video.asset.ready","object":{"type":"asset","id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002"},"id":"3a56ac3d-33da-4366-855b-f592d898409d","environment":{"name":"Production","id":"j0863n"},"data":{"status":"ready"},"created_at":"2026-01-01T00:00:00.000000Z","attempts":[],"accessor_source":null,"accessor":null,"request_id":null}"#;
    const V1: &str = "0ddc615922153ba4cca4a8419d08fe07ffec39dc0ba87d893149e2bf47581e43";
    const T: u64 = 1_767_225_596;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn verify(value: &str, now: u64) -> Result<(), Error> {
        Mux::new(SECRET)?
            .verify_at(&[("Mux-Signature", value)], BODY, at(now))
            .map(|_| ())
    }

    #[test]
    fn sdk_vector_and_rotation() {
        let header = format!("t={T},v1={V1}");
        assert_eq!(Mux::new(SECRET).unwrap().sign(T, BODY), header);
        assert_eq!(verify(&header, T + 4), Ok(()));
        let zeros = "0".repeat(64);
        assert_eq!(verify(&format!("t={T},v1={zeros},v1={V1}"), T), Ok(()));
        assert_eq!(verify(&format!("t={T},v1={V1},v1={zeros}"), T), Ok(()));
        assert_eq!(
            verify(&format!("t={T},v1={zeros}"), T),
            Err(Error::SignatureMismatch)
        );
        // Not trimmed, as the SDK reads it.
        assert!(matches!(
            verify(&format!("t={T}, v1={V1}"), T),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn window_is_three_hundred_seconds_both_ways() {
        let header = format!("t={T},v1={V1}");
        assert_eq!(verify(&header, T + 300), Ok(()));
        assert_eq!(verify(&header, T + 301), Err(Error::TimestampTooOld));
        assert_eq!(verify(&header, T - 301), Err(Error::TimestampInFuture));
    }
}
