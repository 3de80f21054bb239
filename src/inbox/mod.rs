//! The durable inbox: answer a sender at once, process its delivery later,
//! with retries and dead letters, and never lose it.
//!
//! Senders wait seconds (Linear 5 s, GitHub 10 s) and retry anything that
//! is not 2xx. A handler that runs inside the request times out at the
//! sender when it is slow; a handler that spawns background work and
//! answers 200 loses the delivery when that work fails. With an inbox the
//! receiver ([`Receiver::inbox`](crate::receiver::Receiver::inbox),
//! [`VerifyLayer::inbox`](crate::tower::VerifyLayer::inbox)):
//!
//! 1. verifies the delivery as always;
//! 2. [accepts](Inbox::accept) it into the inbox under its delivery key,
//!    *only if the key is new, atomically*: duplicate suppression and
//!    enqueueing are one step, so no crash can fall between them;
//! 3. answers 202 `{"status":"queued","id":"<key>"}` once the delivery is
//!    durable (on disk for [`SqliteInbox`]; in a Redis with AOF and
//!    `appendfsync always` for `RedisInbox`); a duplicate gets 200
//!    `{"status":"duplicate"}`; an inbox that cannot be reached gets 503
//!    (never a 2xx), so the sender retries.
//!
//! A [`Worker`] then [leases](Inbox::lease) deliveries, runs the handler,
//! [renews](Inbox::renew) the lease while it runs, and [settles](Inbox::settle)
//! the outcome: succeeded, failed with a next attempt time (exponential
//! backoff with jitter, [`Backoff`]), or dead after the last attempt. A
//! dead (or succeeded) delivery can be [replayed](Inbox::replay).
//!
//! # At least once: handlers must be idempotent
//!
//! A delivery is processed **at least once**. A handler sees it again only
//! when an earlier attempt did not succeed — it failed, or its worker died
//! (its lease then expires and another worker takes it), or the worker
//! could not record the success. Write handlers so that running one twice
//! on the same delivery does no harm (an upsert keyed by
//! [`Envelope::key`], a check of your own records).
//!
//! # The delivery log
//!
//! The inbox's records are the delivery log: [`Inbox::get`] and
//! [`Inbox::list`] give each delivery's state, attempts, last error and
//! times; [`Inbox::purge`] removes settled ones after the retention
//! ([`DEFAULT_RETENTION`], 7 days; the [`Worker`] purges as it goes).
//!
//! # What an envelope keeps
//!
//! The verified body, the delivery's provider, tenant, id, event and signed
//! timestamp, the time it was received, and the request headers named in
//! an allow-list ([`DEFAULT_KEPT_HEADERS`], configurable with
//! [`Receiver::inbox_headers`](crate::receiver::Receiver::inbox_headers)).
//! Whatever the list says, a header whose name contains `signature`, or is
//! `authorization`, is never kept: the signature has been checked and is
//! of no use to a handler, and a stored MAC is material for an attacker.

#[cfg(feature = "redis")]
mod redis_inbox;
mod sqlite;
mod worker;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

pub use crate::dedup::BoxFuture;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_inbox::{RedisInbox, DEFAULT_CONNECTIONS};
pub use sqlite::SqliteInbox;
pub use worker::{Backoff, Worker, DEFAULT_CONCURRENCY, DEFAULT_LEASE};

use crate::Error;

/// How long settled deliveries (succeeded or dead) are kept by default
/// before [`Inbox::purge`] removes them: 7 days.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The request headers an envelope keeps by default: what a handler may
/// need to route or trace a delivery, never a signature.
pub const DEFAULT_KEPT_HEADERS: &[&str] = &[
    "content-type",
    "user-agent",
    "x-github-event",
    "x-github-delivery",
    "x-github-hook-id",
    "x-github-hook-installation-target-id",
    "x-github-hook-installation-target-type",
    "linear-event",
    "linear-delivery",
    "x-request-id",
];

