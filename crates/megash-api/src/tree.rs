//! Changing the tree: create folder (`p`), rename (`a`), move (`m`), delete (`d`), export
//! (`l`, plus the `s2` "EXP" share for folders), and catching up with other clients'
//! changes through the `sc` action-packet channel.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::client::{check_request_level, request_tag, Client, CommandResult, JSON};
use super::error::{Error, ErrorCode, Result};
use super::nodes::{apply_attrs, Handle, KeyRing, Node, NodeType};
use crate::crypto::keys::{handle_auth, NodeKey};
use crate::crypto::{aes, attrs, b64, Key128};

/// A public link created by [`Client::export`].
#[derive(Clone, PartialEq, Eq)]
pub struct Export {
    /// The public handle (8 characters).
    pub public_handle: String,
    /// The link key: a file's 32-byte key, or a folder's 16-byte share key.
    pub key: Vec<u8>,
    pub is_folder: bool,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("public_handle", &self.public_handle)
            .field("is_folder", &self.is_folder)
            .finish_non_exhaustive()
    }
}

impl Export {
    /// The link in MEGA's current form (`https://mega.nz/file/…#…` or `/folder/…#…`).
    pub fn url(&self) -> String {
        let kind = if self.is_folder { "folder" } else { "file" };
        format!(
            "https://mega.nz/{kind}/{}#{}",
            self.public_handle,
            b64::encode(&self.key)
        )
    }
}

/// One action packet from `sc`, typed where megash uses it.
#[derive(Clone, Debug)]
pub enum ActionPacket {
    /// `t`: nodes added (new folder, upload, or the second half of a move).
    NewNodes {
        nodes: Vec<Node>,
        tag: Option<String>,
    },
    /// `u`: attributes changed; `at` is still encrypted (the node key is in the caller's
    /// tree — see [`decrypt_update`]).
    Update {
        handle: Handle,
        at: Option<String>,
        ts: Option<i64>,
        tag: Option<String>,
    },
    /// `d`: node and subtree removed; `moved` when it is the first half of a move.
    Delete {
        handle: Handle,
        moved: bool,
        tag: Option<String>,
    },
    /// `fa`: a file's attributes (thumbnail, preview) changed to `fa`.
    FileAttributes { handle: Handle, fa: String },
    /// `ph`: a public link created, changed or removed.
    PublicLink {
        handle: Handle,
        public_handle: Option<String>,
        deleted: bool,
    },
    /// Anything else, kept as JSON.
    Other { kind: String, raw: Value },
}

/// Answer of one `sc` poll.
#[derive(Clone, Debug)]
pub enum ScResult {
    /// New packets, and the `sn` to poll from next.
    Packets {
        packets: Vec<ActionPacket>,
        sn: String,
    },
    /// Nothing new: the server offers a URL that blocks until something changes.
    Wait { url: String },
}

/// Apply a `u` packet's encrypted attributes to a node we already hold.
pub fn decrypt_update(node: &mut Node, at: &str) {
    apply_attrs(node, at);
}

/// Most commands sent in one request by the bulk calls: big enough that deleting thousands
/// of nodes takes a handful of round trips, small enough that one request stays far below
/// any body limit.
const BATCH: usize = 100;

