//! The output handle every command writes through: stdout for results, stderr for errors,
//! warnings and progress. Commands never `println!`; they get a [`Ui`] from their context, so
//! buffering, colour (`NO_COLOR`), broken pipes and tests are handled in one place.

pub mod sanitize;
pub mod size;

pub use sanitize::terminal_safe;
pub use size::{percentage_to_text, size_to_text};

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::error::CmdError;

/// Where output goes and how it looks.
pub struct Ui {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    color: bool,
    out_is_terminal: bool,
    /// A test's Ui: nothing is read from the real standard input.
    captured: bool,
}

/// Colour only for a terminal on stderr, never with `NO_COLOR` set (no-color.org) or a dumb
/// terminal; output stays readable without it.
fn color_wanted(stderr_is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    stderr_is_terminal && !no_color && !dumb
}

impl Ui {
    /// The process's stdout (buffered; flushed after every command) and stderr.
    pub fn stdio() -> Ui {
        let out_is_terminal = std::io::stdout().is_terminal();
        Ui {
            out: Box::new(std::io::BufWriter::new(std::io::stdout())),
            err: Box::new(std::io::stderr()),
            color: color_wanted(std::io::stderr().is_terminal()),
            out_is_terminal,
            captured: false,
        }
    }

    /// A Ui writing into memory, for tests: returns the handle and the (stdout, stderr) buffers.
    pub fn capture() -> (Ui, Captured, Captured) {
        let out = Captured::default();
        let err = Captured::default();
        let ui = Ui {
            out: Box::new(out.clone()),
            err: Box::new(err.clone()),
            color: false,
            out_is_terminal: false,
            captured: true,
        };
        (ui, out, err)
    }

    /// Whether stdout is a terminal (e.g. `clear` only draws on one).
    pub fn out_is_terminal(&self) -> bool {
        self.out_is_terminal
    }

    /// Write one line to stdout.
    pub fn line(&mut self, text: impl std::fmt::Display) -> Result<(), CmdError> {
        writeln!(self.out, "{text}").map_err(|e| CmdError::io("write to stdout", e))
    }

    /// Write text to stdout as it is (no newline added).
    pub fn raw(&mut self, text: &str) -> Result<(), CmdError> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| CmdError::io("write to stdout", e))
    }

    /// Write bytes to stdout as they are (`cat`); I/O errors are returned as they are.
    pub fn bytes(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.out.write_all(data)
    }

    /// Push buffered stdout to the terminal or pipe.
    pub fn flush(&mut self) -> Result<(), CmdError> {
        self.out
            .flush()
            .map_err(|e| CmdError::io("write to stdout", e))
    }

    /// Whether questions can be asked: standard input is a terminal (and this is no
    /// capture).
    pub fn can_ask(&self) -> bool {
        !self.captured && std::io::stdin().is_terminal()
    }

    /// The one way commands ask: `question` on stderr, one line of standard input back
    /// (trimmed; `None` at the end of input, or when nothing can be asked).
    pub fn ask(&mut self, question: &str) -> Result<Option<String>, CmdError> {
        if self.captured {
            return Ok(None);
        }
        let _ = self.out.flush();
        let _ = write!(self.err, "{question}");
        let _ = self.err.flush();
        let mut line = String::new();
        let n = std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| CmdError::io("read the answer", e))?;
        Ok((n > 0).then(|| line.trim().to_string()))
    }

    /// A yes/no question (MEGAcmd's `(Yes/No)` prompts; `All` counts as yes, `None` as no),
    /// asked again until answered; the end of input is no.
    pub fn confirm(&mut self, question: &str) -> Result<bool, CmdError> {
        loop {
            let Some(answer) = self.ask(question)? else {
                return Ok(false);
            };
            match answer.to_ascii_lowercase().as_str() {
                "y" | "yes" | "a" | "all" => return Ok(true),
                "n" | "no" | "none" => return Ok(false),
                _ => {}
            }
        }
    }

    /// A password from the terminal, not echoed (`None` when stdin is no terminal).
    pub fn password(&mut self, prompt: &str) -> Result<Option<String>, CmdError> {
        if !self.can_ask() {
            return Ok(None);
        }
        let _ = self.out.flush();
        rpassword::prompt_password(prompt)
            .map(Some)
            .map_err(|e| CmdError::io("Cannot read the password", e))
    }

    /// An informational line on stderr (banners, notes), never coloured.
    pub fn info(&mut self, text: impl std::fmt::Display) {
        let _ = self.out.flush();
        let _ = writeln!(self.err, "{text}");
    }

    /// A warning line on stderr. Failures to write stderr are ignored: there is nowhere left to
    /// report them.
    pub fn warn(&mut self, text: impl std::fmt::Display) {
        let _ = self.out.flush();
        let _ = if self.color {
            writeln!(self.err, "\x1b[33m{text}\x1b[0m")
        } else {
            writeln!(self.err, "{text}")
        };
    }

    /// Print an error and its hint on stderr. Only the top level (main, the shell and batch
    /// loops) calls this: commands return their errors.
    pub fn report(&mut self, error: &CmdError) {
        self.report_at(error, None);
    }

    /// [`report`](Self::report) with the place that failed in front (`FILE:LINE: ` in batch
    /// mode).
    pub fn report_at(&mut self, error: &CmdError, place: Option<&str>) {
        let _ = self.out.flush();
        if error.is_quiet() {
            return;
        }
        let text = match place {
            Some(p) => format!("{p}: {error}"),
            None => error.to_string(),
        };
        let _ = if self.color {
            writeln!(self.err, "\x1b[31m{text}\x1b[0m")
        } else {
            writeln!(self.err, "{text}")
        };
        if let Some(hint) = error.hint() {
            let _ = writeln!(self.err, "Hint: {hint}");
        }
        let _ = self.err.flush();
    }
}

