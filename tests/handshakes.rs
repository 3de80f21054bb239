//! Handshakes and request-aware schemes through the tower middleware:
//! Slack's `url_verification` answered without the handler, unsigned GET
//! challenges answered only where configured (and never with an unsafe
//! value or a wrong verify token), and a scheme that signs the public URL
//! verified behind a proxy with `public_url`.

mod tower_support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hooksig::generic::Generic;
use hooksig::scheme::{Challenge, Encoding, Part, Scheme, Signature};
use hooksig::slack::Slack;
use hooksig::tower::VerifyLayer;
use hooksig::{Error, Incoming, Outgoing, Provider};
use http::Request;
use http_body_util::Full;
use tower::Layer;
use tower_support::{call, Recorder};

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn slack_request(body: &[u8]) -> Request<Full<Bytes>> {
    let slack = Slack::new(SLACK_SECRET).unwrap();
    let now = SystemTime::now();
    let headers = slack.sign_headers(&Outgoing::new(body).at(now)).unwrap();
    let mut request = Request::post("/slack")
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap();
    request.headers_mut().extend(headers);
    request
}

#[tokio::test]
async fn slack_url_verification_is_answered_with_the_challenge_without_the_handler() {
    let recorder = Recorder::default();
    let service = VerifyLayer::new(Slack::new(SLACK_SECRET).unwrap()).layer(recorder.handler());
    let body = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let (status, content_type, nosniff, text) = call(&service, slack_request(body)).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("text/plain"));
    assert_eq!(nosniff.as_deref(), Some("nosniff"));
    assert_eq!(text, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    assert_eq!(recorder.calls(), 0, "a handshake never reaches the handler");

    // An ordinary event goes to the handler.
    let event = br#"{"event_id":"Ev1","type":"event_callback","event":{}}"#;
    let (status, _, _, text) = call(&service, slack_request(event)).await;
    assert_eq!((status, text.as_str()), (200, "handled"));
    assert_eq!(recorder.calls(), 1);

    // An unsigned url_verification is rejected like any forgery.
    let mut forged = slack_request(body);
    *forged.body_mut() = Full::new(Bytes::from_static(
        br#"{"challenge":"evil","type":"url_verification"}"#,
    ));
    let (status, _, _, _) = call(&service, forged).await;
    assert_eq!(status, 401);
}

