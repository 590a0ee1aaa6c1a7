//! The one error type of the crate, and its wire shape.
//!
//! Every fallible step returns [`Error`]; the JS shell (`src/js/`) turns it into a
//! `CertCentralError` (one class with a `kind` discriminant). Nothing here ever holds the
//! API key: request URLs carry no key, and messages are built from our own text plus
//! what the server said.

use crate::text::clip_marked;
use std::fmt;

/// What went wrong, as the `kind` property of a `CertCentralError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The server answered with a non-2xx status.
    Http,
    /// The request could not be sent or the connection failed.
    Network,
    /// An attempt took longer than `timeoutMs`.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// The response body was not what the endpoint returns.
    Decode,
    /// The caller passed something the client refuses to send.
    InvalidInput,
    /// A used-codes CSV export could not be parsed.
    Csv,
}

impl ErrorKind {
    /// The wire name (`"http"`, `"invalid_input"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Decode => "decode",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Csv => "csv",
        }
    }
}

crate::record::record! {
/// One entry of the API's error body: `{"errors": [{"code": "...", "message": "..."}]}`.
///
/// `code` is an open vocabulary (`not_found|order`, `request_limit_exceeded`, ...).
pub struct ApiErrorEntry {
    required {}
    /// Machine-readable code, e.g. `access_denied|access_denied_invalid_key` (`""` if none).
    pub code: String = "crate::lenient::string",
    /// Human-readable message from the server (`""` if none).
    pub message: String = "crate::lenient::string",
}
}

/// Most entries an error's `errors` list keeps: the first ones of the body.
pub const MAX_ERROR_ENTRIES: usize = 100;
/// Most characters of an error entry's `code` or `message` (cut with a `…`).
pub const MAX_ENTRY_CHARS: usize = 1000;
/// Most characters of any error's message (cut with a `…`).
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// The crate's error: a kind, a message, and what is known about the failed request.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The discriminant.
    pub kind: ErrorKind,
    /// A sentence for people; never contains the API key.
    pub message: String,
    /// HTTP status, for `http` errors (and decode errors of a response).
    pub status: Option<u16>,
    /// The API's error entries, when the body had them.
    pub errors: Vec<ApiErrorEntry>,
    /// The request URL (it never carries the key: the key only travels in a header).
    pub url: Option<String>,
    /// How long the server asked us to wait (from `Retry-After`), in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// 1-based line of a CSV error.
    pub line: Option<u64>,
    /// 1-based column (field index) of a CSV error.
    pub column: Option<u64>,
}

impl Error {
    /// A bare error of `kind` with `message`, cut to [`MAX_MESSAGE_CHARS`] characters.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: cap_message(message.into()),
            status: None,
            errors: Vec::new(),
            url: None,
            retry_after_ms: None,
            line: None,
            column: None,
        }
    }

    /// The caller passed a value the client will not send.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// A body that does not decode as the endpoint's model.
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode, message)
    }

    /// A CSV error at a 1-based line and column.
    pub fn csv(message: impl Into<String>, line: u64, column: u64) -> Self {
        let mut e = Self::new(ErrorKind::Csv, message);
        e.line = Some(line);
        e.column = Some(column);
        e
    }

    /// Attach the request URL.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Attach an HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

/// `m` cut to [`MAX_MESSAGE_CHARS`] characters (with a `…`); unchanged when shorter.
fn cap_message(m: String) -> String {
    if m.len() <= MAX_MESSAGE_CHARS || m.char_indices().nth(MAX_MESSAGE_CHARS).is_none() {
        m
    } else {
        clip_marked(&m, MAX_MESSAGE_CHARS).into_owned()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Crate-wide result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_capped() {
        let e = Error::decode("é".repeat(100_000));
        assert_eq!(e.message.chars().count(), MAX_MESSAGE_CHARS);
        assert!(e.message.ends_with("é…"));
        let m = "x".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(Error::invalid_input(m.clone()).message, m);
        assert_eq!(
            Error::csv("y".repeat(5000), 3, 4).message.chars().count(),
            MAX_MESSAGE_CHARS
        );
    }
}
