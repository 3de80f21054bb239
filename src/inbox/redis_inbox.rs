//! [`RedisInbox`]: the inbox of a fleet, in Redis Streams.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use redis::aio::ConnectionManager;
use redis::Script;

use super::{Accept, BoxFuture, Envelope, Filter, Inbox, Lease, Settle, State};
use crate::dedup::Token;
use crate::Error;

/// How many connections [`RedisInbox::connect`] opens and uses in turn: 4.
///
/// With `appendfsync always` Redis fsyncs once per turn of its event loop,
/// and it reads at most 16 KiB from each connection per turn, about a
/// dozen 1 KiB deliveries: over one connection, concurrent deliveries
/// share fewer fsyncs than over a few.
pub const DEFAULT_CONNECTIONS: usize = 4;

/// The consumer group every worker reads the work stream through.
const GROUP: &str = "hooksig";

/// The most delayed deliveries one lease moves back into the stream, and
/// the most settled deliveries one purge script removes: each script stays
/// short, so Redis keeps answering everyone else.
const BATCH: usize = 500;

/// How many index entries [`Inbox::list`] reads per round trip.
const PAGE: usize = 256;

/// The fields of a delivery's hash that make its [`Envelope`], in the
/// order the scripts and [`envelope`] use.
const FIELDS: [&str; 12] = [
    "key",
    "provider",
    "tenant",
    "id",
    "event",
    "signed_at",
    "received_at",
    "headers",
    "body",
    "attempts",
    "last_error",
    "state",
];

/// Shared by the scripts: the envelope fields of a delivery's hash, and
/// the move of a key between the per-state indexes.
const LIB: &str = r"
local function fields(d)
  return redis.call('HMGET', d, 'key', 'provider', 'tenant', 'id', 'event', 'signed_at',
    'received_at', 'headers', 'body', 'attempts', 'last_error', 'state')
end
local function move(prefix, key, from, to, received)
  redis.call('ZREM', prefix .. 's:' .. from, key)
  redis.call('ZADD', prefix .. 's:' .. to, received, key)
end
";

/// KEYS: the delivery's hash, the stream, the received index, the queued
/// index. ARGV: key, received_at, then field/value pairs. Queues the
/// delivery only if its hash does not exist: 1, else 0. The stream entry
/// is written first, so that a script failing half way leaves at worst an
/// entry without a hash (dropped by the next lease), never a hash without
/// an entry.
const ACCEPT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local entry = redis.call('XADD', KEYS[2], '*', 'k', ARGV[1])
local extra = {}
for i = 3, #ARGV do extra[#extra + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'key', ARGV[1], 'received_at', ARGV[2], 'due_at', ARGV[2],
  'attempts', 0, 'state', 'queued', 'entry', entry, unpack(extra))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
return 1
";

/// KEYS: the stream, the delayed set, the claim cursor. ARGV: prefix,
/// group, consumer, max, lease (ms), now (ms), lease end (ms), token.
///
/// 1. Failed deliveries whose next attempt is due go back into the stream.
/// 2. `XAUTOCLAIM` takes entries idle for longer than the lease (their
///    worker stopped renewing: it died); each is retaken only if its hash
///    agrees that the lease ended (`due_at` ≤ now, so a holder with a
///    longer lease than ours keeps it).
/// 3. `XREADGROUP` takes new entries.
///
/// An entry that no longer matches its delivery's hash (settled,
/// replayed, purged) is acknowledged and deleted. Each leased delivery
/// gets the token, an attempt and `due_at` = lease end.
const LEASE: &str = r"
local stream, delayed, cursor_key = KEYS[1], KEYS[2], KEYS[3]
local prefix, group, consumer = ARGV[1], ARGV[2], ARGV[3]
local max, lease_ms, now = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local lease_end, token = ARGV[7], ARGV[8]
-- The group exists from the first lease on, even after a FLUSHALL.
redis.pcall('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
for _, key in ipairs(redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 500)) do
  local d = prefix .. 'd:' .. key
  if redis.call('HGET', d, 'state') == 'queued' then
    redis.call('HSET', d, 'entry', redis.call('XADD', stream, '*', 'k', key))
  end
  redis.call('ZREM', delayed, key)
