//! Errors of the protocol layer: MEGA's numeric error codes as one typed table, and the
//! `Error` every `api` call returns.
//!
//! Messages are one line and never contain session ids, keys, passwords or response bodies:
//! callers may print them as they are.

use crate::crypto::CryptoError;

/// Generates `ErrorCode` with its numeric code, MEGA's name, the SDK's short text and the
/// long description from MEGA's API documentation, all from one table.
macro_rules! error_codes {
    ($( $variant:ident = $code:literal, $name:literal, $short:literal, $long:literal; )*) => {
        /// A MEGA API error code (§2 of the protocol reference), with MEGA's own names.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( #[doc = $short] $variant, )*
            /// A code not in MEGA's published table.
            Unknown(i64),
        }

        impl ErrorCode {
            /// Every known code, in table order (for tests and documentation).
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];

            /// The code for a number; unknown numbers are kept as [`ErrorCode::Unknown`].
            pub fn from_code(code: i64) -> ErrorCode {
                match code {
                    $( $code => ErrorCode::$variant, )*
                    other => ErrorCode::Unknown(other),
                }
            }

            /// The number on the wire (negative).
            pub fn code(self) -> i64 {
                match self {
                    $( ErrorCode::$variant => $code, )*
                    ErrorCode::Unknown(c) => c,
                }
            }

            /// MEGA's name without the SDK's `API_` prefix, e.g. `"ENOENT"`.
            pub fn name(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $name, )*
                    ErrorCode::Unknown(_) => "EUNKNOWN",
                }
            }

            /// The SDK's short text, e.g. "Not found".
            pub fn short_text(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $short, )*
                    ErrorCode::Unknown(_) => "Unknown error",
                }
            }

            /// A sentence for humans, from MEGA's API documentation.
            pub fn message(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $long, )*
                    ErrorCode::Unknown(_) => "The server answered with an unknown error code.",
                }
            }
        }
    };
}

error_codes! {
    EInternal = -1, "EINTERNAL", "Internal error",
        "An internal error has occurred on the server.";
    EArgs = -2, "EARGS", "Invalid argument",
        "Invalid arguments were passed to this command.";
    EAgain = -3, "EAGAIN", "Request failed, retrying",
        "A temporary congestion or server malfunction prevented the request from being processed; no data was altered.";
    ERateLimit = -4, "ERATELIMIT", "Rate limit exceeded",
        "The command weight per time quota was exceeded; wait a few seconds, then try again.";
    EFailed = -5, "EFAILED", "Failed permanently",
        "The operation failed permanently; restart it from scratch.";
    ETooMany = -6, "ETOOMANY", "Too many concurrent connections or transfers",
        "Too many attempts, connections or IP addresses; wait before trying again.";
    ERange = -7, "ERANGE", "Out of range",
        "The data is out of range or not on a chunk boundary.";
    EExpired = -8, "EEXPIRED", "Expired",
        "The resource (for example an upload URL) has expired.";
    ENoent = -9, "ENOENT", "Not found",
        "Object (typically node or user) not found, or wrong e-mail or password.";
    ECircular = -10, "ECIRCULAR", "Circular linkage detected",
        "Circular linkage attempted (moving a folder into its own subtree).";
    EAccess = -11, "EACCESS", "Access denied",
        "Access violation (for example writing to a read-only share).";
    EExist = -12, "EEXIST", "Already exists",
        "Trying to create an object that already exists.";
    EIncomplete = -13, "EINCOMPLETE", "Incomplete",
        "Trying to access an incomplete resource.";
    EKey = -14, "EKEY", "Invalid key/Decryption error",
        "A decryption operation or checksum failed.";
    ESid = -15, "ESID", "Bad session ID",
        "Invalid or expired user session; log in again.";
    EBlocked = -16, "EBLOCKED", "Blocked",
        "The account is blocked, or the resource was taken down.";
    EOverQuota = -17, "EOVERQUOTA", "Over quota",
        "The request is over quota.";
    ETempUnavail = -18, "ETEMPUNAVAIL", "Temporarily not available",
        "Resource temporarily not available; try again later.";
    ETooManyConnections = -19, "ETOOMANYCONNECTIONS", "Connection overflow",
        "Too many connections on this resource.";
    EWrite = -20, "EWRITE", "Write error",
        "The file could not be written to.";
    ERead = -21, "EREAD", "Read error",
        "The file could not be read from.";
    EAppKey = -22, "EAPPKEY", "Invalid application key",
        "Invalid or missing application key.";
    ESsl = -23, "ESSL", "SSL verification failed",
        "SSL verification failed.";
    EGoingOverQuota = -24, "EGOINGOVERQUOTA", "Not enough quota",
        "Not enough quota for this operation.";
    ERolledBack = -25, "EROLLEDBACK", "Strongly-grouped request rolled back",
        "A command of a strongly-grouped request failed, so the whole request was rolled back.";
    EMfaRequired = -26, "EMFAREQUIRED", "Multi-factor authentication required",
        "Multi-factor authentication is required (or the code was rejected).";
    EMasterOnly = -27, "EMASTERONLY", "Access denied for users",
        "Only the business account's master user may do this.";
    EBusinessPastDue = -28, "EBUSINESSPASTDUE", "Business account has expired",
        "The business account has expired.";
    EPaywall = -29, "EPAYWALL", "Storage Quota Exceeded. Upgrade now",
        "The account is over its storage quota and in the paywall state.";
    ESubUserKeyMissing = -30, "ESUBUSERKEYMISSING", "Business sub-user key missing",
        "The business sub-user has not shared its master key yet.";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.short_text(),
            self.code(),
            self.name()
        )
    }
}

