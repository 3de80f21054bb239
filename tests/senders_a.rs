//! The recorded vectors of eighteen senders, run through hooksig's public
//! API: Meta, Jira, Bitbucket, Intercom, Razorpay, Paystack, Lemon Squeezy,
//! Vercel, Typeform, Dropbox, Sentry, Notion, Calendly, WorkOS, Mux,
//! Paddle, Square and Zendesk.
//!
//! - Every vector of `tests/data/providers/<sender>.json` (made by the
//!   generator the file names, with the official SDK where one installs)
//!   and the senders' published vectors in `published.json`.
//! - A valid vector must verify, and must be rejected again with its first
//!   body byte flipped. An invalid one must be rejected with the class
//!   decided here, per vector name ([`rejection`]), never read back from
//!   the implementation.
//! - Where the files mark a vector `implementation_defined` and hooksig
//!   decides otherwise than the file records, [`DECISIONS`] says so and
//!   why.
//! - The representative vector of each sender carries the id and event
//!   that [`METADATA`] says, read as the sender puts them.
//! - Handshakes: Meta's and Dropbox's GET challenges through
//!   [`Provider::challenge`], and Notion's unsigned verification POST
//!   through [`notion::verification_token`].
//! - Square runs each vector twice: with the URL configured
//!   ([`Square::notification_url`](hooksig::square::Square::notification_url))
//!   and as the request's public URL ([`Incoming::url`]).
//!
//! Every failing vector is collected and printed with its file, name and
//! source, and the number of vectors run is asserted, so a loop that reads
//! nothing fails.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::{
    bitbucket::Bitbucket, calendly::Calendly, dropbox::Dropbox, intercom::Intercom, jira::Jira,
    lemonsqueezy::LemonSqueezy, meta::Meta, mux::Mux, notion, notion::Notion, paddle::Paddle,
    paystack::Paystack, razorpay::Razorpay, sentry::Sentry, square::Square, typeform::Typeform,
    vercel::Vercel, workos::WorkOS, zendesk::Zendesk, Error, Incoming, Provider,
};
use serde_json::Value;

/// The senders, by the name of their vector file.
const SENDERS: [&str; 18] = [
    "meta",
    "jira",
    "bitbucket",
    "intercom",
    "razorpay",
    "paystack",
    "lemonsqueezy",
    "vercel",
    "typeform",
    "dropbox",
    "sentry",
    "notion",
    "calendly",
    "workos",
    "mux",
    "paddle",
    "square",
    "zendesk",
];

/// The vectors in the senders' files (see tests/data/providers/README.md)
/// plus their published vectors (Square 3, Razorpay 1, Dropbox 1).
const EXPECTED_VECTORS: usize = 124 + 5;

/// hooksig's decisions where a file records an implementation-defined
/// outcome hooksig does not follow: (file, vector, hooksig accepts, why).
const DECISIONS: &[(&str, &str, bool, &str)] = &[
    ("meta", "uppercase-hex", false, LOWERCASE),
    ("jira", "uppercase-hex", false, LOWERCASE),
    ("bitbucket", "uppercase-hex", false, LOWERCASE),
    ("intercom", "uppercase-hex", false, LOWERCASE),
    ("paystack", "uppercase-hex", false, LOWERCASE),
    ("lemonsqueezy", "uppercase-hex", false, LOWERCASE),
    ("vercel", "uppercase-hex", false, LOWERCASE),
    ("dropbox", "uppercase-hex", false, LOWERCASE),
    ("sentry", "uppercase-hex", false, LOWERCASE),
    ("notion", "uppercase-hex", false, LOWERCASE),
    (
        "workos",
        "no-space-separator",
        true,
        "elements are trimmed, so the space is optional, as @workos-inc/node 8.13.0 reads it \
         (workos 10.8.0 for Python requires it)",
    ),
    (
        "mux",
        "future-1h-sdk-accepts",
        false,
        "hooksig bounds the future as well as the past; @mux/mux-node bounds only the age",
    ),
    (
        "paddle",
        "unknown-key",
        true,
        "unknown keys are ignored, as @paddle/paddle-node-sdk 3.10.0 ignores them, so a key \
         Paddle adds later does not break verification (paddle-python-sdk refuses them)",
    ),
];

