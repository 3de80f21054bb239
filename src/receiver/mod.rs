//! The framework-neutral request path: [`Receiver`] takes a request's
//! method, target, headers and body from any web framework and runs every
//! step between the socket and the handler. The adapters
//! ([`tower`](crate::tower), `actix`, `axum`) are thin layers over it.
//!
//! For each request [`Receiver::prepare`]:
//!
//! 1. refuses, from the head alone ([`Receiver::screen`]), a sender whose
//!    address is not [allowed](Receiver::allow_senders) (403; read from a
//!    [trusted proxy](Receiver::trusted_proxies)'s forwarding header when
//!    the peer is one), then a `Content-Length` above the
//!    [body limit](Receiver::body_limit) (413), before reading anything;
//! 2. picks the provider: the one given to [`Receiver::new`], or the one a
//!    [`Resolve`]r finds from the request's [`Head`] (unknown tenant → 404,
//!    disabled → 403, lookup failure → 503);
//! 3. reads the body, at most the limit (past it → 413);
//! 4. verifies the exact bytes against the injected [`Clock`]'s time
//!    (failure → 400 or 401, see [`Error::status`](crate::Error::status));
//! 5. answers GitHub `ping` itself with 200 `{"status":"pong"}` when
//!    [`answer_pings`](Receiver::answer_pings) is on;
//! 6. with a [`DeliveryStore`] ([`dedup`](Receiver::dedup)), claims the
//!    [`store_key`]: a delivery already processed gets 200
//!    `{"status":"duplicate"}`, one whose twin is being processed gets 409
//!    `in_flight`, a store failure 503;
//! 7. with a [content key](Receiver::dedup_key), claims it too: while
//!    another delivery holds it, 200 `{"status":"duplicate"}`.
//!
//! With an [`inbox`](Receiver::inbox), steps 6 and 7 become: claim the
//! content key, accept into the inbox, answer 202.
//!
//! It then returns either an [`Answer`] to send as it is (a rejection, a
//! pong, a duplicate) or an [`Accepted`] delivery: the adapter calls the
//! handler with its [`VerifiedDelivery`] and body and reports the
//! handler's status to [`Accepted::finish`], which completes the claim on
//! a 2xx and releases it otherwise, and emits the one `tracing` event.
//! Dropping an `Accepted` unfinished abandons the claim (a cancelled
//! request's retry is processed).
//!
//! Every rejection's body is `{"error":"<kind>","message":"<words>"}`
//! ([`Error::kind`](crate::Error::kind) and its `Display`, never a secret
//! or a MAC), the same in every adapter, unless the middleware has a
//! rejection hook ([`VerifyLayer::on_reject`](crate::tower::VerifyLayer::on_reject),
//! the actix `Verify::on_reject`).
//!
//! Nothing here reads the system clock: wall time and elapsed time come
//! from the receiver's [`Clock`] ([`SystemClock`] by default).
//!
//! With the `tracing` feature, one event per delivery, with the fields
//! `provider`, `tenant`, `delivery_id`, `event`, `outcome`, `status` and
//! `latency_us` (never the body or a secret), under the adapter's target:
//! `hooksig::tower`, `hooksig::axum`, `hooksig::actix`, or
//! `hooksig::receiver` when called directly. An [`Accepted`] dropped
//! without [`finish`](Accepted::finish) emits none.
//!
//! Calling it directly, for a framework without an adapter:
//!
//! ```
//! use bytes::Bytes;
//! use hooksig::receiver::{read_bytes, Head, Receiver, Step};
//! use hooksig::{github::GitHub, Outgoing, Provider};
//!
//! # async fn run() -> Result<(), hooksig::Error> {
//! let github = GitHub::new("webhook-secret")?;
//! let body = Bytes::from_static(br#"{"zen":"hi"}"#);
//! let headers = github.sign_headers(&Outgoing::new(&body).id("d-1").event("push"))?;
//!
//! let receiver = Receiver::new(github);
//! let head = Head::new("POST", "/webhooks/github", &headers);
//! match receiver.prepare(&head, read_bytes(body)).await {
//!     Step::Answer(answer) => { /* send answer.status(), answer.body() */ }
//!     Step::Handle(accepted) => {
//!         println!("{:?}", accepted.delivery().id());
//!         accepted.finish(http::StatusCode::OK).await;
//!     }
//! }
//! # Ok(()) }
//! ```

#[cfg(any(feature = "tower", feature = "actix"))]
mod options;
mod resolve;
mod senders;
mod verified;

#[cfg(any(feature = "tower", feature = "axum"))]
pub(crate) mod http_body;

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;

#[cfg(any(feature = "tower", feature = "actix"))]
pub(crate) use options::receiver_options;
pub use resolve::{PathTenants, Resolution, Resolve, Tenant};
pub use senders::ProxyHeader;
pub use verified::{HandlerStatus, Rejection, Verified};

use senders::{Networks, SenderPolicy};

use crate::clock::{Clock, SystemClock};
#[cfg(feature = "inbox")]
use crate::dedup::Claimed;
use crate::dedup::{content_store_key, store_key, Claim, ClaimGuard, DeliveryStore};
use crate::{Delivery, Error, Headers, Incoming, Lookup, Provider};

/// The default body limit: 2 MiB, as axum's default extractor limit.
///
/// GitHub caps payloads at 25 MB and drops larger events; raise the limit
/// with [`Receiver::body_limit`] if you receive large `push` events.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// GitHub's payload cap, 25 MB: the body limit to set when a GitHub
/// endpoint must accept every event GitHub sends.
pub const GITHUB_BODY_LIMIT: usize = 25 * 1024 * 1024;

/// The head of a request, as every framework can give it: the method, the
/// request target (path and query, as received) and the headers.
///
/// `H` is the framework's header type, so the receiver's futures are `Send`
/// exactly when its headers are `Sync`; a [`Resolve`]r sees it as
/// `Head<'_, dyn Headers>` (the default).
pub struct Head<'a, H: ?Sized = dyn Headers + 'a> {
    method: &'a str,
    target: &'a str,
    headers: &'a H,
    peer: Option<IpAddr>,
}

impl<'a, H: ?Sized> Head<'a, H> {
    /// A request's head: `method` (`"POST"`), `target` (the path and query,
    /// `"/webhooks/github?x=1"`) and `headers`, without a peer address.
    pub fn new(method: &'a str, target: &'a str, headers: &'a H) -> Self {
        Head {
            method,
            target,
            headers,
            peer: None,
        }
    }

    /// The address of the connection's peer (the TCP client: the sender,
    /// or the proxy in front of you), which a
    /// [sender allow-list](Receiver::allow_senders) checks. Without one,
    /// a receiver with an allow-list refuses the request (403: fail
    /// closed).
    ///
    /// ```
    /// use hooksig::receiver::Head;
    ///
    /// let headers: [(&str, &str); 0] = [];
    /// let head = Head::new("POST", "/hooks", &headers).with_peer(Some("192.0.2.1".parse().unwrap()));
    /// assert_eq!(head.peer(), Some("192.0.2.1".parse().unwrap()));
    /// ```
    pub fn with_peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }

    /// The peer address, if the adapter knew it ([`Head::with_peer`]).
    #[must_use]
    pub fn peer(&self) -> Option<IpAddr> {
        self.peer
    }

    /// The method, as sent (`"POST"`).
    #[must_use]
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The request target: path and query, as received.
    #[must_use]
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The path: the target without its query.
    #[must_use]
    pub fn path(&self) -> &'a str {
        self.target
            .split_once('?')
            .map_or(self.target, |(path, _)| path)
    }

    /// The headers.
    #[must_use]
    pub fn headers(&self) -> &'a H {
        self.headers
    }
}

