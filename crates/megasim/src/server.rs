//! The HTTP server: accept loop, routing, the `/cs` request pipeline (body limit, fault knobs,
//! hashcash, idempotent replay, session/link authorisation, one transaction per batch) and the
//! loopback-only admin endpoint for fault knobs.

use super::ctx::{
    json_body_response, json_response, lock, plain_response, query_map, Body, BoxError, Caller,
    Ctx, ReplayWho, State, Stream,
};
use super::db;
use super::faults::{Faults, LoginTracker};
use super::{cmd_account, cmd_nodes, cmd_transfer, sc, transfer, ApiError, ApiResult, EARGS};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Largest `/cs` body accepted.
const MAX_CS_BODY: u64 = 16 << 20;
/// Commands in one `/cs` request: MEGA's SDK never sends more (`RequestDispatcher::
/// MAX_COMMANDS`); a larger batch is refused whole with -2.
const MAX_COMMANDS: usize = 10_000;
/// The answers of one request together: past this, the rest of the batch answers -3 (try
/// again), so one request of many `f` cannot take gigabytes or the database for seconds.
const MAX_ANSWER_BYTES: usize = 64 << 20;
/// Largest answer kept for replay.
const MAX_REPLAY_ANSWER: usize = 256 << 10;
/// Entries kept for replay (bounds its memory to about 256 MiB).
const MAX_REPLAY_ENTRIES: usize = 1000;
/// How long an answer is kept for replay of an identical request.
const REPLAY_TTL: Duration = Duration::from_secs(300);

/// Bind, print the listening line, and serve until killed.
pub fn serve(data: PathBuf, listen: SocketAddr, faults: Faults) -> Result<(), String> {
    serve_with(data, listen, faults, Options::default())
}

/// How a server runs beyond its data, address and fault knobs (`megasim serve`'s flags).
#[derive(Clone, Debug)]
pub struct Options {
    /// Certificate and key (PEM): a second listener serves transfer URLs over HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// A request's headers must arrive within this.
    pub header_timeout: Duration,
    /// Open connections at most (both listeners together); more are closed at once.
    pub max_connections: usize,
    /// Say on stderr which requests and connections were refused, and why.
    pub verbose: bool,
    /// No "listening on" line (a server embedded in a program that says it itself).
    pub quiet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tls: None,
            header_timeout: Duration::from_secs(10),
            max_connections: 512,
            verbose: false,
            quiet: false,
        }
    }
}

