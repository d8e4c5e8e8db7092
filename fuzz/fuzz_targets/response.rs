//! API response parsing on arbitrary bytes, chosen by the first input byte: the `f` stream
//! parser, `sc` action packets, node objects from `p`/`t`, and every typed call of
//! [`Client`] through a transport that answers with the fuzz input (batch splitting,
//! request-level errors, `us`, `us0`, `ug`, `uq`, `g`, `u`, `p`, `l`). Each must return an
//! error on garbage, never panic; run with `-malloc_limit_mb` so that a small body can never
//! ask for a large allocation.
#![no_main]
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use megash::api::fetch::FetchParser;
use megash::api::nodes::parse_fetch;
use megash::api::transport::{BoxFuture, Response, StreamResponse, Transport};
use megash::api::tree::{decrypt_update, parse_sc};
use megash::api::{
    ActionPacket, Client, Error, Handle, KeyRing, Node, RetryConfig, ScResult, Session, UserHandle,
};
use megash::crypto::rsa::PrivateKey;
use megash::crypto::{aes, attrs, b64, Key128};
use serde_json::{json, Value};

/// The account the seeds are made for (see seeds/make_response_seeds.py).
const USER: &str = "AbCdEfGhIjK";
const MASTER_KEY: Key128 = [7; 16];
const LINK_KEY: Key128 = [9; 16];
/// p, q, d, u of a small RSA key, so that `sk` share keys take the RSA path.
const PRIVK: &[u8] = include_bytes!("../seeds/decode/03_privk");

fn privk() -> PrivateKey {
    // Skip the decode target's selector byte.
    PrivateKey::from_privk(&PRIVK[1..]).expect("seed privk parses")
}

fn user_ring() -> KeyRing {
    let mut ring = KeyRing::for_user(USER, MASTER_KEY);
    ring.privk = Some(privk());
    ring
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime")
    })
}

/// Answers scripted bodies first, then the fuzz input to every POST; GETs fail.
struct Canned {
    script: Mutex<VecDeque<Bytes>>,
    body: Bytes,
}

impl Transport for Canned {
    fn post<'a>(
        &'a self,
        _url: &'a str,
        _headers: &'a [(String, String)],
        _body: Bytes,
    ) -> BoxFuture<'a, megash::api::Result<Response>> {
        let body = self
            .script
            .lock()
            .ok()
            .and_then(|mut s| s.pop_front())
            .unwrap_or_else(|| self.body.clone());
        Box::pin(async move {
            Ok(Response {
                status: 200,
                headers: Vec::new(),
                body,
            })
        })
    }

    fn get_stream<'a>(
        &'a self,
        _url: &'a str,
    ) -> BoxFuture<'a, megash::api::Result<StreamResponse>> {
        Box::pin(async { Err(Error::Http { status: 404 }) })
    }
}

fn client(body: &[u8], script: &[Bytes]) -> Client {
    let transport = Arc::new(Canned {
        script: Mutex::new(script.iter().cloned().collect()),
        body: Bytes::copy_from_slice(body),
    });
    Client::builder()
        .api_url("http://127.0.0.1:9/")
        .transport(transport)
        // One attempt: a `-3` body must not make the fuzzer sleep through backoff.
        .retry(RetryConfig::fast(1))
        .build()
        .expect("client builds")
}

/// Properties every node must have, however it was decoded.
fn check_node(n: &Node) {
    assert_eq!(Handle::from_b64(&n.handle.to_b64()), Ok(n.handle));
    if n.name.is_some() || n.fingerprint.is_some() || n.other_attrs.is_some() {
        let key = n.key.expect("attributes decrypted without a key");
        // A rename writes `attributes()` back: that must read as the same node.
        let mut again = n.clone();
        decrypt_update(&mut again, &attrs::encrypt(&key.aes_key(), &n.attributes()));
        assert_eq!(&again, n, "attributes do not survive a rename");
    }
}

fn check_sc(r: &megash::api::Result<ScResult>) {
    if let Ok(ScResult::Packets { packets, .. }) = r {
        for p in packets {
            if let ActionPacket::NewNodes { nodes, .. } = p {
                nodes.iter().for_each(check_node);
            }
        }
    }
}

fn fetch(body: &[u8], ring: &mut KeyRing) {
    let mut seen = 0;
    let r = parse_fetch(body, ring, |n| {
        check_node(&n);
        seen += 1;
        Ok(())
    });
    if let Ok(summary) = &r {
        assert_eq!(summary.node_count, seen);
    }
    // Fed in two pieces, split anywhere, the streaming parser must agree with the whole.
    let at = body.len() * (1 + body.first().map_or(0, |b| *b as usize % 7)) / 8;
    let mut again = ring_like(ring);
    let mut parser = FetchParser::new(&mut again, |n| {
        check_node(&n);
        Ok(())
    });
    let split = parser
        .feed(&body[..at])
        .and_then(|()| parser.feed(&body[at..]))
        .and_then(|()| parser.finish());
    match (&r, &split) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        _ => panic!("whole and split parses disagree: {r:?} / {split:?}"),
    }
}

