//! Nodes: compact handles, the typed [`Node`], the [`KeyRing`] that unwraps node keys (own
//! master key, share keys from `ok`/`sk`, folder-link key), and the streaming parser of the
//! `f` (fetch nodes) answer.
//!
//! The `f` answer can hold millions of nodes, so it is never turned into a
//! `serde_json::Value`: a `DeserializeSeed` walks the bytes and converts each node (borrowing
//! its strings from the body) the moment it is parsed, handing it to a callback. Nodes whose
//! key or attributes do not decrypt are kept and flagged ([`Node::problem`]), never fatal.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::client::Client;
use super::error::{Error, ErrorCode, Result};
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
            match unwrap_node_key(&wrapping, wrapped) {
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
    match attrs::decrypt(&key.aes_key(), a) {
        Ok(mut m) => {
            // Only strings become `name`/`fingerprint`; anything else stays among the other
            // attributes so that writing `attributes()` back (a rename) keeps it.
            node.name = take_string(&mut m, "n");
            node.fingerprint = take_string(&mut m, "c");
            node.other_attrs = (!m.is_empty()).then(|| Box::new(m));
            node.problem = None;
        }
        Err(_) => node.problem = Some(NodeProblem::AttributesUndecryptable),
    }
}

fn take_string(m: &mut Map<String, Value>, name: &str) -> Option<String> {
    match m.get(name) {
        Some(Value::String(_)) => match m.remove(name) {
            Some(Value::String(v)) => Some(v),
            _ => None,
        },
        _ => None,
    }
}

fn unwrap_node_key(wrapping: &Key128, wrapped_b64: &str) -> Option<NodeKey> {
    let wrapped = b64::decode(wrapped_b64).ok()?;
    if wrapped.len() != 16 && wrapped.len() != 32 {
        // RSA-encrypted node keys (sent before a share key existed) are not supported.
        return None;
    }
    let raw = aes::unwrap(wrapping, &wrapped).ok()?;
    NodeKey::from_bytes(&raw).ok()
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
    k: Option<Str<'a>>,
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

#[derive(Deserialize)]
struct OwnerKey {
    h: String,
    #[serde(default)]
    ha: String,
    k: String,
}

/// What `f` says besides the nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchSummary {
    /// The server state number: where `sc` catch-up starts.
    pub sn: String,
    pub outgoing_shares: Vec<OutgoingShare>,
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

/// Parse the body of an `f` request (`[{"f":[…],"ok":[…],"s":[…],"sn":…}]`), calling
/// `on_node` for every node as it is parsed. `ring` gains the share keys found on the way.
///
/// Two passes over the bytes: the first (which skips nodes without building them) collects
/// the owner keys `ok`, because the server may send them after `f`.
pub fn parse_fetch<F>(body: &[u8], ring: &mut KeyRing, mut on_node: F) -> Result<FetchSummary>
where
    F: FnMut(Node) -> Result<()>,
{
    let mut summary = FetchSummary::default();
    let mut owner_keys = Vec::new();
    let mut ctx = Ctx {
        nodes_pass: false,
        ring,
        on_node: &mut on_node,
        summary: &mut summary,
        owner_keys: &mut owner_keys,
        stopped: None,
        code: None,
    };
    run_pass(body, &mut ctx)?;
    for ok in std::mem::take(ctx.owner_keys) {
        ctx.ring.add_owner_key(&ok.h, &ok.ha, &ok.k);
    }
    ctx.nodes_pass = true;
    run_pass(body, &mut ctx)?;
    Ok(summary)
}

fn run_pass<F: FnMut(Node) -> Result<()>>(body: &[u8], ctx: &mut Ctx<'_, F>) -> Result<()> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = OuterSeed(ctx).deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = ctx.stopped.take() {
        return Err(e);
    }
    if let Some(code) = ctx.code {
        return Err(Error::Mega(ErrorCode::from_code(code)));
    }
    parsed.map_err(|e| {
        let msg = e.to_string();
        if msg.contains("node handles") || msg.contains("parent handles") {
            Error::bad(msg)
        } else {
            Error::bad("a fetch-nodes answer `[{\"f\":[…],\"sn\":…}]`")
        }
    })
}

struct Ctx<'r, F> {
    nodes_pass: bool,
    ring: &'r mut KeyRing,
    on_node: &'r mut F,
    summary: &'r mut FetchSummary,
    owner_keys: &'r mut Vec<OwnerKey>,
    /// The error that made the callback stop the parse.
    stopped: Option<Error>,
    /// A per-command error code in place of the answer object.
    code: Option<i64>,
}

struct OuterSeed<'c, 'r, F>(&'c mut Ctx<'r, F>);

impl<'de, F: FnMut(Node) -> Result<()>> DeserializeSeed<'de> for OuterSeed<'_, '_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Node) -> Result<()>> Visitor<'de> for OuterSeed<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array with one fetch-nodes result")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        if seq.next_element_seed(ResultSeed(&mut *self.0))?.is_none() {
            return Err(de::Error::custom("empty result array"));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

