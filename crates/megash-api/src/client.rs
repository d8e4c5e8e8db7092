//! The request engine: API URL, `id` sequence numbers, the `sid`/`n` URL parameters, batching
//! of commands into one POST, per-command results, request-level errors, HTTP 402 hashcash,
//! and retries (through [`super::retry`]).
//!
//! [`Client`] also holds the authentication state (session or folder link) that the typed
//! calls in the sibling modules use; it is shared by `&self` and never holds a lock across an
//! `.await`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use futures_util::StreamExt;
use rand::Rng;
use serde_json::value::RawValue;
use serde_json::Value;

use super::error::{Error, ErrorCode, Result};
use super::nodes::KeyRing;
use super::retry::{is_retryable, retry, Retried, RetryConfig};
use super::session::Session;
use super::transport::{
    body_of, collect, header, BodyStream, ReqwestTransport, StreamResponse, Transport,
};
use crate::crypto::hashcash;

/// MEGA's production API.
pub const DEFAULT_API_URL: &str = "https://g.api.mega.co.nz/";

pub(crate) const JSON: &str = "application/json";

/// How many HTTP 402 challenges one request may answer before giving up.
const MAX_HASHCASH_ROUNDS: u32 = 5;

/// One command's answer inside a batch: its JSON value, or its own error code.
pub type CommandResult = std::result::Result<Value, ErrorCode>;

/// Who the requests speak for.
#[derive(Clone, Debug, Default)]
pub(crate) enum Auth {
    #[default]
    None,
    /// A logged-in account.
    User(Box<Session>),
    /// A folder-link session: requests carry `n=<public handle>`.
    /// (The link key lives in the key ring.)
    FolderLink { public_handle: String },
}

#[derive(Default)]
pub(crate) struct State {
    pub auth: Auth,
    /// Keys needed to decrypt nodes: master key, share keys, link key, RSA key.
    pub keys: KeyRing,
}

/// A MEGA API client. Cheap to share behind an `Arc`; all calls take `&self`.
pub struct Client {
    transport: Arc<dyn Transport>,
    /// The transport for transfer URLs, made on first use (most commands never transfer).
    data_transport: std::sync::OnceLock<Arc<dyn Transport>>,
    api_url: String,
    retry: RetryConfig,
    seq: AtomicU64,
    state: Mutex<State>,
    stats: Mutex<Stats>,
    share_resolver: Mutex<Option<ShareResolver>>,
    subtree_keys: Mutex<Option<SubtreeKeys>>,
    /// Ask for HTTPS transfer URLs (`ssl:2` on `g` and `u`) instead of MEGA's default HTTP.
    transfer_https: std::sync::atomic::AtomicBool,
}

/// The plain keys of a node and everything below it, as `(handle, key)`: what a move into
/// a shared folder must wrap with the share's key. Supplied by whoever holds the tree.
pub type SubtreeKeys = Arc<dyn Fn(super::nodes::Handle) -> Vec<(String, Vec<u8>)> + Send + Sync>;

/// Tells which shared (or link-exported) folders contain a given folder, with their share
/// keys, innermost first. The client knows no tree; whoever holds one (the node cache)
/// installs this so that nodes created inside a shared folder get their `cr` keys, as MEGA's
/// own clients send them, and stay readable through the share or folder link.
pub type ShareResolver = Arc<
    dyn Fn(super::nodes::Handle) -> Vec<(super::nodes::Handle, crate::crypto::Key128)>
        + Send
        + Sync,
>;

/// What this client's requests met on the way, for `diagnose`: how often the server asked to
/// slow down and how many proof-of-work challenges were solved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTTP 402 challenges answered.
    pub hashcash_solved: u32,
    /// 402 challenges that could not be answered (no header, or too many rounds).
    pub hashcash_failed: u32,
    /// Retries, by what caused them (`-3`, `-4`, `HTTP 500`, `network`...), in order.
    pub retried: Vec<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

