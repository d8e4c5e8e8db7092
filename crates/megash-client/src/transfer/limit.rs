//! Pacing of the data connections: a byte-rate limit shared by every connection that holds
//! the same [`Limiter`] (MEGAcmd's `speedlimit`), and a pause gate per transfer
//! (`transfers -p/-r`). Both wait on timers or notifications, never by spinning.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token bucket in bytes per second; 0 means unlimited. The bucket starts empty and may go
/// into debt: a caller takes what it is about to move and sleeps until the debt is paid, so
/// after moving N bytes at least N / rate seconds have passed (a firm lower bound).
#[derive(Debug, Default)]
pub struct Limiter {
    rate: AtomicU64,
    /// Balance in bytes (negative = debt) as of the instant.
    bucket: Mutex<Option<(f64, Instant)>>,
}

impl Limiter {
    /// A limiter at `bytes_per_second` (0 = unlimited).
    pub fn new(bytes_per_second: u64) -> Limiter {
        Limiter {
            rate: AtomicU64::new(bytes_per_second),
            bucket: Mutex::new(None),
        }
    }

    /// Change the rate; connections already waiting keep their computed wait.
    pub fn set_rate(&self, bytes_per_second: u64) {
        self.rate.store(bytes_per_second, Ordering::Relaxed);
    }

    pub fn rate(&self) -> u64 {
        self.rate.load(Ordering::Relaxed)
    }

    /// How long a caller about to move `bytes` must wait first.
    fn reserve(&self, bytes: u64, now: Instant) -> Duration {
        let rate = self.rate();
        let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        if rate == 0 {
            *b = None;
            return Duration::ZERO;
        }
        let rate = rate as f64;
        let (mut balance, then) = b.unwrap_or((0.0, now));
        // Idle time earns at most a quarter second of burst.
        balance =
            (balance + now.saturating_duration_since(then).as_secs_f64() * rate).min(rate / 4.0);
        balance -= bytes as f64;
        *b = Some((balance, now));
        if balance >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-balance / rate)
        }
    }

    /// Wait until `bytes` may be moved.
    pub async fn take(&self, bytes: u64) {
        let wait = self.reserve(bytes, Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// A transfer's pause switch: connections wait at the next piece while it is on.
#[derive(Debug)]
pub struct Pause {
    tx: tokio::sync::watch::Sender<bool>,
}

impl Default for Pause {
    fn default() -> Self {
        Pause {
            tx: tokio::sync::watch::channel(false).0,
        }
    }
}

impl Pause {
    pub fn set(&self, paused: bool) {
        self.tx.send_replace(paused);
    }

    pub fn is_paused(&self) -> bool {
        *self.tx.borrow()
    }

    /// Return once the transfer is not paused.
    pub async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so `wait_for` only ends when the flag clears.
        let _ = rx.wait_for(|p| !*p).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_starts_empty_and_charges_debt() {
        let l = Limiter::new(1000);
        let t0 = Instant::now();
        assert_eq!(l.reserve(500, t0), Duration::from_millis(500));
        // Another 500 right away waits for both.
        assert_eq!(l.reserve(500, t0), Duration::from_secs(1));
        // A second later half the debt is paid.
        let w = l.reserve(0, t0 + Duration::from_secs(1));
        assert_eq!(w, Duration::from_secs(0));
        let w = l.reserve(0, t0 + Duration::from_millis(500));
        assert!(w <= Duration::from_millis(500), "{w:?}");
    }

    #[test]
    fn idle_time_earns_little_burst() {
        let l = Limiter::new(1000);
        let t0 = Instant::now();
        l.reserve(0, t0);
        // Ten idle seconds earn a quarter second, not ten.
        let w = l.reserve(1250, t0 + Duration::from_secs(10));
        assert_eq!(w, Duration::from_secs(1));
    }

    #[test]
    fn zero_is_unlimited() {
        let l = Limiter::new(0);
        assert_eq!(l.reserve(1 << 30, Instant::now()), Duration::ZERO);
    }

    #[tokio::test]
    async fn pause_blocks_until_resumed() {
        let p = std::sync::Arc::new(Pause::default());
        p.wait().await;
        p.set(true);
        let p2 = p.clone();
        let waiter = tokio::spawn(async move { p2.wait().await });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        p.set(false);
        tokio::time::timeout(Duration::from_secs(10), waiter)
            .await
            .expect("resumed")
            .expect("joined");
    }
}