impl<'a, H: Headers> Head<'a, H> {
    /// The same head over `dyn Headers`, as a [`Resolve`]r takes it.
    #[must_use]
    pub fn erased(&self) -> Head<'a, dyn Headers + 'a> {
        Head {
            method: self.method,
            target: self.target,
            headers: self.headers,
            peer: self.peer,
        }
    }
}

impl<'a> Head<'a, http::HeaderMap> {
    /// The head of an `http` 1 request, its [peer](Head::peer) read from
    /// the request extensions: axum's `ConnectInfo<SocketAddr>` (with the
    /// `axum` feature; axum records it when served with
    /// `into_make_service_with_connect_info::<SocketAddr>()`), else a
    /// [`std::net::SocketAddr`], else a [`std::net::IpAddr`] (insert one in
    /// a hyper server's per-connection service). None of them: no peer.
    #[must_use]
    pub fn from_parts(parts: &'a http::request::Parts) -> Self {
        Head::new(parts.method.as_str(), target(&parts.uri), &parts.headers)
            .with_peer(peer_in(&parts.extensions))
    }
}

/// The request target (path and query) of an `http` 1 URI.
pub(crate) fn target(uri: &http::Uri) -> &str {
    uri.path_and_query().map_or("/", |target| target.as_str())
}

/// The peer address an `http` 1 request's extensions carry; see
/// [`Head::from_parts`].
pub(crate) fn peer_in(extensions: &http::Extensions) -> Option<IpAddr> {
    #[cfg(feature = "axum")]
    if let Some(info) = extensions.get::<::axum::extract::ConnectInfo<std::net::SocketAddr>>() {
        return Some(info.0.ip());
    }
    extensions
        .get::<std::net::SocketAddr>()
        .map(std::net::SocketAddr::ip)
        .or_else(|| extensions.get::<IpAddr>().copied())
}

impl<H: ?Sized> fmt::Debug for Head<'_, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may hold signatures: not printed.
        f.debug_struct("Head")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

/// Where the provider comes from.
#[derive(Clone)]
enum Source {
    Fixed(Arc<dyn Provider>),
    Resolver(Arc<dyn Resolve>),
}

/// The provider chosen for a request: the receiver's own, borrowed, or the
/// one a resolver found.
enum Chosen<'a> {
    Fixed(&'a dyn Provider),
    Found(Arc<dyn Provider>),
}

impl Chosen<'_> {
    fn get(&self) -> &dyn Provider {
        match self {
            Chosen::Fixed(provider) => *provider,
            Chosen::Found(provider) => &**provider,
        }
    }
}

/// Which adapter runs the receiver: names the `tracing` event's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) enum Adapter {
    Receiver,
    #[cfg(feature = "tower")]
    Tower,
    #[cfg(feature = "actix")]
    Actix,
    #[cfg(feature = "axum")]
    Axum,
}

/// The framework-neutral receiver: the configuration every adapter shares
/// ([`VerifyLayer`](crate::tower::VerifyLayer) and the others are built
/// from one), and the request path, [`prepare`](Receiver::prepare).
///
/// Cheap to clone (the provider, resolver, store and clock are shared).
///
/// ```
/// use hooksig::{dedup::MemoryStore, github::GitHub, receiver::Receiver};
///
/// let receiver = Receiver::new(GitHub::new("webhook-secret")?)
///     .answer_pings(true)
///     .body_limit(hooksig::receiver::GITHUB_BODY_LIMIT)
///     .dedup(MemoryStore::new());
/// # let _ = receiver;
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct Receiver {
    // One shared allocation: an adapter or an extractor clones the
    // receiver per request (axum's `FromRef`) for one atomic increment.
    config: Arc<Config>,
    adapter: Adapter,
}

/// A receiver's options, shared by its clones.
#[derive(Clone)]
struct Config {
    source: Source,
    body_limit: usize,
    answer_pings: bool,
    store: Option<Arc<dyn DeliveryStore>>,
    clock: Arc<dyn Clock>,
    public_url: Option<Arc<str>>,
    senders: Option<Arc<SenderPolicy>>,
    content_key: Option<Arc<KeyFn>>,
    content_ttl: Duration,
    #[cfg(feature = "inbox")]
    inbox: Option<Arc<dyn crate::inbox::Inbox>>,
    #[cfg(feature = "inbox")]
    kept_headers: Arc<[Box<str>]>,
}

