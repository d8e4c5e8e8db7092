//! `proxy [URL | --auto | --none] [--username=U --password=P]`: the proxy every request of
//! megash goes through (API, transfers, `diagnose`), kept in the settings. As MEGAcmd's: a URL
//! is used for everything, `--auto` lets the environment decide (`HTTPS_PROXY`, `NO_PROXY`…:
//! megash's default), `--none` connects directly whatever the environment says. Loopback
//! always goes direct. Without arguments, prints the configuration (the password shown only
//! as set). With `--username` and no `--password`, the password is asked for.

use super::xfer_settings::Proxy;
use super::{xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "proxy",
    aliases: &[],
    summary: "Show or set the proxy for every connection",
    usage: "[URL|--auto|--none] [--username=USERNAME --password=PASSWORD]",
    flags: &[
        Flag::long("auto", "Use the proxy environment variables (the default)"),
        Flag::long("none", "Connect directly, whatever the environment says"),
        Flag::opt("username", "USERNAME", "Proxy user name"),
        Flag::opt(
            "password",
            "PASSWORD",
            "Proxy password (asked for when omitted)",
        ),
    ],
    min_args: 0,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: true,
    more_help: None,
    run: Some(run),
};

fn type_name(kind: u8) -> &'static str {
    match kind {
        0 => "NONE",
        1 => "AUTO",
        _ => "CUSTOM",
    }
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let url = args.operands.first();
    let kind = match (url, args.has("auto"), args.has("none")) {
        (Some(_), false, false) => Some(2),
        (None, true, false) => Some(1),
        (None, false, true) => Some(0),
        (None, false, false) => None,
        _ => {
            return Err(CmdError::Usage {
                problem: Some("give one of URL, --auto and --none".into()),
                usage: COMMAND.usage_line(),
            })
        }
    };
    let mut settings = xfer::settings(ctx.state);
    let Some(kind) = kind else {
        let Some(p) = &settings.proxy else {
            return ctx.ui.line("No proxy configuration found");
        };
        if p.kind == 0 {
            return ctx.ui.line("Proxy disabled");
        }
        let mut text = format!("Proxy configured. \n Type = {}", type_name(p.kind));
        if !p.url.is_empty() {
            text.push_str(&format!("\n URL = {}", crate::api::proxy::redact(&p.url)));
        }
        if !p.username.is_empty() {
            text.push_str(&format!("\n username = {}", p.username));
        }
        if !p.password.is_empty() {
            text.push_str("\n password = (set)");
        }
        return ctx.ui.line(text);
    };
    let username = args.value("username").unwrap_or("").to_string();
    let password = match (username.is_empty(), args.value("password")) {
        (true, _) => String::new(),
        (false, Some(p)) => p.to_string(),
        (false, None) => ctx.ui.password("Enter password: ")?.ok_or_else(|| {
            CmdError::Args("--username needs --password when there is no terminal".into())
        })?,
    };
    let url = url.cloned().unwrap_or_default();
    if kind == 2 {
        let full = if url.contains("://") {
            url.clone()
        } else {
            format!("http://{url}")
        };
        if url::Url::parse(&full).map_or(true, |u| u.host_str().is_none()) {
            return Err(CmdError::Args(format!(
                "Invalid proxy URL: {}",
                crate::ui::terminal_safe(&url)
            )));
        }
    }
    settings.proxy = Some(Proxy {
        kind,
        url: url.clone(),
        username,
        password,
    });
    xfer::save_settings(ctx.state, &settings)?;
    if kind == 0 {
        return ctx.ui.line("Proxy unset correctly");
    }
    ctx.ui.line(format!(
        "Proxy set: {} type = {}",
        crate::api::proxy::redact(&url),
        type_name(kind)
    ))
}
