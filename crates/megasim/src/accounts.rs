//! The CLI's account tools: `user add/list/block/unblock` and `seed`. They open the database
//! directly, also while a server is running on it.

use super::db::{self, User};
use super::{new_node_handle, now, random_b64, random_bytes};
use crate::crypto::{aes, attrs, b64, keys, login, rsa::PrivateKey, Key128};
use rusqlite::{params, Connection};
use std::path::Path;
use std::time::Instant;

/// Options of `megasim user add`.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub v1: bool,
    pub no_keys: bool,
    pub mfa: Option<&'a str>,
    pub name: Option<&'a str>,
}

fn key128(v: &[u8]) -> Key128 {
    let mut k = [0u8; 16];
    k.copy_from_slice(&v[..16]);
    k
}

fn wrap(key: &Key128, data: &[u8]) -> Result<String, String> {
    aes::wrap(key, data)
        .map(|w| b64::encode(&w))
        .map_err(|e| format!("key wrapping failed: {e}"))
}

/// Create an account the way MEGA's web client does; returns the user handle.
pub fn add_user(data: &Path, u: &NewUser) -> Result<String, String> {
    let conn = db::open(data)?;
    let email = u.email.trim().to_lowercase();
    if email.is_empty() {
        return Err("e-mail address is empty".into());
    }
    if db::user_by_email(&conn, &email)
        .map_err(|_| "database error")?
        .is_some()
    {
        return Err(format!("an account for {email} already exists"));
    }
    if let Some(secret) = u.mfa {
        totp_rs::Secret::Encoded(secret.to_string())
            .to_bytes()
            .map_err(|_| "--mfa expects a base32 TOTP secret".to_string())?;
    }
    let mk = key128(&random_bytes(16));
    let (version, salt, pk, auth) = if u.v1 {
        let pk = login::prepare_key_v1(u.password);
        let auth = login::user_hash_v1(&email, &pk);
        (1, None, pk, auth)
    } else {
        let salt = random_bytes(32);
        let (pk, auth) = login::derive_v2(u.password, &salt);
        let raw = b64::decode(&auth).map_err(|e| e.to_string())?;
        let hak = b64::encode(&login::hashed_auth_key(&raw));
        (2, Some(b64::encode(&salt)), pk, hak)
    };
    let k = wrap(&pk, &mk)?;
    let (privk, pubk, keys_av) = if u.no_keys {
        (None, None, None)
    } else {
        let (private, public) = PrivateKey::generate();
        let privk = wrap(&mk, &private.to_privk())?;
        let pubk = b64::encode(&public.to_pubk());
        let mut iv = [0u8; 12];
        iv.copy_from_slice(&random_bytes(12));
        // Empty plaintext: mega-rs loops forever on TLV tags it does not know.
        let av = b64::encode(&keys::keys_container_seal(&mk, &iv, &[]));
        (Some(privk), Some(pubk), Some(av))
    };
    let r = random_bytes(16);
    let mut rr = r.clone();
    aes::ecb_encrypt(&mk, &mut rr).map_err(|e| e.to_string())?;
    let ts = b64::encode(&[r, rr].concat());
    let uh = random_b64(8);
    let name = u
        .name
        .map(str::to_string)
        .unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
    let t = now();
    let roots = [new_node_handle(), new_node_handle(), new_node_handle()];
    let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
    tx.execute(
        "INSERT INTO users(uh, email, version, salt, k, auth, privk, pubk, ts, keys_av, keys_v,
                           mfa, name, blocked, since, root, inbox, rubbish, auth_hashed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, ?14, ?15, ?16, ?17, 1)",
        params![
            uh,
            email,
            version,
            salt,
            k,
            auth,
            privk,
            pubk,
            ts,
            keys_av,
            random_b64(8),
            u.mfa,
            name,
            t,
            roots[0],
            roots[1],
            roots[2]
        ],
    )
    .map_err(|e| format!("cannot store the account: {e}"))?;
    for (h, kind) in roots.iter().zip([2, 3, 4]) {
        tx.execute(
            "INSERT INTO nodes(h, owner, parent, t, a, k, ts) VALUES (?1, ?2, '', ?3, '', '', ?4)",
            params![h, uh, kind, t],
        )
        .map_err(|e| format!("cannot store the root nodes: {e}"))?;
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok(uh)
}

