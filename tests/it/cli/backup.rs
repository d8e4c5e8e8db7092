//! `backup`: MEGAcmd's scheduled backups. Copies go to `REMOTE/NAME_bk_TIME`, the newest N are
//! kept, a copy of an unchanged folder uploads nothing (the files are copied in the cloud), an
//! engine makes the copies on schedule, and the errors say what is wrong.

use super::serve::{start_serve, wait_for};
use super::{ok, World};

fn copies(w: &World) -> Vec<String> {
    w.server_paths()
        .into_iter()
        .filter_map(|p| p.strip_prefix("/Backups/").map(str::to_string))
        .filter(|p| p.ends_with('/') && p.matches('/').count() == 1)
        .collect()
}

#[test]
fn copies_are_made_kept_and_pruned() {
    let w = World::new(&["Backups/", "file.txt"]);
    let dir = w.env.home.path().join("Work");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), "one").unwrap();
    std::fs::write(dir.join("sub/b.txt"), "two").unwrap();
    let d = dir.to_str().unwrap();
    // Errors first.
    let out = w.run(&["backup", d, "/Backups", "--num-backups=2"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("--period"),
        "{out}"
    );
    let out = w.run(&["backup", d, "/Backups", "--period=1x", "--num-backups=2"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("unknown unit"),
        "{out}"
    );
    let out = w.run(&["backup", d, "/file.txt", "--period=1d", "--num-backups=2"]);
    assert!(out.starts_with("exit: 55\n"), "{out}");
    assert_eq!(w.run(&["backup"]), ok(""));
    let out = w.run(&["backup", d, "/Backups", "--period=1d", "--num-backups=2"]);
    assert_eq!(
        out,
        format!(
            "exit: 0\n--- stdout\nBackup established: {d} into /Backups period=\"1d\" Number-of-Backups=2\n--- stderr\nno engine is running; start one with: megash serve\n"
        )
    );
    let out = w.run(&["backup", d, "/Backups", "--period=1d", "--num-backups=2"]);
    assert!(out.starts_with("exit: 64\n"), "{out}");
    let list = w.run(&["backup"]);
    assert!(
        list.contains("TAG LOCALPATH") && list.contains(&format!("1   {d} /Backups")),
        "{list}"
    );
    // The first copy uploads; an unchanged folder's copy uploads nothing.
    let out = w.run(&["backup", "--once"]);
    assert!(
        out.contains("COMPLETE: 2 files (2 uploaded, 0 copied in the cloud), 1 folders"),
        "{out}"
    );
    let out = w.run(&["backup", "--once", "1"]);
    assert!(
        out.contains("unchanged: copied in the cloud (2 files)"),
        "{out}"
    );
    // One changed file: only it goes up.
    std::fs::write(dir.join("a.txt"), "one, changed").unwrap();
    let out = w.run(&["backup", "--once", d]);
    assert!(
        out.contains("COMPLETE: 2 files (1 uploaded, 1 copied in the cloud), 1 folders"),
        "{out}"
    );
    assert!(out.contains("backup-removed"), "{out}");
    // Two copies kept, the newest with the change, the older with the old content.
    let kept = copies(&w);
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.iter().all(|k| k.starts_with("Work_bk_2")), "{kept:?}");
    let newest = kept[1].trim_end_matches('/');
    assert_eq!(
        w.run(&["cat", &format!("/Backups/{newest}/a.txt")]),
        ok("one, changed")
    );
    assert_eq!(
        w.run(&["cat", &format!("/Backups/{newest}/sub/b.txt")]),
        ok("two")
    );
    let older = kept[0].trim_end_matches('/');
    assert_eq!(
        w.run(&["cat", &format!("/Backups/{older}/a.txt")]),
        ok("one")
    );
    let hist = w.run(&["backup", "-h"]);
    assert_eq!(hist.matches("COMPLETE").count(), 2, "{hist}");
    let details = w.run(&["backup", "-l", "--time-format=ISO6081"]);
    assert!(
        details.contains("  Max Backups:   2") && details.contains("  Period:         \"1d\""),
        "{details}"
    );
    // Nothing under way to abort; removing keeps the copies.
    let out = w.run(&["backup", "-a", "1"]);
    assert!(out.starts_with("exit: 54\n"), "{out}");
    assert_eq!(w.run(&["backup", "-d", d]), ok(""));
    assert_eq!(w.run(&["backup"]), ok(""));
    assert_eq!(copies(&w).len(), 2);
}

#[test]
fn the_engine_makes_copies_on_schedule() {
    let w = World::new(&["Backups/"]);
    let dir = w.env.home.path().join("Cron");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "a").unwrap();
    let out = w.run(&[
        "backup",
        dir.to_str().unwrap(),
        "/Backups",
        "--period=*/2 * * * * *",
        "--num-backups=2",
    ]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let log = w.env.home.path().join("engine.log");
    let mut engine = start_serve(&w, &log);
    wait_for("three copies made, two kept", || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        text.matches("backup 1: backup ").count() >= 3 && copies(&w).len() == 2
    });
    engine.kill().unwrap();
    engine.wait().unwrap();
}
