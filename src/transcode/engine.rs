//! The scanner and writer: reads the wire JSON once, writes the normalised JSON as it goes.
//!
//! Every rule mirrors a function of [`crate::lenient`] as serde_json drives it (numbers are
//! classified as serde_json classifies them: `u64`, negative `i64`, or `f64`), so the output is
//! `serde_json::to_string` of what the serde path decodes. `tests` checks that on generated
//! hostile documents.

use crate::api::Page;
use crate::config::redact;
use crate::error::{MAX_ENTRY_CHARS, MAX_ERROR_ENTRIES};
use crate::lenient::{float_int, int_text, is_blank, parse_bool, parse_num, safe_int, IntError};
use crate::record::{Field, Kind, Schema};
use crate::text::{clip, clip_marked, f64_text, write_json_str};
use std::collections::HashSet;

/// What is wrong with the wire JSON, and the byte offset in the input where it is.
#[derive(Debug)]
pub(crate) struct JsonError {
    pub msg: String,
    pub at: usize,
    /// For an integer outside the safe range: where the value is (`orders[3].id`), built
    /// on the way out as each record and list adds its part; `None` for other failures.
    pub path: Option<String>,
}

impl JsonError {
    /// The failure, inside field `name` of a record.
    pub fn in_field(mut self, name: &str) -> Self {
        if let Some(p) = &mut self.path {
            let dot = if p.is_empty() || p.starts_with('[') {
                ""
            } else {
                "."
            };
            *p = format!("{name}{dot}{p}");
        }
        self
    }

    /// The failure, inside element `i` of a list.
    pub fn in_element(mut self, i: usize) -> Self {
        if let Some(p) = &mut self.path {
            let dot = if p.is_empty() || p.starts_with('[') {
                ""
            } else {
                "."
            };
            *p = format!("[{i}]{dot}{p}");
        }
        self
    }
}

pub(crate) type R<T> = Result<T, JsonError>;

/// serde_json's nesting limit.
const MAX_DEPTH: u32 = 128;

/// A JSON number as serde_json hands it to a visitor.
#[derive(Clone, Copy, Debug)]
enum Num {
    U(u64),
    I(i64),
    F(f64),
}

/// One scalar token, or the start of a container (not consumed).
#[derive(Clone, Copy, Debug)]
enum Tok {
    /// A string: the byte range of its content (between the quotes), and whether it has escapes.
    Str(usize, usize, bool),
    /// A number: its byte range.
    Num(usize, usize),
    Bool,
    Null,
    Obj,
    Arr,
}

/// A written value's byte range in the output, when it is not `null`.
pub(crate) type Span = Option<(usize, usize)>;

pub(crate) struct Tx<'a> {
    src: &'a str,
    s: &'a [u8],
    pos: usize,
    depth: u32,
    /// Input before this offset is in the output (copied or rewritten) or dropped; input from
    /// here to `pos` is still to be copied as it is. Most of a response passes through
    /// unchanged, so it is copied in long runs rather than token by token.
    flushed: usize,
    /// Offset of the last `{`, `[` or `,` consumed.
    sep: usize,
    /// Inside a skipped value: like serde_json's `IgnoredAny`, `\\u` escapes are not checked
    /// for lone surrogates there.
    skipping: bool,
    /// The output.
    pub out: String,
    /// Text replaced by `[redacted]` in error entries, before they are cut (the API key).
    secret: Option<&'a str>,
}

impl<'a> Tx<'a> {
    pub fn new(src: &'a str) -> Self {
        Tx {
            src,
            s: src.as_bytes(),
            pos: 0,
            depth: 0,
            flushed: 0,
            sep: 0,
            skipping: false,
            out: String::with_capacity(src.len().saturating_add(src.len() / 8)),
            secret: None,
        }
    }

    /// A reader of error entries that replaces `secret` in them by `[redacted]` (before they
    /// are cut, so no part of it is left at a cut).
    pub fn with_secret(mut self, secret: Option<&'a str>) -> Self {
        self.secret = secret.filter(|s| !s.is_empty());
        self
    }

    pub fn fail<T>(&self, msg: impl Into<String>) -> R<T> {
        Err(JsonError {
            msg: msg.into(),
            at: self.pos,
            path: None,
        })
    }

    #[inline(always)]
    fn peek_raw(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    #[inline(always)]
    pub fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek_raw() {
            self.pos += 1;
        }
    }