end
local out = {}
local function drop(id)
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
end
local function take(entry)
  local id = entry[1]
  local key = type(entry[2]) == 'table' and entry[2][2]
  if not key then return drop(id) end
  local d = prefix .. 'd:' .. key
  local f = redis.call('HMGET', d, 'state', 'entry', 'due_at', 'received_at')
  if f[2] ~= id then return drop(id) end
  if f[1] == 'leased' then
    if tonumber(f[3]) > now then return end
  elseif f[1] == 'queued' then
    move(prefix, key, 'queued', 'leased', f[4])
  else
    return drop(id)
  end
  redis.call('HINCRBY', d, 'attempts', 1)
  redis.call('HSET', d, 'state', 'leased', 'token', token, 'due_at', lease_end)
  out[#out + 1] = fields(d)
end
local cursor = redis.call('GET', cursor_key) or '0-0'
local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, lease_ms, cursor, 'COUNT', max)
redis.call('SET', cursor_key, claimed[1])
for _, entry in ipairs(claimed[2]) do
  if #out < max then take(entry) end
end
if #out < max then
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max - #out,
    'STREAMS', stream, '>')
  if read then
    for _, entry in ipairs(read[1][2]) do take(entry) end
  end
end
return out
";

/// KEYS: the delivery's hash, the stream. ARGV: group, consumer, token,
/// lease end (ms). Resets the entry's idle time (`XCLAIM … JUSTID`) and
/// moves `due_at` while the token still holds the lease: 1, else 0.
const RENEW: &str = r"
local f = redis.call('HMGET', KEYS[1], 'state', 'token', 'entry')
if f[1] ~= 'leased' or f[2] ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[2], ARGV[1], ARGV[2], 0, f[3], 'JUSTID')
redis.call('HSET', KEYS[1], 'due_at', ARGV[4])
return 1
";

/// KEYS: the delivery's hash, the stream, the delayed set, the
/// dead-letter stream, the settled index. ARGV: prefix, group, key,
/// token, outcome, now (ms), error, next attempt (ms). Compare-and-set on
/// the token: a stale holder's settle writes nothing and returns 0.
const SETTLE: &str = r"
local d, stream, delayed, dead, settled = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix, group, key, token, outcome = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now, err, retry_at = ARGV[6], ARGV[7], ARGV[8]
local f = redis.call('HMGET', d, 'state', 'token', 'entry', 'received_at', 'attempts')
if f[1] ~= 'leased' or f[2] ~= token then return 0 end
redis.call('XACK', stream, group, f[3])
redis.call('XDEL', stream, f[3])
redis.call('HDEL', d, 'token', 'entry')
if outcome == 'succeeded' then
  redis.call('HSET', d, 'state', 'succeeded', 'settled_at', now)
  move(prefix, key, 'leased', 'succeeded', f[4])
  redis.call('ZADD', settled, now, key)
elseif outcome == 'dead' then
  local letter = redis.call('XADD', dead, '*', 'k', key, 'error', err, 'attempts', f[5])
  redis.call('HSET', d, 'state', 'dead', 'settled_at', now, 'last_error', err, 'dead_entry', letter)
  move(prefix, key, 'leased', 'dead', f[4])
  redis.call('ZADD', settled, now, key)
else
  if outcome == 'failed' then
    redis.call('HSET', d, 'state', 'queued', 'last_error', err, 'due_at', retry_at)
  else
    local attempts = math.max(tonumber(f[5]) - 1, 0)
    redis.call('HSET', d, 'state', 'queued', 'attempts', attempts, 'due_at', now)
    retry_at = now
  end
  move(prefix, key, 'leased', 'queued', f[4])
  if tonumber(retry_at) <= tonumber(now) then
    redis.call('HSET', d, 'entry', redis.call('XADD', stream, '*', 'k', key))
  else
    redis.call('ZADD', delayed, retry_at, key)
  end
end
return 1
";

/// KEYS: the delivery's hash, the stream, the dead-letter stream, the
/// settled index. ARGV: prefix, key, now (ms). Queues a dead or
/// succeeded delivery again (its dead letter removed): 1, else 0.
const REPLAY: &str = r"
local f = redis.call('HMGET', KEYS[1], 'state', 'received_at', 'dead_entry')
if f[1] ~= 'dead' and f[1] ~= 'succeeded' then return 0 end
if f[3] then redis.call('XDEL', KEYS[3], f[3]) end
redis.call('ZREM', KEYS[4], ARGV[2])
move(ARGV[1], ARGV[2], f[1], 'queued', f[2])
local entry = redis.call('XADD', KEYS[2], '*', 'k', ARGV[2])
redis.call('HDEL', KEYS[1], 'settled_at', 'token', 'dead_entry')
redis.call('HSET', KEYS[1], 'state', 'queued', 'attempts', 0, 'due_at', ARGV[3], 'entry', entry)
return 1
";

