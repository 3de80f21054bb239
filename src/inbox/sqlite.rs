//! [`SqliteInbox`]: the embedded inbox, one SQLite file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tokio::sync::oneshot;

use super::{Accept, BoxFuture, Envelope, Filter, Inbox, Lease, Settle, State};
use crate::dedup::Token;
use crate::Error;

/// The most operations committed in one transaction.
const MAX_BATCH: usize = 512;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS hooksig_inbox (
    key TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    tenant TEXT,
    id TEXT,
    event TEXT,
    signed_at INTEGER,
    received_at INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    state TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    token INTEGER,
    settled_at INTEGER
);
CREATE INDEX IF NOT EXISTS hooksig_inbox_due ON hooksig_inbox (state, due_at);
CREATE INDEX IF NOT EXISTS hooksig_inbox_received ON hooksig_inbox (received_at);
";

const COLUMNS: &str =
    "key, provider, tenant, id, event, signed_at, received_at, headers, body, attempts, last_error, state";

/// Called once the batch's transaction committed (`true`) or failed.
type Done = Box<dyn FnOnce(bool) + Send>;
/// One operation, run on the writer thread inside the batch's transaction.
type Job = Box<dyn FnOnce(&Connection) -> Done + Send>;

/// An [`Inbox`] in one SQLite file: the embedded default, for one machine
/// (a receiver process and worker processes may share the file).
///
/// - **Durable before the 202.** The file is in WAL mode with
///   `synchronous = FULL`: [`accept`](Inbox::accept) resolves only after
///   the transaction that wrote the delivery has been fsynced.
/// - **Group commit.** Every operation goes to one writer thread through a
///   channel; the thread runs all the operations waiting (up to 512) in
///   one transaction and acknowledges each after the commit. Concurrent
///   deliveries share an fsync instead of paying one each.
/// - **Off the executor.** SQLite runs on that thread only; the async
///   methods wait on a oneshot channel.
/// - Accept-if-new is `INSERT … ON CONFLICT DO NOTHING` on the key, the
///   table's primary key: a duplicate is never enqueued twice.
///
/// Other processes opening the same file wait for its write lock (a busy
/// timeout of 5 s) rather than fail.
///
/// ```no_run
/// use hooksig::{github::GitHub, inbox::SqliteInbox, tower::VerifyLayer};
///
/// let inbox = SqliteInbox::open("webhooks.db")?;
/// let layer = VerifyLayer::new(GitHub::new("secret")?).inbox(inbox);
/// # let _ = layer;
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone)]
pub struct SqliteInbox {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
}

impl SqliteInbox {
    /// Opens (or creates) the inbox in the file at `path` and starts its
    /// writer thread. Blocks while it opens the file: call it at start-up.
    ///
    /// # Errors
    ///
    /// [`Error::InboxUnavailable`] when the file cannot be opened or is
    /// not a SQLite database, or the thread cannot be started.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let connection = Connection::open(&path).map_err(unavailable)?;
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(unavailable)?;
        let mode: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(unavailable)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::InboxUnavailable);
        }
        connection
            .execute_batch("PRAGMA synchronous = FULL;")
            .map_err(unavailable)?;
        connection.execute_batch(SCHEMA).map_err(unavailable)?;
        let (jobs, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("hooksig-sqlite-inbox".into())
            .spawn(move || write_loop(&connection, &receiver))
            .map_err(|_| Error::InboxUnavailable)?;
        Ok(SqliteInbox { jobs, path })
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `operation` on the writer thread in the next batch; its result
    /// once the batch committed.
    async fn run<T: Send + 'static>(
        &self,
        operation: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let result = in_savepoint(connection, operation);
            Box::new(move |committed| {
                let _ = answer.send(match result {
                    Ok(value) if committed => Ok(value),
                    _ => Err(Error::InboxUnavailable),
                });
            })
        });
        self.jobs.send(job).map_err(|_| Error::InboxUnavailable)?;
        answered.await.map_err(|_| Error::InboxUnavailable)?
    }
}

/// One operation inside a savepoint, so that a failed one leaves no half
/// of its writes in the batch.
fn in_savepoint<T>(
    connection: &Connection,
    operation: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    connection.execute_batch("SAVEPOINT op")?;
    match operation(connection) {
        Ok(value) => {
            connection.execute_batch("RELEASE op")?;
            Ok(value)
        }
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK TO op; RELEASE op");
            Err(error)
        }
    }
}

