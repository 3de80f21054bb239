//! Duplicate-delivery suppression: the [`DeliveryStore`] trait and the
//! embedded [`MemoryStore`] (and, with the `redis` feature, `RedisStore`).
//!
//! Senders deliver *at least once*: GitHub lets you redeliver, Linear
//! retries 3 times over ~7 h, Notify 5 times over ~17 h, each time with the
//! same delivery id. A store remembers ids so the same delivery is
//! processed once, with three rules that keep a retry from being lost:
//!
//! 1. **Claim** the key (provider + delivery id) before the handler runs.
//!    Only one claim on a key can be held at a time; a second delivery of
//!    the same id while the first is in flight is told so
//!    ([`Claim::InFlight`]) and answered 409, so its sender retries later.
//!    A claim that is never completed nor released (the process died)
//!    expires after the store's in-flight TTL.
//! 2. **Complete** it when the handler succeeded (2xx): the key is kept as
//!    done for the TTL (24 h by default, as the senders' retry schedules
//!    need), and repeats within it are answered 200 `{"status":"duplicate"}`
//!    without calling the handler.
//! 3. **Release** it when the handler failed (an error or a non-2xx
//!    status), so the sender's retry is processed.
//!
//! [`VerifyLayer::dedup`](crate::tower::VerifyLayer::dedup) does all three.
//!
//! The id is, for GitHub and Linear, an unsigned header: suppression keeps
//! honest retries from being processed twice, it is not a replay defence
//! against someone who captured a delivery (see the providers' replay
//! windows for that).

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::Error;

#[cfg(feature = "redis")]
mod redis_store;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::{RedisStore, DEFAULT_REDIS_TIMEOUT};

/// How long a completed delivery is remembered by default: 24 hours, longer
/// than GitHub's, Linear's and Notify's retry schedules.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a claim is held by default when it is neither completed nor
/// released (the process handling it died): 5 minutes.
pub const DEFAULT_IN_FLIGHT_TTL: Duration = Duration::from_secs(5 * 60);

/// A boxed, `Send` future, as the object-safe [`DeliveryStore`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a [`DeliveryStore::claim`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// The key was free and is now claimed with this token: run the
    /// handler, then [`complete`](DeliveryStore::complete) or
    /// [`release`](DeliveryStore::release) with the same token.
    Acquired(Token),
    /// The delivery was already processed successfully within the TTL.
    Done,
    /// Another claim on the key is held right now.
    InFlight,
}

/// Identifies one claim, so that releasing a claim that expired and was
/// taken over never removes the new holder's claim.
///
/// Tokens are unique within a process and random across processes (a
/// per-process random base plus a counter). Making one reads neither the
/// clock nor the process id, so it works on `wasm32-unknown-unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token(u64);

impl Token {
    /// A fresh token.
    #[must_use]
    pub fn new() -> Self {
        static BASE: OnceLock<u64> = OnceLock::new();
        static NEXT: AtomicU64 = AtomicU64::new(0);
        // `RandomState` is seeded from the OS's randomness where there is
        // one (and from addresses where there is none), without a clock.
        let base = *BASE.get_or_init(|| {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u64(0x0068_6f6f_6b73_6967);
            hasher.finish()
        });
        Token(base.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed)))
    }

    /// The token as a number, for stores that persist it.
    #[must_use]
    pub fn get(self) -> u64 {
        self.0
    }

    /// Rebuilds a token a store persisted with [`Token::get`].
    #[must_use]
    pub fn from_u64(value: u64) -> Self {
        Token(value)
    }
}

impl Default for Token {
    fn default() -> Self {
        Token::new()
    }
}

/// Where delivery ids are remembered: in memory ([`MemoryStore`]) for one
/// process, or in Redis (`RedisStore`, feature `redis`) for a fleet.
///
/// Object safe (`Arc<dyn DeliveryStore>`): the methods return boxed
/// futures. Keys are opaque strings (the middleware uses
/// `<provider>:<id>`, or `<provider>:<tenant>:<id>` with a resolver). See
/// the [module docs](self) for the claim / complete / release protocol.
///
/// # Errors
///
/// Every method fails with [`Error::StoreUnavailable`] when the store
/// cannot be reached; the middleware then answers 503 and does not call
/// the handler.
pub trait DeliveryStore: Send + Sync {
    /// Claims `key` for the duration of one handler run.
    ///
    /// Returns [`Claim::Acquired`] when the key was free (or its previous
    /// record expired), [`Claim::Done`] when it was completed within the
    /// TTL, and [`Claim::InFlight`] while another claim holds it.
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, Error>>;

