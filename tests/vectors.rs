//! Published test vectors, run through hooksig's public API.
//!
//! - Wycheproof HMAC-SHA256 (`tests/data/wycheproof_hmac_sha256_test.json`):
//!   every full-length valid tag verifies, every modified tag is a
//!   signature mismatch, every truncated (128-bit) tag is a malformed
//!   header and never accepted, and every valid vector with its first tag
//!   or message byte flipped is rejected.
//! - RFC 4231 cases 1–7 and GitHub's documented example.
//! - Every GitHub, Linear and Generic vector of the shared collection
//!   (`tests/data/seed_vectors.json`), with the class of each rejection
//!   decided here, per vector, rather than read back from the
//!   implementation.
//!
//! Each runner collects every failing vector and prints its id (and
//! source), and asserts the number of vectors it ran, so a loop that
//! silently reads nothing fails.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::{generic::Generic, github::GitHub, linear::Linear, Error, Provider};
use serde_json::Value;

/// The data files, read from the crate directory so the tests do not
/// depend on the shared collection being present.
fn data(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{name} is not JSON: {err}"))
}

fn at_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// A fixed clock for schemes that sign no time.
fn any_time() -> SystemTime {
    at_millis(1_700_000_000_000)
}

/// Fails with every collected problem, one per line.
fn report(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failing {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Verifies `body` against the bare hex `tag_hex` both as GitHub
/// (`sha256=<hex>`) and as a Generic scheme with an empty prefix.
fn verify_both(key: &[u8], body: &[u8], tag_hex: &str) -> [Result<(), Error>; 2] {
    let github = GitHub::new(key).expect("non-empty key");
    let generic = Generic::new(key)
        .and_then(|g| g.prefix(""))
        .expect("non-empty key");
    let gh_value = format!("sha256={tag_hex}");
    [
        github
            .verify_at(&[("X-Hub-Signature-256", gh_value)], body, any_time())
            .map(|_| ()),
        generic
            .verify_at(&[("X-Signature-256", tag_hex)], body, any_time())
            .map(|_| ()),
    ]
}

#[derive(Default, Debug, PartialEq, Eq)]
struct WycheproofCounts {
    total: usize,
    valid: usize,
    invalid: usize,
    full_valid: usize,
    full_invalid: usize,
    truncated: usize,
    flipped_tags: usize,
    flipped_msgs: usize,
    empty_keys: usize,
}

#[test]
fn wycheproof_hmac_sha256() {
    let doc = data("wycheproof_hmac_sha256_test.json");
    assert_eq!(doc["algorithm"], "HMACSHA256");
    assert_eq!(doc["numberOfTests"], 174);
    let mut counts = WycheproofCounts::default();
    let mut failures = Vec::new();
    for group in doc["testGroups"].as_array().expect("testGroups") {
        let tag_bits = group["tagSize"].as_u64().expect("tagSize");
        for case in group["tests"].as_array().expect("tests") {
            counts.total += 1;
            let id = format!(
                "tcId {} ({}, tagSize {tag_bits})",
                case["tcId"],
                case["comment"].as_str().unwrap_or_default()
            );
            let hex_field = |name: &str| {
                hex::decode(case[name].as_str().expect("hex field")).expect("valid hex")
            };
            let (key, msg, tag) = (hex_field("key"), hex_field("msg"), hex_field("tag"));
            let valid = match case["result"].as_str() {
                Some("valid") => true,
                Some("invalid") => false,
                other => panic!("{id}: unexpected result {other:?}"),
            };
            if valid {
                counts.valid += 1;
            } else {
                counts.invalid += 1;
            }
            assert_eq!(tag.len() * 8, tag_bits as usize, "{id}: tag length");

            if key.is_empty() {
                // hooksig refuses an empty HMAC key when the provider is
                // built: it would make every signature forgeable.
                counts.empty_keys += 1;
                if !matches!(GitHub::new(&key), Err(Error::InvalidConfig(_)))
                    || !matches!(Generic::new(&key), Err(Error::InvalidConfig(_)))
                {
                    failures.push(format!("{id}: empty key was not InvalidConfig"));
                }
                continue;
            }

            let tag_hex = hex::encode(&tag);
            let results = verify_both(&key, &msg, &tag_hex);
            if tag_bits < 256 {
                // A truncated tag is the wrong length: malformed, whatever
                // Wycheproof's verdict on the truncated MAC itself.
                counts.truncated += 1;
                for result in &results {
                    if !matches!(result, Err(Error::MalformedHeader { .. })) {
                        failures.push(format!(
                            "{id}: truncated tag must be a malformed header, got {result:?}"
                        ));
                    }
                }
                continue;
            }
            if !valid {
                counts.full_invalid += 1;
                for result in &results {
                    if *result != Err(Error::SignatureMismatch) {
                        failures.push(format!(
                            "{id}: modified tag must be a mismatch, got {result:?}"
                        ));
                    }
                }
                continue;
            }
            counts.full_valid += 1;
            for result in &results {
                if result.is_err() {
                    failures.push(format!("{id}: valid tag rejected: {result:?}"));
                }
            }
            // ring's style: flip the first bit of the tag, then of the
            // message, and require a mismatch.
            let mut flipped = tag.clone();
            flipped[0] ^= 1;
            counts.flipped_tags += 1;
            for result in verify_both(&key, &msg, &hex::encode(&flipped)) {
                if result != Err(Error::SignatureMismatch) {
                    failures.push(format!("{id}: flipped tag got {result:?}"));
                }
            }
            if !msg.is_empty() {
                let mut flipped = msg.clone();
                flipped[0] ^= 1;
                counts.flipped_msgs += 1;
                for result in verify_both(&key, &flipped, &tag_hex) {
                    if result != Err(Error::SignatureMismatch) {
                        failures.push(format!("{id}: flipped message got {result:?}"));
                    }
                }
            }
            // Signing reproduces the published tag.
            let signed = GitHub::new(&key).unwrap().sign(&msg);
            if signed != format!("sha256={tag_hex}") {
                failures.push(format!("{id}: GitHub::sign gave {signed}"));
            }
        }
    }
    report("Wycheproof cases", &failures);
    assert_eq!(
        counts,
        WycheproofCounts {
            total: 174,
            valid: 66,
            invalid: 108,
            full_valid: 33,
            full_invalid: 54,
            truncated: 87,
            flipped_tags: 33,
            flipped_msgs: 30,
            empty_keys: 0,
        }
    );
}

/// One vector of `seed_vectors.json`.
struct Seed {
    id: String,
    source: String,
    provider: String,
    secret: Vec<u8>,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    now: SystemTime,
    valid: bool,
    raw: Value,
}

impl Seed {
    fn label(&self) -> String {
        format!("{} (source: {})", self.id, self.source)
    }
}

fn seeds() -> Vec<Seed> {
    let doc = data("seed_vectors.json");
    doc["vectors"]
        .as_array()
        .expect("a `vectors` array")
        .iter()
        .map(|v| {
            let text = |key: &str| v[key].as_str().unwrap_or_default().to_string();
            let id = text("id");
            let secret = match v["secret_encoding"].as_str() {
                Some("utf8") => text("secret").into_bytes(),
                Some("hex") => hex::decode(text("secret")).expect("hex secret"),
                other => panic!("{id}: unknown secret encoding {other:?}"),
            };
            let body = match (v["body"].as_str(), v["body_hex"].as_str()) {
                (Some(body), None) => body.as_bytes().to_vec(),
                (None, Some(body)) => hex::decode(body).expect("hex body"),
                _ => panic!("{id}: needs exactly one of body and body_hex"),
            };
            let verdict = v
                .get("hooksig_expect")
                .unwrap_or(&v["expect"])
                .as_str()
                .expect("a verdict");
            Seed {
                source: text("source"),
                provider: text("provider"),
                secret,
                body,
                headers: v["headers"]
                    .as_object()
                    .expect("headers")
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().expect("header value").to_string()))
                    .collect(),
                now: v["now_unix_ms"].as_u64().map_or_else(any_time, at_millis),
                valid: match verdict {
                    "valid" => true,
                    "invalid" => false,
                    other => panic!("{id}: unknown verdict {other}"),
                },
                raw: v.clone(),
                id,
            }
        })
        .collect()
}

