//! What each adapter costs over verifying by hand in the same framework:
//! GitHub, 1 KiB bodies, in process (no sockets), duplicate suppression
//! off and on (a `MemoryStore`, a fresh delivery id per request).
//!
//! Each group has a `by_hand` baseline that does the same work in a plain
//! handler (verify; with dedup, claim and complete through `ClaimGuard`)
//! and the adapter; the difference is the adapter's own cost. Goal: at
//! most 1 µs per request. Requests are signed in the untimed setup.
//!
//! `cargo bench --bench adapters` (`ADAPTERS_RACE=1 cargo bench --bench
//! adapters` for interleaved rounds instead, steadier on a shared machine)

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use hooksig::dedup::{store_key, ClaimGuard, Claimed, DeliveryStore, MemoryStore};
use hooksig::github::GitHub;
use hooksig::receiver::Receiver;
use hooksig::{Outgoing, Provider};
use http_body_util::Full;
use tower::{Layer, ServiceExt};

const SECRET: &str = "bench-secret";

/// The by-hand handlers' state: the provider and, with dedup, the store.
type HandState = (Arc<GitHub>, Option<Arc<dyn DeliveryStore>>);
const BODY_SIZE: usize = 1024;

fn body() -> Bytes {
    let mut body = br#"{"ref":"refs/heads/main","pad":""#.to_vec();
    body.resize(BODY_SIZE - 2, b'x');
    body.extend_from_slice(b"\"}");
    Bytes::from(body)
}

fn github() -> GitHub {
    GitHub::new(SECRET).unwrap()
}

