//! `passwd`: the new password logs in (here and for another client, whose files still
//! decrypt: the master key stayed), the old one no longer does, other sessions end while this
//! one goes on; v1 accounts too; 2FA accounts need the code (26 without, 5 when wrong);
//! without a terminal `-f` and the password are required.

use super::{fixture, ok, Env, World, EMAIL, PASSWORD};
use crate::support::Sim;

const NEW: &str = "a new and longer passphrase";

/// Log in with the library and read `/Docs/a.txt` through it (None: the login failed).
fn peer_reads(sim: &Sim, password: &str) -> Option<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&sim.url).unwrap();
        c.login(EMAIL, password, None).await.ok()?;
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let a = nodes
            .iter()
            .find(|n| n.name.as_deref() == Some("a.txt"))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a");
        c.download(a, &out).await.unwrap();
        Some(std::fs::read_to_string(out).unwrap())
    })
}

#[test]
fn the_new_password_works_and_other_sessions_end() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    let other = Env::with_sim(&w.sim);
    assert_eq!(other.run(&["login", EMAIL, PASSWORD]), ok(""));
    let refused = w.run(&["passwd", NEW]);
    assert!(
        refused.starts_with("exit: 51\n") && refused.contains("-f"),
        "{refused}"
    );
    let missing = w.run(&["passwd", "-f"]);
    assert!(missing.starts_with("exit: 51\n"), "{missing}");
    assert_eq!(
        w.run(&["passwd", "-f", NEW]),
        ok("Password changed successfully\n")
    );
    // This session goes on; the other one ended.
    assert_eq!(w.run(&["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
    let ended = other.run(&["reload"]);
    assert!(!ended.starts_with("exit: 0"), "{ended}");
    assert_eq!(peer_reads(&w.sim, PASSWORD), None);
    assert_eq!(peer_reads(&w.sim, NEW).as_deref(), Some("Docs/a.txt"));
    let fresh = Env::with_sim(&w.sim);
    assert_eq!(fresh.run(&["login", EMAIL, NEW]), ok(""));
    assert_eq!(fresh.run(&["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
}

#[test]
fn v1_and_two_factor_accounts() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &["--v1"]);
    fixture(&sim, &["Docs/", "Docs/a.txt"]);
    let env = Env::with_sim(&sim);
    assert_eq!(env.run(&["login", EMAIL, PASSWORD]), ok(""));
    assert_eq!(
        env.run(&["passwd", "-f", NEW]),
        ok("Password changed successfully\n")
    );
    assert_eq!(peer_reads(&sim, NEW).as_deref(), Some("Docs/a.txt"));

    let sim = Sim::start();
    let secret = "JBSWY3DPEHPK3PXP";
    sim.add_user(EMAIL, PASSWORD, &["--mfa", secret]);
    let env = Env::with_sim(&sim);
    let code = super::login::totp(secret);
    assert_eq!(
        env.run(&["login", &format!("--auth-code={code}"), EMAIL, PASSWORD]),
        ok("")
    );
    let out = env.run(&["passwd", "-f", NEW]);
    assert!(out.starts_with("exit: 26\n"), "{out}");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let out = env.run(&["passwd", "-f", &format!("--auth-code={wrong}"), NEW]);
    assert!(
        out.starts_with("exit: 5\n")
            && out.contains("Password unchanged: invalid authentication code"),
        "{out}"
    );
    let code = super::login::totp(secret);
    assert_eq!(
        env.run(&["passwd", "-f", &format!("--auth-code={code}"), NEW]),
        ok("Password changed successfully\n")
    );
}
