//! Scheduled backups, as MEGAcmd makes them: every period a copy of the local folder goes into
//! `REMOTE/NAME_bk_YYYYMMDDHHMMSS`, and the newest N copies are kept. A copy after the first
//! uploads only what changed: a file whose fingerprint matches the previous copy's is copied
//! in the cloud (`p` with the node's handle: the server reuses its data), and a folder that
//! did not change at all is copied whole in one request — a backup of an unchanged folder
//! uploads nothing.

use std::collections::BTreeMap;

use chrono::{Datelike, Local, NaiveDateTime, TimeZone, Timelike};

use super::ignore::Filters;
use super::pass::Event;
use super::scan::{self, LocalEntry, RemoteEntry};
use super::store::{BackupConfig, BackupRun, Store};
use super::{Result, SyncError};
use crate::account::Account;
use crate::api::{Handle, Node};
use crate::transfer::{self, Engine, SmallFile, SMALL_FILE};

/// How often a backup runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Period {
    /// Every this many seconds.
    Every(i64),
    /// A 6-field cron expression: seconds, minutes, hours, day of month, month, day of week
    /// (1-7, Monday = 1; 0 is Sunday too).
    Cron(Box<[Vec<u32>; 6]>),
}

fn cron_field(text: &str, lo: u32, hi: u32) -> std::result::Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .map_err(|_| format!("bad step in {part}"))?,
            ),
            None => (part, 1),
        };
        if step == 0 {
            return Err(format!("bad step in {part}"));
        }
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                a.parse().map_err(|_| format!("bad range {range}"))?,
                b.parse().map_err(|_| format!("bad range {range}"))?,
            )
        } else {
            let v: u32 = range.parse().map_err(|_| format!("bad value {range}"))?;
            (v, if part.contains('/') { hi } else { v })
        };
        if a < lo || b > hi || a > b {
            return Err(format!("{part} is outside {lo}-{hi}"));
        }
        out.extend((a..=b).step_by(step as usize));
    }
    Ok(out)
}

/// Parse MEGAcmd's period: a time such as `1d`, `12h`, `1h30M`, `90s` (units y, m (months), d,
/// h, M (minutes), s), or a 6-field cron expression.
pub fn parse_period(text: &str) -> std::result::Result<Period, String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() == 6 {
        let bounds = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
        let mut parsed: [Vec<u32>; 6] = Default::default();
        for (i, (f, (lo, hi))) in fields.iter().zip(bounds).enumerate() {
            parsed[i] = cron_field(f, lo, hi)?;
        }
        return Ok(Period::Cron(Box::new(parsed)));
    }
    if fields.len() != 1 {
        return Err("a period is a time such as 1d or 12h30M, or 6 cron fields".into());
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| {
            format!("invalid period \"{text}\": give a time such as 1d, 12h or 1h30M (units y, m, d, h, M, s), or a 6-field cron expression")
        })?;
        number.clear();
        let unit = match c {
            'y' => 365 * 86_400,
            'm' => 30 * 86_400,
            'd' => 86_400,
            'h' => 3_600,
            'M' => 60,
            's' => 1,
            _ => {
                return Err(format!(
                    "invalid period \"{text}\": unknown unit {c} (y, m, d, h, M, s), or give a 6-field cron expression"
                ))
            }
        };
        total = total.saturating_add(n.saturating_mul(unit));
    }
    if !number.is_empty() || total <= 0 {
        return Err(format!(
            "{text}: give a unit after each number, e.g. 1d or 30M"
        ));
    }
    Ok(Period::Every(total))
}

