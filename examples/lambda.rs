//! AWS Lambda (API Gateway REST or HTTP API, or a function URL) with
//! `lambda_http` and `VerifyLayer`.
//!
//! Deploy it with `cargo lambda` and set `GITHUB_WEBHOOK_SECRET` in the
//! function's environment. Run outside Lambda (no `AWS_LAMBDA_RUNTIME_API`
//! in the environment), it serves the same service with hyper on `BIND`
//! (default 127.0.0.1:3000), so it can be tried locally:
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET=... cargo run --example lambda
//! ```
//!
//! GitHub deliveries go to `/webhooks/github`: pings answered, duplicates
//! suppressed in memory, one line printed per delivery the handler gets.
//!
//! `lambda_http` decodes a base64 body (`isBase64Encoded: true`) before the
//! layer sees it, so the MAC is checked over the bytes GitHub sent either
//! way (the tests below send both kinds).
//!
//! **Duplicate suppression in memory is per instance.** Lambda runs many
//! instances and recycles them: a redelivery usually lands on another one.
//! Use `RedisStore` (feature `redis`), or a `DeliveryStore` of your own over
//! DynamoDB conditional writes, to suppress duplicates across instances.

use std::convert::Infallible;
use std::env;

use bytes::Bytes;
use hooksig::dedup::MemoryStore;
use hooksig::github::GitHub;
use hooksig::receiver::GITHUB_BODY_LIMIT;
use hooksig::tower::{VerifiedDelivery, VerifyLayer, VerifyService};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use tower::Layer;

type Handler = tower::util::ServiceFn<
    fn(Request<Full<Bytes>>) -> std::future::Ready<Result<Response<Full<Bytes>>, Infallible>>,
>;

fn handle(
    request: Request<Full<Bytes>>,
) -> std::future::Ready<Result<Response<Full<Bytes>>, Infallible>> {
    // API Gateway may prefix the stage (`/prod/webhooks/github`).
    if !request.uri().path().ends_with("/webhooks/github") {
        let mut response = Response::new(Full::new(Bytes::from_static(b"not found")));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return std::future::ready(Ok(response));
    }
    let delivery = request.extensions().get::<VerifiedDelivery>();
    println!(
        "github delivery {} event {}",
        delivery.and_then(VerifiedDelivery::id).unwrap_or("-"),
        delivery.and_then(VerifiedDelivery::event).unwrap_or("-"),
    );
    std::future::ready(Ok(Response::new(Full::new(Bytes::from_static(b"ok")))))
}

