//! `find`: nodes below remote paths filtered by name pattern, type, modification time and
//! size (megacmd.md §2.3, §3.6). Paths print relative to the current folder (absolute when
//! the search path started with `/` or held `..`); `-l` adds `ls -a` style info,
//! `--show-handles`/`--print-only-handles` the handles; `--json` prints one document.
//!
//! Descendants are streamed from SQLite one row at a time, so a find over a million-node
//! account holds one node in memory, not the tree.

use chrono::Utc;

use super::ls::{extra_info_with, node_json_with, Opts};
use super::timefmt::TimeFormat;
use super::{pattern, remote, Args, Command, Ctx, Flag, Operand};
use crate::api::Node;
use crate::error::CmdError;
use crate::ui::terminal_safe;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "find",
    aliases: &[],
    summary: "Find remote nodes",
    usage: "[remotepath...] [-l] [--pattern=PATTERN] [--type=d|f] [--mtime=TIMECONSTRAIN] [--size=SIZECONSTRAIN] [--use-pcre] [--time-format=FMT] [--show-handles|--print-only-handles] [--json]",
    flags: &[
        Flag::short('l', "Long listing with size and sharing info"),
        Flag::opt("pattern", "PATTERN", "Only names matching PATTERN (wildcards * and ?)"),
        Flag::opt("type", "d|f", "Only folders (d) or files (f)"),
        Flag::opt("mtime", "TIMECONSTRAIN", "Modification time bounds, e.g. -3d+1h"),
        Flag::opt("size", "SIZECONSTRAIN", "Size bounds, e.g. -4M+100K"),
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
    run: Some(run),
};

/// Inclusive-exclusive bounds: `+X` means "more than X", `-X` "less than X".
#[derive(Debug, Default, PartialEq, Eq)]
struct Bounds {
    more_than: Option<u64>,
    less_than: Option<u64>,
}

impl Bounds {
    fn admits(&self, v: u64) -> bool {
        self.more_than.is_none_or(|m| v > m) && self.less_than.is_none_or(|l| v < l)
    }
}

/// `[+-]N<unit>...` pairs, e.g. `-3d+1h` or `-4M+100K`; each sign starts a bound and units
/// within one bound add up (`1d12h`). A bare number without a sign is an exact value (both
/// bounds one apart), as MEGAcmd treats `--size=100`.
fn parse_bounds(text: &str, unit: fn(char) -> Option<u64>, what: &str) -> Result<Bounds, CmdError> {
    let bad = || CmdError::Args(format!("Invalid {what} constraint: {text}"));
    let mut b = Bounds::default();
    let mut sign: Option<char> = None;
    let mut value: u64 = 0;
    let mut num = String::new();
    let mut any = false;
    let mut finish = |sign: Option<char>, value: u64, b: &mut Bounds| match sign {
        Some('+') => b.more_than = Some(value),
        Some('-') => b.less_than = Some(value),
        _ => {
            b.more_than = value.checked_sub(1);
            b.less_than = Some(value.saturating_add(1));
        }
    };
    for c in text.chars() {
        match c {
            '+' | '-' => {
                if !num.is_empty() {
                    return Err(bad());
                }
                if any {
                    finish(sign, value, &mut b);
                }
                sign = Some(c);
                value = 0;
                any = true;
            }
            '0'..='9' => {
                num.push(c);
                any = true;
            }
            c => {
                let u = unit(c).ok_or_else(bad)?;
                let n: u64 = num.parse().map_err(|_| bad())?;
                value = value.saturating_add(n.saturating_mul(u));
                num.clear();
            }
        }
    }
    if !num.is_empty() {
        // A trailing number without unit: seconds or bytes.
        let n: u64 = num.parse().map_err(|_| bad())?;
        value = value.saturating_add(n);
    }
    if !any {
        return Err(bad());
    }
    finish(sign, value, &mut b);
    Ok(b)
}

fn time_unit(c: char) -> Option<u64> {
    Some(match c {
        'y' => 365 * 86_400,
        'm' => 30 * 86_400,
        'd' => 86_400,
        'h' => 3_600,
        'M' => 60,
        's' => 1,
        _ => return None,
    })
}

fn size_unit(c: char) -> Option<u64> {
    Some(match c {
        'B' => 1,
        'K' => 1 << 10,
        'M' => 1 << 20,
        'G' => 1 << 30,
        'T' => 1 << 40,
        _ => return None,
    })
}

struct Filter {
    name: Option<pattern::Matcher>,
    kind: Option<bool>, // Some(true): folders only
    age: Option<Bounds>,
    size: Option<Bounds>,
    now: i64,
}

