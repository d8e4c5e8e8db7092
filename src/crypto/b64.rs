//! MEGA's base64: URL-safe alphabet, no padding out; lenient in (accepts `+`/`/`, `=`, `,`).
use super::CryptoError;

/// Encode with the URL-safe alphabet and no padding.
pub fn encode(bytes: &[u8]) -> String {
    todo!("crypto helper")
}

/// Decode leniently: `-_` or `+/`, trailing `=` and stray `,` ignored.
pub fn decode(s: &str) -> Result<Vec<u8>, CryptoError> {
    todo!("crypto helper")
}

/// Decode into exactly `N` bytes.
pub fn decode_array<const N: usize>(s: &str) -> Result<[u8; N], CryptoError> {
    todo!("crypto helper")
}
