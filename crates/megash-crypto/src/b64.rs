//! MEGA's base64: URL-safe alphabet, no padding out; lenient in (accepts `+`/`/`, `=`, `,`).
use super::CryptoError;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, Engine, GeneralPurpose, GeneralPurposeConfig};

/// Encoding never pads; decoding tolerates non-zero trailing bits because other clients
/// (and MEGA's JS decoder) do not insist on canonical encodings.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Encode with the URL-safe alphabet and no padding.
pub fn encode(bytes: &[u8]) -> String {
    ENGINE.encode(bytes)
}

/// Encode into `out` without allocating (a full fetch stores an owner handle per node);
/// `out` must hold the encoding (4 characters per 3 bytes, rounded up, no padding).
pub fn encode_into<'a>(bytes: &[u8], out: &'a mut [u8]) -> Result<&'a str, CryptoError> {
    let room = out.len();
    let len = ENGINE
        .encode_slice(bytes, &mut *out)
        .map_err(|_| CryptoError::Length {
            expected: bytes.len().div_ceil(3) * 4,
            got: room,
        })?;
    std::str::from_utf8(&out[..len]).map_err(|_| CryptoError::Base64)
}

/// Decode leniently: `-_` or `+/`, trailing `=` and stray `,` ignored.
pub fn decode(s: &str) -> Result<Vec<u8>, CryptoError> {
    // What MEGA sends is already unpadded base64url, so that is tried first: no cleaned copy
    // (node keys, handles and attributes of a million-node fetch all come through here).
    ENGINE.decode(s).or_else(|_| {
        let cleaned: Vec<u8> = s
            .bytes()
            .filter(|&b| b != b'=' && b != b',')
            .map(|b| match b {
                b'+' => b'-',
                b'/' => b'_',
                other => other,
            })
            .collect();
        ENGINE.decode(cleaned).map_err(|_| CryptoError::Base64)
    })
}

/// Decode into exactly `N` bytes (handles: three per node of a full fetch, on the stack).
pub fn decode_array<const N: usize>(s: &str) -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    let got = match decode_into(s, &mut out) {
        Ok(len) => len,
        // Longer than `N`: `expected` is what the input decodes to.
        Err(CryptoError::Length { expected, .. }) => expected,
        Err(e) => return Err(e),
    };
    if got != N {
        return Err(CryptoError::Length { expected: N, got });
    }
    Ok(out)
}

/// Decode into `out`, returning the length: no allocation when the canonical form fits (a
/// full fetch decodes two of these per node). Lenient like [`decode`]; an answer longer
/// than `out` is an error.
pub fn decode_into(s: &str, out: &mut [u8]) -> Result<usize, CryptoError> {
    if let Ok(len) = ENGINE.decode_slice(s, &mut *out) {
        return Ok(len);
    }
    let v = decode(s)?;
    let room = out.len();
    let dest = out.get_mut(..v.len()).ok_or(CryptoError::Length {
        expected: v.len(),
        got: room,
    })?;
    dest.copy_from_slice(&v);
    Ok(v.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b13_vectors() {
        let k = hex::decode("93c467e37db0c7a4d1be3f810152cb56").unwrap();
        assert_eq!(encode(&k), "k8Rn432wx6TRvj-BAVLLVg");
        assert_eq!(decode("k8Rn432wx6TRvj-BAVLLVg").unwrap(), k);
        assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(decode("-_-_").unwrap(), [0xfb, 0xff, 0xbf]);
        let mut buf = [0u8; 4];
        assert_eq!(encode_into(&[0xfb, 0xff, 0xbf], &mut buf).unwrap(), "-_-_");
        assert!(encode_into(&[0; 4], &mut buf).is_err());
        assert_eq!(decode_into("-_-_", &mut buf).unwrap(), 3);
        assert_eq!(decode_into("+/+/==", &mut buf).unwrap(), 3);
        assert_eq!(buf[..3], [0xfb, 0xff, 0xbf]);
        assert!(decode_into("k8Rn432wx6TRvj-BAVLLVg", &mut buf).is_err());
        // An exact fit decodes in place (file keys: 43 characters into 32 bytes).
        let key = [0xa5u8; 32];
        let mut out = [0u8; 32];
        assert_eq!(decode_into(&encode(&key), &mut out).unwrap(), 32);
        assert_eq!(out, key);
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode("-_8").unwrap(), [0xfb, 0xff]);
    }

    #[test]
    fn lenient_alphabet_padding_commas() {
        assert_eq!(decode("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
        assert_eq!(decode("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode("-_8,").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decode("a"), Err(CryptoError::Base64));
        assert_eq!(decode("ab!d"), Err(CryptoError::Base64));
        assert_eq!(decode("héllo"), Err(CryptoError::Base64));
        assert_eq!(decode("ab cd"), Err(CryptoError::Base64));
        assert_eq!(
            decode_array::<16>("-_8"),
            Err(CryptoError::Length {
                expected: 16,
                got: 2
            })
        );
        assert_eq!(decode_array::<2>("-_8").unwrap(), [0xfb, 0xff]);
        // The lenient forms and inputs too long for the stack buffer take the other path.
        assert_eq!(decode_array::<2>("+/8=").unwrap(), [0xfb, 0xff]);
        let long = "A".repeat(200);
        assert_eq!(
            decode_array::<2>(&long),
            Err(CryptoError::Length {
                expected: 2,
                got: 150
            })
        );
        assert_eq!(decode_array::<2>("ab!d"), Err(CryptoError::Base64));
    }
}
