//! The inbox proofs of issue 13 that every backend runs, written once
//! (`tests/inbox.rs` on SQLite, `tests/inbox_redis.rs` on Redis): the load
//! with failures (10,000 deliveries accepted through the tower middleware,
//! processed by workers whose handler fails 10 % of its attempts, each to
//! succeed exactly once), and the dead-letter run (an outage until a
//! delivery is dead, then its replay).

#![allow(dead_code)]

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use hooksig::github::GitHub;
use hooksig::inbox::{Accept, Backoff, Envelope, Filter, Inbox, State, Worker};
use hooksig::tower::VerifyLayer;
use tower::Layer;

use super::tower_support::{send, signed, Recorder, GITHUB_SECRET};

/// How many deliveries the load sends.
pub(crate) const DELIVERIES: usize = 10_000;

/// A 10 % chance, fresh per call (`RandomState` is seeded randomly).
fn fails_at_random() -> bool {
    RandomState::new().hash_one(0u8).is_multiple_of(10)
}

/// Accepts every delivery (`d-0` … `d-9999`) into `inbox` through the tower
/// middleware, 200 in flight at a time; each must be answered 202.
pub(crate) async fn accept_all(inbox: impl Inbox + Clone + 'static) -> Duration {
    let started = Instant::now();
    let github = || GitHub::new(GITHUB_SECRET).unwrap();
    let service = VerifyLayer::new(github())
        .inbox(inbox)
        .layer(Recorder::default().handler());
    let mut sends = tokio::task::JoinSet::new();
    let next = Arc::new(AtomicUsize::new(0));
    for _ in 0..200 {
        let service = service.clone();
        let next = Arc::clone(&next);
        sends.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= DELIVERIES {
                    break;
                }
                let body = format!(r#"{{"n":{n}}}"#);
                let request = signed(&github(), "/", body.as_bytes(), &format!("d-{n}"), "push");
                assert_eq!(send(&service, request).await.0, 202);
            }
        });
    }
    while let Some(joined) = sends.join_next().await {
        joined.unwrap();
    }
    started.elapsed()
}

/// The flaky handler and what it saw: successes by delivery id, failed
/// attempts.
#[derive(Clone, Default)]
pub(crate) struct Flaky {
    succeeded: Arc<Mutex<HashMap<String, usize>>>,
    failures: Arc<AtomicUsize>,
}

impl Flaky {
    /// The worker's handler: fails 10 % of attempts, else counts a success.
    pub(crate) fn handler(
        &self,
    ) -> impl Fn(
        Envelope,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), &'static str>> + Send>,
    > + Clone
           + Send
           + Sync
           + 'static {
        let flaky = self.clone();
        move |envelope: Envelope| {
            let flaky = flaky.clone();
            Box::pin(async move {
                if fails_at_random() {
                    flaky.failures.fetch_add(1, Ordering::Relaxed);
                    return Err("flaky downstream");
                }
                *flaky
                    .succeeded
                    .lock()
                    .unwrap()
                    .entry(envelope.id().unwrap().to_owned())
                    .or_default() += 1;
                Ok(())
            })
        }
    }

    /// The workers' backoff: 30 attempts (a delivery dies with probability
    /// 10^-30), 1 ms apart.
    pub(crate) fn backoff() -> Backoff {
        Backoff::new()
            .attempts(30)
            .first(Duration::from_millis(1))
            .factor(1)
    }

    /// Waits until every delivery succeeded, at most `limit`.
    pub(crate) async fn wait_for_all(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.succeeded.lock().unwrap().len() < DELIVERIES {
            assert!(
                Instant::now() < deadline,
                "not all deliveries succeeded in time: {}",
                self.succeeded.lock().unwrap().len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many attempts failed.
    pub(crate) fn failures(&self) -> usize {
        self.failures.load(Ordering::Relaxed)
    }

    /// Every delivery succeeded exactly once, failures were injected, and
    /// the inbox holds every one as succeeded and none in another state.
    pub(crate) async fn check_each_succeeded_once(&self, inbox: &dyn Inbox) {
        let succeeded = std::mem::take(&mut *self.succeeded.lock().unwrap());
        assert_eq!(succeeded.len(), DELIVERIES);
        for n in 0..DELIVERIES {
            assert_eq!(succeeded.get(&format!("d-{n}")), Some(&1), "d-{n}");
        }
        assert!(self.failures() > DELIVERIES / 20, "failures were injected");
        for state in [State::Queued, State::Leased, State::Dead] {
            let left = inbox
                .list(&Filter::new().state(state).limit(1))
                .await
                .unwrap();
            assert!(left.is_empty(), "{state} left: {left:?}");
        }
        let done = inbox
            .list(&Filter::new().state(State::Succeeded).limit(DELIVERIES + 1))
            .await
            .unwrap();
        assert_eq!(done.len(), DELIVERIES);
        let keys: HashSet<&str> = done.iter().map(Envelope::key).collect();
        assert_eq!(keys.len(), DELIVERIES);
    }
}

/// The boxed future of a test handler.
type Attempt =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), &'static str>> + Send>>;

/// A handler whose downstream is down until [`heal`](Outage::heal): every
/// attempt fails with "downstream is down" until then, and succeeds after.
#[derive(Clone, Default)]
pub(crate) struct Outage {
    healthy: Arc<AtomicBool>,
    processed: Arc<AtomicUsize>,
}

impl Outage {
    /// The worker's handler.
    pub(crate) fn handler(&self) -> impl Fn(Envelope) -> Attempt + Clone + Send + Sync + 'static {
        let outage = self.clone();
        move |_: Envelope| {
            let outage = outage.clone();
            Box::pin(async move {
                if outage.healthy.load(Ordering::SeqCst) {
                    outage.processed.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                } else {
                    Err("downstream is down")
                }
            })
        }
    }

    /// The downstream is back.
    pub(crate) fn heal(&self) {
        self.healthy.store(true, Ordering::SeqCst);
    }

    /// How many attempts succeeded.
    pub(crate) fn processed(&self) -> usize {
        self.processed.load(Ordering::SeqCst)
    }

    /// Three attempts, 5 ms then 10 ms apart: dead quickly.
    pub(crate) fn backoff() -> Backoff {
        Backoff::new()
            .attempts(3)
            .first(Duration::from_millis(5))
            .factor(2)
    }
}

