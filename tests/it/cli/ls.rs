//! `ls` layouts against a known tree: plain, -R, --tree, -l (with -h, --show-handles,
//! --time-format), -a, file operands, globs, --json, and the errors.

use super::{ok, World};

const TREE: &[&str] = &[
    "Docs/",
    "Docs/report.pdf",
    "Docs/old/",
    "Docs/old/x.txt",
    "Pics/",
    "a.txt",
];

#[test]
fn plain_recursive_and_tree() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["ls"]), ok("Docs\nPics\na.txt\n"));
    assert_eq!(w.run(&["ls", "Docs"]), ok("old\nreport.pdf\n"));
    assert_eq!(w.run(&["ls", "/Docs/old/x.txt"]), ok("Docs/old/x.txt\n"));
    assert_eq!(
        w.run(&["ls", "-R"]),
        ok("Docs\n\told\n\t\tx.txt\n\treport.pdf\nPics\na.txt\n")
    );
    assert_eq!(
        w.run(&["ls", "--tree", "Docs"]),
        ok("Docs\n├── old\n│   └── x.txt\n└── report.pdf\n")
    );
    assert_eq!(w.env.run_as("mega-ls", &["Pics"]), ok(""));
}

#[test]
fn long_listing() {
    let w = World::new(TREE);
    let out = w.run(&["ls", "-l", "Docs"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[2], "FLAGS VERS      SIZE            DATE       NAME");
    assert!(lines[3].starts_with("d---    -            - "), "{out}");
    assert!(lines[3].ends_with(" old"), "{out}");
    assert!(lines[4].starts_with("----    1           15 "), "{out}");
    assert!(lines[4].ends_with(" report.pdf"), "{out}");
    let out = w.run(&["ls", "-lh", "--time-format=ISO6081", "Docs"]);
    let line = out.lines().nth(4).unwrap();
    assert!(line.starts_with("----    1     15.00  B 20"), "{out}");
    let out = w.run(&["ls", "-l", "--time-format=%Q"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
}

#[test]
fn extra_info_and_handles() {
    let w = World::new(TREE);
    let out = w.run(&["ls", "-a"]);
    assert_eq!(out, ok("Docs (folder)\nPics (folder)\na.txt (5)\n"));
    let out = w.run(&["ls", "--show-handles", "Pics/.."]);
    for line in out.lines().skip(2).take(3) {
        assert!(line.contains(" <H:") && line.ends_with('>'), "{out}");
    }
}

#[test]
fn globs_list_each_match() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["ls", "*.txt"]), ok("a.txt\n"));
    assert_eq!(w.run(&["ls", "/D*"]), ok("Docs: \nold\nreport.pdf\n"));
    let out = w.run(&["ls", "/Z*"]);
    assert_eq!(out, "exit: 53\n--- stdout\n--- stderr\nCouldn't find /Z*\n");
}

#[test]
fn json_document() {
    let w = World::new(TREE);
    let out = w.run(&["ls", "--json", "Docs"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["query"], "Docs");
    let r = &v["results"][0];
    assert_eq!(r["path"], "/Docs");
    assert_eq!(r["type"], "folder");
    let kids = r["children"].as_array().unwrap();
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[1]["name"], "report.pdf");
    assert_eq!(kids[1]["size"], 15);
    assert_eq!(kids[1]["path"], "/Docs/report.pdf");
    assert!(kids[1]["handle"].as_str().unwrap().starts_with("H:"));
}

#[test]
fn json_recursive_streams_every_descendant_depth_first() {
    let w = World::new(TREE);
    let out = w.run(&["ls", "-R", "--json", "/*"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["query"], "/*");
    let results = v["results"].as_array().unwrap();
    let docs = results.iter().find(|r| r["path"] == "/Docs").unwrap();
    let paths: Vec<&str> = docs["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/Docs/old", "/Docs/old/x.txt", "/Docs/report.pdf"]);
    let file = results.iter().find(|r| r["type"] == "file").unwrap();
    assert_eq!(file["children"], serde_json::json!([]));
    // The same nodes as the plain recursive listing, and valid JSON for an empty folder.
    assert_eq!(w.run(&["mkdir", "/Empty"]), ok(""));
    let out = w.run(&["ls", "-R", "--json", "/Empty"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["results"][0]["children"], serde_json::json!([]));
}

#[test]
fn duplicates_are_an_error_naming_both() {
    let w = World::new(&["Dup/", "Dup/"]);
    let out = w.run(&["ls", "Dup"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("matches 2 nodes"), "{out}");
    let listed = w.run(&["ls", "--show-handles"]);
    for h in listed.lines().skip(2).take(2) {
        let h = h.split('<').nth(1).unwrap().trim_end_matches('>');
        assert!(out.contains(h), "{out} lacks {h}");
    }
    // The folder listing itself shows both.
    assert_eq!(w.run(&["ls"]), ok("Dup\nDup\n"));
}

#[test]
fn hostile_names_are_printed_safely_and_round_trip() {
    let w = World::new(&["x\u{1b}[2J/"]);
    let out = w.run(&["ls"]);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    let out = w.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["results"][0]["children"][0]["name"], "x\u{1b}[2J");
    assert_eq!(w.run(&["cd", "x\u{1b}[2J"]), ok(""));
}

#[test]
fn sees_changes_made_by_other_clients() {
    let w = World::new(&["A/"]);
    assert_eq!(w.run(&["ls"]), ok("A\n"));
    w.add(&["B/"]);
    assert_eq!(w.run(&["ls"]), ok("A\nB\n"));
    assert_eq!(w.megash_logins(), 1);
}

#[test]
fn not_logged_in() {
    let env = super::Env::new();
    assert!(env.run(&["ls"]).starts_with("exit: 57\n"));
}
