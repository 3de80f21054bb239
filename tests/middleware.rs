//! The tower middleware, status by status, through a plain `service_fn`
//! and through axum.

mod tower_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hooksig::dedup::{BoxFuture, Claim, DeliveryStore, MemoryStore, Token};
use hooksig::github::GitHub;
use hooksig::linear::Linear;
use hooksig::notify::Notify;
use hooksig::slack::Slack;
use hooksig::stripe::Stripe;
use hooksig::tower::{PathTenants, Resolution, VerifiedDelivery, VerifyLayer};
use hooksig::{Error, Provider};
use http::{Request, Response};
use http_body_util::Full;
use tower::Layer;
use tower_support::{send, signed, CountingBody, Recorder, GITHUB_SECRET};

fn github() -> GitHub {
    GitHub::new(GITHUB_SECRET).unwrap()
}

const PUSH: &[u8] = br#"{"ref":"refs/heads/main","commits":[]}"#;

#[tokio::test]
async fn valid_delivery_reaches_the_handler_with_metadata_and_the_same_bytes() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github()).layer(recorder.handler());
    let (status, body, error) = send(&service, signed(&github(), "/", PUSH, "d-1", "push")).await;
    assert_eq!((status, body.as_str(), error), (200, "handled", None));
    let seen = recorder.seen.lock().unwrap();
    let (delivery, bytes) = &seen[0];
    assert_eq!(delivery.provider(), "github");
    assert_eq!(delivery.id(), Some("d-1"));
    assert_eq!(delivery.event(), Some("push"));
    assert_eq!(delivery.tenant(), None);
    assert_eq!(delivery.timestamp(), None);
    assert_eq!(&bytes[..], PUSH);
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|err| panic!("{err}: {body}"))
}

#[tokio::test]
async fn tampered_body_is_401_with_a_json_error_and_no_secret() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github()).layer(recorder.handler());
    let mut request = signed(&github(), "/", PUSH, "d-1", "push");
    *request.body_mut() = Full::new(Bytes::from_static(
        br#"{"ref":"refs/heads/evil","commits":[]}"#,
    ));
    let (status, body, error) = send(&service, request).await;
    assert_eq!(status, 401);
    assert_eq!(error, Some(Error::SignatureMismatch));
    assert_eq!(
        json(&body),
        serde_json::json!({"error": "signature_mismatch", "message": "signature mismatch"})
    );
    assert!(!body.contains(GITHUB_SECRET));
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn malformed_signature_is_400() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github()).layer(recorder.handler());
    let mut request = signed(&github(), "/", PUSH, "d-1", "push");
    request
        .headers_mut()
        .insert("x-hub-signature-256", "sha256=zz".parse().unwrap());
    let (status, body, _) = send(&service, request).await;
    assert_eq!(status, 400);
    assert_eq!(json(&body)["error"], "malformed_header");
    let missing = Request::post("/")
        .body(Full::new(Bytes::from_static(PUSH)))
        .unwrap();
    let (status, body, _) = send(&service, missing).await;
    assert_eq!(
        (status, json(&body)["error"].as_str()),
        (400, Some("missing_header"))
    );
    assert_eq!(recorder.calls(), 0);
}

fn linear_body(at: SystemTime) -> Vec<u8> {
    let millis = at.duration_since(UNIX_EPOCH).unwrap().as_millis();
    format!(r#"{{"action":"create","type":"Issue","webhookTimestamp":{millis}}}"#).into_bytes()
}

#[tokio::test]
async fn stale_linear_delivery_is_401_and_a_fresh_one_passes() {
    let linear = Linear::new("lin_wh_secret").unwrap();
    let recorder = Recorder::default();
    let service = VerifyLayer::new(linear.clone()).layer(recorder.handler());
    let stale = linear_body(SystemTime::now() - Duration::from_secs(120));
    let (status, body, _) = send(&service, signed(&linear, "/", &stale, "u-1", "Issue")).await;
    assert_eq!(
        (status, json(&body)["error"].as_str()),
        (401, Some("timestamp_too_old"))
    );
    let fresh = linear_body(SystemTime::now());
    let (status, _, _) = send(&service, signed(&linear, "/", &fresh, "u-2", "Issue")).await;
    assert_eq!(status, 200);
    let seen = recorder.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].0.timestamp().is_some());
}

