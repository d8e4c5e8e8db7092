//! `log [-c|-s] [LEVEL]`: the levels of megash's own log, written to `megash.log` in the state
//! directory (mode 0600, rotated at 1 MiB to `megash.log.1` … `.3`). As MEGAcmd's: `-c` is
//! the command layer, `-s` the protocol library (MEGAcmd's SDK), neither means both; levels
//! FATAL, ERROR (the default), WARNING, INFO, DEBUG, VERBOSE or their numbers 0–5. Kept in the
//! settings, so every later command logs alike. The log never holds sids, keys or bodies.

use super::xfer_settings::{log_level_name, parse_log_level, LOG_LEVELS};
use super::{xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "log",
    aliases: &[],
    summary: "Show or set the log levels of megash's log file",
    usage: "[-c|-s] [level]",
    flags: &[
        Flag::short('c', "The command layer's level"),
        Flag::short('s', "The protocol library's level (MEGAcmd's SDK level)"),
    ],
    min_args: 0,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: Some("The log file is megash.log in the state directory ($MEGASH_HOME)."),
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let (c, s) = match (args.has("c"), args.has("s")) {
        (false, false) => (true, true),
        other => other,
    };
    let level = match args.operands.first() {
        Some(v) => Some(parse_log_level(v).ok_or_else(|| {
            CmdError::Args(format!(
                "Invalid log level {}: use one of {} or 0-5",
                crate::ui::terminal_safe(v),
                LOG_LEVELS.join(", ")
            ))
        })?),
        None => None,
    };
    set_and_show(ctx, level, c, s)
}

/// Set (when `level` is given) and print the chosen levels; shared with `debug`.
pub fn set_and_show(
    ctx: &mut Ctx<'_>,
    level: Option<u8>,
    commands: bool,
    api: bool,
) -> Result<(), CmdError> {
    let mut settings = xfer::settings(ctx.state);
    if let Some(l) = level {
        if commands {
            settings.cmd_log_level = Some(l);
        }
        if api {
            settings.api_log_level = Some(l);
        }
        xfer::save_settings(ctx.state, &settings)?;
    }
    if commands {
        ctx.ui.line(format!(
            "megash log level = {}",
            log_level_name(settings.cmd_log_level)
        ))?;
    }
    if api {
        ctx.ui.line(format!(
            "API log level = {}",
            log_level_name(settings.api_log_level)
        ))?;
    }
    Ok(())
}
