//! Account verbs: `us0` (prelogin), `us` (login and session check), `ug`, `uq`, `uga`, `sml`,
//! `whyamiblocked`.

use super::ctx::{lock, Ctx};
use super::db;
use super::json::Obj;
use super::{ApiError, ApiResult, EARGS, ENOENT};
use crate::crypto::{b64, rsa::PublicKey, session};
use rusqlite::OptionalExtension;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

type Req = Map<String, Value>;

fn str_of<'a>(obj: &'a Req, k: &str) -> Option<&'a str> {
    obj.get(k).and_then(Value::as_str)
}

/// `us0`: `{"v":1}` (no `s` at all: mega.py picks v1/v2 by its presence) or `{"v":2,"s":salt}`.
pub fn us0(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let email = str_of(obj, "user").ok_or(EARGS)?.to_lowercase();
    match db::user_by_email(ctx.db, &email)? {
        Some(u) if u.version == 1 => Ok(Obj::new().i("v", 1).end()),
        Some(u) => Ok(Obj::new()
            .i("v", 2)
            .s("s", u.salt.as_deref().unwrap_or(""))
            .end()),
        None => {
            // Unknown e-mail: a stable fake v2 salt so that prelogin does not reveal whether an
            // account exists (what MEGA answers here is unknown); `us` then fails with -9.
            let salt = Sha256::digest(format!("megasim-unknown-user:{email}").as_bytes());
            Ok(Obj::new().i("v", 2).s("s", &b64::encode(&salt)).end())
        }
    }
}

fn totp_ok(secret_b32: &str, code: &str) -> bool {
    let Ok(secret) = totp_rs::Secret::Encoded(secret_b32.to_string()).to_bytes() else {
        return false;
    };
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, secret);
    totp.check(code.trim(), super::now().max(0) as u64)
}

/// On a 2FA account, the request's `mfa` code must be right: none is -26 (EMFAREQUIRED), a
/// wrong one -5 (EFAILED: MEGAcmd users see its "incorrect authentication", a line MEGAcmd
/// prints only for API_EFAILED).
fn second_factor(user: &db::User, obj: &Req) -> ApiResult<()> {
    match (&user.mfa, str_of(obj, "mfa")) {
        (None, _) => Ok(()),
        (Some(secret), Some(code)) if totp_ok(secret, code) => Ok(()),
        (Some(_), Some(_)) => Err(ApiError(-5)),
        (Some(_), None) => Err(ApiError(-26)),
    }
}

/// `us`: login with `user` + `uh` (+ `mfa`, `sek`), or a session check (sid, no `user`).
pub fn us(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let Some(email) = str_of(obj, "user") else {
        // Session check / resume: answers with the sek stored at login, not the new one.
        let sid = ctx.sid.clone().ok_or(EARGS)?;
        let user = ctx.user()?.clone();
        let (_, sek) = db::session(ctx.db, &sid)?.ok_or(ApiError(-15))?;
        return Ok(Obj::new()
            .s("u", &user.uh)
            .s("k", &user.k)
            .os("privk", user.privk.as_deref())
            .os("sek", sek.as_deref())
            .i("ach", 1)
            .end());
    };
    if str_of(obj, "uh").is_none() && !email.contains('@') {
        return ephemeral_login(ctx, email);
    }
    let user = db::user_by_email(ctx.db, email)?.ok_or(ENOENT)?;
    if let Some(limit) = ctx.state.faults().login_limit {
        if lock(&ctx.state.logins).attempt(&user.uh, &limit) {
            return Err(ApiError(-6));
        }
    }
    let uh = str_of(obj, "uh").ok_or(ENOENT)?;
    if !db::auth_matches(&user, uh) {
        return Err(ENOENT);
    }
    // A blocked account still gets its session: MEGA's SDK sends `us` alone "in case the
    // account is blocked (we need to get a sid so we can issue whyamiblocked)"; every later
    // command but `whyamiblocked` answers -16 (see `server::run_batch`).
    // An account created with `--no-keys` never finished its first web login: it has no RSA
    // key pair. Real MEGA refuses such logins in a way third-party clients report as -9
    // "Object (typically, node or user) not found" (rclone issue 4677 and others); the exact
    // server logic is inferred, so megasim answers `us0` normally and `us` with -9.
    let (Some(privk), Some(pubk)) = (user.privk.as_deref(), user.pubk.as_deref()) else {
        // A sign-up's first login: no RSA key yet, so a temporary sid (`tsid`), after which
        // the client sends its key pair (`up` with `privk`/`pubk`), as the SDK does.
        if signed_up(ctx, &user.uh)? {
            return temporary_session(ctx, &user);
        }
        return Err(ENOENT);
    };
    second_factor(&user, obj)?;
    let pubk = PublicKey::from_pubk(&b64::decode(pubk).map_err(|_| super::EINTERNAL)?)
        .map_err(|_| super::EINTERNAL)?;
    let sid = session::new_sid(&user.uh);
    let sid_b64 = b64::encode(&sid);
    let sek = str_of(obj, "sek")
        .filter(|s| b64::decode(s).is_ok_and(|b| b.len() == 16))
        .map(str::to_string);
    ctx.db.execute(
        "INSERT INTO sessions(sid, uh, sek, created, mru, ua, ip) \
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
        rusqlite::params![
            db::sid_key(&sid_b64),
            user.uh,
            sek,
            ctx.now,
            ctx.caller.user_agent,
            ctx.caller.ip
        ],
    )?;
    // Counted for `megasim user list`: clients that reuse sessions show one login.
    ctx.db.execute(
        "INSERT INTO logins(uh, at) VALUES (?1, ?2)",
        rusqlite::params![user.uh, ctx.now],
    )?;
    let csid = b64::encode(&pubk.encrypt_sid(&sid));
    Ok(Obj::new()
        .s("k", &user.k)
        .s("u", &user.uh)
        .s("csid", &csid)
        .s("privk", privk)
        .os("sek", sek.as_deref())
        .i("ach", 1)
        .end())
}