#[tokio::test]
async fn a_processed_delivery_is_answered_duplicate_without_the_handler() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    let request = || signed(&github(), "/", PUSH, "d-dup", "push");
    assert_eq!(send(&service, request()).await.0, 200);
    let (status, body, _) = send(&service, request()).await;
    assert_eq!(
        (status, json(&body)),
        (200, serde_json::json!({"status": "duplicate"}))
    );
    assert_eq!(recorder.calls(), 1);
    // Another id is processed.
    assert_eq!(
        send(&service, signed(&github(), "/", PUSH, "d-other", "push"))
            .await
            .1,
        "handled"
    );
    assert_eq!(recorder.calls(), 2);
}

#[tokio::test]
async fn a_failed_delivery_is_processed_again_on_retry_exactly_once() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    let request = || signed(&github(), "/", PUSH, "d-retry", "push");
    recorder.answer(500);
    assert_eq!(send(&service, request()).await.0, 500);
    recorder.answer(404);
    assert_eq!(send(&service, request()).await.0, 404);
    recorder.answer(202);
    assert_eq!(send(&service, request()).await.0, 202);
    assert_eq!(
        send(&service, request()).await.1,
        r#"{"status":"duplicate"}"#
    );
    assert_eq!(recorder.calls(), 3);
}

/// A handler that waits until told to finish, and says when it started.
fn gated_handler(
    started: Arc<tokio::sync::Notify>,
    finish: Arc<tokio::sync::Notify>,
    calls: Arc<AtomicUsize>,
) -> impl tower::Service<
    Request<Full<Bytes>>,
    Response = Response<Full<Bytes>>,
    Error = std::convert::Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    tower::service_fn(move |_request: Request<Full<Bytes>>| {
        let (started, finish, calls) = (started.clone(), finish.clone(), calls.clone());
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            started.notify_one();
            finish.notified().await;
            Ok(Response::new(Full::new(Bytes::from_static(b"handled"))))
        }
    })
}

