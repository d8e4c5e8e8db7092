//! `cancel` and `confirmcancel`: the link megasim "mails", a wrong password that deletes
//! nothing, then the account gone (its login refused, megash logged out) — and MEGAcmd's lines.

use super::{ok, World, EMAIL, PASSWORD};

#[test]
fn cancel_then_confirm_deletes_the_account() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    assert_eq!(
        w.run(&["cancel"]),
        ok("Account pending cancel confirmation. You will receive a confirmation link. Use \"confirmcancel\" with the provided link to confirm the cancellation\n")
    );
    let links = super::mailed(&w.sim, EMAIL);
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(links[0].contains("#cancel"), "{links:?}");
    let wrong = w.run(&["confirmcancel", &links[0], "not the password"]);
    assert!(
        wrong.starts_with("exit: 53\n") && wrong.contains("invalid link/password"),
        "{wrong}"
    );
    assert_eq!(w.run(&["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
    assert_eq!(
        w.run(&["confirmcancel", &links[0], PASSWORD]),
        ok("CONFIRM Account cancelled successfully\n")
    );
    let after = w.run(&["ls"]);
    assert!(after.starts_with("exit: 57\n"), "logged out: {after}");
    let login = w.run(&["login", "--force", EMAIL, PASSWORD]);
    assert!(!login.starts_with("exit: 0"), "{login}");
}
