//! The input of the verify targets: secrets, configuration, clock, headers
//! (literal or the right signature, edited) and body.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooksig::{github, linear, notify, Error, Headers};

use crate::input::Input;
use crate::oracle::clock;

// ---------------------------------------------------------------------------
// The verify targets
// ---------------------------------------------------------------------------

/// Header names the verify targets choose from (plus provider-specific ones).
pub(crate) const NAMES: [&str; 10] = [
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
pub(crate) const AS_HEADER_MAP: u8 = 1;
pub(crate) const WITH_PREVIOUS: u8 = 2;

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
pub(crate) struct Case<'a> {
    pub(crate) current: &'a [u8],
    pub(crate) previous: Option<&'a [u8]>,
    pub(crate) config: Input<'a>,
    pub(crate) now_millis: i128,
    pub(crate) now: SystemTime,
    pub(crate) pairs: Vec<(String, Vec<u8>)>,
    pub(crate) map: Option<http::HeaderMap>,
    pub(crate) body: &'a [u8],
}

impl<'a> Case<'a> {
    /// Decodes an input; `signature(secret, body)` is the header value a
    /// sender holding `secret` writes, `names` the headers the scheme reads.
    pub(crate) fn decode(
        data: &'a [u8],
        names: &[&str],
        signature: impl Fn(&[u8], &[u8]) -> Vec<u8>,
    ) -> Self {
        Self::decode_with(data, names, signature, Vec::new())
    }

    /// [`Case::decode`], with `extra` headers appended after the decoded
    /// ones (the id and timestamp a target's configuration says a sender
    /// attached).
    pub(crate) fn decode_with(
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

    pub(crate) fn headers(&self) -> &dyn Headers {
        match &self.map {
            Some(map) => map,
            None => &self.pairs,
        }
    }

    pub(crate) fn secrets(&self) -> impl Iterator<Item = &'a [u8]> {
        std::iter::once(self.current).chain(self.previous)
    }

    /// Builds the provider, checking that only an empty secret fails.
    pub(crate) fn provider<P: std::fmt::Debug>(
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
pub(crate) enum Value_<'a> {
    Literal(&'a [u8]),
    Signature {
        previous: bool,
        edit: Option<(u8, u16, u8)>,
    },
}

/// Edits a right signature into a near miss: flip a byte, cut, insert,
/// surround with whitespace, change case, or append a second signature.
pub(crate) fn apply_edit(value: &mut Vec<u8>, (op, pos, arg): (u8, u16, u8)) {
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
pub(crate) fn tolerance(config: &mut Input<'_>) -> Option<Duration> {
    match config.byte() % 5 {
        0 => None,
        1 => Some(Duration::ZERO),
        2 => Some(Duration::MAX),
        3 => Some(Duration::from_millis(u64::from(config.u32()))),
        _ => Some(Duration::from_nanos(config.u64())),
    }
}

/// The config chunk of a verify-target input, read ahead of [`Case`]:
/// it decides what the right signature is, so the headers depend on it.
pub(crate) fn peek_config(data: &[u8]) -> Input<'_> {
    let mut input = Input::new(data);
    input.byte();
    input.chunk();
    input.chunk();
    Input::new(input.chunk())
}
