//! The engine: the loop that keeps every enabled sync of a state directory in step, in
//! whatever process runs it (`megash serve` in the foreground, or the open shell). Nothing
//! needs it to be running: the configuration lives in the sync database and any engine
//! started later picks it up.
//!
//! One engine per state directory, by an advisory lock on `engine.lock` (mode 0600) holding
//! the owner's PID. The kernel drops the lock with the process, so a killed engine never
//! blocks the next one.
//!
//! Local changes arrive by inotify (the `notify` crate), with a periodic rescan as the safety
//! net (and as the only method when inotify refuses, e.g. at the watch limit); cloud changes by
//! polling `sc`; configuration changes by polling the database's change counter.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::pass::{Event, Outcome, Pass};
use super::store::{Store, SyncConfig};
use super::{Result, SyncError};
use crate::account::Account;
use crate::cache::CatchUp;
use crate::transfer::Engine;

/// The lock file's name in the state directory.
pub const LOCK_FILE: &str = "engine.lock";

/// The engine lock, held while the value lives.
#[derive(Debug)]
pub struct EngineLock {
    _file: File,
}

fn open_lock(dir: &Path) -> std::io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(dir.join(LOCK_FILE))
}

fn holder(file: &mut File) -> String {
    let mut s = String::new();
    let _ = file.rewind();
    let _ = file.read_to_string(&mut s);
    let pid = s.trim();
    if pid.is_empty() {
        "unknown".into()
    } else {
        pid.to_string()
    }
}

impl EngineLock {
    /// Take the lock of state directory `dir`, or say which process has it. A one-shot
    /// command probing the lock at the same moment holds it for microseconds: retried for
    /// a second before giving up.
    pub fn acquire(dir: &Path) -> Result<EngineLock> {
        let io = |e| SyncError::Io {
            what: "lock",
            path: dir.join(LOCK_FILE),
            source: e,
        };
        let mut file = open_lock(dir).map_err(io)?;
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(SyncError::Locked {
                        pid: holder(&mut file),
                    })
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(EngineLock { _file: file })
    }
}

/// The PID of the engine running for state directory `dir`, if one is.
pub fn running_engine(dir: &Path) -> Option<String> {
    let mut file = open_lock(dir).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(std::fs::TryLockError::WouldBlock) => Some(holder(&mut file)),
        Err(std::fs::TryLockError::Error(_)) => None,
    }
}

/// How the engine paces itself.
#[derive(Clone, Debug)]
pub struct Options {
    /// Between two `sc` polls for cloud changes.
    pub poll: Duration,
    /// Between two full rescans (the safety net under inotify).
    pub rescan: Duration,
    /// Between rescans of a sync inotify refused to watch.
    pub rescan_unwatched: Duration,
    /// A local file modified more recently than this is still being written.
    pub settle: Duration,
    /// Quiet time after a local event before a pass starts (a burst becomes one pass).
    pub debounce: Duration,
    /// Where interrupted uploads keep their journals.
    pub journals: Option<PathBuf>,
}

