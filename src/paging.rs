//! Paging an offset-paged list that may change while it is read: [`Paginator`], a sans-IO
//! state machine behind `iterateSubaccountOrders` and `collectSubaccountOrders`.
//!
//! The machine decides which page to request next and, for each page that arrives, what to
//! do: hand out some of its records, stop because the list is read, or stop with an error. It
//! does no I/O and holds no records, only their keys (an order's `id`, [`OrdersPage::keys`]):
//! a driver (the wasm shell, or a test's fake page source) starts the request it names, feeds
//! the answer back, starts the next request at once ([`Paginator::ahead`]) and hands the
//! records on while that request runs. One request of a paging is in flight at a time.
//!
//! ```
//! use certcentral_wasm::api::Page;
//! use certcentral_wasm::paging::{Action, Arrival, Paginator, Verdict};
//!
//! // 25 orders (ids 1..=25), pages of 10: one order of overlap between pages.
//! let mut p = Paginator::new(0, Some(10), None);
//! let (mut requested, mut got) = (vec![], vec![]);
//! loop {
//!     let asked = match p.next_action() {
//!         Action::Fetch(r) => { requested.push(r.offset); continue; }
//!         Action::Await(offset) => offset,
//!         Action::Done => break,
//!     };
//!     let keys: Vec<u64> = (asked as u64 + 1..=25).take(10).collect();
//!     let page = Page { total: 25, limit: 10, offset: asked };
//!     let arrival = Arrival { page, fingerprint: keys[0], keys: keys.clone() };
//!     match p.arrived(asked, Ok(arrival)) {
//!         Verdict::Deliver(which) => got.extend(which.iter().map(|&i| keys[i])),
//!         Verdict::Done => break,
//!         Verdict::Fail(e) => panic!("{e:?}"),
//!     }
//!     // The next page is requested before the caller gets these records.
//!     if let Some(r) = p.ahead() { requested.push(r.offset); }
//! }
//! assert_eq!(got, (1..=25).collect::<Vec<u64>>());
//! assert_eq!(requested, vec![0, 9, 18]);
//! ```
//!
//! # The algorithm
//!
//! Pages overlap: after a page that ended at position `end`, the next one is requested at
//! `end - v`, `v` records of overlap: at first `max(1, n/32)` for pages of `n` (so 31 for the
//! API's 1,000), never more than `n/4`, nor more than half the last page's length, so
//! every step moves forward; a `limit` of 1 is sent as 2, so pages can overlap. The keys of
//! every order handed out are kept (a `HashSet` of `u64`, 8 bytes an order plus the table).
//! A page is **anchored** when its *first* record was handed out before, or when it is the
//! first page (at the query's offset), or when it follows a page of one record (the server's
//! choice; no overlap is possible, so there is nothing to check). Then:
//!
//! - an anchored page hands out every record of it not handed out before, in page order; if
//!   it reaches the page's own `total` (or is empty) the list is read, else the next page is
//!   at `end - v`;
//! - a page that is not anchored hands out nothing: orders before it were removed (or new
//!   ones came in just there) and it may have jumped over orders not yet read. The machine
//!   **steps back**: it requests the page `n - v` earlier, then twice as far each time in a
//!   row, never before the first page's offset (anchored by rule), and doubles `v`;
//! - when an anchored page's first record is one the page before held, nearer the front by
//!   `d` positions (orders removed before it), `v` grows to `2d + 1`.
//!
//! Why the first record: an order created just before the anchor is never mistaken for one
//! already read that was jumped over, and a re-sorted order fools the check only by landing
//! exactly on the page's first position.
//!
//! # What holds
//!
//! Say an order is *kept* when it is in the result set from the first request to the last and
//! its sort key never changes. Orders whose keys do not change keep their order relative to
//! each other.
//!
//! - **Never twice** (every order, always): a record is handed out only if its key is not in
//!   the set of keys handed out, and its key goes in when it is.
//! - **Every kept order exactly once** (paging from offset 0), whenever no order is re-sorted,
//!   however fast orders are created and deleted, as long as the paging ends without the
//!   error below (and the server does not answer with pages of one record, which cannot be
//!   checked). Invariant: every kept order
//!   not yet handed out sorts after every order handed out whose key never changed. An
//!   anchored page is a contiguous slice of the list at its time; its first record `a` was
//!   handed out and (no re-sorting) its key is unchanged, so a kept order `x` not yet handed
//!   out sorts after `a`: `x` is in the page (handed out now) or after it, and the invariant
//!   holds again. A page that is not anchored changes nothing. Only an anchored page reaching
//!   its `total` ends the paging, so `x` is handed out at the latest by the last page.
//! - **With re-sorted orders**, every kept order exactly once when at most `v` orders are
//!   removed or re-sorted between two requests: a kept order not yet read sits at or after the
//!   last page's `end`; it can only come before the next page's start (`end - v`) if more
//!   than `v` orders before it were removed in between. Beyond that, a gap is still seen
//!   (step back) unless a re-sorted order lands exactly on the first position of the next
//!   page. A re-sorted order itself is handed out at most once, possibly not at all (it may
//!   move from the unread part into the part already read, which no client sees without
//!   reading again). The default order (newest first) and `sort: "id"` have keys that never
//!   change. For a sort that is not unique, `iterate` and `collect` add `id` as the last key
//!   ([`ListQuery::unique_sort`]), so orders with equal keys do not swap places between
//!   requests.
//! - **The paging ends**, always: it stops with a `decode` error ("the list changes faster
//!   than it can be paged") after [`STALL_LIMIT`] requests in a row that do not end further
//!   on than every anchored page before (the reading position does not move: steps back, or
//!   new orders at the front as fast as pages are read), or once it has received more than
//!   `8 * total + 64 * n` records (`total` the first page's: a list that grows at its end
//!   faster than it is read). On a list that does not change it takes
//!   `1 + ceil((N - n) / (n - v))` requests for `N` orders. Under churn the error needs a
//!   list that changes faster than it is read: with fewer than `n - 2v` orders created or
//!   removed between two requests, each anchored page ends further on than the one before, and
//!   a step back is followed by pages that pass the old position in a few requests.
//!
//! What stays an error (`decode`, ending the paging): a page at another offset than asked; an
//! empty page short of its own `total`; the same records, at an offset at least 4 further and
//! with the same total, twice in a row (a server that ignores `offset`; an honest list does
//! that only if at least 4 orders are created before the page and as many removed after it,
//! twice). A `total` that changes between pages is not an error.
//!
//! The tests (`paging/churn.rs`) check these on thousands of seeded runs against a list that
//! changes between requests, and print what the overlap costs.

