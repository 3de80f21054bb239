//! [`Delivery`], the proof that a request's signature was verified.

use std::fmt;
use std::time::SystemTime;

use crate::headers::{self, Headers};
use crate::json;
use crate::Error;

/// A verified delivery: the exact body whose signature checked out, and the
/// metadata that came with it, borrowed from the request.
///
/// Only a [`Provider`](crate::Provider) can make one, so holding a
/// `Delivery` proves verification happened. Its fields are private; read
/// them through the methods.
///
/// What is *signed* differs by scheme: the body always is; a timestamp is
/// when [`timestamp`](Delivery::timestamp) is `Some`; for GitHub and Linear
/// the id and event come from headers that the signature does **not** cover
/// (the senders sign only the body), so treat them as routing hints, and
/// deduplicate on them knowing an attacker who captured a delivery can
/// replay its body under a fresh id.
///
/// ```
/// use hooksig::{github::GitHub, Provider};
///
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// let body = br#"{"zen":"Design for failure.","hook_id":1}"#;
/// let sig = github.sign(body);
/// let headers = [
///     ("X-Hub-Signature-256", sig.as_str()),
///     ("X-GitHub-Event", "ping"),
///     ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
/// ];
/// let delivery = github.verify(&headers, body)?;
/// assert!(delivery.is_ping());
/// assert_eq!(delivery.id(), Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"));
///
/// #[derive(serde::Deserialize)]
/// struct Ping<'a> { zen: &'a str }
/// let ping: Ping<'_> = delivery.json()?;
/// assert_eq!(ping.zen, "Design for failure.");
/// # Ok::<(), hooksig::Error>(())
/// ```
#[must_use = "a Delivery is the result of verification; use its body"]
#[derive(Clone, Copy)]
pub struct Delivery<'a> {
    provider: &'static str,
    body: &'a [u8],
    headers: &'a dyn Headers,
    id: Field<'a>,
    event: Field<'a>,
    timestamp: Option<SystemTime>,
    ping_event: Option<&'static str>,
    reply: Option<ReplyPlan>,
}

/// The answer a sender expects to a handshake, instead of the handler's:
/// Slack's `url_verification` challenge, Discord's `PING`, Meta's and
/// Dropbox's GET challenges.
///
/// A receiver sends it as it is; the tower middleware does so without
/// calling the handler.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use hooksig::{slack::Slack, Provider};
///
/// let slack = Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?;
/// let body = br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
/// let sig = slack.sign(1_700_000_000, body);
/// let headers = [("X-Slack-Signature", sig.as_str()), ("X-Slack-Request-Timestamp", "1700000000")];
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let reply = slack.verify_at(&headers, body, now)?.reply().expect("a handshake");
/// assert_eq!(reply.status(), 200);
/// assert_eq!(reply.content_type(), Some("text/plain"));
/// assert_eq!(reply.body(), b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Reply {
    status: http::StatusCode,
    content_type: Option<&'static str>,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
}

impl Reply {
    /// A reply of `status` with `body` of `content_type`.
    pub fn new(
        status: http::StatusCode,
        content_type: Option<&'static str>,
        body: Vec<u8>,
    ) -> Self {
        Reply {
            status,
            content_type,
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a response header.
    pub(crate) fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The status to answer with.
    #[must_use]
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The `Content-Type` to answer with, if the reply has a body.
    #[must_use]
    pub fn content_type(&self) -> Option<&'static str> {
        self.content_type
    }

    /// Further response headers the sender expects (Dropbox's
    /// `X-Content-Type-Options: nosniff`).
    #[must_use]
    pub fn headers(&self) -> &[(&'static str, &'static str)] {
        &self.headers
    }

    /// The response body.
    #[must_use]
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The reply as an `http::Response`.
    #[must_use]
    pub fn into_response(self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if let Some(content_type) = self.content_type {
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static(content_type),
            );
        }
        for (name, value) in self.headers {
            headers.insert(name, http::HeaderValue::from_static(value));
        }
        response
    }
}

/// How a verified handshake is answered, decided on the verify path without
/// allocating; [`Delivery::reply`] builds the [`Reply`] from it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ReplyPlan {
    /// When the event is `event`, `200 text/plain` with the top-level
    /// string member `member` of the body (Slack's `url_verification`);
    /// decided when asked for, so the verify path does not scan the body.
    EchoWhen {
        event: &'static str,
        member: &'static str,
    },
    /// Decided when asked for by the sender's own function of the verified
    /// delivery (Discord's `PING`s, Twitch's message types), so the verify
    /// path reads nothing more.
    Decide(fn(&Delivery<'_>) -> Option<Reply>),
    /// A reply that needs the key (Zoom's `encryptedToken`): the MAC was
    /// computed on the verify path, only for a handshake found cheaply,
    /// and `build` makes the reply from the delivery and the tag.
    Keyed {
        tag: [u8; 32],
        build: fn(&Delivery<'_>, &[u8; 32]) -> Option<Reply>,
    },
}

/// Whether `value` may be echoed back to a sender: 1 to 1024 visible ASCII
/// characters other than `<`, `>`, `&`, `"` and `'`, so that an echo can never
/// be markup, even to a browser that sniffs.
pub(crate) fn echoable(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 1024
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'&' | b'"' | b'\''))
}

