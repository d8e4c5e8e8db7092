//! What `get`, `put`, `cat` and `cp` with a local endpoint share: the transfer engine's
//! settings, the progress bar (indicatif, on stderr, only when it is a terminal), planning a
//! download or upload of files and folders (MEGAcmd's ` (N)` names, skipping files whose
//! fingerprint already matches) and running it with `Download finished: PATH` /
//! `Upload finished: PATH` lines on stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::context::block_on;
use super::remote;
use super::Ctx;
use crate::account::Account;
use crate::api::{Client, Handle, Node, NodeType};
use crate::crypto::keys::NodeKey;
use crate::error::CmdError;
use crate::graphics;
use crate::transfer::{self, Config, Engine, Progress};

pub use super::xfer_settings::Settings;

/// The saved transfer settings of this process's state directory.
pub fn settings(state: &super::State) -> Settings {
    Settings::load(state.state_dir.as_deref())
}

/// Save changed settings, and make this process follow them at once (every later command
/// reads them at its start, through [`apply_settings`]).
pub fn save_settings(state: &super::State, settings: &Settings) -> Result<(), CmdError> {
    let dir = state.state_dir()?;
    settings
        .save(dir.path())
        .map_err(|e| CmdError::io("save the settings", e))?;
    apply_settings(state, settings, crate::ui::debugging());
    Ok(())
}

/// What the settings change for every command: where logs go, which proxy requests use.
pub fn apply_settings(state: &super::State, settings: &Settings, debug: bool) {
    crate::ui::set_logging(debug, settings.file_log(state.state_dir.as_deref()));
    crate::api::proxy::configure(
        settings
            .proxy
            .as_ref()
            .map_or(crate::api::proxy::Configured::Environment, |p| p.choice()),
    );
}

/// An engine for one direction with the saved settings: connections per file (8 unless
/// `speedlimit --upload-connections/--download-connections` or `MEGASH_CONNECTIONS` say
/// otherwise) and the process-wide rate limit of that direction.
pub fn engine(state: &super::State, upload: bool) -> Result<Engine, CmdError> {
    engine_with(&settings(state), upload, None)
}

/// [`engine`] with given settings and an optional pause switch (background transfers).
pub fn engine_with(
    settings: &Settings,
    upload: bool,
    pause: Option<Arc<transfer::limit::Pause>>,
) -> Result<Engine, CmdError> {
    let mut config = Config {
        connections: settings.connections(upload),
        file_mode: Some(settings.file_mode()),
        pause,
        retry: crate::session::retry_config(),
        ..Config::default()
    };
    let limiter = settings.limiter(upload);
    if limiter.rate() > 0 {
        // Pieces no larger than a quarter second's worth keep the pace even.
        config.request_size = config.request_size.min((limiter.rate() / 4).max(1 << 17));
    }
    config.limit = Some(limiter);
    Engine::new(config).map_err(|e| transfer_error("start transfers", e))
}

/// Whether `-q` can queue in the background: only inside the interactive shell (one-shot
/// commands and batch mode have no process that outlives them: MEGAcmd's server). Otherwise
/// says so on stderr; the transfer then runs in the foreground.
pub fn can_queue(ctx: &mut Ctx<'_>, link: bool) -> bool {
    if !ctx.state.interactive {
        ctx.ui.warn(
            "-q: background transfers need the megash shell (there is no server); transferring in the foreground",
        );
        false
    } else if link {
        ctx.ui
            .warn("-q: links download in the foreground; transferring now");
        false
    } else {
        true
    }
}

/// Nodes a download had to leave out, each said on stderr; then the command fails.
pub fn unreadable_error(ctx: &mut Ctx<'_>, unreadable: &[String]) -> Result<(), CmdError> {
    if unreadable.is_empty() {
        return Ok(());
    }
    for u in unreadable {
        ctx.ui.warn(format_args!("skipped {u}"));
    }
    Err(CmdError::InvalidType(format!(
        "{} node(s) could not be downloaded (their names do not decrypt); everything else was",
        unreadable.len()
    )))
}