/// A stored `fa` (`<cluster>:<type>*<handle>/…`) in the form `p` takes (`<type>*<handle>/…`,
/// the server adds the cluster back).
fn file_attrs_for_put(fa: &str) -> Option<String> {
    let parts: Vec<&str> = fa
        .split('/')
        .map(|p| p.split_once(':').map_or(p, |(_, rest)| rest))
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn master_key(client: &Client) -> Result<Key128> {
    client.state().keys.master_key.ok_or(Error::NotLoggedIn)
}

/// The first node of a `{"f":[…]}` answer.
pub(crate) fn first_new_node(client: &Client, r: &Value) -> Result<Node> {
    let v = r
        .get("f")
        .and_then(Value::as_array)
        .and_then(|f| f.first())
        .ok_or_else(|| Error::bad("`f` with the new node in the put-nodes answer"))?;
    let mut ring = client.state().keys.clone();
    ring.node_from_value(v)
}

impl Client {
    /// Create a folder `name` under `parent`.
    pub async fn create_folder(&self, parent: Handle, name: &str) -> Result<Node> {
        let mk = master_key(self)?;
        let key: Key128 = rand::random();
        let a = attrs::encrypt_name(&key, name, None);
        let k = b64::encode(&aes::wrap(&mk, &key)?);
        let mut req = json!({
            "a":"p","t":parent.to_b64(),"i":request_tag(),
            "n":[{"h":"xxxxxxxx","t":1,"a":a,"k":k}]
        });
        if let Some(cr) = self.cr_for(parent, &[("xxxxxxxx".into(), key.to_vec())])? {
            req["cr"] = cr;
        }
        let r = self.command(req).await?;
        first_new_node(self, &r)
    }

    /// Copy a node and its subtree server-side under `target`, as MEGA clients do: one `p`
    /// whose entries carry the source nodes' handles in `h` (for a file the server reuses the
    /// stored data; for a folder it is a temporary handle the children's `p` refer to), the
    /// keys unchanged but re-wrapped with the master key, and the attributes re-encrypted
    /// (the top node named `top_name` when given). `nodes[0]` is the top; the rest must be
    /// its descendants, parents before children. Returns the new nodes, top first.
    pub async fn copy_tree(
        &self,
        target: Handle,
        nodes: &[Node],
        top_name: Option<&str>,
    ) -> Result<Vec<Node>> {
        self.copy_tree_over(target, nodes, top_name, None).await
    }

    /// [`Client::copy_tree`] of one file as the new version of file `replaces` (`ov`).
    pub async fn copy_tree_over(
        &self,
        target: Handle,
        nodes: &[Node],
        top_name: Option<&str>,
        replaces: Option<Handle>,
    ) -> Result<Vec<Node>> {
        let mk = master_key(self)?;
        let mut entries = Vec::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let key = n.key.ok_or(Error::NoKey)?;
            let mut attributes = n.attributes();
            if let (0, Some(name)) = (i, top_name) {
                attributes.insert("n".into(), Value::from(name));
            }
            let mut e = Map::new();
            e.insert("h".into(), Value::from(n.handle.to_b64()));
            e.insert("t".into(), Value::from(n.kind.code()));
            e.insert(
                "a".into(),
                Value::from(attrs::encrypt(&key.aes_key(), &attributes)),
            );
            e.insert(
                "k".into(),
                Value::from(b64::encode(&aes::wrap(&mk, &key.to_bytes())?)),
            );
            if i > 0 {
                let p = n
                    .parent
                    .ok_or_else(|| Error::bad("a parent for a copied node"))?;
                e.insert("p".into(), Value::from(p.to_b64()));
            }
            if let Some(fa) = n.file_attrs.as_deref().and_then(file_attrs_for_put) {
                e.insert("fa".into(), Value::from(fa));
            }
            if let (0, Some(ov), NodeType::File) = (i, replaces, n.kind) {
                e.insert("ov".into(), Value::from(ov.to_b64()));
            }
            entries.push(Value::Object(e));
        }
        // Copies placed inside a shared or link-exported folder need their keys wrapped with
        // that share's key too, like any new node there.
        let new_keys: Vec<(String, Vec<u8>)> = nodes
            .iter()
            .filter_map(|n| n.key.map(|k| (n.handle.to_b64(), k.to_bytes())))
            .collect();
        let mut req = json!({"a":"p","t":target.to_b64(),"n":entries,"i":request_tag()});
        if let Some(cr) = self.cr_for(target, &new_keys)? {
            req["cr"] = cr;
        }
        let r = self.command(req).await?;
        let list = r
            .get("f")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::bad("`f` with the new nodes in the put-nodes answer"))?;
        let mut ring = self.state().keys.clone();
        list.iter().map(|v| ring.node_from_value(v)).collect()
    }

    /// Rename a node, keeping its other attributes.
    pub async fn rename(&self, node: &Node, new_name: &str) -> Result<()> {
        let key = node.key.ok_or(Error::NoKey)?;
        let mut attributes = node.attributes();
        attributes.insert("n".into(), Value::from(new_name));
        self.set_attributes(node.handle, &key, &attributes).await
    }

    /// Replace a node's attributes (`a` with `at`).
    pub async fn set_attributes(
        &self,
        handle: Handle,
        key: &NodeKey,
        attributes: &Map<String, Value>,
    ) -> Result<()> {
        let at = attrs::encrypt(&key.aes_key(), attributes);
        self.command(json!({"a":"a","n":handle.to_b64(),"at":at,"i":request_tag()}))
            .await?;
        Ok(())
    }

    /// Replace the attributes of several nodes (`a` with `at` each), in batches: one result
    /// per node, in order.
    pub async fn set_attributes_many(
        &self,
        updates: &[AttributeUpdate],
    ) -> Result<Vec<CommandResult>> {
        let commands: Vec<Value> = updates
            .iter()
            .map(|(h, key, attributes)| {
                let at = attrs::encrypt(&key.aes_key(), attributes);
                json!({"a":"a","n":h.to_b64(),"at":at,"i":request_tag()})
            })
            .collect();
        self.request_chunked(&commands).await
    }

    /// Move `node` under `new_parent` and rename it, in one request (an `m` and an `a`), so
    /// that a client dying in between cannot leave it half moved. Either part failing is the
    /// error.
    pub async fn move_and_rename(
        &self,
        node: &Node,
        new_parent: Option<Handle>,
        new_name: Option<&str>,
    ) -> Result<()> {
        let mut commands = match new_parent {
            Some(p) => self.move_commands(&[node.handle], p)?,
            None => Vec::new(),
        };
        if let Some(name) = new_name {
            let key = node.key.ok_or(Error::NoKey)?;
            let mut attributes = node.attributes();
            attributes.insert("n".into(), Value::from(name));
            let at = attrs::encrypt(&key.aes_key(), &attributes);
            commands.push(json!({"a":"a","n":node.handle.to_b64(),"at":at,"i":request_tag()}));
        }
        if commands.is_empty() {
            return Ok(());
        }
        for r in self.request(&commands).await? {
            r.map_err(Error::Mega)?;
        }
        Ok(())
    }

    /// Move a node under a new parent (the rubbish bin to "delete" recoverably).
    pub async fn move_node(&self, node: Handle, new_parent: Handle) -> Result<()> {
        for req in self.move_commands(&[node], new_parent)? {
            self.command(req).await?;
        }
        Ok(())
    }

    /// One `m` per node, with `cr` when the target lies inside shares.
    fn move_commands(&self, nodes: &[Handle], new_parent: Handle) -> Result<Vec<Value>> {
        let crs = self.cr_for_moves(nodes, new_parent)?;
        Ok(nodes
            .iter()
            .zip(crs)
            .map(|(node, cr)| {
                let mut req =
                    json!({"a":"m","n":node.to_b64(),"t":new_parent.to_b64(),"i":request_tag()});
                if let Some(cr) = cr {
                    req["cr"] = cr;
                }
                req
            })
            .collect())
    }

    /// Delete a node and its subtree permanently.
    pub async fn delete(&self, node: Handle) -> Result<()> {
        self.command(json!({"a":"d","n":node.to_b64(),"i":request_tag()}))
            .await?;
        Ok(())
    }

    /// Delete several nodes (with their subtrees) permanently, as batches of `d` commands:
    /// one result per node, in order (a node inside another one deleted earlier in the
    /// same call fails with `ENOENT`).
    pub async fn delete_nodes(&self, nodes: &[Handle]) -> Result<Vec<CommandResult>> {
        let commands: Vec<Value> = nodes
            .iter()
            .map(|h| json!({"a":"d","n":h.to_b64(),"i":request_tag()}))
            .collect();
        self.request_chunked(&commands).await
    }

    /// Delete file versions alone (`d` with `v:1`): each given version goes and the chain
    /// closes over it (the next older one takes its place). One result per node, in order.
    pub async fn delete_versions(&self, nodes: &[Handle]) -> Result<Vec<CommandResult>> {
        let commands: Vec<Value> = nodes
            .iter()
            .map(|h| json!({"a":"d","n":h.to_b64(),"v":1,"i":request_tag()}))
            .collect();
        self.request_chunked(&commands).await
    }

    /// `dv`: delete every older version of every file in the account (the files stay).
    pub async fn delete_all_versions(&self) -> Result<()> {
        self.command(json!({"a":"dv","i":request_tag()}))
            .await
            .map(drop)
    }

    /// `dr`: empty the rubbish bin; its contents are deleted for good.
    pub async fn empty_rubbish_bin(&self) -> Result<()> {
        self.command(json!({"a":"dr","i":request_tag()}))
            .await
            .map(drop)
    }

    /// Whether the account keeps file versions (the `^!dv` user attribute; MEGA's default,
    /// when it was never set, is on).
    pub async fn versioning(&self) -> Result<bool> {
        match self.command(json!({"a":"uga","ua":"^!dv","v":1})).await {
            Ok(r) => {
                let av = r.get("av").and_then(Value::as_str).unwrap_or("");
                Ok(b64::decode(av).ok().as_deref() != Some(b"1"))
            }
            Err(Error::Mega(ErrorCode::ENoent)) => Ok(true),
            Err(e) => Err(e),
        }
    }

    /// Switch file versioning for the account (`up2` of `^!dv`: "1" disables it).
    pub async fn set_versioning(&self, on: bool) -> Result<()> {
        let value = b64::encode(if on { b"0" } else { b"1" });
        self.command(json!({"a":"up2","^!dv":value,"i":request_tag()}))
            .await
            .map(drop)
    }

    /// Move several nodes under `new_parent`, as batches of `m` commands: one result per
    /// node, in order.
    pub async fn move_nodes(
        &self,
        nodes: &[Handle],
        new_parent: Handle,
    ) -> Result<Vec<CommandResult>> {
        let commands = self.move_commands(nodes, new_parent)?;
        self.request_chunked(&commands).await
    }

    /// Send commands in requests of at most [`BATCH`] commands each.
    pub(crate) async fn request_chunked(&self, commands: &[Value]) -> Result<Vec<CommandResult>> {
        let mut out = Vec::with_capacity(commands.len());
        for chunk in commands.chunks(BATCH) {
            out.extend(self.request(chunk).await?);
        }
        Ok(out)
    }

    /// Make `node`'s public link expire at `ets` (Unix seconds): `l` with `ets`, which MEGA
    /// allows only for PRO accounts (`-11` otherwise).
    pub async fn set_link_expiry(&self, node: Handle, ets: i64) -> Result<()> {
        self.command(json!({"a":"l","n":node.to_b64(),"ets":ets}))
            .await
            .map(drop)
    }

    /// Export a node as a public link. For a folder, `descendants` (its subtree, as far as
    /// the caller has it) get their keys re-wrapped with the link's share key (`cr`), so
    /// that the link can decrypt them; an existing share key is reused.
    pub async fn export(&self, node: &Node, descendants: &[Node]) -> Result<Export> {
        let key = node.key.ok_or(Error::NoKey)?;
        let h = node.handle.to_b64();
        if node.is_folder() {
            let mk = master_key(self)?;
            let existing = self.state().keys.share_keys.get(&h).copied();
            let share_key = existing.unwrap_or_else(rand::random);
            let mut handles = vec![Value::from(h.as_str())];
            let mut triples = vec![
                Value::from(0),
                Value::from(0),
                Value::from(b64::encode(&aes::wrap(&share_key, &key.to_bytes())?)),
            ];
            for d in descendants {
                let Some(dk) = d.key else { continue };
                handles.push(Value::from(d.handle.to_b64()));
                triples.push(Value::from(0));
                triples.push(Value::from(handles.len() - 1));
                triples.push(Value::from(b64::encode(&aes::wrap(
                    &share_key,
                    &dk.to_bytes(),
                )?)));
            }
            self.command(json!({
                "a":"s2","n":h,"s":[{"u":"EXP","r":0}],
                "ok":b64::encode(&aes::wrap(&mk, &share_key)?),
                "ha":b64::encode(&handle_auth(&mk, &h)),
                "cr":[[h.as_str()], handles, triples],
                "i":request_tag(),
            }))
            .await?;
            self.state().keys.share_keys.insert(h.clone(), share_key);
            let ph = self.link_command(&h).await?;
            Ok(Export {
                public_handle: ph,
                key: share_key.to_vec(),
                is_folder: true,
            })
        } else {
            let ph = self.link_command(&h).await?;
            Ok(Export {
                public_handle: ph,
                key: key.to_bytes(),
                is_folder: false,
            })
        }
    }

    async fn link_command(&self, h: &str) -> Result<String> {
        let r = self
            .command(json!({"a":"l","n":h,"i":request_tag()}))
            .await?;
        r.as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::bad("a public handle string from `l`"))
    }

    /// Remove a node's public link.
    pub async fn unexport(&self, node: Handle) -> Result<()> {
        self.command(json!({"a":"l","n":node.to_b64(),"d":1,"i":request_tag()}))
            .await?;
        Ok(())
    }

    /// One `sc` poll from `sn`: new action packets and the next `sn`, or a wait URL when
    /// there is nothing new.
    pub async fn poll_changes(&self, sn: &str) -> Result<ScResult> {
        let auth = self.auth_query();
        if auth.is_empty() {
            return Err(Error::NotLoggedIn);
        }
        let url = format!("{}sc?sn={sn}{auth}", self.api_url());
        let body = self
            .post_retrying(&url, Bytes::new(), JSON, check_request_level)
            .await?;
        let mut ring = self.state().keys.clone();
        parse_sc(&body, &mut ring)
    }

    /// Block on a wait URL from [`ScResult::Wait`] until the server signals a change (or
    /// its timeout passes); then poll again with the same `sn`.
    pub async fn wait_for_changes(&self, wait_url: &str) -> Result<()> {
        let r = self.transport().get(wait_url).await?;
        if r.status == 200 {
            Ok(())
        } else {
            Err(Error::Http { status: r.status })
        }
    }
}

