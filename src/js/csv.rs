//! The CSV entry points: `parseUsedVoucherCodesCsv` (any input, whole result) and the
//! streaming `UsedVoucherCodesCsvParser` (`push(chunk)` -> records so far, `finish()`).
//!
//! Records cross into JS once per batch, in columns ([`Columns`]: the integers in one
//! `Float64Array`, the text cells in one string with UTF-16 offsets); `buildRecords` (below)
//! makes the objects in one tight loop. This beat writing the batch as JSON text and
//! `JSON.parse`-ing it (see BENCHMARKS.md).

use super::error::to_js;
use super::options::object;
use crate::csv::{Columns, CsvParser, INTS, TEXTS};
use crate::error::{Error, ErrorKind, Result};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen(typescript_custom_section)]
const TS_CSV: &str = r#"
/** Options of the CSV parser. */
export interface CsvParseOptions {
  /** Report bad rows in `errors` and go on, instead of rejecting at the first one. */
  collectErrors?: boolean;
  /** Called after each chunk with the bytes read so far (and the total when known). */
  onProgress?: (progress: CsvProgress) => void;
  /** Chunk size for string (UTF-16 units), Uint8Array and ArrayBuffer inputs (default 1 Mi). */
  chunkSize?: number;
}

/** What `onProgress` sees. */
export interface CsvProgress {
  /** Input bytes read so far. */
  bytes: number;
  /** Input size in bytes when known up front (Uint8Array, ArrayBuffer, Blob), else null
   *  (strings, streams) until the last event, which always carries the final size. */
  total: number | null;
  /** Records decoded so far. */
  rows: number;
}

/** The result of `parseUsedVoucherCodesCsv`. */
export interface ParsedUsedVoucherCodes {
  /** The records, in file order; each deep-equal to what `listUsedVoucherCodes` returns. */
  records: UsedVoucherCode[];
  /** With `collectErrors`: one `CertCentralError` (kind `csv`, with line/column) per bad row. */
  errors: CertCentralError[];
  /** Input bytes read. */
  bytes: number;
}

/** Accepted inputs of `parseUsedVoucherCodesCsv`. */
export type CsvInput = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;
"#;

#[wasm_bindgen(inline_js = "
export function buildRecords(out, at, nums, text, base, ends, nulls, n) {
  let t = 0;
  let s = 0;
  const T = () => {
    const e = ends[t] - base;
    const v = nulls[t] === 1 ? null : text.slice(s, e);
    s = e;
    t++;
    return v;
  };
  const N = (x) => (x === x ? x : null);
  for (let i = 0, k = 0; i < n; i++, k += 8) {
    const value = T(), product_name = T(), shipping_method = T(), status = T(), created_date = T(),
      cert_request_date = T(), cert_validity_start_date = T(), cert_validity_end_date = T(),
      cert_organization = T(), cert_common_name = T(), voucher_validity_end_date = T(),
      order_valid_from = T(), order_valid_till = T();
    out[at + i] = {
      id: nums[k],
      value,
      product_name,
      no_of_fqdns: N(nums[k + 1]),
      no_of_wildcards: N(nums[k + 2]),
      shipping_method,
      validity_years: N(nums[k + 3]),
      validity_days: N(nums[k + 4]),
      status,
      created_date,
      voucher_order_id: N(nums[k + 5]),
      cert_request_date,
      cert_validity_start_date,
      cert_validity_end_date,
      cert_organization,
      cert_common_name,
      certificate_order_id: N(nums[k + 6]),
      voucher_validity_end_date,
      order_valid_from,
      order_valid_till,
      server_licenses: N(nums[k + 7]),
    };
  }
}
")]
extern "C" {
    #[wasm_bindgen(js_name = buildRecords)]
    #[allow(clippy::too_many_arguments)]
    fn build_records(
        out: &Array,
        at: u32,
        nums: &js_sys::Float64Array,
        text: &str,
        base: u32,
        ends: &js_sys::Uint32Array,
        nulls: &Uint8Array,
        n: u32,
    );
}

/// Records per `buildRecords` call: small enough that each call's text string stays in V8's
/// young generation (a batch-sized string lands in large-object space, which only a full GC
/// frees: a caller pushing chunks in a synchronous loop then saw RSS grow by 200+ MiB).
const RECORDS_PER_CALL: usize = 256;

