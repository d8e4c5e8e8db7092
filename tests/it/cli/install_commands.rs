//! `megash install-commands [DIR]`: a mega-* entry point per table command.

use super::{ok, Env};
use megash::commands::TABLE;

#[test]
fn creates_working_entry_points() {
    let env = Env::new();
    let dir = env.home.path().join("bin");
    std::fs::create_dir(&dir).unwrap();
    let d = dir.to_str().unwrap();
    let out = env.run(&["install-commands", d]);
    assert_eq!(
        out,
        format!(
            "exit: 0\n--- stdout\nInstalled {} mega-* commands in {d}\n--- stderr\n\
             Add {d} to your PATH to run them from anywhere\n",
            TABLE.len()
        )
    );
    for cmd in TABLE {
        assert!(
            dir.join(format!("mega-{}", cmd.name)).exists(),
            "{}",
            cmd.name
        );
    }
    let run = super::snapshot(
        env.command(&dir.join("mega-errorcode"))
            .arg("53")
            .output()
            .unwrap(),
    );
    assert_eq!(run, ok("Resource not found\n"));
    // Running it again replaces its own links.
    assert!(env.run(&["install-commands", d]).starts_with("exit: 0\n"));
}

#[test]
fn leaves_foreign_files_alone_without_force() {
    let env = Env::new();
    let dir = env.home.path().join("bin");
    std::fs::create_dir(&dir).unwrap();
    let foreign = dir.join("mega-ls");
    std::fs::write(&foreign, "#!/bin/sh\nmega-exec ls \"$@\"\n").unwrap();
    let d = dir.to_str().unwrap();
    let out = env.run(&["install-commands", d]);
    assert!(
        out.contains(&format!("{}/mega-ls exists and is not a link", d)),
        "{out}"
    );
    assert!(
        out.contains(&format!("Installed {} mega-*", TABLE.len() - 1)),
        "{out}"
    );
    assert!(std::fs::read_to_string(&foreign)
        .unwrap()
        .contains("mega-exec"));
    let out = env.run(&["install-commands", "--force", d]);
    assert!(
        out.contains(&format!("Installed {} mega-*", TABLE.len())),
        "{out}"
    );
    assert!(std::fs::symlink_metadata(&foreign)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn bad_folder() {
    let env = Env::new();
    // A file where the folder should be (root may create folders anywhere, so no
    // permission-based case).
    let file = env.home.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let f = file.to_str().unwrap();
    assert_eq!(
        env.run(&["install-commands", f]),
        format!("exit: 55\n--- stdout\n--- stderr\nNot a valid folder: {f}\n")
    );
    let under = format!("{f}/bin");
    let out = env.run(&["install-commands", &under]);
    assert!(out.starts_with("exit: 59\n"), "{out}");
    assert!(out.contains(&format!("Cannot create {under}")), "{out}");
}

#[test]
fn a_missing_folder_is_created() {
    let env = Env::new();
    let dir = env.home.path().join(".local/bin");
    let d = dir.to_str().unwrap();
    let out = env.run(&["install-commands", d]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(out.contains(&format!("Created {d}")), "{out}");
    assert!(dir.join("mega-ls").exists());
}
