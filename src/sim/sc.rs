//! The `sc` channel: `/sc` and `/wsc` answer the account's action packets after `sn`, or a
//! wait URL when there are none; the wait URL blocks until a new packet or ~30 s.
//!
//! Folder-link sessions (`&n=`) get the owner's packets that concern the link's subtree
//! (nodes added, changed or exported inside it; deletions are passed on, as their node is
//! gone and cannot be placed any more).

use super::db;
use super::json::Obj;
use super::server::{json_response, lock, plain_response, query_map, Body, State};
use super::{decode_sn, encode_sn, random_b64, ApiError};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use rusqlite::params;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a wait URL blocks when nothing happens.
const WAIT: Duration = Duration::from_secs(30);

enum Poll {
    Packets(Vec<String>, i64),
    Wait(String, i64),
}

/// `GET|POST /sc?sn=…&sid=…` (or `&n=` for folder links).
pub async fn poll(state: Arc<State>, req: Request<Incoming>) -> Response<Body> {
    let q = query_map(&req);
    let sid = q.get("sid").cloned();
    let link = q.get("n").cloned();
    let sn = q.get("sn").cloned();
    if sn.is_none() && q.contains_key("c") {
        // The SDK's one-off "last user alerts" request.
        return json_response(StatusCode::OK, "{\"c\":[],\"u\":[]}");
    }
    let result = state
        .with_db(move |conn, _| {
            let uh = if let Some(sid) = &sid {
                let (uh, _) = db::session(conn, sid)?.ok_or(ApiError(-15))?;
                let u = db::user_by_handle(conn, &uh)?.ok_or(ApiError(-15))?;
                if u.blocked != 0 {
                    return Err(ApiError(-16));
                }
                Some(uh)
            } else if let Some(ph) = &link {
                let row: Option<(String, String)> =
                    rusqlite::OptionalExtension::optional(conn.query_row(
                        "SELECT owner, h FROM nodes WHERE ph = ?1 AND t = 1",
                        params![ph],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    ))?;
                let (owner, root) = row.ok_or(ApiError(-9))?;
                let current = db::current_sn(conn)?;
                let since = match &sn {
                    Some(s) => decode_sn(s).ok_or(ApiError(-2))?,
                    None => current,
                };
                let mut st = conn.prepare_cached(
                    "SELECT json FROM packets WHERE uh = ?1 AND sn > ?2 ORDER BY sn",
                )?;
                let all = st
                    .query_map(params![owner, since], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let mut mine = Vec::new();
                for p in all {
                    if concerns_subtree(conn, &p, &root)? {
                        mine.push(p);
                    }
                }
                return Ok(if mine.is_empty() {
                    Poll::Wait(owner, since.min(current))
                } else {
                    Poll::Packets(mine, current)
                });
            } else {
                None
            };
            let uh = uh.ok_or(ApiError(-15))?;
            let current = db::current_sn(conn)?;
            let since = match &sn {
                Some(s) => decode_sn(s).ok_or(ApiError(-2))?,
                None => current,
            };
            let mut st = conn
                .prepare_cached("SELECT json FROM packets WHERE uh = ?1 AND sn > ?2 ORDER BY sn")?;
            let packets = st
                .query_map(params![uh, since], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            if packets.is_empty() {
                Ok(Poll::Wait(uh, since.min(current)))
            } else {
                Ok(Poll::Packets(packets, current))
            }
        })
        .await;
    match result {
        Ok(Poll::Packets(p, current)) => {
            let body = Obj::new()
                .raw("a", &format!("[{}]", p.join(",")))
                .s("sn", &encode_sn(current))
                .end();
            json_response(StatusCode::OK, body)
        }
        Ok(Poll::Wait(uh, since)) => {
            let token = random_b64(16);
            {
                let mut w = lock(&state.waits);
                if w.len() > 10_000 {
                    w.retain(|_, (_, _, t)| t.elapsed() < Duration::from_secs(600));
                }
                w.insert(token.clone(), (uh, since, Instant::now()));
            }
            let url = format!("{}wait/{token}", state.base);
            json_response(StatusCode::OK, Obj::new().s("w", &url).end())
        }
        Err(ApiError(code)) => json_response(StatusCode::OK, code.to_string()),
    }
}

/// Whether an action packet touches a node inside the folder `root`.
fn concerns_subtree(
    conn: &rusqlite::Connection,
    packet: &str,
    root: &str,
) -> Result<bool, ApiError> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(packet) else {
        return Ok(false);
    };
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let handles: Vec<String> = match v.get("a").and_then(|a| a.as_str()) {
        Some("d") => return Ok(true),
        Some("u") => s("n").into_iter().collect(),
        Some("ph") => s("h").into_iter().collect(),
        Some("t") => v
            .pointer("/t/f")
            .and_then(|f| f.as_array())
            .map(|f| {
                f.iter()
                    .filter_map(|n| n.get("h").and_then(|h| h.as_str()).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    for h in handles {
        if under(conn, &h, root)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn under(conn: &rusqlite::Connection, h: &str, root: &str) -> Result<bool, ApiError> {
    let mut cur = h.to_string();
    for _ in 0..10_000 {
        if cur == root {
            return Ok(true);
        }
        let parent: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT parent FROM nodes WHERE h = ?1",
            params![cur],
            |r| r.get(0),
        ))?;
        match parent {
            Some(p) if !p.is_empty() => cur = p,
            _ => return Ok(false),
        }
    }
    Ok(false)
}

/// `GET|POST /wait/<token>`: returns (empty body) once the account has a packet newer than the
/// one the token was issued at, or after [`WAIT`].
pub async fn wait(state: Arc<State>, token: &str) -> Response<Body> {
    let Some((uh, since, _)) = lock(&state.waits).get(token).cloned() else {
        return plain_response(StatusCode::OK, Bytes::new());
    };
    let mut rx = state.packets.subscribe();
    let who = uh.clone();
    let pending = state
        .with_db(move |conn, _| {
            Ok(conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM packets WHERE uh = ?1 AND sn > ?2)",
                params![who, since],
                |r| r.get::<_, bool>(0),
            )?)
        })
        .await
        .unwrap_or(true);
    if !pending {
        let deadline = tokio::time::sleep(WAIT);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                msg = rx.recv() => match msg {
                    Ok(u) if u == uh => break,
                    Ok(_) => continue,
                    Err(_) => break,
                },
            }
        }
    }
    lock(&state.waits).remove(token);
    plain_response(StatusCode::OK, Bytes::new())
}
