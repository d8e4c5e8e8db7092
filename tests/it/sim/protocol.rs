//! The `/cs` envelope: bad input, request-level errors, replay, exact shapes.

use super::client::Raw;
use crate::support::Sim;
use serde_json::json;

#[tokio::test]
async fn malformed_json_and_non_arrays_are_bare_minus_2() {
    let sim = Sim::start();
    let anon = Raw::anon(&sim.url);
    for body in ["{", "", "{\"a\":\"us0\"}", "42", "[1,", "\u{0}\u{1}"] {
        let a = anon.post_raw(body.to_string()).await;
        assert_eq!((a.status, a.text.as_str()), (200, "-2"), "body {body:?}");
    }
}

#[tokio::test]
async fn unknown_command_fails_only_its_own_element() {
    let sim = Sim::start();
    sim.add_user("a@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "a@example.com", "pw").await;
    let r = a
        .batch(json!([{"a":"ug"},{"a":"nope"},"str",{"a":"uq"},{}]))
        .await;
    let r = r.as_array().unwrap();
    assert_eq!(r.len(), 5);
    assert_eq!(r[0]["u"], json!(a.uh));
    assert_eq!(r[1], json!(-2));
    assert_eq!(r[2], json!(-2));
    assert!(r[3]["mstrg"].is_number());
    assert_eq!(r[4], json!(-2));
}

#[tokio::test]
async fn response_headers_and_compact_json() {
    let sim = Sim::start();
    let r = reqwest::Client::new()
        .post(format!("{}cs?id=5&lang=en&v=3&domain=meganz", sim.url))
        .body("[{\"a\":\"us0\",\"user\":\"z@example.com\"}]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let text = r.text().await.unwrap();
    assert!(text.starts_with("[{\"v\":2,\"s\":\""), "{text}");
    assert!(!text.contains(' '));
}

#[tokio::test]
async fn wrong_sid_is_bare_minus_15() {
    let sim = Sim::start();
    let mut anon = Raw::anon(&sim.url);
    anon.sid = Some("A".repeat(58));
    let a = anon.post_raw("[{\"a\":\"f\"}]").await;
    assert_eq!(a.text, "-15");
}

#[tokio::test]
async fn huge_body_is_refused() {
    let sim = Sim::start();
    let anon = Raw::anon(&sim.url);
    let mut body = b"[".to_vec();
    body.resize(17 << 20, b' ');
    body.push(b']');
    // megasim answers `-2` without reading the rest, so the client may see either that answer
    // or its upload cut off mid-body; both are a refusal. What must not happen is a `[]` answer.
    let refused = match reqwest::Client::new()
        .post(format!("{}cs?id=1", sim.url))
        .body(body)
        .send()
        .await
    {
        Ok(r) => r.text().await.map(|t| t == "-2").unwrap_or(true),
        Err(_) => true,
    };
    assert!(refused, "a 17 MiB body was accepted");
    // The server is still fine afterwards.
    let ok = anon.call(json!({"a":"us0","user":"q@example.com"})).await;
    assert_eq!(ok["v"], json!(2));
}

#[tokio::test]
async fn repeated_request_is_replayed_not_executed_twice() {
    let sim = Sim::start();
    sim.add_user("r@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "r@example.com", "pw").await;
    let root = a.root(2).await;
    let body = json!([{"a":"p","t":root,"n":[{"h":"xxxxxxxx","t":1,"a":"AAAAAAAAAAAAAAAAAAAAAA","k":"AAAAAAAAAAAAAAAAAAAAAA"}]}]).to_string();
    let first = a.post_raw_id(777, body.clone()).await;
    let second = a.post_raw_id(777, body.clone()).await;
    assert_eq!(first.text, second.text);
    let f = a.fetch().await;
    assert_eq!(f["f"].as_array().unwrap().len(), 4, "one folder, not two");
    // Same id, different body: executed.
    let other = body.replace("xxxxxxxx", "yyyyyyyy");
    let third = a.post_raw_id(777, other).await;
    assert_ne!(third.text, first.text);
    assert_eq!(a.fetch().await["f"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn f_has_every_member_clients_need() {
    let sim = Sim::start();
    sim.add_user("f@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "f@example.com", "pw").await;
    let root = a.root(2).await;
    let (d1, _) = a.mkdir(&root, "one").await;
    let (d2, _) = a.mkdir(&d1, "two").await;
    let (_f, _) = a.upload(&d2, "three.txt", b"3").await;
    // Move "one" under a newer folder so that insertion order is not parent order.
    let (d3, _) = a.mkdir(&root, "newer").await;
    assert_eq!(a.call(json!({"a":"m","n":d1,"t":d3})).await, json!(0));
    let f = a.fetch().await;
    for k in ["ok", "s", "u"] {
        assert!(f[k].is_array(), "f.{k}: {f}");
    }
    assert_eq!(f["sn"].as_str().unwrap().len(), 11);
    let nodes = f["f"].as_array().unwrap();
    let types: Vec<i64> = nodes
        .iter()
        .take(3)
        .map(|n| n["t"].as_i64().unwrap())
        .collect();
    assert_eq!(types, vec![2, 3, 4], "roots first");
    for r in &nodes[..3] {
        assert_eq!(
            (&r["p"], &r["a"], &r["k"]),
            (&json!(""), &json!(""), &json!(""))
        );
    }
    let mut seen = std::collections::HashSet::new();
    for n in nodes {
        let p = n["p"].as_str().unwrap();
        assert!(p.is_empty() || seen.contains(p), "parent before child: {n}");
        seen.insert(n["h"].as_str().unwrap().to_string());
        assert_eq!(n["u"], json!(a.uh));
        assert!(n["ts"].is_number());
        if n["t"].as_i64().unwrap() < 2 {
            assert!(n["k"].as_str().unwrap().starts_with(&format!("{}:", a.uh)));
        }
        if n["t"] == json!(0) {
            assert_eq!(n["s"], json!(1));
        }
    }
    assert_eq!(nodes.len(), 7);
}
