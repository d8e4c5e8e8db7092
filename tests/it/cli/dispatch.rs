//! One-shot dispatch: unknown commands, usage errors, commands not implemented yet, argv[0].

use super::{ok, Env};

#[test]
fn unknown_command() {
    let env = Env::new();
    let expected = "exit: 51\n--- stdout\n--- stderr\nCommand not found: frobnicate\n\
                    Hint: type \"help\" for the list of commands\n";
    assert_eq!(env.run(&["frobnicate", "x"]), expected);
    assert_eq!(env.run_as("mega-frobnicate", &["x"]), expected);
}

#[test]
fn unknown_flag_prints_invalid_argument_and_usage() {
    let env = Env::new();
    assert_eq!(
        env.run(&["mkdir", "--bogus", "x"]),
        "exit: 51\n--- stdout\n--- stderr\nInvalid argument: --bogus\nUsage: mkdir [-p] remotepath...\n"
    );
    assert_eq!(
        env.run_as("mega-mkdir", &["-pq", "x"]),
        "exit: 51\n--- stdout\n--- stderr\nInvalid argument: -q\nUsage: mkdir [-p] remotepath...\n"
    );
}

#[test]
fn options_take_values_only_with_equals() {
    let env = Env::new();
    let out = env.run(&["find", "--pattern", "*.jpg"]);
    assert!(
        out.starts_with("exit: 51\n--- stdout\n--- stderr\nInvalid argument: --pattern\n"),
        "{out}"
    );
}

#[test]
fn missing_operand_is_usage() {
    let env = Env::new();
    assert_eq!(
        env.run(&["mv", "a"]),
        "exit: 51\n--- stdout\n--- stderr\nUsage: mv [--use-pcre] srcremotepath... dstremotepath\n"
    );
}

#[test]
fn planned_command_says_not_implemented() {
    // Any command still without a handler (none once every issue has landed).
    let Some(cmd) = megash::commands::TABLE.iter().find(|c| c.run.is_none()) else {
        return;
    };
    let env = Env::new();
    let expected = format!(
        "exit: 59\n--- stdout\n--- stderr\n{}: not implemented yet\n\
         Hint: this command arrives with the saved session and node cache; it is in the table so its flags and usage are already checked\n",
        cmd.name
    );
    let operands: Vec<&str> = std::iter::repeat_n("x", cmd.min_args).collect();
    let mut args = vec![cmd.name];
    args.extend(&operands);
    assert_eq!(env.run(&args), expected);
    assert_eq!(
        env.run_as(&format!("mega-{}", cmd.name), &operands),
        expected
    );
}

#[test]
fn mega_prefix_runs_the_command() {
    let env = Env::new();
    assert_eq!(
        env.run_as("mega-errorcode", &["53"]),
        ok("Resource not found\n")
    );
}

#[test]
fn megash_usage_errors() {
    let env = Env::new();
    let out = env.run(&["-f"]);
    assert!(
        out.starts_with("exit: 51\n--- stdout\n--- stderr\n-f needs a file\nUsage: megash "),
        "{out}"
    );
}

#[test]
fn broken_pipe_exits_quietly() {
    // Enough output to fill the pipe after the reader has gone.
    let env = Env::new();
    let mut child = env
        .command(&crate::support::megash_bin())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut stdin, "help -ff\n".repeat(100).as_bytes()).expect("write");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn global_options_go_before_the_command_too() {
    let env = Env::new();
    assert_eq!(
        env.run(&["--debug", "errorcode", "53"]),
        ok("Resource not found\n")
    );
    assert_eq!(env.run(&["-vv", "errorcode", "9"]), ok("Not found\n"));
    assert_eq!(
        env.run(&["--progress", "errorcode", "53"]),
        ok("Resource not found\n")
    );
}

#[test]
fn megacmd_commands_not_yet_in_megash_say_so() {
    let env = Env::new();
    let out = env.run(&["share", "/a"]);
    assert!(
        out.starts_with("exit: 51\n--- stdout\n--- stderr\nmegash does not support share yet\n"),
        "{out}"
    );
    let out = env.run_as("mega-webdav", &["/x"]);
    assert!(out.contains("megash does not support webdav yet"), "{out}");
    let help = env.run(&["help"]);
    assert!(
        help.contains("MEGAcmd commands not in megash yet: exclude, ftp"),
        "{help}"
    );
}
