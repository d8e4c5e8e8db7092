//! Node key layouts (file: 8 words, folder: 4 words), share handle authentication (`ha`),
//! the `^!keys` container, and the 12-byte upload chunk checksum (`c=`/`d=`).
use super::{CryptoError, Key128};

/// A file node's 32-byte key, split into its parts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FileKey {
    /// AES key for data (CTR) and attributes (CBC).
    pub aes: Key128,
    /// CTR nonce (first 8 bytes of the counter block).
    pub nonce: [u8; 8],
    /// Condensed meta-MAC of the plaintext.
    pub meta_mac: [u8; 8],
}

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileKey(..)")
    }
}

impl FileKey {
    /// Parse the stored 32-byte form: `aes = stored[0..16] ^ stored[16..32]`.
    pub fn from_bytes(stored: &[u8; 32]) -> Self {
        todo!("crypto helper")
    }
    /// The stored 32-byte form: `(aes ^ (nonce ++ mac)) ++ nonce ++ mac`.
    pub fn to_bytes(&self) -> [u8; 32] {
        todo!("crypto helper")
    }
}

/// A node key as unwrapped from `k`: folders have 16 bytes, files 32.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NodeKey {
    Folder(Key128),
    File(FileKey),
}

impl std::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NodeKey::Folder(_) => "NodeKey::Folder(..)",
            NodeKey::File(_) => "NodeKey::File(..)",
        })
    }
}

impl NodeKey {
    /// From unwrapped key bytes: 16 -> folder, 32 -> file, anything else is an error.
    pub fn from_bytes(raw: &[u8]) -> Result<Self, CryptoError> {
        todo!("crypto helper")
    }
    /// The raw (unwrapped) bytes: 16 or 32.
    pub fn to_bytes(&self) -> Vec<u8> {
        todo!("crypto helper")
    }
    /// The AES key used for attributes (and, for files, data).
    pub fn aes_key(&self) -> Key128 {
        todo!("crypto helper")
    }
}

/// `ha` for share handle `h` (8 b64 chars): `AES-ECB(mk, ascii(h ++ h))`.
pub fn handle_auth(master_key: &Key128, handle: &str) -> [u8; 16] {
    todo!("crypto helper")
}

/// The upload chunk checksum sent as `?c=`/`?d=`: 12 bytes, `cs[j % 12] ^= byte`.
pub fn chunk_checksum(ciphertext: &[u8]) -> [u8; 12] {
    todo!("crypto helper")
}

/// Build a `^!keys` attribute value: `[20, 0] ++ iv ++ AES-GCM(HKDF(mk), iv, plaintext) ++ tag`.
pub fn keys_container_seal(master_key: &Key128, iv: &[u8; 12], plaintext: &[u8]) -> Vec<u8> {
    todo!("crypto helper")
}

/// Open a `^!keys` attribute value and return its TLV plaintext.
pub fn keys_container_open(master_key: &Key128, container: &[u8]) -> Result<Vec<u8>, CryptoError> {
    todo!("crypto helper")
}
