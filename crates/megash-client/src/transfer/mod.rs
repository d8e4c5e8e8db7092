//! The transfer engine: parallel, verified, resumable downloads and uploads of single files,
//! and ranged reads (`cat`).
//!
//! A file is cut into requests of whole MAC chunks, several MiB each ([`api::plan`]); up to
//! [`Config::connections`] requests per file run at once on the engine's own multi-threaded
//! runtime, on the client's data transport ([`Client::data_transport`]), under a cap on bytes in flight per transfer and per engine.
//! Decryption happens as bytes arrive; chunk MACs are computed eight chunks at a time
//! ([`crate::crypto::mac::chunk_macs`]) on blocking threads, so network, crypto and disk
//! overlap. API calls (`g`, `u`, `p`) go through the caller's [`Client`].
//!
//! Integrity: a download lands in `.NAME.megash-part` next to its destination, is renamed into
//! place only after the meta-MAC matches, and gets its mtime from the `c` fingerprint. A
//! journal beside it records finished pieces with their chunk MACs, so an interrupted download
//! resumes from the chunks already verified (they are re-read and re-MAC'd first). Uploads
//! journal their URL, key and finished pieces in the state directory and continue while the
//! server still accepts that URL, else start over. Nothing here prints.

pub mod journal;
pub mod limit;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::api::plan::{self, Piece};
use crate::api::{self, Client, ErrorCode, Handle, Node, RetryConfig, Transport};
use crate::crypto::keys::{FileKey, NodeKey};
use crate::crypto::{aes, b64, fingerprint, mac, Key128};
use journal::{ChunkMacs, Journal};

const MIB: u64 = 1 << 20;

/// How transfers are run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Requests in flight per file (MEGA's desktop clients use 8).
    pub connections: usize,
    /// Smallest request (rounded up to whole MAC chunks).
    pub request_size: u64,
    /// Bytes held in memory per transfer (being received, MAC'd or written).
    pub max_in_flight: u64,
    /// Bytes held in memory by all transfers of this engine together.
    pub max_in_flight_total: u64,
    /// Per-request retries.
    pub retry: RetryConfig,
    /// Byte-rate limit shared with every engine holding the same limiter (`speedlimit`).
    pub limit: Option<Arc<limit::Limiter>>,
    /// Pause switch for the transfers of this engine (`transfers -p`).
    pub pause: Option<Arc<limit::Pause>>,
    /// Mode of downloaded files (Unix permission bits); `None`: what the umask leaves.
    pub file_mode: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connections: 8,
            // Eight 1 MiB MAC chunks per request: the chunk MACs of one request then fill the
            // cipher's eight parallel lanes (four chunks run the MAC at half speed).
            request_size: 8 * MIB,
            max_in_flight: 64 * MIB,
            max_in_flight_total: 96 * MIB,
            retry: RetryConfig::default(),
            limit: None,
            pause: None,
            file_mode: None,
        }
    }
}

impl Config {
    /// Wait while paused, then for the rate limit to allow `bytes`.
    async fn pace(&self, bytes: u64) {
        if let Some(p) = &self.pause {
            p.wait().await;
        }
        if let Some(l) = &self.limit {
            l.take(bytes).await;
        }
    }
}

