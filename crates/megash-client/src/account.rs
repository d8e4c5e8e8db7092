//! The logged-in account as commands see it: the saved session plus its node cache, opened
//! without network. The API client is made from the saved sid only when a command first needs
//! the server, and the cache is caught up through `sc` once per command (one round trip, no
//! login). This is what lets any number of one-shot processes share one login.

use crate::api::{self, Client, Handle, Node, NodeType, Session};
use crate::cache::{Cache, CacheError, CatchUp};
use crate::crypto::{b64, session as sid_blob, Key128};
use crate::session::{self, SavedSession, SessionError, StateDir};

/// Errors of [`Account`]: the session or the cache.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl From<api::Error> for AccountError {
    fn from(e: api::Error) -> AccountError {
        AccountError::Session(SessionError::Api(e))
    }
}

/// Result of the account layer.
pub type Result<T> = std::result::Result<T, AccountError>;

/// The saved session and its node cache.
pub struct Account {
    /// The saved session (sid, keys, e-mail, API address).
    pub saved: SavedSession,
    /// The account's node cache.
    pub cache: Cache,
    state: StateDir,
    client: Option<std::sync::Arc<Client>>,
    /// Whether the cache was caught up during the current command.
    synced: bool,
    /// Whether the saved master key is the one this cache recorded as verified (a login, or
    /// the RSA key unwrapping on a resume); until then the client resumes instead of adopting.
    key_verified: bool,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("saved", &self.saved)
            .field("online", &self.client.is_some())
            .finish()
    }
}

impl Account {
    /// The saved account, or `None` when nobody is logged in. No network.
    pub fn open(state: &StateDir) -> Result<Option<Account>> {
        let Some(saved) = SavedSession::load(state)? else {
            return Ok(None);
        };
        Ok(Some(Account::with_saved(state, saved)?))
    }

    fn with_saved(state: &StateDir, saved: SavedSession) -> Result<Account> {
        let cache = state.open_cache(&saved.session.user_handle)?;
        // A key that differs from the one verified before would write nodes nobody can
        // read: refused before any command runs.
        let check = crate::cache::master_key_check(&saved.session.master_key);
        let recorded = cache.master_key_check()?;
        if recorded.as_ref().is_some_and(|c| *c != check) && saved.link.is_none() {
            return Err(SessionError::WrongMasterKey.into());
        }
        Ok(Account {
            saved,
            cache,
            state: state.clone(),
            client: None,
            synced: false,
            key_verified: recorded.is_some(),
        })
    }

    /// Record that the saved master key is the account's.
    fn key_is_verified(&mut self) -> Result<()> {
        let check = crate::cache::master_key_check(&self.saved.session.master_key);
        self.cache.set_master_key_check(&check)?;
        self.key_verified = true;
        Ok(())
    }

    /// Account after a fresh login: the session is saved already; the client is the one that
    /// logged in (it holds the RSA key, so the first full fetch can decrypt every share).
    pub fn from_login(state: &StateDir, saved: SavedSession, client: Client) -> Result<Account> {
        let mut a = Account::with_saved(state, saved)?;
        // The login itself proved the key (it unwrapped `k` with the password).
        a.key_is_verified()?;
        a.install_share_resolver(&client);
        a.client = Some(std::sync::Arc::new(client));
        Ok(a)
    }

    /// The state directory this account lives in.
    pub fn state_dir(&self) -> &StateDir {
        &self.state
    }

    /// The session's e-mail address (empty for a folder link).
    pub fn email(&self) -> &str {
        &self.saved.session.email
    }

    /// Whether this is a read-only folder-link session.
    pub fn is_link(&self) -> bool {
        self.saved.link.is_some()
    }

    /// Start of a new command (the shell keeps one account across commands): the next
    /// [`Account::sync`] polls `sc` again.
    pub fn begin_command(&mut self) {
        self.synced = false;
    }

