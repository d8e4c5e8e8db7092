//! `link`: only the link on stdout, created when missing (details in export.rs).

use super::{ok, World};

#[test]
fn prints_only_the_link() {
    let w = World::new(&["f.txt"]);
    let out = w.run(&["link", "f.txt"]);
    assert!(
        out.starts_with("exit: 0\n--- stdout\nhttps://mega.nz/file/"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 4, "{out}");
    assert_eq!(w.run(&["link", "f.txt"]), out);
    assert!(w.run(&["link", "nope"]).starts_with("exit: 53\n"));
    assert_eq!(w.run(&["link"]).lines().next(), Some("exit: 51"));
    let _ = ok("");
}
