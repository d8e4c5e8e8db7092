//! The `sc` channel: packets after mkdir/rename/move/delete, wait URLs that wake up.

use super::client::Raw;
use crate::support::Sim;
use megash::crypto::{aes, attrs, b64};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn sc(a: &Raw, sn: &str, post: bool) -> Value {
    let url = format!("{}sc?sn={sn}&sid={}", a.base, a.sid.as_deref().unwrap());
    let req = if post {
        a.http.post(url)
    } else {
        a.http.get(url)
    };
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn packets_after_changes_and_wait_urls() {
    let sim = Sim::start();
    sim.add_user("sc@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "sc@example.com", "pw").await;
    let f = a.fetch().await;
    let sn0 = f["sn"].as_str().unwrap().to_string();
    let root = a.root(2).await;
    let rubbish = a.root(4).await;

    // Up to date: a wait URL on our own host.
    let w = sc(&a, &sn0, true).await;
    let wait = w["w"].as_str().expect("w").to_string();
    assert!(wait.starts_with(&format!("{}wait/", sim.url)), "{wait}");
    // The wait URL blocks until something happens for this account.
    let waiter = {
        let wait = wait.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            let r = reqwest::get(wait).await.unwrap();
            (r.status().as_u16(), t.elapsed())
        })
    };
    let (dir, key) = a.mkdir(&root, "d1").await;
    let (status, waited) = waiter.await.unwrap();
    assert_eq!(status, 200);
    assert!(
        waited < Duration::from_secs(20),
        "wait URL did not wake up: {waited:?}"
    );

    let at = attrs::encrypt_name(&key, "renamed", None);
    let r = a
        .call(json!({"a":"a","n":dir,"at":at,"i":"renamereq1"}))
        .await;
    assert_eq!(r, json!(0));
    let (sub, _) = a.mkdir(&root, "d2").await;
    assert_eq!(
        a.call(json!({"a":"m","n":dir,"t":sub,"i":"movereq001"}))
            .await,
        json!(0)
    );
    assert_eq!(a.call(json!({"a":"m","n":sub,"t":rubbish})).await, json!(0));
    assert_eq!(
        a.call(json!({"a":"d","n":sub,"i":"delreq0001"})).await,
        json!(0)
    );

    let got = sc(&a, &sn0, false).await;
    let packets = got["a"].as_array().expect("packets");
    let kinds: Vec<&str> = packets.iter().map(|p| p["a"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["t", "u", "t", "d", "t", "d", "t", "d"]);
    for p in packets {
        assert_eq!(p["ou"], json!(a.uh), "{p}");
    }
    let mk = &packets[0];
    assert_eq!(mk["i"], json!("mkdirreq01"));
    assert_eq!(mk["t"]["f"][0]["h"], json!(dir));
    assert_eq!(a.node_name(&mk["t"]["f"][0]).as_deref(), Some("d1"));
    let ren = &packets[1];
    assert_eq!(
        (&ren["n"], &ren["at"], &ren["i"]),
        (&json!(dir), &json!(at), &json!("renamereq1"))
    );
    assert_eq!(ren["u"], json!(a.uh));
    assert!(ren["ts"].is_number());
    let mv = &packets[3];
    assert_eq!(
        (&mv["n"], &mv["m"], &mv["i"]),
        (&json!(dir), &json!(1), &json!("movereq001"))
    );
    assert_eq!(packets[4]["t"]["f"][0]["p"], json!(sub));
    // Moving a folder sends its whole subtree in the t packet.
    let sub_move = &packets[6]["t"]["f"];
    assert_eq!(sub_move.as_array().unwrap().len(), 2);
    assert_eq!(sub_move[0]["p"], json!(rubbish));
    let del = &packets[7];
    assert_eq!((&del["n"], &del["i"]), (&json!(sub), &json!("delreq0001")));
    assert!(del.get("m").is_none());

    // The new sn is up to date again, and is what f reports.
    let sn1 = got["sn"].as_str().unwrap();
    assert_eq!(sn1.len(), 11);
    assert!(sc(&a, sn1, false).await["w"].is_string());
    assert_eq!(a.fetch().await["sn"], json!(sn1));
    // Bad sessions are errors; wsc works like sc.
    let bad = reqwest::get(format!("{}sc?sn={sn1}&sid=nope", sim.url))
        .await
        .unwrap();
    assert_eq!(bad.text().await.unwrap(), "-15");
    let wsc = reqwest::get(format!(
        "{}wsc?sn={sn1}&sid={}",
        sim.url,
        a.sid.as_deref().unwrap()
    ))
    .await
    .unwrap();
    assert!(wsc.text().await.unwrap().starts_with("{\"w\":"));
    let _ = (aes::wrap, b64::encode);
}
