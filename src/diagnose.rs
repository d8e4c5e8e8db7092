//! `diagnose`'s checks, as data: each gives a verdict (OK, WARN, FAIL), one sentence of
//! explanation and, when not OK, what to do. The command (commands/diagnose.rs) prints them as
//! lines or JSON. Nothing here prints, and no check ever puts a password, sid, key or session
//! string into its text.
//!
//! Login failures are explained by [`crate::explain`], the module `login` uses too.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::api::{self, AccountVersion, Client, ErrorCode, Node, NodeType, Transport};
use crate::cache::Cache;
use crate::explain::{self, LoginContext};
use crate::session::{self, LoginRecord, SavedSession, StateDir, LOGIN_INTERVAL_MS};

/// A check's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    /// `OK`, `WARN`, `FAIL`.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One check's result.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// Short stable name (`api`, `session`, `login`...).
    pub check: &'static str,
    pub status: Status,
    /// What was found.
    pub message: String,
    /// What to do (for WARN and FAIL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
    /// Exit status this failure maps to (MEGAcmd's codes; |API code| for API errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u8>,
}

fn ok(check: &'static str, message: impl Into<String>) -> Check {
    Check {
        check,
        status: Status::Ok,
        message: message.into(),
        advice: None,
        code: None,
    }
}

fn warn(check: &'static str, message: impl Into<String>, advice: impl Into<String>) -> Check {
    Check {
        check,
        status: Status::Warn,
        message: message.into(),
        advice: Some(advice.into()),
        code: None,
    }
}

fn fail(
    check: &'static str,
    message: impl Into<String>,
    advice: impl Into<String>,
    code: u8,
) -> Check {
    Check {
        check,
        status: Status::Fail,
        message: message.into(),
        advice: Some(advice.into()),
        code: Some(code),
    }
}

/// Thresholds for the login pacing check. MEGA publishes none; the reference's observations:
/// about 90 logins in quick succession blocked accounts for days, 3-second spacing avoided it.
pub const LOGINS_PER_DAY_DANGER: usize = 90;
/// A third of the way there within an hour is already a pattern worth a warning.
pub const LOGINS_PER_HOUR_WARN: usize = 30;

/// What `diagnose` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The account to look at (else the saved session's).
    pub email: Option<String>,
    /// Make one real login attempt with this password.
    pub login_password: Option<String>,
    /// 2FA code for that attempt.
    pub auth_code: Option<String>,
    /// Ignore the 3-second guard for the attempt.
    pub force: bool,
}

/// Diagnose must answer in seconds even when the server keeps saying "try again": a few
/// quick retries show the pattern without the minutes a normal command would wait.
fn client(url: &str) -> api::Result<Client> {
    Client::builder()
        .api_url(url)
        .retry(api::RetryConfig {
            initial: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_attempts: 4,
            max_elapsed: Duration::from_secs(10),
        })
        .build()
}

/// Where the API address came from.
fn api_source(saved: Option<&SavedSession>) -> &'static str {
    if std::env::var("MEGA_API_URL").is_ok_and(|v| !v.trim().is_empty()) {
        "MEGA_API_URL"
    } else if saved.is_some() {
        "the saved session"
    } else {
        "the default"
    }
}

/// Run every check in order.
pub async fn run(state: Option<&StateDir>, req: &Request) -> Vec<Check> {
    let mut out = Vec::new();
    out.push(ok(
        "version",
        format!("megash {}", env!("CARGO_PKG_VERSION")),
    ));
    let saved = state.and_then(|s| SavedSession::load(s).ok().flatten());
    match state {
        Some(s) => out.push(ok(
            "state",
            format!("state directory {}", s.path().display()),
        )),
        None => out.push(fail(
            "state",
            "no state directory: HOME and MEGASH_HOME are unset or unusable",
            "set MEGASH_HOME to a writable folder",
            59,
        )),
    }
    let mut saved = saved;
    let url = match session::api_url(saved.as_ref()) {
        Ok(url) => {
            out.push(ok(
                "api-address",
                format!("{url} (from {})", api_source(saved.as_ref())),
            ));
            url
        }
        Err(e) => {
            out.push(fail(
                "api-address",
                e.to_string(),
                "the checks below leave the saved session out: it is never sent to another server",
                54,
            ));
            // The session's checks would send its sid to the other server.
            saved = None;
            session::api_url(None).unwrap_or_default()
        }
    };
    out.push(proxy_check(&url));
    out.extend(reachability(&url).await);

    // The saved session, and a client for it when it still works.
    let mut client: Option<Client> = None;
    let mut block_reason = None;
    match (&saved, state) {
        (None, _) => out.push(warn(
            "session",
            "no saved session",
            "log in once with \"login EMAIL\": every later command reuses the session without logging in again",
        )),
        (Some(saved), Some(state)) => {
            let (check, c, reason) = session_check(state, saved, &url).await;
            out.push(check);
            client = c;
            block_reason = reason;
            out.push(cache_check(state, saved));
        }
        (Some(_), None) => {}
    }
    if let Some(c) = &client {
        out.extend(transfer_checks(c, state, saved.as_ref()).await);
    }

    let email = req
        .email
        .clone()
        .or_else(|| saved.as_ref().map(|s| s.session.email.clone()));
    if let Some(email) = &email {
        out.extend(account_checks(state, &url, email, req, block_reason).await);
        if let Some(state) = state {
            out.push(pacing_check(
                &session::login_records(state),
                email,
                session::now_ms(),
            ));
        }
    }
    if let Some(c) = &client {
        out.push(quota_check(c).await);
    }
    out
}

