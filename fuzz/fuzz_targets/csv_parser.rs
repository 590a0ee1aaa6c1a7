//! Fuzz target for the used-codes CSV parser (`certcentral_wasm::csv`).
//!
//! Input: arbitrary bytes. The first 8 bytes (when present) seed the chunking; the rest is
//! the CSV. Both modes (strict and `collect_errors`) run over the whole input in one chunk
//! and in random chunks (sizes 1..=N, N also from the seed), through both outputs (typed
//! records and the JSON fast path). Checked: no panic; chunking never changes records,
//! errors or the result; the JSON batches equal serde_json of the records; strict mode's
//! error is lenient mode's first one.
//!
//! Run: `cd fuzz && cargo +nightly fuzz run csv_parser` (see README.md).
#![no_main]

use certcentral_wasm::api::used_codes::UsedVoucherCode;
use certcentral_wasm::csv::CsvParser;
use certcentral_wasm::Error;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, PartialEq)]
struct Outcome {
    records: Vec<UsedVoucherCode>,
    errors: Vec<Error>,
    result: Result<(), Error>,
}

fn run_records(pieces: &[&[u8]], lenient: bool) -> Outcome {
    let mut p = CsvParser::new(lenient);
    let (mut records, mut errors, mut result) = (Vec::new(), Vec::new(), Ok(()));
    for c in pieces {
        result = p.push(c);
        records.extend(p.take_records());
        errors.extend(p.take_errors());
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = p.finish();
        records.extend(p.take_records());
        errors.extend(p.take_errors());
    }
    assert_eq!(p.rows_emitted(), records.len() as u64);
    Outcome {
        records,
        errors,
        result,
    }
}

/// The JSON path: every batch must be a JSON array; returns all records' JSON objects.
fn run_json(pieces: &[&[u8]], lenient: bool) -> (Vec<serde_json::Value>, Result<(), Error>) {
    let mut p = CsvParser::new(lenient);
    let mut all = Vec::new();
    let mut batch = String::new();
    for c in pieces {
        batch.clear();
        match p.push_json(c, &mut batch) {
            Ok(n) => {
                let v: Vec<serde_json::Value> =
                    serde_json::from_str(&batch).expect("batch is JSON");
                assert_eq!(v.len(), n);
                all.extend(v);
            }
            Err(e) => return (all, Err(e)),
        }
    }
    batch.clear();
    let r = p.finish_json(&mut batch).map(|n| {
        let v: Vec<serde_json::Value> = serde_json::from_str(&batch).expect("batch is JSON");
        assert_eq!(v.len(), n);
        all.extend(v);
    });
    (all, r)
}

fn split<'a>(data: &'a [u8], mut seed: u64, max: usize) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = (1 + (seed % max as u64) as usize).min(rest.len());
        let (a, b) = rest.split_at(n);
        out.push(a);
        rest = b;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let (seed, csv) = if data.len() >= 8 {
        let (s, c) = data.split_at(8);
        (u64::from_le_bytes(s.try_into().unwrap_or([1; 8])) | 1, c)
    } else {
        (0x9e37_79b9_7f4a_7c15, data)
    };
    let max = [1usize, 2, 3, 7, 64, 4096][(seed % 6) as usize];
    let pieces = split(csv, seed, max);
    let strict = run_records(&[csv], false);
    let lenient = run_records(&[csv], true);
    assert_eq!(run_records(&pieces, false), strict);
    assert_eq!(run_records(&pieces, true), lenient);
    for (lenient_mode, o) in [(false, &strict), (true, &lenient)] {
        let (json, r) = run_json(&pieces, lenient_mode);
        assert_eq!(r, o.result);
        if r.is_ok() {
            let want: Vec<serde_json::Value> =
                serde_json::from_str(&serde_json::to_string(&o.records).unwrap()).unwrap();
            assert_eq!(json, want);
        }
    }
    assert!(strict.errors.is_empty());
    match &strict.result {
        Ok(()) => assert!(lenient.errors.is_empty() && lenient.records == strict.records),
        Err(e) => match &lenient.result {
            Err(le) => assert_eq!(le, e),
            Ok(()) => {
                assert_eq!(lenient.errors.first(), Some(e));
                assert!(lenient.records.starts_with(&strict.records));
            }
        },
    }
    for e in lenient.errors.iter().chain(strict.result.as_ref().err()) {
        assert!(
            e.line.unwrap_or(0) >= 1 && e.column.unwrap_or(0) >= 1,
            "{e:?}"
        );
    }
});
