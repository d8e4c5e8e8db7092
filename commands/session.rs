//! `session`: print the secret session string (it resumes the login with `login SESSION`;
//! treat it like the password). Read from the saved session, no network.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "session",
    aliases: &[],
    summary: "Print the secret session id",
    usage: "[--json]",
    flags: &[Flag::long(
        "json",
        "Print one JSON document with stable field names (megash extension)",
    )],
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
    let acct = ctx.account()?;
    // A folder-link session's secret is the link itself (with its key).
    let s = match &acct.saved.link {
        Some(l) => crate::api::link::folder_link(&l.public_handle, &l.key),
        None => acct.session_string(),
    };
    if args.has("json") {
        let doc = serde_json::json!({ "session": s });
        return ctx.ui.line(doc);
    }
    ctx.ui.line(format!("Your (secret) session is: {s}"))
}
