//! `get -q`/`put -q` and `transfers` in the interactive shell (under a pseudo-terminal):
//! queued transfers return to the prompt at once, are listed in MEGAcmd's layout, pause,
//! resume and cancel (no partial file left), and complete verified. One-shot `-q` runs in
//! the foreground and says so. Leaving the shell while they run asks to be confirmed.

use std::time::{Duration, Instant};

use super::shell::Pty;
use super::{ok, World};

const PROMPT: &str = "user@example.com:/$ ";

/// Run `line` in the shell until `transfers --show-completed` shows `state` for `tag`.
fn wait_for(pty: &mut Pty, tag: u32, state: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        pty.send("transfers --show-completed\r");
        let out = pty.expect(PROMPT);
        let row = out
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(&tag.to_string()))
            .unwrap_or_default()
            .to_string();
        if row.ends_with(state) {
            return row;
        }
        assert!(
            !row.ends_with("FAILED") && Instant::now() < deadline,
            "transfer {tag} never reached {state}: {out:?}"
        );
        // The next poll is itself a shell round trip: no fixed sleep is needed, this only
        // keeps the loop from flooding the terminal.
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An account with `/Docs/big.bin` (1 MiB, not kept locally) and downloads limited to
/// 128 KB/s, slow enough (8 s for the file) to act on a queued download while it runs.
fn slow_download_world() -> (World, Vec<u8>) {
    let w = World::new(&["Docs/"]);
    let home = w.env.home.path();
    let data: Vec<u8> = (0..1u32 << 20).map(|i| (i * 31 + i / 777) as u8).collect();
    std::fs::write(home.join("big.bin"), &data).unwrap();
    assert_eq!(
        w.run(&["put", "big.bin", "/Docs"]),
        ok("Upload finished: big.bin\n")
    );
    std::fs::remove_file(home.join("big.bin")).unwrap();
    assert!(w
        .run(&["speedlimit", "-d", "128K"])
        .starts_with("exit: 0\n"));
    (w, data)
}

/// [`slow_download_world`] with a shell that has queued the download as tag 1 and is back
/// at its prompt (`None` without a pseudo-terminal).
fn slow_download_queued() -> Option<(World, Vec<u8>, Pty)> {
    let (w, data) = slow_download_world();
    let mut pty = Pty::start(&w.env)?;
    pty.expect(PROMPT);
    pty.send("get -q /Docs/big.bin\r");
    pty.expect("Download started: Tag = 1. Source = /Docs/big.bin");
    pty.expect(PROMPT);
    Some((w, data, pty))
}

