//! The interactive shell (rustyline) and batch mode, both running lines through the command
//! table. History persists in the state folder; Ctrl-C cancels the running command (see
//! [`crate::commands::Ctx::block_on`]) or the line being typed, never the shell; Ctrl-D exits.

pub mod complete;
pub mod completions;

use std::cell::RefCell;
use std::io::BufRead;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

use crate::commands::{self, may_hold_secret, Ctx, State};
use crate::error::{code, CmdError};
use crate::ui::Ui;

/// Prompt when nobody is logged in (MEGAcmd's).
pub const LOGGED_OUT_PROMPT: &str = "MEGA CMD> ";

/// MEGAcmd's prompt when logged in, `email:/path$ `, made terminal-safe and, when longer than
/// `max_width` characters, shortened in the middle with `..` (as MEGAcmd does for deep paths).
/// For the account implementation's [`commands::Account::prompt`].
pub fn account_prompt(email: &str, cwd: &str, max_width: usize) -> String {
    let full = format!(
        "{}:{}$ ",
        crate::ui::terminal_safe(email),
        crate::ui::terminal_safe(cwd)
    );
    let chars: Vec<char> = full.chars().collect();
    let max_width = max_width.max(8);
    if chars.len() <= max_width {
        return full;
    }
    let keep = max_width - 2;
    let head = keep / 2;
    let tail = keep - head;
    let mut out: String = chars[..head].iter().collect();
    out.push_str("..");
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// The shell's prompt for `account`, from the cache only: MEGAcmd's `email:/path$ `, and
/// `/path$ ` for a folder link (MEGAcmd shows no e-mail there).
fn prompt_of(account: &commands::Account) -> String {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 20)
        .unwrap_or(80);
    if account.is_link() {
        return format!("{}$ ", crate::ui::terminal_safe(&account.cwd_path()));
    }
    account_prompt(account.email(), &account.cwd_path(), width)
}

/// How many lines of history are kept.
const HISTORY_SIZE: usize = 1000;

/// Create the state folder (0700: it will hold the session) and an empty 0600 history file,
/// so rustyline appends into a private file.
fn prepare_history_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::session::create_private_dir(dir).map_err(std::io::Error::other)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Run one line with the shared state; flush stdout so output appears before the next prompt.
fn run_one_line(ui: &mut Ui, state: &mut State, line: &str) -> Result<(), CmdError> {
    let mut ctx = Ctx { ui, state };
    let result = commands::run_line(&mut ctx, line);
    let flushed = ctx.ui.flush();
    result.and(flushed)
}

/// From the first Ctrl-C on, SIGINT must not kill the shell: install the runtime's handler up
/// front instead of on the first network call, so a Ctrl-C between prompts is harmless too.
fn take_over_ctrl_c(state: &mut State) {
    if let Ok(rt) = state.runtime() {
        rt.block_on(async {
            tokio::select! {
                biased;
                _ = tokio::signal::ctrl_c() => {}
                _ = std::future::ready(()) => {}
            }
        });
    }
}

