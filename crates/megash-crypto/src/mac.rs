//! File integrity: MAC chunk boundaries, per-chunk CBC-MACs, the condensed meta-MAC.
use super::{aes, Key128};
use ::aes::Aes128;

const KIB128: u64 = 128 * 1024;
const MIB: u64 = 1024 * 1024;
/// Where the growing chunks (1..8 x 128 KiB) end and the fixed 1 MiB chunks begin.
const GROWING_END: u64 = 36 * KIB128;

/// MAC chunk boundaries for a file of `size` bytes: (offset, length) pairs.
/// Chunk i (1-based) is i x 128 KiB for i <= 8, then 1 MiB; the last is truncated. Size 0 gives none.
pub fn chunks(size: u64) -> impl Iterator<Item = (u64, u64)> {
    let mut index = 0usize;
    std::iter::from_fn(move || {
        let (_, start, len) = chunk_bounds(index);
        if start >= size {
            return None;
        }
        index += 1;
        Some((start, len.min(size - start)))
    })
}

/// (index, offset, length) of the 0-based chunk `index`, ignoring EOF.
fn chunk_bounds(index: usize) -> (usize, u64, u64) {
    let i = index as u64;
    if i < 8 {
        (index, KIB128 * i * (i + 1) / 2, KIB128 * (i + 1))
    } else {
        (index, GROWING_END + (i - 8) * MIB, MIB)
    }
}

/// Index of the MAC chunk that contains byte `offset`, and that chunk's (offset, length)
/// ignoring EOF truncation.
///
/// The index is 0-based (the position of the chunk in [`chunks`]).
pub fn chunk_at(offset: u64) -> (usize, u64, u64) {
    if offset >= GROWING_END {
        return chunk_bounds(8 + ((offset - GROWING_END) / MIB) as usize);
    }
    let mut index = 0;
    while chunk_bounds(index + 1).1 <= offset {
        index += 1;
    }
    chunk_bounds(index)
}

/// CBC-MAC of one MAC chunk of plaintext: IV = nonce ++ nonce, last block zero-padded.
pub fn chunk_mac(key: &Key128, nonce: &[u8; 8], plaintext: &[u8]) -> [u8; 16] {
    let cipher = aes::cipher(key);
    let mut mac = initial_mac(nonce);
    for block in plaintext.chunks(16) {
        absorb(&cipher, &mut mac, block);
    }
    mac
}

/// Chunk MACs of the consecutive MAC chunks in `plaintext`, which starts at the MAC-chunk
/// boundary `offset` (the last chunk may end early, at the end of `plaintext`).
///
/// A CBC-MAC is serial inside one chunk, which caps one core near 1 GB/s; chunks are
/// independent, so up to eight of them advance in lockstep through the cipher's parallel
/// block interface (AES-NI pipelines them), which gives CTR-like speed.
pub fn chunk_macs(key: &Key128, nonce: &[u8; 8], offset: u64, plaintext: &[u8]) -> Vec<[u8; 16]> {
    use ::aes::cipher::{generic_array::GenericArray, BlockEncrypt};
    let cipher = aes::cipher(key);
    let (mut index, start, _) = chunk_at(offset);
    debug_assert_eq!(start, offset, "chunk_macs must start on a chunk boundary");
    let mut spans = Vec::new();
    let mut pos = 0usize;
    while pos < plaintext.len() {
        let len = (chunk_bounds(index).2 as usize).min(plaintext.len() - pos);
        spans.push((pos, len));
        pos += len;
        index += 1;
    }
    let init = initial_mac(nonce);
    let mut out = Vec::with_capacity(spans.len());
    for group in spans.chunks(8) {
        let mut states = [GenericArray::from(init); 8];
        let states = &mut states[..group.len()];
        // Whole 16-byte blocks every chunk of the group has (a short tail is handled after).
        let common = group.iter().map(|&(_, l)| l / 16).min().unwrap_or(0);
        cipher.encrypt_with_backend(Lockstep {
            states,
            plaintext,
            starts: group,
            blocks: common,
        });
        // Chunks of unequal length (the growing ones, or a short last one): finish each alone.
        for (i, &(p, l)) in group.iter().enumerate() {
            let mut mac: [u8; 16] = states[i].into();
            for block in plaintext[p + 16 * common..p + l].chunks(16) {
                absorb(&cipher, &mut mac, block);
            }
            out.push(mac);
        }
    }
    out
}

