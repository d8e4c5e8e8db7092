//! `reload`: MEGAcmd's line, a full fetch that replaces the cache (a node the cache lost
//! comes back), no new login.

use super::{ok, Env, World};

#[test]
fn refetches_the_tree() {
    let w = World::new(&["a/", "a/f.txt"]);
    assert_eq!(w.run(&["ls"]), ok("a\n"));
    // Damage the cache behind megash's back: only a full fetch can repair this.
    let dir = w.env.state_dir().join("cache");
    let db = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .unwrap_or_else(|| panic!("no cache file in {}", dir.display()));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM nodes WHERE name = 'f.txt'", [])
        .unwrap();
    drop(conn);
    assert_eq!(w.run(&["ls", "a"]), ok(""));
    assert_eq!(w.run(&["reload"]), ok("Reloading account...\n"));
    assert_eq!(w.run(&["ls", "a"]), ok("f.txt\n"));
    assert_eq!(
        w.env.run_as("mega-reload", &[]),
        ok("Reloading account...\n")
    );
    assert_eq!(w.megash_logins(), 1);
}

#[test]
fn errors() {
    let w = World::new(&[]);
    assert_eq!(w.run(&["reload", "x"]).lines().next(), Some("exit: 51"));
    let env = Env::new();
    assert!(env.run(&["reload"]).starts_with("exit: 57\n"));
}
