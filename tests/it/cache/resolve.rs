//! Populate, then resolve every path syntax: absolute, relative, `.`, `..`, `//bin`, `//in`,
//! `H:handle`, globs, duplicates, names with `/` and control characters.

use super::{dump, root, server_dump, Env};
use megash::api::NodeType;
use megash::cache::{CatchUp, ResolveError};

fn names(nodes: &[megash::api::Node]) -> Vec<String> {
    nodes
        .iter()
        .map(|n| n.name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn populate_then_resolve_every_syntax() {
    let env = Env::new().await;
    let c = &env.client;
    let cache = env.cache();
    assert!(!cache.is_populated().unwrap());
    // First use: a full fetch.
    assert!(matches!(
        cache.catch_up(c).await.unwrap(),
        CatchUp::FullFetch { nodes: 3 }
    ));
    let r = root(&cache);

    let docs = c.create_folder(r, "docs").await.unwrap();
    let sub = c.create_folder(docs.handle, "sub").await.unwrap();
    let slashy = c.create_folder(docs.handle, "a/b").await.unwrap();
    let ctl = c
        .create_folder(docs.handle, "tab\there\u{1}ü")
        .await
        .unwrap();
    let dup1 = c.create_folder(docs.handle, "twin").await.unwrap();
    let dup2 = c.create_folder(docs.handle, "twin").await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("x.txt");
    std::fs::write(&local, b"hello").unwrap();
    for n in ["one.txt", "two.txt", "three.md"] {
        c.upload_file(sub.handle, &local, Some(n)).await.unwrap();
    }
    let binned = c.create_folder(r, "trashme").await.unwrap();
    let rubbish = cache.root_of(NodeType::Rubbish).unwrap().unwrap();
    c.move_node(binned.handle, rubbish.handle).await.unwrap();

    // Our own changes come back through sc.
    assert!(matches!(
        cache.catch_up(c).await.unwrap(),
        CatchUp::Applied { .. }
    ));
    assert_eq!(dump(&cache), server_dump(c).await);

    let one = |p: &str, cwd| {
        cache
            .resolve_one(p, cwd)
            .unwrap()
            .unwrap_or_else(|e| panic!("{p}: {e}"))
    };
    assert_eq!(one("/", None).handle, r);
    assert_eq!(one("/docs", None).handle, docs.handle);
    assert_eq!(one("/docs/sub/", None).handle, sub.handle);
    assert_eq!(one("docs/sub", Some(r)).handle, sub.handle);
    assert_eq!(one("sub", Some(docs.handle)).handle, sub.handle);
    assert_eq!(one("./sub/.", Some(docs.handle)).handle, sub.handle);
    assert_eq!(one("..", Some(sub.handle)).handle, docs.handle);
    assert_eq!(
        one("../../docs/sub/..", Some(sub.handle)).handle,
        docs.handle
    );
    assert_eq!(one("/..", None).handle, r, ".. at the root stays there");
    assert_eq!(one("//bin", None).handle, rubbish.handle);
    assert_eq!(one("//bin/trashme", None).handle, binned.handle);
    assert_eq!(one("//in", None).kind, NodeType::Inbox, "//in is the inbox");
    assert_eq!(one(&format!("H:{}", sub.handle), None).handle, sub.handle);
    assert_eq!(
        one(&format!("H:{}/one.txt", sub.handle), None)
            .name
            .as_deref(),
        Some("one.txt")
    );
    // A name with `/`: by escaping or by handle; unescaped it is two components.
    assert_eq!(one("/docs/a\\/b", None).handle, slashy.handle);
    assert_eq!(
        one(&format!("H:{}", slashy.handle), None).name.as_deref(),
        Some("a/b")
    );
    assert_eq!(
        cache.resolve_one("/docs/a/b", None).unwrap(),
        Err(ResolveError::NotFound)
    );
    // Control characters and non-ASCII round-trip untouched.
    assert_eq!(
        one("/docs/tab\there\u{1}ü", None).name.as_deref(),
        Some("tab\there\u{1}ü")
    );
    assert_eq!(one("/docs/tab\there\u{1}ü", None).handle, ctl.handle);

    // Globs on the last component.
    let txt = cache.resolve("/docs/sub/*.txt", None).unwrap();
    assert_eq!(names(&txt), ["one.txt", "two.txt"]);
    let q = cache.resolve("sub/t?o.txt", Some(docs.handle)).unwrap();
    assert_eq!(names(&q), ["two.txt"]);
    assert_eq!(cache.resolve("/docs/sub/*", None).unwrap().len(), 3);
    assert!(cache.resolve("/docs/sub/*.none", None).unwrap().is_empty());
    assert!(cache.resolve("/docs/sub/\\*", None).unwrap().is_empty());

    // Duplicates: both handles, never a silent pick.
    let twins = cache.resolve("/docs/twin", None).unwrap();
    let mut got: Vec<_> = twins.iter().map(|n| n.handle).collect();
    let mut want = vec![dup1.handle, dup2.handle];
    got.sort();
    want.sort();
    assert_eq!(got, want);
    match cache.resolve_one("/docs/twin", None).unwrap() {
        Err(e @ ResolveError::Ambiguous(_)) => {
            let msg = e.to_string();
            assert!(msg.contains(&dup1.handle.to_b64()), "{msg}");
            assert!(msg.contains(&dup2.handle.to_b64()), "{msg}");
        }
        other => panic!("{other:?}"),
    }

    // Not found, bad handles, walking through a file.
    for p in [
        "/nope",
        "/docs/sub/one.txt/x",
        "H:short",
        "H:AAAAAAAA",
        "//binx",
    ] {
        assert_eq!(
            cache.resolve_one(p, None).unwrap(),
            Err(ResolveError::NotFound),
            "{p}"
        );
    }

    // children: sorted by name, with sizes.
    let kids = cache.children(sub.handle).unwrap();
    assert_eq!(names(&kids), ["one.txt", "three.md", "two.txt"]);
    assert!(kids.iter().all(|k| k.size == 5 && k.key.is_some()));
    assert_eq!(
        cache.path_of(kids[0].handle).unwrap().as_deref(),
        Some("/docs/sub/one.txt")
    );
    assert_eq!(
        cache.path_of(binned.handle).unwrap().as_deref(),
        Some("//bin/trashme")
    );

    // Completion from the cache: escaped, folders with a trailing `/`.
    assert_eq!(
        cache.complete("/docs/sub/t", None, false).unwrap(),
        ["/docs/sub/three.md", "/docs/sub/two.txt"]
    );
    assert_eq!(
        cache.complete("su", Some(docs.handle), true).unwrap(),
        ["sub/"]
    );
    assert_eq!(
        cache.complete("/docs/a", None, false).unwrap(),
        ["/docs/a\\/b/"]
    );
    assert_eq!(
        cache
            .resolve_one("/docs/a\\/b/", None)
            .unwrap()
            .unwrap()
            .handle,
        slashy.handle
    );
    assert_eq!(
        cache.complete("/docs/tw", None, true).unwrap(),
        ["/docs/twin/"]
    );
    assert_eq!(megash::cache::escape_name("a/b*?\\"), "a\\/b\\*\\?\\\\");

    // cwd persists across opens of the cache (one-shot processes).
    assert_eq!(cache.cwd().unwrap(), Some(r));
    cache.set_cwd(sub.handle).unwrap();
    drop(cache);
    let again = env.cache();
    assert_eq!(again.cwd().unwrap(), Some(sub.handle));
    // A cwd that disappeared falls back to the root.
    c.delete(sub.handle).await.unwrap();
    again.catch_up(c).await.unwrap();
    assert_eq!(again.cwd().unwrap(), Some(r));
}
