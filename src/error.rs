//! The one error type of the command layer, its MEGAcmd-compatible message lines and its exit
//! codes. Every command returns [`CmdError`]; `main` (and the shell loop, which is the `main` of
//! interactive mode) is the only place that prints one and turns it into an exit status.
//!
//! Exit codes are MEGAcmd's: its own result codes 51–64 (process exit = |code|), and for failures
//! MEGA's API reported, the absolute value of the API code (1–30), as MEGAcmd's `mega-*` do.

use crate::api::{self, ErrorCode};

/// MEGAcmd's own result codes (`MCMD_*` in megacmdcommonutils.h), as positive exit statuses.
pub mod code {
    /// Everything OK.
    pub const OK: u8 = 0;
    /// Wrong arguments, unknown command or flag.
    pub const EARGS: u8 = 51;
    /// Invalid e-mail address.
    pub const INVALIDEMAIL: u8 = 52;
    /// Resource (node, path, session) not found.
    pub const NOTFOUND: u8 = 53;
    /// Invalid state (e.g. already logged in).
    pub const INVALIDSTATE: u8 = 54;
    /// Invalid type (file where a folder is needed, or the reverse).
    pub const INVALIDTYPE: u8 = 55;
    /// Operation not allowed.
    pub const NOTPERMITTED: u8 = 56;
    /// Needs logging in.
    pub const NOTLOGGEDIN: u8 = 57;
    /// Nodes not fetched.
    pub const NOFETCH: u8 = 58;
    /// Unexpected failure.
    pub const EUNEXPECTED: u8 = 59;
    /// Already exists (e.g. exporting an exported node).
    pub const EXISTS: u8 = 64;
    /// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
    pub const INTERRUPTED: u8 = 130;
}

/// The text `errorcode N` prints: MEGAcmd's table first, then MEGA's API texts, as MEGAcmd
/// does (so `errorcode 9` is "Not found"). Accepts `53` and `-53` alike.
pub fn code_text(n: i64) -> &'static str {
    let n = n.checked_abs().unwrap_or(i64::MAX);
    match n {
        0 => "Everything OK",
        51 => "Wrong arguments",
        52 => "Invalid email",
        53 => "Resource not found",
        54 => "Invalid state",
        55 => "Invalid type",
        56 => "Operation not allowed",
        57 => "Needs logging in",
        58 => "Nodes not fetched",
        59 => "Unexpected failure",
        60 => "Confirmation required",
        // Not MEGAcmd's: the shells' 128 + SIGINT, which megash exits with on Ctrl-C.
        130 => "Interrupted (Ctrl-C)",
        _ => match ErrorCode::from_code(-n) {
            ErrorCode::Unknown(_) => "Unknown error",
            known => known.short_text(),
        },
    }
}

