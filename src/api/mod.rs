//! The four endpoints: one module each, holding the request it makes and the model it decodes.
//!
//! Everything here is pure Rust: a [`RequestSpec`] says what to fetch, and each module's
//! `decode` turns a response body into typed records. The JS shell moves the bytes.

pub mod reissues;
pub mod subaccount_orders;
pub mod used_codes;
pub mod voucher_order;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// The media type a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    /// `application/json`
    Json,
    /// `text/csv` (used codes only)
    Csv,
}

impl Accept {
    /// The `Accept` header value.
    pub fn header(self) -> &'static str {
        match self {
            Accept::Json => "application/json",
            Accept::Csv => "text/csv",
        }
    }
}

/// What to fetch: a path with its query string (relative to the base URL) and a media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSpec {
    /// e.g. `/account/subaccount/order?limit=1000`; always starts with `/`.
    pub path: String,
    /// The `Accept` header to send.
    pub accept: Accept,
}

impl RequestSpec {
    /// A JSON GET of `path`.
    pub fn json(path: String) -> Self {
        RequestSpec {
            path,
            accept: Accept::Json,
        }
    }
}

/// `page` of a list response: `{ total, limit, offset }`.
///
/// `limit` echoes what was sent and is `0` when nothing was: never use it as the step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Page {
    /// Records matching the query, over all pages.
    #[serde(default, deserialize_with = "crate::decode::int_or_zero")]
    pub total: i64,
    /// The page size the server applied (0 when none was sent).
    #[serde(default, deserialize_with = "crate::decode::int_or_zero")]
    pub limit: i64,
    /// Index of this page's first record.
    #[serde(default, deserialize_with = "crate::decode::int_or_zero")]
    pub offset: i64,
}

/// Decodes a JSON body into `T`, as a `decode` error with the position on failure.
pub fn decode_json<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T> {
    serde_json::from_str(body)
        .map_err(|e| Error::decode(format!("the response is not the expected JSON: {e}")))
}

/// Decodes an error body `{"errors": [...]}`; anything else gives no entries.
pub fn decode_error_body(body: &str) -> Vec<crate::error::ApiErrorEntry> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "crate::decode::list")]
        errors: Vec<crate::error::ApiErrorEntry>,
    }
    serde_json::from_str::<Body>(body)
        .map(|b| b.errors)
        .unwrap_or_default()
}

/// A product as the voucher and order endpoints nest it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Tsify)]
pub struct Product {
    /// Product identifier, e.g. `ssl_plus`.
    #[serde(default, deserialize_with = "crate::decode::opt_text")]
    pub name_id: Option<String>,
    /// Display name, e.g. `Standard SSL`.
    #[serde(default, deserialize_with = "crate::decode::opt_text")]
    pub name: Option<String>,
    /// Product type, e.g. `ssl_certificate` (subaccount orders).
    #[serde(default, deserialize_with = "crate::decode::opt_text")]
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Product group, e.g. `dv_ssl_certificate` (voucher orders).
    #[serde(default, deserialize_with = "crate::decode::opt_text")]
    pub group_name: Option<String>,
}

/// A price: `{ cost, currency }`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Tsify)]
pub struct Price {
    /// Amount in `currency`.
    #[serde(default, deserialize_with = "crate::decode::opt_num")]
    pub cost: Option<f64>,
    /// Currency code, e.g. `USD`.
    #[serde(default, deserialize_with = "crate::decode::opt_text")]
    pub currency: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies() {
        let e = decode_error_body(
            r#"{"errors":[{"code":"not_found|order","message":"Order not found"}]}"#,
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].code, "not_found|order");
        assert_eq!(e[0].message, "Order not found");
        assert!(decode_error_body("<html>oops</html>").is_empty());
        assert!(decode_error_body(r#"{"errors":null}"#).is_empty());
    }

    #[test]
    fn page_defaults() {
        let p: Page = decode_json(r#"{"total":"3"}"#).unwrap();
        assert_eq!(
            p,
            Page {
                total: 3,
                limit: 0,
                offset: 0
            }
        );
    }
}
