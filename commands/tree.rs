//! `tree`: MEGAcmd's `tree [--show-handles] [remotepath]`, which is `ls --tree`: the path
//! given (or `.`), then the folder's descendants with box-drawing prefixes, read folder by
//! folder from the cache.

use super::ls::{print_tree, Opts};
use super::{pattern, Args, Command, Ctx, Flag, Operand};
use crate::error::CmdError;
use crate::ui::terminal_safe;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "tree",
    aliases: &[],
    summary: "Print a tree view of a remote folder",
    usage: "[--show-handles] [remotepath]",
    flags: &[Flag::long("show-handles", "Show node handles (H:XXXXXXXX)")],
    min_args: 0,
    max_args: Some(1),
    needs_login: true,
    operands: Operand::Remote,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let o = Opts::tree(args.has("show-handles"));
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let given = args.operands.first().map(String::as_str);
    let targets = match given {
        Some(p) => pattern::resolve(acct, p, false)?,
        None => acct.cwd()?.into_iter().collect(),
    };
    let ui = &mut *ctx.ui;
    let several = targets.len() > 1;
    for (i, t) in targets.iter().enumerate() {
        if several && i > 0 {
            ui.line("")?;
        }
        let shown = match given {
            Some(p) if !several => p.to_string(),
            Some(_) => super::remote::display_path(acct, t)?,
            None => ".".into(),
        };
        ui.line(terminal_safe(&shown))?;
        if t.kind.is_container() {
            print_tree(acct, ui, t, "", &o)?;
        }
    }
    Ok(())
}
