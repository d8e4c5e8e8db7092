//! The crypto of a transfer alone, in memory, one thread: AES-CTR and the chunk MACs
//! (interleaved, as the engine computes them) over SIZE bytes (default 1 GiB). Prints GB/s,
//! the ceiling the transfer engine is measured against (bench/transfer.sh).
//!   cargo run --release --example transfer_crypto [SIZE]
use megash::crypto::{aes, mac};
use std::time::Instant;

fn main() {
    let size: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1 << 30);
    let key = [7u8; 16];
    let nonce = [9u8; 8];
    // Work piece by piece as the engine does (8 MiB requests; PIECE_MIB=N to compare), so the buffer stays small.
    let piece: usize = std::env::var("PIECE_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8)
        << 20;
    let mut buf = vec![0x5au8; piece];
    let run = |f: &mut dyn FnMut(u64, &mut [u8])| {
        let mut buf = vec![0x5au8; piece];
        let t = Instant::now();
        let mut off = 0usize;
        while off < size {
            let n = piece.min(size - off);
            f(off as u64, &mut buf[..n]);
            off += n;
        }
        size as f64 / t.elapsed().as_secs_f64() / 1e9
    };
    // Offsets only need to be chunk boundaries: every piece after the first starts on one
    // when measured from 4.5 MiB, so MAC from a fixed boundary with the same lengths.
    let ctr = run(&mut |off, b| aes::ctr_apply(&key, &nonce, off, b));
    let macs = run(&mut |_, b| {
        std::hint::black_box(mac::chunk_macs(&key, &nonce, 4608 * 1024, b));
    });
    let both = run(&mut |off, b| {
        std::hint::black_box(mac::chunk_macs(&key, &nonce, 4608 * 1024, b));
        aes::ctr_apply(&key, &nonce, off, b);
    });
    let serial = run(&mut |_, b| {
        for c in b.chunks(1 << 20) {
            std::hint::black_box(mac::chunk_mac(&key, &nonce, c));
        }
    });
    buf[0] = 1;
    std::hint::black_box(&buf);
    println!("crypto_ctr_gbps {ctr:.2}");
    println!("crypto_chunk_macs_interleaved_gbps {macs:.2}");
    println!("crypto_ctr_plus_macs_gbps {both:.2}");
    println!("crypto_chunk_mac_serial_gbps {serial:.2}");
}
