//! Catch-up through `sc`: changes from another session, the server refusing the `sn`, a
//! corrupt cache file.

use super::{dump, root, server_dump, Env};
use megash::cache::CatchUp;

#[tokio::test]
async fn catch_up_applies_another_sessions_changes() {
    let env = Env::new().await;
    let c = &env.client;
    let cache = env.cache();
    cache.populate(c).await.unwrap();
    let r = root(&cache);
    let sn0 = cache.sn().unwrap().unwrap();
    assert_eq!(cache.catch_up(c).await.unwrap(), CatchUp::UpToDate);

    let other = env.other().await;
    let a = other.create_folder(r, "alpha").await.unwrap();
    let b = other.create_folder(a.handle, "beta").await.unwrap();
    let inner = other.create_folder(b.handle, "inner").await.unwrap();
    let gone = other.create_folder(r, "gone").await.unwrap();
    other
        .create_folder(gone.handle, "gone child")
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("f");
    std::fs::write(&local, vec![7u8; 1000]).unwrap();
    let file = other
        .upload_file(inner.handle, &local, Some("data.bin"))
        .await
        .unwrap();
    other.rename(&b, "beta renamed").await.unwrap();
    other.move_node(b.handle, r).await.unwrap();
    other.delete(gone.handle).await.unwrap();
    let export = other.export(&file, &[]).await.unwrap();

    match cache.catch_up(c).await.unwrap() {
        CatchUp::Applied { packets } => assert!(packets >= 8, "{packets}"),
        other => panic!("{other:?}"),
    }
    assert_ne!(cache.sn().unwrap().unwrap(), sn0);
    assert_eq!(dump(&cache), server_dump(c).await);

    let moved = cache.resolve_one("/beta renamed", None).unwrap().unwrap();
    assert_eq!(moved.handle, b.handle);
    // The moved folder kept its subtree.
    let f = cache
        .resolve_one("/beta renamed/inner/data.bin", None)
        .unwrap()
        .unwrap();
    assert_eq!(f.handle, file.handle);
    assert_eq!(f.size, 1000);
    assert!(f.fingerprint.is_some() && f.key.is_some());
    assert!(cache.resolve("/alpha/beta", None).unwrap().is_empty());
    assert!(cache.resolve("/gone", None).unwrap().is_empty());
    assert_eq!(cache.node_count().unwrap(), 3 + 4);
    assert_eq!(
        cache.public_handle(file.handle).unwrap().as_deref(),
        Some(export.public_handle.as_str())
    );
    let below = cache.descendants(b.handle).unwrap();
    let names: Vec<_> = below.iter().filter_map(|n| n.name.as_deref()).collect();
    assert_eq!(names, ["inner", "data.bin"], "parents before children");
    let t = cache.subtree_totals(r).unwrap();
    assert_eq!((t.files, t.folders, t.bytes), (1, 3, 1000));
    // Caught up: nothing more.
    assert_eq!(cache.catch_up(c).await.unwrap(), CatchUp::UpToDate);
}

#[tokio::test]
async fn refused_sn_means_a_full_fetch() {
    let env = Env::new().await;
    let c = &env.client;
    let cache = env.cache();
    cache.populate(c).await.unwrap();
    let r = root(&cache);
    env.other()
        .await
        .create_folder(r, "made while away")
        .await
        .unwrap();
    // An sn the server cannot use (megasim answers EARGS, real MEGA refuses stale ones).
    cache.force_sn("not-a-valid-sn!").unwrap();
    assert_eq!(
        cache.catch_up(c).await.unwrap(),
        CatchUp::FullFetch { nodes: 4 }
    );
    assert_eq!(cache.resolve("/made while away", None).unwrap().len(), 1);
    assert_eq!(dump(&cache), server_dump(c).await);
    assert_eq!(cache.catch_up(c).await.unwrap(), CatchUp::UpToDate);
}

#[tokio::test]
async fn corrupt_cache_file_is_rebuilt() {
    let env = Env::new().await;
    let c = &env.client;
    let cache = env.cache();
    cache.populate(c).await.unwrap();
    c.create_folder(root(&cache), "kept on the server")
        .await
        .unwrap();
    let path = cache.path().to_path_buf();
    drop(cache);
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
    std::fs::write(
        &path,
        b"this is not a database, just garbage bytes ".repeat(200),
    )
    .unwrap();

    let cache = env.cache();
    assert!(!cache.is_populated().unwrap(), "rebuilt empty");
    assert!(matches!(
        cache.catch_up(c).await.unwrap(),
        CatchUp::FullFetch { .. }
    ));
    assert_eq!(cache.resolve("/kept on the server", None).unwrap().len(), 1);

    // A truncated file (header intact, pages missing) is also survivable.
    drop(cache);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len().min(100)]).unwrap();
    let cache = env.cache();
    cache.catch_up(c).await.unwrap();
    assert_eq!(cache.resolve("/kept on the server", None).unwrap().len(), 1);
}

#[tokio::test]
async fn cache_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new().await;
    let cache = env.cache();
    cache.populate(&env.client).await.unwrap();
    let mode = std::fs::metadata(cache.path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

#[tokio::test]
async fn corruption_found_while_open_is_rebuilt() {
    let env = Env::new().await;
    let c = &env.client;
    let cache = env.cache();
    cache.populate(c).await.unwrap();
    // Many nodes so that the file has pages beyond the header.
    let r = root(&cache);
    for i in 0..30 {
        c.create_folder(r, &format!("folder number {i}"))
            .await
            .unwrap();
    }
    cache.catch_up(c).await.unwrap();
    // Checkpoint so the nodes live in the main file, then damage it under the open handle.
    drop(cache);
    let cache = env.cache();
    let path = cache.path().to_path_buf();
    std::fs::write(&path, b"garbage! ".repeat(4000)).unwrap();
    c.create_folder(r, "after the damage").await.unwrap();
    // The catch-up notices, rebuilds and refetches.
    let r = cache.catch_up(c).await;
    assert!(matches!(r, Ok(CatchUp::FullFetch { .. })), "{r:?}");
    assert_eq!(cache.resolve("/after the damage", None).unwrap().len(), 1);
    drop(cache);
    let cache = env.cache();
    cache.catch_up(c).await.unwrap();
    assert_eq!(cache.resolve("/after the damage", None).unwrap().len(), 1);
    assert_eq!(dump(&cache), server_dump(c).await);
}

#[tokio::test]
async fn a_cache_in_the_older_format_is_rebuilt() {
    let env = Env::new().await;
    let path = env.state.cache_file(&env.user());
    // Version 1 kept the schema version in `meta` and keyed rows by handle.
    let old = rusqlite::Connection::open(&path).unwrap();
    old.execute_batch(
        "PRAGMA journal_mode=WAL; \
         CREATE TABLE nodes(handle INTEGER PRIMARY KEY, parent INTEGER, type INTEGER NOT NULL); \
         CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL); \
         INSERT INTO meta VALUES('schema', '1'), ('sn', 'AAAAAAAAAAA');",
    )
    .unwrap();
    drop(old);
    let cache = env.cache();
    assert!(!cache.is_populated().unwrap(), "rebuilt empty");
    cache.catch_up(&env.client).await.unwrap();
    assert_eq!(dump(&cache), server_dump(&env.client).await);
}
