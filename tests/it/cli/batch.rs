//! Batch mode: `megash < FILE` and `megash -f FILE`, stop at the first failure unless
//! `--keep-going`, exit with the failing command's code.

use super::{ok, Env};

const SCRIPT: &str = "# a comment\n\nerrorcode 9\n   \nlcd /nonexistent/folder\nerrorcode 53\n";

#[test]
fn piped_stdin_stops_at_first_failure() {
    let env = Env::new();
    assert_eq!(
        env.run_stdin(&[], SCRIPT),
        "exit: 55\n--- stdout\nNot found\n--- stderr\nNot a valid folder: /nonexistent/folder\n"
    );
}

#[test]
fn keep_going_runs_everything_and_keeps_the_first_failure_code() {
    let env = Env::new();
    let script = format!("{SCRIPT}nope\n");
    assert_eq!(
        env.run_stdin(&["--keep-going"], &script),
        "exit: 55\n--- stdout\nNot found\nResource not found\n--- stderr\n\
         Not a valid folder: /nonexistent/folder\nCommand not found: nope\n\
         Hint: type \"help\" for the list of commands\n"
    );
}

#[test]
fn from_a_file() {
    let env = Env::new();
    let file = env.home.path().join("script.megash");
    std::fs::write(&file, SCRIPT).unwrap();
    let f = file.to_str().unwrap();
    assert_eq!(
        env.run(&["-f", f]),
        "exit: 55\n--- stdout\nNot found\n--- stderr\nNot a valid folder: /nonexistent/folder\n"
    );
    assert_eq!(
        env.run(&["--keep-going", "-f", f]),
        "exit: 55\n--- stdout\nNot found\nResource not found\n--- stderr\n\
         Not a valid folder: /nonexistent/folder\n"
    );
}

#[test]
fn same_as_mega_commands() {
    // A script of mega-* calls and the same lines in a batch file behave alike.
    let env = Env::new();
    let one = env.run_as("mega-errorcode", &["-53"]);
    let batch = env.run_stdin(&[], "errorcode -53\n");
    assert_eq!(one, batch);
    let one = env.run_as("mega-mkdir", &["--bogus"]);
    let batch = env.run_stdin(&[], "mkdir --bogus\n");
    assert_eq!(one, batch);
}

#[test]
fn quoting_and_links_with_hash() {
    let env = Env::new();
    assert_eq!(
        env.run_stdin(&[], "errorcode \"53\"\nfrob https://mega.nz/file/x#key\n"),
        "exit: 51\n--- stdout\nResource not found\n--- stderr\nCommand not found: frob\n\
         Hint: type \"help\" for the list of commands\n"
    );
}

#[test]
fn missing_file() {
    let env = Env::new();
    assert_eq!(
        env.run(&["-f", "/nonexistent/script"]),
        "exit: 53\n--- stdout\n--- stderr\nCouldn't find /nonexistent/script\n"
    );
}

#[test]
fn empty_input() {
    let env = Env::new();
    assert_eq!(env.run_stdin(&[], ""), ok(""));
}
