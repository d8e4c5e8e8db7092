//! Session ids (43 bytes, SDK layout) and the saved-session blob.
use super::{CryptoError, Key128};

/// Length of a raw session id.
pub const SID_LEN: usize = 43;

/// Server side: a new sid = 16 random bytes (first non-zero) ++ the 11 ASCII chars of the
/// b64 user handle ++ 16 random bytes.
pub fn new_sid(user_handle_b64: &str) -> [u8; SID_LEN] {
    todo!("crypto helper")
}

/// The user handle (11 b64 chars) embedded in a sid, if the sid has the SDK layout.
pub fn sid_user_handle(sid: &[u8; SID_LEN]) -> Option<String> {
    todo!("crypto helper")
}

/// SDK saved-session blob with `sek`: `0x01 ++ AES-ECB(sek, mk) ++ sid`, 60 bytes.
pub fn dump(sek: &Key128, master_key: &Key128, sid: &[u8; SID_LEN]) -> Vec<u8> {
    todo!("crypto helper")
}

/// Parse a blob made by [`dump`] (or the legacy 59-byte `mk ++ sid` form) given the session's
/// `sek` (ignored for the legacy form). Returns (master key, sid).
pub fn load(blob: &[u8], sek: &Key128) -> Result<(Key128, [u8; SID_LEN]), CryptoError> {
    todo!("crypto helper")
}
