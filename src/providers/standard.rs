//! Standard Webhooks: Svix, and the services that send through it or
//! follow the same specification (Clerk, Resend, Replicate, Brex, …).
//!
//! The sender signs `{webhook-id}.{webhook-timestamp}.{body}` with
//! HMAC-SHA256 under the key that the `whsec_<base64>` secret encodes, and
//! sends `webhook-signature: v1,<base64>`, a space-separated list when
//! several secrets are active
//! ([specification](https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
//! [Svix: verifying manually](https://docs.svix.com/receiving/verifying-payloads/how-manual)).
//! Svix itself sends the same three headers named `svix-id`,
//! `svix-timestamp` and `svix-signature`.
//!
//! What hooksig accepts, and why:
//! - the `webhook-*` headers when `webhook-signature` is present, otherwise
//!   the `svix-*` ones; the two sets are never mixed, and each header must
//!   appear once (a repeated one is a 400);
//! - `webhook-id`: any non-empty UTF-8 value without a `.`, which would
//!   make the signed content ambiguous (an id that is not UTF-8 could not be
//!   read back through [`Delivery::id`](crate::Delivery::id) nor deduplicated on, so it is a
//!   400 too); `webhook-timestamp`: UNIX seconds, 1 to 20
//!   ASCII digits, no sign or fraction;
//! - in `webhook-signature`, entries separated by spaces: `v1,` followed by
//!   44 characters of padded standard base64 (what the senders emit).
//!   Entries of other versions (`v1a`, `v2`, or no version) are ignored;
//!   the delivery is accepted if **any** `v1` entry matches any configured
//!   secret. A `v1` entry that does not decode is skipped when another `v1`
//!   entry decodes, as the reference libraries skip it; with no decodable
//!   `v1` entry the header is malformed (400). At most 32 entries are read
//!   ([`MAX_SIGNATURES`]); a longer header is malformed rather than read in
//!   part or copied to the heap;
//! - the secret as `whsec_<base64>` (the prefix is optional), decoded as
//!   leniently as the reference libraries decode it: padding optional,
//!   trailing bits ignored ([`StandardWebhooks::new`]); or the raw key
//!   bytes ([`StandardWebhooks::from_raw_key`]).
//!
//! Replay defence: the timestamp is signed and must lie within the
//! tolerance (default 5 minutes, inclusive, both directions) of the clock,
//! compared in whole seconds. hooksig checks the MAC first and the window
//! second, as for every scheme (the reference libraries check the window
//! first; both orders are safe because the MAC covers the timestamp, and
//! MAC-first means a forged request always gets the same opaque answer).
//! Within the window, deduplicate on [`Delivery::id`](crate::Delivery::id) (`webhook-id`, which
//! is signed and kept across the sender's retries).
//!
//! The asymmetric `v1a` scheme (Ed25519, `whpk_` public keys) is verified
//! by [`StandardWebhooks::ed25519`] (feature `ed25519`).
//!
//! # Senders that use Standard Webhooks
//!
//! These need no type of their own: build a [`StandardWebhooks`] from the
//! secret their dashboard shows. Each has a tested example in
//! `tests/senders_b.rs`.
//!
//! | sender | headers | secret as shown | notes |
//! |---|---|---|---|
//! | Clerk | `svix-*` | `whsec_…` | sends through Svix |
//! | Resend | `svix-*` | `whsec_…` | sends through Svix |
//! | OpenAI | `webhook-*` | `whsec_…` | |
//! | Supabase Auth Hooks | `webhook-*` | `v1,whsec_…` | pass the secret as shown: hooksig drops the `v1,` (passing it to the Python reference library silently derives another key, so that nothing verifies) |
//! | GitLab signing tokens | `webhook-*` | `whsec_…` | or [`gitlab::GitLab`](crate::gitlab::GitLab), which also reads GitLab's event header |
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{standard::StandardWebhooks, Provider};
//!
//! // Supabase shows `v1,whsec_<base64>`: give it as it is.
//! let supabase = StandardWebhooks::new("v1,whsec_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=")?;
//! let headers = [
//!     ("webhook-id", "msg_supabase_0001"),
//!     ("webhook-timestamp", "1767225597"),
//!     ("webhook-signature", "v1,b+F4426bfGgFIqL/SoHp2Q90Ey6aIbruf45wpq9KDEk="),
//! ];
//! let body = br#"{"user_id":"8b3f3b8e-0000-4000-8000-000000000001","claims":{"aal":"aal1"},"authentication_method":"password"}"#;
//! let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//! assert!(supabase.verify_at(&headers, body, now).is_ok());
//! # Ok::<(), hooksig::Error>(())
//! ```
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use hooksig::{standard::StandardWebhooks, Provider};
//!
//! // The reference libraries' own test vector.
//! let standard = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let headers = [
//!     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     ("webhook-timestamp", "1614265330"),
//!     ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
//! ];
//! let now = UNIX_EPOCH + Duration::from_secs(1_614_265_330);
//! let delivery = standard.verify_at(&headers, br#"{"test": 2432232314}"#, now)?;
//! assert_eq!(delivery.id(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
//! assert_eq!(delivery.timestamp(), Some(now));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::borrow::Cow;
use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::error::HeaderName;
use crate::scheme::{
    Algorithm, Encoding, Fallback, KeyFormat, Part, Scheme, Signature, Source, Syntax, Timestamp,
};
use crate::Error;