/// The content-key function a [`Receiver::dedup_key`] takes.
type KeyFn = dyn Fn(&Delivery<'_>) -> Option<String> + Send + Sync;

/// How long a content key ([`Receiver::dedup_key`]) is held by default: 1
/// hour.
pub const DEFAULT_DEDUP_KEY_TTL: Duration = Duration::from_secs(60 * 60);

impl Receiver {
    /// Verifies every request with `provider` (a
    /// [`GitHub`](crate::github::GitHub), …, or an `Arc<dyn Provider>`).
    pub fn new(provider: impl Provider + 'static) -> Self {
        Receiver::with_source(Source::Fixed(Arc::new(provider)))
    }

    /// Verifies each request with the provider `resolver` finds for it
    /// (per-organisation or per-repository secrets); see [`Resolve`] and
    /// [`PathTenants`].
    pub fn resolve(resolver: impl Resolve + 'static) -> Self {
        Receiver::with_source(Source::Resolver(Arc::new(resolver)))
    }

    fn with_source(source: Source) -> Self {
        Receiver {
            config: Arc::new(Config {
                source,
                body_limit: DEFAULT_BODY_LIMIT,
                answer_pings: false,
                store: None,
                clock: Arc::new(SystemClock),
                public_url: None,
                senders: None,
                content_key: None,
                content_ttl: DEFAULT_DEDUP_KEY_TTL,
                #[cfg(feature = "inbox")]
                inbox: None,
                #[cfg(feature = "inbox")]
                kept_headers: crate::inbox::DEFAULT_KEPT_HEADERS
                    .iter()
                    .map(|name| Box::from(*name))
                    .collect(),
            }),
            adapter: Adapter::Receiver,
        }
    }

    /// The largest body read, in bytes; a larger one is answered 413
    /// without buffering more than `bytes`. Defaults to 2 MiB
    /// ([`DEFAULT_BODY_LIMIT`]); GitHub sends up to 25 MB
    /// ([`GITHUB_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.config).body_limit = bytes;
        self
    }

    /// Answers a verified GitHub `ping` with 200 `{"status":"pong"}`
    /// without calling the handler. Defaults to `false` (pings reach the
    /// handler like any event).
    pub fn answer_pings(mut self, answer: bool) -> Self {
        Arc::make_mut(&mut self.config).answer_pings = answer;
        self
    }

    /// Suppresses duplicate deliveries with `store` (a
    /// [`MemoryStore`](crate::dedup::MemoryStore), a `RedisStore`, or an
    /// `Arc` of one shared with other receivers). Defaults to none: every
    /// verified delivery reaches the handler.
    pub fn dedup(mut self, store: impl DeliveryStore + 'static) -> Self {
        Arc::make_mut(&mut self.config).store = Some(Arc::new(store));
        self
    }

    /// Where the receiver reads the time: wall time for replay windows,
    /// monotonic time for the latency it reports. Defaults to
    /// [`SystemClock`]; inject one on targets without a system clock
    /// (`wasm32-unknown-unknown`) or in tests. A
    /// [`MemoryStore`](crate::dedup::MemoryStore) has its own
    /// ([`MemoryStore::clock`](crate::dedup::MemoryStore::clock)).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        Arc::make_mut(&mut self.config).clock = Arc::new(clock);
        self
    }

    /// The public base URL the sender posts to (`https://hooks.example.com`),
    /// for schemes that sign the URL: behind a proxy or a load balancer the
    /// request the server sees has another host, scheme or path prefix.
    /// [`url`](Receiver::url) appends the request target to it. Defaults to
    /// none: the URL is rebuilt from the `Host` header, assuming `https`.
    pub fn public_url(mut self, base: impl Into<Arc<str>>) -> Self {
        let base: Arc<str> = base.into();
        Arc::make_mut(&mut self.config).public_url = Some(Arc::from(base.trim_end_matches('/')));
        self
    }

    /// Accepts requests only from senders whose address is in `networks`
    /// (CIDR networks such as `"192.0.2.0/24"` or `"2001:db8::/32"`, or plain
    /// addresses, taken as `/32` and `/128`), for senders that publish
    /// theirs ([`linear::SENDER_IPS`](crate::linear::SENDER_IPS)). Any
    /// other sender gets 403 `sender_refused` before its body is read and
    /// before any tenant lookup. Defaults to none: every address.
    ///
    /// The address is the connection's peer ([`Head::peer`]); behind a
    /// proxy or a load balancer, declare it with
    /// [`trusted_proxies`](Receiver::trusted_proxies) so that the client
    /// address is read from the header it writes. IPv4-mapped IPv6 peers
    /// (`::ffff:192.0.2.1`, from a dual-stack socket) match IPv4 entries.
    /// A request whose address cannot be known (an adapter that could not
    /// give the peer, a Unix socket, an `unknown` or obfuscated `Forwarded`
    /// hop) is refused: the allow-list fails closed.
    ///
    /// An allow-list is a second factor, never a replacement for the
    /// signature: every request is still verified.
    ///
    /// ```
    /// use hooksig::{linear::{self, Linear}, receiver::Receiver};
    ///
    /// let receiver = Receiver::new(Linear::new("lin_wh_secret")?)
    ///     .allow_senders(linear::SENDER_IPS)?
    ///     .trusted_proxies(["10.0.0.0/8"])?;
    /// # let _ = receiver;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidNetwork`] naming the first entry that is neither an
    /// address nor a network, and [`Error::InvalidConfig`] for an empty
    /// list (which would refuse every sender).
    pub fn allow_senders<I, S>(mut self, networks: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let networks = Networks::parse(networks)?;
        if networks.is_empty() {
            return Err(Error::InvalidConfig(
                "allow_senders: an empty list would refuse every sender",
            ));
        }
        self.sender_policy(|policy| policy.allow = Some(networks));
        Ok(self)
    }

    /// The proxies and load balancers in front of this server, as CIDR
    /// networks or addresses. When the connection's peer is one of them,
    /// the client address is read from the header they write
    /// ([`proxy_header`](Receiver::proxy_header): `Forwarded` or
    /// `X-Forwarded-For`, every line in order): the right-most hop that
    /// is not itself trusted, so that the hops a client wrote itself,
    /// left of your proxies', are never believed. When every hop is
    /// trusted, the left-most is the client. A request from a peer that is
    /// not trusted is judged by the peer's address alone, whatever its
    /// headers say. Defaults to none (the headers are never read).
    ///
    /// A forwarding header that a trusted proxy sent but that cannot be
    /// read (not an address, a broken quoted string, more than 64 hops) is
    /// answered 400 `malformed_header`, never guessed at. Trust only
    /// proxies that write (append to, or replace) the header: a trusted
    /// proxy that passes a client's header through unchanged lets the
    /// client choose its address.
    ///
    /// Only an [allow-list](Receiver::allow_senders) uses the address.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidNetwork`] naming the first entry that is neither an
    /// address nor a network.
    pub fn trusted_proxies<I, S>(mut self, networks: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let networks = Networks::parse(networks)?;
        self.sender_policy(|policy| policy.trusted = networks);
        Ok(self)
    }

    /// Which header the [trusted proxies](Receiver::trusted_proxies) write
    /// the client address into. Defaults to [`ProxyHeader::Either`]:
    /// whichever one the request carries, and 400 when it carries both
    /// (one of them did not come from your proxy). Choose one when your
    /// proxies write both.
    pub fn proxy_header(mut self, header: ProxyHeader) -> Self {
        self.sender_policy(|policy| policy.header = header);
        self
    }

    fn sender_policy(&mut self, change: impl FnOnce(&mut SenderPolicy)) {
        let config = Arc::make_mut(&mut self.config);
        let mut policy = config.senders.as_deref().cloned().unwrap_or_default();
        change(&mut policy);
        config.senders = Some(Arc::new(policy));
    }

    /// Suppresses a delivery while another with the same content key is
    /// pending or being processed: `key` computes the key from the
    /// verified [`Delivery`] (its provider, id, event, body and
    /// [`json`](Delivery::json)), or `None` for a delivery it does not
    /// apply to. A second delivery whose key is held gets 200
    /// `{"status":"duplicate"}` without the handler (its sender does not
    /// retry it: it is skipped on purpose, as Nectr skips a review for a
    /// pull request that already has one pending); its own delivery id is
    /// recorded as processed, so its redelivery is a duplicate too.
    /// Defaults to none.
    ///
    /// The key is claimed in the [`dedup`](Receiver::dedup) store, under
    /// [`content_store_key`] (namespaced by
    /// provider and tenant, never equal to a delivery id's key), after the
    /// delivery id's own claim. It is released when the handler finishes,
    /// whatever its status: it coalesces concurrent work, it does not
    /// remember finished work (the delivery id's claim does that). A claim
    /// whose handler never finishes (the process died) expires after the
    /// [`dedup_key_ttl`](Receiver::dedup_key_ttl).
    ///
    /// With an [`inbox`](Receiver::inbox) the receiver cannot see when the
    /// worker finishes: the key is claimed when the delivery is queued and
    /// held for the whole TTL ("one per key per hour"); it is released at
    /// once when the inbox answers duplicate or fails.
    ///
    /// Without a `dedup` store, a delivery is answered 500
    /// `invalid_config` (a content key has nowhere to be held).
    ///
    /// ```
    /// use hooksig::{dedup::MemoryStore, github::GitHub, receiver::Receiver};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Event { pull_request: Option<PullRequest> }
    /// #[derive(serde::Deserialize)]
    /// struct PullRequest { number: u64 }
    ///
    /// let receiver = Receiver::new(GitHub::new("webhook-secret")?)
    ///     .dedup(MemoryStore::new())
    ///     .dedup_key(|delivery| {
    ///         let event: Event = delivery.json().ok()?;
    ///         Some(format!("pr-{}", event.pull_request?.number))
    ///     });
    /// # let _ = receiver;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn dedup_key<F>(mut self, key: F) -> Self
    where
        F: Fn(&Delivery<'_>) -> Option<String> + Send + Sync + 'static,
    {
        Arc::make_mut(&mut self.config).content_key = Some(Arc::new(key));
        self
    }

    /// How long a content key ([`dedup_key`](Receiver::dedup_key)) is held
    /// at most: the in-flight TTL of its claim, whatever the store's own.
    /// Defaults to 1 hour ([`DEFAULT_DEDUP_KEY_TTL`]); without a
    /// `dedup_key` it does nothing. A store of your own that does not
    /// implement [`DeliveryStore::claim_for`] uses its in-flight TTL.
    pub fn dedup_key_ttl(mut self, ttl: Duration) -> Self {
        Arc::make_mut(&mut self.config).content_ttl = ttl;
        self
    }

    /// Accepts verified deliveries into `inbox` and answers 202
    /// `{"status":"queued","id":"<key>"}` once it is durable, without
    /// calling the handler; a [`Worker`](crate::inbox::Worker) processes
    /// them later. A delivery whose key is already in the inbox gets 200
    /// `{"status":"duplicate"}`, and an inbox that cannot be reached 503
    /// `inbox_unavailable` (never a 2xx: the sender retries). Handshakes
    /// and pings are still answered as without an inbox. The inbox
    /// suppresses duplicates itself: a [`dedup`](Receiver::dedup) store is
    /// not consulted. See [`crate::inbox`]. Defaults to none (the handler
    /// runs inside the request).
    ///
    /// The key is the [`store_key`] of the delivery id; a delivery without
    /// an id is keyed by the SHA-256 of its signed timestamp and body.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    pub fn inbox(mut self, inbox: impl crate::inbox::Inbox + 'static) -> Self {
        Arc::make_mut(&mut self.config).inbox = Some(Arc::new(inbox));
        self
    }

    /// The request headers an inbox [`Envelope`](crate::inbox::Envelope)
    /// keeps, by name (case-insensitive). A name containing `signature` or
    /// `token`, and `authorization`, is never kept whatever this list says.
    /// Defaults to [`DEFAULT_KEPT_HEADERS`](crate::inbox::DEFAULT_KEPT_HEADERS).
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    pub fn inbox_headers<I, N>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: AsRef<str>,
    {
        Arc::make_mut(&mut self.config).kept_headers = names
            .into_iter()
            .map(|name| name.as_ref().to_ascii_lowercase())
            .filter(|name| !crate::inbox::is_secret_header(name))
            .map(Box::from)
            .collect();
        self
    }

    #[cfg_attr(
        not(any(feature = "tower", feature = "actix", feature = "axum")),
        allow(dead_code)
    )]
    pub(crate) fn adapter(mut self, adapter: Adapter) -> Self {
        self.adapter = adapter;
        self
    }

    /// The configured body limit.
    #[must_use]
    pub fn limit(&self) -> usize {
        self.config.body_limit
    }

    /// The URL the sender signed, for schemes that sign it: the
    /// [`public_url`](Receiver::public_url) base and the request target,
    /// or, without a base, `https://` + the `Host` header + the target.
    /// `None` when there is neither a base nor a `Host` header.
    #[must_use]
    pub fn url<H: Headers + ?Sized>(&self, head: &Head<'_, H>) -> Option<String> {
        match &self.config.public_url {
            Some(base) => Some(format!("{base}{}", head.target())),
            None => match head.headers().lookup("host") {
                Lookup::One(host) => {
                    let host = std::str::from_utf8(host).ok()?;
                    Some(format!("https://{host}{}", head.target()))
                }
                Lookup::Missing | Lookup::Repeated => None,
            },
        }
    }

    /// The 413 answer for a request whose `Content-Length` is above the
    /// limit, decided from the headers alone; `None` otherwise. Adapters
    /// call it to refuse such a request before setting anything up
    /// ([`prepare`](Receiver::prepare) checks it too).
    #[must_use]
    pub fn declared_too_large<H: Headers + ?Sized>(&self, headers: &H) -> Option<Answer> {
        let declared = match headers.content_length() {
            Lookup::One(value) => std::str::from_utf8(value)
                .ok()?
                .trim()
                .parse::<u64>()
                .ok()?,
            Lookup::Missing | Lookup::Repeated => return None,
        };
        if declared <= self.config.body_limit as u64 {
            return None;
        }
        let error = Error::BodyTooLarge {
            limit: self.config.body_limit,
        };
        let report = Report::new(self.adapter, &*self.config.clock);
        Some(report.reject(&*self.config.clock, error, About::NONE))
    }

    /// What is decided from the request's head alone, before anything is
    /// read: a sender the [allow-list](Receiver::allow_senders) refuses
    /// (403, or 400 for an unreadable forwarding header from a trusted
    /// proxy), then a `Content-Length` above the body limit (413).
    /// [`prepare`](Receiver::prepare) runs it first; an adapter may call
    /// it before it even sets the body aside, as the tower layer does.
    /// Without an allow-list it neither allocates nor reads a header
    /// beyond `Content-Length`.
    #[must_use]
    pub fn screen<H: Headers + ?Sized>(&self, head: &Head<'_, H>) -> Option<Answer> {
        if let Some(policy) = &self.config.senders {
            if let Err(error) = policy.check(head.peer(), head.headers()) {
                let report = Report::new(self.adapter, &*self.config.clock);
                return Some(report.reject(&*self.config.clock, error, About::NONE));
            }
        }
        self.declared_too_large(head.headers())
    }

    /// Runs the request path up to the handler; see the [module docs](self).
    ///
    /// `read` reads the body: called at most once, after the tenant is
    /// resolved, with the body limit; it must fail with
    /// [`Error::BodyTooLarge`] past it and [`Error::BodyUnreadable`] when
    /// the connection fails. [`read_bytes`] adapts a body already in memory.
    pub async fn prepare<H, R, F>(&self, head: &Head<'_, H>, read: R) -> Step
    where
        H: Headers,
        R: FnOnce(usize) -> F,
        F: Future<Output = Result<Bytes, Error>>,
    {
        if let Some(answer) = self.screen(head) {
            return Step::Answer(answer);
        }
        self.prepare_screened(head, read).await
    }

    /// [`prepare`](Receiver::prepare) for an adapter that has
    /// [`screen`](Receiver::screen)ed the head already: every step after it.
    pub(crate) async fn prepare_screened<H, R, F>(&self, head: &Head<'_, H>, read: R) -> Step
    where
        H: Headers,
        R: FnOnce(usize) -> F,
        F: Future<Output = Result<Bytes, Error>>,
    {
        let clock = &*self.config.clock;
        let mut report = Report::new(self.adapter, clock);
        // The provider, scoped: not kept in this future past verification.
        let (body, delivery, content) = {
            let (provider, tenant) = match &self.config.source {
                Source::Fixed(provider) => (Chosen::Fixed(&**provider), None),
                Source::Resolver(resolver) => match {
                    // The erased head (`dyn Headers`, not `Sync`) must not live
                    // across the await, or the future would not be `Send`.
                    let lookup = resolver.resolve(&head.erased());
                    lookup
                }
                .await
                {
                    Resolution::Found(tenant) => {
                        (Chosen::Found(tenant.provider), Some(tenant.name))
                    }
                    Resolution::Unknown => {
                        return Step::Answer(report.reject(
                            clock,
                            Error::UnknownTenant,
                            About::NONE,
                        ))
                    }
                    Resolution::Disabled => {
                        return Step::Answer(report.reject(
                            clock,
                            Error::DisabledTenant,
                            About::NONE,
                        ))
                    }
                    Resolution::Unavailable => {
                        return Step::Answer(report.reject(
                            clock,
                            Error::ResolverUnavailable,
                            About::NONE,
                        ))
                    }
                },
            };
            report.provider = Some(provider.get().name());

            let body = match read(self.config.body_limit).await {
                Ok(body) => body,
                Err(error) => {
                    return Step::Answer(report.reject(
                        clock,
                        error,
                        About::tenant(tenant.as_deref()),
                    ))
                }
            };
            match self.verify_body(head, provider.get(), tenant, &body, &report) {
                Ok((delivery, content)) => (body, delivery, content),
                Err(answer) => return Step::Answer(answer),
            }
        };

        #[cfg(feature = "inbox")]
        if let Some(inbox) = &self.config.inbox {
            // Boxed: only a receiver with an inbox carries its state (an
            // envelope), and the inbox's write outweighs the allocation.
            let queued =
                Box::pin(self.queue(&**inbox, head.headers(), delivery, body, content, report));
            return Step::Answer(queued.await);
        }

        // The claims are awaited here, not in a helper taking the delivery
        // by value: each async call would keep its own copy of what it is
        // given, and this future (the one every adapter boxes or awaits)
        // would grow by them.
        let Some(store) = &self.config.store else {
            // Nothing to claim (a content key needs a store: refused by
            // `verify_body`), so nothing to wait for.
            return Step::Handle(Accepted {
                delivery,
                body,
                guard: None,
                content_guard: None,
                report,
                clock: Arc::clone(&self.config.clock),
            });
        };
        let guard = match &delivery.id {
            Some(id) => {
                let key = store_key(delivery.provider, delivery.tenant.as_deref(), id.as_str());
                let claimed = store.claim(&key).await;
                match claimed {
                    Ok(Claim::Acquired(token)) => {
                        Some(ClaimGuard::new(Arc::clone(store), key, token))
                    }
                    Ok(Claim::Done) => {
                        return Step::Answer(report.answer(
                            clock,
                            Answer::json(StatusCode::OK, b"{\"status\":\"duplicate\"}"),
                            Outcome::Duplicate,
                            About::of(&delivery),
                        ))
                    }
                    Ok(Claim::InFlight) => {
                        return Step::Answer(report.reject(
                            clock,
                            Error::InFlight,
                            About::of(&delivery),
                        ))
                    }
                    Err(error) => {
                        return Step::Answer(report.reject(clock, error, About::of(&delivery)))
                    }
                }
            }
            None => None,
        };

        // The content key, after the delivery's own claim: a retry of a
        // delivery in flight is told 409 (it must not be lost), another
        // delivery with the same content is skipped.
        let content_guard = match content {
            None => None,
            Some(key) => {
                let claimed = store.claim_for(&key, self.config.content_ttl).await;
                match claimed {
                    Ok(Claim::Acquired(token)) => {
                        Some(Box::new(ClaimGuard::new(Arc::clone(store), key, token)))
                    }
                    Ok(Claim::Done | Claim::InFlight) => {
                        // Answered 200: the skipped delivery is settled as
                        // done, so its redelivery is a duplicate too.
                        if let Some(mut guard) = guard {
                            let _ = guard.settle_in_place(true).await;
                        }
                        return Step::Answer(report.answer(
                            clock,
                            Answer::json(StatusCode::OK, b"{\"status\":\"duplicate\"}"),
                            Outcome::Duplicate,
                            About::of(&delivery),
                        ));
                    }
                    Err(error) => {
                        if let Some(mut guard) = guard {
                            let _ = guard.settle_in_place(false).await;
                        }
                        return Step::Answer(report.reject(clock, error, About::of(&delivery)));
                    }
                }
            }
        };

        Step::Handle(Accepted {
            delivery,
            body,
            guard,
            content_guard,
            report,
            clock: Arc::clone(&self.config.clock),
        })
    }

    /// Verifies `body` with `provider` and answers what the receiver
    /// answers itself (a handshake, a pong, a rejection); otherwise the
    /// verified delivery and its content key, if any.
    fn verify_body<H: Headers>(
        &self,
        head: &Head<'_, H>,
        provider: &dyn Provider,
        tenant: Option<Arc<str>>,
        body: &Bytes,
        report: &Report,
    ) -> Result<(VerifiedDelivery, Option<String>), Answer> {
        let clock = &*self.config.clock;
        // Read only by a scheme with a timestamp: GitHub's path reads no
        // clock at all.
        let now = if provider.reads_clock() {
            clock.now()
        } else {
            std::time::UNIX_EPOCH
        };
        // The URL is built (one allocation) only for schemes that sign it,
        // and for a GET, which may be a sender's challenge.
        let url = if provider.signs_request() || head.method().eq_ignore_ascii_case("GET") {
            self.url(head)
        } else {
            None
        };
        let mut incoming = Incoming::new(head.headers(), body).method(head.method());
        if let Some(url) = url.as_deref() {
            incoming = incoming.url(url);
        }
        // An unsigned GET challenge (Meta, Dropbox), answered only by a
        // provider configured for one.
        if let Some(answer) = provider.challenge(&incoming) {
            let about = About::tenant(tenant.as_deref());
            return Err(match answer {
                Ok(reply) => {
                    report.answer(clock, Answer::from_reply(reply), Outcome::Handshake, about)
                }
                Err(error) => report.reject(clock, error, about),
            });
        }
        // The one verify call of every adapter.
        let delivery = match provider.verify_incoming(&incoming, now) {
            Ok(delivery) => delivery,
            Err(error) => {
                return Err(report.reject(clock, error, About::tenant(tenant.as_deref())))
            }
        };
        let verified = VerifiedDelivery::new(&delivery, tenant);
        let about = About::of(&verified);
        // A handshake the sender expects answered by the receiver
        // (Slack's `url_verification`), like the pong.
        if let Some(reply) = delivery.reply() {
            return Err(report.answer(clock, Answer::from_reply(reply), Outcome::Handshake, about));
        }
        if self.config.answer_pings && delivery.is_ping() {
            return Err(report.answer(
                clock,
                Answer::json(StatusCode::OK, b"{\"status\":\"pong\"}"),
                Outcome::Pong,
                about,
            ));
        }
        let content = match &self.config.content_key {
            None => None,
            Some(_) if self.config.store.is_none() => {
                return Err(report.reject(
                    clock,
                    Error::InvalidConfig("dedup_key needs a dedup store to hold its keys"),
                    about,
                ))
            }
            Some(key) => key(&delivery)
                .map(|key| content_store_key(verified.provider, verified.tenant(), &key)),
        };
        Ok((verified, content))
    }

    /// Accepts a verified delivery into `inbox` (its content key claimed
    /// first): 202 queued, 200 duplicate, or the inbox's failure.
    #[cfg(feature = "inbox")]
    async fn queue<H: Headers + ?Sized>(
        &self,
        inbox: &dyn crate::inbox::Inbox,
        headers: &H,
        delivery: VerifiedDelivery,
        body: Bytes,
        content: Option<String>,
        report: Report,
    ) -> Answer {
        let clock = &*self.config.clock;
        // Held for its whole TTL: the worker's end is not seen here.
        let content_guard = match self.claim_content(content).await {
            Ok(Some(ContentClaim::Held(guard))) => Some(guard),
            Ok(Some(ContentClaim::Taken)) => {
                return report.answer(
                    clock,
                    Answer::json(StatusCode::OK, b"{\"status\":\"duplicate\"}"),
                    Outcome::Duplicate,
                    About::of(&delivery),
                )
            }
            Ok(None) => None,
            Err(error) => return report.reject(clock, error, About::of(&delivery)),
        };
        let envelope = self.envelope(headers, &delivery, body);
        let accepted = inbox.accept(&envelope).await;
        match accepted {
            Ok(crate::inbox::Accept::Queued) => {
                if let Some(guard) = content_guard {
                    guard.keep();
                }
                let body = serde_json::json!({ "status": "queued", "id": envelope.key() });
                let answer = Answer {
                    status: StatusCode::ACCEPTED,
                    content_type: "application/json",
                    body: Bytes::from(body.to_string()),
                    error: None,
                };
                report.answer(clock, answer, Outcome::Queued, About::of(&delivery))
            }
            Ok(_) => {
                release(content_guard).await;
                report.answer(
                    clock,
                    Answer::json(StatusCode::OK, b"{\"status\":\"duplicate\"}"),
                    Outcome::Duplicate,
                    About::of(&delivery),
                )
            }
            Err(error) => {
                release(content_guard).await;
                report.reject(clock, error, About::of(&delivery))
            }
        }
    }

    /// Claims a content key, held for the content TTL (for the inbox path;
    /// the handler path claims in place).
    #[cfg(feature = "inbox")]
    async fn claim_content(&self, key: Option<String>) -> Result<Option<ContentClaim>, Error> {
        let (Some(key), Some(store)) = (key, &self.config.store) else {
            return Ok(None);
        };
        Ok(Some(
            match ClaimGuard::claim_for(store, key, self.config.content_ttl).await? {
                Claimed::Acquired(guard) => ContentClaim::Held(guard),
                Claimed::Done | Claimed::InFlight => ContentClaim::Taken,
            },
        ))
    }
}

/// What claiming a content key found.
#[cfg(feature = "inbox")]
enum ContentClaim {
    /// Claimed for this delivery.
    Held(ClaimGuard),
    /// Another delivery with the same content key holds it.
    Taken,
}

/// Releases a claim, if any; a store failure leaves it to expire.
#[cfg(feature = "inbox")]
async fn release(guard: Option<ClaimGuard>) {
    if let Some(guard) = guard {
        let _ = guard.release().await;
    }
}

#[cfg(feature = "inbox")]
impl Receiver {
    /// The envelope of a verified delivery: its key, metadata, the kept
    /// headers and the body, received now.
    fn envelope<H: Headers + ?Sized>(
        &self,
        headers: &H,
        delivery: &VerifiedDelivery,
        body: Bytes,
    ) -> crate::inbox::Envelope {
        let key = match delivery.id() {
            Some(id) => store_key(delivery.provider, delivery.tenant(), id),
            None => {
                use sha2::Digest as _;
                let mut hash = sha2::Sha256::new();
                let signed = delivery
                    .timestamp
                    .and_then(|at| at.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |since| since.as_millis());
                hash.update(signed.to_be_bytes());
                hash.update(&body);
                let id = format!("#body:{}", hex::encode(hash.finalize()));
                store_key(delivery.provider, delivery.tenant(), &id)
            }
        };
        let kept = self
            .config
            .kept_headers
            .iter()
            .filter_map(|name| match headers.lookup(name) {
                Lookup::One(value) => std::str::from_utf8(value)
                    .ok()
                    .map(|value| (name.to_string(), value.to_owned())),
                Lookup::Missing | Lookup::Repeated => None,
            })
            .collect();
        crate::inbox::Envelope::new(key, delivery.provider, body, self.config.clock.now())
            .with_tenant(delivery.tenant().map(str::to_owned))
            .with_id(delivery.id().map(str::to_owned))
            .with_event(delivery.event().map(str::to_owned))
            .with_timestamp(delivery.timestamp)
            .with_headers(kept)
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let provider = match &self.config.source {
            Source::Fixed(provider) => provider.name(),
            Source::Resolver(_) => "(resolver)",
        };
        f.debug_struct("Receiver")
            .field("provider", &provider)
            .field("body_limit", &self.config.body_limit)
            .field("answer_pings", &self.config.answer_pings)
            .field("dedup", &self.config.store.is_some())
            .field("inbox", &self.inbox_is_set())
            .field("clock", &self.config.clock)
            .field("public_url", &self.config.public_url)
            .field("senders", &self.config.senders)
            .field("dedup_key", &self.config.content_key.is_some())
            .field("dedup_key_ttl", &self.config.content_ttl)
            .finish()
    }
}

impl Receiver {
    fn inbox_is_set(&self) -> bool {
        #[cfg(feature = "inbox")]
        return self.config.inbox.is_some();
        #[cfg(not(feature = "inbox"))]
        false
    }
}

/// A body already in memory as the `read` argument of
/// [`Receiver::prepare`]: refused with [`Error::BodyTooLarge`] when it is
/// longer than the limit.
pub fn read_bytes(body: Bytes) -> impl FnOnce(usize) -> std::future::Ready<Result<Bytes, Error>> {
    move |limit| {
        std::future::ready(if body.len() > limit {
            Err(Error::BodyTooLarge { limit })
        } else {
            Ok(body)
        })
    }
}

/// What [`Receiver::prepare`] decided.
#[derive(Debug)]
#[must_use]
// `Handle` carries the id and event inline; boxing it would cost the
// allocation that keeping them inline saves, once per request.
#[allow(clippy::large_enum_variant)]
pub enum Step {
    /// Send this answer; the handler is not called.
    Answer(Answer),
    /// Call the handler, then [`Accepted::finish`].
    Handle(Accepted),
}

/// A response the receiver gives itself: a rejection, a pong, a duplicate
/// (and, with handshake-answering schemes, their reply). Adapters turn it
/// into their framework's response.
#[derive(Debug, Clone)]
pub struct Answer {
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    error: Option<Error>,
}

impl Answer {
    /// A 2xx JSON answer of the receiver's own.
    fn json(status: StatusCode, body: &'static [u8]) -> Self {
        Answer {
            status,
            content_type: "application/json",
            body: Bytes::from_static(body),
            error: None,
        }
    }

    /// The answer to a rejected request: the error's status and the JSON
    /// body `{"error":"<kind>","message":"<words>"}`.
    #[must_use]
    pub fn rejection(error: Error) -> Self {
        let body = serde_json::json!({ "error": error.kind(), "message": error.to_string() });
        Answer {
            status: error.status(),
            content_type: "application/json",
            body: Bytes::from(body.to_string()),
            error: Some(error),
        }
    }

    /// The answer of a provider's handshake ([`Delivery::reply`](crate::Delivery::reply),
    /// [`Provider::challenge`]).
    #[must_use]
    pub fn from_reply(reply: crate::Reply) -> Self {
        let status = reply.status();
        let content_type = reply.content_type().unwrap_or("text/plain");
        let body = Bytes::from(reply.body().to_vec());
        Answer::reply(status, content_type, body)
    }

    /// A handshake reply the sender expects (a challenge echoed back).
    #[must_use]
    pub fn reply(status: StatusCode, content_type: &'static str, body: Bytes) -> Self {
        Answer {
            status,
            content_type,
            body,
            error: None,
        }
    }

    /// The status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Content-Type`.
    #[must_use]
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The rejection's error, if this answer is one.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The answer as an `http` 1 response whose body `body` makes from the
    /// bytes: the status, the `Content-Type`, `X-Content-Type-Options:
    /// nosniff` (an answer may echo a sender's challenge: it is never
    /// sniffed), and a rejection's [`Error`] in the extensions for outer
    /// layers.
    pub fn into_response<B>(self, body: impl FnOnce(Bytes) -> B) -> http::Response<B> {
        let mut response = http::Response::new(body(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(self.content_type),
        );
        headers.insert(
            http::header::X_CONTENT_TYPE_OPTIONS,
            http::HeaderValue::from_static("nosniff"),
        );
        if let Some(error) = self.error {
            response.extensions_mut().insert(error);
        }
        response
    }

    /// The status, content type, body and error, to build a response.
    #[must_use]
    pub fn into_parts(self) -> (StatusCode, &'static str, Bytes, Option<Error>) {
        (self.status, self.content_type, self.body, self.error)
    }
}

/// A verified (and, with a store, claimed) delivery for the handler.
///
/// Give the handler [`delivery`](Accepted::delivery) and
/// [`body`](Accepted::body), then report its status to
/// [`finish`](Accepted::finish). Dropped unfinished, the claim is
/// abandoned and no `tracing` event is emitted.
#[must_use = "an accepted delivery must reach the handler, then `finish`"]
pub struct Accepted {
    delivery: VerifiedDelivery,
    body: Bytes,
    guard: Option<ClaimGuard>,
    // Boxed: only a receiver with a content key pays for it.
    content_guard: Option<Box<ClaimGuard>>,
    report: Report,
    clock: Arc<dyn Clock>,
}

impl Accepted {
    /// What was verified.
    #[must_use]
    pub fn delivery(&self) -> &VerifiedDelivery {
        &self.delivery
    }

    /// The verified bytes (a cheap, shared `Bytes`).
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Moves the verified bytes out, for the handler's request, leaving an
    /// empty body behind: cheaper than cloning [`body`](Accepted::body)
    /// when the `Bytes` is not yet shared (its first clone allocates).
    #[must_use]
    pub fn take_body(&mut self) -> Bytes {
        std::mem::take(&mut self.body)
    }

    /// Whether a duplicate-store claim is held for it.
    #[must_use]
    pub fn is_claimed(&self) -> bool {
        self.guard.is_some()
    }

    /// Settles the claim with the handler's `status` (2xx completes it,
    /// anything else releases it so a retry is processed) and emits the
    /// delivery's `tracing` event. A store failure here is logged, not
    /// returned: the handler has run and the sender gets its answer.
    // Not an `async fn`: its future holds the `Accepted` once, where an
    // `async fn` would keep it twice (its argument and a local).
    #[allow(clippy::manual_async_fn)]
    pub fn finish(mut self, status: StatusCode) -> impl Future<Output = ()> + Send + 'static {
        async move { self.finish_in_place(status).await }
    }

    /// [`finish`](Accepted::finish) without moving the delivery: an
    /// adapter's future that holds it across the handler awaits no second
    /// copy. Once finished, the claims are gone: a second call settles
    /// nothing (and emits a second event: call it once).
    pub(crate) async fn finish_in_place(&mut self, status: StatusCode) {
        let success = status.is_success();
        // A content key is held while the delivery is processed, never
        // after ([`Receiver::dedup_key`]).
        if let Some(guard) = &mut self.content_guard {
            let _ = guard.settle_in_place(false).await;
            self.content_guard = None;
        }
        if let Some(guard) = &mut self.guard {
            // The key outlives the guard only for a warning someone can
            // record: no copy per request without a dispatcher.
            #[cfg(feature = "tracing")]
            let key = tracing::dispatcher::has_been_set().then(|| guard.key().to_owned());
            let result = guard.settle_in_place(success).await;
            self.guard = None;
            // A failed complete lets a redelivery after the in-flight TTL be
            // processed again; a failed release delays the retry until then.
            #[cfg(feature = "tracing")]
            if let (Err(error), Some(key)) = (result, key) {
                self.report.store_failed(&key, success, error.kind());
            }
            #[cfg(not(feature = "tracing"))]
            let _ = result;
        }
        let outcome = if success {
            Outcome::Processed
        } else {
            Outcome::HandlerFailed
        };
        self.report
            .emit(&*self.clock, outcome, status, About::of(&self.delivery));
    }
}

impl fmt::Debug for Accepted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accepted")
            .field("delivery", &self.delivery)
            .field("body_len", &self.body.len())
            .field("claimed", &self.guard.is_some())
            .field("content_claimed", &self.content_guard.is_some())
            .finish_non_exhaustive()
    }
}

