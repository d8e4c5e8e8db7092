//! `get`: files and folders land verified in the local folder; a re-run skips files whose
//! fingerprint matches; a different file in the way gets MEGAcmd's ` (N)` name; `-m` merges.

use super::{ok, World};

fn read(w: &World, p: &str) -> String {
    std::fs::read_to_string(w.env.home.path().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn file_rerun_and_rename() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Docs/b.md"]);
    assert_eq!(
        w.run(&["get", "/Docs/a.txt"]),
        ok("Download finished: a.txt\n")
    );
    assert_eq!(read(&w, "a.txt"), "Docs/a.txt");
    // Same fingerprint: skipped, nothing new.
    assert_eq!(
        w.run(&["get", "/Docs/a.txt"]),
        ok("Download finished: a.txt\n")
    );
    assert!(!w.env.home.path().join("a (1).txt").exists());
    // A different file in the way.
    std::fs::write(w.env.home.path().join("a.txt"), "mine").unwrap();
    assert_eq!(
        w.run(&["get", "/Docs/a.txt"]),
        ok("Download finished: a (1).txt\n")
    );
    assert_eq!(read(&w, "a (1).txt"), "Docs/a.txt");
    assert_eq!(read(&w, "a.txt"), "mine");
    // Into a folder, and to a new name.
    std::fs::create_dir(w.env.home.path().join("sub")).unwrap();
    assert_eq!(
        w.run(&["get", "Docs/b.md", "sub"]),
        ok("Download finished: sub/b.md\n")
    );
    assert_eq!(
        w.run(&["get", "Docs/b.md", "sub/c.md"]),
        ok("Download finished: sub/c.md\n")
    );
    assert_eq!(read(&w, "sub/c.md"), "Docs/b.md");
    // Globs.
    std::fs::create_dir(w.env.home.path().join("g")).unwrap();
    assert_eq!(
        w.run(&["get", "/Docs/*", "g"]),
        ok("Download finished: g/a.txt\nDownload finished: g/b.md\n")
    );
}

#[test]
fn folders_recursive_and_merge() {
    let w = World::new(&[
        "Docs/",
        "Docs/a.txt",
        "Docs/In/",
        "Docs/In/deep.txt",
        "Docs/Empty/",
    ]);
    assert_eq!(w.run(&["get", "/Docs"]), ok("Download finished: Docs\n"));
    assert_eq!(read(&w, "Docs/In/deep.txt"), "Docs/In/deep.txt");
    assert!(w.env.home.path().join("Docs/Empty").is_dir());
    // Without -m an existing folder is not touched: a new ` (1)` folder.
    assert_eq!(
        w.run(&["get", "/Docs"]),
        ok("Download finished: Docs (1)\n")
    );
    assert_eq!(read(&w, "Docs (1)/a.txt"), "Docs/a.txt");
    // -m merges; files already there with the same fingerprint are skipped.
    std::fs::remove_file(w.env.home.path().join("Docs/In/deep.txt")).unwrap();
    assert_eq!(
        w.run(&["get", "-m", "/Docs"]),
        ok("Download finished: Docs\n")
    );
    assert_eq!(read(&w, "Docs/In/deep.txt"), "Docs/In/deep.txt");
    assert!(!w.env.home.path().join("Docs/a (1).txt").exists());
    let leftovers: Vec<_> = std::fs::read_dir(w.env.home.path().join("Docs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("megash-part"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn errors() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    assert_eq!(
        w.run(&["get", "/nope"]),
        "exit: 53\n--- stdout\n--- stderr\nCouldn't find /nope\n"
    );
    assert_eq!(
        w.run(&["get", "/Docs/a.txt", "no/such/dir/x"]),
        "exit: 55\n--- stdout\n--- stderr\nno/such/dir/x is not a valid Download Folder\n"
    );
}

#[test]
fn quota_509_says_how_long_to_wait() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    let out = w.sim.cli(&["faults", "--quota-509", "77"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = w.run(&["get", "/Docs/a.txt"]);
    assert!(got.contains("77 s"), "{got}");
    assert!(!got.starts_with("exit: 0"), "{got}");
    assert!(!w.env.home.path().join("a.txt").exists());
}
