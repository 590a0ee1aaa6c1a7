//! [`crate::Error`] -> a JS `CertCentralError`.
//!
//! The class itself is plain JS (`pkg-template/error.js`, one class with a `kind`
//! discriminant); the package's loader registers it here at start-up, so every error this
//! crate throws is an `instanceof CertCentralError`. Without a registered class (the
//! wasm-bindgen test runner), a plain `Error` named `CertCentralError` with the same
//! properties is thrown instead.

use crate::error::Error;
use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The TypeScript of `CertCentralError`, pasted by wasm-bindgen into `certcentral_wasm.d.ts`.
#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR: &str = include_str!("types/error.d.ts");

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the `CertCentralError` constructor (called once by the package loader).
#[wasm_bindgen(js_name = "__registerErrorClass", skip_typescript)]
pub fn register_error_class(ctor: Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(ctor));
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn opt_num<T: Into<f64>>(v: Option<T>) -> JsValue {
    v.map(|n| JsValue::from_f64(n.into()))
        .unwrap_or(JsValue::NULL)
}

/// The init object `{ kind, status, errors, url, retryAfterMs, line, column }`.
fn init_object(e: &Error) -> Object {
    let init = Object::new();
    set(&init, "kind", &JsValue::from_str(e.kind.as_str()));
    set(&init, "status", &opt_num(e.status));
    let errors = Array::new();
    for entry in &e.errors {
        let o = Object::new();
        set(&o, "code", &JsValue::from_str(&entry.code));
        set(&o, "message", &JsValue::from_str(&entry.message));
        errors.push(&o);
    }
    set(&init, "errors", &errors);
    set(
        &init,
        "url",
        &e.url
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL),
    );
    set(
        &init,
        "retryAfterMs",
        &opt_num(e.retry_after_ms.map(|v| v as f64)),
    );
    set(&init, "line", &opt_num(e.line.map(|v| v as f64)));
    set(&init, "column", &opt_num(e.column.map(|v| v as f64)));
    init
}

/// Builds the JS error value for `e`.
pub fn to_js(e: &Error) -> JsValue {
    let init = init_object(e);
    let message = JsValue::from_str(&e.message);
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(ctor) = class {
        if let Ok(v) = Reflect::construct(&ctor, &Array::of2(&message, &init)) {
            return v;
        }
    }
    let err = js_sys::Error::new(&e.message);
    err.set_name("CertCentralError");
    let _ = Object::assign(&err, &init);
    err.into()
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        to_js(&e)
    }
}
