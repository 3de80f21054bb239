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

/// How an adapter is started: the receiver it runs, whether the
/// middleware adapters get the rejection hook (401 → 403, a text body),
/// and the address the server binds (`[::]` makes every IPv4 peer an
/// IPv4-mapped IPv6 address).
#[derive(Clone, Copy)]
struct Setup {
    receiver: fn() -> Receiver,
    hook: bool,
    bind: &'static str,
}

const PLAIN: Setup = Setup {
    receiver,
    hook: false,
    bind: "127.0.0.1:0",
};

/// The address the client connects to: loopback on the bound port.
fn local(addr: SocketAddr) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], addr.port()))
}

/// The rejection hook of the middleware adapters: a bad signature is 403
/// (as Nectr answers), every rejection a text body naming its kind.
fn hook_status(error: &hooksig::Error) -> u16 {
    match error.status().as_u16() {
        401 => 403,
        status => status,
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

    pub(super) fn layer(setup: Setup) -> VerifyLayer {
        let layer = VerifyLayer::from_receiver((setup.receiver)());
        if !setup.hook {
            return layer;
        }
        layer.on_reject(|error: &hooksig::Error| {
            http::Response::builder()
                .status(hook_status(error))
                .header("content-type", "text/plain")
                .body(format!("refused: {}", error.kind()))
                .unwrap()
        })
    }

    pub(super) async fn start(shared: Arc<Shared>, setup: Setup) -> SocketAddr {
        let app = Router::new()
            .route(
                "/webhooks/{tenant}",
                post(handler).route_layer(layer(setup)),
            )
            .with_state(shared);
        serve_axum(app, setup.bind).await
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

    pub(super) async fn start(shared: Arc<Shared>, setup: Setup) -> SocketAddr {
        let state = AppState {
            receiver: (setup.receiver)(),
            shared,
        };
        let app = Router::new()
            .route("/webhooks/{tenant}", post(handler))
            .with_state(state);
        serve_axum(app, setup.bind).await
    }
}

/// Serves `app` with axum's `ConnectInfo<SocketAddr>`, the peer address
/// the receiver reads.
async fn serve_axum(app: axum::Router, bind: &str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(bind).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    local(addr)
}

mod hyper_adapter {
    use super::*;
    use bytes::Bytes;
    use http_body_util::Full;
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    use tower::{Layer, ServiceExt};

    /// A plain hyper 1 server: tower's `service_fn` inside `VerifyLayer`,
    /// served through hyper-util's `TowerToHyperService`, as
    /// examples/hyper.rs does, the peer's `SocketAddr` inserted in each
    /// request's extensions.
    pub(super) async fn start(shared: Arc<Shared>, setup: Setup) -> SocketAddr {
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
        let service = super::tower_adapter::layer(setup).layer(handler);
        let listener = tokio::net::TcpListener::bind(setup.bind).await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (stream, peer) = listener.accept().await.unwrap();
                let service = service.clone().map_request(
                    move |mut request: http::Request<hyper::body::Incoming>| {
                        request.extensions_mut().insert(peer);
                        request
                    },
                );
                let service = TowerToHyperService::new(service);
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        local(addr)
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
    pub(super) fn start(shared: Arc<Shared>, with_middleware: bool, setup: Setup) -> SocketAddr {
        let listener = std::net::TcpListener::bind(setup.bind).unwrap();
        let addr = listener.local_addr().unwrap();
        let data = web::Data::from(shared);
        let mut verify = Verify::from_receiver((setup.receiver)());
        if setup.hook {
            verify = verify.on_reject(|error: &hooksig::Error| {
                let status = actix_web::http::StatusCode::from_u16(hook_status(error)).unwrap();
                HttpResponse::build(status)
                    .content_type("text/plain")
                    .body(format!("refused: {}", error.kind()))
            });
        }
        let receiver = (setup.receiver)();
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
        local(addr)
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
    let stream = TcpStream::connect(addr).await.unwrap();
    exchange_on(stream, raw).await
}

/// [`exchange`] from the loopback address `source` (`127.0.0.2`, …): the
/// peer address the server sees.
async fn exchange_from(source: [u8; 4], addr: SocketAddr, raw: &[u8]) -> (u16, String) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((source, 0))).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    exchange_on(stream, raw).await
}

async fn exchange_on(mut stream: TcpStream, raw: &[u8]) -> (u16, String) {
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

/// The five stacks every suite runs against, each over real loopback HTTP.
#[derive(Clone, Copy)]
enum Stack {
    /// `VerifyLayer` in axum.
    Tower,
    /// `VerifyLayer` in a plain hyper server.
    Hyper,
    /// The axum `Verified` extractor.
    AxumExtractor,
    /// The actix-web `Verify` middleware.
    ActixMiddleware,
    /// The actix-web `Verified` extractor alone.
    ActixExtractor,
}

/// Starts `stack` with `setup` and returns the address it listens on.
async fn serve(stack: Stack, shared: Arc<Shared>, setup: Setup) -> SocketAddr {
    match stack {
        Stack::Tower => tower_adapter::start(shared, setup).await,
        Stack::Hyper => hyper_adapter::start(shared, setup).await,
        Stack::AxumExtractor => axum_extractor::start(shared, setup).await,
        Stack::ActixMiddleware => actix_adapter::start(shared, true, setup),
        Stack::ActixExtractor => actix_adapter::start(shared, false, setup),
    }
}

/// One test per stack, each running `suite(addr, shared)` on a server of
/// its own started with the given setup.
macro_rules! per_stack {
    ($suite:ident: $($test:ident => $stack:ident($setup:expr)),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            let shared = Shared::new();
            let addr = serve(Stack::$stack, Arc::clone(&shared), $setup).await;
            $suite(addr, shared).await;
        }
    )+};
}

per_stack! { conformance:
    tower_layer_conforms => Tower(PLAIN),
    plain_hyper_with_the_tower_layer_conforms => Hyper(PLAIN),
    axum_extractor_conforms => AxumExtractor(PLAIN),
    actix_middleware_conforms => ActixMiddleware(PLAIN),
    actix_extractor_conforms => ActixExtractor(PLAIN),
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

// ---- receiver policies: sender addresses, content keys, own statuses ----

/// The sender allowed, the trusted proxy, and an address neither is.
const SENDER: [u8; 4] = [127, 0, 0, 2];
const PROXY: [u8; 4] = [127, 0, 0, 3];
const STRANGER: [u8; 4] = [127, 0, 0, 1];

/// The conformance receiver with an allow-list (`127.0.0.2`), a trusted
/// proxy (`127.0.0.3`) and a content key: the pull request's number.
fn policy_receiver() -> Receiver {
    receiver()
        .allow_senders(["127.0.0.2", "10.9.0.0/16"])
        .unwrap()
        .trusted_proxies(["127.0.0.3/32"])
        .unwrap()
        .dedup_key(|delivery| {
            let body: serde_json::Value = delivery.json().ok()?;
            let number = body["pull_request"]["number"].as_u64()?;
            Some(format!("pr-{number}"))
        })
        .dedup_key_ttl(Duration::from_secs(60))
}

const POLICIES: Setup = Setup {
    receiver: policy_receiver,
    hook: false,
    bind: "127.0.0.1:0",
};

/// The same, on a dual-stack `[::]` socket: every peer is
/// `::ffff:127.0.0.x` and must match the IPv4 rules.
const POLICIES_DUAL_STACK: Setup = Setup {
    bind: "[::]:0",
    ..POLICIES
};

fn with(mut headers: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    headers.extend(
        extra
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    headers
}

fn pull_request(number: u64) -> Vec<u8> {
    format!(r#"{{"action":"synchronize","pull_request":{{"number":{number}}}}}"#).into_bytes()
}

async fn policies(addr: SocketAddr, shared: Arc<Shared>) {
    let path = "/webhooks/acme";
    let signed = |id: &str| request(path, &signed_headers(id, "push", PUSH), PUSH);

    // the allowed sender → handler
    assert_eq!(exchange_from(SENDER, addr, &signed("p-ok")).await.0, 200);
    assert_eq!(shared.calls(), 1);

    // another address → 403, the handler not called
    let (status, body) = exchange_from(STRANGER, addr, &signed("p-stranger")).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (403, "sender_refused")
    );

    // refused before the body is read: a declared oversize body is 403,
    // not 413 ...
    let big = vec![b' '; LIMIT + 1];
    let big_headers = signed_headers("p-big", "push", &big);
    let mut raw = head(
        path,
        &big_headers,
        &format!("content-length: {}\r\n", LIMIT * 4),
    );
    raw.extend_from_slice(&big[..100]);
    let (status, body) = exchange_from(STRANGER, addr, &raw).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (403, "sender_refused")
    );
    // ... and a chunked body that never ends is answered at once (reading
    // it would wait for the client, which sends nothing more)
    let mut raw = head(
        path,
        &signed_headers("p-endless", "push", PUSH),
        "transfer-encoding: chunked\r\n",
    );
    raw.extend_from_slice(b"5\r\n{\"ref\r\n");
    let (status, body) = exchange_from(STRANGER, addr, &raw).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (403, "sender_refused")
    );
    // the allowed sender's oversize body still gets 413
    let mut raw = head(
        path,
        &big_headers,
        &format!("content-length: {}\r\n", LIMIT * 4),
    );
    raw.extend_from_slice(&big[..100]);
    assert_eq!(exchange_from(SENDER, addr, &raw).await.0, 413);
    assert_eq!(shared.calls(), 1);

    // a forwarding header from a peer that is not a trusted proxy is not
    // believed
    let spoofed = request(
        path,
        &with(
            signed_headers("p-spoof", "push", PUSH),
            &[("x-forwarded-for", "127.0.0.2")],
        ),
        PUSH,
    );
    assert_eq!(exchange_from(STRANGER, addr, &spoofed).await.0, 403);

    // through the trusted proxy: the right-most untrusted hop
    let via = |id: &str, extra: &[(&str, &str)]| {
        request(path, &with(signed_headers(id, "push", PUSH), extra), PUSH)
    };
    /// A delivery id, the headers the proxy adds, the status and kind.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], u16, &'a str);
    let cases: &[Case<'_>] = &[
        ("p-xff", &[("x-forwarded-for", "127.0.0.2")], 200, ""),
        (
            "p-xff-prepended",
            &[("x-forwarded-for", "127.0.0.2, 127.0.0.9")],
            403,
            "sender_refused",
        ),
        (
            "p-xff-lines",
            &[
                ("x-forwarded-for", "127.0.0.9"),
                ("x-forwarded-for", "127.0.0.2, 127.0.0.3"),
            ],
            200,
            "",
        ),
        (
            "p-forwarded",
            &[("forwarded", r#"for="127.0.0.2:4711";proto=https"#)],
            200,
            "",
        ),
        (
            "p-forwarded-v6",
            &[("forwarded", r#"for="[::ffff:10.9.1.1]""#)],
            200,
            "",
        ),
        (
            "p-obfuscated",
            &[("forwarded", "for=127.0.0.2, for=_hidden")],
            403,
            "sender_refused",
        ),
        (
            "p-both",
            &[
                ("forwarded", "for=127.0.0.2"),
                ("x-forwarded-for", "127.0.0.2"),
            ],
            400,
            "malformed_header",
        ),
        (
            "p-garbage",
            &[("x-forwarded-for", "127.0.0.2, not-an-ip")],
            400,
            "malformed_header",
        ),
        // the proxy itself is not an allowed sender
        ("p-no-header", &[], 403, "sender_refused"),
    ];
    let mut calls = shared.calls();
    for (id, extra, expected, kind) in cases {
        let (status, body) = exchange_from(PROXY, addr, &via(id, extra)).await;
        assert_eq!(
            (status, error_kind(&body).as_str()),
            (*expected, *kind),
            "{id}: {body}"
        );
        if *expected == 200 {
            calls += 1;
        }
        assert_eq!(shared.calls(), calls, "{id}");
    }

    // content keys: while PR 7 is processed, another delivery for it is
    // skipped (200 duplicate), and the same delivery's own retry is 409
    let pr7 = pull_request(7);
    let first = request(path, &signed_headers("p-pr7-a", "pull_request", &pr7), &pr7);
    shared.hold.store(true, Ordering::SeqCst);
    let entered = shared.entered.load(Ordering::SeqCst);
    let running = tokio::spawn({
        let first = first.clone();
        async move { exchange_from(SENDER, addr, &first).await }
    });
    while shared.entered.load(Ordering::SeqCst) == entered {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = request(path, &signed_headers("p-pr7-b", "pull_request", &pr7), &pr7);
    let (status, body) = exchange_from(SENDER, addr, &second).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    let (status, body) = exchange_from(SENDER, addr, &first).await;
    assert_eq!((status, error_kind(&body).as_str()), (409, "in_flight"));
    let other = pull_request(70);
    let unrelated = request(
        path,
        &signed_headers("p-pr70", "pull_request", &other),
        &other,
    );
    assert_eq!(exchange_from(SENDER, addr, &unrelated).await.0, 200);
    shared.gate.add_permits(1);
    assert_eq!(running.await.unwrap().0, 200);
    assert_eq!(shared.calls(), calls + 2);
    // the skipped delivery stays skipped; a later one for PR 7 is processed
    // (a content key is released when its handler finishes)
    let (status, body) = exchange_from(SENDER, addr, &second).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    let third = request(path, &signed_headers("p-pr7-c", "pull_request", &pr7), &pr7);
    assert_eq!(exchange_from(SENDER, addr, &third).await.0, 200);
    assert_eq!(shared.calls(), calls + 3);
    // a failed handler releases the content key too
    let pr8 = pull_request(8);
    shared.status.store(500, Ordering::SeqCst);
    let failing = request(path, &signed_headers("p-pr8-a", "pull_request", &pr8), &pr8);
    assert_eq!(exchange_from(SENDER, addr, &failing).await.0, 500);
    shared.status.store(200, Ordering::SeqCst);
    let next = request(path, &signed_headers("p-pr8-b", "pull_request", &pr8), &pr8);
    assert_eq!(exchange_from(SENDER, addr, &next).await.0, 200);
    assert_eq!(shared.calls(), calls + 5);
    assert_eq!(shared.ids.lock().unwrap().last().unwrap(), "p-pr8-b");
}

per_stack! { policies:
    tower_layer_applies_the_policies => Tower(POLICIES_DUAL_STACK),
    plain_hyper_with_the_tower_layer_applies_the_policies => Hyper(POLICIES),
    axum_extractor_applies_the_policies => AxumExtractor(POLICIES),
    actix_middleware_applies_the_policies => ActixMiddleware(POLICIES_DUAL_STACK),
    actix_extractor_applies_the_policies => ActixExtractor(POLICIES),
}

/// A rejection hook answers rejections with the receiver's own statuses
/// and bodies, and leaves its other answers alone.
async fn own_statuses(addr: SocketAddr, shared: Arc<Shared>) {
    let path = "/webhooks/acme";
    let (status, body) = exchange(
        addr,
        &request(path, &signed_headers("h-1", "push", PUSH), PUSH),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, ""));
    // 401 becomes 403
    let headers = signed_headers("h-forged", "push", PUSH);
    let (status, body) = exchange(addr, &request(path, &headers, b"{\"ref\":\"evil\"}")).await;
    assert_eq!(
        (status, body.as_str()),
        (403, "refused: signature_mismatch")
    );
    // other rejections keep their status, with the hook's body
    let (status, body) = exchange(addr, &request("/webhooks/nobody", &headers, PUSH)).await;
    assert_eq!((status, body.as_str()), (404, "refused: unknown_tenant"));
    // a declared oversize body, refused before reading, goes through it too
    let mut raw = head(
        path,
        &headers,
        &format!("content-length: {}\r\n", LIMIT * 4),
    );
    raw.extend_from_slice(b"{}");
    let (status, body) = exchange(addr, &raw).await;
    assert_eq!((status, body.as_str()), (413, "refused: body_too_large"));
    // not errors: the duplicate and the pong are the receiver's answers
    let (status, body) = exchange(
        addr,
        &request(path, &signed_headers("h-1", "push", PUSH), PUSH),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    let ping = br#"{"zen":"z","hook_id":1}"#;
    let (status, body) = exchange(
        addr,
        &request(path, &signed_headers("h-ping", "ping", ping), ping),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"pong"}"#));
    assert_eq!(shared.calls(), 1);
}

const HOOKED: Setup = Setup {
    hook: true,
    ..PLAIN
};

per_stack! { own_statuses:
    tower_layer_answers_with_the_rejection_hook => Tower(HOOKED),
    plain_hyper_answers_with_the_rejection_hook => Hyper(HOOKED),
    actix_middleware_answers_with_the_rejection_hook => ActixMiddleware(HOOKED),
}

// ---- the inbox behind every adapter ------------------------------------

mod inbox_support {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, OnceLock};
    use std::time::{Duration, SystemTime};

    use hooksig::inbox::{Accept, BoxFuture, Envelope, Filter, Inbox, Lease, Settle, SqliteInbox};
    use hooksig::Error;

    /// A SQLite inbox that can be switched off: every call fails with
    /// `InboxUnavailable` while it is down.
    #[derive(Debug)]
    pub(super) struct Switch {
        pub(super) inner: SqliteInbox,
        pub(super) down: AtomicBool,
        path: PathBuf,
    }

    impl Switch {
        pub(super) fn open(name: &str) -> Arc<Switch> {
            let nanos = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let path = std::env::temp_dir().join(format!(
                "hooksig-adapters-{}-{nanos}-{name}.db",
                std::process::id()
            ));
            Arc::new(Switch {
                inner: SqliteInbox::open(&path).unwrap(),
                down: AtomicBool::new(false),
                path,
            })
        }

        pub(super) fn set_down(&self, down: bool) {
            self.down.store(down, Ordering::SeqCst);
        }

        fn up(&self) -> Result<(), Error> {
            if self.down.load(Ordering::SeqCst) {
                Err(Error::InboxUnavailable)
            } else {
                Ok(())
            }
        }
    }

    impl Drop for Switch {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.path.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    impl Inbox for Switch {
        fn accept<'a>(&'a self, envelope: &'a Envelope) -> BoxFuture<'a, Result<Accept, Error>> {
            Box::pin(async move {
                self.up()?;
                self.inner.accept(envelope).await
            })
        }
        fn lease<'a>(
            &'a self,
            max: usize,
            lease: Duration,
            now: SystemTime,
        ) -> BoxFuture<'a, Result<Vec<Lease>, Error>> {
            self.inner.lease(max, lease, now)
        }
        fn renew<'a>(
            &'a self,
            lease: &'a Lease,
            by: Duration,
            now: SystemTime,
        ) -> BoxFuture<'a, Result<bool, Error>> {
            self.inner.renew(lease, by, now)
        }
        fn settle<'a>(
            &'a self,
            lease: &'a Lease,
            settle: Settle,
            now: SystemTime,
        ) -> BoxFuture<'a, Result<bool, Error>> {
            self.inner.settle(lease, settle, now)
        }
        fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Envelope>, Error>> {
            self.inner.get(key)
        }
        fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Envelope>, Error>> {
            self.inner.list(filter)
        }
        fn replay<'a>(
            &'a self,
            key: &'a str,
            now: SystemTime,
        ) -> BoxFuture<'a, Result<bool, Error>> {
            self.inner.replay(key, now)
        }
        fn purge<'a>(&'a self, before: SystemTime) -> BoxFuture<'a, Result<u64, Error>> {
            self.inner.purge(before)
        }
    }

    /// The inbox of the test running now (each test starts one server).
    pub(super) static CURRENT: OnceLock<std::sync::Mutex<Option<Arc<Switch>>>> = OnceLock::new();

    pub(super) fn current() -> Arc<Switch> {
        CURRENT
            .get_or_init(Default::default)
            .lock()
            .unwrap()
            .clone()
            .expect("an inbox is installed")
    }
}

