//! The fuzz targets' logic. **Internal and unstable**: compiled only with the
//! `fuzzing` feature, not part of hooksig's API, and free to change in any
//! release.
//!
//! Each `pub fn` here is one fuzz target: it decodes its input, runs one
//! attack surface, and `assert!`s the invariants, so a violated invariant is
//! a panic the fuzzer reports. `fuzz/fuzz_targets/<name>.rs` calls it, and
//! `tests/fuzz_corpus.rs` replays the committed corpus through it on stable
//! Rust.
//!
//! The oracles are independent of the code under test: the expected
//! signature is recomputed with `hmac` directly, header lookup is redone
//! over the raw `(name, value)` pairs, the decoders are compared with the
//! `hex` and `base64` crates, and JSON field extraction with `serde_json`.
//! Verification must accept exactly when the header carries what a sender
//! holding one of the secrets writes, and must name the right cause when it
//! rejects.
//!
//! Inputs of the structured targets are read with [`arbitrary::Unstructured`]
//! in a fixed byte layout (see [`seeds`]), so the seed corpus can be written
//! deliberately.
//!
//! Every provider has a verify target (`github_verify` … `shopify_verify`);
//! the multi-signature list parsers of Stripe and Standard Webhooks have
//! their own targets on raw header values (`stripe_header`,
//! `standard_webhooks_header`), checked against grammars written here from
//! the providers' documentation; `roundtrip` signs and verifies with all
//! eight. A new target is a `pub fn` here, its name in [`TARGETS`] and
//! [`run`], a `[[bin]]` in `fuzz/Cargo.toml`, a one-line file in
//! `fuzz/fuzz_targets/` and a seed set in [`seeds`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arbitrary::Unstructured;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use sha2::Sha256;

use crate::encoding::{self, HexCase};
use crate::error::HeaderName;
use crate::generic::{Encoding, Generic};
use crate::github::{self, GitHub};
use crate::json::{self, Kind, Problem, Value};
use crate::linear::{self, Linear};
use crate::notify::{self, Notify};
use crate::shopify::{self, Shopify};
use crate::slack::{self, Slack};
use crate::standard::{self, StandardWebhooks};
use crate::stripe::{self, Stripe};
use crate::{time, Delivery, Error, Headers, Outgoing, Provider};

/// What a target did with an input, so the corpus replay can check that the
/// seeds reach the accepting path as well as the rejecting ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Verification (or decoding) succeeded.
    Accepted,
    /// The input was rejected, as the oracle predicted.
    Rejected,
}

/// The names of every target, in the order `fuzz/Cargo.toml` lists them.
pub const TARGETS: [&str; 14] = [
    "github_verify",
    "linear_verify",
    "notify_verify",
    "generic_verify",
    "hex_decode",
    "base64_decode",
    "linear_timestamp",
    "roundtrip",
    "standard_verify",
    "stripe_verify",
    "slack_verify",
    "shopify_verify",
    "stripe_header",
    "standard_webhooks_header",
];

/// Runs the target called `name` on `data`; `None` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> Option<Outcome> {
    Some(match name {
        "github_verify" => github_verify(data),
        "linear_verify" => linear_verify(data),
        "notify_verify" => notify_verify(data),
        "generic_verify" => generic_verify(data),
        "hex_decode" => hex_decode(data),
        "base64_decode" => base64_decode(data),
        "linear_timestamp" => linear_timestamp(data),
        "roundtrip" => roundtrip(data),
        "standard_verify" => standard_verify(data),
        "stripe_verify" => stripe_verify(data),
        "slack_verify" => slack_verify(data),
        "shopify_verify" => shopify_verify(data),
        "stripe_header" => stripe_header(data),
        "standard_webhooks_header" => standard_webhooks_header(data),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Input layout
// ---------------------------------------------------------------------------

/// Reads the fixed layout: bytes are taken from the front; a missing byte
/// reads as zero; a chunk is a big-endian `u16` length and that many bytes
/// (fewer if the input ends).
struct Input<'a>(Unstructured<'a>);

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Self {
        Input(Unstructured::new(data))
    }

    fn byte(&mut self) -> u8 {
        self.0.arbitrary().unwrap_or(0)
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(std::array::from_fn(|_| self.byte()))
    }

    fn u64(&mut self) -> u64 {
        u64::from_be_bytes(std::array::from_fn(|_| self.byte()))
    }

    fn chunk(&mut self) -> &'a [u8] {
        let len = usize::from(self.u16()).min(self.0.len());
        self.0.bytes(len).unwrap_or_default()
    }

    fn rest(self) -> &'a [u8] {
        self.0.take_rest()
    }
}

/// Writes what [`Input`] reads, for the seed corpus.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn byte(mut self, byte: u8) -> Self {
        self.0.push(byte);
        self
    }

    fn u16(mut self, value: u16) -> Self {
        self.0.extend_from_slice(&value.to_be_bytes());
        self
    }

    fn u32(mut self, value: u32) -> Self {
        self.0.extend_from_slice(&value.to_be_bytes());
        self
    }

    fn u64(mut self, value: u64) -> Self {
        self.0.extend_from_slice(&value.to_be_bytes());
        self
    }

    fn chunk(mut self, bytes: impl AsRef<[u8]>) -> Self {
        let bytes = bytes.as_ref();
        let len = u16::try_from(bytes.len()).expect("seed chunks are short");
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(bytes);
        self
    }

    fn rest(mut self, bytes: impl AsRef<[u8]>) -> Vec<u8> {
        self.0.extend_from_slice(bytes.as_ref());
        self.0
    }
}

// ---------------------------------------------------------------------------
// Reference implementations (the oracles)
// ---------------------------------------------------------------------------

fn reference_mac(secret: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

fn reference_hex(secret: &[u8], body: &[u8]) -> String {
    hex::encode(reference_mac(secret, body))
}

fn reference_base64(secret: &[u8], body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(reference_mac(secret, body))
}

fn is_hex(bytes: &[u8], uppercase_too: bool) -> bool {
    bytes.len() == 64
        && bytes.iter().all(|b| match b {
            b'0'..=b'9' | b'a'..=b'f' => true,
            b'A'..=b'F' => uppercase_too,
            _ => false,
        })
}

/// RFC 9110 optional whitespace around a field value.
fn trim_ows(value: &[u8]) -> &[u8] {
    let start = value
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &value[start..end]
}

/// How often `name` occurs among the pairs, and its (trimmed) value if once.
enum Found<'h> {
    Missing,
    One(&'h [u8]),
    Repeated,
}

fn find<'h>(pairs: &'h [(String, Vec<u8>)], name: &str) -> Found<'h> {
    let mut matching = pairs.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    match (matching.next(), matching.next()) {
        (None, _) => Found::Missing,
        (Some((_, value)), None) => Found::One(trim_ows(value)),
        (Some(_), Some(_)) => Found::Repeated,
    }
}

/// What a metadata header should read as: once, non-empty, UTF-8.
fn reference_text<'h>(pairs: &'h [(String, Vec<u8>)], name: &str) -> Option<&'h str> {
    match find(pairs, name) {
        Found::One(value) if !value.is_empty() => std::str::from_utf8(value).ok(),
        _ => None,
    }
}

/// The expected result of checking the signature header: `accepts` says
/// whether a (trimmed) value is what a sender with one of the secrets
/// writes, `well_formed` whether it has the scheme's form at all.
fn expect_signature(
    found: Found<'_>,
    accepts: impl Fn(&[u8]) -> bool,
    well_formed: impl Fn(&[u8]) -> bool,
) -> Result<(), &'static str> {
    match found {
        Found::Missing => Err("missing_header"),
        Found::Repeated => Err("repeated_header"),
        Found::One(value) if accepts(value) => Ok(()),
        Found::One(value) if well_formed(value) => Err("signature_mismatch"),
        Found::One(_) => Err("malformed_header"),
    }
}

/// Asserts that `result` is what the oracle expected (by error kind).
fn check<'d>(
    result: &Result<Delivery<'d>, Error>,
    expected: Result<(), &'static str>,
) -> Option<Delivery<'d>> {
    match (result, expected) {
        (Ok(delivery), Ok(())) => Some(*delivery),
        (Err(err), Err(kind)) if err.kind() == kind => {
            // A request is never blamed on the configuration, and only the
            // one opaque variant reports a failed MAC comparison.
            assert_ne!(err.status(), 500, "{err}");
            None
        }
        _ => panic!("expected {expected:?}, verification gave {result:?}"),
    }
}

fn outcome(delivery: Option<Delivery<'_>>) -> Outcome {
    match delivery {
        Some(_) => Outcome::Accepted,
        None => Outcome::Rejected,
    }
}

/// `millis` after the UNIX epoch plus `nanos` (< 1 ms), when representable.
fn clock(millis: i128, nanos: u32) -> Option<SystemTime> {
    let whole = Duration::from_millis(u64::try_from(millis.unsigned_abs()).ok()?);
    let at = if millis >= 0 {
        UNIX_EPOCH.checked_add(whole)?
    } else {
        UNIX_EPOCH.checked_sub(whole)?
    };
    at.checked_add(Duration::from_nanos(u64::from(nanos % 1_000_000)))
}

/// Whether a millisecond timestamp lies within `tolerance` of `now`.
fn reference_window(timestamp: i128, now: i128, tolerance: Duration) -> Result<(), &'static str> {
    let tolerance = i128::try_from(tolerance.as_millis()).expect("fits");
    if now - timestamp > tolerance {
        Err("timestamp_too_old")
    } else if timestamp - now > tolerance {
        Err("timestamp_in_future")
    } else {
        Ok(())
    }
}

/// The top-level members of a JSON object in document order, repeats kept.
struct Entries(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// What serde_json makes of a body.
enum Parsed {
    /// serde_json refuses it for a reason hooksig's scanner does not share
    /// (its recursion limit of 128, lone surrogates, numbers beyond `f64`,
    /// invalid UTF-8 it reports as a code point): no verdict.
    Unknown,
    NotJson,
    NotObject,
    Object(Vec<(String, serde_json::Value)>),
}

fn parse(body: &[u8]) -> Parsed {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(err) => {
            let text = err.to_string();
            let theirs_only = [
                "recursion limit",
                // Lone surrogates: "lone leading surrogate in hex escape",
                // and "unexpected end of hex escape" when no low half follows.
                "hex escape",
                "number out of range",
                "invalid unicode code point",
            ];
            if theirs_only.iter().any(|reason| text.contains(reason)) {
                Parsed::Unknown
            } else {
                Parsed::NotJson
            }
        }
        Ok(serde_json::Value::Object(_)) => {
            let entries = serde_json::from_slice::<Entries>(body).expect("an object");
            Parsed::Object(entries.0)
        }
        Ok(_) => Parsed::NotObject,
    }
}

/// The members named `name`.
fn members<'e>(
    entries: &'e [(String, serde_json::Value)],
    name: &'e str,
) -> impl Iterator<Item = &'e serde_json::Value> {
    entries
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Checks `got`, what [`Delivery::id`] or [`Delivery::event`] read from the
/// member `key` of a signed JSON body (Stripe, Slack), against serde_json:
/// the member's text when the body is an object with exactly one member
/// `key`, a non-empty string; `None` otherwise. hooksig's scanner cannot
/// borrow a string with escape sequences, so where the body has a
/// backslash it may say `None` instead; where serde_json refuses the body
/// for reasons of its own there is no verdict.
fn check_body_field(got: Option<&str>, body: &[u8], key: &str) {
    let expected = match parse(body) {
        Parsed::Unknown => return,
        Parsed::NotJson | Parsed::NotObject => None,
        Parsed::Object(entries) => {
            let mut found = members(&entries, key);
            match (found.next(), found.next()) {
                (Some(serde_json::Value::String(text)), None) if !text.is_empty() => {
                    Some(text.clone())
                }
                _ => None,
            }
        }
    };
    if got.is_none() && expected.is_some() && body.contains(&b'\\') {
        return;
    }
    assert_eq!(got, expected.as_deref(), "body member {key:?}");
}

// ---------------------------------------------------------------------------
// The verify targets
// ---------------------------------------------------------------------------

/// Header names the verify targets choose from (plus provider-specific ones).
const NAMES: [&str; 10] = [
    github::SIGNATURE_HEADER,
    github::EVENT_HEADER,
    github::DELIVERY_HEADER,
    linear::SIGNATURE_HEADER,
    linear::TIMESTAMP_HEADER,
    linear::EVENT_HEADER,
    linear::DELIVERY_HEADER,
    notify::SIGNATURE_HEADER,
    "x-signature-256",
    "content-type",
];

/// Bits of the first byte of a verify target's input.
const AS_HEADER_MAP: u8 = 1;
const WITH_PREVIOUS: u8 = 2;

/// A decoded verify-target input:
///
/// ```text
/// flags      u8     bit 0: pass an http::HeaderMap, not (name, value) pairs
///                   bit 1: also accept a previous secret
/// current    chunk  the secret
/// previous   chunk  the previous secret (used if bit 1)
/// config     chunk  provider settings (tolerance, Generic's header names...)
/// now        u64    as i64 milliseconds since the epoch, then
///            u32    sub-millisecond nanoseconds (mod 1e6)
/// headers    u8     count (mod 9), then per header:
///   name     u8     index into the names (one past the end: a literal chunk)
///   case     u8     bit i flips the ASCII case of name byte i (mod 8)
///   mode     u8     0: literal value chunk
///                   1: the right signature, then an edit (u8 op, u16 pos, u8 arg)
///                   2: the previous secret's signature, then an edit
///                   3: the right signature as is
/// body       rest
/// ```
struct Case<'a> {
    current: &'a [u8],
    previous: Option<&'a [u8]>,
    config: Input<'a>,
    now_millis: i128,
    now: SystemTime,
    pairs: Vec<(String, Vec<u8>)>,
    map: Option<http::HeaderMap>,
    body: &'a [u8],
}

impl<'a> Case<'a> {
    /// Decodes an input; `signature(secret, body)` is the header value a
    /// sender holding `secret` writes, `names` the headers the scheme reads.
    fn decode(data: &'a [u8], names: &[&str], signature: impl Fn(&[u8], &[u8]) -> Vec<u8>) -> Self {
        Self::decode_with(data, names, signature, Vec::new())
    }

