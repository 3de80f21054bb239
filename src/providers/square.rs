//! Square webhooks.
//!
//! Square signs the subscription's **notification URL** followed by the
//! raw body (no separator) with HMAC-SHA256 under the subscription's
//! signature key (its UTF-8 bytes) and sends the padded base64 MAC in
//! `x-square-hmacsha256-signature`
//! ([Verify and validate an event notification](https://developer.squareup.com/docs/webhooks/step3validate);
//! `squareup` 46.0.0.20260916 `webhooks_helper.verify_signature`, npm
//! `square` 46.0.0 `WebhooksHelper`). The URL is signed byte for byte: no
//! port, slash or case normalisation, and a query string is part of it.
//! The legacy `x-square-signature` (HMAC-SHA1) is never read.
//!
//! **Which URL.** Square signs the notification URL configured for the
//! subscription, not whatever URL the request arrived at. Configure it
//! with [`Square::notification_url`] and hooksig signs exactly that
//! (recommended: a proxy, a rewrite or a changed `Host` cannot change what
//! is verified). Without it, hooksig signs the public URL of the request,
//! given with [`Incoming::url`](crate::Incoming::url), and verifying
//! without one (as `verify` and `verify_at` do) is a configuration error
//! (500), never a mismatch: configure the notification URL whenever the
//! request's public URL is not at hand.
//!
//! **Not covered by the signature:** every header, including
//! `square-environment` and the retry headers. The event's id and type
//! are in the signed body: [`Delivery::id`](crate::Delivery::id) is its
//! top-level `event_id` (Square's idempotency key) and
//! [`Delivery::event`](crate::Delivery::event) its `type`.
//!
//! **Replay defence:** none in the scheme (no signed timestamp). Square
//! retries for up to 24 hours: deduplicate on
//! [`Delivery::id`](crate::Delivery::id). An empty body is refused even
//! when its MAC matches, as Square's Python helper refuses it (Square never
//! sends one).
//!
//! ```
//! // The vector of square-nodejs-sdk test/utilities/webhooksHelper.test.ts.
//! use hooksig::{square::Square, Provider};
//!
//! let square = Square::new("signature-key")?.notification_url("https://webhook.site/webhooks")?;
//! let body = br#"{"data":{"type":"webhooks","id":"fake_id"}}"#;
//! let headers = [("x-square-hmacsha256-signature", "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=")];
//! square.verify(&headers, body)?;
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::SystemTime;

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Encoding, Id, Part, Scheme, Signature};
use crate::{Delivery, Error, Incoming};

/// The signature header, `x-square-hmacsha256-signature`.
pub const SIGNATURE_HEADER: &str = "x-square-hmacsha256-signature";
/// The top-level member of the signed body read as the delivery id:
/// `event_id`.
pub const ID_FIELD: &str = "event_id";
/// The top-level member of the signed body read as the event: `type`.
pub const EVENT_FIELD: &str = "type";

/// Square's scheme and quirks, for [`Square`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "square";
    const TYPE_NAME: &'static str = "Square";

    /// `x-square-hmacsha256-signature: <base64>` over URL ‖ body (the
    /// request's public URL until a notification URL is configured); id
    /// and type from the body.
    fn scheme() -> Scheme {
        Scheme::hmac_sha256()
            .signature(Signature::plain_static(SIGNATURE_HEADER, ""))
            .encoding(Encoding::Base64)
            .content([Part::Url, Part::Body])
            .id(Id::body_member(ID_FIELD))
            .event(Id::body_member(EVENT_FIELD))
    }

    /// An empty body is refused, as Square's Python helper refuses it.
    fn finish<'a>(
        &self,
        delivery: &mut Delivery<'a>,
        _incoming: &Incoming<'a>,
        _now: SystemTime,
    ) -> Result<(), Error> {
        if delivery.body().is_empty() {
            return Err(Error::MalformedBody("empty body"));
        }
        Ok(())
    }
}

/// Verifies and signs Square webhook deliveries.
///
/// `Square::new(signature_key)`, the subscription's signature key as
/// shown; `.notification_url(url)?` the URL configured for the
/// subscription, which is what Square signs; `.with_previous(..)` accepts
/// the old key after you replace it. No signed timestamp, so
/// [`Verifier::tolerance`] has no effect. `sign_headers` sends
/// `x-square-hmacsha256-signature`, over the notification URL (or, without
/// one, [`Outgoing::url`](crate::Outgoing::url)).
pub type Square = Verifier<Spec>;

impl Verifier<Spec> {
    /// Signs and verifies with `url`, the notification URL of the
    /// subscription exactly as configured in Square (scheme, host, any
    /// port, path and query), instead of the request's URL.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `url` is not an absolute `https://`
    /// or `http://` URL with a host, or holds whitespace, control
    /// characters or a `#` fragment (which is never sent, so never
    /// signed).
    pub fn notification_url(mut self, url: &str) -> Result<Self, Error> {
        check_url(url)?;
        self.scheme_mut().content = vec![Part::configured(url), Part::Body].into();
        Ok(self)
    }

