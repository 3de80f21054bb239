//! Telegram Bot API webhooks.
//!
//! When a bot sets its webhook with a `secret_token`
//! ([setWebhook](https://core.telegram.org/bots/api#setwebhook)), Telegram
//! sends that token verbatim in `X-Telegram-Bot-Api-Secret-Token` with
//! every update. hooksig compares it in constant time with the configured
//! one.
//!
//! What this proves, and what it does not: a matching token proves only
//! that the sender knows the shared token. Nothing is signed. It does
//! **not** prove the integrity of the body or of any header, and nothing
//! bounds a replay: anyone who sees one request can send any update with
//! it. Telegram offers nothing stronger; keep the token secret, serve the
//! webhook over TLS only, and treat updates as untrusted input.
//!
//! Replay defence: none from the token. Deduplicate on [`Delivery::id`](crate::Delivery::id),
//! the body's `update_id` (a number; its digits as text), which Telegram
//! keeps when it redelivers an update, read when asked for.
//!
//! The token Telegram accepts is 1 to 256 characters of `A-Z`, `a-z`,
//! `0-9`, `_` and `-`.
//!
//! ```
//! use hooksig::{telegram::Telegram, Provider};
//!
//! let telegram = Telegram::new("Tg_secret-token_0123")?;
//! let headers = [("X-Telegram-Bot-Api-Secret-Token", "Tg_secret-token_0123")];
//! let delivery = telegram.verify(&headers, br#"{"update_id":123456789,"message":{}}"#)?;
//! assert_eq!(delivery.id(), Some("123456789"));
//! # Ok::<(), hooksig::Error>(())
//! ```

use crate::engine::{sealed, Sender, Verifier};
use crate::scheme::{Id, Scheme};

/// The secret token header, `X-Telegram-Bot-Api-Secret-Token`.
pub const SECRET_TOKEN_HEADER: &str = "x-telegram-bot-api-secret-token";
/// The body member that is the delivery id, `update_id` (a number).
pub const ID_FIELD: &str = "update_id";

/// Telegram's scheme, for [`Telegram`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec;

impl sealed::Sealed for Spec {}

impl Sender for Spec {
    const NAME: &'static str = "telegram";
    const TYPE_NAME: &'static str = "Telegram";

    /// The secret token in `X-Telegram-Bot-Api-Secret-Token`, compared in
    /// constant time; the id is the body's `update_id`.
    fn scheme() -> Scheme {
        Scheme::token_static(SECRET_TOKEN_HEADER).id(Id::body_integer(ID_FIELD))
    }
}

/// Verifies Telegram webhook updates by their secret token.
///
/// `Telegram::new(secret_token)`, the `secret_token` given to
/// `setWebhook`; `.with_previous(token)` keeps accepting the old one while
/// the webhook is re-set. There is no timestamp.
///
/// `sign_headers` sends `X-Telegram-Bot-Api-Secret-Token`, as Telegram
/// does (the id travels in the body).
pub type Telegram = Verifier<Spec>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::HeaderName;
    use crate::{Error, Outgoing, Provider};

    // tests/data/providers/telegram.json (stdlib constant compare of the
    // documented scheme).
    const TOKEN: &str = "Tg_secret-token_0123";
    const BODY: &[u8] = br#"{"update_id":123456789,"message":{"message_id":1,"date":1767225600,"chat":{"id":1,"type":"private"},"text":"/start"}}"#;

    #[test]
    fn recorded_vectors() {
        let telegram = Telegram::new(TOKEN).unwrap();
        // "token-match"
        let delivery = telegram
            .verify(&[("X-Telegram-Bot-Api-Secret-Token", TOKEN)], BODY)
            .unwrap();
        assert_eq!(delivery.id(), Some("123456789"));
        assert_eq!(delivery.event(), None);
        // "token-mismatch"
        assert_eq!(
            telegram
                .verify(
                    &[("X-Telegram-Bot-Api-Secret-Token", "Tg_secret-token_0124")],
                    BODY
                )
                .unwrap_err(),
            Error::SignatureMismatch
        );
        // "token-missing"
        assert_eq!(
            telegram
                .verify(&[("Content-Type", "application/json")], BODY)
                .unwrap_err(),
            Error::MissingHeader(HeaderName::from_static(SECRET_TOKEN_HEADER))
        );
    }

    #[test]
    fn update_id_forms() {
        let telegram = Telegram::new(TOKEN).unwrap();
        let id = |body: &'static [u8]| {
            telegram
                .verify(&[("X-Telegram-Bot-Api-Secret-Token", TOKEN)], body)
                .unwrap()
                .id()
        };
        assert_eq!(
            id(br#"{"message":{"update_id":1},"update_id":7}"#),
            Some("7")
        );
        assert_eq!(id(br#"{"update_id":"7"}"#), None);
        assert_eq!(id(br#"{"update_id":-7}"#), None);
        assert_eq!(id(br#"{"update_id":7.5}"#), None);
        assert_eq!(id(br#"{"update_id":7,"update_id":8}"#), None);
        assert_eq!(id(b"not json"), None);
        assert_eq!(
            id(br#"{"update_id":123456789012345678901234567890}"#),
            Some("123456789012345678901234567890")
        );
    }

    #[test]
    fn signs_the_token_and_redacts_it() {
        let telegram = Telegram::new(TOKEN).unwrap();
        let headers = telegram.sign_headers(&Outgoing::new(BODY)).unwrap();
        assert_eq!(headers[SECRET_TOKEN_HEADER], TOKEN);
        assert!(telegram.verify(&headers, BODY).is_ok());
        let debug = format!("{telegram:?}");
        assert_eq!(debug, "Telegram { secrets: 1, .. }");
        assert!(!debug.contains(TOKEN));
    }
}