/// Waits until `key` is in `state` (at most 20 s) and returns it.
pub(crate) async fn wait_for_state(inbox: &dyn Inbox, key: &str, state: State) -> Envelope {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let envelope = inbox.get(key).await.unwrap();
        if let Some(envelope) = envelope.filter(|envelope| envelope.state() == state) {
            return envelope;
        }
        assert!(Instant::now() < deadline, "{key} never {state}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The key of the delivery a [`DeadLetter`] run kills and replays.
pub(crate) const DEAD_KEY: &str = "github:d-dead";

/// A worker over an [`Outage`] that has made one delivery a dead letter,
/// for a backend's test to check its own storage between the steps.
pub(crate) struct DeadLetter<I> {
    pub(crate) inbox: Arc<I>,
    pub(crate) envelope: Envelope,
    pub(crate) outage: Outage,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<Result<(), hooksig::Error>>,
}

impl<I: Inbox + 'static> DeadLetter<I> {
    /// Accepts [`DEAD_KEY`] (a second accept is a duplicate) and runs a
    /// worker until its three attempts have failed; the dead letter keeps
    /// its attempts and last error, and the delivery log lists it.
    pub(crate) async fn new(inbox: Arc<I>, body: &'static [u8]) -> Self {
        let envelope = Envelope::new(
            DEAD_KEY,
            "github",
            Bytes::from_static(body),
            SystemTime::now(),
        );
        assert_eq!(inbox.accept(&envelope).await.unwrap(), Accept::Queued);
        assert_eq!(inbox.accept(&envelope).await.unwrap(), Accept::Duplicate);

        let outage = Outage::default();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = Worker::new(Arc::clone(&inbox), outage.handler())
            .poll_interval(Duration::from_millis(5))
            .backoff(Outage::backoff());
        let running = tokio::spawn(worker.run(async {
            let _ = stopped.await;
        }));

        let dead = wait_for_state(&*inbox, DEAD_KEY, State::Dead).await;
        assert_eq!(dead.attempts(), 3);
        assert_eq!(dead.last_error(), Some("downstream is down"));
        assert_eq!(outage.processed(), 0);
        let dead_letters = inbox.list(&Filter::new().state(State::Dead)).await.unwrap();
        assert_eq!(dead_letters.len(), 1);
        DeadLetter {
            inbox,
            envelope,
            outage,
            stop,
            running,
        }
    }

    /// Heals the downstream and replays the dead letter.
    pub(crate) async fn replay(&self) {
        self.outage.heal();
        assert!(self
            .inbox
            .replay(DEAD_KEY, SystemTime::now())
            .await
            .unwrap());
    }

    /// Waits for the replayed delivery to succeed, once, checks that an
    /// unknown delivery is not replayed, stops the worker, and returns the
    /// delivery as it ended.
    pub(crate) async fn finish(self) -> Envelope {
        let done = wait_for_state(&*self.inbox, DEAD_KEY, State::Succeeded).await;
        assert_eq!(self.outage.processed(), 1);
        // A queued or unknown delivery is not replayed.
        assert!(!self
            .inbox
            .replay("github:nope", SystemTime::now())
            .await
            .unwrap());
        self.stop.send(()).unwrap();
        self.running.await.unwrap().unwrap();
        done
    }
}