#[tokio::test]
async fn a_twin_arriving_while_in_flight_gets_409_and_is_not_lost() {
    let (started, finish) = (
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(tokio::sync::Notify::new()),
    );
    let calls = Arc::new(AtomicUsize::new(0));
    let service = VerifyLayer::new(github())
        .dedup(MemoryStore::new())
        .layer(gated_handler(
            started.clone(),
            finish.clone(),
            calls.clone(),
        ));
    let request = || signed(&github(), "/", PUSH, "d-twin", "push");
    let first = tokio::spawn({
        let service = service.clone();
        let request = request();
        async move { send(&service, request).await }
    });
    started.notified().await;
    let (status, body, error) = send(&service, request()).await;
    assert_eq!((status, error), (409, Some(Error::InFlight)));
    assert_eq!(json(&body)["error"], "in_flight");
    finish.notify_one();
    assert_eq!(first.await.unwrap().0, 200);
    // The sender's retry of the twin now finds it done.
    assert_eq!(
        send(&service, request()).await.1,
        r#"{"status":"duplicate"}"#
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_dropped_request_releases_its_claim() {
    let (started, finish) = (
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(tokio::sync::Notify::new()),
    );
    let calls = Arc::new(AtomicUsize::new(0));
    let store = MemoryStore::new();
    let service = VerifyLayer::new(github())
        .dedup(store.clone())
        .layer(gated_handler(
            started.clone(),
            finish.clone(),
            calls.clone(),
        ));
    let request = || signed(&github(), "/", PUSH, "d-drop", "push");
    let first = tokio::spawn({
        let service = service.clone();
        let request = request();
        async move { send(&service, request).await }
    });
    started.notified().await;
    assert!(matches!(
        store.claim("github:d-drop").await,
        Ok(Claim::InFlight)
    ));
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    // The client went away mid-flight: the claim is gone, the retry runs.
    let retry = tokio::spawn({
        let service = service.clone();
        let request = request();
        async move { send(&service, request).await }
    });
    started.notified().await;
    finish.notify_one();
    assert_eq!(retry.await.unwrap().0, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_twins_call_the_handler_once() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let service = service.clone();
            let request = signed(&github(), "/", PUSH, "d-burst", "push");
            tokio::spawn(async move { send(&service, request).await.0 })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(recorder.calls(), 1);
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count()
            + statuses.iter().filter(|&&s| s == 409).count(),
        50
    );
}

fn counting(chunk: usize, chunks: usize) -> (CountingBody, Arc<AtomicUsize>) {
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = CountingBody {
        chunk,
        chunks,
        pulled: pulled.clone(),
        fail: false,
    };
    (body, pulled)
}

#[tokio::test]
async fn a_declared_oversize_body_is_413_without_reading_it() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .body_limit(1000)
        .layer(recorder.handler());
    let (body, pulled) = counting(100, 20);
    let request = Request::post("/")
        .header("content-length", "2000")
        .body(body)
        .unwrap();
    let (status, text, error) = send(&service, request).await;
    assert_eq!(
        (status, error),
        (413, Some(Error::BodyTooLarge { limit: 1000 }))
    );
    assert_eq!(json(&text)["error"], "body_too_large");
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn a_body_streaming_past_its_small_content_length_is_413_reading_at_most_the_limit() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .body_limit(1000)
        .layer(recorder.handler());
    let (body, pulled) = counting(100, 1000);
    let request = Request::post("/")
        .header("content-length", "10")
        .body(body)
        .unwrap();
    assert_eq!(send(&service, request).await.0, 413);
    // At most the limit plus the one chunk that crossed it.
    assert!(
        pulled.load(Ordering::SeqCst) <= 1100,
        "{}",
        pulled.load(Ordering::SeqCst)
    );
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn a_chunked_oversize_body_is_413() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .body_limit(1000)
        .layer(recorder.handler());
    let (body, pulled) = counting(64, 10_000);
    let request = Request::post("/")
        .header("transfer-encoding", "chunked")
        .body(body)
        .unwrap();
    assert_eq!(send(&service, request).await.0, 413);
    assert!(pulled.load(Ordering::SeqCst) <= 1064);
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read() {
    let github = github();
    let body = vec![b'x'; 1000];
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github.clone())
        .body_limit(1000)
        .layer(recorder.handler());
    assert_eq!(
        send(&service, signed(&github, "/", &body, "d", "push"))
            .await
            .0,
        200
    );
    let service = VerifyLayer::new(github.clone())
        .body_limit(999)
        .layer(recorder.handler());
    assert_eq!(
        send(&service, signed(&github, "/", &body, "d", "push"))
            .await
            .0,
        413
    );
    assert_eq!(recorder.calls(), 1);
}

#[tokio::test]
async fn a_body_that_fails_mid_stream_is_400() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github()).layer(recorder.handler());
    let (mut body, _) = counting(10, 3);
    body.fail = true;
    let (status, _, error) = send(&service, Request::post("/").body(body).unwrap()).await;
    assert_eq!((status, error), (400, Some(Error::BodyUnreadable)));
}

#[tokio::test]
async fn ping_is_answered_pong_when_asked() {
    let recorder = Recorder::default();
    let ping = br#"{"zen":"Design for failure.","hook_id":1}"#;
    let answering = VerifyLayer::new(github())
        .answer_pings(true)
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    let (status, body, _) = send(&answering, signed(&github(), "/", ping, "p-1", "ping")).await;
    assert_eq!(
        (status, json(&body)),
        (200, serde_json::json!({"status": "pong"}))
    );
    // A forged ping is still a 401.
    let mut forged = signed(&github(), "/", ping, "p-2", "ping");
    *forged.body_mut() = Full::new(Bytes::from_static(b"{}"));
    assert_eq!(send(&answering, forged).await.0, 401);
    assert_eq!(recorder.calls(), 0);
    // Off by default: the handler gets it.
    let passing = VerifyLayer::new(github()).layer(recorder.handler());
    assert_eq!(
        send(&passing, signed(&github(), "/", ping, "p-1", "ping"))
            .await
            .1,
        "handled"
    );
    assert_eq!(recorder.calls(), 1);
}

