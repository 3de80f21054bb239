//! GitLab webhooks: the secret token, and the newer signing tokens.
//!
//! GitLab authenticates a webhook in one of two ways
//! ([Webhooks: validate requests](https://docs.gitlab.com/user/project/integrations/webhooks/#validate-requests-with-a-secret-token)):
//! - a **secret token**, sent verbatim in `X-Gitlab-Token` and compared
//!   here in constant time ([`GitLab::new`]). This proves only that the
//!   sender knows the shared token. It does **not** prove the integrity of
//!   the body or of any header: anyone who sees one request (a logging
//!   proxy, a TLS-terminating load balancer) can send any body with it,
//!   and there is no timestamp, so nothing bounds a replay;
//! - a **signing token** (`whsec_…`), with which GitLab signs every request
//!   the Standard Webhooks way: `webhook-signature: v1,<base64>` over
//!   `{webhook-id}.{webhook-timestamp}.{body}`
//!   ([specification](https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md))
//!   ([`GitLab::signing_token`]). This covers the body, the id and the
//!   timestamp, with a 5-minute window either way. Prefer it.
//!
//! Which is tried when: a verifier checks exactly one of the two, the one
//! it was built with. [`GitLab::new`] builds a signing-token verifier when
//! the token starts with `whsec_` (as GitLab shows signing tokens), and a
//! secret-token verifier otherwise. A signing-token verifier never accepts
//! `X-Gitlab-Token` alone, even when GitLab sends both (a webhook can have
//! both configured): the signature is never downgraded to the token.
//!
//! Metadata (not covered by a secret token; under a signing token only
//! `webhook-id` is): [`Delivery::event`](crate::Delivery::event) is `X-Gitlab-Event` (`Push Hook`);
//! [`Delivery::id`](crate::Delivery::id) is `Idempotency-Key`, which GitLab keeps across the
//! retries of one delivery (GitLab 17.4 and later; earlier versions send
//! none, and `X-Gitlab-Event-UUID` is readable with [`Delivery::header`](crate::Delivery::header)),
//! or the signed `webhook-id` under a signing token (the same value).
//!
//! ```
//! use hooksig::{gitlab::GitLab, Provider};
//!
//! let gitlab = GitLab::new("gitlab-secret-token")?;
//! let headers = [
//!     ("X-Gitlab-Token", "gitlab-secret-token"),
//!     ("X-Gitlab-Event", "Push Hook"),
//! ];
//! let delivery = gitlab.verify(&headers, br#"{"object_kind":"push"}"#)?;
//! assert_eq!(delivery.event(), Some("Push Hook"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use std::time::Duration;

use crate::engine::{sealed, Sender, Verifier};
use crate::error::HeaderName;
use crate::scheme::{Encoding, Id, KeyFormat, Part, Scheme, Signature, Syntax, Timestamp};
use crate::Error;

/// The secret token header, `X-Gitlab-Token`.
pub const TOKEN_HEADER: &str = "x-gitlab-token";
/// The event header, `X-Gitlab-Event` (`Push Hook`, …). Not signed.
pub const EVENT_HEADER: &str = "x-gitlab-event";
/// The event UUID header, `X-Gitlab-Event-UUID`. Not signed.
pub const EVENT_UUID_HEADER: &str = "x-gitlab-event-uuid";
/// The webhook UUID header, `X-Gitlab-Webhook-UUID`. Not signed.
pub const WEBHOOK_UUID_HEADER: &str = "x-gitlab-webhook-uuid";
/// The delivery id kept across retries, `Idempotency-Key`. Not signed
/// (the signed `webhook-id` carries the same value).
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// The signing token's signature header, `webhook-signature`.
pub const SIGNATURE_HEADER: &str = crate::standard::SIGNATURE_HEADER;
/// The signing token's id header, `webhook-id`. Signed.
pub const ID_HEADER: &str = crate::standard::ID_HEADER;
/// The signing token's timestamp header, `webhook-timestamp`. Signed.
pub const TIMESTAMP_HEADER: &str = crate::standard::TIMESTAMP_HEADER;
/// The window of a signing token: 5 minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// GitLab's schemes, for [`GitLab`].
#[derive(Debug, Clone, Copy)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "gitlab";
    const TYPE_NAME: &'static str = "GitLab";

    /// The secret token in `X-Gitlab-Token`, compared in constant time.
    fn scheme() -> Scheme {
        Scheme::token_static(TOKEN_HEADER)
            .id(Id::header_static(IDEMPOTENCY_KEY_HEADER))
            .event(Id::header_static(EVENT_HEADER))
    }
}

