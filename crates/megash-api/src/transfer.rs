//! Transfer requests on the API (`u`, `g`, `p` for a finished upload, file-link import) and
//! simple whole-file transfers, one piece after another over the [`data`](super::data) plane
//! (megash-client's engine runs the same pieces in parallel, with resume and speed limits).
//!
//! Uploads: random key and nonce, AES-CTR, one POST per piece of whole MAC chunks, chunk MACs
//! folded into the meta-MAC, then `p` with the completion token. Downloads decrypt and
//! MAC-verify into a temporary file next to the destination, renamed into place only when
//! the MAC matches: a destination file is either complete and verified or absent.

use std::path::{Path, PathBuf};

use std::sync::atomic::AtomicU64;

use bytes::Bytes;
use serde_json::{json, Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::client::{request_tag, Client};
use super::error::{Error, ErrorCode, Result};
use super::nodes::{Handle, Node};
use super::{data, plan};
use crate::crypto::keys::{FileKey, NodeKey};
use crate::crypto::mac::{self, FileMac};
use crate::crypto::{aes, attrs, b64, fingerprint, Key128};

/// Where and what to download, from `g`.
#[derive(Clone, PartialEq, Eq)]
pub struct DownloadInfo {
    /// The temporary download URL (ranges are appended as `/<start>-<end>`).
    pub url: String,
    pub size: u64,
    /// The encrypted attributes `at`.
    pub at: Option<String>,
}

impl std::fmt::Debug for DownloadInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadInfo")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl DownloadInfo {
    /// The file these describe, as a node keyed with `key`: size, and the name and
    /// fingerprint from `at` (none, and the problem flagged, when they do not decrypt:
    /// a wrong key).
    pub fn node(&self, handle: Handle, key: &FileKey) -> Node {
        let mut node = Node {
            key: Some(NodeKey::File(*key)),
            ..Node::file(handle, self.size)
        };
        if let Some(at) = &self.at {
            super::nodes::apply_attrs(&mut node, at);
        }
        node
    }
}

/// A finished upload to make a node of ([`Client::put_files`]).
#[derive(Clone, Debug)]
pub struct NewFile {
    pub parent: Handle,
    /// The completion token the upload server answered.
    pub token: String,
    pub key: FileKey,
    /// `n`, `c` and whatever else the node carries.
    pub attributes: Map<String, Value>,
    /// The file this one is a new version of (`ov`).
    pub replaces: Option<Handle>,
}

/// A public file as described by `g` with `p`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicFile {
    pub name: Option<String>,
    pub size: u64,
}

/// A temporary path next to `dest` (same directory, so the final rename is atomic).
fn temp_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    let tag: u32 = rand::random();
    dest.with_file_name(format!(".{name}.megash-part-{tag:08x}"))
}

fn file_key_of(node: &Node) -> Result<FileKey> {
    match node.key {
        Some(NodeKey::File(k)) => Ok(k),
        Some(NodeKey::Folder(_)) => Err(Error::InvalidArgument("not a file".into())),
        None => Err(Error::NoKey),
    }
}

impl Client {
    /// `u`: an upload URL for `size` bytes (asks for the binary completion token, `v:2`).
    pub async fn upload_url(&self, size: u64) -> Result<String> {
        self.upload_url_with(size, self.transfer_ssl()).await
    }

