//! Nodes: compact handles, the typed [`Node`], the [`KeyRing`] that unwraps node keys (own
//! master key, share keys from `ok`/`sk`, folder-link key). The streaming parser of the
//! `f` (fetch nodes) answer is in [`super::fetch`].
//!
//! The `f` answer can hold millions of nodes, so it is never turned into a
//! `serde_json::Value`: [`super::fetch`] parses it as it arrives and converts each node
//! (borrowing its strings from the body) the moment it is complete. Nodes whose key or
//! attributes do not decrypt are kept and flagged ([`Node::problem`]), never fatal.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::{Error, Result};
pub use super::fetch::parse_fetch;
use crate::crypto::keys::{handle_auth, NodeKey};
use crate::crypto::rsa::PrivateKey;
use crate::crypto::{aes, attrs, b64, CryptoError, Key128};

/// A node handle: 6 bytes, 8 b64 characters on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle(pub [u8; 6]);

impl Handle {
    /// Parse the 8-character wire form.
    pub fn from_b64(s: &str) -> std::result::Result<Handle, CryptoError> {
        if s.len() != 8 {
            return Err(CryptoError::Length {
                expected: 8,
                got: s.len(),
            });
        }
        Ok(Handle(b64::decode_array(s)?))
    }

    /// The 8-character wire form.
    pub fn to_b64(&self) -> String {
        b64::encode(&self.0)
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_b64())
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({})", self.to_b64())
    }
}

impl std::str::FromStr for Handle {
    type Err = CryptoError;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Handle::from_b64(s)
    }
}

/// A user handle: 8 bytes, 11 b64 characters on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserHandle(pub [u8; 8]);

impl UserHandle {
    pub fn from_b64(s: &str) -> std::result::Result<UserHandle, CryptoError> {
        if s.len() != 11 {
            return Err(CryptoError::Length {
                expected: 11,
                got: s.len(),
            });
        }
        Ok(UserHandle(b64::decode_array(s)?))
    }
    pub fn to_b64(&self) -> String {
        b64::encode(&self.0)
    }
}

impl fmt::Display for UserHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_b64())
    }
}

impl fmt::Debug for UserHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserHandle({})", self.to_b64())
    }
}

/// Node type (`t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    File,
    Folder,
    /// The Cloud Drive root.
    Root,
    /// The inbox (the SDK's "Vault").
    Inbox,
    /// The Rubbish Bin.
    Rubbish,
    Other(i64),
}

impl NodeType {
    pub fn from_code(t: i64) -> NodeType {
        match t {
            0 => NodeType::File,
            1 => NodeType::Folder,
            2 => NodeType::Root,
            3 => NodeType::Inbox,
            4 => NodeType::Rubbish,
            o => NodeType::Other(o),
        }
    }
    pub fn code(self) -> i64 {
        match self {
            NodeType::File => 0,
            NodeType::Folder => 1,
            NodeType::Root => 2,
            NodeType::Inbox => 3,
            NodeType::Rubbish => 4,
            NodeType::Other(o) => o,
        }
    }
    /// Root, inbox or rubbish bin: no key, no attributes.
    pub fn is_root(self) -> bool {
        matches!(self, NodeType::Root | NodeType::Inbox | NodeType::Rubbish)
    }
    /// Something that can hold children.
    pub fn is_container(self) -> bool {
        !matches!(self, NodeType::File)
    }
}

/// Why a node could not be fully decrypted. Such nodes are still returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeProblem {
    /// No key in `k` is wrapped with a key we hold (foreign share, missing share key).
    KeyUnavailable,
    /// A key was found but did not unwrap to a valid node key.
    KeyUndecryptable,
    /// The key unwrapped but the attributes (name) did not decrypt.
    AttributesUndecryptable,
}

/// The root of an incoming share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingShare {
    /// The sharing user (`su`).
    pub user: Option<UserHandle>,
    /// Access level (`r`): 0 read-only, 1 read/write, 2 full.
    pub access: i64,
}

