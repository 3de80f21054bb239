//! The README's first command: `cargo run --example demo`.
//!
//! Starts an axum server on 127.0.0.1 (a free port) with `VerifyLayer` in
//! front of GitHub, Linear, Notify, Generic, Standard Webhooks, Stripe,
//! Slack, Shopify and per-tenant routes, sends it
//! real HTTP requests signed with hooksig's own signing, prints what came
//! back, and exits: 0 when every answer is the expected one, 1 otherwise.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::routing::post;
use axum::{Extension, Router};
use hooksig::dedup::MemoryStore;
use hooksig::discord::Discord;
use hooksig::generic::Generic;
use hooksig::github::GitHub;
use hooksig::linear::Linear;
use hooksig::notify::Notify;
use hooksig::shopify::Shopify;
use hooksig::slack::Slack;
use hooksig::standard::StandardWebhooks;
use hooksig::stripe::Stripe;
use hooksig::tower::{PathTenants, VerifiedDelivery, VerifyLayer};
use hooksig::twilio::Twilio;
use hooksig::zoom::Zoom;
use hooksig::{Outgoing, Provider};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

/// The application's handler: it only ever sees verified, new deliveries.
async fn handle(Extension(delivery): Extension<VerifiedDelivery>, body: Bytes) -> String {
    format!(
        "processed {} {} ({} bytes)",
        delivery.provider(),
        delivery.event().unwrap_or("-"),
        body.len()
    )
}

/// A Standard Webhooks secret as Svix hands it out: `whsec_` + base64.
const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The RFC 8032 test key pair: Discord verifies with the public key; the
/// private key only signs the demo's requests, as Discord would.
const DISCORD_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const DISCORD_PRIVATE: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

fn app(addr: std::net::SocketAddr) -> Result<Router, hooksig::Error> {
    let store = MemoryStore::new();
    let tenants = PathTenants::segment(1);
    tenants.insert("acme", GitHub::new("acme-secret")?);
    tenants.insert("globex", GitHub::new("globex-secret")?);
    tenants.disable("globex");
    Ok(Router::new()
        .route(
            "/github",
            post(handle).route_layer(
                VerifyLayer::new(GitHub::new("github-secret")?)
                    .answer_pings(true)
                    .body_limit(64 * 1024)
                    .dedup(store.clone()),
            ),
        )
        .route(
            "/linear",
            post(handle)
                .route_layer(VerifyLayer::new(Linear::new("linear-secret")?).dedup(store.clone())),
        )
        .route(
            "/notify",
            post(handle)
                .route_layer(VerifyLayer::new(Notify::new("notify-secret")?).dedup(store.clone())),
        )
        .route(
            "/generic",
            post(handle).route_layer(
                VerifyLayer::new(Generic::new("generic-secret")?.id_header("X-Webhook-Id")?)
                    .dedup(store.clone()),
            ),
        )
        .route(
            "/standard",
            post(handle).route_layer(
                VerifyLayer::new(StandardWebhooks::new(STANDARD_SECRET)?).dedup(store.clone()),
            ),
        )
        .route(
            "/stripe",
            post(handle)
                .route_layer(VerifyLayer::new(Stripe::new("whsec_stripe")?).dedup(store.clone())),
        )
        .route(
            "/slack",
            post(handle).route_layer(
                VerifyLayer::new(Slack::new("slack-signing-secret")?).dedup(store.clone()),
            ),
        )
        .route(
            "/shopify",
            post(handle).route_layer(
                VerifyLayer::new(Shopify::new("shopify-secret")?).dedup(store.clone()),
            ),
        )
        .route(
            "/discord",
            post(handle).route_layer(VerifyLayer::new(Discord::new(DISCORD_PUBLIC)?)),
        )
        .route(
            "/zoom",
            post(handle).route_layer(VerifyLayer::new(Zoom::new("zoom-secret-token")?)),
        )
        .route(
            "/twilio",
            post(handle).route_layer(
                // Twilio signs the URL it posts to: the public one, which
                // behind a proxy is not the one the server sees.
                VerifyLayer::new(Twilio::new("twilio-auth-token")?)
                    .public_url(format!("http://{addr}"))
                    .dedup(store.clone()),
            ),
        )
        .route(
            "/tenants/{org}",
            post(handle).route_layer(VerifyLayer::resolve(tenants).dedup(store)),
        ))
}

