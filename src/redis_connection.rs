//! The one way hooksig connects to Redis, shared by
//! [`RedisStore`](crate::dedup::RedisStore) and, with the `inbox` feature,
//! [`RedisInbox`](crate::inbox::RedisInbox).

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::dedup::DEFAULT_REDIS_TIMEOUT;
use crate::Error;

/// A [`ConnectionManager`] for the Redis at `url`: one multiplexed
/// connection, reconnected when it drops, with connection and response
/// timeouts of [`DEFAULT_REDIS_TIMEOUT`] so that an outage turns into
/// `unavailable` rather than a hung request.
///
/// # Errors
///
/// [`Error::InvalidConfig`] when `url` is not a Redis URL, and
/// `unavailable` when Redis cannot be reached.
pub(crate) async fn connect(url: &str, unavailable: Error) -> Result<ConnectionManager, Error> {
    let client =
        redis::Client::open(url).map_err(|_| Error::InvalidConfig("not a valid Redis URL"))?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(DEFAULT_REDIS_TIMEOUT))
        .set_response_timeout(Some(DEFAULT_REDIS_TIMEOUT))
        .set_number_of_retries(1);
    client
        .get_connection_manager_with_config(config)
        .await
        .map_err(|_| unavailable)
}
