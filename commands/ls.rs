//! `ls`: List files in a remote path. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "ls",
    aliases: &[],
    summary: "List files in a remote path",
    usage: "[-R|-r] [-l] [-h] [-a[a]] [--tree] [--show-handles] [--versions] [--show-creation-time] [--time-format=FMT] [--use-pcre] [--json] [remotepath]",
    flags: &[
        Flag::short('R', "List folders recursively"),
        Flag::short('r', "List folders recursively"),
        Flag::short('l', "Long listing: flags, versions, size, date"),
        Flag::short('h', "Human-readable sizes"),
        Flag::short('a', "Extra info (sharing, links); -aa adds the links"),
        Flag::long("tree", "Tree view (implies recursion)"),
        Flag::long("show-handles", "Show node handles (H:XXXXXXXX)"),
        Flag::long("versions", "Show previous versions of files"),
        Flag::long("show-creation-time", "Show creation time instead of modification time"),
        Flag::opt("time-format", "FMT", "Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string"),
        Flag::long("use-pcre", "Treat patterns as Perl-compatible regular expressions"),
        Flag::long("json", "Print one JSON document with stable field names (megash extension)"),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
