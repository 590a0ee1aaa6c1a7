//! One queue per API key: the order in which requests may go, and when.
//!
//! DigiCert's rate limits are per key, and its best-practices page asks clients to "send
//! requests sequentially (one at a time), and always wait for a response code before sending
//! the next request in the queue". So every request of a client (every call, iterator and
//! retry), and of every client holding the same key, waits its turn here:
//!
//! - **FIFO**: requests start in the order they were queued; a retry goes back to the front
//!   (it was queued first);
//! - **`max_concurrency`** requests in flight at once (default 1);
//! - the **rolling windows** of [`RateLimiter`] (DigiCert's published limits by default);
//! - **one cooldown after a 429**: every queued request waits it out, not only the one that got
//!   the 429 (`Retry-After`, or the retry policy's backoff when there is none);
//! - a request **cancelled** while it waits leaves the queue without being sent.
//!
//! Pure logic with the clock passed in, tested natively with a fake clock. The JS shell
//! (`src/js/transport.rs`) drives it: [`Scheduler::enqueue`] a ticket, call
//! [`Scheduler::poll`] whenever something changed (and again after the wait it returns), start
//! the tickets it hands out, and [`Scheduler::finish`] each one when its response arrived.

use crate::ratelimit::{Limit, RateLimiter};
use std::collections::VecDeque;

/// A queued request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(pub u64);

/// How a started request ended, for the queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Finish {
    /// A response other than 429 arrived, or the attempt failed.
    Done,
    /// A 429: the whole queue pauses for `wait_ms`.
    RateLimited {
        /// The cooldown, from `Retry-After` or the backoff.
        wait_ms: f64,
    },
}

/// What [`Scheduler::poll`] decided.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Poll {
    /// Tickets that may start now, in queue order.
    pub start: Vec<Ticket>,
    /// Requests still wait and nothing in flight will wake the queue: poll again after this
    /// many ms.
    pub wake_in_ms: Option<f64>,
}

/// The queue of one API key.
#[derive(Debug)]
pub struct Scheduler {
    max_concurrency: usize,
    limiter: RateLimiter,
    queue: VecDeque<Ticket>,
    in_flight: Vec<Ticket>,
    /// No request starts before this time (after a 429).
    cooldown_until: f64,
    next: u64,
}

impl Scheduler {
    /// A queue letting `max_concurrency` (at least 1) requests in flight within `limits`.
    pub fn new(max_concurrency: usize, limits: Vec<Limit>) -> Self {
        Scheduler {
            max_concurrency: max_concurrency.max(1),
            limiter: RateLimiter::new(limits),
            queue: VecDeque::new(),
            in_flight: Vec::new(),
            cooldown_until: f64::NEG_INFINITY,
            next: 0,
        }
    }

    /// Lowers the concurrency to `n` if it is higher (a second client with the same key asked
    /// for less).
    pub fn tighten(&mut self, n: usize) {
        self.max_concurrency = self.max_concurrency.min(n.max(1));
    }

    /// Queues a new request at the back.
    pub fn enqueue(&mut self) -> Ticket {
        let t = Ticket(self.next);
        self.next = self.next.wrapping_add(1);
        self.queue.push_back(t);
        t
    }

    /// Queues a retry at the front: it was queued before everything behind it.
    pub fn enqueue_retry(&mut self) -> Ticket {
        let t = Ticket(self.next);
        self.next = self.next.wrapping_add(1);
        self.queue.push_front(t);
        t
    }

    /// Takes a waiting request out of the queue (its caller gave up). Returns whether it was
    /// waiting; a started one must be [`Scheduler::finish`]ed instead.
    pub fn cancel(&mut self, t: Ticket) -> bool {
        match self.queue.iter().position(|&q| q == t) {
            Some(i) => {
                self.queue.remove(i);
                true
            }
            None => false,
        }
    }

