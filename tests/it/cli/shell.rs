//! The interactive shell under a pseudo-terminal (util-linux `script` provides it): the prompt
//! and how it follows login, cd and logout; errors; Ctrl-C on the line being typed and on a
//! running command; Ctrl-D; history saved in the state folder and recalled by the next run;
//! Tab completion of command names, flags, remote paths (names with spaces) and local paths.
//! Also `megash __complete`, which the completion scripts call, answering with no server.
//! Each line is sent only after the prompt shows, as a person would type.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::{ok, Env, World, EMAIL, PASSWORD};
use crate::support::megash_bin;

/// How long any one expected text may take to show.
const WAIT: Duration = Duration::from_secs(10);

pub(super) struct Pty {
    child: Child,
    stdin: ChildStdin,
    output: Receiver<Vec<u8>>,
    seen: String,
}

impl Pty {
    pub(super) fn start(env: &Env) -> Option<Pty> {
        if std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("skipping: no `script` (util-linux) for a pseudo-terminal");
            return None;
        }
        // `exec`: a shell left in between would take the Ctrl-C a running command gets.
        let run = format!("exec '{}'", megash_bin().to_str()?.replace('\'', "'\\''"));
        let mut child = env
            .command(std::path::Path::new("script"))
            .args(["-qfec", &run, "/dev/null"])
            .env("SHELL", "/bin/sh")
            .env("TERM", "xterm")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take()?;
        let mut stdout = child.stdout.take()?;
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Some(Pty {
            child,
            stdin,
            output,
            seen: String::new(),
        })
    }

    /// Wait until `text` has appeared since the last call; returns what came before it.
    pub(super) fn expect(&mut self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(found) = self.take_until(text) {
                return found;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                Err(_) => panic!("timed out waiting for {text:?}; got {:?}", self.seen),
            }
        }
    }

    fn take_until(&mut self, text: &str) -> Option<String> {
        let i = self.seen.find(text)?;
        let before = self.seen[..i].to_string();
        self.seen.drain(..i + text.len());
        Some(before)
    }

    pub(super) fn send(&mut self, bytes: &str) {
        self.stdin.write_all(bytes.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Wait for the line editor to read a new line (it switches bracketed paste on each time)
    /// and show `prompt`; returns what came before, the last command's output. The prompt
    /// alone proves nothing: the editor redraws it after Tab, for one. Keys sent earlier may
    /// be dropped by the editor, which is why each line waits for this.
    fn prompt(&mut self, prompt: &str) -> String {
        let output = self.expect(READY);
        self.expect(prompt);
        output
    }

    /// Ctrl-D on an empty line, then wait for the exit.
    fn ctrl_d(mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        let mut next_key = Instant::now();
        loop {
            // Again now and then: a key can be lost while the editor starts (see `prompt`).
            if Instant::now() >= next_key {
                self.send("\x04");
                next_key = Instant::now() + Duration::from_millis(500);
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the shell did not exit on Ctrl-D"
            );
            // Nothing to block on for a child's exit without a signal handler: poll.
            let _ = self.output.recv_timeout(Duration::from_millis(20));
        }
    }
}

impl Pty {
    /// Wait for the shell to exit by itself (after a line that makes it leave).
    pub(super) fn wait_exit(mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the shell did not exit");
            let _ = self.output.recv_timeout(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A failed test must not leave the shell behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PROMPT: &str = "user@example.com:/$ ";

/// What the line editor writes when it starts reading a line (bracketed paste on).
const READY: &str = "\x1b[?2004h";

#[test]
fn prompt_commands_ctrl_c_ctrl_d_and_saved_history() {
    let env = Env::new();
    let Some(mut pty) = Pty::start(&env) else {
        return;
    };
    pty.prompt("MEGA CMD> ");
    pty.send("errorcode 53\r");
    pty.expect("Resource not found");
    pty.prompt("MEGA CMD> ");
    pty.send("frob\r");
    pty.expect("Command not found: frob");
    pty.prompt("MEGA CMD> ");
    // Ctrl-C drops the line being typed; the shell carries on.
    pty.send("errorcode 9 and junk\x03");
    pty.prompt("MEGA CMD> ");
    pty.send("help err\t\r");
    pty.expect("Usage: errorcode number");
    pty.prompt("MEGA CMD> ");
    pty.send("history\r");
    let listing = pty.prompt("MEGA CMD> ");
    assert!(listing.contains("   2  help errorcode"), "{listing:?}");
    assert!(pty.ctrl_d().success());
    let history = std::fs::read_to_string(env.state_dir().join("history")).unwrap();
    assert_eq!(
        history,
        "#V2\nerrorcode 53\nfrob\nhelp errorcode\nhistory\n"
    );
}

#[test]
fn history_is_recalled_by_the_next_run() {
    let env = Env::new();
    let Some(mut first) = Pty::start(&env) else {
        return;
    };
    first.prompt("MEGA CMD> ");
    first.send("errorcode 53\r");
    first.expect("Resource not found");
    first.prompt("MEGA CMD> ");
    first.send("errorcode 0\r");
    first.expect("Everything OK");
    first.prompt("MEGA CMD> ");
    assert!(first.ctrl_d().success());

    let mut second = Pty::start(&env).unwrap();
    second.prompt("MEGA CMD> ");
    // Up twice: the first run's first line.
    second.send("\x1b[A\x1b[A\r");
    second.expect("Resource not found");
    second.prompt("MEGA CMD> ");
    second.send("history\r");
    let listing = second.prompt("MEGA CMD> ");
    for line in [
        "   0  errorcode 53",
        "   1  errorcode 0",
        "   2  errorcode 53",
    ] {
        assert!(listing.contains(line), "{line:?} in {listing:?}");
    }
    assert!(second.ctrl_d().success());
}

#[test]
fn prompt_follows_login_cd_and_logout() {
    let sim = crate::support::Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    super::fixture(&sim, &["Docs/", "Docs/Deep/"]);
    let env = Env::with_sim(&sim);
    let Some(mut pty) = Pty::start(&env) else {
        return;
    };
    pty.prompt("MEGA CMD> ");
    pty.send(&format!("login {EMAIL} '{PASSWORD}'\r"));
    pty.prompt(PROMPT);
    pty.send("cd Docs/Deep\r");
    pty.prompt("user@example.com:/Docs/Deep$ ");
    pty.send("cd ..\r");
    pty.prompt("user@example.com:/Docs$ ");
    pty.send("logout\r");
    pty.prompt("MEGA CMD> ");
    pty.send("pwd\r");
    pty.expect("Not logged in");
    pty.prompt("MEGA CMD> ");
    assert!(pty.ctrl_d().success());
    // The login line, which holds the password, is not written to the saved history.
    let history = std::fs::read_to_string(env.state_dir().join("history")).unwrap();
    assert_eq!(history, "#V2\ncd Docs/Deep\ncd ..\nlogout\npwd\n");

    // A new shell starts with the saved session's prompt and folder.
    assert_eq!(env.run(&["login", "--force", EMAIL, PASSWORD]), ok(""));
    assert_eq!(env.run(&["cd", "Docs"]), ok(""));
    let mut pty = Pty::start(&env).unwrap();
    pty.prompt("user@example.com:/Docs$ ");
    assert!(pty.ctrl_d().success());
}

/// The names in `dir`, sorted.
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn ctrl_c_cancels_a_running_command_not_the_shell() {
    let w = World::new(&["Docs/"]);
    let home = w.env.home.path().to_path_buf();
    // Larger than a small file (those are fetched whole, with no part file to resume).
    let data: Vec<u8> = (0..(2u32 << 20)).map(|i| (i % 251) as u8).collect();
    std::fs::create_dir(home.join("src")).unwrap();
    std::fs::write(home.join("src/a.bin"), &data).unwrap();
    assert_eq!(
        w.run(&["put", "src/a.bin", "/Docs/"]),
        super::ok("Upload finished: src/a.bin\n")
    );
    let before = names_in(&home);
    let Some(mut pty) = Pty::start(&w.env) else {
        return;
    };
    pty.prompt(PROMPT);
    // Every request now takes a second: `get` is caught between creating its hidden part
    // file and receiving the data.
    let faults = |ms: &str| {
        let out = w.sim.cli(&["faults", "--latency-ms", ms]);
        assert!(out.status.success(), "{out:?}");
    };
    faults("1000");
    pty.send("get Docs/a.bin\r");
    let part = home.join(".a.bin.megash-part");
    let deadline = Instant::now() + WAIT;
    while !part.exists() {
        assert!(
            Instant::now() < deadline,
            "get never started: {:?}",
            pty.seen
        );
        let _ = pty.output.recv_timeout(Duration::from_millis(10));
    }
    pty.send("\x03");
    pty.prompt(PROMPT);
    faults("0");
    // Nothing under the file's name; the hidden part (and its journal) stays for a resume.
    let after: Vec<String> = names_in(&home)
        .into_iter()
        .filter(|n| !before.contains(n))
        .collect();
    assert!(
        !after.is_empty() && after.iter().all(|n| n.starts_with(".a.bin.megash-part")),
        "{after:?}"
    );
    // The shell carries on, and the same session finishes the download.
    pty.send("errorcode 0\r");
    pty.expect("Everything OK");
    pty.prompt(PROMPT);
    pty.send("get Docs/a.bin\r");
    pty.prompt(PROMPT);
    assert!(std::fs::read(home.join("a.bin")).unwrap() == data);
    let left: Vec<String> = names_in(&home)
        .into_iter()
        .filter(|n| !before.contains(n))
        .collect();
    assert_eq!(left, ["a.bin"]);
    let status = pty.ctrl_d();
    assert!(status.success(), "{status:?}");
}

#[test]
fn tab_completes_commands_and_flags() {
    let env = Env::new();
    let Some(mut pty) = Pty::start(&env) else {
        return;
    };
    pty.prompt("MEGA CMD> ");
    pty.send("errorc\t53\r");
    pty.expect("Resource not found");
    pty.prompt("MEGA CMD> ");
    pty.send("errorcode --he\t\r");
    pty.expect("Usage: errorcode number");
    pty.prompt("MEGA CMD> ");
    // Two candidates: the second Tab lists them.
    pty.send("mkdir -\t\t");
    let listing = pty.expect("--help");
    assert!(listing.contains("-p"), "{listing:?}");
    pty.send("\x03");
    pty.prompt("MEGA CMD> ");
    assert!(pty.ctrl_d().success());
}

#[test]
fn tab_completes_remote_names_with_spaces() {
    let w = World::new(&["Docs/", "My Files/", "My Files/a b.txt"]);
    let Some(mut pty) = Pty::start(&w.env) else {
        return;
    };
    pty.prompt(PROMPT);
    pty.send("cat My\t");
    pty.expect("My\\ Files/");
    pty.send("a\t\r");
    // The file holds its own path; the line typed shows only the escaped name.
    pty.expect("My Files/a b.txt");
    pty.prompt(PROMPT);
    // A quoted start completes too, into a word that works.
    pty.send("cd \"My F\t\r");
    pty.prompt("user@example.com:/My Files$ ");
    assert!(pty.ctrl_d().success());
}

#[test]
fn tab_completes_local_paths() {
    let env = Env::new();
    std::fs::create_dir(env.home.path().join("some dir")).unwrap();
    std::fs::write(env.home.path().join("some dir/file"), "x").unwrap();
    let Some(mut pty) = Pty::start(&env) else {
        return;
    };
    pty.prompt("MEGA CMD> ");
    pty.send("lcd so\t\r");
    pty.prompt("MEGA CMD> ");
    pty.send("lpwd\r");
    let out = pty.prompt("MEGA CMD> ");
    assert!(out.contains("/some dir\r\n"), "{out:?}");
    assert!(pty.ctrl_d().success());
}

#[test]
fn complete_callback_answers_from_the_cache_without_the_server() {
    let w = World::new(&["Docs/", "My Files/", "My Files/a b.txt", "notes.txt"]);
    let World { sim, env, .. } = w;
    drop(sim.stop());
    let started = Instant::now();
    assert_eq!(env.run(&["__complete", "cat", "My"]), ok("My\\ Files/\n"));
    assert_eq!(
        env.run(&["__complete", "cat", "My\\ Files/"]),
        ok("My\\ Files/a\\ b.txt\n")
    );
    assert_eq!(
        env.run(&["__complete", "cd", ""]),
        ok("Docs/\nMy\\ Files/\n")
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn pasted_lines_and_type_ahead_all_run_in_order() {
    let env = Env::new();
    std::fs::create_dir(env.home.path().join("Videos")).unwrap();
    let Some(mut pty) = Pty::start(&env) else {
        return;
    };
    pty.prompt("MEGA CMD> ");
    // Three lines in one write, as a paste or fast typing delivers them.
    pty.send("errorcode 9\rerrorcode 53\rerrorcode 51\r");
    pty.expect("Not found");
    pty.expect("Resource not found");
    pty.expect("Wrong arguments");
    pty.prompt("MEGA CMD> ");
    // `~/` completes like any local path.
    pty.send("lcd ~/Vid\t\r");
    pty.prompt("MEGA CMD> ");
    pty.send("lpwd\r");
    let out = pty.prompt("MEGA CMD> ");
    assert!(out.contains("/Videos\r\n"), "{out:?}");
    pty.send("history\r");
    let listing = pty.prompt("MEGA CMD> ");
    assert!(
        listing.contains("errorcode 9") && listing.contains("errorcode 51"),
        "{listing:?}"
    );
    assert!(pty.ctrl_d().success());
}