/// One node, decrypted as far as our keys allow.
#[derive(Clone, PartialEq)]
pub struct Node {
    pub handle: Handle,
    /// `None` for the roots.
    pub parent: Option<Handle>,
    pub owner: Option<UserHandle>,
    pub kind: NodeType,
    /// Size in bytes (files; 0 otherwise).
    pub size: u64,
    /// Creation time, Unix seconds.
    pub ts: i64,
    /// The unwrapped node key (`None` for roots and undecryptable nodes).
    pub key: Option<NodeKey>,
    /// The decrypted name (`n`).
    pub name: Option<String>,
    /// The fingerprint attribute `c` (files).
    pub fingerprint: Option<String>,
    /// Other decrypted attributes (kept so a rename preserves them).
    pub other_attrs: Option<Box<Map<String, Value>>>,
    /// File attributes (`fa`: thumbnails, previews).
    pub file_attrs: Option<String>,
    /// Set when this node is the root of an incoming share.
    pub share: Option<IncomingShare>,
    /// Set when the key or the attributes did not decrypt.
    pub problem: Option<NodeProblem>,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("handle", &self.handle)
            .field("parent", &self.parent)
            .field("kind", &self.kind)
            .field("size", &self.size)
            .field("name", &self.name)
            .field("problem", &self.problem)
            .finish_non_exhaustive()
    }
}

impl Node {
    /// A file node known only by handle and size (a public link's file, a name probe): no
    /// parent, key or attributes yet; fill in what is known with struct update syntax.
    pub fn file(handle: Handle, size: u64) -> Node {
        Node {
            handle,
            parent: None,
            owner: None,
            kind: NodeType::File,
            size,
            ts: 0,
            key: None,
            name: None,
            fingerprint: None,
            other_attrs: None,
            file_attrs: None,
            share: None,
            problem: None,
        }
    }

    pub fn is_file(&self) -> bool {
        self.kind == NodeType::File
    }
    pub fn is_folder(&self) -> bool {
        self.kind == NodeType::Folder
    }
    /// Modification time from the fingerprint, if there is one.
    pub fn mtime(&self) -> Option<u64> {
        self.fingerprint
            .as_deref()
            .and_then(crate::crypto::fingerprint::mtime_of)
    }
    /// All decrypted attributes as one object (`n`, `c` and the others).
    /// Where a node in the rubbish bin came from: the `rr` attribute MEGA's apps set when
    /// they move a node there (the b64 handle of its former parent).
    pub fn restore_to(&self) -> Option<Handle> {
        let rr = self.other_attrs.as_deref()?.get("rr")?.as_str()?;
        Handle::from_b64(rr).ok()
    }

    pub fn attributes(&self) -> Map<String, Value> {
        let mut m = self.other_attrs.as_deref().cloned().unwrap_or_default();
        if let Some(n) = &self.name {
            m.insert("n".into(), Value::from(n.as_str()));
        }
        if let Some(c) = &self.fingerprint {
            m.insert("c".into(), Value::from(c.as_str()));
        }
        m
    }
}

/// The keys that unwrap node keys. Its `Debug` shows no key material.
#[derive(Clone, Default)]
pub struct KeyRing {
    /// Our user handle (11 chars): `k` pairs under it are wrapped with the master key.
    pub user_handle: Option<String>,
    pub master_key: Option<Key128>,
    /// Share keys by share (node) handle, 8 chars.
    pub share_keys: HashMap<String, Key128>,
    /// Folder-link mode: the link's key, for the link root's handle.
    pub link_key: Option<Key128>,
    /// Our RSA key, for share keys sent to us RSA-encrypted.
    pub privk: Option<PrivateKey>,
    /// The last wrapping key's expanded schedule (almost always the master key's).
    unwrapper: Option<aes::Unwrapper>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("user_handle", &self.user_handle)
            .field("share_keys", &self.share_keys.len())
            .field("link_mode", &self.link_key.is_some())
            .finish_non_exhaustive()
    }
}

impl KeyRing {
    pub fn for_user(user_handle: &str, master_key: Key128) -> KeyRing {
        KeyRing {
            user_handle: Some(user_handle.to_string()),
            master_key: Some(master_key),
            ..KeyRing::default()
        }
    }

    pub fn for_folder_link(link_key: Key128) -> KeyRing {
        KeyRing {
            link_key: Some(link_key),
            ..KeyRing::default()
        }
    }