fn proxy_check(url: &str) -> Check {
    let vars: Vec<String> = [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ]
    .iter()
    .filter_map(|k| {
        std::env::var(k)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{k}={}", api::proxy::redact(&v)))
    })
    .collect();
    let route = match url
        .parse::<url::Url>()
        .ok()
        .map(|u| (api::proxy::proxy_for(&u), u))
    {
        Some((Some(p), _)) => format!(
            "requests to {url} go through the proxy {}",
            api::proxy::redact(&p)
        ),
        Some((None, u)) if u.host_str().is_some_and(api::proxy::is_loopback) => {
            format!("requests to {url} go directly (loopback never uses a proxy)")
        }
        _ => format!("requests to {url} go directly"),
    };
    // A `proxy` setting takes the variables' place.
    let source = match api::proxy::configured() {
        api::proxy::Configured::Url(p) => {
            format!("the proxy setting: {}", api::proxy::redact(&p))
        }
        api::proxy::Configured::Direct => "the proxy setting: none".to_string(),
        api::proxy::Configured::Environment if vars.is_empty() => {
            "no proxy variables set".to_string()
        }
        api::proxy::Configured::Environment => format!("proxy variables: {}", vars.join(", ")),
    };
    ok("proxy", format!("{route}; {source}"))
}

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

/// API reachability, round-trip time and clock skew, from one harmless `us0`.
async fn reachability(url: &str) -> Vec<Check> {
    // A plain request, outside the client's retry loop: one attempt, measured.
    let http = match api::ReqwestTransport::new() {
        Ok(c) => c,
        Err(e) => {
            return vec![fail(
                "api",
                format!("cannot create an HTTP client: {e}"),
                "report this as a bug",
                59,
            )]
        }
    };
    let started = Instant::now();
    let headers = [("content-type".to_string(), "application/json".to_string())];
    let resp = tokio::time::timeout(
        PROBE_TIMEOUT,
        http.post(
            &format!("{url}cs?id=0"),
            &headers,
            r#"[{"a":"us0","user":"diagnose@megash.invalid"}]"#.into(),
        ),
    )
    .await;
    let rtt = started.elapsed();
    let resp = match resp {
        Ok(Ok(r)) => r,
        failed => {
            let what = match failed {
                Err(_)
                | Ok(Err(api::Error::Network {
                    kind: api::NetworkKind::Timeout,
                    ..
                })) => "timed out after 15 s",
                Ok(Err(api::Error::Network {
                    kind: api::NetworkKind::Connect,
                    ..
                })) => "connection refused or unreachable",
                _ => "request failed",
            };
            return vec![fail(
                "api",
                format!("the API at {url} cannot be reached: {what}"),
                "check the network, proxy variables and firewall, or MEGA_API_URL if you point megash at another server",
                59,
            )];
        }
    };
    let mut out = Vec::new();
    let status = resp.status;
    let date = api::transport::header(&resp.headers, "date")
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok());
    let body = resp.body;
    let ms = rtt.as_millis();
    match status {
        200 => {
            let text = String::from_utf8_lossy(&body);
            let code = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.as_i64().or_else(|| v.get(0).and_then(|x| x.as_i64())));
            match code {
                Some(c @ (-3 | -4)) => out.push(warn(
                    "api",
                    format!("reachable ({ms} ms) but answering {c} ({})", ErrorCode::from_code(c).short_text()),
                    "the server is throttling this address; megash retries with backoff, but wait before logging in",
                )),
                _ => out.push(ok("api", format!("reachable, round trip {ms} ms"))),
            }
        }
        402 => out.push(warn(
            "api",
            format!("reachable ({ms} ms); the server demands a proof of work (HTTP 402 hashcash)"),
            "megash solves these automatically; many older clients do not and loop",
        )),
        s => out.push(fail(
            "api",
            format!("the API answered HTTP {s}"),
            "MEGA may be down or blocking this address; try again later",
            59,
        )),
    }
    match date {
        Some(d) => {
            let skew = chrono::Utc::now().timestamp() - d.timestamp();
            if skew.abs() <= 60 {
                out.push(ok(
                    "clock",
                    format!("local clock within {}s of the server's", skew.abs()),
                ));
            } else {
                out.push(warn(
                    "clock",
                    format!("local clock is {skew:+} s off the server's"),
                    "set the clock right (NTP): 2FA codes depend on it",
                ));
            }
        }
        None => out.push(warn(
            "clock",
            "the server sent no usable Date header",
            "nothing to do unless 2FA codes fail",
        )),
    }
    out
}

