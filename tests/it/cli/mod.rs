//! The command-line faces through the real binary: `megash CMD`, `mega-CMD` (argv[0] through a
//! symlink), batch mode (piped stdin and `-f`), install-commands and the completion scripts.
//! Each run gets its own state folder and HOME; stdout, stderr and exit code are compared
//! together as one snapshot.

mod attr;
mod backup;
mod batch;
mod big_file;
mod cancel;
mod cat;
mod cd;
mod clear;
mod completions;
mod configure;
mod confirm;
mod confirmcancel;
mod cp;
mod cp_local;
mod debug;
mod dedupe;
mod deleteversions;
mod df;
mod diagnose;
mod dispatch;
mod du;
mod errorcode;
mod export;
mod faces;
mod find;
mod get;
mod graphics;
mod guarantees;
mod help;
mod history;
mod https;
mod import;
mod install_commands;
mod killsession;
mod lcd;
mod link;
mod log;
mod login;
mod logout;
mod lpwd;
mod ls;
mod masterkey;
mod mediainfo;
mod mkdir;
mod mount;
mod mv;
mod passwd;
mod permissions;
mod preview;
mod proxy;
mod psa;
mod put;
mod pwd;
mod quit;
mod reload;
mod restore;
mod rm;
mod serve;
mod session;
mod shell;
mod signup;
mod speedlimit;
mod sync;
mod sync_faults;
mod sync_ignore;
mod sync_issues;
mod thumbnail;
mod transfers;
mod tree;
mod userattr;
mod version;

mod whoami;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::{megash_bin, Sim};

/// A hermetic environment: private HOME and MEGASH_HOME, no colour, and no API URL unless
/// one is set (then megash talks to that megasim).
pub struct Env {
    pub home: tempfile::TempDir,
    pub api_url: Option<String>,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().expect("tempdir"),
            api_url: None,
        }
    }

    /// An environment pointed at `sim` (MEGA_API_URL), nobody logged in.
    pub fn with_sim(sim: &Sim) -> Env {
        Env {
            api_url: Some(sim.url.clone()),
            ..Env::new()
        }
    }

    /// The state folder megash uses in this environment.
    pub fn state_dir(&self) -> PathBuf {
        self.home.path().join("state")
    }

    /// A command for `program` with the hermetic environment.
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("HOME", self.home.path())
            .env("MEGASH_HOME", self.state_dir())
            .env("NO_COLOR", "1")
            .env_remove("MEGA_API_URL")
            .env_remove("MEGA_PASSWORD")
            .env_remove("XDG_CONFIG_HOME")
            .env("TZ", "UTC")
            .env("COLUMNS", "80")
            // Sync tests write a file and sync it at once: no settling time.
            .env("MEGASH_SYNC_SETTLE_MS", "0")
            .current_dir(self.home.path())
            .stdin(Stdio::null());
        if let Some(url) = &self.api_url {
            cmd.env("MEGA_API_URL", url);
        }
        cmd
    }

    /// `megash ARGS` with stdin closed.
    pub fn run(&self, args: &[&str]) -> String {
        snapshot(
            self.command(&megash_bin())
                .args(args)
                .output()
                .expect("run megash"),
        )
    }

    /// The public link of `path` (`megash link PATH`).
    pub fn link(&self, path: &str) -> String {
        let out = self.run(&["link", path]);
        out.lines()
            .nth(2)
            .unwrap_or_else(|| panic!("no link in {out}"))
            .to_string()
    }

    /// `megash ARGS` with `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> String {
        run_with_input(self.command(&megash_bin()).args(args), input)
    }

    /// The binary called through a link named `name` (e.g. `mega-ls`), as install-commands
    /// makes them.
    pub fn run_as(&self, name: &str, args: &[&str]) -> String {
        let dir = self.home.path().join("bin");
        std::fs::create_dir_all(&dir).expect("bin dir");
        let link = dir.join(name);
        if !link.exists() {
            std::os::unix::fs::symlink(megash_bin(), &link).expect("symlink");
        }
        snapshot(self.command(&link).args(args).output().expect("run link"))
    }
}

/// Run with `input` written to stdin (from a thread, so a large output cannot deadlock).
pub fn run_with_input(cmd: &mut Command, input: &str) -> String {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn megash");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    snapshot(out)
}

