//! `thumbnail [-s] remotepath [localpath]`: save a file's thumbnail (the JPEG MEGA's apps show,
//! file attribute 0) to `localpath`, or with `-s` make one from the local image and attach it.
//! `preview` is the same for the preview (attribute 1). As MEGAcmd's: `Thumbnail for PATH saved
//! in FILE` / `loaded from FILE`; a local folder (default `./`) gets `HANDLE0.jpg` (`1.jpg` for
//! a preview), the SDK's name.

use std::path::PathBuf;

use super::{local, remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::transfer::THUMBNAIL;
use crate::crypto::keys::NodeKey;
use crate::error::CmdError;
use crate::graphics;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "thumbnail",
    aliases: &[],
    summary: "Save a file's thumbnail, or set it from a local image (-s)",
    usage: "[-s] remotepath [localpath]",
    flags: &[Flag::short('s', "Set the thumbnail from the local image")],
    min_args: 1,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::RemoteThenLocal,
    writes: Writes::When(setting),
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

/// `-s` changes the file.
pub(super) fn setting(args: &Args) -> bool {
    args.has("s")
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    picture(ctx, args, THUMBNAIL)
}

/// `thumbnail` (kind 0) and `preview` (kind 1).
pub(super) fn picture(ctx: &mut Ctx<'_>, args: &Args, kind: u8) -> Result<(), CmdError> {
    let what = if kind == THUMBNAIL {
        "Thumbnail"
    } else {
        "Preview"
    };
    let path = &args.operands[0];
    let local_arg = args.operands.get(1).map_or("./", String::as_str);
    ctx.synced()?;
    let acct = ctx.account()?;
    let node = remote::resolve_one(acct, path)
        .map_err(|_| CmdError::NotFound(format!("{path}: No such file or directory")))?;
    if !node.is_file() {
        return Err(CmdError::InvalidType(format!("{path} is not a file")));
    }
    let Some(NodeKey::File(key)) = node.key else {
        return Err(CmdError::Unexpected(format!(
            "{path}: the file's key is not available"
        )));
    };
    if setting(args) {
        let src = local::expand_tilde(local_arg);
        let img = graphics::load(&src).map_err(|e| match e {
            graphics::GraphicsError::Io(io) => CmdError::io(format!("read {}", src.display()), io),
            e => CmdError::InvalidType(format!("{}: {e}", src.display())),
        })?;
        let jpeg = if kind == THUMBNAIL {
            graphics::thumbnail(&img)
        } else {
            graphics::preview(&img)
        }
        .map_err(|e| CmdError::InvalidType(e.to_string()))?;
        ctx.online(async |acct| {
            let client = acct.client().await?;
            let h = client
                .upload_file_attribute(&key, &jpeg)
                .await
                .map_err(|e| CmdError::api("upload the picture", e))?;
            client
                .attach_file_attributes(node.handle, &format!("{kind}*{h}"))
                .await
                .map_err(|e| CmdError::api("attach the picture", e))?;
            acct.refresh().await?;
            Ok(())
        })?;
        return ctx
            .ui
            .line(format!("{what} for {path} loaded from {}", src.display()));
    }
    let data = ctx.online(async |acct| {
        let client = acct.client().await?;
        client
            .file_attribute(&node, kind)
            .await
            .map_err(|e| CmdError::api("download the picture", e))
    })?;
    let Some(data) = data else {
        return Err(CmdError::NotFound(format!(
            "{path} has no {}",
            what.to_lowercase()
        )));
    };
    let mut dest = local::expand_tilde(local_arg);
    if local_arg.ends_with('/') || dest.is_dir() {
        dest = dest.join(format!("{}{kind}.jpg", node.handle.to_b64()));
    }
    write_atomically(&dest, &data)?;
    ctx.ui
        .line(format!("{what} for {path} saved in {}", dest.display()))
}

/// Write `data` to a temporary sibling, then rename it into place.
fn write_atomically(dest: &std::path::Path, data: &[u8]) -> Result<(), CmdError> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "picture".into());
    let tmp: PathBuf = dest.with_file_name(format!(".{name}.megash-part"));
    std::fs::write(&tmp, data)
        .and_then(|()| std::fs::rename(&tmp, dest))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CmdError::io(format!("write {}", dest.display()), e)
        })
}
