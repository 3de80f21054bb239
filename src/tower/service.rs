//! [`VerifyService`], the middleware itself.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use tower_service::Service;

use super::layer::{Config, Source};
use super::{Resolution, ResponseBody, ResponseFuture, VerifiedDelivery};
use crate::dedup::{Claim, DeliveryStore, Token};
use crate::{Error, Provider};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The service [`VerifyLayer`](super::VerifyLayer) wraps around `S`.
///
/// `S` receives `Request<Full<Bytes>>` (the verified bytes) with a
/// [`VerifiedDelivery`] in the extensions, and must be `Clone` (as axum
/// routes and `service_fn`s are): the request goes through asynchronous
/// steps before `S` is called.
#[derive(Clone)]
pub struct VerifyService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> VerifyService<S> {
    pub(crate) fn new(inner: S, config: Arc<Config>) -> Self {
        VerifyService { inner, config }
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for VerifyService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyService")
            .field("inner", &self.inner)
            .field("config", &self.config)
            .finish()
    }
}

impl<S, B, ResBody> Service<Request<B>> for VerifyService<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    ResBody: Body<Data = Bytes> + Send + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let limit = self.config.body_limit;
        if declared_length(&request).is_some_and(|length| length > limit as u64) {
            let error = Error::BodyTooLarge { limit };
            #[cfg(feature = "tracing")]
            Report::default().emit(
                Outcome::Rejected(error.kind()),
                error.status(),
                Instant::now(),
            );
            return ResponseFuture::rejected(rejection(error));
        }
        // The service that was polled ready is the one that must be called:
        // keep it for the request and leave a fresh clone in its place.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let config = Arc::clone(&self.config);
        ResponseFuture::running(Box::pin(run(config, inner, request)))
    }
}

/// The `Content-Length` the client declared, if it is a valid number.
fn declared_length<B>(request: &Request<B>) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// How a delivery ended, for the `tracing` event.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
enum Outcome {
    Processed,
    HandlerFailed,
    Pong,
    Duplicate,
    Rejected(&'static str),
}

/// What is known about a delivery, for the `tracing` event.
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
struct Report {
    provider: Option<&'static str>,
    tenant: Option<Arc<str>>,
    id: Option<Arc<str>>,
    event: Option<Arc<str>>,
}

impl Report {
    #[cfg(feature = "tracing")]
    fn emit(&self, outcome: Outcome, status: StatusCode, started: Instant) {
        let outcome_name = match outcome {
            Outcome::Processed => "processed",
            Outcome::HandlerFailed => "handler_failed",
            Outcome::Pong => "pong",
            Outcome::Duplicate => "duplicate",
            Outcome::Rejected(kind) => kind,
        };
        let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        macro_rules! event {
            ($level:expr) => {
                tracing::event!(
                    target: "hooksig::tower",
                    $level,
                    provider = self.provider.unwrap_or(""),
                    tenant = self.tenant.as_deref().unwrap_or(""),
                    delivery_id = self.id.as_deref().unwrap_or(""),
                    event = self.event.as_deref().unwrap_or(""),
                    outcome = outcome_name,
                    status = status.as_u16(),
                    latency_us,
                    "webhook delivery"
                )
            };
        }
        match outcome {
            Outcome::Processed | Outcome::Pong | Outcome::Duplicate => event!(tracing::Level::INFO),
            Outcome::HandlerFailed | Outcome::Rejected(_) => event!(tracing::Level::WARN),
        }
    }

