//! `history`: the lines entered in the shell, numbered from 0. The shell keeps them across
//! runs (in the state folder), so a one-shot `megash history` prints the saved ones.

use super::{Args, Command, Ctx, Operand};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "history",
    aliases: &[],
    summary: "Print the shell's command history",
    usage: "",
    flags: &[],
    min_args: 0,
    max_args: Some(0),
    needs_login: false,
    operands: Operand::None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, _args: &Args) -> Result<(), CmdError> {
    let saved;
    let lines: &[String] = if ctx.state.interactive {
        &ctx.state.history
    } else {
        saved = crate::shell::load_history(ctx.state.state_dir.as_deref());
        &saved
    };
    for (i, line) in lines.iter().enumerate() {
        ctx.ui.line(format_args!("{i:>4}  {line}"))?;
    }
    Ok(())
}
