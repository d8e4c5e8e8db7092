//! The `megasim` command line: `serve`, `user add/list/block/unblock/storage/session`, `seed`,
//! `faults`.

use super::faults::{parse_hashcash, parse_login_limit, Faults};
use clap::{Args, Parser, Subcommand};
use serde_json::{Map, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "megasim",
    version,
    about = "A local server speaking MEGA's wire protocol"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage accounts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Fill an account's cloud drive with synthetic nodes.
    Seed(SeedArgs),
    /// Show or change a running server's fault knobs.
    Faults(FaultsArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Data directory (database and blobs).
    #[arg(long)]
    data: PathBuf,
    /// Address to listen on (loopback only unless --allow-remote).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Allow a non-loopback listen address.
    #[arg(long)]
    allow_remote: bool,
    /// Certificate (PEM) for transfer URLs over TLS: with it and --tls-key, `g`/`u` asked
    /// with `ssl:2` answer https URLs on a second port, as MEGA does.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Log refused requests (unknown routes, methods a route does not take) on stderr.
    #[arg(short, long)]
    verbose: bool,
    /// Seconds a client has to send a request's headers before the connection is closed.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    header_timeout: u64,
    /// Open connections at most; more are closed at once.
    #[arg(long, value_name = "N", default_value_t = 512)]
    max_connections: usize,
    #[command(flatten)]
    faults: FaultFlags,
}

#[derive(Args, Default)]
struct FaultFlags {
    /// The next N /cs requests answer -3.
    #[arg(long, value_name = "N")]
    eagain: Option<u64>,
    /// The next N /cs requests answer -4.
    #[arg(long, value_name = "N")]
    ratelimit: Option<u64>,
    /// The next N /cs requests answer HTTP 500.
    #[arg(long, value_name = "N")]
    http500: Option<u64>,
    /// Login limiter: more than MAX `us` in WINDOW seconds -> -6, locked out for LOCKOUT s.
    #[arg(long, value_name = "MAX/WINDOW/LOCKOUT")]
    login_limit: Option<String>,
    /// Answer HTTP 402 hashcash challenges with easiness E (to the next N requests).
    #[arg(long, value_name = "E[/N]")]
    hashcash: Option<String>,
    /// Downloads answer HTTP 509 with X-MEGA-Time-Left: SECS (0 = off).
    #[arg(long = "quota-509", value_name = "SECS")]
    quota_509: Option<u64>,
    /// Delay every request by MS milliseconds.
    #[arg(long, value_name = "MS")]
    latency_ms: Option<u64>,
    /// Drop the next transfer's connection after BYTES bytes.
    #[arg(long, value_name = "BYTES")]
    drop_after: Option<u64>,
}

impl FaultFlags {
    fn to_json(&self) -> Result<Map<String, Value>, String> {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<u64>| {
            if let Some(v) = v {
                m.insert(k.into(), v.into());
            }
        };
        put("eagain", self.eagain);
        put("ratelimit", self.ratelimit);
        put("http500", self.http500);
        put("bandwidth_509", self.quota_509);
        put("latency_ms", self.latency_ms);
        put("drop_after", self.drop_after);
        if let Some(l) = &self.login_limit {
            m.insert("login_limit".into(), parse_login_limit(l)?);
        }
        if let Some(h) = &self.hashcash {
            m.insert("hashcash".into(), parse_hashcash(h)?);
        }
        Ok(m)
    }
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account; prints its user handle.
    Add {
        email: String,
        password: String,
        #[arg(long)]
        data: PathBuf,
        /// Create a version-1 account (no salt).
        #[arg(long)]
        v1: bool,
        /// No RSA key pair: the account never finished its first web login.
        #[arg(long)]
        no_keys: bool,
        /// Base32 TOTP secret: enables two-factor login.
        #[arg(long, value_name = "SECRET")]
        mfa: Option<String>,
        /// Display name (default: the e-mail's local part).
        #[arg(long)]
        name: Option<String>,
        /// Storage quota (bytes, or with K, M, G or T: powers of 1024); default 20G, MEGA's
        /// free plan. Uploads and copies beyond it answer -17 (EOVERQUOTA).
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        storage: Option<i64>,
    },
    /// Set an account's storage quota (also while the server runs).
    Storage {
        email: String,
        /// Bytes, or with K, M, G or T (powers of 1024).
        #[arg(value_parser = parse_size)]
        size: i64,
        #[arg(long)]
        data: PathBuf,
    },
    /// Open a session for an account (password checked) and print its sid, for curl scripts.
    Session {
        email: String,
        password: String,
        #[arg(long)]
        data: PathBuf,
    },
    /// List accounts: e-mail, handle, version, flags, blocked, logins, storage used/quota.
    List {
        #[arg(long)]
        data: PathBuf,
    },
    /// Block an account: it still logs in, then every request answers -16 and
    /// `whyamiblocked` answers REASON (MEGA's codes: 200 copyright, 300 terms of service,
    /// 400/401 business sub-user disabled/removed, 500 SMS verification, 700 e-mail
    /// verification).
    Block {
        email: String,
        #[arg(long, default_value_t = 300)]
        reason: i64,
        #[arg(long)]
        data: PathBuf,
    },
    /// Unblock an account.
    Unblock {
        email: String,
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(Args)]
struct SeedArgs {
    email: String,
    password: String,
    #[arg(long)]
    data: PathBuf,
    /// Number of nodes to create.
    #[arg(long)]
    nodes: u64,
    /// Files per folder.
    #[arg(long, default_value_t = 10)]
    files_per_folder: u64,
}

#[derive(Args)]
struct FaultsArgs {
    #[arg(long)]
    data: PathBuf,
    /// Turn every knob off first.
    #[arg(long)]
    clear: bool,
    /// Print the current settings.
    #[arg(long)]
    show: bool,
    #[command(flatten)]
    faults: FaultFlags,
}

/// Entry point for the `megasim` program; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            eprintln!("megasim: {msg}");
            ExitCode::from(code)
        }
    }
}

