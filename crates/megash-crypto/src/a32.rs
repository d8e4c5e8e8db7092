//! a32: byte strings as big-endian u32 words (MEGA's JS heritage).

/// Bytes to big-endian words; a length not a multiple of 4 is zero-padded on the right.
pub fn to_a32(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks(4)
        .map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            u32::from_be_bytes(w)
        })
        .collect()
}

/// Words back to bytes (big-endian).
pub fn from_a32(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_be_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::b64;

    #[test]
    fn b13_vectors() {
        let words = [0x93C467E3, 0x7DB0C7A4, 0xD1BE3F81, 0x0152CB56];
        let bytes = from_a32(&words);
        assert_eq!(b64::encode(&bytes), "k8Rn432wx6TRvj-BAVLLVg");
        assert_eq!(to_a32(&bytes), words);
        let uh = b64::decode("jCf2Pc0pLCU").unwrap();
        assert_eq!(to_a32(&uh), [2351429181, 3442027557]);
    }

    #[test]
    fn pads_short_tail() {
        assert_eq!(to_a32(&[1, 2, 3, 4, 5]), [0x01020304, 0x05000000]);
        assert!(to_a32(&[]).is_empty());
    }
}