/// Ctrl-C during a transfer: say that the same command resumes it.
pub fn interrupted(e: CmdError) -> CmdError {
    match e {
        CmdError::Interrupted => CmdError::TransferInterrupted,
        other => other,
    }
}

/// A transfer failure as the command's error.
pub fn transfer_error(action: &str, e: transfer::Error) -> CmdError {
    match e {
        transfer::Error::Api(source) => CmdError::api(action, source),
        transfer::Error::Local { source, .. }
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            CmdError::BrokenPipe
        }
        other @ transfer::Error::Local { .. } => CmdError::Unexpected(other.to_string()),
        other @ transfer::Error::DiskFull { .. } => CmdError::Unexpected(other.to_string()),
    }
}

/// How progress is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Show {
    Nothing,
    /// indicatif, redrawn in place (stderr is a terminal).
    Bar,
    /// A plain status line every second (`--progress` with stderr not a terminal).
    Lines,
}

/// Progress fed by the engine's counters: a bar on a terminal, status lines with
/// `--progress`, nothing otherwise; and a closing summary line (size, time, average rate).
/// Rates count only the bytes this run moved, not those an interrupted run left verified.
pub struct Bar {
    show: Show,
    started: std::time::Instant,
    /// Bytes of files already finished, and of skipped files (folders: one bar in all).
    base: Arc<AtomicU64>,
    /// Of `base`, the bytes not moved by this run (skipped, or resumed).
    base_idle: Arc<AtomicU64>,
    current: Arc<Mutex<Progress>>,
    stop: Arc<AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
    bar: Option<indicatif::ProgressBar>,
}

/// Bytes done and bytes moved by this run, from the shared counters.
fn counts(base: &AtomicU64, idle: &AtomicU64, current: &Mutex<Progress>) -> (u64, u64) {
    let cur = lock(current).clone();
    let done = base.load(Ordering::Relaxed) + cur.load(Ordering::Relaxed);
    let idle = idle.load(Ordering::Relaxed) + cur.resumed();
    (done, done.saturating_sub(idle))
}

/// `12.0 MiB/s, ETA 3s` from what this run moved in `elapsed`.
fn rate_text(done: u64, moved: u64, total: u64, elapsed: std::time::Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if moved == 0 || secs < 0.2 {
        return "-- B/s, ETA --".to_string();
    }
    let rate = moved as f64 / secs;
    let eta = total.saturating_sub(done) as f64 / rate;
    format!(
        "{}/s, ETA {}",
        indicatif::BinaryBytes(rate as u64),
        indicatif::HumanDuration(std::time::Duration::from_secs_f64(eta.ceil()))
    )
}