    #[cfg(not(feature = "tracing"))]
    fn emit(&self, _outcome: Outcome, _status: StatusCode, _started: Instant) {}
}

/// A claim held while the inner service runs; dropping it un-settled
/// (the response future was dropped) abandons the claim.
struct Guard {
    store: Arc<dyn DeliveryStore>,
    key: String,
    token: Token,
    settled: bool,
}

impl Guard {
    async fn settle(mut self, success: bool) {
        self.settled = true;
        let result = if success {
            self.store.complete(&self.key, self.token).await
        } else {
            self.store.release(&self.key, self.token).await
        };
        // The handler has answered; the sender gets its answer either way.
        // A failed complete lets a redelivery after the in-flight TTL be
        // processed again; a failed release delays the retry until then.
        #[cfg(feature = "tracing")]
        if let Err(error) = result {
            tracing::warn!(
                target: "hooksig::tower",
                key = self.key.as_str(),
                success,
                error = error.kind(),
                "duplicate store could not record the outcome"
            );
        }
        #[cfg(not(feature = "tracing"))]
        let _ = result;
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.settled {
            self.store.abandon(&self.key, self.token);
        }
    }
}

async fn run<S, B, ResBody>(
    config: Arc<Config>,
    inner: S,
    request: Request<B>,
) -> Result<Response<ResponseBody<ResBody>>, S::Error>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>>,
    B: Body,
    B::Error: Into<BoxError>,
{
    let started = Instant::now();
    let mut report = Report::default();
    let result = process(&config, inner, request, &mut report).await;
    match &result {
        Ok((response, outcome)) => report.emit(*outcome, response.status(), started),
        Err(_) => report.emit(
            Outcome::HandlerFailed,
            StatusCode::INTERNAL_SERVER_ERROR,
            started,
        ),
    }
    result.map(|(response, _)| response)
}

async fn process<S, B, ResBody>(
    config: &Config,
    mut inner: S,
    request: Request<B>,
    report: &mut Report,
) -> Result<(Response<ResponseBody<ResBody>>, Outcome), S::Error>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>>,
    B: Body,
    B::Error: Into<BoxError>,
{
    macro_rules! reject {
        ($error:expr) => {{
            let error: Error = $error;
            let outcome = Outcome::Rejected(error.kind());
            return Ok((rejection(error), outcome));
        }};
    }

    let (parts, body) = request.into_parts();

    let (provider, tenant): (Arc<dyn Provider>, Option<Arc<str>>) = match &config.source {
        Source::Fixed(provider) => (Arc::clone(provider), None),
        Source::Resolver(resolver) => match resolver.resolve(&parts).await {
            Resolution::Found(tenant) => (tenant.provider, Some(tenant.name)),
            Resolution::Unknown => reject!(Error::UnknownTenant),
            Resolution::Disabled => reject!(Error::DisabledTenant),
            Resolution::Unavailable => reject!(Error::ResolverUnavailable),
        },
    };
    report.provider = Some(provider.name());
    report.tenant.clone_from(&tenant);

    let limit = config.body_limit;
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => reject!(Error::BodyTooLarge { limit }),
        Err(_) => reject!(Error::BodyUnreadable),
    };

    let verified = match provider.verify(&parts.headers, &bytes) {
        Ok(delivery) => {
            if config.answer_pings && delivery.is_ping() {
                let verified = VerifiedDelivery::new(&delivery, tenant);
                report.id = verified.id;
                report.event = verified.event;
                return Ok((status_response(b"{\"status\":\"pong\"}"), Outcome::Pong));
            }
            VerifiedDelivery::new(&delivery, tenant)
        }
        Err(error) => reject!(error),
    };
    report.id.clone_from(&verified.id);
    report.event.clone_from(&verified.event);

    let guard = match (&config.store, &verified.id) {
        (Some(store), Some(id)) => {
            let key = store_key(verified.provider, verified.tenant.as_deref(), id);
            match store.claim(&key).await {
                Ok(Claim::Acquired(token)) => Some(Guard {
                    store: Arc::clone(store),
                    key,
                    token,
                    settled: false,
                }),
                Ok(Claim::Done) => {
                    return Ok((
                        status_response(b"{\"status\":\"duplicate\"}"),
                        Outcome::Duplicate,
                    ))
                }
                Ok(Claim::InFlight) => reject!(Error::InFlight),
                Err(error) => reject!(error),
            }
        }
        _ => None,
    };

    let mut request = Request::from_parts(parts, Full::new(bytes));
    request.extensions_mut().insert(verified);
    let result = inner.call(request).await;
    let success = matches!(&result, Ok(response) if response.status().is_success());
    if let Some(guard) = guard {
        guard.settle(success).await;
    }
    let outcome = if success {
        Outcome::Processed
    } else {
        Outcome::HandlerFailed
    };
    result.map(|response| (response.map(ResponseBody::inner), outcome))
}

/// The longest delivery id kept verbatim in a duplicate-store key; longer
/// ids are stored as their SHA-256.
const MAX_VERBATIM_ID: usize = 128;

