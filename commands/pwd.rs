//! `pwd`: Print the current remote folder. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "pwd",
    aliases: &[],
    summary: "Print the current remote folder",
    usage: "",
    flags: &[],
    min_args: 0,
    max_args: Some(0),
    needs_login: true,
    operands: Operand::None,
    run: None,
};
