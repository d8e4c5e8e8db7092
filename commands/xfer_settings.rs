//! Settings kept in the state directory (`transfer.cfg`, `key=value`, mode 0600, with
//! MEGAcmd's `megacmd.cfg` key names: `maxspeedupload`, `maxspeeddownload`,
//! `maxuploadconnections`, `maxdownloadconnections`, `https`, `permissionsFiles`,
//! `permissionsFolders`, `proxy_type`/`proxy_url`/`proxy_username`/`proxy_password`,
//! `cmdLogLevel`, `sdkLogLevel`), and the process-wide rate limiters every engine of this
//! process shares. Logout keeps them (they are this machine's, not the account's).

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
    /// Modes of downloaded files and folders (`permissions`); `None`: 600 and 700.
    pub permissions_files: Option<u32>,
    pub permissions_folders: Option<u32>,
    /// The `proxy` command's choice; `None`: the environment decides.
    pub proxy: Option<Proxy>,
    /// Log levels (`log`), MEGAcmd's numbers 0 (FATAL) to 5 (VERBOSE): the command layer's
    /// and the protocol library's; `None`: 1 (ERROR).
    pub cmd_log_level: Option<u8>,
    pub api_log_level: Option<u8>,
    /// Thumbnails and previews for uploaded images (`graphics`); `None`: on.
    pub graphics: Option<bool>,
}

/// A configured proxy, as MEGAcmd keeps it (`proxy_type` 0 none, 1 auto, 2 custom).
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: u8,
    pub url: String,
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("kind", &self.kind)
            .field("url", &crate::api::proxy::redact(&self.url))
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// What the requests of this process do with it.
    pub fn choice(&self) -> crate::api::proxy::Configured {
        use crate::api::proxy::Configured;
        match self.kind {
            0 => Configured::Direct,
            2 if !self.url.is_empty() => {
                let url = if self.url.contains("://") {
                    self.url.clone()
                } else {
                    format!("http://{}", self.url)
                };
                if self.username.is_empty() {
                    Configured::Url(url)
                } else {
                    let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
                    let user = url_escape(&self.username);
                    let pass = url_escape(&self.password);
                    Configured::Url(format!("{scheme}://{user}:{pass}@{rest}"))
                }
            }
            _ => Configured::Environment,
        }
    }
}

/// Percent-encode what may not stand in a URL's user info.
fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The log file's name in the state directory.
pub const LOG_FILE: &str = "megash.log";

/// MEGAcmd's default log level: ERROR.
pub const DEFAULT_LOG_LEVEL: u8 = 1;

/// MEGAcmd's level names, by number.
pub const LOG_LEVELS: [&str; 6] = ["FATAL", "ERROR", "WARNING", "INFO", "DEBUG", "VERBOSE"];

/// A level given by name (any case) or number, as MEGAcmd's `log` takes it.
pub fn parse_log_level(v: &str) -> Option<u8> {
    if let Ok(n) = v.parse::<u8>() {
        return (n <= 5).then_some(n);
    }
    LOG_LEVELS
        .iter()
        .position(|l| l.eq_ignore_ascii_case(v))
        .map(|i| i as u8)
}

/// What a MEGAcmd level lets through (the `log` crate has no FATAL: ERROR is the least).
fn level_filter(level: u8) -> log::LevelFilter {
    match level {
        0 | 1 => log::LevelFilter::Error,
        2 => log::LevelFilter::Warn,
        3 => log::LevelFilter::Info,
        4 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    }
}

/// A level's name (the default's when unset).
pub fn log_level_name(level: Option<u8>) -> &'static str {
    LOG_LEVELS[usize::from(level.unwrap_or(DEFAULT_LOG_LEVEL).min(5))]
}

