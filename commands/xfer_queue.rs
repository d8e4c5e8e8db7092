//! Background transfers of the shell (`get -q`, `put -q`): each runs on its own thread with
//! its own runtime, engine and API client (made from the saved session, no round trip), and is
//! registered here under a tag for `transfers` to list, pause, resume and cancel. The shell
//! returns to the prompt at once; nothing is printed when they end (`transfers
//! --show-completed` shows how they ended). A cancelled download leaves no partial file.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::xfer::{self, DownloadPlan, UploadPlan};
use super::Ctx;
use crate::api::Client;
use crate::error::CmdError;
use crate::transfer::limit::Pause;
use crate::transfer::Progress;

/// How a background transfer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Queued,
    Active,
    Completed,
    Cancelled,
    Failed,
}

/// One background transfer.
pub struct Entry {
    pub tag: u32,
    pub upload: bool,
    pub source: String,
    pub dest: String,
    /// Bytes in all, skipped files included.
    pub total: u64,
    base: AtomicU64,
    current: Mutex<Progress>,
    phase: Mutex<Phase>,
    error: Mutex<Option<String>>,
    pause: Arc<Pause>,
    cancel: tokio::sync::watch::Sender<bool>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

static REGISTRY: Mutex<Vec<Arc<Entry>>> = Mutex::new(Vec::new());
static NEXT_TAG: AtomicU32 = AtomicU32::new(1);

impl Entry {
    /// Bytes moved (or skipped) so far.
    pub fn done(&self) -> u64 {
        (self.base.load(Ordering::Relaxed) + lock(&self.current).load(Ordering::Relaxed))
            .min(self.total)
    }

    pub fn phase(&self) -> Phase {
        *lock(&self.phase)
    }

    /// MEGAcmd's state word.
    pub fn state(&self) -> &'static str {
        match self.phase() {
            // Paused before its thread got going, it is paused all the same.
            Phase::Queued | Phase::Active if self.pause.is_paused() => "PAUSED",
            Phase::Queued => "QUEUED",
            Phase::Active => "ACTIVE",
            Phase::Completed => "COMPLETED",
            Phase::Cancelled => "CANCELLED",
            Phase::Failed => "FAILED",
        }
    }

    /// Why it failed, if it did.
    pub fn error(&self) -> Option<String> {
        lock(&self.error).clone()
    }

    /// Still running (queued, active or paused)?
    pub fn running(&self) -> bool {
        matches!(self.phase(), Phase::Queued | Phase::Active)
    }

    pub fn set_paused(&self, paused: bool) {
        self.pause.set(paused);
    }

    /// Stop it, wait until its thread has cleaned up (partial files removed).
    pub fn cancel(&self) {
        self.cancel.send_replace(true);
        let t = lock(&self.thread).take();
        if let Some(t) = t {
            let _ = t.join();
        }
    }

    fn next_file(&self) -> Progress {
        let fresh = Progress::default();
        let old = std::mem::replace(&mut *lock(&self.current), fresh.clone());
        self.base
            .fetch_add(old.load(Ordering::Relaxed), Ordering::Relaxed);
        fresh
    }

    fn finish(&self, phase: Phase, error: Option<String>) {
        *lock(&self.error) = error;
        *lock(&self.phase) = phase;
    }
}

/// Every background transfer of this process, oldest first.
pub fn entries() -> Vec<Arc<Entry>> {
    lock(&REGISTRY).clone()
}

/// An API client of its own for a background thread (the account's stays with the shell).
fn detached_client(ctx: &mut Ctx<'_>, https: bool) -> Result<Client, CmdError> {
    let acct = ctx.account()?;
    let url = crate::session::api_url(Some(&acct.saved))?;
    let client = crate::session::client_for(&url)?;
    if let Some(link) = &acct.saved.link {
        client.open_folder_link(&link.public_handle, link.key);
    } else {
        let mut s = acct.saved.session.clone();
        s.api_url = url;
        client.adopt(&s);
        client.add_share_keys(acct.cache.share_keys()?);
    }
    // Files put into shared folders need their `cr` keys, as in the foreground.
    acct.install_share_resolver(&client);
    client.set_transfer_https(https);
    Ok(client)
}

