//! `session` prints the session string (no network); `--json` too.

use super::World;

#[test]
fn prints_the_session_string() {
    let w = World::new(&[]);
    let out = w.run(&["session"]);
    assert!(
        out.starts_with("exit: 0\n--- stdout\nYour (secret) session is: "),
        "{out}"
    );
    let s = out
        .lines()
        .nth(2)
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    assert!(s.len() > 70, "{s}");
    let v: serde_json::Value =
        serde_json::from_str(w.run(&["session", "--json"]).lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["session"], s);
}