    /// Register an owner key from `ok` after checking its `ha`; false if it does not verify.
    pub fn add_owner_key(&mut self, handle: &str, ha: &str, k: &str) -> bool {
        let Some(mk) = self.master_key else {
            return false;
        };
        let ok = (|| {
            let ha: [u8; 16] = b64::decode_array(ha).ok()?;
            // Real MEGA (modern SDK) sends zero-filled dummies; those cannot be verified and
            // carry no key, so they are skipped rather than trusted.
            if ha != handle_auth(&mk, handle) {
                return None;
            }
            let wrapped: [u8; 16] = b64::decode_array(k).ok()?;
            let key: Key128 = aes::unwrap(&mk, &wrapped).ok()?.try_into().ok()?;
            Some(key)
        })();
        match ok {
            Some(key) => {
                self.share_keys.insert(handle.to_string(), key);
                true
            }
            None => false,
        }
    }

    /// Decrypt a share key `sk` of an incoming share root (AES-wrapped or RSA).
    fn add_incoming_share_key(&mut self, handle: &str, sk: &str) {
        let Ok(raw) = b64::decode(sk) else { return };
        let key = if raw.len() == 16 {
            self.master_key
                .and_then(|mk| aes::unwrap(&mk, &raw).ok())
                .and_then(|k| k.try_into().ok())
        } else {
            self.privk
                .as_ref()
                .and_then(|p| p.decrypt_raw(&raw).ok())
                .and_then(|plain| plain.get(..16).and_then(|k| k.try_into().ok()))
        };
        if let Some(key) = key {
            self.share_keys.insert(handle.to_string(), key);
        }
    }

    /// Unwrap a node key from a `k` list (`handle:key/handle:key…`).
    pub fn node_key(
        &mut self,
        node_handle: &str,
        k: &str,
    ) -> std::result::Result<NodeKey, NodeProblem> {
        let mut problem = NodeProblem::KeyUnavailable;
        for pair in k.split('/').filter(|p| !p.is_empty()) {
            let (owner, wrapped) = match pair.split_once(':') {
                Some((h, w)) => (Some(h), w),
                None => (None, pair),
            };
            let Some(wrapping) = self.wrapping_key(node_handle, owner) else {
                continue;
            };
            if !self.unwrapper.as_ref().is_some_and(|u| u.is_for(&wrapping)) {
                self.unwrapper = Some(aes::Unwrapper::new(&wrapping));
            }
            let Some(unwrapper) = &self.unwrapper else {
                continue;
            };
            match unwrap_node_key(unwrapper, wrapped) {
                Some(key) => return Ok(key),
                None => problem = NodeProblem::KeyUndecryptable,
            }
        }
        Err(problem)
    }

    fn wrapping_key(&mut self, node_handle: &str, owner: Option<&str>) -> Option<Key128> {
        let Some(owner) = owner else {
            return self.master_key.or(self.link_key);
        };
        if self.user_handle.as_deref() == Some(owner) {
            return self.master_key;
        }
        if let Some(k) = self.share_keys.get(owner) {
            return Some(*k);
        }
        // Folder-link mode: pairs are under the link root's node handle. The root comes
        // first (or names itself), so the first such handle is the root.
        if let Some(link) = self.link_key {
            if owner.len() == 8 && (owner == node_handle || self.share_keys.is_empty()) {
                self.share_keys.insert(owner.to_string(), link);
                return Some(link);
            }
        }
        None
    }

