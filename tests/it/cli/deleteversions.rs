//! File versions: an upload over a file of the same name keeps the old one as a version (`p`
//! with `ov`), `ls -l`/`ls --versions`/`du --versions` show them, `NAME#EPOCH` reads one,
//! `deleteversions` and `rm` remove them; megasim keeps them as MEGA does (`f2`, `d` with
//! `v:1`, `dv`, the `^!dv` switch), and a peer client (megajs) still sees one file.

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use super::{ok, World, EMAIL, PASSWORD};
use crate::interop::ensure_megajs;

/// Write `data` to `path` with modification time `mtime` (Unix seconds).
fn write_at(path: &Path, data: &str, mtime: u64) {
    std::fs::write(path, data).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(UNIX_EPOCH + Duration::from_secs(mtime))
        .unwrap();
}

/// `put` of `data` (mtime `mtime`) as `/D/f.txt`.
fn put(w: &World, data: &str, mtime: u64) {
    let local = w.env.home.path().join("f.txt");
    write_at(&local, data, mtime);
    assert_eq!(
        w.run(&["put", "f.txt", "/D/"]),
        ok("Upload finished: f.txt\n")
    );
}

/// The VERS column of `ls -l /D/f.txt`.
fn vers(w: &World) -> String {
    let out = w.run(&["ls", "-l", "/D/f.txt"]);
    let line = out.lines().nth(3).unwrap_or_else(|| panic!("{out}"));
    line.split_whitespace().nth(1).unwrap().to_string()
}

/// What megajs, logging in afresh, lists in `/D`: (name, sha256) per file.
fn megajs_lists(w: &World) -> Vec<(String, String)> {
    ensure_megajs();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("node")
        .arg(root.join("tests/interop/megajs_list.mjs"))
        .current_dir(root)
        .env("MEGASIM_URL", &w.sim.url)
        .env("MEGA_EMAIL", EMAIL)
        .env("MEGA_PASSWORD", PASSWORD)
        .env("LIST_FOLDER", "D")
        .output()
        .expect("node is needed for the megajs interop test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "megajs failed:\n{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn sha256(data: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(data.as_bytes()))
}

#[test]
fn uploads_over_a_file_keep_its_versions() {
    let w = World::new(&["D/"]);
    put(&w, "first", 1_700_000_000);
    put(&w, "second!", 1_700_000_100);
    // One file, two versions; the edited upload did not make a duplicate name.
    assert_eq!(w.run(&["ls", "/D"]), ok("f.txt\n"));
    assert_eq!(w.run(&["cat", "/D/f.txt"]), ok("second!"));
    assert_eq!(vers(&w), "2");
    assert_eq!(
        w.run(&["ls", "--versions", "/D"]),
        ok("f.txt\n  f.txt#1700000000[f.txt] (14Nov2023 22:13:20)\n")
    );
    let long = w.run(&["ls", "-l", "--versions", "/D/f.txt"]);
    assert!(long.contains("\n\nVersions of D/f.txt:\n"), "{long}");
    assert!(long.contains(" f.txt#1700000100\n"), "{long}");
    assert!(long.contains(" f.txt#1700000000\n"), "{long}");
    // MEGAcmd's NAME#EPOCH names a version, for reading and downloading.
    assert_eq!(w.run(&["cat", "/D/f.txt#1700000000"]), ok("first"));
    assert_eq!(
        w.run(&["get", "/D/f.txt#1700000000", "old.txt"]),
        ok("Download finished: old.txt\n")
    );
    assert_eq!(
        std::fs::read_to_string(w.env.home.path().join("old.txt")).unwrap(),
        "first"
    );
    let du = w.run(&["du", "--versions", "/D"]);
    assert!(
        du.contains("/D:") && du.contains("           7          12"),
        "{du}"
    );
    // A peer that knows nothing of versions still sees one file, with the new content.
    assert_eq!(
        megajs_lists(&w),
        vec![("f.txt".to_string(), sha256("second!"))]
    );
    // The same content again is skipped: no third version.
    put(&w, "second!", 1_700_000_100);
    assert_eq!(vers(&w), "2");
    put(&w, "third", 1_700_000_200);
    assert_eq!(vers(&w), "3");
    assert_eq!(w.run(&["deleteversions", "-f", "/D/f.txt"]), ok(""));
    assert_eq!(vers(&w), "1");
    assert_eq!(w.run(&["cat", "/D/f.txt"]), ok("third"));
    // Without -f and without a terminal nothing is deleted.
    put(&w, "fourth", 1_700_000_300);
    let refused = w.run(&["deleteversions", "/D/f.txt"]);
    assert!(refused.starts_with("exit: 51\n"), "{refused}");
    assert_eq!(vers(&w), "2");
    // rm takes the versions with the file: the account's storage drops to nothing.
    assert_eq!(w.run(&["rm", "/D/f.txt"]), ok(""));
    let df = w.run(&["df"]);
    assert!(
        df.contains("Total size taken up by file versions:            0"),
        "{df}"
    );
    assert!(df.contains("Cloud drive:                     0 in"), "{df}");
}

/// megasim's side through the library, as another client: `f2` holds the chain, `d` with
/// `v:1` closes it over a deleted middle version, the `^!dv` switch makes uploads replace,
/// `dv` clears every version; megash's cache follows each change through `sc`.
#[test]
fn megasim_keeps_versions_as_mega_does() {
    let w = World::new(&["D/"]);
    for (i, data) in ["a", "bb", "ccc"].iter().enumerate() {
        put(&w, data, 1_700_000_000 + i as u64);
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = megash::api::Client::new(&w.sim.url).unwrap();
    let chain = |c: &megash::api::Client| {
        rt.block_on(async {
            let nodes = c.fetch_nodes().await.unwrap().nodes;
            let cur = nodes
                .iter()
                .find(|n| {
                    n.name.as_deref() == Some("f.txt") && {
                        let p = nodes.iter().find(|p| Some(p.handle) == n.parent).unwrap();
                        p.name.as_deref() == Some("D")
                    }
                })
                .unwrap()
                .clone();
            let mut out = vec![cur.size];
            let mut at = cur.handle;
            while let Some(v) = nodes.iter().find(|n| n.parent == Some(at)) {
                out.push(v.size);
                at = v.handle;
            }
            (out, nodes)
        })
    };
    rt.block_on(c.login(EMAIL, PASSWORD, None)).unwrap();
    let (sizes, nodes) = chain(&c);
    assert_eq!(sizes, vec![3, 2, 1]);
    // Delete the middle version alone: the oldest moves up under the current file.
    let middle = nodes.iter().find(|n| n.size == 2).unwrap().handle;
    let r = rt.block_on(c.delete_versions(&[middle])).unwrap();
    assert!(r[0].is_ok());
    assert_eq!(chain(&c).0, vec![3, 1]);
    assert_eq!(vers(&w), "2", "megash's cache follows the change");
    // Versioning off: an upload replaces the file for good, keeping the older versions.
    assert!(rt.block_on(c.versioning()).unwrap());
    rt.block_on(c.set_versioning(false)).unwrap();
    assert!(!rt.block_on(c.versioning()).unwrap());
    put(&w, "dddd", 1_700_000_009);
    assert_eq!(chain(&c).0, vec![4, 1]);
    assert_eq!(w.run(&["deleteversions", "--all", "-f"]), ok("File versions deleted successfully. Please note that the current files were not deleted, just their history.\n"));
    assert_eq!(chain(&c).0, vec![4]);
    assert_eq!(vers(&w), "1");
}
