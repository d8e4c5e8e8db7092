//! `login` through the binary: password forms, the saved session (0600) reused by later
//! processes, MEGAcmd's failure lines and codes, the 3-second guard, session strings.

use std::os::unix::fs::PermissionsExt;

use super::{ok, Env, World, EMAIL, PASSWORD};
use crate::support::Sim;

#[test]
fn login_saves_a_private_session_that_later_commands_reuse() {
    let w = World::new(&["Docs/"]);
    let session = w.env.state_dir().join("session.json");
    let mode = std::fs::metadata(&session).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(!text.contains(PASSWORD));
    assert_eq!(w.run(&["ls"]), ok("Docs\n"));
    assert_eq!(
        w.run(&["whoami"]),
        ok(&format!("Account e-mail: {EMAIL}\n"))
    );
    assert_eq!(w.megash_logins(), 1);
}

#[test]
fn already_logged_in_is_54() {
    let w = World::new(&[]);
    assert_eq!(
        w.run(&["login", EMAIL, PASSWORD]),
        "exit: 54\n--- stdout\n--- stderr\nAlready logged in. Please log out first.\n"
    );
}

#[test]
fn wrong_password_is_9_and_no_session() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    let env = Env::with_sim(&sim);
    let out = env.run(&["login", EMAIL, "wrong"]);
    assert!(out.starts_with("exit: 9\n"), "{out}");
    assert!(
        out.contains("Login failed: invalid email or password"),
        "{out}"
    );
    assert!(!env.state_dir().join("session.json").exists());
    // The failure was recorded, so an immediate retry is refused by the guard...
    let out = env.run(&["login", EMAIL, PASSWORD]);
    assert!(out.starts_with("exit: 54\n"), "{out}");
    assert!(out.contains("--force"), "{out}");
    // ...unless forced.
    assert_eq!(env.run(&["login", "--force", EMAIL, PASSWORD]), ok(""));
}

#[test]
fn password_from_file_and_environment() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    let env = Env::with_sim(&sim);
    let file = env.home.path().join("pw");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let arg = format!("--password-file={}", file.display());
    assert_eq!(env.run(&["login", &arg, EMAIL]), ok(""));
    assert_eq!(env.run(&["logout"]), ok("Logging out...\n"));
    let out = env
        .command(&crate::support::megash_bin())
        .args(["login", "--force", EMAIL])
        .env("MEGA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(super::snapshot(out), ok(""));
}

#[test]
fn no_password_without_a_terminal_is_51() {
    let sim = Sim::start();
    let env = Env::with_sim(&sim);
    let out = env.run(&["login", EMAIL]);
    assert!(
        out.starts_with("exit: 51\n--- stdout\n--- stderr\nExtra args required in non-interactive mode. Usage: login "),
        "{out}"
    );
}

#[test]
fn two_factor_code() {
    let sim = Sim::start();
    let secret = "JBSWY3DPEHPK3PXP";
    sim.add_user(EMAIL, PASSWORD, &["--mfa", secret]);
    let env = Env::with_sim(&sim);
    let out = env.run(&["login", EMAIL, PASSWORD]);
    assert!(out.starts_with("exit: 26\n"), "{out}");
    assert!(out.contains("--auth-code="), "{out}");
    let code = totp(secret);
    // A wrong code exits 5, as MEGAcmd does (API_EFAILED).
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let out = env.run(&[
        "login",
        &format!("--auth-code={wrong}"),
        "--force",
        EMAIL,
        PASSWORD,
    ]);
    assert!(out.starts_with("exit: 5\n"), "{out}");
    assert!(
        out.contains("Login failed: incorrect authentication"),
        "{out}"
    );
    let arg = format!("--auth-code={code}");
    assert_eq!(
        env.run(&["login", &arg, "--force", EMAIL, PASSWORD]),
        ok("")
    );
}

pub(super) fn totp(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .generate_current()
        .unwrap()
}

#[test]
fn session_string_logs_in_elsewhere_without_a_password() {
    let w = World::new(&["Shared/"]);
    let out = w.run(&["session"]);
    let s = out
        .lines()
        .find_map(|l| l.strip_prefix("Your (secret) session is: "))
        .unwrap()
        .to_string();
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", "--", &s]), ok(""));
    assert_eq!(
        other.run(&["whoami"]),
        ok(&format!("Account e-mail: {EMAIL}\n"))
    );
    assert_eq!(other.run(&["ls"]), ok("Shared\n"));
    assert_eq!(w.megash_logins(), 1);
    let out = other.run(&["login", "bm90IGEgc2Vzc2lvbg"]);
    assert!(
        out.starts_with("exit: 54\n"),
        "already logged in first: {out}"
    );
    let third = Env::with_sim(&w.sim);
    let out = third.run(&["login", "bm90IGEgc2Vzc2lvbg"]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("session string"), "{out}");
}

