//! Upload and download URLs: `POST /ul/<token>/<offset>[?c=|?d=]` stores ciphertext pieces
//! byte-exact with positional writes, in any order; `GET /dl/<token>[/<start>-<end>]` streams
//! from the blob in large frames. No per-byte work beyond I/O (and the checksum when asked).

use super::ctx::{lock, plain_response, Body, BoxError, Download, State};
use super::ApiError;
use crate::crypto::{b64, keys::chunk_checksum};
use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response, StatusCode};
use rusqlite::{params, OptionalExtension};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// Size of download reads and frames.
const IO_CHUNK: usize = 4 << 20;

/// Run short blocking file I/O from an async task. On the multi-thread runtime (the server's)
/// the worker first hands its other tasks to another thread; elsewhere it just runs.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

fn text(body: impl Into<Bytes>) -> Response<Body> {
    let mut r = plain_response(StatusCode::OK, body);
    r.headers_mut()
        .insert("content-type", "text/plain".parse().expect("static header"));
    r
}

/// One upload write at a time: parallel pieces of one file written at once contend on the
/// file's lock in the kernel, which spins (8 parallel uploads took 10-15% more server CPU
/// without this lock). It is one lock for all uploads, which is simple and enough for a test
/// server whose writes go to the page cache.
static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct Upload {
    size: u64,
    v: i64,
    blob: String,
}

