//! `cp`: Copy remote files and folders. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "cp",
    aliases: &[],
    summary: "Copy remote files and folders",
    usage: "[--use-pcre] srcremotepath... dstremotepath|dstemail:",
    flags: &[Flag::long(
        "use-pcre",
        "Treat patterns as Perl-compatible regular expressions",
    )],
    min_args: 2,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
