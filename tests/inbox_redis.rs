//! RedisInbox against a real redis-server: the shared one of
//! `.ci/redis.sh` (`REDIS_URL`, each test under its own key prefix), and,
//! for the restart test, one of its own that it kills with SIGKILL and
//! restarts from its AOF.

mod inbox_load;
mod redis_support;
mod tower_support;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use hooksig::github::GitHub;
use hooksig::inbox::{Accept, Envelope, Filter, Inbox, RedisInbox, Settle, State, Worker};
use hooksig::tower::VerifyLayer;
use hooksig::Error;
use inbox_load::{DeadLetter, Flaky};
use redis_support::{redis_url, unique_prefix, RedisServer};
use tower::Layer;
use tower_support::{send, signed, Recorder, GITHUB_SECRET};

fn github() -> GitHub {
    GitHub::new(GITHUB_SECRET).unwrap()
}

const PUSH: &[u8] = br#"{"ref":"refs/heads/main"}"#;

/// An inbox on the shared server under a prefix of the test's own.
async fn inbox(url: &str, test: &str) -> RedisInbox {
    inbox_under(url, &unique_prefix(test)).await
}

/// An inbox on the shared server under `prefix`.
async fn inbox_under(url: &str, prefix: &str) -> RedisInbox {
    RedisInbox::connect(url).await.unwrap().prefix(prefix)
}

async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

