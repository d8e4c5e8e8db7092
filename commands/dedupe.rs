//! `dedupe`: List, and with --mode resolve, names that occur twice in one remote folder. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "dedupe",
    aliases: &[],
    summary: "List, and with --mode resolve, names that occur twice in one remote folder",
    usage: "[--mode=MODE] [--dry-run] [remotepath...]",
    flags: &[
        Flag::opt(
            "mode",
            "MODE",
            "list (default), skip, first, newest, oldest, largest, smallest or rename",
        ),
        Flag::long("dry-run", "Say what would be done without doing it"),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::RemoteDir,
    run: None,
};
