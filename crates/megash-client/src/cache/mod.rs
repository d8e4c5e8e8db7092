//! The node cache: one SQLite database (WAL) per account in the state directory, so that a
//! command looks nodes up by index instead of fetching and parsing the whole tree. The tree
//! is filled once by a full fetch ([`Cache::populate`]) and then kept current through `sc`
//! ([`Cache::catch_up`]), each batch committed together with its sequence number (the MEGA
//! SDK's nodemanager model).
//!
//! Concurrency: any number of processes may share one cache file. Readers never block (WAL),
//! except while the first fetch fills a cache that never held a tree (it is written with a
//! rollback journal, see [`Cache::populate`]): there is nothing to read until its commit.
//! A catch-up polls `sc` without holding a lock; packets are committed only if the stored
//! `sn` is still the one polled from (compare and swap). If another process moved it, the
//! catch-up polls again holding SQLite's write lock from reading `sn` to the commit, so
//! concurrent catch-ups take turns and converge. A batch is therefore applied exactly once,
//! in order, and no update is lost.
//!
//! The file holds node keys (needed to decrypt later `u` packets and for downloads), so it
//! is created 0600 in the 0700 state directory. A file SQLite cannot read (corrupt, not a
//! database, older schema) is deleted and rebuilt by the next full fetch.

mod path;
mod sync;

pub use path::{
    escape_name, glob_match, is_glob, is_relative, split_path, version_time, Component,
    ResolveError,
};
pub use sync::CatchUp;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{Map, Value};

use crate::api::{self, Handle, IncomingShare, Node, NodeProblem, NodeType, UserHandle};
use crate::crypto::keys::NodeKey;

/// Bumped when the schema changes; an older file is rebuilt. Kept in SQLite's header
/// (`PRAGMA user_version`) so an open checks it without parsing the schema.
const SCHEMA_VERSION: i64 = 3;

/// Rows are stored in insertion order (`id`), not by handle: handles are random, and a full
/// fetch inserting a million rows into a B-tree keyed by them touches pages all over the file
/// (most of the first login's CPU went to SQLite paging). The handle and place indexes are
/// built once after a full fetch.
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS nodes(
    id INTEGER PRIMARY KEY,       -- insertion order
    handle INTEGER NOT NULL,      -- the 6 handle bytes, big-endian
    parent INTEGER,               -- NULL for the roots
    place INTEGER NOT NULL,       -- see place(); 0 for the roots
    type INTEGER NOT NULL,
    name TEXT,                    -- decrypted name; NULL when undecryptable
    size INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    key BLOB,                     -- unwrapped node key (16 or 32 bytes)
    fingerprint TEXT,
    attrs TEXT,                   -- other decrypted attributes, JSON object
    fa TEXT,
    owner TEXT,
    share_user TEXT,
    share_access INTEGER,
    ph TEXT,                      -- public link handle
    flags INTEGER NOT NULL        -- 0, or the NodeProblem code
);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#;

/// A check value of a master key: 16 bytes of SHA-256 over a label and the key. It tells a
/// key that changed from the one verified, and gives nothing away of the key itself.
pub fn master_key_check(master_key: &[u8; 16]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"megash master key check\0");
    h.update(master_key);
    crate::crypto::b64::encode(&h.finalize()[..16])
}

/// The indexes, dropped for a full fetch and built again after it.
pub(crate) const INDEXES: &str =
    "CREATE UNIQUE INDEX IF NOT EXISTS nodes_handle ON nodes(handle); \
     CREATE INDEX IF NOT EXISTS nodes_place ON nodes(place);";

/// A node's place among its siblings, the key of the index that finds a folder's children
/// and a name among them: the parent's 48-bit handle over 16 bits of a CRC-32 of the name
/// (bit for bit what SQLite's `parent << 16` gives, negative from a parent of 2^47 on), and
/// 0 for the roots. One integer where `(parent, name)` was two columns: the index build
/// after a full fetch sorts it in SQLite's integer fast path instead of unpacking and
/// comparing records (a NULL among the keys would turn that path off for the whole sort).
/// A folder's children are the range [`siblings`]; a name is one value in it. Every query
/// checks the parent (and the name) on the rows it finds, so a root or a collision in the
/// range is never taken for a child.
pub(crate) fn place(parent: Option<Handle>, name: Option<&str>) -> i64 {
    let Some(parent) = parent else { return 0 };
    let hash = crc32fast::hash(name.unwrap_or("").as_bytes()) & 0xffff;
    siblings(parent).0 | i64::from(hash)
}

/// The [`place`] range of `parent`'s children, inclusive.
pub(crate) fn siblings(parent: Handle) -> (i64, i64) {
    let low = ((handle_to_i64(parent) as u64) << 16) as i64;
    (low, low | 0xffff)
}

/// The rows `n` that are children of the handle `$h` names in a recursive query: the place
/// range, and the parent checked on what it finds (`+`: without it SQLite may build a
/// temporary index on `parent` instead of using the place index).
macro_rules! child_of {
    ($h:literal) => {
        concat!(
            "n.place BETWEEN (",
            $h,
            " << 16) AND (",
            $h,
            " << 16) + 65535 AND +n.parent = ",
            $h
        )
    };
}

/// Errors of the cache.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("node cache {path}: {message}")]
    Db { path: PathBuf, message: String },
    #[error("node cache {0}: cannot create the file: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("node cache {0}: the file is damaged; it will be rebuilt by a full fetch")]
    Corrupt(PathBuf),
    #[error("the node cache is empty: it needs a full fetch")]
    NotPopulated,
    #[error(transparent)]
    Api(#[from] api::Error),
}

/// Result of the cache.
pub type Result<T> = std::result::Result<T, CacheError>;

/// One account's node cache. Cheap to open; share it between tasks by reference.
pub struct Cache {
    conn: Mutex<Connection>,
    path: PathBuf,
    user: String,
    /// Whether this connection was made ready for writes by [`Cache::writer`] (done before its
    /// first write: one-shot commands that only read skip the statements).
    writable: AtomicBool,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("path", &self.path)
            .field("user", &self.user)
            .finish()
    }
}