/// Whether a header name may never be kept in an envelope, whatever the
/// allow-list says.
pub(crate) fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("signature") || name == "authorization" || name.contains("token")
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Waiting for a worker: new, or failed and waiting for its next
    /// attempt time.
    Queued,
    /// A worker holds it until its lease expires.
    Leased,
    /// Its handler succeeded.
    Succeeded,
    /// Every attempt failed; it waits for a [`replay`](Inbox::replay).
    Dead,
}

impl State {
    /// The state's stable name: `queued`, `leased`, `succeeded`, `dead`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Leased => "leased",
            State::Succeeded => "succeeded",
            State::Dead => "dead",
        }
    }

    /// The state named `name` ([`as_str`](State::as_str)), if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "queued" => State::Queued,
            "leased" => State::Leased,
            "succeeded" => State::Succeeded,
            "dead" => State::Dead,
            _ => return None,
        })
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verified delivery as the inbox keeps it, and as a [`Worker`]'s
/// handler receives it.
///
/// Built by the receiver; an [`Inbox`] implementation rebuilds it from
/// its records with [`Envelope::new`] and the setters.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    key: String,
    provider: String,
    tenant: Option<String>,
    id: Option<String>,
    event: Option<String>,
    timestamp: Option<SystemTime>,
    received_at: SystemTime,
    headers: Vec<(String, String)>,
    body: Bytes,
    attempts: u32,
    last_error: Option<String>,
    state: State,
}

impl Envelope {
    /// An envelope under the delivery `key` (unique in the inbox, see
    /// [`store_key`](crate::dedup::store_key)) for `provider`'s `body`,
    /// received at `received_at`, queued, with no attempt yet.
    pub fn new(
        key: impl Into<String>,
        provider: impl Into<String>,
        body: Bytes,
        received_at: SystemTime,
    ) -> Self {
        Envelope {
            key: key.into(),
            provider: provider.into(),
            tenant: None,
            id: None,
            event: None,
            timestamp: None,
            received_at,
            headers: Vec::new(),
            body,
            attempts: 0,
            last_error: None,
            state: State::Queued,
        }
    }

    /// Sets the tenant.
    #[must_use]
    pub fn with_tenant(mut self, tenant: Option<String>) -> Self {
        self.tenant = tenant;
        self
    }

    /// Sets the sender's delivery id.
    #[must_use]
    pub fn with_id(mut self, id: Option<String>) -> Self {
        self.id = id;
        self
    }

    /// Sets the event name.
    #[must_use]
    pub fn with_event(mut self, event: Option<String>) -> Self {
        self.event = event;
        self
    }

    /// Sets the signed timestamp.
    #[must_use]
    pub fn with_timestamp(mut self, timestamp: Option<SystemTime>) -> Self {
        self.timestamp = timestamp;
        self
    }

    /// Sets the kept headers (lowercase names). Names that may hold a
    /// secret (`*signature*`, `authorization`, `*token*`) are dropped.
    #[must_use]
    pub fn with_headers(mut self, headers: Vec<(String, String)>) -> Self {
        self.headers = headers;
        self.headers.retain(|(name, _)| !is_secret_header(name));
        self
    }

    /// Sets the attempts made, the last error and the state.
    #[must_use]
    pub fn with_progress(
        mut self,
        attempts: u32,
        last_error: Option<String>,
        state: State,
    ) -> Self {
        self.attempts = attempts;
        self.last_error = last_error;
        self.state = state;
        self
    }

    /// The delivery key: unique in the inbox, the `id` of the 202 answer,
    /// and what [`Inbox::get`] and [`Inbox::replay`] take.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The provider that verified it (`"github"`, …).
    #[must_use]
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The tenant a resolver chose, if one did.
    #[must_use]
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// The sender's delivery id, if it sent one.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The event name, if the scheme has one.
    #[must_use]
    pub fn event(&self) -> Option<&str> {
        self.event.as_deref()
    }

