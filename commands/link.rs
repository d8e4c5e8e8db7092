//! `link PATH`: the public link of PATH and nothing else on stdout, created if there is none
//! yet (megash's script-friendly form of `export -a`; like `export -a -f`, it accepts MEGA's
//! copyright notice, since a script cannot answer it).

use super::{export, remote, Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "link",
    aliases: &[],
    summary: "Print the public link of a remote path, creating it if needed (megash extension)",
    usage: "remotepath",
    flags: &[],
    min_args: 1,
    max_args: Some(1),
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let path = &args.operands[0];
    let acct = ctx.synced()?;
    let node = remote::resolve_one(acct, path)?;
    if let Some(link) = export::link_of(acct, &node)? {
        return ctx.ui.line(link);
    }
    if acct.cache.public_handle(node.handle)?.is_some() {
        // Exported, but this cache does not hold the folder's share key (the link was made
        // elsewhere before the last full fetch): `reload` fetches it.
        return Err(CmdError::NotFound(format!(
            "{path} is exported, but its link key is not in the local cache; run \"reload\" and try again"
        )));
    }
    let (_, link) = export::export_one(ctx, path, None, true)?;
    ctx.ui.line(link)
}
