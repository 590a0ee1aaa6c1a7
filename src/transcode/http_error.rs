//! The error of a non-2xx response, built from what [`error_body`] reads of its body.

use super::{error_body, ErrorBody};
use crate::error::{Error, ErrorKind};
use crate::text::clip_marked;
use std::fmt::Write as _;

/// Entries quoted in an HTTP error's message (the others are counted there).
const MESSAGE_ENTRIES: usize = 5;
/// Most characters of one quoted entry (`code: message`) in an HTTP error's message.
const MESSAGE_ENTRY_CHARS: usize = 200;
/// Most characters of the URL in an HTTP error's message.
const MESSAGE_URL_CHARS: usize = 500;

/// The error of a non-2xx response: kind `http`, its `status` and `url`, the body's error
/// entries (capped as [`error_body`] says: at most [`MAX_ERROR_ENTRIES`],
/// each `code` and `message` at most [`MAX_ENTRY_CHARS`] characters), and the message
/// `GET {url} failed with HTTP {status} ({code}: {message}; ...)`.
///
/// The message quotes the first 5 entries (each cut to 200 characters, the URL to 500), then
/// `; and N more, T in all` when the body had more, so it stays far below
/// [`MAX_MESSAGE_CHARS`] whatever the body. Without entries (not an error body) it is
/// `GET {url} failed with HTTP {status}`. `secret` (the API key) is replaced by `[redacted]`
/// in every entry before anything is cut. `retry_after_ms` is left for the caller to set.
///
/// [`MAX_ERROR_ENTRIES`]: crate::error::MAX_ERROR_ENTRIES
/// [`MAX_ENTRY_CHARS`]: crate::error::MAX_ENTRY_CHARS
/// [`MAX_MESSAGE_CHARS`]: crate::error::MAX_MESSAGE_CHARS
pub fn http_error(status: u16, url: &str, body: &str, secret: Option<&str>) -> Error {
    let ErrorBody { entries, total } = error_body(body, secret);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;
    use crate::error::{MAX_ENTRY_CHARS, MAX_ERROR_ENTRIES, MAX_MESSAGE_CHARS};

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
}
