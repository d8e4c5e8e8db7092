//! `get`: download remote files and folders (recursively) to the local disk through the
//! transfer engine: parallel, MAC-verified, resumable; a file already there with the same
//! fingerprint is skipped, a different one makes MEGAcmd's ` (N)` name; `-m` merges into an
//! existing local folder. A file or folder link downloads without an account, with the same
//! engine (a link to a node inside a folder link gets just that node).

use super::{remote, xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "get",
    aliases: &[],
    summary: "Download remote files and folders",
    usage: "[-m] [-q] [--ignore-quota-warn] [--use-pcre] remotepath|link [localpath]",
    flags: &[
        Flag::short('m', "Merge into an existing local folder of the same name"),
        Flag::short(
            'q',
            "Queue in the background of the shell and return at once (one-shot: foreground)",
        ),
        Flag::long(
            "ignore-quota-warn",
            "Start even if the transfer quota may not suffice",
        ),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
    ],
    min_args: 1,
    max_args: Some(2),
    // Links need no account; remote paths ask for one in `run`.
    needs_login: false,
    operands: Operand::RemoteThenLocal,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let path = &args.operands[0];
    let queue = args.has("q") && xfer::can_queue(ctx, looks_like_link(path));
    if looks_like_link(path) {
        return get_link(ctx, path, args.operands.get(1).map(String::as_str));
    }
    ctx.account()?;
    let nodes = {
        let acct = ctx.synced()?;
        remote::resolve_pattern(acct, path)?
    };
    if queue {
        let plan = xfer::plan_download(
            ctx,
            &nodes,
            args.operands.get(1).map(String::as_str),
            args.has("m"),
        )?;
        let tag = super::xfer_queue::queue_download(ctx, plan, path.clone())?;
        return ctx
            .ui
            .line(format!("Download started: Tag = {tag}. Source = {path}"));
    }
    xfer::download(
        ctx,
        nodes,
        args.operands.get(1).map(String::as_str),
        args.has("m"),
    )
}

fn looks_like_link(s: &str) -> bool {
    s.starts_with("https://")
        || s.starts_with("http://")
        || s.contains("mega.nz/")
        || s.contains("mega.co.nz/")
}

/// Download a file or folder link, no account needed.
fn get_link(ctx: &mut Ctx<'_>, text: &str, local: Option<&str>) -> Result<(), CmdError> {
    use crate::api::link::{self, Inner, PublicLink};
    use std::path::PathBuf;
    let parsed = link::parse(text).map_err(|e| CmdError::Args(format!("Invalid link: {e}")))?;
    let no_key = || CmdError::Args("Invalid link: the link has no key (the part after #)".into());
    // A link needs no session: with MEGA_API_URL naming another server, that one serves it.
    let api_url = crate::session::api_url(ctx.account().ok().map(|a| &a.saved))
        .or_else(|_| crate::session::api_url(None))?;
    let client = crate::session::client_for(&api_url)?;
    client.set_transfer_https(xfer::settings(ctx.state).https);
    let engine = xfer::engine(ctx.state, false)?;
    // Checked (and a `DIR/` created) only once the link answered.
    let place = |name: &str| -> Result<PathBuf, CmdError> {
        Ok(super::local::download_target(local, true)?.place(name))
    };
    match parsed {
        PublicLink::File { handle, key } => {
            let key = key.ok_or_else(no_key)?;
            let info = ctx
                .block_on(client.download_url_public(&handle))?
                .map_err(super::login::link_failure)?;
            let probe = info.node(crate::api::Handle([0; 6]), &key);
            if probe.name.is_none() {
                return Err(CmdError::Args(
                    "Invalid link: the key does not decrypt this file (wrong key in the link)"
                        .into(),
                ));
            }
            let dest = place(&xfer::local_name(&probe)?)?;
            let dest = if dest.exists() {
                xfer::free_name(&dest)
            } else {
                dest
            };
            let bar = xfer::Bar::new(info.size);
            let progress = bar.next_file();
            ctx.block_on(engine.download_link(&client, &handle, &key, &dest, &progress))
                .map_err(xfer::interrupted)?
                .map_err(|e| xfer::transfer_error("download", e))?;
            bar.finish(
                ctx.ui,
                "Downloaded",
                [format!("Download finished: {}", dest.display())],
            )
        }
        PublicLink::Folder { handle, key, inner } => {
            let key = key.ok_or_else(no_key)?;
            client.open_folder_link(&handle, key);
            let nodes = ctx
                .block_on(client.fetch_nodes())?
                .map_err(super::login::link_failure)?
                .nodes;
            if nodes.iter().any(|n| n.name.is_none()) {
                return Err(CmdError::Args(
                    "Invalid link: the key does not decrypt this folder (wrong key in the link)"
                        .into(),
                ));
            }
            let top = match &inner {
                None => nodes.first().map(|n| n.handle),
                Some(Inner::File(h) | Inner::Folder(h) | Inner::Unknown(h)) => {
                    let h = crate::api::Handle::from_b64(h)
                        .map_err(|_| CmdError::Args("Invalid link: bad node handle".into()))?;
                    nodes.iter().find(|n| n.handle == h).map(|n| n.handle)
                }
            }
            .ok_or_else(|| CmdError::NotFound("The link's node was not found".into()))?;
            // Local paths for the subtree of `top`, parents first (the fetch's order).
            let mut paths: std::collections::HashMap<crate::api::Handle, PathBuf> =
                std::collections::HashMap::new();
            let mut dirs = Vec::new();
            let mut files = Vec::new();
            let mut unreadable = Vec::new();
            for n in &nodes {
                let dest = if n.handle == top {
                    let d = place(&xfer::local_name(n)?)?;
                    if n.is_folder() && d.exists() {
                        xfer::free_name(&d)
                    } else {
                        d
                    }
                } else if let Some(parent) = n.parent.and_then(|p| paths.get(&p)) {
                    match xfer::local_name(n) {
                        Ok(name) => parent.join(name),
                        Err(e) => {
                            unreadable.push(e.to_string());
                            continue;
                        }
                    }
                } else {
                    continue;
                };
                paths.insert(n.handle, dest.clone());
                if n.is_folder() {
                    dirs.push(dest);
                } else if let Some(d) = xfer::place_file(n, dest)? {
                    files.push((n.clone(), d));
                }
            }
            let mode = xfer::settings(ctx.state).folder_mode();
            for d in &dirs {
                xfer::create_folder(d, mode)?;
            }
            let total = files.iter().map(|(n, _)| n.size).sum();
            let bar = xfer::Bar::new(total);
            for (n, dest) in &files {
                let progress = bar.next_file();
                ctx.block_on(engine.download(&client, n, dest, &progress))
                    .map_err(xfer::interrupted)?
                    .map_err(|e| xfer::transfer_error("download", e))?;
            }
            let shown = paths.get(&top).cloned().unwrap_or_default();
            bar.finish(
                ctx.ui,
                "Downloaded",
                [format!("Download finished: {}", shown.display())],
            )?;
            xfer::unreadable_error(ctx, &unreadable)
        }
    }
}
