//! The interactive shell under a pseudo-terminal (util-linux `script` provides it): prompt,
//! commands, errors, Ctrl-C on the line being typed, Ctrl-D, history saved in the state folder.
//! Each line is sent only after the prompt shows, as a person would type.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::Env;
use crate::support::megash_bin;

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
        let mut child = env
            .command(std::path::Path::new("script"))
            .args(["-qfec", megash_bin().to_str()?, "/dev/null"])
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
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(i) = self.seen.find(text) {
                let before = self.seen[..i].to_string();
                self.seen.drain(..i + text.len());
                return before;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                Err(_) => panic!("timed out waiting for {text:?}; got {:?}", self.seen),
            }
        }
    }

    pub(super) fn send(&mut self, bytes: &str) {
        self.stdin.write_all(bytes.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }
}

#[test]
fn prompt_commands_ctrl_c_ctrl_d_and_saved_history() {
    let env = Env::new();
    let Some(mut pty) = Pty::start(&env) else {
        return;
    };
    pty.expect("MEGA CMD> ");
    pty.send("errorcode 53\r");
    pty.expect("Resource not found");
    pty.expect("MEGA CMD> ");
    pty.send("frob\r");
    pty.expect("Command not found: frob");
    pty.expect("MEGA CMD> ");
    // Ctrl-C drops the line being typed; the shell carries on.
    pty.send("errorcode 9 and junk\x03");
    pty.expect("MEGA CMD> ");
    pty.send("help err\t\r");
    pty.expect("Usage: errorcode number");
    pty.expect("MEGA CMD> ");
    pty.send("history\r");
    let listing = pty.expect("MEGA CMD> ");
    assert!(listing.contains("   2  help errorcode"), "{listing:?}");
    // Ctrl-D on an empty line leaves.
    pty.send("\x04");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = pty.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the shell did not exit on Ctrl-D"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    let history = std::fs::read_to_string(env.state_dir().join("history")).unwrap();
    assert_eq!(
        history,
        "#V2\nerrorcode 53\nfrob\nhelp errorcode\nhistory\n"
    );
}
