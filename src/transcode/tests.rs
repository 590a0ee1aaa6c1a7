// Test-only module: mod.rs includes it under #[cfg(test)].
//! The transcoder against the serde path: on generated hostile documents, both succeed with
//! the same JSON value (numbers compared as `f64` bits, so `-0` and `0` differ), or both fail.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;
use crate::api::{reissues as re, subaccount_orders as so, used_codes as uc, voucher_order as vo};
use crate::record::Kind;
use serde_json::Value;

use crate::test_support::{allocations, Rng};

/// True `per_mille` times in 1000.
fn chance(r: &mut Rng, per_mille: usize) -> bool {
    r.below(1000) < per_mille
}

/// How often a generated value is outside what the rule accepts (per mille).
const BAD: usize = 8;

const INTS: &[&str] = &[
    "5",
    "\"42\"",
    "\" 7 \"",
    "2.0",
    "\"-3\"",
    "\" \"",
    "\"\"",
    "null",
    "-0",
    "0",
    "1e3",
    "-12",
    "\"2.0\"",
    "9007199254740991",
    "123456789012",
];
const BAD_INTS: &[&str] = &[
    "\"abc\"",
    "2.5",
    "1e300",
    "true",
    "18446744073709551615",
    "[]",
    "{}",
    "\"1.5\"",
    "99999999999999999999999",
    "9007199254740992",
    "-9007199254740992",
    "\"9007199254740993\"",
    "9007199254740993.0",
];
const NUMS: &[&str] = &[
    "37",
    "12.5",
    "\"12.50\"",
    "\" \"",
    "null",
    "-0",
    "1e3",
    "0.1",
    "198.0",
    "\"7\"",
    "-2.25",
];
const BAD_NUMS: &[&str] = &["\"x\"", "1e400", "false", "[1]", "\"NaN\"", "\"inf\""];
const TEXTS: &[&str] = &[
    "\"abc\"",
    "\" \"",
    "\"\"",
    "null",
    r#""a\"b, c""#,
    r#""\u00e9t\u00E9""#,
    "\"é日本😀\"",
    r#""\ud83d\ude00""#,
    r#""tab\tx\n\r\\\/""#,
    "12",
    "-0",
    "1.5",
    "\" a \"",
    r#""\u0020""#,
    "\"\u{a0}\"",
    r#""\u2028""#,
    "\"<script>alert(1)</script>\"",
    "18446744073709551615",
    "-9223372036854775808",
    "1e2",
    r#""0123456789abcdef\"tail 0123456789 \\ end""#,
    "\"a long plain value, with commas, and more than eight bytes 0123456789\"",
];
const BAD_TEXTS: &[&str] = &[
    "\"0123456789\u{1}ab\"",
    "\"ab\tc\"",
    "true",
    r#""\ud800""#,
    r#""\udc00x""#,
    "{}",
    "[\"a\"]",
    r#""\x""#,
];
const BOOLS: &[&str] = &[
    "true",
    "false",
    "0",
    "1",
    "\"1\"",
    "\"0\"",
    "\"true\"",
    "\"FALSE\"",
    "\" \"",
    "null",
];
const BAD_BOOLS: &[&str] = &["2", "1.0", "\"yes\"", "-1", "-0", "[]"];
const JUNK: &[&str] = &[
    "1",
    "\"x\"",
    "null",
    "[1,[2,[3,{\"a\":[]}]]]",
    "{\"k\":{\"k\":[true,false,null]},\"z\":\"\\u0041\"}",
    "[]",
    "{}",
    "-1.5e-3",
];

fn scalar(r: &mut Rng, good: &[&str], bad: &[&str]) -> String {
    if chance(r, BAD) {
        r.pick(bad).to_owned()
    } else {
        r.pick(good).to_owned()
    }
}

fn ws(r: &mut Rng) -> &'static str {
    match r.below(8) {
        0 => " ",
        1 => "\n  ",
        2 => "\r\n\t",
        _ => "",
    }
}

