//! Derived invalid requests for the GitHub, Linear, Notify and Generic
//! providers, and the API promises around them.
//!
//! Starting from a correctly signed delivery (signed here with the `hmac`
//! crate, independently of hooksig's own signing), every provider must
//! reject: a flipped bit in the signature, the body or the secret (401
//! signature mismatch); a wrong prefix, uppercase (except Generic, which
//! accepts either case by design), odd-length, non-hex or empty signature
//! (400 malformed header); a repeated signature header, with the same or a
//! different value (400 repeated header); a missing one (400). Linear's
//! signed `webhookTimestamp` window (±60 000 ms inclusive) and body rules,
//! and Notify's optional window and required fields are pinned down.
//!
//! Then: key rotation for all four, `Arc<dyn Provider>`, every supported
//! `Headers` shape, `Error::status`, `Debug` output free of secrets and
//! MACs, and `sign_headers` → `verify` round trips with metadata.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use hooksig::error::HeaderName;
use hooksig::github::GitHubDelivery;
use hooksig::{
    generic::{Encoding, Generic},
    github::GitHub,
    linear::Linear,
    notify::Notify,
    Error, Headers, Outgoing, Provider,
};

const SECRET: &[u8] = b"derived-test-secret";
const OLD: &[u8] = b"previous-secret-kept-during-rotation";
const OTHER: &[u8] = b"a-secret-nobody-configured";

/// Linear's signed timestamp in the Linear bodies below (milliseconds).
const LINEAR_TS: u64 = 1_579_784_000_000;
/// Notify's signed `timestamp`, 2024-05-01T12:00:00Z, in milliseconds.
const NOTIFY_TS: u64 = 1_714_564_800_000;

fn at_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// HMAC-SHA256 of `body` under `secret`, computed with the `hmac` crate.
fn mac(secret: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().into()
}

fn mac_hex(secret: &[u8], body: &[u8]) -> String {
    hex::encode(mac(secret, body))
}

fn linear_body(ts: &str) -> Vec<u8> {
    format!(
        r#"{{"action":"create","type":"Issue","data":{{"id":"2174add1","title":"x"}},"webhookTimestamp":{ts}}}"#
    )
    .into_bytes()
}

const NOTIFY_BODY: &str = r#"{"event":"message.sent","event_id":"evt_1","timestamp":"2024-05-01T12:00:00Z","data":{"to":"a@b"}}"#;

/// A provider as built from its secret(s).
type Built = Result<Box<dyn Provider>, Error>;

/// One provider's scheme: how to build it and how its sender signs.
struct Scheme {
    name: &'static str,
    /// The signature header as a sender spells it.
    header: &'static str,
    /// The text before the hex digest.
    prefix: &'static str,
    /// Whether only lowercase hex is accepted.
    lowercase_only: bool,
    body: Vec<u8>,
    now: SystemTime,
    build: fn(&[u8]) -> Built,
    rotated: fn(&[u8], &[u8]) -> Built,
    /// `Debug` of the rotated provider (`dyn Provider` is not `Debug`).
    debug: fn(&[u8], &[u8]) -> [String; 2],
}

impl Scheme {
    fn provider(&self) -> Box<dyn Provider> {
        (self.build)(SECRET).unwrap()
    }

    /// The signature header value the sender sends for `body` and `secret`.
    fn value(&self, secret: &[u8], body: &[u8]) -> String {
        format!("{}{}", self.prefix, mac_hex(secret, body))
    }

    fn valid_value(&self) -> String {
        self.value(SECRET, &self.body)
    }

