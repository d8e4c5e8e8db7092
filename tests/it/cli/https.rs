//! `https`: the setting persists (0600) and transfer URLs are then asked for with `ssl:2`
//! (megasim serves plain HTTP only, so it records the `ssl` member of each `g`/`u` request
//! instead of answering with an https URL).

use super::{ok, World};

/// The `(verb, ssl)` pairs megasim has seen on transfer-URL requests.
fn ssl_log(w: &World) -> Vec<(String, i64)> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let v: serde_json::Value = rt.block_on(async {
        reqwest::get(format!("{}_admin/transfer-ssl", w.sim.url))
            .await
            .expect("admin endpoint")
            .json()
            .await
            .expect("json")
    });
    v.as_array()
        .expect("array")
        .iter()
        .map(|e| {
            (
                e["a"].as_str().unwrap_or_default().to_string(),
                e["ssl"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

#[test]
fn on_asks_for_ssl_2_and_off_for_0() {
    let w = World::new(&["Docs/", "Docs/a.txt"]);
    assert_eq!(w.run(&["https"]), ok("File transfer is done using HTTP\n"));
    // The fixture's own upload is in the log already.
    let before = ssl_log(&w).len();
    assert_eq!(
        w.run(&["get", "/Docs/a.txt"]),
        ok("Download finished: a.txt\n")
    );
    assert_eq!(ssl_log(&w)[before..], [("g".to_string(), 0)]);

    assert_eq!(
        w.run(&["https", "on"]),
        ok("File transfer now uses HTTPS\n")
    );
    assert_eq!(w.run(&["https"]), ok("File transfer is done using HTTPS\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.env.state_dir().join("transfer.cfg"))
            .expect("settings file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::write(w.env.home.path().join("up.txt"), "up").unwrap();
    assert_eq!(
        w.run(&["put", "up.txt", "/Docs"]),
        ok("Upload finished: up.txt\n")
    );
    assert_eq!(
        w.run(&["get", "/Docs/a.txt", "b.txt"]),
        ok("Download finished: b.txt\n")
    );
    assert_eq!(w.run(&["cat", "/Docs/up.txt"]), ok("up"));
    assert_eq!(
        ssl_log(&w)[before + 1..],
        [
            ("u".to_string(), 2),
            ("g".to_string(), 2),
            ("g".to_string(), 2)
        ]
    );

    assert_eq!(
        w.run(&["https", "off"]),
        ok("File transfer now uses HTTP\n")
    );
    assert_eq!(w.run(&["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
    assert_eq!(ssl_log(&w).last(), Some(&("g".to_string(), 0)));

    let bad = w.run(&["https", "maybe"]);
    assert!(bad.starts_with("exit: 51\n"), "{bad}");
    assert!(bad.contains("use on or off"), "{bad}");
}
