//! `cd`: change the current remote folder. It is stored in the node cache, so it holds for
//! later one-shot commands too (MEGAcmd keeps one cwd on its server); with no operand, the
//! Cloud Drive root.

use super::{remote, Args, Command, Ctx, Operand, Writes};
use crate::api::NodeType;
use crate::error::CmdError;
use crate::ui::terminal_safe;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "cd",
    aliases: &[],
    summary: "Change the current remote folder",
    usage: "[remotepath]",
    flags: &[],
    min_args: 0,
    max_args: Some(1),
    needs_login: true,
    operands: Operand::RemoteDir,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let acct = ctx.synced()?;
    let target = match args.operands.first() {
        Some(p) => remote::resolve_one(acct, p)?,
        // MEGAcmd: `cd` alone goes to the root.
        None => acct
            .cache
            .root_of(NodeType::Root)?
            .ok_or_else(|| CmdError::NoFetch("The node tree has no root".into()))?,
    };
    if !target.kind.is_container() {
        let p = args.operands.first().map(String::as_str).unwrap_or("/");
        return Err(CmdError::NotFound(format!(
            "{}: Not a directory",
            terminal_safe(p)
        )));
    }
    acct.cache.set_cwd(target.handle)?;
    Ok(())
}