/// KEYS: the settled index, the received index, the dead-letter stream.
/// ARGV: prefix, before (ms), batch size. Removes up to a batch of the
/// deliveries settled before `before`; how many.
const PURGE: &str = r"
local prefix = ARGV[1]
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', 0, ARGV[3])
for _, key in ipairs(keys) do
  local d = prefix .. 'd:' .. key
  local f = redis.call('HMGET', d, 'state', 'dead_entry')
  if f[2] then redis.call('XDEL', KEYS[3], f[2]) end
  redis.call('DEL', d)
  redis.call('ZREM', KEYS[1], key)
  redis.call('ZREM', KEYS[2], key)
  redis.call('ZREM', prefix .. 's:succeeded', key)
  redis.call('ZREM', prefix .. 's:dead', key)
end
return #keys
";

/// The scripts, loaded once per inbox (`EVALSHA`, reloaded after a
/// restart of Redis empties its script cache).
#[derive(Clone)]
struct Scripts {
    accept: Script,
    lease: Script,
    renew: Script,
    settle: Script,
    replay: Script,
    purge: Script,
}

impl Scripts {
    fn new() -> Self {
        let with_lib = |body: &str| Script::new(&format!("{LIB}{body}"));
        Scripts {
            accept: Script::new(ACCEPT),
            lease: with_lib(LEASE),
            renew: Script::new(RENEW),
            settle: with_lib(SETTLE),
            replay: with_lib(REPLAY),
            purge: Script::new(PURGE),
        }
    }
}

/// An [`Inbox`] in Redis, for a fleet: receivers behind a load balancer
/// and workers on many machines share one inbox.
///
/// - **A hash per delivery** (`<prefix>d:<key>`: the envelope, state,
///   attempts, last error, lease token, next attempt time). A stream entry
///   id is not a delivery key; the hash is the record, and the delivery
///   log ([`get`](Inbox::get), [`list`](Inbox::list)).
/// - **Accept is one Lua script**: if the hash does not exist, write it
///   and `XADD` the key to the work stream (`<prefix>stream`). A duplicate
///   is never enqueued twice, and no crash falls between the check and
///   the write.
/// - **Leases** are a consumer group (`hooksig`) on the stream:
///   `XREADGROUP` hands out new entries, and `XAUTOCLAIM` with the lease
///   as its min-idle-time takes those of workers that stopped renewing
///   (crashed). A renewal is `XCLAIM … JUSTID`, which resets the idle
///   time. Each lease carries a token kept in the hash; renew and settle
///   compare and set it in Lua, so a stale holder's settle is refused.
/// - **A failed attempt** with a later next attempt time waits in a sorted
///   set (`<prefix>delayed`) and is moved back into the stream, by the
///   lease script, once due: never redelivered early.
/// - **Dead letters** are appended to `<prefix>dead` (key, error,
///   attempts) and their hash says `dead`; a replay queues the delivery
///   again and removes its dead letter.
/// - **The log's indexes** are sorted sets by receive time, one overall
///   and one per state, and one by settle time for [`purge`](Inbox::purge):
///   nothing ever scans the keyspace.
///
/// Lease expiry is measured twice, and both must agree before a delivery
/// is retaken: by Redis (the entry's idle time, one clock for the whole
/// fleet) and by the caller's clock (the hash's lease end).
///
/// **Durability is Redis's.** A 202 means Redis executed the accept
/// script; it survives a restart of Redis only with AOF on and
/// `appendfsync always` (fsync before the reply; `everysec` may lose the
/// last second). Run Redis with `--appendonly yes --appendfsync always`
/// for an inbox, and no eviction (`maxmemory-policy noeviction`).
/// Replication is asynchronous: a failover to a replica can lose the
/// accepts of its last moments.
///
/// A process that stops leaves its consumer name in the group (its
/// pending entries go to the others through `XAUTOCLAIM`); remove old
/// names with `XGROUP DELCONSUMER <prefix>stream hooksig <name>` or give
/// each process a stable one with [`consumer`](RedisInbox::consumer).
///
/// Every Redis error is [`Error::InboxUnavailable`] (503 at the receiver;
/// the worker retries). Each of its connections (4 by default,
/// [`DEFAULT_CONNECTIONS`]) is a [`ConnectionManager`] with 2-second
/// timeouts ([`DEFAULT_REDIS_TIMEOUT`](crate::dedup::DEFAULT_REDIS_TIMEOUT)),
/// reconnected after an outage, as [`RedisStore`](crate::dedup::RedisStore)'s.
///
/// The scripts touch keys under one prefix that they build themselves:
/// use a standalone Redis (or its replicas), not a Redis Cluster.
///
/// ```no_run
/// use hooksig::{github::GitHub, inbox::RedisInbox, tower::VerifyLayer};
/// # async fn run() -> Result<(), hooksig::Error> {
/// let inbox = RedisInbox::connect("redis://127.0.0.1:6379/").await?.prefix("shop:inbox:");
/// let layer = VerifyLayer::new(GitHub::new("secret")?).inbox(inbox);
/// # let _ = layer;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisInbox {
    connections: Arc<[ConnectionManager]>,
    next: Arc<AtomicUsize>,
    prefix: String,
    consumer: String,
    scripts: Scripts,
}

