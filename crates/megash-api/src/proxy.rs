//! Which proxy a request goes through, decided in one place for every HTTP client megash
//! makes (API, transfers, diagnose). The usual variables: `HTTPS_PROXY`/`https_proxy` for
//! https URLs, `HTTP_PROXY`/`http_proxy` for http ones, `ALL_PROXY`/`all_proxy` for both,
//! `NO_PROXY`/`no_proxy` for exceptions (`*`, host names and domains, IP addresses and CIDR
//! ranges). Loopback addresses never go through a proxy, as Go's and curl's HTTP stacks do:
//! a proxy cannot reach this machine's own 127.0.0.1, so a local megasim would be lost.
//!
//! A proxy configured for the process ([`configure`]: megash's `proxy` command) takes the
//! variables' place: none at all, or one URL for everything (loopback still goes direct).

use std::net::IpAddr;
use std::sync::RwLock;

/// The proxy choice of this process, over the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Configured {
    /// Nothing configured: the environment variables decide.
    #[default]
    Environment,
    /// Connect directly whatever the environment says.
    Direct,
    /// Every request through this proxy URL (`user:pass@` allowed).
    Url(String),
}

static CONFIGURED: RwLock<Configured> = RwLock::new(Configured::Environment);

/// Set the process's proxy choice (every client built afterwards, and those built before:
/// the choice is read per request).
pub fn configure(choice: Configured) {
    *CONFIGURED.write().unwrap_or_else(|e| e.into_inner()) = choice;
}

/// The process's proxy choice ([`configure`]).
pub fn configured() -> Configured {
    CONFIGURED.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Whether `host` (a URL's host, IPv6 in brackets or not) is this machine's loopback.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost") || bare.ends_with(".localhost"),
    }
}

/// Whether `host` matches one `NO_PROXY` entry.
fn exempt_by(entry: &str, host: &str) -> bool {
    let entry = entry.trim();
    if entry.is_empty() {
        return false;
    }
    if entry == "*" {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Some((net, bits)) = entry.split_once('/') {
        let (Ok(net), Ok(bits), Ok(ip)) = (
            net.parse::<IpAddr>(),
            bits.parse::<u32>(),
            bare.parse::<IpAddr>(),
        ) else {
            return false;
        };
        return match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) if bits <= 32 => {
                let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) if bits <= 128 => {
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        };
    }
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return bare.parse::<IpAddr>() == Ok(ip);
    }
    let domain = entry.trim_start_matches("*.").trim_start_matches('.');
    let host = bare.to_ascii_lowercase();
    let domain = domain.to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The proxy for `url` (`None`: connect directly): the configured one, else from the
/// environment.
pub fn proxy_for(url: &reqwest::Url) -> Option<String> {
    match configured() {
        Configured::Environment => choose(url, |n| std::env::var(n).ok()),
        Configured::Direct => None,
        Configured::Url(p) => match url.host_str() {
            Some(h) if !is_loopback(h) => Some(p),
            _ => None,
        },
    }
}

/// [`proxy_for`] with the variables looked up by `env`.
fn choose(url: &reqwest::Url, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    // The first set variable of `names`.
    let var = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| env(n))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let host = url.host_str()?;
    if is_loopback(host) {
        return None;
    }
    if let Some(list) = var(&["NO_PROXY", "no_proxy"]) {
        if list.split(',').any(|e| exempt_by(e, host)) {
            return None;
        }
    }
    let scheme_var: &[&str] = match url.scheme() {
        "https" => &["HTTPS_PROXY", "https_proxy"],
        _ => &["HTTP_PROXY", "http_proxy"],
    };
    var(scheme_var).or_else(|| var(&["ALL_PROXY", "all_proxy"]))
}

/// [`proxy_for`] as reqwest's proxy setting: every client gets this instead of reqwest's own
/// reading of the environment (which sends loopback through the proxy).
pub fn reqwest_proxy() -> reqwest::Proxy {
    reqwest::Proxy::custom(|url| {
        proxy_for(url).and_then(|p| with_scheme(&p).parse::<reqwest::Url>().ok())
    })
}

/// `host:port` → `http://host:port` (curl's reading of a proxy without a scheme).
fn with_scheme(p: &str) -> String {
    if p.contains("://") {
        p.to_string()
    } else {
        format!("http://{p}")
    }
}

/// `user:pass@` removed from a proxy URL, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***@{}", &url[..s + 3], &url[at + 1..]),
        (None, Some(at)) => format!("***@{}", &url[at + 1..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_never_proxied_and_no_proxy_entries_match() {
        for h in [
            "127.0.0.1",
            "127.9.9.9",
            "[::1]",
            "localhost",
            "a.localhost",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        assert!(!is_loopback("10.0.0.1"));
        assert!(exempt_by("*", "g.api.mega.co.nz"));
        assert!(exempt_by("mega.co.nz", "g.api.mega.co.nz"));
        assert!(exempt_by(".mega.co.nz", "g.api.mega.co.nz"));
        assert!(exempt_by("mega.co.nz", "mega.co.nz"));
        assert!(!exempt_by("mega.co.nz", "notmega.co.nz"));
        assert!(exempt_by("192.168.0.0/16", "192.168.4.5"));
        assert!(!exempt_by("192.168.0.0/16", "192.169.4.5"));
        assert!(exempt_by("10.1.2.3", "10.1.2.3"));
        assert!(exempt_by("fd00::/8", "[fd12::1]"));
        assert!(!exempt_by("", "x"));
    }

    #[test]
    fn the_scheme_picks_the_variable_and_loopback_goes_direct() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                vars.iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.to_string())
            }
        };
        let u = |s: &str| s.parse::<reqwest::Url>().unwrap();
        let vars = env(&[
            ("HTTPS_PROXY", "http://secure:1"),
            ("http_proxy", "plain:2"),
            ("NO_PROXY", "internal.example, 10.0.0.0/8"),
        ]);
        assert_eq!(
            choose(&u("https://g.api.mega.co.nz/cs"), vars).as_deref(),
            Some("http://secure:1")
        );
        assert_eq!(
            choose(&u("http://gfs.userstorage.mega.co.nz/dl"), vars).as_deref(),
            Some("plain:2")
        );
        assert_eq!(choose(&u("http://127.0.0.1:8765/cs"), vars), None);
        assert_eq!(choose(&u("http://[::1]:8765/cs"), vars), None);
        assert_eq!(choose(&u("http://localhost:8765/cs"), vars), None);
        assert_eq!(choose(&u("https://a.internal.example/"), vars), None);
        assert_eq!(choose(&u("http://10.2.3.4/"), vars), None);
        let all = env(&[("ALL_PROXY", "socks5://s:3")]);
        assert_eq!(
            choose(&u("https://g.api.mega.co.nz/"), all).as_deref(),
            Some("socks5://s:3")
        );
        assert_eq!(choose(&u("https://g.api.mega.co.nz/"), env(&[])), None);
    }

    #[test]
    fn secrets_in_proxy_urls_are_hidden() {
        assert_eq!(redact("http://u:p@proxy:3128"), "http://***@proxy:3128");
        assert_eq!(redact("u:p@proxy:3128"), "***@proxy:3128");
        assert_eq!(redact("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(with_scheme("proxy:3128"), "http://proxy:3128");
    }
}
