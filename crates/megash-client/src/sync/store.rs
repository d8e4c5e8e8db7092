//! The sync database (`sync.db` in the state directory, mode 0600): the configured syncs, the
//! last synced state of every path of each (what both sides agreed on after the last action
//! that touched it), the stalled paths (`sync-issues`) and what the engine last reported.
//!
//! Any process may change the configuration (a one-shot `sync -p`); each change bumps
//! `meta.config_version`, which a running engine polls (one indexed read) to apply it within
//! a second. No socket: nothing is left behind by a killed engine.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use super::{Result, SyncError};

/// 1 had no backup, busy, deletions or transfer tables, 2 no busy or deletions table, 3 no
/// deletions table; every statement below is `IF NOT EXISTS`, so opening an older file adds
/// what it lacks.
const SCHEMA_VERSION: i64 = 4;

/// Which way a sync moves changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Both ways (MEGAcmd's `sync`).
    TwoWay,
    /// The cloud follows the local folder (`sync --up`).
    Up,
    /// The local folder follows the cloud (`sync --down`).
    Down,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::TwoWay => "two-way",
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }

    fn parse(s: &str) -> Direction {
        match s {
            "up" => Direction::Up,
            "down" => Direction::Down,
            _ => Direction::TwoWay,
        }
    }

    /// Whether local changes go to the cloud.
    pub fn uploads(self) -> bool {
        self != Direction::Down
    }

    /// Whether cloud changes come to the local folder.
    pub fn downloads(self) -> bool {
        self != Direction::Up
    }
}

/// One configured sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncConfig {
    /// MEGAcmd-style ID (an 11-character b64 handle).
    pub id: String,
    /// The account's user handle (syncs of another login stay dormant).
    pub user: String,
    /// Absolute local folder.
    pub local: PathBuf,
    /// The remote folder's handle (b64): the sync follows it through renames and moves.
    pub remote: String,
    /// The remote path when the sync was added (shown if the folder is gone).
    pub remote_path: String,
    pub direction: Direction,
    /// Paused syncs keep their state but run no passes.
    pub enabled: bool,
    /// A pass deleting more than this percentage of the synced files stalls instead.
    pub max_delete: u32,
}

/// The state both sides agreed on for one path after the last action on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Synced {
    pub dir: bool,
    pub size: u64,
    /// Local mtime in nanoseconds.
    pub mtime: i64,
    pub ino: u64,
    pub dev: u64,
    /// Remote handle (b64).
    pub handle: String,
    /// Remote fingerprint (`c`), empty for folders.
    pub fp: String,
}

/// A stalled path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub sync: String,
    /// Path relative to the sync root (empty: the whole sync).
    pub path: String,
    /// Short reason (one line).
    pub reason: String,
    /// What the user can do.
    pub advice: String,
    /// Unix seconds when first seen.
    pub since: i64,
}

impl Issue {
    /// A short ID that stays the same while the path stays stalled (`sync-issues --detail`).
    pub fn id(&self) -> String {
        use sha2::Digest;
        let d = sha2::Sha256::digest(format!("{}\0{}", self.sync, self.path).as_bytes());
        // Hex: a b64 ID could start with `-` and read as a flag.
        d[..5].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A new sync's ID: 8 random bytes in MEGA's b64, as MEGAcmd's backup IDs look.
pub fn new_id() -> String {
    // Never starting with `-`: `sync -d -abc` would read the ID as flags.
    loop {
        let bytes: [u8; 8] = rand::random();
        let id = crate::crypto::b64::encode(&bytes);
        if id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return id;
        }
    }
}

/// One configured backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupConfig {
    /// MEGAcmd's TAG.
    pub tag: i64,
    pub user: String,
    pub local: PathBuf,
    /// The remote parent folder's handle (b64).
    pub remote: String,
    pub remote_path: String,
    /// As given: a time (`1d`, `12h30M`) or a 6-field cron expression.
    pub period: String,
    /// Copies kept.
    pub num: u32,
    /// The next run, Unix seconds.
    pub next: i64,
    /// Asked to stop (`backup -a`).
    pub abort: bool,
}

