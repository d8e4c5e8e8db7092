//! `dedupe [-r] [--mode=MODE] [--dry-run] [remotepath...]`: names that occur more than once
//! in one folder (MEGA allows that; paths to such names are ambiguous). A megash command
//! modelled on rclone's `dedupe`.
//!
//! - `--mode=list` (default): list each duplicated name with its nodes; changes nothing.
//! - Every other mode first removes identical copies of a file (same size and the same
//!   fingerprint `c`, which covers content checksums and mtime), keeping the oldest upload;
//!   then, for the differing files that remain:
//!   `skip` leaves them; `first` keeps the one uploaded first; `newest`/`oldest` keep the one
//!   with the latest/earliest modification time (a tie: the later/earlier upload, and
//!   within one second the higher/lower handle); `largest`/`smallest` by size; `rename`
//!   keeps the first and renames the others `NAME (1).EXT`, `NAME (2).EXT`, … (names not
//!   already taken in the folder).
//! - Folders of one name are merged (the later ones' contents moved into the first, the
//!   emptied folders deleted) in every mode but `list`, `skip` and `rename`; `rename`
//!   renames them like files. A file and a folder of one name are only separated by `rename`.
//! - Removed files go to the rubbish bin (recoverable), or are deleted for good when they
//!   already are in it.
//! - `-r` looks in every folder below the given ones; `--dry-run` prints the plan only.

use std::collections::{HashSet, VecDeque};

use super::remote::{self, name_of};
use super::timefmt::TimeFormat;
use super::write::{finish, root_kind};
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::account::Account;
use crate::api::{Handle, Node, NodeType};
use crate::error::CmdError;
use crate::ui::{terminal_safe, Ui};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "dedupe",
    aliases: &[],
    summary: "List, and with --mode resolve, names that occur twice in one remote folder",
    usage: "[-r] [--mode=MODE] [--dry-run] [remotepath...]",
    flags: &[
        Flag::short('r', "Also look in every folder below"),
        Flag::opt(
            "mode",
            "MODE",
            "list (default), skip, first, newest, oldest, largest, smallest or rename",
        ),
        Flag::long("dry-run", "Say what would be done without doing it"),
    ],
    min_args: 0,
    max_args: None,
    needs_login: true,
    operands: Operand::RemoteDir,
    writes: Writes::When(writes),
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    List,
    Skip,
    First,
    Newest,
    Oldest,
    Largest,
    Smallest,
    Rename,
}

impl Mode {
    fn parse(v: Option<&str>) -> Result<Mode, CmdError> {
        Ok(match v.map(str::to_ascii_lowercase).as_deref() {
            None | Some("list") => Mode::List,
            Some("skip") => Mode::Skip,
            Some("first") => Mode::First,
            Some("newest") => Mode::Newest,
            Some("oldest") => Mode::Oldest,
            Some("largest") => Mode::Largest,
            Some("smallest") => Mode::Smallest,
            Some("rename") => Mode::Rename,
            Some(_) => {
                return Err(CmdError::Args(format!(
                    "Invalid dedupe mode: {}; one of list, skip, first, newest, oldest, largest, smallest, rename",
                    terminal_safe(v.unwrap_or_default())
                )))
            }
        })
    }
}

/// One change to a duplicate.
enum Action {
    Keep(Node),
    Remove { node: Node, why: String },
    Rename { node: Node, to: String },
    Merge { from: Node, into: Node },
}

/// Creation order: the node that was there first.
fn first_key(n: &Node) -> (i64, Handle) {
    (n.ts, n.handle)
}

/// Modification time, or creation time when the node has no fingerprint.
fn mtime(n: &Node) -> i64 {
    n.mtime().map_or(n.ts, |m| m as i64)
}

/// `a.txt` -> `a (1).txt`; folders and names without an extension get the suffix at the end.
fn numbered(name: &str, i: usize, is_file: bool) -> String {
    match name.rfind('.') {
        Some(dot) if is_file && dot > 0 => format!("{} ({i}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({i})"),
    }
}

