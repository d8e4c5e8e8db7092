//! `reload`: Reload the remote node tree. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "reload",
    aliases: &[],
    summary: "Reload the remote node tree",
    usage: "",
    flags: &[],
    min_args: 0,
    max_args: Some(0),
    needs_login: true,
    operands: Operand::None,
    run: None,
};
