//! `configure`: every setting as `KEY = VALUE`, one key, setting values (checked), MEGAcmd's
//! message for unknown keys, and `versions`, which switches the account's file versioning
//! (an upload over a file then replaces it for good).

use super::{ok, World};

#[test]
fn shows_and_sets_settings_and_versioning() {
    let w = World::new(&["D/"]);
    assert_eq!(
        w.run(&["configure"]),
        ok("versions = on\nhttps = off\npermissions_files = 600\npermissions_folders = 700\nlog_level = ERROR\napi_log_level = ERROR\n")
    );
    assert_eq!(
        w.run(&["configure", "permissions_files", "640"]),
        ok("permissions_files = 640\n")
    );
    assert_eq!(
        w.run(&["permissions", "--files"]),
        ok("Default files permissions: 640\n")
    );
    let bad = w.run(&["configure", "permissions_folders", "600"]);
    assert!(bad.starts_with("exit: 51\n"), "{bad}");
    assert_eq!(
        w.run(&["configure", "max_nodes_in_cache"]),
        "exit: 51\n--- stdout\n--- stderr\nProvided configuration key does not exist: max_nodes_in_cache\n"
    );
    assert_eq!(
        w.run(&["configure", "versions", "off"]),
        ok("versions = off\n")
    );
    let local = w.env.home.path().join("f.txt");
    std::fs::write(&local, "one").unwrap();
    assert_eq!(
        w.run(&["put", "f.txt", "/D/"]),
        ok("Upload finished: f.txt\n")
    );
    std::fs::write(&local, "two!").unwrap();
    assert_eq!(
        w.run(&["put", "f.txt", "/D/"]),
        ok("Upload finished: f.txt\n")
    );
    let long = w.run(&["ls", "-l", "/D"]);
    assert!(long.contains("----    1            4 "), "{long}");
    assert_eq!(w.run(&["configure", "versions"]), ok("versions = off\n"));
    assert_eq!(
        w.run(&["configure", "versions", "on"]),
        ok("versions = on\n")
    );
}