impl Bar {
    pub fn new(total: u64) -> Bar {
        let show = if std::io::stderr().is_terminal() {
            Show::Bar
        } else if crate::ui::progress_forced() {
            Show::Lines
        } else {
            Show::Nothing
        };
        let mut bar = Bar {
            show,
            started: std::time::Instant::now(),
            base: Arc::new(AtomicU64::new(0)),
            base_idle: Arc::new(AtomicU64::new(0)),
            current: Arc::new(Mutex::new(Progress::default())),
            stop: Arc::new(AtomicBool::new(false)),
            ticker: None,
            bar: None,
        };
        let drawn = (show == Show::Bar).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "TRANSFERRING [{bar:30}] {bytes}/{total_bytes} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("#>-"),
            );
            b
        });
        if show != Show::Nothing {
            let (b, base, idle, current, stop, started) = (
                drawn.clone(),
                bar.base.clone(),
                bar.base_idle.clone(),
                bar.current.clone(),
                bar.stop.clone(),
                bar.started,
            );
            bar.ticker = Some(std::thread::spawn(move || {
                let mut last_line = std::time::Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    let (done, moved) = counts(&base, &idle, &current);
                    let rate = rate_text(done, moved, total, started.elapsed());
                    if let Some(b) = &b {
                        b.set_position(done);
                        b.set_message(rate);
                    } else if last_line.elapsed() >= std::time::Duration::from_secs(1) {
                        last_line = std::time::Instant::now();
                        eprintln!(
                            "Transferred: {} / {}, {}, {rate}",
                            indicatif::BinaryBytes(done),
                            indicatif::BinaryBytes(total),
                            crate::ui::size::percentage_to_text(done as f64 / total as f64),
                        );
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            }));
        }
        bar.bar = drawn;
        bar
    }

    /// The counter for the next file (the previous file's bytes move into the base).
    pub fn next_file(&self) -> Progress {
        let fresh = Progress::default();
        let old = std::mem::replace(&mut *lock(&self.current), fresh.clone());
        self.base
            .fetch_add(old.load(Ordering::Relaxed), Ordering::Relaxed);
        self.base_idle.fetch_add(old.resumed(), Ordering::Relaxed);
        fresh
    }

    /// Count bytes that need no transfer (skipped files).
    pub fn skip(&self, bytes: u64) {
        self.base.fetch_add(bytes, Ordering::Relaxed);
        self.base_idle.fetch_add(bytes, Ordering::Relaxed);
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }

    /// Stop drawing, print the `… finished` lines on stdout and, when progress was shown, the
    /// summary on stderr after them: `Downloaded 1.50 MiB in 0.4 s (3.75 MiB/s)`.
    pub fn finish(
        mut self,
        ui: &mut crate::ui::Ui,
        verb: &str,
        finished: impl IntoIterator<Item = String>,
    ) -> Result<(), CmdError> {
        self.halt();
        for line in finished {
            ui.line(line)?;
        }
        if let Some(summary) = self.summary(verb) {
            ui.info(summary);
        }
        Ok(())
    }

    fn summary(&self, verb: &str) -> Option<String> {
        if self.show == Show::Nothing {
            return None;
        }
        let (done, moved) = counts(&self.base, &self.base_idle, &self.current);
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { moved as f64 / secs } else { 0.0 };
        let mut line = format!(
            "{verb} {} in {secs:.1} s ({}/s)",
            indicatif::BinaryBytes(moved),
            indicatif::BinaryBytes(rate as u64)
        );
        if done > moved {
            line.push_str(&format!(
                "; {} were already there",
                indicatif::BinaryBytes(done - moved)
            ));
        }
        Some(line)
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.halt();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `name (1).ext`, `name (2).ext`... the first that does not exist (MEGAcmd's rule for a
/// different file already in the way; folders get `name (1)`).
pub fn free_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 && !path.is_dir() => (name[..i].to_string(), name[i..].to_string()),
        _ => (name.clone(), String::new()),
    };
    (1u32..)
        .map(|n| path.with_file_name(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists() && p.symlink_metadata().is_err())
        .unwrap_or_else(|| path.to_path_buf())
}

/// One file to download and where.
pub(super) struct Fetch {
    node: Node,
    pub(super) dest: PathBuf,
}

/// What a download will do: folders to create, files to fetch, in order.
#[derive(Default)]
pub(super) struct DownloadPlan {
    dirs: Vec<PathBuf>,
    pub(super) files: Vec<Fetch>,
    /// Files already there with the same fingerprint.
    pub(super) skipped: u64,
    /// `Download finished:` lines, one per top-level item.
    pub(super) finished: Vec<PathBuf>,
    /// Nodes inside the download that cannot be saved (their names do not decrypt).
    pub(super) unreadable: Vec<String>,
}

impl DownloadPlan {
    /// Bytes of the whole download, skipped files included.
    pub(super) fn total(&self) -> u64 {
        self.files.iter().map(|f| f.node.size).sum::<u64>() + self.skipped
    }
}

/// Where a file node lands when `dest` is its intended path: skip when the same file is
/// there, else the first free ` (N)` name.
pub fn place_file(node: &Node, dest: PathBuf) -> Result<Option<PathBuf>, CmdError> {
    if dest.symlink_metadata().is_err() {
        return Ok(Some(dest));
    }
    if dest.is_file() {
        if let (Some(want), Ok(have)) = (&node.fingerprint, transfer::local_fingerprint(&dest)) {
            if *want == have {
                return Ok(None);
            }
        }
    }
    Ok(Some(free_name(&dest)))
}

fn plan_node(
    acct: &Account,
    node: &Node,
    dest: PathBuf,
    merge: bool,
    plan: &mut DownloadPlan,
) -> Result<PathBuf, CmdError> {
    match node.kind {
        NodeType::File => match place_file(node, dest.clone())? {
            Some(d) => {
                plan.files.push(Fetch {
                    node: node.clone(),
                    dest: d.clone(),
                });
                Ok(d)
            }
            None => {
                plan.skipped += node.size;
                Ok(dest)
            }
        },
        _ => {
            let dir = if dest.exists() && !(merge && dest.is_dir()) {
                free_name(&dest)
            } else {
                dest
            };
            plan.dirs.push(dir.clone());
            for child in acct.cache.children(node.handle)? {
                let name = match local_name(&child) {
                    Ok(n) => n,
                    // Nothing readable to save: said, and the command fails at the end.
                    Err(e) => {
                        plan.unreadable.push(e.to_string());
                        continue;
                    }
                };
                // Inside a folder being merged, files follow the same skip/rename rule.
                plan_node(acct, &child, dir.join(&name), true, plan)?;
            }
            Ok(dir)
        }
    }
}

/// The local name for a node. Names from the network never escape the target folder: what
/// a local file system cannot hold is escaped as MEGA's SDK (and so MEGAcmd) does it: `/` and
/// NUL as `%2f` and `%00`, `.` and `..` as `%2e` and `%2e%2e`, an empty name as `BLANK`.
pub fn local_name(node: &Node) -> Result<String, CmdError> {
    match &node.name {
        Some(n) => Ok(escape_local_name(n)),
        None if node.kind == NodeType::Root => Ok("Cloud Drive".into()),
        None => Err(CmdError::InvalidType(format!(
            "H:{}: the node's name does not decrypt",
            node.handle
        ))),
    }
}

/// See [`local_name`].
fn escape_local_name(name: &str) -> String {
    match name {
        "" => "BLANK".into(),
        "." => "%2e".into(),
        ".." => "%2e%2e".into(),
        n => n.replace('/', "%2f").replace('\0', "%00"),
    }
}

/// Plan a download of `nodes` to `local` (a folder, or with one node a new path whose parent
/// exists; `None` = the current folder) and create its local folders.
pub(super) fn plan_download(
    ctx: &mut Ctx<'_>,
    nodes: &[Node],
    local: Option<&str>,
    merge: bool,
) -> Result<DownloadPlan, CmdError> {
    let plan = {
        let acct = ctx.synced()?;
        let mut plan = DownloadPlan::default();
        let target = super::local::download_target(local, nodes.len() == 1)?;
        for node in nodes {
            let dest = target.place(&local_name(node)?);
            let placed = plan_node(acct, node, dest, merge, &mut plan)?;
            plan.finished.push(placed);
        }
        plan
    };
    let mode = settings(ctx.state).folder_mode();
    for d in &plan.dirs {
        create_folder(d, mode)?;
    }
    Ok(plan)
}

/// Create a download's local folder (and missing parents) with mode `mode` (`permissions`);
/// folders that already exist keep theirs.
pub(super) fn create_folder(d: &Path, mode: u32) -> Result<(), CmdError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, mode);
    let existed = d.is_dir();
    b.create(d)
        .map_err(|e| CmdError::io(format!("create folder {}", d.display()), e))?;
    // The umask narrows the mode given at creation; the setting is what was asked for.
    #[cfg(unix)]
    if !existed {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(d, std::fs::Permissions::from_mode(mode));
    }
    Ok(())
}

