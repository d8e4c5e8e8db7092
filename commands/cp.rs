//! `cp src... dst`: copy remote nodes server-side, remote to remote, as MEGAcmd's `cp`: one
//! `p` per source with the subtree's keys re-wrapped and attributes re-encrypted; the file
//! data is never downloaded (see `Client::copy_tree`). Destination rules (megacmd.md §6): an
//! existing folder receives copies under their names; a new path takes one source under its
//! last name; an existing file is overwritten by a file source (the copy is its new version:
//! the old content stays as a version, as after an upload over it); a folder onto a file is refused. Local endpoints are refused: the transfers
//! (`get`/`put`) move data between this machine and MEGA.

use super::remote;
use super::write::{destination, finish, refuse_local_operands, shown, source_nodes, Dest};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::{Handle, Node};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "cp",
    aliases: &[],
    summary: "Copy files and folders in the cloud; with a local endpoint, download or upload",
    usage: "[--use-pcre] srcpath... dstpath|dstemail:",
    flags: &[Flag::long(
        "use-pcre",
        "Treat patterns as Perl-compatible regular expressions",
    )],
    min_args: 2,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::When(super::transfer_cp::writes),
    may_hold_secret: false,
    more_help: Some(super::transfer_cp::HELP),
    run: Some(run),
};

/// One source's copy.
struct Copy {
    /// The source and its subtree, parents first.
    nodes: Vec<Node>,
    parent: Handle,
    name: Option<String>,
    replaces: Option<Node>,
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    // A local endpoint makes cp a download or upload (issue 4's rule, commands/transfer_cp.rs).
    if super::transfer_cp::cp(ctx, args)? {
        return Ok(());
    }
    let Some((dst, srcs)) = args.operands.split_last() else {
        return Err(CmdError::Usage {
            problem: None,
            usage: COMMAND.usage_line(),
        });
    };
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    refuse_local_operands(acct, &args.operands, |p| {
        format!("cp copies between remote paths only: {p} is a local path; transfers arrive with get (download) and put (upload)")
    })?;
    if dst.ends_with(':') && dst.contains('@') {
        return Err(CmdError::NotPermitted(format!(
            "Sending to another user's inbox ({}) is not supported",
            shown(dst)
        )));
    }
    let mut errors = Vec::new();
    let mut sources = source_nodes(acct, srcs, "copy", &mut errors)?;
    if sources.is_empty() {
        return finish(ctx.ui, errors);
    }
    let dest = destination(acct, dst)?;
    let not_folder = || CmdError::InvalidType(format!("{} must be a valid folder", shown(dst)));
    let mut plan: Vec<(Node, Handle, Option<String>, Option<Node>)> = Vec::new();
    let mut same = false;
    match dest {
        Dest::Folder(f) => {
            for n in sources {
                plan.push((n, f.handle, None, None));
            }
        }
        Dest::File(f) => {
            if sources.len() != 1 {
                return Err(not_folder());
            }
            let n = sources.remove(0);
            if n.handle == f.handle {
                same = true;
            } else if !n.is_file() {
                return Err(CmdError::InvalidType(
                    "Cannot overwrite file with folder".into(),
                ));
            } else {
                let parent = f.parent.ok_or_else(not_folder)?;
                plan.push((n, parent, f.name.clone(), Some(f)));
            }
        }
        Dest::New { parent, name } => {
            if sources.len() != 1 {
                return Err(not_folder());
            }
            plan.push((sources.remove(0), parent.handle, Some(name), None));
        }
    }
    if same {
        // MEGAcmd prints this and still exits 0; scripts may rely on that.
        ctx.ui.warn("Source and destiny are the same");
    }
    let mut copies = Vec::new();
    for (n, parent, name, replaces) in plan {
        let mut nodes = vec![n.clone()];
        if n.kind.is_container() {
            nodes.extend(acct.cache.descendants(n.handle)?);
        }
        if let Some(bad) = nodes.iter().find(|x| x.key.is_none()) {
            errors.push(CmdError::Unexpected(format!(
                "Unable to copy {}: the key of {} is not available",
                remote::display_path(acct, &n)?,
                remote::display_path(acct, bad)?
            )));
            continue;
        }
        copies.push(Copy {
            nodes,
            parent,
            name,
            replaces,
        });
    }
    for c in copies {
        let r = ctx.online(async |acct| {
            let client = acct.client().await?;
            // The overwritten file becomes the copy's older version (`ov`), as an upload
            // over it would make it.
            client
                .copy_tree_over(
                    c.parent,
                    &c.nodes,
                    c.name.as_deref(),
                    c.replaces.as_ref().map(|n| n.handle),
                )
                .await
                .map_err(|e| CmdError::api("copy node", e))?;
            acct.refresh().await?;
            Ok(())
        });
        match r {
            Err(e @ CmdError::Interrupted) => return Err(e),
            Err(e) => errors.push(e),
            Ok(()) => {}
        }
    }
    finish(ctx.ui, errors)
}
