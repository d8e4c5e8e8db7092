//! Why a login failed and what to do about it: one place for the explanations that both
//! `login` (when it fails) and `diagnose` (when asked) give, so the two never disagree.
//!
//! MEGA's answers are terse (`-9` means both "wrong password" and "this account never finished
//! its first login in a browser"); the context gathered here (account version from `us0`,
//! whether a 2FA code was sent, what the retries met, the block reason) turns them into a
//! precise sentence, and says so when the protocol does not allow telling causes apart.

use crate::api::{self, AccountVersion, ErrorCode, Stats};

/// What is known around a failed login.
#[derive(Clone, Debug, Default)]
pub struct LoginContext {
    /// The account version `us0` announced, if it was asked.
    pub version: Option<AccountVersion>,
    /// Whether the password has characters outside ASCII.
    pub non_ascii_password: bool,
    /// Whether a 2FA code was sent with the attempt.
    pub mfa_given: bool,
    /// What the client's requests met (retries, hashcash).
    pub stats: Stats,
    /// `whyamiblocked`'s reason code, when it could be asked.
    pub block_reason: Option<i64>,
}

/// A failure, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// MEGAcmd's line where it has one (`Login failed: invalid email or password`).
    pub headline: String,
    /// Why, in one sentence.
    pub why: String,
    /// What to do, in one sentence.
    pub advice: String,
    /// The exit status (MEGAcmd's: |API code| for API failures).
    pub exit: u8,
}

/// Text for `whyamiblocked` reason codes (the SDK's `MegaApi::ACCOUNT_BLOCKED_*`, with the
/// texts MEGA's SDK and MEGAcmd show for them).
pub fn block_reason_text(code: i64) -> String {
    match code {
        0 => "not blocked".into(),
        100 => "suspended for excess data usage".into(),
        200 => "suspended due to copyright violations; check your e-mail inbox".into(),
        300 => "terminated for a breach of MEGA's Terms of Service".into(),
        400 => "disabled by your business account's administrator".into(),
        401 => "removed by your business account's administrator".into(),
        500 => "suspended until you verify your phone number (SMS)".into(),
        700 => "temporarily suspended for your safety: verify your e-mail and follow its steps to unlock the account".into(),
        n => format!("reason code {n}, which megash does not know"),
    }
}

fn exit_of(code: ErrorCode) -> u8 {
    u8::try_from(code.code().unsigned_abs()).unwrap_or(59)
}

