//! The CSV entry points: `parseUsedVoucherCodesCsv` (any input, whole result) and the
//! streaming `UsedVoucherCodesCsvParser` (`push(chunk)` -> records so far, `finish()`).
//!
//! Records cross into JS once per batch, in columns ([`Columns`]: the integers in one
//! `Float64Array`, the text cells in two strings, the ASCII ones and the others, with
//! offsets); `buildBatch` (`src/js/csv_build.js`) makes the objects in one tight loop, or
//! appends to the columns of `parseUsedVoucherCodesCsvColumns`. This beat writing the batch
//! as JSON text and `JSON.parse`-ing it (see BENCHMARKS.md).

use super::error::to_js;
use super::options::object;
use crate::csv::{Columns, CsvParser, DEFAULT_MAX_ERRORS, INTS, TEXTS};
use crate::error::{Error, ErrorKind, Result};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The TypeScript of the CSV options and results, pasted by wasm-bindgen into `certcentral_wasm.d.ts`.
#[wasm_bindgen(typescript_custom_section)]
const TS_CSV: &str = include_str!("types/csv.d.ts");

#[wasm_bindgen(module = "/src/js/csv_build.js")]
extern "C" {
    #[wasm_bindgen(js_name = buildBatch)]
    #[allow(clippy::too_many_arguments)]
    fn build_batch(
        target: &JsValue,
        nums: &js_sys::Float64Array,
        ascii: &str,
        unicode: &str,
        ascii_base: u32,
        unicode_base: u32,
        ends: &js_sys::Uint32Array,
        flags: &Uint8Array,
        kept: &Array,
        n: u32,
    );

    #[wasm_bindgen(js_name = newColumns)]
    fn new_columns() -> JsValue;

    #[wasm_bindgen(js_name = finishColumns)]
    fn finish_columns(acc: &JsValue) -> JsValue;
}

/// Records per `buildBatch` call: small enough that each call's text string stays in V8's
/// young generation (a batch-sized string lands in large-object space, which only a full GC
/// frees: a caller pushing chunks in a synchronous loop then saw RSS grow by 200+ MiB).
const RECORDS_PER_CALL: usize = 256;

/// Appends the records of one batch of columns to `out`: an array (record objects, from
/// index `out.length`) or a `newColumns()` accumulator. `kept`: the JS side of the columns'
/// kept values (see [`crate::csv::REPEAT`]), one per text column, owned by the parser that
/// owns `c`.
fn records_into(out: &JsValue, c: &Columns, kept: &Array) {
    let mut i0 = 0usize;
    while i0 < c.len {
        let i1 = i0.saturating_add(RECORDS_PER_CALL).min(c.len);
        let (from, to) = (c.text_end(i0), c.text_end(i1));
        let ascii = c
            .text
            .get(from.ascii as usize..to.ascii as usize)
            .unwrap_or("");
        let unicode = c
            .utext
            .get(from.ubytes as usize..to.ubytes as usize)
            .unwrap_or("");
        let nums = c.nums.get(i0 * INTS..i1 * INTS).unwrap_or(&[]);
        let ends = c.ends.get(i0 * TEXTS..i1 * TEXTS).unwrap_or(&[]);
        let flags = c.flags.get(i0 * TEXTS..i1 * TEXTS).unwrap_or(&[]);
        // SAFETY: the views are passed to `build_batch`, plain JS that reads them (or copies
        // them) and calls nothing in wasm, so wasm memory can neither grow (detaching them)
        // nor change while they are read; they are not kept after it returns. Views, not
        // copies: a copy is a fresh ArrayBuffer per call, which Node frees only when the
        // event loop turns.
        unsafe {
            build_batch(
                out,
                &js_sys::Float64Array::view(nums),
                ascii,
                unicode,
                from.ascii,
                from.units,
                &js_sys::Uint32Array::view(ends),
                &Uint8Array::view(flags),
                kept,
                (i1 - i0) as u32,
            );
        }
        i0 = i1;
    }
}

/// Input bytes parsed per step of one `push`: a pushed chunk of any size is copied into wasm
/// memory and parsed this much at a time, and each step's records are built before the next
/// step, so the wasm heap (the input copy and the columns) stays at about this size instead
/// of growing to hold a whole chunk and its columns (wasm memory never shrinks).
const STEP_BYTES: u32 = 64 * 1024;
/// The same bound for string chunks, in UTF-16 code units.
const STEP_UNITS: u32 = 32 * 1024;

