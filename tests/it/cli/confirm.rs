//! `confirm`: the round trip is in tests/it/cli/signup.rs; here links that are not links.

use super::Env;
use crate::support::Sim;

#[test]
fn malformed_links_are_refused_before_any_request() {
    let sim = Sim::start();
    let env = Env::with_sim(&sim);
    for link in [
        "https://mega.nz/#confirm",
        "nonsense",
        "https://mega.nz/#confirm!!!",
    ] {
        let out = env.run(&["confirm", link, "a@example.com"]);
        assert!(
            out.starts_with("exit: 51\n") && out.contains("Invalid confirmation link"),
            "{out}"
        );
    }
}
