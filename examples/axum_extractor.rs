//! axum, verifying per handler with the `hooksig::axum::Verified`
//! extractor instead of a route layer.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET=... BIND=127.0.0.1:3000 cargo run --example axum_extractor
//! ```
//!
//! Serves GitHub deliveries on `/webhooks/github`: pings answered,
//! duplicates suppressed in memory, one line printed per delivery the
//! handler gets. Stop it with Ctrl-C.

use std::env;

use axum::routing::post;
use axum::Router;
use hooksig::axum::Verified;
use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::receiver::{Receiver, GITHUB_BODY_LIMIT};

async fn handle(delivery: Verified) -> &'static str {
    println!(
        "github delivery {} event {}: {} bytes",
        delivery.id().unwrap_or("-"),
        delivery.event().unwrap_or("-"),
        delivery.body().len()
    );
    // Acknowledge fast; hand slow work to a queue in a real receiver.
    // The extractor cannot see the answer: record success explicitly.
    delivery.complete().await;
    "ok"
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
    let receiver = Receiver::new(GitHub::new(secret)?)
        .answer_pings(true)
        .body_limit(GITHUB_BODY_LIMIT)
        .dedup(MemoryStore::new());
    let app = Router::new()
        .route("/webhooks/github", post(handle))
        .with_state(receiver);

    let bind = env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
