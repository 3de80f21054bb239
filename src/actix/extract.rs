//! [`Verified`], the actix-web extractor, and reading actix payloads.

use std::fmt;
use std::future::{poll_fn, ready, Future};
use std::pin::{pin, Pin};

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, Uri};
use actix_web::{web, FromRequest, HttpMessage as _, HttpRequest, HttpResponse, ResponseError};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::response;
use crate::receiver::{Accepted, Adapter, Answer, Head, Receiver, Step, VerifiedDelivery};
use crate::Error;

/// The verified bytes, put in the extensions by the middleware.
#[derive(Clone)]
pub(super) struct VerifiedBody(pub(super) Bytes);

/// The request target (path and query) of an actix request.
pub(super) fn target(uri: &Uri) -> &str {
    uri.path_and_query().map_or("/", |target| target.as_str())
}

/// Reads the raw (never decompressed) payload, at most `limit` bytes.
pub(super) async fn read_payload(payload: Payload, limit: usize) -> Result<Bytes, Error> {
    let mut payload = pin!(payload);
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    let mut length = 0usize;
    while let Some(chunk) = poll_fn(|cx| payload.as_mut().poll_next(cx)).await {
        let chunk = chunk.map_err(|_| Error::BodyUnreadable)?;
        length = length.saturating_add(chunk.len());
        if length > limit {
            return Err(Error::BodyTooLarge { limit });
        }
        match &first {
            None => first = Some(chunk),
            Some(head) => {
                if rest.is_empty() {
                    rest.extend_from_slice(head);
                }
                rest.extend_from_slice(&chunk);
            }
        }
    }
    Ok(if rest.is_empty() {
        first.unwrap_or_default()
    } else {
        rest.freeze()
    })
}

/// A verified delivery as a handler argument: its metadata and the
/// verified bytes.
///
/// Behind the [`Verify`](super::Verify) middleware it is what the
/// middleware verified (and the middleware settles the duplicate claim
/// from the handler's status). Without the middleware, it runs the
/// [`Receiver`] found in the app data (`App::app_data(receiver)`) itself:
/// rejections, pongs and duplicates are answered as [`Rejection`]s, and
/// with duplicate suppression the handler must call
/// [`complete`](Verified::complete) once it succeeded; a `Verified` dropped
/// without it releases its claim, so the sender's retry is processed.
///
/// The body is the raw payload, never decompressed (see the
/// [module docs](super#compressed-bodies)), and actix's `PayloadConfig`
/// limit does not apply to it (the receiver's body limit does).
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

    /// Records the delivery as processed (2xx): a duplicate is then
    /// answered `{"status":"duplicate"}`. Does nothing behind the
    /// middleware, which settles from the handler's status.
    pub async fn complete(self) {
        self.finish(StatusCode::OK).await;
    }

    /// Settles the claim with the handler's `status`: 2xx completes it,
    /// anything else releases it so the retry is processed.
    pub async fn finish(mut self, status: StatusCode) {
        if let Some(accepted) = self.accepted.take() {
            let status = http::StatusCode::from_u16(status.as_u16())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
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

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl FromRequest for Verified {
    type Error = Rejection;
    type Future = LocalBoxFuture<Result<Verified, Rejection>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        {
            let extensions = request.extensions();
            if let (Some(delivery), Some(VerifiedBody(body))) = (
                extensions.get::<VerifiedDelivery>(),
                extensions.get::<VerifiedBody>(),
            ) {
                return Box::pin(ready(Ok(Verified {
                    delivery: delivery.clone(),
                    body: body.clone(),
                    accepted: None,
                })));
            }
        }
        let receiver = request
            .app_data::<Receiver>()
            .or_else(|| {
                request
                    .app_data::<web::Data<Receiver>>()
                    .map(|data| &***data)
            })
            .cloned();
        let Some(receiver) = receiver else {
            let error = Error::InvalidConfig(
                "no hooksig Verify middleware ran and no Receiver is in the app data",
            );
            return Box::pin(ready(Err(Rejection(Answer::rejection(error)))));
        };
        let receiver = receiver.adapter(Adapter::Actix);
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move {
            let head = Head::new(
                request.method().as_str(),
                target(request.uri()),
                request.headers(),
            )
            .with_peer(request.peer_addr().map(|addr| addr.ip()));
            match receiver
                .prepare(&head, |limit| read_payload(payload, limit))
                .await
            {
                Step::Answer(answer) => Err(Rejection(answer)),
                Step::Handle(accepted) => Ok(Verified {
                    delivery: accepted.delivery().clone(),
                    body: accepted.body().clone(),
                    accepted: Some(accepted),
                }),
            }
        })
    }
}

/// Why [`Verified`] did not reach the handler: a rejection (its status and
/// the JSON body `{"error":"<kind>","message":"<words>"}`) or an answer the
/// receiver gives itself (200 pong, 200 duplicate), as a
/// [`ResponseError`] with actix's status type.
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

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.error() {
            Some(error) => fmt::Display::fmt(error, f),
            None => write!(f, "answered by the webhook receiver ({})", self.0.status()),
        }
    }
}

impl ResponseError for Rejection {
    fn status_code(&self) -> StatusCode {
        super::status(self.0.status())
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        response(&self.0)
    }
}