/// The Standard Webhooks scheme of a signing token.
fn signing_scheme() -> Scheme {
    Scheme::hmac_sha256()
        .signature(Signature {
            header: HeaderName::from_static(SIGNATURE_HEADER),
            syntax: Syntax::Entries {
                version: std::borrow::Cow::Borrowed("v1"),
            },
        })
        .encoding(Encoding::Base64)
        .content([
            Part::Id,
            Part::literal("."),
            Part::Timestamp,
            Part::literal("."),
            Part::Body,
        ])
        .timestamp(Timestamp::header_static(TIMESTAMP_HEADER).tolerance(DEFAULT_TOLERANCE))
        .key(KeyFormat::Whsec)
        .id(Id::signed_header_static(ID_HEADER))
        .event(Id::header_static(EVENT_HEADER))
        .signature_last()
}

/// Verifies GitLab webhooks, by secret token or by signing token.
///
/// `GitLab::new(token)` takes what GitLab shows: a signing token
/// (`whsec_…`, see [`GitLab::signing_token`]) or a secret token (any other
/// text, compared as typed). `.with_previous(token)` adds another token of
/// the same kind, accepted during a rotation. `.tolerance(..)` sets a
/// signing token's window; a secret token has none.
///
/// `sign_headers` sends what GitLab sends: `X-Gitlab-Token` (the token),
/// or `webhook-id` (the outgoing id, required), `webhook-timestamp` and
/// `webhook-signature`; and `Idempotency-Key` / `X-Gitlab-Event` from the
/// outgoing id and event.
pub type GitLab = Verifier<Spec>;

impl Verifier<Spec> {
    /// A verifier for `token`: a signing token when it starts with
    /// `whsec_`, a secret token otherwise (see the [module docs](self)).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `token` is empty, or is a `whsec_`
    /// token whose base64 does not decode.
    pub fn new(token: impl AsRef<[u8]>) -> Result<Self, Error> {
        let token = token.as_ref();
        if token.starts_with(b"whsec_") {
            Self::signing_token(token)
        } else {
            Self::secret_token(token)
        }
    }

    /// A verifier for a secret token, compared as typed with
    /// `X-Gitlab-Token`, even one that starts with `whsec_` (which
    /// [`GitLab::new`] would read as a signing token).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `token` is empty.
    pub fn secret_token(token: impl AsRef<[u8]>) -> Result<Self, Error> {
        Verifier::build(Spec::scheme(), Spec, token.as_ref())
    }

    /// A verifier for a signing token (`whsec_<base64>`, the prefix
    /// optional), which checks only the Standard Webhooks signature.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the token is empty or not base64.
    pub fn signing_token(token: impl AsRef<[u8]>) -> Result<Self, Error> {
        Verifier::build(signing_scheme(), Spec, token.as_ref())
    }

    /// Whether this verifier checks a signing token's signature (rather
    /// than comparing a secret token).
    #[must_use]
    pub fn is_signing(&self) -> bool {
        self.scheme().timestamp.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Outgoing, Provider};
    use std::time::{SystemTime, UNIX_EPOCH};

