//! The only code that touches JavaScript: the client, its options, the fetch transport,
//! timeouts and abort, iterators, and the CSV entry points.

pub mod client;
pub mod csv;
pub mod csv_write;
pub mod error;
pub mod input;
pub mod options;
pub mod proxy;
pub mod queue;
pub mod transport;
