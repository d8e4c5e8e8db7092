//! `configure [KEY [VALUE]]`: megash's settings in one place, `KEY = VALUE` per line, as
//! MEGAcmd's `configure` prints them. Keys: `versions` (on/off: whether the account keeps
//! file versions, MEGA's `^!dv` user attribute, needs a login), `https` (on/off),
//! `permissions_files` and `permissions_folders` (octal), `log_level` and `api_log_level`
//! (MEGAcmd's level names). The others live in the settings file of the state directory.
//! MEGAcmd's own keys (`max_nodes_in_cache`, `exported_folders_sdks`) tune its in-memory
//! server and have no meaning here: they are refused like unknown keys.

use super::xfer_settings::{allowed_mode, log_level_name, parse_log_level, Settings};
use super::{xfer, Args, Command, Ctx, Operand, Writes};
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "configure",
    aliases: &[],
    summary: "Show or change settings (file versions, https, permissions, log levels)",
    usage: "[key [value]]",
    flags: &[],
    min_args: 0,
    max_args: Some(2),
    needs_login: false,
    operands: Operand::None,
    writes: Writes::When(writes),
    may_hold_secret: false,
    more_help: Some(
        "Keys: versions (on|off, the account's), https (on|off), permissions_files, \
         permissions_folders (e.g. 600, 700), log_level, api_log_level (FATAL .. VERBOSE).",
    ),
    run: Some(run),
};

const KEYS: &[&str] = &[
    "versions",
    "https",
    "permissions_files",
    "permissions_folders",
    "log_level",
    "api_log_level",
];

/// Setting `versions` changes the account.
fn writes(args: &Args) -> bool {
    args.operands.len() == 2 && args.operands[0] == "versions"
}

fn on_off(v: &str) -> Result<bool, CmdError> {
    match v {
        "on" | "1" | "true" => Ok(true),
        "off" | "0" | "false" => Ok(false),
        _ => Err(CmdError::Args(format!(
            "Invalid value {}: use on or off",
            crate::ui::terminal_safe(v)
        ))),
    }
}

/// A local setting's value as shown.
fn shown(s: &Settings, key: &str) -> String {
    match key {
        "https" => if s.https { "on" } else { "off" }.to_string(),
        "permissions_files" => format!("{:03o}", s.file_mode()),
        "permissions_folders" => format!("{:03o}", s.folder_mode()),
        "log_level" => log_level_name(s.cmd_log_level).to_string(),
        _ => log_level_name(s.api_log_level).to_string(),
    }
}

/// Change a local setting.
fn set_local(s: &mut Settings, key: &str, v: &str) -> Result<(), CmdError> {
    let bad = || {
        CmdError::Args(format!(
            "Failed to set {key}. Invalid value: {}",
            crate::ui::terminal_safe(v)
        ))
    };
    match key {
        "https" => s.https = on_off(v)?,
        "permissions_files" | "permissions_folders" => {
            let folders = key == "permissions_folders";
            let m = allowed_mode(v, folders).ok_or_else(bad)?;
            if folders {
                s.permissions_folders = Some(m);
            } else {
                s.permissions_files = Some(m);
            }
        }
        "log_level" => s.cmd_log_level = Some(parse_log_level(v).ok_or_else(bad)?),
        _ => s.api_log_level = Some(parse_log_level(v).ok_or_else(bad)?),
    }
    Ok(())
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    let key = args.operands.first().map(String::as_str);
    let value = args.operands.get(1).map(String::as_str);
    if let Some(k) = key.filter(|k| !KEYS.contains(k)) {
        return Err(CmdError::Args(format!(
            "Provided configuration key does not exist: {}",
            crate::ui::terminal_safe(k)
        )));
    }
    let mut settings = xfer::settings(ctx.state);
    if let (Some(k), Some(v)) = (key, value) {
        if k == "versions" {
            let on = on_off(v)?;
            ctx.online(async |acct| {
                let client = acct.client().await?;
                client
                    .set_versioning(on)
                    .await
                    .map_err(|e| CmdError::api("set file versioning", e))?;
                Ok(())
            })?;
        } else {
            set_local(&mut settings, k, v)?;
            xfer::save_settings(ctx.state, &settings)?;
        }
    }
    for k in KEYS.iter().filter(|k| key.is_none_or(|want| want == **k)) {
        if *k == "versions" {
            let logged_in = ctx.account().is_ok_and(|a| !a.is_link());
            if !logged_in {
                if key.is_some() {
                    return Err(CmdError::NotLoggedIn);
                }
                continue;
            }
            let on = ctx.online(async |acct| {
                let client = acct.client().await?;
                client
                    .versioning()
                    .await
                    .map_err(|e| CmdError::api("read file versioning", e))
            })?;
            ctx.ui
                .line(format!("versions = {}", if on { "on" } else { "off" }))?;
        } else {
            ctx.ui.line(format!("{k} = {}", shown(&settings, k)))?;
        }
    }
    Ok(())
}
