//! Path patterns for `ls`, `tree`, `du` and `find` (and `find --pattern=`): MEGAcmd's
//! wildcards (`*`, `?`) or, with `--use-pcre`, regular expressions, in any component of a
//! path (`/PAT1/PAT2/PAT3`), each matching whole names (megacmd.md §5).
//!
//! A path without pattern characters is a name, and must name exactly one node (duplicates
//! are an error naming every handle, see `remote::resolve_one`); a pattern may match any
//! number. Under `--use-pcre` a component is a regex when it holds a regex metacharacter
//! (so `a.txt` is one, as in MEGAcmd); a regex that does not compile is retried with `*`/`?`
//! translated to `.*`/`.`, as MEGAcmd does. Regexes are Rust's `regex` syntax (no
//! look-around or back-references); anything it rejects is a bad-argument error.
//!
//! The walk reads one folder's children at a time from the cache, never the tree.

use regex::Regex;

use super::remote;
use crate::account::Account;
use crate::api::Node;
use crate::cache::{glob_match, split_path, Component};
use crate::error::CmdError;

/// A compiled name pattern.
pub enum Matcher {
    Glob(String),
    Regex(Regex),
}

impl Matcher {
    /// `pattern` as a wildcard pattern, or as an anchored regex when `pcre`.
    pub fn new(pattern: &str, pcre: bool) -> Result<Matcher, CmdError> {
        if !pcre {
            return Ok(Matcher::Glob(pattern.to_string()));
        }
        let anchored = |p: &str| Regex::new(&format!("^(?:{p})$"));
        let first = match anchored(pattern) {
            Ok(r) => return Ok(Matcher::Regex(r)),
            Err(e) => e,
        };
        let translated = pattern.replace('*', ".*").replace('?', ".");
        anchored(&translated).map(Matcher::Regex).map_err(|_| {
            // The regex crate's messages span several lines; the first says what is wrong.
            let why = first.to_string();
            let why = why
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            CmdError::Args(format!(
                "Invalid regular expression: {pattern} ({})",
                why.trim().trim_start_matches("error: ")
            ))
        })
    }

    /// Whether the whole `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Matcher::Glob(p) => glob_match(p, name),
            Matcher::Regex(r) => r.is_match(name),
        }
    }
}

/// Regex metacharacters: a component holding one is a regex under `--use-pcre`.
fn has_regex_meta(s: &str) -> bool {
    s.chars().any(|c| "*?+[](){}|^$\\.".contains(c))
}

/// Whether component `c` is a pattern (rather than a literal name, `.` or `..`).
fn component_is_pattern(c: &Component, pcre: bool) -> bool {
    if pcre {
        c.raw != "." && c.raw != ".." && has_regex_meta(&c.raw)
    } else {
        c.glob.is_some()
    }
}

/// Whether `path` is a pattern, i.e. may name any number of nodes: some component holds
/// wildcards (or, with `pcre`, regex metacharacters).
pub fn is_pattern(path: &str, pcre: bool) -> bool {
    // `H:handle` starts hold only base64 characters, never a metacharacter.
    split_path(path)
        .iter()
        .any(|c| component_is_pattern(c, pcre))
}

/// One step of a walk.
enum Step {
    Here,
    Up,
    Name(String),
    Match(Matcher),
}

/// Every node `path` names. A name must match exactly one node (else `Couldn't find`, 53,
/// or the ambiguity error naming the handles); a pattern matches one or more (none is
/// `Couldn't find`). Matches come in path order: by parent, then by name.
pub fn resolve(acct: &Account, path: &str, pcre: bool) -> Result<Vec<Node>, CmdError> {
    if !is_pattern(path, pcre) {
        return remote::resolve_one(acct, path).map(|n| vec![n]);
    }
    let cache = &acct.cache;
    let Some((start, rest)) = cache.path_start(path, acct.cwd_for(path)?)? else {
        return Err(remote::not_found(path));
    };
    let steps = split_path(rest)
        .into_iter()
        .map(|c| {
            Ok(match c.text.as_str() {
                _ if component_is_pattern(&c, pcre) => Step::Match(Matcher::new(&c.raw, pcre)?),
                "." => Step::Here,
                ".." => Step::Up,
                _ => Step::Name(c.text),
            })
        })
        .collect::<Result<Vec<_>, CmdError>>()?;
    let mut current = vec![start];
    let last = steps.len().saturating_sub(1);
    for (i, step) in steps.iter().enumerate() {
        let mut next: Vec<Node> = Vec::new();
        for n in &current {
            match step {
                Step::Here => next.push(n.clone()),
                Step::Up => match n.parent {
                    Some(p) => next.extend(cache.node(p)?),
                    None => next.push(n.clone()),
                },
                _ if !n.kind.is_container() => {}
                Step::Name(name) => next.extend(cache.children_named(n.handle, name)?),
                Step::Match(m) => next.extend(
                    cache
                        .children(n.handle)?
                        .into_iter()
                        .filter(|k| k.name.as_deref().is_some_and(|name| m.matches(name))),
                ),
            }
        }
        // `..` can lead several paths to one folder.
        let mut seen = std::collections::HashSet::new();
        next.retain(|n| seen.insert(n.handle));
        if i != last {
            next.retain(|n| n.kind.is_container());
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    if current.is_empty() {
        return Err(remote::not_found(path));
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_regexes_match_whole_names() {
        let g = Matcher::new("*.txt", false).unwrap();
        assert!(g.matches("a.txt") && !g.matches("a.txt.bak"));
        let r = Matcher::new("a.*x", true).unwrap();
        assert!(r.matches("a.txx") && !r.matches("ba.tx") && !r.matches("a.txt"));
        let r = Matcher::new("[ab]+", true).unwrap();
        assert!(r.matches("abba") && !r.matches("abc"));
        let r = Matcher::new("a|b", true).unwrap();
        assert!(r.matches("a") && r.matches("b") && !r.matches("ab"));
    }

    #[test]
    fn a_broken_regex_falls_back_to_wildcards() {
        let r = Matcher::new("*.txt", true).unwrap();
        assert!(r.matches("x.txt") && !r.matches("x.txt2"));
        let e = Matcher::new("(unclosed", true).err().unwrap();
        assert!(matches!(e, CmdError::Args(_)));
        assert!(e
            .to_string()
            .starts_with("Invalid regular expression: (unclosed ("));
    }

    #[test]
    fn which_paths_are_patterns() {
        assert!(is_pattern("Docs/*.txt", false));
        assert!(is_pattern("D*/x", false));
        assert!(!is_pattern("Docs/a\\*", false));
        assert!(!is_pattern("../Docs/./a.txt", false));
        assert!(is_pattern("Docs/a.txt", true));
        assert!(is_pattern("D[o]cs/a", true));
        assert!(!is_pattern("../Docs/./a", true));
        assert!(!is_pattern("//bin/x", true));
        assert!(!is_pattern("H:abcdefgh/x", true));
    }
}
