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

/// `COMPREPLY` of the bash script for the words of `line` (the last one being completed),
/// run by a real bash with the committed script sourced and megash on PATH.
fn bash_complete(w: &super::World, line: &str) -> Vec<String> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/megash.bash");
    let bin_dir = crate::support::megash_bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
    let cword = words.len() - 1;
    words.iter_mut().for_each(|x| *x = format!("'{x}'"));
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _megash 2>/dev/null; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words.join(" ")
    );
    let out = w
        .env
        .command(std::path::Path::new("bash"))
        .env("PATH", path)
        .args(["-c", &program])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_script_completes_remote_then_local_for_get() {
    let w = super::World::new(&["Docs/", "Docs/a.txt"]);
    assert_eq!(bash_complete(&w, "mega-ls Do"), ["Docs/"]);
    assert_eq!(bash_complete(&w, "megash ls /Docs/"), ["/Docs/a.txt"]);
    assert_eq!(bash_complete(&w, "mega-get -m Do"), ["Docs/"]);
    // The destination of `get` is local: bash's own file completion takes it (no remote
    // candidates even though `Do` matches one).
    assert!(bash_complete(&w, "mega-get /Docs/a.txt Do").is_empty());
    assert!(bash_complete(&w, "megash get /Docs Do").is_empty());
    assert_eq!(bash_complete(&w, "megash get Do"), ["Docs/"]);
}
