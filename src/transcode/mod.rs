//! One-pass transcoder: the API's JSON in, the records' JSON out, no structs in between.
//!
//! The wasm client hands each response to JavaScript as one JSON string for `JSON.parse`
//! (docs/ARCHITECTURE.md: one crossing per response). Decoding it into the Rust records with serde
//! and printing them again with serde_json cost about twice the raw `fetch` + `res.json()` in
//! Node (BENCHMARKS.md). This module reads the body once and writes the normalised JSON as it
//! goes: each field by its [`crate::lenient`] rule, unknown keys dropped, missing fields written
//! as their unset value, using the schema (`record::Schema`) that the `record!` macro
//! generates from the same declaration as the public struct.
//!
//! The output is, as a JSON value, exactly `serde_json::to_string` of what the endpoint's
//! serde `decode` returns, and the same inputs fail: the tests compare both paths on generated
//! hostile documents. (Key order can differ: fields come out in the order they arrive, the
//! missing ones after them.)
//!
//! ```
//! let json = certcentral_wasm::transcode::reissues(
//!     r#"{"certificates":[{"id":"7","archived":"1","dns_names":["a"," ",null]}]}"#,
//!     false,
//! )?;
//! assert!(json.contains(r#""id":7"#));
//! assert!(json.contains(r#""archived":true"#));
//! assert!(json.contains(r#""dns_names":["a"]"#));
//! # Ok::<(), certcentral_wasm::Error>(())
//! ```

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

mod endpoint;
mod engine;
mod http_error;
#[cfg(test)]
mod tests;

use crate::api::reissues::ReissuedCertificate;
use crate::api::subaccount_orders::SubaccountOrder;
use crate::api::used_codes::UsedVoucherCode;
use crate::api::voucher_order::VoucherOrder;
use crate::api::Page;
use crate::error::{ApiErrorEntry, Error, Result};
use crate::record::{index_of, Schema, Wire};
pub use endpoint::Transcode;
use engine::{write_i64, Cuts, JsonError, Tx, R};
pub use http_error::http_error;

/// Runs `f` over `body` and checks that nothing but white space follows.
fn run(body: &str, f: impl FnOnce(&mut Tx) -> R<()>) -> Result<String> {
    let mut tx = Tx::new(body);
    match f(&mut tx).and_then(|_| tx.end()) {
        Ok(()) => Ok(tx.out),
        Err(JsonError { msg, at, path }) => {
            let (line, column) = tx.position(at);
            let path = match path {
                Some(p) if !p.is_empty() => format!("{p}: "),
                _ => String::new(),
            };
            Err(Error::decode(format!(
                "the response is not the expected JSON: {path}{msg} at line {line} column {column}"
            )))
        }
    }
}

fn write_page(out: &mut String, p: &Page) {
    out.push_str("{\"total\":");
    write_i64(out, p.total);
    out.push_str(",\"limit\":");
    write_i64(out, p.limit);
    out.push_str(",\"offset\":");
    write_i64(out, p.offset);
    out.push('}');
}

/// What a list envelope held besides the list (written to the output where its key was).
struct Envelope {
    count: usize,
    page: Option<Page>,
}

/// Reads a top-level object: `list_key` is written as a list of `elem` records (missing or
/// `null` is `[]`), `page` is read when `with_page`, other keys are skipped.
fn envelope(
    tx: &mut Tx,
    list_key: &str,
    elem: &Schema,
    with_page: bool,
    dedupe: Option<usize>,
    mut cuts: Option<&mut Cuts>,
) -> R<Envelope> {
    let mut env = Envelope {
        count: 0,
        page: None,
    };
    let (mut list_seen, mut page_seen) = (false, false);
    if tx.open_object()? {
        loop {
            let key = tx.key()?;
            if *key == *list_key {
                if list_seen {
                    return tx.fail(format!("duplicate field `{list_key}`"));
                }
                list_seen = true;
                // Only the list's own text is copied: what came before it is dropped.
                tx.ws();
                tx.skip_output_to_here();
                env.count = tx
                    .list(elem, dedupe, cuts.as_deref_mut())
                    .map_err(|e| e.in_field(list_key))?;
            } else if with_page && key == "page" {
                if page_seen {
                    return tx.fail("duplicate field `page`");
                }
                page_seen = true;
                env.page = tx.page().map_err(|e| e.in_field("page"))?;
            } else {
                tx.skip()?;
            }
            if !tx.more(b'}')? {
                break;
            }
        }
    }
    tx.skip_output_to_here();
    if !list_seen {
        tx.out.push_str("[]");
    }
    Ok(env)
}

/// `listUsedVoucherCodes`: `{"codes":[...]}`, with `"page"` when the API sent one.
pub fn used_codes(body: &str) -> Result<String> {
    run(body, |tx| {
        tx.out.push_str("{\"codes\":");
        let env = envelope(tx, "codes", &UsedVoucherCode::SCHEMA, true, None, None)?;
        if let Some(p) = env.page {
            tx.out.push_str(",\"page\":");
            write_page(&mut tx.out, &p);
        }
        tx.out.push('}');
        Ok(())
    })
}

/// `getVoucherOrder`: the order record.
pub fn voucher_order(body: &str) -> Result<String> {
    run(body, |tx| {
        tx.ws();
        tx.skip_output_to_here();
        tx.record(&VoucherOrder::SCHEMA, None)?;
        tx.flush_to_here();
        Ok(())
    })
}

