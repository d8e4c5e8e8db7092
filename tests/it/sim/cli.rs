//! The program contract: listening line, loopback refusal, user tools, restart persistence.

use super::client::Raw;
use crate::support::{megasim_bin, Sim};
use serde_json::json;
use std::process::Command;

#[test]
fn listening_line_and_url_file() {
    let sim = Sim::start();
    let file = std::fs::read_to_string(sim.data_dir().join("megasim.url")).unwrap();
    assert_eq!(file.trim(), sim.url);
}

#[test]
fn refuses_non_loopback_listen_address() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(megasim_bin())
        .args(["serve", "--listen", "0.0.0.0:0", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--allow-remote"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn user_add_prints_handle_and_list_shows_flags() {
    let sim = Sim::start();
    let out = sim.cli(&["user", "add", "Carol@Example.COM", "pw", "--v1"]);
    assert!(out.status.success());
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.starts_with("Added carol@example.com, user handle "),
        "{said}"
    );
    let handle = said.trim().rsplit(' ').next().unwrap().to_string();
    assert_eq!(handle.len(), 11, "{handle}");
    sim.add_user(
        "dave@example.com",
        "pw",
        &["--no-keys", "--mfa", "JBSWY3DPEHPK3PXP"],
    );
    sim.add_user("erin@example.com", "pw", &["--storage", "100K"]);
    let dup = sim.cli(&["user", "add", "carol@example.com", "x"]);
    assert!(!dup.status.success(), "duplicate e-mail must fail");
    sim.cli(&["user", "block", "dave@example.com", "--reason", "7"]);
    let list = String::from_utf8(sim.cli(&["user", "list"]).stdout).unwrap();
    let mut lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines.remove(0),
        "EMAIL\tHANDLE\tVERSION\tFLAGS\tBLOCKED\tLOGINS\tSTORAGE(USED/QUOTA)"
    );
    assert_eq!(lines.len(), 3, "{list}");
    assert_eq!(
        lines[0],
        format!("carol@example.com\t{handle}\tv1\t-\t-\tlogins=0\tstorage=0/21474836480")
    );
    assert!(lines[1].starts_with("dave@example.com\t"), "{list}");
    assert!(
        lines[1].ends_with("\tv2\tmfa,no-keys\tblocked:7\tlogins=0\tstorage=0/21474836480"),
        "{list}"
    );
    assert!(lines[2].ends_with("\tstorage=0/102400"), "{list}");
    for bad in ["12Q", "x", "-5"] {
        let out = sim.cli(&["user", "storage", "erin@example.com", bad]);
        assert!(!out.status.success(), "{bad}");
    }
    assert!(sim
        .cli(&["user", "storage", "erin@example.com", "1M"])
        .status
        .success());
    let list = String::from_utf8(sim.cli(&["user", "list"]).stdout).unwrap();
    assert!(list.contains("\tstorage=0/1048576\n"), "{list}");
}

#[tokio::test]
async fn restart_keeps_accounts_nodes_and_sessions() {
    let sim = Sim::start();
    sim.add_user("alice@example.com", "secret", &[]);
    let a = Raw::login(&sim.url, "alice@example.com", "secret").await;
    let root = a.root(2).await;
    let (dir, _) = a.mkdir(&root, "kept").await;
    let (file, _) = a.upload(&dir, "kept.txt", b"still here").await;
    let sid = a.sid.clone();
    let data = sim.stop();
    let sim = Sim::start_in(data, &[]);
    let mut b = Raw::anon(&sim.url);
    b.sid = sid;
    b.mk = a.mk;
    b.uh = a.uh.clone();
    let f = b.fetch().await;
    let names: Vec<String> = f["f"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| b.node_name(n))
        .collect();
    assert_eq!(names, vec!["kept".to_string(), "kept.txt".to_string()]);
    let g = b.call(json!({"a":"g","g":1,"n":file})).await;
    let body = reqwest::get(g["g"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.len(), 10);
    // A fresh login after the restart works too.
    Raw::login(&sim.url, "alice@example.com", "secret").await;
}

#[test]
fn version_is_answered() {
    let out = std::process::Command::new(crate::support::megasim_bin())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("megasim "));
}