/// The whole function: `VerifyLayer` around the handler. It takes requests
/// with any body, `lambda_http::Body` and hyper's alike.
fn app(secret: &str) -> Result<VerifyService<Handler>, hooksig::Error> {
    Ok(VerifyLayer::new(GitHub::new(secret)?)
        .answer_pings(true)
        .body_limit(GITHUB_BODY_LIMIT)
        .dedup(MemoryStore::new())
        .layer(tower::service_fn(handle as fn(_) -> _)))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let Some(secret) = env::var("GITHUB_WEBHOOK_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("set GITHUB_WEBHOOK_SECRET");
        std::process::exit(2);
    };
    let service = app(&secret)?;
    if env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return lambda_http::run(service).await;
    }

    // Not in Lambda: serve the same service locally with hyper.
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;
    let bind = env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!(
        "not in Lambda: listening on http://{}",
        listener.local_addr()?
    );
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                eprintln!("connection error: {error}");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    //! API Gateway events through `lambda_http`'s own decoding, then the
    //! function.

    use super::*;
    use base64::Engine as _;
    use hooksig::{Outgoing, Provider};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    const SECRET: &str = "It's a Secret to Everybody";
    const BODY: &str = r#"{"ref":"refs/heads/main","commits":[]}"#;

    fn headers_json(id: &str, body: &[u8]) -> serde_json::Value {
        let headers = GitHub::new(SECRET)
            .unwrap()
            .sign_headers(&Outgoing::new(body).id(id).event("push"))
            .unwrap();
        let mut json = serde_json::Map::new();
        for (name, value) in &headers {
            json.insert(name.to_string(), value.to_str().unwrap().into());
        }
        json.insert("content-type".into(), "application/json".into());
        serde_json::Value::Object(json)
    }

    fn body_fields(body: &str, base64: bool) -> (serde_json::Value, bool) {
        if base64 {
            let encoded = base64::engine::general_purpose::STANDARD.encode(body);
            (encoded.into(), true)
        } else {
            (body.into(), false)
        }
    }

    /// An API Gateway REST API (v1) proxy event.
    fn v1(id: &str, signed: &str, sent: &str, base64: bool) -> String {
        let (body, encoded) = body_fields(sent, base64);
        serde_json::json!({
            "resource": "/webhooks/github",
            "path": "/webhooks/github",
            "httpMethod": "POST",
            "headers": headers_json(id, signed.as_bytes()),
            "multiValueHeaders": {},
            "queryStringParameters": null,
            "multiValueQueryStringParameters": null,
            "pathParameters": null,
            "stageVariables": null,
            "requestContext": {
                "accountId": "123456789012",
                "resourceId": "abc",
                "stage": "prod",
                "requestId": "r-1",
                "identity": {"sourceIp": "192.0.2.1"},
                "resourcePath": "/webhooks/github",
                "httpMethod": "POST",
                "apiId": "api"
            },
            "body": body,
            "isBase64Encoded": encoded
        })
        .to_string()
    }

    /// An API Gateway HTTP API (v2) event.
    fn v2(id: &str, signed: &str, sent: &str, base64: bool) -> String {
        let (body, encoded) = body_fields(sent, base64);
        serde_json::json!({
            "version": "2.0",
            "routeKey": "POST /webhooks/github",
            "rawPath": "/webhooks/github",
            "rawQueryString": "",
            "headers": headers_json(id, signed.as_bytes()),
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "api",
                "domainName": "api.example.com",
                "domainPrefix": "api",
                "http": {
                    "method": "POST",
                    "path": "/webhooks/github",
                    "protocol": "HTTP/1.1",
                    "sourceIp": "192.0.2.1",
                    "userAgent": "GitHub-Hookshot/1"
                },
                "requestId": "r-1",
                "routeKey": "POST /webhooks/github",
                "stage": "$default",
                "time": "01/Dec/2026:00:00:00 +0000",
                "timeEpoch": 1
            },
            "body": body,
            "isBase64Encoded": encoded
        })
        .to_string()
    }

    async fn call(service: &VerifyService<Handler>, event: &str) -> (u16, String) {
        let request = lambda_http::request::from_str(event).expect("a valid API Gateway event");
        let response = service.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn api_gateway_v1_and_v2_events_verify_base64_or_not() {
        let service = app(SECRET).unwrap();
        for (n, (event, kind)) in [
            (v1("v1-b64", BODY, BODY, true), "v1 base64"),
            (v1("v1-text", BODY, BODY, false), "v1 text"),
            (v2("v2-b64", BODY, BODY, true), "v2 base64"),
            (v2("v2-text", BODY, BODY, false), "v2 text"),
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(
                call(&service, &event).await,
                (200, "ok".to_owned()),
                "{n}: {kind}"
            );
        }
    }

    #[tokio::test]
    async fn a_tampered_event_is_401() {
        let service = app(SECRET).unwrap();
        let tampered = r#"{"ref":"refs/heads/evil","commits":[]}"#;
        for event in [
            v1("t-1", BODY, tampered, true),
            v2("t-2", BODY, tampered, false),
        ] {
            let (status, body) = call(&service, &event).await;
            assert_eq!(status, 401, "{body}");
            assert!(body.contains("signature_mismatch"), "{body}");
        }
    }
}
