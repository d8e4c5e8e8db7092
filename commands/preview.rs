//! `preview [-s] remotepath [localpath]`: `thumbnail` for the preview (file attribute 1, the
//! image fitting 1000×1000 that MEGA's apps show when a picture is opened).

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "preview",
    aliases: &[],
    summary: "Save a file's preview, or set it from a local image (-s)",
    usage: "[-s] remotepath [localpath]",
    flags: &[Flag::short('s', "Set the preview from the local image")],
    min_args: 1,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::RemoteThenLocal,
    writes: Writes::When(super::thumbnail::setting),
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    super::thumbnail::picture(ctx, args, crate::api::transfer::PREVIEW)
}
