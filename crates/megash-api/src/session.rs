//! Accounts and sessions: prelogin `us0`, login `us` (v1, v2, 2FA, `csid`/`tsid`), session
//! resume from saved credentials, logout `sml`, user info `ug` and quota `uq`.
//!
//! [`Session`] is what a caller saves to resume later without logging in again (logins are
//! the expensive, rate-limited operation, §9). Its `Debug` never shows the sid or the key.

use serde_json::{json, Value};

use super::client::{Auth, Client};
use super::error::{Error, ErrorCode, Result};
use super::nodes::KeyRing;
use crate::crypto::rsa::PrivateKey;
use crate::crypto::session::{sid_user_handle, SID_LEN};
use crate::crypto::{aes, b64, login, Key128};

/// A logged-in session: everything needed to resume without the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// The 43 raw bytes of the session id (sent as 58 b64 characters in `&sid=`).
    pub sid: [u8; SID_LEN],
    /// The account's master key.
    pub master_key: Key128,
    /// The user handle, 11 b64 characters.
    pub user_handle: String,
    /// The e-mail address used to log in (lower-cased).
    pub email: String,
    /// The API base URL the session belongs to.
    pub api_url: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_handle", &self.user_handle)
            .field("email", &self.email)
            .field("api_url", &self.api_url)
            .field("sid", &"<redacted>")
            .field("master_key", &"<redacted>")
            .finish()
    }
}

impl Session {
    /// The sid as sent on the URL.
    pub fn sid_b64(&self) -> String {
        b64::encode(&self.sid)
    }
}

/// Answer of `ug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub user_handle: String,
    pub email: String,
    pub name: Option<String>,
}

/// Answer of `uq`, in bytes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Quota {
    pub storage_max: u64,
    pub storage_used: u64,
    pub transfer_max: Option<u64>,
    pub transfer_used: Option<u64>,
}

/// One of the account's sessions, from `usl`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AccountSession {
    /// The public id (8 bytes, base64url) that `usr` takes; never the sid.
    pub id: String,
    /// Unix seconds: when the session was made, and when it was last used.
    pub created: i64,
    pub last_used: i64,
    pub user_agent: String,
    pub ip: String,
    /// Two-letter country code, as MEGA guesses it from the address.
    pub country: String,
    /// The session making this request.
    pub current: bool,
    /// Still usable (ended sessions are listed too).
    pub alive: bool,
}

impl AccountSession {
    /// One entry of the `usl` answer: `[created, last used, user agent, ip, country,
    /// current, id, alive]` (SDK `CommandGetUserSessions`).
    fn from_usl(v: &Value) -> Result<AccountSession> {
        let row = v
            .as_array()
            .ok_or_else(|| Error::bad("an array per session in the usl answer"))?;
        let int = |i: usize| row.get(i).and_then(Value::as_i64);
        let text = |i: usize| {
            row.get(i)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Ok(AccountSession {
            created: int(0).ok_or_else(|| Error::bad("a creation time in the usl answer"))?,
            last_used: int(1).unwrap_or_default(),
            user_agent: text(2),
            ip: text(3),
            country: text(4),
            current: int(5) == Some(1),
            id: text(6),
            alive: int(7).is_none_or(|a| a == 1),
        })
    }
}

/// The account version announced by `us0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountVersion {
    V1,
    V2 { salt: Vec<u8> },
}

fn str_field<'a>(v: &'a Value, name: &str, what: &str) -> Result<&'a str> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::bad(format!("`{name}` (string) in the {what} answer")))
}

impl Client {
    /// `us0`: which login derivation the account uses.
    pub async fn prelogin(&self, email: &str) -> Result<AccountVersion> {
        let email = email.trim().to_lowercase();
        let r = self.command(json!({"a":"us0","user":email})).await?;
        match r.get("v").and_then(Value::as_i64) {
            Some(1) => Ok(AccountVersion::V1),
            Some(2) => {
                let salt = b64::decode(str_field(&r, "s", "us0")?)?;
                Ok(AccountVersion::V2 { salt })
            }
            _ => Err(Error::bad("account version 1 or 2 in the us0 answer")),
        }
    }

