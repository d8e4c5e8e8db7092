//! Test harness: a megasim child process on an ephemeral loopback port with a temporary
//! data directory, plus helpers to run its CLI and set its fault knobs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Path of the megasim binary cargo built for this test run.
pub fn megasim_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_megasim"))
}

/// Path of the megash binary cargo built for this test run.
pub fn megash_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_megash"))
}

/// A running megasim. Killed when dropped; its data directory is removed with it.
pub struct Sim {
    child: Child,
    /// Base URL with a trailing slash, e.g. `http://127.0.0.1:40123/`.
    pub url: String,
    pub data: tempfile::TempDir,
}

impl Sim {
    /// Start megasim on 127.0.0.1:0 with a fresh data directory.
    pub fn start() -> Sim {
        Self::start_with(&[])
    }

    /// Start megasim with extra `serve` flags (e.g. fault knobs).
    pub fn start_with(extra: &[&str]) -> Sim {
        let data = tempfile::tempdir().expect("tempdir");
        Self::start_in(data, extra)
    }

    /// Start megasim on an existing data directory (restart tests).
    pub fn start_in(data: tempfile::TempDir, extra: &[&str]) -> Sim {
        let mut child = Command::new(megasim_bin())
            .arg("serve")
            .arg("--data")
            .arg(data.path())
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn megasim");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        // Keep draining stdout after the first line so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let mut sent = false;
            while let Some(Ok(line)) = lines.next() {
                if !sent {
                    if let Some(url) = line.strip_prefix("megasim listening on ") {
                        let _ = tx.send(url.trim().to_string());
                        sent = true;
                    }
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("megasim did not print its listening line within 60 s");
            }
        };
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "{url}"
        );
        Sim { child, url, data }
    }

    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Run `megasim ARGS... --data DIR` and return its output.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(megasim_bin())
            .args(args)
            .arg("--data")
            .arg(self.data.path())
            .output()
            .expect("run megasim")
    }

    /// `megasim user add EMAIL PASSWORD [extra]`, asserting success.
    pub fn add_user(&self, email: &str, password: &str, extra: &[&str]) {
        let mut args = vec!["user", "add", email, password];
        args.extend_from_slice(extra);
        let out = self.cli(&args);
        assert!(
            out.status.success(),
            "megasim user add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Merge fault knobs into the running server's settings (admin endpoint).
    pub async fn set_faults(&self, knobs: serde_json::Value) {
        let resp = reqwest::Client::new()
            .post(format!("{}_admin/faults", self.url))
            .json(&knobs)
            .send()
            .await
            .expect("admin endpoint");
        assert!(resp.status().is_success(), "set faults: {}", resp.status());
    }

    /// Reset all fault knobs to off.
    pub async fn clear_faults(&self) {
        let resp = reqwest::Client::new()
            .delete(format!("{}_admin/faults", self.url))
            .send()
            .await
            .expect("admin endpoint");
        assert!(
            resp.status().is_success(),
            "clear faults: {}",
            resp.status()
        );
    }

    /// Stop the server and hand back its data directory (for restart tests).
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let data = tempfile::tempdir().expect("tempdir");
        std::mem::replace(&mut self.data, data)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