/// A shared in-memory buffer standing in for stdout or stderr in tests.
#[derive(Clone, Default)]
pub struct Captured(Rc<RefCell<Vec<u8>>>);

impl Captured {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static FORCE_PROGRESS: AtomicBool = AtomicBool::new(false);

/// `--progress` for the running command: transfer progress and summaries also when stderr is
/// not a terminal (a log file, CI), as rclone's `--progress`.
pub fn set_progress(on: bool) {
    FORCE_PROGRESS.store(on, Ordering::Relaxed);
}

/// Whether the running command was given `--progress`.
pub fn progress_forced() -> bool {
    FORCE_PROGRESS.load(Ordering::Relaxed)
}

/// `text` in exactly `width` columns: padded on the right, or cut in the middle with
/// `...` when longer (MEGAcmd's `getFixLengthString`).
pub fn fixed_width(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return format!("{text:<width$}");
    }
    if width <= 3 {
        return chars[..width].iter().collect();
    }
    let head = width.div_ceil(2) - 2;
    let tail = width - head - 3;
    let mut out: String = chars[..head].iter().collect();
    out.push_str("...");
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// The `log` facade's lines on stderr: warnings always (the library warns only about long
/// waits, such as retrying a server that does not answer), and with `--debug` (or `-vvv`)
/// trace lines too. Library code logs only what is safe to show (command names, sizes,
/// timings, error texts), never sids, keys or bodies.
pub fn set_debug(on: bool) {
    set_logging(on, None);
}

/// Where and how much megash logs to a file (the `log` command's levels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLog {
    /// The log file; rotated to `NAME.1` … `NAME.3` past [`ROTATE_AT`] bytes.
    pub path: std::path::PathBuf,
    /// The command layer's records (targets `megash`, `megash_client`).
    pub commands: log::LevelFilter,
    /// The protocol library's records (target `megash_api`).
    pub api: log::LevelFilter,
}

/// Whether this command prints debug records on stderr (`--debug`).
pub fn debugging() -> bool {
    LOGGER
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .stderr
        >= log::LevelFilter::Debug
}

/// Size at which the log file is rotated.
pub const ROTATE_AT: u64 = 1 << 20;

/// [`set_debug`], plus records at or above the levels of `file` appended to its file.
pub fn set_logging(debug: bool, file: Option<FileLog>) {
    let _ = log::set_logger(&LOGGER);
    let stderr = if debug {
        log::LevelFilter::Debug
    } else {
        log::LevelFilter::Warn
    };
    let file_max = file
        .as_ref()
        .map_or(log::LevelFilter::Off, |f| f.commands.max(f.api));
    let mut st = LOGGER.state.lock().unwrap_or_else(|e| e.into_inner());
    if st.file.as_ref().map(|f| &f.0) != file.as_ref() {
        st.file = file.map(|f| (f, None));
    }
    st.stderr = stderr;
    log::set_max_level(stderr.max(file_max));
}

static LOGGER: Logger = Logger {
    state: Mutex::new(LogState {
        stderr: log::LevelFilter::Warn,
        file: None,
    }),
};

struct Logger {
    state: Mutex<LogState>,
}

struct LogState {
    stderr: log::LevelFilter,
    /// The settings and, once a record was written, the open file.
    file: Option<(FileLog, Option<(std::fs::File, u64)>)>,
}

