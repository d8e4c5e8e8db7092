//! The command table: one entry per command, one file per command. The table is the single
//! source for one-shot dispatch (`megash CMD`, `mega-CMD`), the shell, `help` and `CMD --help`,
//! usage errors, the `mega-*` entry points and the completion scripts.
//!
//! Adding a command: a file here with `pub const COMMAND: Command` (name, summary, usage,
//! flags, operand counts, whether it needs login, operand kind for completion, handler), a
//! `mod` line and a line in [`TABLE`]. A command whose `run` is `None` is registered (flags and
//! usage are checked) but answers "not implemented yet" (exit 59).

pub mod args;
pub mod context;
pub mod local;
pub mod pattern;
pub mod remote;
pub mod storage;
pub mod timefmt;

mod attr;
mod backup;
mod cancel;
mod cat;
mod cd;
mod clear;
mod configure;
mod confirm;
mod confirmcancel;
mod cp;
mod debug;
mod dedupe;
mod deleteversions;
mod df;
mod diagnose;
mod du;
pub mod engine;
mod errorcode;
pub mod export;
mod find;
mod get;
mod graphics;
pub mod help;
pub mod history;
mod https;
mod import;
mod killsession;
mod lcd;
mod link;
mod log;
pub mod login;
mod logout;
mod lpwd;
mod ls;
mod masterkey;
mod mediainfo;
mod mkdir;
mod mount;
mod mv;
mod passwd;
mod permissions;
mod preview;
mod proxy;
mod psa;
mod put;
mod pwd;
mod quit;
mod reload;
mod restore;
mod rm;
pub mod serve;
mod session;
mod signup;
mod speedlimit;
pub mod sync;
mod sync_ignore;
mod sync_issues;
mod thumbnail;
pub mod transfer_cp;
mod transfers;
mod tree;
mod userattr;
mod version;
mod whoami;
mod write;
pub mod xfer;
pub mod xfer_queue;
pub mod xfer_settings;

pub use crate::account::Account;
pub use args::{split_words, Args};
pub use context::{Ctx, State};

use crate::error::CmdError;

/// A command's handler. Synchronous: API calls go through [`Ctx::block_on`], which gives
/// Ctrl-C cancellation for free.
pub type Handler = fn(&mut Ctx<'_>, &Args) -> Result<(), CmdError>;

/// One flag or option of a command. Short flags never take values (MEGAcmd has no such form);
/// long ones take a value only as `--name=VALUE`.
#[derive(Debug)]
pub struct Flag {
    /// `-x`.
    pub short: Option<char>,
    /// `--name`.
    pub long: Option<&'static str>,
    /// The value's placeholder (`FMT` in `--time-format=FMT`) if the option takes one.
    pub value: Option<&'static str>,
    /// One line of help.
    pub help: &'static str,
}

impl Flag {
    /// `-c`, a switch (may be repeated, e.g. `-aa`).
    pub const fn short(c: char, help: &'static str) -> Flag {
        Flag {
            short: Some(c),
            long: None,
            value: None,
            help,
        }
    }

    /// `--name`, a switch.
    pub const fn long(name: &'static str, help: &'static str) -> Flag {
        Flag {
            short: None,
            long: Some(name),
            value: None,
            help,
        }
    }

    /// `--name=VALUE`.
    pub const fn opt(name: &'static str, value: &'static str, help: &'static str) -> Flag {
        Flag {
            short: None,
            long: Some(name),
            value: Some(value),
            help,
        }
    }

    /// Whether this flag is called `name`: its long name, or its short letter.
    pub fn is(&self, name: &str) -> bool {
        self.long == Some(name) || {
            let mut cs = name.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if self.short == Some(c))
        }
    }

    /// How help shows the flag: `-p, --pause` when it has both names, else [`Flag::spelling`].
    pub fn shown(&self) -> String {
        match (self.short, self.long) {
            (Some(c), Some(_)) => format!("-{c}, {}", self.spelling()),
            _ => self.spelling(),
        }
    }

    /// How the flag is written: `-l`, `--tree`, `--time-format=FMT`.
    pub fn spelling(&self) -> String {
        match (self.short, self.long, self.value) {
            (_, Some(l), Some(v)) => format!("--{l}={v}"),
            (_, Some(l), None) => format!("--{l}"),
            (Some(c), None, _) => format!("-{c}"),
            (None, None, _) => String::new(),
        }
    }
}

