//! Whole-file upload and download: round trips at chunk-boundary sizes, MAC mismatch, the
//! 509 transfer quota, and connections dropped mid-download. A destination file is either
//! complete and verified or absent.

use super::{client, logged_in, pattern, root_of};
use bytes::Bytes;
use megash::api::{Error, Handle};
use megash::crypto::keys::FileKey;
use megash::crypto::{aes, mac};
use serde_json::{Map, Value};
use std::path::Path;

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("megash-part"))
        .collect()
}

async fn upload(
    c: &megash::api::Client,
    parent: Handle,
    dir: &Path,
    name: &str,
    data: &[u8],
) -> megash::api::Node {
    let src = dir.join(name);
    std::fs::write(&src, data).unwrap();
    c.upload_file(parent, &src, None).await.unwrap()
}

#[tokio::test]
async fn round_trips_at_chunk_boundaries() {
    let (_sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    for (i, size) in [0usize, 1, 16, 131_072, 131_073, 1_300_000]
        .into_iter()
        .enumerate()
    {
        let data = pattern(size, i as u8);
        let name = format!("f{size}.bin");
        let node = upload(&c, root, tmp.path(), &name, &data).await;
        assert_eq!(node.size, size as u64);
        assert_eq!(node.name.as_deref(), Some(name.as_str()));
        assert!(node.fingerprint.is_some(), "fingerprint attribute `c` set");
        let out = tmp.path().join(format!("out-{size}"));
        assert_eq!(c.download(&node, &out).await.unwrap(), size as u64);
        assert_eq!(std::fs::read(&out).unwrap(), data, "size {size}");
    }
    // The listing agrees with what was uploaded.
    let f = c.fetch_nodes().await.unwrap();
    let listed = super::named(&f.nodes, "f131073.bin").unwrap();
    assert_eq!(listed.size, 131_073);
    assert!(listed.mtime().is_some());
    assert!(leftovers(tmp.path()).is_empty());
}

#[tokio::test]
async fn mac_mismatch_leaves_no_file() {
    let (_sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let data = pattern(300_000, 9);
    let (k, n) = ([1u8; 16], [2u8; 8]);
    let url = c.upload_url(data.len() as u64).await.unwrap();
    let mut token = None;
    for (off, len) in mac::chunks(data.len() as u64) {
        let mut piece = data[off as usize..(off + len) as usize].to_vec();
        aes::ctr_apply(&k, &n, off, &mut piece);
        if let Some(t) = c.upload_piece(&url, off, Bytes::from(piece)).await.unwrap() {
            token = Some(t);
        }
    }
    let key = FileKey {
        aes: k,
        nonce: n,
        meta_mac: [0xAA; 8],
    };
    let mut attrs = Map::new();
    attrs.insert("n".into(), Value::from("tampered.bin"));
    let node = c
        .put_file(root, &token.unwrap(), &key, &attrs)
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("tampered.bin");
    let r = c.download(&node, &dest).await;
    assert!(matches!(r, Err(Error::MacMismatch)), "{r:?}");
    assert!(!dest.exists());
    assert!(leftovers(tmp.path()).is_empty());
}

#[tokio::test]
async fn transfer_quota_509_is_typed_with_seconds() {
    let (sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let data = pattern(5000, 1);
    let node = upload(&c, root, tmp.path(), "q.bin", &data).await;
    sim.set_faults(serde_json::json!({"bandwidth_509": 1234}))
        .await;
    let dest = tmp.path().join("q-out.bin");
    let r = c.download(&node, &dest).await;
    assert!(
        matches!(r, Err(Error::TransferQuota { seconds: 1234 })),
        "{r:?}"
    );
    assert!(!dest.exists());
    assert!(leftovers(tmp.path()).is_empty());
    sim.clear_faults().await;
    c.download(&node, &dest).await.unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[tokio::test]
async fn dropped_download_resumes_where_it_stopped() {
    let (sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let data = pattern(1_000_000, 4);
    let node = upload(&c, root, tmp.path(), "big.bin", &data).await;
    sim.set_faults(serde_json::json!({"drop_after": 300_000}))
        .await;
    let dest = tmp.path().join("big-out.bin");
    c.download(&node, &dest).await.unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert!(leftovers(tmp.path()).is_empty());
}

#[tokio::test]
async fn dropped_download_without_retries_is_a_network_error_and_no_file() {
    let (sim, c) = logged_in(&[]).await;
    let root = root_of(&c.fetch_nodes().await.unwrap().nodes).handle;
    let tmp = tempfile::tempdir().unwrap();
    let data = pattern(1_000_000, 5);
    let node = upload(&c, root, tmp.path(), "big.bin", &data).await;
    let strict = client(&sim, 1);
    strict.resume(&c.session().unwrap()).await.unwrap();
    let f = strict.fetch_nodes().await.unwrap();
    let node2 = f.nodes.iter().find(|n| n.handle == node.handle).unwrap();
    sim.set_faults(serde_json::json!({"drop_after": 200_000}))
        .await;
    let dest = tmp.path().join("big-out.bin");
    let r = strict.download(node2, &dest).await;
    assert!(matches!(r, Err(Error::Network { .. })), "{r:?}");
    let msg = r.unwrap_err().to_string();
    assert!(!msg.contains('\n') && !msg.contains("sid="), "{msg}");
    assert!(!dest.exists());
    assert!(leftovers(tmp.path()).is_empty());
}
