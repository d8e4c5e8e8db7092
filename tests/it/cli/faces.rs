//! Every command of the table through all three faces of the one binary: `megash CMD ...`,
//! a `mega-CMD ...` link (argv[0] dispatch) and a line of a batch read from stdin. The three
//! must print the same and exit alike, on the same account state (issue 3 §1 and §6).
//!
//! Commands that change the tree get a name per face (`{n}` below), and their outputs are
//! compared with that name put back; everything else runs on identical state.

use super::{Env, World};

/// One invocation per command; `{n}` is replaced by the face's number (1, 2, 3).
/// Commands whose output is not repeatable (timings, fresh link keys) use an error path or
/// a listing instead; their own test files cover the rest.
const CASES: &[(&str, &str)] = &[
    ("attr", "attr /Docs/a.txt"),
    ("backup", "backup"),
    ("cancel", "cancel --bogus"),
    ("cat", "cat /Docs/a.txt"),
    ("cd", "cd /Docs"),
    ("clear", "clear"),
    ("configure", "configure https"),
    ("confirm", "confirm nonsense a@example.com"),
    ("confirmcancel", "confirmcancel nonsense pw"),
    ("cp", "cp /Docs/a.txt /c{n}.txt"),
    ("debug", "debug --bogus"),
    ("dedupe", "dedupe /Docs"),
    ("deleteversions", "deleteversions -f /Docs/a.txt"),
    ("df", "df"),
    ("diagnose", "diagnose --bogus"),
    ("du", "du /Docs"),
    ("errorcode", "errorcode 53"),
    ("export", "export /Docs"),
    ("find", "find /Docs --pattern=*.txt"),
    ("get", "get /Docs/a.txt ./got{n}.txt"),
    ("graphics", "graphics"),
    ("help", "help mkdir"),
    ("history", "history --bogus"),
    ("https", "https"),
    ("import", "import https://mega.nz/file/broken /Docs"),
    ("killsession", "killsession -a"),
    ("lcd", "lcd /nonexistent-local-folder"),
    ("link", "link /missing"),
    ("log", "log -c"),
    ("login", "login --bogus"),
    ("logout", "logout --bogus"),
    ("lpwd", "lpwd --bogus"),
    ("ls", "ls -l /Docs"),
    ("masterkey", "masterkey /nonexistent-dir/key"),
    ("mediainfo", "mediainfo /Docs/a.txt"),
    ("mkdir", "mkdir -p /m{n}/deep"),
    ("mount", "mount"),
    ("mv", "mv /c{n}.txt /moved{n}.txt"),
    ("passwd", "passwd --bogus"),
    ("permissions", "permissions --files"),
    ("preview", "preview /Docs/a.txt ./none{n}.jpg"),
    ("proxy", "proxy"),
    ("psa", "psa"),
    ("put", "put ./local.txt /up{n}.txt"),
    ("pwd", "pwd"),
    ("quit", "quit --bogus"),
    ("reload", "reload --bogus"),
    ("restore", "restore /Docs/a.txt"),
    ("rm", "rm /moved{n}.txt"),
    ("serve", "serve --bogus"),
    ("session", "session"),
    ("signup", "signup user@example.com pw --name=Single"),
    ("speedlimit", "speedlimit"),
    ("sync", "sync"),
    ("sync-ignore", "sync-ignore --show DEFAULT"),
    ("sync-issues", "sync-issues"),
    ("thumbnail", "thumbnail /Docs/a.txt ./none{n}.jpg"),
    ("transfers", "transfers"),
    ("tree", "tree /Docs"),
    ("userattr", "userattr --list"),
    ("version", "version"),
    ("whoami", "whoami"),
];

/// Split a case the way the shell would (no quoting is used in CASES).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Put the face's names back to their template (`c2.txt` -> `c{n}.txt`) in `out`.
fn unname(case: &str, n: usize, mut out: String) -> String {
    for word in words(case).into_iter().filter(|w| w.contains("{n}")) {
        for part in word.split('/').filter(|p| p.contains("{n}")) {
            out = out.replace(&part.replace("{n}", &n.to_string()), part);
        }
    }
    out
}

#[test]
fn every_command_in_the_table_has_a_case() {
    let mut missing: Vec<&str> = megash::commands::TABLE
        .iter()
        .map(|c| c.name)
        .filter(|name| !CASES.iter().any(|(n, _)| n == name))
        .collect();
    missing.sort_unstable();
    assert!(
        missing.is_empty(),
        "commands without a faces case: {missing:?}"
    );
}

#[test]
fn one_shot_link_and_batch_line_agree_for_every_command() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Docs/b.txt"]);
    std::fs::write(w.env.home.path().join("local.txt"), "local bytes\n").unwrap();
    // `cd` changes the remote folder that later cases resolve against: go back each time.
    let reset = |env: &Env| {
        let out = env.run(&["cd", "/"]);
        assert!(out.starts_with("exit: 0"), "{out}");
    };
    let mut failures = Vec::new();
    for (name, case) in CASES {
        let mut outs = Vec::new();
        for n in 1..=3 {
            let line = case.replace("{n}", &n.to_string());
            let argv = words(&line);
            let out = match n {
                1 => w.env.run(&argv),
                2 => w.env.run_as(&format!("mega-{}", argv[0]), &argv[1..]),
                _ => w.env.run_stdin(&[], &format!("{line}\n")),
            };
            reset(&w.env);
            outs.push(unname(case, n, out));
        }
        if outs[0] != outs[1] || outs[0] != outs[2] {
            failures.push(format!(
                "{name}: `{case}`\n-- megash CMD:\n{}\n-- mega-CMD:\n{}\n-- batch:\n{}",
                outs[0], outs[1], outs[2]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The tree changes happened once per face, as asked.
    let paths = w.server_paths();
    for n in 1..=3 {
        for p in [format!("/m{n}/deep/"), format!("/up{n}.txt")] {
            assert!(paths.iter().any(|x| x.ends_with(&p)), "{p} in {paths:?}");
        }
        assert!(!paths.iter().any(|x| x.ends_with(&format!("/moved{n}.txt"))));
        assert!(w.env.home.path().join(format!("got{n}.txt")).exists());
    }
}