    #[inline(always)]
    pub fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.peek_raw()
    }

    /// Consumes `b` (after white space) or fails.
    #[inline]
    pub fn expect_byte(&mut self, b: u8, what: &str) -> R<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else if self.peek_raw().is_none() {
            self.fail(format!("EOF while parsing {what}"))
        } else {
            self.fail(format!("expected {what}"))
        }
    }

    /// Only white space may follow the top-level value.
    pub fn end(&mut self) -> R<()> {
        if self.peek().is_some() {
            return self.fail("trailing characters");
        }
        Ok(())
    }

    #[inline(always)]
    fn src(&self, a: usize, b: usize) -> &'a str {
        // Token boundaries sit next to ASCII bytes (quotes, digits), so they are char boundaries.
        self.src.get(a..b).unwrap_or("")
    }

    /// Scans a string whose opening quote is at `pos`: content range and whether it has escapes.
    fn string(&mut self) -> R<(usize, usize, bool)> {
        self.pos += 1;
        let start = self.pos;
        let mut esc = false;
        loop {
            self.pos = plain_run(self.s, self.pos);
            let Some(&b) = self.s.get(self.pos) else {
                return self.fail("EOF while parsing a string");
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok((start, self.pos - 1, esc));
                }
                b'\\' => {
                    esc = true;
                    self.pos += 1;
                    match self.peek_raw() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1;
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.hex4()?;
                            if self.skipping {
                                continue;
                            }
                            if (0xD800..0xDC00).contains(&c) {
                                if self.s.get(self.pos..self.pos + 2) != Some(b"\\u") {
                                    return self.fail("lone leading surrogate in hex escape");
                                }
                                self.pos += 2;
                                let d = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&d) {
                                    return self.fail("lone leading surrogate in hex escape");
                                }
                            } else if (0xDC00..0xE000).contains(&c) {
                                return self.fail("lone trailing surrogate in hex escape");
                            }
                        }
                        _ => return self.fail("invalid escape"),
                    }
                }
                0..=0x1f => {
                    return self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string")
                }
                _ => self.pos += 1,
            }
        }
    }

    fn hex4(&mut self) -> R<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek_raw() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return self.fail("invalid escape"),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    /// Scans a number starting at `pos` (JSON grammar): its range.
    fn number(&mut self) -> R<(usize, usize)> {
        let start = self.pos;
        if self.peek_raw() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek_raw() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek_raw() {
                    return self.fail("invalid number");
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.fail("invalid number"),
        }
        if self.peek_raw() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek_raw(), Some(b'0'..=b'9')) {
                return self.fail("invalid number");
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek_raw() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek_raw() {
                self.pos += 1;
            }
            if !matches!(self.peek_raw(), Some(b'0'..=b'9')) {
                return self.fail("invalid number");
            }
            self.digits();
        }
        Ok((start, self.pos))
    }

    #[inline]
    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek_raw() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.s.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            self.fail("expected value")
        }
    }

    /// The next value: scalars are consumed, containers are not.
    fn tok(&mut self) -> R<Tok> {
        match self.peek() {
            Some(b'"') => {
                let (a, b, e) = self.string()?;
                Ok(Tok::Str(a, b, e))
            }
            Some(b'-' | b'0'..=b'9') => {
                let (a, b) = self.number()?;
                Ok(Tok::Num(a, b))
            }
            Some(b't') => self.literal(b"true").map(|_| Tok::Bool),
            Some(b'f') => self.literal(b"false").map(|_| Tok::Bool),
            Some(b'n') => self.literal(b"null").map(|_| Tok::Null),
            Some(b'{') => Ok(Tok::Obj),
            Some(b'[') => Ok(Tok::Arr),
            None => self.fail("EOF while parsing a value"),
            Some(_) => self.fail("expected value"),
        }
    }

    /// The value of a number token, classified as serde_json does.
    fn num(&self, a: usize, b: usize) -> R<Num> {
        let t = self.src(a, b);
        let float = t.bytes().any(|c| matches!(c, b'.' | b'e' | b'E'));
        if !float {
            if let Some(d) = t.strip_prefix('-') {
                if let Ok(v) = d.parse::<u64>() {
                    if v == 0 {
                        return Ok(Num::F(-0.0));
                    }
                    if let Some(n) = 0i64.checked_sub_unsigned(v) {
                        return Ok(Num::I(n));
                    }
                }
            } else if let Ok(v) = t.parse::<u64>() {
                return Ok(Num::U(v));
            }
        }
        match crate::text::parse_f64(t) {
            Some(f) if f.is_finite() => Ok(Num::F(f)),
            _ => Err(JsonError {
                msg: "number out of range".into(),
                at: a,
                path: None,
            }),
        }
    }

    /// The text of a string token (unescaped only when it has escapes).
    fn text(&self, a: usize, b: usize, esc: bool) -> std::borrow::Cow<'a, str> {
        let raw = self.src(a, b);
        if esc {
            std::borrow::Cow::Owned(unescape(raw))
        } else {
            std::borrow::Cow::Borrowed(raw)
        }
    }

    /// True when string token `a..b` is blank, checked without unescaping in the usual case.
    #[inline(always)]
    fn blank(&self, a: usize, b: usize, esc: bool) -> bool {
        if a >= b {
            return true;
        }
        match self.s.get(a) {
            None => true,
            // Not white space and not an escape or a non-ASCII char: the text is not blank.
            Some(&c) if c < 0x80 && c != b'\\' && !c.is_ascii_whitespace() => false,
            Some(_) => is_blank(&self.text(a, b, esc)),
        }
    }

    fn type_err<T>(&self, t: Tok, expected: &str) -> R<T> {
        let got = match t {
            Tok::Str(..) => "a string",
            Tok::Num(..) => "a number",
            Tok::Bool => "a boolean",
            Tok::Null => "null",
            Tok::Obj => "an object",
            Tok::Arr => "an array",
        };
        self.fail(format!("invalid type: {got}, expected {expected}"))
    }

    // ---- the rules ------------------------------------------------------------------------

    /// `lenient::opt_int` of the next value.
    fn int(&mut self) -> R<Option<i64>> {
        let t = self.tok()?;
        match t {
            Tok::Num(a, b) => self.num_int(a, b).map(|(v, _)| Some(v)),
            Tok::Str(a, b, e) => int_text(&self.text(a, b, e)).or_else(|e| self.int_fail(e)),
            Tok::Null => Ok(None),
            _ => self.type_err(t, "an integer, a string holding one, or null"),
        }
    }

    /// The integer of number token `a..b` by `lenient::opt_int`'s rules, and whether its
    /// literal is already what serde_json prints for it (an integer literal).
    fn num_int(&self, a: usize, b: usize) -> R<(i64, bool)> {
        let shown = || clip(self.src(a, b), 40);
        let r = match self.num(a, b)? {
            Num::U(v) => match i64::try_from(v) {
                Ok(v) => safe_int(v, shown).map(|v| (v, true)),
                Err(_) => Err(IntError::out_of_range(shown())),
            },
            Num::I(v) => safe_int(v, shown).map(|v| (v, true)),
            Num::F(f) => float_int(f, shown).map(|v| (v, false)),
        };
        r.or_else(|e| self.int_fail(e))
    }

    /// Fails with an integer error; one outside the safe range gets its path on the way out.
    fn int_fail<T>(&self, e: IntError) -> R<T> {
        Err(JsonError {
            msg: e.msg,
            at: self.pos,
            path: e.out_of_range.then(String::new),
        })
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail("recursion limit exceeded");
        }
        self.sep = self.pos;
        self.pos += 1; // the `{` or `[` that `tok` saw
        Ok(())
    }

    /// After an element or member: `,` (more follow) or the closing `close` (done).
    #[inline(always)]
    pub fn more(&mut self, close: u8) -> R<bool> {
        match self.peek() {
            Some(b',') => {
                self.sep = self.pos;
                self.pos += 1;
                if self.peek() == Some(close) {
                    return self.fail("trailing comma");
                }
                Ok(true)
            }
            Some(c) if c == close => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            None => self.fail("EOF while parsing a list or an object"),
            Some(_) => self.fail(if close == b']' {
                "expected `,` or `]`"
            } else {
                "expected `,` or `}`"
            }),
        }
    }

    /// Enters an array: `false` when it is empty (and already closed).
    fn open_array(&mut self) -> R<bool> {
        self.enter()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// Enters an object: `false` when it is empty (and already closed).
    pub fn open_object(&mut self) -> R<bool> {
        if self.peek() != Some(b'{') {
            let t = self.tok()?;
            return self.type_err(t, "an object");
        }
        self.enter()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// Reads a member key and its `:`; the key's text.
    pub fn key(&mut self) -> R<std::borrow::Cow<'a, str>> {
        let (a, b, e) = self.raw_key()?;
        Ok(self.text(a, b, e))
    }

    /// Reads a member key and its `:`; the key's content range and whether it has escapes
    /// (nothing is allocated).
    fn raw_key(&mut self) -> R<(usize, usize, bool)> {
        if self.peek() != Some(b'"') {
            return self.fail("key must be a string");
        }
        let k = self.string()?;
        self.expect_byte(b':', "`:`")?;
        Ok(k)
    }

    /// True when the key at `a..b` (with escapes when `esc`) is `name`, compared without
    /// allocating.
    fn key_is(&self, (a, b, esc): (usize, usize, bool), name: &str) -> bool {
        let raw = self.src(a, b);
        if esc {
            Unescaped(raw.chars()).eq(name.chars())
        } else {
            raw == name
        }
    }

    /// Reads a member key and its `:`: the field it names, if any. The field after the last
    /// one matched is tried first, on the raw bytes (fields usually arrive in order).
    #[inline]
    fn field_key<'f>(
        &mut self,
        fields: &'f [Field],
        guess: usize,
    ) -> R<Option<(usize, &'f Field)>> {
        if self.peek() != Some(b'"') {
            return self.fail("key must be a string");
        }
        if let Some(f) = fields.get(guess) {
            let name = f.name.as_bytes();
            let at = self.pos + 1;
            let end = at + name.len();
            let same = self
                .s
                .get(at..end)
                .is_some_and(|raw| raw.iter().zip(name).all(|(a, b)| a == b));
            if same && self.s.get(end) == Some(&b'"') {
                self.pos = end + 1;
                self.expect_byte(b':', "`:`")?;
                return Ok(Some((guess, f)));
            }
        }
        let key = self.key()?;
        Ok(find(fields, &key, guess))
    }

    /// Skips (and validates) the next value, iteratively (no recursion on hostile nesting).
    pub fn skip(&mut self) -> R<()> {
        self.skipping = true;
        let r = self.skip_inner();
        self.skipping = false;
        r
    }

    fn skip_inner(&mut self) -> R<()> {
        // Bit i set: the i-th open container (counted from this value) is an object. The
        // depth limit keeps `open` at or below 128.
        let mut objs: u128 = 0;
        let mut open: u32 = 0;
        loop {
            let opened = match self.tok()? {
                Tok::Obj => self.open_object()?.then_some(true),
                Tok::Arr => self.open_array()?.then_some(false),
                _ => None,
            };
            if let Some(is_obj) = opened {
                if is_obj {
                    objs |= 1u128 << open;
                } else {
                    objs &= !(1u128 << open);
                }
                open += 1;
                if is_obj {
                    self.raw_key()?;
                }
                continue;
            }
            // A value ended: close containers until one has a next element.
            loop {
                if open == 0 {
                    return Ok(());
                }
                let is_obj = (objs >> (open - 1)) & 1 == 1;
                if self.more(if is_obj { b'}' } else { b']' })? {
                    if is_obj {
                        self.raw_key()?;
                    }
                    break;
                }
                open -= 1;
            }
        }
    }
}

