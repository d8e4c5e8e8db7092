//! The rubbish bin: `rm --trash` records where nodes came from (`rr`, read back by another
//! client), `restore` puts them back there (or at the root when that folder is gone), `mv` out
//! of the bin drops the mark, and `rm --empty-trash` empties the bin (`dr`) for good.

use super::{err, ok, World, EMAIL, PASSWORD};

#[test]
fn trash_restore_and_empty() {
    let w = World::new(&[
        "Docs/",
        "Docs/a.txt",
        "Docs/b.txt",
        "Old/",
        "Old/c.txt",
        "d.txt",
    ]);
    assert_eq!(
        w.run(&["rm", "--trash", "Docs/a.txt", "Docs/b.txt"]),
        ok("")
    );
    assert_eq!(w.run(&["rm", "-r", "--trash", "Old"]), ok(""));
    // Another client sees where each came from: MEGA's `rr` attribute.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let nodes = rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        c.fetch_nodes().await.unwrap().nodes
    });
    let docs = nodes
        .iter()
        .find(|n| n.name.as_deref() == Some("Docs"))
        .unwrap();
    let a = nodes
        .iter()
        .find(|n| n.name.as_deref() == Some("a.txt"))
        .unwrap();
    assert_eq!(a.restore_to(), Some(docs.handle));
    assert_eq!(
        w.run(&["restore", "//bin/a.txt"]),
        ok("Restored //bin/a.txt to /Docs/a.txt\n")
    );
    assert_eq!(w.run(&["ls", "/Docs"]), ok("a.txt\n"));
    // Back out of the bin, the mark is gone.
    let a = rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        nodes
            .into_iter()
            .find(|n| n.name.as_deref() == Some("a.txt"))
            .unwrap()
    });
    assert_eq!(a.restore_to(), None);
    // A node whose folder is in the bin too goes to the root.
    assert_eq!(
        w.run(&["restore", "//bin/Old/c.txt"]),
        ok("Restored //bin/Old/c.txt to /c.txt\n")
    );
    assert_eq!(
        w.run(&["restore", "/d.txt"]),
        err(54, "/d.txt is not in the rubbish bin\n")
    );
    let root = w.run(&["restore", "//bin"]);
    assert!(
        root.contains("is a root folder") && !root.starts_with("exit: 0"),
        "{root}"
    );
    // mv out of the bin works as well (and drops the mark).
    assert_eq!(w.run(&["mv", "//bin/b.txt", "/Docs"]), ok(""));
    assert_eq!(w.run(&["ls", "/Docs"]), ok("a.txt\nb.txt\n"));
    assert_eq!(w.run(&["ls", "//bin"]), ok("Old\n"));
    assert_eq!(w.run(&["rm", "--empty-trash"]), ok(""));
    assert_eq!(w.run(&["ls", "//bin"]), ok(""));
    assert_eq!(
        w.run(&["rm", "--empty-trash"]),
        err(0, "The rubbish bin is already empty\n")
    );
    assert_eq!(
        w.server_paths(),
        ["/Docs/", "/Docs/a.txt", "/Docs/b.txt", "/c.txt", "/d.txt"]
    );
}
