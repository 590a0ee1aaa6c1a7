//! Filters, sort, offset and limit -> a validated, percent-encoded query string.
//!
//! Every list endpoint describes itself with an [`EndpointSpec`]: which filters it knows (and
//! of what kind), and which keys it sorts by. [`ListQuery::new`] validates a caller's [`Query`]
//! against it *before* anything is sent, and encodes every name and value so that nothing a
//! caller passes can add a parameter or change the path.

use crate::error::{Error, Result};
use crate::lenient::{safe_whole, MAX_SAFE_INTEGER};
use crate::text::{clip, f64_text, Quoted};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use tsify::Tsify;

/// The largest page the API serves (and the default it uses).
pub const MAX_LIMIT: i64 = 1000;
const MAX_FILTER_NAME: usize = 64;
const MAX_VALUE_BYTES: usize = 4096;

/// What kind of value a known filter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKind {
    /// Free text, sent as given (a leading `%` asks for a substring match).
    Text,
    /// A positive integer (an id).
    Int,
    /// A date: a range, before, after, or one day.
    Date,
}

/// The filters and sort keys one endpoint accepts.
#[derive(Debug)]
pub struct EndpointSpec {
    /// Known filters. Other names matching `[a-z0-9_]+` are passed through as text.
    pub filters: &'static [(&'static str, FilterKind)],
    /// Sort keys (without the `-` prefix).
    pub sort_keys: &'static [&'static str],
    /// Whether `offset`/`limit` may be sent.
    pub paged: bool,
}

impl EndpointSpec {
    fn kind(&self, name: &str) -> FilterKind {
        self.filters
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
            .unwrap_or(FilterKind::Text)
    }
}

/// A date filter as callers write it.
///
/// TypeScript: `string | { from?: string; to?: string } | { before: string } | { after: string }`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    /// Start of an inclusive range (alone: same as `after`).
    #[serde(default)]
    pub from: Option<String>,
    /// End of an inclusive range (alone: same as `before`).
    #[serde(default)]
    pub to: Option<String>,
    /// Before this date.
    #[serde(default)]
    pub before: Option<String>,
    /// After this date.
    #[serde(default)]
    pub after: Option<String>,
}

/// The date filter forms, as a TypeScript type.
#[derive(Tsify)]
#[tsify(type = "string | { from?: string; to?: string } | { before: string } | { after: string }")]
pub struct DateFilter;

/// One filter value from the caller.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FilterValue {
    /// A number (ids).
    Number(f64),
    /// Text, or a date expression (`2023-01-01...2023-12-31`, `<2023-01-01`, `>2023-01-01`).
    Text(String),
    /// A date range object.
    Range(DateRange),
}

/// `sort` as callers write it: `"-date_created"`, `"id,-common_name"` or `["id", "-common_name"]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Sort {
    /// One key, or several separated by commas.
    One(String),
    /// Several keys in priority order.
    Many(Vec<String>),
}

/// The endpoint-independent query: what [`ListQuery::new`] validates.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// `filters[name]=value`; `null`/`undefined` values are left out.
    #[serde(default)]
    pub filters: Option<BTreeMap<String, Option<FilterValue>>>,
    /// Sort keys, `-` prefix for descending.
    #[serde(default)]
    pub sort: Option<Sort>,
    /// Index of the first result (>= 0).
    #[serde(default)]
    pub offset: Option<f64>,
    /// Page size, 1..=1000.
    #[serde(default)]
    pub limit: Option<f64>,
}

/// Percent-encode everything but RFC 3986 unreserved characters.
pub fn encode_component(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_FILTER_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A non-negative integer from a JS number, or an `invalid_input` error naming `what`.
pub fn whole_number(v: f64, what: &str) -> Result<i64> {
    match safe_whole(v) {
        Some(n) if n >= 0 => Ok(n),
        _ => Err(Error::invalid_input(format!(
            "{what} must be a whole number >= 0, got {}",
            f64_text(v)
        ))),
    }
}

/// A path id: a positive integer, given as a number or a string of digits.
pub fn path_id(v: &IdInput, what: &str) -> Result<u64> {
    let n = match v {
        IdInput::Number(f) => safe_whole(*f).filter(|n| *n >= 1).map(i64::unsigned_abs),
        IdInput::Text(s) => whole_text(s).filter(|n| *n >= 1).map(i64::unsigned_abs),
    };
    n.ok_or_else(|| Error::invalid_input(format!("{what} must be a positive integer")))
}

/// An id as JS callers pass it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum IdInput {
    /// `12345`
    Number(f64),
    /// `"12345"`
    Text(String),
}