/// One batch of columns -> a JS array of records.
fn records_of(c: &Columns) -> Array {
    let out = Array::new_with_length(c.len as u32);
    let ascii = c.text.is_ascii();
    let (mut byte, mut unit) = (0usize, 0u32);
    let mut i0 = 0usize;
    while i0 < c.len {
        let i1 = i0.saturating_add(RECORDS_PER_CALL).min(c.len);
        // UTF-16 end of this group's text, and the matching byte offset in `c.text`.
        let end_unit = c
            .ends
            .get((i1 * TEXTS).saturating_sub(1))
            .copied()
            .unwrap_or(unit);
        let (start_byte, base) = (byte, unit);
        if ascii {
            byte = end_unit as usize;
        } else {
            for ch in c.text.get(byte..).unwrap_or("").chars() {
                if unit >= end_unit {
                    break;
                }
                unit = unit.saturating_add(ch.len_utf16() as u32);
                byte = byte.saturating_add(ch.len_utf8());
            }
        }
        unit = end_unit;
        let text = c.text.get(start_byte..byte).unwrap_or("");
        let nums = c.nums.get(i0 * INTS..i1 * INTS).unwrap_or(&[]);
        let ends = c.ends.get(i0 * TEXTS..i1 * TEXTS).unwrap_or(&[]);
        let nulls = c.nulls.get(i0 * TEXTS..i1 * TEXTS).unwrap_or(&[]);
        // SAFETY: the views are passed to `build_records`, plain JS that reads them and calls
        // nothing in wasm, so wasm memory can neither grow (detaching them) nor change while
        // they are read; they are not kept after it returns. Views, not copies: a copy is a
        // fresh ArrayBuffer per call, which Node frees only when the event loop turns.
        unsafe {
            build_records(
                &out,
                i0 as u32,
                &js_sys::Float64Array::view(nums),
                text,
                base,
                &js_sys::Uint32Array::view(ends),
                &Uint8Array::view(nulls),
                (i1 - i0) as u32,
            );
        }
        i0 = i1;
    }
    out
}

const DEFAULT_CHUNK: f64 = 1024.0 * 1024.0;

struct Opts {
    collect_errors: bool,
    on_progress: Option<Function>,
    chunk: u32,
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn parse_opts(v: &JsValue, allow_stream_opts: bool) -> Result<Opts> {
    let mut o = Opts {
        collect_errors: false,
        on_progress: None,
        chunk: DEFAULT_CHUNK as u32,
    };
    if v.is_undefined() || v.is_null() {
        return Ok(o);
    }
    let keys: &[&str] = if allow_stream_opts {
        &["collectErrors", "onProgress", "chunkSize"]
    } else {
        &["collectErrors"]
    };
    object(v, "options", keys)?;
    let ce = get(v, "collectErrors");
    if !ce.is_undefined() {
        o.collect_errors = ce
            .as_bool()
            .ok_or_else(|| Error::invalid_input("collectErrors must be true or false"))?;
    }
    let p = get(v, "onProgress");
    if !p.is_undefined() {
        o.on_progress = Some(
            p.dyn_into()
                .map_err(|_| Error::invalid_input("onProgress must be a function"))?,
        );
    }
    let c = get(v, "chunkSize");
    if !c.is_undefined() {
        o.chunk = match c.as_f64() {
            Some(n) if n.fract() == 0.0 && (1.0..=268_435_456.0).contains(&n) => n as u32,
            _ => {
                return Err(Error::invalid_input(
                    "chunkSize must be a whole number from 1 to 268435456",
                ))
            }
        };
    }
    Ok(o)
}

fn errors_array(errors: Vec<Error>) -> Array {
    errors.iter().map(to_js).collect()
}

/// Streaming parser of the used-codes CSV export: feed chunks, take records as they complete.
///
/// ```js
/// const parser = new UsedVoucherCodesCsvParser({ collectErrors: true });
/// for await (const chunk of file.stream()) rows.push(...parser.push(chunk));
/// rows.push(...parser.finish());
/// const bad = parser.takeErrors();
/// ```
/// Memory stays bounded by one chunk's records: nothing is kept once returned.
#[wasm_bindgen(js_name = UsedVoucherCodesCsvParser)]
pub struct CsvStream {
    inner: CsvParser,
    bytes: Vec<u8>,
    cols: Columns,
}

impl CsvStream {
    fn feed(&mut self, chunk: &[u8]) -> Result<Array> {
        self.cols.clear();
        self.inner.push_columns(chunk, &mut self.cols)?;
        Ok(records_of(&self.cols))
    }

