//! `createClient` and the client's methods.
//!
//! Each method parses its JS arguments once, lets the core build the request, fetches it
//! through the [`Transport`], lets the core transcode the body ([`crate::transcode`]: the
//! wire JSON read once, the normalised JSON written as it goes), and hands the typed result
//! back as ONE JSON string parsed by `JSON.parse` (one boundary crossing per response, never
//! one per field).

use super::error::to_js;
use super::options::{object, CallOptions, ClientOptions};
use super::transport::{Fetched, Transport};
use crate::api::{reissues, subaccount_orders, used_codes, voucher_order, Accept, RequestSpec};
use crate::error::{Error, ErrorKind, Result};
use crate::paging::{self, PageGuard};
use crate::query::{path_id, whole_number, IdInput, Query};
use crate::transcode::{self, OrdersPage};
use js_sys::{Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortController;

/// A CertCentral client. Create one with `createClient(options)`.
#[wasm_bindgen]
pub struct Client {
    inner: Rc<Transport>,
}

/// Creates a client (the package's `createClient` awaits the module's start-up first).
#[wasm_bindgen(js_name = createClient, skip_typescript)]
pub fn create_client(options: JsValue) -> std::result::Result<Client, JsValue> {
    let opts = ClientOptions::parse(&options)?;
    Ok(Client {
        inner: Rc::new(Transport::new(opts)),
    })
}

/// Hands a transcoded JSON text to JS: one `JSON.parse`.
fn to_js_value(json: &str) -> Result<JsValue> {
    js_sys::JSON::parse(json).map_err(|_| Error::decode("could not hand the result to JS"))
}

fn parse_query(v: &JsValue) -> Result<Query> {
    if v.is_undefined() || v.is_null() {
        return Ok(Query::default());
    }
    // serde-wasm-bindgen reads only the fields it knows: check for typos first.
    object(v, "query", &["filters", "sort", "offset", "limit"])?;
    let filters = Reflect::get(v, &"filters".into()).unwrap_or(JsValue::UNDEFINED);
    if !(filters.is_undefined() || filters.is_null())
        && (!filters.is_object() || js_sys::Array::is_array(&filters))
    {
        return Err(Error::invalid_input(
            "query.filters must be a plain object of filter names and values",
        ));
    }
    serde_wasm_bindgen::from_value(v.clone())
        .map_err(|e| Error::invalid_input(format!("invalid query: {e}")))
}

fn parse_id(v: &JsValue, what: &str) -> Result<u64> {
    let id: IdInput = serde_wasm_bindgen::from_value(v.clone())
        .map_err(|_| Error::invalid_input(format!("{what} must be a positive integer")))?;
    path_id(&id, what)
}

/// Runs a call as a Promise; its error leaves through the client's key scrubber.
fn spawn<F>(t: &Rc<Transport>, fut: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue>> + 'static,
{
    let t = t.clone();
    future_to_promise(async move { fut.await.map_err(|e| to_js(&t.scrub(e))) })
}

/// Fetches `spec` and checks that the body is what its `Accept` asked for; the caller reads
/// the text with [`Fetched::text`] (no copy of the body).
async fn fetch_checked(t: &Transport, spec: &RequestSpec, call: &CallOptions) -> Result<Fetched> {
    let r = t.get(spec, call).await?;
    let wrong = match spec.accept {
        Accept::Json => r.content_type.contains("text/html"),
        Accept::Csv => r.content_type.contains("json") || r.content_type.contains("html"),
    };
    if wrong {
        let want = if spec.accept == Accept::Csv {
            "CSV"
        } else {
            "JSON"
        };
        return Err(Error::decode(format!(
            "expected {want}, got {} (an HTML page or another format)",
            r.content_type
        ))
        .with_status(r.status)
        .with_url(r.url.clone()));
    }
    Ok(r)
}

/// A decode error of response `r`: with its URL and status.
fn of_response(e: Error, r: &Fetched) -> Error {
    let e = if e.url.is_some() {
        e
    } else {
        e.with_url(r.url.clone())
    };
    if e.status.is_some() {
        e
    } else {
        e.with_status(r.status)
    }
}

/// Fetches `spec` and decodes its body with `decode` (decode errors carry the URL and status).
async fn get_decoded<T>(
    t: &Transport,
    spec: &RequestSpec,
    call: &CallOptions,
    decode: impl FnOnce(&str) -> Result<T>,
) -> Result<T> {
    let r = fetch_checked(t, spec, call).await?;
    decode(r.text()?).map_err(|e| of_response(e, &r))
}

/// One page of subaccount orders: the orders as a JSON array, with the page.
async fn orders_page(t: &Transport, q: &Query, call: &CallOptions) -> Result<OrdersPage> {
    let spec = subaccount_orders::request(q)?;
    let offset = q.offset.map(|o| o as i64).unwrap_or(0);
    get_decoded(t, &spec, call, |body| {
        transcode::subaccount_orders_page(body, offset)
    })
    .await
}

#[wasm_bindgen]
impl Client {
    /// Lists used voucher codes (JSON).
    #[wasm_bindgen(js_name = listUsedVoucherCodes, unchecked_return_type = "Promise<UsedVoucherCodeList>")]
    pub fn list_used_voucher_codes(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "UsedVoucherCodesQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let t = self.inner.clone();
        spawn(&self.inner, async move {
            let call = CallOptions::parse(&opts)?;
            let spec = used_codes::request(&parse_query(&query)?, Accept::Json)?;
            to_js_value(&get_decoded(&t, &spec, &call, transcode::used_codes).await?)
        })
    }

    /// Exports used voucher codes as CSV text (`Accept: text/csv`).
    #[wasm_bindgen(js_name = exportUsedVoucherCodesCsv, unchecked_return_type = "Promise<string>")]
    pub fn export_used_voucher_codes_csv(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "UsedVoucherCodesQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let t = self.inner.clone();
        spawn(&self.inner, async move {
            let call = CallOptions::parse(&opts)?;
            let spec = used_codes::request(&parse_query(&query)?, Accept::Csv)?;
            let r = fetch_checked(&t, &spec, &call).await?;
            Ok(JsValue::from_str(r.text()?))
        })
    }

    /// Gets one voucher order.
    #[wasm_bindgen(js_name = getVoucherOrder, unchecked_return_type = "Promise<VoucherOrder>")]
    pub fn get_voucher_order(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string")] voucher_order_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let t = self.inner.clone();
        spawn(&self.inner, async move {
            let call = CallOptions::parse(&opts)?;
            let spec = voucher_order::request(parse_id(&voucher_order_id, "voucherOrderId")?);
            to_js_value(&get_decoded(&t, &spec, &call, transcode::voucher_order).await?)
        })
    }

    /// Lists the certificate reissues of an order.
    #[wasm_bindgen(js_name = listOrderReissues, unchecked_return_type = "Promise<ReissueList>")]
    pub fn list_order_reissues(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string")] order_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReissueOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let t = self.inner.clone();
        spawn(&self.inner, async move {
            let call = CallOptions::parse(&opts)?;
            let id = parse_id(&order_id, "orderId")?;
            let ro: reissues::ReissueOptions = if options.is_undefined() || options.is_null() {
                Default::default()
            } else {
                object(&options, "options", &["showArchived", "dedupeBySerial"])?;
                serde_wasm_bindgen::from_value(options)
                    .map_err(|e| Error::invalid_input(format!("invalid reissue options: {e}")))?
            };
            let spec = reissues::request(id, &ro);
            let dedupe = ro.dedupe_by_serial == Some(true);
            let list =
                get_decoded(&t, &spec, &call, |body| transcode::reissues(body, dedupe)).await?;
            to_js_value(&list)
        })
    }

    /// Lists one page of subaccount orders.
    #[wasm_bindgen(js_name = listSubaccountOrders, unchecked_return_type = "Promise<SubaccountOrderList>")]
    pub fn list_subaccount_orders(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SubaccountOrdersQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let t = self.inner.clone();
        spawn(&self.inner, async move {
            let call = CallOptions::parse(&opts)?;
            let q = parse_query(&query)?;
            let page = orders_page(&t, &q, &call).await?;
            if let Some(asked) = q.offset {
                // An offset was sent: an answer for another one is not the page asked for.
                paging::check_offset(asked as i64, &page.page)?;
            }
            to_js_value(&page.into_list_json())
        })
    }

    /// Collects subaccount orders over all pages, at most `max` of them.
    #[wasm_bindgen(js_name = collectSubaccountOrders, unchecked_return_type = "Promise<SubaccountOrder[]>")]
    pub fn collect_subaccount_orders(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SubaccountOrdersQuery & { max: number }")]
        query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let t = self.inner.clone();
        spawn(&self.inner, async move {
            let call = CallOptions::parse(&opts)?;
            let (q, max) = split_max(&query)?;
            let mut pager = Pager::new(q);
            // The pages' arrays joined into one: `[` + each page's records + `]`.
            let mut out = String::from("[");
            let mut count = 0usize;
            while (count as f64) < max {
                let Some(page) = pager.next_page(&t, &call).await? else {
                    break;
                };
                let room = max - count as f64;
                // Cut after the last record that fits (`ends` are offsets just after each).
                let take = if (page.len as f64) > room {
                    room as usize
                } else {
                    page.len
                };
                let end = match take.checked_sub(1).and_then(|k| page.ends.get(k)) {
                    Some(&end) => end,
                    None => continue,
                };
                if count > 0 {
                    out.push(',');
                }
                out.push_str(page.json.get(1..end).unwrap_or(""));
                count += take;
            }
            out.push(']');
            to_js_value(&out)
        })
    }

    /// Iterates over all subaccount orders, page after page (`for await ... of`).
    ///
    /// Invalid input rejects the first `next()`. `break`, `return()` or the signal stop the
    /// iteration and abort a request in flight.
    #[wasm_bindgen(js_name = iterateSubaccountOrders, unchecked_return_type = "AsyncIterableIterator<SubaccountOrder>")]
    pub fn iterate_subaccount_orders(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SubaccountOrdersQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> JsValue {
        match self.order_pages(query, opts) {
            Ok(pages) => iterate_pages(JsValue::from(pages), JsValue::NULL),
            Err(e) => iterate_pages(JsValue::NULL, to_js(&self.inner.scrub(e))),
        }
    }

    fn order_pages(&self, query: JsValue, opts: JsValue) -> Result<OrderPages> {
        let mut call = CallOptions::parse(&opts)?;
        let q = parse_query(&query)?;
        // Our own controller, so `close()` can stop a request the caller no longer wants.
        let controller = AbortController::new()
            .map_err(|_| Error::new(ErrorKind::Network, "AbortController is not available"))?;
        let mut listener = None;
        if let Some(user) = call.signal.take() {
            let follow = controller.clone();
            if user.aborted() {
                follow.abort();
            } else {
                let cb = Closure::<dyn FnMut()>::new(move || follow.abort());
                let _ = user.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
                // Removed again by close(), so a long-lived signal does not collect listeners.
                listener = Some((user, cb));
            }
        }
        call.signal = Some(controller.signal());
        Ok(OrderPages {
            transport: self.inner.clone(),
            state: Rc::new(RefCell::new(PagesState {
                step: q.limit.map(|l| l as i64),
                next_offset: q.offset.map(|o| o as i64).unwrap_or(0),
                query: q,
                total: None,
                done: false,
                inflight: Default::default(),
                closed: false,
                listener,
                guard: PageGuard::default(),
            })),
            call: Rc::new(call),
            controller,
        })
    }
}

#[wasm_bindgen(module = "/src/js/iterate.js")]
extern "C" {
    #[wasm_bindgen(js_name = iteratePages)]
    fn iterate_pages(pages: JsValue, error: JsValue) -> JsValue;
}

fn split_max(query: &JsValue) -> Result<(Query, f64)> {
    if !query.is_object() {
        return Err(Error::invalid_input(
            "collectSubaccountOrders needs { max }",
        ));
    }
    let max = Reflect::get(query, &"max".into()).unwrap_or(JsValue::UNDEFINED);
    let max = match max.as_f64() {
        Some(m) if m == f64::INFINITY => m,
        Some(m) => whole_number(m, "max")? as f64,
        None => {
            return Err(Error::invalid_input(
                "max must be a whole number (or Infinity)",
            ))
        }
    };
    let rest = Object::assign(&Object::new(), query.unchecked_ref());
    let _ = Reflect::delete_property(&rest, &"max".into());
    Ok((parse_query(&rest)?, max))
}

/// Paging state: where the next page starts and when to stop.
struct Pager {
    query: Query,
    next_offset: i64,
    total: Option<i64>,
    done: bool,
    guard: PageGuard,
}

impl Pager {
    fn new(query: Query) -> Self {
        let next_offset = query.offset.map(|o| o as i64).unwrap_or(0);
        Pager {
            query,
            next_offset,
            total: None,
            done: false,
            guard: PageGuard::default(),
        }
    }

    /// The next page's records, or `None` after the last.
    async fn next_page(&mut self, t: &Transport, call: &CallOptions) -> Result<Option<OrdersPage>> {
        if self.done {
            return Ok(None);
        }
        let mut q = self.query.clone();
        q.offset = Some(self.next_offset as f64);
        let page = orders_page(t, &q, call).await?;
        if let Err(e) = self
            .guard
            .check(self.next_offset, &page.page, page.len, &page.json)
        {
            self.done = true;
            return Err(e);
        }
        if let Some(total) = self.total {
            if total != page.page.total {
                self.done = true;
                return Err(Error::decode(format!(
                    "the result set changed while paging (total {total} became {}): start again, or filter on date_created to page a fixed set",
                    page.page.total
                )));
            }
        }
        self.total = Some(page.page.total);
        let n = page.len as i64;
        self.next_offset = self.next_offset.saturating_add(n);
        if n == 0 || self.next_offset >= page.page.total {
            self.done = true;
        }
        Ok(if n == 0 { None } else { Some(page) })
    }
}

/// Reads subaccount orders page by page (behind `iterateSubaccountOrders`), pipelined: while
/// the caller waits for page N, page N+1 is already requested (its offset is N's plus the page
/// size), so the server works on N+1 while this side decodes N; when N is handed out, N+1 is
/// in flight. At most two requests are in flight; `close()` aborts them.
#[wasm_bindgen(skip_typescript)]
pub struct OrderPages {
    transport: Rc<Transport>,
    state: Rc<RefCell<PagesState>>,
    call: Rc<CallOptions>,
    controller: AbortController,
}

struct PagesState {
    query: Query,
    /// Page size: the query's `limit`, else learnt from the first page.
    step: Option<i64>,
    /// Offset of the next page to request.
    next_offset: i64,
    total: Option<i64>,
    /// No more pages to hand out.
    done: bool,
    /// Requests started, in offset order. Each promise resolves (never rejects) to an
    /// outcome object, so one nobody waits for cannot be an unhandled rejection.
    inflight: std::collections::VecDeque<(i64, Promise)>,
    closed: bool,
    /// The caller's signal and our listener on it.
    listener: Option<(web_sys::AbortSignal, Closure<dyn FnMut()>)>,
    /// Stops a pager whose server ignores `offset`.
    guard: PageGuard,
}

/// `{ ok: orders, total, len }` or `{ err: error }`.
fn outcome(r: Result<OrdersPage>, asked: i64, t: &Transport) -> JsValue {
    let o = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    };
    let checked = r.and_then(|page| {
        paging::check_page(asked, &page.page, page.len)?;
        Ok((to_js_value(&page.json)?, page))
    });
    match checked {
        Ok((orders, page)) => {
            set("ok", &orders);
            set("total", &JsValue::from_f64(page.page.total as f64));
            set("len", &JsValue::from_f64(page.len as f64));
            // The fingerprint as text: a u64 does not fit a JS number.
            set(
                "print",
                &JsValue::from_str(&paging::fingerprint(&page.json).to_string()),
            );
        }
        Err(e) => set("err", &to_js(&t.scrub(e))),
    }
    o.into()
}

fn num(o: &JsValue, k: &str) -> i64 {
    Reflect::get(o, &JsValue::from_str(k))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0) as i64
}

impl OrderPages {
    /// Starts the request for the next offset, if there is one to start.
    fn launch(&self) {
        let mut s = self.state.borrow_mut();
        if s.closed || s.done || s.inflight.len() >= 2 {
            return;
        }
        if s.total.is_some_and(|t| s.next_offset >= t) {
            return;
        }
        let Some(step) = s
            .step
            .or(if s.inflight.is_empty() { Some(0) } else { None })
        else {
            // Page size unknown until the first page arrives: one request at a time.
            return;
        };
        let offset = s.next_offset;
        let mut q = s.query.clone();
        q.offset = Some(offset as f64);
        s.next_offset = offset.saturating_add(step);
        let t = self.transport.clone();
        let call = self.call.clone();
        let p = future_to_promise(async move {
            let r = orders_page(&t, &q, &call).await;
            Ok(outcome(r, offset, &t))
        });
        s.inflight.push_back((offset, p));
    }

    /// Handles the outcome of the page at `offset`: checks, bookkeeping, the value to hand out.
    fn settle(&self, offset: i64, out: &JsValue) -> std::result::Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        let err = Reflect::get(out, &"err".into()).unwrap_or(JsValue::UNDEFINED);
        if !err.is_undefined() {
            s.done = true;
            s.inflight.clear();
            return Err(err);
        }
        let (total, len) = (num(out, "total"), num(out, "len"));
        if len > 0 {
            let print = Reflect::get(out, &"print".into())
                .ok()
                .and_then(|p| p.as_string())
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(0);
            if let Err(e) = s.guard.progress(offset, print) {
                s.done = true;
                s.inflight.clear();
                return Err(to_js(&self.transport.scrub(e)));
            }
        }
        if let Some(known) = s.total {
            if known != total {
                s.done = true;
                s.inflight.clear();
                let e = Error::decode(format!(
                    "the result set changed while paging (total {known} became {total}): start again, or filter on date_created to page a fixed set"
                ));
                return Err(to_js(&self.transport.scrub(e)));
            }
        }
        s.total = Some(total);
        let end = offset.saturating_add(len);
        if s.step.is_none() {
            // Learnt from the first page; the next request can start now.
            s.step = Some(len.max(1));
            s.next_offset = end;
        }
        if len == 0 || end >= total {
            s.done = true;
            s.inflight.clear();
        } else if s.step.is_some_and(|step| len < step) {
            // A short page that is not the last: the pages requested ahead start at the wrong
            // offset. Drop them and go on from where this page ended, so nothing is skipped.
            s.inflight.clear();
            s.next_offset = end;
        }
        Ok(if len == 0 {
            JsValue::UNDEFINED
        } else {
            Reflect::get(out, &"ok".into()).unwrap_or(JsValue::UNDEFINED)
        })
    }
}