type CliResult = Result<(), (u8, String)>;

fn fail(msg: impl Into<String>) -> (u8, String) {
    (1, msg.into())
}

fn run(cli: Cli) -> CliResult {
    match cli.cmd {
        Cmd::Serve(a) => {
            let listen: SocketAddr = a
                .listen
                .parse()
                .map_err(|_| (2, format!("invalid --listen address {:?}", a.listen)))?;
            if !listen.ip().is_loopback() && !a.allow_remote {
                return Err((
                    2,
                    format!(
                        "refusing to listen on non-loopback address {listen} (use --allow-remote)"
                    ),
                ));
            }
            let mut faults = Faults::default();
            faults
                .merge(&a.faults.to_json().map_err(|e| (2, e))?)
                .map_err(|e| (2, e))?;
            let options = super::server::Options {
                tls: a.tls_cert.zip(a.tls_key),
                header_timeout: std::time::Duration::from_secs(a.header_timeout.max(1)),
                max_connections: a.max_connections.max(1),
                verbose: a.verbose,
                quiet: false,
            };
            super::server::serve_with(a.data, listen, faults, options).map_err(fail)
        }
        Cmd::User { cmd } => match cmd {
            UserCmd::Add {
                email,
                password,
                data,
                v1,
                no_keys,
                mfa,
                name,
                storage,
            } => {
                let uh = super::accounts::add_user(
                    &data,
                    &super::accounts::NewUser {
                        email: &email,
                        password: &password,
                        v1,
                        no_keys,
                        mfa: mfa.as_deref(),
                        name: name.as_deref(),
                    },
                )
                .map_err(fail)?;
                if let Some(bytes) = storage {
                    super::accounts::set_storage(&data, &email, bytes).map_err(fail)?;
                }
                println!("Added {}, user handle {uh}", email.trim().to_lowercase());
                Ok(())
            }
            UserCmd::Storage { email, size, data } => {
                super::accounts::set_storage(&data, &email, size).map_err(fail)
            }
            UserCmd::Session {
                email,
                password,
                data,
            } => {
                let sid = super::accounts::open_session(&data, &email, &password).map_err(fail)?;
                println!("{sid}");
                Ok(())
            }
            UserCmd::List { data } => {
                println!("EMAIL\tHANDLE\tVERSION\tFLAGS\tBLOCKED\tLOGINS\tSTORAGE(USED/QUOTA)");
                for line in super::accounts::list_users(&data).map_err(fail)? {
                    println!("{line}");
                }
                Ok(())
            }
            UserCmd::Block {
                email,
                reason,
                data,
            } => {
                if reason == 0 {
                    return Err((2, "--reason must be non-zero".into()));
                }
                super::accounts::set_blocked(&data, &email, reason).map_err(fail)
            }
            UserCmd::Unblock { email, data } => {
                super::accounts::set_blocked(&data, &email, 0).map_err(fail)
            }
        },
        Cmd::Seed(a) => {
            let (n, took) =
                super::accounts::seed(&a.data, &a.email, &a.password, a.nodes, a.files_per_folder)
                    .map_err(fail)?;
            println!("seeded {n} nodes in {:.2} s", took.as_secs_f64());
            Ok(())
        }
        Cmd::Faults(a) => faults_cmd(a),
    }
}

/// A size in bytes: digits, optionally followed by K, M, G or T (powers of 1024).
fn parse_size(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("unknown size unit in {text:?} (K, M, G or T)")),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("not a size: {text:?}"))?;
    n.checked_mul(1 << shift)
        .filter(|b| *b >= 0)
        .ok_or_else(|| format!("size out of range: {text:?}"))
}

fn faults_cmd(a: FaultsArgs) -> CliResult {
    let base = read_url(&a.data).map_err(fail)?;
    let knobs = a.faults.to_json().map_err(|e| (2, e))?;
    let url = format!("{base}_admin/faults");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.to_string()))?;
    rt.block_on(async move {
        let client = reqwest::Client::new();
        let base = base.as_str();
        let check = |r: reqwest::Result<reqwest::Response>| async move {
            let r = r.map_err(|e| fail(format!("cannot reach megasim at {base}: {e}")))?;
            let status = r.status();
            let text = r.text().await.unwrap_or_default();
            if !status.is_success() {
                return Err(fail(format!(
                    "admin endpoint answered {status}: {}",
                    text.trim()
                )));
            }
            Ok(text)
        };
        let mut last = None;
        if a.clear {
            last = Some(check(client.delete(&url).send().await).await?);
        }
        if !knobs.is_empty() {
            last = Some(check(client.post(&url).json(&knobs).send().await).await?);
        }
        if a.show || last.is_none() {
            last = Some(check(client.get(&url).send().await).await?);
        }
        if let Some(text) = last {
            if a.show || (knobs.is_empty() && !a.clear) {
                println!("{}", text.trim());
            }
        }
        Ok(())
    })
}

fn read_url(data: &Path) -> Result<String, String> {
    let p = data.join("megasim.url");
    let s = std::fs::read_to_string(&p).map_err(|e| {
        format!(
            "cannot read {} (is megasim serving this directory?): {e}",
            p.display()
        )
    })?;
    let s = s.trim().to_string();
    Ok(if s.ends_with('/') { s } else { format!("{s}/") })
}
