//! `signup` and `confirm`: an account made the SDK's way against megasim (ephemeral account,
//! names, `uc2`; the link megasim "mails"; `ud2`), whose first login makes its key pair and
//! whose later logins (ours and another client's) work like any account's; MEGAcmd's lines
//! and refusals.

use super::{ok, Env};
use crate::support::Sim;

const WHO: &str = "new@example.com";
const PW: &str = "a fresh password";

#[test]
fn sign_up_confirm_and_log_in() {
    let sim = Sim::start();
    let env = Env::with_sim(&sim);
    assert_eq!(
        env.run(&["signup", WHO, PW, "--name=New User"]),
        ok(&format!("Signing up. name=New. surname=User\nAccount {WHO} created successfully. You will receive a confirmation link. Use \"confirm\" with the provided link to confirm that account\n"))
    );
    let links = super::mailed(&sim, WHO);
    assert_eq!(links.len(), 1, "{links:?}");
    // Not confirmed yet: no such account.
    let early = env.run(&["login", WHO, PW]);
    assert!(!early.starts_with("exit: 0"), "{early}");
    let wrong = env.run(&["confirm", &links[0], "other@example.com"]);
    assert!(
        wrong.starts_with("exit: 52\n") && wrong.contains("doesn't correspond"),
        "{wrong}"
    );
    assert_eq!(
        env.run(&["confirm", &links[0], WHO]),
        ok(&format!(
            "Account {WHO} confirmed successfully. You can login with it now\n"
        ))
    );
    let again = env.run(&["confirm", &links[0], WHO]);
    assert!(!again.starts_with("exit: 0"), "{again}");
    // The first login makes the key pair; the account then works as any other. (--force:
    // the early attempt counts for megash's login guard.)
    assert_eq!(env.run(&["login", "--force", WHO, PW]), ok(""));
    std::fs::write(env.home.path().join("f.txt"), "hello").unwrap();
    assert_eq!(
        env.run(&["put", "f.txt", "/"]),
        ok("Upload finished: f.txt\n")
    );
    assert_eq!(
        env.run(&["signup", "x@example.com", "pw"]).lines().next(),
        Some("exit: 54")
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let names = rt.block_on(async {
        let c = megash::api::Client::new(&sim.url).unwrap();
        c.login(WHO, PW, None).await.unwrap();
        c.fetch_nodes()
            .await
            .unwrap()
            .nodes
            .into_iter()
            .filter_map(|n| n.name)
            .collect::<Vec<_>>()
    });
    assert!(names.contains(&"f.txt".to_string()), "{names:?}");
    let other = Env::with_sim(&sim);
    assert_eq!(other.run(&["login", WHO, PW]), ok(""));
    assert_eq!(other.run(&["cat", "/f.txt"]), ok("hello"));
    // The e-mail is taken now.
    let fresh = Env::with_sim(&sim);
    let taken = fresh.run(&["signup", WHO, PW, "--name=A B"]);
    assert!(
        taken.contains("Failed to create account") && !taken.starts_with("exit: 0"),
        "{taken}"
    );
    let bad_name = fresh.run(&["signup", "y@example.com", PW, "--name=Single"]);
    assert!(bad_name.starts_with("exit: 54\n"), "{bad_name}");
}
