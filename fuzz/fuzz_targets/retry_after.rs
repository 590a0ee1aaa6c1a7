//! Fuzz target: `retry::parse_retry_after` (first 8 bytes: the clock) and `RetryPolicy::delay_ms`.
//! Invariants in `checks.rs` (shared with `tests/decode_smoke.rs`); see ../README.md.
#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::retry_after(data));
