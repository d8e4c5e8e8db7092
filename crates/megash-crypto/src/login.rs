//! Login key derivation: v1 (`prepare_key` + `stringhash`) and v2 (PBKDF2-HMAC-SHA512).
use super::{aes, b64, Key128};
use sha2::Sha512;

/// `prepare_key`'s starting block (also the B13 a32 example).
const PK_INIT: Key128 = [
    0x93, 0xc4, 0x67, 0xe3, 0x7d, 0xb0, 0xc7, 0xa4, 0xd1, 0xbe, 0x3f, 0x81, 0x01, 0x52, 0xcb, 0x56,
];

/// v1 password key from a password string, using the SDK's UTF-16 packing for non-ASCII.
pub fn prepare_key_v1(password: &str) -> Key128 {
    prepare_key_v1_bytes(&password_bytes_for_js(password))
}

/// The SDK's `utf8_to_a32forjs`: each UTF-16 code unit is shifted into its byte slot of a
/// big-endian word and OR-ed in, so units above 0xFF spill into the previous byte (the
/// webclient's JS behaviour, which v1 accounts were created with).
fn password_bytes_for_js(password: &str) -> Vec<u8> {
    let units: Vec<u16> = password.encode_utf16().collect();
    let mut words = vec![0u32; units.len().div_ceil(4)];
    for (j, &c) in units.iter().enumerate() {
        let shift = 24 - 8 * (j % 4);
        words[j / 4] |= ((c as u64) << shift) as u32;
    }
    super::a32::from_a32(&words)
}

/// v1 password key from raw password bytes (the form the public test vectors use).
pub fn prepare_key_v1_bytes(password: &[u8]) -> Key128 {
    let ciphers: Vec<_> = password
        .chunks(16)
        .map(|piece| {
            let mut k = [0u8; 16];
            k[..piece.len()].copy_from_slice(piece);
            aes::cipher(&k)
        })
        .collect();
    let mut pk = PK_INIT;
    // An empty password has no pieces: the SDK then returns the constant unchanged.
    if ciphers.is_empty() {
        return pk;
    }
    for _ in 0..65536 {
        for c in &ciphers {
            aes::encrypt_block(c, &mut pk);
        }
    }
    pk
}

/// v1 user hash `uh` (11 b64 chars) for an e-mail (lower-cased here) and a v1 password key.
pub fn user_hash_v1(email: &str, password_key: &Key128) -> String {
    b64::encode(&user_hash_v1_bytes(
        email.to_lowercase().as_bytes(),
        password_key,
    ))
}

/// v1 user hash over raw bytes without lower-casing (for the public vectors).
pub fn user_hash_v1_bytes(email: &[u8], password_key: &Key128) -> [u8; 8] {
    let mut h = [0u8; 16];
    for (i, b) in email.iter().enumerate() {
        h[i % 16] ^= b;
    }
    let c = aes::cipher(password_key);
    for _ in 0..16384 {
        aes::encrypt_block(&c, &mut h);
    }
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&h[..4]);
    out[4..].copy_from_slice(&h[8..12]);
    out
}

/// Number of PBKDF2 iterations MEGA uses for v2 accounts.
pub const V2_ITERATIONS: u32 = 100_000;

/// v2 derivation: returns (password key = dk[0..16], user hash `uh` = b64(dk[16..32])).
pub fn derive_v2(password: &str, salt: &[u8]) -> (Key128, String) {
    let mut dk = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, V2_ITERATIONS, &mut dk);
    let mut pk = [0u8; 16];
    pk.copy_from_slice(&dk[..16]);
    (pk, b64::encode(&dk[16..]))
}

/// The v2 salt MEGA derives from a client random value (`crv`): SHA-256 of "mega.nz" padded
/// with `P` to 200 bytes, then the 16 random bytes. Sign-up and password change send `crv`;
/// the server keeps the salt and returns it in `us0`.
pub fn salt_v2_from_crv(crv: &[u8; 16]) -> [u8; 32] {
    use sha2::Digest;
    let mut pad = b"mega.nz".to_vec();
    pad.resize(200, b'P');
    let mut h = sha2::Sha256::new();
    h.update(&pad);
    h.update(crv);
    h.finalize().into()
}

