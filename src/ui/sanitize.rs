//! Names from the network made safe for a terminal. A file name may hold escape sequences,
//! newlines or bidirectional overrides that would rewrite the screen or disguise another name;
//! they are shown as visible escapes instead. The name itself is never changed, only its display.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal raw: C0/C1 controls, DEL, and the Unicode
/// bidirectional controls that reorder what follows.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `name` with every unsafe character written as `\xNN` (controls) or `\u{NNNN}` (bidi
/// controls). Borrowed unchanged when nothing needs escaping, which is the common case.
pub fn terminal_safe(name: &str) -> Cow<'_, str> {
    if !name.chars().any(is_unsafe) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_borrowed() {
        assert!(matches!(
            terminal_safe("Welcome to MEGA.pdf"),
            Cow::Borrowed(_)
        ));
        assert_eq!(terminal_safe("tab\tname"), "tab\\x09name");
    }

    #[test]
    fn escapes_and_newlines_are_visible() {
        assert_eq!(terminal_safe("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(terminal_safe("two\nlines"), "two\\x0alines");
        assert_eq!(terminal_safe("del\x7f"), "del\\x7f");
        assert_eq!(terminal_safe("c1\u{9b}"), "c1\\x9b");
    }

    #[test]
    fn bidi_overrides_are_visible() {
        assert_eq!(terminal_safe("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
    }

    #[test]
    fn other_unicode_is_kept() {
        assert_eq!(terminal_safe("café 日本 🎉"), "café 日本 🎉");
    }
}
