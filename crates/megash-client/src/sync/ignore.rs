//! `.megaignore`, MEGA's exclusion file in a sync's root, with the SDK's syntax
//! (meganz/sdk `src/syncfilter.cpp`): one rule per line,
//! `<CLASS +|-><TARGET a|d|f|s><TYPE N|n|p><STRATEGY G|g|R|r>:<PATTERN>`, the letters after the
//! class optional (all node kinds; a name rule, or a path rule when the pattern has a `/`;
//! case-insensitive glob); `exclude-larger:SIZE` / `exclude-smaller:SIZE` (k, m, g, t
//! suffixes); `+sync:.megaignore` to sync the file itself; `#` comments. The last rule that
//! matches decides. The same rules apply to both sides.

use crate::cache::glob_match;

/// The file's name.
pub const FILE_NAME: &str = ".megaignore";

/// What a new sync's `.megaignore` holds (MEGAcmd's default exclusions: hidden files,
/// editors' backup files and the desktop clutter of other systems).
pub const DEFAULT: &str = "+sync:.megaignore\n-:.*\n-:~*\n-:desktop.ini\n-:Thumbs.db\n";

/// What [`Filters::verdict`] says about an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Sync,
    Exclude,
    SizeExcluded,
}

/// What a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    All,
    Dir,
    File,
    Symlink,
}

#[derive(Debug)]
enum Matcher {
    Glob { pattern: String, case: bool },
    Regex(regex::Regex),
}

impl Matcher {
    fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Glob {
                pattern,
                case: true,
            } => glob_match(pattern, text),
            Matcher::Glob {
                pattern,
                case: false,
            } => glob_match(pattern, &text.to_lowercase()),
            Matcher::Regex(r) => r.is_match(text),
        }
    }
}

#[derive(Debug)]
struct Rule {
    include: bool,
    target: Target,
    /// Matched against the path from the sync root (else the name).
    path: bool,
    /// `N`: only for entries directly in the root (the folder holding the file).
    here_only: bool,
    matcher: Matcher,
}

/// A parsed `.megaignore`.
#[derive(Debug, Default)]
pub struct Filters {
    rules: Vec<Rule>,
    larger: Option<u64>,
    smaller: Option<u64>,
    /// `+sync:.megaignore`: the file itself is synced.
    pub sync_self: bool,
}

/// A line that is not a rule: its number (from 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub text: String,
    pub why: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} line {}: {} ({})",
            FILE_NAME, self.line, self.text, self.why
        )
    }
}

fn size_limit(text: &str) -> Option<u64> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: u64 = t[..digits].parse().ok()?;
    let shift = match t[digits..].trim().to_ascii_lowercase().as_str() {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return None,
    };
    n.checked_mul(1u64 << shift)
}

/// Check one rule line (for `sync-ignore --add`): the parsed rule or why not.
pub fn check_rule(line: &str) -> Result<(), String> {
    let mut f = Filters::default();
    f.add(line)
}

