//! `version`: the megash version, in MEGAcmd's `version` shape.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "version",
    aliases: &[],
    summary: "Print the version",
    usage: "[-l] [-c]",
    flags: &[
        Flag::short('l', "Show extended info: protocol and features"),
        Flag::short('c', "Show where to find the changes of this version"),
    ],
    min_args: 0,
    max_args: Some(0),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    ctx.ui.line(format_args!(
        "megash version: {}",
        env!("CARGO_PKG_VERSION")
    ))?;
    if args.has("l") {
        ctx.ui
            .line("Compatible with: MEGAcmd 2.5 commands, flags, output and exit codes")?;
        ctx.ui
            .line(format_args!("API server: {}", crate::api::DEFAULT_API_URL))?;
        ctx.ui
            .line("Features enabled: standalone (no background server), megasim")?;
    }
    if args.has("c") {
        ctx.ui.line("Changes: see the git history of this build")?;
    }
    Ok(())
}
