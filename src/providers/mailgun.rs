//! Mailgun webhooks.
//!
//! Mailgun puts its signature in the **body**, not in a header: a JSON
//! webhook carries `"signature": {"timestamp", "token", "signature"}`
//! beside `"event-data"`, where `signature` is hex HMAC-SHA256, under the
//! account's HTTP webhook signing key, of `{timestamp}{token}`
//! ([Securing webhooks](https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks)).
//! Legacy webhooks post the same three as top-level form fields
//! (`application/x-www-form-urlencoded`); both are read.
//!
//! What the signature does **not** cover: **the event data.** Mailgun
//! signs only the timestamp and the token, so a verified delivery proves
//! that Mailgun made *some* request with this token at this time, not that
//! the body's `event-data` is Mailgun's: anyone who captures one request
//! can send any event data with its signature. Treat the event data as a
//! hint and, where it matters, fetch the event from Mailgun's Events API
//! by its id. No header is covered either.
//!
//! Replay defence: the timestamp is signed but, by default, no window is
//! checked ([`Delivery::timestamp`] gives it), because Mailgun retries a
//! failed webhook for hours and does not document whether a retry is
//! signed afresh; `.tolerance(..)` sets one. [`Delivery::id`] is the
//! token, a random 50-character string unique to the request: Mailgun's
//! docs ask receivers to refuse a token seen before, which is what the
//! middleware's duplicate suppression does with it. [`Delivery::event`] is
//! not read (it is inside `event-data`, and unsigned).
//!
//! ```
//! use hooksig::{mailgun::Mailgun, Provider};
//!
//! let mailgun = Mailgun::new("key-mailgun-webhook-signing-key-0123")?;
//! let signature = mailgun.sign("1767225595", "c0ffee0123456789abcdef0123456789abcdef0123456789ab");
//! let body = format!(
//!     r#"{{"signature":{{"timestamp":"1767225595","token":"c0ffee0123456789abcdef0123456789abcdef0123456789ab","signature":"{signature}"}},"event-data":{{"event":"delivered"}}}}"#
//! );
//! let headers: [(&str, &str); 0] = [];
//! let delivery = mailgun.verify(&headers, body.as_bytes())?;
//! assert_eq!(delivery.id(), Some("c0ffee0123456789abcdef0123456789abcdef0123456789ab"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::{Duration, SystemTime};

use crate::delivery::Field;
use crate::engine::{sealed, Keys, Sender, Verifier};
use crate::json::{self, Kind, Value};
use crate::provider::Outgoing;
use crate::scheme::{Encoding, Scheme};
use crate::{time, Delivery, Error, Incoming};

/// The body member holding the signature, `signature` (JSON webhooks).
pub const SIGNATURE_FIELD: &str = "signature";

/// Mailgun's scheme and window, for [`Mailgun`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec {
    /// The window on the signed timestamp, once set.
    tolerance: Option<Duration>,
}

impl sealed::Sealed for Spec {}

/// The three signed fields of a body.
struct Fields<'a> {
    timestamp: &'a str,
    token: &'a str,
    signature: &'a str,
}

const MISSING: &str = "missing Mailgun's `signature` with `timestamp`, `token` and `signature`";

/// Reads them from a JSON body (`signature.{…}`), without allocating.
fn json_fields(body: &[u8]) -> Result<Fields<'_>, Error> {
    let malformed = |_| Error::MalformedBody(MISSING);
    let [Value::Raw(object)] =
        json::top_level(body, &[(SIGNATURE_FIELD, Kind::Object)]).map_err(malformed)?
    else {
        return Err(Error::MalformedBody(MISSING));
    };
    let wanted = [
        ("timestamp", Kind::Str),
        ("token", Kind::Str),
        ("signature", Kind::Str),
    ];
    match json::top_level(object.as_bytes(), &wanted).map_err(malformed)? {
        [Value::Str(timestamp), Value::Str(token), Value::Str(signature)] => Ok(Fields {
            timestamp,
            token,
            signature,
        }),
        _ => Err(Error::MalformedBody(MISSING)),
    }
}

