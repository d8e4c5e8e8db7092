//! The session and cache guarantees through the real binary (issue 3 §2, §6): the shell and
//! one-shot commands sharing one cache while another client changes the tree, one login for
//! any number of commands, private file modes, and the error paths (expired session, server
//! down, damaged cache, damaged session file).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::{ok, Env, World, EMAIL, PASSWORD};
use crate::support::{megash_bin, Sim};
use megash::api::{Client, Handle, Node, NodeType};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The account's cache database (there is one account per environment here).
fn cache_db(env: &Env) -> std::path::PathBuf {
    let dir = env.state_dir().join("cache");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .unwrap_or_else(|| panic!("no cache file in {}", dir.display()))
}

/// `ls -R` of the Cloud Drive as the server has it, rendered the way megash prints it
/// (folders first, then by name; a tab per level).
async fn server_ls_r(c: &Client) -> String {
    let nodes = c.fetch_nodes().await.expect("fetch").nodes;
    let root = nodes
        .iter()
        .find(|n| n.kind == NodeType::Root)
        .expect("root")
        .handle;
    let mut kids: HashMap<Handle, Vec<&Node>> = HashMap::new();
    for n in &nodes {
        if let Some(p) = n.parent {
            kids.entry(p).or_default().push(n);
        }
    }
    fn walk(h: Handle, depth: usize, kids: &HashMap<Handle, Vec<&Node>>, out: &mut String) {
        let mut list = kids.get(&h).cloned().unwrap_or_default();
        list.sort_by_key(|n| (!n.kind.is_container(), n.name.clone().unwrap_or_default()));
        for n in list {
            out.push_str(&"\t".repeat(depth));
            out.push_str(n.name.as_deref().unwrap_or("?"));
            out.push('\n');
            walk(n.handle, depth + 1, kids, out);
        }
    }
    let mut out = String::new();
    walk(root, 0, &kids, &mut out);
    out
}

async fn library_client(sim: &Sim) -> Client {
    let c = Client::new(&sim.url).expect("client");
    c.login(EMAIL, PASSWORD, None).await.expect("login");
    c
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A `megash` batch process reading commands from a pipe that stays open, so it keeps its
/// account (and cache connection) across commands as the interactive shell does.
struct Shell {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Shell {
    fn start(env: &Env) -> Shell {
        let mut child = env
            .command(&megash_bin())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn megash");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Shell {
            child,
            stdin,
            lines,
        }
    }

    /// Run `cmd`, then `pwd` as an end marker; the lines `cmd` printed.
    fn run(&mut self, cmd: &str) -> Vec<String> {
        let stdin = self.stdin.as_mut().expect("shell stdin open");
        writeln!(stdin, "{cmd}\nerrorcode 0").expect("write to the shell");
        stdin.flush().expect("flush");
        let mut out = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no answer from the shell to {cmd:?}: {out:?}"));
            if line == "Everything OK" {
                return out;
            }
            out.push(line);
        }
    }

    fn finish(mut self) -> std::process::ExitStatus {
        drop(self.stdin.take());
        self.child.wait().expect("wait for the shell")
    }
}

