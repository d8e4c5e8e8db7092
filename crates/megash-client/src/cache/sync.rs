//! Filling and updating the cache: the full fetch streamed into one transaction, and the
//! `sc` catch-up applied as one transaction committed with its new sequence number.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension};

use super::{
    bind_node, handle_to_i64, read_meta, row_to_node, upsert, Cache, CacheError, Result, COLUMNS,
    INDEXES, NODE_COLUMNS, NODE_VALUES,
};
use crate::api::{
    self, fetch::Fetched, tree::decrypt_update, ActionPacket, Client, ErrorCode, Handle, ScResult,
};

/// A write transaction on the cache's connection, rolled back unless committed: on an
/// error, a failed `COMMIT`, and when the future holding it is dropped (Ctrl-C in the
/// shell, which keeps its connection for the next command).
struct Txn<'a> {
    conn: std::sync::MutexGuard<'a, Connection>,
    open: bool,
}

impl<'a> Txn<'a> {
    fn begin(conn: std::sync::MutexGuard<'a, Connection>) -> rusqlite::Result<Txn<'a>> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Txn { conn, open: true })
    }

    fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }
}

impl std::ops::Deref for Txn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for Txn<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// How a full fetch ends, however it ends: a transaction still open (an error, or a fetch
/// whose future was dropped half-way: Ctrl-C in the shell, which keeps its connection) is
/// rolled back, so no lock outlives the fetch; a file switched to a rollback journal goes
/// back to WAL (waiting out readers on the busy timeout; should it still fail, the first
/// writer of a later process switches it).
struct FillEnd<'a> {
    cache: &'a Cache,
    journal: bool,
}

impl Drop for FillEnd<'_> {
    fn drop(&mut self) {
        let conn = self.cache.conn();
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        if self.journal {
            let _ = conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()));
        }
    }
}

/// One locked catch-up's outcome.
enum Locked {
    Done(CatchUp),
    /// The server refused the stored `sn`: fetch the whole tree.
    Refetch,
}

/// What [`Cache::catch_up`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatchUp {
    /// The server had nothing newer than the stored `sn`.
    UpToDate,
    /// This many action packets were applied.
    Applied { packets: usize },
    /// A full fetch replaced the tree (first use, or the server refused the `sn`).
    FullFetch { nodes: u64 },
}

impl Cache {
    /// Replace the whole tree with a full fetch (`f`). Nodes are inserted as the answer is
    /// parsed, inside one transaction that also stores the new `sn`: readers see the old
    /// tree until the commit, never a half-filled one.
    pub async fn populate(&self, client: &Client) -> Result<u64> {
        drop(self.writer()?);
        let journal = self.sn()?.is_none() && self.leave_wal();
        let end = FillEnd {
            cache: self,
            journal,
        };
        let filled = self.fill(client).await;
        drop(end);
        filled
    }