/// Fetch the files of a download plan, one after the other; `next_file` hands out each
/// file's progress counter.
pub(super) async fn run_download(
    engine: &Engine,
    client: &Client,
    plan: &DownloadPlan,
    next_file: &dyn Fn() -> Progress,
) -> Result<(), CmdError> {
    // Small files go in batches that share their requests; the others one by one.
    let (small, large): (Vec<&Fetch>, Vec<&Fetch>) = plan
        .files
        .iter()
        .partition(|f| f.node.size <= transfer::SMALL_FILE);
    for batch in small.chunks(SMALL_BATCH) {
        let progress = next_file();
        let files: Vec<(Node, PathBuf)> = batch
            .iter()
            .map(|f| (f.node.clone(), f.dest.clone()))
            .collect();
        let results = engine
            .download_small(client, &files, &progress)
            .await
            .map_err(|e| transfer_error("download", e))?;
        for r in results {
            r.map_err(|e| transfer_error("download", e))?;
        }
    }
    for f in large {
        let progress = next_file();
        engine
            .download(client, &f.node, &f.dest, &progress)
            .await
            .map_err(|e| transfer_error("download", e))?;
    }
    Ok(())
}

/// Download `nodes` to `local` (a folder, or with one node a new path whose parent exists;
/// `None` = the current folder).
pub fn download(
    ctx: &mut Ctx<'_>,
    nodes: Vec<Node>,
    local: Option<&str>,
    merge: bool,
) -> Result<(), CmdError> {
    let engine = engine(ctx.state, false)?;
    let https = settings(ctx.state).https;
    let plan = plan_download(ctx, &nodes, local, merge)?;
    let bar = Bar::new(plan.total());
    bar.skip(plan.skipped);
    let rt = ctx.state.runtime()?;
    let acct = ctx.state.account.as_mut().ok_or(CmdError::NotLoggedIn)?;
    block_on(&rt, async {
        let client: &Client = acct.client().await?;
        client.set_transfer_https(https);
        run_download(&engine, client, &plan, &|| bar.next_file()).await
    })
    .map_err(interrupted)??;
    let lines = plan
        .finished
        .iter()
        .map(|p| format!("Download finished: {}", p.display()));
    bar.finish(ctx.ui, "Downloaded", lines)?;
    unreadable_error(ctx, &plan.unreadable)
}

