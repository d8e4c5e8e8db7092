//! Resume journals: a header line saying what is being transferred, then one appended line
//! per finished piece with its chunk MACs. Appending one line per piece with a single write
//! means a killed process leaves at worst a torn last line, which is ignored.
//!
//! Download journals sit next to the temporary file (`.NAME.megash-part.state`); upload
//! journals hold the upload's key and URL, so they live in the private state directory (0600).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::crypto::mac;

/// Chunk MACs known so far, by 0-based chunk index.
#[derive(Clone, Debug, Default)]
pub struct ChunkMacs(pub Vec<Option<[u8; 16]>>);

impl ChunkMacs {
    pub fn new(size: u64) -> ChunkMacs {
        ChunkMacs(vec![None; mac::chunks(size).count()])
    }

    /// Store `macs` for the chunks starting at `first`.
    pub fn set(&mut self, first: usize, macs: &[[u8; 16]]) {
        for (i, m) in macs.iter().enumerate() {
            if let Some(slot) = self.0.get_mut(first + i) {
                *slot = Some(*m);
            }
        }
    }

    /// Whether every chunk in `first..first + n` is known.
    pub fn has(&self, first: usize, n: usize) -> bool {
        self.0
            .get(first..first + n)
            .is_some_and(|s| s.iter().all(Option::is_some))
    }

    pub fn forget(&mut self, first: usize, n: usize) {
        for slot in self.0.iter_mut().skip(first).take(n) {
            *slot = None;
        }
    }

    /// All MACs in order, if complete.
    pub fn complete(&self) -> Option<Vec<[u8; 16]>> {
        self.0.iter().copied().collect()
    }
}

/// An open journal, appended to as pieces finish.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Journal {
    /// Start a new journal at `path` with `header` (replacing any old one), mode 0600.
    pub fn create(path: &Path, header: &str) -> std::io::Result<Journal> {
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut file = opts.open(path)?;
        file.write_all(format!("{header}\n").as_bytes())?;
        drop(file);
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Reopen the journal at `path` if its header is exactly `header`; returns the chunk MACs
    /// it recorded for a file of `size` bytes.
    pub fn resume(path: &Path, header: &str, size: u64) -> Option<(Journal, ChunkMacs)> {
        let mut text = String::new();
        File::open(path).ok()?.read_to_string(&mut text).ok()?;
        let mut lines = text.split('\n');
        if lines.next()? != header {
            return None;
        }
        let mut macs = ChunkMacs::new(size);
        for line in lines {
            let Some((off, list)) = line.split_once(' ') else {
                continue;
            };
            let (Ok(off), Some(raw)) = (off.parse::<u64>(), unhex(list)) else {
                continue;
            };
            if raw.is_empty() || raw.len() % 16 != 0 || off >= size {
                continue;
            }
            let (first, start, _) = mac::chunk_at(off);
            if start != off {
                continue;
            }
            let list: Vec<[u8; 16]> = raw
                .chunks_exact(16)
                .filter_map(|c| c.try_into().ok())
                .collect();
            macs.set(first, &list);
        }
        let file = OpenOptions::new().append(true).open(path).ok()?;
        Some((
            Journal {
                path: path.to_path_buf(),
                file,
            },
            macs,
        ))
    }

    /// Record a finished piece (its offset and chunk MACs) in one write.
    pub fn record(&mut self, offset: u64, macs: &[[u8; 16]]) -> std::io::Result<()> {
        let flat: Vec<u8> = macs.iter().flatten().copied().collect();
        self.file
            .write_all(format!("{offset} {}\n", hex(&flat)).as_bytes())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Remove the journal (the transfer finished or must start over).
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_torn_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j");
        let size = 10 << 20;
        let mut j = Journal::create(&p, "h 1").unwrap();
        j.record(0, &[[1; 16], [2; 16]]).unwrap();
        j.record(4608 * 1024, &[[9; 16]]).unwrap();
        drop(j);
        // A torn line and a line off any chunk boundary are ignored.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"5 0101\n999 01")
            .unwrap();
        assert!(Journal::resume(&p, "h 2", size).is_none());
        let (_, macs) = Journal::resume(&p, "h 1", size).unwrap();
        assert_eq!(macs.0[0], Some([1; 16]));
        assert_eq!(macs.0[1], Some([2; 16]));
        assert_eq!(macs.0[8], Some([9; 16]));
        assert!(macs.has(0, 2) && !macs.has(0, 3) && macs.has(8, 1));
        assert!(macs.complete().is_none());
    }
}
