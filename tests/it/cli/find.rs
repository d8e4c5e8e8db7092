//! `find`: paths relative to the current folder (absolute for `/…` and `..` operands),
//! `--pattern=` (wildcards and `--use-pcre`), `--type=`, `--size=`, `--mtime=` (with files
//! whose modification time is days old), `-l`, `--show-handles`, `--print-only-handles`,
//! `--json`, several operands and patterned operands, a folder-link session, hostile names,
//! and the errors.

use super::{err, handle_of, ok, Env, World, EMAIL, PASSWORD};

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

fn lines(v: &[&str]) -> String {
    ok(&v.iter().map(|l| format!("{l}\n")).collect::<String>())
}

#[test]
fn everything_below_the_current_folder_and_paths() {
    let w = World::new(TREE);
    assert_eq!(
        w.run(&["find"]),
        lines(&[
            ".",
            "Docs",
            "Docs/a.txt",
            "Docs/old",
            "Docs/old/x.txt",
            "Docs/report.pdf",
            "Pics",
            "Pics/cat.jpg",
            "b.txt",
        ])
    );
    assert_eq!(
        w.run(&["find", "/Docs/old", "Pics"]),
        lines(&["/Docs/old", "/Docs/old/x.txt", "Pics", "Pics/cat.jpg"])
    );
    assert_eq!(w.run(&["find", "b.txt"]), lines(&["b.txt"]));
    assert_eq!(w.run(&["cd", "Docs"]), ok(""));
    assert_eq!(
        w.env.run_as("mega-find", &[]),
        lines(&[".", "a.txt", "old", "old/x.txt", "report.pdf"])
    );
    // `..` in the operand: absolute paths, as MEGAcmd.
    assert_eq!(
        w.run(&["find", "../Pics"]),
        lines(&["/Pics", "/Pics/cat.jpg"])
    );
    assert_eq!(w.run(&["find", "old/.."]).lines().nth(2), Some("/Docs"));
    // A handle; outside the current folder shows absolute.
    let pics = handle_of(&w, "/Pics");
    assert_eq!(w.run(&["find", &pics]), lines(&["/Pics", "/Pics/cat.jpg"]));
    assert_eq!(w.run(&["find", "//bin"]), lines(&["//bin"]));
    assert_eq!(w.run(&["find", "//in"]), lines(&["//in"]));
    assert_eq!(w.run(&["rm", "-r", "--trash", "/Pics"]), ok(""));
    assert_eq!(
        w.run(&["find", "//bin"]),
        lines(&["//bin", "//bin/Pics", "//bin/Pics/cat.jpg"])
    );
}

#[test]
fn pattern_type_and_size() {
    let w = World::new(TREE);
    assert_eq!(
        w.run(&["find", "--pattern=*.txt"]),
        lines(&["Docs/a.txt", "Docs/old/x.txt", "b.txt"])
    );
    assert_eq!(
        w.run(&["find", "--pattern=?.txt", "Docs"]),
        lines(&["Docs/a.txt", "Docs/old/x.txt"])
    );
    assert_eq!(
        w.run(&["find", "/", "--type=d"]),
        lines(&["/Docs", "/Docs/old", "/Pics"])
    );
    assert_eq!(
        w.run(&["find", "Docs", "--type=f"]),
        lines(&["Docs/a.txt", "Docs/old/x.txt", "Docs/report.pdf"])
    );
    // +N: at least N; -N: at most N; both: between. Folders never pass a size test.
    assert_eq!(
        w.run(&["find", "--size=+14B"]),
        lines(&["Docs/old/x.txt", "Docs/report.pdf"])
    );
    assert_eq!(
        w.run(&["find", "--size=-12b"]),
        lines(&["Docs/a.txt", "Pics/cat.jpg", "b.txt"])
    );
    assert_eq!(
        w.run(&["find", "--size=-14B+11B"]),
        lines(&["Docs/old/x.txt", "Pics/cat.jpg"])
    );
    assert_eq!(w.run(&["find", "--size=+1K"]), ok(""));
    // Every constraint at once.
    assert_eq!(
        w.run(&["find", "/", "--type=f", "--pattern=*.*", "--size=-1M+11B"]),
        lines(&["/Docs/old/x.txt", "/Docs/report.pdf", "/Pics/cat.jpg"])
    );
}

