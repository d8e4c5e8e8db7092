//! `confirm link email [password]`: confirm a sign-up with the link MEGA mailed
//! (`…#confirm<code>`; `ud2`), after which the account logs in. As MEGAcmd's: `Account EMAIL
//! confirmed successfully. You can login with it now`. The e-mail must be the one the link
//! was made for (it is inside the link: checked before anything is sent, exit 52). The
//! password is not needed for today's (v2) links and is ignored, as MEGAcmd does.

use super::{Args, Command, Ctx, Operand, Writes};
use crate::crypto::b64;
use crate::error::CmdError;
use crate::session;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "confirm",
    aliases: &[],
    summary: "Confirm a new account with the link MEGA mailed",
    usage: "link email [password]",
    flags: &[],
    min_args: 2,
    max_args: Some(3),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: true,
    more_help: None,
    run: Some(run),
};

/// The e-mail inside a v2 confirmation code (`ConfirmCodeV2`, 15 bytes, e-mail, tab, …).
fn email_in(code: &[u8]) -> Option<String> {
    let rest = code.strip_prefix(b"ConfirmCodeV2")?.get(15..)?;
    let end = rest.iter().position(|&b| b == b'\t')?;
    String::from_utf8(rest[..end].to_vec()).ok()
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let link = args.operands[0].trim();
    let email = args.operands[1].trim().to_lowercase();
    let bad = || {
        CmdError::Args(format!(
            "Invalid confirmation link: {}",
            crate::ui::terminal_safe(link)
        ))
    };
    let code = link
        .rsplit_once("confirm")
        .map(|(_, c)| c.trim_matches(|c: char| c == '/' || c.is_whitespace()))
        .filter(|c| !c.is_empty())
        .ok_or_else(bad)?;
    let bytes = b64::decode(code).map_err(|_| bad())?;
    match email_in(&bytes) {
        Some(e) if e.to_lowercase() == email => {}
        Some(_) => {
            return Err(CmdError::InvalidEmail(format!(
                "{email} doesn't correspond to the confirmation link: {}",
                crate::ui::terminal_safe(link)
            )))
        }
        None => return Err(bad()),
    }
    let url = session::api_url(None)?;
    let client = session::client_for(&url).map_err(|e| CmdError::api("confirm", e))?;
    ctx.block_on(client.confirm_signup(code))?
        .map_err(|e| CmdError::api("check email corresponds to link", e))?;
    ctx.ui.line(format!(
        "Account {email} confirmed successfully. You can login with it now"
    ))
}