    /// [`Case::decode`], with `extra` headers appended after the decoded
    /// ones (the id and timestamp a target's configuration says a sender
    /// attached).
    fn decode_with(
        data: &'a [u8],
        names: &[&str],
        signature: impl Fn(&[u8], &[u8]) -> Vec<u8>,
        extra: Vec<(String, Vec<u8>)>,
    ) -> Self {
        let mut input = Input::new(data);
        let flags = input.byte();
        let current = input.chunk();
        let previous = Some(input.chunk()).filter(|_| flags & WITH_PREVIOUS != 0);
        let config = Input::new(input.chunk());
        let millis = i128::from(input.u64() as i64);
        // Platforms whose SystemTime cannot hold the reading get the epoch.
        let (now_millis, now) = match clock(millis, input.u32()) {
            Some(now) => (millis, now),
            None => (0, UNIX_EPOCH),
        };
        let count = input.byte() % 9;
        let mut specs = Vec::new();
        for _ in 0..count {
            let name = match usize::from(input.byte()) % (names.len() + 1) {
                i if i == names.len() => String::from_utf8_lossy(input.chunk()).into_owned(),
                i => names[i].to_owned(),
            };
            let case = input.byte();
            let name: String = name
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if case & (1 << (i % 8)) != 0 && c.is_ascii_alphabetic() {
                        (c as u8 ^ 0x20) as char
                    } else {
                        c
                    }
                })
                .collect();
            let value = match input.byte() % 4 {
                0 => Value_::Literal(input.chunk()),
                mode @ (1 | 2) => Value_::Signature {
                    previous: mode == 2,
                    edit: Some((input.byte(), input.u16(), input.byte())),
                },
                _ => Value_::Signature {
                    previous: false,
                    edit: None,
                },
            };
            specs.push((name, value));
        }
        let body = input.rest();
        let pairs: Vec<(String, Vec<u8>)> = specs
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    Value_::Literal(bytes) => bytes.to_vec(),
                    Value_::Signature {
                        previous: old,
                        edit,
                    } => {
                        let secret = if old {
                            previous.unwrap_or(current)
                        } else {
                            current
                        };
                        let mut value = signature(secret, body);
                        if let Some(edit) = edit {
                            apply_edit(&mut value, edit);
                        }
                        value
                    }
                };
                (name, value)
            })
            .chain(extra)
            .collect();
        let (pairs, map) = if flags & AS_HEADER_MAP != 0 {
            // Keep the pairs a HeaderMap can hold; the oracle reads those.
            let kept: Vec<_> = pairs
                .into_iter()
                .filter(|(name, value)| {
                    http::HeaderName::from_bytes(name.as_bytes()).is_ok()
                        && http::HeaderValue::from_bytes(value).is_ok()
                })
                .collect();
            let mut map = http::HeaderMap::new();
            for (name, value) in &kept {
                map.append(
                    http::HeaderName::from_bytes(name.as_bytes()).expect("checked"),
                    http::HeaderValue::from_bytes(value).expect("checked"),
                );
            }
            (kept, Some(map))
        } else {
            (pairs, None)
        };
        Case {
            current,
            previous,
            config,
            now_millis,
            now,
            pairs,
            map,
            body,
        }
    }

    fn headers(&self) -> &dyn Headers {
        match &self.map {
            Some(map) => map,
            None => &self.pairs,
        }
    }

    fn secrets(&self) -> impl Iterator<Item = &'a [u8]> {
        std::iter::once(self.current).chain(self.previous)
    }

    /// Builds the provider, checking that only an empty secret fails.
    fn provider<P: std::fmt::Debug>(
        &self,
        new: impl FnOnce(&[u8]) -> Result<P, Error>,
        with_previous: impl FnOnce(P, &[u8]) -> Result<P, Error>,
    ) -> Option<P> {
        let built = new(self.current).and_then(|p| match self.previous {
            Some(previous) => with_previous(p, previous),
            None => Ok(p),
        });
        let empty = self.secrets().any(<[u8]>::is_empty);
        match built {
            Ok(provider) if !empty => Some(provider),
            Err(Error::InvalidConfig(_)) if empty => None,
            other => panic!("building with an empty secret: {empty}, got {other:?}"),
        }
    }
}

// Named with a trailing underscore: `Value` is the JSON scanner's type.
#[allow(non_camel_case_types)]
enum Value_<'a> {
    Literal(&'a [u8]),
    Signature {
        previous: bool,
        edit: Option<(u8, u16, u8)>,
    },
}

/// Edits a right signature into a near miss: flip a byte, cut, insert,
/// surround with whitespace, change case, or append a second signature.
fn apply_edit(value: &mut Vec<u8>, (op, pos, arg): (u8, u16, u8)) {
    let at = usize::from(pos) % (value.len() + 1);
    match op % 8 {
        1 if at < value.len() => value[at] ^= arg.max(1),
        2 => value.truncate(at),
        3 => value.insert(at, arg),
        4 => {
            let ws = |bit: u8| if arg & bit != 0 { b'\t' } else { b' ' };
            value.insert(0, ws(1));
            value.push(ws(2));
        }
        5 => value.make_ascii_uppercase(),
        6 if at < value.len() => value[at] = value[at].to_ascii_uppercase(),
        7 => {
            let copy = value.clone();
            value.push(if arg & 1 == 0 { b',' } else { b' ' });
            value.extend_from_slice(&copy);
        }
        _ => {}
    }
}

/// A tolerance from a config input: `None` (the provider's default) or
/// zero, the maximum, whole milliseconds, or nanoseconds.
fn tolerance(config: &mut Input<'_>) -> Option<Duration> {
    match config.byte() % 5 {
        0 => None,
        1 => Some(Duration::ZERO),
        2 => Some(Duration::MAX),
        3 => Some(Duration::from_millis(u64::from(config.u32()))),
        _ => Some(Duration::from_nanos(config.u64())),
    }
}

fn github_signature(secret: &[u8], body: &[u8]) -> Vec<u8> {
    format!("sha256={}", reference_hex(secret, body)).into_bytes()
}

fn bare_hex_signature(secret: &[u8], body: &[u8]) -> Vec<u8> {
    reference_hex(secret, body).into_bytes()
}

/// `GitHub::verify_at` over arbitrary headers, body and time: accepts
/// exactly `sha256=` and the lowercase hex MAC under one of its secrets,
/// in exactly one `X-Hub-Signature-256`; rejects everything else with the
/// right cause.
pub fn github_verify(data: &[u8]) -> Outcome {
    let case = Case::decode(data, &NAMES, github_signature);
    let Some(github) = case.provider(|s| GitHub::new(s), |p: GitHub, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let expected = expect_signature(
        find(&case.pairs, github::SIGNATURE_HEADER),
        |v| case.secrets().any(|s| v == github_signature(s, case.body)),
        |v| v.strip_prefix(b"sha256=").is_some_and(|h| is_hex(h, false)),
    );
    let result = github.verify_at(case.headers(), case.body, case.now);
    let delivery = check(&result, expected);
    if let Some(delivery) = delivery {
        assert_eq!(delivery.provider(), "github");
        assert_eq!(delivery.body(), case.body);
        let event = reference_text(&case.pairs, github::EVENT_HEADER);
        assert_eq!(delivery.event(), event);
        assert_eq!(
            delivery.id(),
            reference_text(&case.pairs, github::DELIVERY_HEADER)
        );
        assert_eq!(delivery.is_ping(), event == Some("ping"));
        assert_eq!(delivery.timestamp(), None);
    }
    outcome(delivery)
}

/// What Linear's body check must give once the MAC matched, or `None` when
/// serde_json cannot judge the body.
fn expect_linear_body(
    body: &[u8],
    now: i128,
    tolerance: Duration,
) -> Option<Result<i128, &'static str>> {
    match parse(body) {
        Parsed::Unknown => None,
        Parsed::NotJson | Parsed::NotObject => Some(Err("malformed_body")),
        Parsed::Object(entries) => {
            let mut found = members(&entries, linear::TIMESTAMP_FIELD);
            Some(match (found.next(), found.next()) {
                (Some(serde_json::Value::Number(n)), None) if n.is_u64() => {
                    let millis = i128::from(n.as_u64().expect("is_u64"));
                    reference_window(millis, now, tolerance).map(|()| millis)
                }
                _ => Err("malformed_body"),
            })
        }
    }
}

/// `Linear::verify_at` over arbitrary headers, body and time: the MAC is
/// checked as for GitHub (bare lowercase hex in `Linear-Signature`), then
/// the body's one top-level integer `webhookTimestamp` against the window,
/// as serde_json reads the body.
pub fn linear_verify(data: &[u8]) -> Outcome {
    let mut case = Case::decode(data, &NAMES, bare_hex_signature);
    let chosen = tolerance(&mut case.config);
    let Some(linear) = case.provider(|s| Linear::new(s), |p: Linear, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let linear = match chosen {
        Some(tolerance) => linear.tolerance(tolerance),
        None => linear,
    };
    let window = chosen.unwrap_or(linear::DEFAULT_TOLERANCE);
    let mac = expect_signature(
        find(&case.pairs, linear::SIGNATURE_HEADER),
        |v| {
            case.secrets()
                .any(|s| v == bare_hex_signature(s, case.body))
        },
        |v| is_hex(v, false),
    );
    let result = linear.verify_at(case.headers(), case.body, case.now);
    let body = expect_linear_body(case.body, case.now_millis, window);
    let expected = match (mac, body) {
        (Err(kind), _) => Err(kind),
        (Ok(()), Some(body)) => body.map(|_| ()),
        (Ok(()), None) => match &result {
            // serde_json cannot judge; the MAC verdict still must hold.
            Ok(_) => Ok(()),
            Err(err) => {
                assert_ne!(err.kind(), "signature_mismatch", "{err}");
                return Outcome::Rejected;
            }
        },
    };
    let delivery = check(&result, expected);
    if let Some(delivery) = delivery {
        let millis = match body {
            Some(Ok(millis)) => millis,
            _ => {
                // Only reachable when serde_json could not judge the body.
                let [Value::U64(millis)] =
                    json::top_level(case.body, &[(linear::TIMESTAMP_FIELD, Kind::U64)])
                        .expect("accepted bodies hold the timestamp")
                else {
                    panic!("accepted without a timestamp")
                };
                i128::from(millis)
            }
        };
        assert_eq!(
            reference_window(millis, case.now_millis, window),
            Ok(()),
            "accepted outside the window"
        );
        assert_eq!(delivery.timestamp(), clock(millis, 0));
        assert_eq!(
            delivery.id(),
            reference_text(&case.pairs, linear::DELIVERY_HEADER)
        );
        assert_eq!(
            delivery.event(),
            reference_text(&case.pairs, linear::EVENT_HEADER)
        );
    }
    outcome(delivery)
}

/// `Notify::verify_at` over arbitrary headers, body and time: bare
/// lowercase hex in `x-notify-signature`, then top-level string `event` and
/// `event_id` (and `timestamp`, RFC 3339, required with a tolerance).
pub fn notify_verify(data: &[u8]) -> Outcome {
    let mut case = Case::decode(data, &NAMES, bare_hex_signature);
    let chosen = tolerance(&mut case.config);
    let Some(notify) = case.provider(|s| Notify::new(s), |p: Notify, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let notify = match chosen {
        Some(tolerance) => notify.tolerance(tolerance),
        None => notify,
    };
    let mac = expect_signature(
        find(&case.pairs, notify::SIGNATURE_HEADER),
        |v| {
            case.secrets()
                .any(|s| v == bare_hex_signature(s, case.body))
        },
        |v| is_hex(v, false),
    );
    let result = notify.verify_at(case.headers(), case.body, case.now);
    if let Err(kind) = mac {
        check(&result, Err(kind));
        return Outcome::Rejected;
    }
    // The MAC matched: judge the body as serde_json reads it. Strings with
    // escape sequences are refused by hooksig (they cannot be borrowed), so
    // where the body has a backslash an accepting verdict may become
    // `malformed_body`.
    let escapes = case.body.contains(&b'\\');
    let expected = match parse(case.body) {
        Parsed::Unknown => None,
        Parsed::NotJson | Parsed::NotObject => Some(Err("malformed_body")),
        Parsed::Object(entries) => Some(expect_notify_body(&entries, case.now_millis, chosen)),
    };
    match (expected, &result) {
        (None, Ok(_)) => {}
        (None, Err(err)) => assert_ne!(err.kind(), "signature_mismatch", "{err}"),
        (Some(Ok(_) | Err("timestamp_too_old" | "timestamp_in_future")), Err(err))
            if escapes && err.kind() == "malformed_body" => {}
        // Whether an empty `event` or `event_id` is refused is Notify's
        // policy, not a parsing question: either answer is sound.
        (Some(Ok((event, id))), Err(err))
            if (event.is_empty() || id.is_empty()) && err.kind() == "malformed_body" => {}
        (Some(expected), _) => {
            let delivery = check(&result, expected.as_ref().map(|_| ()).map_err(|k| *k));
            if let (Some(delivery), Ok((event, id))) = (delivery, expected) {
                assert_eq!(delivery.event(), Some(event.as_str()));
                assert_eq!(delivery.id(), Some(id.as_str()));
            }
        }
    }
    match result {
        Ok(delivery) => {
            assert_eq!(delivery.provider(), "notify");
            Outcome::Accepted
        }
        Err(_) => Outcome::Rejected,
    }
}

/// Notify's body rules over serde_json's reading: the event and event id.
fn expect_notify_body(
    entries: &[(String, serde_json::Value)],
    now: i128,
    tolerance: Option<Duration>,
) -> Result<(String, String), &'static str> {
    let one = |name| {
        let mut found = members(entries, name);
        match (found.next(), found.next()) {
            (None, _) => Ok(None),
            (Some(serde_json::Value::String(s)), None) => Ok(Some(s.clone())),
            _ => Err("malformed_body"),
        }
    };
    let (event, id, timestamp) = (one("event")?, one("event_id")?, one("timestamp")?);
    let (Some(event), Some(id)) = (event, id) else {
        return Err("malformed_body");
    };
    let millis = match timestamp {
        Some(text) => Some(time::parse_rfc3339_millis(&text).ok_or("malformed_body")?),
        None => None,
    };
    if let Some(tolerance) = tolerance {
        reference_window(millis.ok_or("malformed_body")?, now, tolerance)?;
    }
    Ok((event, id))
}

/// `Generic::verify_at` with an arbitrary configuration (header names,
/// prefix, encoding) over arbitrary headers, body and time: accepts exactly
/// the prefix and the MAC (hex in either case, or canonical base64).
///
/// Config chunk: `u8` signature header (0 default, 1 `X-Webhook-Signature`,
/// 2 literal chunk, 3 `X-Hub-Signature-256`); `u8` prefix (0 `sha256=`,
/// 1 empty, 2 `v1=`, 3 literal chunk); `u8` encoding (bit 0: base64);
/// `u8` id header and `u8` event header (0 none, 1 a fixed name, 2 a
/// literal chunk).
pub fn generic_verify(data: &[u8]) -> Outcome {
    // The configuration decides the signature the headers carry, so read
    // it first from the same layout `Case` reads.
    let config = {
        let mut input = Input::new(data);
        input.byte();
        input.chunk();
        input.chunk();
        GenericConfig::read(&mut Input::new(input.chunk()))
    };
    let mut names: Vec<&str> = NAMES.to_vec();
    names.extend([config.header.as_str(), "x-webhook-id", "x-webhook-event"]);
    let signature = |secret: &[u8], body: &[u8]| {
        let encoded = match config.encoding {
            Encoding::Hex => reference_hex(secret, body),
            _ => reference_base64(secret, body),
        };
        format!("{}{encoded}", config.prefix).into_bytes()
    };
    let case = Case::decode(data, &names, signature);
    let Some(generic) = case.provider(|s| Generic::new(s), |p: Generic, s| p.with_previous(s))
    else {
        return Outcome::Rejected;
    };
    let Some(generic) = config.apply(generic) else {
        return Outcome::Rejected;
    };
    let prefix = config.prefix.as_bytes();
    let expected = expect_signature(
        find(&case.pairs, &config.header),
        |v| {
            v.strip_prefix(prefix).is_some_and(|rest| {
                case.secrets().any(|s| match config.encoding {
                    Encoding::Hex => {
                        rest.eq_ignore_ascii_case(reference_hex(s, case.body).as_bytes())
                    }
                    _ => rest == reference_base64(s, case.body).as_bytes(),
                })
            })
        },
        |v| {
            v.strip_prefix(prefix)
                .is_some_and(|rest| match config.encoding {
                    Encoding::Hex => is_hex(rest, true),
                    _ => {
                        rest.len() == 44
                            && base64::engine::general_purpose::STANDARD
                                .decode(rest)
                                .is_ok_and(|tag| tag.len() == 32)
                    }
                })
        },
    );
    let result = generic.verify_at(case.headers(), case.body, case.now);
    let delivery = check(&result, expected);
    if let Some(delivery) = delivery {
        let read = |name: &Option<String>| {
            name.as_deref()
                .and_then(|name| reference_text(&case.pairs, name))
        };
        assert_eq!(delivery.id(), read(&config.id_header));
        assert_eq!(delivery.event(), read(&config.event_header));
        assert_eq!(delivery.timestamp(), None);
    }
    outcome(delivery)
}

struct GenericConfig {
    header: String,
    header_set: bool,
    prefix: String,
    encoding: Encoding,
    id_header: Option<String>,
    event_header: Option<String>,
}

impl GenericConfig {
    fn read(input: &mut Input<'_>) -> Self {
        let text = |input: &mut Input<'_>| String::from_utf8_lossy(input.chunk()).into_owned();
        let (header, header_set) = match input.byte() % 4 {
            0 => ("x-signature-256".to_owned(), false),
            1 => ("X-Webhook-Signature".to_owned(), true),
            2 => (text(input), true),
            _ => ("X-Hub-Signature-256".to_owned(), true),
        };
        let prefix = match input.byte() % 4 {
            0 => "sha256=".to_owned(),
            1 => String::new(),
            2 => "v1=".to_owned(),
            _ => text(input),
        };
        let encoding = if input.byte() & 1 == 0 {
            Encoding::Hex
        } else {
            Encoding::Base64
        };
        let optional = |input: &mut Input<'_>, fixed: &str| match input.byte() % 3 {
            0 => None,
            1 => Some(fixed.to_owned()),
            _ => Some(text(input)),
        };
        let id_header = optional(input, "X-Webhook-Id");
        let event_header = optional(input, "X-Webhook-Event");
        GenericConfig {
            header,
            header_set,
            prefix,
            encoding,
            id_header,
            event_header,
        }
    }

    /// Applies the configuration, checking that exactly the invalid names
    /// and prefixes are refused.
    fn apply(&self, mut generic: Generic) -> Option<Generic> {
        let valid_name = |name: &str| http::HeaderName::from_bytes(name.as_bytes()).is_ok();
        let expect = |result: Result<Generic, Error>, valid: bool| match result {
            Ok(generic) if valid => Some(generic),
            Err(Error::InvalidConfig(_)) if !valid => None,
            other => panic!("valid: {valid}, got {other:?}"),
        };
        if self.header_set {
            generic = expect(
                generic.signature_header(&self.header),
                valid_name(&self.header),
            )?;
        }
        let visible = self.prefix.bytes().all(|b| b.is_ascii_graphic());
        generic = expect(generic.prefix(&self.prefix), visible)?;
        generic = generic.encoding(self.encoding);
        if let Some(name) = &self.id_header {
            generic = expect(generic.id_header(name), valid_name(name))?;
        }
        if let Some(name) = &self.event_header {
            generic = expect(generic.event_header(name), valid_name(name))?;
        }
        Some(generic)
    }
}