/// The rejection each invalid vector must get, decided per vector from
/// what is wrong with it (not from what hooksig returns): a form the sender
/// never emits is a malformed header (400), a MAC that does not match is a
/// mismatch (401), a signed timestamp outside the window is a timestamp
/// error (401), and a signed body without a usable `webhookTimestamp` is a
/// malformed body (400).
fn expected_rejection(id: &str) -> Option<(&'static str, u16)> {
    const MALFORMED_HEADER: (&str, u16) = ("malformed_header", 400);
    const MISMATCH: (&str, u16) = ("signature_mismatch", 401);
    const MALFORMED_BODY: (&str, u16) = ("malformed_body", 400);
    Some(match id {
        // `foo`: no `sha256=` prefix, wrong length.
        "github-octokit-invalid-foo" => MALFORMED_HEADER,
        "github-derived-bitflip" => MISMATCH,
        "github-derived-bitflip-first" => MISMATCH,
        "github-derived-noprefix" => MALFORMED_HEADER,
        "github-derived-sha1prefix" => MALFORMED_HEADER,
        "github-derived-upperprefix" => MALFORMED_HEADER,
        // GitHub sends lowercase: uppercase is a form it never emits.
        "github-derived-upperhex" => MALFORMED_HEADER,
        "github-derived-truncated" => MALFORMED_HEADER,
        "github-derived-empty-sig" => MALFORMED_HEADER,
        "github-derived-trailing-newline" => MISMATCH,
        "github-derived-wrong-secret" => MISMATCH,
        "github-derived-unnormalised-json" => MISMATCH,
        "generic-derived-bitflip" => MISMATCH,
        // The signature sits under GitHub's header name only.
        "generic-derived-wrong-header" => ("missing_header", 400),
        "generic-derived-noprefix" => MALFORMED_HEADER,
        "linear-derived-expired" => ("timestamp_too_old", 401),
        "linear-derived-future" => ("timestamp_in_future", 401),
        "linear-derived-bitflip" => MISMATCH,
        // 71 characters where Linear sends 64 bare hex digits.
        "linear-derived-sha256prefix" => MALFORMED_HEADER,
        "linear-derived-upperhex" => MALFORMED_HEADER,
        // Valid MAC, but no top-level `webhookTimestamp` in the signed body;
        // the unsigned Linear-Timestamp header does not stand in for it.
        "linear-derived-header-ts-only" => MALFORMED_BODY,
        "linear-derived-no-timestamp" => MALFORMED_BODY,
        "linear-derived-header-ts-expired" => MALFORMED_BODY,
        // `"webhookTimestamp":"1579784000000"`: a string, not a number.
        "linear-derived-string-timestamp" => MALFORMED_BODY,
        // The signed body's 10-minute-old timestamp wins over the header.
        "linear-derived-body-ts-wins" => ("timestamp_too_old", 401),
        // RFC 4231 case 5: a 128-bit tag is the wrong length.
        "rfc4231-tc5" => MALFORMED_HEADER,
        _ => return None,
    })
}

