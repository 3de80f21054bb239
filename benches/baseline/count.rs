//! Instructions per verification, engine against baseline, for a noisy
//! machine: `run.sh` runs this under `valgrind --tool=callgrind` when
//! `COUNT=1`, once per (provider, size, implementation) and with two
//! iteration counts, so start-up cancels out of the difference.

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

const SECRET: &str = "It's a Secret to Everybody";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// `black_box` through a thin reference. Given the fat `&dyn Headers` that
/// `verify_at` takes, `black_box` made one side's build store the pointer as
/// two words and reload it as one, a store-forwarding stall in the harness
/// rather than in the code measured (perf: 3.7 % of a 64-byte GitHub
/// verification in the engine's loop, 1.1 % in the baseline's).
#[inline(always)]
fn thin<T>(value: &T) -> &T {
    black_box(value)
}

fn body(len: usize) -> Vec<u8> {
    let head = br#"{"webhookTimestamp":1700000000000,"zen":""#;
    let mut body = head.to_vec();
    while body.len() < len - 2 {
        body.push(b'x');
    }
    body.extend_from_slice(b"\"}");
    body
}

/// `race`: `rounds` interleaved rounds of 20 000 verifications each, the
/// engine and the baseline alternating (which goes first alternates too),
/// so that drift on a shared machine (frequency, neighbours) falls on both
/// alike. Prints each one's fastest and median round (ns per verification)
/// and the median of the per-round ratios.
fn race(rounds: usize, mut engine: impl FnMut() -> bool, mut baseline: impl FnMut() -> bool) {
    const PER_ROUND: u32 = 20_000;
    let mut time = |f: &mut dyn FnMut() -> bool| {
        let start = std::time::Instant::now();
        for _ in 0..PER_ROUND {
            assert!(f(), "must accept");
        }
        start.elapsed().as_nanos() as f64 / f64::from(PER_ROUND)
    };
    let (mut e, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (te, tb) = if round % 2 == 0 {
            let te = time(&mut engine);
            (te, time(&mut baseline))
        } else {
            let tb = time(&mut baseline);
            (time(&mut engine), tb)
        };
        e.push(te);
        b.push(tb);
        ratios.push(te / tb);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (fe, fb) = (e.iter().copied().fold(f64::MAX, f64::min), b.iter().copied().fold(f64::MAX, f64::min));
    println!(
        "fastest {fe:.1} / {fb:.1} ns ({:.3}), median {:.1} / {:.1} ns, median ratio {:.3}",
        fe / fb,
        median(&mut e),
        median(&mut b),
        median(&mut ratios)
    );
}

fn main() {
    use hooksig::Provider as _;
    use hooksig_baseline::Provider as _;
    let args: Vec<String> = std::env::args().collect();
    let (name, len, which, n): (&str, usize, &str, usize) =
        (&args[1], args[2].parse().unwrap(), &args[3], args[4].parse().unwrap());
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let body = body(len);
    macro_rules! run {
        ($headers:expr, $new:expr, $old:expr) => {{
            let headers = $headers;
            if which == "race" {
                let (new, old) = ($new, $old);
                race(
                    n,
                    || { let (h, b) = (thin(&headers), thin(&body)); new.verify_at(h, b, now).is_ok() },
                    || { let (h, b) = (thin(&headers), thin(&body)); old.verify_at(h, b, now).is_ok() },
                );
                return;
            }
            let ok = if which == "engine" {
                let p = $new;
                (0..n).filter(|_| { let (h, b) = (thin(&headers), thin(&body)); p.verify_at(h, b, now).is_ok() }).count()
            } else {
                let p = $old;
                (0..n).filter(|_| { let (h, b) = (thin(&headers), thin(&body)); p.verify_at(h, b, now).is_ok() }).count()
            };
            assert_eq!(ok, n, "{name} {which} must accept");
        }};
    }
    match name {
        "github" => {
            let sig = hooksig::github::GitHub::new(SECRET).unwrap().sign(&body);
            run!([("X-Hub-Signature-256", sig.as_str())],
                hooksig::github::GitHub::new(SECRET).unwrap(),
                hooksig_baseline::github::GitHub::new(SECRET).unwrap())
        }
        "stripe" => {
            let sig = hooksig::stripe::Stripe::new(SECRET).unwrap().sign(1_700_000_000, &body);
            run!([("Stripe-Signature", sig.as_str())],
                hooksig::stripe::Stripe::new(SECRET).unwrap(),
                hooksig_baseline::stripe::Stripe::new(SECRET).unwrap())
        }
        "slack" => {
            let sig = hooksig::slack::Slack::new(SECRET).unwrap().sign(1_700_000_000, &body);
            run!([("X-Slack-Signature", sig.as_str()), ("X-Slack-Request-Timestamp", "1700000000")],
                hooksig::slack::Slack::new(SECRET).unwrap(),
                hooksig_baseline::slack::Slack::new(SECRET).unwrap())
        }
        "standard" => {
            let sig = hooksig::standard::StandardWebhooks::new(WHSEC).unwrap().sign("msg_1", 1_700_000_000, &body).unwrap();
            run!([("webhook-id", "msg_1"), ("webhook-timestamp", "1700000000"), ("webhook-signature", sig.as_str())],
                hooksig::standard::StandardWebhooks::new(WHSEC).unwrap(),
                hooksig_baseline::standard::StandardWebhooks::new(WHSEC).unwrap())
        }
        "linear" => {
            let sig = hooksig::linear::Linear::new(SECRET).unwrap().sign(&body);
            run!([("Linear-Signature", sig.as_str())],
                hooksig::linear::Linear::new(SECRET).unwrap(),
                hooksig_baseline::linear::Linear::new(SECRET).unwrap())
        }
        "shopify" => {
            let sig = hooksig::shopify::Shopify::new(SECRET).unwrap().sign(&body);
            run!([("X-Shopify-Hmac-Sha256", sig.as_str())],
                hooksig::shopify::Shopify::new(SECRET).unwrap(),
                hooksig_baseline::shopify::Shopify::new(SECRET).unwrap())
        }
        other => panic!("unknown provider {other}"),
    }
}
