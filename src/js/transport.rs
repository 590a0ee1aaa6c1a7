//! The fetch transport: one GET with timeout, abort, a bounded body, retries and the rate
//! limiter. It only moves bytes; building requests and decoding bodies is the core's job.

use super::options::{CallOptions, ClientOptions};
use crate::api::RequestSpec;
use crate::config::{redact, KEY_HEADER};
use crate::error::{Error, ErrorKind, Result};
use crate::ratelimit::RateLimiter;
use crate::retry::{parse_retry_after, Outcome, RetryPolicy, Rng};
use gloo_net::http::{Headers, Method, RequestBuilder, Response};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader, RequestInit};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A client's shared state: its options, limiter and random source.
pub struct Transport {
    pub opts: ClientOptions,
    limiter: RefCell<RateLimiter>,
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

/// Runs `f` with the guard that clears a timer and unhooks an abort listener on drop.
struct AttemptGuard {
    timer: JsValue,
    signal: Option<AbortSignal>,
    on_abort: Option<Closure<dyn FnMut()>>,
    _on_timeout: Closure<dyn FnMut()>,
    controller: AbortController,
    finished: bool,
}

impl Drop for AttemptGuard {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let (Some(sig), Some(cb)) = (&self.signal, &self.on_abort) {
            let _ = sig.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
        if !self.finished {
            // Dropped mid-flight (the caller stopped): cancel the request.
            self.controller.abort();
        }
    }
}

/// A rate-limiter slot taken for one attempt; dropping it releases the slot (the attempt's
/// window starts then). Dropped once the response headers arrived or the attempt failed.
struct Slot<'a>(&'a RefCell<RateLimiter>);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Ok(mut l) = self.0.try_borrow_mut() {
            l.release(now_ms());
        }
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn js_message(v: &JsValue) -> String {
    Reflect::get(v, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
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
        let limits = opts.rate_limit.clone();
        let seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        Transport {
            opts,
            limiter: RefCell::new(RateLimiter::new(limits)),
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
        let policy = RetryPolicy {
            max_retries: call.max_retries.unwrap_or(self.opts.retry.max_retries),
            ..self.opts.retry
        };
        let timeout = call.timeout_ms.unwrap_or(self.opts.timeout_ms);
        let signal = call.signal.as_ref();
        let mut retry = 0u32;
        loop {
            let slot = self.wait_for_rate_limit(signal).await?;
            let result = self
                .attempt(&url, spec.accept.header(), timeout, signal, retry, slot)
                .await;
            let outcome = match &result {
                Ok(r) if (200..300).contains(&r.status) => return result.map(|r| r.fetched),
                Ok(r) => Outcome::Status(r.status, r.retry_after_ms),
                Err(e) if e.kind == ErrorKind::Network => Outcome::Network,
                Err(e) if e.kind == ErrorKind::Timeout => Outcome::Timeout,
                Err(_) => return result.map(|r| r.fetched),
            };
            let rand = self.rng.borrow_mut().next_f64();
            match policy.delay_ms(retry, outcome, rand) {
                Some(delay) => {
                    sleep(delay, signal).await?;
                    retry += 1;
                }
                None => {
                    return match result {
                        Ok(r) => Err(http_error(r, self.opts.api_key.as_deref())),
                        Err(e) => Err(e),
                    }
                }
            }
        }
    }

    async fn wait_for_rate_limit(&self, signal: Option<&AbortSignal>) -> Result<Slot<'_>> {
        loop {
            let wait = self.limiter.borrow_mut().try_acquire(now_ms());
            match wait {
                None => return Ok(Slot(&self.limiter)),
                Some(ms) => sleep(ms, signal).await?,
            }
        }
    }

    fn headers(&self, accept: &str) -> Headers {
        let h = Headers::new();
        h.set("Accept", accept);
        for (k, v) in &self.opts.headers {
            h.set(k, v);
        }
        h
    }

    fn hook(&self, f: &Option<Function>, event: &Object) {
        if let Some(f) = f {
            // A throwing hook must not break the request: its error is ignored.
            let _ = f.call1(&JsValue::UNDEFINED, event);
        }
    }

    fn request_event(&self, url: &str, headers: &Headers, attempt: u32) -> Object {
        let ev = Object::new();
        let hs = Object::new();
        for (k, v) in headers.entries() {
            let _ = Reflect::set(&hs, &JsValue::from_str(&k), &JsValue::from_str(&v));
        }
        let _ = Reflect::set(&ev, &"method".into(), &"GET".into());
        let _ = Reflect::set(&ev, &"url".into(), &JsValue::from_str(url));
        let _ = Reflect::set(&ev, &"headers".into(), &hs);
        let _ = Reflect::set(&ev, &"attempt".into(), &JsValue::from(attempt));
        ev
    }

    async fn attempt(
        &self,
        url: &str,
        accept: &str,
        timeout_ms: f64,
        signal: Option<&AbortSignal>,
        attempt: u32,
        slot: Slot<'_>,
    ) -> Result<RawResponse> {
        if signal.is_some_and(|s| s.aborted()) {
            return Err(aborted().with_url(url));
        }
        let controller = AbortController::new()
            .map_err(|_| Error::new(ErrorKind::Network, "AbortController is not available"))?;
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let c = controller.clone();
            let t = timed_out.clone();
            Closure::<dyn FnMut()>::new(move || {
                t.set(true);
                c.abort();
            })
        };
        let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), timeout_ms);
        let on_abort = signal.map(|s| {
            let c = controller.clone();
            let cb = Closure::<dyn FnMut()>::new(move || c.abort());
            let _ = s.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
            cb
        });
        let mut guard = AttemptGuard {
            timer,
            signal: signal.cloned(),
            on_abort,
            _on_timeout: on_timeout,
            controller: controller.clone(),
            finished: false,
        };

        let headers = self.headers(accept);
        self.hook(
            &self.opts.on_request,
            &self.request_event(url, &headers, attempt),
        );
        if let Some(key) = &self.opts.api_key {
            headers.set(KEY_HEADER, key);
        }
        let fail = |e: JsValue| -> Error {
            let (kind, msg) = if signal.is_some_and(|s| s.aborted()) {
                (ErrorKind::Aborted, "the call was aborted".to_owned())
            } else if timed_out.get() {
                (
                    ErrorKind::Timeout,
                    format!("no complete response within {timeout_ms} ms"),
                )
            } else {
                (
                    ErrorKind::Network,
                    format!(
                        "the request failed: {}",
                        redact(&js_message(&e), self.opts.api_key.as_deref())
                    ),
                )
            };
            Error::new(kind, msg).with_url(url)
        };

        let started = now_ms();
        let promise = if self.opts.fetch_injected {
            let request = RequestBuilder::new(url)
                .method(Method::GET)
                .headers(headers)
                .abort_signal(Some(&controller.signal()))
                .build()
                .map_err(|e| {
                    Error::invalid_input(format!(
                        "could not build the request: {}",
                        redact(&e.to_string(), self.opts.api_key.as_deref())
                    ))
                    .with_url(url)
                })?;
            let raw: web_sys::Request = request.into();
            self.opts.fetch.call1(&JsValue::UNDEFINED, &raw)
        } else {
            let init = RequestInit::new();
            init.set_method("GET");
            init.set_headers(&headers.into_raw());
            init.set_signal(Some(&controller.signal()));
            self.opts
                .fetch
                .call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init)
        }
        .map_err(&fail)?;
        let promise: Promise = promise.dyn_into().map_err(|_| {
            Error::new(ErrorKind::Network, "fetch did not return a promise").with_url(url)
        })?;
        let resp = JsFuture::from(promise).await.map_err(&fail)?;
        // The server has seen the request: its rate-limit window starts now.
        drop(slot);
        let resp: web_sys::Response = resp.dyn_into().map_err(|_| {
            Error::new(ErrorKind::Network, "fetch did not resolve to a Response").with_url(url)
        })?;
        let resp = Response::from(resp);
        let status = resp.status();
        let headers = resp.headers();
        let content_type = headers
            .get("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let retry_after_ms = headers
            .get("retry-after")
            .and_then(|v| parse_retry_after(&v, now_ms()));
        if self.opts.on_response.is_some() {
            let ev = Object::new();
            let _ = Reflect::set(&ev, &"method".into(), &"GET".into());
            let _ = Reflect::set(&ev, &"url".into(), &JsValue::from_str(url));
            let _ = Reflect::set(&ev, &"status".into(), &JsValue::from(status));
            let _ = Reflect::set(&ev, &"attempt".into(), &JsValue::from(attempt));
            let _ = Reflect::set(
                &ev,
                &"durationMs".into(),
                &JsValue::from_f64(now_ms() - started),
            );
            self.hook(&self.opts.on_response, &ev);
        }

        let max = self.opts.max_response_bytes;
        let too_large = || {
            Error::decode(format!(
                "the response is larger than maxResponseBytes ({max})"
            ))
            .with_status(status)
            .with_url(url)
        };
        let declared = headers
            .get("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len as f64 > max) {
            return Err(too_large());
        }
        // Sized from Content-Length when the server sends one (checked against the bound
        // above), so the body is not copied again as it grows.
        // Capped, so a false Content-Length cannot make a tiny body reserve the whole bound.
        const MAX_PREALLOC: u64 = 8 * 1024 * 1024;
        let mut body = Vec::with_capacity(declared.unwrap_or(0).min(MAX_PREALLOC) as usize);
        if let Some(stream) = resp.body() {
            let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
            loop {
                let chunk = JsFuture::from(reader.read()).await.map_err(&fail)?;
                let done = Reflect::get(&chunk, &"done".into())
                    .map(|d| d.is_truthy())
                    .unwrap_or(true);
                if done {
                    break;
                }
                let value = Reflect::get(&chunk, &"value".into()).unwrap_or(JsValue::UNDEFINED);
                let bytes: Uint8Array = match value.dyn_into() {
                    Ok(b) => b,
                    Err(_) => break,
                };
                if body.len() as f64 + bytes.length() as f64 > max {
                    let _ = reader.cancel();
                    return Err(too_large());
                }
                let start = body.len();
                body.resize(start + bytes.length() as usize, 0);
                bytes.copy_to(&mut body[start..]);
            }
        }
        guard.finished = true;
        drop(guard);
        Ok(RawResponse {
            fetched: Fetched {
                status,
                content_type,
                body,
                url: url.to_owned(),
            },
            retry_after_ms,
        })
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

/// The `http` error of a non-2xx response. The body's error entries are redacted: a proxy
/// (or a server) that echoes the key it refused must not put it into the error.
fn http_error(r: RawResponse, key: Option<&str>) -> Error {
    let body = std::str::from_utf8(&r.body).unwrap_or("");
    let mut errors = crate::transcode::error_entries(body);
    for e in &mut errors {
        e.code = redact(&e.code, key);
        e.message = redact(&e.message, key);
    }
    let detail = errors
        .iter()
        .map(|e| format!("{}: {}", e.code, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    let mut e = Error::new(
        ErrorKind::Http,
        if detail.is_empty() {
            format!("GET {} failed with HTTP {}", r.url, r.status)
        } else {
            format!("GET {} failed with HTTP {} ({detail})", r.url, r.status)
        },
    )
    .with_status(r.status)
    .with_url(r.url.clone());
    e.errors = errors;
    e.retry_after_ms = r.retry_after_ms.map(|v| v as u64);
    e
}