/// The hashed auth key a v2 account's server keeps (`hak` in sign-up, `uh` in a password
/// change): SHA-256 of the auth key (dk[16..32], what `us` sends), first 16 bytes.
pub fn hashed_auth_key(auth_key: &[u8]) -> [u8; 16] {
    use sha2::Digest;
    let d = sha2::Sha256::digest(auth_key);
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tb;

    #[test]
    fn a1_prepare_key() {
        for (n, want) in [
            (8, "c4589a459956887caf0b408635c3c03b"),
            (10, "59930b1c55d783ac77df4c4ff261b0f1"),
            (64, "83bd84689f057f9ed9834b3ecb81d80e"),
        ] {
            assert_eq!(
                hex::encode(prepare_key_v1_bytes(&tb(n, 0, 1))),
                want,
                "tb({n})"
            );
        }
    }

    #[test]
    fn a2_stringhash() {
        let pk = prepare_key_v1_bytes(&tb(8, 0, 1));
        for (n, want, uh) in [
            (10, "9e791646c66840b5", "nnkWRsZoQLU"),
            (16, "6ba07aca224e84a4", "a6B6yiJOhKQ"),
            (32, "6a1e6c5539c0ed48", "ah5sVTnA7Ug"),
        ] {
            let h = user_hash_v1_bytes(&tb(n, 0, 1), &pk);
            assert_eq!(hex::encode(h), want);
            assert_eq!(b64::encode(&h), uh);
        }
    }

    #[test]
    fn a8_b1_v1_login() {
        let pk = prepare_key_v1("mock");
        assert_eq!(hex::encode(pk), "148ed5027fa78a9e97a444159a54c621");
        assert_eq!(user_hash_v1("mock@test", &pk), "jCf2Pc0pLCU");
        assert_eq!(user_hash_v1("MOCK@Test", &pk), "jCf2Pc0pLCU");
        let pk = prepare_key_v1("correct horse battery staple");
        assert_eq!(hex::encode(pk), "57d978ef82e99ea50ab00045e8614d7b");
        assert_eq!(user_hash_v1("user@example.com", &pk), "sSgbS6ks0bE");
    }

    #[test]
    fn non_ascii_uses_utf16_packing() {
        // Latin-1 range: one byte per code unit, not the two UTF-8 bytes.
        assert_eq!(password_bytes_for_js("é"), [0xe9, 0, 0, 0]);
        // A unit above 0xFF at slot 1 spills its high byte into slot 0.
        assert_eq!(password_bytes_for_js("a€"), [0x61 | 0x20, 0xac, 0, 0]);
        // At slot 0 the high byte falls off the word.
        assert_eq!(password_bytes_for_js("€"), [0xac, 0, 0, 0]);
        assert_eq!(password_bytes_for_js("abcde"), b"abcde\0\0\0");
        assert_ne!(prepare_key_v1("é"), prepare_key_v1_bytes("é".as_bytes()));
        assert_eq!(prepare_key_v1("mock"), prepare_key_v1_bytes(b"mock"));
    }

    #[test]
    fn empty_password_is_the_constant() {
        assert_eq!(prepare_key_v1(""), PK_INIT);
        assert_eq!(prepare_key_v1_bytes(b""), PK_INIT);
    }

    #[test]
    fn b2_v2_login() {
        let salt: Vec<u8> = (0u8..32).collect();
        assert_eq!(
            b64::encode(&salt),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
        );
        let (pk, uh) = derive_v2("correct horse battery staple", &salt);
        assert_eq!(hex::encode(pk), "88aa99bab648e0a15a6dcfd127cb7d9f");
        assert_eq!(uh, "F9Gj-gyqbKnMl-KglgC7wA");
    }
}
