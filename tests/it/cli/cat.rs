//! `cat`: whole files and byte ranges (only the covering chunks are fetched).

use super::{ok, World};

#[test]
fn whole_and_ranges() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Docs/b.md"]);
    assert_eq!(w.run(&["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
    assert_eq!(
        w.run(&["cat", "/Docs/a.txt", "Docs/b.md"]),
        ok("Docs/a.txtDocs/b.md")
    );
    assert_eq!(
        w.run(&["cat", "--offset=5", "--length=3", "/Docs/a.txt"]),
        ok("a.t")
    );
    assert_eq!(w.run(&["cat", "--offset=7", "/Docs/a.txt"]), ok("txt"));
    assert_eq!(w.run(&["cat", "--offset=99", "/Docs/a.txt"]), ok(""));
    assert_eq!(
        w.run(&["cat", "/Docs"]),
        "exit: 55\n--- stdout\n--- stderr\nDocs: Not a file\n"
    );
    assert!(w
        .run(&["cat", "--offset=x", "/Docs/a.txt"])
        .starts_with("exit: 51"));
}

#[test]
fn large_range_in_the_middle() {
    let w = World::new(&["Docs/"]);
    let data: Vec<u8> = (0..9 * 1024 * 1024 + 3)
        .map(|i: usize| (i % 251) as u8)
        .collect();
    std::fs::write(w.env.home.path().join("big"), &data).unwrap();
    assert_eq!(
        w.run(&["put", "big", "/Docs"]),
        ok("Upload finished: big\n")
    );
    let out = w
        .env
        .command(&crate::support::megash_bin())
        .args(["cat", "--offset=4718590", "--length=3000000", "/Docs/big"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, &data[4_718_590..7_718_590]);
    let out = w
        .env
        .command(&crate::support::megash_bin())
        .args(["cat", "/Docs/big"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, data);
}
