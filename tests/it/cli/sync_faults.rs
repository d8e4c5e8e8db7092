//! Sync under faults: the engine killed with SIGKILL at random points of its passes (at least
//! 20 different points, over 2 000 files going up and then files coming down, the last 8 with
//! megasim's fault knobs on), and megasim answering with EAGAIN bursts, 500s, dropped
//! connections and 509s; after each restart the
//! sync converges to exactly the expected state: nothing lost, nothing duplicated, no stray
//! temporary file. The kill points come from a seed printed on failure (set
//! MEGASH_TEST_SEED to replay one).

use std::time::{Duration, Instant};

use super::serve::start_serve;
use super::sync::{local_tree, remote_tree};
use super::{part_files, World};

/// xorshift64*: the test's own reproducible randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("MEGASH_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

/// Start the engine, let it run a random while, SIGKILL it; `kills` times.
fn kill_at_random(w: &World, rng: &mut Rng, kills: usize, log: &std::path::Path) {
    for _ in 0..kills {
        let mut engine = start_serve(w, log);
        std::thread::sleep(Duration::from_millis(150 + rng.below(900)));
        engine.kill().unwrap();
        engine.wait().unwrap();
    }
}

#[test]
fn kill_9_at_random_points_then_converge() {
    let seed = seed();
    eprintln!("sync fault test seed: {seed} (MEGASH_TEST_SEED={seed} replays it)");
    let mut rng = Rng(seed);
    let w = World::new(&["S/"]);
    let dir = w.env.home.path().join("L");
    let mut want_local = Vec::new();
    for d in 0..20 {
        std::fs::create_dir_all(dir.join(format!("d{d:02}"))).unwrap();
        want_local.push(format!("d{d:02}/"));
        for f in 0..100 {
            let name = format!("d{d:02}/f{f:03}.txt");
            let content = format!("{name} {}", rng.next());
            std::fs::write(dir.join(&name), &content).unwrap();
            want_local.push(format!("{name}={content}"));
        }
    }
    // One large file: its upload is interrupted and resumes from its journal.
    let big: Vec<u8> = (0..24u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.join("big.bin"), &big).unwrap();
    let out = w.run(&["sync", dir.to_str().unwrap(), "/S"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let log = w.env.home.path().join("engine.log");
    // Going up: killed 12 times at random points.
    kill_at_random(&w, &mut rng, 12, &log);
    // Coming down: the cloud gets files the engine is killed while fetching (8 more points).
    let src = w.env.home.path().join("incoming");
    for f in 0..200 {
        let name = format!("n{f:03}.txt");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join(&name), format!("incoming {name}")).unwrap();
    }
    let out = w.run(&["put", src.to_str().unwrap(), "/S/"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    // These kills happen with megasim misbehaving too: EAGAIN and 500 bursts, a dropped
    // connection, and downloads refused with 509 for a while.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(w.sim.set_faults(serde_json::json!({
        "eagain": 2, "http500": 1, "drop_after": 300_000, "bandwidth_509": 1
    })));
    kill_at_random(&w, &mut rng, 4, &log);
    rt.block_on(w.sim.clear_faults());
    rt.block_on(
        w.sim
            .set_faults(serde_json::json!({"eagain": 1, "drop_after": 200_000})),
    );
    kill_at_random(&w, &mut rng, 4, &log);
    rt.block_on(w.sim.clear_faults());
    // Converge with an engine that is left alone.
    let mut engine = start_serve(&w, &log);
    want_local.push("incoming/".into());
    for f in 0..200 {
        let name = format!("n{f:03}.txt");
        want_local.push(format!("incoming/{name}=incoming {name}"));
    }
    want_local.push(format!("big.bin=<{} bytes>", big.len()));
    want_local.sort();
    let want_remote: Vec<String> = want_local
        .iter()
        .map(|p| p.split('=').next().unwrap().to_string())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (local, remote) = (local_tree(&dir), remote_tree(&w, "S"));
        if local == want_local && remote == want_remote {
            break;
        }
        if Instant::now() > deadline {
            let diff = |a: &[String], b: &[String]| -> Vec<String> {
                a.iter()
                    .filter(|x| !b.contains(x))
                    .take(10)
                    .cloned()
                    .collect()
            };
            panic!(
                "seed {seed}: no convergence.\nlocal extra {:?}\nlocal missing {:?}\nremote extra {:?}\nremote missing {:?}\nlog tail: {}",
                diff(&local, &want_local),
                diff(&want_local, &local),
                diff(&remote, &want_remote),
                diff(&want_remote, &remote),
                std::fs::read_to_string(&log).unwrap_or_default().lines().rev().take(15).collect::<Vec<_>>().join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    engine.kill().unwrap();
    engine.wait().unwrap();
    assert_eq!(
        std::fs::read(dir.join("big.bin")).unwrap(),
        big,
        "seed {seed}"
    );
    assert!(
        part_files(&dir).is_empty(),
        "seed {seed}: {:?}",
        part_files(&dir)
    );
    let stray: Vec<String> = walk_names(&dir)
        .into_iter()
        .filter(|n| n.contains(".megash-"))
        .collect();
    assert!(stray.is_empty(), "seed {seed}: {stray:?}");
    assert!(
        !dir.join(".debris").exists(),
        "seed {seed}: nothing was to be deleted"
    );
    let out = w.run(&["sync", "--once"]);
    assert!(out.starts_with("exit: 0\n"), "seed {seed}: {out}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.matches("engine: started").count() >= 21, "{text}");
}

#[test]
fn server_faults_delay_but_never_break_a_sync() {
    let w = World::new(&["S/"]);
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    for f in 0..40 {
        std::fs::write(dir.join(format!("f{f:02}.txt")), format!("f{f}")).unwrap();
    }
    let big: Vec<u8> = (0..3u32 << 20).map(|i| (i >> 7) as u8).collect();
    std::fs::write(dir.join("big.bin"), &big).unwrap();
    assert!(w
        .run(&["sync", dir.to_str().unwrap(), "/S"])
        .starts_with("exit: 0\n"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Consecutive failures back off exponentially (as MEGA asks): a few keep the test short.
    rt.block_on(w.sim.set_faults(serde_json::json!({
        "eagain": 2, "http500": 2, "drop_after": 1_000_000
    })));
    // Failed actions are retried by later passes: --once may need more than one run.
    let mut runs = 0;
    loop {
        runs += 1;
        let out = w.run(&["sync", "--once"]);
        if out.starts_with("exit: 0\n") {
            break;
        }
        assert!(runs < 5, "{out}");
    }
    let mut want: Vec<String> = (0..40).map(|f| format!("f{f:02}.txt")).collect();
    want.push("big.bin".into());
    want.sort();
    assert_eq!(remote_tree(&w, "S"), want);
    // A cloud file comes down while downloads answer 509 for a while.
    std::fs::write(w.env.home.path().join("up.bin"), &big).unwrap();
    let up = w.env.home.path().join("up.bin");
    assert!(w
        .run(&["put", up.to_str().unwrap(), "/S/down.bin"])
        .starts_with("exit: 0\n"));
    rt.block_on(w.sim.set_faults(serde_json::json!({"bandwidth_509": 1})));
    let out = w.run(&["sync", "--once"]);
    assert!(!out.starts_with("exit: 0\n"), "{out}");
    assert!(!dir.join("down.bin").exists());
    rt.block_on(w.sim.clear_faults());
    assert!(w.run(&["sync", "--once"]).starts_with("exit: 0\n"));
    assert_eq!(std::fs::read(dir.join("down.bin")).unwrap(), big);
    assert!(part_files(&dir).is_empty());
}

/// Every name below `dir`.
fn walk_names(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        out.push(e.file_name().to_string_lossy().into_owned());
        if e.path().is_dir() {
            out.extend(walk_names(&e.path()));
        }
    }
    out
}
