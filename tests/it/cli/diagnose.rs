//! `diagnose` against megasim's account types and fault knobs: each failure mode gets its
//! verdict and explanation, the exit code is the first failure's, `--json` carries the same,
//! and no secret ever appears in the output.

use super::{fixture, ok, snapshot, Env, World, EMAIL, PASSWORD};
use crate::support::{megash_bin, Sim};

/// `diagnose ARGS` with MEGA_PASSWORD set to `password`.
fn diagnose(env: &Env, args: &[&str], password: &str) -> String {
    let out = env
        .command(&megash_bin())
        .arg("diagnose")
        .args(args)
        .env("MEGA_PASSWORD", password)
        .output()
        .unwrap();
    snapshot(out)
}

/// The line of check `name`.
fn line<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find(|l| {
            l.get(6..)
                .is_some_and(|r| r.starts_with(&format!("{name} ")))
        })
        .unwrap_or_else(|| panic!("no {name} line in:\n{out}"))
}

fn faults(sim: &Sim, args: &[&str]) {
    let mut a = vec!["faults"];
    a.extend_from_slice(args);
    let out = sim.cli(&a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn healthy_account_is_all_ok_and_prints_no_secrets() {
    let w = World::new(&["f.txt"]);
    let session = w.run(&["session"]);
    let sid = session
        .lines()
        .nth(2)
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    // Right after `login` the 3-second guard holds the attempt back and says so.
    let held = diagnose(&w.env, &["--login"], PASSWORD);
    assert!(
        line(&held, "login").starts_with("WARN  login          not attempted"),
        "{held}"
    );
    let out = diagnose(&w.env, &["--login", "--force"], PASSWORD);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    for name in [
        "version",
        "state",
        "api",
        "clock",
        "session",
        "cache",
        "transfer-http",
        "transfer-quota",
        "prelogin",
        "login",
        "login-pacing",
        "quota",
    ] {
        let l = line(&out, name);
        assert!(!l.starts_with("FAIL"), "{l}");
    }
    assert!(line(&out, "login").contains("works"));
    assert!(line(&out, "prelogin").contains("v2"));
    assert!(!out.contains(PASSWORD) && !out.contains(&sid), "{out}");
    // The attempt's session was closed again; the saved one still works.
    assert_eq!(
        w.run(&["whoami"]),
        ok(&format!("Account e-mail: {EMAIL}\n"))
    );
    let json = diagnose(&w.env, &["--json", "--debug"], PASSWORD);
    assert!(!json.contains(&sid));
}

#[test]
fn wrong_password_and_account_without_keys_are_minus_9_explained() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    sim.add_user("nokeys@example.com", PASSWORD, &["--no-keys"]);
    let env = Env::with_sim(&sim);
    let out = diagnose(&env, &[EMAIL, "--login"], "wrong");
    assert!(out.starts_with("exit: 9\n"), "{out}");
    let l = line(&out, "login");
    assert!(
        l.starts_with("FAIL  login          Login failed: invalid email or password"),
        "{l}"
    );
    assert!(
        l.contains("never logged into in a web browser")
            && l.contains("-- check the e-mail and password"),
        "{l}"
    );
    let out = diagnose(&env, &["nokeys@example.com", "--login"], PASSWORD);
    assert!(out.starts_with("exit: 9\n"), "{out}");
    assert!(
        line(&out, "login").contains("log in once at https://mega.nz"),
        "{out}"
    );
    // `login` gives the same explanation by itself.
    let out = env.run(&["login", "--force", "nokeys@example.com", PASSWORD]);
    assert!(
        out.contains("Login failed: invalid email or password\nHint: MEGA answers -9"),
        "{out}"
    );
}

#[test]
fn two_factor_required_and_wrong_code() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &["--mfa", "JBSWY3DPEHPK3PXP"]);
    let env = Env::with_sim(&sim);
    let out = diagnose(&env, &[EMAIL, "--login"], PASSWORD);
    assert!(out.starts_with("exit: 26\n"), "{out}");
    assert!(line(&out, "login").contains("--auth-code="), "{out}");
    let out = diagnose(
        &env,
        &[EMAIL, "--login", "--force", "--auth-code=000000"],
        PASSWORD,
    );
    assert!(out.starts_with("exit: 5\n"), "{out}");
    assert!(
        line(&out, "login").contains("incorrect authentication"),
        "{out}"
    );
}

