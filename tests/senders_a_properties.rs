//! Properties of the eighteen senders of `tests/senders_a.rs`, over random
//! secrets, bodies and signing times:
//!
//! - what `sign_headers` produces is exactly what the sender's documented
//!   scheme gives, recomputed here with the `hmac` crate (the signed
//!   content, the MAC, the encoding, the header syntax and the timestamp's
//!   unit and format), and it verifies, also after a key rotation;
//! - any single changed byte of the body is rejected;
//! - arbitrary signature header values never make a provider panic and
//!   never verify.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use hooksig::{
    bitbucket::Bitbucket, calendly::Calendly, dropbox::Dropbox, intercom::Intercom, jira::Jira,
    lemonsqueezy::LemonSqueezy, meta::Meta, mux::Mux, notion::Notion, paddle::Paddle,
    paystack::Paystack, razorpay::Razorpay, sentry::Sentry, square::Square, typeform::Typeform,
    vercel::Vercel, workos::WorkOS, zendesk::Zendesk, Error, Incoming, Outgoing, Provider,
};
use proptest::prelude::*;

const URL: &str = "https://example.com/hooks/square?env=prod";

#[derive(Clone, Copy)]
enum Digest {
    Sha1,
    Sha256,
    Sha512,
}

fn mac(digest: Digest, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(key).unwrap();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
    match digest {
        Digest::Sha1 => run::<Hmac<sha1::Sha1>>(key, parts),
        Digest::Sha256 => run::<Hmac<sha2::Sha256>>(key, parts),
        Digest::Sha512 => run::<Hmac<sha2::Sha512>>(key, parts),
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// How a sender lays out its signature, as its docs say.
#[derive(Clone, Copy)]
enum Layout {
    /// `prefix` + hex of the MAC of the body.
    Hex(Digest, &'static str),
    /// `prefix` + base64 of the MAC of the body.
    Base64(&'static str),
    /// `t=<s>{sep}v1=<hex>` over `{t}{dot}{body}`: (timestamp key,
    /// separator as written, signature key, content separator, ms).
    List(&'static str, &'static str, &'static str, &'static str, bool),
    /// Square: base64 of the MAC of URL ‖ body.
    UrlBody,
    /// Zendesk: base64 of the MAC of the timestamp header ‖ body.
    TimestampBody(&'static str),
}

/// A built verifier, or why it could not be built.
type Built = Result<Box<dyn Provider>, Error>;

struct Sender {
    name: &'static str,
    make: fn(&[u8]) -> Built,
    rotated: fn(&[u8], &[u8]) -> Built,
    header: &'static str,
    layout: Layout,
}

macro_rules! sender {
    ($name:literal, $ty:ty, $header:literal, $layout:expr) => {
        Sender {
            name: $name,
            make: |k| Ok(Box::new(<$ty>::new(k)?)),
            rotated: |k, old| Ok(Box::new(<$ty>::new(k)?.with_previous(old)?)),
            header: $header,
            layout: $layout,
        }
    };
}

fn senders() -> Vec<Sender> {
    use Digest::*;
    use Layout::*;
    vec![
        sender!("meta", Meta, "x-hub-signature-256", Hex(Sha256, "sha256=")),
        sender!("jira", Jira, "x-hub-signature", Hex(Sha256, "sha256=")),
        sender!(
            "bitbucket",
            Bitbucket,
            "x-hub-signature",
            Hex(Sha256, "sha256=")
        ),
        sender!("intercom", Intercom, "x-hub-signature", Hex(Sha1, "sha1=")),
        sender!(
            "razorpay",
            Razorpay,
            "x-razorpay-signature",
            Hex(Sha256, "")
        ),
        sender!(
            "paystack",
            Paystack,
            "x-paystack-signature",
            Hex(Sha512, "")
        ),
        sender!("lemonsqueezy", LemonSqueezy, "x-signature", Hex(Sha256, "")),
        sender!("vercel", Vercel, "x-vercel-signature", Hex(Sha1, "")),
        sender!(
            "typeform",
            Typeform,
            "typeform-signature",
            Base64("sha256=")
        ),
        sender!("dropbox", Dropbox, "x-dropbox-signature", Hex(Sha256, "")),
        sender!("sentry", Sentry, "sentry-hook-signature", Hex(Sha256, "")),
        sender!(
            "notion",
            Notion,
            "x-notion-signature",
            Hex(Sha256, "sha256=")
        ),
        sender!(
            "calendly",
            Calendly,
            "calendly-webhook-signature",
            List("t", ",", "v1", ".", false)
        ),
        sender!(
            "workos",
            WorkOS,
            "workos-signature",
            List("t", ", ", "v1", ".", true)
        ),
        sender!(
            "mux",
            Mux,
            "mux-signature",
            List("t", ",", "v1", ".", false)
        ),
        sender!(
            "paddle",
            Paddle,
            "paddle-signature",
            List("ts", ";", "h1", ":", false)
        ),
        Sender {
            name: "square",
            make: |k| Ok(Box::new(Square::new(k)?.notification_url(URL)?)),
            rotated: |k, old| {
                Ok(Box::new(
                    Square::new(k)?.with_previous(old)?.notification_url(URL)?,
                ))
            },
            header: "x-square-hmacsha256-signature",
            layout: UrlBody,
        },
        sender!(
            "zendesk",
            Zendesk,
            "x-zendesk-webhook-signature",
            TimestampBody("x-zendesk-webhook-signature-timestamp")
        ),
    ]
}

/// The signature header value the sender's docs give for `body` signed
/// with `secret` at `at`, and the headers it sends besides.
fn expected(layout: Layout, secret: &[u8], body: &[u8], at: SystemTime) -> (String, Vec<String>) {
    let since = at.duration_since(UNIX_EPOCH).unwrap();
    match layout {
        Layout::Hex(digest, prefix) => (
            format!("{prefix}{}", hex::encode(mac(digest, secret, &[body]))),
            vec![],
        ),
        Layout::Base64(prefix) => (
            format!("{prefix}{}", b64(&mac(Digest::Sha256, secret, &[body]))),
            vec![],
        ),
        Layout::List(ts_key, sep, sig_key, dot, millis) => {
            let t = if millis {
                since.as_millis().to_string()
            } else {
                since.as_secs().to_string()
            };
            let tag = mac(
                Digest::Sha256,
                secret,
                &[t.as_bytes(), dot.as_bytes(), body],
            );
            (
                format!("{ts_key}={t}{sep}{sig_key}={}", hex::encode(tag)),
                vec![],
            )
        }
        Layout::UrlBody => (
            b64(&mac(Digest::Sha256, secret, &[URL.as_bytes(), body])),
            vec![],
        ),
        Layout::TimestampBody(_) => {
            // RFC 3339 in UTC with milliseconds, as hooksig signs.
            let secs = since.as_secs();
            let millis = since.subsec_millis();
            let days = i64::try_from(secs / 86_400).unwrap();
            let (y, m, d) = civil(days);
            let rem = secs % 86_400;
            let ts = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
                rem / 3600,
                rem / 60 % 60,
                rem % 60
            );
            let tag = mac(Digest::Sha256, secret, &[ts.as_bytes(), body]);
            (b64(&tag), vec![ts])
        }
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap();
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap();
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..48)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    // Non-empty: Square refuses an empty body.
    prop::collection::vec(any::<u8>(), 1..300)
}

/// A signing time between 2001 and 2096, to the millisecond.
fn signing_time() -> impl Strategy<Value = SystemTime> {
    (1_000_000_000_000u64..4_000_000_000_000).prop_map(|ms| UNIX_EPOCH + Duration::from_millis(ms))
}

fn verify(
    provider: &dyn Provider,
    headers: &http::HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(), Error> {
    let incoming = Incoming::new(headers, body).method("POST").url(URL);
    provider.verify_incoming(&incoming, now).map(|_| ())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn what_is_signed_is_the_documented_scheme_and_verifies(
        secret in secret(),
        old in secret(),
        body in body(),
        at in signing_time(),
        flip in any::<prop::sample::Index>(),
    ) {
        for sender in senders() {
            let signer = (sender.make)(&old).unwrap();
            let headers = signer
                .sign_headers(&Outgoing::new(&body).at(at).url(URL))
                .unwrap();
            let (value, extra) = expected(sender.layout, &old, &body, at);
            prop_assert_eq!(
                headers.get(sender.header).and_then(|v| v.to_str().ok()),
                Some(value.as_str()),
                "{}", sender.name
            );
            if let Layout::TimestampBody(name) = sender.layout {
                prop_assert_eq!(
                    headers.get(name).and_then(|v| v.to_str().ok()),
                    extra.first().map(String::as_str),
                    "{}", sender.name
                );
            }
            let rotated = (sender.rotated)(&secret, &old).unwrap();
            prop_assert_eq!(verify(&*rotated, &headers, &body, at), Ok(()), "{}", sender.name);
            let current = (sender.make)(&secret).unwrap();
            prop_assert_eq!(
                verify(&*current, &headers, &body, at),
                Err(Error::SignatureMismatch),
                "{}", sender.name
            );
            let mut changed = body.clone();
            let i = flip.index(changed.len());
            changed[i] ^= 1;
            prop_assert!(verify(&*rotated, &headers, &changed, at).is_err(), "{}", sender.name);
        }
    }

    #[test]
    fn arbitrary_signature_values_never_verify_or_panic(
        secret in secret(),
        body in body(),
        value in prop::collection::vec(any::<u8>(), 0..200),
        at in signing_time(),
    ) {
        for sender in senders() {
            let provider = (sender.make)(&secret).unwrap();
            let mut headers = provider
                .sign_headers(&Outgoing::new(&body).at(at).url(URL))
                .unwrap();
            if let Ok(value) = http::HeaderValue::from_bytes(&value) {
                headers.insert(sender.header, value);
                let (genuine, _) = expected(sender.layout, &secret, &body, at);
                let result = verify(&*provider, &headers, &body, at);
                if headers[sender.header].as_bytes() != genuine.as_bytes() {
                    prop_assert!(result.is_err(), "{}", sender.name);
                }
            }
        }
    }
}

#[test]
fn the_rfc3339_oracle_is_right() {
    let at = UNIX_EPOCH + Duration::from_millis(1_767_225_600_123);
    let (_, extra) = expected(Layout::TimestampBody("x"), b"k", b"b", at);
    assert_eq!(extra, ["2026-01-01T00:00:00.123Z"]);
    assert_eq!(civil(0), (1970, 1, 1));
    assert_eq!(civil(11_016), (2000, 2, 29));
}
