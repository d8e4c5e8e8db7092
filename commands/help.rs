//! `help`: the command list, one command's usage (`help CMD`, same as `CMD --help`), and the
//! topics MEGAcmd has (`--non-interactive`, `--paths`). Everything comes from the table.

use super::{Args, Command, Ctx, Flag, Operand, Writes, TABLE};
use crate::error::CmdError;
use crate::ui::Ui;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "help",
    aliases: &["?", "h"],
    summary: "Print the list of commands, or the usage of one",
    usage: "[-f|-ff|--non-interactive|--upgrade|--paths] [--show-all-options] [command]",
    flags: &[
        Flag::short('f', "Also print each command's usage; -ff adds its options"),
        Flag::long("non-interactive", "How to use megash from scripts"),
        Flag::long("upgrade", "About account plans"),
        Flag::long("paths", "The syntax of remote paths"),
        Flag::long("show-all-options", "Print every option of every command"),
        Flag::long("markdown", "Print the command reference in Markdown"),
    ],
    min_args: 0,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::Command,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

const NON_INTERACTIVE: &str = "\
megash runs without a background server: every command is a short-lived process that resumes
the saved session and reads the local node cache.

  megash CMD ARGS...      run one command and exit with its code
  mega-CMD ARGS...        the same, through the entry points made by `megash install-commands`
  megash -f FILE          run FILE, one command per line (# comments and blank lines skipped;
                          errors name FILE:LINE)
  megash < FILE           the same, from standard input
  --keep-going            (with -f or <) run every line even after a failure
  megash install-commands [--force] [DIR]   make the mega-* entry points (default: next to megash)
  megash completions bash|zsh|fish          print a completion script
  megash --demo           a shell on a demo account of a built-in local server (no network)

Global options, before or after the command: --debug (or -vvv) logs requests on stderr;
--progress shows transfer progress and a summary even when stderr is not a terminal.

Results go to stdout; errors, warnings and progress to stderr. The exit code is 0 on success and
MEGAcmd's code otherwise (51 wrong arguments, 53 not found, 57 not logged in, ...; see
`errorcode N`). Quote wildcards so that your shell does not expand them: mega-ls \"*.jpg\".";

const PATHS: &str = "\
Remote paths:
  /a/b                 absolute, from the root of the cloud drive
  a/b, ./a, ../a       relative to the current remote folder (cd, pwd)
  //bin, //bin/x       the rubbish bin
  //in, //in/x         the inbox (vault)
  H:XXXXXXXX           a node by its handle (see --show-handles)
  *, ?                 wildcards, per path component (quote them)
Names with spaces: quote them (\"My Files\") or escape the space (My\\ Files).";

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if let Some(name) = args.operands.first() {
        let cmd = super::find(name).ok_or_else(|| super::not_found(name))?;
        return print_command_help(ctx.ui, cmd);
    }
    if args.has("markdown") {
        return ctx.ui.raw(&markdown_reference());
    }
    if args.has("non-interactive") {
        return ctx.ui.line(NON_INTERACTIVE);
    }
    if args.has("paths") {
        return ctx.ui.line(PATHS);
    }
    if args.has("upgrade") {
        return ctx.ui.line(
            "Storage and transfer quota depend on the account's plan; see https://mega.io/pricing",
        );
    }
    let detail = args.count("f") + usize::from(args.has("show-all-options")) * 2;
    if detail > 0 {
        for (i, cmd) in TABLE.iter().enumerate() {
            if i > 0 {
                ctx.ui.line("")?;
            }
            if detail >= 2 {
                print_command_help(ctx.ui, cmd)?;
            } else {
                ctx.ui.line(cmd.usage_line())?;
                ctx.ui.line(format_args!("  {}", cmd.summary))?;
            }
        }
        return Ok(());
    }
    ctx.ui.line("Here is the list of available commands:")?;
    let width = TABLE.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for cmd in TABLE {
        let later = if cmd.run.is_none() {
            " (not implemented yet)"
        } else {
            ""
        };
        ctx.ui.line(format_args!(
            "  {:width$}  {}{later}",
            cmd.name, cmd.summary
        ))?;
    }
    ctx.ui.line("")?;
    ctx.ui.line(format_args!(
        "MEGAcmd commands not in megash yet: {}.",
        super::NOT_YET.join(", ")
    ))?;
    ctx.ui.line(format_args!(
        "Windows/macOS only in MEGAcmd: {}.",
        super::OTHER_PLATFORMS.join(", ")
    ))?;
    ctx.ui.line("")?;
    ctx.ui.line(
        "Use \"help COMMAND\" or \"COMMAND --help\" for the usage and options of a command.",
    )?;
    ctx.ui.line(
        "Use \"help --non-interactive\" for megash's own options (--demo, -f FILE, --debug, --progress, install-commands, completions) and scripting, \"help --paths\" for remote paths.",
    )
}

/// One command's help: usage line, summary, options. Shared by `help CMD` and `CMD --help`.
pub fn print_command_help(ui: &mut Ui, cmd: &Command) -> Result<(), CmdError> {
    ui.line(format_args!("Usage: {}", cmd.usage_line()))?;
    ui.line(cmd.summary)?;
    if !cmd.aliases.is_empty() {
        ui.line(format_args!("Also: {}", cmd.aliases.join(", ")))?;
    }
    if cmd.needs_login {
        ui.line("Needs a logged-in session.")?;
    }
    if cmd.run.is_none() {
        ui.line("Not implemented yet in this build.")?;
    }
    if !cmd.flags.is_empty() {
        ui.line("Options:")?;
        let width = cmd.flags.iter().map(|f| f.shown().len()).max().unwrap_or(0);
        for f in cmd.flags {
            ui.line(format_args!("  {:width$}  {}", f.shown(), f.help))?;
        }
    }
    if let Some(more) = cmd.more_help {
        ui.line(more)?;
    }
    Ok(())
}

/// The command reference in Markdown, generated from the table (committed as
/// docs/commands.md; a test fails when it is stale).
pub fn markdown_reference() -> String {
    use std::fmt::Write;
    let mut s = String::new();
    s.push_str("## Command reference\n\n");
    s.push_str("Generated from the command table by `megash help --markdown`; do not edit.\n");
    s.push_str("Every command also runs as `mega-CMD` and accepts `--help` and `-v`.\n\n");
    s.push_str("| command | what it does | login |\n|---|---|---|\n");
    for c in TABLE {
        let later = if c.run.is_none() {
            " *(not implemented yet)*"
        } else {
            ""
        };
        let login = if c.needs_login { "yes" } else { "no" };
        let _ = writeln!(
            s,
            "| [`{}`](#{}) | {}{later} | {login} |",
            c.name, c.name, c.summary
        );
    }
    for c in TABLE {
        let _ = write!(
            s,
            "\n### {}\n\n```\n{}\n```\n\n{}.",
            c.name,
            c.usage_line(),
            c.summary
        );
        if !c.aliases.is_empty() {
            let _ = write!(s, " Also: `{}`.", c.aliases.join("`, `"));
        }
        s.push('\n');
        if !c.flags.is_empty() {
            s.push('\n');
            for f in c.flags {
                let _ = writeln!(s, "- `{}`: {}", f.shown(), f.help);
            }
        }
    }
    s
}
