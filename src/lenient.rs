//! The lenient field rules of the typing rule: each field has one type (see "How the client
//! copes" in docs/API-NOTES.md).
//!
//! The API sends the same field in several shapes (`204928159` and `"204928159"`, a date or
//! `" "`, a list or nothing). Each rule turns every known shape into ONE Rust type; a `record!`
//! declaration names a field's rule (`= "crate::lenient::opt_int"`):
//!
//! | rule | accepts | gives |
//! |---|---|---|
//! | `opt_int` | integer, integral float, digit string, `null`, `""`, `" "`, missing | `Option<i64>` |
//! | `opt_num` | number, numeric string, blank, missing | `Option<f64>` |
//! | `opt_text` | string (blank -> `None`), number (as text), `null`, missing | `Option<String>` |
//! | `opt_bool` | `true`/`false`, `0`/`1`, `"0"`/`"1"`/`"true"`/`"false"`, blank, missing | `Option<bool>` |
//! | `list` | array, `null`, missing | `Vec<T>` |
//!
//! What ships is the text forms ([`is_blank`], [`parse_int`], [`parse_num`], [`parse_bool`]) and
//! the integer checks that the transcoder and the CSV parser decode with, so a CSV cell and a
//! JSON value decode identically. The rules as serde `deserialize_with` functions (`opt_int`,
//! `int`, `opt_text`, ...: `de.rs`) are built with the `testing` feature only, for the records'
//! serde twins.
//!
//! Every integer must be within JavaScript's safe range (±[`MAX_SAFE_INTEGER`]): a value
//! outside it is an error (naming the field's path, `orders[3].id`, in the endpoints' decode
//! errors), never a silently rounded number.

use crate::text::{clip, f64_text, parse_f64, Quoted};
use std::fmt;

/// True when a text value means "unset": empty or only white space (the API sends `" "`).
pub fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// A text cell: `None` when blank, the text unchanged otherwise.
#[cfg(feature = "testing")]
pub fn text(s: &str) -> Option<String> {
    if is_blank(s) {
        None
    } else {
        Some(s.to_owned())
    }
}

/// An integer written as text (`"42"`, `" 42 "`, `"-1"`, `"42.0"`); blank is `None`. A value
/// outside JavaScript's safe range ([`MAX_SAFE_INTEGER`]) is an error.
pub fn parse_int(s: &str) -> Result<Option<i64>, String> {
    int_text(s).map_err(|e| e.msg)
}

/// The largest integer a JavaScript number holds exactly, `2^53 - 1`. Every integer this
/// crate decodes is within `-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER`: JS would round anything
/// outside (an `id` of 9007199254740993 would come out as 9007199254740992).
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// The words of the error of an integer outside the safe range (the serde path finds its
/// error by them to add the field's path).
pub(crate) const OUT_OF_RANGE: &str = "is outside the safe integer range";

/// Why a value is not an integer this crate accepts.
#[derive(Debug)]
pub(crate) struct IntError {
    /// The message.
    pub(crate) msg: String,
    /// The value is an integer, but outside the safe range.
    pub(crate) out_of_range: bool,
}

impl IntError {
    fn not_int(msg: String) -> Self {
        IntError {
            msg,
            out_of_range: false,
        }
    }

    /// `shown` (the value as written) is outside the safe range.
    pub(crate) fn out_of_range(shown: impl fmt::Display) -> Self {
        IntError {
            msg: format!("{shown} {OUT_OF_RANGE} (-{MAX_SAFE_INTEGER} to {MAX_SAFE_INTEGER})"),
            out_of_range: true,
        }
    }
}

/// [`parse_int`], with the kind of failure.
pub(crate) fn int_text(s: &str) -> Result<Option<i64>, IntError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = t.parse::<i64>() {
        return safe_int(v, || clip(t, 40)).map(Some);
    }
    match parse_f64(t) {
        Some(f) => float_int(f, || clip(t, 40)).map(Some),
        None => Err(IntError::not_int(format!(
            "expected an integer, got {}",
            Quoted(clip(t, 40))
        ))),
    }
}

/// `v` when it is within the safe range; `shown` is how the value was written.
pub(crate) fn safe_int<S: fmt::Display>(
    v: i64,
    shown: impl FnOnce() -> S,
) -> Result<i64, IntError> {
    if v.unsigned_abs() <= MAX_SAFE_INTEGER.unsigned_abs() {
        Ok(v)
    } else {
        Err(IntError::out_of_range(shown()))
    }
}

/// `f` as an `i64` when it is a whole number within the safe range (±[`MAX_SAFE_INTEGER`]):
/// the one conversion of a float to an integer (the conversion is then exact).
pub(crate) fn safe_whole(f: f64) -> Option<i64> {
    (is_whole(f) && f.abs() <= MAX_SAFE_INTEGER as f64).then_some(f as i64)
}

fn is_whole(f: f64) -> bool {
    f.is_finite() && f.fract() == 0.0
}

/// An integral float within the safe range as an `i64`; `shown` is how it was written.
pub(crate) fn float_int<S: fmt::Display>(
    f: f64,
    shown: impl FnOnce() -> S,
) -> Result<i64, IntError> {
    if !is_whole(f) {
        return Err(IntError::not_int(format!(
            "expected an integer, got {}",
            f64_text(f)
        )));
    }
    safe_whole(f).ok_or_else(|| IntError::out_of_range(shown()))
}

