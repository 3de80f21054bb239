//! A plain hyper 1 server with `VerifyLayer`, no web framework.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET=... BIND=127.0.0.1:3000 cargo run --example hyper
//! ```
//!
//! hyper's own `service_fn` is not a tower `Service`, so `VerifyLayer`
//! cannot wrap it: build the service with **tower's** `service_fn`, layer
//! it, and hand it to hyper through hyper-util's `TowerToHyperService`.
//!
//! Serves GitHub deliveries on `/webhooks/github`: pings answered,
//! duplicates suppressed in memory, one line printed per delivery the
//! handler gets. Stop it with Ctrl-C.

use std::convert::Infallible;
use std::env;

use bytes::Bytes;
use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::receiver::GITHUB_BODY_LIMIT;
use hooksig::tower::{VerifiedDelivery, VerifyLayer};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tower::{Layer, ServiceExt};

async fn handle(request: Request<Full<Bytes>>) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.uri().path() != "/webhooks/github" {
        let mut response = Response::new(Full::new(Bytes::from_static(b"not found")));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return Ok(response);
    }
    let delivery = request.extensions().get::<VerifiedDelivery>();
    println!(
        "github delivery {} event {}",
        delivery.and_then(VerifiedDelivery::id).unwrap_or("-"),
        delivery.and_then(VerifiedDelivery::event).unwrap_or("-"),
    );
    Ok(Response::new(Full::new(Bytes::from_static(b"ok"))))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(secret) = env::var("GITHUB_WEBHOOK_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("set GITHUB_WEBHOOK_SECRET");
        std::process::exit(2);
    };
    // This server has one route, so the layer wraps the whole service.
    let service = VerifyLayer::new(GitHub::new(secret)?)
        .answer_pings(true)
        .body_limit(GITHUB_BODY_LIMIT)
        .dedup(MemoryStore::new())
        .layer(tower::service_fn(handle));
    // hyper hands the body as `hyper::body::Incoming`; the layer takes any
    // `http_body::Body` and gives the handler the verified bytes.

    let bind = env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        // The peer's address in each request's extensions, where the
        // layer's sender allow-list (`.allow_senders(..)?`) reads it.
        let service =
            service
                .clone()
                .map_request(move |mut request: Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(peer);
                    request
                });
        let service = TowerToHyperService::new(service);
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                eprintln!("connection error: {error}");
            }
        });
    }
}