/// One request over a fresh HTTP/1.1 connection; returns the status and body.
async fn post_to(
    addr: SocketAddr,
    path: &str,
    headers: http::HeaderMap,
    body: Vec<u8>,
) -> Result<(u16, String), Box<dyn std::error::Error + Send + Sync>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = http::Request::post(path)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))?;
    request.headers_mut().extend(headers);
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// The inbox: a delivery answered 202 once it is on disk, its first
/// attempt failing, and the retry succeeding. True when it went so.
async fn inbox_demo() -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    use hooksig::inbox::{Backoff, Envelope, Inbox, SqliteInbox, State, Worker};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    let path = std::env::temp_dir().join(format!("hooksig-demo-{}.db", std::process::id()));
    let inbox = Arc::new(SqliteInbox::open(&path)?);
    let github = GitHub::new("demo-secret")?;
    let app = Router::new()
        .route("/github", post(handle))
        .route_layer(VerifyLayer::new(github.clone()).inbox(Arc::clone(&inbox)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(axum::serve(listener, app).into_future());

    println!(
        "
inbox (SQLite, {}):",
        path.display()
    );
    let body = br#"{"ref":"refs/heads/main"}"#.to_vec();
    let headers = github.sign_headers(&Outgoing::new(&body).id("demo-1").event("push"))?;
    let (status, answer) = post_to(addr, "/github", headers, body).await?;
    println!("  POST /github                -> {status} {answer}");
    server.abort();

    let attempts = Arc::new(AtomicU32::new(0));
    let handler = {
        let attempts = Arc::clone(&attempts);
        move |envelope: Envelope| {
            let attempt = attempts.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                let id = envelope.id().unwrap_or("-").to_owned();
                if attempt == 1 {
                    println!("  worker: attempt 1 of {id} fails (downstream timeout), retried after backoff");
                    return Err("downstream timeout");
                }
                println!("  worker: attempt {attempt} of {id} succeeds");
                Ok(())
            }
        }
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = Worker::new(Arc::clone(&inbox), handler)
        .poll_interval(Duration::from_millis(10))
        .backoff(Backoff::new().first(Duration::from_millis(100)));
    let running = tokio::spawn(worker.run(async {
        let _ = stopped.await;
    }));
    let mut settled = None;
    for _ in 0..500 {
        let envelope = inbox.get("github:demo-1").await?;
        if let Some(envelope) = envelope.filter(|e| e.state() == State::Succeeded) {
            settled = Some(envelope);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = stop.send(());
    running.await??;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    Ok(match settled {
        Some(envelope) => {
            println!(
                "  delivery log: {} {} after {} attempts (last error: {})",
                envelope.key(),
                envelope.state(),
                envelope.attempts(),
                envelope.last_error().unwrap_or("-")
            );
            status == 202 && envelope.attempts() == 2
        }
        None => {
            println!("  the delivery was not processed   <-- UNEXPECTED");
            false
        }
    })
}

struct Case {
    name: &'static str,
    path: &'static str,
    headers: http::HeaderMap,
    body: Vec<u8>,
    expect: u16,
    expect_body: Option<&'static str>,
}

fn linear_body(at: SystemTime) -> Vec<u8> {
    let millis = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    format!(r#"{{"action":"create","type":"Issue","data":{{"id":"ISS-1"}},"webhookTimestamp":{millis}}}"#).into_bytes()
}

fn cases(addr: std::net::SocketAddr) -> Result<Vec<Case>, hooksig::Error> {
    let github = GitHub::new("github-secret")?;
    let linear = Linear::new("linear-secret")?;
    let notify = Notify::new("notify-secret")?;
    let generic = Generic::new("generic-secret")?.id_header("X-Webhook-Id")?;
    let standard = StandardWebhooks::new(STANDARD_SECRET)?;
    let stripe = Stripe::new("whsec_stripe")?;
    let slack = Slack::new("slack-signing-secret")?;
    let shopify = Shopify::new("shopify-secret")?;
    let acme = GitHub::new("acme-secret")?;
    let globex = GitHub::new("globex-secret")?;

    let push = br#"{"ref":"refs/heads/main","commits":[]}"#.to_vec();
    let ping = br#"{"zen":"Design for failure.","hook_id":1}"#.to_vec();
    let big = vec![b' '; 100 * 1024];
    let fresh = linear_body(SystemTime::now());
    let stale = linear_body(SystemTime::now() - Duration::from_secs(120));
    let sent =
        br#"{"event":"message.sent","event_id":"evt_42","timestamp":"2026-11-22T10:00:00Z"}"#
            .to_vec();

    let order = br#"{"id":820982911946154500,"email":"jon@example.com"}"#.to_vec();
    let command = b"token=x&team_id=T1&command=%2Fweather&text=94070".to_vec();
    let invoice =
        br#"{"id":"evt_1NG8Du2eZvKYlo2C","object":"event","type":"invoice.paid"}"#.to_vec();
    let now = SystemTime::now();
    let ten_minutes_ago = now - Duration::from_secs(600);

    let mut list = Vec::new();
    let mut add_at = |name,
                      path,
                      provider: &dyn Provider,
                      body: &Vec<u8>,
                      (id, event, at),
                      expect,
                      expect_body| {
        let outgoing = Outgoing::new(body).id(id).event(event).at(at);
        let headers = provider.sign_headers(&outgoing)?;
        list.push(Case {
            name,
            path,
            headers,
            body: body.clone(),
            expect,
            expect_body,
        });
        Ok::<(), hooksig::Error>(())
    };
    let mut add =
        |name, path, provider: &dyn Provider, body: &Vec<u8>, id, event, expect, body_| {
            add_at(name, path, provider, body, (id, event, now), expect, body_)
        };
    add(
        "github push, valid",
        "/github",
        &github,
        &push,
        "d-1",
        "push",
        200,
        None,
    )?;
    add(
        "github push, tampered",
        "/github",
        &github,
        &push,
        "d-4",
        "push",
        401,
        None,
    )?;
    add(
        "github push, same delivery again",
        "/github",
        &github,
        &push,
        "d-1",
        "push",
        200,
        Some(r#"{"status":"duplicate"}"#),
    )?;
    add(
        "github ping",
        "/github",
        &github,
        &ping,
        "d-2",
        "ping",
        200,
        Some(r#"{"status":"pong"}"#),
    )?;
    add(
        "github push, 100 KiB over a 64 KiB limit",
        "/github",
        &github,
        &big,
        "d-3",
        "push",
        413,
        None,
    )?;
    add(
        "linear issue, valid",
        "/linear",
        &linear,
        &fresh,
        "u-1",
        "Issue",
        200,
        None,
    )?;
    add(
        "linear issue, signed 2 min ago",
        "/linear",
        &linear,
        &stale,
        "u-2",
        "Issue",
        401,
        None,
    )?;
    add(
        "notify message.sent, valid",
        "/notify",
        &notify,
        &sent,
        "-",
        "-",
        200,
        None,
    )?;
    add(
        "notify message.sent, retried",
        "/notify",
        &notify,
        &sent,
        "-",
        "-",
        200,
        Some(r#"{"status":"duplicate"}"#),
    )?;
    add(
        "generic, valid",
        "/generic",
        &generic,
        &push,
        "g-1",
        "-",
        200,
        None,
    )?;
    add(
        "tenant acme, valid",
        "/tenants/acme",
        &acme,
        &push,
        "t-1",
        "push",
        200,
        None,
    )?;
    add(
        "tenant globex (disabled)",
        "/tenants/globex",
        &globex,
        &push,
        "t-2",
        "push",
        403,
        None,
    )?;
    add(
        "tenant initech (unknown)",
        "/tenants/initech",
        &acme,
        &push,
        "t-3",
        "push",
        404,
        None,
    )?;
    add(
        "standard webhooks (svix), valid",
        "/standard",
        &standard,
        &push,
        "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        "-",
        200,
        None,
    )?;
    add(
        "standard webhooks, same msg id again",
        "/standard",
        &standard,
        &push,
        "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        "-",
        200,
        Some(r#"{"status":"duplicate"}"#),
    )?;
    add(
        "stripe invoice.paid, valid",
        "/stripe",
        &stripe,
        &invoice,
        "-",
        "-",
        200,
        None,
    )?;
    add(
        "stripe invoice.paid, delivered again",
        "/stripe",
        &stripe,
        &invoice,
        "-",
        "-",
        200,
        Some(r#"{"status":"duplicate"}"#),
    )?;
    add(
        "slack slash command, valid",
        "/slack",
        &slack,
        &command,
        "-",
        "-",
        200,
        None,
    )?;
    add(
        "shopify orders/create, valid",
        "/shopify",
        &shopify,
        &order,
        "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "orders/create",
        200,
        None,
    )?;
    add_at(
        "stripe event, signed 10 min ago",
        "/stripe",
        &stripe,
        &order,
        ("-", "-", ten_minutes_ago),
        401,
        None,
    )?;
    add_at(
        "slack, signed 10 min ago",
        "/slack",
        &slack,
        &command,
        ("-", "-", ten_minutes_ago),
        401,
        None,
    )?;
    // Handshakes, answered by the layer without the handler.
    let discord = Discord::new(DISCORD_PUBLIC)?.signing_key(DISCORD_PRIVATE)?;
    let ping = br#"{"id":"1","application_id":"2","token":"t","type":1,"version":1}"#.to_vec();
    list.push(Case {
        name: "discord interaction PING",
        path: "/discord",
        headers: discord.sign_headers(&Outgoing::new(&ping))?,
        body: ping,
        expect: 200,
        expect_body: Some(r#"{"type":1}"#),
    });
    let zoom = Zoom::new("zoom-secret-token")?;
    let validation =
        br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event":"endpoint.url_validation"}"#
            .to_vec();
    list.push(Case {
        name: "zoom endpoint.url_validation",
        path: "/zoom",
        headers: zoom.sign_headers(&Outgoing::new(&validation))?,
        body: validation,
        expect: 200,
        expect_body: Some(
            r#"{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"d9e0d764a78494688ba3f2d5c0ed4ca311394b4834d959759213424d2df961e3"}"#,
        ),
    });
    // A Twilio form post: HMAC-SHA1 over the URL and the sorted params.
    let twilio = Twilio::new("twilio-auth-token")?;
    let form = b"AccountSid=AC123&Body=Hello%20there&From=%2B15551230000&MessageSid=SM1".to_vec();
    let url = format!("http://{addr}/twilio");
    let mut headers = twilio.sign_headers(&Outgoing::new(&form).url(&url).id("SM1"))?;
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    list.push(Case {
        name: "twilio SMS form post",
        path: "/twilio",
        headers: headers.clone(),
        body: form.clone(),
        expect: 200,
        expect_body: None,
    });
    let mut forged = form;
    forged[25] = b'X';
    list.push(Case {
        name: "twilio SMS form post, a param changed",
        path: "/twilio",
        headers,
        body: forged,
        expect: 401,
        expect_body: None,
    });
    // Changed in transit after signing.
    // (the second request)
    list[1].body = br#"{"ref":"refs/heads/evil","commits":[]}"#.to_vec();
    Ok(list)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, app(addr)?)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    println!("hooksig demo: axum on http://{addr}, VerifyLayer on /github /linear /notify /generic\n  /standard /stripe /slack /shopify /discord /zoom /twilio /tenants/{{org}}\n");
    println!("{:<42} {:>8} {:>6}  answer", "request", "expected", "got");
    let mut failures = 0;
    for case in cases(addr)? {
        let (status, body) = post_to(addr, case.path, case.headers, case.body).await?;
        let ok = status == case.expect && case.expect_body.is_none_or(|expected| body == expected);
        if !ok {
            failures += 1;
        }
        println!(
            "{:<42} {:>8} {:>6}  {}{}",
            case.name,
            case.expect,
            status,
            body,
            if ok { "" } else { "   <-- UNEXPECTED" }
        );
    }
    let _ = stop.send(());
    server.await??;
    if !inbox_demo().await? {
        failures += 1;
    }
    if failures > 0 {
        println!("\n{failures} unexpected answer(s)");
        std::process::exit(1);
    }
    println!("\nevery answer as expected");
    Ok(())
}