// ---------------------------------------------------------------------------
// The newer providers: Standard Webhooks, Stripe, Slack, Shopify
// ---------------------------------------------------------------------------

/// The config chunk of a verify-target input, read ahead of [`Case`]:
/// it decides what the right signature is, so the headers depend on it.
fn peek_config(data: &[u8]) -> Input<'_> {
    let mut input = Input::new(data);
    input.byte();
    input.chunk();
    input.chunk();
    Input::new(input.chunk())
}

/// The error `headers::required` gives for a header, or the header's
/// OWS-trimmed value: present once and non-empty.
fn reference_required<'h>(
    pairs: &'h [(String, Vec<u8>)],
    name: &'static str,
) -> Result<&'h [u8], Error> {
    match find(pairs, name) {
        Found::Missing => Err(Error::MissingHeader(HeaderName::from_static(name))),
        Found::Repeated => Err(Error::RepeatedHeader(HeaderName::from_static(name))),
        Found::One([]) => Err(malformed(name, "empty value")),
        Found::One(value) => Ok(value),
    }
}

fn malformed(name: &'static str, problem: &'static str) -> Error {
    Error::MalformedHeader {
        name: HeaderName::from_static(name),
        problem,
    }
}

/// UNIX seconds as the header-timestamp schemes write them: 1 to 20 ASCII
/// digits, nothing else (`str::parse` alone would take a `+`).
fn reference_secs(digits: &[u8]) -> Option<i128> {
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let text = std::str::from_utf8(digits).expect("ASCII digits");
    Some(i128::try_from(text.parse::<u128>().expect("20 digits fit")).expect("fits"))
}

/// The seconds window of Stripe, Slack and Standard Webhooks: the clock
/// floored to whole seconds, the tolerance truncated to whole seconds, both
/// ends inclusive. (The clock's sub-millisecond nanoseconds cannot change
/// the floor: a whole second is a whole millisecond.)
fn reference_window_secs(secs: i128, now_millis: i128, tolerance: Duration) -> Result<(), Error> {
    let now = now_millis.div_euclid(1_000);
    let tolerance = i128::from(tolerance.as_secs());
    if now - secs > tolerance {
        Err(Error::TimestampTooOld)
    } else if secs - now > tolerance {
        Err(Error::TimestampInFuture)
    } else {
        Ok(())
    }
}

fn reference_system_time(secs: i128) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))
}

/// Like [`check`], but the error must be exactly `expected` (variant,
/// header name and problem text).
fn check_exact<'d>(
    result: &Result<Delivery<'d>, Error>,
    expected: Result<(), Error>,
) -> Option<Delivery<'d>> {
    match (result, &expected) {
        (Ok(delivery), Ok(())) => Some(*delivery),
        (Err(err), Err(want)) if err == want => {
            assert_ne!(err.status(), 500, "{err}");
            None
        }
        _ => panic!("expected {expected:?}, verification gave {result:?}"),
    }
}

/// Where the tags of a multi-signature list come from: each candidate
/// entry's text, decoded by `decode` (`Err` with the problem the provider
/// names). `Ok` holds the decodable tags in order; with none, the first
/// entry's problem, or `missing` when there is no candidate at all.
fn reference_tags(
    candidates: &[&[u8]],
    decode: impl Fn(&[u8]) -> Result<[u8; 32], &'static str>,
    missing: &'static str,
) -> Result<Vec<[u8; 32]>, &'static str> {
    let decoded: Vec<_> = candidates.iter().map(|c| decode(c)).collect();
    let tags: Vec<[u8; 32]> = decoded.iter().filter_map(|d| d.ok()).collect();
    match decoded.first() {
        None => Err(missing),
        Some(_) if !tags.is_empty() => Ok(tags),
        Some(first) => Err(first.expect_err("no entry decoded")),
    }
}

/// A Stripe `v1` value: 64 lowercase hex digits (the `hex` crate decodes,
/// the case is checked apart).
fn reference_stripe_hex(value: &[u8]) -> Result<[u8; 32], &'static str> {
    let mut tag = [0u8; 32];
    if value.len() != 64 {
        return Err("expected 64 hex digits");
    }
    if value.iter().any(u8::is_ascii_uppercase) || hex::decode_to_slice(value, &mut tag).is_err() {
        return Err("expected lowercase hex digits");
    }
    Ok(tag)
}

/// A Standard Webhooks / Shopify signature: 44 characters that the
/// `base64` crate's padded standard engine decodes to 32 bytes.
fn reference_base64_tag(value: &[u8]) -> Result<[u8; 32], &'static str> {
    if value.len() != 44 {
        return Err("expected 44 base64 characters");
    }
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or("expected canonical padded base64")
}

/// Stripe's grammar for `Stripe-Signature`, written from its docs: `,`
/// separates elements (none trimmed, empty ones count); an element's key
/// is the text before its first `=` (the whole element when it has none);
/// exactly one `t`; at most [`stripe::MAX_SIGNATURES`] other elements; a
/// repeated `t` or the element past the limit, whichever comes first, is
/// the problem. Returns `t`'s text and the `v1` tags (or their problem).
type StripeList<'v> = Result<(&'v [u8], Result<Vec<[u8; 32]>, &'static str>), &'static str>;

fn reference_stripe_list(value: &[u8]) -> StripeList<'_> {
    let elements: Vec<(&[u8], &[u8])> = value
        .split(|&b| b == b',')
        .map(|e| match e.iter().position(|&b| b == b'=') {
            Some(eq) => (&e[..eq], &e[eq + 1..]),
            None => (e, &b""[..]),
        })
        .collect();
    let nth = |is_t: bool, n: usize| {
        elements
            .iter()
            .enumerate()
            .filter(|(_, (key, _))| (*key == b"t") == is_t)
            .nth(n)
            .map(|(i, _)| i)
    };
    match (nth(true, 1), nth(false, stripe::MAX_SIGNATURES)) {
        (Some(repeat), Some(over)) if repeat < over => return Err("more than one `t=` element"),
        (Some(_), None) => return Err("more than one `t=` element"),
        (_, Some(_)) => return Err("more than 32 signatures"),
        (None, None) => {}
    }
    let t = elements
        .iter()
        .find(|(key, _)| *key == b"t")
        .ok_or("missing the `t=` element")?
        .1;
    let v1: Vec<&[u8]> = elements
        .iter()
        .filter(|(key, _)| *key == b"v1")
        .map(|(_, value)| *value)
        .collect();
    Ok((
        t,
        reference_tags(&v1, reference_stripe_hex, "no `v1=` signature"),
    ))
}

/// The Standard Webhooks grammar for `webhook-signature`, from its spec and
/// hooksig's docs: entries separated by single spaces (empty ones, from
/// doubled spaces, are not entries); at most
/// [`standard::MAX_SIGNATURES`] entries; those that start `v1,` are
/// candidates and the rest (other versions) are ignored.
fn reference_standard_list(value: &[u8]) -> Result<Vec<[u8; 32]>, &'static str> {
    let entries: Vec<&[u8]> = value
        .split(|&b| b == b' ')
        .filter(|e| !e.is_empty())
        .collect();
    if entries.len() > standard::MAX_SIGNATURES {
        return Err("more than 32 signatures");
    }
    let v1: Vec<&[u8]> = entries
        .iter()
        .filter_map(|e| e.strip_prefix(b"v1,"))
        .collect();
    reference_tags(&v1, reference_base64_tag, "no `v1,` signature")
}

/// A `whsec_` secret decoded the way the reference libraries decode it,
/// by a decoder written here from scratch: the prefix is optional; the
/// standard alphabet; `=` padding only at the end and no more than the
/// canonical amount (none is fine); leftover bits of the last symbol are
/// dropped. `None` when that is not base64 or the key would be empty.
fn reference_whsec(secret: &[u8]) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let text = secret.strip_prefix(b"whsec_").unwrap_or(secret);
    let pads = text.iter().rev().take_while(|&&b| b == b'=').count();
    let symbols = &text[..text.len() - pads];
    let canonical = match symbols.len() % 4 {
        0 => 0,
        2 => 2,
        3 => 1,
        _ => return None,
    };
    if pads > canonical || symbols.is_empty() {
        return None;
    }
    let (mut bits, mut held, mut key) = (0u32, 0u32, Vec::new());
    for &symbol in symbols {
        let value = ALPHABET.iter().position(|&a| a == symbol)?;
        bits = (bits << 6) | u32::try_from(value).expect("< 64");
        held += 6;
        if held >= 8 {
            held -= 8;
            key.push((bits >> held) as u8);
            bits &= (1 << held) - 1;
        }
    }
    Some(key)
}

/// Header names [`standard_verify`] chooses from.
const STANDARD_NAMES: [&str; 7] = [
    standard::ID_HEADER,
    standard::TIMESTAMP_HEADER,
    standard::SIGNATURE_HEADER,
    standard::SVIX_ID_HEADER,
    standard::SVIX_TIMESTAMP_HEADER,
    standard::SVIX_SIGNATURE_HEADER,
    "content-type",
];

/// [`standard_verify`]'s configuration (the config chunk): `u8` flags
/// (bit 0: the secrets are `whsec_` strings, else raw keys; bits 1-2: the
/// sender's id and timestamp headers are appended as `webhook-*` (1),
/// `svix-*` (2), both (3), or not (0)); `chunk` the id the sender signs;
/// `chunk` its timestamp text; then a tolerance (see [`tolerance`]).
struct StandardConfig<'a> {
    whsec: bool,
    id: &'a [u8],
    timestamp: &'a [u8],
    tolerance: Option<Duration>,
    extra: Vec<(String, Vec<u8>)>,
}

impl<'a> StandardConfig<'a> {
    fn read(mut input: Input<'a>) -> Self {
        let flags = input.byte();
        let id = input.chunk();
        let timestamp = input.chunk();
        let tolerance = tolerance(&mut input);
        let mut extra = Vec::new();
        for (bit, id_name, ts_name) in [
            (2, standard::ID_HEADER, standard::TIMESTAMP_HEADER),
            (4, standard::SVIX_ID_HEADER, standard::SVIX_TIMESTAMP_HEADER),
        ] {
            if flags & bit != 0 {
                extra.push((id_name.to_owned(), id.to_vec()));
                extra.push((ts_name.to_owned(), timestamp.to_vec()));
            }
        }
        StandardConfig {
            whsec: flags & 1 != 0,
            id,
            timestamp,
            tolerance,
            extra,
        }
    }

    /// The HMAC key a secret chunk stands for, `None` if it is refused.
    fn key(&self, secret: &[u8]) -> Option<Vec<u8>> {
        if self.whsec {
            reference_whsec(secret)
        } else {
            Some(secret.to_vec()).filter(|k| !k.is_empty())
        }
    }
}

