//! `mount`: the account's root nodes and where they are in paths, MEGAcmd's lines:
//! `ROOT on /`, `INBOX on //in`, `RUBBISH on //bin` (a folder-link session has its folder as
//! `/` only). Incoming shares will follow as `INSHARE on //from/EMAIL:NAME (ACCESS)` once
//! megash has shares. From the cache, no network beyond the usual catch-up.

use super::{Args, Command, Ctx, Operand, Writes};
use crate::api::NodeType;
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "mount",
    aliases: &[],
    summary: "List the root nodes and their paths",
    usage: "",
    flags: &[],
    min_args: 0,
    max_args: Some(0),
    needs_login: true,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, _args: &Args) -> Result<(), CmdError> {
    ctx.synced()?;
    let acct = ctx.account()?;
    let mut lines = Vec::new();
    for (kind, name, path) in [
        (NodeType::Root, "ROOT", "/"),
        (NodeType::Inbox, "INBOX", "//in"),
        (NodeType::Rubbish, "RUBBISH", "//bin"),
    ] {
        if acct.cache.root_of(kind)?.is_some() {
            lines.push(format!("{name} on {path}"));
        }
        if acct.is_link() {
            break;
        }
    }
    for l in lines {
        ctx.ui.line(l)?;
    }
    Ok(())
}
