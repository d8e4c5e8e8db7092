//! Upload and download URLs: pieces in any order, `d=`/`c=` answers, token formats, checksums,
//! ranges.

use super::client::Raw;
use crate::support::Sim;
use megash::crypto::{b64, keys::chunk_checksum};
use serde_json::json;

async fn post(url: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
    let r = reqwest::Client::new()
        .post(url)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

async fn get(url: &str) -> (u16, Vec<u8>) {
    let r = reqwest::get(url).await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn pieces_out_of_order_with_d_and_binary_token() {
    let sim = Sim::start();
    sim.add_user("u@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "u@example.com", "pw").await;
    let root = a.root(2).await;
    let body = data(300_000);
    let u = a
        .call(json!({"a":"u","s":body.len(),"ms":0,"r":0,"e":0,"v":2}))
        .await;
    let url = u["p"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}ul/", sim.url)), "{url}");
    let pieces = [(131_072usize, 300_000usize), (0, 131_072)];
    let mut token = Vec::new();
    for (i, (s, e)) in pieces.iter().enumerate() {
        let piece = body[*s..*e].to_vec();
        let cs = b64::encode(&chunk_checksum(&piece));
        let (st, answer) = post(&format!("{url}/{s}?d={cs}"), piece).await;
        assert_eq!(st, 200);
        if i == 0 {
            assert_eq!(answer, b"0", "intermediate answer with d=");
        } else {
            token = answer;
        }
    }
    assert_eq!(token.len(), 36, "binary token");
    assert_eq!(token[35], 1);
    // Extra POSTs after completion get the token again.
    let (_, again) = post(&format!("{url}/0"), body[..16].to_vec()).await;
    assert_eq!(again, token);
    let h = b64::encode(&token);
    let r = a
        .call(json!({"a":"p","t":root,"n":[{"h":h,"t":0,"a":"AAAAAAAAAAAAAAAAAAAAAA","k":b64::encode(&[1u8; 32])}]}))
        .await;
    let node = &r["f"][0];
    assert_eq!(node["s"], json!(300_000));
    assert_eq!(
        node["k"],
        json!(format!("{}:{}", a.uh, b64::encode(&[1u8; 32])))
    );
    let g = a.call(json!({"a":"g","g":1,"n":node["h"],"ssl":0})).await;
    assert_eq!(g["s"], json!(300_000));
    assert_eq!(g["at"], json!("AAAAAAAAAAAAAAAAAAAAAA"));
    let dl = g["g"].as_str().unwrap().to_string();
    assert!(dl.starts_with(&format!("{}dl/", sim.url)));
    assert_eq!(get(&dl).await, (200, body.clone()));
    assert_eq!(
        get(&format!("{dl}/100-199")).await,
        (200, body[100..200].to_vec())
    );
    // mega-rs asks for 0-<size>: the end is clamped.
    assert_eq!(get(&format!("{dl}/0-300000")).await.1, body);
    assert_eq!(
        get(&format!("{dl}/299990-999999")).await.1,
        body[299_990..].to_vec()
    );
    let r = reqwest::get(format!("{dl}/5-9")).await.unwrap();
    assert_eq!(r.headers()["content-length"], "5");
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
}

#[tokio::test]
async fn text_token_without_v_and_empty_intermediate_answers() {
    let sim = Sim::start();
    sim.add_user("t@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "t@example.com", "pw").await;
    let root = a.root(2).await;
    let body = data(1000);
    let u = a.call(json!({"a":"u","s":1000,"ssl":0})).await;
    let url = u["p"].as_str().unwrap();
    let (_, mid) = post(&format!("{url}/500"), body[500..].to_vec()).await;
    assert!(mid.is_empty(), "no d=: empty intermediate answer");
    let cs = b64::encode(&chunk_checksum(&body[..500]));
    let (_, tok) = post(&format!("{url}/0?c={cs}"), body[..500].to_vec()).await;
    let tok = String::from_utf8(tok).unwrap();
    assert_eq!(tok.len(), 36, "text token: {tok}");
    let r = a
        .call(json!({"a":"p","t":root,"n":[{"h":tok,"t":0,"a":"AAAAAAAAAAAAAAAAAAAAAA","k":b64::encode(&[2u8; 32])}]}))
        .await;
    assert_eq!(r["f"][0]["s"], json!(1000));
    // A token is good for one node only.
    let again = a
        .call(json!({"a":"p","t":root,"n":[{"h":tok,"t":0,"a":"AAAAAAAAAAAAAAAAAAAAAA","k":b64::encode(&[2u8; 32])}]}))
        .await;
    assert!(again.is_i64(), "{again}");
}

#[tokio::test]
async fn checksum_mismatch_range_errors_and_empty_files() {
    let sim = Sim::start();
    sim.add_user("c@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "c@example.com", "pw").await;
    let u = a.call(json!({"a":"u","s":100})).await;
    let url = u["p"].as_str().unwrap();
    let (_, r) = post(&format!("{url}/0?d=AAAAAAAAAAAAAAAA"), data(50)).await;
    assert_eq!(r, b"-14");
    let (_, r) = post(&format!("{url}/60"), data(50)).await;
    assert_eq!(r, b"-7");
    let (_, r) = post(&format!("{url}/101"), Vec::new()).await;
    assert_eq!(r, b"-7");
    let (_, r) = post(&format!("{}ul/unknowntoken/0", sim.url), data(5)).await;
    assert_eq!(r, b"-8");

    let z = a.call(json!({"a":"u","s":0,"v":2})).await;
    let (_, tok) = post(&format!("{}/0", z["p"].as_str().unwrap()), Vec::new()).await;
    assert_eq!(tok.len(), 36);
    let root = a.root(2).await;
    let r = a
        .call(json!({"a":"p","t":root,"n":[{"h":b64::encode(&tok),"t":0,"a":"AAAAAAAAAAAAAAAAAAAAAA","k":b64::encode(&[3u8; 32])}]}))
        .await;
    let h = r["f"][0]["h"].as_str().unwrap();
    assert_eq!(r["f"][0]["s"], json!(0));
    let g = a.call(json!({"a":"g","g":1,"n":h})).await;
    let dl = g["g"].as_str().unwrap();
    assert_eq!(get(&format!("{dl}/0-0")).await, (200, Vec::new()));
    assert_eq!(get(dl).await, (200, Vec::new()));
}

#[tokio::test]
async fn uploaded_file_decrypts_back() {
    let sim = Sim::start();
    sim.add_user("d@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "d@example.com", "pw").await;
    let root = a.root(2).await;
    let plain = data(5 << 20);
    let (h, key) = a.upload(&root, "big.bin", &plain).await;
    let g = a.call(json!({"a":"g","g":1,"n":h})).await;
    let (_, mut ct) = get(g["g"].as_str().unwrap()).await;
    let fk = megash::crypto::keys::FileKey::from_bytes(&key);
    megash::crypto::aes::ctr_apply(&fk.aes, &fk.nonce, 0, &mut ct);
    assert!(ct == plain);
    let mut mac = megash::crypto::mac::FileMac::new(&fk.aes, &fk.nonce);
    mac.update(&ct);
    assert_eq!(mac.finish(), fk.meta_mac);
    let f = a.fetch().await;
    let node = f["f"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["h"] == json!(h))
        .unwrap()
        .clone();
    assert_eq!(a.node_name(&node).as_deref(), Some("big.bin"));
    let uq = a.call(json!({"a":"uq","strg":1})).await;
    assert_eq!(uq["cstrg"], json!(5 << 20));
}

#[tokio::test]
async fn p_with_a_file_handle_copies_the_stored_data() {
    // The SDK's copyNode (MEGAcmd's cp): `h` is the source node's handle; a folder's `h` is a
    // temporary handle that children's `p` refer to. The copy shares the source's data.
    let sim = Sim::start();
    sim.add_user("c@example.com", "pw", &[]);
    sim.add_user("o@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "c@example.com", "pw").await;
    let root = a.root(2).await;
    let plain = data(70_000);
    let (h, key) = a.upload(&root, "src.bin", &plain).await;
    let (dir, dir_key) = a.mkdir(&root, "D").await;
    let fk = megash::crypto::keys::FileKey::from_bytes(&key);
    let k = b64::encode(&megash::crypto::aes::wrap(&a.mk, &key).unwrap());
    let dk = b64::encode(&megash::crypto::aes::wrap(&a.mk, &dir_key).unwrap());
    let at = megash::crypto::attrs::encrypt_name(&fk.aes, "copy.bin", None);
    let dat = megash::crypto::attrs::encrypt_name(&dir_key, "D2", None);
    let r = a
        .call(json!({"a":"p","t":root,"i":"copyreq001","n":[
            {"h":dir,"t":1,"a":dat,"k":dk},
            {"h":h,"p":dir,"t":0,"a":at,"k":k},
        ]}))
        .await;
    let f = r["f"].as_array().unwrap_or_else(|| panic!("{r}"));
    assert_eq!(f.len(), 2, "{r}");
    let new_dir = f[0]["h"].as_str().unwrap();
    assert_ne!(new_dir, dir);
    assert_eq!(f[1]["p"], json!(new_dir));
    assert_ne!(f[1]["h"], json!(h));
    assert_eq!(f[1]["s"], json!(plain.len()));
    assert_eq!(a.node_name(&f[1]).as_deref(), Some("copy.bin"));
    let g = a.call(json!({"a":"g","g":1,"n":f[1]["h"]})).await;
    let (_, mut ct) = get(g["g"].as_str().unwrap()).await;
    megash::crypto::aes::ctr_apply(&fk.aes, &fk.nonce, 0, &mut ct);
    assert!(ct == plain);
    // Deleting the source keeps the copy's data.
    assert_eq!(a.call(json!({"a":"d","n":h})).await, json!(0));
    let g = a.call(json!({"a":"g","g":1,"n":f[1]["h"]})).await;
    let (status, ct2) = get(g["g"].as_str().unwrap()).await;
    assert_eq!((status, ct2.len()), (200, plain.len()));
    // A folder handle in a file entry, a missing handle, another account's file.
    let bad = |h: &str| json!({"a":"p","t":root,"n":[{"h":h,"t":0,"a":at,"k":k}]});
    assert_eq!(a.call(bad(&dir)).await, json!(-2));
    assert_eq!(a.call(bad(&h)).await, json!(-9));
    let o = Raw::login(&sim.url, "o@example.com", "pw").await;
    let oroot = o.root(2).await;
    let (oh, _) = o.upload(&oroot, "theirs.bin", b"secret").await;
    assert_eq!(a.call(bad(&oh)).await, json!(-11));
}

#[tokio::test]
async fn storage_quota_refuses_uploads_and_copies_that_do_not_fit() {
    let sim = Sim::start();
    sim.add_user("q@example.com", "pw", &["--storage", "100K"]);
    let a = Raw::login(&sim.url, "q@example.com", "pw").await;
    let uq = a.call(json!({"a":"uq","strg":1})).await;
    assert_eq!(uq["mstrg"], json!(102_400));
    let root = a.root(2).await;
    let (file, _) = a.upload(&root, "60k.bin", &data(60 << 10)).await;
    // 60 KiB stored: 40 KiB fit, 41 do not (MEGA's storage overquota, -17).
    assert!(a.call(json!({"a":"u","s":40 << 10})).await["p"].is_string());
    assert_eq!(a.call(json!({"a":"u","s":41 << 10})).await, json!(-17));
    // A server-side copy counts too, and a refused one leaves nothing behind.
    let copy =
        json!({"a":"p","t":root,"n":[{"h":file,"t":0,"a":"AAAA","k":b64::encode(&[1u8; 32])}]});
    assert_eq!(a.call(copy.clone()).await, json!(-17));
    let f = a.fetch().await;
    let files = f["f"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["t"] == json!(0))
        .count();
    assert_eq!(files, 1, "{f}");
    // Raised while the server runs, the quota lets the copy through.
    assert!(sim
        .cli(&["user", "storage", "q@example.com", "1M"])
        .status
        .success());
    assert!(a.call(copy).await["f"].is_array());
    assert_eq!(
        a.call(json!({"a":"uq","strg":1})).await["cstrg"],
        json!(120 << 10)
    );
}

#[tokio::test]
async fn download_urls_take_an_empty_post_as_megatools_sends_it() {
    let sim = Sim::start();
    sim.add_user("u@example.com", "pw", &[]);
    let c = megash::api::Client::new(&sim.url).unwrap();
    c.login("u@example.com", "pw", None).await.unwrap();
    let root = c
        .fetch_nodes()
        .await
        .unwrap()
        .nodes
        .into_iter()
        .find(|n| n.kind == megash::api::NodeType::Root)
        .unwrap()
        .handle;
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("f");
    std::fs::write(&local, data(1000)).unwrap();
    let node = c.upload_file(root, &local, None).await.unwrap();
    let info = c.download_url(node.handle).await.unwrap();
    // megatools: POST <g>/<start>-<end> (inclusive end) with an empty body.
    let (st, body) = post(&format!("{}/0-99", info.url), Vec::new()).await;
    assert_eq!(st, 200);
    let (st2, by_get) = get(&format!("{}/0-99", info.url)).await;
    assert_eq!((st2, body.len()), (200, 100));
    assert_eq!(body, by_get);
    let (st, whole) = post(&info.url, Vec::new()).await;
    assert_eq!((st, whole.len()), (200, 1000));
}