/// `StandardWebhooks::verify_at` over arbitrary `webhook-*` / `svix-*`
/// headers, body, clock and tolerance, with `whsec_` or raw secrets and a
/// rotated one: the header set is chosen as documented (`svix-*` only when
/// `webhook-signature` is absent and `svix-signature` is not); the id must
/// be once, non-empty and without `.`; the timestamp 1-20 digits; the
/// signature list as `reference_standard_list` reads it; accepted iff a
/// `v1` tag equals the HMAC of `{id}.{timestamp}.{body}` (recomputed with
/// `hmac`) under one of the keys and the timestamp is in the window. Every
/// rejection is predicted exactly (variant, header and problem).
pub fn standard_verify(data: &[u8]) -> Outcome {
    let config = StandardConfig::read(peek_config(data));
    let signature = |secret: &[u8], body: &[u8]| {
        let key = config.key(secret).unwrap_or_default();
        let signed = [config.id, b".", config.timestamp, b".", body].concat();
        format!("v1,{}", reference_base64(&key, &signed)).into_bytes()
    };
    let case = Case::decode_with(data, &STANDARD_NAMES, signature, config.extra.clone());
    let keys: Option<Vec<Vec<u8>>> = case.secrets().map(|s| config.key(s)).collect();
    let built = if config.whsec {
        StandardWebhooks::new(case.current).and_then(|p| match case.previous {
            Some(previous) => p.with_previous(previous),
            None => Ok(p),
        })
    } else {
        StandardWebhooks::from_raw_key(case.current).and_then(|p| match case.previous {
            Some(previous) => p.with_previous_raw_key(previous),
            None => Ok(p),
        })
    };
    let (provider, keys) = match (built, keys) {
        (Ok(provider), Some(keys)) => (provider, keys),
        (Err(Error::InvalidConfig(_)), None) => return Outcome::Rejected,
        (built, keys) => panic!("secrets decode to {keys:?}, building gave {built:?}"),
    };
    let provider = match config.tolerance {
        Some(tolerance) => provider.tolerance(tolerance),
        None => provider,
    };
    let window = config.tolerance.unwrap_or(standard::DEFAULT_TOLERANCE);

    let expected = (|| {
        let svix = matches!(
            find(&case.pairs, standard::SIGNATURE_HEADER),
            Found::Missing
        ) && !matches!(
            find(&case.pairs, standard::SVIX_SIGNATURE_HEADER),
            Found::Missing
        );
        let [id_name, ts_name, sig_name] = if svix {
            [
                standard::SVIX_ID_HEADER,
                standard::SVIX_TIMESTAMP_HEADER,
                standard::SVIX_SIGNATURE_HEADER,
            ]
        } else {
            [
                standard::ID_HEADER,
                standard::TIMESTAMP_HEADER,
                standard::SIGNATURE_HEADER,
            ]
        };
        let id = reference_required(&case.pairs, id_name)?;
        if id.contains(&b'.') {
            return Err(malformed(id_name, "contains a `.`"));
        }
        if std::str::from_utf8(id).is_err() {
            return Err(malformed(id_name, "is not UTF-8"));
        }
        let timestamp = reference_required(&case.pairs, ts_name)?;
        let secs = reference_secs(timestamp)
            .ok_or_else(|| malformed(ts_name, "expected UNIX seconds (digits only)"))?;
        let value = reference_required(&case.pairs, sig_name)?;
        let tags = reference_standard_list(value).map_err(|p| malformed(sig_name, p))?;
        let signed = [id, b".", timestamp, b".", case.body].concat();
        if !keys
            .iter()
            .any(|key| tags.contains(&reference_mac(key, &signed)))
        {
            return Err(Error::SignatureMismatch);
        }
        reference_window_secs(secs, case.now_millis, window)?;
        Ok((id, secs))
    })();
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check_exact(&result, expected.as_ref().map(|_| ()).map_err(Clone::clone));
    if let (Some(delivery), Ok((id, secs))) = (delivery, expected) {
        assert_eq!(delivery.provider(), "standard-webhooks");
        assert_eq!(delivery.body(), case.body);
        assert_eq!(delivery.id().map(str::as_bytes), Some(id));
        assert_eq!(delivery.event(), None);
        assert_eq!(delivery.timestamp(), reference_system_time(secs));
    }
    outcome(delivery)
}

/// Header names [`stripe_verify`] chooses from.
const STRIPE_NAMES: [&str; 3] = [stripe::SIGNATURE_HEADER, "content-type", "x-stripe-client"];

/// `Stripe::verify_at` over arbitrary headers, body, clock, tolerance and
/// secrets (with a rotated one). Config chunk: `chunk` the `t` the sender
/// signs, then a tolerance (see `tolerance`); the right signature is
/// `t=<t>,v1=<hex>`. Accepted iff exactly one `Stripe-Signature` whose
/// elements `reference_stripe_list` reads has a `v1` equal to the HMAC
/// of `{t}.{body}` under one of the secrets, and `t` is within the window
/// both ways; every rejection predicted exactly.
pub fn stripe_verify(data: &[u8]) -> Outcome {
    let mut config = peek_config(data);
    let t = config.chunk();
    let chosen = tolerance(&mut config);
    let signature = |secret: &[u8], body: &[u8]| {
        let signed = [t, b".", body].concat();
        [b"t=", t, b",v1=", reference_hex(secret, &signed).as_bytes()].concat()
    };
    let case = Case::decode(data, &STRIPE_NAMES, signature);
    let Some(provider) = case.provider(|s| Stripe::new(s), |p: Stripe, s| p.with_previous(s))
    else {
        return Outcome::Rejected;
    };
    let provider = match chosen {
        Some(tolerance) => provider.tolerance(tolerance),
        None => provider,
    };
    let window = chosen.unwrap_or(stripe::DEFAULT_TOLERANCE);
    let name = stripe::SIGNATURE_HEADER;
    let expected = (|| {
        let value = reference_required(&case.pairs, name)?;
        let (t, tags) = reference_stripe_list(value).map_err(|p| malformed(name, p))?;
        let secs = reference_secs(t)
            .ok_or_else(|| malformed(name, "`t` is not UNIX seconds (digits only)"))?;
        let tags = tags.map_err(|p| malformed(name, p))?;
        let signed = [t, b".", case.body].concat();
        if !case
            .secrets()
            .any(|s| tags.contains(&reference_mac(s, &signed)))
        {
            return Err(Error::SignatureMismatch);
        }
        reference_window_secs(secs, case.now_millis, window)?;
        Ok(secs)
    })();
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check_exact(&result, expected.as_ref().map(|_| ()).map_err(Clone::clone));
    if let (Some(delivery), Ok(secs)) = (delivery, expected) {
        assert_eq!(delivery.provider(), "stripe");
        assert_eq!(delivery.body(), case.body);
        check_body_field(delivery.id(), case.body, stripe::ID_FIELD);
        check_body_field(delivery.event(), case.body, stripe::EVENT_FIELD);
        assert_eq!(delivery.timestamp(), reference_system_time(secs));
    }
    outcome(delivery)
}

/// Header names [`slack_verify`] chooses from.
const SLACK_NAMES: [&str; 4] = [
    slack::SIGNATURE_HEADER,
    slack::TIMESTAMP_HEADER,
    "x-slack-retry-num",
    "content-type",
];

/// `Slack::verify_at` over arbitrary headers, body, clock, tolerance and
/// secrets (with a rotated one). Config chunk: `u8` (bit 0: append the
/// sender's `X-Slack-Request-Timestamp`), `chunk` the timestamp the sender
/// signs, then a tolerance. Accepted iff exactly one `X-Slack-Signature`
/// of `v0=` and 64 lowercase hex digits equal to the HMAC of
/// `v0:{timestamp}:{body}` under one of the secrets, exactly one
/// timestamp of 1-20 digits, within the window; every rejection predicted
/// exactly, in the provider's documented order (signature form, then
/// timestamp form, then MAC, then window).
pub fn slack_verify(data: &[u8]) -> Outcome {
    let mut config = peek_config(data);
    let append = config.byte() & 1 != 0;
    let ts = config.chunk();
    let chosen = tolerance(&mut config);
    let signature = |secret: &[u8], body: &[u8]| {
        let signed = [b"v0:", ts, b":", body].concat();
        format!("v0={}", reference_hex(secret, &signed)).into_bytes()
    };
    let extra = if append {
        vec![(slack::TIMESTAMP_HEADER.to_owned(), ts.to_vec())]
    } else {
        Vec::new()
    };
    let case = Case::decode_with(data, &SLACK_NAMES, signature, extra);
    let Some(provider) = case.provider(|s| Slack::new(s), |p: Slack, s| p.with_previous(s)) else {
        return Outcome::Rejected;
    };
    let provider = match chosen {
        Some(tolerance) => provider.tolerance(tolerance),
        None => provider,
    };
    let window = chosen.unwrap_or(slack::DEFAULT_TOLERANCE);
    let (sig_name, ts_name) = (slack::SIGNATURE_HEADER, slack::TIMESTAMP_HEADER);
    let expected = (|| {
        let value = reference_required(&case.pairs, sig_name)?;
        let digits = value
            .strip_prefix(b"v0=")
            .ok_or_else(|| malformed(sig_name, "expected the `v0=` prefix"))?;
        let tag = reference_stripe_hex(digits).map_err(|p| malformed(sig_name, p))?;
        let timestamp = reference_required(&case.pairs, ts_name)?;
        let secs = reference_secs(timestamp)
            .ok_or_else(|| malformed(ts_name, "expected UNIX seconds (digits only)"))?;
        let signed = [b"v0:", timestamp, b":", case.body].concat();
        if !case.secrets().any(|s| reference_mac(s, &signed) == tag) {
            return Err(Error::SignatureMismatch);
        }
        reference_window_secs(secs, case.now_millis, window)?;
        Ok(secs)
    })();
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check_exact(&result, expected.as_ref().map(|_| ()).map_err(Clone::clone));
    if let (Some(delivery), Ok(secs)) = (delivery, expected) {
        assert_eq!(delivery.provider(), "slack");
        assert_eq!(delivery.body(), case.body);
        check_body_field(delivery.id(), case.body, slack::ID_FIELD);
        check_body_field(delivery.event(), case.body, slack::EVENT_FIELD);
        assert_eq!(delivery.timestamp(), reference_system_time(secs));
        assert_eq!(
            delivery.header("x-slack-retry-num"),
            reference_text(&case.pairs, "x-slack-retry-num")
        );
    }
    outcome(delivery)
}

/// Header names [`shopify_verify`] chooses from.
const SHOPIFY_NAMES: [&str; 5] = [
    shopify::SIGNATURE_HEADER,
    shopify::TOPIC_HEADER,
    shopify::WEBHOOK_ID_HEADER,
    shopify::SHOP_DOMAIN_HEADER,
    shopify::EVENT_ID_HEADER,
];

/// `Shopify::verify_at` over arbitrary headers, body, clock and secrets
/// (with a rotated one): accepted iff exactly one `X-Shopify-Hmac-Sha256`
/// whose OWS-trimmed value is 44 characters the `base64` crate decodes to
/// the HMAC of the raw body under one of the secrets, whatever the clock
/// (Shopify signs no time); every rejection predicted exactly; id and
/// topic read from their (unsigned) headers.
pub fn shopify_verify(data: &[u8]) -> Outcome {
    let case = Case::decode(data, &SHOPIFY_NAMES, |secret, body| {
        reference_base64(secret, body).into_bytes()
    });
    let Some(provider) = case.provider(|s| Shopify::new(s), |p: Shopify, s| p.with_previous(s))
    else {
        return Outcome::Rejected;
    };
    let name = shopify::SIGNATURE_HEADER;
    let expected = (|| {
        let value = reference_required(&case.pairs, name)?;
        let tag = reference_base64_tag(value).map_err(|p| malformed(name, p))?;
        if !case.secrets().any(|s| reference_mac(s, case.body) == tag) {
            return Err(Error::SignatureMismatch);
        }
        Ok(())
    })();
    let result = provider.verify_at(case.headers(), case.body, case.now);
    let delivery = check_exact(&result, expected);
    if let Some(delivery) = delivery {
        assert_eq!(delivery.provider(), "shopify");
        assert_eq!(delivery.body(), case.body);
        assert_eq!(delivery.timestamp(), None);
        assert_eq!(
            delivery.id(),
            reference_text(&case.pairs, shopify::WEBHOOK_ID_HEADER)
        );
        assert_eq!(
            delivery.event(),
            reference_text(&case.pairs, shopify::TOPIC_HEADER)
        );
    }
    outcome(delivery)
}

