//! The state directory and the saved session: where megash keeps what lets every later
//! process skip the login (the session file, 0600), the node caches, the login log and the
//! 3-second login guard.
//!
//! Layout of the state directory (`$MEGASH_HOME`, else `<config dir>/megash`, mode 0700):
//! `session.json` (the saved session), `logins.jsonl` (one line per login attempt, for
//! `diagnose`), `cache/<user handle>.db` (the SQLite node cache, see [`crate::cache`]).

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::api::{self, Client, Session, DEFAULT_API_URL};
use crate::crypto::b64;

/// Minimum time between two logins to one account (MEGA locks out accounts that log in
/// too often; a script calling `login` in a loop must not trigger that).
pub const LOGIN_INTERVAL_MS: u64 = 3000;

/// Errors of the session layer. Messages never contain the sid or keys.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot use the state directory {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no state directory: set MEGASH_HOME or HOME")]
    NoStateDir,
    #[error("the saved session file {0} is damaged; log in again")]
    Corrupt(PathBuf),
    #[error("not logged in")]
    NotLoggedIn,
    #[error(
        "refusing to log in to {account} again {elapsed_ms} ms after the previous login: \
         MEGA locks out accounts that log in too often (at most one login per 3 s here); \
         wait a moment or use --force"
    )]
    TooFast { account: String, elapsed_ms: u64 },
    #[error(
        "the saved session's master key does not match the account's keys (the session file \
         was damaged or edited); nothing was written with it. Log in again"
    )]
    WrongMasterKey,
    #[error(
        "the saved session belongs to {saved} but MEGA_API_URL points at {requested}; a \
         session is only ever sent to the server it was made on. Log in there after `logout` \
         (which ends this session on {saved}), or unset MEGA_API_URL"
    )]
    OtherServer { saved: String, requested: String },
    #[error(transparent)]
    Api(#[from] api::Error),
}

/// Result of the session layer.
pub type Result<T> = std::result::Result<T, SessionError>;

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SessionError + '_ {
    move |source| SessionError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The directory holding megash's state (session, caches, logs, history).
#[derive(Clone, Debug)]
pub struct StateDir {
    path: PathBuf,
}

impl StateDir {
    /// Where the state lives unless told otherwise, the one rule: `$MEGASH_HOME`, else
    /// `$XDG_CONFIG_HOME/megash`, else `~/.config/megash` (`None` without any of them).
    pub fn default_path() -> Option<PathBuf> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(home) = var("MEGASH_HOME") {
            return Some(PathBuf::from(home));
        }
        if let Some(xdg) = var("XDG_CONFIG_HOME") {
            return Some(PathBuf::from(xdg).join("megash"));
        }
        var("HOME").map(|h| PathBuf::from(h).join(".config").join("megash"))
    }

    /// Use `path` as the state directory (created 0700 if missing, tightened to 0700 if
    /// group or others could read it).
    pub fn at(path: impl Into<PathBuf>) -> Result<StateDir> {
        let path = path.into();
        create_private_dir(&path)?;
        create_private_dir(&path.join("cache"))?;
        Ok(StateDir { path })
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved session file.
    pub fn session_file(&self) -> PathBuf {
        self.path.join("session.json")
    }

    /// The login log (JSON lines).
    pub fn login_log(&self) -> PathBuf {
        self.path.join("logins.jsonl")
    }

    /// Open (or create) the node cache of account `user_handle`.
    pub fn open_cache(
        &self,
        user_handle: &str,
    ) -> std::result::Result<crate::cache::Cache, crate::cache::CacheError> {
        crate::cache::Cache::open_file(&self.cache_file(user_handle), user_handle)
    }

    /// The node cache database of account `user_handle`.
    pub fn cache_file(&self, user_handle: &str) -> PathBuf {
        // User handles are b64url (no `/`), but never trust a string to be a file name.
        let safe: String = user_handle
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        self.path.join("cache").join(format!("{safe}.db"))
    }
}

