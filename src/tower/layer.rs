//! [`VerifyLayer`], the middleware's configuration.

use std::fmt;
use std::sync::Arc;

use tower_layer::Layer;

use super::{Resolve, VerifyService};
use crate::clock::Clock;
use crate::dedup::DeliveryStore;
use crate::receiver::{Adapter, Receiver};
use crate::Provider;

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
        }
    }

    fn map(self, f: impl FnOnce(Receiver) -> Receiver) -> Self {
        let receiver = Arc::unwrap_or_clone(self.receiver);
        VerifyLayer {
            receiver: Arc::new(f(receiver)),
        }
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
        VerifyService::new(inner, Arc::clone(&self.receiver))
    }
}

impl fmt::Debug for VerifyLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("VerifyLayer").field(&self.receiver).finish()
    }
}