impl Period {
    /// The first time after `after` (Unix seconds) the backup runs.
    pub fn next_after(&self, after: i64) -> i64 {
        match self {
            Period::Every(s) => after + s,
            Period::Cron(f) => {
                let start = Local
                    .timestamp_opt(after + 1, 0)
                    .single()
                    .map(|t| t.naive_local())
                    .unwrap_or_default();
                let mut t = start;
                // A year of minutes at most: an expression that never matches (31 February)
                // gives up then.
                for _ in 0..(366 * 24 * 60) {
                    let dow = t.weekday().number_from_monday();
                    if f[4].contains(&t.month())
                        && f[3].contains(&t.day())
                        && (f[5].contains(&dow) || (dow == 7 && f[5].contains(&0)))
                        && f[2].contains(&t.hour())
                        && f[1].contains(&t.minute())
                    {
                        let from = if t == start { t.second() } else { 0 };
                        if let Some(s) = f[0].iter().copied().find(|s| *s >= from) {
                            let at: NaiveDateTime = t.with_second(s).unwrap_or(t);
                            // In the hour a clock change repeats, a local time maps to two
                            // instants: the first one later than `after` counts.
                            let mapped = Local.from_local_datetime(&at);
                            if let Some(ts) = [mapped.earliest(), mapped.latest()]
                                .into_iter()
                                .flatten()
                                .map(|l| l.timestamp())
                                .find(|ts| *ts > after)
                            {
                                return ts;
                            }
                        }
                    }
                    t = (t + chrono::Duration::minutes(1))
                        .with_second(0)
                        .unwrap_or(t);
                }
                after + 366 * 86_400
            }
        }
    }
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

fn everything() -> Filters {
    let mut f = Filters::default();
    f.sync_self = true;
    f
}

/// Whether `path` is `prefix` or below it.
fn within(path: &str, prefix: &str) -> bool {
    path == prefix
        || (path.len() > prefix.len()
            && path.starts_with(prefix)
            && path.as_bytes()[prefix.len()] == b'/')
}

/// Make one copy of backup `b` now, then drop the copies beyond its number.
pub async fn run(
    account: &mut Account,
    uploads: &Engine,
    store: &Store,
    b: &BackupConfig,
    stop: &std::sync::atomic::AtomicBool,
    log: &mut dyn FnMut(Event),
) -> Result<BackupRun> {
    account.refresh().await?;
    let client = account.shared_client().await?;
    let parent = Handle::from_b64(&b.remote).map_err(|_| SyncError::BadConfig)?;
    if account.cache.node(parent)?.is_none_or(|n| n.is_file()) {
        return Err(SyncError::Io {
            what: "back up into",
            path: b.remote_path.clone().into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "the cloud folder is gone"),
        });
    }
    let local = scan::local(&b.local, &everything()).map_err(|e| SyncError::Io {
        what: "read",
        path: b.local.clone(),
        source: e,
    })?;
    let local_name = b
        .local
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    // Copy names have a resolution of one second: a copy never takes its predecessor's.
    let started = now_secs().max(
        store
            .runs(b.tag)?
            .iter()
            .map(|r| r.started + 1)
            .max()
            .unwrap_or(0),
    );
    let stamp = Local
        .timestamp_opt(started, 0)
        .single()
        .map(|t| t.format("%Y%m%d%H%M%S").to_string())
        .unwrap_or_default();
    let name = format!("{local_name}_bk_{stamp}");
    let tag = b.tag.to_string();
    let mut event = |action: &'static str, path: &str, detail: String| {
        log(Event {
            sync: format!("backup {tag}"),
            action,
            path: path.to_string(),
            detail,
        })
    };
    // The newest complete copy, as the cache has it, to copy unchanged files from.
    let previous = store
        .runs(b.tag)?
        .into_iter()
        .rev()
        .filter(|r| r.status == "COMPLETE")
        .find_map(|r| {
            let h = Handle::from_b64(&r.handle).ok()?;
            account.cache.node(h).ok().flatten().map(|_| h)
        });
    let prev: BTreeMap<String, RemoteEntry> = match previous {
        Some(h) => scan::remote(&account.cache, h, &everything())?.entries,
        None => BTreeMap::new(),
    };
    // Local fingerprints of the files the previous copy has too (the others upload anyway).
    let mut fps: BTreeMap<&str, String> = BTreeMap::new();
    for (p, l) in &local.entries {
        if !l.dir && prev.get(p).is_some_and(|r| !r.dir() && r.size == l.size) {
            if let Ok(fp) = transfer::local_fingerprint(&b.local.join(p)) {
                fps.insert(p, fp);
            }
        }
    }
    let same = |p: &str, l: &LocalEntry| match prev.get(p) {
        Some(r) if l.dir => r.dir(),
        Some(r) => !r.dir() && fps.get(p).is_some_and(|fp| fp == r.fp()),
        None => false,
    };
    // A subtree is unchanged when both sides hold exactly the same paths, all the same.
    let unchanged = |prefix: &str| {
        let l: Vec<(&String, &LocalEntry)> = local
            .entries
            .iter()
            .filter(|(p, _)| prefix.is_empty() || within(p, prefix))
            .collect();
        let n = prev
            .keys()
            .filter(|p| prefix.is_empty() || within(p, prefix))
            .count();
        l.len() == n && l.iter().all(|(p, e)| same(p, e))
    };
    let mut run = BackupRun {
        tag: b.tag,
        name: name.clone(),
        handle: String::new(),
        started,
        status: "ONGOING".into(),
        files: 0,
        folders: 0,
        uploaded: 0,
        copied: 0,
    };
    let subtree = |h: Handle| -> Result<Vec<Node>> {
        let mut nodes = vec![account.cache.node(h)?.ok_or(SyncError::BadConfig)?];
        nodes.extend(account.cache.descendants(h)?);
        Ok(nodes)
    };
    let count = |prefix: &str, run: &mut BackupRun| {
        for (p, l) in &local.entries {
            if prefix.is_empty() || within(p, prefix) {
                if l.dir {
                    run.folders += 1;
                } else {
                    run.files += 1;
                }
            }
        }
    };
    // Nothing changed since the previous copy: the whole copy is one request.
    if let (Some(prev_root), true) = (previous, unchanged("")) {
        let copied = client
            .copy_tree(parent, &subtree(prev_root)?, Some(&name))
            .await?;
        run.handle = copied
            .first()
            .map(|n| n.handle.to_b64())
            .unwrap_or_default();
        count("", &mut run);
        run.copied = run.files;
        run.status = "COMPLETE".into();
        store.record_run(&run)?;
        event(
            "backup",
            &name,
            format!("unchanged: copied in the cloud ({} files)", run.files),
        );
        prune(account, store, b, &mut event).await?;
        return Ok(run);
    }
    let root = client.create_folder(parent, &name).await?;
    run.handle = root.handle.to_b64();
    store.record_run(&run)?;
    let mut dirs: BTreeMap<String, Handle> = BTreeMap::new();
    dirs.insert(String::new(), root.handle);
    let mut skip: Option<String> = None;
    let mut small: Vec<SmallFile> = Vec::new();
    let mut failed = 0u64;
    let mut aborted = false;
    // The engine is stopping: the copy is left MISCARRIED, as MEGAcmd calls it.
    let mut stopped = false;
    let progress = transfer::Progress::default();
    for (path, l) in &local.entries {
        if skip.as_deref().is_some_and(|s| within(path, s)) {
            continue;
        }
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            stopped = true;
            break;
        }
        if store.backup_abort_requested(b.tag)? {
            aborted = true;
            break;
        }
        let (parent_path, leaf) = path.rsplit_once('/').unwrap_or(("", path));
        let Some(&at) = dirs.get(parent_path) else {
            failed += 1;
            continue;
        };
        if l.dir {
            if let (Some(r), true) = (prev.get(path), unchanged(path)) {
                client.copy_tree(at, &subtree(r.handle)?, None).await?;
                count(path, &mut run);
                run.copied += local
                    .entries
                    .iter()
                    .filter(|(p, e)| !e.dir && within(p, path))
                    .count() as u64;
                skip = Some(path.clone());
                continue;
            }
            let made = client.create_folder(at, leaf).await?;
            dirs.insert(path.clone(), made.handle);
            run.folders += 1;
            continue;
        }
        run.files += 1;
        if same(path, l) {
            client
                .copy_tree(
                    at,
                    &[account
                        .cache
                        .node(prev[path].handle)?
                        .ok_or(SyncError::BadConfig)?],
                    None,
                )
                .await?;
            run.copied += 1;
            continue;
        }
        if l.size <= SMALL_FILE {
            small.push(SmallFile {
                path: b.local.join(path),
                parent: at,
                name: leaf.to_string(),
                replaces: None,
                progress: progress.clone(),
            });
            if small.len() == 64 {
                let batch = std::mem::take(&mut small);
                failed += upload_small(uploads, &client, batch, &mut run).await;
            }
        } else {
            match uploads
                .upload(&client, &b.local.join(path), at, leaf, None, &progress)
                .await
            {
                Ok(_) => run.uploaded += 1,
                Err(e) => {
                    failed += 1;
                    event("error", path, e.to_string());
                }
            }
        }
    }
    if !aborted && !stopped {
        failed += upload_small(uploads, &client, small, &mut run).await;
    }
    run.status = if aborted {
        "ABORTED"
    } else if stopped {
        "MISCARRIED"
    } else if failed > 0 {
        "INCOMPLETE"
    } else {
        "COMPLETE"
    }
    .into();
    store.record_run(&run)?;
    store.set_backup_abort(b.tag, false)?;
    event(
        "backup",
        &name,
        format!(
            "{}: {} files ({} uploaded, {} copied in the cloud), {} folders",
            run.status, run.files, run.uploaded, run.copied, run.folders
        ),
    );
    account.refresh().await?;
    if run.status == "COMPLETE" {
        prune(account, store, b, &mut event).await?;
    }
    Ok(run)
}