const DEFAULT_CHUNK: f64 = 1024.0 * 1024.0;
/// The largest chunk a whole-input parse feeds at once (about 40 ms of work).
const MAX_CHUNK: u32 = 4 * 1024 * 1024;

struct Opts {
    collect_errors: bool,
    max_errors: usize,
    on_progress: Option<Function>,
    chunk: u32,
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn parse_opts(v: &JsValue, allow_stream_opts: bool) -> Result<Opts> {
    let mut o = Opts {
        collect_errors: false,
        max_errors: DEFAULT_MAX_ERRORS,
        on_progress: None,
        chunk: DEFAULT_CHUNK as u32,
    };
    if v.is_undefined() || v.is_null() {
        return Ok(o);
    }
    let keys: &[&str] = if allow_stream_opts {
        &["collectErrors", "maxErrors", "onProgress", "chunkSize"]
    } else {
        &["collectErrors", "maxErrors"]
    };
    object(v, "options", keys)?;
    let ce = get(v, "collectErrors");
    if !ce.is_undefined() {
        o.collect_errors = ce
            .as_bool()
            .ok_or_else(|| Error::invalid_input("collectErrors must be true or false"))?;
    }
    let m = get(v, "maxErrors");
    if !m.is_undefined() {
        o.max_errors = match m.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=1e9).contains(&n) => n as usize,
            _ => {
                return Err(Error::invalid_input(
                    "maxErrors must be a whole number from 0 to 1000000000",
                ))
            }
        };
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
            // Read at most MAX_CHUNK at a time whatever is asked, so that one step stays short.
            Some(n) if n.fract() == 0.0 && (1.0..=268_435_456.0).contains(&n) => {
                (n as u32).min(MAX_CHUNK)
            }
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
    /// The strings `cols` flagged to keep, one per text column.
    kept: Array,
}

impl CsvStream {
    /// A parser that keeps at most `max_errors` bad rows in `collect_errors` mode.
    fn with(collect_errors: bool, max_errors: usize) -> Self {
        CsvStream {
            inner: CsvParser::with_max_errors(collect_errors, max_errors),
            bytes: Vec::new(),
            cols: Columns::default(),
            kept: Array::new_with_length(TEXTS as u32),
        }
    }

    /// Parses `chunk`, appending its records to `out`.
    fn feed_into(&mut self, chunk: &[u8], out: &JsValue) -> Result<()> {
        self.cols.clear();
        self.inner.push_columns(chunk, &mut self.cols)?;
        records_into(out, &self.cols, &self.kept);
        Ok(())
    }

    /// Parses a string chunk a slice at a time (cut so that no surrogate pair is split).
    fn feed_str_into(&mut self, js: &js_sys::JsString, out: &JsValue) -> Result<()> {
        let len = js.length();
        let mut at = 0u32;
        while at < len {
            let mut end = at.saturating_add(STEP_UNITS).min(len);
            if end < len && (55296.0..=56319.0).contains(&js.char_code_at(end - 1)) {
                end -= 1;
            }
            let piece = js.slice(at, end).as_string().unwrap_or_default();
            self.feed_into(piece.as_bytes(), out)?;
            at = end;
        }
        Ok(())
    }

    /// Parses a byte chunk, copied into wasm a step at a time into one reused buffer.
    fn feed_bytes_into(&mut self, arr: &Uint8Array, out: &JsValue) -> Result<()> {
        let len = arr.length();
        let mut buf = std::mem::take(&mut self.bytes);
        let mut at = 0u32;
        let mut r = Ok(());
        while at < len && r.is_ok() {
            let end = at.saturating_add(STEP_BYTES).min(len);
            buf.resize((end - at) as usize, 0);
            let piece = arr.subarray(at, end);
            // A detached or shrunk buffer gives a shorter view: refuse it (copy_to would trap).
            r = if piece.length() as usize == buf.len() {
                piece.copy_to(&mut buf);
                self.feed_into(&buf, out)
            } else {
                Err(Error::invalid_input(
                    "the input buffer was detached or resized while it was read",
                ))
            };
            at = end;
        }
        self.bytes = buf;
        r
    }

