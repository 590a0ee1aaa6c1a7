//! The CSV writer's entry points, for the `certcentral` command (`pkg-template/cli.js`), which
//! imports them from the glue; the package's public API (`index.d.ts`) does not name them.
//! Everything they do is in [`crate::csv::writer`].

use super::error::to_js;
use crate::api::reissues::ReissuedCertificate;
use crate::api::subaccount_orders::SubaccountOrder;
use crate::api::used_codes::UsedVoucherCode;
use crate::csv::writer::{columns, neutralise_csv, CsvWriter};
use crate::error::Error;
use crate::record::Wire;
use wasm_bindgen::prelude::*;

/// `cells` as CSV rows of `width` cells each (row after row; a short last row is written as
/// it is), RFC 4180 quoting, CRLF line ends; cells that a spreadsheet would read as a formula
/// get a `'` prefix unless `raw`.
#[wasm_bindgen(js_name = csvRows)]
pub fn csv_rows(cells: Vec<String>, width: u32, raw: bool) -> Result<String, JsValue> {
    let mut w = CsvWriter::new(raw);
    let width = usize::try_from(width).unwrap_or(usize::MAX).max(1);
    for row in cells.chunks(width) {
        w.row(row.iter().map(String::as_bytes));
    }
    text(w.take())
}

/// The writer's bytes as text: UTF-8 whenever its input was (cells are split and quoted at
/// ASCII bytes only), so the error is for a broken invariant, never a lossy result.
fn text(bytes: Vec<u8>) -> Result<String, JsValue> {
    String::from_utf8(bytes).map_err(|_| to_js(&Error::invalid_input("CSV output is not UTF-8")))
}

/// An existing CSV (the API's used-codes export) written again with every formula-like cell
/// neutralised.
#[wasm_bindgen(js_name = csvNeutralise)]
pub fn csv_neutralise(csv: &str) -> Result<String, JsValue> {
    text(neutralise_csv(csv.as_bytes(), false))
}

/// The CSV columns of a record: `"order"`, `"reissue"` or `"used_code"` (anything else: none).
#[wasm_bindgen(js_name = csvColumns)]
pub fn csv_columns(record: &str) -> Vec<String> {
    match record {
        "order" => columns(&SubaccountOrder::SCHEMA),
        "reissue" => columns(&ReissuedCertificate::SCHEMA),
        "used_code" => columns(&UsedVoucherCode::SCHEMA),
        _ => Vec::new(),
    }
}
