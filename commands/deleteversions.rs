//! `deleteversions [-f] (--all | remotepath...)`: delete the older versions of files, as
//! MEGAcmd: `--all` is one `dv` for the whole account; a file loses its versions (`d` with
//! `v:1` on each, so the current file stays); a folder, those of every file below it. Asks
//! `Are you sure todelete the version histories of …? (Yes/No): ` (MEGAcmd's words,
//! spelling included) unless `-f`; where nobody can answer, nothing is deleted without `-f`.

use super::{pattern, remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::account::Account;
use crate::api::{self, Handle, Node};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "deleteversions",
    aliases: &[],
    summary: "Delete the previous versions of files (the current files stay)",
    usage: "[-f] (--all | remotepath...) [--use-pcre]",
    flags: &[
        Flag::short('f', "Do not ask for confirmation"),
        Flag::long("all", "Delete the versions of every file in the account"),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: Some(
        "Versions are what MEGA keeps when a file is replaced by an upload of the same name \
         (see `ls --versions`). Deleted versions cannot be restored.",
    ),
    run: Some(run),
};

/// Whether to go ahead: `-f`, or a yes at the prompt.
fn confirmed(ctx: &mut Ctx<'_>, force: bool, what: &str) -> Result<bool, CmdError> {
    if force {
        return Ok(true);
    }
    if !ctx.ui.can_ask() {
        return Err(CmdError::Args(
            "deleteversions needs -f when there is no terminal to confirm on".into(),
        ));
    }
    ctx.ui.confirm(&format!(
        "Are you sure todelete the version histories of {what}? (Yes/No): "
    ))
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let force = args.has("f");
    if args.has("all") {
        if !args.operands.is_empty() {
            return Err(CmdError::Usage {
                problem: Some("--all takes no paths".into()),
                usage: COMMAND.usage_line(),
            });
        }
        if !confirmed(ctx, force, "all files")? {
            return Ok(());
        }
        ctx.online(async |acct| {
            let client = acct.client().await?;
            client
                .delete_all_versions()
                .await
                .map_err(|e| CmdError::api("remove all versions", e))?;
            acct.refresh().await?;
            Ok(())
        })?;
        return ctx.ui.line(
            "File versions deleted successfully. Please note that the current files were not \
             deleted, just their history.",
        );
    }
    if args.operands.is_empty() {
        return Err(CmdError::Usage {
            problem: Some("give paths or --all".into()),
            usage: COMMAND.usage_line(),
        });
    }
    ctx.synced()?;
    let mut errors = Vec::new();
    let mut doomed: Vec<Handle> = Vec::new();
    let mut force = force;
    for path in &args.operands {
        let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
        let nodes = match pattern::resolve(acct, path, args.has("use-pcre")) {
            Ok(n) => n,
            Err(CmdError::NotFound(_)) => {
                errors.push(CmdError::NotFound(format!("Node not found: {path}")));
                continue;
            }
            Err(e) => return Err(e),
        };
        for n in nodes {
            let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
            let versions = versions_below(acct, &n)?;
            if n.is_file() && versions.is_empty() {
                if !force {
                    ctx.ui.warn(format_args!(
                        "No versions found for {}",
                        remote::name_of(&n)
                    ));
                }
                continue;
            }
            let what = if n.is_file() {
                remote::name_of(&n)
            } else {
                format!("files within {}", remote::name_of(&n))
            };
            if !confirmed(ctx, force, &what)? {
                continue;
            }
            // MEGAcmd stops asking once a folder was confirmed: its files follow.
            force = force || !n.is_file();
            doomed.extend(versions);
        }
    }
    if !doomed.is_empty() {
        let results = ctx.online(async |acct| {
            let client = acct.client().await?;
            let r = client
                .delete_versions(&doomed)
                .await
                .map_err(|e| CmdError::api("remove version", e))?;
            acct.refresh().await?;
            Ok(r)
        })?;
        for r in results {
            if let Err(code) = r {
                errors.push(CmdError::api("remove version", api::Error::Mega(code)));
            }
        }
    }
    super::write::finish(ctx.ui, errors)
}

/// The older versions of `n` (a file), or of every file below `n` (a folder).
fn versions_below(acct: &Account, n: &Node) -> Result<Vec<Handle>, CmdError> {
    let files: Vec<Node> = if n.is_file() {
        vec![n.clone()]
    } else {
        acct.cache
            .descendants(n.handle)?
            .into_iter()
            .filter(Node::is_file)
            .collect()
    };
    let mut out = Vec::new();
    for f in files {
        out.extend(acct.cache.versions(f.handle)?.iter().map(|v| v.handle));
    }
    Ok(out)
}