    /// Parses a chunk (string, Uint8Array or ArrayBuffer), appending its records to `out`.
    fn feed_js_into(&mut self, chunk: &JsValue, out: &JsValue) -> Result<()> {
        if let Some(s) = chunk.dyn_ref::<js_sys::JsString>() {
            return self.feed_str_into(s, out);
        }
        if let Some(a) = chunk.dyn_ref::<Uint8Array>() {
            self.feed_bytes_into(a, out)
        } else if let Some(b) = chunk.dyn_ref::<js_sys::ArrayBuffer>() {
            self.feed_bytes_into(&Uint8Array::new(b), out)
        } else {
            Err(Error::invalid_input(
                "push() takes a Uint8Array, an ArrayBuffer or a string",
            ))
        }
    }

    fn feed_js(&mut self, chunk: &JsValue) -> Result<Array> {
        let out = Array::new();
        self.feed_js_into(chunk, &out)?;
        Ok(out)
    }

    /// Ends the input, appending the last records to `out`.
    fn finish_into(&mut self, out: &JsValue) -> Result<()> {
        self.cols.clear();
        self.inner.finish_columns(&mut self.cols)?;
        records_into(out, &self.cols, &self.kept);
        Ok(())
    }
}

#[wasm_bindgen(js_class = UsedVoucherCodesCsvParser)]
impl CsvStream {
    /// A parser; `{ collectErrors: true }` reports bad rows through `takeErrors()` instead
    /// of throwing.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_optional_param_type = "Pick<CsvParseOptions, \"collectErrors\" | \"maxErrors\">"
        )]
        options: JsValue,
    ) -> std::result::Result<CsvStream, JsValue> {
        let o = parse_opts(&options, false)?;
        Ok(CsvStream::with(o.collect_errors, o.max_errors))
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
        let out = Array::new();
        self.finish_into(&out)?;
        Ok(out.into())
    }

    /// With `collectErrors`: the bad rows met so far and not yet taken.
    #[wasm_bindgen(js_name = takeErrors, unchecked_return_type = "CertCentralError[]")]
    pub fn take_errors(&mut self) -> JsValue {
        errors_array(self.inner.take_errors()).into()
    }

    /// With `collectErrors`: every bad row met so far, including those past `maxErrors`
    /// that were counted but not kept.
    #[wasm_bindgen(getter, js_name = errorCount)]
    pub fn error_count(&self) -> f64 {
        self.inner.error_count() as f64
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

/// Calls `onProgress`; what it throws stops the parse (as an `invalid_input` error, the
/// thrown value kept as its `cause` by the package's wrapper).
fn progress(o: &Opts, p: &CsvStream, total: Option<f64>) -> Result<()> {
    if let Some(f) = &o.on_progress {
        let ev = Object::new();
        let _ = Reflect::set(&ev, &"bytes".into(), &JsValue::from_f64(p.bytes_consumed()));
        let _ = Reflect::set(
            &ev,
            &"total".into(),
            &total.map(JsValue::from_f64).unwrap_or(JsValue::NULL),
        );
        let _ = Reflect::set(&ev, &"rows".into(), &JsValue::from_f64(p.rows_emitted()));
        f.call1(&JsValue::UNDEFINED, &ev)
            .map_err(|_| Error::invalid_input("onProgress threw; the parse was stopped"))?;
    }
    Ok(())
}

/// Work between two turns of the event loop in a whole-input parse.
const YIELD_AFTER_MS: f64 = 40.0;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The `invalid_input` error for a problem `csv_input.js` reported as `{ message }`.
fn input_error(e: &JsValue) -> Error {
    Error::invalid_input(
        get(e, "message")
            .as_string()
            .unwrap_or_else(|| "the input could not be read".to_owned()),
    )
}

#[wasm_bindgen(module = "/src/js/csv_input.js")]
extern "C" {
    /// A chunk source for `input` (see `csv_input.js`); throws `{ message }` for a bad input.
    #[wasm_bindgen(catch, js_name = csvSource)]
    fn csv_source(input: &JsValue, chunk_size: u32) -> std::result::Result<JsValue, JsValue>;

    /// A promise that resolves on the event loop's next turn.
    #[wasm_bindgen(js_name = pause)]
    fn pause() -> Promise;
}

/// A batch target of [`parse_all`]: the next record array, or the column accumulator.
fn target<'a>(batch: &'a Option<Array>, acc: &'a JsValue) -> &'a JsValue {
    batch.as_ref().map_or(acc, |a| a.as_ref())
}

/// Parses a whole input into records (`columns` false) or columns.
///
/// `csv_input.js` turns the input into chunks (genuine strings or `Uint8Array`s, read there
/// inside try/catch); this loop feeds them to the parser, reports progress, and gives the
/// event loop a turn at least every [`YIELD_AFTER_MS`] of work.
async fn parse_all(input: JsValue, o: Opts, columns: bool) -> Result<JsValue> {
    let mut p = CsvStream::with(o.collect_errors, o.max_errors);
    // One array per input chunk, concatenated at the end: appending every record to one
    // array would store each young record into an old, large array (a slow write barrier
    // and a remembered-set entry per record).
    let mut batches: Vec<Array> = Vec::new();
    let acc = if columns {
        new_columns()
    } else {
        JsValue::UNDEFINED
    };
    let batch = |batches: &mut Vec<Array>| {
        if columns {
            return None;
        }
        batches.push(Array::new());
        batches.last().cloned()
    };
    let source = csv_source(&input, o.chunk).map_err(|e| input_error(&e))?;
    let total = get(&source, "total").as_f64();
    let next: Function = get(&source, "next").unchecked_into();
    let cancel: Function = get(&source, "cancel").unchecked_into();
    let stop = |e: Error| {
        let _ = cancel.call0(&source);
        e
    };
    let mut since_yield = now_ms();
    loop {
        let promise: Promise = next
            .call0(&source)
            .map_err(|e| stop(input_error(&e)))?
            .unchecked_into();
        let chunk = JsFuture::from(promise)
            .await
            .map_err(|e| stop(input_error(&e)))?;
        if chunk.is_null() || chunk.is_undefined() {
            break;
        }
        let b = batch(&mut batches);
        p.feed_js_into(&chunk, target(&b, &acc)).map_err(&stop)?;
        progress(&o, &p, total).map_err(&stop)?;
        if now_ms() - since_yield >= YIELD_AFTER_MS {
            let _ = JsFuture::from(pause()).await;
            since_yield = now_ms();
        }
    }
    let b = batch(&mut batches);
    p.finish_into(target(&b, &acc))?;
    progress(&o, &p, Some(p.bytes_consumed()))?;

    let out = Object::new();
    if columns {
        let _ = Reflect::set(&out, &"columns".into(), &finish_columns(&acc));
    } else {
        // Concatenate the batches in JS (`Array.prototype.concat`), a few thousand at a time
        // so tiny chunks cannot overflow the argument list.
        let mut records = Array::new();
        for group in batches.chunks(4096) {
            let concat: Function = get(&records, "concat").unchecked_into();
            records = concat
                .apply(&records, &group.iter().collect::<Array>())
                .map_err(|_| Error::new(ErrorKind::Csv, "could not collect the records"))?
                .unchecked_into();
        }
        let _ = Reflect::set(&out, &"records".into(), &records);
    }
    let _ = Reflect::set(&out, &"errors".into(), &errors_array(p.inner.take_errors()));
    let _ = Reflect::set(
        &out,
        &"errorCount".into(),
        &JsValue::from_f64(p.inner.error_count() as f64),
    );
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
        parse_all(input, o, false).await.map_err(|e| to_js(&e))
    })
}

/// Parses a whole used-codes CSV export into columns (see `UsedVoucherCodeColumns`): the same
/// records as [`parse_used_voucher_codes_csv`], with the integers in typed arrays, for
/// summaries and charts.
#[wasm_bindgen(js_name = parseUsedVoucherCodesCsvColumns, unchecked_return_type = "Promise<ParsedUsedVoucherCodeColumns>")]
pub fn parse_used_voucher_codes_csv_columns(
    #[wasm_bindgen(unchecked_param_type = "CsvInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CsvParseOptions")] options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let o = parse_opts(&options, true).map_err(|e| to_js(&e))?;
        parse_all(input, o, true).await.map_err(|e| to_js(&e))
    })
}
