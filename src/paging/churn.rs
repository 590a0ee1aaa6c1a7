//! The paginator against a list that changes between page requests: orders inserted, deleted
//! and re-sorted (a few per request, at the front, anywhere or at the end), under the API's
//! default order (newest first), `sort: "id"`, and a sort on a key with ties and `id` added
//! (as `ListQuery::unique_sort` does). Thousands of seeded runs; each checks the property of
//! the module docs, and the cost (records and requests beyond a static list's) is printed:
//! `cargo test --lib churn -- --nocapture`.

use super::*;
use crate::test_support::Rng;
use std::collections::{BTreeMap, HashSet};

/// The sort of the simulated list.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Order {
    /// The default: newest (largest id) first. New orders land at the front.
    Newest,
    /// `sort: "id"`. New orders land at the end.
    IdAsc,
    /// A sort key with many ties, then `id`; keys change (orders move).
    Keyed,
}

/// Where changes land.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Where {
    Front,
    Anywhere,
    End,
}

/// A live list: `(sort key, id)`, kept sorted.
struct Live {
    order: Order,
    rows: Vec<(i64, i64)>,
    /// Every id ever used (ids are never reused).
    used: HashSet<i64>,
    /// Ids whose sort key changed at some time.
    moved: HashSet<i64>,
    top: i64,
}

impl Live {
    fn new(order: Order, n: usize, rng: &mut Rng) -> Self {
        let mut l = Live {
            order,
            rows: vec![],
            used: HashSet::new(),
            moved: HashSet::new(),
            top: 0,
        };
        for k in 1..=n as i64 {
            let id = 1000 * k;
            l.rows.push((l.key(id, rng), id));
            l.used.insert(id);
        }
        l.rows.sort_unstable();
        l.top = 1000 * (n as i64 + 1);
        l
    }

    fn key(&self, id: i64, rng: &mut Rng) -> i64 {
        match self.order {
            Order::Newest => -id,
            Order::IdAsc => id,
            Order::Keyed => rng.below(1 + self.rows.len() / 3) as i64,
        }
    }

    fn add(&mut self, id: i64, rng: &mut Rng) {
        let row = (self.key(id, rng), id);
        let at = self.rows.partition_point(|r| *r < row);
        self.rows.insert(at, row);
        self.used.insert(id);
    }

    /// A fresh id that sorts at `w` (for the id orders; any fresh id for `Keyed`).
    fn fresh(&mut self, w: Where, rng: &mut Rng) -> Option<i64> {
        // The id orders are sorted by id: the smallest and largest are at the ends.
        let ends = (self.rows.first(), self.rows.last());
        let (a, b) = (ends.0.map_or(1000, |r| r.1), ends.1.map_or(1000, |r| r.1));
        let (lo, hi) = (a.min(b), a.max(b));
        let id = match (self.order, w) {
            (Order::Keyed, _) | (Order::Newest, Where::Front) | (Order::IdAsc, Where::End) => {
                self.top += 1000;
                self.top - 1000
            }
            // An old order that enters the result set (say its status changed).
            (_, Where::Anywhere) => lo + rng.below((hi - lo).max(1) as usize) as i64,
            // An order older than all listed.
            _ => lo - 1 - rng.below(999) as i64,
        };
        (id > 0 && !self.used.contains(&id)).then_some(id)
    }

    /// A position where a change at `w` lands.
    fn position(&self, w: Where, rng: &mut Rng) -> usize {
        let n = self.rows.len();
        let near = rng.below(n.clamp(1, 5));
        match w {
            Where::Front => near,
            Where::Anywhere => rng.below(n),
            Where::End => n.saturating_sub(1 + near),
        }
    }

    fn change(&mut self, w: Where, moves: bool, rng: &mut Rng) {
        let kind = rng.below(if moves { 3 } else { 2 });
        if kind == 0 || self.rows.is_empty() {
            if let Some(id) = self.fresh(w, rng) {
                self.add(id, rng);
            }
        } else {
            let at = self.position(w, rng);
            let (_, id) = self.rows.remove(at);
            if kind == 2 {
                // Re-sorted: a new key, the same order.
                self.moved.insert(id);
                self.add(id, rng);
            }
        }
    }

