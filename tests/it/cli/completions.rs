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
        "exit: 51\n--- stdout\n--- stderr\nUsage: megash completions bash|zsh|fish | megash completions fish --dir=DIR\n"
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

/// A real interactive shell in a tmux pane, on its own tmux server (removed on drop).
struct Pane {
    socket: String,
}

impl Pane {
    /// Start `program` (a shell) with `env`; `None` when tmux or the shell is missing (CI
    /// installs both: there a missing one fails).
    fn start(w: &super::World, program: &[&str], env: &[(&str, String)]) -> Option<Pane> {
        let have = |p: &str| {
            std::process::Command::new("sh")
                .args(["-c", &format!("command -v {p}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !have("tmux") || !have(program[0]) {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install tmux and {}",
                program[0]
            );
            eprintln!("skipping: no tmux or {}", program[0]);
            return None;
        }
        let socket = format!("megash-test-{}-{}", std::process::id(), program[0]);
        let mut cmd = w.env.command(std::path::Path::new("tmux"));
        cmd.args([
            "-L",
            &socket,
            "new-session",
            "-d",
            "-x",
            "160",
            "-y",
            "40",
            "--",
        ]);
        cmd.args(program);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pane = Pane { socket };
        // Keys sent before the shell reads its terminal may be dropped: wait for a prompt.
        pane.wait_for_prompt();
        Some(pane)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Wait until the shell shows its first prompt (the screen ends in `#`, `$` or `>`).
    fn wait_for_prompt(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let screen = self.tmux(&["capture-pane", "-p", "-t", "0"]);
            if screen.trim_end().ends_with(['#', '$', '>']) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no prompt; screen:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Wait until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let screen = self.tmux(&["capture-pane", "-p", "-t", "0"]);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// The environment for a shell: megash and the mega-* entry points on PATH.
fn shell_env(w: &super::World) -> Vec<(&'static str, String)> {
    let bin = w.env.home.path().join("bin");
    let out = w.run(&["install-commands", bin.to_str().unwrap()]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let exe_dir = crate::support::megash_bin().parent().unwrap().to_path_buf();
    vec![
        (
            "PATH",
            format!(
                "{}:{}:/usr/local/bin:/usr/bin:/bin",
                bin.display(),
                exe_dir.display()
            ),
        ),
        ("TERM", "xterm".into()),
        (
            "XDG_CONFIG_HOME",
            w.env.home.path().join(".config").display().to_string(),
        ),
        (
            "XDG_DATA_HOME",
            w.env.home.path().join(".local/share").display().to_string(),
        ),
    ]
}

#[test]
fn zsh_completes_remote_paths_of_mega_commands() {
    let w = super::World::new(&["Docs/", "Downloads/"]);
    let zfunc = w.env.home.path().join("zfunc");
    std::fs::create_dir(&zfunc).unwrap();
    let out = w
        .env
        .command(&crate::support::megash_bin())
        .args(["completions", "zsh"])
        .output()
        .unwrap();
    std::fs::write(zfunc.join("_megash"), out.stdout).unwrap();
    let Some(pane) = Pane::start(&w, &["zsh", "-f"], &shell_env(&w)) else {
        return;
    };
    pane.keys(&[
        &format!(
            "fpath=({} $fpath); autoload -Uz compinit; compinit -u; PS1='rea''dy> '",
            zfunc.display()
        ),
        "Enter",
    ]);
    pane.wait_for("ready>");
    pane.keys(&["mega-ls /Do", "Tab"]);
    let screen = pane.wait_for("/Downloads/");
    assert!(screen.contains("/Docs/"), "{screen}");
    pane.keys(&["C-u", "megash cd /Dow", "Tab"]);
    pane.wait_for("megash cd /Downloads/");
}

#[test]
fn fish_completes_remote_paths_of_mega_commands_from_their_own_files() {
    let w = super::World::new(&["Docs/", "Downloads/"]);
    let env = shell_env(&w);
    let dir = w.env.home.path().join(".config/fish/completions");
    let out = w.run(&["completions", "fish", &format!("--dir={}", dir.display())]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let Some(pane) = Pane::start(&w, &["fish"], &env) else {
        return;
    };
    pane.keys(&["function fish_prompt; echo 'rea''dy> '; end", "Enter"]);
    pane.wait_for("ready>");
    // No `megash` completion first: the mega-ls file must load on its own.
    pane.keys(&["mega-ls /Do", "Tab"]);
    let screen = pane.wait_for("/Downloads/");
    assert!(screen.contains("/Docs/"), "{screen}");
}

#[test]
fn bash_completes_remote_paths_of_mega_commands_interactively() {
    let w = super::World::new(&["Docs/", "Downloads/"]);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/megash.bash");
    let Some(pane) = Pane::start(&w, &["bash", "--norc", "--noprofile"], &shell_env(&w)) else {
        return;
    };
    pane.keys(&[
        &format!("source '{}'; PS1='rea''dy> '", script.display()),
        "Enter",
    ]);
    pane.wait_for("ready>");
    pane.keys(&["mega-ls /Do", "Tab", "Tab"]);
    let screen = pane.wait_for("/Downloads/");
    assert!(screen.contains("/Docs/"), "{screen}");
}
