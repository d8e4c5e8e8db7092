//! MEGAcmd's size rendering (`sizeToText`, megacmd.md §3.1), so `ls -l -h`, `du -h` and `df -h`
//! print the same text MEGAcmd does.

/// Bytes as text. Non-human: the raw count. Human: two decimals in binary multiples, and a unit
/// is used only above twice its size (2000 KiB stays "KB"), as MEGAcmd does. `padded_unit`
/// writes bytes as `" B"` so units line up in columns (`512.00  B`).
pub fn size_to_text(bytes: u64, human: bool, padded_unit: bool) -> String {
    if !human {
        return bytes.to_string();
    }
    const KIB: u64 = 1024;
    const UNITS: [(u64, &str); 4] = [
        (KIB * KIB * KIB * KIB, "TB"),
        (KIB * KIB * KIB, "GB"),
        (KIB * KIB, "MB"),
        (KIB, "KB"),
    ];
    for (unit, name) in UNITS {
        if bytes > 2 * unit {
            return format!("{:.2} {name}", bytes as f64 / unit as f64);
        }
    }
    let unit = if padded_unit { " B" } else { "B" };
    format!("{:.2} {unit}", bytes as f64)
}

/// A percentage with two decimals, `----%` when it cannot be computed (MEGAcmd's
/// `percentageToText`).
pub fn percentage_to_text(fraction: f64) -> String {
    if fraction.is_finite() {
        format!("{:.2}%", fraction * 100.0)
    } else {
        "----%".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bytes_without_h() {
        assert_eq!(size_to_text(0, false, false), "0");
        assert_eq!(size_to_text(1437813, false, false), "1437813");
    }

    #[test]
    fn units_switch_above_twice_the_unit() {
        assert_eq!(size_to_text(512, true, false), "512.00 B");
        assert_eq!(size_to_text(512, true, true), "512.00  B");
        assert_eq!(size_to_text(2048, true, false), "2048.00 B");
        assert_eq!(size_to_text(2049, true, false), "2.00 KB");
        assert_eq!(size_to_text(2000 * 1024, true, false), "2000.00 KB");
        assert_eq!(size_to_text(1437813, true, false), "1404.11 KB");
        assert_eq!(size_to_text(3 * 1024 * 1024, true, false), "3.00 MB");
        assert_eq!(size_to_text(50 << 30, true, false), "50.00 GB");
        assert_eq!(size_to_text(5 << 40, true, false), "5.00 TB");
    }

    #[test]
    fn percentages() {
        assert_eq!(percentage_to_text(0.1364), "13.64%");
        assert_eq!(percentage_to_text(f64::NAN), "----%");
    }
}
