//! `restore remotepath...` (megash): move nodes out of the rubbish bin back to where they
//! were deleted from, as MEGA's web and mobile apps do: the `rr` attribute they (and
//! `rm --trash`) record holds the former parent. When that folder is gone or itself in the
//! rubbish bin, the node goes to the Cloud Drive root. Prints where each node went.

use super::write::{finish, root_kind, rubbish_marks, shown, write_rubbish_marks};
use super::{remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::{self, Handle, Node, NodeType};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "restore",
    aliases: &[],
    summary: "Move nodes from the rubbish bin back to where they were deleted from",
    usage: "[--use-pcre] remotepath...",
    flags: &[Flag::long(
        "use-pcre",
        "Treat patterns as Perl-compatible regular expressions",
    )],
    min_args: 1,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: Some(
        "A megash command. Nodes moved to the rubbish bin by `rm --trash` or by MEGA's own apps \
         remember their folder; others (and those whose folder is gone) go to the Cloud Drive \
         root. Paths are usually //bin/NAME.",
    ),
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let root = acct
        .cache
        .root_of(NodeType::Root)?
        .ok_or_else(|| CmdError::NoFetch("No Cloud Drive root in the account".into()))?;
    let mut errors = Vec::new();
    // (node, its new parent)
    let mut moves: Vec<(Node, Node)> = Vec::new();
    for path in &args.operands {
        let nodes = match super::pattern::resolve(acct, path, args.has("use-pcre")) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for n in nodes {
            if n.kind.is_root() {
                errors.push(CmdError::NotPermitted(format!(
                    "{} is a root folder: restore what is in it (//bin/NAME)",
                    shown(&remote::abs_path(acct, &n)?)
                )));
                continue;
            }
            if root_kind(acct, &n)? != Some(NodeType::Rubbish) {
                errors.push(CmdError::InvalidState(format!(
                    "{} is not in the rubbish bin",
                    shown(&remote::abs_path(acct, &n)?)
                )));
                continue;
            }
            let back = n
                .restore_to()
                .map(|h| acct.cache.node(h))
                .transpose()?
                .flatten()
                .filter(|p| p.kind.is_container());
            let target = match back {
                Some(p)
                    if p.kind != NodeType::Rubbish
                        && root_kind(acct, &p)? != Some(NodeType::Rubbish) =>
                {
                    p
                }
                _ => root.clone(),
            };
            moves.push((n, target));
        }
    }
    for (node, target) in moves {
        let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
        let marks = rubbish_marks(acct, std::slice::from_ref(&node), target.handle)?;
        let from = remote::abs_path(acct, &node)?;
        let to_folder = remote::abs_path(acct, &target)?;
        let handle: Handle = node.handle;
        let r = ctx.online(async |acct| {
            let client = acct.client().await?;
            write_rubbish_marks(client, &marks).await;
            let r = client
                .move_nodes(&[handle], target.handle)
                .await
                .map_err(|e| CmdError::api("move node", e))?;
            acct.refresh().await?;
            Ok(r)
        });
        match r {
            Err(e @ CmdError::Interrupted) => return Err(e),
            Err(e) => errors.push(e),
            Ok(results) => match results.into_iter().next() {
                Some(Err(code)) => errors.push(CmdError::api("move node", api::Error::Mega(code))),
                _ => {
                    let name = remote::name_of(&node);
                    let to = if to_folder.ends_with('/') {
                        format!("{to_folder}{name}")
                    } else {
                        format!("{to_folder}/{name}")
                    };
                    ctx.ui
                        .line(format!("Restored {} to {}", shown(&from), shown(&to)))?;
                }
            },
        }
    }
    finish(ctx.ui, errors)
}
