//! The middleware's `tracing` event: one per delivery, with the promised
//! fields, and never the body or the secret.

mod tower_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::tower::VerifyLayer;
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
