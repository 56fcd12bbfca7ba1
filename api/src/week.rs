//! Weeks for weekly goals and "this week" leaderboards: ISO 8601 weeks (Monday to Sunday) of
//! the campaign's own calendar. The edge turns an instant into a local date in the campaign's
//! time zone (the runtime's `Intl` knows the zones); this module does the calendar arithmetic.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// The ISO week-numbering year and week (1..=53) of a date.
pub fn iso_week(year: i32, month: u32, day: u32) -> (i32, u32) {
    let days = days_from_civil(year, month, day);
    let weekday = (days + 3).rem_euclid(7); // Monday = 0; 1970-01-01 was a Thursday
    let thursday = days - weekday + 3;
    let (iso_year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(iso_year, 1, 1)) / 7 + 1;
    (iso_year, week as u32)
}

/// The key a week is stored under: `2026-W47`.
pub fn week_key(year: i32, month: u32, day: u32) -> String {
    let (y, w) = iso_week(year, month, day);
    format!("{y}-W{w:02}")
}

/// Parses the `YYYY-MM-DD` that `Intl.DateTimeFormat("en-CA")` writes.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.trim().splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts
        .next()?
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    let d = parts
        .next()?
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    Some((y, m, d))
}

/// The key of the week `weeks` before (negative: after) the week `key` names (`2026-W47`, 3
/// gives `2026-W44`); `None` for a key that is not one. Time windows of the engagement ladder
/// ("the last 4 weeks") start at `earlier(current, k - 1)`; keys sort as weeks do.
pub fn earlier(key: &str, weeks: i64) -> Option<String> {
    let (y, w) = key.split_once("-W")?;
    let (y, w): (i32, i64) = (y.parse().ok()?, w.parse().ok()?);
    // The Monday of ISO week 1 is the Monday of the week holding January 4th.
    let jan4 = days_from_civil(y, 1, 4);
    let monday1 = jan4 - (jan4 + 3).rem_euclid(7);
    let (yy, m, d) = civil_from_days(monday1 + (w - 1 - weeks) * 7);
    (1..=53).contains(&w).then(|| week_key(yy, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_earlier_cross_years() {
        let cases = [
            ("2026-W47", 3, Some("2026-W44")),
            ("2026-W47", 0, Some("2026-W47")),
            ("2026-W02", 3, Some("2025-W51")),
            ("2021-W01", 1, Some("2020-W53")),
            ("2026-W53", -1, Some("2027-W01")),
            ("2026-W47", -2, Some("2026-W49")),
            ("2026-W54", 1, None),
            ("nonsense", 1, None),
        ];
        for (key, n, want) in cases {
            assert_eq!(earlier(key, n).as_deref(), want, "{key} {n}");
        }
    }

    #[test]
    fn iso_weeks_at_the_edges_of_years() {
        let cases = [
            // (date, ISO week) — the boundaries where naive week numbering goes wrong.
            ((2026, 11, 21), "2026-W47"), // a Saturday
            ((2026, 11, 22), "2026-W47"), // Sunday ends the week
            ((2026, 11, 23), "2026-W48"), // Monday starts the next
            ((2024, 12, 30), "2025-W01"), // Monday of 2025's first week, still in 2024
            ((2025, 1, 1), "2025-W01"),
            ((2021, 1, 3), "2020-W53"), // Sunday: last day of a 53-week year
            ((2021, 1, 4), "2021-W01"),
            ((2020, 12, 31), "2020-W53"),
            ((2027, 1, 1), "2026-W53"), // Friday: 2026 has 53 weeks
            ((2026, 12, 31), "2026-W53"),
            ((2028, 1, 2), "2027-W52"), // Sunday; 2028 starts on a Saturday
            ((2028, 1, 3), "2028-W01"),
            ((2024, 2, 29), "2024-W09"), // leap day
            ((1970, 1, 1), "1970-W01"),
            ((2000, 1, 1), "1999-W52"),
        ];
        for ((y, m, d), want) in cases {
            assert_eq!(week_key(y, m, d), want, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn days_round_trip() {
        for days in (-800_000..800_000).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 11, 21), 20_778);
    }

    #[test]
    fn every_week_has_seven_days() {
        let start = days_from_civil(2019, 12, 30); // a Monday
        for w in 0..400 {
            let monday = start + w * 7;
            let keys: Vec<String> = (0..7)
                .map(|i| {
                    let (y, m, d) = civil_from_days(monday + i);
                    week_key(y, m, d)
                })
                .collect();
            assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
        }
    }

    #[test]
    fn parses_intl_dates() {
        assert_eq!(parse_date("2026-11-21"), Some((2026, 11, 21)));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("21/11/2026"), None);
        assert_eq!(parse_date(""), None);
    }
}
