//! The transfer engine (`megash::transfer`) against megasim: parallel round trips at
//! chunk-boundary sizes, ranged reads, MAC mismatch, the 509 quota, dropped connections,
//! and resuming interrupted downloads and uploads.

use crate::api::{client, logged_in, named, pattern, root_of};
use megash::api::{Client, Error as ApiError, Handle, Node, RetryConfig};
use megash::crypto::keys::NodeKey;
use megash::transfer::{Config, Engine, Error, Progress};
use std::path::Path;
use std::sync::atomic::Ordering;

const MIB: usize = 1 << 20;

/// Small requests and few connections, so even small files use several requests at once.
fn engine(connections: usize, attempts: u32) -> Engine {
    Engine::new(Config {
        connections,
        request_size: MIB as u64,
        max_in_flight: 3 * MIB as u64,
        max_in_flight_total: 4 * MIB as u64,
        retry: RetryConfig::fast(attempts),
        ..Config::default()
    })
    .expect("engine")
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("megash-part"))
        .collect()
}

/// Run `fut` until `progress` passes `bytes`, then drop it (as a killed process would stop).
async fn cancel_after<T>(
    fut: impl std::future::Future<Output = T>,
    progress: &Progress,
    bytes: u64,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let watch = async {
        while progress.load(Ordering::Relaxed) < bytes {
            assert!(std::time::Instant::now() < deadline, "no progress");
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    };
    tokio::select! {
        _ = fut => panic!("finished before it could be interrupted"),
        () = watch => {}
    }
}

async fn put(e: &Engine, c: &Client, parent: Handle, dir: &Path, name: &str, data: &[u8]) -> Node {
    let src = dir.join(name);
    std::fs::write(&src, data).unwrap();
    e.upload(c, &src, parent, name, None, &Progress::default())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_round_trips_verify_and_keep_mtime() {
    let (_sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(3, 4);
    for (i, size) in [
        0,
        1,
        15,
        16,
        17,
        131_071,
        131_073,
        4608 * 1024 + 1,
        9 * MIB + 5,
    ]
    .into_iter()
    .enumerate()
    {
        let data = pattern(size, i as u8);
        let name = format!("e{size}.bin");
        let src = tmp.path().join(&name);
        std::fs::write(&src, &data).unwrap();
        let mtime =
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000 + i as u64);
        std::fs::File::options()
            .write(true)
            .open(&src)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let progress = Progress::default();
        let node = e
            .upload(&c, &src, root, &name, None, &progress)
            .await
            .unwrap();
        assert_eq!(node.size, size as u64);
        assert_eq!(progress.load(Ordering::Relaxed), size as u64);
        assert_eq!(
            node.fingerprint.as_deref(),
            Some(megash::transfer::local_fingerprint(&src).unwrap().as_str())
        );
        // The old whole-file path of the library verifies what the engine uploaded...
        let old = tmp.path().join(format!("old-{size}"));
        c.download(&node, &old).await.unwrap();
        assert_eq!(std::fs::read(&old).unwrap(), data, "size {size}");
        // ...and the engine downloads it back, MAC-verified, with the mtime of `c`.
        let out = tmp.path().join(format!("out-{size}"));
        let progress = Progress::default();
        assert_eq!(
            e.download(&c, &node, &out, &progress).await.unwrap(),
            size as u64
        );
        assert_eq!(std::fs::read(&out).unwrap(), data, "size {size}");
        assert_eq!(std::fs::metadata(&out).unwrap().modified().unwrap(), mtime);
        assert_eq!(progress.load(Ordering::Relaxed), size as u64);
    }
    assert!(leftovers(tmp.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn one_connection_and_ranged_reads() {
    let (_sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let data = pattern(7 * MIB + 333, 9);
    let node = put(&engine(1, 4), &c, root, tmp.path(), "r.bin", &data).await;
    let e = engine(4, 4);
    let read = |start: u64, len: Option<u64>| {
        let mut got = Vec::new();
        let e = &e;
        let c = &c;
        let node = &node;
        async move {
            let mut sink = |b: &[u8]| {
                got.extend_from_slice(b);
                Ok(())
            };
            e.read_range(c, node, start, len, &mut sink).await.unwrap();
            got
        }
    };
    assert_eq!(read(0, None).await, data);
    for (start, len) in [
        (0u64, 1u64),
        (5, 11),
        (131_071, 2),
        (4608 * 1024 - 3, 7),
        (6 * MIB as u64, 10 * MIB as u64),
    ] {
        let end = (start + len).min(data.len() as u64) as usize;
        assert_eq!(
            read(start, Some(len)).await,
            data[start as usize..end],
            "{start}+{len}"
        );
    }
    assert!(read(data.len() as u64 + 5, Some(3)).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn mac_mismatch_leaves_no_file() {
    let (_sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(2, 2);
    let mut node = put(&e, &c, root, tmp.path(), "m.bin", &pattern(3 * MIB, 1)).await;
    if let Some(NodeKey::File(k)) = node.key.as_mut() {
        k.meta_mac[0] ^= 1;
    }
    let out = tmp.path().join("m-out");
    let r = e.download(&c, &node, &out, &Progress::default()).await;
    assert!(matches!(r, Err(Error::Api(ApiError::MacMismatch))), "{r:?}");
    assert!(!out.exists());
    assert!(leftovers(tmp.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn quota_509_reports_the_wait_and_drops_are_retried() {
    let (sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(2, 6);
    let data = pattern(5 * MIB + 7, 3);
    let node = put(&e, &c, root, tmp.path(), "q.bin", &data).await;
    sim.set_faults(serde_json::json!({"bandwidth_509": 42}))
        .await;
    let out = tmp.path().join("q-out");
    let r = e.download(&c, &node, &out, &Progress::default()).await;
    assert!(
        matches!(r, Err(Error::Api(ApiError::TransferQuota { seconds: 42 }))),
        "{r:?}"
    );
    assert!(!out.exists());
    sim.clear_faults().await;
    // A connection cut mid-piece is resumed at the byte where it stopped.
    sim.set_faults(serde_json::json!({"drop_after": 300_000}))
        .await;
    e.download(&c, &node, &out, &Progress::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), data);
    // The same for an upload POST.
    sim.set_faults(serde_json::json!({"drop_after": 200_000}))
        .await;
    let up = put(&e, &c, root, tmp.path(), "q2.bin", &data).await;
    let out2 = tmp.path().join("q2-out");
    e.download(&c, &up, &out2, &Progress::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&out2).unwrap(), data);
    assert!(leftovers(tmp.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn interrupted_download_resumes_from_verified_chunks() {
    let (sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let data = pattern(12 * MIB + 1, 5);
    let node = put(&engine(2, 4), &c, root, tmp.path(), "big.bin", &data).await;
    let out = tmp.path().join("big-out");
    // Stopped after a few pieces, as if the process were killed.
    sim.set_faults(serde_json::json!({"latency_ms": 30})).await;
    let progress = Progress::default();
    let slow = engine(1, 1);
    cancel_after(
        slow.download(&c, &node, &out, &progress),
        &progress,
        4 * MIB as u64,
    )
    .await;
    sim.clear_faults().await;
    assert!(!out.exists());
    assert_eq!(
        leftovers(tmp.path()).len(),
        2,
        "partial file and its journal kept"
    );
    let journal = std::fs::read_to_string(tmp.path().join(".big-out.megash-part.state")).unwrap();
    assert!(journal.lines().count() >= 3, "{journal}");
    // The next run starts from what was verified (counted before any byte is fetched).
    let progress = Progress::default();
    engine(2, 4)
        .download(&c, &node, &out, &progress)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), data);
    assert!(leftovers(tmp.path()).is_empty());

    // A journal whose data was damaged on disk is not trusted for the damaged chunks.
    sim.set_faults(serde_json::json!({"latency_ms": 30})).await;
    let out2 = tmp.path().join("big-out2");
    let progress = Progress::default();
    cancel_after(
        slow.download(&c, &node, &out2, &progress),
        &progress,
        4 * MIB as u64,
    )
    .await;
    sim.clear_faults().await;
    let part = megash::transfer::part_path(&out2);
    {
        use std::os::unix::fs::FileExt;
        let f = std::fs::File::options().write(true).open(&part).unwrap();
        f.write_all_at(b"garbage", 1000).unwrap();
    }
    engine(2, 4)
        .download(&c, &node, &out2, &Progress::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&out2).unwrap(), data);
}

#[tokio::test(flavor = "multi_thread")]
async fn interrupted_upload_continues_with_its_url() {
    let (sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let journals = tmp.path().join("journals");
    std::fs::create_dir(&journals).unwrap();
    let data = pattern(10 * MIB + 9, 7);
    let src = tmp.path().join("up.bin");
    std::fs::write(&src, &data).unwrap();
    sim.set_faults(serde_json::json!({"latency_ms": 30})).await;
    let slow = engine(1, 1);
    let progress = Progress::default();
    cancel_after(
        slow.upload(&c, &src, root, "up.bin", Some(&journals), &progress),
        &progress,
        3 * MIB as u64,
    )
    .await;
    sim.clear_faults().await;
    assert_eq!(
        std::fs::read_dir(&journals).unwrap().count(),
        1,
        "journal kept"
    );
    let progress = Progress::default();
    let node = engine(2, 4)
        .upload(&c, &src, root, "up.bin", Some(&journals), &progress)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_dir(&journals).unwrap().count(),
        0,
        "journal removed"
    );
    let out = tmp.path().join("up-out");
    engine(2, 4)
        .download(&c, &node, &out, &Progress::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), data);
    // Only one file node was made.
    let f = c.fetch_nodes().await.unwrap();
    assert_eq!(
        f.nodes
            .iter()
            .filter(|n| n.name.as_deref() == Some("up.bin"))
            .count(),
        1
    );
    assert!(named(&f.nodes, "up.bin").is_some());

    // A journal whose URL the server no longer accepts restarts cleanly.
    let stale = std::fs::read_dir(&journals).unwrap().count();
    assert_eq!(stale, 0);
    let src2 = tmp.path().join("up2.bin");
    std::fs::write(&src2, &data).unwrap();
    sim.set_faults(serde_json::json!({"latency_ms": 30})).await;
    let progress = Progress::default();
    cancel_after(
        slow.upload(&c, &src2, root, "up2.bin", Some(&journals), &progress),
        &progress,
        3 * MIB as u64,
    )
    .await;
    sim.clear_faults().await;
    let j = std::fs::read_dir(&journals)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&j).unwrap();
    let broken = text.replacen("/ul/", "/ul/x", 1);
    assert_ne!(broken, text, "journal holds the upload URL");
    std::fs::write(&j, broken).unwrap();
    let back = upload_and_read_back(&c, &src2, root, "up2.bin", &journals).await;
    assert_eq!(back, data);
    let _ = client;
}

#[tokio::test]
async fn a_resumed_upload_starts_over_when_sent_bytes_changed_in_place() {
    let (sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let journals = tmp.path().join("journals");
    std::fs::create_dir(&journals).unwrap();
    let mut data = pattern(6 * MIB + 3, 11);
    let src = tmp.path().join("edit.bin");
    std::fs::write(&src, &data).unwrap();
    let mtime = std::fs::metadata(&src).unwrap().modified().unwrap();
    sim.set_faults(serde_json::json!({"latency_ms": 30})).await;
    let progress = Progress::default();
    cancel_after(
        engine(1, 1).upload(&c, &src, root, "edit.bin", Some(&journals), &progress),
        &progress,
        3 * MIB as u64,
    )
    .await;
    sim.clear_faults().await;
    assert_eq!(std::fs::read_dir(&journals).unwrap().count(), 1);
    // Edit a byte the earlier run already sent, with the same size and mtime, at a place
    // the fingerprint does not sample (so the journal still matches the file's identity).
    let fp = |d: &[u8]| {
        megash::crypto::fingerprint::of_reader(&mut std::io::Cursor::new(d), d.len() as u64, 0)
            .unwrap()
    };
    let before = fp(&data);
    let at = (1000..MIB)
        .find(|&i| {
            let mut d = data.clone();
            d[i] ^= 0xff;
            fp(&d) == before
        })
        .expect("an unsampled byte");
    data[at] ^= 0xff;
    std::fs::write(&src, &data).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&src)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let back = upload_and_read_back(&c, &src, root, "edit.bin", &journals).await;
    assert!(back == data, "the cloud holds the new bytes");
}

/// Upload `src` (resuming from `journals` when it can) and download the node again.
async fn upload_and_read_back(
    c: &Client,
    src: &Path,
    root: Handle,
    name: &str,
    journals: &Path,
) -> Vec<u8> {
    let node = engine(2, 4)
        .upload(c, src, root, name, Some(journals), &Progress::default())
        .await
        .unwrap();
    let out = src.with_extension("back");
    engine(2, 4)
        .download(c, &node, &out, &Progress::default())
        .await
        .unwrap();
    std::fs::read(&out).unwrap()
}
