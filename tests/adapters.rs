//! One conformance suite for every adapter, over real HTTP on 127.0.0.1:
//! the tower layer (in axum, and in a plain hyper 1 server), the axum
//! extractor, the actix-web middleware
//! and the actix-web extractor without the middleware. Each runs the same
//! [`conformance`] checks through a raw HTTP/1.1 client, so a lying
//! `Content-Length` and a chunked body reach the server as sent.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::receiver::{PathTenants, Receiver, VerifiedDelivery};
use hooksig::{Outgoing, Provider};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

const SECRET: &str = "It's a Secret to Everybody";
const LIMIT: usize = 64 * 1024;

/// What every adapter's handler does: count, remember the id, optionally
/// wait at a gate, and answer the configured status.
struct Shared {
    calls: AtomicUsize,
    entered: AtomicUsize,
    ids: Mutex<Vec<String>>,
    status: AtomicU16,
    hold: AtomicBool,
    gate: Semaphore,
}

impl Shared {
    fn new() -> Arc<Self> {
        Arc::new(Shared {
            calls: AtomicUsize::new(0),
            entered: AtomicUsize::new(0),
            ids: Mutex::new(Vec::new()),
            status: AtomicU16::new(200),
            hold: AtomicBool::new(false),
            gate: Semaphore::new(0),
        })
    }