/// A TLS acceptor from PEM files (certificate chain, private key).
fn tls_acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read private key {}: {e}", key.display()))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| format!("bad certificate or key: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// [`serve`] with `options`.
pub fn serve_with(
    data: PathBuf,
    listen: SocketAddr,
    faults: Faults,
    options: Options,
) -> Result<(), String> {
    let acceptor = match &options.tls {
        Some((cert, key)) => Some(tls_acceptor(cert, key)?),
        None => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start runtime: {e}"))?;
    rt.block_on(async move {
        let conn = db::open(&data)?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let host = if local.ip().is_unspecified() {
            std::net::IpAddr::from([127, 0, 0, 1])
        } else {
            local.ip()
        };
        let base = match host {
            std::net::IpAddr::V6(ip) => format!("http://[{ip}]:{}/", local.port()),
            std::net::IpAddr::V4(ip) => format!("http://{ip}:{}/", local.port()),
        };
        std::fs::write(data.join("megasim.url"), format!("{base}\n"))
            .map_err(|e| format!("cannot write megasim.url: {e}"))?;
        let tls_listener = match &acceptor {
            Some(_) => Some(
                tokio::net::TcpListener::bind(SocketAddr::new(local.ip(), 0))
                    .await
                    .map_err(|e| format!("cannot listen for TLS: {e}"))?,
            ),
            None => None,
        };
        let tls_base = match &tls_listener {
            Some(l) => {
                let port = l.local_addr().map_err(|e| e.to_string())?.port();
                Some(match host {
                    std::net::IpAddr::V6(ip) => format!("https://[{ip}]:{port}/"),
                    std::net::IpAddr::V4(ip) => format!("https://{ip}:{port}/"),
                })
            }
            None => None,
        };
        let (tx, _) = broadcast::channel(4096);
        let state = Arc::new(State {
            db: Mutex::new(conn),
            data,
            base: base.clone(),
            tls_base: tls_base.clone(),
            faults: Mutex::new(faults),
            logins: Mutex::new(LoginTracker::default()),
            replay: Mutex::new(HashMap::new()),
            hashcash: Mutex::new(HashMap::new()),
            waits: Mutex::new(HashMap::new()),
            downloads: Mutex::new(HashMap::new()),
            transfer_ssl: Mutex::new(Vec::new()),
            packets: tx,
            verbose: options.verbose,
            quiet: options.quiet,
            mail: Mutex::new(Vec::new()),
        });
        if !options.quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "megasim listening on {base}");
            if let Some(t) = &tls_base {
                let _ = writeln!(out, "megasim transfer URLs over TLS on {t}");
            }
            let _ = out.flush();
        }
        // Over the cap a connection is closed at once: memory stays bounded, and the header
        // timeout frees slots held by clients that never finish a request.
        let slots = Arc::new(tokio::sync::Semaphore::new(options.max_connections));
        let header_timeout = options.header_timeout;
        let take_slot = {
            let (slots, state) = (slots.clone(), state.clone());
            move |peer: SocketAddr| {
                let slot = slots.clone().try_acquire_owned().ok();
                if slot.is_none() && state.verbose {
                    eprintln!("megasim: refused a connection from {peer}: too many open");
                }
                slot
            }
        };
        if let (Some(listener), Some(acceptor)) = (tls_listener, acceptor) {
            let (state, take_slot) = (state.clone(), take_slot.clone());
            tokio::spawn(async move {
                loop {
                    let Ok((stream, peer)) = listener.accept().await else {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    let Some(slot) = take_slot(peer) else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let (state, acceptor) = (state.clone(), acceptor.clone());
                    tokio::spawn(async move {
                        let _slot = slot;
                        let Ok(stream) = acceptor.accept(stream).await else {
                            return;
                        };
                        let svc =
                            hyper::service::service_fn(move |req| route(state.clone(), peer, req));
                        let _ = http1(header_timeout)
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                            .await;
                    });
                }
            });
        }
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("megasim: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Some(slot) = take_slot(peer) else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let state = state.clone();
            tokio::spawn(async move {
                let _slot = slot;
                let svc = hyper::service::service_fn(move |req| route(state.clone(), peer, req));
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = http1(header_timeout).serve_connection(io, svc).await;
            });
        }
    })
}

async fn route(
    state: Arc<State>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Response<Body>, BoxError> {
    let path = req.uri().path().to_string();
    if path == "/_admin/faults" {
        return Ok(admin(state, peer, req).await);
    }
    if path == "/_admin/mail" && peer.ip().is_loopback() {
        let log: Vec<Value> = lock(&state.mail)
            .iter()
            .map(|(to, link)| serde_json::json!({"to": to, "link": link}))
            .collect();
        return Ok(json_response(StatusCode::OK, Value::from(log).to_string()));
    }
    if path == "/_admin/transfer-ssl" && peer.ip().is_loopback() {
        let log: Vec<Value> = lock(&state.transfer_ssl)
            .iter()
            .map(|(a, ssl)| serde_json::json!({"a": a, "ssl": ssl}))
            .collect();
        return Ok(json_response(StatusCode::OK, Value::from(log).to_string()));
    }
    let latency = state.faults().latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if req.method() == Method::OPTIONS {
        let mut r = plain_response(StatusCode::OK, Bytes::new());
        let h = r.headers_mut();
        h.insert(
            "access-control-allow-methods",
            "GET, POST, OPTIONS".parse()?,
        );
        h.insert("access-control-allow-headers", "*".parse()?);
        h.insert("access-control-expose-headers", "*".parse()?);
        return Ok(r);
    }
    // Empty segments are ignored: clients join their base URL and paths with or without a
    // slash (go-mega appends "/cs" to a base that may already end in one).
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["cs"] if req.method() == Method::POST => Ok(cs(state, peer, req).await),
        ["sc"] | ["wsc"] | ["sc", "wsc"] => Ok(sc::poll(state, req).await),
        ["wait", token] => {
            let token = token.to_string();
            Ok(sc::wait(state, &token).await)
        }
        ["ul", token, offset] if req.method() == Method::POST => {
            let (token, offset) = (token.to_string(), offset.to_string());
            transfer::upload(state, &token, &offset, req).await
        }
        ["fa", "up", token] | ["fa", "up", token, _] if req.method() == Method::POST => {
            let token = token.to_string();
            Ok(transfer::attribute_upload(state, &token, req).await)
        }
        ["fa", "get"] | ["fa", "get", _] if req.method() == Method::POST => {
            Ok(transfer::attribute_fetch(state, req).await)
        }
        // MEGA's download servers also take a POST with an empty body (megatools downloads
        // only that way).
        ["dl", token] if download_method(req.method()) => {
            let token = token.to_string();
            Ok(transfer::download(state, &token, None, req).await)
        }
        ["dl", token, range] if download_method(req.method()) => {
            let (token, range) = (token.to_string(), range.to_string());
            Ok(transfer::download(state, &token, Some(&range), req).await)
        }
        _ => {
            if state.verbose {
                eprintln!(
                    "megasim: refused {} {} from {peer}: no such route for this method (404)",
                    req.method(),
                    path
                );
            }
            Ok(plain_response(StatusCode::NOT_FOUND, Bytes::new()))
        }
    }
}

