//! `megasim seed`: synthetic trees with real keys and attributes.

use super::client::Raw;
use crate::support::Sim;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn seeded_nodes_appear_in_f_with_decryptable_names() {
    let sim = Sim::start();
    sim.add_user("seed@example.com", "pw", &[]);
    let out = sim.cli(&[
        "seed",
        "seed@example.com",
        "pw",
        "--nodes",
        "2000",
        "--files-per-folder",
        "7",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("seeded 2000 nodes in "), "{text}");
    let wrong = sim.cli(&["seed", "seed@example.com", "bad", "--nodes", "5"]);
    assert!(!wrong.status.success());

    let a = Raw::login(&sim.url, "seed@example.com", "pw").await;
    let f = a.fetch().await;
    let nodes = f["f"].as_array().unwrap();
    assert_eq!(nodes.len(), 2003);
    let mut seen = HashSet::new();
    let (mut files, mut folders) = (0, 0);
    for n in nodes {
        let p = n["p"].as_str().unwrap();
        assert!(p.is_empty() || seen.contains(p), "parent before child");
        seen.insert(n["h"].as_str().unwrap().to_string());
        match n["t"].as_i64().unwrap() {
            0 => {
                files += 1;
                assert!(a.node_name(n).unwrap().starts_with("file-"));
                assert!(n["s"].is_number());
            }
            1 => {
                folders += 1;
                assert!(a.node_name(n).unwrap().starts_with("folder-"));
            }
            _ => {}
        }
    }
    assert_eq!(files + folders, 2000);
    assert_eq!(folders, 250);
    // Seeded files have no content: downloads serve zeros of the right size.
    let file = nodes.iter().find(|n| n["t"] == json!(0)).unwrap();
    let g = a.call(json!({"a":"g","g":1,"n":file["h"]})).await;
    let body = reqwest::get(g["g"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(json!(body.len()), file["s"]);
    // The synthetic sizes do not eat the account's room: the quota grew by them.
    let uq = a.call(json!({"a":"uq","strg":1})).await;
    let (max, used) = (uq["mstrg"].as_i64().unwrap(), uq["cstrg"].as_i64().unwrap());
    assert!(used > 0, "{uq}");
    assert_eq!(max - used, 20 << 30, "{uq}");
    assert!(a.call(json!({"a":"u","s":1 << 30})).await["p"].is_string());
}

/// A megasim with one account of `nodes` seeded nodes, a logged-in client of it, and the
/// response to a batch of one `f` (headers in, body unread).
async fn seeded_f(email: &str, nodes: u32) -> (Sim, Raw, reqwest::Response) {
    let sim = Sim::start();
    sim.add_user(email, "pw", &[]);
    let out = sim.cli(&["seed", email, "pw", "--nodes", &nodes.to_string()]);
    assert!(out.status.success());
    let a = Raw::login(&sim.url, email, "pw").await;
    let r = a
        .http
        .post(a.cs_url(1))
        .body(json!([{"a":"f","c":1,"r":1}]).to_string())
        .send()
        .await
        .unwrap();
    (sim, a, r)
}

/// A large tree's `f` answer is sent as it is written (no length known up front, so chunked),
/// and what arrives is the same complete answer; a batch of `f` with another command is
/// answered whole.
#[tokio::test]
async fn a_large_f_answer_streams_and_arrives_whole() {
    let (_sim, a, r) = seeded_f("big@example.com", 12_000).await;
    assert!(
        r.content_length().is_none(),
        "a whole answer: {:?}",
        r.headers()
    );
    let answer: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    let nodes = answer[0]["f"].as_array().unwrap();
    assert_eq!(nodes.len(), 12_003);
    assert!(
        answer[0]["sn"].is_string(),
        "the members after f arrive too"
    );
    let named = nodes.iter().filter_map(|n| a.node_name(n)).count();
    assert_eq!(named, 12_000, "every seeded node's name decrypts");

    // Two commands: the batch is answered whole, the same tree in it.
    let both = a.batch(json!([{"a":"f","c":1,"r":1}, {"a":"uq"}])).await;
    assert_eq!(both[0]["f"].as_array().unwrap().len(), 12_003);
    assert!(both[1].is_object(), "{}", both[1]);
}

/// A client that starts reading a large `f` answer and stops (without closing) holds nobody
/// else up: the server finishes writing without waiting for it, and other requests go on.
#[tokio::test]
async fn a_stalled_f_reader_does_not_hold_up_other_requests() {
    // About 30 MB of answer: more than the socket buffers on both ends take in.
    let (sim, _a, mut stalled) = seeded_f("stall@example.com", 150_000).await;
    assert!(
        stalled.chunk().await.unwrap().is_some(),
        "the answer starts"
    );
    let others = async {
        let other = Raw::login(&sim.url, "stall@example.com", "pw").await;
        other.call(json!({"a":"uq"})).await
    };
    let uq = tokio::time::timeout(std::time::Duration::from_secs(20), others)
        .await
        .expect("other requests are answered while the first reader stalls");
    assert!(uq.is_object(), "{uq}");
    // The stalled answer is still whole when it is read at last.
    let mut rest = Vec::new();
    while let Some(piece) = stalled.chunk().await.unwrap() {
        rest.extend_from_slice(&piece);
    }
    assert!(rest.ends_with(b"}]"), "the answer ends whole");
}