/// What a command's operands are, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// No operands, or free text.
    None,
    /// Remote paths (files or folders).
    Remote,
    /// Remote folders.
    RemoteDir,
    /// Local paths.
    Local,
    /// Local folders.
    LocalDir,
    /// A remote path, then a local destination (`get REMOTE LOCAL`).
    RemoteThenLocal,
    /// Command names (`help CMD`).
    Command,
}

/// One entry of the command table.
#[derive(Debug)]
pub struct Command {
    /// The name typed in the shell and after `mega-`.
    pub name: &'static str,
    /// Other names for it in the shell and after `megash` (`exit` for `quit`).
    pub aliases: &'static [&'static str],
    /// One line for `help`.
    pub summary: &'static str,
    /// The syntax after the name, MEGAcmd's usage text.
    pub usage: &'static str,
    /// Flags and options.
    pub flags: &'static [Flag],
    /// Fewest operands.
    pub min_args: usize,
    /// Most operands (`None`: any number).
    pub max_args: Option<usize>,
    /// Fails with `Not logged in.` (57) without a session.
    pub needs_login: bool,
    /// What the operands are, for completion.
    pub operands: Operand,
    /// Whether it changes the cloud: refused in a read-only (folder-link) session. Every
    /// entry says so explicitly, so a new command cannot forget it.
    pub writes: Writes,
    /// Its line may carry a password: kept out of the history file.
    pub may_hold_secret: bool,
    /// Printed by `CMD --help` after the options.
    pub more_help: Option<&'static str>,
    /// The handler; `None` until the implementation lands.
    pub run: Option<Handler>,
}

/// Whether a command changes the cloud.
#[derive(Clone, Copy, Debug)]
pub enum Writes {
    No,
    Yes,
    /// Depends on its arguments (`attr -s`, `cp` to a cloud path, `dedupe` with a mode).
    When(fn(&Args) -> bool),
}

impl Writes {
    /// Whether this invocation writes.
    pub fn applies(self, args: &Args) -> bool {
        match self {
            Writes::No => false,
            Writes::Yes => true,
            Writes::When(f) => f(args),
        }
    }
}

impl Command {
    /// `name usage`, as printed after "Usage: ".
    pub fn usage_line(&self) -> String {
        if self.usage.is_empty() {
            self.name.to_string()
        } else {
            format!("{} {}", self.name, self.usage)
        }
    }
}

/// Every command, sorted by name.
pub static TABLE: &[&Command] = &[
    &attr::COMMAND,
    &backup::COMMAND,
    &cancel::COMMAND,
    &cat::COMMAND,
    &cd::COMMAND,
    &clear::COMMAND,
    &configure::COMMAND,
    &confirm::COMMAND,
    &confirmcancel::COMMAND,
    &cp::COMMAND,
    &debug::COMMAND,
    &dedupe::COMMAND,
    &deleteversions::COMMAND,
    &df::COMMAND,
    &diagnose::COMMAND,
    &du::COMMAND,
    &errorcode::COMMAND,
    &export::COMMAND,
    &find::COMMAND,
    &get::COMMAND,
    &graphics::COMMAND,
    &help::COMMAND,
    &history::COMMAND,
    &https::COMMAND,
    &import::COMMAND,
    &killsession::COMMAND,
    &lcd::COMMAND,
    &link::COMMAND,
    &log::COMMAND,
    &login::COMMAND,
    &logout::COMMAND,
    &lpwd::COMMAND,
    &ls::COMMAND,
    &masterkey::COMMAND,
    &mediainfo::COMMAND,
    &mkdir::COMMAND,
    &mount::COMMAND,
    &mv::COMMAND,
    &passwd::COMMAND,
    &permissions::COMMAND,
    &preview::COMMAND,
    &proxy::COMMAND,
    &psa::COMMAND,
    &put::COMMAND,
    &pwd::COMMAND,
    &quit::COMMAND,
    &reload::COMMAND,
    &restore::COMMAND,
    &rm::COMMAND,
    &serve::COMMAND,
    &session::COMMAND,
    &signup::COMMAND,
    &speedlimit::COMMAND,
    &sync::COMMAND,
    &sync_ignore::COMMAND,
    &sync_issues::COMMAND,
    &thumbnail::COMMAND,
    &transfers::COMMAND,
    &tree::COMMAND,
    &userattr::COMMAND,
    &version::COMMAND,
    &whoami::COMMAND,
];

