//! Login (v1, v2, MFA, no-keys, blocked), session check, logout, and the account verbs.

use super::client::Raw;
use crate::support::Sim;
use megash::crypto::{b64, keys};
use serde_json::json;

#[tokio::test]
async fn v2_login_decrypts_csid_and_the_sid_works() {
    let sim = Sim::start();
    sim.add_user("Alice@Example.com", "correct horse", &["--name", "Alice"]);
    let a = Raw::login(&sim.url, "alice@example.com", "correct horse").await;
    let pre = a.call(json!({"a":"us0","user":"alice@example.com"})).await;
    assert_eq!(pre["v"], json!(2));
    assert_eq!(pre["s"].as_str().unwrap().len(), 43);

    let ug = a.call(json!({"a":"ug"})).await;
    assert_eq!(ug["u"], json!(a.uh));
    assert_eq!(ug["email"], json!("alice@example.com"));
    assert_eq!(ug["name"], json!("Alice"));
    assert_eq!(ug["c"], json!(1));
    assert_eq!(ug["s"], json!(0));
    for k in ["k", "privk", "pubk", "ts"] {
        assert!(
            ug[k].as_str().is_some_and(|s| !s.is_empty()),
            "ug.{k}: {ug}"
        );
    }
    // ts = r ++ ECB(MK, r)
    let ts = b64::decode(ug["ts"].as_str().unwrap()).unwrap();
    let mut r = ts[..16].to_vec();
    megash::crypto::aes::ecb_encrypt(&a.mk, &mut r).unwrap();
    assert_eq!(&r[..], &ts[16..]);

    let uq = a.call(json!({"a":"uq","xfer":1,"strg":1})).await;
    for k in [
        "mstrg", "cstrg", "mxfer", "caxfer", "csxfer", "srvratio", "utype",
    ] {
        assert!(uq[k].is_number(), "uq.{k}: {uq}");
    }
    assert_eq!(uq["cstrgn"].as_object().unwrap().len(), 3);

    let uga = a
        .call(json!({"a":"uga","u":a.uh,"ua":"^!keys","v":1}))
        .await;
    let av = b64::decode(uga["av"].as_str().unwrap()).unwrap();
    assert!(uga["v"].is_string());
    assert_eq!(
        keys::keys_container_open(&a.mk, &av).unwrap(),
        Vec::<u8>::new()
    );
    assert_eq!(
        a.call(json!({"a":"uga","u":a.uh,"ua":"*!nothing"})).await,
        json!(-9)
    );
}

#[tokio::test]
async fn v1_login_and_bad_credentials() {
    let sim = Sim::start();
    sim.add_user("bob@example.com", "hunter2", &["--v1"]);
    let pre = Raw::anon(&sim.url)
        .call(json!({"a":"us0","user":"bob@example.com"}))
        .await;
    assert_eq!(pre, json!({"v":1}), "v1 prelogin has no s at all");
    let b = Raw::login(&sim.url, "bob@example.com", "hunter2").await;
    assert!(b.fetch().await["f"].as_array().unwrap().len() == 3);
    let wrong = Raw::try_login(&sim.url, "bob@example.com", "nope", None).await;
    assert_eq!(wrong.err(), Some(json!(-9)));
    // Unknown users get a stable fake salt, then -9.
    let anon = Raw::anon(&sim.url);
    let p1 = anon
        .call(json!({"a":"us0","user":"ghost@example.com"}))
        .await;
    let p2 = anon
        .call(json!({"a":"us0","user":"ghost@example.com"}))
        .await;
    assert_eq!(p1, p2);
    assert_eq!(p1["v"], json!(2));
    let ghost = Raw::try_login(&sim.url, "ghost@example.com", "x", None).await;
    assert_eq!(ghost.err(), Some(json!(-9)));
}

#[tokio::test]
async fn no_keys_account_answers_us0_but_us_is_enoent() {
    let sim = Sim::start();
    sim.add_user("new@example.com", "pw", &["--no-keys"]);
    let anon = Raw::anon(&sim.url);
    assert_eq!(
        anon.call(json!({"a":"us0","user":"new@example.com"})).await["v"],
        json!(2)
    );
    let r = Raw::try_login(&sim.url, "new@example.com", "pw", None).await;
    assert_eq!(r.err(), Some(json!(-9)));
}

#[tokio::test]
async fn mfa_is_required_and_checked() {
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DP";
    let sim = Sim::start();
    sim.add_user("m@example.com", "pw", &["--mfa", secret]);
    let none = Raw::try_login(&sim.url, "m@example.com", "pw", None).await;
    assert_eq!(none.err(), Some(json!(-26)));
    let bytes = totp_rs::Secret::Encoded(secret.into()).to_bytes().unwrap();
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes);
    let code = totp.generate_current().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bad = Raw::try_login(&sim.url, "m@example.com", "pw", Some(wrong)).await;
    assert_eq!(bad.err(), Some(json!(-5)));
    let ok = Raw::try_login(&sim.url, "m@example.com", "pw", Some(&code)).await;
    assert!(ok.is_ok());
}

