//! `graphics [on|off]`: whether uploads of images (JPEG, PNG, GIF, WebP) get a thumbnail and a
//! preview, as MEGAcmd's (on by default; MEGA's web and mobile apps show only what the
//! uploader made). Kept in the settings; prints `Graphic features enabled` / `disabled`.

use super::{xfer, Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "graphics",
    aliases: &[],
    summary: "Make thumbnails and previews of uploaded images (on|off)",
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
    if let Some(arg) = args.operands.first() {
        settings.graphics = Some(match arg.as_str() {
            "on" => true,
            "off" => false,
            _ => {
                return Err(CmdError::Usage {
                    problem: None,
                    usage: COMMAND.usage_line(),
                })
            }
        });
        xfer::save_settings(ctx.state, &settings)?;
    }
    let state = if settings.graphics() {
        "enabled"
    } else {
        "disabled"
    };
    ctx.ui.line(format!("Graphic features {state}"))
}