/// The command called `name` (or one of its aliases).
pub fn find(name: &str) -> Option<&'static Command> {
    TABLE
        .iter()
        .copied()
        .find(|c| c.name == name || c.aliases.contains(&name))
}

/// Edit distance (insertions, deletions, substitutions, adjacent swaps count 1).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// `Command not found`, with the nearest command name when one is close enough to be a typo.
pub fn not_found(name: &str) -> CmdError {
    let suggestion = TABLE
        .iter()
        .map(|c| (distance(name, c.name), c.name))
        .filter(|(d, n)| *d <= if n.len() <= 3 { 1 } else { 2 })
        .min()
        .map(|(_, n)| n);
    CmdError::CommandNotFound {
        name: name.to_string(),
        suggestion,
    }
}

/// MEGAcmd's commands that megash does not have yet: they say so instead of looking like a
/// typo.
pub const NOT_YET: &[&str] = &[
    "exclude",
    "ftp",
    "fuse-add",
    "fuse-config",
    "fuse-disable",
    "fuse-enable",
    "fuse-remove",
    "fuse-show",
    "invite",
    "ipc",
    "share",
    "showpcr",
    "sync-config",
    "users",
    "webdav",
];

/// MEGAcmd's commands for the Windows console or its updater, which have no use here.
pub const OTHER_PLATFORMS: &[&str] = &["autocomplete", "codepage", "unicode", "update"];

/// The command called `name` in a shell or batch line: a `mega-` prefix is accepted, so
/// lines copied from scripts (`mega-ls /x`) run as they are.
fn find_typed(name: &str) -> Result<&'static Command, CmdError> {
    let bare = name.strip_prefix("mega-").unwrap_or(name);
    if let Some(cmd) = find(name).or_else(|| find(bare)) {
        return Ok(cmd);
    }
    if let Some(n) = NOT_YET.iter().find(|n| **n == bare) {
        return Err(CmdError::Unsupported(n));
    }
    if let Some(n) = OTHER_PLATFORMS.iter().find(|n| **n == bare) {
        return Err(CmdError::OtherPlatform(n));
    }
    Err(not_found(name))
}

/// Options given to `megash` before any command (`megash --debug -f FILE`): every command the
/// process runs gets them, parsed by [`args::parse`] like its own.
static GLOBAL_WORDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// Set the [`GLOBAL_WORDS`] (once, before the first command).
pub fn set_global_words(words: Vec<String>) {
    let _ = GLOBAL_WORDS.set(words);
}

/// Run one command given as words (`["ls", "-l", "/x"]`). Nothing is printed on failure: the
/// caller reports the error.
pub fn run(ctx: &mut Ctx<'_>, words: &[String]) -> Result<(), CmdError> {
    let Some((name, rest)) = words.split_first() else {
        return Ok(());
    };
    let cmd = find_typed(name)?;
    // In front, where a `--` among the command's own words cannot make them operands.
    let globals = GLOBAL_WORDS.get().map_or(&[][..], Vec::as_slice);
    let rest: Vec<String> = globals.iter().chain(rest).cloned().collect();
    let args = args::parse(cmd, &rest)?;
    xfer::apply_settings(ctx.state, &xfer::settings(ctx.state), args.verbose >= 3);
    crate::ui::set_progress(args.progress);
    if args.help {
        return help::print_command_help(ctx.ui, cmd);
    }
    let Some(handler) = cmd.run else {
        return Err(CmdError::NotImplemented(cmd.name));
    };
    if let Some(a) = ctx.state.account.as_mut() {
        a.begin_command();
    }
    if cmd.needs_login {
        ctx.account()?;
    }
    // Loaded here for commands that work logged out too (configure) but write when logged in.
    if cmd.writes.applies(&args) && ctx.account().is_ok_and(|a| a.is_link()) {
        return Err(CmdError::NotPermitted(format!(
            "{}: not allowed in a folder link session (read-only); log in to an account to change it",
            cmd.name
        )));
    }
    handler(ctx, &args)
}

/// Whether a shell line may carry a password (then it stays out of the history file).
pub fn may_hold_secret(words: &[String]) -> bool {
    let Some(name) = words.first() else {
        return false;
    };
    find_typed(name).is_ok_and(|cmd| cmd.may_hold_secret)
}

