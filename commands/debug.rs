//! `debug`: every log level to the most (VERBOSE), as MEGAcmd's `debug` (= `log 5`).

use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "debug",
    aliases: &[],
    summary: "Set every log level of megash's log file to VERBOSE",
    usage: "",
    flags: &[],
    min_args: 0,
    max_args: Some(0),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: Some("Same as `log VERBOSE`; `log ERROR` goes back to the default."),
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, _args: &Args) -> Result<(), CmdError> {
    super::log::set_and_show(ctx, Some(5), true, true)
}
