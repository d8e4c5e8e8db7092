//! `logout`: end the session on the server (`sml`) and delete the saved session and node
//! cache. `--keep-session` only forgets it in this process and prints the session string,
//! as MEGAcmd does, so it can be resumed with `login SESSION`.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "logout",
    aliases: &[],
    summary: "Log out",
    usage: "[--keep-session]",
    flags: &[Flag::long(
        "keep-session",
        "Keep the session and cache to resume later",
    )],
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
    let keep = args.has("keep-session");
    ctx.account()?;
    let Some(account) = ctx.state.account.take() else {
        return Err(CmdError::NotLoggedIn);
    };
    ctx.ui.line("Logging out...")?;
    if keep {
        let sid = account.session_string();
        ctx.ui.line("Session closed but not deleted. Warning: it will be restored the next time you execute the application. Execute \"logout\" to delete the session permanently.")?;
        ctx.ui
            .line(format!("You can also login with the session id: {sid}"))?;
        return Ok(());
    }
    let user = account.saved.session.user_handle.clone();
    ctx.block_on(account.logout(false))??;
    // As MEGAcmd: a full logout forgets the account's syncs and backups (the folders and the
    // copies stay as they are).
    if let Ok(store) = super::engine::store(ctx) {
        store.remove_user(&user)?;
    }
    Ok(())
}