/// The HTTP/1 settings of every connection: a 4 MiB read buffer for fast uploads, and a
/// header timeout (hyper needs the timer for it).
fn http1(header_timeout: Duration) -> hyper::server::conn::http1::Builder {
    let mut b = hyper::server::conn::http1::Builder::new();
    b.max_buf_size(4 << 20)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout);
    b
}

fn download_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::POST)
}

async fn admin(state: Arc<State>, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    if !peer.ip().is_loopback() {
        return plain_response(
            StatusCode::FORBIDDEN,
            "admin endpoint answers loopback only\n",
        );
    }
    match *req.method() {
        Method::GET => {}
        Method::DELETE => *lock(&state.faults) = Faults::default(),
        Method::POST => {
            let body = match read_limited(req.into_body(), 1 << 20).await {
                Some(b) => b,
                None => return plain_response(StatusCode::BAD_REQUEST, "body too large\n"),
            };
            let obj = match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(o)) => o,
                _ => return plain_response(StatusCode::BAD_REQUEST, "expected a JSON object\n"),
            };
            if let Err(e) = lock(&state.faults).merge(&obj) {
                return plain_response(StatusCode::BAD_REQUEST, format!("{e}\n"));
            }
        }
        _ => return plain_response(StatusCode::METHOD_NOT_ALLOWED, Bytes::new()),
    }
    let cur = state.faults().to_json().to_string();
    json_response(StatusCode::OK, cur)
}

/// Read a whole body, or `None` once it exceeds `limit` bytes (reading stops there).
async fn read_limited(mut body: Incoming, limit: u64) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.ok()?;
        if let Ok(data) = frame.into_data() {
            if buf.len() as u64 + data.len() as u64 > limit {
                return None;
            }
            buf.extend_from_slice(&data);
        }
    }
    Some(buf)
}

fn bare(code: i64) -> Response<Body> {
    json_response(StatusCode::OK, code.to_string())
}

/// Consume one unit of a "next N requests" counter.
fn take(counter: &mut u64) -> bool {
    if *counter > 0 {
        *counter -= 1;
        true
    } else {
        false
    }
}

