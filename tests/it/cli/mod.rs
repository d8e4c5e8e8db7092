//! The command-line faces through the real binary: `megash CMD`, `mega-CMD` (argv[0] through a
//! symlink), batch mode (piped stdin and `-f`), install-commands and the completion scripts.
//! Each run gets its own state folder and HOME; stdout, stderr and exit code are compared
//! together as one snapshot.

mod batch;
mod clear;
mod completions;
mod dispatch;
mod errorcode;
mod help;
mod history;
mod install_commands;
mod lcd;
mod lpwd;
mod quit;
mod shell;
mod version;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::megash_bin;

/// A hermetic environment: private HOME and MEGASH_HOME, no colour, no API URL.
pub struct Env {
    pub home: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().expect("tempdir"),
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
            .env_remove("XDG_CONFIG_HOME")
            .current_dir(self.home.path())
            .stdin(Stdio::null());
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
