//! The inbox with real parts: a real SQLite file, the tower middleware in
//! front of it, and the worker over it.

mod inbox_load;
mod temp_db;
mod tower_support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use hooksig::github::GitHub;
use hooksig::inbox::{
    Accept, BoxFuture, Envelope, Filter, Inbox, Lease, Settle, SqliteInbox, State, Worker,
};
use hooksig::tower::VerifyLayer;
use hooksig::Error;
use inbox_load::{DeadLetter, Flaky};
use temp_db::TempDb;
use tower::Layer;
use tower_support::{send, signed, Recorder, GITHUB_SECRET};

fn github() -> GitHub {
    GitHub::new(GITHUB_SECRET).unwrap()
}

const PUSH: &[u8] = br#"{"ref":"refs/heads/main"}"#;

#[tokio::test]
async fn the_receiver_queues_answers_202_and_suppresses_duplicates() {
    let db = TempDb::new("receiver");
    let inbox = Arc::new(SqliteInbox::open(&db.0).unwrap());
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .answer_pings(true)
        .inbox(Arc::clone(&inbox))
        .layer(recorder.handler());

    let (status, body, _) = send(&service, signed(&github(), "/", PUSH, "d-1", "push")).await;
    assert_eq!(
        (status, body.as_str()),
        (202, r#"{"id":"github:d-1","status":"queued"}"#)
    );
    let (status, body, _) = send(&service, signed(&github(), "/", PUSH, "d-1", "push")).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"duplicate"}"#));
    // Pings are still answered by the receiver, bad signatures refused.
    let (status, body, _) = send(&service, signed(&github(), "/", b"{}", "p-1", "ping")).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"pong"}"#));
    let forged = signed(&GitHub::new("other").unwrap(), "/", PUSH, "d-2", "push");
    assert_eq!(send(&service, forged).await.0, 401);
    assert_eq!(
        recorder.calls(),
        0,
        "the handler is never called in inbox mode"
    );

    let envelope = inbox.get("github:d-1").await.unwrap().unwrap();
    assert_eq!(envelope.provider(), "github");
    assert_eq!(envelope.id(), Some("d-1"));
    assert_eq!(envelope.event(), Some("push"));
    assert_eq!(envelope.body().as_ref(), PUSH);
    assert_eq!(envelope.state(), State::Queued);
    assert_eq!(envelope.attempts(), 0);
    assert_eq!(envelope.header("x-github-event"), Some("push"));
    assert!(
        envelope
            .headers()
            .iter()
            .all(|(name, _)| !name.contains("signature")),
        "{:?}",
        envelope.headers()
    );
    assert!(inbox.get("github:d-2").await.unwrap().is_none());
    let listed = inbox
        .list(&Filter::new().state(State::Queued).provider("github"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
}

/// An inbox whose storage is down.
#[derive(Debug)]
struct Down;

impl Inbox for Down {
    fn accept<'a>(&'a self, _: &'a Envelope) -> BoxFuture<'a, Result<Accept, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
    fn lease<'a>(
        &'a self,
        _: usize,
        _: Duration,
        _: SystemTime,
    ) -> BoxFuture<'a, Result<Vec<Lease>, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
    fn renew<'a>(
        &'a self,
        _: &'a Lease,
        _: Duration,
        _: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
    fn settle<'a>(
        &'a self,
        _: &'a Lease,
        _: Settle,
        _: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
    fn get<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<Envelope>, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
    fn list<'a>(&'a self, _: &'a Filter) -> BoxFuture<'a, Result<Vec<Envelope>, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
    fn replay<'a>(&'a self, _: &'a str, _: SystemTime) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
    fn purge<'a>(&'a self, _: SystemTime) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async { Err(Error::InboxUnavailable) })
    }
}

