//! `rm [-r] [-f] [--trash] remotepath...`: delete remote files and folders permanently (`d`),
//! as MEGAcmd; globs allowed. A folder needs `-r` (else 55). With `-r` and without `-f` the
//! interactive shell on a terminal asks `Are you sure to delete NAME ? (Yes/No/All/None): `
//! for each folder, as MEGAcmd's shell does; anywhere else (one-shot commands, batch files,
//! piped input) nobody can answer, so `rm -r` proceeds, which is what MEGAcmd scripts rely
//! on. `--trash` (megash) moves to the rubbish bin (`m`) instead: recoverable.

use std::collections::HashSet;

use super::remote;
use super::write::{finish, refuse_root, root_kind, shown};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::account::Account;
use crate::api::{self, Handle, Node, NodeType};
use crate::cache::is_glob;
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "rm",
    aliases: &[],
    summary: "Delete remote files and folders permanently",
    usage: "[-r] [-f] [--trash] [--use-pcre] remotepath...",
    flags: &[
        Flag::short('r', "Delete folders recursively"),
        Flag::short('f', "Do not ask for confirmation"),
        Flag::long(
            "trash",
            "Move to the rubbish bin instead of deleting (megash extension)",
        ),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
    ],
    min_args: 1,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

/// The answer to the confirmation question, remembered for `All`/`None`.
#[derive(Clone, Copy, PartialEq)]
enum Confirm {
    Ask,
    All,
    None,
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let recursive = args.has("r");
    let trash = args.has("trash");
    let mut confirm = if args.has("f") || !(ctx.state.interactive && ctx.ui.can_ask()) {
        Confirm::All
    } else {
        Confirm::Ask
    };
    let mut errors = Vec::new();
    let mut chosen: Vec<Node> = Vec::new();
    ctx.synced()?;
    for path in &args.operands {
        let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
        let nodes = match remote::resolve_pattern(acct, path) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for node in nodes {
            let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
            let shown_path = if is_glob(path) {
                remote::display_path(acct, &node)?
            } else {
                path.clone()
            };
            if let Err(e) = refuse_root(&node, "delete", &shown_path) {
                errors.push(e);
                continue;
            }
            if trash && root_kind(acct, &node)? == Some(NodeType::Rubbish) {
                errors.push(CmdError::InvalidState(format!(
                    "{} is already in the rubbish bin; rm without --trash deletes it",
                    shown(&shown_path)
                )));
                continue;
            }
            if node.is_folder() {
                if !recursive {
                    errors.push(CmdError::InvalidType(format!(
                        "Unable to delete folder: {}. Use -r to delete a folder recursively",
                        shown(&shown_path)
                    )));
                    continue;
                }
                if !ask(ctx, &node, &mut confirm)? {
                    continue;
                }
            }
            chosen.push(node);
        }
    }
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let chosen = outermost(acct, chosen)?;
    if chosen.is_empty() {
        return finish(ctx.ui, errors);
    }
    let bin = if trash {
        let bin = acct.cache.root_of(NodeType::Rubbish)?;
        Some(bin.ok_or_else(|| CmdError::NoFetch("No rubbish bin in the account".into()))?)
    } else {
        None
    };
    let handles: Vec<Handle> = chosen.iter().map(|n| n.handle).collect();
    let action = if trash {
        "move node to the rubbish bin"
    } else {
        "delete node"
    };
    // All in a few batched requests and one catch-up, however many nodes a glob matched.
    let results = ctx.online(async |acct| {
        let client = acct.client().await?;
        let r = match &bin {
            Some(bin) => client.move_nodes(&handles, bin.handle).await,
            None => client.delete_nodes(&handles).await,
        }
        .map_err(|e| CmdError::api(action, e))?;
        acct.refresh().await?;
        Ok(r)
    });
    match results {
        Err(e @ CmdError::Interrupted) => return Err(e),
        Err(e) => errors.push(e),
        Ok(results) => {
            for r in results {
                if let Err(code) = r {
                    errors.push(CmdError::api(action, api::Error::Mega(code)));
                }
            }
        }
    }
    finish(ctx.ui, errors)
}

/// The chosen nodes without repeats and without those inside another chosen one (deleting
/// the folder takes them along; deleting them too would fail with "not found").
fn outermost(acct: &Account, chosen: Vec<Node>) -> Result<Vec<Node>, CmdError> {
    let set: HashSet<Handle> = chosen.iter().map(|n| n.handle).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for n in chosen {
        if !seen.insert(n.handle) {
            continue;
        }
        if acct
            .cache
            .ancestors(n.handle)?
            .iter()
            .skip(1)
            .any(|a| set.contains(&a.handle))
        {
            continue;
        }
        out.push(n);
    }
    Ok(out)
}

/// MEGAcmd's question for a folder (files are never asked about). `true` = delete it.
fn ask(ctx: &mut Ctx<'_>, node: &Node, confirm: &mut Confirm) -> Result<bool, CmdError> {
    match *confirm {
        Confirm::All => return Ok(true),
        Confirm::None => return Ok(false),
        Confirm::Ask => {}
    }
    loop {
        let question = format!(
            "Are you sure to delete {} ? (Yes/No/All/None): ",
            remote::name_of(node)
        );
        // End of input answers no: nothing is deleted on a closed terminal.
        let Some(answer) = ctx.ui.ask(&question)? else {
            return Ok(false);
        };
        match answer.to_ascii_lowercase().as_str() {
            "y" | "yes" => return Ok(true),
            "n" | "no" => return Ok(false),
            "a" | "all" => {
                *confirm = Confirm::All;
                return Ok(true);
            }
            "none" => {
                *confirm = Confirm::None;
                return Ok(false);
            }
            _ => {}
        }
    }
}
