//! The four endpoints: one module each, holding the model it decodes and its [`Endpoint`]:
//! path, arguments, request, decoding, both ways ([`route`] parses a request back).
//!
//! Everything here is pure Rust: a [`RequestSpec`] says what to fetch, and each endpoint's
//! `decode`/`transcode` turns a response body into typed records. The JS shell moves the bytes.

mod endpoint;
pub mod reissues;
pub mod subaccount_orders;
pub mod used_codes;
pub mod voucher_order;

pub use endpoint::{route, route_request, Endpoint, Refusal, Refused, Route};

use crate::error::{Error, Result};
#[cfg(feature = "testing")]
use serde::Deserialize;

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

crate::record::record! {
/// `page` of a list response: `{ total, limit, offset }`.
///
/// `limit` echoes what was sent and is `0` when nothing was: never use it as the step.
pub struct Page {
    required {}
    /// Records matching the query, over all pages.
    pub total: i64 = "crate::lenient::int_or_zero",
    /// The page size the server applied (0 when none was sent).
    pub limit: i64 = "crate::lenient::int_or_zero",
    /// Index of this page's first record.
    pub offset: i64 = "crate::lenient::int_or_zero",
}
}

/// Errors (kind `decode`) when the response's offset is not `asked`, the one sent.
pub fn check_offset(asked: i64, page: &Page) -> Result<()> {
    if page.offset != asked {
        return Err(Error::decode(format!(
            "asked for the page at offset {asked} and got the one at offset {}: the server does not page as documented",
            page.offset
        )));
    }
    Ok(())
}

/// Decodes a JSON body into `T`, as a `decode` error with the position on failure.
/// A struct is read from a JSON object only (see `record::ObjectOnly`).
#[cfg(feature = "testing")]
pub fn decode_json<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T> {
    let fail =
        |e: serde_json::Error| Error::decode(format!("the response is not the expected JSON: {e}"));
    let mut de = serde_json::Deserializer::from_str(body);
    // Tracked: an integer outside the safe range is named by its path (`orders[3].id`).
    let value = T::deserialize(crate::record::ObjectOnly(crate::path::Tracked::root(
        &mut de,
    )))
    .map_err(fail)?;
    de.end().map_err(fail)?;
    Ok(value)
}

/// Decodes an error body `{"errors": [...]}`, or `{"errors": {...}}` (one entry as an object,
/// as a DigiCert example prints it); anything else gives no entries. Capped as
/// [`crate::transcode::error_body`]: the first [`MAX_ERROR_ENTRIES`] entries, each code and
/// message cut to [`MAX_ENTRY_CHARS`] characters (this serde twin builds every entry first).
///
/// [`MAX_ERROR_ENTRIES`]: crate::error::MAX_ERROR_ENTRIES
/// [`MAX_ENTRY_CHARS`]: crate::error::MAX_ENTRY_CHARS
#[cfg(feature = "testing")]
pub fn decode_error_body(body: &str) -> Vec<crate::error::ApiErrorEntry> {
    use crate::error::{MAX_ENTRY_CHARS, MAX_ERROR_ENTRIES};
    use crate::text::clip_marked;
    #[derive(Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "one_or_many")]
        errors: Vec<crate::error::ApiErrorEntry>,
    }
    let mut errors = serde_json::from_str::<Body>(body)
        .map(|b| b.errors)
        .unwrap_or_default();
    errors.truncate(MAX_ERROR_ENTRIES);
    for e in &mut errors {
        for s in [&mut e.code, &mut e.message] {
            if let std::borrow::Cow::Owned(cut) = clip_marked(s, MAX_ENTRY_CHARS) {
                *s = cut;
            }
        }
    }
    errors
}

/// A list of error entries, one entry as an object, or `null`.
#[cfg(feature = "testing")]
fn one_or_many<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<crate::error::ApiErrorEntry>, D::Error> {
    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
    use serde::de::{MapAccess, SeqAccess, Visitor};
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<crate::error::ApiErrorEntry>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of error entries, one entry, or null")
        }
        fn visit_seq<A: SeqAccess<'de>>(
            self,
            seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            Vec::deserialize(SeqAccessDeserializer::new(seq))
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            crate::error::ApiErrorEntry::deserialize(MapAccessDeserializer::new(map))
                .map(|e| vec![e])
        }
        fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V)
}

crate::record::record! {
/// A product as the voucher and order endpoints nest it.
pub struct Product {
    required {}
    /// Product identifier, e.g. `ssl_plus`.
    pub name_id: Option<String> = "crate::lenient::opt_text",
    /// Display name, e.g. `Standard SSL`.
    pub name: Option<String> = "crate::lenient::opt_text",
    /// Product type, e.g. `ssl_certificate` (subaccount orders).
    #[serde(rename = "type")]
    pub type_: Option<String> = "crate::lenient::opt_text",
    /// Product group, e.g. `dv_ssl_certificate` (voucher orders).
    pub group_name: Option<String> = "crate::lenient::opt_text",
}
}

crate::record::record! {
/// A price: `{ cost, currency }`.
pub struct Price {
    required {}
    /// Amount in `currency`.
    pub cost: Option<f64> = "crate::lenient::opt_num",
    /// Currency code, e.g. `USD`.
    pub currency: Option<String> = "crate::lenient::opt_text",
}
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
        let e = decode_error_body(r#"{"errors":{"code":"not_found|route","message":"No route"}}"#);
        assert_eq!((e.len(), e[0].code.as_str()), (1, "not_found|route"));
        assert!(decode_error_body(r#"{"errors":{"code":[]}}"#).is_empty());
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
