//! `timestamp()` and `formatdate(SPEC, TIMESTAMP)`, as go-cty defines them: bake files stamp
//! labels with `formatdate("YYYY-MM-DD", timestamp())`, and a variable whose default calls them
//! must not be an unreadable variable.

use hcl::eval::{Context, FuncDef, ParamType};
use hcl::Value;

/// A moment as RFC 3339 writes it: date, time, and the offset from UTC in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Moment {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    offset: i32,
}

pub(super) fn declare(ctx: &mut Context) {
    ctx.declare_func(
        "timestamp",
        FuncDef::builder().build(|_| Ok(Value::from(rfc3339(&now())))),
    );
    ctx.declare_func(
        "formatdate",
        FuncDef::builder()
            .params([ParamType::Any, ParamType::Any])
            .build(|a| {
                let spec = super::value_string(&a[0]).unwrap_or_default();
                let ts = super::value_string(&a[1]).unwrap_or_default();
                let m = parse(&ts)
                    .ok_or_else(|| format!("formatdate: {ts:?} is not an RFC 3339 timestamp"))?;
                format(&spec, &m).map(Value::from)
            }),
    );
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn now() -> Moment {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (year, month, day) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400) as u32;
    Moment {
        year,
        month,
        day,
        hour: t / 3600,
        minute: t / 60 % 60,
        second: t % 60,
        offset: 0,
    }
}

fn rfc3339(m: &Moment) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        m.year,
        m.month,
        m.day,
        m.hour,
        m.minute,
        m.second,
        zone(m.offset, true, true)
    )
}

/// `Z` for UTC when `z`, else `+hh:mm` (`+hhmm` without `colon`).
fn zone(offset: i32, z: bool, colon: bool) -> String {
    if offset == 0 && z {
        return "Z".to_string();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let (h, m) = (offset.abs() / 60, offset.abs() % 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

fn parse(ts: &str) -> Option<Moment> {
    let b = ts.as_bytes();
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = ts.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let mut m = Moment {
        year: i64::from(n(0..4)?),
        month: n(5..7)?,
        day: n(8..10)?,
        hour: n(11..13)?,
        minute: n(14..16)?,
        second: n(17..19)?,
        offset: 0,
    };
    let mut rest = &ts[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let k = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[k..];
    }
    match rest {
        "Z" | "z" => {}
        _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
            let v = i32::try_from(n(ts.len() - 5..ts.len() - 3)? * 60 + n(ts.len() - 2..ts.len())?)
                .ok()?;
            m.offset = if rest.starts_with('-') { -v } else { v };
        }
        _ => return None,
    }
    let valid = (1..=12).contains(&m.month)
        && m.day >= 1
        && civil(days_from_civil(m.year, m.month, m.day)) == (m.year, m.month, m.day)
        && m.hour < 24
        && m.minute < 60
        && m.second < 61;
    valid.then_some(m)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

fn format(spec: &str, m: &Moment) -> Result<String, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // A quoted literal; '' inside it (or alone) is one quote.
            let mut j = i + 1;
            if chars.get(j) == Some(&'\'') {
                out.push('\'');
                i = j + 1;
                continue;
            }
            loop {
                match chars.get(j) {
                    None => return Err("formatdate: an unterminated quoted literal".into()),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(&x) => {
                        out.push(x);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        let weekday = days_from_civil(m.year, m.month, m.day).rem_euclid(7) as usize;
        let h12 = match m.hour % 12 {
            0 => 12,
            h => h,
        };
        let piece = match (c, run) {
            ('Y', 4) => format!("{:04}", m.year),
            ('Y', 2) => format!("{:02}", m.year.rem_euclid(100)),
            ('M', 4) => MONTHS[m.month as usize - 1].to_string(),
            ('M', 3) => MONTHS[m.month as usize - 1][..3].to_string(),
            ('M', 2) => format!("{:02}", m.month),
            ('M', 1) => m.month.to_string(),
            ('D', 2) => format!("{:02}", m.day),
            ('D', 1) => m.day.to_string(),
            ('E', 4) => DAYS[weekday].to_string(),
            ('E', 3) => DAYS[weekday][..3].to_string(),
            ('h', 2) => format!("{:02}", m.hour),
            ('h', 1) => m.hour.to_string(),
            ('H', 2) => format!("{h12:02}"),
            ('H', 1) => h12.to_string(),
            ('A', 2) => if m.hour < 12 { "AM" } else { "PM" }.to_string(),
            ('a', 2) => if m.hour < 12 { "am" } else { "pm" }.to_string(),
            ('m', 2) => format!("{:02}", m.minute),
            ('m', 1) => m.minute.to_string(),
            ('s', 2) => format!("{:02}", m.second),
            ('s', 1) => m.second.to_string(),
            ('Z', 1) => zone(m.offset, true, true),
            ('Z', 3) if m.offset == 0 => "UTC".to_string(),
            ('Z', 3) | ('Z', 4) => zone(m.offset, false, false),
            ('Z', 5) => zone(m.offset, false, true),
            _ => {
                return Err(format!(
                    "formatdate: {} is not a format sequence",
                    chars[i..i + run].iter().collect::<String>()
                ))
            }
        };
        out.push_str(&piece);
        i += run;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_go_cty_does() {
        let m = parse("2026-03-01T07:05:09Z").unwrap();
        let f = |s: &str| format(s, &m).unwrap();
        assert_eq!(
            f("YYYY'-'MM'-'DD'T'hh':'mm':'ss'Z'"),
            "2026-03-01T07:05:09Z"
        );
        assert_eq!(f("YYYY-MM-DD"), "2026-03-01");
        assert_eq!(f("DD MMM YYYY hh:mm ZZZ"), "01 Mar 2026 07:05 UTC");
        assert_eq!(f("EEEE, MMMM D, YY H:mm aa"), "Sunday, March 1, 26 7:05 am");
        assert_eq!(f("'it''s' h"), "it's 7");
        assert!(format("YYY", &m).is_err());
        assert!(format("'open", &m).is_err());
        let z = parse("2026-12-31T23:59:60.123-05:30").unwrap();
        assert_eq!(format("ZZZZZ ZZZZ Z", &z).unwrap(), "-05:30 -0530 -05:30");
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01 00:00:00Z",
            "x",
            "2026-01-01T00:00:00",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn civil_dates_round_trip() {
        for d in [-800_000_i64, -1, 0, 1, 11_016, 20_454, 2_932_896] {
            let (y, m, day) = civil(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_454), (2026, 1, 1));
        // timestamp() is a valid RFC 3339 moment in UTC.
        let t = rfc3339(&now());
        assert_eq!(parse(&t).map(|m| m.offset), Some(0), "{t}");
    }
}
