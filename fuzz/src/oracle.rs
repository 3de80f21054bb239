//! The reference implementations the targets compare hooksig against:
//! written here, or taken from `hmac`, `sha2`, `hex`, `base64` and
//! `serde_json`, never from hooksig.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use hooksig::error::HeaderName;
use hooksig::{Delivery, Error};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use sha2::Sha256;

use crate::Outcome;

/// The most entries a multi-signature header (Stripe's `Stripe-Signature`,
/// Standard Webhooks' `webhook-signature`) may carry, as hooksig documents.
pub(crate) const MAX_SIGNATURES: usize = 32;

// ---------------------------------------------------------------------------
// Reference implementations (the oracles)
// ---------------------------------------------------------------------------

pub(crate) fn reference_mac(secret: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

pub(crate) fn reference_hex(secret: &[u8], body: &[u8]) -> String {
    hex::encode(reference_mac(secret, body))
}

pub(crate) fn reference_base64(secret: &[u8], body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(reference_mac(secret, body))
}

pub(crate) fn is_hex(bytes: &[u8], uppercase_too: bool) -> bool {
    bytes.len() == 64
        && bytes.iter().all(|b| match b {
            b'0'..=b'9' | b'a'..=b'f' => true,
            b'A'..=b'F' => uppercase_too,
            _ => false,
        })
}

/// RFC 9110 optional whitespace around a field value.
pub(crate) fn trim_ows(value: &[u8]) -> &[u8] {
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
pub(crate) enum Found<'h> {
    Missing,
    One(&'h [u8]),
    Repeated,
}

pub(crate) fn find<'h>(pairs: &'h [(String, Vec<u8>)], name: &str) -> Found<'h> {
    let mut matching = pairs.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    match (matching.next(), matching.next()) {
        (None, _) => Found::Missing,
        (Some((_, value)), None) => Found::One(trim_ows(value)),
        (Some(_), Some(_)) => Found::Repeated,
    }
}

/// What a metadata header should read as: once, non-empty, UTF-8.
pub(crate) fn reference_text<'h>(pairs: &'h [(String, Vec<u8>)], name: &str) -> Option<&'h str> {
    match find(pairs, name) {
        Found::One(value) if !value.is_empty() => std::str::from_utf8(value).ok(),
        _ => None,
    }
}