    /// Turn a wire node into a [`Node`], decrypting what our keys allow.
    pub(crate) fn convert(&mut self, raw: &RawNode<'_>) -> Result<Node> {
        let handle =
            Handle::from_b64(&raw.h.0).map_err(|_| Error::bad("8-character node handles `h`"))?;
        let parent = match raw.p.as_ref().map(|s| s.0.as_ref()) {
            None | Some("") => None,
            Some(p) => Some(
                Handle::from_b64(p).map_err(|_| Error::bad("8-character parent handles `p`"))?,
            ),
        };
        let owner = raw.u.as_ref().and_then(|u| UserHandle::from_b64(&u.0).ok());
        let kind = NodeType::from_code(raw.t);
        let share = raw.su.as_ref().map(|su| IncomingShare {
            user: UserHandle::from_b64(&su.0).ok(),
            access: raw.r.unwrap_or(0),
        });
        if let Some(sk) = &raw.sk {
            self.add_incoming_share_key(&raw.h.0, &sk.0);
        }
        let mut node = Node {
            handle,
            parent,
            owner,
            kind,
            size: raw.s.unwrap_or(0),
            ts: raw.ts.unwrap_or(0),
            key: None,
            name: None,
            fingerprint: None,
            other_attrs: None,
            file_attrs: raw.fa.as_ref().map(|s| s.0.to_string()),
            share,
            problem: None,
        };
        if kind.is_root() {
            return Ok(node);
        }
        let key = match raw.k.as_ref().map(|k| self.node_key(&raw.h.0, &k.0)) {
            Some(Ok(key)) => key,
            Some(Err(p)) => {
                node.problem = Some(p);
                return Ok(node);
            }
            None => {
                node.problem = Some(NodeProblem::KeyUnavailable);
                return Ok(node);
            }
        };
        let kind_matches = matches!(
            (kind, &key),
            (NodeType::File, NodeKey::File(_)) | (NodeType::Folder, NodeKey::Folder(_))
        ) || !matches!(kind, NodeType::File | NodeType::Folder);
        if !kind_matches {
            node.problem = Some(NodeProblem::KeyUndecryptable);
            return Ok(node);
        }
        node.key = Some(key);
        if let Some(a) = &raw.a {
            apply_attrs(&mut node, &a.0);
        }
        Ok(node)
    }

    /// Convert a node object held as JSON (from `p` answers and `t` action packets).
    pub fn node_from_value(&mut self, v: &Value) -> Result<Node> {
        let raw = RawNode::deserialize(v).map_err(|_| Error::bad("a node object"))?;
        self.convert(&raw)
    }
}

/// Decrypt `a` with the node's key into name, fingerprint and other attributes.
pub(crate) fn apply_attrs(node: &mut Node, a: &str) {
    let Some(key) = node.key else { return };
    match attrs::decrypt_into::<SplitAttrs>(&key.aes_key(), a) {
        Ok(split) => {
            node.name = split.name;
            node.fingerprint = split.fingerprint;
            node.other_attrs = (!split.other.is_empty()).then(|| Box::new(split.other));
            node.problem = None;
        }
        Err(_) => node.problem = Some(NodeProblem::AttributesUndecryptable),
    }
}

/// An attribute object split as it is parsed: the name `n` and fingerprint `c` when they are
/// strings, everything else (a non-string `n` or `c` too, so that writing `attributes()` back
/// on a rename keeps it) in `other`. A repeated key keeps its last value, as a JSON object
/// read into a map does.
#[derive(Default)]
struct SplitAttrs {
    name: Option<String>,
    fingerprint: Option<String>,
    other: Map<String, Value>,
}

impl<'de> Deserialize<'de> for SplitAttrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SplitAttrs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute object")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<SplitAttrs, A::Error> {
                let mut out = SplitAttrs::default();
                while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
                    let value: Value = map.next_value()?;
                    let slot = match key.as_ref() {
                        "n" => &mut out.name,
                        "c" => &mut out.fingerprint,
                        _ => {
                            out.other.insert(key.into_owned(), value);
                            continue;
                        }
                    };
                    match value {
                        Value::String(s) => {
                            out.other.remove(key.as_ref());
                            *slot = Some(s);
                        }
                        other => {
                            *slot = None;
                            out.other.insert(key.into_owned(), other);
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

fn unwrap_node_key(unwrapper: &aes::Unwrapper, wrapped_b64: &str) -> Option<NodeKey> {
    let mut raw = [0u8; 32];
    // Too long for 32 bytes: an RSA-encrypted node key (sent before a share key existed),
    // which is not supported.
    let len = b64::decode_into(wrapped_b64, &mut raw).ok()?;
    if len != 16 && len != 32 {
        return None;
    }
    unwrapper.unwrap_in_place(&mut raw[..len]).ok()?;
    NodeKey::from_bytes(&raw[..len]).ok()
}

/// A string borrowed from the response body when it has no escapes, owned otherwise.
#[derive(Debug)]
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A node object as it appears on the wire; strings are borrowed from the body.
#[derive(Debug, Deserialize)]
pub(crate) struct RawNode<'a> {
    #[serde(borrow)]
    h: Str<'a>,
    #[serde(borrow, default)]
    p: Option<Str<'a>>,
    #[serde(borrow, default)]
    u: Option<Str<'a>>,
    t: i64,
    #[serde(default)]
    s: Option<u64>,
    #[serde(default)]
    ts: Option<i64>,
    #[serde(borrow, default)]
    a: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(crate) k: Option<Str<'a>>,
    #[serde(borrow, default)]
    fa: Option<Str<'a>>,
    #[serde(borrow, default)]
    su: Option<Str<'a>>,
    #[serde(borrow, default)]
    sk: Option<Str<'a>>,
    #[serde(default)]
    r: Option<i64>,
}

/// An outgoing share from the `s` member of `f` (`user` is `"EXP"` for a folder link).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OutgoingShare {
    #[serde(rename = "h")]
    pub handle: String,
    #[serde(rename = "u", default)]
    pub user: String,
    #[serde(rename = "r", default)]
    pub access: Option<i64>,
}

