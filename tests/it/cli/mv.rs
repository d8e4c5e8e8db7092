//! `mv`: into a folder, rename in place, move and rename, replacing a file, several sources,
//! globs, names that need escaping, MEGAcmd's errors, and that the result reaches the cache
//! and the server.

use super::{err, ok, Env, World};

const TREE: &[&str] = &["A/", "A/x.txt", "B/", "f.txt", "g.txt", "h.md"];

#[test]
fn into_folders_and_renames() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["mv", "f.txt", "A"]), ok(""));
    assert_eq!(w.run(&["mv", "g.txt", "g2.txt"]), ok(""));
    assert_eq!(w.run(&["mv", "A/x.txt", "B/y.txt"]), ok(""));
    assert_eq!(w.env.run_as("mega-mv", &["h.md", "/B/"]), ok(""));
    assert_eq!(
        w.run(&["ls", "-R"]),
        ok("A\n\tf.txt\nB\n\th.md\n\ty.txt\ng2.txt\n")
    );
    assert_eq!(
        w.server_paths(),
        ["/A/", "/A/f.txt", "/B/", "/B/h.md", "/B/y.txt", "/g2.txt"]
    );
    // A folder moves with its subtree, and `..` works as a destination.
    assert_eq!(w.run(&["cd", "B"]), ok(""));
    assert_eq!(w.run(&["mv", "/A", "."]), ok(""));
    assert_eq!(w.run(&["mv", "h.md", ".."]), ok(""));
    assert_eq!(
        w.server_paths(),
        ["/B/", "/B/A/", "/B/A/f.txt", "/B/y.txt", "/g2.txt", "/h.md"]
    );
    assert_eq!(w.megash_logins(), 1);
}

#[test]
fn several_sources_and_globs() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["mv", "*.txt", "h.md", "B"]), ok(""));
    assert_eq!(w.run(&["ls", "B"]), ok("f.txt\ng.txt\nh.md\n"));
    assert_eq!(
        w.run(&["mv", "B/f.txt", "B/g.txt", "new"]),
        err(55, "new must be a valid folder\n")
    );
    assert_eq!(
        w.run(&["mv", "B/f.txt", "B/g.txt", "B/h.md"]),
        err(55, "B/h.md must be a valid folder\n")
    );
    assert_eq!(w.run(&["ls", "B"]), ok("f.txt\ng.txt\nh.md\n"));
}

#[test]
fn a_file_destination_is_replaced() {
    let w = World::new(TREE);
    let f = super::handle_of(&w, "f.txt");
    assert_eq!(w.run(&["mv", "f.txt", "A/x.txt"]), ok(""));
    assert_eq!(super::handle_of(&w, "A/x.txt"), f);
    assert_eq!(
        w.server_paths(),
        ["/A/", "/A/x.txt", "/B/", "/g.txt", "/h.md"]
    );
    assert_eq!(
        w.run(&["mv", "B", "g.txt"]),
        err(55, "Cannot overwrite file with folder\n")
    );
}

#[test]
fn same_source_and_destination() {
    let w = World::new(TREE);
    // MEGAcmd prints this and exits 0.
    assert_eq!(
        w.run(&["mv", "g.txt", "g.txt"]),
        "exit: 0\n--- stdout\n--- stderr\nSource and destiny are the same\n"
    );
    assert_eq!(
        w.run(&["mv", "A", "A"]),
        "exit: 0\n--- stdout\n--- stderr\nSource and destiny are the same\n"
    );
    // Already there: nothing to do.
    assert_eq!(w.run(&["mv", "A/x.txt", "A"]), ok(""));
    // Into its own subtree: the server refuses (API code -10).
    assert_eq!(
        w.run(&["mv", "/", "A"]),
        err(56, "Unable to move /: it is a root folder\n")
    );
    assert_eq!(w.run(&["mkdir", "A/in"]), ok(""));
    assert_eq!(
        w.run(&["mv", "A", "A/in"]),
        err(10, "Failed to move node: Circular linkage detected\n")
    );
}

#[test]
fn hostile_names() {
    let w = World::new(&["x\u{1b}[2J/", "n\u{0}ul.txt"]);
    let nul = super::handle_of(&w, "n\u{0}ul.txt".replace('\u{0}', "?").as_str());
    assert_eq!(w.run(&["mv", &nul, "x\u{1b}[2J"]), ok(""));
    assert_eq!(w.run(&["mv", "x\u{1b}[2J", "a\\/b\t"]), ok(""));
    assert_eq!(w.server_paths(), ["/a\\/b\t/", "/a\\/b\t/n\u{0}ul.txt"]);
    let out = w.run(&["ls", "a\\/b\t"]);
    assert!(out.starts_with("exit: 0\n"), "{out:?}");
    assert!(!out.contains('\u{0}'), "{out:?}");
}

#[test]
fn errors() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["mv", "nope", "A"]), err(53, "Couldn't find nope\n"));
    assert_eq!(
        w.run(&["mv", "f.txt", "nope/x"]),
        err(53, "Couldn't find nope\n")
    );
    assert_eq!(w.run(&["mv", "f.txt"]).lines().next(), Some("exit: 51"));
    let out = w.run(&["mv", "f.txt", "./local"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("use get"),
        "{out}"
    );
    let env = Env::new();
    assert!(env.run(&["mv", "a", "b"]).starts_with("exit: 57\n"));
    assert_eq!(
        w.server_paths(),
        ["/A/", "/A/x.txt", "/B/", "/f.txt", "/g.txt", "/h.md"]
    );
}
