//! `cp` with a local endpoint is a transfer: `cp /Movies/trailer.mp4 ~/Videos/` downloads,
//! `cp ./report.pdf /Docs/` uploads. Remote to remote stays MEGAcmd's server-side copy
//! (commands/cp.rs); this module only decides which case applies and runs the transfer.
//!
//! The rule (also in README and `cp --help`):
//! - `./`, `../`, `~` (alone or `~/...`) and `file:` mark a local path;
//! - otherwise a path that exists in the cloud is remote and one that exists locally is local;
//!   when it exists in both, or in neither, the command fails and says how to disambiguate;
//! - a destination that does not exist yet goes with the side whose folder it would be
//!   created in: with remote sources it is remote when its parent folder exists in the cloud
//!   (so `cp /a/x newname` stays a cloud copy), else local when its parent exists locally;
//!   with local sources it is remote.

use std::path::PathBuf;

use super::local::expand_tilde;
use super::{remote, xfer, Args, Ctx};
use crate::account::Account;
use crate::api::Node;
use crate::error::CmdError;

/// Shown by `cp --help` after the options.
pub const HELP: &str = "A local endpoint makes cp a transfer (cp /a/file ~/dir downloads, cp ./file /dir uploads).
Local paths: ./ ../ ~ and file: mark them; otherwise a path that exists in the cloud is remote and one
that exists locally is local; a new destination follows its parent folder (cloud first when the sources
are remote). A path that exists on both sides, or on neither, is an error: add ./ or file: for the local
one, or write the cloud path absolute (/...).";

/// One `cp` operand, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Side {
    Local(PathBuf),
    Remote,
}

/// The explicit local markers: `./`, `../`, `~`, `~/`, `file:`. Returns the local path.
/// Whether `arg` names a local path without asking the cloud: marked (`./`, `../`, `~`,
/// `file:`) or existing here. Used to let a read-only folder-link session download with cp.
pub fn looks_local(arg: &str) -> bool {
    !marked_remote(arg) && (marked_local(arg).is_some() || std::path::Path::new(arg).exists())
}

fn marked_local(arg: &str) -> Option<PathBuf> {
    if let Some(rest) = arg.strip_prefix("file:") {
        return Some(expand_tilde(rest));
    }
    if arg == "." || arg == ".." || arg.starts_with("./") || arg.starts_with("../") {
        return Some(PathBuf::from(arg));
    }
    if arg == "~" || arg.starts_with("~/") {
        return Some(expand_tilde(arg));
    }
    None
}