/// Where a piece of metadata comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field<'a> {
    /// Not carried by this scheme.
    Absent,
    /// Read from this header when asked for (no lookup on the verify path).
    Header(&'static str),
    /// Already known (read from the signed body, or a configured header).
    Value(Option<&'a str>),
    /// Read from this top-level string member of the signed JSON body when
    /// asked for (no scan on the verify path).
    Body(&'static str),
    /// The digits of this top-level non-negative integer member of the
    /// signed JSON body, read when asked for (Telegram's `update_id`).
    BodyInteger(&'static str),
}

/// A body member read as an id or event: a non-empty string.
fn member_text(value: json::Value<'_>) -> Option<&str> {
    match value {
        json::Value::Str(text) if !text.is_empty() => Some(text),
        _ => None,
    }
}

impl<'a> Delivery<'a> {
    /// Builds the proof; only providers call this, after verifying.
    pub(crate) fn new(provider: &'static str, body: &'a [u8], headers: &'a dyn Headers) -> Self {
        Delivery {
            provider,
            body,
            headers,
            id: Field::Absent,
            event: Field::Absent,
            timestamp: None,
            ping_event: None,
            reply: None,
        }
    }

    pub(crate) fn with_id(mut self, id: Field<'a>) -> Self {
        self.set_id(id);
        self
    }

    pub(crate) fn with_event(mut self, event: Field<'a>) -> Self {
        self.set_event(event);
        self
    }

    pub(crate) fn with_timestamp(mut self, timestamp: Option<SystemTime>) -> Self {
        self.set_timestamp(timestamp);
        self
    }

    pub(crate) fn with_ping_event(mut self, ping: &'static str) -> Self {
        self.ping_event = Some(ping);
        self
    }

    // In place, for a sender's `finish`: a `Delivery` is 176 bytes, and
    // passing it through by value copied it twice per verification.
    pub(crate) fn set_reply(&mut self, reply: ReplyPlan) -> &mut Self {
        self.reply = Some(reply);
        self
    }

    pub(crate) fn set_id(&mut self, id: Field<'a>) -> &mut Self {
        self.id = id;
        self
    }

    pub(crate) fn set_event(&mut self, event: Field<'a>) -> &mut Self {
        self.event = event;
        self
    }

    pub(crate) fn set_timestamp(&mut self, timestamp: Option<SystemTime>) -> &mut Self {
        self.timestamp = timestamp;
        self
    }

    fn read(&self, field: Field<'a>) -> Option<&'a str> {
        match field {
            Field::Absent => None,
            Field::Header(name) => headers::text(self.headers, name),
            Field::Value(value) => value,
            Field::Body(key) => json::top_level(self.body, &[(key, json::Kind::Str)])
                .ok()
                .and_then(|[value]| member_text(value)),
            Field::BodyInteger(key) => {
                match json::top_level(self.body, &[(key, json::Kind::Digits)]) {
                    Ok([json::Value::Raw(digits)]) => Some(digits),
                    _ => None,
                }
            }
        }
    }

    /// The name of the provider that verified it (`"github"`, `"linear"`, …).
    #[must_use]
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// The exact bytes whose signature was verified. Parse these, never a
    /// re-serialised copy.
    #[must_use]
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The delivery id the sender assigned (GitHub `X-GitHub-Delivery`,
    /// Linear `Linear-Delivery`, Notify's `event_id`, Standard Webhooks'
    /// signed `webhook-id`, Stripe's event `id` and Slack's Events API
    /// `event_id` from the signed body, Shopify `X-Shopify-Webhook-Id`, …):
    /// the key for duplicate suppression.
    ///
    /// `None` when the scheme has none, or when the header is absent,
    /// repeated, empty or not UTF-8. Where the id is a member of the JSON
    /// body (Stripe, Slack), it is read when asked for, by one pass over the
    /// body without allocating, and is `None` unless the body is a JSON
    /// object with exactly one such top-level member, a non-empty string
    /// without escape sequences (which ids never need).
    #[must_use]
    pub fn id(&self) -> Option<&'a str> {
        self.read(self.id)
    }

    /// [`id`](Delivery::id) and [`event`](Delivery::event) together, with
    /// one pass over the body where both are members of it (Stripe, Slack)
    /// rather than one each; the same answers as the two calls.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn id_and_event(&self) -> (Option<&'a str>, Option<&'a str>) {
        if let (Field::Body(id), Field::Body(event)) = (self.id, self.event) {
            let wanted = [(id, json::Kind::Str), (event, json::Kind::Str)];
            // A problem with either member (repeated, not a string) fails
            // the whole pass: then each is read on its own, as `id()` and
            // `event()` would.
            if let Ok(values) = json::top_level(self.body, &wanted) {
                let [id, event] = values.map(member_text);
                return (id, event);
            }
        }
        (self.id(), self.event())
    }

    /// The event name (GitHub `X-GitHub-Event`, Linear `Linear-Event`,
    /// Notify's `event`, Stripe's and Slack's body `type`, Shopify
    /// `X-Shopify-Topic`, …), with the same `None` cases as
    /// [`id`](Delivery::id).
    #[must_use]
    pub fn event(&self) -> Option<&'a str> {
        self.read(self.event)
    }

    /// The timestamp the signature covers and the replay window was checked
    /// against, where the scheme signs one (Linear's `webhookTimestamp`,
    /// Notify's `timestamp`, Standard Webhooks' `webhook-timestamp`,
    /// Stripe's `t`, Slack's `X-Slack-Request-Timestamp`).
    #[must_use]
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
    }

    /// Whether this is the sender's connectivity check (GitHub's `ping`
    /// event), which a receiver should acknowledge without processing.
    #[must_use]
    pub fn is_ping(&self) -> bool {
        self.ping_event.is_some() && self.event() == self.ping_event
    }

    /// The answer the sender expects when this delivery is a handshake
    /// (Slack's `url_verification`), to send instead of the handler's;
    /// `None` for an ordinary delivery. Builds the reply, so it allocates;
    /// the verify path itself does not.
    #[must_use]
    pub fn reply(&self) -> Option<Reply> {
        Some(match self.reply? {
            ReplyPlan::EchoWhen { event, member } => {
                if self.event() != Some(event) {
                    return None;
                }
                let text = match json::top_level(self.body, &[(member, json::Kind::Str)]) {
                    Ok([json::Value::Str(text)]) if echoable(text) => text,
                    _ => return None,
                };
                Reply::new(
                    http::StatusCode::OK,
                    Some("text/plain"),
                    text.as_bytes().to_vec(),
                )
            }
            ReplyPlan::Decide(decide) => return decide(self),
            ReplyPlan::Keyed { tag, build } => return build(self, &tag),
        })
    }

    /// Whether [`reply`](Delivery::reply) has an answer.
    #[must_use]
    pub fn is_handshake(&self) -> bool {
        match self.reply {
            None => false,
            Some(_) => self.reply().is_some(),
        }
    }

    /// Any request header, as text (`None` when absent, repeated or not
    /// UTF-8). Headers other than the signature ones are **not** covered by
    /// the signature.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&'a str> {
        headers::text(self.headers, name)
    }

    /// Deserializes the verified body. Borrowing types (`&'a str` fields)
    /// borrow from the request body.
    ///
    /// # Errors
    ///
    /// [`Error::Deserialize`] with serde_json's description when the body
    /// is not JSON of type `T`.
    pub fn json<T: serde::Deserialize<'a>>(&self) -> Result<T, Error> {
        serde_json::from_slice(self.body).map_err(|err| Error::Deserialize(err.to_string()))
    }
}

