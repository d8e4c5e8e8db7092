//! `history` outside the shell prints the saved history, numbered from 0.

use super::{ok, Env};

#[test]
fn empty_without_history() {
    let env = Env::new();
    assert_eq!(env.run(&["history"]), ok(""));
}

#[test]
fn prints_saved_lines() {
    let env = Env::new();
    std::fs::create_dir_all(env.state_dir()).unwrap();
    std::fs::write(env.state_dir().join("history"), "#V2\nls -l\nerrorcode 9\n").unwrap();
    assert_eq!(
        env.run(&["history"]),
        ok("   0  ls -l\n   1  errorcode 9\n")
    );
}
