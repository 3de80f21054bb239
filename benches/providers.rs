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

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hooksig::{Incoming, Outgoing, Provider};

const LEN: usize = 1024;
const URL: &str = "https://hooks.example.com/webhooks/in";

/// The signed bytes' floor: how the bare primitive is run.
enum Floor {
    Sha256(Vec<u8>),
    Sha1(Vec<u8>),
    Sha512(Vec<u8>),
    /// An Ed25519 verify with a parsed key: the public key and signature.
    Ed25519(ed25519_dalek::VerifyingKey, ed25519_dalek::Signature),
    /// A P-256 verify with a parsed key: the key and the DER signature.
    P256(p256::ecdsa::VerifyingKey, p256::ecdsa::Signature),
}

/// A JSON body of exactly `LEN` bytes with the members providers read.
fn body() -> Vec<u8> {
    // Linear signs the send time in the body: now, so the window passes.
    let now_ms = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let head = format!(
        r#"{{"id":"evt_1","event_id":"evt_1","type":"invoice.paid","webhookTimestamp":{now_ms},"event":"message.sent","timestamp":"2023-11-14T22:13:20Z","pad":""#
    );
    let mut body = head.into_bytes();
    while body.len() < LEN - 2 {
        body.push(b'x');
    }
    body.extend_from_slice(b"\"}");
    body
}

/// A floor run over the signed bytes.
type FloorFn<'a> = Box<dyn Fn(&[u8]) -> bool + 'a>;

fn floor_fn(floor: &Floor) -> FloorFn<'_> {
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
        Floor::Ed25519(key, signature) => Box::new(move |content: &[u8]| {
            use ed25519_dalek::Verifier as _;
            key.verify(content, signature).is_ok()
        }),
        Floor::P256(key, signature) => Box::new(move |content: &[u8]| {
            use p256::ecdsa::signature::Verifier as _;
            key.verify(content, signature).is_ok()
        }),
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
    /// A body of its own (Twilio's form), else the shared JSON body.
    body: Option<Vec<u8>>,
}

impl Case {
    /// The delivery's body: its own, else the shared JSON body.
    fn delivery_body(&self) -> Vec<u8> {
        self.body.clone().unwrap_or_else(body)
    }

    /// hooksig's verification of the delivery (the request line too, for
    /// the senders that sign it).
    fn verify(&self, body: &[u8], now: SystemTime) -> bool {
        let incoming = Incoming::new(black_box(&self.headers), black_box(body))
            .method("POST")
            .url(URL);
        self.provider.verify_incoming(&incoming, now).is_ok()
    }

    /// `webhook-verify`'s, where it has the sender (`false` otherwise).
    fn peer_verify(&self, body: &[u8]) -> bool {
        self.peer.as_ref().is_some_and(|(peer, secret, options)| {
            webhook_verify::verify(
                *peer,
                black_box(&self.headers),
                black_box(body),
                secret,
                options.clone(),
            )
            .is_ok()
        })
    }
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
        body: Some(body),
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
    cases.push(mac_case(
        "zoom",
        zoom::Zoom::new(k).unwrap(),
        kb,
        |h, body| {
            [
                b"v0:",
                header(h, "x-zm-request-timestamp").as_bytes(),
                b":",
                body,
            ]
            .concat()
        },
        Floor::Sha256,
        Some(Wv::Zoom),
        k,
    ));
    cases.push(mac_case(
        "twitch",
        twitch::Twitch::new(k).unwrap(),
        kb,
        |h, body| {
            [
                header(h, "twitch-eventsub-message-id").as_bytes(),
                header(h, "twitch-eventsub-message-timestamp").as_bytes(),
                body,
            ]
            .concat()
        },
        Floor::Sha256,
        None,
        k,
    ));
    cases.push(mac_case(
        "hubspot",
        hubspot::HubSpot::new(k).unwrap(),
        kb,
        |h, body| {
            [
                b"POST",
                URL.as_bytes(),
                body,
                header(h, "x-hubspot-request-timestamp").as_bytes(),
            ]
            .concat()
        },
        Floor::Sha256,
        None,
        k,
    ));
    // Token compares: the floor is a SHA-256 of the token, as the compare
    // hashes it (the body is not signed).
    cases.push(mac_case(
        "gitlab",
        gitlab::GitLab::new(k).unwrap(),
        kb,
        |_, _| kb.to_vec(),
        Floor::Sha256,
        None,
        k,
    ));
    cases.push(mac_case(
        "telegram",
        telegram::Telegram::new(k).unwrap(),
        kb,
        |_, _| kb.to_vec(),
        Floor::Sha256,
        None,
        k,
    ));
    cases.push(twilio_case());
    cases.push(discord_case());
    cases.push(sendgrid_case());
    cases
}

