//! The fetch transport: one GET with timeout, abort, a bounded body, retries and the rate
//! limiter. It only moves bytes; building requests and decoding bodies is the core's job.

use super::options::{CallOptions, ClientOptions};
use super::queue::{self, Queue};
use crate::api::RequestSpec;
use crate::config::{check_url_length, redact};
use crate::error::{Error, ErrorKind, Result};
use crate::retry::{parse_retry_after, Outcome, RetryPolicy, Rng};
use crate::text::f64_text;
use gloo_net::http::Headers;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/src/js/io.js")]
extern "C" {
    /// One attempt: see `io.js`. Resolves to a plain object; rejects with `{ kind, message }`.
    #[wasm_bindgen(catch, js_name = attempt)]
    #[allow(clippy::too_many_arguments)]
    fn js_attempt(
        fetch: &Function,
        injected: bool,
        url: &str,
        headers: &web_sys::Headers,
        key: Option<String>,
        timeout_ms: f64,
        signal: Option<AbortSignal>,
        max_bytes: f64,
        attempt: u32,
        on_request: Option<Function>,
        on_response: Option<Function>,
    ) -> std::result::Result<Promise, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A client's shared state: its options, its key's queue and a random source.
pub struct Transport {
    pub opts: ClientOptions,
    queue: Rc<Queue>,
    rng: RefCell<Rng>,
}

/// A response that arrived whole.
pub struct Fetched {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, lowercased.
    pub content_type: String,
    /// The body, at most `maxResponseBytes`.
    pub body: Vec<u8>,
    /// The URL requested.
    pub url: String,
}

impl Fetched {
    /// The body as UTF-8 text, or a decode error.
    pub fn text(&self) -> Result<&str> {
        std::str::from_utf8(&self.body).map_err(|e| {
            Error::decode(format!(
                "the response body is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ))
            .with_status(self.status)
            .with_url(self.url.clone())
        })
    }
}

/// A timeout after retries says the whole wait, not only one attempt's limit:
/// "no complete response within 30000 ms on any of 3 attempts (91234 ms in all)".
fn whole_wait(mut e: Error, retries: u32, elapsed_ms: f64) -> Error {
    if e.kind == ErrorKind::Timeout && retries > 0 {
        let total = elapsed_ms.max(0.0) as u64;
        e.message = format!(
            "{} on any of {} attempts ({} ms in all)",
            e.message,
            retries + 1,
            total
        );
    }
    e
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Waits `ms`, or fails with `aborted` as soon as `signal` fires.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<()> {
    if let Some(s) = signal {
        if s.aborted() {
            return Err(aborted());
        }
    }
    if ms <= 0.0 {
        return Ok(());
    }
    let timer: Rc<RefCell<JsValue>> = Rc::new(RefCell::new(JsValue::UNDEFINED));
    let mut listener: Option<Closure<dyn FnMut()>> = None;
    let mut on_timeout: Option<Closure<dyn FnMut()>> = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let cb = Closure::once(move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        *timer.borrow_mut() = set_timeout(cb.as_ref().unchecked_ref(), ms);
        on_timeout = Some(cb);
        if let Some(s) = signal {
            let cb = Closure::once(move || {
                let _ = reject.call0(&JsValue::UNDEFINED);
            });
            let _ = s.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
            listener = Some(cb);
        }
    });
    let result = JsFuture::from(promise).await;
    clear_timeout(&timer.borrow());
    if let (Some(s), Some(cb)) = (signal, &listener) {
        let _ = s.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
    }
    drop(on_timeout);
    result.map(|_| ()).map_err(|_| aborted())
}

fn aborted() -> Error {
    Error::new(ErrorKind::Aborted, "the call was aborted")
}

impl Transport {
    /// A transport for `opts`, seeding jitter from `Math.random`.
    pub fn new(opts: ClientOptions) -> Self {
        let seed = (js_sys::Math::random() * crate::lenient::MAX_SAFE_INTEGER as f64) as u64;
        // Clients with the same key (or, without one, the same base URL: a proxy) share one
        // queue, so one budget.
        let id = format!(
            "{}\u{0}{}",
            opts.api_key.as_deref().unwrap_or(""),
            opts.base_url
        );
        let queue = queue::shared(&id, opts.max_concurrency, opts.rate_limit.clone());
        Transport {
            opts,
            queue,
            rng: RefCell::new(Rng::new(seed)),
        }
    }

    /// Removes the key from everything an error carries (a server or a runtime may quote it).
    pub fn scrub(&self, mut e: Error) -> Error {
        let key = self.opts.api_key.as_deref();
        if key.is_some() {
            e.message = redact(&e.message, key);
            e.url = e.url.map(|u| redact(&u, key));
            for entry in &mut e.errors {
                entry.code = redact(&entry.code, key);
                entry.message = redact(&entry.message, key);
            }
        }
        e
    }

    /// The full URL of a request spec (never with the key).
    pub fn url(&self, spec: &RequestSpec) -> String {
        format!("{}{}", self.opts.base_url, spec.path)
    }

    /// GETs `spec` with retries; `Ok` only for a 2xx response read whole.
    pub async fn get(&self, spec: &RequestSpec, call: &CallOptions) -> Result<Fetched> {
        let url = self.url(spec);
        check_url_length(&url)?;
        let policy = RetryPolicy {
            max_retries: call.max_retries.unwrap_or(self.opts.retry.max_retries),
            ..self.opts.retry
        };
        let timeout = call.timeout_ms.unwrap_or(self.opts.timeout_ms);
        let signal = call.signal.as_ref();
        let started = now_ms();
        let mut retry = 0u32;
        loop {
            let mut turn = self.queue.turn(retry > 0, signal).await?;
            let result = self
                .attempt(&url, spec.accept.header(), timeout, signal, retry)
                .await;
            let outcome = match &result {
                Ok(r) if (200..300).contains(&r.status) => return result.map(|r| r.fetched),
                Ok(r) => Outcome::Status(r.status, r.retry_after_ms),
                Err(e) if e.kind == ErrorKind::Network => Outcome::Network,
                Err(e) if e.kind == ErrorKind::Timeout => Outcome::Timeout,
                Err(_) => return result.map(|r| r.fetched),
            };
            let rand = self.rng.borrow_mut().next_f64();
            if let Outcome::Status(429, _) = outcome {
                // The whole queue waits this out: Retry-After, or the backoff (even when this
                // call has no retry left, the next request must not walk into the limit).
                let wait = RetryPolicy {
                    max_retries: u32::MAX,
                    ..policy
                }
                .delay_ms(retry, outcome, rand)
                .unwrap_or(0.0);
                turn.rate_limited(wait);
                self.rate_limit_event(wait, retry, &url);
            }
            drop(turn);
            match policy.delay_ms(retry, outcome, rand) {
                Some(delay) => {
                    // After a 429 the queue's cooldown is the wait; other retries back off
                    // on their own.
                    if !matches!(outcome, Outcome::Status(429, _)) {
                        sleep(delay, signal).await?;
                    }
                    retry += 1;
                }
                None => {
                    return match result {
                        Ok(r) => Err(http_error(r, self.opts.api_key.as_deref())),
                        Err(e) => Err(whole_wait(e, retry, now_ms() - started)),
                    }
                }
            }
        }
    }

    /// Tells `onRateLimit` that a 429 paused the queue (a throwing hook is ignored).
    fn rate_limit_event(&self, wait_ms: f64, attempt: u32, url: &str) {
        if let Some(f) = &self.opts.on_rate_limit {
            let ev = js_sys::Object::new();
            let _ = Reflect::set(&ev, &"retryAfterMs".into(), &JsValue::from_f64(wait_ms));
            let _ = Reflect::set(&ev, &"attempt".into(), &JsValue::from(attempt));
            let _ = Reflect::set(&ev, &"url".into(), &JsValue::from_str(url));
            let _ = f.call1(&JsValue::UNDEFINED, &ev);
        }
    }

    /// One attempt, through `io.js` (which calls `fetch` and reads the response into plain
    /// data, so nothing a caller's code throws can unwind through wasm).
    async fn attempt(
        &self,
        url: &str,
        accept: &str,
        timeout_ms: f64,
        signal: Option<&AbortSignal>,
        attempt: u32,
    ) -> Result<RawResponse> {
        let key = self.opts.api_key.as_deref();
        // The header set without the key (io.js shows it to onRequest, then adds the key).
        let headers = Headers::new();
        headers.set("Accept", accept);
        for (k, v) in &self.opts.headers {
            headers.set(k, v);
        }
        let promise = js_attempt(
            &self.opts.fetch,
            self.opts.fetch_injected,
            url,
            &headers.into_raw(),
            self.opts.api_key.clone(),
            timeout_ms,
            signal.cloned(),
            self.opts.max_response_bytes,
            attempt,
            self.opts.on_request.clone(),
            self.opts.on_response.clone(),
        );
        let outcome = match promise {
            Ok(p) => JsFuture::from(p).await,
            Err(e) => Err(e),
        };
        let r = outcome.map_err(|e| {
            let kind = match field(&e, "kind").as_string().as_deref() {
                Some("aborted") => ErrorKind::Aborted,
                Some("timeout") => ErrorKind::Timeout,
                _ => ErrorKind::Network,
            };
            let msg = field(&e, "message")
                .as_string()
                .unwrap_or_else(|| "the request failed".to_owned());
            Error::new(kind, redact(&msg, key)).with_url(url)
        })?;
        let status = field(&r, "status").as_f64().unwrap_or(0.0);
        let status = if (0.0..=999.0).contains(&status) {
            status as u16
        } else {
            0
        };
        let retry_after_ms = field(&r, "retryAfter")
            .as_string()
            .and_then(|v| parse_retry_after(&v, now_ms()));
        if field(&r, "redirect").is_truthy() {
            let to = field(&r, "location").as_string();
            return Err(redirect_error(url, status, to.as_deref()));
        }
        if field(&r, "tooLarge").is_truthy() {
            let max = f64_text(self.opts.max_response_bytes);
            let kind = if (200..300).contains(&status) {
                ErrorKind::Decode
            } else {
                ErrorKind::Http
            };
            return Err(Error::new(
                kind,
                format!("GET {url} answered HTTP {status} with a body larger than maxResponseBytes ({max})"),
            )
            .with_status(status)
            .with_url(url));
        }
        let body = field(&r, "body")
            .dyn_into::<Uint8Array>()
            .map(|b| b.to_vec())
            .unwrap_or_default();
        Ok(RawResponse {
            fetched: Fetched {
                status,
                content_type: field(&r, "contentType").as_string().unwrap_or_default(),
                body,
                url: url.to_owned(),
            },
            retry_after_ms,
        })
    }
}

/// A property of an object `io.js` made (plain data: reading it cannot throw).
fn field(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// The error for a redirect: refused, never followed (the key must not travel elsewhere).
fn redirect_error(url: &str, status: u16, to: Option<&str>) -> Error {
    let target = match to {
        Some(origin) => format!("to {origin}"),
        None => "(its target is hidden from this page)".to_owned(),
    };
    let shown = if status == 0 {
        "a redirect".to_owned()
    } else {
        format!("HTTP {status}")
    };
    let e = Error::new(
        ErrorKind::Http,
        format!(
            "GET {url} answered with {shown}, a redirect {target}; redirects are refused so that the API key is never sent to another URL (check baseUrl)"
        ),
    )
    .with_url(url);
    if status == 0 {
        e
    } else {
        e.with_status(status)
    }
}

/// A response with what the retry policy needs.
struct RawResponse {
    fetched: Fetched,
    retry_after_ms: Option<f64>,
}

impl std::ops::Deref for RawResponse {
    type Target = Fetched;
    fn deref(&self) -> &Fetched {
        &self.fetched
    }
}

/// The `http` error of a non-2xx response: the body's error entries, capped and with the key
/// redacted (a proxy or a server that echoes the key it refused must not put it into the
/// error).
fn http_error(r: RawResponse, key: Option<&str>) -> Error {
    let body = std::str::from_utf8(&r.body).unwrap_or("");
    let mut e = crate::transcode::http_error(r.status, &r.url, body, key);
    e.retry_after_ms = r.retry_after_ms.map(|v| v as u64);
    e
}