    /// Change the account's password, as the SDK does (`up` with the master key wrapped under
    /// the new password key and the new login hash; a v2 account gets a fresh salt, sent as
    /// its random value `crv`). The master key, and so every file, stays; the server ends the
    /// account's other sessions. On a 2FA account without `mfa` this fails with
    /// [`Error::MfaRequired`].
    pub async fn change_password(
        &self,
        email: &str,
        new_password: &str,
        mfa: Option<&str>,
    ) -> Result<()> {
        let email = email.trim().to_lowercase();
        let mk: Key128 = self.state().keys.master_key.ok_or(Error::NotLoggedIn)?;
        let req = match self.prelogin(&email).await? {
            AccountVersion::V1 => {
                let pk = login::prepare_key_v1(new_password);
                let k = b64::encode(&aes::wrap(&pk, &mk)?);
                json!({"a":"up","k":k,"uh":login::user_hash_v1(&email, &pk)})
            }
            AccountVersion::V2 { .. } => {
                let crv: [u8; 16] = rand::random();
                let salt = login::salt_v2_from_crv(&crv);
                let (pk, auth) = login::derive_v2(new_password, &salt);
                let hak = login::hashed_auth_key(&b64::decode(&auth)?);
                let k = b64::encode(&aes::wrap(&pk, &mk)?);
                json!({"a":"up","k":k,"uh":b64::encode(&hak),"crv":b64::encode(&crv)})
            }
        };
        self.command_with_mfa(req, mfa).await
    }

    /// Log in with e-mail and password (and a 6-digit 2FA code if the account needs one).
    ///
    /// Without a code on a 2FA account this fails with [`Error::MfaRequired`]; ask the user
    /// and call again with the code.
    pub async fn login(&self, email: &str, password: &str, mfa: Option<&str>) -> Result<Session> {
        let email = email.trim().to_lowercase();
        let version = self.prelogin(&email).await?;
        let (password, email2) = (password.to_string(), email.clone());
        // Key derivation is deliberately slow (65536 AES rounds or 100000 PBKDF2 rounds).
        let (pk, uh) = tokio::task::spawn_blocking(move || match version {
            AccountVersion::V1 => {
                let pk = login::prepare_key_v1(&password);
                let uh = login::user_hash_v1(&email2, &pk);
                (pk, uh)
            }
            AccountVersion::V2 { salt } => login::derive_v2(&password, &salt),
        })
        .await
        .map_err(|_| Error::bad("a usable login derivation"))?;

        let sek: Key128 = rand::random();
        let mut cmd = json!({"a":"us","user":email,"uh":uh,"sek":b64::encode(&sek)});
        if let Some(code) = mfa {
            cmd["mfa"] = Value::from(code.trim());
        }
        let r = match self.command(cmd).await {
            Err(Error::Mega(ErrorCode::EMfaRequired)) if mfa.is_none() => {
                return Err(Error::MfaRequired)
            }
            other => other?,
        };

        let k = b64::decode(str_field(&r, "k", "us")?)?;
        if k.len() != 16 {
            return Err(Error::bad("a 16-byte wrapped master key `k`"));
        }
        let master_key: Key128 = aes::unwrap(&pk, &k)?
            .try_into()
            .map_err(|_| Error::bad("a 16-byte master key"))?;
        let user_handle = str_field(&r, "u", "us")?.to_string();

        let (sid, privk) = if let Some(csid) = r.get("csid").and_then(Value::as_str) {
            let privk = unwrap_privk(&master_key, str_field(&r, "privk", "us")?)?;
            let sid = privk.decrypt_sid(&b64::decode(csid)?)?;
            (sid, Some(privk))
        } else if let Some(tsid) = r.get("tsid").and_then(Value::as_str) {
            (check_tsid(&master_key, tsid)?, None)
        } else {
            return Err(Error::bad("`csid` or `tsid` in the us answer"));
        };
        if let Some(embedded) = sid_user_handle(&sid) {
            if embedded != user_handle {
                return Err(Error::bad(
                    "a session id that belongs to the logged-in user",
                ));
            }
        }

        let session = Session {
            sid,
            master_key,
            user_handle,
            email,
            api_url: self.api_url().to_string(),
        };
        self.install(session.clone(), privk.clone());
        if privk.is_none() && r.get("tsid").is_some() {
            // A new account's first login: it has no RSA key pair yet; the SDK makes one
            // now (shares need it), and so do we.
            self.make_keypair(&master_key).await?;
        }
        Ok(session)
    }

