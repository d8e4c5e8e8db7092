//! `du`: the bytes used at and below remote paths (default `.`), in MEGAcmd's layout
//! (megacmd.md §3.5): a `FILENAME`/`SIZE` header, one `<path>:` row per path (wildcards or
//! `--use-pcre` regexes give a row per match), a line of dashes and `Total storage used:`.
//! Sums are computed in SQLite (`subtree_totals`); the tree is never loaded. `--json` prints
//! one document instead.

use serde_json::json;

use super::ls::kind_name;
use super::{pattern, remote, Args, Command, Ctx, Flag, Operand, Writes};
use crate::account::Account;
use crate::api::Node;
use crate::cache::Totals;
use crate::error::CmdError;
use crate::ui::{fixed_width, size_to_text, terminal_safe};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "du",
    aliases: &[],
    summary: "Print the size used by remote files and folders",
    usage: "[-h] [--versions] [--path-display-size=N] [--use-pcre] [--json] [remotepath...]",
    flags: &[
        Flag::short('h', "Human-readable sizes"),
        Flag::long(
            "versions",
            "Add the S.WITH VERS column: the size with the files' older versions",
        ),
        Flag::opt(
            "path-display-size",
            "N",
            "Width of the path column (default: terminal width - 13)",
        ),
        Flag::long(
            "use-pcre",
            "Treat patterns as Perl-compatible regular expressions",
        ),
        Flag::long(
            "json",
            "Print one JSON document with stable field names (megash extension)",
        ),
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

/// The path column's width: `--path-display-size=N` (N > 0), else what MEGAcmd's clients ask for,
/// the terminal width less 13 (less 11 more with `--versions`).
fn path_width(args: &Args) -> Result<usize, CmdError> {
    if let Some(v) = args.value("path-display-size") {
        let n = v
            .parse::<usize>()
            .map_err(|_| CmdError::Args(format!("Invalid path display size: {v}")))?;
        // 0 means "the default", as in MEGAcmd.
        if n > 0 {
            return Ok(n);
        }
    }
    let cols = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&w| w >= 20)
        .unwrap_or(80);
    let extra = if args.has("versions") { 11 } else { 0 };
    Ok(cols.saturating_sub(13 + extra).max(10))
}

/// What one path holds, without and with the older versions of its files: a file counts
/// itself, a folder what is below it.
fn totals_of(acct: &Account, n: &Node) -> Result<(Totals, u64), CmdError> {
    Ok(if n.is_file() {
        let older: u64 = acct.cache.versions(n.handle)?.iter().map(|v| v.size).sum();
        let t = Totals {
            files: 1,
            folders: 0,
            bytes: n.size,
        };
        (t, n.size + older)
    } else {
        let with = acct.cache.subtree_totals_with_versions(n.handle)?;
        (acct.cache.subtree_totals(n.handle)?, with.bytes)
    })
}

/// The path MEGAcmd shows for operand `given`: absolute when it was, else relative to the
/// current folder when below it (the current folder itself shows absolute).
fn shown_path(acct: &Account, given: &str, n: &Node) -> Result<String, CmdError> {
    let abs = remote::abs_path(acct, n)?;
    let cwd = acct.cwd_path();
    Ok(if given.starts_with('/') || abs == cwd {
        abs
    } else {
        remote::relative_to(&abs, &cwd)
    })
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let human = args.has("h");
    let versions = args.has("versions");
    let width = path_width(args)?;
    let pcre = args.has("use-pcre");
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let operands: Vec<&str> = if args.operands.is_empty() {
        vec!["."]
    } else {
        args.operands.iter().map(String::as_str).collect()
    };
    // Every operand resolves before anything prints, so a bad one leaves no half table.
    let mut rows = Vec::new();
    for p in operands {
        let found = pattern::resolve(acct, p, pcre).map_err(|e| match e {
            CmdError::NotFound(_) => {
                CmdError::NotFound(format!("{}: No such file or directory", terminal_safe(p)))
            }
            e => e,
        })?;
        for n in found {
            let (totals, with_versions) = totals_of(acct, &n)?;
            let shown = shown_path(acct, p, &n)?;
            rows.push((n, shown, totals, with_versions));
        }
    }
    let total: u64 = rows.iter().map(|(_, _, t, _)| t.bytes).sum();
    let total_with: u64 = rows.iter().map(|(_, _, _, w)| w).sum();
    let ui = &mut *ctx.ui;
    if args.has("json") {
        let mut out = Vec::new();
        for (n, _, t, w) in &rows {
            out.push(json!({
                "path": remote::abs_path(acct, n)?,
                "handle": format!("H:{}", n.handle),
                "type": kind_name(n.kind),
                "bytes": t.bytes,
                "bytes_with_versions": w,
                "files": t.files,
                "folders": t.folders,
            }));
        }
        return ui.line(json!({
            "results": out,
            "total_bytes": total,
            "total_bytes_with_versions": total_with,
        }));
    }
    let size = |b: u64, w: u64| {
        let s = size_to_text(b, human, true);
        if versions {
            format!("{s:>12}{:>12}", size_to_text(w, human, true))
        } else {
            format!("{s:>12}")
        }
    };
    let vers_head = if versions {
        format!("{:>12}", "S.WITH VERS")
    } else {
        String::new()
    };
    ui.line(format!(
        "{}{:>12}{vers_head}",
        fixed_width("FILENAME", width),
        "SIZE"
    ))?;
    for (_, shown, t, w) in &rows {
        let label = fixed_width(&format!("{}:", terminal_safe(shown)), width);
        ui.line(format!("{label}{}", size(t.bytes, *w)))?;
    }
    ui.line("-".repeat(width + 12 + if versions { 12 } else { 0 }))?;
    ui.line(format!(
        "{}{}",
        fixed_width("Total storage used:", width),
        size(total, total_with)
    ))
}

#[cfg(test)]
mod tests {
    use super::fixed_width;

    #[test]
    fn fixed_width_columns() {
        assert_eq!(fixed_width("ab", 5), "ab   ");
        assert_eq!(fixed_width("abcdefghijkl", 10), "abc...ijkl");
        assert_eq!(fixed_width("abcdefghijkl", 11), "abcd...ijkl");
        assert_eq!(fixed_width("äbcdefghijkl", 10).chars().count(), 10);
        assert_eq!(fixed_width("abcdef", 3), "abc");
    }
}