/// `ug`: every member megatools, mega-rs and go-mega require.
pub fn ug(ctx: &mut Ctx, _obj: &Req) -> ApiResult<String> {
    let u = ctx.user()?;
    Ok(Obj::new()
        .s("u", &u.uh)
        .s("email", &u.email)
        .s("name", &u.name)
        .s("k", &u.k)
        .i("c", 1)
        .i("s", 0)
        .s("ts", &u.ts)
        .s("pubk", u.pubk.as_deref().unwrap_or(""))
        .s("privk", u.privk.as_deref().unwrap_or(""))
        .i("since", u.since)
        .end())
}

/// Transfer quota reported by `uq`.
const TRANSFER_QUOTA: i64 = 10 << 30;

/// (bytes, files, folders, version bytes, versions) under a root.
fn usage(ctx: &Ctx, root: &str) -> ApiResult<[i64; 5]> {
    Ok(ctx.db.query_row(
        "WITH RECURSIVE sub(h, t, s, ver) AS (
             SELECT h, t, s, ver FROM nodes WHERE h = ?1
             UNION ALL SELECT n.h, n.t, n.s, n.ver FROM nodes n JOIN sub ON n.parent = sub.h)
         SELECT COALESCE(SUM(CASE WHEN t = 0 AND ver = 0 THEN s ELSE 0 END), 0),
                COALESCE(SUM(t = 0 AND ver = 0), 0), COALESCE(SUM(t = 1), 0),
                COALESCE(SUM(CASE WHEN ver = 1 THEN s ELSE 0 END), 0),
                COALESCE(SUM(ver = 1), 0) FROM sub",
        rusqlite::params![root],
        |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
    )?)
}

