//! megasim: a local server that speaks MEGA's real wire protocol, so that unmodified
//! third-party clients (megajs, go-mega, mega.py, mega-rs, megatools) and megash itself can be
//! tested against it.
//!
//! May not depend on: anything of megash but megash-crypto. Its Cargo.toml says so, so a
//! shortcut into the client's code is a compile error: peer clients check that megash agrees
//! with the rest of the world, not that it agrees with itself.
//!
//! Layout: `server` (HTTP, routing, the `/cs` pipeline), `cmd_*` (one file per group of API
//! verbs), `transfer` (upload/download URLs), `sc` (action packets), `faults` (knobs),
//! `db` (SQLite schema and account rows), `json` (ordered compact JSON out), `accounts`
//! (the CLI's user and seed commands), `cli` (argument parsing).

use megash_crypto as crypto;

pub mod accounts;
pub mod cli;
mod cmd_account;
mod cmd_nodes;
mod cmd_transfer;
pub mod ctx;
pub mod db;
pub mod faults;
mod json;
mod sc;
pub mod server;
mod transfer;

use crate::crypto::b64;
use rand::RngCore;

/// An API error code (negative), as answered per command or for the whole request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiError(pub i64);

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        // Internal: the database is ours, so this is a bug or a full disk, never client input.
        eprintln!("megasim: database error: {e}");
        ApiError(-1)
    }
}

/// Result of one command: its JSON answer, or an error code.
pub type ApiResult<T> = Result<T, ApiError>;

pub(crate) const EINTERNAL: ApiError = ApiError(-1);
pub(crate) const EARGS: ApiError = ApiError(-2);
pub(crate) const ENOENT: ApiError = ApiError(-9);
pub(crate) const ECIRCULAR: ApiError = ApiError(-10);
pub(crate) const EACCESS: ApiError = ApiError(-11);
pub(crate) const EOVERQUOTA: ApiError = ApiError(-17);

/// Current Unix time in seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `n` random bytes.
pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

/// A random b64 string of `n` raw bytes.
pub(crate) fn random_b64(n: usize) -> String {
    b64::encode(&random_bytes(n))
}

/// A fresh 6-byte node or public handle; never the client placeholder `xxxxxxxx`.
pub(crate) fn new_node_handle() -> String {
    loop {
        let h = random_b64(6);
        if h != "xxxxxxxx" {
            return h;
        }
    }
}

/// The 11-char `sn` cursor for a packet sequence number.
pub(crate) fn encode_sn(sn: i64) -> String {
    b64::encode(&(sn as u64).to_be_bytes())
}

/// Parse an `sn` cursor; `None` if it is not 8 bytes of b64.
pub(crate) fn decode_sn(s: &str) -> Option<i64> {
    let bytes: [u8; 8] = b64::decode(s).ok()?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes).min(i64::MAX as u64) as i64)
}