fn provider_for(seed: &Seed) -> Box<dyn Provider> {
    let built: Result<Box<dyn Provider>, Error> = match seed.provider.as_str() {
        "github" => GitHub::new(&seed.secret).map(|p| Box::new(p) as _),
        "linear" => Linear::new(&seed.secret).map(|p| Box::new(p) as _),
        "generic" => Generic::new(&seed.secret).map(|p| Box::new(p) as _),
        other => panic!("{}: no provider {other}", seed.id),
    };
    built.unwrap_or_else(|err| panic!("{}: secret rejected: {err}", seed.label()))
}

/// The signed top-level `webhookTimestamp` of a Linear body, read with
/// serde_json (independently of hooksig's own scanner).
fn linear_body_timestamp(body: &[u8]) -> Option<SystemTime> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value["webhookTimestamp"].as_u64().map(at_millis)
}

#[test]
fn provider_vectors() {
    let seeds = seeds();
    let mut counts = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for seed in seeds.iter().filter(|s| s.provider != "hmac-sha256") {
        *counts
            .entry((seed.provider.as_str(), seed.valid))
            .or_insert(0) += 1;
        let provider = provider_for(seed);
        assert_eq!(provider.name(), seed.provider);
        let result = provider.verify_at(&seed.headers, &seed.body, seed.now);
        match (result, seed.valid) {
            (Ok(delivery), true) => {
                if delivery.body() != seed.body.as_slice() || delivery.provider() != seed.provider {
                    failures.push(format!("{}: delivery does not match", seed.label()));
                }
                let expected_ts = match seed.provider.as_str() {
                    "linear" => linear_body_timestamp(&seed.body),
                    _ => None,
                };
                if delivery.timestamp() != expected_ts {
                    failures.push(format!(
                        "{}: timestamp {:?}, expected {expected_ts:?}",
                        seed.label(),
                        delivery.timestamp()
                    ));
                }
            }
            (Err(err), false) => match expected_rejection(&seed.id) {
                Some((kind, status)) if err.kind() == kind && err.status() == status => {}
                Some((kind, status)) => failures.push(format!(
                    "{}: expected {kind} ({status}), got {} ({}): {err}",
                    seed.label(),
                    err.kind(),
                    err.status()
                )),
                None => failures.push(format!(
                    "{}: rejected ({err}) but the test names no expected kind for it",
                    seed.label()
                )),
            },
            (result, _) => failures.push(format!(
                "{}: expected {}, got {:?}",
                seed.label(),
                if seed.valid { "valid" } else { "invalid" },
                result.map(|_| ())
            )),
        }
    }
    report("provider vectors", &failures);
    let counts: Vec<_> = counts.into_iter().collect();
    assert_eq!(
        counts,
        [
            (("generic", false), 3),
            (("generic", true), 2),
            (("github", false), 12),
            (("github", true), 5),
            (("linear", false), 10),
            (("linear", true), 2),
        ]
    );
}

