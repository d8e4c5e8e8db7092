//! Transfer settings kept in the state directory (`transfer.cfg`, `key=value`, mode 0600, like
//! MEGAcmd's `megacmd.cfg` keys `maxspeedupload`, `maxspeeddownload`,
//! `maxuploadconnections`, `maxdownloadconnections`, `https`), and the process-wide rate
//! limiters every engine of this process shares.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::transfer::limit::Limiter;

const FILE: &str = "transfer.cfg";

/// Default connections per file (MEGA's desktop clients use 8).
pub const DEFAULT_CONNECTIONS: usize = 8;

/// The saved settings; missing or unreadable keys are the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Transfer URLs over HTTPS (`ssl:2`).
    pub https: bool,
    /// Bytes per second, 0 = unlimited.
    pub upload_limit: u64,
    pub download_limit: u64,
    pub upload_connections: Option<usize>,
    pub download_connections: Option<usize>,
}

impl Settings {
    pub fn load(dir: Option<&Path>) -> Settings {
        let mut s = Settings::default();
        let Some(text) = dir.and_then(|d| std::fs::read_to_string(d.join(FILE)).ok()) else {
            return s;
        };
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = v.trim();
            match k.trim() {
                "https" => s.https = v == "1",
                "maxspeedupload" => s.upload_limit = v.parse().unwrap_or(0),
                "maxspeeddownload" => s.download_limit = v.parse().unwrap_or(0),
                "maxuploadconnections" => s.upload_connections = v.parse().ok(),
                "maxdownloadconnections" => s.download_connections = v.parse().ok(),
                _ => {}
            }
        }
        s
    }

    /// Write the settings (0600) into the state directory, creating it (0700) if needed.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(dir)?;
        let mut text = format!(
            "https={}\nmaxspeedupload={}\nmaxspeeddownload={}\n",
            u8::from(self.https),
            self.upload_limit,
            self.download_limit
        );
        if let Some(n) = self.upload_connections {
            text.push_str(&format!("maxuploadconnections={n}\n"));
        }
        if let Some(n) = self.download_connections {
            text.push_str(&format!("maxdownloadconnections={n}\n"));
        }
        let tmp = dir.join(format!(".{FILE}.tmp"));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(FILE))
    }

    /// Connections per file for a direction: `MEGASH_CONNECTIONS` overrides the setting.
    pub fn connections(&self, upload: bool) -> usize {
        if let Some(n) = std::env::var("MEGASH_CONNECTIONS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            return n.clamp(1, 32);
        }
        let set = if upload {
            self.upload_connections
        } else {
            self.download_connections
        };
        set.unwrap_or(DEFAULT_CONNECTIONS).clamp(1, 32)
    }

    /// The shared limiter of a direction, set to the saved rate.
    pub fn limiter(&self, upload: bool) -> Arc<Limiter> {
        static UP: OnceLock<Arc<Limiter>> = OnceLock::new();
        static DOWN: OnceLock<Arc<Limiter>> = OnceLock::new();
        let (cell, rate) = if upload {
            (&UP, self.upload_limit)
        } else {
            (&DOWN, self.download_limit)
        };
        let l = cell.get_or_init(|| Arc::new(Limiter::new(rate)));
        l.set_rate(rate);
        l.clone()
    }
}

/// Parse MEGAcmd's size syntax: `1m12k3B`, units B/K/M/G/T (case-insensitive, powers of
/// 1024), a bare number is bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let shift = match c.to_ascii_uppercase() {
            'B' => 0,
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => return None,
        };
        let n: u64 = num.parse().ok()?;
        num.clear();
        total = total.checked_add(n.checked_mul(1u64 << shift)?)?;
    }
    if !num.is_empty() {
        total = total.checked_add(num.parse().ok()?)?;
    }
    (!text.trim().is_empty()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_megacmd() {
        assert_eq!(parse_size("0"), Some(0));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("1m12k3B"), Some((1 << 20) + 12 * 1024 + 3));
        assert_eq!(parse_size("70M"), Some(73_400_320));
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size(""), None);
        assert_eq!(parse_size("5x"), None);
        assert_eq!(parse_size("k"), None);
    }

    #[test]
    fn settings_round_trip_with_mode_0600() {
        let d = tempfile::tempdir().unwrap();
        let s = Settings {
            https: true,
            upload_limit: 5,
            download_limit: 7,
            upload_connections: Some(3),
            download_connections: None,
        };
        s.save(d.path()).unwrap();
        assert_eq!(Settings::load(Some(d.path())), s);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(d.path().join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(Settings::load(None), Settings::default());
    }
}