#[derive(Deserialize)]
struct ScAnswer {
    #[serde(default)]
    a: Option<Vec<Value>>,
    #[serde(default)]
    sn: Option<String>,
    #[serde(default)]
    w: Option<String>,
}

/// A node's new attributes, with the key that encrypts them.
pub type AttributeUpdate = (Handle, NodeKey, Map<String, Value>);

/// Parse an `sc` answer; nodes in `t` packets are decrypted with `ring`.
pub fn parse_sc(body: &[u8], ring: &mut KeyRing) -> Result<ScResult> {
    let ans: ScAnswer =
        serde_json::from_slice(body).map_err(|_| Error::bad("an sc answer object"))?;
    if let (Some(packets), Some(sn)) = (ans.a, ans.sn.clone()) {
        let packets = packets
            .iter()
            .map(|p| parse_packet(p, ring))
            .collect::<Result<Vec<_>>>()?;
        return Ok(ScResult::Packets { packets, sn });
    }
    if let Some(url) = ans.w {
        return Ok(ScResult::Wait { url });
    }
    Err(Error::bad("`a` and `sn`, or `w`, in the sc answer"))
}

fn handle_of(p: &Value, field: &str) -> Result<Handle> {
    p.get(field)
        .and_then(Value::as_str)
        .and_then(|s| Handle::from_b64(s).ok())
        .ok_or_else(|| Error::bad(format!("a node handle `{field}` in the action packet")))
}