use crate::api::{check_offset, Page};
use crate::error::{Error, Result};
use crate::query::ListQuery;
use crate::transcode::OrdersPage;
use std::collections::HashSet;

pub use crate::text::fingerprint;

/// Requests in a row that do not read further than before, after which the paging gives up
/// ([`Paginator`]).
pub const STALL_LIMIT: u32 = 64;

/// A page to request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Index of the page's first record.
    pub offset: i64,
    /// Page size to send; `None` sends none (the server's default).
    pub limit: Option<i64>,
}

impl PageRequest {
    /// `query` asking for this page.
    pub fn query(&self, query: &ListQuery) -> ListQuery {
        query.at_page(self.offset, self.limit)
    }
}

/// What the driver does next ([`Paginator::next_action`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start this request, then ask again.
    Fetch(PageRequest),
    /// Wait for the answer to the request in flight, the one at this offset, and feed it to
    /// [`Paginator::arrived`].
    Await(i64),
    /// Nothing more to hand out: the list is read, `max` is reached, or the paginator failed
    /// or was closed.
    Done,
}

/// What paging needs to know of a page that arrived.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    /// The page as the response said (made from the request when the API sent none).
    pub page: Page,
    /// Its records' keys, in order ([`OrdersPage::keys`]).
    pub keys: Vec<u64>,
    /// A [`fingerprint`] of its records.
    pub fingerprint: u64,
}