/// What the receiver verified, for the handler (in the request extensions
/// with the middleware, or from an extractor).
///
/// An owned copy of a [`Delivery`]'s metadata, plus the tenant when a
/// [`Resolve`]r chose the provider. The body itself is the request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDelivery {
    provider: &'static str,
    tenant: Option<Arc<str>>,
    // Inline when short (a UUID id, an event name): no allocation.
    id: Option<Text>,
    event: Option<Text>,
    timestamp: Option<SystemTime>,
}

impl VerifiedDelivery {
    fn new(delivery: &Delivery<'_>, tenant: Option<Arc<str>>) -> Self {
        let (id, event) = delivery.id_and_event();
        VerifiedDelivery {
            provider: delivery.provider(),
            tenant,
            id: id.map(Text::new),
            event: event.map(Text::new),
            timestamp: delivery.timestamp(),
        }
    }

    /// The provider that verified it (`"github"`, `"linear"`, …).
    #[must_use]
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// The tenant the [`Resolve`]r chose, if one did.
    #[must_use]
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// The sender's delivery id ([`Delivery::id`]).
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(Text::as_str)
    }

    /// The event name ([`Delivery::event`]).
    #[must_use]
    pub fn event(&self) -> Option<&str> {
        self.event.as_ref().map(Text::as_str)
    }

    /// The signed timestamp, where the scheme has one
    /// ([`Delivery::timestamp`]).
    #[must_use]
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
    }
}