#[tokio::test]
async fn an_inbox_that_is_down_is_answered_503_never_2xx() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .inbox(Down)
        .layer(recorder.handler());
    let (status, body, error) = send(&service, signed(&github(), "/", PUSH, "d-1", "push")).await;
    assert_eq!(status, 503);
    assert!(body.contains("inbox_unavailable"), "{body}");
    assert_eq!(error, Some(Error::InboxUnavailable));
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_deliveries_with_failures_each_succeed_exactly_once() {
    let db = TempDb::new("load");
    let inbox = Arc::new(SqliteInbox::open(&db.0).unwrap());
    let started = Instant::now();
    let accepted = inbox_load::accept_all(Arc::clone(&inbox)).await;

    let flaky = Flaky::default();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = Worker::new(Arc::clone(&inbox), flaky.handler())
        .concurrency(64)
        .poll_interval(Duration::from_millis(5))
        .backoff(Flaky::backoff());
    let running = tokio::spawn(worker.run(async {
        let _ = stopped.await;
    }));
    flaky.wait_for_all(Duration::from_secs(120)).await;
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();

    flaky.check_each_succeeded_once(&*inbox).await;
    eprintln!(
        "10,000 deliveries: accepted in {accepted:?}, all processed in {:?}, {} failed attempts",
        started.elapsed(),
        flaky.failures()
    );
}

#[tokio::test]
async fn a_dead_letter_is_processed_after_replay() {
    let db = TempDb::new("dead");
    let inbox = Arc::new(SqliteInbox::open(&db.0).unwrap());
    let run = DeadLetter::new(Arc::clone(&inbox), PUSH).await;
    run.replay().await;
    let envelope = run.envelope.clone();
    run.finish().await;
    // Retention: settled deliveries go, and their key is new again.
    assert_eq!(
        inbox
            .purge(SystemTime::now() + Duration::from_secs(1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(inbox.accept(&envelope).await.unwrap(), Accept::Queued);
}

#[tokio::test]
async fn an_expired_lease_is_retaken_and_the_stale_holder_cannot_settle() {
    let db = TempDb::new("lease");
    let inbox = SqliteInbox::open(&db.0).unwrap();
    let now = SystemTime::now();
    let envelope = Envelope::new("k", "github", Bytes::from_static(PUSH), now);
    inbox.accept(&envelope).await.unwrap();
    let first = inbox.lease(10, Duration::from_secs(1), now).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].envelope().attempts(), 1);
    // Still leased: nobody else gets it; renewed, it lasts longer.
    assert!(inbox
        .lease(10, Duration::from_secs(1), now)
        .await
        .unwrap()
        .is_empty());
    assert!(inbox
        .renew(&first[0], Duration::from_secs(2), now)
        .await
        .unwrap());
    let later = now + Duration::from_millis(1500);
    assert!(inbox
        .lease(10, Duration::from_secs(1), later)
        .await
        .unwrap()
        .is_empty());
    // Expired: another worker takes it, and the first cannot settle it.
    let expired = now + Duration::from_secs(3);
    let second = inbox
        .lease(10, Duration::from_secs(1), expired)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].envelope().attempts(), 2);
    assert!(!inbox
        .settle(&first[0], Settle::Succeeded, expired)
        .await
        .unwrap());
    assert!(inbox
        .settle(&second[0], Settle::Succeeded, expired)
        .await
        .unwrap());
    assert_eq!(
        inbox.get("k").await.unwrap().unwrap().state(),
        State::Succeeded
    );
}

#[tokio::test]
async fn a_shutdown_gives_the_leases_of_running_handlers_back() {
    let db = TempDb::new("shutdown");
    let inbox = Arc::new(SqliteInbox::open(&db.0).unwrap());
    let envelope = Envelope::new("k", "github", Bytes::from_static(PUSH), SystemTime::now());
    inbox.accept(&envelope).await.unwrap();
    let started = Arc::new(tokio::sync::Notify::new());
    let handler = {
        let started = Arc::clone(&started);
        move |_: Envelope| {
            let started = Arc::clone(&started);
            async move {
                started.notify_one();
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok::<(), &str>(())
            }
        }
    };
    let worker = Worker::new(Arc::clone(&inbox), handler)
        .poll_interval(Duration::from_millis(5))
        .grace(Duration::from_millis(50));
    let run = worker.run(started.notified());
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .unwrap()
        .unwrap();
    let given_back = inbox.get("k").await.unwrap().unwrap();
    assert_eq!(
        (given_back.state(), given_back.attempts()),
        (State::Queued, 0)
    );
}
