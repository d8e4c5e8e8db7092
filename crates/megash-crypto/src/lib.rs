//! megash-crypto: every cryptographic primitive MEGA uses, as pure functions over bytes.
//!
//! Owns: AES key wrapping and CTR at any offset, chunk MACs and the meta-MAC, encrypted node
//! attributes, login v1 and v2, RSA `privk`/`csid`, the `c` fingerprint, the `^!keys`
//! container, the 402 hashcash solver.
//!
//! May not depend on: anything else of megash, any I/O (network, files, terminal). Shared by
//! the client and by `megasim`, so both sides agree with each other and with the rest of
//! the world.

pub mod a32;
pub mod aes;
pub mod attrs;
pub mod b64;
pub mod fingerprint;
pub mod hashcash;
pub mod keys;
pub mod login;
pub mod mac;
pub mod media;
pub mod rsa;
pub mod session;

/// Why a cryptographic decode failed. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("invalid base64")]
    Base64,
    #[error("wrong length: expected {expected}, got {got}")]
    Length { expected: usize, got: usize },
    #[error("attributes do not decrypt (wrong key or corrupt data)")]
    Attributes,
    #[error("invalid RSA key or ciphertext")]
    Rsa,
    #[error("invalid hashcash challenge")]
    Hashcash,
    #[error("invalid {0}")]
    Invalid(&'static str),
}

/// A 16-byte AES-128 key (master key, folder key, share key, file AES key, `sek`).
pub type Key128 = [u8; 16];

/// The public suites' test buffer: byte i = (start + i * step) mod 255 (note 255, not 256).
#[cfg(test)]
pub(crate) fn tb(n: usize, start: usize, step: usize) -> Vec<u8> {
    (0..n).map(|i| ((start + i * step) % 255) as u8).collect()
}
