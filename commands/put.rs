//! `put`: upload local files and folders (recursively) through the transfer engine:
//! parallel, with the `c` fingerprint set, resumable; a file whose fingerprint matches a
//! remote file of the same name there is skipped. `-c` creates a missing destination path.

use std::path::PathBuf;

use super::{xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "put",
    aliases: &[],
    summary: "Upload local files and folders",
    usage: "[-c] [-q] [--print-tag-at-start] localpath... [remotepath]",
    flags: &[
        Flag::short('c', "Create the destination folder path if it is missing"),
        Flag::short(
            'q',
            "Queue in the background of the shell and return at once (one-shot: foreground)",
        ),
        Flag::long(
            "print-tag-at-start",
            "Print the transfer tag when it starts",
        ),
        Flag::long(
            "ignore-quota-warn",
            "Accepted for MEGAcmd compatibility; no effect",
        ),
    ],
    min_args: 1,
    max_args: None,
    needs_login: true,
    operands: Operand::Local,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let queue = args.has("q") && xfer::can_queue(ctx, false);
    let (sources, remote) = match args.operands.split_last() {
        Some((last, rest)) if !rest.is_empty() => (rest, Some(last.as_str())),
        _ => (&args.operands[..], None),
    };
    let sources: Vec<PathBuf> = sources
        .iter()
        .map(|s| super::local::expand_tilde(s))
        .collect();
    for s in &sources {
        if std::fs::metadata(s).is_err() {
            return Err(CmdError::NotFound(format!(
                "Unable to open local path: {}",
                s.display()
            )));
        }
    }
    // Queued uploads print their tags as they start anyway.
    if args.has("print-tag-at-start") && !queue {
        for (i, s) in sources.iter().enumerate() {
            ctx.ui.line(format!(
                "Upload started: Tag = {}. Source = {}",
                i + 1,
                s.display()
            ))?;
        }
    }
    let target = xfer::remote_target(ctx, remote, sources.len(), args.has("c"))?;
    if queue {
        // One background transfer per source, as MEGAcmd tags each.
        let dest = remote.unwrap_or(".").to_string();
        for s in &sources {
            let plan = xfer::plan_upload(ctx, std::slice::from_ref(s), &target)?;
            let shown = s.display().to_string();
            let tag = super::xfer_queue::queue_upload(ctx, plan, shown.clone(), dest.clone())?;
            ctx.ui
                .line(format!("Upload started: Tag = {tag}. Source = {shown}"))?;
        }
        return Ok(());
    }
    xfer::upload(ctx, &sources, target)
}
