//! `masterkey [FILE]`: the account's recovery key (MEGA's name for the master key in base64),
//! alone on stdout so that scripts can take it, with a warning on stderr; with FILE, written
//! there instead (created with mode 0600, never over an existing file). From the saved
//! session, no network.

use std::io::Write;

use super::{local, Args, Command, Ctx, Operand, Writes};
use crate::crypto::b64;
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "masterkey",
    aliases: &[],
    summary: "Print or save the account's recovery key",
    usage: "[localfile]",
    flags: &[],
    min_args: 0,
    max_args: Some(1),
    needs_login: true,
    operands: Operand::Local,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: Some(
        "The recovery key resets the password without losing data, and gives whoever holds it \
         full access to the account: keep it offline.",
    ),
    run: Some(run),
};

const WARNING: &str =
    "Keep the recovery key offline and private: anyone who has it can take over the account";

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let acct = ctx.account()?;
    if acct.is_link() {
        return Err(CmdError::NotPermitted(
            "masterkey: a folder link session has no account and no recovery key".into(),
        ));
    }
    let key = b64::encode(&acct.saved.session.master_key);
    let Some(file) = args.operands.first() else {
        ctx.ui.warn(WARNING);
        return ctx.ui.line(key);
    };
    let path = local::expand_tilde(file);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = opts
        .open(&path)
        .and_then(|mut f| f.write_all(format!("{key}\n").as_bytes()).and(f.sync_all()));
    written.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            CmdError::Exists(format!("{} already exists", path.display()))
        }
        _ => CmdError::io(format!("write {}", path.display()), e),
    })?;
    ctx.ui.warn(WARNING);
    ctx.ui
        .line(format!("Recovery key saved in {}", path.display()))
}
