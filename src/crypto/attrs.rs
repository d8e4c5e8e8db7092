//! Node attributes: `"MEGA" ++ JSON`, zero-padded, AES-CBC with zero IV, base64.
use super::{CryptoError, Key128};
use serde_json::{Map, Value};

/// Encrypt an attribute object (compact JSON) and return the b64 `a`/`at` value.
pub fn encrypt(key: &Key128, attrs: &Map<String, Value>) -> String {
    todo!("crypto helper")
}

/// Decrypt an `a`/`at` value; fails if the plaintext does not start with `MEGA{` or is not JSON.
pub fn decrypt(key: &Key128, at: &str) -> Result<Map<String, Value>, CryptoError> {
    todo!("crypto helper")
}

/// Convenience: the attribute object `{"n": name}` plus an optional fingerprint `c`.
pub fn encrypt_name(key: &Key128, name: &str, fingerprint: Option<&str>) -> String {
    todo!("crypto helper")
}