/// A public link from the `ph` member of `f`: the node `h` is exported as `ph`. Links made
/// before this client fetched the tree arrive only here (later ones come as `ph` packets).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PublicHandle {
    #[serde(rename = "h")]
    pub handle: String,
    #[serde(rename = "ph")]
    pub public_handle: String,
}

/// An owner key from `ok`: a share's key wrapped with the master key, and its proof `ha`.
#[derive(Deserialize)]
pub(crate) struct OwnerKey {
    pub h: String,
    #[serde(default)]
    pub ha: String,
    pub k: String,
}

/// What `f` says besides the nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchSummary {
    /// The server state number: where `sc` catch-up starts.
    pub sn: String,
    pub outgoing_shares: Vec<OutgoingShare>,
    /// Public links of the account's nodes.
    pub public_handles: Vec<PublicHandle>,
    /// Nodes handed to the callback.
    pub node_count: usize,
}

/// The whole tree as returned by [`Client::fetch_nodes`].
#[derive(Clone, Debug)]
pub struct FetchedNodes {
    pub nodes: Vec<Node>,
    pub sn: String,
    pub outgoing_shares: Vec<OutgoingShare>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::FileKey;
    use crate::fetch::{FetchParser, Fetched};
    use crate::ErrorCode;

    const ME: &str = "AbCdEfGhIjK";

    fn mk() -> Key128 {
        [7u8; 16]
    }

    fn wrap(key: &Key128, raw: &[u8]) -> String {
        b64::encode(&aes::wrap(key, raw).unwrap())
    }

    fn name_attr(key: &Key128, name: &str) -> String {
        attrs::encrypt_name(key, name, None)
    }

    fn folder(h: &str, p: &str, key: &Key128, name: &str, k: String) -> String {
        format!(
            r#"{{"h":"{h}","p":"{p}","u":"{ME}","t":1,"a":"{}","k":"{k}","ts":1700000000}}"#,
            name_attr(key, name)
        )
    }