/// Builder for [`Client`].
pub struct ClientBuilder {
    api_url: String,
    retry: RetryConfig,
    transport: Option<Arc<dyn Transport>>,
}

impl ClientBuilder {
    /// API base URL (a trailing `/` is added if missing). Default [`DEFAULT_API_URL`].
    pub fn api_url(mut self, url: &str) -> Self {
        self.api_url = url.to_string();
        self
    }

    /// Retry budget for every request and transfer piece.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Use another HTTP transport for API requests and transfers alike (tests, proxies).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    pub fn build(self) -> Result<Client> {
        let data_transport = std::sync::OnceLock::new();
        let transport = match self.transport {
            Some(t) => {
                let _ = data_transport.set(t.clone());
                t
            }
            None => Arc::new(ReqwestTransport::new()?),
        };
        let mut api_url = self.api_url;
        if !api_url.ends_with('/') {
            api_url.push('/');
        }
        Ok(Client {
            transport,
            data_transport,
            api_url,
            retry: self.retry,
            // Random start like every other client, kept small so +1 never overflows.
            seq: AtomicU64::new(rand::thread_rng().gen_range(0..(1u64 << 32))),
            state: Mutex::new(State::default()),
            stats: Mutex::new(Stats::default()),
            share_resolver: Mutex::new(None),
            subtree_keys: Mutex::new(None),
            transfer_https: std::sync::atomic::AtomicBool::new(false),
        })
    }
}

