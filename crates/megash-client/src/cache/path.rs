//! Remote path syntax, resolved by indexed lookups in the cache:
//!
//! - `/a/b` from the Cloud Drive root, `a/b` from the current directory, `.` and `..`;
//! - `//bin/...` from the rubbish bin, `//in/...` from the inbox;
//! - `H:<handle>` (optionally followed by `/rest`) for any node by its handle;
//! - `*` and `?` in the last component match names (globs); `\` escapes the next character
//!   so `a\/b` names the single component `a/b` and `\*` a literal star.
//!
//! MEGA names may contain `/`: such a node is reachable only with `\/` or by `H:handle`.
//! MEGA allows two nodes of one name in one folder, so resolution returns every match and
//! the caller decides (a command must name both handles, never pick one).

use super::{Cache, Result};
use crate::api::{Handle, Node, NodeType};

/// Why a path did not resolve to exactly one node.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("no such file or directory")]
    NotFound,
    #[error("the path matches {} nodes: {}", .0.len(), handles_list(.0))]
    Ambiguous(Vec<Handle>),
}

fn handles_list(h: &[Handle]) -> String {
    h.iter()
        .map(|h| format!("H:{h}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One path component after unescaping, with whether it held an unescaped glob character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// The literal text (escapes removed).
    pub text: String,
    /// The pattern form (escapes kept as `\x`) when the component is a glob.
    pub glob: Option<String>,
    /// The text as typed, escapes kept (what `--use-pcre` compiles as a regex).
    pub raw: String,
}

/// Whether `path` starts from the current folder: not `/…` (which covers `//bin` and
/// `//in`) and not `H:…`, the forms [`Cache::path_start`] roots elsewhere.
pub fn is_relative(path: &str) -> bool {
    !path.starts_with('/') && !path.starts_with("H:")
}

/// Split a path on unescaped `/`. Empty components (from `a//b` or a trailing `/`) are
/// dropped; the leading `/`, `//bin`, `//in` are left to the caller.
pub fn split_path(path: &str) -> Vec<Component> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut raw = String::new();
    let mut is_glob = false;
    let mut chars = path.chars();
    let mut flush = |text: &mut String, raw: &mut String, is_glob: &mut bool| {
        if !text.is_empty() || !raw.is_empty() {
            let raw = std::mem::take(raw);
            out.push(Component {
                text: std::mem::take(text),
                glob: is_glob.then(|| raw.clone()),
                raw,
            });
        }
        *is_glob = false;
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().unwrap_or('\\');
                text.push(next);
                raw.push('\\');
                raw.push(next);
            }
            '/' => flush(&mut text, &mut raw, &mut is_glob),
            '*' | '?' => {
                is_glob = true;
                text.push(c);
                raw.push(c);
            }
            c => {
                text.push(c);
                raw.push(c);
            }
        }
    }
    flush(&mut text, &mut raw, &mut is_glob);
    out
}

/// True when the path's last component has an unescaped `*` or `?`.
pub fn is_glob(path: &str) -> bool {
    split_path(path).last().is_some_and(|c| c.glob.is_some())
}

/// Match `name` against a pattern of `*`, `?` and `\`-escaped literals.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Star,
        Any,
        Lit(char),
    }
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        toks.push(match c {
            '*' => Tok::Star,
            '?' => Tok::Any,
            '\\' => Tok::Lit(it.next().unwrap_or('\\')),
            c => Tok::Lit(c),
        });
    }
    let name: Vec<char> = name.chars().collect();
    // Iterative matcher with one backtrack point: linear-ish, no exponential blowup.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match toks.get(p) {
            Some(Tok::Star) => {
                star = Some((p, n));
                p += 1;
            }
            Some(Tok::Any) => {
                p += 1;
                n += 1;
            }
            Some(Tok::Lit(c)) if *c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    toks[p..].iter().all(|t| *t == Tok::Star)
}