/// What a rule makes of a value: keep its text as it is, or write something else.
enum Rep {
    Keep,
    Lit(&'static str),
    Int(i64),
    Owned(String),
}

impl Tx<'_> {
    /// Copies the pending input up to `upto` into the output.
    #[inline(always)]
    pub fn flush(&mut self, upto: usize) {
        if upto > self.flushed {
            let s = self.src(self.flushed, upto);
            push_ascii(&mut self.out, s);
            self.flushed = upto;
        }
    }

    /// Drops the pending input up to `upto` (nothing of it reaches the output).
    #[inline]
    pub fn drop_to(&mut self, upto: usize) {
        self.flushed = self.flushed.max(upto);
    }

    /// Writes `rep` in place of the value at `start..self.pos`.
    #[inline(always)]
    fn apply(&mut self, start: usize, rep: Rep) {
        match rep {
            Rep::Keep => return,
            Rep::Lit(s) => {
                self.flush(start);
                self.out.push_str(s);
            }
            Rep::Int(v) => {
                self.flush(start);
                write_i64(&mut self.out, v);
            }
            Rep::Owned(s) => {
                self.flush(start);
                self.out.push_str(&s);
            }
        }
        self.drop_to(self.pos);
    }

    /// `lenient::opt_int`: the value, and how to write it (`Keep` for a canonical literal).
    fn int_rep(&mut self) -> R<(Option<i64>, Rep)> {
        let t = self.tok()?;
        match t {
            Tok::Num(a, b) => match self.num_int(a, b)? {
                (v, true) => Ok((Some(v), Rep::Keep)),
                (v, false) => Ok((Some(v), Rep::Int(v))),
            },
            Tok::Str(a, b, e) => match int_text(&self.text(a, b, e)) {
                Ok(Some(v)) => Ok((Some(v), Rep::Int(v))),
                Ok(None) => Ok((None, Rep::Lit("null"))),
                Err(e) => self.int_fail(e),
            },
            Tok::Null => Ok((None, Rep::Keep)),
            _ => self.type_err(t, "an integer, a string holding one, or null"),
        }
    }

