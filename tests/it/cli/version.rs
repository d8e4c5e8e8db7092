//! `version`, `megash --version` and `mega-version`.

use super::{ok, Env};

fn plain() -> String {
    ok(&format!("megash version: {}\n", env!("CARGO_PKG_VERSION")))
}

#[test]
fn version_in_every_face() {
    let env = Env::new();
    assert_eq!(env.run(&["version"]), plain());
    assert_eq!(env.run(&["--version"]), plain());
    assert_eq!(env.run_as("mega-version", &[]), plain());
}

#[test]
fn long_form_adds_lines() {
    let env = Env::new();
    let out = env.run(&["version", "-l"]);
    assert!(
        out.starts_with(&plain()[..plain().find("--- stderr").unwrap()]),
        "{out}"
    );
    assert!(out.contains("Features enabled:"), "{out}");
}

#[test]
fn takes_no_operands() {
    let env = Env::new();
    assert_eq!(
        env.run(&["version", "x"]),
        "exit: 51\n--- stdout\n--- stderr\nUsage: version [-l] [-c]\n"
    );
}
