//! `help`, `help CMD`, `CMD --help`: all from the table.

use super::{ok, Env};

#[test]
fn lists_every_command() {
    let env = Env::new();
    let out = env.run(&["help"]);
    assert!(out.starts_with("exit: 0\n--- stdout\nHere is the list of available commands:\n"));
    for cmd in megash::commands::TABLE {
        assert!(
            out.contains(&format!("\n  {:10} ", cmd.name)),
            "{} missing:\n{out}",
            cmd.name
        );
    }
    // Names are padded to the longest one, then two spaces.
    let width = megash::commands::TABLE
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for cmd in megash::commands::TABLE {
        let planned = format!(
            "  {:width$}  {} (not implemented yet)\n",
            cmd.name, cmd.summary
        );
        assert_eq!(out.contains(&planned), cmd.run.is_none(), "{}", cmd.name);
    }
    assert!(out.ends_with("--- stderr\n"), "{out}");
}

#[test]
fn help_for_one_command() {
    let env = Env::new();
    let expected = ok("Usage: mkdir [-p] remotepath...\n\
         Create a remote folder\n\
         Needs a logged-in session.\n\
         Options:\n  \
         -p  Create missing parent folders\n");
    assert_eq!(env.run(&["help", "mkdir"]), expected);
    assert_eq!(env.run(&["mkdir", "--help"]), expected);
    assert_eq!(env.run_as("mega-mkdir", &["--help"]), expected);
}

#[test]
fn dash_h_is_not_help() {
    // MEGAcmd uses -h for human-readable sizes: `df -h` must reach df, not print help.
    let env = Env::new();
    let out = env.run(&["df", "-h"]);
    assert!(
        out.starts_with("exit: 57\n--- stdout\n--- stderr\nNot logged in."),
        "{out}"
    );
}

#[test]
fn help_of_unknown_command() {
    let env = Env::new();
    assert_eq!(
        env.run(&["help", "frob"]),
        "exit: 51\n--- stdout\n--- stderr\nCommand not found: frob\n\
         Hint: type \"help\" for the list of commands\n"
    );
}

#[test]
fn topics() {
    let env = Env::new();
    assert!(env
        .run(&["help", "--non-interactive"])
        .contains("--keep-going"));
    assert!(env.run(&["help", "--paths"]).contains("//bin"));
    let full = env.run(&["help", "-ff"]);
    assert!(full.contains("Usage: ls [-R|-r]") && full.contains("--time-format=FMT"));
}

#[test]
fn committed_reference_is_up_to_date() {
    // To refresh: UPDATE_DOCS=1 cargo test --test it cli::help
    let env = Env::new();
    let out = env
        .command(&crate::support::megash_bin())
        .args(["help", "--markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/commands.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == out.stdout,
        "docs/commands.md is stale: run `megash help --markdown > docs/commands.md`"
    );
}