    /// `lenient::opt_text`: `None` when unset, else how to write the text.
    fn text_rep(&mut self) -> R<Option<Rep>> {
        let t = self.tok()?;
        match t {
            Tok::Str(a, b, e) => Ok((!self.blank(a, b, e)).then_some(Rep::Keep)),
            Tok::Num(a, b) => {
                let s = match self.num(a, b)? {
                    Num::U(v) => v.to_string(),
                    Num::I(v) => v.to_string(),
                    Num::F(f) => f64_text(f),
                };
                let mut out = String::with_capacity(s.len() + 2);
                write_json_str(&mut out, &s);
                Ok(Some(Rep::Owned(out)))
            }
            Tok::Null => Ok(None),
            _ => self.type_err(t, "a string or null"),
        }
    }

    /// `lenient::opt_bool`.
    fn bool_rep(&mut self) -> R<Rep> {
        let t = self.tok()?;
        let v = match t {
            Tok::Bool | Tok::Null => return Ok(Rep::Keep),
            Tok::Num(a, b) => match self.num(a, b)? {
                Num::U(0) => false,
                Num::U(1) => true,
                Num::U(v) => return self.fail(format!("expected 0 or 1, got {v}")),
                Num::I(v) => return self.fail(format!("expected 0 or 1, got {v}")),
                Num::F(_) => return self.type_err(t, "a boolean, 0/1, or null"),
            },
            Tok::Str(a, b, e) => match parse_bool(&self.text(a, b, e)) {
                Ok(Some(v)) => v,
                Ok(None) => return Ok(Rep::Lit("null")),
                Err(m) => return self.fail(m),
            },
            _ => return self.type_err(t, "a boolean, 0/1, or null"),
        };
        Ok(Rep::Lit(if v { "true" } else { "false" }))
    }

