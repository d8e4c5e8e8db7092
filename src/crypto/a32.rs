//! a32: byte strings as big-endian u32 words (MEGA's JS heritage).

/// Bytes to big-endian words; a length not a multiple of 4 is zero-padded on the right.
pub fn to_a32(bytes: &[u8]) -> Vec<u32> {
    todo!("crypto helper")
}

/// Words back to bytes (big-endian).
pub fn from_a32(words: &[u32]) -> Vec<u8> {
    todo!("crypto helper")
}
