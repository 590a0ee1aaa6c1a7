//! The used-codes CSV export (`Accept: text/csv` on `/voucher/download/used-codes`), parsed
//! as a stream on [`csv_core`].
//!
//! [`CsvParser`] is fed byte chunks of any size: a chunk may end anywhere (inside a quoted
//! field, between `\r` and `\n`, inside a multi-byte UTF-8 character) and the records are
//! exactly those of the whole input fed at once. It keeps only the partial record and the
//! records (or errors) the caller has not taken yet.
//!
//! A line that is whole in the chunk and simple (ending in LF or CRLF, no other CR, no `""`,
//! no line break inside quotes: the usual export line) is split in place by a word-at-a-time
//! scan; `csv_core` reads every other line, and the tests hold the two to the same records
//! and errors.
//!
//! # Format
//!
//! - RFC 4180 quoting: fields may be quoted, quoted fields may hold commas, doubled quotes
//!   (`""`) and CR/LF. LF, CRLF, CR and mixed line endings; an optional UTF-8 byte order
//!   mark; with or without a final line ending.
//! - The first non-blank row is the header. Columns are found by name (trimmed, ASCII
//!   case-insensitive), so reordered columns work and unknown extra columns are ignored.
//!   All 21 columns of [`COLUMNS`](crate::api::used_codes::COLUMNS) are required: a missing one is an error that names every
//!   missing column, and a known column named twice is an error too.
//! - Blank lines are skipped: an empty line, or a line holding one field that is empty or
//!   only white space (e.g. `   `, or a stray `""`). Such a line can never be a record (a
//!   record has at least 21 fields), so nothing is lost.
//! - The columns are the fields of `UsedVoucherCode`'s `record!` declaration, and each cell
//!   decodes by its field's declared rule ([`crate::lenient`]): integer columns ([`INT_COLS`]:
//!   `id`, `no_of_fqdns`, ...) with [`parse_int`](crate::lenient::parse_int), the other
//!   columns ([`TEXT_COLS`]) as text
//!   ([`is_blank`](crate::lenient::is_blank), blank or `" "`, is `None`, anything else is kept
//!   verbatim, surrounding spaces included). `id` and `value` must not be blank. So a CSV
//!   record equals the JSON endpoint's record for the same code.
//!
//! # Errors
//!
//! Every error is an [`Error`] of kind [`Csv`](crate::error::ErrorKind::Csv) with a 1-based
//! `line` and `column`:
//!
//! - `line` is the physical line on which the offending record STARTS (1 + the number of
//!   LF bytes before it; a lone CR ends a record but does not count as a line), so a record
//!   holding quoted newlines is reported at its first line.
//! - `column` is the 1-based field index in the CSV row (not the index in [`COLUMNS`](crate::api::used_codes::COLUMNS)):
//!   the bad cell; for a wrong field count the first missing or first extra field; for an
//!   unterminated quote the field that opened it; for a header error without a cell of its
//!   own (missing columns, empty input) `1`.
//!
//! A record is checked in this order: unterminated quote, field count, UTF-8, then its cells
//! in [`COLUMNS`](crate::api::used_codes::COLUMNS) order; the first failure is its error.
//!
//! Two modes ([`CsvParser::new`]): strict (the first error is returned and the parser
//! stays failed) and `collect_errors` (a bad row is reported in [`CsvParser::take_errors`]
//! beside the good ones and parsing goes on). Header errors and empty input are fatal in
//! both modes: without a header no row can be mapped. `collect_errors` keeps the first
//! [`DEFAULT_MAX_ERRORS`] bad rows (or as many as [`CsvParser::with_max_errors`] says) and
//! only counts the others ([`CsvParser::error_count`]), so memory stays bounded whatever the
//! input.
//!
//! # Output
//!
//! What ships is columns: [`CsvParser::push_columns`] and [`CsvParser::finish_columns`]
//! append each batch to a [`Columns`], a few flat arrays the JS shell turns into record
//! objects, without building a `UsedVoucherCode` per row.
//!
//! With the `testing` feature (the tests, benchmarks and fuzz targets; `records.rs`), the
//! parser also gives typed records (`push`, `finish`, `take_records`, and the whole-input
//! `parse`) and JSON array strings (`push_json`, `finish_json`, `parse_to_json`) that are
//! byte-identical to `serde_json::to_string(&Vec<UsedVoucherCode>)` of the same records; the
//! tests hold the columns to them, as in this example:
//!
//! ```
//! use certcentral_wasm::csv::CsvParser;
//!
//! let mut p = CsvParser::new(false);
//! p.push(b"id,value,product_name,no_of_fqdns,no_of_wildcards,shipping_method,validity_years,")?;
//! p.push(b"validity_days,status,created_date,voucher_order_id,cert_request_date,")?;
//! p.push(b"cert_validity_start_date,cert_validity_end_date,cert_organization,cert_common_name,")?;
//! p.push(b"certificate_order_id,voucher_validity_end_date,order_valid_from,order_valid_till,server_licenses\r\n")?;
//! p.push(b"1,CODE,\"Basic OV\",5,0,N/A,1,0,used,,7,,\" \",\" \",\"Example, Inc.\",a.com,9,,,,1\r\n")?;
//! p.finish()?;
//! let codes = p.take_records();
//! assert_eq!(codes[0].cert_organization.as_deref(), Some("Example, Inc."));
//! assert_eq!(codes[0].cert_validity_start_date, None);
//! # Ok::<(), certcentral_wasm::Error>(())
//! ```
#![deny(
    missing_docs,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod columns;
