//! `sync`: MEGAcmd's two-way syncs (and megash's one-way mirrors, `--up`/`--down`). Adding,
//! pausing, enabling and deleting only change the sync database: a running engine (`megash
//! serve`, or the open shell) applies the change within a second; `sync --once` runs passes in
//! the foreground and exits 0 only when both sides are in step.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde_json::json;

use super::engine::{self as eng, Log};
use super::{remote, xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::{Handle, NodeType};
use crate::error::CmdError;
use crate::sync::{engine, ignore, Direction, Store, SyncConfig};
use crate::ui::size_to_text;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "sync",
    aliases: &[],
    summary: "Add, list, pause, enable or delete syncs between local and cloud folders",
    usage: "[localpath remotepath] | [-p|-e|-d] (ID|localpath) | --once [ID|localpath] [--up|--down] [--max-delete=N%] [--show-handles] [--path-display-size=N] [--col-separator=X] [--output-cols=COLS] [--json]",
    flags: &[
        Flag {
            short: Some('p'),
            long: Some("pause"),
            value: None,
            help: "Pause the sync (its state is kept)",
        },
        Flag {
            short: Some('e'),
            long: Some("enable"),
            value: None,
            help: "Enable (resume) a paused sync",
        },
        Flag {
            short: Some('d'),
            long: Some("delete"),
            value: None,
            help: "Delete the sync (both folders stay as they are)",
        },
        Flag::long("remove", "Deprecated: -d"),
        Flag {
            short: Some('s'),
            long: Some("disable"),
            value: None,
            help: "Deprecated: -p",
        },
        Flag::short('r', "Deprecated: -e"),
        Flag::long(
            "once",
            "Run passes now, in the foreground, until both sides are in step (megash extension)",
        ),
        Flag::long(
            "up",
            "A one-way mirror: the cloud follows the local folder (megash extension)",
        ),
        Flag::long(
            "down",
            "A one-way mirror: the local folder follows the cloud (megash extension)",
        ),
        Flag::opt(
            "max-delete",
            "N%",
            "Stall a pass that would delete more than N% of the synced files (default 50%)",
        ),
        Flag::long("show-handles", "Show the cloud folder's handle"),
        Flag::opt("path-display-size", "N", "Shorten paths to N characters"),
        Flag::opt("col-separator", "X", "Separate columns with X instead of spaces"),
        Flag::opt(
            "output-cols",
            "COLS",
            "Only these columns, in this order (e.g. ID,LOCALPATH,STATUS)",
        ),
        Flag::long("json", "Print the list as JSON (megash extension)"),
    ],
    min_args: 0,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::Local,
    writes: Writes::When(writes),
    may_hold_secret: false,
    more_help: Some(
        "Syncs run in an engine: `megash serve` (foreground, for a terminal or a supervisor such \
         as systemd) or the open shell. Without one, changes are recorded and applied when an \
         engine starts. Deletions go to the other side's debris (LOCAL/.debris/DATE, \
         //bin/SyncDebris/DATE); conflicts stall only their path (see sync-issues). \
         .megaignore in the local folder holds the exclusion rules (see sync-ignore).",
    ),
    run: Some(run),
};

fn writes(args: &Args) -> bool {
    args.operands.len() == 2 || args.has("once")
}

/// Default deletion limit (percent of the synced files).
const DEFAULT_MAX_DELETE: u32 = 50;

fn max_delete(args: &Args) -> Result<Option<u32>, CmdError> {
    let Some(v) = args.value("max-delete") else {
        return Ok(None);
    };
    v.trim_end_matches('%')
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= 100)
        .map(Some)
        .ok_or_else(|| CmdError::Args(format!("--max-delete wants a percentage 0-100%, not {v}")))
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let action = [
        ("pause", "p"),
        ("disable", "s"),
        ("enable", "e"),
        ("r", "r"),
        ("delete", "d"),
        ("remove", "remove"),
    ]
    .into_iter()
    .find(|(l, s)| args.has(l) || args.has(s))
    .map(|(l, _)| l);
    if args.has("once") {
        return once(ctx, args);
    }
    if let Some(a) = action {
        let [which] = args.operands.as_slice() else {
            return Err(CmdError::Args(format!(
                "sync -{} takes one ID or local path",
                &a[..1]
            )));
        };
        let store = eng::store(ctx)?;
        let s = find(ctx, &store, which)?;
        match a {
            "pause" | "disable" => store.set_enabled(&s.id, false)?,
            "enable" | "r" => store.set_enabled(&s.id, true)?,
            _ => store.remove(&s.id)?,
        }
        if a != "delete" && a != "remove" {
            eng::notice_without_engine(ctx);
        }
        return Ok(());
    }
    match args.operands.as_slice() {
        [] => list(ctx, args),
        [which] => {
            // `sync --max-delete=N% ID`: change the limit; `sync ID`: list that one.
            let store = eng::store(ctx)?;
            let s = find(ctx, &store, which)?;
            if let Some(n) = max_delete(args)? {
                store.set_max_delete(&s.id, n)?;
                eng::notice_without_engine(ctx);
                return Ok(());
            }
            list_only(ctx, args, Some(&s.id))
        }
        [local, remote] => add(ctx, args, local, remote),
        _ => Err(CmdError::Args("sync takes at most two paths".into())),
    }
}