async fn cs(state: Arc<State>, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let q = query_map(&req);
    let caller = Caller {
        ip: peer.ip().to_string(),
        user_agent: req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(256)
            .collect(),
    };
    let hashcash_answer = req
        .headers()
        .get("x-hashcash")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let too_big = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_CS_BODY);
    if too_big {
        return bare(-2);
    }

    // Hashcash first: a challenged request is not counted by the other knobs.
    let challenge = {
        let mut f = lock(&state.faults);
        match f.hashcash {
            Some(h) if !hashcash_ok(&state, hashcash_answer.as_deref()) => {
                let mut hc = h;
                match hc.requests {
                    Some(0) => None,
                    Some(n) => {
                        hc.requests = Some(n - 1);
                        f.hashcash = if n - 1 == 0 { None } else { Some(hc) };
                        Some(h.easiness)
                    }
                    None => Some(h.easiness),
                }
            }
            _ => None,
        }
    };
    if let Some(easiness) = challenge {
        let token = super::random_b64(48);
        {
            let mut m = lock(&state.hashcash);
            m.retain(|_, (_, t)| t.elapsed() < Duration::from_secs(3600));
            m.insert(token.clone(), (easiness, Instant::now()));
        }
        let mut r = plain_response(StatusCode::PAYMENT_REQUIRED, Bytes::new());
        let hv = format!("1:{easiness}:{}:{token}", super::now());
        if let Ok(v) = hv.parse() {
            r.headers_mut().insert("x-hashcash", v);
        }
        r.headers_mut().insert(
            "access-control-expose-headers",
            "X-Hashcash".parse().expect("static header"),
        );
        return r;
    }
    {
        let mut f = lock(&state.faults);
        if take(&mut f.http500) {
            return plain_response(StatusCode::INTERNAL_SERVER_ERROR, Bytes::new());
        }
        if take(&mut f.eagain) {
            return bare(-3);
        }
        if take(&mut f.ratelimit) {
            return bare(-4);
        }
    }

    let body = match read_limited(req.into_body(), MAX_CS_BODY).await {
        Some(b) => b,
        None => return bare(-2),
    };
    let sid = q.get("sid").cloned();
    let link = q.get("n").cloned();
    // Only a sender's latest request is replayable: a retry always repeats the last request,
    // while a new client resuming the same session may count its ids from the start again
    // (mega-rs does) and must get fresh answers, not another process's old ones.
    let who: ReplayWho = format!(
        "{}|{}",
        sid.as_deref().unwrap_or("-"),
        link.as_deref().unwrap_or("")
    );
    let replay_id = q.get("id").cloned();
    let digest = <[u8; 32]>::from(Sha256::digest(&body));
    if let Some(id) = &replay_id {
        let m = lock(&state.replay);
        if let Some((last_id, last_digest, t, answer)) = m.get(&who) {
            if last_id == id && *last_digest == digest && t.elapsed() < REPLAY_TTL {
                return json_response(StatusCode::OK, answer.clone());
            }
        }
    }

    let batch: Vec<Value> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(a)) if a.len() <= MAX_COMMANDS => a,
        _ => return bare(-2),
    };
    // A batch of one `f` is answered as it is written (a large account's tree is hundreds
    // of megabytes): the first piece decides between a streamed and a whole answer.
    let streamed = batch.len() == 1 && batch[0].get("a").and_then(Value::as_str) == Some("f");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<std::io::Result<Bytes>>();
    let stream = streamed.then(|| Stream::new(tx));
    let st = state.clone();
    let mut task = tokio::task::spawn_blocking(move || {
        let conn = lock(&st.db);
        run_batch(&conn, &st, sid, link, caller, &batch, stream)
    });
    let outcome = tokio::select! {
        biased;
        first = rx.recv(), if streamed => match first {
            Some(first) => return streamed_answer(&state, &who, first, rx),
            // Finished without streaming (a small tree, or an error): the whole answer.
            None => (&mut task).await,
        },
        done = &mut task => done,
    };
    let (answer, notify, dead) = match outcome.unwrap_or(Err(super::EINTERNAL)) {
        // Streamed, and all of it written before the first piece was taken: the pieces wait
        // in the channel, whose sender is gone, so the body ends after them.
        Ok(Batch::Streamed) => {
            return match rx.recv().await {
                Some(first) => streamed_answer(&state, &who, first, rx),
                None => bare(super::EINTERNAL.0),
            }
        }
        Ok(Batch::Whole(answer, notify, dead)) => (answer, notify, dead),
        Err(ApiError(code)) => return bare(code),
    };
    for uh in notify {
        let _ = state.packets.send(uh);
    }
    for blob in dead {
        let _ = std::fs::remove_file(state.blob_path(&blob));
    }
    let answer = Bytes::from(answer);
    // Big answers (`f` of a large account) are read-only and not worth keeping for replay.
    let mut m = lock(&state.replay);
    match replay_id.filter(|_| answer.len() <= MAX_REPLAY_ANSWER) {
        Some(id) => {
            if m.len() >= MAX_REPLAY_ENTRIES && !m.contains_key(&who) {
                m.retain(|_, (_, _, t, _)| t.elapsed() < REPLAY_TTL);
                if m.len() >= MAX_REPLAY_ENTRIES {
                    m.clear();
                }
            }
            m.insert(who, (id, digest, Instant::now(), answer.clone()));
        }
        // A newer request supersedes the sender's older one even when it is not kept.
        None => {
            m.remove(&who);
        }
    }
    drop(m);
    json_response(StatusCode::OK, answer)
}