    /// The API client for the saved session. Made without a round trip when the cache is
    /// already filled; an empty cache needs the RSA key for the full fetch, so the session
    /// is resumed (`us`, still no login) instead.
    pub async fn client(&mut self) -> Result<&Client> {
        if self.client.is_none() {
            let url = session::api_url(Some(&self.saved))?;
            self.connect(url).await?;
        }
        self.client
            .as_deref()
            .ok_or(AccountError::Session(SessionError::NotLoggedIn))
    }

    /// [`Account::client`] as a shared handle, for work that also needs the account
    /// (the sync engine calls the API between cache catch-ups).
    pub async fn shared_client(&mut self) -> Result<std::sync::Arc<Client>> {
        self.client().await?;
        self.client
            .clone()
            .ok_or(AccountError::Session(SessionError::NotLoggedIn))
    }

    /// Make the client for the saved session at `url`.
    async fn connect(&mut self, url: String) -> Result<()> {
        let client = session::client_for(&url).map_err(SessionError::Api)?;
        let mut s = self.saved.session.clone();
        s.api_url = url;
        if let Some(link) = &self.saved.link {
            client.open_folder_link(&link.public_handle, link.key);
        } else if self.key_verified && self.cache.is_populated()? {
            client.adopt(&s);
            client.add_share_keys(self.cache.share_keys()?);
        } else {
            // An empty cache, or a key not verified yet: `us` returns the RSA key wrapped
            // with the master key, and it unwraps only with the right one.
            match client.resume(&s).await {
                Ok(()) => self.key_is_verified()?,
                Err(api::Error::Crypto(_)) => return Err(SessionError::WrongMasterKey.into()),
                Err(e) => return Err(SessionError::Api(e).into()),
            }
            if self.cache.is_populated()? {
                client.add_share_keys(self.cache.share_keys()?);
            }
        }
        self.install_share_resolver(&client);
        self.client = Some(std::sync::Arc::new(client));
        Ok(())
    }

    /// Let the client find the shares containing a folder (for the `cr` keys of nodes it
    /// creates or moves there) through a second connection to this cache, opened on first need so
    /// commands that create nothing never pay for it (WAL: it never blocks this one).
    pub fn install_share_resolver(&self, client: &Client) {
        if self.is_link() {
            return;
        }
        let path = self.cache.path().to_path_buf();
        let user = self.saved.session.user_handle.clone();
        let cache: std::sync::OnceLock<Option<Cache>> = std::sync::OnceLock::new();
        let cache = std::sync::Arc::new(cache);
        let shares = cache.clone();
        client.set_share_resolver(std::sync::Arc::new(move |h| {
            shares
                .get_or_init(|| Cache::open_file(&path, &user).ok())
                .as_ref()
                .and_then(|c| c.share_ancestors(h).ok())
                .unwrap_or_default()
        }));
        // Only asked after the resolver found shares above a move's target, so the cache
        // connection is already open by then.
        client.set_subtree_keys(std::sync::Arc::new(move |h| {
            let Some(Some(c)) = cache.get() else {
                return Vec::new();
            };
            let mut nodes = c.node(h).ok().flatten().into_iter().collect::<Vec<_>>();
            nodes.extend(c.descendants(h).unwrap_or_default());
            nodes
                .iter()
                .filter_map(|n| n.key.map(|k| (n.handle.to_b64(), k.to_bytes())))
                .collect()
        }));
    }

    /// Bring the cache up to date, once per command (see [`Account::begin_command`]).
    pub async fn sync(&mut self) -> Result<()> {
        if !self.synced {
            self.refresh().await?;
        }
        Ok(())
    }

    /// Catch the cache up now, even if it already was during this command (after a change
    /// this process made: the server echoes it as action packets).
    pub async fn refresh(&mut self) -> Result<CatchUp> {
        self.client().await?;
        let Some(client) = self.client.as_ref() else {
            return Err(SessionError::NotLoggedIn.into());
        };
        let done = self.cache.catch_up(client).await?;
        self.remember_share_keys()?;
        if self.is_link() && self.cache.link_root()?.is_none() {
            self.cache.mark_link_root()?;
        }
        self.synced = true;
        Ok(done)
    }

