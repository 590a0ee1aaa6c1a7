//! The columnar fast path: a batch of rows as a few flat arrays that JS turns into record
//! objects in one tight loop, skipping JSON text altogether.
//!
//! Per record: the [`INTS`] integer columns go to [`Columns::nums`] (`NaN` for unset); each of
//! the [`TEXTS`] text columns gets a flag in [`Columns::flags`] ([`ASCII`], [`NULL`], [`UNICODE`], [`ASCII_KEEP`]
//! or [`REPEAT`]) and its end offset in [`Columns::ends`]. ASCII cells are concatenated in
//! [`Columns::text`] (their offsets are bytes, which are also UTF-16 units), the rare cells
//! holding other characters in [`Columns::utext`] (offsets in UTF-16 code units, what
//! `String.prototype.slice` takes). Keeping them apart lets JS decode the ASCII text through
//! the decoder's ASCII fast path into one-byte strings, and keeps the records' strings one-byte
//! (one non-ASCII cell would otherwise make every string sliced from the batch two-byte).
//! Values follow the same decoding rules as the JSON path and the typed records, so the
//! objects JS builds equal `listUsedVoucherCodes` records.

//!
//! Which columns are integers and which are text follows from the record's declaration
//! ([`FIELDS`](super::row::FIELDS)); [`INT_COLS`] and [`TEXT_COLS`] are the two groups, in
//! declaration order, as the JS builder (`src/js/csv_build.js`, generated from them) reads them.

use super::row::{is_int, FieldError, Row, Sink, FIELDS, NCOLS};
#[cfg(feature = "testing")]
use crate::api::used_codes::{UsedVoucherCode, COLUMNS};
use crate::lenient::{is_blank, parse_int};

/// The columns whose rule is (or is not, `int == false`) an integer: their indexes in the
/// declaration (and in [`COLUMNS`](crate::api::used_codes::COLUMNS)), in order; `N == 0` just
/// counts them. Compile time only.
#[allow(clippy::indexing_slicing)]
const fn group<const N: usize>(int: bool) -> ([u8; N], usize) {
    let mut out = [0; N];
    let (mut i, mut n) = (0, 0);
    while i < NCOLS {
        if is_int(FIELDS[i].kind) == int {
            if N > 0 {
                assert!(i <= u8::MAX as usize, "too many columns");
                out[n] = i as u8;
            }
            n += 1;
        }
        i += 1;
    }
    assert!(N == 0 || n == N, "wrong column count");
    (out, n)
}

/// Integer columns per record.
pub const INTS: usize = group::<0>(true).1;
/// Text columns per record.
pub const TEXTS: usize = NCOLS - INTS;
/// The integer columns, in the order of each record's numbers in [`Columns::nums`].
pub const INT_COLS: [u8; INTS] = group(true).0;
/// The text columns, in the order of each record's cells in [`Columns::flags`].
pub const TEXT_COLS: [u8; TEXTS] = group(false).0;

/// Column `j`'s rule refuses a blank cell.
fn required(j: usize) -> bool {
    FIELDS.get(j).is_some_and(|f| f.kind.required())
}

/// [`Columns::flags`]: an ASCII cell, in [`Columns::text`].
pub const ASCII: u8 = 0;
/// [`Columns::flags`]: an unset cell (`null`).
pub const NULL: u8 = 1;
/// [`Columns::flags`]: a cell with non-ASCII characters, in [`Columns::utext`].
pub const UNICODE: u8 = 2;
/// [`Columns::flags`]: an ASCII cell (in [`Columns::text`]) that JS keeps as its column's
/// last kept value.
pub const ASCII_KEEP: u8 = 3;
/// [`Columns::flags`]: the same text as its column's last kept value (nothing in `text`): JS
/// reuses that string instead of making a new one (`"used"`, `"N/A"`, a product name...).
pub const REPEAT: u8 = 4;

/// Longest cell that is kept for [`REPEAT`]: V8 copies substrings shorter than 13
/// characters, so a kept string never holds a batch's whole text alive.
const KEEP_MAX: usize = 12;

/// A column's last kept value (`len == u8::MAX`: none).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Kept {
    len: u8,
    bytes: [u8; KEEP_MAX],
}

impl Default for Kept {
    fn default() -> Self {
        Kept {
            len: u8::MAX,
            bytes: [0; KEEP_MAX],
        }
    }
}

impl Kept {
    fn get(&self) -> Option<&[u8]> {
        self.bytes.get(..usize::from(self.len))
    }

