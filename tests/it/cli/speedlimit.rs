//! `speedlimit`: MEGAcmd's lines, persisted settings, and a limited transfer takes at least
//! size / limit (a lower bound only: it cannot be flaky) and still verifies.

use super::{ok, World};

#[test]
fn show_and_set() {
    let w = World::new(&[]);
    let all = "Upload speed limit = unlimited\nDownload speed limit = unlimited\n\
               Upload max connections = 8\nDownload max connections = 8\n";
    assert_eq!(w.run(&["speedlimit"]), ok(all));
    assert_eq!(
        w.run(&["speedlimit", "-d", "70M"]),
        ok("Download speed limit = 73400320 B/s\n")
    );
    assert_eq!(
        w.run(&["speedlimit", "-h", "-d"]),
        ok("Download speed limit = 70.00 MB/s\n")
    );
    assert_eq!(
        w.run(&["speedlimit", "-u"]),
        ok("Upload speed limit = unlimited\n")
    );
    assert_eq!(
        w.run(&["speedlimit", "--upload-connections", "3"]),
        ok("Upload max connections = 3\n")
    );
    assert_eq!(
        w.run(&["speedlimit"]),
        ok(
            "Upload speed limit = unlimited\nDownload speed limit = 73400320 B/s\n\
            Upload max connections = 3\nDownload max connections = 8\n"
        )
    );
    // No option: both directions.
    assert_eq!(
        w.run(&["speedlimit", "1m12k3B"]),
        ok(
            "Upload speed limit = 1060867 B/s\nDownload speed limit = 1060867 B/s\n\
            Upload max connections = 3\nDownload max connections = 8\n"
        )
    );
    assert_eq!(
        w.run(&["speedlimit", "0"]),
        ok(
            "Upload speed limit = unlimited\nDownload speed limit = unlimited\n\
            Upload max connections = 3\nDownload max connections = 8\n"
        )
    );
    let bad = w.run(&["speedlimit", "fast"]);
    assert!(
        bad.starts_with("exit: 51\n") && bad.contains("Invalid speed"),
        "{bad}"
    );
    let bad = w.run(&["speedlimit", "--download-connections", "99"]);
    assert!(bad.starts_with("exit: 51\n"), "{bad}");
}

#[test]
fn limited_transfers_take_at_least_size_over_rate() {
    let w = World::new(&["Docs/"]);
    let size = 2usize << 20;
    let data: Vec<u8> = (0..size).map(|i| (i * 7 + i / 1000) as u8).collect();
    std::fs::write(w.env.home.path().join("big.bin"), &data).unwrap();
    assert_eq!(
        w.run(&["speedlimit", "-u", "1M"]).lines().next(),
        Some("exit: 0")
    );
    let t = std::time::Instant::now();
    assert_eq!(
        w.run(&["put", "big.bin", "/Docs"]),
        ok("Upload finished: big.bin\n")
    );
    let up = t.elapsed();
    assert!(
        up >= std::time::Duration::from_secs(2),
        "upload took {up:?}"
    );

    assert_eq!(
        w.run(&["speedlimit", "-d", "1M"]).lines().next(),
        Some("exit: 0")
    );
    let t = std::time::Instant::now();
    assert_eq!(
        w.run(&["get", "/Docs/big.bin", "back.bin"]),
        ok("Download finished: back.bin\n")
    );
    let down = t.elapsed();
    assert!(
        down >= std::time::Duration::from_secs(2),
        "download took {down:?}"
    );
    assert!(std::fs::read(w.env.home.path().join("back.bin")).unwrap() == data);
}
