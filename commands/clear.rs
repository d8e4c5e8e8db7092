//! `clear`: clear the terminal. Writes nothing when stdout is not a terminal, so a batch file
//! with `clear` in it does not put escape codes into a log.

use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "clear",
    aliases: &[],
    summary: "Clear the screen",
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
    if ctx.ui.out_is_terminal() {
        ctx.ui.raw("\x1b[H\x1b[2J\x1b[3J")?;
    }
    Ok(())
}
