//! `logout`: ends the server session and removes the saved session and cache;
//! `--keep-session` keeps them and prints the session string.

use super::{ok, Env, World};

#[test]
fn logout_ends_the_session_and_removes_files() {
    let w = World::new(&["A/"]);
    let cache_dir = w.env.state_dir().join("cache");
    assert!(std::fs::read_dir(&cache_dir).unwrap().next().is_some());
    let saved = std::fs::read_to_string(w.env.state_dir().join("session.json")).unwrap();
    assert_eq!(w.run(&["logout"]), ok("Logging out...\n"));
    assert!(!w.env.state_dir().join("session.json").exists());
    let left: Vec<_> = std::fs::read_dir(&cache_dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        w.run(&["ls"]),
        "exit: 57\n--- stdout\n--- stderr\nNot logged in.\nHint: log in first: login EMAIL [PASSWORD]\n"
    );
    // The server forgot the session too: putting the file back does not bring it back.
    std::fs::write(w.env.state_dir().join("session.json"), saved).unwrap();
    let out = w.run(&["ls"]);
    assert!(out.starts_with("exit: 15\n"), "{out}");
    assert!(out.contains("log in again"), "{out}");
}

#[test]
fn keep_session_prints_it_and_keeps_it_valid() {
    let w = World::new(&["A/"]);
    let out = w.run(&["logout", "--keep-session"]);
    assert!(
        out.starts_with("exit: 0\n--- stdout\nLogging out...\nSession closed but not deleted."),
        "{out}"
    );
    let s = out
        .lines()
        .find_map(|l| l.strip_prefix("You can also login with the session id: "))
        .unwrap();
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", "--", s]), ok(""));
    assert_eq!(other.run(&["ls"]), ok("A\n"));
}

#[test]
fn logged_out_logout_is_57() {
    let env = Env::new();
    assert!(env.run(&["logout"]).starts_with("exit: 57\n"));
}
