//! `pwd`: print the current remote folder. The folder is kept in the node cache, so it
//! persists between one-shot commands (`mega-cd` then `mega-pwd`), as MEGAcmd's does.

use super::{remote, Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;
use crate::ui::terminal_safe;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "pwd",
    aliases: &[],
    summary: "Print the current remote folder",
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
    let acct = ctx.synced()?;
    let path = match acct.cwd()? {
        Some(n) => remote::abs_path(acct, &n)?,
        None => "/".into(),
    };
    ctx.ui.line(terminal_safe(&path))
}