/// Twilio: a form post, HMAC-SHA1 over the URL and the sorted params.
fn twilio_case() -> Case {
    let token = "twilio-auth-token";
    let twilio = hooksig::twilio::Twilio::new(token).unwrap();
    let mut form = String::from("AccountSid=AC123&Body=");
    while form.len() < LEN - 12 {
        form.push('x');
    }
    form.push_str("&From=%2B1");
    let form = form.into_bytes();
    let signed = twilio
        .sign_headers(&Outgoing::new(&form).url(URL).method("POST"))
        .expect("twilio signs");
    let mut content = URL.as_bytes().to_vec();
    let mut params: Vec<(&str, &str)> = std::str::from_utf8(&form)
        .unwrap()
        .split('&')
        .map(|pair| pair.split_once('=').unwrap())
        .collect();
    params.sort();
    for (name, value) in params {
        content.extend_from_slice(name.as_bytes());
        content.extend_from_slice(value.replace("%2B", "+").as_bytes());
    }
    let mut headers = pairs(&signed);
    headers.push((
        "content-type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    let params = std::str::from_utf8(&form).unwrap().split('&').map(|pair| {
        let (k, v) = pair.split_once('=').unwrap();
        (k.to_owned(), v.replace("%2B", "+"))
    });
    Case {
        name: "twilio",
        provider: Box::new(twilio),
        headers,
        content,
        floor: Floor::Sha1(token.as_bytes().to_vec()),
        peer: Some((
            webhook_verify::Provider::Twilio,
            webhook_verify::Secret::new(token),
            webhook_verify::VerifyOptions::default()
                .with_request_url(URL)
                .with_form_params(params),
        )),
        body: Some(form),
    }
}

/// Discord: Ed25519 over `timestamp ‖ body`, signed with a private key.
fn discord_case() -> Case {
    use ed25519_dalek::{Signer as _, SigningKey};
    let key = SigningKey::from_bytes(&[42; 32]);
    let public = hex::encode(key.verifying_key().as_bytes());
    let discord = hooksig::discord::Discord::new(&public).unwrap();
    let body = body();
    let t = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let message = [t.as_bytes(), &body].concat();
    let signature = key.sign(&message);
    let headers = vec![
        (
            "x-signature-ed25519".to_owned(),
            hex::encode(signature.to_bytes()),
        ),
        ("x-signature-timestamp".to_owned(), t),
    ];
    Case {
        name: "discord",
        provider: Box::new(discord),
        headers,
        content: message,
        floor: Floor::Ed25519(key.verifying_key(), signature),
        peer: Some((
            webhook_verify::Provider::Discord,
            webhook_verify::Secret::new(public),
            webhook_verify::VerifyOptions::default(),
        )),
        body: Some(body),
    }
}

/// SendGrid: ECDSA P-256 / SHA-256 over `timestamp ‖ body`, base64 DER.
fn sendgrid_case() -> Case {
    use base64::Engine as _;
    use p256::ecdsa::{signature::Signer as _, DerSignature, SigningKey};
    let key = SigningKey::from_slice(&[7; 32]).unwrap();
    let point = key.verifying_key().to_sec1_point(false);
    let public = base64::engine::general_purpose::STANDARD.encode(point.as_bytes());
    let sendgrid = hooksig::sendgrid::SendGrid::new(&public).unwrap();
    // `webhook-verify` takes the key as DER SubjectPublicKeyInfo: the
    // fixed P-256 prefix, then the uncompressed point.
    let spki = [
        &hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap()[..],
        point.as_bytes(),
    ]
    .concat();
    let body = body();
    // Now: `webhook-verify` checks a window.
    let t = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let message = [t.as_bytes(), &body].concat();
    let der: DerSignature = key.sign(&message);
    let headers = vec![
        (
            "x-twilio-email-event-webhook-signature".to_owned(),
            base64::engine::general_purpose::STANDARD.encode(der.as_bytes()),
        ),
        ("x-twilio-email-event-webhook-timestamp".to_owned(), t),
    ];
    let signature = p256::ecdsa::Signature::from_der(der.as_bytes()).unwrap();
    Case {
        name: "sendgrid",
        provider: Box::new(sendgrid),
        headers,
        content: message,
        floor: Floor::P256(*key.verifying_key(), signature),
        peer: Some((
            webhook_verify::Provider::SendGrid,
            webhook_verify::Secret::new(""),
            webhook_verify::VerifyOptions::default().with_verifying_material(
                webhook_verify::VerifyingKeyMaterial::EcdsaP256PublicKey(spki),
            ),
        )),
        body: Some(body),
    }
}