/// The saved session: valid? blocked? Returns the client when the session works.
async fn session_check(
    _state: &StateDir,
    saved: &SavedSession,
    url: &str,
) -> (Check, Option<Client>, Option<i64>) {
    let age_h = session::now_ms().saturating_sub(saved.saved_at_ms) / 3_600_000;
    let client = match client(url) {
        Ok(c) => c,
        Err(e) => {
            return (
                fail("session", e.to_string(), "report this as a bug", 59),
                None,
                None,
            )
        }
    };
    let mut s = saved.session.clone();
    s.api_url = url.to_string();
    client.adopt(&s);
    let who = crate::ui::terminal_safe(&saved.session.email).into_owned();
    match client.user_info().await {
        Ok(_) => (
            ok(
                "session",
                format!("saved session for {who} is valid (saved {age_h} h ago)"),
            ),
            Some(client),
            None,
        ),
        Err(e) if e.mega_code() == Some(ErrorCode::ESid) => (
            fail(
                "session",
                format!("the saved session for {who} is no longer valid (closed or expired)"),
                "log in again with \"login EMAIL\"",
                15,
            ),
            None,
            None,
        ),
        Err(e) if e.mega_code() == Some(ErrorCode::EBlocked) => {
            let reason = client.why_blocked().await.ok();
            let text = reason.map_or_else(|| "reason unknown".into(), explain::block_reason_text);
            (
                fail(
                    "session",
                    format!("the account {who} is blocked: {text}"),
                    "log in at https://mega.nz in a browser to see what MEGA asks for, or contact support@mega.nz",
                    16,
                ),
                None,
                reason,
            )
        }
        Err(e) => (
            fail(
                "session",
                format!("the saved session could not be checked: {e}"),
                "see the api check above",
                59,
            ),
            None,
            None,
        ),
    }
}

fn cache_check(state: &StateDir, saved: &SavedSession) -> Check {
    let path = state.cache_file(&saved.session.user_handle);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if size == 0 {
        return warn(
            "cache",
            "no node cache yet",
            "the next command fetches the tree once",
        );
    }
    match state.open_cache(&saved.session.user_handle) {
        Ok(c) => {
            let nodes = c.node_count().unwrap_or(0);
            let sn = c.sn().ok().flatten().unwrap_or_else(|| "-".into());
            ok(
                "cache",
                format!(
                    "{nodes} nodes, {} on disk, sequence number {sn}",
                    crate::ui::size_to_text(size, true, false)
                ),
            )
        }
        Err(e) => warn("cache", e.to_string(), "it is rebuilt by the next command"),
    }
}