/// One copy a backup made (`NAME_bk_TIME`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRun {
    pub tag: i64,
    pub name: String,
    /// The copy's folder (b64 handle).
    pub handle: String,
    /// Unix seconds.
    pub started: i64,
    /// `ONGOING`, `COMPLETE`, `INCOMPLETE`, `ABORTED`, `MISCARRIED` (MEGAcmd's words).
    pub status: String,
    pub files: u64,
    pub folders: u64,
    /// Files uploaded, and files copied in the cloud from the previous copy.
    pub uploaded: u64,
    pub copied: u64,
}

/// What the engine last said about a sync (for `sync`'s listing).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// `Synced`, `Pending`, `Syncing`, `Stalled`.
    pub status: String,
    /// One line, empty when none.
    pub error: String,
    pub size: u64,
    pub files: u64,
    pub dirs: u64,
    /// Local changes are seen by periodic rescans only (inotify refused).
    pub polling: bool,
}

/// The sync database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn db(path: &Path) -> impl Fn(rusqlite::Error) -> SyncError + '_ {
    move |e| SyncError::Db {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl Store {
    /// Open (creating if needed) `sync.db` in state directory `dir`.
    pub fn open(dir: &Path) -> Result<Store> {
        let path = dir.join("sync.db");
        crate::cache::create_private_file(&path).map_err(|e| SyncError::Io {
            what: "create",
            path: path.clone(),
            source: e,
        })?;
        let err = db(&path);
        let conn = Connection::open(&path).map_err(&err)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(&err)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&err)?;
        if version != SCHEMA_VERSION {
            if version > SCHEMA_VERSION {
                return Err(SyncError::Db {
                    path: path.clone(),
                    message: format!(
                        "schema {version} is not one this megash knows ({SCHEMA_VERSION})"
                    ),
                });
            }
            conn.execute_batch(
                "PRAGMA journal_mode=WAL;
                 BEGIN;
                 CREATE TABLE IF NOT EXISTS syncs(id TEXT PRIMARY KEY, user TEXT NOT NULL,
                   local TEXT NOT NULL, remote TEXT NOT NULL, remote_path TEXT NOT NULL,
                   direction TEXT NOT NULL, enabled INTEGER NOT NULL, max_delete INTEGER NOT NULL,
                   created INTEGER NOT NULL);
                 CREATE TABLE IF NOT EXISTS synced(sync TEXT NOT NULL, path TEXT NOT NULL,
                   dir INTEGER NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
                   ino INTEGER NOT NULL, dev INTEGER NOT NULL, handle TEXT NOT NULL,
                   fp TEXT NOT NULL, PRIMARY KEY(sync, path)) WITHOUT ROWID;
                 CREATE TABLE IF NOT EXISTS issues(sync TEXT NOT NULL, path TEXT NOT NULL,
                   reason TEXT NOT NULL, advice TEXT NOT NULL, since INTEGER NOT NULL,
                   PRIMARY KEY(sync, path)) WITHOUT ROWID;
                 CREATE TABLE IF NOT EXISTS status(sync TEXT PRIMARY KEY, status TEXT NOT NULL,
                   error TEXT NOT NULL, size INTEGER NOT NULL, files INTEGER NOT NULL,
                   dirs INTEGER NOT NULL, polling INTEGER NOT NULL);
                 CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS backups(tag INTEGER PRIMARY KEY AUTOINCREMENT,
                   user TEXT NOT NULL, local TEXT NOT NULL, remote TEXT NOT NULL,
                   remote_path TEXT NOT NULL, period TEXT NOT NULL, num INTEGER NOT NULL,
                   next INTEGER NOT NULL, abort INTEGER NOT NULL DEFAULT 0);
                 CREATE TABLE IF NOT EXISTS backup_runs(tag INTEGER NOT NULL, name TEXT NOT NULL,
                   handle TEXT NOT NULL, started INTEGER NOT NULL, status TEXT NOT NULL,
                   files INTEGER NOT NULL, folders INTEGER NOT NULL, uploaded INTEGER NOT NULL,
                   copied INTEGER NOT NULL, PRIMARY KEY(tag, name)) WITHOUT ROWID;
                 CREATE TABLE IF NOT EXISTS busy(sync TEXT NOT NULL, path TEXT NOT NULL,
                   since INTEGER NOT NULL, PRIMARY KEY(sync, path)) WITHOUT ROWID;
                 CREATE TABLE IF NOT EXISTS deletions(sync TEXT NOT NULL, at INTEGER NOT NULL,
                   files INTEGER NOT NULL);
                 CREATE TABLE IF NOT EXISTS transfers(sync TEXT NOT NULL, path TEXT NOT NULL,
                   upload INTEGER NOT NULL, size INTEGER NOT NULL, started INTEGER NOT NULL,
                   PRIMARY KEY(sync, path)) WITHOUT ROWID;
                 PRAGMA user_version=4;
                 COMMIT;",
            )
            .map_err(&err)?;
        }
        // Durable enough: a synced row lost to a power cut only makes the next pass compare
        // that path again (it never drives a deletion: both sides must agree for that).
        conn.execute_batch("PRAGMA synchronous=NORMAL")
            .map_err(&err)?;
        drop(err);
        Ok(Store { conn, path })
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> SyncError + '_ {
        db(&self.path)
    }

    /// Every configured sync, oldest first.
    pub fn syncs(&self) -> Result<Vec<SyncConfig>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT id, user, local, remote, remote_path, direction, enabled, max_delete \
                 FROM syncs ORDER BY created, id",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map([], |r| {
                Ok(SyncConfig {
                    id: r.get(0)?,
                    user: r.get(1)?,
                    local: PathBuf::from(r.get::<_, String>(2)?),
                    remote: r.get(3)?,
                    remote_path: r.get(4)?,
                    direction: Direction::parse(&r.get::<_, String>(5)?),
                    enabled: r.get::<_, i64>(6)? != 0,
                    max_delete: r.get::<_, i64>(7)?.clamp(0, 100) as u32,
                })
            })
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// Add a sync; its ID is returned in it.
    pub fn add(&self, config: &SyncConfig) -> Result<()> {
        let created = crate::session::now_ms() as i64;
        self.conn
            .execute(
                "INSERT INTO syncs(id, user, local, remote, remote_path, direction, enabled, \
                 max_delete, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    config.id,
                    config.user,
                    config.local.to_string_lossy(),
                    config.remote,
                    config.remote_path,
                    config.direction.as_str(),
                    config.enabled,
                    config.max_delete,
                    created
                ],
            )
            .map_err(self.err())?;
        self.bump()
    }

    /// Pause or enable a sync.
    pub fn set_enabled(&self, id: &str, enabled: bool) -> Result<()> {
        self.conn
            .execute(
                "UPDATE syncs SET enabled=?2 WHERE id=?1",
                params![id, enabled],
            )
            .map_err(self.err())?;
        self.bump()
    }

    /// Change a sync's deletion limit.
    pub fn set_max_delete(&self, id: &str, percent: u32) -> Result<()> {
        self.conn
            .execute(
                "UPDATE syncs SET max_delete=?2 WHERE id=?1",
                params![id, percent],
            )
            .map_err(self.err())?;
        self.bump()
    }

    /// Forget a sync and everything recorded for it (both sides' files stay as they are).
    pub fn remove(&self, id: &str) -> Result<()> {
        let tx = self.conn.unchecked_transaction().map_err(self.err())?;
        for table in [
            "syncs WHERE id",
            "synced WHERE sync",
            "issues WHERE sync",
            "busy WHERE sync",
            "deletions WHERE sync",
            "transfers WHERE sync",
        ] {
            tx.execute(&format!("DELETE FROM {table}=?1"), params![id])
                .map_err(self.err())?;
        }
        tx.execute("DELETE FROM status WHERE sync=?1", params![id])
            .map_err(self.err())?;
        tx.commit().map_err(self.err())?;
        self.bump()
    }

    /// Forget every sync and backup of the account `user` (logout).
    pub fn remove_user(&self, user: &str) -> Result<()> {
        for s in self.syncs()? {
            if s.user == user {
                self.remove(&s.id)?;
            }
        }
        for b in self.backups()? {
            if b.user == user {
                self.remove_backup(b.tag)?;
            }
        }
        Ok(())
    }

    /// The configuration's change counter.
    pub fn config_version(&self) -> Result<i64> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key='config_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Ask running engines to look again (a configuration or filter change).
    pub fn bump(&self) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta(key, value) VALUES ('config_version', '1') \
                 ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
                [],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// The synced state of every path of sync `id`.
    pub fn synced(&self, id: &str) -> Result<BTreeMap<String, Synced>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT path, dir, size, mtime, ino, dev, handle, fp FROM synced WHERE sync=?1",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map(params![id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Synced {
                        dir: r.get::<_, i64>(1)? != 0,
                        size: r.get::<_, i64>(2)? as u64,
                        mtime: r.get(3)?,
                        ino: r.get::<_, i64>(4)? as u64,
                        dev: r.get::<_, i64>(5)? as u64,
                        handle: r.get(6)?,
                        fp: r.get(7)?,
                    },
                ))
            })
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// Record that both sides agree on `path`.
    pub fn record(&self, id: &str, path: &str, s: &Synced) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO synced(sync, path, dir, size, mtime, ino, dev, handle, fp) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    id,
                    path,
                    s.dir,
                    s.size as i64,
                    s.mtime,
                    s.ino as i64,
                    s.dev as i64,
                    s.handle,
                    s.fp
                ])
            })
            .map_err(self.err())?;
        Ok(())
    }

    /// Forget `path` and everything below it.
    pub fn forget(&self, id: &str, path: &str) -> Result<()> {
        // Below `p` is the range `p/` (inclusive) to `p0` (exclusive): `0` follows `/`, and
        // byte ranges hold for any name (substr would count characters, not bytes).
        self.conn
            .execute(
                "DELETE FROM synced WHERE sync=?1 AND (path=?2 OR (path>=?3 AND path<?4))",
                params![id, path, format!("{path}/"), format!("{path}0")],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// `from` (and everything below it) is now called `to`.
    pub fn rename(&self, id: &str, from: &str, to: &str) -> Result<()> {
        let tx = self.conn.unchecked_transaction().map_err(self.err())?;
        // Whatever was recorded at the destination is stale: the moved entry replaces it.
        tx.execute(
            "DELETE FROM synced WHERE sync=?1 AND (path=?2 OR (path>=?3 AND path<?4))",
            params![id, to, format!("{to}/"), format!("{to}0")],
        )
        .map_err(self.err())?;
        // length() and substr() both count characters: the suffix after `from` is kept.
        tx.execute(
            "UPDATE synced SET path = ?3 || substr(path, length(?2) + 1) \
             WHERE sync=?1 AND (path=?2 OR (path>=?4 AND path<?5))",
            params![id, from, to, format!("{from}/"), format!("{from}0")],
        )
        .map_err(self.err())?;
        tx.commit().map_err(self.err())?;
        Ok(())
    }

    /// Replace the stalled paths of sync `id` with `issues` (keeping when each was first seen).
    pub fn set_issues(&self, id: &str, issues: &[Issue]) -> Result<()> {
        let old: HashMap<String, i64> = self
            .issues(Some(id))?
            .into_iter()
            .map(|i| (i.path, i.since))
            .collect();
        let tx = self.conn.unchecked_transaction().map_err(self.err())?;
        tx.execute("DELETE FROM issues WHERE sync=?1", params![id])
            .map_err(self.err())?;
        for i in issues {
            let since = old.get(&i.path).copied().unwrap_or(i.since);
            tx.execute(
                "INSERT OR REPLACE INTO issues(sync, path, reason, advice, since) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, i.path, i.reason, i.advice, since],
            )
            .map_err(self.err())?;
        }
        tx.commit().map_err(self.err())?;
        Ok(())
    }

    /// The stalled paths of sync `id` (or of every sync).
    pub fn issues(&self, id: Option<&str>) -> Result<Vec<Issue>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT sync, path, reason, advice, since FROM issues \
                 WHERE ?1 IS NULL OR sync=?1 ORDER BY sync, path",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map(params![id], |r| {
                Ok(Issue {
                    sync: r.get(0)?,
                    path: r.get(1)?,
                    reason: r.get(2)?,
                    advice: r.get(3)?,
                    since: r.get(4)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// Record what the last pass found.
    pub fn set_status(&self, id: &str, s: &Status) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO status(sync, status, error, size, files, dirs, polling) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id,
                    s.status,
                    s.error,
                    s.size as i64,
                    s.files as i64,
                    s.dirs as i64,
                    s.polling
                ],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// What the last pass found (default: nothing yet).
    pub fn status(&self, id: &str) -> Result<Status> {
        Ok(self
            .conn
            .query_row(
                "SELECT status, error, size, files, dirs, polling FROM status WHERE sync=?1",
                params![id],
                |r| {
                    Ok(Status {
                        status: r.get(0)?,
                        error: r.get(1)?,
                        size: r.get::<_, i64>(2)? as u64,
                        files: r.get::<_, i64>(3)? as u64,
                        dirs: r.get::<_, i64>(4)? as u64,
                        polling: r.get::<_, i64>(5)? != 0,
                    })
                },
            )
            .optional()
            .map_err(self.err())?
            .unwrap_or_default())
    }

    /// Transfers of sync `id` under way (for `transfers --show-syncs`).
    pub fn transfers_started(&self, id: &str, files: &[(&str, bool, u64)]) -> Result<()> {
        let now = crate::session::now_ms() as i64 / 1000;
        self.batch(|st| {
            for (path, upload, size) in files {
                st.conn
                    .prepare_cached(
                        "INSERT OR REPLACE INTO transfers(sync, path, upload, size, started) \
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )
                    .and_then(|mut q| q.execute(params![id, path, upload, *size as i64, now]))
                    .map_err(st.err())?;
            }
            Ok(())
        })
    }

    /// Transfers of sync `id` over (`None`: all of them, as when a pass starts).
    pub fn transfers_done(&self, id: &str, paths: Option<&[&str]>) -> Result<()> {
        match paths {
            None => {
                self.conn
                    .execute("DELETE FROM transfers WHERE sync=?1", params![id])
                    .map_err(self.err())?;
            }
            Some(paths) => self.batch(|st| {
                for p in paths {
                    st.conn
                        .execute(
                            "DELETE FROM transfers WHERE sync=?1 AND path=?2",
                            params![id, p],
                        )
                        .map_err(st.err())?;
                }
                Ok(())
            })?,
        }
        Ok(())
    }

    /// Every transfer under way: (sync, path, upload, size).
    pub fn transfers(&self) -> Result<Vec<(String, String, bool, u64)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT sync, path, upload, size FROM transfers ORDER BY started, path")
            .map_err(self.err())?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, i64>(2)? != 0,
                    r.get::<_, i64>(3)? as u64,
                ))
            })
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// The files of sync `id` still being written, with when each was first seen so (older
    /// entries no longer busy are dropped).
    pub fn set_busy(&self, id: &str, paths: &[String]) -> Result<Vec<(String, i64)>> {
        let now = crate::session::now_ms() as i64 / 1000;
        self.batch(|st| {
            let old: HashMap<String, i64> = {
                let mut q = st
                    .conn
                    .prepare_cached("SELECT path, since FROM busy WHERE sync=?1")
                    .map_err(st.err())?;
                let rows = q
                    .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(st.err())?;
                rows.collect::<std::result::Result<_, _>>()
                    .map_err(st.err())?
            };
            st.conn
                .execute("DELETE FROM busy WHERE sync=?1", params![id])
                .map_err(st.err())?;
            let mut out = Vec::new();
            for p in paths {
                let since = old.get(p).copied().unwrap_or(now);
                st.conn
                    .execute(
                        "INSERT INTO busy(sync, path, since) VALUES (?1, ?2, ?3)",
                        params![id, p, since],
                    )
                    .map_err(st.err())?;
                out.push((p.clone(), since));
            }
            Ok(out)
        })
    }

    /// Record that a pass of sync `id` deleted `files` files (they went to a debris folder).
    pub fn record_deletions(&self, id: &str, files: usize) -> Result<()> {
        let now = crate::session::now_ms() as i64 / 1000;
        self.conn
            .execute(
                "INSERT INTO deletions(sync, at, files) VALUES (?1, ?2, ?3)",
                params![id, now, files as i64],
            )
            .map_err(self.err())?;
        self.conn
            .execute("DELETE FROM deletions WHERE at < ?1", params![now - 86_400])
            .map_err(self.err())?;
        Ok(())
    }

    /// Files sync `id` deleted since `since` (Unix seconds).
    pub fn recent_deletions(&self, id: &str, since: i64) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(files), 0) FROM deletions WHERE sync=?1 AND at>=?2",
                params![id, since],
                |r| r.get(0),
            )
            .map_err(self.err())?;
        Ok(n.max(0) as usize)
    }

    /// Every configured backup, by tag.
    pub fn backups(&self) -> Result<Vec<BackupConfig>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT tag, user, local, remote, remote_path, period, num, next, abort \
                 FROM backups ORDER BY tag",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map([], |r| {
                Ok(BackupConfig {
                    tag: r.get(0)?,
                    user: r.get(1)?,
                    local: PathBuf::from(r.get::<_, String>(2)?),
                    remote: r.get(3)?,
                    remote_path: r.get(4)?,
                    period: r.get(5)?,
                    num: r.get::<_, i64>(6)?.max(1) as u32,
                    next: r.get(7)?,
                    abort: r.get::<_, i64>(8)? != 0,
                })
            })
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// Add a backup; returns its tag.
    pub fn add_backup(&self, b: &BackupConfig) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO backups(user, local, remote, remote_path, period, num, next) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    b.user,
                    b.local.to_string_lossy(),
                    b.remote,
                    b.remote_path,
                    b.period,
                    b.num,
                    b.next
                ],
            )
            .map_err(self.err())?;
        let tag = self.conn.last_insert_rowid();
        self.bump()?;
        Ok(tag)
    }

    /// Forget a backup and its history (the copies in the cloud stay).
    pub fn remove_backup(&self, tag: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM backups WHERE tag=?1", params![tag])
            .map_err(self.err())?;
        self.conn
            .execute("DELETE FROM backup_runs WHERE tag=?1", params![tag])
            .map_err(self.err())?;
        self.bump()
    }

    /// When backup `tag` runs next (Unix seconds).
    pub fn set_backup_next(&self, tag: i64, next: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE backups SET next=?2 WHERE tag=?1",
                params![tag, next],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Ask the running backup `tag` to stop (or clear the request).
    pub fn set_backup_abort(&self, tag: i64, abort: bool) -> Result<()> {
        self.conn
            .execute(
                "UPDATE backups SET abort=?2 WHERE tag=?1",
                params![tag, abort],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Whether backup `tag` was asked to stop.
    pub fn backup_abort_requested(&self, tag: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT abort FROM backups WHERE tag=?1",
                params![tag],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(self.err())?
            .is_some_and(|a| a != 0))
    }

    /// Record (or update) one backup copy.
    pub fn record_run(&self, run: &BackupRun) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO backup_runs(tag, name, handle, started, status, files, \
                 folders, uploaded, copied) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    run.tag,
                    run.name,
                    run.handle,
                    run.started,
                    run.status,
                    run.files as i64,
                    run.folders as i64,
                    run.uploaded as i64,
                    run.copied as i64
                ],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Forget one backup copy.
    pub fn forget_run(&self, tag: i64, name: &str) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM backup_runs WHERE tag=?1 AND name=?2",
                params![tag, name],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// The copies of backup `tag`, oldest first.
    pub fn runs(&self, tag: i64) -> Result<Vec<BackupRun>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT tag, name, handle, started, status, files, folders, uploaded, copied \
                 FROM backup_runs WHERE tag=?1 ORDER BY started, name",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map(params![tag], |r| {
                Ok(BackupRun {
                    tag: r.get(0)?,
                    name: r.get(1)?,
                    handle: r.get(2)?,
                    started: r.get(3)?,
                    status: r.get(4)?,
                    files: r.get::<_, i64>(5)? as u64,
                    folders: r.get::<_, i64>(6)? as u64,
                    uploaded: r.get::<_, i64>(7)? as u64,
                    copied: r.get::<_, i64>(8)? as u64,
                })
            })
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// Run `f` in one transaction (many records at once are much faster so).
    pub fn batch<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(self.err())?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT").map_err(self.err())?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(handle: &str) -> Synced {
        Synced {
            dir: false,
            size: 1,
            mtime: 2,
            ino: 3,
            dev: 4,
            handle: handle.into(),
            fp: "fp".into(),
        }
    }

    #[test]
    fn rename_moves_a_subtree_and_replaces_the_destination() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        for (p, h) in [
            ("a", "1"),
            ("a/x", "2"),
            ("a/x/y", "3"),
            ("ab", "4"),
            ("b", "5"),
            ("Été", "6"),
            ("Été/ü", "7"),
        ] {
            s.record("S", p, &entry(h)).unwrap();
        }
        s.rename("S", "a", "b").unwrap();
        let mut got: Vec<(String, String)> = s
            .synced("S")
            .unwrap()
            .into_iter()
            .map(|(p, e)| (p, e.handle))
            .collect();
        got.sort();
        let want = [
            ("ab", "4"),
            ("b", "1"),
            ("b/x", "2"),
            ("b/x/y", "3"),
            ("Été", "6"),
            ("Été/ü", "7"),
        ];
        assert_eq!(
            got,
            want.map(|(p, h)| (p.to_string(), h.to_string())).to_vec()
        );
        s.rename("S", "Été", "Ä").unwrap();
        assert_eq!(s.synced("S").unwrap()["Ä/ü"].handle, "7");
        s.forget("S", "b").unwrap();
        s.forget("S", "Ä").unwrap();
        assert_eq!(s.synced("S").unwrap().len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("sync.db"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn config_changes_bump_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let v0 = s.config_version().unwrap();
        let c = SyncConfig {
            id: "X".into(),
            user: "u".into(),
            local: "/tmp/x".into(),
            remote: "h".into(),
            remote_path: "/x".into(),
            direction: Direction::Up,
            enabled: true,
            max_delete: 50,
        };
        s.add(&c).unwrap();
        s.set_enabled("X", false).unwrap();
        assert!(s.config_version().unwrap() >= v0 + 2);
        let got = s.syncs().unwrap();
        assert_eq!(got.len(), 1);
        assert!(!got[0].enabled);
        assert_eq!(got[0].direction, Direction::Up);
        s.remove("X").unwrap();
        assert!(s.syncs().unwrap().is_empty());
    }
}
