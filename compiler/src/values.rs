//! Typed values: how hapolicy reads durations, scores, booleans and dates, strictly, and how it
//! writes them canonically for Pacemaker.
//!
//! Every parser returns a reason on failure, worded for the admin; callers attach the span and code.

/// Milliseconds in the largest interval Pacemaker can hold (a 32-bit millisecond count).
pub const MAX_INTERVAL_MS: u64 = u32::MAX as u64;

/// A duration read from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub ms: u64,
    /// Written as ISO 8601 (`PT30S`, `P7D`): Pacemaker reads these differently from us (see `iso_misread_ms`).
    pub iso: bool,
    /// What Pacemaker 2.1 would make of the same text where it differs from `ms`.
    pub pacemaker_ms: Option<u64>,
}

/// Parses `250ms`, `10s`, `5min`, `2h`, `30` (seconds) or an ISO 8601 duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    if text.is_empty() {
        return Err("a duration is empty".to_string());
    }
    if let Some(rest) = text.strip_prefix('P') {
        return parse_iso_duration(rest, text);
    }
    if text.starts_with('p') {
        return Err(format!("`{text}`: ISO 8601 durations start with an uppercase `P` (Pacemaker reads a lowercase one as 0)"));
    }
    if text.starts_with('-') {
        return Err(format!("`{text}` is negative; durations cannot be negative"));
    }
    let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits_end);
    if number.is_empty() {
        return Err(format!("`{text}` is not a duration; write a whole number with a unit, such as `10s`, `5min` or `2h`"));
    }
    if unit.starts_with('.') || unit.starts_with(',') {
        return Err(format!("`{text}` has a fraction, which Pacemaker silently drops (`1.5m` is read as one minute); use a smaller unit, such as `90s`"));
    }
    let factor: u64 = match unit {
        "" | "s" | "sec" => 1000,
        "ms" | "msec" => 1,
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        "d" | "day" | "days" => {
            return Err(format!(
                "`{text}`: Pacemaker has no day unit and reads it as 0; write hours instead, such as `{}h`",
                number.parse::<u64>().unwrap_or(1).saturating_mul(24)
            ))
        }
        "us" | "usec" => return Err(format!("`{text}`: microseconds are below Pacemaker's resolution; use `ms`")),
        _ => return Err(format!("`{text}` has an unknown unit `{unit}`; use `ms`, `s`, `min` or `h`")),
    };
    let n: u64 = number.parse().map_err(|_| format!("`{text}` is too large"))?;
    Ok(Duration { ms: n.saturating_mul(factor), iso: false, pacemaker_ms: None })
}

fn parse_iso_duration(rest: &str, whole: &str) -> Result<Duration, String> {
    let bad = || format!("`{whole}` is not an ISO 8601 duration (such as `PT30S`, `PT5M`, `P1W`)");
    let mut ms: u64 = 0;
    let mut pacemaker: u64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if c == 'T' && number.is_empty() {
            in_time = true;
            continue;
        }
        if c == '.' || c == ',' {
            return Err(format!("`{whole}` has a fraction, which Pacemaker reads as 0; use a smaller unit"));
        }
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        any = true;
        const DAY: u64 = 86_400_000;
        // Pacemaker 2.1/3.0 count days and years one short (a P1D interval is 0 ms).
        let (real, misread) = match (c, in_time) {
            ('Y', false) => (n * 365 * DAY, n.saturating_sub(1) * 365 * DAY),
            ('M', false) => (n * 30 * DAY, n * 30 * DAY),
            ('W', false) => (n * 7 * DAY, (n * 7).saturating_sub(1) * DAY),
            ('D', false) => (n * DAY, n.saturating_sub(1) * DAY),
            // Pacemaker needs the `T` only to tell minutes from months.
            ('H', _) => (n * 3_600_000, n * 3_600_000),
            ('M', true) => (n * 60_000, n * 60_000),
            ('S', _) => (n * 1000, n * 1000),
            _ => return Err(bad()),
        };
        ms = ms.saturating_add(real);
        pacemaker = pacemaker.saturating_add(misread);
    }
    if !number.is_empty() || !any {
        return Err(bad());
    }
    Ok(Duration { ms, iso: true, pacemaker_ms: (pacemaker != ms).then_some(pacemaker) })
}

