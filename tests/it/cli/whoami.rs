//! `whoami`: the e-mail from the saved session; `-l` storage per root and quota; `--json`.

use super::{ok, World, EMAIL};

#[test]
fn plain_long_and_json() {
    let w = World::new(&["Docs/", "Docs/a.txt", "b.txt"]);
    assert_eq!(
        w.run(&["whoami"]),
        ok(&format!("Account e-mail: {EMAIL}\n"))
    );
    let out = w.run(&["whoami", "-l"]);
    assert!(
        out.starts_with(&format!(
            "exit: 0\n--- stdout\nAccount e-mail: {EMAIL}\n    Available storage: "
        )),
        "{out}"
    );
    assert!(
        out.contains("        In ROOT:       15.00  Bytes in     2 file(s) and     1 folder(s)\n"),
        "{out}"
    );
    assert!(
        out.contains("        In RUBBISH:     0.00  Bytes in     0 file(s) and     0 folder(s)\n"),
        "{out}"
    );
    let out = w.run(&["whoami", "-l", "--json"]);
    let json = out.lines().nth(2).unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["email"], EMAIL);
    assert_eq!(v["roots"][0]["root"], "cloud_drive");
    assert_eq!(v["roots"][0]["files"], 2);
    assert_eq!(v["roots"][0]["bytes"], 15);
    assert!(v["storage"]["storage_max"].as_u64().unwrap() > 0);
    let v: serde_json::Value =
        serde_json::from_str(w.run(&["whoami", "--json"]).lines().nth(2).unwrap()).unwrap();
    assert_eq!(v["email"], EMAIL);
}
