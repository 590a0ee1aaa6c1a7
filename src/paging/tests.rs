//! The paginator against a fake page source: a list of record ids served by offset and
//! limit, with the faults a real server shows (short pages, another offset, an ignored offset,
//! empty pages), driven the way the wasm shell drives it. A list that changes while it is
//! paged is in `churn.rs`.

use super::*;
use crate::error::ErrorKind;
use crate::query::Query;
use std::collections::VecDeque;
use std::ops::Range;

/// A fake server: `ids` paged by offset/limit (`default_limit` when none is sent), with the
/// faults it is given. Answers are made when a request starts, as a server would.
struct Source {
    ids: Vec<i64>,
    default_limit: usize,
    /// `total` reported (the number of ids unless set).
    total: Option<i64>,
    /// A function of (request number, request, answer) that may change the answer.
    fault: Box<Fault>,
    served: usize,
}

/// Changes an answer, given the request's number and the request.
type Fault = dyn FnMut(usize, PageRequest, &mut Answer);

#[derive(Clone, Debug)]
struct Answer {
    page: Page,
    ids: Vec<i64>,
}

impl Source {
    fn new(n: i64) -> Self {
        Source {
            ids: (1..=n).collect(),
            default_limit: 7,
            total: None,
            fault: Box::new(|_, _, _| {}),
            served: 0,
        }
    }

    fn fault(mut self, f: impl FnMut(usize, PageRequest, &mut Answer) + 'static) -> Self {
        self.fault = Box::new(f);
        self
    }

    fn serve(&mut self, r: PageRequest) -> Answer {
        let size = r.limit.map_or(self.default_limit, |l| l as usize);
        let from = (r.offset as usize).min(self.ids.len());
        let to = (from + size).min(self.ids.len());
        let mut a = Answer {
            page: Page {
                total: self.total.unwrap_or(self.ids.len() as i64),
                limit: r.limit.unwrap_or(0),
                offset: r.offset,
            },
            ids: self.ids[from..to].to_vec(),
        };
        (self.fault)(self.served, r, &mut a);
        self.served += 1;
        a
    }
}

fn arrival(a: &Answer) -> Arrival {
    Arrival {
        page: a.page.clone(),
        keys: a.ids.iter().map(|&id| id as u64).collect(),
        fingerprint: fingerprint(&format!("{:?}", a.ids)),
    }
}

fn indices(r: Range<usize>) -> Vec<usize> {
    r.collect()
}

/// What one run of the driver saw.
#[derive(Debug, Default)]
struct Run {
    /// Requests in the order they were started.
    requests: Vec<PageRequest>,
    /// Records handed out, in order.
    records: Vec<i64>,
    error: Option<Error>,
    /// Most requests in flight at once.
    most_in_flight: usize,
    /// Requests dropped (started, never awaited).
    dropped: usize,
}

/// Drives `p` over `source` the way `src/js/client.rs` does: `next_action()` until it awaits, feed
/// the oldest answer, drop what the paginator no longer wants, start the next request, hand
/// out the records.
fn drive(p: &mut Paginator, source: &mut Source) -> Run {
    let mut run = Run::default();
    let mut pending: VecDeque<(i64, Answer)> = VecDeque::new();
    let start = |r: PageRequest, run: &mut Run, pending: &mut VecDeque<_>, s: &mut Source| {
        run.requests.push(r);
        pending.push_back((r.offset, s.serve(r)));
        run.most_in_flight = run.most_in_flight.max(pending.len());
    };
    for _ in 0..10_000 {
        let asked = match p.next_action() {
            Action::Fetch(r) => {
                start(r, &mut run, &mut pending, source);
                continue;
            }
            Action::Await(offset) => offset,
            Action::Done => return run,
        };
        let (offset, answer) = pending.pop_front().expect("awaits a request it started");
        assert_eq!(offset, asked, "awaits the oldest request");
        let verdict = p.arrived(asked, Ok(arrival(&answer)));
        let before = pending.len();
        pending.retain(|(o, _)| p.is_in_flight(*o));
        run.dropped += before - pending.len();
        if let Some(r) = p.ahead() {
            start(r, &mut run, &mut pending, source);
        }
        match verdict {
            Verdict::Deliver(which) => run.records.extend(which.iter().map(|&i| answer.ids[i])),
            Verdict::Done => return run,
            Verdict::Fail(e) => {
                run.error = Some(e);
                return run;
            }
        }
    }
    panic!("the paginator never ended");
}

