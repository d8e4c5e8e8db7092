//! `backup`: MEGAcmd's scheduled backups. `backup LOCAL REMOTE --period=P --num-backups=N`
//! records one (the first copy is made as soon as an engine runs); the engine makes a copy
//! `REMOTE/NAME_bk_TIME` every period and keeps the newest N. `-l` and `-h` list details and
//! history, `-d` removes a backup (its copies stay), `-a` aborts the copy under way;
//! `--once` makes a copy now, in the foreground (megash extension, for cron and scripts).

use super::engine::{self as eng, Log};
use super::sync::columns;
use super::timefmt::TimeFormat;
use super::{remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::NodeType;
use crate::error::CmdError;
use crate::sync::backup::{self, parse_period};
use crate::sync::store::BackupConfig;
use crate::sync::{Event, Store};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "backup",
    aliases: &[],
    summary: "Set up, list, abort or remove scheduled backups of local folders",
    usage: "(localpath remotepath --period=\"PERIOD\" --num-backups=N) | [-l|-h|-d|-a] [TAG|localpath] | --once [TAG|localpath] [--path-display-size=N] [--time-format=FMT]",
    flags: &[
        Flag::opt(
            "period",
            "PERIOD",
            "How often: a time (1d, 12h, 30M) or a 6-field cron expression (\"0 0 4 * * *\")",
        ),
        Flag::opt("num-backups", "N", "How many copies to keep"),
        Flag::short('l', "Show details: period, copies kept, next copy, the last copy"),
        Flag::short('h', "Show the history of copies"),
        Flag::short('d', "Remove the backup (its copies stay in the cloud)"),
        Flag::short('a', "Abort the copy under way"),
        Flag::long(
            "once",
            "Make a copy now, in the foreground (megash extension)",
        ),
        Flag::opt("path-display-size", "N", "Use N characters for paths"),
        Flag::opt("time-format", "FMT", "How times are shown (RFC2822, ISO6081, SHORT, ...)"),
    ],
    min_args: 0,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::Local,
    writes: Writes::When(writes),
    may_hold_secret: false,
    more_help: Some(
        "Copies are made by an engine (megash serve, or the open shell); `backup --once` makes \
         one in the foreground. A copy after the first uploads only what changed: unchanged \
         files and folders are copied in the cloud from the previous copy.",
    ),
    run: Some(run),
};

fn writes(args: &Args) -> bool {
    args.operands.len() == 2 || args.has("once")
}

fn find(ctx: &mut Ctx<'_>, store: &Store, which: &str) -> Result<BackupConfig, CmdError> {
    let user = eng::user(ctx)?;
    let all: Vec<BackupConfig> = store
        .backups()?
        .into_iter()
        .filter(|b| b.user == user)
        .collect();
    if let Some(b) = all.iter().find(|b| b.tag.to_string() == which) {
        return Ok(b.clone());
    }
    let p = eng::local_folder(which);
    all.into_iter()
        .find(|b| b.local == p)
        .ok_or_else(|| CmdError::NotFound(format!("Backup not found: {which}")))
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let store = eng::store(ctx)?;
    if args.has("once") {
        return once(ctx, args, &store);
    }
    if let [local, remote] = args.operands.as_slice() {
        return add(ctx, args, &store, local, remote);
    }
    if args.has("d") || args.has("a") {
        let [which] = args.operands.as_slice() else {
            return Err(CmdError::Args(
                "backup -d/-a takes one TAG or local path".into(),
            ));
        };
        let b = find(ctx, &store, which)?;
        if args.has("d") {
            store.remove_backup(b.tag)?;
            return Ok(());
        }
        let ongoing = store.runs(b.tag)?.iter().any(|r| r.status == "ONGOING");
        if !ongoing {
            return Err(CmdError::InvalidState(format!(
                "backup {}: no copy is under way",
                b.tag
            )));
        }
        store.set_backup_abort(b.tag, true)?;
        eng::notice_without_engine(ctx);
        return Ok(());
    }
    list(ctx, args, &store)
}

fn add(
    ctx: &mut Ctx<'_>,
    args: &Args,
    store: &Store,
    local: &str,
    remote_spec: &str,
) -> Result<(), CmdError> {
    let period_text = args.value("period").ok_or_else(|| {
        CmdError::Args("a new backup needs --period=\"1d\" (or a cron expression)".into())
    })?;
    parse_period(period_text).map_err(CmdError::Args)?;
    let num: u32 = args
        .value("num-backups")
        .ok_or_else(|| CmdError::Args("a new backup needs --num-backups=N".into()))?
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| CmdError::Args("--num-backups wants a number from 1".into()))?;
    let path = super::local::expand_tilde(local);
    let local_dir = match std::fs::canonicalize(&path) {
        Ok(p) if p.is_dir() => p,
        Ok(_) => return Err(CmdError::InvalidType(format!("{local}: not a folder"))),
        Err(_) => {
            return Err(CmdError::NotFound(format!(
                "Local directory {local} does not exist"
            )))
        }
    };
    let acct = ctx.synced()?;
    let node = remote::resolve_one(acct, remote_spec)?;
    if node.is_file() {
        return Err(CmdError::InvalidType(format!(
            "{remote_spec} must be a valid folder"
        )));
    }
    if acct
        .cache
        .ancestors(node.handle)?
        .iter()
        .any(|n| n.kind == NodeType::Rubbish)
    {
        return Err(CmdError::NotPermitted(format!(
            "{remote_spec} is in the rubbish bin"
        )));
    }
    let remote_path = remote::abs_path(acct, &node)?;
    let user = acct.saved.session.user_handle.clone();
    if store
        .backups()?
        .iter()
        .any(|b| b.user == user && b.local == local_dir)
    {
        return Err(CmdError::Exists(format!(
            "{} is backed up already",
            local_dir.display()
        )));
    }
    // The first copy as soon as an engine runs, then every period.
    let now = chrono::Utc::now().timestamp();
    store.add_backup(&BackupConfig {
        tag: 0,
        user,
        local: local_dir.clone(),
        remote: node.handle.to_b64(),
        remote_path: remote_path.clone(),
        period: period_text.to_string(),
        num,
        next: now,
        abort: false,
    })?;
    ctx.ui.line(format!(
        "Backup established: {} into {remote_path} period=\"{period_text}\" Number-of-Backups={num}",
        local_dir.display()
    ))?;
    eng::notice_without_engine(ctx);
    Ok(())
}