    /// Marks the claimed `key` as processed, remembered for the TTL.
    fn complete<'a>(&'a self, key: &'a str, token: Token) -> BoxFuture<'a, Result<(), Error>>;

    /// Gives up the claim on `key` so that the next delivery is processed.
    /// Does nothing when `token` no longer holds the key.
    fn release<'a>(&'a self, key: &'a str, token: Token) -> BoxFuture<'a, Result<(), Error>>;

    /// Claims `key` as [`claim`](DeliveryStore::claim) does, but held for
    /// at most `in_flight` (instead of the store's in-flight TTL) when it
    /// is neither completed nor released: the receiver's content keys
    /// ([`Receiver::dedup_key`](crate::receiver::Receiver::dedup_key)) have
    /// their own TTL.
    ///
    /// The default ignores `in_flight` and calls `claim`, so a store of
    /// yours keeps working with its own in-flight TTL; [`MemoryStore`] and
    /// `RedisStore` honour it.
    fn claim_for<'a>(
        &'a self,
        key: &'a str,
        in_flight: Duration,
    ) -> BoxFuture<'a, Result<Claim, Error>> {
        let _ = in_flight;
        self.claim(key)
    }

    /// Releases the claim without waiting, from a destructor: called when
    /// the middleware's response future is dropped mid-flight (the client
    /// disconnected, the server shut down, the handler panicked).
    ///
    /// The default does nothing and lets the claim expire after the store's
    /// in-flight TTL. [`MemoryStore`] releases at once; `RedisStore` spawns
    /// the release on the current tokio runtime.
    fn abandon(&self, key: &str, token: Token) {
        let _ = (key, token);
    }
}

impl<D: DeliveryStore + ?Sized> DeliveryStore for Arc<D> {
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, Error>> {
        (**self).claim(key)
    }
    fn complete<'a>(&'a self, key: &'a str, token: Token) -> BoxFuture<'a, Result<(), Error>> {
        (**self).complete(key, token)
    }
    fn release<'a>(&'a self, key: &'a str, token: Token) -> BoxFuture<'a, Result<(), Error>> {
        (**self).release(key, token)
    }
    fn claim_for<'a>(
        &'a self,
        key: &'a str,
        in_flight: Duration,
    ) -> BoxFuture<'a, Result<Claim, Error>> {
        (**self).claim_for(key, in_flight)
    }
    fn abandon(&self, key: &str, token: Token) {
        (**self).abandon(key, token);
    }
}

/// The default capacity of a [`MemoryStore`]: 100 000 keys (a few MiB: the
/// middleware's keys are at most about 200 bytes plus the tenant name).
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The embedded store: delivery ids in a mutex-guarded map in this process.
///
/// Bounded: it holds at most [`capacity`](MemoryStore::capacity) keys. When
/// a new key arrives and the store is full, it drops expired completed
/// records, then the **oldest completed** record (a repeat of that delivery
/// would then be processed again: at-least-once, which handlers must
/// tolerate anyway), in constant time. It never drops a live claim that is
/// in flight: when every key is in flight, expired claims are dropped and,
/// if none, the new claim fails with [`Error::StoreUnavailable`] (503, the
/// sender retries). Size the capacity above your deliveries per TTL.
///
/// Safe under concurrency: every operation takes the lock briefly and
/// never across an `.await`. Clones share the same records.
///
/// ```
/// use hooksig::dedup::{Claim, DeliveryStore, MemoryStore};
/// # futures_lite_block_on(async {
/// let store = MemoryStore::new();
/// let Claim::Acquired(token) = store.claim("github:d-1").await? else { unreachable!() };
/// assert_eq!(store.claim("github:d-1").await?, Claim::InFlight);
/// store.complete("github:d-1", token).await?;
/// assert_eq!(store.claim("github:d-1").await?, Claim::Done);
/// # Ok::<(), hooksig::Error>(())
/// # }).unwrap();
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let waker = std::task::Waker::noop();
/// #     let mut cx = std::task::Context::from_waker(&waker);
/// #     let mut f = std::pin::pin!(f);
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    inner: Arc<Mutex<State>>,
    clock: Arc<dyn Clock>,
    ttl: Duration,
    in_flight_ttl: Duration,
    capacity: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    InFlight { token: Token, until: Duration },
    Done { until: Duration },
}

