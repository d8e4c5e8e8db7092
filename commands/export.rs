//! `export`: public links. `-a PATH` creates one (files: the file's key; folders: an "EXP"
//! share set up with `s2` as MEGA's web client does, every node of the subtree keyed for it,
//! so any client can read the whole folder through the link) and prints
//! `Exported PATH: LINK`; `-d PATH` removes it (`Disabled export: PATH`); with neither, lists
//! the links at and below PATH. `link PATH` (commands/link.rs) is the script-friendly form.

use serde_json::{json, Value};

use super::{remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::account::Account;
use crate::api::{link, Node};
use crate::crypto::keys::NodeKey;
use crate::error::CmdError;
use crate::ui::terminal_safe;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "export",
    aliases: &[],
    summary: "Create, list or remove public links",
    usage: "[-d | -a [--expire=TIME] [-f]] [--json] [remotepath...]",
    flags: &[
        Flag::short('a', "Create a public link"),
        Flag::short('d', "Remove the public link"),
        Flag::short('f', "Accept MEGA's copyright notice without asking"),
        Flag::opt(
            "expire",
            "TIME",
            "Link expiry, e.g. 1d, 2h30M (PRO accounts)",
        ),
        Flag::long("writable", "Writable folder link (not supported; refused)"),
        Flag::opt(
            "password",
            "PASSWORD",
            "Password-protected link (not supported; refused)",
        ),
        Flag::long(
            "json",
            "Print one JSON document with stable field names (megash extension)",
        ),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

const NOTICE: &str = "MEGA respects the copyrights of others and requires that users of the MEGA cloud service comply with the laws of copyright. You are strictly prohibited from using the MEGA cloud service to infringe copyrights. You may not upload, download, store, share, display, stream, distribute, email, link to, transmit or otherwise make available any files, data or content that infringes any copyright or other proprietary rights of any person or entity.";

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let (add, del) = (args.has("a"), args.has("d"));
    if add && del {
        return Err(CmdError::Args("Use either -a or -d, not both".into()));
    }
    if !add && (args.has("f") || args.value("expire").is_some() || args.has("writable")) {
        return Err(CmdError::Args(
            "-f, --expire and --writable go with -a".into(),
        ));
    }
    if args.has("writable") || args.value("password").is_some() {
        return Err(CmdError::NotPermitted(
            "Writable and password-protected links are not supported by megash yet".into(),
        ));
    }
    let paths: Vec<String> = if args.operands.is_empty() {
        if add || del {
            ctx.ui.warn("No path given: using the current folder");
        }
        vec![".".into()]
    } else {
        args.operands.clone()
    };
    if add {
        let expire = match args.value("expire") {
            Some(t) => Some(parse_duration(t)?),
            None => None,
        };
        let mut done = Vec::new();
        for p in &paths {
            done.push(export_one(ctx, p, expire, args.has("f"))?);
        }
        if args.has("json") {
            let list: Vec<Value> = done
                .iter()
                .map(|(path, link)| json!({"path": path, "link": link}))
                .collect();
            return ctx.ui.line(json!({ "exported": list }));
        }
        for (path, link) in done {
            ctx.ui
                .line(format!("Exported {}: {link}", terminal_safe(&path)))?;
        }
        Ok(())
    } else if del {
        for p in &paths {
            let node = resolve(ctx, p)?;
            let acct = ctx.account()?;
            if acct.cache.public_handle(node.handle)?.is_none() {
                return Err(CmdError::NotFound(format!(
                    "{} is not exported",
                    terminal_safe(p)
                )));
            }
            let path = remote::abs_path(acct, &node)?;
            ctx.online(async |a| {
                a.client().await?.unexport(node.handle).await?;
                a.refresh().await?;
                Ok(())
            })?;
            ctx.ui
                .line(format!("Disabled export: {}", terminal_safe(&path)))?;
        }
        Ok(())
    } else {
        list(ctx, &paths, args.has("json"))
    }
}

fn resolve(ctx: &mut Ctx<'_>, path: &str) -> Result<Node, CmdError> {
    let acct = ctx.synced()?;
    remote::resolve_one(acct, path)
}

/// Export one node; returns its absolute path and the link.
pub fn export_one(
    ctx: &mut Ctx<'_>,
    path: &str,
    expire: Option<u64>,
    accepted: bool,
) -> Result<(String, String), CmdError> {
    let node = resolve(ctx, path)?;
    let acct = ctx.account()?;
    let abs = remote::abs_path(acct, &node)?;
    if node.kind.is_root() {
        return Err(CmdError::NotPermitted(format!(
            "{} cannot be exported",
            terminal_safe(&abs)
        )));
    }
    if acct.cache.public_handle(node.handle)?.is_some() {
        return Err(CmdError::Exists(format!(
            "{} is already exported. Use -d to delete it if you want to change its parameters. Note: the new link may differ",
            terminal_safe(&abs)
        )));
    }
    if !accepted && !acct.cache.any_exported()? {
        confirm_notice(ctx)?;
    }
    let acct = ctx.account()?;
    let descendants = if node.is_folder() {
        acct.cache.descendants(node.handle)?
    } else {
        Vec::new()
    };
    let link = ctx.online(async |a| {
        let client = a.client().await?;
        let export = client.export(&node, &descendants).await?;
        if let Some(secs) = expire {
            set_expiry(client, &node, secs).await?;
        }
        a.remember_share_keys()?;
        a.refresh().await?;
        Ok(export.url())
    })?;
    Ok((abs, link))
}

async fn set_expiry(client: &crate::api::Client, node: &Node, secs: u64) -> Result<(), CmdError> {
    let ets = chrono::Utc::now().timestamp() + secs as i64;
    match client.set_link_expiry(node.handle, ets).await {
        Ok(_) => Ok(()),
        Err(e) if e.mega_code() == Some(crate::api::ErrorCode::EAccess) => {
            // The link stays, without expiry: say so instead of failing silently.
            Err(CmdError::NotPermitted(
                "The link was created, but an expiry date needs a PRO account (MEGA answered -11, access denied); remove it with export -d if it must not stay without one".into(),
            ))
        }
        Err(e) => Err(CmdError::api("set the link's expiry", e)),
    }
}

/// MEGA asks once, before an account's first link; scripts pass `-f`.
fn confirm_notice(ctx: &mut Ctx<'_>) -> Result<(), CmdError> {
    if !(ctx.state.interactive && ctx.ui.can_ask()) {
        return Err(CmdError::Args(
            "Creating the account's first link needs accepting MEGA's copyright notice: pass -f, or run it in the shell".into(),
        ));
    }
    ctx.ui.line(NOTICE)?;
    let answer = ctx.ui.ask("Do you accept these terms? (Yes/No): ")?;
    match answer.unwrap_or_default().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CmdError::NotPermitted("Export cancelled".into())),
    }
}