/// `uq`: quota and usage, including `cstrgn` per root (mega-rs requires it). The cloud
/// drive's figures are the account totals minus the (usually small) inbox and rubbish bin, so
/// a huge account costs one pass over its rows rather than a tree walk.
pub fn uq(ctx: &mut Ctx, _obj: &Req) -> ApiResult<String> {
    let u = ctx.user()?.clone();
    let all: [i64; 5] = ctx.db.query_row(
        "SELECT COALESCE(SUM(CASE WHEN t = 0 AND ver = 0 THEN s ELSE 0 END), 0),
                COALESCE(SUM(t = 0 AND ver = 0), 0), COALESCE(SUM(t = 1), 0),
                COALESCE(SUM(CASE WHEN ver = 1 THEN s ELSE 0 END), 0),
                COALESCE(SUM(ver = 1), 0)
         FROM nodes WHERE owner = ?1",
        rusqlite::params![u.uh],
        |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
    )?;
    let total = all[0] + all[3];
    let inbox = usage(ctx, &u.inbox)?;
    let rubbish = usage(ctx, &u.rubbish)?;
    let root: [i64; 5] = std::array::from_fn(|i| all[i] - inbox[i] - rubbish[i]);
    let mut per_root = Obj::new();
    for (h, [bytes, files, folders, vbytes, vfiles]) in
        [(&u.root, root), (&u.inbox, inbox), (&u.rubbish, rubbish)]
    {
        per_root = per_root.raw(h, &format!("[{bytes},{files},{folders},{vbytes},{vfiles}]"));
    }
    Ok(Obj::new()
        .i("mstrg", u.storage_max)
        .i("cstrg", total)
        .raw("cstrgn", &per_root.end())
        .i("mxfer", TRANSFER_QUOTA)
        .i("caxfer", 0)
        .i("csxfer", 0)
        .i("srvratio", 0)
        .i("utype", 0)
        .end())
}

