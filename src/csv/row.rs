//! One complete CSV record -> header mapping, checks, and a typed record or JSON object.
//!
//! The columns are the fields of [`UsedVoucherCode`]'s `record!` declaration, in its order,
//! each decoded by its declared rule ([`Kind`]): nothing here lists them again.

use crate::api::used_codes::{UsedVoucherCode, COLUMNS};
use crate::error::Error;
use crate::lenient::is_blank;
pub(crate) use crate::record::Kind;
use crate::record::{Field, Wire};

/// The columns: the used-code record's fields, in declaration order.
pub(crate) const FIELDS: &[Field] = <UsedVoucherCode as Wire>::SCHEMA.fields;

/// Number of known columns.
pub(crate) const NCOLS: usize = FIELDS.len();

/// True for a rule whose cell is an integer (an `f64` in the columns); the other rules a CSV
/// column may have are text.
pub(crate) const fn is_int(kind: Kind) -> bool {
    matches!(kind, Kind::Int | Kind::OptInt)
}

/// Every field of the record has a rule a CSV cell can hold (checked when the crate builds).
const _: () = {
    let mut i = 0;
    while i < NCOLS {
        #[allow(clippy::indexing_slicing)] // compile time only
        let ok = matches!(
            FIELDS[i].kind,
            Kind::Int | Kind::OptInt | Kind::ReqText | Kind::OptText
        );
        assert!(
            ok,
            "a used-code field has a rule the CSV parser does not decode"
        );
        i += 1;
    }
};

/// A record's cells, looked up by [`COLUMNS`] index.
pub(crate) struct Row<'a> {
    text: &'a str,
    starts: &'a [usize],
    ends: &'a [usize],
    cols: &'a [usize; NCOLS],
    /// Every cell is ASCII (known from the scan; `false` means unknown).
    pub(crate) ascii: bool,
}

/// A complete record's fields as a reader left them.
pub(crate) struct Fields<'a> {
    /// The field bytes: `csv_core`'s output (the fields back to back), or a simple line read
    /// in place (with its commas and quotes).
    pub(crate) out: &'a [u8],
    /// Where each field starts in `out`.
    pub(crate) starts: &'a [usize],
    /// Where each field ends in `out`.
    pub(crate) ends: &'a [usize],
    /// `out` is known to be all ASCII.
    pub(crate) ascii: bool,
}

impl<'a> Row<'a> {
    /// The cell of column `j` of [`COLUMNS`] ("" if out of range, which the checks exclude).
    #[inline]
    pub(crate) fn get(&self, j: usize) -> &'a str {
        let Some(&c) = self.cols.get(j) else {
            return "";
        };
        let start = self.starts.get(c).copied().unwrap_or(0);
        let end = self.ends.get(c).copied().unwrap_or(0);
        self.text.get(start..end).unwrap_or("")
    }
}

/// A cell that does not decode: its [`COLUMNS`] index and why.
pub(crate) struct FieldError {
    pub(crate) col: usize,
    pub(crate) msg: String,
}

impl FieldError {
    pub(crate) fn new(col: usize, msg: impl Into<String>) -> Self {
        FieldError {
            col,
            msg: msg.into(),
        }
    }

    pub(crate) fn unset_int(col: usize) -> Self {
        Self::new(col, "expected an integer, got an unset value")
    }

    pub(crate) fn unset_text(col: usize) -> Self {
        Self::new(col, "expected a string, got an unset value")
    }
}

/// Where decoded rows go: typed records or a JSON array.
pub(crate) trait Sink {
    /// Decodes and stores one checked row; on `Err` nothing is stored.
    fn row(&mut self, row: &Row<'_>) -> Result<(), FieldError>;
}

/// Why a record was refused: a bad row (lenient mode goes on), a bad row past the bound of
/// kept errors (only counted: no `Error` is built for it), or a fatal error.
pub(crate) enum Refusal {
    Row(Error),
    Dropped,
    Fatal(Error),
}

/// Header mapping, counters and collected errors.
pub(crate) struct Decoder {
    pub(crate) collect_errors: bool,
    /// In `collect_errors` mode, the most bad rows kept over the whole parse.
    pub(crate) max_errors: usize,
    /// Bad rows kept so far (taken or not).
    pub(crate) kept: u64,
    /// Bad rows met so far: kept, dropped, or (strict mode) returned.
    pub(crate) error_count: u64,
    /// For each column of [`COLUMNS`], its field index in the CSV rows.
    cols: Option<[usize; NCOLS]>,
    /// Number of fields of the header (and of every row).
    ncols: usize,
    pub(crate) errors: Vec<Error>,
    pub(crate) rows: u64,
    pub(crate) bytes: u64,
}

/// The line a record starts on, given the reader's line after it (`1 + LF count`), its
/// output bytes (quoted LFs are kept there) and whether its terminator was an LF.
pub(crate) fn start_line(out: &[u8], line_after: u64, term_lf: bool) -> u64 {
    let lfs = out.iter().filter(|&&b| b == b'\n').count() as u64;
    line_after
        .saturating_sub(lfs)
        .saturating_sub(u64::from(term_lf))
        .max(1)
}

/// `Ok(text)` if every field of the record is valid UTF-8, else the first bad field (1-based).
fn check_utf8<'a>(f: &Fields<'a>) -> Result<&'a str, usize> {
    if let Ok(s) = std::str::from_utf8(f.out) {
        if f.ascii || f.ends.iter().all(|&e| s.is_char_boundary(e)) {
            return Ok(s);
        }
    }
    // Rare path: find the first field that is not valid UTF-8 on its own.
    for (i, (&start, &end)) in f.starts.iter().zip(f.ends).enumerate() {
        let ok = f
            .out
            .get(start..end)
            .is_some_and(|f| std::str::from_utf8(f).is_ok());
        if !ok {
            return Err(i.saturating_add(1));
        }
    }
    Err(f.ends.len().max(1))
}