/// The message id header, `webhook-id`. Signed.
pub const ID_HEADER: &str = "webhook-id";
/// The timestamp header, `webhook-timestamp` (UNIX seconds). Signed.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The signature header, `webhook-signature`.
pub const SIGNATURE_HEADER: &str = "webhook-signature";
/// Svix's name for [`ID_HEADER`], `svix-id`.
pub const SVIX_ID_HEADER: &str = "svix-id";
/// Svix's name for [`TIMESTAMP_HEADER`], `svix-timestamp`.
pub const SVIX_TIMESTAMP_HEADER: &str = "svix-timestamp";
/// Svix's name for [`SIGNATURE_HEADER`], `svix-signature`.
pub const SVIX_SIGNATURE_HEADER: &str = "svix-signature";
/// The specification's window: 5 minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// The most space-separated entries `webhook-signature` may carry; a
/// longer header is malformed.
pub const MAX_SIGNATURES: usize = crate::engine::MAX_SIGNATURES;

/// The Standard Webhooks scheme, `webhook-signature: v1,<base64> …` over
/// `{id}.{timestamp}.{body}`, with Svix's `svix-*` names accepted when no
/// `webhook-signature` is present (never mixed).
const SCHEME: &Scheme = &names_of(
    Algorithm::HmacSha256,
    KeyFormat::Whsec,
    "v1",
    [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER],
    Some(Fallback::Static(SVIX)),
);

/// The scheme under Svix's names.
const SVIX: &Scheme = &names_of(
    Algorithm::HmacSha256,
    KeyFormat::Whsec,
    "v1",
    [SVIX_ID_HEADER, SVIX_TIMESTAMP_HEADER, SVIX_SIGNATURE_HEADER],
    None,
);

/// What every Standard Webhooks signature covers.
const CONTENT: &[Part] = &[
    Part::Id,
    Part::literal("."),
    Part::Timestamp,
    Part::literal("."),
    Part::Body,
];

/// The scheme of `algorithm` and entry `version` under one set of header
/// names (id, timestamp, signature).
const fn names_of(
    algorithm: Algorithm,
    key: KeyFormat,
    version: &'static str,
    [id, timestamp, signature]: [&'static str; 3],
    fallback: Option<Fallback>,
) -> Scheme {
    Scheme {
        algorithm,
        signature: Signature {
            header: HeaderName::from_static(signature),
            syntax: Syntax::Entries {
                version: Cow::Borrowed(version),
            },
        },
        encoding: Encoding::Base64,
        content: Cow::Borrowed(CONTENT),
        timestamp: Some(Timestamp::header_static(timestamp).tolerance(DEFAULT_TOLERANCE)),
        key,
        id: Source::SignedHeader(HeaderName::from_static(id)),
        signature_last: true,
        fallback,
        ..Scheme::HMAC_SHA256
    }
}

/// The Standard Webhooks scheme, for [`StandardWebhooks`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "standard-webhooks";
    const TYPE_NAME: &'static str = "StandardWebhooks";

    fn scheme() -> Scheme {
        SCHEME.clone()
    }

    fn fixed() -> Option<&'static Scheme> {
        Some(SCHEME)
    }

    fn set_tolerance(&mut self, scheme: &mut Scheme, tolerance: Duration) {
        for scheme in [Some(scheme)].into_iter().flatten() {
            if let Some(ts) = &mut scheme.timestamp {
                ts.tolerance = tolerance;
            }
            if let Some(ts) = scheme
                .fallback
                .as_mut()
                .and_then(|f| f.to_mut().timestamp.as_mut())
            {
                ts.tolerance = tolerance;
            }
        }
    }
}

