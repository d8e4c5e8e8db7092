//! `login`: Log into a MEGA account, a folder link or a saved session. Registered with its MEGAcmd flags and usage; the handler comes with the saved
//! session and node cache (`run: None` answers "not implemented yet", exit 59).

use super::{Command, Flag, Operand};

/// The table entry.
pub const COMMAND: Command = Command {
    name: "login",
    aliases: &[],
    summary: "Log into a MEGA account, a folder link or a saved session",
    usage: "[--auth-code=XXXX] email [password] | folderlink [--auth-key=XXXX] [--resume] | passwordprotectedlink --password=PASSWORD | session",
    flags: &[
        Flag::opt("auth-code", "XXXX", "Two-factor authentication code"),
        Flag::opt("auth-key", "XXXX", "Authentication key of a writable folder link"),
        Flag::long("resume", "Resume a folder link login from the local cache"),
        Flag::opt("password", "PASSWORD", "Password of a password-protected link"),
        Flag::opt("password-file", "FILE", "Read the account password from FILE (for scripts)"),
        Flag::long("force", "Log in even if the last login was less than 3 seconds ago"),
    ],
    min_args: 1,
    max_args: Some(2),
    needs_login: false,
    operands: Operand::None,
    run: None,
};