impl fmt::Debug for Delivery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("provider", &self.provider)
            .field("id", &self.id())
            .field("event", &self.event())
            .field("timestamp", &self.timestamp)
            .field("body_len", &self.body.len())
            .field("handshake", &self.is_handshake())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_and_event_in_one_pass_answer_as_the_two_calls() {
        let headers: [(&str, &str); 0] = [];
        for body in [
            &br#"{"id":"evt_1","type":"invoice.paid"}"#[..],
            br#"{"type":"invoice.paid","data":{"id":"x"},"id":"evt_1"}"#,
            br#"{"id":"evt_1"}"#,
            br#"{"id":"evt_1","type":1}"#,
            br#"{"id":"evt_1","type":"a","type":"b"}"#,
            br#"{"id":"evt_1","id":"evt_2","type":"a"}"#,
            br#"{"id":"","type":"a"}"#,
            br#"{"id":"evt\u005f1","type":"a"}"#,
            br#"["evt_1"]"#,
            b"id=evt_1&type=a",
            b"",
        ] {
            let delivery = Delivery::new("stripe", body, &headers)
                .with_id(Field::Body("id"))
                .with_event(Field::Body("type"));
            assert_eq!(
                delivery.id_and_event(),
                (delivery.id(), delivery.event()),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // Other fields are read as they are.
        let delivery = Delivery::new("x", b"{}", &headers)
            .with_id(Field::Value(Some("d-1")))
            .with_event(Field::Body("type"));
        assert_eq!(delivery.id_and_event(), (Some("d-1"), None));
    }
}
