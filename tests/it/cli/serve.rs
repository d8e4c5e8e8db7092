//! `serve`: the engine in the foreground. A local write reaches the cloud and a megajs upload
//! reaches the disk while it runs; configuration changes made by one-shot commands apply
//! without a restart; one engine per state folder (the second names the first's PID); SIGTERM
//! stops it cleanly; a kill -9 leaves nothing that blocks the next one; the shell is an engine
//! too. Every wait is on a condition with a deadline.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::sync::{local_tree, megajs, remote_tree};
use super::World;
use crate::support::megash_bin;

const DEADLINE: Duration = Duration::from_secs(30);

/// Wait for `cond`, panicking with `what` after the deadline.
pub fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + DEADLINE;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn start_serve(w: &World, log: &std::path::Path) -> Child {
    start_serve_with(w, log, &[])
}

pub fn start_serve_with(w: &World, log: &std::path::Path, env: &[(&str, &str)]) -> Child {
    w.env
        .command(&megash_bin())
        .args(["serve", &format!("--log-file={}", log.display())])
        .env("MEGASH_SYNC_POLL_MS", "200")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve")
}

#[test]
fn the_engine_follows_both_sides_and_its_configuration() {
    let w = World::new(&["S/"]);
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("first.txt"), "1").unwrap();
    let d = dir.to_str().unwrap();
    assert!(w.run(&["sync", d, "/S"]).starts_with("exit: 0\n"));
    let log = w.env.home.path().join("engine.log");
    let mut engine = start_serve(&w, &log);
    wait_for("the first pass", || remote_tree(&w, "S") == ["first.txt"]);
    // With an engine running, configuring commands say nothing more.
    let id = w.run(&["sync", "--output-cols=ID", "--col-separator=,"]);
    let id = id.lines().nth(3).unwrap().to_string();
    assert!(w.run(&["sync"]).contains("Running"));
    // A local write goes up; a megajs upload comes down.
    std::fs::write(dir.join("local.txt"), "from disk").unwrap();
    megajs(
        &w,
        serde_json::json!([{"op": "upload", "path": "S/cloud.txt", "content": "from megajs"}]),
    );
    wait_for("both new files on both sides", || {
        local_tree(&dir)
            == [
                "cloud.txt=from megajs",
                "first.txt=1",
                "local.txt=from disk",
            ]
            && remote_tree(&w, "S") == ["cloud.txt", "first.txt", "local.txt"]
    });
    // Paused by a one-shot command: the engine leaves it alone; enabled: it catches up.
    // (A change that must not happen cannot be awaited: the engine applies a pause within
    // a second, and a second later nothing went up.)
    let out = w.run(&["sync", "-p", &id]);
    assert_eq!(out, super::ok(""));
    std::thread::sleep(Duration::from_millis(1000));
    std::fs::write(dir.join("while-paused.txt"), "p").unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    assert!(!remote_tree(&w, "S").contains(&"while-paused.txt".to_string()));
    assert_eq!(w.run(&["sync", "-e", &id]), super::ok(""));
    wait_for("the paused change after enabling", || {
        remote_tree(&w, "S").contains(&"while-paused.txt".to_string())
    });
    // A second engine is refused, naming the first.
    let out = w.run(&["serve"]);
    assert!(
        out.starts_with("exit: 54\n")
            && out.contains(&format!(
                "an engine is running for this state folder (PID {})",
                engine.id()
            )),
        "{out}"
    );
    // So is `sync --once`: the engine keeps the syncs in step already.
    assert!(w.run(&["sync", "--once"]).starts_with("exit: 54\n"));
    // SIGTERM: a clean stop.
    let pid = engine.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = engine.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("upload local.txt") && text.contains("download cloud.txt"),
        "{text}"
    );
    assert!(
        text.lines().last().unwrap().ends_with("engine: stopped"),
        "{text}"
    );
    // Without an engine, configuring commands say how to start one.
    let out = w.run(&["sync", "-p", &id]);
    assert!(
        out.contains("no engine is running; start one with: megash serve"),
        "{out}"
    );
    // kill -9 leaves no lock behind that blocks the next engine.
    assert_eq!(w.run(&["sync", "-e", &id]).lines().next(), Some("exit: 0"));
    let mut engine = start_serve(&w, &log);
    wait_for("the engine to hold the lock", || {
        w.run(&["sync"]).contains("Running")
    });
    engine.kill().unwrap();
    engine.wait().unwrap();
    let mut engine = start_serve(&w, &log);
    wait_for("a new engine after kill -9", || {
        w.run(&["sync"]).contains("Running")
    });
    engine.kill().unwrap();
    engine.wait().unwrap();
}

