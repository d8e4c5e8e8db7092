//! Node key layouts (file: 8 words, folder: 4 words), share handle authentication (`ha`),
//! the `^!keys` container, and the 12-byte upload chunk checksum (`c=`/`d=`).
use super::{aes, CryptoError, Key128};
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce, Tag};
use hkdf::Hkdf;
use sha2::Sha256;

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
        let mut aes = [0u8; 16];
        for (i, b) in aes.iter_mut().enumerate() {
            *b = stored[i] ^ stored[16 + i];
        }
        let mut nonce = [0u8; 8];
        nonce.copy_from_slice(&stored[16..24]);
        let mut meta_mac = [0u8; 8];
        meta_mac.copy_from_slice(&stored[24..32]);
        FileKey {
            aes,
            nonce,
            meta_mac,
        }
    }
    /// The stored 32-byte form: `(aes ^ (nonce ++ mac)) ++ nonce ++ mac`.
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out[16..24].copy_from_slice(&self.nonce);
        out[24..32].copy_from_slice(&self.meta_mac);
        for i in 0..16 {
            out[i] = self.aes[i] ^ out[16 + i];
        }
        out
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
        match raw.len() {
            16 => {
                let mut k = [0u8; 16];
                k.copy_from_slice(raw);
                Ok(NodeKey::Folder(k))
            }
            32 => {
                let mut k = [0u8; 32];
                k.copy_from_slice(raw);
                Ok(NodeKey::File(FileKey::from_bytes(&k)))
            }
            got => Err(CryptoError::Length { expected: 32, got }),
        }
    }
    /// The raw (unwrapped) bytes: 16 or 32.
    pub fn to_bytes(&self) -> Vec<u8> {
        let (bytes, len) = self.to_array();
        bytes[..len].to_vec()
    }
    /// [`NodeKey::to_bytes`] without an allocation: the bytes and how many of them count.
    pub fn to_array(&self) -> ([u8; 32], usize) {
        match self {
            NodeKey::Folder(k) => {
                let mut b = [0u8; 32];
                b[..16].copy_from_slice(k);
                (b, 16)
            }
            NodeKey::File(f) => (f.to_bytes(), 32),
        }
    }
    /// The AES key used for attributes (and, for files, data).
    pub fn aes_key(&self) -> Key128 {
        match self {
            NodeKey::Folder(k) => *k,
            NodeKey::File(f) => f.aes,
        }
    }
}

/// `ha` for share handle `h` (8 b64 chars): `AES-ECB(mk, ascii(h ++ h))`.
pub fn handle_auth(master_key: &Key128, handle: &str) -> [u8; 16] {
    // A well-formed handle is 8 ASCII chars, making exactly one block; anything else is
    // truncated or zero-padded so a bad handle gives a wrong `ha`, never a panic.
    let mut block = [0u8; 16];
    let h = handle.as_bytes();
    let n = h.len().min(8);
    block[..n].copy_from_slice(&h[..n]);
    block[8..8 + n].copy_from_slice(&h[..n]);
    aes::encrypt_block(&aes::cipher(master_key), &mut block);
    block
}

/// The upload chunk checksum sent as `?c=`/`?d=`: 12 bytes, `cs[j % 12] ^= byte`.
pub fn chunk_checksum(ciphertext: &[u8]) -> [u8; 12] {
    // A byte at a time ran at 1.0–1.6 GB/s, slower than megasim stores an upload. Three words
    // at a time instead: 24 bytes is two whole rounds of 12, so every byte of a word always
    // folds into the same position.
    let mut words = [0u64; 3];
    let mut blocks = ciphertext.chunks_exact(24);
    for block in &mut blocks {
        for (i, w) in words.iter_mut().enumerate() {
            *w ^= u64::from_le_bytes(std::array::from_fn(|k| block[i * 8 + k]));
        }
    }
    let mut cs = [0u8; 12];
    let folded = words.iter().flat_map(|w| w.to_le_bytes());
    // The tail starts at a multiple of 24, so at position 0 too.
    for (j, b) in folded.chain(blocks.remainder().iter().copied()).enumerate() {
        cs[j % 12] ^= b;
    }
    cs
}

/// Build a `^!keys` attribute value: `[20, 0] ++ iv ++ AES-GCM(HKDF(mk), iv, plaintext) ++ tag`.
pub fn keys_container_seal(master_key: &Key128, iv: &[u8; 12], plaintext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(KEYS_HEADER.len() + 12 + plaintext.len() + 16);
    out.extend_from_slice(&KEYS_HEADER);
    out.extend_from_slice(iv);
    out.extend_from_slice(&gcm_seal(&keys_container_key(master_key), iv, plaintext));
    out
}