/// `1d`, `2h30M`, `90s`: MEGAcmd's time units (y, m = month, d, h, M = minute, s).
pub fn parse_duration(text: &str) -> Result<u64, CmdError> {
    let bad = || {
        CmdError::Args(format!(
            "Invalid time: {text} (e.g. 1d, 2h30M, 1m for a month)"
        ))
    };
    let mut total = 0u64;
    let mut num = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let unit = match c {
            'y' => 365 * 86_400,
            'm' => 30 * 86_400,
            'd' => 86_400,
            'h' => 3_600,
            'M' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        total = total.saturating_add(n.saturating_mul(unit));
    }
    if !num.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(total)
}

/// The link of an exported node, when the cache knows everything it needs (files: their
/// key; folders: the share key of their link).
pub fn link_of(acct: &Account, node: &Node) -> Result<Option<String>, CmdError> {
    let Some(ph) = acct.cache.public_handle(node.handle)? else {
        return Ok(None);
    };
    Ok(match &node.key {
        Some(NodeKey::File(k)) => Some(link::file_link(&ph, k)),
        Some(NodeKey::Folder(_)) => {
            let h = node.handle.to_b64();
            acct.cache
                .share_keys()?
                .into_iter()
                .find(|(sh, _)| *sh == h)
                .map(|(_, k)| link::folder_link(&ph, &k))
        }
        None => None,
    })
}

fn list(ctx: &mut Ctx<'_>, paths: &[String], json_out: bool) -> Result<(), CmdError> {
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let mut found = Vec::new();
    for p in paths {
        let top = remote::resolve_one(acct, p)?;
        let mut candidates = vec![top.clone()];
        if top.kind.is_container() {
            candidates.extend(acct.cache.exported_below(top.handle)?);
        }
        let before = found.len();
        for n in candidates {
            if acct.cache.public_handle(n.handle)?.is_some() {
                found.push((
                    remote::display_path(acct, &n)?,
                    n.clone(),
                    link_of(acct, &n)?,
                ));
            }
        }
        if found.len() == before && !json_out {
            ctx.ui.line(format!(
                "Couldn't find anything exported below {}. Use -a to export it",
                terminal_safe(p)
            ))?;
            return Err(CmdError::Silent(crate::error::code::NOTFOUND));
        }
    }
    if json_out {
        let list: Vec<Value> = found
            .iter()
            .map(|(path, n, l)| {
                json!({
                    "path": remote::abs_path(acct, n).unwrap_or_else(|_| path.clone()),
                    "handle": format!("H:{}", n.handle),
                    "type": if n.is_file() { "file" } else { "folder" },
                    "link": l,
                })
            })
            .collect();
        return ctx.ui.line(json!({ "exports": list }));
    }
    for (path, n, l) in found {
        let kind = if n.is_file() { "file" } else { "folder" };
        let what = if n.is_file() {
            crate::ui::size_to_text(n.size, false, false)
        } else {
            "folder".into()
        };
        let link = l.map(|l| format!(": {l}")).unwrap_or_default();
        ctx.ui.line(format!(
            "{} ({what}, shared as exported permanent {kind} link{link})",
            terminal_safe(&path)
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d").unwrap(), 86_400);
        assert_eq!(parse_duration("2h30M").unwrap(), 9_000);
        assert_eq!(parse_duration("1m").unwrap(), 30 * 86_400);
        assert!(parse_duration("3").is_err());
        assert!(parse_duration("1x").is_err());
        assert!(parse_duration("").is_err());
    }
}
