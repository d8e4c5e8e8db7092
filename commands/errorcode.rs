//! `errorcode`: translate a MEGAcmd exit code, or a MEGA API error number, to its text.

use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::{self, CmdError};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "errorcode",
    aliases: &[],
    summary: "Translate an error code into its text",
    usage: "number",
    flags: &[],
    min_args: 1,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let text = &args.operands[0];
    let n: i64 = text
        .parse()
        .map_err(|_| CmdError::Args(format!("Invalid error code: {text}")))?;
    ctx.ui.line(error::code_text(n))
}