#[test]
fn folder_link_is_a_read_only_session() {
    let w = World::new(&["Docs/", "Docs/a.txt", "Docs/sub/", "Docs/sub/b.txt"]);
    let link = w.run(&["link", "Docs"]).lines().nth(2).unwrap().to_string();
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", &link]), ok(""));
    assert_eq!(other.run(&["ls"]), ok("sub\na.txt\n"));
    assert_eq!(other.run(&["cd", "sub"]), ok(""));
    assert_eq!(other.run(&["pwd"]), ok("/sub\n"));
    assert_eq!(other.run(&["ls", "/sub"]), ok("b.txt\n"));
    // Reading commands that transfer work too.
    assert_eq!(other.run(&["cat", "/a.txt"]), ok("Docs/a.txt"));
    assert_eq!(
        other.run(&["get", "b.txt"]),
        ok("Download finished: b.txt\n")
    );
    assert_eq!(
        std::fs::read(other.home.path().join("b.txt")).unwrap(),
        b"Docs/sub/b.txt"
    );
    let out = other.run(&["export", "-a", "-f", "/sub"]);
    assert!(out.starts_with("exit: 56\n"), "{out}");
    assert!(out.contains("read-only"), "{out}");
    // The owner's changes inside the folder reach the link session through `sc`, as on MEGA:
    // a rename, a new folder, a file moved out (a deletion for the link) and one moved in.
    rename_from_outside(&w, "a.txt", "renamed.txt");
    assert_eq!(w.run(&["mkdir", "Docs/new", "Elsewhere"]), ok(""));
    assert_eq!(w.run(&["mv", "Docs/sub/b.txt", "/"]), ok(""));
    assert_eq!(other.run(&["ls", "/"]), ok("new\nsub\nrenamed.txt\n"));
    assert_eq!(other.run(&["ls", "/sub"]), ok(""));
    assert_eq!(w.run(&["mv", "/b.txt", "Docs/new"]), ok(""));
    assert_eq!(other.run(&["ls", "/new"]), ok("b.txt\n"));
    assert_eq!(other.run(&["cat", "/new/b.txt"]), ok("Docs/sub/b.txt"));
    assert_eq!(other.run(&["reload"]), ok("Reloading account...\n"));
    assert_eq!(other.run(&["ls", "/"]), ok("new\nsub\nrenamed.txt\n"));
    assert_eq!(other.run(&["logout"]), ok("Logging out...\n"));
    assert!(other.run(&["ls"]).starts_with("exit: 57\n"));
    assert_eq!(
        w.megash_logins(),
        2,
        "megash's one login and the renaming client's"
    );
}

#[test]
fn bad_links_are_named() {
    let w = World::new(&["Docs/", "f.txt"]);
    let env = Env::with_sim(&w.sim);
    let out = env.run(&["login", "https://mega.nz/folder/AAAAAAAA#zzz"]);
    assert!(
        out.starts_with("exit: 51\n--- stdout\n--- stderr\nInvalid link: malformed key"),
        "{out}"
    );
    let out = env.run(&[
        "login",
        "https://mega.nz/folder/AAAAAAAA#AAAAAAAAAAAAAAAAAAAAAA",
    ]);
    assert!(out.starts_with("exit: 53\n"), "{out}");
    assert!(out.contains("does not exist or was removed"), "{out}");
    let file = w
        .run(&["link", "f.txt"])
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    let out = env.run(&["login", &file]);
    assert!(out.contains("a file link cannot be logged into"), "{out}");
    let link = w.run(&["link", "Docs"]).lines().nth(2).unwrap().to_string();
    let (base, _) = link.split_once('#').unwrap();
    let wrong = format!("{base}#AAAAAAAAAAAAAAAAAAAAAA");
    let out = env.run(&["login", &wrong]);
    assert!(out.starts_with("exit: 51\n"), "{out}");
    assert!(out.contains("wrong key"), "{out}");
    assert!(!env.state_dir().join("session.json").exists());
}

