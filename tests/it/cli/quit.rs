//! `quit` / `exit` end a batch (and the shell) successfully.

use super::{ok, Env};

#[test]
fn quit_and_exit_stop_the_batch() {
    let env = Env::new();
    assert_eq!(
        env.run_stdin(&[], "errorcode 0\nquit\nnope\n"),
        ok("Everything OK\n")
    );
    assert_eq!(env.run_stdin(&[], "exit --only-shell\nnope\n"), ok(""));
}

#[test]
fn one_shot_quit_is_harmless() {
    let env = Env::new();
    assert_eq!(env.run_as("mega-quit", &[]), ok(""));
}