impl Filter {
    fn admits(&self, n: &Node) -> bool {
        if let Some(folders) = self.kind {
            if n.kind.is_container() != folders {
                return false;
            }
        }
        if let Some(m) = &self.name {
            if !n.name.as_deref().is_some_and(|name| m.matches(name)) {
                return false;
            }
        }
        if let Some(b) = &self.size {
            if !n.is_file() || !b.admits(n.size) {
                return false;
            }
        }
        if let Some(b) = &self.age {
            let when = n.mtime().map(|m| m as i64).unwrap_or(n.ts);
            let age = (self.now - when).max(0) as u64;
            if !b.admits(age) {
                return false;
            }
        }
        true
    }
}

enum Out {
    Plain { handles: bool },
    OnlyHandles,
    Long(Opts),
    Json,
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let pcre = args.has("use-pcre");
    let filter = Filter {
        name: args
            .value("pattern")
            .map(|p| pattern::Matcher::new(p, pcre))
            .transpose()?,
        kind: match args.value("type") {
            None => None,
            Some("d") => Some(true),
            Some("f") => Some(false),
            Some(t) => return Err(CmdError::Args(format!("Invalid type: {t}. Use d or f"))),
        },
        age: args
            .value("mtime")
            .map(|t| parse_bounds(t, time_unit, "time"))
            .transpose()?,
        size: args
            .value("size")
            .map(|t| parse_bounds(t, size_unit, "size"))
            .transpose()?,
        now: Utc::now().timestamp(),
    };
    let time = TimeFormat::from_option(args.value("time-format"), TimeFormat::rfc2822())?;
    let out = if args.has("json") {
        Out::Json
    } else if args.has("print-only-handles") {
        Out::OnlyHandles
    } else if args.has("l") {
        Out::Long(Opts::extra_info(false, time))
    } else {
        Out::Plain {
            handles: args.has("show-handles"),
        }
    };
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let operands: Vec<&str> = if args.operands.is_empty() {
        vec!["."]
    } else {
        args.operands.iter().map(String::as_str).collect()
    };
    // Resolve every operand first so a bad path fails before any output.
    let mut starts = Vec::new();
    for p in &operands {
        for n in pattern::resolve(acct, p, pcre)? {
            let absolute = p.starts_with('/') || p.split('/').any(|c| c == "..");
            let base = if absolute {
                remote::abs_path(acct, &n)?
            } else {
                remote::display_path(acct, &n)?
            };
            starts.push((n, base));
        }
    }
    let ui = &mut *ctx.ui;
    let json = matches!(out, Out::Json);
    if json {
        ui.raw("{\"results\":[")?;
    }
    let mut first = true;
    let mut emit = |ui: &mut crate::ui::Ui,
                    n: &Node,
                    shown: &str,
                    abs: &str,
                    ph: Option<String>|
     -> Result<(), CmdError> {
        match &out {
            Out::Plain { handles } => {
                let h = if *handles {
                    format!(" <H:{}>", n.handle)
                } else {
                    String::new()
                };
                ui.line(format!("{}{h}", terminal_safe(shown)))
            }
            Out::OnlyHandles => ui.line(format!("H:{}", n.handle)),
            Out::Long(o) => ui.line(format!(
                "{} ({})",
                terminal_safe(shown),
                extra_info_with(n, ph, o)
            )),
            Out::Json => {
                if !first {
                    ui.raw(",")?;
                }
                first = false;
                ui.raw(&node_json_with(n, abs, ph).to_string())
            }
        }
    };
    for (start, base) in &starts {
        let abs_base = remote::abs_path(acct, start)?;
        if filter.admits(start) {
            let ph = acct.cache.public_handle(start.handle)?;
            emit(ui, start, base, &abs_base, ph)?;
        }
        if !start.kind.is_container() {
            continue;
        }
        let join = |base: &str, rel: &str| match base {
            "." => rel.to_string(),
            b if b.ends_with('/') => format!("{b}{rel}"),
            b => format!("{b}/{rel}"),
        };
        acct.cache
            .walk_descendants(start.handle, |n, rel, ph| -> Result<bool, CmdError> {
                if filter.admits(&n) {
                    emit(ui, &n, &join(base, rel), &join(&abs_base, rel), ph)?;
                }
                Ok(true)
            })?;
    }
    if json {
        ui.raw("]}\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_and_size_constraints() {
        let b = parse_bounds("-3d+1h", time_unit, "time").unwrap();
        assert_eq!(b.less_than, Some(3 * 86_400));
        assert_eq!(b.more_than, Some(3_600));
        let b = parse_bounds("-4M+100K", size_unit, "size").unwrap();
        assert_eq!(b.less_than, Some(4 << 20));
        assert_eq!(b.more_than, Some(100 << 10));
        let b = parse_bounds("+1d12h", time_unit, "time").unwrap();
        assert_eq!(b.more_than, Some(36 * 3_600));
        assert!(b.admits(36 * 3_600 + 1) && !b.admits(36 * 3_600));
        assert!(parse_bounds("-3x", time_unit, "time").is_err());
        assert!(parse_bounds("", size_unit, "size").is_err());
        assert!(parse_bounds("5-", size_unit, "size").is_err());
    }
}