/// Reads them from a legacy form body (`timestamp=…&token=…&signature=…`);
/// a repeated field is malformed.
fn form_fields(body: &[u8]) -> Result<Fields<'_>, Error> {
    let text = std::str::from_utf8(body).map_err(|_| Error::MalformedBody(MISSING))?;
    let mut found: [Option<&str>; 3] = [None; 3];
    for pair in text.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            "timestamp" => 0,
            "token" => 1,
            "signature" => 2,
            _ => continue,
        };
        if found[slot].replace(value).is_some() {
            return Err(Error::MalformedBody(
                "a Mailgun signature field appears more than once",
            ));
        }
    }
    match found {
        [Some(timestamp), Some(token), Some(signature)] => Ok(Fields {
            timestamp,
            token,
            signature,
        }),
        _ => Err(Error::MalformedBody(MISSING)),
    }
}

impl Sender for Spec {
    const NAME: &'static str = "mailgun";
    const TYPE_NAME: &'static str = "Mailgun";

    /// Unused by verification: the signature is in the body, read by
    /// [`Sender::verify`].
    fn scheme() -> Scheme {
        Scheme::hmac_sha256().encoding(Encoding::HexLower)
    }

    fn set_tolerance(&mut self, _scheme: &mut Scheme, tolerance: Duration) {
        self.tolerance = Some(tolerance);
    }

    fn reads_clock(&self) -> bool {
        self.tolerance.is_some()
    }

    fn verify<'a>(
        &self,
        keys: &Keys<'_>,
        _scheme: &Scheme,
        incoming: &Incoming<'a>,
        now: SystemTime,
    ) -> Option<Result<Delivery<'a>, Error>> {
        let body = incoming.body();
        let run = || {
            let json = body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'{');
            let fields = if json {
                json_fields(body)?
            } else {
                form_fields(body)?
            };
            let secs = time::parse_unix_secs(fields.timestamp.as_bytes()).ok_or(
                Error::MalformedBody("Mailgun's `timestamp` is not UNIX seconds (digits only)"),
            )?;
            if fields.token.is_empty() {
                return Err(Error::MalformedBody("Mailgun's `token` is empty"));
            }
            let parts: [&[u8]; 2] = [fields.timestamp.as_bytes(), fields.token.as_bytes()];
            keys.check(&parts, &[fields.signature.as_bytes()], Encoding::HexLower)
                .map_err(|_| {
                    Error::MalformedBody("Mailgun's `signature` is not 64 lowercase hex digits")
                })??;
            if let Some(tolerance) = self.tolerance {
                time::check_window_secs(secs, now, tolerance)?;
            }
            Ok(Delivery::new(Self::NAME, body, incoming.headers())
                .with_id(Field::Value(Some(fields.token)))
                .with_timestamp(time::from_unix_secs(secs)))
        };
        Some(run())
    }

    /// Mailgun signs in the body: there are no headers to send.
    fn sign_extra(
        &self,
        _outgoing: &Outgoing<'_>,
        _headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        Err(Error::InvalidConfig(
            "Mailgun signs in the body, not in headers: put `Mailgun::sign` in the body's `signature`",
        ))
    }
}

/// Verifies Mailgun webhooks (JSON, or legacy form posts).
///
/// `Mailgun::new(signing_key)`, the account's HTTP webhook signing key
/// (as text); `.with_previous(key)` keeps an old key during a rotation;
/// `.tolerance(..)` sets a window on the signed timestamp (none by
/// default, see the [module docs](self)).
///
/// Mailgun signs in the body, so `sign_headers` fails with
/// [`Error::InvalidConfig`]; build a test body with [`Mailgun::sign`].
pub type Mailgun = Verifier<Spec>;

