//! Parsing the JS option objects once, into Rust values.

use crate::config::{
    check_api_key, check_header, normalize_base_url, region_base_url, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_MS, US_BASE_URL,
};
use crate::error::{Error, Result};
use crate::ratelimit::Limit as Window;
pub use crate::ratelimit::DIGICERT_LIMITS;
use crate::retry::RetryPolicy;
use crate::text::f64_text;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// The TypeScript of `ClientOptions`, `CallOptions` and the hook events, pasted by wasm-bindgen into `certcentral_wasm.d.ts`.
#[wasm_bindgen(typescript_custom_section)]
const TS_OPTIONS: &str = include_str!("types/options.d.ts");

/// `createClient` options, parsed.
pub struct ClientOptions {
    pub api_key: Option<String>,
    pub base_url: String,
    pub timeout_ms: f64,
    pub retry: RetryPolicy,
    pub fetch: Function,
    /// `fetch` came from the options: it is called as `fetch(request)`, as documented. The
    /// global fetch is called as `fetch(url, init)`, which spares it building a second
    /// `Request` from ours (undici copies it, and follows its signal with another one).
    pub fetch_injected: bool,
    pub headers: Vec<(String, String)>,
    pub on_request: Option<Function>,
    pub on_response: Option<Function>,
    pub max_response_bytes: f64,
    pub rate_limit: Vec<Window>,
    /// Requests of this key in flight at once (default 1).
    pub max_concurrency: usize,
    pub on_rate_limit: Option<Function>,
}

/// Per-call options, parsed.
#[derive(Default)]
pub struct CallOptions {
    pub signal: Option<AbortSignal>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
}

const CLIENT_KEYS: &[&str] = &[
    "apiKey",
    "baseUrl",
    "region",
    "timeoutMs",
    "maxRetries",
    "fetch",
    "headers",
    "onRequest",
    "onResponse",
    "allowInsecureHttp",
    "maxResponseBytes",
    "rateLimit",
    "maxConcurrency",
    "onRateLimit",
];
const CALL_KEYS: &[&str] = &["signal", "timeoutMs", "maxRetries"];

fn get(obj: &JsValue, key: &str) -> Result<Option<JsValue>> {
    let v = Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| Error::invalid_input(format!("could not read option {key}")))?;
    Ok(if v.is_undefined() || v.is_null() {
        None
    } else {
        Some(v)
    })
}

/// Checks that `v` is a plain object whose keys are all in `keys` (typos are errors).
pub fn object(v: &JsValue, what: &str, keys: &[&str]) -> Result<()> {
    if !v.is_object() || v.is_function() || js_sys::Array::is_array(v) {
        return Err(Error::invalid_input(format!("{what} must be an object")));
    }
    for k in Object::keys(v.unchecked_ref::<Object>()).iter() {
        let k = k.as_string().unwrap_or_default();
        if !keys.contains(&k.as_str()) {
            return Err(Error::invalid_input(format!(
                "unknown option {what}.{}; known: {}",
                crate::text::clip(&k, 40),
                keys.join(", ")
            )));
        }
    }
    Ok(())
}

fn string(v: JsValue, what: &str) -> Result<String> {
    v.as_string()
        .ok_or_else(|| Error::invalid_input(format!("{what} must be a string")))
}

fn function(v: JsValue, what: &str) -> Result<Function> {
    v.dyn_into::<Function>()
        .map_err(|_| Error::invalid_input(format!("{what} must be a function")))
}

pub(super) fn number(v: JsValue, what: &str, min: f64, max: f64) -> Result<f64> {
    match v.as_f64() {
        Some(n) if n >= min && n <= max && n.fract() == 0.0 => Ok(n),
        _ => Err(Error::invalid_input(format!(
            "{what} must be a whole number from {} to {}",
            f64_text(min),
            f64_text(max)
        ))),
    }
}

fn boolean(v: JsValue, what: &str) -> Result<bool> {
    v.as_bool()
        .ok_or_else(|| Error::invalid_input(format!("{what} must be true or false")))
}

pub(super) fn rate_limit(v: JsValue) -> Result<Vec<Window>> {
    if v.as_bool() == Some(false) {
        return Ok(Vec::new());
    }
    if v.as_bool() == Some(true) {
        return Ok(DIGICERT_LIMITS.to_vec());
    }
    let arr: js_sys::Array = v.dyn_into().map_err(|_| {
        Error::invalid_input("rateLimit must be false or an array of { max, windowMs }")
    })?;
    if arr.length() == 0 {
        return Err(Error::invalid_input(
            "rateLimit must not be empty: pass false to turn the limiter off",
        ));
    }
    let mut out = Vec::new();
    for w in arr.iter() {
        object(&w, "rateLimit[]", &["max", "windowMs"])?;
        let max =
            get(&w, "max")?.ok_or_else(|| Error::invalid_input("rateLimit[].max is required"))?;
        let window = get(&w, "windowMs")?
            .ok_or_else(|| Error::invalid_input("rateLimit[].windowMs is required"))?;
        out.push(Window {
            max: number(max, "rateLimit[].max", 1.0, 1e6)? as u32,
            window_ms: number(window, "rateLimit[].windowMs", 1.0, 86_400_000.0)?,
        });
    }
    Ok(out)
}

