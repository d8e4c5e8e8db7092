//! `import LINK [REMOTEPATH]`: copy a file or folder link into the account (default: the
//! current folder). A file link is one `p` with the link's public handle; a folder link is
//! opened anonymously, its tree fetched and decrypted with the link key, and copied with one
//! `p` whose nodes carry the source handles and keys re-wrapped with our master key, as MEGA's
//! clients import. A link to a node inside a folder link imports just that node.

use super::{remote, Args, Command, Ctx, Operand, Writes};
use crate::api::link::{self, Inner, PublicLink};
use crate::api::{Handle, Node};
use crate::error::CmdError;
use crate::ui::terminal_safe;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "import",
    aliases: &[],
    summary: "Import the contents of a file or folder link into the account",
    usage: "link [remotepath]",
    flags: &[],
    min_args: 1,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::RemoteDir,
    writes: Writes::Yes,
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let text = &args.operands[0];
    let parsed = link::parse(text).map_err(|e| CmdError::Args(format!("Invalid link: {e}")))?;
    let acct = ctx.synced()?;
    let target = match args.operands.get(1) {
        Some(p) => remote::resolve_one(acct, p)?,
        None => acct
            .cwd()?
            .ok_or_else(|| CmdError::NoFetch("No current folder".into()))?,
    };
    if !target.kind.is_container() {
        return Err(CmdError::InvalidType(format!(
            "{} is not a folder",
            terminal_safe(args.operands.get(1).map_or(".", String::as_str))
        )));
    }
    let no_key = || CmdError::Args("Invalid link: the link has no key (the part after #)".into());
    let top = match parsed {
        PublicLink::File { handle, key } => {
            let key = key.ok_or_else(no_key)?;
            ctx.online(async |a| {
                let c = a.client().await?;
                let n = c
                    .import_file_link(target.handle, &handle, &key)
                    .await
                    .map_err(|e| link_error(e, "import the file link"))?;
                a.refresh().await?;
                Ok(n)
            })?
        }
        PublicLink::Folder { handle, key, inner } => {
            let key = key.ok_or_else(no_key)?;
            let api_url = crate::session::api_url(Some(&ctx.account()?.saved))?;
            let nodes = ctx.block_on(link_tree(&api_url, &handle, key, inner.as_ref()))??;
            ctx.online(async |a| {
                let c = a.client().await?;
                let new = c
                    .copy_tree(target.handle, &nodes, None)
                    .await
                    .map_err(|e| CmdError::api("import the folder link", e))?;
                a.refresh().await?;
                new.into_iter()
                    .next()
                    .ok_or_else(|| CmdError::Unexpected("the server created nothing".into()))
            })?
        }
    };
    let acct = ctx.account()?;
    let path = remote::abs_path(acct, &top).unwrap_or_else(|_| remote::name_of(&top));
    if top.is_file() {
        ctx.ui
            .line(format!("Import file complete: {}", terminal_safe(&path)))
    } else {
        ctx.ui.line(format!(
            "Imported folder complete: {}",
            terminal_safe(&path)
        ))
    }
}

fn link_error(e: crate::api::Error, action: &str) -> CmdError {
    match e.mega_code() {
        Some(crate::api::ErrorCode::ENoent) => CmdError::NotFound(
            "Invalid link: the link does not exist or was removed (MEGA answers -9)".into(),
        ),
        _ if matches!(e, crate::api::Error::Crypto(_)) => CmdError::Args(
            "Invalid link: the key does not decrypt this file (wrong key in the link)".into(),
        ),
        _ => CmdError::api(action, e),
    }
}

/// The nodes of a folder link (or of the node a link points at inside it), top first and
/// parents before children, decrypted with the link key.
async fn link_tree(
    api_url: &str,
    handle: &str,
    key: crate::crypto::Key128,
    inner: Option<&Inner>,
) -> Result<Vec<Node>, CmdError> {
    let c = crate::session::client_for(api_url)?;
    c.open_folder_link(handle, key);
    let fetched = c.fetch_nodes().await.map_err(super::login::link_failure)?;
    let nodes = fetched.nodes;
    let top = match inner {
        None => nodes.first().map(|n| n.handle),
        Some(Inner::File(h) | Inner::Folder(h) | Inner::Unknown(h)) => {
            let h = Handle::from_b64(h)
                .map_err(|_| CmdError::Args("Invalid link: bad node handle".into()))?;
            nodes.iter().find(|n| n.handle == h).map(|n| n.handle)
        }
    };
    let top = top.ok_or_else(|| CmdError::NotFound("The link's node was not found".into()))?;
    if nodes.iter().any(|n| n.name.is_none()) {
        return Err(CmdError::Args(
            "Invalid link: the key does not decrypt this folder (wrong key in the link)".into(),
        ));
    }
    // Keep the subtree of `top`, in the fetch's parent-first order.
    let mut keep = std::collections::HashSet::from([top]);
    let mut out = Vec::new();
    for n in nodes {
        if n.handle == top || n.parent.is_some_and(|p| keep.contains(&p)) {
            keep.insert(n.handle);
            out.push(n);
        }
    }
    Ok(out)
}
