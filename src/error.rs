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
    pub code: String = "crate::decode::string",
    /// Human-readable message from the server (`""` if none).
    pub message: String = "crate::decode::string",
}
}

/// Most entries an error's `errors` list keeps: the first ones of the body.
pub const MAX_ERROR_ENTRIES: usize = 100;
/// Most characters of an error entry's `code` or `message` (cut with a `…`).
pub const MAX_ENTRY_CHARS: usize = 1000;
/// Most characters of any error's message (cut with a `…`).
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Entries quoted in an HTTP error's message (the others are counted there).
const MESSAGE_ENTRIES: usize = 5;
/// Most characters of one quoted entry (`code: message`) in an HTTP error's message.
const MESSAGE_ENTRY_CHARS: usize = 200;
/// Most characters of the URL in an HTTP error's message.
const MESSAGE_URL_CHARS: usize = 500;

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

/// The error of a non-2xx response: kind `http`, its `status` and `url`, the body's error
/// entries (capped as [`crate::transcode::error_body`] says: at most [`MAX_ERROR_ENTRIES`],
/// each `code` and `message` at most [`MAX_ENTRY_CHARS`] characters), and the message
/// `GET {url} failed with HTTP {status} ({code}: {message}; ...)`.
///
/// The message quotes the first 5 entries (each cut to 200 characters, the URL to 500), then
/// `; and N more, T in all` when the body had more, so it stays far below
/// [`MAX_MESSAGE_CHARS`] whatever the body. Without entries (not an error body) it is
/// `GET {url} failed with HTTP {status}`. `secret` (the API key) is replaced by `[redacted]`
/// in every entry before anything is cut. `retry_after_ms` is left for the caller to set.
pub fn http_error(status: u16, url: &str, body: &str, secret: Option<&str>) -> Error {
    use std::fmt::Write as _;
    let crate::transcode::ErrorBody { entries, total } = crate::transcode::error_body(body, secret);
    let mut msg = format!(
        "GET {} failed with HTTP {status}",
        clip_marked(url, MESSAGE_URL_CHARS)
    );
    if !entries.is_empty() {
        msg.push_str(" (");
        for (i, e) in entries.iter().take(MESSAGE_ENTRIES).enumerate() {
            if i > 0 {
                msg.push_str("; ");
            }
            let entry = format!("{}: {}", e.code, e.message);
            msg.push_str(&clip_marked(&entry, MESSAGE_ENTRY_CHARS));
        }
        let shown = entries.len().min(MESSAGE_ENTRIES);
        if total > shown {
            let _ = write!(msg, "; and {} more, {total} in all", total - shown);
        }
        msg.push(')');
    }
    let mut e = Error::new(ErrorKind::Http, msg)
        .with_status(status)
        .with_url(url);
    e.errors = entries;
    e
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

    const URL: &str = "https://www.digicert.com/services/v2/order/certificate/7";

    #[test]
    fn http_error_messages_are_as_before_for_small_bodies() {
        let body = r#"{"errors":[{"code":"not_found|order","message":"Order not found"},{"code":"x","message":"y"}]}"#;
        let e = http_error(404, URL, body, Some("KEY"));
        assert_eq!(e.kind, ErrorKind::Http);
        assert_eq!(e.status, Some(404));
        assert_eq!(e.url.as_deref(), Some(URL));
        assert_eq!(
            e.message,
            format!("GET {URL} failed with HTTP 404 (not_found|order: Order not found; x: y)")
        );
        assert_eq!(e.errors.len(), 2);
        assert_eq!(e.errors[0].message, "Order not found");
        assert_eq!(e.retry_after_ms, None);
        for body in [
            "<html>oops</html>",
            "",
            r#"{"errors":[]}"#,
            r#"{"errors":null}"#,
        ] {
            let e = http_error(500, URL, body, None);
            assert_eq!(e.message, format!("GET {URL} failed with HTTP 500"));
            assert!(e.errors.is_empty());
        }
    }

    #[test]
    fn http_errors_are_capped() {
        let mut body = String::from("{\"errors\":[");
        for i in 0..300_000 {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&format!(
                r#"{{"code":"too_many|{i}","message":"Entry number {i}"}}"#
            ));
        }
        body.push_str("]}");
        let e = http_error(400, URL, &body, Some("KEY"));
        assert!(
            e.message.chars().count() <= MAX_MESSAGE_CHARS,
            "{}",
            e.message.len()
        );
        assert_eq!(e.errors.len(), MAX_ERROR_ENTRIES);
        assert_eq!(e.errors[99].code, "too_many|99");
        assert!(
            e.message
                .contains("too_many|4: Entry number 4; and 299995 more, 300000 in all)"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("too_many|5:"), "{}", e.message);
        // Huge entries: each cut in the list and in the message; the count survives.
        let big = format!(
            r#"{{"errors":[{}]}}"#,
            vec![
                format!(
                    r#"{{"code":"{}","message":"{}"}}"#,
                    "c".repeat(5000),
                    "日".repeat(9000)
                );
                7
            ]
            .join(",")
        );
        let long_url = format!("{URL}?{}", "q".repeat(10_000));
        let e = http_error(503, &long_url, &big, None);
        assert!(e.message.chars().count() <= MAX_MESSAGE_CHARS);
        assert!(
            e.message.ends_with("; and 2 more, 7 in all)"),
            "{}",
            e.message
        );
        for entry in &e.errors {
            assert_eq!(entry.code.chars().count(), MAX_ENTRY_CHARS);
            assert_eq!(entry.message.chars().count(), MAX_ENTRY_CHARS);
            assert!(entry.code.ends_with('…') && entry.message.ends_with('…'));
        }
        assert_eq!(e.url.as_deref(), Some(long_url.as_str()));
    }

    #[test]
    fn the_key_is_redacted_before_entries_are_cut() {
        let key = "SECRETKEY0123456789";
        // The key straddles both cuts: the entry's (1000 chars) and the message's (200).
        let text = format!("{}{key} and {key}", "a".repeat(985));
        let short = format!("{}{key}", "b".repeat(180));
        let body = format!(
            r#"{{"errors":[{{"code":"c","message":"{text}"}},{{"code":"{key}","message":"{short}"}},{{"code":"\u0053ECRETKEY0123456789"}}]}}"#
        );
        let e = http_error(401, URL, &body, Some(key));
        assert!(!e.message.contains("SECRET"), "{}", e.message);
        for entry in &e.errors {
            assert!(
                !entry.code.contains("SECRET") && !entry.message.contains("SECRET"),
                "{entry:?}"
            );
        }
        assert!(
            e.errors[0].message.ends_with("a[redacted] and…"),
            "{}",
            e.errors[0].message
        );
        assert_eq!(e.errors[1].code, "[redacted]");
        assert_eq!(e.errors[2].code, "[redacted]");
        let e = http_error(401, URL, &body, None);
        assert!(e.errors[0].message.contains("SECRETKEY"));
    }

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
