//! A client-side limiter over rolling windows (DigiCert: 100 per 5 s and 1000 per 5 min).
//!
//! Pure logic with the clock passed in. The JS shell asks [`RateLimiter::try_acquire`]
//! before every attempt and sleeps for the wait it returns; JS is single-threaded, so
//! concurrent calls and iterators of one client share one limiter without locks.

use std::collections::VecDeque;

/// At most `max` requests in any `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limit {
    /// Requests allowed per window.
    pub max: u32,
    /// Window length in ms.
    pub window_ms: f64,
}

/// Rolling-window limiter: remembers the send times it needs, no more.
#[derive(Clone, Debug, Default)]
pub struct RateLimiter {
    limits: Vec<Limit>,
    sent: VecDeque<f64>,
    keep: usize,
}

impl RateLimiter {
    /// A limiter enforcing every limit in `limits` (empty: no limit).
    pub fn new(limits: Vec<Limit>) -> Self {
        let keep = limits.iter().map(|l| l.max as usize).max().unwrap_or(0);
        RateLimiter {
            limits,
            sent: VecDeque::with_capacity(keep.min(4096)),
            keep,
        }
    }

    /// Records a send at `now_ms` and returns `None`, or returns how long to wait first.
    pub fn try_acquire(&mut self, now_ms: f64) -> Option<f64> {
        let mut wait: f64 = 0.0;
        for l in &self.limits {
            let max = l.max as usize;
            if max == 0 {
                continue;
            }
            // The `max`-th most recent send must be older than the window.
            if self.sent.len() >= max {
                if let Some(&t) = self.sent.get(self.sent.len() - max) {
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
        if self.keep > 0 {
            self.sent.push_back(now_ms);
            while self.sent.len() > self.keep {
                self.sent.pop_front();
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digicert() -> RateLimiter {
        RateLimiter::new(vec![
            Limit {
                max: 100,
                window_ms: 5_000.0,
            },
            Limit {
                max: 1000,
                window_ms: 300_000.0,
            },
        ])
    }

    /// Drives the limiter with a fake clock; returns the send times.
    fn run(l: &mut RateLimiter, n: usize) -> Vec<f64> {
        let mut now = 0.0;
        let mut sent = Vec::new();
        while sent.len() < n {
            match l.try_acquire(now) {
                None => sent.push(now),
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
    fn off_means_never_wait() {
        let mut l = RateLimiter::new(vec![]);
        assert!((0..10_000).all(|_| l.try_acquire(0.0).is_none()));
    }
}
