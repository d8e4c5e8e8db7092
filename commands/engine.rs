//! What `serve`, `sync --once` and the shell share to run sync work: the transfer engines with
//! the saved settings, the sync database, the log line of an action, and the notice a
//! configuring command gives when no engine will pick its change up.

use std::io::Write;
use std::path::Path;

use super::{xfer, Ctx};
use crate::error::CmdError;
use crate::sync::{engine, Event, Store};
use crate::transfer::Engine;

/// The line `serve` logs for an action (and `sync --once` prints on stderr).
pub fn log_line(ev: &Event) -> String {
    let time = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
    let mut line = format!("{time} ");
    if ev.sync.starts_with("backup ") {
        line.push_str(&format!("{}: ", ev.sync));
    } else if !ev.sync.is_empty() {
        line.push_str(&format!("sync {}: ", ev.sync));
    }
    line.push_str(ev.action);
    if !ev.path.is_empty() {
        line.push(' ');
        line.push_str(&crate::ui::terminal_safe(&ev.path));
    }
    if !ev.detail.is_empty() {
        let sep = if ev.action.starts_with("rename") || ev.action.starts_with("debris") {
            " -> "
        } else {
            ": "
        };
        line.push_str(sep);
        line.push_str(&crate::ui::terminal_safe(&ev.detail));
    }
    line
}

/// Where the engine's lines go.
pub enum Log {
    Stderr,
    File(std::fs::File),
}

impl Log {
    /// `--log-file=PATH` (appended, created 0600), else stderr.
    pub fn open(path: Option<&str>) -> Result<Log, CmdError> {
        let Some(path) = path else {
            return Ok(Log::Stderr);
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(super::local::expand_tilde(path))
            .map(Log::File)
            .map_err(|e| CmdError::io(format!("open the log file {path}"), e))
    }

    pub fn write(&mut self, ev: &Event) {
        let line = log_line(ev);
        match self {
            Log::Stderr => eprintln!("{line}"),
            Log::File(f) => {
                let _ = writeln!(f, "{line}");
            }
        }
    }
}

/// Upload and download engines with the saved settings (speed limits, connections).
pub fn engines(ctx: &Ctx<'_>) -> Result<(Engine, Engine), CmdError> {
    let settings = xfer::settings(ctx.state);
    Ok((
        xfer::engine_with(&settings, true, None)?,
        xfer::engine_with(&settings, false, None)?,
    ))
}

/// The sync database of this state directory.
pub fn store(ctx: &Ctx<'_>) -> Result<Store, CmdError> {
    let dir = ctx.state.state_dir()?;
    Ok(Store::open(dir.path())?)
}

/// The logged-in account's user handle (syncs and backups of another login stay dormant).
/// The command table opened the account already (`needs_login`).
pub fn user(ctx: &Ctx<'_>) -> Result<String, CmdError> {
    Ok(ctx
        .state
        .account
        .as_ref()
        .ok_or(CmdError::NotLoggedIn)?
        .saved
        .session
        .user_handle
        .clone())
}

/// A local folder as typed (`~`, relative), absolute, symlinks resolved when it exists: how
/// syncs and backups record theirs.
pub fn local_folder(spec: &str) -> std::path::PathBuf {
    let p = super::local::expand_tilde(spec);
    let p = if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map_or(p.clone(), |d| d.join(&p))
    };
    std::fs::canonicalize(&p).unwrap_or(p)
}

/// Take the engine lock of this state folder for work that must not run beside an engine
/// (`what`: what the running one does instead, for the message).
pub fn take_lock(ctx: &Ctx<'_>, what: &str) -> Result<engine::EngineLock, CmdError> {
    let dir = ctx.state.state_dir()?;
    engine::EngineLock::acquire(dir.path()).map_err(|e| match e {
        crate::sync::SyncError::Locked { pid } => CmdError::InvalidState(format!(
            "an engine is running for this state folder (PID {pid}){what}"
        )),
        other => other.into(),
    })
}

/// Whether an engine is running for this state directory (its PID).
pub fn running(ctx: &Ctx<'_>) -> Option<String> {
    let dir = ctx.state.state_dir.as_deref()?;
    engine::running_engine(Path::new(dir))
}

/// After a configuration change: say so when no engine will apply it.
pub fn notice_without_engine(ctx: &mut Ctx<'_>) {
    if running(ctx).is_none() {
        ctx.ui
            .warn("no engine is running; start one with: megash serve");
    }
}