#[tokio::test]
async fn session_check_returns_the_original_sek_and_sml_ends_the_session() {
    let sim = Sim::start();
    sim.add_user("s@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "s@example.com", "pw").await;
    let check = a
        .call(json!({"a":"us","sek":b64::encode(&[9u8; 16])}))
        .await;
    assert_eq!(check["sek"], json!(b64::encode(&[7u8; 16])));
    assert_eq!(check["u"], json!(a.uh));
    assert!(check["k"].is_string() && check["privk"].is_string());
    assert_eq!(a.call(json!({"a":"sml"})).await, json!(0));
    assert_eq!(a.batch(json!([{"a":"ug"}])).await, json!(-15));
}

#[tokio::test]
async fn usl_lists_sessions_and_usr_ends_them() {
    let sim = Sim::start();
    sim.add_user("u@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "u@example.com", "pw").await;
    let b = Raw::login(&sim.url, "u@example.com", "pw").await;
    let c = Raw::login(&sim.url, "u@example.com", "pw").await;
    sim.add_user("other@example.com", "pw", &[]);
    let other = Raw::login(&sim.url, "other@example.com", "pw").await;

    // As MEGA sends it (SDK CommandGetUserSessions): one array per session, oldest first,
    // `[created, mru, user agent, ip, country, current]`, plus `id` and `alive` with `x:1`.
    let plain = a.call(json!({"a":"usl"})).await;
    let plain = plain.as_array().expect("usl answers a list");
    assert_eq!(plain.len(), 3, "{plain:?}");
    for row in plain {
        let row = row.as_array().expect("a session is an array");
        assert_eq!(row.len(), 6, "{row:?}");
        assert!(row[0].as_i64().unwrap() > 1_600_000_000, "{row:?}");
        assert!(row[1].as_i64().unwrap() >= row[0].as_i64().unwrap());
        assert!(row[2].is_string());
        assert_eq!(row[3], json!("127.0.0.1"));
        assert_eq!(row[4], json!("XX"));
    }
    let current: Vec<i64> = plain.iter().map(|r| r[5].as_i64().unwrap()).collect();
    assert_eq!(current, [1, 0, 0]);

    // The id of each caller's own session, from its own listing.
    let own_id = |list: &serde_json::Value| -> String {
        let row = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[5] == json!(1))
            .expect("a current session");
        row[6].as_str().unwrap().to_string()
    };
    let full = a.call(json!({"a":"usl","x":1})).await;
    let text = full.to_string();
    for raw in [&a, &b, &c] {
        let sid = raw.sid.as_deref().unwrap();
        assert!(!text.contains(sid), "usl shows no sid: {text}");
    }
    let ids: Vec<String> = full
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r.as_array().unwrap().len(), 8, "{r}");
            assert_eq!(r[7], json!(1), "{r}");
            r[6].as_str().unwrap().to_string()
        })
        .collect();
    assert!(ids.iter().all(|id| b64::decode(id).unwrap().len() == 8));
    assert_eq!(own_id(&full), ids[0]);
    let b_id = own_id(&b.call(json!({"a":"usl","x":1})).await);
    assert_eq!(b_id, ids[1]);

    // An id that is not one of the account's sessions ends nothing: another account's
    // session cannot be ended from here.
    let other_id = own_id(&other.call(json!({"a":"usl","x":1})).await);
    for bad in [other_id.as_str(), "AAAAAAAAAAA"] {
        assert_eq!(
            a.call(json!({"a":"usr","s":[b_id, bad]})).await,
            json!(-9),
            "{bad}"
        );
    }
    assert!(b.call(json!({"a":"ug"})).await.is_object());
    assert!(other.call(json!({"a":"ug"})).await.is_object());
    assert_eq!(a.call(json!({"a":"usr"})).await, json!(-2));

    assert_eq!(a.call(json!({"a":"usr","s":[b_id]})).await, json!(0));
    assert_eq!(b.batch(json!([{"a":"ug"}])).await, json!(-15));
    assert!(c.call(json!({"a":"ug"})).await.is_object());
    // `ko:1`: every session but the caller's.
    assert_eq!(a.call(json!({"a":"usr","ko":1})).await, json!(0));
    assert_eq!(c.batch(json!([{"a":"ug"}])).await, json!(-15));
    assert!(a.call(json!({"a":"ug"})).await.is_object());
    // Ended sessions are still listed, as no longer alive.
    let after = a.call(json!({"a":"usl","x":1})).await;
    let alive: Vec<i64> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[7].as_i64().unwrap())
        .collect();
    assert_eq!(alive, [1, 0, 0]);
    assert!(other.call(json!({"a":"ug"})).await.is_object());
    // Without an account there is nothing to list.
    assert_eq!(
        Raw::anon(&sim.url).call(json!({"a":"usl"})).await,
        json!(-11)
    );
}

#[tokio::test]
async fn blocked_account_gets_16_and_whyamiblocked_tells_why() {
    let sim = Sim::start();
    sim.add_user("x@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "x@example.com", "pw").await;
    let out = sim.cli(&["user", "block", "x@example.com", "--reason", "4"]);
    assert!(out.status.success());
    assert_eq!(a.batch(json!([{"a":"f"}])).await, json!(-16));
    assert_eq!(a.call(json!({"a":"whyamiblocked"})).await, json!(4));
    // A blocked account still logs in (the SDK needs the sid to ask whyamiblocked); its
    // new session gets -16 for everything else too.
    let b = Raw::login(&sim.url, "x@example.com", "pw").await;
    assert_eq!(b.batch(json!([{"a":"f"}])).await, json!(-16));
    assert_eq!(b.call(json!({"a":"whyamiblocked"})).await, json!(4));
    // Default reason is 300 (terms of service); unblocking restores everything.
    sim.cli(&["user", "block", "x@example.com"]);
    assert_eq!(a.call(json!({"a":"whyamiblocked"})).await, json!(300));
    sim.cli(&["user", "unblock", "x@example.com"]);
    assert!(a.fetch().await.is_object());
    assert_eq!(a.call(json!({"a":"whyamiblocked"})).await, json!(0));
}