pub(crate) fn handle_to_i64(h: Handle) -> i64 {
    let mut b = [0u8; 8];
    b[2..].copy_from_slice(&h.0);
    i64::from_be_bytes(b)
}

pub(crate) fn i64_to_handle(v: i64) -> Handle {
    let b = v.to_be_bytes();
    let mut h = [0u8; 6];
    h.copy_from_slice(&b[2..]);
    Handle(h)
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

impl Cache {
    /// Open (creating if needed) the cache of account `user_handle` in `state`.
    /// A damaged file is deleted and recreated empty; [`Cache::catch_up`] then refills it.
    /// Open the cache at an explicit path.
    pub fn open_file(path: &Path, user_handle: &str) -> Result<Cache> {
        match Cache::try_open(path, user_handle) {
            Ok(c) => Ok(c),
            Err(Rebuild::Corrupt) => {
                Cache::remove_files(path);
                Cache::try_open(path, user_handle).map_err(|e| match e {
                    Rebuild::Corrupt => CacheError::Db {
                        path: path.to_path_buf(),
                        message: "still unreadable after rebuilding".into(),
                    },
                    Rebuild::Other(e) => e,
                })
            }
            Err(Rebuild::Other(e)) => Err(e),
        }
    }

    fn try_open(path: &Path, user_handle: &str) -> std::result::Result<Cache, Rebuild> {
        create_private_file(path).map_err(|e| Rebuild::Other(CacheError::Io(path.into(), e)))?;
        let db = |e: rusqlite::Error| {
            if is_corruption(&e) {
                Rebuild::Corrupt
            } else {
                Rebuild::Other(CacheError::Db {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })
            }
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(Duration::from_secs(60)).map_err(db)?;
        // Reads the header: garbage in the file shows up here. The usual case (a cache made
        // by this version) then needs no schema work at all: one-shot commands open the
        // cache every time.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)?;
        if version != SCHEMA_VERSION {
            if version != 0 {
                return Err(Rebuild::Corrupt);
            }
            create_schema(&conn).map_err(db)?;
        }
        let stored_user = read_meta(&conn, "user").map_err(db)?;
        if stored_user.is_some_and(|u| u != user_handle) {
            return Err(Rebuild::Corrupt);
        }
        Ok(Cache {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            user: user_handle.to_string(),
            writable: AtomicBool::new(false),
        })
    }

    /// Delete a cache file with its WAL and shared-memory companions (logout, rebuild).
    pub fn remove_files(path: &Path) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }

    /// Throw the file away and start empty (after corruption was found in use).
    pub(crate) fn rebuild(&self) -> Result<()> {
        let mut conn = self.conn();
        Cache::remove_files(&self.path);
        let fresh = Cache::open_file(&self.path, &self.user)?;
        let new_conn = fresh.conn.into_inner().unwrap_or_else(|p| p.into_inner());
        *conn = new_conn;
        self.writable.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves SQLite consistent (transactions
        // roll back on drop), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The connection, ready for a write: in WAL mode `synchronous=NORMAL` keeps commits
    /// atomic and consistent and only syncs at checkpoints (the default syncs every commit).
    /// A file left with a rollback journal by a first fetch ([`Cache::populate`]) whose
    /// process was killed goes back to WAL here: a no-op when it is in WAL already, else it
    /// waits out other processes' reads (busy timeout). Once per connection.
    pub(crate) fn writer(&self) -> Result<MutexGuard<'_, Connection>> {
        let conn = self.conn();
        if !self.writable.load(Ordering::SeqCst) {
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| self.db_err(e))?;
            let _ = conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()));
            self.writable.store(true, Ordering::SeqCst);
        }
        Ok(conn)
    }

    pub(crate) fn db_err(&self, e: rusqlite::Error) -> CacheError {
        if is_corruption(&e) {
            return CacheError::Corrupt(self.path.clone());
        }
        CacheError::Db {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        read_meta(&self.conn(), key).map_err(|e| self.db_err(e))
    }

    /// The check value of the master key this cache's account was verified with (see
    /// [`master_key_check`]); `None` until one was verified.
    pub fn master_key_check(&self) -> Result<Option<String>> {
        self.meta("master_key_check")
    }

    /// Record the check value of a verified master key.
    pub fn set_master_key_check(&self, check: &str) -> Result<()> {
        self.conn()
            .execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES('master_key_check', ?1)",
                params![check],
            )
            .map(|_| ())
            .map_err(|e| self.db_err(e))
    }

    /// The stored sequence number (`None` before the first full fetch).
    pub fn sn(&self) -> Result<Option<String>> {
        self.meta("sn")
    }

    /// True once a full fetch has been committed.
    pub fn is_populated(&self) -> Result<bool> {
        Ok(self.sn()?.is_some())
    }

    /// The current remote directory, persisted between one-shot commands. Falls back to
    /// the Cloud Drive root when unset or when that folder no longer exists.
    pub fn cwd(&self) -> Result<Option<Handle>> {
        if let Some(h) = self
            .meta("cwd")?
            .and_then(|s| Handle::from_b64(&s).ok())
            .filter(|h| matches!(self.node(*h), Ok(Some(n)) if n.kind.is_container()))
        {
            return Ok(Some(h));
        }
        Ok(self.root_of(NodeType::Root)?.map(|n| n.handle))
    }

    /// The shared folder of a folder-link cache (`None` for an account's cache).
    pub fn link_root(&self) -> Result<Option<Handle>> {
        Ok(self
            .meta("link_root")?
            .and_then(|s| Handle::from_b64(&s).ok()))
    }

    /// Mark this cache as a folder link's: its root is the node whose parent is not in the
    /// tree (the shared folder; `f` lists it first). Call after the first full fetch.
    pub fn mark_link_root(&self) -> Result<Option<Handle>> {
        let conn = self.writer()?;
        let root: Option<i64> = conn
            .query_row(
                "SELECT handle FROM nodes WHERE type = 1 AND (parent IS NULL OR parent NOT IN \
                 (SELECT handle FROM nodes)) LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.db_err(e))?;
        let Some(root) = root.map(i64_to_handle) else {
            return Ok(None);
        };
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES('link_root', ?1)",
            params![root.to_b64()],
        )
        .map_err(|e| self.db_err(e))?;
        Ok(Some(root))
    }

    /// Share keys (outgoing shares and folder links: the folder's handle and its key), as
    /// the last full fetch or export learned them. Kept so that a later process re-exports a
    /// folder with the key its existing link already uses.
    pub fn share_keys(&self) -> Result<Vec<(String, crate::crypto::Key128)>> {
        let conn = self.conn();
        let mut st = conn
            .prepare_cached("SELECT key, value FROM meta WHERE key LIKE 'share:%'")
            .map_err(|e| self.db_err(e))?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.db_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (k, v) = row.map_err(|e| self.db_err(e))?;
            if let (Some(h), Ok(key)) = (
                k.strip_prefix("share:"),
                crate::crypto::b64::decode_array(&v),
            ) {
                out.push((h.to_string(), key));
            }
        }
        Ok(out)
    }

    /// The shared folders that contain `handle` (itself included), with their share keys,
    /// innermost first: what new nodes created there must be keyed for (`cr`).
    pub fn share_ancestors(&self, handle: Handle) -> Result<Vec<(Handle, crate::crypto::Key128)>> {
        let keys = self.share_keys()?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .ancestors(handle)?
            .into_iter()
            .filter_map(|n| {
                let b = n.handle.to_b64();
                keys.iter()
                    .find(|(h, _)| *h == b)
                    .map(|(_, k)| (n.handle, *k))
            })
            .collect())
    }

    /// `handle` and its ancestors, nearest first, up to its root, in one query (a corrupt
    /// parent cycle stops after 10 000 steps). Empty when `handle` is not cached.
    pub fn ancestors(&self, handle: Handle) -> Result<Vec<Node>> {
        self.query_nodes(
            &format!(
                "WITH RECURSIVE up(h, depth) AS (SELECT ?1, 0 UNION ALL \
                 SELECT n.parent, up.depth + 1 FROM nodes n JOIN up ON n.handle = up.h \
                 WHERE n.parent IS NOT NULL AND up.depth < 10000) \
                 SELECT {COLUMNS} FROM nodes JOIN up ON nodes.handle = up.h ORDER BY up.depth"
            ),
            params![handle_to_i64(handle)],
        )
    }

    /// Remember share keys (see [`Cache::share_keys`]); only new or changed ones are written,
    /// so a command that learnt no key writes nothing (every command saves the client's keys).
    pub fn save_share_keys<'a>(
        &self,
        keys: impl IntoIterator<Item = (&'a String, &'a crate::crypto::Key128)>,
    ) -> Result<()> {
        let stored: std::collections::HashMap<String, crate::crypto::Key128> =
            self.share_keys()?.into_iter().collect();
        let fresh: Vec<_> = keys
            .into_iter()
            .filter(|(h, k)| stored.get(*h) != Some(*k))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        let conn = self.writer()?;
        for (h, k) in fresh {
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
                params![format!("share:{h}"), crate::crypto::b64::encode(k)],
            )
            .map_err(|e| self.db_err(e))?;
        }
        Ok(())
    }

    /// Persist the current remote directory.
    pub fn set_cwd(&self, handle: Handle) -> Result<()> {
        self.writer()?
            .execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES('cwd', ?1)",
                params![handle.to_b64()],
            )
            .map(|_| ())
            .map_err(|e| self.db_err(e))
    }

    /// One node by handle.
    pub fn node(&self, handle: Handle) -> Result<Option<Node>> {
        let conn = self.conn();
        let mut st = conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM nodes WHERE handle=?1"))
            .map_err(|e| self.db_err(e))?;
        st.query_row(params![handle_to_i64(handle)], row_to_node)
            .optional()
            .map_err(|e| self.db_err(e))
    }

    /// The children of `handle`, sorted by name (byte order; undecryptable names first).
    pub fn children(&self, handle: Handle) -> Result<Vec<Node>> {
        let (low, high) = siblings(handle);
        self.query_nodes(
            &format!(
                "SELECT {COLUMNS} FROM nodes WHERE place BETWEEN ?2 AND ?3 AND +parent=?1 \
                 ORDER BY name, handle"
            ),
            params![handle_to_i64(handle), low, high],
        )
    }

    /// The older versions of file `handle`, newest first (each is the only file child of the
    /// next newer one).
    pub fn versions(&self, handle: Handle) -> Result<Vec<Node>> {
        let mut out: Vec<Node> = Vec::new();
        let mut at = handle;
        // A chain is short (MEGA keeps about a hundred); the bound stops a corrupt cycle.
        for _ in 0..10_000 {
            let (low, high) = siblings(at);
            let next = self
                .query_nodes(
                    &format!(
                        "SELECT {COLUMNS} FROM nodes WHERE place BETWEEN ?2 AND ?3 \
                         AND +parent=?1 AND type=0 ORDER BY ts DESC, handle LIMIT 1"
                    ),
                    params![handle_to_i64(at), low, high],
                )?
                .pop();
            let Some(v) = next else { break };
            at = v.handle;
            out.push(v);
        }
        Ok(out)
    }

    /// Whether `node` is an older version of a file (its parent is a file).
    pub fn is_version(&self, node: &Node) -> Result<bool> {
        Ok(match node.parent {
            Some(p) if node.kind == NodeType::File => self
                .node(p)?
                .is_some_and(|parent| parent.kind == NodeType::File),
            _ => false,
        })
    }

    /// The current version of `node` (itself when it is no older version).
    pub fn current_version(&self, node: &Node) -> Result<Node> {
        let mut cur = node.clone();
        for _ in 0..10_000 {
            match cur.parent.map(|p| self.node(p)).transpose()?.flatten() {
                Some(parent) if parent.kind == NodeType::File => cur = parent,
                _ => break,
            }
        }
        Ok(cur)
    }

    /// The children of `parent` named exactly `name` (more than one: duplicates).
    pub fn children_named(&self, parent: Handle, name: &str) -> Result<Vec<Node>> {
        self.query_nodes(
            &format!(
                "SELECT {COLUMNS} FROM nodes WHERE place=?3 AND +parent=?1 AND name=?2 \
                 ORDER BY handle"
            ),
            params![handle_to_i64(parent), name, place(Some(parent), Some(name))],
        )
    }

    /// The Cloud Drive root, inbox or rubbish bin.
    pub fn root_of(&self, kind: NodeType) -> Result<Option<Node>> {
        // In a folder-link session the link's folder plays the Cloud Drive root.
        if kind == NodeType::Root {
            if let Some(h) = self.link_root()? {
                return self.node(h);
            }
        }
        Ok(self
            .query_nodes(
                &format!(
                    "SELECT {COLUMNS} FROM nodes WHERE place=0 AND parent IS NULL \
                     AND type=?1 LIMIT 1"
                ),
                params![kind.code()],
            )?
            .pop())
    }

    /// The public link handle of an exported node.
    pub fn public_handle(&self, handle: Handle) -> Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT ph FROM nodes WHERE handle=?1",
                params![handle_to_i64(handle)],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.db_err(e))
    }

    /// Every node below `handle` (not `handle` itself), parents before children.
    pub fn descendants(&self, handle: Handle) -> Result<Vec<Node>> {
        self.query_nodes(
            &format!(
                "{SUBTREE} SELECT {COLUMNS} FROM nodes JOIN sub ON nodes.handle = sub.h \
                 WHERE sub.depth > 0 ORDER BY sub.depth, name"
            ),
            params![handle_to_i64(handle)],
        )
    }

    /// Every node below `handle` in depth-first order (parents before their contents,
    /// siblings by name), each with its path relative to `handle` (names joined with `/`, an
    /// undecryptable one as `H:handle`; for display) and its public link handle, handed to
    /// `visit` one at a time as SQLite produces them: a walk over a million nodes never holds
    /// them all. `visit` must not call back into the cache (the connection is busy with the
    /// walk); it returns `false` to stop early.
    pub fn walk_descendants<E: From<CacheError>>(
        &self,
        handle: Handle,
        mut visit: impl FnMut(Node, &str, Option<String>) -> std::result::Result<bool, E>,
    ) -> std::result::Result<(), E> {
        // SQLite takes rows from the recursive queue in ORDER BY order: deepest first makes
        // the walk depth-first (the deepest rows queued are always siblings, the children of
        // the row taken last), and then name orders those siblings. The outer SELECT reads
        // rows in that order. The depth bound stops a (corrupt) parent cycle.
        let prefixed = COLUMNS
            .split(',')
            .map(|c| format!("n.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "WITH RECURSIVE sub AS (SELECT {COLUMNS}, ph, 0 AS depth FROM nodes WHERE handle=?1 \
             UNION ALL SELECT {prefixed}, n.ph, sub.depth + 1 FROM nodes n \
             JOIN sub ON {} WHERE sub.depth < 100000 AND sub.type != 0 \
             ORDER BY 16 DESC, 4, 1) \
             SELECT * FROM sub WHERE depth > 0",
            child_of!("sub.handle")
        );
        let conn = self.conn();
        let mut st = conn.prepare_cached(&sql).map_err(|e| self.db_err(e))?;
        let mut rows = st
            .query(params![handle_to_i64(handle)])
            .map_err(|e| self.db_err(e))?;
        // The names from `handle` down to the current row's parent.
        let mut stack: Vec<String> = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.db_err(e))? {
            let node = row_to_node(r).map_err(|e| self.db_err(e))?;
            let ph: Option<String> = r.get(14).map_err(|e| self.db_err(e))?;
            let depth: i64 = r.get(15).map_err(|e| self.db_err(e))?;
            stack.truncate(usize::try_from(depth - 1).unwrap_or(0));
            stack.push(
                node.name
                    .clone()
                    .unwrap_or_else(|| format!("H:{}", node.handle)),
            );
            if !visit(node, &stack.join("/"), ph)? {
                break;
            }
        }
        Ok(())
    }

    /// Every node below folder `handle` with only what a sync compares (no keys, no other
    /// attributes), parents before children (breadth first), file versions left out, handed
    /// to `visit` as SQLite produces them.
    pub fn walk_tree<E: From<CacheError>>(
        &self,
        handle: Handle,
        mut visit: impl FnMut(TreeNode) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        // One indexed query per folder: cheaper than a recursive CTE, whose queue is a
        // temporary b-tree with an insert and a delete per row. Files are not descended into
        // (their children are versions).
        let conn = self.conn();
        let mut st = conn
            .prepare_cached(
                "SELECT handle, type, name, size, fingerprint, flags FROM nodes \
                 WHERE place BETWEEN ?2 AND ?3 AND +parent=?1",
            )
            .map_err(|e| self.db_err(e))?;
        let mut queue = std::collections::VecDeque::from([handle]);
        let mut seen = 0usize;
        while let Some(parent) = queue.pop_front() {
            let (low, high) = siblings(parent);
            let mut rows = st
                .query(params![handle_to_i64(parent), low, high])
                .map_err(|e| self.db_err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.db_err(e))? {
                let node = (|| {
                    Ok::<_, rusqlite::Error>(TreeNode {
                        handle: i64_to_handle(r.get(0)?),
                        parent: Some(parent),
                        kind: NodeType::from_code(r.get(1)?),
                        name: r.get(2)?,
                        size: r.get::<_, i64>(3)? as u64,
                        fingerprint: r.get(4)?,
                        problem: r.get::<_, i64>(5)? != 0,
                    })
                })()
                .map_err(|e| self.db_err(e))?;
                // A (corrupt) parent cycle would never end.
                seen += 1;
                if seen > 100_000_000 {
                    return Err(CacheError::Corrupt(self.path.clone()).into());
                }
                if node.kind != NodeType::File {
                    queue.push_back(node.handle);
                }
                visit(node)?;
            }
        }
        Ok(())
    }

    /// Whether the account has any public link.
    pub fn any_exported(&self) -> Result<bool> {
        self.conn()
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM nodes WHERE ph IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.db_err(e))
    }

    /// Exported nodes below `handle` (not `handle` itself), parents first.
    pub fn exported_below(&self, handle: Handle) -> Result<Vec<Node>> {
        self.query_nodes(
            &format!(
                "{SUBTREE} SELECT {COLUMNS} FROM nodes JOIN sub ON nodes.handle = sub.h \
                 WHERE sub.depth > 0 AND nodes.ph IS NOT NULL ORDER BY sub.depth, name"
            ),
            params![handle_to_i64(handle)],
        )
    }

    /// Files, folders and total file bytes below `handle` (for `du`), computed in SQLite.
    pub fn subtree_totals(&self, handle: Handle) -> Result<Totals> {
        self.totals(SUBTREE, handle)
    }

    /// [`Cache::subtree_totals`] with the older versions of the files counted as files.
    pub fn subtree_totals_with_versions(&self, handle: Handle) -> Result<Totals> {
        self.totals(SUBTREE_ALL, handle)
    }

    fn totals(&self, subtree: &str, handle: Handle) -> Result<Totals> {
        self.conn()
            .query_row(
                &format!(
                    "{subtree} SELECT COALESCE(SUM(type = 0), 0), COALESCE(SUM(type = 1), 0), \
                     COALESCE(SUM(CASE WHEN type = 0 THEN size ELSE 0 END), 0) \
                     FROM nodes WHERE handle IN (SELECT h FROM sub) AND handle != ?1"
                ),
                params![handle_to_i64(handle)],
                |r| {
                    Ok(Totals {
                        files: r.get::<_, i64>(0)? as u64,
                        folders: r.get::<_, i64>(1)? as u64,
                        bytes: r.get::<_, i64>(2)? as u64,
                    })
                },
            )
            .map_err(|e| self.db_err(e))
    }

    /// Number of nodes in the cache.
    pub fn node_count(&self) -> Result<u64> {
        self.conn()
            .query_row("SELECT COUNT(*) FROM nodes", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.db_err(e))
    }

    /// The path of a node from its root: `/a/b`, `//bin/x`, `//in/y` (names with `/` are
    /// shown as they are; this is for display).
    pub fn path_of(&self, handle: Handle) -> Result<Option<String>> {
        let link_root = self.link_root()?;
        let mut parts = Vec::new();
        for n in self.ancestors(handle)? {
            if Some(n.handle) == link_root {
                return Ok(Some(format!("/{}", parts_join(&parts))));
            }
            match n.kind {
                NodeType::Root => return Ok(Some(format!("/{}", parts_join(&parts)))),
                NodeType::Rubbish => return Ok(Some(join_root("//bin", &parts))),
                NodeType::Inbox => return Ok(Some(join_root("//in", &parts))),
                _ => {}
            }
            parts.push(n.name.clone().unwrap_or_else(|| format!("H:{}", n.handle)));
        }
        Ok(None)
    }

    pub(crate) fn query_nodes(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<Node>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(sql).map_err(|e| self.db_err(e))?;
        let rows = st
            .query_map(params, row_to_node)
            .map_err(|e| self.db_err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.db_err(e))
    }
}