/// One local file to upload and where.
struct Send {
    path: PathBuf,
    /// Remote folder: an existing handle, or the index of a folder created by this plan.
    parent: Parent,
    name: String,
    size: u64,
    /// The file of that name there, which this upload makes an older version of.
    replaces: Option<Handle>,
}

#[derive(Clone, Copy)]
enum Parent {
    Existing(Handle),
    New(usize),
}

/// A remote folder this upload creates.
struct NewFolder {
    parent: Parent,
    name: String,
}

#[derive(Default)]
pub(super) struct UploadPlan {
    folders: Vec<NewFolder>,
    files: Vec<Send>,
    pub(super) skipped: u64,
    pub(super) finished: Vec<String>,
    /// Make thumbnails and previews for images (`graphics`).
    graphics: bool,
}

impl UploadPlan {
    /// Bytes of the whole upload, skipped files included.
    pub(super) fn total(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum::<u64>() + self.skipped
    }
}

/// Where uploads go: an existing folder, or a new name for a single source.
pub enum RemoteTarget {
    Folder(Handle),
    /// Parent folder and the name to give the (single) source.
    Named(Handle, String),
}

/// Resolve `remote` (`None` = the current folder) for `put`/`cp`: an existing folder, a new
/// name in an existing folder (one source), or with `create` a new folder path.
pub fn remote_target(
    ctx: &mut Ctx<'_>,
    remote: Option<&str>,
    sources: usize,
    create: bool,
) -> Result<RemoteTarget, CmdError> {
    let acct = ctx.synced()?;
    let Some(path) = remote else {
        let cwd = acct
            .cwd_handle()?
            .ok_or_else(|| CmdError::NoFetch("no current folder".into()))?;
        return Ok(RemoteTarget::Folder(cwd));
    };
    match remote::resolve_one(acct, path) {
        Ok(n) if n.kind == NodeType::File => {
            if sources != 1 {
                return Err(CmdError::InvalidType(format!(
                    "{path} must be a valid folder"
                )));
            }
            let parent = n.parent.ok_or_else(|| remote::not_found(path))?;
            Ok(RemoteTarget::Named(
                parent,
                n.name.clone().unwrap_or_default(),
            ))
        }
        Ok(n) => Ok(RemoteTarget::Folder(n.handle)),
        Err(CmdError::NotFound(_)) => {
            let (parent, name) = remote::split_parent(path);
            let parent_node = if parent.is_empty() {
                acct.cwd()?
            } else {
                remote::resolve_one(acct, &parent).ok()
            };
            match parent_node {
                Some(p)
                    if p.kind != NodeType::File
                        && sources == 1
                        && !path.ends_with('/')
                        && !create =>
                {
                    Ok(RemoteTarget::Named(p.handle, name))
                }
                _ if create => {
                    let h = ctx.online(async |acct| {
                        let h = mkdir_p(acct, path).await?;
                        acct.refresh().await?;
                        Ok(h)
                    })?;
                    Ok(RemoteTarget::Folder(h))
                }
                _ => Err(CmdError::NotFound(format!(
                    "Couldn't find destination folder: {path}. Use -c to create folder structure"
                ))),
            }
        }
        Err(e) => Err(e),
    }
}