#[test]
fn blocked_account_gives_the_reason() {
    let w = World::new(&[]);
    let out = w.sim.cli(&["user", "block", EMAIL, "--reason", "700"]);
    assert!(out.status.success());
    let out = diagnose(&w.env, &[], "");
    assert!(out.starts_with("exit: 16\n"), "{out}");
    let l = line(&out, "session");
    assert!(
        l.starts_with("FAIL") && l.contains("blocked: temporarily suspended for your safety"),
        "{l}"
    );
    let out = diagnose(&w.env, &["--login", "--force"], PASSWORD);
    let l = line(&out, "login");
    assert!(
        l.contains("account blocked") && l.contains("verify your e-mail"),
        "{l}"
    );
    // Plain commands point at diagnose.
    let out = w.run(&["ls"]);
    assert!(out.starts_with("exit: 16\n"), "{out}");
    assert!(out.contains("diagnose"), "{out}");
    // Logging out works for a blocked account; a password login gets the reason too, and
    // leaves nobody logged in (so another account can log in).
    assert_eq!(w.run(&["logout"]), ok("Logging out...\n"));
    let out = w.run(&["login", "--force", EMAIL, PASSWORD]);
    assert!(out.starts_with("exit: 16\n"), "{out}");
    assert!(
        out.contains("account blocked") && out.contains("verify your e-mail"),
        "{out}"
    );
    assert!(w.run(&["whoami"]).starts_with("exit: 57\n"));
}

#[test]
fn login_rate_limit_is_minus_6() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    faults(&sim, &["--login-limit", "0/60/3600"]);
    let env = Env::with_sim(&sim);
    let out = diagnose(&env, &[EMAIL, "--login"], PASSWORD);
    assert!(out.starts_with("exit: 6\n"), "{out}");
    let l = line(&out, "login");
    assert!(
        l.contains("too many login attempts") && l.contains("wait at least an hour"),
        "{l}"
    );
}

#[test]
fn eagain_bursts_are_named_as_throttling() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    faults(&sim, &["--eagain", "1000"]);
    let env = Env::with_sim(&sim);
    let out = diagnose(&env, &[EMAIL, "--login"], PASSWORD);
    assert!(out.starts_with("exit: 3\n"), "{out}");
    let api = line(&out, "api");
    assert!(api.starts_with("WARN") && api.contains("-3"), "{api}");
    let l = line(&out, "prelogin");
    assert!(
        l.starts_with("FAIL") && l.contains("throttles logins"),
        "{l}"
    );
}

#[test]
fn hashcash_is_solved_and_reported() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    let env = Env::with_sim(&sim);
    faults(&sim, &["--hashcash", "192/3"]);
    let out = diagnose(&env, &[EMAIL, "--login"], PASSWORD);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(line(&out, "api").contains("HTTP 402"), "{out}");
    let l = line(&out, "login");
    assert!(
        l.contains("works") && l.contains("hashcash challenge(s) solved"),
        "{l}"
    );
}

#[test]
fn transfer_quota_509_reports_the_wait() {
    let w = World::new(&["f.txt"]);
    faults(&w.sim, &["--quota-509", "3700"]);
    let out = diagnose(&w.env, &[], "");
    let l = line(&out, "transfer-quota");
    assert!(
        l.starts_with("WARN") && l.contains("HTTP 509") && l.contains("1 h 1 min"),
        "{l}"
    );
}

#[test]
fn json_has_the_same_checks_and_exit_code() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    fixture(&sim, &[]);
    let env = Env::with_sim(&sim);
    let out = diagnose(&env, &[EMAIL, "--login", "--json"], "wrong");
    assert!(out.starts_with("exit: 9\n"), "{out}");
    let v: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["exit_code"], 9);
    let login = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "login")
        .unwrap();
    assert_eq!(login["status"], "fail");
    assert_eq!(login["code"], 9);
    assert!(login["advice"]
        .as_str()
        .unwrap()
        .contains("check the e-mail"));
    // Without a session the session check warns and says how to get one.
    let session = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "session")
        .unwrap();
    assert_eq!(session["status"], "warn");
}

#[test]
fn server_down_fails_the_api_check() {
    let sim = Sim::start();
    let env = Env::with_sim(&sim);
    drop(sim);
    let out = diagnose(&env, &[], "");
    assert!(out.starts_with("exit: 59\n"), "{out}");
    let l = line(&out, "api");
    assert!(
        l.starts_with("FAIL") && l.contains("cannot be reached"),
        "{l}"
    );
}
