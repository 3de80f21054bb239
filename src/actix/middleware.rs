//! [`Verify`], the actix-web middleware (`Transform` + `Service`).

use std::fmt;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::HttpMessage as _;

use super::extract::{read_payload, target, VerifiedBody};
use super::response;
use crate::clock::Clock;
use crate::dedup::DeliveryStore;
use crate::receiver::{Adapter, Head, Receiver, Resolve, Step};
use crate::Provider;

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
        }
    }

    fn map(self, f: impl FnOnce(Receiver) -> Receiver) -> Self {
        Verify {
            receiver: Arc::new(f(Arc::unwrap_or_clone(self.receiver))),
        }
    }

    /// The largest body read ([`Receiver::body_limit`]). Defaults to 2 MiB;
    /// GitHub sends up to 25 MB
    /// ([`GITHUB_BODY_LIMIT`](crate::receiver::GITHUB_BODY_LIMIT)).
    pub fn body_limit(self, bytes: usize) -> Self {
        self.map(|receiver| receiver.body_limit(bytes))
    }

    /// Answers a verified GitHub `ping` with 200 `{"status":"pong"}`
    /// ([`Receiver::answer_pings`]). Defaults to `false`.
    pub fn answer_pings(self, answer: bool) -> Self {
        self.map(|receiver| receiver.answer_pings(answer))
    }

    /// Suppresses duplicate deliveries with `store` ([`Receiver::dedup`]).
    /// Defaults to none.
    pub fn dedup(self, store: impl DeliveryStore + 'static) -> Self {
        self.map(|receiver| receiver.dedup(store))
    }

    /// Accepts verified deliveries into `inbox` and answers 202
    /// `{"status":"queued","id":"<key>"}` without calling the handler;
    /// duplicates get 200 `{"status":"duplicate"}`, an unreachable inbox
    /// 503 ([`Receiver::inbox`]). Defaults to none.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    pub fn inbox(self, inbox: impl crate::inbox::Inbox + 'static) -> Self {
        self.map(|receiver| receiver.inbox(inbox))
    }

    /// Where the middleware reads the time ([`Receiver::clock`]). Defaults
    /// to [`SystemClock`](crate::SystemClock).
    pub fn clock(self, clock: impl Clock + 'static) -> Self {
        self.map(|receiver| receiver.clock(clock))
    }

    /// The public base URL behind a proxy ([`Receiver::public_url`]).
    /// Defaults to none.
    pub fn public_url(self, base: impl Into<Arc<str>>) -> Self {
        self.map(|receiver| receiver.public_url(base))
    }

    /// The receiver this middleware runs.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }
}

impl fmt::Debug for Verify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Verify").field(&self.receiver).finish()
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
        }))
    }
}

/// The service [`Verify`] wraps around the route's service.
pub struct VerifyMiddleware<S> {
    service: Rc<S>,
    receiver: Arc<Receiver>,
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
        if let Some(answer) = self.receiver.declared_too_large(request.headers()) {
            let response = request.into_response(response(&answer));
            return Box::pin(ready(Ok(response.map_into_right_body())));
        }
        let service = Rc::clone(&self.service);
        let receiver = Arc::clone(&self.receiver);
        Box::pin(async move {
            let payload = request.take_payload();
            let step = {
                let head = Head::new(
                    request.method().as_str(),
                    target(request.uri()),
                    request.headers(),
                );
                receiver
                    .prepare(&head, |limit| read_payload(payload, limit))
                    .await
            };
            let accepted = match step {
                Step::Answer(answer) => {
                    let response = request.into_response(response(&answer));
                    return Ok(response.map_into_right_body());
                }
                Step::Handle(accepted) => accepted,
            };
            let mut accepted = accepted;
            let body = accepted.take_body();
            request.extensions_mut().insert(accepted.delivery().clone());
            request.extensions_mut().insert(VerifiedBody(body.clone()));
            request.set_payload(Payload::from(body));
            let result = service.call(request).await;
            let status = match &result {
                Ok(response) => response.status().as_u16(),
                Err(error) => error.as_response_error().status_code().as_u16(),
            };
            let status = http::StatusCode::from_u16(status)
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            accepted.finish(status).await;
            result.map(ServiceResponse::map_into_left_body)
        })
    }
}