    fn feed_js(&mut self, chunk: &JsValue) -> Result<Array> {
        if let Some(s) = chunk.as_string() {
            return self.feed(s.as_bytes());
        }
        let arr: Uint8Array = if let Some(a) = chunk.dyn_ref::<Uint8Array>() {
            a.clone()
        } else if let Some(b) = chunk.dyn_ref::<js_sys::ArrayBuffer>() {
            Uint8Array::new(b)
        } else {
            return Err(Error::invalid_input(
                "push() takes a Uint8Array, an ArrayBuffer or a string",
            ));
        };
        let mut buf = std::mem::take(&mut self.bytes);
        buf.resize(arr.length() as usize, 0);
        arr.copy_to(&mut buf);
        let r = self.feed(&buf);
        self.bytes = buf;
        r
    }

    fn finish_inner(&mut self) -> Result<Array> {
        self.cols.clear();
        self.inner.finish_columns(&mut self.cols)?;
        Ok(records_of(&self.cols))
    }
}

#[wasm_bindgen(js_class = UsedVoucherCodesCsvParser)]
impl CsvStream {
    /// A parser; `{ collectErrors: true }` reports bad rows through `takeErrors()` instead
    /// of throwing.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Pick<CsvParseOptions, \"collectErrors\">")]
        options: JsValue,
    ) -> std::result::Result<CsvStream, JsValue> {
        let o = parse_opts(&options, false)?;
        Ok(CsvStream {
            inner: CsvParser::new(o.collect_errors),
            bytes: Vec::new(),
            cols: Columns::default(),
        })
    }

    /// Feeds the next chunk (split anywhere); returns the records it completed.
    #[wasm_bindgen(unchecked_return_type = "UsedVoucherCode[]")]
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] chunk: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        Ok(self.feed_js(&chunk)?.into())
    }

    /// Ends the input; returns the last records.
    #[wasm_bindgen(unchecked_return_type = "UsedVoucherCode[]")]
    pub fn finish(&mut self) -> std::result::Result<JsValue, JsValue> {
        Ok(self.finish_inner()?.into())
    }

    /// With `collectErrors`: the bad rows met so far and not yet taken.
    #[wasm_bindgen(js_name = takeErrors, unchecked_return_type = "CertCentralError[]")]
    pub fn take_errors(&mut self) -> JsValue {
        errors_array(self.inner.take_errors()).into()
    }

    /// Input bytes consumed so far.
    #[wasm_bindgen(getter, js_name = bytesConsumed)]
    pub fn bytes_consumed(&self) -> f64 {
        self.inner.bytes_consumed() as f64
    }

    /// Records decoded so far.
    #[wasm_bindgen(getter, js_name = rowsEmitted)]
    pub fn rows_emitted(&self) -> f64 {
        self.inner.rows_emitted() as f64
    }
}

fn progress(o: &Opts, p: &CsvStream, total: Option<f64>) {
    if let Some(f) = &o.on_progress {
        let ev = Object::new();
        let _ = Reflect::set(&ev, &"bytes".into(), &JsValue::from_f64(p.bytes_consumed()));
        let _ = Reflect::set(
            &ev,
            &"total".into(),
            &total.map(JsValue::from_f64).unwrap_or(JsValue::NULL),
        );
        let _ = Reflect::set(&ev, &"rows".into(), &JsValue::from_f64(p.rows_emitted()));
        // A throwing progress callback must not corrupt the parse: its error is ignored.
        let _ = f.call1(&JsValue::UNDEFINED, &ev);
    }
}

fn is_fn(v: &JsValue, name: &str) -> bool {
    get(v, name).is_function()
}

/// Yields to the event loop so progress can paint between chunks.
async fn tick() {
    let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
}

