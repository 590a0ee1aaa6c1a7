//! Lenient field decoders for the typing rule in DESIGN.md.
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

use crate::error::clip;
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

/// An integer written as text (`"42"`, `" 42 "`, `"-1"`, `"42.0"`); blank is `None`.
pub fn parse_int(s: &str) -> Result<Option<i64>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = t.parse::<i64>() {
        return Ok(Some(v));
    }
    match t.parse::<f64>() {
        Ok(f) => float_to_int(f).map(Some),
        Err(_) => Err(format!("expected an integer, got {:?}", clip(t, 40))),
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

const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn float_to_int(f: f64) -> Result<i64, String> {
    if f.is_finite() && f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER {
        Ok(f as i64)
    } else {
        Err(format!("expected an integer, got {f}"))
    }
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer, a string holding one, or null")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        float_to_int(v).map(Some).map_err(E::custom)
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