/// The id and event each sender's representative vector must carry
/// ([`Delivery::id`](hooksig::Delivery::id) and
/// [`Delivery::event`](hooksig::Delivery::event)), read from its headers
/// or its signed body as the sender puts them, so that deduplication keys
/// on what the sender keeps across retries.
const METADATA: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("meta", "basic", None, Some("page")),
    (
        "jira",
        "basic",
        Some("1234567890"),
        Some("jira:issue_created"),
    ),
    (
        "bitbucket",
        "basic",
        Some("3c8c0a9e-0000-4000-8000-000000000001"),
        Some("repo:push"),
    ),
    ("intercom", "basic", Some("notif_1"), Some("ping")),
    (
        "razorpay",
        "basic",
        Some("EvtIdFixed0001"),
        Some("payment.captured"),
    ),
    ("paystack", "basic", None, Some("charge.success")),
    ("lemonsqueezy", "basic", None, Some("order_created")),
    (
        "vercel",
        "basic",
        Some("evt_1"),
        Some("deployment.succeeded"),
    ),
    (
        "typeform",
        "basic",
        Some("01HV0000000000000000000000"),
        Some("form_response"),
    ),
    ("dropbox", "basic", None, None),
    (
        "sentry",
        "basic",
        Some("c1d2e3f4-0000-4000-8000-000000000003"),
        Some("issue"),
    ),
    (
        "notion",
        "basic",
        Some("367cba44-b6f3-4c92-81e7-6a2e9659efd4"),
        Some("page.created"),
    ),
    ("calendly", "basic", None, Some("invitee.created")),
    (
        "workos",
        "basic",
        Some("event_01HV0000000000000000000000"),
        Some("user.created"),
    ),
    (
        "mux",
        "basic",
        Some("3a56ac3d-33da-4366-855b-f592d898409d"),
        Some("video.asset.ready"),
    ),
    (
        "paddle",
        "basic",
        Some("evt_01hv8x2acma2gz7he3k4mjx0ze"),
        Some("transaction.completed"),
    ),
    (
        "square",
        "published-1",
        Some("ac3ac95b-f97d-458c-a6e6-18981597e05f"),
        Some("webhooks.test_notification"),
    ),
    (
        "zendesk",
        "basic-published-test-secret",
        Some("123456789"),
        Some("zen:event-type:ticket.created"),
    ),
];

const LOWERCASE: &str = "the sender sends lowercase hex; hooksig accepts only that form, as for \
                         GitHub, Stripe and Slack (the file records either case)";

const MISMATCH: &str = "signature_mismatch";
const MALFORMED_HEADER: &str = "malformed_header";
const MALFORMED_BODY: &str = "malformed_body";
const TOO_OLD: &str = "timestamp_too_old";
const FUTURE: &str = "timestamp_in_future";

/// The class of rejection each invalid vector must get, by its name in the
/// files (the names mean the same in every file).
fn rejection(sender: &str, name: &str) -> Option<&'static str> {
    Some(match (sender, name) {
        (
            _,
            "tampered-body"
            | "wrong-secret"
            | "wrong-key"
            | "two-v1-neither"
            | "two-h1-neither"
            | "whitespace-reserialised"
            | "signature-over-dot-separator"
            | "wrong-url-trailing-slash"
            | "wrong-url-port"
            | "secret-base64-decoded-is-wrong"
            | "timestamp-changed",
        ) => MISMATCH,
        (
            _,
            "wrong-encoding"
            | "missing-prefix"
            | "uppercase-hex"
            | "signature-not-base64-hex"
            | "space-after-comma-sdk-rejects",
        ) => MALFORMED_HEADER,
        (_, "stale-181s" | "stale-301s" | "stale-6s" | "seconds-timestamp-signed") => TOO_OLD,
        (_, "future-181s" | "future-6s" | "future-1h-sdk-accepts") => FUTURE,
        // Square's Python helper refuses an empty body; so does hooksig.
        ("square", "empty-body") => MALFORMED_BODY,
        // The file says 403; hooksig's refused challenge is a 401
        // (`Error::SignatureMismatch`), as every failed proof of a secret.
        ("meta", "handshake-wrong-verify-token") => MISMATCH,
        _ => return None,
    })
}