fn value(r: &mut Rng, kind: Kind, depth: u32) -> String {
    match kind {
        Kind::Int | Kind::OptInt | Kind::IntOrZero => {
            // Required ids are mostly valid, so whole records get through.
            if matches!(kind, Kind::Int) && r.below(4) != 0 {
                return r.pick(&["1", "\"204928159\"", "77", "3.0"]).to_owned();
            }
            scalar(r, INTS, BAD_INTS)
        }
        Kind::OptNum => scalar(r, NUMS, BAD_NUMS),
        Kind::OptText | Kind::Str => scalar(r, TEXTS, BAD_TEXTS),
        Kind::ReqText => {
            if r.below(4) != 0 {
                "\"CODE\"".to_owned()
            } else {
                scalar(r, TEXTS, BAD_TEXTS)
            }
        }
        Kind::OptBool => scalar(r, BOOLS, BAD_BOOLS),
        Kind::TextList => match r.below(10) {
            0 => "null".to_owned(),
            1 if chance(r, 100) => "\"a\"".to_owned(),
            _ => {
                let n = r.below(4);
                let items: Vec<String> = (0..n).map(|_| scalar(r, TEXTS, BAD_TEXTS)).collect();
                format!("[{}]", items.join(","))
            }
        },
        Kind::List(s) => match r.below(8) {
            0 => "null".to_owned(),
            1 if chance(r, 50) => "[null]".to_owned(),
            _ if depth > 2 => "[]".to_owned(),
            _ => {
                let n = r.below(3);
                let items: Vec<String> = (0..n).map(|_| record(r, s, depth + 1)).collect();
                format!("[{}]", items.join(","))
            }
        },
        Kind::Nested(s) => match r.below(6) {
            0 => "null".to_owned(),
            1 if chance(r, 50) => "\"x\"".to_owned(),
            _ => record(r, s, depth + 1),
        },
    }
}

fn record(r: &mut Rng, s: &Schema, depth: u32) -> String {
    let mut members: Vec<String> = Vec::new();
    for f in s.fields {
        // Required fields are rarely left out; optional ones often.
        let omit = if f.kind.required() {
            chance(r, 10)
        } else {
            r.below(5) == 0
        };
        if !omit {
            let v = value(r, f.kind, depth);
            members.push(format!("\"{}\":{}{}", f.name, ws(r), v));
        }
        if chance(r, 5) {
            let v = value(r, f.kind, depth);
            members.push(format!("\"{}\":{v}", f.name)); // duplicate key
        }
    }
    for _ in 0..r.below(3) {
        let j = r.pick(JUNK);
        members.push(format!("\"extra_{}\":{j}", r.below(100)));
    }
    if r.below(3) == 0 {
        // Shuffle: the wire order is not the declaration order.
        for i in (1..members.len()).rev() {
            let j = r.below(i + 1);
            members.swap(i, j);
        }
    }
    let sep = format!(",{}", ws(r));
    format!("{{{}{}{}}}", ws(r), members.join(&sep), ws(r))
}

fn page(r: &mut Rng) -> String {
    match r.below(5) {
        0 => "null".to_owned(),
        1 => "{\"total\":\"3\"}".to_owned(),
        2 => format!(
            "{{\"total\":{},\"limit\":{},\"offset\":0}}",
            r.below(5000),
            r.below(1001)
        ),
        3 if chance(r, 100) => "\"p\"".to_owned(),
        _ => format!(
            "{{\"offset\":{},\"total\":{},\"limit\":{}}}",
            scalar(r, INTS, BAD_INTS),
            scalar(r, INTS, BAD_INTS),
            scalar(r, INTS, BAD_INTS)
        ),
    }
}

fn envelope(r: &mut Rng, key: &str, s: &'static Schema, with_page: bool) -> String {
    let mut members = Vec::new();
    if r.below(20) != 0 {
        members.push(format!("\"{key}\":{}", value(r, Kind::List(s), 0)));
    }
    if with_page && r.below(3) != 0 {
        members.push(format!("\"page\":{}", page(r)));
    }
    if r.below(4) == 0 {
        members.push(format!("\"other\":{}", r.pick(JUNK)));
    }
    if r.below(2) == 0 {
        members.reverse();
    }
    format!("{{{}}}", members.join(","))
}

/// Numbers as f64 bits, so `198` and `198.0` agree and `-0` and `0` do not.
fn norm(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::String(format!("num:{:x}", n.as_f64().unwrap().to_bits())),
        Value::Array(a) => Value::Array(a.into_iter().map(norm).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, norm(v))).collect()),
        other => other,
    }
}

