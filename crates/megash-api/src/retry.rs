//! Retries, in one place: [`is_retryable`] decides what is worth repeating, [`Backoff`]
//! decides when, and [`retry`] runs an operation under both. Everything that talks to MEGA
//! (API requests, upload pieces, download ranges) goes through here.
//!
//! The operation passed to [`retry`] must re-send the *same* request (same `id`, same body,
//! §1.3 of the protocol reference): the server de-duplicates on it.

use std::time::{Duration, Instant};

use rand::Rng;

use super::error::{Error, ErrorCode, NetworkKind, Result};

/// How hard to try. The defaults follow the SDK (first retry after ~100 ms, doubling,
/// 0–50 % jitter); tests shrink them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Delay before the first retry (before jitter).
    pub initial: Duration,
    /// Upper bound for any single delay.
    pub max_delay: Duration,
    /// Total attempts, including the first (so 1 = never retry).
    pub max_attempts: u32,
    /// Give up once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            initial: Duration::from_millis(100),
            max_delay: Duration::from_secs(60),
            max_attempts: 12,
            max_elapsed: Duration::from_secs(600),
        }
    }
}

impl RetryConfig {
    /// A fast configuration for tests: `attempts` tries, delays of a few milliseconds.
    pub fn fast(attempts: u32) -> Self {
        RetryConfig {
            initial: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            max_attempts: attempts,
            max_elapsed: Duration::from_secs(60),
        }
    }
}

/// Is this failure transient, so that re-sending the identical request may succeed?
///
/// Retried: request-level `-3` EAGAIN and `-4` ERATELIMIT, HTTP 5xx (except 509, the
/// transfer quota, which lasts minutes to hours) and 429, and broken, refused or timed-out
/// connections. Everything else fails at once.
pub fn is_retryable(e: &Error) -> bool {
    match e {
        Error::Mega(ErrorCode::EAgain | ErrorCode::ERateLimit) => true,
        Error::Http { status } => *status == 429 || (500..600).contains(status) && *status != 509,
        Error::Network { kind, .. } => matches!(
            kind,
            NetworkKind::Connect | NetworkKind::Timeout | NetworkKind::Broken
        ),
        _ => false,
    }
}

/// Waits from this long on are announced (see [`Backoff::next_delay_after`]).
pub const NOTICE_DELAY: Duration = Duration::from_secs(1);

/// Capped exponential backoff with jitter: `initial · 2ⁿ`, plus 0–50 % random extra,
/// never more than `max_delay`; `None` once the attempt or time budget is spent.
#[derive(Debug)]
pub struct Backoff {
    config: RetryConfig,
    /// Attempts made so far.
    attempts: u32,
    started: Instant,
}

impl Backoff {
    /// Start counting; the first attempt is about to be made.
    pub fn new(config: &RetryConfig) -> Self {
        Backoff {
            config: config.clone(),
            attempts: 1,
            started: Instant::now(),
        }
    }

    /// The delay before the next attempt, or `None` when no attempt is left.
    pub fn next_delay(&mut self) -> Option<Duration> {
        if self.attempts >= self.config.max_attempts {
            return None;
        }
        let exp = self.attempts.saturating_sub(1).min(31);
        let base = self
            .config
            .initial
            .saturating_mul(1u32 << exp)
            .min(self.config.max_delay);
        let jitter = rand::thread_rng().gen_range(0.0..0.5);
        let delay = base.mul_f64(1.0 + jitter).min(self.config.max_delay);
        if self.started.elapsed() + delay > self.config.max_elapsed {
            return None;
        }
        self.attempts += 1;
        Some(delay)
    }

