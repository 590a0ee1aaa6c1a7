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
        if let Some(ra) = retry_after.filter(|ra| !ra.is_nan()) {
            return Some(ra.clamp(0.0, self.max_retry_after_ms));
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

/// Parses a `Retry-After` value: delta-seconds (`"120"`) or an HTTP-date
/// (`"Sun, 06 Nov 1994 08:49:37 GMT"`). Returns milliseconds from `now_ms` (never negative).
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs: f64 = v.parse().ok()?;
        return Some(secs * 1000.0);
    }
    let at = parse_http_date(v)?;
    Some((at - now_ms).max(0.0))
}

/// Parses an IMF-fixdate (RFC 9110 preferred form) into ms since the Unix epoch.
pub fn parse_http_date(s: &str) -> Option<f64> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = s.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u32 = hms.next()?.parse().ok()?;
    let m: u32 = hms.next()?.parse().ok()?;
    let sec: u32 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || hms.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 || !(1970..=9999).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + i64::from(h * 3600 + m * 60 + sec)) * 1000) as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
        let now = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
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
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(
            parse_http_date("Mon, 23 Nov 2026 05:00:00 GMT"),
            Some(1_795_410_000_000.0)
        );
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
