//! `mount`: MEGAcmd's root lines for an account, `/` alone for a folder link.

use super::{ok, World};

#[test]
fn lists_the_roots() {
    let w = World::new(&["Docs/"]);
    assert_eq!(
        w.run(&["mount"]),
        ok("ROOT on /\nINBOX on //in\nRUBBISH on //bin\n")
    );
    let link = w.env.link("/Docs");
    let env = super::Env::with_sim(&w.sim);
    assert_eq!(env.run(&["login", &link]), ok(""));
    assert_eq!(env.run(&["mount"]), ok("ROOT on /\n"));
}
