//! [`Verify`], the actix-web middleware (`Transform` + `Service`).

use std::fmt;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{HttpMessage as _, HttpResponse};
use bytes::Bytes;

use super::extract::{read_payload, target, VerifiedBody};
use crate::receiver::{Adapter, Answer, Head, Receiver, Resolve, Step};
use crate::{Error, Provider};

/// A rejection hook, as [`Verify::on_reject`] keeps it.
type RejectFn = dyn Fn(&Error) -> HttpResponse<BoxBody> + Send + Sync;

/// actix-web middleware that verifies webhook deliveries before the
/// handler runs: the same options and behaviour as
/// [`VerifyLayer`](crate::tower::VerifyLayer) (see the
/// [receiver docs](crate::receiver)).
///
/// Apply it to the webhook resource or scope with `.wrap(..)`. The handler
/// takes a [`Verified`](super::Verified) (the delivery and its verified
/// bytes); the [`VerifiedDelivery`](crate::receiver::VerifiedDelivery) is
/// also in the request extensions, and the payload is set back to the
/// verified bytes.
///
/// ```
/// use hooksig::{actix::Verify, dedup::MemoryStore, github::GitHub};
///
/// let verify = Verify::new(GitHub::new("webhook-secret")?)
///     .answer_pings(true)
///     .dedup(MemoryStore::new());
/// # let _ = verify;
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct Verify {
    receiver: Arc<Receiver>,
    reject: Option<Arc<RejectFn>>,
}

impl Verify {
    /// Verifies every request with `provider`.
    pub fn new(provider: impl Provider + 'static) -> Self {
        Verify::from_receiver(Receiver::new(provider))
    }

    /// Verifies each request with the provider `resolver` finds for it
    /// (see [`Resolve`] and [`PathTenants`](crate::receiver::PathTenants)).
    pub fn resolve(resolver: impl Resolve + 'static) -> Self {
        Verify::from_receiver(Receiver::resolve(resolver))
    }

    /// Middleware running `receiver`, configured already.
    pub fn from_receiver(receiver: Receiver) -> Self {
        Verify {
            receiver: Arc::new(receiver.adapter(Adapter::Actix)),
            reject: None,
        }
    }

    crate::receiver::receiver_options!(
        peer = "The peer address is actix's `ServiceRequest::peer_addr`, the \
socket's (never `connection_info().realip_remote_addr()`, which believes \
any client's headers); on a Unix socket there is none, and every request \
is refused."
    );

    /// Answers every rejection with `hook`'s response instead of the
    /// default status and JSON body, as
    /// [`VerifyLayer::on_reject`](crate::tower::VerifyLayer::on_reject)
    /// does, with actix's types. Only rejections reach it (not pongs,
    /// handshakes, duplicates or 202 `queued`); the [`Error`] is in the
    /// response's extensions. Applies to the middleware, not to the
    /// [`Verified`](super::Verified) extractor used without it (map its
    /// [`Rejection`](super::Rejection) in the handler). Defaults to none.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use hooksig::{actix::Verify, github::GitHub, Error};
    ///
    /// let verify = Verify::new(GitHub::new("webhook-secret")?).on_reject(|error: &Error| {
    ///     match error.status().as_u16() {
    ///         401 => HttpResponse::Forbidden().body("forbidden"),
    ///         _ => HttpResponse::build(actix_web::http::StatusCode::from_u16(error.status().as_u16()).unwrap())
    ///             .body(error.kind()),
    ///     }
    /// });
    /// # let _ = verify;
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn on_reject<F, B>(mut self, hook: F) -> Self
    where
        F: Fn(&Error) -> HttpResponse<B> + Send + Sync + 'static,
        B: MessageBody + 'static,
    {
        self.reject = Some(Arc::new(move |error: &Error| {
            hook(error).map_into_boxed_body()
        }));
        self
    }
}

impl fmt::Debug for Verify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verify")
            .field("receiver", &self.receiver)
            .field("on_reject", &self.reject.is_some())
            .finish()
    }
}

impl<S, B> Transform<S, ServiceRequest> for Verify
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = VerifyMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<VerifyMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(VerifyMiddleware {
            service: Rc::new(service),
            receiver: Arc::clone(&self.receiver),
            reject: self.reject.clone(),
        }))
    }
}

/// The service [`Verify`] wraps around the route's service.
pub struct VerifyMiddleware<S> {
    service: Rc<S>,
    receiver: Arc<Receiver>,
    reject: Option<Arc<RejectFn>>,
}

