//! `cat`: stream remote files to stdout, decrypted, several requests in flight but written
//! in order. `--offset=`/`--length=` (megash extensions) read any byte range and fetch only
//! the MAC chunks that cover it; a whole file is MAC-verified at the end (its bytes have
//! gone out by then, so a mismatch is reported as an error after them).

use super::context::block_on;
use super::{remote, xfer, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::{Client, NodeType};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "cat",
    aliases: &[],
    summary: "Print remote files",
    usage: "[--offset=N] [--length=N] remotepath...",
    flags: &[
        Flag::opt("offset", "N", "Start at byte N (megash extension)"),
        Flag::opt("length", "N", "Print at most N bytes (megash extension)"),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
    ],
    min_args: 1,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn number(args: &Args, name: &str) -> Result<Option<u64>, CmdError> {
    args.value(name)
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| CmdError::InvalidArgument {
                    arg: format!("--{name}={v}"),
                    usage: COMMAND.usage_line(),
                })
        })
        .transpose()
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let offset = number(args, "offset")?.unwrap_or(0);
    let length = number(args, "length")?;
    let mut nodes = Vec::new();
    {
        let acct = ctx.synced()?;
        for p in &args.operands {
            for n in remote::resolve_pattern(acct, p)? {
                if n.kind != NodeType::File {
                    return Err(CmdError::InvalidType(format!(
                        "{}: Not a file",
                        remote::display_path(acct, &n)?
                    )));
                }
                nodes.push(n);
            }
        }
    }
    let engine = xfer::engine(ctx.state, false)?;
    let https = xfer::settings(ctx.state).https;
    let rt = ctx.state.runtime()?;
    let acct = ctx.state.account.as_mut().ok_or(CmdError::NotLoggedIn)?;
    let ui = &mut *ctx.ui;
    block_on(&rt, async {
        let client: &Client = acct.client().await?;
        client.set_transfer_https(https);
        for n in &nodes {
            let mut sink = |b: &[u8]| ui.bytes(b);
            engine
                .read_range(client, n, offset, length, &mut sink)
                .await
                .map_err(|e| xfer::transfer_error("read", e))?;
        }
        Ok::<(), CmdError>(())
    })??;
    ctx.ui.flush()
}