/// The writer thread: a batch of every waiting operation per transaction.
fn write_loop(connection: &Connection, jobs: &mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let began = connection.execute_batch("BEGIN IMMEDIATE").is_ok();
        let mut done = Vec::with_capacity(batch.len());
        for job in batch {
            if began {
                done.push(job(connection));
            } else {
                drop(job);
            }
        }
        let committed = began && connection.execute_batch("COMMIT").is_ok();
        if began && !committed {
            let _ = connection.execute_batch("ROLLBACK");
        }
        for done in done {
            done(committed);
        }
    }
}

fn unavailable(_: rusqlite::Error) -> Error {
    Error::InboxUnavailable
}

/// Milliseconds since the epoch (0 before it, saturating far after).
fn millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    })
}

fn time(millis: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

fn token_sql(token: u64) -> i64 {
    i64::from_ne_bytes(token.to_ne_bytes())
}

fn envelope(row: &Row<'_>) -> rusqlite::Result<Envelope> {
    let headers: String = row.get(7)?;
    let headers: Vec<(String, String)> = serde_json::from_str(&headers).unwrap_or_default();
    let body: Vec<u8> = row.get(8)?;
    let attempts: i64 = row.get(9)?;
    let state: String = row.get(11)?;
    Ok(Envelope::new(
        row.get::<_, String>(0)?,
        row.get::<_, String>(1)?,
        Bytes::from(body),
        time(row.get(6)?),
    )
    .with_tenant(row.get(2)?)
    .with_id(row.get(3)?)
    .with_event(row.get(4)?)
    .with_timestamp(row.get::<_, Option<i64>>(5)?.map(time))
    .with_headers(headers)
    .with_progress(
        u32::try_from(attempts).unwrap_or(u32::MAX),
        row.get(10)?,
        State::parse(&state).unwrap_or(State::Queued),
    ))
}

impl Inbox for SqliteInbox {
    fn accept<'a>(&'a self, envelope: &'a Envelope) -> BoxFuture<'a, Result<Accept, Error>> {
        let envelope = envelope.clone();
        Box::pin(self.run(move |connection| {
            let headers = serde_json::to_string(envelope.headers()).unwrap_or_else(|_| "[]".into());
            let received = millis(envelope.received_at());
            let inserted = connection
                .prepare_cached(
                    "INSERT INTO hooksig_inbox (key, provider, tenant, id, event, signed_at, received_at, headers, body, attempts, state, due_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 'queued', ?7)
                     ON CONFLICT (key) DO NOTHING",
                )?
                .execute(params![
                    envelope.key(),
                    envelope.provider(),
                    envelope.tenant(),
                    envelope.id(),
                    envelope.event(),
                    envelope.timestamp().map(millis),
                    received,
                    headers,
                    &envelope.body()[..],
                ])?;
            Ok(if inserted == 1 {
                Accept::Queued
            } else {
                Accept::Duplicate
            })
        }))
    }

    fn lease<'a>(
        &'a self,
        max: usize,
        lease: Duration,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<Vec<Lease>, Error>> {
        let token = Token::new().get();
        Box::pin(self.run(move |connection| {
            let now = millis(now);
            let until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
            let mut statement = connection.prepare_cached(&format!(
                "UPDATE hooksig_inbox SET state = 'leased', due_at = ?1, token = ?2, attempts = attempts + 1
                 WHERE key IN (SELECT key FROM hooksig_inbox
                               WHERE state IN ('queued', 'leased') AND due_at <= ?3
                               ORDER BY due_at LIMIT ?4)
                 RETURNING {COLUMNS}"
            ))?;
            let rows = statement.query_map(
                params![until, token_sql(token), now, i64::try_from(max).unwrap_or(i64::MAX)],
                envelope,
            )?;
            rows.map(|row| row.map(|envelope| Lease::new(envelope, token)))
                .collect()
        }))
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        lease_for: Duration,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        let key = lease.envelope().key().to_owned();
        let token = token_sql(lease.token());
        let until = millis(now + lease_for);
        Box::pin(self.run(move |connection| {
            let changed = connection
                .prepare_cached(
                    "UPDATE hooksig_inbox SET due_at = ?1 WHERE key = ?2 AND token = ?3 AND state = 'leased'",
                )?
                .execute(params![until, key, token])?;
            Ok(changed == 1)
        }))
    }

    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        outcome: Settle,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        let key = lease.envelope().key().to_owned();
        let token = token_sql(lease.token());
        let now = millis(now);
        Box::pin(self.run(move |connection| {
            let (sql, error, at): (&str, Option<String>, i64) = match outcome {
                Settle::Succeeded => (
                    "UPDATE hooksig_inbox SET state = 'succeeded', settled_at = ?1, token = NULL,
                         last_error = COALESCE(?2, last_error)
                     WHERE key = ?3 AND token = ?4 AND state = 'leased'",
                    None,
                    now,
                ),
                Settle::Failed { error, retry_at } => (
                    "UPDATE hooksig_inbox SET state = 'queued', due_at = ?1, token = NULL, last_error = ?2
                     WHERE key = ?3 AND token = ?4 AND state = 'leased'",
                    Some(error),
                    millis(retry_at),
                ),
                Settle::Dead { error } => (
                    "UPDATE hooksig_inbox SET state = 'dead', settled_at = ?1, token = NULL, last_error = ?2
                     WHERE key = ?3 AND token = ?4 AND state = 'leased'",
                    Some(error),
                    now,
                ),
                Settle::Release => (
                    "UPDATE hooksig_inbox SET state = 'queued', due_at = ?1, token = NULL,
                         attempts = MAX(attempts - 1, 0), last_error = COALESCE(?2, last_error)
                     WHERE key = ?3 AND token = ?4 AND state = 'leased'",
                    None,
                    now,
                ),
            };
            let changed = connection
                .prepare_cached(sql)?
                .execute(params![at, error, key, token])?;
            Ok(changed == 1)
        }))
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Envelope>, Error>> {
        let key = key.to_owned();
        Box::pin(self.run(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM hooksig_inbox WHERE key = ?1"
                ))?
                .query_row(params![key], envelope)
                .optional()
        }))
    }

    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Envelope>, Error>> {
        let filter = filter.clone();
        Box::pin(self.run(move |connection| {
            let mut sql = format!("SELECT {COLUMNS} FROM hooksig_inbox WHERE 1 = 1");
            let mut values: Vec<rusqlite::types::Value> = Vec::new();
            if let Some(state) = filter.get_state() {
                sql.push_str(" AND state = ?");
                values.push(state.as_str().to_owned().into());
            }
            if let Some(provider) = filter.get_provider() {
                sql.push_str(" AND provider = ?");
                values.push(provider.to_owned().into());
            }
            if let Some(since) = filter.get_since() {
                sql.push_str(" AND received_at >= ?");
                values.push(millis(since).into());
            }
            sql.push_str(" ORDER BY received_at DESC, key LIMIT ?");
            values.push(i64::try_from(filter.get_limit()).unwrap_or(i64::MAX).into());
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(values), envelope)?;
            rows.collect()
        }))
    }

    fn replay<'a>(&'a self, key: &'a str, now: SystemTime) -> BoxFuture<'a, Result<bool, Error>> {
        let key = key.to_owned();
        let now = millis(now);
        Box::pin(self.run(move |connection| {
            let changed = connection
                .prepare_cached(
                    "UPDATE hooksig_inbox SET state = 'queued', due_at = ?1, attempts = 0, settled_at = NULL, token = NULL
                     WHERE key = ?2 AND state IN ('dead', 'succeeded')",
                )?
                .execute(params![now, key])?;
            Ok(changed == 1)
        }))
    }

    fn purge<'a>(&'a self, before: SystemTime) -> BoxFuture<'a, Result<u64, Error>> {
        let before = millis(before);
        Box::pin(self.run(move |connection| {
            let removed = connection
                .prepare_cached(
                    "DELETE FROM hooksig_inbox WHERE state IN ('succeeded', 'dead') AND settled_at < ?1",
                )?
                .execute(params![before])?;
            Ok(removed as u64)
        }))
    }
}

impl fmt::Debug for SqliteInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteInbox")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}
