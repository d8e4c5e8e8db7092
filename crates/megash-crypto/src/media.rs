//! MEGA's media attributes (file attribute type 8): width, height, frame rate and playing time
//! of a video or audio file, packed into 8 bytes and encrypted with XXTEA under the second half
//! of the file's key (the SDK's `MediaProperties`). Decoding is what `mediainfo` needs;
//! encoding is kept beside it so the two are tested against each other.

const DELTA: u32 = 0x9e37_79b9;

fn mx(sum: u32, y: u32, z: u32, p: usize, e: u32, key: &[u32; 4]) -> u32 {
    ((z >> 5 ^ y << 2).wrapping_add(y >> 3 ^ z << 4))
        ^ ((sum ^ y).wrapping_add(key[(p & 3) ^ e as usize] ^ z))
}

/// XXTEA (corrected block TEA) encryption of `v` in place.
pub fn xxtea_encrypt(v: &mut [u32], key: &[u32; 4]) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let mut rounds = 6 + 52 / n;
    let mut sum: u32 = 0;
    let mut z = v[n - 1];
    while rounds > 0 {
        sum = sum.wrapping_add(DELTA);
        let e = (sum >> 2) & 3;
        for p in 0..n {
            let y = v[(p + 1) % n];
            v[p] = v[p].wrapping_add(mx(sum, y, z, p, e, key));
            z = v[p];
        }
        rounds -= 1;
    }
}

/// XXTEA decryption of `v` in place.
pub fn xxtea_decrypt(v: &mut [u32], key: &[u32; 4]) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let rounds = 6 + 52 / n;
    let mut sum = (rounds as u32).wrapping_mul(DELTA);
    let mut y = v[0];
    for _ in 0..rounds {
        let e = (sum >> 2) & 3;
        for p in (0..n).rev() {
            let z = v[if p == 0 { n - 1 } else { p - 1 }];
            v[p] = v[p].wrapping_sub(mx(sum, y, z, p, e, key));
            y = v[p];
        }
        sum = sum.wrapping_sub(DELTA);
    }
}

/// The XXTEA key of a file: the second half of its 32-byte node key, as little-endian words.
pub fn media_key(node_key: &[u8; 32]) -> [u32; 4] {
    std::array::from_fn(|i| {
        u32::from_le_bytes(
            node_key[16 + 4 * i..20 + 4 * i]
                .try_into()
                .unwrap_or([0; 4]),
        )
    })
}

/// What a media attribute says (`None` in a field: not recorded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MediaInfo {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Seconds.
    pub playtime: u32,
    /// MEGA's short format id (0: described by attribute 9).
    pub short_format: u8,
}

fn words(b: &[u8; 8]) -> [u32; 2] {
    [
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
    ]
}

fn bytes(w: &[u32; 2]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&w[0].to_le_bytes());
    out[4..].copy_from_slice(&w[1].to_le_bytes());
    out
}

/// Decode the 8 encrypted bytes of a type-8 attribute.
pub fn decode(encrypted: &[u8; 8], key: &[u32; 4]) -> MediaInfo {
    let mut w = words(encrypted);
    xxtea_decrypt(&mut w, key);
    let v = bytes(&w);
    let (v0, v1, v2, v3, v4, v5, v6) = (
        u32::from(v[0]),
        u32::from(v[1]),
        u32::from(v[2]),
        u32::from(v[3]),
        u32::from(v[4]),
        u32::from(v[5]),
        u32::from(v[6]),
    );
    let mut width = (v0 >> 1) + ((v1 & 127) << 7);
    if v0 & 1 != 0 {
        width = (width << 3) + 16384;
    }
    let mut height = v2 + ((v3 & 63) << 8);
    if v1 & 128 != 0 {
        height = (height << 3) + 16384;
    }
    let mut fps = (v3 >> 7) + ((v4 & 63) << 1);
    if v3 & 64 != 0 {
        fps = (fps << 3) + 128;
    }
    let mut playtime = (v4 >> 7) + (v5 << 1) + (v6 << 9);
    if v4 & 64 != 0 {
        playtime = playtime * 60 + 131_100;
    }
    MediaInfo {
        width,
        height,
        fps,
        playtime,
        short_format: v[7],
    }
}

/// Encode `m` as the 8 encrypted bytes of a type-8 attribute (exact for values below the
/// ranges where the SDK starts to round: width and height < 16384, fps < 128, playtime <
/// 131072 s).
pub fn encode(m: &MediaInfo, key: &[u32; 4]) -> [u8; 8] {
    let mut v = [0u8; 8];
    v[0] = ((m.width << 1) & 0xff) as u8;
    v[1] = ((m.width >> 7) & 127) as u8 | if m.height >> 14 != 0 { 128 } else { 0 };
    v[2] = (m.height & 0xff) as u8;
    v[3] = ((m.height >> 8) & 63) as u8 | (((m.fps & 1) << 7) as u8);
    v[4] = ((m.fps >> 1) & 63) as u8 | (((m.playtime & 1) << 7) as u8);
    v[5] = ((m.playtime >> 1) & 0xff) as u8;
    v[6] = ((m.playtime >> 9) & 0xff) as u8;
    v[7] = m.short_format;
    let mut w = words(&v);
    xxtea_encrypt(&mut w, key);
    bytes(&w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xxtea_round_trips_and_matches_the_reference_vector() {
        // The reference implementation's vector (all-zero key and data, two words).
        let key = [0u32; 4];
        let mut v = [0u32, 0];
        xxtea_encrypt(&mut v, &key);
        assert_eq!(v, [0x053704ab, 0x575d8c80]);
        xxtea_decrypt(&mut v, &key);
        assert_eq!(v, [0, 0]);
    }

    #[test]
    fn media_attributes_round_trip() {
        let key = media_key(&[7u8; 32]);
        let m = MediaInfo {
            width: 1920,
            height: 1080,
            fps: 30,
            playtime: 754,
            short_format: 1,
        };
        assert_eq!(decode(&encode(&m, &key), &key), m);
    }
}