    // tests/data/providers/gitlab.json (stdlib constant compare, the
    // documented scheme) and standardwebhooks_presets.json
    // "gitlab-signing-token" (standardwebhooks 1.1.0, SDK-checked).
    const TOKEN: &str = "gitlab-secret-token";
    const SIGNING: &str = "whsec_yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5uc=";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn secret_token_is_compared_and_covers_nothing_else() {
        let gitlab = GitLab::new(TOKEN).unwrap();
        assert!(!gitlab.is_signing());
        let check = |token: &str, body: &[u8]| {
            let headers = [("X-Gitlab-Token", token), ("X-Gitlab-Event", "Push Hook")];
            gitlab
                .verify(&headers, body)
                .map(|d| d.event().map(str::to_owned))
        };
        let body = br#"{"object_kind":"push","ref":"refs/heads/main"}"#;
        assert_eq!(check(TOKEN, body), Ok(Some("Push Hook".to_owned())));
        // gitlab.json "body-changed-still-valid": the token does not cover it.
        assert!(check(TOKEN, b"anything").is_ok());
        // gitlab.json "token-mismatch".
        assert_eq!(
            check("gitlab-secret-tokeN", body),
            Err(Error::SignatureMismatch)
        );
        assert_eq!(check("g", body), Err(Error::SignatureMismatch));
        // gitlab.json "token-missing".
        assert_eq!(
            gitlab
                .verify(&[("X-Gitlab-Event", "Push Hook")], body)
                .unwrap_err(),
            Error::MissingHeader(HeaderName::from_static(TOKEN_HEADER))
        );
        assert!(GitLab::new("").is_err());
        assert_eq!(format!("{gitlab:?}"), "GitLab { secrets: 1, .. }");
    }

    #[test]
    fn token_rotation_and_sign_headers() {
        let gitlab = GitLab::new("new").unwrap().with_previous(TOKEN).unwrap();
        assert!(gitlab.verify(&[("X-Gitlab-Token", TOKEN)], b"").is_ok());
        let headers = gitlab
            .sign_headers(&Outgoing::new(b"{}").id("k-1").event("Push Hook"))
            .unwrap();
        assert_eq!(headers[TOKEN_HEADER], "new");
        let delivery = gitlab.verify(&headers, b"{}").unwrap();
        assert_eq!(
            (delivery.id(), delivery.event()),
            (Some("k-1"), Some("Push Hook"))
        );
    }

    #[test]
    fn signing_token_is_standard_webhooks_and_never_downgrades() {
        let gitlab = GitLab::new(SIGNING).unwrap();
        assert!(gitlab.is_signing());
        let body = b"{}";
        let headers = gitlab
            .sign_headers(
                &Outgoing::new(body)
                    .id("5b3c8f7e")
                    .event("Push Hook")
                    .at(at(1_767_225_597)),
            )
            .unwrap();
        let delivery = gitlab.verify_at(&headers, body, at(1_767_225_600)).unwrap();
        assert_eq!(delivery.id(), Some("5b3c8f7e"));
        assert_eq!(delivery.event(), Some("Push Hook"));
        assert_eq!(
            gitlab
                .verify_at(&headers, body, at(1_767_225_597 + 301))
                .unwrap_err(),
            Error::TimestampTooOld
        );
        // A token alone is refused by a signing-token verifier.
        assert_eq!(
            gitlab
                .verify(&[("X-Gitlab-Token", SIGNING)], body)
                .unwrap_err(),
            Error::MissingHeader(HeaderName::from_static(ID_HEADER))
        );
        assert!(GitLab::signing_token("whsec_!!").is_err());
        // A secret token that happens to start with `whsec_`.
        let odd = GitLab::secret_token("whsec_not-a-signing-token").unwrap();
        assert!(!odd.is_signing());
        assert!(odd
            .verify(&[("X-Gitlab-Token", "whsec_not-a-signing-token")], body)
            .is_ok());
    }
}
