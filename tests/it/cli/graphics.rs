//! `graphics`: MEGAcmd's lines, the setting kept between commands, a usage error otherwise.
//! (What it changes is proven in tests/it/cli/thumbnail.rs.)

use super::{ok, Env};

#[test]
fn on_off_and_kept() {
    let env = Env::new();
    assert_eq!(env.run(&["graphics"]), ok("Graphic features enabled\n"));
    assert_eq!(
        env.run(&["graphics", "off"]),
        ok("Graphic features disabled\n")
    );
    assert_eq!(env.run(&["graphics"]), ok("Graphic features disabled\n"));
    assert_eq!(
        env.run(&["graphics", "on"]),
        ok("Graphic features enabled\n")
    );
    let bad = env.run(&["graphics", "maybe"]);
    assert!(bad.starts_with("exit: 51\n"), "{bad}");
}