impl Verifier<Spec> {
    /// The `signature` Mailgun would put beside `timestamp` and `token`:
    /// 64 lowercase hex digits of HMAC-SHA256 over `{timestamp}{token}`.
    #[must_use]
    pub fn sign(&self, timestamp: &str, token: &str) -> String {
        self.sign_mac(&[timestamp.as_bytes(), token.as_bytes()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;
    use std::time::{Duration, UNIX_EPOCH};

    // tests/data/providers/mailgun.json (stdlib HMAC from Mailgun's
    // documented scheme).
    const KEY: &str = "key-mailgun-webhook-signing-key-0123";
    const TOKEN: &str = "c0ffee0123456789abcdef0123456789abcdef0123456789ab";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn body(timestamp: &str, token: &str, signature: &str, data: &str) -> String {
        format!(
            r#"{{"signature":{{"timestamp":"{timestamp}","token":"{token}","signature":"{signature}"}},"event-data":{data}}}"#
        )
    }

    fn verify(mailgun: &Mailgun, body: &str, now: u64) -> Result<Option<String>, Error> {
        let headers: [(&str, &str); 0] = [];
        mailgun
            .verify_at(&headers, body.as_bytes(), at(now))
            .map(|d| d.id().map(str::to_owned))
    }

    #[test]
    fn json_and_form_bodies() {
        let mailgun = Mailgun::new(KEY).unwrap();
        let sig = mailgun.sign("1767225595", TOKEN);
        let json = body("1767225595", TOKEN, &sig, r#"{"event":"delivered"}"#);
        assert_eq!(
            verify(&mailgun, &json, 1_767_225_600),
            Ok(Some(TOKEN.to_owned()))
        );
        // The event data is not signed.
        let forged = body("1767225595", TOKEN, &sig, r#"{"event":"failed"}"#);
        assert!(verify(&mailgun, &forged, 1_767_225_600).is_ok());
        // The token and timestamp are.
        let other = body("1767225596", TOKEN, &sig, "{}");
        assert_eq!(verify(&mailgun, &other, 0), Err(Error::SignatureMismatch));
        let form = format!("timestamp=1767225595&token={TOKEN}&signature={sig}&event=delivered");
        assert_eq!(
            verify(&mailgun, &form, 1_767_225_600),
            Ok(Some(TOKEN.to_owned()))
        );
        let twice = format!("{form}&token=x");
        assert!(matches!(
            verify(&mailgun, &twice, 0),
            Err(Error::MalformedBody(_))
        ));
    }

    #[test]
    fn malformed_bodies_and_the_window() {
        let mailgun = Mailgun::new(KEY).unwrap();
        let sig = mailgun.sign("1767225595", TOKEN);
        for bad in [
            "{}".to_owned(),
            r#"{"signature":"x"}"#.to_owned(),
            r#"{"signature":{"timestamp":1767225595,"token":"t","signature":"s"}}"#.to_owned(),
            body("1767225595", TOKEN, &sig.to_uppercase(), "{}"),
            body("-1", TOKEN, &sig, "{}"),
            body("1767225595", "", &sig, "{}"),
            "timestamp=1&token=t".to_owned(),
            "{not json".to_owned(),
        ] {
            assert!(
                matches!(verify(&mailgun, &bad, 0), Err(Error::MalformedBody(_))),
                "{bad}"
            );
        }
        let json = body("1767225595", TOKEN, &sig, "{}");
        assert!(
            verify(&mailgun, &json, 2_000_000_000).is_ok(),
            "no window by default"
        );
        let windowed = Mailgun::new(KEY)
            .unwrap()
            .tolerance(Duration::from_secs(300));
        assert_eq!(
            verify(&windowed, &json, 1_767_225_595 + 301),
            Err(Error::TimestampTooOld)
        );
        assert!(verify(&windowed, &json, 1_767_225_600).is_ok());
        assert!(matches!(
            mailgun.sign_headers(&Outgoing::new(b"{}")),
            Err(Error::InvalidConfig(_))
        ));
        assert_eq!(format!("{mailgun:?}"), "Mailgun { secrets: 1, .. }");
    }
}