fn data(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/providers")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{name} is not JSON: {err}"))
}

/// The clock of the files (2026-01-01T00:00:00Z), for vectors without one.
const NOW: u64 = 1_767_225_600;

fn text<'a>(vector: &'a Value, key: &str) -> Option<&'a str> {
    vector.get(key).and_then(Value::as_str)
}

/// How a Square vector's URL is given to the verifier.
#[derive(Debug, Clone, Copy, PartialEq)]
enum SquareUrl {
    Configured,
    Request,
}

/// The verifier a vector is run with.
fn provider(sender: &str, vector: &Value, square: SquareUrl) -> Result<Box<dyn Provider>, Error> {
    let secret = text(vector, "secret").unwrap_or("unused");
    Ok(match sender {
        "meta" => {
            Box::new(Meta::new(secret)?.verify_token(text(vector, "verify_token").unwrap_or("")))
        }
        "jira" => Box::new(Jira::new(secret)?),
        "bitbucket" => Box::new(Bitbucket::new(secret)?),
        "intercom" => Box::new(Intercom::new(secret)?),
        "razorpay" => Box::new(Razorpay::new(secret)?),
        "paystack" => Box::new(Paystack::new(secret)?),
        "lemonsqueezy" => Box::new(LemonSqueezy::new(secret)?),
        "vercel" => Box::new(Vercel::new(secret)?),
        "typeform" => Box::new(Typeform::new(secret)?),
        "dropbox" => Box::new(Dropbox::new(secret)?),
        "sentry" => Box::new(Sentry::new(secret)?),
        "notion" => Box::new(Notion::new(secret)?),
        "calendly" => Box::new(Calendly::new(secret)?),
        "workos" => Box::new(WorkOS::new(secret)?),
        "mux" => Box::new(Mux::new(secret)?),
        "paddle" => Box::new(Paddle::new(secret)?),
        "square" => {
            let verifier = Square::new(secret)?;
            match (square, text(vector, "url")) {
                (SquareUrl::Configured, Some(url)) => Box::new(verifier.notification_url(url)?),
                _ => Box::new(verifier),
            }
        }
        "zendesk" => Box::new(Zendesk::new(secret)?),
        other => panic!("no verifier for {other}"),
    })
}

/// What running one vector gave: the delivery's verdict, or a handshake's.
#[derive(Debug)]
enum Outcome {
    /// Verified, with the delivery's id and event.
    Verified(Option<String>, Option<String>),
    Rejected(Error),
    /// A handshake that was answered as the file expects.
    Answered,
    /// A handshake that was refused.
    Refused(Error),
}