impl RedisInbox {
    /// Connects to the Redis at `url` (`redis://host:port/db`) over
    /// [`DEFAULT_CONNECTIONS`] connections, with keys prefixed
    /// `hooksig:inbox:` and 2-second connection and response timeouts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `url` is not a Redis URL, and
    /// [`Error::InboxUnavailable`] when Redis cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        RedisInbox::connect_with(url, DEFAULT_CONNECTIONS).await
    }

    /// As [`connect`](RedisInbox::connect), over `connections` connections
    /// (at least 1) used in turn (see [`DEFAULT_CONNECTIONS`]).
    ///
    /// # Errors
    ///
    /// As [`connect`](RedisInbox::connect).
    pub async fn connect_with(url: &str, connections: usize) -> Result<Self, Error> {
        let mut opened = Vec::with_capacity(connections.max(1));
        for _ in 0..connections.max(1) {
            opened.push(crate::redis_connection::connect(url, Error::InboxUnavailable).await?);
        }
        Ok(RedisInbox {
            connections: opened.into(),
            next: Arc::new(AtomicUsize::new(0)),
            prefix: "hooksig:inbox:".to_owned(),
            consumer: format!("hooksig-{:016x}", Token::new().get()),
            scripts: Scripts::new(),
        })
    }

    /// The prefix of every key this inbox writes. Defaults to
    /// `hooksig:inbox:`; give tenants or applications sharing one Redis
    /// separate prefixes (every receiver and worker of one inbox uses the
    /// same).
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// This process's consumer name in the stream's consumer group (what
    /// `XINFO CONSUMERS` shows). Defaults to `hooksig-<random>`, one per
    /// [`connect`](RedisInbox::connect).
    #[must_use]
    pub fn consumer(mut self, name: impl Into<String>) -> Self {
        self.consumer = name.into();
        self
    }

    /// The next connection, in turn.
    fn connection(&self) -> ConnectionManager {
        let next = self.next.fetch_add(1, Ordering::Relaxed);
        self.connections[next % self.connections.len()].clone()
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn delivery(&self, key: &str) -> String {
        format!("{}d:{key}", self.prefix)
    }

    /// The index [`Inbox::list`] reads for `state` (all states for `None`).
    fn index(&self, state: Option<State>) -> String {
        match state {
            Some(state) => format!("{}s:{}", self.prefix, state.as_str()),
            None => self.key("received"),
        }
    }
}

/// Milliseconds since the epoch (0 before it).
fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}

fn time(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}

fn unavailable(_: redis::RedisError) -> Error {
    Error::InboxUnavailable
}

/// One hash's [`FIELDS`] as Redis returns them.
type Record = Vec<Option<Vec<u8>>>;

fn text(value: Option<Vec<u8>>) -> Option<String> {
    value.and_then(|bytes| String::from_utf8(bytes).ok())
}

fn number(value: Option<Vec<u8>>) -> Option<u64> {
    text(value).and_then(|text| text.parse().ok())
}

