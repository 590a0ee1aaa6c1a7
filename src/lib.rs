//! # certcentral-wasm
//!
//! A typed client for four GET endpoints of DigiCert's CertCentral Services API v2, compiled
//! to WebAssembly, plus a parser for the used-codes CSV export.
//!
//! The crate is a sans-IO core ([`api`], [`query`], [`decode`], [`error`]) that builds
//! requests and decodes responses in plain Rust, and a thin wasm-bindgen shell (`js`,
//! wasm32 only) that moves bytes over `fetch` and hands typed values to JavaScript. The shell
//! decodes with [`transcode`] (wire JSON straight to the records' JSON, for one `JSON.parse`);
//! each endpoint's serde `decode` gives the same records as Rust structs, and the tests hold
//! the two equal.

// `Error` carries the request URL, the API's error entries and CSV positions (about 130
// bytes). Errors are the rare path of a network client; boxing them buys nothing measurable.
#![allow(clippy::result_large_err)]

pub mod api;
mod calendar;
pub mod config;
pub mod csv;
pub mod decode;
pub mod error;
mod model;
pub mod paging;
mod path;
pub mod query;
pub mod ratelimit;
pub mod retry;
pub mod scheduler;
pub mod transcode;

pub use error::{Error, ErrorKind};

#[cfg(target_arch = "wasm32")]
pub mod js;
