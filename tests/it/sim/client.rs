//! A raw-HTTP MEGA client for megasim's own tests: reqwest plus `megash::crypto`, nothing of
//! the client library (which is tested against megasim separately).
#![allow(dead_code)]

use megash::crypto::{aes, attrs, b64, keys, login, rsa::PrivateKey, Key128};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_ID: AtomicU64 = AtomicU64::new(1_000_000);

/// One logged-in (or anonymous) connection to megasim.
pub struct Raw {
    pub http: reqwest::Client,
    pub base: String,
    pub sid: Option<String>,
    /// Folder-link public handle (`&n=`).
    pub link: Option<String>,
    pub mk: Key128,
    pub uh: String,
}

/// A response of `/cs`: HTTP status and body text.
pub struct Answer {
    pub status: u16,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
}

impl Raw {
    pub fn anon(base: &str) -> Raw {
        Raw {
            http: reqwest::Client::new(),
            base: base.to_string(),
            sid: None,
            link: None,
            mk: [0; 16],
            uh: String::new(),
        }
    }

    pub fn cs_url(&self, id: u64) -> String {
        let mut u = format!("{}cs?id={id}", self.base);
        if let Some(s) = &self.sid {
            u.push_str(&format!("&sid={s}"));
        }
        if let Some(n) = &self.link {
            u.push_str(&format!("&n={n}"));
        }
        u
    }

    /// POST raw bytes to `/cs` with a fresh id.
    pub async fn post_raw(&self, body: impl Into<reqwest::Body>) -> Answer {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        self.post_raw_id(id, body).await
    }

    pub async fn post_raw_id(&self, id: u64, body: impl Into<reqwest::Body>) -> Answer {
        let r = self
            .http
            .post(self.cs_url(id))
            .body(body)
            .send()
            .await
            .expect("POST /cs");
        let status = r.status().as_u16();
        Answer {
            status,
            text: r.text().await.expect("body"),
        }
    }

    /// Send a batch, return the whole answer (array or bare code).
    pub async fn batch(&self, cmds: Value) -> Value {
        let a = self.post_raw(cmds.to_string()).await;
        assert_eq!(a.status, 200, "HTTP status for {cmds}: {}", a.text);
        a.json()
    }

    /// Send one command, return its element of the answer (a bare code is returned as is).
    pub async fn call(&self, cmd: Value) -> Value {
        let v = self.batch(json!([cmd])).await;
        match v {
            Value::Array(mut a) if a.len() == 1 => a.remove(0),
            other => other,
        }
    }

    /// Full login through us0/us; decrypts `csid` with the account's RSA key.
    pub async fn login(base: &str, email: &str, password: &str) -> Raw {
        Self::try_login(base, email, password, None)
            .await
            .unwrap_or_else(|code| panic!("login failed with {code}"))
    }

    pub async fn try_login(
        base: &str,
        email: &str,
        password: &str,
        mfa: Option<&str>,
    ) -> Result<Raw, Value> {
        let mut raw = Raw::anon(base);
        let pre = raw.call(json!({"a":"us0","user":email})).await;
        let v = pre["v"].as_i64().expect("us0 v");
        let (pk, uh) = if v == 1 {
            assert!(
                pre.get("s").is_none(),
                "v1 prelogin must not carry s: {pre}"
            );
            let pk = login::prepare_key_v1(password);
            (pk, login::user_hash_v1(email, &pk))
        } else {
            let salt = b64::decode(pre["s"].as_str().expect("salt")).expect("salt b64");
            login::derive_v2(password, &salt)
        };
        let sek = b64::encode(&[7u8; 16]);
        let mut cmd = json!({"a":"us","user":email,"uh":uh,"sek":sek});
        if let Some(code) = mfa {
            cmd["mfa"] = json!(code);
        }
        let res = raw.call(cmd).await;
        if !res.is_object() {
            return Err(res);
        }
        assert_eq!(res["sek"], json!(sek), "sek echo");
        assert_eq!(res["ach"], json!(1));
        let k = b64::decode(res["k"].as_str().expect("k")).expect("k b64");
        let mk: Key128 = aes::unwrap(&pk, &k)
            .expect("unwrap")
            .try_into()
            .expect("16");
        let privk = b64::decode(res["privk"].as_str().expect("privk")).expect("privk b64");
        let privk = aes::unwrap(&mk, &privk).expect("unwrap privk");
        let key = PrivateKey::from_privk(&privk).expect("privk parses");
        let csid = b64::decode(res["csid"].as_str().expect("csid")).expect("csid b64");
        let sid = key.decrypt_sid(&csid).expect("csid decrypts");
        let uh = res["u"].as_str().expect("u").to_string();
        assert_ne!(sid[0], 0, "sid byte 0 must be non-zero");
        assert_eq!(
            &sid[16..27],
            uh.as_bytes(),
            "sid carries the user handle (SDK layout)"
        );
        raw.sid = Some(b64::encode(&sid));
        raw.mk = mk;
        raw.uh = uh;
        Ok(raw)
    }

