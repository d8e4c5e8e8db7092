//! `mkdir`: Create a remote folder. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "mkdir",
    aliases: &[],
    summary: "Create a remote folder",
    usage: "[-p] remotepath...",
    flags: &[Flag::short('p', "Create missing parent folders")],
    min_args: 1,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
