//! `ls`: list a remote folder (or show a file) from the node cache, in MEGAcmd's layouts:
//! plain names, `-R` (tab-indented), `--tree` (box drawing), `-l` (flags/versions/size/date
//! table), `-a` extra info, `--show-handles`; `--json` prints one document instead.
//!
//! Only the folder's children are read (an indexed lookup), never the whole tree, so a listing
//! costs the same in a ten-node and a million-node account.

use serde_json::{json, Value};

use super::remote::{self, name_of};
use super::timefmt::TimeFormat;
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::account::Account;
use crate::api::{link, Node, NodeType};
use crate::cache::version_time;
use crate::crypto::keys::NodeKey;
use crate::crypto::Key128;
use crate::error::CmdError;
use crate::ui::{size_to_text, terminal_safe, Ui};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "ls",
    aliases: &[],
    summary: "List files in a remote path",
    usage: "[-R|-r] [-l] [-h] [-a[a]] [--tree] [--show-handles] [--versions] [--show-creation-time] [--time-format=FMT] [--use-pcre] [--json] [remotepath]",
    flags: &[
        Flag::short('R', "List folders recursively"),
        Flag::short('r', "List folders recursively"),
        Flag::short('l', "Long listing: flags, versions, size, date"),
        Flag::short('h', "Human-readable sizes"),
        Flag::short('a', "Extra info (sharing, links); -aa adds the links"),
        Flag::long("tree", "Tree view (implies recursion)"),
        Flag::long("show-handles", "Show node handles (H:XXXXXXXX)"),
        Flag::long("versions", "Show previous versions of files"),
        Flag::long("show-creation-time", "Show creation time instead of modification time"),
        Flag::opt("time-format", "FMT", "Time format: RFC2822, ISO6081, ISO6081_WITH_TIME, SHORT, SHORT_UTC or a strftime string"),
        Flag::long("use-pcre", "Treat patterns as Perl-compatible regular expressions"),
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

pub(super) struct Opts {
    recursive: bool,
    long: bool,
    human: bool,
    extra: usize,
    tree: bool,
    handles: bool,
    ctime: bool,
    time: TimeFormat,
    versions: bool,
}

impl Opts {
    /// The options `tree` (= `ls --tree`) uses.
    pub(super) fn tree(handles: bool) -> Opts {
        Opts {
            recursive: true,
            long: false,
            human: false,
            extra: 0,
            tree: true,
            handles,
            ctime: false,
            time: TimeFormat::short(),
            versions: false,
        }
    }

    /// The options behind `find -l` lines (`ls -aaa` style `(size, …)` info).
    pub(super) fn extra_info(human: bool, time: TimeFormat) -> Opts {
        Opts {
            recursive: false,
            long: false,
            human,
            extra: 3,
            tree: false,
            handles: false,
            ctime: false,
            time,
            versions: false,
        }
    }
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let o = Opts {
        recursive: args.has("R") || args.has("r") || args.has("tree"),
        long: args.has("l"),
        human: args.has("h"),
        extra: args.count("a"),
        tree: args.has("tree") && !args.has("l"),
        handles: args.has("show-handles"),
        ctime: args.has("show-creation-time"),
        time: TimeFormat::from_option(args.value("time-format"), TimeFormat::short())?,
        versions: args.has("versions"),
    };
    // MEGAcmd uses only the first operand.
    let given = args.operands.first().map(String::as_str);
    list(ctx, given, &o, args.has("use-pcre"), args.has("json"))
}

/// The listing of `given` (the current folder when `None`); `tree` is this with
/// [`Opts::tree`].
pub(super) fn list(
    ctx: &mut Ctx<'_>,
    given: Option<&str>,
    o: &Opts,
    pcre: bool,
    json: bool,
) -> Result<(), CmdError> {
    ctx.synced()?;
    let Some(acct) = ctx.state.account.as_ref() else {
        return Err(CmdError::NotLoggedIn);
    };
    let targets = match given {
        Some(p) => super::pattern::resolve(acct, p, pcre)?,
        None => acct.cwd()?.into_iter().collect(),
    };
    let ui: &mut Ui = ctx.ui;
    if json {
        return print_json(acct, ui, given, &targets, o);
    }
    let pattern = given.is_some_and(|p| super::pattern::is_pattern(p, pcre));
    if o.long {
        ui.line(header(o))?;
    }
    for (i, t) in targets.iter().enumerate() {
        if t.kind.is_container() {
            if pattern {
                if i > 0 {
                    ui.line("")?;
                }
                ui.line(format!(
                    "{}: ",
                    terminal_safe(&remote::display_path(acct, t)?)
                ))?;
            }
            if o.tree {
                // A pattern's matches have their `PATH: ` heading instead (as MEGAcmd).
                if !pattern {
                    ui.line(terminal_safe(given.unwrap_or(".")))?;
                }
                print_tree(acct, ui, t, "", o)?;
            } else if o.long && o.recursive {
                print_long_recursive(acct, ui, t, o)?;
            } else {
                print_children(acct, ui, t, 0, o)?;
            }
        } else {
            // A file operand shows the file, by its path when the operand had one.
            let shown = match given {
                Some(p) if p.contains('/') && !pattern => remote::display_path(acct, t)?,
                _ => name_of(t),
            };
            print_entry(acct, ui, t, &shown, 0, o)?;
        }
    }
    Ok(())
}

/// Folders first, then by name: MEGAcmd's default order.
fn sorted(mut nodes: Vec<Node>) -> Vec<Node> {
    nodes.sort_by(|a, b| {
        b.kind
            .is_container()
            .cmp(&a.kind.is_container())
            .then_with(|| {
                let (x, y) = (
                    a.name.as_deref().unwrap_or(""),
                    b.name.as_deref().unwrap_or(""),
                );
                x.to_lowercase().cmp(&y.to_lowercase()).then(x.cmp(y))
            })
            .then(a.handle.cmp(&b.handle))
    });
    nodes
}

fn children(acct: &Account, n: &Node) -> Result<Vec<Node>, CmdError> {
    Ok(sorted(acct.cache.children(n.handle)?))
}

fn print_children(
    acct: &Account,
    ui: &mut Ui,
    folder: &Node,
    depth: usize,
    o: &Opts,
) -> Result<(), CmdError> {
    for c in children(acct, folder)? {
        print_entry(acct, ui, &c, &name_of(&c), depth, o)?;
        if o.recursive && c.kind.is_container() {
            print_children(acct, ui, &c, depth + 1, o)?;
        }
    }
    Ok(())
}

fn print_long_recursive(
    acct: &Account,
    ui: &mut Ui,
    folder: &Node,
    o: &Opts,
) -> Result<(), CmdError> {
    let mut stack = vec![folder.clone()];
    let mut first = true;
    while let Some(f) = stack.pop() {
        if !first {
            ui.line("")?;
        }
        first = false;
        ui.line(format!(
            "{}:",
            terminal_safe(&remote::display_path(acct, &f)?)
        ))?;
        let kids = children(acct, &f)?;
        for c in &kids {
            print_entry(acct, ui, c, &name_of(c), 0, o)?;
        }
        stack.extend(kids.into_iter().filter(|c| c.kind.is_container()).rev());
    }
    Ok(())
}

fn print_tree(
    acct: &Account,
    ui: &mut Ui,
    folder: &Node,
    prefix: &str,
    o: &Opts,
) -> Result<(), CmdError> {
    let kids = children(acct, folder)?;
    let last = kids.len().saturating_sub(1);
    for (i, c) in kids.iter().enumerate() {
        let (branch, cont) = if i == last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        let mut line = format!("{prefix}{branch}{}", name_of(c));
        line.push_str(&suffix(acct, c, o)?);
        ui.line(line)?;
        if c.kind.is_container() {
            print_tree(acct, ui, c, &format!("{prefix}{cont}"), o)?;
        }
    }
    Ok(())
}

/// ` <H:…>` and ` (…)` after a plain name.
fn suffix(acct: &Account, n: &Node, o: &Opts) -> Result<String, CmdError> {
    let mut s = String::new();
    if o.handles {
        s.push_str(&format!(" <H:{}>", n.handle));
    }
    if o.extra > 0 {
        s.push_str(&format!(" ({})", extra_info(acct, n, o)?));
    }
    Ok(s)
}

fn print_entry(
    acct: &Account,
    ui: &mut Ui,
    n: &Node,
    shown: &str,
    depth: usize,
    o: &Opts,
) -> Result<(), CmdError> {
    if o.long {
        ui.line(long_line(acct, n, shown, o)?)?;
        if o.versions && n.is_file() {
            let older = acct.cache.versions(n.handle)?;
            if !older.is_empty() {
                // MEGAcmd's block: every version, the current one first, named NAME#MTIME.
                ui.line("")?;
                ui.line(format!("Versions of {shown}:"))?;
                let name = name_of(n);
                for v in std::iter::once(n.clone()).chain(older) {
                    let tagged = format!("{name}#{}", version_time(&v));
                    ui.line(long_line(acct, &v, &tagged, o)?)?;
                }
            }
        }
        return Ok(());
    }
    let indent = "\t".repeat(depth);
    ui.line(format!("{indent}{shown}{}", suffix(acct, n, o)?))?;
    if o.versions && n.is_file() {
        let name = name_of(n);
        for v in acct.cache.versions(n.handle)? {
            let when = version_time(&v);
            // MEGAcmd shows `[NAME]` when the version's name equals the current one's (a
            // comparison that reads as if meant the other way round; kept for scripts).
            let same = if v.name == n.name {
                format!("[{}]", name_of(&v))
            } else {
                String::new()
            };
            let mut line = format!("  {name}#{when}{same} ({})", o.time.render(when));
            if o.extra > 0 {
                line.push_str(&format!(" ({})", size_to_text(v.size, false, false)));
            }
            if o.handles {
                line.push_str(&format!(" <H:{}>", v.handle));
            }
            ui.line(line)?;
        }
    }
    Ok(())
}

fn extra_info(acct: &Account, n: &Node, o: &Opts) -> Result<String, CmdError> {
    let ph = acct.cache.public_handle(n.handle)?;
    let keys = folder_keys(acct, ph.as_deref())?;
    Ok(extra_info_with(n, ph, o, &keys))
}

/// The share keys a folder link needs, read only when `ph` says the node is exported.
fn folder_keys(acct: &Account, ph: Option<&str>) -> Result<Vec<(String, Key128)>, CmdError> {
    Ok(match ph {
        Some(_) => acct.cache.share_keys()?,
        None => Vec::new(),
    })
}

/// The ` (…)` text of `ls -a` for a node whose public handle is already known; `keys` are
/// the cache's share keys ([`crate::cache::Cache::share_keys`]) for folder links.
pub(super) fn extra_info_with(
    n: &Node,
    ph: Option<String>,
    o: &Opts,
    keys: &[(String, Key128)],
) -> String {
    let mut s = match n.kind {
        NodeType::File => size_to_text(n.size, o.human, false),
        NodeType::Folder => "folder".into(),
        NodeType::Root => "root node".into(),
        NodeType::Inbox => "inbox".into(),
        NodeType::Rubbish => "rubbish".into(),
        NodeType::Other(_) => "other".into(),
    };
    if let Some(share) = &n.share {
        let level = match share.access {
            0 => "read",
            1 => "read/write",
            _ => "full access",
        };
        s.push_str(&format!(", inbound {level} share"));
    }
    if let Some(ph) = ph {
        let kind = if n.is_file() { "file" } else { "folder" };
        s.push_str(&format!(", shared as exported permanent {kind} link"));
        if o.extra > 1 {
            if let Some(l) = link_of(n, &ph, keys) {
                s.push_str(&format!(": {l}"));
            }
        }
    }
    s
}

/// The public link of an exported node: a file's from its key, a folder's from the share
/// key the cache keeps for it (`None` when the cache has none).
fn link_of(n: &Node, ph: &str, keys: &[(String, Key128)]) -> Option<String> {
    match &n.key {
        Some(NodeKey::File(k)) => Some(link::file_link(ph, k)),
        Some(NodeKey::Folder(_)) => {
            let h = n.handle.to_b64();
            keys.iter()
                .find(|(sh, _)| *sh == h)
                .map(|(_, k)| link::folder_link(ph, k))
        }
        None => None,
    }
}

fn flags(acct: &Account, n: &Node) -> Result<String, CmdError> {
    let t = match n.kind {
        NodeType::File => '-',
        NodeType::Folder => 'd',
        NodeType::Root => 'r',
        NodeType::Inbox => 'i',
        NodeType::Rubbish => 'b',
        NodeType::Other(_) => 'x',
    };
    let exported = acct.cache.public_handle(n.handle)?.is_some();
    let share = if n.share.is_some() { 'i' } else { '-' };
    Ok(if exported {
        format!("{t}ep{share}")
    } else {
        format!("{t}--{share}")
    })
}

fn header(o: &Opts) -> String {
    let date_w = o.time.width().max(4);
    let handle = if o.handles { "   HANDLE" } else { "" };
    format!(
        "FLAGS VERS{:>10}{:>w$}{handle}       NAME",
        "SIZE",
        "DATE",
        w = date_w.saturating_sub(2).max(4)
    )
}

fn long_line(acct: &Account, n: &Node, shown: &str, o: &Opts) -> Result<String, CmdError> {
    let file = n.is_file();
    // Versions including the current one, as MEGAcmd counts them (capped at `>999`).
    let vers = if file {
        match acct.cache.versions(n.handle)?.len() + 1 {
            c if c > 999 => ">999".to_string(),
            c => c.to_string(),
        }
    } else {
        "-".to_string()
    };
    let size = if file {
        size_to_text(n.size, o.human, true)
    } else {
        "-".into()
    };
    let when = if file && !o.ctime {
        n.mtime().map(|m| m as i64).unwrap_or(n.ts)
    } else {
        n.ts
    };
    let handle = if o.handles {
        format!(" H:{}", n.handle)
    } else {
        String::new()
    };
    Ok(format!(
        "{} {vers:>4} {size:>12} {}{handle} {shown}",
        flags(acct, n)?,
        o.time.render(when)
    ))
}

pub(super) fn kind_name(k: NodeType) -> &'static str {
    match k {
        NodeType::File => "file",
        NodeType::Folder => "folder",
        NodeType::Root => "root",
        NodeType::Inbox => "inbox",
        NodeType::Rubbish => "rubbish",
        NodeType::Other(_) => "other",
    }
}