    /// A cache that never held a tree has no old tree to keep serving while the first one
    /// is written, so that fetch may use a rollback journal: each page is written once, into
    /// the database, where the WAL writes it twice (to the WAL, then to the database at the
    /// checkpoint); 0.15 CPU-s of a million-node first login. Only when no other connection
    /// has the file open (SQLite refuses to leave WAL then, at once): later readers wait on
    /// the busy timeout until the commit, as they would for the tree anyway.
    fn leave_wal(&self) -> bool {
        let conn = self.conn();
        let mode = conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get::<_, String>(0));
        mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete"))
    }

    async fn fill(&self, client: &Client) -> Result<u64> {
        let mut begun = false;
        let mut db_error: Option<rusqlite::Error> = None;
        let mut count = 0u64;
        // Nodes go to SQLite a batch at a time: one lock and one statement lookup per batch
        // instead of per node.
        let mut batch: Vec<api::Node> = Vec::with_capacity(INSERT_BATCH);
        // `restart`: the connection broke and the fetch starts again, so the rows so far go.
        let mut insert = |batch: &mut Vec<api::Node>, restart: bool| -> rusqlite::Result<()> {
            let conn = self.conn();
            if !begun {
                // Taken with the first nodes: until the commit, other processes still read
                // the old tree (WAL) and their writes wait (busy timeout). A first fetch
                // (rollback journal) has no old tree, and its readers wait too.
                conn.execute_batch(BEGIN_FULL_FETCH)?;
                begun = true;
            }
            if restart {
                conn.execute_batch("DELETE FROM nodes")?;
                count = 0;
            } else {
                insert_fresh(&conn, batch)?;
                count += batch.len() as u64;
            }
            batch.clear();
            Ok(())
        };
        let fetched = client
            .fetch_nodes_with(|event| {
                let result = match event {
                    Fetched::Node(node) => {
                        batch.push(node);
                        if batch.len() < INSERT_BATCH {
                            return Ok(());
                        }
                        insert(&mut batch, false)
                    }
                    Fetched::Restart => insert(&mut batch, true),
                };
                result.map_err(|e| {
                    db_error = Some(e);
                    api::Error::bad("a writable node cache")
                })
            })
            .await;
        if fetched.is_ok() && db_error.is_none() && !batch.is_empty() {
            if let Err(e) = insert(&mut batch, false) {
                db_error = Some(e);
            }
        }
        // On an error the transaction is left to `FillEnd`, which rolls it back.
        let summary = match (fetched, db_error) {
            (_, Some(e)) => return Err(self.db_err(e)),
            (Err(e), None) => return Err(e.into()),
            (Ok(s), None) => s,
        };
        let conn = self.conn();
        let finish = (|| {
            if !begun {
                conn.execute_batch(BEGIN_FULL_FETCH)?;
            }
            // Building the indexes once after the bulk insert is much faster than keeping
            // them up to date row by row. A handle the server sent twice keeps its last row.
            if let Err(e) = conn.execute_batch(INDEXES) {
                if e.sqlite_error_code() != Some(rusqlite::ErrorCode::ConstraintViolation) {
                    return Err(e);
                }
                conn.execute_batch(
                    "DELETE FROM nodes WHERE id NOT IN \
                     (SELECT MAX(id) FROM nodes GROUP BY handle);",
                )?;
                conn.execute_batch(INDEXES)?;
            }
            // Links made before this fetch: only the answer's `ph` member names them.
            {
                let mut st = conn.prepare_cached("UPDATE nodes SET ph=?1 WHERE handle=?2")?;
                for link in &summary.public_handles {
                    if let Ok(h) = api::Handle::from_b64(&link.handle) {
                        st.execute(params![link.public_handle, handle_to_i64(h)])?;
                    }
                }
            }
            set_meta(&conn, "sn", &summary.sn)?;
            set_meta(&conn, "user", &self.user)?;
            conn.execute_batch("COMMIT")
        })();
        finish.map_err(|e| self.db_err(e))?;
        // Give back the space the whole tree took in the WAL now, not when the last user of
        // the file closes it (the shell may keep it open for hours). Busy readers make this a
        // no-op, which is fine.
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(count)
    }

    /// Bring the cache up to date: one `sc` poll from the stored `sn`, its packets applied
    /// in one transaction with the new `sn`. An empty cache, or an `sn` the server refuses,
    /// means a full fetch instead. Call it after every change this client makes too: the
    /// server sends the acting session its own packets.
    ///
    /// A damaged file found on the way is rebuilt by a full fetch, never fatal.
    ///
    /// Exactly one `sc` round trip when nothing races: if the server pages a long backlog,
    /// the rest arrives with the next command's catch-up (the tree is consistent with its
    /// stored `sn` at every commit either way). `ESID`/`EBLOCKED` are returned, not
    /// answered with a full fetch: the session is the problem, not the `sn`.
    pub async fn catch_up(&self, client: &Client) -> Result<CatchUp> {
        match self.catch_up_once(client).await {
            Err(CacheError::Corrupt(_)) => {
                self.rebuild()?;
                let nodes = self.populate(client).await?;
                Ok(CatchUp::FullFetch { nodes })
            }
            other => other,
        }
    }

    async fn catch_up_once(&self, client: &Client) -> Result<CatchUp> {
        let Some(from) = self.sn()? else {
            let nodes = self.populate(client).await?;
            return Ok(CatchUp::FullFetch { nodes });
        };
        // Most catch-ups find nothing new. Polled without the write lock, they write nothing
        // (no transaction, no pragmas: a quarter of a warm one-shot command's statements).
        // Packets are applied under the lock if no other process moved the `sn` meanwhile;
        // if one did, this one takes its turn below, polling again with the lock held. So
        // does a refused `sn`: another process may be fetching the whole tree, and the
        // locked poll starts from the `sn` it stores instead of fetching it again.
        match client.poll_changes(&from).await {
            Ok(ScResult::Wait { .. }) => return Ok(CatchUp::UpToDate),
            Ok(ScResult::Packets { packets, sn }) => {
                if let Some(done) = self.apply_if_current(&from, &packets, &sn)? {
                    return Ok(done);
                }
            }
            Err(api::Error::Mega(code))
                if !matches!(code, ErrorCode::ESid | ErrorCode::EBlocked) => {}
            Err(e) => return Err(e.into()),
        }
        match self.catch_up_locked(client).await? {
            Locked::Done(c) => Ok(c),
            Locked::Refetch => {
                let nodes = self.populate(client).await?;
                Ok(CatchUp::FullFetch { nodes })
            }
        }
    }

    /// Apply `packets`, polled from `from`, if the stored `sn` is still `from`; `None` when
    /// another process applied them (or more) first.
    fn apply_if_current(
        &self,
        from: &str,
        packets: &[ActionPacket],
        sn: &str,
    ) -> Result<Option<CatchUp>> {
        let db = |e| self.db_err(e);
        let txn = Txn::begin(self.writer()?).map_err(db)?;
        if read_meta(&txn, "sn").map_err(db)?.as_deref() != Some(from) {
            return Ok(None);
        }
        apply_packets(&txn, packets).map_err(db)?;
        set_meta(&txn, "sn", sn).map_err(db)?;
        txn.commit().map_err(db)?;
        Ok(Some(CatchUp::Applied {
            packets: packets.len(),
        }))
    }

    /// One catch-up step with the cache's write lock held from reading the stored `sn` to
    /// committing the packets: processes sharing the cache take turns (the others wait on
    /// SQLite's busy timeout, then start from the `sn` this one stored), so concurrent
    /// commands converge instead of racing to apply the same packets. Readers are not held
    /// up (WAL).
    // The connection's guard is held across the `sc` round trip on purpose: it is the
    // turn-taking above, for this process's threads as for other processes. Nothing the
    // poll runs takes this cache's connection (the share resolver opens its own).
    #[allow(clippy::await_holding_lock)]
    async fn catch_up_locked(&self, client: &Client) -> Result<Locked> {
        let db = |e| self.db_err(e);
        let txn = Txn::begin(self.writer()?).map_err(db)?;
        let Some(from) = read_meta(&txn, "sn").map_err(db)? else {
            return Ok(Locked::Refetch);
        };
        let done = match client.poll_changes(&from).await {
            Ok(ScResult::Wait { .. }) => CatchUp::UpToDate,
            Ok(ScResult::Packets { packets, sn }) => {
                apply_packets(&txn, &packets).map_err(db)?;
                set_meta(&txn, "sn", &sn).map_err(db)?;
                CatchUp::Applied {
                    packets: packets.len(),
                }
            }
            Err(api::Error::Mega(code))
                if !matches!(code, ErrorCode::ESid | ErrorCode::EBlocked) =>
            {
                return Ok(Locked::Refetch);
            }
            Err(e) => return Err(e.into()),
        };
        txn.commit().map_err(db)?;
        Ok(Locked::Done(done))
    }

    /// Test hook: overwrite the stored `sn` (e.g. with one the server will refuse).
    #[doc(hidden)]
    pub fn force_sn(&self, sn: &str) -> Result<()> {
        set_meta(&*self.writer()?, "sn", sn).map_err(|e| self.db_err(e))
    }
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
        params![key, value],
    )
    .map(|_| ())
}