/// One line per account: e-mail, handle, version, flags, blocked, logins, storage used/quota.
pub fn list_users(data: &Path) -> Result<Vec<String>, String> {
    let conn = db::open(data)?;
    let users = db::all_users(&conn).map_err(|_| "database error")?;
    Ok(users
        .iter()
        .map(|u| {
            let mut flags = Vec::new();
            if u.mfa.is_some() {
                flags.push("mfa");
            }
            if u.privk.is_none() {
                flags.push("no-keys");
            }
            let flags = if flags.is_empty() {
                "-".to_string()
            } else {
                flags.join(",")
            };
            let blocked = if u.blocked != 0 {
                format!("blocked:{}", u.blocked)
            } else {
                "-".into()
            };
            let logins = db::login_count(&conn, &u.uh).unwrap_or(0);
            let used = db::storage_used(&conn, &u.uh).unwrap_or(0);
            format!(
                "{}\t{}\tv{}\t{}\t{}\tlogins={logins}\tstorage={used}/{}",
                u.email, u.uh, u.version, flags, blocked, u.storage_max
            )
        })
        .collect())
}

/// Set (or clear, with 0) an account's block reason.
pub fn set_blocked(data: &Path, email: &str, reason: i64) -> Result<(), String> {
    set_user_field(
        data,
        email,
        "UPDATE users SET blocked = ?1 WHERE email = ?2",
        reason,
    )
}

/// Set an account's storage quota in bytes.
pub fn set_storage(data: &Path, email: &str, bytes: i64) -> Result<(), String> {
    set_user_field(
        data,
        email,
        "UPDATE users SET storage_max = ?1 WHERE email = ?2",
        bytes,
    )
}

/// Run `update` (`?1` the value, `?2` the e-mail) on one account; an unknown e-mail is an error.
fn set_user_field(data: &Path, email: &str, update: &str, value: i64) -> Result<(), String> {
    let conn = db::open(data)?;
    let n = conn
        .execute(update, params![value, email.trim().to_lowercase()])
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err(format!("no account for {email}"));
    }
    Ok(())
}

/// Log in locally: check the password and return the account and its master key.
fn unlock(conn: &Connection, email: &str, password: &str) -> Result<(User, Key128), String> {
    let user = db::user_by_email(conn, email)
        .map_err(|_| "database error")?
        .ok_or_else(|| format!("no account for {email}"))?;
    let (pk, auth) = if user.version == 1 {
        let pk = login::prepare_key_v1(password);
        (pk, login::user_hash_v1(&user.email, &pk))
    } else {
        let salt = b64::decode(user.salt.as_deref().unwrap_or("")).map_err(|e| e.to_string())?;
        login::derive_v2(password, &salt)
    };
    if !db::auth_matches(&user, &auth) {
        return Err("wrong password".into());
    }
    let wrapped = b64::decode(&user.k).map_err(|e| e.to_string())?;
    let mk = aes::unwrap(&pk, &wrapped).map_err(|e| e.to_string())?;
    if mk.len() != 16 {
        return Err("stored master key is malformed".into());
    }
    Ok((user, key128(&mk)))
}

/// Log in locally (password checked) and open a session without going through `us`; returns
/// the sid. A megasim extension for scripts that speak to the server with plain curl.
pub fn open_session(data: &Path, email: &str, password: &str) -> Result<String, String> {
    let conn = db::open(data)?;
    let (user, _) = unlock(&conn, email, password)?;
    let sid = b64::encode(&crate::crypto::session::new_sid(&user.uh));
    conn.execute(
        "INSERT INTO sessions(sid, uh, sek, created, mru, ua) \
         VALUES (?1, ?2, NULL, ?3, ?3, 'megasim user session')",
        params![db::sid_key(&sid), user.uh, now()],
    )
    .map_err(|e| e.to_string())?;
    Ok(sid)
}