#[test]
fn the_shell_is_an_engine_while_it_is_open() {
    let w = World::new(&["S/"]);
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    assert!(w
        .run(&["sync", dir.to_str().unwrap(), "/S"])
        .starts_with("exit: 0\n"));
    let Some(mut pty) = super::shell::Pty::start(&w.env) else {
        return;
    };
    pty.expect("$ ");
    std::fs::write(dir.join("typed.txt"), "t").unwrap();
    wait_for("the shell's engine to upload", || {
        remote_tree(&w, "S") == ["typed.txt"]
    });
    pty.send("serve\r");
    pty.expect("The shell is the engine already");
    pty.expect("$ ");
    pty.send("quit\r");
    assert!(pty.wait_exit().success());
    // Closed, it holds nothing: an engine may start.
    assert!(w.run(&["sync"]).contains("Pending"));
}

#[test]
fn files_being_written_wait_and_end_up_with_their_last_content() {
    let w = World::new(&["S/"]);
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    // A large file whose upload is slowed down, so it can be edited while it goes up.
    let big: Vec<u8> = (0..3u32 << 20).map(|i| (i >> 9) as u8).collect();
    std::fs::write(dir.join("big.bin"), &big).unwrap();
    assert!(w
        .run(&["sync", dir.to_str().unwrap(), "/S"])
        .starts_with("exit: 0\n"));
    assert!(w.run(&["speedlimit", "-u", "1M"]).starts_with("exit: 0\n"));
    let log = w.env.home.path().join("engine.log");
    let mut engine = start_serve_with(
        &w,
        &log,
        &[
            ("MEGASH_SYNC_SETTLE_MS", "700"),
            ("MEGASH_SYNC_BUSY_MS", "1500"),
        ],
    );
    wait_for("the upload to start", || {
        w.run(&["transfers", "--show-syncs"]).contains("big.bin")
    });
    let mut edited = big.clone();
    edited[..8].copy_from_slice(b"EDITED!!");
    std::fs::write(dir.join("big.bin"), &edited).unwrap();
    // A file written to all the time waits, and after the busy limit it is listed.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, path) = (stop.clone(), dir.join("growing.log"));
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::File::create(&path).unwrap();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                writeln!(f, "line {n}").unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            n
        })
    };
    wait_for("the busy file to be listed", || {
        w.run(&["sync-issues"]).contains("the file keeps changing")
    });
    assert!(!remote_tree(&w, "S").contains(&"growing.log".to_string()));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let lines = writer.join().unwrap();
    let want = (0..lines)
        .map(|n| format!("line {n}\n"))
        .collect::<String>();
    // (The upload that read the file while it changed is replaced by a second one.)
    let back = w.env.home.path().join("back.bin");
    wait_for("both files in the cloud with their last content", || {
        let _ = std::fs::remove_file(&back);
        remote_tree(&w, "S") == ["big.bin", "growing.log"]
            && w.run(&["cat", "/S/growing.log"]) == super::ok(&want)
            && w.run(&["get", "/S/big.bin", back.to_str().unwrap()])
                .starts_with("exit: 0\n")
            && std::fs::read(&back).is_ok_and(|b| b == edited)
    });
    wait_for("the listing to clear", || {
        w.run(&["sync-issues"]).contains("There are no sync issues")
    });
    engine.kill().unwrap();
    engine.wait().unwrap();
}
