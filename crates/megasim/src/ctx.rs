//! What the server's parts share: the server-wide [`State`], one request's [`Ctx`] (its
//! database transaction, account and action packets), and the HTTP response helpers. The
//! router (`server`) and the verbs (`cmd_*`, `sc`, `transfer`) both build on this; neither
//! reaches into the other.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use rusqlite::Connection;
use tokio::sync::broadcast;

use super::db::{self, User};
use super::faults::{Faults, LoginTracker};
use super::ApiResult;

/// Response body type for every route.
pub type Body = BoxBody<Bytes, std::io::Error>;
/// Error type of the service: returning one makes hyper drop the connection (`drop_after`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// (who: sid and link, request id, SHA-256 of the body).
/// Who sent a request (sid or `-`, and the folder link), for replay.
pub(super) type ReplayWho = String;
/// The last request of one sender: its `id`, body hash, when, and the answer.
pub(super) type ReplayEntry = (String, [u8; 32], Instant, Bytes);

/// A download URL's target.
#[derive(Clone)]
pub struct Download {
    /// Blob file; `None` for seeded files that have a size but no content (served as zeros).
    pub blob: Option<PathBuf>,
    pub size: u64,
    /// When `g` handed it out (old URLs are forgotten once there are many).
    pub issued: Instant,
}

/// Server-wide state shared by all connections.
pub struct State {
    pub(super) db: Mutex<Connection>,
    pub data: PathBuf,
    /// Base URL with trailing slash, e.g. `http://127.0.0.1:4000/`.
    pub base: String,
    /// Base URL of the TLS listener for transfer URLs asked with `ssl:2`, when serving TLS.
    pub tls_base: Option<String>,
    pub faults: Mutex<Faults>,
    pub logins: Mutex<LoginTracker>,
    pub(super) replay: Mutex<HashMap<ReplayWho, ReplayEntry>>,
    /// Issued hashcash tokens (b64) and their easiness.
    pub(super) hashcash: Mutex<HashMap<String, (u8, Instant)>>,
    /// Wait tokens handed out by `sc`: token -> (account, sn at the time).
    pub waits: Mutex<HashMap<String, (String, i64, Instant)>>,
    /// Download tokens handed out by `g`.
    pub downloads: Mutex<HashMap<String, Download>>,
    /// The `ssl` member of every transfer-URL request (`g` with `g:1`, `u`), oldest first, as
    /// `(verb, ssl)`: megasim serves no TLS, so tests check the request instead of the scheme.
    pub transfer_ssl: Mutex<Vec<(String, i64)>>,
    /// Announces the account handle of every new action packet.
    pub packets: broadcast::Sender<String>,
    /// `serve -v`: refused requests are said on stderr.
    pub verbose: bool,
    /// Quiet (`Options::quiet`, as the embedded demo server runs): nothing on stdout or
    /// stderr but errors (the mailbox still fills).
    pub quiet: bool,
    /// The links megasim "e-mailed" (sign-up confirmations, cancellations): `(to, link)`,
    /// oldest first; printed on stderr and listed at `/_admin/mail`.
    pub mail: Mutex<Vec<(String, String)>>,
}

/// Lock a mutex, surviving poisoning (a panicked request must not take the server down).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    /// "Send" `link` to `to`: megasim has no mail server, so it says it on stderr and keeps it
    /// for `/_admin/mail`.
    pub fn mail(&self, to: &str, what: &str, link: &str) {
        if !self.quiet {
            eprintln!("megasim: {what} for {to}: {link}");
        }
        let mut m = lock(&self.mail);
        if m.len() >= 1000 {
            m.remove(0);
        }
        m.push((to.to_string(), link.to_string()));
    }

    /// Run `f` with the database on a blocking thread.
    pub async fn with_db<T, F>(self: &Arc<Self>, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &State) -> ApiResult<T> + Send + 'static,
    {
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = lock(&st.db);
            f(&conn, &st)
        })
        .await
        .unwrap_or(Err(super::EINTERNAL))
    }

    /// Path of a blob file.
    pub fn blob_path(&self, blob: &str) -> PathBuf {
        db::blob_dir(&self.data).join(blob)
    }

    /// Current knob settings (copy).
    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }
}

/// Authorisation of one `/cs` request.
pub struct Ctx<'a> {
    pub db: &'a Connection,
    pub state: &'a State,
    pub user: Option<User>,
    pub sid: Option<String>,
    /// Folder-link session (`&n=`): (public handle, root node handle, owner).
    pub link: Option<(String, String, String)>,
    /// Who sent the request (kept with a new session, for `usl`).
    pub caller: Caller,
    pub now: i64,
    /// Accounts that got new action packets (announced after commit).
    pub notify: Vec<String>,
    /// Blob files no node references any more (removed after commit).
    pub dead_blobs: Vec<String>,
    /// Where a long answer goes while it is being written (a batch of one `f`), so the
    /// client parses the first nodes while the server still writes the rest. `None`: the
    /// answer is sent whole.
    pub stream: Option<Stream>,
}

/// Pieces of a streamed answer, in order; an `Err` breaks the body.
pub type Pieces = tokio::sync::mpsc::UnboundedSender<std::io::Result<Bytes>>;

