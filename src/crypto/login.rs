//! Login key derivation: v1 (`prepare_key` + `stringhash`) and v2 (PBKDF2-HMAC-SHA512).
use super::Key128;

/// v1 password key from a password string, using the SDK's UTF-16 packing for non-ASCII.
pub fn prepare_key_v1(password: &str) -> Key128 {
    todo!("crypto helper")
}

/// v1 password key from raw password bytes (the form the public test vectors use).
pub fn prepare_key_v1_bytes(password: &[u8]) -> Key128 {
    todo!("crypto helper")
}

/// v1 user hash `uh` (11 b64 chars) for an e-mail (lower-cased here) and a v1 password key.
pub fn user_hash_v1(email: &str, password_key: &Key128) -> String {
    todo!("crypto helper")
}

/// v1 user hash over raw bytes without lower-casing (for the public vectors).
pub fn user_hash_v1_bytes(email: &[u8], password_key: &Key128) -> [u8; 8] {
    todo!("crypto helper")
}

/// Number of PBKDF2 iterations MEGA uses for v2 accounts.
pub const V2_ITERATIONS: u32 = 100_000;

/// v2 derivation: returns (password key = dk[0..16], user hash `uh` = b64(dk[16..32])).
pub fn derive_v2(password: &str, salt: &[u8]) -> (Key128, String) {
    todo!("crypto helper")
}
