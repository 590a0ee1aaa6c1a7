//! CSV output, for the command line's `--format csv`: RFC 4180 rows written with
//! [`csv_core::Writer`] (the crate the parser reads with), so quoting is the one the parser's
//! tests hold: a cell is quoted when it holds a comma, a quote, CR or LF, quotes inside are
//! doubled, rows end in CRLF.
//!
//! Cells are neutralised against spreadsheet formula injection (OWASP "CSV injection") unless
//! the writer is raw: a cell that begins with `=`, `+`, `-`, `@`, a tab or CR gets a `'`
//! prefix, so a spreadsheet shows it as text instead of evaluating it. A cell that is a plain
//! decimal number (`-12`, `+3.5`) is left as it is: a spreadsheet reads it as that number,
//! never as a formula.
//!
//! Three entry points: [`CsvWriter`] (rows of cells), [`neutralise_csv`] (an existing CSV,
//! such as the API's own export, read field by field with [`csv_core::Reader`] and written
//! again neutralised), and [`columns`] (the flattened column names of a record: nested
//! records' fields as `parent.child`, the fields of a list of records likewise, each such
//! cell holding the list's values joined with `;`).

use crate::record::{Kind, Schema};
use csv_core::{ReadRecordResult, Reader, Terminator, WriteResult, Writer, WriterBuilder};

/// True when `cell` would be read as a formula by a spreadsheet: it begins with `=`, `+`,
/// `-`, `@`, a tab or CR and is not a plain decimal number.
pub fn is_formula_like(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && !is_plain_number(cell)
}

/// `[+-]?digits(.digits)?`
fn is_plain_number(b: &[u8]) -> bool {
    let body = match b.first() {
        Some(b'+' | b'-') => b.get(1..).unwrap_or_default(),
        _ => b,
    };
    let mut digits = 0usize;
    let mut dot = false;
    for (i, &c) in body.iter().enumerate() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c == b'.' && !dot && digits > 0 && i + 1 < body.len() {
            dot = true;
        } else {
            return false;
        }
    }
    digits > 0
}

/// Writes CSV rows into a growing byte buffer; take the bytes with [`CsvWriter::take`]
/// whenever convenient (a row is never split between two takes).
#[derive(Debug)]
pub struct CsvWriter {
    w: Writer,
    raw: bool,
    out: Vec<u8>,
    cell: Vec<u8>,
    /// Bytes of the row being written (cells and delimiters).
    row_bytes: usize,
}

impl CsvWriter {
    /// A writer; `raw`: cells are written as they are (no neutralising).
    pub fn new(raw: bool) -> Self {
        CsvWriter {
            w: WriterBuilder::new().terminator(Terminator::CRLF).build(),
            raw,
            out: Vec::new(),
            cell: Vec::new(),
            row_bytes: 0,
        }
    }

    /// Writes one cell's bytes: quoted, with its quotes doubled by [`csv_core::quote`], when
    /// it holds a byte the writer must quote (comma, quote, CR, LF: [`Writer::is_special_byte`]).
    ///
    /// Not [`Writer::field`]: its quoting style is read at run time, and the `NonNumeric`
    /// branch parses every cell as an `f64`, which alone keeps core's float parser (about
    /// 12 KB gzip) in the .wasm. The rows are the same as `Writer::field` writes with the
    /// default style (`Necessary`); `writes_what_csv_core_writes` holds them to it.
    fn field(&mut self, input: &[u8]) {
        self.row_bytes = self.row_bytes.saturating_add(input.len());
        if !input.iter().any(|&b| self.w.is_special_byte(b)) {
            self.out.extend_from_slice(input);
            return;
        }
        self.out.push(b'"');
        let mut rest = input;
        loop {
            let start = self.out.len();
            // The most one call can write: every byte doubled.
            self.out
                .resize(start.saturating_add(rest.len().saturating_mul(2)), 0);
            let (res, nin, nout) = csv_core::quote(
                rest,
                self.out.get_mut(start..).unwrap_or_default(),
                b'"',
                b'\\',
                true,
            );
            self.out.truncate(start.saturating_add(nout));
            rest = rest.get(nin..).unwrap_or_default();
            if matches!(res, WriteResult::InputEmpty) && rest.is_empty() {
                break;
            }
        }
        self.out.push(b'"');
    }

    /// Writes a delimiter, or ends the row with CRLF (a row that is one empty cell is written
    /// `""`, as csv-core does, so that it reads back as a row).
    fn separator(&mut self, end: bool) {
        if !end {
            self.out.push(b',');
            self.row_bytes = self.row_bytes.saturating_add(1);
            return;
        }
        if self.row_bytes == 0 {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.extend_from_slice(b"\r\n");
        self.row_bytes = 0;
    }

    /// Writes one cell (after a delimiter unless `first`), neutralised unless raw.
    fn cell(&mut self, value: &[u8], first: bool) {
        if !first {
            self.separator(false);
        }
        if !self.raw && is_formula_like(value) {
            let mut cell = std::mem::take(&mut self.cell);
            cell.clear();
            cell.push(b'\'');
            cell.extend_from_slice(value);
            self.field(&cell);
            self.cell = cell;
        } else {
            self.field(value);
        }
    }

    /// Writes one row.
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a [u8]>) {
        let mut first = true;
        for c in cells {
            self.cell(c, first);
            first = false;
        }
        self.separator(true);
    }