/// Escape a node name for use as one path component: `\\`, `/`, `*`, `?` get a `\\`, so
/// [`Cache::resolve`] finds exactly that name again.
pub fn escape_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '\\' | '/' | '*' | '?') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Cache {
    /// Completions of a partly typed remote path, from the cache only: every child of the
    /// folder `partial` names (up to its last `/`) whose name starts with the rest, as the
    /// full text to insert, escaped with [`escape_name`], folders ending in `/`.
    pub fn complete(
        &self,
        partial: &str,
        cwd: Option<Handle>,
        folders_only: bool,
    ) -> Result<Vec<String>> {
        // The last unescaped `/` separates the folder from the typed prefix.
        let mut cut = None;
        let mut escaped = false;
        for (i, c) in partial.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '/' => cut = Some(i),
                _ => {}
            }
        }
        let (dir, prefix) = match cut {
            Some(i) => (&partial[..=i], &partial[i + 1..]),
            None => ("", partial),
        };
        let prefix: String = split_path(prefix)
            .into_iter()
            .map(|c| c.text)
            .collect::<Vec<_>>()
            .concat();
        let folders = if dir.is_empty() {
            match cwd {
                Some(h) => self.node(h)?.into_iter().collect(),
                None => self.root_of(NodeType::Root)?.into_iter().collect(),
            }
        } else {
            self.resolve(dir, cwd)?
        };
        let mut out = Vec::new();
        for f in folders.iter().filter(|f| f.kind.is_container()) {
            for k in self.children(f.handle)? {
                let Some(name) = k.name.as_deref() else {
                    continue;
                };
                if !name.starts_with(prefix.as_str()) || (folders_only && !k.kind.is_container()) {
                    continue;
                }
                let slash = if k.kind.is_container() { "/" } else { "" };
                out.push(format!("{dir}{}{slash}", escape_name(name)));
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Where `path` starts (the rubbish bin for `//bin/...`, the inbox for `//in/...`, a node
    /// for `H:handle/...`, the Cloud Drive root for `/...`, else `cwd` or the root) and the
    /// rest of the path to walk from there. `None`: the start does not exist.
    pub fn path_start<'p>(
        &self,
        path: &'p str,
        cwd: Option<Handle>,
    ) -> Result<Option<(Node, &'p str)>> {
        let (start, rest) = if let Some(r) = path.strip_prefix("//bin") {
            match r.chars().next() {
                None | Some('/') => (self.root_of(NodeType::Rubbish)?, r),
                _ => (self.root_of(NodeType::Root)?, path),
            }
        } else if let Some(r) = path.strip_prefix("//in") {
            match r.chars().next() {
                None | Some('/') => (self.root_of(NodeType::Inbox)?, r),
                _ => (self.root_of(NodeType::Root)?, path),
            }
        } else if let Some(r) = path.strip_prefix("H:") {
            let (h, tail) = r.split_at(r.find('/').unwrap_or(r.len()));
            let Ok(h) = Handle::from_b64(h) else {
                return Ok(None);
            };
            (self.node(h)?, tail)
        } else if path.starts_with('/') {
            (self.root_of(NodeType::Root)?, path)
        } else {
            let start = match cwd {
                Some(h) => self.node(h)?,
                None => None,
            };
            match start {
                Some(n) => (Some(n), path),
                None => (self.root_of(NodeType::Root)?, path),
            }
        };
        Ok(start.map(|s| (s, rest)))
    }

    /// Every node `path` names, starting from `cwd` for relative paths (the Cloud Drive
    /// root when `None`). Several results mean duplicate names or a glob; none means not
    /// found. Intermediate components are literal and follow every folder of that name.
    pub fn resolve(&self, path: &str, cwd: Option<Handle>) -> Result<Vec<Node>> {
        let Some((start, rest)) = self.path_start(path, cwd)? else {
            return Ok(Vec::new());
        };
        let comps = split_path(rest);
        let mut current = vec![start];
        let last = comps.len().saturating_sub(1);
        for (i, c) in comps.iter().enumerate() {
            let mut next: Vec<Node> = Vec::new();
            for n in &current {
                match (c.glob.as_deref(), c.text.as_str()) {
                    (None, ".") => next.push(n.clone()),
                    (None, "..") => match n.parent {
                        Some(p) => next.extend(self.node(p)?),
                        None => next.push(n.clone()),
                    },
                    (Some(pat), _) if i == last => {
                        if !n.kind.is_container() {
                            continue;
                        }
                        next.extend(
                            self.children(n.handle)?
                                .into_iter()
                                .filter(|k| k.name.as_deref().is_some_and(|m| glob_match(pat, m))),
                        );
                    }
                    (_, name) => {
                        if n.kind.is_container() {
                            let found = self.children_named(n.handle, name)?;
                            if found.is_empty() && i == last {
                                next.extend(self.version_named(n.handle, name)?);
                            }
                            next.extend(found);
                        }
                    }
                }
            }
            next.sort_by_key(|n| n.handle);
            next.dedup_by_key(|n| n.handle);
            if i != last {
                // Only containers can be walked through.
                next.retain(|n| n.kind.is_container());
            }
            current = next;
            if current.is_empty() {
                break;
            }
        }
        current.sort_by(|a, b| a.name.cmp(&b.name).then(a.handle.cmp(&b.handle)));
        Ok(current)
    }

    /// MEGAcmd's `NAME#EPOCH` (exactly ten digits): the version of file `NAME` in `parent`
    /// (the current one included) whose modification time is EPOCH, as `ls --versions`
    /// prints it.
    fn version_named(&self, parent: Handle, name: &str) -> Result<Vec<Node>> {
        let Some((base, epoch)) = name.rsplit_once('#') else {
            return Ok(Vec::new());
        };
        if epoch.len() != 10 || !epoch.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Vec::new());
        }
        let epoch: i64 = epoch.parse().unwrap_or(-1);
        let mut out = Vec::new();
        for file in self.children_named(parent, base)? {
            if file.kind != NodeType::File {
                continue;
            }
            let versions = self.versions(file.handle)?;
            out.extend(
                std::iter::once(file)
                    .chain(versions)
                    .filter(|v| version_time(v) == epoch),
            );
        }
        Ok(out)
    }

    /// Exactly one node for `path` (not a glob), or why not.
    pub fn resolve_one(
        &self,
        path: &str,
        cwd: Option<Handle>,
    ) -> Result<std::result::Result<Node, ResolveError>> {
        let mut found = self.resolve(path, cwd)?;
        Ok(match found.len() {
            0 => Err(ResolveError::NotFound),
            1 => Ok(found.remove(0)),
            _ => Err(ResolveError::Ambiguous(
                found.iter().map(|n| n.handle).collect(),
            )),
        })
    }
}

/// The time a version is known by (`NAME#EPOCH`): its modification time from the
/// fingerprint, else its upload time, as MEGAcmd.
pub fn version_time(node: &Node) -> i64 {
    node.fingerprint
        .as_deref()
        .and_then(crate::crypto::fingerprint::mtime_of)
        .map_or(node.ts, |t| t as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.txt", "a.txt"));
        assert!(!glob_match("*.txt", "a.txt.bak"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a\\*", "ab"));
        assert!(glob_match("a\\*", "a*"));
        assert!(glob_match("ü*", "über"));
    }

    #[test]
    fn splitting() {
        let c = split_path("/a/b\\/c/*.x/");
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].text, "b/c");
        assert!(c[1].glob.is_none());
        assert_eq!(c[2].glob.as_deref(), Some("*.x"));
        assert!(is_glob("x/*"));
        assert!(!is_glob("x/\\*"));
        assert!(!is_glob("*/x"));
        assert!(is_relative("a/b") && is_relative("./x") && is_relative(""));
        assert!(!is_relative("/a") && !is_relative("//bin/x") && !is_relative("H:abc/x"));
    }
}
