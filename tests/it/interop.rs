//! Interop with a MEGA client nobody here wrote: megajs (pinned in package-lock.json) runs its
//! whole sequence against megasim, downloads and MAC-checks a file our library uploaded, and
//! leaves one for our library to download and MAC-verify.

use crate::support::Sim;
use megash::api::{Client, NodeType};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `npm ci` once if megajs is not installed yet, so `cargo test` works on a fresh checkout.
pub(crate) fn ensure_megajs() {
    let root = repo_root();
    if root.join("node_modules/megajs/package.json").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-fund", "--no-audit"])
        .current_dir(&root)
        .status()
        .expect("npm is needed for the megajs interop test (install Node.js and npm)");
    assert!(status.success(), "npm ci failed");
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_bytes(len: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut v = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

fn run_megajs(sim: &Sim, email: &str, password: &str, ours: (&str, &str)) -> serde_json::Value {
    let out = Command::new("node")
        .arg(repo_root().join("tests/interop/megajs.mjs"))
        .current_dir(repo_root())
        .env("MEGASIM_URL", &sim.url)
        .env("MEGA_EMAIL", email)
        .env("MEGA_PASSWORD", password)
        .env("FROM_MEGASH_NAME", ours.0)
        .env("FROM_MEGASH_SHA256", ours.1)
        .output()
        .expect("node is needed for the megajs interop test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "megajs sequence failed:\n{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("megajs printed {stdout:?}: {e}"))
}

async fn download_named(client: &Client, name: &str, dest: &Path) -> Vec<u8> {
    let fetched = client.fetch_nodes().await.expect("fetch");
    let node = fetched
        .nodes
        .iter()
        .find(|n| n.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{name} not listed"));
    client
        .download(node, dest)
        .await
        .expect("download + MAC check");
    std::fs::read(dest).expect("read download")
}

#[tokio::test(flavor = "multi_thread")]
async fn megajs_and_megash_exchange_files_through_megasim() {
    ensure_megajs();
    let sim = Sim::start();
    let (email, password) = ("interop@example.com", "interop password");
    sim.add_user(email, password, &[]);

    let client = Client::new(&sim.url).expect("client");
    client.login(email, password, None).await.expect("login");
    let fetched = client.fetch_nodes().await.expect("fetch");
    let root = fetched
        .nodes
        .iter()
        .find(|n| n.kind == NodeType::Root)
        .expect("cloud drive root")
        .handle;

    // Ours, for megajs: not a multiple of 16 nor of a MAC chunk.
    let tmp = tempfile::tempdir().expect("tempdir");
    let ours = random_bytes(5 * 1024 * 1024 + 4321);
    let src = tmp.path().join("from-megash.bin");
    std::fs::write(&src, &ours).expect("write");
    client.upload_file(root, &src, None).await.expect("upload");

    let report = run_megajs(
        &sim,
        email,
        password,
        ("from-megash.bin", &sha256_hex(&ours)),
    );
    assert_eq!(report["ok"], true);

    // Theirs, for us: downloaded through our library, which verifies the meta-MAC.
    let name = report["fromMegajs"]["name"].as_str().expect("name");
    let want = report["fromMegajs"]["sha256"].as_str().expect("sha256");
    let theirs = download_named(&client, name, &tmp.path().join("theirs.bin")).await;
    assert_eq!(
        sha256_hex(&theirs),
        want,
        "megajs upload differs after download"
    );

    // What megajs did is visible to us: renamed and moved file gone with its folder to the
    // rubbish bin, the 0-byte file deleted for good.
    let after = client.fetch_nodes().await.expect("fetch");
    let named = |n: &str| after.nodes.iter().find(|x| x.name.as_deref() == Some(n));
    let dir = named("interop-dir").expect("interop-dir still exists (in the rubbish bin)");
    let rubbish = after
        .nodes
        .iter()
        .find(|n| n.kind == NodeType::Rubbish)
        .expect("rubbish");
    assert_eq!(dir.parent, Some(rubbish.handle));
    assert_eq!(
        named("megajs-renamed.bin").and_then(|n| n.parent),
        Some(dir.handle)
    );
    assert!(named("empty.bin").is_none());
    assert!(
        after.nodes.iter().all(|n| n.problem.is_none()),
        "every node decrypts"
    );
}

/// The sizes where MAC chunks and AES blocks have their edges (issue 4).
const EDGE_SIZES: &[usize] = &[
    0,
    1,
    15,
    16,
    17,
    128 * 1024 - 1,
    128 * 1024,
    128 * 1024 + 1,
    4608 * 1024 - 1,
    4608 * 1024,
    4608 * 1024 + 1,
    20 * 1024 * 1024,
];

/// The transfer engine against megajs at every edge size, both ways: what megash uploads,
/// megajs downloads and MAC-checks; what megajs uploads, megash downloads and MAC-verifies.
#[tokio::test(flavor = "multi_thread")]
async fn engine_and_megajs_exchange_edge_sizes() {
    use megash::transfer::{Config, Engine, Progress};
    ensure_megajs();
    let sim = Sim::start();
    let (email, password) = ("sizes@example.com", "sizes password");
    sim.add_user(email, password, &[]);
    let client = Client::new(&sim.url).expect("client");
    client.login(email, password, None).await.expect("login");
    let root = client
        .fetch_nodes()
        .await
        .expect("fetch")
        .nodes
        .iter()
        .find(|n| n.kind == NodeType::Root)
        .expect("root")
        .handle;
    let engine = Engine::new(Config::default()).expect("engine");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut ours = Vec::new();
    for &size in EDGE_SIZES {
        let name = format!("megash-{size}.bin");
        let data = random_bytes(size);
        let src = tmp.path().join(&name);
        std::fs::write(&src, &data).expect("write");
        engine
            .upload(&client, &src, root, &name, None, &Progress::default())
            .await
            .unwrap_or_else(|e| panic!("upload {size}: {e}"));
        ours.push(serde_json::json!({"name": name, "sha256": sha256_hex(&data)}));
    }
    let out = Command::new("node")
        .arg(repo_root().join("tests/interop/megajs.mjs"))
        .current_dir(repo_root())
        .env("MEGASIM_URL", &sim.url)
        .env("MEGA_EMAIL", email)
        .env("MEGA_PASSWORD", password)
        .env("SIZES", serde_json::to_string(EDGE_SIZES).expect("json"))
        .env("FROM_MEGASH", serde_json::Value::Array(ours).to_string())
        .output()
        .expect("node is needed for the megajs interop test");
    assert!(
        out.status.success(),
        "megajs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("megajs report");
    let uploaded = report["uploaded"].as_array().expect("uploaded list");
    assert_eq!(uploaded.len(), EDGE_SIZES.len());
    let nodes = client.fetch_nodes().await.expect("fetch").nodes;
    for u in uploaded {
        let name = u["name"].as_str().expect("name");
        let node = nodes
            .iter()
            .find(|n| n.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{name} not listed"));
        let dest = tmp.path().join(format!("got-{name}"));
        engine
            .download(&client, node, &dest, &Progress::default())
            .await
            .unwrap_or_else(|e| panic!("download + MAC check of {name}: {e}"));
        let got = std::fs::read(&dest).expect("read");
        assert_eq!(
            sha256_hex(&got),
            u["sha256"].as_str().expect("sha"),
            "{name}"
        );
    }
}