    async fn handle(&self, delivery: &VerifiedDelivery, body_len: usize) -> u16 {
        assert!(body_len > 0);
        self.entered.fetch_add(1, Ordering::SeqCst);
        if self.hold.swap(false, Ordering::SeqCst) {
            self.gate.acquire().await.unwrap().forget();
        }
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.ids
            .lock()
            .unwrap()
            .push(delivery.id().unwrap_or("-").to_owned());
        self.status.load(Ordering::SeqCst)
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// The receiver every adapter runs: GitHub through path tenants (`acme`
/// enabled, `gone` disabled), pings answered, dedup in memory, 64 KiB.
fn receiver() -> Receiver {
    let tenants = PathTenants::segment(1);
    tenants.insert("acme", GitHub::new(SECRET).unwrap());
    tenants.insert("gone", GitHub::new(SECRET).unwrap());
    tenants.disable("gone");
    Receiver::resolve(tenants)
        .answer_pings(true)
        .body_limit(LIMIT)
        .dedup(MemoryStore::new())
}

mod tower_adapter {
    use super::*;
    use axum::extract::State;
    use axum::routing::post;
    use axum::{Extension, Router};
    use hooksig::tower::VerifyLayer;

    async fn handler(
        State(shared): State<Arc<Shared>>,
        Extension(delivery): Extension<VerifiedDelivery>,
        body: axum::body::Bytes,
    ) -> http::StatusCode {
        let status = shared.handle(&delivery, body.len()).await;
        http::StatusCode::from_u16(status).unwrap()
    }

    pub(super) async fn start(shared: Arc<Shared>) -> SocketAddr {
        let app = Router::new()
            .route(
                "/webhooks/{tenant}",
                post(handler).route_layer(VerifyLayer::from_receiver(receiver())),
            )
            .with_state(shared);
        serve_axum(app).await
    }
}

mod axum_extractor {
    use super::*;
    use axum::extract::{FromRef, State};
    use axum::routing::post;
    use axum::Router;
    use hooksig::axum::Verified;

    #[derive(Clone)]
    struct AppState {
        receiver: Receiver,
        shared: Arc<Shared>,
    }

    impl FromRef<AppState> for Receiver {
        fn from_ref(state: &AppState) -> Receiver {
            state.receiver.clone()
        }
    }

    async fn handler(State(state): State<AppState>, verified: Verified) -> http::StatusCode {
        let status = state
            .shared
            .handle(verified.delivery(), verified.body().len())
            .await;
        let status = http::StatusCode::from_u16(status).unwrap();
        verified.finish(status).await;
        status
    }

    pub(super) async fn start(shared: Arc<Shared>) -> SocketAddr {
        let state = AppState {
            receiver: receiver(),
            shared,
        };
        let app = Router::new()
            .route("/webhooks/{tenant}", post(handler))
            .with_state(state);
        serve_axum(app).await
    }
}

async fn serve_axum(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

mod hyper_adapter {
    use super::*;
    use bytes::Bytes;
    use hooksig::tower::VerifyLayer;
    use http_body_util::Full;
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    use tower::Layer;

    /// A plain hyper 1 server: tower's `service_fn` inside `VerifyLayer`,
    /// served through hyper-util's `TowerToHyperService`, as
    /// examples/hyper.rs does.
    pub(super) async fn start(shared: Arc<Shared>) -> SocketAddr {
        let handler = tower::service_fn(move |request: http::Request<Full<Bytes>>| {
            let shared = Arc::clone(&shared);
            async move {
                let delivery = request
                    .extensions()
                    .get::<VerifiedDelivery>()
                    .unwrap()
                    .clone();
                let length = http_body::Body::size_hint(request.body())
                    .exact()
                    .unwrap_or(0) as usize;
                let status = shared.handle(&delivery, length).await;
                let mut response = http::Response::new(Full::new(Bytes::new()));
                *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let service = VerifyLayer::from_receiver(receiver()).layer(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let service = TowerToHyperService::new(service.clone());
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        addr
    }
}

mod actix_adapter {
    use super::*;
    use actix_web::{web, App, HttpResponse, HttpServer};
    use hooksig::actix::{Verified, Verify};

    async fn middleware_handler(shared: web::Data<Shared>, verified: Verified) -> HttpResponse {
        let status = shared
            .handle(verified.delivery(), verified.body().len())
            .await;
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
    }

    async fn extractor_handler(shared: web::Data<Shared>, verified: Verified) -> HttpResponse {
        let status = shared
            .handle(verified.delivery(), verified.body().len())
            .await;
        let status = actix_web::http::StatusCode::from_u16(status).unwrap();
        verified.finish(status).await;
        HttpResponse::build(status).finish()
    }

    /// Runs an actix server on its own thread (actix's runtime is
    /// single-threaded per worker); `with_middleware` picks the
    /// middleware or the extractor alone.
    pub(super) fn start(shared: Arc<Shared>, with_middleware: bool) -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let data = web::Data::from(shared);
        let verify = Verify::from_receiver(receiver());
        let receiver = receiver();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                HttpServer::new(move || {
                    let app = App::new().app_data(data.clone());
                    if with_middleware {
                        app.service(
                            web::resource("/webhooks/{tenant}")
                                .wrap(verify.clone())
                                .route(web::post().to(middleware_handler)),
                        )
                    } else {
                        app.app_data(receiver.clone()).service(
                            web::resource("/webhooks/{tenant}")
                                .route(web::post().to(extractor_handler)),
                        )
                    }
                })
                .workers(1)
                .disable_signals()
                .listen(listener)
                .unwrap()
                .run()
                .await
                .unwrap();
            });
        });
        addr
    }
}

// ---- a raw HTTP/1.1 client ---------------------------------------------

fn signed_headers(id: &str, event: &str, body: &[u8]) -> Vec<(String, String)> {
    GitHub::new(SECRET)
        .unwrap()
        .sign_headers(&Outgoing::new(body).id(id).event(event))
        .unwrap()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect()
}

fn head(path: &str, headers: &[(String, String)], framing: &str) -> Vec<u8> {
    let mut text = format!("POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(framing);
    text.push_str("\r\n");
    text.into_bytes()
}

fn request(path: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut raw = head(
        path,
        headers,
        &format!(
            "content-length: {}\r\ncontent-type: application/json\r\n",
            body.len()
        ),
    );
    raw.extend_from_slice(body);
    raw
}

/// Sends `raw` and reads the answer: status and body (chunked decoded).
async fn exchange(addr: SocketAddr, raw: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer (413) and close before taking everything.
    let _ = stream.write_all(raw).await;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => buffer.extend_from_slice(&chunk[..n]),
            Err(_) => panic!("no answer within 10 s"),
        }
        if complete(&buffer) {
            break;
        }
    }
    parse(&buffer)
}

fn split(buffer: &[u8]) -> Option<(String, &[u8])> {
    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some((
        String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase(),
        &buffer[end + 4..],
    ))
}

/// Whether a whole response is in `buffer` (by content-length or the
/// chunked terminator), so keep-alive servers need not close first.
fn complete(buffer: &[u8]) -> bool {
    let Some((head, body)) = split(buffer) else {
        return false;
    };
    if head.contains("transfer-encoding: chunked") {
        return body.ends_with(b"0\r\n\r\n");
    }
    match head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
    {
        Some(length) => body.len() >= length.trim().parse::<usize>().unwrap(),
        None => false,
    }
}

fn parse(buffer: &[u8]) -> (u16, String) {
    let (head, mut body) = split(buffer).expect("an HTTP response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut decoded = Vec::new();
    if head.contains("transfer-encoding: chunked") {
        loop {
            let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap(), 16).unwrap();
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
            body = &body[line_end + 2 + size + 2..];
        }
    } else {
        decoded.extend_from_slice(body);
    }
    (status, String::from_utf8_lossy(&decoded).into_owned())
}

fn error_kind(body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    json["error"].as_str().unwrap_or("").to_owned()
}

// ---- the suite ---------------------------------------------------------

const PUSH: &[u8] = br#"{"ref":"refs/heads/main","commits":[]}"#;

async fn conformance(addr: SocketAddr, shared: Arc<Shared>) {
    let path = "/webhooks/acme";

    // valid → handler, with the id it verified
    let raw = request(path, &signed_headers("d-valid", "push", PUSH), PUSH);
    assert_eq!(exchange(addr, &raw).await.0, 200, "valid");
    assert_eq!(shared.calls(), 1);
    assert_eq!(shared.ids.lock().unwrap().last().unwrap(), "d-valid");

    // duplicate → 200 duplicate, handler not called
    let (status, body) = exchange(addr, &raw).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    assert_eq!(shared.calls(), 1);

    // tampered → 401
    let headers = signed_headers("d-tampered", "push", PUSH);
    let (status, body) = exchange(addr, &request(path, &headers, b"{\"ref\":\"evil\"}")).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (401, "signature_mismatch")
    );
    assert!(!body.contains(SECRET));