    /// Hands out the requests that may start at `now_ms`, front first; the ones behind a
    /// request that must wait wait too (FIFO).
    pub fn poll(&mut self, now_ms: f64) -> Poll {
        let mut out = Poll::default();
        while !self.queue.is_empty() && self.in_flight.len() < self.max_concurrency {
            if now_ms < self.cooldown_until {
                out.wake_in_ms = Some(self.cooldown_until - now_ms);
                return out;
            }
            if let Some(wait) = self.limiter.try_acquire(now_ms) {
                // With requests in flight, their ends wake the queue; the limiter's wait is
                // still the earliest a request could go, so say it either way.
                out.wake_in_ms = Some(wait);
                return out;
            }
            if let Some(t) = self.queue.pop_front() {
                self.in_flight.push(t);
                out.start.push(t);
            }
        }
        out
    }

    /// A started request ended at `now_ms`. Unknown tickets are ignored.
    pub fn finish(&mut self, t: Ticket, now_ms: f64, how: Finish) {
        let Some(i) = self.in_flight.iter().position(|&f| f == t) else {
            return;
        };
        self.in_flight.swap_remove(i);
        self.limiter.release(now_ms);
        if let Finish::RateLimited { wait_ms } = how {
            let wait = if wait_ms.is_finite() {
                wait_ms.max(0.0)
            } else {
                0.0
            };
            self.cooldown_until = self.cooldown_until.max(now_ms + wait);
        }
    }