impl Filters {
    /// Parse a `.megaignore`. Bad lines are returned; the good ones still apply (as the SDK
    /// does it would stall the sync: megash reports them and goes on).
    pub fn parse(text: &str) -> (Filters, Vec<BadLine>) {
        let mut f = Filters::default();
        let mut bad = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Err(why) = f.add(line) {
                bad.push(BadLine {
                    line: i + 1,
                    text: raw.to_string(),
                    why,
                });
            }
        }
        (f, bad)
    }

    fn add(&mut self, line: &str) -> Result<(), String> {
        for (key, larger) in [("exclude-larger:", true), ("exclude-smaller:", false)] {
            if let Some(v) = line.strip_prefix(key) {
                let n = size_limit(v).ok_or("not a size")?;
                if larger {
                    self.larger = Some(n);
                } else {
                    self.smaller = Some(n);
                }
                return Ok(());
            }
        }
        let mut chars = line.chars().peekable();
        let include = match chars.next() {
            Some('+') => true,
            Some('-') => false,
            _ => return Err("a rule starts with + or -".into()),
        };
        let rest: String = chars.clone().collect();
        if rest == "sync:.megaignore" {
            self.sync_self = include;
            return Ok(());
        }
        let mut target = Target::All;
        if let Some(t) = chars.peek().and_then(|c| match c {
            'a' => Some(Target::All),
            'd' => Some(Target::Dir),
            'f' => Some(Target::File),
            's' => Some(Target::Symlink),
            _ => None,
        }) {
            target = t;
            chars.next();
        }
        let mut kind = None;
        if let Some(k) = chars
            .peek()
            .copied()
            .filter(|c| matches!(c, 'N' | 'n' | 'p'))
        {
            kind = Some(k);
            chars.next();
        }
        let mut regex = false;
        let mut case = false;
        if let Some(s) = chars
            .peek()
            .copied()
            .filter(|c| matches!(c, 'G' | 'g' | 'R' | 'r'))
        {
            regex = matches!(s, 'R' | 'r');
            case = matches!(s, 'G' | 'R');
            chars.next();
        }
        if chars.next() != Some(':') {
            return Err("expected CLASS[TARGET][TYPE][STRATEGY]:PATTERN".into());
        }
        let pattern: String = chars.collect::<String>().trim_end().to_string();
        if pattern.is_empty() {
            return Err("the pattern is empty".into());
        }
        let path = match kind {
            Some('p') => true,
            Some(_) => false,
            None => pattern.contains('/'),
        };
        let matcher = if regex {
            let r = regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
                .case_insensitive(!case)
                .build()
                .map_err(|e| format!("bad regular expression: {e}"))?;
            Matcher::Regex(r)
        } else {
            Matcher::Glob {
                pattern: if case {
                    pattern
                } else {
                    pattern.to_lowercase()
                },
                case,
            }
        };
        self.rules.push(Rule {
            include,
            target,
            path,
            here_only: kind == Some('N'),
            matcher,
        });
        Ok(())
    }

    /// Whether the entry at `path` (from the sync root, `/`-separated) is left out. `size`
    /// for files. The caller does not descend into excluded folders, so a folder rule
    /// covers everything below it.
    pub fn excluded(&self, path: &str, kind: Kind, size: Option<u64>) -> bool {
        self.verdict(path, kind, size) != Verdict::Sync
    }

    /// What to do with the entry at `path`: sync it, leave it out, or (left out by size
    /// only) leave it alone on both sides — a file that grows past `exclude-larger` on one
    /// side must not look deleted there.
    pub fn verdict(&self, path: &str, kind: Kind, size: Option<u64>) -> Verdict {
        match self.by_rules(path, kind) {
            Some(true) => Verdict::Exclude,
            Some(false) => Verdict::Sync,
            None if self.by_size(kind, size) => Verdict::SizeExcluded,
            None => Verdict::Sync,
        }
    }

    fn by_rules(&self, path: &str, kind: Kind) -> Option<bool> {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == FILE_NAME && !path.contains('/') && kind == Kind::File {
            return Some(!self.sync_self);
        }
        for r in self.rules.iter().rev() {
            let applies = match r.target {
                Target::All => true,
                Target::Dir => kind == Kind::Dir,
                Target::File => kind == Kind::File,
                Target::Symlink => kind == Kind::Symlink,
            };
            if !applies || (r.here_only && path.contains('/')) {
                continue;
            }
            if r.matcher.matches(if r.path { path } else { name }) {
                return Some(!r.include);
            }
        }
        None
    }

    fn by_size(&self, kind: Kind, size: Option<u64>) -> bool {
        let (Kind::File, Some(s)) = (kind, size) else {
            return false;
        };
        match (self.smaller, self.larger) {
            // Both set the other way round: the band between them is excluded.
            (Some(lo), Some(hi)) if lo > hi => s > hi && s < lo,
            (lo, hi) => lo.is_some_and(|lo| s < lo) || hi.is_some_and(|hi| s > hi),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_syntax() {
        let (f, bad) = Filters::parse(
            "# comment\n-f:*.tmp\n-d:node_modules\n-s:*\n-:Build/out\n+f:keep.tmp\n\
             -nr:^x[0-9]+$\n-N:top.log\nexclude-larger:1k\nbogus\n",
        );
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 10);
        assert!(f.excluded("a/b.TMP", Kind::File, Some(1)));
        assert!(!f.excluded("a/keep.tmp", Kind::File, Some(1)));
        assert!(f.excluded("src/node_modules", Kind::Dir, None));
        assert!(!f.excluded("src/node_modules", Kind::File, Some(1)));
        assert!(f.excluded("link", Kind::Symlink, None));
        assert!(f.excluded("build/out", Kind::Dir, None));
        assert!(!f.excluded("x/build/out", Kind::Dir, None));
        assert!(f.excluded("d/X12", Kind::File, Some(1)));
        assert!(f.excluded("top.log", Kind::File, Some(1)));
        assert!(!f.excluded("d/top.log", Kind::File, Some(1)));
        assert!(f.excluded("big", Kind::File, Some(2048)));
        assert!(!f.excluded("small", Kind::File, Some(1024)));
        // The file itself only with +sync:.megaignore.
        assert!(f.excluded(".megaignore", Kind::File, Some(1)));
        let (d, bad) = Filters::parse(DEFAULT);
        assert!(bad.is_empty());
        assert!(!d.excluded(".megaignore", Kind::File, Some(1)));
        assert!(d.excluded(".hidden", Kind::File, Some(1)));
        assert!(d.excluded("a/~lock", Kind::File, Some(1)));
        assert!(d.excluded("a/THUMBS.DB", Kind::File, Some(1)));
        assert!(!d.excluded("a/b.txt", Kind::File, Some(1)));
    }

    #[test]
    fn bad_rules_say_why() {
        assert!(check_rule("-f:").is_err());
        assert!(check_rule("*.tmp").is_err());
        assert!(check_rule("-r:(").is_err());
        assert!(check_rule("exclude-larger:12q").is_err());
        assert!(check_rule("-f:*.tmp").is_ok());
    }
}