/// The number in `b[r]` when it is all ASCII digits (at most 4 of them here, so no overflow).
fn digits(b: &[u8], r: std::ops::Range<usize>) -> Option<u32> {
    let d = b
        .get(r)
        .filter(|d| !d.is_empty() && d.iter().all(u8::is_ascii_digit))?;
    Some(d.iter().fold(0, |v, c| v * 10 + u32::from(c - b'0')))
}

/// Checks `yyyy-MM-dd` with an optional ` HH:mm:ss` (or `+HH:mm:ss`, or `THH:mm:ss`): the
/// shape, then that it is a real date (month 1-12, day within the month, Gregorian leap
/// years) and time (hour 0-23, minute 0-59, second 0-59). `Err` says what is wrong, for the
/// message (`""` when the shape itself is wrong).
fn valid_date(s: &str) -> std::result::Result<(), String> {
    let b = s.as_bytes();
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    let shape = || String::new();
    if !matches!(b.len(), 10 | 19) || !sep(4, b"-") || !sep(7, b"-") {
        return Err(shape());
    }
    let (Some(y), Some(m), Some(d)) = (digits(b, 0..4), digits(b, 5..7), digits(b, 8..10)) else {
        return Err(shape());
    };
    if b.len() == 19 {
        if !sep(10, b" +T") || !sep(13, b":") || !sep(16, b":") {
            return Err(shape());
        }
        let (Some(h), Some(mi), Some(sec)) =
            (digits(b, 11..13), digits(b, 14..16), digits(b, 17..19))
        else {
            return Err(shape());
        };
        for (v, max, what) in [(h, 23, "hour"), (mi, 59, "minute"), (sec, 59, "second")] {
            if v > max {
                return Err(format!("{what} {v} is not 0-{max}"));
            }
        }
    }
    let Some(days) = crate::calendar::days_in_month(i64::from(y), m) else {
        return Err(format!("month {m} is not 1-12"));
    };
    if !(1..=days).contains(&d) {
        return Err(format!("{y:04}-{m:02} has {days} days"));
    }
    Ok(())
}

fn date_expr(name: &str, v: &FilterValue) -> Result<String> {
    let bad = |what: &str| {
        Error::invalid_input(format!(
            "filters.{name}: {what}; dates are yyyy-MM-dd (optionally with HH:mm:ss)"
        ))
    };
    let check = |d: &str| match valid_date(d) {
        Ok(()) => Ok(d.replace('+', " ")),
        Err(why) if why.is_empty() => Err(bad(&format!("{} is not a date", Quoted(short(d))))),
        Err(why) => Err(bad(&format!("{} is not a date ({why})", Quoted(short(d))))),
    };
    match v {
        FilterValue::Number(_) => Err(bad("expected a date, a range or {before}/{after}")),
        FilterValue::Text(s) => {
            if let Some((a, b)) = s.split_once("...") {
                Ok(format!("{}...{}", check(a)?, check(b)?))
            } else if let Some(d) = s.strip_prefix('<') {
                Ok(format!("<{}", check(d)?))
            } else if let Some(d) = s.strip_prefix('>') {
                Ok(format!(">{}", check(d)?))
            } else {
                check(s)
            }
        }
        FilterValue::Range(r) => match (&r.from, &r.to, &r.before, &r.after) {
            (Some(a), Some(b), None, None) => Ok(format!("{}...{}", check(a)?, check(b)?)),
            (Some(a), None, None, None) | (None, None, None, Some(a)) => {
                Ok(format!(">{}", check(a)?))
            }
            (None, Some(b), None, None) | (None, None, Some(b), None) => {
                Ok(format!("<{}", check(b)?))
            }
            _ => Err(bad("use exactly one of {from, to}, {before} or {after}")),
        },
    }
}

/// Outside text quoted in a message: its first 40 characters.
fn short(s: &str) -> &str {
    clip(s, 40)
}

