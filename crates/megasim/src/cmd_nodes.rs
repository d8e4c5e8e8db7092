//! Node verbs: `f` (fetch, also in folder-link sessions), `p` (put nodes), `a` (attributes),
//! `m` (move), `d` (delete), `l` (public handle), `s2` (exported-folder share).
//! Every mutation records the action packets MEGA would send (`t`, `u`, `d`, `ph`).

use super::ctx::Ctx;
use super::db;
use super::json::{esc, quote, NodeRow, Obj, NODE_COLS};
use super::{new_node_handle, ApiError, ApiResult, EACCESS, EARGS, ECIRCULAR, ENOENT, EOVERQUOTA};
use crate::crypto::b64;
use rusqlite::{params, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

type Req = Map<String, Value>;

fn str_of<'a>(obj: &'a Req, k: &str) -> Option<&'a str> {
    obj.get(k).and_then(Value::as_str)
}

/// Load one node by handle.
pub(crate) fn load(ctx: &Ctx, h: &str) -> ApiResult<Option<NodeRow>> {
    let sql = format!("SELECT {NODE_COLS} FROM nodes n WHERE n.h = ?1");
    Ok(ctx
        .db
        .query_row(&sql, params![h], NodeRow::from_row)
        .optional()?)
}

/// A node of the caller's account. Missing -> -9; another account's -> `foreign` (never
/// anything that reveals more about it).
fn own(ctx: &Ctx, h: &str, foreign: ApiError) -> ApiResult<NodeRow> {
    let uh = &ctx.user()?.uh;
    let n = load(ctx, h)?.ok_or(ENOENT)?;
    if &n.u != uh {
        return Err(foreign);
    }
    Ok(n)
}

/// Whether `h` lies inside a folder that has a public link.
fn in_public_folder(ctx: &Ctx, h: &str) -> ApiResult<bool> {
    let mut cur = h.to_string();
    for _ in 0..10_000 {
        let row: Option<(String, i64, Option<String>)> = ctx
            .db
            .query_row(
                "SELECT parent, t, ph FROM nodes WHERE h = ?1",
                params![cur],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((parent, t, ph)) = row else {
            return Ok(false);
        };
        if t == 1 && ph.is_some() {
            return Ok(true);
        }
        if parent.is_empty() {
            return Ok(false);
        }
        cur = parent;
    }
    Ok(false)
}

/// Visit a tree in parent-before-child order. `start` selects the top rows; with `versions`
/// the older versions below files are visited too (deleting a file deletes them), else the
/// walk descends through folders only. Without an ORDER BY, SQLite's recursive CTE queue is
/// FIFO: a row is emitted when it is taken off the queue and its children are queued only
/// then, so parents always come first (breadth first), with no sort over the whole tree.
pub(crate) fn walk(
    ctx: &Ctx,
    start: &str,
    param: &str,
    versions: bool,
    mut visit: impl FnMut(NodeRow),
) -> ApiResult<()> {
    let through = if versions { "" } else { "WHERE tree.t != 0" };
    let sql = format!(
        "WITH RECURSIVE tree(h, parent, owner, t, a, k, s, ts, fa, depth) AS (
             SELECT h, parent, owner, t, a, k, s, ts, fa, 0 FROM nodes WHERE {start}
             UNION ALL
             SELECT c.h, c.parent, c.owner, c.t, c.a, c.k, c.s, c.ts, c.fa, tree.depth + 1
             FROM nodes c JOIN tree ON c.parent = tree.h {through})
         SELECT {} FROM tree n",
        NODE_COLS
    );
    let mut st = ctx.db.prepare_cached(&sql)?;
    let mut rows = st.query(params![param])?;
    while let Some(r) = rows.next()? {
        visit(NodeRow::from_row(r)?);
    }
    Ok(())
}

fn subtree(ctx: &Ctx, h: &str) -> ApiResult<Vec<NodeRow>> {
    let mut v = Vec::new();
    walk(ctx, "h = ?1", h, false, |n| v.push(n))?;
    Ok(v)
}

