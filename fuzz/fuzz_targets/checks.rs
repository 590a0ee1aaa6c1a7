//! The invariants the fuzz targets check, shared with the stable smoke test
//! (`tests/decode_smoke.rs` includes this file with `#[path]`). Every function takes
//! arbitrary bytes and panics (an assert) when an invariant breaks; "no panic" is the
//! first invariant of all, since the crate must not panic on input (docs/TOOLCHAIN.md).
// dead_code: the smoke test and each fuzz target use a part; result_large_err: as in lib.rs.
#![allow(dead_code, clippy::result_large_err)]

use certcentral_wasm::api::{reissues, subaccount_orders, used_codes, voucher_order};
use certcentral_wasm::error::ErrorKind;
use certcentral_wasm::query::{
    build_query, path_id, EndpointSpec, FilterKind, FilterValue, IdInput, Query, Sort,
};
use certcentral_wasm::retry::{parse_http_date, parse_retry_after, Outcome, RetryPolicy};
use certcentral_wasm::transcode;
use serde_json::{json, Map, Value};

/// Bodies the decoders accept, to start corpora and the smoke test's mutations from.
pub const SEEDS: &[&str] = &[
    r#"{"codes":[{"id":49170,"value":"ZVB3LWIH3H3U53AOZU5QZ4W4TUTRPPCS","product_name":"Basic OV","no_of_fqdns":"1","no_of_wildcards":0,"shipping_method":"N/A","validity_years":1,"validity_days":0,"status":"used","created_date":"2022-03-03 13:31:03","voucher_order_id":5531,"cert_request_date":"2022-03-03 13:32:00","cert_validity_start_date":" ","cert_validity_end_date":" ","cert_organization":"ACME, \"Inc\"","cert_common_name":"example.com","certificate_order_id":"204928159","voucher_validity_end_date":"2023-03-03","order_valid_from":" ","order_valid_till":" ","server_licenses":"2"}],"page":{"total":1,"limit":0,"offset":0}}"#,
    r#"{"id":5531,"name":"ACME CORP","status":"completed","codes":[{"id":"77","code":"ABC","status":"used","product":{"group_name":"dv_ssl_certificate","name_id":"ssl_dv_geotrust_flex","name":"GeoTrust DV"}},{"id":78,"product_name_id":"ssl_plus"}],"page":{"total":0,"limit":0,"offset":0}}"#,
    r#"{"certificates":[{"id":12345,"thumbprint":"AB","serial_number":"0F","common_name":"example.com","dns_names":["a.example.com","*.b.example.com"],"status":"issued","date_created":"2019-04-08T17:33:26+00:00","valid_till":"2020-04-08","days_remaining":267,"key_size":2048,"user_id":1576,"archived":"0","receipt_id":"77","purchased_dns_names":"3"},{"id":12346,"serial_number":"0F","status":"issued","archived":1},{"id":12347,"status":"pending"}]}"#,
    r#"{"orders":[{"id":123457,"certificate":{"id":101015,"thumbprint":"03F6","serial_number":"0FDA","common_name":"example.com","dns_names":["sub1.example.com"],"valid_till":"2020-06-15","organization_units":["IT Dept."],"signature_hash":"sha256"},"subaccount":{"account_id":123445,"account_type":"enterprise","organization_name":"Sub <script>"},"product":{"name_id":"ssl_multi_domain","name":"Multi-Domain SSL","type":"ssl_certificate"},"order_price":{"cost":"358.50","currency":"USD"},"status":"issued","number_of_sans":4,"date_created":"2019-06-11T07:08:04+00:00","date_issued":"2019-06-11T07:09:00+00:00","validity_years":"1"}],"page":{"total":"3","limit":0,"offset":0}}"#,
    r#"{"page":{"total":0,"limit":1,"offset":0}}"#,
    r#"{"filters":{"status":"issued","id":"42","date_created":{"from":"2023-01-01","to":"2023-12-31"},"valid_till":"<2024-01-01","common_name":"a&b=c#d e%25"},"sort":["-date_created","id"],"offset":2000,"limit":1000}"#,
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "120",
];

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// `decode(serialize(decode(x))) == decode(x)`: what the client hands to JS (one JSON string)
/// decodes to the same records, so every field holds one type.
fn round_trip<T, F>(value: &T, decode: F)
where
    T: serde::Serialize + PartialEq + std::fmt::Debug,
    F: Fn(&str) -> certcentral_wasm::error::Result<T>,
{
    let json = serde_json::to_string(value).expect("a decoded value serializes");
    let again = decode(&json).unwrap_or_else(|e| panic!("re-decoding {json} failed: {e:?}"));
    assert_eq!(&again, value, "round trip changed {json}");
}

