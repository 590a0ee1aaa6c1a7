//! The callers' query, id and reissue-options arguments read into the core's input types
//! ([`Query`], [`IdInput`], [`ReissueOptions`]).
//!
//! They arrive as plain data (`plain.js` copied them: strings, numbers, booleans, `null`,
//! `undefined`, arrays, plain objects), and are read here by hand with the shapes the types'
//! serde derives accept (the core's tests decode the same types with serde). Reading them with
//! serde-wasm-bindgen instead cost about 31 KB of the .wasm (13 KB gzip): the crate, serde's
//! untagged-enum buffering and error messages, and with them core's float formatting.

use super::options::object;
use crate::api::reissues::ReissueOptions;
use crate::error::{Error, Result};
use crate::query::{DateRange, FilterValue, IdInput, Query, Sort};
use js_sys::{Array, Object, Reflect};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `null` and `undefined` both mean "not given" (serde's `Option`).
fn given(v: JsValue) -> Option<JsValue> {
    (!(v.is_undefined() || v.is_null())).then_some(v)
}

/// Property `k` of object `o` (`undefined` when it cannot be read).
fn prop(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// A plain object: an object that is neither an array nor a function.
fn is_record(v: &JsValue) -> bool {
    v.is_object() && !v.is_function() && !Array::is_array(v)
}

/// An optional string: `null`/`undefined` are `None`.
fn opt_string(v: JsValue, what: &str) -> Result<Option<String>> {
    given(v)
        .map(|v| {
            v.as_string()
                .ok_or_else(|| Error::invalid_input(format!("{what} must be a string")))
        })
        .transpose()
}

/// The call's query: `undefined`/`null` is the empty query.
pub fn query(v: &JsValue) -> Result<Query> {
    if v.is_undefined() || v.is_null() {
        return Ok(Query::default());
    }
    object(v, "query", &["filters", "sort", "offset", "limit"])?;
    let filters = match given(prop(v, "filters")) {
        None => None,
        Some(f) if is_record(&f) => Some(filters(&f)?),
        Some(_) => {
            return Err(Error::invalid_input(
                "query.filters must be a plain object of filter names and values",
            ))
        }
    };
    let sort = given(prop(v, "sort")).map(sort).transpose()?;
    let number = |k: &str| {
        given(prop(v, k))
            .map(|n| {
                n.as_f64().ok_or_else(|| {
                    Error::invalid_input(format!("invalid query: query.{k} must be a number"))
                })
            })
            .transpose()
    };
    Ok(Query {
        filters,
        sort,
        offset: number("offset")?,
        limit: number("limit")?,
    })
}

fn filters(f: &JsValue) -> Result<BTreeMap<String, Option<FilterValue>>> {
    let mut out = BTreeMap::new();
    for k in Object::keys(f.unchecked_ref::<Object>()).iter() {
        let name = k.as_string().unwrap_or_default();
        let v = Reflect::get(f, &k).unwrap_or(JsValue::UNDEFINED);
        let value = given(v).map(|v| filter_value(v, &name)).transpose()?;
        out.insert(name, value);
    }
    Ok(out)
}

/// A number, a string, or a date range: an object of `from`/`to`/`before`/`after`, or (as
/// serde reads a struct from a sequence) an array of up to four of them in that order.
fn filter_value(v: JsValue, name: &str) -> Result<FilterValue> {
    if let Some(n) = v.as_f64() {
        return Ok(FilterValue::Number(n));
    }
    if let Some(s) = v.as_string() {
        return Ok(FilterValue::Text(s));
    }
    let bad = || {
        Error::invalid_input(format!(
            "invalid query: filter {} must be a number, a string or a date range {{ from, to, before, after }}",
            crate::text::clip(name, 40)
        ))
    };
    const KEYS: [&str; 4] = ["from", "to", "before", "after"];
    let mut parts: [Option<String>; 4] = Default::default();
    if Array::is_array(&v) {
        let a: &Array = v.unchecked_ref();
        if a.length() as usize > KEYS.len() {
            return Err(bad());
        }
        for (slot, x) in parts.iter_mut().zip(a.iter()) {
            *slot = opt_string(x, "a date").map_err(|_| bad())?;
        }
    } else if is_record(&v) {
        for k in Object::keys(v.unchecked_ref::<Object>()).iter() {
            let k = k.as_string().unwrap_or_default();
            let i = KEYS.iter().position(|&n| n == k).ok_or_else(bad)?;
            if let Some(slot) = parts.get_mut(i) {
                *slot = opt_string(prop(&v, &k), "a date").map_err(|_| bad())?;
            }
        }
    } else {
        return Err(bad());
    }
    let [from, to, before, after] = parts;
    Ok(FilterValue::Range(DateRange {
        from,
        to,
        before,
        after,
    }))
}

/// `sort`: one string, or an array of strings.
fn sort(v: JsValue) -> Result<Sort> {
    if let Some(s) = v.as_string() {
        return Ok(Sort::One(s));
    }
    let bad = || {
        Error::invalid_input("invalid query: query.sort must be a string or an array of strings")
    };
    if !Array::is_array(&v) {
        return Err(bad());
    }
    v.unchecked_ref::<Array>()
        .iter()
        .map(|k| k.as_string().ok_or_else(bad))
        .collect::<Result<Vec<_>>>()
        .map(Sort::Many)
}

/// An id: a number or a string (the endpoint checks it).
pub fn id(v: &JsValue, what: &str) -> Result<IdInput> {
    if let Some(n) = v.as_f64() {
        Ok(IdInput::Number(n))
    } else if let Some(s) = v.as_string() {
        Ok(IdInput::Text(s))
    } else {
        Err(Error::invalid_input(format!(
            "{what} must be a positive integer"
        )))
    }
}

/// `listOrderReissues`' options: `undefined`/`null` gives the defaults.
pub fn reissue_options(v: &JsValue) -> Result<ReissueOptions> {
    if v.is_undefined() || v.is_null() {
        return Ok(ReissueOptions::default());
    }
    object(v, "options", &["showArchived", "dedupeBySerial"])?;
    let flag = |k: &str| {
        given(prop(v, k))
            .map(|b| {
                b.as_bool().ok_or_else(|| {
                    Error::invalid_input(format!(
                        "invalid reissue options: options.{k} must be true or false"
                    ))
                })
            })
            .transpose()
    };
    Ok(ReissueOptions {
        show_archived: flag("showArchived")?,
        dedupe_by_serial: flag("dedupeBySerial")?,
    })
}
