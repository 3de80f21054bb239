//! [`VerifyLayer`], the middleware's configuration.

use std::fmt;
use std::sync::Arc;

use std::time::Duration;

use bytes::Bytes;
use tower_layer::Layer;

use super::{Resolve, VerifyService};
use crate::clock::Clock;
use crate::dedup::DeliveryStore;
use crate::receiver::{Adapter, ProxyHeader, Receiver};
use crate::{Delivery, Error, Provider};

/// A rejection hook, as [`VerifyLayer::on_reject`] keeps it.
pub(crate) type RejectFn = dyn Fn(&Error) -> http::Response<Bytes> + Send + Sync;

/// A tower [`Layer`] that verifies webhook deliveries before the inner
/// service sees them; see the [module docs](super) for what it does to
/// each request.
///
/// Build it once, from a provider or a resolver, and apply it with
/// axum's `Router::layer` / `route_layer` or `tower::ServiceBuilder`:
///
/// ```
/// use hooksig::{dedup::MemoryStore, linear::Linear, tower::VerifyLayer};
///
/// let layer = VerifyLayer::new(Linear::new("lin_wh_secret")?)
///     .body_limit(256 * 1024)
///     .dedup(MemoryStore::new());
/// # let _ = layer;
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct VerifyLayer {
    receiver: Arc<Receiver>,
    reject: Option<Arc<RejectFn>>,
}

impl VerifyLayer {
    /// Verifies every request with `provider` (a
    /// [`GitHub`](crate::github::GitHub), …, or an `Arc<dyn Provider>`).
    pub fn new(provider: impl Provider + 'static) -> Self {
        VerifyLayer::from_receiver(Receiver::new(provider))
    }

    /// Verifies each request with the provider `resolver` finds for it
    /// (per-organisation or per-repository secrets); see [`Resolve`] and
    /// [`PathTenants`](super::PathTenants).
    pub fn resolve(resolver: impl Resolve + 'static) -> Self {
        VerifyLayer::from_receiver(Receiver::resolve(resolver))
    }

    /// A layer running `receiver`, configured already (the same
    /// configuration can serve the actix and axum adapters).
    pub fn from_receiver(receiver: Receiver) -> Self {
        VerifyLayer {
            receiver: Arc::new(receiver.adapter(Adapter::Tower)),
            reject: None,
        }
    }

    fn map(self, f: impl FnOnce(Receiver) -> Receiver) -> Self {
        let receiver = Arc::unwrap_or_clone(self.receiver);
        VerifyLayer {
            receiver: Arc::new(f(receiver)),
            reject: self.reject,
        }
    }

    fn try_map(self, f: impl FnOnce(Receiver) -> Result<Receiver, Error>) -> Result<Self, Error> {
        let receiver = Arc::unwrap_or_clone(self.receiver);
        Ok(VerifyLayer {
            receiver: Arc::new(f(receiver)?),
            reject: self.reject,
        })
    }

    /// Accepts requests only from senders whose address is in `networks`
    /// (CIDR networks or plain addresses); others get 403 `sender_refused`
    /// before the body is read ([`Receiver::allow_senders`]). Defaults to
    /// every address.
    ///
    /// The peer address is read from the request extensions: axum's
    /// `ConnectInfo<SocketAddr>` (with hooksig's `axum` feature; serve the
    /// router with `into_make_service_with_connect_info::<SocketAddr>()`),
    /// a `std::net::SocketAddr` or a `std::net::IpAddr` (insert one per
    /// connection in a plain hyper server). With none of them every request
    /// is refused: the allow-list fails closed.
    ///
    /// ```
    /// use hooksig::{linear::{self, Linear}, tower::VerifyLayer};
    ///
    /// let layer = VerifyLayer::new(Linear::new("lin_wh_secret")?)
    ///     .allow_senders(linear::SENDER_IPS)?
    ///     .trusted_proxies(["10.0.0.0/8"])?;
    /// # let _ = layer;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidNetwork`] for an entry that is not an address or a
    /// network, [`Error::InvalidConfig`] for an empty list.
    pub fn allow_senders<I, S>(self, networks: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.try_map(|receiver| receiver.allow_senders(networks))
    }

    /// The proxies in front of this server, whose forwarding header gives
    /// the client address ([`Receiver::trusted_proxies`]). Defaults to
    /// none.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidNetwork`] for an entry that is not an address or a
    /// network.
    pub fn trusted_proxies<I, S>(self, networks: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.try_map(|receiver| receiver.trusted_proxies(networks))
    }

    /// Which header the trusted proxies write ([`Receiver::proxy_header`]).
    /// Defaults to [`ProxyHeader::Either`].
    pub fn proxy_header(self, header: ProxyHeader) -> Self {
        self.map(|receiver| receiver.proxy_header(header))
    }