fn once(ctx: &mut Ctx<'_>, args: &Args, store: &Store) -> Result<(), CmdError> {
    let user = eng::user(ctx)?;
    let chosen: Vec<BackupConfig> = match args.operands.as_slice() {
        [] => store
            .backups()?
            .into_iter()
            .filter(|b| b.user == user)
            .collect(),
        [which] => vec![find(ctx, store, which)?],
        _ => {
            return Err(CmdError::Args(
                "backup --once takes at most one TAG or local path".into(),
            ))
        }
    };
    if chosen.is_empty() {
        return Err(CmdError::NotFound(
            "No backups: set one up with backup LOCAL REMOTE --period=1d --num-backups=N".into(),
        ));
    }
    let _lock = eng::take_lock(ctx, "; it makes the copies")?;
    let (up, _) = eng::engines(ctx)?;
    let rt = ctx.state.runtime()?;
    let account = ctx.state.account.as_mut().ok_or(CmdError::NotLoggedIn)?;
    let mut log = Log::Stderr;
    let mut failed = Vec::new();
    for b in &chosen {
        let mut write = |ev: Event| log.write(&ev);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let made =
            super::context::block_on(&rt, backup::run(account, &up, store, b, &stop, &mut write))?;
        match made {
            Ok(r) if r.status == "COMPLETE" => {}
            Ok(r) => failed.push(format!("backup {}: {}", b.tag, r.status)),
            Err(e) => failed.push(format!("backup {}: {e}", b.tag)),
        }
        if let Ok(p) = backup::parse_period(&b.period) {
            store.set_backup_next(b.tag, p.next_after(chrono::Utc::now().timestamp()))?;
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CmdError::InvalidState(failed.join("; ")))
    }
}

fn list(ctx: &mut Ctx<'_>, args: &Args, store: &Store) -> Result<(), CmdError> {
    let user = eng::user(ctx)?;
    let fmt = TimeFormat::from_option(args.value("time-format"), TimeFormat::rfc2822())?;
    let width: Option<usize> = args.value("path-display-size").and_then(|v| v.parse().ok());
    let mut all: Vec<BackupConfig> = store
        .backups()?
        .into_iter()
        .filter(|b| b.user == user)
        .collect();
    if let Some(which) = args.operands.first() {
        let b = find(ctx, store, which)?;
        all.retain(|x| x.tag == b.tag);
    }
    if all.is_empty() {
        return Ok(());
    }
    let short = |s: &str| match width {
        Some(n) if s.chars().count() > n => s.chars().take(n).collect(),
        _ => s.to_string(),
    };
    let mut table = vec![vec![
        "TAG".to_string(),
        "LOCALPATH".into(),
        "REMOTEPARENTPATH".into(),
        "STATUS".into(),
    ]];
    let mut details = Vec::new();
    for b in &all {
        let runs = store.runs(b.tag)?;
        let status = match runs.last() {
            Some(r) if r.status == "ONGOING" => "ONGOING",
            _ => "ACTIVE",
        };
        table.push(vec![
            b.tag.to_string(),
            short(&b.local.to_string_lossy()),
            short(&b.remote_path),
            status.to_string(),
        ]);
        details.push((b.clone(), runs));
    }
    let lines = columns(&table, None);
    ctx.ui.line(&lines[0])?;
    for (line, (b, runs)) in lines[1..].iter().zip(details) {
        ctx.ui.line(line)?;
        if args.has("l") {
            ctx.ui.line(format!("  Max Backups:   {}", b.num))?;
            ctx.ui.line(format!("  Period:         \"{}\"", b.period))?;
            ctx.ui.line(format!(
                "  Next backup scheduled for: {}",
                fmt.render(b.next)
            ))?;
            if let Some(r) = runs.last() {
                ctx.ui.line("   -- CURRENT/LAST BACKUP --")?;
                ctx.ui.line(format!(
                    "  {} {}: {} files ({} uploaded, {} copied in the cloud), {} folders",
                    r.name, r.status, r.files, r.uploaded, r.copied, r.folders
                ))?;
            }
        }
        if args.has("h") && !runs.is_empty() {
            ctx.ui.line("   -- HISTORY OF BACKUPS --")?;
            let mut rows = vec![vec![
                "NAME".to_string(),
                "DATE".into(),
                "STATUS".into(),
                "FILES".into(),
                "FOLDERS".into(),
            ]];
            for r in &runs {
                rows.push(vec![
                    short(&r.name),
                    fmt.render(r.started),
                    r.status.clone(),
                    r.files.to_string(),
                    r.folders.to_string(),
                ]);
            }
            for l in columns(&rows, None) {
                ctx.ui.line(format!("  {l}"))?;
            }
        }
    }
    Ok(())
}
