//! AES-128 building blocks: ECB key wrapping, CTR at any byte offset, CBC with zero IV.
use super::{CryptoError, Key128};

/// ECB-encrypt every 16-byte block of `data` in place. `data.len()` must be a multiple of 16.
pub fn ecb_encrypt(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    todo!("crypto helper")
}

/// ECB-decrypt every 16-byte block of `data` in place.
pub fn ecb_decrypt(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    todo!("crypto helper")
}

/// Wrap a key (16 or 32 bytes, or an RSA blob) with `wrapping_key`: ECB, block by block.
pub fn wrap(wrapping_key: &Key128, key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    todo!("crypto helper")
}

/// Unwrap a key wrapped by [`wrap`].
pub fn unwrap(wrapping_key: &Key128, wrapped: &[u8]) -> Result<Vec<u8>, CryptoError> {
    todo!("crypto helper")
}

/// AES-CTR with MEGA's counter (`nonce ++ (offset/16)` big-endian), applied in place to `data`
/// which starts at byte `offset` of the file. Works at any offset, aligned or not.
pub fn ctr_apply(key: &Key128, nonce: &[u8; 8], offset: u64, data: &mut [u8]) {
    todo!("crypto helper")
}

/// AES-CBC encrypt with a zero IV, in place; `data.len()` must be a multiple of 16.
pub fn cbc_encrypt_zero_iv(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    todo!("crypto helper")
}

/// AES-CBC decrypt with a zero IV, in place.
pub fn cbc_decrypt_zero_iv(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    todo!("crypto helper")
}
