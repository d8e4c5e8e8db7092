//! Name patterns for `ls`, `find`, `du` and `tree`: MEGAcmd's wildcards (`*`, `?`) or, with
//! `--use-pcre`, a regular expression; either way the whole name must match (megacmd.md §5).
//! A regex that does not compile is retried with `*`/`?` translated to `.*`/`.`, as MEGAcmd
//! does.

use regex::Regex;

use super::remote;
use crate::account::Account;
use crate::api::Node;
use crate::cache::glob_match;
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
        if let Ok(r) = anchored(pattern) {
            return Ok(Matcher::Regex(r));
        }
        let translated: String = pattern
            .chars()
            .flat_map(|c| match c {
                '*' => vec!['.', '*'],
                '?' => vec!['.'],
                c => vec![c],
            })
            .collect();
        anchored(&translated)
            .map(Matcher::Regex)
            .map_err(|_| CmdError::Args(format!("Invalid regular expression: {pattern}")))
    }

    /// Whether the whole `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Matcher::Glob(p) => glob_match(p, name),
            Matcher::Regex(r) => r.is_match(name),
        }
    }
}

/// Regex metacharacters that make a path component a pattern under `--use-pcre`.
fn has_regex_meta(s: &str) -> bool {
    s.chars().any(|c| "*?+[](){}|^$\\.".contains(c)) && s != "." && s != ".."
}

/// Every node `path` names. Without `pcre` this is [`remote::resolve_pattern`]; with it,
/// the last component (when it holds regex metacharacters) is a full-match regex over the
/// children of the folder the rest of the path names.
pub fn resolve(acct: &Account, path: &str, pcre: bool) -> Result<Vec<Node>, CmdError> {
    if !pcre {
        return remote::resolve_pattern(acct, path);
    }
    let trimmed = path.trim_end_matches('/');
    let (parent, last) = match trimmed.rfind('/') {
        Some(i) => (&trimmed[..=i], &trimmed[i + 1..]),
        None => ("", trimmed),
    };
    if !has_regex_meta(last) || last.starts_with("H:") {
        return remote::resolve_pattern(acct, path);
    }
    let parent_node = if parent.is_empty() {
        acct.cwd()?.ok_or_else(|| remote::not_found(path))?
    } else {
        remote::resolve_one(acct, parent)?
    };
    let m = Matcher::new(last, true)?;
    let found: Vec<Node> = acct
        .cache
        .children(parent_node.handle)?
        .into_iter()
        .filter(|n| n.name.as_deref().is_some_and(|name| m.matches(name)))
        .collect();
    if found.is_empty() {
        return Err(remote::not_found(path));
    }
    Ok(found)
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
    }

    #[test]
    fn a_broken_regex_falls_back_to_wildcards() {
        let r = Matcher::new("*.txt", true).unwrap();
        assert!(r.matches("x.txt") && !r.matches("x.txt2"));
    }
}
