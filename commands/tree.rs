//! `tree`: MEGAcmd's `tree [--show-handles] [remotepath]`, which is `ls --tree` (and shares
//! its code): the path given (or `.`), then the folder's descendants with box-drawing
//! prefixes (`├── `, `└── `, `│   `), read folder by folder from the cache. Wildcards
//! select several folders, each under a `PATH: ` heading.

use super::ls::{list, Opts};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

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
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let given = args.operands.first().map(String::as_str);
    list(
        ctx,
        given,
        &Opts::tree(args.has("show-handles")),
        false,
        false,
    )
}
