//! Requests per second through an axum route with and without
//! `VerifyLayer` (GitHub, with a `MemoryStore`), 1 KiB bodies, on loopback.
//! A third route verifies inside the handler (`GitHub::verify` on the
//! `HeaderMap` and `Bytes` extractors, no dedup): the work any receiver
//! must do, so `VerifyLayer` minus that route is what the middleware's own
//! plumbing costs.
//!
//! `cargo bench --bench throughput` — or set `HOOKSIG_BENCH_REQUESTS`
//! (default 20 000 per round) and `HOOKSIG_BENCH_CONNECTIONS` (default 16
//! keep-alive connections). Rounds alternate plain / verified so drift in
//! the machine's load hits both; the median round of each is reported.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use axum::Router;
use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::tower::VerifyLayer;
use hooksig::{Outgoing, Provider};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

const BODY_SIZE: usize = 1024;
const ROUNDS: usize = 5;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn handler(body: Bytes) -> String {
    body.len().to_string()
}

/// The same handler, verifying the delivery itself first.
async fn verifying_handler(
    axum::extract::State(github): axum::extract::State<GitHub>,
    headers: http::HeaderMap,
    body: Bytes,
) -> Result<String, http::StatusCode> {
    match github.verify(&headers, &body) {
        Ok(_) => Ok(body.len().to_string()),
        Err(error) => Err(error.status()),
    }
}

/// Sends `count` requests over one keep-alive connection.
async fn drive(
    addr: SocketAddr,
    path: &'static str,
    headers: http::HeaderMap,
    body: Bytes,
    ids: Vec<String>,
) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    for id in ids {
        let mut request = http::Request::post(path)
            .header("host", "bench")
            .body(Full::new(body.clone()))
            .unwrap();
        request.headers_mut().extend(headers.clone());
        request
            .headers_mut()
            .insert("x-github-delivery", id.parse().unwrap());
        sender.ready().await.unwrap();
        let response = sender.send_request(request).await.unwrap();
        assert_eq!(response.status(), 200);
        response.into_body().collect().await.unwrap();
    }
}

async fn round(
    addr: SocketAddr,
    path: &'static str,
    headers: &http::HeaderMap,
    body: &Bytes,
    requests: usize,
    connections: usize,
    tag: &str,
) -> f64 {
    let per = requests / connections;
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let ids = (0..per).map(|i| format!("{tag}-{c}-{i}")).collect();
            tokio::spawn(drive(addr, path, headers.clone(), body.clone(), ids))
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (per * connections) as f64 / started.elapsed().as_secs_f64()
}

/// Microseconds per request through `app` called in-process (no sockets):
/// the middleware's own cost, without loopback networking's noise.
async fn in_process(
    app: &Router,
    headers: &http::HeaderMap,
    body: &Bytes,
    count: usize,
    tag: &str,
) -> f64 {
    use tower::ServiceExt;
    let started = Instant::now();
    for i in 0..count {
        let mut request = http::Request::post("/")
            .body(axum::body::Body::from(body.clone()))
            .unwrap();
        request.headers_mut().extend(headers.clone());
        request
            .headers_mut()
            .insert("x-github-delivery", format!("{tag}-{i}").parse().unwrap());
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200);
        response.into_body().collect().await.unwrap();
    }
    started.elapsed().as_secs_f64() * 1e6 / count as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let requests = env_number("HOOKSIG_BENCH_REQUESTS", 20_000);
    let connections = env_number("HOOKSIG_BENCH_CONNECTIONS", 16).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let github = GitHub::new("bench-secret").unwrap();
        let layered = || VerifyLayer::new(github.clone()).dedup(MemoryStore::new());
        let app = Router::new()
            .route("/plain", post(handler))
            .route("/manual", post(verifying_handler).with_state(github.clone()))
            .route("/verified", post(handler).route_layer(layered()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, app).into_future());

        let body = Bytes::from(vec![b'x'; BODY_SIZE]);
        // The same signed requests go to every route: only the
        // verification differs.
        let signed = github.sign_headers(&Outgoing::new(&body).event("push")).unwrap();
        let routes = ["/plain", "/manual", "/verified"];

        for path in routes {
            round(addr, path, &signed, &body, 2_000, connections, &format!("warm{path}")).await;
        }
        let mut rates = [Vec::new(), Vec::new(), Vec::new()];
        let deadline = Instant::now() + Duration::from_secs(120);
        for r in 0..ROUNDS {
            // Rounds alternate between the routes so drift hits all three.
            for (path, rate) in routes.iter().zip(&mut rates) {
                rate.push(round(addr, path, &signed, &body, requests, connections, &format!("{path}{r}")).await);
            }
            if Instant::now() > deadline {
                break;
            }
        }
        let rounds = rates[0].len();
        println!(
            "throughput: {BODY_SIZE}-byte bodies, {requests} requests x {rounds} rounds, {connections} keep-alive connections, {} worker threads",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        let medians: Vec<f64> = rates.iter_mut().map(|r| median(r)).collect();
        let labels = [
            "axum route, no verification:         ",
            "axum route, GitHub::verify in handler:",
            "axum route + VerifyLayer + MemoryStore:",
        ];
        for ((label, m), rate) in labels.iter().zip(&medians).zip(&rates) {
            println!("  {label} {m:>9.0} req/s (rounds: {rate:.0?})");
        }
        println!(
            "  overhead vs no verification: in handler {:.1} %, VerifyLayer {:.1} %",
            (medians[0] - medians[1]) / medians[0] * 100.0,
            (medians[0] - medians[2]) / medians[0] * 100.0
        );

        let apps = [
            Router::new().route("/", post(handler)),
            Router::new().route("/", post(verifying_handler).with_state(github.clone())),
            Router::new().route("/", post(handler).route_layer(VerifyLayer::new(github.clone()))),
            Router::new().route("/", post(handler).route_layer(layered())),
        ];
        let mut costs = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for r in 0..ROUNDS {
            for (i, (app, cost)) in apps.iter().zip(&mut costs).enumerate() {
                cost.push(in_process(app, &signed, &body, requests, &format!("i{i}-{r}")).await);
            }
        }
        println!("in process (Router::oneshot, no sockets), {requests} requests x {ROUNDS} rounds, median:");
        let labels = [
            "axum route, no verification:          ",
            "GitHub::verify in the handler:         ",
            "+ VerifyLayer:                         ",
            "+ VerifyLayer + MemoryStore:           ",
        ];
        for (label, cost) in labels.iter().zip(&mut costs) {
            println!("  {label} {:>6.2} us/request", median(cost));
        }
    });
}