/// The actions for one group of same-named nodes.
fn plan(group: &[Node], mode: Mode, taken: &mut HashSet<String>) -> Vec<Action> {
    let mut actions = Vec::new();
    let mut files: Vec<Node> = group.iter().filter(|n| n.is_file()).cloned().collect();
    let mut folders: Vec<Node> = group.iter().filter(|n| !n.is_file()).cloned().collect();
    files.sort_by_key(first_key);
    folders.sort_by_key(first_key);
    // Identical copies first: same size and fingerprint.
    let mut distinct: Vec<Node> = Vec::new();
    for f in files {
        let twin = distinct.iter().find(|d| {
            f.fingerprint.is_some() && d.fingerprint == f.fingerprint && d.size == f.size
        });
        match twin {
            Some(d) => actions.push(Action::Remove {
                why: format!("identical to H:{}", d.handle),
                node: f,
            }),
            None => distinct.push(f),
        }
    }
    if mode == Mode::Rename {
        let mut all: Vec<Node> = distinct.into_iter().chain(folders).collect();
        all.sort_by_key(first_key);
        let mut it = all.into_iter();
        if let Some(keep) = it.next() {
            actions.push(Action::Keep(keep));
        }
        for n in it {
            let name = n.name.clone().unwrap_or_default();
            let mut i = 1;
            let to = loop {
                let candidate = numbered(&name, i, n.is_file());
                if !taken.contains(&candidate) {
                    break candidate;
                }
                i += 1;
            };
            taken.insert(to.clone());
            actions.push(Action::Rename { node: n, to });
        }
        return actions;
    }
    if distinct.len() > 1 && mode != Mode::Skip {
        let best = match mode {
            // Ties (one mtime) go to the later upload, then to the higher handle: MEGA keeps
            // upload times in whole seconds, so two uploads of one second are ordered by
            // handle, which is arbitrary but stable.
            Mode::Newest => distinct.iter().max_by_key(|n| (mtime(n), first_key(n))),
            Mode::Oldest => distinct.iter().min_by_key(|n| (mtime(n), first_key(n))),
            Mode::Largest => distinct
                .iter()
                .max_by_key(|n| (n.size, std::cmp::Reverse(first_key(n)))),
            Mode::Smallest => distinct.iter().min_by_key(|n| (n.size, first_key(n))),
            _ => distinct.first(),
        }
        .map(|n| n.handle);
        let why = format!("not the {} one", format!("{mode:?}").to_lowercase());
        for n in distinct {
            if Some(n.handle) == best {
                actions.push(Action::Keep(n));
            } else {
                actions.push(Action::Remove {
                    node: n,
                    why: why.clone(),
                });
            }
        }
    } else {
        actions.extend(distinct.into_iter().map(Action::Keep));
    }
    if folders.len() > 1 && mode != Mode::Skip {
        let mut it = folders.into_iter();
        if let Some(into) = it.next() {
            for from in it {
                actions.push(Action::Merge {
                    from,
                    into: into.clone(),
                });
            }
            actions.push(Action::Keep(into));
        }
    } else {
        actions.extend(folders.into_iter().map(Action::Keep));
    }
    actions
}

