//! `reload`: throw the node cache away and fetch the whole tree again (`f`), printing
//! MEGAcmd's `Reloading account...`. For when the cache is suspected wrong; normal commands
//! never need it (they catch up through `sc`).

use super::context::block_on;
use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "reload",
    aliases: &[],
    summary: "Reload the remote node tree",
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
    ctx.ui.line("Reloading account...")?;
    ctx.ui.flush()?;
    let rt = ctx.state.runtime()?;
    let acct = ctx.account()?;
    block_on(&rt, acct.reload())??;
    Ok(())
}