/// The interactive shell. Returns the exit status (0 after `quit` or Ctrl-D).
pub fn repl(ui: &mut Ui) -> u8 {
    let state = Rc::new(RefCell::new(State::new(true)));
    take_over_ctrl_c(&mut state.borrow_mut());
    // The prompt shows the saved account from the first line on (no network needed).
    if let Err(e) = state.borrow_mut().open_account() {
        ui.report(&e);
    }
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| {
            b.history_ignore_space(true)
                .auto_add_history(false)
                .completion_type(CompletionType::List)
                .build()
        });
    let editor = config.and_then(Editor::<complete::ShellHelper, FileHistory>::with_config);
    let mut editor = match editor {
        Ok(e) => e,
        Err(e) => {
            ui.report(&CmdError::Unexpected(format!(
                "Cannot start the line editor: {e}"
            )));
            return code::EUNEXPECTED;
        }
    };
    editor.set_helper(Some(complete::ShellHelper::new(state.clone())));
    let hist_path = commands::history::path(state.borrow().state_dir.as_deref());
    if let Some(path) = &hist_path {
        let _ = editor.load_history(path);
    }
    state.borrow_mut().history = editor.history().iter().cloned().collect();
    ui.info("Welcome to megash, a MEGAcmd-compatible shell. Type \"help\" for the list of commands, Ctrl-D to leave.");
    // The shell is an engine while it is open (as MEGAcmd's shell and server pair are).
    let stop_engine = Arc::new(AtomicBool::new(false));
    let _engine = EngineGuard(
        commands::serve::background(stop_engine.clone()),
        stop_engine,
    );

    // Set when leaving was put off because queued transfers still run: leaving right
    // again (the very next line, as bash does with stopped jobs) goes through.
    let mut warned = false;
    loop {
        let prompt = state
            .borrow()
            .account
            .as_ref()
            .map(prompt_of)
            .unwrap_or_else(|| LOGGED_OUT_PROMPT.to_string());
        match editor.readline(&prompt) {
            Ok(line) => {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                state.borrow_mut().history.push(line.to_string());
                // Lines that may carry a password stay in memory for `history` only.
                let secret = commands::split_words(line).is_ok_and(|w| may_hold_secret(&w));
                if !secret && editor.add_history_entry(line).unwrap_or(false) {
                    if let Some(path) = &hist_path {
                        if prepare_history_file(path).is_ok() {
                            let _ = editor.append_history(path);
                        }
                    }
                }
                let result = run_one_line(ui, &mut state.borrow_mut(), line);
                match result {
                    Err(CmdError::BrokenPipe) => return code::OK,
                    Err(e) => ui.report(&e),
                    Ok(()) => {}
                }
                let quit = std::mem::take(&mut state.borrow_mut().quit_requested);
                if quit && may_leave(ui, &mut warned) {
                    return code::OK;
                }
                warned &= quit;
            }
            // Ctrl-C while typing drops the line, as in bash.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => {
                if may_leave(ui, &mut warned) {
                    return code::OK;
                }
            }
            Err(e) => {
                ui.report(&CmdError::Unexpected(format!("Cannot read the line: {e}")));
                return code::EUNEXPECTED;
            }
        }
    }
}

/// Stops the shell's engine thread when the shell returns (after the action in flight).
struct EngineGuard(Option<std::thread::JoinHandle<()>>, Arc<AtomicBool>);

impl Drop for EngineGuard {
    fn drop(&mut self) {
        self.1.store(true, Ordering::Relaxed);
        if let Some(t) = self.0.take() {
            let _ = t.join();
        }
    }
}

/// Whether the shell may exit now. Queued transfers (`get -q`, `put -q`) live in this
/// process, so leaving stops them: the first attempt says so and stays; the next one leaves.
fn may_leave(ui: &mut Ui, warned: &mut bool) -> bool {
    let running = commands::xfer_queue::entries()
        .iter()
        .filter(|e| e.running())
        .count();
    if running == 0 || *warned {
        return true;
    }
    *warned = true;
    let (n, verb) = match running {
        1 => ("1 queued transfer is".to_string(), "it"),
        n => (format!("{n} queued transfers are"), "them"),
    };
    ui.warn(format_args!(
        "{n} still running (see `transfers`). Leaving stops {verb}; run the same get or put \
         again later to resume. Quit again to leave anyway."
    ));
    false
}

/// How a batch runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Batch<'a> {
    /// Run every line even after a failure (the first failure's code is returned).
    pub keep_going: bool,
    /// The batch file (`-f FILE`): errors are prefixed with `FILE:LINE:` as compilers do, so
    /// the failing line is easy to find (`-` for standard input: `<stdin>:LINE:`). `None`
    /// (plain piped input) prints exactly what the same `mega-*` commands would.
    pub file: Option<&'a str>,
    /// Show each line on stderr after this prompt before running it (the demo's script).
    pub echo: Option<&'a str>,
}