    fn verify(
        &self,
        provider: &dyn Provider,
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<(), Error> {
        provider.verify_at(headers, body, self.now).map(|_| ())
    }

    fn verify_value(&self, value: &[u8]) -> Result<(), Error> {
        self.verify(&*self.provider(), &[(self.header, value)], &self.body)
    }

    /// The header's name as hooksig reports it in errors.
    fn reported(&self) -> String {
        self.header.to_ascii_lowercase()
    }
}

fn schemes() -> Vec<Scheme> {
    vec![
        Scheme {
            name: "github",
            header: "X-Hub-Signature-256",
            prefix: "sha256=",
            lowercase_only: true,
            body: br#"{"action":"opened","number":1}"#.to_vec(),
            now: at_millis(0),
            build: |s| Ok(Box::new(GitHub::new(s)?)),
            rotated: |s, old| Ok(Box::new(GitHub::new(s)?.with_previous(old)?)),
            debug: |s, old| {
                let p = GitHub::new(s).unwrap().with_previous(old).unwrap();
                [format!("{p:?}"), format!("{p:#?}")]
            },
        },
        Scheme {
            name: "linear",
            header: "Linear-Signature",
            prefix: "",
            lowercase_only: true,
            body: linear_body(&LINEAR_TS.to_string()),
            now: at_millis(LINEAR_TS),
            build: |s| Ok(Box::new(Linear::new(s)?)),
            rotated: |s, old| Ok(Box::new(Linear::new(s)?.with_previous(old)?)),
            debug: |s, old| {
                let p = Linear::new(s).unwrap().with_previous(old).unwrap();
                [format!("{p:?}"), format!("{p:#?}")]
            },
        },
        Scheme {
            name: "notify",
            header: "X-Notify-Signature",
            prefix: "",
            lowercase_only: true,
            body: NOTIFY_BODY.as_bytes().to_vec(),
            now: at_millis(NOTIFY_TS),
            build: |s| Ok(Box::new(Notify::new(s)?)),
            rotated: |s, old| Ok(Box::new(Notify::new(s)?.with_previous(old)?)),
            debug: |s, old| {
                let p = Notify::new(s).unwrap().with_previous(old).unwrap();
                [format!("{p:?}"), format!("{p:#?}")]
            },
        },
        Scheme {
            name: "generic",
            header: "X-Signature-256",
            prefix: "sha256=",
            lowercase_only: false,
            body: b"{\"event\":\"thing.created\"}".to_vec(),
            now: at_millis(0),
            build: |s| Ok(Box::new(Generic::new(s)?)),
            rotated: |s, old| Ok(Box::new(Generic::new(s)?.with_previous(old)?)),
            debug: |s, old| {
                let p = Generic::new(s).unwrap().with_previous(old).unwrap();
                [format!("{p:?}"), format!("{p:#?}")]
            },
        },
    ]
}

fn assert_malformed(scheme: &Scheme, result: Result<(), Error>, case: &str) {
    match &result {
        Err(err @ Error::MalformedHeader { name, .. }) if name.as_str() == scheme.reported() => {
            assert_eq!(err.status(), 400);
        }
        other => panic!(
            "{} {case}: expected malformed header `{}`, got {other:?}",
            scheme.name,
            scheme.reported()
        ),
    }
}

#[test]
fn the_valid_delivery_verifies() {
    for scheme in schemes() {
        let provider = scheme.provider();
        assert_eq!(provider.name(), scheme.name);
        let value = scheme.valid_value();
        for name in [
            scheme.header.to_string(),
            scheme.header.to_ascii_lowercase(),
            scheme.header.to_ascii_uppercase(),
        ] {
            assert_eq!(
                scheme.verify(&*provider, &[(name.as_str(), value.as_str())], &scheme.body),
                Ok(()),
                "{} under {name}",
                scheme.name
            );
        }
        // hooksig's own signer agrees with the hmac crate.
        let signed = provider.sign_headers(&Outgoing::new(&scheme.body)).unwrap();
        assert_eq!(
            signed[scheme.reported().as_str()],
            value.as_str(),
            "{}",
            scheme.name
        );
    }
}

#[test]
fn every_flipped_signature_digit_is_a_mismatch() {
    for scheme in schemes() {
        let value = scheme.valid_value();
        let start = scheme.prefix.len();
        for i in start..value.len() {
            let mut bytes = value.clone().into_bytes();
            // Flip the lowest bit of the digit's value; stays lowercase hex.
            let digit = u8::from_str_radix(&value[i..=i], 16).unwrap() ^ 1;
            bytes[i] = b"0123456789abcdef"[usize::from(digit)];
            assert_eq!(
                scheme.verify_value(&bytes),
                Err(Error::SignatureMismatch),
                "{} digit {i}",
                scheme.name
            );
        }
    }
}

#[test]
fn every_flipped_body_bit_is_a_mismatch() {
    for scheme in schemes() {
        let provider = scheme.provider();
        let value = scheme.valid_value();
        let headers = [(scheme.header, value.as_str())];
        for i in 0..scheme.body.len() {
            for bit in [0x01, 0x80] {
                let mut body = scheme.body.clone();
                body[i] ^= bit;
                // The MAC is checked first: even a body that no longer
                // parses is a mismatch, never a body error.
                assert_eq!(
                    scheme.verify(&*provider, &headers, &body),
                    Err(Error::SignatureMismatch),
                    "{} byte {i} bit {bit:#x}",
                    scheme.name
                );
            }
        }
        let mut longer = scheme.body.clone();
        longer.push(b'\n');
        assert_eq!(
            scheme.verify(&*provider, &headers, &longer),
            Err(Error::SignatureMismatch)
        );
        assert_eq!(
            scheme.verify(&*provider, &headers, &scheme.body[..scheme.body.len() - 1]),
            Err(Error::SignatureMismatch)
        );
        assert_eq!(
            scheme.verify(&*provider, &headers, b""),
            Err(Error::SignatureMismatch)
        );
    }
}

#[test]
fn a_flipped_secret_bit_is_a_mismatch() {
    for scheme in schemes() {
        for i in 0..SECRET.len() {
            let mut secret = SECRET.to_vec();
            secret[i] ^= 1;
            let value = scheme.value(&secret, &scheme.body);
            assert_eq!(
                scheme.verify_value(value.as_bytes()),
                Err(Error::SignatureMismatch),
                "{} secret byte {i}",
                scheme.name
            );
            // And the other way round: the right signature, a wrong verifier.
            let wrong = (scheme.build)(&secret).unwrap();
            let value = scheme.valid_value();
            assert_eq!(
                scheme.verify(&*wrong, &[(scheme.header, value.as_str())], &scheme.body),
                Err(Error::SignatureMismatch),
                "{} verifier secret byte {i}",
                scheme.name
            );
        }
    }
}

#[test]
fn wrong_prefixes_are_malformed() {
    for scheme in schemes() {
        let digest = mac_hex(SECRET, &scheme.body);
        let mut wrong = vec![
            format!("sha1={digest}"),
            format!("SHA256={digest}"),
            format!("sha256:{digest}"),
            format!("sha512={digest}"),
            format!("v1={digest}"),
        ];
        if scheme.prefix.is_empty() {
            // Linear and Notify send bare hex.
            wrong.push(format!("sha256={digest}"));
        } else {
            wrong.push(digest.clone());
            wrong.push(format!("sha256=sha256={digest}"));
            wrong.push(format!("sha256 ={digest}"));
            wrong.push(format!("sha256= {digest}"));
        }
        for value in wrong {
            assert_malformed(&scheme, scheme.verify_value(value.as_bytes()), &value);
        }
    }
}

#[test]
fn uppercase_hex_follows_the_sender() {
    for scheme in schemes() {
        let digest = mac_hex(SECRET, &scheme.body);
        let upper = format!("{}{}", scheme.prefix, digest.to_ascii_uppercase());
        let mut mixed = digest.clone().into_bytes();
        let first_letter = mixed.iter().position(u8::is_ascii_alphabetic).unwrap();
        mixed[first_letter] = mixed[first_letter].to_ascii_uppercase();
        let mixed = format!("{}{}", scheme.prefix, String::from_utf8(mixed).unwrap());
        for value in [upper, mixed] {
            let result = scheme.verify_value(value.as_bytes());
            if scheme.lowercase_only {
                // GitHub, Linear and Notify send lowercase: anything else is
                // a form the sender never emits.
                assert_malformed(&scheme, result, &value);
            } else {
                // Generic has no one sender: either case spells the same bytes.
                assert_eq!(result, Ok(()), "{} {value}", scheme.name);
            }
        }
    }
}

#[test]
fn wrong_lengths_and_non_hex_digits_are_malformed() {
    for scheme in schemes() {
        let digest = mac_hex(SECRET, &scheme.body);
        let p = scheme.prefix;
        let mut values: Vec<Vec<u8>> = vec![
            format!("{p}{}", &digest[..63]).into_bytes(),
            format!("{p}{digest}0").into_bytes(),
            format!("{p}{}", &digest[..62]).into_bytes(),
            format!("{p}{digest}{digest}").into_bytes(),
            format!("{p}{}", &digest[..32]).into_bytes(),
            format!("{p}0").into_bytes(),
            p.as_bytes().to_vec(),
        ];
        for bad in [
            b'g', b'G', b'z', b'-', b'+', b'/', b'=', b' ', 0x00, 0x7f, 0x80, 0xff,
        ] {
            for i in [0, 31, 63] {
                let mut value = format!("{p}{digest}").into_bytes();
                value[p.len() + i] = bad;
                values.push(value);
            }
        }
        // A two-byte UTF-8 character in place of two digits keeps 64 bytes.
        let mut accented = format!("{p}{}", &digest[..62]).into_bytes();
        accented.extend_from_slice("é".as_bytes());
        values.push(accented);
        for value in values {
            let shown = String::from_utf8_lossy(&value).into_owned();
            assert_malformed(&scheme, scheme.verify_value(&value), &shown);
        }
    }
}

#[test]
fn empty_and_blank_headers_are_malformed_and_ows_is_trimmed() {
    for scheme in schemes() {
        for value in ["", " ", "\t", " \t "] {
            assert_malformed(&scheme, scheme.verify_value(value.as_bytes()), "blank");
        }
        let valid = scheme.valid_value();
        for value in [
            format!(" {valid}"),
            format!("{valid}\t"),
            format!(" \t{valid} "),
        ] {
            assert_eq!(
                scheme.verify_value(value.as_bytes()),
                Ok(()),
                "{} {value:?}",
                scheme.name
            );
        }
        // Other whitespace is not optional whitespace.
        for value in [
            format!("{valid}\n"),
            format!("\r{valid}"),
            format!("{valid}\u{a0}"),
        ] {
            assert_malformed(&scheme, scheme.verify_value(value.as_bytes()), &value);
        }
    }
}

#[test]
fn repeated_signature_headers_are_rejected() {
    for scheme in schemes() {
        let provider = scheme.provider();
        let valid = scheme.valid_value();
        let other = scheme.value(OTHER, &scheme.body);
        let lower = scheme.header.to_ascii_lowercase();
        let expected = Err(Error::RepeatedHeader(HeaderName::from_static(
            // Leaked once per scheme so the comparison has a static name.
            Box::leak(scheme.reported().into_boxed_str()),
        )));
        let pair_cases: [[(&str, &str); 2]; 4] = [
            [(scheme.header, &valid), (scheme.header, &valid)],
            [(scheme.header, &valid), (&lower, &valid)],
            [(scheme.header, &valid), (scheme.header, &other)],
            [(scheme.header, &other), (&lower, &valid)],
        ];
        for pairs in &pair_cases {
            let result = scheme.verify(&*provider, pairs, &scheme.body);
            assert_eq!(result, expected, "{} {pairs:?}", scheme.name);
            assert_eq!(result.unwrap_err().status(), 400);
            let mut map = http::HeaderMap::new();
            for (name, value) in pairs {
                map.append(
                    http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    value.parse().unwrap(),
                );
            }
            assert_eq!(
                scheme.verify(&*provider, &map, &scheme.body),
                expected,
                "{} HeaderMap",
                scheme.name
            );
        }
        // A repeated *unrelated* header does not matter.
        let unrelated = [
            (scheme.header, valid.as_str()),
            ("X-Other", "a"),
            ("x-other", "b"),
        ];
        assert_eq!(scheme.verify(&*provider, &unrelated, &scheme.body), Ok(()));
    }
}

#[test]
fn a_missing_signature_header_is_reported_by_name() {
    for scheme in schemes() {
        let provider = scheme.provider();
        let valid = scheme.valid_value();
        let no_headers: [(&str, &str); 0] = [];
        let misnamed = [
            ("X-Signature", valid.as_str()),
            ("Signature", valid.as_str()),
        ];
        for headers in [&no_headers[..], &misnamed[..]] {
            let err = scheme
                .verify(&*provider, &headers, &scheme.body)
                .unwrap_err();
            assert_eq!(err.kind(), "missing_header", "{}", scheme.name);
            assert_eq!(err.status(), 400);
            assert_eq!(
                err.to_string(),
                format!("missing header `{}`", scheme.reported())
            );
        }
        assert_eq!(
            scheme.verify(&*provider, &http::HeaderMap::new(), &scheme.body),
            Err(Error::MissingHeader(HeaderName::from_static(Box::leak(
                scheme.reported().into_boxed_str()
            ))))
        );
    }
}

/// Verifies a Linear body signed with `SECRET` at `now_ms`.
fn linear_check(linear: &Linear, body: &[u8], now_ms: u64) -> Result<(), Error> {
    let sig = mac_hex(SECRET, body);
    linear
        .verify_at(&[("Linear-Signature", sig)], body, at_millis(now_ms))
        .map(|_| ())
}

#[test]
fn linear_window_edges() {
    let linear = Linear::new(SECRET).unwrap();
    let body = linear_body(&LINEAR_TS.to_string());
    for (now, expected) in [
        (LINEAR_TS, Ok(())),
        (LINEAR_TS + 60_000, Ok(())),
        (LINEAR_TS - 60_000, Ok(())),
        (LINEAR_TS + 60_001, Err(Error::TimestampTooOld)),
        (LINEAR_TS - 60_001, Err(Error::TimestampInFuture)),
        (LINEAR_TS + 3_600_000, Err(Error::TimestampTooOld)),
        (LINEAR_TS - 3_600_000, Err(Error::TimestampInFuture)),
        (0, Err(Error::TimestampInFuture)),
    ] {
        let result = linear_check(&linear, &body, now);
        assert_eq!(
            result,
            expected,
            "now = ts {:+}",
            now as i128 - LINEAR_TS as i128
        );
        if let Err(err) = result {
            assert_eq!(err.status(), 401);
        }
    }
    // A signed timestamp is reported on success.
    let sig = mac_hex(SECRET, &body);
    let headers = [("Linear-Signature", sig.as_str())];
    let delivery = linear
        .verify_at(&headers, &body, at_millis(LINEAR_TS))
        .unwrap();
    assert_eq!(delivery.timestamp(), Some(at_millis(LINEAR_TS)));

    // A custom tolerance moves both edges.
    let narrow = Linear::new(SECRET)
        .unwrap()
        .tolerance(Duration::from_secs(5));
    assert_eq!(linear_check(&narrow, &body, LINEAR_TS + 5_000), Ok(()));
    assert_eq!(
        linear_check(&narrow, &body, LINEAR_TS + 5_001),
        Err(Error::TimestampTooOld)
    );
    assert_eq!(
        linear_check(&narrow, &body, LINEAR_TS - 5_001),
        Err(Error::TimestampInFuture)
    );
    // Extreme timestamps neither overflow nor pass.
    let huge = linear_body(&u64::MAX.to_string());
    assert_eq!(
        linear_check(&linear, &huge, LINEAR_TS),
        Err(Error::TimestampInFuture)
    );
    assert_eq!(
        linear_check(&linear, &linear_body("0"), LINEAR_TS),
        Err(Error::TimestampTooOld)
    );
}

#[test]
fn linear_mac_is_checked_before_the_timestamp() {
    let linear = Linear::new(SECRET).unwrap();
    let body = linear_body(&LINEAR_TS.to_string());
    let forged = mac_hex(OTHER, &body);
    // A forged signature on a stale body is a mismatch, not "too old":
    // an unauthenticated body tells the sender nothing.
    assert_eq!(
        linear
            .verify_at(
                &[("Linear-Signature", forged)],
                &body,
                at_millis(LINEAR_TS + 600_000)
            )
            .map(|_| ()),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn linear_body_timestamp_rules() {
    let linear = Linear::new(SECRET).unwrap();
    let ts = LINEAR_TS;
    let bodies: Vec<(&str, String)> = vec![
        (
            "missing",
            r#"{"action":"create","type":"Issue"}"#.to_string(),
        ),
        (
            "nested only",
            format!(r#"{{"action":"create","data":{{"webhookTimestamp":{ts}}}}}"#),
        ),
        (
            "nested in an array",
            format!(r#"{{"items":[{{"webhookTimestamp":{ts}}}]}}"#),
        ),
        ("string", format!(r#"{{"webhookTimestamp":"{ts}"}}"#)),
        ("float", format!(r#"{{"webhookTimestamp":{ts}.0}}"#)),
        ("fraction", format!(r#"{{"webhookTimestamp":{ts}.5}}"#)),
        (
            "exponent",
            r#"{"webhookTimestamp":1.579784e12}"#.to_string(),
        ),
        ("negative", format!(r#"{{"webhookTimestamp":-{ts}}}"#)),
        ("negative one", r#"{"webhookTimestamp":-1}"#.to_string()),
        ("null", r#"{"webhookTimestamp":null}"#.to_string()),
        ("bool", r#"{"webhookTimestamp":true}"#.to_string()),
        ("object", format!(r#"{{"webhookTimestamp":{{"ms":{ts}}}}}"#)),
        (
            "too large for u64",
            r#"{"webhookTimestamp":18446744073709551616}"#.to_string(),
        ),
        (
            "repeated",
            format!(r#"{{"webhookTimestamp":{ts},"webhookTimestamp":{ts}}}"#),
        ),
        ("array body", format!("[{ts}]")),
        ("not JSON", "webhookTimestamp=1579784000000".to_string()),
        (
            "trailing garbage",
            format!(r#"{{"webhookTimestamp":{ts}}}x"#),
        ),
        ("empty", String::new()),
    ];
    for (case, body) in bodies {
        let err = linear_check(&linear, body.as_bytes(), ts).unwrap_err();
        assert!(
            matches!(err, Error::MalformedBody(_)),
            "{case}: {body}: {err:?}"
        );
        assert_eq!(err.status(), 400, "{case}");
    }
    // The same value as a plain top-level integer is fine, wherever it sits.
    for body in [
        format!(r#"{{"webhookTimestamp":{ts}}}"#),
        format!(r#"{{ "a" : [1, {{"webhookTimestamp": 0}}], "webhookTimestamp" : {ts} }}"#),
        format!(r#"{{"webhookTimestamp":{ts},"data":{{"webhookTimestamp":"x"}}}}"#),
    ] {
        assert_eq!(linear_check(&linear, body.as_bytes(), ts), Ok(()), "{body}");
    }
}

#[test]
fn linear_timestamp_header_is_never_trusted() {
    let linear = Linear::new(SECRET).unwrap();
    let untimed = br#"{"action":"create","type":"Issue"}"#;
    let sig = mac_hex(SECRET, untimed);
    let fresh = LINEAR_TS.to_string();
    let headers = [
        ("Linear-Signature", sig.as_str()),
        ("Linear-Timestamp", fresh.as_str()),
    ];
    assert!(matches!(
        linear.verify_at(&headers, untimed, at_millis(LINEAR_TS)),
        Err(Error::MalformedBody(_))
    ));
    // A fresh header does not rescue a stale signed body...
    let body = linear_body(&LINEAR_TS.to_string());
    let sig = mac_hex(SECRET, &body);
    let later = LINEAR_TS + 600_000;
    let later_text = later.to_string();
    let headers = [
        ("Linear-Signature", sig.as_str()),
        ("Linear-Timestamp", later_text.as_str()),
    ];
    assert_eq!(
        linear
            .verify_at(&headers, &body, at_millis(later))
            .map(|_| ()),
        Err(Error::TimestampTooOld)
    );
    // ...and a stale or garbage header does not spoil a fresh body.
    for header in ["0", "garbage", ""] {
        let headers = [
            ("Linear-Signature", sig.as_str()),
            ("Linear-Timestamp", header),
        ];
        assert_eq!(
            linear
                .verify_at(&headers, &body, at_millis(LINEAR_TS))
                .map(|_| ()),
            Ok(()),
            "{header:?}"
        );
    }
}

fn notify_check(notify: &Notify, body: &str, now_ms: u64) -> Result<(), Error> {
    let sig = mac_hex(SECRET, body.as_bytes());
    notify
        .verify_at(
            &[("x-notify-signature", sig)],
            body.as_bytes(),
            at_millis(now_ms),
        )
        .map(|_| ())
}

#[test]
fn notify_window_is_optional() {
    // No window by default: Notify retries for about 17 hours.
    let notify = Notify::new(SECRET).unwrap();
    for now in [0, NOTIFY_TS, NOTIFY_TS + 17 * 3_600_000, u64::MAX / 2] {
        assert_eq!(notify_check(&notify, NOTIFY_BODY, now), Ok(()), "{now}");
    }
    let windowed = Notify::new(SECRET)
        .unwrap()
        .tolerance(Duration::from_secs(300));
    for (now, expected) in [
        (NOTIFY_TS, Ok(())),
        (NOTIFY_TS + 300_000, Ok(())),
        (NOTIFY_TS - 300_000, Ok(())),
        (NOTIFY_TS + 300_001, Err(Error::TimestampTooOld)),
        (NOTIFY_TS - 300_001, Err(Error::TimestampInFuture)),
    ] {
        assert_eq!(notify_check(&windowed, NOTIFY_BODY, now), expected, "{now}");
    }
    // With a window the timestamp becomes required; without, it is optional.
    let untimed = r#"{"event":"e","event_id":"i"}"#;
    assert_eq!(notify_check(&notify, untimed, NOTIFY_TS), Ok(()));
    assert!(matches!(
        notify_check(&windowed, untimed, NOTIFY_TS),
        Err(Error::MalformedBody(_))
    ));
    // The window uses the signed body's instant, offsets included.
    let offset = r#"{"event":"e","event_id":"i","timestamp":"2024-05-01T14:00:00+02:00"}"#;
    assert_eq!(notify_check(&windowed, offset, NOTIFY_TS + 300_000), Ok(()));
    assert_eq!(
        notify_check(&windowed, offset, NOTIFY_TS + 300_001),
        Err(Error::TimestampTooOld)
    );
}

#[test]
fn notify_requires_its_body_fields() {
    let notify = Notify::new(SECRET).unwrap();
    for body in [
        r#"{"event_id":"evt_1","timestamp":"2024-05-01T12:00:00Z"}"#,
        r#"{"event":"message.sent","timestamp":"2024-05-01T12:00:00Z"}"#,
        r#"{}"#,
        r#"{"data":{"event":"e","event_id":"i"}}"#,
        r#"{"event":1,"event_id":"i"}"#,
        r#"{"event":"e","event_id":null}"#,
        r#"{"event":"e","event_id":"i","timestamp":"yesterday"}"#,
        r#"{"event":"e","event_id":"i","timestamp":1714564800}"#,
        r#"{"event":"e","event_id":"i","event_id":"j"}"#,
        r#"["event","event_id"]"#,
        "not json",
        "",
    ] {
        let err = notify_check(&notify, body, NOTIFY_TS).unwrap_err();
        assert!(matches!(err, Error::MalformedBody(_)), "{body}: {err:?}");
        assert_eq!(err.status(), 400);
    }
}

#[test]
fn rotation_accepts_previous_secrets_for_every_provider() {
    for scheme in schemes() {
        let rotated = (scheme.rotated)(SECRET, OLD).unwrap();
        for secret in [SECRET, OLD] {
            let value = scheme.value(secret, &scheme.body);
            assert_eq!(
                scheme.verify(&*rotated, &[(scheme.header, value.as_str())], &scheme.body),
                Ok(()),
                "{}",
                scheme.name
            );
        }
        let value = scheme.value(OTHER, &scheme.body);
        assert_eq!(
            scheme.verify(&*rotated, &[(scheme.header, value.as_str())], &scheme.body),
            Err(Error::SignatureMismatch),
            "{}",
            scheme.name
        );
        // Without the rotation the old secret is refused.
        let value = scheme.value(OLD, &scheme.body);
        assert_eq!(
            scheme.verify(
                &*scheme.provider(),
                &[(scheme.header, value.as_str())],
                &scheme.body
            ),
            Err(Error::SignatureMismatch)
        );
        // Signing uses the current secret.
        let signed = rotated.sign_headers(&Outgoing::new(&scheme.body)).unwrap();
        assert_eq!(
            signed[scheme.reported().as_str()],
            scheme.valid_value().as_str()
        );
        // Empty secrets are configuration errors, new or previous.
        assert!(matches!((scheme.build)(b""), Err(Error::InvalidConfig(_))));
        assert!(matches!(
            (scheme.rotated)(SECRET, b""),
            Err(Error::InvalidConfig(_))
        ));
    }
}

#[test]
fn providers_work_behind_arc_dyn() {
    let providers: Vec<(Scheme, Arc<dyn Provider>)> = schemes()
        .into_iter()
        .map(|s| {
            let p: Arc<dyn Provider> = Arc::from(s.provider());
            (s, p)
        })
        .collect();
    for (scheme, provider) in &providers {
        let shared = Arc::clone(provider);
        let value = scheme.valid_value();
        let headers = [(scheme.header, value.as_str())];
        assert_eq!(shared.name(), scheme.name);
        assert!(shared.verify_at(&headers, &scheme.body, scheme.now).is_ok());
        // Arc<P> and &P are providers too.
        fn takes<P: Provider>(p: P, s: &Scheme, h: &dyn Headers) -> bool {
            p.verify_at(h, &s.body, s.now).is_ok()
        }
        assert!(takes(Arc::clone(&shared), scheme, &headers));
        assert!(takes(&shared, scheme, &headers));
        // And across threads.
        let body = scheme.body.clone();
        let now = scheme.now;
        let header = scheme.header;
        let ok = std::thread::spawn(move || {
            shared
                .verify_at(&[(header, value.as_str())], &body, now)
                .is_ok()
        })
        .join()
        .unwrap();
        assert!(ok, "{}", scheme.name);
    }
}

#[test]
fn every_headers_shape_works() {
    let github = GitHub::new(SECRET).unwrap();
    let body = b"{}";
    let now = SystemTime::now();
    let sig: String = github.sign(body);
    let sig_str: &str = &sig;
    let sig_bytes: &[u8] = sig.as_bytes();

    // Arrays of pairs, with every name and value type.
    assert!(github
        .verify_at(&[("X-Hub-Signature-256", sig_str)], body, now)
        .is_ok());
    assert!(github
        .verify_at(&[("X-Hub-Signature-256", sig.clone())], body, now)
        .is_ok());
    assert!(github
        .verify_at(&[("X-Hub-Signature-256", sig_bytes)], body, now)
        .is_ok());
    assert!(github
        .verify_at(
            &[("X-Hub-Signature-256", sig.as_bytes().to_vec())],
            body,
            now
        )
        .is_ok());
    assert!(github
        .verify_at(&[("X-Hub-Signature-256".to_string(), sig_str)], body, now)
        .is_ok());
    assert!(github
        .verify_at(&[("X-Hub-Signature-256".to_string(), sig_bytes)], body, now)
        .is_ok());

    // Vecs.
    let v1: Vec<(&str, &str)> = vec![
        ("Content-Type", "application/json"),
        ("x-hub-signature-256", sig_str),
    ];
    let v2: Vec<(String, String)> = v1
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let v3: Vec<(String, &[u8])> = v1
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes()))
        .collect();
    let v4: Vec<(&str, Vec<u8>)> = v1
        .iter()
        .map(|(k, v)| (*k, v.as_bytes().to_vec()))
        .collect();
    assert!(github.verify_at(&v1, body, now).is_ok());
    assert!(github.verify_at(&v2, body, now).is_ok());
    assert!(github.verify_at(&v3, body, now).is_ok());
    assert!(github.verify_at(&v4, body, now).is_ok());

    // Slices: `[(K, V)]` is unsized, so a `&[(K, V)]` is passed by reference.
    let s1: &[(&str, &str)] = &v1;
    let s2: &[(String, String)] = &v2;
    let s3: &[(String, &[u8])] = &v3;
    assert!(github.verify_at(&s1, body, now).is_ok());
    assert!(github.verify_at(&s2, body, now).is_ok());
    assert!(github.verify_at(&s3, body, now).is_ok());
    assert!(github.verify_at(&&v1[..], body, now).is_ok());

    // http::HeaderMap, and a reference to one.
    let mut map = http::HeaderMap::new();
    map.insert("x-hub-signature-256", sig.parse().unwrap());
    map.insert("x-github-event", "push".parse().unwrap());
    let delivery = github.verify_at(&map, body, now).unwrap();
    assert_eq!(delivery.event(), Some("push"));
    let by_ref = &map;
    assert!(github.verify_at(&by_ref, body, now).is_ok());

    // The Headers trait itself, as a generic bound.
    fn lookup<H: Headers + ?Sized>(h: &H) -> hooksig::Lookup<'_> {
        h.lookup("X-HUB-SIGNATURE-256")
    }
    assert_eq!(lookup(&map), hooksig::Lookup::One(sig.as_bytes()));
    assert_eq!(lookup(s1), hooksig::Lookup::One(sig.as_bytes()));
    assert_eq!(lookup(&[("a", "b")]), hooksig::Lookup::Missing);

    // A wrong signature is still wrong through every shape.
    let bad = github.sign(b"other");
    assert_eq!(
        github
            .verify_at(&[("X-Hub-Signature-256", bad.as_bytes())], body, now)
            .map(|_| ()),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn non_utf8_header_values_are_malformed_not_a_panic() {
    for scheme in schemes() {
        let mut value = scheme.valid_value().into_bytes();
        let last = value.len() - 1;
        value[last] = 0xff;
        assert_malformed(&scheme, scheme.verify_value(&value), "0xff");
    }
}

#[test]
fn error_statuses() {
    let name = || HeaderName::from_static("x-hub-signature-256");
    let cases = [
        (Error::MissingHeader(name()), 400, "missing_header"),
        (Error::RepeatedHeader(name()), 400, "repeated_header"),
        (
            Error::MalformedHeader {
                name: name(),
                problem: "expected 64 hex digits",
            },
            400,
            "malformed_header",
        ),
        (Error::MalformedBody("missing"), 400, "malformed_body"),
        (
            Error::Deserialize("expected a map".into()),
            400,
            "deserialize",
        ),
        (Error::SignatureMismatch, 401, "signature_mismatch"),
        (Error::TimestampTooOld, 401, "timestamp_too_old"),
        (Error::TimestampInFuture, 401, "timestamp_in_future"),
        (
            Error::InvalidConfig("secret is empty"),
            500,
            "invalid_config",
        ),
    ];
    for (err, status, kind) in cases {
        assert_eq!(
            err.status(),
            http::StatusCode::from_u16(status).unwrap(),
            "{err}"
        );
        assert_eq!(err.kind(), kind);
        let text = err.to_string();
        assert!(
            !text.ends_with('.') && text == text.to_lowercase(),
            "{text}"
        );
    }
    assert_eq!(
        Error::MissingHeader(name()).to_string(),
        "missing header `x-hub-signature-256`"
    );
    // An error from a real verification carries the same status.
    let github = GitHub::new(SECRET).unwrap();
    let err = github
        .verify_at(
            &[("x-hub-signature-256", "sha256=")],
            b"",
            SystemTime::now(),
        )
        .unwrap_err();
    assert_eq!(err.status(), 400);
    // Errors are ordinary error values.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().starts_with("malformed header"));
}

/// Every spelling of key or MAC material that must never be printed.
fn forbidden(secrets: &[&[u8]], body: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for secret in secrets {
        out.push(String::from_utf8_lossy(secret).into_owned());
        out.push(hex::encode(secret));
        let digest = mac(secret, body);
        out.push(hex::encode(digest));
        out.push(hex::encode(&digest[..8]));
        out.push(hex::encode_upper(digest));
        out.push(format!("{:?}", &digest[..]));
        out.push(
            format!("{:?}", &digest[..4])
                .trim_end_matches(']')
                .to_string(),
        );
        out.push(
            format!("{:?}", &secret[..])
                .trim_end_matches(']')
                .to_string(),
        );
    }
    out
}

fn assert_clean(text: &str, forbidden: &[String], what: &str) {
    for needle in forbidden {
        assert!(
            !text.contains(needle.as_str()),
            "{what} prints {needle:?}: {text}"
        );
    }
}

#[test]
fn debug_prints_no_secret_and_no_mac() {
    for scheme in schemes() {
        let rotated = (scheme.rotated)(SECRET, OLD).unwrap();
        let bad = forbidden(&[SECRET, OLD], &scheme.body);
        for text in (scheme.debug)(SECRET, OLD) {
            assert_clean(&text, &bad, scheme.name);
        }
        let value = scheme.valid_value();
        let headers = [(scheme.header, value.as_str())];
        let delivery = rotated
            .verify_at(&headers, &scheme.body, scheme.now)
            .unwrap();
        // The request's own signature is not secret, but Delivery does not
        // echo it either.
        assert_clean(&format!("{delivery:?}"), &bad, "Delivery");
        assert_clean(&format!("{delivery:#?}"), &bad, "Delivery");
        for bad_value in [scheme.value(OTHER, &scheme.body), String::from("x")] {
            let err = rotated
                .verify_at(
                    &[(scheme.header, bad_value.as_str())],
                    &scheme.body,
                    scheme.now,
                )
                .unwrap_err();
            assert_clean(&format!("{err:?} {err}"), &bad, "Error");
        }
    }
    // The concrete types too, built with every option.
    let bad = forbidden(&[SECRET, OLD], b"");
    let generic = Generic::new(SECRET)
        .unwrap()
        .with_previous(OLD)
        .unwrap()
        .signature_header("X-Sig")
        .unwrap()
        .prefix("v1=")
        .unwrap()
        .encoding(Encoding::Base64)
        .id_header("X-Id")
        .unwrap()
        .event_header("X-Event")
        .unwrap();
    for text in [
        format!("{:?}", GitHub::new(SECRET).unwrap()),
        format!(
            "{:?}",
            Linear::new(SECRET)
                .unwrap()
                .tolerance(Duration::from_secs(1))
        ),
        format!(
            "{:?}",
            Notify::new(SECRET)
                .unwrap()
                .tolerance(Duration::from_secs(1))
        ),
        format!("{generic:?}"),
    ] {
        assert_clean(&text, &bad, "provider");
    }
}

#[test]
fn sign_headers_round_trips_with_metadata() {
    let id = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

    let github = GitHub::new(SECRET).unwrap();
    let body = br#"{"zen":"Keep it logically awesome.","hook_id":1}"#;
    let headers = github
        .sign_headers(&Outgoing::new(body).id(id).event("ping"))
        .unwrap();
    assert_eq!(headers.len(), 3);
    assert_eq!(headers["x-hub-signature-256"], github.sign(body).as_str());
    let delivery = github.verify_at(&headers, body, SystemTime::now()).unwrap();
    assert_eq!(delivery.id(), Some(id));
    assert_eq!(delivery.event(), Some("ping"));
    assert!(delivery.is_ping());
    assert_eq!(delivery.timestamp(), None);
    assert_eq!(delivery.hook_id(), None);
    let plain = github.sign_headers(&Outgoing::new(body)).unwrap();
    assert_eq!(plain.len(), 1);
    let delivery = github.verify_at(&plain, body, SystemTime::now()).unwrap();
    assert_eq!(
        (delivery.id(), delivery.event(), delivery.is_ping()),
        (None, None, false)
    );

    let linear = Linear::new(SECRET).unwrap();
    let body = linear_body(&LINEAR_TS.to_string());
    let headers = linear
        .sign_headers(&Outgoing::new(&body).id(id).event("Issue"))
        .unwrap();
    assert_eq!(headers["linear-timestamp"], LINEAR_TS.to_string().as_str());
    assert_eq!(headers["linear-signature"], mac_hex(SECRET, &body).as_str());
    let delivery = linear
        .verify_at(&headers, &body, at_millis(LINEAR_TS + 1))
        .unwrap();
    assert_eq!(delivery.id(), Some(id));
    assert_eq!(delivery.event(), Some("Issue"));
    assert_eq!(delivery.timestamp(), Some(at_millis(LINEAR_TS)));
    assert!(!delivery.is_ping());
    assert!(matches!(
        linear.sign_headers(&Outgoing::new(b"{}")),
        Err(Error::MalformedBody(_))
    ));

    let notify = Notify::new(SECRET).unwrap();
    let headers = notify
        .sign_headers(
            &Outgoing::new(NOTIFY_BODY.as_bytes())
                .id("ignored")
                .event("ignored"),
        )
        .unwrap();
    assert_eq!(headers.len(), 1);
    let delivery = notify
        .verify_at(&headers, NOTIFY_BODY.as_bytes(), SystemTime::now())
        .unwrap();
    // Notify's metadata is the signed body's, not the outgoing headers'.
    assert_eq!(delivery.id(), Some("evt_1"));
    assert_eq!(delivery.event(), Some("message.sent"));
    assert_eq!(delivery.timestamp(), Some(at_millis(NOTIFY_TS)));

    for encoding in [Encoding::Hex, Encoding::Base64] {
        let generic = Generic::new(SECRET)
            .unwrap()
            .signature_header("X-Webhook-Signature")
            .unwrap()
            .prefix("v1=")
            .unwrap()
            .encoding(encoding)
            .id_header("X-Webhook-Id")
            .unwrap()
            .event_header("X-Webhook-Event")
            .unwrap();
        let body = b"payload";
        let headers = generic
            .sign_headers(&Outgoing::new(body).id("42").event("created"))
            .unwrap();
        assert_eq!(headers.len(), 3);
        assert!(headers["x-webhook-signature"]
            .to_str()
            .unwrap()
            .starts_with("v1="));
        let delivery = generic
            .verify_at(&headers, body, SystemTime::now())
            .unwrap();
        assert_eq!(
            (delivery.id(), delivery.event()),
            (Some("42"), Some("created"))
        );
        assert_eq!(
            generic
                .verify_at(&headers, b"payloaD", SystemTime::now())
                .map(|_| ()),
            Err(Error::SignatureMismatch)
        );
    }
    let generic = Generic::new(SECRET).unwrap();
    let headers = generic
        .sign_headers(&Outgoing::new(b"x").id("not sent").event("not sent"))
        .unwrap();
    assert_eq!(headers.len(), 1, "no id or event header configured");

    // An id that cannot be a header value is a configuration error.
    assert!(matches!(
        github.sign_headers(&Outgoing::new(b"{}").id("a\nb")),
        Err(Error::InvalidConfig(_))
    ));
}

#[test]
fn generic_options_derived_cases() {
    use base64::Engine as _;
    let body = b"{\"id\":1}";
    let tag = mac(SECRET, body);
    let b64 = base64::engine::general_purpose::STANDARD.encode(tag);
    let generic = Generic::new(SECRET)
        .unwrap()
        .signature_header("X-Custom-Sig")
        .unwrap()
        .prefix("")
        .unwrap()
        .encoding(Encoding::Base64);
    let check = |value: &str| {
        generic
            .verify_at(&[("x-custom-sig", value)], body, SystemTime::now())
            .map(|_| ())
    };
    assert_eq!(check(&b64), Ok(()));
    let url_safe = b64.replace('+', "-").replace('/', "_");
    for bad in [
        b64.trim_end_matches('=').to_string(),
        format!("{b64}="),
        hex::encode(tag),
        format!("sha256={b64}"),
    ] {
        assert!(
            matches!(check(&bad), Err(Error::MalformedHeader { ref name, .. }) if name == "x-custom-sig"),
            "{bad}"
        );
    }
    if url_safe != b64 {
        assert!(matches!(
            check(&url_safe),
            Err(Error::MalformedHeader { .. })
        ));
    }
    let mut flipped = tag;
    flipped[31] ^= 1;
    assert_eq!(
        check(&base64::engine::general_purpose::STANDARD.encode(flipped)),
        Err(Error::SignatureMismatch)
    );
    // The default header is not read once another is configured.
    let err = generic
        .verify_at(
            &[("X-Signature-256", b64.as_str())],
            body,
            SystemTime::now(),
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "missing header `x-custom-sig`");
    // Invalid configuration is an error, not a panic.
    assert!(Generic::new(SECRET)
        .unwrap()
        .signature_header("bad name")
        .is_err());
    assert!(Generic::new(SECRET).unwrap().prefix("a b").is_err());
    assert!(Generic::new(SECRET).unwrap().event_header("").is_err());
}