/// Transfer servers over HTTP and HTTPS (an upload URL each), and the transfer quota as a
/// download of one byte of the smallest file sees it (a 509 tells the wait time).
async fn transfer_checks(
    c: &Client,
    state: Option<&StateDir>,
    saved: Option<&SavedSession>,
) -> Vec<Check> {
    let mut out = Vec::new();
    // The transport transfers use: the probe sees what they would.
    let Ok(http) = c.data_transport() else {
        return out;
    };
    let probe = |url: String| {
        let http = http.clone();
        async move {
            match tokio::time::timeout(PROBE_TIMEOUT, http.get(&url)).await {
                Ok(r) => r,
                Err(_) => Err(api::Error::Network {
                    kind: api::NetworkKind::Timeout,
                    message: "timed out".into(),
                }),
            }
        }
    };
    for (name, ssl) in [("transfer-http", 0), ("transfer-https", 2)] {
        let Ok(url) = c.upload_url_with(1, ssl).await else {
            out.push(warn(
                name,
                "the API gave no upload URL",
                "see the api and quota checks",
            ));
            continue;
        };
        let scheme = url.split(':').next().unwrap_or("").to_string();
        let host = url::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let started = Instant::now();
        match probe(url).await {
            Ok(_) if ssl == 2 && scheme != "https" => out.push(warn(
                name,
                format!("the server hands out {scheme}:// transfer URLs even when HTTPS is asked for ({host})"),
                "expected from megasim (no TLS); real MEGA gives https:// URLs",
            )),
            Ok(_) => out.push(ok(
                name,
                format!("{scheme}://{host} reachable, {} ms", started.elapsed().as_millis()),
            )),
            Err(_) => out.push(warn(
                name,
                format!("{scheme}://{host} cannot be reached"),
                if ssl == 2 {
                    "transfers fall back to HTTP (\"https off\"); check a proxy or firewall blocking port 443"
                } else {
                    "transfers will fail: check a firewall or proxy between you and MEGA's storage servers"
                },
            )),
        }
    }
    // A download probe needs a file; the smallest one costs one byte of quota.
    let smallest = match (state, saved) {
        (Some(st), Some(sv)) => st
            .open_cache(&sv.session.user_handle)
            .ok()
            .and_then(|cache| smallest_file(&cache)),
        _ => None,
    };
    if let Some(file) = smallest {
        match c.download_url(file.handle).await {
            Ok(info) => match probe(format!("{}/0-0", info.url)).await {
                Ok(r) if r.status == 509 => {
                    let secs = api::transport::header(&r.headers, "x-mega-time-left")
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    let wait = secs.map_or("an unknown time".to_string(), human_wait);
                    out.push(warn(
                            "transfer-quota",
                            format!("downloads are refused: transfer quota exceeded (HTTP 509), {wait} until it frees up"),
                            "wait, or use an account with more transfer quota; uploads are not affected",
                        ));
                }
                Ok(r) if (200..300).contains(&r.status) => {
                    out.push(ok("transfer-quota", "downloads are allowed"))
                }
                Ok(r) => out.push(warn(
                    "transfer-quota",
                    format!("the download probe got HTTP {}", r.status),
                    "try again later",
                )),
                Err(_) => out.push(warn(
                    "transfer-quota",
                    "the download server cannot be reached",
                    "check a firewall or proxy",
                )),
            },
            Err(api::Error::Mega(code)) => out.push(warn(
                "transfer-quota",
                format!("no download URL: {}", code.short_text()),
                "see the quota check",
            )),
            Err(_) => {}
        }
    }
    out
}

fn smallest_file(cache: &Cache) -> Option<Node> {
    // A breadth-first look at the first few folders is enough to find some file cheaply.
    let root = cache.root_of(NodeType::Root).ok()??;
    let mut queue = vec![root.handle];
    let mut best: Option<Node> = None;
    let mut visited = 0;
    while let Some(h) = queue.pop() {
        visited += 1;
        if visited > 200 {
            break;
        }
        for n in cache.children(h).ok()? {
            if n.is_file() && n.key.is_some() {
                if best.as_ref().is_none_or(|b| n.size < b.size) {
                    best = Some(n);
                }
            } else if n.kind.is_container() {
                queue.push(n.handle);
            }
        }
    }
    best
}

