//! One pass of a sync: both sides scanned and compared with the last synced state of each
//! path (the store), renames and moves carried over as renames and moves, then every other
//! difference turned into one action — create a folder, upload, download, or move to the
//! debris — or into a stalled path when both sides changed or a side cannot hold it.
//!
//! Crash safety comes from the order: a path's synced state is written only after its action
//! completed, and a pass that finds both sides agreeing on a path it has no record of just
//! records it. A pass killed anywhere therefore repeats at most the action in flight (an
//! upload resumes from its journal), never duplicates a node, and never deletes: a deletion
//! needs a record saying both sides had the item, and one side no longer has it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::ignore::{self, Filters};
use super::scan::{self, LocalEntry, RemoteEntry, Side};
use super::store::{Direction, Issue, Status, Store, SyncConfig, Synced};
use super::{Result, SyncError};
use crate::account::Account;
use crate::api::{Client, Handle, Node, NodeType};
use crate::transfer::{self, Engine, SmallFile, SMALL_FILE};

/// The cloud's debris folder, in the rubbish bin (MEGA's place).
pub const REMOTE_DEBRIS: &str = "SyncDebris";

/// Something a pass did, for the engine's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The sync's ID.
    pub sync: String,
    /// `upload`, `download`, `mkdir-cloud`, `mkdir-local`, `rename-cloud`, `rename-local`,
    /// `debris-cloud`, `debris-local`, `stall`, `error`.
    pub action: &'static str,
    /// The path below the sync root.
    pub path: String,
    /// More (the new path of a rename, the reason of a stall, an error).
    pub detail: String,
}

/// What a pass came to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Actions carried out (transfers, folders, moves, debris).
    pub actions: usize,
    /// Local files still being written, left for a later pass.
    pub deferred: usize,
    /// Paths stalled (see `sync-issues`).
    pub issues: usize,
    /// Actions that failed (retried by the next pass).
    pub errors: usize,
}

impl Outcome {
    /// Nothing was left to do: both sides agree on every path that is not stalled.
    pub fn quiet(&self) -> bool {
        self.actions == 0 && self.deferred == 0 && self.errors == 0
    }
}

/// What a pass works with.
pub struct Pass<'a> {
    pub account: &'a mut Account,
    /// Transfers each way (each with its direction's speed limit).
    pub uploads: &'a Engine,
    pub downloads: &'a Engine,
    pub store: &'a Store,
    /// Where interrupted uploads keep their journals (so they resume across restarts).
    pub journals: Option<PathBuf>,
    /// A local file modified more recently than this is still being written: it waits.
    pub settle: Duration,
    /// Set to stop between actions (the engine's shutdown).
    pub stop: Arc<AtomicBool>,
    /// Gets every action as it is done.
    pub log: &'a mut dyn FnMut(Event),
    /// The byte counter the transfer engine wants (nobody reads it yet).
    progress: transfer::Progress,
    /// The stalls recorded by the previous pass (path, reason): logged only when new.
    known_stalls: HashSet<(String, String)>,
}

