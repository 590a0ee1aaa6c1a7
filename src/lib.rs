//! # certcentral-wasm
//!
//! A typed client for four GET endpoints of DigiCert's CertCentral Services API v2, compiled
//! to WebAssembly, plus a parser for the used-codes CSV export.
//!
//! The crate is a sans-IO core ([`api`], [`query`], [`lenient`], [`error`]) that builds
//! requests and decodes responses in plain Rust, and a thin wasm-bindgen shell (`js`,
//! wasm32 only) that moves bytes over `fetch` and hands typed values to JavaScript. The shell
//! decodes with [`transcode`] (wire JSON straight to the records' JSON, for one `JSON.parse`)
//! and parses CSV into columns ([`csv::Columns`]).
//!
//! What ships is that: the core the shell calls, and the shell. The `testing` feature (turned
//! on by the tests, benchmarks and fuzz targets, never by the package) adds what only they
//! call: each endpoint's serde `decode` (the same records as Rust structs; the tests hold the
//! transcoder equal to it), the records' `Serialize` and serde twins, and the CSV parser's
//! typed-record and JSON outputs (`CsvParser::push`, `take_records`, `push_json`,
//! `csv::parse`, `csv::parse_to_json`).

// `Error` carries the request URL, the API's error entries and CSV positions (about 130
// bytes). Errors are the rare path of a network client; boxing them buys nothing measurable.
#![allow(clippy::result_large_err)]

// Layers, bottom first. A module uses only modules on the lines above its own: none on its
// own line, none below, so the module graph has no cycle. `tests/layering.rs` reads this list
// and checks every `crate::` path in src/ against it, the paths a macro expands to included
// (charged to the module that invokes it). `js` (src/js/, wasm32 only) is the top and the only
// code that may touch JavaScript (`wasm_bindgen`, `js_sys`, `web_sys`, `gloo_net`).
//
//   1. text, calendar, ratelimit, test_support: leaves (text clipped or JSON-escaped, floats
//      as text, dates, the limiter, the unit tests' helpers)
//   2. lenient: the lenient field rules (text forms; the serde decoders)
//   3. record, path: the record! macro and the Schema it fills in; serde path tracking
//   4. error: the error type (its ApiErrorEntry is a record)
//   5. config, retry, query, scheduler: options, retry policy, query strings, the request
//      queue per key
//   6. api: the endpoints (records, arguments, requests, routes)
//   7. csv, transcode: the CSV parser; the one-pass transcoder and each endpoint's
//      (`Transcode`)
//   8. paging: the pager (what to fetch next, what to hand out, the checks)
//   9. js: the wasm-bindgen shell

pub mod api;
mod calendar;
pub mod config;
pub mod csv;
pub mod error;
pub mod lenient;
pub mod paging;
#[cfg(feature = "testing")]
mod path;
pub mod query;
pub mod ratelimit;
mod record;
pub mod retry;
pub mod scheduler;
#[cfg(test)]
mod test_support;
mod text;
pub mod transcode;

pub use error::{Error, ErrorKind};

#[cfg(target_arch = "wasm32")]
pub mod js;
