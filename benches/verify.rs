//! GitHub webhook verification: hooksig against the code a user would write
//! with the `hmac` crate directly, and against the `webhook-verify` crate.
//!
//! One benchmark group per body size (64 B, 1 KiB, 16 KiB, 1 MiB), so
//! criterion reports the three verifiers side by side with a throughput in
//! bytes per second. Every input is built, and checked to verify, before
//! its timing loop starts: a benchmark of a rejected request measures the
//! error path, not verification.
//!
//! The `engine/…` groups then put the scheme engine's other shapes beside
//! `webhook-verify` at 64 B and 1 KiB: Stripe (multi-part content `t.body`
//! and a list header), Square (the notification URL signed before the body,
//! as a `Generic` scheme with `Part::Url`) and Discord (Ed25519 over
//! `timestamp ‖ body`, as a `Generic` scheme). The engine against the code
//! before it (commit d38a38f) is measured by `benches/baseline/run.sh`,
//! which builds both side by side in one criterion run.
//!
//! Run with `cargo bench --bench verify`.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hooksig::github::GitHub;
use hooksig::Provider;
use sha2::Sha256;

const SECRET: &str = "It's a Secret to Everybody";
const HEADER: &str = "X-Hub-Signature-256";
const SIZES: [(usize, &str); 4] = [
    (64, "64B"),
    (1024, "1KiB"),
    (16 * 1024, "16KiB"),
    (1024 * 1024, "1MiB"),
];

/// What a user writes with the `hmac` crate alone: key the MAC on every
/// request, strip the prefix, decode the hex into a stack array, and let
/// `verify_slice` compare in constant time.
fn bare_hmac(secret: &[u8], header: &str, body: &[u8]) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let mut tag = [0u8; 32];
    if hex::decode_to_slice(hex_sig, &mut tag).is_err() {
        return false;
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

/// A JSON-ish body of `len` bytes; its content does not affect SHA-256 speed,
/// but a realistic one keeps the benchmark honest to read.
fn body(len: usize) -> Vec<u8> {
    br#"{"action":"opened","number":1,"zen":"Design for failure."}"#
        .iter()
        .copied()
        .cycle()
        .take(len)
        .collect()
}

fn verify(c: &mut Criterion) {
    let github = GitHub::new(SECRET).expect("non-empty secret");
    let wv_secret = webhook_verify::Secret::new(SECRET);
    let now = SystemTime::now();

    for (len, label) in SIZES {
        let body = body(len);
        let signature = github.sign(&body);
        let headers: [(&str, &str); 1] = [(HEADER, signature.as_str())];
        let wv_headers: Vec<(String, String)> = vec![(HEADER.to_string(), signature.clone())];

        // Every verifier must accept the input, or its timing is meaningless.
        assert!(github.verify_at(&headers, &body, now).is_ok());
        assert!(bare_hmac(SECRET.as_bytes(), &signature, &body));
        assert!(webhook_verify::verify(
            webhook_verify::Provider::GitHub,
            &wv_headers,
            &body,
            &wv_secret,
            Default::default(),
        )
        .is_ok());

        let mut group = c.benchmark_group(format!("github_verify/{label}"));
        group.throughput(Throughput::Bytes(len as u64));
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));
        if len >= 1024 * 1024 {
            group.sample_size(20);
        }

        group.bench_with_input(BenchmarkId::new("hooksig", label), &body, |b, body| {
            b.iter(|| {
                github
                    .verify_at(black_box(&headers), black_box(body), now)
                    .is_ok()
            });
        });
        group.bench_with_input(BenchmarkId::new("bare_hmac", label), &body, |b, body| {
            b.iter(|| {
                bare_hmac(
                    black_box(SECRET.as_bytes()),
                    black_box(signature.as_str()),
                    black_box(body),
                )
            });
        });
        group.bench_with_input(
            BenchmarkId::new("webhook_verify", label),
            &body,
            |b, body| {
                b.iter(|| {
                    webhook_verify::verify(
                        webhook_verify::Provider::GitHub,
                        black_box(&wv_headers),
                        black_box(body),
                        black_box(&wv_secret),
                        Default::default(),
                    )
                    .is_ok()
                });
            },
        );
        group.finish();
    }
}

/// A named verifier of one input, returning whether it accepted.
type Verify<'a> = (&'a str, Box<dyn Fn() -> bool + 'a>);

/// One group: every verifier is checked to accept before it is timed.
fn group(c: &mut Criterion, name: &str, len: usize, verifiers: Vec<Verify<'_>>) {
    let label = if len == 64 { "64B" } else { "1KiB" };
    let mut group = c.benchmark_group(format!("engine/{name}/{label}"));
    group.throughput(Throughput::Bytes(len as u64));
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for (who, verify) in &verifiers {
        assert!(verify(), "{who} must accept the {name} input");
        group.bench_function(BenchmarkId::new(*who, label), |b| b.iter(verify));
    }
    group.finish();
}

