//! `cp` remote to remote: a server-side copy (no data through the client; the copy's content
//! is checked by downloading it through the library), folders with their subtree, renaming,
//! overwriting, MEGAcmd's destination errors; local endpoints hand over to transfers.

use super::{err, ok, Env, World, EMAIL, PASSWORD};

const TREE: &[&str] = &["A/", "A/x.txt", "A/sub/", "A/sub/y.txt", "B/", "f.txt"];

/// The bytes of the file at `path` (escaped path from the root), downloaded by another
/// client.
fn content(w: &World, path: &str) -> Vec<u8> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let mut cur = nodes
            .iter()
            .find(|n| n.kind == megash::api::NodeType::Root)
            .unwrap()
            .clone();
        for part in megash::cache::split_path(path) {
            cur = nodes
                .iter()
                .find(|n| n.parent == Some(cur.handle) && n.name.as_deref() == Some(&part.text))
                .unwrap_or_else(|| panic!("no {path}"))
                .clone();
        }
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        c.download(&cur, &dest).await.unwrap();
        std::fs::read(dest).unwrap()
    })
}

#[test]
fn copies_files_and_folders() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["cp", "f.txt", "B"]), ok(""));
    assert_eq!(w.run(&["cp", "f.txt", "B/g.txt"]), ok(""));
    assert_eq!(w.run(&["cp", "A", "B"]), ok(""));
    assert_eq!(w.env.run_as("mega-cp", &["A", "C"]), ok(""));
    assert_eq!(
        w.run(&["ls", "-R", "B"]),
        ok("A\n\tsub\n\t\ty.txt\n\tx.txt\nf.txt\ng.txt\n")
    );
    assert_eq!(
        w.server_paths(),
        [
            "/A/",
            "/A/sub/",
            "/A/sub/y.txt",
            "/A/x.txt",
            "/B/",
            "/B/A/",
            "/B/A/sub/",
            "/B/A/sub/y.txt",
            "/B/A/x.txt",
            "/B/f.txt",
            "/B/g.txt",
            "/C/",
            "/C/sub/",
            "/C/sub/y.txt",
            "/C/x.txt",
            "/f.txt",
        ]
    );
    assert_eq!(w.megash_logins(), 1);
    // New nodes, same content: the server reused the stored data.
    assert_ne!(
        super::handle_of(&w, "B/g.txt"),
        super::handle_of(&w, "f.txt")
    );
    assert_eq!(content(&w, "B/g.txt"), b"f.txt");
    assert_eq!(content(&w, "C/sub/y.txt"), b"A/sub/y.txt");
    // Deleting the original leaves the copy's data in place.
    assert_eq!(w.run(&["rm", "f.txt"]), ok(""));
    assert_eq!(content(&w, "B/f.txt"), b"f.txt");
}

#[test]
fn globs_overwrite_and_destination_errors() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["cp", "A/*", "B"]), ok(""));
    assert_eq!(w.run(&["ls", "B"]), ok("sub\nx.txt\n"));
    // A file onto a file replaces it (copy, then the old node is deleted).
    let old = super::handle_of(&w, "B/x.txt");
    assert_eq!(w.run(&["cp", "f.txt", "B/x.txt"]), ok(""));
    assert_ne!(super::handle_of(&w, "B/x.txt"), old);
    assert_eq!(w.run(&["ls", "B"]), ok("sub\nx.txt\n"));
    assert_eq!(content(&w, "B/x.txt"), b"f.txt");
    assert_eq!(
        w.run(&["cp", "A", "f.txt"]),
        err(55, "Cannot overwrite file with folder\n")
    );
    assert_eq!(
        w.run(&["cp", "f.txt", "A/x.txt", "new"]),
        err(55, "new must be a valid folder\n")
    );
    assert_eq!(
        w.run(&["cp", "f.txt", "f.txt"]),
        "exit: 0\n--- stdout\n--- stderr\nSource and destiny are the same\n"
    );
    // Neither in the cloud nor here: issue 4's rule says how to mark a local path.
    assert_eq!(
        w.run(&["cp", "nope", "B"]),
        err(53, "Couldn't find nope in the cloud or on the local disk (mark local paths with ./, ../, ~ or file:)\n")
    );
    assert_eq!(
        w.run(&["cp", "f.txt", "nope/x"]),
        err(53, "Couldn't find nope/x in the cloud or on the local disk (mark local paths with ./, ../, ~ or file:)\n")
    );
    assert_eq!(
        w.run(&["cp", "//bin", "B"]),
        err(56, "Unable to copy //bin: it is a root folder\n")
    );
    // `/` exists here and in the cloud: the transfer rule asks which one is meant.
    assert!(w.run(&["cp", "/", "B"]).starts_with("exit: 51\n"));
}

