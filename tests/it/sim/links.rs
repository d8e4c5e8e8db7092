//! Public links: `l` (stable handles, removal), `g` by public handle, `s2` exported folders,
//! folder-link sessions (`&n=`), and the `ph` packets.

use super::client::Raw;
use crate::support::Sim;
use megash::crypto::{aes, attrs, b64, keys};
use serde_json::{json, Value};

#[tokio::test]
async fn file_link_is_stable_and_downloadable_without_a_session() {
    let sim = Sim::start();
    sim.add_user("l@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "l@example.com", "pw").await;
    let root = a.root(2).await;
    let (h, key) = a.upload(&root, "shared.txt", b"hello link").await;
    let ph = a.call(json!({"a":"l","n":h,"i":"linkreq001"})).await;
    let ph = ph.as_str().expect("public handle").to_string();
    assert_eq!(ph.len(), 8);
    assert_ne!(ph, h);
    assert_eq!(a.call(json!({"a":"l","n":h})).await, json!(ph), "stable");
    assert_eq!(a.fetch().await["ph"], json!([{"h":h,"ph":ph}]));

    let anon = Raw::anon(&sim.url);
    let info = anon.call(json!({"a":"g","p":ph})).await;
    assert_eq!(info["s"], json!(10));
    assert!(info.get("g").is_none());
    let fk = keys::FileKey::from_bytes(&key);
    let at = attrs::decrypt(&fk.aes, info["at"].as_str().unwrap()).unwrap();
    assert_eq!(at["n"], json!("shared.txt"));
    let g = anon.call(json!({"a":"g","g":1,"p":ph,"ssl":0})).await;
    let mut body = reqwest::get(g["g"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    aes::ctr_apply(&fk.aes, &fk.nonce, 0, &mut body);
    assert_eq!(body, b"hello link");

    // Importing the link into the account (megajs importFile / mega.py import).
    let imp = a
        .call(json!({"a":"p","t":root,"n":[{"ph":ph,"t":0,"a":info["at"],"k":b64::encode(&aes::wrap(&a.mk, &key).unwrap())}]}))
        .await;
    assert_eq!(imp["f"][0]["s"], json!(10));

    assert_eq!(a.call(json!({"a":"l","n":h,"d":1})).await, json!(0));
    assert_eq!(anon.call(json!({"a":"g","p":ph})).await, json!(-9));
    assert!(a.fetch().await.get("ph").is_none());
    let ph_packets: Vec<serde_json::Value> = {
        let r = reqwest::get(format!(
            "{}sc?sn=AAAAAAAAAAA&sid={}",
            sim.url,
            a.sid.as_deref().unwrap()
        ))
        .await
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        v["a"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["a"] == json!("ph"))
            .cloned()
            .collect()
    };
    assert_eq!(ph_packets.len(), 2);
    assert_eq!(
        (
            &ph_packets[0]["h"],
            &ph_packets[0]["ph"],
            &ph_packets[0]["n"]
        ),
        (&json!(h), &json!(ph), &json!(1))
    );
    assert_eq!(ph_packets[0]["i"], json!("linkreq001"));
    assert_eq!(ph_packets[1]["d"], json!(1));
}

#[tokio::test]
async fn exported_folder_lists_through_a_folder_link_session() {
    let sim = Sim::start();
    sim.add_user("e@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "e@example.com", "pw").await;
    let root = a.root(2).await;
    let (dir, dir_key) = a.mkdir(&root, "public").await;
    let (sub, sub_key) = a.mkdir(&dir, "inner").await;
    let (file, file_key) = a.upload(&sub, "doc.txt", b"in a folder link").await;
    let (_other, _) = a.mkdir(&root, "not shared").await;

    let share_key = super::client::rand_key();
    let wrap = |k: &[u8]| b64::encode(&aes::wrap(&share_key, k).unwrap());
    let ok = b64::encode(&aes::wrap(&a.mk, &share_key).unwrap());
    let ha = b64::encode(&keys::handle_auth(&a.mk, &dir));
    let r = a
        .call(json!({"a":"s2","n":dir,"s":[{"u":"EXP","r":0}],"ok":ok,"ha":ha,
            "cr":[[dir],[dir,sub,file],[0,0,wrap(&dir_key),0,1,wrap(&sub_key),0,2,wrap(&file_key)]]}))
        .await;
    assert_eq!(r, json!({"r":[0],"u":[]}));
    let ph = a.call(json!({"a":"l","n":dir})).await;
    let ph = ph.as_str().unwrap().to_string();

    let f = a.fetch().await;
    assert_eq!(f["ok"], json!([{"h":dir,"ha":ha,"k":ok}]));
    assert_eq!(f["s"][0]["h"], json!(dir));
    assert_eq!(f["s"][0]["u"], json!("EXP"));
    let dnode = f["f"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["h"] == json!(dir))
        .unwrap();
    assert_eq!(
        dnode["k"],
        json!(format!(
            "{}:{}/{}:{}",
            a.uh,
            b64::encode(&aes::wrap(&a.mk, &dir_key).unwrap()),
            dir,
            wrap(&dir_key)
        ))
    );

    // The folder link session.
    let mut link = Raw::anon(&sim.url);
    link.link = Some(ph.clone());
    let lf = link.call(json!({"a":"f","c":1,"ca":1,"r":1})).await;
    let nodes = lf["f"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert_eq!(nodes[0]["h"], json!(dir), "root first");
    assert!(lf["sn"].is_string());
    for n in nodes {
        let k = n["k"].as_str().unwrap();
        let (prefix, wrapped) = k.split_once(':').unwrap();
        assert_eq!(prefix, dir);
        let raw = aes::unwrap(&share_key, &b64::decode(wrapped).unwrap()).unwrap();
        let key = keys::NodeKey::from_bytes(&raw).unwrap().aes_key();
        assert!(attrs::decrypt(&key, n["a"].as_str().unwrap()).is_ok());
    }
    let g = link.call(json!({"a":"g","g":1,"n":file,"ssl":0})).await;
    assert_eq!(g["s"], json!(16));
    let not_in_link = link.call(json!({"a":"g","g":1,"n":_other})).await;
    assert_eq!(not_in_link, json!(-9));
    // The link's `sc` poll from the `f` answer's sn.
    let poll = || async {
        let url = format!("{}sc?sn={}&n={ph}", sim.url, lf["sn"].as_str().unwrap());
        let text = reqwest::get(url).await.unwrap().text().await.unwrap();
        serde_json::from_str::<Value>(&text).unwrap()
    };
    assert!(poll().await["w"].is_string());
    // Changes inside the folder reach the link session; the account's others do not.
    let (inside, _) = a.mkdir(&sub, "inside").await;
    let (outside, _) = a.mkdir(&root, "outside").await;
    assert_eq!(
        a.call(json!({"a":"m","n":outside,"t":_other})).await,
        json!(0)
    );
    let poll = poll().await;
    let packets = poll["a"].as_array().expect("packets for the link");
    assert_eq!(packets.len(), 1, "{poll}");
    assert_eq!(packets[0]["a"], json!("t"));
    assert_eq!(packets[0]["t"]["f"][0]["h"], json!(inside));
    assert!(!poll.to_string().contains(&outside), "{poll}");

    // Removing the share takes the folder out of ok/s.
    let r = a
        .call(json!({"a":"s2","n":dir,"s":[{"u":"EXP","r":""}]}))
        .await;
    assert_eq!(r, json!({"r":[0],"u":[]}));
    let f = a.fetch().await;
    assert_eq!(f["ok"], json!([]));
    assert_eq!(f["s"], json!([]));
    let mut bad = Raw::anon(&sim.url);
    bad.link = Some("AAAAAAAA".into());
    assert_eq!(bad.batch(json!([{"a":"f","c":1}])).await, json!(-9));
}