/// Why a transfer failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// MEGA or the network (MAC mismatch, transfer quota, HTTP status, API codes...).
    #[error(transparent)]
    Api(#[from] api::Error),
    /// Local file I/O.
    #[error("{what} {}: {source}", path.display())]
    Local {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The local disk is full; the partial file was removed.
    #[error("no space left on the device writing {}; the partial file was removed", path.display())]
    DiskFull { path: PathBuf },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn local<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| {
        if source.raw_os_error() == Some(28) || source.kind() == std::io::ErrorKind::StorageFull {
            Error::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            Error::Local {
                what,
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

/// Bytes of a transfer done so far; the caller polls it to draw progress.
pub type Progress = Arc<Counter>;

/// A transfer's byte counter: everything done, and the part of it found already done by an
/// earlier, interrupted run (so a rate is measured on the bytes this run moved).
#[derive(Debug, Default)]
pub struct Counter {
    done: AtomicU64,
    resumed: AtomicU64,
}

impl Counter {
    /// Bytes done, resumed ones included.
    pub fn load(&self, order: Ordering) -> u64 {
        self.done.load(order)
    }

    /// Bytes an earlier run had already moved.
    pub fn resumed(&self) -> u64 {
        self.resumed.load(Ordering::Relaxed)
    }

    /// The running count itself, for the data plane to add to as bytes arrive.
    pub fn moved(&self) -> &AtomicU64 {
        &self.done
    }

    /// `n` bytes moved now.
    pub fn fetch_add(&self, n: u64, order: Ordering) -> u64 {
        self.done.fetch_add(n, order)
    }

    /// `n` bytes counted by a piece that is given up.
    pub fn fetch_sub(&self, n: u64, order: Ordering) -> u64 {
        self.done.fetch_sub(n, order)
    }

    /// `n` bytes found done by an earlier run.
    fn add_resumed(&self, n: u64) {
        self.resumed.fetch_add(n, Ordering::Relaxed);
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Start counting again: `resumed` bytes are already done.
    fn restart(&self, resumed: u64) {
        self.resumed.store(resumed, Ordering::Relaxed);
        self.done.store(resumed, Ordering::Relaxed);
    }
}

struct Inner {
    config: Config,
    /// In-flight budget of the whole engine, in KiB.
    total: Arc<Semaphore>,
    /// Download buffers kept for reuse: fresh multi-MiB allocations are fresh pages, and
    /// faulting them in costs more CPU than the copy into them.
    buffers: Mutex<Vec<Vec<u8>>>,
}

impl Inner {
    /// A buffer of exactly `len` bytes (old contents when reused: callers overwrite them).
    fn buffer(&self, len: u64) -> Vec<u8> {
        let mut b = lock(&self.buffers).pop().unwrap_or_default();
        fit(&mut b, len as usize);
        b
    }

    /// Room for `len` bytes in flight, in the transfer's budget (`own`) and the engine's;
    /// `None` once the budget is closed (the transfer is over).
    async fn reserve(&self, own: &Arc<Semaphore>, len: u64) -> Option<Permits> {
        let n = kib(len).min(kib(self.config.max_in_flight));
        let a = own.clone().acquire_many_owned(n).await.ok()?;
        let b = self
            .total
            .clone()
            .acquire_many_owned(n.min(kib(self.config.max_in_flight_total)))
            .await
            .ok()?;
        Some((a, b))
    }

    fn give_back(&self, b: Vec<u8>) {
        let mut pool = lock(&self.buffers);
        // Enough for every request in flight; the in-flight cap bounds the rest.
        if pool.len() < self.config.connections * 2 + 2 {
            pool.push(b);
        }
    }
}

/// Make `buf` exactly `len` bytes long. A reused buffer keeps its old bytes (they are
/// overwritten): zeroing megabytes per request would cost as much as decrypting them.
fn fit(buf: &mut Vec<u8>, len: usize) {
    if buf.len() >= len {
        buf.truncate(len);
    } else {
        buf.resize(len, 0);
    }
}

/// Runs transfers. Owns a small multi-threaded runtime for the data connections, so the
/// caller's runtime (a current-thread one in the command layer) only makes API calls.
pub struct Engine {
    rt: Option<tokio::runtime::Runtime>,
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Dropping a runtime inside async code would panic; this never blocks.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

fn kib(bytes: u64) -> u32 {
    u32::try_from(bytes.div_ceil(1024))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// Aborts a spawned task when the awaiting future is dropped (Ctrl-C).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> AbortOnDrop<T> {
    async fn join(mut self) -> Result<T> {
        (&mut self.0).await.map_err(|e| {
            Error::Api(api::Error::Io(std::io::Error::other(format!(
                "transfer task failed: {e}"
            ))))
        })
    }
}

/// The temporary file a download is written to, next to its destination.
pub fn part_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    dest.with_file_name(format!(".{name}.megash-part"))
}

/// Remove what an unfinished download to `dest` left behind (its temporary file and journal),
/// for a cancelled transfer.
pub fn discard_partial(dest: &Path) {
    let part = part_path(dest);
    let _ = std::fs::remove_file(journal_path(&part));
    let _ = std::fs::remove_file(&part);
}

fn journal_path(part: &Path) -> PathBuf {
    let mut s = part.as_os_str().to_owned();
    s.push(".state");
    PathBuf::from(s)
}

/// A short digest identifying a key without revealing it (journal headers).
fn key_check(key: &FileKey) -> String {
    let d = Sha256::digest(key.to_bytes());
    d[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn file_key(node: &Node) -> Result<FileKey> {
    match node.key {
        Some(NodeKey::File(k)) => Ok(k),
        Some(NodeKey::Folder(_)) => Err(api::Error::InvalidArgument("not a file".into()).into()),
        None => Err(api::Error::NoKey.into()),
    }
}

/// Files up to this size go through [`Engine::upload_small`]: one POST each, and the requests
/// of many files shared.
pub const SMALL_FILE: u64 = 1 << 20;

/// One file for [`Engine::upload_small`].
#[derive(Debug)]
pub struct SmallFile {
    pub path: PathBuf,
    pub parent: Handle,
    pub name: String,
    /// The file it is a new version of (`ov`).
    pub replaces: Option<Handle>,
    pub progress: Progress,
}

/// Check a small file's MAC and put it in place: a temporary sibling (mode `mode`), synced,
/// renamed over `dest`, then its mtime.
fn place_small(
    dest: &Path,
    key: &FileKey,
    plain: &[u8],
    mode: Option<u32>,
    mtime: Option<u64>,
) -> Result<()> {
    use std::io::Write;
    let macs = mac::chunk_macs(&key.aes, &key.nonce, 0, plain);
    if !mac_matches(key, plain.len() as u64, Some(&macs)) {
        return Err(api::Error::MacMismatch.into());
    }
    let part = part_path(dest);
    let written = (|| {
        let mut f = std::fs::File::create(&part)?;
        #[cfg(unix)]
        if let Some(m) = mode {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(m))?;
        }
        f.write_all(plain)?;
        f.sync_data()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&part);
        return Err(local("write", dest)(e));
    }
    if let Err(e) = std::fs::rename(&part, dest) {
        let _ = std::fs::remove_file(&part);
        return Err(local("rename into place", dest)(e));
    }
    if let Some(t) = mtime {
        let _ = set_mtime(dest, t);
    }
    Ok(())
}

/// A small file read, fingerprinted and encrypted whole.
struct PreparedSmall {
    body: Bytes,
    key: FileKey,
    fingerprint: String,
}

fn prepare_small(path: &Path) -> Result<PreparedSmall> {
    let meta = std::fs::metadata(path).map_err(local("read", path))?;
    let mut data = std::fs::read(path).map_err(local("read", path))?;
    let fingerprint = fingerprint::of_reader(
        &mut std::io::Cursor::new(&data),
        data.len() as u64,
        mtime_of(&meta),
    )
    .map_err(local("read", path))?;
    let aes_key: Key128 = rand::random();
    let nonce: [u8; 8] = rand::random();
    let macs = mac::chunk_macs(&aes_key, &nonce, 0, &data);
    aes::ctr_apply(&aes_key, &nonce, 0, &mut data);
    Ok(PreparedSmall {
        body: data.into(),
        key: FileKey {
            aes: aes_key,
            nonce,
            meta_mac: mac::condense(&aes_key, &macs),
        },
        fingerprint,
    })
}

/// Local mtime in Unix seconds (0 when unknown).
pub fn mtime_of(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs())
}

/// The `c` fingerprint of a local file (content sample + mtime).
pub fn local_fingerprint(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(local("read", path))?;
    let mut f = std::fs::File::open(path).map_err(local("open", path))?;
    fingerprint::of_reader(&mut f, meta.len(), mtime_of(&meta)).map_err(local("read", path))
}

/// Set a file's mtime (Unix seconds).
fn set_mtime(path: &Path, secs: u64) -> std::io::Result<()> {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(path)?
        .set_modified(t)
}

impl Engine {
    /// An engine with `config` (its threads start now; one engine per command is fine).
    pub fn new(config: Config) -> Result<Engine> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(8)
            .thread_name("megash-transfer")
            .enable_all()
            .build()
            .map_err(|e| Error::Api(api::Error::Io(e)))?;
        let total = Arc::new(Semaphore::new(kib(config.max_in_flight_total) as usize));
        Ok(Engine {
            rt: Some(rt),
            inner: Arc::new(Inner {
                config,
                total,
                buffers: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    fn spawn<F>(&self, fut: F) -> Result<AbortOnDrop<F::Output>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let rt = self
            .rt
            .as_ref()
            .ok_or_else(|| Error::Api(api::Error::bad("a running transfer engine")))?;
        Ok(AbortOnDrop(rt.spawn(fut)))
    }

    /// Download file `node` to `dest`: verified, atomically placed, mtime from its
    /// fingerprint; resumes a previous attempt's journal. Returns the size.
    pub async fn download(
        &self,
        client: &Client,
        node: &Node,
        dest: &Path,
        progress: &Progress,
    ) -> Result<u64> {
        self.download_from(client, node, None, dest, progress).await
    }

    /// Download many small files (each at most [`SMALL_FILE`] bytes): one request of `g`
    /// commands for all, the files fetched on the engine's connections at once, each
    /// MAC-verified in memory and placed atomically (a temporary sibling, then a rename), with
    /// its mtime. A result per file, in order. No journals: a small file is fetched again
    /// whole.
    pub async fn download_small(
        &self,
        client: &Client,
        files: &[(Node, PathBuf)],
        progress: &Progress,
    ) -> Result<Vec<Result<u64>>> {
        let handles: Vec<Handle> = files.iter().map(|(n, _)| n.handle).collect();
        let infos = client.download_urls(&handles).await?;
        let transport = client.data_transport()?;
        let inner = self.inner.clone();
        let conns = inner.config.connections.max(1);
        let jobs: Vec<_> = files
            .iter()
            .cloned()
            .zip(infos)
            .enumerate()
            .map(|(i, ((node, dest), info))| (i, node, dest, info))
            .collect();
        let progress = progress.clone();
        let done = self
            .spawn(async move {
                use futures_util::StreamExt;
                futures_util::stream::iter(jobs)
                    .map(|(i, node, dest, info)| {
                        let (transport, inner, progress) =
                            (transport.clone(), inner.clone(), progress.clone());
                        async move {
                            let r = async {
                                let info = info?;
                                let key = file_key(&node)?;
                                inner.config.pace(info.size).await;
                                let mut buf = vec![0u8; info.size as usize];
                                api::data::fetch_piece(
                                    &*transport,
                                    &info.url,
                                    &key,
                                    0,
                                    &mut buf,
                                    &inner.config.retry,
                                    progress.moved(),
                                )
                                .await?;
                                let mode = inner.config.file_mode;
                                let mtime =
                                    node.fingerprint.as_deref().and_then(fingerprint::mtime_of);
                                tokio::task::spawn_blocking(move || {
                                    place_small(&dest, &key, &buf, mode, mtime)
                                })
                                .await
                                .map_err(|e| {
                                    api::Error::Io(std::io::Error::other(e.to_string()))
                                })??;
                                Ok(info.size)
                            };
                            (i, r.await)
                        }
                    })
                    .buffer_unordered(conns)
                    .collect::<Vec<(usize, Result<u64>)>>()
                    .await
            })?
            .join()
            .await?;
        let mut out: Vec<Option<Result<u64>>> = (0..files.len()).map(|_| None).collect();
        for (i, r) in done {
            out[i] = Some(r);
        }
        Ok(out
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(api::Error::bad("a result").into())))
            .collect())
    }

    /// Download a file link (`public_handle`, `key`) to `dest`, with no session: the same
    /// engine, verification and resume as [`Engine::download`]. Returns the size.
    pub async fn download_link(
        &self,
        client: &Client,
        public_handle: &str,
        key: &crate::crypto::keys::FileKey,
        dest: &Path,
        progress: &Progress,
    ) -> Result<u64> {
        let handle = api::Handle::from_b64(public_handle)
            .map_err(|_| Error::Api(api::Error::InvalidArgument("bad public handle".into())))?;
        let info = client.download_url_public(public_handle).await?;
        let node = info.node(handle, key);
        self.download_from(client, &node, Some(public_handle), dest, progress)
            .await
    }

    async fn download_from(
        &self,
        client: &Client,
        node: &Node,
        public: Option<&str>,
        dest: &Path,
        progress: &Progress,
    ) -> Result<u64> {
        let url_of = || async {
            match public {
                Some(ph) => client.download_url_public(ph).await,
                None => client.download_url(node.handle).await,
            }
        };
        let key = file_key(node)?;
        let part = part_path(dest);
        let jpath = journal_path(&part);
        let mut info = url_of().await?;
        let size = info.size;
        let result = async {
            let header = format!(
                "megash-download 1 {} {size} {}",
                node.handle.to_b64(),
                key_check(&key)
            );
            let (file, journal, macs) =
                open_part(&part, &jpath, &header, size, self.inner.config.file_mode)?;
            let file = Arc::new(file);
            let journal = Arc::new(Mutex::new(journal));
            let macs = Arc::new(Mutex::new(macs));
            let pieces = plan::pieces(size, self.inner.config.request_size);
            // Chunks from an earlier attempt count only after re-reading them from disk.
            let todo = self
                .spawn(verify_done(
                    file.clone(),
                    part.clone(),
                    key,
                    pieces,
                    macs.clone(),
                    progress.clone(),
                ))?
                .join()
                .await??;
            let mut url_refreshes = 0;
            let mut todo = todo;
            loop {
                let job = DownloadJob {
                    inner: self.inner.clone(),
                    transport: client.data_transport()?,
                    url: info.url.clone(),
                    key,
                    file: file.clone(),
                    part: part.clone(),
                    journal: journal.clone(),
                    macs: macs.clone(),
                    progress: progress.clone(),
                    writing: Mutex::new(()),
                };
                match self.spawn(job.run(todo.clone()))?.join().await? {
                    Ok(()) => break,
                    // The temporary URL expired: a fresh one, and only the missing pieces.
                    Err(Error::Api(api::Error::Http { status: 403 | 404 }))
                        if url_refreshes < 3 =>
                    {
                        url_refreshes += 1;
                        info = url_of().await?;
                        let m = lock(&macs);
                        todo.retain(|p| !m.has(p.first_chunk, p.chunks));
                    }
                    Err(e) => return Err(e),
                }
            }
            let all = lock(&macs).complete();
            if !mac_matches(&key, size, all.as_deref()) {
                return Err(Error::Api(api::Error::MacMismatch));
            }
            file.sync_data().map_err(local("write", &part))?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                if let Err(e) = std::fs::rename(&part, dest) {
                    // Resuming cannot mend a destination that refuses the file.
                    let _ = std::fs::remove_file(&part);
                    let _ = std::fs::remove_file(&jpath);
                    return Err(local("rename into place", dest)(e));
                }
                let _ = std::fs::remove_file(&jpath);
                if let Some(t) = node.fingerprint.as_deref().and_then(fingerprint::mtime_of) {
                    let _ = set_mtime(dest, t);
                }
                Ok(size)
            }
            // A corrupt file, a full disk or a local failure leaves nothing behind; a network
            // failure, the quota or an interruption keeps the verified part for the next
            // attempt.
            Err(
                e @ (Error::Api(api::Error::MacMismatch)
                | Error::DiskFull { .. }
                | Error::Local { .. }),
            ) => {
                let _ = std::fs::remove_file(&part);
                let _ = std::fs::remove_file(&jpath);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Read bytes `[start, start + len)` of file `node` (decrypted; only the MAC chunks that
    /// cover the range are fetched), passing them in order to `sink`. A whole-file read is
    /// MAC-verified at the end (after the data went out: the error then says so).
    pub async fn read_range(
        &self,
        client: &Client,
        node: &Node,
        start: u64,
        len: Option<u64>,
        sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<u64> {
        use futures_util::StreamExt;
        let key = file_key(node)?;
        let info = client.download_url(node.handle).await?;
        let size = info.size;
        let start = start.min(size);
        let end = len.map_or(size, |l| start.saturating_add(l).min(size));
        let whole = start == 0 && end == size;
        let pieces = plan::covering(size, self.inner.config.request_size, start, end);
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<(Piece, Vec<u8>)>>(2);
        let inner = self.inner.clone();
        let url = info.url.clone();
        let transport = client.data_transport()?;
        let producer = self.spawn(async move {
            let moved = AtomicU64::new(0);
            let inner2 = inner.clone();
            let mut stream = futures_util::stream::iter(pieces)
                .map(|p| {
                    let inner = inner2.clone();
                    let url = url.clone();
                    let moved = &moved;
                    let transport = transport.clone();
                    async move {
                        inner.config.pace(p.len).await;
                        let mut buf = inner.buffer(p.len);
                        api::data::fetch_piece(
                            &*transport,
                            &url,
                            &key,
                            p.offset,
                            &mut buf,
                            &inner.config.retry,
                            moved,
                        )
                        .await?;
                        Ok((p, buf))
                    }
                })
                .buffered(inner.config.connections.max(1));
            while let Some(r) = stream.next().await {
                let stop = r.is_err();
                if tx.send(r).await.is_err() || stop {
                    break;
                }
            }
        })?;
        let mut chunk_macs: Vec<[u8; 16]> = Vec::new();
        let mut written = 0u64;
        while let Some(r) = rx.recv().await {
            let (p, buf) = r?;
            if whole {
                chunk_macs.extend(mac::chunk_macs(&key.aes, &key.nonce, p.offset, &buf));
            }
            let from = start.saturating_sub(p.offset) as usize;
            let to = ((end - p.offset) as usize).min(buf.len());
            if from < to {
                sink(&buf[from..to]).map_err(|e| Error::Local {
                    what: "write",
                    path: PathBuf::from("<stdout>"),
                    source: e,
                })?;
                written += (to - from) as u64;
            }
            self.inner.give_back(buf);
        }
        producer.join().await?;
        if whole && !mac_matches(&key, size, Some(&chunk_macs)) {
            return Err(api::Error::MacMismatch.into());
        }
        Ok(written)
    }

    /// Upload many small files (each at most [`SMALL_FILE`] bytes) in three steps for all of
    /// them instead of three per file: one request of `u` commands, the encrypted files
    /// POSTed on the engine's connections at once, one request of `p` commands (each with its
    /// own target and `ov`). A result per file, in order: one file failing fails only itself.
    /// No journals: a small file is sent again whole.
    pub async fn upload_small(
        &self,
        client: &Client,
        files: &[SmallFile],
    ) -> Result<Vec<Result<Node>>> {
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        let prepared = tokio::task::spawn_blocking(move || {
            paths.iter().map(|p| prepare_small(p)).collect::<Vec<_>>()
        })
        .await
        .map_err(|e| api::Error::Io(std::io::Error::other(e.to_string())))?;
        let sizes: Vec<u64> = prepared
            .iter()
            .map(|p| p.as_ref().map_or(0, |s| s.body.len() as u64))
            .collect();
        let urls = client.upload_urls(&sizes).await?;
        let transport = client.data_transport()?;
        let retry = self.inner.config.retry.clone();
        let conns = self.inner.config.connections.max(1);
        let mut url_errors: Vec<Option<api::Error>> = (0..files.len()).map(|_| None).collect();
        let mut jobs: Vec<(usize, String, Bytes)> = Vec::new();
        for (i, (p, u)) in prepared.iter().zip(urls).enumerate() {
            match (p, u) {
                (Ok(p), Ok(url)) => jobs.push((i, url, p.body.clone())),
                (_, Err(e)) => url_errors[i] = Some(e),
                (Err(_), Ok(_)) => {}
            }
        }
        let inner = self.inner.clone();
        let tokens = self
            .spawn(async move {
                use futures_util::StreamExt;
                futures_util::stream::iter(jobs)
                    .map(|(i, url, body)| {
                        let (transport, retry, inner) =
                            (transport.clone(), retry.clone(), inner.clone());
                        async move {
                            // Speed limit and pause, as for any piece.
                            inner.config.pace(body.len() as u64).await;
                            let t = api::data::post_piece(&*transport, &url, 0, body, &retry)
                                .await
                                .and_then(|t| {
                                    t.ok_or_else(|| api::Error::bad("a completion token"))
                                });
                            (i, t)
                        }
                    })
                    .buffer_unordered(conns)
                    .collect::<Vec<_>>()
                    .await
            })?
            .join()
            .await?;
        let mut token_of: Vec<Option<std::result::Result<String, api::Error>>> =
            (0..files.len()).map(|_| None).collect();
        for (i, t) in tokens {
            token_of[i] = Some(t);
        }
        // The nodes for every file that arrived, in one request.
        let mut to_put = Vec::new();
        let mut results: Vec<Option<Result<Node>>> = (0..files.len()).map(|_| None).collect();
        for (i, (f, p)) in files.iter().zip(prepared).enumerate() {
            let token = token_of[i].take().or_else(|| url_errors[i].take().map(Err));
            match (p, token) {
                (Err(e), _) => results[i] = Some(Err(e)),
                (Ok(_), Some(Err(e))) => results[i] = Some(Err(e.into())),
                (Ok(_), None) => results[i] = Some(Err(api::Error::bad("an upload URL").into())),
                (Ok(s), Some(Ok(token))) => {
                    f.progress.fetch_add(s.body.len() as u64, Ordering::Relaxed);
                    let mut attributes = Map::new();
                    attributes.insert("n".into(), Value::from(f.name.as_str()));
                    attributes.insert("c".into(), Value::from(s.fingerprint));
                    to_put.push((
                        i,
                        api::transfer::NewFile {
                            parent: f.parent,
                            token,
                            key: s.key,
                            attributes,
                            replaces: f.replaces,
                        },
                    ));
                }
            }
        }
        let new: Vec<api::transfer::NewFile> = to_put.iter().map(|(_, n)| n.clone()).collect();
        let made = client.put_files(&new).await?;
        for ((i, _), r) in to_put.iter().zip(made) {
            results[*i] = Some(r.map_err(Error::from));
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(api::Error::bad("a result").into())))
            .collect())
    }

    /// Upload local file `path` into folder `parent` as `name`, with the `c` fingerprint.
    /// With `journal_dir`, an interrupted upload of the same file to the same place resumes.
    pub async fn upload(
        &self,
        client: &Client,
        path: &Path,
        parent: Handle,
        name: &str,
        journal_dir: Option<&Path>,
        progress: &Progress,
    ) -> Result<Node> {
        self.upload_version(client, path, parent, name, None, journal_dir, progress)
            .await
    }

    /// [`Engine::upload`] as the new version of file `replaces` (see
    /// [`Client::put_file_version`]).
    #[allow(clippy::too_many_arguments)]
    pub async fn upload_version(
        &self,
        client: &Client,
        path: &Path,
        parent: Handle,
        name: &str,
        replaces: Option<Handle>,
        journal_dir: Option<&Path>,
        progress: &Progress,
    ) -> Result<Node> {
        let meta = std::fs::metadata(path).map_err(local("read", path))?;
        if !meta.is_file() {
            return Err(api::Error::InvalidArgument("not a regular file".into()).into());
        }
        let size = meta.len();
        let fp = {
            let p = path.to_path_buf();
            let mtime = mtime_of(&meta);
            tokio::task::spawn_blocking(move || {
                let mut f = std::fs::File::open(&p)?;
                fingerprint::of_reader(&mut f, size, mtime)
            })
            .await
            .map_err(|e| api::Error::Io(std::io::Error::other(e.to_string())))?
            .map_err(local("read", path))?
        };
        let id = {
            let mut h = Sha256::new();
            h.update(path.to_string_lossy().as_bytes());
            h.update([0]);
            h.update(fp.as_bytes());
            h.update(parent.to_b64().as_bytes());
            h.update([0]);
            h.update(name.as_bytes());
            let d = h.finalize();
            d[..12]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let jpath = journal_dir.map(|d| d.join(format!("upload-{id}.state")));
        let file = Arc::new(std::fs::File::open(path).map_err(local("open", path))?);
        let mut attempt = 0;
        let (token, key) = loop {
            attempt += 1;
            // Resume a journalled upload, else start a fresh one. Same path, size and
            // fingerprint is not proof enough (the fingerprint samples the file): the chunks
            // the earlier run sent must still read the same, or it starts over.
            let mut resumed = jpath.as_deref().and_then(|j| resume_upload(j, size));
            if let Some((url, k, n, journal, macs)) = resumed.take() {
                let (f, sent) = (file.clone(), macs.clone());
                let same = tokio::task::spawn_blocking(move || {
                    sent_chunks_unchanged(&f, &k, &n, size, &sent)
                })
                .await
                .map_err(|e| api::Error::Io(std::io::Error::other(e.to_string())))?
                .map_err(local("read", path))?;
                if same {
                    resumed = Some((url, k, n, journal, macs));
                } else {
                    journal.remove();
                }
            }
            let (url, aes_key, nonce, journal, macs, fresh) = match resumed {
                Some((url, k, n, journal, macs)) => (url, k, n, Some(journal), macs, false),
                None => {
                    let aes_key: Key128 = rand::random();
                    let nonce: [u8; 8] = rand::random();
                    let url = client.upload_url(size).await?;
                    let journal = match &jpath {
                        Some(j) => {
                            let mut secret = aes_key.to_vec();
                            secret.extend_from_slice(&nonce);
                            let header =
                                format!("megash-upload 1 {size} {url} {}", b64::encode(&secret));
                            Some(Journal::create(j, &header).map_err(local("write", j))?)
                        }
                        None => None,
                    };
                    (url, aes_key, nonce, journal, ChunkMacs::new(size), true)
                }
            };
            let job = UploadJob {
                inner: self.inner.clone(),
                transport: client.data_transport()?,
                url,
                aes_key,
                nonce,
                size,
                file: file.clone(),
                path: path.to_path_buf(),
                journal: Arc::new(Mutex::new(journal)),
                macs: Arc::new(Mutex::new(macs)),
                progress: progress.clone(),
            };
            let macs = job.macs.clone();
            let journal = job.journal.clone();
            match self.spawn(job.run())?.join().await? {
                Ok(token) => {
                    let all = lock(&macs).complete().unwrap_or_default();
                    if let Some(j) = lock(&journal).take() {
                        j.remove();
                    }
                    let key = FileKey {
                        aes: aes_key,
                        nonce,
                        meta_mac: mac::condense(&aes_key, &all),
                    };
                    break (token, key);
                }
                // The server no longer knows this upload (or, resumed, never completed it):
                // start over with a new URL and key.
                Err(Error::Api(e)) if attempt < 3 && should_restart(&e, fresh) => {
                    if let Some(j) = lock(&journal).take() {
                        j.remove();
                    }
                    progress.restart(0);
                }
                Err(e) => return Err(e),
            }
        };
        let mut attributes = Map::new();
        attributes.insert("n".into(), Value::from(name));
        attributes.insert("c".into(), Value::from(fp));
        Ok(client
            .put_file_version(parent, &token, &key, &attributes, replaces)
            .await?)
    }
}

/// Does the file's meta-MAC match these chunk MACs? Empty files are not checked (clients
/// disagree on their MAC, protocol reference §6.3). megajs counts one extra, empty chunk
/// whenever the file's size rounded up to 16 bytes ends exactly on a chunk boundary (its MAC
/// state is pushed at the boundary and again at the end); files it uploaded carry that MAC,
/// so it is accepted too, for those sizes only.
fn mac_matches(key: &FileKey, size: u64, macs: Option<&[[u8; 16]]>) -> bool {
    if size == 0 {
        return true;
    }
    let Some(macs) = macs else {
        return false;
    };
    if mac::condense(&key.aes, macs) == key.meta_mac {
        return true;
    }
    let padded = size.div_ceil(16) * 16;
    if mac::chunk_at(padded).1 != padded {
        return false;
    }
    let mut with_empty = macs.to_vec();
    let mut nn = [0u8; 16];
    nn[..8].copy_from_slice(&key.nonce);
    nn[8..].copy_from_slice(&key.nonce);
    with_empty.push(nn);
    mac::condense(&key.aes, &with_empty) == key.meta_mac
}

/// Whether a failed upload attempt should start over: a resumed one on anything but a
/// network failure or the quota, a fresh one only when its URL failed or expired.
fn should_restart(e: &api::Error, fresh: bool) -> bool {
    let url_gone = matches!(
        e,
        api::Error::Mega(ErrorCode::EFailed | ErrorCode::EExpired)
            | api::Error::Http { status: 403 | 404 }
    );
    if fresh {
        return url_gone;
    }
    !matches!(
        e,
        api::Error::Network { .. } | api::Error::TransferQuota { .. }
    )
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Open (or create) the partial file and its journal; an unusable journal starts over.
fn open_part(
    part: &Path,
    jpath: &Path,
    header: &str,
    size: u64,
    mode: Option<u32>,
) -> Result<(std::fs::File, Option<Journal>, ChunkMacs)> {
    let resumed = if part.exists() {
        Journal::resume(jpath, header, size)
    } else {
        None
    };
    let (journal, macs, truncate) = match resumed {
        Some((j, m)) => (Some(j), m, false),
        None if size == 0 => (None, ChunkMacs::new(0), true),
        None => (
            Some(Journal::create(jpath, header).map_err(local("write", jpath))?),
            ChunkMacs::new(size),
            true,
        ),
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(truncate)
        .open(part)
        .map_err(local("create", part))?;
    // Set on the open file: exact (no umask), and before any byte is in it.
    #[cfg(unix)]
    if let Some(m) = mode {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(m))
            .map_err(local("create", part))?;
    }
    file.set_len(size).map_err(local("write", part))?;
    Ok((file, journal, macs))
}

/// Re-MAC the pieces an earlier attempt finished; returns the pieces still to fetch.
async fn verify_done(
    file: Arc<std::fs::File>,
    part: PathBuf,
    key: FileKey,
    pieces: Vec<Piece>,
    macs: Arc<Mutex<ChunkMacs>>,
    progress: Progress,
) -> Result<Vec<Piece>> {
    tokio::task::spawn_blocking(move || {
        use std::os::unix::fs::FileExt;
        let mut todo = Vec::new();
        let mut buf = Vec::new();
        for p in pieces {
            if !lock(&macs).has(p.first_chunk, p.chunks) {
                todo.push(p);
                continue;
            }
            buf.resize(p.len as usize, 0);
            file.read_exact_at(&mut buf, p.offset)
                .map_err(local("read", &part))?;
            let got = mac::chunk_macs(&key.aes, &key.nonce, p.offset, &buf);
            let mut m = lock(&macs);
            let want: Vec<[u8; 16]> = m.0[p.first_chunk..p.first_chunk + p.chunks]
                .iter()
                .flatten()
                .copied()
                .collect();
            if got == want {
                progress.add_resumed(p.len);
            } else {
                m.forget(p.first_chunk, p.chunks);
                todo.push(p);
            }
        }
        Ok(todo)
    })
    .await
    .map_err(|e| Error::Api(api::Error::Io(std::io::Error::other(e.to_string()))))?
}

/// The data phase of one download, run on the engine's runtime.
struct DownloadJob {
    inner: Arc<Inner>,
    transport: Arc<dyn Transport>,
    url: String,
    key: FileKey,
    file: Arc<std::fs::File>,
    part: PathBuf,
    journal: Arc<Mutex<Option<Journal>>>,
    macs: Arc<Mutex<ChunkMacs>>,
    progress: Progress,
    writing: Mutex<()>,
}

type Written = tokio::task::JoinHandle<Result<()>>;

impl DownloadJob {
    async fn run(self, todo: Vec<Piece>) -> Result<()> {
        let this = Arc::new(self);
        let todo = Arc::new(todo);
        let next = Arc::new(AtomicUsize::new(0));
        let own = Arc::new(Semaphore::new(kib(this.inner.config.max_in_flight) as usize));
        // Workers hand finished buffers to blocking MAC+write tasks and go on fetching; the
        // collector awaits those tasks so the first failure stops everything.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Written>();
        let mut workers = tokio::task::JoinSet::<Result<()>>::new();
        for _ in 0..this.inner.config.connections.max(1) {
            let (this, todo, next, own, tx) = (
                this.clone(),
                todo.clone(),
                next.clone(),
                own.clone(),
                tx.clone(),
            );
            workers.spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&p) = todo.get(i) else {
                        return Ok(());
                    };
                    this.inner.config.pace(p.len).await;
                    let Some(permits) = this.inner.reserve(&own, p.len).await else {
                        return Ok(());
                    };
                    let mut buf = this.inner.buffer(p.len);
                    api::data::fetch_piece(
                        &*this.transport,
                        &this.url,
                        &this.key,
                        p.offset,
                        &mut buf,
                        &this.inner.config.retry,
                        this.progress.moved(),
                    )
                    .await?;
                    let job = this.clone();
                    let h = tokio::task::spawn_blocking(move || {
                        let _permits = permits;
                        let r = job.finish_piece(p, &buf);
                        job.inner.give_back(buf);
                        r
                    });
                    if tx.send(h).is_err() {
                        return Ok(());
                    }
                }
            });
        }
        drop(tx);
        let collect = async {
            while let Some(h) = rx.recv().await {
                h.await.map_err(|e| {
                    Error::Api(api::Error::Io(std::io::Error::other(e.to_string())))
                })??;
            }
            Ok::<(), Error>(())
        };
        let fetch = async {
            while let Some(r) = workers.join_next().await {
                r.map_err(|e| Error::Api(api::Error::Io(std::io::Error::other(e.to_string()))))??;
            }
            Ok::<(), Error>(())
        };
        // The first error wins and drops the rest (the JoinSet aborts its workers).
        futures_util::future::try_join(fetch, collect).await?;
        Ok(())
    }

    /// MAC a received piece, write it in place, record it (blocking thread).
    fn finish_piece(&self, p: Piece, plain: &[u8]) -> Result<()> {
        use std::os::unix::fs::FileExt;
        let macs = mac::chunk_macs(&self.key.aes, &self.key.nonce, p.offset, plain);
        {
            // One writer at a time: parallel writes to one file contend on its inode lock,
            // and the kernel spins there (CPU spent for nothing); MACs stay parallel.
            let _one = lock(&self.writing);
            self.file
                .write_all_at(plain, p.offset)
                .map_err(local("write", &self.part))?;
        }
        lock(&self.macs).set(p.first_chunk, &macs);
        if let Some(j) = lock(&self.journal).as_mut() {
            j.record(p.offset, &macs)
                .map_err(local("write", &self.part))?;
        }
        Ok(())
    }
}

/// A journalled upload that can continue: URL, key, nonce, journal, chunk MACs done.
/// Whether every chunk an earlier run recorded as sent still has the MAC it was sent with.
fn sent_chunks_unchanged(
    file: &std::fs::File,
    key: &Key128,
    nonce: &[u8; 8],
    size: u64,
    macs: &ChunkMacs,
) -> std::io::Result<bool> {
    use std::os::unix::fs::FileExt;
    let mut buf = Vec::new();
    for (i, (offset, len)) in mac::chunks(size).enumerate() {
        let Some(Some(want)) = macs.0.get(i) else {
            continue;
        };
        buf.resize(len as usize, 0);
        file.read_exact_at(&mut buf, offset)?;
        if mac::chunk_mac(key, nonce, &buf) != *want {
            return Ok(false);
        }
    }
    Ok(true)
}

fn resume_upload(jpath: &Path, size: u64) -> Option<(String, Key128, [u8; 8], Journal, ChunkMacs)> {
    let text = std::fs::read_to_string(jpath).ok()?;
    let header = text.lines().next()?.to_string();
    let mut w = header.split(' ');
    if (w.next()?, w.next()?) != ("megash-upload", "1") {
        return None;
    }
    if w.next()?.parse::<u64>().ok()? != size {
        return None;
    }
    let url = w.next()?.to_string();
    let secret = b64::decode(w.next()?).ok()?;
    let aes_key: Key128 = secret.get(..16)?.try_into().ok()?;
    let nonce: [u8; 8] = secret.get(16..24)?.try_into().ok()?;
    let (journal, macs) = Journal::resume(jpath, &header, size)?;
    Some((url, aes_key, nonce, journal, macs))
}

/// The data phase of one upload, run on the engine's runtime.
struct UploadJob {
    inner: Arc<Inner>,
    transport: Arc<dyn Transport>,
    url: String,
    aes_key: Key128,
    nonce: [u8; 8],
    size: u64,
    file: Arc<std::fs::File>,
    path: PathBuf,
    journal: Arc<Mutex<Option<Journal>>>,
    macs: Arc<Mutex<ChunkMacs>>,
    progress: Progress,
}

type Prepared = tokio::task::JoinHandle<Result<(Piece, Vec<[u8; 16]>, Bytes, Permits)>>;
type Permits = (
    tokio::sync::OwnedSemaphorePermit,
    tokio::sync::OwnedSemaphorePermit,
);

impl UploadJob {
    /// Read, MAC and encrypt pieces ahead (in file order, on blocking threads) while the
    /// connections POST them; returns the completion token.
    async fn run(self) -> Result<String> {
        let this = Arc::new(self);
        if this.size == 0 {
            return api::data::post_piece(
                &*this.transport,
                &this.url,
                0,
                Bytes::new(),
                &this.inner.config.retry,
            )
            .await?
            .ok_or_else(|| api::Error::bad("a completion token for the empty file").into());
        }
        let all = plan::pieces(this.size, this.inner.config.request_size);
        let mut todo: Vec<Piece> = {
            let m = lock(&this.macs);
            all.iter()
                .copied()
                .filter(|p| !m.has(p.first_chunk, p.chunks))
                .collect()
        };
        let done_bytes: u64 = this.size - todo.iter().map(|p| p.len).sum::<u64>();
        if todo.is_empty() {
            // Everything was sent but the token was lost: the server answers it again for
            // a repeated piece.
            todo.extend(all.last().copied());
            this.progress
                .restart(done_bytes - all.last().map_or(0, |p| p.len));
        } else {
            this.progress.restart(done_bytes);
        }
        let conns = this.inner.config.connections.max(1);
        let (tx, rx) = tokio::sync::mpsc::channel::<Prepared>(conns);
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let own = Arc::new(Semaphore::new(kib(this.inner.config.max_in_flight) as usize));
        let producer = {
            let this = this.clone();
            async move {
                for p in todo {
                    let Some(permits) = this.inner.reserve(&own, p.len).await else {
                        return;
                    };
                    let job = this.clone();
                    let h = tokio::task::spawn_blocking(move || {
                        job.prepare(p).map(|(m, body)| (p, m, body, permits))
                    });
                    if tx.send(h).await.is_err() {
                        return;
                    }
                }
            }
        };
        let token: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        let mut workers = tokio::task::JoinSet::<Result<()>>::new();
        for _ in 0..conns {
            let (this, rx, token) = (this.clone(), rx.clone(), token.clone());
            workers.spawn(async move {
                loop {
                    let next = rx.lock().await.recv().await;
                    let Some(h) = next else {
                        return Ok::<(), Error>(());
                    };
                    let (p, macs, body, permits) = h.await.map_err(|e| {
                        Error::Api(api::Error::Io(std::io::Error::other(e.to_string())))
                    })??;
                    this.inner.config.pace(p.len).await;
                    let t = api::data::post_piece(
                        &*this.transport,
                        &this.url,
                        p.offset,
                        body,
                        &this.inner.config.retry,
                    )
                    .await?;
                    drop(permits);
                    lock(&this.macs).set(p.first_chunk, &macs);
                    if let Some(j) = lock(&this.journal).as_mut() {
                        j.record(p.offset, &macs)
                            .map_err(local("write", j.path().to_path_buf().as_path()))
                            .map_err(|e| match e {
                                Error::Local { source, what, .. } => Error::Local {
                                    what,
                                    path: PathBuf::from("the upload journal"),
                                    source,
                                },
                                other => other,
                            })?;
                    }
                    this.progress.fetch_add(p.len, Ordering::Relaxed);
                    if let Some(t) = t {
                        *lock(&token) = Some(t);
                    }
                }
            });
        }
        let fetch = async {
            while let Some(r) = workers.join_next().await {
                r.map_err(|e| Error::Api(api::Error::Io(std::io::Error::other(e.to_string()))))??;
            }
            Ok::<(), Error>(())
        };
        drop(rx);
        futures_util::future::try_join(fetch, async {
            producer.await;
            Ok(())
        })
        .await?;
        let t = lock(&token).take();
        t.ok_or_else(|| api::Error::bad("a completion token after the last piece").into())
    }

    /// Read a piece, MAC the plaintext, encrypt it in place (blocking thread).
    fn prepare(&self, p: Piece) -> Result<(Vec<[u8; 16]>, Bytes)> {
        use std::os::unix::fs::FileExt;
        let mut buf = self.inner.buffer(p.len);
        self.file
            .read_exact_at(&mut buf, p.offset)
            .map_err(local("read", &self.path))?;
        let macs = mac::chunk_macs(&self.aes_key, &self.nonce, p.offset, &buf);
        aes::ctr_apply(&self.aes_key, &self.nonce, p.offset, &mut buf);
        let body = Pooled {
            buf,
            home: Arc::downgrade(&self.inner),
        };
        Ok((macs, Bytes::from_owner(body)))
    }
}

/// A request body that goes back to the engine's buffer pool once the HTTP client (and any
/// retry) is done with it.
struct Pooled {
    buf: Vec<u8>,
    home: std::sync::Weak<Inner>,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(inner) = self.home.upgrade() {
            inner.give_back(std::mem::take(&mut self.buf));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_its_own_error() {
        let p = Path::new("/x/y");
        let full = local("write", p)(std::io::Error::from_raw_os_error(28));
        assert!(matches!(full, Error::DiskFull { .. }), "{full:?}");
        assert!(full.to_string().contains("partial file was removed"));
        let other = local("write", p)(std::io::Error::from_raw_os_error(13));
        assert!(matches!(other, Error::Local { .. }), "{other:?}");
    }

    #[test]
    fn megajs_mac_variant_only_at_chunk_boundaries() {
        let aes: Key128 = [3; 16];
        let nonce = [4u8; 8];
        for size in [1u64, 17, 131_071, 131_072, 131_073] {
            let data = vec![7u8; size as usize];
            let macs = mac::chunk_macs(&aes, &nonce, 0, &data);
            let standard = FileKey {
                aes,
                nonce,
                meta_mac: mac::condense(&aes, &macs),
            };
            assert!(mac_matches(&standard, size, Some(&macs)));
            let mut extra = macs.clone();
            let mut nn = [0u8; 16];
            nn[..8].copy_from_slice(&nonce);
            nn[8..].copy_from_slice(&nonce);
            extra.push(nn);
            let megajs = FileKey {
                meta_mac: mac::condense(&aes, &extra),
                ..standard
            };
            let boundary = size.div_ceil(16) * 16 == 131_072;
            assert_eq!(mac_matches(&megajs, size, Some(&macs)), boundary, "{size}");
        }
    }
}