/// Run one line of the shell or of a batch file.
pub fn run_line(ctx: &mut Ctx<'_>, line: &str) -> Result<(), CmdError> {
    let words = split_words(line)?;
    run(ctx, &words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Ui;

    #[test]
    fn table_is_sorted_and_names_are_unique() {
        let names: Vec<&str> = TABLE.iter().map(|c| c.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        for c in TABLE {
            for a in c.aliases {
                assert!(find(a).is_some_and(|f| f.name == c.name), "{a}");
            }
            assert!(c.max_args.is_none_or(|m| m >= c.min_args), "{}", c.name);
            for f in c.flags {
                assert!(f.short.is_some() || f.long.is_some(), "{}", c.name);
                assert!(f.short != Some('v'), "-v is global: {}", c.name);
            }
        }
    }

    #[test]
    fn every_flag_a_command_reads_is_in_its_table_entry() {
        // Flags are read by name (`args.has("l")`): a misspelt name must not compile into a
        // flag that silently reads as absent. Each command's file is checked against its
        // entry.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("commands");
        let re = regex::Regex::new(r#"args\.(?:has|value|count)\("([^"]+)"\)"#).unwrap();
        let mut seen = 0;
        for c in TABLE {
            let path = dir.join(format!("{}.rs", c.name.replace('-', "_")));
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for cap in re.captures_iter(&text) {
                let name = &cap[1];
                assert!(
                    c.flags.iter().any(|f| f.is(name)),
                    "{}: reads flag {name:?}, which its table entry does not have",
                    path.display()
                );
                seen += 1;
            }
        }
        assert!(seen > 50, "the walk found only {seen} flag reads");
    }

    #[test]
    fn every_command_has_an_integration_test_file_or_is_planned() {
        // A command that has a handler must be exercised through the binary (jj's rule).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/cli");
        for c in TABLE.iter().filter(|c| c.run.is_some()) {
            let file = dir.join(format!("{}.rs", c.name.replace('-', "_")));
            assert!(file.exists(), "no test file {}", file.display());
        }
    }

    fn run_capture(line: &str) -> (Result<(), CmdError>, String) {
        let (mut ui, out, _err) = Ui::capture();
        let mut state = State::new(false);
        state.state_dir = None;
        let mut ctx = Ctx {
            ui: &mut ui,
            state: &mut state,
        };
        let r = run_line(&mut ctx, line);
        (r, out.text())
    }

    #[test]
    fn unknown_commands_and_stubs() {
        let (r, _) = run_capture("frobnicate x");
        assert_eq!(r.unwrap_err().to_string(), "Command not found: frobnicate");
        let (r, _) = run_capture("ls -l");
        assert_eq!(r.unwrap_err().exit_code(), 57);
        let (r, _) = run_capture("ls --bogus");
        assert_eq!(r.unwrap_err().exit_code(), 51);
        let (r, out) = run_capture("ls --help");
        assert!(r.is_ok());
        assert!(out.starts_with("Usage: ls "), "{out}");
    }

    #[test]
    fn typos_get_a_suggestion() {
        let hint = |n: &str| not_found(n).hint().unwrap_or_default();
        assert!(hint("sl").contains("did you mean \"ls\""), "{}", hint("sl"));
        assert!(hint("mkdri").contains("\"mkdir\""));
        assert!(hint("errrocode").contains("\"errorcode\""));
        assert_eq!(hint("frobnicate"), "type \"help\" for the list of commands");
    }

    #[test]
    fn megacmd_commands_we_lack_say_so_and_mega_prefixes_are_accepted() {
        let (r, _) = run_capture("share /a");
        let e = r.unwrap_err();
        assert_eq!(e.to_string(), "megash does not support share yet");
        assert_eq!(e.exit_code(), 51);
        let (r, _) = run_capture("mega-webdav /x");
        assert_eq!(
            r.unwrap_err().to_string(),
            "megash does not support webdav yet"
        );
        let (r, _) = run_capture("update");
        assert!(r.unwrap_err().to_string().contains("Windows"));
        let (r, out) = run_capture("mega-errorcode 53");
        assert!(r.is_ok());
        assert_eq!(out, "Resource not found\n");
        for n in NOT_YET.iter().chain(OTHER_PLATFORMS) {
            assert!(
                find(n).is_none(),
                "{n} is in the table and in the missing list"
            );
        }
    }

    #[test]
    fn empty_line_is_nothing() {
        let (r, out) = run_capture("   ");
        assert!(r.is_ok());
        assert_eq!(out, "");
    }
}