    /// The `x-square-hmacsha256-signature` value Square would send for
    /// `body` to `notification_url`: the padded base64 MAC of
    /// `{notification_url}{body}`.
    #[must_use]
    pub fn sign(&self, notification_url: &str, body: &[u8]) -> String {
        self.sign_mac(&[notification_url.as_bytes(), body])
    }
}

fn check_url(url: &str) -> Result<(), Error> {
    let rest = ["https://", "http://"]
        .iter()
        .find_map(|scheme| {
            url.get(..scheme.len())
                .filter(|head| head.eq_ignore_ascii_case(scheme))
                .map(|_| &url[scheme.len()..])
        })
        .ok_or(Error::InvalidConfig(
            "a notification URL must start with `https://` or `http://`",
        ))?;
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') || host.contains('@') {
        return Err(Error::InvalidConfig(
            "a notification URL must name a host (without user information)",
        ));
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '#')
    {
        return Err(Error::InvalidConfig(
            "a notification URL must hold no whitespace, control characters or `#`",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Incoming, Outgoing, Provider};

    // square/square-nodejs-sdk test/utilities/webhooksHelper.test.ts,
    // re-checked with squareup (PyPI) 46.0.0.20260916
    // (tests/data/providers/published.json "webhooks-helper-2").
    const KEY: &str = "signature-key";
    const URL: &str = "https://webhook.site/webhooks";
    const BODY: &[u8] = br#"{"data":{"type":"webhooks","id":"fake_id"}}"#;
    const SIG: &str = "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=";

    #[test]
    fn published_vector_with_the_configured_url() {
        let square = Square::new(KEY).unwrap().notification_url(URL).unwrap();
        assert_eq!(square.sign(URL, BODY), SIG);
        let headers = [(SIGNATURE_HEADER, SIG)];
        assert!(square.verify(&headers, BODY).is_ok());
        // The configured URL wins over the one the request arrived at.
        let incoming = Incoming::new(&headers, BODY).url("https://internal:8080/hook");
        assert!(square.verify_incoming(&incoming, SystemTime::now()).is_ok());
        let other = Square::new(KEY)
            .unwrap()
            .notification_url("https://webhook.site/webhooks/")
            .unwrap();
        assert_eq!(
            other.verify(&headers, BODY).unwrap_err(),
            Error::SignatureMismatch
        );
    }

    #[test]
    fn without_a_configured_url_the_request_url_is_signed() {
        let square = Square::new(KEY).unwrap();
        let headers = [(SIGNATURE_HEADER, SIG)];
        assert!(matches!(
            square.verify(&headers, BODY),
            Err(Error::InvalidConfig(_))
        ));
        let incoming = Incoming::new(&headers, BODY).method("POST").url(URL);
        assert!(square.verify_incoming(&incoming, SystemTime::now()).is_ok());
        let signed = square.sign_headers(&Outgoing::new(BODY).url(URL)).unwrap();
        assert_eq!(signed[SIGNATURE_HEADER], SIG);
    }

    #[test]
    fn notification_urls_are_checked() {
        for bad in [
            "",
            "webhook.site/webhooks",
            "ftp://webhook.site/",
            "https://",
            "https:///path",
            "https://user@host/",
            "https://host/a b",
            "https://host/#frag",
            "https://host/\n",
        ] {
            assert!(
                matches!(
                    Square::new(KEY).unwrap().notification_url(bad),
                    Err(Error::InvalidConfig(_))
                ),
                "{bad:?}"
            );
        }
        for good in [
            URL,
            "http://localhost:8080/square?env=prod",
            "HTTPS://Example.com",
        ] {
            assert!(Square::new(KEY).unwrap().notification_url(good).is_ok());
        }
    }

    #[test]
    fn empty_body_is_refused_and_ids_come_from_the_body() {
        let square = Square::new(KEY).unwrap().notification_url(URL).unwrap();
        let empty = square.sign(URL, b"");
        assert_eq!(
            square
                .verify(&[(SIGNATURE_HEADER, empty.as_str())], b"")
                .unwrap_err(),
            Error::MalformedBody("empty body")
        );
        let body = br#"{"merchant_id":"M","type":"payment.updated","event_id":"e-1"}"#;
        let signature = square.sign(URL, body);
        let headers = [(SIGNATURE_HEADER, signature.as_str())];
        let delivery = square.verify(&headers, body).unwrap();
        assert_eq!(delivery.id(), Some("e-1"));
        assert_eq!(delivery.event(), Some("payment.updated"));
        assert_eq!(format!("{square:?}"), "Square { secrets: 1, .. }");
    }
}
