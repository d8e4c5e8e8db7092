//! `rm`: Delete remote files and folders permanently. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "rm",
    aliases: &[],
    summary: "Delete remote files and folders permanently",
    usage: "[-r] [-f] [--trash] [--use-pcre] remotepath...",
    flags: &[
        Flag::short('r', "Delete folders recursively"),
        Flag::short('f', "Do not ask for confirmation"),
        Flag::long(
            "trash",
            "Move to the rubbish bin instead of deleting (megash extension)",
        ),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
    ],
    min_args: 1,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
