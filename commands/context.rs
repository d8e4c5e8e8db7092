//! What a command handler gets besides its arguments: the [`Ui`], the process-wide [`State`]
//! (state directory, shell history, the logged-in account once the session/cache layer
//! provides one) and an async runtime for the API calls, with Ctrl-C cancelling the call.

use std::future::Future;
use std::path::PathBuf;
use std::rc::Rc;

use crate::account::Account;
use crate::session::{SessionError, StateDir};

use crate::error::CmdError;
use crate::ui::Ui;

/// The state directory: `$MEGASH_HOME`, else `$XDG_CONFIG_HOME/megash`, else
/// `~/.config/megash` (the one rule lives in megash-client's `StateDir::default_path`).
pub fn state_dir() -> Option<PathBuf> {
    crate::session::StateDir::default_path()
}

/// Everything that lives longer than one command.
pub struct State {
    /// Where the session, cache and history live (`None` when no home can be found: then
    /// nothing is persisted).
    pub state_dir: Option<PathBuf>,
    /// True in the interactive shell (prompts may be shown, `quit` ends the loop).
    pub interactive: bool,
    /// Lines entered in the shell, oldest first, for `history`.
    pub history: Vec<String>,
    /// Set by `quit`/`exit`: the shell or batch loop stops after this command.
    pub quit_requested: bool,
    /// The logged-in account, opened from the state directory on first need.
    pub account: Option<Account>,
    runtime: Option<Rc<tokio::runtime::Runtime>>,
}

impl State {
    /// State for this process, from the environment.
    pub fn new(interactive: bool) -> State {
        State {
            state_dir: state_dir(),
            interactive,
            history: Vec::new(),
            quit_requested: false,
            account: None,
            runtime: None,
        }
    }

    /// The async runtime, created on first use: one-shot commands that never touch the
    /// network never pay for it. Current-thread keeps a one-shot `ls` cheap.
    pub fn runtime(&mut self) -> Result<Rc<tokio::runtime::Runtime>, CmdError> {
        if self.runtime.is_none() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| CmdError::io("start the async runtime", e))?;
            self.runtime = Some(Rc::new(rt));
        }
        self.runtime
            .clone()
            .ok_or_else(|| CmdError::Unexpected("no async runtime".into()))
    }

    /// The state directory, created (0700) if needed.
    pub fn state_dir(&self) -> Result<StateDir, CmdError> {
        let dir = self
            .state_dir
            .as_ref()
            .ok_or_else(|| CmdError::from(SessionError::NoStateDir))?;
        Ok(StateDir::at(dir)?)
    }

    /// Open the saved account if there is one and it is not open yet (no network).
    pub fn open_account(&mut self) -> Result<(), CmdError> {
        if self.account.is_none() && self.state_dir.is_some() {
            let dir = self.state_dir()?;
            self.account = Account::open(&dir)?;
        }
        Ok(())
    }
}

/// The context a handler runs in.
pub struct Ctx<'a> {
    /// Output.
    pub ui: &'a mut Ui,
    /// Long-lived state.
    pub state: &'a mut State,
}

impl Ctx<'_> {
    /// Run a future to completion; Ctrl-C drops it (cancelling the request) and returns
    /// [`CmdError::Interrupted`], so the shell survives and one-shot commands exit 130.
    pub fn block_on<F: Future>(&mut self, fut: F) -> Result<F::Output, CmdError> {
        let rt = self.state.runtime()?;
        block_on(&rt, fut)
    }

    /// The logged-in account, opening the saved one on first use; `Not logged in.` (57)
    /// without one. No network.
    pub fn account(&mut self) -> Result<&mut Account, CmdError> {
        self.state.open_account()?;
        self.state.account.as_mut().ok_or(CmdError::NotLoggedIn)
    }

    /// Run `f` on the account with the cache caught up (once per command: one `sc` round
    /// trip, never a login). Ctrl-C cancels it.
    pub fn online<T>(
        &mut self,
        f: impl AsyncFnOnce(&mut Account) -> Result<T, CmdError>,
    ) -> Result<T, CmdError> {
        let rt = self.state.runtime()?;
        let account = self.account()?;
        block_on(&rt, async move {
            account.sync().await?;
            f(account).await
        })?
    }

    /// The account with its cache caught up, for commands that then only read the cache.
    pub fn synced(&mut self) -> Result<&mut Account, CmdError> {
        self.online(async |_| Ok(()))?;
        self.account()
    }
}

/// Run a future to completion on `rt`; Ctrl-C drops it (cancelling the request) and returns
/// [`CmdError::Interrupted`].
pub fn block_on<F: Future>(rt: &tokio::runtime::Runtime, fut: F) -> Result<F::Output, CmdError> {
    rt.block_on(async {
        // Biased, listener first: it is registered before the command's first poll, so a
        // Ctrl-C can never slip between the two.
        tokio::select! {
            biased;
            _ = tokio::signal::ctrl_c() => Err(CmdError::Interrupted),
            out = fut => Ok(out),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn ctrl_c_cancels_the_running_future() {
        let (mut ui, _, _) = Ui::capture();
        let mut state = State::new(false);
        let mut ctx = Ctx {
            ui: &mut ui,
            state: &mut state,
        };
        let pid = std::process::id().to_string();
        let result = ctx.block_on(async move {
            // If the listener were not in place, this SIGINT would end the test binary.
            let _ = tokio::process::Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .await;
            std::future::pending::<()>().await
        });
        assert!(matches!(result, Err(CmdError::Interrupted)));
        // The runtime survives for the next command.
        assert_eq!(ctx.block_on(async { 7 }).ok(), Some(7));
    }

    #[test]
    fn no_account_means_not_logged_in() {
        let (mut ui, _, _) = Ui::capture();
        let mut state = State::new(false);
        let mut ctx = Ctx {
            ui: &mut ui,
            state: &mut state,
        };
        assert!(matches!(ctx.account(), Err(CmdError::NotLoggedIn)));
    }
}