impl<'a> Pass<'a> {
    /// A pass with the engine's settings.
    pub fn new(
        account: &'a mut Account,
        engines: (&'a Engine, &'a Engine),
        store: &'a Store,
        opts: &super::Options,
        stop: Arc<AtomicBool>,
        log: &'a mut dyn FnMut(Event),
    ) -> Pass<'a> {
        Pass {
            account,
            uploads: engines.0,
            downloads: engines.1,
            store,
            journals: opts.journals.clone(),
            settle: opts.settle,
            stop,
            log,
            progress: Default::default(),
            known_stalls: HashSet::new(),
        }
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

fn name_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

fn under(path: &str, prefix: &str) -> bool {
    path.len() > prefix.len() && path.starts_with(prefix) && path.as_bytes()[prefix.len()] == b'/'
}

/// How long a file may keep changing before it is listed by `sync-issues`
/// (`MEGASH_SYNC_BUSY_MS`, default 5 minutes).
fn busy_limit() -> Duration {
    Duration::from_millis(
        std::env::var("MEGASH_SYNC_BUSY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300_000),
    )
}

/// Deletions within this window add up against the deletion limit.
const DELETION_WINDOW_SECS: i64 = 600;

/// Whether everything below `path` on one side has a record and is unchanged since it.
fn subtree_unchanged<T>(
    side: &BTreeMap<String, T>,
    synced: &BTreeMap<String, Synced>,
    path: &str,
    changed: fn(&T, &Synced) -> bool,
) -> bool {
    side.range(format!("{path}/")..)
        .take_while(|(p, _)| under(p, path))
        .all(|(p, e)| synced.get(p).is_some_and(|s| !changed(e, s)))
}

/// Whether `path` and everything below it are the same in `a` and `b`.
fn same_subtree<T: PartialEq>(
    a: &BTreeMap<String, T>,
    b: &BTreeMap<String, T>,
    path: &str,
) -> bool {
    let below = |m: &BTreeMap<String, T>| {
        m.range(format!("{path}/")..)
            .take_while(|(q, _)| under(q, path))
            .count()
    };
    a.get(path) == b.get(path)
        && below(a) == below(b)
        && a.range(format!("{path}/")..)
            .take_while(|(q, _)| under(q, path))
            .all(|(q, v)| b.get(q) == Some(v))
}

/// How many entries at `path` and below it are files.
fn files_at<T>(map: &BTreeMap<String, T>, path: &str, is_file: impl Fn(&T) -> bool) -> usize {
    let own = map.get(path).is_some_and(&is_file);
    let below = map
        .range(format!("{path}/")..)
        .take_while(|(q, _)| under(q, path))
        .filter(|(_, v)| is_file(v))
        .count();
    usize::from(own) + below
}

/// Whether a proper ancestor of `path` is in `set`.
fn below_any<S: std::borrow::Borrow<str> + std::hash::Hash + Eq>(
    path: &str,
    set: &HashSet<S>,
) -> bool {
    !set.is_empty()
        && path
            .match_indices('/')
            .any(|(i, _)| set.contains(&path[..i]))
}

fn local_changed(l: &LocalEntry, s: &Synced) -> bool {
    l.dir != s.dir || (!l.dir && (l.size != s.size || l.mtime != s.mtime))
}

fn remote_changed(r: &RemoteEntry, s: &Synced) -> bool {
    r.dir() != s.dir || r.handle.to_b64() != s.handle
}

fn synced_with(l: &LocalEntry, handle: Handle, fp: Option<&str>) -> Synced {
    Synced {
        dir: l.dir,
        size: l.size,
        mtime: l.mtime,
        ino: l.ino,
        dev: l.dev,
        handle: handle.to_b64(),
        fp: fp.unwrap_or_default().to_string(),
    }
}

fn synced_of(l: &LocalEntry, node: &Node) -> Synced {
    synced_with(l, node.handle, node.fingerprint.as_deref())
}

fn synced_remote(l: &LocalEntry, r: &RemoteEntry) -> Synced {
    synced_with(l, r.handle, r.fingerprint.as_deref())
}

/// One planned action.
#[derive(Debug)]
enum Act {
    Record,
    Forget,
    /// `replaces`: the cloud file it is a new version of. `debris_first`: a cloud file to
    /// move to the debris before (a mirror replacing an edit made in the cloud).
    Upload {
        replaces: Option<Handle>,
        debris_first: Option<Handle>,
    },
    MkdirRemote,
    Download,
    MkdirLocal,
    DeleteRemote,
    DeleteLocal,
    Conflict(&'static str, &'static str),
    Defer,
}

const BOTH_CHANGED: (&str, &str) = (
    "changed on both sides since the last sync",
    "keep the one you want: remove or rename the other side's copy (both are kept until then)",
);
const NEVER_SYNCED: (&str, &str) = (
    "different files on both sides, never synced before",
    "keep the one you want: remove or rename the other side's copy (both are kept until then)",
);
const KIND_CLASH: (&str, &str) = (
    "a file on one side is a folder on the other",
    "rename one of them",
);

impl Pass<'_> {
    fn event(&mut self, sync: &SyncConfig, action: &'static str, path: &str, detail: String) {
        (self.log)(Event {
            sync: sync.id.clone(),
            action,
            path: path.to_string(),
            detail,
        });
    }

    /// Log a stall once, when it is new (a pass repeats its stalls every time it runs).
    fn stall_event(&mut self, sync: &SyncConfig, path: &str, reason: String) {
        if !self
            .known_stalls
            .contains(&(path.to_string(), reason.clone()))
        {
            self.event(sync, "stall", path, reason);
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Run one pass of `sync`.
    pub async fn run(&mut self, sync: &SyncConfig) -> Result<Outcome> {
        // Whatever a killed engine left listed is not under way any more.
        self.store.transfers_done(&sync.id, None)?;
        self.known_stalls = self
            .store
            .issues(Some(&sync.id))?
            .into_iter()
            .map(|i| (i.path, i.reason))
            .collect();
        self.account.refresh().await?;
        let mut outcome = Outcome::default();
        let mut issues: Vec<Issue> = Vec::new();
        let stall = |issues: &mut Vec<Issue>, path: &str, reason: &str, advice: &str| {
            issues.push(Issue {
                sync: sync.id.clone(),
                path: path.to_string(),
                reason: reason.to_string(),
                advice: advice.to_string(),
                since: now_secs(),
            });
        };
        // The roots first: a missing one stalls the whole sync, and nothing is touched.
        let root_problem = self.root_problem(sync)?;
        if let Some((reason, advice)) = root_problem {
            stall(&mut issues, "", &reason, advice);
            return self.finish(sync, issues, outcome, None);
        }
        let remote_root = Handle::from_b64(&sync.remote).map_err(|_| SyncError::BadConfig)?;
        let filters = match std::fs::read_to_string(sync.local.join(ignore::FILE_NAME)) {
            Ok(text) => {
                let (f, bad) = Filters::parse(&text);
                for b in bad {
                    stall(
                        &mut issues,
                        ignore::FILE_NAME,
                        &format!("line {} is not a rule: {} ({})", b.line, b.text, b.why),
                        "fix or remove the line (sync-ignore --show lists the rules)",
                    );
                }
                f
            }
            Err(_) => Filters::default(),
        };
        let mut rounds = 0;
        let (mut local, mut remote, mut synced);
        loop {
            local = scan::local(&sync.local, &filters).map_err(|e| SyncError::Io {
                what: "read",
                path: sync.local.clone(),
                source: e,
            })?;
            remote = scan::remote(&self.account.cache, remote_root, &filters)?;
            synced = self.store.synced(&sync.id)?;
            // Moves change both sides: scan again after them (twice at most).
            if rounds == 2 {
                break;
            }
            rounds += 1;
            if !self
                .moves(sync, &local, &remote, &synced, &mut outcome, &mut issues)
                .await?
            {
                break;
            }
            self.account.refresh().await?;
        }
        for p in local.problems.iter().chain(&remote.problems) {
            stall(&mut issues, &p.path, &p.reason, &p.advice);
        }
        // An unmounted drive leaves an empty folder, or another device, at the mount point:
        // the whole sync waits rather than taking everything for deleted.
        let synced_any = synced.values().any(|s| !s.dir);
        if let Some((reason, advice)) = self.emptied(sync, &local, &remote, &synced, synced_any) {
            self.stall_event(sync, "", reason.clone());
            stall(&mut issues, "", &reason, advice);
            return self.finish(sync, issues, outcome, Some((&local, &remote)));
        }
        let blocked: Vec<String> = issues.iter().map(|i| i.path.clone()).collect();
        let plan = self.plan(sync, &local, &remote, &synced, &blocked)?;
        let mut acts = Vec::new();
        let mut busy = Vec::new();
        for (path, act) in plan {
            match act {
                Act::Conflict(reason, advice) => {
                    self.stall_event(sync, &path, reason.into());
                    stall(&mut issues, &path, reason, advice);
                }
                Act::Defer => {
                    outcome.deferred += 1;
                    busy.push(path);
                }
                other => acts.push((path, other)),
            }
        }
        // A file written to for longer than the busy limit is listed (it still goes up as
        // soon as it is left alone).
        let busy_since = self.store.set_busy(&sync.id, &busy)?;
        let limit = busy_limit().as_secs() as i64;
        for (path, since) in busy_since {
            if now_secs() - since >= limit {
                stall(
                    &mut issues,
                    &path,
                    &format!("the file keeps changing (for {} s)", now_secs() - since),
                    "it is uploaded once it has been left alone for a moment; close the program writing it, or exclude it in .megaignore",
                );
            }
        }
        // The deletion limit: a wiped or unmounted folder must never empty the other side.
        let synced_files = synced.values().filter(|s| !s.dir).count();
        let deletes: usize = acts
            .iter()
            .filter(|(_, a)| matches!(a, Act::DeleteLocal | Act::DeleteRemote))
            .map(|(p, a)| {
                // The files that go, as recorded, and as found on the side they go from (a
                // mirror also removes what was never synced).
                let recorded = files_at(&synced, p, |s: &Synced| !s.dir);
                let found = match a {
                    Act::DeleteLocal => files_at(&local.entries, p, |l: &LocalEntry| !l.dir),
                    _ => files_at(&remote.entries, p, |r: &RemoteEntry| !r.dir()),
                };
                recorded.max(found).max(1)
            })
            .sum();
        // Mirrors also delete what was never synced (the other side's extras): measured
        // against the larger side then.
        let files = |n: usize| synced_files.max(n);
        let total = files(local.entries.values().filter(|l| !l.dir).count())
            .max(files(remote.entries.values().filter(|r| !r.dir()).count()));
        // Deletions of the last passes count too: a wipe that passes see a slice at a time
        // (a slow rm -rf, a dying disk) adds up against what there was before it.
        let recent = self
            .store
            .recent_deletions(&sync.id, now_secs() - DELETION_WINDOW_SECS)?;
        if sync.max_delete < 100
            && deletes >= 2
            && (deletes + recent) * 100 > sync.max_delete as usize * (total + recent)
        {
            acts.retain(|(_, a)| !matches!(a, Act::DeleteLocal | Act::DeleteRemote));
            let reason = if recent > 0 {
                format!(
                    "this pass would delete {deletes} more synced files after {recent} in the last {} minutes, more than the limit of {}% of {}",
                    DELETION_WINDOW_SECS / 60,
                    sync.max_delete,
                    total + recent
                )
            } else {
                format!(
                    "this pass would delete {deletes} of the {total} synced files, more than the limit of {}%",
                    sync.max_delete
                )
            };
            self.stall_event(sync, "", reason.clone());
            stall(
                &mut issues,
                "",
                &reason,
                "if the folder was unmounted or emptied by mistake, put the files back; if the deletions are wanted, raise the limit: sync --max-delete=100% ID (nothing else is held back)",
            );
        }
        let deleting = acts
            .iter()
            .any(|(_, a)| matches!(a, Act::DeleteLocal | Act::DeleteRemote));
        self.execute(sync, acts, &local, &remote, &filters, &mut outcome)
            .await?;
        if deleting {
            self.store.record_deletions(&sync.id, deletes)?;
        }
        self.finish(sync, issues, outcome, Some((&local, &remote)))
    }

    /// Why a side looks wiped out (empty, or the local folder on another device), if it does.
    fn emptied(
        &self,
        sync: &SyncConfig,
        local: &Side<LocalEntry>,
        remote: &Side<RemoteEntry>,
        synced: &BTreeMap<String, Synced>,
        synced_any: bool,
    ) -> Option<(String, &'static str)> {
        const ADVICE: &str = "if the drive is unmounted, mount it; if everything was deleted on purpose, remove the sync (sync -d ID) and add it again";
        if !synced_any || sync.max_delete >= 100 {
            return None;
        }
        let dev = std::fs::metadata(&sync.local)
            .ok()
            .map(|m| scan::local_entry(&m).dev);
        let recorded_dev = synced.values().find(|s| s.ino != 0).map(|s| s.dev);
        if let (Some(now), Some(then)) = (dev, recorded_dev) {
            if now != then && sync.direction.uploads() {
                return Some((
                    format!(
                        "the local folder {} is on another device than when it was last synced",
                        sync.local.display()
                    ),
                    ADVICE,
                ));
            }
        }
        let no_files = |n: usize| n == 0;
        if sync.direction.uploads() && no_files(local.entries.values().filter(|l| !l.dir).count()) {
            return Some((
                format!("the local folder {} is empty", sync.local.display()),
                ADVICE,
            ));
        }
        if sync.direction.downloads()
            && no_files(remote.entries.values().filter(|r| !r.dir()).count())
        {
            return Some((
                format!("the cloud folder {} is empty", sync.remote_path),
                ADVICE,
            ));
        }
        None
    }

    /// Why the sync cannot run at all, if it cannot.
    fn root_problem(&self, sync: &SyncConfig) -> Result<Option<(String, &'static str)>> {
        match std::fs::metadata(&sync.local) {
            Ok(m) if m.is_dir() => {}
            _ => {
                return Ok(Some((
                    format!("the local folder {} is missing", sync.local.display()),
                    "mount or recreate it; nothing is synced (or deleted) until it is back",
                )))
            }
        }
        let gone = || {
            Ok(Some((
                format!("the cloud folder {} is gone", sync.remote_path),
                "restore it from the rubbish bin, or remove this sync (sync -d ID)",
            )))
        };
        let Ok(h) = Handle::from_b64(&sync.remote) else {
            return gone();
        };
        let cache = &self.account.cache;
        match cache.node(h)? {
            Some(n) if n.kind == NodeType::Folder || n.kind == NodeType::Root => {}
            _ => return gone(),
        }
        if cache
            .ancestors(h)?
            .iter()
            .any(|a| a.kind == NodeType::Rubbish)
        {
            return gone();
        }
        Ok(None)
    }

    /// Record the issues and the status; the outcome goes back to the caller.
    fn finish(
        &mut self,
        sync: &SyncConfig,
        issues: Vec<Issue>,
        mut outcome: Outcome,
        sides: Option<(&Side<LocalEntry>, &Side<RemoteEntry>)>,
    ) -> Result<Outcome> {
        outcome.issues = issues.len();
        self.store.set_issues(&sync.id, &issues)?;
        let mut status = Status {
            status: if !outcome.quiet() {
                "Pending".into()
            } else if issues.is_empty() {
                "Synced".into()
            } else {
                "Stalled".into()
            },
            error: match issues.iter().find(|i| i.path.is_empty()) {
                Some(i) => i.reason.clone(),
                None if !issues.is_empty() => format!(
                    "{} path{} stalled; see sync-issues",
                    issues.len(),
                    if issues.len() == 1 { "" } else { "s" }
                ),
                None => String::new(),
            },
            ..Status::default()
        };
        if let Some((local, _)) = sides {
            for e in local.entries.values() {
                if e.dir {
                    status.dirs += 1;
                } else {
                    status.files += 1;
                    status.size += e.size;
                }
            }
        }
        status.polling = self.store.status(&sync.id)?.polling;
        self.store.set_status(&sync.id, &status)?;
        Ok(outcome)
    }

    /// Carry renames and moves over (by inode locally, by handle in the cloud). Returns
    /// whether anything moved (then both sides are scanned again).
    async fn moves(
        &mut self,
        sync: &SyncConfig,
        local: &Side<LocalEntry>,
        remote: &Side<RemoteEntry>,
        synced: &BTreeMap<String, Synced>,
        outcome: &mut Outcome,
        issues: &mut Vec<Issue>,
    ) -> Result<bool> {
        // Only a path that is not where its record says, on some side, can have moved.
        let paths: Vec<&String> = synced
            .iter()
            .filter(|(p, s)| {
                local
                    .entries
                    .get(*p)
                    .is_none_or(|l| l.ino != s.ino || l.dev != s.dev)
                    || remote
                        .entries
                        .get(*p)
                        .is_none_or(|r| r.handle.to_b64() != s.handle)
            })
            .map(|(p, _)| p)
            .collect();
        if paths.is_empty() {
            return Ok(false);
        }
        let new_local: HashMap<(u64, u64), &str> = local
            .entries
            .iter()
            .filter(|(p, l)| {
                synced
                    .get(*p)
                    .is_none_or(|s| s.ino != l.ino || s.dev != l.dev)
            })
            .map(|(p, l)| ((l.dev, l.ino), p.as_str()))
            .collect();
        let remote_at: HashMap<String, &str> = remote
            .entries
            .iter()
            .map(|(p, r)| (r.handle.to_b64(), p.as_str()))
            .collect();
        let mut done: Vec<String> = Vec::new();
        let client = self.account.shared_client().await?;
        let mut moved = false;
        // Folders first: a file moved into a renamed folder then finds it under its new name.
        let mut paths = paths;
        paths.sort_by_key(|p| !synced[p.as_str()].dir);
        for from in paths {
            if self.stopped() {
                break;
            }
            if done.iter().any(|d| under(from, d)) {
                continue;
            }
            let s = &synced[from];
            let l_here = local.entries.get(from);
            let r_here = remote.entries.get(from);
            let local_to = if l_here.is_none_or(|l| l.ino != s.ino || l.dev != s.dev) && s.ino != 0
            {
                // A file keeps its size and mtime through a rename: an inode reused by an
                // unrelated new file does not pass for a move.
                new_local
                    .get(&(s.dev, s.ino))
                    .filter(|p| {
                        let l = &local.entries[**p];
                        l.dir == s.dir && (l.dir || (l.size == s.size && l.mtime == s.mtime))
                    })
                    .map(|p| p.to_string())
            } else {
                None
            };
            let remote_to = if r_here.is_none_or(|r| r.handle.to_b64() != s.handle) {
                remote_at
                    .get(&s.handle)
                    .filter(|p| **p != from.as_str())
                    .map(|p| p.to_string())
            } else {
                None
            };
            match (local_to, remote_to) {
                (Some(l), Some(r)) if l == r => {
                    self.store.rename(&sync.id, from, &l)?;
                    done.push(from.clone());
                    moved = true;
                }
                (Some(l), Some(r)) => {
                    let (reason, advice) = (
                        format!("moved to {l} locally and to {r} in the cloud"),
                        "move one of them where the other is",
                    );
                    self.stall_event(sync, from, reason.clone());
                    issues.push(Issue {
                        sync: sync.id.clone(),
                        path: from.clone(),
                        reason,
                        advice: advice.into(),
                        since: now_secs(),
                    });
                    done.push(from.clone());
                }
                (Some(to), None) if sync.direction.uploads() => {
                    // The cloud item must still be where it was, and the target free.
                    let Some(r) = r_here.filter(|r| r.handle.to_b64() == s.handle) else {
                        continue;
                    };
                    let parent = match self.remote_dir(&client, sync, parent_of(&to)).await {
                        Ok(Some(p)) => p,
                        Ok(None) => continue,
                        Err(e) => {
                            outcome.errors += 1;
                            self.event(sync, "error", from, e.to_string());
                            done.push(from.clone());
                            continue;
                        }
                    };
                    let Some(node) = self.account.cache.node(r.handle)? else {
                        continue;
                    };
                    // The target must be free in the cloud as it is now.
                    if self
                        .account
                        .cache
                        .children_named(parent, name_of(&to))?
                        .iter()
                        .any(|n| n.handle != node.handle)
                    {
                        continue;
                    }
                    // One request: a move and a rename never end up half done.
                    let result = client
                        .move_and_rename(
                            &node,
                            (node.parent != Some(parent)).then_some(parent),
                            (name_of(&to) != name_of(from)).then_some(name_of(&to)),
                        )
                        .await;
                    if result.is_ok() {
                        // The next move may need this one's result (a folder's new name).
                        self.account.refresh().await?;
                    }
                    let r = result.map_err(|e| e.to_string());
                    moved |= self.moved(sync, from, &to, "rename-cloud", r, outcome)?;
                    done.push(from.clone());
                }
                (None, Some(to)) if sync.direction.downloads() => {
                    let Some(l) = l_here.filter(|l| l.ino == s.ino && l.dev == s.dev) else {
                        continue;
                    };
                    if local.entries.contains_key(&to) || local_changed(l, s) {
                        continue;
                    }
                    let dest = sync.local.join(&to);
                    let result = (|| {
                        if let Some(p) = dest.parent() {
                            std::fs::create_dir_all(p)?;
                        }
                        rename_no_replace(&sync.local.join(from), &dest)
                    })();
                    let r = result.map_err(|e| e.to_string());
                    moved |= self.moved(sync, from, &to, "rename-local", r, outcome)?;
                    done.push(from.clone());
                }
                _ => {}
            }
        }
        Ok(moved)
    }

    /// Record a move carried over (`from` is now `to` on both sides), or its failure.
    fn moved(
        &mut self,
        sync: &SyncConfig,
        from: &str,
        to: &str,
        action: &'static str,
        result: std::result::Result<(), String>,
        outcome: &mut Outcome,
    ) -> Result<bool> {
        match result {
            Ok(()) => {
                self.store.rename(&sync.id, from, to)?;
                self.event(sync, action, from, to.to_string());
                outcome.actions += 1;
                Ok(true)
            }
            Err(e) => {
                outcome.errors += 1;
                self.event(sync, "error", from, e);
                Ok(false)
            }
        }
    }

    /// The cloud folder for `path` (below the sync root), created with its parents if missing
    /// (`None` when a file, or two folders, are in the way). Looked up in the cache as it is
    /// now, not in the pass's scan: earlier actions may have renamed or made folders.
    async fn remote_dir(
        &mut self,
        client: &Client,
        sync: &SyncConfig,
        path: &str,
    ) -> Result<Option<Handle>> {
        let mut handle = Handle::from_b64(&sync.remote).map_err(|_| SyncError::BadConfig)?;
        if path.is_empty() {
            return Ok(Some(handle));
        }
        for part in path.split('/') {
            let named = self.account.cache.children_named(handle, part)?;
            if named.iter().any(|n| !n.is_folder()) {
                return Ok(None);
            }
            match named.as_slice() {
                [one] => handle = one.handle,
                [] => {
                    let n = client.create_folder(handle, part).await?;
                    self.account.refresh().await?;
                    handle = n.handle;
                }
                _ => return Ok(None),
            }
        }
        Ok(Some(handle))
    }

    /// Decide what to do for every path.
    fn plan(
        &mut self,
        sync: &SyncConfig,
        local: &Side<LocalEntry>,
        remote: &Side<RemoteEntry>,
        synced: &BTreeMap<String, Synced>,
        blocked: &[String],
    ) -> Result<Vec<(String, Act)>> {
        // Every path of the three sorted maps, in order, once.
        type Keys<'k> = std::iter::Peekable<Box<dyn Iterator<Item = &'k String> + 'k>>;
        let mut sides: [Keys<'_>; 3] = [
            (Box::new(local.entries.keys()) as Box<dyn Iterator<Item = &String>>).peekable(),
            (Box::new(remote.entries.keys()) as Box<dyn Iterator<Item = &String>>).peekable(),
            (Box::new(synced.keys()) as Box<dyn Iterator<Item = &String>>).peekable(),
        ];
        let all = std::iter::from_fn(move || {
            let next = sides.iter_mut().filter_map(|s| s.peek().copied()).min()?;
            for s in sides.iter_mut() {
                s.next_if(|p| *p == next);
            }
            Some(next.as_str())
        });
        let blocked: HashSet<&str> = blocked.iter().map(String::as_str).collect();
        let settle_before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.saturating_sub(self.settle).as_nanos() as i64);
        let dir = sync.direction;
        let mut out = Vec::new();
        // Paths whose subtree is handled whole (deleted, or stalled).
        let mut skip: HashSet<String> = HashSet::new();
        let everything_blocked = blocked.contains("");
        for path in all {
            if everything_blocked
                || blocked.contains(path)
                || below_any(path, &blocked)
                || below_any(path, &skip)
                || local.ignored.contains(path)
                || remote.ignored.contains(path)
            {
                continue;
            }
            let (l, r, s) = (
                local.entries.get(path),
                remote.entries.get(path),
                synced.get(path),
            );
            let settled = |l: &LocalEntry| l.dir || l.mtime <= settle_before;
            let act = match (l, r) {
                (Some(l), Some(r)) if l.dir != r.dir() => Act::Conflict(KIND_CLASH.0, KIND_CLASH.1),
                (Some(_), Some(r)) if r.dir() => {
                    if s.is_none_or(|s| remote_changed(r, s) || !s.dir) {
                        Act::Record
                    } else {
                        continue;
                    }
                }
                (Some(l), Some(r)) => {
                    let lc = s.is_none_or(|s| local_changed(l, s));
                    let rc = s.is_none_or(|s| remote_changed(r, s));
                    if !lc && !rc {
                        continue;
                    }
                    // Both sides changed (or were never compared): the same content needs
                    // no transfer, only a record.
                    let same = lc
                        && rc
                        && transfer::local_fingerprint(&sync.local.join(path))
                            .is_ok_and(|fp| fp == r.fp());
                    let upload = || {
                        if settled(l) {
                            Act::Upload {
                                replaces: Some(r.handle),
                                debris_first: None,
                            }
                        } else {
                            Act::Defer
                        }
                    };
                    match dir {
                        _ if same => Act::Record,
                        // The cloud follows: an edit made there goes to the debris (a version
                        // would be lost with versioning off), the local file takes its place.
                        Direction::Up if rc && settled(l) => Act::Upload {
                            replaces: None,
                            debris_first: Some(r.handle),
                        },
                        Direction::Up => upload(),
                        Direction::Down => Act::Download,
                        Direction::TwoWay if !rc => upload(),
                        Direction::TwoWay if !lc => Act::Download,
                        Direction::TwoWay if s.is_none() => {
                            Act::Conflict(NEVER_SYNCED.0, NEVER_SYNCED.1)
                        }
                        Direction::TwoWay => Act::Conflict(BOTH_CHANGED.0, BOTH_CHANGED.1),
                    }
                }
                (Some(l), None) => {
                    let unchanged = s.is_some_and(|s| {
                        !local_changed(l, s)
                            && (!l.dir
                                || subtree_unchanged(&local.entries, synced, path, local_changed))
                    });
                    if dir == Direction::Down
                        || (s.is_some() && unchanged && dir == Direction::TwoWay)
                    {
                        Act::DeleteLocal
                    } else if l.dir {
                        Act::MkdirRemote
                    } else if settled(l) {
                        Act::Upload {
                            replaces: None,
                            debris_first: None,
                        }
                    } else {
                        Act::Defer
                    }
                }
                (None, Some(r)) => {
                    let unchanged = s.is_some_and(|s| {
                        !remote_changed(r, s)
                            && (!r.dir()
                                || subtree_unchanged(&remote.entries, synced, path, remote_changed))
                    });
                    if dir == Direction::Up
                        || (s.is_some() && unchanged && dir == Direction::TwoWay)
                    {
                        Act::DeleteRemote
                    } else if r.dir() {
                        Act::MkdirLocal
                    } else {
                        Act::Download
                    }
                }
                (None, None) => Act::Forget,
            };
            if matches!(
                act,
                Act::DeleteLocal | Act::DeleteRemote | Act::Conflict(..) | Act::Forget
            ) {
                skip.insert(path.to_string());
            }
            out.push((path.to_string(), act));
        }
        Ok(out)
    }

    /// Carry out the planned actions: records, folders, uploads, downloads, then debris.
    async fn execute(
        &mut self,
        sync: &SyncConfig,
        acts: Vec<(String, Act)>,
        local: &Side<LocalEntry>,
        remote: &Side<RemoteEntry>,
        filters: &Filters,
        outcome: &mut Outcome,
    ) -> Result<()> {
        let client = self.account.shared_client().await?;
        let id = sync.id.clone();
        // Records and forgets: both sides agree already.
        self.store.batch(|st| {
            for (path, act) in &acts {
                match act {
                    Act::Record => {
                        if let (Some(l), Some(r)) =
                            (local.entries.get(path), remote.entries.get(path))
                        {
                            st.record(&id, path, &synced_remote(l, r))?;
                        }
                    }
                    Act::Forget => st.forget(&id, path)?,
                    _ => {}
                }
            }
            Ok(())
        })?;
        // Folders, parents first (the plan is in path order).
        for (path, act) in &acts {
            if self.stopped() {
                return Ok(());
            }
            match act {
                Act::MkdirRemote => {
                    let made = self.remote_dir(&client, sync, path).await;
                    match made {
                        Ok(Some(h)) => {
                            let l = local.entries[path];
                            let node = Node {
                                kind: NodeType::Folder,
                                ..Node::file(h, 0)
                            };
                            self.store.record(&sync.id, path, &synced_of(&l, &node))?;
                            self.event(sync, "mkdir-cloud", path, String::new());
                            outcome.actions += 1;
                        }
                        Ok(None) => outcome.errors += 1,
                        Err(e) => {
                            outcome.errors += 1;
                            self.event(sync, "error", path, e.to_string());
                        }
                    }
                }
                Act::MkdirLocal => {
                    let dest = sync.local.join(path);
                    match std::fs::create_dir_all(&dest).and_then(|()| dest.symlink_metadata()) {
                        Ok(m) => {
                            let l = scan::local_entry(&m);
                            self.store.record(
                                &sync.id,
                                path,
                                &synced_remote(&l, &remote.entries[path]),
                            )?;
                            self.event(sync, "mkdir-local", path, String::new());
                            outcome.actions += 1;
                        }
                        Err(e) => {
                            outcome.errors += 1;
                            self.event(sync, "error", path, e.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        if acts.iter().any(|(_, a)| matches!(a, Act::MkdirRemote)) {
            self.account.refresh().await?;
        }
        self.uploads(sync, &client, &acts, local, outcome).await?;
        self.downloads(sync, &client, &acts, local, remote, outcome)
            .await?;

        // Debris last: everything that could be kept is in place by now. Both sides are
        // looked at again first: what changed since the scan (an edit, a file added to a
        // folder, a node moved out of the sync) is left for the next pass to compare.
        let deleting = acts
            .iter()
            .any(|(_, a)| matches!(a, Act::DeleteLocal | Act::DeleteRemote));
        let (now_local, now_remote) = if deleting {
            self.account.refresh().await?;
            let root = Handle::from_b64(&sync.remote).map_err(|_| SyncError::BadConfig)?;
            (
                scan::local(&sync.local, filters).map_err(|e| SyncError::Io {
                    what: "read",
                    path: sync.local.clone(),
                    source: e,
                })?,
                scan::remote(&self.account.cache, root, filters)?,
            )
        } else {
            (Side::default(), Side::default())
        };
        let mut debris_folder: Option<Handle> = None;
        for (path, act) in &acts {
            if self.stopped() {
                return Ok(());
            }
            let still = match act {
                Act::DeleteLocal => same_subtree(&local.entries, &now_local.entries, path),
                Act::DeleteRemote => same_subtree(&remote.entries, &now_remote.entries, path),
                _ => true,
            };
            if !still {
                outcome.deferred += 1;
                continue;
            }
            match act {
                Act::DeleteLocal => match self.local_debris(sync, path) {
                    Ok(to) => {
                        self.store.forget(&sync.id, path)?;
                        self.event(sync, "debris-local", path, to);
                        outcome.actions += 1;
                    }
                    Err(e) => {
                        outcome.errors += 1;
                        self.event(sync, "error", path, e.to_string());
                    }
                },
                Act::DeleteRemote => {
                    let folder = match debris_folder {
                        Some(f) => f,
                        None => {
                            let f = self.remote_debris(&client).await?;
                            debris_folder = Some(f);
                            f
                        }
                    };
                    match client.move_node(remote.entries[path].handle, folder).await {
                        Ok(()) => {
                            self.store.forget(&sync.id, path)?;
                            self.event(
                                sync,
                                "debris-cloud",
                                path,
                                format!("//bin/{REMOTE_DEBRIS}/{}", today()),
                            );
                            outcome.actions += 1;
                        }
                        Err(e) => {
                            outcome.errors += 1;
                            self.event(sync, "error", path, e.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        // The server echoes this pass's changes: taken in now, they do not look like news
        // from another client to the engine's next poll.
        if outcome.actions > 0 {
            self.account.refresh().await?;
        }
        Ok(())
    }

    async fn uploads(
        &mut self,
        sync: &SyncConfig,
        client: &Client,
        acts: &[(String, Act)],
        local: &Side<LocalEntry>,
        outcome: &mut Outcome,
    ) -> Result<()> {
        // The files, each checked to be what the scan saw (else it changed: next pass).
        let mut small: Vec<(String, LocalEntry, SmallFile)> = Vec::new();
        let mut large: Vec<(String, LocalEntry, Handle, Option<Handle>)> = Vec::new();
        for (path, act) in acts {
            let Act::Upload {
                replaces,
                debris_first,
            } = act
            else {
                continue;
            };
            let l = local.entries[path];
            let abs = sync.local.join(path);
            match abs.symlink_metadata() {
                Ok(m) if scan::local_entry(&m) == l => {}
                _ => {
                    outcome.deferred += 1;
                    continue;
                }
            }
            if let Some(h) = debris_first {
                let moved = async {
                    let folder = self.remote_debris(client).await?;
                    client.move_node(*h, folder).await?;
                    Ok::<_, SyncError>(())
                }
                .await;
                if let Err(e) = moved {
                    outcome.errors += 1;
                    self.event(sync, "error", path, e.to_string());
                    continue;
                }
                self.event(
                    sync,
                    "debris-cloud",
                    path,
                    format!("//bin/{REMOTE_DEBRIS}/{}", today()),
                );
                self.account.refresh().await?;
            }
            let parent = match self.remote_dir(client, sync, parent_of(path)).await {
                Ok(Some(p)) => p,
                Ok(None) => {
                    outcome.errors += 1;
                    continue;
                }
                Err(e) => {
                    outcome.errors += 1;
                    self.event(sync, "error", path, e.to_string());
                    continue;
                }
            };
            if l.size <= SMALL_FILE {
                small.push((
                    path.clone(),
                    l,
                    SmallFile {
                        path: abs,
                        parent,
                        name: name_of(path).to_string(),
                        replaces: *replaces,
                        progress: self.progress.clone(),
                    },
                ));
            } else {
                large.push((path.clone(), l, parent, *replaces));
            }
        }
        for chunk in small.chunks(64) {
            if self.stopped() {
                return Ok(());
            }
            let files: Vec<SmallFile> = chunk
                .iter()
                .map(|(_, _, f)| SmallFile {
                    path: f.path.clone(),
                    parent: f.parent,
                    name: f.name.clone(),
                    replaces: f.replaces,
                    progress: f.progress.clone(),
                })
                .collect();
            let listed: Vec<(&str, bool, u64)> = chunk
                .iter()
                .map(|(p, l, _)| (p.as_str(), true, l.size))
                .collect();
            self.store.transfers_started(&sync.id, &listed)?;
            let results = self.uploads.upload_small(client, &files).await;
            let paths: Vec<&str> = listed.iter().map(|(p, _, _)| *p).collect();
            self.store.transfers_done(&sync.id, Some(&paths))?;
            let results = match results {
                Ok(r) => r,
                Err(e) => {
                    outcome.errors += chunk.len();
                    self.event(sync, "error", &chunk[0].0, e.to_string());
                    continue;
                }
            };
            let id = sync.id.clone();
            let mut events = Vec::new();
            self.store.batch(|st| {
                for ((path, l, _), r) in chunk.iter().zip(results) {
                    match r {
                        Ok(node) => {
                            st.record(&id, path, &synced_of(l, &node))?;
                            events.push(("upload", path.clone(), String::new()));
                        }
                        Err(e) => events.push(("error", path.clone(), e.to_string())),
                    }
                }
                Ok(())
            })?;
            for (action, path, detail) in events {
                if action == "error" {
                    outcome.errors += 1;
                } else {
                    outcome.actions += 1;
                }
                self.event(sync, action, &path, detail);
            }
            // The server echoes every new node: taken in batch by batch, a first sync of a
            // million files never holds a million action packets at once.
            self.account.refresh().await?;
        }
        for (path, l, parent, replaces) in large {
            if self.stopped() {
                return Ok(());
            }
            self.store
                .transfers_started(&sync.id, &[(path.as_str(), true, l.size)])?;
            let r = self
                .uploads
                .upload_version(
                    client,
                    &sync.local.join(&path),
                    parent,
                    name_of(&path),
                    replaces,
                    self.journals.as_deref(),
                    &self.progress,
                )
                .await;
            self.store
                .transfers_done(&sync.id, Some(&[path.as_str()]))?;
            match r {
                Ok(node) => {
                    self.store.record(&sync.id, &path, &synced_of(&l, &node))?;
                    self.event(sync, "upload", &path, String::new());
                    outcome.actions += 1;
                }
                Err(e) => {
                    outcome.errors += 1;
                    self.event(sync, "error", &path, e.to_string());
                }
            }
        }
        Ok(())
    }

    async fn downloads(
        &mut self,
        sync: &SyncConfig,
        client: &Client,
        acts: &[(String, Act)],
        local: &Side<LocalEntry>,
        remote: &Side<RemoteEntry>,
        outcome: &mut Outcome,
    ) -> Result<()> {
        let mut small: Vec<(String, Node, PathBuf)> = Vec::new();
        let mut large: Vec<(String, Node, PathBuf)> = Vec::new();
        for (path, act) in acts {
            let Act::Download = act else {
                continue;
            };
            let dest = sync.local.join(path);
            let now = dest.symlink_metadata().ok().map(|m| scan::local_entry(&m));
            // Only over what the scan saw: a file that appeared or changed since waits.
            if now != local.entries.get(path).copied() {
                outcome.deferred += 1;
                continue;
            }
            if let Some(p) = dest.parent() {
                let _ = std::fs::create_dir_all(p);
            }
            let Some(node) = self.account.cache.node(remote.entries[path].handle)? else {
                outcome.errors += 1;
                continue;
            };
            // Into a temporary sibling: what is at the destination is checked again, and kept
            // in the debris, only at the moment the download takes its place.
            let tmp = download_tmp(&dest);
            if node.size <= SMALL_FILE {
                small.push((path.clone(), node, tmp));
            } else {
                large.push((path.clone(), node, tmp));
            }
        }
        for chunk in small.chunks(64) {
            if self.stopped() {
                return Ok(());
            }
            let files: Vec<(Node, PathBuf)> = chunk
                .iter()
                .map(|(_, n, d)| (n.clone(), d.clone()))
                .collect();
            let listed: Vec<(&str, bool, u64)> = chunk
                .iter()
                .map(|(p, n, _)| (p.as_str(), false, n.size))
                .collect();
            self.store.transfers_started(&sync.id, &listed)?;
            let got = self
                .downloads
                .download_small(client, &files, &self.progress)
                .await;
            let paths: Vec<&str> = listed.iter().map(|(p, _, _)| *p).collect();
            self.store.transfers_done(&sync.id, Some(&paths))?;
            match got {
                Ok(results) => {
                    for ((path, node, tmp), r) in chunk.iter().zip(results) {
                        let expected = local.entries.get(path).copied();
                        self.downloaded(sync, path, node, tmp, expected, r.map(|_| ()), outcome)?;
                    }
                }
                Err(e) => {
                    outcome.errors += chunk.len();
                    self.event(sync, "error", &chunk[0].0, e.to_string());
                }
            }
        }
        for (path, node, tmp) in large {
            if self.stopped() {
                return Ok(());
            }
            self.store
                .transfers_started(&sync.id, &[(path.as_str(), false, node.size)])?;
            let r = self
                .downloads
                .download(client, &node, &tmp, &self.progress)
                .await;
            self.store
                .transfers_done(&sync.id, Some(&[path.as_str()]))?;
            let expected = local.entries.get(&path).copied();
            self.downloaded(sync, &path, &node, &tmp, expected, r.map(|_| ()), outcome)?;
        }
        Ok(())
    }

    /// Put a finished download (`tmp`) in place, if the destination is still what the scan
    /// saw (`expected`): a file there is kept in the local debris first, and a new file never
    /// replaces one that appeared meanwhile. The recorded state is the download's own (taken
    /// before it got its name), so an edit made right after is still seen as one.
    #[allow(clippy::too_many_arguments)]
    fn downloaded(
        &mut self,
        sync: &SyncConfig,
        path: &str,
        node: &Node,
        tmp: &Path,
        expected: Option<LocalEntry>,
        r: transfer::Result<()>,
        outcome: &mut Outcome,
    ) -> Result<()> {
        if let Err(e) = r {
            let _ = std::fs::remove_file(tmp);
            outcome.errors += 1;
            self.event(sync, "error", path, e.to_string());
            return Ok(());
        }
        let dest = sync.local.join(path);
        let placed = (|| {
            let got = scan::local_entry(&tmp.symlink_metadata()?);
            let now = dest.symlink_metadata().ok().map(|m| scan::local_entry(&m));
            if now != expected {
                return Ok(None);
            }
            if expected.is_some() {
                self.keep_replaced(sync, path)?;
                std::fs::rename(tmp, &dest)?;
            } else {
                rename_no_replace(tmp, &dest)?;
            }
            Ok::<_, std::io::Error>(Some(got))
        })();
        match placed {
            Ok(Some(got)) => {
                self.store.record(&sync.id, path, &synced_of(&got, node))?;
                self.event(sync, "download", path, String::new());
                outcome.actions += 1;
            }
            Ok(None) => {
                // Changed locally during the download: the next pass compares again.
                let _ = std::fs::remove_file(tmp);
                outcome.deferred += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(tmp);
                outcome.deferred += 1;
            }
            Err(e) => {
                let _ = std::fs::remove_file(tmp);
                outcome.errors += 1;
                self.event(sync, "error", path, e.to_string());
            }
        }
        Ok(())
    }

    /// Before a download replaces a local file, a copy goes to the local debris (a hard
    /// link: instant, and the download's rename then leaves it alone).
    fn keep_replaced(&self, sync: &SyncConfig, path: &str) -> std::io::Result<()> {
        let from = sync.local.join(path);
        let to = free_path(&sync.local.join(scan::LOCAL_DEBRIS).join(today()).join(path));
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::hard_link(&from, &to).or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
    }

    /// Move a local entry to `.debris/YYYY-MM-DD/PATH`; returns where it went.
    fn local_debris(&self, sync: &SyncConfig, path: &str) -> std::io::Result<String> {
        let to = free_path(&sync.local.join(scan::LOCAL_DEBRIS).join(today()).join(path));
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::rename(sync.local.join(path), &to)?;
        Ok(to
            .strip_prefix(&sync.local)
            .unwrap_or(&to)
            .to_string_lossy()
            .into_owned())
    }

    /// `//bin/SyncDebris/YYYY-MM-DD`, created if needed.
    async fn remote_debris(&mut self, client: &Client) -> Result<Handle> {
        let bin = self
            .account
            .cache
            .root_of(NodeType::Rubbish)?
            .ok_or(SyncError::NoRubbishBin)?
            .handle;
        let mut at = bin;
        for name in [REMOTE_DEBRIS.to_string(), today()] {
            let existing = self
                .account
                .cache
                .children_named(at, &name)?
                .into_iter()
                .find(|n| n.is_folder());
            at = match existing {
                Some(n) => n.handle,
                None => {
                    let n = client.create_folder(at, &name).await?;
                    self.account.refresh().await?;
                    n.handle
                }
            };
        }
        Ok(at)
    }
}

/// Where a download of `dest` is written before it takes `dest`'s place (a hidden sibling
/// the scans never report).
fn download_tmp(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}{}", scan::DOWNLOAD_SUFFIX))
}

/// Rename `from` to `to`, failing with `AlreadyExists` rather than replacing anything there:
/// a file by a hard link (atomic) and an unlink, a folder after a last look.
pub(crate) fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    let is_dir = from.symlink_metadata()?.is_dir();
    if !is_dir {
        match std::fs::hard_link(from, to) {
            Ok(()) => return std::fs::remove_file(from),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
            // A file system without hard links: the last look below.
            Err(_) => {}
        }
    }
    if to.symlink_metadata().is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} exists", to.display()),
        ));
    }
    std::fs::rename(from, to)
}

/// `path`, or `path (1)`, `path (2)`… when taken.
fn free_path(path: &Path) -> PathBuf {
    if path.symlink_metadata().is_err() {
        return path.to_path_buf();
    }
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (1..)
        .map(|i| path.with_file_name(format!("{stem} ({i})")))
        .find(|p| p.symlink_metadata().is_err())
        .unwrap_or_else(|| path.to_path_buf())
}
