//! `permissions [(--files|--folders) [-s XXX]]`: the modes downloads give to files and to the
//! folders they create (MEGAcmd's defaults 600 and 700). Files must stay readable and writable
//! by their owner (6 or 7 first), folders fully usable by theirs (7 first). Kept in the
//! settings; a download's file has its mode before any byte is written to it.

use super::{xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "permissions",
    aliases: &[],
    summary: "Show or set the permissions of downloaded files and folders",
    usage: "[(--files|--folders) [-s XXX]]",
    flags: &[
        Flag::long("files", "Files' permissions"),
        Flag::long("folders", "Folders' permissions"),
        Flag::short('s', "Set them to XXX (octal, e.g. 640)"),
    ],
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
    let (files_flag, folders_flag) = (args.has("files"), args.has("folders"));
    let set = args.has("s");
    let usage = || CmdError::Usage {
        problem: None,
        usage: COMMAND.usage_line(),
    };
    if (set && (args.operands.len() != 1 || files_flag == folders_flag))
        || (!set && !args.operands.is_empty())
    {
        return Err(usage());
    }
    let (files, folders) = if files_flag || folders_flag {
        (files_flag, folders_flag)
    } else {
        (true, true)
    };
    let mut settings = xfer::settings(ctx.state);
    if let Some(v) = args.operands.first() {
        let invalid = || CmdError::Args(format!("Invalid permissions value: {v}"));
        let mode = super::xfer_settings::allowed_mode(v, folders).ok_or_else(invalid)?;
        if files {
            settings.permissions_files = Some(mode);
        } else {
            settings.permissions_folders = Some(mode);
        }
        xfer::save_settings(ctx.state, &settings)?;
    }
    if files {
        ctx.ui.line(format!(
            "Default files permissions: {:03o}",
            settings.file_mode()
        ))?;
    }
    if folders {
        ctx.ui.line(format!(
            "Default folders permissions: {:03o}",
            settings.folder_mode()
        ))?;
    }
    Ok(())
}
