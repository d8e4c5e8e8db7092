//! Accounts are isolated: A's session can neither see nor touch B's nodes.

use super::client::Raw;
use crate::support::Sim;
use serde_json::json;

#[tokio::test]
async fn one_account_cannot_touch_another_accounts_nodes() {
    let sim = Sim::start();
    sim.add_user("a@example.com", "pw", &[]);
    sim.add_user("b@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "a@example.com", "pw").await;
    let b = Raw::login(&sim.url, "b@example.com", "pw").await;
    let a_root = a.root(2).await;
    let b_root = b.root(2).await;
    let (b_dir, _) = b.mkdir(&b_root, "private").await;
    let (b_file, _) = b.upload(&b_dir, "secret.txt", b"top secret").await;
    let before = b.fetch().await;

    // A sees only its own tree.
    let fa = a.fetch().await;
    let text = fa.to_string();
    for h in [&b_root, &b_dir, &b_file] {
        assert!(!text.contains(h.as_str()), "A's f leaks {h}");
    }
    let not_ok = |v: serde_json::Value| {
        let c = v.as_i64().unwrap_or(0);
        assert!(c == -9 || c == -11, "expected -9/-11, got {v}");
    };
    not_ok(a.call(json!({"a":"g","g":1,"n":b_file})).await);
    not_ok(
        a.call(json!({"a":"a","n":b_file,"at":"AAAAAAAAAAAAAAAAAAAAAA"}))
            .await,
    );
    not_ok(a.call(json!({"a":"a","n":b_dir,"attr":"AAAAAAAAAAAAAAAAAAAAAA","key":"AAAAAAAAAAAAAAAAAAAAAA"})).await);
    not_ok(a.call(json!({"a":"m","n":b_file,"t":a_root})).await);
    not_ok(a.call(json!({"a":"m","n":b_dir,"t":b_root})).await);
    not_ok(a.call(json!({"a":"d","n":b_file})).await);
    not_ok(a.call(json!({"a":"d","n":b_dir})).await);
    not_ok(a.call(json!({"a":"l","n":b_file})).await);
    not_ok(a.call(json!({"a":"s2","n":b_dir,"s":[{"u":"EXP","r":0}],"ok":"AAAAAAAAAAAAAAAAAAAAAA","ha":"AAAAAAAAAAAAAAAAAAAAAA"})).await);
    not_ok(a.call(json!({"a":"p","t":b_dir,"n":[{"h":"xxxxxxxx","t":1,"a":"AAAAAAAAAAAAAAAAAAAAAA","k":"AAAAAAAAAAAAAAAAAAAAAA"}]})).await);
    // A's own move with B's node as the target.
    let (a_dir, _) = a.mkdir(&a_root, "mine").await;
    not_ok(a.call(json!({"a":"m","n":a_dir,"t":b_dir})).await);

    // B's upload token is useless to A.
    let u = b.call(json!({"a":"u","s":3})).await;
    let url = u["p"].as_str().unwrap();
    let token = reqwest::Client::new()
        .post(format!("{url}/0"))
        .body("abc")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let stolen = a
        .call(json!({"a":"p","t":a_root,"n":[{"h":token,"t":0,"a":"AAAAAAAAAAAAAAAAAAAAAA","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}))
        .await;
    assert!(stolen.is_i64(), "A completed B's upload: {stolen}");

    let after = b.fetch().await;
    assert_eq!(before["f"], after["f"], "B's tree changed");
}
