//! `dedupe`: listing duplicate names, the resolving modes (identical copies, largest, rename,
//! merging folders), `--dry-run`, `-r`, errors; results checked in the cache and on the
//! server.

use super::{err, ok, Env, World};

/// `D` holds three `x.txt` (7 bytes, 8 bytes, and an identical copy of the 8-byte one) and
/// two `sub` folders (one with `one.txt`, one with `two.txt`).
fn world() -> World {
    let w = World::new(&[
        "D/",
        "D/sub/",
        "D/sub/one.txt",
        "D/sub/",
        "D/sub/two.txt",
        "A/",
        "A/x.txt",
        "BB/",
        "BB/x.txt",
    ]);
    assert_eq!(w.run(&["mv", "A/x.txt", "D"]), ok(""));
    let bb = super::handle_of(&w, "BB/x.txt");
    assert_eq!(w.run(&["mv", &bb, "D"]), ok(""));
    assert_eq!(w.run(&["cp", &bb, "D"]), ok(""));
    assert_eq!(w.run(&["rm", "A", "BB", "-r"]), ok(""));
    w
}

const BEFORE: &[&str] = &[
    "/D/",
    "/D/sub/",
    "/D/sub/",
    "/D/sub/one.txt",
    "/D/sub/two.txt",
    "/D/x.txt",
    "/D/x.txt",
    "/D/x.txt",
];

#[test]
fn lists_duplicates() {
    let w = world();
    assert_eq!(w.run(&["dedupe"]), ok(""));
    let out = w.run(&["dedupe", "-r"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "exit: 0");
    assert_eq!(lines[2], "D/sub: 2 nodes");
    assert!(
        lines[3].starts_with("\tH:") && lines[3].contains(" folder            - "),
        "{out}"
    );
    assert_eq!(lines[5], "D/x.txt: 3 nodes");
    let sizes: Vec<&str> = lines[6..9]
        .iter()
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(sizes.iter().filter(|s| **s == "8").count(), 2, "{out}");
    assert_eq!(lines[9], "--- stderr");
    assert_eq!(w.run(&["dedupe", "D"]), out);
    assert_eq!(w.env.run_as("mega-dedupe", &["/D"]), out);
    assert_eq!(w.server_paths(), BEFORE);
}

#[test]
fn dry_run_changes_nothing() {
    let w = world();
    let out = w.run(&["dedupe", "--mode=largest", "--dry-run", "D"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert_eq!(out.matches("would remove").count(), 2, "{out}");
    assert_eq!(out.matches("(identical to H:").count(), 1, "{out}");
    assert_eq!(out.matches("would merge").count(), 1, "{out}");
    assert_eq!(w.server_paths(), BEFORE);
}

#[test]
fn largest_keeps_one_file_and_merges_folders() {
    let w = world();
    let out = w.run(&["dedupe", "--mode=largest", "D"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(out.contains("(not the largest one)"), "{out}");
    assert_eq!(w.run(&["ls", "-a", "D"]), ok("sub (folder)\nx.txt (8)\n"));
    assert_eq!(w.run(&["ls", "D/sub"]), ok("one.txt\ntwo.txt\n"));
    assert_eq!(
        w.server_paths(),
        [
            "//bin/x.txt",
            "//bin/x.txt",
            "/D/",
            "/D/sub/",
            "/D/sub/one.txt",
            "/D/sub/two.txt",
            "/D/x.txt"
        ]
    );
    // Nothing left to do.
    assert_eq!(w.run(&["dedupe", "-r", "--mode=largest"]), ok(""));
}

#[test]
fn rename_and_skip() {
    let w = world();
    let out = w.run(&["dedupe", "--mode=skip", "D"]);
    assert!(out.contains("(identical to H:"), "{out}");
    assert_eq!(w.run(&["ls", "D"]), ok("sub\nsub\nx.txt\nx.txt\n"));
    let out = w.run(&["dedupe", "--mode=rename", "-r"]);
    assert!(out.contains("rename H:"), "{out}");
    assert_eq!(w.run(&["ls", "D"]), ok("sub\nsub (1)\nx (1).txt\nx.txt\n"));
    assert_eq!(
        w.server_paths(),
        [
            "//bin/x.txt",
            "/D/",
            "/D/sub (1)/",
            "/D/sub/",
            "/D/x (1).txt",
            "/D/x.txt"
        ]
        .iter()
        .chain(
            if w.run(&["ls", "D/sub"]) == ok("one.txt\n") {
                ["/D/sub (1)/two.txt", "/D/sub/one.txt"]
            } else {
                ["/D/sub (1)/one.txt", "/D/sub/two.txt"]
            }
            .iter()
        )
        .map(|s| s.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
}

#[test]
fn recursion_and_errors() {
    let w = World::new(&["P/", "P/Q/", "P/Q/d/", "P/Q/d/"]);
    assert_eq!(w.run(&["dedupe", "P"]), ok(""));
    let out = w.run(&["dedupe", "-r", "P"]);
    assert!(out.contains("P/Q/d: 2 nodes"), "{out}");
    assert_eq!(
        w.run(&["dedupe", "--mode=first", "-r"]).lines().next(),
        Some("exit: 0")
    );
    assert_eq!(w.run(&["ls", "P/Q"]), ok("d\n"));
    assert_eq!(w.server_paths(), ["/P/", "/P/Q/", "/P/Q/d/"]);
    assert_eq!(w.run(&["dedupe", "nope"]), err(53, "Couldn't find nope\n"));
    let out = w.run(&["dedupe", "--mode=bogus"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("Invalid dedupe mode: bogus"),
        "{out}"
    );
    assert_eq!(
        w.run(&["dedupe", "--mode"]).lines().next(),
        Some("exit: 51")
    );
    let env = Env::new();
    assert!(env.run(&["dedupe"]).starts_with("exit: 57\n"));
}