/// Does the request carry a valid answer to a challenge we issued?
fn hashcash_ok(state: &State, header: Option<&str>) -> bool {
    let Some(h) = header else { return false };
    let parts: Vec<&str> = h.split(':').collect();
    let [ver, token, prefix] = parts.as_slice() else {
        return false;
    };
    if *ver != "1" {
        return false;
    }
    let Some(easiness) = lock(&state.hashcash).get(*token).map(|(e, _)| *e) else {
        return false;
    };
    let (Ok(tok), Ok(pre)) = (
        crate::crypto::b64::decode(token),
        crate::crypto::b64::decode_array::<4>(prefix),
    ) else {
        return false;
    };
    crate::crypto::hashcash::verify(&tok, easiness, &pre)
}

/// What a batch produced: the whole answer with the accounts to notify and the blob files to
/// remove, or an answer already handed to its stream (a batch of one `f`, which neither
/// notifies nor frees anything).
enum Batch {
    Whole(String, Vec<String>, Vec<String>),
    Streamed,
}

/// The response for a streamed answer whose first piece is `first`.
fn streamed_answer(
    state: &State,
    who: &ReplayWho,
    first: std::io::Result<Bytes>,
    rest: tokio::sync::mpsc::UnboundedReceiver<std::io::Result<Bytes>>,
) -> Response<Body> {
    // Not kept for replay (as other large answers), and it supersedes the sender's last one.
    lock(&state.replay).remove(who);
    let rest = futures_util::stream::unfold(rest, |mut rx| async move {
        rx.recv().await.map(|piece| (piece.map(Frame::data), rx))
    });
    let body = futures_util::stream::iter([first.map(Frame::data)]).chain(rest);
    json_body_response(StatusCode::OK, BodyExt::boxed(StreamBody::new(body)))
}

fn run_batch(
    conn: &Connection,
    state: &State,
    sid: Option<String>,
    link: Option<String>,
    caller: Caller,
    batch: &[Value],
    stream: Option<Stream>,
) -> ApiResult<Batch> {
    let mut user = None;
    if let Some(sid) = &sid {
        let (uh, _) = db::session(conn, sid)?.ok_or(ApiError(-15))?;
        let u = db::user_by_handle(conn, &uh)?.ok_or(ApiError(-15))?;
        // What a blocked account may still do: learn why, and log out.
        let only_why = !batch.is_empty()
            && batch.iter().all(|c| {
                matches!(
                    c.get("a").and_then(Value::as_str),
                    Some("whyamiblocked" | "sml")
                )
            });
        if u.blocked != 0 && !only_why {
            return Err(ApiError(-16));
        }
        user = Some(u);
    }
    let mut link_auth = None;
    if let Some(ph) = &link {
        let row: Option<(String, String)> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT h, owner FROM nodes WHERE ph = ?1 AND t = 1",
            rusqlite::params![ph],
            |r| Ok((r.get(0)?, r.get(1)?)),
        ))?;
        match row {
            Some((root, owner)) => link_auth = Some((ph.clone(), root, owner)),
            // mega-rs puts a *file* link's handle in `n` too when it fetches the link with
            // `g`/`p`; that request stands on its own, so serve it without a link session.
            None if is_public_file_handle(conn, ph)? => {}
            None => return Err(super::ENOENT),
        }
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let now = super::now();
    if let Some(sid) = &sid {
        // Written at most once a second per session: `usl` shows minutes, not requests.
        conn.prepare_cached("UPDATE sessions SET mru = ?2 WHERE sid = ?1 AND mru < ?2")?
            .execute(rusqlite::params![db::sid_key(sid), now])?;
    }
    let mut ctx = Ctx {
        db: conn,
        state,
        user,
        sid,
        link: link_auth,
        caller,
        now,
        notify: Vec::new(),
        dead_blobs: Vec::new(),
        stream,
    };
    let mut out = String::from("[");
    let mut failed = false;
    for (i, cmd) in batch.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if out.len() > MAX_ANSWER_BYTES {
            out.push_str("-3");
            continue;
        }
        if let Err(e) = conn.execute_batch("SAVEPOINT cmd") {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e.into());
        }
        let dead_before = ctx.dead_blobs.len();
        let notify_before = ctx.notify.len();
        match dispatch(&mut ctx, cmd) {
            Ok(answer) => {
                out.push_str(&answer);
                conn.execute_batch("RELEASE cmd")?;
            }
            Err(ApiError(code)) => {
                failed = true;
                out.push_str(&code.to_string());
                conn.execute_batch("ROLLBACK TO cmd; RELEASE cmd")?;
                ctx.dead_blobs.truncate(dead_before);
                ctx.notify.truncate(notify_before);
            }
        }
    }
    out.push(']');
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        // A stream that started is broken by its drop.
        return Err(e.into());
    }
    if let Some(stream) = ctx.stream.as_mut().filter(|s| s.started) {
        // The `[` went out with the first piece; a command that failed after it leaves
        // half an answer, which only a broken body can say.
        if failed {
            stream.fail();
        } else {
            stream.finish(&out[1..]);
        }
        return Ok(Batch::Streamed);
    }
    Ok(Batch::Whole(out, ctx.notify, ctx.dead_blobs))
}