impl Arrival {
    /// What a transcoded page of subaccount orders holds.
    pub fn of(page: &OrdersPage) -> Self {
        Arrival {
            page: page.page.clone(),
            keys: page.keys.clone(),
            fingerprint: fingerprint(&page.json),
        }
    }
}

/// What to do with a page that arrived ([`Paginator::arrived`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Hand out these records of the page (indices into it, ascending; none when the page
    /// holds nothing new: then ask [`Paginator::next_action`] again).
    Deliver(Vec<usize>),
    /// Nothing from this page; the list is read.
    Done,
    /// Stop with this error; the paginator is finished.
    Fail(Error),
}

/// The state of one paging: the request in flight, the next one, and the keys handed out.
///
/// `iterate` and `collect` are the same machine: `collect` stops at `max` records.
#[derive(Clone, Debug)]
pub struct Paginator {
    /// Offset of the first record wanted (the first page is anchored by rule).
    start: i64,
    /// `limit` sent with every request.
    limit: Option<i64>,
    /// Page size: `limit`, else learnt from the first page.
    step: Option<i64>,
    /// Most records to hand out (`None`: all).
    max: Option<u64>,
    /// The next request, not started yet.
    planned: Option<PageRequest>,
    /// Offset of the request in flight.
    in_flight: Option<i64>,
    /// Keys of the records handed out.
    delivered: HashSet<u64>,
    /// Records of overlap between pages (0 until the page size is known).
    overlap: i64,
    /// The planned request has no overlap with the page before (it had one record), so it
    /// cannot be anchored and is taken as it is.
    unchecked: bool,
    /// How far the last step back went (0: the last page was anchored).
    back: i64,
    /// Offset and keys of the last anchored page (to see how far its orders moved).
    last: Option<(i64, Vec<u64>)>,
    /// Fingerprint, offset and total of the last non-empty page.
    previous: Option<(u64, i64, i64)>,
    /// Pages in a row that repeated the one before at a later offset.
    repeats: u32,
    /// Requests started.
    requests: u64,
    /// Requests in a row that did not read further than `reach`.
    stalled: u32,
    /// The furthest `end` of an anchored page.
    reach: i64,
    /// Records received.
    fetched: u64,
    /// The first page's `total`.
    first_total: Option<i64>,
    /// Nothing more to do.
    finished: bool,
}

impl Paginator {
    /// Pages from `offset` with `limit` (`None`: the server's page size, learnt from the first
    /// page), handing out at most `max` records.
    /// A `limit` of 1 is sent as 2: pages of one record cannot overlap and move on.
    pub fn new(offset: i64, limit: Option<i64>, max: Option<u64>) -> Self {
        let start = offset.max(0);
        let limit = limit.map(|l| l.max(2));
        let mut p = Paginator {
            start,
            limit,
            step: None,
            max,
            planned: Some(PageRequest {
                offset: start,
                limit,
            }),
            in_flight: None,
            delivered: HashSet::new(),
            overlap: 0,
            unchecked: false,
            back: 0,
            last: None,
            previous: None,
            repeats: 0,
            requests: 0,
            stalled: 0,
            reach: 0,
            fetched: 0,
            first_total: None,
            finished: max == Some(0),
        };
        if let Some(n) = limit.filter(|l| *l > 0) {
            p.learn_step(n);
        }
        p
    }

    /// `iterateSubaccountOrders`: every page of `query` from its offset.
    pub fn iterate(query: &ListQuery) -> Self {
        Self::new(query.offset().unwrap_or(0), query.limit(), None)
    }

    /// `collectSubaccountOrders`: the pages of `query` until `max` records (`None`: all).
    pub fn collect(query: &ListQuery, max: Option<u64>) -> Self {
        Self::new(query.offset().unwrap_or(0), query.limit(), max)
    }