fn filter_value(name: &str, kind: FilterKind, v: &FilterValue) -> Result<String> {
    let out = match kind {
        FilterKind::Date => date_expr(name, v)?,
        FilterKind::Int => match v {
            FilterValue::Number(n) => {
                path_id(&IdInput::Number(*n), &format!("filters.{name}"))?.to_string()
            }
            FilterValue::Text(s) => path_id(
                &IdInput::Text(s.trim().to_owned()),
                &format!("filters.{name}"),
            )?
            .to_string(),
            FilterValue::Range(_) => {
                return Err(Error::invalid_input(format!(
                    "filters.{name} must be a positive integer"
                )))
            }
        },
        FilterKind::Text => match v {
            FilterValue::Text(s) => s.clone(),
            FilterValue::Number(n) if n.is_finite() => match safe_whole(*n) {
                Some(i) => i.to_string(),
                None => f64_text(*n),
            },
            _ => {
                return Err(Error::invalid_input(format!(
                    "filters.{name} must be a string"
                )))
            }
        },
    };
    if out.len() > MAX_VALUE_BYTES {
        return Err(Error::invalid_input(format!(
            "filters.{name} is longer than {MAX_VALUE_BYTES} bytes"
        )));
    }
    Ok(out)
}

fn sort_keys(sort: &Sort) -> Vec<&str> {
    match sort {
        Sort::One(s) => s.split(',').map(str::trim).collect(),
        Sort::Many(v) => v.iter().map(|s| s.trim()).collect(),
    }
}

/// Validates `q` against `spec` and returns the query string, `""` or `"?a=b&..."` (`testing`
/// only: the tests and the fuzz target call it; the client goes through [`ListQuery`]).
#[cfg(feature = "testing")]
pub fn build_query(q: &Query, spec: &EndpointSpec) -> Result<String> {
    Ok(ListQuery::new(q, spec)?.to_query_string())
}

/// A list query validated against one endpoint's [`EndpointSpec`]: every value as it is sent
/// (dates checked and normalised, ids as decimal digits, sort keys known to the endpoint).
///
/// Made from a caller's [`Query`] ([`ListQuery::new`]) or from a raw query string
/// ([`ListQuery::parse`]), under the same rules; [`ListQuery::to_query_string`] writes it with
/// every name and value percent-encoded, and parsing that string gives the same value back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// By name (names are unique).
    filters: Vec<(String, String)>,
    /// The keys joined by commas.
    sort: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
}

fn bad_name(name: &str) -> Error {
    Error::invalid_input(format!(
        "filter name {} is not allowed: use lowercase letters, digits and _",
        Quoted(short(name))
    ))
}

/// The keys, checked, joined by commas.
fn check_sort(keys: Vec<&str>, spec: &EndpointSpec) -> Result<String> {
    if keys.is_empty() || keys.iter().any(|k| k.is_empty()) {
        return Err(Error::invalid_input("sort must name at least one key"));
    }
    for k in &keys {
        let bare = k.strip_prefix('-').unwrap_or(k);
        if !spec.sort_keys.contains(&bare) {
            return Err(Error::invalid_input(format!(
                "unknown sort key {}; this endpoint sorts by {}",
                Quoted(short(k)),
                spec.sort_keys.join(", ")
            )));
        }
    }
    Ok(keys.join(","))
}

fn no_paging(spec: &EndpointSpec) -> Result<()> {
    if spec.paged {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "this endpoint takes no offset or limit",
        ))
    }
}

fn check_limit(limit: Option<i64>, shown: &dyn std::fmt::Display) -> Result<i64> {
    limit
        .filter(|l| (1..=MAX_LIMIT).contains(l))
        .ok_or_else(|| {
            Error::invalid_input(format!(
                "limit must be a whole number from 1 to {MAX_LIMIT}, got {shown}"
            ))
        })
}

/// A whole number >= 0 written in decimal digits (at most 2^53 - 1), as a query string sends
/// `offset` and `limit`.
fn whole_text(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().filter(|n| *n <= MAX_SAFE_INTEGER)
}