#[test]
fn shell_and_one_shot_commands_share_one_cache_while_another_client_changes_it() {
    let w = World::new(&["A/", "A/a.txt", "B/"]);
    let rt = runtime();
    let other = rt.block_on(library_client(&w.sim));
    let logins = w.logins();
    let mut shell = Shell::start(&w.env);
    assert_eq!(shell.run("ls"), ["A", "B"]);

    // One-shot readers in a loop, each a fresh process on the same cache file.
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|i| {
            let stop = stop.clone();
            let env = Env {
                home: tempfile::tempdir().expect("tempdir"),
                api_url: w.env.api_url.clone(),
            };
            // Same state folder (the shared cache), own HOME.
            let state = w.env.state_dir();
            std::thread::spawn(move || {
                let mut runs = 0;
                while !stop.load(Ordering::SeqCst) || runs == 0 {
                    let args: &[&str] = match i {
                        0 => &["ls", "-R"],
                        1 => &["ls", "-l", "/A"],
                        _ => &["pwd"],
                    };
                    let out = env
                        .command(&megash_bin())
                        .env("MEGASH_HOME", &state)
                        .args(args)
                        .output()
                        .expect("run megash");
                    let text = super::snapshot(out);
                    assert!(text.starts_with("exit: 0\n"), "{args:?}: {text}");
                    assert!(text.ends_with("--- stderr\n"), "{args:?}: {text}");
                    runs += 1;
                }
                runs
            })
        })
        .collect();

    // The other client changes the tree; the shell and the readers keep catching up.
    let root = rt.block_on(async {
        let nodes = other.fetch_nodes().await.unwrap().nodes;
        nodes
            .iter()
            .find(|n| n.kind == NodeType::Root)
            .unwrap()
            .handle
    });
    let mut made: Vec<Node> = Vec::new();
    for i in 0..12 {
        rt.block_on(async {
            let f = other
                .create_folder(root, &format!("f{i:02}"))
                .await
                .unwrap();
            if i % 3 == 0 {
                other.rename(&f, &format!("renamed{i:02}")).await.unwrap();
            }
            if i % 4 == 1 {
                if let Some(prev) = made.last() {
                    other.move_node(f.handle, prev.handle).await.unwrap();
                }
            }
            if i % 5 == 4 {
                other.delete(f.handle).await.unwrap();
            } else {
                made.push(f);
            }
        });
        let listed = shell.run("ls");
        assert!(listed.contains(&"A".to_string()), "{listed:?}");
    }
    stop.store(true, Ordering::SeqCst);
    for r in readers {
        let runs = r.join().expect("a one-shot reader failed");
        assert!(runs >= 1);
    }

    let want = rt.block_on(server_ls_r(&other));
    assert!(
        want.contains("renamed00\n") && want.contains("f02\n"),
        "{want}"
    );
    let from_shell = shell.run("ls -R").join("\n") + "\n";
    assert_eq!(from_shell, want, "the shell's view differs from the server");
    assert!(shell.finish().success());
    assert_eq!(w.run(&["ls", "-R"]), ok(&want), "one-shot view");
    // The other client logged in once; megash not at all.
    assert_eq!(w.logins(), logins);
}

#[test]
fn a_hundred_one_shot_commands_make_one_login() {
    let w = World::new(&["A/", "A/x.txt"]);
    for i in 0..20 {
        let target = if i % 2 == 0 { "/A" } else { "/" };
        for (cmd, args) in [
            ("mega-ls", &[][..]),
            ("mega-pwd", &[]),
            ("mega-cd", &[target]),
            ("mega-whoami", &[]),
            ("mega-ls", &["-l"]),
        ] {
            let out = w.env.run_as(cmd, args);
            assert!(out.starts_with("exit: 0\n"), "{cmd} {args:?}: {out}");
        }
    }
    assert_eq!(w.megash_logins(), 1, "only `megash login` logs in");
}

#[test]
fn state_files_are_private() {
    let w = World::new(&["A/"]);
    let state = w.env.state_dir();
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("cache")), 0o700);
    assert_eq!(mode(&state.join("session.json")), 0o600);
    // While a process has the cache open, SQLite's companions exist: private too.
    let mut shell = Shell::start(&w.env);
    assert_eq!(shell.run("ls"), ["A"]);
    let db = cache_db(&w.env);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        assert_eq!(mode(std::path::Path::new(&p)), 0o600, "{suffix}");
    }
    assert!(shell.finish().success());
    assert_eq!(mode(&db), 0o600);
}

#[test]
fn loose_modes_left_by_someone_else_are_tightened() {
    let w = World::new(&["A/"]);
    let db = cache_db(&w.env);
    let loose = std::fs::Permissions::from_mode(0o644);
    std::fs::set_permissions(&db, loose.clone()).unwrap();
    std::fs::set_permissions(w.env.state_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(w.run(&["ls"]), ok("A\n"));
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&w.env.state_dir()), 0o700);
}