#[tokio::test]
async fn bad_configuration_is_a_clear_error_and_an_unreachable_redis_is_unavailable() {
    let error = RedisInbox::connect("http://127.0.0.1:1/")
        .await
        .unwrap_err();
    assert_eq!(error, Error::InvalidConfig("not a valid Redis URL"));
    let error = RedisInbox::connect("not a url").await.unwrap_err();
    assert!(matches!(error, Error::InvalidConfig(_)), "{error:?}");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = RedisInbox::connect(&format!("redis://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert_eq!(error, Error::InboxUnavailable);
}

#[tokio::test]
async fn the_receiver_queues_answers_202_and_keeps_no_signature_in_redis() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("receiver");
    let inbox = Arc::new(inbox_under(&url, &prefix).await);
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
    let (status, body, _) = send(&service, signed(&github(), "/", b"{}", "p-1", "ping")).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"pong"}"#));
    let forged = signed(&GitHub::new("other").unwrap(), "/", PUSH, "d-2", "push");
    assert_eq!(send(&service, forged).await.0, 401);
    assert_eq!(recorder.calls(), 0);

    let envelope = inbox.get("github:d-1").await.unwrap().unwrap();
    assert_eq!(envelope.provider(), "github");
    assert_eq!(envelope.id(), Some("d-1"));
    assert_eq!(envelope.event(), Some("push"));
    assert_eq!(envelope.body().as_ref(), PUSH);
    assert_eq!((envelope.state(), envelope.attempts()), (State::Queued, 0));
    assert_eq!(envelope.header("x-github-event"), Some("push"));
    assert!(inbox.get("github:d-2").await.unwrap().is_none());
    let listed = inbox
        .list(&Filter::new().state(State::Queued).provider("github"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(inbox
        .list(&Filter::new().provider("linear"))
        .await
        .unwrap()
        .is_empty());

    // Nothing under the prefix holds the signature or the secret: the
    // hash has no signature header, the stream only the key.
    let signature = github().sign(PUSH);
    let mut connection = raw(&url).await;
    let hash: HashMap<String, Vec<u8>> = redis::cmd("HGETALL")
        .arg(format!("{prefix}d:github:d-1"))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(hash.get("state").map(Vec::as_slice), Some(&b"queued"[..]));
    let hex = signature.trim_start_matches("sha256=");
    for (field, value) in &hash {
        let value = String::from_utf8_lossy(value);
        assert!(
            !value.contains(hex) && !value.contains(GITHUB_SECRET),
            "{field}: {value}"
        );
        assert!(
            !value.to_ascii_lowercase().contains("signature"),
            "{field}: {value}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_accepts_of_one_key_enqueue_it_once() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("concurrent");
    let mut accepts = tokio::task::JoinSet::new();
    for _ in 0..50 {
        // Fifty receivers, each with connections of its own.
        let inbox = inbox_under(&url, &prefix).await;
        accepts.spawn(async move {
            let envelope =
                Envelope::new("k", "github", Bytes::from_static(PUSH), SystemTime::now());
            inbox.accept(&envelope).await.unwrap()
        });
    }
    let mut queued = 0;
    while let Some(accept) = accepts.join_next().await {
        if accept.unwrap() == Accept::Queued {
            queued += 1;
        }
    }
    assert_eq!(queued, 1);
    assert_eq!(xlen(&url, &format!("{prefix}stream")).await, 1);
}

#[tokio::test]
async fn two_prefixes_on_one_redis_do_not_collide() {
    let Some(url) = redis_url() else { return };
    let a = inbox(&url, "tenant-a").await;
    let b = inbox(&url, "tenant-b").await;
    let envelope = Envelope::new("k", "github", Bytes::from_static(PUSH), SystemTime::now());
    assert_eq!(a.accept(&envelope).await.unwrap(), Accept::Queued);
    assert_eq!(b.accept(&envelope).await.unwrap(), Accept::Queued);
    assert_eq!(a.accept(&envelope).await.unwrap(), Accept::Duplicate);
    let now = SystemTime::now();
    assert_eq!(
        a.lease(10, Duration::from_secs(60), now)
            .await
            .unwrap()
            .len(),
        1
    );
    // b's delivery is still b's to lease.
    assert_eq!(
        b.lease(10, Duration::from_secs(60), now)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(a
        .lease(10, Duration::from_secs(60), now)
        .await
        .unwrap()
        .is_empty());
}

/// Whether an attempt fails: 10 % of them, at random.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_deliveries_with_failures_each_succeed_exactly_once() {
    let Some(url) = redis_url() else { return };
    let inbox = Arc::new(inbox(&url, "load").await);
    let started = Instant::now();
    let accepted = inbox_load::accept_all(Arc::clone(&inbox)).await;

    let flaky = Flaky::default();
    // Two workers (two consumers of the group), as a fleet would run.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut runs = Vec::new();
    for consumer in ["w-0", "w-1"] {
        let worker = Worker::new(
            RedisInbox::clone(&inbox).consumer(consumer),
            flaky.handler(),
        )
        .concurrency(32)
        .poll_interval(Duration::from_millis(5))
        .backoff(Flaky::backoff());
        let mut stopped = stopped.clone();
        runs.push(tokio::spawn(worker.run(async move {
            let _ = stopped.changed().await;
        })));
    }
    flaky.wait_for_all(Duration::from_secs(180)).await;
    let processed = started.elapsed();
    // Let a second processing show itself, if there were one.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(true).unwrap();
    for run in runs {
        run.await.unwrap().unwrap();
    }

    flaky.check_each_succeeded_once(&*inbox).await;
    // Retention, in batches of 500: all of them go, and nothing is left.
    let purged = inbox
        .purge(SystemTime::now() + Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(purged, inbox_load::DELIVERIES as u64);
    assert!(inbox
        .list(&Filter::new().limit(1))
        .await
        .unwrap()
        .is_empty());
    eprintln!(
        "redis: 10,000 deliveries accepted in {accepted:?}, all processed in {processed:?}, {} failed attempts",
        flaky.failures()
    );
}

async fn xlen(url: &str, stream: &str) -> usize {
    redis::cmd("XLEN")
        .arg(stream)
        .query_async(&mut raw(url).await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_dead_letter_goes_to_the_dead_letter_stream_and_is_processed_after_replay() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("dead");
    let inbox = Arc::new(inbox_under(&url, &prefix).await);
    let run = DeadLetter::new(Arc::clone(&inbox), PUSH).await;
    let dead_stream = format!("{prefix}dead");
    assert_eq!(xlen(&url, &dead_stream).await, 1);
    let letters: Vec<(String, Vec<String>)> = redis::cmd("XRANGE")
        .arg(&dead_stream)
        .arg("-")
        .arg("+")
        .query_async(&mut raw(&url).await)
        .await
        .unwrap();
    assert_eq!(
        letters[0].1,
        [
            "k",
            "github:d-dead",
            "error",
            "downstream is down",
            "attempts",
            "3"
        ]
    );

    run.replay().await;
    // Replayed: out of the dead-letter stream, queued with no attempts.
    assert_eq!(xlen(&url, &dead_stream).await, 0);
    let envelope = run.envelope.clone();
    let done = run.finish().await;
    assert_eq!(done.attempts(), 1);
    // The work stream is empty: settled entries are acknowledged and
    // deleted.
    assert_eq!(xlen(&url, &format!("{prefix}stream")).await, 0);
    // Retention: settled deliveries go, and their key is new again.
    assert_eq!(
        inbox
            .purge(SystemTime::now() - Duration::from_secs(60))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        inbox
            .purge(SystemTime::now() + Duration::from_secs(1))
            .await
            .unwrap(),
        1
    );
    assert!(inbox.get("github:d-dead").await.unwrap().is_none());
    assert!(inbox.list(&Filter::new()).await.unwrap().is_empty());
    assert_eq!(inbox.accept(&envelope).await.unwrap(), Accept::Queued);
}

#[tokio::test]
async fn an_expired_lease_is_retaken_and_the_stale_holder_cannot_settle() {
    let Some(url) = redis_url() else { return };
    let inbox = inbox(&url, "lease").await;
    // Renewed every 300 ms, a third of it, as the worker does.
    let lease = Duration::from_secs(1);
    let envelope = Envelope::new("k", "github", Bytes::from_static(PUSH), SystemTime::now());
    inbox.accept(&envelope).await.unwrap();
    let first = inbox.lease(10, lease, SystemTime::now()).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].envelope().attempts(), 1);
    assert_eq!(
        inbox.get("k").await.unwrap().unwrap().state(),
        State::Leased
    );
    // Held and renewed: nobody else gets it, past its first expiry too.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(inbox
            .renew(&first[0], lease, SystemTime::now())
            .await
            .unwrap());
        assert!(inbox
            .lease(10, lease, SystemTime::now())
            .await
            .unwrap()
            .is_empty());
    }
    // Not renewed: expired, another worker takes it, and the first can
    // neither renew nor settle it.
    tokio::time::sleep(lease + Duration::from_millis(200)).await;
    let second = inbox.lease(10, lease, SystemTime::now()).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].envelope().attempts(), 2);
    assert_ne!(first[0].token(), second[0].token());
    let now = SystemTime::now();
    assert!(!inbox.renew(&first[0], lease, now).await.unwrap());
    assert!(!inbox
        .settle(&first[0], Settle::Succeeded, now)
        .await
        .unwrap());
    assert_eq!(
        inbox.get("k").await.unwrap().unwrap().state(),
        State::Leased
    );
    assert!(inbox
        .settle(&second[0], Settle::Succeeded, now)
        .await
        .unwrap());
    assert!(!inbox
        .settle(&second[0], Settle::Succeeded, now)
        .await
        .unwrap());
    assert_eq!(
        inbox.get("k").await.unwrap().unwrap().state(),
        State::Succeeded
    );
    // Long after: nothing to lease, nothing left in a consumer's pending list.
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    assert!(inbox
        .lease(10, lease, SystemTime::now())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_failed_attempt_is_not_redelivered_before_its_next_attempt_time() {
    let Some(url) = redis_url() else { return };
    let inbox = inbox(&url, "delayed").await;
    let now = SystemTime::now();
    let envelope = Envelope::new("k", "github", Bytes::from_static(PUSH), now);
    inbox.accept(&envelope).await.unwrap();
    let lease = Duration::from_millis(50);
    let first = inbox.lease(1, lease, now).await.unwrap();
    let retry_at = now + Duration::from_secs(60);
    let failed = Settle::Failed {
        error: "boom".into(),
        retry_at,
    };
    assert!(inbox.settle(&first[0], failed, now).await.unwrap());
    let queued = inbox.get("k").await.unwrap().unwrap();
    assert_eq!(
        (queued.state(), queued.attempts(), queued.last_error()),
        (State::Queued, 1, Some("boom"))
    );
    // Past the lease (so XAUTOCLAIM would see it, were it pending) but
    // before its time: not leased.
    tokio::time::sleep(lease * 3).await;
    let later = SystemTime::now();
    assert!(inbox.lease(10, lease, later).await.unwrap().is_empty());
    assert!(inbox
        .lease(10, lease, retry_at - Duration::from_millis(1))
        .await
        .unwrap()
        .is_empty());
    // At its time: leased, once.
    let second = inbox.lease(10, lease, retry_at).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].envelope().attempts(), 2);
    assert_eq!(second[0].envelope().last_error(), Some("boom"));
    assert!(inbox.lease(10, lease, retry_at).await.unwrap().is_empty());
    // Released (a shutdown): queued at once, the attempt not counted.
    assert!(inbox
        .settle(&second[0], Settle::Release, retry_at)
        .await
        .unwrap());
    let third = inbox.lease(10, lease, retry_at).await.unwrap();
    assert_eq!(third.len(), 1);
    assert_eq!(third[0].envelope().attempts(), 2);
}

