//! The columnar fast path: a batch of rows as a few flat arrays that JS turns into record
//! objects in one tight loop, skipping JSON text altogether.
//!
//! Per record: the 8 integer columns go to [`Columns::nums`] (`NaN` for unset), the 13 text
//! columns to one string [`Columns::text`] with, per cell, its end offset in UTF-16 code units
//! ([`Columns::ends`], what `String.prototype.slice` takes) and an unset flag
//! ([`Columns::nulls`]). Values follow the same decoding rules as the JSON path and the typed
//! records, so the objects JS builds equal `listUsedVoucherCodes` records.

use super::row::{FieldError, Kind, Row, Sink, KINDS, NCOLS};
use crate::api::used_codes::UsedVoucherCode;
use crate::decode::{is_blank, parse_int};

/// Integer columns per record.
pub const INTS: usize = 8;
/// Text columns per record.
pub const TEXTS: usize = 13;

/// One batch of records in columns (see the module docs).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Columns {
    /// `INTS` numbers per record, in column order; `NaN` is unset.
    pub nums: Vec<f64>,
    /// All text cells, concatenated.
    pub text: String,
    /// `TEXTS` UTF-16 end offsets per record into `text` (a cell starts where the one
    /// before it ended).
    pub ends: Vec<u32>,
    /// `TEXTS` flags per record: 1 when the cell is unset (`null`).
    pub nulls: Vec<u8>,
    /// Records in the batch.
    pub len: usize,
    utf16: u32,
}

impl Columns {
    /// Empties the batch, keeping its memory.
    pub fn clear(&mut self) {
        self.nums.clear();
        self.text.clear();
        self.ends.clear();
        self.nulls.clear();
        self.len = 0;
        self.utf16 = 0;
    }

    pub(crate) fn clone_len(&self) -> usize {
        self.len
    }

    /// Drops the records after the first `n` (used to undo a failed batch).
    pub(crate) fn truncate_records(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        let texts = n.saturating_mul(TEXTS);
        let start = if texts == 0 {
            0
        } else {
            self.ends.get(texts - 1).copied().unwrap_or(0)
        };
        // `text` is UTF-8 and `ends` count UTF-16 units: find the byte offset of `start`.
        let mut units = 0u32;
        let mut cut = self.text.len();
        for (i, c) in self.text.char_indices() {
            if units >= start {
                cut = i;
                break;
            }
            units = units.saturating_add(c.len_utf16() as u32);
        }
        if units < start {
            cut = self.text.len();
        }
        self.text.truncate(cut);
        self.nums.truncate(n.saturating_mul(INTS));
        self.ends.truncate(texts);
        self.nulls.truncate(texts);
        self.utf16 = start;
        self.len = n;
    }

    fn mark(&self) -> (usize, usize, usize, u32) {
        (
            self.nums.len(),
            self.text.len(),
            self.ends.len(),
            self.utf16,
        )
    }

    fn rollback(&mut self, m: (usize, usize, usize, u32)) {
        self.nums.truncate(m.0);
        self.text.truncate(m.1);
        self.ends.truncate(m.2);
        self.nulls.truncate(m.2);
        self.utf16 = m.3;
    }

    fn text_cell(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.text.push_str(s);
                let units = if s.is_ascii() {
                    s.len()
                } else {
                    s.chars().map(char::len_utf16).sum()
                };
                self.utf16 = self
                    .utf16
                    .saturating_add(u32::try_from(units).unwrap_or(u32::MAX));
                self.nulls.push(0);
            }
            None => self.nulls.push(1),
        }
        self.ends.push(self.utf16);
    }

    fn int_cell(&mut self, v: Option<i64>) {
        self.nums.push(v.map_or(f64::NAN, |n| n as f64));
    }

    /// Appends an already decoded record.
    pub fn record(&mut self, r: &UsedVoucherCode) {
        let t = |o: &Option<String>| o.as_deref().map(str::to_owned);
        let texts: [Option<String>; TEXTS] = [
            Some(r.value.clone()),
            t(&r.product_name),
            t(&r.shipping_method),
            t(&r.status),
            t(&r.created_date),
            t(&r.cert_request_date),
            t(&r.cert_validity_start_date),
            t(&r.cert_validity_end_date),
            t(&r.cert_organization),
            t(&r.cert_common_name),
            t(&r.voucher_validity_end_date),
            t(&r.order_valid_from),
            t(&r.order_valid_till),
        ];
        for v in [
            Some(r.id),
            r.no_of_fqdns,
            r.no_of_wildcards,
            r.validity_years,
            r.validity_days,
            r.voucher_order_id,
            r.certificate_order_id,
            r.server_licenses,
        ] {
            self.int_cell(v);
        }
        for s in &texts {
            self.text_cell(s.as_deref());
        }
        self.len = self.len.saturating_add(1);
    }

    fn row(&mut self, r: &Row<'_>) -> Result<(), FieldError> {
        // Integers first (all of them), then texts, each in COLUMNS order.
        for (j, kind) in KINDS.iter().enumerate().take(NCOLS) {
            match kind {
                Kind::ReqInt | Kind::Int => {
                    let v = parse_int(r.get(j)).map_err(|m| FieldError::new(j, m))?;
                    if v.is_none() && *kind == Kind::ReqInt {
                        return Err(FieldError::unset_int(j));
                    }
                    self.int_cell(v);
                }
                Kind::ReqText | Kind::Text => {}
            }
        }
        for (j, kind) in KINDS.iter().enumerate().take(NCOLS) {
            match kind {
                Kind::ReqText | Kind::Text => {
                    let s = r.get(j);
                    if is_blank(s) {
                        if *kind == Kind::ReqText {
                            return Err(FieldError::unset_text(j));
                        }
                        self.text_cell(None);
                    } else {
                        self.text_cell(Some(s));
                    }
                }
                Kind::ReqInt | Kind::Int => {}
            }
        }
        Ok(())
    }
}