fn parts_join(parts: &[String]) -> String {
    parts.iter().rev().cloned().collect::<Vec<_>>().join("/")
}

fn join_root(root: &str, parts: &[String]) -> String {
    if parts.is_empty() {
        root.to_string()
    } else {
        format!("{root}/{}", parts_join(parts))
    }
}

/// A node as [`Cache::walk_tree`] gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeNode {
    pub handle: Handle,
    pub parent: Option<Handle>,
    pub kind: NodeType,
    pub name: Option<String>,
    pub size: u64,
    pub fingerprint: Option<String>,
    /// The key or the attributes did not decrypt.
    pub problem: bool,
}

/// Totals of a subtree (see [`Cache::subtree_totals`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: u64,
    pub folders: u64,
    pub bytes: u64,
}

/// One `meta` value, through one cached statement: a one-shot command reads five or six of
/// them, and compiling a statement costs more than running it.
pub(crate) fn read_meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM meta WHERE key=?1")?
        .query_row(params![key], |r| r.get(0))
        .optional()
}

/// Make a new file's tables, or find that the file is an older version (then rebuild). Under
/// the write lock, so two processes opening a new file at once do not mistake each other's
/// half-made schema for an old one.
fn create_schema(conn: &Connection) -> std::result::Result<(), rusqlite::Error> {
    // WAL cannot be switched on inside a transaction; it is a property of the file.
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            Some("not in WAL mode".into()),
        ));
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        let tables: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables != 0 {
            // Made by an older megash (version 1 kept it in `meta`): start again.
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some("an older cache format".into()),
            ));
        }
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(INDEXES)?;
        conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

