//! `speedlimit`: show or set the upload and download rate limits (bytes per second, MEGAcmd's
//! size syntax `1m12k3B`, 0 = unlimited) and the connections per file of each direction.
//! Persisted in the state directory; every transfer of a process shares one limiter per
//! direction. `MEGASH_CONNECTIONS` still overrides the connection counts.

use super::{xfer, xfer_settings, Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "speedlimit",
    aliases: &[],
    summary: "Show or set transfer speed limits and connections",
    usage: "[-u|-d|--upload-connections|--download-connections] [-h] [NEWLIMIT]",
    flags: &[
        Flag::short('u', "The upload speed limit only"),
        Flag::short('d', "The download speed limit only"),
        Flag::long(
            "upload-connections",
            "Connections per file for uploads (NEWLIMIT: 1 to 32)",
        ),
        Flag::long(
            "download-connections",
            "Connections per file for downloads (NEWLIMIT: 1 to 32)",
        ),
        Flag::short('h', "Human-readable speeds"),
    ],
    min_args: 0,
    max_args: Some(1),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let (up, down) = (args.has("u"), args.has("d"));
    let (upc, downc) = (
        args.has("upload-connections"),
        args.has("download-connections"),
    );
    let mut s = xfer::settings(ctx.state);
    if let Some(v) = args.operands.first() {
        if upc || downc {
            let n: usize = v
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=32).contains(n))
                .ok_or_else(|| {
                    CmdError::Args(format!(
                        "Invalid number of connections: {}: use 1 to 32",
                        crate::ui::terminal_safe(v)
                    ))
                })?;
            if upc {
                s.upload_connections = Some(n);
            }
            if downc {
                s.download_connections = Some(n);
            }
        } else {
            let speed = xfer_settings::parse_size(v).ok_or_else(|| {
                CmdError::Args(format!("Invalid speed: {}", crate::ui::terminal_safe(v)))
            })?;
            if up || !down {
                s.upload_limit = speed;
            }
            if down || !up {
                s.download_limit = speed;
            }
        }
        super::xfer::save_settings(ctx.state, &s)?;
        // Transfers already running in this process follow the new limits at once.
        s.limiter(true);
        s.limiter(false);
    }
    let all = !(up || down || upc || downc);
    let human = args.has("h");
    let speed = |n: u64| {
        if n == 0 {
            "unlimited".to_string()
        } else if human {
            format!("{}/s", crate::ui::size_to_text(n, true, false))
        } else {
            format!("{n} B/s")
        }
    };
    if up || all {
        ctx.ui
            .line(format!("Upload speed limit = {}", speed(s.upload_limit)))?;
    }
    if down || all {
        ctx.ui.line(format!(
            "Download speed limit = {}",
            speed(s.download_limit)
        ))?;
    }
    if upc || all {
        ctx.ui
            .line(format!("Upload max connections = {}", s.connections(true)))?;
    }
    if downc || all {
        ctx.ui.line(format!(
            "Download max connections = {}",
            s.connections(false)
        ))?;
    }
    Ok(())
}
