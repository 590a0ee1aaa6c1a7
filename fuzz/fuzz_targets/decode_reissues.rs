//! Fuzz target: `reissues::decode` with both option settings (raw + show_archived, and dedupe_by_serial).
//! Invariants in `checks.rs` (shared with `tests/decode_smoke.rs`); see ../README.md.
#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::reissues(data));
