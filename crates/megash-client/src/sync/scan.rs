//! Both sides of a sync as flat maps from the path below the sync root (`/`-separated) to
//! what is there, with the `.megaignore` rules applied, and the paths that cannot be synced
//! (a symlink, a name one side cannot hold, two cloud items with one name).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::ignore::{Filters, Kind, Verdict};
use crate::api::{Handle, NodeType};
use crate::cache::Cache;

/// Where a sync keeps what it removed locally (MEGA's place, in the sync root).
pub const LOCAL_DEBRIS: &str = ".debris";

/// One local file or folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalEntry {
    pub dir: bool,
    pub size: u64,
    /// Unix time in nanoseconds: an edit in the same second as the last sync, of the same
    /// size, still shows.
    pub mtime: i64,
    pub ino: u64,
    pub dev: u64,
}

/// One cloud file or folder (the current version of a file): what a pass compares. The
/// whole node (its key, for a download) comes from the cache when an action needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteEntry {
    pub handle: Handle,
    pub folder: bool,
    pub size: u64,
    pub fingerprint: Option<String>,
}

impl RemoteEntry {
    pub fn dir(&self) -> bool {
        self.folder
    }
    pub fn fp(&self) -> &str {
        self.fingerprint.as_deref().unwrap_or("")
    }
}

/// A path that cannot be synced as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub reason: String,
    pub advice: String,
}

fn problem(path: &str, reason: &str, advice: &str) -> Problem {
    Problem {
        path: path.into(),
        reason: reason.into(),
        advice: advice.into(),
    }
}

/// A side of a sync.
#[derive(Debug)]
pub struct Side<T> {
    pub entries: BTreeMap<String, T>,
    pub problems: Vec<Problem>,
    /// Files left out by a size rule only: present, but left alone (never copied, never
    /// taken for deleted).
    pub ignored: HashSet<String>,
}

impl<T> Side<T> {
    /// Whether `path` is synced under `filters`; a file left out by a size rule alone is
    /// recorded in [`Side::ignored`].
    fn admits(&mut self, filters: &Filters, path: &str, kind: Kind, size: Option<u64>) -> bool {
        match filters.verdict(path, kind, size) {
            Verdict::Sync => true,
            Verdict::Exclude => false,
            Verdict::SizeExcluded => {
                self.ignored.insert(path.to_string());
                false
            }
        }
    }
}

/// `name` inside the folder at `rel` (`""` for the sync's root).
fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    }
}

impl<T> Default for Side<T> {
    fn default() -> Self {
        Side {
            entries: BTreeMap::new(),
            problems: Vec::new(),
            ignored: HashSet::new(),
        }
    }
}

/// The end of the name a sync's download has until it takes its place.
pub const DOWNLOAD_SUFFIX: &str = ".megash-sync";

/// Whether a local name is one of ours that the scan never reports (an unfinished
/// download, its journal, a finished one waiting to take its place).
pub fn is_transient(name: &str) -> bool {
    name.starts_with('.')
        && (name.ends_with(".megash-part")
            || name.ends_with(".megash-part.state")
            || name.ends_with(DOWNLOAD_SUFFIX))
}

/// Stat of a local entry (symlinks not followed).
pub fn local_entry(meta: &std::fs::Metadata) -> LocalEntry {
    #[cfg(unix)]
    let (ino, dev) = {
        use std::os::unix::fs::MetadataExt;
        (meta.ino(), meta.dev())
    };
    #[cfg(not(unix))]
    let (ino, dev) = (0, 0);
    LocalEntry {
        dir: meta.is_dir(),
        size: if meta.is_dir() { 0 } else { meta.len() },
        mtime: meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64),
        ino,
        dev,
    }
}