/// `uga`: the caller's `^!keys` and the attributes set with `up2`; anything else is -9.
pub fn uga(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let u = ctx.user()?;
    if let Some(who) = str_of(obj, "u") {
        if who != u.uh && who.to_lowercase() != u.email {
            return Err(ENOENT);
        }
    }
    match (str_of(obj, "ua"), &u.keys_av) {
        (Some("^!keys"), Some(av)) => Ok(Obj::new()
            .s("av", av)
            .s("v", u.keys_v.as_deref().unwrap_or("AAAAAAAAAAA"))
            .end()),
        (Some(name), _) => {
            let row: Option<(String, String)> = ctx
                .db
                .query_row(
                    "SELECT value, v FROM uattrs WHERE uh = ?1 AND name = ?2",
                    rusqlite::params![u.uh, name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (av, v) = row.ok_or(ENOENT)?;
            Ok(Obj::new().s("av", &av).s("v", &v).end())
        }
        _ => Err(ENOENT),
    }
}

/// User attributes `up2` (and the older `up`) may set: the private, unencrypted ones whose
/// meaning megasim knows. Others are refused rather than stored unchecked.
const SETTABLE: &[&str] = &[
    "^!dv",
    "^!lastPsa",
    "firstname",
    "lastname",
    "country",
    "birthday",
    "birthmonth",
    "birthyear",
    "^!lang",
    "^!prd",
    "^clv",
];

/// `up2`: set user attributes (`{"a":"up2","^!dv":"MQ"}`, values b64). The answer names the
/// attribute and its new version, as the SDK reads it; a `ua` packet tells other sessions.
pub fn up(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    if ctx.user.is_none() && obj.contains_key("k") && obj.contains_key("ts") {
        return create_ephemeral(ctx, obj);
    }
    if obj.contains_key("privk") && obj.contains_key("pubk") {
        return set_keypair(ctx, obj);
    }
    if obj.contains_key("k") && obj.contains_key("uh") {
        return change_password(ctx, obj);
    }
    let uh = ctx.user()?.uh.clone();
    let mut answer = Vec::new();
    for (name, value) in obj
        .iter()
        .filter(|(k, _)| k.as_str() != "a" && k.as_str() != "i")
    {
        let value = value.as_str().ok_or(EARGS)?;
        if !SETTABLE.contains(&name.as_str()) || b64::decode(value).is_err() {
            return Err(EARGS);
        }
        if name == "^!dv" && !matches!(b64::decode(value).as_deref(), Ok(b"0" | b"1")) {
            return Err(EARGS);
        }
        let v = b64::encode(&rand::random::<[u8; 8]>());
        ctx.db.execute(
            "INSERT INTO uattrs(uh, name, value, v) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(uh, name) DO UPDATE SET value = excluded.value, v = excluded.v",
            rusqlite::params![uh, name, value, v],
        )?;
        let packet = Obj::new()
            .s("a", "ua")
            .os("i", str_of(obj, "i"))
            .s("u", &uh)
            .raw("ua", &format!("[{}]", super::json::quote(name)))
            .raw("v", &format!("[{}]", super::json::quote(&v)))
            .end();
        ctx.packet(&uh, "", packet)?;
        answer.push(super::json::quote(name));
        answer.push(super::json::quote(&v));
    }
    if answer.is_empty() {
        return Err(EARGS);
    }
    Ok(format!("[{}]", answer.join(",")))
}

/// The e-mail an ephemeral account has until its sign-up is confirmed (unique, no `@`).
fn ephemeral_email(uh: &str) -> String {
    format!("ephemeral:{uh}")
}

fn signed_up(ctx: &Ctx, uh: &str) -> ApiResult<bool> {
    Ok(ctx.db.query_row(
        "SELECT signup FROM users WHERE uh = ?1",
        rusqlite::params![uh],
        |r| r.get::<_, i64>(0),
    )? == 1)
}

/// `up` without a session, with `k` (a random master key under a random password key) and
/// `ts` (16 random bytes and the same encrypted with the master key): a new ephemeral
/// account, the first step of the SDK's sign-up. Answers its user handle.
fn create_ephemeral(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let k = str_of(obj, "k").ok_or(EARGS)?;
    let ts = str_of(obj, "ts").ok_or(EARGS)?;
    if b64::decode(k).map_or(true, |b| b.len() != 16)
        || b64::decode(ts).map_or(true, |b| b.len() != 32)
    {
        return Err(EARGS);
    }
    let uh = super::random_b64(8);
    let roots = [
        super::new_node_handle(),
        super::new_node_handle(),
        super::new_node_handle(),
    ];
    ctx.db.execute(
        "INSERT INTO users(uh, email, version, salt, k, auth, privk, pubk, ts, keys_av, keys_v,
                           mfa, name, blocked, since, root, inbox, rubbish, auth_hashed, signup)
         VALUES (?1, ?2, 2, NULL, ?3, '', NULL, NULL, ?4, NULL, NULL, NULL, '', 0, ?5,
                 ?6, ?7, ?8, 1, 1)",
        rusqlite::params![
            uh,
            ephemeral_email(&uh),
            k,
            ts,
            ctx.now,
            roots[0],
            roots[1],
            roots[2]
        ],
    )?;
    for (h, kind) in roots.iter().zip([2, 3, 4]) {
        ctx.db.execute(
            "INSERT INTO nodes(h, owner, parent, t, a, k, ts) VALUES (?1, ?2, '', ?3, '', '', ?4)",
            rusqlite::params![h, uh, kind, ctx.now],
        )?;
    }
    Ok(super::json::quote(&uh))
}

/// `us` with `user` = the handle of an ephemeral account (no password yet): its temporary
/// session.
fn ephemeral_login(ctx: &mut Ctx, uh: &str) -> ApiResult<String> {
    let user = db::user_by_handle(ctx.db, uh)?.ok_or(ENOENT)?;
    if user.email != ephemeral_email(uh) {
        return Err(ENOENT);
    }
    temporary_session(ctx, &user)
}

/// A session whose id the client checks with its master key (`tsid`: 16 bytes, the user
/// handle, the 16 bytes encrypted; from the account's `ts`), for accounts without an RSA key.
fn temporary_session(ctx: &mut Ctx, user: &db::User) -> ApiResult<String> {
    let ts = b64::decode(&user.ts).map_err(|_| super::EINTERNAL)?;
    if ts.len() != 32 {
        return Err(super::EINTERNAL);
    }
    let mut tsid = Vec::with_capacity(43);
    tsid.extend_from_slice(&ts[..16]);
    tsid.extend_from_slice(user.uh.as_bytes());
    tsid.extend_from_slice(&ts[16..]);
    let tsid = b64::encode(&tsid);
    // The server knows one pair (`ts`) the client can check, so every temporary session
    // of an account has this same id: a later one takes the row over.
    ctx.db.execute(
        "INSERT OR REPLACE INTO sessions(sid, uh, sek, created, mru, ua, ip) \
         VALUES (?1, ?2, NULL, ?3, ?3, ?4, ?5)",
        rusqlite::params![
            db::sid_key(&tsid),
            user.uh,
            ctx.now,
            ctx.caller.user_agent,
            ctx.caller.ip
        ],
    )?;
    Ok(Obj::new()
        .s("k", &user.k)
        .s("u", &user.uh)
        .s("tsid", &tsid)
        .i("ach", 1)
        .end())
}

/// `up` with `privk` (wrapped with the master key) and `pubk`: the key pair a signed-up
/// account's first login makes. Only once: an account's keys never change this way.
fn set_keypair(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?.clone();
    if user.privk.is_some() {
        return Err(ApiError(-12));
    }
    let privk = str_of(obj, "privk").ok_or(EARGS)?;
    let pubk = str_of(obj, "pubk").ok_or(EARGS)?;
    let pubk_bytes = b64::decode(pubk).map_err(|_| EARGS)?;
    PublicKey::from_pubk(&pubk_bytes).map_err(|_| EARGS)?;
    if b64::decode(privk).is_err() {
        return Err(EARGS);
    }
    ctx.db.execute(
        "UPDATE users SET privk = ?1, pubk = ?2 WHERE uh = ?3",
        rusqlite::params![privk, pubk, user.uh],
    )?;
    Ok(super::json::quote(&user.uh))
}

/// `uc2` from an ephemeral session: name (`n`), e-mail (`m`, both b64), `crv`, `hak` and `k`
/// for the password (v2): megasim "mails" the confirmation link (`…#confirm` + the code, the
/// SDK's layout: `ConfirmCodeV2`, 15 random bytes, the e-mail, a tab, the name, 8 bytes).
/// `-12` when the e-mail has an account.
pub fn uc2(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?.clone();
    if user.email != ephemeral_email(&user.uh) {
        return Err(super::EACCESS);
    }
    let text = |k: &str| -> ApiResult<String> {
        let b = b64::decode(str_of(obj, k).ok_or(EARGS)?).map_err(|_| EARGS)?;
        String::from_utf8(b).map_err(|_| EARGS)
    };
    let email = text("m")?.trim().to_lowercase();
    let name = text("n")?;
    if !email.contains('@') || email.len() > 254 {
        return Err(EARGS);
    }
    if db::user_by_email(ctx.db, &email)?.is_some() {
        return Err(ApiError(-12));
    }
    let crv: [u8; 16] = b64::decode(str_of(obj, "crv").ok_or(EARGS)?)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(EARGS)?;
    let hak = str_of(obj, "hak").ok_or(EARGS)?;
    let k = str_of(obj, "k").ok_or(EARGS)?;
    if b64::decode(hak).map_or(true, |b| b.len() != 16)
        || b64::decode(k).map_or(true, |b| b.len() != 16)
    {
        return Err(EARGS);
    }
    let mut code = b"ConfirmCodeV2".to_vec();
    code.extend_from_slice(&rand::random::<[u8; 15]>());
    code.extend_from_slice(email.as_bytes());
    code.push(b'\t');
    code.extend_from_slice(name.as_bytes());
    code.extend_from_slice(&rand::random::<[u8; 8]>());
    let code = b64::encode(&code);
    let salt = b64::encode(&crate::crypto::login::salt_v2_from_crv(&crv));
    ctx.db.execute(
        "INSERT INTO signups(code, uh, email, name, salt, hak, k, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![code, user.uh, email, name, salt, hak, k, ctx.now],
    )?;
    ctx.state.mail(
        &email,
        "confirmation link",
        &format!("https://mega.nz/#confirm{code}"),
    );
    Ok("0".into())
}

/// `ud2` with `c` (the code of a confirmation link): the account is made, and the answer is
/// `[email, name (both b64), user handle, 2]`, as the SDK reads it.
pub fn ud2(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let c = str_of(obj, "c").ok_or(EARGS)?;
    let code = b64::encode(&b64::decode(c).map_err(|_| EARGS)?);
    let row: Option<(String, String, String, String, String, String)> = ctx
        .db
        .query_row(
            "SELECT uh, email, name, salt, hak, k FROM signups WHERE code = ?1",
            rusqlite::params![code],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let (uh, email, name, salt, hak, k) = row.ok_or(ENOENT)?;
    if db::user_by_email(ctx.db, &email)?.is_some() {
        return Err(ApiError(-12));
    }
    ctx.db.execute(
        "UPDATE users SET email = ?1, name = ?2, version = 2, salt = ?3, auth = ?4, k = ?5,
             auth_hashed = 1, signup = 1 WHERE uh = ?6",
        rusqlite::params![email, name, salt, hak, k, uh],
    )?;
    ctx.db
        .execute("DELETE FROM signups WHERE uh = ?1", rusqlite::params![uh])?;
    Ok(format!(
        "[{},{},{},2]",
        super::json::quote(&b64::encode(email.as_bytes())),
        super::json::quote(&b64::encode(name.as_bytes())),
        super::json::quote(&uh)
    ))
}

/// `erm` with `t:21` and `m` (the session's own e-mail): "mail" the link that cancels the
/// account (`…#cancel<code>`); 2FA accounts need `mfa`. Other `t` (recovery links) are not
/// implemented (-2).
pub fn erm(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?.clone();
    if obj.get("t").and_then(Value::as_i64) != Some(21) {
        return Err(EARGS);
    }
    if str_of(obj, "m").map(str::to_lowercase).as_deref() != Some(user.email.as_str()) {
        return Err(super::EACCESS);
    }
    second_factor(&user, obj)?;
    let code = super::random_b64(16);
    ctx.db.execute(
        "INSERT INTO cancels(code, uh, created) VALUES (?1, ?2, ?3)",
        rusqlite::params![code, user.uh, ctx.now],
    )?;
    ctx.state.mail(
        &user.email,
        "cancellation link",
        &format!("https://mega.nz/#cancel{code}"),
    );
    Ok("0".into())
}

/// `erx` with `c` (a cancellation link's code), from the account's own session: the account
/// and everything in it is deleted, and its sessions end.
pub fn erx(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?.clone();
    let code = str_of(obj, "c").ok_or(EARGS)?;
    let owner: Option<String> = ctx
        .db
        .query_row(
            "SELECT uh FROM cancels WHERE code = ?1",
            rusqlite::params![code],
            |r| r.get(0),
        )
        .optional()?;
    if owner.as_deref() != Some(user.uh.as_str()) {
        return Err(ENOENT);
    }
    let blobs: Vec<String> = {
        let mut st = ctx
            .db
            .prepare("SELECT DISTINCT blob FROM nodes WHERE owner = ?1 AND blob IS NOT NULL")?;
        let rows = st.query_map(rusqlite::params![user.uh], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for sql in [
        "DELETE FROM node_shares WHERE node IN (SELECT h FROM nodes WHERE owner = ?1)",
        "DELETE FROM shares WHERE owner = ?1",
        "DELETE FROM nodes WHERE owner = ?1",
        "DELETE FROM uattrs WHERE uh = ?1",
        "DELETE FROM fattrs WHERE owner = ?1",
        "DELETE FROM cancels WHERE uh = ?1",
        "DELETE FROM sessions WHERE uh = ?1",
        "DELETE FROM users WHERE uh = ?1",
    ] {
        ctx.db.execute(sql, rusqlite::params![user.uh])?;
    }
    for b in blobs {
        let used: bool = ctx.db.query_row(
            "SELECT EXISTS(SELECT 1 FROM nodes WHERE blob = ?1)",
            rusqlite::params![b],
            |r| r.get(0),
        )?;
        if !used {
            ctx.dead_blobs.push(b);
        }
    }
    Ok("0".into())
}

/// `up` with `k` (the master key under the new password key), `uh` (v1: the user hash; v2: the
/// hashed auth key) and for v2 `crv` (the salt's random value), plus `mfa` on a 2FA account:
/// a password change, as the SDK's `CommandSetMasterKey` sends it. Every other session of the
/// account ends (MEGAcmd: "will close all your active sessions … except for the current
/// one"). Answers the user handle.
fn change_password(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let user = ctx.user()?.clone();
    let sid = ctx.sid.clone().ok_or(super::EACCESS)?;
    let k = str_of(obj, "k").ok_or(EARGS)?;
    let uh = str_of(obj, "uh").ok_or(EARGS)?;
    if b64::decode(k).map_or(true, |b| b.len() != 16) {
        return Err(EARGS);
    }
    let crv = match str_of(obj, "crv") {
        Some(c) => Some(
            <[u8; 16]>::try_from(b64::decode(c).map_err(|_| EARGS)?.as_slice())
                .map_err(|_| EARGS)?,
        ),
        None => None,
    };
    let auth_len = b64::decode(uh).map_err(|_| EARGS)?.len();
    if auth_len != if crv.is_some() { 16 } else { 8 } {
        return Err(EARGS);
    }
    second_factor(&user, obj)?;
    let (version, salt) = match crv {
        Some(c) => (
            2,
            Some(b64::encode(&crate::crypto::login::salt_v2_from_crv(&c))),
        ),
        None => (1, None),
    };
    ctx.db.execute(
        "UPDATE users SET k = ?1, auth = ?2, version = ?3, salt = ?4, auth_hashed = 1
         WHERE uh = ?5",
        rusqlite::params![k, uh, version, salt, user.uh],
    )?;
    ctx.db.execute(
        "UPDATE sessions SET alive = 0 WHERE uh = ?1 AND sid != ?2",
        rusqlite::params![user.uh, db::sid_key(&sid)],
    )?;
    Ok(super::json::quote(&user.uh))
}

/// `sml`: log out; the sid stops working.
pub fn sml(ctx: &mut Ctx, _obj: &Req) -> ApiResult<String> {
    ctx.user()?;
    let sid = ctx.sid.clone().ok_or(EARGS)?;
    ctx.db.execute(
        "UPDATE sessions SET alive = 0 WHERE sid = ?1",
        rusqlite::params![db::sid_key(&sid)],
    )?;
    Ok("0".to_string())
}

/// `usl`: the account's sessions, oldest first, each as MEGA sends it (SDK
/// `CommandGetUserSessions`): `[created, most recent use, user agent, ip, country, current,
/// id, alive]`, the last two asked for with `x:1`. megasim knows no countries: `XX`.
pub fn usl(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let with_ids = obj.get("x").and_then(Value::as_i64) == Some(1);
    let mut st = ctx.db.prepare_cached(
        "SELECT sid, created, mru, ua, ip, alive FROM sessions WHERE uh = ?1 \
         ORDER BY created, rowid",
    )?;
    let rows = st
        .query_map(rusqlite::params![uh], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|(sid, created, mru, ua, ip, alive)| {
            let current = i64::from(ctx.sid.as_deref().map(db::sid_key) == Some(sid.clone()));
            let mut row = vec![
                Value::from(created),
                Value::from(mru.max(created)),
                Value::from(ua),
                Value::from(ip),
                Value::from("XX"),
                Value::from(current),
            ];
            if with_ids {
                row.push(Value::from(db::session_id(&sid)));
                row.push(Value::from(alive));
            }
            Value::from(row)
        })
        .collect();
    Ok(Value::from(list).to_string())
}

/// `usr`: end sessions of the account: `ko:1` all but the current one, or `s:[ids]` the ones
/// named (an id that is not one of the account's sessions: `-9`, and none is ended).
pub fn usr(ctx: &mut Ctx, obj: &Req) -> ApiResult<String> {
    let uh = ctx.user()?.uh.clone();
    let current = db::sid_key(ctx.sid.as_deref().unwrap_or_default());
    if obj.get("ko").and_then(Value::as_i64) == Some(1) {
        ctx.db.execute(
            "UPDATE sessions SET alive = 0 WHERE uh = ?1 AND sid != ?2",
            rusqlite::params![uh, current],
        )?;
        return Ok("0".to_string());
    }
    let ids: Vec<&str> = match obj.get("s").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => list
            .iter()
            .map(|v| v.as_str().ok_or(EARGS))
            .collect::<ApiResult<_>>()?,
        _ => return Err(EARGS),
    };
    let sids: Vec<String> = ctx
        .db
        .prepare_cached("SELECT sid FROM sessions WHERE uh = ?1")?
        .query_map(rusqlite::params![uh], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut chosen = Vec::with_capacity(ids.len());
    for id in ids {
        let sid = sids
            .iter()
            .find(|s| db::session_id(s) == id)
            .ok_or(ENOENT)?;
        chosen.push(sid.clone());
    }
    for sid in chosen {
        ctx.db.execute(
            "UPDATE sessions SET alive = 0 WHERE sid = ?1",
            rusqlite::params![sid],
        )?;
    }
    Ok("0".to_string())
}

/// `whyamiblocked`: the block reason of the session's account (0 = not blocked).
pub fn whyamiblocked(ctx: &mut Ctx, _obj: &Req) -> ApiResult<String> {
    Ok(ctx.user.as_ref().map_or(0, |u| u.blocked).to_string())
}
