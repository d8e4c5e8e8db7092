//! `logout`: Log out. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "logout",
    aliases: &[],
    summary: "Log out",
    usage: "[--keep-session]",
    flags: &[Flag::long(
        "keep-session",
        "Keep the session and cache to resume later",
    )],
    min_args: 0,
    max_args: Some(0),
    needs_login: false,
    operands: Operand::None,
    run: None,
};
