//! `cd`: relative, absolute, `..`, `H:handle`, `//bin`; errors for files and missing paths.

use super::{ok, World};

#[test]
fn moves_around() {
    let w = World::new(&["a/", "a/b/", "f.txt"]);
    assert_eq!(w.run(&["cd", "/a/b"]), ok(""));
    assert_eq!(w.run(&["pwd"]), ok("/a/b\n"));
    assert_eq!(w.run(&["cd", ".."]), ok(""));
    assert_eq!(w.run(&["pwd"]), ok("/a\n"));
    assert_eq!(w.run(&["ls"]), ok("b\n"));
    assert_eq!(w.run(&["cd", "//bin"]), ok(""));
    assert_eq!(w.run(&["pwd"]), ok("//bin\n"));
    assert_eq!(w.run(&["cd"]), ok(""));
    assert_eq!(w.run(&["pwd"]), ok("/\n"));
    let out = w.run(&["ls", "--show-handles", "a"]);
    let h = out
        .lines()
        .nth(2)
        .unwrap()
        .split('<')
        .nth(1)
        .unwrap()
        .trim_end_matches('>')
        .to_string();
    assert_eq!(w.run(&["cd", &h]), ok(""));
    assert_eq!(w.run(&["pwd"]), ok("/a/b\n"));
}

#[test]
fn errors() {
    let w = World::new(&["f.txt"]);
    assert_eq!(
        w.run(&["cd", "f.txt"]),
        "exit: 53\n--- stdout\n--- stderr\nf.txt: Not a directory\n"
    );
    assert_eq!(
        w.run(&["cd", "nope"]),
        "exit: 53\n--- stdout\n--- stderr\nCouldn't find nope\n"
    );
    assert_eq!(w.run(&["cd", "a", "b"]).lines().next(), Some("exit: 51"));
}
