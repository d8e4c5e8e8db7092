//! AES-128 building blocks: ECB key wrapping, CTR at any byte offset, CBC with zero IV.
use super::{CryptoError, Key128};
use aes::cipher::{
    block_padding::NoPadding, BlockDecrypt, BlockDecryptMut, BlockEncrypt, BlockEncryptMut,
    KeyInit, KeyIvInit, StreamCipher, StreamCipherSeek,
};
use aes::Aes128;

fn check_blocks(data: &[u8]) -> Result<(), CryptoError> {
    if !data.len().is_multiple_of(16) {
        return Err(CryptoError::Length {
            expected: data.len().next_multiple_of(16),
            got: data.len(),
        });
    }
    Ok(())
}

/// The cipher for a key; exposed so hot loops (MACs, KDFs) expand the key schedule once.
pub(crate) fn cipher(key: &Key128) -> Aes128 {
    Aes128::new(key.into())
}

/// Encrypt one block in place with an already expanded key.
pub(crate) fn encrypt_block(cipher: &Aes128, block: &mut [u8; 16]) {
    cipher.encrypt_block(block.into());
}

/// Decrypt one block in place with an already expanded key.
pub(crate) fn decrypt_block(cipher: &Aes128, block: &mut [u8; 16]) {
    cipher.decrypt_block(block.into());
}

/// ECB-encrypt every 16-byte block of `data` in place. `data.len()` must be a multiple of 16.
pub fn ecb_encrypt(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    check_blocks(data)?;
    let c = cipher(key);
    for block in data.chunks_exact_mut(16) {
        c.encrypt_block(block.into());
    }
    Ok(())
}

/// ECB-decrypt every 16-byte block of `data` in place.
pub fn ecb_decrypt(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    Unwrapper::new(key).unwrap_in_place(data)
}

/// Wrap a key (16 or 32 bytes, or an RSA blob) with `wrapping_key`: ECB, block by block.
pub fn wrap(wrapping_key: &Key128, key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut out = key.to_vec();
    ecb_encrypt(wrapping_key, &mut out)?;
    Ok(out)
}

/// [`unwrap`] with one wrapping key over many keys (the master key over a whole tree): the
/// key schedule is expanded once instead of once per key.
#[derive(Clone)]
pub struct Unwrapper {
    key: Key128,
    cipher: aes::Aes128Dec,
}

impl std::fmt::Debug for Unwrapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Unwrapper(..)")
    }
}

impl Unwrapper {
    pub fn new(key: &Key128) -> Unwrapper {
        Unwrapper {
            key: *key,
            cipher: aes::Aes128Dec::new(key.into()),
        }
    }

    /// Whether this unwraps with `key`.
    pub fn is_for(&self, key: &Key128) -> bool {
        self.key == *key
    }

    /// Unwrap in place (a multiple of 16 bytes): ECB decryption, block by block.
    pub fn unwrap_in_place(&self, data: &mut [u8]) -> Result<(), CryptoError> {
        check_blocks(data)?;
        for block in data.chunks_exact_mut(16) {
            self.cipher.decrypt_block(block.into());
        }
        Ok(())
    }
}

/// Unwrap a key wrapped by [`wrap`].
pub fn unwrap(wrapping_key: &Key128, wrapped: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut out = wrapped.to_vec();
    ecb_decrypt(wrapping_key, &mut out)?;
    Ok(out)
}

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// AES-CTR with MEGA's counter (`nonce ++ (offset/16)` big-endian), applied in place to `data`
/// which starts at byte `offset` of the file. Works at any offset, aligned or not.
pub fn ctr_apply(key: &Key128, nonce: &[u8; 8], offset: u64, data: &mut [u8]) {
    let mut iv = [0u8; 16];
    iv[..8].copy_from_slice(nonce);
    let mut c = Aes128Ctr::new(key.into(), &iv.into());
    // The block counter occupies the low 64 bits and starts at 0, so seeking never carries
    // into the nonce for any offset a u64 can express divided by 16.
    c.seek(offset);
    c.apply_keystream(data);
}

/// [`ctr_apply`] from `input` into `output` (the shorter length of the two), so data that
/// must be copied anyway is encrypted or decrypted on the way.
pub fn ctr_apply_to(key: &Key128, nonce: &[u8; 8], offset: u64, input: &[u8], output: &mut [u8]) {
    let n = input.len().min(output.len());
    let mut iv = [0u8; 16];
    iv[..8].copy_from_slice(nonce);
    let mut c = Aes128Ctr::new(key.into(), &iv.into());
    c.seek(offset);
    // Equal lengths by construction: the only error `apply_keystream_b2b` has.
    let _ = c.apply_keystream_b2b(&input[..n], &mut output[..n]);
}

/// AES-CBC encrypt with a zero IV, in place; `data.len()` must be a multiple of 16.
pub fn cbc_encrypt_zero_iv(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    check_blocks(data)?;
    let len = data.len();
    cbc::Encryptor::<Aes128>::new(key.into(), &[0u8; 16].into())
        .encrypt_padded_mut::<NoPadding>(data, len)
        .map_err(|_| CryptoError::Length {
            expected: len.next_multiple_of(16),
            got: len,
        })?;
    Ok(())
}

