//! Transfer verbs: `u` (upload URL) and `g` (file info and download URL).

use super::cmd_nodes::load;
use super::ctx::{lock, Ctx, Download};
use super::json::Obj;
use super::{db, random_b64, ApiResult, EARGS, ENOENT, EOVERQUOTA};
use rusqlite::{params, OptionalExtension};
use serde_json::{Map, Value};

type Req = Map<String, Value>;

/// An integer member that some clients send as a string.
fn int_of(obj: &Req, k: &str) -> Option<i64> {
    match obj.get(k)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// `u`: an upload URL for `s` bytes. `v >= 2` selects the binary completion token.
pub fn u(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?;
    let (uh, storage_max) = (user.uh.clone(), user.storage_max);
    let size = int_of(obj, "s").filter(|s| *s >= 0).ok_or(EARGS)?;
    // MEGA refuses the upload URL when the file would not fit (the SDK's storage overquota).
    if db::storage_used(ctx.db, &uh)?.saturating_add(size) > storage_max {
        return Err(EOVERQUOTA);
    }
    let v = int_of(obj, "v").unwrap_or(0);
    let token = random_b64(24);
    let blob = random_b64(16);
    ctx.db.execute(
        "INSERT INTO uploads(token, owner, size, v, blob, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token, uh, size, v, blob, ctx.now],
    )?;
    let url = format!("{}ul/{token}", transfer_base(ctx, "u", obj));
    Ok(Obj::new().s("p", &url).end())
}

/// The base of a transfer URL: https for `ssl:2` when serving TLS (as MEGA answers), else
/// http. The `ssl` asked for is logged for tests (`/_admin/transfer-ssl`).
fn transfer_base<'a>(ctx: &'a Ctx, verb: &str, obj: &Req) -> &'a str {
    let ssl = int_of(obj, "ssl").unwrap_or(0);
    {
        let mut log = lock(&ctx.state.transfer_ssl);
        if log.len() < 10_000 {
            log.push((verb.to_string(), ssl));
        }
    }
    match (&ctx.state.tls_base, ssl) {
        (Some(tls), 2) => tls,
        _ => &ctx.state.base,
    }
}

/// `g`: size and attributes of a file (own, inside the folder link of this session, or by
/// public handle `p`), plus a download URL with `g:1`.
pub fn g(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let node = if let Some(ph) = obj.get("p").and_then(Value::as_str) {
        let h: Option<String> = ctx
            .db
            .query_row("SELECT h FROM nodes WHERE ph = ?1", params![ph], |r| {
                r.get(0)
            })
            .optional()?;
        load(ctx, &h.ok_or(ENOENT)?)?.ok_or(ENOENT)?
    } else if let Some(h) = obj.get("n").and_then(Value::as_str) {
        let n = load(ctx, h)?.ok_or(ENOENT)?;
        let allowed = match (&ctx.user, &ctx.link) {
            (_, Some((_, root, _))) if ctx.is_under(h, root)? => true,
            (Some(u), _) => u.uh == n.u,
            _ => false,
        };
        if !allowed {
            return Err(ENOENT);
        }
        n
    } else {
        return Err(EARGS);
    };
    if node.t != 0 {
        return Err(ENOENT);
    }
    let blob: Option<String> = ctx.db.query_row(
        "SELECT blob FROM nodes WHERE h = ?1",
        params![node.h],
        |r| r.get(0),
    )?;
    let size = node.s.unwrap_or(0).max(0);
    let mut out = Obj::new()
        .i("s", size)
        .s("at", &node.a)
        .i("msd", 1)
        .i("tl", 0);
    if int_of(obj, "g") == Some(1) {
        let base = transfer_base(ctx, "g", obj).to_string();
        let token = random_b64(24);
        let mut downloads = lock(&ctx.state.downloads);
        if downloads.len() > 100_000 {
            downloads.retain(|_, d| d.issued.elapsed() < std::time::Duration::from_secs(6 * 3600));
        }
        downloads.insert(
            token.clone(),
            Download {
                blob: blob.map(|b| ctx.state.blob_path(&b)),
                size: size as u64,
                issued: std::time::Instant::now(),
            },
        );
        drop(downloads);
        out = out.s("g", &format!("{base}dl/{token}"));
    }
    Ok(out.os("fa", node.fa.as_deref()).end())
}

/// The largest file attribute megasim takes (MEGA's previews are tens of KiB).
pub const MAX_FILE_ATTRIBUTE: usize = 16 << 20;

/// `ufa`: with `s`, a URL to POST one encrypted file attribute to (the answer is its 8-byte
/// handle); with `fah`, the URL to POST attribute handles to and get their data back.
pub fn ufa(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let base = transfer_base(ctx, "ufa", obj).to_string();
    if obj.get("fah").is_some() {
        // Attributes are served to whoever holds their handle: the data is encrypted.
        return Ok(Obj::new().s("p", &format!("{base}fa/get")).end());
    }
    let uh = ctx.user()?.uh.clone();
    let size = int_of(obj, "s").filter(|s| *s > 0).ok_or(EARGS)?;
    if size as usize > MAX_FILE_ATTRIBUTE {
        return Err(EARGS);
    }
    let token = random_b64(24);
    ctx.db.execute(
        "INSERT INTO fa_uploads(token, owner, created) VALUES (?1, ?2, ?3)",
        params![token, uh, ctx.now],
    )?;
    Ok(Obj::new().s("p", &format!("{base}fa/up/{token}")).end())
}