    fn learn_step(&mut self, n: i64) {
        let n = n.max(1);
        self.step = Some(n);
        self.overlap = (n / 32).clamp(1, self.overlap_cap(n));
    }

    fn overlap_cap(&self, n: i64) -> i64 {
        (n / 4).max(1)
    }

    /// What to do now that the caller wants the next records: a request to start (call again
    /// after starting it), the request to wait for, or done.
    pub fn next_action(&mut self) -> Action {
        if self.finished {
            return Action::Done;
        }
        if let Some(offset) = self.in_flight {
            return Action::Await(offset);
        }
        match self.ahead() {
            Some(r) => Action::Fetch(r),
            None => {
                self.finished = true;
                Action::Done
            }
        }
    }

    /// The next request, to start as soon as a page has arrived, while the caller consumes
    /// it: `None` when one is in flight or there is no next page.
    pub fn ahead(&mut self) -> Option<PageRequest> {
        if self.finished || self.in_flight.is_some() {
            return None;
        }
        let r = self.planned.take()?;
        self.in_flight = Some(r.offset);
        self.requests = self.requests.saturating_add(1);
        Some(r)
    }

    /// Takes the answer to the request at `asked` (the one in flight): the page, or the error
    /// that request ended with. Says which records to hand out, and plans the next request
    /// (see the module's algorithm).
    pub fn arrived(&mut self, asked: i64, page: Result<Arrival>) -> Verdict {
        if self.finished {
            return Verdict::Done;
        }
        if self.in_flight != Some(asked) {
            return self.fail(Error::decode(format!(
                "the page at offset {asked} arrived, but it is not the one awaited"
            )));
        }
        self.in_flight = None;
        let a = match page.and_then(|a| self.check(asked, a)) {
            Ok(a) => a,
            Err(e) => return self.fail(e),
        };
        let len = i64::try_from(a.keys.len()).unwrap_or(i64::MAX);
        if self.step.is_none() {
            self.learn_step(len);
        }
        let n = self.step.unwrap_or(1);
        let first_total = (*self.first_total.get_or_insert(a.page.total)).max(0);
        let budget = u64::try_from(
            first_total
                .saturating_mul(8)
                .saturating_add(n.saturating_mul(64)),
        )
        .unwrap_or(u64::MAX);
        if self.stalled >= STALL_LIMIT || self.fetched > budget {
            return self.fail(Error::decode(format!(
                "the list changes faster than it can be paged ({} requests, {} orders handed out): filter on date_created to page a fixed set",
                self.requests,
                self.delivered.len()
            )));
        }
        self.fetched = self.fetched.saturating_add(a.keys.len() as u64);
        let end = asked.saturating_add(len);
        let anchored = a.keys.first().is_some_and(|k| self.delivered.contains(k));
        if asked != self.start && !anchored && !self.unchecked {
            // Not anchored: the page may have jumped over unread orders. Step back.
            self.stalled = self.stalled.saturating_add(1);
            self.back = if self.back == 0 {
                (n - self.overlap).max(1)
            } else {
                self.back.saturating_mul(2)
            };
            self.overlap = self.overlap.saturating_mul(2).min(self.overlap_cap(n));
            self.plan(asked.saturating_sub(self.back), false);
            return Verdict::Deliver(Vec::new());
        }
        self.back = 0;
        if let (Some(first), Some((at, keys))) = (a.keys.first(), &self.last) {
            // How far the anchor moved toward the front since the last page saw it.
            if let Some(i) = keys.iter().position(|k| k == first) {
                let was = at.saturating_add(i as i64);
                let moved = was.saturating_sub(asked);
                if moved > 0 {
                    let want = moved.saturating_mul(2).saturating_add(1);
                    self.overlap = self.overlap.max(want.min(self.overlap_cap(n)));
                }
            }
        }
        let mut room = self.max.map_or(usize::MAX, |m| {
            usize::try_from(m.saturating_sub(self.delivered.len() as u64)).unwrap_or(usize::MAX)
        });
        let mut which = Vec::new();
        for (i, k) in a.keys.iter().enumerate() {
            if room == 0 {
                break;
            }
            if self.delivered.insert(*k) {
                which.push(i);
                room -= 1;
            }
        }
        if end > self.reach {
            self.reach = end;
            self.stalled = 0;
        } else {
            self.stalled = self.stalled.saturating_add(1);
        }
        if room == 0 || len == 0 || end >= a.page.total {
            self.finish();
            if which.is_empty() {
                return Verdict::Done;
            }
        } else {
            let overlap = self.overlap.min(len / 2).max(0);
            self.plan(end - overlap, overlap == 0);
        }
        self.last = Some((asked, a.keys));
        Verdict::Deliver(which)
    }

