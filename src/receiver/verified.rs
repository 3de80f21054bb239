//! [`Verified`] and [`Rejection`]: what a framework's extractor hands a
//! handler, and why it refused to. One type for every extractor (the axum
//! one, `hooksig::axum::Verified`, and the actix-web one,
//! `hooksig::actix::Verified`, are re-exports of these), so they read and
//! settle a delivery the same way.

use std::fmt;

use bytes::Bytes;

use super::{Accepted, Answer, VerifiedDelivery};
use crate::Error;

/// A verified delivery as a handler argument: its metadata and the
/// verified bytes.
///
/// When the extractor ran the [`Receiver`](super::Receiver) itself (the
/// axum extractor; the actix extractor without its middleware), it holds
/// the duplicate claim: call [`complete`](Verified::complete) once the
/// handler succeeded. A `Verified` dropped without it (an error returned, a
/// panic, a cancelled request) releases its claim, so the sender's retry is
/// processed. Behind a middleware that settles the claim from the handler's
/// status, `complete` and `finish` do nothing.
pub struct Verified {
    delivery: VerifiedDelivery,
    body: Bytes,
    accepted: Option<Accepted>,
}

impl Verified {
    /// The handler argument for a delivery [`Receiver::prepare`] accepted:
    /// its claim, if any, is settled by [`finish`](Verified::finish). For
    /// an extractor of a framework hooksig has no adapter for.
    ///
    /// [`Receiver::prepare`]: super::Receiver::prepare
    #[must_use]
    pub fn new(mut accepted: Accepted) -> Self {
        Verified {
            delivery: accepted.delivery().clone(),
            body: accepted.take_body(),
            accepted: Some(accepted),
        }
    }

    /// A delivery a middleware verified and settles itself.
    #[cfg_attr(not(feature = "actix"), allow(dead_code))]
    pub(crate) fn settled(delivery: VerifiedDelivery, body: Bytes) -> Self {
        Verified {
            delivery,
            body,
            accepted: None,
        }
    }

    /// What was verified.
    #[must_use]
    pub fn delivery(&self) -> &VerifiedDelivery {
        &self.delivery
    }

    /// The delivery id ([`VerifiedDelivery::id`]).
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.delivery.id()
    }

    /// The event name ([`VerifiedDelivery::event`]).
    #[must_use]
    pub fn event(&self) -> Option<&str> {
        self.delivery.event()
    }

    /// The verified bytes.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Records the delivery as processed (2xx): a duplicate is then
    /// answered `{"status":"duplicate"}` without the handler.
    pub async fn complete(self) {
        self.finish(http::StatusCode::OK).await;
    }

    /// Settles the claim with the handler's `status` (`http`'s
    /// `StatusCode`, actix-web's, or a `u16`): 2xx completes it, anything
    /// else releases it so the retry is processed. Emits the delivery's
    /// `tracing` event.
    pub async fn finish(mut self, status: impl Into<HandlerStatus>) {
        if let Some(accepted) = self.accepted.take() {
            accepted.finish(status.into().0).await;
        }
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("delivery", &self.delivery)
            .field("body_len", &self.body.len())
            .field(
                "claimed",
                &self.accepted.as_ref().is_some_and(Accepted::is_claimed),
            )
            .finish_non_exhaustive()
    }
}

/// The status a handler answered, for [`Verified::finish`]: from `http`'s
/// `StatusCode`, from actix-web's (on `http` 0.2), or from a `u16` (an
/// invalid code counts as 500, a failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandlerStatus(http::StatusCode);

impl From<http::StatusCode> for HandlerStatus {
    fn from(status: http::StatusCode) -> Self {
        HandlerStatus(status)
    }
}

impl From<u16> for HandlerStatus {
    fn from(code: u16) -> Self {
        HandlerStatus(
            http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        )
    }
}

#[cfg(feature = "actix")]
impl From<actix_web::http::StatusCode> for HandlerStatus {
    fn from(status: actix_web::http::StatusCode) -> Self {
        HandlerStatus::from(status.as_u16())
    }
}

/// Why an extractor did not reach the handler: a rejection (the error's
/// status and `{"error":"<kind>","message":"<words>"}`) or an answer the
/// receiver gives itself (200 pong, 200 duplicate, a handshake). It is a
/// response in each framework: axum's `IntoResponse` (the [`Error`] in the
/// response's extensions) and actix-web's `ResponseError` (with actix's
/// status type).
#[derive(Debug, Clone)]
pub struct Rejection(pub(crate) Answer);

impl Rejection {
    /// The receiver's answer.
    #[must_use]
    pub fn answer(&self) -> &Answer {
        &self.0
    }

    /// The error, when it is a rejection rather than a pong, a duplicate or
    /// a handshake.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        self.0.error()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.error() {
            Some(error) => fmt::Display::fmt(error, f),
            None => write!(f, "answered by the webhook receiver ({})", self.0.status()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_statuses_convert_from_each_type() {
        assert_eq!(
            HandlerStatus::from(204u16),
            HandlerStatus::from(http::StatusCode::NO_CONTENT)
        );
        // Not a status code: a failure, so the claim is released.
        assert_eq!(
            HandlerStatus::from(1000u16),
            HandlerStatus::from(http::StatusCode::INTERNAL_SERVER_ERROR)
        );
        #[cfg(feature = "actix")]
        assert_eq!(
            HandlerStatus::from(actix_web::http::StatusCode::ACCEPTED),
            HandlerStatus::from(http::StatusCode::ACCEPTED)
        );
    }

    #[test]
    fn a_rejection_displays_its_error_or_the_answer() {
        let rejection = Rejection(Answer::rejection(Error::SignatureMismatch));
        assert_eq!(rejection.to_string(), Error::SignatureMismatch.to_string());
        assert_eq!(rejection.error(), Some(&Error::SignatureMismatch));
        let pong = Rejection(Answer::json(http::StatusCode::OK, b"{\"status\":\"pong\"}"));
        assert!(pong.error().is_none());
        assert!(pong.to_string().contains("200"), "{pong}");
    }
}
