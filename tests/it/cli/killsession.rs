//! `whoami -l` lists the account's live sessions (MEGAcmd's block, ids from `usl`) and
//! `killsession` ends them: one by id, or all others with `-a`; usage and bad ids.

use super::{ok, Env, World, EMAIL, PASSWORD};

fn sessions(env: &Env) -> Vec<serde_json::Value> {
    let out = env.run(&["whoami", "-l", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    doc["sessions"].as_array().unwrap().clone()
}

fn own_id(env: &Env) -> String {
    let list = sessions(env);
    let own: Vec<_> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(own.len(), 1, "{list:?}");
    own[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn whoami_lists_sessions_and_killsession_ends_them() {
    let w = World::new(&[]);
    let laptop = Env::with_sim(&w.sim);
    let server = Env::with_sim(&w.sim);
    for env in [&laptop, &server] {
        assert_eq!(env.run(&["login", EMAIL, PASSWORD]), ok(""));
    }

    let out = w.run(&["whoami", "-l"]);
    assert!(
        out.contains("\nCurrent Active Sessions:\n    * Current Session\n    Session ID: "),
        "{out}"
    );
    assert!(
        out.ends_with("    -----\n3 active sessions opened\n--- stderr\n"),
        "{out}"
    );
    for line in [
        "    IP: 127.0.0.1\n",
        "    Country: XX\n",
        "    User-Agent: megash/",
    ] {
        assert_eq!(out.matches(line).count(), 3, "{line:?} in {out}");
    }
    // MEGAcmd's `%c` (C locale): `Mon Nov 23 09:40:00 2026`.
    let start = out
        .lines()
        .find_map(|l| l.strip_prefix("    Session start: "))
        .unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(start, "%a %b %e %H:%M:%S %Y").is_ok(),
        "{start:?}"
    );
    let list = sessions(&w.env);
    assert_eq!(list.len(), 3, "{list:?}");
    let ids: Vec<&str> = list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(ids.iter().all(|id| id.len() == 11), "{ids:?}");

    let laptop_id = own_id(&laptop);
    assert_eq!(
        w.run(&["killsession", &laptop_id]),
        ok(&format!("Session {laptop_id} killed successfully\n"))
    );
    let out = laptop.run(&["ls"]);
    assert!(out.starts_with("exit: 15\n"), "{out}");
    assert!(out.contains("log in again"), "{out}");
    assert_eq!(server.run(&["ls"]), ok(""));
    assert_eq!(sessions(&w.env).len(), 2);

    // Usage and ids that are not sessions of the account.
    let out = w.run(&["killsession"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("Usage: killsession [-a | sessionid1"), "{out}");
    let out = w.run(&["killsession", "-a", &laptop_id]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    let out = w.run(&["killsession", "not-an-id"]);
    assert_eq!(
        out,
        "exit: 51\n--- stdout\n--- stderr\nInvalid session id: not-an-id (the ids are in \"whoami -l\")\n"
    );
    let out = w.run(&["killsession", "AAAAAAAAAAA"]);
    assert!(
        out.starts_with(
            "exit: 9\n--- stdout\n--- stderr\nFailed to kill session AAAAAAAAAAA. Maybe the session was not valid.: "
        ),
        "{out}"
    );

    assert_eq!(
        w.run(&["killsession", "-a"]),
        ok("All sessions killed successfully\n")
    );
    assert!(server.run(&["ls"]).starts_with("exit: 15\n"));
    let out = w.run(&["whoami", "-l"]);
    assert!(
        out.ends_with("\n1 active sessions opened\n--- stderr\n"),
        "{out}"
    );
}
