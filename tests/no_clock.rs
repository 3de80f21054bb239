//! No system clock on the receiver's path: on `wasm32-unknown-unknown`
//! (Cloudflare Workers) `SystemTime::now()` and `Instant::now()` panic, and
//! our CI cannot build that target. So this test proves it two ways:
//!
//! 1. **Behaviour:** the receiver core and `MemoryStore` run on a fake
//!    clock set 25 years in the past whose every reading is counted. A
//!    Linear delivery signed at the fake time verifies (with the system
//!    clock its 60 s replay window would refuse it, 401), and the store's
//!    TTL expires exactly when the fake clock moves (no real time passes).
//!    Any read of the system clock on that path fails the test.
//! 2. **Structure:** the source of the receiver, the adapters, the stores
//!    and the headers never names `SystemTime::now`, `Instant::now` or
//!    `process::id` outside tests, and never calls the clock-reading
//!    `Provider::verify`: only `src/clock.rs` (`SystemClock`) may.
//!
//! 3. **The verify and signing paths:** no provider, the engine or its
//!    primitives read the clock; `Provider::verify` reads it only for a
//!    scheme that checks a timestamp (`reads_clock`), and `Outgoing` only
//!    when a scheme that signs a time is signed without `Outgoing::at`.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hooksig::dedup::MemoryStore;
use hooksig::linear::Linear;
use hooksig::receiver::{read_bytes, Head, Receiver, Step};
use hooksig::{Clock, Outgoing, Provider};

/// 2001-09-09: far enough from the real time that a replay window checked
/// against the system clock could not pass.
const FAKE_EPOCH_SECS: u64 = 1_000_000_000;

#[derive(Debug, Default)]
struct FakeClock {
    monotonic_ms: AtomicU64,
    wall_reads: AtomicUsize,
    monotonic_reads: AtomicUsize,
}