/// Open a `^!keys` attribute value and return its TLV plaintext.
pub fn keys_container_open(master_key: &Key128, container: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let min = KEYS_HEADER.len() + 12 + 16;
    if container.len() < min {
        return Err(CryptoError::Length {
            expected: min,
            got: container.len(),
        });
    }
    if container[..2] != KEYS_HEADER {
        return Err(CryptoError::Invalid("^!keys header"));
    }
    let iv = &container[2..14];
    gcm_open(&keys_container_key(master_key), iv, &container[14..])
}

/// Header of the `^!keys` container as the SDK writes it (version 20, then 0).
const KEYS_HEADER: [u8; 2] = [20, 0];

/// The `^!keys` GCM key: HKDF-SHA256(ikm = MK, salt = empty, info = 0x01), 16 bytes.
pub fn keys_container_key(master_key: &Key128) -> Key128 {
    let mut k = [0u8; 16];
    // 16 bytes is far below HKDF-SHA256's 8160-byte output limit, so expand cannot fail.
    let _ = Hkdf::<Sha256>::new(None, master_key).expand(&[0x01], &mut k);
    k
}

/// AES-128-GCM with a 12-byte IV, no associated data: returns ciphertext ++ 16-byte tag.
pub fn gcm_seal(key: &Key128, iv: &[u8; 12], plaintext: &[u8]) -> Vec<u8> {
    let mut out = plaintext.to_vec();
    // Encryption only fails for plaintexts beyond GCM's 64 GiB limit.
    if let Ok(tag) =
        Aes128Gcm::new(key.into()).encrypt_in_place_detached(Nonce::from_slice(iv), b"", &mut out)
    {
        out.extend_from_slice(&tag);
    }
    out
}