    /// [`Client::upload_url`] with the `ssl` value given (0: http, 2: https), whatever the
    /// client's setting (`diagnose` tries both).
    pub async fn upload_url_with(&self, size: u64, ssl: u8) -> Result<String> {
        let r = self
            .command(json!({"a":"u","s":size,"ssl":ssl,"v":2,"ms":0,"r":0,"e":0}))
            .await?;
        r.get("p")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::bad("an upload URL `p` in the u answer"))
    }

    /// POST one piece of ciphertext at `offset` (see [`data::post_piece`]); the answer to
    /// the piece that completes the file is the completion token.
    pub async fn upload_piece(
        &self,
        url: &str,
        offset: u64,
        ciphertext: Bytes,
    ) -> Result<Option<String>> {
        let transport = self.data_transport()?;
        data::post_piece(&*transport, url, offset, ciphertext, self.retry_config()).await
    }

    /// `p`: create the file node for a completed upload.
    pub async fn put_file(
        &self,
        parent: Handle,
        token: &str,
        key: &FileKey,
        attributes: &Map<String, Value>,
    ) -> Result<Node> {
        self.put_file_version(parent, token, key, attributes, None)
            .await
    }

    /// [`Client::put_file`] as the new version of file `replaces` (`ov`, as the SDK sends
    /// it): the replaced file becomes its newest older version, or is deleted when the
    /// account keeps no versions.
    pub async fn put_file_version(
        &self,
        parent: Handle,
        token: &str,
        key: &FileKey,
        attributes: &Map<String, Value>,
        replaces: Option<Handle>,
    ) -> Result<Node> {
        let req = self.put_file_command(&NewFile {
            parent,
            token: token.to_string(),
            key: *key,
            attributes: attributes.clone(),
            replaces,
        })?;
        let r = self.command(req).await?;
        super::tree::first_new_node(self, &r)
    }

    /// The `p` command that makes the node of a finished upload.
    fn put_file_command(&self, f: &NewFile) -> Result<Value> {
        let mk: Key128 = self.state().keys.master_key.ok_or(Error::NotLoggedIn)?;
        let a = attrs::encrypt(&f.key.aes, &f.attributes);
        let k = b64::encode(&aes::wrap(&mk, &f.key.to_bytes())?);
        let mut node = json!({"h":f.token,"t":0,"a":a,"k":k});
        if let Some(ov) = f.replaces {
            node["ov"] = Value::from(ov.to_b64());
        }
        let mut req = json!({
            "a":"p","t":f.parent.to_b64(),"i":request_tag(),
            "n":[node]
        });
        if let Some(cr) = self.cr_for(f.parent, &[(f.token.clone(), f.key.to_bytes().to_vec())])? {
            req["cr"] = cr;
        }
        Ok(req)
    }

    /// `u` for several uploads at once (one request for all): an upload URL or the error
    /// for each size, in order.
    pub async fn upload_urls(&self, sizes: &[u64]) -> Result<Vec<Result<String>>> {
        let ssl = self.transfer_ssl();
        let commands: Vec<Value> = sizes
            .iter()
            .map(|s| json!({"a":"u","s":s,"ssl":ssl,"v":2,"ms":0,"r":0,"e":0}))
            .collect();
        let answers = self.request_chunked(&commands).await?;
        Ok(answers
            .into_iter()
            .map(|r| {
                r.map_err(Error::Mega)?
                    .get("p")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| Error::bad("an upload URL `p` in the u answer"))
            })
            .collect())
    }

    /// `p` for several finished uploads at once (one command per file, each with its own
    /// target, `ov` and `cr`, sent together): the new node or the error for each, in order.
    pub async fn put_files(&self, files: &[NewFile]) -> Result<Vec<Result<Node>>> {
        let commands = files
            .iter()
            .map(|f| self.put_file_command(f))
            .collect::<Result<Vec<_>>>()?;
        let answers = self.request_chunked(&commands).await?;
        Ok(answers
            .into_iter()
            .map(|r| super::tree::first_new_node(self, &r.map_err(Error::Mega)?))
            .collect())
    }

    /// Upload a local file under `parent`, named `name` (default: the file's name).
    pub async fn upload_file(
        &self,
        parent: Handle,
        path: &Path,
        name: Option<&str>,
    ) -> Result<Node> {
        let name = match name {
            Some(n) => n.to_string(),
            None => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| Error::InvalidArgument("the path has no file name".into()))?,
        };
        let meta = tokio::fs::metadata(path).await?;
        if !meta.is_file() {
            return Err(Error::InvalidArgument("not a regular file".into()));
        }
        let size = meta.len();
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let p = path.to_path_buf();
        let fp = tokio::task::spawn_blocking(move || {
            let mut f = std::fs::File::open(&p)?;
            fingerprint::of_reader(&mut f, size, mtime)
        })
        .await
        .map_err(|_| Error::bad("a fingerprint"))??;

        let mut file = tokio::fs::File::open(path).await?;
        let aes_key: Key128 = rand::random();
        let nonce: [u8; 8] = rand::random();
        let url = self.upload_url(size).await?;
        let mut token = None;
        let mut chunk_macs = Vec::new();
        if size == 0 {
            token = self.upload_piece(&url, 0, Bytes::new()).await?;
        }
        for p in plan::pieces(size, PIECE) {
            let mut buf = vec![0u8; p.len as usize];
            file.read_exact(&mut buf).await?;
            chunk_macs.extend(mac::chunk_macs(&aes_key, &nonce, p.offset, &buf));
            aes::ctr_apply(&aes_key, &nonce, p.offset, &mut buf);
            if let Some(t) = self.upload_piece(&url, p.offset, buf.into()).await? {
                token = Some(t);
            }
        }
        let token = token.ok_or_else(|| Error::bad("a completion token after the last piece"))?;
        let key = FileKey {
            aes: aes_key,
            nonce,
            meta_mac: mac::condense(&aes_key, &chunk_macs),
        };
        let mut attributes = Map::new();
        attributes.insert("n".into(), Value::from(name));
        attributes.insert("c".into(), Value::from(fp));
        self.put_file(parent, &token, &key, &attributes).await
    }

    /// `g` with `g:1`: the download URL and size of one of our files (or, in a folder-link
    /// session, of a file inside the link).
    pub async fn download_url(&self, node: Handle) -> Result<DownloadInfo> {
        let r = self
            .command(json!({"a":"g","g":1,"n":node.to_b64(),"ssl":self.transfer_ssl()}))
            .await?;
        download_info(&r)
    }

    /// `g` with `g:1` for several files at once (one request): each one's download URL and
    /// size, or its error, in order.
    pub async fn download_urls(&self, nodes: &[Handle]) -> Result<Vec<Result<DownloadInfo>>> {
        let ssl = self.transfer_ssl();
        let commands: Vec<Value> = nodes
            .iter()
            .map(|h| json!({"a":"g","g":1,"n":h.to_b64(),"ssl":ssl}))
            .collect();
        let answers = self.request_chunked(&commands).await?;
        Ok(answers
            .into_iter()
            .map(|r| download_info(&r.map_err(Error::Mega)?))
            .collect())
    }

    /// `g` for a file link: size, attributes and a download URL, no session needed.
    pub async fn download_url_public(&self, public_handle: &str) -> Result<DownloadInfo> {
        let r = self
            .command(json!({"a":"g","g":1,"p":public_handle,"ssl":self.transfer_ssl()}))
            .await?;
        download_info(&r)
    }

    /// Download a file node to `dest` (decrypted, MAC-verified, atomically placed).
    /// Returns the number of bytes written.
    pub async fn download(&self, node: &Node, dest: &Path) -> Result<u64> {
        let key = file_key_of(node)?;
        let info = self.download_url(node.handle).await?;
        match self.fetch_to_file(&info, &key, dest).await {
            // The temporary URL expired (§2.1): ask for a fresh one, once.
            Err(Error::Http { status: 403 | 404 }) => {
                let info = self.download_url(node.handle).await?;
                self.fetch_to_file(&info, &key, dest).await?;
                Ok(info.size)
            }
            other => other.map(|()| info.size),
        }
    }

    /// Download a public file link (public handle and its 32-byte key) to `dest`.
    pub async fn download_public(
        &self,
        public_handle: &str,
        key: &FileKey,
        dest: &Path,
    ) -> Result<PublicFile> {
        let r = self
            .command(json!({"a":"g","g":1,"p":public_handle,"ssl":self.transfer_ssl()}))
            .await?;
        let info = download_info(&r)?;
        let name = info.node(Handle([0; 6]), key).name;
        self.fetch_to_file(&info, key, dest).await?;
        Ok(PublicFile {
            name,
            size: info.size,
        })
    }

    /// Import a file link into the account under `parent` (`p` with `ph`: the server copies
    /// the stored data; the key is re-wrapped with our master key). A wrong key fails here
    /// (the attributes do not decrypt) instead of creating an unreadable node.
    pub async fn import_file_link(
        &self,
        parent: Handle,
        public_handle: &str,
        key: &FileKey,
    ) -> Result<Node> {
        let mk: Key128 = self.state().keys.master_key.ok_or(Error::NotLoggedIn)?;
        let r = self.command(json!({"a":"g","p":public_handle})).await?;
        let at = r
            .get("at")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::bad("`at` in the g answer"))?
            .to_string();
        attrs::decrypt(&key.aes, &at)?;
        let k = b64::encode(&aes::wrap(&mk, &key.to_bytes())?);
        let mut req = json!({
            "a":"p","t":parent.to_b64(),"i":request_tag(),
            "n":[{"ph":public_handle,"t":0,"a":at,"k":k}]
        });
        // The SDK's `cr` form (no node ids: index 0 is the first node of `n`): a public
        // handle is no node id, and the server rejects it as one.
        if let Some(cr) = self.cr_for(parent, &[(String::new(), key.to_bytes().to_vec())])? {
            req["cr"] = cr;
        }
        let r = self.command(req).await?;
        super::tree::first_new_node(self, &r)
    }

    /// GET, decrypt, verify and place a file. Interrupted transfers resume at the byte
    /// where they stopped; the temporary file is removed on any failure.
    pub async fn fetch_to_file(
        &self,
        info: &DownloadInfo,
        key: &FileKey,
        dest: &Path,
    ) -> Result<()> {
        let tmp = temp_path(dest);
        let result = self.fetch_into(info, key, &tmp).await;
        match result {
            Ok(()) => match tokio::fs::rename(&tmp, dest).await {
                Ok(()) => Ok(()),
                Err(e) => {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    Err(e.into())
                }
            },
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
    }

    async fn fetch_into(&self, info: &DownloadInfo, key: &FileKey, tmp: &Path) -> Result<()> {
        let mut out = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
            .await?;
        let transport = self.data_transport()?;
        let mut mac = FileMac::new(&key.aes, &key.nonce);
        let moved = AtomicU64::new(0);
        let mut buf = Vec::new();
        for p in plan::pieces(info.size, PIECE) {
            buf.resize(p.len as usize, 0);
            data::fetch_piece(
                &*transport,
                &info.url,
                key,
                p.offset,
                &mut buf,
                self.retry_config(),
                &moved,
            )
            .await?;
            mac.update(&buf);
            out.write_all(&buf).await?;
        }
        out.flush().await?;
        out.sync_all().await?;
        drop(out);
        if info.size > 0 && mac.finish() != key.meta_mac {
            return Err(Error::MacMismatch);
        }
        Ok(())
    }
}

