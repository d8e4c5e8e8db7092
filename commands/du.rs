//! `du`: Print the size used by remote files and folders. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "du",
    aliases: &[],
    summary: "Print the size used by remote files and folders",
    usage: "[-h] [--versions] [--path-display-size=N] [--use-pcre] [--json] [remotepath...]",
    flags: &[
        Flag::short('h', "Human-readable sizes"),
        Flag::long("versions", "Also count the size of previous versions"),
        Flag::opt("path-display-size", "N", "Width of the path column"),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
        Flag::long(
            "json",
            "Print one JSON document with stable field names (megash extension)",
        ),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