impl Entry {
    fn until(self) -> Duration {
        match self {
            Entry::InFlight { until, .. } | Entry::Done { until } => until,
        }
    }
}

#[derive(Debug, Default)]
struct State {
    map: HashMap<Arc<str>, Entry>,
    /// Completed keys in completion order (= expiry order, the TTL being
    /// fixed). May hold stale pairs whose key was since removed or
    /// re-recorded; they are skipped.
    /// The keys are shared with `map` (one allocation per key).
    done: VecDeque<(Arc<str>, Duration)>,
}

impl State {
    /// Pops expired completed records (and expired stale pairs) off the
    /// front of the queue.
    fn purge_done(&mut self, now: Duration) {
        while let Some((key, until)) = self.done.front() {
            if *until > now {
                break;
            }
            if self.map.get(key) == Some(&Entry::Done { until: *until }) {
                self.map.remove(key);
            }
            self.done.pop_front();
        }
    }

    /// Makes room for one more key, or says there is none.
    ///
    /// Expired completed records are already gone ([`State::purge_done`]);
    /// the oldest live completed record goes next, in O(1). Only when every
    /// key is in flight are the claims scanned for expired ones.
    fn make_room(&mut self, capacity: usize, now: Duration) -> Result<(), Error> {
        while self.map.len() >= capacity {
            if let Some((key, until)) = self.done.pop_front() {
                if self.map.get(&key) == Some(&Entry::Done { until }) {
                    self.map.remove(&key);
                }
                continue;
            }
            self.map.retain(|_, entry| entry.until() > now);
            if self.map.len() >= capacity {
                return Err(Error::StoreUnavailable);
            }
        }
        Ok(())
    }
}

impl MemoryStore {
    /// An empty store with the default TTL (24 h), in-flight TTL (5 min)
    /// and capacity (100 000 keys).
    #[must_use]
    pub fn new() -> Self {
        MemoryStore {
            inner: Arc::default(),
            clock: Arc::new(SystemClock),
            ttl: DEFAULT_TTL,
            in_flight_ttl: DEFAULT_IN_FLIGHT_TTL,
            capacity: DEFAULT_CAPACITY,
        }
    }

    /// Where the store reads the time for its TTLs (only
    /// [`Clock::monotonic`]). Defaults to [`SystemClock`]; inject another
    /// on targets without one (`wasm32-unknown-unknown`) or in tests.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How long a completed delivery is remembered. Defaults to 24 hours
    /// ([`DEFAULT_TTL`]).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long an abandoned claim blocks its key. Defaults to 5 minutes
    /// ([`DEFAULT_IN_FLIGHT_TTL`]); keep it above your slowest handler.
    #[must_use]
    pub fn in_flight_ttl(mut self, ttl: Duration) -> Self {
        self.in_flight_ttl = ttl;
        self
    }

    /// The most keys held at once (in flight and completed). Defaults to
    /// 100 000 ([`DEFAULT_CAPACITY`]); at least 1. See the type docs for
    /// what happens when it is full.
    #[must_use]
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// How many keys are held (in flight, completed, or expired but not yet
    /// dropped).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether no key is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-updated
        // in a way that matters (every update is a single insert/remove).
        self.inner
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn claim_at(&self, key: &str, now: Duration) -> Result<Claim, Error> {
        self.claim_held(key, now, self.in_flight_ttl)
    }

