//! The fuzz targets of hooksig: their logic, their oracles and their seed
//! corpus. This is the library target of the unpublished `hooksig-fuzz`
//! crate; hooksig itself ships none of it.
//!
//! Each target in [`TARGETS`] is a function of [`families`]: it decodes its
//! input, drives hooksig **through its public API only** (`Provider::
//! verify_at`, `sign_headers`, the builders, `Delivery`, `Error`), and
//! `assert!`s the invariants, so a violated invariant is a panic the fuzzer
//! reports. `fuzz_targets/<name>.rs` calls it through [`run`], and
//! `tests/corpus.rs` replays the committed corpus through it on stable Rust
//! without libFuzzer.
//!
//! There is one target per scheme family and per parser, not one per
//! provider:
//!
//! | target | family / parser | providers |
//! |---|---|---|
//! | `plain_verify` | one signature header over the raw body | GitHub, Linear, Notify, Generic, Shopify (first byte) |
//! | `list_verify` | a key=value list or a `v0=` value, signed with a timestamp | Stripe, Slack (first byte) |
//! | `entries_verify` | space-separated `v1,<base64>` entries, id and timestamp headers | Standard Webhooks (and its `svix-*` names) |
//! | `body_timestamp` | metadata read from the signed JSON body | Linear's `webhookTimestamp`, Notify's `event` / `event_id` / `timestamp` |
//! | `hex_decode` | hex signatures | GitHub (lowercase), Generic (either case) |
//! | `base64_decode` | base64 signatures | Shopify, Generic |
//! | `list_header` | the `Stripe-Signature` grammar | Stripe |
//! | `entries_header` | the `webhook-signature` grammar | Standard Webhooks |
//! | `roundtrip` | `sign_headers` → `verify_at` | all eight |
//! | `scheme_verify` | any HMAC-SHA256 scheme of the engine: plain, list or entries syntax, every encoding, a header or list timestamp, body / literal / timestamp / method / URL / header parts | `Generic::from_scheme` |
//!
//! The oracles are independent of the code under test: the expected
//! signature is recomputed with `hmac` / `sha2` directly, header lookup is
//! redone over the raw `(name, value)` pairs, the decoders are the `hex` and
//! `base64` crates, JSON members come from `serde_json`, RFC 3339 dates from
//! a parser written here, and the list grammars are written here from the
//! senders' documentation. Verification must accept exactly when the
//! headers carry what a sender holding one of the secrets writes, and must
//! name the right cause (variant, header and problem text) when it rejects.
//!
//! Inputs of the structured targets are read with
//! [`arbitrary::Unstructured`] in a fixed byte layout (documented on each
//! target), so the seed corpus ([`seeds`]) can be written deliberately:
//! "the right signature, then uppercase it" rather than hoping the fuzzer
//! finds an HMAC.
//!
//! A new target is a function in [`families`], its name in [`TARGETS`] and
//! [`run`], a `[[bin]]` in `Cargo.toml`, a one-line file in `fuzz_targets/`
//! and a seed set in [`seeds`].

mod case;
pub mod families;
mod input;
mod oracle;
pub mod seeds;

/// What a target did with an input, so the corpus replay can check that the
/// seeds reach the accepting path as well as the rejecting ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Verification succeeded (for a decoder target: the signature decoded
    /// to the right tag and was accepted).
    Accepted,
    /// The input was rejected, as the oracle predicted.
    Rejected,
}

/// The names of every target, in the order `Cargo.toml` lists them.
pub const TARGETS: [&str; 10] = [
    "plain_verify",
    "list_verify",
    "entries_verify",
    "body_timestamp",
    "hex_decode",
    "base64_decode",
    "list_header",
    "entries_header",
    "roundtrip",
    "scheme_verify",
];

/// Runs the target called `name` on `data`; `None` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> Option<Outcome> {
    use families::*;
    Some(match name {
        "plain_verify" => plain_verify(data),
        "list_verify" => list_verify(data),
        "entries_verify" => entries_verify(data),
        "body_timestamp" => body_timestamp(data),
        "hex_decode" => hex_decode(data),
        "base64_decode" => base64_decode(data),
        "list_header" => list_header(data),
        "entries_header" => entries_header(data),
        "roundtrip" => roundtrip(data),
        "scheme_verify" => scheme_verify(data),
        _ => return None,
    })
}
