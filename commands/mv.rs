//! `mv src... dst`: move or rename remote nodes (`m`, then `a` for a new name). An existing
//! folder `dst` receives the sources; a path that does not exist yet takes one source under
//! its last name (a rename only when the parent stays the same); an existing file `dst` is
//! replaced by a file source (moved, renamed, then the old file deleted), as MEGAcmd does.
//! Several sources need a folder. Remote only: local paths are for get/put.

use super::write::{
    destination, finish, refuse_local_operands, rubbish_marks, shown, source_nodes,
    write_rubbish_marks, Dest,
};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::{self, Handle, Node};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "mv",
    aliases: &[],
    summary: "Move or rename remote files and folders",
    usage: "[--use-pcre] srcremotepath... dstremotepath",
    flags: &[Flag::long(
        "use-pcre",
        "Treat patterns as Perl-compatible regular expressions",
    )],
    min_args: 2,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

/// One source's move: `m` under `parent` if set, then a rename to `name` if set, then the
/// file it replaces deleted.
struct Step {
    node: Node,
    parent: Option<Handle>,
    name: Option<String>,
    replaces: Option<Node>,
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let Some((dst, srcs)) = args.operands.split_last() else {
        return Err(CmdError::Usage {
            problem: None,
            usage: COMMAND.usage_line(),
        });
    };
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    refuse_local_operands(acct, &args.operands, |p| {
        format!(
            "mv moves remote nodes only: {p} is a local path; use get to download or put to upload"
        )
    })?;
    let mut errors = Vec::new();
    let mut sources = source_nodes(acct, srcs, "move", &mut errors)?;
    if sources.is_empty() {
        return finish(ctx.ui, errors);
    }
    let dest = destination(acct, dst)?;
    let not_folder = || CmdError::InvalidType(format!("{} must be a valid folder", shown(dst)));
    let mut steps = Vec::new();
    // Plain moves into one folder go out together (batched `m`, one catch-up).
    let mut into: Option<(Handle, Vec<Handle>)> = None;
    let mut same = false;
    match dest {
        Dest::Folder(f) => {
            let mut handles = Vec::new();
            for n in sources {
                if n.handle == f.handle {
                    same = true;
                } else if n.parent != Some(f.handle) && !handles.contains(&n.handle) {
                    handles.push(n.handle);
                }
            }
            into = Some((f.handle, handles));
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
                steps.push(Step {
                    parent: (n.parent != f.parent).then_some(f.parent).flatten(),
                    name: (n.name != f.name).then(|| f.name.clone()).flatten(),
                    node: n,
                    replaces: Some(f),
                });
            }
        }
        Dest::New { parent, name } => {
            if sources.len() != 1 {
                return Err(not_folder());
            }
            let n = sources.remove(0);
            steps.push(Step {
                parent: (n.parent != Some(parent.handle)).then_some(parent.handle),
                name: (n.name.as_deref() != Some(name.as_str())).then_some(name),
                node: n,
                replaces: None,
            });
        }
    }
    if same {
        // MEGAcmd prints this and still exits 0; scripts may rely on that.
        ctx.ui.warn("Source and destiny are the same");
    }
    if let Some((folder, handles)) = into.filter(|(_, h)| !h.is_empty()) {
        let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
        let nodes: Vec<Node> = handles
            .iter()
            .filter_map(|h| acct.cache.node(*h).ok().flatten())
            .collect();
        let marks = rubbish_marks(acct, &nodes, folder)?;
        let r = ctx.online(async |acct| {
            let client = acct.client().await?;
            write_rubbish_marks(client, &marks).await;
            let r = client
                .move_nodes(&handles, folder)
                .await
                .map_err(|e| CmdError::api("move node", e))?;
            acct.refresh().await?;
            Ok(r)
        });
        match r {
            Err(e @ CmdError::Interrupted) => return Err(e),
            Err(e) => errors.push(e),
            Ok(results) => errors.extend(
                results
                    .into_iter()
                    .filter_map(|r| r.err())
                    .map(|code| CmdError::api("move node", api::Error::Mega(code))),
            ),
        }
    }
    for step in steps {
        let mut marks = match step.parent {
            Some(p) => {
                let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
                rubbish_marks(acct, std::slice::from_ref(&step.node), p)?
            }
            None => Vec::new(),
        };
        // A rename rides on the mark's attribute update (both write the whole set).
        let renamed = match (marks.first_mut(), &step.name) {
            (Some((_, _, attributes)), Some(name)) => {
                attributes.insert("n".into(), serde_json::Value::from(name.as_str()));
                true
            }
            _ => false,
        };
        let r = ctx.online(async |acct| {
            let Step {
                node,
                parent,
                name,
                replaces,
            } = &step;
            let client = acct.client().await?;
            if let Some(p) = parent {
                write_rubbish_marks(client, &marks).await;
                client
                    .move_node(node.handle, *p)
                    .await
                    .map_err(|e| CmdError::api("move node", e))?;
            }
            if let Some(name) = name.as_ref().filter(|_| !renamed) {
                client
                    .rename(node, name)
                    .await
                    .map_err(|e| CmdError::api("rename node", e))?;
            }
            if let Some(old) = replaces {
                client
                    .delete(old.handle)
                    .await
                    .map_err(|e| CmdError::api("delete the replaced node", e))?;
            }
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