/// What kind of network failure happened, so callers can decide without parsing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkKind {
    /// Could not connect (refused, unreachable, DNS).
    Connect,
    /// The request or the response timed out.
    Timeout,
    /// The connection broke while sending or receiving (reset, closed early).
    Broken,
    /// Anything else the HTTP stack reported.
    Other,
}

/// Every failure of the protocol layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// MEGA answered with an error code, for the whole request or for one command.
    #[error("MEGA error {}: {}", .0.name(), .0.short_text())]
    Mega(ErrorCode),
    /// An HTTP status the protocol does not expect.
    #[error("unexpected HTTP status {status}")]
    Http { status: u16 },
    /// The network failed; the message names what happened, never the URL (it holds the sid).
    #[error("network error: {message}")]
    Network { kind: NetworkKind, message: String },
    /// The server's answer was not what the protocol says; `expected` describes what was
    /// wanted (the body itself is never included: it may hold keys).
    #[error("unexpected response from the server: expected {expected}")]
    BadResponse { expected: String },
    /// A key, attribute or session id did not decrypt.
    #[error("decryption failed: {0}")]
    Crypto(#[from] CryptoError),
    /// A downloaded file's content does not match the MAC in its key.
    #[error("MAC verification failed: the downloaded data does not match the file's key")]
    MacMismatch,
    /// HTTP 509 from a transfer server; `seconds` until the quota resets (0 if not said).
    #[error("transfer quota exceeded; it resets in {seconds} s")]
    TransferQuota { seconds: u64 },
    /// The account has two-factor authentication and no code was given.
    #[error("multi-factor authentication required: a 2FA code is needed to log in")]
    MfaRequired,
    /// The call needs a logged-in session (or folder link) and there is none.
    #[error("not logged in")]
    NotLoggedIn,
    /// A node needed for the call has no usable key (undecryptable or foreign).
    #[error("the node's key is not available")]
    NoKey,
    /// The caller passed something unusable (e.g. a folder where a file is needed).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Local file I/O failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Shorthand for [`Error::BadResponse`].
    pub fn bad(expected: impl Into<String>) -> Error {
        Error::BadResponse {
            expected: expected.into(),
        }
    }

    /// The MEGA error code, if this is a MEGA error.
    pub fn mega_code(&self) -> Option<ErrorCode> {
        match self {
            Error::Mega(c) => Some(*c),
            Error::MfaRequired => Some(ErrorCode::EMfaRequired),
            _ => None,
        }
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Error {
        Error::Mega(code)
    }
}

/// Result of every `api` call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_covers_every_code_from_minus_1_to_minus_30() {
        assert_eq!(ErrorCode::ALL.len(), 30);
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            let n = -(i as i64) - 1;
            assert_eq!(code.code(), n);
            assert_eq!(ErrorCode::from_code(n), *code);
            assert!(code.name().starts_with('E'));
            assert!(!code.short_text().is_empty());
            assert!(!code.message().is_empty());
        }
    }

    #[test]
    fn known_names() {
        assert_eq!(ErrorCode::from_code(-9), ErrorCode::ENoent);
        assert_eq!(ErrorCode::ENoent.name(), "ENOENT");
        assert_eq!(ErrorCode::ESid.code(), -15);
        assert_eq!(ErrorCode::from_code(-16).name(), "EBLOCKED");
        assert_eq!(ErrorCode::from_code(-26), ErrorCode::EMfaRequired);
        assert_eq!(ErrorCode::from_code(-30).name(), "ESUBUSERKEYMISSING");
    }

    #[test]
    fn unknown_codes_are_kept() {
        let c = ErrorCode::from_code(-400);
        assert_eq!(c, ErrorCode::Unknown(-400));
        assert_eq!(c.code(), -400);
        assert_eq!(c.name(), "EUNKNOWN");
    }

    #[test]
    fn messages_are_one_line() {
        let errors = [
            Error::Mega(ErrorCode::ESid),
            Error::Http { status: 503 },
            Error::bad("an array of command results"),
            Error::MacMismatch,
            Error::TransferQuota { seconds: 42 },
            Error::MfaRequired,
        ];
        for e in errors {
            let s = e.to_string();
            assert!(!s.contains('\n'), "{s}");
        }
        assert_eq!(
            Error::Mega(ErrorCode::ENoent).to_string(),
            "MEGA error ENOENT: Not found"
        );
        assert!(Error::TransferQuota { seconds: 42 }
            .to_string()
            .contains("42 s"));
    }
}
