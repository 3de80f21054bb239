//! An axum extractor, [`Verified`], for handlers that verify per handler
//! instead of per route ([`VerifyLayer`](crate::tower::VerifyLayer)).
//!
//! It reads its [`Receiver`] from the router's state through
//! `FromRef`, so the provider, body limit,
//! pings, duplicate store and clock are configured once, as for the layer.
//! It reads the request head in place (no copy of the header map), reads
//! at most the body limit, and rejects with a [`Rejection`] that answers
//! the error's status and the same JSON body as the middleware.
//!
//! ```
//! use axum::{routing::post, Router};
//! use hooksig::axum::Verified;
//! use hooksig::{dedup::MemoryStore, github::GitHub, receiver::Receiver};
//!
//! async fn handle(delivery: Verified) -> &'static str {
//!     println!("{:?} {:?}", delivery.event(), delivery.id());
//!     // With duplicate suppression, record success:
//!     delivery.complete().await;
//!     "ok"
//! }
//!
//! let receiver = Receiver::new(GitHub::new("webhook-secret")?)
//!     .answer_pings(true)
//!     .dedup(MemoryStore::new());
//! let app: Router = Router::new()
//!     .route("/webhooks/github", post(handle))
//!     .with_state(receiver);
//! # let _ = app;
//! # Ok::<(), hooksig::Error>(())
//! ```
//!
//! With a larger state, implement `FromRef<YourState> for Receiver` (or
//! derive it with axum's `FromRef` macro).
//!
//! The receiver's [sender policy](Receiver::allow_senders) reads the peer
//! from axum's `ConnectInfo<SocketAddr>`: serve the router with
//! `into_make_service_with_connect_info::<SocketAddr>()`, or every request
//! is refused (fail closed). An extractor has no rejection hook: to answer
//! with statuses of your own, take `Result<Verified, Rejection>` and map
//! [`Rejection::error`].
//!
//! An extractor cannot see the handler's answer: with duplicate
//! suppression, call [`Verified::complete`] when the handler succeeded. A
//! `Verified` dropped without it (an error returned, a panic, a cancelled
//! request) releases its claim, so the sender's retry is processed.

use std::fmt;

use axum_core::body::Body;
use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;

use crate::receiver::VerifiedDelivery;
use crate::receiver::{http_body::read, Accepted, Adapter, Answer, Head, Receiver, Step};
use crate::Error;

/// A verified delivery as a handler argument: its metadata and the
/// verified bytes. Consumes the body, so it is the handler's last argument.
/// See the [module docs](self).
pub struct Verified {
    delivery: VerifiedDelivery,
    body: Bytes,
    accepted: Option<Accepted>,
}

impl Verified {
    /// What was verified.
    #[must_use]
    pub fn delivery(&self) -> &VerifiedDelivery {
        &self.delivery
    }

    /// The delivery id ([`VerifiedDelivery::id`]).
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.delivery.id()
    }

    /// The event name ([`VerifiedDelivery::event`]).
    #[must_use]
    pub fn event(&self) -> Option<&str> {
        self.delivery.event()
    }

    /// The verified bytes.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Records the delivery as processed: a duplicate is then answered
    /// `{"status":"duplicate"}` without the handler.
    pub async fn complete(self) {
        self.finish(StatusCode::OK).await;
    }

    /// Settles the claim with the handler's `status`: 2xx completes it,
    /// anything else releases it so the retry is processed. Emits the
    /// delivery's `tracing` event.
    pub async fn finish(mut self, status: StatusCode) {
        if let Some(accepted) = self.accepted.take() {
            accepted.finish(status).await;
        }
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("delivery", &self.delivery)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl<S> FromRequest<S> for Verified
where
    Receiver: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request<Body>, state: &S) -> Result<Self, Rejection> {
        let receiver = Receiver::from_ref(state).adapter(Adapter::Axum);
        let (parts, body) = request.into_parts();
        match receiver
            .prepare(&Head::from_parts(&parts), |limit| read(body, limit))
            .await
        {
            Step::Answer(answer) => Err(Rejection(answer)),
            Step::Handle(accepted) => Ok(Verified {
                delivery: accepted.delivery().clone(),
                body: accepted.body().clone(),
                accepted: Some(accepted),
            }),
        }
    }
}

/// Why [`Verified`] did not reach the handler: a rejection (the error's
/// status and `{"error":"<kind>","message":"<words>"}`, the [`Error`] in
/// the response's extensions) or an answer the receiver gives itself (200
/// pong, 200 duplicate).
#[derive(Debug, Clone)]
pub struct Rejection(Answer);

impl Rejection {
    /// The receiver's answer.
    #[must_use]
    pub fn answer(&self) -> &Answer {
        &self.0
    }

    /// The error, when it is a rejection rather than a pong or a duplicate.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        self.0.error()
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        self.0.into_response(Body::from)
    }
}
