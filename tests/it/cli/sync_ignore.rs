//! `sync-ignore`: show, add and remove rules of a sync's `.megaignore` or of the default file
//! new syncs start with; bad rules are refused with the reason.

use super::{ok, World};

#[test]
fn rules_are_shown_added_and_removed() {
    let w = World::new(&["S/"]);
    let default = "+sync:.megaignore\n-:.*\n-:~*\n-:desktop.ini\n-:Thumbs.db\n";
    assert_eq!(w.run(&["sync-ignore", "DEFAULT"]), ok(default));
    assert_eq!(
        w.run(&["sync-ignore", "--add", "--", "-d:node_modules", "DEFAULT"]),
        ok("")
    );
    let out = w.run(&["sync-ignore", "--add", "--", "nonsense", "DEFAULT"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("a rule starts with + or -"),
        "{out}"
    );
    // A new sync starts from the default file.
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    assert!(w.run(&["sync", d, "/S"]).starts_with("exit: 0\n"));
    let with = format!("{default}-d:node_modules\n");
    assert_eq!(w.run(&["sync-ignore", "--show", d]), ok(&with));
    assert_eq!(
        w.run(&["sync-ignore", "--add-exclusion", "*.bak", d]),
        ok("")
    );
    assert_eq!(
        w.run(&["sync-ignore", "--remove", "--", "-d:node_modules", d]),
        ok("")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(".megaignore")).unwrap(),
        format!("{default}-:*.bak\n")
    );
    let out = w.run(&["sync-ignore", "--remove", "--", "-f:absent", d]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
    let out = w.run(&["sync-ignore", "--show", "/not/a/sync"]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
}
