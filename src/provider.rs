//! The [`Provider`] trait every webhook scheme implements, and [`Outgoing`],
//! what a provider signs.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::{Delivery, Error, Headers};

/// A webhook signature scheme with its secrets: verifies incoming
/// deliveries and signs outgoing ones.
///
/// Object safe, so a server can pick the scheme at run time and hold an
/// `Arc<dyn Provider>`:
///
/// ```
/// use std::sync::Arc;
/// use hooksig::{github::GitHub, linear::Linear, Provider};
///
/// let providers: Vec<Arc<dyn Provider>> = vec![
///     Arc::new(GitHub::new("gh-secret")?),
///     Arc::new(Linear::new("lin_wh_secret")?),
/// ];
/// assert_eq!(providers[0].name(), "github");
/// # Ok::<(), hooksig::Error>(())
/// ```
pub trait Provider: Send + Sync + fmt::Debug {
    /// The provider's name: `"github"`, `"linear"`, `"notify"`, `"generic"`,
    /// `"standard-webhooks"`, `"stripe"`, `"slack"`, `"shopify"`.
    fn name(&self) -> &'static str;

    /// Verifies a delivery against the clock reading `now`.
    ///
    /// `body` must be the exact bytes received, before any parsing. The MAC
    /// is computed over them with each accepted secret and compared in
    /// constant time; a signed timestamp, where the scheme has one, is
    /// checked against `now` only after the MAC matched. No heap memory is
    /// allocated.
    ///
    /// # Errors
    ///
    /// A missing, repeated or malformed signature header (400), a signature
    /// mismatch (401), a signed timestamp outside the tolerance (401), or a
    /// signed body lacking a field the scheme requires (400). See
    /// [`Error::status`].
    fn verify_at<'a>(
        &self,
        headers: &'a dyn Headers,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error>;

    /// [`verify_at`](Provider::verify_at) with the system clock.
    ///
    /// # Errors
    ///
    /// As [`verify_at`](Provider::verify_at).
    fn verify<'a>(&self, headers: &'a dyn Headers, body: &'a [u8]) -> Result<Delivery<'a>, Error> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// The headers the provider's real sender attaches to `outgoing`: the
    /// signature, and the id, event and timestamp headers where the scheme
    /// has them. Use it to test receivers end to end, or to send webhooks.
    ///
    /// ```
    /// use hooksig::{github::GitHub, Outgoing, Provider};
    ///
    /// let github = GitHub::new("secret")?;
    /// let body = br#"{"action":"opened"}"#;
    /// let headers = github.sign_headers(&Outgoing::new(body).id("d-1").event("issues"))?;
    /// let delivery = github.verify(&headers, body)?;
    /// assert_eq!(delivery.event(), Some("issues"));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when an id or event cannot be sent as a
    /// header value, or [`Error::MalformedBody`] when the scheme signs a
    /// field of the body that `outgoing`'s body lacks (Linear's
    /// `webhookTimestamp`).
    fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error>;
}

macro_rules! forward_provider {
    ($($ty:ty),*) => {$(
        impl<P: Provider + ?Sized> Provider for $ty {
            fn name(&self) -> &'static str {
                (**self).name()
            }
            fn verify_at<'a>(
                &self,
                headers: &'a dyn Headers,
                body: &'a [u8],
                now: SystemTime,
            ) -> Result<Delivery<'a>, Error> {
                (**self).verify_at(headers, body, now)
            }
            fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
                (**self).sign_headers(outgoing)
            }
        }
    )*};
}

forward_provider!(&P, Box<P>, Arc<P>);

/// A delivery to sign: the body, and the id, event and time a sender would
/// attach to it.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let outgoing = hooksig::Outgoing::new(b"{}")
///     .id("72d3162e-cc78-11e3-81ab-4c9367dc0958")
///     .event("push")
///     .at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// # let _ = outgoing;
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct Outgoing<'a> {
    pub(crate) body: &'a [u8],
    pub(crate) id: Option<&'a str>,
    pub(crate) event: Option<&'a str>,
    pub(crate) timestamp: SystemTime,
}

impl<'a> Outgoing<'a> {
    /// A delivery of `body`, timestamped now, with no id or event.
    pub fn new(body: &'a [u8]) -> Self {
        Outgoing {
            body,
            id: None,
            event: None,
            timestamp: SystemTime::now(),
        }
    }

    /// Sets the delivery id. Defaults to none (no id header is sent).
    pub fn id(mut self, id: &'a str) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the event name. Defaults to none (no event header is sent).
    pub fn event(mut self, event: &'a str) -> Self {
        self.event = Some(event);
        self
    }

    /// Sets the signing time, for schemes that sign one. Defaults to the
    /// time [`Outgoing::new`] was called.
    pub fn at(mut self, timestamp: SystemTime) -> Self {
        self.timestamp = timestamp;
        self
    }
}

/// Adds `value` under `name` to a signed header map.
pub(crate) fn insert(headers: &mut http::HeaderMap, name: &str, value: &str) -> Result<(), Error> {
    let name = http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidConfig("header name is not a valid HTTP field name"))?;
    let value = http::HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidConfig("value cannot be sent as a header value"))?;
    headers.insert(name, value);
    Ok(())
}

/// The id and event headers of `outgoing`, where the scheme names them.
pub(crate) fn insert_metadata(
    headers: &mut http::HeaderMap,
    outgoing: &Outgoing<'_>,
    id_header: &'static str,
    event_header: &'static str,
) -> Result<(), Error> {
    if let Some(id) = outgoing.id {
        insert(headers, id_header, id)?;
    }
    if let Some(event) = outgoing.event {
        insert(headers, event_header, event)?;
    }
    Ok(())
}
