//! `serve`: the engine in the foreground. It keeps every enabled sync of the state folder in
//! step, logs one line per action (stderr, or `--log-file`), applies configuration changes
//! other commands make within a second, and stops on SIGTERM or Ctrl-C after the action in
//! flight (a second signal stops at once; an interrupted upload resumes next time). Made for
//! a terminal or a supervisor (contrib/megash.service for systemd).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::engine::{self as eng, Log};
use super::{xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;
use crate::sync::{engine, Event};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "serve",
    aliases: &[],
    summary: "Run the engine in the foreground: keep every enabled sync in step",
    usage: "[--log-file=PATH]",
    flags: &[Flag::opt(
        "log-file",
        "PATH",
        "Append the log lines to PATH instead of stderr",
    )],
    min_args: 0,
    max_args: Some(0),
    needs_login: true,
    operands: Operand::None,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: Some(
        "A megash command; nothing else needs it running (commands that configure syncs record \
         them, and any engine started later picks them up). One engine per state folder. The \
         interactive shell is an engine too while it is open.",
    ),
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if ctx.state.interactive {
        return match eng::running(ctx) {
            Some(pid) if pid == std::process::id().to_string() => ctx.ui.line(
                "The shell is the engine already: it keeps the syncs in step while it is open",
            ),
            Some(pid) => ctx.ui.line(format!(
                "An engine is running for this state folder already (PID {pid})"
            )),
            None => Err(CmdError::InvalidState(
                "the shell could not start its engine; see sync.log in the state folder".into(),
            )),
        };
    }
    let dir = ctx.state.state_dir()?;
    let _lock = eng::take_lock(ctx, "")?;
    let mut log = Log::open(args.value("log-file"))?;
    let (up, down) = eng::engines(ctx)?;
    let opts = engine::Options::from_env(xfer::upload_journals(ctx.state));
    let store = eng::store(ctx)?;
    let rt = ctx.state.runtime()?;
    let account = ctx.state.account.as_mut().ok_or(CmdError::NotLoggedIn)?;
    let note = |log: &mut Log, what: &'static str, detail: String| {
        log.write(&Event {
            sync: String::new(),
            action: what,
            path: String::new(),
            detail,
        })
    };
    note(
        &mut log,
        "engine",
        format!(
            "started (PID {}) for {}",
            std::process::id(),
            dir.path().display()
        ),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let result = rt.block_on(async {
        #[cfg(unix)]
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| CmdError::io("listen for SIGTERM", e))?;
        let signal = async {
            #[cfg(unix)]
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            #[cfg(not(unix))]
            let _ = tokio::signal::ctrl_c().await;
        };
        let mut write = |ev: Event| log.write(&ev);
        let work = engine::run(
            account,
            (&up, &down),
            &store,
            &opts,
            stop.clone(),
            &mut write,
        );
        tokio::pin!(work);
        tokio::select! {
            r = &mut work => return r.map_err(CmdError::from),
            _ = signal => {}
        }
        // First signal: finish the action in flight, then stop. A second one stops now.
        stop.store(true, Ordering::Relaxed);
        let second = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let second = async {
            tokio::select! {
                _ = second => {}
                _ = term.recv() => {}
            }
        };
        tokio::select! {
            r = &mut work => r.map_err(CmdError::from),
            _ = second => Ok(()),
        }
    });
    note(&mut log, "engine", "stopped".into());
    result
}

/// The shell's engine: a thread that holds the engine lock while the shell is open (unless
/// another engine has it: then the thread ends at once) and runs the syncs of whichever account is logged in, logging to
/// `sync.log` in the state folder (the terminal belongs to the prompt). Stops when `stop` is
/// set.
pub fn background(stop: Arc<AtomicBool>) -> Option<std::thread::JoinHandle<()>> {
    let dir = crate::session::StateDir::at(super::context::state_dir()?).ok()?;
    std::thread::Builder::new()
        .name("megash-engine".into())
        .spawn(move || {
            // In the thread: taking the lock may wait a moment, the prompt must not.
            let Ok(_lock) = engine::EngineLock::acquire(dir.path()) else {
                return;
            };
            let mut state = super::State::new(false);
            let mut log = Log::open(Some(&dir.path().join("sync.log").to_string_lossy()))
                .unwrap_or(Log::Stderr);
            let settings = xfer::settings(&state);
            let (Ok(up), Ok(down)) = (
                xfer::engine_with(&settings, true, None),
                xfer::engine_with(&settings, false, None),
            ) else {
                return;
            };
            let opts = engine::Options::from_env(xfer::upload_journals(&state));
            let Ok(rt) = state.runtime() else { return };
            while !stop.load(Ordering::Relaxed) {
                state.account = None;
                let ready = state.open_account().is_ok()
                    && state.account.as_ref().is_some_and(|a| !a.is_link());
                let store = crate::sync::Store::open(dir.path());
                match (ready, store, state.account.as_mut()) {
                    (true, Ok(store), Some(account)) => {
                        let mut write = |ev: Event| log.write(&ev);
                        if let Err(e) = rt.block_on(engine::run(
                            account,
                            (&up, &down),
                            &store,
                            &opts,
                            stop.clone(),
                            &mut write,
                        )) {
                            log.write(&Event {
                                sync: String::new(),
                                action: "error",
                                path: String::new(),
                                detail: e.to_string(),
                            });
                            std::thread::sleep(std::time::Duration::from_secs(1));
                        }
                    }
                    _ => std::thread::sleep(std::time::Duration::from_millis(500)),
                }
            }
        })
        .ok()
}