fn engine(c: &mut Criterion) {
    use hooksig::generic::Generic;
    use hooksig::scheme::{Algorithm, Encoding, Part, Scheme, Signature};
    use hooksig::stripe::Stripe;
    use hooksig::Incoming;
    use webhook_verify::{Provider as Wv, VerifyOptions};

    for len in [64, 1024] {
        let body = body(len);

        // Stripe: `t=…,v1=…` over `{t}.{body}`.
        let stripe = Stripe::new("whsec_bench").unwrap();
        let now = SystemTime::now();
        let t = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let header = stripe.sign(t, &body);
        let headers = [("Stripe-Signature", header.as_str())];
        let wv_headers = vec![("Stripe-Signature".to_string(), header.clone())];
        let wv_secret = webhook_verify::Secret::new("whsec_bench");
        group(
            c,
            "stripe",
            len,
            vec![
                (
                    "hooksig",
                    Box::new(|| {
                        stripe
                            .verify_at(black_box(&headers), black_box(&body), now)
                            .is_ok()
                    }),
                ),
                (
                    "webhook_verify",
                    Box::new(|| {
                        webhook_verify::verify(
                            Wv::Stripe,
                            black_box(&wv_headers),
                            black_box(&body),
                            &wv_secret,
                            VerifyOptions::default(),
                        )
                        .is_ok()
                    }),
                ),
            ],
        );

        // Square: HMAC-SHA256 of notification URL ‖ body, base64.
        let url = "https://example.com/webhooks/square";
        let square = Generic::from_scheme(
            Scheme::hmac_sha256()
                .signature(Signature::plain("x-square-hmacsha256-signature", "").unwrap())
                .encoding(Encoding::Base64)
                .content([Part::Url, Part::Body]),
            "square-signature-key",
        )
        .unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(b"square-signature-key").unwrap();
        mac.update(url.as_bytes());
        mac.update(&body);
        use base64::Engine as _;
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let headers = [("x-square-hmacsha256-signature", sig.as_str())];
        let wv_headers = vec![("x-square-hmacsha256-signature".to_string(), sig.clone())];
        let wv_secret = webhook_verify::Secret::new("square-signature-key");
        let wv_options = VerifyOptions::default().with_request_url(url);
        group(
            c,
            "square",
            len,
            vec![
                (
                    "hooksig",
                    Box::new(|| {
                        let incoming =
                            Incoming::new(black_box(&headers), black_box(&body)).url(url);
                        square.verify_incoming(&incoming, now).is_ok()
                    }),
                ),
                (
                    "webhook_verify",
                    Box::new(|| {
                        webhook_verify::verify(
                            Wv::Square,
                            black_box(&wv_headers),
                            black_box(&body),
                            &wv_secret,
                            wv_options.clone(),
                        )
                        .is_ok()
                    }),
                ),
            ],
        );

        // Discord: Ed25519 over `X-Signature-Timestamp ‖ body`.
        use ed25519_dalek::{Signer as _, SigningKey};
        let key = SigningKey::from_bytes(&[42; 32]);
        let public = hex::encode(key.verifying_key().as_bytes());
        let discord = Generic::from_scheme(
            Scheme::new(Algorithm::Ed25519)
                .signature(Signature::plain("x-signature-ed25519", "").unwrap())
                .encoding(Encoding::Hex)
                .content([Part::header("x-signature-timestamp").unwrap(), Part::Body]),
            &public,
        )
        .unwrap();
        let timestamp = t.to_string();
        let mut message = timestamp.clone().into_bytes();
        message.extend_from_slice(&body);
        let sig = hex::encode(key.sign(&message).to_bytes());
        let headers = [
            ("x-signature-ed25519", sig.as_str()),
            ("x-signature-timestamp", timestamp.as_str()),
        ];
        let wv_headers = vec![
            ("X-Signature-Ed25519".to_string(), sig.clone()),
            ("X-Signature-Timestamp".to_string(), timestamp.clone()),
        ];
        let wv_secret = webhook_verify::Secret::new(public.clone());
        group(
            c,
            "discord_ed25519",
            len,
            vec![
                (
                    "hooksig",
                    Box::new(|| {
                        discord
                            .verify_at(black_box(&headers), black_box(&body), now)
                            .is_ok()
                    }),
                ),
                (
                    "webhook_verify",
                    Box::new(|| {
                        webhook_verify::verify(
                            Wv::Discord,
                            black_box(&wv_headers),
                            black_box(&body),
                            &wv_secret,
                            VerifyOptions::default(),
                        )
                        .is_ok()
                    }),
                ),
            ],
        );
    }
}

criterion_group!(benches, verify, engine);
criterion_main!(benches);