    /// The bytes written since the last take.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }
}

/// Reads `input` as CSV (RFC 4180, any line endings) and writes the same rows again with
/// [`CsvWriter`]: every cell neutralised unless `raw`, rows ending in CRLF. The cells keep
/// their bytes (quoting may change: only cells that need quotes are quoted).
pub fn neutralise_csv(input: &[u8], raw: bool) -> Vec<u8> {
    let mut rdr = Reader::new();
    let mut w = CsvWriter::new(raw);
    w.out.reserve(input.len().saturating_add(input.len() / 16));
    // One record: its fields' bytes back to back, and where each ends.
    let mut fields: Vec<u8> = vec![0; 1024];
    let mut len = 0usize;
    let mut ends: Vec<usize> = vec![0; 32];
    let mut n = 0usize;
    let mut rest = input;
    loop {
        let (res, nin, nout, nend) = rdr.read_record(
            rest,
            fields.get_mut(len..).unwrap_or_default(),
            ends.get_mut(n..).unwrap_or_default(),
        );
        // An empty `rest` on the next call tells the reader the input has ended.
        rest = rest.get(nin..).unwrap_or_default();
        len = len.saturating_add(nout);
        n = n.saturating_add(nend);
        match res {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => fields.resize(fields.len().saturating_mul(2), 0),
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len().saturating_mul(2), 0),
            ReadRecordResult::Record => {
                let mut start = 0usize;
                for (i, &end) in ends.get(..n).unwrap_or_default().iter().enumerate() {
                    let cell = fields.get(start..end).unwrap_or_default();
                    w.cell(cell, i == 0);
                    start = end;
                }
                w.separator(true);
                len = 0;
                n = 0;
            }
            ReadRecordResult::End => break,
        }
    }
    w.take()
}

/// The CSV columns of a record: its fields in declaration order, a nested record's (or a list
/// of records') fields as `name.field`, recursively.
pub fn columns(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    push_columns(schema, "", &mut out);
    out
}

