//! Proleptic Gregorian calendar arithmetic, shared by the date filters ([`crate::query`]) and
//! the HTTP-date parser ([`crate::retry`]).

/// True for a Gregorian leap year: divisible by 4, except centuries not divisible by 400
/// (2024 and 2000 are leap years, 2023 and 1900 are not).
pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1-12) in `year`, or `None` for a month outside 1-12.
pub(crate) fn days_in_month(year: i64, month: u32) -> Option<u32> {
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    })
}

/// True when `year-month-day` is a real date (month 1-12, day within the month).
pub(crate) fn is_valid_date(year: i64, month: u32, day: u32) -> bool {
    days_in_month(year, month).is_some_and(|n| (1..=n).contains(&day))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
///
/// Callers pass a month in 1-12 and a day in 1-31 of a year within a few thousand years of
/// ours (the parsers only read 4-digit years), so nothing overflows.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
///
/// Callers keep `z` within a few hundred million days (a million years), so nothing
/// overflows.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years_and_month_lengths() {
        for (y, leap) in [
            (2024, true),
            (2023, false),
            (1900, false),
            (2000, true),
            (0, true),
        ] {
            assert_eq!(is_leap(y), leap, "{y}");
        }
        assert_eq!(days_in_month(2023, 2), Some(28));
        assert_eq!(days_in_month(2024, 2), Some(29));
        assert_eq!(days_in_month(2023, 4), Some(30));
        assert_eq!(days_in_month(2023, 12), Some(31));
        assert_eq!(days_in_month(2023, 0), None);
        assert_eq!(days_in_month(2023, 13), None);
    }

    #[test]
    fn day_counts_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in (-800_000..3_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(z);
            assert!(is_valid_date(y, m, d), "{z}: {y}-{m}-{d}");
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