/// AES-CBC decrypt with a zero IV, in place.
pub fn cbc_decrypt_zero_iv(key: &Key128, data: &mut [u8]) -> Result<(), CryptoError> {
    check_blocks(data)?;
    let len = data.len();
    // Decryption needs only the inverse schedule: half the cipher state to build and move.
    cbc::Decryptor::<aes::Aes128Dec>::new(key.into(), &[0u8; 16].into())
        .decrypt_padded_mut::<NoPadding>(data)
        .map_err(|_| CryptoError::Length {
            expected: len.next_multiple_of(16),
            got: len,
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{b64, tb};
    use sha1::{Digest, Sha1};

    fn key_nonce(k24: &[u8]) -> (Key128, [u8; 8]) {
        (
            k24[..16].try_into().unwrap(),
            k24[16..24].try_into().unwrap(),
        )
    }

    #[test]
    fn a3_ctr() {
        let (k, n) = key_nonce(&tb(24, 0, 1));
        let mut d = tb(32, 0, 1);
        ctr_apply(&k, &n, 0, &mut d);
        assert_eq!(
            hex::encode(&d),
            "8de7dac3d95eca9fd74f30c1ecf8247a8f25d1b3fd2d11a8a7b458d16a085434"
        );
        let mut big = tb(151511, 0, 1);
        ctr_apply(&k, &n, 0, &mut big);
        assert_eq!(
            hex::encode(Sha1::digest(&big)),
            "2ec4f058ba6100f7e28b4ff7bb9a711a5de57c64"
        );
    }

    #[test]
    fn ctr_any_offset_matches_whole() {
        let (k, n) = key_nonce(&tb(24, 3, 5));
        let plain = tb(1000, 0, 1);
        let mut whole = plain.clone();
        ctr_apply(&k, &n, 0, &mut whole);
        for (start, end) in [
            (0, 1),
            (1, 17),
            (15, 16),
            (16, 48),
            (7, 1000),
            (999, 1000),
            (33, 33),
        ] {
            let mut piece = plain[start..end].to_vec();
            ctr_apply(&k, &n, start as u64, &mut piece);
            assert_eq!(piece, whole[start..end], "{start}..{end}");
        }
    }

    #[test]
    fn b8_large_offset() {
        let k: Key128 = hex::decode("000102030405060708090a0b0c0d0e0f")
            .unwrap()
            .try_into()
            .unwrap();
        let n: [u8; 8] = hex::decode("1011121314151617").unwrap().try_into().unwrap();
        let off = (1u64 << 36) + 32;
        let mut ks = [0u8; 16];
        ctr_apply(&k, &n, off, &mut ks);
        assert_eq!(hex::encode(ks), "14863f76d93b4f396f53f77330b81ac5");
        // The same block by hand from the documented counter block.
        let mut block: [u8; 16] = hex::decode("10111213141516170000000100000002")
            .unwrap()
            .try_into()
            .unwrap();
        ecb_encrypt(&k, &mut block).unwrap();
        assert_eq!(block, ks);
        // Unaligned start inside that block drops the first keystream bytes.
        let mut tail = [0u8; 5];
        ctr_apply(&k, &n, off + 11, &mut tail);
        assert_eq!(tail, ks[11..16]);
    }

    #[test]
    fn a4_cbc() {
        let k: Key128 = tb(16, 0, 1).try_into().unwrap();
        let plain = tb(160, 0, 1);
        let mut d = plain.clone();
        cbc_encrypt_zero_iv(&k, &mut d).unwrap();
        assert_eq!(
            hex::encode(Sha1::digest(&d)),
            "cd9a7168ec42cb0cc1f2a18575ff7794b4b5a95d"
        );
        cbc_decrypt_zero_iv(&k, &mut d).unwrap();
        assert_eq!(d, plain);
    }

    #[test]
    fn b3_b5_wrap() {
        let pk: Key128 = hex::decode("88aa99bab648e0a15a6dcfd127cb7d9f")
            .unwrap()
            .try_into()
            .unwrap();
        let mk: Key128 = hex::decode("0123456789abcdeffedcba9876543210")
            .unwrap()
            .try_into()
            .unwrap();
        let k = wrap(&pk, &mk).unwrap();
        assert_eq!(b64::encode(&k), "Gxf4qVZds9CJ_R4v_iOTiQ");
        assert_eq!(unwrap(&pk, &k).unwrap(), mk);
        let fk = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        assert_eq!(
            b64::encode(&wrap(&mk, &fk).unwrap()),
            "WnliPF68-gPfF1V0OCpKHg"
        );
    }

    #[test]
    fn an_unwrapper_unwraps_as_unwrap_does() {
        let (k, key) = ([3u8; 16], [0x5au8; 32]);
        let wrapped = wrap(&k, &key).unwrap();
        let u = Unwrapper::new(&k);
        assert!(u.is_for(&k) && !u.is_for(&[4u8; 16]));
        let mut data = wrapped.clone();
        u.unwrap_in_place(&mut data).unwrap();
        assert_eq!(data, unwrap(&k, &wrapped).unwrap());
        assert_eq!(data, key);
        assert!(u.unwrap_in_place(&mut [0u8; 15]).is_err());
        assert_eq!(format!("{u:?}"), "Unwrapper(..)");
    }

    #[test]
    fn bad_lengths_are_errors() {
        let k = [0u8; 16];
        assert!(wrap(&k, &[0u8; 15]).is_err());
        assert!(unwrap(&k, &[0u8; 17]).is_err());
        assert!(cbc_encrypt_zero_iv(&k, &mut [0u8; 3]).is_err());
        assert!(cbc_decrypt_zero_iv(&k, &mut [0u8; 3]).is_err());
        assert!(wrap(&k, &[]).unwrap().is_empty());
    }
}
