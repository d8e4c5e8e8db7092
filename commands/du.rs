//! `du`: the bytes used under remote paths, in MEGAcmd's layout (megacmd.md §3.5): a
//! `FILENAME`/`SIZE` header, one `<path>:` row per path, a line of dashes and
//! `Total storage used:`. Sums are computed in SQLite (`subtree_totals`); the tree is never
//! loaded. `--json` prints one document instead.

use serde_json::json;

use super::{pattern, remote, Args, Command, Ctx, Flag, Operand};
use crate::api::Node;
use crate::error::CmdError;
use crate::ui::{size_to_text, terminal_safe};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "du",
    aliases: &[],
    summary: "Print the size used by remote files and folders",
    usage: "[-h] [--versions] [--path-display-size=N] [--use-pcre] [--json] [remotepath...]",
    flags: &[
        Flag::short('h', "Human-readable sizes"),
        Flag::long("versions", "Also count the size of previous versions"),
        Flag::opt("path-display-size", "N", "Width of the path column"),
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
    run: Some(run),
};

/// The path column's width: `--path-display-size=N`, else MEGAcmd's `min(50, width - 22)`.
fn path_width(args: &Args) -> Result<usize, CmdError> {
    if let Some(v) = args.value("path-display-size") {
        return v
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| CmdError::Args(format!("Invalid path display size: {v}")));
    }
    let cols = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(80);
    Ok(cols.saturating_sub(22).clamp(10, 50))
}

fn bytes_of(acct: &crate::account::Account, n: &Node) -> Result<u64, CmdError> {
    Ok(if n.is_file() {
        n.size
    } else {
        acct.cache.subtree_totals(n.handle)?.bytes
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
    let mut rows = Vec::new();
    for p in operands {
        for n in pattern::resolve(acct, p, pcre)? {
            let bytes = bytes_of(acct, &n)?;
            rows.push((n, bytes));
        }
    }
    let total: u64 = rows.iter().map(|(_, b)| b).sum();
    let ui = &mut *ctx.ui;
    if args.has("json") {
        let mut out = Vec::new();
        for (n, bytes) in &rows {
            out.push(json!({
                "path": remote::abs_path(acct, n)?,
                "handle": format!("H:{}", n.handle),
                "bytes": bytes,
            }));
        }
        return ui.line(json!({ "results": out, "total_bytes": total }));
    }
    // Without version history in the cache, the size with versions is the size.
    let size = |b: u64| {
        let s = size_to_text(b, human, true);
        if versions {
            format!("{s:>12}{s:>12}")
        } else {
            format!("{s:>12}")
        }
    };
    let vers_head = if versions {
        format!("{:>12}", "S.WITH VERS")
    } else {
        String::new()
    };
    ui.line(format!("{:<width$}{:>12}{vers_head}", "FILENAME", "SIZE"))?;
    for (n, bytes) in &rows {
        let shown = format!("{}:", terminal_safe(&remote::display_path(acct, n)?));
        ui.line(format!("{shown:<width$}{}", size(*bytes)))?;
    }
    // MEGAcmd prints a fixed line of 64 dashes whatever the column widths.
    ui.line("-".repeat(64))?;
    ui.line(format!("{:<width$}{}", "Total storage used:", size(total)))
}
