//! `psa [--discard]`: MEGA's public service announcement for the account (`gpsa`), as MEGAcmd
//! shows it; `No PSA available` (exit 53) when there is none, which is always the case with
//! megasim. `--discard` dismisses the one shown, so that it is not shown again.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "psa",
    aliases: &[],
    summary: "Show (or --discard) MEGA's public service announcement",
    usage: "[--discard]",
    flags: &[Flag::long("discard", "Dismiss the announcement")],
    min_args: 0,
    max_args: Some(0),
    needs_login: true,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if ctx.account()?.is_link() {
        return Err(CmdError::NotPermitted(
            "psa: a folder link session has no account announcements".into(),
        ));
    }
    let discard = args.has("discard");
    let psa = ctx.online(async |acct| {
        let client = acct.client().await?;
        let psa = client
            .psa()
            .await
            .map_err(|e| CmdError::api("get the announcement", e))?;
        if let (true, Some(p)) = (discard, &psa) {
            client
                .dismiss_psa(p.id)
                .await
                .map_err(|e| CmdError::api("discard the announcement", e))?;
        }
        Ok(psa)
    })?;
    match psa {
        Some(_) if discard => ctx.ui.line("PSA discarded"),
        Some(p) => {
            ctx.ui.line(crate::ui::terminal_safe(&p.title))?;
            ctx.ui.line(crate::ui::terminal_safe(&p.text))?;
            match p.url {
                Some(u) => ctx.ui.line(crate::ui::terminal_safe(&u)),
                None => Ok(()),
            }
        }
        None => Err(CmdError::NotFound("No PSA available".into())),
    }
}