/// Create every missing folder of `path` (absolute or relative to the current folder).
async fn mkdir_p(acct: &mut Account, path: &str) -> Result<Handle, CmdError> {
    let mut at = if path.starts_with('/') {
        acct.cache
            .root_of(NodeType::Root)?
            .ok_or_else(|| CmdError::NoFetch("no Cloud Drive root".into()))?
            .handle
    } else {
        acct.cwd_handle()?
            .ok_or_else(|| CmdError::NoFetch("no current folder".into()))?
    };
    let parts: Vec<String> = crate::cache::split_path(path)
        .into_iter()
        .map(|c| c.text)
        .filter(|t| !t.is_empty() && t != ".")
        .collect();
    let mut created = false;
    for part in parts {
        if part == ".." {
            at = acct.cache.node(at)?.and_then(|n| n.parent).unwrap_or(at);
            continue;
        }
        let existing = if created {
            None
        } else {
            acct.cache
                .children_named(at, &part)?
                .into_iter()
                .find(|n| n.kind != NodeType::File)
        };
        at = match existing {
            Some(n) => n.handle,
            None => {
                created = true;
                let client = acct.client().await?;
                client
                    .create_folder(at, &part)
                    .await
                    .map_err(|e| CmdError::api("create folder", e))?
                    .handle
            }
        };
    }
    Ok(at)
}

fn plan_local(
    acct: &Account,
    path: &Path,
    parent: Parent,
    name: String,
    plan: &mut UploadPlan,
) -> Result<(), CmdError> {
    let meta = std::fs::metadata(path).map_err(|_| {
        CmdError::NotFound(format!("Unable to open local path: {}", path.display()))
    })?;
    // Existing remote children of an existing folder (created ones have none).
    let existing = |name: &str| -> Result<Vec<Node>, CmdError> {
        Ok(match parent {
            Parent::Existing(h) => acct.cache.children_named(h, name)?,
            Parent::New(_) => Vec::new(),
        })
    };
    if meta.is_dir() {
        let folder = existing(&name)?
            .into_iter()
            .find(|n| n.kind != NodeType::File);
        let me = match folder {
            Some(f) => Parent::Existing(f.handle),
            None => {
                plan.folders.push(NewFolder { parent, name });
                Parent::New(plan.folders.len() - 1)
            }
        };
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| CmdError::io(format!("read {}", path.display()), e))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let child = e.path();
            let cname = e.file_name().to_string_lossy().into_owned();
            let ft = e
                .file_type()
                .map_err(|err| CmdError::io(format!("read {}", child.display()), err))?;
            if ft.is_dir() || ft.is_file() || (ft.is_symlink() && child.exists()) {
                plan_local(acct, &child, me, cname, plan)?;
            }
        }
        return Ok(());
    }
    if !meta.is_file() {
        return Err(CmdError::InvalidType(format!(
            "{}: not a regular file or folder",
            path.display()
        )));
    }
    let fp = transfer::local_fingerprint(path).map_err(|e| transfer_error("read", e))?;
    let files: Vec<Node> = existing(&name)?
        .into_iter()
        .filter(|n| n.kind == NodeType::File)
        .collect();
    if files
        .iter()
        .any(|n| n.fingerprint.as_deref() == Some(fp.as_str()))
    {
        plan.skipped += meta.len();
    } else {
        // A file of that name gets a new version, as MEGA's own clients do (the SDK picks
        // the first file of the name).
        plan.files.push(Send {
            path: path.to_path_buf(),
            parent,
            name,
            size: meta.len(),
            replaces: files.first().map(|n| n.handle),
        });
    }
    Ok(())
}

