//! actix-web 4 with the `hooksig::actix::Verify` middleware.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET=... BIND=127.0.0.1:3000 cargo run --example actix
//! ```
//!
//! Serves GitHub deliveries on `/webhooks/github`: pings answered,
//! duplicates suppressed in memory, one line printed per delivery the
//! handler gets. Stop it with Ctrl-C.
//!
//! Two actix defaults matter for webhooks, and both are handled here:
//!
//! - **Decompression.** With actix-web's default `compress-*` features,
//!   `web::Bytes` / `web::Json` decompress a `Content-Encoding: gzip` body,
//!   and a MAC over the decompressed bytes is not the one the sender
//!   computed over what it sent. The middleware verifies the raw payload
//!   (never decompressed), and the handler reads the verified bytes from
//!   `Verified::body()`, never from a decompressing extractor. (This crate
//!   depends on actix-web with `default-features = false`, so nothing here
//!   can decompress at all.)
//! - **Body limit.** actix's `PayloadConfig` allows 256 KiB; GitHub sends up
//!   to 25 MB. The middleware's own limit applies instead, set to
//!   `GITHUB_BODY_LIMIT` (25 MB); `Verified` is not bound by `PayloadConfig`.

use std::env;

use actix_web::{web, App, HttpServer};
use hooksig::actix::{Verified, Verify};
use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::receiver::GITHUB_BODY_LIMIT;

async fn handle(delivery: Verified) -> &'static str {
    // Acknowledge fast; hand slow work to a queue in a real receiver.
    println!(
        "github delivery {} event {}: {} bytes",
        delivery.id().unwrap_or("-"),
        delivery.event().unwrap_or("-"),
        delivery.body().len()
    );
    "ok"
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let Some(secret) = env::var("GITHUB_WEBHOOK_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("set GITHUB_WEBHOOK_SECRET");
        std::process::exit(2);
    };
    let github = GitHub::new(secret).map_err(std::io::Error::other)?;
    let verify = Verify::new(github)
        .answer_pings(true)
        .body_limit(GITHUB_BODY_LIMIT)
        // One store shared by every worker (clones of `verify` share it).
        .dedup(MemoryStore::new());

    let bind = env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let server = HttpServer::new(move || {
        App::new().service(
            web::resource("/webhooks/github")
                .wrap(verify.clone())
                .route(web::post().to(handle)),
        )
    })
    .bind(&bind)?;
    for addr in server.addrs() {
        println!("listening on http://{addr}");
    }
    // actix stops gracefully on Ctrl-C (SIGINT) by itself.
    server.run().await
}
