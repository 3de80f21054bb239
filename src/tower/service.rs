//! [`VerifyService`], the middleware itself: an adapter of
//! [`Receiver`](crate::receiver::Receiver).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;
use tower_service::Service;

use super::layer::RejectFn;
use super::{ResponseBody, ResponseFuture};
use crate::receiver::http_body::{read, BoxError};
use crate::receiver::{peer_in, target, Answer, Head, Receiver, Step};

/// The service [`VerifyLayer`](super::VerifyLayer) wraps around `S`.
///
/// `S` receives `Request<Full<Bytes>>` (the verified bytes) with a
/// [`VerifiedDelivery`](super::VerifiedDelivery) in the extensions, and
/// must be `Clone` (as axum routes and `service_fn`s are): the request goes
/// through asynchronous steps before `S` is called.
#[derive(Clone)]
pub struct VerifyService<S> {
    inner: S,
    receiver: Arc<Receiver>,
    reject: Option<Arc<RejectFn>>,
}

impl<S> VerifyService<S> {
    pub(crate) fn new(inner: S, receiver: Arc<Receiver>, reject: Option<Arc<RejectFn>>) -> Self {
        VerifyService {
            inner,
            receiver,
            reject,
        }
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for VerifyService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyService")
            .field("inner", &self.inner)
            .field("receiver", &self.receiver)
            .field("on_reject", &self.reject.is_some())
            .finish()
    }
}

impl<S, B, ResBody> Service<Request<B>> for VerifyService<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    ResBody: Body<Data = Bytes> + Send + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // Decided from the head alone (the sender's address, a declared
        // oversize body), without boxing a future or touching the body.
        let peer = peer_in(request.extensions());
        let head = Head::new(
            request.method().as_str(),
            target(request.uri()),
            request.headers(),
        )
        .with_peer(peer);
        if let Some(answer) = self.receiver.screen(&head) {
            return ResponseFuture::rejected(response(answer, self.reject.as_deref()));
        }
        // The service that was polled ready is the one that must be called:
        // keep it for the request and leave a fresh clone in its place.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let receiver = Arc::clone(&self.receiver);
        let reject = self.reject.clone();
        let (parts, body) = request.into_parts();
        ResponseFuture::running(Box::pin(run(receiver, reject, inner, parts, body, peer)))
    }
}

/// Everything after [`Receiver::screen`] (`peer` is the address it saw).
///
/// Not an `async fn`, and each value in one place only: an `async fn`
/// keeps its arguments twice, and this future is boxed once per request
/// (small enough for the allocator's fast path).
#[allow(clippy::manual_async_fn)]
fn run<S, B, ResBody>(
    receiver: Arc<Receiver>,
    reject: Option<Arc<RejectFn>>,
    mut inner: S,
    parts: http::request::Parts,
    body: B,
    peer: Option<std::net::IpAddr>,
) -> impl Future<Output = Result<Response<ResponseBody<ResBody>>, S::Error>>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>>,
    B: Body,
    B::Error: Into<BoxError>,
{
    async move {
        // Scoped so that `accepted`, moved into `finish`, takes no room in
        // the future while the claim is settled.
        let (result, finishing) = {
            let mut accepted = {
                let head = Head::new(parts.method.as_str(), target(&parts.uri), &parts.headers)
                    .with_peer(peer);
                match receiver
                    .prepare_screened(&head, |limit| read(body, limit))
                    .await
                {
                    Step::Answer(answer) => return Ok(response(answer, reject.as_deref())),
                    Step::Handle(accepted) => accepted,
                }
            };
            let result = {
                let body = Full::new(accepted.take_body());
                let mut request = Request::from_parts(parts, body);
                request.extensions_mut().insert(accepted.delivery().clone());
                inner.call(request)
            }
            .await;
            let status = match &result {
                Ok(response) => response.status(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (result, accepted.finish(status))
        };
        finishing.await;
        result.map(|response| response.map(ResponseBody::inner))
    }
}

/// The receiver's own answer as a response, or the rejection hook's for a
/// rejection; the rejection's error in its extensions for outer layers.
fn response<B>(answer: Answer, reject: Option<&RejectFn>) -> Response<ResponseBody<B>> {
    if let (Some(hook), Some(error)) = (reject, answer.error()) {
        let mut response = hook(error).map(ResponseBody::own);
        response.extensions_mut().insert(error.clone());
        return response;
    }
    answer.into_response(ResponseBody::own)
}
