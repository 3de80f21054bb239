//! [`VerifyLayer`], the middleware's configuration.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use tower_layer::Layer;

use super::{Resolve, VerifyService};
use crate::receiver::{Adapter, Receiver};
use crate::{Error, Provider};

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

    crate::receiver::receiver_options!(
        peer = "The peer address is read from the request extensions: axum's \
`ConnectInfo<SocketAddr>` (with hooksig's `axum` feature; serve the router \
with `into_make_service_with_connect_info::<SocketAddr>()`), a \
`std::net::SocketAddr` or a `std::net::IpAddr` (insert one per connection \
in a plain hyper server). With none of them every request is refused: the \
allow-list fails closed."
    );

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
