//! `du`: MEGAcmd's table (header, `<path>:` rows, dashes, total) with `-h`, `--versions`,
//! `--path-display-size=`, several operands, wildcards and `--use-pcre` in several path
//! components; `--json`; a folder-link session; the errors.

use super::{err, handle_of, ok, Env, World};

/// Files hold their own path: a.txt 10 bytes, x.txt 14, report.pdf 15, cat.jpg 12, b.txt 5.
const TREE: &[&str] = &[
    "Docs/",
    "Docs/a.txt",
    "Docs/old/",
    "Docs/old/x.txt",
    "Docs/report.pdf",
    "Pics/",
    "Pics/cat.jpg",
    "b.txt",
];

/// The table MEGAcmd prints for `rows` with a path column of `w` (COLUMNS=80 gives 67).
fn table(w: usize, rows: &[(&str, &str)], total: &str) -> String {
    let mut s = format!("{:<w$}{:>12}\n", "FILENAME", "SIZE");
    for (p, size) in rows {
        s.push_str(&format!("{:<w$}{size:>12}\n", format!("{p}:")));
    }
    s.push_str(&"-".repeat(w + 12));
    s.push('\n');
    s.push_str(&format!("{:<w$}{total:>12}\n", "Total storage used:"));
    ok(&s)
}

#[test]
fn sizes_of_the_current_folder_and_of_paths() {
    let w = World::new(TREE);
    let out = w.run(&["du"]);
    assert_eq!(out, table(67, &[("/", "56")], "56"));
    // One literal line, so the layout is pinned without the helper.
    assert!(
        out.contains(&format!(
            "\nFILENAME{}SIZE\n/:{}56\n",
            " ".repeat(67),
            " ".repeat(75)
        )),
        "{out}"
    );
    assert_eq!(
        w.run(&["du", "Docs", "b.txt", "/Pics/cat.jpg"]),
        table(
            67,
            &[("Docs", "39"), ("b.txt", "5"), ("/Pics/cat.jpg", "12")],
            "56"
        )
    );
    assert_eq!(w.run(&["cd", "Docs"]), ok(""));
    // Relative operands show relative to the current folder; `.` is the folder itself.
    assert_eq!(
        w.run(&["du", ".", "old", "../Pics"]),
        table(67, &[("/Docs", "39"), ("old", "14"), ("/Pics", "12")], "65")
    );
    let pics = handle_of(&w, "/Pics");
    assert_eq!(
        w.env.run_as("mega-du", &[&pics]),
        table(67, &[("/Pics", "12")], "12")
    );
}

#[test]
fn human_sizes_versions_column_and_path_width() {
    let w = World::new(TREE);
    assert_eq!(
        w.run(&["du", "-h", "Docs"]),
        table(67, &[("Docs", "39.00  B")], "39.00  B")
    );
    // --versions adds the S.WITH VERS column (the same figure: megash keeps no versions),
    // and the default path column shrinks by 11 as MEGAcmd's clients make it.
    let w56 = 56;
    assert_eq!(
        w.run(&["du", "--versions", "Docs"]),
        ok(&format!(
            "{:<w56$}{:>12}{:>12}\n{:<w56$}{:>12}{:>12}\n{}\n{:<w56$}{:>12}{:>12}\n",
            "FILENAME",
            "SIZE",
            "S.WITH VERS",
            "Docs:",
            "39",
            "39",
            "-".repeat(80),
            "Total storage used:",
            "39",
            "39"
        ))
    );
    assert_eq!(
        w.run(&["du", "--path-display-size=0", "Docs"]),
        table(67, &[("Docs", "39")], "39")
    );
    // A narrow path column cuts long paths in the middle.
    assert_eq!(
        w.run(&["du", "--path-display-size=10", "/Pics/cat.jpg", "b.txt"]),
        ok("FILENAME          SIZE\n\
            /Pi...jpg:          12\n\
            b.txt:               5\n\
            ----------------------\n\
            Tot...sed:          17\n")
    );
}