/// Advances up to eight CBC-MACs by `blocks` blocks each, inside one call into the cipher's
/// backend: going through `encrypt_blocks` per step re-dispatches on CPU features every 128
/// bytes, which cost about a third of the MAC's time.
struct Lockstep<'a> {
    states: &'a mut [::aes::Block],
    plaintext: &'a [u8],
    /// (offset in `plaintext`, length) of each chunk; one per state.
    starts: &'a [(usize, usize)],
    blocks: usize,
}

impl ::aes::cipher::BlockSizeUser for Lockstep<'_> {
    type BlockSize = ::aes::cipher::consts::U16;
}

impl ::aes::cipher::BlockClosure for Lockstep<'_> {
    fn call<B: ::aes::cipher::BlockBackend<BlockSize = Self::BlockSize>>(self, backend: &mut B) {
        use ::aes::cipher::typenum::Unsigned;
        let n = self.states.len();
        if n == B::ParBlocksSize::USIZE {
            let mut par = ::aes::cipher::ParBlocks::<B>::default();
            par.copy_from_slice(self.states);
            for j in 0..self.blocks {
                for (s, &(p, _)) in par.iter_mut().zip(self.starts) {
                    xor_block(s, &self.plaintext[p + 16 * j..p + 16 * j + 16]);
                }
                backend.proc_par_blocks_inplace(&mut par);
            }
            self.states.copy_from_slice(&par);
        } else {
            for j in 0..self.blocks {
                for (s, &(p, _)) in self.states.iter_mut().zip(self.starts) {
                    xor_block(s, &self.plaintext[p + 16 * j..p + 16 * j + 16]);
                }
                backend.proc_tail_blocks_inplace(self.states);
            }
        }
    }
}

fn xor_block(state: &mut ::aes::Block, block: &[u8]) {
    let a = u128::from_ne_bytes((*state).into());
    let b = u128::from_ne_bytes(block.try_into().unwrap_or([0u8; 16]));
    *state = (a ^ b).to_ne_bytes().into();
}

fn initial_mac(nonce: &[u8; 8]) -> [u8; 16] {
    let mut mac = [0u8; 16];
    mac[..8].copy_from_slice(nonce);
    mac[8..].copy_from_slice(nonce);
    mac
}

/// One CBC-MAC step; a short block acts as if zero-padded.
fn absorb(cipher: &Aes128, mac: &mut [u8; 16], block: &[u8]) {
    for (m, b) in mac.iter_mut().zip(block) {
        *m ^= b;
    }
    aes::encrypt_block(cipher, mac);
}

/// Fold chunk MACs (in file order) into the 8-byte meta-MAC. No chunks -> all zero.
pub fn condense(key: &Key128, chunk_macs: &[[u8; 16]]) -> [u8; 8] {
    let cipher = aes::cipher(key);
    let mut acc = [0u8; 16];
    for mac in chunk_macs {
        absorb(&cipher, &mut acc, mac);
    }
    fold(&acc)
}

fn fold(acc: &[u8; 16]) -> [u8; 8] {
    let mut out = [0u8; 8];
    for i in 0..4 {
        out[i] = acc[i] ^ acc[4 + i];
        out[4 + i] = acc[8 + i] ^ acc[12 + i];
    }
    out
}

/// Streaming meta-MAC over a whole file fed in order, in pieces of any size.
pub struct FileMac {
    cipher: Aes128,
    nonce: [u8; 8],
    /// Running condensation over the chunks finished so far.
    acc: [u8; 16],
    /// CBC-MAC state of the current chunk.
    mac: [u8; 16],
    /// Plaintext bytes of the current chunk absorbed or buffered so far.
    in_chunk: u64,
    /// Full length of the current chunk (EOF truncation is handled by `finish`).
    chunk_len: u64,
    chunk_index: usize,
    /// A block not yet absorbed because fewer than 16 bytes of it have arrived.
    pending: [u8; 16],
    pending_len: usize,
}