#[test]
fn a_challenge_with_markup_is_not_echoed() {
    let slack = Slack::new(SLACK_SECRET).unwrap();
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for challenge in ["<script>", "a\"b", "", "a b"] {
        let body = format!(r#"{{"challenge":"{challenge}","type":"url_verification"}}"#);
        let headers = slack
            .sign_headers(&Outgoing::new(body.as_bytes()).at(at))
            .unwrap();
        let delivery = slack.verify_at(&headers, body.as_bytes(), at).unwrap();
        assert_eq!(delivery.reply(), None, "{challenge:?}");
        assert!(!delivery.is_handshake());
    }
}

/// A Dropbox-style sender: HMAC over the body, and a GET `?challenge=` to
/// echo; a Meta-style one adds the verify token.
fn with_challenge(challenge: Challenge) -> Generic {
    let scheme = Scheme::hmac_sha256()
        .signature(Signature::plain("X-Dropbox-Signature", "").unwrap())
        .encoding(Encoding::HexLower)
        .challenge(challenge);
    Generic::from_scheme(scheme, "app-secret").unwrap()
}

fn get(uri: &str) -> Request<Full<Bytes>> {
    Request::get(uri)
        .header("host", "hooks.example.com")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

#[tokio::test]
async fn get_challenges_are_echoed_only_where_configured() {
    let recorder = Recorder::default();
    let dropbox =
        VerifyLayer::new(with_challenge(Challenge::query("challenge"))).layer(recorder.handler());
    let (status, content_type, nosniff, text) =
        call(&dropbox, get("/dropbox?challenge=abc123XYZ")).await;
    assert_eq!((status, text.as_str()), (200, "abc123XYZ"));
    assert_eq!(content_type.as_deref(), Some("text/plain"));
    assert_eq!(nosniff.as_deref(), Some("nosniff"));
    // Percent-encoding is decoded, and markup is never echoed.
    let (status, _, _, text) = call(&dropbox, get("/dropbox?challenge=a%2Db")).await;
    assert_eq!((status, text.as_str()), (200, "a-b"));
    let (status, _, _, text) = call(&dropbox, get("/dropbox?challenge=%3Cscript%3E")).await;
    assert_eq!(status, 400, "{text}");
    let (status, _, _, _) = call(&dropbox, get("/dropbox?challenge=a&challenge=b")).await;
    assert_eq!(status, 400, "a repeated parameter is ambiguous");

    let meta = VerifyLayer::new(with_challenge(
        Challenge::query("hub.challenge")
            .expect("hub.mode", "subscribe")
            .expect("hub.verify_token", "my-verify-token"),
    ))
    .layer(recorder.handler());
    let ok = "/meta?hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444";
    let (status, _, _, text) = call(&meta, get(ok)).await;
    assert_eq!((status, text.as_str()), (200, "1158201444"));
    let wrong = "/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444";
    let (status, _, _, text) = call(&meta, get(wrong)).await;
    assert_eq!(status, 401, "{text}");
    assert!(!text.contains("my-verify-token"));
    let (status, _, _, _) = call(&meta, get("/meta?hub.challenge=1")).await;
    assert_eq!(status, 401, "the expected parameters are required");

    // A provider without a challenge echoes nothing: a GET is verified
    // like any request and has no signature.
    let github =
        VerifyLayer::new(hooksig::github::GitHub::new("s").unwrap()).layer(recorder.handler());
    let (status, _, _, text) = call(&github, get("/gh?challenge=abc")).await;
    assert_eq!(status, 400);
    assert!(!text.contains("abc"));
    assert_eq!(recorder.calls(), 0);
}

/// Square's shape: the notification URL signed before the body.
fn url_signing() -> Generic {
    let scheme = Scheme::hmac_sha256()
        .signature(Signature::plain("x-square-hmacsha256-signature", "").unwrap())
        .encoding(Encoding::Base64)
        .content([Part::Url, Part::Body]);
    Generic::from_scheme(scheme, "signature-key").unwrap()
}

#[tokio::test]
async fn a_url_signing_scheme_verifies_behind_a_proxy_with_public_url() {
    let provider = url_signing();
    let body = br#"{"type":"payment.created"}"#;
    let public = "https://hooks.example.com/webhooks/square?env=prod";
    let headers = provider
        .sign_headers(&Outgoing::new(body).url(public))
        .unwrap();
    let request = || {
        // What the server behind the proxy sees: another host.
        let mut request = Request::post("/webhooks/square?env=prod")
            .header("host", "10.0.0.7:8080")
            .body(Full::new(Bytes::from_static(body)))
            .unwrap();
        request.headers_mut().extend(headers.clone());
        request
    };
    let recorder = Recorder::default();
    let direct = VerifyLayer::new(url_signing()).layer(recorder.handler());
    let (status, _, _, _) = call(&direct, request()).await;
    assert_eq!(
        status, 401,
        "the URL rebuilt from Host is not the one signed"
    );
    let proxied = VerifyLayer::new(url_signing())
        .public_url("https://hooks.example.com")
        .layer(recorder.handler());
    let (status, _, _, text) = call(&proxied, request()).await;
    assert_eq!((status, text.as_str()), (200, "handled"));
    assert_eq!(recorder.calls(), 1);

    // By hand, the same check with `Incoming`.
    let incoming = Incoming::new(&headers, body).url(public);
    assert!(provider
        .verify_incoming(&incoming, SystemTime::now())
        .is_ok());
    let incoming = Incoming::new(&headers, body).url("https://hooks.example.com/webhooks/square");
    assert_eq!(
        provider
            .verify_incoming(&incoming, SystemTime::now())
            .unwrap_err(),
        Error::SignatureMismatch
    );
}

/// A signed POST of `body` with `headers`.
fn signed_post(path: &str, headers: http::HeaderMap, body: &[u8]) -> Request<Full<Bytes>> {
    let mut request = Request::post(path)
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap();
    request.headers_mut().extend(headers);
    request
}

#[tokio::test]
async fn zoom_twitch_and_discord_handshakes_are_answered_without_the_handler() {
    let recorder = Recorder::default();
    let now = SystemTime::now();

    // Zoom's endpoint.url_validation (tests/data/providers/zoom.json).
    let zoom = hooksig::zoom::Zoom::new("zoom_secret_token_0123456789").unwrap();
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1767225600000,"event":"endpoint.url_validation"}"#;
    let headers = zoom.sign_headers(&Outgoing::new(body).at(now)).unwrap();
    let service = VerifyLayer::new(zoom).layer(recorder.handler());
    let (status, content_type, _, text) = call(&service, signed_post("/zoom", headers, body)).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(
        text,
        r#"{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"50a89ffb84f615fb4b3374bbf1d27632785835ad2e4a0ed59a73c959eb827cfb"}"#
    );

    // Twitch's callback verification and revocation.
    let twitch = hooksig::twitch::Twitch::new("twitch-subscription-secret-0123").unwrap();
    let service = VerifyLayer::new(twitch.clone()).layer(recorder.handler());
    let challenge = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{}}"#;
    for (kind, body, expected) in [
        (
            "webhook_callback_verification",
            &challenge[..],
            (200, "pogchamp-kappa-360noscope-vohiyo"),
        ),
        (
            "revocation",
            br#"{"subscription":{"status":"authorization_revoked"}}"#,
            (204, ""),
        ),
    ] {
        let extra = [("twitch-eventsub-message-type", kind)];
        let headers = twitch
            .sign_headers(&Outgoing::new(body).id("m-1").at(now).headers(&extra))
            .unwrap();
        let (status, _, _, text) = call(&service, signed_post("/twitch", headers, body)).await;
        assert_eq!((status, text.as_str()), expected, "{kind}");
    }

    assert_eq!(recorder.calls(), 0, "no handshake reaches the handler");
}

