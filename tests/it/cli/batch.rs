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
    // With -f, errors say FILE:LINE (the fifth line is the lcd).
    assert_eq!(
        env.run(&["-f", f]),
        format!("exit: 55\n--- stdout\nNot found\n--- stderr\n{f}:5: Not a valid folder: /nonexistent/folder\n")
    );
    assert_eq!(
        env.run(&["--keep-going", "-f", f]),
        format!(
            "exit: 55\n--- stdout\nNot found\nResource not found\n--- stderr\n\
             {f}:5: Not a valid folder: /nonexistent/folder\n"
        )
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
        "exit: 53\n--- stdout\n--- stderr\nCannot read the batch file /nonexistent/script: no such file on the local disk\n"
    );
}

#[test]
fn empty_input() {
    let env = Env::new();
    assert_eq!(env.run_stdin(&[], ""), ok(""));
}

#[test]
fn errors_name_the_batch_file_and_line() {
    let env = Env::new();
    let file = env.home.path().join("s.txt");
    std::fs::write(&file, "errorcode 9\n\nmkdir --bogus\n").unwrap();
    let f = file.to_str().unwrap();
    let out = env.run(&["-f", f]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(
        out.contains(&format!("--- stderr\n{f}:3: Invalid argument: --bogus")),
        "{out}"
    );
    // A missing batch file is a local file that cannot be read, not a remote path.
    let out = env.run(&["-f", "nofile.txt"]);
    assert_eq!(
        out,
        "exit: 53\n--- stdout\n--- stderr\nCannot read the batch file nofile.txt: no such file on the local disk\n"
    );
}

#[test]
fn tilde_is_the_home_folder_for_local_operands() {
    let w = super::World::new(&["Docs/", "Docs/a.txt"]);
    let home = w.env.home.path();
    std::fs::create_dir(home.join("sub")).unwrap();
    // The batch starts somewhere else: ~ must still find the home folder.
    let script = "lcd /\nget /Docs/a.txt ~/Videos/\nlcd ~/sub\nget /Docs/a.txt\n";
    let out = w.env.run_stdin(&[], script);
    assert_eq!(
        out,
        ok(&format!(
            "Download finished: {}/Videos/a.txt\nDownload finished: a.txt\n",
            home.display()
        ))
    );
    assert!(home.join("Videos/a.txt").is_file());
    assert!(home.join("sub/a.txt").is_file());
    std::fs::write(home.join("up.txt"), "up").unwrap();
    let out = w.env.run_stdin(&[], "put ~/up.txt /Docs\n");
    assert!(out.starts_with("exit: 0\n"), "{out}");
}
