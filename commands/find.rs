//! `find`: Find remote nodes. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "find",
    aliases: &[],
    summary: "Find remote nodes",
    usage: "[remotepath...] [-l] [--pattern=PATTERN] [--type=d|f] [--mtime=TIMECONSTRAIN] [--size=SIZECONSTRAIN] [--use-pcre] [--time-format=FMT] [--show-handles|--print-only-handles] [--json]",
    flags: &[
        Flag::short('l', "Long listing with size and sharing info"),
        Flag::opt("pattern", "PATTERN", "Only names matching PATTERN (wildcards * and ?)"),
        Flag::opt("type", "d|f", "Only folders (d) or files (f)"),
        Flag::opt("mtime", "TIMECONSTRAIN", "Modification time bounds, e.g. -3d+1h"),
        Flag::opt("size", "SIZECONSTRAIN", "Size bounds, e.g. -4M+100K"),
        Flag::long("use-pcre", "Treat patterns as Perl-compatible regular expressions"),
        Flag::opt("time-format", "FMT", "Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string"),
        Flag::long("show-handles", "Show node handles (H:XXXXXXXX)"),
        Flag::long("print-only-handles", "Print only the handles"),
        Flag::long("json", "Print one JSON document with stable field names (megash extension)"),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