/// The conformance receiver in inbox mode, over the current test's
/// inbox, with the pull-request content key.
fn inbox_receiver() -> Receiver {
    receiver()
        .inbox(inbox_support::current())
        .dedup_key(|delivery| {
            let body: serde_json::Value = delivery.json().ok()?;
            Some(format!("pr-{}", body["pull_request"]["number"].as_u64()?))
        })
}

const INBOX: Setup = Setup {
    receiver: inbox_receiver,
    ..PLAIN
};

async fn inbox_conformance(
    addr: SocketAddr,
    shared: Arc<Shared>,
    inbox: Arc<inbox_support::Switch>,
) {
    use hooksig::inbox::Inbox as _;
    let path = "/webhooks/acme";
    let push = |id: &str| request(path, &signed_headers(id, "push", PUSH), PUSH);

    // queued → 202 with the key, durable in the inbox
    let (status, body) = exchange(addr, &push("i-1")).await;
    assert_eq!(
        (status, body.as_str()),
        (202, r#"{"id":"github:@acme:i-1","status":"queued"}"#)
    );
    let envelope = inbox.get("github:@acme:i-1").await.unwrap().unwrap();
    assert_eq!(envelope.body().as_ref(), PUSH);
    assert_eq!(envelope.tenant(), Some("acme"));
    // duplicate → 200
    let (status, body) = exchange(addr, &push("i-1")).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    // still verified, still answering pings
    let headers = signed_headers("i-forged", "push", PUSH);
    let (status, body) = exchange(addr, &request(path, &headers, b"{}")).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (401, "signature_mismatch")
    );
    let ping = br#"{"zen":"z","hook_id":1}"#;
    let (status, body) = exchange(
        addr,
        &request(path, &signed_headers("i-ping", "ping", ping), ping),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"pong"}"#));
    // inbox down → 503, never a 2xx; the retry once it is back is queued
    inbox.set_down(true);
    let (status, body) = exchange(addr, &push("i-2")).await;
    assert_eq!(
        (status, error_kind(&body).as_str()),
        (503, "inbox_unavailable")
    );
    inbox.set_down(false);
    assert_eq!(exchange(addr, &push("i-2")).await.0, 202);

    // content keys: held from queueing for the TTL
    let pr5 = pull_request(5);
    let first = request(path, &signed_headers("i-pr5-a", "pull_request", &pr5), &pr5);
    assert_eq!(exchange(addr, &first).await.0, 202);
    let second = request(path, &signed_headers("i-pr5-b", "pull_request", &pr5), &pr5);
    let (status, body) = exchange(addr, &second).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    assert!(inbox.get("github:@acme:i-pr5-b").await.unwrap().is_none());
    // released when the inbox fails, so the sender's retry is queued
    let pr6 = pull_request(6);
    let failed = request(path, &signed_headers("i-pr6", "pull_request", &pr6), &pr6);
    inbox.set_down(true);
    assert_eq!(exchange(addr, &failed).await.0, 503);
    inbox.set_down(false);
    assert_eq!(exchange(addr, &failed).await.0, 202);

    assert_eq!(
        shared.calls(),
        0,
        "the handler is never called in inbox mode"
    );
}

