//! Scale figures (ignored by default; run with
//! `MEGASH_SCALE_NODES=100000 cargo test --test it cache::scale -- --ignored --nocapture`):
//! full fetch into the cache, then warm lookups, printed beside a do-nothing baseline.

use std::time::Instant;

use super::{client, EMAIL, PASSWORD};
use crate::support::Sim;
use megash::session::StateDir;

#[tokio::test]
#[ignore = "measurement, not a check; see the module doc"]
async fn populate_and_lookup_at_scale() {
    let nodes: u64 = std::env::var("MEGASH_SCALE_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    let n = nodes.to_string();
    let out = sim.cli(&["seed", EMAIL, PASSWORD, "--nodes", &n]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = client(&sim);
    c.login(EMAIL, PASSWORD, None).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let state = StateDir::at(home.path()).unwrap();
    let user = c.session().unwrap().user_handle;
    let cache = state.open_cache(&user).unwrap();

    let t = Instant::now();
    let count = cache.populate(&c).await.unwrap();
    let populate = t.elapsed();
    let size = std::fs::metadata(cache.path()).unwrap().len();
    drop(cache);

    // Warm one-shot pattern: open, resolve a folder, list it.
    let mut opens = Vec::new();
    let mut folder = None;
    for _ in 0..50 {
        let t = Instant::now();
        let cache = state.open_cache(&user).unwrap();
        let root = cache.cwd().unwrap().unwrap();
        let kids = cache.children(root).unwrap();
        let f = kids.iter().find(|k| k.is_folder()).map(|k| k.handle);
        if let Some(f) = f {
            let path = cache.path_of(f).unwrap().unwrap();
            let hit = cache.resolve(&path, None).unwrap();
            assert!(!hit.is_empty());
            let _ = cache.children(f).unwrap();
        }
        folder = f;
        opens.push(t.elapsed());
    }
    opens.sort();
    let t = Instant::now();
    let cache = state.open_cache(&user).unwrap();
    let open_only = t.elapsed();
    let root = cache.cwd().unwrap().unwrap();
    let t = Instant::now();
    let root_kids = cache.children(root).unwrap().len();
    let ls_root = t.elapsed();
    eprintln!("open {open_only:?}; ls / ({root_kids} entries) {ls_root:?}");
    // `find`'s walk: every node streamed from SQLite, none kept.
    let t = Instant::now();
    let mut walked = 0u64;
    cache
        .walk_descendants(root, |_, _, _| -> megash::cache::Result<bool> {
            walked += 1;
            Ok(true)
        })
        .unwrap();
    eprintln!("walk of {walked} nodes (find's): {:?}", t.elapsed());
    let base = Instant::now();
    let _ = std::hint::black_box(std::fs::metadata(home.path()));
    let baseline = base.elapsed();
    eprintln!(
        "cache scale: {count} nodes; populate {populate:?} (debug build of megash); db {} MB; \
         warm open+resolve+ls median {:?} (min {:?}); baseline stat {baseline:?}; folder {folder:?}",
        size / 1_000_000,
        opens[opens.len() / 2],
        opens[0],
    );
}
