//! `api::link::parse` on arbitrary strings: it must never panic, and every link that carries
//! a key must survive a trip through `file_link` / `folder_link` and back unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;
use megash::api::link::{file_link, folder_link, parse, PublicLink};

fuzz_target!(|data: &[u8]| {
    // Links arrive as text; non-UTF-8 input is rejected before parsing, so the parser only
    // ever sees `&str`. Lossy conversion still lets the fuzzer reach it from any bytes.
    let text = String::from_utf8_lossy(data);
    let Ok(parsed) = parse(&text) else {
        return;
    };
    match &parsed {
        PublicLink::File {
            handle,
            key: Some(key),
        } => {
            let again = file_link(handle, key);
            assert_eq!(parse(&again).as_ref(), Ok(&parsed), "file link round trip");
        }
        PublicLink::Folder {
            handle,
            key: Some(key),
            ..
        } => {
            // `folder_link` has no inner node, so the round trip keeps handle and key only.
            let again = folder_link(handle, key);
            let expected = PublicLink::Folder {
                handle: handle.clone(),
                key: Some(*key),
                inner: None,
            };
            assert_eq!(parse(&again), Ok(expected), "folder link round trip");
        }
        _ => {}
    }
});
