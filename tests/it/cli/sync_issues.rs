//! `sync-issues`: listing, `--detail`, `--json` and their errors. The issues themselves come
//! from the scenarios in sync.rs.

use super::{ok, World};

#[test]
fn issues_list_detail_and_json() {
    let w = World::new(&["S/"]);
    assert_eq!(w.run(&["sync-issues"]), ok("There are no sync issues\n"));
    assert_eq!(w.run(&["sync-issues", "--json"]), ok("[]\n"));
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", dir.join("link")).unwrap();
    assert!(w
        .run(&["sync", dir.to_str().unwrap(), "/S"])
        .starts_with("exit: 0\n"));
    assert!(w.run(&["sync", "--once"]).starts_with("exit: 54\n"));
    let json = w.run(&["sync-issues", "--json"]);
    let body = json
        .split("--- stdout\n")
        .nth(1)
        .unwrap()
        .split("--- stderr")
        .next()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let id = v[0]["id"].as_str().unwrap();
    assert_eq!(v[0]["relative_path"], "link");
    let detail = w.run(&["sync-issues", "--detail", id]);
    assert!(detail.contains(&format!("Issue {id} of sync")), "{detail}");
    assert!(
        detail.contains("  Reason: symbolic links are not synced"),
        "{detail}"
    );
    assert!(
        detail.contains("  To do:  add -s:* to .megaignore"),
        "{detail}"
    );
    assert_eq!(w.run(&["sync-issues", "--detail", "--all"]), detail);
    let out = w.run(&["sync-issues", "--detail", "nosuch"]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
    let out = w.run(&["sync-issues", "--detail"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    // Following the advice clears it.
    assert_eq!(
        w.run(&["sync-ignore", "--add", "--", "-s:*", dir.to_str().unwrap()]),
        ok("")
    );
    assert!(w.run(&["sync", "--once"]).starts_with("exit: 0\n"));
    assert_eq!(w.run(&["sync-issues"]), ok("There are no sync issues\n"));
}
