//! Public link syntax: file and folder links, current and legacy forms, links to a node
//! inside a folder link, and links without a key. Parsing is pure and never panics; it is a
//! fuzz target because links arrive from users, web pages and scripts.
use crate::crypto::keys::FileKey;
use crate::crypto::{b64, Key128};

/// What a public link points at.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PublicLink {
    /// A file link: public handle and, unless the link omits it, the file's 32-byte key.
    File {
        handle: String,
        key: Option<FileKey>,
    },
    /// A folder link: public handle, the share key unless omitted, and optionally a node
    /// inside the shared folder that the link points at.
    Folder {
        handle: String,
        key: Option<Key128>,
        inner: Option<Inner>,
    },
}

/// A node inside a folder link (`/file/<h>` or `/folder/<h>`, legacy `!<h>` or `?<h>`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Inner {
    File(String),
    Folder(String),
    /// Legacy forms do not say whether the node is a file or a folder.
    Unknown(String),
}

/// Why a string is not a usable MEGA link. Never echoes the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("not a MEGA link")]
    NotMega,
    #[error("malformed public handle in link")]
    BadHandle,
    #[error("malformed key in link")]
    BadKey,
    #[error("password-protected links (#P!) are not supported")]
    PasswordProtected,
}

const HOSTS: &[&str] = &[
    "mega.nz",
    "mega.co.nz",
    "mega.io",
    "www.mega.nz",
    "www.mega.co.nz",
];

/// Parse a public link in any of the forms MEGA and its clients produce.
pub fn parse(link: &str) -> Result<PublicLink, LinkError> {
    let link = link.trim();
    let rest = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))
        .unwrap_or(link);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !HOSTS.contains(&host.to_ascii_lowercase().as_str()) {
        return Err(LinkError::NotMega);
    }
    if let Some(legacy) = path.strip_prefix('#') {
        return parse_legacy(legacy);
    }
    let (kind, tail) = path.split_once('/').ok_or(LinkError::NotMega)?;
    let (handle, fragment) = match tail.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (tail, None),
    };
    let handle = check_handle(handle.trim_end_matches('/'))?;
    match kind {
        "file" => Ok(PublicLink::File {
            handle,
            key: fragment
                .filter(|f| !f.is_empty())
                .map(file_key)
                .transpose()?,
        }),
        "folder" => {
            let (key, inner) = match fragment {
                None => (None, None),
                Some(f) => {
                    let (key, inner) = match f.split_once('/') {
                        Some((k, rest)) => (k, Some(parse_inner(rest)?)),
                        None => (f, None),
                    };
                    let key = if key.is_empty() {
                        None
                    } else {
                        Some(folder_key(key)?)
                    };
                    (key, inner)
                }
            };
            Ok(PublicLink::Folder { handle, key, inner })
        }
        _ => Err(LinkError::NotMega),
    }
}

/// `#!h!key`, `#F!h!key`, `#F!h!key!node`, `#F!h!key?node`, `#P!…`.
fn parse_legacy(fragment: &str) -> Result<PublicLink, LinkError> {
    if fragment.starts_with("P!") {
        return Err(LinkError::PasswordProtected);
    }
    if let Some(rest) = fragment.strip_prefix("F!") {
        let mut parts = rest.splitn(2, '!');
        let handle = check_handle(parts.next().unwrap_or(""))?;
        let (key, inner) = match parts.next() {
            None => ("", None),
            Some(tail) => match tail.find(['!', '?']) {
                Some(i) => (
                    &tail[..i],
                    Some(Inner::Unknown(check_handle(&tail[i + 1..])?)),
                ),
                None => (tail, None),
            },
        };
        let key = if key.is_empty() {
            None
        } else {
            Some(folder_key(key)?)
        };
        return Ok(PublicLink::Folder { handle, key, inner });
    }
    if let Some(rest) = fragment.strip_prefix('!') {
        let (handle, key) = rest.split_once('!').unwrap_or((rest, ""));
        let handle = check_handle(handle)?;
        let key = if key.is_empty() {
            None
        } else {
            Some(file_key(key)?)
        };
        return Ok(PublicLink::File { handle, key });
    }
    Err(LinkError::NotMega)
}