/// The sync named by `which`: its ID, or its local folder.
pub fn find(ctx: &Ctx<'_>, store: &Store, which: &str) -> Result<SyncConfig, CmdError> {
    let user = eng::user(ctx)?;
    let syncs: Vec<SyncConfig> = store
        .syncs()?
        .into_iter()
        .filter(|s| s.user == user)
        .collect();
    if let Some(s) = syncs.iter().find(|s| s.id == which) {
        return Ok(s.clone());
    }
    let canon = eng::local_folder(which);
    syncs
        .into_iter()
        .find(|s| s.local == canon)
        .ok_or_else(|| CmdError::NotFound(format!("Sync not found: {which}")))
}

fn absolute(spec: &str) -> PathBuf {
    let p = super::local::expand_tilde(spec);
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map_or(p.clone(), |d| d.join(&p))
    }
}

fn add(ctx: &mut Ctx<'_>, args: &Args, local: &str, remote_spec: &str) -> Result<(), CmdError> {
    let direction = match (args.has("up"), args.has("down")) {
        (true, true) => return Err(CmdError::Args("--up and --down exclude each other".into())),
        (true, false) => Direction::Up,
        (false, true) => Direction::Down,
        _ => Direction::TwoWay,
    };
    let limit = max_delete(args)?.unwrap_or(DEFAULT_MAX_DELETE);
    let path = absolute(local);
    let local_dir = match std::fs::canonicalize(&path) {
        Ok(p) if p.is_dir() => p,
        Ok(_) => return Err(CmdError::InvalidType(format!("{local}: not a folder"))),
        Err(_) => {
            return Err(CmdError::NotFound(format!(
                "Local directory {local} does not exist"
            )))
        }
    };
    if let Some(state) = ctx.state.state_dir.as_deref() {
        let state = std::fs::canonicalize(state).unwrap_or(state.to_path_buf());
        if state.starts_with(&local_dir) || local_dir.starts_with(&state) {
            return Err(CmdError::NotPermitted(format!(
                "{} holds megash's state folder; sync another folder",
                local_dir.display()
            )));
        }
    }
    let acct = ctx.synced()?;
    let node = remote::resolve_one(acct, remote_spec)?;
    if node.is_file() {
        return Err(CmdError::InvalidType(format!(
            "{remote_spec}: not a folder"
        )));
    }
    let ancestors = acct.cache.ancestors(node.handle)?;
    if ancestors
        .iter()
        .chain(std::iter::once(&node))
        .any(|n| matches!(n.kind, NodeType::Rubbish | NodeType::Inbox))
    {
        return Err(CmdError::NotPermitted(format!(
            "{remote_spec}: only folders of the Cloud Drive (or writable shares) can be synced"
        )));
    }
    let remote_path = remote::abs_path(acct, &node)?;
    let user = acct.saved.session.user_handle.clone();
    let chain: Vec<Handle> = ancestors
        .iter()
        .map(|n| n.handle)
        .chain(std::iter::once(node.handle))
        .collect();
    let store = eng::store(ctx)?;
    for s in store.syncs()?.into_iter().filter(|s| s.user == user) {
        if s.local.starts_with(&local_dir) || local_dir.starts_with(&s.local) {
            return Err(CmdError::NotPermitted(format!(
                "{} overlaps the sync {} of {}",
                local_dir.display(),
                s.id,
                s.local.display()
            )));
        }
        let other = Handle::from_b64(&s.remote).ok();
        let acct = ctx.account()?;
        let other_chain: Vec<Handle> = match other {
            Some(h) => acct
                .cache
                .ancestors(h)?
                .iter()
                .map(|n| n.handle)
                .chain(std::iter::once(h))
                .collect(),
            None => Vec::new(),
        };
        if other.is_some_and(|h| chain.contains(&h)) || other_chain.contains(&node.handle) {
            return Err(CmdError::NotPermitted(format!(
                "{remote_path} overlaps the sync {} of {}",
                s.id, s.remote_path
            )));
        }
    }
    // A new sync gets MEGA's default rules, as the SDK writes them.
    let ignore_file = local_dir.join(ignore::FILE_NAME);
    if !ignore_file.exists() {
        let default = ctx
            .state
            .state_dir
            .as_deref()
            .and_then(|d| std::fs::read_to_string(d.join("default.megaignore")).ok())
            .unwrap_or_else(|| ignore::DEFAULT.to_string());
        // A --down mirror would take its own rules file, absent from the cloud, for an extra
        // to remove: there the file stays local (no +sync:.megaignore).
        let default = if direction == Direction::Down {
            default
                .lines()
                .filter(|l| l.trim() != "+sync:.megaignore")
                .map(|l| format!("{l}\n"))
                .collect()
        } else {
            default
        };
        std::fs::write(&ignore_file, default)
            .map_err(|e| CmdError::io(format!("write {}", ignore_file.display()), e))?;
    }
    let config = SyncConfig {
        id: crate::sync::store::new_id(),
        user,
        local: local_dir.clone(),
        remote: node.handle.to_b64(),
        remote_path: remote_path.clone(),
        direction,
        enabled: true,
        max_delete: limit,
    };
    store.add(&config)?;
    ctx.ui.line(format!(
        "Added sync: {} to {}",
        local_dir.display(),
        remote_path
    ))?;
    eng::notice_without_engine(ctx);
    Ok(())
}