/// Starts a full fetch: the write lock, an empty table, no indexes until the end.
const BEGIN_FULL_FETCH: &str = "BEGIN IMMEDIATE; DELETE FROM nodes; \
     DROP INDEX IF EXISTS nodes_handle; DROP INDEX IF EXISTS nodes_place;";

/// Nodes handed to SQLite at once during a full fetch.
const INSERT_BATCH: usize = 512;

/// Nodes per INSERT statement in a full fetch: SQLite runs (starts, binds, resets) one
/// statement per 32 nodes instead of one per node (an eighth fewer of the insert's
/// instructions, measured with callgrind).
const ROWS_PER_INSERT: usize = 32;

/// Plain append for the full fetch (the table was just emptied, there is no index yet, and
/// a fresh tree has no public-link handles to keep).
fn insert_fresh(conn: &Connection, nodes: &[api::Node]) -> rusqlite::Result<()> {
    let statement = |rows: usize| {
        let row = format!("({})", vec!["?"; NODE_VALUES].join(","));
        format!(
            "INSERT INTO nodes({NODE_COLUMNS}) VALUES {}",
            vec![row; rows].join(",")
        )
    };
    static MANY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let many = MANY.get_or_init(|| statement(ROWS_PER_INSERT));
    let mut chunks = nodes.chunks_exact(ROWS_PER_INSERT);
    if chunks.len() > 0 {
        let mut st = conn.prepare_cached(many)?;
        for chunk in &mut chunks {
            for (i, n) in chunk.iter().enumerate() {
                bind_node(&mut st, 1 + i * NODE_VALUES, n)?;
            }
            st.raw_execute()?;
        }
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Only the answer's last batch has a remainder (INSERT_BATCH is a multiple of 32).
        let mut one = conn.prepare_cached(&statement(1))?;
        for n in rest {
            bind_node(&mut one, 1, n)?;
            one.raw_execute()?;
        }
    }
    Ok(())
}

