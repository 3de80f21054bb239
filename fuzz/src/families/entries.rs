//! The entries family: Standard Webhooks (and its `svix-*` names): an id
//! and a timestamp header, and space-separated `v1,<base64>` entries over
//! `{id}.{timestamp}.{body}`; and its signature-list grammar on its own.

use std::time::{Duration, UNIX_EPOCH};

use hooksig::standard::{self, StandardWebhooks};
use hooksig::{Error, Provider};

use crate::case::{peek_config, tolerance, Case};
use crate::input::Input;
use crate::oracle::*;
use crate::Outcome;

/// `StandardWebhooks::verify_at` over arbitrary `webhook-*` / `svix-*`
/// headers, body, clock and tolerance, with `whsec_` or raw secrets and a
/// rotated one (the input is a verify-target input, see `Case`; there is
/// no selector byte while the family has one member): the header set is
/// chosen as documented (`svix-*` only when `webhook-signature` is absent
/// and `svix-signature` is not); the id once, non-empty, UTF-8, without
/// `.`; the timestamp 1–20 digits; the signature list read by
/// `reference_standard_list`, a grammar written from the spec (single-space
/// separated, at most 32 entries, `v1,` + 44 characters of canonical base64,
/// other versions ignored, an undecodable `v1` skipped when another
/// decodes); accepted iff a tag is the HMAC of `{id}.{timestamp}.{body}`
/// under one of the keys (`whsec_` decoded by `reference_whsec`) and the
/// timestamp is within the whole-second window both ways.
pub fn entries_verify(data: &[u8]) -> Outcome {
    standard_verify(data)
}

/// The key, id, timestamp, body and clock of [`entries_header`]: the
/// Standard Webhooks reference libraries' vector.
const ENTRIES_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ENTRIES_ID: &[u8] = b"msg_p5jXN8AQM9LWM0D4loKWxJek";
const ENTRIES_TS: &[u8] = b"1614265330";
const ENTRIES_BODY: &[u8] = br#"{"test": 2432232314}"#;
const ENTRIES_NOW_MILLIS: i128 = 1_614_265_330_000;

/// Standard Webhooks' `webhook-signature` grammar on arbitrary bytes,
/// through `StandardWebhooks::verify_at`: the input is the header value
/// (and so are its first and last 200 bytes), except that each `@` becomes
/// the right tag's 44 base64 characters (so `v1,@` is the right entry).
/// With the reference vector's key, id, timestamp, body and clock, the
/// verdict must be `expect_standard`'s: accepted, the exact
/// `MalformedHeader` problem, or `SignatureMismatch`.
pub fn entries_header(data: &[u8]) -> Outcome {
    let key = reference_whsec(ENTRIES_SECRET.as_bytes()).expect("valid secret");
    let signed = [ENTRIES_ID, b".", ENTRIES_TS, b".", ENTRIES_BODY].concat();
    let value = substitute(data, reference_base64(&key, &signed).as_bytes());
    let provider = StandardWebhooks::new(ENTRIES_SECRET).expect("valid secret");
    let now = UNIX_EPOCH + Duration::from_millis(ENTRIES_NOW_MILLIS as u64);
    let keys = [key];
    let mut accepted = false;
    for window in windows(&value, 200) {
        let pairs = vec![
            (standard::ID_HEADER.to_owned(), ENTRIES_ID.to_vec()),
            (standard::TIMESTAMP_HEADER.to_owned(), ENTRIES_TS.to_vec()),
            (standard::SIGNATURE_HEADER.to_owned(), window.to_vec()),
        ];
        let expected = expect_standard(
            &pairs,
            ENTRIES_BODY,
            &keys,
            ENTRIES_NOW_MILLIS,
            standard::DEFAULT_TOLERANCE,
        );
        let result = provider.verify_at(&pairs, ENTRIES_BODY, now);
        let ok = expected.as_ref().map(|_| ()).map_err(Clone::clone);
        accepted |= check_exact(&result, ok).is_some();
    }
    if accepted {
        Outcome::Accepted
    } else {
        Outcome::Rejected
    }
}

/// Header names [`standard_verify`] chooses from.
pub(crate) const STANDARD_NAMES: [&str; 7] = [
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
pub(crate) struct StandardConfig<'a> {
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
fn standard_verify(data: &[u8]) -> Outcome {
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

    let expected = expect_standard(&case.pairs, case.body, &keys, case.now_millis, window);
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

/// What `StandardWebhooks::verify_at` must give for these headers: the id
/// and the signed seconds, or the exact error (variant, header, problem).
fn expect_standard<'h>(
    pairs: &'h [(String, Vec<u8>)],
    body: &[u8],
    keys: &[Vec<u8>],
    now_millis: i128,
    window: Duration,
) -> Result<(&'h [u8], i128), Error> {
    let svix = matches!(find(pairs, standard::SIGNATURE_HEADER), Found::Missing)
        && !matches!(find(pairs, standard::SVIX_SIGNATURE_HEADER), Found::Missing);
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
    let id = reference_required(pairs, id_name)?;
    if id.contains(&b'.') {
        return Err(malformed(id_name, "contains a `.`"));
    }
    if std::str::from_utf8(id).is_err() {
        return Err(malformed(id_name, "is not UTF-8"));
    }
    let timestamp = reference_required(pairs, ts_name)?;
    let secs = reference_secs(timestamp)
        .ok_or_else(|| malformed(ts_name, "expected UNIX seconds (digits only)"))?;
    let value = reference_required(pairs, sig_name)?;
    let tags = reference_standard_list(value).map_err(|p| malformed(sig_name, p))?;
    let signed = [id, b".", timestamp, b".", body].concat();
    if !keys
        .iter()
        .any(|key| tags.contains(&reference_mac(key, &signed)))
    {
        return Err(Error::SignatureMismatch);
    }
    reference_window_secs(secs, now_millis, window)?;
    Ok((id, secs))
}
