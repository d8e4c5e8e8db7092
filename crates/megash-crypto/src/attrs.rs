//! Node attributes: `"MEGA" ++ JSON`, zero-padded, AES-CBC with zero IV, base64.
use super::{aes, b64, CryptoError, Key128};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Encrypt an attribute object (compact JSON) and return the b64 `a`/`at` value.
pub fn encrypt(key: &Key128, attrs: &Map<String, Value>) -> String {
    let mut plain = b"MEGA".to_vec();
    // Serialising a Map<String, Value> cannot fail (keys are strings, values are JSON).
    plain.extend_from_slice(serde_json::to_string(attrs).unwrap_or_default().as_bytes());
    plain.resize(plain.len().next_multiple_of(16), 0);
    // The buffer was just padded to whole blocks, so CBC cannot reject its length.
    let _ = aes::cbc_encrypt_zero_iv(key, &mut plain);
    b64::encode(&plain)
}

/// Decrypt an `a`/`at` value; fails if the plaintext does not start with `MEGA{` or is not JSON.
pub fn decrypt(key: &Key128, at: &str) -> Result<Map<String, Value>, CryptoError> {
    decrypt_into(key, at)
}

/// [`decrypt`] into any type an attribute object deserializes to.
pub fn decrypt_into<T: DeserializeOwned>(key: &Key128, at: &str) -> Result<T, CryptoError> {
    // Most attribute blocks are a name and a fingerprint: decoded on the stack, not in a
    // fresh allocation per node of a full fetch.
    let mut stack = [0u8; 512];
    let mut heap;
    let data: &mut [u8] = match b64::decode_into(at, &mut stack) {
        Ok(len) => &mut stack[..len],
        Err(_) => {
            heap = b64::decode(at).map_err(|_| CryptoError::Attributes)?;
            &mut heap
        }
    };
    if data.is_empty() || !data.len().is_multiple_of(16) {
        return Err(CryptoError::Attributes);
    }
    aes::cbc_decrypt_zero_iv(key, data).map_err(|_| CryptoError::Attributes)?;
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let plain = &data[..end];
    let json = plain
        .strip_prefix(b"MEGA")
        .filter(|j| j.starts_with(b"{"))
        .ok_or(CryptoError::Attributes)?;
    // Take the first JSON object and ignore anything after it: some clients leave junk
    // behind the closing brace, and go-mega-style readers tolerate it.
    serde_json::Deserializer::from_slice(json)
        .into_iter::<T>()
        .next()
        .and_then(Result::ok)
        .ok_or(CryptoError::Attributes)
}

/// Convenience: the attribute object `{"n": name}` plus an optional fingerprint `c`.
pub fn encrypt_name(key: &Key128, name: &str, fingerprint: Option<&str>) -> String {
    let mut m = Map::new();
    m.insert("n".into(), Value::String(name.into()));
    if let Some(c) = fingerprint {
        m.insert("c".into(), Value::String(c.into()));
    }
    encrypt(key, &m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key() -> Key128 {
        hex::decode("000102030405060708090a0b0c0d0e0f")
            .unwrap()
            .try_into()
            .unwrap()
    }

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn b4_vector() {
        let a = encrypt(&key(), &obj(json!({"n": "hello.txt"})));
        assert_eq!(a, "PXKaKROX-3KfhCRae1zd6qp8ZOUIggiCiWGYp_LR_DE");
        assert_eq!(encrypt_name(&key(), "hello.txt", None), a);
        assert_eq!(decrypt(&key(), &a).unwrap(), obj(json!({"n": "hello.txt"})));
    }

    #[test]
    fn round_trip_with_unknown_members() {
        let m = obj(
            json!({"n": "ünïcødé name 🎉", "c": "AwQFBgAAAAAAAAAAAAAAAAEB", "lbl": 3, "x": {"y": [1, 2]}}),
        );
        let a = encrypt(&key(), &m);
        assert_eq!(decrypt(&key(), &a).unwrap(), m);
        let named = encrypt_name(&key(), "f", Some("AwQFBgAAAAAAAAAAAAAAAAEB"));
        assert_eq!(
            decrypt(&key(), &named).unwrap(),
            obj(json!({"n": "f", "c": "AwQFBgAAAAAAAAAAAAAAAAEB"}))
        );
        // Exactly one block of plaintext: "MEGA" + 12 bytes of JSON.
        let m = obj(json!({"n": "abcd"}));
        assert_eq!(serde_json::to_string(&m).unwrap().len(), 12);
        assert_eq!(decrypt(&key(), &encrypt(&key(), &m)).unwrap(), m);
    }

    #[test]
    fn python_style_spacing_and_trailing_junk_decode() {
        for plain in [&b"MEGA{\"n\": \"x\"}"[..], b"MEGA{\"n\":\"x\"}junk"] {
            let mut d = plain.to_vec();
            d.resize(d.len().next_multiple_of(16), 0);
            aes::cbc_encrypt_zero_iv(&key(), &mut d).unwrap();
            assert_eq!(
                decrypt(&key(), &b64::encode(&d)).unwrap(),
                obj(json!({"n": "x"}))
            );
        }
    }

    #[test]
    fn wrong_key_or_garbage_fails() {
        let a = encrypt_name(&key(), "x", None);
        assert_eq!(decrypt(&[9u8; 16], &a), Err(CryptoError::Attributes));
        assert_eq!(decrypt(&key(), ""), Err(CryptoError::Attributes));
        assert_eq!(decrypt(&key(), "!!!"), Err(CryptoError::Attributes));
        assert_eq!(decrypt(&key(), "AAAA"), Err(CryptoError::Attributes));
        let mut d = b"MEGA[1,2]".to_vec();
        d.resize(16, 0);
        aes::cbc_encrypt_zero_iv(&key(), &mut d).unwrap();
        assert_eq!(
            decrypt(&key(), &b64::encode(&d)),
            Err(CryptoError::Attributes)
        );
    }
    /// Found by `cargo fuzz run decode`: serde_json's default float parser is not correctly
    /// rounded, so `1e89` read back after re-encrypting became 1.0000000000000001e89. Renaming a
    /// node would silently change other clients' numeric attributes.
    #[test]
    fn fuzz_float_attribute_round_trip() {
        for text in [
            "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999991",
            "1.0000000000000001e89",
            "1e89",
            "9.999999999999999e22",
            "1e23",
            "0.1",
            "-2.2250738585072014e-308",
        ] {
            let mut d = format!("MEGA{{\"x\":{text}}}").into_bytes();
            d.resize(d.len().next_multiple_of(16), 0);
            aes::cbc_encrypt_zero_iv(&key(), &mut d).unwrap();
            let first = decrypt(&key(), &b64::encode(&d)).unwrap();
            assert_eq!(
                first["x"].as_f64().unwrap(),
                text.parse::<f64>().unwrap(),
                "{text}"
            );
            assert_eq!(
                decrypt(&key(), &encrypt(&key(), &first)).unwrap(),
                first,
                "{text}"
            );
        }
    }
}
