//! The committed completion scripts match what the table generates now. To refresh them:
//! `UPDATE_COMPLETIONS=1 cargo test --test it cli::completions`.

use super::Env;
use megash::shell::completions::Shell;

#[test]
fn committed_scripts_are_up_to_date() {
    let env = Env::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    for (shell, file) in Shell::ALL {
        let name = format!("{shell:?}").to_lowercase();
        let out = env
            .command(&crate::support::megash_bin())
            .args(["completions", &name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &out.stdout).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run `megash completions {name} > completions/{file}` \
             or UPDATE_COMPLETIONS=1 cargo test --test it cli::completions"
        );
    }
}

#[test]
fn unknown_shell_is_usage() {
    let env = Env::new();
    assert_eq!(
        env.run(&["completions", "tcsh"]),
        "exit: 51\n--- stdout\n--- stderr\nUsage: megash completions bash|zsh|fish\n"
    );
}

#[test]
fn complete_callback_answers_without_login() {
    let env = Env::new();
    assert_eq!(env.run(&["__complete", "ls", "/"]), super::ok(""));
    assert_eq!(
        env.run(&["__complete", "help", "err"]),
        super::ok("errorcode\n")
    );
}
