//! [`Worker`]: runs a handler over an [`Inbox`], with retries and dead
//! letters.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{Envelope, Inbox, Lease, Settle, DEFAULT_RETENTION};
use crate::clock::{Clock, SystemClock};
use crate::Error;

/// How many handlers a worker runs at once by default: 8.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// How long a worker leases a delivery by default: 5 minutes, renewed
/// every third of it while the handler runs.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(5 * 60);

/// The longest error text kept per attempt, in bytes.
const MAX_ERROR_LEN: usize = 1024;

/// When failed attempts are tried again: exponential backoff with jitter,
/// and a dead letter after the last attempt.
///
/// The delay after the `n`-th failed attempt is `first × factor^(n-1)`, at
/// most `max_delay`, then spread by ± `jitter` percent at random so that
/// deliveries that failed together do not retry together.
///
/// The default is about as patient as the senders (Linear retries over
/// ~7 h, Notify over ~17 h): 5 attempts, 5 min, 15 min, 45 min, 2¼ h
/// apart (about 3½ h in all), ± 20 %.
///
/// ```
/// use std::time::Duration;
/// use hooksig::inbox::Backoff;
///
/// let quick = Backoff::new().attempts(3).first(Duration::from_secs(1)).factor(2);
/// assert_eq!(quick.delay_before(2), Duration::from_secs(1));
/// assert_eq!(quick.delay_before(3), Duration::from_secs(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Backoff {
    attempts: u32,
    first: Duration,
    factor: u32,
    max_delay: Duration,
    jitter_percent: u8,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new()
    }
}

impl Backoff {
    /// The default schedule (see the type's docs).
    pub fn new() -> Self {
        Backoff {
            attempts: 5,
            first: Duration::from_secs(5 * 60),
            factor: 3,
            max_delay: Duration::from_secs(6 * 60 * 60),
            jitter_percent: 20,
        }
    }

    /// How many attempts a delivery gets before it is dead (at least 1).
    /// Defaults to 5.
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The delay after the first failed attempt. Defaults to 5 minutes.
    pub fn first(mut self, delay: Duration) -> Self {
        self.first = delay;
        self
    }

    /// How much longer each following delay is (at least 1). Defaults to 3.
    pub fn factor(mut self, factor: u32) -> Self {
        self.factor = factor.max(1);
        self
    }

    /// The longest delay. Defaults to 6 hours.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The random spread of each delay, in percent (at most 100). Defaults
    /// to 20.
    pub fn jitter(mut self, percent: u8) -> Self {
        self.jitter_percent = percent.min(100);
        self
    }

    /// The number of attempts.
    #[must_use]
    pub fn max_attempts(&self) -> u32 {
        self.attempts
    }

