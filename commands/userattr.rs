//! `userattr [-s attribute value | attribute | --list] [--user=email]`: the account's user
//! attributes (`uga` to read, `up2` to set), as MEGAcmd's: `--list` names them
//! (`LONGNAME (wirename)`), an attribute prints `\tLONGNAME (wirename) = value` (text for the
//! textual ones, b64 otherwise), `-s` sets one of ours (`User attribute NAME updated
//! correctly`). Without arguments, the attributes that are set (MEGAcmd also prints an error
//! line for each one that is not).

use super::{Args, Command, Ctx, Flag, Operand, Writes};
use crate::api;
use crate::error::CmdError;

/// The table entry.
pub const COMMAND: Command = Command {
    name: "userattr",
    aliases: &[],
    summary: "List, show or set user attributes",
    usage: "[-s attribute value|attribute|--list] [--user=user@email]",
    flags: &[
        Flag::short('s', "Set the attribute to the value"),
        Flag::long("list", "List the attribute names"),
        Flag::opt("user", "EMAIL", "Another user's attributes (read only)"),
    ],
    min_args: 0,
    max_args: Some(2),
    needs_login: true,
    operands: Operand::None,
    writes: Writes::When(setting),
    may_hold_secret: false,
    more_help: None,
    run: Some(run),
};

fn setting(args: &Args) -> bool {
    args.has("s")
}

/// MEGAcmd's list: long name and wire name, in the SDK's type order.
const ATTRIBUTES: &[(&str, &str)] = &[
    ("AVATAR", "+a"),
    ("FIRSTNAME", "firstname"),
    ("LASTNAME", "lastname"),
    ("AUTHRING", "*!authring"),
    ("LAST_INT", "*!lstint"),
    ("ED25519_PUBK", "+puEd255"),
    ("CU25519_PUBK", "+puCu255"),
    ("KEYRING", "*keyring"),
    ("SIG_RSA_PUBK", "+sigPubk"),
    ("SIG_CU255_PUBK", "+sigCu255"),
    ("COUNTRY", "country"),
    ("BIRTHDAY", "birthday"),
    ("BIRTHMONTH", "birthmonth"),
    ("BIRTHYEAR", "birthyear"),
    ("LANGUAGE", "^!lang"),
    ("PWD_REMINDER", "^!prd"),
    ("DISABLE_VERSIONS", "^!dv"),
    ("CONTACT_LINK_VERIFICATION", "^clv"),
    ("RICH_PREVIEWS", "*!rp"),
    ("RUBBISH_TIME", "^!rubbishtime"),
    ("LAST_PSA", "^!lastPsa"),
    ("STORAGE_STATE", "^!usl"),
    ("GEOLOCATION", "*!geo"),
    ("CAMERA_UPLOADS_FOLDER", "*!cam"),
    ("MY_CHAT_FILES_FOLDER", "*!cf"),
    ("PUSH_SETTINGS", "^!ps"),
    ("UNSHAREABLE_KEY", "*~usk"),
    ("ALIAS", "*!>alias"),
];

/// Attributes whose value is text (shown as it is; set from the text given).
const TEXTUAL: &[&str] = &[
    "firstname",
    "lastname",
    "country",
    "birthday",
    "birthmonth",
    "birthyear",
    "^!lang",
    "^!prd",
    "^!dv",
    "^clv",
    "^!lastPsa",
];

/// The attribute named `name` (wire or long name, any case for long names).
fn find(name: &str) -> Option<(&'static str, &'static str)> {
    ATTRIBUTES
        .iter()
        .copied()
        .find(|(long, wire)| *wire == name || long.eq_ignore_ascii_case(name))
}

fn shown(wire: &str, value: &[u8]) -> String {
    if TEXTUAL.contains(&wire) {
        crate::ui::terminal_safe(&String::from_utf8_lossy(value)).into_owned()
    } else if wire.starts_with('*') {
        "NOT PRINTABLE".into()
    } else {
        crate::crypto::b64::encode(value)
    }
}

fn run(ctx: &mut Ctx<'_>, args: &Args) -> Result<(), CmdError> {
    if args.has("list") {
        for (long, wire) in ATTRIBUTES {
            ctx.ui.line(format!("{long} ({wire})"))?;
        }
        return Ok(());
    }
    let user = args.value("user").map(str::to_string);
    if setting(args) {
        if user.is_some() {
            return Err(CmdError::NotPermitted(
                "Can't change other user attributes".into(),
            ));
        }
        let [name, value] = args.operands.as_slice() else {
            return Err(CmdError::Usage {
                problem: None,
                usage: COMMAND.usage_line(),
            });
        };
        let (long, wire) =
            find(name).ok_or_else(|| CmdError::NotFound(format!("Attribute not found: {name}")))?;
        if !TEXTUAL.contains(&wire) {
            return Err(CmdError::NotPermitted(format!(
                "{wire} cannot be set here: megash sets only the textual attributes"
            )));
        }
        let bytes = value.as_bytes().to_vec();
        ctx.online(async |acct| {
            let client = acct.client().await?;
            client
                .set_user_attribute(wire, &bytes)
                .await
                .map_err(|e| CmdError::api(format!("set user attribute {wire}"), e))
        })?;
        ctx.ui
            .line(format!("User attribute {wire} updated correctly"))?;
        return ctx.ui.line(format!(
            "\t{long} ({wire}) = {}",
            shown(wire, value.as_bytes())
        ));
    }
    let wanted: Vec<(&str, &str)> =
        match args.operands.as_slice() {
            [] => ATTRIBUTES.to_vec(),
            [name] => vec![find(name)
                .ok_or_else(|| CmdError::NotFound(format!("Attribute not found: {name}")))?],
            _ => {
                return Err(CmdError::Usage {
                    problem: None,
                    usage: COMMAND.usage_line(),
                })
            }
        };
    let single = wanted.len() == 1;
    for (long, wire) in wanted {
        let r = ctx.online(async |acct| {
            let client = acct.client().await?;
            Ok(client.user_attribute(user.as_deref(), wire).await)
        })?;
        match r {
            Ok(v) => ctx
                .ui
                .line(format!("\t{long} ({wire}) = {}", shown(wire, &v)))?,
            Err(e) if single => return Err(CmdError::api(format!("get user attribute {wire}"), e)),
            Err(api::Error::Mega(_)) => {}
            Err(e) => return Err(CmdError::api(format!("get user attribute {wire}"), e)),
        }
    }
    Ok(())
}
