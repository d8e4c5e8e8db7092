//! `debug`: both levels to VERBOSE (MEGAcmd's `log 5`); `log` reads them back.

use super::{ok, World};

#[test]
fn sets_everything_to_verbose() {
    let w = World::new(&[]);
    assert_eq!(
        w.run(&["debug"]),
        ok("megash log level = VERBOSE\nAPI log level = VERBOSE\n")
    );
    assert_eq!(
        w.run(&["log"]),
        ok("megash log level = VERBOSE\nAPI log level = VERBOSE\n")
    );
}