fn delete_subtree(conn: &Connection, h: Handle) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!(
        "{} DELETE FROM nodes WHERE handle IN (SELECT h FROM sub)",
        super::SUBTREE_ALL
    ))?
    .execute(params![handle_to_i64(h)])
    .map(|_| ())
}

fn apply_packets(conn: &Connection, packets: &[ActionPacket]) -> rusqlite::Result<()> {
    // A move is `d` (m=1) then `t` with the node under its new parent: the subtree is kept
    // until the end of the batch and only dropped if the node did not come back.
    let mut moved_out: Vec<Handle> = Vec::new();
    let mut added: HashSet<Handle> = HashSet::new();
    for p in packets {
        match p {
            ActionPacket::NewNodes { nodes, .. } => {
                for n in nodes {
                    upsert(conn, n)?;
                    added.insert(n.handle);
                }
            }
            ActionPacket::Update { handle, at, ts, .. } => {
                let mut st =
                    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM nodes WHERE handle=?1"))?;
                let Some(mut node) = st
                    .query_row(params![handle_to_i64(*handle)], row_to_node)
                    .optional()?
                else {
                    continue;
                };
                if let Some(at) = at {
                    decrypt_update(&mut node, at);
                }
                if let Some(ts) = ts {
                    node.ts = *ts;
                }
                upsert(conn, &node)?;
            }
            ActionPacket::Delete { handle, moved, .. } => {
                if *moved {
                    moved_out.push(*handle);
                    added.remove(handle);
                } else {
                    delete_subtree(conn, *handle)?;
                }
            }
            ActionPacket::PublicLink {
                handle,
                public_handle,
                deleted,
            } => {
                let ph = if *deleted {
                    None
                } else {
                    public_handle.clone()
                };
                conn.prepare_cached("UPDATE nodes SET ph=?1 WHERE handle=?2")?
                    .execute(params![ph, handle_to_i64(*handle)])?;
            }
            ActionPacket::FileAttributes { handle, fa } => {
                conn.prepare_cached("UPDATE nodes SET fa=?1 WHERE handle=?2")?
                    .execute(params![fa, handle_to_i64(*handle)])?;
            }
            ActionPacket::Other { .. } => {}
        }
    }
    for h in moved_out {
        if !added.contains(&h) {
            delete_subtree(conn, h)?;
        }
    }
    Ok(())
}
