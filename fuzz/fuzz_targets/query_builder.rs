//! Fuzz target: `query::build_query` for both endpoint SPECs, on the bytes as JSON and on a query generated from the bytes; and `query::path_id`.
//! Invariants in `checks.rs` (shared with `tests/decode_smoke.rs`); see ../README.md.
#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::query(data));
