//! `lpwd` prints the local current folder.

use super::{ok, Env};

#[test]
fn prints_the_current_folder() {
    let env = Env::new();
    let dir = env.home.path().canonicalize().unwrap();
    assert_eq!(env.run(&["lpwd"]), ok(&format!("{}\n", dir.display())));
}