enum Rebuild {
    Corrupt,
    Other(CacheError),
}

pub(crate) fn create_private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?;
    // SQLite gives its -wal and -shm files the database's mode; files left readable by
    // someone else (a copy, a restore, an older version) are tightened.
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if let Ok(meta) = std::fs::metadata(&p) {
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}

/// The handles of `?1`'s subtree with their depth (0 for `?1` itself), as table `sub(h, depth)`:
/// one recursive walk of the place index for every subtree query. It descends through
/// folders only: the children of a file are its older versions, which listings, sums and
/// copies leave out (see [`SUBTREE_ALL`]).
pub(crate) const SUBTREE: &str = concat!(
    "WITH RECURSIVE sub(h, depth, t) AS \
     (SELECT ?1, 0, (SELECT type FROM nodes WHERE handle = ?1) UNION ALL \
     SELECT n.handle, sub.depth + 1, n.type FROM nodes n JOIN sub ON ",
    child_of!("sub.h"),
    " WHERE sub.t IS NOT 0)"
);

/// [`SUBTREE`] with the older versions of files: what goes when the subtree is deleted.
pub(crate) const SUBTREE_ALL: &str = concat!(
    "WITH RECURSIVE sub(h, depth) AS (SELECT ?1, 0 UNION ALL \
     SELECT n.handle, sub.depth + 1 FROM nodes n JOIN sub ON ",
    child_of!("sub.h"),
    ")"
);