/// A delivery id or event name: kept inline up to [`Text::INLINE`] bytes
/// (a UUID is 36), so copying it out of the borrowed [`Delivery`] costs no
/// allocation; shared beyond that.
#[derive(Clone, PartialEq, Eq)]
enum Text {
    Inline { len: u8, bytes: [u8; Text::INLINE] },
    Shared(Arc<str>),
}

impl Text {
    const INLINE: usize = 46;

    fn new(text: &str) -> Self {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= Self::INLINE => {
                let mut bytes = [0; Self::INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                Text::Inline { len, bytes }
            }
            _ => Text::Shared(Arc::from(text)),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Copied whole from a `&str`: always UTF-8.
            Text::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Text::Shared(text) => text,
        }
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// How a delivery ended, for the `tracing` event.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
enum Outcome {
    Processed,
    HandlerFailed,
    Pong,
    Handshake,
    Duplicate,
    #[cfg(feature = "inbox")]
    Queued,
    Rejected(&'static str),
}

/// How a request is reported in its `tracing` event: the adapter, when it
/// arrived and the provider; what is known of the delivery is given when
/// the event is emitted ([`About`]), so that the delivery's id and event
/// are not copied twice per request.
#[derive(Debug)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
struct Report {
    adapter: Adapter,
    /// When the request arrived, read only if an event can be recorded: a
    /// `tracing` dispatcher exists.
    started: Option<Duration>,
    provider: Option<&'static str>,
}

/// What the `tracing` event says about the delivery: as much as was known
/// when it was emitted (the tenant once resolved, the id and event once
/// verified). Borrowed, and read only when an event is recorded.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
enum About<'a> {
    /// Before verification: the tenant, if one was resolved.
    Tenant(Option<&'a str>),
    /// A verified delivery.
    Delivery(&'a VerifiedDelivery),
}

#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
impl<'a> About<'a> {
    /// Nothing known yet.
    const NONE: About<'static> = About::Tenant(None);

    /// The tenant alone: before verification.
    fn tenant(tenant: Option<&'a str>) -> Self {
        About::Tenant(tenant)
    }

    /// A verified delivery.
    fn of(delivery: &'a VerifiedDelivery) -> Self {
        About::Delivery(delivery)
    }

    fn tenant_name(self) -> &'a str {
        match self {
            About::Tenant(tenant) => tenant.unwrap_or(""),
            About::Delivery(delivery) => delivery.tenant().unwrap_or(""),
        }
    }

    fn id(self) -> &'a str {
        match self {
            About::Tenant(_) => "",
            About::Delivery(delivery) => delivery.id().unwrap_or(""),
        }
    }

    fn event(self) -> &'a str {
        match self {
            About::Tenant(_) => "",
            About::Delivery(delivery) => delivery.event().unwrap_or(""),
        }
    }
}

impl Report {
    fn new(adapter: Adapter, clock: &dyn Clock) -> Self {
        #[cfg(feature = "tracing")]
        let started = tracing::dispatcher::has_been_set().then(|| clock.monotonic());
        #[cfg(not(feature = "tracing"))]
        let started = {
            let _ = clock;
            None
        };
        Report {
            adapter,
            started,
            provider: None,
        }
    }