/// Inverse of [`gcm_seal`]: checks the tag and returns the plaintext.
pub fn gcm_open(key: &Key128, iv: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if iv.len() != 12 {
        return Err(CryptoError::Length {
            expected: 12,
            got: iv.len(),
        });
    }
    if sealed.len() < 16 {
        return Err(CryptoError::Length {
            expected: 16,
            got: sealed.len(),
        });
    }
    let (body, tag) = sealed.split_at(sealed.len() - 16);
    let mut plain = body.to_vec();
    Aes128Gcm::new(key.into())
        .decrypt_in_place_detached(Nonce::from_slice(iv), b"", &mut plain, Tag::from_slice(tag))
        .map_err(|_| CryptoError::Invalid("AES-GCM tag"))?;
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{b64, tb};

    fn h16(s: &str) -> Key128 {
        hex::decode(s).unwrap().try_into().unwrap()
    }
    const MK: &str = "0123456789abcdeffedcba9876543210";

    #[test]
    fn b6_file_key_layout() {
        let fk = FileKey {
            aes: h16("000102030405060708090a0b0c0d0e0f"),
            nonce: hex::decode("1011121314151617").unwrap().try_into().unwrap(),
            meta_mac: hex::decode("0b03952d1cb1f6fb").unwrap().try_into().unwrap(),
        };
        let stored = fk.to_bytes();
        assert_eq!(
            hex::encode(stored),
            "1010101010101010030a9f2610bcf8f410111213141516170b03952d1cb1f6fb"
        );
        assert_eq!(
            b64::encode(&stored),
            "EBAQEBAQEBADCp8mELz49BAREhMUFRYXCwOVLRyx9vs"
        );
        assert_eq!(FileKey::from_bytes(&stored), fk);
        let k = crate::aes::wrap(&h16(MK), &stored).unwrap();
        assert_eq!(
            b64::encode(&k),
            "1tMR4NCZTS_pe7esliVtDK8HiKA7Fll1hiFmPbmxRrI"
        );
        let nk = NodeKey::from_bytes(&stored).unwrap();
        assert_eq!(nk, NodeKey::File(fk));
        assert_eq!(nk.to_bytes(), stored);
        assert_eq!(nk.aes_key(), fk.aes);
    }

    #[test]
    fn a5_a7_stored_keys_parse() {
        let a5: [u8; 32] =
            b64::decode_array("AAAAAAAAAABnFCfbJFwAxwAAAAAAAAAAZxQn2yRcAMc").unwrap();
        let fk = FileKey::from_bytes(&a5);
        assert_eq!(fk.aes, [0u8; 16]);
        assert_eq!(fk.nonce, [0u8; 8]);
        assert_eq!(hex::encode(fk.meta_mac), "671427db245c00c7");
        assert_eq!(fk.to_bytes(), a5);
        let a6: [u8; 32] =
            hex::decode("b0b0909070707093e957d163217c2f3fd4dbe2e9f0f7fe0675f47bd299c3e9f2")
                .unwrap()
                .try_into()
                .unwrap();
        let fk = FileKey::from_bytes(&a6);
        let k24 = tb(24, 100, 7);
        assert_eq!(fk.aes[..], k24[..16]);
        assert_eq!(fk.nonce[..], k24[16..]);
    }

    #[test]
    fn node_key_lengths() {
        let f = NodeKey::from_bytes(&[7u8; 16]).unwrap();
        assert_eq!(f, NodeKey::Folder([7u8; 16]));
        assert_eq!(f.aes_key(), [7u8; 16]);
        assert_eq!(f.to_bytes(), vec![7u8; 16]);
        assert!(NodeKey::from_bytes(&[0u8; 24]).is_err());
        assert!(NodeKey::from_bytes(&[]).is_err());
        assert_eq!(format!("{f:?}"), "NodeKey::Folder(..)");
    }

    #[test]
    fn b7_handle_auth() {
        assert_eq!(
            b64::encode(&handle_auth(&h16(MK), "AbCdEfGh")),
            "ZOqfCwPoG0fTbzKKBW5P0Q"
        );
        // Malformed handles must not panic.
        let _ = handle_auth(&h16(MK), "");
        let _ = handle_auth(&h16(MK), "way too long a handle");
    }

    #[test]
    fn chunk_checksum_folds_mod_12() {
        assert_eq!(chunk_checksum(&[]), [0u8; 12]);
        assert_eq!(b64::encode(&chunk_checksum(&[])), "AAAAAAAAAAAAAAAA");
        let data: Vec<u8> = (0..25u8).collect();
        let mut want = [0u8; 12];
        for (j, b) in data.iter().enumerate() {
            want[j % 12] ^= b;
        }
        assert_eq!(chunk_checksum(&data), want);
        assert_eq!(chunk_checksum(&[1, 2, 3])[..3], [1, 2, 3]);
        assert_eq!(chunk_checksum(&[5; 13])[0], 0);
        // Every length around the 24-byte blocks, against the definition.
        let data: Vec<u8> = (0..200u32).map(|i| (i * 37 + i / 5) as u8).collect();
        for len in 0..data.len() {
            let mut want = [0u8; 12];
            for (j, b) in data[..len].iter().enumerate() {
                want[j % 12] ^= b;
            }
            assert_eq!(chunk_checksum(&data[..len]), want, "length {len}");
        }
    }

    #[test]
    fn a11_gcm() {
        let key: Key128 = b64::decode_array("dGQhii-B7-eLLHRiOA690w").unwrap();
        let iv: [u8; 12] = b64::decode_array("R8q1njARXS7urWv3").unwrap();
        let pt = b64::decode("dGQhwoovwoHDr8OnwossdGI4DsK9w5M").unwrap();
        let sealed = gcm_seal(&key, &iv, &pt);
        assert_eq!(
            b64::encode(&sealed),
            "L3zqVYAOsRk7zMg2KsNTVShcad8TjIQ7umfsvia21QO0XTj8vaeR"
        );
        assert_eq!(gcm_open(&key, &iv, &sealed).unwrap(), pt);
        let mut bad = sealed.clone();
        bad[0] ^= 1;
        assert!(gcm_open(&key, &iv, &bad).is_err());
    }

    #[test]
    fn b12_keys_container() {
        let mk = h16(MK);
        assert_eq!(
            hex::encode(keys_container_key(&mk)),
            "c1fa4c1d02e26b95f2685e42603c1751"
        );
        let c = keys_container_seal(&mk, &[0u8; 12], &[]);
        assert_eq!(b64::encode(&c), "FAAAAAAAAAAAAAAAAADR5HMOsC5xbdt3BkRBYyBP");
        assert_eq!(keys_container_open(&mk, &c).unwrap(), Vec::<u8>::new());
        let tlv = [48u8, 0, 0, 23]
            .iter()
            .copied()
            .chain([9u8; 23])
            .collect::<Vec<_>>();
        let c = keys_container_seal(&mk, &[3u8; 12], &tlv);
        assert_eq!(keys_container_open(&mk, &c).unwrap(), tlv);
        assert!(keys_container_open(&[1u8; 16], &c).is_err());
        assert!(keys_container_open(&mk, &c[..20]).is_err());
        let mut bad = c.clone();
        bad[0] = 21;
        assert!(keys_container_open(&mk, &bad).is_err());
    }
}
