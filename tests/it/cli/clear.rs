//! `clear` draws nothing when stdout is not a terminal.

use super::{ok, Env};

#[test]
fn nothing_in_a_pipe() {
    let env = Env::new();
    assert_eq!(env.run(&["clear"]), ok(""));
}
