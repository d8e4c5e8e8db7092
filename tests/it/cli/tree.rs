//! `tree` (= `ls --tree`): MEGAcmd's box-drawing layout from the current folder, a path, a
//! file, wildcards and `--show-handles`; the errors.

use super::{err, handle_of, ok, Env, World};

const TREE: &[&str] = &[
    "Docs/",
    "Docs/a.txt",
    "Docs/old/",
    "Docs/old/x.txt",
    "Docs/old/deep/",
    "Docs/old/deep/y.txt",
    "Docs/report.pdf",
    "Pics/",
    "b.txt",
];

#[test]
fn box_drawing_from_the_current_folder_and_a_path() {
    let w = World::new(TREE);
    assert_eq!(
        w.run(&["tree"]),
        ok(".\n\
            ├── Docs\n\
            │   ├── old\n\
            │   │   ├── deep\n\
            │   │   │   └── y.txt\n\
            │   │   └── x.txt\n\
            │   ├── a.txt\n\
            │   └── report.pdf\n\
            ├── Pics\n\
            └── b.txt\n")
    );
    // The first line is the path as given.
    assert_eq!(
        w.run(&["tree", "/Docs/old"]),
        ok("/Docs/old\n├── deep\n│   └── y.txt\n└── x.txt\n")
    );
    assert_eq!(w.env.run_as("mega-tree", &["Pics"]), ok("Pics\n"));
    // Same as ls --tree.
    assert_eq!(w.run(&["tree", "Docs"]), w.run(&["ls", "--tree", "Docs"]));
    assert_eq!(w.run(&["cd", "Docs/old"]), ok(""));
    assert_eq!(
        w.run(&["tree", ".."]),
        ok("..\n├── old\n│   ├── deep\n│   │   └── y.txt\n│   └── x.txt\n├── a.txt\n└── report.pdf\n")
    );
    assert_eq!(w.run(&["tree", "x.txt"]), ok("x.txt\n"));
}

#[test]
fn show_handles_and_patterns() {
    let w = World::new(TREE);
    let old = handle_of(&w, "/Docs/old");
    let x = handle_of(&w, "/Docs/old/x.txt");
    let deep = handle_of(&w, "/Docs/old/deep");
    let y = handle_of(&w, "/Docs/old/deep/y.txt");
    assert_eq!(
        w.run(&["tree", "--show-handles", "Docs/old"]),
        ok(&format!(
            "Docs/old\n├── deep <{deep}>\n│   └── y.txt <{y}>\n└── x.txt <{x}>\n"
        ))
    );
    // A handle names the folder too.
    assert_eq!(
        w.run(&["tree", &old]),
        ok(&format!("{old}\n├── deep\n│   └── y.txt\n└── x.txt\n"))
    );
    // Wildcards (in any component) give each matching folder under a heading.
    assert_eq!(
        w.run(&["tree", "D*/o*"]),
        ok("Docs/old: \n├── deep\n│   └── y.txt\n└── x.txt\n")
    );
    assert_eq!(
        w.run(&["tree", "/*"]),
        ok("Docs: \n\
            ├── old\n\
            │   ├── deep\n\
            │   │   └── y.txt\n\
            │   └── x.txt\n\
            ├── a.txt\n\
            └── report.pdf\n\
            \n\
            Pics: \n\
            b.txt\n")
    );
}

#[test]
fn errors() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["tree", "Nope"]), err(53, "Couldn't find Nope\n"));
    assert_eq!(w.run(&["tree", "Z*"]), err(53, "Couldn't find Z*\n"));
    let out = w.run(&["tree", "Docs", "Pics"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(
        out.contains("Usage: tree [--show-handles] [remotepath]"),
        "{out}"
    );
    let out = w.run(&["tree", "-l"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("Invalid argument"), "{out}");
    assert!(Env::new()
        .run(&["tree"])
        .starts_with("exit: 57\n--- stdout\n--- stderr\nNot logged in.\n"));
}

#[test]
fn duplicate_names_are_an_error_naming_both() {
    let w = World::new(&["Dup/", "Dup/"]);
    let out = w.run(&["tree", "Dup"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(
        out.contains("Dup matches 2 nodes with the same name: H:"),
        "{out}"
    );
    assert_eq!(w.run(&["tree"]), ok(".\n├── Dup\n└── Dup\n"));
}
