//! Accepted deliveries per second into `SqliteInbox` and into `RedisInbox`
//! over loopback HTTP, and the p99 answer time at half that rate.
//!
//! ```sh
//! cargo bench --bench inbox            # DELIVERIES=20000 CONNECTIONS=64 to change
//!                                      # REDIS_APPENDFSYNC=everysec, REDIS_CONNECTIONS=1 to compare
//! ```
//!
//! Not criterion: the figures are a rate and a latency percentile of a
//! whole server (axum, `VerifyLayer`, group-committed fsyncs), measured
//! once per run. Redis is a redis-server the bench starts on loopback,
//! durable as an inbox needs it (AOF, `appendfsync always`, or what
//! `REDIS_APPENDFSYNC` says); without a `redis-server` binary only SQLite
//! is measured.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use hooksig::github::GitHub;
use hooksig::inbox::{Inbox, RedisInbox, SqliteInbox, DEFAULT_CONNECTIONS};
use hooksig::tower::VerifyLayer;
use hooksig::{Outgoing, Provider};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

#[path = "../tests/redis_support/mod.rs"]
mod redis_support;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// One keep-alive connection sending deliveries `next` hands out, pacing
/// each one to `interval` when given; the answer times.
async fn client(
    addr: SocketAddr,
    github: Arc<GitHub>,
    next: Arc<AtomicUsize>,
    total: usize,
    run: &'static str,
    interval: Option<Duration>,
) -> Vec<Duration> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let body = Bytes::from(vec![b'x'; 1024]);
    let mut times = Vec::new();
    let mut tick = interval.map(tokio::time::interval);
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        if n >= total {
            return times;
        }
        if let Some(tick) = tick.as_mut() {
            tick.tick().await;
        }
        let id = format!("{run}-{n}");
        let headers = github
            .sign_headers(&Outgoing::new(&body).id(&id).event("push"))
            .unwrap();
        let mut request = http::Request::post("/webhooks/github")
            .header("host", addr.to_string())
            .body(Full::new(body.clone()))
            .unwrap();
        request.headers_mut().extend(headers);
        let started = Instant::now();
        let response = sender.send_request(request).await.unwrap();
        assert_eq!(response.status(), 202);
        response.into_body().collect().await.unwrap();
        times.push(started.elapsed());
    }
}

async fn load(
    addr: SocketAddr,
    run: &'static str,
    total: usize,
    connections: usize,
    interval: Option<Duration>,
) -> (f64, Duration) {
    let github = Arc::new(GitHub::new("bench-secret").unwrap());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..connections {
        clients.spawn(client(
            addr,
            Arc::clone(&github),
            Arc::clone(&next),
            total,
            run,
            interval,
        ));
    }
    let mut times = Vec::new();
    while let Some(client) = clients.join_next().await {
        times.extend(client.unwrap());
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    times.sort();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    (rate, p99)
}

/// Serves `inbox` behind the middleware on loopback, then measures the
/// full rate and the p99 at half of it.
async fn measure(name: &str, inbox: impl Inbox + 'static, total: usize, connections: usize) {
    let app = Router::new()
        .route("/webhooks/github", post(|| async { "unreachable" }))
        .route_layer(VerifyLayer::new(GitHub::new("bench-secret").unwrap()).inbox(inbox));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());

    let (rate, p99) = load(addr, "max", total, connections, None).await;
    println!("{name} inbox, 1 KiB over loopback, {connections} connections: {rate:.0} accepted/s (p99 {p99:?} at full load)");
    // Half that rate, spread over the same connections.
    let per_connection = Duration::from_secs_f64(connections as f64 / (rate / 2.0));
    let (half, p99) = load(addr, "half", total / 2, connections, Some(per_connection)).await;
    println!("{name} inbox at half rate ({half:.0}/s): p99 answer time {p99:?}");
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs benches with `--bench` absent: stay quick.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let total = env_usize("DELIVERIES", 20_000);
    let connections = env_usize("CONNECTIONS", 64);
    let path = std::env::temp_dir().join(format!("hooksig-bench-{}.db", std::process::id()));
    measure(
        "sqlite",
        SqliteInbox::open(&path).unwrap(),
        total,
        connections,
    )
    .await;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    if let Some(server) = redis_support::RedisServer::start("bench") {
        let pool = env_usize("REDIS_CONNECTIONS", DEFAULT_CONNECTIONS);
        let inbox = RedisInbox::connect_with(&server.url(), pool).await.unwrap();
        let name = format!(
            "redis (AOF, appendfsync {}, {pool} connections)",
            server.appendfsync()
        );
        measure(&name, inbox, total, connections).await;
    }
}