/// The canonical CIB spelling of a duration: the largest unit that divides it exactly.
pub fn format_duration(ms: u64) -> String {
    if ms == 0 {
        "0".to_string()
    } else if ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(60_000) {
        format!("{}min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// The short label used in generated ids: `10s`, `5min`, `0`.
pub fn duration_label(ms: u64) -> String {
    format_duration(ms)
}

pub const INFINITY: i64 = 1_000_000;

/// Parses `100`, `-50`, `inf`, `+inf`, `-inf`, `INFINITY`, `-INFINITY`.
pub fn parse_score(text: &str) -> Result<i64, String> {
    let lower = text.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => return Ok(INFINITY),
        "-inf" | "-infinity" => return Ok(-INFINITY),
        _ => {}
    }
    let n: i64 = text.parse().map_err(|_| format!("`{text}` is not a score; write an integer, `inf` or `-inf`"))?;
    if n.abs() > INFINITY {
        return Err(format!("`{text}` is beyond ±1000000, which Pacemaker clamps to INFINITY; write `inf` or `-inf`"));
    }
    Ok(n)
}

/// The CIB spelling of a score.
pub fn format_score(score: i64) -> String {
    if score >= INFINITY {
        "INFINITY".to_string()
    } else if score <= -INFINITY {
        "-INFINITY".to_string()
    } else {
        score.to_string()
    }
}

/// Parses the booleans Pacemaker's nvpairs accept, case-insensitively.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "y" | "1" => Ok(true),
        "false" | "no" | "off" | "n" | "0" => Ok(false),
        _ => Err(format!("`{text}` is not a boolean; write `true` or `false` (Pacemaker reads anything else as false)")),
    }
}