    fn claim_held(&self, key: &str, now: Duration, in_flight: Duration) -> Result<Claim, Error> {
        let mut state = self.lock();
        state.purge_done(now);
        match state.map.get(key).copied() {
            Some(entry) if entry.until() > now => {
                return Ok(match entry {
                    Entry::Done { .. } => Claim::Done,
                    Entry::InFlight { .. } => Claim::InFlight,
                });
            }
            Some(_) => {
                state.map.remove(key);
            }
            None => {}
        }
        state.make_room(self.capacity, now)?;
        let token = Token::new();
        let until = now.saturating_add(in_flight);
        state
            .map
            .insert(Arc::from(key), Entry::InFlight { token, until });
        Ok(Claim::Acquired(token))
    }

    fn complete_at(&self, key: &str, token: Token, now: Duration) {
        let mut state = self.lock();
        let until = now.saturating_add(self.ttl);
        let shared = match state.map.get_key_value(key) {
            Some((_, Entry::InFlight { token: holder, .. })) if *holder != token => {
                // The claim expired and another delivery holds the key now;
                // its own outcome decides.
                return;
            }
            Some((shared, _)) => Arc::clone(shared),
            // The claim was dropped (expired and purged): record it anyway.
            None => Arc::from(key),
        };
        state.map.insert(Arc::clone(&shared), Entry::Done { until });
        state.done.push_back((shared, until));
    }

    fn release_now(&self, key: &str, token: Token) {
        let mut state = self.lock();
        if let Some(Entry::InFlight { token: holder, .. }) = state.map.get(key) {
            if *holder == token {
                state.map.remove(key);
            }
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .field("in_flight_ttl", &self.in_flight_ttl)
            .finish()
    }
}

impl DeliveryStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, Error>> {
        let result = self.claim_at(key, self.clock.monotonic());
        Box::pin(std::future::ready(result))
    }

    fn complete<'a>(&'a self, key: &'a str, token: Token) -> BoxFuture<'a, Result<(), Error>> {
        self.complete_at(key, token, self.clock.monotonic());
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(&'a self, key: &'a str, token: Token) -> BoxFuture<'a, Result<(), Error>> {
        self.release_now(key, token);
        Box::pin(std::future::ready(Ok(())))
    }

    fn claim_for<'a>(
        &'a self,
        key: &'a str,
        in_flight: Duration,
    ) -> BoxFuture<'a, Result<Claim, Error>> {
        let result = self.claim_held(key, self.clock.monotonic(), in_flight);
        Box::pin(std::future::ready(result))
    }

    fn abandon(&self, key: &str, token: Token) {
        self.release_now(key, token);
    }
}

/// The longest delivery id [`store_key`] keeps verbatim; longer ids are
/// keyed by their SHA-256.
pub const MAX_VERBATIM_ID: usize = 128;

/// The duplicate store's key for a delivery: `provider:id`, or
/// `provider:@tenant:id`, as the receiver and every adapter use it.
///
/// Unambiguous and bounded, whatever the sender and the resolver write:
///
/// - `:`, `%` and `@` in a tenant name are percent-encoded, so the tenant
///   ends at the first `:` after `@`;
/// - an id longer than [`MAX_VERBATIM_ID`] bytes, or one that starts with
///   `@` or `#`, becomes `#` + the lowercase hex SHA-256 of the id. A
///   verbatim id never starts with `@` (taken for a tenant) or `#` (taken for
///   a hash), and a key is at most about 200 bytes plus the tenant name.
///
/// The id of a GitHub or Linear delivery is an unsigned header: without the
/// bound, someone replaying one captured delivery under ever new, huge ids
/// could fill a store's memory with a few hundred thousand keys.
///
/// ```
/// use hooksig::dedup::store_key;
/// assert_eq!(store_key("github", None, "d-1"), "github:d-1");
/// assert_eq!(store_key("github", Some("a:b"), "d-1"), "github:@a%3Ab:d-1");
/// assert_eq!(store_key("github", None, &"x".repeat(10_000)).len(), "github:#".len() + 64);
/// ```
#[must_use]
pub fn store_key(provider: &str, tenant: Option<&str>, id: &str) -> String {
    let mut key = key_prefix(provider, tenant, id.len().min(MAX_VERBATIM_ID) + 1);
    if id.len() > MAX_VERBATIM_ID || id.starts_with(['@', '#']) {
        push_hash(&mut key, id);
    } else {
        key.push_str(id);
    }
    key
}

