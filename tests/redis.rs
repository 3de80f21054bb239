//! RedisStore against a real redis-server.
//!
//! Needs `REDIS_URL` (`.ci/redis.sh run cargo test --all-features` starts a
//! throw-away server and sets it). Without it the tests say so loudly and
//! pass, except under CI (`CI` set), where a missing `REDIS_URL` fails them:
//! CI can never skip them silently.

mod redis_support;
mod tower_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hooksig::dedup::{Claim, DeliveryStore, RedisStore};
use hooksig::github::GitHub;
use hooksig::tower::VerifyLayer;
use hooksig::Error;
use redis_support::{redis_url, unique_prefix};
use tower::Layer;
use tower_support::{send, signed, Recorder, GITHUB_SECRET};

/// `instances` stores sharing one Redis and one prefix, as a fleet would.
async fn stores(url: &str, test: &str, instances: usize) -> Vec<RedisStore> {
    let prefix = unique_prefix(test);
    let mut stores = Vec::new();
    for _ in 0..instances {
        stores.push(
            RedisStore::connect(url)
                .await
                .unwrap()
                .prefix(prefix.clone()),
        );
    }
    stores
}

fn github() -> GitHub {
    GitHub::new(GITHUB_SECRET).unwrap()
}

const PUSH: &[u8] = br#"{"ref":"refs/heads/main"}"#;

#[tokio::test]
async fn two_instances_see_each_others_deliveries() {
    let Some(url) = redis_url() else { return };
    let [a, b]: [RedisStore; 2] = stores(&url, "two", 2).await.try_into().unwrap();
    let recorder = Recorder::default();
    let instance_a = VerifyLayer::new(github())
        .dedup(a)
        .layer(recorder.handler());
    let instance_b = VerifyLayer::new(github())
        .dedup(b)
        .layer(recorder.handler());
    let request = || signed(&github(), "/", PUSH, "d-shared", "push");
    assert_eq!(send(&instance_a, request()).await.1, "handled");
    assert_eq!(
        send(&instance_b, request()).await.1,
        r#"{"status":"duplicate"}"#
    );
    assert_eq!(
        send(&instance_a, request()).await.1,
        r#"{"status":"duplicate"}"#
    );
    // Another delivery through B is B's to process.
    assert_eq!(
        send(&instance_b, signed(&github(), "/", PUSH, "d-b", "push"))
            .await
            .1,
        "handled"
    );
    assert_eq!(recorder.calls(), 2);
}

