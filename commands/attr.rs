//! `attr remotepath [-s NAME VALUE | -d NAME | NAME] [--force-non-official]
//! [--print-only-value]`: a node's custom attributes, kept as MEGAcmd keeps them: inside the
//! node's encrypted attributes under `_NAME`, so the MEGA apps leave them alone. With
//! `--force-non-official`, `-s`/`-d` write the name as given (no `_`), e.g. the apps' own
//! `lbl` (label) or `fav` (favourite). Listing shows the custom ones without the `_`, then
//! the other non-standard ones as stored; the name (`n`) and fingerprint (`c`) are ls's.

use serde_json::{Map, Value};

use super::remote;
use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "attr",
    aliases: &[],
    summary: "List, set or delete node attributes",
    usage:
        "remotepath [-s attribute value|-d attribute [--force-non-official]] [--print-only-value]",
    flags: &[
        Flag::short('s', "Set an attribute"),
        Flag::short('d', "Delete an attribute"),
        Flag::long(
            "force-non-official",
            "Set a non-official attribute without the _ prefix",
        ),
        Flag::long("print-only-value", "Print only the value of the attribute"),
    ],
    min_args: 1,
    max_args: Some(3),
    needs_login: true,
    operands: Operand::Remote,
    writes: Writes::When(writes),
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

/// An attribute value as text: strings as they are, anything else as compact JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Setting or deleting an attribute writes; listing reads.
fn writes(args: &Args) -> bool {
    args.has("s") || args.has("d")
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let set = args.has("s");
    let del = args.has("d");
    let usage = || CmdError::Usage {
        problem: None,
        usage: COMMAND.usage_line(),
    };
    let expected = match (set, del) {
        (true, true) => return Err(usage()),
        (true, false) => 3,
        (false, true) => 2,
        (false, false) if args.operands.len() <= 2 => args.operands.len(),
        (false, false) => return Err(usage()),
    };
    if args.operands.len() != expected {
        return Err(usage());
    }
    let path = &args.operands[0];
    let force = args.has("force-non-official");
    ctx.synced()?;
    let acct = ctx.state.account.as_ref().ok_or(CmdError::NotLoggedIn)?;
    let node = remote::resolve_one(acct, path)?;
    if node.kind.is_root() {
        return Err(CmdError::NotPermitted(format!(
            "{}: root folders have no attributes",
            crate::ui::terminal_safe(path)
        )));
    }
    let attrs = node.attributes();
    if !set && !del {
        let ui = &mut *ctx.ui;
        if let Some(name) = args.operands.get(1) {
            let found = attrs.get(&format!("_{name}")).or_else(|| {
                attrs
                    .get(name.as_str())
                    .filter(|_| name != "n" && name != "c")
            });
            let Some(v) = found else {
                return Err(CmdError::NotFound(format!(
                    "Attribute not found: {}",
                    crate::ui::terminal_safe(name)
                )));
            };
            let text = crate::ui::terminal_safe(&value_text(v)).into_owned();
            return if args.has("print-only-value") {
                ui.line(text)
            } else {
                ui.line(format!("\t{} = {text}", crate::ui::terminal_safe(name)))
            };
        }
        let mut custom: Vec<(String, &Value)> = Vec::new();
        let mut other: Vec<(String, &Value)> = Vec::new();
        for (k, v) in &attrs {
            match k.strip_prefix('_') {
                Some(name) => custom.push((name.to_string(), v)),
                None if k != "n" && k != "c" => other.push((k.clone(), v)),
                None => {}
            }
        }
        custom.sort_by(|a, b| a.0.cmp(&b.0));
        other.sort_by(|a, b| a.0.cmp(&b.0));
        ui.line(format!(
            "The node has {} attributes",
            custom.len() + other.len()
        ))?;
        for (k, v) in custom.iter().chain(other.iter()) {
            ui.line(format!(
                "\t{} = {}",
                crate::ui::terminal_safe(k),
                crate::ui::terminal_safe(&value_text(v))
            ))?;
        }
        return Ok(());
    }
    let name = &args.operands[1];
    if name.is_empty() {
        return Err(usage());
    }
    let stored = if force {
        name.clone()
    } else {
        format!("_{name}")
    };
    let mut new_attrs: Map<String, Value> = attrs.clone();
    if set {
        new_attrs.insert(stored.clone(), Value::from(args.operands[2].as_str()));
    } else if new_attrs.remove(&stored).is_none() {
        return Err(CmdError::NotFound(format!(
            "Attribute not found: {}",
            crate::ui::terminal_safe(name)
        )));
    }
    if !new_attrs.get("n").is_some_and(Value::is_string) {
        return Err(CmdError::NotPermitted(
            "The name attribute (n) cannot be removed".into(),
        ));
    }
    let key = node
        .key
        .ok_or_else(|| CmdError::Unexpected(format!("{}: the node key is not available", path)))?;
    ctx.online(async |acct| {
        let client = acct.client().await?;
        client
            .set_attributes(node.handle, &key, &new_attrs)
            .await
            .map_err(|e| CmdError::api("set node attribute", e))?;
        acct.refresh().await?;
        Ok(())
    })?;
    let verb = if set { "updated" } else { "removed" };
    ctx.ui.line(format!(
        "Node attribute {} {verb} correctly",
        crate::ui::terminal_safe(name)
    ))
}
