//! Lenient field decoders for the typing rule: each field has one type (see "How the client
//! copes" in docs/API-NOTES.md).
//!
//! The API sends the same field in several shapes (`204928159` and `"204928159"`, a date or
//! `" "`, a list or nothing). Each function here turns every known shape into ONE Rust type:
//!
//! | rule | accepts | gives |
//! |---|---|---|
//! | [`opt_int`] | integer, integral float, digit string, `null`, `""`, `" "`, missing | `Option<i64>` |
//! | [`opt_num`] | number, numeric string, blank, missing | `Option<f64>` |
//! | [`opt_text`] | string (blank -> `None`), number (as text), `null`, missing | `Option<String>` |
//! | [`opt_bool`] | `true`/`false`, `0`/`1`, `"0"`/`"1"`/`"true"`/`"false"`, blank, missing | `Option<bool>` |
//! | [`list`] | array, `null`, missing | `Vec<T>` |
//!
//! The text forms ([`parse_int`], [`parse_num`], [`parse_bool`], [`text`]) are shared with
//! the CSV parser, so a CSV cell and a JSON value decode identically.
//!
//! Every integer must be within JavaScript's safe range (±[`MAX_SAFE_INTEGER`]): a value
//! outside it is an error (naming the field's path, `orders[3].id`, in the endpoints' decode
//! errors), never a silently rounded number.

use crate::text::clip;
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// True when a text value means "unset": empty or only white space (the API sends `" "`).
pub fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// A text cell: `None` when blank, the text unchanged otherwise.
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
    match t.parse::<f64>() {
        Ok(f) => float_int(f, || clip(t, 40)).map(Some),
        Err(_) => Err(IntError::not_int(format!(
            "expected an integer, got {:?}",
            clip(t, 40)
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

/// An integral float within the safe range as an `i64`; `shown` is how it was written.
pub(crate) fn float_int<S: fmt::Display>(
    f: f64,
    shown: impl FnOnce() -> S,
) -> Result<i64, IntError> {
    if !f.is_finite() || f.fract() != 0.0 {
        Err(IntError::not_int(format!("expected an integer, got {f}")))
    } else if f.abs() > MAX_SAFE_INTEGER as f64 {
        Err(IntError::out_of_range(shown()))
    } else {
        // In range and integral: the conversion is exact.
        Ok(f as i64)
    }
}

/// An `f64` as JavaScript prints it: plain below 1e21, with an exponent from there on (so
/// `1e300` is not 301 digits).
pub(crate) struct JsNumber(pub(crate) f64);

impl fmt::Display for JsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.abs() < 1e21 {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}

/// A number written as text (`"37"`, `"12.50"`); blank is `None`.
pub fn parse_num(s: &str) -> Result<Option<f64>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Some(f)),
        _ => Err(format!("expected a number, got {:?}", clip(t, 40))),
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
        Err(format!("expected a boolean, got {:?}", clip(t, 40)))
    }
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer, a string holding one, or null")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        safe_int(v, || v).map(Some).map_err(|e| E::custom(e.msg))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match i64::try_from(v) {
            Ok(i) => self.visit_i64(i),
            Err(_) => Err(E::custom(IntError::out_of_range(v).msg)),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        float_int(v, || JsNumber(v))
            .map(Some)
            .map_err(|e| E::custom(e.msg))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_int(v).map_err(E::custom)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

/// `Option<i64>` from any integer shape (see the module table).
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(IntVisitor)
}

/// `i64` from any integer shape; blank or missing is an error (ids).
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntVisitor)?
        .ok_or_else(|| de::Error::custom("expected an integer, got an unset value"))
}

/// `i64` from any integer shape; blank or missing is 0 (page counters).
pub fn int_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(d.deserialize_any(IntVisitor)?.unwrap_or(0))
}

struct NumVisitor;

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, a string holding one, or null")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_num(v).map_err(E::custom)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

/// `Option<f64>` from a number or numeric string (costs).
pub fn opt_num<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_any(NumVisitor)
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(text(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(if is_blank(&v) { None } else { Some(v) })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// `Option<String>`: blank (`""`, `" "`) and `null` are `None`; a number becomes its text.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// `String` where unset is `""` (error entries).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(d.deserialize_any(TextVisitor)?.unwrap_or_default())
}

/// `String` that must be present and not blank (voucher code values).
pub fn req_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)?
        .ok_or_else(|| de::Error::custom("expected a string, got an unset value"))
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean, 0/1, or null")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::custom(format!("expected 0 or 1, got {v}"))),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::custom(format!("expected 0 or 1, got {v}"))),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_bool(v).map_err(E::custom)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(BoolVisitor)
    }
}

/// `Option<bool>` from `true`/`false`, `0`/`1` or their text forms.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolVisitor)
}

/// `Vec<T>`: a missing key or `null` is the empty list.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A list of strings where blank entries and `null`s are dropped (`dns_names`).
pub fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Seq;
    impl<'de> Visitor<'de> for Seq {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of strings or null")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<Text>()? {
                if let Some(s) = item.0 {
                    out.push(s);
                }
            }
            Ok(out)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Seq)
        }
    }
    d.deserialize_any(Seq)
}

/// A nested object, or `None` when missing or `null`.
pub fn nested<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_text(d).map(Text)
    }
}

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