/// Exit code, stdout and stderr as one text to compare.
pub fn snapshot(out: Output) -> String {
    let code = match out.status.code() {
        Some(c) => c.to_string(),
        None => "signal".to_string(),
    };
    format!(
        "exit: {code}\n--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The snapshot of a run with only stdout.
pub fn ok(stdout: &str) -> String {
    format!("exit: 0\n--- stdout\n{stdout}--- stderr\n")
}

/// The test account's credentials.
pub const EMAIL: &str = "user@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// A megasim with the test account, a tree made through the API library (not through the
/// commands under test), and a megash environment logged in to it.
pub struct World {
    pub sim: Sim,
    pub env: Env,
    /// Logins the fixture made (each `fixture` call logs in once).
    fixture_logins: std::cell::Cell<usize>,
}

impl World {
    /// `paths`: folders end in `/`, files hold their own path as content. Parents first.
    pub fn new(paths: &[&str]) -> World {
        let sim = Sim::start();
        sim.add_user(EMAIL, PASSWORD, &[]);
        fixture(&sim, paths);
        let env = Env::with_sim(&sim);
        let out = env.run(&["login", EMAIL, PASSWORD]);
        assert_eq!(out, ok(""), "login");
        World {
            sim,
            env,
            fixture_logins: std::cell::Cell::new(usize::from(!paths.is_empty())),
        }
    }

    /// `megash ARGS`.
    pub fn run(&self, args: &[&str]) -> String {
        self.env.run(args)
    }

    /// Add more nodes from outside megash (another client), like `World::new`.
    pub fn add(&self, paths: &[&str]) {
        fixture(&self.sim, paths);
        self.fixture_logins
            .set(self.fixture_logins.get() + usize::from(!paths.is_empty()));
    }

    /// Logins megash made (megasim's count minus the fixture's).
    pub fn megash_logins(&self) -> usize {
        self.logins() - self.fixture_logins.get()
    }

    /// The account as another client sees it (a library login and full fetch, counted as a
    /// fixture login): every node's path with names escaped as megash paths, folders ending
    /// in `/`, the rubbish bin as `//bin`, sorted.
    pub fn server_paths(&self) -> Vec<String> {
        self.fixture_logins.set(self.fixture_logins.get() + 1);
        server_paths(&self.sim)
    }

    /// Logins megasim has recorded for the test account.
    pub fn logins(&self) -> usize {
        let out = self.sim.cli(&["user", "list"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.lines()
            .find(|l| l.contains(EMAIL))
            .and_then(|l| l.split_whitespace().find_map(|w| w.strip_prefix("logins=")))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no login count in: {text}"))
    }
}

/// See [`World::server_paths`].
pub fn server_paths(sim: &Sim) -> Vec<String> {
    use megash::api::NodeType;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let nodes = rt.block_on(async {
        let c = megash::api::Client::new(&sim.url).expect("client");
        c.login(EMAIL, PASSWORD, None).await.expect("login");
        c.fetch_nodes().await.expect("fetch").nodes
    });
    let by_handle: std::collections::HashMap<_, _> = nodes.iter().map(|n| (n.handle, n)).collect();
    let mut out = Vec::new();
    for n in &nodes {
        if n.kind.is_root() {
            continue;
        }
        let mut parts = vec![megash::cache::escape_name(n.name.as_deref().unwrap_or("?"))];
        let mut cur = n.parent.and_then(|p| by_handle.get(&p));
        let mut prefix = "";
        while let Some(p) = cur {
            match p.kind {
                NodeType::Root => break,
                NodeType::Rubbish => {
                    prefix = "//bin";
                    break;
                }
                NodeType::Inbox => {
                    prefix = "//in";
                    break;
                }
                _ => parts.push(megash::cache::escape_name(p.name.as_deref().unwrap_or("?"))),
            }
            cur = p.parent.and_then(|h| by_handle.get(&h));
        }
        parts.reverse();
        let slash = if n.kind == NodeType::Folder { "/" } else { "" };
        out.push(format!("{prefix}/{}{slash}", parts.join("/")));
    }
    out.sort();
    out
}

/// The handle (`H:...`) of the one node at `path`, from `megash ls --json`.
pub fn handle_of(w: &World, path: &str) -> String {
    let out = w.run(&["ls", "--json", path]);
    let line = out.lines().nth(2).unwrap_or_else(|| panic!("{out}"));
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("{out}"));
    v["results"][0]["handle"]
        .as_str()
        .unwrap_or_else(|| panic!("{out}"))
        .to_string()
}

/// Names of megash's partial-download files anywhere below `dir`.
pub fn part_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.contains("megash-part") {
            found.push(name);
        }
        if e.path().is_dir() {
            found.extend(part_files(&e.path()));
        }
    }
    found
}

/// The snapshot of a failed run with only stderr.
pub fn err(code: u8, stderr: &str) -> String {
    format!("exit: {code}\n--- stdout\n--- stderr\n{stderr}")
}

/// Create folders and files in the test account through the library.
pub fn fixture(sim: &Sim, paths: &[&str]) {
    if paths.is_empty() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let c = megash::api::Client::new(&sim.url).expect("client");
        c.login(EMAIL, PASSWORD, None).await.expect("login");
        let tmp = tempfile::tempdir().expect("tmp");
        let mut known: std::collections::HashMap<String, megash::api::Handle> =
            std::collections::HashMap::new();
        let nodes = c.fetch_nodes().await.expect("fetch").nodes;
        let root = nodes
            .iter()
            .find(|n| n.kind == megash::api::NodeType::Root)
            .expect("root")
            .handle;
        known.insert(String::new(), root);
        for n in &nodes {
            if n.kind == megash::api::NodeType::Folder && n.parent == Some(root) {
                if let Some(name) = &n.name {
                    known.insert(name.clone(), n.handle);
                }
            }
        }
        for p in paths {
            let folder = p.ends_with('/');
            let p = p.trim_matches('/');
            let (parent, name) = match p.rfind('/') {
                Some(i) => (&p[..i], &p[i + 1..]),
                None => ("", p),
            };
            let parent = *known
                .get(parent)
                .unwrap_or_else(|| panic!("no parent for {p}"));
            if folder {
                let n = c.create_folder(parent, name).await.expect("mkdir");
                known.insert(p.to_string(), n.handle);
            } else {
                let local = tmp.path().join("f");
                std::fs::write(&local, p.as_bytes()).expect("write");
                c.upload_file(parent, &local, Some(name))
                    .await
                    .expect("upload");
            }
        }
    });
}

/// The links megasim "mailed" to `to` (sign-up confirmations, cancellations), oldest first,
/// from its `/_admin/mail` list.
pub fn mailed(sim: &Sim, to: &str) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let list: serde_json::Value = rt.block_on(async {
        reqwest::get(format!("{}_admin/mail", sim.url))
            .await
            .expect("mailbox")
            .json()
            .await
            .expect("mailbox JSON")
    });
    list.as_array()
        .expect("a list")
        .iter()
        .filter(|m| m["to"] == to)
        .map(|m| m["link"].as_str().unwrap_or_default().to_string())
        .collect()
}