/// `sync --once [ID|LOCAL]`.
fn once(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if args.operands.len() > 1 {
        return Err(CmdError::Args(
            "sync --once takes at most one ID or local path".into(),
        ));
    }
    let store = eng::store(ctx)?;
    let user = eng::user(ctx)?;
    let syncs: Vec<SyncConfig> = match args.operands.first() {
        Some(which) => vec![find(ctx, &store, which)?],
        None => store
            .syncs()?
            .into_iter()
            .filter(|s| s.user == user && s.enabled)
            .collect(),
    };
    if syncs.is_empty() {
        return Err(CmdError::NotFound(
            "No syncs to run: add one with sync LOCAL REMOTE".into(),
        ));
    }
    let _lock = eng::take_lock(ctx, "; it keeps the syncs in step already")?;
    let (up, down) = eng::engines(ctx)?;
    let opts = engine::Options::from_env(xfer::upload_journals(ctx.state));
    let rt = ctx.state.runtime()?;
    let account = ctx.state.account.as_mut().ok_or(CmdError::NotLoggedIn)?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut log = Log::Stderr;
    let outcomes = super::context::block_on(&rt, async {
        engine::once(
            account,
            (&up, &down),
            &store,
            &syncs,
            &opts,
            stop,
            &mut |ev| log.write(&ev),
            8,
        )
        .await
    })??;
    let mut problems = Vec::new();
    for (s, o) in syncs.iter().zip(&outcomes) {
        if o.issues > 0 {
            problems.push(format!(
                "sync {}: {} path{} stalled (see sync-issues)",
                s.id,
                o.issues,
                if o.issues == 1 { "" } else { "s" }
            ));
        } else if !o.quiet() {
            problems.push(format!(
                "sync {}: not in step yet ({} failed, {} waiting to settle); run it again",
                s.id, o.errors, o.deferred
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CmdError::InvalidState(problems.join("; ")))
    }
}

/// Shorten `text` to `n` characters with `...` in the middle (MEGAcmd's way).
fn shorten(text: &str, n: Option<usize>) -> String {
    let chars: Vec<char> = text.chars().collect();
    match n {
        Some(n) if n >= 5 && chars.len() > n => {
            let head = (n - 3) / 2;
            let tail = n - 3 - head;
            let mut s: String = chars[..head].iter().collect();
            s.push_str("...");
            s.extend(&chars[chars.len() - tail..]);
            s
        }
        _ => text.to_string(),
    }
}

fn list(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    list_only(ctx, args, None)
}

fn list_only(ctx: &mut Ctx<'_>, args: &Args, only: Option<&str>) -> Result<(), CmdError> {
    let store = eng::store(ctx)?;
    let user = eng::user(ctx)?;
    let engine_pid = eng::running(ctx);
    let syncs: Vec<SyncConfig> = store
        .syncs()?
        .into_iter()
        .filter(|s| s.user == user && only.is_none_or(|o| o == s.id))
        .collect();
    let acct = ctx.account()?;
    let mut rows = Vec::new();
    let mut docs = Vec::new();
    for s in &syncs {
        let status = store.status(&s.id)?;
        let handle = Handle::from_b64(&s.remote).ok();
        let remote_path = match handle.and_then(|h| acct.cache.node(h).ok().flatten()) {
            Some(n) => remote::abs_path(acct, &n)?,
            None => s.remote_path.clone(),
        };
        let run_state = match (s.enabled, &engine_pid) {
            (false, _) => "Paused",
            (true, Some(_)) => "Running",
            (true, None) => "Pending",
        };
        let mut shown_status = if status.status.is_empty() {
            "NONE".to_string()
        } else {
            status.status.clone()
        };
        if status.polling {
            shown_status.push_str(" (rescans: inotify refused)");
        }
        let error = if status.error.is_empty() {
            "NO".to_string()
        } else {
            status.error.clone()
        };
        docs.push(json!({
            "id": s.id,
            "local": s.local.to_string_lossy(),
            "remote": remote_path,
            "handle": s.remote,
            "direction": s.direction.as_str(),
            "enabled": s.enabled,
            "run_state": run_state,
            "status": if status.status.is_empty() { "NONE" } else { status.status.as_str() },
            "polling": status.polling,
            "error": if status.error.is_empty() { None } else { Some(&status.error) },
            "size": status.size,
            "files": status.files,
            "dirs": status.dirs,
            "max_delete_percent": s.max_delete,
        }));
        let width: Option<usize> = args.value("path-display-size").and_then(|v| v.parse().ok());
        let mut remote_shown = shorten(&remote_path, width);
        if args.has("show-handles") {
            remote_shown.push_str(&format!(" <H:{}>", s.remote));
        }
        let direction = match s.direction {
            Direction::TwoWay => "",
            Direction::Up => " (up)",
            Direction::Down => " (down)",
        };
        rows.push(vec![
            s.id.clone(),
            shorten(&s.local.to_string_lossy(), width),
            format!("{remote_shown}{direction}"),
            run_state.to_string(),
            shown_status,
            error,
            size_to_text(status.size, true, false),
            status.files.to_string(),
            status.dirs.to_string(),
        ]);
    }
    if args.has("json") {
        let text =
            serde_json::to_string_pretty(&docs).map_err(|e| CmdError::Unexpected(e.to_string()))?;
        return ctx.ui.line(text);
    }
    if syncs.is_empty() {
        return Ok(());
    }
    let header = [
        "ID",
        "LOCALPATH",
        "REMOTEPATH",
        "RUN_STATE",
        "STATUS",
        "ERROR",
        "SIZE",
        "FILES",
        "DIRS",
    ];
    let cols = select_columns(&header, args.value("output-cols"))?;
    let mut table: Vec<Vec<String>> = vec![cols.iter().map(|&i| header[i].to_string()).collect()];
    for r in rows {
        table.push(cols.iter().map(|&i| r[i].clone()).collect());
    }
    for line in columns(&table, args.value("col-separator")) {
        ctx.ui.line(line)?;
    }
    Ok(())
}

/// The columns `--output-cols=A,B` asks for, as indexes into `header` (all without it).
pub fn select_columns(header: &[&str], spec: Option<&str>) -> Result<Vec<usize>, CmdError> {
    let Some(spec) = spec else {
        return Ok((0..header.len()).collect());
    };
    spec.split(',')
        .map(|c| {
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(c.trim()))
                .ok_or_else(|| {
                    CmdError::Args(format!(
                        "unknown column {c}; the columns are {}",
                        header.join(",")
                    ))
                })
        })
        .collect()
}

/// Left-aligned columns (the last unpadded), or joined by `sep`.
pub fn columns(rows: &[Vec<String>], sep: Option<&str>) -> Vec<String> {
    if let Some(sep) = sep {
        return rows.iter().map(|r| r.join(sep)).collect();
    }
    let n = rows.first().map_or(0, Vec::len);
    let mut widths = vec![0usize; n];
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                line.push_str(c);
                if i + 1 < n {
                    line.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count() + 1));
                }
            }
            line
        })
        .collect()
}