#[tokio::test]
async fn list_filters_by_state_provider_and_time_newest_first() {
    let Some(url) = redis_url() else { return };
    let inbox = inbox(&url, "list").await;
    // Whole seconds: the inbox keeps milliseconds.
    let epoch = SystemTime::UNIX_EPOCH
        + Duration::from_secs(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                - 3600,
        );
    for n in 0..5u64 {
        let provider = if n % 2 == 0 { "github" } else { "linear" };
        let envelope = Envelope::new(
            format!("{provider}:{n}"),
            provider,
            Bytes::from(format!("{n}")),
            epoch + Duration::from_secs(n),
        )
        .with_tenant(Some("acme".into()))
        .with_id(Some(n.to_string()))
        .with_timestamp(Some(epoch));
        inbox.accept(&envelope).await.unwrap();
    }
    let all = inbox.list(&Filter::new()).await.unwrap();
    let keys: Vec<&str> = all.iter().map(Envelope::key).collect();
    assert_eq!(
        keys,
        ["github:4", "linear:3", "github:2", "linear:1", "github:0"]
    );
    assert_eq!(all[0].tenant(), Some("acme"));
    assert_eq!(all[0].timestamp(), Some(epoch));
    let github = inbox
        .list(&Filter::new().provider("github").limit(2))
        .await
        .unwrap();
    let keys: Vec<&str> = github.iter().map(Envelope::key).collect();
    assert_eq!(keys, ["github:4", "github:2"]);
    let recent = inbox
        .list(&Filter::new().since(epoch + Duration::from_secs(3)))
        .await
        .unwrap();
    assert_eq!(recent.len(), 2);
    let leased = inbox
        .lease(1, Duration::from_secs(60), SystemTime::now())
        .await
        .unwrap();
    assert_eq!(leased.len(), 1);
    let by_state = inbox
        .list(&Filter::new().state(State::Leased))
        .await
        .unwrap();
    assert_eq!(by_state.len(), 1);
    assert_eq!(by_state[0].key(), leased[0].envelope().key());
    assert_eq!(
        inbox
            .list(&Filter::new().state(State::Queued))
            .await
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn a_shutdown_gives_the_leases_of_running_handlers_back() {
    let Some(url) = redis_url() else { return };
    let inbox = Arc::new(inbox(&url, "shutdown").await);
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
    tokio::time::timeout(Duration::from_secs(10), worker.run(started.notified()))
        .await
        .unwrap()
        .unwrap();
    let given_back = inbox.get("k").await.unwrap().unwrap();
    assert_eq!(
        (given_back.state(), given_back.attempts()),
        (State::Queued, 0)
    );
    // And another worker gets it at once.
    assert_eq!(
        inbox
            .lease(10, Duration::from_secs(60), SystemTime::now())
            .await
            .unwrap()
            .len(),
        1
    );
}

/// (c) A redis-server of the test's own (AOF, `appendfsync always`) is
/// killed with SIGKILL in the middle of a load and restarted from its
/// files: every delivery that got its 202 is processed; the receiver
/// answers 503 while Redis is down, and receiver and worker carry on once
/// it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restart_during_a_load_loses_no_accepted_delivery() {
    const DELIVERIES: usize = 3_000;
    let Some(server) = RedisServer::start("restart") else {
        return;
    };
    let server = Arc::new(Mutex::new(server));
    let url = server.lock().unwrap().url();
    let inbox = Arc::new(RedisInbox::connect(&url).await.unwrap());
    let service = VerifyLayer::new(github())
        .inbox(Arc::clone(&inbox))
        .layer(Recorder::default().handler());

    let processed: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let handler = {
        let processed = Arc::clone(&processed);
        move |envelope: Envelope| {
            let processed = Arc::clone(&processed);
            async move {
                // Slower than the receiver: a backlog is queued when Redis
                // is killed.
                tokio::time::sleep(Duration::from_millis(10)).await;
                *processed
                    .lock()
                    .unwrap()
                    .entry(envelope.id().unwrap().to_owned())
                    .or_default() += 1;
                Ok::<(), &str>(())
            }
        }
    };
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let worker = Worker::new(Arc::clone(&inbox), handler)
        .concurrency(4)
        .lease(Duration::from_secs(2))
        .poll_interval(Duration::from_millis(5));
    let working = tokio::spawn(worker.run(async move {
        let _ = stopped.changed().await;
    }));

    // Senders as the senders behave: anything but 2xx is retried.
    let accepted: Arc<Mutex<HashSet<String>>> = Arc::default();
    let in_inbox: Arc<Mutex<HashSet<String>>> = Arc::default();
    let unavailable = Arc::new(AtomicUsize::new(0));
    let accepted_after_restart = Arc::new(AtomicUsize::new(0));
    let restarted = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(0));
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let (service, next, accepted, in_inbox) = (
            service.clone(),
            Arc::clone(&next),
            Arc::clone(&accepted),
            Arc::clone(&in_inbox),
        );
        let (unavailable, restarted, accepted_after_restart) = (
            Arc::clone(&unavailable),
            Arc::clone(&restarted),
            Arc::clone(&accepted_after_restart),
        );
        sends.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= DELIVERIES {
                    break;
                }
                let id = format!("d-{n}");
                let body = format!(r#"{{"n":{n}}}"#);
                loop {
                    let request = signed(&github(), "/", body.as_bytes(), &id, "push");
                    match send(&service, request).await.0 {
                        202 => {
                            accepted.lock().unwrap().insert(id.clone());
                            if restarted.load(Ordering::SeqCst) {
                                accepted_after_restart.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        // Its 202 was lost with the connection: queued.
                        200 => {}
                        503 => {
                            unavailable.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            continue;
                        }
                        status => panic!("{id}: {status}"),
                    }
                    in_inbox.lock().unwrap().insert(id);
                    break;
                }
            }
        });
    }

    // Kill Redis a third of the way in, keep it down a second, restart it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while accepted.lock().unwrap().len() < DELIVERIES / 3 {
        assert!(Instant::now() < deadline, "the load did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before = accepted.lock().unwrap().len();
    let backlog = before - processed.lock().unwrap().len();
    assert!(backlog > 0, "nothing was waiting in the inbox");
    {
        let server = Arc::clone(&server);
        tokio::task::spawn_blocking(move || server.lock().unwrap().kill_9())
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let refused = unavailable.load(Ordering::SeqCst);
    assert!(refused > 0, "no 503 while Redis was down");
    {
        let server = Arc::clone(&server);
        tokio::task::spawn_blocking(move || server.lock().unwrap().restart())
            .await
            .unwrap();
    }
    restarted.store(true, Ordering::SeqCst);
    while let Some(joined) = sends.join_next().await {
        joined.unwrap();
    }
    assert!(
        accepted_after_restart.load(Ordering::SeqCst) > 0,
        "nothing was accepted after the restart"
    );

    // Every delivery the receiver took (202, or a duplicate of one whose
    // 202 was lost) is processed, at least once.
    let in_inbox = std::mem::take(&mut *in_inbox.lock().unwrap());
    let accepted = std::mem::take(&mut *accepted.lock().unwrap());
    assert_eq!(in_inbox.len(), DELIVERIES);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let missing = in_inbox
            .iter()
            .filter(|id| !processed.lock().unwrap().contains_key(*id))
            .count();
        if missing == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{missing} accepted deliveries were never processed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    working.await.unwrap().unwrap();
    for id in &accepted {
        let envelope = inbox.get(&format!("github:{id}")).await.unwrap();
        assert_eq!(
            envelope.map(|envelope| envelope.state()),
            Some(State::Succeeded),
            "{id}"
        );
    }
    let twice = processed
        .lock()
        .unwrap()
        .values()
        .filter(|&&count| count > 1)
        .count();
    eprintln!(
        "redis restart: {} accepted with 202 ({before} before the kill, {backlog} of them not processed yet), {refused} answers 503 in the first second down, {} 503 in all, {twice} processed twice (at least once)",
        accepted.len(),
        unavailable.load(Ordering::SeqCst),
    );
}

#[tokio::test]
async fn a_worker_with_a_shorter_lease_does_not_take_a_longer_one_that_still_holds() {
    let Some(url) = redis_url() else { return };
    let inbox = inbox(&url, "two-clocks").await;
    let now = SystemTime::now();
    let envelope = Envelope::new("k", "github", Bytes::from_static(PUSH), now);
    inbox.accept(&envelope).await.unwrap();
    let long = inbox.lease(1, Duration::from_secs(60), now).await.unwrap();
    assert_eq!(long.len(), 1);
    // Idle in Redis for longer than the short lease: XAUTOCLAIM sees it,
    // but its hash says it is held for a minute.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let short = Duration::from_millis(50);
    assert!(inbox
        .lease(10, short, SystemTime::now())
        .await
        .unwrap()
        .is_empty());
    assert!(inbox
        .renew(&long[0], Duration::from_secs(60), SystemTime::now())
        .await
        .unwrap());
    // Once the caller's clock is past the lease end too, it is retaken.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let later = SystemTime::now() + Duration::from_secs(61);
    let retaken = inbox.lease(10, short, later).await.unwrap();
    assert_eq!(retaken.len(), 1);
    assert!(!inbox
        .settle(&long[0], Settle::Succeeded, later)
        .await
        .unwrap());
}
