//! Retry policy: which outcomes retry, how long to wait, and `Retry-After` parsing.
//!
//! Pure logic: the caller supplies the clock (`now_ms`) and the random number (`rand01`),
//! so tests are exact. Every endpoint of this crate is a GET, so every retry is safe.

/// Defaults: 2 retries, 500 ms base, 5 s cap, `Retry-After` honoured up to 60 s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Backoff base, doubled each retry.
    pub base_ms: f64,
    /// Largest backoff computed from `base_ms`.
    pub cap_ms: f64,
    /// Largest `Retry-After` honoured; a longer one is clamped to this.
    pub max_retry_after_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_ms: 500.0,
            cap_ms: 5_000.0,
            max_retry_after_ms: 60_000.0,
        }
    }
}

/// How one attempt ended, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// The connection failed or was reset.
    Network,
    /// The attempt ran past its timeout.
    Timeout,
    /// The server answered with this status (and maybe a `Retry-After`, in ms).
    Status(u16, Option<f64>),
}

/// Statuses worth another try: 408, 429, 500, 502, 503, 504.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry), or `None` when the
    /// outcome must not be retried or the retries are used up.
    ///
    /// Backoff is "equal jitter": half of `min(cap, base * 2^retry)` plus a random part of
    /// the other half, so a retry never fires at once (useless after a 429) and concurrent
    /// clients spread out. A `Retry-After` replaces the backoff, clamped to
    /// `max_retry_after_ms`.
    pub fn delay_ms(&self, retry: u32, outcome: Outcome, rand01: f64) -> Option<f64> {
        if retry >= self.max_retries {
            return None;
        }
        let retry_after = match outcome {
            Outcome::Network | Outcome::Timeout => None,
            Outcome::Status(s, ra) if retryable_status(s) => ra,
            Outcome::Status(..) => return None,
        };
        // NaN is no wait at all (f64::clamp would pass it through): back off instead.
        // `max`/`min`, not `f64::clamp`: clamp asserts `min <= max` and its panic message formats
        // both floats with `{:?}`, which alone keeps core's float formatting (about 14 KB) in
        // the .wasm.
        if let Some(ra) = retry_after.filter(|ra| !ra.is_nan()) {
            return Some(ra.max(0.0).min(self.max_retry_after_ms));
        }
        let exp = self.base_ms * 2f64.powi(retry.min(30) as i32);
        let ceiling = exp.min(self.cap_ms).max(0.0);
        let r = if rand01.is_finite() {
            rand01.clamp(0.0, 1.0)
        } else {
            0.5
        };
        Some(ceiling / 2.0 + r * ceiling / 2.0)
    }
}

/// Parses a `Retry-After` value: delta-seconds (`"120"`) or an HTTP-date in any of the three
/// forms of [`parse_http_date`]. Returns milliseconds from `now_ms` (never negative).
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs = crate::text::parse_f64(v)?;
        return Some(secs * 1000.0);
    }
    let at = parse_http_date(v, now_ms)?;
    Some((at - now_ms).max(0.0))
}

/// Parses an HTTP-date into ms since the Unix epoch, in the three forms RFC 9110 (section
/// 5.6.7) says a recipient must accept:
///
/// - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`;
/// - obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`, whose two-digit year is read as the
///   year with those digits from 49 years before `now_ms`'s year to 50 after (so a year that
///   would be more than 50 years in the future is in the past century, as RFC 9110 asks);
/// - asctime: `Sun Nov  6 08:49:37 1994` (a one-digit day is padded with a space).
///
/// The text must be exactly one of these (case-sensitive, no extra white space). The
/// weekday must be a weekday's name (full for RFC 850, three letters otherwise) but need
/// not match the date. The date must exist (`Feb 29` only in leap years), the time is
/// `00:00:00` to `23:59:60` (a leap second), and dates before 1970 are refused. `now_ms` is
/// only used for an RFC 850 year; a non-finite clock refuses that form.
pub fn parse_http_date(s: &str, now_ms: f64) -> Option<f64> {
    let b = s.as_bytes();
    let (year, month, day, secs) = if b.get(3) == Some(&b',') {
        imf_fixdate(b)?
    } else if b.get(3) == Some(&b' ') {
        asctime(b)?
    } else {
        rfc850(b, now_ms)?
    };
    if !(1970..=9999).contains(&year) || !crate::calendar::is_valid_date(year, month, day) {
        return None;
    }
    let days = crate::calendar::days_from_civil(year, month, day);
    Some(((days * 86_400 + i64::from(secs)) * 1000) as f64)
}