    /// [`Backoff::next_delay`] after `err`, said through the `log` facade (warning level)
    /// when the wait is long enough for a person to wonder what is going on: from
    /// [`NOTICE_DELAY`] on, so quick retries stay silent and a server that is down does not
    /// look like a hang. The error's text never holds a URL or secret.
    pub fn next_delay_after(&mut self, err: &Error) -> Option<Duration> {
        let delay = self.next_delay()?;
        if delay >= NOTICE_DELAY {
            // Nothing listens there: most often a local server that moved to another port.
            let moved = if matches!(
                err,
                Error::Network {
                    kind: super::NetworkKind::Connect,
                    ..
                }
            ) {
                " (if the server moved, log out and log in at its new address; \
                 MEGASH_RETRIES=0 stops the waiting)"
            } else {
                ""
            };
            log::warn!(
                "{err}; trying again in {} s (attempt {} of {}){moved}",
                delay.as_secs_f64().round(),
                self.attempts,
                self.config.max_attempts
            );
        }
        Some(delay)
    }

    /// Attempts made so far (including the first).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// What is being retried, for the classifier: an API request, or a transfer piece (for
/// which `-14` means the storage server saw a damaged piece: it is sent again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retried {
    Request,
    Piece,
}

/// [`is_retryable`] for `what`.
pub fn is_retryable_as(e: &Error, what: Retried) -> bool {
    is_retryable(e) || what == Retried::Piece && matches!(e, Error::Mega(ErrorCode::EKey))
}

/// One failed attempt: the error, and whether the attempt moved data forward before it
/// failed (then the budget starts again: a flaky link that keeps moving finishes instead of
/// failing after N drops).
#[derive(Debug)]
pub struct Failed {
    pub error: Error,
    pub progressed: bool,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Failed {
        Failed {
            error,
            progressed: false,
        }
    }
}

/// The retry decision every request megash makes goes through (API requests, the streamed
/// tree fetch, download ranges, upload pieces): after a failed attempt, [`Retry::after`]
/// either waits and says "again" or hands back the error to give up with.
#[derive(Debug)]
pub struct Retry {
    config: RetryConfig,
    what: Retried,
    backoff: Backoff,
}

impl Retry {
    /// Before the first attempt.
    pub fn new(config: &RetryConfig, what: Retried) -> Retry {
        Retry {
            config: config.clone(),
            what,
            backoff: Backoff::new(config),
        }
    }

    /// After a failed attempt: `Ok(())` once it is time to try again, or the error when it
    /// is not worth repeating ([`is_retryable_as`]) or the budget is spent. Waits from
    /// [`NOTICE_DELAY`] on are announced.
    pub async fn after(&mut self, failed: impl Into<Failed>) -> Result<()> {
        let Failed { error, progressed } = failed.into();
        if !is_retryable_as(&error, self.what) {
            return Err(error);
        }
        if progressed {
            self.backoff = Backoff::new(&self.config);
        }
        match self.backoff.next_delay_after(&error) {
            Some(d) => {
                tokio::time::sleep(d).await;
                Ok(())
            }
            None => Err(error),
        }
    }
}