    fn reject(&self, clock: &dyn Clock, error: Error, about: About<'_>) -> Answer {
        let outcome = Outcome::Rejected(error.kind());
        self.answer(clock, Answer::rejection(error), outcome, about)
    }

    fn answer(
        &self,
        clock: &dyn Clock,
        answer: Answer,
        outcome: Outcome,
        about: About<'_>,
    ) -> Answer {
        self.emit(clock, outcome, answer.status, about);
        answer
    }

    #[cfg(feature = "tracing")]
    fn store_failed(&self, key: &str, success: bool, error: &'static str) {
        macro_rules! warn {
            ($target:literal) => {
                tracing::warn!(
                    target: $target,
                    key,
                    success,
                    error,
                    "duplicate store could not record the outcome"
                )
            };
        }
        match self.adapter {
            Adapter::Receiver => warn!("hooksig::receiver"),
            #[cfg(feature = "tower")]
            Adapter::Tower => warn!("hooksig::tower"),
            #[cfg(feature = "actix")]
            Adapter::Actix => warn!("hooksig::actix"),
            #[cfg(feature = "axum")]
            Adapter::Axum => warn!("hooksig::axum"),
        }
    }

    #[cfg(feature = "tracing")]
    fn emit(&self, clock: &dyn Clock, outcome: Outcome, status: StatusCode, about: About<'_>) {
        let outcome_name = match outcome {
            Outcome::Processed => "processed",
            Outcome::HandlerFailed => "handler_failed",
            Outcome::Pong => "pong",
            Outcome::Handshake => "handshake",
            Outcome::Duplicate => "duplicate",
            #[cfg(feature = "inbox")]
            Outcome::Queued => "queued",
            Outcome::Rejected(kind) => kind,
        };
        let elapsed = self.started.map_or(Duration::ZERO, |started| {
            clock.monotonic().saturating_sub(started)
        });
        let latency_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let info = match outcome {
            Outcome::Processed | Outcome::Pong | Outcome::Duplicate => true,
            #[cfg(feature = "inbox")]
            Outcome::Queued => true,
            Outcome::HandlerFailed | Outcome::Handshake | Outcome::Rejected(_) => false,
        };
        macro_rules! event {
            ($target:literal, $level:expr) => {
                tracing::event!(
                    target: $target,
                    $level,
                    provider = self.provider.unwrap_or(""),
                    tenant = about.tenant_name(),
                    delivery_id = about.id(),
                    event = about.event(),
                    outcome = outcome_name,
                    status = status.as_u16(),
                    latency_us,
                    "webhook delivery"
                )
            };
        }
        macro_rules! at {
            ($target:literal) => {
                if info {
                    event!($target, tracing::Level::INFO)
                } else {
                    event!($target, tracing::Level::WARN)
                }
            };
        }
        match self.adapter {
            Adapter::Receiver => at!("hooksig::receiver"),
            #[cfg(feature = "tower")]
            Adapter::Tower => at!("hooksig::tower"),
            #[cfg(feature = "actix")]
            Adapter::Actix => at!("hooksig::actix"),
            #[cfg(feature = "axum")]
            Adapter::Axum => at!("hooksig::axum"),
        }
    }

