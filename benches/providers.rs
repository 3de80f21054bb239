//! Every provider's verification at 1 KiB, in one table: its time beside
//! its floor, the bare primitive over the same signed bytes with the key
//! already absorbed (HMAC-SHA256, -SHA1 or -SHA512 with a precomputed
//! state; an Ed25519 or P-256 verify with a parsed key), so the ratio is
//! what the provider costs beyond the cryptography it cannot skip. Where
//! the `webhook-verify` crate has the sender too, it runs in the same group.
//!
//! Every delivery is signed with the provider's own `sign_headers` (or the
//! sender's private key) and checked to verify, in every implementation,
//! before it is timed.
//!
//! Run with `cargo bench --bench providers`; the README's table comes from
//! it.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hooksig::{Incoming, Outgoing, Provider};

const LEN: usize = 1024;
const URL: &str = "https://hooks.example.com/webhooks/in";

/// The signed bytes' floor: how the bare primitive is run.
enum Floor {
    Sha256(Vec<u8>),
    Sha1(Vec<u8>),
    Sha512(Vec<u8>),
}

/// A JSON body of exactly `LEN` bytes with the members providers read.
fn body() -> Vec<u8> {
    let head = br#"{"id":"evt_1","event_id":"evt_1","type":"invoice.paid","webhookTimestamp":1700000000000,"event":"message.sent","timestamp":"2023-11-14T22:13:20Z","pad":""#;
    let mut body = head.to_vec();
    while body.len() < LEN - 2 {
        body.push(b'x');
    }
    body.extend_from_slice(b"\"}");
    body
}

fn floor_fn(floor: &Floor) -> Box<dyn Fn(&[u8]) -> bool + '_> {
    match floor {
        Floor::Sha256(key) => {
            let state = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            Box::new(move |content: &[u8]| {
                let mut mac = state.clone();
                mac.update(content);
                !mac.finalize().into_bytes().is_empty()
            })
        }
        Floor::Sha1(key) => {
            let state = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
            Box::new(move |content: &[u8]| {
                let mut mac = state.clone();
                mac.update(content);
                !mac.finalize().into_bytes().is_empty()
            })
        }
        Floor::Sha512(key) => {
            let state = Hmac::<sha2::Sha512>::new_from_slice(key).unwrap();
            Box::new(move |content: &[u8]| {
                let mut mac = state.clone();
                mac.update(content);
                !mac.finalize().into_bytes().is_empty()
            })
        }
    }
}

struct Case {
    name: &'static str,
    provider: Box<dyn Provider>,
    /// The delivery as signed by the sender.
    headers: Vec<(String, String)>,
    /// What the floor MACs: the bytes the scheme signs.
    content: Vec<u8>,
    floor: Floor,
    /// The same delivery through `webhook-verify`, where it has the sender.
    peer: Option<(
        webhook_verify::Provider,
        webhook_verify::Secret,
        webhook_verify::VerifyOptions,
    )>,
}

fn pairs(map: &http::HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect()
}