/// Every local entry below `root`.
pub fn local(root: &Path, filters: &Filters) -> std::io::Result<Side<LocalEntry>> {
    let mut side = Side::default();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let dir = if rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&rel)
        };
        let read = match std::fs::read_dir(&dir) {
            Ok(r) => r,
            Err(e) if rel.is_empty() => return Err(e),
            Err(e) => {
                side.problems.push(problem(
                    &rel,
                    &format!("the folder cannot be read: {e}"),
                    "fix its permissions; nothing below it is synced until then",
                ));
                continue;
            }
        };
        for item in read {
            let Ok(item) = item else {
                // A folder that cannot be listed whole must not look emptied.
                side.problems.push(problem(
                    &rel,
                    "the folder cannot be read completely",
                    "check the disk and the folder's permissions; nothing below it is synced until then",
                ));
                break;
            };
            let os_name = item.file_name();
            let Some(name) = os_name.to_str() else {
                side.problems.push(problem(
                    &join(&rel, &os_name.to_string_lossy()),
                    "the local name is not valid UTF-8, which MEGA names must be",
                    "rename it",
                ));
                continue;
            };
            if is_transient(name) || (rel.is_empty() && name == LOCAL_DEBRIS) {
                // A download a killed engine finished but never put in place: the pass
                // fetches it again, so it goes.
                if name.ends_with(DOWNLOAD_SUFFIX) {
                    let _ = std::fs::remove_file(item.path());
                }
                continue;
            }
            let path = join(&rel, name);
            // Not following symlinks (fstatat on the open folder: no path to build).
            let meta = match item.metadata() {
                Ok(m) => m,
                // Gone since the listing: it is not there.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    side.problems.push(problem(
                        &path,
                        &format!("cannot be read: {e}"),
                        "check the disk and the permissions; it is left alone until then",
                    ));
                    continue;
                }
            };
            let ft = meta.file_type();
            if ft.is_symlink() {
                if !filters.excluded(&path, Kind::Symlink, None) {
                    side.problems.push(problem(
                        &path,
                        "symbolic links are not synced",
                        "add -s:* to .megaignore to leave them out, or replace the link with what it points to",
                    ));
                }
                continue;
            }
            if !ft.is_dir() && !ft.is_file() {
                continue;
            }
            let e = local_entry(&meta);
            let kind = if e.dir { Kind::Dir } else { Kind::File };
            if !side.admits(filters, &path, kind, (!e.dir).then_some(e.size)) {
                continue;
            }
            if e.dir {
                stack.push(path.clone());
            }
            side.entries.insert(path, e);
        }
    }
    Ok(side)
}

/// Whether `name` cannot be a local file name.
fn bad_local_name(name: &str) -> bool {
    name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0'])
}

/// Every cloud entry below folder `root`, from the node cache.
pub fn remote(
    cache: &Cache,
    root: Handle,
    filters: &Filters,
) -> Result<Side<RemoteEntry>, crate::cache::CacheError> {
    let mut side: Side<RemoteEntry> = Side::default();
    // The path of every folder taken in (a child of one left out is left out too).
    let mut folders: HashMap<Handle, String> = HashMap::new();
    folders.insert(root, String::new());
    let mut clashes: BTreeSet<String> = BTreeSet::new();
    cache.walk_tree(root, |n| {
        let Some(parent_path) = n.parent.and_then(|p| folders.get(&p)) else {
            return Ok::<_, crate::cache::CacheError>(());
        };
        let name = n.name.as_deref().unwrap_or_default();
        let path = join(parent_path, name);
        if n.problem || bad_local_name(name) {
            side.problems.push(problem(
                &path,
                if n.problem {
                    "the cloud item cannot be decrypted"
                } else {
                    "the cloud name cannot be a local file name"
                },
                "rename or remove it in the cloud",
            ));
            return Ok(());
        }
        let folder = n.kind == NodeType::Folder;
        let kind = if folder { Kind::Dir } else { Kind::File };
        if !side.admits(filters, &path, kind, (!folder).then_some(n.size)) {
            return Ok(());
        }
        if side.entries.contains_key(&path) {
            clashes.insert(path);
            return Ok(());
        }
        if folder {
            folders.insert(n.handle, path.clone());
        }
        side.entries.insert(
            path,
            RemoteEntry {
                handle: n.handle,
                folder,
                size: n.size,
                fingerprint: n.fingerprint,
            },
        );
        Ok(())
    })?;
    for c in clashes {
        let below = format!("{c}/");
        side.entries
            .retain(|p, _| p != &c && !p.starts_with(&below));
        side.problems.push(problem(
            &c,
            "two or more cloud items have this name",
            "rename or remove all but one of them in the cloud",
        ));
    }
    Ok(side)
}
