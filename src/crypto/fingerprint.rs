//! The `c` attribute: sparse CRC32 fingerprint of the content plus the modification time.
use std::io::{Read, Seek};

/// Fingerprint of in-memory content with modification time `mtime` (Unix seconds).
pub fn of_bytes(data: &[u8], mtime: u64) -> String {
    todo!("crypto helper")
}

/// Fingerprint of a file of `size` bytes read through `reader` (seeks as needed).
pub fn of_reader<R: Read + Seek>(reader: &mut R, size: u64, mtime: u64) -> std::io::Result<String> {
    todo!("crypto helper")
}

/// Parse the modification time out of a `c` value, if it is well formed.
pub fn mtime_of(c: &str) -> Option<u64> {
    todo!("crypto helper")
}