pub(crate) const COLUMNS: &str = "handle, parent, type, name, size, ts, key, fingerprint, attrs, \
                                  fa, owner, share_user, share_access, flags";

pub(crate) fn problem_code(p: Option<NodeProblem>) -> i64 {
    match p {
        None => 0,
        Some(NodeProblem::KeyUnavailable) => 1,
        Some(NodeProblem::KeyUndecryptable) => 2,
        Some(NodeProblem::AttributesUndecryptable) => 3,
    }
}

fn problem_of(code: i64) -> Option<NodeProblem> {
    match code {
        1 => Some(NodeProblem::KeyUnavailable),
        2 => Some(NodeProblem::KeyUndecryptable),
        3 => Some(NodeProblem::AttributesUndecryptable),
        _ => None,
    }
}

fn row_to_node(r: &Row<'_>) -> rusqlite::Result<Node> {
    let key: Option<Vec<u8>> = r.get(6)?;
    let attrs: Option<String> = r.get(8)?;
    let share_user: Option<String> = r.get(11)?;
    let share_access: Option<i64> = r.get(12)?;
    let owner: Option<String> = r.get(10)?;
    Ok(Node {
        handle: i64_to_handle(r.get(0)?),
        parent: r.get::<_, Option<i64>>(1)?.map(i64_to_handle),
        owner: owner.and_then(|o| UserHandle::from_b64(&o).ok()),
        kind: NodeType::from_code(r.get(2)?),
        size: r.get::<_, i64>(4)? as u64,
        ts: r.get(5)?,
        key: key.and_then(|k| NodeKey::from_bytes(&k).ok()),
        name: r.get(3)?,
        fingerprint: r.get(7)?,
        other_attrs: attrs
            .and_then(|a| serde_json::from_str::<Map<String, Value>>(&a).ok())
            .map(Box::new),
        file_attrs: r.get(9)?,
        share: share_access.map(|access| IncomingShare {
            user: share_user.and_then(|u| UserHandle::from_b64(&u).ok()),
            access,
        }),
        problem: problem_of(r.get(13)?),
    })
}