/// Create `path` (and its parents) readable by its owner only, tightening an existing one.
pub fn create_private_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)
            .map_err(io_err(path))?;
        let meta = fs::metadata(path).map_err(io_err(path))?;
        if meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(io_err(path))?;
        }
    }
    #[cfg(not(unix))]
    fs::create_dir_all(path).map_err(io_err(path))?;
    Ok(())
}

/// Write `bytes` to `path` atomically, never readable by others even briefly: a fresh
/// temporary file created 0600 in the same directory, fsynced, then renamed over `path`.
pub(crate) fn write_private_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp.{}.{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id(),
        rand::random::<u32>()
    ));
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io_err(path))
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The session saved in the state directory: what every later process resumes.
/// Its `Debug` shows no secret (it delegates to [`Session`]'s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedSession {
    /// sid, master key, user handle, e-mail and the API URL the session was made against.
    /// For a folder link: zero sid and key, `user_handle` = `link-<public handle>` (names the
    /// cache file), empty e-mail.
    pub session: Session,
    /// When it was saved, Unix milliseconds.
    pub saved_at_ms: u64,
    /// Set when logged into a folder link instead of an account (read-only).
    pub link: Option<FolderLink>,
}

/// A folder-link login: the link's public handle and share key.
#[derive(Clone, PartialEq, Eq)]
pub struct FolderLink {
    pub public_handle: String,
    pub key: crate::crypto::Key128,
}

impl std::fmt::Debug for FolderLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FolderLink")
            .field("public_handle", &self.public_handle)
            .field("key", &"<redacted>")
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct SessionFile {
    version: u32,
    email: String,
    user_handle: String,
    api_url: String,
    sid: String,
    master_key: String,
    saved_at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link_handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link_key: Option<String>,
}

impl SavedSession {
    /// Wrap a fresh session for saving.
    pub fn new(session: Session) -> SavedSession {
        SavedSession {
            session,
            saved_at_ms: now_ms(),
            link: None,
        }
    }

    /// A folder-link login (no account, read-only).
    pub fn folder_link(
        public_handle: &str,
        key: crate::crypto::Key128,
        api_url: &str,
    ) -> SavedSession {
        SavedSession {
            session: Session {
                sid: [0; crate::crypto::session::SID_LEN],
                master_key: [0; 16],
                user_handle: format!("link-{public_handle}"),
                email: String::new(),
                api_url: api_url.to_string(),
            },
            saved_at_ms: now_ms(),
            link: Some(FolderLink {
                public_handle: public_handle.to_string(),
                key,
            }),
        }
    }

    /// The saved session, or `None` when nobody is logged in.
    pub fn load(state: &StateDir) -> Result<Option<SavedSession>> {
        let path = state.session_file();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&path)(e)),
        };
        let corrupt = || SessionError::Corrupt(path.clone());
        let f: SessionFile = serde_json::from_slice(&bytes).map_err(|_| corrupt())?;
        if f.version != 1 {
            return Err(corrupt());
        }
        let sid = b64::decode_array(&f.sid).map_err(|_| corrupt())?;
        let master_key = b64::decode_array(&f.master_key).map_err(|_| corrupt())?;
        let link = match (f.link_handle, f.link_key) {
            (Some(h), Some(k)) => Some(FolderLink {
                public_handle: h,
                key: b64::decode_array(&k).map_err(|_| corrupt())?,
            }),
            (None, None) => None,
            _ => return Err(corrupt()),
        };
        Ok(Some(SavedSession {
            session: Session {
                sid,
                master_key,
                user_handle: f.user_handle,
                email: f.email,
                api_url: f.api_url,
            },
            saved_at_ms: f.saved_at_ms,
            link,
        }))
    }

    /// Save atomically with mode 0600, replacing any earlier session.
    pub fn save(&self, state: &StateDir) -> Result<()> {
        let s = &self.session;
        let f = SessionFile {
            version: 1,
            email: s.email.clone(),
            user_handle: s.user_handle.clone(),
            api_url: s.api_url.clone(),
            sid: b64::encode(&s.sid),
            master_key: b64::encode(&s.master_key),
            saved_at_ms: self.saved_at_ms,
            link_handle: self.link.as_ref().map(|l| l.public_handle.clone()),
            link_key: self.link.as_ref().map(|l| b64::encode(&l.key)),
        };
        let bytes = serde_json::to_vec_pretty(&f).map_err(|_| SessionError::NotLoggedIn)?;
        write_private_atomic(&state.session_file(), &bytes)
    }

    /// Remove the saved session and the node cache of its account (logout). Missing
    /// files are not an error.
    pub fn delete(state: &StateDir) -> Result<()> {
        if let Ok(Some(saved)) = SavedSession::load(state) {
            crate::cache::Cache::remove_files(&state.cache_file(&saved.session.user_handle));
        }
        let path = state.session_file();
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(&path)(e)),
        }
    }
}