    /// The delay, before jitter, between failed attempt `attempt - 1` and
    /// attempt `attempt` (`attempt` ≥ 2).
    #[must_use]
    pub fn delay_before(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(2);
        let factor = self.factor.checked_pow(exponent).unwrap_or(u32::MAX);
        self.first
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The delay after failed attempt `attempt`, with jitter.
    fn delay_after(&self, attempt: u32) -> Duration {
        let delay = self.delay_before(attempt.saturating_add(1));
        let spread = delay.as_millis() as u64 * u64::from(self.jitter_percent) / 100;
        if spread == 0 {
            return delay;
        }
        let offset = random() % (2 * spread + 1);
        (delay + Duration::from_millis(offset)).saturating_sub(Duration::from_millis(spread))
    }
}

/// A random number (seeded from the OS through `RandomState`), for jitter.
fn random() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// Runs an async handler over the deliveries of an [`Inbox`].
///
/// - up to [`concurrency`](Worker::concurrency) handlers at once;
/// - each delivery under a [lease](Worker::lease), renewed every third of
///   it while its handler runs, so that a worker that dies (`kill -9`)
///   lets another take its deliveries once the lease expires;
/// - a failed attempt (the handler's `Err`, whose `Display` is kept as the
///   delivery's last error) is retried after the [`Backoff`]; after the
///   last attempt the delivery is dead until
///   [`Inbox::replay`](super::Inbox::replay)ed;
/// - settled deliveries older than the [retention](Worker::retention) are
///   purged as it goes (hourly);
/// - [`run`](Worker::run) stops when its `shutdown` future completes: it
///   leases nothing more, lets the running handlers finish for up to the
///   [grace](Worker::grace) period, then gives the leases of those still
///   running back to the inbox (queued again, the attempt not counted).
///
/// **At least once:** a handler sees a delivery again when an earlier
/// attempt did not succeed, or its worker died before recording the
/// success. Handlers must be idempotent. A handler that panics is treated
/// as a worker that died: its lease expires and the delivery is retried.
///
/// ```no_run
/// use hooksig::inbox::{SqliteInbox, Worker};
///
/// # async fn run() -> Result<(), hooksig::Error> {
/// let inbox = SqliteInbox::open("webhooks.db")?;
/// Worker::new(inbox, |envelope: hooksig::inbox::Envelope| async move {
///     println!("{} {:?}", envelope.provider(), envelope.event());
///     Ok::<(), std::io::Error>(())
/// })
/// .concurrency(16)
/// .run(async { let _ = tokio::signal::ctrl_c().await; })
/// .await
/// # }
/// ```
#[must_use]
pub struct Worker<H> {
    inbox: Arc<dyn Inbox>,
    handler: Arc<H>,
    concurrency: usize,
    lease: Duration,
    backoff: Backoff,
    poll: Duration,
    grace: Duration,
    retention: Duration,
    clock: Arc<dyn Clock>,
}

impl<H> fmt::Debug for Worker<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("inbox", &self.inbox)
            .field("concurrency", &self.concurrency)
            .field("lease", &self.lease)
            .field("backoff", &self.backoff)
            .field("poll", &self.poll)
            .field("grace", &self.grace)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

impl<H, F, E> Worker<H>
where
    H: Fn(Envelope) -> F + Send + Sync + 'static,
    F: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + Send + 'static,
{
    /// A worker running `handler` over `inbox` (an inbox, or an `Arc` of
    /// one shared with a receiver).
    pub fn new(inbox: impl Inbox + 'static, handler: H) -> Self {
        Worker {
            inbox: Arc::new(inbox),
            handler: Arc::new(handler),
            concurrency: DEFAULT_CONCURRENCY,
            lease: DEFAULT_LEASE,
            backoff: Backoff::new(),
            poll: Duration::from_millis(500),
            grace: Duration::from_secs(30),
            retention: DEFAULT_RETENTION,
            clock: Arc::new(SystemClock),
        }
    }

    /// How many handlers run at once (at least 1). Defaults to 8
    /// ([`DEFAULT_CONCURRENCY`]).
    pub fn concurrency(mut self, handlers: usize) -> Self {
        self.concurrency = handlers.max(1);
        self
    }

    /// How long a delivery is leased (at least 10 ms), renewed every third
    /// of it while its handler runs; another worker takes a delivery whose
    /// lease expired. Defaults to 5 minutes ([`DEFAULT_LEASE`]).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(10));
        self
    }

    /// When failed attempts are retried, and how many there are. Defaults
    /// to [`Backoff::new`].
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// How often an idle worker looks for due deliveries. Defaults to
    /// 500 ms.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll = interval.max(Duration::from_millis(1));
        self
    }

    /// How long a shutdown waits for running handlers before it gives
    /// their leases back. Defaults to 30 seconds.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// How long succeeded and dead deliveries are kept. Defaults to 7 days
    /// ([`DEFAULT_RETENTION`]).
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// Where the worker reads the time (lease expiry, next attempts).
    /// Defaults to [`SystemClock`]; sleeping uses tokio's timer.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Runs until `shutdown` completes, then shuts down gracefully (see
    /// the type's docs). Needs a tokio runtime with its timer.
    ///
    /// # Errors
    ///
    /// None yet: an inbox that cannot be reached is retried every poll
    /// interval. The `Result` leaves room for configuration errors.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
        let (give_back, given_back) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let mut shutdown = std::pin::pin!(shutdown);
        let mut purged_at: Option<Duration> = None;
        loop {
            let monotonic = self.clock.monotonic();
            if purged_at.is_none_or(|at| monotonic.saturating_sub(at) >= Duration::from_secs(3600))
            {
                purged_at = Some(monotonic);
                let before = self.clock.now().checked_sub(self.retention);
                if let Some(before) = before {
                    let _ = self.inbox.purge(before).await;
                }
            }
            // Reap every finished attempt, so that one lease call fills
            // all the free slots (a lease is a write: batch them).
            while tasks.try_join_next().is_some() {}
            let free = self.concurrency.saturating_sub(tasks.len());
            let mut idle = true;
            if free > 0 {
                if let Ok(leases) = self.inbox.lease(free, self.lease, self.clock.now()).await {
                    idle = leases.len() < free;
                    for lease in leases {
                        tasks.spawn(attempt(
                            Arc::clone(&self.inbox),
                            Arc::clone(&self.handler),
                            Arc::clone(&self.clock),
                            self.backoff,
                            self.lease,
                            lease,
                            given_back.clone(),
                        ));
                    }
                }
            } else {
                idle = false;
            }
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                () = tokio::time::sleep(self.poll), if idle || tasks.is_empty() => {}
            }
        }
        // Graceful: let the running handlers finish, then give back the
        // leases of those still running.
        let finished = tokio::time::timeout(self.grace, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            let _ = give_back.send(true);
            while tasks.join_next().await.is_some() {}
        }
        Ok(())
    }
}