fn mac_case(
    name: &'static str,
    provider: impl Provider + 'static,
    key: &[u8],
    content: impl Fn(&[(String, String)], &[u8]) -> Vec<u8>,
    floor: fn(Vec<u8>) -> Floor,
    peer: Option<webhook_verify::Provider>,
    peer_secret: &str,
) -> Case {
    let body = body();
    let now = SystemTime::now();
    let signed = provider
        .sign_headers(
            &Outgoing::new(&body)
                .at(now)
                .id("d-1")
                .event("push")
                .url(URL)
                .method("POST"),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let headers = pairs(&signed);
    let content = content(&headers, &body);
    Case {
        name,
        provider: Box::new(provider),
        headers,
        content,
        floor: floor(key.to_vec()),
        peer: peer.map(|p| {
            (
                p,
                webhook_verify::Secret::new(peer_secret),
                webhook_verify::VerifyOptions::default().with_request_url(URL),
            )
        }),
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> &'h str {
    &headers.iter().find(|(k, _)| k == name).unwrap().1
}

fn body_only(_: &[(String, String)], body: &[u8]) -> Vec<u8> {
    body.to_vec()
}

fn cases() -> Vec<Case> {
    use hooksig::*;
    use webhook_verify::Provider as Wv;
    let k = "bench-secret";
    let kb = k.as_bytes();
    let t_dot_body = |name: &'static str, key: &'static str| {
        move |h: &[(String, String)], body: &[u8]| {
            let value = header(h, name);
            let t = value
                .split([',', ';'])
                .find_map(|e| e.trim().strip_prefix(key))
                .unwrap();
            [t.as_bytes(), b".", body].concat()
        }
    };
    let mut cases = vec![
        mac_case(
            "github",
            github::GitHub::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            Some(Wv::GitHub),
            k,
        ),
        mac_case(
            "linear",
            linear::Linear::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            Some(Wv::Linear),
            k,
        ),
        mac_case(
            "notify",
            notify::Notify::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "generic",
            generic::Generic::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "shopify",
            shopify::Shopify::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            Some(Wv::Shopify),
            k,
        ),
        mac_case(
            "stripe",
            stripe::Stripe::new(k).unwrap(),
            kb,
            t_dot_body("stripe-signature", "t="),
            Floor::Sha256,
            Some(Wv::Stripe),
            k,
        ),
        mac_case(
            "slack",
            slack::Slack::new(k).unwrap(),
            kb,
            |h, body| {
                [
                    b"v0:",
                    header(h, "x-slack-request-timestamp").as_bytes(),
                    b":",
                    body,
                ]
                .concat()
            },
            Floor::Sha256,
            Some(Wv::Slack),
            k,
        ),
        mac_case(
            "standard-webhooks",
            standard::StandardWebhooks::new("whsec_YmVuY2gtc2VjcmV0").unwrap(),
            kb,
            |h, body| {
                [
                    header(h, "webhook-id").as_bytes(),
                    b".",
                    header(h, "webhook-timestamp").as_bytes(),
                    b".",
                    body,
                ]
                .concat()
            },
            Floor::Sha256,
            Some(Wv::StandardWebhooks),
            "whsec_YmVuY2gtc2VjcmV0",
        ),
        mac_case(
            "meta",
            meta::Meta::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "jira",
            jira::Jira::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "bitbucket",
            bitbucket::Bitbucket::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "razorpay",
            razorpay::Razorpay::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "lemonsqueezy",
            lemonsqueezy::LemonSqueezy::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "typeform",
            typeform::Typeform::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "dropbox",
            dropbox::Dropbox::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            Some(Wv::Dropbox),
            k,
        ),
        mac_case(
            "sentry",
            sentry::Sentry::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "notion",
            notion::Notion::new(k).unwrap(),
            kb,
            body_only,
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "calendly",
            calendly::Calendly::new(k).unwrap(),
            kb,
            t_dot_body("calendly-webhook-signature", "t="),
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "workos",
            workos::WorkOS::new(k).unwrap(),
            kb,
            t_dot_body("workos-signature", "t="),
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "mux",
            mux::Mux::new(k).unwrap(),
            kb,
            t_dot_body("mux-signature", "t="),
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "paddle",
            paddle::Paddle::new(k).unwrap(),
            kb,
            |h, body| {
                let value = header(h, "paddle-signature");
                let ts = value
                    .split(';')
                    .find_map(|e| e.strip_prefix("ts="))
                    .unwrap();
                [ts.as_bytes(), b":", body].concat()
            },
            Floor::Sha256,
            None,
            k,
        ),
        mac_case(
            "square",
            square::Square::new(k)
                .unwrap()
                .notification_url(URL)
                .unwrap(),
            kb,
            |_, body| [URL.as_bytes(), body].concat(),
            Floor::Sha256,
            Some(Wv::Square),
            k,
        ),
        mac_case(
            "zendesk",
            zendesk::Zendesk::new(k).unwrap(),
            kb,
            |h, body| {
                [
                    header(h, "x-zendesk-webhook-signature-timestamp").as_bytes(),
                    body,
                ]
                .concat()
            },
            Floor::Sha256,
            None,
            k,
        ),
    ];
    cases.push(mac_case(
        "paystack",
        paystack::Paystack::new(k).unwrap(),
        kb,
        body_only,
        Floor::Sha512,
        None,
        k,
    ));
    cases.push(mac_case(
        "intercom",
        intercom::Intercom::new(k).unwrap(),
        kb,
        body_only,
        Floor::Sha1,
        None,
        k,
    ));
    cases.push(mac_case(
        "vercel",
        vercel::Vercel::new(k).unwrap(),
        kb,
        body_only,
        Floor::Sha1,
        None,
        k,
    ));
    cases
}

fn providers(c: &mut Criterion) {
    let body = body();
    for case in cases() {
        let now = SystemTime::now();
        let headers = &case.headers;
        let verify = || {
            let incoming = Incoming::new(black_box(headers), black_box(&body))
                .method("POST")
                .url(URL);
            case.provider.verify_incoming(&incoming, now).is_ok()
        };
        assert!(verify(), "{} must accept its own delivery", case.name);
        let floor = floor_fn(&case.floor);
        let mut group = c.benchmark_group(format!("providers/{}", case.name));
        group.throughput(Throughput::Bytes(LEN as u64));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        group.bench_function(BenchmarkId::new("hooksig", "1KiB"), |b| b.iter(verify));
        group.bench_function(BenchmarkId::new("floor", "1KiB"), |b| {
            b.iter(|| floor(black_box(&case.content)))
        });
        if let Some((peer, secret, options)) = &case.peer {
            let peer_verify = || {
                webhook_verify::verify(
                    *peer,
                    black_box(headers),
                    black_box(&body),
                    secret,
                    options.clone(),
                )
                .is_ok()
            };
            assert!(
                peer_verify(),
                "webhook-verify must accept the {} delivery",
                case.name
            );
            group.bench_function(BenchmarkId::new("webhook_verify", "1KiB"), |b| {
                b.iter(peer_verify)
            });
        }
        group.finish();
    }
}

criterion_group!(benches, providers);
criterion_main!(benches);