/// Whether `h` is an older version of a file.
fn is_version(ctx: &Ctx, h: &str) -> ApiResult<bool> {
    Ok(ctx
        .db
        .query_row("SELECT ver FROM nodes WHERE h = ?1", params![h], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
        == Some(1))
}

/// Whether the account keeps versions: `vb` of the request when sent (1 keep, 0 replace),
/// else the `^!dv` user attribute ("1": versioning disabled; absent: enabled, as MEGA).
fn keeps_versions(ctx: &Ctx, uh: &str, obj: &Req) -> ApiResult<bool> {
    if let Some(vb) = obj.get("vb").and_then(Value::as_i64) {
        return Ok(vb != 0);
    }
    let dv: Option<String> = ctx
        .db
        .query_row(
            "SELECT value FROM uattrs WHERE uh = ?1 AND name = '^!dv'",
            params![uh],
            |r| r.get(0),
        )
        .optional()?;
    Ok(dv.and_then(|v| b64::decode(&v).ok()).as_deref() != Some(b"1"))
}

/// Delete these nodes' rows (and what hangs off them: share keys, shares); blobs nobody
/// references any more are freed after the command.
fn delete_rows(ctx: &mut Ctx, handles: &[String]) -> ApiResult<()> {
    let mut blobs = Vec::new();
    {
        let mut get_blob = ctx
            .db
            .prepare_cached("SELECT blob FROM nodes WHERE h = ?1")?;
        let mut del_node = ctx.db.prepare_cached("DELETE FROM nodes WHERE h = ?1")?;
        let mut del_ns = ctx
            .db
            .prepare_cached("DELETE FROM node_shares WHERE node = ?1 OR share = ?1")?;
        let mut del_share = ctx.db.prepare_cached("DELETE FROM shares WHERE h = ?1")?;
        for h in handles {
            let blob: Option<String> = get_blob.query_row(params![h], |r| r.get(0))?;
            if let Some(b) = blob {
                blobs.push(b);
            }
            del_node.execute(params![h])?;
            del_ns.execute(params![h])?;
            del_share.execute(params![h])?;
        }
    }
    blobs.sort();
    blobs.dedup();
    for b in blobs {
        let used: bool = ctx.db.query_row(
            "SELECT EXISTS(SELECT 1 FROM nodes WHERE blob = ?1)
                 OR EXISTS(SELECT 1 FROM uploads WHERE blob = ?1)",
            params![b],
            |r| r.get(0),
        )?;
        if !used {
            ctx.dead_blobs.push(b);
        }
    }
    Ok(())
}

/// Delete `h` with everything below it (a folder's contents, a file's older versions) and
/// record the `d` packet.
fn delete_tree(ctx: &mut Ctx, uh: &str, h: &str, obj: &Req) -> ApiResult<()> {
    let scope = ctx.scope_of(h)?;
    let mut handles = Vec::new();
    walk(ctx, "h = ?1", h, true, |r| handles.push(r.h))?;
    delete_rows(ctx, &handles)?;
    let packet = packet_head("d", obj).s("n", h).s("ou", uh).end();
    ctx.packet(uh, &scope, packet)
}

/// Common members of an action packet: `a`, then `i` when the command had one.
fn packet_head(kind: &str, obj: &Req) -> Obj {
    Obj::new().s("a", kind).os("i", str_of(obj, "i"))
}

/// `f`: the whole tree, roots first, parents before children; or a folder link's subtree.
pub fn f(ctx: &mut Ctx, _obj: &Req) -> ApiResult<String> {
    let sn = super::encode_sn(db::current_sn(ctx.db)?);
    if let Some((_, root, _)) = ctx.link.clone() {
        // Folder-link session: keys are the node keys wrapped with the share key, prefixed
        // with the root node's handle; nodes without such a key cannot be shown.
        let mut out = String::from("{\"f\":[");
        let mut first = true;
        let prefix = format!("{root}:");
        walk(ctx, "h = ?1", &root, false, |n| {
            let key = n.shares.as_deref().and_then(|s| {
                s.split('/')
                    .find_map(|pair| pair.strip_prefix(prefix.as_str()))
                    .map(str::to_string)
            });
            if let Some(key) = key {
                if !first {
                    out.push(',');
                }
                first = false;
                n.write(&mut out, &format!("{root}:{key}"));
            }
        })?;
        out.push_str("],\"ok\":[],\"s\":[],\"u\":[],\"sn\":");
        esc(&mut out, &sn);
        out.push('}');
        return Ok(out);
    }
    let user = ctx.user()?.clone();
    let mut out = String::with_capacity(4096);
    out.push_str("{\"f\":[");
    write_account_nodes(ctx, &user.uh, &mut out)?;
    out.push(']');
    write_versions(ctx, &user.uh, &mut out)?;
    out.push_str(",\"ok\":[");
    let mut ok = Vec::new();
    let mut shares = Vec::new();
    {
        let mut st = ctx
            .db
            .prepare_cached("SELECT h, ok, ha, r, ts FROM shares WHERE owner = ?1 ORDER BY ts")?;
        let mut rows = st.query(params![user.uh])?;
        while let Some(r) = rows.next()? {
            let h: String = r.get(0)?;
            let k: String = r.get(1)?;
            let ha: String = r.get(2)?;
            ok.push(Obj::new().s("h", &h).s("ha", &ha).s("k", &k).end());
            shares.push(
                Obj::new()
                    .s("h", &h)
                    .s("u", "EXP")
                    .i("r", r.get(3)?)
                    .i("ts", r.get(4)?)
                    .end(),
            );
        }
    }
    out.push_str(&ok.join(","));
    out.push_str("],\"s\":[");
    out.push_str(&shares.join(","));
    out.push_str("],\"u\":[");
    let u = Obj::new()
        .s("u", &user.uh)
        .i("c", 2)
        .s("m", &user.email)
        .end();
    out.push_str(&u);
    out.push(']');
    // Public handles of exported nodes (megajs builds `shareURL` from these).
    let mut links = Vec::new();
    {
        let mut st = ctx
            .db
            .prepare_cached("SELECT h, ph FROM nodes WHERE ph > '' AND +owner = ?1")?;
        let mut rows = st.query(params![user.uh])?;
        while let Some(r) = rows.next()? {
            let h: String = r.get(0)?;
            let ph: String = r.get(1)?;
            links.push(Obj::new().s("h", &h).s("ph", &ph).end());
        }
    }
    if !links.is_empty() {
        out.push_str(",\"ph\":[");
        out.push_str(&links.join(","));
        out.push(']');
    }
    out.push_str(",\"sn\":");
    esc(&mut out, &sn);
    out.push('}');
    Ok(out)
}

/// A node handle as a number (handles are 6 bytes); other strings get a hash.
fn handle_key(h: &str) -> u64 {
    match b64::decode(h) {
        Ok(b) if b.len() <= 8 => b.iter().fold(0u64, |acc, x| acc << 8 | *x as u64) | 1 << 63,
        _ => {
            use std::hash::{Hash, Hasher};
            let mut s = std::collections::hash_map::DefaultHasher::new();
            h.hash(&mut s);
            s.finish() & !(1 << 63)
        }
    }
}

/// Append every node of the account to `out`, parents before children. Rows come in creation
/// order, in which a parent almost always precedes its children; the few that do not (moved
/// under a newer folder) wait until their parent has been written. Only the handles written so
/// far are kept in memory, never the tree.
fn write_account_nodes(ctx: &mut Ctx, uh: &str, out: &mut String) -> ApiResult<()> {
    let sql = format!(
        "SELECT {NODE_COLS} FROM nodes n WHERE n.owner = ?1 AND n.ver = 0 ORDER BY n.rowid"
    );
    let db = ctx.db;
    let mut st = db.prepare_cached(&sql)?;
    let mut rows = st.query(params![uh])?;
    let mut written: HashSet<u64> = HashSet::new();
    let mut waiting: HashMap<u64, Vec<NodeRow>> = HashMap::new();
    let mut first = true;
    let mut emit = |n: NodeRow, out: &mut String, written: &mut HashSet<u64>| {
        if !first {
            out.push(',');
        }
        first = false;
        n.write(out, &n.owner_k());
        written.insert(handle_key(&n.h));
        n.h
    };
    while let Some(r) = rows.next()? {
        let n = NodeRow::from_row(r)?;
        if !n.p.is_empty() && !written.contains(&handle_key(&n.p)) {
            waiting.entry(handle_key(&n.p)).or_default().push(n);
            continue;
        }
        let mut stack = vec![emit(n, out, &mut written)];
        while let Some(h) = stack.pop() {
            if let Some(children) = waiting.remove(&handle_key(&h)) {
                for c in children {
                    stack.push(emit(c, out, &mut written));
                }
            }
            ctx.spill(out)?;
        }
    }
    // Nodes whose parent is gone (should not exist) are still listed rather than lost.
    for (_, children) in waiting.drain() {
        for c in children {
            emit(c, out, &mut written);
        }
    }
    Ok(())
}

/// `,"f2":[…]`: the account's older file versions, newest first (each one's parent, the next
/// newer version, comes before it); nothing when there are none.
fn write_versions(ctx: &Ctx, uh: &str, out: &mut String) -> ApiResult<()> {
    let sql = format!(
        "SELECT {NODE_COLS} FROM nodes n WHERE n.owner = ?1 AND n.ver = 1 ORDER BY n.rowid DESC"
    );
    let mut st = ctx.db.prepare_cached(&sql)?;
    let mut rows = st.query(params![uh])?;
    let mut first = true;
    while let Some(r) = rows.next()? {
        let n = NodeRow::from_row(r)?;
        out.push_str(if first { ",\"f2\":[" } else { "," });
        first = false;
        n.write(out, &n.owner_k());
    }
    if !first {
        out.push(']');
    }
    Ok(())
}

/// Is `k` a well-formed wrapped key for node type `t` (folder 16 bytes, file 32)?
fn key_ok(k: &str, t: i64) -> bool {
    match b64::decode(k) {
        Ok(b) => b.len() == if t == 0 { 32 } else { 16 },
        Err(_) => false,
    }
}

fn fresh_handle(ctx: &Ctx) -> ApiResult<String> {
    loop {
        let h = new_node_handle();
        let taken: bool = ctx.db.query_row(
            "SELECT EXISTS(SELECT 1 FROM nodes WHERE h = ?1)",
            params![h],
            |r| r.get(0),
        )?;
        if !taken {
            return Ok(h);
        }
    }
}

/// Apply `cr` material `[[shares],[nodes],[si, ni, key, …]]`: node keys wrapped with share
/// keys, stored as extra `share:key` pairs of the nodes' `k`. `map` resolves the temporary
/// handles of nodes created by the same command.
/// `created`: the nodes a `p` just made, in the order of its `n`. MEGA's SDK and web client
/// send `cr` with an empty node list and node indexes into `n` (they know no handles yet);
/// megajs sends the temporary handles instead (mapped through `map`).
fn apply_cr(
    ctx: &Ctx,
    cr: Option<&Value>,
    map: &HashMap<String, String>,
    created: &[String],
) -> ApiResult<()> {
    let Some(cr) = cr else { return Ok(()) };
    let uh = ctx.user()?.uh.clone();
    let arr = cr.as_array().ok_or(EARGS)?;
    let [shares, nodes, triples] = arr.as_slice() else {
        return Err(EARGS);
    };
    let (shares, nodes, triples) = (
        shares.as_array().ok_or(EARGS)?,
        nodes.as_array().ok_or(EARGS)?,
        triples.as_array().ok_or(EARGS)?,
    );
    let resolve = |v: &Value| -> ApiResult<String> {
        let h = v.as_str().ok_or(EARGS)?;
        let h = map.get(h).cloned().unwrap_or_else(|| h.to_string());
        let owner: Option<String> = ctx
            .db
            .query_row("SELECT owner FROM nodes WHERE h = ?1", params![h], |r| {
                r.get(0)
            })
            .optional()?;
        match owner {
            Some(o) if o == uh => Ok(h),
            Some(_) => Err(EACCESS),
            None => Err(ENOENT),
        }
    };
    let shares: Vec<String> = shares.iter().map(resolve).collect::<ApiResult<_>>()?;
    let nodes: Vec<String> = if nodes.is_empty() {
        created.to_vec()
    } else {
        nodes.iter().map(resolve).collect::<ApiResult<_>>()?
    };
    if triples.len() % 3 != 0 {
        return Err(EARGS);
    }
    for t in triples.chunks(3) {
        let si = t[0].as_u64().ok_or(EARGS)? as usize;
        let ni = t[1].as_u64().ok_or(EARGS)? as usize;
        let key = t[2].as_str().ok_or(EARGS)?;
        let (Some(share), Some(node)) = (shares.get(si), nodes.get(ni)) else {
            return Err(EARGS);
        };
        if b64::decode(key).map_or(true, |b| b.is_empty() || b.len() % 16 != 0) {
            return Err(EARGS);
        }
        ctx.db.execute(
            "INSERT OR REPLACE INTO node_shares(node, share, key) VALUES (?1, ?2, ?3)",
            params![node, share, key],
        )?;
    }
    Ok(())
}

/// `p`: create folders (temporary handles, nested via `p`), complete uploads (36- or 48-char
/// token), copy an own file (its 8-char node handle in `h`), or import a file link (`ph`).
pub fn p(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?;
    let (uh, storage_max) = (user.uh.clone(), user.storage_max);
    let target = own(ctx, str_of(obj, "t").ok_or(EARGS)?, EACCESS)?;
    if target.t == 0 {
        return Err(EACCESS);
    }
    let new = obj.get("n").and_then(Value::as_array).ok_or(EARGS)?;
    // Copies (of own files or from links) add stored bytes; uploads were counted at `u`.
    let mut copied = false;
    if new.is_empty() {
        return Err(EARGS);
    }
    let mut map: HashMap<String, String> = HashMap::new();
    let mut created = Vec::new();
    // (new node, the current file it replaces) from `ov`.
    let mut replaced: Vec<(String, String)> = Vec::new();
    for n in new {
        let n = n.as_object().ok_or(EARGS)?;
        let t = n.get("t").and_then(Value::as_i64).ok_or(EARGS)?;
        let a = str_of(n, "a").ok_or(EARGS)?;
        let k = str_of(n, "k").ok_or(EARGS)?;
        if !(t == 0 || t == 1) || !key_ok(k, t) || a.len() > 65536 {
            return Err(EARGS);
        }
        let parent = match str_of(n, "p") {
            Some(p) if map.contains_key(p) => map[p].clone(),
            Some(p) => {
                let pn = own(ctx, p, EACCESS)?;
                if pn.t == 0 {
                    return Err(EACCESS);
                }
                pn.h
            }
            None => target.h.clone(),
        };
        let h = fresh_handle(ctx)?;
        let (size, blob) = if t == 1 {
            (None, None)
        } else if let Some(ph) = str_of(n, "ph") {
            let src: Option<(Option<i64>, Option<String>)> = ctx
                .db
                .query_row(
                    "SELECT s, blob FROM nodes WHERE ph = ?1 AND t = 0",
                    params![ph],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (s, blob) = src.ok_or(ENOENT)?;
            copied = true;
            (Some(s.unwrap_or(0)), blob)
        } else if let Some(src) = str_of(n, "h").filter(|h| h.len() == 8) {
            // A node handle instead of an upload token: a server-side copy (the SDK's
            // copyNode and MEGAcmd's cp). The new node shares the source's stored data.
            let row: Option<(String, i64, Option<i64>, Option<String>)> = ctx
                .db
                .query_row(
                    "SELECT owner, t, s, blob FROM nodes WHERE h = ?1",
                    params![src],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (owner, st, s, blob) = row.ok_or(ENOENT)?;
            // Someone else's file is copyable when it lies in a folder they published as a
            // link: that is how clients import a folder link (anyone with it can read it).
            if owner != uh && !in_public_folder(ctx, src)? {
                return Err(EACCESS);
            }
            if st != 0 {
                return Err(EARGS);
            }
            copied = true;
            (Some(s.unwrap_or(0)), blob)
        } else {
            let token = str_of(n, "h").ok_or(EARGS)?;
            let up: Option<(i64, String, String)> = ctx
                .db
                .query_row(
                    "SELECT size, blob, token FROM uploads WHERE done = ?1 AND owner = ?2",
                    params![token, uh],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (size, blob, utoken) = up.ok_or(EARGS)?;
            ctx.db
                .execute("DELETE FROM uploads WHERE token = ?1", params![utoken])?;
            (Some(size), Some(blob))
        };
        if let Some(tmp) = str_of(n, "h") {
            map.insert(tmp.to_string(), h.clone());
        }
        ctx.db.execute(
            "INSERT INTO nodes(h, owner, parent, t, a, k, s, ts, fa, blob)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                h,
                uh,
                parent,
                t,
                a,
                k,
                size,
                ctx.now,
                str_of(n, "fa").map(|f| merge_fa(None, f)),
                blob
            ],
        )?;
        // `ov`: the file this upload is a new version of. Anything but a current file of
        // the caller is ignored (the node is then simply added).
        if let Some(ov) = str_of(n, "ov").filter(|_| t == 0) {
            let old = load(ctx, ov)?;
            if old.is_some_and(|o| o.u == uh && o.t == 0) && !is_version(ctx, ov)? {
                replaced.push((h.clone(), ov.to_string()));
            }
        }
        created.push(h);
    }
    // The replaced file becomes the newest older version (its own versions stay below it);
    // with versioning off it is deleted and its older versions move under the new node.
    let keep = replaced.is_empty() || keeps_versions(ctx, &uh, obj)?;
    let mut moved = Vec::new();
    let mut gone = Vec::new();
    for (new_h, old_h) in &replaced {
        if keep {
            ctx.db.execute(
                "UPDATE nodes SET parent = ?1, ver = 1 WHERE h = ?2",
                params![new_h, old_h],
            )?;
            moved.push(old_h.clone());
        } else {
            let older: Vec<String> = {
                let mut st = ctx
                    .db
                    .prepare_cached("SELECT h FROM nodes WHERE parent = ?1")?;
                let rows = st.query_map(params![old_h], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for c in older {
                ctx.db.execute(
                    "UPDATE nodes SET parent = ?1 WHERE h = ?2",
                    params![new_h, c],
                )?;
                moved.push(c);
            }
            gone.push(old_h.clone());
        }
    }
    // Checked with the new nodes in place; an error rolls the whole command back.
    if copied && db::storage_used(ctx.db, &uh)? > storage_max {
        return Err(EOVERQUOTA);
    }
    apply_cr(ctx, obj.get("cr"), &map, &created)?;
    let mut nodes = Vec::with_capacity(created.len());
    for h in &created {
        nodes.push(load(ctx, h)?.ok_or(super::EINTERNAL)?.to_owner_json());
    }
    let list = format!("[{}]", nodes.join(","));
    // Versions travel in `f2` of the packet, as in `f`: the SDK reads both, and clients
    // that know no versions (megajs) are not handed a file whose parent is a file.
    let mut t = Obj::new().raw("f", &list);
    if !moved.is_empty() {
        let mut old = Vec::with_capacity(moved.len());
        for h in &moved {
            old.push(load(ctx, h)?.ok_or(super::EINTERNAL)?.to_owner_json());
        }
        t = t.raw("f2", &format!("[{}]", old.join(",")));
    }
    let packet = packet_head("t", obj).raw("t", &t.end()).s("ou", &uh).end();
    ctx.packet_about(&uh, &target.h, packet)?;
    for h in gone {
        let scope = ctx.scope_of(&h)?;
        delete_rows(ctx, std::slice::from_ref(&h))?;
        let packet = packet_head("d", obj).s("n", &h).s("ou", &uh).end();
        ctx.packet(&uh, &scope, packet)?;
    }
    Ok(Obj::new().raw("f", &list).end())
}

/// The storage cluster megasim names in `fa` strings (MEGA's are numbers too).
const FA_CLUSTER: &str = "924";

/// A node's `fa` string with the attributes of `add` (`TYPE*HANDLE/…`, a cluster prefix
/// allowed) replacing those of the same type in `existing`: `CLUSTER:TYPE*HANDLE/…`, by type.
fn merge_fa(existing: Option<&str>, add: &str) -> String {
    let mut by_type: std::collections::BTreeMap<u32, String> = Default::default();
    for part in existing.into_iter().chain([add]).flat_map(|s| s.split('/')) {
        let bare = part.split_once(':').map_or(part, |(_, b)| b);
        let Some((t, h)) = bare.split_once('*') else {
            continue;
        };
        if let Ok(t) = t.parse::<u32>() {
            by_type.insert(t, format!("{FA_CLUSTER}:{t}*{h}"));
        }
    }
    by_type.into_values().collect::<Vec<_>>().join("/")
}

/// `pfa`: attach file attributes (`fa`: `TYPE*HANDLE`, from `ufa` uploads) to one of the
/// caller's files; answers the node's new `fa` string and tells other sessions (`fa` packet).
pub fn pfa(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let n = own(ctx, str_of(obj, "n").ok_or(EARGS)?, EACCESS)?;
    if n.t != 0 {
        return Err(EACCESS);
    }
    let add = str_of(obj, "fa").ok_or(EARGS)?;
    for part in add.split('/') {
        let (t, h) = part.rsplit_once('*').ok_or(EARGS)?;
        // Types 8 and 9 (media information) carry their (encrypted) value in place of a
        // handle.
        if matches!(t.rsplit(':').next(), Some("8" | "9")) {
            continue;
        }
        let known: bool = ctx.db.query_row(
            "SELECT EXISTS(SELECT 1 FROM fattrs WHERE h = ?1)",
            params![h],
            |r| r.get(0),
        )?;
        if !known {
            return Err(ENOENT);
        }
    }
    let fa = merge_fa(n.fa.as_deref(), add);
    ctx.db
        .execute("UPDATE nodes SET fa = ?1 WHERE h = ?2", params![fa, n.h])?;
    let packet = packet_head("fa", obj)
        .s("n", &n.h)
        .s("fa", &fa)
        .s("ou", &uh)
        .end();
    ctx.packet_about(&uh, &n.h, packet)?;
    Ok(quote(&fa))
}

/// `a`: set attributes; accepts the modern `at` and the legacy `attr` (+ ignored `key`).
pub fn a(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let n = own(ctx, str_of(obj, "n").ok_or(EARGS)?, ENOENT)?;
    if n.t >= 2 {
        return Err(EACCESS);
    }
    let at = str_of(obj, "at")
        .or_else(|| str_of(obj, "attr"))
        .ok_or(EARGS)?;
    if at.len() > 65536 || b64::decode(at).is_err() {
        return Err(EARGS);
    }
    ctx.db
        .execute("UPDATE nodes SET a = ?1 WHERE h = ?2", params![at, n.h])?;
    let packet = packet_head("u", obj)
        .s("n", &n.h)
        .s("u", &n.u)
        .s("at", at)
        .i("ts", ctx.now)
        .s("ou", &uh)
        .end();
    ctx.packet_about(&uh, &n.h, packet)?;
    Ok("0".into())
}

/// `m`: move a subtree; `-10` into itself, `-11` for roots and other accounts' nodes.
pub fn m(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let n = own(ctx, str_of(obj, "n").ok_or(EARGS)?, EACCESS)?;
    let t = own(ctx, str_of(obj, "t").ok_or(EARGS)?, EACCESS)?;
    if n.t >= 2 || t.t == 0 || is_version(ctx, &n.h)? {
        return Err(EACCESS);
    }
    // Moving a folder under itself (or under its own subtree) would detach a cycle.
    if ctx.is_under(&t.h, &n.h)? {
        return Err(ECIRCULAR);
    }
    let before = ctx.scope_of(&n.h)?;
    ctx.db.execute(
        "UPDATE nodes SET parent = ?1 WHERE h = ?2",
        params![t.h, n.h],
    )?;
    apply_cr(ctx, obj.get("cr"), &HashMap::new(), &[])?;
    let nodes: Vec<String> = subtree(ctx, &n.h)?
        .iter()
        .map(NodeRow::to_owner_json)
        .collect();
    let del = packet_head("d", obj)
        .s("n", &n.h)
        .i("m", 1)
        .s("ou", &uh)
        .end();
    ctx.packet(&uh, &before, del)?;
    let list = format!("[{}]", nodes.join(","));
    let add = packet_head("t", obj)
        .raw("t", &Obj::new().raw("f", &list).end())
        .s("ou", &uh)
        .end();
    ctx.packet_about(&uh, &t.h, add)?;
    Ok("0".into())
}

/// `d`: delete a subtree for good (a file with its older versions); blobs nobody references
/// any more are freed. With `v:1` a file alone goes and the next older version takes its
/// place in the chain (as the newest, current one when the current file was deleted).
pub fn d(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let n = own(ctx, str_of(obj, "n").ok_or(EARGS)?, ENOENT)?;
    if n.t >= 2 {
        return Err(EACCESS);
    }
    if n.t == 0 && obj.get("v").and_then(Value::as_i64) == Some(1) {
        let older: Option<String> = ctx
            .db
            .query_row(
                "SELECT h FROM nodes WHERE parent = ?1 AND ver = 1",
                params![n.h],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(c) = older {
            let ver = i64::from(is_version(ctx, &n.h)?);
            ctx.db.execute(
                "UPDATE nodes SET parent = ?1, ver = ?2 WHERE h = ?3",
                params![n.p, ver, c],
            )?;
            let row = load(ctx, &c)?.ok_or(super::EINTERNAL)?.to_owner_json();
            let member = if ver == 1 { "f2" } else { "f" };
            let t = Obj::new().raw(member, &format!("[{row}]"));
            let t = if ver == 1 { t.raw("f", "[]") } else { t };
            // Before the `d`: a client drops the deleted node's subtree, which held this one.
            let packet = packet_head("t", obj).raw("t", &t.end()).s("ou", &uh).end();
            ctx.packet_about(&uh, &c, packet)?;
        }
        let scope = ctx.scope_of(&n.h)?;
        delete_rows(ctx, std::slice::from_ref(&n.h))?;
        let packet = packet_head("d", obj)
            .s("n", &n.h)
            .i("v", 1)
            .s("ou", &uh)
            .end();
        ctx.packet(&uh, &scope, packet)?;
        return Ok("0".into());
    }
    delete_tree(ctx, &uh, &n.h, obj)?;
    Ok("0".into())
}

/// `dv`: delete every older version of every file of the account (the files stay).
pub fn dv(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let newest: Vec<String> = {
        let mut st = ctx.db.prepare_cached(
            "SELECT v.h FROM nodes v JOIN nodes f ON f.h = v.parent
             WHERE v.owner = ?1 AND v.ver = 1 AND f.ver = 0",
        )?;
        let rows = st.query_map(params![uh], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for h in newest {
        delete_tree(ctx, &uh, &h, obj)?;
    }
    Ok("0".into())
}

/// `dr`: empty the rubbish bin (everything in it is deleted for good).
pub fn dr(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?.clone();
    let inside: Vec<String> = {
        let mut st = ctx
            .db
            .prepare_cached("SELECT h FROM nodes WHERE parent = ?1")?;
        let rows = st.query_map(params![user.rubbish], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for h in inside {
        delete_tree(ctx, &user.uh, &h, obj)?;
    }
    Ok("0".into())
}

/// `l`: the node's public handle (stable: the same one every time), or `d:1` to remove it.
pub fn l(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let n = own(ctx, str_of(obj, "n").ok_or(EARGS)?, ENOENT)?;
    if n.t >= 2 {
        return Err(EACCESS);
    }
    let existing: Option<String> =
        ctx.db
            .query_row("SELECT ph FROM nodes WHERE h = ?1", params![n.h], |r| {
                r.get(0)
            })?;
    let remove = obj
        .get("d")
        .is_some_and(|v| v.as_i64() == Some(1) || v == "1");
    // Link expiry is a PRO feature and megasim accounts are all free: refuse as MEGA does
    // for free accounts (access denied) rather than pretend to store it.
    if obj.get("ets").is_some() && !remove {
        return Err(EACCESS);
    }
    if remove {
        let Some(ph) = existing else {
            return Err(ENOENT);
        };
        ctx.db
            .execute("UPDATE nodes SET ph = NULL WHERE h = ?1", params![n.h])?;
        let packet = packet_head("ph", obj)
            .s("h", &n.h)
            .s("ph", &ph)
            .i("d", 1)
            .s("ou", &uh)
            .end();
        ctx.packet_about(&uh, &n.h, packet)?;
        return Ok("0".into());
    }
    if let Some(ph) = existing {
        return Ok(quote(&ph));
    }
    let ph = loop {
        let ph = new_node_handle();
        let taken: bool = ctx.db.query_row(
            "SELECT EXISTS(SELECT 1 FROM nodes WHERE ph = ?1)",
            params![ph],
            |r| r.get(0),
        )?;
        if !taken {
            break ph;
        }
    };
    ctx.db
        .execute("UPDATE nodes SET ph = ?1 WHERE h = ?2", params![ph, n.h])?;
    let packet = packet_head("ph", obj)
        .s("h", &n.h)
        .s("ph", &ph)
        .i("n", 1)
        .i("ts", ctx.now)
        .s("ou", &uh)
        .end();
    ctx.packet_about(&uh, &n.h, packet)?;
    Ok(quote(&ph))
}

/// `s2`: only the exported-link share (`u:"EXP"`) is supported; `r:""` removes it.
pub fn s2(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let n = own(ctx, str_of(obj, "n").ok_or(EARGS)?, ENOENT)?;
    if n.t != 1 {
        return Err(EACCESS);
    }
    let entries = obj.get("s").and_then(Value::as_array).ok_or(EARGS)?;
    let mut results = Vec::new();
    for e in entries {
        let e = e.as_object().ok_or(EARGS)?;
        if str_of(e, "u") != Some("EXP") {
            // Shares with other users are not implemented.
            results.push("-11".to_string());
            continue;
        }
        match e.get("r") {
            Some(Value::String(s)) if s.is_empty() => {
                ctx.db
                    .execute("DELETE FROM shares WHERE h = ?1", params![n.h])?;
                ctx.db
                    .execute("DELETE FROM node_shares WHERE share = ?1", params![n.h])?;
            }
            Some(r) => {
                let r = r.as_i64().ok_or(EARGS)?;
                let existing: Option<(String, String)> = ctx
                    .db
                    .query_row(
                        "SELECT ok, ha FROM shares WHERE h = ?1",
                        params![n.h],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()?;
                let ok = str_of(obj, "ok")
                    .map(str::to_string)
                    .or_else(|| existing.as_ref().map(|x| x.0.clone()))
                    .ok_or(EARGS)?;
                let ha = str_of(obj, "ha")
                    .map(str::to_string)
                    .or_else(|| existing.as_ref().map(|x| x.1.clone()))
                    .ok_or(EARGS)?;
                if b64::decode(&ok).map_or(true, |b| b.len() != 16) {
                    return Err(EARGS);
                }
                ctx.db.execute(
                    "INSERT INTO shares(h, owner, ok, ha, r, ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(h) DO UPDATE SET ok = excluded.ok, ha = excluded.ha,
                         r = excluded.r",
                    params![n.h, uh, ok, ha, r, ctx.now],
                )?;
            }
            None => return Err(EARGS),
        }
        results.push("0".to_string());
    }
    apply_cr(ctx, obj.get("cr"), &HashMap::new(), &[])?;
    Ok(Obj::new()
        .raw("r", &format!("[{}]", results.join(",")))
        .raw("u", "[]")
        .end())
}

#[cfg(test)]
mod fa_tests {
    #[test]
    fn fa_strings_merge_by_type() {
        assert_eq!(super::merge_fa(None, "0*AAAAAAAAAAA"), "924:0*AAAAAAAAAAA");
        assert_eq!(
            super::merge_fa(Some("1:0*old/1:1*prev"), "0*new"),
            "924:0*new/924:1*prev"
        );
    }
}
