//! `mediainfo remotepath... [--path-display-size=N]`: width, height, frame rate and playing
//! time of media files, from the media attribute MEGA's apps record for videos and audio
//! (file attribute 8, decrypted with the file's key), in MEGAcmd's table. Files without one
//! show `---`, as in MEGAcmd (megash records none: it does not analyse media).

use super::{pattern, remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::transfer::file_attribute_handle;
use crate::crypto::keys::NodeKey;
use crate::crypto::{b64, media};
use crate::error::CmdError;
use crate::ui::fixed_width;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "mediainfo",
    aliases: &[],
    summary: "Print width, height, frame rate and playing time of media files",
    usage: "remotepath... [--path-display-size=N] [--use-pcre]",
    flags: &[
        Flag::opt(
            "path-display-size",
            "N",
            "Width of the path column (default: min(50, terminal width - 28))",
        ),
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

/// MEGAcmd's period: `1h2M3s` (years, months, days, hours, Minutes, seconds; `0s` for none).
fn period(secs: u64) -> String {
    let mut rest = secs;
    let mut out = String::new();
    for (unit, len) in [
        ("y", 31_557_600),
        ("m", 2_629_800),
        ("d", 86_400),
        ("h", 3_600),
        ("M", 60),
        ("s", 1),
    ] {
        let n = rest / len;
        rest %= len;
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        "0s".into()
    } else {
        out
    }
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let width = match args.value("path-display-size") {
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| CmdError::Args(format!("Invalid path display size: {v}")))?,
        None => {
            let cols = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(75);
            cols.saturating_sub(28).min(50)
        }
    };
    ctx.synced()?;
    let acct = ctx.account()?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for p in &args.operands {
        match pattern::resolve(acct, p, args.has("use-pcre")) {
            Ok(nodes) => rows.extend(nodes),
            Err(CmdError::NotFound(_)) => {
                errors.push(CmdError::NotFound(format!("Node not found: {p}")))
            }
            Err(e) => return Err(e),
        }
    }
    let mut lines = Vec::new();
    if !rows.is_empty() {
        lines.push(format!(
            "{}{}{}{}{}",
            fixed_width("FILE", width),
            fixed_width("WIDTH", 7),
            fixed_width("HEIGHT", 7),
            fixed_width("FPS", 4),
            fixed_width("PLAYTIME", 10)
        ));
    }
    for n in &rows {
        let info = match (&n.key, n.file_attrs.as_deref()) {
            (Some(NodeKey::File(k)), Some(fa)) => file_attribute_handle(fa, 8)
                .and_then(|v| b64::decode_array::<8>(v).ok())
                .map(|enc| media::decode(&enc, &media::media_key(&k.to_bytes()))),
            _ => None,
        };
        let num = |v: Option<u32>| v.filter(|x| *x > 0).map_or("---".into(), |x| x.to_string());
        let path = remote::abs_path(acct, n)?;
        lines.push(format!(
            "{} {} {} {} {} ",
            fixed_width(&path, width.saturating_sub(1)),
            fixed_width(&num(info.map(|i| i.width)), 6),
            fixed_width(&num(info.map(|i| i.height)), 6),
            fixed_width(&num(info.map(|i| i.fps)), 3),
            fixed_width(
                &info
                    .filter(|i| i.playtime > 0)
                    .map_or("---".into(), |i| period(u64::from(i.playtime))),
                10
            )
        ));
    }
    for l in lines {
        ctx.ui.line(l)?;
    }
    super::write::finish(ctx.ui, errors)
}

#[cfg(test)]
mod tests {
    #[test]
    fn periods_read_as_megacmd_prints_them() {
        assert_eq!(super::period(0), "0s");
        assert_eq!(super::period(754), "12M34s");
        assert_eq!(super::period(3_600 + 2), "1h2s");
    }
}