    /// Make the account's RSA key pair and send it (`up` with `privk`, wrapped with the master
    /// key, and `pubk`).
    async fn make_keypair(&self, master_key: &Key128) -> Result<()> {
        let (private, public) = tokio::task::spawn_blocking(PrivateKey::generate)
            .await
            .map_err(|_| Error::bad("a generated key pair"))?;
        let privk = b64::encode(&aes::wrap(master_key, &private.to_privk())?);
        let pubk = b64::encode(&public.to_pubk());
        self.command(json!({"a":"up","privk":privk,"pubk":pubk}))
            .await?;
        self.state().keys.privk = Some(private);
        Ok(())
    }

    /// Start a sign-up as the SDK does: a new ephemeral account (`up` with a random master
    /// key under a random password key, and `ts`), logged into at once (`us` with its handle,
    /// a temporary sid). Then [`Client::send_signup_link`].
    pub async fn create_ephemeral_account(&self) -> Result<Session> {
        let mk: Key128 = rand::random();
        let pwk: Key128 = rand::random();
        let r: [u8; 16] = rand::random();
        let mut rr = r;
        aes::ecb_encrypt(&mk, &mut rr)?;
        let k = b64::encode(&aes::wrap(&pwk, &mk)?);
        let ts = b64::encode(&[r, rr].concat());
        let uh = self.command(json!({"a":"up","k":k,"ts":ts})).await?;
        let uh = uh
            .as_str()
            .ok_or_else(|| Error::bad("a user handle in the up answer"))?
            .to_string();
        let ans = self.command(json!({"a":"us","user":uh})).await?;
        let k = b64::decode(str_field(&ans, "k", "us")?)?;
        let master_key: Key128 = aes::unwrap(&pwk, &k)?
            .try_into()
            .map_err(|_| Error::bad("a 16-byte master key"))?;
        if master_key != mk {
            return Err(Error::bad("the ephemeral account's own master key"));
        }
        let sid = check_tsid(&master_key, str_field(&ans, "tsid", "us")?)?;
        let session = Session {
            sid,
            master_key,
            user_handle: uh,
            email: String::new(),
            api_url: self.api_url().to_string(),
        };
        self.install(session.clone(), None);
        Ok(session)
    }

    /// `uc2`: ask MEGA to mail the confirmation link that turns this ephemeral account into
    /// `email` with `password` (v2: a fresh salt from `crv`, the hashed auth key, the master
    /// key under the new password key). `-12` (EEXIST) when the e-mail has an account.
    pub async fn send_signup_link(&self, email: &str, name: &str, password: &str) -> Result<()> {
        let mk: Key128 = self.state().keys.master_key.ok_or(Error::NotLoggedIn)?;
        let crv: [u8; 16] = rand::random();
        let salt = login::salt_v2_from_crv(&crv);
        let (pk, auth) = login::derive_v2(password, &salt);
        let hak = login::hashed_auth_key(&b64::decode(&auth)?);
        let k = b64::encode(&aes::wrap(&pk, &mk)?);
        let email = email.trim().to_lowercase();
        self.command(json!({
            "a":"uc2",
            "n":b64::encode(name.as_bytes()),
            "m":b64::encode(email.as_bytes()),
            "crv":b64::encode(&crv),
            "hak":b64::encode(&hak),
            "k":k,
            "v":2
        }))
        .await
        .map(drop)
    }

    /// `uga`: the value of user attribute `name` (wire name, e.g. `firstname`, `^!lang`) of
    /// this account or of `user` (an e-mail or handle), decoded from b64.
    pub async fn user_attribute(&self, user: Option<&str>, name: &str) -> Result<Vec<u8>> {
        let mut req = json!({"a":"uga","ua":name,"v":1});
        if let Some(u) = user {
            req["u"] = Value::from(u);
        }
        let r = self.command(req).await?;
        let av = r
            .get("av")
            .and_then(Value::as_str)
            .or_else(|| r.as_str())
            .ok_or_else(|| Error::bad("`av` in the uga answer"))?;
        Ok(b64::decode(av)?)
    }

