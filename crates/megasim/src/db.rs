//! SQLite storage: schema, opening (WAL, busy timeout) and the account/session rows.
//!
//! The server and the CLI (`user add/block`, `seed`) open the same file at the same time, so
//! account state is always read from the database per request, never cached in memory.

use super::ApiResult;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS users(
    uh TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    salt TEXT,
    k TEXT NOT NULL,
    auth TEXT NOT NULL,
    privk TEXT,
    pubk TEXT,
    ts TEXT NOT NULL,
    keys_av TEXT,
    keys_v TEXT,
    mfa TEXT,
    name TEXT NOT NULL,
    blocked INTEGER NOT NULL DEFAULT 0,
    since INTEGER NOT NULL,
    root TEXT NOT NULL,
    inbox TEXT NOT NULL,
    rubbish TEXT NOT NULL,
    -- Storage quota in bytes (`uq` mstrg; `u` and copies beyond it answer -17); NULL: the
    -- free plan's 20 GiB.
    storage_max INTEGER,
    -- Bytes of the account's files, kept by the triggers below (summing a million nodes
    -- per upload URL took half a second).
    storage_used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS logins(
    uh TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions(
    sid TEXT PRIMARY KEY,
    uh TEXT NOT NULL,
    sek TEXT,
    created INTEGER NOT NULL,
    -- For `usl`: last use (to the second), the client's User-Agent and address, and whether
    -- the session still works (`sml` and `usr` end it; the row stays, as MEGA lists ended
    -- sessions too).
    mru INTEGER NOT NULL DEFAULT 0,
    ua TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    alive INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS nodes(
    h TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    parent TEXT NOT NULL,
    t INTEGER NOT NULL,
    a TEXT NOT NULL,
    k TEXT NOT NULL,
    s INTEGER,
    ts INTEGER NOT NULL,
    fa TEXT,
    blob TEXT,
    ph TEXT UNIQUE,
    -- 1 for a file's older version: its `parent` is the next newer version (a file), and
    -- `f` sends it in `f2`, as MEGA does.
    ver INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS nodes_parent ON nodes(parent);
CREATE INDEX IF NOT EXISTS nodes_owner ON nodes(owner, parent);
-- Entries with the same owner are in rowid (creation) order: `f` streams an account's nodes
-- in that order without a sort.
CREATE INDEX IF NOT EXISTS nodes_by_owner ON nodes(owner);
CREATE INDEX IF NOT EXISTS nodes_blob ON nodes(blob);
-- File attributes (thumbnails, previews): encrypted by the client, stored as they came, by
-- their 8-byte handle (b64). `fa_uploads` are the URLs `ufa` handed out.
CREATE TABLE IF NOT EXISTS fattrs(
    h TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS fa_uploads(
    token TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created INTEGER NOT NULL
);
-- Sign-ups waiting for their confirmation link (`uc2` → `ud2`): the ephemeral account `uh`
-- becomes `email` with this password (salt, hashed auth key, wrapped master key).
CREATE TABLE IF NOT EXISTS signups(
    code TEXT PRIMARY KEY,
    uh TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    salt TEXT NOT NULL,
    hak TEXT NOT NULL,
    k TEXT NOT NULL,
    created INTEGER NOT NULL
);
-- Cancellation links handed out by `erm` (`t:21`), until `erx` uses them.
CREATE TABLE IF NOT EXISTS cancels(
    code TEXT PRIMARY KEY,
    uh TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS uattrs(
    uh TEXT NOT NULL,
    name TEXT NOT NULL,
    -- b64 of the value, as `up2` sends it and `uga` answers it.
    value TEXT NOT NULL,
    v TEXT NOT NULL,
    PRIMARY KEY(uh, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS node_shares(
    node TEXT NOT NULL,
    share TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY(node, share)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_shares_share ON node_shares(share);
CREATE TABLE IF NOT EXISTS shares(
    h TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    ok TEXT NOT NULL,
    ha TEXT NOT NULL,
    r INTEGER NOT NULL,
    ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS uploads(
    token TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    size INTEGER NOT NULL,
    v INTEGER NOT NULL,
    blob TEXT NOT NULL,
    ranges TEXT NOT NULL DEFAULT '[]',
    done TEXT,
    created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_done ON uploads(done);
CREATE TABLE IF NOT EXISTS packets(
    sn INTEGER PRIMARY KEY AUTOINCREMENT,
    uh TEXT NOT NULL,
    json TEXT NOT NULL,
    -- ",h,parent,…,root," of the node the packet is about, at the time: folder-link sessions
    -- get the packets whose scope holds their link's folder.
    scope TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS packets_uh ON packets(uh, sn);
"#;

/// Triggers keeping `users.storage_used` equal to the sizes of the account's file nodes,
/// whichever statement adds, removes or changes them. Created after the columns exist.
const TRIGGERS: &str = r#"
CREATE INDEX IF NOT EXISTS nodes_versions ON nodes(owner) WHERE ver = 1;
CREATE TRIGGER IF NOT EXISTS nodes_used_insert AFTER INSERT ON nodes WHEN NEW.t = 0
BEGIN
    UPDATE users SET storage_used = storage_used + COALESCE(NEW.s, 0) WHERE uh = NEW.owner;
END;
CREATE TRIGGER IF NOT EXISTS nodes_used_delete AFTER DELETE ON nodes WHEN OLD.t = 0
BEGIN
    UPDATE users SET storage_used = storage_used - COALESCE(OLD.s, 0) WHERE uh = OLD.owner;
END;
CREATE TRIGGER IF NOT EXISTS nodes_used_update AFTER UPDATE OF owner, t, s ON nodes
BEGIN
    UPDATE users SET storage_used = storage_used - COALESCE(OLD.s, 0)
        WHERE uh = OLD.owner AND OLD.t = 0;
    UPDATE users SET storage_used = storage_used + COALESCE(NEW.s, 0)
        WHERE uh = NEW.owner AND NEW.t = 0;
END;
"#;

/// Path of the database inside a data directory.
pub fn db_path(data: &Path) -> PathBuf {
    data.join("megasim.db")
}

/// Directory holding uploaded ciphertext, one file per blob.
pub fn blob_dir(data: &Path) -> PathBuf {
    data.join("blobs")
}

/// Open (creating if needed) the data directory's database.
pub fn open(data: &Path) -> Result<Connection, String> {
    // The data directory holds every account's keys and sessions: private to its owner.
    let mut dirs = std::fs::DirBuilder::new();
    dirs.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut dirs, 0o700);
    dirs.create(blob_dir(data))
        .map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let conn = Connection::open(db_path(data)).map_err(|e| format!("cannot open database: {e}"))?;
    // SQLite gives its -wal and -shm files the database file's mode.
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut p = db_path(data).into_os_string();
        p.push(suffix);
        if std::path::Path::new(&p).exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("cannot make the database private: {e}"))?;
        }
    }
    conn.busy_timeout(Duration::from_secs(30))
        .map_err(|e| e.to_string())?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| e.to_string())?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| e.to_string())?;
    conn.execute_batch(SCHEMA)
        .map_err(|e| format!("cannot create schema: {e}"))?;
    // Data directories made before these columns existed: each is added with its default,
    // then filled by its statement if it has one.
    const USED: &str = "UPDATE users SET storage_used = \
                        (SELECT COALESCE(SUM(s), 0) FROM nodes WHERE owner = users.uh AND t = 0)";
    for (table, column, decl, fill) in [
        ("packets", "scope", "TEXT NOT NULL DEFAULT ''", None),
        ("users", "storage_max", "INTEGER", None),
        (
            "users",
            "storage_used",
            "INTEGER NOT NULL DEFAULT 0",
            Some(USED),
        ),
        ("sessions", "mru", "INTEGER NOT NULL DEFAULT 0", None),
        ("sessions", "ua", "TEXT NOT NULL DEFAULT ''", None),
        ("sessions", "ip", "TEXT NOT NULL DEFAULT ''", None),
        ("sessions", "alive", "INTEGER NOT NULL DEFAULT 1", None),
        ("nodes", "ver", "INTEGER NOT NULL DEFAULT 0", None),
        ("users", "auth_hashed", "INTEGER NOT NULL DEFAULT 0", None),
        // 1: made by sign-up (its first login gets a temporary sid and then sends its keys).
        ("users", "signup", "INTEGER NOT NULL DEFAULT 0", None),
    ] {
        add_missing_column(&conn, table, column, decl, fill)
            .map_err(|e| format!("cannot update schema: {e}"))?;
    }
    conn.execute_batch(TRIGGERS)
        .map_err(|e| format!("cannot create schema: {e}"))?;
    hash_stored_sids(&conn).map_err(|e| format!("cannot update sessions: {e}"))?;
    hash_stored_auth_keys(&conn).map_err(|e| format!("cannot update accounts: {e}"))?;
    Ok(conn)
}

/// v2 accounts keep the hashed auth key, as MEGA's server does (a password change sends only
/// that); data directories from before kept the auth key itself: hash it once.
fn hash_stored_auth_keys(conn: &Connection) -> rusqlite::Result<()> {
    let old: Vec<(String, String)> = {
        let mut st =
            conn.prepare("SELECT uh, auth FROM users WHERE version = 2 AND auth_hashed = 0")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (uh, auth) in old {
        let raw = crate::crypto::b64::decode(&auth).unwrap_or_default();
        let hak = crate::crypto::b64::encode(&crate::crypto::login::hashed_auth_key(&raw));
        conn.execute(
            "UPDATE users SET auth = ?1, auth_hashed = 1 WHERE uh = ?2",
            params![hak, uh],
        )?;
    }
    Ok(())
}

/// Whether `uh` from a login matches what the server keeps for `user`: v1 the user hash
/// itself, v2 the hash of the auth key sent.
pub fn auth_matches(user: &User, uh: &str) -> bool {
    use crate::crypto::{b64, login};
    let (Ok(sent), Ok(kept)) = (b64::decode(uh), b64::decode(&user.auth)) else {
        return false;
    };
    if sent.is_empty() {
        return false;
    }
    if user.version == 1 {
        sent == kept
    } else {
        login::hashed_auth_key(&sent)[..] == kept[..]
    }
}

/// Add `column` to `table` unless it is there, and then run `fill` if given.
fn add_missing_column(
    conn: &Connection,
    table: &str,
    column: &str,
    decl: &str,
    fill: Option<&str>,
) -> rusqlite::Result<()> {
    let present: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
        params![table, column],
        |r| r.get(0),
    )?;
    if !present {
        conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"))?;
        if let Some(sql) = fill {
            conn.execute_batch(sql)?;
        }
    }
    Ok(())
}

/// One account row.
#[derive(Clone)]
pub struct User {
    pub uh: String,
    pub email: String,
    pub version: i64,
    pub salt: Option<String>,
    /// Master key wrapped with the password key (b64).
    pub k: String,
    /// The `uh` the client must send at login (v1 stringhash or v2 auth key), b64.
    pub auth: String,
    pub privk: Option<String>,
    pub pubk: Option<String>,
    pub ts: String,
    pub keys_av: Option<String>,
    pub keys_v: Option<String>,
    pub mfa: Option<String>,
    pub name: String,
    pub blocked: i64,
    pub since: i64,
    pub root: String,
    pub inbox: String,
    pub rubbish: String,
    /// Storage quota in bytes.
    pub storage_max: i64,
}

/// The storage quota of an account made without one: MEGA's free plan.
pub const DEFAULT_STORAGE_MAX: i64 = 20 << 30;

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "User({})", self.uh)
    }
}

const USER_COLS: &str = "uh, email, version, salt, k, auth, privk, pubk, ts, keys_av, keys_v, \
                         mfa, name, blocked, since, root, inbox, rubbish, storage_max";

fn user_from_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        uh: r.get(0)?,
        email: r.get(1)?,
        version: r.get(2)?,
        salt: r.get(3)?,
        k: r.get(4)?,
        auth: r.get(5)?,
        privk: r.get(6)?,
        pubk: r.get(7)?,
        ts: r.get(8)?,
        keys_av: r.get(9)?,
        keys_v: r.get(10)?,
        mfa: r.get(11)?,
        name: r.get(12)?,
        blocked: r.get(13)?,
        since: r.get(14)?,
        root: r.get(15)?,
        inbox: r.get(16)?,
        rubbish: r.get(17)?,
        storage_max: r.get::<_, Option<i64>>(18)?.unwrap_or(DEFAULT_STORAGE_MAX),
    })
}

