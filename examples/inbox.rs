//! A receiver and its workers as separate processes, as they are deployed:
//! the receiver answers 202 once a delivery is durable (on disk, or in a
//! Redis with AOF), the workers process it later, with retries and dead
//! letters.
//!
//! ```sh
//! export GITHUB_WEBHOOK_SECRET=... INBOX=sqlite:webhooks.db   # one machine
//! export GITHUB_WEBHOOK_SECRET=... INBOX=redis://127.0.0.1:6379/   # a fleet
//! cargo run --example inbox -- receive     # answers 202 on /webhooks/github
//! cargo run --example inbox -- work        # prints `processed github <id>`
//! ```
//!
//! Environment:
//!
//! - `BIND`: the receiver's address, default `127.0.0.1:3000` (port 0
//!   picks a free one; the address is printed as `listening on <addr>`);
//! - `GITHUB_WEBHOOK_SECRET`: GitHub's webhook secret (required);
//! - `INBOX`: `sqlite:<path>` (default `sqlite:hooksig-inbox.db`), or a
//!   Redis URL, `redis://host:port/db` (`RedisInbox`; run Redis with
//!   `--appendonly yes --appendfsync always`);
//! - `INBOX_PREFIX`: the Redis key prefix, default `hooksig:inbox:`;
//! - `HANDLER_MS`: how long the worker's handler takes, default 0;
//! - `FAIL_EVERY`: every n-th attempt fails, default never;
//! - `LEASE_MS`: the worker's lease, default 30000;
//! - `RETRY_MS`: the first backoff, default 1000 (then doubling, 5
//!   attempts).
//!
//! Both stop on Ctrl-C; the worker lets running handlers finish first.

use std::env;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use hooksig::github::GitHub;
use hooksig::inbox::{Backoff, Envelope, Inbox, RedisInbox, SqliteInbox, Worker};
use hooksig::tower::VerifyLayer;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn var(name: &str) -> Option<String> {
    env::var(name).ok().filter(|value| !value.is_empty())
}

fn millis(name: &str, default: u64) -> Result<Duration, BoxError> {
    Ok(Duration::from_millis(match var(name) {
        Some(value) => value
            .parse()
            .map_err(|_| format!("{name} must be a number of milliseconds"))?,
        None => default,
    }))
}

async fn open_inbox() -> Result<Arc<dyn Inbox>, BoxError> {
    let inbox = var("INBOX").unwrap_or_else(|| "sqlite:hooksig-inbox.db".to_owned());
    if let Some(path) = inbox.strip_prefix("sqlite:") {
        return Ok(Arc::new(SqliteInbox::open(path)?));
    }
    if inbox.starts_with("redis://") || inbox.starts_with("rediss://") {
        let mut redis = RedisInbox::connect(&inbox).await?;
        if let Some(prefix) = var("INBOX_PREFIX") {
            redis = redis.prefix(prefix);
        }
        return Ok(Arc::new(redis));
    }
    Err(format!("INBOX must be sqlite:<path> or redis://host:port/db, not {inbox:?}").into())
}

async fn ctrl_c() {
    let _ = tokio::signal::ctrl_c().await;
}

async fn receive() -> Result<(), BoxError> {
    let secret = var("GITHUB_WEBHOOK_SECRET").ok_or("GITHUB_WEBHOOK_SECRET is not set")?;
    let inbox = open_inbox().await?;
    let app = Router::new()
        // Never called: the inbox answers every verified delivery.
        .route("/webhooks/github", post(|| async { "unreachable" }))
        .route_layer(
            VerifyLayer::new(GitHub::new(secret)?)
                .answer_pings(true)
                .inbox(inbox),
        );
    let bind = var("BIND").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(ctrl_c())
        .await?;
    Ok(())
}

async fn work() -> Result<(), BoxError> {
    let inbox = open_inbox().await?;
    let handler_time = millis("HANDLER_MS", 0)?;
    let fail_every: u64 = match var("FAIL_EVERY") {
        Some(value) => value.parse().map_err(|_| "FAIL_EVERY must be a number")?,
        None => 0,
    };
    let attempts = Arc::new(AtomicU64::new(0));
    let handler = move |envelope: Envelope| {
        let attempt = attempts.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            if !handler_time.is_zero() {
                tokio::time::sleep(handler_time).await;
            }
            if fail_every > 0 && attempt.is_multiple_of(fail_every) {
                println!(
                    "failed {} {} (attempt {})",
                    envelope.provider(),
                    envelope.id().unwrap_or("-"),
                    envelope.attempts()
                );
                return Err(format!("attempt {attempt} fails on purpose (FAIL_EVERY)"));
            }
            println!(
                "processed {} {}",
                envelope.provider(),
                envelope.id().unwrap_or("-")
            );
            Ok(())
        }
    };
    println!("working");
    Worker::new(inbox, handler)
        .lease(millis("LEASE_MS", 30_000)?)
        .backoff(Backoff::new().first(millis("RETRY_MS", 1000)?).factor(2))
        .poll_interval(Duration::from_millis(50))
        .run(ctrl_c())
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    match env::args().nth(1).as_deref() {
        Some("receive") => receive().await,
        Some("work") => work().await,
        _ => Err("usage: inbox receive | inbox work".into()),
    }
}
