//! [`RedisStore`]: duplicate suppression shared by a fleet through Redis.

use std::fmt;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::Script;

use super::{BoxFuture, Claim, DeliveryStore, Token, DEFAULT_IN_FLIGHT_TTL, DEFAULT_TTL};
use crate::Error;

/// The value of a completed key.
const DONE: &str = "done";

/// Deletes `KEYS[1]` only while it still holds the claim `ARGV[1]`, so a
/// release never removes a claim that expired and was taken over.
const RELEASE: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// A [`DeliveryStore`] in Redis, so that every receiver behind a load
/// balancer sees the same deliveries.
///
/// - claim: `SET <prefix><key> <token> NX PX <in-flight TTL>`; when the key
///   exists, `GET` tells a completed delivery (`done`) from one in flight;
/// - complete: `SET <prefix><key> done PX <TTL>`;
/// - release: `DEL`, through a script that deletes only while the key still
///   holds this claim's token.
///
/// It talks to Redis through a [`ConnectionManager`] (one multiplexed
/// connection, reconnected when it drops) with connection and response
/// timeouts, so a Redis outage turns into [`Error::StoreUnavailable`] (503,
/// the handler is not called, the sender retries) rather than a hung
/// request. Nothing of the Redis error reaches the answer.
///
/// ```no_run
/// use hooksig::{dedup::RedisStore, github::GitHub, tower::VerifyLayer};
/// # async fn run() -> Result<(), hooksig::Error> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379/").await?;
/// let layer = VerifyLayer::new(GitHub::new("secret")?).dedup(store);
/// # let _ = layer;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    ttl: Duration,
    in_flight_ttl: Duration,
    release: Script,
}

/// The connection and response timeout used by [`RedisStore::connect`].
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_secs(2);

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://host:port/db`), with keys
    /// prefixed `hooksig:`, the default TTLs, and 2-second connection and
    /// response timeouts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `url` is not a Redis URL, and
    /// [`Error::StoreUnavailable`] when Redis cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let connection = crate::redis_connection::connect(url, Error::StoreUnavailable).await?;
        Ok(RedisStore {
            connection,
            prefix: "hooksig:".to_owned(),
            ttl: DEFAULT_TTL,
            in_flight_ttl: DEFAULT_IN_FLIGHT_TTL,
            release: Script::new(RELEASE),
        })
    }

    /// The prefix of every key this store writes. Defaults to `hooksig:`;
    /// give separate applications sharing one Redis separate prefixes.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a completed delivery is remembered. Defaults to 24 hours
    /// ([`DEFAULT_TTL`]); at least 1 ms.
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long an abandoned claim blocks its key. Defaults to 5 minutes
    /// ([`DEFAULT_IN_FLIGHT_TTL`]); at least 1 ms.
    #[must_use]
    pub fn in_flight_ttl(mut self, ttl: Duration) -> Self {
        self.in_flight_ttl = ttl;
        self
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

/// Milliseconds for `PX`: at least 1 (Redis rejects 0).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

fn unavailable(_: redis::RedisError) -> Error {
    Error::StoreUnavailable
}

impl DeliveryStore for RedisStore {
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, Error>> {
        self.claim_for(key, self.in_flight_ttl)
    }

    fn claim_for<'a>(
        &'a self,
        key: &'a str,
        in_flight: Duration,
    ) -> BoxFuture<'a, Result<Claim, Error>> {
        Box::pin(async move {
            let key = self.key(key);
            let token = Token::new();
            let mut connection = self.connection.clone();
            let set: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(token.get())
                .arg("NX")
                .arg("PX")
                .arg(millis(in_flight))
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
            if set.is_some() {
                return Ok(Claim::Acquired(token));
            }
            let value: Option<String> = redis::cmd("GET")
                .arg(&key)
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
            // A key released between the two commands reads as in flight:
            // the sender retries, nothing is lost.
            Ok(match value.as_deref() {
                Some(DONE) => Claim::Done,
                _ => Claim::InFlight,
            })
        })
    }

    fn complete<'a>(&'a self, key: &'a str, _token: Token) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            redis::cmd("SET")
                .arg(self.key(key))
                .arg(DONE)
                .arg("PX")
                .arg(millis(self.ttl))
                .query_async::<()>(&mut connection)
                .await
                .map_err(unavailable)
        })
    }

    fn release<'a>(&'a self, key: &'a str, token: Token) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            self.release
                .key(self.key(key))
                .arg(token.get())
                .invoke_async::<i64>(&mut connection)
                .await
                .map(drop)
                .map_err(unavailable)
        })
    }

    /// Spawns the release on the current tokio runtime; outside one, the
    /// claim expires after the in-flight TTL.
    fn abandon(&self, key: &str, token: Token) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.clone();
            let key = key.to_owned();
            runtime.spawn(async move {
                let _ = store.release(&key, token).await;
            });
        }
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .field("in_flight_ttl", &self.in_flight_ttl)
            .finish_non_exhaustive()
    }
}
