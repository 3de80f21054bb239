//! actix-web 4: the [`Verify`] middleware, the [`Verified`] extractor,
//! [`Headers`](crate::Headers) for actix's `HeaderMap`, and [`ResponseError`] for
//! [`Error`](crate::Error).
//!
//! Both run the framework-neutral [`Receiver`](crate::receiver::Receiver): the same steps, statuses
//! and JSON bodies as [`VerifyLayer`](crate::tower::VerifyLayer) (see the
//! [receiver docs](crate::receiver)), with actix's own types. Nothing is
//! wrapped in tower.
//!
//! ```no_run
//! use actix_web::{web, App, HttpServer};
//! use hooksig::actix::{Verified, Verify};
//! use hooksig::{dedup::MemoryStore, github::GitHub, receiver::GITHUB_BODY_LIMIT};
//!
//! async fn handle(delivery: Verified) -> &'static str {
//!     println!("{:?} {:?}: {} bytes", delivery.event(), delivery.id(), delivery.body().len());
//!     "ok"
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let verify = Verify::new(GitHub::new("webhook-secret").unwrap())
//!     .answer_pings(true)
//!     .body_limit(GITHUB_BODY_LIMIT)
//!     .dedup(MemoryStore::new());
//! HttpServer::new(move || {
//!     App::new().service(web::resource("/webhooks/github").wrap(verify.clone()).route(web::post().to(handle)))
//! })
//! .bind("127.0.0.1:3000")?
//! .run()
//! .await
//! # }
//! ```
//!
//! # Compressed bodies
//!
//! A sender signs the bytes it sends. actix-web's body extractors
//! (`web::Bytes`, `web::Json`, …) decompress a `Content-Encoding: gzip`
//! (or `br`, `zstd`) body when actix-web's `compress-*` features are on,
//! which they are by default, and a MAC over the decompressed bytes never
//! matches. The middleware and the extractor read the raw payload
//! (`take_payload`, never decompressed) and verify exactly what arrived;
//! take the body from [`Verified::body`], not from `web::Bytes`. If you
//! need no compression at all, depend on actix-web with
//! `default-features = false` (and the features you use) so nothing can
//! decompress it.
//!
//! # Body limit
//!
//! actix's `PayloadConfig` limit (256 KiB by default) does not apply: the
//! receiver's [`body_limit`](Verify::body_limit) does, 2 MiB by default
//! like the tower layer. GitHub sends up to 25 MB: set
//! [`GITHUB_BODY_LIMIT`](crate::receiver::GITHUB_BODY_LIMIT) for a GitHub
//! route that must accept every event. A handler reading `web::Bytes`
//! after the middleware is still bound by `PayloadConfig`; [`Verified`]
//! is not.

mod extract;
mod headers;
mod middleware;

pub use crate::receiver::{HandlerStatus, Rejection, Verified};
pub use extract::VerifiedFuture;
pub use middleware::{Verify, VerifyMiddleware};

use actix_web::body::BoxBody;
use actix_web::http::header::{HeaderValue, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::receiver::Answer;

/// actix-web's status for `status` (actix 4 is on `http` 0.2).
fn status(status: http::StatusCode) -> StatusCode {
    StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The receiver's own answer as an actix response, a rejection's
/// [`Error`](crate::Error) in its extensions for outer middleware.
fn response(answer: &Answer) -> HttpResponse<BoxBody> {
    let mut response =
        HttpResponse::with_body(status(answer.status()), BoxBody::new(answer.body().clone()));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type()),
    );
    // The receiver's answers may echo a sender's challenge: never sniffed.
    response.headers_mut().insert(
        actix_web::http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(error) = answer.error() {
        response.extensions_mut().insert(error.clone());
    }
    response
}

/// [`Error::status`](crate::Error::status) as actix's status, and the
/// receiver's JSON body, so that `provider.verify(..)?` in an actix handler
/// answers as the middleware does.
impl ResponseError for crate::Error {
    fn status_code(&self) -> StatusCode {
        status(self.status())
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        response(&Answer::rejection(self.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody as _;

    #[test]
    fn errors_answer_with_actix_status_and_the_receiver_json() {
        let error = crate::Error::SignatureMismatch;
        assert_eq!(error.status_code(), StatusCode::UNAUTHORIZED);
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body = response.into_body().try_into_bytes().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"], "signature_mismatch");
        let response = crate::Error::InFlight.error_response();
        assert_eq!(
            response.extensions().get::<crate::Error>(),
            Some(&crate::Error::InFlight)
        );
    }
}