    #[cfg(not(feature = "tracing"))]
    fn emit(&self, _clock: &dyn Clock, _outcome: Outcome, _status: StatusCode, _about: About<'_>) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::GitHub;

    fn head<'a>(headers: &'a [(&'a str, &'a str)]) -> Head<'a, [(&'a str, &'a str)]> {
        Head::new("POST", "/webhooks/github?x=1", headers)
    }

    #[test]
    fn the_signed_url_uses_the_public_base_or_the_host() {
        let receiver = Receiver::new(GitHub::new("s").unwrap());
        let headers = [("Host", "internal:8080")];
        assert_eq!(
            receiver.url(&head(&headers)).as_deref(),
            Some("https://internal:8080/webhooks/github?x=1")
        );
        assert_eq!(receiver.url(&head(&[])), None);
        let behind_proxy = receiver.public_url("https://hooks.example.com/");
        assert_eq!(
            behind_proxy.url(&head(&headers)).as_deref(),
            Some("https://hooks.example.com/webhooks/github?x=1")
        );
    }

    #[test]
    fn the_head_splits_path_and_query() {
        let headers: [(&str, &str); 0] = [];
        let head = head(&headers);
        assert_eq!((head.method(), head.path()), ("POST", "/webhooks/github"));
        assert_eq!(head.target(), "/webhooks/github?x=1");
        assert!(!format!("{head:?}").contains("x-hub"));
    }

