//! Public links between megash and megajs through megasim: a folder link megash exports is
//! walked and fully downloaded (MAC-checked) by megajs; file and folder links megajs makes are
//! opened by megash.

use std::path::PathBuf;
use std::process::Command;

use crate::cli::{Env, World, EMAIL, PASSWORD};
use crate::support::Sim;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn megajs(sim: &Sim, envs: &[(&str, &str)]) -> serde_json::Value {
    crate::interop::ensure_megajs();
    let mut cmd = Command::new("node");
    cmd.arg(repo_root().join("tests/interop/megajs_links.mjs"))
        .current_dir(repo_root())
        .env("MEGASIM_URL", &sim.url);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .expect("node is needed for the megajs interop test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "megajs failed:\n{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("megajs printed {stdout:?}: {e}"))
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn megajs_reads_a_folder_link_megash_exported() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Docs/sub/", "Docs/sub/b.txt"]);
    let out = w.run(&["link", "Docs"]);
    let link = out.lines().nth(2).unwrap().to_string();
    let v = megajs(&w.sim, &[("MODE", "read"), ("LINK", &link)]);
    assert_eq!(v["root"], "Docs");
    assert_eq!(v["files"]["a.txt"], sha256_hex(b"Docs/a.txt"));
    assert_eq!(v["files"]["sub/b.txt"], sha256_hex(b"Docs/sub/b.txt"));
    assert_eq!(v["files"].as_object().unwrap().len(), 2);
}

#[test]
fn megash_opens_links_megajs_made() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    let v = megajs(
        &sim,
        &[
            ("MODE", "make"),
            ("MEGA_EMAIL", EMAIL),
            ("MEGA_PASSWORD", PASSWORD),
        ],
    );
    let folder = v["folderLink"].as_str().unwrap();
    let env = Env::with_sim(&sim);
    assert_eq!(env.run(&["login", folder]), crate::cli::ok(""));
    assert_eq!(
        env.run(&["ls", "-R"]),
        crate::cli::ok("sub\n\tinner-2.bin\ninner-1.bin\n")
    );
    // Imported into another account, both links are readable there.
    sim.add_user("other@example.com", "other password", &[]);
    let other = Env::with_sim(&sim);
    assert_eq!(
        other.run(&["login", "other@example.com", "other password"]),
        crate::cli::ok("")
    );
    let file = v["fileLink"].as_str().unwrap();
    assert_eq!(
        other.run(&["import", file]),
        crate::cli::ok("Import file complete: /megajs-file.bin\n")
    );
    assert_eq!(
        other.run(&["import", folder]),
        crate::cli::ok("Imported folder complete: /megajs-folder\n")
    );
    assert_eq!(
        other.run(&["ls", "-R"]),
        crate::cli::ok("megajs-folder\n\tsub\n\t\tinner-2.bin\n\tinner-1.bin\nmegajs-file.bin\n")
    );
    // The file link downloads and MAC-verifies with our library.
    let megash::api::link::PublicLink::File {
        handle,
        key: Some(key),
    } = megash::api::link::parse(file).unwrap()
    else {
        panic!("not a file link: {file}")
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("f");
    rt.block_on(async {
        let c = megash::api::Client::new(&sim.url).unwrap();
        c.download_public(&handle, &key, &dest).await.unwrap();
    });
    assert_eq!(
        sha256_hex(&std::fs::read(dest).unwrap()),
        v["files"]["megajs-file.bin"].as_str().unwrap()
    );
}