    /// `lenient::opt_num`.
    fn num_rep(&mut self) -> R<Rep> {
        let t = self.tok()?;
        match t {
            Tok::Num(a, b) => {
                self.num(a, b)?; // range check; the literal itself is kept
                Ok(Rep::Keep)
            }
            Tok::Str(a, b, e) => match parse_num(&self.text(a, b, e)) {
                Ok(Some(f)) => Ok(Rep::Owned(f64_text(f))),
                Ok(None) => Ok(Rep::Lit("null")),
                Err(m) => self.fail(m),
            },
            Tok::Null => Ok(Rep::Keep),
            _ => self.type_err(t, "a number, a string holding one, or null"),
        }
    }

    /// Before member `i`'s value is dropped: where the drop starts. The first written member
    /// of an object must not start with a `,`, and a dropped member takes its `,` along.
    #[inline]
    fn drop_member_from(&self, sep: usize, wrote_any: bool) -> usize {
        if !wrote_any && self.s.get(sep) == Some(&b'{') {
            sep + 1
        } else {
            sep
        }
    }

    /// Writes record `schema` from the object that comes next. Fields come out in the order
    /// they arrive, then the missing ones (their unset value) in declaration order. Returns the
    /// output span of field `capture`'s value, when asked for and not `null`.
    pub fn record(&mut self, schema: &Schema, capture: Option<usize>) -> R<Span> {
        let fields = schema.fields;
        let fb = schema.fallback;
        let mut seen: u64 = 0;
        let mut captured: Span = None;
        let mut fb_span: Span = None;
        let mut target_written = false;
        let mut wrote_any = false;
        let mut guess = 0usize;
        if self.open_object()? {
            loop {
                let sep = self.sep;
                let Some((i, f)) = self.field_key(fields, guess)? else {
                    let from = self.drop_member_from(sep, wrote_any);
                    self.flush(from);
                    self.skip()?;
                    self.drop_to(self.pos);
                    if !self.more(b'}')? {
                        break;
                    }
                    continue;
                };
                guess = i + 1;
                let bit = 1u64.checked_shl(i as u32).unwrap_or(0);
                if seen & bit != 0 {
                    return self.fail(format!("duplicate field `{}`", f.name));
                }
                seen |= bit;
                self.ws();
                let vstart = self.pos;
                if fb.is_some_and(|fb| fb.target == i) {
                    // Unset: the member goes, and the fallback decides after the whole record.
                    if self.text_rep()?.is_none() {
                        let from = self.drop_member_from(sep, wrote_any);
                        self.flush(from);
                        self.drop_to(self.pos);
                        if !self.more(b'}')? {
                            break;
                        }
                        continue;
                    }
                    self.pos = vstart;
                    target_written = true;
                }
                if !wrote_any && self.s.get(sep) == Some(&b',') {
                    // Earlier members were dropped: this one's `,` goes too.
                    self.flush(sep);
                    self.drop_to(sep + 1);
                }
                wrote_any = true;
                let sub = fb.filter(|fb| fb.from == i).map(|fb| fb.sub);
                let want = capture == Some(i) || sub.is_some();
                if want {
                    self.flush(vstart);
                }
                let start = self.out.len();
                let span = self.value(f.kind, sub).map_err(|e| e.in_field(f.name))?;
                if want {
                    self.flush(self.pos);
                    if sub.is_some() {
                        fb_span = span;
                    } else if self.out.get(start..) != Some("null") {
                        captured = Some((start, self.out.len()));
                    }
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        // The missing fields go just before the closing brace.
        let close = self.pos.saturating_sub(1);
        for (i, f) in fields.iter().enumerate() {
            let bit = 1u64.checked_shl(i as u32).unwrap_or(0);
            let target = fb.is_some_and(|fb| fb.target == i);
            if (seen & bit != 0 && !target) || (target && target_written) {
                continue;
            }
            if f.kind.required() && seen & bit == 0 {
                return self.fail(format!("missing field `{}`", f.name));
            }
            self.flush(close);
            if wrote_any {
                self.out.push(',');
            }
            wrote_any = true;
            self.out.push('"');
            self.out.push_str(f.name);
            self.out.push_str("\":");
            if target {
                match fb_span {
                    Some((a, b)) => {
                        let v = self.out.get(a..b).unwrap_or("null").to_owned();
                        self.out.push_str(&v);
                    }
                    None => self.out.push_str("null"),
                }
                continue;
            }
            self.out.push_str(match f.kind {
                Kind::IntOrZero => "0",
                Kind::Str => "\"\"",
                Kind::TextList | Kind::List(_) => "[]",
                _ => "null",
            });
        }
        Ok(captured)
    }

    /// Transcodes the next value (at `pos`, after white space) by rule `kind`; a nested record
    /// returns the output span of its field `capture` (flushed).
    fn value(&mut self, kind: Kind, capture: Option<usize>) -> R<Span> {
        let start = self.pos;
        let rep = match kind {
            Kind::Int => match self.int_rep()? {
                (Some(_), rep) => rep,
                (None, _) => return self.fail("expected an integer, got an unset value"),
            },
            Kind::OptInt => self.int_rep()?.1,
            Kind::IntOrZero => match self.int_rep()? {
                (Some(_), rep) => rep,
                (None, _) => Rep::Lit("0"),
            },
            Kind::OptNum => self.num_rep()?,
            Kind::OptText => self.text_rep()?.unwrap_or(Rep::Lit("null")),
            Kind::ReqText => match self.text_rep()? {
                Some(rep) => rep,
                None => return self.fail("expected a string, got an unset value"),
            },
            Kind::Str => self.text_rep()?.unwrap_or(Rep::Lit("\"\"")),
            Kind::OptBool => self.bool_rep()?,
            Kind::TextList => {
                self.text_list(start)?;
                return Ok(None);
            }
            Kind::List(s) => {
                self.list(s, None, None)?;
                return Ok(None);
            }
            Kind::Nested(s) => {
                if self.peek() == Some(b'{') {
                    let span = self.record(s, capture)?;
                    self.flush(self.pos);
                    return Ok(span);
                }
                let t = self.tok()?;
                if let Tok::Null = t {
                    return Ok(None);
                }
                return self.type_err(t, s.name);
            }
        };
        self.apply(start, rep);
        Ok(None)
    }

    /// `lenient::text_list`, written out in full (unset entries are dropped).
    fn text_list(&mut self, start: usize) -> R<()> {
        let t = self.tok()?;
        match t {
            Tok::Null => {
                self.apply(start, Rep::Lit("[]"));
                return Ok(());
            }
            Tok::Arr => {}
            _ => return self.type_err(t, "a list of strings or null"),
        }
        self.flush(start);
        self.out.push('[');
        let mut first = true;
        if self.open_array()? {
            loop {
                self.ws();
                let at = self.pos;
                if let Some(rep) = self.text_rep()? {
                    if !first {
                        self.out.push(',');
                    }
                    first = false;
                    match rep {
                        Rep::Owned(s) => self.out.push_str(&s),
                        _ => {
                            let s = self.src(at, self.pos);
                            push_ascii(&mut self.out, s);
                        }
                    }
                }
                if !self.more(b']')? {
                    break;
                }
            }
        }
        self.out.push(']');
        self.drop_to(self.pos);
        Ok(())
    }

    /// Writes a list of `schema` records (`null` is `[]`); returns how many were written.
    /// `dedupe`: drop a record whose field of that index repeats an earlier record's text.
    /// `cuts`: receives the output offset after each record, and its key (see [`Cuts`]).
    pub fn list(
        &mut self,
        schema: &Schema,
        dedupe: Option<usize>,
        mut cuts: Option<&mut Cuts>,
    ) -> R<usize> {
        let start = self.pos;
        let t = self.tok()?;
        match t {
            Tok::Null => {
                self.apply(start, Rep::Lit("[]"));
                return Ok(0);
            }
            Tok::Arr => {}
            _ => return self.type_err(t, "a sequence"),
        }
        let mut n = 0usize;
        // Elements read (`n` counts the ones kept), for the path of an error.
        let mut i = 0usize;
        let mut seen: HashSet<String> = HashSet::new();
        if self.open_array()? {
            self.flush(self.pos); // through the `[`
            loop {
                // The separator is written here, so a dropped record takes it along.
                let sep = self.sep;
                if self.s.get(sep) == Some(&b',') {
                    self.flush(sep);
                    self.drop_to(sep + 1);
                }
                let mark = self.out.len();
                if n > 0 {
                    self.out.push(',');
                }
                if self.peek() != Some(b'{') {
                    let t = self.tok()?;
                    return self.type_err(t, schema.name);
                }
                let capture = dedupe.or(cuts.as_ref().and_then(|c| c.key));
                let span = self.record(schema, capture).map_err(|e| e.in_element(i))?;
                i = i.saturating_add(1);
                self.flush(self.pos);
                let keep = match span {
                    Some((a, b)) if dedupe.is_some() => {
                        let lit = self.out.get(a + 1..b.saturating_sub(1)).unwrap_or("");
                        let text = if lit.contains('\\') {
                            unescape(lit)
                        } else {
                            lit.to_owned()
                        };
                        seen.insert(text)
                    }
                    _ => true,
                };
                if keep {
                    n += 1;
                    if let Some(c) = cuts.as_deref_mut() {
                        c.ends.push(self.out.len());
                        if c.key.is_some() {
                            let from = if n > 1 { mark + 1 } else { mark };
                            c.keys.push(record_key(&self.out, span, from));
                        }
                    }
                } else {
                    self.out.truncate(mark);
                }
                if !self.more(b']')? {
                    break;
                }
            }
        }
        self.flush(self.pos); // through the `]`
        Ok(n)
    }

    /// A `page` object (`Page`'s rules), or `None` for `null`.
    pub fn page(&mut self) -> R<Option<Page>> {
        if self.peek() == Some(b'n') {
            self.tok()?;
            return Ok(None);
        }
        let mut v = [0i64; 3];
        let mut seen = [false; 3];
        if self.open_object()? {
            loop {
                let key = self.key()?;
                let i = match &*key {
                    "total" => 0,
                    "limit" => 1,
                    "offset" => 2,
                    _ => 3,
                };
                match (seen.get_mut(i), v.get_mut(i)) {
                    (Some(s), Some(slot)) => {
                        if *s {
                            return self.fail(format!("duplicate field `{key}`"));
                        }
                        *s = true;
                        *slot = self.int().map_err(|e| e.in_field(&key))?.unwrap_or(0);
                    }
                    _ => self.skip()?,
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        let [total, limit, offset] = v;
        Ok(Some(Page {
            total,
            limit,
            offset,
        }))
    }

    /// The 1-based line and column of byte `at`.
    pub fn position(&self, at: usize) -> (usize, usize) {
        let before = self.s.get(..at).unwrap_or(self.s);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        (line, col)
    }
}

/// The field named `key`: tries `guess` first (fields usually arrive in declaration order).
#[inline]
fn find<'s>(fields: &'s [Field], key: &str, guess: usize) -> Option<(usize, &'s Field)> {
    if let Some(f) = fields.get(guess) {
        if f.name == key {
            return Some((guess, f));
        }
    }
    fields.iter().enumerate().find(|(_, f)| f.name == key)
}

/// The first index at or after `i` holding `"`, `\\` or a control character (or the end),
/// eight bytes at a time (SWAR: strings are most of a response).
#[inline]
fn plain_run(s: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(w) = s.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
        let x = u64::from_le_bytes(w);
        let quote = x ^ (LO * u64::from(b'"'));
        let slash = x ^ (LO * u64::from(b'\\'));
        // A byte is flagged when it is zero after the XOR, or below 0x20 (bytes >= 0x80 are
        // never flagged: `!x & HI` masks them out).
        let hit = ((quote.wrapping_sub(LO) & !quote)
            | (slash.wrapping_sub(LO) & !slash)
            | (x.wrapping_sub(LO * 0x20) & !x))
            & HI;
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = s.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// Where a list's records end in the output, and each record's key ([`Tx::list`]).
#[derive(Debug, Default)]
pub struct Cuts {
    /// The output offset just after each record.
    pub ends: Vec<usize>,
    /// The index of the field whose value is a record's key (`None`: no keys).
    pub key: Option<usize>,
    /// Each record's key: its key field's value when it is a non-negative integer, else
    /// (never for a record whose key is required) a hash of its JSON with the top bit set, so
    /// the two kinds never meet.
    pub keys: Vec<u64>,
}

/// The key of the record written to `out[from..]` whose key field's value is at `span`.
fn record_key(out: &str, span: Span, from: usize) -> u64 {
    let id = span
        .and_then(|(a, b)| out.get(a..b))
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|id| u64::try_from(id).ok());
    match id {
        Some(id) => id,
        None => crate::text::fingerprint(out.get(from..).unwrap_or("")) | 1 << 63,
    }
}

/// Appends JSON text `s` with every non-ASCII character written as a `\\uXXXX` escape (they
/// can only occur inside strings). The output is then pure ASCII: JS decodes it into a
/// one-byte string, which `TextDecoder` and `JSON.parse` handle about 1.5x faster than the
/// two-byte string one accented name would otherwise make of the whole response.
#[inline]
fn push_ascii(out: &mut String, s: &str) {
    if s.is_ascii() {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                let d = (*u >> shift) & 0xf;
                out.push(char::from(
                    b"0123456789abcdef"
                        .get(usize::from(d))
                        .copied()
                        .unwrap_or(b'0'),
                ));
            }
        }
    }
}

/// Writes `v` as serde_json prints an `i64`.
#[inline]
pub(crate) fn write_i64(out: &mut String, v: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(buf.get(i..).unwrap_or(b"")).unwrap_or("0"));
}

/// The text of validated JSON string content with escapes.
pub(crate) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    out.extend(Unescaped(raw.chars()));
    out
}

/// The characters of validated JSON string content with escapes, one at a time (to compare
/// or cut the text without building all of it).
pub(crate) struct Unescaped<'a>(pub(crate) std::str::Chars<'a>);