fn in_cloud(acct: &Account, path: &str) -> Result<bool, CmdError> {
    match remote::resolve_pattern(acct, path) {
        Ok(_) => Ok(true),
        Err(CmdError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

fn cloud_parent_exists(acct: &Account, path: &str) -> bool {
    let (parent, _) = remote::split_parent(path);
    let node: Option<Node> = if parent.is_empty() {
        acct.cwd().ok().flatten()
    } else {
        remote::resolve_one(acct, &parent).ok()
    };
    node.is_some_and(|n| !n.is_file())
}

fn both(arg: &str) -> CmdError {
    CmdError::Args(format!(
        "{arg} exists both in the cloud and on the local disk: write ./{arg} or file:{arg} for the local one, or an absolute cloud path (/...) for the remote one"
    ))
}

/// MEGA's own path syntax (`//bin`, `//in`, `H:handle`) is never a local path.
fn marked_remote(arg: &str) -> bool {
    arg.starts_with("//") || arg.starts_with("H:")
}

fn neither(arg: &str) -> CmdError {
    CmdError::NotFound(format!(
        "Couldn't find {arg} in the cloud or on the local disk (mark local paths with ./, ../, ~ or file:)"
    ))
}

/// The side an operand's spelling marks, else whether it exists (in the cloud, locally).
fn spot(acct: &Account, arg: &str) -> Result<Result<Side, (bool, bool)>, CmdError> {
    if let Some(p) = marked_local(arg) {
        return Ok(Ok(Side::Local(p)));
    }
    if marked_remote(arg) {
        return Ok(Ok(Side::Remote));
    }
    let local = std::path::Path::new(arg).symlink_metadata().is_ok();
    Ok(Err((in_cloud(acct, arg)?, local)))
}

/// Classify an existing source operand.
fn source(acct: &Account, arg: &str) -> Result<Side, CmdError> {
    let found = match spot(acct, arg)? {
        Ok(side) => return Ok(side),
        Err(found) => found,
    };
    match found {
        (true, true) => Err(both(arg)),
        (true, false) => Ok(Side::Remote),
        (false, true) => Ok(Side::Local(PathBuf::from(arg))),
        (false, false) => Err(neither(arg)),
    }
}

/// Classify the destination, knowing which side the sources are on.
fn destination(acct: &Account, arg: &str, sources_local: bool) -> Result<Side, CmdError> {
    let found = match spot(acct, arg)? {
        Ok(side) => return Ok(side),
        Err(found) => found,
    };
    match found {
        (true, true) => Err(both(arg)),
        (true, false) => Ok(Side::Remote),
        (false, true) if sources_local => Ok(Side::Remote),
        (false, true) => Ok(Side::Local(PathBuf::from(arg))),
        (false, false) if sources_local => Ok(Side::Remote),
        (false, false) if cloud_parent_exists(acct, arg) => Ok(Side::Remote),
        (false, false) if super::local::parent_exists(std::path::Path::new(arg)) => {
            Ok(Side::Local(PathBuf::from(arg)))
        }
        (false, false) => Err(neither(arg)),
    }
}

/// `cp`'s [`super::Writes`]: a download (`cp REMOTE ./here`) only reads; its upload and copy
/// halves are refused by the folder link's server session anyway, so only a clearly remote
/// target counts.
pub fn writes(args: &Args) -> bool {
    args.operands.last().is_some_and(|d| !looks_local(d))
}

/// HOOK for commands/cp.rs: call first thing in `cp`'s `run`:
///
/// ```ignore
/// if super::transfer_cp::cp(ctx, args)? { return Ok(()); }
/// // ...remote-to-remote copy...
/// ```
///
/// Returns `Ok(true)` when an endpoint was local and the transfer ran (or failed with the
/// error returned), `Ok(false)` when every operand is a cloud path (then `cp` copies in the
/// cloud as MEGAcmd does). Operands are `args.operands` (sources..., destination).
pub fn cp(ctx: &mut Ctx<'_>, args: &Args) -> Result<bool, CmdError> {
    let Some((dst, srcs)) = args.operands.split_last() else {
        return Ok(false);
    };
    // `user@example.com:` is a contact, never a local path.
    if dst.ends_with(':') && dst.contains('@') {
        return Ok(false);
    }
    let (sides, dst_side) = {
        let acct = ctx.synced()?;
        let sides = srcs
            .iter()
            .map(|s| source(acct, s))
            .collect::<Result<Vec<_>, _>>()?;
        let locals = sides.iter().filter(|s| matches!(s, Side::Local(_))).count();
        if locals != 0 && locals != sides.len() {
            return Err(CmdError::Args(
                "cp: the sources must all be local or all be in the cloud".into(),
            ));
        }
        let dst_side = destination(acct, dst, locals > 0)?;
        (sides, dst_side)
    };
    let sources_local = matches!(sides.first(), Some(Side::Local(_)));
    match (sources_local, dst_side) {
        (false, Side::Remote) => Ok(false),
        (true, Side::Local(_)) => Err(CmdError::Args(
            "cp: both ends are local; use the system's cp for local copies".into(),
        )),
        (false, Side::Local(to)) => {
            let mut nodes = Vec::new();
            {
                let acct = ctx.synced()?;
                for s in srcs {
                    nodes.extend(remote::resolve_pattern(acct, s)?);
                }
            }
            let to = to.to_string_lossy().into_owned();
            xfer::download(ctx, nodes, Some(&to), true)?;
            Ok(true)
        }
        (true, Side::Remote) => {
            let paths: Vec<PathBuf> = sides
                .into_iter()
                .filter_map(|s| match s {
                    Side::Local(p) => Some(p),
                    Side::Remote => None,
                })
                .collect();
            // `cp` has no -c (put's hint): name the command that makes the folder.
            let target =
                xfer::remote_target(ctx, Some(dst), paths.len(), false).map_err(|e| match e {
                    CmdError::NotFound(m) if m.ends_with("Use -c to create folder structure") => {
                        CmdError::NotFound(m.replace(
                            "Use -c to create folder structure",
                            "Create it first with mkdir -p, or use put -c",
                        ))
                    }
                    other => other,
                })?;
            xfer::upload(ctx, &paths, target)?;
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marked_local("./a"), Some(PathBuf::from("./a")));
        assert_eq!(marked_local("../a"), Some(PathBuf::from("../a")));
        assert_eq!(marked_local("."), Some(PathBuf::from(".")));
        assert_eq!(marked_local("file:x/y"), Some(PathBuf::from("x/y")));
        assert!(marked_local("~").is_some());
        assert!(marked_local("~/Videos").is_some_and(|p| p.ends_with("Videos")));
        assert_eq!(marked_local("/Docs"), None);
        assert_eq!(marked_local("Docs"), None);
        assert_eq!(marked_local("~bob"), None);
        assert_eq!(marked_local(".hidden"), None);
    }
}