/// The store key of a content key ([`Receiver::dedup_key`](crate::receiver::Receiver::dedup_key)):
/// `provider:#key:<key>` or `provider:@tenant:#key:<key>`, the key hashed
/// as in [`store_key`] when it is longer than [`MAX_VERBATIM_ID`] bytes.
/// It never equals a delivery's [`store_key`], whose part after the
/// provider and tenant is a verbatim id (never starting with `#`) or `#`
/// and 64 hex digits (never `#key:`).
///
/// ```
/// use hooksig::dedup::{content_store_key, store_key};
/// assert_eq!(content_store_key("github", None, "pr-42"), "github:#key:pr-42");
/// assert_ne!(content_store_key("github", None, "d-1"), store_key("github", None, "#key:d-1"));
/// ```
#[must_use]
pub fn content_store_key(provider: &str, tenant: Option<&str>, content: &str) -> String {
    let mut key = key_prefix(provider, tenant, content.len().min(MAX_VERBATIM_ID) + 6);
    key.push_str("#key:");
    if content.len() > MAX_VERBATIM_ID {
        push_hash(&mut key, content);
    } else {
        key.push_str(content);
    }
    key
}

/// `#` and the lowercase hex SHA-256 of `text`.
fn push_hash(key: &mut String, text: &str) {
    use sha2::Digest as _;
    use std::fmt::Write as _;

    key.push('#');
    for byte in sha2::Sha256::digest(text.as_bytes()) {
        let _ = write!(key, "{byte:02x}");
    }
}

/// `provider:` or `provider:@tenant:`, the tenant percent-encoded, with
/// room for `more` bytes.
fn key_prefix(provider: &str, tenant: Option<&str>, more: usize) -> String {
    let mut key =
        String::with_capacity(provider.len() + tenant.map_or(0, |t| t.len() + 2) + more + 1);
    key.push_str(provider);
    key.push(':');
    if let Some(tenant) = tenant {
        key.push('@');
        for c in tenant.chars() {
            match c {
                ':' => key.push_str("%3A"),
                '%' => key.push_str("%25"),
                '@' => key.push_str("%40"),
                c => key.push(c),
            }
        }
        key.push(':');
    }
    key
}

/// A claim held while a handler runs: [`complete`](ClaimGuard::complete)
/// it when the handler succeeded, [`release`](ClaimGuard::release) it when
/// it failed. Dropped without either (the request was cancelled, the
/// handler panicked), it [`abandon`](DeliveryStore::abandon)s the claim so
/// that the sender's retry is not refused as in flight for the whole
/// in-flight TTL.
///
/// ```
/// use std::sync::Arc;
/// use hooksig::dedup::{ClaimGuard, Claimed, DeliveryStore, MemoryStore};
/// # futures_lite_block_on(async {
/// let store: Arc<dyn DeliveryStore> = Arc::new(MemoryStore::new());
/// let Claimed::Acquired(guard) = ClaimGuard::claim(&store, "github:d-1".into()).await? else { unreachable!() };
/// // ... run the handler ...
/// guard.complete().await?;
/// assert!(matches!(ClaimGuard::claim(&store, "github:d-1".into()).await?, Claimed::Done));
/// # Ok::<(), hooksig::Error>(())
/// # }).unwrap();
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let waker = std::task::Waker::noop();
/// #     let mut cx = std::task::Context::from_waker(&waker);
/// #     let mut f = std::pin::pin!(f);
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// ```
#[must_use = "dropping the guard abandons the claim"]
pub struct ClaimGuard {
    store: Arc<dyn DeliveryStore>,
    key: String,
    token: Token,
    settled: bool,
}

/// What [`ClaimGuard::claim`] found.
#[derive(Debug)]
#[non_exhaustive]
pub enum Claimed {
    /// The key is claimed: run the handler, then settle the guard.
    Acquired(ClaimGuard),
    /// The delivery was already processed ([`Claim::Done`]).
    Done,
    /// Another claim holds the key right now ([`Claim::InFlight`]).
    InFlight,
}