/// The serial transfers' request size: large enough that per-request costs vanish, small
/// enough that a retried piece repeats little.
const PIECE: u64 = 4 << 20;

/// File attribute types (`fa`): what MEGA's apps show for an image.
pub const THUMBNAIL: u8 = 0;
pub const PREVIEW: u8 = 1;

/// The handle of attribute `kind` in a node's `fa` string (`CLUSTER:TYPE*HANDLE/…`).
pub fn file_attribute_handle(fa: &str, kind: u8) -> Option<&str> {
    fa.split('/').find_map(|part| {
        let bare = part.split_once(':').map_or(part, |(_, b)| b);
        let (t, h) = bare.split_once('*')?;
        (t.parse::<u8>().ok()? == kind).then_some(h)
    })
}

impl Client {
    /// `ufa`: store one file attribute (a JPEG thumbnail or preview), encrypted with the
    /// file's key as MEGA's clients do (AES-CBC, zero IV, zero-padded to 16 bytes). Returns its
    /// handle, for [`Client::attach_file_attributes`].
    pub async fn upload_file_attribute(&self, key: &FileKey, data: &[u8]) -> Result<String> {
        let mut body = data.to_vec();
        body.resize(data.len().div_ceil(16).max(1) * 16, 0);
        aes::cbc_encrypt_zero_iv(&key.aes, &mut body)?;
        let r = self
            .command(json!({"a":"ufa","s":body.len(),"ssl":self.transfer_ssl()}))
            .await?;
        let url = r
            .get("p")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::bad("an upload URL `p` in the ufa answer"))?
            .to_string();
        let transport = self.data_transport()?;
        let answer = data::post(
            &*transport,
            &url,
            body.into(),
            self.retry_config(),
            data::check_upload_answer,
        )
        .await?;
        if answer.len() != 8 {
            return Err(Error::bad(
                "an 8-byte attribute handle from the upload server",
            ));
        }
        Ok(b64::encode(&answer))
    }

    /// `pfa`: attach uploaded attributes (`TYPE*HANDLE/…`) to a file; returns its new `fa`.
    pub async fn attach_file_attributes(&self, node: Handle, fa: &str) -> Result<String> {
        let r = self
            .command(json!({"a":"pfa","n":node.to_b64(),"fa":fa}))
            .await?;
        Ok(match r {
            Value::String(s) => s,
            other => other
                .get("fa")
                .and_then(Value::as_str)
                .unwrap_or(fa)
                .to_string(),
        })
    }

    /// File attribute `kind` of `node` (decrypted, padding kept: JPEG readers stop at the
    /// image's end), or `None` when the node has none.
    pub async fn file_attribute(&self, node: &Node, kind: u8) -> Result<Option<Vec<u8>>> {
        let key = file_key_of(node)?;
        let Some(h) = node
            .file_attrs
            .as_deref()
            .and_then(|fa| file_attribute_handle(fa, kind))
        else {
            return Ok(None);
        };
        let handle = b64::decode(h).map_err(|_| Error::bad("a file attribute handle"))?;
        let r = self
            .command(json!({"a":"ufa","fah":h,"ssl":self.transfer_ssl(),"r":1}))
            .await?;
        let url = r
            .get("p")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::bad("a URL `p` in the ufa answer"))?;
        let transport = self.data_transport()?;
        let body = data::post(
            &*transport,
            &format!("{url}/{kind}"),
            handle.clone().into(),
            self.retry_config(),
            |_| Ok(()),
        )
        .await?;
        // Records of handle (8), length (4, little-endian), data.
        let mut rest = &body[..];
        while rest.len() >= 12 {
            let len = u32::from_le_bytes([rest[8], rest[9], rest[10], rest[11]]) as usize;
            let Some(data) = rest.get(12..12 + len) else {
                break;
            };
            if rest[..8] == handle[..] {
                let mut plain = data.to_vec();
                if plain.len() % 16 != 0 {
                    return Err(Error::bad("a file attribute of whole AES blocks"));
                }
                aes::cbc_decrypt_zero_iv(&key.aes, &mut plain)?;
                return Ok(Some(plain));
            }
            rest = &rest[12 + len..];
        }
        Err(Error::bad(
            "the asked-for attribute in the attribute server's answer",
        ))
    }
}