fn push_columns(schema: &Schema, prefix: &str, out: &mut Vec<String>) {
    for f in schema.fields {
        let name = format!("{prefix}{}", f.name);
        match f.kind {
            Kind::Nested(s) | Kind::List(s) => push_columns(s, &format!("{name}."), out),
            _ => out.push(name),
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]
mod tests {
    use super::*;
    use crate::record::Wire;
    use crate::test_support::Rng;
    use csv_core::ReadFieldResult;

    fn rows(cells: &[&[&str]], raw: bool) -> String {
        let mut w = CsvWriter::new(raw);
        for r in cells {
            w.row(r.iter().map(|c| c.as_bytes()));
        }
        String::from_utf8(w.take()).unwrap()
    }

    /// Reads CSV back with csv-core's reader (the one the used-codes parser is built on).
    fn read_back(csv: &[u8]) -> Vec<Vec<String>> {
        let mut rdr = Reader::new();
        let mut out = vec![];
        let mut row = vec![];
        let mut buf = vec![0u8; csv.len() + 16];
        let mut rest = csv;
        loop {
            let (res, nin, nout) = rdr.read_field(rest, &mut buf);
            rest = &rest[nin..];
            match res {
                ReadFieldResult::Field { record_end } => {
                    row.push(String::from_utf8(buf[..nout].to_vec()).unwrap());
                    if record_end {
                        out.push(std::mem::take(&mut row));
                    }
                }
                ReadFieldResult::End => return out,
                ReadFieldResult::InputEmpty => {}
                ReadFieldResult::OutputFull => panic!("buffer too small"),
            }
        }
    }

    #[test]
    fn quotes_only_what_needs_quotes_and_ends_rows_in_crlf() {
        assert_eq!(
            rows(&[&["a", "b,c", "say \"hi\"", "two\nlines", ""]], true),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn neutralises_formula_cells_but_not_numbers() {
        let out = rows(
            &[&[
                "=1+2", "+x", "-2+3", "@SUM(A1)", "\tx", "\rx", "-12", "+3.5", "a=b",
            ]],
            false,
        );
        assert_eq!(
            read_back(out.as_bytes()),
            vec![vec![
                "'=1+2",
                "'+x",
                "'-2+3",
                "'@SUM(A1)",
                "'\tx",
                "'\rx",
                "-12",
                "+3.5",
                "a=b"
            ]]
        );
        // Raw: as they are.
        let raw = rows(&[&["=1+2", "@x"]], true);
        assert_eq!(read_back(raw.as_bytes()), vec![vec!["=1+2", "@x"]]);
    }

    #[test]
    fn a_neutralised_cell_that_needs_quotes_is_quoted_whole() {
        assert_eq!(rows(&[&["=a,b"]], false), "\"'=a,b\"\r\n");
    }

    #[test]
    fn rewrites_an_existing_csv_cell_by_cell() {
        let input = b"id,org\n1,\"=HYPERLINK(\"\"x\"\")\"\r\n2,\"Acme, Inc.\"\n3,-5\n4,";
        let out = neutralise_csv(input, false);
        assert_eq!(
            read_back(&out),
            vec![
                vec!["id", "org"],
                vec!["1", "'=HYPERLINK(\"x\")"],
                vec!["2", "Acme, Inc."],
                vec!["3", "-5"],
                vec!["4", ""],
            ]
        );
        assert_eq!(
            read_back(&neutralise_csv(input, true))[1][1],
            "=HYPERLINK(\"x\")"
        );
        assert!(neutralise_csv(b"", false).is_empty());
    }

    #[test]
    fn a_long_cell_grows_the_reader_buffer() {
        let long = "x".repeat(10_000);
        let input = format!("a,{long}\n");
        assert_eq!(
            read_back(&neutralise_csv(input.as_bytes(), false)),
            vec![vec!["a".to_owned(), long]]
        );
    }

    /// For every generated row: what the writer writes reads back as the same cells (the
    /// neutralised ones with their `'`), and a rewrite of a raw CSV equals a direct write.
    #[test]
    fn property_rows_read_back_as_written() {
        let mut rng = Rng::new(0x00c5_7e11);
        let alphabet = [
            "a", "Z", "1", ",", "\"", "\n", "\r", "\r\n", " ", "=", "+", "-", "@", "\t", "é", "'",
            ";", ".",
        ];
        for _ in 0..2000 {
            let width = 1 + rng.below(6);
            let n = 1 + rng.below(4);
            let table: Vec<Vec<String>> = (0..n)
                .map(|_| {
                    (0..width)
                        .map(|_| (0..rng.below(8)).map(|_| rng.pick(&alphabet)).collect())
                        .collect()
                })
                .collect();
            let raw = rng.chance(30);
            let mut w = CsvWriter::new(raw);
            for r in &table {
                w.row(r.iter().map(String::as_bytes));
            }
            let out = w.take();
            let back = read_back(&out);
            let expected: Vec<Vec<String>> = table
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| {
                            if !raw && is_formula_like(c.as_bytes()) {
                                format!("'{c}")
                            } else {
                                c.clone()
                            }
                        })
                        .collect()
                })
                .collect();
            // A single empty cell in a row is written as `""`, which reads back as one empty field.
            assert_eq!(back, expected, "{:?}", String::from_utf8_lossy(&out));
            let mut w2 = CsvWriter::new(true);
            for r in &table {
                w2.row(r.iter().map(String::as_bytes));
            }
            assert_eq!(neutralise_csv(&w2.take(), raw), out);
        }
    }

    /// What csv-core's own `Writer` (default `Necessary` style, CRLF) writes for `table`.
    fn csv_core_writes(table: &[Vec<String>]) -> Vec<u8> {
        let mut w = WriterBuilder::new().terminator(Terminator::CRLF).build();
        let mut out = vec![0u8; 64 * 1024];
        let mut n = 0;
        for r in table {
            for (i, c) in r.iter().enumerate() {
                if i > 0 {
                    n += w.delimiter(&mut out[n..]).1;
                }
                let (res, nin, nout) = w.field(c.as_bytes(), &mut out[n..]);
                assert!(matches!(res, WriteResult::InputEmpty) && nin == c.len());
                n += nout;
            }
            n += w.terminator(&mut out[n..]).1;
        }
        out.truncate(n);
        out
    }

    #[test]
    fn writes_what_csv_core_writes() {
        let mut rng = Rng::new(0x0c5f_c0de);
        let alphabet = ["a", ",", "\"", "\n", "\r", " ", "-1", "é", ""];
        for _ in 0..3000 {
            let width = 1 + rng.below(5);
            let table: Vec<Vec<String>> = (0..1 + rng.below(4))
                .map(|_| {
                    (0..width)
                        .map(|_| (0..rng.below(6)).map(|_| rng.pick(&alphabet)).collect())
                        .collect()
                })
                .collect();
            let mut w = CsvWriter::new(true);
            for r in &table {
                w.row(r.iter().map(String::as_bytes));
            }
            assert_eq!(w.take(), csv_core_writes(&table), "{table:?}");
        }
    }

    #[test]
    fn columns_flatten_nested_records_and_lists_of_records() {
        let cols = columns(&crate::api::subaccount_orders::SubaccountOrder::SCHEMA);
        assert_eq!(cols[0], "id");
        assert!(cols.contains(&"certificate.common_name".to_owned()));
        assert!(cols.contains(&"certificate.dns_names".to_owned()));
        assert!(cols.contains(&"subaccount.organization_name".to_owned()));
        assert!(cols.iter().any(|c| c.starts_with("order_prices.")));
        assert!(!cols.contains(&"certificate".to_owned()));
        let unique: std::collections::HashSet<_> = cols.iter().collect();
        assert_eq!(unique.len(), cols.len());
    }
}
