//! `killsession [-a | ID...]`: end other sessions of the account (their ids and details are in
//! `whoami -l`), one `usr` per id as MEGAcmd does, or every session but this one with `-a`.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "killsession",
    aliases: &[],
    summary: "Kill a session of the current user (see \"whoami -l\" for the sessions)",
    usage: "[-a | sessionid1 sessionid2 ... ]",
    flags: &[Flag::short('a', "Kill all sessions except the current one")],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::None,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let all = args.has("a");
    // Either `-a` or ids, not both, not neither.
    if all != args.operands.is_empty() {
        return Err(CmdError::Usage {
            problem: None,
            usage: COMMAND.usage_line(),
        });
    }
    if all {
        ctx.online(async |a| {
            let client = a.client().await?;
            client
                .kill_other_sessions()
                .await
                .map_err(|e| CmdError::api("kill all sessions", e))
        })?;
        return ctx.ui.line("All sessions killed successfully");
    }
    for id in &args.operands {
        // A session id is an 8-byte handle: 11 base64url characters.
        let valid = id.len() == 11 && crate::crypto::b64::decode(id).is_ok_and(|b| b.len() == 8);
        if !valid {
            return Err(CmdError::Args(format!(
                "Invalid session id: {} (the ids are in \"whoami -l\")",
                crate::ui::terminal_safe(id)
            )));
        }
    }
    // One catch-up with the server for all of them; each id is its own `usr`, as in MEGAcmd,
    // and the ones ended before a failure are still reported.
    let ids = &args.operands;
    let (ended, failure) = ctx.online(async |a| {
        let client = a.client().await?;
        for (n, id) in ids.iter().enumerate() {
            if let Err(e) = client.kill_sessions(std::slice::from_ref(id)).await {
                let action = format!("kill session {id}. Maybe the session was not valid.");
                return Ok((n, Some(CmdError::api(action, e))));
            }
        }
        Ok((ids.len(), None))
    })?;
    for id in &ids[..ended] {
        ctx.ui.line(format!("Session {id} killed successfully"))?;
    }
    failure.map_or(Ok(()), Err)
}
