//! `psa`: megasim, like MEGA on most days, has no announcement: MEGAcmd's line and exit 53.

use super::{err, World};

#[test]
fn says_when_there_is_none() {
    let w = World::new(&[]);
    assert_eq!(w.run(&["psa"]), err(53, "No PSA available\n"));
    assert_eq!(w.run(&["psa", "--discard"]), err(53, "No PSA available\n"));
}
