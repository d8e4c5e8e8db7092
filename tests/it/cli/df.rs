//! `df`: MEGAcmd's storage summary (per-root lines, dashes, `USED STORAGE: … P% of MAX`,
//! versions line) with `-h`; `--json`; refused in a folder-link session; the errors.

use super::{err, ok, Env, World};

/// Files hold their own path: 10 + 5 bytes. megasim's accounts have 20 GiB of storage.
const TREE: &[&str] = &["Docs/", "Docs/a.txt", "b.txt"];

#[test]
fn summary_in_megacmd_layout() {
    let w = World::new(TREE);
    assert_eq!(w.run(&["rm", "--trash", "b.txt"]), ok(""));
    assert_eq!(
        w.run(&["df"]),
        ok(
            "Cloud drive:                    10 in       1 file(s) and       1 folder(s)\n\
            Inbox:                           0 in       0 file(s) and       0 folder(s)\n\
            Rubbish bin:                     5 in       1 file(s) and       0 folder(s)\n\
            ---------------------------------------------------------------------------\n\
            USED STORAGE:                   15                     0.00% of 21474836480\n\
            ---------------------------------------------------------------------------\n\
            Total size taken up by file versions:            0\n"
        )
    );
    assert_eq!(
        w.env.run_as("mega-df", &["-h"]),
        ok(
            "Cloud drive:              10.00  B in       1 file(s) and       1 folder(s)\n\
            Inbox:                     0.00  B in       0 file(s) and       0 folder(s)\n\
            Rubbish bin:               5.00  B in       1 file(s) and       0 folder(s)\n\
            ---------------------------------------------------------------------------\n\
            USED STORAGE:             15.00  B                        0.00% of 20.00 GB\n\
            ---------------------------------------------------------------------------\n\
            Total size taken up by file versions:      0.00  B\n"
        )
    );
}

#[test]
fn json_document() {
    let w = World::new(TREE);
    let out = w.run(&["df", "--json"]);
    assert_eq!(out.lines().count(), 4, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "roots": [
                {"root": "cloud_drive", "bytes": 15, "files": 2, "folders": 1},
                {"root": "inbox", "bytes": 0, "files": 0, "folders": 0},
                {"root": "rubbish_bin", "bytes": 0, "files": 0, "folders": 0},
            ],
            "storage": {
                "storage_used": 15,
                "storage_max": 21474836480u64,
                "transfer_used": 0,
                "transfer_max": 10737418240u64,
            },
            "versions_bytes": 0,
        })
    );
}

#[test]
fn errors_and_folder_links() {
    let w = World::new(TREE);
    let out = w.run(&["df", "/"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("Usage: df [-h] [--json]"), "{out}");
    let out = w.run(&["df", "-l"]);
    assert!(
        out.starts_with("exit: 51\n") && out.contains("Invalid argument"),
        "{out}"
    );
    assert!(Env::new()
        .run(&["df"])
        .starts_with("exit: 57\n--- stdout\n--- stderr\nNot logged in.\n"));
    let link = w.run(&["link", "Docs"]).lines().nth(2).unwrap().to_string();
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", &link]), ok(""));
    assert_eq!(
        other.run(&["df"]),
        err(
            56,
            "df: a folder link session has no account storage; use du for the link's size\n"
        )
    );
}
