//! The middleware's `tracing` event: one per delivery, with the promised
//! fields, and never the body or the secret.

mod tower_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::tower::VerifyLayer;
use hooksig::Provider;
use tower::Layer;
use tower_support::{send, signed, Recorder, GITHUB_SECRET};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

type Fields = BTreeMap<String, String>;

/// Records every event's fields.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<(String, Fields)>>>);

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        fields.insert("target".into(), event.metadata().target().into());
        let level = event.metadata().level().to_string();
        self.0.lock().unwrap().push((level, fields));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn one_event_per_delivery_without_body_or_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let github = GitHub::new(GITHUB_SECRET).unwrap();
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github.clone())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    let body = br#"{"secret_payload":"do-not-log-me"}"#;
    send(&service, signed(&github, "/", body, "d-1", "push")).await;
    send(&service, signed(&github, "/", body, "d-1", "push")).await;
    let mut forged = signed(&github, "/", body, "d-2", "push");
    *forged.body_mut() = http_body_util::Full::new(bytes::Bytes::from_static(b"{}"));
    send(&service, forged).await;

    let events = capture.0.lock().unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    let outcomes: Vec<_> = events
        .iter()
        .map(|(level, f)| (level.as_str(), f["outcome"].as_str(), f["status"].as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("INFO", "processed", "200"),
            ("INFO", "duplicate", "200"),
            ("WARN", "signature_mismatch", "401")
        ]
    );
    for (_, fields) in events.iter() {
        assert_eq!(fields["target"], "hooksig::tower");
        assert_eq!(fields["provider"], "github");
        assert!(fields.contains_key("latency_us"));
        let text = format!("{fields:?}");
        assert!(!text.contains("do-not-log-me"), "{text}");
        assert!(!text.contains(GITHUB_SECRET), "{text}");
        assert!(!text.contains("sha256="), "{text}");
    }
    assert_eq!(events[0].1["delivery_id"], "d-1");
    assert_eq!(events[0].1["event"], "push");
    // A rejected request's id and event are not reported: they were not
    // verified.
    assert_eq!(events[2].1["delivery_id"], "");
    assert_eq!(events[2].1["event"], "");
}

/// The three outcomes the tower test checks, as (level, outcome, status),
/// and the target, for another adapter's events.
fn assert_three_events(capture: &Capture, target: &str) {
    let events = capture.0.lock().unwrap();
    let outcomes: Vec<_> = events
        .iter()
        .map(|(level, f)| (level.as_str(), f["outcome"].as_str(), f["status"].as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("INFO", "processed", "200"),
            ("INFO", "duplicate", "200"),
            ("WARN", "signature_mismatch", "401")
        ],
        "{events:?}"
    );
    for (_, fields) in events.iter() {
        assert_eq!(fields["target"], target);
        let text = format!("{fields:?}");
        assert!(!text.contains("do-not-log-me"), "{text}");
        assert!(!text.contains(GITHUB_SECRET), "{text}");
    }
    assert_eq!(events[0].1["delivery_id"], "d-1");
}

const BODY: &[u8] = br#"{"secret_payload":"do-not-log-me"}"#;

#[tokio::test(flavor = "current_thread")]
async fn the_axum_extractor_emits_the_same_event() {
    use hooksig::axum::Verified;
    use hooksig::receiver::Receiver;
    use tower::ServiceExt;

    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let github = GitHub::new(GITHUB_SECRET).unwrap();
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::post(|verified: Verified| async move {
                verified.complete().await;
                "ok"
            }),
        )
        .with_state(Receiver::new(github.clone()).dedup(MemoryStore::new()));
    let mut forged = signed(&github, "/", BODY, "d-2", "push");
    *forged.body_mut() = http_body_util::Full::new(bytes::Bytes::from_static(b"{}"));
    for request in [
        signed(&github, "/", BODY, "d-1", "push"),
        signed(&github, "/", BODY, "d-1", "push"),
        forged,
    ] {
        let request = request.map(axum::body::Body::new);
        app.clone().oneshot(request).await.unwrap();
    }
    assert_three_events(&capture, "hooksig::axum");
}

#[test]
fn the_actix_middleware_emits_the_same_event() {
    use actix_web::{test, web, App, HttpResponse};
    use hooksig::actix::{Verified, Verify};

    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let github = GitHub::new(GITHUB_SECRET).unwrap();
    actix_web::rt::System::new().block_on(async {
        let app = test::init_service(
            App::new().service(
                web::resource("/")
                    .wrap(Verify::new(github.clone()).dedup(MemoryStore::new()))
                    .route(web::post().to(|_: Verified| async { HttpResponse::Ok().finish() })),
            ),
        )
        .await;
        for (id, body) in [("d-1", BODY), ("d-1", BODY), ("d-2", &b"{}"[..])] {
            let headers = github
                .sign_headers(&hooksig::Outgoing::new(BODY).id(id).event("push"))
                .unwrap();
            let mut request = test::TestRequest::post().uri("/");
            for (name, value) in &headers {
                request = request.insert_header((name.as_str(), value.to_str().unwrap()));
            }
            test::call_service(&app, request.set_payload(body.to_vec()).to_request()).await;
        }
    });
    assert_three_events(&capture, "hooksig::actix");
}