/// Numbers as f64 bits, so `198` and `198.0` agree and `-0` and `0` do not.
fn norm(v: Value) -> Value {
    match v {
        Value::Number(n) => {
            Value::String(format!("{:x}", n.as_f64().unwrap_or(f64::NAN).to_bits()))
        }
        Value::Array(a) => Value::Array(a.into_iter().map(norm).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, norm(v))).collect()),
        other => other,
    }
}

/// The transcoder (what the wasm client runs) agrees with the serde path: the same JSON value,
/// or both fail as `decode`.
fn agree<T: serde::Serialize + std::fmt::Debug>(
    body: &str,
    serde: &certcentral_wasm::error::Result<T>,
    ours: certcentral_wasm::error::Result<String>,
) {
    match (serde, ours) {
        (Ok(a), Ok(b)) => {
            let a = norm(serde_json::to_value(a).expect("a decoded value serializes"));
            let b = serde_json::from_str::<Value>(&b)
                .unwrap_or_else(|e| panic!("transcoder output is not JSON ({e}): {b}"));
            assert_eq!(a, norm(b), "transcoder and serde disagree on {body:?}");
        }
        (Err(_), Err(e)) => decode_error(&e),
        (a, b) => panic!("transcoder and serde disagree on {body:?}: {a:?} / {b:?}"),
    }
}

fn decode_error(e: &certcentral_wasm::Error) {
    assert_eq!(e.kind, ErrorKind::Decode, "{e:?}");
    assert!(!e.message.is_empty());
}

pub fn used_codes(data: &[u8]) {
    let body = text(data);
    agree(
        &body,
        &used_codes::decode(&body),
        transcode::used_codes(&body),
    );
    match used_codes::decode(&body) {
        Ok(list) => round_trip(&list, used_codes::decode),
        Err(e) => decode_error(&e),
    }
}

pub fn voucher_order(data: &[u8]) {
    let body = text(data);
    agree(
        &body,
        &voucher_order::decode(&body),
        transcode::voucher_order(&body),
    );
    match voucher_order::decode(&body) {
        Ok(order) => {
            for c in &order.codes {
                if let Some(p) = &c.product {
                    if p.name_id.is_some() {
                        assert!(
                            c.product_name_id.is_some(),
                            "product_name_id falls back to product.name_id"
                        );
                    }
                }
            }
            round_trip(&order, voucher_order::decode)
        }
        Err(e) => decode_error(&e),
    }
}

/// Both option settings: the de-duplicated list is the raw list minus later repeats of a
/// serial number, in order.
pub fn reissues(data: &[u8]) {
    let body = text(data);
    let raw_opts = reissues::ReissueOptions {
        show_archived: Some(true),
        dedupe_by_serial: None,
    };
    let dd_opts = reissues::ReissueOptions {
        show_archived: None,
        dedupe_by_serial: Some(true),
    };
    let raw = reissues::decode(&body, &raw_opts);
    let dd = reissues::decode(&body, &dd_opts);
    agree(&body, &raw, transcode::reissues(&body, false));
    agree(&body, &dd, transcode::reissues(&body, true));
    match (&raw, &dd) {
        (Ok(raw), Ok(dd)) => {
            let mut seen = std::collections::HashSet::new();
            let want: Vec<_> = raw
                .certificates
                .iter()
                .filter(|c| match &c.serial_number {
                    Some(s) => seen.insert(s.clone()),
                    None => true,
                })
                .cloned()
                .collect();
            assert_eq!(dd.certificates, want);
            round_trip(raw, |s| reissues::decode(s, &raw_opts));
            round_trip(dd, |s| reissues::decode(s, &dd_opts));
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b);
            decode_error(a);
        }
        _ => panic!("the options changed whether the body decodes: {raw:?} / {dd:?}"),
    }
}

/// The first 8 bytes (when present) are the requested offset, one the client sends (0 to
/// 2^53 - 1, as `query::whole_number` allows).
pub fn subaccount_orders(data: &[u8]) {
    const MAX_SAFE: i64 = certcentral_wasm::lenient::MAX_SAFE_INTEGER;
    let (offset, body) = if data.len() >= 8 {
        let (o, b) = data.split_at(8);
        let o = i64::from_le_bytes(o.try_into().unwrap_or([0; 8]));
        (o.rem_euclid(MAX_SAFE + 1), b)
    } else {
        (0, data)
    };
    let body = text(body);
    agree(
        &body,
        &subaccount_orders::decode(&body, offset),
        transcode::subaccount_orders(&body, offset),
    );
    match subaccount_orders::decode(&body, offset) {
        Ok(list) => {
            let has_page = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v.get("page").map(|p| !p.is_null()))
                .unwrap_or(false);
            if !has_page {
                assert_eq!(list.page.offset, offset);
                assert_eq!(
                    list.page.total,
                    offset
                        .saturating_add(list.orders.len() as i64)
                        .min(MAX_SAFE)
                );
            }
            round_trip(&list, |s| subaccount_orders::decode(s, offset))
        }
        Err(e) => decode_error(&e),
    }
}

