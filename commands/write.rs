//! What the commands that change the tree (mkdir, rm, mv, cp, attr, dedupe) share: finding
//! where a new or moved node goes (MEGAcmd's destination rules), telling local endpoints
//! apart from remote ones, and reporting several failures of one command the way MEGAcmd
//! does (every one is printed, the last one decides the exit code).

use std::path::Path;

use serde_json::Value;

use super::remote::{self, split_parent};
use crate::account::Account;
use crate::api::{AttributeUpdate, Handle, Node, NodeType};
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
    // `X/` names the folder X: never a file, never a new name.
    let folder_only = path.len() > 1 && path.ends_with('/');
    match acct.cache.resolve_one(path, cwd)? {
        Ok(n) if n.kind.is_container() => return Ok(Dest::Folder(n)),
        Ok(_) if folder_only => {
            return Err(CmdError::InvalidType(format!(
                "{}: Not a directory",
                terminal_safe(path)
            )))
        }
        Ok(n) => return Ok(Dest::File(n)),
        Err(ResolveError::Ambiguous(hs)) => return Err(remote::ambiguous(path, &hs)),
        Err(ResolveError::NotFound) if folder_only => {
            return Err(CmdError::NotFound(format!(
                "Couldn't find destination folder: {}",
                terminal_safe(path)
            )))
        }
        Err(ResolveError::NotFound) => {}
    }
    let (parent_path, name) = new_name(path)?;
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

/// `path` split into its parent path and the name a node created there would get; a path
/// that cannot name a new node (`.`, `..`, a bare `H:handle`) is not found.
pub fn new_name(path: &str) -> Result<(String, String), CmdError> {
    let (parent_path, name) = split_parent(path);
    if name.is_empty()
        || name == "."
        || name == ".."
        || path.starts_with("H:") && !path.contains('/')
    {
        return Err(remote::not_found(path));
    }
    Ok((parent_path, name))
}

/// The root a node lives under (Cloud Drive, inbox or rubbish bin).
pub fn root_kind(acct: &Account, node: &Node) -> Result<Option<NodeType>, CmdError> {
    Ok(acct
        .cache
        .ancestors(node.handle)?
        .into_iter()
        .find(|n| n.kind.is_root())
        .map(|n| n.kind))
}

/// The `rr` marks to write before `nodes` move under `target`, as MEGA's apps keep them: a
/// node going into the rubbish bin from elsewhere records its parent (so `restore` can put it
/// back), one leaving the bin loses the mark. Nodes without a key cannot be marked.
pub fn rubbish_marks(
    acct: &Account,
    nodes: &[Node],
    target: Handle,
) -> Result<Vec<AttributeUpdate>, CmdError> {
    let into_bin = match acct.cache.node(target)? {
        Some(t) => t.kind == NodeType::Rubbish || root_kind(acct, &t)? == Some(NodeType::Rubbish),
        None => false,
    };
    let mut out = Vec::new();
    for n in nodes {
        let Some(key) = n.key else { continue };
        let in_bin = root_kind(acct, n)? == Some(NodeType::Rubbish);
        let mut attributes = n.attributes();
        match (in_bin, into_bin, n.parent) {
            (false, true, Some(parent)) => {
                attributes.insert("rr".into(), Value::from(parent.to_b64()));
            }
            (true, false, _) if attributes.remove("rr").is_some() => {}
            _ => continue,
        }
        out.push((n.handle, key, attributes));
    }
    Ok(out)
}

/// Write [`rubbish_marks`]; a mark that fails only loses the way back, so it is no error.
pub async fn write_rubbish_marks(client: &crate::api::Client, marks: &[AttributeUpdate]) {
    if !marks.is_empty() {
        if let Err(e) = client.set_attributes_many(marks).await {
            log::warn!("could not record where nodes came from in the rubbish bin: {e}");
        }
    }
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

/// Refuse the first operand of `cp`/`mv` that is a local path, with `message(path)`.
pub fn refuse_local_operands(
    acct: &Account,
    operands: &[String],
    message: impl Fn(&str) -> String,
) -> Result<(), CmdError> {
    match operands
        .iter()
        .find_map(|op| match is_local_endpoint(acct, op) {
            Ok(true) => Some(Ok(op)),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }) {
        Some(op) => Err(CmdError::Args(message(&shown(op?)))),
        None => Ok(()),
    }
}

/// The nodes the source operands of `cp`/`mv` name (globs expanded), roots refused with
/// `verb` in the message; failures go to `errors` so the other sources still proceed.
pub fn source_nodes(
    acct: &Account,
    operands: &[String],
    verb: &str,
    errors: &mut Vec<CmdError>,
) -> Result<Vec<Node>, CmdError> {
    let mut sources = Vec::new();
    for s in operands {
        match remote::resolve_pattern(acct, s) {
            Ok(nodes) => {
                for n in nodes {
                    let p = if crate::cache::is_glob(s) {
                        remote::display_path(acct, &n)?
                    } else {
                        s.clone()
                    };
                    match refuse_root(&n, verb, &p) {
                        Ok(()) => sources.push(n),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    Ok(sources)
}