/// Fill the account's cloud drive with `count` synthetic nodes: folders holding
/// `files_per_folder` files each, nested a few levels deep, with real wrapped keys and real
/// encrypted names. Files have sizes but no content; their download URLs serve zero bytes
/// (so a full download fails its MAC check: good enough for listing and speed tests).
/// Returns the number of nodes made and the time taken.
pub fn seed(
    data: &Path,
    email: &str,
    password: &str,
    count: u64,
    files_per_folder: u64,
) -> Result<(u64, std::time::Duration), String> {
    let started = Instant::now();
    let conn = db::open(data)?;
    let (user, mk) = unlock(&conn, email, password)?;
    let per = files_per_folder.max(1);
    let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
    let used_before = db::storage_used(&tx, &user.uh).map_err(|_| "database error")?;
    let t = now();
    {
        let mut ins = tx
            .prepare(
                "INSERT OR IGNORE INTO nodes(h, owner, parent, t, a, k, s, ts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(|e| e.to_string())?;
        // Folders get appended here; new folders go under a recent one, which gives a tree
        // a handful of levels deep with a wide top.
        let mut folders: Vec<String> = vec![user.root.clone()];
        let mut current = user.root.clone();
        let mut seq = 0u64;
        let mut rng_state = u64::from_le_bytes(
            random_bytes(8)
                .try_into()
                .map_err(|_| "random source failed")?,
        ) | 1;
        let mut next_rand = move || {
            // xorshift: cheap, non-cryptographic, only shapes the tree and the sizes.
            rng_state ^= rng_state << 13;
            rng_state ^= rng_state >> 7;
            rng_state ^= rng_state << 17;
            rng_state
        };
        for i in 0..count {
            seq += 1;
            let h = new_node_handle();
            let folder = i % (per + 1) == 0;
            if folder {
                let window = folders.len().min(64) as u64;
                let pick = folders.len() - 1 - (next_rand() % window) as usize;
                let parent = if next_rand() % 8 == 0 {
                    user.root.clone()
                } else {
                    folders[pick].clone()
                };
                let key = random_bytes(16);
                let a = attrs::encrypt_name(&key128(&key), &format!("folder-{seq:07}"), None);
                let k = wrap(&mk, &key)?;
                ins.execute(params![h, user.uh, parent, 1, a, k, Option::<i64>::None, t])
                    .map_err(|e| e.to_string())?;
                folders.push(h.clone());
                current = h;
            } else {
                let key = random_bytes(32);
                let mut aes_key = [0u8; 16];
                for j in 0..16 {
                    aes_key[j] = key[j] ^ key[16 + j];
                }
                let a = attrs::encrypt_name(&aes_key, &format!("file-{seq:07}.bin"), None);
                let k = wrap(&mk, &key)?;
                let size = (next_rand() % (4 << 20)) as i64;
                ins.execute(params![h, user.uh, current, 0, a, k, Some(size), t])
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    // The synthetic sizes (up to 4 MiB each, no data behind them) would fill any real plan:
    // the quota grows by what was seeded, so the account has the room it had before.
    let seeded = db::storage_used(&tx, &user.uh).map_err(|_| "database error")? - used_before;
    tx.execute(
        "UPDATE users SET storage_max = COALESCE(storage_max, ?2) + ?3 WHERE uh = ?1",
        params![user.uh, db::DEFAULT_STORAGE_MAX, seeded],
    )
    .map_err(|e| e.to_string())?;
    tx.commit().map_err(|e| e.to_string())?;
    Ok((count, started.elapsed()))
}