#[tokio::test]
async fn a_failure_then_a_retry_is_processed_exactly_once_more() {
    let Some(url) = redis_url() else { return };
    let [a, b]: [RedisStore; 2] = stores(&url, "retry", 2).await.try_into().unwrap();
    let recorder = Recorder::default();
    let instance_a = VerifyLayer::new(github())
        .dedup(a)
        .layer(recorder.handler());
    let instance_b = VerifyLayer::new(github())
        .dedup(b)
        .layer(recorder.handler());
    let request = || signed(&github(), "/", PUSH, "d-retry", "push");
    recorder.answer(503);
    assert_eq!(send(&instance_a, request()).await.0, 503);
    recorder.answer(200);
    // The sender's retry lands on the other instance and is processed.
    assert_eq!(send(&instance_b, request()).await.1, "handled");
    assert_eq!(
        send(&instance_a, request()).await.1,
        r#"{"status":"duplicate"}"#
    );
    assert_eq!(
        send(&instance_b, request()).await.1,
        r#"{"status":"duplicate"}"#
    );
    assert_eq!(recorder.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_identical_deliveries_call_the_handler_once() {
    let Some(url) = redis_url() else { return };
    let [a, b]: [RedisStore; 2] = stores(&url, "fifty", 2).await.try_into().unwrap();
    let recorder = Recorder::default();
    let instance_a = VerifyLayer::new(github())
        .dedup(a)
        .layer(recorder.handler());
    let instance_b = VerifyLayer::new(github())
        .dedup(b)
        .layer(recorder.handler());
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (a, b, barrier) = (instance_a.clone(), instance_b.clone(), barrier.clone());
            let request = signed(&github(), "/", PUSH, "d-burst", "push");
            tokio::spawn(async move {
                barrier.wait().await;
                if i % 2 == 0 {
                    send(&a, request).await.0
                } else {
                    send(&b, request).await.0
                }
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(recorder.calls(), 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn claim_complete_release_and_their_ttls() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("ttl");
    let store = RedisStore::connect(&url)
        .await
        .unwrap()
        .prefix(prefix.clone());
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut raw = client.get_multiplexed_async_connection().await.unwrap();
    let pttl = |key: &str| {
        let key = format!("{prefix}{key}");
        let mut raw = raw.clone();
        async move {
            redis::cmd("PTTL")
                .arg(key)
                .query_async::<i64>(&mut raw)
                .await
                .unwrap()
        }
    };

    let Claim::Acquired(first) = store.claim("k").await.unwrap() else {
        panic!("not acquired")
    };
    let in_flight = pttl("k").await;
    assert!(in_flight > 0 && in_flight <= 5 * 60 * 1000, "{in_flight}");
    assert_eq!(store.claim("k").await, Ok(Claim::InFlight));
    store.release("k", first).await.unwrap();
    assert_eq!(pttl("k").await, -2, "released key is gone");

    let Claim::Acquired(second) = store.claim("k").await.unwrap() else {
        panic!("not acquired")
    };
    // A stale token does not remove the current claim.
    store.release("k", first).await.unwrap();
    assert_eq!(store.claim("k").await, Ok(Claim::InFlight));
    store.complete("k", second).await.unwrap();
    let done = pttl("k").await;
    assert!(
        done > 23 * 3600 * 1000 && done <= 24 * 3600 * 1000,
        "{done}"
    );
    assert_eq!(store.claim("k").await, Ok(Claim::Done));
    // Releasing a completed key keeps it.
    store.release("k", second).await.unwrap();
    assert_eq!(store.claim("k").await, Ok(Claim::Done));

    let short = store.clone().ttl(Duration::from_secs(60));
    let Claim::Acquired(token) = short.claim("s").await.unwrap() else {
        panic!("not acquired")
    };
    short.complete("s", token).await.unwrap();
    let ttl = pttl("s").await;
    assert!(ttl > 0 && ttl <= 60_000, "{ttl}");
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}k"))
        .arg(format!("{prefix}s"))
        .query_async(&mut raw)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_dropped_request_releases_its_claim_in_redis() {
    let Some(url) = redis_url() else { return };
    let [store]: [RedisStore; 1] = stores(&url, "drop", 1).await.try_into().unwrap();
    let started = Arc::new(tokio::sync::Notify::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let handler = {
        let (started, calls) = (started.clone(), calls.clone());
        tower::service_fn(
            move |_: http::Request<http_body_util::Full<bytes::Bytes>>| {
                let (started, calls) = (started.clone(), calls.clone());
                async move {
                    if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                        started.notify_one();
                        std::future::pending::<()>().await;
                    }
                    Ok::<_, std::convert::Infallible>(http::Response::new(
                        http_body_util::Full::new(bytes::Bytes::from_static(b"handled")),
                    ))
                }
            },
        )
    };
    let service = VerifyLayer::new(github())
        .dedup(store.clone())
        .layer(handler);
    let request = || signed(&github(), "/", PUSH, "d-drop", "push");
    let first = tokio::spawn({
        let (service, request) = (service.clone(), request());
        async move { send(&service, request).await }
    });
    started.notified().await;
    first.abort();
    let _ = first.await;
    // The release is spawned; wait (bounded) until it has run.
    let mut released = false;
    for _ in 0..200 {
        if let Ok(Claim::Acquired(token)) = store.claim("github:d-drop").await {
            store.release("github:d-drop", token).await.unwrap();
            released = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(released, "the abandoned claim was not released");
    assert_eq!(send(&service, request()).await.1, "handled");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_unreachable_redis_is_store_unavailable() {
    // Port 9 (discard) on loopback: nothing listens there in a test box.
    match RedisStore::connect("redis://127.0.0.1:9/").await {
        Err(error) => assert_eq!(error, Error::StoreUnavailable),
        Ok(_) => panic!("connected to a closed port"),
    }
    assert_eq!(
        RedisStore::connect("not a url").await.err(),
        Some(Error::InvalidConfig("not a valid Redis URL"))
    );
}

#[tokio::test]
async fn a_redis_error_answers_503_without_calling_the_handler() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix("error");
    let store = RedisStore::connect(&url)
        .await
        .unwrap()
        .prefix(prefix.clone());
    let recorder = Recorder::default();
    let service = VerifyLayer::new(github())
        .dedup(store)
        .layer(recorder.handler());
    // A list under the claim's key: `SET NX` finds it taken and the `GET`
    // that follows gets a WRONGTYPE error reply from Redis.
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut raw = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{prefix}github:d-wrongtype");
    let _: () = redis::cmd("RPUSH")
        .arg(&key)
        .arg("x")
        .query_async(&mut raw)
        .await
        .unwrap();
    let (status, body, error) = send(
        &service,
        signed(&github(), "/", PUSH, "d-wrongtype", "push"),
    )
    .await;
    assert_eq!((status, error), (503, Some(Error::StoreUnavailable)));
    assert!(
        !body.contains("WRONGTYPE"),
        "no Redis detail in the answer: {body}"
    );
    assert_eq!(recorder.calls(), 0);
    let _: () = redis::cmd("DEL")
        .arg(&key)
        .query_async(&mut raw)
        .await
        .unwrap();
}

/// A content key's claim (`claim_for`) is held for its own TTL, not the
/// store's in-flight TTL, and is still a claim like any other.
#[tokio::test]
async fn claim_for_holds_a_claim_for_its_own_ttl() {
    let Some(url) = redis_url() else { return };
    let store = stores(&url, "claim_for", 1)
        .await
        .remove(0)
        .in_flight_ttl(Duration::from_secs(600));
    let Claim::Acquired(_) = store
        .claim_for("pr-7", Duration::from_millis(300))
        .await
        .unwrap()
    else {
        panic!("the key was free")
    };
    assert_eq!(store.claim("pr-7").await.unwrap(), Claim::InFlight);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let Claim::Acquired(token) = store.claim("pr-7").await.unwrap() else {
        panic!("the short claim expired")
    };
    // A claim made with the store's own TTL is still held after as long.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(store.claim("pr-7").await.unwrap(), Claim::InFlight);
    store.release("pr-7", token).await.unwrap();
}