    /// `up2`: set user attribute `name` of this account to `value` (sent in b64).
    pub async fn set_user_attribute(&self, name: &str, value: &[u8]) -> Result<()> {
        let mut req = json!({"a":"up2"});
        req[name] = Value::from(b64::encode(value));
        self.command(req).await.map(drop)
    }

    /// Set the account's first name and surname (`up2` of `firstname` and `lastname`, the
    /// UTF-8 text in b64), as the SDK does during sign-up.
    pub async fn set_names(&self, first: &str, last: &str) -> Result<()> {
        self.command(json!({"a":"up2","firstname":b64::encode(first.as_bytes())}))
            .await?;
        self.command(json!({"a":"up2","lastname":b64::encode(last.as_bytes())}))
            .await
            .map(drop)
    }

    /// Send `req` with the 2FA code `mfa` (when given); `-26` becomes [`Error::MfaRequired`],
    /// as for logins.
    async fn command_with_mfa(&self, mut req: Value, mfa: Option<&str>) -> Result<()> {
        if let Some(code) = mfa {
            req["mfa"] = Value::from(code.trim());
        }
        match self.command(req).await {
            Ok(_) => Ok(()),
            Err(Error::Mega(ErrorCode::EMfaRequired)) => Err(Error::MfaRequired),
            Err(e) => Err(e),
        }
    }

    /// `erm` with `t:21`: ask MEGA to mail the link that cancels the account (`email`, the
    /// account's own); a 2FA account needs `mfa` ([`Error::MfaRequired`] without).
    pub async fn request_cancel_link(&self, email: &str, mfa: Option<&str>) -> Result<()> {
        let req = json!({"a":"erm","m":email.trim().to_lowercase(),"t":21});
        self.command_with_mfa(req, mfa).await
    }