/// The sending end of a streamed answer: pieces of the batch's JSON in order. Unbounded on
/// purpose: the writer holds the one database connection, and waiting on a slow (or stopped)
/// reader would hold every other request with it; queued pieces cost no more memory than the
/// whole answer built before streaming did.
pub struct Stream {
    tx: Pieces,
    /// Whether the batch's opening `[` went out with the first piece.
    pub started: bool,
    /// Whether the answer was ended, whole or broken; one that started and was not (an early
    /// return, a panic) is broken when the stream is dropped, so the client retries instead
    /// of reading a cut answer as a complete one.
    ended: bool,
}

/// Pieces are handed on once they are this long.
const STREAM_PIECE: usize = 1 << 20;

impl Stream {
    pub fn new(tx: Pieces) -> Stream {
        Stream {
            tx,
            started: false,
            ended: false,
        }
    }

    /// Send `text` on (after the batch's `[` the first time). A client that went away
    /// makes the rest of the answer pointless: `false`.
    pub fn send(&mut self, text: &str) -> bool {
        let piece = if self.started {
            Bytes::copy_from_slice(text.as_bytes())
        } else {
            self.started = true;
            Bytes::from(format!("[{text}"))
        };
        self.tx.send(Ok(piece)).is_ok()
    }

    /// The last piece: the answer is whole.
    pub fn finish(&mut self, text: &str) {
        self.send(text);
        self.ended = true;
    }

    /// End the body with an error: the client sees a broken answer and retries.
    pub fn fail(&mut self) {
        let _ = self
            .tx
            .send(Err(std::io::Error::other("the answer failed midway")));
        self.ended = true;
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if self.started && !self.ended {
            self.fail();
        }
    }
}

/// The sender of an API request, as `usl` reports it.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub ip: String,
    pub user_agent: String,
}

impl Ctx<'_> {
    /// Hand the start of a long answer on when streaming: `out` is what the command has
    /// written so far (kept when not streaming).
    pub fn spill(&mut self, out: &mut String) -> ApiResult<()> {
        if let Some(stream) = &mut self.stream {
            if out.len() >= STREAM_PIECE {
                if !stream.send(out) {
                    return Err(super::EINTERNAL);
                }
                out.clear();
            }
        }
        Ok(())
    }

    /// The logged-in account, or `-11` for commands that need one.
    pub fn user(&self) -> ApiResult<&User> {
        self.user.as_ref().ok_or(super::EACCESS)
    }

    /// `h` and its ancestors, nearest first, up to its root (none when `h` does not exist).
    pub fn ancestors(&self, h: &str) -> ApiResult<Vec<String>> {
        let mut out = Vec::new();
        let mut st = self
            .db
            .prepare_cached("SELECT parent FROM nodes WHERE h = ?1")?;
        let mut cur = h.to_string();
        // Bounded: a damaged tree with a cycle must not hang the server.
        while out.len() < 10_000 {
            let parent: Option<Option<String>> = rusqlite::OptionalExtension::optional(
                st.query_row(rusqlite::params![cur], |r| r.get(0)),
            )?;
            let Some(parent) = parent else { break };
            out.push(cur);
            match parent {
                Some(p) if !p.is_empty() => cur = p,
                _ => break,
            }
        }
        Ok(out)
    }

    /// Is node `h` inside (or equal to) `root`?
    pub fn is_under(&self, h: &str, root: &str) -> ApiResult<bool> {
        Ok(self.ancestors(h)?.iter().any(|a| a == root))
    }

    /// Where node `h` is now: `,h,parent,…,root,` (see [`Ctx::packet`]).
    pub fn scope_of(&self, h: &str) -> ApiResult<String> {
        Ok(format!(",{},", self.ancestors(h)?.join(",")))
    }

    /// [`Ctx::packet`] about node `h` where it is now.
    pub fn packet_about(&mut self, uh: &str, h: &str, json: String) -> ApiResult<()> {
        let scope = self.scope_of(h)?;
        self.packet(uh, &scope, json)
    }

    /// Record an action packet for `uh` about the nodes at `scope` (from [`Ctx::scope_of`],
    /// taken before the change for a deletion or the old side of a move).
    pub fn packet(&mut self, uh: &str, scope: &str, json: String) -> ApiResult<()> {
        self.db.execute(
            "INSERT INTO packets(uh, json, scope) VALUES (?1, ?2, ?3)",
            rusqlite::params![uh, json, scope],
        )?;
        if !self.notify.iter().any(|u| u == uh) {
            self.notify.push(uh.to_string());
        }
        Ok(())
    }
}

/// A JSON response with MEGA's headers.
pub fn json_response(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    json_body_response(status, full(body))
}

/// [`json_response`] with any body (a streamed answer).
pub fn json_body_response(status: StatusCode, body: Body) -> Response<Body> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        "content-type",
        "application/json".parse().expect("static header"),
    );
    h.insert(
        "access-control-allow-origin",
        "*".parse().expect("static header"),
    );
    r
}

/// A plain response with CORS.
pub fn plain_response(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(full(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "access-control-allow-origin",
        "*".parse().expect("static header"),
    );
    r
}

/// A complete body.
pub fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|never| match never {}).boxed()
}

/// Query string as a map (first value wins).
pub fn query_map(req: &Request<Incoming>) -> HashMap<String, String> {
    let mut m = HashMap::new();
    if let Some(q) = req.uri().query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            m.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
    }
    m
}
