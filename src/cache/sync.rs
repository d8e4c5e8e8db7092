//! Filling and updating the cache: the full fetch streamed into one transaction, and the
//! `sc` catch-up applied as one transaction committed with its new sequence number.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension};

use super::{
    handle_to_i64, node_params, row_to_node, upsert, Cache, CacheError, Result, COLUMNS, INDEXES,
};
use crate::api::{
    self, fetch::Fetched, tree::decrypt_update, ActionPacket, Client, ErrorCode, Handle, ScResult,
};

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

/// How many times a catch-up re-polls when other processes keep committing first.
const CAS_ATTEMPTS: usize = 16;

enum Applied {
    Done,
    /// Another process committed first; its `sn` is where to poll from now.
    Moved(Option<String>),
}

impl Cache {
    /// Replace the whole tree with a full fetch (`f`). Nodes are inserted as the answer is
    /// parsed, inside one transaction that also stores the new `sn`: readers see the old
    /// tree until the commit, never a half-filled one.
    pub async fn populate(&self, client: &Client) -> Result<u64> {
        drop(self.writer()?);
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
                // the old tree (WAL) and their writes wait (busy timeout).
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
        let conn = self.conn();
        let summary = match (fetched, db_error) {
            (_, Some(e)) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(self.db_err(e));
            }
            (Err(e), None) => {
                if begun {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                return Err(e.into());
            }
            (Ok(s), None) => s,
        };
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
            set_meta(&conn, "sn", &summary.sn)?;
            set_meta(&conn, "user", &self.user)?;
            conn.execute_batch("COMMIT")
        })();
        if let Err(e) = finish {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(self.db_err(e));
        }
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
        let Some(mut from) = self.sn()? else {
            let nodes = self.populate(client).await?;
            return Ok(CatchUp::FullFetch { nodes });
        };
        for _ in 0..CAS_ATTEMPTS {
            match client.poll_changes(&from).await {
                Ok(ScResult::Wait { .. }) => return Ok(CatchUp::UpToDate),
                Ok(ScResult::Packets { packets, sn }) => match self.apply(&from, &sn, &packets)? {
                    Applied::Done => {
                        return Ok(CatchUp::Applied {
                            packets: packets.len(),
                        })
                    }
                    Applied::Moved(Some(newer)) => from = newer,
                    Applied::Moved(None) => {
                        let nodes = self.populate(client).await?;
                        return Ok(CatchUp::FullFetch { nodes });
                    }
                },
                Err(api::Error::Mega(code))
                    if !matches!(code, ErrorCode::ESid | ErrorCode::EBlocked) =>
                {
                    let nodes = self.populate(client).await?;
                    return Ok(CatchUp::FullFetch { nodes });
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(CacheError::Contention)
    }

    /// Apply one batch if the stored `sn` is still `from` (compare and swap).
    fn apply(&self, from: &str, to: &str, packets: &[ActionPacket]) -> Result<Applied> {
        let mut conn = self.writer()?;
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.db_err(e))?;
        let stored: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key='sn'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.db_err(e))?;
        if stored.as_deref() != Some(from) {
            return Ok(Applied::Moved(stored));
        }
        apply_packets(&tx, packets).map_err(|e| self.db_err(e))?;
        set_meta(&tx, "sn", to).map_err(|e| self.db_err(e))?;
        tx.commit().map_err(|e| self.db_err(e))?;
        Ok(Applied::Done)
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
     DROP INDEX IF EXISTS nodes_handle; DROP INDEX IF EXISTS nodes_parent_name;";

/// Nodes handed to SQLite at once during a full fetch.
const INSERT_BATCH: usize = 512;

/// Plain append for the full fetch (the table was just emptied, there is no index yet, and
/// a fresh tree has no public-link handles to keep).
fn insert_fresh(conn: &Connection, nodes: &[api::Node]) -> rusqlite::Result<()> {
    let mut st = conn.prepare_cached(
        "INSERT INTO nodes(handle, parent, type, name, size, ts, mtime, key, fingerprint, \
         attrs, fa, owner, share_user, share_access, flags) \
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for n in nodes {
        st.execute(node_params!(n))?;
    }
    Ok(())
}

fn delete_subtree(conn: &Connection, h: Handle) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!(
        "{} DELETE FROM nodes WHERE handle IN (SELECT h FROM sub)",
        super::SUBTREE
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
