//! `cp`: Copy remote files and folders. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Args, Command, Ctx, Flag, Operand};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "cp",
    aliases: &[],
    summary: "Copy remote files and folders",
    usage: "[--use-pcre] srcremotepath... dstremotepath|dstemail:",
    flags: &[Flag::long(
        "use-pcre",
        "Treat patterns as Perl-compatible regular expressions",
    )],
    min_args: 2,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    run: Some(run),
};

// Wired on branch `transfer` only so its tests run; branch `writecmds` owns this file: keep
// its run() and put the hook line first in it.
fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if super::transfer_cp::cp(ctx, args)? {
        return Ok(());
    }
    Err(CmdError::NotImplemented("cp"))
}