fn offsets(run: &Run) -> Vec<i64> {
    run.requests.iter().map(|r| r.offset).collect()
}

fn query(json: &str) -> ListQuery {
    let q: Query = serde_json::from_str(json).unwrap();
    ListQuery::new(&q, &crate::api::subaccount_orders::SPEC).unwrap()
}

fn decode_error(run: &Run, says: &str) {
    let e = run.error.as_ref().expect("an error");
    assert_eq!(e.kind, ErrorKind::Decode, "{e:?}");
    assert!(e.message.contains(says), "{}", e.message);
}

#[test]
fn normal_paging_delivers_every_record_once_with_one_request_at_a_time() {
    let mut p = Paginator::iterate(&query(r#"{"limit":10}"#));
    // The caller asks for the first page: only it is requested.
    assert_eq!(
        p.next_action(),
        Action::Fetch(PageRequest {
            offset: 0,
            limit: Some(10)
        })
    );
    assert_eq!(p.next_action(), Action::Await(0));

    let run = drive(
        &mut Paginator::iterate(&query(r#"{"limit":10}"#)),
        &mut Source::new(25),
    );
    assert_eq!(run.records, (1..=25).collect::<Vec<_>>());
    assert_eq!(
        offsets(&run),
        [0, 9, 18],
        "one record of overlap, nothing requested past the total"
    );
    assert_eq!(run.most_in_flight, 1);
    assert_eq!((run.error, run.dropped), (None, 0));
}

#[test]
fn the_read_ahead_starts_while_the_caller_consumes_a_page() {
    let mut p = Paginator::iterate(&query(r#"{"limit":10}"#));
    let mut s = Source::new(100);
    let mut answers = VecDeque::new();
    loop {
        match p.next_action() {
            Action::Fetch(r) => answers.push_back(s.serve(r)),
            Action::Await(_) => break,
            Action::Done => unreachable!(),
        }
    }
    assert_eq!(answers.len(), 1, "one request at a time");
    let a = answers.pop_front().unwrap();
    assert_eq!(
        p.arrived(0, Ok(arrival(&a))),
        Verdict::Deliver(indices(0..10))
    );
    // Page 2 is requested as soon as page 1 has arrived, before the caller consumes it.
    assert_eq!(
        p.ahead(),
        Some(PageRequest {
            offset: 9,
            limit: Some(10)
        })
    );
    assert_eq!(p.ahead(), None, "never two at once");
    // The caller wants page 2: it is awaited, nothing else starts.
    assert_eq!(p.next_action(), Action::Await(9));
    assert_eq!(p.next_action(), Action::Await(9));
}

#[test]
fn the_step_is_learnt_from_the_first_page_when_no_limit_is_sent() {
    let mut p = Paginator::iterate(&query("{}"));
    assert_eq!(
        p.next_action(),
        Action::Fetch(PageRequest {
            offset: 0,
            limit: None
        })
    );
    // Where the second page starts is unknown: one request at a time.
    assert_eq!(p.next_action(), Action::Await(0));
    let mut s = Source::new(20);
    let first = s.serve(PageRequest {
        offset: 0,
        limit: None,
    });
    assert_eq!(
        p.arrived(0, Ok(arrival(&first))),
        Verdict::Deliver(indices(0..7))
    );
    assert_eq!(
        p.ahead(),
        Some(PageRequest {
            offset: 6,
            limit: None
        })
    );
    assert_eq!(p.next_action(), Action::Await(6));

    let run = drive(&mut Paginator::iterate(&query("{}")), &mut Source::new(20));
    assert_eq!(run.records, (1..=20).collect::<Vec<_>>());
    assert_eq!(offsets(&run), [0, 6, 12, 18]);
}

#[test]
fn a_short_middle_page_goes_on_from_where_it_ended() {
    // The page at 9 comes back with 8 records: paging goes on from where it ended.
    let mut s = Source::new(45).fault(|_, r, a| {
        if r.offset == 9 {
            a.ids.truncate(8);
        }
    });
    let run = drive(&mut Paginator::iterate(&query(r#"{"limit":10}"#)), &mut s);
    assert_eq!(run.records, (1..=45).collect::<Vec<_>>(), "nothing skipped");
    assert_eq!(offsets(&run), [0, 9, 16, 25, 34, 43]);
    assert_eq!((run.dropped, run.error), (0, None));

    // A longer page than asked: the next one starts where it ended, nothing twice.
    let mut s = Source::new(45).fault(|_, r, a| {
        if r.offset == 0 {
            a.ids = (1..=12).collect();
        }
    });
    let run = drive(&mut Paginator::iterate(&query(r#"{"limit":10}"#)), &mut s);
    assert_eq!(run.records, (1..=45).collect::<Vec<_>>());
    assert_eq!(offsets(&run), [0, 11, 20, 29, 38]);
}

/// Changed on purpose: a `total` that changes between pages was a `decode` error ("the result
/// set changed while paging"); now the list is read to its end as it is then.
#[test]
fn a_total_that_changes_between_pages_is_not_an_error() {
    // Two orders are created (at the end) after each answer: all are handed out.
    let mut s = Source::new(30);
    let mut p = Paginator::iterate(&query(r#"{"limit":10}"#));
    let mut records = vec![];
    while let Action::Fetch(r) = p.next_action() {
        let answer = s.serve(r);
        let last = s.ids.len() as i64;
        s.ids.extend([last + 1, last + 2]);
        match p.arrived(r.offset, Ok(arrival(&answer))) {
            Verdict::Deliver(which) => records.extend(which.iter().map(|&i| answer.ids[i])),
            Verdict::Done => {}
            Verdict::Fail(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(records, (1..=s.ids.len() as i64 - 2).collect::<Vec<_>>());
    assert!(records.len() > 30);

    // Orders at the end are deleted while the list is read: the rest are handed out.
    let mut s = Source::new(60);
    let mut p = Paginator::collect(&query(r#"{"limit":10}"#), None);
    let mut records = vec![];
    while let Action::Fetch(r) = p.next_action() {
        let answer = s.serve(r);
        s.ids.truncate(s.ids.len() - 3);
        match p.arrived(r.offset, Ok(arrival(&answer))) {
            Verdict::Deliver(which) => records.extend(which.iter().map(|&i| answer.ids[i])),
            Verdict::Done => {}
            Verdict::Fail(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(records, (1..=records.len() as i64).collect::<Vec<_>>());
    assert!(
        records.len() >= s.ids.len(),
        "every order left is handed out"
    );
}

#[test]
fn an_answer_for_another_offset_is_a_decode_error_and_nothing_of_it_is_delivered() {
    let mut s = Source::new(40).fault(|_, _, a| a.page.offset += 7);
    let run = drive(&mut Paginator::iterate(&query(r#"{"limit":10}"#)), &mut s);
    decode_error(
        &run,
        "asked for the page at offset 0 and got the one at offset 7",
    );
    assert!(run.records.is_empty());
    assert!(run.requests.len() <= 2);
}

#[test]
fn a_server_that_ignores_offset_is_stopped_after_the_repeated_page() {
    let mut s = Source::new(10_000).fault(|_, _, a| {
        a.ids = (1..=1000).collect();
        a.page.offset = 0;
        a.page.total = 1_000_000_000_000_000;
    });
    // The first page is right; the second says offset 0: another offset.
    let run = drive(&mut Paginator::collect(&query("{}"), None), &mut s);
    decode_error(&run, "offset 969 and got the one at offset 0");

    // The same records at the right offset: no progress.
    let mut s = Source::new(10_000).fault(|_, r, a| {
        a.ids = (1..=1000).collect();
        a.page.offset = r.offset;
        a.page.total = 1_000_000_000_000_000;
    });
    for mut p in [
        Paginator::iterate(&query("{}")),
        Paginator::collect(&query("{}"), None),
    ] {
        let run = drive(&mut p, &mut s);
        decode_error(&run, "repeats the pages before it (no progress)");
        assert_eq!(run.records, (1..=1000).collect::<Vec<_>>(), "never twice");
        assert!(run.requests.len() < 5, "{:?}", offsets(&run));
    }
}

#[test]
fn an_empty_page_short_of_the_total_is_a_decode_error_and_past_it_the_end() {
    let mut s = Source::new(50).fault(|_, r, a| {
        if r.offset >= 20 {
            a.ids.clear();
        }
    });
    let run = drive(&mut Paginator::iterate(&query(r#"{"limit":10}"#)), &mut s);
    decode_error(
        &run,
        "the page at offset 27 is empty though the total is 50",
    );
    assert_eq!(run.records.len(), 28);

    // A total smaller than what was sent: paging stops at the total, keeping what came.
    let mut s = Source::new(10);
    s.total = Some(9);
    let run = drive(&mut Paginator::iterate(&query(r#"{"limit":10}"#)), &mut s);
    assert_eq!((run.records.len(), run.error), (10, None));

    // An empty page at the total is the normal end.
    let mut p = Paginator::iterate(&query(r#"{"offset":10,"limit":10}"#));
    assert!(matches!(p.next_action(), Action::Fetch(_)));
    let empty = Arrival {
        page: Page {
            total: 10,
            limit: 10,
            offset: 10,
        },
        keys: vec![],
        fingerprint: fingerprint("[]"),
    };
    assert_eq!(p.arrived(10, Ok(empty)), Verdict::Done);
    assert_eq!(p.next_action(), Action::Done);
}

#[test]
fn collect_stops_at_max_one_request_at_a_time() {
    let q = query(r#"{"limit":10}"#);
    let run = drive(&mut Paginator::collect(&q, Some(23)), &mut Source::new(100));
    assert_eq!(run.records, (1..=23).collect::<Vec<_>>());
    assert_eq!(offsets(&run), [0, 9, 18], "nothing past max");
    assert_eq!(run.most_in_flight, 1);

    let run = drive(&mut Paginator::collect(&q, Some(19)), &mut Source::new(100));
    assert_eq!((run.records.len(), offsets(&run)), (19, vec![0, 9]));
    let run = drive(&mut Paginator::collect(&q, Some(0)), &mut Source::new(100));
    assert!(run.requests.is_empty() && run.records.is_empty());
    let run = drive(&mut Paginator::collect(&q, Some(500)), &mut Source::new(25));
    assert_eq!(run.records.len(), 25);
    let run = drive(&mut Paginator::collect(&q, None), &mut Source::new(25));
    assert_eq!(run.records.len(), 25);
    // A short page in a collection: it goes on from where the page ended.
    let mut s = Source::new(30).fault(|_, r, a| {
        if r.offset == 0 {
            a.ids.truncate(5);
        }
    });
    let run = drive(&mut Paginator::collect(&q, Some(100)), &mut s);
    assert_eq!(run.records, (1..=30).collect::<Vec<_>>());
    assert_eq!(offsets(&run), [0, 4, 13, 22]);
}

#[test]
fn limit_and_offset_come_from_the_query() {
    let q = query(r#"{"offset":5,"limit":10,"sort":"id","filters":{"status":"issued"}}"#);
    let run = drive(&mut Paginator::iterate(&q), &mut Source::new(30));
    assert_eq!(run.records, (6..=30).collect::<Vec<_>>());
    assert_eq!(offsets(&run), [5, 14, 23]);
    assert!(run.requests.iter().all(|r| r.limit == Some(10)));
    // The request keeps the query's filters and sort, with the page's offset and limit.
    assert_eq!(
        run.requests[1].query(&q).to_query_string(),
        "?filters%5Bstatus%5D=issued&sort=id&offset=14&limit=10"
    );
    // A limit of 1 is sent as 2, so pages can overlap.
    let run = drive(
        &mut Paginator::iterate(&query(r#"{"limit":1}"#)),
        &mut Source::new(5),
    );
    assert_eq!(run.records, [1, 2, 3, 4, 5]);
    assert!(run.requests.iter().all(|r| r.limit == Some(2)));
    let run = drive(
        &mut Paginator::collect(&query(r#"{"offset":3}"#), Some(10)),
        &mut Source::new(30),
    );
    assert_eq!(run.records, (4..=13).collect::<Vec<_>>());
    assert!(run.requests.iter().all(|r| r.limit.is_none()));
}

#[test]
fn a_failed_request_ends_the_paging_and_close_stops_it() {
    let mut p = Paginator::iterate(&query(r#"{"limit":10}"#));
    assert!(matches!(p.next_action(), Action::Fetch(_)));
    assert!(p.is_in_flight(0));
    let e = Error::new(ErrorKind::Timeout, "slow");
    assert_eq!(p.arrived(0, Err(e.clone())), Verdict::Fail(e));
    assert!(!p.is_in_flight(0));
    assert_eq!((p.next_action(), p.ahead()), (Action::Done, None));

    let mut p = Paginator::iterate(&query(r#"{"limit":10}"#));
    assert!(matches!(p.next_action(), Action::Fetch(_)));
    p.close();
    assert!(p.is_finished() && !p.is_in_flight(0));
    assert_eq!(p.next_action(), Action::Done);

    // An answer for a request that is not the oldest in flight is refused.
    let mut p = Paginator::iterate(&query(r#"{"limit":10}"#));
    assert!(matches!(p.next_action(), Action::Fetch(_)));
    let a = arrival(&Source::new(30).serve(PageRequest {
        offset: 10,
        limit: Some(10),
    }));
    assert!(matches!(p.arrived(10, Ok(a)), Verdict::Fail(_)));
}

/// Random lists, page sizes and short pages: every record once, in order, for iterate and
/// collect (up to max), one request at a time.
#[test]
fn property_short_pages_never_skip_or_repeat_a_record() {
    let mut rng = crate::test_support::Rng::new(0x5eed_9a6e);
    for case in 0..2000 {
        let n = rng.below(120) as i64;
        let limit = rng
            .below(3)
            .checked_sub(1)
            .map(|_| 1 + rng.below(25) as i64);
        let offset = if rng.below(4) == 0 {
            rng.below(30) as i64
        } else {
            0
        };
        let cut = 1 + rng.below(6);
        let seed = rng.below(1000);
        let short = move |k: usize, _: PageRequest, a: &mut Answer| {
            // Some pages (not empty ones) come back short.
            if (k + seed) % cut == 0 && a.ids.len() > 1 {
                let keep = 1 + (k * 7 + seed) % (a.ids.len() - 1);
                a.ids.truncate(keep);
            }
        };
        let max = if rng.below(2) == 0 {
            Some(rng.below(150) as u64)
        } else {
            None
        };
        let mut s = Source::new(n).fault(short);
        s.default_limit = 1 + (seed % 20);
        let q = ListQuery::default().at_page(offset, limit);
        let want: Vec<i64> = (offset + 1..=n).collect();
        let run = drive(&mut Paginator::iterate(&q), &mut s);
        assert_eq!(run.error, None, "case {case}");
        assert_eq!(run.records, want, "case {case}: iterate");
        assert!(run.most_in_flight <= 1, "case {case}");

        let mut s = Source::new(n).fault(short);
        s.default_limit = 1 + (seed % 20);
        let run = drive(&mut Paginator::collect(&q, max), &mut s);
        let upto = max.map_or(want.len(), |m| want.len().min(m as usize));
        assert_eq!(run.records, want[..upto], "case {case}: collect");
        assert!(run.most_in_flight <= 1, "case {case}");
    }
}

#[test]
fn push_records_joins_any_records_of_a_transcoded_page() {
    let body = r#"{"orders": [ {"id":1} , {"id":2},{"id":3}
        ,  {"id":4}], "page":{"total":4,"limit":4,"offset":0}}"#;
    let page = crate::transcode::subaccount_orders_page(body, 0).unwrap();
    assert_eq!(page.keys, [1, 2, 3, 4]);
    let ids = |which: &[usize]| -> Vec<i64> {
        let mut out = String::from("[");
        push_records(&mut out, &page, which).unwrap();
        out.push(']');
        let v: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        v.iter().map(|o| o["id"].as_i64().unwrap()).collect()
    };
    assert_eq!(ids(&[0, 1, 2, 3]), [1, 2, 3, 4]);
    assert_eq!(ids(&[0, 2]), [1, 3]);
    assert_eq!(ids(&[1, 3]), [2, 4]);
    assert_eq!(ids(&[3]), [4]);
    assert_eq!(ids(&[]), Vec::<i64>::new());
    assert!(record_json(&page, 2).unwrap().starts_with(r#"{"id":3,"#));
    assert_eq!(record_json(&page, 4), None);
    assert_eq!(push_records(&mut String::new(), &page, &[1, 4]), None);
}

/// Feeds `p` from `s`, calling `change` on the list after each answer (before the next
/// request); returns what it handed out, the offsets asked and the error.
fn drive_changing(
    p: &mut Paginator,
    s: &mut Source,
    mut change: impl FnMut(usize, &mut Vec<i64>),
) -> Run {
    let mut run = Run::default();
    let mut k = 0;
    while let Action::Fetch(r) = p.next_action() {
        run.requests.push(r);
        let answer = s.serve(r);
        change(k, &mut s.ids);
        k += 1;
        match p.arrived(r.offset, Ok(arrival(&answer))) {
            Verdict::Deliver(which) => run.records.extend(which.iter().map(|&i| answer.ids[i])),
            Verdict::Done => {}
            Verdict::Fail(e) => run.error = Some(e),
        }
    }
    assert_eq!(p.next_action(), Action::Done);
    run
}

#[test]
fn deletions_before_the_overlap_step_back_and_nothing_is_skipped() {
    // After the first page, 5 orders already read are deleted: the page at 9 now starts at
    // order 15, which was never handed out (not anchored): step back to 0, then on.
    let mut s = Source::new(30);
    let run = drive_changing(
        &mut Paginator::iterate(&query(r#"{"limit":10}"#)),
        &mut s,
        |k, ids| {
            if k == 0 {
                ids.drain(0..5);
            }
        },
    );
    assert_eq!(run.error, None);
    assert_eq!(
        run.records,
        (1..=30).collect::<Vec<_>>(),
        "11..=14 not skipped"
    );
    // 9: not anchored; 0 (9 - (10 - 1)); the overlap doubled to 2: 8, 16.
    assert_eq!(offsets(&run), [0, 9, 0, 8, 16]);
}

/// Iterates `n` orders, newest first, in pages of 10, while `per_answer` orders are created at
/// the front after each answer.
fn newest_first_with_creations(n: i64, per_answer: usize) -> Run {
    let mut s = Source::new(n);
    s.ids.reverse();
    let mut top = n;
    drive_changing(
        &mut Paginator::iterate(&query(r#"{"limit":10}"#)),
        &mut s,
        |_, ids| {
            for _ in 0..per_answer {
                top += 1;
                ids.insert(0, top);
            }
        },
    )
}

#[test]
fn orders_created_at_the_front_shift_the_pages_and_nothing_is_twice() {
    // Newest first: 3 orders are created after each answer, at the front.
    let run = newest_first_with_creations(40, 3);
    assert_eq!(run.error, None);
    assert_eq!(
        run.records,
        (1..=40).rev().collect::<Vec<_>>(),
        "the first 40, once"
    );
}

#[test]
fn a_list_that_changes_faster_than_it_is_read_stops_with_a_decode_error() {
    // 20 orders created at the front for every page of 10: no page ever holds a new one.
    let run = newest_first_with_creations(40, 20);
    decode_error(&run, "the list changes faster than it can be paged");
    let mut seen = std::collections::HashSet::new();
    assert!(run.records.iter().all(|id| seen.insert(*id)), "never twice");
    assert!(
        run.requests.len() <= 2 + 2 * STALL_LIMIT as usize,
        "{}",
        run.requests.len()
    );
}

#[test]
fn a_list_that_grows_at_its_end_faster_than_it_is_read_stops_with_a_decode_error() {
    // `sort: "id"`: 20 orders created at the end for every page of 10, forever.
    let mut s = Source::new(40);
    let mut top = 40;
    let run = drive_changing(
        &mut Paginator::iterate(&query(r#"{"limit":10}"#)),
        &mut s,
        |_, ids| {
            for _ in 0..20 {
                top += 1;
                ids.push(top);
            }
        },
    );
    decode_error(&run, "the list changes faster than it can be paged");
    // Records received stay within 8 * 40 + 64 * 10 (plus the last page).
    assert!(
        run.records.len() <= 8 * 40 + 64 * 10 + 10,
        "{}",
        run.records.len()
    );
    assert_eq!(
        run.records,
        (1..=run.records.len() as i64).collect::<Vec<_>>()
    );
}
