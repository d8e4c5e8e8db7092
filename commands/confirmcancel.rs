//! `confirmcancel link password`: cancel the account with the link `cancel` had MEGA mail
//! (`erx`): the account and everything in it is deleted, and megash logs out. The password is
//! checked first (here, as the SDK does: it must unwrap this session's master key), so a
//! stray link alone deletes nothing. MEGAcmd's lines.

use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "confirmcancel",
    aliases: &[],
    summary: "Cancel (delete) the account with the link MEGA mailed",
    usage: "link password",
    flags: &[],
    min_args: 2,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::None,
    writes: Writes::Yes,
    may_hold_secret: true,
    more_help: Some("Everything in the account is deleted for good."),
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let link = args.operands[0].trim();
    let password = args.operands[1].clone();
    let code = link
        .rsplit_once("cancel")
        .map(|(_, c)| c.trim_matches('/').to_string())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            CmdError::Args(format!(
                "Invalid cancellation link: {}",
                crate::ui::terminal_safe(link)
            ))
        })?;
    let email = ctx.account()?.saved.session.email.clone();
    let checked = ctx.online(async |acct| {
        let client = acct.client().await?;
        client
            .password_matches(&email, &password)
            .await
            .map_err(|e| CmdError::api("check the password", e))
    })?;
    if !checked {
        return Err(CmdError::NotFound(
            "Confirm cancel account failed: invalid link/password".into(),
        ));
    }
    ctx.online(async |acct| {
        let client = acct.client().await?;
        client
            .confirm_cancel(&code)
            .await
            .map_err(|e| CmdError::api("Confirm cancel account", e))
    })?;
    if let Some(acct) = ctx.state.account.take() {
        // The server forgot the session with the account: only the files here remain.
        let _ = ctx.block_on(acct.logout(false));
    }
    ctx.ui.line("CONFIRM Account cancelled successfully")
}