impl std::fmt::Debug for FileMac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileMac(..)")
    }
}

impl FileMac {
    pub fn new(key: &Key128, nonce: &[u8; 8]) -> Self {
        FileMac {
            cipher: aes::cipher(key),
            nonce: *nonce,
            acc: [0u8; 16],
            mac: initial_mac(nonce),
            in_chunk: 0,
            chunk_len: chunk_bounds(0).2,
            chunk_index: 0,
            pending: [0u8; 16],
            pending_len: 0,
        }
    }

    /// Feed the next plaintext bytes (any length).
    pub fn update(&mut self, mut plaintext: &[u8]) {
        while !plaintext.is_empty() {
            let room = (self.chunk_len - self.in_chunk) as usize;
            let take = room.min(plaintext.len());
            let (piece, rest) = plaintext.split_at(take);
            self.absorb_within_chunk(piece);
            self.in_chunk += take as u64;
            plaintext = rest;
            if self.in_chunk == self.chunk_len {
                self.end_chunk();
            }
        }
    }

    /// `piece` never crosses the current chunk's end, and chunk lengths are whole blocks.
    fn absorb_within_chunk(&mut self, mut piece: &[u8]) {
        if self.pending_len > 0 {
            let take = (16 - self.pending_len).min(piece.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&piece[..take]);
            self.pending_len += take;
            piece = &piece[take..];
            if self.pending_len < 16 {
                return;
            }
            absorb(&self.cipher, &mut self.mac, &self.pending);
            self.pending_len = 0;
        }
        let mut blocks = piece.chunks_exact(16);
        for block in &mut blocks {
            absorb(&self.cipher, &mut self.mac, block);
        }
        let tail = blocks.remainder();
        self.pending[..tail.len()].copy_from_slice(tail);
        self.pending_len = tail.len();
    }

    fn end_chunk(&mut self) {
        if self.pending_len > 0 {
            absorb(
                &self.cipher,
                &mut self.mac,
                &self.pending[..self.pending_len],
            );
            self.pending_len = 0;
        }
        absorb(&self.cipher, &mut self.acc, &self.mac);
        self.chunk_index += 1;
        self.chunk_len = chunk_bounds(self.chunk_index).2;
        self.in_chunk = 0;
        self.mac = initial_mac(&self.nonce);
    }