/// Whether a `log` record is printed under `max`. Without --debug only our own warnings
/// show: dependencies (rustls, reqwest) warn about things a user cannot act on.
fn shown(level: log::Level, target: &str, max: log::LevelFilter) -> bool {
    level <= max && (max >= log::LevelFilter::Debug || target.starts_with("megash"))
}

/// Whether the log file takes a record: ours only, by layer.
fn filed(level: log::Level, target: &str, f: &FileLog) -> bool {
    if target.starts_with("megash_api") {
        level <= f.api
    } else if target.starts_with("megash") {
        level <= f.commands
    } else {
        false
    }
}

/// Append one line to the log file, rotating it when it grew past [`ROTATE_AT`]. `open` is
/// the file and its size, kept between records (one `stat` per opening, not per line).
/// Failures are dropped: logging must not break a command.
fn append(f: &FileLog, open: &mut Option<(std::fs::File, u64)>, line: &str) {
    use std::io::Write;
    if open.is_none() {
        let mut o = std::fs::OpenOptions::new();
        o.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        *open = o.open(&f.path).ok().map(|file| {
            let size = file.metadata().map_or(0, |m| m.len());
            (file, size)
        });
    }
    if open.as_ref().is_some_and(|(_, size)| *size > ROTATE_AT) {
        *open = None;
        let name = |n: u32| {
            let mut p = f.path.clone().into_os_string();
            p.push(format!(".{n}"));
            std::path::PathBuf::from(p)
        };
        for n in (1..3).rev() {
            let _ = std::fs::rename(name(n), name(n + 1));
        }
        let _ = std::fs::rename(&f.path, name(1));
        return append(f, open, line);
    }
    if let Some((file, size)) = open.as_mut() {
        if writeln!(file, "{line}").is_ok() {
            *size += line.len() as u64 + 1;
        }
    }
}

impl log::Log for Logger {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= log::max_level()
    }

    fn log(&self, r: &log::Record<'_>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let to_stderr = shown(r.level(), r.target(), st.stderr);
        let to_file = st
            .file
            .as_ref()
            .is_some_and(|(f, _)| filed(r.level(), r.target(), f));
        if !to_stderr && !to_file {
            return;
        }
        let text = r.args().to_string();
        let text = terminal_safe(&text);
        if to_file {
            if let Some((f, open)) = st.file.as_mut() {
                let when = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
                append(
                    f,
                    open,
                    &format!("{when} {:<5} {}: {text}", r.level(), r.target()),
                );
            }
        }
        drop(st);
        if !to_stderr {
            return;
        }
        if r.level() <= log::Level::Warn {
            let mut chars = text.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            eprintln!("{}{}", first.unwrap_or_default(), chars.as_str());
        } else {
            eprintln!("[debug] {text}");
        }
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_file_rotates_and_keeps_three() {
        let d = tempfile::tempdir().unwrap();
        let f = FileLog {
            path: d.path().join("megash.log"),
            commands: log::LevelFilter::Trace,
            api: log::LevelFilter::Trace,
        };
        let big = "x".repeat(ROTATE_AT as usize + 1);
        for round in 0..5 {
            let mut open = None;
            append(&f, &mut open, &format!("{round}{big}"));
            let mut open = None;
            append(&f, &mut open, "tail");
        }
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        let current = std::fs::read_to_string(&f.path).unwrap();
        assert!(
            current.ends_with("tail\n") && current.len() < 10,
            "{}",
            current.len()
        );
        assert!(filed(log::Level::Debug, "megash_api::client", &f));
        assert!(!filed(log::Level::Error, "rustls::conn", &f));
    }

    #[test]
    fn only_our_warnings_show_without_debug() {
        use log::{Level, LevelFilter};
        assert!(shown(Level::Warn, "megash::api::retry", LevelFilter::Warn));
        assert!(!shown(Level::Warn, "rustls::conn", LevelFilter::Warn));
        assert!(!shown(
            Level::Debug,
            "megash::api::client",
            LevelFilter::Warn
        ));
        assert!(shown(Level::Warn, "rustls::conn", LevelFilter::Debug));
        assert!(shown(
            Level::Debug,
            "megash::api::client",
            LevelFilter::Debug
        ));
    }

    #[test]
    fn report_prints_message_and_hint_on_stderr() {
        let (mut ui, out, err) = Ui::capture();
        ui.line("result").unwrap();
        ui.report(&CmdError::CommandNotFound {
            name: "frob".into(),
            suggestion: None,
        });
        ui.report(&CmdError::Interrupted);
        assert_eq!(out.text(), "result\n");
        assert_eq!(
            err.text(),
            "Command not found: frob\nHint: type \"help\" for the list of commands\n"
        );
    }
}