impl<S> fmt::Debug for VerifyMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyMiddleware")
            .field("receiver", &self.receiver)
            .finish_non_exhaustive()
    }
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl<S, B> Service<ServiceRequest> for VerifyMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<Result<Self::Response, Self::Error>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        // The socket's peer, never a header a client may write.
        let peer = request.peer_addr().map(|addr| addr.ip());
        let screened = {
            let head = Head::new(
                request.method().as_str(),
                target(request.uri()),
                request.headers(),
            )
            .with_peer(peer);
            self.receiver.screen(&head)
        };
        if let Some(answer) = screened {
            let response = request.into_response(respond(&answer, self.reject.as_deref()));
            return Box::pin(ready(Ok(response.map_into_right_body())));
        }
        let service = Rc::clone(&self.service);
        let receiver = Arc::clone(&self.receiver);
        let reject = self.reject.clone();
        Box::pin(async move {
            // Scoped so that `accepted`, moved into `finish`, takes no room
            // in the future while the claim is settled.
            let (result, finishing) = {
                let mut accepted = {
                    // The payload is read where it is (nothing to keep in
                    // this future), then refilled with the verified bytes.
                    let (head, payload) = request.parts_mut();
                    let head =
                        Head::new(head.method().as_str(), target(head.uri()), head.headers())
                            .with_peer(peer);
                    match receiver
                        .prepare_screened(&head, |limit| read_payload(payload, limit))
                        .await
                    {
                        Step::Answer(answer) => {
                            let response =
                                request.into_response(respond(&answer, reject.as_deref()));
                            return Ok(response.map_into_right_body());
                        }
                        Step::Handle(accepted) => accepted,
                    }
                };
                let result = {
                    let body = accepted.take_body();
                    request.extensions_mut().insert(accepted.delivery().clone());
                    request.extensions_mut().insert(VerifiedBody(body.clone()));
                    refill(request.parts_mut().1, body);
                    service.call(request)
                }
                .await;
                let status = match &result {
                    Ok(response) => response.status().as_u16(),
                    Err(error) => error.as_response_error().status_code().as_u16(),
                };
                let status = http::StatusCode::from_u16(status)
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
                (result, accepted.finish(status))
            };
            finishing.await;
            result.map(ServiceResponse::map_into_left_body)
        })
    }
}

/// Sets the payload the handler reads to the verified bytes: put back into
/// the payload that was read (actix's HTTP/1 payload, read to its end: no
/// allocation), or in a new one.
fn refill(payload: &mut Payload, body: Bytes) {
    match payload {
        Payload::H1 { payload } => payload.unread_data(body),
        other => *other = Payload::from(body),
    }
}

/// The receiver's answer, or the rejection hook's response for a
/// rejection, the error in its extensions.
fn respond(answer: &Answer, reject: Option<&RejectFn>) -> HttpResponse<BoxBody> {
    if let (Some(hook), Some(error)) = (reject, answer.error()) {
        let mut response = hook(error);
        response.extensions_mut().insert(error.clone());
        return response;
    }
    super::response(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::VerifiedDelivery;
    use crate::{github::GitHub, Outgoing};
    use actix_web::{test, web, App};

    /// Behind the middleware the handler reads the same verified bytes from
    /// `Verified`, from the payload (`web::Bytes`, refilled) and the
    /// delivery from the request extensions.
    #[actix_web::test]
    async fn the_payload_is_refilled_with_the_verified_bytes() {
        let github = GitHub::new("s").unwrap();
        let body = br#"{"zen":"refilled"}"#.to_vec();
        let headers = github
            .sign_headers(&Outgoing::new(&body).id("d-1").event("push"))
            .unwrap();
        let app =
            test::init_service(
                App::new().service(web::resource("/").wrap(Verify::new(github)).route(
                    web::post().to(
                        |verified: crate::actix::Verified,
                         delivery: web::ReqData<VerifiedDelivery>,
                         bytes: web::Bytes| async move {
                            assert_eq!(verified.body(), &bytes);
                            assert_eq!(verified.delivery(), &*delivery);
                            HttpResponse::Ok().body(bytes)
                        },
                    ),
                )),
            )
            .await;
        let mut request = test::TestRequest::post().uri("/").set_payload(body.clone());
        for (name, value) in &headers {
            request = request.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        let response = test::call_service(&app, request.to_request()).await;
        assert!(response.status().is_success());
        assert_eq!(test::read_body(response).await, body);
    }
}