#[test]
fn modification_times() {
    let w = World::new(&["Docs/", "Docs/new.txt"]);
    upload_with_age(&w, "old.txt", 10 * 86_400);
    upload_with_age(&w, "older.txt", 400 * 86_400);
    assert_eq!(
        w.run(&["find", "--type=f", "--mtime=-1h"]),
        lines(&["Docs/new.txt"])
    );
    assert_eq!(
        w.run(&["find", "--type=f", "--mtime=+1d"]),
        lines(&["old.txt", "older.txt"])
    );
    assert_eq!(
        w.run(&["find", "--type=f", "--mtime=+1y"]),
        lines(&["older.txt"])
    );
    assert_eq!(
        w.run(&["find", "--type=f", "--mtime=-1m+5d"]),
        lines(&["old.txt"])
    );
    assert_eq!(w.run(&["find", "--type=f", "--mtime=+11d-1y"]), ok(""));
    assert_eq!(
        w.run(&["find", "--type=f", "--mtime=-2y1d12h30M15s"]),
        lines(&["Docs/new.txt", "old.txt", "older.txt"])
    );
}

/// Upload `name` to the root with a local modification time `age` seconds ago.
fn upload_with_age(w: &World, name: &str, age: u64) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let root = nodes
            .iter()
            .find(|n| n.kind == megash::api::NodeType::Root)
            .unwrap()
            .handle;
        let tmp = tempfile::tempdir().unwrap();
        let local = tmp.path().join(name);
        std::fs::write(&local, name).unwrap();
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
        std::fs::File::options()
            .write(true)
            .open(&local)
            .unwrap()
            .set_modified(when)
            .unwrap();
        c.upload_file(root, &local, None).await.unwrap();
    });
}

