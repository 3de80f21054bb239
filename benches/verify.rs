//! GitHub webhook verification: hooksig against the code a user would write
//! with the `hmac` crate directly, and against the `webhook-verify` crate.
//!
//! One benchmark group per body size (64 B, 1 KiB, 16 KiB, 1 MiB), so
//! criterion reports the three verifiers side by side with a throughput in
//! bytes per second. Every input is built, and checked to verify, before
//! its timing loop starts: a benchmark of a rejected request measures the
//! error path, not verification.
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

criterion_group!(benches, verify);
criterion_main!(benches);
