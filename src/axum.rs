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

use axum_core::body::Body;
use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};

use crate::receiver::{http_body::read, Adapter, Head, Receiver, Step};

pub use crate::receiver::{HandlerStatus, Rejection, Verified};

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
            Step::Handle(accepted) => Ok(Verified::new(accepted)),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        self.0.into_response(Body::from)
    }
}
