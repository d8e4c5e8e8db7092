//! `attr`: list, set, read one, delete; MEGAcmd's `_` prefix for custom attributes and
//! `--force-non-official`; errors; and that another client sees the attributes.

use super::{err, ok, Env, World, EMAIL, PASSWORD};

/// The decrypted attributes of the node named `name` under the root, as another client sees
/// them.
fn server_attrs(w: &World, name: &str) -> serde_json::Map<String, serde_json::Value> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        nodes
            .iter()
            .find(|n| n.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no {name}"))
            .attributes()
    })
}

#[test]
fn set_list_get_delete() {
    let w = World::new(&["f.txt", "D/"]);
    assert_eq!(w.run(&["attr", "f.txt"]), ok("The node has 0 attributes\n"));
    assert_eq!(
        w.run(&["attr", "f.txt", "-s", "color", "blue"]),
        ok("Node attribute color updated correctly\n")
    );
    assert_eq!(
        w.env
            .run_as("mega-attr", &["f.txt", "-s", "note", "two words"]),
        ok("Node attribute note updated correctly\n")
    );
    assert_eq!(
        w.run(&["attr", "f.txt", "-s", "lbl", "1", "--force-non-official"]),
        ok("Node attribute lbl updated correctly\n")
    );
    assert_eq!(
        w.run(&["attr", "f.txt"]),
        ok("The node has 3 attributes\n\tcolor = blue\n\tnote = two words\n\tlbl = 1\n")
    );
    assert_eq!(w.run(&["attr", "f.txt", "color"]), ok("\tcolor = blue\n"));
    assert_eq!(
        w.run(&["attr", "f.txt", "note", "--print-only-value"]),
        ok("two words\n")
    );
    let a = server_attrs(&w, "f.txt");
    assert_eq!(a["_color"], "blue");
    assert_eq!(a["lbl"], "1");
    assert_eq!(a["n"], "f.txt");
    assert!(a.contains_key("c"), "the fingerprint is kept: {a:?}");
    assert_eq!(
        w.run(&["attr", "f.txt", "-d", "color"]),
        ok("Node attribute color removed correctly\n")
    );
    assert_eq!(
        w.run(&["attr", "f.txt", "-d", "color"]),
        err(53, "Attribute not found: color\n")
    );
    assert_eq!(
        w.run(&["attr", "f.txt", "color"]),
        err(53, "Attribute not found: color\n")
    );
    assert!(!server_attrs(&w, "f.txt").contains_key("_color"));
    // Folders too; the name is untouched.
    assert_eq!(
        w.run(&["attr", "D", "-s", "x", "\u{1b}y"]),
        ok("Node attribute x updated correctly\n")
    );
    assert_eq!(
        w.run(&["attr", "D"]),
        ok("The node has 1 attributes\n\tx = \\x1by\n")
    );
    assert_eq!(server_attrs(&w, "D")["_x"], "\u{1b}y");
    assert_eq!(w.run(&["ls"]), ok("D\nf.txt\n"));
}

#[test]
fn errors() {
    let w = World::new(&["f.txt"]);
    assert_eq!(w.run(&["attr", "nope"]), err(53, "Couldn't find nope\n"));
    assert_eq!(w.run(&["attr"]).lines().next(), Some("exit: 51"));
    assert_eq!(
        w.run(&["attr", "f.txt", "-s", "x"]).lines().next(),
        Some("exit: 51")
    );
    assert_eq!(
        w.run(&["attr", "f.txt", "-d"]).lines().next(),
        Some("exit: 51")
    );
    assert_eq!(
        w.run(&["attr", "f.txt", "-s", "-d", "x", "y"])
            .lines()
            .next(),
        Some("exit: 51")
    );
    assert_eq!(
        w.run(&["attr", "f.txt", "-d", "n", "--force-non-official"]),
        err(56, "The name attribute (n) cannot be removed\n")
    );
    assert_eq!(
        w.run(&["attr", "/"]),
        err(56, "/: root folders have no attributes\n")
    );
    let env = Env::new();
    assert!(env.run(&["attr", "x"]).starts_with("exit: 57\n"));
}