/// The envelope of a [`Record`]; `None` when the hash is gone.
fn envelope(record: Record) -> Option<Envelope> {
    let mut fields = record.into_iter();
    let mut next = || fields.next().flatten();
    let key = text(next())?;
    let provider = text(next()).unwrap_or_default();
    let tenant = text(next());
    let id = text(next());
    let event = text(next());
    let signed_at = number(next()).map(time);
    let received_at = time(number(next()).unwrap_or(0));
    let headers: Vec<(String, String)> = next()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .unwrap_or_default();
    let body = Bytes::from(next().unwrap_or_default());
    let attempts = number(next()).map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let last_error = text(next());
    let state = text(next())
        .and_then(|state| State::parse(&state))
        .unwrap_or(State::Queued);
    Some(
        Envelope::new(key, provider, body, received_at)
            .with_tenant(tenant)
            .with_id(id)
            .with_event(event)
            .with_timestamp(signed_at)
            .with_headers(headers)
            .with_progress(attempts, last_error, state),
    )
}

impl Inbox for RedisInbox {
    fn accept<'a>(&'a self, envelope: &'a Envelope) -> BoxFuture<'a, Result<Accept, Error>> {
        Box::pin(async move {
            let headers = serde_json::to_string(envelope.headers()).unwrap_or_else(|_| "[]".into());
            let mut invocation = self.scripts.accept.prepare_invoke();
            invocation
                .key(self.delivery(envelope.key()))
                .key(self.key("stream"))
                .key(self.key("received"))
                .key(self.index(Some(State::Queued)))
                .arg(envelope.key())
                .arg(millis(envelope.received_at()))
                .arg("provider")
                .arg(envelope.provider())
                .arg("headers")
                .arg(headers)
                .arg("body")
                .arg(&envelope.body()[..]);
            for (field, value) in [
                ("tenant", envelope.tenant()),
                ("id", envelope.id()),
                ("event", envelope.event()),
            ] {
                if let Some(value) = value {
                    invocation.arg(field).arg(value);
                }
            }
            if let Some(signed_at) = envelope.timestamp() {
                invocation.arg("signed_at").arg(millis(signed_at));
            }
            let queued: i64 = invocation
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(if queued == 1 {
                Accept::Queued
            } else {
                Accept::Duplicate
            })
        })
    }