    /// Keep the client's share keys in the cache for later processes (only for accounts:
    /// a folder link's key is in the session).
    pub fn remember_share_keys(&self) -> Result<()> {
        if let (Some(c), false) = (&self.client, self.is_link()) {
            let keys = c.share_keys();
            if !keys.is_empty() {
                self.cache.save_share_keys(&keys)?;
            }
        }
        Ok(())
    }

    /// Throw the cache away and fetch the whole tree again (`reload`).
    pub async fn reload(&mut self) -> Result<u64> {
        self.client().await?;
        let Some(client) = self.client.as_ref() else {
            return Err(SessionError::NotLoggedIn.into());
        };
        let n = self.cache.populate(client).await?;
        self.remember_share_keys()?;
        if self.is_link() {
            self.cache.mark_link_root()?;
        }
        self.synced = true;
        Ok(n)
    }

    /// The remote current folder: the saved one if it still exists, else the Cloud Drive root.
    pub fn cwd(&self) -> Result<Option<Node>> {
        if let Some(h) = self.cache.cwd()? {
            if let Some(n) = self.cache.node(h)? {
                return Ok(Some(n));
            }
        }
        Ok(self.cache.root_of(NodeType::Root)?)
    }

    /// Handle of [`Account::cwd`].
    pub fn cwd_handle(&self) -> Result<Option<Handle>> {
        Ok(self.cwd()?.map(|n| n.handle))
    }

    /// [`Account::cwd_handle`] when `path` starts from it, else `None` without reading it
    /// (a one-shot `ls /x` spent an eighth of its instructions looking up a folder it
    /// never used).
    pub fn cwd_for(&self, path: &str) -> Result<Option<Handle>> {
        if crate::cache::is_relative(path) {
            self.cwd_handle()
        } else {
            Ok(None)
        }
    }

    /// The absolute path of the current folder (`/` when unknown).
    pub fn cwd_path(&self) -> String {
        self.cache
            .cwd()
            .ok()
            .flatten()
            .and_then(|h| self.cache.path_of(h).ok().flatten())
            .unwrap_or_else(|| "/".into())
    }

    /// Remote-path completions from the cache (see [`Cache::complete`]).
    pub fn complete_remote(&self, partial: &str, folders_only: bool) -> Vec<String> {
        let cwd = self.cwd_handle().ok().flatten();
        self.cache
            .complete(partial, cwd, folders_only)
            .unwrap_or_default()
    }

    /// Log out: `sml` on the server and the files removed, or with `keep` only this
    /// process forgets the session.
    pub async fn logout(mut self, keep: bool) -> Result<()> {
        if self.is_link() {
            // A folder link has no server session to end.
            let state = self.state.clone();
            drop(self);
            if !keep {
                SavedSession::delete(&state)?;
            }
            return Ok(());
        }
        let client = match self.client.take() {
            Some(c) => c,
            // Ends the session where it lives, even with MEGA_API_URL pointing elsewhere,
            // and without a round trip first: a blocked account's session still logs out.
            None => {
                let url = session::saved_api_url(&self.saved);
                let c = session::client_for(&url).map_err(SessionError::Api)?;
                c.adopt(&self.saved.session);
                std::sync::Arc::new(c)
            }
        };
        let state = self.state.clone();
        drop(self);
        session::logout(&state, &client, keep).await?;
        Ok(())
    }

    /// `whyamiblocked` with this session (a blocked account's session may still ask it).
    pub async fn why_blocked(&mut self) -> Option<i64> {
        let client = self.client().await.ok()?;
        client.why_blocked().await.ok()
    }