fn check<T: serde::Serialize>(
    doc: &str,
    serde: crate::error::Result<T>,
    ours: crate::error::Result<String>,
) -> bool {
    match (serde, ours) {
        (Ok(a), Ok(b)) => {
            assert!(b.is_ascii(), "non-ASCII output: {b}");
            let a = norm(serde_json::to_value(&a).unwrap());
            let b = norm(serde_json::from_str::<Value>(&b).unwrap_or_else(|e| {
                panic!("transcoder output is not JSON ({e}): {b}\ninput: {doc}")
            }));
            assert_eq!(a, b, "input: {doc}");
            true
        }
        (Err(_), Err(_)) => false,
        (Ok(_), Err(e)) => panic!("only the transcoder fails ({}): {doc}", e.message),
        (Err(e), Ok(b)) => panic!("only serde fails ({}): {doc}\nours: {b}", e.message),
    }
}

const CASES: usize = 4000;

#[test]
fn agrees_with_serde_on_used_codes() {
    let mut r = Rng::new(0x5eed_0001);
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..CASES {
        let doc = envelope(&mut r, "codes", &uc::UsedVoucherCode::SCHEMA, true);
        if check(&doc, uc::decode(&doc), used_codes(&doc)) {
            ok += 1;
        } else {
            bad += 1;
        }
    }
    // Both kinds of outcome are exercised, not only failures.
    assert!(ok > CASES / 10 && bad > CASES / 10, "ok {ok}, failed {bad}");
}

#[test]
fn agrees_with_serde_on_subaccount_orders() {
    let mut r = Rng::new(0x5eed_0002);
    let (mut ok, mut bad) = (0, 0);
    for i in 0..CASES {
        let doc = envelope(&mut r, "orders", &so::SubaccountOrder::SCHEMA, true);
        let offset = (i % 7) as i64 * 1000;
        if check(
            &doc,
            so::decode(&doc, offset),
            subaccount_orders(&doc, offset),
        ) {
            ok += 1;
            let p = subaccount_orders_page(&doc, offset).unwrap();
            let whole = so::decode(&doc, offset).unwrap();
            assert_eq!(p.page, whole.page);
            assert_eq!(p.len, whole.orders.len());
            let arr: Vec<Value> = serde_json::from_str(&p.json).unwrap();
            assert_eq!(arr.len(), p.len);
            // Each order's key is its id (required, so always an integer).
            let ids: Vec<u64> = whole.orders.iter().map(|o| o.id as u64).collect();
            let keys: Vec<u64> = p.keys.iter().map(|&k| k & !(1 << 63)).collect();
            let hashed = whole
                .orders
                .iter()
                .zip(&p.keys)
                .all(|(o, &k)| (o.id < 0) == (k >> 63 == 1));
            assert!(hashed, "a negative id is hashed, others are the id");
            for ((o, &k), &id) in whole.orders.iter().zip(&keys).zip(&ids) {
                if o.id >= 0 {
                    assert_eq!(k, id);
                }
            }
            // Each end cuts the array after a whole record.
            for (k, &end) in p.ends.iter().enumerate() {
                let cut = format!("{}]", &p.json[..end]);
                let part: Vec<Value> = serde_json::from_str(&cut).unwrap();
                assert_eq!(part.len(), k + 1);
            }
        } else {
            bad += 1;
            assert!(subaccount_orders_page(&doc, offset).is_err());
        }
    }
    assert!(ok > CASES / 10 && bad > CASES / 10, "ok {ok}, failed {bad}");
}

#[test]
fn agrees_with_serde_on_reissues() {
    let mut r = Rng::new(0x5eed_0003);
    let (mut ok, mut bad) = (0, 0);
    for i in 0..CASES {
        let doc = envelope(
            &mut r,
            "certificates",
            &re::ReissuedCertificate::SCHEMA,
            false,
        );
        let dedupe = i % 2 == 0;
        let opts = re::ReissueOptions {
            show_archived: None,
            dedupe_by_serial: Some(dedupe),
        };
        if check(&doc, re::decode(&doc, &opts), reissues(&doc, dedupe)) {
            ok += 1;
        } else {
            bad += 1;
        }
    }
    assert!(ok > CASES / 10 && bad > CASES / 10, "ok {ok}, failed {bad}");
}

#[test]
fn agrees_with_serde_on_voucher_orders() {
    let mut r = Rng::new(0x5eed_0004);
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..CASES {
        let doc = record(&mut r, &vo::VoucherOrder::SCHEMA, 0);
        if check(&doc, vo::decode(&doc), voucher_order(&doc)) {
            ok += 1;
        } else {
            bad += 1;
        }
    }
    assert!(ok > CASES / 10 && bad > CASES / 10, "ok {ok}, failed {bad}");
}

