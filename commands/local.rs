//! Local operands as a user types them: `~` and `~/…` name the home folder in the shell and
//! in batch files as they do in a POSIX shell (a one-shot command gets them expanded by the
//! calling shell already), and a destination ending in `/` names a folder.

use std::path::{Path, PathBuf};

use crate::error::CmdError;

/// `~` → `$HOME`, `~/x` → `$HOME/x`; anything else (including `~user`) unchanged.
pub fn expand_tilde(p: &str) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match (p.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h,
        (Some(rest), Some(h)) if rest.starts_with('/') => {
            let rest = rest.trim_start_matches('/');
            let mut s = h.into_os_string();
            s.push("/");
            s.push(rest);
            PathBuf::from(s)
        }
        _ => PathBuf::from(p),
    }
}

/// Whether `spec` ends with a path separator: the user means a folder.
pub fn names_folder(spec: &str) -> bool {
    spec.ends_with('/') || spec.ends_with(std::path::MAIN_SEPARATOR)
}

/// Whether the folder `p` would be created in exists (`x` alone: the current folder).
pub fn parent_exists(p: &Path) -> bool {
    match p.parent() {
        None => false,
        Some(d) if d.as_os_str().is_empty() => true,
        Some(d) => d.is_dir(),
    }
}

/// Where a download lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Into this folder, under each node's own name.
    Into(PathBuf),
    /// At this path (one node, a new name).
    As(PathBuf),
}

impl Target {
    /// The local path for a node called `name`.
    pub fn place(&self, name: &str) -> PathBuf {
        match self {
            // `./x` is shown as `x`, as MEGAcmd prints paths.
            Target::Into(d) => {
                let p = d.join(name);
                match p.strip_prefix(".") {
                    Ok(rest) => rest.to_path_buf(),
                    Err(_) => p,
                }
            }
            Target::As(p) => p.clone(),
        }
    }
}

/// Check (and, for `DIR/`, create) a download's local destination before any byte moves.
///
/// - none: the current folder;
/// - an existing folder: into it;
/// - `DIR/` that does not exist: the folder is created (only its last component, as rsync
///   does; a missing parent is an error) — MEGAcmd's `get` refuses with 55 instead, but a
///   trailing `/` says plainly what the user wants;
/// - otherwise, for a single node, a new file name in an existing folder.
pub fn download_target(spec: Option<&str>, single: bool) -> Result<Target, CmdError> {
    let Some(spec) = spec else {
        return Ok(Target::Into(PathBuf::from(".")));
    };
    let path = expand_tilde(spec);
    if path.is_dir() {
        return Ok(Target::Into(path));
    }
    if names_folder(spec) {
        // `f/` of an existing file fails to stat at all (ENOTDIR): look at `f`.
        let bare = expand_tilde(spec.trim_end_matches(['/', std::path::MAIN_SEPARATOR]));
        if bare.symlink_metadata().is_ok() {
            return Err(CmdError::InvalidType(format!(
                "{} is not a folder",
                path.display()
            )));
        }
        if !parent_exists(&path) {
            return Err(CmdError::NotFound(format!(
                "Cannot create the folder {}: its parent folder does not exist (create it with mkdir -p)",
                path.display()
            )));
        }
        std::fs::create_dir(&path)
            .map_err(|e| CmdError::io(format!("Cannot create the folder {}", path.display()), e))?;
        return Ok(Target::Into(path));
    }
    if single && parent_exists(&path) {
        return Ok(Target::As(path));
    }
    Err(CmdError::InvalidType(format!(
        "{} is not a valid Download Folder",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_forms() {
        let home = std::env::var("HOME").unwrap_or_default();
        if home.is_empty() {
            return;
        }
        let expand = |p: &str| expand_tilde(p).to_string_lossy().into_owned();
        assert_eq!(expand("~"), home);
        assert_eq!(expand("~/Videos/"), format!("{home}/Videos/"));
        assert_eq!(expand("~bob/x"), "~bob/x");
        assert_eq!(expand("a/~"), "a/~");
    }

    #[test]
    fn a_slash_names_a_folder_created_once_and_a_missing_parent_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let dir = format!("{}/new/", t.display());
        assert_eq!(
            download_target(Some(&dir), true).unwrap(),
            Target::Into(PathBuf::from(&dir))
        );
        assert!(t.join("new").is_dir());
        let deep = format!("{}/a/b/", t.display());
        assert_eq!(
            download_target(Some(&deep), true).unwrap_err().exit_code(),
            53
        );
        assert!(!t.join("a").exists());
        std::fs::write(t.join("f"), "x").unwrap();
        let file = format!("{}/f/", t.display());
        assert_eq!(
            download_target(Some(&file), true).unwrap_err().exit_code(),
            55
        );
    }
}