// -- query ---------------------------------------------------------------------------------------

/// Reads bytes as choices; zeros once exhausted.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.u8() as usize % from.len()]
    }
    fn f64(&mut self) -> f64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        f64::from_le_bytes(b)
    }
    fn string(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "0",
            "9",
            "-",
            "_",
            ".",
            "~",
            "&",
            "=",
            "#",
            " ",
            "%",
            "%25",
            "+",
            "?",
            "/",
            "..",
            "\\",
            "[",
            "]",
            "\r\n",
            "\0",
            "é",
            "日本",
            "😀",
            "\u{202e}",
            "<script>",
            "\"",
            "'",
            ",",
            ";",
            "2023-01-01",
            "...",
            "<",
            ">",
            " 10:00:00",
            "+10:00:00",
            "T10:00:00",
            "1",
            "42",
            "-1",
            "1.5",
            "1e3",
            "0x10",
        ];
        let n = self.u8() % 8;
        (0..n).map(|_| self.pick(PIECES)).collect()
    }
    fn number(&mut self) -> Value {
        match self.u8() % 6 {
            0 => json!(self.u8() as i64 - 10),
            1 => json!(self.f64()),
            2 => json!(1000),
            3 => json!(9_007_199_254_740_993u64),
            4 => json!(-0.0),
            _ => json!(1e21),
        }
    }
    fn name(&mut self, spec: &EndpointSpec) -> String {
        if self.u8() % 4 == 0 {
            self.string()
        } else {
            let names: Vec<&str> = spec
                .filters
                .iter()
                .map(|(n, _)| *n)
                .chain(["search", "x_1"])
                .collect();
            self.pick(&names).to_owned()
        }
    }
    fn value(&mut self, depth: u8) -> Value {
        match self.u8() % 9 {
            0 => Value::Null,
            1 | 2 => Value::String(self.string()),
            3 => self.number(),
            4 => {
                let mut m = Map::new();
                for _ in 0..self.u8() % 3 {
                    let k = self.pick(&["from", "to", "before", "after", "x"]);
                    m.insert(
                        k.to_owned(),
                        if self.u8() % 4 == 0 {
                            self.number()
                        } else {
                            Value::String(self.string())
                        },
                    );
                }
                Value::Object(m)
            }
            5 if depth < 2 => {
                Value::Array((0..self.u8() % 3).map(|_| self.value(depth + 1)).collect())
            }
            6 => Value::Bool(self.u8() % 2 == 0),
            _ => Value::String(
                self.pick(&[
                    "2023-01-01",
                    "2023-01-01...2023-12-31",
                    "<2024-02-29",
                    ">2019-06-11 07:09:00",
                    "42",
                    "issued",
                    "%exam",
                ])
                .to_owned(),
            ),
        }
    }
    /// A query-shaped JSON value: mostly valid structure, hostile contents.
    pub fn query(&mut self, spec: &EndpointSpec) -> Value {
        let mut q = Map::new();
        if self.u8() % 4 != 0 {
            let mut f = Map::new();
            for _ in 0..self.u8() % 5 {
                let name = self.name(spec);
                let value = self.value(0);
                f.insert(name, value);
            }
            q.insert("filters".into(), Value::Object(f));
        }
        match self.u8() % 5 {
            0 => {
                let keys: Vec<&str> = spec
                    .sort_keys
                    .iter()
                    .copied()
                    .chain(["bogus", "", "-", "id,", " id "])
                    .collect();
                let k = self.pick(&keys);
                let prefix = if self.u8() % 2 == 0 { "-" } else { "" };
                q.insert("sort".into(), json!(format!("{prefix}{k}")));
            }
            1 => {
                let keys: Vec<Value> = (0..self.u8() % 4)
                    .map(|_| Value::String(self.pick(spec.sort_keys).to_owned()))
                    .collect();
                q.insert("sort".into(), Value::Array(keys));
            }
            2 => {
                q.insert("sort".into(), self.value(1));
            }
            _ => {}
        }
        for k in ["offset", "limit"] {
            match self.u8() % 4 {
                0 => {
                    q.insert(k.into(), self.number());
                }
                1 => {
                    q.insert(k.into(), json!(self.u8() as u64 * 7));
                }
                _ => {}
            }
        }
        if self.u8() % 16 == 0 {
            q.insert("limt".into(), json!(5));
        }
        Value::Object(q)
    }
}

