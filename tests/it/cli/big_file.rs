//! Files over 4 GiB, cheaply: a megasim file of 4 GiB + 3 MiB + 37 bytes whose blob is
//! sparse, with real ciphertext (made with the `ctr` crate, not megash's own AES code) only
//! around the 2^32 boundary and at the tail. `cat --offset/--length` must fetch exactly those
//! ranges and decrypt them with the right CTR counter (block indices past 2^28, offsets past u32).
//! A full-size round trip is `full_round_trip_over_4_gib`, ignored by default.

use super::{ok, World, EMAIL, PASSWORD};
use cipher::{KeyIvInit, StreamCipher};

const FOUR_GIB: u64 = 1 << 32;
const SIZE: u64 = FOUR_GIB + (3 << 20) + 37;

fn text(len: usize, seed: usize) -> Vec<u8> {
    (0..len)
        .map(|i| b'a' + ((i * 7 + seed) % 26) as u8)
        .collect()
}

/// Encrypt `plain` as it sits at `offset` (a multiple of 16) of a file with this key.
fn encrypt(key: &megash::crypto::keys::FileKey, offset: u64, plain: &[u8]) -> Vec<u8> {
    let mut iv = [0u8; 16];
    iv[..8].copy_from_slice(&key.nonce);
    iv[8..].copy_from_slice(&(offset / 16).to_be_bytes());
    let mut c = ctr::Ctr128BE::<aes::Aes128>::new(&key.aes.into(), &iv.into());
    let mut out = plain.to_vec();
    c.apply_keystream(&mut out);
    out
}

#[test]
fn ranges_across_the_4_gib_boundary() {
    use std::os::unix::fs::FileExt;
    let w = World::new(&["Docs/", "Docs/big"]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let node = rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).expect("client");
        c.login(EMAIL, PASSWORD, None).await.expect("login");
        let nodes = c.fetch_nodes().await.expect("fetch").nodes;
        nodes
            .into_iter()
            .find(|n| n.name.as_deref() == Some("big"))
            .expect("big")
    });
    let Some(megash::crypto::keys::NodeKey::File(key)) = node.key else {
        panic!("no file key")
    };
    // Grow the node in megasim's store: a sparse blob, real bytes where they are read.
    let db = rusqlite::Connection::open(w.sim.data_dir().join("megasim.db")).expect("db");
    db.busy_timeout(std::time::Duration::from_secs(30))
        .expect("timeout");
    let h = node.handle.to_b64();
    let blob: String = db
        .query_row("SELECT blob FROM nodes WHERE h = ?1", [&h], |r| r.get(0))
        .expect("blob");
    db.execute(
        "UPDATE nodes SET s = ?1 WHERE h = ?2",
        rusqlite::params![SIZE as i64, h],
    )
    .expect("update");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(w.sim.data_dir().join("blobs").join(&blob))
        .expect("blob file");
    f.set_len(SIZE).expect("sparse");
    let around = FOUR_GIB - 1024;
    let middle = text(2048, 1);
    f.write_all_at(&encrypt(&key, around, &middle), around)
        .expect("write");
    let tail_at = (SIZE - 100) / 16 * 16;
    let tail = text((SIZE - tail_at) as usize, 5);
    f.write_all_at(&encrypt(&key, tail_at, &tail), tail_at)
        .expect("write");
    drop(f);
    assert_eq!(w.run(&["reload"]), ok("Reloading account...\n"));

    let show = |from: u64, len: usize| {
        let off = (from - around) as usize;
        String::from_utf8(middle[off..off + len].to_vec()).expect("ascii")
    };
    // Across 2^32, starting mid-block.
    let from = FOUR_GIB - 100;
    assert_eq!(
        w.run(&[
            "cat",
            &format!("--offset={from}"),
            "--length=200",
            "/Docs/big"
        ]),
        ok(&show(from, 200))
    );
    // Starting exactly at 2^32.
    assert_eq!(
        w.run(&[
            "cat",
            &format!("--offset={FOUR_GIB}"),
            "--length=17",
            "/Docs/big"
        ]),
        ok(&show(FOUR_GIB, 17))
    );
    // The tail: a length past the end stops at the end.
    let last = SIZE - 37;
    let want = String::from_utf8(tail[(last - tail_at) as usize..].to_vec()).expect("ascii");
    assert_eq!(
        w.run(&[
            "cat",
            &format!("--offset={last}"),
            "--length=1000",
            "/Docs/big"
        ]),
        ok(&want)
    );
    assert!(w
        .run(&["ls", "-l", "/Docs/big"])
        .contains(&SIZE.to_string()));
}

/// `put` and `get` of a real 4 GiB + 3 MiB + 37 byte file, MAC-verified (takes minutes and
/// 13 GiB of disk: `cargo test --test it -- --ignored full_round_trip_over_4_gib`).
#[test]
#[ignore]
fn full_round_trip_over_4_gib() {
    use std::io::Write;
    let w = World::new(&["Docs/"]);
    let path = w.env.home.path().join("huge.bin");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        let block: Vec<u8> = (0..1u32 << 20).map(|i| (i * 13 + i / 4099) as u8).collect();
        let mut left = SIZE;
        let mut n = 0u64;
        while left > 0 {
            let take = left.min(block.len() as u64) as usize;
            let mut b = block[..take].to_vec();
            b[0] = n as u8;
            f.write_all(&b).expect("write");
            left -= take as u64;
            n += 1;
        }
    }
    let t = std::time::Instant::now();
    assert_eq!(
        w.run(&["put", "huge.bin", "/Docs"]),
        ok("Upload finished: huge.bin\n")
    );
    eprintln!("put {SIZE} bytes: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    assert_eq!(
        w.run(&["get", "/Docs/huge.bin", "back.bin"]),
        ok("Download finished: back.bin\n")
    );
    eprintln!("get {SIZE} bytes: {:?}", t.elapsed());
    let back = w.env.home.path().join("back.bin");
    assert_eq!(std::fs::metadata(&back).expect("back").len(), SIZE);
    let same = std::process::Command::new("cmp")
        .arg(&path)
        .arg(&back)
        .status()
        .expect("cmp");
    assert!(same.success());
}