impl ListQuery {
    /// Validates a caller's query against `spec` (`invalid_input` errors, checked in the order
    /// filters, sort, offset, limit).
    pub fn new(q: &Query, spec: &EndpointSpec) -> Result<Self> {
        let mut out = ListQuery::default();
        if let Some(filters) = &q.filters {
            for (name, value) in filters {
                if !valid_name(name) {
                    return Err(bad_name(name));
                }
                let Some(value) = value else { continue };
                let v = filter_value(name, spec.kind(name), value)?;
                out.filters.push((name.clone(), v));
            }
        }
        if let Some(sort) = &q.sort {
            out.sort = Some(check_sort(sort_keys(sort), spec)?);
        }
        if q.offset.is_some() || q.limit.is_some() {
            no_paging(spec)?;
        }
        if let Some(offset) = q.offset {
            out.offset = Some(whole_number(offset, "offset")?);
        }
        if let Some(limit) = q.limit {
            out.limit = Some(check_limit(
                whole_number(limit, "limit").ok(),
                &f64_text(limit),
            )?);
        }
        Ok(out)
    }

    /// Parses a raw query string (the text after `?`, percent-encoded as sent; `+` is a
    /// space) under the same rules as [`ListQuery::new`]. Also refused (`invalid_input`): a
    /// parameter other than `filters[name]`, `sort`, `offset` and `limit` (the last two only
    /// on a paged endpoint), one given twice, and a malformed one (no `=`, a bad `%` escape,
    /// not UTF-8).
    pub fn parse(raw: &str, spec: &EndpointSpec) -> Result<Self> {
        let mut out = ListQuery::default();
        for (name, value) in query_pairs(raw)? {
            if let Some(filter) = name
                .strip_prefix("filters[")
                .and_then(|n| n.strip_suffix(']'))
            {
                if !valid_name(filter) {
                    return Err(bad_name(filter));
                }
                let v = filter_value(filter, spec.kind(filter), &FilterValue::Text(value))?;
                out.filters.push((filter.to_owned(), v));
                continue;
            }
            match name.as_str() {
                "sort" => {
                    out.sort = Some(check_sort(value.split(',').map(str::trim).collect(), spec)?);
                }
                "offset" => {
                    no_paging(spec)?;
                    out.offset = Some(whole_text(&value).ok_or_else(|| {
                        Error::invalid_input(format!(
                            "offset must be a whole number >= 0, got {}",
                            Quoted(short(&value))
                        ))
                    })?);
                }
                "limit" => {
                    no_paging(spec)?;
                    let shown = Quoted(short(&value)).to_string();
                    out.limit = Some(check_limit(whole_text(&value), &shown)?);
                }
                _ => return Err(unknown_parameter(&name)),
            }
        }
        // Names are unique (query_pairs refuses a repeated one): in name order, as `new` has them.
        out.filters.sort_unstable();
        Ok(out)
    }

    /// The query string: `""`, or `?` and the parameters (filters by name, then sort, offset,
    /// limit), every name and value percent-encoded.
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        let sep = |out: &mut String| out.push(if out.is_empty() { '?' } else { '&' });
        for (name, v) in &self.filters {
            sep(&mut out);
            out.push_str("filters%5B");
            encode_component(&mut out, name);
            out.push_str("%5D=");
            encode_component(&mut out, v);
        }
        if let Some(sort) = &self.sort {
            sep(&mut out);
            out.push_str("sort=");
            encode_component(&mut out, sort);
        }
        if let Some(offset) = self.offset {
            sep(&mut out);
            let _ = write!(out, "offset={offset}");
        }
        if let Some(limit) = self.limit {
            sep(&mut out);
            let _ = write!(out, "limit={limit}");
        }
        out
    }

    /// The filters, by name, with their values as sent.
    pub fn filters(&self) -> impl Iterator<Item = (&str, &str)> {
        self.filters.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The sort keys in priority order (`-` for descending), joined by commas, when sent.
    pub fn sort(&self) -> Option<&str> {
        self.sort.as_deref()
    }

    /// `offset`, when one is sent.
    pub fn offset(&self) -> Option<i64> {
        self.offset
    }

    /// `limit`, when one is sent.
    pub fn limit(&self) -> Option<i64> {
        self.limit
    }

    /// The query with a unique sort, for paging: when it names a sort and none of its keys is
    /// `id` (or `-id`), `id` is added as the last key, so orders with equal sort keys keep one
    /// order between requests (see [`crate::paging`]). No sort (the API's default order) or a
    /// sort that names `id` is left as it is.
    pub fn unique_sort(&self) -> Self {
        let mut q = self.clone();
        if let Some(sort) = &mut q.sort {
            if !sort.split(',').any(|k| k.trim_start_matches('-') == "id") {
                sort.push_str(",id");
            }
        }
        q
    }

    /// The same query for another page: `offset` (at least 0) and `limit` (kept within
    /// 1..=[`MAX_LIMIT`]; `None` sends none).
    pub fn at_page(&self, offset: i64, limit: Option<i64>) -> Self {
        ListQuery {
            offset: Some(offset.max(0)),
            limit: limit.map(|l| l.clamp(1, MAX_LIMIT)),
            ..self.clone()
        }
    }
}

