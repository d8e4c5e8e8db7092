//! What the commands that change the tree (mkdir, rm, mv, cp, attr, dedupe) share: finding
//! where a new or moved node goes (MEGAcmd's destination rules), telling local endpoints
//! apart from remote ones, and reporting several failures of one command the way MEGAcmd
//! does (every one is printed, the last one decides the exit code).

use std::path::Path;

use super::remote::{self, split_parent};
use crate::account::Account;
use crate::api::{Node, NodeType};
use crate::cache::ResolveError;
use crate::error::CmdError;
use crate::ui::{terminal_safe, Ui};

/// Where a `mv`/`cp` destination operand points.
pub enum Dest {
    /// An existing folder (or root): the sources go into it, keeping their names.
    Folder(Node),
    /// An existing file.
    File(Node),
    /// Nothing by that name yet: the (single) source goes into `parent` as `name`.
    New { parent: Node, name: String },
}

/// Resolve a destination operand. A path naming two nodes is an error naming both; a missing
/// path whose parent exists is [`Dest::New`]; a missing parent is `Couldn't find`.
pub fn destination(acct: &Account, path: &str) -> Result<Dest, CmdError> {
    let cwd = acct.cwd_handle()?;
    match acct.cache.resolve_one(path, cwd)? {
        Ok(n) if n.kind.is_container() => return Ok(Dest::Folder(n)),
        Ok(n) => return Ok(Dest::File(n)),
        Err(ResolveError::Ambiguous(hs)) => return Err(remote::ambiguous(path, &hs)),
        Err(ResolveError::NotFound) => {}
    }
    let (parent_path, name) = split_parent(path);
    if name.is_empty()
        || name == "."
        || name == ".."
        || path.starts_with("H:") && !path.contains('/')
    {
        return Err(remote::not_found(path));
    }
    let parent = if parent_path.is_empty() {
        acct.cwd()?.ok_or_else(|| remote::not_found(path))?
    } else {
        match acct.cache.resolve_one(&parent_path, cwd)? {
            Ok(n) => n,
            Err(ResolveError::Ambiguous(hs)) => return Err(remote::ambiguous(&parent_path, &hs)),
            Err(ResolveError::NotFound) => return Err(remote::not_found(&parent_path)),
        }
    };
    if !parent.kind.is_container() {
        return Err(CmdError::NotFound(format!(
            "{}: Not a directory",
            terminal_safe(&parent_path)
        )));
    }
    Ok(Dest::New { parent, name })
}

/// The root a node lives under (Cloud Drive, inbox or rubbish bin).
pub fn root_kind(acct: &Account, node: &Node) -> Result<Option<NodeType>, CmdError> {
    let mut cur = Some(node.clone());
    let mut guard = 0;
    while let Some(n) = cur {
        if n.kind.is_root() {
            return Ok(Some(n.kind));
        }
        guard += 1;
        if guard > 10_000 {
            break;
        }
        cur = match n.parent {
            Some(p) => acct.cache.node(p)?,
            None => None,
        };
    }
    Ok(None)
}

/// Roots can be neither moved, copied as a whole, nor deleted.
pub fn refuse_root(node: &Node, what: &str, path: &str) -> Result<(), CmdError> {
    if node.kind.is_root() {
        return Err(CmdError::NotPermitted(format!(
            "Unable to {what} {}: it is a root folder",
            terminal_safe(path)
        )));
    }
    Ok(())
}

/// Whether an operand of `cp`/`mv` means a local file: `./x`, `../x`, `~`, `file:x`, or a
/// path that exists on this machine and not in the account. Remote paths win a tie, so
/// `/Docs` stays remote even if `/Docs` exists locally too.
pub fn is_local_endpoint(acct: &Account, operand: &str) -> Result<bool, CmdError> {
    if operand.starts_with("./")
        || operand.starts_with("../")
        || operand == "~"
        || operand.starts_with("~/")
        || operand.starts_with("file:")
    {
        return Ok(true);
    }
    if operand.starts_with("//") || operand.starts_with("H:") {
        return Ok(false);
    }
    let cwd = acct.cwd_handle()?;
    if !acct.cache.resolve(operand, cwd)?.is_empty() {
        return Ok(false);
    }
    Ok(Path::new(operand).exists())
}

/// Print every error but the last on stderr (as MEGAcmd does while it goes on with the
/// other operands) and return the last one, which sets the exit code.
pub fn finish(ui: &mut Ui, mut errors: Vec<CmdError>) -> Result<(), CmdError> {
    let Some(last) = errors.pop() else {
        return Ok(());
    };
    for e in errors {
        ui.warn(e);
    }
    Err(last)
}

/// A node's name as text for messages (terminal-safe).
pub fn shown(path: &str) -> String {
    terminal_safe(path).into_owned()
}