impl ClaimGuard {
    /// Claims `key` (usually a [`store_key`]) in `store`.
    ///
    /// # Errors
    ///
    /// As [`DeliveryStore::claim`]: [`Error::StoreUnavailable`].
    pub async fn claim(store: &Arc<dyn DeliveryStore>, key: String) -> Result<Claimed, Error> {
        Ok(match store.claim(&key).await? {
            Claim::Acquired(token) => {
                Claimed::Acquired(ClaimGuard::new(Arc::clone(store), key, token))
            }
            Claim::Done => Claimed::Done,
            Claim::InFlight => Claimed::InFlight,
        })
    }

    /// Claims `key` in `store`, held at most `in_flight` when never
    /// settled ([`DeliveryStore::claim_for`]).
    ///
    /// # Errors
    ///
    /// As [`DeliveryStore::claim`]: [`Error::StoreUnavailable`].
    pub async fn claim_for(
        store: &Arc<dyn DeliveryStore>,
        key: String,
        in_flight: Duration,
    ) -> Result<Claimed, Error> {
        Ok(match store.claim_for(&key, in_flight).await? {
            Claim::Acquired(token) => {
                Claimed::Acquired(ClaimGuard::new(Arc::clone(store), key, token))
            }
            Claim::Done => Claimed::Done,
            Claim::InFlight => Claimed::InFlight,
        })
    }

    /// Leaves the claim to expire after its in-flight TTL: neither
    /// completed, released nor abandoned.
    #[cfg_attr(not(feature = "inbox"), allow(dead_code))]
    pub(crate) fn keep(mut self) {
        self.settled = true;
    }

    /// Guards a claim already made on `key` with `token`.
    pub fn new(store: Arc<dyn DeliveryStore>, key: String, token: Token) -> Self {
        ClaimGuard {
            store,
            key,
            token,
            settled: false,
        }
    }

    /// The claimed key.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The claim's token.
    #[must_use]
    pub fn token(&self) -> Token {
        self.token
    }

    /// Marks the delivery processed ([`DeliveryStore::complete`]).
    ///
    /// # Errors
    ///
    /// [`Error::StoreUnavailable`]; the claim then expires after the
    /// store's in-flight TTL.
    pub async fn complete(self) -> Result<(), Error> {
        self.settle(true).await
    }

    /// Gives the claim up so that a retry is processed
    /// ([`DeliveryStore::release`]).
    ///
    /// # Errors
    ///
    /// [`Error::StoreUnavailable`]; the claim then expires after the
    /// store's in-flight TTL.
    pub async fn release(self) -> Result<(), Error> {
        self.settle(false).await
    }

    /// [`complete`](ClaimGuard::complete) when `success`, else
    /// [`release`](ClaimGuard::release).
    ///
    /// # Errors
    ///
    /// As those.
    pub async fn settle(mut self, success: bool) -> Result<(), Error> {
        self.settle_in_place(success).await
    }

    /// [`settle`](ClaimGuard::settle) without moving the guard: the
    /// receiver's futures await the store's future alone, not a copy of
    /// the guard. The guard is settled (its drop abandons nothing) whatever
    /// the outcome.
    pub(crate) fn settle_in_place(&mut self, success: bool) -> BoxFuture<'_, Result<(), Error>> {
        self.settled = true;
        if success {
            self.store.complete(&self.key, self.token)
        } else {
            self.store.release(&self.key, self.token)
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if !self.settled {
            self.store.abandon(&self.key, self.token);
        }
    }
}