/// A mode `permissions` accepts: three octal digits with the owner keeping read and write
/// (6 or 7 first), all of it for folders (7 first).
pub fn allowed_mode(v: &str, folder: bool) -> Option<u32> {
    let m = parse_mode(v)?;
    let owner = m >> 6;
    (if folder { owner == 7 } else { owner >= 6 }).then_some(m)
}

/// A mode written as three octal digits (`640`).
fn parse_mode(v: &str) -> Option<u32> {
    (v.len() == 3)
        .then(|| u32::from_str_radix(v, 8).ok())
        .flatten()
}

impl Settings {
    pub fn load(dir: Option<&Path>) -> Settings {
        fn proxy(s: &mut Settings) -> &mut Proxy {
            s.proxy.get_or_insert_with(|| Proxy {
                kind: 1,
                url: String::new(),
                username: String::new(),
                password: String::new(),
            })
        }
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
                "permissionsFiles" => s.permissions_files = parse_mode(v),
                "permissionsFolders" => s.permissions_folders = parse_mode(v),
                "proxy_type" => proxy(&mut s).kind = v.parse().unwrap_or(1),
                "proxy_url" => proxy(&mut s).url = v.to_string(),
                "proxy_username" => proxy(&mut s).username = v.to_string(),
                "proxy_password" => proxy(&mut s).password = v.to_string(),
                "graphics" => s.graphics = Some(v == "1"),
                "cmdLogLevel" => s.cmd_log_level = v.parse().ok().filter(|l| *l <= 5),
                "sdkLogLevel" => s.api_log_level = v.parse().ok().filter(|l| *l <= 5),
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
        if let Some(m) = self.permissions_files {
            text.push_str(&format!("permissionsFiles={m:03o}\n"));
        }
        if let Some(m) = self.permissions_folders {
            text.push_str(&format!("permissionsFolders={m:03o}\n"));
        }
        if let Some(p) = &self.proxy {
            text.push_str(&format!(
                "proxy_type={}\nproxy_url={}\nproxy_username={}\nproxy_password={}\n",
                p.kind, p.url, p.username, p.password
            ));
        }
        if let Some(g) = self.graphics {
            text.push_str(&format!("graphics={}\n", u8::from(g)));
        }
        if let Some(l) = self.cmd_log_level {
            text.push_str(&format!("cmdLogLevel={l}\n"));
        }
        if let Some(l) = self.api_log_level {
            text.push_str(&format!("sdkLogLevel={l}\n"));
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

    /// What this process logs to `megash.log` in the state directory `dir` (`log`).
    pub fn file_log(&self, dir: Option<&Path>) -> Option<crate::ui::FileLog> {
        Some(crate::ui::FileLog {
            path: dir?.join(LOG_FILE),
            commands: level_filter(self.cmd_log_level.unwrap_or(DEFAULT_LOG_LEVEL)),
            api: level_filter(self.api_log_level.unwrap_or(DEFAULT_LOG_LEVEL)),
        })
    }

    /// Whether uploads of images get a thumbnail and a preview (default on, as MEGAcmd).
    pub fn graphics(&self) -> bool {
        self.graphics.unwrap_or(true)
    }

    /// The mode of downloaded files (MEGAcmd's default 600).
    pub fn file_mode(&self) -> u32 {
        self.permissions_files.unwrap_or(0o600)
    }

    /// The mode of folders made by downloads (MEGAcmd's default 700).
    pub fn folder_mode(&self) -> u32 {
        self.permissions_folders.unwrap_or(0o700)
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
            permissions_files: Some(0o640),
            permissions_folders: None,
            proxy: Some(Proxy {
                kind: 2,
                url: "proxy.example:3128".into(),
                username: "me".into(),
                password: "p@ss word".into(),
            }),
            cmd_log_level: Some(4),
            api_log_level: Some(0),
            graphics: Some(false),
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
        assert_eq!(
            s.proxy.unwrap().choice(),
            crate::api::proxy::Configured::Url("http://me:p%40ss%20word@proxy.example:3128".into())
        );
    }
}