#[cfg(feature = "ed25519")]
#[tokio::test]
async fn discord_pings_are_answered_and_commands_reach_the_handler() {
    let recorder = Recorder::default();
    // The RFC 8032 test key pair (tests/data/providers/discord.json).
    let discord = hooksig::discord::Discord::new(
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    )
    .unwrap()
    .signing_key("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    .unwrap();
    let service = VerifyLayer::new(discord.clone()).layer(recorder.handler());
    let now = SystemTime::now();
    for (body, expected) in [
        (
            &br#"{"id":"1","token":"t","type":1,"version":1}"#[..],
            (200, r#"{"type":1}"#),
        ),
        (br#"{"version":1,"application_id":"1","type":0}"#, (204, "")),
    ] {
        let headers = discord.sign_headers(&Outgoing::new(body).at(now)).unwrap();
        let (status, _, _, text) = call(&service, signed_post("/discord", headers, body)).await;
        assert_eq!((status, text.as_str()), expected);
    }
    assert_eq!(recorder.calls(), 0);
    let command = br#"{"id":"2","token":"t","type":2,"version":1}"#;
    let headers = discord
        .sign_headers(&Outgoing::new(command).at(now))
        .unwrap();
    let (status, _, _, text) = call(&service, signed_post("/discord", headers, command)).await;
    assert_eq!((status, text.as_str()), (200, "handled"));
    assert_eq!(recorder.calls(), 1);
}
