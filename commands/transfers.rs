//! `transfers`: list the shell's background transfers (`get -q`, `put -q`) in MEGAcmd's
//! layout (TYPE TAG SOURCEPATH DESTINYPATH PROGRESS STATE, ⇓ download / ⇑ upload), cancel
//! (`-c`, the partial file is removed), pause (`-p`) and resume (`-r`) them by tag or all
//! (`-a`). Foreground transfers are not listed: the command that runs them holds the prompt.

use super::xfer_queue::{self, Entry};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;
use crate::ui::{percentage_to_text, size_to_text};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "transfers",
    aliases: &[],
    summary: "List, pause, resume or cancel the shell's background transfers",
    usage: "[-c TAG|-a] | [-p TAG|-a] | [-r TAG|-a] [--only-downloads|--only-uploads] [--summary] [--show-completed] [--show-syncs]",
    flags: &[
        Flag::short('c', "Cancel the transfer TAG (with -a: all)"),
        Flag::short('p', "Pause the transfer TAG (with -a: all)"),
        Flag::short('r', "Resume the transfer TAG (with -a: all)"),
        Flag::short('a', "Every transfer, for -c, -p or -r"),
        Flag::long("only-downloads", "Downloads only"),
        Flag::long("only-uploads", "Uploads only"),
        Flag::long("summary", "Counts and bytes instead of the list"),
        Flag::long("show-completed", "Also list finished and cancelled transfers"),
        Flag::long(
            "show-syncs",
            "Also list the transfers a running engine does for syncs (type ⇵)",
        ),
    ],
    min_args: 0,
    max_args: None,
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

/// Transfers listed without `--limit` (MEGAcmd's default).
const LIMIT: usize = 10;

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let wanted = |e: &Entry| {
        !(args.has("only-downloads") && e.upload || args.has("only-uploads") && !e.upload)
    };
    let action = ["c", "p", "r"].into_iter().find(|a| args.has(a));
    if let Some(action) = action {
        return act(ctx, args, action, &wanted);
    }
    if !args.operands.is_empty() {
        return Err(CmdError::Args(
            "transfers takes tags only with -c, -p or -r".into(),
        ));
    }
    let all: Vec<_> = xfer_queue::entries()
        .into_iter()
        .filter(|e| wanted(e))
        .collect();
    if args.has("summary") {
        return summary(ctx, &all);
    }
    let shown: Vec<_> = all
        .iter()
        .filter(|e| {
            args.has("show-completed")
                || !matches!(
                    e.phase(),
                    xfer_queue::Phase::Completed | xfer_queue::Phase::Cancelled
                )
        })
        .collect();
    let syncing = if args.has("show-syncs") {
        sync_rows(ctx, args)?
    } else {
        Vec::new()
    };
    if shown.is_empty() && syncing.is_empty() {
        return Ok(());
    }
    let mut rows = vec![[
        "TYPE".to_string(),
        "TAG".into(),
        "SOURCEPATH".into(),
        "DESTINYPATH".into(),
        "PROGRESS".into(),
        "STATE".into(),
    ]];
    for e in shown.iter().take(LIMIT) {
        let fraction = if e.total == 0 {
            1.0
        } else {
            e.done() as f64 / e.total as f64
        };
        rows.push([
            if e.upload { "⇑" } else { "⇓" }.to_string(),
            e.tag.to_string(),
            crate::ui::terminal_safe(&e.source).into_owned(),
            crate::ui::terminal_safe(&e.dest).into_owned(),
            format!(
                "{} of {:>10}",
                percentage_to_text(fraction),
                size_to_text(e.total, true, true)
            ),
            e.state().to_string(),
        ]);
    }
    rows.extend(syncing);
    for line in columns(&rows) {
        ctx.ui.line(line)?;
    }
    if shown.len() > LIMIT {
        ctx.ui
            .line(format!(" ...  Showing first {LIMIT} transfers ..."))?;
    }
    for e in shown.iter().take(LIMIT) {
        if let Some(why) = e.error() {
            ctx.ui.warn(format!("Transfer {} failed: {why}", e.tag));
        }
    }
    Ok(())
}

