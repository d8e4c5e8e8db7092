//! `export` and `link`: create, list and remove file and folder links; the links open with
//! the library (anonymous file download, folder-link listing with every name decrypted);
//! MEGAcmd's messages and exit codes.

use super::{ok, World};

const TREE: &[&str] = &[
    "Docs/",
    "Docs/a.txt",
    "Docs/sub/",
    "Docs/sub/b.txt",
    "c.txt",
];

fn link_of(out: &str) -> String {
    out.lines()
        .nth(2)
        .and_then(|l| l.rsplit(' ').next())
        .unwrap_or_else(|| panic!("no link in {out}"))
        .to_string()
}

#[test]
fn file_link_is_created_listed_and_removed() {
    let w = World::new(TREE);
    let out = w.run(&["export", "-a", "-f", "c.txt"]);
    assert!(
        out.starts_with("exit: 0\n--- stdout\nExported /c.txt: https://mega.nz/file/"),
        "{out}"
    );
    let link = link_of(&out);
    // Same link from `link`, and from the listing.
    assert_eq!(w.run(&["link", "/c.txt"]), ok(&format!("{link}\n")));
    assert_eq!(
        w.run(&["export", "c.txt"]),
        ok(&format!(
            "c.txt (5, shared as exported permanent file link: {link})\n"
        ))
    );
    // Anyone can download it with only the link.
    let bytes = download_link(&w, &link);
    assert_eq!(bytes, b"c.txt");
    let again = w.run(&["export", "-a", "-f", "c.txt"]);
    assert!(again.starts_with("exit: 64\n"), "{again}");
    assert!(
        again.contains("/c.txt is already exported. Use -d to delete it"),
        "{again}"
    );
    assert_eq!(
        w.run(&["export", "-d", "c.txt"]),
        ok("Disabled export: /c.txt\n")
    );
    assert_eq!(
        w.run(&["export", "c.txt"]),
        "exit: 53\n--- stdout\nCouldn't find anything exported below c.txt. Use -a to export it\n--- stderr\n"
    );
}

#[test]
fn folder_link_opens_every_node_and_survives_a_new_process() {
    let w = World::new(TREE);
    let link = w.run(&["link", "Docs"]);
    assert!(
        link.starts_with("exit: 0\n--- stdout\nhttps://mega.nz/folder/"),
        "{link}"
    );
    let link = link.lines().nth(2).unwrap().to_string();
    // A later process (new client, share key from the cache) prints the same link.
    assert_eq!(w.run(&["link", "Docs"]), ok(&format!("{link}\n")));
    let names = list_folder_link(&w, &link);
    assert_eq!(names, ["Docs", "a.txt", "b.txt", "sub"]);
    let json = w.run(&["export", "--json"]);
    let v: serde_json::Value = serde_json::from_str(json.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["exports"][0]["path"], "/Docs");
    assert_eq!(v["exports"][0]["type"], "folder");
    assert_eq!(v["exports"][0]["link"], link.as_str());
    // With the cache gone, the full fetch learns the key from the server's `ok`: same link.
    for f in std::fs::read_dir(w.env.state_dir().join("cache")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    assert_eq!(w.run(&["link", "Docs"]), ok(&format!("{link}\n")));
}

#[test]
fn nodes_moved_or_made_inside_an_exported_folder_open_through_its_link() {
    let w = World::new(TREE);
    let link = w.run(&["link", "Docs/sub"]);
    let link = link.lines().nth(2).unwrap().to_string();
    // A file and a folder with content moved in (`m` with `cr`), and a folder made there.
    assert_eq!(w.run(&["mkdir", "-p", "/Other/inner"]), ok(""));
    assert_eq!(w.run(&["cp", "/c.txt", "/Other/inner/d.txt"]), ok(""));
    assert_eq!(w.run(&["mv", "/c.txt", "/Docs/sub/"]), ok(""));
    assert_eq!(w.run(&["mv", "/Other", "/Docs/sub/"]), ok(""));
    assert_eq!(w.run(&["mkdir", "/Docs/sub/made"]), ok(""));
    let names = list_folder_link(&w, &link);
    assert_eq!(
        names,
        ["Other", "b.txt", "c.txt", "d.txt", "inner", "made", "sub"]
    );
}

#[test]
fn first_link_needs_the_notice_accepted_and_expiry_needs_pro() {
    let w = World::new(TREE);
    let out = w.run(&["export", "-a", "c.txt"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("pass -f"), "{out}");
    let out = w.run(&["export", "-a", "-f", "--expire=1d", "c.txt"]);
    assert!(out.starts_with("exit: 56\n"), "{out}");
    assert!(out.contains("PRO account"), "{out}");
    assert!(w
        .run(&["export", "-a", "--expire=1x", "c.txt"])
        .starts_with("exit: 51\n"));
    assert!(w
        .run(&["export", "-a", "-f", "nope"])
        .starts_with("exit: 53\n"));
}

fn download_link(w: &World, link: &str) -> Vec<u8> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        let megash::api::link::PublicLink::File {
            handle,
            key: Some(key),
        } = megash::api::link::parse(link).unwrap()
        else {
            panic!("not a file link: {link}")
        };
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        c.download_public(&handle, &key, &dest).await.unwrap();
        std::fs::read(dest).unwrap()
    })
}

fn list_folder_link(w: &World, link: &str) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        let megash::api::link::PublicLink::Folder {
            handle,
            key: Some(key),
            ..
        } = megash::api::link::parse(link).unwrap()
        else {
            panic!("not a folder link: {link}")
        };
        c.open_folder_link(&handle, key);
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let mut names: Vec<String> = nodes
            .iter()
            .map(|n| {
                n.name
                    .clone()
                    .expect("every node decrypts through the link")
            })
            .collect();
        names.sort();
        names
    })
}

#[test]
fn links_made_before_this_login_are_shown() {
    let w = World::new(TREE);
    let out = w.run(&["export", "-a", "-f", "c.txt"]);
    let link = link_of(&out);
    // A fresh login fetches the tree anew: only the answer's `ph` member names the link.
    let other = super::Env::with_sim(&w.sim);
    assert_eq!(
        other.run(&["login", "--force", super::EMAIL, super::PASSWORD]),
        ok("")
    );
    assert_eq!(
        other.run(&["export", "c.txt"]),
        ok(&format!(
            "c.txt (5, shared as exported permanent file link: {link})\n"
        ))
    );
    let ls = other.run(&["ls", "-l", "c.txt"]);
    let row = ls
        .lines()
        .find(|l| l.ends_with(" c.txt"))
        .unwrap_or_default();
    assert!(row.starts_with("-e"), "{ls}");
}