async fn upload_small(
    uploads: &Engine,
    client: &crate::api::Client,
    files: Vec<SmallFile>,
    run: &mut BackupRun,
) -> u64 {
    if files.is_empty() {
        return 0;
    }
    match uploads.upload_small(client, &files).await {
        Ok(results) => {
            let bad = results.iter().filter(|r| r.is_err()).count() as u64;
            run.uploaded += results.len() as u64 - bad;
            bad
        }
        Err(_) => files.len() as u64,
    }
}

/// Delete the oldest copies beyond the backup's number (only complete copies count).
async fn prune(
    account: &mut Account,
    store: &Store,
    b: &BackupConfig,
    event: &mut dyn FnMut(&'static str, &str, String),
) -> Result<()> {
    let runs = store.runs(b.tag)?;
    let complete = runs.iter().filter(|r| r.status == "COMPLETE").count();
    let mut extra = complete.saturating_sub(b.num as usize);
    let client = account.shared_client().await?;
    for r in runs {
        if extra == 0 {
            break;
        }
        if let Ok(h) = Handle::from_b64(&r.handle) {
            if account.cache.node(h)?.is_some() {
                client.delete(h).await?;
            }
        }
        store.forget_run(b.tag, &r.name)?;
        event(
            "backup-removed",
            &r.name,
            "older than the newest copies kept".into(),
        );
        if r.status == "COMPLETE" {
            extra -= 1;
        }
    }
    account.refresh().await?;
    Ok(())
}

/// Backups of `user` that are due at `now`.
pub fn due(store: &Store, user: &str, now: i64) -> Result<Vec<BackupConfig>> {
    Ok(store
        .backups()?
        .into_iter()
        .filter(|b| b.user == user && b.next <= now)
        .collect())
}

/// A copy left `ONGOING` by an engine that died is `MISCARRIED` (MEGAcmd's word).
pub fn mark_miscarried(store: &Store) -> Result<()> {
    for b in store.backups()? {
        for mut r in store.runs(b.tag)? {
            if r.status == "ONGOING" {
                r.status = "MISCARRIED".into();
                store.record_run(&r)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(parse_period("1d"), Ok(Period::Every(86_400)));
        assert_eq!(parse_period("1h30M"), Ok(Period::Every(5_400)));
        assert_eq!(parse_period("90s"), Ok(Period::Every(90)));
        assert!(parse_period("10").is_err());
        assert!(parse_period("1x").is_err());
        assert!(parse_period("0 0 4 * *").is_err());
        assert!(parse_period("0 61 * * * *").is_err());
        // Every day at 04:00:00.
        let p = parse_period("0 0 4 * * *").unwrap();
        let after = Local
            .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
            .unwrap()
            .timestamp();
        let next = Local.timestamp_opt(p.next_after(after), 0).unwrap();
        assert_eq!(
            next.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-12-08 04:00:00"
        );
        // Every 15 seconds.
        let p = parse_period("*/15 * * * * *").unwrap();
        assert_eq!(p.next_after(after) - after, 15);
        // Mondays (1) at noon: 2026-12-07 is a Monday.
        let p = parse_period("0 0 12 * * 1").unwrap();
        let next = Local.timestamp_opt(p.next_after(after), 0).unwrap();
        assert_eq!(
            next.format("%Y-%m-%d %H:%M").to_string(),
            "2026-12-07 12:00"
        );
    }
}