    /// `f` answer.
    pub async fn fetch(&self) -> Value {
        let f = self.call(json!({"a":"f","c":1,"r":1})).await;
        assert!(f.is_object(), "f failed: {f}");
        f
    }

    /// Handle of the root node of type `t` (2 cloud drive, 3 inbox, 4 rubbish).
    pub async fn root(&self, t: i64) -> String {
        let f = self.fetch().await;
        f["f"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["t"] == json!(t))
            .and_then(|n| n["h"].as_str())
            .expect("root")
            .to_string()
    }

    /// Create a folder under `parent`; returns (handle, folder key).
    pub async fn mkdir(&self, parent: &str, name: &str) -> (String, Key128) {
        let key: Key128 = rand_key();
        let a = attrs::encrypt_name(&key, name, None);
        let k = b64::encode(&aes::wrap(&self.mk, &key).unwrap());
        let r = self
            .call(json!({"a":"p","t":parent,"n":[{"h":"xxxxxxxx","t":1,"a":a,"k":k}],"i":"mkdirreq01"}))
            .await;
        let h = r["f"][0]["h"]
            .as_str()
            .unwrap_or_else(|| panic!("mkdir failed: {r}"))
            .to_string();
        (h, key)
    }

    /// Upload `data` (encrypted with a fixed key) in one piece; returns the new node handle.
    pub async fn upload(&self, parent: &str, name: &str, data: &[u8]) -> (String, [u8; 32]) {
        let aes_key: Key128 = rand_key();
        let nonce = [3u8; 8];
        let mut ct = data.to_vec();
        aes::ctr_apply(&aes_key, &nonce, 0, &mut ct);
        let mut mac = megash::crypto::mac::FileMac::new(&aes_key, &nonce);
        mac.update(data);
        let meta_mac = if data.is_empty() {
            [0; 8]
        } else {
            mac.finish()
        };
        let fk = keys::FileKey {
            aes: aes_key,
            nonce,
            meta_mac,
        };
        let r = self.call(json!({"a":"u","s":data.len()})).await;
        let url = r["p"].as_str().expect("upload url").to_string();
        let resp = self
            .http
            .post(format!("{url}/0"))
            .body(ct)
            .send()
            .await
            .unwrap();
        let token = resp.text().await.unwrap();
        assert_eq!(token.len(), 36, "text token");
        let stored = fk.to_bytes();
        let a = attrs::encrypt_name(&aes_key, name, None);
        let k = b64::encode(&aes::wrap(&self.mk, &stored).unwrap());
        let r = self
            .call(json!({"a":"p","t":parent,"n":[{"h":token,"t":0,"a":a,"k":k}]}))
            .await;
        let h = r["f"][0]["h"]
            .as_str()
            .unwrap_or_else(|| panic!("p failed: {r}"))
            .to_string();
        (h, stored)
    }

    /// Decrypt a node's name with our master key (owner pair of `k`).
    pub fn node_name(&self, node: &Value) -> Option<String> {
        let k = node["k"].as_str()?;
        let wrapped = k
            .split('/')
            .find_map(|p| p.strip_prefix(&format!("{}:", self.uh)))?;
        let raw = aes::unwrap(&self.mk, &b64::decode(wrapped).ok()?).ok()?;
        let key = keys::NodeKey::from_bytes(&raw).ok()?.aes_key();
        let at = attrs::decrypt(&key, node["a"].as_str()?).ok()?;
        at.get("n")?.as_str().map(str::to_string)
    }
}

pub fn rand_key() -> Key128 {
    use rand::RngCore;
    let mut k = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut k);
    k
}

/// Poll `cond` until it holds or `secs` pass.
pub async fn eventually<F, Fut>(secs: u64, mut cond: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if cond().await {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