#[tokio::test]
async fn tenants_are_resolved_by_path() {
    let tenants = PathTenants::segment(1);
    let acme = GitHub::new("acme-secret").unwrap();
    let globex = GitHub::new("globex-secret").unwrap();
    tenants.insert("acme", acme.clone());
    tenants.insert("globex", globex.clone());
    tenants.insert("initech", GitHub::new("initech-secret").unwrap());
    tenants.disable("initech");
    let recorder = Recorder::default();
    let service = VerifyLayer::resolve(tenants.clone())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());

    assert_eq!(
        send(
            &service,
            signed(&acme, "/hooks/acme", PUSH, "same-id", "push")
        )
        .await
        .0,
        200
    );
    // Another tenant's delivery with the same id is not a duplicate.
    assert_eq!(
        send(
            &service,
            signed(&globex, "/hooks/globex", PUSH, "same-id", "push")
        )
        .await
        .1,
        "handled"
    );
    // A tenant's secret does not open another tenant's endpoint.
    assert_eq!(
        send(&service, signed(&acme, "/hooks/globex", PUSH, "x", "push"))
            .await
            .0,
        401
    );

    let (body, pulled) = counting(100, 10);
    let unknown = Request::post("/hooks/nobody").body(body).unwrap();
    let (status, text, error) = send(&service, unknown).await;
    assert_eq!((status, error), (404, Some(Error::UnknownTenant)));
    assert_eq!(json(&text)["error"], "unknown_tenant");
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        0,
        "an unknown tenant's body is not read"
    );
    let (status, text, _) =
        send(&service, signed(&acme, "/hooks/initech", PUSH, "y", "push")).await;
    assert_eq!(
        (status, json(&text)["error"].as_str()),
        (403, Some("disabled_tenant"))
    );

    let seen = recorder.seen.lock().unwrap();
    let tenants: Vec<_> = seen
        .iter()
        .map(|(d, _)| d.tenant().unwrap().to_owned())
        .collect();
    assert_eq!(tenants, ["acme", "globex"]);
}

#[tokio::test]
async fn an_async_resolver_that_fails_is_503() {
    let recorder = Recorder::default();
    let service = VerifyLayer::resolve(|_: &hooksig::receiver::Head<'_>| async {
        tokio::task::yield_now().await;
        Resolution::Unavailable
    })
    .layer(recorder.handler());
    let (status, _, error) = send(&service, signed(&github(), "/", PUSH, "d", "push")).await;
    assert_eq!((status, error), (503, Some(Error::ResolverUnavailable)));
    assert_eq!(recorder.calls(), 0);
}

/// A store whose backend is down.
struct DownStore;

impl DeliveryStore for DownStore {
    fn claim<'a>(&'a self, _key: &'a str) -> BoxFuture<'a, Result<Claim, Error>> {
        Box::pin(async { Err(Error::StoreUnavailable) })
    }
    fn complete<'a>(&'a self, _key: &'a str, _token: Token) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async { Err(Error::StoreUnavailable) })
    }
    fn release<'a>(&'a self, _key: &'a str, _token: Token) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async { Err(Error::StoreUnavailable) })
    }
}

#[tokio::test]
async fn a_store_failure_is_503_and_the_handler_is_not_called() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(DownStore)
        .layer(recorder.handler());
    let (status, body, error) = send(&service, signed(&github(), "/", PUSH, "d", "push")).await;
    assert_eq!((status, error), (503, Some(Error::StoreUnavailable)));
    assert_eq!(
        json(&body),
        serde_json::json!({"error": "store_unavailable", "message": "duplicate store is unavailable"})
    );
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn a_delivery_without_an_id_is_not_deduplicated() {
    let notify_less = hooksig::generic::Generic::new("s").unwrap();
    let recorder = Recorder::default();
    let service = VerifyLayer::new(notify_less.clone())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    for _ in 0..2 {
        assert_eq!(
            send(&service, signed(&notify_less, "/", b"{}", "ignored", "e"))
                .await
                .0,
            200
        );
    }
    assert_eq!(recorder.calls(), 2);
}

#[tokio::test]
async fn a_huge_delivery_id_is_deduplicated_under_a_bounded_key() {
    // GitHub's delivery id is an unsigned header: a replay of a captured
    // delivery can carry any id. The store holds a fixed-size hash of a long
    // one, so a flood of such replays cannot fill its memory.
    let store = MemoryStore::new();
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(store.clone())
        .layer(recorder.handler());
    let id = "d".repeat(16 * 1024);
    for expected in [r#"handled"#, r#"{"status":"duplicate"}"#] {
        let (status, body, _) = send(&service, signed(&github(), "/", PUSH, &id, "push")).await;
        assert_eq!((status, body.as_str()), (200, expected));
    }
    assert_eq!(recorder.calls(), 1);
    use sha2::Digest as _;
    let hashed: String = sha2::Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        store.claim(&format!("github:#{hashed}")).await.unwrap(),
        Claim::Done
    );
    assert_eq!(store.len(), 1);
}

