//! Tab completion, from the command table: command names, then flags, then operands by kind
//! (remote paths through the account's cache hook, local paths from the file system, command
//! names for `help`). The same [`candidates`] answers the shell and `megash __complete`, which
//! the bash/zsh/fish scripts call for remote paths.

use std::cell::RefCell;
use std::rc::Rc;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::Helper;

use crate::commands::{self, Operand, State, TABLE};

/// Where the word under the cursor starts: after the last unescaped, unquoted blank.
fn word_start(line: &str) -> usize {
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => start = i + c.len_utf8(),
            _ => {}
        }
    }
    start
}

/// A candidate as typed in the shell: spaces and backslashes escaped.
pub fn escape_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, ' ' | '\\' | '"' | '\'') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Command names (and aliases) starting with `prefix`.
pub fn command_names(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = TABLE
        .iter()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .filter(|n| {
            n.starts_with(prefix) && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

/// What completes the last word of `line` (the text before the cursor), for everything that
/// does not need the file system: returns the word's start and the candidates, each with a
/// trailing space when it is complete (`--opt=` and folders `…/` have none).
pub fn candidates(line: &str, state: Option<&State>) -> (usize, Vec<String>) {
    let start = word_start(line);
    let word = &line[start..];
    let before = commands::split_words(&line[..start]).unwrap_or_default();
    let Some(first) = before.first() else {
        // Lines copied from scripts start with `mega-`: those complete too.
        let names = match word.strip_prefix("mega-") {
            Some(rest) => command_names(rest)
                .into_iter()
                .map(|n| format!("mega-{n} "))
                .collect(),
            None => command_names(word).into_iter().map(|n| n + " ").collect(),
        };
        return (start, names);
    };
    let Some(cmd) = typed_command(first) else {
        return (start, Vec::new());
    };
    if word.starts_with('-') {
        let mut flags: Vec<String> = cmd
            .flags
            .iter()
            .filter_map(|f| {
                let s = match (f.long, f.value) {
                    (Some(l), Some(_)) => format!("--{l}="),
                    _ => format!("{} ", f.spelling()),
                };
                s.starts_with(word).then_some(s)
            })
            .collect();
        if "--help".starts_with(word) {
            flags.push("--help ".to_string());
        }
        return (start, flags);
    }
    let list = match operand_at(cmd.operands, &before[1..], word) {
        Operand::Command => command_names(word).into_iter().map(|n| n + " ").collect(),
        kind @ (Operand::Remote | Operand::RemoteDir) => remote(word, kind, state),
        Operand::None | Operand::Local | Operand::LocalDir | Operand::RemoteThenLocal => Vec::new(),
    };
    (start, list)
}

/// What the operand `word` is, after the words `before` it (flags and earlier operands):
/// `get`'s second operand is local, and a remote operand written `./x`, `../x` or `~/x` is
/// local (the marks `cp` reads as local too).
fn operand_at(kind: Operand, before: &[String], word: &str) -> Operand {
    let kind = match kind {
        Operand::RemoteThenLocal if before.iter().any(|w| !w.starts_with('-')) => Operand::Local,
        Operand::RemoteThenLocal => Operand::Remote,
        other => other,
    };
    let local_mark = ["./", "../", "~/"].iter().any(|m| word.starts_with(m)) || word == "~";
    match kind {
        Operand::Remote if local_mark => Operand::Local,
        Operand::RemoteDir if local_mark => Operand::LocalDir,
        other => other,
    }
}

/// Remote candidates from the account's cache hook (none while logged out).
fn remote(word: &str, kind: Operand, state: Option<&State>) -> Vec<String> {
    let Some(account) = state.and_then(|s| s.account.as_ref()) else {
        return Vec::new();
    };
    let unescaped = unquote_partial(word);
    account
        .complete_remote(&unescaped, kind == Operand::RemoteDir)
        .into_iter()
        .map(|c| {
            let e = escape_word(&c);
            if c.ends_with('/') {
                e
            } else {
                e + " "
            }
        })
        .collect()
}

/// The word being typed as the command will see it. It may still be inside a quote the user
/// has not closed (`"My F`): close it to read the word, so the candidates replace it whole.
fn unquote_partial(word: &str) -> String {
    ["", "\"", "'"]
        .iter()
        .find_map(|close| commands::split_words(&format!("{word}{close}")).ok())
        .and_then(|w| w.into_iter().next())
        .unwrap_or_default()
}

/// The operand kind of the word at the end of `line`, when it is an operand.
fn operand_kind(line: &str) -> Option<Operand> {
    let start = word_start(line);
    if line[start..].starts_with('-') {
        return None;
    }
    let before = commands::split_words(&line[..start]).ok()?;
    let cmd = typed_command(before.first()?)?;
    Some(operand_at(cmd.operands, &before[1..], &line[start..]))
}

/// The command a line starts with, `mega-` prefix or not (as the shell runs it).
fn typed_command(name: &str) -> Option<&'static commands::Command> {
    commands::find(name).or_else(|| commands::find(name.strip_prefix("mega-")?))
}

/// The rustyline helper of the shell.
pub struct ShellHelper {
    state: Rc<RefCell<State>>,
    files: FilenameCompleter,
}

impl ShellHelper {
    /// A helper reading the shell's state (for the account's remote completion).
    pub fn new(state: Rc<RefCell<State>>) -> ShellHelper {
        ShellHelper {
            state,
            files: FilenameCompleter::new(),
        }
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        match operand_kind(before) {
            Some(Operand::Local) => return self.files.complete(line, pos, ctx),
            Some(Operand::LocalDir) => {
                let (start, pairs) = self.files.complete(line, pos, ctx)?;
                let dirs = pairs
                    .into_iter()
                    .filter(|p| p.replacement.ends_with('/'))
                    .collect();
                return Ok((start, dirs));
            }
            _ => {}
        }
        // The shell's state is borrowed mutably only while a command runs, never while
        // a line is being edited; if it ever is, complete without the account.
        let state = self.state.try_borrow().ok();
        let (start, list) = candidates(before, state.as_deref());
        let pairs = list
            .into_iter()
            .map(|c| Pair {
                display: c.trim_end().to_string(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}
impl Highlighter for ShellHelper {}
impl Validator for ShellHelper {}
impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_command_names() {
        let (start, c) = candidates("hi", None);
        assert_eq!((start, c), (0, vec!["history ".to_string()]));
        let (_, c) = candidates("l", None);
        assert_eq!(
            c,
            ["lcd ", "link ", "log ", "login ", "logout ", "lpwd ", "ls "]
        );
    }

    #[test]
    fn completes_flags_with_and_without_values() {
        let (start, c) = candidates("ls -l --time", None);
        assert_eq!(start, 6);
        assert_eq!(c, ["--time-format="]);
        let (_, c) = candidates("mkdir -", None);
        assert_eq!(c, ["-p ", "--help "]);
    }

    #[test]
    fn mega_prefixed_names_complete_as_the_shell_runs_them() {
        let (_, c) = candidates("mega-mkd", None);
        assert_eq!(c, ["mega-mkdir "]);
        let (_, c) = candidates("mega-mkdir -", None);
        assert_eq!(c, ["-p ", "--help "]);
        assert_eq!(
            operand_kind("mega-get /Docs/a.txt ./lo"),
            Some(Operand::Local)
        );
    }

    #[test]
    fn completes_commands_after_help() {
        let (start, c) = candidates("help err", None);
        assert_eq!((start, c), (5, vec!["errorcode ".to_string()]));
    }

    #[test]
    fn remote_paths_need_an_account() {
        let (_, c) = candidates("ls My\\ Fi", None);
        assert!(c.is_empty());
        assert_eq!(word_start("cd My\\ Fi"), 3);
        assert_eq!(word_start("cd \"My Fi"), 3);
    }

    #[test]
    fn open_quotes_are_read_as_closed() {
        assert_eq!(unquote_partial("\"My F"), "My F");
        assert_eq!(unquote_partial("'My F"), "My F");
        assert_eq!(unquote_partial("My\\ F"), "My F");
        assert_eq!(unquote_partial(""), "");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_word("My Files/x"), "My\\ Files/x");
    }

    #[test]
    fn operand_kinds_by_position_and_local_marks() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let get = Operand::RemoteThenLocal;
        assert_eq!(operand_at(get, &w(&[]), "Do"), Operand::Remote);
        assert_eq!(operand_at(get, &w(&["-m"]), "Do"), Operand::Remote);
        assert_eq!(operand_at(get, &w(&["-m", "/Docs"]), "do"), Operand::Local);
        assert_eq!(operand_at(Operand::Remote, &w(&[]), "./x"), Operand::Local);
        assert_eq!(operand_at(Operand::Remote, &w(&[]), "~/x"), Operand::Local);
        assert_eq!(
            operand_at(Operand::Remote, &w(&[]), "x/./"),
            Operand::Remote
        );
        assert_eq!(
            operand_at(Operand::RemoteDir, &w(&[]), "../"),
            Operand::LocalDir
        );
        assert_eq!(operand_at(Operand::Local, &w(&[]), "/x"), Operand::Local);
        assert_eq!(operand_kind("get /Docs/a.txt ./lo"), Some(Operand::Local));
        assert_eq!(operand_kind("get /Docs/a"), Some(Operand::Remote));
        assert_eq!(operand_kind("cp ./re"), Some(Operand::Local));
    }
}
