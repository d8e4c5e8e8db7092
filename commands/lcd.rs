//! `lcd`: change the local current folder (where `get` saves and `put` reads relative paths).
//! Only the shell and batch files keep it between commands; a one-shot `mega-lcd` is
//! accepted, as in MEGAcmd, and only checks the folder.

use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "lcd",
    aliases: &[],
    summary: "Change the current local folder",
    usage: "localfolder",
    flags: &[],
    min_args: 1,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::LocalDir,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(_ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let path = &args.operands[0];
    let not_valid = || CmdError::InvalidType(format!("Not a valid folder: {path}"));
    let path = super::local::expand_tilde(path);
    if !path.is_dir() {
        return Err(not_valid());
    }
    std::env::set_current_dir(&path).map_err(|_| not_valid())
}
