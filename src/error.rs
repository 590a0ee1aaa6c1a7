//! The one error type of the crate, and its wire shape.
//!
//! Every fallible step returns [`Error`]; the JS shell (`src/js/`) turns it into a
//! `CertCentralError` (one class with a `kind` discriminant). Nothing here ever holds the
//! API key: request URLs carry no key, and messages are built from our own text plus
//! what the server said.

use std::borrow::Cow;
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

crate::model::record! {
/// One entry of the API's error body: `{"errors": [{"code": "...", "message": "..."}]}`.
///
/// `code` is an open vocabulary (`not_found|order`, `request_limit_exceeded`, ...).
pub struct ApiErrorEntry {
    required {}
    /// Machine-readable code, e.g. `access_denied|access_denied_invalid_key` (`""` if none).
    pub code: String = "crate::decode::string",
    /// Human-readable message from the server (`""` if none).
    pub message: String = "crate::decode::string",
}
}

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
    /// A bare error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The first `max_chars` characters of `s` (all of `s` when it is shorter), cut on a char
/// boundary: the one helper for quoting outside text in a message.
pub fn clip(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// `s` cut to at most `max_chars` characters, the last of them `…` when something was cut.
pub fn clip_marked(s: &str, max_chars: usize) -> Cow<'_, str> {
    if s.char_indices().nth(max_chars).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(max_chars.saturating_add(3));
    out.push_str(clip(s, max_chars.saturating_sub(1)));
    if max_chars > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// Crate-wide result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_cuts_on_char_boundaries() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcdef", 3), "abc");
        assert_eq!(clip("éé😀x", 3), "éé😀");
        assert_eq!(clip("abc", 0), "");
        assert_eq!(clip_marked("abc", 3), "abc");
        assert!(matches!(clip_marked("abc", 3), Cow::Borrowed(_)));
        assert_eq!(clip_marked("abcd", 3), "ab…");
        assert_eq!(clip_marked("日本語テキスト", 4), "日本語…");
        assert_eq!(clip_marked("abcd", 1), "…");
        assert_eq!(clip_marked("abcd", 0), "");
        for n in 0..12 {
            let s = "a😀é日".repeat(3);
            assert!(clip_marked(&s, n).chars().count() <= n);
            assert_eq!(clip(&s, n).chars().count(), n.min(12));
        }
    }
}
