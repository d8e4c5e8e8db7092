//! `get`: files and folders land verified in the local folder; a re-run skips files whose
//! fingerprint matches; a different file in the way gets MEGAcmd's ` (N)` name; `-m` merges.

use super::{ok, part_files, World};

fn read(w: &World, p: &str) -> String {
    std::fs::read_to_string(w.env.home.path().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn file_rerun_and_rename() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Docs/b.md"]);
    assert_eq!(
        w.run(&["get", "/Docs/a.txt"]),
        ok("Download finished: a.txt\n")
    );
    assert_eq!(read(&w, "a.txt"), "Docs/a.txt");
    // Same fingerprint: skipped, nothing new.
    assert_eq!(
        w.run(&["get", "/Docs/a.txt"]),
        ok("Download finished: a.txt\n")
    );
    assert!(!w.env.home.path().join("a (1).txt").exists());
    // A different file in the way.
    std::fs::write(w.env.home.path().join("a.txt"), "mine").unwrap();
    assert_eq!(
        w.run(&["get", "/Docs/a.txt"]),
        ok("Download finished: a (1).txt\n")
    );
    assert_eq!(read(&w, "a (1).txt"), "Docs/a.txt");
    assert_eq!(read(&w, "a.txt"), "mine");
    // Into a folder, and to a new name.
    std::fs::create_dir(w.env.home.path().join("sub")).unwrap();
    assert_eq!(
        w.run(&["get", "Docs/b.md", "sub"]),
        ok("Download finished: sub/b.md\n")
    );
    assert_eq!(
        w.run(&["get", "Docs/b.md", "sub/c.md"]),
        ok("Download finished: sub/c.md\n")
    );
    assert_eq!(read(&w, "sub/c.md"), "Docs/b.md");
    // Globs.
    std::fs::create_dir(w.env.home.path().join("g")).unwrap();
    assert_eq!(
        w.run(&["get", "/Docs/*", "g"]),
        ok("Download finished: g/a.txt\nDownload finished: g/b.md\n")
    );
}

#[test]
fn folders_recursive_and_merge() {
    let w = World::new(&[
        "Docs/",
        "Docs/a.txt",
        "Docs/In/",
        "Docs/In/deep.txt",
        "Docs/Empty/",
    ]);
    assert_eq!(w.run(&["get", "/Docs"]), ok("Download finished: Docs\n"));
    assert_eq!(read(&w, "Docs/In/deep.txt"), "Docs/In/deep.txt");
    assert!(w.env.home.path().join("Docs/Empty").is_dir());
    // Without -m an existing folder is not touched: a new ` (1)` folder.
    assert_eq!(
        w.run(&["get", "/Docs"]),
        ok("Download finished: Docs (1)\n")
    );
    assert_eq!(read(&w, "Docs (1)/a.txt"), "Docs/a.txt");
    // -m merges; files already there with the same fingerprint are skipped.
    std::fs::remove_file(w.env.home.path().join("Docs/In/deep.txt")).unwrap();
    assert_eq!(
        w.run(&["get", "-m", "/Docs"]),
        ok("Download finished: Docs\n")
    );
    assert_eq!(read(&w, "Docs/In/deep.txt"), "Docs/In/deep.txt");
    assert!(!w.env.home.path().join("Docs/a (1).txt").exists());
    let leftovers: Vec<_> = std::fs::read_dir(w.env.home.path().join("Docs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("megash-part"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn errors() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    assert_eq!(
        w.run(&["get", "/nope"]),
        "exit: 53\n--- stdout\n--- stderr\nCouldn't find /nope\n"
    );
    assert_eq!(
        w.run(&["get", "/Docs/a.txt", "no/such/dir/x"]),
        "exit: 55\n--- stdout\n--- stderr\nno/such/dir/x is not a valid Download Folder\n"
    );
}

#[test]
fn quota_509_says_how_long_to_wait() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    let out = w.sim.cli(&["faults", "--quota-509", "77"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = w.run(&["get", "/Docs/a.txt"]);
    assert!(got.contains("77 s"), "{got}");
    assert!(!got.starts_with("exit: 0"), "{got}");
    assert!(!w.env.home.path().join("a.txt").exists());
}

#[test]
fn links_download_without_an_account() {
    let w = super::World::new(&[
        "Docs/",
        "Docs/a.txt",
        "Docs/sub/",
        "Docs/sub/b.txt",
        "c.txt",
    ]);
    let file = w
        .run(&["link", "c.txt"])
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    let folder = w.run(&["link", "Docs"]).lines().nth(2).unwrap().to_string();
    let anon = super::Env::with_sim(&w.sim);
    let out = anon.run(&["get", &file]);
    assert_eq!(out, super::ok("Download finished: c.txt\n"));
    assert_eq!(
        std::fs::read(anon.home.path().join("c.txt")).unwrap(),
        b"c.txt"
    );
    std::fs::create_dir(anon.home.path().join("dl")).unwrap();
    let out = anon.run(&["get", &folder, "dl"]);
    assert_eq!(out, super::ok("Download finished: dl/Docs\n"));
    let root = anon.home.path().join("dl/Docs");
    assert_eq!(std::fs::read(root.join("a.txt")).unwrap(), b"Docs/a.txt");
    assert_eq!(
        std::fs::read(root.join("sub/b.txt")).unwrap(),
        b"Docs/sub/b.txt"
    );
    // The legacy forms and a link to a node inside a folder link work alike.
    let legacy = |link: &str, bang: &str| {
        let (base, key) = link.split_once('#').unwrap();
        let handle = base.rsplit('/').next().unwrap();
        format!("https://mega.nz/#{bang}!{handle}!{key}")
    };
    std::fs::create_dir(anon.home.path().join("old")).unwrap();
    let out = anon.run(&["get", &legacy(&file, ""), "old"]);
    assert_eq!(out, super::ok("Download finished: old/c.txt\n"));
    let out = anon.run(&["get", &legacy(&folder, "F"), "old"]);
    assert_eq!(out, super::ok("Download finished: old/Docs\n"));
    assert_eq!(
        std::fs::read(anon.home.path().join("old/Docs/sub/b.txt")).unwrap(),
        b"Docs/sub/b.txt"
    );
    let sub = super::handle_of(&w, "/Docs/sub").replace("H:", "");
    let b = super::handle_of(&w, "/Docs/sub/b.txt").replace("H:", "");
    std::fs::create_dir(anon.home.path().join("inner")).unwrap();
    let out = anon.run(&["get", &format!("{folder}/file/{b}"), "inner"]);
    assert_eq!(out, super::ok("Download finished: inner/b.txt\n"));
    let out = anon.run(&["get", &format!("{folder}/folder/{sub}"), "inner"]);
    assert_eq!(out, super::ok("Download finished: inner/sub\n"));
    assert!(anon.home.path().join("inner/sub/b.txt").exists());
    // Not logged in, a remote path still needs a session.
    assert!(anon.run(&["get", "/c.txt"]).starts_with("exit: 57\n"));
    let (base, _) = file.split_once('#').unwrap();
    let out = anon.run(&["get", &format!("{base}#{}", "A".repeat(43))]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("wrong key"),
        "{out}"
    );
    let out = anon.run(&["get", "https://mega.nz/file/AAAAAAAA#zz"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("Invalid link"),
        "{out}"
    );
}

#[test]
fn a_destination_ending_in_a_slash_is_a_folder_made_before_any_byte_moves() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    let home = w.env.home.path();
    assert_eq!(
        w.run(&["get", "/Docs/a.txt", "Videos/"]),
        ok("Download finished: Videos/a.txt\n")
    );
    assert_eq!(read(&w, "Videos/a.txt"), "Docs/a.txt");
    // Only the last component is made; a missing parent fails before the download.
    let out = w.run(&["get", "/Docs/a.txt", "No/Such/"]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
    assert!(out.contains("parent folder does not exist"), "{out}");
    assert!(!home.join("No").exists());
    // A file where the folder should be.
    std::fs::write(home.join("file"), "x").unwrap();
    let out = w.run(&["get", "/Docs/a.txt", "file/"]);
    assert!(out.starts_with("exit: 55\n"), "{out}");
    assert_eq!(std::fs::read_to_string(home.join("file")).unwrap(), "x");
    assert_eq!(part_files(home), Vec::<String>::new());
}

#[test]
fn interrupted_download_says_so_and_the_rerun_resumes_with_this_runs_rate() {
    use std::os::unix::process::ExitStatusExt;
    let w = World::new(&[]);
    let home = w.env.home.path();
    let big: Vec<u8> = (0..6u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect();
    std::fs::write(home.join("big.bin"), &big).unwrap();
    assert!(w.run(&["put", "big.bin", "/"]).starts_with("exit: 0\n"));
    std::fs::create_dir(home.join("dl")).unwrap();
    assert!(w.run(&["speedlimit", "-d", "1M"]).starts_with("exit: 0\n"));
    let child = w
        .env
        .command(&crate::support::megash_bin())
        .args(["get", "/big.bin", "dl/"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let part = home.join("dl/.big.bin.megash-part");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    // Wait until some bytes are verified on disk (the journal records finished chunks).
    let journal = home.join("dl/.big.bin.megash-part.state");
    while !(part.exists() && journal.metadata().is_ok_and(|m| m.len() > 200)) {
        assert!(std::time::Instant::now() < deadline, "no partial download");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    unsafe_kill_int(child.id());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code().or(out.status.signal().map(|s| 128 + s)),
        Some(130),
        "{stderr}"
    );
    assert!(
        stderr.contains("Transfer interrupted; run the same command again to resume it"),
        "{stderr}"
    );
    assert!(part.exists(), "the partial file stays for the resume");
    // The rerun (same limit, so the same request pieces) resumes; --progress prints the
    // summary with stderr not a terminal, and the rate counts only what this run moved.
    let out = w.run(&["get", "--progress", "/big.bin", "dl/"]);
    assert!(
        out.starts_with("exit: 0\n--- stdout\nDownload finished: dl/big.bin\n"),
        "{out}"
    );
    assert!(out.contains("were already there"), "{out}");
    let summary = out
        .lines()
        .find(|l| l.starts_with("Downloaded "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        summary.contains(" in ") && summary.contains("/s)"),
        "{summary}"
    );
    assert_eq!(std::fs::read(home.join("dl/big.bin")).unwrap(), big);
    assert_eq!(part_files(home), Vec::<String>::new());
}

fn unsafe_kill_int(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn names_a_local_disk_cannot_hold_are_escaped_as_mega_does() {
    let w = World::new(&["Odd/"]);
    // Names only another client would make (they are encrypted: the server cannot refuse).
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(super::EMAIL, super::PASSWORD, None).await.unwrap();
        let odd = c
            .fetch_nodes()
            .await
            .unwrap()
            .nodes
            .into_iter()
            .find(|n| n.name.as_deref() == Some("Odd"))
            .unwrap()
            .handle;
        let tmp = tempfile::tempdir().unwrap();
        for (i, name) in ["..", ".", "a/b", ""].iter().enumerate() {
            let local = tmp.path().join(format!("f{i}"));
            std::fs::write(&local, format!("content {i}")).unwrap();
            c.upload_file(odd, &local, Some(name)).await.unwrap();
        }
    });
    assert_eq!(w.run(&["get", "/Odd"]), ok("Download finished: Odd\n"));
    for (i, local) in ["%2e%2e", "%2e", "a%2fb", "BLANK"].iter().enumerate() {
        assert_eq!(read(&w, &format!("Odd/{local}")), format!("content {i}"));
    }
    // Nothing escaped the folder.
    let home = w.env.home.path();
    let mut top: Vec<_> = std::fs::read_dir(home)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "state")
        .collect();
    top.sort();
    assert_eq!(top, ["Odd"]);
}

/// Small files travel in shared batches (64 per `u`/`p` or `g` request): a folder of 150 of
/// them and one large file goes up and comes back byte-exact, with mtimes; an upload over
/// three of them keeps versions inside the batch; a small file whose MAC does not match is
/// refused and leaves nothing behind.
#[test]
fn many_small_files_in_batches() {
    use std::time::{Duration, UNIX_EPOCH};
    let w = World::new(&["Dst/"]);
    let home = w.env.home.path();
    let src = home.join("many");
    std::fs::create_dir(&src).unwrap();
    for i in 0..150u32 {
        let p = src.join(format!("f{i:03}.txt"));
        std::fs::write(&p, format!("small file {i}\n").repeat(i as usize % 7 + 1)).unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(UNIX_EPOCH + Duration::from_secs(1_600_000_000 + u64::from(i)))
            .unwrap();
    }
    let big: Vec<u8> = (0..(3u32 << 20)).map(|i| (i % 251) as u8).collect();
    std::fs::write(src.join("big.bin"), &big).unwrap();
    assert_eq!(
        w.run(&["put", "many", "/Dst"]),
        ok("Upload finished: many\n")
    );
    for i in [0u32, 77, 149] {
        std::fs::write(src.join(format!("f{i:03}.txt")), format!("edited {i}")).unwrap();
    }
    assert_eq!(
        w.run(&["put", "many", "/Dst"]),
        ok("Upload finished: many\n")
    );
    let long = w.run(&["ls", "-l", "/Dst/many"]);
    assert_eq!(long.matches("----    2 ").count(), 3, "{long}");
    assert_eq!(
        w.run(&["get", "/Dst/many", "back/"]),
        ok("Download finished: back/many\n")
    );
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        let back = home.join("back/many").join(e.file_name());
        assert!(std::fs::read(e.path()).unwrap() == std::fs::read(&back).unwrap());
        // MEGA keeps whole seconds.
        let secs = |p: &std::path::Path| {
            std::fs::metadata(p)
                .unwrap()
                .modified()
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
        };
        assert_eq!(secs(&e.path()), secs(&back), "{}", back.display());
    }
    // A small file whose stored MAC is wrong (made through the library).
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use megash::crypto::{aes, keys::FileKey};
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(super::EMAIL, super::PASSWORD, None).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let dst = nodes
            .iter()
            .find(|n| n.name.as_deref() == Some("Dst"))
            .unwrap();
        let (k, n) = ([1u8; 16], [2u8; 8]);
        let mut data = b"tampered".to_vec();
        aes::ctr_apply(&k, &n, 0, &mut data);
        let url = c.upload_url(data.len() as u64).await.unwrap();
        let token = c.upload_piece(&url, 0, data.into()).await.unwrap().unwrap();
        let key = FileKey {
            aes: k,
            nonce: n,
            meta_mac: [0xAA; 8],
        };
        let mut attrs = serde_json::Map::new();
        attrs.insert("n".into(), serde_json::Value::from("bad.txt"));
        c.put_file(dst.handle, &token, &key, &attrs).await.unwrap();
    });
    let bad = w.run(&["get", "/Dst/bad.txt", "bad.txt"]);
    assert!(
        bad.starts_with("exit: ") && !bad.starts_with("exit: 0"),
        "{bad}"
    );
    assert!(!home.join("bad.txt").exists());
    assert!(part_files(home).is_empty(), "{:?}", part_files(home));
}