fn download_info(r: &Value) -> Result<DownloadInfo> {
    if let Some(e) = r.get("e").and_then(Value::as_i64) {
        if e < 0 {
            if let Some(tl) = r.get("tl").and_then(Value::as_u64) {
                return Err(Error::TransferQuota { seconds: tl });
            }
            return Err(Error::Mega(ErrorCode::from_code(e)));
        }
    }
    let size = r
        .get("s")
        .and_then(Value::as_u64)
        .ok_or_else(|| Error::bad("a size `s` in the g answer"))?;
    let url = r
        .get("g")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("http"))
        .ok_or_else(|| Error::bad("a download URL string `g` in the g answer"))?;
    Ok(DownloadInfo {
        url: url.trim_end_matches('/').to_string(),
        size,
        at: r.get("at").and_then(Value::as_str).map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_answers() {
        let i = download_info(&json!({"s":5,"at":"x","g":"http://h/dl/abc"})).unwrap();
        assert_eq!((i.url.as_str(), i.size), ("http://h/dl/abc", 5));
        assert!(matches!(
            download_info(&json!({"s":5,"e":-17,"tl":30})),
            Err(Error::TransferQuota { seconds: 30 })
        ));
        assert!(matches!(
            download_info(&json!({"s":5,"g":["a","b"]})),
            Err(Error::BadResponse { .. })
        ));
    }

    #[test]
    fn temp_is_a_sibling() {
        let t = temp_path(Path::new("/a/b/file.txt"));
        assert_eq!(t.parent(), Some(Path::new("/a/b")));
        assert!(t
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".file.txt.megash-part-"));
    }
}
