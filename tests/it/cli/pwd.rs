//! `pwd` prints the current remote folder, kept between one-shot commands.

use super::{ok, World};

#[test]
fn starts_at_the_root_and_follows_cd() {
    let w = World::new(&["a/", "a/b c/"]);
    assert_eq!(w.run(&["pwd"]), ok("/\n"));
    assert_eq!(w.run(&["cd", "a/b c"]), ok(""));
    assert_eq!(w.run(&["pwd"]), ok("/a/b c\n"));
    assert_eq!(w.env.run_as("mega-pwd", &[]), ok("/a/b c\n"));
}
