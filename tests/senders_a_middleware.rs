//! The eighteen senders of `tests/senders_a.rs` behind `VerifyLayer` with a
//! `MemoryStore`: a delivery signed as the sender signs it reaches the
//! handler once, and its retry is answered `duplicate` without the handler
//! wherever the sender has a delivery id (a header, or a member of the
//! signed body). Senders without one (Meta, Lemon Squeezy, Dropbox,
//! Calendly, Paystack) are processed every time, which is what their
//! missing id means. A tampered body is a 401 for every sender.

mod tower_support;

use bytes::Bytes;
use hooksig::dedup::MemoryStore;
use hooksig::tower::VerifyLayer;
use hooksig::{
    bitbucket::Bitbucket, calendly::Calendly, dropbox::Dropbox, intercom::Intercom, jira::Jira,
    lemonsqueezy::LemonSqueezy, meta::Meta, mux::Mux, notion::Notion, paddle::Paddle,
    paystack::Paystack, razorpay::Razorpay, sentry::Sentry, square::Square, typeform::Typeform,
    vercel::Vercel, workos::WorkOS, zendesk::Zendesk, Outgoing, Provider,
};
use http::Request;
use http_body_util::Full;
use tower::Layer;
use tower_support::{send, Recorder};

const SECRET: &str = "middleware-secret";
const URL: &str = "https://example.com/hooks";
/// A body that carries every body-member id and event these senders read.
const BODY: &[u8] = br#"{"id":"evt_1","event_id":"e_1","notification_id":"n_1","type":"t","event":"x","event_type":"et","topic":"ping","webhookEvent":"w","object":"page"}"#;

fn request(provider: &dyn Provider, body: &[u8]) -> Request<Full<Bytes>> {
    let headers = provider
        .sign_headers(
            &Outgoing::new(BODY)
                .id("d-1")
                .event("push")
                .url(URL)
                .method("POST"),
        )
        .unwrap();
    let mut request = Request::post("/hooks")
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap();
    request.headers_mut().extend(headers);
    request
}

async fn twice(name: &str, provider: impl Provider + Clone + 'static, deduplicated: bool) {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(provider.clone())
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    let (status, body, error) = send(&service, request(&provider, BODY)).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "handled"),
        "{name}: {error:?}"
    );
    let (status, body, _) = send(&service, request(&provider, BODY)).await;
    assert_eq!(status, 200, "{name}");
    if deduplicated {
        assert_eq!(body, r#"{"status":"duplicate"}"#, "{name}");
        assert_eq!(recorder.calls(), 1, "{name}");
    } else {
        assert_eq!(body, "handled", "{name}");
        assert_eq!(recorder.calls(), 2, "{name}");
    }
    let mut tampered = BODY.to_vec();
    tampered[3] ^= 1;
    let (status, _, error) = send(&service, request(&provider, &tampered)).await;
    assert_eq!(status, 401, "{name}: {error:?}");
}

#[tokio::test]
async fn retries_are_deduplicated_wherever_the_sender_has_an_id() {
    twice("meta", Meta::new(SECRET).unwrap(), false).await;
    twice("jira", Jira::new(SECRET).unwrap(), true).await;
    twice("bitbucket", Bitbucket::new(SECRET).unwrap(), true).await;
    twice("intercom", Intercom::new(SECRET).unwrap(), true).await;
    twice("razorpay", Razorpay::new(SECRET).unwrap(), true).await;
    twice("paystack", Paystack::new(SECRET).unwrap(), false).await;
    twice("lemonsqueezy", LemonSqueezy::new(SECRET).unwrap(), false).await;
    twice("vercel", Vercel::new(SECRET).unwrap(), true).await;
    twice("typeform", Typeform::new(SECRET).unwrap(), true).await;
    twice("dropbox", Dropbox::new(SECRET).unwrap(), false).await;
    twice("sentry", Sentry::new(SECRET).unwrap(), true).await;
    twice("notion", Notion::new(SECRET).unwrap(), true).await;
    twice("calendly", Calendly::new(SECRET).unwrap(), false).await;
    twice("workos", WorkOS::new(SECRET).unwrap(), true).await;
    twice("mux", Mux::new(SECRET).unwrap(), true).await;
    twice("paddle", Paddle::new(SECRET).unwrap(), true).await;
    let square = Square::new(SECRET).unwrap().notification_url(URL).unwrap();
    twice("square", square, true).await;
    twice("zendesk", Zendesk::new(SECRET).unwrap(), true).await;
}