    fn set(&mut self, b: &[u8]) {
        if let (Some(dst), Ok(len)) = (self.bytes.get_mut(..b.len()), u8::try_from(b.len())) {
            dst.copy_from_slice(b);
            self.len = len;
        }
    }
}

/// Where a record's text ends: ASCII bytes, then non-ASCII bytes and UTF-16 units.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct TextEnd {
    /// End of the record's ASCII cells in [`Columns::text`] (bytes = UTF-16 units).
    pub ascii: u32,
    /// End of its non-ASCII cells in [`Columns::utext`], in bytes.
    pub ubytes: u32,
    /// The same, in UTF-16 units.
    pub units: u32,
}

/// One batch of records in columns (see the module docs).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Columns {
    /// `INTS` numbers per record, in column order; `NaN` is unset.
    pub nums: Vec<f64>,
    /// The ASCII text cells, concatenated.
    pub text: String,
    /// The other text cells, concatenated.
    pub utext: String,
    /// `TEXTS` end offsets per record: for an [`ASCII`] or [`ASCII_KEEP`] cell its end in
    /// `text`, for a [`UNICODE`] cell its end in `utext` in UTF-16 units, for a [`NULL`] or
    /// [`REPEAT`] cell the end of the cell before it in `text` (a cell starts where the one
    /// before it in the same string ended).
    pub ends: Vec<u32>,
    /// `TEXTS` flags per record: [`ASCII`], [`NULL`], [`UNICODE`], [`ASCII_KEEP`] or
    /// [`REPEAT`].
    pub flags: Vec<u8>,
    /// Per record, where its text ends in `text` and `utext`.
    pub text_ends: Vec<TextEnd>,
    /// Records in the batch.
    pub len: usize,
    /// Running end of `utext` in UTF-16 units.
    units: u32,
    /// Per text column, the last value flagged [`ASCII_KEEP`] (kept across batches, like the
    /// JS side's copy).
    keep: [Kept; TEXTS],
}

impl Columns {
    /// Empties the batch, keeping its memory.
    pub fn clear(&mut self) {
        self.nums.clear();
        self.text.clear();
        self.utext.clear();
        self.ends.clear();
        self.flags.clear();
        self.text_ends.clear();
        self.len = 0;
        self.units = 0;
    }

    pub(crate) fn clone_len(&self) -> usize {
        self.len
    }

    /// Where the text of the first `n` records ends.
    pub fn text_end(&self, n: usize) -> TextEnd {
        n.checked_sub(1)
            .and_then(|i| self.text_ends.get(i))
            .copied()
            .unwrap_or_default()
    }

    /// Drops the records after the first `n` (used to undo a failed batch).
    pub(crate) fn truncate_records(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        let e = self.text_end(n);
        // The dropped records may have changed a kept value JS will never see: forget them.
        self.rollback(Mark(
            n.saturating_mul(INTS),
            e.ascii as usize,
            e.ubytes as usize,
            n.saturating_mul(TEXTS),
            e.units,
            [Kept::default(); TEXTS],
        ));
        self.text_ends.truncate(n);
        self.len = n;
    }

    fn mark(&self) -> Mark {
        Mark(
            self.nums.len(),
            self.text.len(),
            self.utext.len(),
            self.ends.len(),
            self.units,
            self.keep,
        )
    }

    fn rollback(&mut self, m: Mark) {
        self.nums.truncate(m.0);
        self.text.truncate(m.1);
        self.utext.truncate(m.2);
        self.ends.truncate(m.3);
        self.flags.truncate(m.3);
        self.units = m.4;
        self.keep = m.5;
    }

    /// Appends one text cell; `ascii`: the caller knows `s` is ASCII.
    fn text_cell(&mut self, s: Option<&str>, ascii: bool) {
        match s {
            Some(s) if ascii || s.is_ascii() => {
                let b = s.as_bytes();
                let mut flag = ASCII;
                if b.len() <= KEEP_MAX {
                    if let Some(k) = self.keep.get_mut(self.flags.len() % TEXTS) {
                        if k.get() == Some(b) {
                            self.flags.push(REPEAT);
                            self.ends
                                .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
                            return;
                        }
                        k.set(b);
                        flag = ASCII_KEEP;
                    }
                }
                self.text.push_str(s);
                self.flags.push(flag);
                self.ends
                    .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
            }
            Some(s) => {
                self.utext.push_str(s);
                let units: usize = s.chars().map(char::len_utf16).sum();
                self.units = self
                    .units
                    .saturating_add(u32::try_from(units).unwrap_or(u32::MAX));
                self.flags.push(UNICODE);
                self.ends.push(self.units);
            }
            None => {
                self.flags.push(NULL);
                self.ends
                    .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
            }
        }
    }

