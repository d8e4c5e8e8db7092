//! The `c` attribute: sparse CRC32 fingerprint of the content plus the modification time.
use super::b64;
use std::io::{Read, Seek, SeekFrom};

/// Files up to this size are checksummed in full (four CRC lanes over quarters).
const FULL_LIMIT: u64 = 8192;
/// Bytes per sample and samples per lane for larger files.
const SAMPLE: u64 = 64;
const SAMPLES_PER_LANE: u64 = 32;

/// Fingerprint of in-memory content with modification time `mtime` (Unix seconds).
pub fn of_bytes(data: &[u8], mtime: u64) -> String {
    let size = data.len() as u64;
    let crc = if size <= FULL_LIMIT {
        small_crc(data)
    } else {
        sparse_crc(size, |off, buf| {
            buf.copy_from_slice(&data[off as usize..off as usize + buf.len()]);
            Ok(())
        })
        .unwrap_or([0u8; 16])
    };
    encode(&crc, mtime)
}

/// Fingerprint of a file of `size` bytes read through `reader` (seeks as needed).
pub fn of_reader<R: Read + Seek>(reader: &mut R, size: u64, mtime: u64) -> std::io::Result<String> {
    let crc = if size <= FULL_LIMIT {
        let mut data = vec![0u8; size as usize];
        reader.seek(SeekFrom::Start(0))?;
        reader.read_exact(&mut data)?;
        small_crc(&data)
    } else {
        sparse_crc(size, |off, buf| {
            reader.seek(SeekFrom::Start(off))?;
            reader.read_exact(buf)
        })?
    };
    Ok(encode(&crc, mtime))
}

/// Small files: the bytes themselves (up to 16), else CRC32 of each quarter.
fn small_crc(data: &[u8]) -> [u8; 16] {
    let mut crc = [0u8; 16];
    let size = data.len();
    if size <= 16 {
        crc[..size].copy_from_slice(data);
        return crc;
    }
    for i in 0..4 {
        let seg = &data[i * size / 4..(i + 1) * size / 4];
        crc[4 * i..4 * i + 4].copy_from_slice(&crc32fast::hash(seg).to_be_bytes());
    }
    crc
}

/// Large files: each lane is one CRC32 over 32 samples of 64 bytes spread across the file.
fn sparse_crc(
    size: u64,
    mut read_at: impl FnMut(u64, &mut [u8]) -> std::io::Result<()>,
) -> std::io::Result<[u8; 16]> {
    let mut crc = [0u8; 16];
    let mut buf = [0u8; SAMPLE as usize];
    let last = 4 * SAMPLES_PER_LANE - 1;
    for i in 0..4u64 {
        let mut h = crc32fast::Hasher::new();
        for j in 0..SAMPLES_PER_LANE {
            // u128 keeps (size - 64) * 127 exact for any u64 size.
            let off = ((size - SAMPLE) as u128 * (i * SAMPLES_PER_LANE + j) as u128 / last as u128)
                as u64;
            read_at(off, &mut buf)?;
            h.update(&buf);
        }
        crc[4 * i as usize..4 * i as usize + 4].copy_from_slice(&h.finalize().to_be_bytes());
    }
    Ok(crc)
}

fn encode(crc: &[u8; 16], mtime: u64) -> String {
    let le = mtime.to_le_bytes();
    let n = 8 - le.iter().rev().take_while(|&&b| b == 0).count();
    let mut out = Vec::with_capacity(16 + 1 + n);
    out.extend_from_slice(crc);
    out.push(n as u8);
    out.extend_from_slice(&le[..n]);
    b64::encode(&out)
}

/// Parse the modification time out of a `c` value, if it is well formed.
pub fn mtime_of(c: &str) -> Option<u64> {
    let raw = b64::decode(c).ok()?;
    let n = *raw.get(16)? as usize;
    if n > 8 || raw.len() != 17 + n {
        return None;
    }
    let mut le = [0u8; 8];
    le[..n].copy_from_slice(&raw[17..]);
    Some(u64::from_le_bytes(le))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn both(data: &[u8], mtime: u64) -> String {
        let a = of_bytes(data, mtime);
        let b = of_reader(&mut Cursor::new(data), data.len() as u64, mtime).unwrap();
        assert_eq!(a, b);
        a
    }

    #[test]
    fn a10_sdk_expectations() {
        assert_eq!(both(&[3, 4, 5, 6], 1), "AwQFBgAAAAAAAAAAAAAAAAEB");
        let hundred: Vec<u8> = (0..100u8).collect();
        let c = both(&hundred, 1);
        assert_eq!(c, "2IDUDIExcicOatw3dZqBIQEB");
        let lanes = b64::decode(&c).unwrap();
        let as_i32: Vec<i32> = lanes[..16]
            .chunks(4)
            .map(|l| i32::from_le_bytes(l.try_into().unwrap()))
            .collect();
        assert_eq!(as_i32, [215253208, 661795201, 937191950, 562141813]);
        let big: Vec<u8> = (0..20000u32).map(|i| (i % 256) as u8).collect();
        let c = both(&big, 1);
        assert_eq!(c, "vfgRq44mzUeoxS9HgKRq9QEB");
        let lanes = b64::decode(&c).unwrap();
        let as_i32: Vec<i32> = lanes[..16]
            .chunks(4)
            .map(|l| i32::from_le_bytes(l.try_into().unwrap()))
            .collect();
        assert_eq!(as_i32, [-1424885571, 1204627086, 1194313128, -177560448]);
    }

    #[test]
    fn b9_realistic_mtime() {
        let hundred: Vec<u8> = (0..100u8).collect();
        let c = both(&hundred, 1_700_000_000);
        assert_eq!(c, "2IDUDIExcicOatw3dZqBIQQA8VNl");
        assert_eq!(mtime_of(&c), Some(1_700_000_000));
    }

    #[test]
    fn edges() {
        let c = both(&[], 0);
        assert_eq!(b64::decode(&c).unwrap(), [0u8; 17]);
        assert_eq!(mtime_of(&c), Some(0));
        assert_eq!(mtime_of(&both(&[1; 17], u64::MAX)), Some(u64::MAX));
        let _ = both(&[9; 8192], 5);
        let _ = both(&[9; 8193], 5);
        assert_eq!(mtime_of(""), None);
        assert_eq!(mtime_of("!!"), None);
        assert_eq!(mtime_of("AwQFBgAAAAAAAAAAAAAAAAEBAQ"), None);
        assert_eq!(mtime_of("AwQFBgAAAAAAAAAAAAAAAAk"), None);
    }

    #[test]
    fn short_reader_is_an_io_error() {
        assert!(of_reader(&mut Cursor::new(vec![0u8; 10]), 20, 1).is_err());
        assert!(of_reader(&mut Cursor::new(vec![0u8; 10]), 100_000, 1).is_err());
    }
}
