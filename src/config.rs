//! Client configuration in plain Rust: base URL rules, header rules, defaults.

use crate::error::{Error, Result};
use crate::text::{clip, Quoted};

/// The US host (default).
pub const US_BASE_URL: &str = "https://www.digicert.com/services/v2";
/// The EU host.
pub const EU_BASE_URL: &str = "https://certcentral.digicert.eu/services/v2";
/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
/// Default bound on one response body: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
/// The header that carries the key.
pub const KEY_HEADER: &str = "X-DC-DEVKEY";

/// The base URL for a `region` name.
pub fn region_base_url(region: &str) -> Result<&'static str> {
    match region {
        "us" => Ok(US_BASE_URL),
        "eu" => Ok(EU_BASE_URL),
        other => Err(Error::invalid_input(format!(
            "region must be \"us\" or \"eu\", got {}",
            Quoted(clip(other, 20))
        ))),
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") || h == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = h.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks a base URL and returns it without a trailing `/`.
///
/// It must be `https://host[:port][/path]`, or `http://` to a loopback host (or anywhere when
/// `allow_insecure_http`), with no credentials, query or fragment.
pub fn normalize_base_url(url: &str, allow_insecure_http: bool) -> Result<String> {
    let bad = |why: &str| Error::invalid_input(format!("baseUrl {why}"));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("must start with https://"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(bad("must use https"));
    }
    if rest.contains(['?', '#', '@', '\\'])
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad(
            "must not contain credentials, a query, a fragment or spaces",
        ));
    }
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(stripped) = authority.strip_prefix('[') {
        match stripped.split_once(']') {
            Some((h, _)) => format!("[{h}]"),
            None => return Err(bad("has an unclosed IPv6 bracket")),
        }
    } else {
        authority.split(':').next().unwrap_or("").to_owned()
    };
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    if scheme == "http" && !allow_insecure_http && !is_loopback(&host) {
        return Err(bad(
            "uses plain http to a non-loopback host: use https, or set allowInsecureHttp: true",
        ));
    }
    if rest.split('/').skip(1).any(|seg| seg == ".." || seg == ".") {
        return Err(bad("must not contain . or .. segments"));
    }
    Ok(format!("{scheme}://{}", rest.trim_end_matches('/')))
}

/// Request headers a caller may not set, lowercased: the ones that frame the message or the
/// connection (`fetch` sets them, and a wrong one breaks every call), `Accept` (chosen per
/// endpoint), and the rest of the Fetch standard's forbidden request headers (a browser drops
/// them silently). Names starting with `proxy-` or `sec-` are refused too.
pub const FORBIDDEN_HEADERS: &[&str] = &[
    "accept",
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// The longest request URL the client sends, in bytes. Servers and proxies commonly refuse
/// URLs past 8 KiB (often with an unhelpful 414 or a reset); a query that long is a mistake.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Refuses a request URL longer than [`MAX_URL_BYTES`], before anything is sent.
pub fn check_url_length(url: &str) -> Result<()> {
    if url.len() > MAX_URL_BYTES {
        return Err(Error::invalid_input(format!(
            "the request URL would be {} bytes, over the {MAX_URL_BYTES}-byte limit: shorten the filters",
            url.len()
        )));
    }
    Ok(())
}

/// Checks an extra header name/value pair.
pub fn check_header(name: &str, value: &str) -> Result<()> {
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token {
        return Err(Error::invalid_input(format!(
            "header name {} is not a valid HTTP token",
            Quoted(clip(name, 40))
        )));
    }
    let lower = name.to_ascii_lowercase();
    if FORBIDDEN_HEADERS.contains(&lower.as_str())
        || lower.starts_with("proxy-")
        || lower.starts_with("sec-")
    {
        return Err(Error::invalid_input(format!(
            "header {name} cannot be set: the client or fetch itself controls it (and a browser would drop it)"
        )));
    }
    if name.eq_ignore_ascii_case(KEY_HEADER) {
        return Err(Error::invalid_input(
            "pass the API key as apiKey, not in headers (so it is never shown to hooks)",
        ));
    }
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(Error::invalid_input(format!(
            "header {name} has a line break in its value"
        )));
    }
    Ok(())
}

/// Checks the API key: printable ASCII without spaces (so it can travel in a header).
pub fn check_api_key(key: &str) -> Result<()> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_input(
            "apiKey must be a non-empty string of printable ASCII without spaces",
        ));
    }
    Ok(())
}

/// Replaces every occurrence of `secret` in `text` (for messages that quote other code).
pub fn redact(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) if !s.is_empty() && text.contains(s) => text.replace(s, "[redacted]"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            normalize_base_url("https://www.digicert.com/services/v2/", false).unwrap(),
            US_BASE_URL
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8787/services/v2", false).unwrap(),
            "http://127.0.0.1:8787/services/v2"
        );
        assert!(normalize_base_url("http://localhost/x", false).is_ok());
        assert!(normalize_base_url("http://[::1]:80/x", false).is_ok());
        assert!(normalize_base_url("http://example.com/x", false).is_err());
        assert!(normalize_base_url("http://127.0.0.1.evil.com/x", false).is_err());
        assert!(normalize_base_url("http://example.com/x", true).is_ok());
        for bad in [
            "ftp://x",
            "www.digicert.com",
            "https://",
            "https://u:p@host/",
            "https://h/x?y=1",
            "https://h/#f",
            "https://h/a/../b",
            "https://h /x",
            "https://[::1/x",
        ] {
            assert!(normalize_base_url(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn headers_and_keys() {
        assert!(check_header("X-Trace", "abc").is_ok());
        assert!(check_header("x-dc-devkey", "k").is_err());
        assert!(check_header("Bad Name", "v").is_err());
        assert!(check_header("X-A", "v\r\nX-B: 1").is_err());
        for name in [
            "Host",
            "content-length",
            "Transfer-Encoding",
            "CONNECTION",
            "Keep-Alive",
            "Upgrade",
            "TE",
            "Trailer",
            "Accept",
            "Cookie",
            "Proxy-Authorization",
            "Sec-Fetch-Mode",
        ] {
            let e = check_header(name, "x").unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::InvalidInput);
            assert!(e.message.contains(name), "{}", e.message);
        }
        assert!(check_header("Authorization", "Bearer x").is_ok());
    }

    #[test]
    fn urls_over_8_kib_are_refused() {
        let base = "https://www.digicert.com/services/v2/account/subaccount/order?x=";
        let fits = format!("{base}{}", "a".repeat(MAX_URL_BYTES - base.len()));
        assert!(check_url_length(&fits).is_ok());
        let e = check_url_length(&format!("{fits}a")).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::InvalidInput);
        assert!(check_api_key("ABCDEF0123").is_ok());
        assert!(check_api_key("").is_err());
        assert!(check_api_key("a b").is_err());
        assert!(check_api_key("a\nb").is_err());
        assert_eq!(region_base_url("eu").unwrap(), EU_BASE_URL);
        assert!(region_base_url("asia").is_err());
    }

    #[test]
    fn redaction() {
        assert_eq!(redact("key=SECRET!", Some("SECRET")), "key=[redacted]!");
        assert_eq!(redact("fine", None), "fine");
        assert_eq!(redact("fine", Some("")), "fine");
    }
}
