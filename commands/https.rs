//! `https`: whether transfer URLs are requested over HTTPS (`ssl:2` on `g` and `u`) or over
//! HTTP (MEGA's default: the data is encrypted end to end either way). Persisted in the state
//! directory; with no argument, prints the current mode as MEGAcmd does.

use super::{xfer, Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "https",
    aliases: &[],
    summary: "Use HTTPS for transfers",
    usage: "[on|off]",
    flags: &[],
    min_args: 0,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let mut settings = xfer::settings(ctx.state);
    let Some(arg) = args.operands.first() else {
        let mode = if settings.https { "HTTPS" } else { "HTTP" };
        return ctx.ui.line(format!("File transfer is done using {mode}"));
    };
    settings.https = match arg.as_str() {
        "on" => true,
        "off" => false,
        other => {
            return Err(CmdError::Args(format!(
                "Invalid argument {}: use on or off",
                crate::ui::terminal_safe(other)
            )))
        }
    };
    xfer::save_settings(ctx.state, &settings)?;
    let mode = if settings.https { "HTTPS" } else { "HTTP" };
    ctx.ui.line(format!("File transfer now uses {mode}"))
}
