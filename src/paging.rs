//! Paging an offset-paged list: [`Paginator`], a sans-IO state machine behind
//! `iterateSubaccountOrders` and `collectSubaccountOrders`.
//!
//! The machine decides which page to request next (and whether one may be requested ahead
//! while the caller consumes the current one) and, for each page that arrives, what to do:
//! hand out these records, stop because the list is read, or stop with an error. It does no
//! I/O and holds no records: a driver (the wasm shell, or a test's fake page source) starts
//! the requests it names, feeds each answer back in the order the requests were made, and
//! hands the records on.
//!
//! ```
//! use certcentral_wasm::api::Page;
//! use certcentral_wasm::paging::{Action, Arrival, Paginator, Verdict};
//!
//! // 25 records, pages of 10, one request ahead of the caller.
//! let mut p = Paginator::new(0, Some(10), 1, None);
//! let mut requested = vec![];
//! let mut got = 0;
//! loop {
//!     let asked = match p.next_action() {
//!         Action::Fetch(r) => { requested.push(r.offset); continue; }
//!         Action::Await(offset) => offset,
//!         Action::Done => break,
//!     };
//!     let len = (25 - asked).min(10) as usize;
//!     let page = Page { total: 25, limit: 10, offset: asked };
//!     let arrival = Arrival { page, len, fingerprint: asked as u64 };
//!     match p.arrived(asked, Ok(arrival)) {
//!         Verdict::Deliver(records) => got += records.len(),
//!         Verdict::Done => break,
//!         Verdict::Fail(e) => panic!("{e:?}"),
//!     }
//!     if let Some(r) = p.ahead() { requested.push(r.offset); }
//! }
//! assert_eq!((got, requested), (25, vec![0, 10, 20]));
//! ```
//!
//! The guarantees, today: pages are delivered in order and contiguous (each starts where the
//! one before it ended); a short page that is not the last drops the requests made ahead and
//! paging goes on from where it ended; a page at another offset than asked, an empty page short
//! of `total`, a page that repeats the one before it, and a `total` that changes between pages
//! are `decode` errors that end the paging.

use crate::api::{check_offset, Page};
use crate::error::{Error, Result};
use crate::query::ListQuery;
use crate::transcode::OrdersPage;
use std::collections::VecDeque;
use std::ops::Range;

/// FNV-1a, 64 bits: a cheap fingerprint of a page's records.
pub fn fingerprint(records: &str) -> u64 {
    records.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

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
    /// Wait for the answer to the oldest request in flight, the one at this offset, and feed
    /// it to [`Paginator::arrived`].
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
    /// How many records it held.
    pub len: usize,
    /// A [`fingerprint`] of its records.
    pub fingerprint: u64,
}

impl Arrival {
    /// What a transcoded page of subaccount orders holds.
    pub fn of(page: &OrdersPage) -> Self {
        Arrival {
            page: page.page.clone(),
            len: page.len,
            fingerprint: fingerprint(&page.json),
        }
    }
}

/// What to do with a page that arrived ([`Paginator::arrived`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Hand out these records of the page (indices into it, in order).
    Deliver(Range<usize>),
    /// Nothing from this page; the list is read.
    Done,
    /// Stop with this error; the paginator is finished.
    Fail(Error),
}

/// The state of one paging: which pages are requested and what has been handed out.
///
/// `iterate` and `collect` are the same machine: `collect` is an iteration that stops at
/// `max` records (and, as before, requests no page ahead: `ahead` 0).
#[derive(Clone, Debug)]
pub struct Paginator {
    /// Offset of the first record wanted.
    start: i64,
    /// `limit` sent with every request.
    limit: Option<i64>,
    /// Page size: `limit`, else learnt from the first page (until then, one request at a time).
    step: Option<i64>,
    /// Requests that may run ahead of the one the caller waits for.
    ahead: usize,
    /// Most records to hand out (`None`: all).
    max: Option<u64>,
    /// Offset of the next request to start.
    next: i64,
    /// Offsets of the requests in flight, oldest first.
    in_flight: VecDeque<i64>,
    /// The first page's `total`.
    total: Option<i64>,
    /// Records handed out.
    delivered: u64,
    /// Fingerprint of the last non-empty page.
    previous: Option<u64>,
    /// Nothing more to do.
    finished: bool,
}

impl Paginator {
    /// Pages from `offset` with `limit` (`None`: the server's page size, learnt from the first
    /// page), with up to `ahead` requests running ahead of the page the caller waits for, and
    /// at most `max` records handed out.
    pub fn new(offset: i64, limit: Option<i64>, ahead: usize, max: Option<u64>) -> Self {
        let start = offset.max(0);
        Paginator {
            start,
            limit,
            step: limit.filter(|l| *l > 0),
            ahead,
            max,
            next: start,
            in_flight: VecDeque::new(),
            total: None,
            delivered: 0,
            previous: None,
            finished: false,
        }
    }

    /// `iterateSubaccountOrders`: every page of `query` from its offset, one request ahead.
    pub fn iterate(query: &ListQuery) -> Self {
        Self::new(query.offset().unwrap_or(0), query.limit(), 1, None)
    }

    /// `collectSubaccountOrders`: the pages of `query` until `max` records (`None`: all), one
    /// request at a time.
    pub fn collect(query: &ListQuery, max: Option<u64>) -> Self {
        Self::new(query.offset().unwrap_or(0), query.limit(), 0, max)
    }