/// The duplicate store's key: `provider:id`, or `provider:@tenant:id`.
///
/// Unambiguous and bounded, whatever the sender and the resolver write:
///
/// - `:`, `%` and `@` in a tenant name are percent-encoded, so the tenant
///   ends at the first `:` after `@`;
/// - an id longer than [`MAX_VERBATIM_ID`] bytes, or one that starts with
///   `@` or `#`, becomes `#` + the lowercase hex SHA-256 of the id. A
///   verbatim id never starts with `@` (taken for a tenant) or `#` (taken for
///   a hash), and a key is at most about 200 bytes plus the tenant name.
///
/// The id of a GitHub or Linear delivery is an unsigned header: without the
/// bound, someone replaying one captured delivery under ever new, huge ids
/// could fill a store's memory with a few hundred thousand keys.
fn store_key(provider: &str, tenant: Option<&str>, id: &str) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;

    let mut key = String::with_capacity(
        provider.len() + tenant.map_or(0, |t| t.len() + 2) + id.len().min(MAX_VERBATIM_ID) + 2,
    );
    key.push_str(provider);
    key.push(':');
    if let Some(tenant) = tenant {
        key.push('@');
        for c in tenant.chars() {
            match c {
                ':' => key.push_str("%3A"),
                '%' => key.push_str("%25"),
                '@' => key.push_str("%40"),
                c => key.push(c),
            }
        }
        key.push(':');
    }
    if id.len() > MAX_VERBATIM_ID || id.starts_with(['@', '#']) {
        key.push('#');
        for byte in sha2::Sha256::digest(id.as_bytes()) {
            let _ = write!(key, "{byte:02x}");
        }
    } else {
        key.push_str(id);
    }
    key
}

/// A 200 with a small JSON body the middleware answers by itself.
fn status_response<B>(json: &'static [u8]) -> Response<ResponseBody<B>> {
    json_response(StatusCode::OK, Bytes::from_static(json))
}

fn json_response<B>(status: StatusCode, body: Bytes) -> Response<ResponseBody<B>> {
    let mut response = Response::new(ResponseBody::own(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The answer to a rejected request: the error's status, a JSON body
/// naming its kind and cause, and the error in the extensions.
pub(crate) fn rejection<B>(error: Error) -> Response<ResponseBody<B>> {
    let body = serde_json::json!({ "error": error.kind(), "message": error.to_string() });
    let mut response = json_response(error.status(), Bytes::from(body.to_string()));
    response.extensions_mut().insert(error);
    response
}

#[cfg(test)]
mod tests {
    use super::{store_key, MAX_VERBATIM_ID};

    #[test]
    fn store_keys_name_provider_tenant_and_id() {
        assert_eq!(store_key("github", None, "d-1"), "github:d-1");
        assert_eq!(store_key("github", Some("acme"), "d-1"), "github:@acme:d-1");
        // Tenants do not share keys with each other or with the untenanted.
        assert_ne!(
            store_key("github", Some("acme"), "d-1"),
            store_key("github", Some("other"), "d-1")
        );
        assert_ne!(
            store_key("github", Some("acme"), "d-1"),
            store_key("github", None, "@acme:d-1")
        );
    }

    #[test]
    fn separators_in_tenants_and_ids_cannot_forge_another_key() {
        // Without escaping, tenant "a:b" + id "c" and tenant "a" + id "b:c"
        // would both be "github:a:b:c".
        assert_ne!(
            store_key("github", Some("a:b"), "c"),
            store_key("github", Some("a"), "b:c")
        );
        assert_eq!(
            store_key("github", Some("a:b%@"), "c"),
            "github:@a%3Ab%25%40:c"
        );
        // An id that looks like a tenant or a hash is hashed itself.
        let hashed = store_key("github", None, "#00");
        assert!(hashed.starts_with("github:#") && hashed.len() == "github:#".len() + 64);
        assert_ne!(
            store_key("github", None, "@t:x"),
            store_key("github", Some("t"), "x")
        );
    }

    #[test]
    fn long_ids_are_hashed_to_a_bounded_key() {
        let verbatim = "d".repeat(MAX_VERBATIM_ID);
        assert_eq!(
            store_key("github", None, &verbatim),
            format!("github:{verbatim}")
        );
        let long = "d".repeat(64 * 1024);
        let key = store_key("github", Some("acme"), &long);
        assert_eq!(key.len(), "github:@acme:#".len() + 64);
        assert!(key[key.len() - 64..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        // Distinct long ids stay distinct; the same one maps to the same key.
        let other = format!("{}e", "d".repeat(64 * 1024 - 1));
        assert_ne!(key, store_key("github", Some("acme"), &other));
        assert_eq!(key, store_key("github", Some("acme"), &long));
    }
}