pub fn format_bool(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Checks an ISO 8601 date, date-time or time of day as Pacemaker reads them. Returns the text
/// unchanged on success (Pacemaker reads it), so the CIB keeps the admin's spelling.
pub fn check_date(text: &str) -> Result<(), String> {
    let bad = |why: &str| format!("`{text}` is not a valid ISO 8601 date/time: {why}");
    let (date, time) = match text.find(['T', ' ']) {
        Some(0) => ("", text.get(1..).unwrap_or("")),
        Some(i) => (text.get(..i).unwrap_or(""), text.get(i + 1..).unwrap_or("")),
        None if text.contains(':') => ("", text),
        None => (text, ""),
    };
    if !date.is_empty() {
        check_date_part(date).map_err(|w| bad(&w))?;
    }
    if !time.is_empty() {
        check_time_part(time.trim()).map_err(|w| bad(&w))?;
    }
    if date.is_empty() && time.is_empty() {
        return Err(bad("it is empty"));
    }
    Ok(())
}

fn number(s: &str, what: &str) -> Result<u32, String> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{s}` is not a number ({what})"));
    }
    s.parse().map_err(|_| format!("`{s}` is too large ({what})"))
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn check_date_part(date: &str) -> Result<(), String> {
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, w, d] if w.starts_with('W') => {
            number(y, "year")?;
            let week = number(w.get(1..).unwrap_or(""), "week")?;
            let day = number(d, "weekday")?;
            if !(1..=53).contains(&week) {
                return Err(format!("week {week} is out of range 1-53"));
            }
            if !(1..=7).contains(&day) {
                return Err(format!("weekday {day} is out of range 1-7 (1 is Monday)"));
            }
            Ok(())
        }
        [y, w] if w.starts_with('W') => {
            number(y, "year")?;
            let week = number(w.get(1..).unwrap_or(""), "week")?;
            if !(1..=53).contains(&week) {
                return Err(format!("week {week} is out of range 1-53"));
            }
            Ok(())
        }
        [y, m, d] => {
            let year = number(y, "year")?;
            let month = number(m, "month")?;
            let day = number(d, "day")?;
            if !(1..=12).contains(&month) {
                return Err(format!("month {month} is out of range 1-12"));
            }
            let days = match month {
                2 if is_leap(year) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            if day < 1 || day > days {
                return Err(format!("day {day} does not exist in month {month}"));
            }
            Ok(())
        }
        [y, d] => {
            let year = number(y, "year")?;
            let day = number(d, "day of the year")?;
            let max = if is_leap(year) { 366 } else { 365 };
            if day < 1 || day > max {
                return Err(format!("day {day} of the year is out of range 1-{max}"));
            }
            Ok(())
        }
        [basic] if basic.len() == 8 => {
            check_date_part(&format!("{}-{}-{}", basic.get(0..4).unwrap_or(""), basic.get(4..6).unwrap_or(""), basic.get(6..8).unwrap_or("")))
        }
        _ => Err("expected a date such as 2024-01-15, 2024-W03-1 or 2024-015".to_string()),
    }
}

fn check_time_part(time: &str) -> Result<(), String> {
    // Strip a zone: Z, +hh:mm, -hh:mm, or a separate " +01:00".
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => (time.get(..i).unwrap_or("").trim(), time.get(i..).unwrap_or("")),
        None => (time, ""),
    };
    let parts: Vec<&str> = if clock.contains(':') {
        clock.split(':').collect()
    } else {
        (0..clock.len()).step_by(2).filter_map(|i| clock.get(i..(i + 2).min(clock.len()))).collect()
    };
    let limits = [("hour", 24), ("minute", 59), ("second", 59)];
    if parts.is_empty() || parts.len() > 3 {
        return Err("expected a time such as 02:00 or 02:00:00".to_string());
    }
    let mut numbers = Vec::with_capacity(3);
    for (part, (what, max)) in parts.iter().zip(limits) {
        let n = number(part, what)?;
        if n > max {
            return Err(format!("{what} {n} is out of range"));
        }
        numbers.push(n);
    }
    // 24 is only valid as the end of a day, 24:00:00.
    if numbers.first() == Some(&24) && numbers.iter().skip(1).any(|n| *n != 0) {
        return Err("hour 24 is only valid as 24:00:00".to_string());
    }
    if !zone.is_empty() && zone != "Z" {
        let z = zone.get(1..).unwrap_or("");
        let z_parts: Vec<&str> = z.split(':').collect();
        for p in &z_parts {
            number(p, "time zone offset")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_strict() {
        assert_eq!(parse_duration("10s").map(|d| d.ms), Ok(10_000));
        assert_eq!(parse_duration("10000ms").map(|d| d.ms), Ok(10_000));
        assert_eq!(parse_duration("5min").map(|d| d.ms), Ok(300_000));
        assert_eq!(parse_duration("2h").map(|d| d.ms), Ok(7_200_000));
        assert_eq!(parse_duration("30").map(|d| d.ms), Ok(30_000));
        assert!(parse_duration("1.5m").is_err());
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("5monkeys").is_err());
        assert!(parse_duration("p1d").is_err());
    }

    #[test]
    fn iso_days_are_counted_right_and_pacemakers_reading_is_known() {
        let d = parse_duration("P1D").ok();
        assert_eq!(d.map(|d| d.ms), Some(86_400_000));
        assert_eq!(d.and_then(|d| d.pacemaker_ms), Some(0));
        let w = parse_duration("P1W").ok();
        assert_eq!(w.and_then(|d| d.pacemaker_ms), Some(6 * 86_400_000));
        assert_eq!(parse_duration("PT30S").ok().map(|d| (d.ms, d.pacemaker_ms)), Some((30_000, None)));
        assert_eq!(parse_duration("PT1H30M").map(|d| d.ms), Ok(5_400_000));
    }

    #[test]
    fn canonical_spelling() {
        assert_eq!(format_duration(10_000), "10s");
        assert_eq!(format_duration(90_000), "90s");
        assert_eq!(format_duration(300_000), "5min");
        assert_eq!(format_duration(86_400_000), "24h");
        assert_eq!(format_duration(500), "500ms");
        assert_eq!(format_score(INFINITY), "INFINITY");
        assert_eq!(parse_score("-inf"), Ok(-INFINITY));
        assert!(parse_score("2000000").is_err());
    }

    #[test]
    fn dates() {
        for ok in ["2024-01-15", "2024-01-15T02:00:00", "2024-W03-1", "2024-015", "02:00", "2024-01-15 02:00:00 +01:00", "2021-W01-1", "2024-02-29", "20240115"]
        {
            assert_eq!(check_date(ok), Ok(()), "{ok}");
        }
        for bad in ["2024-13-01", "2023-02-29", "25:00", "24:30", "23:59:60", "2024-W60-1", "tomorrow"] {
            assert!(check_date(bad).is_err(), "{bad}");
        }
    }
}
