//! Sizes, in one place: parsing what users write (`500k`, `1.5GiB`) and showing byte counts.
//!
//! ```
//! use ctxsize::units::{parse_size, show_size};
//! assert_eq!(parse_size("500k"), Ok(500_000));
//! assert_eq!(parse_size("1.5GiB"), Ok(1_610_612_736));
//! assert!(parse_size("12 parsecs").is_err());
//! assert_eq!(show_size(5_242_880), "5.24 MB (5242880 bytes)");
//! ```

/// A byte count for people: `212.3 MB` (decimal units, as docker prints sizes).
pub fn human(n: u64) -> String {
    humansize::format_size(n, humansize::DECIMAL)
}

/// A byte count with the exact figure: `212.3 MB (212300000 bytes)`; `0 bytes` for zero.
pub fn show_size(n: u64) -> String {
    if n == 0 {
        return "0 bytes".into();
    }
    format!("{} ({} bytes)", human(n), n)
}

/// A limit the user gave, with the exact figure, in the units it was most likely written in:
/// `5 MiB (5242880 bytes)` for `5MiB`, `200 MB (200000000 bytes)` for `200MB`, `0 bytes`.
pub fn show_limit(n: u64) -> String {
    if n == 0 {
        return "0 bytes".into();
    }
    if n % 1024 == 0 && n % 1000 != 0 {
        format!(
            "{} ({n} bytes)",
            humansize::format_size(n, humansize::BINARY)
        )
    } else {
        show_size(n)
    }
}

/// `n` with thousands separators: `1,234,567`.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses a size as users write it: `1048576`, `500k`, `500kB`, `200MB`, `1.5GiB`, `2 g`.
/// Decimal units (`k`, `kB`, `M`, `MB`, …) are powers of 1000; binary units (`Ki`, `KiB`, `Mi`,
/// `MiB`, …) powers of 1024; `B` or no unit means bytes. Case does not matter. Fractions are
/// allowed and rounded down to whole bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "invalid size `{s}`: write a number of bytes with an optional unit, e.g. 500k, 200MB, 1.5GiB"
        )
    };
    let t = s.trim();
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(num_end);
    let num: String = num.chars().filter(|&c| c != '_').collect();
    let unit = unit.trim().to_ascii_lowercase();
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1
    {
        return Err(bad());
    }
    let mult: u128 = match unit.as_str() {
        "" | "b" | "byte" | "bytes" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "ki" | "kib" => 1 << 10,
        "mi" | "mib" => 1 << 20,
        "gi" | "gib" => 1 << 30,
        "ti" | "tib" => 1 << 40,
        _ => return Err(bad()),
    };
    let (int, frac) = num.split_once('.').unwrap_or((&num, ""));
    if frac.len() > 18 || int.len() > 30 {
        return Err(bad());
    }
    let int: u128 = int.parse().map_err(|_| bad())?;
    let frac_val: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    let scale = 10u128.pow(frac.len() as u32);
    let total = int
        .checked_mul(mult)
        .and_then(|x| x.checked_add(frac_val * mult / scale))
        .ok_or_else(bad)?;
    if frac_val > 0 && mult == 1 {
        return Err(format!(
            "invalid size `{s}`: a byte count must be a whole number"
        ));
    }
    u64::try_from(total).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        for (s, v) in [
            ("0", 0),
            ("1048576", 1_048_576),
            ("500k", 500_000),
            ("500K", 500_000),
            ("500kB", 500_000),
            ("500 KB", 500_000),
            ("200MB", 200_000_000),
            ("200M", 200_000_000),
            ("1.5GiB", 1_610_612_736),
            ("1.5G", 1_500_000_000),
            ("2Ki", 2048),
            ("1MiB", 1_048_576),
            ("1_000", 1000),
            ("10B", 10),
            ("2TB", 2_000_000_000_000),
            ("0.5k", 500),
            (" 3mb ", 3_000_000),
        ] {
            assert_eq!(parse_size(s), Ok(v), "{s}");
        }
        for s in [
            "",
            "k",
            "1.2.3",
            "-1",
            "12 parsecs",
            "1e6",
            "1.5",
            ".5k",
            "5.k",
            "1x",
            "99999999999999999999999TB",
        ] {
            assert!(parse_size(s).is_err(), "{s}");
        }
    }

    #[test]
    fn shown() {
        assert_eq!(show_size(0), "0 bytes");
        assert_eq!(show_size(1000), "1 kB (1000 bytes)");
        assert_eq!(show_limit(5_242_880), "5 MiB (5242880 bytes)");
        assert_eq!(show_limit(5_000_000), "5 MB (5000000 bytes)");
        assert_eq!(show_limit(0), "0 bytes");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