#[test]
fn dedupe_and_fallback_are_exercised() {
    let doc = r#"{"certificates":[
        {"id":1,"serial_number":"0A"},{"id":2,"serial_number":"\u0030A"},
        {"id":3,"serial_number":" "},{"id":4},{"id":5,"serial_number":"0B"}]}"#;
    let v: Value = serde_json::from_str(&reissues(doc, true).unwrap()).unwrap();
    let ids: Vec<i64> = v["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 3, 4, 5]);
    let v: Value = serde_json::from_str(&reissues(doc, false).unwrap()).unwrap();
    assert_eq!(v["certificates"].as_array().unwrap().len(), 5);

    let doc = r#"{"id":9,"codes":[
        {"product_name_id":" ","id":1,"product":{"name_id":"ssl_plus"}},
        {"id":2,"product_name_id":"own","product":{"name_id":"other"}},
        {"id":3}]}"#;
    let v: Value = serde_json::from_str(&voucher_order(doc).unwrap()).unwrap();
    let got: Vec<Value> = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["product_name_id"].clone())
        .collect();
    assert_eq!(
        got,
        [Value::from("ssl_plus"), Value::from("own"), Value::Null]
    );
}

#[test]
fn errors_carry_the_position() {
    let e = used_codes("{\"codes\":[\n{\"id\":\"x1\",\"value\":\"V\"}]}").unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::Decode);
    assert!(e.message.contains("line 2"), "{}", e.message);
    assert!(e.message.contains("x1"), "{}", e.message);
    for bad in [
        "",
        "[]",
        "{\"codes\":[]} x",
        "{\"codes\":[],}",
        "{",
        "<html>",
    ] {
        assert!(used_codes(bad).is_err(), "{bad:?}");
    }
    let deep = format!("{{\"x\":{}{}}}", "[".repeat(200), "]".repeat(200));
    assert!(used_codes(&deep).is_err());
    let ok = format!("{{\"x\":{}{}}}", "[".repeat(100), "]".repeat(100));
    assert_eq!(used_codes(&ok).unwrap(), "{\"codes\":[]}");
}

#[test]
fn error_bodies_agree_with_serde() {
    let mut r = Rng::new(0x5eed_0005);
    let mut some = 0;
    for _ in 0..CASES {
        let doc = match r.below(10) {
            0 => r.pick(JUNK).to_owned(),
            1 => "<html>oops</html>".to_owned(),
            // One entry as an object instead of a list.
            2 => format!("{{\"errors\":{}}}", record(&mut r, &ERROR_ENTRY, 0)),
            _ => envelope(&mut r, "errors", &ERROR_ENTRY, false),
        };
        let a = crate::api::decode_error_body(&doc);
        let b = error_entries(&doc);
        assert_eq!(a, b, "input: {doc}");
        some += usize::from(!a.is_empty());
    }
    assert!(some > CASES / 10, "only {some} bodies had entries");
}

static ERROR_ENTRY: Schema = crate::error::ApiErrorEntry::SCHEMA;