/// One attempt: run the handler under a renewed lease, then settle.
async fn attempt<H, F, E>(
    inbox: Arc<dyn Inbox>,
    handler: Arc<H>,
    clock: Arc<dyn Clock>,
    backoff: Backoff,
    lease_for: Duration,
    lease: Lease,
    mut give_back: watch::Receiver<bool>,
) where
    H: Fn(Envelope) -> F + Send + Sync + 'static,
    F: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + Send + 'static,
{
    let attempts = lease.envelope().attempts();
    if attempts > backoff.max_attempts() {
        // The last attempt's worker died (or its handler panicked).
        let error = "the last attempt did not finish (worker stopped or handler panicked)";
        settle(
            &*inbox,
            &lease,
            Settle::Dead {
                error: error.into(),
            },
            &*clock,
        )
        .await;
        return;
    }
    let mut running = std::pin::pin!(handler(lease.envelope().clone()));
    let renew_every = lease_for / 3;
    let result = loop {
        tokio::select! {
            biased;
            result = &mut running => break Some(result),
            _ = give_back.changed() => break None,
            () = tokio::time::sleep(renew_every) => {
                // A lost lease (expired and retaken) is not ours to settle;
                // the settle below is refused then.
                let _ = inbox.renew(&lease, lease_for, clock.now()).await;
            }
        }
    };
    let outcome = match result {
        None => Settle::Release,
        Some(Ok(())) => Settle::Succeeded,
        Some(Err(error)) => {
            let error = truncate(error.to_string());
            if attempts >= backoff.max_attempts() {
                Settle::Dead { error }
            } else {
                Settle::Failed {
                    error,
                    retry_at: clock.now() + backoff.delay_after(attempts),
                }
            }
        }
    };
    settle(&*inbox, &lease, outcome, &*clock).await;
}

/// Settles, retrying a few times while the inbox is unreachable; after
/// that the lease expires and the delivery is attempted again.
async fn settle(inbox: &dyn Inbox, lease: &Lease, outcome: Settle, clock: &dyn Clock) {
    for retry in 0..3u32 {
        if inbox
            .settle(lease, outcome.clone(), clock.now())
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100) * (retry + 1)).await;
    }
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_ERROR_LEN {
        let mut end = MAX_ERROR_LEN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_backoff_spans_hours() {
        let backoff = Backoff::new();
        let total: Duration = (2..=backoff.max_attempts())
            .map(|attempt| backoff.delay_before(attempt))
            .sum();
        assert!(total > Duration::from_secs(3 * 3600), "{total:?}");
        assert_eq!(backoff.delay_before(2), Duration::from_secs(300));
    }

    #[test]
    fn jitter_stays_within_its_spread() {
        let backoff = Backoff::new().first(Duration::from_secs(100)).jitter(10);
        for _ in 0..1000 {
            let delay = backoff.delay_after(1);
            assert!(delay >= Duration::from_secs(90) && delay <= Duration::from_secs(110));
        }
        assert_eq!(
            Backoff::new().delay_before(100),
            Duration::from_secs(6 * 3600)
        );
    }

    #[test]
    fn long_errors_are_cut_on_a_char_boundary() {
        let text = truncate("é".repeat(1000));
        assert!(text.len() <= MAX_ERROR_LEN);
    }
}