fn register(upload: bool, source: String, dest: String, total: u64, skipped: u64) -> Arc<Entry> {
    let entry = Arc::new(Entry {
        tag: NEXT_TAG.fetch_add(1, Ordering::Relaxed),
        upload,
        source,
        dest,
        total,
        base: AtomicU64::new(skipped),
        current: Mutex::new(Progress::default()),
        phase: Mutex::new(Phase::Queued),
        error: Mutex::new(None),
        pause: Arc::new(Pause::default()),
        cancel: tokio::sync::watch::channel(false).0,
        thread: Mutex::new(None),
    });
    lock(&REGISTRY).push(entry.clone());
    entry
}

/// Run `job` on a thread of its own for `entry`; `on_cancel` cleans up after a cancel.
fn start<F>(
    entry: Arc<Entry>,
    job: impl FnOnce(Arc<Entry>) -> F + Send + 'static,
    on_cancel: impl FnOnce() + Send + 'static,
) -> Result<(), CmdError>
where
    F: std::future::Future<Output = Result<(), CmdError>>,
{
    let e = entry.clone();
    let thread = std::thread::Builder::new()
        .name(format!("megash-transfer-{}", entry.tag))
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(err) => return e.finish(Phase::Failed, Some(err.to_string())),
            };
            let mut cancelled = e.cancel.subscribe();
            *lock(&e.phase) = Phase::Active;
            let out = rt.block_on(async {
                tokio::select! {
                    r = job(e.clone()) => Some(r),
                    _ = cancelled.wait_for(|c| *c) => None,
                }
            });
            match out {
                Some(Ok(())) => e.finish(Phase::Completed, None),
                Some(Err(err)) => e.finish(Phase::Failed, Some(err.to_string())),
                None => {
                    on_cancel();
                    e.finish(Phase::Cancelled, None);
                }
            }
        })
        .map_err(|err| CmdError::io("start a background transfer", err))?;
    *lock(&entry.thread) = Some(thread);
    Ok(())
}

/// Queue a planned download; returns its tag.
pub(super) fn queue_download(
    ctx: &mut Ctx<'_>,
    plan: DownloadPlan,
    source: String,
) -> Result<u32, CmdError> {
    let settings = xfer::settings(ctx.state);
    let client = detached_client(ctx, settings.https)?;
    let entry = register(
        false,
        source,
        plan.finished
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        plan.total(),
        plan.skipped,
    );
    let engine = xfer::engine_with(&settings, false, Some(entry.pause.clone()))?;
    let plan = Arc::new(plan);
    let dests: Vec<PathBuf> = plan.files.iter().map(|f| f.dest.clone()).collect();
    let tag = entry.tag;
    start(
        entry,
        move |e| async move { xfer::run_download(&engine, &client, &plan, &|| e.next_file()).await },
        move || {
            for d in &dests {
                crate::transfer::discard_partial(d);
            }
        },
    )?;
    Ok(tag)
}

/// Queue a planned upload; returns its tag.
pub(super) fn queue_upload(
    ctx: &mut Ctx<'_>,
    plan: UploadPlan,
    source: String,
    dest: String,
) -> Result<u32, CmdError> {
    let settings = xfer::settings(ctx.state);
    let client = detached_client(ctx, settings.https)?;
    let journals = xfer::upload_journals(ctx.state);
    let entry = register(true, source, dest, plan.total(), plan.skipped);
    let engine = xfer::engine_with(&settings, true, Some(entry.pause.clone()))?;
    let tag = entry.tag;
    start(
        entry,
        move |e| async move {
            xfer::run_upload(&engine, &client, &plan, journals.as_deref(), &|| {
                e.next_file()
            })
            .await
        },
        || {},
    )?;
    Ok(tag)
}