/// A fresh ring of the same kind as `ring` (user or folder link).
fn ring_like(ring: &KeyRing) -> KeyRing {
    if ring.master_key.is_some() {
        user_ring()
    } else {
        KeyRing::for_folder_link(LINK_KEY)
    }
}

/// Every typed call of a logged-in client, each answered with `body`.
async fn user_calls(body: &[u8], batch: usize) {
    let mut privk_plain = privk().to_privk();
    privk_plain.resize(privk_plain.len().next_multiple_of(16), 0);
    let wrapped = aes::wrap(&MASTER_KEY, &privk_plain).expect("whole blocks");
    let us = json!([{"u": USER, "privk": b64::encode(&wrapped)}]).to_string();
    let c = client(body, &[Bytes::from(us)]);
    let session = Session {
        sid: [0x41; 43],
        master_key: MASTER_KEY,
        user_handle: USER.into(),
        email: "fuzz@example.com".into(),
        api_url: "http://127.0.0.1:9/".into(),
    };
    c.resume(&session).await.expect("scripted us answer");
    let _ = c.prelogin("fuzz@example.com").await;
    let _ = c.user_info().await;
    let _ = c.quota().await;
    let _ = c.upload_url(1).await;
    let h = Handle::from_b64("AAAAAAAE").expect("valid handle");
    let _ = c.download_url(h).await;
    if let Ok(nodes) = c.fetch_nodes().await {
        nodes.nodes.iter().for_each(check_node);
    }
    check_sc(&c.poll_changes("AAAAAAAAAAA").await);
    if let Ok(n) = c.create_folder(h, "x").await {
        check_node(&n);
    }
    let _ = c.unexport(h).await;
    let commands = vec![json!({"a": "ug"}); batch];
    if let Ok(results) = c.request(&commands).await {
        assert_eq!(results.len(), batch);
    }
    let _ = c.command(json!({"a": "uq"})).await;
    let _ = c.sessions().await;
    // Last: logout forgets the session whatever the answer.
    let _ = c.logout().await;
    assert!(!c.is_authenticated());
}

/// The calls a folder-link client makes.
async fn link_calls(body: &[u8]) {
    let c = client(body, &[]);
    c.open_folder_link("AAAAAAAG", LINK_KEY);
    if let Ok(nodes) = c.fetch_nodes().await {
        nodes.nodes.iter().for_each(check_node);
    }
    check_sc(&c.poll_changes("AAAAAAAAAAA").await);
    let _ = c
        .download_url(Handle::from_b64("AAAAAAAE").expect("valid handle"))
        .await;
}

/// A node object as in a `p` answer or a `t` packet.
fn node_object(v: &Value) {
    if let Ok(n) = user_ring().node_from_value(v) {
        check_node(&n);
        // Unknown members are kept so that a rename preserves them: all of them.
        if let (Some(key), None, Some(a)) = (n.key, n.problem, v.get("a").and_then(Value::as_str)) {
            if let Ok(m) = attrs::decrypt(&key.aes_key(), a) {
                assert_eq!(m, n.attributes(), "attributes lost on decode");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    match selector % 8 {
        0 => fetch(body, &mut user_ring()),
        1 => fetch(body, &mut KeyRing::for_folder_link(LINK_KEY)),
        2 => check_sc(&parse_sc(body, &mut user_ring())),
        3 => check_sc(&parse_sc(body, &mut KeyRing::for_folder_link(LINK_KEY))),
        4 => runtime().block_on(user_calls(body, usize::from(selector / 8 % 3) + 1)),
        5 => runtime().block_on(link_calls(body)),
        6 => {
            // Arbitrary attribute plaintext on a node whose key we hold: the only way the
            // fuzzer reaches the attribute JSON inside a node (random `a` never decrypts).
            let key: Key128 = [1; 16];
            let mut plain = body.to_vec();
            plain.resize(plain.len().next_multiple_of(16), 0);
            aes::cbc_encrypt_zero_iv(&key, &mut plain).expect("whole blocks");
            let a = b64::encode(&plain);
            let wrapped = aes::wrap(&MASTER_KEY, &key).expect("one block");
            let v = json!({"h": "AAAAAAAE", "p": "AAAAAAAA", "u": USER, "t": 1, "ts": 1,
                "a": a, "k": format!("{USER}:{}", b64::encode(&wrapped))});
            node_object(&v);
        }
        _ => {
            // One node object (a `p` answer or a `t` packet's node), then the key and handle
            // helpers on the same text.
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                node_object(&v);
            }
            let text = String::from_utf8_lossy(body);
            let mut ring = user_ring();
            let _ = ring.node_key("AAAAAAAE", &text);
            let mut parts = text.splitn(3, '\n');
            if let (Some(h), Some(ha), Some(k)) = (parts.next(), parts.next(), parts.next()) {
                ring.add_owner_key(h, ha, k);
            }
            if let Ok(h) = Handle::from_b64(&text) {
                assert_eq!(Handle::from_b64(&h.to_b64()), Ok(h));
            }
            if let Ok(u) = UserHandle::from_b64(&text) {
                assert_eq!(UserHandle::from_b64(&u.to_b64()), Ok(u));
            }
        }
    }
});