impl Iterator for Unescaped<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let it = &mut self.0;
        let c = it.next()?;
        if c != '\\' {
            return Some(c);
        }
        let e = it.next().unwrap_or('\\');
        Some(match e {
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hi = hex(it);
                let code = if (0xD800..0xDC00).contains(&hi) {
                    it.next();
                    it.next();
                    let lo = hex(it);
                    0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3ff)
                } else {
                    hi
                };
                char::from_u32(code).unwrap_or('\u{fffd}')
            }
            other => other,
        })
    }
}

fn hex(it: &mut std::str::Chars) -> u32 {
    (0..4).fold(0, |v, _| {
        v * 16 + it.next().and_then(|c| c.to_digit(16)).unwrap_or(0)
    })
}

impl Tx<'_> {
    /// Drops the pending input up to the current position.
    pub fn skip_output_to_here(&mut self) {
        self.drop_to(self.pos);
    }

    /// Copies the pending input up to the current position.
    pub fn flush_to_here(&mut self) {
        self.flush(self.pos);
    }
}

impl Tx<'_> {
    /// `lenient::string` of the next value, as a Rust string (`""` when unset), cut to
    /// [`MAX_ENTRY_CHARS`] characters (the last of them `…` when cut).
    fn string_value(&mut self) -> R<String> {
        let t = self.tok()?;
        let text = match t {
            Tok::Str(a, b, e) => {
                if self.blank(a, b, e) {
                    return Ok(String::new());
                }
                if let Some(secret) = self.secret {
                    let text = redact(&self.text(a, b, e), Some(secret));
                    return Ok(clip_marked(&text, MAX_ENTRY_CHARS).into_owned());
                }
                let raw = self.src(a, b);
                if e {
                    // One character past the cap tells `clip_marked` the text was cut.
                    let s: String = Unescaped(raw.chars())
                        .take(MAX_ENTRY_CHARS.saturating_add(1))
                        .collect();
                    return Ok(clip_marked(&s, MAX_ENTRY_CHARS).into_owned());
                }
                return Ok(clip_marked(raw, MAX_ENTRY_CHARS).into_owned());
            }
            Tok::Num(a, b) => match self.num(a, b)? {
                Num::U(v) => v.to_string(),
                Num::I(v) => v.to_string(),
                Num::F(f) => f64_text(f),
            },
            Tok::Null => String::new(),
            _ => return self.type_err(t, "a string or null"),
        };
        let text = redact(&text, self.secret);
        Ok(clip_marked(&text, MAX_ENTRY_CHARS).into_owned())
    }

    /// The entries of an error body `{"errors": [{"code", "message"}, ...]}`, by the rules of
    /// `ApiErrorEntry` (the list may be missing or `null`, or one entry as an object; unknown
    /// keys are skipped): the first [`MAX_ERROR_ENTRIES`] of them, and how many the list
    /// holds. The others are checked by the same rules (one bad entry makes the body no error
    /// body) without keeping or allocating anything.
    pub fn error_entries(&mut self) -> R<(Vec<(String, String)>, usize)> {
        let mut out = Vec::new();
        let mut total = 0usize;
        let mut seen_list = false;
        if !self.open_object()? {
            return Ok((out, total));
        }
        loop {
            let key = self.key()?;
            if &*key != "errors" {
                self.skip()?;
            } else {
                if seen_list {
                    return self.fail("duplicate field `errors`");
                }
                seen_list = true;
                let t = self.tok()?;
                match t {
                    Tok::Null => {}
                    Tok::Arr => {
                        if self.open_array()? {
                            loop {
                                if out.len() < MAX_ERROR_ENTRIES {
                                    out.push(self.error_entry()?);
                                } else {
                                    self.check_error_entry()?;
                                }
                                total = total.saturating_add(1);
                                if !self.more(b']')? {
                                    break;
                                }
                            }
                        }
                    }
                    // One entry as an object (as a DigiCert example prints it).
                    Tok::Obj => {
                        out.push(self.error_entry()?);
                        total = total.saturating_add(1);
                    }
                    _ => return self.type_err(t, "a sequence"),
                }
            }
            if !self.more(b'}')? {
                break;
            }
        }
        Ok((out, total))
    }

    fn error_entry(&mut self) -> R<(String, String)> {
        let (mut code, mut message) = (None, None);
        if self.peek() != Some(b'{') {
            let t = self.tok()?;
            return self.type_err(t, "ApiErrorEntry");
        }
        if self.open_object()? {
            loop {
                let key = self.key()?;
                let slot = match &*key {
                    "code" => &mut code,
                    "message" => &mut message,
                    _ => {
                        self.skip()?;
                        if !self.more(b'}')? {
                            break;
                        }
                        continue;
                    }
                };
                if slot.is_some() {
                    return self.fail(format!("duplicate field `{key}`"));
                }
                *slot = Some(self.string_value()?);
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        Ok((code.unwrap_or_default(), message.unwrap_or_default()))
    }

    /// Checks an entry as [`error_entry`](Self::error_entry) reads it, keeping nothing.
    fn check_error_entry(&mut self) -> R<()> {
        if self.peek() != Some(b'{') {
            let t = self.tok()?;
            return self.type_err(t, "ApiErrorEntry");
        }
        let mut seen = [false; 2];
        if self.open_object()? {
            loop {
                let key = self.raw_key()?;
                let i = if self.key_is(key, "code") {
                    0
                } else if self.key_is(key, "message") {
                    1
                } else {
                    self.skip()?;
                    if !self.more(b'}')? {
                        break;
                    }
                    continue;
                };
                if let Some(s) = seen.get_mut(i) {
                    if *s {
                        let name = if i == 0 { "code" } else { "message" };
                        return self.fail(format!("duplicate field `{name}`"));
                    }
                    *s = true;
                }
                let t = self.tok()?;
                match t {
                    Tok::Str(..) | Tok::Null => {}
                    Tok::Num(a, b) => {
                        self.num(a, b)?;
                    }
                    _ => return self.type_err(t, "a string or null"),
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        Ok(())
    }
}