/// Every way a command can fail. The `Display` text is the line printed on stderr (MEGAcmd's
/// wording where it has one); [`CmdError::exit_code`] is the process exit status.
#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    /// The command word is not in the table; `suggestion` is a near name that is.
    #[error("Command not found: {name}")]
    CommandNotFound {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// A flag or option the command does not take, or one used the wrong way.
    #[error("Invalid argument: {arg}\nUsage: {usage}")]
    InvalidArgument { arg: String, usage: String },
    /// Wrong number of operands (or another usage problem): the usage line says what is right.
    #[error("{}Usage: {usage}", problem.as_deref().map(|p| format!("{p}\n")).unwrap_or_default())]
    Usage {
        problem: Option<String>,
        usage: String,
    },
    /// Any other bad-argument failure with its own message (MCMD_EARGS).
    #[error("{0}")]
    Args(String),
    /// MCMD_INVALIDEMAIL.
    #[error("{0}")]
    InvalidEmail(String),
    /// MCMD_NOTFOUND, e.g. `Couldn't find <path>`.
    #[error("{0}")]
    NotFound(String),
    /// MCMD_INVALIDSTATE, e.g. `Already logged in. Please log out first.`.
    #[error("{0}")]
    InvalidState(String),
    /// MCMD_INVALIDTYPE, e.g. `Not a valid folder: <p>`.
    #[error("{0}")]
    InvalidType(String),
    /// MCMD_NOTPERMITTED.
    #[error("{0}")]
    NotPermitted(String),
    /// MCMD_NOTLOGGEDIN.
    #[error("Not logged in.")]
    NotLoggedIn,
    /// MCMD_NOFETCH.
    #[error("{0}")]
    NoFetch(String),
    /// MCMD_EUNEXPECTED.
    #[error("{0}")]
    Unexpected(String),
    /// MCMD_EXISTS, e.g. an already exported node.
    #[error("{0}")]
    Exists(String),
    /// The command is in the table but its implementation has not landed yet.
    #[error("{0}: not implemented yet")]
    NotImplemented(&'static str),
    /// The MEGA API failed; `action` completes "Failed to …" (MEGAcmd's generic line).
    #[error("Failed to {action}: {}", api_text(.source))]
    Api {
        action: String,
        #[source]
        source: api::Error,
    },
    /// A login the server refused, with MEGAcmd's line and the API code as exit status.
    #[error("{message}")]
    LoginFailed {
        message: String,
        code: u8,
        /// Why it failed and what to do (shared with `diagnose`, see `crate::explain`).
        advice: String,
    },
    /// A path that names several nodes where one is needed (MEGA allows duplicate names).
    #[error("{0}")]
    Ambiguous(String),
    /// A failure the command already reported on stdout (MEGAcmd prints some failures there,
    /// e.g. `diagnose`'s FAIL lines or `export`'s "Couldn't find anything exported"); only
    /// the exit status is left to set.
    #[error("failed")]
    Silent(u8),
    /// Local I/O failed; `what` names the operation and path.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// Writing to stdout failed because the reader went away (`megash ls | head`).
    #[error("broken pipe")]
    BrokenPipe,
    /// A MEGAcmd command megash does not have yet.
    #[error("megash does not support {0} yet")]
    Unsupported(&'static str),
    /// A MEGAcmd command that exists only for the Windows console or macOS/Windows updates.
    #[error("{0} is only for MEGAcmd on Windows or macOS; megash has no use for it here")]
    OtherPlatform(&'static str),
    /// Ctrl-C cancelled the command.
    #[error("Interrupted")]
    Interrupted,
    /// Ctrl-C stopped a transfer; what it moved is kept for the next run.
    #[error("Transfer interrupted; run the same command again to resume it")]
    TransferInterrupted,
}

/// The short text for an API failure: MEGA's own wording for its codes, ours for the rest.
fn api_text(e: &api::Error) -> String {
    match e.mega_code() {
        Some(c) => c.short_text().to_string(),
        None => e.to_string(),
    }
}

impl CmdError {
    /// The process exit status for this error (the one place that decides it).
    pub fn exit_code(&self) -> u8 {
        match self {
            CmdError::CommandNotFound { .. }
            | CmdError::InvalidArgument { .. }
            | CmdError::Usage { .. }
            | CmdError::Unsupported(_)
            | CmdError::OtherPlatform(_)
            | CmdError::Args(_) => code::EARGS,
            CmdError::InvalidEmail(_) => code::INVALIDEMAIL,
            CmdError::NotFound(_) => code::NOTFOUND,
            CmdError::InvalidState(_) => code::INVALIDSTATE,
            CmdError::InvalidType(_) => code::INVALIDTYPE,
            CmdError::NotPermitted(_) => code::NOTPERMITTED,
            CmdError::NotLoggedIn => code::NOTLOGGEDIN,
            CmdError::NoFetch(_) => code::NOFETCH,
            CmdError::Unexpected(_) | CmdError::NotImplemented(_) | CmdError::Io { .. } => {
                code::EUNEXPECTED
            }
            CmdError::Exists(_) => code::EXISTS,
            CmdError::LoginFailed { code, .. } => *code,
            CmdError::Ambiguous(_) => code::EARGS,
            CmdError::Silent(c) => *c,
            CmdError::Api { source, .. } => api_exit_code(source),
            // A closed pipe is the reader's choice, not a failure (as ripgrep and fd do).
            CmdError::BrokenPipe => code::OK,
            CmdError::Interrupted | CmdError::TransferInterrupted => code::INTERRUPTED,
        }
    }

    /// Whether the error should be printed at all (a broken pipe and Ctrl-C stay quiet).
    pub fn is_quiet(&self) -> bool {
        matches!(
            self,
            CmdError::BrokenPipe | CmdError::Interrupted | CmdError::Silent(_)
        )
    }

    /// A line of advice printed after the error, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            CmdError::CommandNotFound { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean \"{s}\"? Type \"help\" for the list of commands"),
                None => "type \"help\" for the list of commands".to_string(),
            }),
            CmdError::NotLoggedIn => Some("log in first: login EMAIL [PASSWORD]".to_string()),
            CmdError::Unsupported(_) => Some(
                "it is one of MEGAcmd's commands still to come; `help` lists what megash has"
                    .to_string(),
            ),
            CmdError::LoginFailed { advice, .. } => Some(advice.clone()),
            CmdError::NotImplemented(_) => Some(
                "this command arrives with the saved session and node cache; it is in the table so its flags and usage are already checked"
                    .to_string(),
            ),
            CmdError::Api { source, .. } => match source {
                api::Error::Mega(ErrorCode::ESid) => Some(
                    "the session expired or was closed elsewhere: run logout, then log in again"
                        .to_string(),
                ),
                api::Error::Mega(ErrorCode::EBlocked) => Some(
                    "MEGA has blocked this account or link: run `diagnose` for the reason and \
                     what to do"
                        .to_string(),
                ),
                api::Error::Mega(ErrorCode::EOverQuota) => Some(
                    "the account's storage is full: `df` shows what is used; empty the rubbish \
                     bin or remove files to make room"
                        .to_string(),
                ),
                api::Error::Network { .. } => Some(
                    "check the network, or MEGA_API_URL if you point megash at another server"
                        .to_string(),
                ),
                _ => None,
            },
            _ => None,
        }
    }

    /// Shorthand for [`CmdError::Api`].
    pub fn api(action: impl Into<String>, source: api::Error) -> CmdError {
        CmdError::Api {
            action: action.into(),
            source,
        }
    }

    /// Shorthand for [`CmdError::Io`]; a broken pipe becomes [`CmdError::BrokenPipe`].
    pub fn io(what: impl Into<String>, source: std::io::Error) -> CmdError {
        if source.kind() == std::io::ErrorKind::BrokenPipe {
            return CmdError::BrokenPipe;
        }
        CmdError::Io {
            what: what.into(),
            source,
        }
    }
}