#[test]
fn local_endpoints_are_transfers_and_contacts_are_refused() {
    let w = World::new(TREE);
    // A local destination makes cp a download (details in cp_local.rs).
    let out = w.run(&["cp", "f.txt", "./"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(w.env.home.path().join("f.txt").exists());
    assert_eq!(w.server_paths().len(), TREE.len());
    assert_eq!(
        w.run(&["cp", "f.txt", "someone@example.com:"])
            .lines()
            .next(),
        Some("exit: 56")
    );
}

#[test]
fn hostile_names_and_not_logged_in() {
    let w = World::new(&["x\u{1b}[2J/", "x\u{1b}[2J/t\tab.txt"]);
    assert_eq!(w.run(&["cp", "x\u{1b}[2J", "a\\/b"]), ok(""));
    assert_eq!(
        w.server_paths(),
        [
            "/a\\/b/",
            "/a\\/b/t\tab.txt",
            "/x\u{1b}[2J/",
            "/x\u{1b}[2J/t\tab.txt"
        ]
    );
    assert_eq!(w.run(&["cp", "x"]).lines().next(), Some("exit: 51"));
    let env = Env::new();
    assert!(env.run(&["cp", "a", "b"]).starts_with("exit: 57\n"));
}

#[test]
fn copies_into_an_exported_folder_are_readable_through_the_link() {
    let w = World::new(TREE);
    let out = w.run(&["link", "B"]);
    let link = out
        .lines()
        .nth(2)
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    assert!(link.starts_with("https://mega.nz/folder/"), "{out}");
    assert_eq!(w.run(&["cp", "A", "f.txt", "B"]), ok(""));
    let visitor = Env::with_sim(&w.sim);
    assert_eq!(visitor.run(&["login", &link]), ok(""));
    assert_eq!(
        visitor.run(&["ls", "-R"]),
        ok("A\n\tsub\n\t\ty.txt\n\tx.txt\nf.txt\n")
    );
    // The link session is read-only: writing commands are refused before any request.
    assert_eq!(
        visitor.run(&["mkdir", "x"]).lines().next(),
        Some("exit: 56")
    );
    assert_eq!(visitor.run(&["dedupe"]), ok(""));
    assert_eq!(
        visitor.run(&["dedupe", "--mode=first"]).lines().next(),
        Some("exit: 56")
    );
}

#[test]
fn a_remote_destination_ending_in_a_slash_must_be_an_existing_folder() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Movies/", "Movies/t.mp4"]);
    assert!(w.run(&["cd", "/Docs"]).starts_with("exit: 0\n"));
    let out = w.run(&["cp", "/Movies/t.mp4", "Videos3/"]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
    assert!(
        out.contains("Couldn't find destination folder: Videos3/"),
        "{out}"
    );
    let out = w.run(&["cp", "/Movies/t.mp4", "a.txt/"]);
    assert!(out.starts_with("exit: 55\n"), "{out}");
    let out = w.run(&["mv", "/Movies/t.mp4", "Videos3/"]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
    let paths = w.server_paths();
    assert!(!paths.iter().any(|p| p.contains("Videos3")), "{paths:?}");
    // An existing folder written with a slash is that folder.
    assert!(w
        .run(&["cp", "/Movies/t.mp4", "/Docs/"])
        .starts_with("exit: 0\n"));
    assert!(w.server_paths().contains(&"/Docs/t.mp4".to_string()));
}
