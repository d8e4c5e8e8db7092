//! `put`: files and folders upload with the `c` fingerprint; a re-run skips what is already
//! there; `-c` creates the destination path; MEGAcmd's message without it.

use super::{ok, World};

fn random(len: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut v = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

#[test]
fn files_folders_and_reruns() {
    let w = World::new(&["Docs/"]);
    let home = w.env.home.path();
    let data = random(5 * 1024 * 1024 + 17);
    std::fs::write(home.join("x.bin"), &data).unwrap();
    assert_eq!(
        w.run(&["put", "x.bin", "/Docs"]),
        ok("Upload finished: x.bin\n")
    );
    assert_eq!(
        w.run(&["put", "x.bin", "/Docs"]),
        ok("Upload finished: x.bin\n")
    );
    assert_eq!(
        w.run(&["ls", "/Docs"]),
        ok("x.bin\n"),
        "re-run skipped the same file"
    );
    std::fs::create_dir(home.join("back")).unwrap();
    assert_eq!(
        w.run(&["get", "/Docs/x.bin", "back"]),
        ok("Download finished: back/x.bin\n")
    );
    assert_eq!(std::fs::read(home.join("back/x.bin")).unwrap(), data);

    // A folder, recursively, and a single file under a new name.
    std::fs::create_dir_all(home.join("tree/sub")).unwrap();
    std::fs::write(home.join("tree/one.txt"), "1").unwrap();
    std::fs::write(home.join("tree/sub/two.txt"), "").unwrap();
    assert_eq!(
        w.run(&["put", "tree", "/Docs"]),
        ok("Upload finished: tree\n")
    );
    assert_eq!(
        w.run(&["ls", "-R", "/Docs/tree"]),
        ok("sub\n\ttwo.txt\none.txt\n")
    );
    assert_eq!(
        w.run(&["put", "tree/one.txt", "/Docs/renamed.txt"]),
        ok("Upload finished: tree/one.txt\n")
    );
    assert_eq!(w.run(&["cat", "/Docs/renamed.txt"]), ok("1"));
}

#[test]
fn destination_folders() {
    let w = World::new(&["Docs/"]);
    std::fs::write(w.env.home.path().join("f.txt"), "f").unwrap();
    assert_eq!(
        w.run(&["put", "f.txt", "/New/Deeper/"]),
        "exit: 53\n--- stdout\n--- stderr\nCouldn't find destination folder: /New/Deeper/. Use -c to create folder structure\n"
    );
    assert_eq!(
        w.run(&["put", "-c", "f.txt", "/New/Deeper/"]),
        ok("Upload finished: f.txt\n")
    );
    assert_eq!(w.run(&["cat", "/New/Deeper/f.txt"]), ok("f"));
    assert_eq!(
        w.run(&["put", "missing.txt", "/Docs"]),
        "exit: 53\n--- stdout\n--- stderr\nUnable to open local path: missing.txt\n"
    );
    // One operand: into the current folder.
    assert_eq!(w.run(&["put", "f.txt"]), ok("Upload finished: f.txt\n"));
    assert_eq!(w.run(&["cat", "/f.txt"]), ok("f"));
}

#[test]
fn a_full_account_is_a_clear_error_and_leaves_nothing_behind() {
    let w = World::new(&[]);
    assert!(w
        .sim
        .cli(&["user", "storage", super::EMAIL, "100K"])
        .status
        .success());
    std::fs::write(w.env.home.path().join("a.bin"), random(70_000)).unwrap();
    assert_eq!(
        w.run(&["put", "a.bin", "/"]),
        ok("Upload finished: a.bin\n")
    );
    let full = "exit: 17\n--- stdout\n--- stderr\nFailed to upload: Over quota\nHint: the \
                account's storage is full: `df` shows what is used; empty the rubbish bin or \
                remove files to make room\n";
    assert_eq!(w.run(&["put", "a.bin", "/b.bin"]), full);
    let out = w.run(&["cp", "/a.bin", "/c.bin"]);
    assert!(out.starts_with("exit: 17\n"), "{out}");
    assert_eq!(w.run(&["ls"]), ok("a.bin\n"));
}
