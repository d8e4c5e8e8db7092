//! `whoami`: the account's e-mail (from the saved session, no network); `-l` adds storage
//! per root (from the cache), the quota (`uq`) and the live sessions (`usl`, with the ids
//! `killsession` takes); `--json` prints the same as one document.

use super::timefmt::TimeFormat;
use super::{storage, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::AccountSession;
use crate::error::CmdError;
use crate::ui::{percentage_to_text, size_to_text, terminal_safe};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "whoami",
    aliases: &[],
    summary: "Print info of the user",
    usage: "[-l] [--json]",
    flags: &[
        Flag::short('l', "Show extended info: storage, plan, sessions"),
        Flag::long(
            "json",
            "Print one JSON document with stable field names (megash extension)",
        ),
    ],
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
    let long = args.has("l");
    let json = args.has("json");
    if let Some(link) = ctx.account()?.saved.link.clone() {
        let url = format!("https://mega.nz/folder/{}", link.public_handle);
        if json {
            return ctx.ui.line(serde_json::json!({"folder_link": url}));
        }
        return ctx
            .ui
            .line(format!("Logged into the folder link {url} (read-only)"));
    }
    if !long {
        let acct = ctx.account()?;
        let (email, handle) = (
            acct.email().to_string(),
            acct.saved.session.user_handle.clone(),
        );
        if json {
            return ctx
                .ui
                .line(serde_json::json!({"email": email, "user_handle": handle}));
        }
        return ctx
            .ui
            .line(format!("Account e-mail: {}", terminal_safe(&email)));
    }
    let (quota, sessions) = ctx.online(async |a| {
        let client = a.client().await?;
        let quota = client.quota().await?;
        // A MEGA-compatible server without `usl` still gets the rest of the report.
        let sessions = client.sessions().await.ok();
        Ok((quota, sessions))
    })?;
    let sessions: Vec<AccountSession> = sessions
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.alive)
        .collect();
    let acct = ctx.account()?;
    let roots = storage::roots(acct)?;
    let email = acct.email().to_string();
    if json {
        let doc = serde_json::json!({
            "email": email,
            "user_handle": acct.saved.session.user_handle,
            "storage": storage::quota_json(&quota),
            "roots": roots.iter().map(storage::Usage::to_json).collect::<Vec<_>>(),
            "sessions": sessions.iter().map(|s| serde_json::json!({
                "id": s.id,
                "current": s.current,
                "created": s.created,
                "last_used": s.last_used,
                "ip": s.ip,
                "country": s.country,
                "user_agent": s.user_agent,
            })).collect::<Vec<_>>(),
        });
        return ctx.ui.line(doc);
    }
    let ytes = |b: u64| format!("{}ytes", size_to_text(b, true, true));
    ctx.ui
        .line(format!("Account e-mail: {}", terminal_safe(&email)))?;
    ctx.ui.line(format!(
        "    Available storage: {}",
        ytes(quota.storage_max)
    ))?;
    for r in &roots {
        // MEGAcmd right-aligns the size so that label and size end in one column.
        let label = format!("{}:", r.label_upper());
        ctx.ui.line(format!(
            "        In {label}{:>w$} in {:>5} file(s) and {:>5} folder(s)",
            ytes(r.totals.bytes),
            r.totals.files,
            r.totals.folders,
            w = 24usize.saturating_sub(label.len()),
        ))?;
    }
    ctx.ui.line(format!(
        "        Total size taken up by file versions: {:>12}",
        ytes(super::storage::version_bytes(&roots))
    ))?;
    ctx.ui.line(format!(
        "    Used storage: {} of {} ({})",
        ytes(quota.storage_used),
        ytes(quota.storage_max),
        percentage_to_text(ratio(quota.storage_used, quota.storage_max))
    ))?;
    if let (Some(used), Some(max)) = (quota.transfer_used, quota.transfer_max) {
        ctx.ui.line(format!(
            "    Transfer quota: {} used of {}",
            ytes(used),
            ytes(max)
        ))?;
    }
    print_sessions(ctx, &sessions)
}

/// MEGAcmd's session block: each live session, then how many there are.
fn print_sessions(ctx: &mut Ctx<'_>, sessions: &[AccountSession]) -> Result<(), CmdError> {
    let time = TimeFormat::c_locale();
    ctx.ui.line("Current Active Sessions:")?;
    for s in sessions {
        if s.current {
            ctx.ui.line("    * Current Session")?;
        }
        ctx.ui.line(format!(
            "    Session ID: {}\n    Session start: {}\n    Most recent activity: {}\n    \
             IP: {}\n    Country: {:.2}\n    User-Agent: {}\n    -----",
            terminal_safe(&s.id),
            time.render(s.created),
            time.render(s.last_used),
            terminal_safe(&s.ip),
            terminal_safe(&s.country),
            terminal_safe(&s.user_agent),
        ))?;
    }
    if !sessions.is_empty() {
        ctx.ui
            .line(format!("{} active sessions opened", sessions.len()))?;
    }
    Ok(())
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}
