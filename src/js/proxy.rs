//! What `certcentral-wasm/proxy` (pkg-template/proxy.js) takes from the core: the reverse
//! mapping of a request to an endpoint, rebuilt by the client's own request builder
//! ([`proxy_route`]), and the key's request queue ([`ProxyQueue`], the client's
//! [`super::queue`]: FIFO, `maxConcurrency`, rate windows, one cooldown after a 429).
//!
//! The HTTP side (headers, CORS, streaming, timeouts) is plain JS in proxy.js: this module
//! only decides, so the wasm grows by little. These exports are internal: no TypeScript is
//! generated for them (proxy-core.js types them itself, `ProxyGlue`).

use super::error::to_js;
use super::options::{number, rate_limit, DIGICERT_LIMITS};
use super::queue::{self, Queue, Turn};
use crate::api::route_request;
use crate::retry::{parse_retry_after, Outcome, RetryPolicy};
use crate::text::write_json_str;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

/// Routes a request the proxy received: `method`, `path` (after the proxy's base path, as
/// sent, not decoded), `query` (the raw text after `?`) and the browser's `Accept`.
///
/// Returns JSON text: `{"status":0,"path":"/voucher/5","accept":"application/json"}` (the
/// path and query rebuilt by the client's request builder from the validated arguments), or
/// a refusal `{"status":404|405|400,"body":{"errors":[{"code":..,"message":..}]}}`.
#[wasm_bindgen(js_name = proxyRoute, skip_typescript)]
pub fn proxy_route(method: &str, path: &str, query: &str, accept: &str) -> String {
    let mut out = String::with_capacity(128);
    match route_request(method, path, query) {
        Ok(r) => {
            let spec = r.request_for(accept);
            out.push_str("{\"status\":0,\"path\":");
            write_json_str(&mut out, &spec.path);
            out.push_str(",\"accept\":");
            write_json_str(&mut out, spec.accept.header());
        }
        Err(r) => {
            out.push_str("{\"status\":");
            out.push_str(&r.refusal.status().to_string());
            out.push_str(",\"body\":{\"errors\":[{\"code\":");
            write_json_str(&mut out, r.refusal.code());
            out.push_str(",\"message\":");
            write_json_str(&mut out, &r.error.message);
            out.push_str("}]}");
        }
    }
    out.push('}');
    out
}

/// The proxy's request queue: the one of its key and upstream base URL in this JS realm
/// (shared with a client created there with the same key and base URL: one budget).
#[wasm_bindgen(skip_typescript)]
pub struct ProxyQueue {
    queue: Rc<Queue>,
}

/// A started upstream request's place in the queue; `free()` it when the response (or the
/// failure) arrived: that lets the next request go.
#[wasm_bindgen(skip_typescript)]
pub struct ProxyTurn {
    turn: Turn,
}

#[wasm_bindgen]
impl ProxyQueue {
    /// The queue of `id` (the key and base URL), with `maxConcurrency` (1 to 64, default 1)
    /// and `rateLimit` (`false`, or `[{ max, windowMs }]`; DigiCert's limits by default), as
    /// `createClient` reads them. Throws a `CertCentralError` for invalid values.
    #[wasm_bindgen(constructor)]
    pub fn new(id: &str, max_concurrency: JsValue, limits: JsValue) -> Result<ProxyQueue, JsValue> {
        let n = if max_concurrency.is_undefined() {
            1
        } else {
            number(max_concurrency, "maxConcurrency", 1.0, 64.0).map_err(|e| to_js(&e))? as usize
        };
        let limits = if limits.is_undefined() {
            DIGICERT_LIMITS.to_vec()
        } else {
            rate_limit(limits).map_err(|e| to_js(&e))?
        };
        Ok(ProxyQueue {
            queue: queue::shared(id, n, limits),
        })
    }

    /// Waits for a turn at the back of the queue: a promise of a [`ProxyTurn`], rejected
    /// (and the request out of the queue, unsent) when `signal` aborts first.
    pub fn turn(&self, signal: Option<AbortSignal>) -> Promise {
        let q = self.queue.clone();
        future_to_promise(async move {
            let turn = q
                .turn(false, signal.as_ref())
                .await
                .map_err(|e| to_js(&e))?;
            Ok(ProxyTurn { turn }.into())
        })
    }

    /// Milliseconds until the current 429 cooldown ends (0 when none runs).
    #[wasm_bindgen(js_name = cooldownMs)]
    pub fn cooldown_ms(&self) -> f64 {
        let now = js_sys::Date::now();
        self.queue
            .cooldown_ends()
            .map_or(0.0, |end| (end - now).max(0.0))
    }
}

#[wasm_bindgen]
impl ProxyTurn {
    /// The upstream answered 429 with this `Retry-After` (or none): when this turn is freed,
    /// the whole queue pauses for it (or for the client's first backoff without one).
    /// Returns the pause in ms.
    #[wasm_bindgen(js_name = rateLimited)]
    pub fn rate_limited(&mut self, retry_after: Option<String>) -> f64 {
        let ra = retry_after.and_then(|v| parse_retry_after(&v, js_sys::Date::now()));
        let wait = RetryPolicy {
            max_retries: u32::MAX,
            ..RetryPolicy::default()
        }
        .delay_ms(0, Outcome::Status(429, ra), 0.5)
        .unwrap_or(0.0);
        self.turn.rate_limited(wait);
        wait
    }
}