/// Installs a fresh inbox for the test; the tests that use one run one at
/// a time (the receiver factory is a plain `fn`).
static INBOX_TESTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn install_inbox(name: &str) -> Arc<inbox_support::Switch> {
    let inbox = inbox_support::Switch::open(name);
    *inbox_support::CURRENT
        .get_or_init(Default::default)
        .lock()
        .unwrap() = Some(Arc::clone(&inbox));
    inbox
}

/// The inbox suite on one stack: one at a time (the stacks share the
/// installed inbox), under `name`.
async fn queues_into_the_inbox(stack: Stack, name: &str) {
    let _one = INBOX_TESTS.lock().await;
    let inbox = install_inbox(name);
    let shared = Shared::new();
    let addr = serve(stack, Arc::clone(&shared), INBOX).await;
    inbox_conformance(addr, shared, inbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tower_layer_queues_into_the_inbox() {
    queues_into_the_inbox(Stack::Tower, "tower").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_extractor_queues_into_the_inbox() {
    queues_into_the_inbox(Stack::AxumExtractor, "axum").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_middleware_queues_into_the_inbox() {
    queues_into_the_inbox(Stack::ActixMiddleware, "actix").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_extractor_queues_into_the_inbox() {
    queues_into_the_inbox(Stack::ActixExtractor, "actix-extractor").await;
}
