//! `df`: storage per root (Cloud drive, Inbox, Rubbish bin: bytes, files, folders, summed in
//! the cache) and the account's used storage against its quota (`uq`), in MEGAcmd's layout
//! (megacmd.md §3.5). `--json` prints one document instead.

use serde_json::json;

use super::{storage, Args, Command, Ctx, Flag, Operand};
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
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let human = args.has("h");
    let quota = ctx.online(async |a| Ok(a.client().await?.quota().await?))?;
    let acct = ctx.account()?;
    let roots = storage::roots(acct)?;
    if args.has("json") {
        return ctx.ui.line(json!({
            "roots": roots.iter().map(storage::Usage::to_json).collect::<Vec<_>>(),
            "storage": storage::quota_json(&quota),
            "versions_bytes": 0,
        }));
    }
    let size = |b: u64| size_to_text(b, human, true);
    let dashes = "-".repeat(75);
    for r in &roots {
        ctx.ui.line(format!(
            "{:<22}{:>12} in {:>7} file(s) and {:>7} folder(s)",
            format!("{}:", r.label()),
            size(r.totals.bytes),
            r.totals.files,
            r.totals.folders
        ))?;
    }
    ctx.ui.line(&dashes)?;
    let ratio = if quota.storage_max == 0 {
        f64::NAN
    } else {
        quota.storage_used as f64 / quota.storage_max as f64
    };
    ctx.ui.line(format!(
        "{:<22}{:>12}{:>26} of{:>12}",
        "USED STORAGE:",
        size(quota.storage_used),
        percentage_to_text(ratio),
        size(quota.storage_max)
    ))?;
    ctx.ui.line(&dashes)?;
    // The cache keeps no version history, so versions take no space here.
    ctx.ui.line(format!(
        "Total size taken up by file versions: {:>12}",
        size(0)
    ))
}