/// Vectors the shared collection marks implementation-defined, and the
/// verdict hooksig chose for each (also in the file's `expect`).
#[test]
fn implementation_defined_vectors_follow_hooksigs_decisions() {
    let decided: Vec<(String, bool)> = seeds()
        .iter()
        .filter(|s| s.raw["implementation_defined"] == true)
        .map(|s| (s.id.clone(), s.valid))
        .collect();
    assert_eq!(
        decided,
        [
            ("github-derived-upperhex".to_string(), false),
            ("linear-derived-header-ts-only".to_string(), false),
            ("linear-derived-no-timestamp".to_string(), false),
            ("linear-derived-string-timestamp".to_string(), false),
        ]
    );
}

#[test]
fn rfc4231_cases_1_to_7() {
    let seeds = seeds();
    let cases: Vec<&Seed> = seeds
        .iter()
        .filter(|s| s.provider == "hmac-sha256")
        .collect();
    let ids: Vec<&str> = cases.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "rfc4231-tc1",
            "rfc4231-tc2",
            "rfc4231-tc3",
            "rfc4231-tc4",
            "rfc4231-tc5",
            "rfc4231-tc6",
            "rfc4231-tc7"
        ]
    );
    let mut failures = Vec::new();
    for seed in cases {
        let mac_hex = seed.raw["expected_mac_hex"].as_str().expect("a MAC");
        let bits = seed.raw["truncate_bits"].as_u64().expect("truncate_bits");
        assert_eq!(mac_hex.len() as u64 * 4, bits, "{}", seed.id);
        // The published MAC is (the start of) what hooksig computes...
        let signed = GitHub::new(&seed.secret).unwrap().sign(&seed.body);
        if !signed.starts_with(&format!("sha256={mac_hex}")) {
            failures.push(format!("{}: signed {signed}", seed.label()));
        }
        // ...but only a full 256-bit MAC verifies.
        for result in verify_both(&seed.secret, &seed.body, mac_hex) {
            let ok = match (bits, &result) {
                (256, Ok(())) => seed.valid,
                (128, Err(Error::MalformedHeader { .. })) => !seed.valid,
                _ => false,
            };
            if !ok {
                failures.push(format!("{}: got {result:?}", seed.label()));
            }
        }
        let expected = if seed.valid {
            None
        } else {
            expected_rejection(&seed.id)
        };
        assert_eq!(
            expected.is_some(),
            !seed.valid,
            "{}: only case 5 is invalid",
            seed.id
        );
    }
    report("RFC 4231 cases", &failures);
}

#[test]
fn github_documentation_example() {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    const SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let github = GitHub::new("It's a Secret to Everybody").unwrap();
    assert_eq!(github.sign(b"Hello, World!"), SIG);
    let delivery = github
        .verify_at(
            &[("X-Hub-Signature-256", SIG)],
            b"Hello, World!",
            any_time(),
        )
        .unwrap();
    assert_eq!(delivery.body(), b"Hello, World!");
    assert_eq!(delivery.provider(), "github");
    assert_eq!(
        github
            .verify_at(
                &[("X-Hub-Signature-256", SIG)],
                b"Hello, World?",
                any_time()
            )
            .unwrap_err(),
        Error::SignatureMismatch
    );
    let other = GitHub::new("It's a Secret to Everybody!").unwrap();
    assert_eq!(
        other
            .verify_at(
                &[("X-Hub-Signature-256", SIG)],
                b"Hello, World!",
                any_time()
            )
            .unwrap_err(),
        Error::SignatureMismatch
    );
}