    /// `erx`: cancel the account with the code of its cancellation link (`…#cancel<code>`).
    /// Everything in it is deleted; the session ends.
    pub async fn confirm_cancel(&self, code: &str) -> Result<()> {
        match self.command(json!({"a":"erx","c":code})).await {
            // The session is gone with the account: that is success.
            Ok(_) | Err(Error::Mega(ErrorCode::ESid)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Whether `password` is the account's, checked as the SDK does before it cancels an
    /// account: the master key it unwraps (from `us`'s `k`) must be this session's.
    pub async fn password_matches(&self, email: &str, password: &str) -> Result<bool> {
        let mk: Key128 = self.state().keys.master_key.ok_or(Error::NotLoggedIn)?;
        let pk = match self.prelogin(email).await? {
            AccountVersion::V1 => login::prepare_key_v1(password),
            AccountVersion::V2 { salt } => login::derive_v2(password, &salt).0,
        };
        let r = self.command(json!({"a":"us"})).await?;
        let k = b64::decode(str_field(&r, "k", "us")?)?;
        Ok(aes::unwrap(&pk, &k).ok().as_deref() == Some(&mk[..]))
    }

    /// `ud2`: confirm a sign-up with the code of its link (`…#confirm<code>`); returns the
    /// e-mail and the name the account was made with.
    pub async fn confirm_signup(&self, code: &str) -> Result<(String, String)> {
        let r = self.command(json!({"a":"ud2","c":code})).await?;
        let text = |i: usize| {
            r.get(i)
                .and_then(Value::as_str)
                .and_then(|v| b64::decode(v).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .ok_or_else(|| Error::bad("[email, name, handle, 2] in the ud2 answer"))
        };
        Ok((text(0)?, text(1)?))
    }

    /// The session's `sek` (what MEGA's SDK wraps the master key of a saved session with),
    /// asked with the session adopted so far: `us` with a fresh `sek` answers the original.
    pub async fn session_sek(&self) -> Result<Key128> {
        let fresh: Key128 = rand::random();
        let r = self
            .command(json!({"a":"us","sek":b64::encode(&fresh)}))
            .await?;
        r.get("sek")
            .and_then(Value::as_str)
            .and_then(|s| b64::decode_array(s).ok())
            .ok_or_else(|| Error::bad("`sek` in the us answer"))
    }

    /// Use a saved session without any round trip: requests carry its sid at once. Nothing
    /// is checked until the first request (an expired session then fails with `ESID`), and
    /// the RSA key is not loaded; call [`Client::resume`] when shares with RSA-wrapped keys
    /// must be decrypted. This is what keeps a one-shot command at one round trip.
    pub fn adopt(&self, session: &Session) {
        self.install(session.clone(), None);
    }

    /// Resume a saved session without logging in: checks it with `us` (sid, no user) and
    /// loads the RSA key. An expired or logged-out session fails with `ESID` (-15).
    pub async fn resume(&self, session: &Session) -> Result<()> {
        self.install(session.clone(), None);
        let sek: Key128 = rand::random();
        let r = match self
            .command(json!({"a":"us","sek":b64::encode(&sek)}))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.clear_auth();
                return Err(e);
            }
        };
        let checked = (|| {
            if str_field(&r, "u", "us")? != session.user_handle {
                return Err(Error::bad("the saved session's user handle"));
            }
            match r.get("privk").and_then(Value::as_str) {
                Some(p) => Ok(Some(unwrap_privk(&session.master_key, p)?)),
                None => Ok(None),
            }
        })();
        match checked {
            Ok(privk) => {
                self.state().keys.privk = privk;
                Ok(())
            }
            Err(e) => {
                self.clear_auth();
                Err(e)
            }
        }
    }

    /// `sml`: end the session on the server and forget it locally (also when the server
    /// call fails).
    pub async fn logout(&self) -> Result<()> {
        let r = self.command(json!({"a":"sml"})).await;
        self.clear_auth();
        r.map(|_| ())
    }

    /// `ug`: the account's handle, e-mail and name.
    pub async fn user_info(&self) -> Result<UserInfo> {
        let r = self.command(json!({"a":"ug"})).await?;
        Ok(UserInfo {
            user_handle: str_field(&r, "u", "ug")?.to_string(),
            email: str_field(&r, "email", "ug")?.to_string(),
            name: r.get("name").and_then(Value::as_str).map(str::to_string),
        })
    }

    /// `whyamiblocked`: the reason code of a `-16` (0 = not blocked; see
    /// `explain::block_reason_text` in the CLI). Works with a blocked account's session.
    pub async fn why_blocked(&self) -> Result<i64> {
        let r = self.command(json!({"a":"whyamiblocked"})).await?;
        r.as_i64()
            .ok_or_else(|| Error::bad("a number in the whyamiblocked answer"))
    }

    /// `uq`: storage (and, if reported, transfer) quota.
    pub async fn quota(&self) -> Result<Quota> {
        let r = self.command(json!({"a":"uq","strg":1,"xfer":1})).await?;
        let num = |name: &str| r.get(name).and_then(Value::as_f64).map(|f| f as u64);
        Ok(Quota {
            storage_max: num("mstrg").ok_or_else(|| Error::bad("`mstrg` in the uq answer"))?,
            storage_used: num("cstrg").ok_or_else(|| Error::bad("`cstrg` in the uq answer"))?,
            transfer_max: num("mxfer"),
            transfer_used: num("caxfer"),
        })
    }

    /// `usl`: the account's sessions, oldest first, ended ones included.
    pub async fn sessions(&self) -> Result<Vec<AccountSession>> {
        let r = self.command(json!({"a":"usl","x":1})).await?;
        r.as_array()
            .ok_or_else(|| Error::bad("a list in the usl answer"))?
            .iter()
            .map(AccountSession::from_usl)
            .collect()
    }

    /// `usr`: end the sessions with these ids (from [`Client::sessions`]).
    pub async fn kill_sessions(&self, ids: &[String]) -> Result<()> {
        self.command(json!({"a":"usr","s":ids})).await?;
        Ok(())
    }

    /// `usr` with `ko`: end every session of the account but this one.
    /// `gpsa`: the public service announcement the account has not dismissed yet, if any
    /// (MEGA answers `-9` when there is none).
    pub async fn psa(&self) -> Result<Option<Psa>> {
        let r = match self.command(json!({"a":"gpsa","w":1})).await {
            Ok(r) => r,
            Err(Error::Mega(ErrorCode::ENoent)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let text = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .and_then(|v| b64::decode(v).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        Ok(Some(Psa {
            id: r.get("id").and_then(Value::as_i64).unwrap_or(0),
            title: text("t"),
            text: text("d"),
            url: r.get("url").and_then(Value::as_str).map(str::to_string),
        }))
    }

    /// Dismiss announcement `id` (the `^!lastPsa` user attribute, as the SDK's `setPSA`).
    pub async fn dismiss_psa(&self, id: i64) -> Result<()> {
        let value = b64::encode(id.to_string().as_bytes());
        self.command(json!({"a":"up2","^!lastPsa":value}))
            .await
            .map(drop)
    }

    pub async fn kill_other_sessions(&self) -> Result<()> {
        self.command(json!({"a":"usr","ko":1})).await?;
        Ok(())
    }

    /// Enter folder-link mode: requests carry `n=<public handle>` and node keys unwrap with
    /// the link's key. Replaces any session.
    pub fn open_folder_link(&self, public_handle: &str, key: Key128) {
        let mut st = self.state();
        st.keys = KeyRing::for_folder_link(key);
        st.auth = Auth::FolderLink {
            public_handle: public_handle.to_string(),
        };
    }

    /// A copy of the current key ring (to decrypt nodes from `sc` packets elsewhere).
    pub fn key_ring(&self) -> super::nodes::KeyRing {
        self.state().keys.clone()
    }

    /// Share keys this client knows (from `ok` in the full fetch, or made by `export`).
    pub fn share_keys(&self) -> std::collections::HashMap<String, Key128> {
        self.state().keys.share_keys.clone()
    }

    /// Teach the client share keys learned earlier (e.g. kept in the node cache), so that
    /// re-exporting a folder reuses the key its link already has.
    pub fn add_share_keys(&self, keys: impl IntoIterator<Item = (String, Key128)>) {
        self.state().keys.share_keys.extend(keys);
    }

    fn install(&self, session: Session, privk: Option<PrivateKey>) {
        let mut st = self.state();
        st.keys = KeyRing::for_user(&session.user_handle, session.master_key);
        st.keys.privk = privk;
        st.auth = Auth::User(Box::new(session));
    }
}

fn unwrap_privk(master_key: &Key128, privk_b64: &str) -> Result<PrivateKey> {
    let wrapped = b64::decode(privk_b64)?;
    if wrapped.is_empty() || wrapped.len() % 16 != 0 {
        return Err(Error::bad("a `privk` whose length is a multiple of 16"));
    }
    let plain = aes::unwrap(master_key, &wrapped)?;
    Ok(PrivateKey::from_privk(&plain)?)
}

/// A `tsid` is valid when its last 16 bytes are its first 16 encrypted with the master key.
fn check_tsid(master_key: &Key128, tsid: &str) -> Result<[u8; SID_LEN]> {
    let sid: [u8; SID_LEN] = b64::decode_array(tsid)?;
    let mut head = [0u8; 16];
    head.copy_from_slice(&sid[..16]);
    aes::ecb_encrypt(master_key, &mut head)?;
    if head[..] != sid[SID_LEN - 16..] {
        return Err(Error::bad(
            "a temporary session id that matches the master key",
        ));
    }
    Ok(sid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let s = Session {
            sid: [0x41; SID_LEN],
            master_key: [0x42; 16],
            user_handle: "AbCdEfGhIjK".into(),
            email: "a@b.c".into(),
            api_url: "http://127.0.0.1:1/".into(),
        };
        let d = format!("{s:?}");
        assert!(!d.contains(&s.sid_b64()));
        assert!(!d.contains("QUFB"));
        assert!(!d.contains("66"));
        assert!(d.contains("AbCdEfGhIjK"));
    }
}

/// A public service announcement (`gpsa`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Psa {
    pub id: i64,
    pub title: String,
    pub text: String,
    /// A web page to show instead, when the announcement is one.
    pub url: Option<String>,
}