/// Rename a node (by name, anywhere) with the library, as another client of the owner.
fn rename_from_outside(w: &World, from: &str, to: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let n = nodes
            .iter()
            .find(|n| n.name.as_deref() == Some(from))
            .unwrap();
        c.rename(n, to).await.unwrap();
    });
}

#[test]
fn a_first_argument_that_is_no_email_is_named_as_such() {
    let env = Env::new();
    let out = env.run(&["login", "notanemail", "x"]);
    assert_eq!(
        out,
        "exit: 51\n--- stdout\n--- stderr\nnotanemail is neither an e-mail address nor a session string or folder link\n"
    );
}

#[test]
fn a_saved_session_is_never_sent_to_another_server() {
    let w = World::new(&["Docs/"]);
    // Port 9 (discard) on loopback: were the sid sent there, megash would retry for minutes.
    let mut other = w.env.command(&crate::support::megash_bin());
    other.env("MEGA_API_URL", "http://127.0.0.1:9/");
    let out = super::snapshot(other.arg("ls").output().unwrap());
    assert!(out.starts_with("exit: 54\n"), "{out}");
    assert!(
        out.contains(&w.sim.url) && out.contains("http://127.0.0.1:9/"),
        "names both servers: {out}"
    );
    // logout ends the session where it lives, whatever MEGA_API_URL says.
    let mut logout = w.env.command(&crate::support::megash_bin());
    logout.env("MEGA_API_URL", "http://127.0.0.1:9/");
    let out = super::snapshot(logout.arg("logout").output().unwrap());
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(w.run(&["ls"]).starts_with("exit: 57\n"));
}

#[test]
fn a_proxy_in_the_environment_never_takes_loopback_traffic() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    let with_proxy = |args: &[&str]| {
        let mut cmd = w.env.command(&crate::support::megash_bin());
        // A dead proxy: anything sent through it fails.
        for v in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
        ] {
            cmd.env(v, "http://127.0.0.1:9");
        }
        cmd.env("MEGASH_RETRIES", "0");
        super::snapshot(cmd.args(args).output().unwrap())
    };
    assert_eq!(with_proxy(&["logout"]), ok("Logging out...\n"));
    assert_eq!(with_proxy(&["login", "--force", EMAIL, PASSWORD]), ok(""));
    assert_eq!(
        with_proxy(&["get", "/Docs/a.txt"]),
        ok("Download finished: a.txt\n")
    );
    let out = with_proxy(&["diagnose"]);
    assert!(
        out.contains("go directly (loopback never uses a proxy)"),
        "{out}"
    );
}

#[test]
fn every_command_that_writes_is_refused_in_a_read_only_session() {
    use megash::commands::{Writes, TABLE};
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    let link = w.env.link("Docs");
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", &link]), ok(""));
    let before = w.server_paths();
    // Arguments that make the commands whose writing depends on them write.
    let when: &[(&str, &[&str])] = &[
        ("attr", &["-s", "/a.txt", "k", "v"]),
        ("backup", &["/tmp", "/x"]),
        ("configure", &["versions", "off"]),
        ("cp", &["/a.txt", "/b.txt"]),
        ("dedupe", &["--mode=newest", "/"]),
        ("sync", &["/tmp", "/x"]),
        ("preview", &["-s", "/a.txt", "x.png"]),
        ("thumbnail", &["-s", "/a.txt", "x.png"]),
        ("userattr", &["-s", "firstname", "X"]),
    ];
    let mut checked = 0;
    for cmd in TABLE {
        let args: Vec<String> = match cmd.writes {
            Writes::No => continue,
            Writes::Yes => {
                let n = cmd.min_args.max(1).min(cmd.max_args.unwrap_or(usize::MAX));
                (0..n).map(|i| format!("/x{i}")).collect()
            }
            Writes::When(_) => {
                let (_, args) = when
                    .iter()
                    .find(|(n, _)| *n == cmd.name)
                    .unwrap_or_else(|| panic!("say how {} writes, in this test", cmd.name));
                args.iter().map(|a| a.to_string()).collect()
            }
        };
        let mut words = vec![cmd.name];
        words.extend(args.iter().map(String::as_str));
        let out = other.run(&words);
        assert!(
            out.starts_with("exit: 56\n") && out.contains("read-only"),
            "{words:?}: {out}"
        );
        checked += 1;
    }
    assert!(checked >= 11, "{checked}");
    assert_eq!(w.server_paths(), before);
}