/// Run `attempt` under [`Retry`] until it succeeds or [`Retry::after`] gives up. (Tasks that
/// must be `Send` across a spawn write the same three-line loop around [`Retry::after`]:
/// async closures that borrow do not prove `Send` there yet.)
pub async fn retry<T>(
    config: &RetryConfig,
    what: Retried,
    mut attempt: impl AsyncFnMut() -> std::result::Result<T, Failed>,
) -> Result<T> {
    let mut r = Retry::new(config, what);
    loop {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(f) => r.after(f).await?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(kind: NetworkKind) -> Error {
        Error::Network {
            kind,
            message: "x".into(),
        }
    }

    #[test]
    fn classifier() {
        assert!(is_retryable(&Error::Mega(ErrorCode::EAgain)));
        assert!(is_retryable(&Error::Mega(ErrorCode::ERateLimit)));
        assert!(!is_retryable(&Error::Mega(ErrorCode::ENoent)));
        assert!(!is_retryable(&Error::Mega(ErrorCode::ESid)));
        assert!(!is_retryable(&Error::Mega(ErrorCode::ETooMany)));
        assert!(!is_retryable(&Error::Mega(ErrorCode::EBlocked)));
        for s in [500, 502, 503, 504, 429] {
            assert!(is_retryable(&Error::Http { status: s }), "{s}");
        }
        for s in [400, 402, 403, 404, 509] {
            assert!(!is_retryable(&Error::Http { status: s }), "{s}");
        }
        assert!(is_retryable(&net(NetworkKind::Broken)));
        assert!(is_retryable(&net(NetworkKind::Timeout)));
        assert!(is_retryable(&net(NetworkKind::Connect)));
        assert!(!is_retryable(&net(NetworkKind::Other)));
        assert!(!is_retryable(&Error::MacMismatch));
        assert!(!is_retryable(&Error::TransferQuota { seconds: 1 }));
        assert!(!is_retryable(&Error::MfaRequired));
        assert!(!is_retryable(&Error::bad("x")));
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter_and_cap() {
        let config = RetryConfig {
            initial: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_attempts: 10,
            max_elapsed: Duration::from_secs(3600),
        };
        let mut b = Backoff::new(&config);
        let mut delays = Vec::new();
        while let Some(d) = b.next_delay() {
            delays.push(d);
        }
        assert_eq!(delays.len(), 9, "10 attempts = 9 delays");
        for (i, d) in delays.iter().enumerate() {
            let base = Duration::from_millis(100 * (1u64 << i)).min(config.max_delay);
            assert!(*d >= base, "delay {i} {d:?} < base {base:?}");
            assert!(*d <= base.mul_f64(1.5), "delay {i} {d:?} too long");
            assert!(*d <= config.max_delay);
        }
        assert_eq!(*delays.last().unwrap(), config.max_delay);
        assert_eq!(b.attempts(), 10);
    }

    #[test]
    fn backoff_respects_time_budget() {
        let config = RetryConfig {
            initial: Duration::from_secs(10),
            max_delay: Duration::from_secs(10),
            max_attempts: 100,
            max_elapsed: Duration::from_secs(5),
        };
        assert_eq!(Backoff::new(&config).next_delay(), None);
    }

    #[test]
    fn one_attempt_means_no_retry() {
        assert_eq!(Backoff::new(&RetryConfig::fast(1)).next_delay(), None);
    }

    #[tokio::test]
    async fn retry_stops_on_fatal_and_after_budget() {
        let mut calls = 0;
        let r: Result<()> = retry(&RetryConfig::fast(4), Retried::Request, async || {
            calls += 1;
            Err(Error::Mega(ErrorCode::EAgain).into())
        })
        .await;
        assert!(matches!(r, Err(Error::Mega(ErrorCode::EAgain))));
        assert_eq!(calls, 4);

        let mut calls = 0;
        let r: Result<()> = retry(&RetryConfig::fast(4), Retried::Request, async || {
            calls += 1;
            Err(Error::Mega(ErrorCode::ENoent).into())
        })
        .await;
        assert!(matches!(r, Err(Error::Mega(ErrorCode::ENoent))));
        assert_eq!(calls, 1);

        let mut calls = 0;
        let r = retry(&RetryConfig::fast(4), Retried::Request, async || {
            calls += 1;
            if calls < 3 {
                Err(Error::Http { status: 500 }.into())
            } else {
                Ok(calls)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
    }

    #[tokio::test]
    async fn pieces_retry_a_damaged_piece_and_progress_restarts_the_budget() {
        let damaged = || Error::Mega(ErrorCode::EKey);
        let mut calls = 0;
        let r: Result<()> = retry(&RetryConfig::fast(3), Retried::Request, async || {
            calls += 1;
            Err(damaged().into())
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls, 1, "-14 is final for a request");
        let mut calls = 0;
        let r = retry(&RetryConfig::fast(3), Retried::Piece, async || {
            calls += 1;
            // Ten failures in a row, each after moving some bytes: never out of budget.
            if calls <= 10 {
                Err(Failed {
                    error: Error::Http { status: 503 },
                    progressed: true,
                })
            } else {
                Ok(calls)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 11);
        let mut calls = 0;
        let r: Result<()> = retry(&RetryConfig::fast(3), Retried::Piece, async || {
            calls += 1;
            Err(damaged().into())
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls, 3);
    }
}