    fn end_record(&mut self) {
        let c = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.text_ends.push(TextEnd {
            ascii: c(self.text.len()),
            ubytes: c(self.utext.len()),
            units: self.units,
        });
        self.len = self.len.saturating_add(1);
    }

    fn int_cell(&mut self, v: Option<i64>) {
        self.nums.push(v.map_or(f64::NAN, |n| n as f64));
    }

    /// Appends an already decoded record (read through its serde form, field by field in
    /// declaration order).
    #[cfg(feature = "testing")]
    pub fn record(&mut self, r: &UsedVoucherCode) {
        let v = serde_json::to_value(r).unwrap_or_default();
        let cell = |j: u8| {
            COLUMNS
                .get(usize::from(j))
                .and_then(|name| v.get(name))
                .unwrap_or(&serde_json::Value::Null)
        };
        for &j in &INT_COLS {
            self.int_cell(cell(j).as_i64());
        }
        for &j in &TEXT_COLS {
            self.text_cell(cell(j).as_str(), false);
        }
        self.end_record();
    }

    fn row(&mut self, r: &Row<'_>) -> Result<(), FieldError> {
        // Integers first (all of them), then texts, each in declaration order.
        for &j in &INT_COLS {
            let j = usize::from(j);
            let v = int(r.get(j)).map_err(|m| FieldError::new(j, m))?;
            if v.is_none() && required(j) {
                return Err(FieldError::unset_int(j));
            }
            self.int_cell(v);
        }
        for &j in &TEXT_COLS {
            let j = usize::from(j);
            let s = r.get(j);
            if blank(s) {
                if required(j) {
                    return Err(FieldError::unset_text(j));
                }
                self.text_cell(None, false);
            } else {
                self.text_cell(Some(s), r.ascii);
            }
        }
        Ok(())
    }
}

/// [`parse_int`], with a fast path for the usual cell: 1 to 15 ASCII digits (which are
/// within the safe integer range, and which `parse_int` reads the same way).
#[inline]
fn int(s: &str) -> Result<Option<i64>, String> {
    let b = s.as_bytes();
    if !b.is_empty() && b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        let v = b
            .iter()
            .fold(0i64, |v, d| v * 10 + i64::from(d.wrapping_sub(b'0')));
        return Ok(Some(v));
    }
    parse_int(s)
}

/// [`is_blank`], with a fast path: a cell starting with a printable ASCII character is not
/// blank.
#[inline]
fn blank(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(&c) if c > b' ' && c < 0x7f => false,
        _ => is_blank(s),
    }
}

/// What [`Columns::rollback`] restores.
struct Mark(usize, usize, usize, usize, u32, [Kept; TEXTS]);

/// A [`Sink`] writing into [`Columns`].
pub(crate) struct ColumnSink<'a>(pub(crate) &'a mut Columns);

