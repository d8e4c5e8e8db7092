//! `get`: download remote files and folders (recursively) to the local disk through the
//! transfer engine: parallel, MAC-verified, resumable; a file already there with the same
//! fingerprint is skipped, a different one makes MEGAcmd's ` (N)` name; `-m` merges into an
//! existing local folder.

use super::{remote, xfer, Args, Command, Ctx, Flag, Operand};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "get",
    aliases: &[],
    summary: "Download remote files and folders",
    usage: "[-m] [-q] [--ignore-quota-warn] [--use-pcre] remotepath [localpath]",
    flags: &[
        Flag::short('m', "Merge into an existing local folder of the same name"),
        Flag::short(
            'q',
            "Queue in the background (not yet: runs in the foreground)",
        ),
        Flag::long(
            "ignore-quota-warn",
            "Start even if the transfer quota may not suffice",
        ),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
    ],
    min_args: 1,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::Remote,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if args.has("q") {
        ctx.ui
            .warn("-q: background transfers are not supported yet; transferring in the foreground");
    }
    let path = &args.operands[0];
    let nodes = {
        let acct = ctx.synced()?;
        remote::resolve_pattern(acct, path)?
    };
    xfer::download(
        ctx,
        nodes,
        args.operands.get(1).map(String::as_str),
        args.has("m"),
    )
}
