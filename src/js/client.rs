//! `createClient` and the client's methods.
//!
//! Every method is one path over an [`Endpoint`] of the core: its JS arguments are read once
//! into the endpoint's input, the core validates them and builds the request, the
//! [`Transport`] fetches it, and the core transcodes the body ([`crate::transcode`]: the wire
//! JSON read once, the normalised JSON written as it goes); the typed result goes back as ONE
//! JSON string parsed by `JSON.parse` (one boundary crossing per response, never one per
//! field). The pagers drive the core's [`Paginator`]: it says which page to fetch and what to
//! hand out; this side only fetches and hands over.

use super::error::to_js;
use super::options::{CallOptions, ClientOptions};
use super::transport::{Fetched, Transport};
use crate::api::reissues::{ListOrderReissues, ReissueOptions};
use crate::api::subaccount_orders::ListSubaccountOrders;
use crate::api::used_codes::ListUsedVoucherCodes;
use crate::api::voucher_order::GetVoucherOrder;
use crate::api::{Accept, Endpoint, RequestSpec};
use crate::error::{Error, ErrorKind, Result};
use crate::paging::{self, Action, Arrival, PageRequest, Paginator, Verdict};
use crate::query::{path_id, whole_number, IdInput, ListQuery, Query};
use crate::transcode::OrdersPage;
use js_sys::{Object, Promise, Reflect};
use std::cell::RefCell;
use std::collections::VecDeque;
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
fn parse_json(json: &str) -> Result<JsValue> {
    js_sys::JSON::parse(json).map_err(|_| Error::decode("could not hand the result to JS"))
}

fn parse_query(v: &JsValue) -> Result<Query> {
    super::input::query(v)
}

/// An id as JS passed it (a number or a string; checked by the endpoint).
fn read_id(v: &JsValue, what: &str) -> Result<IdInput> {
    super::input::id(v, what)
}

fn reissue_options(options: JsValue) -> Result<ReissueOptions> {
    super::input::reissue_options(&options)
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

/// How a body becomes the JSON handed to JS (the endpoint's transcoder with its arguments).
type Transcode = Box<dyn FnOnce(&str) -> Result<String>>;
/// Reads and validates a call's arguments into its request and transcoder.
type Prepare = Box<dyn FnOnce() -> Result<(RequestSpec, Transcode)>>;

impl Client {
    /// The one path of the single-response methods: read the call options, read and validate
    /// the arguments (`input`, then the endpoint's rules), fetch the endpoint's request in
    /// `accept`, and hand the body over: JSON transcoded and parsed once, CSV as its text.
    fn call<E>(
        &self,
        accept: Accept,
        opts: JsValue,
        input: impl FnOnce() -> Result<E::Input> + 'static,
    ) -> Promise
    where
        E: crate::transcode::Transcode + 'static,
        E::Args: 'static,
        E::Reading: 'static,
    {
        let prepare = move || -> Result<(RequestSpec, Transcode)> {
            let (args, reading) = E::args(&input()?)?;
            let spec = E::request_as(&args, accept)?;
            let transcode = move |body: &str| E::transcode(&args, &reading, body);
            Ok((spec, Box::new(transcode)))
        };
        fetch_with(&self.inner, accept, opts, Box::new(prepare))
    }
}

/// The endpoint-independent part of [`Client::call`] (one copy in the wasm for all methods).
fn fetch_with(t: &Rc<Transport>, accept: Accept, opts: JsValue, prepare: Prepare) -> Promise {
    let t2 = t.clone();
    spawn(t, async move {
        let call = CallOptions::parse(&opts)?;
        let (spec, transcode) = prepare()?;
        let r = fetch_checked(&t2, &spec, &call).await?;
        let body = r.text()?;
        match accept {
            Accept::Json => parse_json(&transcode(body).map_err(|e| of_response(e, &r))?),
            Accept::Csv => Ok(JsValue::from_str(body)),
        }
    })
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
        self.call::<ListUsedVoucherCodes>(Accept::Json, opts, move || parse_query(&query))
    }

    /// Exports used voucher codes as CSV text (`Accept: text/csv`).
    #[wasm_bindgen(js_name = exportUsedVoucherCodesCsv, unchecked_return_type = "Promise<string>")]
    pub fn export_used_voucher_codes_csv(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "UsedVoucherCodesQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        self.call::<ListUsedVoucherCodes>(Accept::Csv, opts, move || parse_query(&query))
    }

    /// Gets one voucher order.
    #[wasm_bindgen(js_name = getVoucherOrder, unchecked_return_type = "Promise<VoucherOrder>")]
    pub fn get_voucher_order(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string")] voucher_order_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        self.call::<GetVoucherOrder>(Accept::Json, opts, move || {
            read_id(&voucher_order_id, "voucherOrderId")
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
        self.call::<ListOrderReissues>(Accept::Json, opts, move || {
            let id = read_id(&order_id, "orderId")?;
            // The id is refused before the options are read, as it always was.
            path_id(&id, "orderId")?;
            Ok((id, reissue_options(options)?))
        })
    }

    /// Lists one page of subaccount orders.
    #[wasm_bindgen(js_name = listSubaccountOrders, unchecked_return_type = "Promise<SubaccountOrderList>")]
    pub fn list_subaccount_orders(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SubaccountOrdersQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        self.call::<ListSubaccountOrders>(Accept::Json, opts, move || parse_query(&query))
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
            let (q, ()) = ListSubaccountOrders::args(&q)?;
            let q = q.unique_sort();
            let paginator = Paginator::collect(&q, max);
            let pages = Pages::new(t, Rc::new(call), q, paginator);
            // The pages' records joined into one array.
            let mut out = String::from("[");
            while let Some((page, which)) = pages.next().await? {
                paging::push_records(&mut out, &page, &which).ok_or_else(cut_error)?;
            }
            out.push(']');
            parse_json(&out)
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
        let (q, ()) = ListSubaccountOrders::args(&parse_query(&query)?)?;
        let q = q.unique_sort();
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
        let paginator = Paginator::iterate(&q);
        Ok(OrderPages {
            pages: Rc::new(Pages::new(self.inner.clone(), Rc::new(call), q, paginator)),
            controller,
            listener: RefCell::new(listener),
        })
    }
}

