//! `confirmcancel`: the round trip is in tests/it/cli/cancel.rs; here a link that is none, and
//! one that is not this account's, both deleting nothing.

use super::{ok, World, PASSWORD};

#[test]
fn bad_links_delete_nothing() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    let out = w.run(&["confirmcancel", "https://mega.nz/#nothing", PASSWORD]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    let out = w.run(&[
        "confirmcancel",
        "https://mega.nz/#cancelAAAAAAAAAAAAAAAAAAAAAA",
        PASSWORD,
    ]);
    assert!(!out.starts_with("exit: 0"), "{out}");
    assert_eq!(w.run(&["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
}
