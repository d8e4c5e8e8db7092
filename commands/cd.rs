//! `cd`: Change the current remote folder. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "cd",
    aliases: &[],
    summary: "Change the current remote folder",
    usage: "[remotepath]",
    flags: &[],
    min_args: 0,
    max_args: Some(1),
    needs_login: true,
    operands: Operand::RemoteDir,
    run: None,
};
