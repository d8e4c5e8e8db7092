//! `find`: the nodes at and below remote paths (default: the current folder) that pass
//! `--pattern=` (name, wildcards or `--use-pcre` regex), `--type=d|f`, `--mtime=` and
//! `--size=` (megacmd.md §2.3, §3.6). Paths print relative to the current folder (absolute
//! when the search path started with `/` or held `..`), terminal-safe; `-l` adds the
//! `ls -aa` style `(size, link…)` info, `--show-handles` ` <H:…>`, `--print-only-handles`
//! only `H:…`; `--json` prints one document of node objects (`ls::node_json`'s fields).
//!
//! Descendants are streamed from SQLite one row at a time ([`Cache::walk_descendants`]), so
//! a find over a million-node account holds one node in memory, not the tree. Order:
//! depth-first, a folder before its contents, siblings by name (MEGAcmd prints a folder
//! after its contents).
//!
//! [`Cache::walk_descendants`]: crate::cache::Cache::walk_descendants

use chrono::{Days, Local, Months, TimeDelta};

use super::ls::{extra_info_with, node_json_with, Opts};
use super::timefmt::TimeFormat;
use super::{pattern, remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::api::{Node, NodeType};
use crate::error::CmdError;
use crate::ui::{terminal_safe, Ui};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "find",
    aliases: &[],
    summary: "Find remote nodes",
    usage: "[remotepath...] [-l] [--pattern=PATTERN] [--type=d|f] [--mtime=TIMECONSTRAIN] [--size=SIZECONSTRAIN] [--use-pcre] [--time-format=FMT] [--show-handles|--print-only-handles] [--json]",
    flags: &[
        Flag::short('l', "Long listing with size and sharing info"),
        Flag::opt("pattern", "PATTERN", "Only names matching PATTERN (wildcards * and ?; a regex with --use-pcre)"),
        Flag::opt("type", "d|f", "Only folders (d) or files (f)"),
        Flag::opt("mtime", "TIMECONSTRAIN", "Modified within (-) or before (+) a time ago, e.g. -3d+1h (units y m d h M s)"),
        Flag::opt("size", "SIZECONSTRAIN", "Files at most (-) or at least (+) a size, e.g. -4M+100K (units B K M G T)"),
        Flag::long("use-pcre", "Treat patterns as Perl-compatible regular expressions"),
        Flag::opt("time-format", "FMT", "Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string"),
        Flag::long("show-handles", "Show node handles (H:XXXXXXXX)"),
        Flag::long("print-only-handles", "Print only the handles"),
        Flag::long("json", "Print one JSON document with stable field names (megash extension)"),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::No,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

/// `--mtime=`: modification time strictly after `after` and strictly before `before`
/// (Unix seconds).
#[derive(Debug, Default, PartialEq, Eq)]
struct TimeRange {
    after: Option<i64>,
    before: Option<i64>,
}

/// `--size=`: file size at least `min` and at most `max` bytes.
#[derive(Debug, Default, PartialEq, Eq)]
struct SizeRange {
    min: Option<u64>,
    max: Option<u64>,
}

/// `+A-B` or `-A+B` (or one half) split into its `+` and `-` parts; `None` when the text
/// does not start with a sign or repeats one.
fn split_signed(text: &str) -> Option<(Option<&str>, Option<&str>)> {
    let first = text.chars().next()?;
    let other = match first {
        '+' => '-',
        '-' => '+',
        _ => return None,
    };
    let rest = &text[1..];
    let (a, b) = match rest.find(other) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if a.contains(first) || b.is_some_and(|b| b.contains(['+', '-'])) {
        return None;
    }
    Some(if first == '+' {
        (Some(a), b)
    } else {
        (b, Some(a))
    })
}

/// `1d12h`-style amounts: each number needs a unit; `unit` says what a unit letter is.
fn amounts(text: &str, mut unit: impl FnMut(char, u64) -> bool) -> bool {
    let mut num = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let Ok(n) = num.parse::<u64>() else {
            return false;
        };
        if !unit(c, n) {
            return false;
        }
        num.clear();
    }
    num.is_empty() && !text.is_empty()
}

/// The instant `text` (e.g. `3d`, `1y2m`) before `now`, by the calendar in local time as
/// MEGAcmd counts (units y, m = month, d, h, M = minute, s).
fn time_ago(now: chrono::DateTime<Local>, text: &str) -> Option<i64> {
    let mut t = Some(now);
    let ok = amounts(text, |c, n| {
        let n32 = u32::try_from(n).ok();
        t = match c {
            'y' => n32
                .and_then(|n| n.checked_mul(12))
                .and_then(|m| t?.checked_sub_months(Months::new(m))),
            'm' => n32.and_then(|m| t?.checked_sub_months(Months::new(m))),
            'd' => t.and_then(|t| t.checked_sub_days(Days::new(n))),
            'h' | 'M' | 's' => {
                let secs = match c {
                    'h' => n.checked_mul(3600),
                    'M' => n.checked_mul(60),
                    _ => Some(n),
                };
                secs.and_then(|s| TimeDelta::try_seconds(i64::try_from(s).ok()?))
                    .and_then(|d| t?.checked_sub_signed(d))
            }
            _ => return false,
        };
        t.is_some()
    });
    if ok {
        t.map(|t| t.timestamp())
    } else {
        None
    }
}

/// `--mtime=`: `-3d` modified within the last 3 days, `+1h` more than an hour ago, `-3d+1h`
/// both. (MEGAcmd also drops a `-X` match modified this very second; megash does not.)
fn parse_mtime(text: &str, now: chrono::DateTime<Local>) -> Result<TimeRange, CmdError> {
    let bad = || CmdError::Args(format!("Invalid time {text}"));
    let (older, newer) = split_signed(text).ok_or_else(bad)?;
    let ago = |t: Option<&str>| t.map(|t| time_ago(now, t).ok_or_else(bad)).transpose();
    Ok(TimeRange {
        before: ago(older)?,
        after: ago(newer)?,
    })
}

/// A `4M100K`-style size in bytes (units B, K, M, G, T; either case; binary multiples).
fn size_of(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let ok = amounts(text, |c, n| {
        let unit: u64 = match c.to_ascii_uppercase() {
            'B' => 1,
            'K' => 1 << 10,
            'M' => 1 << 20,
            'G' => 1 << 30,
            'T' => 1 << 40,
            _ => return false,
        };
        match n.checked_mul(unit).and_then(|b| total.checked_add(b)) {
            Some(t) => {
                total = t;
                true
            }
            None => false,
        }
    });
    ok.then_some(total)
}

/// `--size=`: `+100K` at least 100 KiB, `-4M` at most 4 MiB, `-4M+100K` both; only files
/// pass a size constraint.
fn parse_size(text: &str) -> Result<SizeRange, CmdError> {
    let bad = || CmdError::Args(format!("Invalid size {text}"));
    let (min, max) = split_signed(text).ok_or_else(bad)?;
    let bytes = |t: Option<&str>| t.map(|t| size_of(t).ok_or_else(bad)).transpose();
    Ok(SizeRange {
        min: bytes(min)?,
        max: bytes(max)?,
    })
}

struct Filter {
    name: Option<pattern::Matcher>,
    kind: Option<NodeType>,
    time: Option<TimeRange>,
    size: Option<SizeRange>,
}

impl Filter {
    fn admits(&self, n: &Node) -> bool {
        if self.kind.is_some_and(|k| k != n.kind) {
            return false;
        }
        if let Some(m) = &self.name {
            // Roots and undecryptable nodes have no name: only `*`-like patterns take them.
            if !m.matches(n.name.as_deref().unwrap_or("")) {
                return false;
            }
        }
        if let Some(r) = &self.size {
            if !n.is_file()
                || r.min.is_some_and(|m| n.size < m)
                || r.max.is_some_and(|m| n.size > m)
            {
                return false;
            }
        }
        if let Some(r) = &self.time {
            let when = n
                .mtime()
                .and_then(|m| i64::try_from(m).ok())
                .unwrap_or(n.ts);
            if r.after.is_some_and(|a| when <= a) || r.before.is_some_and(|b| when >= b) {
                return false;
            }
        }
        true
    }
}

enum Out {
    Plain { handles: bool },
    OnlyHandles,
    Long { handles: bool, opts: Opts },
    Json { first: bool },
}

/// The cache's share keys, read before the walk (which holds the connection), so exported
/// folders show their links.
type FolderKeys = [(String, crate::crypto::Key128)];

impl Out {
    /// Print one match: `shown` is its display path, `abs` its absolute path.
    fn emit(
        &mut self,
        ui: &mut Ui,
        n: &Node,
        shown: &str,
        abs: &str,
        ph: Option<String>,
        keys: &FolderKeys,
    ) -> Result<(), CmdError> {
        let handle = |on: bool| {
            if on {
                format!(" <H:{}>", n.handle)
            } else {
                String::new()
            }
        };
        match self {
            Out::Plain { handles } => {
                ui.line(format!("{}{}", terminal_safe(shown), handle(*handles)))
            }
            Out::OnlyHandles => ui.line(format!("H:{}", n.handle)),
            Out::Long { handles, opts } => ui.line(format!(
                "{}{} ({})",
                terminal_safe(shown),
                handle(*handles),
                extra_info_with(n, ph, opts, keys)
            )),
            Out::Json { first } => {
                if !std::mem::replace(first, false) {
                    ui.raw(",")?;
                }
                ui.raw(&node_json_with(n, abs, ph, keys).to_string())
            }
        }
    }
}

/// `base/rel`, where `base` is a display or absolute path (`.` for the current folder).
fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let pcre = args.has("use-pcre");
    let filter = Filter {
        name: args
            .value("pattern")
            .map(|p| pattern::Matcher::new(p, pcre))
            .transpose()?,
        kind: match args.value("type") {
            None => None,
            Some("d") => Some(NodeType::Folder),
            Some("f") => Some(NodeType::File),
            Some(t) => return Err(CmdError::Args(format!("Invalid type: {t}. Use d or f"))),
        },
        time: args
            .value("mtime")
            .map(|t| parse_mtime(t, Local::now()))
            .transpose()?,
        size: args.value("size").map(parse_size).transpose()?,
    };
    // Only link expiry times would use it, and megash's cache keeps none; checked anyway.
    let time = TimeFormat::from_option(args.value("time-format"), TimeFormat::rfc2822())?;
    let handles = args.has("show-handles");
    let mut out = if args.has("json") {
        Out::Json { first: true }
    } else if args.has("print-only-handles") {
        Out::OnlyHandles
    } else if args.has("l") {
        Out::Long {
            handles,
            opts: Opts::extra_info(false, time),
        }
    } else {
        Out::Plain { handles }
    };
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    // Resolve every operand first, so a bad path fails before any output.
    let mut starts = Vec::new();
    if args.operands.is_empty() {
        let cwd = acct.cwd()?.ok_or_else(|| remote::not_found("."))?;
        starts.push((cwd, ".".to_string()));
    }
    for p in &args.operands {
        let absolute = p.starts_with('/') || p.contains("..");
        for n in pattern::resolve(acct, p, pcre)? {
            let base = if absolute {
                remote::abs_path(acct, &n)?
            } else {
                remote::display_path(acct, &n)?
            };
            starts.push((n, base));
        }
    }
    let keys = acct.cache.share_keys()?;
    let ui = &mut *ctx.ui;
    if matches!(out, Out::Json { .. }) {
        ui.raw("{\"results\":[")?;
    }
    for (start, base) in &starts {
        let abs_base = remote::abs_path(acct, start)?;
        if filter.admits(start) {
            let ph = acct.cache.public_handle(start.handle)?;
            out.emit(ui, start, base, &abs_base, ph, &keys)?;
        }
        if !start.kind.is_container() {
            continue;
        }
        acct.cache
            .walk_descendants(start.handle, |n, rel, ph| -> Result<bool, CmdError> {
                if filter.admits(&n) {
                    out.emit(
                        ui,
                        &n,
                        &remote::join(base, rel),
                        &remote::join(&abs_base, rel),
                        ph,
                        &keys,
                    )?;
                }
                Ok(true)
            })?;
    }
    if matches!(out, Out::Json { .. }) {
        ui.raw("]}\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn size_constraints() {
        let r = parse_size("-4M+100K").unwrap();
        assert_eq!(r.max, Some(4 << 20));
        assert_eq!(r.min, Some(100 << 10));
        let r = parse_size("+1K512b").unwrap();
        assert_eq!(
            r,
            SizeRange {
                min: Some(1536),
                max: None
            }
        );
        for bad in [
            "", "4M", "-4", "-4X", "-4M-1K", "+1K+2K", "-M", "-1.5M", "+",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert!(parse_size("+99999999999T").is_err());
    }

    #[test]
    fn time_constraints() {
        let now = Local.with_ymd_and_hms(2024, 3, 31, 12, 0, 0).unwrap();
        let t = now.timestamp();
        let r = parse_mtime("-3d+1h", now).unwrap();
        assert_eq!(r.after, Some(t - 3 * 86_400));
        assert_eq!(r.before, Some(t - 3_600));
        let r = parse_mtime("+1d12h", now).unwrap();
        assert_eq!(
            r,
            TimeRange {
                after: None,
                before: Some(t - 36 * 3_600)
            }
        );
        // Months and years go by the calendar: 31 March less a month is 29 February.
        let r = parse_mtime("-1m", now).unwrap();
        let feb = Local.with_ymd_and_hms(2024, 2, 29, 12, 0, 0).unwrap();
        assert_eq!(r.after, Some(feb.timestamp()));
        let r = parse_mtime("-1y2M30s", now).unwrap();
        let y = Local.with_ymd_and_hms(2023, 3, 31, 11, 57, 30).unwrap();
        assert_eq!(r.after, Some(y.timestamp()));
        for bad in ["", "3d", "-3", "-3x", "-d", "+1h+2h", "-99999999999y"] {
            assert!(parse_mtime(bad, now).is_err(), "{bad}");
        }
    }
}
