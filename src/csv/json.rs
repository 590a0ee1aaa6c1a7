//! The JSON fast path: rows written straight into a JSON array string, byte-identical to
//! `serde_json::to_string(&Vec<UsedVoucherCode>)` (same key order, `null`s, number forms
//! and string escapes), without a `UsedVoucherCode` per row.

use super::row::{is_int, FieldError, Row, Sink, FIELDS};
use crate::api::used_codes::UsedVoucherCode;
use crate::error::Error;
use crate::lenient::{is_blank, parse_int};
use crate::text::write_json_str;
use std::fmt::Write;

/// Appends records to an open JSON array.
pub(crate) struct JsonSink<'a> {
    out: &'a mut String,
    n: usize,
}

impl<'a> JsonSink<'a> {
    /// Opens the array.
    pub(crate) fn begin(out: &'a mut String) -> Self {
        out.push('[');
        JsonSink { out, n: 0 }
    }

    /// Closes the array; returns the number of records in it.
    pub(crate) fn end(self) -> usize {
        self.out.push(']');
        self.n
    }

    /// Appends an already decoded record (records queued by `push` before `push_json`).
    pub(crate) fn serde_record(&mut self, rec: &UsedVoucherCode) -> Result<(), Error> {
        let s = serde_json::to_string(rec)
            .map_err(|e| Error::decode(format!("could not serialize a record: {e}")))?;
        if self.n > 0 {
            self.out.push(',');
        }
        self.out.push_str(&s);
        self.n = self.n.saturating_add(1);
        Ok(())
    }
}

impl Sink for JsonSink<'_> {
    fn row(&mut self, r: &Row<'_>) -> Result<(), FieldError> {
        let mark = self.out.len();
        if self.n > 0 {
            self.out.push(',');
        }
        match write_row(self.out, r) {
            Ok(()) => {
                self.n = self.n.saturating_add(1);
                Ok(())
            }
            Err(e) => {
                self.out.truncate(mark);
                Err(e)
            }
        }
    }
}

/// Writes row `r` as a JSON object, the fields in declaration order.
pub(crate) fn write_row(out: &mut String, r: &Row<'_>) -> Result<(), FieldError> {
    for (j, f) in FIELDS.iter().enumerate() {
        out.push_str(if j == 0 { "{\"" } else { ",\"" });
        out.push_str(f.name);
        out.push_str("\":");
        let s = r.get(j);
        if is_int(f.kind) {
            if !write_int(out, s).map_err(|m| FieldError::new(j, m))? {
                if f.kind.required() {
                    return Err(FieldError::unset_int(j));
                }
                out.push_str("null");
            }
        } else if !is_blank(s) {
            write_json_str(out, s);
        } else if f.kind.required() {
            return Err(FieldError::unset_text(j));
        } else {
            out.push_str("null");
        }
    }
    out.push('}');
    Ok(())
}

/// Writes the integer of cell `s` as JSON; `Ok(false)` (nothing written) when blank.
///
/// Up to 15 plain digits without a leading zero (the common case, and always within the safe
/// integer range) are copied as they are, which is what `i64`'s formatting would print;
/// anything else goes through [`parse_int`](crate::lenient::parse_int).
#[inline]
fn write_int(out: &mut String, s: &str) -> Result<bool, String> {
    let b = s.as_bytes();
    let plain = matches!(b.len(), 1..=15)
        && b.iter().all(u8::is_ascii_digit)
        && (b.len() == 1 || b.first() != Some(&b'0'));
    if plain {
        out.push_str(s);
        return Ok(true);
    }
    match parse_int(s)? {
        Some(v) => {
            let _ = write!(out, "{v}");
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Appends the array `tail` to the array `out` (both `[...]`), giving one array.
pub(crate) fn join_arrays(out: &mut String, tail: &str) {
    let inner = tail
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or("");
    if inner.is_empty() {
        return;
    }
    if out.ends_with("[]") && out.len() == 2 {
        out.clear();
        out.push_str(tail);
        return;
    }
    if out.ends_with(']') {
        out.pop();
        out.push(',');
        out.push_str(inner);
        out.push(']');
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ints_like_serde_json() {
        for s in [
            "0",
            "7",
            "10",
            "007",
            "-5",
            "+5",
            " 42 ",
            "42.0",
            "999999999999999",
            "9007199254740991",
            "-9007199254740991",
            "1e3",
        ] {
            let mut out = String::new();
            assert!(write_int(&mut out, s).unwrap());
            let v = parse_int(s).unwrap().unwrap();
            assert_eq!(out, serde_json::to_string(&v).unwrap(), "{s}");
        }
        let mut out = String::new();
        assert!(!write_int(&mut out, " ").unwrap());
        assert!(write_int(&mut out, "x").is_err());
        assert!(write_int(&mut out, "99999999999999999999").is_err());
        assert!(write_int(&mut out, "9007199254740992").is_err());
        assert!(write_int(&mut out, "999999999999999999").is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn joins_arrays() {
        let mut a = String::from("[]");
        join_arrays(&mut a, "[]");
        assert_eq!(a, "[]");
        join_arrays(&mut a, "[1]");
        assert_eq!(a, "[1]");
        join_arrays(&mut a, "[2,3]");
        assert_eq!(a, "[1,2,3]");
    }
}
