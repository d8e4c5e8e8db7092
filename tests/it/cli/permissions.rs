//! `permissions`: MEGAcmd's defaults (600/700) and checks, kept between commands, and applied
//! to what `get` writes: files and the folders it creates.

use std::os::unix::fs::PermissionsExt;

use super::{err, ok, World};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn downloads_get_the_configured_modes() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Docs/sub/", "Docs/sub/b.txt"]);
    assert_eq!(
        w.run(&["permissions"]),
        ok("Default files permissions: 600\nDefault folders permissions: 700\n")
    );
    assert_eq!(
        w.run(&["get", "/Docs/a.txt", "a1.txt"]),
        ok("Download finished: a1.txt\n")
    );
    assert_eq!(mode(&w.env.home.path().join("a1.txt")), 0o600);
    assert_eq!(
        w.run(&["permissions", "--files", "-s", "640"]),
        ok("Default files permissions: 640\n")
    );
    assert_eq!(
        w.run(&["permissions", "--folders", "-s", "750"]),
        ok("Default folders permissions: 750\n")
    );
    assert_eq!(
        w.run(&["permissions", "--folders", "-s", "650"]),
        "exit: 51\n--- stdout\n--- stderr\nInvalid permissions value: 650\n"
    );
    assert_eq!(
        w.run(&["permissions", "--files", "-s", "540"]),
        err(51, "Invalid permissions value: 540\n")
    );
    let usage = w.run(&["permissions", "-s", "640"]);
    assert!(usage.starts_with("exit: 51\n"), "{usage}");
    assert_eq!(w.run(&["get", "/Docs"]), ok("Download finished: Docs\n"));
    let docs = w.env.home.path().join("Docs");
    assert_eq!(mode(&docs), 0o750);
    assert_eq!(mode(&docs.join("sub")), 0o750);
    assert_eq!(mode(&docs.join("a.txt")), 0o640);
    assert_eq!(mode(&docs.join("sub/b.txt")), 0o640);
}
