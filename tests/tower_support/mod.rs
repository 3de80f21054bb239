//! Helpers shared by tests/middleware.rs and tests/redis.rs: signed
//! requests, a recording handler, and a body that counts what is pulled.
#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use hooksig::tower::VerifiedDelivery;
use hooksig::{Outgoing, Provider};
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use tower::{Service, ServiceExt};

pub const GITHUB_SECRET: &str = "It's a Secret to Everybody";

/// A request to `path` with the headers `provider` signs for `body`.
pub fn signed(
    provider: &dyn Provider,
    path: &str,
    body: &[u8],
    id: &str,
    event: &str,
) -> Request<Full<Bytes>> {
    let headers = provider
        .sign_headers(&Outgoing::new(body).id(id).event(event))
        .unwrap();
    let mut request = Request::post(path)
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap();
    request.headers_mut().extend(headers);
    request
}

/// What the handler saw, and what it answers next.
#[derive(Clone)]
pub struct Recorder {
    pub calls: Arc<AtomicUsize>,
    pub seen: Arc<Mutex<Vec<(VerifiedDelivery, Bytes)>>>,
    pub status: Arc<AtomicU16>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            calls: Arc::default(),
            seen: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
        }
    }
}

impl Recorder {
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// A `service_fn` handler that records each call and answers the
    /// configured status with the body `handled`.
    pub fn handler(
        &self,
    ) -> impl Service<
        Request<Full<Bytes>>,
        Response = Response<Full<Bytes>>,
        Error = Infallible,
        Future = impl Send + 'static,
    > + Clone
           + Send
           + 'static {
        let recorder = self.clone();
        tower::service_fn(move |request: Request<Full<Bytes>>| {
            let recorder = recorder.clone();
            async move {
                recorder.calls.fetch_add(1, Ordering::SeqCst);
                let delivery = request
                    .extensions()
                    .get::<VerifiedDelivery>()
                    .cloned()
                    .expect("VerifiedDelivery in the extensions");
                let body = request.into_body().collect().await.unwrap().to_bytes();
                recorder.seen.lock().unwrap().push((delivery, body));
                let status = StatusCode::from_u16(recorder.status.load(Ordering::SeqCst)).unwrap();
                Ok::<_, Infallible>(
                    Response::builder()
                        .status(status)
                        .body(Full::new(Bytes::from_static(b"handled")))
                        .unwrap(),
                )
            }
        })
    }
}

/// Sends `request` through `service` and returns the status, the body as
/// text, and the rejection error from the extensions.
pub async fn send<S, B, RB>(
    service: &S,
    request: Request<B>,
) -> (u16, String, Option<hooksig::Error>)
where
    S: Service<Request<B>, Response = Response<RB>> + Clone,
    S::Error: std::fmt::Debug,
    RB: Body,
    RB::Error: std::fmt::Debug,
{
    let response = service.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let error = response.extensions().get::<hooksig::Error>().cloned();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap(), error)
}

/// A streamed body of `chunks` chunks of `chunk` bytes that counts how
/// many bytes were pulled from it, and can fail instead of ending.
pub struct CountingBody {
    pub chunk: usize,
    pub chunks: usize,
    pub pulled: Arc<AtomicUsize>,
    pub fail: bool,
}

impl Body for CountingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if self.chunks == 0 {
            if self.fail {
                return Poll::Ready(Some(Err(std::io::Error::other("connection reset"))));
            }
            return Poll::Ready(None);
        }
        self.chunks -= 1;
        self.pulled.fetch_add(self.chunk, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; self.chunk])))))
    }
}

/// Sends `request` through `service` and returns the status, the
/// `Content-Type` and `X-Content-Type-Options` headers and the body as
/// text: what a handshake answer is checked by.
pub async fn call<S, RB>(
    service: &S,
    request: Request<Full<Bytes>>,
) -> (u16, Option<String>, Option<String>, String)
where
    S: Service<Request<Full<Bytes>>, Response = Response<RB>> + Clone,
    S::Error: std::fmt::Debug,
    RB: Body,
    RB::Error: std::fmt::Debug,
{
    let response = service.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (content_type, nosniff) = (header("content-type"), header("x-content-type-options"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        nosniff,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}