/// Sends a delivery twice through a deduplicating layer: the handler sees
/// it once, with the id and event read from the signed body.
async fn deduplicated_on_the_body(
    provider: impl Provider + Clone + 'static,
    body: &[u8],
    expected: (&str, &str),
) {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(provider.clone())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    // The outgoing id and event are not what counts: these schemes do not
    // send them, or sign the body's.
    let request = || signed(&provider, "/", body, "x", "y");
    assert_eq!(send(&service, request()).await.0, 200);
    assert_eq!(
        send(&service, request()).await.1,
        r#"{"status":"duplicate"}"#,
        "{}",
        provider.name()
    );
    assert_eq!(recorder.calls(), 1);
    let seen = &recorder.seen.lock().unwrap()[0].0;
    assert_eq!(
        (seen.id(), seen.event()),
        (Some(expected.0), Some(expected.1))
    );
}

#[tokio::test]
async fn ids_in_the_signed_body_are_deduplicated() {
    deduplicated_on_the_body(
        Notify::new("notify-secret").unwrap(),
        br#"{"event":"message.sent","event_id":"evt_1","timestamp":"2026-11-22T10:00:00Z"}"#,
        ("evt_1", "message.sent"),
    )
    .await;
    deduplicated_on_the_body(
        Stripe::new("whsec_stripe").unwrap(),
        br#"{"id":"evt_1NG8Du2eZvKYlo2C","object":"event","type":"invoice.paid"}"#,
        ("evt_1NG8Du2eZvKYlo2C", "invoice.paid"),
    )
    .await;
    deduplicated_on_the_body(
        Slack::new("slack-signing-secret").unwrap(),
        br#"{"event":{"type":"app_mention"},"type":"event_callback","event_id":"Ev08MFMKH6"}"#,
        ("Ev08MFMKH6", "event_callback"),
    )
    .await;
}

mod axum_router {
    use super::*;
    use axum::body::Body;
    use axum::routing::{get, post};
    use axum::{Extension, Json, Router};

    #[derive(serde::Deserialize)]
    struct Push {
        #[serde(rename = "ref")]
        reference: String,
    }

    fn to_axum(request: Request<Full<Bytes>>) -> Request<Body> {
        request.map(Body::new)
    }

    async fn handler(
        Extension(delivery): Extension<VerifiedDelivery>,
        Json(push): Json<Push>,
    ) -> String {
        format!(
            "{} {} {}",
            delivery.provider(),
            delivery.id().unwrap_or("-"),
            push.reference
        )
    }

