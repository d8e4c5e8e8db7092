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

/// megasim with a certificate answers `ssl:2` with https URLs on its TLS port, as MEGA does;
/// transfers over them verify (the test trusts the certificate through `MEGASH_CA_FILE`).
#[test]
fn transfers_over_tls_with_megasim_certificate() {
    use super::{fixture, snapshot, Env, EMAIL, PASSWORD};
    use crate::support::{megash_bin, Sim};
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cert = fixtures.join("megasim-tls-cert.pem");
    let key = fixtures.join("megasim-tls-key.pem");
    let sim = Sim::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    sim.add_user(EMAIL, PASSWORD, &[]);
    fixture(&sim, &["Docs/", "Docs/a.txt"]);
    let env = Env::with_sim(&sim);
    let run = |ca: bool, args: &[&str]| {
        let mut cmd = env.command(&megash_bin());
        if ca {
            cmd.env("MEGASH_CA_FILE", &cert);
        }
        snapshot(cmd.args(args).output().expect("run megash"))
    };
    assert_eq!(run(true, &["login", EMAIL, PASSWORD]), ok(""));
    assert_eq!(
        run(true, &["https", "on"]),
        ok("File transfer now uses HTTPS\n")
    );
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(env.home.path().join("tls.bin"), &data).unwrap();
    assert_eq!(
        run(true, &["put", "tls.bin", "/Docs"]),
        ok("Upload finished: tls.bin\n")
    );
    assert_eq!(
        run(true, &["get", "/Docs/tls.bin", "back.bin"]),
        ok("Download finished: back.bin\n")
    );
    assert!(std::fs::read(env.home.path().join("back.bin")).unwrap() == data);
    assert_eq!(run(true, &["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
    // Without trusting the certificate the TLS connection is refused: proof it was TLS.
    let untrusted = run(false, &["cat", "/Docs/a.txt"]);
    assert!(
        untrusted.contains("its certificate is not trusted"),
        "{untrusted}"
    );
    // Over HTTP again, no certificate needed.
    assert_eq!(
        run(false, &["https", "off"]),
        ok("File transfer now uses HTTP\n")
    );
    assert_eq!(run(false, &["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
}
