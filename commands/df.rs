//! `df`: Print the account storage usage. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "df",
    aliases: &[],
    summary: "Print the account storage usage",
    usage: "[-h] [--json]",
    flags: &[
        Flag::short('h', "Human-readable sizes"),
        Flag::long(
            "json",
            "Print one JSON document with stable field names (megash extension)",
        ),
    ],
    min_args: 0,
    max_args: Some(0),
    needs_login: true,
    operands: Operand::None,
    run: None,
};