    /// The session string `session` prints and `login SESSION` accepts: the SDK's legacy
    /// saved-session layout (`master key ++ sid`, b64). It is as secret as the password.
    pub fn session_string(&self) -> String {
        let s = &self.saved.session;
        let mut blob = Vec::with_capacity(16 + s.sid.len());
        blob.extend_from_slice(&s.master_key);
        blob.extend_from_slice(&s.sid);
        b64::encode(&blob)
    }
}

/// Log into a folder link: save it as the session and fill its cache with one `f`
/// (`n=<public handle>`). A wrong handle or key fails here, and nothing is saved.
pub async fn login_folder_link(
    state: &StateDir,
    api_url: &str,
    public_handle: &str,
    key: Key128,
) -> Result<Account> {
    let saved = SavedSession::folder_link(public_handle, key, api_url);
    Cache::remove_files(&state.cache_file(&saved.session.user_handle));
    let client = session::client_for(api_url).map_err(SessionError::Api)?;
    client.open_folder_link(public_handle, key);
    let mut account = Account::from_login(state, saved.clone(), client)?;
    account.reload().await?;
    // The share key must decrypt the shared folder itself, else the key is wrong.
    let root = account.cache.root_of(NodeType::Root)?;
    if root.as_ref().is_none_or(|r| r.name.is_none()) {
        let path = account.cache.path().to_path_buf();
        drop(account);
        Cache::remove_files(&path);
        return Err(
            SessionError::Api(api::Error::Crypto(crate::crypto::CryptoError::Invalid(
                "the folder link's key",
            )))
            .into(),
        );
    }
    if let Ok(Some(old)) = SavedSession::load(state) {
        if old.session.user_handle != saved.session.user_handle {
            Cache::remove_files(&state.cache_file(&old.session.user_handle));
        }
    }
    saved.save(state)?;
    Ok(account)
}

/// Log in with a session string (ours, or the SDK's 60-byte form with `sek`, whose key
/// the server hands back on a session check). One `us` and one `ug`, no password.
pub async fn login_with_session_string(
    state: &StateDir,
    api_url: &str,
    text: &str,
) -> std::result::Result<(SavedSession, Client), SessionError> {
    let bad = || {
        SessionError::Api(api::Error::InvalidArgument(
            "not a valid session string".into(),
        ))
    };
    let blob = b64::decode(text.trim()).map_err(|_| bad())?;
    let client = session::client_for(api_url)?;
    let (master_key, sid): (Key128, _) = match blob.len() {
        59 => sid_blob::load(&blob, &[0; 16]).map_err(|_| bad())?,
        60 if blob[0] == 1 => {
            // The SDK form wraps the master key with the session's `sek`: ask for it.
            let mut probe = Session {
                sid: [0; sid_blob::SID_LEN],
                master_key: [0; 16],
                user_handle: String::new(),
                email: String::new(),
                api_url: api_url.to_string(),
            };
            probe.sid.copy_from_slice(&blob[17..]);
            client.adopt(&probe);
            let sek = client.session_sek().await.map_err(|_| bad())?;
            client.clear_auth();
            sid_blob::load(&blob, &sek).map_err(|_| bad())?
        }
        _ => return Err(bad()),
    };
    let user_handle = sid_blob::sid_user_handle(&sid).unwrap_or_default();
    let mut session = Session {
        sid,
        master_key,
        user_handle,
        email: String::new(),
        api_url: api_url.to_string(),
    };
    // `ug` names the account (and its handle when the sid does not carry it).
    client.adopt(&session);
    let info = client.user_info().await?;
    session.user_handle = info.user_handle;
    session.email = info.email.to_lowercase();
    client.resume(&session).await?;
    let saved = SavedSession::new(session);
    if let Ok(Some(old)) = SavedSession::load(state) {
        if old.session.user_handle != saved.session.user_handle {
            Cache::remove_files(&state.cache_file(&old.session.user_handle));
        }
    }
    saved.save(state)?;
    Ok((saved, client))
}