fn unhex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `s`, which must hold only unreserved characters and `%XX` (upper hex).
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b[i]);
                i += 1;
            }
            b'%' => {
                let hi = b
                    .get(i + 1)
                    .and_then(|&x| unhex(x))
                    .unwrap_or_else(|| panic!("bad escape in {s:?}"));
                let lo = b
                    .get(i + 2)
                    .and_then(|&x| unhex(x))
                    .unwrap_or_else(|| panic!("bad escape in {s:?}"));
                out.push(hi * 16 + lo);
                i += 3;
            }
            other => panic!("raw byte {other:?} in a query value: {s:?}"),
        }
    }
    out
}

/// Checks `build_query(q, spec)`: an empty string or `?` + exactly one `name=value` per
/// filter with a value, sort, offset and limit; names fixed, values only unreserved
/// characters and `%XX`, and text filters decode back to exactly what was given.
pub fn check_query(q: &Query, spec: &EndpointSpec) {
    let out = match build_query(q, spec) {
        Ok(out) => out,
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
            return;
        }
    };
    let filters: Vec<(&String, &FilterValue)> = q
        .filters
        .iter()
        .flatten()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect();
    let expected = filters.len()
        + [q.sort.is_some(), q.offset.is_some(), q.limit.is_some()]
            .iter()
            .filter(|&&b| b)
            .count();
    if expected == 0 {
        assert_eq!(out, "");
        return;
    }
    let rest = out
        .strip_prefix('?')
        .unwrap_or_else(|| panic!("no leading ?: {out:?}"));
    let params: Vec<&str> = rest.split('&').collect();
    assert_eq!(
        params.len(),
        expected,
        "parameter count of {out:?} for {q:?}"
    );
    let mut i = 0;
    for (name, value) in &filters {
        let (k, v) = params[i]
            .split_once('=')
            .unwrap_or_else(|| panic!("no = in {:?}", params[i]));
        i += 1;
        assert_eq!(k, format!("filters%5B{name}%5D"));
        let decoded = String::from_utf8(percent_decode(v)).expect("values decode to UTF-8");
        let kind = spec
            .filters
            .iter()
            .find(|(n, _)| n == name)
            .map_or(FilterKind::Text, |(_, k)| *k);
        match (kind, value) {
            (FilterKind::Text, FilterValue::Text(s)) => assert_eq!(&decoded, s),
            (FilterKind::Int, _) => {
                let n: u64 = decoded
                    .parse()
                    .unwrap_or_else(|_| panic!("int filter {decoded:?}"));
                assert!((1..=9_007_199_254_740_991).contains(&n));
            }
            (FilterKind::Date, _) => {
                assert!(!decoded.is_empty());
                assert!(
                    decoded
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b" -.:<>".contains(&b)),
                    "{decoded:?}"
                );
            }
            _ => {}
        }
    }
    if let Some(sort) = &q.sort {
        let (k, v) = params[i].split_once('=').expect("sort=");
        i += 1;
        assert_eq!(k, "sort");
        let keys: Vec<String> = match sort {
            Sort::One(s) => s.split(',').map(|k| k.trim().to_owned()).collect(),
            Sort::Many(v) => v.iter().map(|k| k.trim().to_owned()).collect(),
        };
        assert_eq!(
            String::from_utf8(percent_decode(v)).unwrap(),
            keys.join(",")
        );
        for key in &keys {
            assert!(
                spec.sort_keys
                    .contains(&key.strip_prefix('-').unwrap_or(key)),
                "sort key {key:?}"
            );
        }
    }
    for (name, given) in [("offset", q.offset), ("limit", q.limit)] {
        if let Some(given) = given {
            let (k, v) = params[i].split_once('=').expect("name=value");
            i += 1;
            assert_eq!(k, name);
            let n: i64 = v.parse().unwrap_or_else(|_| panic!("{name}={v}"));
            assert_eq!(n as f64, given);
            assert!(n >= 0 && (name == "offset" || (1..=1000).contains(&n)));
        }
    }
    assert_eq!(i, params.len());
    assert!(!out.contains(['#', ' ', '\r', '\n', '\0', '+']));
}