/// Verifies and signs Standard Webhooks (Svix) deliveries.
///
/// `StandardWebhooks::new(secret)` takes the `whsec_<base64>` string the
/// sender's dashboard shows: the `whsec_` prefix is optional and the
/// base64 is decoded as the reference libraries decode it (standard
/// alphabet, padding optional, trailing bits ignored); the decoded bytes
/// are the HMAC key. The default window is 5 minutes either way
/// ([`DEFAULT_TOLERANCE`]), as the specification; `.tolerance(..)` changes
/// it (whole seconds). `.with_previous(secret)` adds another `whsec_`
/// secret still accepted during a rotation.
///
/// ```
/// let standard = hooksig::standard::StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// # let _ = standard;
/// assert!(hooksig::standard::StandardWebhooks::new("whsec_").is_err());
/// # Ok::<(), hooksig::Error>(())
/// ```
///
/// `sign_headers` sends `webhook-id` (the outgoing id, which is required),
/// `webhook-timestamp` (the outgoing time, in whole seconds) and
/// `webhook-signature`; the event is not sent, as Standard Webhooks carries
/// the event type in the body. It fails with [`Error::InvalidConfig`] when
/// the outgoing id is missing, empty, contains a `.`, starts or ends with
/// whitespace, or cannot be a header value, or the time is before the UNIX
/// epoch.
pub type StandardWebhooks = Verifier<Spec>;

impl Verifier<Spec> {
    /// A verifier of the asymmetric `v1a` scheme: Ed25519 signatures made
    /// with the sender's private key (`whsk_…`) and verified with its
    /// public key, `public_key`: `whpk_` and the base64 of the raw 32-byte
    /// key, as the specification shows keys (hex, DER and PEM are read
    /// too). Feature `ed25519`.
    ///
    /// The signed content is the same `{webhook-id}.{webhook-timestamp}.{body}`
    /// as `v1`, and the entries are `v1a,<base64 of the 64-byte signature>`
    /// in the same space-separated `webhook-signature`
    /// ([specification, "Signature scheme" and "Asymmetric signatures"](https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme)).
    /// Only `v1a` entries are checked: a `v1` (HMAC) entry beside them is
    /// ignored, and a header with no `v1a` entry is malformed (400), so an
    /// HMAC entry never stands in for the signature. The window, the
    /// header sets (`webhook-*`, or Svix's `svix-*`) and the id rules are
    /// those of `v1`.
    ///
    /// No reference library implements `v1a` yet; this follows the
    /// specification's text. The specification does not say whether
    /// `whpk_` carries the raw key or DER; hooksig reads the raw key, the
    /// natural reading, and DER SPKI too. `.with_previous(public_key)` adds
    /// a key accepted during a rotation; `.signing_key(whsk)` lets
    /// `sign_headers` sign as a sender, for tests.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use hooksig::{standard::StandardWebhooks, Outgoing, Provider};
    ///
    /// let standard = StandardWebhooks::ed25519("whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=")?
    ///     .signing_key("whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
    /// let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    /// let body = br#"{"type":"contact.created"}"#;
    /// let headers = standard.sign_headers(&Outgoing::new(body).id("msg_1").at(at))?;
    /// assert!(headers["webhook-signature"].to_str().unwrap().starts_with("v1a,"));
    /// assert_eq!(standard.verify_at(&headers, body, at)?.id(), Some("msg_1"));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `public_key` is not an Ed25519 public
    /// key.
    #[cfg(feature = "ed25519")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ed25519")))]
    pub fn ed25519(public_key: impl AsRef<[u8]>) -> Result<Self, Error> {
        let v1a = |names, fallback| {
            names_of(
                Algorithm::Ed25519,
                KeyFormat::AsTyped,
                "v1a",
                names,
                fallback,
            )
        };
        let svix = v1a(
            [SVIX_ID_HEADER, SVIX_TIMESTAMP_HEADER, SVIX_SIGNATURE_HEADER],
            None,
        );
        let scheme = v1a(
            [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER],
            Some(Fallback::Owned(Box::new(svix))),
        );
        Verifier::build(scheme, Spec, public_key.as_ref())
    }

