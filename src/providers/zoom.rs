//! Zoom webhooks (event subscriptions of Zoom apps).
//!
//! Zoom signs `v0:{x-zm-request-timestamp}:{body}` with HMAC-SHA256 under
//! the app's **secret token** (its UTF-8 bytes) and sends
//! `x-zm-signature: v0=<64 lowercase hex>`
//! ([Using webhooks: verify webhook events](https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events)).
//!
//! What hooksig accepts:
//! - exactly one `x-zm-signature`, `v0=` and 64 lowercase hex digits;
//! - exactly one `x-zm-request-timestamp`, UNIX seconds.
//!
//! What the signature does **not** cover: every header but the timestamp.
//!
//! Replay defence: the timestamp is signed, and hooksig refuses one more
//! than 5 minutes from the clock in either direction ([`DEFAULT_TOLERANCE`],
//! the window Slack uses for the same scheme; Zoom documents none, and its
//! sample checks none: `.tolerance(..)` widens it). Zoom carries no
//! delivery id; [`Delivery::event`] is the body's `event`
//! (`meeting.started`), read when asked for.
//!
//! Handshake: Zoom validates the URL when it is saved and every 72 hours
//! with a signed `endpoint.url_validation` event, and expects
//! `200 application/json` `{"plainToken": p, "encryptedToken": hex
//! HMAC-SHA256(secret token, p)}`. [`Delivery::reply`] gives exactly that.
//! The reply needs the key, which a `Delivery` never holds: so the MAC of
//! `plainToken` is computed on the verify path, but only for a body of at
//! most 4 KiB that contains `endpoint.url_validation` (a validation event
//! is about 120 bytes); every other delivery pays one bounded byte search.
//! A `plainToken` that is not a plain token (quotes, markup, over 1024
//! characters) gets no reply.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{zoom::Zoom, Outgoing, Provider};
//!
//! let zoom = Zoom::new("zoom_secret_token_0123456789")?;
//! let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1767225600000,"event":"endpoint.url_validation"}"#;
//! let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! let headers = zoom.sign_headers(&Outgoing::new(body).at(at))?;
//! let reply = zoom.verify_at(&headers, body, at)?.reply().expect("a validation");
//! assert_eq!(
//!     reply.body(),
//!     br#"{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"50a89ffb84f615fb4b3374bbf1d27632785835ad2e4a0ed59a73c959eb827cfb"}"#
//! );
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::{Duration, SystemTime};

use crate::delivery::{echoable, ReplyPlan};
use crate::engine::{sealed, Keys, Sender, Verifier};
use crate::json::{self, Kind, Value};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature, Timestamp};
use crate::{Delivery, Error, Incoming, Reply};

/// The signature header, `x-zm-signature` (`v0=<hex>`).
pub const SIGNATURE_HEADER: &str = "x-zm-signature";
/// The signed timestamp header, `x-zm-request-timestamp` (UNIX seconds).
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";
/// The body member that is the event, `event`.
pub const EVENT_FIELD: &str = "event";
/// The event of Zoom's URL validation.
pub const URL_VALIDATION: &str = "endpoint.url_validation";
/// hooksig's window for Zoom: 5 minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// The largest body searched for a URL validation.
const VALIDATION_MAX: usize = 4096;

/// Zoom's scheme and URL validation, for [`Zoom`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

/// The `plainToken` of a URL validation body, if it is one.
fn plain_token(body: &[u8]) -> Option<&str> {
    let wanted = [(EVENT_FIELD, Kind::Str), ("payload", Kind::Object)];
    let [Value::Str(URL_VALIDATION), Value::Raw(payload)] = json::top_level(body, &wanted).ok()?
    else {
        return None;
    };
    match json::top_level(payload.as_bytes(), &[("plainToken", Kind::Str)]).ok()? {
        [Value::Str(token)] if echoable(token) => Some(token),
        _ => None,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // A SIMD substring search: this runs on every Zoom delivery.
    memchr::memmem::find(haystack, needle).is_some()
}

/// The reply to a URL validation, from the tag computed while verifying.
fn validation_reply(delivery: &Delivery<'_>, tag: &[u8; 32]) -> Option<Reply> {
    let token = plain_token(delivery.body())?;
    let body = format!(
        r#"{{"plainToken":"{token}","encryptedToken":"{}"}}"#,
        hex::encode(tag)
    );
    Some(Reply::new(
        http::StatusCode::OK,
        Some("application/json"),
        body.into_bytes(),
    ))
}

impl Sender for Spec {
    const NAME: &'static str = "zoom";
    const TYPE_NAME: &'static str = "Zoom";

    /// `x-zm-signature: v0=<hex>` over `v0:{timestamp}:{body}`.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, "v0="))
            .encoding(Encoding::HexLower)
            .content([
                Part::literal("v0:"),
                Part::Timestamp,
                Part::literal(":"),
                Part::Body,
            ])
            .timestamp(Timestamp::header_static(TIMESTAMP_HEADER).tolerance(DEFAULT_TOLERANCE))
            .event(Id::body_member(EVENT_FIELD))
    }

    fn finish_with_keys<'a>(
        &self,
        keys: &Keys<'_>,
        delivery: &mut Delivery<'a>,
        _incoming: &Incoming<'a>,
        _now: SystemTime,
    ) -> Result<(), Error> {
        let body = delivery.body();
        if body.len() > VALIDATION_MAX || !contains(body, URL_VALIDATION.as_bytes()) {
            return Ok(());
        }
        let tag = plain_token(body).and_then(|token| keys.sign_sha256(&[token.as_bytes()]));
        if let Some(tag) = tag {
            delivery.set_reply(ReplyPlan::Keyed {
                tag,
                build: validation_reply,
            });
        }
        Ok(())
    }
}

