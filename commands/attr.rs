//! `attr`: List, set or delete node attributes. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "attr",
    aliases: &[],
    summary: "List, set or delete node attributes",
    usage:
        "remotepath [-s attribute value|-d attribute [--force-non-official]] [--print-only-value]",
    flags: &[
        Flag::short('s', "Set an attribute"),
        Flag::short('d', "Delete an attribute"),
        Flag::long(
            "force-non-official",
            "Set a non-official attribute without the _ prefix",
        ),
        Flag::long("print-only-value", "Print only the value of the attribute"),
    ],
    min_args: 1,
    max_args: Some(3),
    needs_login: true,
    operands: Operand::Remote,
    run: None,
};
