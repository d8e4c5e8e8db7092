//! `tree`: Print a tree view of a remote folder. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "tree",
    aliases: &[],
    summary: "Print a tree view of a remote folder",
    usage: "[--show-handles] [remotepath]",
    flags: &[Flag::long("show-handles", "Show node handles (H:XXXXXXXX)")],
    min_args: 0,
    max_args: Some(1),
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