/// Listing and dry runs only read.
fn writes(args: &Args) -> bool {
    !args.has("dry-run")
        && args
            .value("mode")
            .is_some_and(|m| !m.eq_ignore_ascii_case("list"))
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let mode = Mode::parse(args.value("mode"))?;
    let dry = args.has("dry-run");
    let recursive = args.has("r");
    ctx.synced()?;
    let mut errors = Vec::new();
    let mut queue: VecDeque<Handle> = VecDeque::new();
    {
        let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
        if args.operands.is_empty() {
            queue.extend(acct.cwd_handle()?);
        }
        for p in &args.operands {
            match remote::resolve_pattern(acct, p) {
                Ok(nodes) => {
                    for n in nodes {
                        if n.kind.is_container() {
                            queue.push_back(n.handle);
                        } else {
                            errors.push(CmdError::InvalidType(format!(
                                "Not a valid folder: {}",
                                terminal_safe(p)
                            )));
                        }
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    }
    let time = TimeFormat::short();
    let mut seen = HashSet::new();
    while let Some(folder) = queue.pop_front() {
        if !seen.insert(folder) {
            continue;
        }
        let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
        let Some(folder_node) = acct.cache.node(folder)? else {
            continue;
        };
        let children = acct.cache.children(folder)?;
        let mut taken: HashSet<String> = children.iter().filter_map(|c| c.name.clone()).collect();
        let mut groups: Vec<Vec<Node>> = Vec::new();
        for c in children {
            if c.name.is_none() {
                continue;
            }
            match groups.last_mut() {
                Some(g) if g[0].name == c.name => g.push(c),
                _ => groups.push(vec![c]),
            }
        }
        for g in groups.into_iter().filter(|g| g.len() > 1) {
            let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
            let path = remote::display_path(acct, &g[0])?;
            let ui: &mut Ui = ctx.ui;
            ui.line(format!("{}: {} nodes", terminal_safe(&path), g.len()))?;
            if mode == Mode::List {
                for n in &g {
                    let (kind, size) = if n.is_file() {
                        ("file", n.size.to_string())
                    } else {
                        ("folder", "-".to_string())
                    };
                    ui.line(format!(
                        "\tH:{} {kind:<6} {size:>12} {}",
                        n.handle,
                        time.render(mtime(n))
                    ))?;
                }
                continue;
            }
            let actions = plan(&g, mode, &mut taken);
            let would = if dry { "would " } else { "" };
            for a in &actions {
                let line = match a {
                    Action::Keep(n) => format!("\t{would}keep H:{}", n.handle),
                    Action::Remove { node, why } => {
                        format!("\t{would}remove H:{} ({why})", node.handle)
                    }
                    Action::Rename { node, to } => format!(
                        "\t{would}rename H:{} to \"{}\"",
                        node.handle,
                        terminal_safe(to)
                    ),
                    Action::Merge { from, into } => {
                        format!("\t{would}merge H:{} into H:{}", from.handle, into.handle)
                    }
                };
                ui.line(line)?;
            }
            if dry {
                continue;
            }
            for a in actions {
                let r = apply(ctx, &folder_node, a);
                match r {
                    Err(e @ CmdError::Interrupted) => return Err(e),
                    Err(e) => errors.push(e),
                    Ok(()) => {}
                }
            }
        }
        if recursive {
            let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
            for c in acct.cache.children(folder)? {
                if c.kind.is_container() {
                    queue.push_back(c.handle);
                }
            }
        }
    }
    finish(ctx.ui, errors)
}

/// Carry out one action (the cache is caught up after each).
fn apply(ctx: &mut Ctx<'_>, folder: &Node, action: Action) -> Result<(), CmdError> {
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    match action {
        Action::Keep(_) => Ok(()),
        Action::Remove { node, .. } => {
            let in_bin = root_kind(acct, folder)? == Some(NodeType::Rubbish);
            let bin = acct
                .cache
                .root_of(NodeType::Rubbish)?
                .ok_or_else(|| CmdError::NoFetch("No rubbish bin in the account".into()))?;
            ctx.online(async |acct: &mut Account| {
                let client = acct.client().await?;
                if in_bin {
                    client.delete(node.handle).await
                } else {
                    client.move_node(node.handle, bin.handle).await
                }
                .map_err(|e| CmdError::api("remove duplicate", e))?;
                acct.refresh().await?;
                Ok(())
            })
        }
        Action::Rename { node, to } => ctx.online(async |acct: &mut Account| {
            let client = acct.client().await?;
            client
                .rename(&node, &to)
                .await
                .map_err(|e| CmdError::api("rename node", e))?;
            acct.refresh().await?;
            Ok(())
        }),
        Action::Merge { from, into } => {
            let kids = acct.cache.children(from.handle)?;
            ctx.online(async |acct: &mut Account| {
                let client = acct.client().await?;
                let handles: Vec<Handle> = kids.iter().map(|k| k.handle).collect();
                let moved = client
                    .move_nodes(&handles, into.handle)
                    .await
                    .map_err(|e| CmdError::api("move node", e))?;
                // A child that did not move keeps its folder alive.
                if let Some(Err(code)) = moved.into_iter().find(Result::is_err) {
                    acct.refresh().await?;
                    return Err(CmdError::api("move node", crate::api::Error::Mega(code)));
                }
                client
                    .delete(from.handle)
                    .await
                    .map_err(|e| CmdError::api("delete the merged folder", e))?;
                acct.refresh().await?;
                Ok(())
            })
            .map_err(|e| match e {
                CmdError::Api { action, source } => CmdError::Api {
                    action: format!("{action} while merging {}", name_of(&from)),
                    source,
                },
                other => other,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_keeps_the_extension() {
        assert_eq!(numbered("a.txt", 1, true), "a (1).txt");
        assert_eq!(numbered("a.tar.gz", 2, true), "a.tar (2).gz");
        assert_eq!(numbered(".bashrc", 1, true), ".bashrc (1)");
        assert_eq!(numbered("v1.0", 1, false), "v1.0 (1)");
        assert!(Mode::parse(Some("bogus")).is_err());
        assert_eq!(Mode::parse(None).ok(), Some(Mode::List));
    }

    fn file(h: u8, ts: i64, content: &str) -> Node {
        Node {
            handle: crate::api::Handle([h; 6]),
            parent: None,
            owner: None,
            kind: crate::api::NodeType::File,
            size: 1,
            ts,
            key: None,
            name: Some("dup.txt".into()),
            fingerprint: Some(content.into()),
            other_attrs: None,
            file_attrs: None,
            share: None,
            problem: None,
        }
    }

    fn kept(actions: &[Action]) -> Vec<crate::api::Handle> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Keep(n) => Some(n.handle),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn newest_keeps_the_later_of_two_uploads_in_one_second() {
        // Same mtime (no `c` mtime here: upload time stands in), same second: the handle
        // breaks the tie, whichever order the nodes come in.
        let (a, b) = (file(1, 100, "x"), file(2, 100, "y"));
        for group in [vec![a.clone(), b.clone()], vec![b.clone(), a.clone()]] {
            let newest = plan(&group, Mode::Newest, &mut HashSet::new());
            assert_eq!(kept(&newest), vec![b.handle]);
            let oldest = plan(&group, Mode::Oldest, &mut HashSet::new());
            assert_eq!(kept(&oldest), vec![a.handle]);
        }
        let later = file(0, 101, "z");
        let newest = plan(&[later.clone(), b], Mode::Newest, &mut HashSet::new());
        assert_eq!(kept(&newest), vec![later.handle]);
    }
}
