//! [`Clock`]: where the receiver and [`MemoryStore`](crate::dedup::MemoryStore)
//! take the time from, so that nothing reads the system clock behind the
//! caller's back.
//!
//! On `wasm32-unknown-unknown` (Cloudflare Workers) `SystemTime::now()` and
//! `Instant::now()` panic. Give the receiver a clock built on the host's
//! time (`Date.now()` in Workers) and it never touches them. On every other
//! target the default, [`SystemClock`], is what you want.

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

/// A source of wall time (for signed timestamps and replay windows) and of
/// monotonic time (for TTLs and latencies).
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use hooksig::Clock;
///
/// /// A clock fed by the host, e.g. `Date.now()` in a Worker.
/// #[derive(Debug)]
/// struct HostClock { millis: u64 }
///
/// impl Clock for HostClock {
///     fn now(&self) -> SystemTime {
///         UNIX_EPOCH + Duration::from_millis(self.millis)
///     }
///     fn monotonic(&self) -> Duration {
///         Duration::from_millis(self.millis)
///     }
/// }
/// # let _ = HostClock { millis: 0 }.now();
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// The wall-clock time, as replay windows compare it with signed
    /// timestamps.
    fn now(&self) -> SystemTime;

    /// Time elapsed since an arbitrary, fixed origin; never goes backwards.
    /// Used for TTLs and latencies only (differences between readings).
    fn monotonic(&self) -> Duration;
}

/// The operating system's clocks: `SystemTime::now()` and `Instant::now()`.
/// The default everywhere a clock can be injected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn monotonic(&self) -> Duration {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        let origin = *ORIGIN.get_or_init(Instant::now);
        Instant::now().saturating_duration_since(origin)
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }

    fn monotonic(&self) -> Duration {
        (**self).monotonic()
    }
}