/// Left-aligned columns one space apart (the last one unpadded).
/// The sync transfers under way in a running engine (none without one), as listing rows.
fn sync_rows(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<[String; 6]>, CmdError> {
    if super::engine::running(ctx).is_none() {
        return Ok(Vec::new());
    }
    let store = super::engine::store(ctx)?;
    let syncs = store.syncs()?;
    let mut rows = Vec::new();
    for (id, path, upload, size) in store.transfers()? {
        if args.has("only-downloads") && upload || args.has("only-uploads") && !upload {
            continue;
        }
        let Some(s) = syncs.iter().find(|s| s.id == id) else {
            continue;
        };
        let local = s.local.join(&path).to_string_lossy().into_owned();
        let remote = format!("{}/{path}", s.remote_path.trim_end_matches('/'));
        let (from, to) = if upload {
            (local, remote)
        } else {
            (remote, local)
        };
        rows.push([
            "⇵".to_string(),
            "-".into(),
            crate::ui::terminal_safe(&from).into_owned(),
            crate::ui::terminal_safe(&to).into_owned(),
            format!("{:>10}", size_to_text(size, true, true)),
            "ACTIVE".into(),
        ]);
    }
    Ok(rows)
}

/// MEGAcmd's listing layout (the helper `sync`, `sync-issues` and `backup` use too).
fn columns<const N: usize>(rows: &[[String; N]]) -> Vec<String> {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
    super::sync::columns(&rows, None)
}

/// `-c`/`-p`/`-r` on the tags given (or all with `-a`).
fn act(
    ctx: &mut Ctx<'_>,
    args: &Args,
    action: &str,
    wanted: &dyn Fn(&Entry) -> bool,
) -> Result<(), CmdError> {
    let entries = xfer_queue::entries();
    let targets: Vec<_> = if args.has("a") {
        entries
            .into_iter()
            .filter(|e| e.running() && wanted(e))
            .collect()
    } else {
        if args.operands.is_empty() {
            return Err(CmdError::Args(format!(
                "-{action} needs a transfer TAG or -a"
            )));
        }
        let mut found = Vec::new();
        for t in &args.operands {
            let tag = t.parse::<u32>().ok();
            let entry = tag.and_then(|tag| entries.iter().find(|e| e.tag == tag));
            match entry {
                Some(e) if e.running() => found.push(e.clone()),
                // Listed by --show-completed: say what became of it rather than "not found".
                Some(e) => {
                    return Err(CmdError::InvalidState(format!(
                        "Transfer {} already ended ({}): -{action} applies to running transfers",
                        e.tag,
                        e.state(),
                    )))
                }
                None => {
                    return Err(CmdError::NotFound(format!(
                        "Could not find transfer with tag: {}",
                        crate::ui::terminal_safe(t)
                    )))
                }
            }
        }
        found
    };
    for e in targets {
        let done = match action {
            "c" => {
                e.cancel();
                "cancelled"
            }
            "p" => {
                e.set_paused(true);
                "paused"
            }
            _ => {
                e.set_paused(false);
                "resumed"
            }
        };
        ctx.ui
            .line(format!("Transfer {} {done} successfully.", e.tag))?;
    }
    Ok(())
}

/// `--summary`: counts and bytes per direction.
fn summary(ctx: &mut Ctx<'_>, all: &[std::sync::Arc<Entry>]) -> Result<(), CmdError> {
    let side = |up: bool| {
        let es: Vec<_> = all.iter().filter(|e| e.upload == up).collect();
        let done: u64 = es.iter().map(|e| e.done()).sum();
        let total: u64 = es.iter().map(|e| e.total).sum();
        let fraction = if total == 0 {
            1.0
        } else {
            done as f64 / total as f64
        };
        [
            es.len().to_string(),
            size_to_text(done, true, true),
            size_to_text(total, true, true),
            percentage_to_text(fraction),
        ]
    };
    let (d, u) = (side(false), side(true));
    let rows = [
        [
            "NUM DOWNLOADS".to_string(),
            "DOWNLOADED".into(),
            "TOTAL".into(),
            "%".into(),
            "NUM UPLOADS".into(),
            "UPLOADED".into(),
            "TOTAL".into(),
            "%".into(),
        ],
        [
            d[0].clone(),
            d[1].clone(),
            d[2].clone(),
            d[3].clone(),
            u[0].clone(),
            u[1].clone(),
            u[2].clone(),
            u[3].clone(),
        ],
    ];
    for line in columns(&rows) {
        ctx.ui.line(line)?;
    }
    Ok(())
}