/// Verifies and signs Zoom webhook events.
///
/// `Zoom::new(secret_token)`, the app's secret token as shown (used as
/// text), with a 5-minute window ([`DEFAULT_TOLERANCE`]);
/// `.with_previous(token)` keeps an old secret token during a rotation
/// (the URL validation is answered with the current one).
///
/// `sign_headers` sends `x-zm-signature` and `x-zm-request-timestamp` (the
/// outgoing time, whole seconds), as Zoom does.
pub type Zoom = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `x-zm-signature` value Zoom would send for `body` at
    /// `unix_secs`: `v0=` and 64 lowercase hex digits.
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
    use crate::Provider;
    use std::time::UNIX_EPOCH;

    // tests/data/providers/zoom.json (stdlib HMAC from Zoom's documented scheme).
    const SECRET: &str = "zoom_secret_token_0123456789";
    const BODY: &str = r#"{"event":"meeting.started","payload":{"account_id":"AAAA","object":{"id":"1234567890","uuid":"abc=="}},"event_ts":1767225599000}"#;
    const SIG: &str = "v0=1fbff529fdea514f107d498c28e9213d19da9ad4a03e4120130a56e3d6fb8e5c";
    const VALIDATION: &str = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1767225600000,"event":"endpoint.url_validation"}"#;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// The event and reply of a verified request.
    type Seen = (Option<String>, Option<Reply>);

    fn check(signature: &str, ts: &str, body: &str, now: u64) -> Result<Seen, Error> {
        let headers = [
            ("x-zm-signature", signature),
            ("x-zm-request-timestamp", ts),
        ];
        let zoom = Zoom::new(SECRET)?;
        let delivery = zoom.verify_at(&headers, body.as_bytes(), at(now))?;
        Ok((delivery.event().map(str::to_owned), delivery.reply()))
    }

    #[test]
    fn recorded_vector_verifies_and_signs() {
        // zoom.json "basic".
        let (event, reply) = check(SIG, "1767225598", BODY, 1_767_225_600).unwrap();
        assert_eq!(event.as_deref(), Some("meeting.started"));
        assert!(reply.is_none());
        assert_eq!(
            Zoom::new(SECRET)
                .unwrap()
                .sign(1_767_225_598, BODY.as_bytes()),
            SIG
        );
        // zoom.json "timestamp-changed", "tampered-body".
        assert_eq!(
            check(SIG, "1767225599", BODY, 1_767_225_600).unwrap_err(),
            Error::SignatureMismatch
        );
        assert_eq!(
            check(SIG, "1767225598", &BODY.replace('}', "]"), 1_767_225_600).unwrap_err(),
            Error::SignatureMismatch
        );
        assert_eq!(
            check(SIG, "1767225598", BODY, 1_767_225_598 + 301).unwrap_err(),
            Error::TimestampTooOld
        );
        assert!(matches!(
            check(&SIG.to_uppercase(), "1767225598", BODY, 1_767_225_600),
            Err(Error::MalformedHeader { .. })
        ));
    }

    #[test]
    fn url_validation_is_answered_with_the_encrypted_token() {
        // zoom.json "url-validation": expected_response.
        let sig = "v0=3e9e7856ce1b8a7a238903474811334207aef66e2c659f6175c0281f7b3a5868";
        let (_, reply) = check(sig, "1767225600", VALIDATION, 1_767_225_600).unwrap();
        let reply = reply.unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.content_type(), Some("application/json"));
        let json: serde_json::Value = serde_json::from_slice(reply.body()).unwrap();
        assert_eq!(json["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
        assert_eq!(
            json["encryptedToken"],
            "50a89ffb84f615fb4b3374bbf1d27632785835ad2e4a0ed59a73c959eb827cfb"
        );
    }

    #[test]
    fn only_plain_tokens_are_echoed() {
        let zoom = Zoom::new(SECRET).unwrap();
        for body in [
            r#"{"payload":{"plainToken":"<script>"},"event":"endpoint.url_validation"}"#,
            r#"{"payload":{"plainToken":""},"event":"endpoint.url_validation"}"#,
            r#"{"payload":{"plainToken":1},"event":"endpoint.url_validation"}"#,
            r#"{"payload":{},"event":"endpoint.url_validation"}"#,
            r#"{"payload":{"plainToken":"a"},"event":"meeting.started","x":"endpoint.url_validation"}"#,
        ] {
            let sig = zoom.sign(1_767_225_600, body.as_bytes());
            let headers = [
                ("x-zm-signature", sig.as_str()),
                ("x-zm-request-timestamp", "1767225600"),
            ];
            let delivery = zoom
                .verify_at(&headers, body.as_bytes(), at(1_767_225_600))
                .unwrap();
            assert!(delivery.reply().is_none(), "{body}");
        }
        assert_eq!(
            format!("{zoom:?}"),
            "Zoom { secrets: 1, tolerance: 300s, .. }"
        );
    }
}