fn human_wait(secs: u64) -> String {
    if secs >= 3600 {
        format!("{} h {} min", secs / 3600, (secs % 3600) / 60)
    } else if secs >= 60 {
        format!("{} min {} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

/// `us0`, then (with a password) one real login attempt, explained.
async fn account_checks(
    state: Option<&StateDir>,
    url: &str,
    email: &str,
    req: &Request,
    block_reason: Option<i64>,
) -> Vec<Check> {
    let mut out = Vec::new();
    let who = crate::ui::terminal_safe(email).into_owned();
    let client = match client(url) {
        Ok(c) => c,
        Err(_) => return out,
    };
    let version = match client.prelogin(email).await {
        Ok(v) => {
            let text = match &v {
                AccountVersion::V1 => "v1 (old key derivation: AES rounds on the password)",
                AccountVersion::V2 { .. } => "v2 (PBKDF2-SHA512)",
            };
            out.push(ok("prelogin", format!("{who}: account version {text}")));
            Some(v)
        }
        Err(e) => {
            let lc = LoginContext {
                stats: client.stats(),
                ..Default::default()
            };
            let x = explain::login_failure(&e, &lc);
            out.push(fail(
                "prelogin",
                format!("{}: {}", x.headline, x.why),
                x.advice,
                x.exit,
            ));
            return out;
        }
    };
    let Some(password) = &req.login_password else {
        return out;
    };
    if let Some(st) = state {
        if let Err(e) = session::check_login_rate(st, email, req.force) {
            out.push(warn(
                "login",
                format!("not attempted: {e}"),
                "wait 3 seconds (or pass --force)",
            ));
            return out;
        }
    }
    let result = client
        .login(email, password, req.auth_code.as_deref())
        .await;
    if let Some(st) = state {
        let _ = session::record_login(st, &LoginRecord::of(email, url, &result));
    }
    let stats = client.stats();
    let mut notes = Vec::new();
    if stats.hashcash_solved > 0 {
        notes.push(format!(
            "{} hashcash challenge(s) solved",
            stats.hashcash_solved
        ));
    }
    if !stats.retried.is_empty() {
        notes.push(format!("retried after {}", stats.retried.join(", ")));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    match result {
        Ok(_) => {
            // A blocked account still gets a session; only later requests say -16.
            let blocked = client.why_blocked().await.ok().filter(|r| *r != 0);
            // The attempt's own session is closed again: diagnose leaves nothing open.
            let _ = client.logout().await;
            match blocked {
                None => out.push(ok("login", format!("login as {who} works{notes}"))),
                Some(r) => {
                    let lc = LoginContext {
                        block_reason: Some(r),
                        ..Default::default()
                    };
                    let x = explain::login_failure(&api::Error::Mega(ErrorCode::EBlocked), &lc);
                    out.push(fail(
                        "login",
                        format!("{}: {}{notes}", x.headline, x.why),
                        x.advice,
                        x.exit,
                    ));
                }
            }
        }
        Err(e) => {
            let lc = LoginContext {
                version,
                non_ascii_password: !password.is_ascii(),
                mfa_given: req.auth_code.is_some(),
                stats,
                block_reason,
            };
            let x = explain::login_failure(&e, &lc);
            out.push(fail(
                "login",
                format!("{}: {}{notes}", x.headline, x.why),
                x.advice,
                x.exit,
            ));
        }
    }
    out
}

/// How many logins this account made recently, against what is known to trigger blocks.
pub fn pacing_check(records: &[LoginRecord], email: &str, now_ms: u64) -> Check {
    let account = email.trim().to_lowercase();
    let mine: Vec<&LoginRecord> = records.iter().filter(|r| r.account == account).collect();
    let within = |ms: u64| {
        mine.iter()
            .filter(|r| now_ms.saturating_sub(r.time_ms) < ms)
            .count()
    };
    let (minute, hour, day) = (within(60_000), within(3_600_000), within(86_400_000));
    let next_in = mine
        .iter()
        .map(|r| r.time_ms)
        .max()
        .map(|t| (t + LOGIN_INTERVAL_MS).saturating_sub(now_ms))
        .unwrap_or(0);
    let next = if next_in == 0 {
        "the next login is allowed now".to_string()
    } else {
        format!(
            "the next login is allowed in {:.1} s",
            next_in as f64 / 1000.0
        )
    };
    let counts = format!(
        "{minute} login(s) in the last minute, {hour} in the last hour, {day} in the last day (MEGA has blocked accounts after about {LOGINS_PER_DAY_DANGER} in quick succession)"
    );
    let advice = "log in once and let every command reuse the saved session (megash does this by itself); avoid scripts that log in per command";
    // Refused for too many logins (-6) the last time(s): locked out, whatever the pacing.
    let mut latest_first = mine.clone();
    latest_first.sort_by_key(|r| std::cmp::Reverse(r.time_ms));
    let refused = latest_first
        .iter()
        .take_while(|r| r.code == Some(ErrorCode::ETooMany.code()))
        .count();
    if refused > 0 {
        let ago = now_ms.saturating_sub(latest_first[0].time_ms) / 1000;
        return fail(
            "login-pacing",
            format!(
                "the account is locked out of logins: MEGA refused the last {refused} attempt(s) with -6 (too many logins), the latest {ago} s ago; MEGA does not say how long a lockout lasts (reports range from minutes to hours). {counts}"
            ),
            "wait at least an hour before the next login, then log in once and let every command reuse the saved session",
            6,
        );
    }
    let message = format!("{counts}; {next}");
    if day >= LOGINS_PER_DAY_DANGER {
        fail("login-pacing", message, advice, 6)
    } else if hour >= LOGINS_PER_HOUR_WARN {
        warn("login-pacing", message, advice)
    } else {
        ok("login-pacing", message)
    }
}

async fn quota_check(c: &Client) -> Check {
    match c.quota().await {
        Ok(q) => {
            let used = crate::ui::size_to_text(q.storage_used, true, false);
            let max = crate::ui::size_to_text(q.storage_max, true, false);
            let mut msg = format!("storage {used} used of {max}");
            if let (Some(u), Some(m)) = (q.transfer_used, q.transfer_max) {
                msg.push_str(&format!(
                    ", transfer {} used of {}",
                    crate::ui::size_to_text(u, true, false),
                    crate::ui::size_to_text(m, true, false)
                ));
            }
            if q.storage_max > 0 && q.storage_used >= q.storage_max {
                warn(
                    "quota",
                    msg,
                    "free space (empty the rubbish bin: files there count) or upgrade",
                )
            } else if q.storage_max > 0 && q.storage_used * 10 >= q.storage_max * 9 {
                warn(
                    "quota",
                    msg,
                    "storage is over 90% full: uploads will soon fail",
                )
            } else {
                ok("quota", msg)
            }
        }
        Err(e) => warn("quota", format!("uq failed: {e}"), "see the checks above"),
    }
}

/// The exit status: 0 when nothing failed, else the first failure's code.
pub fn exit_code(checks: &[Check]) -> u8 {
    checks
        .iter()
        .find(|c| c.status == Status::Fail)
        .map_or(0, |c| c.code.unwrap_or(59))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(t: u64, who: &str) -> LoginRecord {
        LoginRecord {
            time_ms: t,
            account: who.into(),
            api_url: String::new(),
            result: "ok".into(),
            code: None,
        }
    }

    #[test]
    fn pacing_counts_windows_and_next_login() {
        let now = 100_000_000;
        let records = vec![
            rec(now - 1000, "a@b.c"),
            rec(now - 120_000, "a@b.c"),
            rec(now - 10, "x@y.z"),
        ];
        let c = pacing_check(&records, "A@b.c", now);
        assert_eq!(c.status, Status::Ok);
        assert!(
            c.message.starts_with(
                "1 login(s) in the last minute, 2 in the last hour, 2 in the last day"
            ),
            "{}",
            c.message
        );
        assert!(c.message.ends_with("allowed in 2.0 s"), "{}", c.message);
        let many: Vec<LoginRecord> = (0..95).map(|i| rec(now - i * 60_000, "a@b.c")).collect();
        let c = pacing_check(&many, "a@b.c", now);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(exit_code(&[c]), 6);
    }

    #[test]
    fn a_login_lockout_is_reported_as_one() {
        let now = 100_000_000;
        let mut records: Vec<LoginRecord> = (0..4)
            .map(|i| rec(now - 60_000 + i * 1000, "a@b.c"))
            .collect();
        for i in 0..4 {
            let mut r = rec(now - 30_000 + i * 1000, "a@b.c");
            r.result = "Too many".into();
            r.code = Some(-6);
            records.push(r);
        }
        let c = pacing_check(&records, "a@b.c", now);
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("locked out"), "{}", c.message);
        assert!(c.message.contains("last 4 attempt(s)"), "{}", c.message);
        assert!(
            !c.message.contains("next login is allowed"),
            "{}",
            c.message
        );
        assert_eq!(exit_code(&[c]), 6);
        // A login that worked since ends the lockout.
        records.push(rec(now - 10, "a@b.c"));
        assert_ne!(pacing_check(&records, "a@b.c", now).status, Status::Fail);
    }

    #[test]
    fn proxies_lose_their_credentials() {
        assert_eq!(
            api::proxy::redact("http://u:p@proxy:3128"),
            "http://***@proxy:3128"
        );
        assert_eq!(api::proxy::redact("proxy:3128"), "proxy:3128");
    }
}
