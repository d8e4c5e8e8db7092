//! `errorcode`: MEGAcmd's texts, then MEGA's API texts; bad input is a usage error (51).

use super::{ok, Env};

#[test]
fn megacmd_codes_positive_and_negative() {
    let env = Env::new();
    assert_eq!(env.run(&["errorcode", "53"]), ok("Resource not found\n"));
    assert_eq!(env.run(&["errorcode", "-53"]), ok("Resource not found\n"));
    assert_eq!(env.run(&["errorcode", "57"]), ok("Needs logging in\n"));
    assert_eq!(env.run(&["errorcode", "0"]), ok("Everything OK\n"));
    // megash's own exit for Ctrl-C.
    assert_eq!(env.run(&["errorcode", "130"]), ok("Interrupted (Ctrl-C)\n"));
}

#[test]
fn api_codes_fall_back_to_mega_texts() {
    let env = Env::new();
    assert_eq!(env.run(&["errorcode", "9"]), ok("Not found\n"));
    assert_eq!(env.run(&["errorcode", "-16"]), ok("Blocked\n"));
    assert_eq!(env.run(&["errorcode", "4242"]), ok("Unknown error\n"));
}

#[test]
fn not_a_number() {
    let env = Env::new();
    assert_eq!(
        env.run(&["errorcode", "x"]),
        "exit: 51\n--- stdout\n--- stderr\nInvalid error code: x\n"
    );
}

#[test]
fn wrong_operand_count() {
    let env = Env::new();
    let usage = "exit: 51\n--- stdout\n--- stderr\nUsage: errorcode number\n";
    assert_eq!(env.run(&["errorcode"]), usage);
    assert_eq!(env.run(&["errorcode", "1", "2"]), usage);
}
