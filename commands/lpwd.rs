//! `lpwd`: print the local current folder.

use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "lpwd",
    aliases: &[],
    summary: "Print the current local folder",
    usage: "",
    flags: &[],
    min_args: 0,
    max_args: Some(0),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, _args: &Args) -> Result<(), CmdError> {
    let dir = std::env::current_dir().map_err(|e| CmdError::io("current folder", e))?;
    ctx.ui.line(dir.display())
}