/// Signed headers for a fresh delivery id.
fn signed(body: &[u8]) -> http::HeaderMap {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = format!("d-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    github()
        .sign_headers(&Outgoing::new(body).id(&id).event("push"))
        .unwrap()
}

fn http_request(body: &Bytes) -> http::Request<Full<Bytes>> {
    let mut request = http::Request::post("/webhooks/github")
        .body(Full::new(body.clone()))
        .unwrap();
    *request.headers_mut() = signed(body);
    request
}

/// By hand: verify, and with a store claim then complete.
async fn by_hand(
    github: &GitHub,
    store: Option<&Arc<dyn DeliveryStore>>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> u16 {
    let Ok(delivery) = github.verify(headers, body) else {
        return 401;
    };
    let guard = match (store, delivery.id()) {
        (Some(store), Some(id)) => {
            match ClaimGuard::claim(store, store_key("github", None, id)).await {
                Ok(Claimed::Acquired(guard)) => Some(guard),
                _ => return 409,
            }
        }
        _ => None,
    };
    std::hint::black_box(delivery.event());
    if let Some(guard) = guard {
        let _ = guard.complete().await;
    }
    200
}

fn tower_and_axum(c: &mut Criterion) {
    let race = racing();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = body();
    for dedup in [false, true] {
        let mut group = c.benchmark_group(format!("adapters/tower/dedup={dedup}"));
        group.throughput(Throughput::Bytes(BODY_SIZE as u64));

        let store: Arc<dyn DeliveryStore> = Arc::new(MemoryStore::new());
        let hand_store = dedup.then(|| Arc::clone(&store));
        let shared_github = Arc::new(github());
        let hand = tower::service_fn(move |request: http::Request<Full<Bytes>>| {
            let github = Arc::clone(&shared_github);
            let store = hand_store.clone();
            async move {
                // The body of a Full is one frame: take it without copying.
                let (parts, body) = request.into_parts();
                let bytes = http_body_util::BodyExt::collect(body)
                    .await
                    .unwrap()
                    .to_bytes();
                let status = by_hand(&github, store.as_ref(), &parts.headers, &bytes).await;
                Ok::<_, Infallible>(status)
            }
        });
        let mut receiver = Receiver::new(github());
        if dedup {
            receiver = receiver.dedup(MemoryStore::new());
        }
        let handler = tower::service_fn(|request: http::Request<Full<Bytes>>| async move {
            std::hint::black_box(request.extensions().len());
            Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::new())))
        });
        let layered = hooksig::tower::VerifyLayer::from_receiver(receiver.clone()).layer(handler);
        if race {
            race_pair(
                &format!("tower dedup={dedup}"),
                || http_request(&body),
                |request| {
                    let _ = runtime.block_on(hand.clone().oneshot(request));
                },
                |request| {
                    let _ = runtime.block_on(layered.clone().oneshot(request));
                },
            );
        } else {
            group.bench_function("by_hand", |b| {
                b.iter_batched(
                    || http_request(&body),
                    |request| runtime.block_on(hand.clone().oneshot(request)).unwrap(),
                    BatchSize::SmallInput,
                )
            });
        }
        if !race {
            group.bench_function("verify_layer", |b| {
                b.iter_batched(
                    || http_request(&body),
                    |request| runtime.block_on(layered.clone().oneshot(request)).unwrap(),
                    BatchSize::SmallInput,
                )
            });
        }
        group.finish();

        // axum: the extractor against `HeaderMap` + `Bytes` by hand.
        let mut group = c.benchmark_group(format!("adapters/axum/dedup={dedup}"));
        group.throughput(Throughput::Bytes(BODY_SIZE as u64));
        let hand_state = (Arc::new(github()), dedup.then(|| Arc::clone(&store)));
        let hand_router = axum::Router::new()
            .route(
                "/webhooks/github",
                axum::routing::post(
                    |axum::extract::State((github, store)): axum::extract::State<HandState>,
                     headers: http::HeaderMap,
                     body: Bytes| async move {
                        by_hand(&github, store.as_ref(), &headers, &body)
                            .await
                            .to_string()
                    },
                ),
            )
            .with_state(hand_state);
        let extractor_router = axum::Router::new()
            .route(
                "/webhooks/github",
                axum::routing::post(|verified: hooksig::axum::Verified| async move {
                    std::hint::black_box(verified.event());
                    verified.complete().await;
                    "200"
                }),
            )
            .with_state(receiver);
        if race {
            race_pair(
                &format!("axum dedup={dedup}"),
                || http_request(&body).map(axum::body::Body::new),
                |request| {
                    let _ = runtime.block_on(hand_router.clone().oneshot(request));
                },
                |request| {
                    let _ = runtime.block_on(extractor_router.clone().oneshot(request));
                },
            );
            continue;
        }
        group.bench_function("by_hand", |b| {
            b.iter_batched(
                || http_request(&body).map(axum::body::Body::new),
                |request| {
                    runtime
                        .block_on(hand_router.clone().oneshot(request))
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function("extractor", |b| {
            b.iter_batched(
                || http_request(&body).map(axum::body::Body::new),
                |request| {
                    runtime
                        .block_on(extractor_router.clone().oneshot(request))
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

fn actix(c: &mut Criterion) {
    let race = racing();
    use actix_web::{test, web, App, HttpRequest, HttpResponse};
    use hooksig::actix::{Verified, Verify};

    let runtime = actix_web::rt::Runtime::new().unwrap();
    let body = body();
    let actix_request = |body: &Bytes| {
        let mut request = test::TestRequest::post().uri("/webhooks/github");
        for (name, value) in &signed(body) {
            request = request.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        request.set_payload(body.clone()).to_request()
    };
    for dedup in [false, true] {
        let mut group = c.benchmark_group(format!("adapters/actix/dedup={dedup}"));
        group.throughput(Throughput::Bytes(BODY_SIZE as u64));
        let store: Option<Arc<dyn DeliveryStore>> =
            dedup.then(|| Arc::new(MemoryStore::new()) as Arc<dyn DeliveryStore>);
        let state = web::Data::new((github(), store));
        let hand = runtime.block_on(test::init_service(App::new().app_data(state).route(
            "/webhooks/github",
            web::post().to(
                |request: HttpRequest,
                 body: web::Bytes,
                 state: web::Data<(GitHub, Option<Arc<dyn DeliveryStore>>)>| async move {
                    // actix's HeaderMap through hooksig's allocation-free impl.
                    let status = by_hand_actix(&state.0, state.1.as_ref(), &request, &body).await;
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                        .finish()
                },
            ),
        )));
        let mut verify = Verify::new(github());
        if dedup {
            verify = verify.dedup(MemoryStore::new());
        }
        let wrapped = runtime.block_on(test::init_service(
            App::new().service(web::resource("/webhooks/github").wrap(verify).route(
                web::post().to(|verified: Verified| async move {
                    std::hint::black_box(verified.event());
                    HttpResponse::Ok().finish()
                }),
            )),
        ));
        if race {
            race_pair(
                &format!("actix dedup={dedup}"),
                || actix_request(&body),
                |request| {
                    let _ = runtime.block_on(test::call_service(&hand, request));
                },
                |request| {
                    let _ = runtime.block_on(test::call_service(&wrapped, request));
                },
            );
            continue;
        }
        group.bench_function("by_hand", |b| {
            b.iter_batched(
                || actix_request(&body),
                |request| runtime.block_on(test::call_service(&hand, request)),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("middleware", |b| {
            b.iter_batched(
                || actix_request(&body),
                |request| runtime.block_on(test::call_service(&wrapped, request)),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

async fn by_hand_actix(
    github: &GitHub,
    store: Option<&Arc<dyn DeliveryStore>>,
    request: &actix_web::HttpRequest,
    body: &[u8],
) -> u16 {
    let Ok(delivery) = github.verify(request.headers(), body) else {
        return 401;
    };
    let guard = match (store, delivery.id()) {
        (Some(store), Some(id)) => {
            match ClaimGuard::claim(store, store_key("github", None, id)).await {
                Ok(Claimed::Acquired(guard)) => Some(guard),
                _ => return 409,
            }
        }
        _ => None,
    };
    std::hint::black_box(delivery.event());
    if let Some(guard) = guard {
        let _ = guard.complete().await;
    }
    200
}

/// `ADAPTERS_RACE=1`: instead of criterion's groups (by hand, then the
/// adapter, one after the other), interleaved rounds of both, so that a
/// change of a shared machine's speed hits both alike.
/// `ADAPTERS_COUNT` runs one side of one pair instead (see [`count`]).
fn racing() -> bool {
    std::env::var_os("ADAPTERS_RACE").is_some() || std::env::var_os("ADAPTERS_COUNT").is_some()
}

/// `ADAPTERS_COUNT=<tower|axum|actix>:<dedup: false|true>:<by_hand|adapter>:<n>`
/// serves `n` requests (made untimed) with one side of one pair and exits,
/// for instruction counts under callgrind: run it with two `n` (2000 and
/// 1000) and the difference is 1000 requests with start-up cancelled.
/// Returns when `label` is not the pair asked for.
fn count<R>(
    spec: &str,
    label: &str,
    make: &impl Fn() -> R,
    by_hand: &mut impl FnMut(R),
    adapter: &mut impl FnMut(R),
) {
    let fields: Vec<&str> = spec.split(':').collect();
    let [framework, dedup, which, n] = fields[..] else {
        panic!("ADAPTERS_COUNT=<framework>:<dedup>:<by_hand|adapter>:<n>, not {spec}");
    };
    if label != format!("{framework} dedup={dedup}") {
        return;
    }
    let n: usize = n.parse().expect("a count");
    let requests: Vec<R> = (0..n).map(|_| make()).collect();
    for request in requests {
        match which {
            "by_hand" => by_hand(request),
            "adapter" => adapter(request),
            other => panic!("no side {other}"),
        }
    }
    std::process::exit(0);
}

/// Times `by_hand` and `adapter` in alternating rounds of 200 requests made
/// untimed by `make`, and prints the fastest and median round of each and
/// the median of the per-round differences (adapter − by hand).
fn race_pair<R>(
    label: &str,
    make: impl Fn() -> R,
    mut by_hand: impl FnMut(R),
    mut adapter: impl FnMut(R),
) {
    if let Ok(spec) = std::env::var("ADAPTERS_COUNT") {
        return count(&spec, label, &make, &mut by_hand, &mut adapter);
    }
    const PER_ROUND: u32 = 200;
    const ROUNDS: usize = 150;
    let round = |serve: &mut dyn FnMut(R)| {
        let requests: Vec<R> = (0..PER_ROUND).map(|_| make()).collect();
        let start = std::time::Instant::now();
        for request in requests {
            serve(request);
        }
        start.elapsed().as_nanos() as f64 / f64::from(PER_ROUND) / 1000.0
    };
    let (mut hand, mut ours, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..ROUNDS {
        let (h, a) = if n % 2 == 0 {
            let h = round(&mut by_hand);
            (h, round(&mut adapter))
        } else {
            let a = round(&mut adapter);
            (round(&mut by_hand), a)
        };
        hand.push(h);
        ours.push(a);
        diffs.push(a - h);
    }
    for v in [&mut hand, &mut ours, &mut diffs] {
        v.sort_by(f64::total_cmp);
    }
    let mid = ROUNDS / 2;
    println!(
        "{label:<18} by hand fastest {:.2} µs median {:.2} µs | adapter fastest {:.2} µs median {:.2} µs | adapter − by hand: median {:+.2} µs",
        hand[0], hand[mid], ours[0], ours[mid], diffs[mid]
    );
}

criterion_group!(benches, tower_and_axum, actix);
criterion_main!(benches);