#[cfg(feature = "testing")]
mod json;
mod plain;
#[cfg(feature = "testing")]
mod records;
mod row;
pub mod writer;

pub use columns::{
    Columns, TextEnd, ASCII, ASCII_KEEP, INTS, INT_COLS, NULL, REPEAT, TEXTS, TEXT_COLS, UNICODE,
};
#[cfg(test)]
mod generated;
#[cfg(test)]
mod tests;

#[cfg(feature = "testing")]
use crate::api::used_codes::UsedVoucherCode;
use crate::error::{Error, ErrorKind};
use csv_core::{ReadRecordResult, Reader};
#[cfg(feature = "testing")]
pub use records::{parse, parse_to_json, Parsed};
use row::{Decoder, Fields, Refusal, Sink};

/// A header row with more fields than this is refused (it bounds the memory a hostile
/// header can take before the column count is known).
pub const MAX_HEADER_FIELDS: usize = 4096;

/// How many bad rows `collect_errors` mode keeps by default ([`CsvParser::new`]); the others
/// are only counted ([`CsvParser::error_count`]).
pub const DEFAULT_MAX_ERRORS: usize = 1000;

/// Streaming parser of the used-codes CSV export.
///
/// Feed chunks with [`push_columns`](Self::push_columns), end with
/// [`finish_columns`](Self::finish_columns), and drain [`take_errors`](Self::take_errors)
/// after each call to keep memory flat (with `testing`: `push`/`finish` and `take_records`,
/// or `push_json`/`finish_json`, the same way). Once a call returned `Err`, every later call
/// returns the same error.
pub struct CsvParser {
    rdr: Reader,
    /// The first bytes of the input, held until there are 3 of them, so `csv_core` sees a
    /// possible byte order mark in one piece whatever the chunking.
    head: Vec<u8>,
    started: bool,
    finished: bool,
    failed: Option<Error>,
    buf: RecordBuf,
    dec: Decoder,
    /// Records completed by `push` and not yet taken (`testing` only).
    #[cfg(feature = "testing")]
    records: Vec<UsedVoucherCode>,
    /// `csv_core` is between records (it just returned one) and `buf` is empty: the next
    /// line may take the simple-line fast path.
    at_start: bool,
    /// Whether the simple-line fast path is used (always, except in the tests that hold it
    /// to `csv_core`).
    fast: bool,
    /// Where the fields of the record being decoded start: a simple line's, or `csv_core`'s
    /// (in `buf`).
    starts: Vec<usize>,
    /// Where the fields of a simple line end (`csv_core`'s ends are in `buf`).
    plain_ends: Vec<usize>,
    /// Lines read by the fast path (for the tests).
    #[cfg(test)]
    pub(crate) plain_lines: u64,
}

/// The partial record: `csv_core`'s output bytes and field ends, reused across records.
struct RecordBuf {
    out: Vec<u8>,
    ends: Vec<usize>,
    outlen: usize,
    endlen: usize,
    /// More fields than the header has: only the first `ncols + 1` ends are kept.
    too_many: bool,
}

impl RecordBuf {
    fn grow_out(&mut self) {
        let n = self.out.len().max(64).saturating_mul(2);
        self.out.resize(n, 0);
    }

