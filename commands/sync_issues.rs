//! `sync-issues`: the paths a sync stalled on (both sides changed, a name one side cannot
//! hold, a symlink, a deletion over the limit, a missing folder), each with its reason and
//! what to do. The rest of each sync goes on around them.

use serde_json::json;

use super::engine as eng;
use super::sync::{columns, select_columns};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;
use crate::sync::Issue;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "sync-issues",
    aliases: &[],
    summary: "Show the paths syncs stalled on, with why and what to do",
    usage: "[--detail (ID|--all)] [--limit=N] [--col-separator=X] [--output-cols=COLS] [--json]",
    flags: &[
        Flag::long(
            "detail",
            "Show the one with the ID given (or every one, with --all) in full",
        ),
        Flag::long("all", "With --detail: every issue"),
        Flag::opt("limit", "N", "Show at most N issues (default 10; 0: all)"),
        Flag::long(
            "disable-path-collapse",
            "Accepted for MEGAcmd compatibility",
        ),
        Flag::long("enable-warning", "Accepted for MEGAcmd compatibility"),
        Flag::long("disable-warning", "Accepted for MEGAcmd compatibility"),
        Flag::opt(
            "col-separator",
            "X",
            "Separate columns with X instead of spaces",
        ),
        Flag::opt("output-cols", "COLS", "Only these columns, in this order"),
        Flag::long("json", "Print the issues as JSON (megash extension)"),
    ],
    min_args: 0,
    max_args: Some(1),
    needs_login: true,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: Some(
        "Issues are found by the engine's passes (megash serve, the shell) or sync --once; \
         each stays listed until a pass finds the path in step again.",
    ),
    run: Some(run),
};

fn path_of(store_local: Option<&std::path::Path>, i: &Issue) -> String {
    match store_local {
        Some(l) if i.path.is_empty() => l.to_string_lossy().into_owned(),
        Some(l) => l.join(&i.path).to_string_lossy().into_owned(),
        None => i.path.clone(),
    }
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let store = eng::store(ctx)?;
    let user = eng::user(ctx)?;
    let syncs: Vec<_> = store
        .syncs()?
        .into_iter()
        .filter(|s| s.user == user)
        .collect();
    let issues: Vec<Issue> = store
        .issues(None)?
        .into_iter()
        .filter(|i| syncs.iter().any(|s| s.id == i.sync))
        .collect();
    let local_of = |i: &Issue| {
        syncs
            .iter()
            .find(|s| s.id == i.sync)
            .map(|s| s.local.as_path())
    };
    if args.has("json") {
        let docs: Vec<_> = issues
            .iter()
            .map(|i| {
                json!({
                    "id": i.id(),
                    "sync": i.sync,
                    "path": path_of(local_of(i), i),
                    "relative_path": i.path,
                    "reason": i.reason,
                    "advice": i.advice,
                    "since": i.since,
                })
            })
            .collect();
        let text =
            serde_json::to_string_pretty(&docs).map_err(|e| CmdError::Unexpected(e.to_string()))?;
        return ctx.ui.line(text);
    }
    if args.has("detail") && args.has("all") && issues.is_empty() {
        return ctx.ui.line("There are no sync issues");
    }
    if args.has("detail") {
        let shown: Vec<&Issue> = if args.has("all") {
            issues.iter().collect()
        } else {
            let [id] = args.operands.as_slice() else {
                return Err(CmdError::Args(
                    "sync-issues --detail takes an issue ID, or --all".into(),
                ));
            };
            let found: Vec<&Issue> = issues.iter().filter(|i| i.id() == *id).collect();
            if found.is_empty() {
                return Err(CmdError::NotFound(format!("Sync issue not found: {id}")));
            }
            found
        };
        for (n, i) in shown.iter().enumerate() {
            if n > 0 {
                ctx.ui.line("")?;
            }
            let since = chrono::DateTime::from_timestamp(i.since, 0)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default();
            ctx.ui
                .line(format!("Issue {} of sync {}", i.id(), i.sync))?;
            ctx.ui.line(format!(
                "  Path:   {}",
                crate::ui::terminal_safe(&path_of(local_of(i), i))
            ))?;
            ctx.ui.line(format!("  Reason: {}", i.reason))?;
            ctx.ui.line(format!("  To do:  {}", i.advice))?;
            ctx.ui.line(format!("  Since:  {since}"))?;
        }
        return Ok(());
    }
    if !args.operands.is_empty() {
        return Err(CmdError::Args(
            "sync-issues takes an issue ID only with --detail".into(),
        ));
    }
    if issues.is_empty() {
        return ctx.ui.line("There are no sync issues");
    }
    let limit = match args.value("limit") {
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| CmdError::Args(format!("--limit wants a number, not {v}")))?,
        None => 10,
    };
    let header = ["ISSUE_ID", "PARENT_SYNC", "PATH", "REASON"];
    let cols = select_columns(&header, args.value("output-cols"))?;
    let mut table = vec![cols
        .iter()
        .map(|&c| header[c].to_string())
        .collect::<Vec<_>>()];
    let shown = if limit == 0 {
        issues.len()
    } else {
        limit.min(issues.len())
    };
    for i in &issues[..shown] {
        let row = [
            i.id(),
            i.sync.clone(),
            crate::ui::terminal_safe(&path_of(local_of(i), i)).into_owned(),
            i.reason.clone(),
        ];
        table.push(cols.iter().map(|&c| row[c].clone()).collect());
    }
    for line in columns(&table, args.value("col-separator")) {
        ctx.ui.line(line)?;
    }
    if shown < issues.len() {
        ctx.ui.line(format!(
            " ...  Showing first {shown} issues of {}; use --limit=0 for all ...",
            issues.len()
        ))?;
    }
    ctx.ui
        .line("Use \"sync-issues --detail ID\" for what to do about an issue")
}
