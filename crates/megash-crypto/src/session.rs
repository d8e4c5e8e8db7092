//! Session ids (43 bytes, SDK layout) and the saved-session blob.
use super::{aes, b64, CryptoError, Key128};
use rand::RngCore;

/// Length of a raw session id.
pub const SID_LEN: usize = 43;

/// Server side: a new sid = 16 random bytes (first non-zero) ++ the 11 ASCII chars of the
/// b64 user handle ++ 16 random bytes.
pub fn new_sid(user_handle_b64: &str) -> [u8; SID_LEN] {
    let mut sid = [0u8; SID_LEN];
    let mut rng = rand::thread_rng();
    rng.fill_bytes(&mut sid);
    // Clients that take the minimal big-endian form of the RSA plaintext lose a leading zero.
    while sid[0] == 0 {
        sid[0] = (rng.next_u32() & 0xff) as u8;
    }
    let h = user_handle_b64.as_bytes();
    let n = h.len().min(11);
    sid[16..16 + n].copy_from_slice(&h[..n]);
    sid
}

/// The user handle (11 b64 chars) embedded in a sid, if the sid has the SDK layout.
pub fn sid_user_handle(sid: &[u8; SID_LEN]) -> Option<String> {
    let h = std::str::from_utf8(&sid[16..27]).ok()?;
    if !h
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    b64::decode_array::<8>(h).ok()?;
    Some(h.to_string())
}

/// SDK saved-session blob with `sek`: `0x01 ++ AES-ECB(sek, mk) ++ sid`, 60 bytes.
pub fn dump(sek: &Key128, master_key: &Key128, sid: &[u8; SID_LEN]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 16 + SID_LEN);
    out.push(1);
    let mut mk = *master_key;
    aes::encrypt_block(&aes::cipher(sek), &mut mk);
    out.extend_from_slice(&mk);
    out.extend_from_slice(sid);
    out
}

/// Parse a blob made by [`dump`] (or the legacy 59-byte `mk ++ sid` form) given the session's
/// `sek` (ignored for the legacy form). Returns (master key, sid).
pub fn load(blob: &[u8], sek: &Key128) -> Result<(Key128, [u8; SID_LEN]), CryptoError> {
    let split = |rest: &[u8]| -> (Key128, [u8; SID_LEN]) {
        let mut mk = [0u8; 16];
        mk.copy_from_slice(&rest[..16]);
        let mut sid = [0u8; SID_LEN];
        sid.copy_from_slice(&rest[16..]);
        (mk, sid)
    };
    match blob.len() {
        60 if blob[0] == 1 => {
            let (mut mk, sid) = split(&blob[1..]);
            aes::decrypt_block(&aes::cipher(sek), &mut mk);
            Ok((mk, sid))
        }
        59 => Ok(split(blob)),
        60 => Err(CryptoError::Invalid("saved session type")),
        got => Err(CryptoError::Length { expected: 60, got }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_sid_layout() {
        for _ in 0..200 {
            let sid = new_sid("-a1DHeWfguY");
            assert_ne!(sid[0], 0);
            assert_eq!(&sid[16..27], b"-a1DHeWfguY");
            assert_eq!(sid_user_handle(&sid).as_deref(), Some("-a1DHeWfguY"));
        }
        assert_ne!(new_sid("AAAAAAAAAAA"), new_sid("AAAAAAAAAAA"));
    }

    #[test]
    fn a12_real_tsid_layout() {
        let tsid: [u8; SID_LEN] =
            b64::decode_array("W9fg4kOw8p44KWoWICbgES1hMURIZVdmZ3VZ3et8yi-vkehKMjW83vzjmw")
                .unwrap();
        assert_eq!(hex::encode(&tsid[..16]), "5bd7e0e243b0f29e38296a162026e011");
        assert_eq!(hex::encode(&tsid[27..]), "ddeb7cca2faf91e84a3235bcdefce39b");
        assert_eq!(sid_user_handle(&tsid).as_deref(), Some("-a1DHeWfguY"));
    }

    #[test]
    fn a8_mock_sid_has_no_sdk_layout() {
        let sid: [u8; SID_LEN] =
            b64::decode_array("jCf2Pc0pLCU_megamock_megamock_megamock_megZR61HfxJk1rXbG5A")
                .unwrap();
        assert_ne!(sid_user_handle(&sid).as_deref(), Some("jCf2Pc0pLCU"));
        assert_eq!(sid_user_handle(&[0u8; SID_LEN]), None);
        assert_eq!(sid_user_handle(&[b'!'; SID_LEN]), None);
    }

    #[test]
    fn dump_load_round_trip() {
        let sek = [7u8; 16];
        let mk = [9u8; 16];
        let sid = new_sid("jCf2Pc0pLCU");
        let blob = dump(&sek, &mk, &sid);
        assert_eq!(blob.len(), 60);
        assert_eq!(blob[0], 1);
        assert_ne!(blob[1..17], mk);
        assert_eq!(load(&blob, &sek).unwrap(), (mk, sid));
        assert_ne!(load(&blob, &[8u8; 16]).unwrap().0, mk);
        let mut legacy = mk.to_vec();
        legacy.extend_from_slice(&sid);
        assert_eq!(load(&legacy, &sek).unwrap(), (mk, sid));
        assert!(load(&[], &sek).is_err());
        assert!(load(&blob[..59 - 1], &sek).is_err());
        let mut folder = blob.clone();
        folder[0] = 2;
        assert!(load(&folder, &sek).is_err());
    }
}