    fn serve(&self, r: PageRequest, default_limit: usize) -> (Page, Vec<i64>) {
        let size = r.limit.map_or(default_limit, |l| l as usize);
        let from = (r.offset as usize).min(self.rows.len());
        let to = (from + size).min(self.rows.len());
        let ids: Vec<i64> = self.rows[from..to].iter().map(|r| r.1).collect();
        let page = Page {
            total: self.rows.len() as i64,
            limit: r.limit.unwrap_or(0),
            offset: r.offset,
        };
        (page, ids)
    }
}

/// One run's setting.
#[derive(Clone, Copy, Debug)]
struct Setting {
    order: Order,
    at: Where,
    /// Orders in the list at first.
    len: usize,
    /// `limit` sent (`None`: the server's default, `default_limit`).
    limit: Option<i64>,
    default_limit: usize,
    /// Most changes between two requests (each request draws 0..=rate).
    rate: usize,
    /// Collect up to this many (`None`: iterate).
    max: Option<u64>,
}

/// What one run did.
#[derive(Debug, Default)]
struct Outcome {
    delivered: Vec<i64>,
    requests: usize,
    fetched: usize,
    error: Option<Error>,
    /// Orders there from the first request to the last whose key never changed.
    kept: Vec<i64>,
    /// Re-sorted orders there at the first request and the last.
    moved: Vec<i64>,
}

fn run(s: Setting, seed: u64) -> Outcome {
    let mut rng = Rng::new(seed);
    let mut live = Live::new(s.order, s.len, &mut rng);
    let mut p = Paginator::new(0, s.limit, s.max);
    let mut out = Outcome::default();
    // The list as the first request saw it.
    let first: Vec<i64> = live.rows.iter().map(|r| r.1).collect();
    let mut pending: Option<(i64, Page, Vec<i64>)> = None;
    let serve = |r: PageRequest, live: &mut Live, rng: &mut Rng, out: &mut Outcome| {
        // The list changes between two requests.
        if out.requests > 0 {
            for _ in 0..rng.below(s.rate + 1) {
                live.change(s.at, s.order == Order::Keyed, rng);
            }
        }
        let (page, ids) = live.serve(r, s.default_limit);
        out.requests += 1;
        out.fetched += ids.len();
        (r.offset, page, ids)
    };
    for _ in 0..100_000 {
        let asked = match p.next_action() {
            Action::Fetch(r) => {
                assert!(pending.is_none(), "two requests at once");
                pending = Some(serve(r, &mut live, &mut rng, &mut out));
                continue;
            }
            Action::Await(offset) => offset,
            Action::Done => break,
        };
        let (offset, page, ids) = pending.take().expect("awaits the request it started");
        assert_eq!(offset, asked);
        let arrival = Arrival {
            page,
            keys: ids.iter().map(|&id| id as u64).collect(),
            fingerprint: fingerprint(&format!("{ids:?}")),
        };
        let verdict = p.arrived(asked, Ok(arrival));
        if let Some(r) = p.ahead() {
            pending = Some(serve(r, &mut live, &mut rng, &mut out));
        }
        match verdict {
            Verdict::Deliver(which) => {
                assert!(which.windows(2).all(|w| w[0] < w[1]));
                out.delivered.extend(which.iter().map(|&i| ids[i]));
            }
            Verdict::Done => break,
            Verdict::Fail(e) => {
                out.error = Some(e);
                break;
            }
        }
    }
    assert!(p.is_finished(), "{s:?} seed {seed}: the paging never ended");
    // No change after the last request: the list now is the one it saw.
    let last: HashSet<i64> = live.rows.iter().map(|r| r.1).collect();
    for id in first {
        if last.contains(&id) {
            if live.moved.contains(&id) {
                out.moved.push(id);
            } else {
                out.kept.push(id);
            }
        }
    }
    out
}

/// Checks the property on one run: nothing twice; the paging ended; every kept order exactly
/// once (for a collection that stopped at `max`, nothing more than `max`).
fn check(s: Setting, seed: u64, o: &Outcome) {
    let mut seen = HashSet::new();
    for id in &o.delivered {
        assert!(seen.insert(*id), "{s:?} seed {seed}: order {id} twice");
    }
    assert_eq!(o.error, None, "{s:?} seed {seed}");
    if let Some(max) = s.max {
        assert!(o.delivered.len() as u64 <= max, "{s:?} seed {seed}");
        if o.delivered.len() as u64 == max {
            return;
        }
    }
    for id in &o.kept {
        assert!(
            seen.contains(id),
            "{s:?} seed {seed}: kept order {id} never handed out"
        );
    }
}