fn env_ms(name: &str, default: u64) -> Duration {
    Duration::from_millis(
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

impl Options {
    /// The defaults, each adjustable by an environment variable (documented in docs/sync.md).
    pub fn from_env(journals: Option<PathBuf>) -> Options {
        Options {
            poll: env_ms("MEGASH_SYNC_POLL_MS", 1000),
            rescan: env_ms("MEGASH_SYNC_RESCAN_MS", 300_000),
            rescan_unwatched: env_ms("MEGASH_SYNC_RESCAN_UNWATCHED_MS", 10_000),
            settle: env_ms("MEGASH_SYNC_SETTLE_MS", 1000),
            debounce: env_ms("MEGASH_SYNC_DEBOUNCE_MS", 200),
            journals,
        }
    }
}

/// Run passes of `syncs` (with `engines` for uploads and downloads) until a pass has nothing left to do (at most `max_passes`);
/// the last outcome of each. For `sync --once`.
#[allow(clippy::too_many_arguments)]
pub async fn once(
    account: &mut Account,
    engines: (&Engine, &Engine),
    store: &Store,
    syncs: &[SyncConfig],
    opts: &Options,
    stop: Arc<AtomicBool>,
    log: &mut dyn FnMut(Event),
    max_passes: usize,
) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    for sync in syncs {
        let mut last = Outcome::default();
        for i in 0..max_passes {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let mut pass = Pass::new(account, engines, store, opts, stop.clone(), log);
            last = pass.run(sync).await?;
            if last.actions == 0 && last.errors == 0 {
                if last.deferred == 0 || i + 1 == max_passes {
                    break;
                }
                // Files still being written: wait for them to settle, then look again.
                tokio::time::sleep(opts.settle.max(Duration::from_millis(200))).await;
            }
        }
        outcomes.push(last);
    }
    Ok(outcomes)
}

/// A sync the engine runs, with its watcher.
struct Running {
    config: SyncConfig,
    _watcher: Option<notify::RecommendedWatcher>,
    /// When a pass is due (`None`: nothing new).
    due: Option<Instant>,
    last_pass: Instant,
    /// How long the last pass took.
    last_took: Duration,
    /// The wait after a pass that only found files still being written.
    backoff: Duration,
}

/// Passes of one sync start at least this far apart, and at least as far as the last one
/// took: a folder written to without pause costs the engine half its time at most, however
/// large the tree.
const MIN_GAP: Duration = Duration::from_millis(200);

impl Running {
    /// The wait before looking again at a sync whose pass only found files still being
    /// written: doubled each time from `start`, up to a minute.
    fn back_off(&mut self, start: Duration) -> Duration {
        self.backoff = (self.backoff * 2)
            .max(start)
            .max(MIN_GAP)
            .min(Duration::from_secs(60));
        self.backoff
    }
}

fn watch(
    config: &SyncConfig,
    tx: std::sync::mpsc::Sender<String>,
) -> notify::Result<notify::RecommendedWatcher> {
    use notify::Watcher;
    let id = config.id.clone();
    let debris = config.local.join(super::scan::LOCAL_DEBRIS);
    let mut w = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let relevant = match &ev {
            // Reads are not changes: a pass reading a file (its fingerprint) must not set off
            // the next pass.
            Ok(ev) if matches!(ev.kind, notify::EventKind::Access(_)) => false,
            Ok(ev) => ev.paths.iter().any(|p| {
                !p.starts_with(&debris)
                    && !p
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(super::scan::is_transient)
            }),
            // An overflow or error: look at everything.
            Err(_) => true,
        };
        if relevant {
            let _ = tx.send(id.clone());
        }
    })?;
    w.watch(&config.local, notify::RecursiveMode::Recursive)?;
    Ok(w)
}