/// `listOrderReissues`: `{"certificates":[...]}`, de-duplicated by serial number when asked
/// (as the serde path's `api::reissues::dedupe_by_serial`).
pub fn reissues(body: &str, dedupe_by_serial: bool) -> Result<String> {
    const SERIAL: usize = index_of(ReissuedCertificate::SCHEMA.fields, "serial_number");
    run(body, |tx| {
        tx.out.push_str("{\"certificates\":");
        let dedupe = dedupe_by_serial.then_some(SERIAL);
        envelope(
            tx,
            "certificates",
            &ReissuedCertificate::SCHEMA,
            false,
            dedupe,
            None,
        )?;
        tx.out.push('}');
        Ok(())
    })
}

/// The entries of an error body `{"errors": [{"code", "message"}, ...]}` or `{"errors":
/// {"code", "message"}}`, capped as [`error_body`] says; anything else gives none (as
/// [`crate::api::decode_error_body`], which the tests hold it to).
#[cfg(feature = "testing")]
pub fn error_entries(body: &str) -> Vec<ApiErrorEntry> {
    error_body(body, None).entries
}

/// What an error body holds, capped: at most [`MAX_ERROR_ENTRIES`] entries (the first ones),
/// each `code` and `message` cut to [`MAX_ENTRY_CHARS`] characters (the last of them `…` when
/// cut), and how many entries the body had.
///
/// [`MAX_ERROR_ENTRIES`]: crate::error::MAX_ERROR_ENTRIES
/// [`MAX_ENTRY_CHARS`]: crate::error::MAX_ENTRY_CHARS
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorBody {
    /// The first entries.
    pub entries: Vec<ApiErrorEntry>,
    /// How many entries the body had (kept or not).
    pub total: usize,
}

/// Reads an error body `{"errors": [...]}` (see [`ErrorBody`]); anything else gives no
/// entries. The entries past the cap are checked but not kept: the work is one pass over the
/// body, with no allocation per dropped entry. `secret` (the API key), when given, is replaced
/// by `[redacted]` in the kept entries before they are cut, so no part of it is left.
pub fn error_body(body: &str, secret: Option<&str>) -> ErrorBody {
    let mut tx = Tx::new(body).with_secret(secret);
    match tx.error_entries().and_then(|e| tx.end().map(|_| e)) {
        Ok((entries, total)) => ErrorBody {
            entries: entries
                .into_iter()
                .map(|(code, message)| ApiErrorEntry { code, message })
                .collect(),
            total,
        },
        Err(_) => ErrorBody::default(),
    }
}

/// One page of subaccount orders, for the pagers.
#[derive(Debug)]
pub struct OrdersPage {
    /// The orders, as a JSON array.
    pub json: String,
    /// How many.
    pub len: usize,
    /// The page; made from the request when the API sends none (as the serde `decode`).
    pub page: Page,
    /// The offset in `json` just after each order (to cut the array after any of them).
    pub ends: Vec<usize>,
    /// Each order's key, for the pager to know an order again on another page: its `id`
    /// (required, so always there); a hash of its JSON with the top bit set would stand in
    /// for an id that is not a non-negative integer.
    pub keys: Vec<u64>,
}

fn orders(tx: &mut Tx, offset: i64, cuts: Option<&mut Cuts>) -> R<Page> {
    let env = envelope(tx, "orders", &SubaccountOrder::SCHEMA, true, None, cuts)?;
    Ok(env.page.unwrap_or(Page {
        total: offset
            .saturating_add(env.count as i64)
            .min(crate::lenient::MAX_SAFE_INTEGER),
        limit: 0,
        offset,
    }))
}

/// `listSubaccountOrders`: `{"orders":[...],"page":{...}}`; `offset` is the one requested,
/// used when the API sends no `page`.
#[cfg(feature = "testing")]
pub fn subaccount_orders(body: &str, offset: i64) -> Result<String> {
    run(body, |tx| {
        tx.out.push_str("{\"orders\":");
        let page = orders(tx, offset, None)?;
        tx.out.push_str(",\"page\":");
        write_page(&mut tx.out, &page);
        tx.out.push('}');
        Ok(())
    })
}

impl OrdersPage {
    /// The page as `listSubaccountOrders` returns it: `{"orders":[...],"page":{...}}`.
    pub fn into_list_json(self) -> String {
        let mut out = String::with_capacity(self.json.len() + 64);
        out.push_str("{\"orders\":");
        out.push_str(&self.json);
        out.push_str(",\"page\":");
        write_page(&mut out, &self.page);
        out.push('}');
        out
    }
}

/// The orders of a subaccount-orders page as a JSON array, with the page and record ends.
pub fn subaccount_orders_page(body: &str, offset: i64) -> Result<OrdersPage> {
    const ID: usize = index_of(SubaccountOrder::SCHEMA.fields, "id");
    let mut cuts = Cuts {
        key: Some(ID),
        ..Cuts::default()
    };
    let mut page = None;
    let json = run(body, |tx| {
        page = Some(orders(tx, offset, Some(&mut cuts))?);
        Ok(())
    })?;
    let Cuts { ends, keys, .. } = cuts;
    Ok(OrdersPage {
        len: ends.len(),
        keys,
        page: page.unwrap_or(Page {
            total: 0,
            limit: 0,
            offset,
        }),
        json,
        ends,
    })
}
