//! Fuzz target: `voucher_order::decode`.
//! Invariants in `checks.rs` (shared with `tests/decode_smoke.rs`); see ../README.md.
#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::voucher_order(data));