    fn grow_ends(&mut self) {
        let n = self.ends.len().max(16).saturating_mul(2);
        self.ends.resize(n, 0);
    }

    fn clear(&mut self) {
        self.outlen = 0;
        self.endlen = 0;
        self.too_many = false;
    }
}

impl Default for CsvParser {
    fn default() -> Self {
        Self::new(false)
    }
}

impl CsvParser {
    /// A parser; `collect_errors` selects the lenient mode (bad rows are reported by
    /// [`take_errors`](Self::take_errors) and parsing goes on) instead of the strict one
    /// (the first bad row is returned as `Err`). The lenient mode keeps the first
    /// [`DEFAULT_MAX_ERRORS`] bad rows (see [`with_max_errors`](Self::with_max_errors)).
    pub fn new(collect_errors: bool) -> Self {
        Self::with_max_errors(collect_errors, DEFAULT_MAX_ERRORS)
    }

    /// A parser whose lenient mode keeps at most `max_errors` bad rows over the whole parse:
    /// the first ones, in input order. The bad rows after them are only counted
    /// ([`error_count`](Self::error_count)), without building an [`Error`], so a hostile
    /// input of bad rows cannot grow memory. The good rows are unaffected. In strict mode
    /// `max_errors` plays no part.
    pub fn with_max_errors(collect_errors: bool, max_errors: usize) -> Self {
        CsvParser {
            rdr: Reader::new(),
            head: Vec::with_capacity(3),
            started: false,
            finished: false,
            failed: None,
            buf: RecordBuf {
                out: vec![0; 4096],
                ends: vec![0; 64],
                outlen: 0,
                endlen: 0,
                too_many: false,
            },
            dec: Decoder::new(collect_errors, max_errors),
            #[cfg(feature = "testing")]
            records: Vec::new(),
            at_start: false,
            fast: true,
            starts: Vec::with_capacity(32),
            plain_ends: Vec::with_capacity(32),
            #[cfg(test)]
            plain_lines: 0,
        }
    }

    /// The same parser with every line read by `csv_core` (for tests of the fast path).
    #[cfg(test)]
    pub(crate) fn without_fast_path(mut self) -> Self {
        self.fast = false;
        self
    }

    /// Feeds the next chunk and appends the records it completes to `cols` in columns (see
    /// [`Columns`]); returns how many records it added. In strict mode a bad row is returned
    /// as `Err`. Records still queued by earlier `push` calls (`testing`) come first. On
    /// `Err`, `cols` is left as it was.
    pub fn push_columns(&mut self, chunk: &[u8], cols: &mut Columns) -> Result<usize, Error> {
        self.column_batch(cols, |p, sink| p.feed_chunk(chunk, sink))
    }

    /// Ends the input, appending the last records to `cols` in columns: parses the last record
    /// (one without a final line ending) and checks for an unterminated quote and for a
    /// missing header. Calling it again does nothing.
    pub fn finish_columns(&mut self, cols: &mut Columns) -> Result<usize, Error> {
        self.column_batch(cols, |p, sink| p.finish_inner(sink))
    }

    /// In `collect_errors` mode: the bad rows met so far and not yet taken, in input order.
    pub fn take_errors(&mut self) -> Vec<Error> {
        std::mem::take(&mut self.dec.errors)
    }

    /// Bad rows met so far: those kept for [`take_errors`](Self::take_errors) (taken or not),
    /// those past the bound of [`with_max_errors`](Self::with_max_errors), and in strict mode
    /// the one returned as `Err`. Header errors and empty input are not bad rows.
    pub fn error_count(&self) -> u64 {
        self.dec.error_count
    }

    /// Input bytes consumed so far (the byte order mark included).
    pub fn bytes_consumed(&self) -> u64 {
        self.dec.bytes
    }

    /// Records decoded so far (taken or not; bad rows are not counted).
    pub fn rows_emitted(&self) -> u64 {
        self.dec.rows
    }