    /// A verifier whose HMAC key is `key` itself, not decoded, for keys
    /// kept as bytes rather than as a `whsec_` string.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `key` is empty.
    pub fn from_raw_key(key: impl AsRef<[u8]>) -> Result<Self, Error> {
        Verifier::build_raw(Spec::scheme(), Spec, key.as_ref())
    }

    /// [`with_previous`](Verifier::with_previous) for a raw key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `key` is empty.
    pub fn with_previous_raw_key(mut self, key: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.keys.add_previous_raw(key.as_ref())?;
        Ok(self)
    }

    /// The `webhook-signature` value a sender would send for message `id`
    /// at `unix_secs`: `v1,` and the padded base64 MAC.
    ///
    /// ```
    /// let standard = hooksig::standard::StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// assert_eq!(
    ///     standard.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#)?,
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    /// );
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `id` is empty, contains a `.`, or
    /// starts or ends with a space or tab: HTTP strips those from a header
    /// value, so the receiver would check the signature over another id;
    /// or, for a `v1a` verifier, when it has no signing key.
    pub fn sign(&self, id: &str, unix_secs: u64, body: &[u8]) -> Result<String, Error> {
        if id.is_empty() || id.contains('.') {
            return Err(Error::InvalidConfig(
                "a Standard Webhooks id must be non-empty and contain no `.`",
            ));
        }
        if id.starts_with([' ', '\t']) || id.ends_with([' ', '\t']) {
            return Err(Error::InvalidConfig(
                "a Standard Webhooks id must not start or end with whitespace",
            ));
        }
        let timestamp = unix_secs.to_string();
        let tag = self.sign_parts(&[id.as_bytes(), b".", timestamp.as_bytes(), b".", body])?;
        let version = match &self.scheme().signature.syntax {
            Syntax::Entries { version } => &**version,
            _ => "v1",
        };
        Ok(format!("{version},{tag}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::encoding::tests as encoding;
    #[allow(unused_imports)]
    use crate::{error::HeaderName, key::tests::Keys, Delivery, Error, Outgoing, Provider};
    use std::time::UNIX_EPOCH;
    #[allow(unused_imports)]
    use std::time::{Duration, SystemTime};

    // standard-webhooks/standard-webhooks libraries/python/tests
    // test_webhooks.py test_sign_function (also in the Go, C#, Java, PHP
    // and Svix libraries' tests).
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: u64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn verify(signature: &str) -> Result<(), Error> {
        let headers = [
            ("webhook-id", ID),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", signature),
        ];
        StandardWebhooks::new(SECRET)?
            .verify_at(&headers, BODY, at(TS))
            .map(|_| ())
    }

    #[test]
    fn reference_vector_verifies_and_signs() {
        assert_eq!(verify(SIG), Ok(()));
        let standard = StandardWebhooks::new(SECRET).unwrap();
        assert_eq!(standard.sign(ID, TS, BODY).unwrap(), SIG);
        let raw = crate::encoding::whsec_secret(SECRET.as_bytes(), |k| Ok(k.to_vec())).unwrap();
        let from_raw = StandardWebhooks::from_raw_key(&raw).unwrap();
        assert_eq!(from_raw.sign(ID, TS, BODY).unwrap(), SIG);
    }

    #[test]
    fn svix_header_names_are_accepted_but_not_mixed() {
        let standard = StandardWebhooks::new(SECRET).unwrap();
        let svix = [
            ("svix-id", ID),
            ("svix-timestamp", "1614265330"),
            ("svix-signature", SIG),
        ];
        let delivery = standard.verify_at(&svix, BODY, at(TS)).unwrap();
        assert_eq!(delivery.id(), Some(ID));
        let mixed = [
            ("webhook-id", ID),
            ("webhook-timestamp", "1614265330"),
            ("svix-signature", SIG),
        ];
        assert_eq!(
            standard.verify_at(&mixed, BODY, at(TS)).unwrap_err(),
            Error::MissingHeader(HeaderName::from_static("svix-id"))
        );
    }

    #[test]
    fn any_v1_entry_may_match_and_other_versions_are_ignored() {
        let decoy = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
        assert_eq!(verify(&format!("{decoy} v2,abc {SIG}  {decoy}")), Ok(()));
        assert_eq!(
            verify(&format!("{SIG} v1,short")),
            Ok(()),
            "malformed extra skipped"
        );
        assert_eq!(verify(decoy), Err(Error::SignatureMismatch));
        for no_v1 in [
            SIG.replace("v1,", "v2,"),
            SIG.replace("v1,", "v1a,"),
            SIG.replace("v1,", ""),
        ] {
            assert!(
                matches!(
                    verify(&no_v1),
                    Err(Error::MalformedHeader {
                        problem: "no `v1,` signature",
                        ..
                    })
                ),
                "{no_v1}"
            );
        }
        for unreadable in [
            "v1,short",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
            "v1,",
        ] {
            assert!(
                matches!(verify(unreadable), Err(Error::MalformedHeader { .. })),
                "{unreadable}"
            );
        }
    }

    #[test]
    fn long_signature_lists_are_bounded() {
        let decoy = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
        let mut list = vec![decoy; MAX_SIGNATURES - 1];
        list.push(SIG);
        assert_eq!(verify(&list.join(" ")), Ok(()));
        list.insert(0, "v2,x");
        assert!(matches!(
            verify(&list.join(" ")),
            Err(Error::MalformedHeader {
                problem: "more than 32 signatures",
                ..
            })
        ));
    }

    #[test]
    fn id_and_timestamp_forms() {
        let standard = StandardWebhooks::new(SECRET).unwrap();
        let check = |id: &str, ts: &str| {
            let headers = [
                ("webhook-id", id),
                ("webhook-timestamp", ts),
                ("webhook-signature", SIG),
            ];
            standard.verify_at(&headers, BODY, at(TS)).map(|_| ())
        };
        assert!(matches!(
            check("msg.1", "1614265330"),
            Err(Error::MalformedHeader { .. })
        ));
        for ts in [
            "+1614265330",
            "-1",
            "1614265330.0",
            "1e9",
            "0x1",
            "123456789012345678901",
        ] {
            assert!(
                matches!(check(ID, ts), Err(Error::MalformedHeader { .. })),
                "{ts}"
            );
        }
        // Leading zeros are digits: the MAC covers them, so they mismatch.
        assert_eq!(check(ID, "01614265330"), Err(Error::SignatureMismatch));
        assert_eq!(check(ID, "1614265331"), Err(Error::SignatureMismatch));
    }

    #[test]
    fn window_edges_and_mac_first() {
        let standard = StandardWebhooks::new(SECRET).unwrap();
        let headers = [
            ("webhook-id", ID),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", SIG),
        ];
        let run = |now| standard.verify_at(&headers, BODY, at(now)).map(|_| ());
        assert_eq!(run(TS + 300), Ok(()));
        assert_eq!(run(TS - 300), Ok(()));
        assert_eq!(run(TS + 301), Err(Error::TimestampTooOld));
        assert_eq!(run(TS - 301), Err(Error::TimestampInFuture));
        let forged = [
            ("webhook-id", ID),
            ("webhook-timestamp", "1"),
            ("webhook-signature", SIG),
        ];
        assert_eq!(
            standard.verify_at(&forged, BODY, at(TS)).unwrap_err(),
            Error::SignatureMismatch
        );
    }

    #[test]
    fn secrets_rotation_and_debug() {
        assert!(StandardWebhooks::new("").is_err());
        assert!(StandardWebhooks::new("whsec_").is_err());
        assert!(StandardWebhooks::new("whsec_not base64!").is_err());
        assert!(StandardWebhooks::from_raw_key([]).is_err());
        let rotated = StandardWebhooks::new("whsec_bmV3LXNlY3JldA==")
            .unwrap()
            .with_previous(SECRET)
            .unwrap()
            .with_previous_raw_key(b"raw")
            .unwrap();
        assert!(StandardWebhooks::new(SECRET)
            .unwrap()
            .with_previous("whsec_")
            .is_err());
        let headers = [
            ("webhook-id", ID),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", SIG),
        ];
        assert!(rotated.verify_at(&headers, BODY, at(TS)).is_ok());
        assert_eq!(
            format!("{rotated:?}"),
            "StandardWebhooks { secrets: 3, tolerance: 300s, .. }"
        );
    }

    #[test]
    fn sign_headers_needs_a_dot_free_id() {
        let standard = StandardWebhooks::new(SECRET).unwrap();
        let outgoing = Outgoing::new(BODY).at(at(TS));
        assert!(matches!(
            standard.sign_headers(&outgoing),
            Err(Error::InvalidConfig(_))
        ));
        assert!(matches!(
            standard.sign_headers(&outgoing.id("a.b")),
            Err(Error::InvalidConfig(_))
        ));
        assert!(matches!(
            standard.sign_headers(&outgoing.id("")),
            Err(Error::InvalidConfig(_))
        ));
        // HTTP strips a header value's surrounding whitespace, so the
        // receiver would verify another id: found by the seeds of the
        // roundtrip fuzz target (" " and " msg_1\t" were signed, then
        // failed to verify).
        for padded in [" ", " msg_1", "msg_1\t", "\tmsg_1 "] {
            assert!(
                matches!(
                    standard.sign_headers(&outgoing.id(padded)),
                    Err(Error::InvalidConfig(_))
                ),
                "{padded:?}"
            );
        }
        let inner = standard.sign_headers(&outgoing.id("msg 1")).unwrap();
        assert!(standard.verify_at(&inner, BODY, at(TS)).is_ok());
        let headers = standard
            .sign_headers(&outgoing.id(ID).event("ignored"))
            .unwrap();
        assert_eq!(headers[SIGNATURE_HEADER], SIG);
        assert_eq!(headers[TIMESTAMP_HEADER], "1614265330");
        assert_eq!(headers.len(), 3);
        let delivery = standard.verify_at(&headers, BODY, at(TS)).unwrap();
        assert_eq!(delivery.timestamp(), Some(at(TS)));
        assert_eq!(delivery.event(), None);
    }

    /// tests/data/providers/standardwebhooks_v1a.json: signed with
    /// cryptography 50.0.2 Ed25519 from the specification's text (no
    /// reference library implements `v1a`).
    #[cfg(feature = "ed25519")]
    #[test]
    fn v1a_vectors_from_the_specification() {
        let file: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/data/providers/standardwebhooks_v1a.json"
        ))
        .unwrap();
        for v in file["vectors"].as_array().unwrap() {
            let name = v["name"].as_str().unwrap();
            let headers: Vec<(String, String)> = v["headers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let standard = StandardWebhooks::ed25519(v["public_key"].as_str().unwrap()).unwrap();
            let now = at(v["now_unix"].as_u64().unwrap());
            let body = v["body"].as_str().unwrap().as_bytes();
            let result = standard.verify_at(&headers, body, now);
            assert_eq!(
                result.is_ok(),
                v["valid"].as_bool().unwrap(),
                "{name}: {result:?}"
            );
        }
        let keys = &file["keys"];
        let signer = StandardWebhooks::ed25519(keys["whpk"].as_str().unwrap())
            .unwrap()
            .signing_key(keys["whsk"].as_str().unwrap())
            .unwrap();
        let tag = signer.sign(ID, TS, BODY).unwrap();
        assert!(tag.starts_with("v1a,"));
        let headers = [
            ("webhook-id", ID),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", tag.as_str()),
        ];
        assert!(signer.verify_at(&headers, BODY, at(TS)).is_ok());
        // A v1 (HMAC) verifier ignores the v1a entry.
        assert!(matches!(
            StandardWebhooks::new(SECRET)
                .unwrap()
                .verify_at(&headers, BODY, at(TS)),
            Err(Error::MalformedHeader { .. })
        ));
        let verify_only = StandardWebhooks::ed25519(keys["whpk"].as_str().unwrap()).unwrap();
        assert!(matches!(
            verify_only.sign(ID, TS, BODY),
            Err(Error::InvalidConfig(_))
        ));
        assert_eq!(
            format!("{verify_only:?}"),
            "StandardWebhooks { keys: 1, tolerance: 300s, .. }"
        );
    }

    /// standardwebhooks_presets.json "supabase-auth-hook-v1-whsec-secret"
    /// (standardwebhooks 1.1.0, given the stripped secret).
    #[test]
    fn supabase_v1_whsec_secret_is_read_as_shown() {
        let supabase =
            StandardWebhooks::new("v1,whsec_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=").unwrap();
        let stripped =
            StandardWebhooks::new("whsec_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=").unwrap();
        assert_eq!(supabase.sign(ID, TS, BODY), stripped.sign(ID, TS, BODY));
        assert!(StandardWebhooks::new("v1,").is_err());
    }
}
