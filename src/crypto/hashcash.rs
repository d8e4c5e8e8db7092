//! The HTTP 402 `X-Hashcash` proof of work: parse, solve (client), verify (megasim).
use super::CryptoError;

/// A parsed challenge header `1:<easiness>:<timestamp>:<token>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub easiness: u8,
    pub timestamp: String,
    /// The token as sent (64 b64 chars).
    pub token: String,
    /// The decoded 48-byte token.
    pub token_bytes: Vec<u8>,
}

/// `T = (((e & 63) << 1) + 1) << ((e >> 6) * 7 + 3)`
pub fn threshold(easiness: u8) -> u32 {
    todo!("crypto helper")
}

/// Parse an `X-Hashcash` challenge header value.
pub fn parse(header: &str) -> Result<Challenge, CryptoError> {
    todo!("crypto helper")
}

/// Find the first 4-byte prefix that satisfies the challenge.
pub fn solve_prefix(token: &[u8], easiness: u8) -> [u8; 4] {
    todo!("crypto helper")
}

/// Solve and return the header value to send back: `1:<token>:<b64 prefix>`.
pub fn solve(challenge: &Challenge) -> String {
    todo!("crypto helper")
}

/// Server side: is `prefix` a valid answer for `token` at `easiness`?
pub fn verify(token: &[u8], easiness: u8, prefix: &[u8; 4]) -> bool {
    todo!("crypto helper")
}