fn parse_packet(p: &Value, ring: &mut KeyRing) -> Result<ActionPacket> {
    let kind = p.get("a").and_then(Value::as_str).unwrap_or("");
    let tag = p.get("i").and_then(Value::as_str).map(str::to_string);
    Ok(match kind {
        "t" => {
            let t = p.get("t");
            let list = t
                .and_then(|t| t.get("f"))
                .and_then(Value::as_array)
                .ok_or_else(|| Error::bad("`t.f` in a t packet"))?;
            // `f2`: older versions that moved (under the new version of their file).
            let versions = t.and_then(|t| t.get("f2")).and_then(Value::as_array);
            let nodes = list
                .iter()
                .chain(versions.into_iter().flatten())
                .map(|n| ring.node_from_value(n))
                .collect::<Result<Vec<_>>>()?;
            ActionPacket::NewNodes { nodes, tag }
        }
        "u" => ActionPacket::Update {
            handle: handle_of(p, "n")?,
            at: p.get("at").and_then(Value::as_str).map(str::to_string),
            ts: p.get("ts").and_then(Value::as_i64),
            tag,
        },
        "d" => ActionPacket::Delete {
            handle: handle_of(p, "n")?,
            moved: p.get("m").and_then(Value::as_i64) == Some(1),
            tag,
        },
        "fa" => ActionPacket::FileAttributes {
            handle: handle_of(p, "n")?,
            fa: p
                .get("fa")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        },
        "ph" => ActionPacket::PublicLink {
            handle: handle_of(p, "h")?,
            public_handle: p.get("ph").and_then(Value::as_str).map(str::to_string),
            deleted: p.get("d").and_then(Value::as_i64) == Some(1),
        },
        other => ActionPacket::Other {
            kind: other.to_string(),
            raw: p.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sc_wait_and_packets() {
        let mut ring = KeyRing::default();
        match parse_sc(
            br#"{"w":"http://127.0.0.1:1/wait/x","sn":"abc"}"#,
            &mut ring,
        )
        .unwrap()
        {
            ScResult::Wait { url } => assert_eq!(url, "http://127.0.0.1:1/wait/x"),
            other => panic!("{other:?}"),
        }
        let body = br#"{"a":[
            {"a":"d","n":"AAAAAAAA","m":1,"i":"tag"},
            {"a":"t","t":{"f":[{"h":"AAAAAAAA","p":"BBBBBBBB","u":"AbCdEfGhIjK","t":1,"a":"x","k":"AbCdEfGhIjK:AAAAAAAAAAAAAAAAAAAAAA","ts":1}]},"ou":"AbCdEfGhIjK"},
            {"a":"u","n":"AAAAAAAA","u":"AbCdEfGhIjK","at":"zz","ts":3},
            {"a":"ph","h":"AAAAAAAA","ph":"PPPPPPPP","n":1,"ts":1},
            {"a":"ua","u":"x"}
        ],"sn":"NEXTSNxxxxx"}"#;
        match parse_sc(body, &mut ring).unwrap() {
            ScResult::Packets { packets, sn } => {
                assert_eq!(sn, "NEXTSNxxxxx");
                assert!(
                    matches!(&packets[0], ActionPacket::Delete { moved: true, tag: Some(t), .. } if t == "tag")
                );
                match &packets[1] {
                    ActionPacket::NewNodes { nodes, .. } => {
                        assert_eq!(nodes[0].parent.unwrap().to_b64(), "BBBBBBBB");
                        assert!(nodes[0].problem.is_some(), "no keys in this ring");
                    }
                    other => panic!("{other:?}"),
                }
                assert!(
                    matches!(&packets[2], ActionPacket::Update { at: Some(a), ts: Some(3), .. } if a == "zz")
                );
                assert!(matches!(
                    &packets[3],
                    ActionPacket::PublicLink { deleted: false, .. }
                ));
                assert!(matches!(&packets[4], ActionPacket::Other { kind, .. } if kind == "ua"));
            }
            other => panic!("{other:?}"),
        }
        assert!(parse_sc(b"{}", &mut ring).is_err());
        assert!(parse_sc(b"[", &mut ring).is_err());
    }

    #[test]
    fn export_url_forms() {
        let e = Export {
            public_handle: "AAAAAAAG".into(),
            key: vec![0; 16],
            is_folder: true,
        };
        assert_eq!(
            e.url(),
            "https://mega.nz/folder/AAAAAAAG#AAAAAAAAAAAAAAAAAAAAAA"
        );
        assert!(!format!("{e:?}").contains("AAAAAAAAAAAAAAAAAAAAAA"));
    }
}
