//! The documents a user of the repository reads stand on their own: no references to files
//! outside it or to the project's issue tracker, and the demo the README starts with works.

use std::path::Path;

fn docs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for e in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            (p.display().to_string(), text)
        })
        .collect()
}

#[test]
fn readme_and_docs_cite_nothing_outside_the_repository() {
    for (name, text) in docs() {
        for (i, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            assert!(
                !lower.contains("shared/") && !lower.contains("issue "),
                "{name}:{}: {line}",
                i + 1
            );
        }
    }
}

#[test]
fn the_readme_gives_the_test_command_ci_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    let command = "cargo test --locked";
    assert!(readme.contains(command) && ci.contains(command));
}

#[test]
fn the_demo_runs_its_script_on_a_pipe_and_exits_0() {
    let home = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(crate::support::megash_bin())
        .arg("--demo")
        .env("HOME", home.path())
        .env_remove("MEGA_API_URL")
        .env_remove("MEGASH_HOME")
        .env("NO_COLOR", "1")
        .current_dir(home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("demo@megash.test"), "{stdout}");
    assert!(
        stdout.contains("Download finished: Videos/trailer.mp4"),
        "{stdout}"
    );
    assert!(stdout.contains("https://mega.nz/folder/"), "{stdout}");
    // Its temporary folder is gone, and nothing landed where it was started.
    let dir = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Everything lives in "))
        .and_then(|l| l.split(" and is removed").next())
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(!Path::new(dir).exists(), "{dir}");
    assert_eq!(std::fs::read_dir(home.path()).expect("home").count(), 0);
}

#[test]
fn the_demo_runs_piped_commands_as_a_batch() {
    let home = tempfile::tempdir().expect("tmp");
    let out = crate::cli::run_with_input(
        std::process::Command::new(crate::support::megash_bin())
            .arg("--demo")
            .env("HOME", home.path())
            .env_remove("MEGA_API_URL")
            .env_remove("MEGASH_HOME")
            .current_dir(home.path()),
        "mega-ls /Docs\nls /nothing\n",
    );
    // stdout holds only what the commands print.
    assert!(
        out.starts_with("exit: 53\n--- stdout\nnotes.md\nwelcome.txt\n--- stderr\n"),
        "{out}"
    );
}