/// A number written as text (`"37"`, `"12.50"`); blank is `None`.
pub fn parse_num(s: &str) -> Result<Option<f64>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match parse_f64(t) {
        Some(f) if f.is_finite() => Ok(Some(f)),
        _ => Err(format!("expected a number, got {}", Quoted(clip(t, 40)))),
    }
}

/// A flag written as text: `true`/`false`/`1`/`0` (any case); blank is `None`.
pub fn parse_bool(s: &str) -> Result<Option<bool>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Ok(Some(true))
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Ok(Some(false))
    } else {
        Err(format!("expected a boolean, got {}", Quoted(clip(t, 40))))
    }
}

#[cfg(feature = "testing")]
mod de;
#[cfg(feature = "testing")]
pub use de::{
    int, int_or_zero, list, nested, opt_bool, opt_int, opt_num, opt_text, req_text, string,
    text_list,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "opt_int")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "opt_text")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "opt_num")]
        n: Option<f64>,
        #[serde(default, deserialize_with = "text_list")]
        l: Vec<String>,
    }

    fn t(json: &str) -> T {
        serde_json::from_str(json).expect(json)
    }

    #[test]
    fn integers_in_every_shape() {
        assert_eq!(t(r#"{"i": 5}"#).i, Some(5));
        assert_eq!(t(r#"{"i": "204928159"}"#).i, Some(204928159));
        assert_eq!(t(r#"{"i": " 7 "}"#).i, Some(7));
        assert_eq!(t(r#"{"i": 2.0}"#).i, Some(2));
        assert_eq!(t(r#"{"i": " "}"#).i, None);
        assert_eq!(t(r#"{"i": null}"#).i, None);
        assert_eq!(t(r#"{}"#).i, None);
        assert!(serde_json::from_str::<T>(r#"{"i": "abc"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"i": 2.5}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"i": 1e300}"#).is_err());
    }

    #[test]
    fn integers_outside_the_safe_range_are_refused() {
        for ok in [
            ("9007199254740991", 9_007_199_254_740_991),
            ("-9007199254740991", -9_007_199_254_740_991),
            ("\"9007199254740991\"", 9_007_199_254_740_991),
            ("9007199254740991.0", 9_007_199_254_740_991),
        ] {
            assert_eq!(
                t(&format!(r#"{{"i": {}}}"#, ok.0)).i,
                Some(ok.1),
                "{}",
                ok.0
            );
        }
        for bad in [
            "9007199254740992",
            "9007199254740993",
            "-9007199254740992",
            "\"9007199254740993\"",
            "\" -9007199254740993 \"",
            "\"9007199254740993.0\"",
            "9223372036854775807",
            "18446744073709551615",
            "1e300",
            "-1e300",
            "\"1e300\"",
            "1e16",
        ] {
            let e = serde_json::from_str::<T>(&format!(r#"{{"i": {bad}}}"#)).expect_err(bad);
            assert!(
                e.to_string().contains("outside the safe integer range"),
                "{bad}: {e}"
            );
        }
        assert_eq!(
            parse_int("9007199254740991"),
            Ok(Some(9_007_199_254_740_991))
        );
        let e = parse_int(" 9007199254740993 ").unwrap_err();
        assert!(
            e.contains("9007199254740993") && e.contains("safe integer"),
            "{e}"
        );
        let e = parse_int("1e300").unwrap_err();
        assert!(e.starts_with("1e300 is outside"), "{e}");
        assert!(parse_int("99999999999999999999").is_err());
    }

    #[test]
    fn text_blank_is_none_and_numbers_become_text() {
        assert_eq!(t(r#"{"s": " "}"#).s, None);
        assert_eq!(t(r#"{"s": ""}"#).s, None);
        assert_eq!(t(r#"{"s": " a "}"#).s.as_deref(), Some(" a "));
        assert_eq!(t(r#"{"s": 12}"#).s.as_deref(), Some("12"));
        assert_eq!(t(r#"{"s": "a\"b"}"#).s.as_deref(), Some("a\"b"));
    }

    #[test]
    fn bools_numbers_and_lists() {
        assert_eq!(t(r#"{"b": 1}"#).b, Some(true));
        assert_eq!(t(r#"{"b": "0"}"#).b, Some(false));
        assert_eq!(t(r#"{"b": false}"#).b, Some(false));
        assert!(serde_json::from_str::<T>(r#"{"b": 2}"#).is_err());
        assert_eq!(t(r#"{"n": "12.50"}"#).n, Some(12.5));
        assert_eq!(t(r#"{"n": 37}"#).n, Some(37.0));
        assert_eq!(t(r#"{"l": null}"#).l, Vec::<String>::new());
        assert_eq!(t(r#"{"l": ["a", " ", null, "b"]}"#).l, vec!["a", "b"]);
    }

    #[test]
    fn text_forms_match_json_forms() {
        assert_eq!(parse_int("1").unwrap(), Some(1));
        assert_eq!(parse_int(" ").unwrap(), None);
        assert!(parse_int("x1").is_err());
        assert_eq!(parse_bool("TRUE").unwrap(), Some(true));
        assert_eq!(parse_num("").unwrap(), None);
        assert!(parse_num("NaN").is_err());
    }
}
