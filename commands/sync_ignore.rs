//! `sync-ignore`: show and edit the `.megaignore` of a sync's local folder (or the default one
//! new syncs get). Rules use MEGA's syntax (see docs/sync.md); a change is picked up by the
//! engine within a second.

use std::path::PathBuf;

use super::engine as eng;
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;
use crate::sync::ignore;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "sync-ignore",
    aliases: &[],
    summary: "Show or edit the exclusion rules (.megaignore) of a sync",
    usage: "[--show|--add|--add-exclusion|--remove|--remove-exclusion] [filter...] (ID|localpath|DEFAULT)",
    flags: &[
        Flag::long("show", "Print the rules (the default)"),
        Flag::long("add", "Add the rules given"),
        Flag::long("add-exclusion", "Add exclusions: each PATTERN becomes -:PATTERN"),
        Flag::long("remove", "Remove the rules given"),
        Flag::long("remove-exclusion", "Remove exclusions: each PATTERN as -:PATTERN"),
    ],
    min_args: 1,
    max_args: None,
    needs_login: false,
    operands: Operand::Local,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: Some(
        "Rules: <CLASS +|-><TARGET a|d|f|s><TYPE N|n|p><STRATEGY G|g|R|r>:<PATTERN>, e.g. \
         -f:*.tmp, -d:node_modules, -s:* (symlinks), exclude-larger:100M, +sync:.megaignore. \
         Put -- before rules starting with - (sync-ignore --add -- -f:*.tmp ID). DEFAULT is the \
         file new syncs start with (default.megaignore in the state folder).",
    ),
    run: Some(run),
};

fn file_for(ctx: &mut Ctx<'_>, which: &str) -> Result<PathBuf, CmdError> {
    if which == "DEFAULT" {
        let dir = ctx.state.state_dir()?;
        return Ok(dir.path().join("default.megaignore"));
    }
    ctx.account()?;
    let store = eng::store(ctx)?;
    let s = super::sync::find(ctx, &store, which)?;
    Ok(s.local.join(ignore::FILE_NAME))
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let (which, rules) = args
        .operands
        .split_last()
        .ok_or_else(|| CmdError::Args("sync-ignore needs an ID, a local path or DEFAULT".into()))?;
    let file = file_for(ctx, which)?;
    let current = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if which == "DEFAULT" {
                ignore::DEFAULT.to_string()
            } else {
                String::new()
            }
        }
        Err(e) => return Err(CmdError::io(format!("read {}", file.display()), e)),
    };
    let exclusion = args.has("add-exclusion") || args.has("remove-exclusion");
    let given: Vec<String> = rules
        .iter()
        .map(|r| {
            if exclusion {
                format!("-:{r}")
            } else {
                r.clone()
            }
        })
        .collect();
    let adding = args.has("add") || args.has("add-exclusion");
    let removing = args.has("remove") || args.has("remove-exclusion");
    if !adding && !removing {
        if !given.is_empty() {
            return Err(CmdError::Args(
                "sync-ignore takes rules only with --add or --remove".into(),
            ));
        }
        for line in current.lines() {
            ctx.ui.line(line)?;
        }
        return Ok(());
    }
    if given.is_empty() {
        return Err(CmdError::Args("give the rules to add or remove".into()));
    }
    let mut lines: Vec<String> = current.lines().map(str::to_string).collect();
    if adding {
        for r in &given {
            ignore::check_rule(r).map_err(|why| CmdError::Args(format!("{r}: {why}")))?;
            if !lines.iter().any(|l| l.trim() == r) {
                lines.push(r.clone());
            }
        }
    } else {
        for r in &given {
            let before = lines.len();
            lines.retain(|l| l.trim() != r);
            if lines.len() == before {
                return Err(CmdError::NotFound(format!(
                    "{r}: no such rule in {}",
                    file.display()
                )));
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(&file, text)
        .map_err(|e| CmdError::io(format!("write {}", file.display()), e))?;
    if which != "DEFAULT" {
        // The engine rescans when the file changes (inotify); a poke covers a polling one.
        let store = eng::store(ctx)?;
        store.bump()?;
    }
    Ok(())
}
