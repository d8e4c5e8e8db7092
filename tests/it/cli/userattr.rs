//! `userattr`: MEGAcmd's list, setting and reading textual attributes (kept by megasim, read
//! back by another client through `uga`), the versioning switch seen as `^!dv`, and refusals.

use super::{ok, World, EMAIL, PASSWORD};

#[test]
fn list_set_and_read() {
    let w = World::new(&[]);
    let list = w.run(&["userattr", "--list"]);
    assert!(
        list.starts_with("exit: 0\n--- stdout\nAVATAR (+a)\nFIRSTNAME (firstname)\n"),
        "{list}"
    );
    assert_eq!(
        list.lines().filter(|l| l.contains(" (")).count(),
        28,
        "{list}"
    );
    assert_eq!(
        w.run(&["userattr", "-s", "firstname", "Zoë"]),
        ok("User attribute firstname updated correctly\n\tFIRSTNAME (firstname) = Zoë\n")
    );
    assert_eq!(
        w.run(&["userattr", "FIRSTNAME"]),
        ok("\tFIRSTNAME (firstname) = Zoë\n")
    );
    assert_eq!(
        w.run(&["configure", "versions", "off"]),
        ok("versions = off\n")
    );
    assert_eq!(
        w.run(&["userattr"]),
        ok("\tFIRSTNAME (firstname) = Zoë\n\tDISABLE_VERSIONS (^!dv) = 1\n")
    );
    // Another client reads what was set.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let v = rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        c.user_attribute(None, "firstname").await.unwrap()
    });
    assert_eq!(v, "Zoë".as_bytes());
    let missing = w.run(&["userattr", "lastname"]);
    assert!(missing.starts_with("exit: 9\n"), "{missing}");
    let unknown = w.run(&["userattr", "nosuch"]);
    assert!(
        unknown.starts_with("exit: 53\n") && unknown.contains("Attribute not found: nosuch"),
        "{unknown}"
    );
    let other = w.run(&["userattr", "-s", "firstname", "X", "--user=a@b.c"]);
    assert!(
        other.contains("Can't change other user attributes"),
        "{other}"
    );
    let key = w.run(&["userattr", "-s", "+puEd255", "x"]);
    assert!(!key.starts_with("exit: 0"), "{key}");
}
