//! Fuzz target: `subaccount_orders::decode` (first 8 bytes: the requested offset).
//! Invariants in `checks.rs` (shared with `tests/decode_smoke.rs`); see ../README.md.
#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::subaccount_orders(data));
