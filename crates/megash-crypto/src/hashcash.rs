//! The HTTP 402 `X-Hashcash` proof of work: parse, solve (client), verify (megasim).
use super::{b64, CryptoError};
use sha2::{Digest, Sha256};

/// How many times the token is repeated after the 4-byte prefix.
const REPEATS: usize = 262_144;
/// Token length in bytes (64 b64 chars).
const TOKEN_LEN: usize = 48;

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
    let e = easiness as u32;
    (((e & 63) << 1) + 1) << ((e >> 6) * 7 + 3)
}

/// Parse an `X-Hashcash` challenge header value.
pub fn parse(header: &str) -> Result<Challenge, CryptoError> {
    let mut parts = header.trim().split(':');
    let (Some("1"), Some(e), Some(ts), Some(token), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(CryptoError::Hashcash);
    };
    let easiness = e.parse::<u8>().map_err(|_| CryptoError::Hashcash)?;
    let token_bytes = b64::decode(token).map_err(|_| CryptoError::Hashcash)?;
    if token_bytes.len() != TOKEN_LEN {
        return Err(CryptoError::Hashcash);
    }
    Ok(Challenge {
        easiness,
        timestamp: ts.to_string(),
        token: token.to_string(),
        token_bytes,
    })
}

/// The 4-byte prefix slot followed by the token repeated [`REPEATS`] times (about 12 MiB).
fn work_buffer(token: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(4 + token.len() * REPEATS);
    buf.extend_from_slice(&[0u8; 4]);
    for _ in 0..REPEATS {
        buf.extend_from_slice(token);
    }
    buf
}

fn meets(buf: &[u8], t: u32) -> bool {
    let digest = Sha256::digest(buf);
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) <= t
}

/// Find the first 4-byte prefix that satisfies the challenge.
pub fn solve_prefix(token: &[u8], easiness: u8) -> [u8; 4] {
    let t = threshold(easiness);
    let mut buf = work_buffer(token);
    // The counter space is 2^32; the hardest challenge (T = 8) expects ~2^29 tries, so the
    // wrap-around fallback is unreachable in practice.
    for counter in 0..=u32::MAX {
        let prefix = counter.to_le_bytes();
        buf[..4].copy_from_slice(&prefix);
        if meets(&buf, t) {
            return prefix;
        }
    }
    [0u8; 4]
}

/// Solve and return the header value to send back: `1:<token>:<b64 prefix>`.
pub fn solve(challenge: &Challenge) -> String {
    let prefix = solve_prefix(&challenge.token_bytes, challenge.easiness);
    format!("1:{}:{}", challenge.token, b64::encode(&prefix))
}

/// Server side: is `prefix` a valid answer for `token` at `easiness`?
pub fn verify(token: &[u8], easiness: u8, prefix: &[u8; 4]) -> bool {
    let mut buf = work_buffer(token);
    buf[..4].copy_from_slice(prefix);
    meets(&buf, threshold(easiness))
}

/// Server side: parse a client's answer header `1:<token>:<b64 prefix>` into (token, prefix).
pub fn parse_answer(header: &str) -> Result<(String, [u8; 4]), CryptoError> {
    let mut parts = header.trim().split(':');
    let (Some("1"), Some(token), Some(prefix), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CryptoError::Hashcash);
    };
    let prefix = b64::decode_array::<4>(prefix).map_err(|_| CryptoError::Hashcash)?;
    Ok((token.to_string(), prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";

    #[test]
    fn thresholds() {
        assert_eq!(threshold(255), 0x7f00_0000);
        assert_eq!(threshold(192), 0x0100_0000);
        assert_eq!(threshold(160), 0x0082_0000);
        assert_eq!(threshold(0), 8);
    }

    #[test]
    fn parse_header() {
        let c = parse(
            "1:100:1731410499:RUvIePV2PNO8ofg8xp1aT5ugBcKSEzwKoLBw9o4E6F_fmn44eC3oMpv388UtFl2K",
        )
        .unwrap();
        assert_eq!(c.easiness, 100);
        assert_eq!(c.timestamp, "1731410499");
        assert_eq!(c.token_bytes.len(), 48);
        for bad in [
            "",
            "2:100:1:RUvIePV2PNO8ofg8xp1aT5ugBcKSEzwKoLBw9o4E6F_fmn44eC3oMpv388UtFl2K",
            "1:256:1:RUvIePV2PNO8ofg8xp1aT5ugBcKSEzwKoLBw9o4E6F_fmn44eC3oMpv388UtFl2K",
            "1:100:1:short",
            "1:100:1",
            "1:100:1:RUvIePV2PNO8ofg8xp1aT5ugBcKSEzwKoLBw9o4E6F_fmn44eC3oMpv388UtFl2K:x",
        ] {
            assert_eq!(parse(bad), Err(CryptoError::Hashcash), "{bad}");
        }
    }

    #[test]
    fn b11_easiness_255() {
        let c = parse(&format!("1:255:1700000000:{TOKEN_B64}")).unwrap();
        assert_eq!(c.token_bytes, (0u8..48).collect::<Vec<_>>());
        let prefix = solve_prefix(&c.token_bytes, 255);
        assert_eq!(prefix, [1, 0, 0, 0]);
        assert_eq!(b64::encode(&prefix), "AQAAAA");
        assert!(verify(&c.token_bytes, 255, &prefix));
        assert!(!verify(&c.token_bytes, 255, &[0, 0, 0, 0]));
        let answer = solve(&c);
        assert_eq!(answer, format!("1:{TOKEN_B64}:AQAAAA"));
        assert_eq!(
            parse_answer(&answer).unwrap(),
            (TOKEN_B64.to_string(), [1, 0, 0, 0])
        );
        assert!(parse_answer("1:x").is_err());
        assert!(parse_answer("1:x:!!").is_err());
    }

    #[test]
    fn b11_easiness_192() {
        let c = parse(&format!("1:192:1700000000:{TOKEN_B64}")).unwrap();
        assert_eq!(solve(&c), format!("1:{TOKEN_B64}:BAAAAA"));
        assert!(verify(&c.token_bytes, 160, &[4, 0, 0, 0]));
        assert!(!verify(&c.token_bytes, 192, &[3, 0, 0, 0]));
    }
}