impl fmt::Debug for ClaimGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimGuard")
            .field("key", &self.key)
            .field("settled", &self.settled)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acquired(claim: Result<Claim, Error>) -> Token {
        match claim {
            Ok(Claim::Acquired(token)) => token,
            other => panic!("expected a claim, got {other:?}"),
        }
    }

    #[test]
    fn claim_complete_release_cycle() {
        let store = MemoryStore::new();
        let t0 = Duration::from_secs(1_000);
        let token = acquired(store.claim_at("k", t0));
        assert_eq!(store.claim_at("k", t0), Ok(Claim::InFlight));
        store.release_now("k", token);
        let token = acquired(store.claim_at("k", t0));
        store.complete_at("k", token, t0);
        assert_eq!(store.claim_at("k", t0), Ok(Claim::Done));
        // Releasing with a stale token does not forget a done record.
        store.release_now("k", token);
        assert_eq!(store.claim_at("k", t0), Ok(Claim::Done));
    }

    #[test]
    fn a_claim_for_is_held_for_its_own_in_flight_ttl() {
        let store = MemoryStore::new().in_flight_ttl(Duration::from_secs(600));
        let t0 = Duration::from_secs(1_000);
        let Ok(Claim::Acquired(_)) = store.claim_held("k", t0, Duration::from_secs(2)) else {
            panic!("the key was free")
        };
        assert_eq!(
            store.claim_at("k", t0 + Duration::from_secs(1)),
            Ok(Claim::InFlight)
        );
        acquired(store.claim_at("k", t0 + Duration::from_secs(2)));
        // The store's own claim lasts its in-flight TTL.
        assert_eq!(
            store.claim_at("k", t0 + Duration::from_secs(500)),
            Ok(Claim::InFlight)
        );
    }

    #[test]
    fn content_keys_never_equal_delivery_keys() {
        let long = "y".repeat(500);
        for content in ["d-1", "#abc", "@t:x", "", long.as_str()] {
            let key = content_store_key("github", Some("a:b"), content);
            assert!(key.starts_with("github:@a%3Ab:#key:"), "{key}");
            for id in [
                content.to_owned(),
                format!("#key:{content}"),
                format!("key:{content}"),
            ] {
                assert_ne!(key, store_key("github", Some("a:b"), &id));
            }
        }
        assert_eq!(
            content_store_key("github", None, &"y".repeat(500)).len(),
            "github:#key:#".len() + 64
        );
    }

    #[test]
    fn records_expire() {
        let store = MemoryStore::new()
            .ttl(Duration::from_secs(10))
            .in_flight_ttl(Duration::from_secs(2));
        let t0 = Duration::from_secs(1_000);
        let stale = acquired(store.claim_at("k", t0));
        // An abandoned claim blocks its key for the in-flight TTL only.
        assert_eq!(
            store.claim_at("k", t0 + Duration::from_secs(1)),
            Ok(Claim::InFlight)
        );
        let token = acquired(store.claim_at("k", t0 + Duration::from_secs(2)));
        // The old holder's release does not remove the new claim.
        store.release_now("k", stale);
        assert_eq!(
            store.claim_at("k", t0 + Duration::from_secs(3)),
            Ok(Claim::InFlight)
        );
        store.complete_at("k", token, t0 + Duration::from_secs(3));
        assert_eq!(
            store.claim_at("k", t0 + Duration::from_secs(12)),
            Ok(Claim::Done)
        );
        acquired(store.claim_at("k", t0 + Duration::from_secs(13)));
    }

    #[test]
    fn complete_respects_a_newer_holder_and_records_a_lost_claim() {
        let store = MemoryStore::new()
            .ttl(Duration::from_secs(10))
            .in_flight_ttl(Duration::from_secs(2));
        let t0 = Duration::from_secs(1_000);
        let stale = acquired(store.claim_at("k", t0));
        let fresh = acquired(store.claim_at("k", t0 + Duration::from_secs(2)));
        // The expired holder finishing late does not settle the new claim.
        store.complete_at("k", stale, t0 + Duration::from_secs(3));
        assert_eq!(
            store.claim_at("k", t0 + Duration::from_secs(3)),
            Ok(Claim::InFlight)
        );
        store.release_now("k", fresh);
        // A claim that is gone (released, expired) is still recorded as done
        // when its handler succeeds: the delivery was processed.
        store.complete_at("k", fresh, t0 + Duration::from_secs(3));
        assert_eq!(
            store.claim_at("k", t0 + Duration::from_secs(4)),
            Ok(Claim::Done)
        );
        assert_eq!(store.lock().done.len(), 1);
    }

    #[test]
    fn full_store_evicts_oldest_done_never_in_flight() {
        let store = MemoryStore::new().capacity(2);
        let t0 = Duration::from_secs(1_000);
        let a = acquired(store.claim_at("a", t0));
        store.complete_at("a", a, t0);
        let _b = acquired(store.claim_at("b", t0));
        // Full: "a" (done) is evicted to make room for "c".
        let _c = acquired(store.claim_at("c", t0));
        assert_eq!(store.len(), 2);
        assert_eq!(store.claim_at("b", t0), Ok(Claim::InFlight));
        assert_eq!(store.claim_at("c", t0), Ok(Claim::InFlight));
        // Everything in flight: a new key is refused, nothing is forgotten.
        assert_eq!(store.claim_at("d", t0), Err(Error::StoreUnavailable));
        assert_eq!(store.claim_at("b", t0), Ok(Claim::InFlight));
    }

    #[test]
    fn full_store_drops_expired_records_first() {
        let store = MemoryStore::new()
            .capacity(2)
            .ttl(Duration::from_secs(10))
            .in_flight_ttl(Duration::from_secs(1));
        let t0 = Duration::from_secs(1_000);
        let a = acquired(store.claim_at("a", t0));
        store.complete_at("a", a, t0);
        let b = acquired(store.claim_at("b", t0));
        store.complete_at("b", b, t0 + Duration::from_secs(5));
        // "a" expired: dropped; "b" (live) stays.
        let _c = acquired(store.claim_at("c", t0 + Duration::from_secs(11)));
        assert_eq!(
            store.claim_at("b", t0 + Duration::from_secs(11)),
            Ok(Claim::Done)
        );
        // All in flight, "c"'s claim expired: it is dropped for "d".
        let store = MemoryStore::new()
            .capacity(1)
            .in_flight_ttl(Duration::from_secs(1));
        let _c = acquired(store.claim_at("c", t0));
        assert_eq!(store.claim_at("d", t0), Err(Error::StoreUnavailable));
        let _d = acquired(store.claim_at("d", t0 + Duration::from_secs(2)));
    }

    #[test]
    fn the_queue_stays_bounded() {
        let store = MemoryStore::new().capacity(3).ttl(Duration::from_secs(1));
        let t0 = Duration::from_secs(1_000);
        for i in 0..1000u64 {
            let now = t0 + Duration::from_millis(i * 10);
            let key = format!("k{}", i % 5);
            if let Ok(Claim::Acquired(token)) = store.claim_at(&key, now) {
                store.complete_at(&key, token, now);
            }
        }
        let state = store.lock();
        assert!(state.map.len() <= 3);
        assert!(state.done.len() <= 200, "{}", state.done.len());
    }

    #[test]
    fn store_keys_name_provider_tenant_and_id() {
        assert_eq!(store_key("github", None, "d-1"), "github:d-1");
        assert_eq!(store_key("github", Some("acme"), "d-1"), "github:@acme:d-1");
        assert_ne!(
            store_key("github", Some("acme"), "d-1"),
            store_key("github", Some("other"), "d-1")
        );
        assert_ne!(
            store_key("github", Some("acme"), "d-1"),
            store_key("github", None, "@acme:d-1")
        );
    }

    #[test]
    fn separators_in_tenants_and_ids_cannot_forge_another_key() {
        assert_ne!(
            store_key("github", Some("a:b"), "c"),
            store_key("github", Some("a"), "b:c")
        );
        assert_eq!(
            store_key("github", Some("a:b%@"), "c"),
            "github:@a%3Ab%25%40:c"
        );
        let hashed = store_key("github", None, "#00");
        assert!(hashed.starts_with("github:#") && hashed.len() == "github:#".len() + 64);
        assert_ne!(
            store_key("github", None, "@t:x"),
            store_key("github", Some("t"), "x")
        );
    }

    #[test]
    fn long_ids_are_hashed_to_a_bounded_key() {
        let verbatim = "d".repeat(MAX_VERBATIM_ID);
        assert_eq!(
            store_key("github", None, &verbatim),
            format!("github:{verbatim}")
        );
        let long = "d".repeat(64 * 1024);
        let key = store_key("github", Some("acme"), &long);
        assert_eq!(key.len(), "github:@acme:#".len() + 64);
        assert!(key[key.len() - 64..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let other = format!("{}e", "d".repeat(64 * 1024 - 1));
        assert_ne!(key, store_key("github", Some("acme"), &other));
        assert_eq!(key, store_key("github", Some("acme"), &long));
    }

    #[test]
    fn tokens_are_unique() {
        assert_ne!(Token::new(), Token::new());
        let token = Token::new();
        assert_eq!(Token::from_u64(token.get()), token);
    }
}
