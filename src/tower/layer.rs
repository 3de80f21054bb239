//! [`VerifyLayer`], the middleware's configuration.

use std::fmt;
use std::sync::Arc;

use tower_layer::Layer;

use super::{Resolve, VerifyService};
use crate::dedup::DeliveryStore;
use crate::Provider;

/// The default body limit: 2 MiB, as axum's default extractor limit.
///
/// GitHub caps payloads at 25 MB and drops larger events; raise the limit
/// with [`VerifyLayer::body_limit`] if you receive large `push` events.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Where the provider comes from.
#[derive(Clone)]
pub(crate) enum Source {
    Fixed(Arc<dyn Provider>),
    Resolver(Arc<dyn Resolve>),
}

/// The shared configuration of a layer and its services.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) source: Source,
    pub(crate) body_limit: usize,
    pub(crate) answer_pings: bool,
    pub(crate) store: Option<Arc<dyn DeliveryStore>>,
}

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
    config: Config,
}

impl VerifyLayer {
    /// Verifies every request with `provider` (a
    /// [`GitHub`](crate::github::GitHub), …, or an `Arc<dyn Provider>`).
    pub fn new(provider: impl Provider + 'static) -> Self {
        VerifyLayer::with_source(Source::Fixed(Arc::new(provider)))
    }

    /// Verifies each request with the provider `resolver` finds for it
    /// (per-organisation or per-repository secrets); see [`Resolve`] and
    /// [`PathTenants`](super::PathTenants).
    pub fn resolve(resolver: impl Resolve + 'static) -> Self {
        VerifyLayer::with_source(Source::Resolver(Arc::new(resolver)))
    }

    fn with_source(source: Source) -> Self {
        VerifyLayer {
            config: Config {
                source,
                body_limit: DEFAULT_BODY_LIMIT,
                answer_pings: false,
                store: None,
            },
        }
    }

    /// The largest body read, in bytes; a larger one is answered 413
    /// without buffering more than `bytes`. Defaults to 2 MiB
    /// ([`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// Answers a verified GitHub `ping` with 200 `{"status":"pong"}`
    /// without calling the inner service. Defaults to `false` (pings reach
    /// the handler like any event).
    pub fn answer_pings(mut self, answer: bool) -> Self {
        self.config.answer_pings = answer;
        self
    }

    /// Suppresses duplicate deliveries with `store` (a
    /// [`MemoryStore`](crate::dedup::MemoryStore), a `RedisStore`, or an
    /// `Arc` of one shared with other layers). Defaults to none: every
    /// verified delivery reaches the handler.
    pub fn dedup(mut self, store: impl DeliveryStore + 'static) -> Self {
        self.config.store = Some(Arc::new(store));
        self
    }
}

impl<S> Layer<S> for VerifyLayer {
    type Service = VerifyService<S>;

    fn layer(&self, inner: S) -> VerifyService<S> {
        VerifyService::new(inner, Arc::new(self.config.clone()))
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let provider = match &self.source {
            Source::Fixed(provider) => provider.name(),
            Source::Resolver(_) => "(resolver)",
        };
        f.debug_struct("VerifyLayer")
            .field("provider", &provider)
            .field("body_limit", &self.body_limit)
            .field("answer_pings", &self.answer_pings)
            .field("dedup", &self.store.is_some())
            .finish()
    }
}

impl fmt::Debug for VerifyLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.config, f)
    }
}
