//! How a file is cut into HTTP requests: whole MAC chunks (so every request can be MAC'd on
//! its own and resumed by chunk), several MiB each, in file order.

use crate::crypto::mac;

/// One HTTP request's worth of the file: consecutive whole MAC chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Byte offset in the file (a MAC-chunk boundary).
    pub offset: u64,
    /// Length in bytes (the last piece ends at EOF).
    pub len: u64,
    /// 0-based index of its first MAC chunk.
    pub first_chunk: usize,
    /// How many MAC chunks it covers.
    pub chunks: usize,
}

impl Piece {
    /// One past the last byte.
    pub fn end(&self) -> u64 {
        self.offset + self.len
    }
}

/// Requests of at least `request_size` bytes (except the last) for a file of `size` bytes,
/// aligned to MAC-chunk boundaries. Size 0 gives none.
pub fn pieces(size: u64, request_size: u64) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut current: Option<Piece> = None;
    for (i, (off, len)) in mac::chunks(size).enumerate() {
        let p = current.get_or_insert(Piece {
            offset: off,
            len: 0,
            first_chunk: i,
            chunks: 0,
        });
        p.len += len;
        p.chunks += 1;
        if p.len >= request_size {
            out.extend(current.take());
        }
    }
    out.extend(current);
    out
}

/// The pieces covering bytes `[start, end)` of a file of `size` bytes, for ranged reads:
/// the first begins at the chunk holding `start`, the last ends at or after `end`.
pub fn covering(size: u64, request_size: u64, start: u64, end: u64) -> Vec<Piece> {
    let end = end.min(size);
    if start >= end {
        return Vec::new();
    }
    pieces(size, request_size)
        .into_iter()
        .filter(|p| p.end() > start && p.offset < end)
        .map(|p| trim(p, start, end))
        .collect()
}

/// Narrow a piece to the MAC chunks that overlap `[start, end)`.
fn trim(p: Piece, start: u64, end: u64) -> Piece {
    let (first, first_off, _) = mac::chunk_at(start.max(p.offset));
    let last_byte = (end.min(p.end())) - 1;
    let (last, last_off, last_len) = mac::chunk_at(last_byte);
    let stop = (last_off + last_len).min(p.end());
    Piece {
        offset: first_off,
        len: stop - first_off,
        first_chunk: first,
        chunks: last - first + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn pieces_tile_the_file_on_chunk_boundaries() {
        for size in [
            0,
            1,
            16,
            128 * 1024,
            4608 * 1024,
            4608 * 1024 + 1,
            20 * MIB,
            1 << 30,
            5 << 30,
        ] {
            let ps = pieces(size, 4 * MIB);
            let mut next = 0;
            let mut chunk = 0;
            for p in &ps {
                assert_eq!(p.offset, next);
                assert_eq!(p.first_chunk, chunk);
                assert_eq!(mac::chunk_at(p.offset).1, p.offset);
                next = p.end();
                chunk += p.chunks;
            }
            assert_eq!(next, size);
            assert_eq!(chunk, mac::chunks(size).count());
            for p in &ps[..ps.len().saturating_sub(1)] {
                assert!(p.len >= 4 * MIB && p.len < 5 * MIB, "{p:?}");
            }
        }
        assert_eq!(pieces(4608 * 1024, 4 * MIB).len(), 1);
    }

    #[test]
    fn covering_pieces() {
        let size = 20 * MIB + 5;
        assert!(covering(size, 4 * MIB, 7, 7).is_empty());
        assert!(covering(size, 4 * MIB, size, size + 10).is_empty());
        let c = covering(size, 4 * MIB, 0, 1);
        assert_eq!(
            c,
            [Piece {
                offset: 0,
                len: 128 * 1024,
                first_chunk: 0,
                chunks: 1
            }]
        );
        let c = covering(size, 4 * MIB, 10 * MIB + 3, 10 * MIB + 4);
        assert_eq!(c.len(), 1);
        assert!(c[0].offset <= 10 * MIB + 3 && c[0].end() > 10 * MIB + 3);
        assert!(c[0].len <= MIB);
        let c = covering(size, 4 * MIB, 1, size);
        assert_eq!(c.first().map(|p| p.offset), Some(0));
        assert_eq!(c.last().map(|p| p.end()), Some(size));
    }
}