/// A pass holds both sides of its sync in memory; between passes the engine holds nothing
/// per file (the state is in SQLite), and glibc is told to return the freed pages, which it
/// otherwise keeps at the pass's peak.
fn give_back_memory() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only releases free memory of the allocator; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Keep every enabled sync of the logged-in account in step until `stop` is set.
pub async fn run(
    account: &mut Account,
    engines: (&Engine, &Engine),
    store: &Store,
    opts: &Options,
    stop: Arc<AtomicBool>,
    log: &mut dyn FnMut(Event),
) -> Result<()> {
    let user = account.saved.session.user_handle.clone();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let mut running: HashMap<String, Running> = HashMap::new();
    let mut version = i64::MIN;
    let mut last_poll = Instant::now();
    let tick = Duration::from_millis(100);
    let session_file = account.state_dir().session_file();
    super::backup::mark_miscarried(store)?;
    let mut last_backup_check = Instant::now() - Duration::from_secs(1);
    while !stop.load(Ordering::Relaxed) {
        // Logged out (by another command): this account's work is over.
        if !session_file.exists() {
            return Ok(());
        }
        let now = Instant::now();
        let v = store.config_version()?;
        if v != version {
            version = v;
            let wanted: Vec<SyncConfig> = store
                .syncs()?
                .into_iter()
                .filter(|s| s.enabled && s.user == user)
                .collect();
            running.retain(|id, r| {
                wanted
                    .iter()
                    .any(|w| &w.id == id && w.local == r.config.local)
            });
            for w in wanted {
                if let Some(r) = running.get_mut(&w.id) {
                    // Filters or limits changed: look again with them.
                    r.config = w;
                    r.due = Some(now);
                    continue;
                }
                let watcher = watch(&w, tx.clone());
                let mut status = store.status(&w.id)?;
                status.polling = watcher.is_err();
                store.set_status(&w.id, &status)?;
                if let Err(e) = &watcher {
                    log(Event {
                        sync: w.id.clone(),
                        action: "polling",
                        path: String::new(),
                        detail: format!("inotify refused ({e}); rescanning instead"),
                    });
                }
                running.insert(
                    w.id.clone(),
                    Running {
                        config: w,
                        _watcher: watcher.ok(),
                        due: Some(now),
                        last_pass: now - MIN_GAP,
                        last_took: Duration::ZERO,
                        backoff: Duration::ZERO,
                    },
                );
            }
        }
        while let Ok(id) = rx.try_recv() {
            if let Some(r) = running.get_mut(&id) {
                // A pass already due keeps its time: a file written to without pause must
                // not put every pass off.
                let at = Instant::now() + opts.debounce;
                r.due = Some(r.due.map_or(at, |d| d.min(at)));
            }
        }
        if !running.is_empty() && now.duration_since(last_poll) >= opts.poll {
            last_poll = now;
            match account.refresh().await {
                Ok(CatchUp::UpToDate) | Ok(CatchUp::Applied { packets: 0 }) => {}
                Ok(_) => {
                    for r in running.values_mut() {
                        r.due = Some(r.due.map_or(now, |d| d.min(now)));
                    }
                }
                Err(e) => log(Event {
                    sync: String::new(),
                    action: "error",
                    path: String::new(),
                    detail: format!("checking the cloud for changes: {e}"),
                }),
            }
        }
        for r in running.values_mut() {
            let every = if r._watcher.is_some() {
                opts.rescan
            } else {
                opts.rescan_unwatched
            };
            if r.due.is_none() && now.duration_since(r.last_pass) >= every {
                r.due = Some(now);
            }
        }
        if now.duration_since(last_backup_check) >= Duration::from_secs(1) {
            last_backup_check = now;
            let clock = chrono::Utc::now().timestamp();
            for b in super::backup::due(store, &user, clock)? {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let period = super::backup::parse_period(&b.period);
                if let Err(e) = super::backup::run(account, engines.0, store, &b, &stop, log).await
                {
                    log(Event {
                        sync: format!("backup {}", b.tag),
                        action: "error",
                        path: String::new(),
                        detail: e.to_string(),
                    });
                }
                let after = chrono::Utc::now().timestamp();
                let next = period.map_or(after + 86_400, |p| p.next_after(after));
                store.set_backup_next(b.tag, next)?;
            }
        }
        let ready: Vec<String> = running
            .iter()
            .filter(|(_, r)| {
                r.due.is_some_and(|d| d <= now)
                    && now.duration_since(r.last_pass) >= MIN_GAP.max(r.last_took * 2)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in ready {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let Some(r) = running.get_mut(&id) else {
                continue;
            };
            r.due = None;
            r.last_pass = Instant::now();
            let config = r.config.clone();
            let mut pass = Pass::new(account, engines, store, opts, stop.clone(), log);
            let outcome = pass.run(&config).await;
            give_back_memory();
            let Some(r) = running.get_mut(&id) else {
                continue;
            };
            r.last_took = r.last_pass.elapsed();
            let again = match outcome {
                Ok(o) if o.errors > 0 => Some(Duration::from_secs(5)),
                Ok(o) if o.actions > 0 => {
                    r.backoff = Duration::ZERO;
                    Some(Duration::ZERO)
                }
                // Only waiting (a file being written, one with an mtime in the future): look
                // again later and later, up to a minute, rather than every second forever.
                Ok(o) if o.deferred > 0 => Some(r.back_off(opts.settle)),
                Ok(_) => {
                    r.backoff = Duration::ZERO;
                    None
                }
                Err(e) => {
                    log(Event {
                        sync: config.id.clone(),
                        action: "error",
                        path: String::new(),
                        detail: e.to_string(),
                    });
                    Some(Duration::from_secs(5))
                }
            };
            if let Some(after) = again {
                let at = Instant::now() + after;
                r.due = Some(r.due.map_or(at, |d| d.min(at)));
            }
        }
        tokio::time::sleep(tick).await;
    }
    Ok(())
}