    /// The signed timestamp, if the scheme has one.
    #[must_use]
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
    }

    /// When the receiver accepted it (its clock's wall time).
    #[must_use]
    pub fn received_at(&self) -> SystemTime {
        self.received_at
    }

    /// The kept request headers, lowercase names, in the order kept.
    #[must_use]
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first kept header named `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(kept, _)| kept.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The verified body, as the sender sent it.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The attempts started so far (the one running included, for a
    /// leased delivery).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The error text of the last failed attempt.
    #[must_use]
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// The state.
    #[must_use]
    pub fn state(&self) -> State {
        self.state
    }
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body may be personal data: only its length is printed.
        f.debug_struct("Envelope")
            .field("key", &self.key)
            .field("provider", &self.provider)
            .field("tenant", &self.tenant)
            .field("id", &self.id)
            .field("event", &self.event)
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .field("last_error", &self.last_error)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// What [`Inbox::accept`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Accept {
    /// The key was new: the delivery is queued (durably, when the future
    /// resolves).
    Queued,
    /// The key is already in the inbox (in any state): nothing was
    /// written.
    Duplicate,
}

/// A delivery leased to a worker: its envelope and the lease's token.
#[derive(Debug, Clone)]
pub struct Lease {
    envelope: Envelope,
    token: u64,
}

impl Lease {
    /// A lease of `envelope` identified by `token` (for [`Inbox`]
    /// implementations).
    #[must_use]
    pub fn new(envelope: Envelope, token: u64) -> Self {
        Lease { envelope, token }
    }

    /// The leased delivery.
    #[must_use]
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The leased delivery, owned.
    #[must_use]
    pub fn into_envelope(self) -> Envelope {
        self.envelope
    }

    /// The lease's token: a settle or renew under an expired and retaken
    /// lease is refused.
    #[must_use]
    pub fn token(&self) -> u64 {
        self.token
    }
}

/// How a leased delivery ended, for [`Inbox::settle`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Settle {
    /// The handler succeeded.
    Succeeded,
    /// The handler failed; try again at `retry_at`.
    Failed {
        /// The error text (shown in the delivery log).
        error: String,
        /// When the next attempt may start.
        retry_at: SystemTime,
    },
    /// The last attempt failed: a dead letter until replayed.
    Dead {
        /// The error text of the last attempt.
        error: String,
    },
    /// Give the lease back unattempted (a worker shutting down): queued
    /// again at once, the attempt not counted.
    Release,
}

/// Which deliveries [`Inbox::list`] returns, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Filter {
    state: Option<State>,
    provider: Option<String>,
    since: Option<SystemTime>,
    limit: Option<usize>,
}

impl Filter {
    /// Every delivery (up to the default limit, 100).
    pub fn new() -> Self {
        Filter::default()
    }

    /// Only deliveries in `state`.
    pub fn state(mut self, state: State) -> Self {
        self.state = Some(state);
        self
    }

    /// Only `provider`'s deliveries.
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// Only deliveries received at or after `since`.
    pub fn since(mut self, since: SystemTime) -> Self {
        self.since = Some(since);
        self
    }

    /// At most `limit` deliveries. Defaults to 100.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The state asked for.
    #[must_use]
    pub fn get_state(&self) -> Option<State> {
        self.state
    }

    /// The provider asked for.
    #[must_use]
    pub fn get_provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }

    /// The earliest receive time asked for.
    #[must_use]
    pub fn get_since(&self) -> Option<SystemTime> {
        self.since
    }

    /// The limit (100 unless set).
    #[must_use]
    pub fn get_limit(&self) -> usize {
        self.limit.unwrap_or(100)
    }
}

/// A durable inbox of verified deliveries: [`SqliteInbox`] for one
/// machine and, with the `redis` feature, `RedisInbox` for a fleet.
///
/// Object safe (`Arc<dyn Inbox>`): the methods return boxed futures.
/// Times are passed in by the caller (the receiver's and the worker's
/// [`Clock`](crate::Clock)); an inbox reads no clock of its own, except
/// that `RedisInbox` retakes an expired lease only once Redis, too, has
/// seen it idle for the lease (one clock for a whole fleet).
///
/// Every method fails with [`Error::InboxUnavailable`] when the storage
/// cannot be reached; nothing of the storage's own error reaches the
/// caller.
pub trait Inbox: Send + Sync + fmt::Debug {
    /// Queues `envelope` under [`Envelope::key`] if that key is not in the
    /// inbox yet, atomically. When the future resolves with
    /// [`Accept::Queued`], the delivery is durable.
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`]: nothing is promised about the
    /// delivery, answer 503.
    fn accept<'a>(&'a self, envelope: &'a Envelope) -> BoxFuture<'a, Result<Accept, Error>>;

    /// Leases up to `max` deliveries that are due at `now` (queued with a
    /// next attempt time at or before `now`, or leased under a lease that
    /// expired) until `now + lease`, counting an attempt on each.
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`].
    fn lease<'a>(
        &'a self,
        max: usize,
        lease: Duration,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<Vec<Lease>, Error>>;

    /// Extends `lease` until `now + lease_for`. `false` when the lease is
    /// no longer held (it expired and another worker took it, or it was
    /// settled).
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`].
    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        lease_for: Duration,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>>;

    /// Records how `lease` ended. `false` when the lease is no longer held
    /// (nothing is written: another worker owns the delivery now).
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`].
    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        outcome: Settle,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>>;

    /// The delivery under `key`, for the delivery log.
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`].
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Envelope>, Error>>;

    /// The deliveries `filter` selects, newest first.
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`].
    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Envelope>, Error>>;

    /// Queues a dead or succeeded delivery again, due at `now`, with its
    /// attempts reset. `false` when there is no such delivery, or it is
    /// queued or leased already.
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`].
    fn replay<'a>(&'a self, key: &'a str, now: SystemTime) -> BoxFuture<'a, Result<bool, Error>>;

    /// Removes succeeded and dead deliveries settled before `before`;
    /// returns how many. Their keys are then new again: a sender's
    /// redelivery after the retention is accepted as a new delivery.
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`].
    fn purge<'a>(&'a self, before: SystemTime) -> BoxFuture<'a, Result<u64, Error>>;
}

macro_rules! forward {
    ($($ty:ty),*) => {$(
        impl<I: Inbox + ?Sized> Inbox for $ty {
            fn accept<'a>(&'a self, envelope: &'a Envelope) -> BoxFuture<'a, Result<Accept, Error>> {
                (**self).accept(envelope)
            }
            fn lease<'a>(&'a self, max: usize, lease: Duration, now: SystemTime) -> BoxFuture<'a, Result<Vec<Lease>, Error>> {
                (**self).lease(max, lease, now)
            }
            fn renew<'a>(&'a self, lease: &'a Lease, lease_for: Duration, now: SystemTime) -> BoxFuture<'a, Result<bool, Error>> {
                (**self).renew(lease, lease_for, now)
            }
            fn settle<'a>(&'a self, lease: &'a Lease, outcome: Settle, now: SystemTime) -> BoxFuture<'a, Result<bool, Error>> {
                (**self).settle(lease, outcome, now)
            }
            fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Envelope>, Error>> {
                (**self).get(key)
            }
            fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Envelope>, Error>> {
                (**self).list(filter)
            }
            fn replay<'a>(&'a self, key: &'a str, now: SystemTime) -> BoxFuture<'a, Result<bool, Error>> {
                (**self).replay(key, now)
            }
            fn purge<'a>(&'a self, before: SystemTime) -> BoxFuture<'a, Result<u64, Error>> {
                (**self).purge(before)
            }
        }
    )*};
}

forward!(Arc<I>, Box<I>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_their_names() {
        for state in [State::Queued, State::Leased, State::Succeeded, State::Dead] {
            assert_eq!(State::parse(state.as_str()), Some(state));
        }
        assert_eq!(State::parse("nope"), None);
    }

    #[test]
    fn an_envelope_never_keeps_a_signature_header() {
        let envelope = Envelope::new("k", "github", Bytes::new(), SystemTime::UNIX_EPOCH)
            .with_headers(vec![
                ("x-hub-signature-256".into(), "sha256=00".into()),
                ("authorization".into(), "Bearer x".into()),
                ("x-github-event".into(), "push".into()),
            ]);
        assert_eq!(envelope.headers().len(), 1);
        assert_eq!(envelope.header("X-GitHub-Event"), Some("push"));
        assert!(!format!("{envelope:?}").contains("sha256"));
    }
}
