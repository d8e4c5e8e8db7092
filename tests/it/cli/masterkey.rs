//! `masterkey`: the recovery key alone on stdout (the warning on stderr), or saved to a file
//! made 0600 and never over an existing one; the key is the master key the login derived.

use super::{World, EMAIL, PASSWORD};

#[test]
fn prints_or_saves_the_recovery_key() {
    let w = World::new(&[]);
    let out = w.run(&["masterkey"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "exit: 0", "{out}");
    let key = lines[2];
    assert!(
        lines[4].starts_with("Keep the recovery key offline"),
        "{out}"
    );
    // It is the master key another login derives from the password.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let session = rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap()
    });
    assert_eq!(megash::crypto::b64::encode(&session.master_key), key);
    let saved = w.run(&["masterkey", "key.txt"]);
    assert!(saved.contains("Recovery key saved in key.txt\n"), "{saved}");
    let file = w.env.home.path().join("key.txt");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), format!("{key}\n"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let again = w.run(&["masterkey", "key.txt"]);
    assert!(again.contains("key.txt already exists"), "{again}");
    assert!(!again.starts_with("exit: 0"), "{again}");
}
