//! `log` and `debug`: the levels (names and numbers, -c and -s), kept between commands, and
//! the log file they fill: mode 0600, our records only, never a session id.

use std::os::unix::fs::PermissionsExt;

use super::{ok, World};

#[test]
fn levels_and_the_log_file() {
    let w = World::new(&["Docs/"]);
    assert_eq!(
        w.run(&["log"]),
        ok("megash log level = ERROR\nAPI log level = ERROR\n")
    );
    assert_eq!(w.run(&["log", "-s", "4"]), ok("API log level = DEBUG\n"));
    assert_eq!(w.run(&["log", "-c"]), ok("megash log level = ERROR\n"));
    let bad = w.run(&["log", "LOUD"]);
    assert!(bad.starts_with("exit: 51\n"), "{bad}");
    assert_eq!(
        w.run(&["debug"]),
        ok("megash log level = VERBOSE\nAPI log level = VERBOSE\n")
    );
    assert_eq!(w.run(&["mkdir", "/Docs/new"]), ok(""));
    let file = w.env.state_dir().join("megash.log");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(" megash_api"), "{text}");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let session = w.run(&["session"]);
    let secret = session.lines().nth(2).unwrap().rsplit(' ').next().unwrap();
    assert!(!text.contains(secret) && !text.contains("sid="), "{text}");
    assert_eq!(
        w.run(&["log", "ERROR"]),
        ok("megash log level = ERROR\nAPI log level = ERROR\n")
    );
    let before = std::fs::metadata(&file).unwrap().len();
    assert_eq!(w.run(&["ls", "/Docs"]), ok("new\n"));
    assert_eq!(std::fs::metadata(&file).unwrap().len(), before);
    let extra = w.run(&["debug", "x"]);
    assert!(extra.starts_with("exit: 51\n"), "{extra}");
}
