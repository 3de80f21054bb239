//! A dudect-style statistical check that signature comparison does not leak
//! where a forged signature first differs from the right one.
//!
//! Two classes of forged `X-Hub-Signature-256` values are verified, the
//! class of each measurement drawn at random so drift hits both alike:
//!
//! - **late**: equal to the right signature except its last byte;
//! - **early**: differs in its first hex digit.
//!
//! An early-exit comparison would reject "early" faster. Welch's t-test
//! compares the two timing distributions (after cropping the slowest 5 %,
//! which is scheduler noise); |t| above 4.5 is dudect's threshold for
//! "leaks". The result is printed and the process fails above it.
//!
//! It is a benchmark (`cargo bench --bench timing`), not a test: timings on
//! a shared machine are not a pass/fail unit test. `TIMING_SAMPLES` sets the
//! number of measurements (default 2 000 000).

use std::hint::black_box;
use std::time::Instant;

use hooksig::github::GitHub;
use hooksig::Provider;

const THRESHOLD: f64 = 4.5;

/// Running mean and variance (Welford).
#[derive(Default)]
struct Stats {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Stats {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
    }

    fn variance(&self) -> f64 {
        self.m2 / (self.n - 1.0)
    }
}

fn welch_t(a: &Stats, b: &Stats) -> f64 {
    (a.mean - b.mean) / (a.variance() / a.n + b.variance() / b.n).sqrt()
}

/// xorshift64*: the class sequence needs no cryptographic quality.
struct Rng(u64);

impl Rng {
    fn bit(&mut self) -> bool {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 63 == 1
    }
}

/// Early-exit comparison: what hooksig must not do.
fn leaky_eq(a: &[u8], b: &[u8]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if black_box(x) != black_box(y) {
            return false;
        }
    }
    a.len() == b.len()
}

/// Times `run` over values of both classes, drawn at random and copied
/// into the same buffer (so they differ only in content, never in address
/// or cache placement); prints and returns Welch's t.
fn measure(name: &str, samples: usize, classes: &[Vec<u8>; 2], run: impl Fn(&[u8]) -> bool) -> f64 {
    let mut value = vec![0u8; classes[0].len()];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let class = usize::from(rng.bit());
        value.copy_from_slice(&classes[class]);
        let start = Instant::now();
        let result = run(&value);
        let elapsed = start.elapsed();
        black_box(result);
        times.push((class, elapsed.as_nanos() as f64));
    }
    // Crop the slowest 5 % (interrupts, preemption) across both classes.
    let mut sorted: Vec<f64> = times.iter().map(|&(_, t)| t).collect();
    sorted.sort_by(f64::total_cmp);
    let cutoff = sorted[sorted.len() * 95 / 100];
    let mut stats = [Stats::default(), Stats::default()];
    for &(class, t) in &times {
        if t <= cutoff {
            stats[class].push(t);
        }
    }
    let t = welch_t(&stats[0], &stats[1]);
    println!(
        "timing: {name}: {samples} samples; differs late {:.1} ns, differs early {:.1} ns; \
         Welch |t| = {:.2} (threshold {THRESHOLD})",
        stats[0].mean,
        stats[1].mean,
        t.abs()
    );
    t
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this
    // binary without it, and a timing measurement is no unit test.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("timing: skipped (run it with `cargo bench --bench timing`)");
        return;
    }
    let samples: usize = std::env::var("TIMING_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000_000);

    let github = GitHub::new("timing secret").expect("secret");
    let body = vec![b'x'; 64];
    let right = github.sign(&body).into_bytes();
    let mut late = right.clone();
    let last = late.len() - 1;
    late[last] = if late[last] == b'0' { b'1' } else { b'0' };
    let mut early = right.clone();
    early[7] = if early[7] == b'0' { b'1' } else { b'0' };
    let classes = [late, early];

    // Warm up, and check both classes are rejected for the same reason.
    for value in &classes {
        let err = github
            .verify(&[("x-hub-signature-256", value.as_slice())], &body)
            .unwrap_err();
        assert_eq!(err.kind(), "signature_mismatch");
    }

    let t = measure("hooksig verify", samples, &classes, |value| {
        let headers = [("x-hub-signature-256", value)];
        github.verify(black_box(&headers), black_box(&body)).is_ok()
    });
    // The control: the same measurement of a deliberately leaky comparison
    // (byte by byte, returning at the first difference) over the same
    // values. Its |t| shows whether this machine can see such a leak at all.
    let control = measure("leaky control", samples, &classes, |value| {
        leaky_eq(black_box(value), black_box(&right))
    });
    if control.abs() < THRESHOLD {
        println!("timing: warning: the leaky control went undetected; raise TIMING_SAMPLES");
    }
    if t.abs() >= THRESHOLD || t.is_nan() {
        eprintln!("timing: the comparison time depends on where the signature differs");
        std::process::exit(1);
    }
    println!("timing: no leak detected");
}
