//! `rm`: files, folders with and without `-r`, globs, `--trash`, the interactive question in
//! the shell, MEGAcmd's errors and codes, and that deletions reach the cache and the server.

use super::{err, ok, Env, World};

const TREE: &[&str] = &[
    "Docs/",
    "Docs/a.txt",
    "Docs/sub/",
    "b.txt",
    "c.txt",
    "keep.md",
];

#[test]
fn deletes_files_and_folders() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["rm", "b.txt"]), ok(""));
    assert_eq!(
        w.run(&["rm", "Docs"]),
        err(
            55,
            "Unable to delete folder: Docs. Use -r to delete a folder recursively\n"
        )
    );
    // Not interactive: -r proceeds without asking, as MEGAcmd scripts expect.
    assert_eq!(w.run(&["rm", "-r", "Docs"]), ok(""));
    assert_eq!(w.run(&["ls"]), ok("c.txt\nkeep.md\n"));
    assert_eq!(w.server_paths(), ["/c.txt", "/keep.md"]);
    assert_eq!(w.megash_logins(), 1);
}

#[test]
fn globs_and_several_operands() {
    let w = World::new(TREE);
    assert_eq!(w.env.run_as("mega-rm", &["*.txt"]), ok(""));
    assert_eq!(w.run(&["ls"]), ok("Docs\nkeep.md\n"));
    assert_eq!(
        w.run(&["rm", "nope", "Docs/a.txt", "Docs/*"]),
        "exit: 55\n--- stdout\n--- stderr\nCouldn't find nope\n\
         Unable to delete folder: Docs/sub. Use -r to delete a folder recursively\n"
    );
    assert_eq!(w.run(&["ls", "Docs"]), ok("sub\n"));
    assert_eq!(w.run(&["rm", "-rf", "Docs/*"]), ok(""));
    assert_eq!(w.server_paths(), ["/Docs/", "/keep.md"]);
}

#[test]
fn trash_moves_to_the_rubbish_bin() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["rm", "--trash", "b.txt"]), ok(""));
    assert_eq!(
        w.run(&["rm", "--trash", "Docs"]),
        err(
            55,
            "Unable to delete folder: Docs. Use -r to delete a folder recursively\n"
        )
    );
    assert_eq!(w.run(&["rm", "-r", "--trash", "Docs"]), ok(""));
    assert_eq!(w.run(&["ls", "//bin"]), ok("Docs\nb.txt\n"));
    assert_eq!(
        w.run(&["rm", "--trash", "//bin/b.txt"]),
        err(
            54,
            "//bin/b.txt is already in the rubbish bin; rm without --trash deletes it\n"
        )
    );
    assert_eq!(
        w.server_paths(),
        [
            "//bin/Docs/",
            "//bin/Docs/a.txt",
            "//bin/Docs/sub/",
            "//bin/b.txt",
            "/c.txt",
            "/keep.md"
        ]
    );
    assert_eq!(w.run(&["rm", "//bin/b.txt"]), ok(""));
    assert_eq!(w.run(&["ls", "//bin"]), ok("Docs\n"));
}

#[test]
fn errors() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["rm", "nope"]), err(53, "Couldn't find nope\n"));
    assert_eq!(w.run(&["rm", "/Z*"]), err(53, "Couldn't find /Z*\n"));
    assert_eq!(
        w.run(&["rm", "-r", "/"]),
        err(56, "Unable to delete /: it is a root folder\n")
    );
    assert_eq!(w.run(&["rm"]).lines().next(), Some("exit: 51"));
    assert_eq!(
        w.run(&["rm", "-x", "b.txt"]).lines().next(),
        Some("exit: 51")
    );
    w.add(&["b.txt"]);
    let out = w.run(&["rm", "b.txt"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("matches 2 nodes"),
        "{out}"
    );
    let env = Env::new();
    assert!(env.run(&["rm", "x"]).starts_with("exit: 57\n"));
}

#[test]
fn the_shell_asks_before_deleting_a_folder() {
    let w = World::new(&["A/", "A/x.txt", "B/", "C/", "D/", "f.txt"]);
    let Some(mut pty) = super::shell::Pty::start(&w.env) else {
        return;
    };
    pty.expect("$ ");
    // Files are never asked about.
    pty.send("rm f.txt\r");
    pty.expect("$ ");
    pty.send("rm -r A\r");
    pty.expect("Are you sure to delete A ? (Yes/No/All/None): ");
    pty.send("no\r");
    pty.expect("$ ");
    pty.send("rm -r A B\r");
    pty.expect("Are you sure to delete A ? (Yes/No/All/None): ");
    pty.send("maybe\r");
    pty.expect("Are you sure to delete A ? (Yes/No/All/None): ");
    pty.send("yes\r");
    pty.expect("Are you sure to delete B ? (Yes/No/All/None): ");
    pty.send("None\r");
    pty.expect("$ ");
    pty.send("rm -r C D\r");
    pty.expect("Are you sure to delete C ? (Yes/No/All/None): ");
    pty.send("a\r");
    pty.expect("$ ");
    pty.send("rm -rf B\r");
    pty.expect("$ ");
    pty.send("ls\r");
    let listing = pty.expect("$ ");
    assert!(!listing.contains("Are you sure"), "{listing:?}");
    pty.send("quit\r");
    assert_eq!(w.server_paths(), Vec::<String>::new());
}

#[test]
fn many_matches_and_overlapping_operands() {
    // More nodes than one batched request carries, named twice, and nodes inside a folder
    // that goes too: each is removed once, nothing fails.
    let names: Vec<String> = (0..150).map(|i| format!("d{i:03}/")).collect();
    let mut tree: Vec<&str> = names.iter().map(String::as_str).collect();
    tree.extend(["K/", "K/a.txt", "L/"]);
    let w = World::new(&tree);
    assert_eq!(w.run(&["mv", "d*", "d000", "L"]), ok(""));
    assert_eq!(w.run(&["ls"]), ok("K\nL\n"));
    assert_eq!(w.server_paths().len(), 153);
    assert_eq!(
        w.run(&["rm", "-r", "L/d*", "L/d000", "K", "K/a.txt", "L/d149"]),
        ok("")
    );
    assert_eq!(w.run(&["ls", "-R"]), ok("L\n"));
    assert_eq!(w.server_paths(), ["/L/"]);
}