    fn lease<'a>(
        &'a self,
        max: usize,
        lease: Duration,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<Vec<Lease>, Error>> {
        Box::pin(async move {
            if max == 0 {
                return Ok(Vec::new());
            }
            let token = Token::new().get();
            let lease_ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX);
            let now = millis(now);
            let records: Vec<Record> = self
                .scripts
                .lease
                .key(self.key("stream"))
                .key(self.key("delayed"))
                .key(self.key("cursor"))
                .arg(&self.prefix)
                .arg(GROUP)
                .arg(&self.consumer)
                .arg(max)
                .arg(lease_ms)
                .arg(now)
                .arg(now.saturating_add(lease_ms))
                .arg(token.to_string())
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(records
                .into_iter()
                .filter_map(envelope)
                .map(|envelope| Lease::new(envelope, token))
                .collect())
        })
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        lease_for: Duration,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            let renewed: i64 = self
                .scripts
                .renew
                .key(self.delivery(lease.envelope().key()))
                .key(self.key("stream"))
                .arg(GROUP)
                .arg(&self.consumer)
                .arg(lease.token().to_string())
                .arg(millis(now + lease_for))
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(renewed == 1)
        })
    }

    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        outcome: Settle,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            let now = millis(now);
            let (outcome, error, retry_at) = match outcome {
                Settle::Succeeded => ("succeeded", String::new(), now),
                Settle::Failed { error, retry_at } => ("failed", error, millis(retry_at)),
                Settle::Dead { error } => ("dead", error, now),
                Settle::Release => ("release", String::new(), now),
            };
            let key = lease.envelope().key();
            let settled: i64 = self
                .scripts
                .settle
                .key(self.delivery(key))
                .key(self.key("stream"))
                .key(self.key("delayed"))
                .key(self.key("dead"))
                .key(self.key("settled"))
                .arg(&self.prefix)
                .arg(GROUP)
                .arg(key)
                .arg(lease.token().to_string())
                .arg(outcome)
                .arg(now)
                .arg(error)
                .arg(retry_at)
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(settled == 1)
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Envelope>, Error>> {
        Box::pin(async move {
            let record: Record = redis::cmd("HMGET")
                .arg(self.delivery(key))
                .arg(&FIELDS[..])
                .query_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(envelope(record))
        })
    }

    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Envelope>, Error>> {
        Box::pin(async move {
            // Newest first through the index, a page at a time; each page's
            // hashes in one pipeline. A delivery that changed state (or was
            // purged) since its index entry was read is filtered out.
            let mut connection = self.connection();
            let index = self.index(filter.get_state());
            let since = filter
                .get_since()
                .map_or("-inf".to_owned(), |since| millis(since).to_string());
            let limit = filter.get_limit();
            let mut found = Vec::new();
            let mut offset = 0;
            while found.len() < limit {
                let keys: Vec<String> = redis::cmd("ZREVRANGEBYSCORE")
                    .arg(&index)
                    .arg("+inf")
                    .arg(&since)
                    .arg("LIMIT")
                    .arg(offset)
                    .arg(PAGE)
                    .query_async(&mut connection)
                    .await
                    .map_err(unavailable)?;
                offset += keys.len();
                let mut pipeline = redis::pipe();
                for key in &keys {
                    pipeline
                        .cmd("HMGET")
                        .arg(self.delivery(key))
                        .arg(&FIELDS[..]);
                }
                let records: Vec<Record> = if keys.is_empty() {
                    Vec::new()
                } else {
                    pipeline
                        .query_async(&mut connection)
                        .await
                        .map_err(unavailable)?
                };
                for envelope in records.into_iter().filter_map(envelope) {
                    let wanted = filter
                        .get_state()
                        .is_none_or(|state| envelope.state() == state)
                        && filter
                            .get_provider()
                            .is_none_or(|provider| envelope.provider() == provider);
                    if wanted && found.len() < limit {
                        found.push(envelope);
                    }
                }
                if keys.len() < PAGE {
                    break;
                }
            }
            Ok(found)
        })
    }

    fn replay<'a>(&'a self, key: &'a str, now: SystemTime) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            let replayed: i64 = self
                .scripts
                .replay
                .key(self.delivery(key))
                .key(self.key("stream"))
                .key(self.key("dead"))
                .key(self.key("settled"))
                .arg(&self.prefix)
                .arg(key)
                .arg(millis(now))
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(replayed == 1)
        })
    }

    fn purge<'a>(&'a self, before: SystemTime) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            let mut removed = 0;
            loop {
                let batch: u64 = self
                    .scripts
                    .purge
                    .key(self.key("settled"))
                    .key(self.key("received"))
                    .key(self.key("dead"))
                    .arg(&self.prefix)
                    .arg(millis(before))
                    .arg(BATCH)
                    .invoke_async(&mut self.connection())
                    .await
                    .map_err(unavailable)?;
                removed += batch;
                if batch < BATCH as u64 {
                    return Ok(removed);
                }
            }
        })
    }
}

impl fmt::Debug for RedisInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisInbox")
            .field("prefix", &self.prefix)
            .field("consumer", &self.consumer)
            .field("connections", &self.connections.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_without_its_hash_is_no_envelope() {
        assert!(envelope(vec![None; FIELDS.len()]).is_none());
    }

    #[test]
    fn a_record_round_trips_its_fields() {
        let record: Record = [
            "github:d-1",
            "github",
            "acme",
            "d-1",
            "push",
            "1700000000000",
            "1700000001000",
            r#"[["x-github-event","push"]]"#,
            "{}",
            "2",
            "boom",
            "dead",
        ]
        .iter()
        .map(|field| Some(field.as_bytes().to_vec()))
        .collect();
        let envelope = envelope(record).unwrap();
        assert_eq!(envelope.key(), "github:d-1");
        assert_eq!(envelope.tenant(), Some("acme"));
        assert_eq!(envelope.timestamp(), Some(time(1_700_000_000_000)));
        assert_eq!(envelope.received_at(), time(1_700_000_001_000));
        assert_eq!(envelope.header("x-github-event"), Some("push"));
        assert_eq!(
            (envelope.attempts(), envelope.last_error(), envelope.state()),
            (2, Some("boom"), State::Dead)
        );
    }
}
