//! File integrity: MAC chunk boundaries, per-chunk CBC-MACs, the condensed meta-MAC.
use super::Key128;

/// MAC chunk boundaries for a file of `size` bytes: (offset, length) pairs.
/// Chunk i (1-based) is i x 128 KiB for i <= 8, then 1 MiB; the last is truncated. Size 0 gives none.
pub fn chunks(size: u64) -> impl Iterator<Item = (u64, u64)> {
    todo!("crypto helper");
    #[allow(unreachable_code)]
    std::iter::empty()
}

/// Index of the MAC chunk that contains byte `offset`, and that chunk's (offset, length)
/// ignoring EOF truncation.
pub fn chunk_at(offset: u64) -> (usize, u64, u64) {
    todo!("crypto helper")
}

/// CBC-MAC of one MAC chunk of plaintext: IV = nonce ++ nonce, last block zero-padded.
pub fn chunk_mac(key: &Key128, nonce: &[u8; 8], plaintext: &[u8]) -> [u8; 16] {
    todo!("crypto helper")
}

/// Fold chunk MACs (in file order) into the 8-byte meta-MAC. No chunks -> all zero.
pub fn condense(key: &Key128, chunk_macs: &[[u8; 16]]) -> [u8; 8] {
    todo!("crypto helper")
}

/// Streaming meta-MAC over a whole file fed in order, in pieces of any size.
pub struct FileMac {
    _private: (),
}

impl FileMac {
    pub fn new(key: &Key128, nonce: &[u8; 8]) -> Self {
        todo!("crypto helper")
    }
    /// Feed the next plaintext bytes (any length).
    pub fn update(&mut self, plaintext: &[u8]) {
        todo!("crypto helper")
    }
    /// The condensed meta-MAC of everything fed.
    pub fn finish(self) -> [u8; 8] {
        todo!("crypto helper")
    }
}
