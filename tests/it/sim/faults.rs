//! Fault knobs, each observed: -3, -4, HTTP 500, login limiter, hashcash, 509, drop_after,
//! latency; serve flags, admin endpoint and the `faults` CLI.

use super::client::Raw;
use crate::support::Sim;
use megash::crypto::{b64, hashcash, login};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test]
async fn eagain_ratelimit_and_http500_count_down() {
    let sim = Sim::start_with(&["--eagain", "1"]);
    let anon = Raw::anon(&sim.url);
    let body = json!([{"a":"us0","user":"a@example.com"}]).to_string();
    assert_eq!(anon.post_raw(body.clone()).await.text, "-3");
    assert!(anon.post_raw(body.clone()).await.text.starts_with('['));
    sim.set_faults(json!({"eagain":2,"ratelimit":1,"http500":1}))
        .await;
    let mut seen = Vec::new();
    for _ in 0..5 {
        let a = anon.post_raw(body.clone()).await;
        seen.push(if a.status == 500 {
            "500".to_string()
        } else {
            a.text.chars().take(2).collect()
        });
    }
    assert_eq!(seen, vec!["500", "-3", "-3", "-4", "[{"]);
}

#[tokio::test]
async fn login_limit_answers_6_then_locks_out() {
    let sim = Sim::start();
    sim.add_user("l@example.com", "pw", &["--v1"]);
    sim.set_faults(json!({"login_limit":{"max":2,"window_secs":60,"lockout_secs":2}}))
        .await;
    let pk = login::prepare_key_v1("pw");
    let uh = login::user_hash_v1("l@example.com", &pk);
    let anon = Raw::anon(&sim.url);
    let us = |uh: String| json!({"a":"us","user":"l@example.com","uh":uh});
    assert!(anon.call(us(uh.clone())).await.is_object());
    assert_eq!(anon.call(us("AAAAAAAAAAA".into())).await, json!(-9));
    assert_eq!(anon.call(us(uh.clone())).await, json!(-6));
    // Locked out: even the right password.
    assert_eq!(anon.call(us(uh.clone())).await, json!(-6));
    let unlocked = super::client::eventually(10, || {
        let anon = &anon;
        let cmd = us(uh.clone());
        async move { anon.call(cmd).await.is_object() }
    })
    .await;
    assert!(unlocked, "lockout never ended");
}

#[tokio::test]
async fn hashcash_402_then_success_with_a_solved_header() {
    let sim = Sim::start_with(&["--hashcash", "255/1"]);
    let anon = Raw::anon(&sim.url);
    let body = json!([{"a":"us0","user":"h@example.com"}]).to_string();
    let r = anon
        .http
        .post(anon.cs_url(42))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 402);
    let header = r.headers()["x-hashcash"].to_str().unwrap().to_string();
    assert_eq!(r.bytes().await.unwrap().len(), 0);
    let parts: Vec<&str> = header.split(':').collect();
    assert_eq!(parts.len(), 4, "{header}");
    assert_eq!((parts[0], parts[1]), ("1", "255"));
    assert_eq!(parts[3].len(), 64);
    let challenge = hashcash::parse(&header).unwrap();
    let answer = hashcash::solve(&challenge);
    // A wrong answer is challenged again (the knob covers one request, so turn it on again).
    sim.set_faults(json!({"hashcash":{"easiness":255,"requests":1}}))
        .await;
    let bogus = format!("1:{}:{}", parts[3], b64::encode(&[0xff, 0xff, 0xff, 0xfe]));
    let ok_prefix = hashcash::verify(&challenge.token_bytes, 255, &[0xff, 0xff, 0xff, 0xfe]);
    if !ok_prefix {
        let r = anon
            .http
            .post(anon.cs_url(42))
            .header("X-Hashcash", bogus)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 402);
    }
    let r = anon
        .http
        .post(anon.cs_url(42))
        .header("X-Hashcash", answer)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v[0]["v"], json!(2));
}

async fn file_url(sim: &Sim, n: usize) -> (Raw, String) {
    sim.add_user("x@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "x@example.com", "pw").await;
    let root = a.root(2).await;
    let (h, _) = a.upload(&root, "f", &vec![5u8; n]).await;
    let g = a.call(json!({"a":"g","g":1,"n":h})).await;
    (a, g["g"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn bandwidth_509_carries_time_left() {
    let sim = Sim::start();
    let (_a, url) = file_url(&sim, 100).await;
    sim.set_faults(json!({"bandwidth_509": 77})).await;
    let r = reqwest::get(format!("{url}/0-9")).await.unwrap();
    assert_eq!(r.status(), 509);
    assert_eq!(r.headers()["x-mega-time-left"], "77");
    sim.set_faults(json!({"bandwidth_509": null})).await;
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
}

#[tokio::test]
async fn drop_after_cuts_one_download_and_one_upload() {
    let sim = Sim::start();
    let (a, url) = file_url(&sim, 200_000).await;
    sim.set_faults(json!({"drop_after": 1000})).await;
    // The cut may land before or after the response head reaches the client.
    match reqwest::get(&url).await {
        Ok(r) => {
            assert_eq!(r.status(), 200);
            assert!(r.bytes().await.is_err(), "download was not cut");
        }
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
    }
    assert_eq!(
        reqwest::get(&url)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len(),
        200_000
    );

    let u = a.call(json!({"a":"u","s":50_000})).await;
    let up = format!("{}/0", u["p"].as_str().unwrap());
    sim.set_faults(json!({"drop_after": 100})).await;
    let cut = reqwest::Client::new()
        .post(&up)
        .body(vec![1u8; 50_000])
        .send()
        .await;
    assert!(
        cut.is_err(),
        "upload was not cut: {:?}",
        cut.map(|r| r.status())
    );
    let tok = reqwest::Client::new()
        .post(&up)
        .body(vec![1u8; 50_000])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(tok.len(), 36);
}

#[tokio::test]
async fn latency_and_the_faults_cli() {
    let sim = Sim::start();
    let show = |sim: &Sim| -> Value {
        let out = sim.cli(&["faults", "--show"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(show(&sim)["eagain"], json!(0));
    let out = sim.cli(&[
        "faults",
        "--eagain",
        "3",
        "--latency-ms",
        "300",
        "--login-limit",
        "5/60/10",
        "--hashcash",
        "200",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cur = show(&sim);
    assert_eq!(cur["eagain"], json!(3));
    assert_eq!(cur["latency_ms"], json!(300));
    assert_eq!(
        cur["login_limit"],
        json!({"max":5,"window_secs":60,"lockout_secs":10})
    );
    assert_eq!(cur["hashcash"], json!({"easiness":200,"requests":null}));
    sim.set_faults(json!({"hashcash": null, "eagain": 0})).await;
    let t = Instant::now();
    Raw::anon(&sim.url)
        .call(json!({"a":"us0","user":"z@example.com"}))
        .await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    let out = sim.cli(&["faults", "--clear"]);
    assert!(out.status.success());
    let cur = show(&sim);
    assert_eq!(cur["latency_ms"], json!(0));
    assert_eq!(cur["login_limit"], Value::Null);
    // Bad knobs are refused.
    let r = reqwest::Client::new()
        .post(format!("{}_admin/faults", sim.url))
        .body("{\"nonsense\":1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    sim.clear_faults().await;
}
