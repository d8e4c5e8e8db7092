//! MEGAcmd's argument grammar (megacmd.md §2.1), driven by the command table: flags anywhere
//! among the operands, combined short flags (`-lh`), counted repeats (`-aa`), long options only
//! as `--name` or `--name=VALUE`, `--` ends options, `-v…` and `--help` on every command.
//! `-h` is never help: commands use it for human-readable sizes. Also the shell's word splitter.

use super::{Command, Flag};
use crate::error::CmdError;

/// The parsed command line of one command.
#[derive(Debug)]
pub struct Args {
    /// The command these arguments are for.
    pub cmd: &'static Command,
    /// Operands, in order.
    pub operands: Vec<String>,
    /// `--help` was given.
    pub help: bool,
    /// How many `-v` were given (log verbosity for this command).
    pub verbose: usize,
    /// `--progress`: draw transfer progress and the summary even when stderr is no terminal.
    pub progress: bool,
    flags: Vec<(&'static Flag, Option<String>)>,
}

impl Args {
    /// How many times the flag named `name` (its long name, or its short letter) was given.
    pub fn count(&self, name: &str) -> usize {
        // A misspelt flag name would read as "not given" for ever: tests and debug builds
        // stop at the first query of a name the command does not have.
        debug_assert!(
            self.cmd.flags.iter().any(|f| f.is(name)),
            "{} has no flag {name:?}",
            self.cmd.name
        );
        self.flags.iter().filter(|(f, _)| f.is(name)).count()
    }

    /// Whether the flag named `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.count(name) > 0
    }

    /// The value of `--name=VALUE` (the last one if repeated).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| f.is(name))
            .and_then(|(_, v)| v.as_deref())
    }
}

/// `-53` is an operand (e.g. `errorcode -53`), not five flags.
fn is_negative_number(word: &str) -> bool {
    word.len() > 1 && word[1..].bytes().all(|b| b.is_ascii_digit())
}

/// A session string (base64url, so one in 64 starts with `-`) given to a command without
/// short flags, such as `login $(mega-session)`: it cannot be a cluster of flags there, and
/// scripts copied from MEGAcmd do not write `--` before it.
fn is_hyphenated_token(cmd: &Command, word: &str) -> bool {
    let rest = &word[1..];
    cmd.flags.iter().all(|f| f.short.is_none())
        && rest.len() >= 32
        && !rest.starts_with('-')
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !rest.bytes().all(|b| b == b'v')
}

/// A word after one `-` that holds a `:` can never be a cluster of short flags (those are
/// letters and take no values), so it is an operand: `sync-ignore`'s exclusion rules
/// (`-f:*.tmp`) then need no `--`, which MEGAcmd requires.
fn cannot_be_flags(word: &str) -> bool {
    !word.starts_with("--") && word.contains(':')
}

/// Parse `words` (the words after the command name) against `cmd`'s table entry.
pub fn parse(cmd: &'static Command, words: &[String]) -> Result<Args, CmdError> {
    let invalid = |arg: &str| CmdError::InvalidArgument {
        arg: arg.to_string(),
        usage: cmd.usage_line(),
    };
    let mut args = Args {
        cmd,
        operands: Vec::new(),
        help: false,
        verbose: 0,
        progress: false,
        flags: Vec::new(),
    };
    let mut options_done = false;
    for word in words {
        if options_done
            || word == "-"
            || !word.starts_with('-')
            || is_negative_number(word)
            || is_hyphenated_token(cmd, word)
            || cannot_be_flags(word)
        {
            args.operands.push(word.clone());
        } else if word == "--" {
            options_done = true;
        } else if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(strip_quotes(v).to_string())),
                None => (long, None),
            };
            if name == "help" && value.is_none() {
                args.help = true;
                continue;
            }
            // Global, like MEGAcmd's log level: every command accepts it.
            if name == "debug"
                && value.is_none()
                && !cmd.flags.iter().any(|f| f.long == Some("debug"))
            {
                args.verbose = args.verbose.max(3);
                continue;
            }
            if name == "progress"
                && value.is_none()
                && !cmd.flags.iter().any(|f| f.long == Some("progress"))
            {
                args.progress = true;
                continue;
            }
            let flag = cmd
                .flags
                .iter()
                .find(|f| f.long == Some(name))
                .ok_or_else(|| invalid(word))?;
            // MEGAcmd has no `--name VALUE` form: a value is given with `=` or not at all.
            if flag.value.is_some() != value.is_some() {
                return Err(invalid(word));
            }
            args.flags.push((flag, value));
        } else {
            for c in word.chars().skip(1) {
                if c == 'v' && !cmd.flags.iter().any(|f| f.short == Some('v')) {
                    args.verbose += 1;
                    continue;
                }
                let flag = cmd
                    .flags
                    .iter()
                    .find(|f| f.short == Some(c) && f.value.is_none())
                    .ok_or_else(|| invalid(&format!("-{c}")))?;
                args.flags.push((flag, None));
            }
        }
    }
    if !args.help {
        let n = args.operands.len();
        if n < cmd.min_args || cmd.max_args.is_some_and(|max| n > max) {
            return Err(CmdError::Usage {
                problem: None,
                usage: cmd.usage_line(),
            });
        }
    }
    Ok(args)
}