    /// Skips a delivery while another with the same content key is pending
    /// or processing: 200 `{"status":"duplicate"}` without the handler
    /// ([`Receiver::dedup_key`]; needs a [`dedup`](VerifyLayer::dedup)
    /// store). Defaults to none.
    pub fn dedup_key<F>(self, key: F) -> Self
    where
        F: Fn(&Delivery<'_>) -> Option<String> + Send + Sync + 'static,
    {
        self.map(|receiver| receiver.dedup_key(key))
    }

    /// How long a content key is held at most
    /// ([`Receiver::dedup_key_ttl`]). Defaults to 1 hour.
    pub fn dedup_key_ttl(self, ttl: Duration) -> Self {
        self.map(|receiver| receiver.dedup_key_ttl(ttl))
    }

    /// Answers every rejection with `hook`'s response instead of the
    /// default (the error's [status](Error::status) and
    /// `{"error":"<kind>","message":"<words>"}`), in tower-http's style: a
    /// receiver chooses its own statuses and bodies (403 for a bad
    /// signature, an empty body, a header of its own).
    ///
    /// The hook sees the [`Error`], which never holds a secret or a MAC,
    /// and is called only for rejections: pongs, handshakes, duplicates and
    /// 202 `queued` are the receiver's answers, not errors. The error is
    /// inserted in the response's extensions, as by default. The
    /// delivery's `tracing` event reports the default status. Defaults to
    /// none.
    ///
    /// ```
    /// use hooksig::{github::GitHub, tower::VerifyLayer, Error};
    ///
    /// let layer = VerifyLayer::new(GitHub::new("webhook-secret")?).on_reject(|error: &Error| {
    ///     let status = match error.status().as_u16() {
    ///         401 => http::StatusCode::FORBIDDEN,
    ///         _ => error.status(),
    ///     };
    ///     http::Response::builder().status(status).body(error.kind()).unwrap()
    /// });
    /// # let _ = layer;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn on_reject<F, T>(mut self, hook: F) -> Self
    where
        F: Fn(&Error) -> http::Response<T> + Send + Sync + 'static,
        T: Into<Bytes>,
    {
        self.reject = Some(Arc::new(move |error: &Error| hook(error).map(Into::into)));
        self
    }

    /// The largest body read, in bytes; a larger one is answered 413
    /// without buffering more than `bytes`. Defaults to 2 MiB
    /// ([`DEFAULT_BODY_LIMIT`](super::DEFAULT_BODY_LIMIT)).
    pub fn body_limit(self, bytes: usize) -> Self {
        self.map(|receiver| receiver.body_limit(bytes))
    }

    /// Answers a verified GitHub `ping` with 200 `{"status":"pong"}`
    /// without calling the inner service. Defaults to `false` (pings reach
    /// the handler like any event).
    pub fn answer_pings(self, answer: bool) -> Self {
        self.map(|receiver| receiver.answer_pings(answer))
    }

    /// Suppresses duplicate deliveries with `store` (a
    /// [`MemoryStore`](crate::dedup::MemoryStore), a `RedisStore`, or an
    /// `Arc` of one shared with other layers). Defaults to none: every
    /// verified delivery reaches the handler.
    pub fn dedup(self, store: impl DeliveryStore + 'static) -> Self {
        self.map(|receiver| receiver.dedup(store))
    }

    /// Accepts verified deliveries into `inbox` and answers 202
    /// `{"status":"queued","id":"<key>"}` without calling the handler;
    /// duplicates get 200 `{"status":"duplicate"}`, an unreachable inbox
    /// 503 ([`Receiver::inbox`]). Defaults to none.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    pub fn inbox(self, inbox: impl crate::inbox::Inbox + 'static) -> Self {
        self.map(|receiver| receiver.inbox(inbox))
    }

    /// Where the middleware reads the time ([`Receiver::clock`]). Defaults
    /// to [`SystemClock`](crate::SystemClock).
    pub fn clock(self, clock: impl Clock + 'static) -> Self {
        self.map(|receiver| receiver.clock(clock))
    }

    /// The public base URL the sender posts to, used behind a proxy by
    /// schemes that sign the URL ([`Receiver::public_url`]). Defaults to
    /// none (`https://` + `Host`).
    pub fn public_url(self, base: impl Into<Arc<str>>) -> Self {
        self.map(|receiver| receiver.public_url(base))
    }

    /// The receiver this layer runs.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }
}

impl<S> Layer<S> for VerifyLayer {
    type Service = VerifyService<S>;

    fn layer(&self, inner: S) -> VerifyService<S> {
        VerifyService::new(inner, Arc::clone(&self.receiver), self.reject.clone())
    }
}

impl fmt::Debug for VerifyLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyLayer")
            .field("receiver", &self.receiver)
            .field("on_reject", &self.reject.is_some())
            .finish()
    }
}
