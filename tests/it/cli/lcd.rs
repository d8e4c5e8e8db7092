//! `lcd` changes the local folder for the following lines of a batch; bad folders are 55.

use super::{ok, Env};

#[test]
fn changes_folder_for_later_lines() {
    let env = Env::new();
    let sub = env.home.path().join("sub dir");
    std::fs::create_dir(&sub).unwrap();
    let sub = sub.canonicalize().unwrap();
    assert_eq!(
        env.run_stdin(&[], "lcd \"sub dir\"\nlpwd\nlcd ..\nlpwd\n"),
        ok(&format!(
            "{}\n{}\n",
            sub.display(),
            sub.parent().unwrap().display()
        ))
    );
}

#[test]
fn not_a_folder() {
    let env = Env::new();
    std::fs::write(env.home.path().join("file"), "x").unwrap();
    assert_eq!(
        env.run(&["lcd", "file"]),
        "exit: 55\n--- stdout\n--- stderr\nNot a valid folder: file\n"
    );
    assert_eq!(
        env.run(&["lcd"]),
        "exit: 51\n--- stdout\n--- stderr\nUsage: lcd localfolder\n"
    );
}