/// A node key as its stored blob, bound without an allocation (a full fetch binds a million).
pub(crate) struct KeyBlob([u8; 32], usize);

impl KeyBlob {
    pub(crate) fn of(key: NodeKey) -> KeyBlob {
        let (bytes, len) = key.to_array();
        KeyBlob(bytes, len)
    }
}

impl rusqlite::ToSql for KeyBlob {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Blob(&self.0[..self.1]),
        ))
    }
}

/// A user handle as its base64 text, bound without an allocation.
pub(crate) struct HandleText([u8; 12], usize);

impl HandleText {
    pub(crate) fn of(handle: &[u8; 8]) -> HandleText {
        let mut b = [0u8; 12];
        let len = crate::crypto::b64::encode_into(handle, &mut b).map_or(0, str::len);
        HandleText(b, len)
    }
}

impl rusqlite::ToSql for HandleText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0[..self.1]),
        ))
    }
}

/// The columns of a node row that [`bind_node`] fills, in its order.
pub(crate) const NODE_COLUMNS: &str = "handle, parent, place, type, name, size, ts, key, \
     fingerprint, attrs, fa, owner, share_user, share_access, flags";

/// How many values [`bind_node`] binds: one per name in [`NODE_COLUMNS`] (SQLite refuses
/// an insert whose counts differ, so a mismatch fails every write at once).
pub(crate) const NODE_VALUES: usize = 15;

/// Bind the [`NODE_COLUMNS`] of `n` to the parameters `first..first + NODE_VALUES`, each
/// with its own type (no `dyn ToSql` per value: a full fetch binds fifteen million).
pub(crate) fn bind_node(
    st: &mut rusqlite::Statement<'_>,
    first: usize,
    n: &Node,
) -> rusqlite::Result<()> {
    st.raw_bind_parameter(first, handle_to_i64(n.handle))?;
    st.raw_bind_parameter(first + 1, n.parent.map(handle_to_i64))?;
    st.raw_bind_parameter(first + 2, place(n.parent, n.name.as_deref()))?;
    st.raw_bind_parameter(first + 3, n.kind.code())?;
    st.raw_bind_parameter(first + 4, n.name.as_deref())?;
    st.raw_bind_parameter(first + 5, n.size as i64)?;
    st.raw_bind_parameter(first + 6, n.ts)?;
    st.raw_bind_parameter(first + 7, n.key.map(KeyBlob::of))?;
    st.raw_bind_parameter(first + 8, n.fingerprint.as_deref())?;
    let attrs = n
        .other_attrs
        .as_deref()
        .and_then(|m| serde_json::to_string(m).ok());
    st.raw_bind_parameter(first + 9, attrs)?;
    st.raw_bind_parameter(first + 10, n.file_attrs.as_deref())?;
    st.raw_bind_parameter(first + 11, n.owner.map(|o| HandleText::of(&o.0)))?;
    let share_user = n.share.as_ref().and_then(|s| s.user.map(|u| u.to_b64()));
    st.raw_bind_parameter(first + 12, share_user)?;
    st.raw_bind_parameter(first + 13, n.share.as_ref().map(|s| s.access))?;
    st.raw_bind_parameter(first + 14, problem_code(n.problem))?;
    Ok(())
}

