//! `quit` / `exit`: leave the shell (or stop a batch). There is no background server to stop,
//! so `--only-shell` is accepted and means the same.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "quit",
    aliases: &["exit"],
    summary: "Quit the shell",
    usage: "[--only-shell]",
    flags: &[Flag::long(
        "only-shell",
        "Accepted for MEGAcmd compatibility: megash has no server to keep running",
    )],
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
    ctx.state.quit_requested = true;
    Ok(())
}