#[wasm_bindgen(module = "/src/js/iterate.js")]
extern "C" {
    #[wasm_bindgen(js_name = iteratePages)]
    fn iterate_pages(pages: JsValue, error: JsValue) -> JsValue;
}

/// `collectSubaccountOrders`' query without `max`, and `max` (`None`: `Infinity`).
fn split_max(query: &JsValue) -> Result<(Query, Option<u64>)> {
    if !query.is_object() {
        return Err(Error::invalid_input(
            "collectSubaccountOrders needs { max }",
        ));
    }
    let max = Reflect::get(query, &"max".into()).unwrap_or(JsValue::UNDEFINED);
    let max = match max.as_f64() {
        Some(m) if m == f64::INFINITY => None,
        Some(m) => Some(whole_number(m, "max")?.unsigned_abs()),
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

/// The error for records the page does not hold (never expected: the paginator's indices come
/// from the page).
fn cut_error() -> Error {
    Error::decode("could not cut the page's records")
}

/// One page of subaccount orders at `q`'s offset: the orders as a JSON array, with the page.
async fn orders_page(t: &Transport, q: &ListQuery, call: &CallOptions) -> Result<OrdersPage> {
    let spec = ListSubaccountOrders::request(q);
    get_decoded(t, &spec, call, |body| ListSubaccountOrders::page(q, body)).await
}

/// A page request in flight. Its outcome is in `slot` once `done` has settled (`done` never
/// rejects, so one nobody waits for any more is no unhandled rejection).
struct InFlight {
    offset: i64,
    done: Promise,
    slot: Rc<RefCell<Option<Result<OrdersPage>>>>,
}

/// The pages of one iteration or collection: the core's [`Paginator`], which decides, and the
/// requests it asked for, which this side runs.
struct Pages {
    transport: Rc<Transport>,
    call: Rc<CallOptions>,
    query: ListQuery,
    paginator: RefCell<Paginator>,
    in_flight: RefCell<VecDeque<InFlight>>,
}

impl Pages {
    fn new(
        transport: Rc<Transport>,
        call: Rc<CallOptions>,
        query: ListQuery,
        paginator: Paginator,
    ) -> Self {
        Pages {
            transport,
            call,
            query,
            paginator: RefCell::new(paginator),
            in_flight: Default::default(),
        }
    }

    /// Starts the request the paginator asked for.
    fn start(&self, r: PageRequest) {
        let slot = Rc::new(RefCell::new(None));
        let (t, call, q, out) = (
            self.transport.clone(),
            self.call.clone(),
            r.query(&self.query),
            slot.clone(),
        );
        let done = future_to_promise(async move {
            let page = orders_page(&t, &q, &call).await;
            *out.borrow_mut() = Some(page);
            Ok(JsValue::UNDEFINED)
        });
        self.in_flight.borrow_mut().push_back(InFlight {
            offset: r.offset,
            done,
            slot,
        });
    }

    /// The next records to hand out (a page and which of its records, at least one), or
    /// `None` at the end. Pages with nothing new (the paginator stepping back) are read past.
    async fn next(&self) -> Result<Option<(OrdersPage, Vec<usize>)>> {
        loop {
            if let Some(found) = self.next_page().await? {
                return Ok(found);
            }
        }
    }

    /// One page: `Some(None)` at the end, `None` for a page with nothing to hand out.
    async fn next_page(&self) -> Result<Option<Option<(OrdersPage, Vec<usize>)>>> {
        let asked = loop {
            let action = self.paginator.borrow_mut().next_action();
            match action {
                Action::Fetch(r) => self.start(r),
                Action::Await(offset) => break offset,
                Action::Done => return Ok(Some(None)),
            }
        };
        let front = self.in_flight.borrow_mut().pop_front();
        let result = match front {
            Some(f) if f.offset == asked => {
                let _ = JsFuture::from(f.done).await;
                f.slot.borrow_mut().take()
            }
            _ => None,
        }
        .unwrap_or_else(|| {
            Err(Error::new(
                ErrorKind::Network,
                "a page request ended without an answer",
            ))
        });
        let (arrival, page) = match result {
            Ok(page) => (Ok(Arrival::of(&page)), Some(page)),
            Err(e) => (Err(e), None),
        };
        let verdict = self.paginator.borrow_mut().arrived(asked, arrival);
        {
            let p = self.paginator.borrow();
            self.in_flight
                .borrow_mut()
                .retain(|f| p.is_in_flight(f.offset));
        }
        // The next page is requested now, while the caller works on this one.
        let ahead = self.paginator.borrow_mut().ahead();
        if let Some(r) = ahead {
            self.start(r);
        }
        match (verdict, page) {
            (Verdict::Deliver(which), Some(_)) if which.is_empty() => Ok(None),
            (Verdict::Deliver(which), Some(page)) => Ok(Some(Some((page, which)))),
            (Verdict::Fail(e), _) => Err(e),
            _ => Ok(Some(None)),
        }
    }

    /// Stops: no more requests; the ones in flight are no longer awaited.
    fn close(&self) {
        self.paginator.borrow_mut().close();
        self.in_flight.borrow_mut().clear();
    }
}

/// Reads subaccount orders page by page (behind `iterateSubaccountOrders`, [`Paginator::iterate`]):
/// the next page is requested as soon as a page has arrived, so it is in flight while the
/// caller consumes this one; never two at once. `close()` aborts what is in flight.
#[wasm_bindgen(skip_typescript)]
pub struct OrderPages {
    pages: Rc<Pages>,
    controller: AbortController,
    /// The caller's signal and our listener on it.
    listener: RefCell<Option<Listener>>,
}

/// The caller's signal and our `abort` listener on it.
type Listener = (web_sys::AbortSignal, Closure<dyn FnMut()>);

#[wasm_bindgen]
impl OrderPages {
    /// The next page's orders, or `undefined` after the last page.
    #[wasm_bindgen(skip_typescript)]
    pub fn next(&self) -> Promise {
        let pages = self.pages.clone();
        spawn(&pages.transport.clone(), async move {
            match pages.next().await? {
                None => Ok(JsValue::UNDEFINED),
                Some((page, which)) if which.len() == page.len => parse_json(&page.json),
                Some((page, which)) => {
                    let mut out = String::from("[");
                    paging::push_records(&mut out, &page, &which).ok_or_else(cut_error)?;
                    out.push(']');
                    parse_json(&out)
                }
            }
        })
    }

    /// Stops: aborts the requests in flight; later `next()` calls give `undefined`.
    #[wasm_bindgen(skip_typescript)]
    pub fn close(&self) {
        self.controller.abort();
        self.pages.close();
        if let Some((signal, cb)) = self.listener.borrow_mut().take() {
            let _ =
                signal.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
    }
}