    /// Plans the next request at `offset` (never before the first page's); `unchecked`: see
    /// the field.
    fn plan(&mut self, offset: i64, unchecked: bool) {
        self.unchecked = unchecked;
        self.planned = Some(PageRequest {
            offset: offset.max(self.start),
            limit: self.limit,
        });
    }

    /// The checks on a page that answered `asked`, in order: its offset, an empty page short of
    /// its total, the same records as the page before.
    fn check(&mut self, asked: i64, a: Arrival) -> Result<Arrival> {
        check_offset(asked, &a.page)?;
        if a.keys.is_empty() && a.page.total > asked {
            return Err(Error::decode(format!(
                "the page at offset {asked} is empty though the total is {}: the list cannot be read to its end",
                a.page.total
            )));
        }
        if !a.keys.is_empty() {
            // The same records at an offset at least 4 further, the total unchanged: an honest
            // list did that only if at least 4 orders were created before the page and as many
            // removed after it; twice in a row is a server that ignores `offset`.
            let repeat = self.previous.is_some_and(|(f, at, total)| {
                f == a.fingerprint && asked >= at.saturating_add(4) && total == a.page.total
            });
            self.repeats = if repeat { self.repeats + 1 } else { 0 };
            if self.repeats >= 2 {
                return Err(Error::decode(format!(
                    "the page at offset {asked} repeats the pages before it (no progress): the server seems to ignore offset"
                )));
            }
            self.previous = Some((a.fingerprint, asked, a.page.total));
        }
        Ok(a)
    }

    fn fail(&mut self, e: Error) -> Verdict {
        self.finish();
        Verdict::Fail(e)
    }

    fn finish(&mut self) {
        self.finished = true;
        self.in_flight = None;
        self.planned = None;
    }

    /// Stops: the request in flight is no longer wanted, and [`Paginator::next_action`] says done.
    pub fn close(&mut self) {
        self.finish();
    }

    /// Whether the request at `offset` is still wanted (a driver drops the others).
    pub fn is_in_flight(&self, offset: i64) -> bool {
        self.in_flight == Some(offset)
    }

    /// Whether paging is over (read, `max` reached, failed or closed).
    #[cfg(test)]
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}

/// Record `i` of a transcoded page as JSON text (`{..}`); `None` when the page has no record `i`.
pub fn record_json(page: &OrdersPage, i: usize) -> Option<&str> {
    let from = match i.checked_sub(1) {
        None => 1, // just after the `[`
        Some(k) => *page.ends.get(k)?,
    };
    let s = page.json.get(from..*page.ends.get(i)?)?.trim_start();
    // After a record comes its `,` (maybe after white space copied from the body).
    if i == 0 {
        Some(s)
    } else {
        s.strip_prefix(',')
    }
}

/// Appends records `which` of `page` to the JSON array being written in `out` (a `,` before
/// each unless `out` ends with the array's `[`); `None` when the page lacks one of them.
pub fn push_records(out: &mut String, page: &OrdersPage, which: &[usize]) -> Option<()> {
    for &i in which {
        let record = record_json(page, i)?;
        if !out.ends_with('[') {
            out.push(',');
        }
        out.push_str(record);
    }
    Some(())
}

#[cfg(test)]
mod churn;
#[cfg(test)]
mod tests;
