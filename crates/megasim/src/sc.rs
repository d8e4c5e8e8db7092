//! The `sc` channel: `/sc` and `/wsc` answer the account's action packets after `sn`, or a
//! wait URL when there are none; the wait URL blocks until a new packet or ~30 s.
//!
//! Folder-link sessions (`&n=`) get the owner's packets about nodes inside the link's folder:
//! each packet is stored with the path of the node it is about at that moment (its scope), so
//! a node moved or deleted out of the folder still reaches the link as a deletion.

use super::ctx::{json_response, lock, plain_response, query_map, Body, State};
use super::db;
use super::json::Obj;
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
            // The account whose packets to read, and for a folder link the scope to match
            // (`instr`, not LIKE: handles are case-sensitive and may hold `_`).
            let (uh, scope) = if let Some(sid) = &sid {
                let (uh, _) = db::session(conn, sid)?.ok_or(ApiError(-15))?;
                let u = db::user_by_handle(conn, &uh)?.ok_or(ApiError(-15))?;
                if u.blocked != 0 {
                    return Err(ApiError(-16));
                }
                (uh, String::new())
            } else if let Some(ph) = &link {
                let row: Option<(String, String)> =
                    rusqlite::OptionalExtension::optional(conn.query_row(
                        "SELECT owner, h FROM nodes WHERE ph = ?1 AND t = 1",
                        params![ph],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    ))?;
                let (owner, root) = row.ok_or(ApiError(-9))?;
                (owner, format!(",{root},"))
            } else {
                return Err(ApiError(-15));
            };
            let current = db::current_sn(conn)?;
            let since = match &sn {
                Some(s) => decode_sn(s).ok_or(ApiError(-2))?,
                None => current,
            };
            let mut st = conn.prepare_cached(
                "SELECT json FROM packets WHERE uh = ?1 AND sn > ?2 \
                 AND (?3 = '' OR instr(scope, ?3) > 0) ORDER BY sn",
            )?;
            let packets = st
                .query_map(params![uh, since, scope], |r| r.get::<_, String>(0))?
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
