//! Fault knobs: all off by default, set by `serve` flags or at run time through
//! `/_admin/faults`. Counters ("the next N requests") are consumed as requests arrive.

use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Login limiter settings: more than `max` attempts in `window_secs` locks the account out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimit {
    pub max: u64,
    pub window_secs: u64,
    pub lockout_secs: u64,
}

/// Hashcash challenge settings: `requests` = how many more requests get a 402 (None = all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hashcash {
    pub easiness: u8,
    pub requests: Option<u64>,
}

/// The current knob settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    pub eagain: u64,
    pub ratelimit: u64,
    pub http500: u64,
    pub login_limit: Option<LoginLimit>,
    pub hashcash: Option<Hashcash>,
    pub bandwidth_509: Option<u64>,
    pub latency_ms: u64,
    pub drop_after: Option<u64>,
}

fn uint(v: &Value, key: &str) -> Result<Option<u64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{key}: expected a non-negative integer")),
        _ => Err(format!("{key}: expected a non-negative integer or null")),
    }
}

impl Faults {
    /// Merge a JSON object of settings into these; `null` turns a knob off.
    pub fn merge(&mut self, obj: &Map<String, Value>) -> Result<(), String> {
        let mut next = self.clone();
        for (key, v) in obj {
            match key.as_str() {
                "eagain" => next.eagain = uint(v, key)?.unwrap_or(0),
                "ratelimit" => next.ratelimit = uint(v, key)?.unwrap_or(0),
                "http500" => next.http500 = uint(v, key)?.unwrap_or(0),
                "latency_ms" => next.latency_ms = uint(v, key)?.unwrap_or(0),
                "bandwidth_509" => next.bandwidth_509 = uint(v, key)?.filter(|s| *s > 0),
                "drop_after" => next.drop_after = uint(v, key)?,
                "login_limit" => {
                    next.login_limit = match v {
                        Value::Null => None,
                        Value::Object(o) => {
                            let get = |k: &str| -> Result<u64, String> {
                                uint(o.get(k).unwrap_or(&Value::Null), k)?
                                    .ok_or_else(|| format!("login_limit.{k} is required"))
                            };
                            Some(LoginLimit {
                                max: get("max")?,
                                window_secs: get("window_secs")?,
                                lockout_secs: get("lockout_secs")?,
                            })
                        }
                        _ => return Err("login_limit: expected an object or null".into()),
                    }
                }
                "hashcash" => {
                    next.hashcash = match v {
                        Value::Null => None,
                        Value::Object(o) => {
                            let e = uint(o.get("easiness").unwrap_or(&Value::Null), "easiness")?
                                .ok_or("hashcash.easiness is required")?;
                            let easiness =
                                u8::try_from(e).map_err(|_| "hashcash.easiness must be 0-255")?;
                            let requests =
                                uint(o.get("requests").unwrap_or(&Value::Null), "requests")?;
                            Some(Hashcash { easiness, requests })
                        }
                        _ => return Err("hashcash: expected an object or null".into()),
                    }
                }
                other => return Err(format!("unknown fault knob {other:?}")),
            }
        }
        *self = next;
        Ok(())
    }

    /// The settings as the JSON the admin endpoint accepts.
    pub fn to_json(&self) -> Value {
        json!({
            "eagain": self.eagain,
            "ratelimit": self.ratelimit,
            "http500": self.http500,
            "login_limit": self.login_limit.map(|l| json!({
                "max": l.max, "window_secs": l.window_secs, "lockout_secs": l.lockout_secs})),
            "hashcash": self.hashcash.map(|h| json!({
                "easiness": h.easiness, "requests": h.requests})),
            "bandwidth_509": self.bandwidth_509,
            "latency_ms": self.latency_ms,
            "drop_after": self.drop_after,
        })
    }
}

/// Parse `--login-limit N/W/L`.
pub fn parse_login_limit(s: &str) -> Result<Value, String> {
    let parts: Vec<&str> = s.split('/').collect();
    let nums: Result<Vec<u64>, _> = parts.iter().map(|p| p.trim().parse::<u64>()).collect();
    match nums {
        Ok(n) if n.len() == 3 => {
            Ok(json!({"max": n[0], "window_secs": n[1], "lockout_secs": n[2]}))
        }
        _ => Err(format!(
            "--login-limit expects MAX/WINDOW_SECS/LOCKOUT_SECS, got {s:?}"
        )),
    }
}

/// Parse `--hashcash E[/N]`.
pub fn parse_hashcash(s: &str) -> Result<Value, String> {
    let mut it = s.splitn(2, '/');
    let e = it
        .next()
        .and_then(|e| e.trim().parse::<u8>().ok())
        .ok_or_else(|| format!("--hashcash expects EASINESS[/REQUESTS], got {s:?}"))?;
    let n = match it.next() {
        Some(n) => Some(
            n.trim()
                .parse::<u64>()
                .map_err(|_| format!("--hashcash expects EASINESS[/REQUESTS], got {s:?}"))?,
        ),
        None => None,
    };
    Ok(json!({"easiness": e, "requests": n}))
}

/// Per-account login attempt history for the login limiter (in memory; a restart forgets it).
#[derive(Default)]
pub struct LoginTracker {
    attempts: HashMap<String, (VecDeque<Instant>, Option<Instant>)>,
}

impl LoginTracker {
    /// Record a login attempt for `uh`; true if it must be refused with `-6`.
    pub fn attempt(&mut self, uh: &str, limit: &LoginLimit) -> bool {
        let now = Instant::now();
        let (hist, locked_until) = self.attempts.entry(uh.to_string()).or_default();
        if let Some(until) = *locked_until {
            if now < until {
                return true;
            }
            *locked_until = None;
            hist.clear();
        }
        let window = Duration::from_secs(limit.window_secs);
        while hist
            .front()
            .is_some_and(|t| now.duration_since(*t) > window)
        {
            hist.pop_front();
        }
        hist.push_back(now);
        if hist.len() as u64 > limit.max {
            *locked_until = Some(now + Duration::from_secs(limit.lockout_secs));
            return true;
        }
        false
    }
}