/// The expected result of checking the signature header: `accepts` says
/// whether a (trimmed) value is what a sender with one of the secrets
/// writes, `well_formed` whether it has the scheme's form at all.
pub(crate) fn expect_signature(
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
pub(crate) fn check<'d>(
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

pub(crate) fn outcome(delivery: Option<Delivery<'_>>) -> Outcome {
    match delivery {
        Some(_) => Outcome::Accepted,
        None => Outcome::Rejected,
    }
}

/// `millis` after the UNIX epoch plus `nanos` (< 1 ms), when representable.
pub(crate) fn clock(millis: i128, nanos: u32) -> Option<SystemTime> {
    let whole = Duration::from_millis(u64::try_from(millis.unsigned_abs()).ok()?);
    let at = if millis >= 0 {
        UNIX_EPOCH.checked_add(whole)?
    } else {
        UNIX_EPOCH.checked_sub(whole)?
    };
    at.checked_add(Duration::from_nanos(u64::from(nanos % 1_000_000)))
}

/// Whether a millisecond timestamp lies within `tolerance` of `now`.
pub(crate) fn reference_window(
    timestamp: i128,
    now: i128,
    tolerance: Duration,
) -> Result<(), &'static str> {
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
pub(crate) struct Entries(Vec<(String, serde_json::Value)>);

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
pub(crate) enum Parsed {
    /// serde_json refuses it for a reason hooksig's scanner does not share
    /// (its recursion limit of 128, lone surrogates, numbers beyond `f64`,
    /// invalid UTF-8 it reports as a code point): no verdict.
    Unknown,
    NotJson,
    NotObject,
    Object(Vec<(String, serde_json::Value)>),
}

pub(crate) fn parse(body: &[u8]) -> Parsed {
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
pub(crate) fn members<'e>(
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
pub(crate) fn check_body_field(got: Option<&str>, body: &[u8], key: &str) {
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

pub(crate) fn reference_required<'h>(
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

pub(crate) fn malformed(name: &'static str, problem: &'static str) -> Error {
    Error::MalformedHeader {
        name: HeaderName::from_static(name),
        problem,
    }
}

/// UNIX seconds as the header-timestamp schemes write them: 1 to 20 ASCII
/// digits, nothing else (`str::parse` alone would take a `+`).
pub(crate) fn reference_secs(digits: &[u8]) -> Option<i128> {
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
pub(crate) fn reference_window_secs(
    secs: i128,
    now_millis: i128,
    tolerance: Duration,
) -> Result<(), Error> {
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

pub(crate) fn reference_system_time(secs: i128) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))
}

/// Like [`check`], but the error must be exactly `expected` (variant,
/// header name and problem text).
pub(crate) fn check_exact<'d>(
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
pub(crate) fn reference_tags(
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
pub(crate) fn reference_stripe_hex(value: &[u8]) -> Result<[u8; 32], &'static str> {
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
pub(crate) fn reference_base64_tag(value: &[u8]) -> Result<[u8; 32], &'static str> {
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
/// exactly one `t`; at most [`MAX_SIGNATURES`] other elements; a
/// repeated `t` or the element past the limit, whichever comes first, is
/// the problem. Returns `t`'s text and the `v1` tags (or their problem).
pub(crate) type StripeList<'v> =
    Result<(&'v [u8], Result<Vec<[u8; 32]>, &'static str>), &'static str>;

pub(crate) fn reference_stripe_list(value: &[u8]) -> StripeList<'_> {
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
    match (nth(true, 1), nth(false, MAX_SIGNATURES)) {
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
/// [`MAX_SIGNATURES`] entries; those that start `v1,` are
/// candidates and the rest (other versions) are ignored.
pub(crate) fn reference_standard_list(value: &[u8]) -> Result<Vec<[u8; 32]>, &'static str> {
    let entries: Vec<&[u8]> = value
        .split(|&b| b == b' ')
        .filter(|e| !e.is_empty())
        .collect();
    if entries.len() > MAX_SIGNATURES {
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
pub(crate) fn reference_whsec(secret: &[u8]) -> Option<Vec<u8>> {
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

/// `data` with each `@` replaced by `right` (the right signature), so that
/// a header-grammar target reaches its accepting path.
pub(crate) fn substitute(data: &[u8], right: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    for &b in data {
        if b == b'@' {
            out.extend_from_slice(right);
        } else {
            out.push(b);
        }
    }
    out
}

/// The whole input, and its first and last `width` bytes when longer.
pub(crate) fn windows(data: &[u8], width: usize) -> impl Iterator<Item = &[u8]> {
    let ends = (data.len() > width).then(|| [&data[..width], &data[data.len() - width..]]);
    std::iter::once(data).chain(ends.into_iter().flatten())
}

/// RFC 3339 (`2024-05-01T12:00:00.123Z`) of a millisecond timestamp in
/// years 0000-9999 (Howard Hinnant's `civil_from_days`).
pub(crate) fn rfc3339(millis: i128) -> String {
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

/// An RFC 3339 `date-time` (section 5.6) in milliseconds since the UNIX
/// epoch, written here from the grammar: `YYYY-MM-DD`, `T` or `t`,
/// `hh:mm:ss`, an optional `.` and one or more digits (truncated to
/// milliseconds), then `Z`, `z` or `±hh:mm`. Days are checked against the
/// month (Gregorian leap years); a second of 60 is taken anywhere (RFC 3339
/// allows leap seconds, hooksig does not look up the leap-second table).
pub(crate) fn reference_rfc3339(text: &str) -> Option<i128> {
    fn digits(s: &str) -> Option<i128> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    }
    let (date, time) = text.split_at_checked(10)?;
    let (sep, time) = time.split_at_checked(1)?;
    if sep != "T" && sep != "t" {
        return None;
    }
    let ymd: Vec<&str> = date.split('-').collect();
    let [y, m, d] = ymd[..] else { return None };
    if (y.len(), m.len(), d.len()) != (4, 2, 2) {
        return None;
    }
    let (year, month, day) = (digits(y)?, digits(m)?, digits(d)?);
    let (clock_part, rest) = time.split_at_checked(8)?;
    let hms: Vec<&str> = clock_part.split(':').collect();
    let [h, mi, s] = hms[..] else { return None };
    if (h.len(), mi.len(), s.len()) != (2, 2, 2) {
        return None;
    }
    let (hour, minute, second) = (digits(h)?, digits(mi)?, digits(s)?);
    let (fraction, zone) = match rest.strip_prefix('.') {
        Some(tail) => {
            let end = tail
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len());
            if end == 0 {
                return None;
            }
            let ms: String = tail[..end].chars().chain("00".chars()).take(3).collect();
            (digits(&ms)?, &tail[end..])
        }
        None => (0, rest),
    };
    let offset = match zone {
        "Z" | "z" => 0,
        _ => {
            let (sign, hhmm) = zone.split_at_checked(1)?;
            let sign = match sign {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let (oh, om) = hhmm.split_once(':')?;
            if (oh.len(), om.len()) != (2, 2) {
                return None;
            }
            let (oh, om) = (digits(oh)?, digits(om)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 60 + om)
        }
    };
    let leap = |y: i128| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    const DAYS: [i128; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) {
        return None;
    }
    let month_days = DAYS[(month - 1) as usize] + i128::from(month == 2 && leap(year));
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from 1970-01-01, counted year by year and month by month.
    let mut days: i128 = 0;
    if year >= 1970 {
        days += (1970..year)
            .map(|y| 365 + i128::from(leap(y)))
            .sum::<i128>();
    } else {
        days -= (year..1970)
            .map(|y| 365 + i128::from(leap(y)))
            .sum::<i128>();
    }
    days += (1..month)
        .map(|m| DAYS[(m - 1) as usize] + i128::from(m == 2 && leap(year)))
        .sum::<i128>();
    days += day - 1;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset * 60;
    Some(seconds * 1_000 + fraction)
}

/// What Twilio signs for a form post (its SDKs' `RequestValidator`): the
/// URL, then each distinct decoded `name` + `value` pair in byte order;
/// pairs split on `&` (empty ones skipped) and the first `=`, decoded as
/// `application/x-www-form-urlencoded` (`+` a space, `%XX` a byte, any
/// other `%` kept).
pub(crate) fn reference_twilio_content(url: &str, body: &[u8]) -> Vec<u8> {
    fn decode(raw: &[u8]) -> Vec<u8> {
        let hex = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            match raw[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                b => out.push(b),
            }
            i += 1;
        }
        out
    }
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = body
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (decode(&pair[..eq]), decode(&pair[eq + 1..])),
            None => (decode(pair), Vec::new()),
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    let mut content = url.as_bytes().to_vec();
    for (name, value) in pairs {
        content.extend_from_slice(&name);
        content.extend_from_slice(&value);
    }
    content
}

/// The URI HubSpot's v3 signature covers: the URL with the escapes its
/// docs list decoded (`%3A` `:`, `%2F` `/`, `%3F` `?`, `%40` `@`, `%21`
/// `!`, `%24` `$`, `%27` `'`, `%28` `(`, `%29` `)`, `%2A` `*`, `%2C` `,`,
/// `%3B` `;`; hex digits of either case), every other byte as it is.
pub(crate) fn reference_hubspot_uri(url: &str) -> Vec<u8> {
    const DECODED: &[u8] = b":/?@!$'()*,;";
    let url = url.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < url.len() {
        let escape = url
            .get(i + 1..i + 3)
            .filter(|_| url[i] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(|byte| DECODED.contains(byte));
        match escape {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(url[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_reference_agrees_with_the_formatter() {
        for millis in [
            0,
            1,
            951_782_400_000,
            1_714_564_800_123,
            -1,
            253_402_300_799_999,
        ] {
            assert_eq!(reference_rfc3339(&rfc3339(millis)), Some(millis));
        }
        assert_eq!(
            reference_rfc3339("2024-05-01T14:00:00.1239+02:00"),
            Some(1_714_564_800_123)
        );
        for bad in [
            "2024-02-30T00:00:00Z",
            "2024-05-01 12:00:00Z",
            "2024-05-01T12:00:00",
            "2024-05-01T12:00:00.Z",
            "+024-05-01T12:00:00Z",
        ] {
            assert_eq!(reference_rfc3339(bad), None, "{bad}");
        }
    }
}