fn run(sender: &str, vector: &Value, square: SquareUrl, flip: bool) -> Result<Outcome, String> {
    let method = text(vector, "method").unwrap_or("POST");
    let url = text(vector, "url");
    let mut body = text(vector, "body").unwrap_or_default().as_bytes().to_vec();
    if flip {
        body[0] ^= 1;
    }
    let headers: Vec<(String, String)> = vector
        .get("headers")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let now = UNIX_EPOCH + Duration::from_secs(vector["now_unix"].as_u64().unwrap_or(NOW));

    // Notion's one-time verification POST: surfaced, never verified.
    if let Some(expected) = text(vector, "surfaced_verification_token") {
        let surfaced = notion::verification_token(&headers, &body);
        if surfaced != Some(expected) {
            return Err(format!("surfaced {surfaced:?}, expected {expected:?}"));
        }
        let refused = Notion::new(expected)
            .map_err(|e| e.to_string())?
            .verify(&headers, &body);
        return match refused {
            Err(Error::MissingHeader(_)) => Ok(Outcome::Answered),
            other => Err(format!("the unsigned POST was not refused: {other:?}")),
        };
    }

    let verifier = provider(sender, vector, square).map_err(|e| format!("provider: {e}"))?;
    let mut incoming = Incoming::new(&headers, &body).method(method);
    if let Some(url) = url {
        incoming = incoming.url(url);
    }

    if method == "GET" {
        let expected = &vector["expected_response"];
        return match verifier.challenge(&incoming) {
            None => Err("the GET challenge was not answered".into()),
            Some(Err(err)) => Ok(Outcome::Refused(err)),
            Some(Ok(reply)) => {
                let status = expected["status"].as_u64();
                if status != Some(u64::from(reply.status().as_u16())) {
                    return Err(format!("status {}, expected {status:?}", reply.status()));
                }
                if text(expected, "body").map(str::as_bytes) != Some(reply.body()) {
                    return Err(format!("body {:?}", String::from_utf8_lossy(reply.body())));
                }
                let response = reply.into_response();
                for (name, value) in expected
                    .get("headers")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if response.headers().get(name.as_str()).map(|v| v.as_bytes())
                        != value.as_str().map(str::as_bytes)
                    {
                        return Err(format!("reply header {name} is not {value}"));
                    }
                }
                Ok(Outcome::Answered)
            }
        };
    }

    Ok(match verifier.verify_incoming(&incoming, now) {
        Ok(delivery) => Outcome::Verified(
            delivery.id().map(str::to_owned),
            delivery.event().map(str::to_owned),
        ),
        Err(err) => Outcome::Rejected(err),
    })
}

/// Checks one vector; `Err` describes the failure.
fn check(sender: &str, vector: &Value, square: SquareUrl) -> Result<(), String> {
    let name = text(vector, "name").unwrap_or("?");
    let decision = DECISIONS
        .iter()
        .find(|(file, vector, _, _)| *file == sender && *vector == name);
    let valid = match decision {
        Some((_, _, accepts, _)) => *accepts,
        None => vector["valid"].as_bool().ok_or("no `valid`")?,
    };
    let outcome = run(sender, vector, square, false)?;
    match (valid, outcome) {
        (true, Outcome::Verified(id, event)) => {
            let expected = METADATA
                .iter()
                .find(|(file, vector, _, _)| *file == sender && *vector == name);
            if let Some((_, _, want_id, want_event)) = expected {
                let got = (id.as_deref(), event.as_deref());
                if got != (*want_id, *want_event) {
                    return Err(format!(
                        "id and event {got:?}, expected {:?}",
                        (want_id, want_event)
                    ));
                }
            }
        }
        (true, Outcome::Answered) => {}
        (true, other) => return Err(format!("expected to verify, got {other:?}")),
        (false, Outcome::Rejected(err) | Outcome::Refused(err)) => {
            let expected = rejection(sender, name)
                .ok_or("an invalid vector without a decided rejection class")?;
            if err.kind() != expected {
                return Err(format!(
                    "rejected as {} ({err}), expected {expected}",
                    err.kind()
                ));
            }
        }
        (false, other) => return Err(format!("expected a rejection, got {other:?}")),
    }
    // Every accepted delivery is refused with its first body byte flipped.
    let signed = valid
        && text(vector, "method") != Some("GET")
        && vector.get("surfaced_verification_token").is_none();
    if signed && !text(vector, "body").unwrap_or_default().is_empty() {
        match run(sender, vector, square, true)? {
            Outcome::Rejected(_) => {}
            other => return Err(format!("flipped body: expected a rejection, got {other:?}")),
        }
    }
    Ok(())
}

