//! `mkdir`: silent success, `-p`, MEGAcmd's errors and codes, names that need escaping, and
//! that the new folders reach the cache and the server.

use super::{err, ok, Env, World};

#[test]
fn creates_folders_and_refuses_what_exists() {
    let w = World::new(&["f.txt"]);
    assert_eq!(w.run(&["mkdir", "a"]), ok(""));
    assert_eq!(
        w.run(&["mkdir", "a/b/c"]),
        err(51, "Use -p to create folders recursively\n")
    );
    assert_eq!(w.run(&["mkdir", "-p", "a/b/c"]), ok(""));
    assert_eq!(
        w.run(&["mkdir", "a"]),
        err(54, "Folder already exists: a\n")
    );
    assert_eq!(
        w.run(&["mkdir", "-p", "a/b/c"]),
        err(54, "Folder already exists: a/b/c\n")
    );
    assert_eq!(
        w.run(&["mkdir", "f.txt"]),
        err(54, "File already exists: f.txt\n")
    );
    assert_eq!(
        w.run(&["mkdir", "f.txt/x"]),
        err(53, "f.txt: Not a directory\n")
    );
    // Several operands: each is tried, the last failure sets the code.
    assert_eq!(
        w.run(&["mkdir", "a", "d", "/e"]),
        err(54, "Folder already exists: a\n")
    );
    assert_eq!(w.env.run_as("mega-mkdir", &["/a/b/z", "//bin/y"]), ok(""));
    assert_eq!(
        w.run(&["ls", "-R"]),
        ok("a\n\tb\n\t\tc\n\t\tz\nd\ne\nf.txt\n")
    );
    assert_eq!(w.run(&["ls", "//bin"]), ok("y\n"));
    assert_eq!(
        w.server_paths(),
        ["//bin/y/", "/a/", "/a/b/", "/a/b/c/", "/a/b/z/", "/d/", "/e/", "/f.txt"]
    );
    assert_eq!(w.megash_logins(), 1);
}

#[test]
fn relative_to_the_current_folder_and_by_handle() {
    let w = World::new(&["a/"]);
    assert_eq!(w.run(&["cd", "a"]), ok(""));
    assert_eq!(w.run(&["mkdir", "-p", "x/y", "../z"]), ok(""));
    let h = super::handle_of(&w, "/a/x");
    assert_eq!(w.run(&["mkdir", &format!("{h}/w")]), ok(""));
    assert_eq!(
        w.server_paths(),
        ["/a/", "/a/x/", "/a/x/w/", "/a/x/y/", "/z/"]
    );
}

#[test]
fn hostile_names_round_trip() {
    let w = World::new(&[]);
    let names = [
        "a/b",
        "tab\there",
        "esc\u{1b}[31m",
        "back\\slash",
        "star*q?",
        "\u{fffd}\\xff",
        " lead",
    ];
    for n in names {
        let escaped = megash::cache::escape_name(n);
        assert_eq!(w.run(&["mkdir", &escaped]), ok(""), "{n:?}");
    }
    let out = w.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    let mut got: Vec<String> = v["results"][0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    // Plain ls never lets the escape sequence through to the terminal.
    assert!(!w.run(&["ls"]).contains('\u{1b}'));
    // Another client sees exactly these names.
    let mut server: Vec<String> = names
        .iter()
        .map(|n| format!("/{}/", megash::cache::escape_name(n)))
        .collect();
    server.sort();
    assert_eq!(w.server_paths(), server);
    // And each resolves again as a path.
    assert_eq!(w.run(&["mkdir", "a\\/b/c"]), ok(""));
    assert_eq!(w.run(&["ls", "a\\/b"]), ok("c\n"));
}

#[test]
fn usage_and_login_errors() {
    let w = World::new(&[]);
    assert_eq!(w.run(&["mkdir"]).lines().next(), Some("exit: 51"));
    assert_eq!(
        w.run(&["mkdir", "--bogus", "x"]).lines().next(),
        Some("exit: 51")
    );
    assert_eq!(
        w.run(&["mkdir", "nope/x"]),
        err(51, "Use -p to create folders recursively\n")
    );
    assert_eq!(
        w.run(&["mkdir", "H:AAAAAAAA/x"]).lines().next(),
        Some("exit: 51")
    );
    let env = Env::new();
    assert!(env.run(&["mkdir", "x"]).starts_with("exit: 57\n"));
}

#[test]
fn session_closed_elsewhere() {
    let w = World::new(&[]);
    // A second client logs in with the session string and logs out: the session is closed
    // on the server, so the first one's next change is refused (API code -15).
    let out = w.run(&["session"]);
    let s = out.lines().nth(2).unwrap().rsplit(' ').next().unwrap();
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", "--", s]), ok(""));
    assert_eq!(other.run(&["mkdir", "from-other"]), ok(""));
    assert_eq!(other.run(&["logout"]).lines().next(), Some("exit: 0"));
    let out = w.run(&["mkdir", "x"]);
    assert!(out.starts_with("exit: 15\n"), "{out}");
    assert!(
        out.contains("Bad session ID") && out.contains("log in again"),
        "{out}"
    );
}