#[test]
fn long_listing_and_handles() {
    let w = World::new(TREE);
    let link = w
        .run(&["link", "b.txt"])
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    assert_eq!(
        w.run(&["find", "-l"]),
        lines(&[
            ". (root node)",
            "Docs (folder)",
            "Docs/a.txt (10)",
            "Docs/old (folder)",
            "Docs/old/x.txt (14)",
            "Docs/report.pdf (15)",
            "Pics (folder)",
            "Pics/cat.jpg (12)",
            &format!("b.txt (5, shared as exported permanent file link: {link})"),
        ])
    );
    let old = handle_of(&w, "/Docs/old");
    let x = handle_of(&w, "/Docs/old/x.txt");
    assert_eq!(
        w.run(&["find", "Docs/old", "--show-handles"]),
        lines(&[
            &format!("Docs/old <{old}>"),
            &format!("Docs/old/x.txt <{x}>")
        ])
    );
    assert_eq!(
        w.run(&["find", "Docs/old", "-l", "--show-handles"]),
        lines(&[
            &format!("Docs/old <{old}> (folder)"),
            &format!("Docs/old/x.txt <{x}> (14)")
        ])
    );
    assert_eq!(
        w.run(&["find", "Docs/old", "--print-only-handles"]),
        lines(&[&old, &x])
    );
    // An exported folder shows its folder link (from the share key the cache keeps).
    let folder_link = w
        .run(&["link", "Docs/old"])
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    assert!(
        folder_link.starts_with("https://mega.nz/folder/"),
        "{folder_link}"
    );
    assert_eq!(
        w.run(&["find", "Docs/old", "-l", "--type=d"]),
        lines(&[&format!(
            "Docs/old (folder, shared as exported permanent folder link: {folder_link})"
        )])
    );
    let out = w.run(&["find", "--json", "Docs/old", "--type=d"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["results"][0]["exported"], true);
    assert_eq!(v["results"][0]["link"], folder_link.as_str());
    // The handles work as paths.
    assert_eq!(w.run(&["find", &x]), lines(&["Docs/old/x.txt"]));
}

#[test]
fn use_pcre_in_the_pattern_and_in_every_path_component() {
    let w = World::new(TREE);
    assert_eq!(
        w.run(&["find", "--use-pcre", "--pattern=(a|x)\\.txt"]),
        lines(&["Docs/a.txt", "Docs/old/x.txt"])
    );
    // Whole-name match: `.txt` alone does not match `a.txt`.
    assert_eq!(w.run(&["find", "--use-pcre", "--pattern=\\.txt"]), ok(""));
    // A wildcard pattern that is not a regex is retried as one, as MEGAcmd does.
    assert_eq!(
        w.run(&["find", "--use-pcre", "--pattern=*.jpg"]),
        lines(&["Pics/cat.jpg"])
    );
    // Regexes in two components of the search path.
    assert_eq!(
        w.run(&["find", "--use-pcre", "D[aeiou]cs/o.d"]),
        lines(&["Docs/old", "Docs/old/x.txt"])
    );
    assert_eq!(
        w.run(&["find", "--use-pcre", "/(Docs|Pics)/.*\\.(jpg|pdf)"]),
        lines(&["/Docs/report.pdf", "/Pics/cat.jpg"])
    );
    // And in ls.
    assert_eq!(
        w.run(&["ls", "--use-pcre", "D.cs/o.d"]),
        ok("Docs/old: \nx.txt\n")
    );
    assert_eq!(
        w.run(&["ls", "--use-pcre", "(Docs|Pics)/[a-c].*"]),
        ok("a.txt\ncat.jpg\n")
    );
    // Wildcards in several components without --use-pcre.
    assert_eq!(w.run(&["find", "*/*.jpg"]), lines(&["Pics/cat.jpg"]));
    // Without --use-pcre a regex is a literal name.
    assert_eq!(
        w.run(&["find", "D[aeiou]cs"]),
        err(53, "Couldn't find D[aeiou]cs\n")
    );
}

#[test]
fn json_document() {
    let w = World::new(TREE);
    let link = w
        .run(&["link", "b.txt"])
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    let out = w.run(&["find", "--json", "--pattern=*.txt"]);
    assert_eq!(out.lines().count(), 4, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    let r = v["results"].as_array().unwrap();
    let paths: Vec<&str> = r.iter().map(|n| n["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/Docs/a.txt", "/Docs/old/x.txt", "/b.txt"]);
    assert_eq!(r[2]["name"], "b.txt");
    assert_eq!(r[2]["handle"], handle_of(&w, "b.txt"));
    assert_eq!(r[2]["type"], "file");
    assert_eq!(r[2]["size"], 5);
    assert!(r[2]["mtime"].as_u64().is_some());
    assert!(r[2]["ctime"].as_i64().is_some());
    assert_eq!(r[2]["exported"], true);
    assert_eq!(r[2]["link"], link.as_str());
    assert_eq!(r[2]["undecryptable"], false);
    assert_eq!(r[0]["exported"], false);
    assert_eq!(r[0]["link"], serde_json::Value::Null);
    // The same fields as ls --json.
    let ls = w.run(&["ls", "--json", "b.txt"]);
    let ls: serde_json::Value = serde_json::from_str(ls.lines().nth(2).unwrap()).unwrap();
    let mut ls_node = ls["results"][0].clone();
    ls_node.as_object_mut().unwrap().remove("children");
    assert_eq!(r[2], ls_node);
    // Nothing found is an empty list, not an error.
    assert_eq!(
        w.run(&["find", "--json", "--pattern=zzz"]),
        ok("{\"results\":[]}\n")
    );
    let out = w.run(&["find", "--json", "Pics"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["results"][0]["type"], "folder");
    assert_eq!(v["results"][0]["size"], serde_json::Value::Null);
}

#[test]
fn in_a_folder_link_session() {
    let w = World::new(TREE);
    let link = w.run(&["link", "Docs"]).lines().nth(2).unwrap().to_string();
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", &link]), ok(""));
    assert_eq!(
        other.run(&["find"]),
        lines(&[".", "a.txt", "old", "old/x.txt", "report.pdf"])
    );
    assert_eq!(
        other.run(&["find", "/", "--type=f", "--pattern=*.txt"]),
        lines(&["/a.txt", "/old/x.txt"])
    );
    assert_eq!(other.run(&["cd", "old"]), ok(""));
    assert_eq!(other.run(&["find"]), lines(&[".", "x.txt"]));
    assert_eq!(
        other.run(&["find", "..", "--size=+15B"]),
        lines(&["/report.pdf"])
    );
    let out = other.run(&["find", "--json", "/"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["results"][1]["path"], "/a.txt");
    assert_eq!(v["results"].as_array().unwrap().len(), 5);
    // The owner's other folders are not reachable.
    assert_eq!(
        other.run(&["find", "/Pics"]),
        err(53, "Couldn't find /Pics\n")
    );
}

#[test]
fn hostile_names_print_safely() {
    let w = World::new(&["x\u{1b}[2J/", "x\u{1b}[2J/a\nb.txt"]);
    let out = w.run(&["find"]);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert_eq!(out.lines().count(), 6, "{out:?}");
    let out = w.run(&["find", "--json"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["results"][2]["name"], "a\nb.txt");
    assert_eq!(v["results"][2]["path"], "/x\u{1b}[2J/a\nb.txt");
}

#[test]
fn errors() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["find", "Nope"]), err(53, "Couldn't find Nope\n"));
    assert_eq!(w.run(&["find", "Z*"]), err(53, "Couldn't find Z*\n"));
    // A bad operand fails before anything prints.
    assert_eq!(
        w.run(&["find", "Pics", "Nope"]),
        err(53, "Couldn't find Nope\n")
    );
    assert_eq!(
        w.run(&["find", "--type=x"]),
        err(51, "Invalid type: x. Use d or f\n")
    );
    for bad in ["4M", "-4", "-4X", "+1K+2K", "-1.5M"] {
        assert_eq!(
            w.run(&["find", &format!("--size={bad}")]),
            err(51, &format!("Invalid size {bad}\n"))
        );
    }
    for bad in ["3d", "-3", "-3x", "+1h+2h"] {
        assert_eq!(
            w.run(&["find", &format!("--mtime={bad}")]),
            err(51, &format!("Invalid time {bad}\n"))
        );
    }
    let out = w.run(&["find", "--use-pcre", "--pattern=(x"]);
    assert!(
        out.starts_with("exit: 51\n--- stdout\n--- stderr\nInvalid regular expression: (x ("),
        "{out}"
    );
    assert_eq!(
        w.run(&["find", "--time-format=%Q"]),
        err(51, "Invalid time format: %Q\n")
    );
    let out = w.run(&["find", "-z"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("Invalid argument"),
        "{out}"
    );
    assert!(Env::new()
        .run(&["find"])
        .starts_with("exit: 57\n--- stdout\n--- stderr\nNot logged in.\n"));
    let w = World::new(&["Dup/", "Dup/"]);
    let out = w.run(&["find", "Dup"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(
        out.contains("Dup matches 2 nodes with the same name: H:"),
        "{out}"
    );
    assert_eq!(w.run(&["find", "D*"]), lines(&["Dup", "Dup"]));
}

#[test]
fn in_a_batch_from_stdin_like_one_shot_commands() {
    let w = World::new(TREE);
    let script = "cd Docs\n\
                  find --pattern=*.txt\n\
                  tree old\n\
                  du -h old ../b.txt\n\
                  df --json\n";
    let out = w.env.run_stdin(&[], script);
    let mut expected = String::from("a.txt\nold/x.txt\nold\n└── x.txt\n");
    expected.push_str(&format!("{:<67}{:>12}\n", "FILENAME", "SIZE"));
    expected.push_str(&format!("{:<67}{:>12}\n", "old:", "14.00  B"));
    expected.push_str(&format!("{:<67}{:>12}\n", "/b.txt:", "5.00  B"));
    expected.push_str(&format!("{}\n", "-".repeat(79)));
    expected.push_str(&format!(
        "{:<67}{:>12}\n",
        "Total storage used:", "19.00  B"
    ));
    expected.push_str("{\"roots\":[{\"bytes\":56,\"files\":5,\"folders\":3,");
    assert!(
        out.starts_with(&format!("exit: 0\n--- stdout\n{expected}")),
        "{out}"
    );
    assert!(
        out.ends_with("\"versions_bytes\":0}\n--- stderr\n"),
        "{out}"
    );
}
