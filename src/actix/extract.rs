//! [`Verified`], the actix-web extractor, and reading actix payloads.

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, Uri};
use actix_web::{web, FromRequest, HttpMessage as _, HttpRequest, HttpResponse, ResponseError};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::response;
use crate::receiver::{
    Adapter, Answer, Head, Receiver, Rejection, Step, Verified, VerifiedDelivery,
};
use crate::Error;

/// The verified bytes, put in the extensions by the middleware.
#[derive(Clone)]
pub(super) struct VerifiedBody(pub(super) Bytes);

/// The request target (path and query) of an actix request.
pub(super) fn target(uri: &Uri) -> &str {
    uri.path_and_query().map_or("/", |target| target.as_str())
}

/// Reads the raw (never decompressed) payload, at most `limit` bytes.
pub(super) async fn read_payload(payload: &mut Payload, limit: usize) -> Result<Bytes, Error> {
    let mut payload = Pin::new(payload);
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

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// The [`Verified`] extractor's future: ready at once behind the
/// middleware (no allocation), or the receiver's work without it.
pub struct VerifiedFuture(Inner);

// The ready value is moved once; boxing it would be the allocation this
// future exists to save.
#[allow(clippy::large_enum_variant)]
enum Inner {
    Ready(Option<Result<Verified, Rejection>>),
    Running(LocalBoxFuture<Result<Verified, Rejection>>),
}

impl Future for VerifiedFuture {
    type Output = Result<Verified, Rejection>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match &mut self.0 {
            Inner::Ready(result) => std::task::Poll::Ready(result.take().unwrap_or_else(|| {
                Err(Rejection(Answer::rejection(Error::InvalidConfig(
                    "the Verified extractor's future was polled after it completed",
                ))))
            })),
            Inner::Running(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for VerifiedFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.0 {
            Inner::Ready(_) => "ready",
            Inner::Running(_) => "running",
        };
        f.debug_struct("VerifiedFuture")
            .field("state", &state)
            .finish()
    }
}

impl FromRequest for Verified {
    type Error = Rejection;
    type Future = VerifiedFuture;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        {
            let extensions = request.extensions();
            if let (Some(delivery), Some(VerifiedBody(body))) = (
                extensions.get::<VerifiedDelivery>(),
                extensions.get::<VerifiedBody>(),
            ) {
                return VerifiedFuture(Inner::Ready(Some(Ok(Verified::settled(
                    delivery.clone(),
                    body.clone(),
                )))));
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
            return VerifiedFuture(Inner::Ready(Some(Err(Rejection(Answer::rejection(error))))));
        };
        let receiver = receiver.adapter(Adapter::Actix);
        let request = request.clone();
        let mut payload = payload.take();
        VerifiedFuture(Inner::Running(Box::pin(async move {
            let head = Head::new(
                request.method().as_str(),
                target(request.uri()),
                request.headers(),
            )
            .with_peer(request.peer_addr().map(|addr| addr.ip()));
            match receiver
                .prepare(&head, |limit| read_payload(&mut payload, limit))
                .await
            {
                Step::Answer(answer) => Err(Rejection(answer)),
                Step::Handle(accepted) => Ok(Verified::new(accepted)),
            }
        })))
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
