//! The typed-record and JSON-array outputs of [`CsvParser`] ([`push`](CsvParser::push) +
//! [`take_records`](CsvParser::take_records), [`push_json`](CsvParser::push_json)) and the
//! whole-input [`parse`] and [`parse_to_json`]: what the tests, benchmarks and fuzz targets
//! hold the shipped column output to. Built with the `testing` feature only.

use super::columns::Columns;
use super::json::{join_arrays, write_row, JsonSink};
use super::row::{FieldError, Row, Sink};
use super::CsvParser;
use crate::api::used_codes::UsedVoucherCode;
use crate::error::Error;

impl CsvParser {
    /// Feeds the next chunk; the records it completes are queued for
    /// [`take_records`](Self::take_records). In strict mode a bad row is returned as `Err`
    /// (records completed before it stay queued).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let mut recs = std::mem::take(&mut self.records);
        let r = self.guarded(|p| p.feed_chunk(chunk, &mut RecordSink(&mut recs)));
        self.records = recs;
        r
    }

    /// Ends the input: parses the last record (one without a final line ending) and checks
    /// for an unterminated quote and for a missing header. Calling it again does nothing.
    pub fn finish(&mut self) -> Result<(), Error> {
        let mut recs = std::mem::take(&mut self.records);
        let r = self.guarded(|p| p.finish_inner(&mut RecordSink(&mut recs)));
        self.records = recs;
        r
    }

    /// Like [`push`](Self::push), but appends the records this chunk completes to `out` as
    /// ONE JSON array (`[]` when there are none), byte-identical to
    /// `serde_json::to_string(&records)`; returns how many records it holds. Records still
    /// queued by earlier [`push`](Self::push) calls come first in the array. On `Err`, `out`
    /// is left as it was.
    pub fn push_json(&mut self, chunk: &[u8], out: &mut String) -> Result<usize, Error> {
        self.json_batch(out, chunk.len(), |p, sink| p.feed_chunk(chunk, sink))
    }

    /// Like [`finish`](Self::finish), writing the last records as one JSON array (see
    /// [`push_json`](Self::push_json)).
    pub fn finish_json(&mut self, out: &mut String) -> Result<usize, Error> {
        self.json_batch(out, self.buf.outlen, |p, sink| p.finish_inner(sink))
    }

    /// The records completed so far and not yet taken.
    pub fn take_records(&mut self) -> Vec<UsedVoucherCode> {
        std::mem::take(&mut self.records)
    }

    /// Moves the records queued by [`push`](Self::push) into `cols` (they come before the
    /// ones a column batch adds) and returns them, to put back if the batch fails.
    pub(super) fn queued_into(&mut self, cols: &mut Columns) -> Vec<UsedVoucherCode> {
        let pending = std::mem::take(&mut self.records);
        for rec in &pending {
            cols.record(rec);
        }
        pending
    }

    fn json_batch(
        &mut self,
        out: &mut String,
        hint: usize,
        f: impl FnOnce(&mut Self, &mut JsonSink<'_>) -> Result<(), Error>,
    ) -> Result<usize, Error> {
        let mark = out.len();
        out.reserve(hint.saturating_add(hint / 2).saturating_add(2));
        let pending = std::mem::take(&mut self.records);
        let r = self.guarded(|p| {
            let mut sink = JsonSink::begin(out);
            for rec in &pending {
                sink.serde_record(rec)?;
            }
            f(p, &mut sink)?;
            Ok(sink.end())
        });
        if r.is_err() {
            out.truncate(mark);
            self.records = pending;
        }
        r
    }
}

/// Collects typed records.
struct RecordSink<'a>(&'a mut Vec<UsedVoucherCode>);

impl Sink for RecordSink<'_> {
    fn row(&mut self, r: &Row<'_>) -> Result<(), FieldError> {
        self.0.push(decode_record(r)?);
        Ok(())
    }
}

/// The typed record of a checked row: the row as the JSON path writes it (the declared rules
/// applied), read back by the record's serde decoder.
pub(crate) fn decode_record(r: &Row<'_>) -> Result<UsedVoucherCode, FieldError> {
    let mut json = String::new();
    write_row(&mut json, r)?;
    serde_json::from_str(&json).map_err(|e| FieldError::new(0, e.to_string()))
}

/// Everything one whole input gives: the records and, in `collect_errors` mode, the bad rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// The records, in input order.
    pub records: Vec<UsedVoucherCode>,
    /// The bad rows (always empty in strict mode, where the first one is the `Err`): the
    /// first [`DEFAULT_MAX_ERRORS`](super::DEFAULT_MAX_ERRORS) of them.
    pub errors: Vec<Error>,
    /// How many bad rows the input had (kept in `errors` or not).
    pub error_count: u64,
}

/// Parses a whole used-codes CSV export held in memory (see [`crate::csv`]).
pub fn parse(input: &[u8], collect_errors: bool) -> Result<Parsed, Error> {
    let mut p = CsvParser::new(collect_errors);
    p.push(input)?;
    p.finish()?;
    Ok(Parsed {
        records: p.take_records(),
        errors: p.take_errors(),
        error_count: p.error_count(),
    })
}

/// Parses a whole export into one JSON array string (see [`CsvParser::push_json`]) and the
/// bad rows of `collect_errors` mode.
pub fn parse_to_json(input: &[u8], collect_errors: bool) -> Result<(String, Vec<Error>), Error> {
    let mut p = CsvParser::new(collect_errors);
    let mut out = String::with_capacity(input.len().saturating_add(input.len() / 2));
    let mut tail = String::new();
    p.push_json(input, &mut out)?;
    p.finish_json(&mut tail)?;
    join_arrays(&mut out, &tail);
    Ok((out, p.take_errors()))
}