/// One node as JSON (fields documented in README: name, path, handle, type, size, mtime,
/// ctime, exported, link, problem).
pub fn node_json(acct: &Account, n: &Node) -> Result<Value, CmdError> {
    let ph = acct.cache.public_handle(n.handle)?;
    let keys = folder_keys(acct, ph.as_deref())?;
    Ok(node_json_with(n, &remote::abs_path(acct, n)?, ph, &keys))
}

/// [`node_json`] for a node whose absolute path and public handle are already known
/// (`keys`: the cache's share keys, for folder links).
pub fn node_json_with(
    n: &Node,
    path: &str,
    ph: Option<String>,
    keys: &[(String, Key128)],
) -> Value {
    json!({
        "name": n.name,
        "path": path,
        "handle": format!("H:{}", n.handle),
        "type": kind_name(n.kind),
        "size": if n.is_file() { Some(n.size) } else { None },
        "mtime": n.mtime(),
        "ctime": n.ts,
        "exported": ph.is_some(),
        "link": ph.as_deref().and_then(|p| link_of(n, p, keys)),
        "undecryptable": n.name.is_none() && !n.kind.is_root(),
    })
}

/// The `--json` document, written as it is made: with `-R` the descendants stream from the
/// cache one by one (depth first), so a listing of a million nodes never holds them all.
fn print_json(
    acct: &Account,
    ui: &mut Ui,
    given: Option<&str>,
    targets: &[Node],
    o: &Opts,
) -> Result<(), CmdError> {
    let keys = acct.cache.share_keys()?;
    ui.raw(&format!(
        "{{\"query\":{},\"results\":[",
        Value::from(given.unwrap_or("."))
    ))?;
    for (i, t) in targets.iter().enumerate() {
        let doc = node_json(acct, t)?.to_string();
        // The target's object stays open for its "children".
        let open = doc.strip_suffix('}').unwrap_or(&doc);
        ui.raw(&format!(
            "{}{open},\"children\":[",
            if i > 0 { "," } else { "" }
        ))?;
        if t.kind.is_container() {
            let mut first = true;
            let mut emit = |ui: &mut Ui, v: Value| -> Result<(), CmdError> {
                ui.raw(&format!("{}{v}", if first { "" } else { "," }))?;
                first = false;
                Ok(())
            };
            let base = remote::abs_path(acct, t)?;
            if o.recursive {
                acct.cache
                    .walk_descendants(t.handle, |n, rel, ph| -> Result<bool, CmdError> {
                        emit(ui, node_json_with(&n, &remote::join(&base, rel), ph, &keys))?;
                        Ok(true)
                    })?;
            } else {
                // The children's paths extend the folder's, and the share keys are read once.
                for c in &children(acct, t)? {
                    let name = c.name.clone().unwrap_or_else(|| format!("H:{}", c.handle));
                    let ph = acct.cache.public_handle(c.handle)?;
                    emit(
                        ui,
                        node_json_with(c, &remote::join(&base, &name), ph, &keys),
                    )?;
                }
            }
        }
        ui.raw("]}")?;
    }
    ui.raw("]}\n")
}