fn providers(c: &mut Criterion) {
    let shared = body();
    // Each case is signed just before it is timed (built anew each time:
    // the cases' windows would expire over a whole run).
    for index in 0..cases().len() {
        let Some(case) = cases().into_iter().nth(index) else {
            continue;
        };
        let body = case.body.clone().unwrap_or_else(|| shared.clone());
        let now = SystemTime::now();
        let verify = || case.verify(&body, now);
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
        if case.peer.is_some() {
            let peer_verify = || case.peer_verify(&body);
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

/// The case of the provider `name`.
fn case_named(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("no provider {name}"))
}

/// `PROVIDERS_RACE=<provider>[,<provider>…]` times hooksig, the floor and
/// `webhook-verify` in interleaved rounds (so a change of the machine's
/// load hits all three alike) and prints each one's fastest and median
/// round: on a shared machine, steadier than criterion's groups, which
/// run one after the other.
fn race(names: &str) {
    for name in names.split(',') {
        let case = case_named(name);
        let body = case.delivery_body();
        let now = SystemTime::now();
        let floor = floor_fn(&case.floor);
        let hooksig = || case.verify(&body, now);
        let floor = || floor(black_box(&case.content));
        let peer = || case.peer_verify(&body);
        let runs: [&dyn Fn() -> bool; 3] = [&hooksig, &floor, &peer];
        let mut rounds: [Vec<f64>; 3] = Default::default();
        const PER_ROUND: u32 = 200;
        for _ in 0..300 {
            for (run, times) in runs.iter().zip(&mut rounds) {
                let start = std::time::Instant::now();
                for _ in 0..PER_ROUND {
                    black_box(run());
                }
                times.push(start.elapsed().as_nanos() as f64 / f64::from(PER_ROUND));
            }
        }
        let mut line = format!("{name:<18}");
        for (label, times) in ["hooksig", "floor", "webhook_verify"]
            .iter()
            .zip(&mut rounds)
        {
            times.sort_by(f64::total_cmp);
            line += &format!(
                "  {label} min {:.0} ns median {:.0} ns",
                times[0],
                times[times.len() / 2]
            );
        }
        println!("{line}");
    }
}

/// `PROVIDERS_COUNT=<provider>:<hooksig|floor|webhook_verify>:<n>` runs one
/// row `n` times and exits, without criterion: `benches/count.sh` runs it
/// under callgrind twice (`n` = 2000 and 1000), so the difference is the
/// instructions of 1000 verifications with start-up cancelled.
fn count(spec: &str) {
    let mut fields = spec.split(':');
    let (Some(name), Some(which), Some(n)) = (fields.next(), fields.next(), fields.next()) else {
        panic!("PROVIDERS_COUNT=<provider>:<implementation>:<n>, not {spec}");
    };
    let n: usize = n.parse().expect("a count");
    let case = case_named(name);
    let body = case.delivery_body();
    let now = SystemTime::now();
    let ok = match which {
        "hooksig" => (0..n).filter(|_| case.verify(&body, now)).count(),
        "floor" => {
            let floor = floor_fn(&case.floor);
            (0..n).filter(|_| floor(black_box(&case.content))).count()
        }
        "webhook_verify" => (0..n).filter(|_| case.peer_verify(&body)).count(),
        other => panic!("no implementation {other}"),
    };
    assert_eq!(ok, n, "{name} {which} must accept every delivery");
}

criterion_group!(benches, providers);

fn main() {
    if let Ok(spec) = std::env::var("PROVIDERS_COUNT") {
        count(&spec);
        return;
    }
    if let Ok(names) = std::env::var("PROVIDERS_RACE") {
        race(&names);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
