//! Bad input never crashes megasim: every verb with missing or mistyped members, and odd URLs.

use super::client::Raw;
use crate::support::Sim;
use serde_json::{json, Value};

#[tokio::test]
async fn mistyped_members_get_error_codes_and_the_server_survives() {
    let sim = Sim::start();
    sim.add_user("b@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "b@example.com", "pw").await;
    let root = a.root(2).await;
    let (dir, _) = a.mkdir(&root, "d").await;
    let weird = [
        json!(null),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("xxxxxxxx"),
        json!([]),
        json!([[1], [2], [3]]),
        json!({}),
        json!("A".repeat(100_000)),
        json!(dir),
    ];
    let verbs = [
        "us0", "us", "ug", "uq", "uga", "f", "p", "u", "g", "a", "m", "d", "l", "s2", "sml", "log",
    ];
    let members = [
        "user", "uh", "n", "t", "p", "s", "at", "attr", "k", "cr", "ua", "g", "v", "d", "ok", "ha",
        "h", "ph", "mfa", "sek",
    ];
    for verb in verbs {
        if verb == "sml" {
            continue; // would end the session the loop uses
        }
        let mut batch = Vec::new();
        for m in members {
            for w in &weird {
                batch.push(json!({"a": verb, m: w}));
            }
        }
        // Nested shapes that handlers index into.
        batch.push(json!({"a": verb, "n": [{"h": 1, "t": "x", "a": [], "k": {}}], "t": root}));
        batch.push(json!({"a": verb, "n": [null, 5], "t": dir}));
        batch.push(json!({"a": verb, "s": [{"u": "EXP", "r": []}], "n": dir, "ok": "!!", "ha": 3}));
        batch.push(json!({"a": verb, "cr": [[dir], [dir], [7, 9, "AAAA"]], "n": dir, "t": root}));
        let r = a.batch(Value::Array(batch.clone())).await;
        let r = r
            .as_array()
            .unwrap_or_else(|| panic!("{verb}: not an array: {r}"));
        assert_eq!(r.len(), batch.len(), "{verb}");
    }
    // Still alive and consistent.
    assert!(a.fetch().await["f"].is_array());
    assert_eq!(
        a.call(json!({"a":"us0","user":"b@example.com"})).await["v"],
        json!(2)
    );
}

#[tokio::test]
async fn odd_urls_are_answered_not_crashed_on() {
    let sim = Sim::start();
    let c = reqwest::Client::new();
    let cases: [(&str, &str); 12] = [
        ("GET", "cs"),
        ("POST", "ul/nope/abc"),
        ("POST", "ul/nope/-1"),
        ("GET", "dl/nope"),
        ("GET", "dl/nope/5-2"),
        ("GET", "dl/nope/x-y"),
        ("GET", "sc"),
        ("POST", "sc?sn=%%%&sid=x"),
        ("GET", "wait/unknown"),
        ("GET", "nothing/here"),
        ("OPTIONS", "cs"),
        ("PUT", "_admin/faults"),
    ];
    for (method, path) in cases {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = c
            .request(m, format!("{}{path}", sim.url))
            .send()
            .await
            .unwrap();
        assert!(r.status().as_u16() < 500, "{method} {path}: {}", r.status());
    }
    let r = c
        .post(format!("{}cs?id=1", sim.url))
        .body("[{\"a\":\"us0\",\"user\":\"z@z\"}]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