/// MEGAcmd strips one pair of surrounding double quotes from an option value.
fn strip_quotes(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(v)
}

/// Split a shell or batch line into words: blanks separate, double or single quotes group,
/// `\ ` is a space, `\\` a backslash, `\"`/`\'` a quote; any other backslash is kept as it is
/// (so Windows-style paths survive).
pub fn split_words(line: &str) -> Result<Vec<String>, CmdError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                in_word = true;
                match chars.peek() {
                    Some(&n) if matches!(n, ' ' | '\t' | '\\' | '"' | '\'') => {
                        word.push(n);
                        chars.next();
                    }
                    _ => word.push('\\'),
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(CmdError::Args(format!(
            "Unterminated quote ({q}) in: {line}"
        )));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::find;

    fn words(s: &str) -> Vec<String> {
        split_words(s).unwrap()
    }

    fn parse_str(cmd: &str, line: &str) -> Result<Args, CmdError> {
        parse(find(cmd).unwrap(), &words(line))
    }

    #[test]
    fn double_dash_ends_options() {
        // Session strings are base64url and may start with `-`.
        let a = parse_str("login", "-- -Bxyz_session").unwrap();
        assert_eq!(a.operands, ["-Bxyz_session"]);
        assert!(parse_str("login", "-Bxyz_session").is_err());
        // A whole session string needs no `--`: `login` has no short flags to confuse it with.
        let sid = format!("-{}", "AbC_d-9".repeat(12));
        let a = parse_str("login", &sid).unwrap();
        assert_eq!(a.operands, [sid.as_str()]);
        let a = parse_str("login", &format!("{sid} --force")).unwrap();
        assert!(a.has("force"));
        // Not where short flags exist, and never for a run of `-v`.
        assert!(parse_str("ls", &sid).is_err());
        let a = parse_str("login", &format!("-{} x", "v".repeat(40))).unwrap();
        assert_eq!(a.verbose, 40);
    }

    #[test]
    fn combined_short_flags_and_h_is_human() {
        let a = parse_str("ls", "-lh /a").unwrap();
        assert!(a.has("l") && a.has("h") && !a.help);
        assert_eq!(a.operands, ["/a"]);
        let a = parse_str("ls", "-aa").unwrap();
        assert_eq!(a.count("a"), 2);
        // A `:` is in no flag cluster: `sync-ignore`'s `-f:*.tmp` is an operand, for any
        // command alike.
        let a = parse_str("sync-ignore", "--add -f:*.tmp").unwrap();
        assert!(a.has("add"));
        assert_eq!(a.operands, ["-f:*.tmp"]);
        assert_eq!(parse_str("ls", "-l:x").unwrap().operands, ["-l:x"]);
    }

    #[test]
    fn long_options_only_with_equals() {
        let a = parse_str("ls", "--time-format=\"ISO6081\" x --show-handles").unwrap();
        assert_eq!(a.value("time-format"), Some("ISO6081"));
        assert!(a.has("show-handles"));
        assert_eq!(a.operands, ["x"]);
        assert!(matches!(
            parse_str("ls", "--time-format"),
            Err(CmdError::InvalidArgument { .. })
        ));
        assert!(matches!(
            parse_str("ls", "--tree=yes"),
            Err(CmdError::InvalidArgument { .. })
        ));
    }

    #[test]
    fn unknown_flags_name_the_flag() {
        let e = parse_str("ls", "-lz").unwrap_err();
        assert_eq!(e.exit_code(), 51);
        assert!(e
            .to_string()
            .starts_with("Invalid argument: -z\nUsage: ls "));
        let e = parse_str("ls", "--bogus=1").unwrap_err();
        assert!(e.to_string().starts_with("Invalid argument: --bogus=1\n"));
    }

    #[test]
    fn double_dash_ends_options_and_help_and_verbose_are_global() {
        let a = parse_str("mkdir", "-- -p").unwrap();
        assert!(!a.has("p"));
        assert_eq!(a.operands, ["-p"]);
        let a = parse_str("mkdir", "--help").unwrap();
        assert!(a.help);
        let a = parse_str("version", "-vv -l").unwrap();
        assert_eq!(a.verbose, 2);
    }

    #[test]
    fn negative_numbers_are_operands() {
        let a = parse_str("errorcode", "-53").unwrap();
        assert_eq!(a.operands, ["-53"]);
    }

    #[test]
    fn operand_counts_are_checked() {
        assert!(matches!(
            parse_str("errorcode", ""),
            Err(CmdError::Usage { .. })
        ));
        assert!(matches!(
            parse_str("errorcode", "1 2"),
            Err(CmdError::Usage { .. })
        ));
    }

    #[test]
    fn splitting() {
        assert_eq!(words("  ls  -l   a "), ["ls", "-l", "a"]);
        assert_eq!(
            words(r#"cd "My Files"/x 'a b' c\ d"#),
            ["cd", "My Files/x", "a b", "c d"]
        );
        assert_eq!(words(r"lcd C:\Users\x \\"), ["lcd", r"C:\Users\x", r"\"]);
        assert_eq!(words(r#"a "" b"#), ["a", "", "b"]);
        assert_eq!(
            words("get https://mega.nz/file/abc#key"),
            ["get", "https://mega.nz/file/abc#key"]
        );
        assert!(split_words("ls \"open").is_err());
    }
}