async fn parse_all(input: JsValue, o: Opts) -> Result<JsValue> {
    let mut p = CsvStream {
        inner: CsvParser::new(o.collect_errors),
        bytes: Vec::new(),
        cols: Columns::default(),
    };
    let mut batches: Vec<Array> = Vec::new();
    if let Some(js) = input.dyn_ref::<js_sys::JsString>() {
        // Encoded into wasm a slice at a time (never the whole string at once), cut so that
        // no surrogate pair is split.
        let len = js.length();
        let step = o.chunk.max(2);
        let mut at = 0u32;
        while at < len {
            let mut end = at.saturating_add(step).min(len);
            if end < len && (55296.0..=56319.0).contains(&js.char_code_at(end - 1)) {
                end -= 1;
            }
            let piece = js.slice(at, end).as_string().unwrap_or_default();
            batches.push(p.feed(piece.as_bytes())?);
            at = end;
            progress(&o, &p, None);
            if o.on_progress.is_some() {
                tick().await;
            }
        }
    } else if input.is_instance_of::<Uint8Array>() || input.is_instance_of::<js_sys::ArrayBuffer>()
    {
        let arr: Uint8Array = match input.dyn_into::<Uint8Array>() {
            Ok(a) => a,
            Err(v) => Uint8Array::new(&v),
        };
        let total = arr.length();
        let mut at = 0u32;
        while at < total {
            let end = at.saturating_add(o.chunk).min(total);
            batches.push(p.feed_js(&arr.subarray(at, end).into())?);
            at = end;
            progress(&o, &p, Some(f64::from(total)));
            if o.on_progress.is_some() {
                tick().await;
            }
        }
    } else if is_fn(&input, "getReader")
        || (is_fn(&input, "stream") && get(&input, "size").as_f64().is_some())
    {
        let (stream, total) = if is_fn(&input, "getReader") {
            (input, None)
        } else {
            let size = get(&input, "size").as_f64();
            let f: Function = get(&input, "stream").unchecked_into();
            let s = f
                .call0(&input)
                .map_err(|_| Error::invalid_input("could not read the Blob"))?;
            (s, size)
        };
        let get_reader: Function = get(&stream, "getReader").unchecked_into();
        let reader = get_reader
            .call0(&stream)
            .map_err(|_| Error::invalid_input("the stream is locked or not readable"))?;
        let read: Function = get(&reader, "read").unchecked_into();
        loop {
            let promise: Promise = read
                .call0(&reader)
                .map_err(|_| Error::invalid_input("could not read the stream"))?
                .unchecked_into();
            let chunk = JsFuture::from(promise).await.map_err(|e| {
                Error::invalid_input(format!(
                    "reading the input failed: {}",
                    get(&e, "message").as_string().unwrap_or_default()
                ))
            })?;
            if get(&chunk, "done").is_truthy() {
                break;
            }
            let fed = p.feed_js(&get(&chunk, "value"));
            if fed.is_err() {
                if let Some(cancel) = get(&reader, "cancel").dyn_ref::<Function>() {
                    let _ = cancel.call0(&reader);
                }
            }
            batches.push(fed?);
            progress(&o, &p, total);
        }
    } else {
        return Err(Error::invalid_input(
            "input must be a string, Uint8Array, ArrayBuffer, Blob or ReadableStream",
        ));
    }
    batches.push(p.finish_inner()?);
    progress(&o, &p, Some(p.bytes_consumed()));

    // Concatenate the batches in JS (`Array.prototype.concat`), a few thousand at a time so
    // tiny chunks cannot overflow the argument list.
    let mut records = Array::new();
    for group in batches.chunks(4096) {
        let concat: Function = get(&records, "concat").unchecked_into();
        records = concat
            .apply(&records, &group.iter().collect::<Array>())
            .map_err(|_| Error::new(ErrorKind::Csv, "could not collect the records"))?
            .unchecked_into();
    }
    let out = Object::new();
    let _ = Reflect::set(&out, &"records".into(), &records);
    let _ = Reflect::set(&out, &"errors".into(), &errors_array(p.inner.take_errors()));
    let _ = Reflect::set(
        &out,
        &"bytes".into(),
        &JsValue::from_f64(p.bytes_consumed()),
    );
    Ok(out.into())
}

/// Parses a whole used-codes CSV export into typed records.
#[wasm_bindgen(js_name = parseUsedVoucherCodesCsv, unchecked_return_type = "Promise<ParsedUsedVoucherCodes>")]
pub fn parse_used_voucher_codes_csv(
    #[wasm_bindgen(unchecked_param_type = "CsvInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CsvParseOptions")] options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let o = parse_opts(&options, true).map_err(|e| to_js(&e))?;
        parse_all(input, o).await.map_err(|e| to_js(&e))
    })
}
