//! `diagnose [EMAIL]`: checks in order, one line each (`OK`, `WARN`, `FAIL`, what was found
//! and, when not OK, what to do): version and state directory, API address and proxies, API
//! reachability and clock skew, transfer servers over HTTP and HTTPS, the saved session and
//! cache, the account's login version and (with `--login`) one real login attempt explained
//! precisely, login pacing against MEGA's blocking limits, and quota. The checks live in
//! src/diagnose.rs; login failures are explained by the same module `login` uses.
//!
//! Exit status: 0 when nothing failed, else the code of the first failure.

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::diagnose::{self, Request};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "diagnose",
    aliases: &[],
    summary: "Explain login problems and how close the account is to MEGA's blocking limits",
    usage: "[EMAIL] [--login] [--auth-code=XXXXXX] [--password-file=FILE] [--force] [--json]",
    flags: &[
        Flag::long("login", "Make one real login attempt and explain its result (password from MEGA_PASSWORD, --password-file= or a prompt)"),
        Flag::opt("auth-code", "XXXXXX", "Two-factor code for the --login attempt"),
        Flag::opt("password-file", "FILE", "Read the password for --login from FILE"),
        Flag::long("force", "Attempt the login even within 3 s of the previous one"),
        Flag::long("json", "Print the checks as one JSON document (megash extension)"),
    ],
    min_args: 0,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let mut req = Request {
        email: args.operands.first().cloned(),
        auth_code: args.value("auth-code").map(str::to_string),
        force: args.has("force"),
        ..Default::default()
    };
    if args.has("login") {
        req.login_password = Some(password(ctx, args)?);
    }
    let state = ctx.state.state_dir().ok();
    let checks = ctx.block_on(diagnose::run(state.as_ref(), &req))?;
    let code = diagnose::exit_code(&checks);
    if args.has("json") {
        let doc = serde_json::json!({ "checks": checks, "exit_code": code });
        ctx.ui.line(doc)?;
    } else {
        for c in &checks {
            let mut line = format!("{:<4}  {:<14} {}", c.status.label(), c.check, c.message);
            if let Some(a) = &c.advice {
                line.push_str(" -- ");
                line.push_str(a);
            }
            ctx.ui.line(crate::ui::terminal_safe(&line))?;
        }
    }
    match code {
        0 => Ok(()),
        c => Err(CmdError::Silent(c)),
    }
}

fn password(ctx: &mut Ctx<'_>, args: &Args) -> Result<String, CmdError> {
    super::login::read_password(ctx, args)?.ok_or_else(|| {
        CmdError::Args(
            "--login needs the password: set MEGA_PASSWORD, pass --password-file=FILE, or run on a terminal".into(),
        )
    })
}
