//! `signup email [password] [--name="First Last"]`: create a MEGA account as MEGA's own apps
//! do (the SDK's v2 sign-up: an ephemeral account, its names, then `uc2`, after which MEGA
//! mails a confirmation link; `confirm` finishes it). MEGAcmd's rules and lines: logged out
//! only, a name of first name and surname (default: the e-mail with `@` as the space), the
//! password asked for twice when not given. megasim prints the link instead of mailing it.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;
use crate::session;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "signup",
    aliases: &[],
    summary: "Create a MEGA account (confirm it with the link MEGA mails)",
    usage: "email [password] [--name=\"Your Name\"]",
    flags: &[Flag::opt("name", "NAME", "First name and surname")],
    min_args: 1,
    max_args: Some(2),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: true,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if ctx.account().is_ok() {
        return Err(CmdError::InvalidState("Please log out first".into()));
    }
    let email = args.operands[0].trim().to_lowercase();
    if !email.contains('@') {
        return Err(CmdError::InvalidEmail(format!(
            "{} is not an e-mail address",
            crate::ui::terminal_safe(&email)
        )));
    }
    let name = args
        .value("name")
        .map(str::to_string)
        .unwrap_or_else(|| email.replacen('@', " ", 1));
    let Some((first, last)) = name
        .trim()
        .split_once(' ')
        .map(|(f, l)| (f.trim().to_string(), l.trim().to_string()))
        .filter(|(f, l)| !f.is_empty() && !l.is_empty())
    else {
        return Err(CmdError::InvalidState(
            "Please provide a valid name (with name and surname separated by \" \")".into(),
        ));
    };
    let password = match args.operands.get(1) {
        Some(p) => p.clone(),
        None => {
            let missing = || {
                CmdError::Args(format!(
                    "Extra args required in non-interactive mode. Usage: {}",
                    COMMAND.usage_line()
                ))
            };
            let p = ctx.ui.password("Password:")?.ok_or_else(missing)?;
            let again = ctx.ui.password("Retype password:")?.ok_or_else(missing)?;
            if p != again {
                return Err(CmdError::Args("Passwords do not match".into()));
            }
            p
        }
    };
    if password.is_empty() {
        return Err(CmdError::Args("The password is empty".into()));
    }
    ctx.ui
        .line(format!("Signing up. name={first}. surname={last}"))?;
    let url = session::api_url(None)?;
    let client = session::client_for(&url).map_err(|e| CmdError::api("sign up", e))?;
    let fail = |e| CmdError::api(format!("create account {email}"), e);
    ctx.block_on(async {
        client.create_ephemeral_account().await.map_err(fail)?;
        client.set_names(&first, &last).await.map_err(fail)?;
        client
            .send_signup_link(&email, &format!("{first}{last}"), &password)
            .await
            .map_err(fail)
    })??;
    ctx.ui.line(format!(
        "Account {email} created successfully. You will receive a confirmation link. Use \"confirm\" with the provided link to confirm that account"
    ))
}