/// Merge `[start, end)` into a sorted list of disjoint ranges.
fn merge(ranges: &mut Vec<(u64, u64)>, start: u64, end: u64) {
    ranges.push((start, end));
    ranges.sort();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for &(s, e) in ranges.iter() {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    *ranges = out;
}

/// Handle one upload POST.
pub async fn upload(
    state: Arc<State>,
    token: &str,
    offset: &str,
    req: Request<Incoming>,
) -> Result<Response<Body>, BoxError> {
    let Ok(offset) = offset.parse::<u64>() else {
        return Ok(text("-2"));
    };
    let q = super::ctx::query_map(&req);
    let with_d = q.contains_key("d");
    let want_cs = q.get("d").or_else(|| q.get("c")).cloned();
    let tok = token.to_string();
    let up = state
        .with_db(move |db, _| {
            Ok(db
                .query_row(
                    "SELECT size, v, blob FROM uploads WHERE token = ?1",
                    params![tok],
                    |r| {
                        Ok(Upload {
                            size: r.get::<_, i64>(0)?.max(0) as u64,
                            v: r.get(1)?,
                            blob: r.get(2)?,
                        })
                    },
                )
                .optional()?)
        })
        .await;
    let up = match up {
        Ok(Some(u)) => u,
        // Unknown or already used URL: "expired, ask for a new one".
        Ok(None) => return Ok(text("-8")),
        Err(ApiError(c)) => return Ok(text(c.to_string())),
    };
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if offset > up.size || declared.is_some_and(|n| offset + n > up.size) {
        return Ok(text("-7"));
    }
    let drop_after = lock(&state.faults).drop_after.take();

    // Each frame is written where it lands and dropped before the next one is read: hyper then
    // reads into the same buffer again instead of allocating (and page-faulting) fresh memory
    // per read, and no bytes are copied or queued on the way to the file.
    let path = state.blob_path(&up.blob);
    let file = blocking(|| {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
    })?;
    let mut body = req.into_body();
    let mut cs = [0u8; 12];
    let mut received = 0u64;
    let mut too_long = false;
    let mut failed: Option<BoxError> = None;
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(f) => f,
            Err(e) => {
                failed = Some(e.into());
                break;
            }
        };
        let Ok(mut data) = frame.into_data() else {
            continue;
        };
        let mut drop_now = false;
        if let Some(limit) = drop_after {
            if received + data.len() as u64 >= limit {
                data.truncate((limit - received) as usize);
                drop_now = true;
            }
        }
        if !drop_now && offset + received + data.len() as u64 > up.size {
            too_long = true;
            break;
        }
        if want_cs.is_some() {
            let part = chunk_checksum(&data);
            let rot = (received % 12) as usize;
            for (i, b) in part.iter().enumerate() {
                cs[(i + rot) % 12] ^= b;
            }
        }
        // Directly, not through `blocking`: a positional write of one frame into the page
        // cache is short, and handing the worker over per frame cost more CPU (thread
        // switches) than the write itself.
        {
            let _one = WRITING.lock().unwrap_or_else(|p| p.into_inner());
            file.write_all_at(&data, offset + received)?;
        }
        received += data.len() as u64;
        if drop_now {
            failed = Some("drop_after: dropping the connection".into());
            break;
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    if too_long {
        return Ok(text("-7"));
    }
    if let Some(want) = want_cs {
        if b64::decode(&want).ok().as_deref() != Some(&cs[..]) {
            return Ok(text("-14"));
        }
    }

    let tok = token.to_string();
    let (size, v) = (up.size, up.v);
    let result = state
        .with_db(move |db, _| {
            db.execute_batch("BEGIN IMMEDIATE")?;
            let r = (|| {
                let (ranges, done): (String, Option<String>) = db.query_row(
                    "SELECT ranges, done FROM uploads WHERE token = ?1",
                    params![tok],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                if let Some(done) = done {
                    return Ok(Some(done));
                }
                let mut list: Vec<(u64, u64)> = serde_json::from_str(&ranges).unwrap_or_default();
                merge(&mut list, offset, offset + received);
                let complete = size == 0 || (list.len() == 1 && list[0] == (0, size));
                let done = complete.then(|| {
                    if v >= 2 {
                        let mut raw = super::random_bytes(36);
                        raw[35] = 1;
                        b64::encode(&raw)
                    } else {
                        super::random_b64(27)
                    }
                });
                let ranges = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
                db.execute(
                    "UPDATE uploads SET ranges = ?1, done = ?2 WHERE token = ?3",
                    params![ranges, done, tok],
                )?;
                Ok(done)
            })();
            match &r {
                Ok(_) => db.execute_batch("COMMIT")?,
                Err(_) => {
                    let _ = db.execute_batch("ROLLBACK");
                }
            }
            r
        })
        .await;
    match result {
        Ok(Some(done)) if v >= 2 => Ok(text(b64::decode(&done).unwrap_or_default())),
        Ok(Some(done)) => Ok(text(done)),
        Ok(None) if with_d => Ok(text("0")),
        Ok(None) => Ok(text(Bytes::new())),
        Err(ApiError(c)) => Ok(text(c.to_string())),
    }
}

static ZEROS: [u8; 1 << 20] = [0; 1 << 20];

/// Handle one download GET.
pub async fn download(
    state: Arc<State>,
    token: &str,
    range: Option<&str>,
    req: Request<Incoming>,
) -> Response<Body> {
    if let Some(secs) = state.faults().bandwidth_509 {
        let mut r = plain_response(
            StatusCode::from_u16(509).unwrap_or(StatusCode::FORBIDDEN),
            Bytes::new(),
        );
        if let Ok(v) = secs.to_string().parse() {
            r.headers_mut().insert("x-mega-time-left", v);
        }
        r.headers_mut().insert(
            "access-control-expose-headers",
            "X-MEGA-Time-Left".parse().expect("static header"),
        );
        return r;
    }
    let Some(dl) = lock(&state.downloads).get(token).cloned() else {
        return plain_response(StatusCode::NOT_FOUND, Bytes::new());
    };
    let Download { blob, size, .. } = dl;
    let (start, end) = match range {
        None => (0, size),
        Some(r) => {
            let Some((a, b)) = r.split_once('-') else {
                return plain_response(StatusCode::BAD_REQUEST, Bytes::new());
            };
            let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) else {
                return plain_response(StatusCode::BAD_REQUEST, Bytes::new());
            };
            // Inclusive end, clamped to the last byte (mega-rs asks for `0-<size>`).
            let end = b.saturating_add(1).min(size);
            (a.min(end), end)
        }
    };
    let len = end - start;
    let drop_after = if req.method() == hyper::Method::HEAD {
        None
    } else {
        lock(&state.faults).drop_after.take()
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, std::io::Error>>(4);
    if req.method() != hyper::Method::HEAD && len > 0 {
        tokio::task::spawn_blocking(move || {
            use std::io::{Read, Seek, SeekFrom};
            let mut file = match &blob {
                Some(p) => match std::fs::File::open(p).and_then(|mut f| {
                    f.seek(SeekFrom::Start(start))?;
                    Ok(f)
                }) {
                    Ok(f) => Some(f),
                    Err(e) => {
                        let _ = tx.blocking_send(Err(e));
                        return;
                    }
                },
                None => None,
            };
            let mut pos = start;
            let limit = drop_after.map(|d| start + d);
            while pos < end {
                let stop = limit.unwrap_or(u64::MAX).min(end);
                if pos >= stop {
                    let _ = tx.blocking_send(Err(std::io::Error::other("drop_after")));
                    return;
                }
                let n = ((stop - pos) as usize).min(IO_CHUNK);
                let chunk = match &mut file {
                    Some(f) => {
                        // read_to_end fills spare capacity without zeroing it first.
                        let mut buf = Vec::with_capacity(n);
                        if let Err(e) = f.by_ref().take(n as u64).read_to_end(&mut buf) {
                            let _ = tx.blocking_send(Err(e));
                            return;
                        }
                        // A short blob (cannot happen for completed uploads) reads as zeros.
                        buf.resize(n, 0);
                        Bytes::from(buf)
                    }
                    None => Bytes::from_static(&ZEROS[..n.min(ZEROS.len())]),
                };
                pos += chunk.len() as u64;
                if tx.blocking_send(Ok(Frame::data(chunk))).is_err() {
                    return;
                }
            }
        });
    } else {
        drop(tx);
    }
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut r = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    let h = r.headers_mut();
    h.insert(
        "content-type",
        "application/octet-stream".parse().expect("static header"),
    );
    h.insert("content-length", len.into());
    h.insert(
        "access-control-allow-origin",
        "*".parse().expect("static header"),
    );
    r
}

/// `POST /fa/up/<token>[/<type>]`: store one encrypted file attribute; the answer is its new
/// 8-byte handle, raw.
pub async fn attribute_upload(
    state: Arc<State>,
    token: &str,
    req: Request<Incoming>,
) -> Response<Body> {
    let body = match read_limited(req, super::cmd_transfer::MAX_FILE_ATTRIBUTE).await {
        Some(b) if !b.is_empty() => b,
        _ => return text("-2"),
    };
    let db = lock(&state.db);
    let owner: Option<String> = db
        .query_row(
            "SELECT owner FROM fa_uploads WHERE token = ?1",
            params![token],
            |r| r.get(0),
        )
        .optional()
        .ok()
        .flatten();
    let Some(owner) = owner else {
        return text("-9");
    };
    let handle: [u8; 8] = rand::random();
    let stored = db
        .execute(
            "INSERT INTO fattrs(h, owner, data) VALUES (?1, ?2, ?3)",
            params![b64::encode(&handle), owner, body.to_vec()],
        )
        .and_then(|_| db.execute("DELETE FROM fa_uploads WHERE token = ?1", params![token]));
    match stored {
        Ok(_) => plain_response(StatusCode::OK, Bytes::copy_from_slice(&handle)),
        Err(_) => text("-1"),
    }
}

/// `POST /fa/get[/<type>]` with 8-byte attribute handles as the body: for each one known,
/// the handle, its length (4 bytes, little-endian) and its data, one after the other.
pub async fn attribute_fetch(state: Arc<State>, req: Request<Incoming>) -> Response<Body> {
    let Some(body) = read_limited(req, 8 * 1024).await else {
        return text("-2");
    };
    let db = lock(&state.db);
    let mut out = Vec::new();
    for h in body.chunks_exact(8) {
        let data: Option<Vec<u8>> = db
            .query_row(
                "SELECT data FROM fattrs WHERE h = ?1",
                params![b64::encode(h)],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        if let Some(d) = data {
            out.extend_from_slice(h);
            out.extend_from_slice(&(d.len() as u32).to_le_bytes());
            out.extend_from_slice(&d);
        }
    }
    plain_response(StatusCode::OK, Bytes::from(out))
}

/// A request body of at most `max` bytes (`None`: longer, or broken).
async fn read_limited(req: Request<Incoming>, max: usize) -> Option<Bytes> {
    let body = http_body_util::Limited::new(req.into_body(), max);
    body.collect().await.ok().map(|c| c.to_bytes())
}