#[test]
fn patterns_give_a_row_per_match() {
    let w = World::new(TREE);
    assert_eq!(
        w.run(&["du", "*"]),
        table(67, &[("Docs", "39"), ("Pics", "12"), ("b.txt", "5")], "56")
    );
    // Wildcards in several components.
    assert_eq!(
        w.run(&["du", "/*/*.txt"]),
        table(67, &[("/Docs/a.txt", "10")], "10")
    );
    // --use-pcre: every component is a regex (whole-name match).
    assert_eq!(
        w.run(&["du", "--use-pcre", "(Docs|Pics)/(old|c.t\\.jpg)"]),
        table(67, &[("Docs/old", "14"), ("Pics/cat.jpg", "12")], "26")
    );
    // Without --use-pcre the same text is a literal name.
    assert_eq!(
        w.run(&["du", "(Docs|Pics)/old"]),
        err(53, "(Docs|Pics)/old: No such file or directory\n")
    );
}

#[test]
fn json_document() {
    let w = World::new(TREE);
    let out = w.run(&["du", "--json", "Docs", "b.txt"]);
    let line = out.lines().nth(2).unwrap();
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("{out}"));
    assert_eq!(v["total_bytes"], 44);
    let r = v["results"].as_array().unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["path"], "/Docs");
    assert_eq!(r[0]["handle"], handle_of(&w, "/Docs"));
    assert_eq!(r[0]["type"], "folder");
    assert_eq!(r[0]["bytes"], 39);
    assert_eq!(r[0]["files"], 3);
    assert_eq!(r[0]["folders"], 1);
    assert_eq!(r[1]["path"], "/b.txt");
    assert_eq!(r[1]["type"], "file");
    assert_eq!(r[1]["bytes"], 5);
    assert_eq!(r[1]["files"], 1);
    assert_eq!(r[1]["folders"], 0);
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn in_a_folder_link_session() {
    let w = World::new(TREE);
    let link = w.run(&["link", "Docs"]).lines().nth(2).unwrap().to_string();
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", &link]), ok(""));
    // The link's folder is `/`.
    assert_eq!(other.run(&["du"]), table(67, &[("/", "39")], "39"));
    assert_eq!(
        other.run(&["du", "-h", "old", "/a.txt"]),
        table(
            67,
            &[("old", "14.00  B"), ("/a.txt", "10.00  B")],
            "24.00  B"
        )
    );
    assert_eq!(
        other.run(&["du", "/Pics"]),
        err(53, "/Pics: No such file or directory\n")
    );
    let out = other.run(&["du", "--json", "*.txt"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["results"][0]["path"], "/a.txt");
    assert_eq!(v["total_bytes"], 10);
}

#[test]
fn errors() {
    let w = World::new(TREE);
    assert_eq!(
        w.run(&["du", "Nope"]),
        err(53, "Nope: No such file or directory\n")
    );
    // A missing operand fails the command before anything prints.
    assert_eq!(
        w.run(&["du", "Docs", "Z*"]),
        err(53, "Z*: No such file or directory\n")
    );
    assert_eq!(
        w.run(&["du", "--path-display-size=x"]),
        err(51, "Invalid path display size: x\n")
    );
    let out = w.run(&["du", "--use-pcre", "(x"]);
    assert!(
        out.starts_with("exit: 51\n--- stdout\n--- stderr\nInvalid regular expression: (x ("),
        "{out}"
    );
    let out = w.run(&["du", "-z"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("Invalid argument"), "{out}");
    assert!(Env::new()
        .run(&["du"])
        .starts_with("exit: 57\n--- stdout\n--- stderr\nNot logged in.\n"));
    let w = World::new(&["Dup/", "Dup/"]);
    let out = w.run(&["du", "Dup"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(
        out.contains("Dup matches 2 nodes with the same name: H:"),
        "{out}"
    );
    assert_eq!(
        w.run(&["du", "D*"]),
        table(67, &[("Dup", "0"), ("Dup", "0")], "0")
    );
}
