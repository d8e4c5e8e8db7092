//! `sync`: the scenario suite, in the style of rclone bisync's tests. Every scenario is its own
//! sync (local folder `cN`, cloud folder `/cN`) of one account, so one megasim and one login
//! serve them all: set both sides up, sync, apply scripted changes on either side or both
//! (cloud changes by megash and by megajs, a client nobody here wrote), sync to quiescence,
//! then assert the exact end state of both sides, the debris and `sync-issues`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{World, EMAIL, PASSWORD};

/// Run megajs operations (see tests/interop/megajs_ops.mjs) on the account.
pub fn megajs(w: &World, ops: serde_json::Value) {
    crate::interop::ensure_megajs();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("node")
        .arg(root.join("tests/interop/megajs_ops.mjs"))
        .env("MEGASIM_URL", &w.sim.url)
        .env("MEGA_EMAIL", EMAIL)
        .env("MEGA_PASSWORD", PASSWORD)
        .env("OPS", ops.to_string())
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "megajs: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every entry below `dir` as `path` (folders with `/`) or `path=content` (`path=<N bytes>`
/// over 4 KiB), sorted; the debris and `.megaignore` left out.
pub fn local_tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if rel == ".debris" || rel == ".megaignore" {
                continue;
            }
            let meta = p.symlink_metadata().unwrap();
            if meta.is_dir() {
                out.push(format!("{rel}/"));
                walk(base, &p, out);
            } else if meta.file_type().is_symlink() {
                out.push(format!("{rel}@"));
            } else if meta.len() > 4096 {
                out.push(format!("{rel}=<{} bytes>", meta.len()));
            } else {
                out.push(format!(
                    "{rel}={}",
                    String::from_utf8_lossy(&std::fs::read(&p).unwrap())
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The cloud below `/folder` as another client sees it (`path`, folders with `/`), without
/// `.megaignore`.
pub fn remote_tree(w: &World, folder: &str) -> Vec<String> {
    let prefix = format!("/{folder}/");
    let all: Vec<String> = w
        .server_paths()
        .into_iter()
        .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string))
        .filter(|p| !p.is_empty())
        .collect();
    // Older versions are listed as children of their file: not part of the tree.
    let files: Vec<String> = all.iter().filter(|p| !p.ends_with('/')).cloned().collect();
    all.into_iter()
        .filter(|p| p != ".megaignore" && !files.iter().any(|f| p.starts_with(&format!("{f}/"))))
        .collect()
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

fn write(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn exit_of(out: &str) -> &str {
    out.lines().next().unwrap_or_default()
}

/// `sync --once` for everything, until both sides agree (or only stalls are left).
fn once(w: &World) -> String {
    w.run(&["sync", "--once"])
}

struct Case {
    dir: PathBuf,
}

fn cases(w: &World, n: usize, flags: &[(usize, &str)]) -> Vec<Case> {
    (1..=n)
        .map(|i| {
            let dir = w.env.home.path().join(format!("c{i}"));
            std::fs::create_dir_all(&dir).unwrap();
            let mut args = vec!["sync".to_string(), "--max-delete=100%".into()];
            for (_, f) in flags.iter().filter(|(c, _)| *c == i) {
                args.push(f.to_string());
            }
            args.push(dir.to_string_lossy().into_owned());
            args.push(format!("/c{i}"));
            let words: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = w.run(&words);
            assert!(out.starts_with("exit: 0\n"), "{out}");
            assert!(
                out.contains(&format!("Added sync: {} to /c{i}\n", dir.display())),
                "{out}"
            );
            Case { dir }
        })
        .collect()
}

#[test]
fn scenarios_end_in_the_expected_state_on_both_sides() {
    let mut paths: Vec<String> = (1..=16).map(|i| format!("c{i}/")).collect();
    paths.extend(["c1/r.txt", "c1/rdir/", "c1/rdir/x.txt"].map(String::from));
    // The --down mirror starts from the cloud.
    paths.extend(["c12/a.txt", "c12/dir/", "c12/dir/d.txt"].map(String::from));
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let w = World::new(&refs);
    let c = cases(&w, 16, &[(11, "--up"), (12, "--down")]);
    // Before the first pass: c1 merges both sides; the others start from local files.
    write(&c[0].dir.join("a.txt"), "a");
    write(&c[0].dir.join("dir/b.txt"), "b");
    write(&c[0].dir.join("zero"), "");
    std::fs::create_dir_all(c[0].dir.join("emptyL")).unwrap();
    for (i, case) in c.iter().enumerate().skip(1) {
        if i == 11 {
            continue;
        }
        write(&case.dir.join("a.txt"), "a");
        write(&case.dir.join("b.txt"), "b");
        write(&case.dir.join("dir/d.txt"), "d");
        std::fs::create_dir_all(case.dir.join("sub")).unwrap();
    }
    let out = once(&w);
    assert_eq!(exit_of(&out), "exit: 0", "{out}");
    assert_eq!(
        local_tree(&c[0].dir),
        [
            "a.txt=a",
            "dir/",
            "dir/b.txt=b",
            "emptyL/",
            "r.txt=c1/r.txt",
            "rdir/",
            "rdir/x.txt=c1/rdir/x.txt",
            "zero="
        ]
    );
    assert_eq!(
        remote_tree(&w, "c1"),
        [
            "a.txt",
            "dir/",
            "dir/b.txt",
            "emptyL/",
            "r.txt",
            "rdir/",
            "rdir/x.txt",
            "zero"
        ]
    );
    let handle_a4 = super::handle_of(&w, "/c4/a.txt");
    let handle_d4 = super::handle_of(&w, "/c4/dir/d.txt");

    // The changes.
    let put = |content: &str, to: &str| {
        let f = w.env.home.path().join("upload.tmp");
        std::fs::write(&f, content).unwrap();
        let out = w.run(&["put", f.to_str().unwrap(), to]);
        assert!(out.starts_with("exit: 0\n"), "{out}");
    };
    // c2: a local edit.
    write(&c[1].dir.join("a.txt"), "a2, longer");
    // c3: a cloud edit (megash replaces the file: a new version).
    put("a3 from the cloud", "/c3/a.txt");
    // c4: a local rename, a move between folders, and both at once.
    std::fs::rename(c[3].dir.join("a.txt"), c[3].dir.join("renamed.txt")).unwrap();
    std::fs::rename(c[3].dir.join("b.txt"), c[3].dir.join("sub/b.txt")).unwrap();
    std::fs::rename(c[3].dir.join("dir/d.txt"), c[3].dir.join("sub/d2.txt")).unwrap();
    // c5, c7, c12, c15 in the cloud, by megajs.
    megajs(
        &w,
        serde_json::json!([
            {"op": "rename", "path": "c5/a.txt", "to": "z.txt"},
            {"op": "move", "path": "c5/b.txt", "to": "c5/sub"},
            {"op": "trash", "path": "c7/a.txt"},
            {"op": "upload", "path": "c12/fromcloud.txt", "content": "down"},
            {"op": "mkdir", "path": "c15/new"},
            {"op": "upload", "path": "c15/new/n.txt", "content": "n"},
        ]),
    );
    // c6: a whole folder deleted locally.
    std::fs::remove_dir_all(c[5].dir.join("dir")).unwrap();
    // c8: both sides edit one file.
    write(&c[7].dir.join("a.txt"), "a8 local");
    put("a8 cloud", "/c8/a.txt");
    // c9: deleted locally, edited in the cloud.
    std::fs::remove_file(c[8].dir.join("a.txt")).unwrap();
    put("a9 cloud", "/c9/a.txt");
    // c10: a case-only rename.
    std::fs::rename(c[9].dir.join("a.txt"), c[9].dir.join("A.txt")).unwrap();
    // c11 (--up): the cloud gets an extra file and an edit, the local file changes.
    put("extra", "/c11/extra.txt");
    put("b11 cloud edit", "/c11/b.txt");
    write(&c[10].dir.join("a.txt"), "a11 up");
    // c12 (--down): a local extra file.
    write(&c[11].dir.join("localextra.txt"), "x");
    // c13: an exclusion rule, and excluded files on both sides.
    let out = w.run(&[
        "sync-ignore",
        "--add",
        "--",
        "-f:*.tmp",
        c[12].dir.to_str().unwrap(),
    ]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    write(&c[12].dir.join("x.tmp"), "t");
    put("t", "/c13/y.tmp");
    // c14: a symlink.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", c[13].dir.join("link")).unwrap();
    // c16: an empty file and an empty folder.
    write(&c[15].dir.join("empty.txt"), "");
    std::fs::create_dir_all(c[15].dir.join("emptydir")).unwrap();

    // c8 and c14 stall: the rest converges.
    let out = once(&w);
    assert_eq!(exit_of(&out), "exit: 54", "{out}");
    assert!(
        out.contains("2 paths stalled") || out.contains("1 path stalled"),
        "{out}"
    );
    let base = ["a.txt=a", "b.txt=b", "dir/", "dir/d.txt=d", "sub/"];
    let base_r = ["a.txt", "b.txt", "dir/", "dir/d.txt", "sub/"];
    let with = |items: &[&str], drop: &[&str]| {
        let mut v: Vec<String> = base
            .iter()
            .filter(|b| !drop.iter().any(|d| b.starts_with(d)))
            .map(|s| s.to_string())
            .collect();
        v.extend(items.iter().map(|s| s.to_string()));
        v.sort();
        v
    };
    let with_r = |items: &[&str], drop: &[&str]| {
        let mut v: Vec<String> = base_r
            .iter()
            .filter(|b| !drop.iter().any(|d| b.starts_with(d)))
            .map(|s| s.to_string())
            .collect();
        v.extend(items.iter().map(|s| s.to_string()));
        v.sort();
        v
    };
    let cat = |p: &str| w.run(&["cat", p]);
    let date = today();

    // c2
    assert_eq!(
        local_tree(&c[1].dir),
        with(&["a.txt=a2, longer"], &["a.txt"])
    );
    assert_eq!(remote_tree(&w, "c2"), base_r);
    assert!(
        cat("/c2/a.txt").contains("\na2, longer"),
        "{}",
        cat("/c2/a.txt")
    );
    // The replaced content is kept as a version.
    let versions = w.run(&["ls", "--versions", "/c2/a.txt"]);
    assert!(
        versions.contains("Versions of /c2/a.txt") || versions.matches("a.txt").count() >= 2,
        "{versions}"
    );
    // c3: the cloud edit came down; the old local file is in the local debris.
    assert_eq!(
        local_tree(&c[2].dir),
        with(&["a.txt=a3 from the cloud"], &["a.txt"])
    );
    assert_eq!(
        std::fs::read_to_string(c[2].dir.join(format!(".debris/{date}/a.txt"))).unwrap(),
        "a"
    );
    // c4: renamed and moved in the cloud too, the same node (not a new upload).
    assert_eq!(
        remote_tree(&w, "c4"),
        with_r(
            &["renamed.txt", "sub/b.txt", "sub/d2.txt"],
            &["a.txt", "b.txt", "dir/d.txt"]
        )
    );
    assert_eq!(super::handle_of(&w, "/c4/sub/d2.txt"), handle_d4);
    assert_eq!(super::handle_of(&w, "/c4/renamed.txt"), handle_a4);
    // c5: megajs's rename and move happened locally.
    assert_eq!(
        local_tree(&c[4].dir),
        with(&["z.txt=a", "sub/b.txt=b"], &["a.txt", "b.txt"])
    );
    // c6: the folder went to the cloud's debris, whole.
    assert_eq!(remote_tree(&w, "c6"), with_r(&[], &["dir"]));
    let bin = w.server_paths();
    assert!(
        bin.contains(&format!("//bin/SyncDebris/{date}/dir/d.txt")),
        "{bin:?}"
    );
    // c7: megajs's deletion moved the local file to the local debris.
    assert_eq!(local_tree(&c[6].dir), with(&[], &["a.txt"]));
    assert_eq!(
        std::fs::read_to_string(c[6].dir.join(format!(".debris/{date}/a.txt"))).unwrap(),
        "a"
    );
    // c8: both edits are kept, the path is stalled.
    assert_eq!(local_tree(&c[7].dir), with(&["a.txt=a8 local"], &["a.txt"]));
    assert!(cat("/c8/a.txt").contains("\na8 cloud"));
    // c9: the cloud edit wins over the local deletion (nothing is lost).
    assert_eq!(local_tree(&c[8].dir), with(&["a.txt=a9 cloud"], &["a.txt"]));
    assert_eq!(remote_tree(&w, "c9"), base_r);
    // c10: the case-only rename.
    assert_eq!(remote_tree(&w, "c10"), with_r(&["A.txt"], &["a.txt"]));
    // c11 (--up): the cloud follows; its extra file is in the debris.
    assert_eq!(remote_tree(&w, "c11"), base_r);
    assert!(cat("/c11/a.txt").contains("\na11 up"));
    // The cloud's edit was replaced by the local file, and kept in the debris.
    assert!(
        cat("/c11/b.txt").contains("\nb--- stderr"),
        "{}",
        cat("/c11/b.txt")
    );
    assert!(
        bin.iter()
            .any(|p| p.starts_with(&format!("//bin/SyncDebris/{date}/b.txt"))),
        "{bin:?}"
    );
    assert!(
        bin.contains(&format!("//bin/SyncDebris/{date}/extra.txt")),
        "{bin:?}"
    );
    // c12 (--down): the local folder follows; its extra file is in the local debris.
    assert_eq!(
        local_tree(&c[11].dir),
        [
            "a.txt=c12/a.txt",
            "dir/",
            "dir/d.txt=c12/dir/d.txt",
            "fromcloud.txt=down"
        ]
    );
    assert!(c[11]
        .dir
        .join(format!(".debris/{date}/localextra.txt"))
        .exists());
    // c13: excluded files stay where they are.
    assert_eq!(local_tree(&c[12].dir), with(&["x.tmp=t"], &[]));
    assert_eq!(remote_tree(&w, "c13"), with_r(&["y.tmp"], &[]));
    // c14: the link is listed as an issue; the rest is synced.
    assert_eq!(remote_tree(&w, "c14"), base_r);
    // c15: megajs's new folder and file came down.
    assert_eq!(local_tree(&c[14].dir), with(&["new/", "new/n.txt=n"], &[]));
    // c16: an empty file and an empty folder went up.
    assert_eq!(
        remote_tree(&w, "c16"),
        with_r(&["empty.txt", "emptydir/"], &[])
    );

    // The stalls, with their reasons.
    let issues = w.run(&["sync-issues"]);
    assert!(
        issues.contains("changed on both sides since the last sync"),
        "{issues}"
    );
    assert!(issues.contains("symbolic links are not synced"), "{issues}");
    assert!(
        issues.contains(&format!("{}", c[7].dir.join("a.txt").display())),
        "{issues}"
    );
    // Resolving the conflict (keeping the cloud's copy) lets the sync finish.
    std::fs::remove_file(c[7].dir.join("a.txt")).unwrap();
    std::fs::remove_file(c[13].dir.join("link")).unwrap();
    let out = once(&w);
    assert_eq!(exit_of(&out), "exit: 0", "{out}");
    assert_eq!(local_tree(&c[7].dir), with(&["a.txt=a8 cloud"], &["a.txt"]));
    assert_eq!(
        w.run(&["sync-issues"]).lines().nth(2),
        Some("There are no sync issues")
    );
    // Nothing left to do: another pass changes nothing.
    let out = once(&w);
    assert_eq!(out.lines().next(), Some("exit: 0"));
    assert!(
        !out.contains("upload") && !out.contains("download"),
        "{out}"
    );
}

#[test]
fn an_emptied_or_missing_local_folder_stalls_instead_of_emptying_the_cloud() {
    let w = World::new(&["S/"]);
    let dir = w.env.home.path().join("L");
    for i in 0..6 {
        write(&dir.join(format!("f{i}.txt")), "x");
    }
    let out = w.run(&["sync", dir.to_str().unwrap(), "/S"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert_eq!(exit_of(&once(&w)), "exit: 0");
    let before = remote_tree(&w, "S");
    assert_eq!(before.len(), 6);
    // Emptied (a wiped disk): more than half the synced files would go.
    for i in 0..6 {
        std::fs::remove_file(dir.join(format!("f{i}.txt"))).unwrap();
    }
    let out = once(&w);
    assert_eq!(exit_of(&out), "exit: 54", "{out}");
    assert_eq!(remote_tree(&w, "S"), before);
    let issues = w.run(&["sync-issues"]);
    assert!(
        issues.contains("would delete 6 of the 7 synced files"),
        "{issues}"
    );
    // Gone (an unmounted drive): nothing is touched either.
    std::fs::remove_dir_all(&dir).unwrap();
    let out = once(&w);
    assert_eq!(exit_of(&out), "exit: 54", "{out}");
    assert!(out.contains("stalled"), "{out}");
    assert_eq!(remote_tree(&w, "S"), before);
    let list = w.run(&["sync"]);
    assert!(list.contains("is missing"), "{list}");
    // Put back, it converges with nothing lost.
    std::fs::create_dir_all(&dir).unwrap();
    let out = once(&w);
    assert_eq!(exit_of(&out), "exit: 54", "{out}");
    assert_eq!(remote_tree(&w, "S"), before);
}

#[test]
fn add_list_pause_enable_delete() {
    let w = World::new(&["S/", "f.txt"]);
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    let out = w.run(&["sync", d, "/S"]);
    assert_eq!(
        out,
        format!(
            "exit: 0\n--- stdout\nAdded sync: {d} to /S\n--- stderr\nno engine is running; start one with: megash serve\n"
        )
    );
    // The default rules, as the SDK writes them.
    assert_eq!(
        std::fs::read_to_string(dir.join(".megaignore")).unwrap(),
        "+sync:.megaignore\n-:.*\n-:~*\n-:desktop.ini\n-:Thumbs.db\n"
    );
    let json = w.run(&["sync", "--json"]);
    let body = json
        .split("--- stdout\n")
        .nth(1)
        .unwrap()
        .split("--- stderr")
        .next()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let id = v[0]["id"].as_str().unwrap().to_string();
    assert_eq!(v[0]["run_state"], "Pending");
    assert_eq!(v[0]["status"], "NONE");
    let list = w.run(&["sync"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        [
            "ID",
            "LOCALPATH",
            "REMOTEPATH",
            "RUN_STATE",
            "STATUS",
            "ERROR",
            "SIZE",
            "FILES",
            "DIRS"
        ]
    );
    assert!(lines[3].starts_with(&id), "{list}");
    let cols = w.run(&["sync", "--output-cols=ID,RUN_STATE", "--col-separator=|"]);
    assert_eq!(
        cols,
        format!("exit: 0\n--- stdout\nID|RUN_STATE\n{id}|Pending\n--- stderr\n")
    );
    // Errors: overlap, a file as target, a missing folder.
    let inner = dir.join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    let out = w.run(&["sync", inner.to_str().unwrap(), "/"]);
    assert!(
        out.starts_with("exit: 56\n") && out.contains("overlaps"),
        "{out}"
    );
    let other = w.env.home.path().join("M");
    std::fs::create_dir_all(&other).unwrap();
    let out = w.run(&["sync", other.to_str().unwrap(), "/f.txt"]);
    assert!(out.starts_with("exit: 55\n"), "{out}");
    let out = w.run(&["sync", "/nonexistent-folder", "/S"]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
    // Pause and enable by ID or by local path; delete.
    assert!(w.run(&["sync", "-p", &id]).starts_with("exit: 0\n"));
    assert!(w.run(&["sync"]).contains("Paused"));
    assert!(w.run(&["sync", "-e", d]).starts_with("exit: 0\n"));
    assert!(w.run(&["sync"]).contains("Pending"));
    let out = w.run(&["sync", "-d", "nosuchid"]);
    assert!(
        out.starts_with("exit: 53\n") && out.contains("Sync not found"),
        "{out}"
    );
    assert_eq!(w.run(&["sync", "-d", &id]), super::ok(""));
    assert_eq!(w.run(&["sync"]), super::ok(""));
    // A full logout forgets the account's syncs and backups, as MEGAcmd's does.
    assert!(w.run(&["sync", d, "/S"]).starts_with("exit: 0\n"));
    let b = w.run(&["backup", d, "/S", "--period=1d", "--num-backups=1"]);
    assert!(b.starts_with("exit: 0\n"), "{b}");
    assert!(w.run(&["logout"]).starts_with("exit: 0\n"));
    let out = w.run(&["login", "--force", super::EMAIL, super::PASSWORD]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert_eq!(w.run(&["sync"]), super::ok(""));
    assert_eq!(w.run(&["backup"]), super::ok(""));
}

#[test]
fn a_mirror_never_empties_the_other_side_at_once() {
    let mut paths = vec!["M/".to_string(), "M/old/".to_string()];
    paths.extend((0..6).map(|i| format!("M/old/f{i}.txt")));
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let w = World::new(&refs);
    // An empty local folder (an unmounted drive) as the source of an --up mirror.
    let dir = w.env.home.path().join("L");
    std::fs::create_dir_all(&dir).unwrap();
    let out = w.run(&["sync", "--up", dir.to_str().unwrap(), "/M"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let before = remote_tree(&w, "M");
    let out = once(&w);
    assert_eq!(exit_of(&out), "exit: 54", "{out}");
    assert!(
        w.run(&["sync-issues"]).contains("would delete 6 of the"),
        "{out}"
    );
    assert_eq!(remote_tree(&w, "M"), before);
}