/// Batch mode: one command per line from `input`; blank lines and lines starting with `#` are
/// skipped (a `#` inside a line is kept: links contain one). Stops at the first failure and
/// returns its exit code, unless `keep_going` (see [`Batch`]).
pub fn run_batch(ui: &mut Ui, input: impl BufRead, batch: Batch<'_>) -> u8 {
    let mut state = State::new(false);
    let mut first_failure: Option<u8> = None;
    let name = match batch.file {
        Some("-") => Some("<stdin>"),
        other => other,
    };
    for (n, line) in input.lines().enumerate() {
        let place = name.map(|f| format!("{f}:{}", n + 1));
        let place = place.as_deref();
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                let e = CmdError::io("read the batch input", e);
                ui.report_at(&e, place);
                return first_failure.unwrap_or(e.exit_code());
            }
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(prompt) = batch.echo {
            ui.info(format_args!("{prompt}{line}"));
        }
        if let Err(e) = run_one_line(ui, &mut state, line) {
            ui.report_at(&e, place);
            if matches!(
                e,
                CmdError::BrokenPipe | CmdError::Interrupted | CmdError::TransferInterrupted
            ) {
                return e.exit_code();
            }
            let code = *first_failure.get_or_insert(e.exit_code());
            if !batch.keep_going {
                return code;
            }
        }
        if state.quit_requested {
            break;
        }
    }
    first_failure.unwrap_or(code::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(text: &str, keep_going: bool) -> (u8, String, String) {
        let (mut ui, out, err) = Ui::capture();
        let batch = Batch {
            keep_going,
            file: Some("s.txt"),
            echo: None,
        };
        let code = run_batch(&mut ui, text.as_bytes(), batch);
        (code, out.text(), err.text())
    }

    #[test]
    fn batch_skips_comments_and_blank_lines() {
        let (code, out, err) = batch("# a comment\n\n   \nerrorcode 53\n  # indented\n", false);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, "Resource not found\n", "")
        );
    }

    #[test]
    fn batch_stops_at_first_failure() {
        let (code, out, _) = batch("errorcode 9\nnope\nerrorcode 53\n", false);
        assert_eq!(code, 51);
        assert_eq!(out, "Not found\n");
    }

    #[test]
    fn batch_keep_going_returns_first_failure() {
        let (code, out, err) = batch("ls\nnope\nerrorcode 53\n", true);
        assert_eq!(code, 57);
        assert_eq!(out, "Resource not found\n");
        assert!(err.contains("s.txt:1: Not logged in."), "{err}");
        assert!(err.contains("s.txt:2: Command not found: nope"), "{err}");
    }

    #[test]
    fn batch_quit_stops() {
        let (code, out, _) = batch("errorcode 0\nquit\nnope\n", false);
        assert_eq!((code, out.as_str()), (0, "Everything OK\n"));
    }

    #[test]
    fn prompts() {
        assert_eq!(
            account_prompt("eg.email_1@example.co.nz", "/my-pictures", 80),
            "eg.email_1@example.co.nz:/my-pictures$ "
        );
        let p = account_prompt("a@b.c", "/very/deep/folder/structure/here", 20);
        assert_eq!(p, "a@b.c:/ve..re/here$ ");
        assert_eq!(p.chars().count(), 20);
        assert_eq!(
            account_prompt("a@b.c", "/x\x1b[2J", 80),
            "a@b.c:/x\\x1b[2J$ "
        );
    }

    #[test]
    fn secrets_are_recognised() {
        let w = commands::split_words("login a@b.c hunter2").unwrap();
        assert!(may_hold_secret(&w));
        let w = commands::split_words("ls /login").unwrap();
        assert!(!may_hold_secret(&w));
        for line in ["mega-login a@b.c pw", "passwd newsecret", "signup a@b.c pw"] {
            let w = commands::split_words(line).unwrap();
            assert!(may_hold_secret(&w), "{line}");
        }
    }
}