fn setting(rng: &mut Rng) -> Setting {
    let order = rng.pick(&[Order::Newest, Order::IdAsc, Order::Keyed]);
    let limit = if rng.chance(80) {
        Some(1 + rng.below(40) as i64)
    } else {
        None
    };
    let default_limit = 2 + rng.below(30);
    let n = limit.map_or(default_limit, |l| l.max(2) as usize);
    // Up to a quarter of a page per request; with re-sorted orders, at most the first overlap
    // (the precondition for orders that do not move: see the module docs).
    let most = if order == Order::Keyed {
        (n / 32).max(1)
    } else {
        (n / 4).max(1)
    };
    Setting {
        order,
        at: rng.pick(&[Where::Front, Where::Anywhere, Where::End]),
        len: rng.below(300),
        limit,
        default_limit,
        rate: rng.below(1 + most),
        max: if rng.chance(20) {
            Some(rng.below(300) as u64)
        } else {
            None
        },
    }
}

#[test]
fn property_every_kept_order_exactly_once_under_churn() {
    let mut rng = Rng::new(0xc4a2_0013);
    for _ in 0..3000 {
        let s = setting(&mut rng);
        let seed = rng.next();
        let o = run(s, seed);
        check(s, seed, &o);
    }
}

/// More changes per request than the overlap (half a page to a page and a half): never twice,
/// and the paging ends (read, or a `decode` error when the list changes faster than it can be
/// paged); when no order is re-sorted, every kept order exactly once.
#[test]
fn property_heavy_churn_never_twice_and_ends() {
    let mut rng = Rng::new(0x4ea7_c4a2);
    let mut gave_up = 0;
    for _ in 0..1000 {
        let mut s = setting(&mut rng);
        let n = s.limit.map_or(s.default_limit, |l| l.max(2) as usize);
        s.rate = n / 2 + rng.below(n);
        let seed = rng.next();
        let o = run(s, seed);
        let mut seen = HashSet::new();
        assert!(
            o.delivered.iter().all(|id| seen.insert(*id)),
            "{s:?} {seed}"
        );
        match &o.error {
            Some(e) => {
                gave_up += 1;
                assert_eq!(e.kind, crate::ErrorKind::Decode);
                assert!(
                    e.message.contains("changes faster than it can be paged"),
                    "{e:?}"
                );
            }
            // No order re-sorted: every kept order exactly once, however fast the churn.
            None if s.order != Order::Keyed => check(s, seed, &o),
            None => {}
        }
    }
    println!("heavy churn: {gave_up} of 1000 runs stopped with the decode error");
    assert!(gave_up < 500, "most runs read the list to its end");
}

/// The cost of the overlap and the steps back: records and requests beyond what a static list
/// of the same length takes (`ceil(len / n)` requests, `len` records), by page size and change
/// rate. Printed with `cargo test --lib churn_cost -- --nocapture`.
#[test]
fn churn_cost_report() {
    let mut table = BTreeMap::new();
    for n in [10i64, 100, 1000] {
        for rate in [0usize, 1, 3, 10] {
            for order in [Order::Newest, Order::IdAsc, Order::Keyed] {
                for at in [Where::Front, Where::Anywhere, Where::End] {
                    for seed in 0..if n < 1000 { 3 } else { 1 } {
                        let len = 10 * n as usize;
                        let s = Setting {
                            order,
                            at,
                            len,
                            limit: Some(n),
                            default_limit: 0,
                            rate,
                            max: None,
                        };
                        let o = run(s, seed);
                        // Beyond the precondition (re-sorted orders, more changes than the
                        // overlap): never twice, and it ends; exactly once is not promised.
                        if rate <= (n as usize / 32).max(1) || order != Order::Keyed {
                            check(s, seed, &o);
                        }
                        let e: &mut (usize, usize, usize, usize) =
                            table.entry((n, rate)).or_default();
                        e.0 += o.fetched;
                        e.1 += len;
                        e.2 += o.requests;
                        e.3 += len.div_ceil(n as usize);
                    }
                }
            }
        }
    }
    println!(
        "page size | changes/request (0..=r) | records fetched vs static | requests vs static"
    );
    for ((n, rate), (fetched, len, requests, ideal)) in table {
        println!(
            "{n:>9} | {rate:>23} | {:>+23.1}% | {:>+17.1}%",
            100.0 * (fetched as f64 / len as f64 - 1.0),
            100.0 * (requests as f64 / ideal as f64 - 1.0)
        );
    }
}
