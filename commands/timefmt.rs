//! `--time-format=`: MEGAcmd's named formats or any strftime string, rendered in local time
//! (as MEGAcmd does, whatever its help says). A bad strftime string is a usage error, never a
//! panic.

use chrono::format::{Item, StrftimeItems};
use chrono::{Local, TimeZone};

use crate::error::CmdError;

/// A checked time format.
#[derive(Clone, Debug)]
pub struct TimeFormat(String);

impl TimeFormat {
    /// `SHORT`, the default of `ls -l`.
    pub fn short() -> TimeFormat {
        TimeFormat("%d%b%Y %T".into())
    }

    /// `%c`, as MEGAcmd prints session times (`whoami -l`; C locale: `Mon Nov 23 09:40:00 2026`).
    pub fn c_locale() -> TimeFormat {
        TimeFormat("%c".into())
    }

    /// `RFC2822`, the default elsewhere.
    pub fn rfc2822() -> TimeFormat {
        TimeFormat("%a, %d %b %Y %T %z".into())
    }

    /// The format named by `--time-format=VALUE` (case-insensitive names), or `default`.
    pub fn from_option(value: Option<&str>, default: TimeFormat) -> Result<TimeFormat, CmdError> {
        let Some(v) = value else {
            return Ok(default);
        };
        let named = match v.to_ascii_uppercase().as_str() {
            "RFC2822" => Some("%a, %d %b %Y %T %z"),
            "ISO6081" => Some("%F"),
            "ISO6081_WITH_TIME" => Some("%FT%T"),
            "SHORT" => Some("%d%b%Y %T"),
            "SHORT_UTC" => Some("%d%b%Y %T %z"),
            _ => None,
        };
        let fmt = named.unwrap_or(v);
        if fmt.is_empty() || StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
            return Err(CmdError::Args(format!("Invalid time format: {v}")));
        }
        Ok(TimeFormat(fmt.to_string()))
    }

    /// Unix seconds as text in local time (`-` when out of range).
    pub fn render(&self, unix: i64) -> String {
        match Local.timestamp_opt(unix, 0).single() {
            Some(t) => t.format(&self.0).to_string(),
            None => "-".into(),
        }
    }

    /// How wide a rendered time is (for column headers).
    pub fn width(&self) -> usize {
        self.render(0).chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_custom() {
        assert!(TimeFormat::from_option(Some("short"), TimeFormat::rfc2822()).is_ok());
        assert!(TimeFormat::from_option(Some("%Y"), TimeFormat::short()).is_ok());
        let e = TimeFormat::from_option(Some("%Q"), TimeFormat::short()).unwrap_err();
        assert_eq!(e.exit_code(), 51);
        assert_eq!(TimeFormat::short().width(), 18);
    }
}