#[test]
fn output_is_ascii() {
    let doc =
        "{\"codes\":[{\"id\":1,\"value\":\"V\",\"cert_organization\":\"Ünïcode 日本 😀 \\u00e9\",\
               \"cert_common_name\":\"é\"}],\"x\":\"ignored é\"}";
    let out = used_codes(doc).unwrap();
    assert!(out.is_ascii(), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["codes"][0]["cert_organization"], "Ünïcode 日本 😀 é");
    assert_eq!(v["codes"][0]["cert_common_name"], "é");
    let doc = "{\"certificates\":[{\"id\":1,\"dns_names\":[\"ü.example\",\" \"]}]}";
    let out = reissues(doc, false).unwrap();
    assert!(out.is_ascii(), "{out}");
    assert!(out.contains(r#""dns_names":["\u00fc.example"]"#), "{out}");
}

/// Both paths, the same outcome: an error of kind decode whose message holds every `want`.
fn both_fail<T: std::fmt::Debug>(
    doc: &str,
    serde: crate::error::Result<T>,
    ours: crate::error::Result<String>,
    want: &[&str],
) {
    let a = serde.expect_err(doc);
    let b = ours.expect_err(doc);
    for e in [&a, &b] {
        assert_eq!(e.kind, crate::ErrorKind::Decode, "{doc}");
        for w in want {
            assert!(e.message.contains(w), "{doc}: {} lacks {w:?}", e.message);
        }
    }
}

#[test]
fn unsafe_integers_are_decode_errors_naming_the_field() {
    let order = |id: &str| format!(r#"{{"id":{id},"status":"issued"}}"#);
    for (bad, shown) in [
        ("9007199254740993", "9007199254740993"),
        ("-9007199254740992", "-9007199254740992"),
        ("\"9007199254740993\"", "9007199254740993"),
        ("1e300", "1e300"),
        // serde_json reads it as a float: the serde path shows 18446744073709552000.
        ("18446744073709551616", "1844674407370955"),
    ] {
        let doc = format!(
            r#"{{"orders":[{},{},{},{}],"page":{{"total":4}}}}"#,
            order("1"),
            order("2"),
            order("3"),
            order(bad)
        );
        let want = ["orders[3].id", shown, "outside the safe integer range"];
        both_fail(&doc, so::decode(&doc, 0), subaccount_orders(&doc, 0), &want);
        assert!(subaccount_orders_page(&doc, 0).is_err());
    }
    let doc = r#"{"orders":[],"page":{"total":9007199254740993}}"#;
    both_fail(
        doc,
        so::decode(doc, 0),
        subaccount_orders(doc, 0),
        &["page.total", "9007199254740993"],
    );
    let doc = r#"{"codes":[{"id":1,"value":"A"},{"id":2,"value":"B","voucher_order_id":"9007199254740993"}]}"#;
    both_fail(
        doc,
        uc::decode(doc),
        used_codes(doc),
        &["codes[1].voucher_order_id", "9007199254740993"],
    );
    let doc = r#"{"id":7,"codes":[{"id":1},{"id":-1e17}]}"#;
    both_fail(doc, vo::decode(doc), voucher_order(doc), &["codes[1].id"]);
    let doc = r#"{"certificates":[{"id":1,"key_size":9007199254740992}]}"#;
    both_fail(
        doc,
        re::decode(doc, &re::ReissueOptions::default()),
        reissues(doc, false),
        &["certificates[0].key_size"],
    );
    // The largest safe integers pass, as numbers and as text.
    let doc = r#"{"orders":[{"id":9007199254740991},{"id":"-9007199254740991"}],"page":{"total":9007199254740991}}"#;
    let out = subaccount_orders(doc, 0).unwrap();
    assert!(out.contains(r#""id":9007199254740991"#), "{out}");
    assert!(out.contains(r#""id":-9007199254740991"#), "{out}");
    let s = so::decode(doc, 0).unwrap();
    assert_eq!(s.orders[0].id, 9_007_199_254_740_991);
    assert_eq!(s.page.total, 9_007_199_254_740_991);
    // Without a page, the total made from the offset stays in the safe range too.
    let max = crate::lenient::MAX_SAFE_INTEGER;
    let doc = r#"{"orders":[{"id":1},{"id":2}]}"#;
    assert_eq!(so::decode(doc, max - 1).unwrap().page.total, max);
    assert!(subaccount_orders(doc, max - 1)
        .unwrap()
        .contains(r#""total":9007199254740991,"#));
    // A big number in a text field is text, not an integer: still fine.
    let doc = r#"{"codes":[{"id":1,"value":18446744073709551616}]}"#;
    assert!(used_codes(doc).is_ok() && uc::decode(doc).is_ok());
}

/// An error body of `n` entries `{"code":"c{i}","message":"m{i}"}`.
fn error_body_of(n: usize) -> String {
    let mut s = String::from("{\"errors\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(r#"{{"code":"c{i}","message":"m{i}"}}"#));
    }
    s.push_str("]}");
    s
}

#[test]
fn error_entries_are_capped() {
    use crate::error::{MAX_ENTRY_CHARS, MAX_ERROR_ENTRIES};
    let body = error_body_of(1_000);
    let e = error_entries(&body);
    assert_eq!(e.len(), MAX_ERROR_ENTRIES);
    assert_eq!((e[0].code.as_str(), e[0].message.as_str()), ("c0", "m0"));
    assert_eq!(e[99].code, "c99");
    assert_eq!(crate::api::decode_error_body(&body), e);
    // A bad entry after the kept ones still makes the body no error body (as serde says).
    for tail in [
        r#"5"#,
        r#"{"code":[]}"#,
        r#"{"code":"a","code":"b"}"#,
        r#"{"message":1e400}"#,
    ] {
        let bad = body.replacen("]}", &format!(",{tail}]}}"), 1);
        assert!(error_entries(&bad).is_empty(), "{tail}");
        assert!(crate::api::decode_error_body(&bad).is_empty(), "{tail}");
    }
    // Escaped keys and junk members of the dropped entries are read as in the kept ones.
    let tail = r#"{"\u0063ode":"x","m\u0065ssage":2,"other":{"\u006b":[1,{"a":null}]}}"#;
    let ok = body.replacen("]}", &format!(",{tail}]}}"), 1);
    assert_eq!(error_entries(&ok).len(), MAX_ERROR_ENTRIES);
    let dup = r#"{"\u0063ode":"x","code":"y"}"#;
    let bad = body.replacen("]}", &format!(",{dup}]}}"), 1);
    assert!(error_entries(&bad).is_empty());
    assert!(crate::api::decode_error_body(&bad).is_empty());
    // Long codes and messages are cut on a char boundary, with a marker.
    let long = format!(
        r#"{{"errors":[{{"code":"{}","message":"{}"}},{{"code":"\u00e9{}"}}]}}"#,
        "é".repeat(3000),
        "x".repeat(MAX_ENTRY_CHARS),
        "\\u00e9".repeat(2000),
    );
    let e = error_entries(&long);
    assert_eq!(e[0].code.chars().count(), MAX_ENTRY_CHARS);
    assert!(e[0].code.ends_with("é…"), "{}", e[0].code);
    assert_eq!(e[1].code.chars().count(), MAX_ENTRY_CHARS);
    assert_eq!(
        e[0].message,
        "x".repeat(MAX_ENTRY_CHARS),
        "not cut at the limit"
    );
    assert_eq!(crate::api::decode_error_body(&long), e);
}

#[test]
fn dropped_error_entries_allocate_nothing() {
    // Dropped entries with escaped keys, junk members and numbers: the work for 101 entries
    // and for 20,000 is the same allocations.
    let entry = |i: usize| {
        format!(r#"{{"\u0063ode":"c{i}","message":{i},"x":{{"\u006b":[1,{{"a":null}}]}}}}"#)
    };
    let body = |n: usize| {
        let v: Vec<String> = (0..n).map(entry).collect();
        format!(r#"{{"errors":[{}]}}"#, v.join(","))
    };
    let (small, big) = (body(101), body(20_000));
    let mut got = (ErrorBody::default(), ErrorBody::default());
    let a = allocations(|| got.0 = error_body(&small, None));
    let b = allocations(|| got.1 = error_body(&big, None));
    assert_eq!((got.0.total, got.1.total), (101, 20_000));
    assert_eq!(got.0.entries, got.1.entries);
    assert_eq!(a, b, "allocations for 101 entries: {a}, for 20,000: {b}");
}

#[test]
fn decode_and_transcode_agree_through_the_endpoint() {
    let body = r#"{"certificates":[{"id":1,"serial_number":"A"},{"id":2,"serial_number":"A"}]}"#;
    use crate::api::reissues::{self, ListOrderReissues, ReissueArgs};
    use crate::api::subaccount_orders::ListSubaccountOrders;
    use crate::api::Endpoint;
    use crate::error::ErrorKind;
    let a = ReissueArgs {
        order_id: 1,
        show_archived: false,
    };
    for dedupe in [false, true] {
        let reading = reissues::ReissueReading {
            dedupe_by_serial: dedupe,
        };
        let typed = ListOrderReissues::decode(&a, &reading, body).unwrap();
        let json = ListOrderReissues::transcode(&a, &reading, body).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value, serde_json::to_value(&typed).unwrap());
        assert_eq!(typed.certificates.len(), if dedupe { 1 } else { 2 });
    }

    // listSubaccountOrders with an offset: an answer for another offset is a decode error in
    // both paths; without one, the page is taken as it comes.
    let body = r#"{"orders":[{"id":1}],"page":{"total":9,"limit":1,"offset":3}}"#;
    let at = |json: &str| {
        ListSubaccountOrders::args(&serde_json::from_str(json).unwrap())
            .unwrap()
            .0
    };
    for q in [at(r#"{"offset":3}"#), at("{}")] {
        assert!(ListSubaccountOrders::decode(&q, &(), body).is_ok());
        assert!(ListSubaccountOrders::transcode(&q, &(), body).is_ok());
    }
    let q = at(r#"{"offset":4}"#);
    for e in [
        ListSubaccountOrders::decode(&q, &(), body).unwrap_err(),
        ListSubaccountOrders::transcode(&q, &(), body).unwrap_err(),
    ] {
        assert_eq!(e.kind, ErrorKind::Decode);
        assert!(e.message.contains("offset 4"), "{}", e.message);
    }
}