fn csv_err(line: u64, col: usize, msg: impl std::fmt::Display) -> Error {
    Error::csv(
        format!("line {line}, column {col}: {msg}"),
        line,
        col as u64,
    )
}

impl Decoder {
    pub(crate) fn new(collect_errors: bool, max_errors: usize) -> Self {
        Decoder {
            collect_errors,
            max_errors,
            kept: 0,
            error_count: 0,
            cols: None,
            ncols: 0,
            errors: Vec::new(),
            rows: 0,
            bytes: 0,
        }
    }

    pub(crate) fn has_header(&self) -> bool {
        self.cols.is_some()
    }

    /// A bad row's failure: its error, built by `e`, or `Dropped` (nothing built) when
    /// `collect_errors` mode already keeps `max_errors` of them.
    fn row_fail(&self, e: impl FnOnce() -> Error) -> Refusal {
        if self.collect_errors && self.kept >= self.max_errors as u64 {
            Refusal::Dropped
        } else {
            Refusal::Row(e())
        }
    }

    /// Number of header fields, once the header is read.
    pub(crate) fn ncols(&self) -> Option<usize> {
        self.cols.map(|_| self.ncols)
    }

    /// Handles one complete record; `line()` is the line it starts on (only needed for an
    /// error, so only computed then).
    pub(crate) fn record<S: Sink>(
        &mut self,
        f: Fields<'_>,
        too_many: bool,
        unterminated: bool,
        line: impl Fn() -> u64,
        sink: &mut S,
    ) -> Result<(), Refusal> {
        let (out, ends) = (f.out, f.ends);
        if unterminated {
            let e = || {
                csv_err(
                    line(),
                    ends.len().max(1),
                    "a quoted field is not closed before the end of the input",
                )
            };
            return Err(if self.cols.is_some() {
                self.row_fail(e)
            } else {
                Refusal::Fatal(e())
            });
        }
        if ends.len() <= 1 && !too_many {
            let field = match (f.starts.first(), ends.first()) {
                (Some(&a), Some(&b)) => out.get(a..b).unwrap_or_default(),
                _ => out,
            };
            if std::str::from_utf8(field).is_ok_and(is_blank) {
                return Ok(());
            }
        }
        let Some(cols) = &self.cols else {
            return self.header(&f, line()).map_err(Refusal::Fatal);
        };
        if too_many || ends.len() != self.ncols {
            return Err(self.row_fail(|| {
                let col = if too_many || ends.len() > self.ncols {
                    self.ncols.saturating_add(1)
                } else {
                    ends.len().saturating_add(1)
                };
                let found = if too_many {
                    format!("more than {}", self.ncols)
                } else {
                    ends.len().to_string()
                };
                csv_err(
                    line(),
                    col,
                    format_args!(
                        "expected {} fields like the header row, found {found}",
                        self.ncols
                    ),
                )
            }));
        }
        let text = check_utf8(&f).map_err(|col| {
            self.row_fail(|| csv_err(line(), col, "the field is not valid UTF-8"))
        })?;
        let row = Row {
            text,
            starts: f.starts,
            ends,
            cols,
            ascii: f.ascii,
        };
        match sink.row(&row) {
            Ok(()) => {
                self.rows = self.rows.saturating_add(1);
                Ok(())
            }
            Err(fe) => Err(self.row_fail(|| {
                let col = cols.get(fe.col).map_or(1, |c| c.saturating_add(1));
                let name = COLUMNS.get(fe.col).copied().unwrap_or("?");
                csv_err(line(), col, format_args!("{name}: {}", fe.msg))
            })),
        }
    }

    /// Maps the header row: every column of [`COLUMNS`] must be there exactly once.
    fn header(&mut self, f: &Fields<'_>, line: u64) -> Result<(), Error> {
        let ends = f.ends;
        let text = check_utf8(f)
            .map_err(|col| csv_err(line, col, "the header field is not valid UTF-8"))?;
        let mut found: [Option<usize>; NCOLS] = [None; NCOLS];
        for (i, (&start, &end)) in f.starts.iter().zip(ends).enumerate() {
            let name = text.get(start..end).unwrap_or("").trim();
            let Some(j) = COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) else {
                continue; // an extra column: ignored
            };
            let Some(slot) = found.get_mut(j) else {
                continue;
            };
            if slot.is_some() {
                return Err(csv_err(
                    line,
                    i.saturating_add(1),
                    format_args!("column `{}` appears twice in the header row", name),
                ));
            }
            *slot = Some(i);
        }
        let missing: Vec<&str> = COLUMNS
            .iter()
            .zip(found.iter())
            .filter(|(_, f)| f.is_none())
            .map(|(c, _)| *c)
            .collect();
        if !missing.is_empty() {
            return Err(csv_err(
                line,
                1,
                format_args!(
                    "the header row lacks column{} {}",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", ")
                ),
            ));
        }
        let mut cols = [0usize; NCOLS];
        for (c, f) in cols.iter_mut().zip(found.iter()) {
            *c = f.unwrap_or(0);
        }
        self.cols = Some(cols);
        self.ncols = ends.len();
        Ok(())
    }
}
