//! What the tower layer, the axum extractor and the actix-web middleware
//! allocate per request beyond verifying by hand in the same framework: a deterministic stand-in for
//! their time overhead (`benches/adapters.rs`), which a loaded machine
//! blurs. GitHub, 1 KiB, no duplicate store, in process.
//!
//! A counting global allocator records the current thread's allocations;
//! each request runs to completion on a current-thread runtime.

use std::convert::Infallible;

use bytes::Bytes;
use hooksig::github::GitHub;
use hooksig::receiver::Receiver;
use hooksig::tower::VerifyLayer;
use hooksig::{Outgoing, Provider};
use http_body_util::Full;
use tower::{Layer, ServiceExt};

mod counting_alloc;
use counting_alloc::*;

const SECRET: &str = "allocation-secret";

fn request() -> http::Request<Full<Bytes>> {
    let body = Bytes::from(vec![b'x'; 1024]);
    let headers = GitHub::new(SECRET)
        .unwrap()
        .sign_headers(&Outgoing::new(&body).id("d-1").event("push"))
        .unwrap();
    let mut request = http::Request::post("/").body(Full::new(body)).unwrap();
    *request.headers_mut() = headers;
    request
}

/// Allocations made while `service` handles one fresh request (the
/// request itself is built before counting), after a warm-up call.
fn count<S, B>(runtime: &tokio::runtime::Runtime, service: S) -> usize
where
    S: tower::Service<http::Request<Full<Bytes>>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
{
    runtime
        .block_on(service.clone().oneshot(request()))
        .unwrap();
    let request = request();
    let before = allocations();
    let response = runtime.block_on(service.oneshot(request)).unwrap();
    let after = allocations();
    drop(response);
    after - before
}

#[test]
fn the_layer_and_the_extractor_add_few_allocations_over_verifying_by_hand() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let github = std::sync::Arc::new(GitHub::new(SECRET).unwrap());

    // tower: a service_fn verifying by hand, against the layer.
    let by_hand = {
        let github = std::sync::Arc::clone(&github);
        tower::service_fn(move |request: http::Request<Full<Bytes>>| {
            let github = std::sync::Arc::clone(&github);
            async move {
                let (parts, body) = request.into_parts();
                let body = http_body_util::BodyExt::collect(body)
                    .await
                    .unwrap()
                    .to_bytes();
                let ok = github.verify(&parts.headers, &body).is_ok();
                Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(if ok {
                    b"ok"
                } else {
                    b"no"
                }))))
            }
        })
    };
    let handler = tower::service_fn(|request: http::Request<Full<Bytes>>| async move {
        std::hint::black_box(request.extensions().len());
        Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"ok"))))
    });
    let layered = VerifyLayer::new(GitHub::new(SECRET).unwrap()).layer(handler);
    let hand = count(&runtime, by_hand);
    let layer = count(&runtime, layered);

    // axum: `HeaderMap` + `Bytes` by hand, against the extractor.
    let hand_router = axum::Router::new()
        .route(
            "/",
            axum::routing::post(
                |axum::extract::State(github): axum::extract::State<std::sync::Arc<GitHub>>,
                 headers: http::HeaderMap,
                 body: Bytes| async move {
                    if github.verify(&headers, &body).is_ok() {
                        "ok"
                    } else {
                        "no"
                    }
                },
            ),
        )
        .with_state(github);
    let extractor_router = axum::Router::new()
        .route(
            "/",
            axum::routing::post(|verified: hooksig::axum::Verified| async move {
                std::hint::black_box(verified.event());
                "ok"
            }),
        )
        .with_state(Receiver::new(GitHub::new(SECRET).unwrap()));
    let to_axum = |router: axum::Router| {
        tower::service_fn(move |request: http::Request<Full<Bytes>>| {
            router.clone().oneshot(request.map(axum::body::Body::new))
        })
    };
    let axum_hand = count(&runtime, to_axum(hand_router));
    let extractor = count(&runtime, to_axum(extractor_router));

    println!(
        "tower: by hand {hand}, layer {layer}; axum: by hand {axum_hand}, extractor {extractor}"
    );
    // By hand, collecting the body allocates its frame list (1). The layer
    // reads a one-frame body without one, boxes its future (1) and fills
    // the request extensions: their map and its table (2) and the boxed
    // `VerifiedDelivery` (1). The id and event are copied out of the
    // borrowed `Delivery` inline, and the body is moved, not cloned.
    assert_eq!(hand, 1, "tower: by hand {hand}, layer {layer}");
    assert_eq!(layer, hand + 3, "tower: by hand {hand}, layer {layer}");
    // The extractor needs no copy of the header map (axum's `HeaderMap`
    // extractor clones it) and no frame list for the body, so it
    // allocates less than by hand.
    assert_eq!(
        extractor,
        axum_hand - 10,
        "axum: by hand {axum_hand}, extractor {extractor}"
    );
}

/// actix-web: a handler taking `HttpRequest` + `web::Bytes` and verifying
/// by hand, against the `Verify` middleware with the `Verified` extractor.
#[actix_web::test]
async fn the_actix_middleware_adds_few_allocations_over_verifying_by_hand() {
    use actix_web::{test, web, App, HttpRequest, HttpResponse};

    let github = web::Data::new(GitHub::new(SECRET).unwrap());
    let by_hand = test::init_service(App::new().app_data(github.clone()).route(
        "/",
        web::post().to(
            |request: HttpRequest, body: web::Bytes, github: web::Data<GitHub>| async move {
                if github.verify(request.headers(), &body).is_ok() {
                    HttpResponse::Ok().body("ok")
                } else {
                    HttpResponse::Unauthorized().body("no")
                }
            },
        ),
    ))
    .await;
    let middleware = test::init_service(
        App::new().service(
            web::resource("/")
                .wrap(hooksig::actix::Verify::new(GitHub::new(SECRET).unwrap()))
                .route(
                    web::post().to(|verified: hooksig::actix::Verified| async move {
                        std::hint::black_box(verified.event());
                        HttpResponse::Ok().body("ok")
                    }),
                ),
        ),
    )
    .await;
    let request = || {
        let body = vec![b'x'; 1024];
        let headers = GitHub::new(SECRET)
            .unwrap()
            .sign_headers(&Outgoing::new(&body).id("d-1").event("push"))
            .unwrap();
        let mut request = test::TestRequest::post().uri("/").set_payload(body);
        for (name, value) in &headers {
            request = request.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        request.to_request()
    };
    let mut counts = Vec::new();
    for service in [&by_hand, &middleware] {
        // A warm-up request, then a counted one.
        assert!(test::call_service(service, request())
            .await
            .status()
            .is_success());
        let request = request();
        let before = allocations();
        let response = test::call_service(service, request).await;
        counts.push(allocations() - before);
        assert!(response.status().is_success());
    }
    let (hand, layer) = (counts[0], counts[1]);
    println!("actix: by hand {hand}, middleware {layer}");
    // The middleware boxes its future (1) and fills two request extensions,
    // delivery and body (2); the verified bytes go back into the payload it
    // read (no new payload), and the extractor behind it is ready at once,
    // unboxed.
    assert_eq!(layer, hand + 2, "actix: by hand {hand}, middleware {layer}");
}
