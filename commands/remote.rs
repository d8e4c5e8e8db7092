//! Remote paths for commands: resolving them in the cache with MEGAcmd's error lines, and
//! showing nodes' paths the way MEGAcmd does (relative to the current folder when inside it).

use crate::account::Account;
use crate::api::{Handle, Node, NodeType};
use crate::cache::{is_glob, ResolveError};
use crate::error::CmdError;
use crate::ui::terminal_safe;

/// `Couldn't find PATH` (53).
pub fn not_found(path: &str) -> CmdError {
    CmdError::NotFound(format!("Couldn't find {}", terminal_safe(path)))
}

/// The error for a path naming several nodes: both handles, so the user can pick one.
pub fn ambiguous(path: &str, handles: &[Handle]) -> CmdError {
    let list = handles
        .iter()
        .map(|h| format!("H:{h}"))
        .collect::<Vec<_>>()
        .join(", ");
    CmdError::Ambiguous(format!(
        "{} matches {} nodes with the same name: {list}; name one by its handle (H:...) or run \"dedupe\"",
        terminal_safe(path),
        handles.len()
    ))
}

/// Exactly one node for `path` (not a glob), or MEGAcmd's not-found line, or the ambiguity
/// error naming every match.
pub fn resolve_one(acct: &Account, path: &str) -> Result<Node, CmdError> {
    let cwd = acct.cwd_for(path)?;
    match acct.cache.resolve_one(path, cwd)? {
        Ok(n) => Ok(n),
        Err(ResolveError::NotFound) => Err(not_found(path)),
        Err(ResolveError::Ambiguous(hs)) => Err(ambiguous(path, &hs)),
    }
}

/// Every node `path` names: a glob may match many; a literal path must match exactly one
/// (duplicates are an error, never a silent pick). Nothing found is `Couldn't find PATH`.
pub fn resolve_pattern(acct: &Account, path: &str) -> Result<Vec<Node>, CmdError> {
    if !is_glob(path) {
        return resolve_one(acct, path).map(|n| vec![n]);
    }
    let cwd = acct.cwd_for(path)?;
    let found = acct.cache.resolve(path, cwd)?;
    if found.is_empty() {
        return Err(not_found(path));
    }
    Ok(found)
}

/// The absolute path of a node (`H:handle` when it is outside every root, e.g. an orphan).
pub fn abs_path(acct: &Account, node: &Node) -> Result<String, CmdError> {
    Ok(acct
        .cache
        .path_of(node.handle)?
        .unwrap_or_else(|| format!("H:{}", node.handle)))
}

/// `rel` (a path below `base`, as [`crate::cache::Cache::walk_descendants`] gives it) joined
/// to `base` (`.`, `/`, or a path without a trailing `/`).
pub fn join(base: &str, rel: &str) -> String {
    match base {
        "." => rel.to_string(),
        b if b.ends_with('/') => format!("{b}{rel}"),
        b => format!("{b}/{rel}"),
    }
}

/// A node's path as MEGAcmd shows it: relative to the current folder when below it, else
/// absolute.
pub fn display_path(acct: &Account, node: &Node) -> Result<String, CmdError> {
    let abs = abs_path(acct, node)?;
    let cwd = acct.cwd_path();
    Ok(relative_to(&abs, &cwd))
}

/// `abs` relative to `cwd` if it is below it (`.` for `cwd` itself), else `abs`.
pub fn relative_to(abs: &str, cwd: &str) -> String {
    if abs == cwd {
        return ".".into();
    }
    // `//bin/x` is not below `/`: the other roots always show absolute.
    if abs.starts_with("//") && !cwd.starts_with("//") {
        return abs.to_string();
    }
    let prefix = if cwd.ends_with('/') {
        cwd.to_string()
    } else {
        format!("{cwd}/")
    };
    match abs.strip_prefix(&prefix) {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => abs.to_string(),
    }
}

/// Name to print for a node: terminal-safe, `H:handle` placeholder when undecryptable.
pub fn name_of(node: &Node) -> String {
    match &node.name {
        Some(n) => terminal_safe(n).into_owned(),
        None => match node.kind {
            NodeType::Root => "/".into(),
            NodeType::Inbox => "//in".into(),
            NodeType::Rubbish => "//bin".into(),
            _ => format!("[undecryptable H:{}]", node.handle),
        },
    }
}

/// The parent folder and last name of `path` for creating something there (`mkdir`, the
/// target of `mv`/`cp`): `("a/b", "c")` for `a/b/c`; the folder part may be empty (cwd).
pub fn split_parent(path: &str) -> (String, String) {
    let trimmed = path.trim_end_matches('/');
    let mut escaped = false;
    let mut cut = None;
    for (i, c) in trimmed.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '/' => cut = Some(i),
            _ => {}
        }
    }
    let unescape = |s: &str| {
        crate::cache::split_path(s)
            .into_iter()
            .map(|c| c.text)
            .collect::<Vec<_>>()
            .concat()
    };
    match cut {
        Some(0) => ("/".into(), unescape(&trimmed[1..])),
        Some(i) => (trimmed[..i].to_string(), unescape(&trimmed[i + 1..])),
        None => (String::new(), unescape(trimmed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_to("/a/b", "/a"), "b");
        assert_eq!(relative_to("/a", "/a"), ".");
        assert_eq!(relative_to("/ab", "/a"), "/ab");
        assert_eq!(relative_to("/x/y", "/"), "x/y");
        assert_eq!(relative_to("//bin/x", "/"), "//bin/x");
    }

    #[test]
    fn parents() {
        assert_eq!(split_parent("a/b/c"), ("a/b".into(), "c".into()));
        assert_eq!(split_parent("/c"), ("/".into(), "c".into()));
        assert_eq!(split_parent("c/"), ("".into(), "c".into()));
        assert_eq!(split_parent("a/b\\/c"), ("a".into(), "b/c".into()));
    }
}
