//! A long-running webhook receiver for real deliveries.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET=... LINEAR_WEBHOOK_SECRET=... NOTIFY_WEBHOOK_SECRET=... \
//!   BIND=0.0.0.0:3000 REDIS_URL=redis://127.0.0.1:6379/ \
//!   cargo run --example receiver
//! ```
//!
//! Each provider whose secret is set gets a route (`/webhooks/github`,
//! `/webhooks/linear`, `/webhooks/notify`); a `*_PREVIOUS` variable adds the
//! old secret during a rotation. Duplicates are suppressed in Redis when
//! `REDIS_URL` is set (a fleet behind a load balancer), in memory otherwise.
//! `BIND` defaults to 127.0.0.1:3000. Stop it with Ctrl-C.

use std::env;
use std::sync::Arc;

use axum::body::Bytes;
use axum::routing::post;
use axum::{Extension, Router};
use hooksig::dedup::{DeliveryStore, MemoryStore, RedisStore};
use hooksig::github::GitHub;
use hooksig::linear::Linear;
use hooksig::notify::Notify;
use hooksig::tower::{VerifiedDelivery, VerifyLayer};

async fn handle(Extension(delivery): Extension<VerifiedDelivery>, body: Bytes) -> &'static str {
    // Acknowledge fast; hand slow work to a queue in a real receiver.
    println!(
        "{} delivery {} event {}: {} bytes",
        delivery.provider(),
        delivery.id().unwrap_or("-"),
        delivery.event().unwrap_or("-"),
        body.len()
    );
    "ok"
}

fn secret(name: &str) -> Option<String> {
    env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store: Arc<dyn DeliveryStore> = match secret("REDIS_URL") {
        Some(url) => {
            println!("duplicate suppression: Redis");
            Arc::new(RedisStore::connect(&url).await?)
        }
        None => {
            println!("duplicate suppression: in memory");
            Arc::new(MemoryStore::new())
        }
    };

    let mut app = Router::new();
    let mut routes = 0;
    if let Some(current) = secret("GITHUB_WEBHOOK_SECRET") {
        let mut github = GitHub::new(current)?;
        if let Some(previous) = secret("GITHUB_WEBHOOK_SECRET_PREVIOUS") {
            github = github.with_previous(previous)?;
        }
        let layer = VerifyLayer::new(github)
            .answer_pings(true)
            .body_limit(25 * 1024 * 1024);
        app = app.route(
            "/webhooks/github",
            post(handle).route_layer(layer.dedup(Arc::clone(&store))),
        );
        routes += 1;
    }
    if let Some(current) = secret("LINEAR_WEBHOOK_SECRET") {
        let mut linear = Linear::new(current)?;
        if let Some(previous) = secret("LINEAR_WEBHOOK_SECRET_PREVIOUS") {
            linear = linear.with_previous(previous)?;
        }
        let layer = VerifyLayer::new(linear).dedup(Arc::clone(&store));
        app = app.route("/webhooks/linear", post(handle).route_layer(layer));
        routes += 1;
    }
    if let Some(current) = secret("NOTIFY_WEBHOOK_SECRET") {
        let mut notify = Notify::new(current)?;
        if let Some(previous) = secret("NOTIFY_WEBHOOK_SECRET_PREVIOUS") {
            notify = notify.with_previous(previous)?;
        }
        let layer = VerifyLayer::new(notify).dedup(Arc::clone(&store));
        app = app.route("/webhooks/notify", post(handle).route_layer(layer));
        routes += 1;
    }
    if routes == 0 {
        eprintln!("set at least one of GITHUB_WEBHOOK_SECRET, LINEAR_WEBHOOK_SECRET, NOTIFY_WEBHOOK_SECRET");
        std::process::exit(2);
    }

    let bind = secret("BIND").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