/// The folder for upload journals (resumable uploads), created 0700.
pub(super) fn upload_journals(state: &super::State) -> Option<PathBuf> {
    let journals = state.state_dir.as_ref().map(|d| d.join("transfers"));
    if let Some(j) = &journals {
        let _ = std::fs::create_dir_all(j);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(j, std::fs::Permissions::from_mode(0o700));
        }
    }
    journals
}

/// Plan an upload of local `sources` into `target`.
pub(super) fn plan_upload(
    ctx: &mut Ctx<'_>,
    sources: &[PathBuf],
    target: &RemoteTarget,
) -> Result<UploadPlan, CmdError> {
    let graphics = settings(ctx.state).graphics();
    let acct = ctx.synced()?;
    let mut plan = UploadPlan {
        graphics,
        ..UploadPlan::default()
    };
    for src in sources {
        let (parent, name) = match target {
            RemoteTarget::Folder(h) => (*h, source_name(src)?),
            RemoteTarget::Named(h, n) => (*h, n.clone()),
        };
        plan_local(acct, src, Parent::Existing(parent), name, &mut plan)?;
        plan.finished.push(src.display().to_string());
    }
    Ok(plan)
}

/// Create the plan's folders and upload its files, one after the other.
pub(super) async fn run_upload(
    engine: &Engine,
    client: &Client,
    plan: &UploadPlan,
    journals: Option<&Path>,
    next_file: &dyn Fn() -> Progress,
) -> Result<(), CmdError> {
    let mut made: Vec<Handle> = Vec::new();
    let resolve = |p: Parent, made: &[Handle]| match p {
        Parent::Existing(h) => h,
        Parent::New(i) => made[i],
    };
    for f in &plan.folders {
        let parent = resolve(f.parent, &made);
        let n = client
            .create_folder(parent, &f.name)
            .await
            .map_err(|e| CmdError::api("create folder", e))?;
        made.push(n.handle);
    }
    // Small files go in batches that share their requests; the others one by one.
    let (small, large): (Vec<&Send>, Vec<&Send>) = plan
        .files
        .iter()
        .partition(|f| f.size <= transfer::SMALL_FILE);
    for batch in small.chunks(SMALL_BATCH) {
        let progress = next_file();
        let files: Vec<transfer::SmallFile> = batch
            .iter()
            .map(|f| transfer::SmallFile {
                path: f.path.clone(),
                parent: resolve(f.parent, &made),
                name: f.name.clone(),
                replaces: f.replaces,
                progress: progress.clone(),
            })
            .collect();
        let results = engine
            .upload_small(client, &files)
            .await
            .map_err(|e| transfer_error("upload", e))?;
        for (f, r) in batch.iter().zip(results) {
            let node = r.map_err(|e| transfer_error("upload", e))?;
            if plan.graphics && graphics::is_image_name(&f.name) {
                if let Err(e) = attach_pictures(client, &node, &f.path).await {
                    log::warn!("no thumbnail for {}: {e}", f.name);
                }
            }
        }
    }
    for f in large {
        let progress = next_file();
        let node = engine
            .upload_version(
                client,
                &f.path,
                resolve(f.parent, &made),
                &f.name,
                f.replaces,
                journals,
                &progress,
            )
            .await
            .map_err(|e| transfer_error("upload", e))?;
        if plan.graphics && graphics::is_image_name(&f.name) {
            // Best effort, as in MEGA's apps: the file is uploaded whatever happens here.
            if let Err(e) = attach_pictures(client, &node, &f.path).await {
                log::warn!("no thumbnail for {}: {e}", f.name);
            }
        }
    }
    Ok(())
}