#[test]
fn session_ended_elsewhere_says_log_in_again() {
    let w = World::new(&["A/"]);
    assert_eq!(w.run(&["ls"]), ok("A\n"));
    // Another process with the same session string logs out: the server ends the session.
    let other = Env::with_sim(&w.sim);
    std::fs::create_dir_all(other.state_dir()).unwrap();
    std::fs::copy(
        w.env.state_dir().join("session.json"),
        other.state_dir().join("session.json"),
    )
    .unwrap();
    assert_eq!(other.run(&["logout"]), ok("Logging out...\n"));
    let out = w.run(&["ls"]);
    assert!(
        out.starts_with("exit: 15\n--- stdout\n--- stderr\n"),
        "{out}"
    );
    assert!(out.contains("log in again"), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    // The advice works: log out (the server already forgot the session), log in again.
    assert_eq!(w.run(&["logout"]), ok("Logging out...\n"));
    assert_eq!(w.run(&["login", "--force", EMAIL, PASSWORD]), ok(""));
    assert_eq!(w.run(&["ls"]), ok("A\n"));
}

/// `ls` of a logged-in environment whose server has stopped, with `retries`: the
/// environment (its state is checked after) and the run's snapshot and stderr.
fn ls_with_the_server_down(retries: &str) -> (Env, String, String) {
    let World { sim, env, .. } = World::new(&["A/"]);
    drop(sim.stop());
    let mut cmd = env.command(&megash_bin());
    cmd.env("MEGASH_RETRIES", retries).arg("ls");
    let out = super::snapshot(cmd.output().unwrap());
    let stderr = out
        .split("--- stderr\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (env, out, stderr)
}

#[test]
fn server_down_is_a_clear_error() {
    let started = Instant::now();
    let (env, out, stderr) = ls_with_the_server_down("1");
    assert!(started.elapsed() < Duration::from_secs(30), "{out}");
    assert!(!out.starts_with("exit: 0\n"), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.contains("could not connect to the server"), "{out}");
    assert!(stderr.lines().count() <= 2, "one line and a hint: {out}");
    // Nothing was damaged: the session and cache are still there for when it is back.
    assert!(env.state_dir().join("session.json").exists());
    assert!(cache_db(&env).exists());
}

#[test]
fn long_waits_for_a_server_that_is_down_are_announced() {
    // Six attempts: the waits before the fifth and sixth grow past a second, and each of
    // those says so; the quick ones before stay silent.
    let (_, out, stderr) = ls_with_the_server_down("5");
    let notices: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("trying again"))
        .collect();
    assert!((1..=2).contains(&notices.len()), "{out}");
    for n in &notices {
        assert!(
            n.starts_with("Network error: could not connect to the server (127.0.0.1:"),
            "{out}"
        );
        assert!(!n.contains("sid") && !n.contains("/cs"), "{out}");
    }
    assert!(
        notices.last().unwrap().contains(" s (attempt 6 of 6)"),
        "{out}"
    );
    // Nothing listening: it says what to do when the server moved.
    assert!(
        notices
            .last()
            .unwrap()
            .ends_with("log in at its new address; MEGASH_RETRIES=0 stops the waiting)"),
        "{out}"
    );
    let after: Vec<&str> = stderr
        .lines()
        .skip_while(|l| l.contains("trying again"))
        .collect();
    assert!(
        after[0].contains("could not connect to the server"),
        "{out}"
    );
    assert!(!out.starts_with("exit: 0\n"), "{out}");
}

#[test]
fn damaged_cache_file_is_rebuilt_by_a_full_fetch() {
    let w = World::new(&["A/", "A/a.txt", "B/"]);
    assert_eq!(w.run(&["ls"]), ok("A\nB\n"));
    let db = cache_db(&w.env);
    std::fs::write(&db, vec![0x5a; 64 * 1024]).unwrap();
    assert_eq!(w.run(&["ls", "-R"]), ok("A\n\ta.txt\nB\n"));
    assert_eq!(mode(&db), 0o600);
    // Damage in the middle of a valid file (pages overwritten) is caught too.
    let mut bytes = std::fs::read(&db).unwrap();
    let half = bytes.len() / 2;
    for b in &mut bytes[half.min(4096)..] {
        *b = 0xa5;
    }
    std::fs::write(&db, bytes).unwrap();
    for suffix in ["-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
    assert_eq!(w.run(&["ls", "-R"]), ok("A\n\ta.txt\nB\n"));
    assert_eq!(w.megash_logins(), 1, "rebuilt without logging in again");
}

#[test]
fn damaged_session_file_is_a_clear_error() {
    let w = World::new(&["A/"]);
    std::fs::write(w.env.state_dir().join("session.json"), "{\"version\":1,").unwrap();
    let out = w.run(&["ls"]);
    assert!(
        out.starts_with("exit: 59\n--- stdout\n--- stderr\n"),
        "{out}"
    );
    assert!(
        out.contains("session.json is damaged; log in again"),
        "{out}"
    );
    assert!(!out.contains("panicked"), "{out}");
    assert_eq!(out.lines().count(), 4, "one error line: {out}");
    // A fresh login replaces it.
    assert_eq!(w.run(&["login", "--force", EMAIL, PASSWORD]), ok(""));
    assert_eq!(w.run(&["ls"]), ok("A\n"));
}

/// Replace the saved master key with another valid-looking one.
fn damage_master_key(env: &Env) {
    let path = env.state_dir().join("session.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["master_key"] = serde_json::Value::from(megash::crypto::b64::encode(&[7u8; 16]));
    std::fs::write(&path, v.to_string()).unwrap();
}

#[test]
fn a_wrong_saved_master_key_is_caught_before_anything_is_written() {
    let w = World::new(&["Docs/"]);
    std::fs::write(w.env.home.path().join("new.txt"), "new").unwrap();
    let before = w.server_paths();
    // Warm cache: the check value recorded at login tells the key changed.
    damage_master_key(&w.env);
    let out = w.run(&["put", "new.txt", "/Docs"]);
    assert!(out.starts_with("exit: 54\n"), "{out}");
    assert!(out.contains("master key does not match"), "{out}");
    // Cold: no cache, so the RSA key from `us` is what refuses to unwrap.
    let w2 = World::new(&["Docs/"]);
    std::fs::write(w2.env.home.path().join("new.txt"), "new").unwrap();
    std::fs::remove_dir_all(w2.env.state_dir().join("cache")).unwrap();
    damage_master_key(&w2.env);
    let out = w2.run(&["put", "new.txt", "/Docs"]);
    assert!(out.starts_with("exit: 54\n"), "{out}");
    assert!(out.contains("master key does not match"), "{out}");
    assert_eq!(w.server_paths(), before);
    assert!(!w2.server_paths().iter().any(|p| p.contains("new.txt")));
}

#[test]
fn twenty_parallel_writers_on_one_state_directory_all_succeed() {
    let w = World::new(&["Docs/"]);
    let home = w.env.home.path().to_path_buf();
    for i in 0..20 {
        std::fs::write(home.join(format!("f{i}.txt")), format!("file {i}")).unwrap();
    }
    let env = &w.env;
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..20)
            .map(|i| {
                s.spawn(move || {
                    let dir = format!("/Docs/w{i}");
                    let steps: [Vec<String>; 4] = [
                        vec!["mkdir".into(), dir.clone()],
                        vec!["put".into(), format!("f{i}.txt"), dir.clone()],
                        vec![
                            "mv".into(),
                            format!("{dir}/f{i}.txt"),
                            format!("{dir}/moved.txt"),
                        ],
                        vec!["mkdir".into(), format!("{dir}/sub")],
                    ];
                    let mut bad = Vec::new();
                    for step in steps {
                        let args: Vec<&str> = step.iter().map(String::as_str).collect();
                        let out = env.run(&args);
                        if !out.starts_with("exit: 0\n") {
                            bad.push(format!("{step:?}: {out}"));
                        }
                    }
                    bad
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
    // Every process's view converged on the server's.
    let paths = w.server_paths();
    for i in 0..20 {
        assert!(
            paths.contains(&format!("/Docs/w{i}/moved.txt")),
            "{paths:?}"
        );
        assert!(paths.contains(&format!("/Docs/w{i}/sub/")), "{paths:?}");
    }
    let ls = w.run(&["ls", "-R", "/Docs"]);
    assert_eq!(ls.matches("moved.txt").count(), 20, "{ls}");
}

#[test]
fn megash_retries_reaches_transfers_links_and_imports() {
    let World { sim, env, .. } = World::new(&["c.txt"]);
    let home = env.home.path().to_path_buf();
    let big: Vec<u8> = (0..4u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 9) as u8)
        .collect();
    std::fs::write(home.join("big.bin"), &big).unwrap();
    assert!(env.run(&["put", "big.bin", "/"]).starts_with("exit: 0\n"));
    let link = env.link("/c.txt");
    assert!(env
        .run(&["speedlimit", "-d", "512K"])
        .starts_with("exit: 0\n"));
    assert!(env
        .run(&["speedlimit", "-u", "512K"])
        .starts_with("exit: 0\n"));
    std::fs::create_dir(home.join("dl")).unwrap();
    std::fs::write(home.join("up.bin"), &big).unwrap();
    let start = |args: &[&str]| {
        env.command(&megash_bin())
            .env("MEGASH_RETRIES", "0")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // A download and an upload under way when the server goes away.
    let get = start(&["get", "/big.bin", "dl/"]);
    let put = start(&["put", "up.bin", "/"]);
    let part = home.join("dl/.big.bin.megash-part");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !part.exists() {
        assert!(Instant::now() < deadline, "the download did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    drop(sim.stop());
    let stopped = Instant::now();
    for child in [get, put] {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(!stderr.contains("trying again"), "no retries: {stderr}");
    }
    assert!(
        stopped.elapsed() < Duration::from_secs(20),
        "{:?}",
        stopped.elapsed()
    );
    // Link download and import against the stopped server fail at once too.
    for args in [
        vec!["get", link.as_str(), "dl/"],
        vec!["import", link.as_str()],
    ] {
        let t = Instant::now();
        let out = start(&args).wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("trying again"), "{args:?}: {stderr}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{args:?}: {:?}",
            t.elapsed()
        );
    }
}