#[wasm_bindgen]
impl OrderPages {
    /// The next page's orders, or `undefined` after the last page.
    #[wasm_bindgen(skip_typescript)]
    pub fn next(&self) -> Promise {
        self.launch(); // the page to hand out, unless already in flight
        self.launch(); // and the one after it
        let front = self.state.borrow_mut().inflight.pop_front();
        let this = OrderPages {
            transport: self.transport.clone(),
            state: self.state.clone(),
            call: self.call.clone(),
            controller: self.controller.clone(),
        };
        future_to_promise(async move {
            let Some((offset, p)) = front else {
                return Ok(JsValue::UNDEFINED);
            };
            let out = JsFuture::from(p).await?;
            let value = this.settle(offset, &out)?;
            // Keep one page in flight while the caller works on this one (the page after it
            // is usually already requested; not when the page size was just learnt).
            let idle = this.state.borrow().inflight.is_empty();
            if !value.is_undefined() && idle {
                this.launch();
            }
            Ok(value)
        })
    }

    /// Stops: aborts the requests in flight; later `next()` calls give `undefined`.
    #[wasm_bindgen(skip_typescript)]
    pub fn close(&self) {
        self.controller.abort();
        let mut s = self.state.borrow_mut();
        s.closed = true;
        s.done = true;
        s.inflight.clear();
        if let Some((signal, cb)) = s.listener.take() {
            let _ =
                signal.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
    }
}