/// A date's parts: year, month, day, and seconds into the day.
type DateParts = (i64, u32, u32, u32);

/// `Sun, 06 Nov 1994 08:49:37 GMT`
fn imf_fixdate(b: &[u8]) -> Option<DateParts> {
    #[rustfmt::skip]
    let [
        w0, w1, w2, b',', b' ',
        d0, d1, b' ', m0, m1, m2, b' ', y0, y1, y2, y3, b' ',
        time @ ..,
        b' ', b'G', b'M', b'T',
    ] = b else {
        return None;
    };
    short_weekday([*w0, *w1, *w2])?;
    let day = num(&[*d0, *d1])?;
    let month = month([*m0, *m1, *m2])?;
    let year = num(&[*y0, *y1, *y2, *y3])?;
    Some((i64::from(year), month, day, time_of_day(time)?))
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`
fn rfc850(b: &[u8], now_ms: f64) -> Option<DateParts> {
    let comma = b.iter().position(|&c| c == b',')?;
    let (name, rest) = b.split_at(comma);
    const DAYS: [&[u8]; 7] = [
        b"Monday",
        b"Tuesday",
        b"Wednesday",
        b"Thursday",
        b"Friday",
        b"Saturday",
        b"Sunday",
    ];
    if !DAYS.contains(&name) {
        return None;
    }
    #[rustfmt::skip]
    let [
        b',', b' ',
        d0, d1, b'-', m0, m1, m2, b'-', y0, y1, b' ',
        time @ ..,
        b' ', b'G', b'M', b'T',
    ] = rest else {
        return None;
    };
    let day = num(&[*d0, *d1])?;
    let month = month([*m0, *m1, *m2])?;
    let yy = i64::from(num(&[*y0, *y1])?);
    // The clock's year; a clock beyond a million years either way is no clock.
    let now_days = (now_ms / 86_400_000.0).floor();
    if now_days.is_nan() || now_days.abs() > 4e8 {
        return None;
    }
    let (now_year, _, _) = crate::calendar::civil_from_days(now_days as i64);
    let first = now_year - 49;
    let year = first + (yy - first).rem_euclid(100);
    Some((year, month, day, time_of_day(time)?))
}

/// `Sun Nov  6 08:49:37 1994`
fn asctime(b: &[u8]) -> Option<DateParts> {
    let [w0, w1, w2, b' ', m0, m1, m2, b' ', d0, d1, b' ', time @ .., b' ', y0, y1, y2, y3] = b
    else {
        return None;
    };
    short_weekday([*w0, *w1, *w2])?;
    let month = month([*m0, *m1, *m2])?;
    let day = if *d0 == b' ' {
        num(&[*d1])?
    } else {
        num(&[*d0, *d1])?
    };
    let year = num(&[*y0, *y1, *y2, *y3])?;
    Some((i64::from(year), month, day, time_of_day(time)?))
}

/// The value of 1 to 4 ASCII digits (so no overflow).
fn num(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 4 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0, |v, d| v * 10 + u32::from(d.wrapping_sub(b'0'))),
    )
}

fn short_weekday(name: [u8; 3]) -> Option<()> {
    const DAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    DAYS.contains(&&name).then_some(())
}

fn month(name: [u8; 3]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let i = MONTHS.iter().position(|m| **m == name)?;
    u32::try_from(i).ok().map(|i| i + 1)
}

/// `HH:mm:ss` -> seconds into the day (hour 0-23, minute 0-59, second 0-60).
fn time_of_day(t: &[u8]) -> Option<u32> {
    let [h0, h1, b':', m0, m1, b':', s0, s1] = t else {
        return None;
    };
    let (h, m, s) = (num(&[*h0, *h1])?, num(&[*m0, *m1])?, num(&[*s0, *s1])?);
    (h <= 23 && m <= 59 && s <= 60).then_some(h * 3600 + m * 60 + s)
}

/// A small deterministic random source (xorshift64*), seeded by the caller.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is replaced by a fixed odd constant).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// A number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_outcomes_retry() {
        let p = RetryPolicy::default();
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(
                p.delay_ms(0, Outcome::Status(s, None), 0.5).is_some(),
                "{s}"
            );
        }
        for s in [400, 401, 403, 404, 405, 409, 422, 501] {
            assert_eq!(p.delay_ms(0, Outcome::Status(s, None), 0.5), None, "{s}");
        }
        assert!(p.delay_ms(0, Outcome::Network, 0.5).is_some());
        assert!(p.delay_ms(1, Outcome::Timeout, 0.5).is_some());
        assert_eq!(
            p.delay_ms(2, Outcome::Network, 0.5),
            None,
            "retries used up"
        );
        let none = RetryPolicy {
            max_retries: 0,
            ..p
        };
        assert_eq!(none.delay_ms(0, Outcome::Network, 0.5), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let p = RetryPolicy {
            max_retries: 10,
            ..RetryPolicy::default()
        };
        let mut rng = Rng::new(42);
        for retry in 0..10 {
            let ceiling = (500.0 * 2f64.powi(retry as i32)).min(5000.0);
            for _ in 0..100 {
                let d = p
                    .delay_ms(retry, Outcome::Status(503, None), rng.next_f64())
                    .unwrap();
                assert!(d >= ceiling / 2.0 && d <= ceiling, "retry {retry}: {d}");
            }
        }
        assert_eq!(p.delay_ms(0, Outcome::Network, 0.0), Some(250.0));
        assert_eq!(p.delay_ms(0, Outcome::Network, 1.0), Some(500.0));
        assert_eq!(p.delay_ms(9, Outcome::Network, 1.0), Some(5000.0));
    }

    #[test]
    fn retry_after_wins_and_is_clamped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay_ms(0, Outcome::Status(429, Some(3000.0)), 0.9),
            Some(3000.0)
        );
        assert_eq!(
            p.delay_ms(0, Outcome::Status(503, Some(3_600_000.0)), 0.9),
            Some(60_000.0)
        );
        assert_eq!(p.delay_ms(0, Outcome::Status(404, Some(1.0)), 0.9), None);
        assert_eq!(
            p.delay_ms(0, Outcome::Status(503, Some(f64::NAN)), 1.0),
            Some(500.0),
            "NaN: backoff"
        );
        assert_eq!(
            p.delay_ms(0, Outcome::Status(503, Some(f64::INFINITY)), 1.0),
            Some(60_000.0)
        );
        assert_eq!(
            p.delay_ms(0, Outcome::Status(503, Some(-5.0)), 1.0),
            Some(0.0)
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", 0.0).unwrap();
        assert_eq!(now, 784_111_777_000.0);
        assert_eq!(parse_retry_after("120", now), Some(120_000.0));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0.0));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:39 GMT", now),
            Some(2000.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(0.0),
            "past dates wait 0"
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
            Some(0.0)
        );
        assert_eq!(
            parse_http_date("Mon, 23 Nov 2026 05:00:00 GMT", 0.0),
            Some(1_795_410_000_000.0)
        );
    }

    /// Parses an HTTP-date with the clock at `now` (the old code had no clock: see git log).
    fn date(s: &str, now: f64) -> Option<f64> {
        parse_http_date(s, now)
    }

    const NOV_1994: f64 = 784_111_777_000.0;
    /// 2025-06-01T00:00:00Z.
    const JUNE_2025: f64 = 1_748_736_000_000.0;

    #[test]
    fn all_three_http_date_forms() {
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun Nov 06 08:49:37 1994",
            // The weekday must be a weekday's name, not the date's.
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Wednesday, 06-Nov-94 08:49:37 GMT",
            "Fri Nov  6 08:49:37 1994",
        ] {
            assert_eq!(date(s, JUNE_2025), Some(NOV_1994), "{s}");
        }
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:39 GMT", NOV_1994),
            Some(2000.0)
        );
        assert_eq!(
            parse_retry_after("  Sun Nov  6 08:49:47 1994 ", NOV_1994),
            Some(10_000.0)
        );
        assert_eq!(
            date("Thu Jan  1 00:00:00 1970", JUNE_2025),
            Some(0.0),
            "asctime"
        );
        // RFC 850 two-digit years: more than 50 years ahead is the past century.
        let y = |s: &str, now: f64| date(s, now).map(|ms| ms / 86_400_000.0);
        let d2025 = |yy: &str| y(&format!("Friday, 01-Jan-{yy} 00:00:00 GMT"), JUNE_2025);
        assert_eq!(
            d2025("75"),
            Some(crate::calendar::days_from_civil(2075, 1, 1) as f64)
        );
        assert_eq!(
            d2025("76"),
            Some(crate::calendar::days_from_civil(1976, 1, 1) as f64)
        );
        assert_eq!(
            d2025("99"),
            Some(crate::calendar::days_from_civil(1999, 1, 1) as f64)
        );
        assert_eq!(
            d2025("00"),
            Some(crate::calendar::days_from_civil(2000, 1, 1) as f64)
        );
        assert_eq!(
            d2025("25"),
            Some(crate::calendar::days_from_civil(2025, 1, 1) as f64)
        );
        // Dates before 1970 (here 1969 read with a 1970 clock) are refused, as before.
        assert_eq!(date("Wednesday, 31-Dec-69 23:59:59 GMT", 0.0), None);
        assert_eq!(date("Sunday, 06-Nov-94 08:49:37 GMT", f64::NAN), None);
        assert_eq!(
            date("Sun, 06 Nov 1994 08:49:37 GMT", f64::NAN),
            Some(NOV_1994)
        );
    }

    #[test]
    fn malformed_http_dates_are_refused() {
        for bad in [
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Sundy, 06-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 6-Nov-94 08:49:37 GMT",
            "Sunday,06-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 UTC",
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
            "Sun, Nov  6 08:49:37 1994",
            "Sunday Nov  6 08:49:37 1994",
            "Sun Nov  6 08:49:37 1994 GMT",
            "Sun Nov  6 8:49:37 1994",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            " Sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 23:60:00 GMT",
            "Sun, 06 Nov 1994 23:59:61 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Wed, 29 Feb 1995 08:49:37 GMT",
            "Tue, 29 Feb 1900 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{0}",
            "Sun, ٠٦ Nov 1994 08:49:37 GMT",
            "",
            "GMT",
        ] {
            assert_eq!(date(bad, JUNE_2025), None, "{bad:?}");
            if bad.trim() == bad {
                assert_eq!(parse_retry_after(bad, JUNE_2025), None, "{bad:?}");
            }
        }
        assert_eq!(
            date("Tue, 29 Feb 2000 08:49:37 GMT", JUNE_2025),
            Some(951_814_177_000.0)
        );
    }

    const DAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    /// `secs` since the epoch in each of the three forms (RFC 850 with a two-digit year).
    fn http_dates(secs: i64) -> [String; 3] {
        let days = secs.div_euclid(86_400);
        let t = secs.rem_euclid(86_400);
        let (h, mi, s) = (t / 3600, t / 60 % 60, t % 60);
        let (y, m, d) = crate::calendar::civil_from_days(days);
        let wd = DAYS[(days + 4).rem_euclid(7) as usize];
        let mon = MONTHS[m as usize - 1];
        [
            format!(
                "{}, {d:02} {mon} {y:04} {h:02}:{mi:02}:{s:02} GMT",
                &wd[..3]
            ),
            format!(
                "{wd}, {d:02}-{mon}-{:02} {h:02}:{mi:02}:{s:02} GMT",
                y % 100
            ),
            format!("{} {mon} {d:>2} {h:02}:{mi:02}:{s:02} {y:04}", &wd[..3]),
        ]
    }

    #[test]
    fn property_every_form_round_trips() {
        const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
        const YEAR: i64 = 31_556_952; // the mean Gregorian year, in seconds
        let mut r = crate::test_support::Rng::new(0x5eed_da7e);
        for _ in 0..20_000 {
            let secs = match r.below(4) {
                0 => r.below(86_400 * 3) as i64,
                1 => LAST - r.below(86_400 * 3) as i64,
                _ => (r.next() % (LAST as u64 + 1)) as i64,
            };
            let ms = (secs * 1000) as f64;
            // The clock for the two-digit year: within 48 years of the date (either way), so
            // the date's year is in the window of the clock's year.
            let now = (secs + (r.below(96 * 1000) as i64 - 48_000) * YEAR / 1000).max(0);
            let now_ms = (now * 1000) as f64;
            let [imf, rfc850, asctime] = http_dates(secs);
            assert_eq!(date(&imf, now_ms), Some(ms), "{imf}");
            assert_eq!(date(&asctime, now_ms), Some(ms), "{asctime}");
            assert_eq!(date(&rfc850, now_ms), Some(ms), "{rfc850} at {now}");
            assert_eq!(
                parse_retry_after(&rfc850, now_ms),
                Some((ms - now_ms).max(0.0)),
                "{rfc850}"
            );
        }
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.next_f64();
            assert_eq!(x, b.next_f64());
            assert!((0.0..1.0).contains(&x));
        }
    }
}