/// The `invalid_input` error for a query parameter an endpoint does not take.
pub fn unknown_parameter(name: &str) -> Error {
    Error::invalid_input(format!("unknown query parameter {}", Quoted(short(name))))
}

/// Refuses any query parameter: for an endpoint that takes none.
pub fn no_parameters(raw: &str) -> Result<()> {
    match query_pairs(raw)?.first() {
        Some((name, _)) => Err(unknown_parameter(name)),
        None => Ok(()),
    }
}

/// The `name=value` pairs of a raw query string (the text after `?`), percent-decoded (`+` is
/// a space). `""` has none. `invalid_input` errors: an empty parameter (`a=1&&b=2`), one
/// without `=`, a bad `%` escape, text that is not UTF-8, a name given twice (after decoding,
/// so `filters[a]` and `filters%5Ba%5D` are the same name).
pub fn query_pairs(raw: &str) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    if raw.is_empty() {
        return Ok(out);
    }
    for part in raw.split('&') {
        let Some((name, value)) = part.split_once('=') else {
            return Err(Error::invalid_input(format!(
                "query parameter {} is not name=value",
                Quoted(short(part))
            )));
        };
        let (name, value) = (percent_decode(name)?, percent_decode(value)?);
        if out.iter().any(|(n, _)| *n == name) {
            return Err(Error::invalid_input(format!(
                "query parameter {} is given twice",
                Quoted(short(&name))
            )));
        }
        out.push((name, value));
    }
    Ok(out)
}

