//! The CSV writer's entry points, for the `certcentral` command (`pkg-template/cli.js`), which
//! imports them from the glue; the package's public API (`index.d.ts`) does not name them.
//! Everything they do is in [`crate::csv::writer`].

use crate::api::reissues::ReissuedCertificate;
use crate::api::subaccount_orders::SubaccountOrder;
use crate::api::used_codes::UsedVoucherCode;
use crate::csv::writer::{columns, neutralise_csv, CsvWriter};
use crate::record::Wire;
use wasm_bindgen::prelude::*;

/// `cells` as CSV rows of `width` cells each (row after row; a short last row is written as
/// it is), RFC 4180 quoting, CRLF line ends; cells that a spreadsheet would read as a formula
/// get a `'` prefix unless `raw`.
#[wasm_bindgen(js_name = csvRows)]
pub fn csv_rows(cells: Vec<String>, width: u32, raw: bool) -> String {
    let mut w = CsvWriter::new(raw);
    let width = usize::try_from(width).unwrap_or(usize::MAX).max(1);
    for row in cells.chunks(width) {
        w.row(row.iter().map(String::as_str));
    }
    String::from_utf8_lossy(&w.take()).into_owned()
}

/// An existing CSV (the API's used-codes export) written again with every formula-like cell
/// neutralised.
#[wasm_bindgen(js_name = csvNeutralise)]
pub fn csv_neutralise(text: &str) -> String {
    String::from_utf8_lossy(&neutralise_csv(text.as_bytes(), false)).into_owned()
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