/// Insert or replace one node (statement cached on the connection); a public link handle
/// the row had is kept.
pub(crate) fn upsert(conn: &Connection, n: &Node) -> rusqlite::Result<()> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        let values = (1..=NODE_VALUES)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>();
        format!(
            "INSERT OR REPLACE INTO nodes({NODE_COLUMNS}, ph) VALUES({}, \
             (SELECT ph FROM nodes WHERE handle=?1))",
            values.join(", ")
        )
    });
    let mut st = conn.prepare_cached(sql)?;
    bind_node(&mut st, 1, n)?;
    st.raw_execute()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle(v: u64) -> Handle {
        let b = v.to_be_bytes();
        Handle([b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    fn node(h: u64, parent: Option<u64>, kind: NodeType, name: Option<&str>) -> Node {
        Node {
            handle: handle(h),
            parent: parent.map(handle),
            owner: None,
            kind,
            size: 0,
            ts: 0,
            key: None,
            name: name.map(str::to_string),
            fingerprint: None,
            other_attrs: None,
            file_attrs: None,
            share: None,
            problem: None,
        }
    }

    /// A folder-link `f` answer of `n` folders under one root (keys left out: stored flagged).
    fn answer(n: u64, sn: &str) -> String {
        let h = |v: u64| crate::crypto::b64::encode(&v.to_be_bytes()[2..]);
        let nodes: Vec<String> = (1..=n)
            .map(|i| {
                let parent = if i == 1 { String::new() } else { h(1) };
                format!(r#"{{"h":"{}","p":"{parent}","t":1,"ts":1}}"#, h(i))
            })
            .collect();
        format!(r#"[{{"f":[{}],"sn":"{sn}"}}]"#, nodes.join(","))
    }

    /// A new cache file in a temporary folder (removed when the folder is dropped).
    fn new_cache() -> (tempfile::TempDir, PathBuf, Cache) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("c.db");
        let cache = Cache::open_file(&path, "user").expect("open");
        (dir, path, cache)
    }

    /// A fake client in a folder-link session (its `f` answers need no account keys).
    fn link_client(
        attempts: u32,
    ) -> (
        std::sync::Arc<crate::api::testing::FakeTransport>,
        api::Client,
    ) {
        let (t, client) = crate::api::testing::fake_client(attempts);
        client.open_folder_link("PuBlIcHa", [8u8; 16]);
        (t, client)
    }

    #[tokio::test]
    async fn a_full_fetch_broken_midway_keeps_only_the_retried_answer() {
        let (_dir, _, cache) = new_cache();
        let (t, client) = link_client(3);
        // Broken after more than one insert batch; the retry gets a smaller tree.
        let first = answer(1500, "one");
        t.push_cut(&first, first.len() * 2 / 3);
        t.push(200, &[], &answer(3, "two"));
        assert_eq!(cache.populate(&client).await.expect("populate"), 3);
        assert_eq!(cache.node_count().expect("count"), 3);
        assert_eq!(cache.sn().expect("sn").as_deref(), Some("two"));
    }

    fn journal_mode(path: &Path) -> String {
        let c = Connection::open(path).expect("open");
        c.query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode")
    }

    #[tokio::test]
    async fn a_first_fetch_leaves_the_file_in_wal_mode() {
        let (dir, path, cache) = new_cache();
        let (t, client) = link_client(1);
        let wal = dir.path().join("c.db-wal");
        t.push(200, &[], &answer(1500, "one"));
        assert_eq!(cache.populate(&client).await.expect("populate"), 1500);
        // Written with a rollback journal: no WAL file until the next transaction.
        assert!(!wal.exists());
        drop(cache);
        assert_eq!(journal_mode(&path), "wal");
        // A reload (a tree to keep serving) goes through the WAL, and stays there.
        let cache = Cache::open_file(&path, "user").expect("open");
        t.push(200, &[], &answer(3, "two"));
        assert_eq!(cache.populate(&client).await.expect("populate"), 3);
        assert!(wal.exists());
        drop(cache);
        assert_eq!(journal_mode(&path), "wal");
    }

    #[tokio::test]
    async fn a_first_fetch_dropped_half_way_leaves_no_lock_and_the_file_in_wal() {
        let (_dir, path, cache) = new_cache();
        let (t, client) = link_client(1);
        // More than one insert batch arrives, then nothing: the fetch waits until dropped
        // (Ctrl-C in the shell, which keeps this connection).
        let body = answer(1500, "one");
        t.push_hang(&body, body.len() * 2 / 3);
        let cut = tokio::time::timeout(Duration::from_millis(300), cache.populate(&client)).await;
        assert!(cut.is_err(), "the fetch should still be waiting");
        assert!(cache.conn().is_autocommit(), "a transaction was left open");
        assert!(!cache.is_populated().expect("read"));
        assert_eq!(journal_mode(&path), "wal");
        // Another process can write at once (no lock left behind).
        let other = Cache::open_file(&path, "user").expect("open");
        let started = std::time::Instant::now();
        other.set_cwd(Handle([1; 6])).expect("write");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn share_keys_already_stored_are_not_written_again() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("c.db");
        let keys = std::collections::HashMap::from([("AAAAAAAA".to_string(), [7u8; 16])]);
        let first = Cache::open_file(&path, "user").expect("open");
        first.save_share_keys(&keys).expect("save");
        assert!(first.writable.load(Ordering::SeqCst));
        // A later command with the same keys: no write, not even the writer's pragmas.
        let later = Cache::open_file(&path, "user").expect("open");
        later.save_share_keys(&keys).expect("save");
        assert!(!later.writable.load(Ordering::SeqCst));
        assert_eq!(
            later.share_keys().expect("keys"),
            [("AAAAAAAA".to_string(), [7u8; 16])]
        );
        let changed = std::collections::HashMap::from([("AAAAAAAA".to_string(), [9u8; 16])]);
        later.save_share_keys(&changed).expect("save");
        assert_eq!(
            later.share_keys().expect("keys"),
            [("AAAAAAAA".to_string(), [9u8; 16])]
        );
    }

    #[tokio::test]
    async fn a_first_fetch_with_another_connection_open_stays_in_wal() {
        let (_dir, path, cache) = new_cache();
        // Another process holding the file: SQLite refuses to leave WAL, at once.
        let other = Cache::open_file(&path, "user").expect("open");
        assert!(!other.is_populated().expect("read"));
        let (t, client) = link_client(1);
        t.push(200, &[], &answer(1500, "one"));
        let started = std::time::Instant::now();
        assert_eq!(cache.populate(&client).await.expect("populate"), 1500);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "waited on the other"
        );
        assert_eq!(other.node_count().expect("count"), 1500);
        drop((cache, other));
        assert_eq!(journal_mode(&path), "wal");
    }

    #[test]
    fn a_file_left_with_a_rollback_journal_goes_back_to_wal_at_the_next_write() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("c.db");
        drop(Cache::open_file(&path, "user").expect("open"));
        // What a first fetch killed before its end leaves behind.
        Connection::open(&path)
            .expect("open")
            .query_row("PRAGMA journal_mode=DELETE", [], |_| Ok(()))
            .expect("leave wal");
        assert_eq!(journal_mode(&path), "delete");
        let cache = Cache::open_file(&path, "user").expect("open");
        cache.set_cwd(Handle([1; 6])).expect("write");
        drop(cache);
        assert_eq!(journal_mode(&path), "wal");
    }

    /// Two names whose places collide (the same 16 bits of CRC-32 under one parent).
    fn colliding_names() -> (String, String) {
        let mut seen = std::collections::HashMap::new();
        for i in 0.. {
            let name = format!("n{i}");
            let bits = crc32fast::hash(name.as_bytes()) & 0xffff;
            if let Some(other) = seen.insert(bits, name.clone()) {
                return (other, name);
            }
        }
        unreachable!()
    }

    #[test]
    fn places_find_children_and_names_under_any_parent() {
        let (_dir, _, cache) = new_cache();
        let (a, b) = colliding_names();
        // Parents at both ends of the handle space: from 2^47 on, `parent << 16` is negative.
        let parents = [1u64, 0x7fff_ffff_ffff, 0x8000_0000_0000, 0xffff_ffff_ffff];
        let mut nodes = vec![node(2, None, NodeType::Root, None)];
        for (i, p) in parents.iter().enumerate() {
            let base = 0x10 + 0x10 * i as u64;
            if *p != 1 {
                nodes.push(node(*p, Some(2), NodeType::Folder, Some(&format!("p{i}"))));
            }
            nodes.push(node(base, Some(*p), NodeType::File, Some(&a)));
            nodes.push(node(base + 1, Some(*p), NodeType::File, Some(&b)));
            nodes.push(node(base + 2, Some(*p), NodeType::Folder, None));
            nodes.push(node(base + 3, Some(base + 2), NodeType::File, Some(&a)));
        }
        {
            let w = cache.writer().expect("writer");
            for n in &nodes {
                upsert(&w, n).expect("upsert");
            }
        }
        for (i, p) in parents.iter().enumerate() {
            let parent = handle(*p);
            let base = 0x10 + 0x10 * i as u64;
            let kids: Vec<Handle> = cache
                .children(parent)
                .expect("children")
                .iter()
                .map(|n| n.handle)
                .collect();
            // Undecryptable (NULL) names first, then by name.
            let mut want = vec![handle(base + 2), handle(base), handle(base + 1)];
            if a > b {
                want.swap(1, 2);
            }
            assert_eq!(kids, want, "children of {p:x}");
            for (name, h) in [(&a, base), (&b, base + 1)] {
                let found = cache.children_named(parent, name).expect("named");
                assert_eq!(
                    found.iter().map(|n| n.handle).collect::<Vec<_>>(),
                    [handle(h)]
                );
            }
            assert!(cache
                .children_named(parent, "missing")
                .expect("named")
                .is_empty());
            let below = cache.descendants(parent).expect("descendants");
            assert_eq!(below.len(), 4, "below {p:x}");
            let mut walked = 0;
            cache
                .walk_tree(parent, |_| -> Result<()> {
                    walked += 1;
                    Ok(())
                })
                .expect("walk");
            assert_eq!(walked, 4, "walked below {p:x}");
        }
        // Renamed through an upsert, a node moves to its new name's place.
        let mut renamed = nodes[1].clone();
        renamed.name = Some("renamed".into());
        upsert(&cache.writer().expect("writer"), &renamed).expect("upsert");
        let parent = handle(1);
        assert!(cache.children_named(parent, &a).expect("named").is_empty());
        assert_eq!(
            cache
                .children_named(parent, "renamed")
                .expect("named")
                .len(),
            1
        );
        let root = cache.root_of(NodeType::Root).expect("root");
        assert_eq!(root.map(|n| n.handle), Some(handle(2)));
    }

    #[test]
    fn recursive_queries_use_the_place_index() {
        let (_dir, _, cache) = new_cache();
        let conn = cache.conn();
        let plan = |sql: &str| -> String {
            let mut st = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("plan");
            let rows = st
                .query_map(params![1i64], |r| r.get::<_, String>(3))
                .expect("rows");
            rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("; ")
        };
        for sql in [
            format!("{SUBTREE} SELECT * FROM sub"),
            format!("{SUBTREE_ALL} SELECT * FROM sub"),
        ] {
            let p = plan(&sql);
            assert!(p.contains("USING INDEX nodes_place"), "{p}");
            assert!(!p.contains("AUTOMATIC") && !p.contains("SCAN n"), "{p}");
        }
    }

    #[test]
    fn walk_is_depth_first_by_name_and_stops_on_request() {
        let (_dir, _, cache) = new_cache();
        let nodes = [
            node(1, None, NodeType::Root, None),
            node(2, Some(1), NodeType::Folder, Some("b")),
            node(3, Some(1), NodeType::Folder, Some("a")),
            node(4, Some(3), NodeType::File, Some("z.txt")),
            node(5, Some(3), NodeType::Folder, None),
            node(6, Some(5), NodeType::File, Some("deep")),
            node(7, Some(2), NodeType::File, Some("c")),
            node(8, Some(1), NodeType::File, Some("0.txt")),
        ];
        {
            let w = cache.writer().expect("writer");
            for n in &nodes {
                upsert(&w, n).expect("upsert");
            }
        }
        let root = nodes[0].handle;
        let mut seen = Vec::new();
        cache
            .walk_descendants(root, |_, rel, _| -> Result<bool> {
                seen.push(rel.to_string());
                Ok(true)
            })
            .expect("walk");
        let undecryptable = format!("H:{}", nodes[4].handle);
        assert_eq!(
            seen,
            [
                "0.txt".to_string(),
                "a".into(),
                // An undecryptable name (NULL) sorts first and shows as its handle, also
                // inside its descendants' paths.
                format!("a/{undecryptable}"),
                format!("a/{undecryptable}/deep"),
                "a/z.txt".into(),
                "b".into(),
                "b/c".into(),
            ]
        );
        let mut n = 0;
        cache
            .walk_descendants(root, |_, _, _| -> Result<bool> {
                n += 1;
                Ok(n < 3)
            })
            .expect("walk");
        assert_eq!(n, 3);
    }
}