impl FakeClock {
    fn advance(&self, by: Duration) {
        self.monotonic_ms
            .fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
    fn wall(&self) -> SystemTime {
        UNIX_EPOCH
            + Duration::from_secs(FAKE_EPOCH_SECS)
            + Duration::from_millis(self.monotonic_ms.load(Ordering::SeqCst))
    }
}

impl Clock for FakeClock {
    fn now(&self) -> SystemTime {
        self.wall_reads.fetch_add(1, Ordering::SeqCst);
        self.wall()
    }
    fn monotonic(&self) -> Duration {
        self.monotonic_reads.fetch_add(1, Ordering::SeqCst);
        Duration::from_millis(self.monotonic_ms.load(Ordering::SeqCst))
    }
}

fn linear_delivery(linear: &Linear, at: SystemTime, id: &str) -> (Vec<(String, Vec<u8>)>, Bytes) {
    let millis = at.duration_since(UNIX_EPOCH).unwrap().as_millis();
    let body = format!(r#"{{"action":"create","type":"Issue","webhookTimestamp":{millis}}}"#);
    let headers = linear
        .sign_headers(&Outgoing::new(body.as_bytes()).id(id).event("Issue").at(at))
        .unwrap();
    let pairs = headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    (pairs, Bytes::from(body))
}

async fn receive(receiver: &Receiver, headers: &Vec<(String, Vec<u8>)>, body: Bytes) -> Step {
    let head = Head::new("POST", "/webhooks/linear", headers);
    receiver.prepare(&head, read_bytes(body)).await
}

#[tokio::test(flavor = "current_thread")]
async fn the_receiver_core_and_memory_store_read_only_the_injected_clock() {
    let clock = Arc::new(FakeClock::default());
    let linear = Linear::new("lin_wh_secret").unwrap();
    let store = MemoryStore::new()
        .ttl(Duration::from_secs(60))
        .clock(Arc::clone(&clock));
    let receiver = Receiver::new(linear.clone())
        .clock(Arc::clone(&clock))
        .dedup(store);

    let (headers, body) = linear_delivery(&linear, clock.wall(), "d-1");
    // The system clock would see a 25-year-old timestamp: 401. The fake
    // clock sees a fresh one.
    let accepted = match receive(&receiver, &headers, body.clone()).await {
        Step::Handle(accepted) => accepted,
        Step::Answer(answer) => panic!("refused: {:?}", answer.error()),
    };
    assert_eq!(accepted.delivery().id(), Some("d-1"));
    accepted.finish(http::StatusCode::OK).await;
    assert!(clock.wall_reads.load(Ordering::SeqCst) >= 1);
    assert!(clock.monotonic_reads.load(Ordering::SeqCst) >= 2);

    // Within the store's TTL on the fake clock: a duplicate.
    clock.advance(Duration::from_secs(30));
    let (headers, body) = linear_delivery(&linear, clock.wall(), "d-1");
    match receive(&receiver, &headers, body).await {
        Step::Answer(answer) => assert_eq!(answer.body().as_ref(), b"{\"status\":\"duplicate\"}"),
        Step::Handle(_) => panic!("a duplicate reached the handler"),
    }

    // Past the TTL on the fake clock (no real time passed): processed again.
    clock.advance(Duration::from_secs(31));
    let (headers, body) = linear_delivery(&linear, clock.wall(), "d-1");
    assert!(matches!(
        receive(&receiver, &headers, body).await,
        Step::Handle(_)
    ));

    // A delivery signed at the real time is stale on the fake clock: the
    // receiver compared against the injected time, not the system's.
    let (headers, body) = linear_delivery(&linear, SystemTime::now(), "d-2");
    match receive(&receiver, &headers, body).await {
        Step::Answer(answer) => assert_eq!(answer.status(), 401),
        Step::Handle(_) => panic!("verified against the system clock"),
    }
}

#[test]
fn verify_at_takes_its_time_from_the_caller() {
    // Same proof for the provider path the receiver calls.
    let linear = Linear::new("lin_wh_secret").unwrap();
    let at = UNIX_EPOCH + Duration::from_secs(FAKE_EPOCH_SECS);
    let (headers, body) = linear_delivery(&linear, at, "d-1");
    let delivery = linear.verify_at(&headers, &body, at).unwrap();
    assert_eq!(delivery.id(), Some("d-1"));
}

/// Lines of `path` that are code (not comments), before its test module.
fn code_lines(path: &std::path::Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(number, line)| (number + 1, line.to_owned()))
        .collect()
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_system_clock_outside_system_clock_in_the_receiver_adapters_and_stores() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for dir in ["receiver", "tower", "actix", "dedup"] {
        rust_files(&src.join(dir), &mut files);
    }
    for file in ["axum.rs", "dedup.rs", "headers.rs", "clock.rs"] {
        files.push(src.join(file));
    }
    let mut offences = Vec::new();
    for file in &files {
        let is_clock = file.ends_with("clock.rs");
        for (number, line) in code_lines(file) {
            let reads_clock = ["SystemTime::now", "Instant::now", "process::id"]
                .iter()
                .any(|needle| line.contains(needle));
            if (reads_clock && !is_clock) || line.contains(".verify(") {
                offences.push(format!("{}:{number}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "system clock read:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_verify_and_signing_paths_read_no_clock_unless_a_time_is_needed() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("providers"), &mut files);
    for file in [
        "engine.rs",
        "scheme.rs",
        "incoming.rs",
        "delivery.rs",
        "key.rs",
        "encoding.rs",
        "time.rs",
        "json.rs",
        "error.rs",
        "public_key.rs",
    ] {
        files.push(src.join(file));
    }
    for file in &files {
        for (number, line) in code_lines(file) {
            assert!(
                !["SystemTime::now", "Instant::now", "process::id"]
                    .iter()
                    .any(|n| line.contains(n)),
                "{}:{number}: {}",
                file.display(),
                line.trim()
            );
        }
    }
    // provider.rs: exactly two reads, each behind its condition.
    let lines = code_lines(&src.join("provider.rs"));
    let reads: Vec<&(usize, String)> = lines
        .iter()
        .filter(|(_, l)| l.contains("SystemTime::now"))
        .collect();
    assert_eq!(reads.len(), 2, "{reads:?}");
    let text: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
    let verify = text
        .iter()
        .position(|l| l.contains("fn verify<'a>(&self, headers"))
        .unwrap();
    assert!(text[verify..verify + 4]
        .iter()
        .any(|l| l.contains("if self.reads_clock()")));
    assert!(text
        .iter()
        .any(|l| l.contains("self.timestamp.unwrap_or_else(SystemTime::now)")));

    // And in behaviour: who reads the clock, and signing at a given time.
    assert!(!hooksig::github::GitHub::new("s").unwrap().reads_clock());
    assert!(!hooksig::notify::Notify::new("s").unwrap().reads_clock());
    assert!(hooksig::stripe::Stripe::new("s").unwrap().reads_clock());
    let at = UNIX_EPOCH + Duration::from_secs(FAKE_EPOCH_SECS);
    let stripe = hooksig::stripe::Stripe::new("s").unwrap();
    let signed = stripe.sign_headers(&Outgoing::new(b"{}").at(at)).unwrap();
    let value = signed.get("stripe-signature").unwrap().to_str().unwrap();
    assert!(
        value.starts_with(&format!("t={FAKE_EPOCH_SECS},")),
        "{value}"
    );
    assert!(stripe.verify_at(&signed, b"{}", at).is_ok());
}