#[test]
fn every_recorded_and_published_vector() {
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut files: Vec<(String, Value)> = SENDERS
        .iter()
        .map(|sender| (sender.to_string(), data(&format!("{sender}.json"))))
        .collect();
    // The published vectors, as one file per sender.
    let published = data("published.json");
    for sender in SENDERS {
        let vectors: Vec<Value> = published["vectors"]
            .as_array()
            .expect("published vectors")
            .iter()
            .filter(|v| text(v, "sender") == Some(sender) && v.get("headers").is_some())
            .cloned()
            .collect();
        if !vectors.is_empty() {
            let file = serde_json::json!({ "source": "published.json", "vectors": vectors });
            files.push((sender.to_string(), file));
        }
    }
    for (sender, file) in &files {
        let file_source = text(file, "source").unwrap_or("?");
        for vector in file["vectors"].as_array().expect("a vector list") {
            ran += 1;
            let modes: &[SquareUrl] = if sender == "square" {
                &[SquareUrl::Configured, SquareUrl::Request]
            } else {
                &[SquareUrl::Configured]
            };
            for &mode in modes {
                if let Err(problem) = check(sender, vector, mode) {
                    let source = text(vector, "source").unwrap_or(file_source);
                    failures.push(format!(
                        "{sender}.json {:?} ({mode:?}) [{source}]: {problem}",
                        text(vector, "name").unwrap_or("?")
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(ran, EXPECTED_VECTORS, "vectors run");
    for (sender, vector, _, _) in METADATA {
        let file = data(&format!("{sender}.json"));
        assert!(
            file["vectors"]
                .as_array()
                .is_some_and(|all| all.iter().any(|v| text(v, "name") == Some(vector))),
            "METADATA names {sender}/{vector}, which is not in the file"
        );
    }
}

#[test]
fn every_decision_names_a_vector_marked_implementation_defined() {
    for (sender, name, accepts, why) in DECISIONS {
        let file = data(&format!("{sender}.json"));
        let vector = file["vectors"]
            .as_array()
            .and_then(|all| all.iter().find(|v| text(v, "name") == Some(name)))
            .unwrap_or_else(|| panic!("{sender}.json has no vector {name:?}"));
        assert_ne!(
            vector["valid"].as_bool(),
            Some(*accepts),
            "{sender}/{name}: the decision agrees with the file, drop it"
        );
        let marked = vector["implementation_defined"].as_bool() == Some(true)
            || text(vector, "note")
                .is_some_and(|note| note.contains("mplementation-defined") || note.contains("SDK"));
        assert!(
            marked,
            "{sender}/{name} is not implementation-defined ({why})"
        );
    }
}

#[test]
fn the_clock_is_only_read_by_the_timestamped_senders() {
    // A stand-in for SystemTime in the vectors: the timestamped senders
    // reject a delivery far from its signed time, the others never look.
    let far = SystemTime::UNIX_EPOCH + Duration::from_secs(NOW * 2);
    let body = br#"{"id":"x"}"#;
    let calendly = Calendly::new("k").unwrap();
    let header = calendly.sign(NOW, body);
    assert_eq!(
        calendly
            .verify_at(
                &[("Calendly-Webhook-Signature", header.as_str())],
                body,
                far
            )
            .unwrap_err(),
        Error::TimestampTooOld
    );
    let jira = Jira::new("k").unwrap();
    let header = jira.sign(body);
    assert!(jira
        .verify_at(&[("X-Hub-Signature", header.as_str())], body, far)
        .is_ok());
    for (reads, provider) in [
        (false, &Jira::new("k").unwrap() as &dyn Provider),
        (false, &Square::new("k").unwrap()),
        (true, &Calendly::new("k").unwrap()),
        (true, &WorkOS::new("k").unwrap()),
        (true, &Mux::new("k").unwrap()),
        (true, &Paddle::new("k").unwrap()),
        (true, &Zendesk::new("k").unwrap()),
    ] {
        assert_eq!(provider.reads_clock(), reads, "{provider:?}");
    }
}