    /// What to do now that the caller wants the next records: a request to start (call again
    /// after starting it), the request to wait for, or done.
    pub fn next_action(&mut self) -> Action {
        if self.finished {
            return Action::Done;
        }
        // Until the page size is known, where a second page starts is not.
        let room = if self.step.is_some() {
            1 + self.ahead
        } else {
            1
        };
        if self.in_flight.len() < room {
            if let Some(r) = self.plan() {
                return Action::Fetch(r);
            }
        }
        match self.in_flight.front() {
            Some(&offset) => Action::Await(offset),
            None => {
                self.finished = true;
                Action::Done
            }
        }
    }

    /// A request to start while the caller consumes the records just handed out: the
    /// read-ahead, when nothing is in flight and `ahead` allows one.
    pub fn ahead(&mut self) -> Option<PageRequest> {
        if self.finished || self.ahead == 0 || !self.in_flight.is_empty() {
            return None;
        }
        self.plan()
    }

    /// The next request, recorded as in flight; `None` past `total` or `max`.
    fn plan(&mut self) -> Option<PageRequest> {
        if self.total.is_some_and(|t| self.next >= t) {
            return None;
        }
        if let Some(max) = self.max {
            let end = i64::try_from(max).map_or(i64::MAX, |m| self.start.saturating_add(m));
            if self.next >= end {
                return None;
            }
        }
        let r = PageRequest {
            offset: self.next,
            limit: self.limit,
        };
        self.next = self.next.saturating_add(self.step.unwrap_or(0));
        self.in_flight.push_back(r.offset);
        Some(r)
    }

    /// Takes the answer to the request at `asked` (the oldest in flight): the page, or the
    /// error that request ended with. Says what to hand out; checks the page first (see the
    /// module's guarantees).
    pub fn arrived(&mut self, asked: i64, page: Result<Arrival>) -> Verdict {
        if self.finished {
            return Verdict::Done;
        }
        if self.in_flight.front() != Some(&asked) {
            return self.fail(Error::decode(format!(
                "the page at offset {asked} arrived, but it is not the one awaited"
            )));
        }
        self.in_flight.pop_front();
        let a = match page.and_then(|a| self.check(asked, a)) {
            Ok(a) => a,
            Err(e) => return self.fail(e),
        };
        let total = a.page.total;
        self.total = Some(total);
        let len = i64::try_from(a.len).unwrap_or(i64::MAX);
        let end = asked.saturating_add(len);
        if self.step.is_none() {
            self.step = Some(len.max(1));
            self.next = end;
        }
        let room = self
            .max
            .map_or(u64::MAX, |m| m.saturating_sub(self.delivered));
        let take = usize::try_from(room).map_or(a.len, |r| r.min(a.len));
        self.delivered = self.delivered.saturating_add(take as u64);
        if take == 0 || end >= total || take < a.len || self.max == Some(self.delivered) {
            self.finish();
        } else if self.in_flight.front().copied().unwrap_or(self.next) != end {
            // A page shorter (or longer) than the step that is not the last: the requests made
            // ahead start at the wrong offset. Drop them and go on from where it ended.
            self.in_flight.clear();
            self.next = end;
        }
        if take == 0 {
            Verdict::Done
        } else {
            Verdict::Deliver(0..take)
        }
    }

    /// The checks on a page that answered `asked`, in order: its offset, an empty page short of
    /// the total, the same records as the page before, a changed total.
    fn check(&mut self, asked: i64, a: Arrival) -> Result<Arrival> {
        check_offset(asked, &a.page)?;
        if a.len == 0 && a.page.total > asked {
            return Err(Error::decode(format!(
                "the page at offset {asked} is empty though the total is {}: the list cannot be read to its end",
                a.page.total
            )));
        }
        if a.len > 0 {
            if self.previous == Some(a.fingerprint) {
                return Err(Error::decode(format!(
                    "the page at offset {asked} repeats the page before it (no progress): the server seems to ignore offset"
                )));
            }
            self.previous = Some(a.fingerprint);
        }
        if let Some(known) = self.total.filter(|t| *t != a.page.total) {
            return Err(Error::decode(format!(
                "the result set changed while paging (total {known} became {}): start again, or filter on date_created to page a fixed set",
                a.page.total
            )));
        }
        Ok(a)
    }

    fn fail(&mut self, e: Error) -> Verdict {
        self.finish();
        Verdict::Fail(e)
    }

    fn finish(&mut self) {
        self.finished = true;
        self.in_flight.clear();
    }

    /// Stops: the requests in flight are no longer wanted, and [`Paginator::next_action`] says done.
    pub fn close(&mut self) {
        self.finish();
    }

    /// Whether the request at `offset` is still wanted (a driver drops the others).
    pub fn is_in_flight(&self, offset: i64) -> bool {
        self.in_flight.contains(&offset)
    }

    /// Whether paging is over (read, `max` reached, failed or closed).
    #[cfg(test)]
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}

/// The records `range` of a transcoded page as JSON array elements, without the brackets
/// (`{..},{..}`), to hand out or join with other pages; `None` when the range is not in it.
pub fn records_json(page: &OrdersPage, range: Range<usize>) -> Option<&str> {
    if range.is_empty() {
        return Some("");
    }
    let from = match range.start.checked_sub(1) {
        None => 1, // just after the `[`
        Some(k) => *page.ends.get(k)?,
    };
    let to = *page.ends.get(range.end.checked_sub(1)?)?;
    let s = page.json.get(from..to)?;
    // After a record comes its `,` (maybe after white space copied from the body).
    Some(if range.start == 0 {
        s
    } else {
        s.trim_start().strip_prefix(',')?
    })
}

#[cfg(test)]
mod tests;
