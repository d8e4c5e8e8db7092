//! `mkdir [-p] remotepath...`: create remote folders (`p` with a new folder key), silent on
//! success as MEGAcmd. Without `-p` a missing intermediate folder is an error (51); an
//! existing leaf is an error even with `-p` (54). `a\/b` creates one folder named `a/b`.

use super::remote;
use super::write::{finish, shown};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::account::Account;
use crate::api::Handle;
use crate::cache::ResolveError;
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "mkdir",
    aliases: &[],
    summary: "Create a remote folder",
    usage: "[-p] remotepath...",
    flags: &[Flag::short('p', "Create missing parent folders")],
    min_args: 1,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let parents = args.has("p");
    let mut errors = Vec::new();
    for path in &args.operands {
        let path = path.clone();
        if let Err(e) = ctx.online(async |acct| make(acct, &path, parents, true).await) {
            if matches!(e, CmdError::Interrupted) {
                return Err(e);
            }
            errors.push(e);
        }
    }
    finish(ctx.ui, errors)
}

/// Create the folder `path` (and with `parents` its missing ancestors); `leaf` says whether
/// this is the folder the user named (an existing one is an error) or an ancestor (an
/// existing one is fine). Returns its handle.
async fn make(
    acct: &mut Account,
    path: &str,
    parents: bool,
    leaf: bool,
) -> Result<Handle, CmdError> {
    let cwd = acct.cwd_handle()?;
    match acct.cache.resolve_one(path, cwd)? {
        Ok(n) if leaf || !n.kind.is_container() => {
            let what = if n.kind.is_container() {
                "Folder"
            } else {
                "File"
            };
            return Err(CmdError::InvalidState(format!(
                "{what} already exists: {}",
                shown(path)
            )));
        }
        Ok(n) => return Ok(n.handle),
        Err(ResolveError::Ambiguous(hs)) => return Err(remote::ambiguous(path, &hs)),
        Err(ResolveError::NotFound) => {}
    }
    let (parent_path, name) = super::write::new_name(path)?;
    let parent = if parent_path.is_empty() {
        acct.cwd_handle()?.ok_or_else(|| remote::not_found(path))?
    } else {
        match acct.cache.resolve_one(&parent_path, cwd)? {
            Ok(n) if n.kind.is_container() => n.handle,
            Ok(_) => {
                return Err(CmdError::NotFound(format!(
                    "{}: Not a directory",
                    shown(&parent_path)
                )))
            }
            Err(ResolveError::Ambiguous(hs)) => return Err(remote::ambiguous(&parent_path, &hs)),
            Err(ResolveError::NotFound) if parents => {
                Box::pin(make(acct, &parent_path, true, false)).await?
            }
            Err(ResolveError::NotFound) => {
                return Err(CmdError::Args(
                    "Use -p to create folders recursively".into(),
                ))
            }
        }
    };
    let client = acct.client().await?;
    let node = client
        .create_folder(parent, &name)
        .await
        .map_err(|e| CmdError::api("create folder", e))?;
    // The server echoes the new folder as an action packet: the cache (and the next
    // component of a -p chain) sees it after this.
    acct.refresh().await?;
    Ok(node.handle)
}