/// An API client for `url`, with the retry budget `MEGASH_RETRIES` asks for when set (the
/// number of retries after the first attempt; `0` fails at once). The default budget
/// outlasts a short network outage, which also means minutes of waiting when the server is
/// simply not there.
pub fn client_for(url: &str) -> api::Result<Client> {
    Client::builder().api_url(url).retry(retry_config()).build()
}

/// The retry budget of every request this process makes (API and transfers): the default,
/// or `MEGASH_RETRIES` retries after the first attempt when it is set.
pub fn retry_config() -> api::RetryConfig {
    let retries = std::env::var("MEGASH_RETRIES").ok();
    match retries.and_then(|v| v.trim().parse::<u32>().ok()) {
        Some(n) => api::RetryConfig {
            max_attempts: n.saturating_add(1),
            ..api::RetryConfig::default()
        },
        None => api::RetryConfig::default(),
    }
}

/// The API URL to use: `MEGA_API_URL` when set, else the saved session's, else real MEGA. A
/// saved session is never sent anywhere but the server it was made on: `MEGA_API_URL`
/// naming another one is an error.
pub fn api_url(saved: Option<&SavedSession>) -> Result<String> {
    api_url_from(std::env::var("MEGA_API_URL").ok().as_deref(), saved)
}

/// [`api_url`] with the environment value passed in (testable without touching the
/// process environment).
pub fn api_url_from(env: Option<&str>, saved: Option<&SavedSession>) -> Result<String> {
    let env = env.map(str::trim).filter(|s| !s.is_empty()).map(with_slash);
    let saved_url = saved
        .map(|s| s.session.api_url.trim())
        .filter(|u| !u.is_empty())
        .map(with_slash);
    match (env, saved_url) {
        (Some(e), Some(s)) if e != s => Err(SessionError::OtherServer {
            saved: s,
            requested: e,
        }),
        (Some(e), _) => Ok(e),
        (None, Some(s)) => Ok(s),
        (None, None) => Ok(DEFAULT_API_URL.to_string()),
    }
}

/// The server a saved session was made on (real MEGA for sessions saved before megash
/// recorded it); `logout` ends the session there whatever `MEGA_API_URL` says.
pub fn saved_api_url(saved: &SavedSession) -> String {
    match saved.session.api_url.trim() {
        "" => DEFAULT_API_URL.to_string(),
        u => with_slash(u),
    }
}

fn with_slash(u: &str) -> String {
    if u.ends_with('/') {
        u.to_string()
    } else {
        format!("{u}/")
    }
}

/// One line of the login log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRecord {
    /// Unix milliseconds.
    pub time_ms: u64,
    /// The account's e-mail (lower-cased).
    pub account: String,
    pub api_url: String,
    /// `"ok"`, or the error's message.
    pub result: String,
    /// MEGA's numeric error code when the server refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
}

impl LoginRecord {
    /// The record of a login attempt that just ended with `result`.
    pub fn of<T>(email: &str, api_url: &str, result: &api::Result<T>) -> LoginRecord {
        LoginRecord {
            time_ms: now_ms(),
            account: email.trim().to_lowercase(),
            api_url: api_url.to_string(),
            result: match result {
                Ok(_) => "ok".into(),
                Err(e) => e.to_string(),
            },
            code: result
                .as_ref()
                .err()
                .and_then(|e| e.mega_code())
                .map(|c| c.code()),
        }
    }
}