fn check_path_id(data: &[u8]) {
    let s = text(data);
    let r = path_id(&IdInput::Text(s.to_string()), "id");
    let valid = !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit());
    match r {
        Ok(n) => {
            assert!(valid, "{s:?} accepted");
            assert!((1..=9_007_199_254_740_991).contains(&n));
            assert_eq!(Ok(n), s.parse::<u64>());
        }
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert!(
                !valid
                    || s.parse::<u64>()
                        .map_or(true, |n| n == 0 || n > 9_007_199_254_740_991),
                "{s:?} refused"
            );
        }
    }
    let mut b = Bytes(data);
    for f in [
        b.f64(),
        b.u8() as f64 - 3.0,
        f64::from(u32::from_le_bytes([b.u8(), b.u8(), b.u8(), 0])) / 4.0,
    ] {
        match path_id(&IdInput::Number(f), "id") {
            Ok(n) => {
                assert_eq!(n as f64, f);
                assert!((1..=9_007_199_254_740_991).contains(&n));
                assert!(n.to_string().bytes().all(|c| c.is_ascii_digit()));
            }
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::InvalidInput);
                assert!(
                    !(f.fract() == 0.0 && (1.0..=9_007_199_254_740_991.0).contains(&f)),
                    "{f} refused"
                );
            }
        }
    }
}

const SPECS: [&EndpointSpec; 2] = [&used_codes::SPEC, &subaccount_orders::SPEC];

/// Raw bytes as a JSON query, a query generated from the bytes, and `path_id`.
pub fn query(data: &[u8]) {
    if let Ok(q) = serde_json::from_slice::<Query>(data) {
        for spec in SPECS {
            check_query(&q, spec);
        }
    }
    for spec in SPECS {
        let v = Bytes(data).query(spec);
        if let Ok(q) = serde_json::from_value::<Query>(v) {
            for s in SPECS {
                check_query(&q, s);
            }
        }
    }
    check_path_id(data);
}

// -- retry ---------------------------------------------------------------------------------------

/// `parse_retry_after` (first 8 bytes: the clock) and `RetryPolicy::delay_ms`.
pub fn retry_after(data: &[u8]) {
    let mut b = Bytes(data);
    let now = {
        let f = b.f64();
        if f.is_finite() {
            f.abs() % 4e14
        } else {
            1.7e12
        }
    };
    let rest = if data.len() >= 8 { &data[8..] } else { &[][..] };
    let s = text(rest);
    let v = s.trim();
    match parse_retry_after(&s, now) {
        Some(ms) => {
            assert!(ms >= 0.0, "{s:?} gave {ms}");
            if !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()) {
                assert_eq!(ms, v.parse::<f64>().unwrap() * 1000.0);
            } else {
                let at = parse_http_date(v, now)
                    .unwrap_or_else(|| panic!("{s:?} accepted but not a date"));
                assert!(ms.is_finite());
                assert_eq!(ms, (at - now).max(0.0));
                assert!(at >= 0.0 && at % 1000.0 == 0.0);
            }
        }
        None => assert!(
            v.is_empty() || !v.bytes().all(|c| c.is_ascii_digit()),
            "{s:?} refused"
        ),
    }
    let policy = RetryPolicy {
        max_retries: u32::from(b.u8() % 8),
        ..RetryPolicy::default()
    };
    let hi = policy.cap_ms.max(policy.max_retry_after_ms);
    for ra in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, b.f64()] {
        let d = RetryPolicy::default().delay_ms(0, Outcome::Status(503, Some(ra)), 0.5);
        assert!(
            d.is_some_and(|d| d.is_finite() && (0.0..=hi).contains(&d)),
            "Retry-After {ra} ms gave {d:?}"
        );
    }
    for _ in 0..4 {
        let retry = u32::from(b.u8()) * if b.u8() % 4 == 0 { 1 << 24 } else { 1 };
        let status = b.pick(&[200u16, 404, 408, 429, 500, 501, 502, 503, 504, 0, 65535]);
        let ra = match b.u8() % 4 {
            0 => None,
            1 => Some(b.f64()),
            2 => parse_retry_after(&s, now),
            _ => Some(f64::from(b.u8()) * 1000.0),
        };
        let rand01 = b.f64();
        let outcome = b.pick(&[
            Outcome::Network,
            Outcome::Timeout,
            Outcome::Status(status, ra),
        ]);
        if let Some(d) = policy.delay_ms(retry, outcome, rand01) {
            assert!(retry < policy.max_retries);
            assert!(
                d.is_finite() && (0.0..=hi).contains(&d),
                "{outcome:?} retry {retry} rand {rand01}: {d}"
            );
        }
    }
}