/// Stripe's `Stripe-Signature` list parser on arbitrary bytes (the whole
/// input is the header value, and so are its first and last 200 bytes):
/// the same `t`, the same decoded `v1` tags in order, or the same problem
/// as `reference_stripe_list`.
pub fn stripe_header(data: &[u8]) -> Outcome {
    let mut accepted = false;
    for value in windows(data, 200) {
        let ours = stripe::parse(value)
            .map(|(t, candidates)| (t, candidates.tags("no `v1=` signature").map(<[_]>::to_vec)));
        let theirs = reference_stripe_list(value);
        assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(value));
        accepted |= matches!(ours, Ok((_, Ok(_))));
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

/// Standard Webhooks' `webhook-signature` list parser on arbitrary bytes
/// (the whole input, and its first and last 200 bytes): the same decoded
/// `v1` tags in order, or the same problem, as
/// `reference_standard_list`.
pub fn standard_webhooks_header(data: &[u8]) -> Outcome {
    let mut accepted = false;
    for value in windows(data, 200) {
        let ours = standard::candidates(value)
            .and_then(|candidates| candidates.tags("no `v1,` signature").map(<[_]>::to_vec));
        let theirs = reference_standard_list(value);
        assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(value));
        accepted |= ours.is_ok();
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

// ---------------------------------------------------------------------------
// Decoders and the JSON scanner
// ---------------------------------------------------------------------------

/// The strict hex decoder against the `hex` crate, over the whole input and
/// its first and last 64 bytes: same verdict and bytes in `Any` case;
/// `Lower` additionally refuses `A-F`; decoding then encoding gives the
/// input back (lowercased).
pub fn hex_decode(data: &[u8]) -> Outcome {
    let mut accepted = false;
    for input in windows(data, 64) {
        let mut buffer = [0u8; 32];
        let theirs = hex::decode_to_slice(input, &mut buffer)
            .ok()
            .map(|()| buffer);
        let any = encoding::hex_tag(input, HexCase::Any).ok();
        assert_eq!(any, theirs, "{input:?}");
        let lower = encoding::hex_tag(input, HexCase::Lower).ok();
        let uppercase = input.iter().any(u8::is_ascii_uppercase);
        assert_eq!(lower, theirs.filter(|_| !uppercase), "{input:?}");
        if let Some(tag) = any {
            assert_eq!(
                encoding::to_hex(&tag).as_bytes(),
                input.to_ascii_lowercase()
            );
            accepted = true;
        }
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

/// The strict base64 decoder against the `base64` crate's standard padded
/// engine, over the whole input and its first and last 44 bytes: it accepts
/// exactly the 44-character encodings of 32 bytes, with the same bytes, and
/// re-encoding gives the input back (canonical form only).
pub fn base64_decode(data: &[u8]) -> Outcome {
    let mut accepted = false;
    for input in windows(data, 44) {
        let theirs = base64::engine::general_purpose::STANDARD
            .decode(input)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .filter(|_| input.len() == 44);
        let ours = encoding::base64_tag(input).ok();
        assert_eq!(ours, theirs, "{input:?}");
        if let Some(tag) = ours {
            assert_eq!(encoding::to_base64(&tag).as_bytes(), input);
            accepted = true;
        }
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

fn windows(data: &[u8], width: usize) -> impl Iterator<Item = &[u8]> {
    let ends = (data.len() > width).then(|| [&data[..width], &data[data.len() - width..]]);
    std::iter::once(data).chain(ends.into_iter().flatten())
}

const NOTIFY_FIELDS: [(&str, Kind); 3] = [
    ("event", Kind::Str),
    ("event_id", Kind::Str),
    ("timestamp", Kind::Str),
];

/// The allocation-free top-level field scanner (Linear's `webhookTimestamp`
/// and Notify's fields) against serde_json, on the whole input as a body:
/// where serde_json can judge, both agree on validity, on "not an object",
/// and on each field's value; a repeated wanted key is refused.
pub fn linear_timestamp(data: &[u8]) -> Outcome {
    let linear = json::top_level(data, &[(linear::TIMESTAMP_FIELD, Kind::U64)]);
    let notify = json::top_level(data, &NOTIFY_FIELDS);
    // The scanner stops at the first wrongly typed or repeated wanted
    // field, so a later syntax error is not seen then.
    let early = |p: &Problem| matches!(p, Problem::WrongType(_) | Problem::Repeated(_));
    match parse(data) {
        Parsed::Unknown => {}
        Parsed::NotJson => {
            for problem in [linear.err(), notify.err()] {
                let problem = problem.expect("serde_json refuses it");
                assert!(
                    problem == Problem::NotJson || early(&problem),
                    "{problem:?}"
                );
            }
        }
        Parsed::NotObject => {
            assert_eq!(linear, Err(Problem::NotObject));
            assert_eq!(notify, Err(Problem::NotObject));
        }
        Parsed::Object(entries) => {
            assert_eq!(
                linear,
                expect_fields(&entries, &[linear::TIMESTAMP_FIELD], None)
            );
            let escapes = data.contains(&b'\\');
            let wanted = ["event", "event_id", "timestamp"];
            let expected = expect_fields(&entries, &wanted, Some(()));
            // A string with escape sequences is refused (it cannot be
            // borrowed) where serde_json reads a string: only then may the
            // scanner's answer differ.
            let escaped_string = match &notify {
                Err(Problem::WrongType(i)) => {
                    members(&entries, wanted[*i]).any(serde_json::Value::is_string)
                }
                _ => false,
            };
            assert!(
                notify == expected || (escapes && escaped_string),
                "{notify:?}, expected {expected:?} for {:?}",
                String::from_utf8_lossy(data)
            );
        }
    }
    if linear.is_ok() || notify.is_ok() {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

/// The scanner's expected answer over serde_json's members: the first
/// repeated or wrongly typed wanted member in document order is the
/// problem. `strings` selects string fields (Notify) over `u64` (Linear).
fn expect_fields<'e, const N: usize>(
    entries: &'e [(String, serde_json::Value)],
    wanted: &[&str; N],
    strings: Option<()>,
) -> Result<[Value<'e>; N], Problem> {
    let mut values = [Value::Absent; N];
    for (key, value) in entries {
        let Some(i) = wanted.iter().position(|w| w == key) else {
            continue;
        };
        if values[i] != Value::Absent {
            return Err(Problem::Repeated(i));
        }
        values[i] = match (strings, value) {
            (Some(()), serde_json::Value::String(s)) => Value::Str(s),
            (None, serde_json::Value::Number(n)) if n.is_u64() => {
                Value::U64(n.as_u64().expect("is_u64"))
            }
            _ => return Err(Problem::WrongType(i)),
        };
    }
    Ok(values)
}

// ---------------------------------------------------------------------------
// Sign -> verify round trip
// ---------------------------------------------------------------------------

/// Signs a delivery with each provider's `sign_headers` and verifies it:
/// it must always verify (also through a rotation set holding the signing
/// secret as the previous one), and changing any one byte of the signature
/// header, of the body, or of a signed id or timestamp header must make it
/// fail.
///
/// All eight providers live in this one target (rather than a second
/// `roundtrip_beyond`): the invariant is one, and the provider bits were
/// extended so that every committed input keeps its meaning.
///
/// Layout: `u8` provider and flags: bits 0-1 and 5 pick the provider
/// (`bits 0-1 + 4 * bit 5`: GitHub, Linear, Notify, Generic, Standard
/// Webhooks, Stripe, Slack, Shopify); bit 2: verify through rotation;
/// bit 3: base64 for Generic, an unpadded `whsec_` secret for Standard
/// Webhooks; bit 4: Notify tolerance. `chunk` secret; `chunk` id; `chunk`
/// event; `u64` time (i64 ms); `u64` skew (ms within ±60 s); `u8` mutate
/// (bit 0: the body; else bit 1: the signed id (bit 2 clear) or timestamp
/// header (bit 2 set) of Standard Webhooks, Slack's timestamp; else the
/// signature); `u16` position; `u8` xor; rest: body material.
pub fn roundtrip(data: &[u8]) -> Outcome {
    let mut input = Input::new(data);
    let choice = input.byte();
    let secret = input.chunk();
    if secret.is_empty() {
        return Outcome::Rejected;
    }
    let id = String::from_utf8_lossy(input.chunk()).into_owned();
    let event = String::from_utf8_lossy(input.chunk()).into_owned();
    let at = i128::from(input.u64() as i64);
    let skew = i128::from(input.u64() as i64 % 60_001);
    let (mutate, pos, xor) = (input.byte(), input.u16(), input.byte().max(1));
    let material = input.rest();

    let provider = (choice & 3) | ((choice >> 3) & 4);
    let signer = make(provider, choice, secret, None);
    let verifier = if choice & 4 != 0 {
        // A rotation set whose previous secret is the signing one.
        let current: Vec<u8> = [secret, b"'"].concat();
        make(provider, choice, &current, Some(secret))
    } else {
        make(provider, choice, secret, None)
    };

    // The body each scheme signs, and when.
    let plain = |text: &str| -> String {
        let text: String = text
            .chars()
            .filter(|c| !matches!(c, '"' | '\\') && !c.is_control())
            .collect();
        // Notify's ids and events are non-empty.
        if text.is_empty() {
            "x".to_owned()
        } else {
            text
        }
    };
    let (body, signed_at): (Vec<u8>, i128) = match provider {
        1 => {
            let ts = at.unsigned_abs() % (1 << 53);
            let data = serde_json::to_string(&String::from_utf8_lossy(material)).expect("string");
            (
                format!(r#"{{"webhookTimestamp":{ts},"data":{data}}}"#).into_bytes(),
                i128::from(ts as u64),
            )
        }
        2 => {
            // Years 0000-9999 so the timestamp is RFC 3339.
            let ms = at.rem_euclid(253_402_300_800_000);
            let data = serde_json::to_string(&String::from_utf8_lossy(material)).expect("string");
            let body = format!(
                r#"{{"event":"{}","event_id":"{}","timestamp":"{}","data":{data}}}"#,
                plain(&event),
                plain(&id),
                rfc3339(ms)
            );
            (body.into_bytes(), ms)
        }
        // Schemes that sign UNIX seconds cannot sign before the epoch.
        STANDARD | STRIPE | SLACK => (material.to_vec(), at.rem_euclid(1 << 53)),
        _ => (material.to_vec(), at),
    };
    let Some(now) = clock(signed_at + skew, 0) else {
        return Outcome::Rejected;
    };
    let header_value = |s: &str| http::HeaderValue::from_str(s).is_ok();
    let mut outgoing = Outgoing::new(&body);
    if let Some(time) = clock(signed_at, 0) {
        outgoing = outgoing.at(time);
    }
    if !id.is_empty() {
        outgoing = outgoing.id(&id);
    }
    if !event.is_empty() {
        outgoing = outgoing.event(&event);
    }
    // Standard Webhooks signs its id, so the id must survive the trip as
    // is: non-empty, no `.` (the signed content's separator), a header
    // value, and no leading or trailing whitespace (HTTP strips it).
    let standard_id = |id: &str| {
        !id.is_empty()
            && !id.contains('.')
            && header_value(id)
            && trim_ows(id.as_bytes()) == id.as_bytes()
    };
    let mut signed_id = id.as_str();
    let headers = match signer.sign_headers(&outgoing) {
        Ok(headers) => {
            assert!(provider != STANDARD || standard_id(&id), "signed {id:?}");
            headers
        }
        Err(Error::InvalidConfig(_)) if provider == STANDARD => {
            assert!(!standard_id(&id), "refused {id:?}");
            signed_id = "msg_2Lz1";
            signer
                .sign_headers(&outgoing.id(signed_id))
                .expect("signs a plain id")
        }
        Err(Error::InvalidConfig(_)) if matches!(provider, 0 | 1 | 3 | SHOPIFY) => {
            // Only an id or event that cannot be a header value is refused;
            // the delivery is then signed without them.
            assert!(!header_value(&id) || !header_value(&event));
            signer
                .sign_headers(&Outgoing::new(&body).at(outgoing.timestamp))
                .expect("signs")
        }
        Err(err) => panic!("signing failed: {err}"),
    };
    let name = match provider {
        0 => github::SIGNATURE_HEADER,
        1 => linear::SIGNATURE_HEADER,
        2 => notify::SIGNATURE_HEADER,
        3 => "x-signature-256",
        STANDARD => standard::SIGNATURE_HEADER,
        STRIPE => stripe::SIGNATURE_HEADER,
        SLACK => slack::SIGNATURE_HEADER,
        _ => shopify::SIGNATURE_HEADER,
    };
    let delivery = verifier
        .verify_at(&headers, &body, now)
        .unwrap_or_else(|err| panic!("a signed delivery must verify: {err}"));
    assert_eq!(delivery.body(), &body[..]);
    let seconds = reference_system_time(signed_at.div_euclid(1_000));
    match provider {
        2 => {
            assert_eq!(delivery.event(), Some(plain(&event).as_str()));
            assert_eq!(delivery.id(), Some(plain(&id).as_str()));
        }
        STANDARD => {
            assert_eq!(delivery.id(), Some(signed_id));
            assert_eq!(delivery.event(), None);
            assert_eq!(delivery.timestamp(), seconds);
        }
        STRIPE | SLACK => {
            let (id_field, event_field) = if provider == STRIPE {
                (stripe::ID_FIELD, stripe::EVENT_FIELD)
            } else {
                (slack::ID_FIELD, slack::EVENT_FIELD)
            };
            check_body_field(delivery.id(), &body, id_field);
            check_body_field(delivery.event(), &body, event_field);
            assert_eq!(delivery.timestamp(), seconds);
        }
        _ => {
            fn trimmed(text: &str) -> Option<&str> {
                Some(std::str::from_utf8(trim_ows(text.as_bytes())).expect("utf-8"))
                    .filter(|s| !s.is_empty())
            }
            if ["x-github-delivery", "linear-delivery", "x-webhook-id"]
                .into_iter()
                .chain([shopify::WEBHOOK_ID_HEADER])
                .any(|n| headers.contains_key(n))
            {
                assert_eq!(delivery.id(), trimmed(&id));
            }
            if headers.contains_key(shopify::TOPIC_HEADER) {
                assert_eq!(delivery.event(), trimmed(&event));
            }
        }
    }

    // As (name, value) pairs, with one byte of the signature, a signed
    // header or the body changed.
    let mut pairs: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    assert!(verifier.verify_at(&pairs, &body, now).is_ok());
    let mut body = body;
    let original = headers[name].as_bytes().to_vec();
    let signed_header = match provider {
        STANDARD if mutate & 4 == 0 => Some(standard::ID_HEADER),
        STANDARD => Some(standard::TIMESTAMP_HEADER),
        SLACK => Some(slack::TIMESTAMP_HEADER),
        _ => None,
    }
    .filter(|_| mutate & 2 != 0);
    if mutate & 1 == 1 && !body.is_empty() {
        let at = usize::from(pos) % body.len();
        body[at] ^= xor;
        let result = verifier.verify_at(&pairs, &body, now);
        assert_eq!(result.unwrap_err(), Error::SignatureMismatch);
    } else if let Some(signed) = signed_header {
        // The id and timestamp are part of the signed content: any other
        // byte there is another message (or a malformed header). The id
        // was refused at signing if it had whitespace at either end, so a
        // byte turned into whitespace there changes what is read too.
        let value = &mut pairs.iter_mut().find(|(n, _)| n == signed).expect("sent").1;
        let at = usize::from(pos) % value.len();
        value[at] ^= xor;
        let mutated = value.clone();
        let result = verifier.verify_at(&pairs, &body, now);
        assert!(
            result.is_err(),
            "{signed}: {:?}",
            String::from_utf8_lossy(&mutated)
        );
    } else {
        let value = &mut pairs.iter_mut().find(|(n, _)| n == name).expect("signed").1;
        let at = usize::from(pos) % value.len();
        value[at] ^= xor;
        let mutated = value.clone();
        let result = verifier.verify_at(&pairs, &body, now);
        // Generic hex accepts either case: a case flip spells the same MAC.
        // No other scheme has a second spelling: the others take lowercase
        // hex only, and canonical base64 only (a flip of the last
        // symbol's unused bits is refused, not decoded to the same tag).
        let same_mac = provider == 3
            && choice & 8 == 0
            && mutated.eq_ignore_ascii_case(&original)
            && mutated[..7] == original[..7];
        assert_eq!(
            result.is_ok(),
            same_mac,
            "{:?}",
            String::from_utf8_lossy(&mutated)
        );
    }
    Outcome::Accepted
}

/// [`roundtrip`]'s provider numbers beyond the first four.
const STANDARD: u8 = 4;
const STRIPE: u8 = 5;
const SLACK: u8 = 6;
const SHOPIFY: u8 = 7;

/// The provider `provider` (see [`roundtrip`]) with the options of the
/// `choice` flags, accepting `current` and, if given, `previous`.
fn make(provider: u8, choice: u8, current: &[u8], previous: Option<&[u8]>) -> Box<dyn Provider> {
    fn keys<P>(
        new: impl FnOnce(&[u8]) -> Result<P, Error>,
        with_previous: impl FnOnce(P, &[u8]) -> Result<P, Error>,
        current: &[u8],
        previous: Option<&[u8]>,
    ) -> P {
        let provider = new(current).expect("non-empty secret");
        match previous {
            Some(previous) => with_previous(provider, previous).expect("non-empty secret"),
            None => provider,
        }
    }
    match provider {
        0 => Box::new(keys(
            |s| GitHub::new(s),
            |p: GitHub, s| p.with_previous(s),
            current,
            previous,
        )),
        1 => Box::new(keys(
            |s| Linear::new(s),
            |p: Linear, s| p.with_previous(s),
            current,
            previous,
        )),
        2 => {
            let notify = keys(
                |s| Notify::new(s),
                |p: Notify, s| p.with_previous(s),
                current,
                previous,
            );
            if choice & 16 != 0 {
                Box::new(notify.tolerance(Duration::from_secs(60)))
            } else {
                Box::new(notify)
            }
        }
        3 => {
            let encoding = if choice & 8 != 0 {
                Encoding::Base64
            } else {
                Encoding::Hex
            };
            let generic = keys(
                |s| Generic::new(s),
                |p: Generic, s| p.with_previous(s),
                current,
                previous,
            )
            .encoding(encoding)
            .id_header("X-Webhook-Id")
            .expect("valid name")
            .event_header("X-Webhook-Event")
            .expect("valid name");
            Box::new(generic)
        }
        STANDARD => {
            // The secrets as the sender's dashboard shows them.
            let whsec = |key: &[u8]| {
                let encoded = if choice & 8 != 0 {
                    base64::engine::general_purpose::STANDARD_NO_PAD.encode(key)
                } else {
                    base64::engine::general_purpose::STANDARD.encode(key)
                };
                format!("whsec_{encoded}")
            };
            Box::new(keys(
                |s| StandardWebhooks::new(whsec(s)),
                |p: StandardWebhooks, s| p.with_previous(whsec(s)),
                current,
                previous,
            ))
        }
        STRIPE => Box::new(keys(
            |s| Stripe::new(s),
            |p: Stripe, s| p.with_previous(s),
            current,
            previous,
        )),
        SLACK => Box::new(keys(
            |s| Slack::new(s),
            |p: Slack, s| p.with_previous(s),
            current,
            previous,
        )),
        _ => Box::new(keys(
            |s| Shopify::new(s),
            |p: Shopify, s| p.with_previous(s),
            current,
            previous,
        )),
    }
}

/// RFC 3339 (`2024-05-01T12:00:00.123Z`) of a millisecond timestamp in
/// years 0000-9999 (Howard Hinnant's `civil_from_days`).
fn rfc3339(millis: i128) -> String {
    let (days, in_day) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000
    )
}

// ---------------------------------------------------------------------------
// Seed corpus
// ---------------------------------------------------------------------------

/// One header of a verify-target seed (see [`Case`]'s layout).
enum Header<'s> {
    /// A header named by index with a literal value.
    Literal(u8, &'s [u8]),
    /// A header with a literal name and value.
    Named(&'s str, &'s [u8]),
    /// The right signature (mode 3) under a name by index, with a case mask.
    Signature(u8, u8),
    /// The right signature, then an edit `(op, pos, arg)` (mode 1).
    Edited(u8, (u8, u16, u8)),
    /// The previous secret's signature (mode 2), unedited.
    Previous(u8),
}

/// Index of a name in [`NAMES`] (Generic adds 10: its signature header,
/// 11: `x-webhook-id`, 12: `x-webhook-event`).
const GH_SIG: u8 = 0;
const GH_EVENT: u8 = 1;
const GH_DELIVERY: u8 = 2;
const LIN_SIG: u8 = 3;
const LIN_TS: u8 = 4;
const LIN_DELIVERY: u8 = 6;
const NOTIFY_SIG: u8 = 7;
const GEN_SIG: u8 = 10;
const GEN_ID: u8 = 11;
const GEN_EVENT: u8 = 12;

/// Indices into [`STANDARD_NAMES`], [`STRIPE_NAMES`], [`SLACK_NAMES`] and
/// [`SHOPIFY_NAMES`].
const SW_ID_H: u8 = 0;
const SW_TS_H: u8 = 1;
const SW_SIG: u8 = 2;
const SVIX_SIG: u8 = 5;
const ST_SIG: u8 = 0;
const SL_SIG: u8 = 0;
const SL_TS_H: u8 = 1;
const SL_RETRY: u8 = 2;
const SH_SIG: u8 = 0;
const SH_TOPIC: u8 = 1;
const SH_ID: u8 = 2;
const SH_SHOP: u8 = 3;

const EDIT_FLIP: u8 = 1;
const EDIT_CUT: u8 = 2;
const EDIT_INSERT: u8 = 3;
const EDIT_SPACE: u8 = 4;
const EDIT_UPPER: u8 = 5;
const EDIT_UPPER_ONE: u8 = 6;
const EDIT_LIST: u8 = 7;

struct CaseSeed<'s> {
    flags: u8,
    current: &'s [u8],
    previous: &'s [u8],
    config: Vec<u8>,
    now: i64,
    headers: Vec<Header<'s>>,
}

impl CaseSeed<'_> {
    fn new(current: &[u8], now: i64) -> CaseSeed<'_> {
        CaseSeed {
            flags: 0,
            current,
            previous: b"",
            config: Vec::new(),
            now,
            headers: Vec::new(),
        }
    }

    /// The encoded input; `literal` is the index meaning "literal name".
    fn bytes(self, literal: u8, body: impl AsRef<[u8]>) -> Vec<u8> {
        let mut w = Writer::default()
            .byte(self.flags)
            .chunk(self.current)
            .chunk(self.previous)
            .chunk(self.config)
            .u64(self.now as u64)
            .u32(0)
            .byte(u8::try_from(self.headers.len()).expect("few headers"));
        for header in self.headers {
            w = match header {
                Header::Literal(name, value) => w.byte(name).byte(0).byte(0).chunk(value),
                Header::Named(name, value) => {
                    w.byte(literal).chunk(name).byte(0).byte(0).chunk(value)
                }
                Header::Signature(name, case) => w.byte(name).byte(case).byte(3),
                Header::Edited(name, (op, pos, arg)) => {
                    w.byte(name).byte(0).byte(1).byte(op).u16(pos).byte(arg)
                }
                Header::Previous(name) => w.byte(name).byte(0).byte(2).byte(0).u16(0).byte(0),
            };
        }
        w.rest(body)
    }
}

/// The seed corpus: `(target, file name, input)`, valid deliveries and near
/// misses for every target. `examples/make_fuzz_corpus.rs` writes it to
/// `fuzz/corpus/<target>/<file name>`.
#[must_use]
pub fn seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut seeds = Vec::new();
    let mut add = |target, name, bytes| seeds.push((target, name, bytes));

    // GitHub: the documented example and its near misses.
    const GH_SECRET: &[u8] = b"It's a Secret to Everybody";
    const GH_BODY: &[u8] = b"Hello, World!";
    let literal = NAMES.len() as u8;
    let gh = |headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(GH_SECRET, 1_700_000_000_000);
        case.headers = headers;
        case
    };
    let meta = || {
        [
            Header::Literal(GH_EVENT, b"push"),
            Header::Literal(GH_DELIVERY, b"72d3162e"),
        ]
    };
    let mut valid = gh(vec![Header::Signature(GH_SIG, 0)]);
    valid.headers.extend(meta());
    add("github_verify", "valid", valid.bytes(literal, GH_BODY));
    let mut map = gh(vec![Header::Signature(GH_SIG, 0b1010_0101)]);
    map.flags = AS_HEADER_MAP;
    map.headers.extend(meta());
    add(
        "github_verify",
        "valid_header_map",
        map.bytes(literal, GH_BODY),
    );
    let mut ping = gh(vec![
        Header::Signature(GH_SIG, 0),
        Header::Literal(GH_EVENT, b"ping"),
    ]);
    ping.flags = AS_HEADER_MAP;
    add(
        "github_verify",
        "ping",
        ping.bytes(literal, br#"{"zen":"Keep it logically awesome."}"#),
    );
    let mut rotated = gh(vec![Header::Previous(GH_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"new secret";
    rotated.previous = GH_SECRET;
    add(
        "github_verify",
        "rotated_previous",
        rotated.bytes(literal, GH_BODY),
    );
    for (name, edit) in [
        ("whitespace", (EDIT_SPACE, 0, 3)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("uppercase_one_digit", (EDIT_UPPER_ONE, 13, 0)),
        ("flipped_last", (EDIT_FLIP, 70, 1)),
        ("flipped_first", (EDIT_FLIP, 7, 0x40)),
        ("hex_63", (EDIT_CUT, 70, 0)),
        ("list", (EDIT_LIST, 0, 0)),
    ] {
        add(
            "github_verify",
            name,
            gh(vec![Header::Edited(GH_SIG, edit)]).bytes(literal, GH_BODY),
        );
    }
    const ZEROS: &[u8] = b"sha256=0000000000000000000000000000000000000000000000000000000000000000";
    let repeated = gh(vec![
        Header::Signature(GH_SIG, 0),
        Header::Literal(GH_SIG, ZEROS),
    ]);
    add(
        "github_verify",
        "repeated",
        repeated.bytes(literal, GH_BODY),
    );
    add(
        "github_verify",
        "missing",
        gh(vec![]).bytes(literal, GH_BODY),
    );
    let sha1 = gh(vec![Header::Named("X-Hub-Signature", b"sha1=0000")]);
    add("github_verify", "sha1_only", sha1.bytes(literal, GH_BODY));
    add(
        "github_verify",
        "empty_secret",
        CaseSeed::new(b"", 0).bytes(literal, GH_BODY),
    );

    // Linear: a body timestamp inside and outside the window, bodies that
    // lack a usable one.
    const TS: i64 = 1_579_784_000_000;
    let lin = |now: i64, config: Vec<u8>| {
        let mut case = CaseSeed::new(b"lin_wh_secret", now);
        case.config = config;
        case.headers = vec![
            Header::Signature(LIN_SIG, 0),
            Header::Literal(LIN_DELIVERY, b"d-1"),
        ];
        case
    };
    let body = format!(r#"{{"action":"create","type":"Issue","webhookTimestamp":{TS}}}"#);
    add(
        "linear_verify",
        "valid",
        lin(TS + 30_000, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "edge_60s",
        lin(TS + 60_000, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "too_old",
        lin(TS + 60_001, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "in_future",
        lin(TS - 60_001, vec![]).bytes(literal, &body),
    );
    add(
        "linear_verify",
        "tolerance_zero",
        lin(TS, vec![1]).bytes(literal, &body),
    );
    let max = format!(r#"{{"webhookTimestamp":{}}}"#, u64::MAX);
    add(
        "linear_verify",
        "u64_max_tolerance_max",
        lin(i64::MIN, vec![2]).bytes(literal, &max),
    );
    let mut header_only = lin(TS, vec![]);
    header_only
        .headers
        .push(Header::Literal(LIN_TS, b"1579784000000"));
    add(
        "linear_verify",
        "header_timestamp_only",
        header_only.bytes(literal, r#"{"action":"create"}"#),
    );
    for (name, body) in [
        (
            "nested",
            format!(r#"{{"data":{{"webhookTimestamp":{TS}}}}}"#),
        ),
        ("string_typed", format!(r#"{{"webhookTimestamp":"{TS}"}}"#)),
        ("float", format!(r#"{{"webhookTimestamp":{TS}.0}}"#)),
        ("negative", r#"{"webhookTimestamp":-1}"#.to_owned()),
        ("huge", format!(r#"{{"webhookTimestamp":{}0}}"#, u64::MAX)),
        (
            "duplicate",
            format!(r#"{{"webhookTimestamp":{TS},"webhookTimestamp":{TS}}}"#),
        ),
        (
            "escaped_key",
            format!(r#"{{"webhook\u0054imestamp":{TS}}}"#),
        ),
        ("not_json", "webhookTimestamp=1579784000000".to_owned()),
        ("empty", String::new()),
        (
            "deep",
            format!(
                r#"{{"webhookTimestamp":{TS},"a":{}{}}}"#,
                "[".repeat(600),
                "]".repeat(600)
            ),
        ),
    ] {
        add("linear_verify", name, lin(TS, vec![]).bytes(literal, body));
    }
    let mut upper = lin(TS, vec![]);
    upper.headers = vec![Header::Edited(LIN_SIG, (EDIT_UPPER, 0, 0))];
    add(
        "linear_verify",
        "uppercase_hex",
        upper.bytes(literal, &body),
    );

    // Notify: metadata in the signed body.
    const NOW: i64 = 1_714_564_800_000;
    let notify_case = |config: Vec<u8>, now: i64| {
        let mut case = CaseSeed::new(b"notify-secret", now);
        case.config = config;
        case.headers = vec![Header::Signature(NOTIFY_SIG, 0)];
        case
    };
    let body = r#"{"event":"message.sent","event_id":"evt_1","timestamp":"2024-05-01T12:00:00Z","data":{}}"#;
    let minute = [vec![3], 60_000u32.to_be_bytes().to_vec()].concat();
    add(
        "notify_verify",
        "valid",
        notify_case(vec![], 0).bytes(literal, body),
    );
    add(
        "notify_verify",
        "valid_window",
        notify_case(minute.clone(), NOW + 1).bytes(literal, body),
    );
    add(
        "notify_verify",
        "too_old",
        notify_case(minute.clone(), NOW + 60_001).bytes(literal, body),
    );
    for (name, body) in [
        ("missing_event_id", r#"{"event":"message.sent"}"#),
        (
            "escaped_event",
            r#"{"event":"message\u002esent","event_id":"evt_1"}"#,
        ),
        (
            "bad_timestamp",
            r#"{"event":"e","event_id":"i","timestamp":"2024-02-30T00:00:00Z"}"#,
        ),
        ("numeric_id", r#"{"event":"e","event_id":1}"#),
        ("array", r#"[{"event":"e","event_id":"i"}]"#),
    ] {
        add(
            "notify_verify",
            name,
            notify_case(minute.clone(), NOW).bytes(literal, body),
        );
    }
    let mut wrong = notify_case(vec![], NOW);
    wrong.headers = vec![Header::Literal(
        NOTIFY_SIG,
        b"757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    )];
    add(
        "notify_verify",
        "wrong_signature",
        wrong.bytes(literal, body),
    );

    // Generic: configurations and encodings.
    let literal = NAMES.len() as u8 + 3;
    let generic = |config: Vec<u8>, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(GH_SECRET, 0);
        case.config = config;
        case.headers = headers;
        case
    };
    add(
        "generic_verify",
        "default_hex",
        generic(vec![0, 0, 0, 0, 0], vec![Header::Signature(GEN_SIG, 0)]).bytes(literal, GH_BODY),
    );
    add(
        "generic_verify",
        "uppercase_hex",
        generic(
            vec![0, 0, 0, 0, 0],
            vec![Header::Edited(GEN_SIG, (EDIT_UPPER_ONE, 13, 0))],
        )
        .bytes(literal, GH_BODY),
    );
    let meta = vec![
        Header::Signature(GEN_SIG, 0),
        Header::Literal(GEN_ID, b"42"),
        Header::Literal(GEN_EVENT, b"created"),
    ];
    add(
        "generic_verify",
        "base64_bare",
        generic(vec![1, 1, 1, 1, 1], meta).bytes(literal, GH_BODY),
    );
    add(
        "generic_verify",
        "base64_flipped",
        generic(
            vec![1, 1, 1, 0, 0],
            vec![Header::Edited(GEN_SIG, (EDIT_FLIP, 42, 1))],
        )
        .bytes(literal, GH_BODY),
    );
    let custom = Writer::default()
        .byte(2)
        .chunk("X-Custom-Sig")
        .byte(3)
        .chunk("v0:")
        .byte(0)
        .byte(2)
        .chunk("X-Id")
        .rest([0]);
    add(
        "generic_verify",
        "custom_names",
        generic(
            custom,
            vec![
                Header::Signature(GEN_SIG, 0xff),
                Header::Named("x-id", b" 7 "),
            ],
        )
        .bytes(literal, GH_BODY),
    );
    let bad_name = Writer::default().byte(2).chunk("bad name").rest([]);
    add(
        "generic_verify",
        "invalid_header_name",
        generic(bad_name, vec![]).bytes(literal, GH_BODY),
    );
    let bad_prefix = Writer::default().byte(0).byte(3).chunk("sha 256=").rest([]);
    add(
        "generic_verify",
        "invalid_prefix",
        generic(bad_prefix, vec![]).bytes(literal, GH_BODY),
    );

    // Decoders.
    let hex = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    for (name, input) in [
        ("lower", hex.to_owned()),
        ("upper", hex.to_uppercase()),
        ("63", hex[..63].to_owned()),
        ("65", format!("{hex}0")),
        ("non_digit", hex.replace('e', "g")),
        ("arabic_indic_digit", hex.replacen('7', "\u{667}", 1)),
        ("prefixed", format!("sha256={hex}")),
    ] {
        add("hex_decode", name, input.into_bytes());
    }
    let b64 = "dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc=";
    for (name, input) in [
        ("canonical", b64.to_owned()),
        ("unpadded", b64.trim_end_matches('=').to_owned()),
        ("url_safe", b64.replace('/', "_")),
        ("trailing_bits", b64.replace("hc=", "hd=")),
        ("double_pad", b64.replace("hc=", "h==")),
        ("whitespace", format!(" {b64}")),
    ] {
        add("base64_decode", name, input.into_bytes());
    }

    // The JSON scanner.
    for (name, body) in [
        (
            "linear",
            format!(r#"{{"action":"create","webhookTimestamp":{TS},"data":{{"id":"x"}}}}"#),
        ),
        ("notify", body.to_owned()),
        (
            "nested_only",
            format!(r#"{{"data":{{"webhookTimestamp":{TS}}}}}"#),
        ),
        (
            "duplicate",
            r#"{"webhookTimestamp":1,"webhookTimestamp":2}"#.to_owned(),
        ),
        ("duplicate_other", r#"{"a":1,"a":2,"event":"e"}"#.to_owned()),
        (
            "wrong_types",
            r#"{"webhookTimestamp":"1","event":1}"#.to_owned(),
        ),
        (
            "numbers",
            r#"{"webhookTimestamp":18446744073709551615,"a":[-0,1e400,-1.5E-3,0.0]}"#.to_owned(),
        ),
        (
            "overflow",
            r#"{"webhookTimestamp":18446744073709551616}"#.to_owned(),
        ),
        (
            "escapes",
            r#"{"webhook\u0054imestamp":5,"ev\u0065nt":"a\"b","x":"\ud800"}"#.to_owned(),
        ),
        (
            "deep_1000",
            format!("{{\"a\":{}{}}}", "[".repeat(1000), "]".repeat(1000)),
        ),
        (
            "deep_objects",
            format!("{{\"a\":{}1{}}}", "{\"b\":".repeat(200), "}".repeat(200)),
        ),
        ("not_object", "[1579784000000]".to_owned()),
        ("trailing", r#"{"webhookTimestamp":1} {}"#.to_owned()),
        ("bom", "\u{feff}{}".to_owned()),
        ("empty", String::new()),
        ("whitespace", " \t\r\n{ } \n".to_owned()),
    ] {
        add("linear_timestamp", name, body.into_bytes());
    }
    add(
        "linear_timestamp",
        "invalid_utf8",
        b"{\"event\":\"\xff\"}".to_vec(),
    );

    // Round trips: each provider, signature or body mutated, rotation.
    for (name, choice, mutate) in [
        ("github_signature", 0, 0),
        ("github_body_rotated", 4, 1),
        ("linear_signature", 1, 0),
        ("linear_body", 1, 1),
        ("notify_signature_window", 2 | 16, 0),
        ("notify_body_rotated", 2 | 4, 1),
        ("generic_hex_signature", 3, 0),
        ("generic_base64_body", 3 | 8, 1),
        ("generic_base64_rotated", 3 | 4 | 8, 0),
        ("standard_signature", 32, 0),
        ("standard_body_rotated", 32 | 4, 1),
        ("standard_id", 32, 2),
        ("standard_timestamp", 32, 6),
        ("standard_unpadded_whsec_rotated", 32 | 8 | 4, 0),
        ("stripe_signature", 33, 0),
        ("stripe_body_rotated", 33 | 4, 1),
        ("slack_signature", 34, 0),
        ("slack_timestamp", 34, 2),
        ("slack_body_rotated", 34 | 4, 1),
        ("shopify_signature", 35, 0),
        ("shopify_body_rotated", 35 | 4, 1),
    ] {
        let bytes = Writer::default()
            .byte(choice)
            .chunk("secret")
            .chunk("72d3162e-cc78-11e3-81ab-4c9367dc0958")
            .chunk("push")
            .u64(1_700_000_000_123)
            .u64(59_999)
            .byte(mutate)
            .u16(21)
            .byte(0x20)
            .rest(r#"{"action":"opened","n":1}"#);
        add("roundtrip", name, bytes);
    }
    add(
        "roundtrip",
        "bad_id",
        Writer::default()
            .byte(0)
            .chunk("s")
            .chunk("a\nb")
            .chunk("push")
            .rest("{}"),
    );
    // Standard Webhooks ids it must refuse to sign (then signs a plain one).
    for (name, id) in [
        ("standard_dotted_id", "msg.1"),
        ("standard_padded_id", " msg_1\t"),
        ("standard_blank_id", " "),
        ("standard_no_id", ""),
    ] {
        add(
            "roundtrip",
            name,
            Writer::default()
                .byte(32)
                .chunk("s")
                .chunk(id)
                .chunk("")
                .u64(1_614_265_330_000)
                .u64(0)
                .byte(2)
                .u16(0)
                .byte(1)
                .rest("{}"),
        );
    }

    // Standard Webhooks: the reference libraries' vector, Svix names,
    // rotation, lists, windows, id and timestamp forms.
    const SW_SECRET: &[u8] = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SW_ID: &[u8] = b"msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SW_TS: &[u8] = b"1614265330";
    const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SW_NOW: i64 = 1_614_265_330_000;
    const SW_REF: &[u8] = b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const SW_DECOY: &str = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    let literal = STANDARD_NAMES.len() as u8;
    // Config: flags (1 whsec, 2 webhook-* headers, 4 svix-* headers), id,
    // timestamp, tolerance.
    let sw_config = |flags: u8, id: &[u8], ts: &[u8], tolerance: &[u8]| {
        Writer::default()
            .byte(flags)
            .chunk(id)
            .chunk(ts)
            .rest(tolerance)
    };
    let sw = |flags: u8, now: i64, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(SW_SECRET, now);
        case.config = sw_config(flags, SW_ID, SW_TS, &[0]);
        case.headers = headers;
        case
    };
    add(
        "standard_verify",
        "valid",
        sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "reference_vector",
        sw(
            1,
            SW_NOW,
            vec![
                Header::Literal(SW_ID_H, SW_ID),
                Header::Literal(SW_TS_H, SW_TS),
                Header::Literal(SW_SIG, SW_REF),
            ],
        )
        .bytes(literal, SW_BODY),
    );
    let mut map = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0b0101_1010)]);
    map.flags = AS_HEADER_MAP;
    add(
        "standard_verify",
        "valid_header_map",
        map.bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "svix_names",
        sw(5, SW_NOW, vec![Header::Signature(SVIX_SIG, 0)]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "svix_signature_webhook_id",
        sw(3, SW_NOW, vec![Header::Signature(SVIX_SIG, 0)]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "both_sets",
        sw(7, SW_NOW, vec![Header::Signature(SW_SIG, 0)]).bytes(literal, SW_BODY),
    );
    let mut raw = sw(2, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
    raw.current = b"raw key, not base64";
    add("standard_verify", "raw_key", raw.bytes(literal, SW_BODY));
    let mut rotated = sw(3, SW_NOW, vec![Header::Previous(SW_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"whsec_bmV3LXNlY3JldA==";
    rotated.previous = SW_SECRET;
    add(
        "standard_verify",
        "rotated_previous",
        rotated.bytes(literal, SW_BODY),
    );
    let mut unpadded = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
    unpadded.current = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS";
    add(
        "standard_verify",
        "whsec_unpadded_trailing_bits",
        unpadded.bytes(literal, SW_BODY),
    );
    let mut bare = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
    bare.current = b"bmV3LXNlY3JldA";
    add(
        "standard_verify",
        "whsec_without_prefix",
        bare.bytes(literal, SW_BODY),
    );
    for (name, secret) in [
        ("whsec_invalid", &b"whsec_not base64!"[..]),
        ("whsec_empty", b"whsec_"),
        ("whsec_overpadded", b"whsec_bmV3LXNlY3JldA==="),
        ("whsec_one_symbol_over", b"whsec_bmV3L"),
    ] {
        let mut bad = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
        bad.current = secret;
        add("standard_verify", name, bad.bytes(literal, SW_BODY));
    }
    for (name, edit) in [
        ("list_of_two", (EDIT_LIST, 0, 1)),
        ("list_with_comma", (EDIT_LIST, 0, 0)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("flipped", (EDIT_FLIP, 10, 1)),
        ("flipped_version", (EDIT_FLIP, 1, 3)),
        ("unpadded", (EDIT_CUT, 46, 0)),
        ("whitespace", (EDIT_SPACE, 0, 3)),
        ("tab_inside", (EDIT_INSERT, 3, b'\t')),
        ("space_inside", (EDIT_INSERT, 20, b' ')),
    ] {
        add(
            "standard_verify",
            name,
            sw(3, SW_NOW, vec![Header::Edited(SW_SIG, edit)]).bytes(literal, SW_BODY),
        );
    }
    let right = String::from_utf8(SW_REF.to_vec()).expect("ASCII");
    let list = |decoys: &[&str], last: &str| {
        let mut entries = decoys.to_vec();
        entries.push(last);
        entries.join(" ").into_bytes().leak() as &'static [u8]
    };
    for (name, value) in [
        ("list_32_last_right", list(&[SW_DECOY; 31], &right)),
        ("list_33", list(&[SW_DECOY; 32], &right)),
        ("list_100", list(&[SW_DECOY; 99], &right)),
        ("list_33_unknown_versions", list(&["v2,x"; 32], &right)),
        (
            "other_versions_ignored",
            list(&["v2,abc", "v1a,x", "nocomma", ",v1"], &right),
        ),
        (
            "only_other_versions",
            list(&["v2,abc"], &right.replace("v1,", "v1a,")),
        ),
        ("undecodable_then_right", list(&["v1,short"], &right)),
        (
            "non_canonical_only",
            list(&[], &right.replace("OE=", "OF=")),
        ),
        ("url_safe", list(&[], &right.replace('/', "_"))),
        ("double_spaces", list(&["", "", SW_DECOY, ""], &right)),
        ("decoy_only", list(&[], SW_DECOY)),
        ("v1_empty", list(&[], "v1,")),
    ] {
        add(
            "standard_verify",
            name,
            sw(3, SW_NOW, vec![Header::Literal(SW_SIG, value)]).bytes(literal, SW_BODY),
        );
    }
    for (name, now, tolerance) in [
        ("edge_old_300s", SW_NOW + 300_999, &[0u8][..]),
        ("too_old", SW_NOW + 301_000, &[0]),
        ("edge_future_300s", SW_NOW - 300_000, &[0]),
        ("in_future", SW_NOW - 300_001, &[0]),
        ("tolerance_zero_same_second", SW_NOW + 999, &[1]),
        ("tolerance_zero_next_second", SW_NOW + 1_000, &[1]),
        (
            "tolerance_ms_truncated",
            SW_NOW + 2_000,
            &[3, 0, 0, 7, 0xcf],
        ),
    ] {
        let mut case = sw(3, now, vec![Header::Signature(SW_SIG, 0)]);
        case.config = sw_config(3, SW_ID, SW_TS, tolerance);
        add("standard_verify", name, case.bytes(literal, SW_BODY));
    }
    for (name, id, ts) in [
        ("id_with_dot", &b"msg.1"[..], SW_TS),
        ("id_empty", b"", SW_TS),
        ("id_spaces", b" msg 1 ", SW_TS),
        ("id_not_utf8", b"msg\xff", SW_TS),
        ("ts_plus", SW_ID, b"+1614265330"),
        ("ts_leading_zero", SW_ID, b"01614265330"),
        ("ts_fraction", SW_ID, b"1614265330.0"),
        ("ts_21_digits", SW_ID, b"123456789012345678901"),
        ("ts_u64_max", SW_ID, b"18446744073709551615"),
    ] {
        let mut case = sw(3, SW_NOW, vec![Header::Signature(SW_SIG, 0)]);
        case.config = sw_config(3, id, ts, &[2]);
        add("standard_verify", name, case.bytes(literal, SW_BODY));
    }
    add(
        "standard_verify",
        "repeated_id",
        sw(
            3,
            SW_NOW,
            vec![
                Header::Signature(SW_SIG, 0),
                Header::Literal(SW_ID_H, SW_ID),
            ],
        )
        .bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "repeated_signature",
        sw(
            3,
            SW_NOW,
            vec![
                Header::Signature(SW_SIG, 0),
                Header::Signature(SW_SIG, 0xff),
            ],
        )
        .bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "missing_signature",
        sw(3, SW_NOW, vec![]).bytes(literal, SW_BODY),
    );
    add(
        "standard_verify",
        "missing_id",
        sw(0, SW_NOW, vec![Header::Signature(SW_SIG, 0)]).bytes(literal, SW_BODY),
    );

    // Stripe: `t=,v1=` lists, rotation, the window both ways.
    const ST_SECRET: &[u8] = b"whsec_test_secret";
    const ST_T: &str = "1700000000";
    const ST_BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;
    const ST_NOW: i64 = 1_700_000_000_000;
    let literal = STRIPE_NAMES.len() as u8;
    let st_config = |t: &str, tolerance: &[u8]| Writer::default().chunk(t).rest(tolerance);
    let st = |now: i64, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(ST_SECRET, now);
        case.config = st_config(ST_T, &[0]);
        case.headers = headers;
        case
    };
    add(
        "stripe_verify",
        "valid",
        st(ST_NOW + 1, vec![Header::Signature(ST_SIG, 0)]).bytes(literal, ST_BODY),
    );
    for (name, body) in [
        (
            "valid_event_type",
            &br#"{"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1"}}}"#[..],
        ),
        ("valid_repeated_id", br#"{"id":"evt_1","id":"evt_2","type":"a"}"#),
        ("valid_empty_id", br#"{"id":"","type":""}"#),
        ("valid_escaped_id", br#"{"id":"evt\u005f1","type":"invoice\/paid"}"#),
    ] {
        add(
            "stripe_verify",
            name,
            st(ST_NOW, vec![Header::Signature(ST_SIG, 0)]).bytes(literal, body),
        );
    }
    let mut map = st(ST_NOW, vec![Header::Signature(ST_SIG, 0b1111_0000)]);
    map.flags = AS_HEADER_MAP;
    add(
        "stripe_verify",
        "valid_header_map",
        map.bytes(literal, ST_BODY),
    );
    let mut rotated = st(ST_NOW, vec![Header::Previous(ST_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"whsec_rolled";
    rotated.previous = ST_SECRET;
    add(
        "stripe_verify",
        "rotated_previous",
        rotated.bytes(literal, ST_BODY),
    );
    for (name, edit) in [
        ("list_repeated_t", (EDIT_LIST, 0, 0)),
        ("list_space_joined", (EDIT_LIST, 0, 1)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("uppercase_one_digit", (EDIT_UPPER_ONE, 22, 0)),
        ("flipped_hex", (EDIT_FLIP, 30, 1)),
        ("flipped_t", (EDIT_FLIP, 5, 1)),
        ("hex_63", (EDIT_CUT, 79, 0)),
        ("whitespace", (EDIT_SPACE, 0, 1)),
        ("space_after_comma", (EDIT_INSERT, 13, b' ')),
    ] {
        add(
            "stripe_verify",
            name,
            st(ST_NOW, vec![Header::Edited(ST_SIG, edit)]).bytes(literal, ST_BODY),
        );
    }
    let v1 = reference_hex(ST_SECRET, &[ST_T.as_bytes(), b".", ST_BODY].concat());
    let zeros = "0".repeat(64);
    let v0s = |n: usize| ",v0=00".repeat(n);
    for (name, value) in [
        (
            "decoy_then_right",
            format!("t={ST_T},v1={zeros},v1={v1},v0={zeros}"),
        ),
        ("order_free", format!("v1={v1},t={ST_T}")),
        (
            "unreadable_extra_v1",
            format!("t={ST_T},v1={v1},v1=bad_signature"),
        ),
        ("v0_only", format!("t={ST_T},v0={v1}")),
        (
            "uppercase_hex",
            format!("t={ST_T},v1={}", v1.to_uppercase()),
        ),
        ("missing_t", format!("v1={v1}")),
        ("t_without_equals", format!("t,v1={v1}")),
        ("v1_without_equals", format!("t={ST_T},v1")),
        ("t_plus", format!("t=+{ST_T},v1={v1}")),
        ("t_leading_space", format!("t= {ST_T},v1={v1}")),
        ("t_21_digits", format!("t=170000000000000000000,v1={v1}")),
        ("repeated_t", format!("t={ST_T},t={ST_T},v1={v1}")),
        ("empty_elements", format!("t={ST_T},,v1={v1},")),
        ("list_32", format!("t={ST_T}{},v1={v1}", v0s(31))),
        ("list_33", format!("t={ST_T}{},v1={v1}", v0s(32))),
        ("list_100", format!("t={ST_T}{},v1={v1}", v0s(99))),
        (
            "repeated_t_before_limit",
            format!("t={ST_T},t={ST_T}{}", v0s(40)),
        ),
        (
            "limit_before_repeated_t",
            format!("{},t={ST_T},t={ST_T}", &v0s(40)[1..]),
        ),
        ("unknown_keys", format!("t={ST_T},v2={v1},v1={v1},x=y")),
    ] {
        let value: &'static [u8] = value.into_bytes().leak();
        add(
            "stripe_verify",
            name,
            st(ST_NOW, vec![Header::Literal(ST_SIG, value)]).bytes(literal, ST_BODY),
        );
    }
    for (name, now, tolerance) in [
        ("edge_old_300s", ST_NOW + 300_999, &[0u8][..]),
        ("too_old", ST_NOW + 301_000, &[0]),
        ("edge_future_300s", ST_NOW - 300_000, &[0]),
        ("in_future", ST_NOW - 300_001, &[0]),
        ("tolerance_zero", ST_NOW + 500, &[1]),
        ("tolerance_max_epoch", 0, &[2]),
        (
            "tolerance_nanos",
            ST_NOW + 1_000,
            &[4, 0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x00],
        ),
    ] {
        let mut case = st(now, vec![Header::Signature(ST_SIG, 0)]);
        case.config = st_config(ST_T, tolerance);
        add("stripe_verify", name, case.bytes(literal, ST_BODY));
    }
    let mut leading_zero = st(ST_NOW, vec![Header::Signature(ST_SIG, 0)]);
    leading_zero.config = st_config("01700000000", &[0]);
    add(
        "stripe_verify",
        "t_leading_zero_signed",
        leading_zero.bytes(literal, ST_BODY),
    );
    add(
        "stripe_verify",
        "repeated_header",
        st(
            ST_NOW,
            vec![
                Header::Signature(ST_SIG, 0),
                Header::Named("Stripe-Signature", b"t=1"),
            ],
        )
        .bytes(literal, ST_BODY),
    );
    add(
        "stripe_verify",
        "missing",
        st(ST_NOW, vec![]).bytes(literal, ST_BODY),
    );

    // Slack: `v0=` hex, the separate timestamp header.
    const SL_SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    const SL_TS: &[u8] = b"1531420618";
    const SL_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J";
    const SL_NOW: i64 = 1_531_420_618_000;
    let literal = SLACK_NAMES.len() as u8;
    let sl_config = |append: u8, ts: &[u8], tolerance: &[u8]| {
        Writer::default().byte(append).chunk(ts).rest(tolerance)
    };
    let sl = |append: u8, now: i64, headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(SL_SECRET, now);
        case.config = sl_config(append, SL_TS, &[0]);
        case.headers = headers;
        case
    };
    add(
        "slack_verify",
        "valid",
        sl(1, SL_NOW + 82_000, vec![Header::Signature(SL_SIG, 0)]).bytes(literal, SL_BODY),
    );
    add(
        "slack_verify",
        "valid_events_api",
        sl(1, SL_NOW, vec![Header::Signature(SL_SIG, 0)]).bytes(
            literal,
            br#"{"team_id":"T1","event":{"type":"app_mention"},"type":"event_callback","event_id":"Ev08MFMKH6"}"#,
        ),
    );
    add(
        "slack_verify",
        "valid_literal_timestamp",
        sl(
            0,
            SL_NOW,
            vec![
                Header::Literal(SL_TS_H, b" 1531420618\t"),
                Header::Signature(SL_SIG, 0b0011),
                Header::Literal(SL_RETRY, b"1"),
            ],
        )
        .bytes(literal, SL_BODY),
    );
    let mut map = sl(1, SL_NOW, vec![Header::Signature(SL_SIG, 0xff)]);
    map.flags = AS_HEADER_MAP;
    add(
        "slack_verify",
        "valid_header_map",
        map.bytes(literal, SL_BODY),
    );
    let mut rotated = sl(1, SL_NOW, vec![Header::Previous(SL_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"new signing secret";
    rotated.previous = SL_SECRET;
    add(
        "slack_verify",
        "rotated_previous",
        rotated.bytes(literal, SL_BODY),
    );
    for (name, edit) in [
        ("uppercase", (EDIT_UPPER, 0, 0)),
        ("uppercase_one_digit", (EDIT_UPPER_ONE, 5, 0)),
        ("flipped", (EDIT_FLIP, 40, 2)),
        ("flipped_prefix", (EDIT_FLIP, 1, 1)),
        ("hex_63", (EDIT_CUT, 66, 0)),
        ("list", (EDIT_LIST, 0, 0)),
        ("whitespace", (EDIT_SPACE, 0, 2)),
    ] {
        add(
            "slack_verify",
            name,
            sl(1, SL_NOW, vec![Header::Edited(SL_SIG, edit)]).bytes(literal, SL_BODY),
        );
    }
    let sl_hex = reference_hex(SL_SECRET, &[b"v0:", SL_TS, b":", SL_BODY].concat());
    for (name, value) in [
        ("no_prefix", sl_hex.clone()),
        ("v1_prefix", format!("v1={sl_hex}")),
        ("sha256_prefix", format!("sha256={sl_hex}")),
        ("uppercase_hex", format!("v0={}", sl_hex.to_uppercase())),
    ] {
        let value: &'static [u8] = value.into_bytes().leak();
        add(
            "slack_verify",
            name,
            sl(1, SL_NOW, vec![Header::Literal(SL_SIG, value)]).bytes(literal, SL_BODY),
        );
    }
    for (name, now, tolerance) in [
        ("edge_old_300s", SL_NOW + 300_999, &[0u8][..]),
        ("too_old", SL_NOW + 301_000, &[0]),
        ("edge_future_300s", SL_NOW - 300_000, &[0]),
        ("in_future", SL_NOW - 300_001, &[0]),
        ("tolerance_zero", SL_NOW + 999, &[1]),
        ("before_epoch_tolerance_max", -1, &[2]),
    ] {
        let mut case = sl(1, now, vec![Header::Signature(SL_SIG, 0)]);
        case.config = sl_config(1, SL_TS, tolerance);
        add("slack_verify", name, case.bytes(literal, SL_BODY));
    }
    for (name, ts) in [
        ("ts_plus", &b"+1531420618"[..]),
        ("ts_fraction", b"1531420618.0"),
        ("ts_negative", b"-5"),
        ("ts_empty", b""),
        ("ts_leading_zeros", b"0001531420618"),
    ] {
        let mut case = sl(1, SL_NOW, vec![Header::Signature(SL_SIG, 0)]);
        case.config = sl_config(1, ts, &[0]);
        add("slack_verify", name, case.bytes(literal, SL_BODY));
    }
    add(
        "slack_verify",
        "missing_timestamp",
        sl(0, SL_NOW, vec![Header::Signature(SL_SIG, 0)]).bytes(literal, SL_BODY),
    );
    add(
        "slack_verify",
        "repeated_timestamp",
        sl(
            1,
            SL_NOW,
            vec![
                Header::Signature(SL_SIG, 0),
                Header::Literal(SL_TS_H, SL_TS),
            ],
        )
        .bytes(literal, SL_BODY),
    );
    add(
        "slack_verify",
        "missing_signature",
        sl(1, SL_NOW, vec![]).bytes(literal, SL_BODY),
    );

    // Shopify: base64 over the raw body, no clock.
    const SH_SECRET: &[u8] = b"7008c5f4da4718b9b45d26d3fcbbb157";
    const SH_BODY: &[u8] = br#"{"foo":"bar"}"#;
    const SH_SIG_VALUE: &str = "+R9TwYM4mbLTk3hEAOBkpA7zW2lc9vNFmVKs2u2jtyY=";
    let literal = SHOPIFY_NAMES.len() as u8;
    let sh = |headers: Vec<Header<'static>>| {
        let mut case = CaseSeed::new(SH_SECRET, 0);
        case.headers = headers;
        case
    };
    let meta = || {
        [
            Header::Literal(SH_TOPIC, b"products/update"),
            Header::Literal(SH_ID, b" b54557e4-bdd9-4b37-8a5f-bf7d70bcd043 "),
            Header::Literal(SH_SHOP, b"shop.myshopify.com"),
        ]
    };
    let mut valid = sh(vec![Header::Signature(SH_SIG, 0)]);
    valid.headers.extend(meta());
    add("shopify_verify", "valid", valid.bytes(literal, SH_BODY));
    let mut map = sh(vec![Header::Signature(SH_SIG, 0b1010_1010)]);
    map.flags = AS_HEADER_MAP;
    map.now = i64::MIN;
    map.headers.extend(meta());
    add(
        "shopify_verify",
        "valid_header_map_any_clock",
        map.bytes(literal, SH_BODY),
    );
    let mut rotated = sh(vec![Header::Previous(SH_SIG)]);
    rotated.flags = WITH_PREVIOUS;
    rotated.current = b"rotated";
    rotated.previous = SH_SECRET;
    add(
        "shopify_verify",
        "rotated_previous",
        rotated.bytes(literal, SH_BODY),
    );
    for (name, edit) in [
        ("flipped", (EDIT_FLIP, 0, 0x08)),
        ("unpadded", (EDIT_CUT, 43, 0)),
        ("whitespace", (EDIT_SPACE, 0, 0)),
        ("list", (EDIT_LIST, 0, 0)),
        ("uppercase", (EDIT_UPPER, 0, 0)),
    ] {
        add(
            "shopify_verify",
            name,
            sh(vec![Header::Edited(SH_SIG, edit)]).bytes(literal, SH_BODY),
        );
    }
    for (name, value) in [
        ("reference_vector", SH_SIG_VALUE.to_owned()),
        (
            "hex",
            "f91f53c1833899b2d393784400e064a40ef35b695cf6f3459952acdaeda3b726".to_owned(),
        ),
        ("url_safe", SH_SIG_VALUE.replace('+', "-")),
        ("trailing_bits", SH_SIG_VALUE.replace("yY=", "yZ=")),
        ("prefixed", format!("sha256={SH_SIG_VALUE}")),
        ("double_pad", SH_SIG_VALUE.replace("yY=", "y==")),
    ] {
        let value: &'static [u8] = value.into_bytes().leak();
        add(
            "shopify_verify",
            name,
            sh(vec![Header::Literal(SH_SIG, value)]).bytes(literal, SH_BODY),
        );
    }
    add(
        "shopify_verify",
        "repeated",
        sh(vec![
            Header::Signature(SH_SIG, 0),
            Header::Named("X-SHOPIFY-HMAC-SHA256", SH_SIG_VALUE.as_bytes()),
        ])
        .bytes(literal, SH_BODY),
    );
    add(
        "shopify_verify",
        "missing",
        sh(vec![]).bytes(literal, SH_BODY),
    );
    add(
        "shopify_verify",
        "empty_secret",
        CaseSeed::new(b"", 0).bytes(literal, SH_BODY),
    );

    // The list parsers on raw header values.
    for (name, value) in [
        ("valid", format!("t={ST_T},v1={v1}")),
        (
            "two_v1_and_v0",
            format!("t={ST_T},v1={zeros},v1={v1},v0={v1}"),
        ),
        ("uppercase", format!("t={ST_T},v1={}", v1.to_uppercase())),
        ("hex_63", format!("t={ST_T},v1={}", &v1[..63])),
        ("v0_only", format!("t={ST_T},v0={v1}")),
        ("missing_t", format!("v1={v1}")),
        ("repeated_t", format!("t=1,t=2,v1={v1}")),
        ("list_32", format!("t={ST_T}{},v1={v1}", v0s(31))),
        ("list_100", format!("t={ST_T}{},v1={v1}", v0s(99))),
        ("limit_then_t", format!("{},t=1,t=2", &v0s(40)[1..])),
        ("spaces", format!("t={ST_T}, v1={v1} ")),
        ("bare_keys", "t,v1,=,,==".to_owned()),
        ("empty", String::new()),
    ] {
        add("stripe_header", name, value.into_bytes());
    }
    add(
        "stripe_header",
        "not_utf8",
        [b"t=\xff,v1=", v1.as_bytes()].concat(),
    );
    let decoys = |n: usize, last: &str| {
        let mut entries = vec![SW_DECOY; n];
        entries.push(last);
        entries.join(" ")
    };
    for (name, value) in [
        ("valid", right.clone()),
        ("two", decoys(1, &right)),
        ("list_32", decoys(31, &right)),
        ("list_33", decoys(32, &right)),
        ("list_100", decoys(99, &right)),
        (
            "other_versions",
            format!("v1a,{} v2,x nocomma {right}", &right[3..]),
        ),
        ("tab_separated", format!("{SW_DECOY}\t{right}")),
        ("double_spaces", format!("  {SW_DECOY}   {right}  ")),
        ("v1_empty", "v1,".to_owned()),
        ("unpadded", right.trim_end_matches('=').to_owned()),
        ("trailing_bits", right.replace("OE=", "OF=")),
        ("url_safe", right.replace('/', "_")),
        ("second_comma", format!("{right},x")),
        ("empty", String::new()),
    ] {
        add("standard_webhooks_header", name, value.into_bytes());
    }
    add(
        "standard_webhooks_header",
        "not_utf8",
        [b"v1,\xff ", SW_REF].concat(),
    );
    seeds
}