    /// Requests waiting to start.
    #[cfg(test)]
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Requests started and not finished.
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// When the current 429 cooldown ends (ms on the caller's clock), if one is running at
    /// `now_ms`.
    pub fn cooldown_ends(&self, now_ms: f64) -> Option<f64> {
        (self.cooldown_until > now_ms).then_some(self.cooldown_until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digicert() -> Vec<Limit> {
        crate::ratelimit::DIGICERT_LIMITS.to_vec()
    }

    #[test]
    fn one_at_a_time_in_fifo_order() {
        let mut s = Scheduler::new(1, digicert());
        let (a, b, c) = (s.enqueue(), s.enqueue(), s.enqueue());
        assert_eq!(s.poll(0.0).start, vec![a]);
        assert_eq!(s.poll(1.0).start, vec![], "nothing while one is in flight");
        s.finish(a, 10.0, Finish::Done);
        assert_eq!(s.poll(10.0).start, vec![b]);
        s.finish(b, 20.0, Finish::Done);
        assert_eq!(s.poll(20.0).start, vec![c]);
    }

    #[test]
    fn max_concurrency_three() {
        let mut s = Scheduler::new(3, digicert());
        let t: Vec<_> = (0..5).map(|_| s.enqueue()).collect();
        assert_eq!(s.poll(0.0).start, t[..3].to_vec());
        s.finish(t[1], 5.0, Finish::Done);
        assert_eq!(s.poll(5.0).start, vec![t[3]]);
        assert_eq!(s.in_flight(), 3);
    }

    #[test]
    fn a_429_pauses_every_queued_request() {
        let mut s = Scheduler::new(2, digicert());
        let (a, b) = (s.enqueue(), s.enqueue());
        assert_eq!(s.poll(0.0).start, vec![a, b]);
        let c = s.enqueue();
        s.finish(a, 100.0, Finish::RateLimited { wait_ms: 1000.0 });
        let p = s.poll(100.0);
        assert_eq!(
            p.start,
            vec![],
            "c waits the cooldown though a slot is free"
        );
        assert_eq!(p.wake_in_ms, Some(1000.0));
        let retry = s.enqueue_retry();
        s.finish(b, 500.0, Finish::Done);
        assert_eq!(s.poll(1099.0).start, vec![]);
        assert_eq!(
            s.poll(1100.0).start,
            vec![retry, c],
            "the retry goes first, then c"
        );
    }

    #[test]
    fn a_later_shorter_429_does_not_shorten_the_cooldown() {
        let mut s = Scheduler::new(2, vec![]);
        let (a, b) = (s.enqueue(), s.enqueue());
        s.poll(0.0);
        s.finish(a, 0.0, Finish::RateLimited { wait_ms: 5000.0 });
        s.finish(b, 10.0, Finish::RateLimited { wait_ms: 1.0 });
        s.enqueue();
        assert_eq!(s.poll(20.0).wake_in_ms, Some(4980.0));
        assert_eq!(s.cooldown_ends(20.0), Some(5000.0));
        let c = s.poll(5000.0).start;
        assert_eq!(c.len(), 1);
        // A nonsense wait is no wait at all, never a NaN poisoning the queue.
        s.finish(c[0], 6000.0, Finish::RateLimited { wait_ms: f64::NAN });
        s.enqueue();
        assert_eq!(s.poll(6000.0).start.len(), 1);
    }

    #[test]
    fn a_cancelled_request_is_never_started() {
        let mut s = Scheduler::new(1, digicert());
        let (a, b, c) = (s.enqueue(), s.enqueue(), s.enqueue());
        s.poll(0.0);
        assert!(s.cancel(b));
        assert!(!s.cancel(a), "a started request is finished, not cancelled");
        s.finish(a, 1.0, Finish::Done);
        assert_eq!(s.poll(1.0).start, vec![c]);
        assert_eq!(s.queued(), 0);
    }

    #[test]
    fn the_rate_windows_hold_with_a_fake_clock() {
        // 3 per 1000 ms, one at a time, each taking 10 ms: the 4th starts 1000 ms after the
        // 1st ended.
        let mut s = Scheduler::new(
            1,
            vec![Limit {
                max: 3,
                window_ms: 1000.0,
            }],
        );
        let t: Vec<_> = (0..4).map(|_| s.enqueue()).collect();
        let mut now = 0.0;
        let mut started = Vec::new();
        for _ in 0..10 {
            let p = s.poll(now);
            for &x in &p.start {
                started.push((x, now));
                s.finish(x, now + 10.0, Finish::Done);
            }
            now += p.wake_in_ms.unwrap_or(10.0);
        }
        assert_eq!(started.len(), 4);
        assert_eq!(started[3].0, t[3]);
        assert!(started[3].1 >= 1010.0, "{started:?}");
    }

    /// For random interleavings of enqueue, cancel, finish (some 429s) and time: never more
    /// than `max_concurrency` in flight, tickets start in queue order, nothing starts during a
    /// cooldown, and every ticket that is not cancelled eventually starts.
    #[test]
    fn property_queue_rules_hold_for_random_schedules() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n.max(1)
        };
        for _ in 0..300 {
            let max = 1 + rnd(3) as usize;
            let mut s = Scheduler::new(
                max,
                vec![Limit {
                    max: 1 + rnd(5) as u32,
                    window_ms: 1.0 + rnd(200) as f64,
                }],
            );
            let mut now = 0.0;
            let mut order: Vec<Ticket> = Vec::new(); // queue order of live tickets
            let mut running: Vec<Ticket> = Vec::new();
            let mut cancelled = 0usize;
            let mut started = 0usize;
            let mut queued = 0usize;
            for step in 0..400 {
                match rnd(6) {
                    0 | 1 if step < 300 => {
                        order.push(s.enqueue());
                        queued += 1;
                    }
                    2 if !order.is_empty() => {
                        let i = rnd(order.len() as u64) as usize;
                        if s.cancel(order[i]) {
                            order.remove(i);
                            cancelled += 1;
                        }
                    }
                    3 if !running.is_empty() => {
                        let i = rnd(running.len() as u64) as usize;
                        let t = running.swap_remove(i);
                        let how = if rnd(8) == 0 {
                            Finish::RateLimited {
                                wait_ms: rnd(300) as f64,
                            }
                        } else {
                            Finish::Done
                        };
                        s.finish(t, now, how);
                    }
                    _ => now += rnd(50) as f64,
                }
                let cool = s.cooldown_ends(now).is_some();
                let p = s.poll(now);
                assert!(!cool || p.start.is_empty(), "started during a cooldown");
                for t in p.start {
                    assert_eq!(order.first(), Some(&t), "FIFO");
                    order.remove(0);
                    running.push(t);
                    started += 1;
                }
                assert!(s.in_flight() <= max);
            }
            // Drain: finish everything, let time pass; every live ticket starts.
            for _ in 0..100_000 {
                for t in running.drain(..) {
                    s.finish(t, now, Finish::Done);
                }
                let p = s.poll(now);
                for t in p.start {
                    assert_eq!(order.first(), Some(&t), "FIFO");
                    order.remove(0);
                    running.push(t);
                    started += 1;
                }
                if order.is_empty() {
                    break;
                }
                now += p.wake_in_ms.unwrap_or(1.0);
            }
            assert_eq!(
                started + cancelled,
                queued,
                "every ticket started or cancelled"
            );
        }
    }
}