/// Every login record, oldest first (damaged lines skipped).
pub fn login_records(state: &StateDir) -> Vec<LoginRecord> {
    let Ok(f) = File::open(state.login_log()) else {
        return Vec::new();
    };
    BufReader::new(f)
        .lines()
        .map_while(|l| l.ok())
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect()
}

/// Append one record (mode 0600; one `write` per line so concurrent appends don't mix).
pub fn record_login(state: &StateDir, record: &LoginRecord) -> Result<()> {
    let path = state.login_log();
    let mut opts = OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut line = serde_json::to_vec(record).map_err(|_| SessionError::Corrupt(path.clone()))?;
    line.push(b'\n');
    opts.open(&path)
        .and_then(|mut f| f.write_all(&line))
        .map_err(io_err(&path))
}

/// The 3-second guard: refuses when the last login attempt for `email` is less than
/// [`LOGIN_INTERVAL_MS`] old, unless `force`.
pub fn check_login_rate(state: &StateDir, email: &str, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let account = email.trim().to_lowercase();
    let now = now_ms();
    let last = login_records(state)
        .into_iter()
        .filter(|r| r.account == account)
        .map(|r| r.time_ms)
        .max();
    match last {
        Some(t) if now.saturating_sub(t) < LOGIN_INTERVAL_MS => Err(SessionError::TooFast {
            account,
            elapsed_ms: now.saturating_sub(t),
        }),
        _ => Ok(()),
    }
}

/// Log in and save the session: the guard, `us0`/`us`, the login record (also on
/// failure), then the session file. A previous session's cache is removed when the account
/// changes.
pub async fn login(
    state: &StateDir,
    client: &Client,
    email: &str,
    password: &str,
    mfa: Option<&str>,
    force: bool,
) -> Result<SavedSession> {
    check_login_rate(state, email, force)?;
    let result = client.login(email, password, mfa).await;
    record_login(state, &LoginRecord::of(email, client.api_url(), &result))?;
    let session = result?;
    if let Ok(Some(old)) = SavedSession::load(state) {
        if old.session.user_handle != session.user_handle {
            crate::cache::Cache::remove_files(&state.cache_file(&old.session.user_handle));
        }
    }
    let saved = SavedSession::new(session);
    saved.save(state)?;
    Ok(saved)
}

/// End the session on the server (`sml`, best effort) and, unless `keep`, delete the
/// saved session and the account's cache.
pub async fn logout(state: &StateDir, client: &Client, keep: bool) -> Result<()> {
    let server = if keep { Ok(()) } else { client.logout().await };
    if !keep {
        SavedSession::delete(state)?;
    }
    // A session the server no longer knows (or a blocked account's) is still logged out
    // locally.
    match server {
        Err(api::Error::Mega(api::ErrorCode::ESid | api::ErrorCode::EBlocked)) => Ok(()),
        other => other.map_err(Into::into),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_session_is_never_sent_to_another_server() {
        let s = SavedSession::new(Session {
            sid: [1; 43],
            master_key: [2; 16],
            user_handle: "AbCdEfGhIjK".into(),
            email: "a@b.c".into(),
            api_url: "http://127.0.0.1:9/".into(),
        });
        let e = api_url_from(Some("http://x:1"), Some(&s)).unwrap_err();
        assert!(matches!(e, SessionError::OtherServer { .. }));
        let text = e.to_string();
        assert!(
            text.contains("http://127.0.0.1:9/") && text.contains("http://x:1/"),
            "{text}"
        );
        assert_eq!(
            api_url_from(Some("http://127.0.0.1:9"), Some(&s)).unwrap(),
            "http://127.0.0.1:9/"
        );
        assert_eq!(api_url_from(None, Some(&s)).unwrap(), "http://127.0.0.1:9/");
        assert_eq!(
            api_url_from(Some("http://x:1"), None).unwrap(),
            "http://x:1/"
        );
        assert_eq!(api_url_from(Some(""), None).unwrap(), DEFAULT_API_URL);
        assert!(!format!("{s:?}").contains(&b64::encode(&[2u8; 16])));
    }
}
