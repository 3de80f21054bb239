//! The [`Provider`] trait every webhook scheme implements, and [`Outgoing`],
//! what a provider signs.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::{Delivery, Error, Headers, Incoming, Reply};

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

    /// Verifies a request against the clock reading `now`: the general
    /// form, for schemes that sign the request's method or URL as well as
    /// its headers and body.
    ///
    /// The body must be the exact bytes received, before any parsing. The
    /// MAC is computed over the signed content with each accepted secret
    /// and compared in constant time (a public-key signature is verified
    /// with each accepted key); a signed timestamp, where the scheme has
    /// one, is checked against `now` only after the signature matched. No
    /// heap memory is allocated.
    ///
    /// # Errors
    ///
    /// A missing, repeated or malformed signature header (400), a signature
    /// mismatch (401), a signed timestamp outside the tolerance (401), a
    /// signed body lacking a field the scheme requires (400), or
    /// [`Error::InvalidConfig`] (500) when the scheme signs the method or
    /// URL and `incoming` lacks it. See [`Error::status`].
    fn verify_incoming<'a>(
        &self,
        incoming: &Incoming<'a>,
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error>;

    /// Verifies the `headers` and `body` of a delivery against the clock
    /// reading `now`: [`verify_incoming`](Provider::verify_incoming) with
    /// no method or URL.
    ///
    /// # Errors
    ///
    /// As [`verify_incoming`](Provider::verify_incoming).
    fn verify_at<'a>(
        &self,
        headers: &'a dyn Headers,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Delivery<'a>, Error> {
        self.verify_incoming(&Incoming::new(headers, body), now)
    }

    /// [`verify_at`](Provider::verify_at) with the system clock, which is
    /// read only when the scheme checks a signed timestamp
    /// ([`reads_clock`](Provider::reads_clock)): GitHub's verification
    /// never reads it, so it works where there is no clock.
    ///
    /// # Errors
    ///
    /// As [`verify_at`](Provider::verify_at).
    fn verify<'a>(&self, headers: &'a dyn Headers, body: &'a [u8]) -> Result<Delivery<'a>, Error> {
        let now = if self.reads_clock() {
            SystemTime::now()
        } else {
            // Never compared with anything: the scheme checks no time.
            std::time::UNIX_EPOCH
        };
        self.verify_at(headers, body, now)
    }

    /// Whether verification compares a signed timestamp with the clock.
    /// Defaults to `true`; the built-in providers answer for their scheme.
    fn reads_clock(&self) -> bool {
        true
    }

    /// Whether the scheme signs the request's method, URL or path, so a
    /// receiver must build the public URL for
    /// [`verify_incoming`](Provider::verify_incoming). Defaults to `true`
    /// (a receiver then always passes it); the built-in providers answer
    /// for their scheme, so GitHub's receivers build no URL.
    fn signs_request(&self) -> bool {
        true
    }

    /// Answers an unsigned GET challenge (Meta's `hub.challenge`,
    /// Dropbox's `challenge`) when the provider is configured for one and
    /// `incoming` is one; `None` otherwise, and always for providers
    /// without one. An unverified value is never echoed by a provider that
    /// was not configured for it.
    ///
    /// # Errors
    ///
    /// The inner result is an error when the challenge is refused (a
    /// verify token that does not match: 401; a value that is not a safe
    /// token: 400).
    fn challenge(&self, incoming: &Incoming<'_>) -> Option<Result<Reply, Error>> {
        let _ = incoming;
        None
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
    /// header value, or the scheme signs something `outgoing` lacks (an
    /// id, the URL), or [`Error::MalformedBody`] when the scheme signs a
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
            fn verify_incoming<'a>(
                &self,
                incoming: &Incoming<'a>,
                now: SystemTime,
            ) -> Result<Delivery<'a>, Error> {
                (**self).verify_incoming(incoming, now)
            }
            fn verify_at<'a>(
                &self,
                headers: &'a dyn Headers,
                body: &'a [u8],
                now: SystemTime,
            ) -> Result<Delivery<'a>, Error> {
                (**self).verify_at(headers, body, now)
            }
            fn verify<'a>(&self, headers: &'a dyn Headers, body: &'a [u8]) -> Result<Delivery<'a>, Error> {
                (**self).verify(headers, body)
            }
            fn reads_clock(&self) -> bool {
                (**self).reads_clock()
            }
            fn signs_request(&self) -> bool {
                (**self).signs_request()
            }
            fn challenge(&self, incoming: &Incoming<'_>) -> Option<Result<Reply, Error>> {
                (**self).challenge(incoming)
            }
            fn sign_headers(&self, outgoing: &Outgoing<'_>) -> Result<http::HeaderMap, Error> {
                (**self).sign_headers(outgoing)
            }
        }
    )*};
}

forward_provider!(&P, Box<P>, Arc<P>);

/// A delivery to sign: the body, and the id, event, time, method and URL a
/// sender would attach to it.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let outgoing = hooksig::Outgoing::new(b"{}")
///     .id("72d3162e-cc78-11e3-81ab-4c9367dc0958")
///     .event("push")
///     .at(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
///     .method("POST")
///     .url("https://example.com/hook");
/// # let _ = outgoing;
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct Outgoing<'a> {
    pub(crate) body: &'a [u8],
    pub(crate) id: Option<&'a str>,
    pub(crate) event: Option<&'a str>,
    pub(crate) timestamp: Option<SystemTime>,
    pub(crate) method: Option<&'a str>,
    pub(crate) url: Option<&'a str>,
    pub(crate) headers: &'a [(&'a str, &'a str)],
}

impl<'a> Outgoing<'a> {
    /// A delivery of `body`, with no id, event, method or URL, signed at
    /// the time it is signed.
    pub fn new(body: &'a [u8]) -> Self {
        Outgoing {
            body,
            id: None,
            event: None,
            timestamp: None,
            method: None,
            url: None,
            headers: &[],
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
    /// system clock when [`Provider::sign_headers`] runs (it is read only
    /// by schemes that sign a time, so set it where there is no clock).
    pub fn at(mut self, timestamp: SystemTime) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// Sets the request method, for schemes that sign it. Defaults to
    /// none.
    pub fn method(mut self, method: &'a str) -> Self {
        self.method = Some(method);
        self
    }

    /// Sets the public URL the delivery is sent to, for schemes that sign
    /// it. Defaults to none.
    pub fn url(mut self, url: &'a str) -> Self {
        self.url = Some(url);
        self
    }

    /// Further headers to send, and to sign where the scheme signs a
    /// header by name. Defaults to none.
    pub fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }

    /// The body to sign.
    #[must_use]
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The signing time: the one set, or the system clock now.
    pub(crate) fn time(&self) -> SystemTime {
        self.timestamp.unwrap_or_else(SystemTime::now)
    }

    /// The value of a header set with [`Outgoing::headers`].
    pub(crate) fn header_value(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_bytes())
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