    fn canned() -> (String, FileKey) {
        let mk = mk();
        let fk = [1u8; 16];
        let share = [9u8; 16];
        let file = FileKey {
            aes: [3u8; 16],
            nonce: [4u8; 8],
            meta_mac: [5u8; 8],
        };
        let file_k = format!("{ME}:{}", wrap(&mk, &file.to_bytes()));
        let shared_k = format!("XyZ12345:{}", wrap(&share, &fk));
        let ha = b64::encode(&handle_auth(&mk, "XyZ12345"));
        let body = format!(
            r#"[{{"f":[
              {{"h":"AAAAAAAA","p":"","u":"{ME}","t":2,"a":"","k":"","ts":1}},
              {{"h":"AAAAAAAB","p":"","u":"{ME}","t":3,"a":"","k":"","ts":1}},
              {{"h":"AAAAAAAC","p":"","u":"{ME}","t":4,"a":"","k":"","ts":1}},
              {},
              {{"h":"FFFFFFFF","p":"DDDDDDDD","u":"{ME}","t":0,"s":13,"a":"{}","k":"{file_k}","ts":5}},
              {{"h":"GGGGGGGG","p":"AAAAAAAA","u":"{ME}","t":1,"a":"garbage","k":"{ME}:{}","ts":5}},
              {{"h":"HHHHHHHH","p":"AAAAAAAA","u":"OtHeRuSeRxX","t":1,"a":"x","k":"OtHeRuSeRxX:{}","ts":5}},
              {{"h":"JJJJJJJJ","p":"AAAAAAAA","u":"{ME}","t":0,"s":1,"a":"x","k":"{ME}:AAAA","ts":5}},
              {}
            ],"s":[{{"h":"XyZ12345","u":"EXP","r":0,"ts":1}}],"u":[],"sn":"SnSnSnSnSnS",
              "ok":[{{"h":"XyZ12345","ha":"{ha}","k":"{}"}}]}}]"#,
            folder(
                "DDDDDDDD",
                "AAAAAAAA",
                &fk,
                "docs",
                format!("{ME}:{}", wrap(&mk, &fk))
            ),
            attrs::encrypt_name(&file.aes, "a \"quoted\" name.txt", Some("AAAA")),
            wrap(&mk, &fk),
            wrap(&[1u8; 16], &fk),
            folder("XyZ12345", "AAAAAAAA", &fk, "shared", shared_k),
            wrap(&mk, &share),
        );
        (body, file)
    }

    #[test]
    fn parses_canned_fetch_with_undecryptable_nodes() {
        let (body, file) = canned();
        let mut ring = KeyRing::for_user(ME, mk());
        let mut nodes = Vec::new();
        let summary = parse_fetch(body.as_bytes(), &mut ring, |n| {
            nodes.push(n);
            Ok(())
        })
        .unwrap();
        assert_eq!(summary.sn, "SnSnSnSnSnS");
        assert_eq!(summary.node_count, 9);
        assert_eq!(summary.outgoing_shares[0].user, "EXP");
        assert_eq!(nodes.len(), 9);
        assert_eq!(nodes[0].kind, NodeType::Root);
        assert_eq!(nodes[0].parent, None);
        assert_eq!(nodes[0].problem, None);
        assert_eq!(nodes[2].kind, NodeType::Rubbish);
        let docs = &nodes[3];
        assert_eq!(docs.name.as_deref(), Some("docs"));
        assert_eq!(docs.parent.unwrap().to_b64(), "AAAAAAAA");
        let f = &nodes[4];
        assert_eq!(f.name.as_deref(), Some("a \"quoted\" name.txt"));
        assert_eq!(f.fingerprint.as_deref(), Some("AAAA"));
        assert_eq!(f.size, 13);
        assert_eq!(f.key, Some(NodeKey::File(file)));
        assert_eq!(nodes[5].problem, Some(NodeProblem::AttributesUndecryptable));
        assert_eq!(nodes[5].name, None);
        assert!(nodes[5].key.is_some());
        assert_eq!(nodes[6].problem, Some(NodeProblem::KeyUnavailable));
        assert_eq!(nodes[7].problem, Some(NodeProblem::KeyUndecryptable));
        // Decrypted through the share key from `ok`, which came after `f`.
        assert_eq!(nodes[8].name.as_deref(), Some("shared"));
        assert!(ring.share_keys.contains_key("XyZ12345"));
    }

    /// What a parse delivered, comparable: (handle, name, problem) per node, and the summary.
    type Outcome = (
        Vec<(String, Option<String>, Option<NodeProblem>)>,
        FetchSummary,
    );

    fn pieces(body: &[u8], cuts: &[usize]) -> Result<Outcome> {
        let mut ring = KeyRing::for_user(ME, mk());
        let mut nodes = Vec::new();
        let mut parser = FetchParser::new(&mut ring, |n: Node| {
            nodes.push((n.handle.to_b64(), n.name, n.problem));
            Ok(())
        });
        let mut from = 0;
        for &cut in cuts {
            parser.feed(&body[from..cut])?;
            from = cut;
        }
        parser.feed(&body[from..])?;
        let summary = parser.finish()?;
        Ok((nodes, summary))
    }

    #[test]
    fn any_split_of_the_answer_parses_the_same() {
        let (body, _) = canned();
        let body = body.as_bytes();
        let whole = pieces(body, &[]).unwrap();
        assert_eq!(whole.0.len(), 9);
        for cut in 0..=body.len() {
            assert_eq!(pieces(body, &[cut]).unwrap(), whole, "split at {cut}");
        }
        let bytewise: Vec<usize> = (1..body.len()).collect();
        assert_eq!(pieces(body, &bytewise).unwrap(), whole);
        // Numbers and literals cut at a piece boundary are not taken early.
        let coded = b"[-15]";
        for cut in 0..=coded.len() {
            assert!(matches!(
                pieces(coded, &[cut]),
                Err(Error::Mega(ErrorCode::ESid))
            ));
        }
        let trailing = br#"[{"f":[],"sn":"x","n":12345,"z":null},7]"#;
        for cut in 0..=trailing.len() {
            assert_eq!(
                pieces(trailing, &[cut]).unwrap().1.sn,
                "x",
                "split at {cut}"
            );
        }
    }

    #[test]
    fn nodes_waiting_for_owner_keys_are_held_only_until_the_answer_ends() {
        // `ok` after `f`: the shared folder comes last, decrypted; with `ok` first nothing is
        // held back, and the order is the server's.
        let (body, _) = canned();
        let (nodes, _) = pieces(body.as_bytes(), &[]).unwrap();
        assert_eq!(nodes[8].0, "XyZ12345");
        assert_eq!(nodes[8].1.as_deref(), Some("shared"));
        // Another user's key cannot come from `ok`: not held, flagged in place.
        assert_eq!(nodes[6].0, "HHHHHHHH");
        assert_eq!(nodes[6].2, Some(NodeProblem::KeyUnavailable));
        let ok_start = body.find(r#""ok":"#).unwrap();
        let ok_end = body.rfind("}]").unwrap();
        let ok_member = &body[ok_start..ok_end];
        let moved = body.replacen(r#"[{"f":"#, &format!(r#"[{{{ok_member},"f":"#), 1);
        let moved = moved.replacen(&format!(",\n              {ok_member}"), "", 1);
        assert_eq!(moved.matches(r#""ok":"#).count(), 1);
        assert!(moved.starts_with(r#"[{"ok":"#));
        let (first, summary) = pieces(moved.as_bytes(), &[]).unwrap();
        assert_eq!(first, nodes);
        assert_eq!(summary.sn, "SnSnSnSnSnS");
    }

    #[tokio::test]
    async fn a_broken_answer_restarts_the_fetch() {
        let link = [8u8; 16];
        let body = link_answer(&link, &[1u8; 16]);
        let (t, c) = crate::testing::fake_client(3);
        c.open_folder_link("PuBlIcHa", link);
        // Broken after the first node, then whole.
        let second = body.find(r#"{"h":"CCCCCCCC""#).unwrap();
        t.push_cut(&body, second + 10);
        t.push(200, &[], &body);
        let mut events = Vec::new();
        let summary = c
            .fetch_nodes_with(|e| {
                events.push(match e {
                    Fetched::Node(n) => n.name.unwrap_or_default(),
                    Fetched::Restart => "restart".into(),
                });
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(events, ["root", "restart", "root", "child"]);
        assert_eq!(summary.node_count, 2);
        // Both tries sent the same request (MEGA matches retries by their `id`).
        let sent = t.sent.lock().unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0], sent[1]);
    }

    #[test]
    fn owner_key_with_bad_ha_is_ignored() {
        let mut ring = KeyRing::for_user(ME, mk());
        let k = wrap(&mk(), &[9u8; 16]);
        assert!(!ring.add_owner_key("XyZ12345", &b64::encode(&[0u8; 16]), &k));
        let ha = b64::encode(&handle_auth(&mk(), "XyZ12345"));
        assert!(ring.add_owner_key("XyZ12345", &ha, &k));
    }

    /// A folder-link answer: the link's folder `root` and its subfolder `child`.
    fn link_answer(link: &Key128, child: &Key128) -> String {
        let fk = [1u8; 16];
        format!(
            r#"[{{"f":[{},{}],"sn":"x"}}]"#,
            folder(
                "RRRRRRRR",
                "PPPPPPPP",
                &fk,
                "root",
                format!("RRRRRRRR:{}", wrap(link, &fk))
            ),
            folder(
                "CCCCCCCC",
                "RRRRRRRR",
                child,
                "child",
                format!("RRRRRRRR:{}", wrap(link, child))
            ),
        )
    }

    #[test]
    fn folder_link_mode_uses_root_handle() {
        let link = [8u8; 16];
        let body = link_answer(&link, &[2u8; 16]);
        let mut ring = KeyRing::for_folder_link(link);
        let mut names = Vec::new();
        parse_fetch(body.as_bytes(), &mut ring, |n| {
            names.push(n.name);
            Ok(())
        })
        .unwrap();
        assert_eq!(names, vec![Some("root".into()), Some("child".into())]);
    }

    #[test]
    fn callback_error_stops_the_parse() {
        let (body, _) = canned();
        let mut ring = KeyRing::for_user(ME, mk());
        let mut seen = 0;
        let r = parse_fetch(body.as_bytes(), &mut ring, |_| {
            seen += 1;
            if seen == 2 {
                Err(Error::InvalidArgument("stop".into()))
            } else {
                Ok(())
            }
        });
        assert!(matches!(r, Err(Error::InvalidArgument(_))));
        assert_eq!(seen, 2);
    }

    #[test]
    fn malformed_answers_are_typed_errors() {
        let mut ring = KeyRing::for_user(ME, mk());
        let noop = |_n: Node| Ok(());
        assert!(matches!(
            parse_fetch(b"[-9]", &mut ring, noop),
            Err(Error::Mega(ErrorCode::ENoent))
        ));
        for bad in [
            &b"[]"[..],
            b"{}",
            b"[{\"sn\":\"x\"}]",
            b"[{\"f\":[{\"h\":1}]}]",
            b"[{\"f\":[",
            b"",
        ] {
            assert!(
                matches!(
                    parse_fetch(bad, &mut ring, noop),
                    Err(Error::BadResponse { .. })
                ),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(matches!(
            parse_fetch(br#"[{"f":[{"h":"short","t":1}]}]"#, &mut ring, noop),
            Err(Error::BadResponse { .. })
        ));
    }

    #[test]
    fn handles_round_trip() {
        let h = Handle::from_b64("AbCdEfGh").unwrap();
        assert_eq!(h.to_string(), "AbCdEfGh");
        assert!(Handle::from_b64("AbCdEfG").is_err());
        assert_eq!(
            UserHandle::from_b64("AbCdEfGhIjI").unwrap().to_b64(),
            "AbCdEfGhIjI"
        );
    }
    /// Found with the `response` fuzz target: a non-string `n` or `c` was taken out of the
    /// attributes and dropped, so a rename (which writes `attributes()` back) lost it.
    #[test]
    fn fuzz_non_string_name_or_fingerprint_kept() {
        let mut ring = KeyRing::for_user(ME, mk());
        let key = [1u8; 16];
        for json in [r#"{"n":5}"#, r#"{"n":"x","c":[1]}"#] {
            let m: Map<String, Value> = serde_json::from_str(json).unwrap();
            let v = serde_json::json!({"h":"AAAAAAAE","p":"AAAAAAAA","u":ME,"t":1,"ts":1,
                "a":attrs::encrypt(&key, &m),"k":format!("{ME}:{}", wrap(&mk(), &key))});
            let node = ring.node_from_value(&v).unwrap();
            assert_eq!(node.problem, None, "{json}");
            assert_eq!(node.attributes(), m, "{json}");
        }
    }

    #[test]
    fn repeated_attribute_keys_keep_the_last_value_like_a_map() {
        let mut ring = KeyRing::for_user(ME, mk());
        let key = [1u8; 16];
        for (json, name) in [
            (r#"{"n":"a","n":"b"}"#, Some("b")),
            (r#"{"n":"a","x":2,"n":1}"#, None),
            (r#"{"n":1,"c":"f","n":"a"}"#, Some("a")),
        ] {
            let mut plain = format!("MEGA{json}").into_bytes();
            plain.resize(plain.len().next_multiple_of(16), 0);
            aes::cbc_encrypt_zero_iv(&key, &mut plain).unwrap();
            let v = serde_json::json!({"h":"AAAAAAAE","p":"AAAAAAAA","u":ME,"t":1,"ts":1,
                "a":b64::encode(&plain),"k":format!("{ME}:{}", wrap(&mk(), &key))});
            let node = ring.node_from_value(&v).unwrap();
            assert_eq!(node.name.as_deref(), name, "{json}");
            let as_map: Map<String, Value> = serde_json::from_str(json).unwrap();
            assert_eq!(node.attributes(), as_map, "{json}");
        }
    }
}