/// Look an account up by (lower-cased) e-mail.
pub fn user_by_email(conn: &Connection, email: &str) -> ApiResult<Option<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE email = ?1");
    Ok(conn
        .query_row(&sql, params![email.to_lowercase()], user_from_row)
        .optional()?)
}

/// Look an account up by user handle.
pub fn user_by_handle(conn: &Connection, uh: &str) -> ApiResult<Option<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE uh = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![uh], user_from_row)
        .optional()?)
}

/// All accounts, by e-mail.
pub fn all_users(conn: &Connection) -> ApiResult<Vec<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users ORDER BY email");
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map([], user_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many password logins (`us` with credentials) the account has made.
pub fn login_count(conn: &Connection, uh: &str) -> ApiResult<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM logins WHERE uh = ?1",
        params![uh],
        |r| r.get(0),
    )?)
}

/// What the `sessions` table keeps of a sid: a hash, so that reading the database (a backup,
/// a careless copy) gives no live session. `h:` marks the hashed form.
pub fn sid_key(sid: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("megasim sid {sid}"));
    let mut key = String::with_capacity(2 + 64);
    key.push_str("h:");
    for b in digest {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

/// Sessions stored before sids were hashed get hashed now.
fn hash_stored_sids(conn: &Connection) -> rusqlite::Result<()> {
    let plain: Vec<String> = conn
        .prepare("SELECT sid FROM sessions WHERE sid NOT LIKE 'h:%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for sid in plain {
        conn.execute(
            "UPDATE sessions SET sid = ?1 WHERE sid = ?2",
            params![sid_key(&sid), sid],
        )?;
    }
    Ok(())
}

/// A working session: (user handle, original `sek`).
pub fn session(conn: &Connection, sid: &str) -> ApiResult<Option<(String, Option<String>)>> {
    Ok(conn
        .prepare_cached("SELECT uh, sek FROM sessions WHERE sid = ?1 AND alive = 1")?
        .query_row(params![sid_key(sid)], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The public id of a session (`usl`, `usr`): an 8-byte handle derived from its stored key
/// ([`sid_key`]), so that listing sessions never shows a sid.
pub fn session_id(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("megasim session id {key}"));
    crate::crypto::b64::encode(&digest[..8])
}

/// Bytes an account's files take (every file node it owns, rubbish bin included, as MEGA
/// counts).
pub fn storage_used(conn: &Connection, uh: &str) -> ApiResult<i64> {
    Ok(conn
        .query_row(
            "SELECT storage_used FROM users WHERE uh = ?1",
            params![uh],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

/// Current highest packet sequence number (0 when none yet).
pub fn current_sn(conn: &Connection) -> ApiResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(sn), 0) FROM packets")?
        .query_row([], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_dir_from_before_packet_scopes_is_upgraded() {
        let dir = tempfile::tempdir().expect("tmp");
        {
            let old = Connection::open(db_path(dir.path())).expect("create");
            old.execute_batch(
                "CREATE TABLE packets(sn INTEGER PRIMARY KEY AUTOINCREMENT, uh TEXT NOT NULL, \
                 json TEXT NOT NULL); INSERT INTO packets(uh, json) VALUES('u', '{}');",
            )
            .expect("old schema");
        }
        let conn = open(dir.path()).expect("open upgrades");
        conn.execute(
            "INSERT INTO packets(uh, json, scope) VALUES('u', '{}', ',h,')",
            [],
        )
        .expect("scoped insert");
        let scopes: Vec<String> = conn
            .prepare("SELECT scope FROM packets ORDER BY sn")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
            .expect("read");
        assert_eq!(scopes, ["", ",h,"]);
        drop(conn);
        open(dir.path()).expect("open again");
    }

    #[test]
    fn storage_used_follows_every_change_to_file_nodes() {
        let dir = tempfile::tempdir().expect("tmp");
        let conn = open(dir.path()).expect("open");
        conn.execute_batch(
            "INSERT INTO users(uh, email, version, k, auth, ts, name, since, root, inbox, rubbish)
                 VALUES ('u1', 'a@x', 2, '', '', '', '', 0, 'r1', 'i1', 'b1'),
                        ('u2', 'b@x', 2, '', '', '', '', 0, 'r2', 'i2', 'b2');
             INSERT INTO nodes(h, owner, parent, t, a, k, s, ts) VALUES
                 ('f1', 'u1', 'r1', 0, '', '', 100, 0), ('f2', 'u1', 'r1', 0, '', '', 20, 0),
                 ('d1', 'u1', 'r1', 1, '', '', NULL, 0), ('f3', 'u2', 'r2', 0, '', '', 7, 0);",
        )
        .expect("fill");
        let used = |uh: &str| storage_used(&conn, uh).expect("read");
        let summed = |uh: &str| -> i64 {
            conn.query_row(
                "SELECT COALESCE(SUM(s), 0) FROM nodes WHERE owner = ?1 AND t = 0",
                params![uh],
                |r| r.get(0),
            )
            .expect("sum")
        };
        assert_eq!((used("u1"), used("u2")), (120, 7));
        conn.execute_batch(
            "DELETE FROM nodes WHERE h = 'f2'; UPDATE nodes SET s = 50 WHERE h = 'f1';
             UPDATE nodes SET owner = 'u2' WHERE h = 'f1'; UPDATE nodes SET parent = 'd1';",
        )
        .expect("change");
        for uh in ["u1", "u2"] {
            assert_eq!(used(uh), summed(uh), "{uh}");
        }
        assert_eq!((used("u1"), used("u2")), (0, 57));
        // A data directory from before the counter gets it computed once.
        conn.execute_batch(
            "DROP TRIGGER nodes_used_insert; DROP TRIGGER nodes_used_delete;
             DROP TRIGGER nodes_used_update;
             ALTER TABLE users RENAME COLUMN storage_used TO unused;",
        )
        .expect("old layout");
        drop(conn);
        let conn = open(dir.path()).expect("reopen");
        assert_eq!(storage_used(&conn, "u2").expect("read"), 57);
        conn.execute("DELETE FROM nodes WHERE h = 'f3'", [])
            .expect("delete");
        assert_eq!(storage_used(&conn, "u2").expect("read"), 50);
    }

    #[cfg(unix)]
    #[test]
    fn the_data_directory_is_private_and_keeps_no_sid_in_clear() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tmp");
        let data = tmp.path().join("data");
        let conn = open(&data).expect("open");
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&db_path(&data)), 0o600);
        conn.execute(
            "INSERT INTO users(uh, email, k, version) VALUES('uh1', 'a@b.c', 'k', 2)",
            [],
        )
        .ok();
        conn.execute(
            "INSERT INTO sessions(sid, uh, created) VALUES(?1, 'uh1', 1)",
            params![sid_key("the-live-sid")],
        )
        .expect("insert");
        assert!(session(&conn, "the-live-sid").expect("read").is_some());
        drop(conn);
        let bytes = std::fs::read(db_path(&data)).expect("read db");
        let wal = std::fs::read(format!("{}-wal", db_path(&data).display())).unwrap_or_default();
        let needle = b"the-live-sid";
        for file in [&bytes, &wal] {
            assert!(!file.windows(needle.len()).any(|w| w == needle));
        }
    }

    #[test]
    fn sessions_from_before_usl_keep_working() {
        let dir = tempfile::tempdir().expect("tmp");
        {
            let old = Connection::open(db_path(dir.path())).expect("create");
            old.execute_batch(
                "CREATE TABLE sessions(sid TEXT PRIMARY KEY, uh TEXT NOT NULL, sek TEXT, \
                 created INTEGER NOT NULL); \
                 INSERT INTO sessions VALUES('sid1', 'uh1', NULL, 5);",
            )
            .expect("old schema");
        }
        let conn = open(dir.path()).expect("open upgrades");
        assert_eq!(
            session(&conn, "sid1").expect("read"),
            Some(("uh1".to_string(), None))
        );
        let row: (i64, String, String, i64) = conn
            .query_row("SELECT mru, ua, ip, alive FROM sessions", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .expect("new columns");
        assert_eq!(row, (0, String::new(), String::new(), 1));
    }
}