impl ClientOptions {
    /// Parses `createClient`'s argument (`undefined` gives the defaults).
    pub fn parse(v: &JsValue) -> Result<Self> {
        let v = if v.is_undefined() || v.is_null() {
            Object::new().into()
        } else {
            v.clone()
        };
        object(&v, "options", CLIENT_KEYS)?;
        let api_key = get(&v, "apiKey")?
            .map(|k| string(k, "apiKey"))
            .transpose()?;
        if let Some(k) = &api_key {
            check_api_key(k)?;
        }
        let allow_insecure_http = get(&v, "allowInsecureHttp")?
            .map(|b| boolean(b, "allowInsecureHttp"))
            .transpose()?
            .unwrap_or(false);
        let base = match (get(&v, "baseUrl")?, get(&v, "region")?) {
            (Some(url), _) => string(url, "baseUrl")?,
            (None, Some(region)) => region_base_url(&string(region, "region")?)?.to_owned(),
            (None, None) => US_BASE_URL.to_owned(),
        };
        let base_url = normalize_base_url(&base, allow_insecure_http)?;
        let timeout_ms = get(&v, "timeoutMs")?
            .map(|t| number(t, "timeoutMs", 1.0, 3_600_000.0))
            .transpose()?
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        let max_retries = get(&v, "maxRetries")?
            .map(|t| number(t, "maxRetries", 0.0, 20.0))
            .transpose()?
            .map(|n| n as u32);
        let retry = RetryPolicy {
            max_retries: max_retries.unwrap_or(RetryPolicy::default().max_retries),
            ..RetryPolicy::default()
        };
        let injected = get(&v, "fetch")?;
        let fetch_injected = injected.is_some();
        let fetch = match injected {
            Some(f) => function(f, "fetch")?,
            None => Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| {
                    Error::invalid_input("no global fetch in this runtime: pass options.fetch")
                })?,
        };
        let mut headers = Vec::new();
        if let Some(h) = get(&v, "headers")? {
            if !h.is_object() {
                return Err(Error::invalid_input("headers must be an object of strings"));
            }
            for entry in Object::entries(h.unchecked_ref::<Object>()).iter() {
                let pair: js_sys::Array = entry.unchecked_into();
                let name = pair.get(0).as_string().unwrap_or_default();
                let value = string(pair.get(1), &format!("headers.{name}"))?;
                check_header(&name, &value)?;
                headers.push((name, value));
            }
        }
        let on_request = get(&v, "onRequest")?
            .map(|f| function(f, "onRequest"))
            .transpose()?;
        let on_response = get(&v, "onResponse")?
            .map(|f| function(f, "onResponse"))
            .transpose()?;
        let max_response_bytes = get(&v, "maxResponseBytes")?
            .map(|n| number(n, "maxResponseBytes", 1.0, 4_294_967_296.0))
            .transpose()?
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        let max_concurrency = get(&v, "maxConcurrency")?
            .map(|n| number(n, "maxConcurrency", 1.0, 64.0))
            .transpose()?
            .map_or(1, |n| n as usize);
        let on_rate_limit = get(&v, "onRateLimit")?
            .map(|f| function(f, "onRateLimit"))
            .transpose()?;
        let rate_limit = match get(&v, "rateLimit")? {
            Some(r) => rate_limit(r)?,
            None => DIGICERT_LIMITS.to_vec(),
        };
        Ok(ClientOptions {
            api_key,
            base_url,
            timeout_ms,
            retry,
            fetch,
            fetch_injected,
            headers,
            on_request,
            on_response,
            max_response_bytes,
            rate_limit,
            max_concurrency,
            on_rate_limit,
        })
    }
}

impl CallOptions {
    /// Parses a per-call options argument (`undefined` gives the defaults).
    pub fn parse(v: &JsValue) -> Result<Self> {
        if v.is_undefined() || v.is_null() {
            return Ok(CallOptions::default());
        }
        object(v, "opts", CALL_KEYS)?;
        let signal = match get(v, "signal")? {
            Some(s) => Some(
                s.dyn_into::<AbortSignal>()
                    .map_err(|_| Error::invalid_input("opts.signal must be an AbortSignal"))?,
            ),
            None => None,
        };
        Ok(CallOptions {
            signal,
            timeout_ms: get(v, "timeoutMs")?
                .map(|t| number(t, "opts.timeoutMs", 1.0, 3_600_000.0))
                .transpose()?,
            max_retries: get(v, "maxRetries")?
                .map(|t| number(t, "opts.maxRetries", 0.0, 20.0).map(|n| n as u32))
                .transpose()?,
        })
    }
}
