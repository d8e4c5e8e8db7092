//! `rm [-r] [-f] [--trash] remotepath...`: delete remote files and folders permanently (`d`),
//! as MEGAcmd; globs allowed. A folder needs `-r` (else 55). With `-r` and without `-f` the
//! interactive shell on a terminal asks `Are you sure to delete NAME ? (Yes/No/All/None): `
//! for each folder, as MEGAcmd's shell does; anywhere else (one-shot commands, batch files,
//! piped input) nobody can answer, so `rm -r` proceeds, which is what MEGAcmd scripts rely
//! on. `--trash` (megash) moves to the rubbish bin (`m`) instead, recording where each node
//! came from (`rr`, as MEGA's apps) for `restore`. `--empty-trash` (megash) empties the
//! rubbish bin (`dr`).

use std::collections::HashSet;

use super::remote;
use super::write::{finish, refuse_root, root_kind, rubbish_marks, shown, write_rubbish_marks};
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
    usage: "[-r] [-f] [--trash] [--use-pcre] remotepath... | --empty-trash [-f]",
    flags: &[
        Flag::short('r', "Delete folders recursively"),
        Flag::short('f', "Do not ask for confirmation"),
        Flag::long(
            "trash",
            "Move to the rubbish bin instead of deleting; restore brings it back (megash extension)",
        ),
        Flag::long(
            "empty-trash",
            "Delete everything in the rubbish bin for good (megash extension)",
        ),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
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

/// The answer to the confirmation question, remembered for `All`/`None`.
#[derive(Clone, Copy, PartialEq)]
enum Confirm {
    Ask,
    All,
    None,
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if args.has("empty-trash") {
        return empty_trash(ctx, args);
    }
    if args.operands.is_empty() {
        return Err(CmdError::Usage {
            problem: None,
            usage: COMMAND.usage_line(),
        });
    }
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
    let marks = match &bin {
        Some(bin) => rubbish_marks(acct, &chosen, bin.handle)?,
        None => Vec::new(),
    };
    let action = if trash {
        "move node to the rubbish bin"
    } else {
        "delete node"
    };
    // All in a few batched requests and one catch-up, however many nodes a glob matched.
    let results = ctx.online(async |acct| {
        let client = acct.client().await?;
        write_rubbish_marks(client, &marks).await;
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

/// `rm --empty-trash`: `dr`. Asks first in the interactive shell on a terminal (unless
/// `-f`), like `rm -r`.
fn empty_trash(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if !args.operands.is_empty() {
        return Err(CmdError::Usage {
            problem: Some("--empty-trash takes no paths".into()),
            usage: COMMAND.usage_line(),
        });
    }
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let bin = acct
        .cache
        .root_of(NodeType::Rubbish)?
        .ok_or_else(|| CmdError::NoFetch("No rubbish bin in the account".into()))?;
    let inside = acct.cache.children(bin.handle)?.len();
    if inside == 0 {
        ctx.ui.warn("The rubbish bin is already empty");
        return Ok(());
    }
    if !args.has("f") && ctx.state.interactive && ctx.ui.can_ask() {
        let question =
            format!("Delete the {inside} item(s) in the rubbish bin for good? (Yes/No): ");
        if !ctx.ui.confirm(&question)? {
            return Ok(());
        }
    }
    ctx.online(async |acct| {
        let client = acct.client().await?;
        client
            .empty_rubbish_bin()
            .await
            .map_err(|e| CmdError::api("empty the rubbish bin", e))?;
        acct.refresh().await?;
        Ok(())
    })
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