impl Client {
    /// Request transfer URLs over HTTPS (`ssl:2`) from now on, or over HTTP (`ssl:0`, MEGA's
    /// default: the data is encrypted end to end either way).
    pub fn set_transfer_https(&self, on: bool) {
        self.transfer_https
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// The `ssl` member for `g` and `u` requests.
    pub fn transfer_ssl(&self) -> u8 {
        if self
            .transfer_https
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            2
        } else {
            0
        }
    }

    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            api_url: DEFAULT_API_URL.to_string(),
            retry: RetryConfig::default(),
            transport: None,
        }
    }

    /// A client for `api_url` with default settings.
    pub fn new(api_url: &str) -> Result<Client> {
        Client::builder().api_url(api_url).build()
    }

    /// What the requests so far met (retries, hashcash).
    pub fn stats(&self) -> Stats {
        self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Install the [`ShareResolver`].
    pub fn set_share_resolver(&self, r: ShareResolver) {
        *self
            .share_resolver
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(r);
    }

    /// Install the [`SubtreeKeys`] source used by moves into shares.
    pub fn set_subtree_keys(&self, k: SubtreeKeys) {
        *self.subtree_keys.lock().unwrap_or_else(|p| p.into_inner()) = Some(k);
    }

    /// The `cr` member for moving each of `nodes` (with its subtree) under `new_parent`, when
    /// `new_parent` lies inside shares: without it the share's users and its public link
    /// could not decrypt what was moved in (MEGA's clients send it too).
    pub(crate) fn cr_for_moves(
        &self,
        nodes: &[super::nodes::Handle],
        new_parent: super::nodes::Handle,
    ) -> Result<Vec<Option<Value>>> {
        let keys = self
            .subtree_keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let shares = match keys {
            Some(_) => self.shares_above(new_parent),
            None => Vec::new(),
        };
        nodes
            .iter()
            .map(|&n| match &keys {
                Some(keys) if !shares.is_empty() => cr_value(&shares, &keys(n)),
                _ => Ok(None),
            })
            .collect()
    }

    fn shares_above(
        &self,
        parent: super::nodes::Handle,
    ) -> Vec<(super::nodes::Handle, crate::crypto::Key128)> {
        let resolver = self
            .share_resolver
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        resolver.map(|r| r(parent)).unwrap_or_default()
    }

    /// The `cr` member for new nodes (`(id, plain node key)`: the temporary handle or
    /// upload token as the id) created under `parent`, when `parent` lies inside shares.
    pub(crate) fn cr_for(
        &self,
        parent: super::nodes::Handle,
        new: &[(String, Vec<u8>)],
    ) -> Result<Option<Value>> {
        if new.is_empty() {
            return Ok(None);
        }
        cr_value(&self.shares_above(parent), new)
    }

    fn note(&self, f: impl FnOnce(&mut Stats)) {
        f(&mut self.stats.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// The API base URL, with a trailing `/`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    pub(crate) fn transport(&self) -> &dyn Transport {
        &*self.transport
    }

    /// The transport for transfer URLs ([`ReqwestTransport::for_transfers`] unless the
    /// builder was given one), shared by every transfer this client makes.
    pub fn data_transport(&self) -> Result<Arc<dyn Transport>> {
        if let Some(t) = self.data_transport.get() {
            return Ok(t.clone());
        }
        let made: Arc<dyn Transport> = Arc::new(ReqwestTransport::for_transfers()?);
        Ok(self.data_transport.get_or_init(|| made).clone())
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state half-written in a way that
        // matters more than losing the client, so poisoning is ignored.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current session, if logged in (a clone; for saving to disk).
    pub fn session(&self) -> Option<Session> {
        match &self.state().auth {
            Auth::User(s) => Some((**s).clone()),
            _ => None,
        }
    }

    /// True when logged in or in a folder-link session.
    pub fn is_authenticated(&self) -> bool {
        !matches!(self.state().auth, Auth::None)
    }

    /// Forget the session locally (no server call; see `logout` for that).
    pub fn clear_auth(&self) {
        *self.state() = State::default();
    }

    fn next_id(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// The authentication part of a URL query: `&sid=…` or `&n=…`.
    pub(crate) fn auth_query(&self) -> String {
        match &self.state().auth {
            Auth::None => String::new(),
            Auth::User(s) => format!("&sid={}", s.sid_b64()),
            Auth::FolderLink { public_handle, .. } => format!("&n={public_handle}"),
        }
    }

    /// POST with MEGA's retry rules (hashcash challenges answered, `EAGAIN`, 5xx and broken
    /// connections retried with backoff) and read the whole answer, which `check` may turn
    /// into an error (a retryable one is retried too).
    pub(crate) async fn post_retrying(
        &self,
        url: &str,
        body: Bytes,
        content_type: &str,
        check: fn(&[u8]) -> Result<()>,
    ) -> Result<Bytes> {
        self.post_loop(url, body, content_type, async |resp: StreamResponse| {
            let body = collect(resp.body).await?;
            check(&body)?;
            Ok(body)
        })
        .await
    }

    /// POST an API request whose answer may be large, and hand `read` the answer as a stream
    /// once it is known not to be a request-level error. Whatever `read` fails with that is
    /// retryable (a connection broken mid-answer) repeats the whole request.
    pub(crate) async fn post_streaming<T>(
        &self,
        url: &str,
        body: Bytes,
        mut read: impl AsyncFnMut(BodyStream) -> Result<T>,
    ) -> Result<T> {
        self.post_loop(url, body, JSON, async |mut resp: StreamResponse| {
            // A request-level error is a bare number; anything else starts with `[`.
            let mut head = Vec::new();
            while let Some(piece) = resp.body.next().await {
                let piece = piece?;
                head.extend_from_slice(&piece);
                if head.iter().any(|b| !b.is_ascii_whitespace()) {
                    break;
                }
            }
            let first = head.iter().find(|b| !b.is_ascii_whitespace());
            if first.is_none_or(|&b| b == b'-' || b.is_ascii_digit()) {
                head.extend_from_slice(&collect(resp.body).await?);
                check_request_level(&head)?;
                return read(body_of([Ok(head.into())])).await;
            }
            let rest: BodyStream = Box::pin(body_of([Ok(head.into())]).chain(resp.body));
            read(rest).await
        })
        .await
    }

    /// The retry loop itself; `read` turns a 200 answer into the result (or an error, which
    /// is retried if it is retryable).
    async fn post_loop<T>(
        &self,
        url: &str,
        body: Bytes,
        content_type: &str,
        mut read: impl AsyncFnMut(StreamResponse) -> Result<T>,
    ) -> Result<T> {
        let mut headers: Vec<(String, String)> =
            vec![("content-type".to_string(), content_type.to_string())];
        let mut hashcash_rounds = 0;
        retry(&self.retry, Retried::Request, async || loop {
            let outcome = self
                .transport
                .post_stream(url, &headers, body.clone())
                .await;
            let err = match outcome {
                Ok(resp) if resp.status == 402 => {
                    let challenge = header(&resp.headers, "x-hashcash").map(str::to_string);
                    match challenge {
                        // A solved challenge is sent at once, within the same attempt.
                        Some(c) if hashcash_rounds < MAX_HASHCASH_ROUNDS => {
                            hashcash_rounds += 1;
                            let answer = solve_hashcash(&c).await;
                            self.note(|s| match answer {
                                Ok(_) => s.hashcash_solved += 1,
                                Err(_) => s.hashcash_failed += 1,
                            });
                            let answer = answer?;
                            headers.retain(|(k, _)| k != "x-hashcash");
                            headers.push(("x-hashcash".to_string(), answer));
                            continue;
                        }
                        _ => {
                            self.note(|s| s.hashcash_failed += 1);
                            Error::Http { status: 402 }
                        }
                    }
                }
                Ok(resp) if resp.status == 200 => match read(resp).await {
                    Ok(t) => return Ok(t),
                    Err(e) => e,
                },
                Ok(resp) => Error::Http {
                    status: resp.status,
                },
                Err(e) => e,
            };
            if is_retryable(&err) {
                let cause = match &err {
                    Error::Mega(c) => c.code().to_string(),
                    Error::Http { status } => format!("HTTP {status}"),
                    _ => "network".to_string(),
                };
                self.note(|s| s.retried.push(cause));
            }
            return Err(err.into());
        })
        .await
    }

    /// The URL of the next API request (`cs`), with its sequence number and session.
    pub(crate) fn cs_url(&self) -> String {
        format!(
            "{}cs?id={}{}",
            self.api_url,
            self.next_id(),
            self.auth_query()
        )
    }

    /// Send a serialised command array as one request and return the raw body of the
    /// answer, after request-level errors (a bare negative number) have been handled.
    /// Retries re-send the identical body with the identical `id`.
    pub async fn request_raw(&self, body: Vec<u8>) -> Result<Bytes> {
        let url = self.cs_url();
        self.post_retrying(&url, Bytes::from(body), JSON, check_request_level)
            .await
    }

    /// Send several commands in one request; one result per command, in order. A
    /// request-level error fails the whole batch.
    pub async fn request(&self, commands: &[Value]) -> Result<Vec<CommandResult>> {
        let body = serde_json::to_vec(commands)
            .map_err(|_| Error::InvalidArgument("commands are not serialisable".into()))?;
        // Only command names are traced: bodies carry keys and hashes, URLs the sid.
        let names: Vec<&str> = commands
            .iter()
            .map(|c| c.get("a").and_then(Value::as_str).unwrap_or("?"))
            .collect();
        let started = std::time::Instant::now();
        log::debug!("api -> [{}]", names.join(","));
        let resp = self.request_raw(body).await;
        let ms = started.elapsed().as_millis();
        match &resp {
            Ok(r) => log::debug!("api <- [{}] {} bytes in {ms} ms", names.join(","), r.len()),
            Err(e) => log::debug!("api <- [{}] failed in {ms} ms: {e}", names.join(",")),
        }
        parse_batch(&resp?, commands.len())
    }

    /// Send one command; its own error code becomes [`Error::Mega`].
    pub async fn command(&self, command: Value) -> Result<Value> {
        let mut results = self.request(std::slice::from_ref(&command)).await?;
        match results.pop() {
            Some(Ok(v)) => Ok(v),
            Some(Err(code)) => Err(Error::Mega(code)),
            None => Err(Error::bad("one command result")),
        }
    }
}

/// A bare integer body is a request-level result: negative = error for the whole batch.
pub(crate) fn check_request_level(body: &[u8]) -> Result<()> {
    match request_level_code(body) {
        Some(code) if code < 0 => Err(Error::Mega(ErrorCode::from_code(code))),
        _ => Ok(()),
    }
}

fn request_level_code(body: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.starts_with('-') || text.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// Split a batch answer into per-command results.
pub(crate) fn parse_batch(body: &[u8], expected: usize) -> Result<Vec<CommandResult>> {
    if let Some(code) = request_level_code(body) {
        return if code < 0 {
            Err(Error::Mega(ErrorCode::from_code(code)))
        } else {
            Err(Error::bad("an array of command results, not a bare number"))
        };
    }
    let items: Vec<&RawValue> =
        serde_json::from_slice(body).map_err(|_| Error::bad("a JSON array of command results"))?;
    if items.len() != expected {
        return Err(Error::bad(format!(
            "{expected} command results, got {}",
            items.len()
        )));
    }
    items
        .into_iter()
        .map(|raw| {
            let v: Value =
                serde_json::from_str(raw.get()).map_err(|_| Error::bad("a JSON command result"))?;
            Ok(match v.as_i64() {
                Some(n) if n < 0 => Err(ErrorCode::from_code(n)),
                _ => Ok(v),
            })
        })
        .collect()
}

async fn solve_hashcash(header_value: &str) -> Result<String> {
    let challenge = hashcash::parse(header_value)?;
    tokio::task::spawn_blocking(move || hashcash::solve(&challenge))
        .await
        .map_err(|_| Error::bad("a solvable hashcash challenge"))
}

/// A random 10-character request tag (`i`), echoed in the action packets a command causes.
pub(crate) fn request_tag() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// `cr` = `[[share handles], [node ids], [share index, node index, wrapped key, ...]]`: every
/// node key wrapped with every share key. `None` when there is nothing to wrap. Nodes with
/// an empty id make the SDK's form: no node ids, the index counts into the `p`'s `n`.
fn cr_value(
    shares: &[(super::nodes::Handle, crate::crypto::Key128)],
    nodes: &[(String, Vec<u8>)],
) -> Result<Option<Value>> {
    if shares.is_empty() || nodes.is_empty() {
        return Ok(None);
    }
    let mut triples = Vec::new();
    for (si, (_, sk)) in shares.iter().enumerate() {
        for (ni, (_, key)) in nodes.iter().enumerate() {
            triples.push(Value::from(si));
            triples.push(Value::from(ni));
            triples.push(Value::from(crate::crypto::b64::encode(
                &crate::crypto::aes::wrap(sk, key)?,
            )));
        }
    }
    let share_ids: Vec<Value> = shares
        .iter()
        .map(|(h, _)| Value::from(h.to_b64()))
        .collect();
    let node_ids: Vec<Value> = if nodes.iter().all(|(id, _)| id.is_empty()) {
        Vec::new()
    } else {
        nodes
            .iter()
            .map(|(id, _)| Value::from(id.as_str()))
            .collect()
    };
    Ok(Some(Value::Array(vec![
        Value::Array(share_ids),
        Value::Array(node_ids),
        Value::Array(triples),
    ])))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    use crate::testing::fake_client;

    #[test]
    fn batch_results_per_command() {
        let r = parse_batch(br#"[{"v":1},-9,0,"AbCdEfGh",[1]]"#, 5).unwrap();
        assert_eq!(r[0].as_ref().unwrap()["v"], 1);
        assert_eq!(r[1], Err(ErrorCode::ENoent));
        assert_eq!(r[2].as_ref().unwrap(), &Value::from(0));
        assert_eq!(r[3].as_ref().unwrap(), "AbCdEfGh");
        assert!(r[4].as_ref().unwrap().is_array());
    }

    #[test]
    fn bare_negative_fails_the_batch() {
        assert!(matches!(
            parse_batch(b"-3", 2),
            Err(Error::Mega(ErrorCode::EAgain))
        ));
        assert!(matches!(
            parse_batch(b" -15\n", 1),
            Err(Error::Mega(ErrorCode::ESid))
        ));
        assert!(matches!(
            parse_batch(b"[1]", 2),
            Err(Error::BadResponse { .. })
        ));
        assert!(matches!(
            parse_batch(b"<html>", 1),
            Err(Error::BadResponse { .. })
        ));
    }

    #[tokio::test]
    async fn retries_resend_identical_request() {
        let (t, c) = fake_client(5);
        t.push(200, &[], "-3");
        t.push(500, &[], "");
        t.push_err(Error::Network {
            kind: crate::error::NetworkKind::Broken,
            message: "reset".into(),
        });
        t.push(200, &[], r#"[{"ok":true},-9]"#);
        let r = c
            .request(&[serde_json::json!({"a":"x"}), serde_json::json!({"a":"y"})])
            .await
            .unwrap();
        assert_eq!(r[1], Err(ErrorCode::ENoent));
        let sent = t.sent.lock().unwrap();
        assert_eq!(sent.len(), 4);
        assert!(sent.iter().all(|s| s.0 == sent[0].0 && s.2 == sent[0].2));
        assert!(sent[0].0.starts_with("http://127.0.0.1:9/cs?id="));
    }

    #[tokio::test]
    async fn ids_increase_per_new_request() {
        let (t, c) = fake_client(1);
        t.push(200, &[], "[0]");
        t.push(200, &[], "[0]");
        c.command(serde_json::json!({"a":"x"})).await.unwrap();
        c.command(serde_json::json!({"a":"x"})).await.unwrap();
        let sent = t.sent.lock().unwrap();
        let id = |u: &str| -> u64 { u.split("id=").nth(1).unwrap().parse().unwrap() };
        assert_eq!(id(&sent[1].0), id(&sent[0].0) + 1);
    }

    #[tokio::test]
    async fn retry_budget_exhausted_gives_typed_error() {
        let (t, c) = fake_client(3);
        for _ in 0..3 {
            t.push(200, &[], "-4");
        }
        let r = c.command(serde_json::json!({"a":"x"})).await;
        assert!(matches!(r, Err(Error::Mega(ErrorCode::ERateLimit))));
        assert_eq!(t.sent.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn fatal_errors_are_not_retried() {
        let (t, c) = fake_client(5);
        t.push(200, &[], "-15");
        let r = c.command(serde_json::json!({"a":"x"})).await;
        assert!(matches!(r, Err(Error::Mega(ErrorCode::ESid))));
        assert_eq!(t.sent.lock().unwrap().len(), 1);
        t.push(403, &[], "");
        let r = c.command(serde_json::json!({"a":"x"})).await;
        assert!(matches!(r, Err(Error::Http { status: 403 })));
    }

    #[tokio::test]
    async fn hashcash_402_is_solved_and_same_request_resent() {
        let (t, c) = fake_client(1);
        let token = crate::crypto::b64::encode(&(0u8..48).collect::<Vec<_>>());
        t.push(
            402,
            &[("x-hashcash", &format!("1:255:1731410499:{token}"))],
            "",
        );
        t.push(200, &[], "[0]");
        c.command(serde_json::json!({"a":"us0"})).await.unwrap();
        let sent = t.sent.lock().unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].0, sent[1].0);
        assert_eq!(sent[0].2, sent[1].2);
        let answer = header(&sent[1].1, "x-hashcash").unwrap();
        assert_eq!(answer, format!("1:{token}:AQAAAA"));
        assert!(header(&sent[0].1, "x-hashcash").is_none());
    }
}
