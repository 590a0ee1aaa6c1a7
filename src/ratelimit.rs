//! A client-side limiter over rolling windows (DigiCert: 100 per 5 s and 1000 per 5 min).
//!
//! Pure logic with the clock passed in. The JS shell asks [`RateLimiter::try_acquire`]
//! before every attempt and sleeps for the wait it returns; JS is single-threaded, so
//! concurrent calls and iterators of one client share one limiter without locks.
//!
//! A request holds its slot while it is in flight and its window starts when it ends
//! ([`RateLimiter::release`]), not when it was sent: the server counts a request when it
//! *arrives*, which is some time after the send, so windows measured from the send let a
//! burst that arrived late overlap the next one and draw 429s even with identical limits.
//! The end of a request is never earlier than its arrival, so windows measured from there
//! are never shorter than the server's.

use std::collections::VecDeque;

/// At most `max` requests in any `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limit {
    /// Requests allowed per window.
    pub max: u32,
    /// Window length in ms.
    pub window_ms: f64,
}

/// Rolling-window limiter: counts requests in flight, and remembers the end times it needs,
/// no more.
#[derive(Clone, Debug, Default)]
pub struct RateLimiter {
    limits: Vec<Limit>,
    /// End times of finished requests, ascending.
    sent: VecDeque<f64>,
    keep: usize,
    in_flight: usize,
}

impl RateLimiter {
    /// A limiter enforcing every limit in `limits` (empty: no limit).
    pub fn new(limits: Vec<Limit>) -> Self {
        let keep = limits.iter().map(|l| l.max as usize).max().unwrap_or(0);
        RateLimiter {
            limits,
            sent: VecDeque::with_capacity(keep.min(4096)),
            keep,
            in_flight: 0,
        }
    }

    /// Takes a slot at `now_ms` and returns `None` (call [`RateLimiter::release`] when the
    /// request ends), or returns how long to wait before asking again.
    pub fn try_acquire(&mut self, now_ms: f64) -> Option<f64> {
        if self.keep == 0 {
            return None;
        }
        let mut wait: f64 = 0.0;
        for l in &self.limits {
            let max = l.max as usize;
            if max == 0 {
                continue;
            }
            if self.in_flight >= max {
                // Each request in flight ends at `now` or later and then counts for a whole
                // window: nothing can go before `now + window`.
                wait = wait.max(l.window_ms);
                continue;
            }
            // With `in_flight` slots taken, the `(max - in_flight)`-th most recent end must be
            // older than the window.
            let need = max - self.in_flight;
            if self.sent.len() >= need {
                if let Some(&t) = self.sent.get(self.sent.len() - need) {
                    let free_at = t + l.window_ms;
                    if free_at > now_ms {
                        wait = wait.max(free_at - now_ms);
                    }
                }
            }
        }
        if wait > 0.0 {
            return Some(wait);
        }
        self.in_flight += 1;
        None
    }

    /// Ends a request that [`RateLimiter::try_acquire`] let through: its window starts now.
    pub fn release(&mut self, now_ms: f64) {
        if self.keep == 0 || self.in_flight == 0 {
            return;
        }
        self.in_flight -= 1;
        // Keep the times ascending even if the clock steps back.
        let t = self.sent.back().map_or(now_ms, |&last| now_ms.max(last));
        self.sent.push_back(t);
        while self.sent.len() > self.keep {
            self.sent.pop_front();
        }
    }

    /// Requests let through and not yet released.
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

/// DigiCert's published limits per API key: 100 requests per 5 s and 1,000 per 5 min (the
/// client's and the proxy's default `rateLimit`).
pub const DIGICERT_LIMITS: [Limit; 2] = [
    Limit {
        max: 100,
        window_ms: 5_000.0,
    },
    Limit {
        max: 1000,
        window_ms: 300_000.0,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn digicert() -> RateLimiter {
        RateLimiter::new(DIGICERT_LIMITS.to_vec())
    }

    /// Drives the limiter with a fake clock; returns the send times.
    fn run(l: &mut RateLimiter, n: usize) -> Vec<f64> {
        let mut now = 0.0;
        let mut sent = Vec::new();
        while sent.len() < n {
            match l.try_acquire(now) {
                None => {
                    l.release(now);
                    sent.push(now)
                }
                Some(w) => now += w,
            }
        }
        sent
    }

    fn max_in_window(sent: &[f64], window: f64) -> usize {
        sent.iter()
            .map(|&t| sent.iter().filter(|&&u| u >= t && u < t + window).count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn never_exceeds_any_window() {
        let sent = run(&mut digicert(), 2500);
        assert!(max_in_window(&sent, 5_000.0) <= 100);
        assert!(max_in_window(&sent, 300_000.0) <= 1000);
        // 2500 sends need two full 5-minute windows to pass first.
        assert!(sent[2499] >= 600_000.0, "{}", sent[2499]);
        // ...and no more: the limiter is not slower than it must be.
        assert_eq!(sent[999], 45_000.0);
        assert_eq!(sent[1000], 300_000.0);
    }

    #[test]
    fn bursts_of_the_small_window_go_at_once() {
        let sent = run(&mut digicert(), 200);
        assert!(sent[..100].iter().all(|&t| t == 0.0));
        assert!(sent[100..].iter().all(|&t| t == 5_000.0));
    }

    #[test]
    fn windows_start_when_requests_end() {
        let mut l = RateLimiter::new(vec![Limit {
            max: 2,
            window_ms: 500.0,
        }]);
        assert_eq!(l.try_acquire(0.0), None);
        assert_eq!(l.try_acquire(0.0), None);
        // Both in flight: nothing before a whole window from now.
        assert_eq!(l.try_acquire(10.0), Some(500.0));
        // One ends at 40 (it may have reached the server only then).
        l.release(40.0);
        // One slot in flight, the other free at 40 + 500.
        assert_eq!(l.try_acquire(100.0), Some(440.0));
        l.release(60.0);
        assert_eq!(l.try_acquire(100.0), Some(440.0));
        assert_eq!(l.try_acquire(540.0), None);
        assert_eq!(l.try_acquire(540.0), Some(20.0));
        assert_eq!(l.in_flight(), 1);
        // A clock that steps back keeps the window times ordered.
        l.release(30.0);
        assert_eq!(l.try_acquire(560.0), None);
    }

    #[test]
    fn release_without_acquire_is_ignored() {
        let mut l = digicert();
        l.release(0.0);
        assert_eq!(l.in_flight(), 0);
        assert_eq!(run(&mut l, 100).last(), Some(&0.0));
    }

    #[test]
    fn off_means_never_wait() {
        let mut l = RateLimiter::new(vec![]);
        assert!((0..10_000).all(|_| l.try_acquire(0.0).is_none()));
    }
}