fn parse_inner(rest: &str) -> Result<Inner, LinkError> {
    let rest = rest.trim_end_matches('/');
    if let Some(h) = rest.strip_prefix("file/") {
        Ok(Inner::File(check_handle(h)?))
    } else if let Some(h) = rest.strip_prefix("folder/") {
        Ok(Inner::Folder(check_handle(h)?))
    } else {
        Err(LinkError::BadHandle)
    }
}

fn check_handle(h: &str) -> Result<String, LinkError> {
    let ok = h.len() == 8
        && h.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if ok {
        Ok(h.to_string())
    } else {
        Err(LinkError::BadHandle)
    }
}

fn file_key(k: &str) -> Result<FileKey, LinkError> {
    let bytes: [u8; 32] = b64::decode_array(k).map_err(|_| LinkError::BadKey)?;
    Ok(FileKey::from_bytes(&bytes))
}

fn folder_key(k: &str) -> Result<Key128, LinkError> {
    b64::decode_array(k).map_err(|_| LinkError::BadKey)
}

/// The current-form link for a file: `https://mega.nz/file/<h>#<key43>`.
pub fn file_link(handle: &str, key: &FileKey) -> String {
    format!(
        "https://mega.nz/file/{handle}#{}",
        b64::encode(&key.to_bytes())
    )
}

/// The current-form link for a folder: `https://mega.nz/folder/<h>#<key22>`.
pub fn folder_link(handle: &str, share_key: &Key128) -> String {
    format!("https://mega.nz/folder/{handle}#{}", b64::encode(share_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE_KEY: &str = "AAAAAAAAAACldyOdMzqeRgAAAAAAAAAApXcjnTM6nkY";

    #[test]
    fn current_file_link_round_trips() {
        let link = format!("https://mega.nz/file/AAAAAAAE#{FILE_KEY}");
        let parsed = parse(&link).unwrap();
        let PublicLink::File {
            handle,
            key: Some(key),
        } = &parsed
        else {
            panic!("{parsed:?}")
        };
        assert_eq!(handle, "AAAAAAAE");
        assert_eq!(
            key.meta_mac,
            [0xa5, 0x77, 0x23, 0x9d, 0x33, 0x3a, 0x9e, 0x46]
        );
        assert_eq!(file_link(handle, key), link);
    }

    #[test]
    fn legacy_and_nested_forms() {
        let legacy = format!("https://mega.co.nz/#!AAAAAAAE!{FILE_KEY}");
        assert!(matches!(
            parse(&legacy),
            Ok(PublicLink::File { key: Some(_), .. })
        ));
        let folder = "https://mega.nz/folder/AAAAAAAG#AAAAAAAAAAAAAAAAAAAAAA/file/abcdEFGH";
        assert_eq!(
            parse(folder),
            Ok(PublicLink::Folder {
                handle: "AAAAAAAG".into(),
                key: Some([0; 16]),
                inner: Some(Inner::File("abcdEFGH".into())),
            })
        );
        let legacy_folder = "https://mega.nz/#F!AAAAAAAG!AAAAAAAAAAAAAAAAAAAAAA!abcdEFGH";
        assert!(matches!(
            parse(legacy_folder),
            Ok(PublicLink::Folder {
                inner: Some(Inner::Unknown(_)),
                ..
            })
        ));
        assert_eq!(
            parse("https://mega.nz/file/AAAAAAAE"),
            Ok(PublicLink::File {
                handle: "AAAAAAAE".into(),
                key: None
            })
        );
    }

    #[test]
    fn bad_links_are_errors() {
        assert_eq!(
            parse("https://example.com/file/AAAAAAAE#x"),
            Err(LinkError::NotMega)
        );
        assert_eq!(
            parse("https://mega.nz/file/short#x"),
            Err(LinkError::BadHandle)
        );
        assert_eq!(
            parse("https://mega.nz/file/AAAAAAAE#not-a-key"),
            Err(LinkError::BadKey)
        );
        assert_eq!(
            parse("https://mega.nz/#P!abc"),
            Err(LinkError::PasswordProtected)
        );
        assert_eq!(parse(""), Err(LinkError::NotMega));
        assert_eq!(parse("https://mega.nz/#F!"), Err(LinkError::BadHandle));
    }
}
