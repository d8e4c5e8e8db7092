//! `import`: file and folder links copied into another account, readable there; errors.

use super::{ok, Env, World};

/// A second account on the same megasim, logged in with megash.
fn second(w: &World) -> Env {
    w.sim.add_user("other@example.com", "other password", &[]);
    let env = Env::with_sim(&w.sim);
    assert_eq!(
        env.run(&["login", "other@example.com", "other password"]),
        ok("")
    );
    env
}

#[test]
fn file_and_folder_links_land_in_the_other_account() {
    let w = World::new(&[
        "Docs/",
        "Docs/a.txt",
        "Docs/sub/",
        "Docs/sub/b.txt",
        "c.txt",
    ]);
    let file = w.env.link("c.txt");
    let folder = w.env.link("Docs");
    let env = second(&w);
    assert_eq!(
        env.run(&["import", &file]),
        ok("Import file complete: /c.txt\n")
    );
    assert_eq!(env.run(&["mkdir", "In"]), ok(""));
    assert_eq!(
        env.run(&["import", &folder, "In"]),
        ok("Imported folder complete: /In/Docs\n")
    );
    assert_eq!(
        env.run(&["ls", "-R"]),
        ok("In\n\tDocs\n\t\tsub\n\t\t\tb.txt\n\t\ta.txt\nc.txt\n")
    );
    // The copies are the other account's own: sizes and names decrypt with its keys.
    let out = env.run(&["ls", "-l", "/In/Docs/sub"]);
    assert!(out.contains("          14 "), "{out}");
    // Removing the original does not touch the imported copy.
    assert_eq!(w.run(&["rm", "-r", "-f", "Docs"]), ok(""));
    assert!(env.run(&["ls", "/In/Docs/a.txt"]).starts_with("exit: 0\n"));
}

#[test]
fn bad_links() {
    let w = World::new(&["Docs/", "c.txt"]);
    let env = second(&w);
    let out = env.run(&["import", "https://mega.nz/file/AAAAAAAA"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("no key"),
        "{out}"
    );
    let out = env.run(&["import", "not a link"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("Invalid link"),
        "{out}"
    );
    let file = w.env.link("c.txt");
    let (base, _) = file.split_once('#').unwrap();
    let wrong = format!("{base}#{}", "A".repeat(43));
    let out = env.run(&["import", &wrong]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("wrong key"),
        "{out}"
    );
    assert_eq!(env.run(&["ls"]), ok(""));
}

#[test]
fn a_file_link_imports_into_an_exported_folder_and_opens_through_its_link() {
    let w = World::new(&["c.txt"]);
    let file = w.env.link("c.txt");
    let env = second(&w);
    assert_eq!(env.run(&["mkdir", "-p", "share/deep"]), ok(""));
    let folder = env
        .run(&["link", "share"])
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    assert_eq!(
        env.run(&["import", &file, "/share"]),
        ok("Import file complete: /share/c.txt\n")
    );
    assert_eq!(
        env.run(&["import", &file, "/share/deep"]),
        ok("Import file complete: /share/deep/c.txt\n")
    );
    // Anyone with the folder link reads both: their keys were wrapped with the share key.
    let anon = Env::with_sim(&w.sim);
    let out = anon.run(&["get", &folder, "./"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let got = anon.home.path().join("share");
    assert_eq!(std::fs::read_to_string(got.join("c.txt")).unwrap(), "c.txt");
    assert_eq!(
        std::fs::read_to_string(got.join("deep/c.txt")).unwrap(),
        "c.txt"
    );
}