#[test]
fn queued_transfers_list_pause_resume_cancel_and_finish() {
    let Some((w, data, mut pty)) = slow_download_queued() else {
        return;
    };
    let home = w.env.home.path();
    pty.send("transfers\r");
    let list = pty.expect(PROMPT);
    assert!(
        list.contains("TYPE TAG SOURCEPATH    DESTINYPATH PROGRESS"),
        "{list:?}"
    );
    assert!(list.contains("⇓    1   /Docs/big.bin big.bin"), "{list:?}");
    assert!(list.contains(" of 1024.00 KB"), "{list:?}");

    pty.send("transfers -p 1\r");
    pty.expect("Transfer 1 paused successfully.");
    pty.expect(PROMPT);
    // Polled like the other states: one listing can race the line editor's redraw.
    let row = wait_for(&mut pty, 1, "PAUSED");
    assert!(row.starts_with("⇓"), "{row:?}");
    pty.send("transfers -r 1\r");
    pty.expect("Transfer 1 resumed successfully.");
    pty.expect(PROMPT);
    pty.send("transfers -c 1\r");
    pty.expect("Transfer 1 cancelled successfully.");
    pty.expect(PROMPT);
    let left: Vec<_> = std::fs::read_dir(home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("big.bin"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    pty.send("transfers\r");
    assert!(!pty.expect(PROMPT).contains("big.bin"));
    wait_for(&mut pty, 1, "CANCELLED");
    pty.send("transfers -c 1\r");
    // Listed by --show-completed, so not "not found": it says what became of it.
    pty.expect("Transfer 1 already ended (CANCELLED)");
    pty.expect(PROMPT);

    // Unlimited again: a queued download and upload finish and verify.
    pty.send("speedlimit 0\r");
    pty.expect(PROMPT);
    pty.send("get -q /Docs/big.bin back.bin\r");
    pty.expect("Download started: Tag = 2. Source = /Docs/big.bin");
    pty.expect(PROMPT);
    std::fs::write(home.join("up.txt"), "queued upload").unwrap();
    pty.send("put -q up.txt /Docs\r");
    pty.expect("Upload started: Tag = 3. Source = up.txt");
    pty.expect(PROMPT);
    let row = wait_for(&mut pty, 2, "COMPLETED");
    assert!(row.contains("100.00% of 1024.00 KB"), "{row:?}");
    assert!(std::fs::read(home.join("back.bin")).unwrap() == data);
    let row = wait_for(&mut pty, 3, "COMPLETED");
    assert!(row.starts_with("⇑"), "{row:?}");
    pty.send("transfers --summary --only-uploads\r");
    let summary = pty.expect(PROMPT);
    assert!(
        summary.contains("NUM DOWNLOADS DOWNLOADED TOTAL"),
        "{summary:?}"
    );
    pty.send("cat /Docs/up.txt\r");
    pty.expect("queued upload");
    pty.expect(PROMPT);
}

#[test]
fn one_shot_queue_runs_in_the_foreground() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    assert_eq!(
        w.run(&["get", "-q", "/Docs/a.txt"]),
        "exit: 0\n--- stdout\nDownload finished: a.txt\n--- stderr\n\
         -q: background transfers need the megash shell (there is no server); \
         transferring in the foreground\n"
    );
    assert_eq!(w.run(&["transfers"]), ok(""));
}

#[test]
fn leaving_with_queued_transfers_running_is_confirmed_first() {
    let Some((w, data, mut pty)) = slow_download_queued() else {
        return;
    };
    let home = w.env.home.path();
    const WARNING: &str = "1 queued transfer is still running (see `transfers`). Leaving stops it; \
                           run the same get or put again later to resume. Quit again to leave anyway.";
    pty.send("quit\r");
    pty.expect(WARNING);
    pty.expect(PROMPT);
    // Another command in between: the next leave is asked about again, Ctrl-D included.
    pty.send("pwd\r");
    pty.expect(PROMPT);
    pty.send("\x04");
    pty.expect(WARNING);
    pty.expect(PROMPT);
    pty.send("exit\r");
    assert!(pty.wait_exit().success());
    // The stopped download resumes from what it had.
    assert!(w.run(&["speedlimit", "-d", "0"]).starts_with("exit: 0\n"));
    assert_eq!(
        w.run(&["get", "/Docs/big.bin"]),
        ok("Download finished: big.bin\n")
    );
    assert!(std::fs::read(home.join("big.bin")).unwrap() == data);

    // With nothing running, one quit leaves.
    let Some(mut pty) = Pty::start(&w.env) else {
        return;
    };
    pty.expect(PROMPT);
    pty.send("quit\r");
    assert!(pty.wait_exit().success());
}

/// `--show-syncs`: what a running engine transfers for a sync is listed with the ⇵ type, and
/// the speed limit applies to it.
#[test]
fn show_syncs_lists_the_engine_s_transfers() {
    let w = World::new(&["S/"]);
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("slow.bin"), vec![7u8; 3 << 20]).unwrap();
    assert!(w
        .run(&["sync", dir.to_str().unwrap(), "/S"])
        .starts_with("exit: 0\n"));
    assert_eq!(
        w.run(&["speedlimit", "-u", "256K"]).lines().next(),
        Some("exit: 0")
    );
    assert_eq!(w.run(&["transfers", "--show-syncs"]), ok(""));
    let mut engine = super::serve::start_serve(&w, &w.env.home.path().join("engine.log"));
    let want = format!("⇵    -   {}", dir.join("slow.bin").display());
    super::serve::wait_for("the sync upload in the list", || {
        w.run(&["transfers", "--show-syncs"]).contains(&want)
    });
    let out = w.run(&["transfers", "--show-syncs", "--only-downloads"]);
    assert!(!out.contains("slow.bin"), "{out}");
    engine.kill().unwrap();
    engine.wait().unwrap();
    // The engine is gone: nothing is under way, whatever its table says.
    assert_eq!(w.run(&["transfers", "--show-syncs"]), ok(""));
}