impl Sink for ColumnSink<'_> {
    fn row(&mut self, r: &Row<'_>) -> Result<(), FieldError> {
        let m = self.0.mark();
        match self.0.row(r) {
            Ok(()) => {
                self.0.end_record();
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
        to_records_kept(c, &mut vec![None; TEXTS])
    }

    /// The same, with the kept values carried over from earlier batches (as the JS side does).
    fn to_records_kept(c: &Columns, kept: &mut [Option<String>]) -> Vec<UsedVoucherCode> {
        let utf16: Vec<u16> = c.utext.encode_utf16().collect();
        let (mut a, mut u) = (0usize, 0usize);
        let mut t = 0usize;
        let mut next_text = || {
            let end = c.ends[t] as usize;
            let col = t % TEXTS;
            let v = match c.flags[t] {
                ASCII => Some(c.text[std::mem::replace(&mut a, end)..end].to_owned()),
                ASCII_KEEP => {
                    let v = c.text[std::mem::replace(&mut a, end)..end].to_owned();
                    kept[col] = Some(v.clone());
                    Some(v)
                }
                REPEAT => Some(kept[col].clone().unwrap()),
                UNICODE => {
                    Some(String::from_utf16(&utf16[std::mem::replace(&mut u, end)..end]).unwrap())
                }
                _ => None,
            };
            t += 1;
            v
        };
        let num = |v: f64| if v.is_nan() { None } else { Some(v as i64) };
        (0..c.len)
            .map(|i| {
                let mut obj = serde_json::Map::new();
                for (col, &v) in INT_COLS.iter().zip(&c.nums[i * INTS..(i + 1) * INTS]) {
                    obj.insert(COLUMNS[usize::from(*col)].into(), num(v).into());
                }
                for col in TEXT_COLS {
                    obj.insert(COLUMNS[usize::from(col)].into(), next_text().into());
                }
                serde_json::from_value(obj.into()).unwrap()
            })
            .collect()
    }

    fn header() -> String {
        crate::api::used_codes::COLUMNS.join(",") + "\n"
    }

    #[test]
    fn columns_rebuild_the_typed_records() {
        let body = "1,A,\"Basic OV\",5,0,N/A,1,0,used,\"2022-03-03 13:31:03\",7,\" \",\" \",\" \",\"Ünïcødé 😀, \"\"Inc\"\"\",a.com,\"9\",2023-03-03,,,1\n\
                    2,B,,,,,,,,,,,,,\"<script>\nx</script>\",b.com,,,,,\n";
        let input = format!("{}{body}", header());
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
    fn truncating_keeps_the_first_records_whole() {
        let body = "1,A,,,,,,,,,,,,,\"Ünï, 😀\",a.com,,,,,\n2,B,,,,,,,,,,,,,Plain,é.com,,,,,\n3,C,x,,,,,,,,,,,,,,,,,,\n";
        let input = format!("{}{body}", header());
        let mut p = CsvParser::new(false);
        let mut c = Columns::default();
        p.push_columns(input.as_bytes(), &mut c).unwrap();
        p.finish_columns(&mut c).unwrap();
        let all = crate::csv::parse(input.as_bytes(), false).unwrap().records;
        assert_eq!(to_records(&c), all);
        for n in (0..=3).rev() {
            c.truncate_records(n);
            assert_eq!(to_records(&c), all[..n].to_vec(), "{n} records");
        }
        // Appending after a truncation continues from the cut.
        c.record(&all[2]);
        assert_eq!(to_records(&c), vec![all[2].clone()]);
    }

    #[test]
    fn kept_repeats_hold_across_batches_chunks_and_bad_rows() {
        const VOCAB: &[&str] = &[
            "used",
            "N/A",
            "",
            " ",
            "Basic OV",
            "twelve_chars",
            "thirteen_char",
            "x",
            "é",
            "Ünï 😀",
            "q\"\",",
            "a\r\nb",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for case in 0..400 {
            let mut input = header();
            for i in 0..next(30) {
                let cells: Vec<String> = (0..NCOLS)
                    .map(|j| {
                        if j == 0 {
                            (i + 1).to_string()
                        } else if is_int(FIELDS[j].kind) {
                            let k = if next(8) == 0 { 4 } else { 3 };
                            ["", "7", "12", "x"][next(k)].to_string()
                        } else {
                            let v = VOCAB[next(VOCAB.len())];
                            format!("\"{}\"", v.replace('"', "\"\""))
                        }
                    })
                    .collect();
                input.push_str(&cells.join(","));
                input.push('\n');
            }
            let expected = crate::csv::parse(input.as_bytes(), true).unwrap();
            let mut p = CsvParser::new(true);
            let mut c = Columns::default();
            let mut kept = vec![None; TEXTS];
            let mut got = Vec::new();
            let mut rest = input.as_bytes();
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at(next(rest.len().min(200)) + 1);
                rest = tail;
                c.clear();
                p.push_columns(chunk, &mut c).unwrap();
                got.extend(to_records_kept(&c, &mut kept));
            }
            c.clear();
            p.finish_columns(&mut c).unwrap();
            got.extend(to_records_kept(&c, &mut kept));
            assert_eq!(got, expected.records, "case {case}");
            assert_eq!(p.take_errors().len(), expected.errors.len(), "case {case}");
        }
    }

    #[test]
    fn a_bad_row_leaves_the_batch_as_it_was() {
        let input = format!(
            "{}1,A,,,,,,,,,,,,,,,,,,,\n2,B,,x,,,,,,,,,,,,,,,,,\n",
            header()
        );
        let mut p = CsvParser::new(true);
        let mut c = Columns::default();
        p.push_columns(input.as_bytes(), &mut c).unwrap();
        p.finish_columns(&mut c).unwrap();
        assert_eq!(c.len, 1);
        assert_eq!(c.nums.len(), INTS);
        assert_eq!(c.ends.len(), TEXTS);
        assert_eq!(c.text_ends.len(), 1);
        assert_eq!(p.take_errors().len(), 1);
        c.truncate_records(0);
        assert_eq!((c.len, c.text.len(), c.nums.len()), (0, 0, 0));
        assert_eq!((c.utext.len(), c.flags.len(), c.text_ends.len()), (0, 0, 0));
    }
}