/// Explain a failed login attempt (`us0`/`us`, or a session resume).
pub fn login_failure(err: &api::Error, ctx: &LoginContext) -> Explanation {
    let retried_eagain = ctx.stats.retried.iter().filter(|c| *c == "-3").count();
    let retried_ratelimit = ctx.stats.retried.iter().filter(|c| *c == "-4").count();
    let make = |headline: &str, why: String, advice: &str, exit: u8| Explanation {
        headline: headline.to_string(),
        why,
        advice: advice.to_string(),
        exit,
    };
    let Some(code) = err.mega_code() else {
        return match err {
            api::Error::Http { status: 402 } => make(
                "Login failed: the server demanded a proof of work (hashcash) that could not be answered",
                format!(
                    "MEGA answered HTTP 402 with a hashcash challenge; {} were solved, {} could not be",
                    ctx.stats.hashcash_solved, ctx.stats.hashcash_failed
                ),
                "retry later; if it persists, MEGA is throttling this address",
                59,
            ),
            api::Error::Network { .. } => make(
                "Login failed: the MEGA API cannot be reached",
                err.to_string(),
                "check the network and proxy settings, or MEGA_API_URL if you point megash at another server",
                59,
            ),
            _ => make("Login failed", err.to_string(), "run \"diagnose\" for details", 59),
        };
    };
    match code {
        ErrorCode::ENoent => {
            let mut why = "MEGA answers -9 (\"Object (typically, node or user) not found\") both for a wrong e-mail or password and for an account whose keys were never generated (created, but never logged into in a web browser); the protocol does not tell these apart".to_string();
            if ctx.non_ascii_password && ctx.version == Some(AccountVersion::V1) {
                why.push_str(
                    "; the password has non-ASCII characters and the account uses the old (v1) key derivation, which megash computes as MEGA's own clients do but many other tools get wrong",
                );
            }
            make(
                "Login failed: invalid email or password",
                why,
                "check the e-mail and password (watch for a trailing space or newline in scripts); if they are right, log in once at https://mega.nz in a browser to finish the account's setup, then try again",
                exit_of(code),
            )
        }
        ErrorCode::EMfaRequired if ctx.mfa_given => make(
            "Login failed: incorrect authentication code",
            "the account has two-factor authentication and the code sent was not accepted".into(),
            "use the current 6-digit code from your authenticator app (codes change every 30 s; check the machine's clock)",
            // MEGAcmd's exit for a refused code (API_EFAILED), whichever code MEGA sent.
            exit_of(ErrorCode::EFailed),
        ),
        ErrorCode::EMfaRequired => make(
            "Login failed: two-factor authentication code required",
            "the account has two-factor authentication on".into(),
            "pass the 6-digit code from your authenticator app with --auth-code=XXXXXX",
            exit_of(code),
        ),
        ErrorCode::EFailed => make(
            "Login failed: incorrect authentication",
            "MEGA refused the second factor".into(),
            "use the current code from your authenticator app with --auth-code=",
            exit_of(code),
        ),
        ErrorCode::EBlocked => {
            let why = match ctx.block_reason {
                Some(r) => format!(
                    "MEGA answers -16: the account is blocked: {} (whyamiblocked {r})",
                    block_reason_text(r)
                ),
                None => "MEGA answers -16: the account is blocked (MEGA gave no session to ask whyamiblocked with)".into(),
            };
            make(
                "Login failed: account blocked",
                why,
                "log in at https://mega.nz in a browser to see what MEGA asks for (verification, password change), or contact support@mega.nz",
                exit_of(code),
            )
        }
        ErrorCode::ETooMany => make(
            "Login failed: too many login attempts",
            "MEGA answers -6 when an account logs in too often; about 90 logins in quick succession have locked accounts out for days".into(),
            "wait at least an hour before the next attempt; then log in once and let megash reuse the saved session (it does so automatically)",
            exit_of(code),
        ),
        ErrorCode::EAgain => make(
            "Login failed: the server kept answering \"try again\"",
            format!(
                "MEGA answered -3 (EAGAIN) {} times in a row; a persistent -3 at login is how MEGA throttles logins from one IP address",
                retried_eagain.max(1)
            ),
            "stop retrying for a while (minutes to hours), and reuse the saved session instead of logging in again",
            exit_of(code),
        ),
        ErrorCode::ERateLimit => make(
            "Login failed: rate limit exceeded",
            format!(
                "MEGA answered -4 (rate limit) {} times in a row",
                retried_ratelimit.max(1)
            ),
            "slow down: wait a few minutes, and reuse the saved session instead of logging in again",
            exit_of(code),
        ),
        ErrorCode::EIncomplete => make(
            "Login failed: unconfirmed account. Please confirm your account",
            "the account's sign-up was never confirmed".into(),
            "open the confirmation link MEGA sent by e-mail, then log in",
            exit_of(code),
        ),
        ErrorCode::ESid => make(
            "Login failed: the session is no longer valid",
            "the session was closed (logout elsewhere, or killed) or expired".into(),
            "log in again with e-mail and password",
            exit_of(code),
        ),
        ErrorCode::EAccess => make(
            "Login failed: access denied",
            "MEGA answered -11; after many logins without logouts MEGA has answered -3 and then -11".into(),
            "wait, then log in once and reuse the session; log out sessions you no longer need",
            exit_of(code),
        ),
        other => make(
            &format!("Login failed: {}", other.short_text()),
            other.message().to_string(),
            "run \"diagnose EMAIL --login\" for details",
            exit_of(other),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_their_exit_status() {
        let ctx = LoginContext::default();
        let e = login_failure(&api::Error::Mega(ErrorCode::ENoent), &ctx);
        assert_eq!(e.exit, 9);
        assert!(e.why.contains("never logged into"));
        let e = login_failure(
            &api::Error::Mega(ErrorCode::EBlocked),
            &LoginContext {
                block_reason: Some(700),
                ..ctx.clone()
            },
        );
        assert_eq!(e.exit, 16);
        assert!(e.why.contains("verify your e-mail"), "{}", e.why);
        let e = login_failure(
            &api::Error::Mega(ErrorCode::EBlocked),
            &LoginContext {
                block_reason: Some(12345),
                ..ctx.clone()
            },
        );
        assert!(e.why.contains("reason code 12345"), "{}", e.why);
        let e = login_failure(
            &api::Error::Mega(ErrorCode::EMfaRequired),
            &LoginContext {
                mfa_given: true,
                ..ctx
            },
        );
        assert!(e.headline.contains("incorrect"));
        assert_eq!(e.exit, 5, "a wrong 2FA code exits 5 as in MEGAcmd");
    }
}