struct ResultSeed<'c, 'r, F>(&'c mut Ctx<'r, F>);

impl<'de, F: FnMut(Node) -> Result<()>> DeserializeSeed<'de> for ResultSeed<'_, '_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Node) -> Result<()>> Visitor<'de> for ResultSeed<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a fetch-nodes object or an error code")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<(), E> {
        self.0.code = Some(v);
        Err(E::custom("error code"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> std::result::Result<(), E> {
        Err(E::custom("unexpected number"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let ctx = self.0;
        let mut saw_f = false;
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), ctx.nodes_pass) {
                ("f", true) => {
                    saw_f = true;
                    map.next_value_seed(NodesSeed(&mut *ctx))?;
                }
                ("f", false) => {
                    saw_f = true;
                    map.next_value::<IgnoredAny>()?;
                }
                ("sn", false) => ctx.summary.sn = map.next_value()?,
                ("ok", false) => {
                    *ctx.owner_keys = map
                        .next_value::<Option<Vec<OwnerKey>>>()?
                        .unwrap_or_default()
                }
                ("s", false) => {
                    ctx.summary.outgoing_shares = map
                        .next_value::<Option<Vec<OutgoingShare>>>()?
                        .unwrap_or_default()
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !saw_f {
            return Err(de::Error::custom("missing f"));
        }
        Ok(())
    }
}

struct NodesSeed<'c, 'r, F>(&'c mut Ctx<'r, F>);

impl<'de, F: FnMut(Node) -> Result<()>> DeserializeSeed<'de> for NodesSeed<'_, '_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Node) -> Result<()>> Visitor<'de> for NodesSeed<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of nodes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let ctx = self.0;
        while let Some(raw) = seq.next_element::<RawNode<'de>>()? {
            let node = ctx
                .ring
                .convert(&raw)
                .map_err(|e| de::Error::custom(e.to_string()))?;
            ctx.summary.node_count += 1;
            if let Err(e) = (ctx.on_node)(node) {
                ctx.stopped = Some(e);
                return Err(de::Error::custom("stopped by the node callback"));
            }
        }
        Ok(())
    }
}

impl Client {
    /// Fetch every node (`f`), handing each to `on_node` as it is parsed — for callers that
    /// store nodes elsewhere (a database) instead of holding them all in memory. An error
    /// returned by `on_node` stops the parse and is returned.
    pub async fn fetch_nodes_with<F>(&self, on_node: F) -> Result<FetchSummary>
    where
        F: FnMut(Node) -> Result<()>,
    {
        let mut ring = self.state().keys.clone();
        if ring.master_key.is_none() && ring.link_key.is_none() {
            return Err(Error::NotLoggedIn);
        }
        let body = br#"[{"a":"f","c":1,"r":1}]"#.to_vec();
        let resp = self.request_raw(body).await?;
        let summary = parse_fetch(&resp, &mut ring, on_node)?;
        self.state().keys.share_keys = ring.share_keys;
        Ok(summary)
    }

    /// Fetch every node (`f`) into memory.
    pub async fn fetch_nodes(&self) -> Result<FetchedNodes> {
        let mut nodes = Vec::new();
        let summary = self
            .fetch_nodes_with(|n| {
                nodes.push(n);
                Ok(())
            })
            .await?;
        Ok(FetchedNodes {
            nodes,
            sn: summary.sn,
            outgoing_shares: summary.outgoing_shares,
        })
    }

    /// A copy of the current key ring (to decrypt nodes from `sc` packets elsewhere).
    pub fn key_ring(&self) -> KeyRing {
        self.state().keys.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::FileKey;

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

    #[test]
    fn owner_key_with_bad_ha_is_ignored() {
        let mut ring = KeyRing::for_user(ME, mk());
        let k = wrap(&mk(), &[9u8; 16]);
        assert!(!ring.add_owner_key("XyZ12345", &b64::encode(&[0u8; 16]), &k));
        let ha = b64::encode(&handle_auth(&mk(), "XyZ12345"));
        assert!(ring.add_owner_key("XyZ12345", &ha, &k));
    }

    #[test]
    fn folder_link_mode_uses_root_handle() {
        let link = [8u8; 16];
        let fk = [1u8; 16];
        let child = [2u8; 16];
        let body = format!(
            r#"[{{"f":[{},{}],"sn":"x"}}]"#,
            folder(
                "RRRRRRRR",
                "PPPPPPPP",
                &fk,
                "root",
                format!("RRRRRRRR:{}", wrap(&link, &fk))
            ),
            folder(
                "CCCCCCCC",
                "RRRRRRRR",
                &child,
                "child",
                format!("RRRRRRRR:{}", wrap(&link, &child))
            ),
        );
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
}