fn dispatch(ctx: &mut Ctx, cmd: &Value) -> ApiResult<String> {
    let Some(obj) = cmd.as_object() else {
        return Err(EARGS);
    };
    let name = obj.get("a").and_then(Value::as_str).unwrap_or("");
    match name {
        "us0" => cmd_account::us0(ctx, obj),
        "us" => cmd_account::us(ctx, obj),
        "ug" => cmd_account::ug(ctx, obj),
        "uq" => cmd_account::uq(ctx, obj),
        "uga" => cmd_account::uga(ctx, obj),
        "sml" => cmd_account::sml(ctx, obj),
        "usl" => cmd_account::usl(ctx, obj),
        "usr" => cmd_account::usr(ctx, obj),
        "whyamiblocked" => cmd_account::whyamiblocked(ctx, obj),
        "log" => Ok("0".to_string()),
        // megasim has no announcements: MEGA's answer when there is none.
        "gpsa" => Err(super::ENOENT),
        "f" => cmd_nodes::f(ctx, obj),
        "p" => cmd_nodes::p(ctx, obj),
        "a" => cmd_nodes::a(ctx, obj),
        "m" => cmd_nodes::m(ctx, obj),
        "d" => cmd_nodes::d(ctx, obj),
        "dv" => cmd_nodes::dv(ctx, obj),
        "dr" => cmd_nodes::dr(ctx, obj),
        "up" | "up2" => cmd_account::up(ctx, obj),
        "uc2" => cmd_account::uc2(ctx, obj),
        "ud2" => cmd_account::ud2(ctx, obj),
        "erm" => cmd_account::erm(ctx, obj),
        "erx" => cmd_account::erx(ctx, obj),
        "l" => cmd_nodes::l(ctx, obj),
        "s2" => cmd_nodes::s2(ctx, obj),
        "u" => cmd_transfer::u(ctx, obj),
        "g" => cmd_transfer::g(ctx, obj),
        "ufa" => cmd_transfer::ufa(ctx, obj),
        "pfa" => cmd_nodes::pfa(ctx, obj),
        _ => Err(EARGS),
    }
}

/// Is `ph` the public handle of an exported file?
fn is_public_file_handle(conn: &rusqlite::Connection, ph: &str) -> ApiResult<bool> {
    let found: Option<i64> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT 1 FROM nodes WHERE ph = ?1 AND t = 0",
        rusqlite::params![ph],
        |r| r.get(0),
    ))?;
    Ok(found.is_some())
}
