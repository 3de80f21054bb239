//! Tower middleware: [`VerifyLayer`] puts verification, ping answering and
//! duplicate suppression in front of any axum, hyper or tonic service.
//!
//! It is an adapter of the framework-neutral [`Receiver`](crate::receiver::Receiver):
//! every step below is the receiver's, shared with the actix and axum
//! adapters. For each request the middleware:
//!
//! 0. with an [allow-list](VerifyLayer::allow_senders), refuses any other
//!    sender with 403 before the body or the inner service is touched (the
//!    peer address from the request extensions: axum's
//!    `ConnectInfo<SocketAddr>` with the `axum` feature, a `SocketAddr`
//!    or an `IpAddr`; the client's from a
//!    [trusted proxy](VerifyLayer::trusted_proxies)'s header);
//! 1. picks the provider: the one given to [`VerifyLayer::new`], or the
//!    one a [`Resolve`]r finds for the request (unknown tenant → 404,
//!    disabled → 403, lookup failure → 503);
//! 2. reads the body, at most [`body_limit`](VerifyLayer::body_limit) bytes
//!    (past it → 413; a `Content-Length` above the limit is refused before
//!    reading anything);
//! 3. verifies the exact bytes (failure → 400 or 401, see
//!    [`Error::status`](crate::Error::status));
//! 4. answers GitHub `ping` itself with 200 `{"status":"pong"}` when
//!    [`answer_pings`](VerifyLayer::answer_pings) is on;
//! 5. with a [`DeliveryStore`](crate::dedup::DeliveryStore)
//!    ([`dedup`](VerifyLayer::dedup)), claims the delivery id: a delivery
//!    already processed gets 200 `{"status":"duplicate"}`, one whose twin
//!    is being processed right now gets 409 `in_flight` (the sender
//!    retries), a store failure gets 503 — in none of these cases is the
//!    handler called;
//! 6. calls the inner service with the same bytes (as an
//!    `http_body_util::Full<Bytes>` body) and a [`VerifiedDelivery`] in the
//!    request extensions; a 2xx answer completes the claim, anything else
//!    (or the future being dropped) releases it so the retry is processed.
//!
//! Every rejection is answered with its status and a JSON body
//! `{"error":"<kind>","message":"<words>"}` ([`Error::kind`](crate::Error::kind)
//! and its `Display`, never a secret or a MAC), or with what
//! [`on_reject`](VerifyLayer::on_reject) answers; the
//! [`Error`](crate::Error) itself is in the response's extensions for outer
//! layers. A [content key](VerifyLayer::dedup_key) held by another delivery
//! is answered 200 `{"status":"duplicate"}`.
//!
//! A delivery without an id (a [`Generic`](crate::generic::Generic) scheme
//! with no id header, a sender that omits it) cannot be deduplicated and
//! goes to the handler every time.
//!
//! The store key ([`store_key`](crate::dedup::store_key)) is `provider:id`, or `provider:@tenant:id` with a
//! resolver (`:`, `%` and `@` in the tenant name percent-encoded). An id
//! longer than 128 bytes, or one starting with `@` or `#`, is keyed as `#`
//! and its SHA-256 in hex: GitHub's and Linear's ids are unsigned headers,
//! and a replayed delivery under ever new megabyte-long ids must not grow
//! a store by megabytes per key.
//!
//! With axum, three lines:
//!
//! ```
//! use axum::{routing::post, Router};
//! use hooksig::{dedup::MemoryStore, github::GitHub, tower::VerifyLayer};
//!
//! let github = GitHub::new("webhook-secret")?;
//! let app: Router = Router::new()
//!     .route("/webhooks/github", post(|body: axum::body::Bytes| async move { body.len().to_string() }))
//!     .route_layer(VerifyLayer::new(github).answer_pings(true).dedup(MemoryStore::new()));
//! # let _ = app;
//! # Ok::<(), hooksig::Error>(())
//! ```
//!
//! The handler reads what was verified from the extensions:
//!
//! ```
//! use axum::Extension;
//! use hooksig::tower::VerifiedDelivery;
//!
//! async fn handler(Extension(delivery): Extension<VerifiedDelivery>, body: axum::body::Bytes) -> &'static str {
//!     println!("{} {:?} {:?}: {} bytes", delivery.provider(), delivery.event(), delivery.id(), body.len());
//!     "ok"
//! }
//! # let _ = handler;
//! ```
//!
//! With the `tracing` feature, one event is emitted per delivery (target
//! `hooksig::tower`, `INFO` for processed, pong and duplicate, `WARN`
//! otherwise) with the fields `provider`, `tenant`, `delivery_id`, `event`,
//! `outcome`, `status` and `latency_us`; never the body or a secret. The id
//! and event are reported only once the delivery verified (empty before).
//! `outcome` is `processed`, `handler_failed`, `pong`, `duplicate`, or the
//! rejection's [`Error::kind`](crate::Error::kind).

mod body;
mod future;
mod layer;
mod service;

pub use body::ResponseBody;
pub use future::ResponseFuture;
pub use layer::VerifyLayer;
pub use service::VerifyService;

pub use crate::receiver::{
    PathTenants, ProxyHeader, Resolution, Resolve, Tenant, VerifiedDelivery, DEFAULT_BODY_LIMIT,
};
