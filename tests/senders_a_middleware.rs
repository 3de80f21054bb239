//! The eighteen senders of `tests/senders_a.rs` behind `VerifyLayer` with a
//! `MemoryStore`: a delivery signed as the sender signs it reaches the
//! handler once, and its retry is answered `duplicate` without the handler
//! wherever the sender has a delivery id (a header, or a member of the
//! signed body). Senders without one (Meta, Lemon Squeezy, Dropbox,
//! Calendly, Paystack) are processed every time, which is what their
//! missing id means. A tampered body is a 401 for every sender.
//!
//! The handshakes over the middleware: Meta's subscription GET (answered
//! only with the configured verify token), Dropbox's GET challenge
//! (`text/plain`, `nosniff`), Notion's unsigned verification POST (refused
//! by the verifier; its token is read with `notion::verification_token`),
//! Intercom's `ping` topic; and Square without a configured notification
//! URL, verified over the public URL behind a proxy (`public_url`).

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
use tower_support::{call, send, Recorder};

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

fn get(uri: &str) -> Request<Full<Bytes>> {
    Request::get(uri)
        .header("host", "example.com")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

#[tokio::test]
async fn meta_and_dropbox_get_challenges_are_answered_without_the_handler() {
    // tests/data/providers/meta.json "handshake-subscribe" and
    // "handshake-wrong-verify-token".
    let recorder = Recorder::default();
    let meta = Meta::new(SECRET).unwrap().verify_token("my-verify-token");
    let service = VerifyLayer::new(meta).layer(recorder.handler());
    let ok = "/meta/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token";
    let (status, content_type, nosniff, body) = call(&service, get(ok)).await;
    assert_eq!((status, body.as_str()), (200, "1158201444"));
    assert_eq!(content_type.as_deref(), Some("text/plain"));
    assert_eq!(nosniff.as_deref(), Some("nosniff"));
    let wrong = ok.replace("=my-verify-token", "=wrong");
    let (status, _, _, body) = call(&service, get(&wrong)).await;
    assert_eq!(status, 401);
    assert!(!body.contains("1158201444"), "{body}");
    // Without a verify token nothing is echoed: the GET is an unsigned
    // request like any other.
    let unconfigured = VerifyLayer::new(Meta::new(SECRET).unwrap()).layer(recorder.handler());
    let (status, _, _, body) = call(&unconfigured, get(ok)).await;
    assert_eq!(status, 400);
    assert!(!body.contains("1158201444"), "{body}");

    // tests/data/providers/dropbox.json "handshake-challenge".
    let service = VerifyLayer::new(Dropbox::new(SECRET).unwrap()).layer(recorder.handler());
    let (status, content_type, nosniff, body) =
        call(&service, get("/dropbox/webhook?challenge=abc123")).await;
    assert_eq!((status, body.as_str()), (200, "abc123"));
    assert_eq!(content_type.as_deref(), Some("text/plain"));
    assert_eq!(nosniff.as_deref(), Some("nosniff"));
    let (status, _, _, body) = call(&service, get("/dropbox/webhook?challenge=%3Cb%3E")).await;
    assert_eq!(status, 400);
    assert!(!body.contains("<b>"), "{body}");
    assert_eq!(recorder.calls(), 0, "no handshake reaches the handler");
}

#[tokio::test]
async fn notion_verification_post_and_intercom_ping() {
    // tests/data/providers/notion.json "handshake-verification-token-post":
    // unsigned, so the middleware refuses it; the operator reads the token
    // with `notion::verification_token` (here, as a handler of a route
    // without the middleware would).
    let recorder = Recorder::default();
    let service = VerifyLayer::new(Notion::new(SECRET).unwrap()).layer(recorder.handler());
    let body = br#"{"verification_token":"secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"}"#;
    let post = || {
        Request::post("/notion")
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(body)))
            .unwrap()
    };
    let (status, _, _, _) = call(&service, post()).await;
    assert_eq!(status, 400);
    assert_eq!(recorder.calls(), 0);
    let request = post();
    assert_eq!(
        hooksig::notion::verification_token(request.headers(), body),
        Some("secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl")
    );

    // Intercom's `ping` topic is answered as a ping when asked.
    let intercom = Intercom::new(SECRET).unwrap();
    let service = VerifyLayer::new(intercom.clone())
        .answer_pings(true)
        .layer(recorder.handler());
    let ping = br#"{"type":"notification_event","topic":"ping","id":"notif_1"}"#;
    let mut request = Request::post("/intercom")
        .body(Full::new(Bytes::from_static(ping)))
        .unwrap();
    request
        .headers_mut()
        .extend(intercom.sign_headers(&Outgoing::new(ping)).unwrap());
    let (status, _, _, body) = call(&service, request).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"pong"}"#));
    assert_eq!(recorder.calls(), 0);
}

#[tokio::test]
async fn square_verifies_over_the_public_url_behind_a_proxy() {
    let recorder = Recorder::default();
    let public = "https://hooks.example.com";
    let square = Square::new(SECRET).unwrap();
    let body = br#"{"event_id":"sq-1","type":"payment.updated"}"#;
    let request = || {
        let headers = square
            .sign_headers(&Outgoing::new(body).url("https://hooks.example.com/square?env=prod"))
            .unwrap();
        // What the server behind the proxy sees: another host.
        let mut request = Request::post("/square?env=prod")
            .header("host", "10.0.0.7:8080")
            .body(Full::new(Bytes::from_static(body)))
            .unwrap();
        request.headers_mut().extend(headers);
        request
    };
    let direct = VerifyLayer::new(square.clone()).layer(recorder.handler());
    assert_eq!(
        call(&direct, request()).await.0,
        401,
        "the proxy's host is not signed"
    );
    let behind = VerifyLayer::new(square.clone())
        .public_url(public)
        .dedup(MemoryStore::new())
        .layer(recorder.handler());
    assert_eq!(call(&behind, request()).await.3, "handled");
    assert_eq!(
        call(&behind, request()).await.3,
        r#"{"status":"duplicate"}"#
    );
    // A configured notification URL needs neither.
    let configured = Square::new(SECRET)
        .unwrap()
        .notification_url("https://hooks.example.com/square?env=prod")
        .unwrap();
    let service = VerifyLayer::new(configured).layer(recorder.handler());
    assert_eq!(call(&service, request()).await.3, "handled");
    assert_eq!(recorder.calls(), 2);
}