/// MEGAcmd exits with |API code| for API failures; failures without a MEGA code get the
/// nearest MEGAcmd code.
fn api_exit_code(e: &api::Error) -> u8 {
    if let Some(c) = e.mega_code() {
        return u8::try_from(c.code().unsigned_abs()).unwrap_or(code::EUNEXPECTED);
    }
    match e {
        api::Error::NotLoggedIn => code::NOTLOGGEDIN,
        api::Error::InvalidArgument(_) => code::EARGS,
        _ => code::EUNEXPECTED,
    }
}

impl From<api::Error> for CmdError {
    fn from(source: api::Error) -> CmdError {
        CmdError::api("complete the request", source)
    }
}

impl From<crate::explain::Explanation> for CmdError {
    fn from(e: crate::explain::Explanation) -> CmdError {
        CmdError::LoginFailed {
            message: e.headline,
            code: e.exit,
            advice: format!("{}; {}", e.why, e.advice),
        }
    }
}

impl From<crate::session::SessionError> for CmdError {
    fn from(e: crate::session::SessionError) -> CmdError {
        use crate::session::SessionError as S;
        match e {
            S::NotLoggedIn => CmdError::NotLoggedIn,
            S::Api(source) => CmdError::from(source),
            S::TooFast { .. } | S::OtherServer { .. } | S::WrongMasterKey => {
                CmdError::InvalidState(e.to_string())
            }
            S::Io { .. } | S::NoStateDir | S::Corrupt(_) => CmdError::Unexpected(e.to_string()),
        }
    }
}