    /// Runs `f` unless the parser already failed; remembers a failure.
    fn guarded<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = f(self);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn column_batch(
        &mut self,
        cols: &mut Columns,
        f: impl FnOnce(&mut Self, &mut columns::ColumnSink<'_>) -> Result<(), Error>,
    ) -> Result<usize, Error> {
        let before = cols.clone_len();
        #[cfg(feature = "testing")]
        let pending = self.queued_into(cols);
        let r = self.guarded(|p| f(p, &mut columns::ColumnSink(cols)));
        match r {
            Ok(()) => Ok(cols.len.saturating_sub(before)),
            Err(e) => {
                cols.truncate_records(before);
                #[cfg(feature = "testing")]
                {
                    self.records = pending;
                }
                Err(e)
            }
        }
    }

    fn feed_chunk<S: Sink>(&mut self, chunk: &[u8], sink: &mut S) -> Result<(), Error> {
        if self.finished {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "CSV data pushed after finish()",
            ));
        }
        let mut rest = chunk;
        if !self.started {
            let need = 3usize.saturating_sub(self.head.len()).min(rest.len());
            let (a, b) = rest.split_at(need);
            self.head.extend_from_slice(a);
            rest = b;
            if self.head.len() < 3 {
                return Ok(());
            }
            self.start(sink)?;
        }
        self.feed(rest, sink)
    }

    /// Feeds the held head bytes (the first call `csv_core` sees, so it strips a BOM).
    fn start<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        self.started = true;
        let head = std::mem::take(&mut self.head);
        self.feed(&head, sink)
    }

    /// Runs `csv_core` over `input` (never empty-as-EOF: an empty `input` does nothing).
    ///
    /// Between records (once the header is read), a whole simple line is split in place
    /// instead ([`plain::plain_line`]). `csv_core` gives such a line the same fields, and
    /// skipping it leaves `csv_core` where it was: at the start of a record, or just after a
    /// CR, where the `\n` that may follow is an empty line either way. Its line count is
    /// moved on by hand.
    fn feed<S: Sink>(&mut self, input: &[u8], sink: &mut S) -> Result<(), Error> {
        let mut rest = input;
        while !rest.is_empty() {
            if self.at_start {
                if let Some(n) = self.dec.ncols().filter(|_| self.fast) {
                    let simple = plain::plain_line(rest, &mut self.starts, &mut self.plain_ends, n);
                    if let Some(l) = simple {
                        let line = self.rdr.line();
                        let text = rest.get(..l.len).unwrap_or_default();
                        rest = rest.get(l.next..).unwrap_or_default();
                        self.dec.bytes = self.dec.bytes.saturating_add(l.next as u64);
                        self.rdr.set_line(line.saturating_add(1));
                        let f = Fields {
                            out: text,
                            starts: &self.starts,
                            ends: &self.plain_ends,
                            ascii: l.ascii,
                        };
                        #[cfg(test)]
                        {
                            self.plain_lines += 1;
                        }
                        let r = self.dec.record(f, false, false, || line, sink);
                        self.settle(r)?;
                        continue;
                    }
                }
                self.at_start = false;
            }
            let b = &mut self.buf;
            let out = b.out.get_mut(b.outlen..).unwrap_or_default();
            let ends = b.ends.get_mut(b.endlen..).unwrap_or_default();
            let (res, nin, nout, nend) = self.rdr.read_record(rest, out, ends);
            let consumed = rest.get(..nin).unwrap_or_default();
            rest = rest.get(nin..).unwrap_or_default();
            b.outlen = b.outlen.saturating_add(nout);
            b.endlen = b.endlen.saturating_add(nend);
            self.dec.bytes = self.dec.bytes.saturating_add(nin as u64);
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => b.grow_out(),
                ReadRecordResult::OutputEndsFull => self.ends_full()?,
                ReadRecordResult::Record => {
                    let term_lf = consumed.last() == Some(&b'\n');
                    self.emit(term_lf, false, sink)?;
                    self.at_start = true;
                }
                ReadRecordResult::End => break,
            }
        }
        Ok(())
    }

    fn ends_full(&mut self) -> Result<(), Error> {
        let b = &mut self.buf;
        match self.dec.ncols() {
            Some(n) if b.endlen > n && b.ends.len() > n.saturating_add(1) => {
                // Already too many fields: keep the first n + 1 ends, reuse the rest.
                b.too_many = true;
                b.endlen = n.saturating_add(1);
            }
            None if b.endlen >= MAX_HEADER_FIELDS => {
                let line = row::start_line(
                    b.out.get(..b.outlen).unwrap_or_default(),
                    self.rdr.line(),
                    false,
                );
                return Err(Error::csv(
                    format!("line {line}: the header row has more than {MAX_HEADER_FIELDS} fields"),
                    line,
                    1,
                ));
            }
            _ => b.grow_ends(),
        }
        Ok(())
    }

    /// Hands the complete record in `buf` to the decoder and clears `buf`.
    fn emit<S: Sink>(
        &mut self,
        term_lf: bool,
        unterminated: bool,
        sink: &mut S,
    ) -> Result<(), Error> {
        let b = &mut self.buf;
        let out = b.out.get(..b.outlen).unwrap_or_default();
        let ends = b.ends.get(..b.endlen).unwrap_or_default();
        let line_after = self.rdr.line();
        // csv_core writes the fields back to back: each starts where the one before ended.
        self.starts.clear();
        self.starts.push(0);
        self.starts
            .extend_from_slice(ends.get(..ends.len().saturating_sub(1)).unwrap_or_default());
        let f = Fields {
            out,
            starts: &self.starts,
            ends,
            ascii: false,
        };
        let r = self.dec.record(
            f,
            b.too_many,
            unterminated,
            || row::start_line(out, line_after, term_lf),
            sink,
        );
        b.clear();
        self.settle(r)
    }

    /// A record's outcome: a bad row is counted, and collected (lenient mode, up to the
    /// bound) or returned.
    fn settle(&mut self, r: Result<(), Refusal>) -> Result<(), Error> {
        let d = &mut self.dec;
        match r {
            Ok(()) => Ok(()),
            Err(Refusal::Dropped) => {
                d.error_count = d.error_count.saturating_add(1);
                Ok(())
            }
            Err(Refusal::Row(e)) => {
                d.error_count = d.error_count.saturating_add(1);
                if d.collect_errors {
                    d.kept = d.kept.saturating_add(1);
                    d.errors.push(e);
                    Ok(())
                } else {
                    Err(e)
                }
            }
            Err(Refusal::Fatal(e)) => Err(e),
        }
    }

    fn finish_inner<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        if self.finished {
            return Ok(());
        }
        if !self.started {
            self.start(sink)?;
        }
        // Is a quote still open? csv_core never says, and cloning its reader to probe it is
        // broken (csv-core 0.1.13's `Dfa::clone` copies only the transition table), so probe
        // the reader itself with one `\n`: at a record start it is dropped; in an open quote
        // it is copied into the field (taken back below); otherwise it ends the pending
        // record exactly as the end of input would.
        let mut unterminated = false;
        for _ in 0..64 {
            let b = &mut self.buf;
            let out = b.out.get_mut(b.outlen..).unwrap_or_default();
            let ends = b.ends.get_mut(b.endlen..).unwrap_or_default();
            let (res, _, nout, nend) = self.rdr.read_record(b"\n", out, ends);
            b.outlen = b.outlen.saturating_add(nout);
            b.endlen = b.endlen.saturating_add(nend);
            match res {
                ReadRecordResult::OutputFull => b.grow_out(),
                ReadRecordResult::OutputEndsFull => self.ends_full()?,
                ReadRecordResult::Record => {
                    self.emit(true, false, sink)?;
                    break;
                }
                ReadRecordResult::InputEmpty | ReadRecordResult::End => {
                    if nout > 0 {
                        unterminated = true;
                        b.outlen = b.outlen.saturating_sub(nout);
                        self.rdr.set_line(self.rdr.line().saturating_sub(1));
                    }
                    break;
                }
            }
        }
        // An empty input tells csv_core the data is over; it returns the last record, if
        // any, then `End`. Each round either ends or grows a buffer, so this is bounded.
        for _ in 0..64 {
            let b = &mut self.buf;
            let out = b.out.get_mut(b.outlen..).unwrap_or_default();
            let ends = b.ends.get_mut(b.endlen..).unwrap_or_default();
            let (res, _, nout, nend) = self.rdr.read_record(&[], out, ends);
            b.outlen = b.outlen.saturating_add(nout);
            b.endlen = b.endlen.saturating_add(nend);
            match res {
                ReadRecordResult::OutputFull => b.grow_out(),
                ReadRecordResult::OutputEndsFull => self.ends_full()?,
                ReadRecordResult::Record => self.emit(false, unterminated, sink)?,
                ReadRecordResult::End | ReadRecordResult::InputEmpty => break,
            }
        }
        self.finished = true;
        if !self.dec.has_header() {
            return Err(Error::csv(
                "the CSV input is empty: it has no header row",
                1,
                1,
            ));
        }
        Ok(())
    }
}
