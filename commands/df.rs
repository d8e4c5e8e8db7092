//! `df`: storage per root (Cloud drive, Inbox, Rubbish bin: bytes, files, folders, summed in
//! the cache) and the account's used storage against its quota (`uq`, one request), in
//! MEGAcmd's layout (megacmd.md §3.5): label column 22, sizes right-aligned in 12, counts in
//! 7, 75 dashes, `USED STORAGE:` with `P% of MAX`. `--json` prints one document instead.
//! Not available in a folder-link session (no account, no quota).

use serde_json::json;

use super::{storage, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;
use crate::ui::{percentage_to_text, size_to_text};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "df",
    aliases: &[],
    summary: "Print the account storage usage",
    usage: "[-h] [--json]",
    flags: &[
        Flag::short('h', "Human-readable sizes"),
        Flag::long(
            "json",
            "Print one JSON document with stable field names (megash extension)",
        ),
    ],
    min_args: 0,
    max_args: Some(0),
    needs_login: true,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if ctx.account()?.is_link() {
        return Err(CmdError::NotPermitted(
            "df: a folder link session has no account storage; use du for the link's size".into(),
        ));
    }
    let human = args.has("h");
    let quota = ctx.online(async |a| Ok(a.client().await?.quota().await?))?;
    let acct = ctx.account()?;
    let roots = storage::roots(acct)?;
    if args.has("json") {
        return ctx.ui.line(json!({
            "roots": roots.iter().map(storage::Usage::to_json).collect::<Vec<_>>(),
            "storage": storage::quota_json(&quota),
            "versions_bytes": storage::version_bytes(&roots),
        }));
    }
    let size = |b: u64| size_to_text(b, human, true);
    for r in &roots {
        ctx.ui.line(format!(
            "{:<22}{:>12} in {:>7} file(s) and {:>7} folder(s)",
            format!("{}:", r.label()),
            size(r.totals.bytes),
            r.totals.files,
            r.totals.folders
        ))?;
    }
    let dashes = "-".repeat(75);
    ctx.ui.line(&dashes)?;
    let ratio = quota.storage_used as f64 / quota.storage_max as f64;
    let of = format!(
        "{} of {}",
        percentage_to_text(ratio),
        size(quota.storage_max)
    );
    ctx.ui.line(format!(
        "{:<22}{:>12}  {of:>39}",
        "USED STORAGE:",
        size(quota.storage_used)
    ))?;
    ctx.ui.line(&dashes)?;
    ctx.ui.line(format!(
        "Total size taken up by file versions: {:>12}",
        size(storage::version_bytes(&roots))
    ))
}
