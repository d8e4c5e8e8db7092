//! `preview`: covered with `thumbnail` (tests/it/cli/thumbnail.rs), which shares its code; here
//! the errors of its own usage.

use super::World;

#[test]
fn a_missing_file_or_a_folder_is_refused() {
    let w = World::new(&["P/"]);
    let missing = w.run(&["preview", "/P/nope.jpg", "x.jpg"]);
    assert!(missing.starts_with("exit: 53\n"), "{missing}");
    let folder = w.run(&["preview", "/P", "x.jpg"]);
    assert!(
        folder.starts_with("exit: 55\n") && folder.contains("not a file"),
        "{folder}"
    );
}