    // malformed → 400
    let mut headers = signed_headers("d-malformed", "push", PUSH);
    for (name, value) in &mut headers {
        if name == "x-hub-signature-256" {
            *value = "sha256=zz".into();
        }
    }
    let (status, body) = exchange(addr, &request(path, &headers, PUSH)).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (400, "malformed_header")
    );

    // oversize, declared: a Content-Length above the limit, little sent
    let big = vec![b' '; LIMIT + 1];
    let headers = signed_headers("d-big", "push", &big);
    let mut raw = head(
        path,
        &headers,
        &format!("content-length: {}\r\n", LIMIT * 4),
    );
    raw.extend_from_slice(&big[..100]);
    let (status, body) = exchange(addr, &raw).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (413, "body_too_large")
    );

    // oversize, chunked: no length declared, more than the limit streamed
    let mut raw = head(path, &headers, "transfer-encoding: chunked\r\n");
    for piece in big.chunks(8 * 1024) {
        raw.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        raw.extend_from_slice(piece);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let (status, body) = exchange(addr, &raw).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (413, "body_too_large")
    );
    assert_eq!(shared.calls(), 1);

    // a chunked body within the limit is verified like any
    let mut raw = head(
        path,
        &signed_headers("d-chunked", "push", PUSH),
        "transfer-encoding: chunked\r\n",
    );
    for piece in PUSH.chunks(7) {
        raw.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        raw.extend_from_slice(piece);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(
        exchange(addr, &raw).await.0,
        200,
        "chunked within the limit"
    );
    assert_eq!(shared.calls(), 2);

    // ping → pong, handler not called
    let ping = br#"{"zen":"Keep it logically awesome.","hook_id":1}"#;
    let raw = request(path, &signed_headers("d-ping", "ping", ping), ping);
    let (status, body) = exchange(addr, &raw).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"pong"}"#));
    assert_eq!(shared.calls(), 2);

    // handler failure, then the retry → processed
    shared.status.store(500, Ordering::SeqCst);
    let raw = request(path, &signed_headers("d-retry", "push", PUSH), PUSH);
    assert_eq!(exchange(addr, &raw).await.0, 500, "handler failure");
    shared.status.store(200, Ordering::SeqCst);
    assert_eq!(exchange(addr, &raw).await.0, 200, "retry");
    assert_eq!(shared.calls(), 4);
    assert_eq!(exchange(addr, &raw).await.1, r#"{"status":"duplicate"}"#);

    // in flight → 409 while the twin is being handled, and not lost
    shared.hold.store(true, Ordering::SeqCst);
    let raw = request(path, &signed_headers("d-twin", "push", PUSH), PUSH);
    let entered = shared.entered.load(Ordering::SeqCst);
    let first = tokio::spawn({
        let raw = raw.clone();
        async move { exchange(addr, &raw).await }
    });
    while shared.entered.load(Ordering::SeqCst) == entered {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (status, body) = exchange(addr, &raw).await;
    assert_eq!((status, error_kind(&body).as_str()), (409, "in_flight"));
    shared.gate.add_permits(1);
    assert_eq!(first.await.unwrap().0, 200);
    assert_eq!(exchange(addr, &raw).await.1, r#"{"status":"duplicate"}"#);
    assert_eq!(shared.calls(), 5);

    // unknown tenant → 404, disabled tenant → 403
    let headers = signed_headers("d-tenant", "push", PUSH);
    let (status, body) = exchange(addr, &request("/webhooks/nobody", &headers, PUSH)).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (404, "unknown_tenant")
    );
    let (status, body) = exchange(addr, &request("/webhooks/gone", &headers, PUSH)).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (403, "disabled_tenant")
    );
    assert_eq!(shared.calls(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tower_layer_conforms() {
    let shared = Shared::new();
    let addr = tower_adapter::start(Arc::clone(&shared)).await;
    conformance(addr, shared).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_hyper_with_the_tower_layer_conforms() {
    let shared = Shared::new();
    let addr = hyper_adapter::start(Arc::clone(&shared)).await;
    conformance(addr, shared).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_extractor_conforms() {
    let shared = Shared::new();
    let addr = axum_extractor::start(Arc::clone(&shared)).await;
    conformance(addr, shared).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_middleware_conforms() {
    let shared = Shared::new();
    let addr = actix_adapter::start(Arc::clone(&shared), true);
    conformance(addr, shared).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_extractor_conforms() {
    let shared = Shared::new();
    let addr = actix_adapter::start(Arc::clone(&shared), false);
    conformance(addr, shared).await;
}

/// The actix extractor with neither the middleware nor a `Receiver` in the
/// app data is a configuration error (500, JSON), not a panic.
#[test]
fn actix_extractor_without_a_receiver_is_a_500_configuration_error() {
    use actix_web::{test, web, App, HttpResponse};
    use hooksig::actix::Verified;

    actix_web::rt::System::new().block_on(async {
        let app = test::init_service(App::new().route(
            "/",
            web::post().to(|_: Verified| async { HttpResponse::Ok().finish() }),
        ))
        .await;
        let response =
            test::call_service(&app, test::TestRequest::post().uri("/").to_request()).await;
        assert_eq!(response.status().as_u16(), 500);
        let body = test::read_body(response).await;
        assert_eq!(
            error_kind(std::str::from_utf8(&body).unwrap()),
            "invalid_config"
        );
    });
}