/// Small files per batch: enough that the per-request cost vanishes, few enough that memory
/// stays small (at most 64 MiB of them in flight).
const SMALL_BATCH: usize = 64;

/// Make the thumbnail and preview of image `local`, upload them (`ufa`) and attach them to
/// `node` (`pfa`).
pub(super) async fn attach_pictures(
    client: &Client,
    node: &Node,
    local: &Path,
) -> Result<(), CmdError> {
    let Some(NodeKey::File(key)) = node.key else {
        return Ok(());
    };
    let path = local.to_path_buf();
    let made = tokio::task::spawn_blocking(move || {
        let img = graphics::load(&path)?;
        Ok::<_, graphics::GraphicsError>((graphics::thumbnail(&img)?, graphics::preview(&img)?))
    })
    .await
    .map_err(|e| CmdError::Unexpected(e.to_string()))?;
    let (thumb, preview) = made.map_err(|e| CmdError::InvalidType(e.to_string()))?;
    let t = client
        .upload_file_attribute(&key, &thumb)
        .await
        .map_err(|e| CmdError::api("upload the thumbnail", e))?;
    let p = client
        .upload_file_attribute(&key, &preview)
        .await
        .map_err(|e| CmdError::api("upload the preview", e))?;
    client
        .attach_file_attributes(node.handle, &format!("0*{t}/1*{p}"))
        .await
        .map_err(|e| CmdError::api("attach the thumbnail", e))?;
    Ok(())
}

/// Upload local `sources` into `target`.
pub fn upload(
    ctx: &mut Ctx<'_>,
    sources: &[PathBuf],
    target: RemoteTarget,
) -> Result<(), CmdError> {
    let engine = engine(ctx.state, true)?;
    let https = settings(ctx.state).https;
    let journals = upload_journals(ctx.state);
    let plan = plan_upload(ctx, sources, &target)?;
    let bar = Bar::new(plan.total());
    bar.skip(plan.skipped);
    let rt = ctx.state.runtime()?;
    let acct = ctx.state.account.as_mut().ok_or(CmdError::NotLoggedIn)?;
    block_on(&rt, async {
        {
            let client: &Client = acct.client().await?;
            client.set_transfer_https(https);
            run_upload(&engine, client, &plan, journals.as_deref(), &|| {
                bar.next_file()
            })
            .await?;
        }
        acct.refresh().await?;
        Ok::<(), CmdError>(())
    })
    .map_err(interrupted)??;
    let lines = plan
        .finished
        .iter()
        .map(|p| format!("Upload finished: {p}"));
    bar.finish(ctx.ui, "Uploaded", lines)
}

/// The remote name of a local source (its last component, `.`/`..` resolved).
fn source_name(p: &Path) -> Result<String, CmdError> {
    let abs = std::fs::canonicalize(p)
        .map_err(|_| CmdError::NotFound(format!("Unable to open local path: {}", p.display())))?;
    abs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| CmdError::Args(format!("{}: has no name to upload as", p.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_follow_megacmd() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.txt");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(free_name(&f), d.path().join("a (1).txt"));
        std::fs::write(d.path().join("a (1).txt"), "x").unwrap();
        assert_eq!(free_name(&f), d.path().join("a (2).txt"));
        let dir = d.path().join("dir.v2");
        std::fs::create_dir(&dir).unwrap();
        assert_eq!(free_name(&dir), d.path().join("dir.v2 (1)"));
        let dot = d.path().join(".hidden");
        std::fs::write(&dot, "x").unwrap();
        assert_eq!(free_name(&dot), d.path().join(".hidden (1)"));
    }
}