/// A [`Sink`] writing into [`Columns`].
pub(crate) struct ColumnSink<'a>(pub(crate) &'a mut Columns);

impl Sink for ColumnSink<'_> {
    fn row(&mut self, r: &Row<'_>) -> Result<(), FieldError> {
        let m = self.0.mark();
        match self.0.row(r) {
            Ok(()) => {
                self.0.len = self.0.len.saturating_add(1);
                Ok(())
            }
            Err(e) => {
                self.0.rollback(m);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::csv::CsvParser;

    /// Rebuilds records from columns the way the JS builder does (UTF-16 offsets).
    fn to_records(c: &Columns) -> Vec<UsedVoucherCode> {
        let utf16: Vec<u16> = c.text.encode_utf16().collect();
        let mut start = 0usize;
        let mut t = 0usize;
        let mut next_text = || {
            let end = c.ends[t] as usize;
            let v = if c.nulls[t] == 1 {
                None
            } else {
                Some(String::from_utf16(&utf16[start..end]).unwrap())
            };
            start = end;
            t += 1;
            v
        };
        let num = |v: f64| if v.is_nan() { None } else { Some(v as i64) };
        (0..c.len)
            .map(|i| {
                let n = &c.nums[i * INTS..(i + 1) * INTS];
                let tx: Vec<Option<String>> = (0..TEXTS).map(|_| next_text()).collect();
                UsedVoucherCode {
                    id: n[0] as i64,
                    value: tx[0].clone().unwrap(),
                    product_name: tx[1].clone(),
                    no_of_fqdns: num(n[1]),
                    no_of_wildcards: num(n[2]),
                    shipping_method: tx[2].clone(),
                    validity_years: num(n[3]),
                    validity_days: num(n[4]),
                    status: tx[3].clone(),
                    created_date: tx[4].clone(),
                    voucher_order_id: num(n[5]),
                    cert_request_date: tx[5].clone(),
                    cert_validity_start_date: tx[6].clone(),
                    cert_validity_end_date: tx[7].clone(),
                    cert_organization: tx[8].clone(),
                    cert_common_name: tx[9].clone(),
                    certificate_order_id: num(n[6]),
                    voucher_validity_end_date: tx[10].clone(),
                    order_valid_from: tx[11].clone(),
                    order_valid_till: tx[12].clone(),
                    server_licenses: num(n[7]),
                }
            })
            .collect()
    }

    const HEADER: &str = "id,value,product_name,no_of_fqdns,no_of_wildcards,shipping_method,validity_years,validity_days,status,created_date,voucher_order_id,cert_request_date,cert_validity_start_date,cert_validity_end_date,cert_organization,cert_common_name,certificate_order_id,voucher_validity_end_date,order_valid_from,order_valid_till,server_licenses\n";

    #[test]
    fn columns_rebuild_the_typed_records() {
        let body = "1,A,\"Basic OV\",5,0,N/A,1,0,used,\"2022-03-03 13:31:03\",7,\" \",\" \",\" \",\"Ünïcødé 😀, \"\"Inc\"\"\",a.com,\"9\",2023-03-03,,,1\n\
                    2,B,,,,,,,,,,,,,\"<script>\nx</script>\",b.com,,,,,\n";
        let input = format!("{HEADER}{body}");
        let mut p = CsvParser::new(false);
        let mut c = Columns::default();
        let mut n = 0;
        for chunk in input.as_bytes().chunks(7) {
            n += p.push_columns(chunk, &mut c).unwrap();
        }
        n += p.finish_columns(&mut c).unwrap();
        assert_eq!(n, 2);
        let expected = crate::csv::parse(input.as_bytes(), false).unwrap().records;
        assert_eq!(to_records(&c), expected);
        assert_eq!(
            expected[0].cert_organization.as_deref(),
            Some("Ünïcødé 😀, \"Inc\"")
        );
    }

    #[test]
    fn a_bad_row_leaves_the_batch_as_it_was() {
        let input = format!("{HEADER}1,A,,,,,,,,,,,,,,,,,,,\n2,B,,x,,,,,,,,,,,,,,,,,\n");
        let mut p = CsvParser::new(true);
        let mut c = Columns::default();
        p.push_columns(input.as_bytes(), &mut c).unwrap();
        p.finish_columns(&mut c).unwrap();
        assert_eq!(c.len, 1);
        assert_eq!(c.nums.len(), INTS);
        assert_eq!(c.ends.len(), TEXTS);
        assert_eq!(p.take_errors().len(), 1);
        c.truncate_records(0);
        assert_eq!((c.len, c.text.len(), c.nums.len()), (0, 0, 0));
    }
}