    /// The condensed meta-MAC of everything fed.
    pub fn finish(mut self) -> [u8; 8] {
        if self.in_chunk > 0 {
            self.end_chunk();
        }
        fold(&self.acc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::FileKey;
    use crate::{b64, tb};
    use sha1::{Digest, Sha1};

    const K: u64 = 1024;

    fn list(size: u64) -> Vec<(u64, u64)> {
        chunks(size).collect()
    }

    #[test]
    fn a9_chunk_schedule() {
        assert!(list(0).is_empty());
        assert_eq!(list(1), [(0, 1)]);
        assert_eq!(list(128 * K - 1), [(0, 128 * K - 1)]);
        assert_eq!(list(128 * K), [(0, 128 * K)]);
        assert_eq!(list(128 * K + 1), [(0, 128 * K), (128 * K, 1)]);
        assert_eq!(list(384 * K), [(0, 128 * K), (128 * K, 256 * K)]);
        assert_eq!(
            list(384 * K + 1),
            [(0, 128 * K), (128 * K, 256 * K), (384 * K, 1)]
        );
        assert_eq!(list(10), [(0, 10)]);
        assert_eq!(list(1000), [(0, 1000)]);
        assert_eq!(
            list(1_000_000),
            [
                (0, 131072),
                (131072, 262144),
                (393216, 393216),
                (786432, 213568)
            ]
        );
        let five: Vec<(u64, u64)> = [
            (0, 128),
            (128, 256),
            (384, 384),
            (768, 512),
            (1280, 640),
            (1920, 768),
            (2688, 896),
            (3584, 1024),
            (4608, 512),
        ]
        .iter()
        .map(|&(o, l)| (o * K, l * K))
        .collect();
        assert_eq!(list(5 * MIB), five);
        let mut ten = five[..8].to_vec();
        for o in [4608, 5632, 6656, 7680, 8704] {
            ten.push((o * K, 1024 * K));
        }
        ten.push((9728 * K, 512 * K));
        assert_eq!(list(10 * MIB), ten);
        assert_eq!(
            list(10_000_000),
            [
                (0, 131072),
                (131072, 262144),
                (393216, 393216),
                (786432, 524288),
                (1310720, 655360),
                (1966080, 786432),
                (2752512, 917504),
                (3670016, 1048576),
                (4718592, 1048576),
                (5767168, 1048576),
                (6815744, 1048576),
                (7864320, 1048576),
                (8912896, 1048576),
                (9961472, 38528)
            ]
        );
    }

    #[test]
    fn chunk_at_agrees_with_schedule() {
        for (i, (off, len)) in chunks(4608 * K + 15 * MIB).enumerate() {
            assert_eq!(chunk_at(off), (i, off, len));
            assert_eq!(chunk_at(off + len - 1), (i, off, len));
            assert_eq!(chunk_at(off + len / 2), (i, off, len));
        }
        assert_eq!(chunk_at(0), (0, 0, 128 * K));
        assert_eq!(chunk_at(4608 * K), (8, 4608 * K, MIB));
        assert_eq!(chunk_at(u64::MAX).1 % MIB, (4608 * K) % MIB);
    }

    fn meta_mac_by_chunks(key: &Key128, nonce: &[u8; 8], data: &[u8]) -> [u8; 8] {
        let macs: Vec<[u8; 16]> = chunks(data.len() as u64)
            .map(|(o, l)| chunk_mac(key, nonce, &data[o as usize..(o + l) as usize]))
            .collect();
        condense(key, &macs)
    }

    fn streamed(key: &Key128, nonce: &[u8; 8], data: &[u8], piece: usize) -> [u8; 8] {
        let mut m = FileMac::new(key, nonce);
        for p in data.chunks(piece) {
            m.update(p);
        }
        m.finish()
    }

    #[test]
    fn a5_meta_mac() {
        let fk = FileKey::from_bytes(
            &b64::decode_array("AAAAAAAAAABnFCfbJFwAxwAAAAAAAAAAZxQn2yRcAMc").unwrap(),
        );
        let data = tb(151511, 0, 1);
        assert_eq!(meta_mac_by_chunks(&fk.aes, &fk.nonce, &data), fk.meta_mac);
        assert_eq!(streamed(&fk.aes, &fk.nonce, &data, 151511), fk.meta_mac);
    }

    #[test]
    fn a6_upload_key_and_ciphertext() {
        let k24 = tb(24, 100, 7);
        let key: Key128 = k24[..16].try_into().unwrap();
        let nonce: [u8; 8] = k24[16..].try_into().unwrap();
        let mut data = tb(151511, 0, 1);
        let meta_mac = streamed(&key, &nonce, &data, 65536);
        let fk = FileKey {
            aes: key,
            nonce,
            meta_mac,
        };
        assert_eq!(
            hex::encode(fk.to_bytes()),
            "b0b0909070707093e957d163217c2f3fd4dbe2e9f0f7fe0675f47bd299c3e9f2"
        );
        aes::ctr_apply(&key, &nonce, 0, &mut data);
        assert_eq!(
            hex::encode(Sha1::digest(&data)),
            "addb96c07ac4e6b66316b81530256c911b0b49d1"
        );
    }

    #[test]
    fn a7_zero_key_uploads() {
        let z = [0u8; 16];
        let n = [0u8; 8];
        assert_eq!(
            hex::encode(streamed(&z, &n, &[0u8; 16], 16)),
            "a577239d333a9e46"
        );
        let fk = FileKey {
            aes: z,
            nonce: n,
            meta_mac: streamed(&z, &n, &[0u8; 16], 16),
        };
        assert_eq!(
            b64::encode(&fk.to_bytes()),
            "AAAAAAAAAACldyOdMzqeRgAAAAAAAAAApXcjnTM6nkY"
        );
        let big = tb(2 * MIB as usize, 0, 1);
        assert_eq!(
            hex::encode(streamed(&z, &n, &big, 1 << 20)),
            "831f1ab870f94558"
        );
        assert_eq!(
            hex::encode(meta_mac_by_chunks(&z, &n, &big)),
            "831f1ab870f94558"
        );
    }

    #[test]
    fn b6_small_upload() {
        let key: Key128 = hex::decode("000102030405060708090a0b0c0d0e0f")
            .unwrap()
            .try_into()
            .unwrap();
        let nonce: [u8; 8] = hex::decode("1011121314151617").unwrap().try_into().unwrap();
        let plain = b"Hello, MEGA!\n";
        assert_eq!(
            hex::encode(streamed(&key, &nonce, plain, 5)),
            "0b03952d1cb1f6fb"
        );
        let mut c = plain.to_vec();
        aes::ctr_apply(&key, &nonce, 0, &mut c);
        assert_eq!(hex::encode(c), "c583b4acb277ecd59a017bebea");
    }

    #[test]
    fn b10_empty_file() {
        let z = [0u8; 16];
        let n = [0u8; 8];
        assert_eq!(condense(&z, &[]), [0u8; 8]);
        assert_eq!(FileMac::new(&z, &n).finish(), [0u8; 8]);
        assert_eq!(meta_mac_by_chunks(&z, &n, &[]), [0u8; 8]);
        // megajs' deviating value: one MAC over an empty chunk.
        assert_eq!(
            hex::encode(condense(&z, &[chunk_mac(&z, &n, &[])])),
            "896367ef4278d177"
        );
    }

    #[test]
    fn interleaved_chunk_macs_match_serial() {
        let key: Key128 = tb(16, 5, 11).try_into().unwrap();
        let nonce: [u8; 8] = tb(8, 2, 9).try_into().unwrap();
        let data = tb(4608 * 1024 + 9 * MIB as usize + 4321, 3, 7);
        let serial: Vec<[u8; 16]> = chunks(data.len() as u64)
            .map(|(o, l)| chunk_mac(&key, &nonce, &data[o as usize..(o + l) as usize]))
            .collect();
        assert_eq!(chunk_macs(&key, &nonce, 0, &data), serial);
        // From any chunk boundary, with any end.
        for (i, (o, _)) in chunks(data.len() as u64).enumerate() {
            for end in [data.len(), (o as usize + 17).min(data.len())] {
                let got = chunk_macs(&key, &nonce, o, &data[o as usize..end]);
                let want: Vec<[u8; 16]> = chunks(data.len() as u64)
                    .skip(i)
                    .take_while(|&(co, _)| (co as usize) < end)
                    .map(|(co, cl)| {
                        let ce = ((co + cl) as usize).min(end);
                        chunk_mac(&key, &nonce, &data[co as usize..ce])
                    })
                    .collect();
                assert_eq!(got, want, "from chunk {i} to {end}");
            }
        }
        assert!(chunk_macs(&key, &nonce, 0, &[]).is_empty());
        assert_eq!(
            chunk_macs(&key, &nonce, 0, &data[..5]),
            [chunk_mac(&key, &nonce, &data[..5])]
        );
    }

    #[test]
    fn streaming_matches_chunked_for_any_piece_size() {
        let key: Key128 = tb(16, 9, 13).try_into().unwrap();
        let nonce: [u8; 8] = tb(8, 1, 3).try_into().unwrap();
        let data = tb(5 * MIB as usize + 12345, 4, 7);
        let want = meta_mac_by_chunks(&key, &nonce, &data);
        for piece in [1 << 20, 7, 1000, 128 * 1024 + 3, 4608 * 1024] {
            let cut = if piece < 100 {
                &data[..300_000]
            } else {
                &data[..]
            };
            let expect = if piece < 100 {
                meta_mac_by_chunks(&key, &nonce, cut)
            } else {
                want
            };
            assert_eq!(streamed(&key, &nonce, cut, piece), expect, "piece {piece}");
        }
        // Irregular piece sizes, including empty updates.
        let mut m = FileMac::new(&key, &nonce);
        let mut off = 0;
        let mut step = 0;
        while off < data.len() {
            step = (step * 31 + 17) % 200_000;
            let end = (off + step).min(data.len());
            m.update(&data[off..end]);
            off = end;
        }
        assert_eq!(m.finish(), want);
    }
}