    #[tokio::test]
    async fn route_layer_with_extractors() {
        let app = Router::new()
            .route("/webhooks/github", post(handler))
            .route_layer(VerifyLayer::new(github()).dedup(MemoryStore::new()))
            .route("/health", get(|| async { "ok" }));
        let request = || {
            let mut request = to_axum(signed(&github(), "/webhooks/github", PUSH, "d-ax", "push"));
            request
                .headers_mut()
                .insert("content-type", "application/json".parse().unwrap());
            request
        };
        let (status, body, _) = send(&app, request()).await;
        assert_eq!(
            (status, body.as_str()),
            (200, "github d-ax refs/heads/main")
        );
        assert_eq!(send(&app, request()).await.1, r#"{"status":"duplicate"}"#);
        let mut tampered = request();
        *tampered.body_mut() = Body::from("{}");
        assert_eq!(send(&app, tampered).await.0, 401);
        // Routes outside the layer are untouched.
        let health = Request::get("/health").body(Body::empty()).unwrap();
        assert_eq!(send(&app, health).await.1, "ok");
    }

    #[tokio::test]
    async fn router_layer_with_bytes() {
        let app = Router::new()
            .route(
                "/",
                post(|body: Bytes| async move { body.len().to_string() }),
            )
            .layer(VerifyLayer::new(github()));
        let (status, body, _) =
            send(&app, to_axum(signed(&github(), "/", PUSH, "d", "push"))).await;
        assert_eq!((status, body), (200, PUSH.len().to_string()));
    }

    #[tokio::test]
    async fn axum_handler_errors_release_the_claim() {
        let calls = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route(
                "/",
                post({
                    let calls = calls.clone();
                    move || async move {
                        let n = calls.fetch_add(1, Ordering::SeqCst);
                        if n == 0 {
                            (http::StatusCode::INTERNAL_SERVER_ERROR, "boom")
                        } else {
                            (http::StatusCode::OK, "ok")
                        }
                    }
                }),
            )
            .layer(VerifyLayer::new(github()).dedup(MemoryStore::new()));
        let request = || to_axum(signed(&github(), "/", PUSH, "d-err", "push"));
        assert_eq!(send(&app, request()).await.0, 500);
        assert_eq!(send(&app, request()).await.0, 200);
        assert_eq!(send(&app, request()).await.1, r#"{"status":"duplicate"}"#);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}

#[test]
fn layer_debug_shows_no_secret() {
    let layer = VerifyLayer::new(github()).dedup(MemoryStore::new());
    let text = format!("{layer:?}");
    assert!(text.contains("github"), "{text}");
    assert!(!text.contains(GITHUB_SECRET), "{text}");
}

// ---- receiver policies through the tower layer -------------------------

fn linear_layer() -> VerifyLayer {
    VerifyLayer::new(Linear::new("lin_wh_secret").unwrap())
        .allow_senders(hooksig::linear::SENDER_IPS)
        .unwrap()
}

fn linear_request<B>(body: B, peer: Option<std::net::SocketAddr>) -> Request<B> {
    let mut request = Request::post("/").body(body).unwrap();
    if let Some(peer) = peer {
        request.extensions_mut().insert(peer);
    }
    request
}

#[tokio::test]
async fn a_refused_sender_is_403_without_pulling_a_byte_of_the_body() {
    let recorder = Recorder::default();
    let service = linear_layer().layer(recorder.handler());
    let (body, pulled) = counting(100, 20);
    let stranger = "203.0.113.9:4711".parse().unwrap();
    let (status, text, error) = send(&service, linear_request(body, Some(stranger))).await;
    assert_eq!((status, error), (403, Some(Error::SenderRefused)));
    assert_eq!(json(&text)["error"], "sender_refused");
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn an_allowed_sender_is_verified_as_usual() {
    let recorder = Recorder::default();
    let service = linear_layer().layer(recorder.handler());
    let linear = Linear::new("lin_wh_secret").unwrap();
    for sender in hooksig::linear::SENDER_IPS {
        let now = SystemTime::now();
        let mut request = signed(&linear, "/", &linear_body(now), "d-1", "Issue");
        let peer: std::net::IpAddr = sender.parse().unwrap();
        request
            .extensions_mut()
            .insert(std::net::SocketAddr::new(peer, 443));
        assert_eq!(send(&service, request).await.0, 200, "{sender}");
    }
    // A bare `IpAddr` extension is read too; a forged delivery from an
    // allowed address is still refused by its signature.
    let mut forged = signed(
        &Linear::new("other").unwrap(),
        "/",
        &linear_body(SystemTime::now()),
        "d-2",
        "Issue",
    );
    forged
        .extensions_mut()
        .insert("35.231.147.226".parse::<std::net::IpAddr>().unwrap());
    assert_eq!(send(&service, forged).await.0, 401);
    assert_eq!(recorder.calls(), 4);
}

#[tokio::test]
async fn without_a_peer_address_an_allow_list_fails_closed() {
    let recorder = Recorder::default();
    let service = linear_layer().layer(recorder.handler());
    let linear = Linear::new("lin_wh_secret").unwrap();
    // Signed and fresh, but nothing says where it came from.
    let request = signed(
        &linear,
        "/",
        &linear_body(SystemTime::now()),
        "d-1",
        "Issue",
    );
    let (status, _, error) = send(&service, request).await;
    assert_eq!((status, error), (403, Some(Error::SenderRefused)));
    assert_eq!(recorder.calls(), 0);
}

#[test]
fn bad_networks_are_configuration_errors_not_panics() {
    let linear = || VerifyLayer::new(Linear::new("lin_wh_secret").unwrap());
    assert_eq!(
        linear()
            .allow_senders(["35.231.147.226", "35.231.147.0/33"])
            .unwrap_err(),
        Error::InvalidNetwork("35.231.147.0/33".into())
    );
    assert_eq!(
        linear()
            .trusted_proxies(["10.0.0.0/8", "proxy.internal"])
            .unwrap_err()
            .kind(),
        "invalid_network"
    );
    let empty: [&str; 0] = [];
    assert_eq!(
        linear().allow_senders(empty).unwrap_err().kind(),
        "invalid_config"
    );
}

#[tokio::test]
async fn a_content_key_without_a_store_is_a_500_configuration_error() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup_key(|delivery| delivery.event().map(str::to_owned))
        .layer(recorder.handler());
    let (status, _, error) = send(&service, signed(&github(), "/", PUSH, "d-1", "push")).await;
    assert_eq!(status, 500);
    assert_eq!(error.map(|error| error.kind()), Some("invalid_config"));
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn a_content_key_lives_in_the_dedup_store_beside_the_delivery_ids() {
    let store = Arc::new(MemoryStore::new());
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(Arc::clone(&store))
        .dedup_key(|delivery| delivery.event().map(|event| format!("event-{event}")))
        .layer(recorder.handler());
    assert_eq!(
        send(&service, signed(&github(), "/", PUSH, "d-1", "push"))
            .await
            .0,
        200
    );
    // Completed delivery id, released content key: two records were made,
    // one is left.
    assert_eq!(store.len(), 1);
    assert_eq!(
        store.claim("github:d-1").await.unwrap(),
        Claim::Done,
        "the delivery id's claim is completed"
    );
    assert!(matches!(
        store
            .claim(&hooksig::dedup::content_store_key(
                "github",
                None,
                "event-push"
            ))
            .await
            .unwrap(),
        Claim::Acquired(_)
    ));
    // Now held by this test: the next push is skipped.
    let (status, text, _) = send(&service, signed(&github(), "/", PUSH, "d-2", "push")).await;
    assert_eq!((status, text.as_str()), (200, r#"{"status":"duplicate"}"#));
    assert_eq!(recorder.calls(), 1);
}

#[tokio::test]
async fn a_content_key_claim_expires_after_its_own_ttl() {
    use std::sync::atomic::AtomicU64;

    /// A monotonic clock the test moves.
    #[derive(Debug, Clone, Default)]
    struct Manual(Arc<AtomicU64>);
    impl hooksig::Clock for Manual {
        fn now(&self) -> SystemTime {
            SystemTime::now()
        }
        fn monotonic(&self) -> Duration {
            Duration::from_secs(self.0.load(Ordering::SeqCst))
        }
    }
    let clock = Manual::default();
    // The store's own in-flight TTL is a day: only the content key's TTL
    // (a minute) can free the key.
    let store = Arc::new(
        MemoryStore::new()
            .clock(clock.clone())
            .in_flight_ttl(Duration::from_secs(86_400)),
    );
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(Arc::clone(&store))
        .dedup_key(|_| Some("everything".into()))
        .dedup_key_ttl(Duration::from_secs(60))
        .layer(recorder.handler());
    // A holder that never finishes (a process that died).
    let key = hooksig::dedup::content_store_key("github", None, "everything");
    let Claim::Acquired(_) = store
        .claim_for(&key, Duration::from_secs(60))
        .await
        .unwrap()
    else {
        panic!("the key was free")
    };
    let (status, text, _) = send(&service, signed(&github(), "/", PUSH, "d-1", "push")).await;
    assert_eq!((status, text.as_str()), (200, r#"{"status":"duplicate"}"#));
    clock.0.store(61, Ordering::SeqCst);
    assert_eq!(
        send(&service, signed(&github(), "/", PUSH, "d-2", "push"))
            .await
            .0,
        200
    );
    assert_eq!(recorder.calls(), 1);
}

#[tokio::test]
async fn the_rejection_hook_sees_the_error_and_keeps_it_in_the_extensions() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .on_reject(|error: &Error| {
            http::Response::builder()
                .status(http::StatusCode::FORBIDDEN)
                .header("x-refused", error.kind())
                .body(Bytes::new())
                .unwrap()
        })
        .layer(recorder.handler());
    let forged = signed(&GitHub::new("other").unwrap(), "/", PUSH, "d-1", "push");
    let response = tower::ServiceExt::oneshot(service.clone(), forged)
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["x-refused"], "signature_mismatch");
    assert_eq!(
        response.extensions().get::<Error>(),
        Some(&Error::SignatureMismatch)
    );
    // Accepted deliveries are the handler's answer, untouched.
    let (status, text, _) = send(&service, signed(&github(), "/", PUSH, "d-2", "push")).await;
    assert_eq!((status, text.as_str()), (200, "handled"));
}