    /// Drives a future that never waits (the memory store, bytes in hand).
    fn ready<F: Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    #[test]
    fn prepare_applies_the_sender_policy_before_reading_the_body() {
        let github = GitHub::new("s").unwrap();
        let body = Bytes::from_static(b"{}");
        let headers = github
            .sign_headers(&crate::Outgoing::new(&body).id("d-1").event("push"))
            .unwrap();
        let receiver = Receiver::new(github)
            .allow_senders(["192.0.2.0/24"])
            .unwrap()
            .trusted_proxies(["10.0.0.1"])
            .unwrap();
        let run = |peer: Option<&str>| {
            let head = Head::new("POST", "/", &headers).with_peer(peer.map(|p| p.parse().unwrap()));
            let read = |_: usize| -> std::future::Ready<Result<Bytes, Error>> {
                panic!("the body is read only for an allowed sender")
            };
            match ready(receiver.prepare(&head, read)) {
                Step::Answer(answer) => answer.status().as_u16(),
                Step::Handle(_) => unreachable!(),
            }
        };
        assert_eq!(run(None), 403);
        assert_eq!(run(Some("198.51.100.1")), 403);
        assert_eq!(run(Some("10.0.0.1")), 403, "the proxy itself, no header");
        let head = Head::new("POST", "/", &headers).with_peer(Some("192.0.2.7".parse().unwrap()));
        assert!(matches!(
            ready(receiver.prepare(&head, read_bytes(body.clone()))),
            Step::Handle(_)
        ));
        // Through the trusted proxy, from an allowed client.
        let mut forwarded = headers.clone();
        forwarded.insert("x-forwarded-for", "192.0.2.8".parse().unwrap());
        let head = Head::new("POST", "/", &forwarded).with_peer(Some("10.0.0.1".parse().unwrap()));
        assert!(matches!(
            ready(receiver.prepare(&head, read_bytes(body))),
            Step::Handle(_)
        ));
    }

    #[test]
    fn a_declared_oversize_body_is_refused_from_the_headers() {
        let receiver = Receiver::new(GitHub::new("s").unwrap()).body_limit(10);
        let answer = receiver
            .declared_too_large(&[("content-length", "11")])
            .unwrap();
        assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(receiver
            .declared_too_large(&[("content-length", "10")])
            .is_none());
        assert!(receiver
            .declared_too_large(&[("content-length", "x")])
            .is_none());
    }
}