impl From<crate::cache::CacheError> for CmdError {
    fn from(e: crate::cache::CacheError) -> CmdError {
        use crate::cache::CacheError as C;
        match e {
            C::Api(source) => CmdError::from(source),
            C::NotPopulated => CmdError::NoFetch(e.to_string()),
            C::Db { .. } | C::Io(..) | C::Corrupt(_) => CmdError::Unexpected(e.to_string()),
        }
    }
}

impl From<crate::account::AccountError> for CmdError {
    fn from(e: crate::account::AccountError) -> CmdError {
        match e {
            crate::account::AccountError::Session(e) => e.into(),
            crate::account::AccountError::Cache(e) => e.into(),
        }
    }
}

impl From<crate::sync::SyncError> for CmdError {
    fn from(e: crate::sync::SyncError) -> CmdError {
        use crate::sync::SyncError as S;
        match e {
            S::Account(e) => e.into(),
            S::Cache(e) => e.into(),
            S::Api(e) => e.into(),
            S::Transfer(e) => crate::commands::xfer::transfer_error("sync", e),
            S::Locked { .. } => CmdError::InvalidState(e.to_string()),
            S::Db { .. } | S::Io { .. } | S::BadConfig | S::NoRubbishBin => {
                CmdError::Unexpected(e.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megacmd_codes() {
        assert_eq!(CmdError::Args("x".into()).exit_code(), 51);
        assert_eq!(CmdError::InvalidEmail("x".into()).exit_code(), 52);
        assert_eq!(CmdError::NotFound("x".into()).exit_code(), 53);
        assert_eq!(CmdError::InvalidState("x".into()).exit_code(), 54);
        assert_eq!(CmdError::InvalidType("x".into()).exit_code(), 55);
        assert_eq!(CmdError::NotPermitted("x".into()).exit_code(), 56);
        assert_eq!(CmdError::NotLoggedIn.exit_code(), 57);
        assert_eq!(CmdError::NoFetch("x".into()).exit_code(), 58);
        assert_eq!(CmdError::Unexpected("x".into()).exit_code(), 59);
        assert_eq!(CmdError::NotImplemented("ls").exit_code(), 59);
        assert_eq!(CmdError::Exists("x".into()).exit_code(), 64);
        assert_eq!(CmdError::Interrupted.exit_code(), 130);
        assert_eq!(CmdError::BrokenPipe.exit_code(), 0);
    }

    #[test]
    fn api_errors_exit_with_their_absolute_code() {
        let e = CmdError::api("copy node", api::Error::Mega(ErrorCode::EAccess));
        assert_eq!(e.exit_code(), 11);
        assert_eq!(e.to_string(), "Failed to copy node: Access denied");
        let e = CmdError::api("log in", api::Error::MfaRequired);
        assert_eq!(e.exit_code(), 26);
        let e = CmdError::api("list", api::Error::NotLoggedIn);
        assert_eq!(e.exit_code(), 57);
        let e = CmdError::api("x", api::Error::Mega(ErrorCode::ESid));
        assert!(e.hint().is_some());
    }

    #[test]
    fn errorcode_texts() {
        assert_eq!(code_text(53), "Resource not found");
        assert_eq!(code_text(-53), "Resource not found");
        assert_eq!(code_text(0), "Everything OK");
        assert_eq!(code_text(9), "Not found");
        assert_eq!(code_text(-16), "Blocked");
        assert_eq!(code_text(64), "Unknown error");
        assert_eq!(code_text(1000), "Unknown error");
        assert_eq!(code_text(i64::MIN), "Unknown error");
    }

    #[test]
    fn usage_lines() {
        let e = CmdError::Usage {
            problem: None,
            usage: "errorcode number".into(),
        };
        assert_eq!(e.to_string(), "Usage: errorcode number");
        let e = CmdError::InvalidArgument {
            arg: "--bogus".into(),
            usage: "ls [-l]".into(),
        };
        assert_eq!(e.to_string(), "Invalid argument: --bogus\nUsage: ls [-l]");
    }

    #[test]
    fn broken_pipe_is_recognised() {
        let e = CmdError::io(
            "write",
            std::io::Error::from(std::io::ErrorKind::BrokenPipe),
        );
        assert!(matches!(e, CmdError::BrokenPipe));
        assert!(e.is_quiet());
    }
}