/// Decodes `%XX` escapes and `+` (a space) of one query name or value.
pub fn percent_decode(s: &str) -> Result<String> {
    let bad = || {
        Error::invalid_input(format!(
            "query text {} is not percent-encoded UTF-8",
            Quoted(short(s))
        ))
    };
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'%' => {
                let hex = b.get(i + 1..i + 3).ok_or_else(bad)?;
                let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
                if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return Err(bad());
                }
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const SPEC: EndpointSpec = EndpointSpec {
        filters: &[
            ("id", FilterKind::Int),
            ("date_created", FilterKind::Date),
            ("status", FilterKind::Text),
        ],
        sort_keys: &["id", "date_created"],
        paged: true,
    };

    fn q(json: &str) -> Query {
        serde_json::from_str(json).expect(json)
    }

    fn build(json: &str) -> Result<String> {
        build_query(&q(json), &SPEC)
    }

    fn kind(json: &str) -> ErrorKind {
        build(json).expect_err(json).kind
    }

    #[test]
    fn empty_query_is_empty() {
        assert_eq!(build("{}").unwrap(), "");
    }

    #[test]
    fn paging_adds_id_as_the_last_sort_key_when_the_sort_is_not_unique() {
        let q = |json: &str| {
            let q: Query = serde_json::from_str(json).unwrap();
            ListQuery::new(&q, &SPEC)
                .unwrap()
                .unique_sort()
                .to_query_string()
        };
        assert_eq!(q(r#"{"sort":"-date_created"}"#), "?sort=-date_created%2Cid");
        assert_eq!(q(r#"{"sort":["date_created"]}"#), "?sort=date_created%2Cid");
        assert_eq!(q(r#"{"sort":"-id"}"#), "?sort=-id");
        assert_eq!(
            q(r#"{"sort":"id,-date_created"}"#),
            "?sort=id%2C-date_created"
        );
        assert_eq!(
            q(r#"{"sort":"date_created,-id"}"#),
            "?sort=date_created%2C-id"
        );
        assert_eq!(
            q(r#"{"limit":5}"#),
            "?limit=5",
            "the default order is left alone"
        );
    }

    #[test]
    fn filters_sort_offset_limit() {
        assert_eq!(
            build(r#"{"filters":{"status":"issued","id":"42"},"sort":["-date_created","id"],"offset":2000,"limit":1000}"#).unwrap(),
            "?filters%5Bid%5D=42&filters%5Bstatus%5D=issued&sort=-date_created%2Cid&offset=2000&limit=1000"
        );
        assert_eq!(
            build(r#"{"sort":"id, -date_created"}"#).unwrap(),
            "?sort=id%2C-date_created"
        );
        assert_eq!(build(r#"{"filters":{"status":null}}"#).unwrap(), "");
    }

    #[test]
    fn date_forms() {
        let f = |v: &str| build(&format!(r#"{{"filters":{{"date_created":{v}}}}}"#));
        assert_eq!(
            f(r#""2023-01-01...2023-12-31""#).unwrap(),
            "?filters%5Bdate_created%5D=2023-01-01...2023-12-31"
        );
        assert_eq!(
            f(r#"{"from":"2023-01-01","to":"2023-12-31"}"#).unwrap(),
            "?filters%5Bdate_created%5D=2023-01-01...2023-12-31"
        );
        assert_eq!(
            f(r#"{"before":"2023-01-01"}"#).unwrap(),
            "?filters%5Bdate_created%5D=%3C2023-01-01"
        );
        assert_eq!(
            f(r#"{"after":"2023-01-01 10:00:00"}"#).unwrap(),
            "?filters%5Bdate_created%5D=%3E2023-01-01%2010%3A00%3A00"
        );
        assert_eq!(
            f(r#""2023-01-01+10:00:00""#).unwrap(),
            "?filters%5Bdate_created%5D=2023-01-01%2010%3A00%3A00"
        );
        assert!(f(r#""2023-1-1""#).is_err());
        assert!(f(r#"{"before":"x","after":"2023-01-01"}"#).is_err());
        assert!(f(r#"{"before":"2023-01-01","after":"2023-01-01"}"#).is_err());
        assert!(f("5").is_err());
    }

    #[test]
    fn values_cannot_inject_parameters() {
        let s = build(r#"{"filters":{"status":"issued&limit=5#x/../y?z=%25"}}"#).unwrap();
        assert_eq!(
            s,
            "?filters%5Bstatus%5D=issued%26limit%3D5%23x%2F..%2Fy%3Fz%3D%2525"
        );
        assert_eq!(s.matches('&').count(), 0);
    }

    #[test]
    fn invalid_input_is_refused() {
        for bad in [
            r#"{"limit":0}"#,
            r#"{"limit":1001}"#,
            r#"{"limit":1.5}"#,
            r#"{"offset":-1}"#,
            r#"{"sort":"bogus"}"#,
            r#"{"sort":"-"}"#,
            r#"{"sort":""}"#,
            r#"{"sort":[]}"#,
            r#"{"filters":{"Status":"x"}}"#,
            r#"{"filters":{"a]&b":"x"}}"#,
            r#"{"filters":{"":"x"}}"#,
            r#"{"filters":{"id":0}}"#,
            r#"{"filters":{"id":"1 OR 1"}}"#,
            r#"{"filters":{"id":-3}}"#,
        ] {
            assert_eq!(kind(bad), ErrorKind::InvalidInput, "{bad}");
        }
        assert!(serde_json::from_str::<Query>(r#"{"limt":5}"#).is_err());
    }

    #[test]
    fn unknown_filter_names_pass_as_text() {
        assert_eq!(
            build(r#"{"filters":{"search":"%exam"}}"#).unwrap(),
            "?filters%5Bsearch%5D=%25exam"
        );
    }

    fn date_filter(v: &str) -> Result<String> {
        build(&format!(
            r#"{{"filters":{{"date_created":{}}}}}"#,
            serde_json::to_string(v).unwrap()
        ))
    }

    #[test]
    fn dates_must_be_calendar_dates() {
        for good in [
            "2024-02-29",
            "2000-02-29",
            "2023-02-28",
            "2023-12-31",
            "2023-04-30",
            "0000-02-29",
            "2023-01-31 23:59:59",
            "2023-01-31T00:00:00",
            "2023-01-31+12:30:45",
            "2024-02-29...2024-03-31",
            "<2024-02-29",
        ] {
            assert!(date_filter(good).is_ok(), "{good}");
        }
        for (bad, shown) in [
            ("2023-02-31", "2023-02-31"),
            ("2023-13-01", "2023-13-01"),
            ("2023-00-10", "2023-00-10"),
            ("2023-01-00", "2023-01-00"),
            ("2023-01-32", "2023-01-32"),
            ("2023-04-31", "2023-04-31"),
            ("2023-02-29", "2023-02-29"),
            ("1900-02-29", "1900-02-29"),
            ("2023-01-01 24:00:00", "2023-01-01 24:00:00"),
            ("2023-01-01 23:60:00", "2023-01-01 23:60:00"),
            ("2023-01-01 23:59:60", "2023-01-01 23:59:60"),
            ("2023-01-01T99:99:99", "2023-01-01T99:99:99"),
            ("2023-01-01...2023-02-30", "2023-02-30"),
            (">2023-99-01", "2023-99-01"),
        ] {
            let e = date_filter(bad).expect_err(bad);
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad}");
            assert!(e.message.contains("filters.date_created"), "{}", e.message);
            assert!(e.message.contains(shown), "{}", e.message);
        }
        let e = date_filter("2023-02-29").unwrap_err();
        assert!(e.message.contains("28 days"), "{}", e.message);
        let e = date_filter("2023-13-01").unwrap_err();
        assert!(e.message.contains("month 13"), "{}", e.message);
        let e = date_filter("2023-01-01 24:00:00").unwrap_err();
        assert!(e.message.contains("hour 24"), "{}", e.message);
    }

    /// The oracle: a date is real when the days-since-epoch conversion gives it back.
    fn real_date(y: i64, m: u32, d: u32) -> bool {
        (1..=12).contains(&m)
            && (1..=31).contains(&d)
            && crate::calendar::civil_from_days(crate::calendar::days_from_civil(y, m, d))
                == (y, m, d)
    }

    #[test]
    fn property_date_validation_agrees_with_a_day_count_round_trip() {
        let mut r = crate::test_support::Rng::new(0x5eed_da7e);
        let (mut good, mut bad) = (0, 0);
        for _ in 0..20_000 {
            let y = match r.below(4) {
                0 => r.below(10_000) as i64,
                1 => 1896 + r.below(10) as i64 * 4 + r.below(2) as i64 * 100,
                _ => 1900 + r.below(300) as i64,
            };
            let m = r.below(15) as u32;
            let d = r.below(34) as u32;
            let date = format!("{y:04}-{m:02}-{d:02}");
            let (s, time_ok) = if r.below(3) == 0 {
                let (h, mi, se) = (r.below(26), r.below(62), r.below(62));
                let sep = r.pick(&[" ", "T", "+"]);
                (
                    format!("{date}{sep}{h:02}:{mi:02}:{se:02}"),
                    h < 24 && mi < 60 && se < 60,
                )
            } else {
                (date, true)
            };
            let want = real_date(y, m, d) && time_ok;
            let got = valid_date(&s).is_ok();
            assert_eq!(got, want, "{s}");
            assert_eq!(date_filter(&s).is_ok(), want, "{s}");
            if want {
                good += 1;
            } else {
                bad += 1;
            }
        }
        assert!(good > 5000 && bad > 5000, "good {good}, bad {bad}");
    }

    #[test]
    fn path_ids() {
        assert_eq!(path_id(&IdInput::Number(5.0), "id").unwrap(), 5);
        assert_eq!(path_id(&IdInput::Text("17".into()), "id").unwrap(), 17);
        for bad in [
            IdInput::Number(0.0),
            IdInput::Number(1.5),
            IdInput::Number(f64::NAN),
            IdInput::Number(-1.0),
            IdInput::Text("../1".into()),
            IdInput::Text("1/2".into()),
            IdInput::Text("".into()),
            IdInput::Text("99999999999999999".into()),
        ] {
            assert!(path_id(&bad, "id").is_err(), "{bad:?}");
        }
    }
}
