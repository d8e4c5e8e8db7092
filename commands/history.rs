//! `history`: the lines entered in the shell, numbered from 0. The shell keeps them across
//! runs (in the state folder), so a one-shot `megash history` prints the saved ones.

use std::path::{Path, PathBuf};

use rustyline::history::{FileHistory, History};

use super::{Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The history file inside the state folder (the shell appends to it).
pub fn path(state_dir: Option<&Path>) -> Option<PathBuf> {
    state_dir.map(|d| d.join("history"))
}

/// The saved history lines, oldest first (empty when there are none or they can't be read).
pub fn load(state_dir: Option<&Path>) -> Vec<String> {
    let Some(path) = path(state_dir) else {
        return Vec::new();
    };
    let mut history = FileHistory::new();
    if history.load(&path).is_err() {
        return Vec::new();
    }
    history.iter().cloned().collect()
}

/// The table entry.
pub const COMMAND: Command = Command {
    name: "history",
    aliases: &[],
    summary: "Print the shell's command history",
    usage: "",
    flags: &[],
    min_args: 0,
    max_args: Some(0),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, _args: &Args) -> Result<(), CmdError> {
    let saved;
    let lines: &[String] = if ctx.state.interactive {
        &ctx.state.history
    } else {
        saved = load(ctx.state.state_dir.as_deref());
        &saved
    };
    for (i, line) in lines.iter().enumerate() {
        ctx.ui.line(format_args!("{i:>4}  {line}"))?;
    }
    Ok(())
}
