// Test-only module: mod.rs includes it under #[cfg(test)].
//! Tests of the CSV parser: DigiCert's example, format cases, errors, modes, property tests and
//! a fuzz-style smoke run (the same checks as `fuzz/fuzz_targets/csv_parser.rs`).
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use super::*;
use crate::api::used_codes::tests::SEED_JSON;
use crate::api::used_codes::{self, UsedVoucherCode, COLUMNS};
use crate::error::ErrorKind;
use crate::test_support::Rng;

const HEADER: &str = "id,value,product_name,no_of_fqdns,no_of_wildcards,shipping_method,validity_years,validity_days,status,created_date,voucher_order_id,cert_request_date,cert_validity_start_date,cert_validity_end_date,cert_organization,cert_common_name,certificate_order_id,voucher_validity_end_date,order_valid_from,order_valid_till,server_licenses";

/// The CSV example of DigiCert's "List used voucher codes" page, as printed (no final newline).
const SEED_CSV: &str = "id,value,product_name,no_of_fqdns,no_of_wildcards,shipping_method,validity_years,validity_days,status,created_date,voucher_order_id,cert_request_date,cert_validity_start_date,cert_validity_end_date,cert_organization,cert_common_name,certificate_order_id,voucher_validity_end_date,order_valid_from,order_valid_till,server_licenses
49170,ZVB3EWIHDH3U63AOZU5QZ4W4TUTRPPCS,\"Basic OV\",5,0,N/A,6,0,used,\"2022-03-03 13:31:03\",25252,\"2022-03-03 13:41:41\",\" \",\" \",\"Example Inc.\",example.com,204928159,2023-03-03,\" \",\" \",1
49178,ZGGRW6GCJIWCR2XHAU4M6TNNBAURHLJM,\"Basic OV\",5,0,N/A,6,0,used,\"2022-03-03 14:43:28\",25256,\"2022-03-04 10:48:47\",\" \",\" \",\"Example Inc.\",example.com,204928160,2023-03-03,\" \",\" \",1
49179,4U6P5PVRG6HMOWYNGRD3HBM6QUSJRDH5,\"Secure Site Pro EV SSL\",2,0,N/A,2,0,used,\"2022-03-03 14:43:28\",25256,\"2022-03-04 10:49:38\",\" \",\" \",\"Example Corp.\",example.com,204928161,2023-03-03,\" \",\" \",1";

fn ok(input: &str) -> Vec<UsedVoucherCode> {
    parse(input.as_bytes(), false).unwrap().records
}

fn err(input: &[u8]) -> Error {
    let e = parse(input, false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Csv, "{e:?}");
    e
}

fn at(e: &Error) -> (u64, u64) {
    (e.line.unwrap(), e.column.unwrap())
}

/// A data row in header order with `id`, `value` and `org` set, the rest fixed.
fn row(id: i64, value: &str, org: &str) -> String {
    format!("{id},{value},Basic OV,5,0,N/A,1,0,used,2022-03-03 13:31:03,7,,\" \",\" \",{org},a.com,9,2023-03-03,,,1")
}

#[test]
fn seed_csv_decodes_to_the_printed_values() {
    let codes = ok(SEED_CSV);
    assert_eq!(codes.len(), 3);
    let c = &codes[0];
    assert_eq!(c.id, 49170);
    // The CSV example prints another value than the JSON one (a doc slip).
    assert_eq!(c.value, "ZVB3EWIHDH3U63AOZU5QZ4W4TUTRPPCS");
    assert_eq!(c.product_name.as_deref(), Some("Basic OV"));
    assert_eq!((c.no_of_fqdns, c.no_of_wildcards), (Some(5), Some(0)));
    assert_eq!(c.shipping_method.as_deref(), Some("N/A"));
    assert_eq!((c.validity_years, c.validity_days), (Some(6), Some(0)));
    assert_eq!(c.status.as_deref(), Some("used"));
    assert_eq!(c.created_date.as_deref(), Some("2022-03-03 13:31:03"));
    assert_eq!(c.voucher_order_id, Some(25252));
    assert_eq!(c.cert_request_date.as_deref(), Some("2022-03-03 13:41:41"));
    assert_eq!(c.cert_validity_start_date, None);
    assert_eq!(c.cert_validity_end_date, None);
    assert_eq!(c.cert_organization.as_deref(), Some("Example Inc."));
    assert_eq!(c.cert_common_name.as_deref(), Some("example.com"));
    assert_eq!(c.certificate_order_id, Some(204928159));
    assert_eq!(c.voucher_validity_end_date.as_deref(), Some("2023-03-03"));
    assert_eq!((&c.order_valid_from, &c.order_valid_till), (&None, &None));
    assert_eq!(c.server_licenses, Some(1));
    assert_eq!(codes[1].id, 49178);
    assert_eq!(codes[1].certificate_order_id, Some(204928160));
    assert_eq!(codes[2].value, "4U6P5PVRG6HMOWYNGRD3HBM6QUSJRDH5");
    assert_eq!(
        codes[2].product_name.as_deref(),
        Some("Secure Site Pro EV SSL")
    );
    assert_eq!(codes[2].cert_organization.as_deref(), Some("Example Corp."));
    assert_eq!(codes[2].no_of_fqdns, Some(2));
}

#[test]
fn csv_record_equals_the_json_record() {
    let json = used_codes::decode(SEED_JSON).unwrap().codes;
    let fixed = SEED_CSV.replace(
        "ZVB3EWIHDH3U63AOZU5QZ4W4TUTRPPCS",
        "ZVB3LWIH3H3U53AOZU5QZ4W4TUTRPPCS",
    );
    let csv = ok(&fixed);
    assert_eq!(csv[0], json[0]);
    // And the JSON fast path prints what serde prints for those records.
    let (s, errors) = parse_to_json(fixed.as_bytes(), false).unwrap();
    assert!(errors.is_empty());
    assert_eq!(s, serde_json::to_string(&csv).unwrap());
    let first_row: String = fixed.lines().take(2).collect::<Vec<_>>().join("\n");
    let (s, _) = parse_to_json(first_row.as_bytes(), false).unwrap();
    assert_eq!(s, serde_json::to_string(&json).unwrap());
}

#[test]
fn quoting_cases() {
    let input = format!(
        "{HEADER}\n1,\"A,B\",\"say \"\"hi\"\"\",5,0,N/A,1,0,used,,7,,,,\"line1\r\nline2\nline3\rline4\",\"\"\"\",\"\",,,,\"1\"\n"
    );
    let c = &ok(&input)[0];
    assert_eq!(c.value, "A,B");
    assert_eq!(c.product_name.as_deref(), Some("say \"hi\""));
    assert_eq!(
        c.cert_organization.as_deref(),
        Some("line1\r\nline2\nline3\rline4")
    );
    assert_eq!(c.cert_common_name.as_deref(), Some("\""));
    assert_eq!(c.certificate_order_id, None);
    assert_eq!(c.voucher_validity_end_date, None);
    assert_eq!(c.server_licenses, Some(1));
    // Every chunking gives the same record, also in the JSON path.
    for n in [1, 2, 3, 5, 64] {
        let pieces: Vec<&[u8]> = input.as_bytes().chunks(n).collect();
        let got = run(&pieces, false);
        assert_eq!(got.records, vec![c.clone()]);
        assert_eq!(got.json, json_of(&got.records));
    }
}

#[test]
fn line_endings_bom_and_final_newline() {
    let rows = [row(1, "A", "x"), row(2, "B", "y"), row(3, "C", "z")];
    let want = ok(&format!(
        "{HEADER}\n{}\n{}\n{}\n",
        rows[0], rows[1], rows[2]
    ));
    assert_eq!(want.len(), 3);
    for (sep, bom, last) in [
        ("\n", "", ""),
        ("\r\n", "", "\r\n"),
        ("\r", "", "\r"),
        ("\r\n", "\u{feff}", ""),
        ("\n", "\u{feff}", "\n"),
    ] {
        let input = format!(
            "{bom}{HEADER}{sep}{}{sep}{}{sep}{}{last}",
            rows[0], rows[1], rows[2]
        );
        assert_eq!(ok(&input), want, "{sep:?} {bom:?} {last:?}");
    }
    let mixed = format!("{HEADER}\r\n{}\n{}\r{}\r\n", rows[0], rows[1], rows[2]);
    assert_eq!(ok(&mixed), want);
    // Blank lines (empty, CRLF, white space only, a lone "") are skipped anywhere.
    let blanks = format!(
        "\n\r\n{HEADER}\n\n{}\r\n\r\n   \n{}\n\t\n\"\"\n{}\n\n\n  ",
        rows[0], rows[1], rows[2]
    );
    assert_eq!(ok(&blanks), want);
}

#[test]
fn reordered_and_extra_columns() {
    let mut names: Vec<&str> = COLUMNS.iter().rev().copied().collect();
    names.insert(3, "extra");
    names.push(" Notes ");
    let header = names.join(",");
    let std = ok(&format!("{HEADER}\n{}\n", row(42, "V", "\"Org, Inc.\"")));
    assert_eq!(std[0].cert_organization.as_deref(), Some("Org, Inc."));
    let fields: Vec<String> = {
        let mut f: Vec<String> = COLUMNS
            .iter()
            .rev()
            .map(|c| match *c {
                "id" => "42".into(),
                "value" => "V".into(),
                "product_name" => "Basic OV".into(),
                "no_of_fqdns" => "5".into(),
                "no_of_wildcards" => "0".into(),
                "shipping_method" => "N/A".into(),
                "validity_years" => "1".into(),
                "validity_days" => "0".into(),
                "status" => "used".into(),
                "created_date" => "2022-03-03 13:31:03".into(),
                "voucher_order_id" => "7".into(),
                "cert_organization" => "\"Org, Inc.\"".into(),
                "cert_common_name" => "a.com".into(),
                "certificate_order_id" => "9".into(),
                "voucher_validity_end_date" => "2023-03-03".into(),
                "server_licenses" => "1".into(),
                _ => "\" \"".into(),
            })
            .collect();
        f.insert(3, "\"x,y\"".into());
        f.push("n".into());
        f
    };
    let upper = header.replace("value", "VALUE");
    assert_eq!(ok(&format!("{upper}\n{}\n", fields.join(","))), std);
}

#[test]
fn missing_and_duplicate_columns_are_named() {
    let h = HEADER
        .replace(",no_of_wildcards", "")
        .replace("server_licenses", "x");
    let e = err(format!("{h}\n").as_bytes());
    assert!(e.message.contains("no_of_wildcards"), "{}", e.message);
    assert!(e.message.contains("server_licenses"), "{}", e.message);
    assert_eq!(at(&e), (1, 1));
    let e = err(format!("\n\n{HEADER},id\n").as_bytes());
    assert!(e.message.contains("`id` appears twice"), "{}", e.message);
    assert_eq!(at(&e), (3, 22));
    // Fatal in lenient mode too.
    assert!(parse(format!("{h}\n{}", row(1, "A", "o")).as_bytes(), true).is_err());
}

#[test]
fn empty_and_header_only() {
    assert_eq!(at(&err(b"")), (1, 1));
    assert_eq!(at(&err(b"\n\r\n  \n")), (1, 1));
    assert!(ok(HEADER).is_empty());
    assert!(ok(&format!("\u{feff}{HEADER}\r\n")).is_empty());
}

#[test]
fn bad_input_errors_have_line_and_column() {
    let good = row(1, "A", "o");
    // Non-number in an integer column (no_of_fqdns is field 4).
    let bad = good.replacen(",5,", ",five,", 1);
    let e = err(format!("{HEADER}\n{good}\n{bad}\n").as_bytes());
    assert_eq!(at(&e), (3, 4));
    assert!(e.message.contains("no_of_fqdns"), "{}", e.message);
    assert!(e.message.contains("five"), "{}", e.message);
    // Too few / too many fields.
    let e = err(format!("{HEADER}\r\n{good}\r\n1,A,b\r\n").as_bytes());
    assert_eq!(at(&e), (3, 4));
    let e = err(format!("{HEADER}\n{good},x,y\n").as_bytes());
    assert_eq!(at(&e), (2, 22));
    // Invalid UTF-8 in cert_organization (field 15), on a record that starts on line 4
    // after a record spanning lines 2 and 3.
    let two = row(2, "B", "\"a\nb\"");
    let mut bad = format!("{HEADER}\n{two}\n").into_bytes();
    bad.extend(
        row(3, "C", "X@Y")
            .bytes()
            .map(|b| if b == b'@' { 0xff } else { b }),
    );
    let e = err(&bad);
    assert_eq!(at(&e), (4, 15));
    assert!(e.message.contains("UTF-8"), "{}", e.message);
    // A UTF-8 character split across two fields is invalid in the first of them.
    let mut bad = format!("{HEADER}\r\n").into_bytes();
    let r = row(3, "C@", "o").replace("@,Basic", "\u{e9}Basic");
    let at_e9 = r.find('\u{e9}').unwrap();
    bad.extend_from_slice(&r.as_bytes()[..at_e9 + 1]);
    bad.push(b',');
    bad.extend_from_slice(&r.as_bytes()[at_e9 + 1..]);
    let e = err(&bad);
    assert_eq!(at(&e), (2, 2));
    // Unterminated quote at the end of input: reported at the line the record starts.
    let e = err(format!("{HEADER}\n{good}\n1,A,\"Basic\nOV,5").as_bytes());
    assert_eq!(at(&e), (3, 3));
    assert!(e.message.contains("not closed"), "{}", e.message);
    // Blank id / value (the JSON decoder refuses them too).
    let e = err(format!("{HEADER}\n{}\n", good.replacen("1,", " ,", 1)).as_bytes());
    assert_eq!(at(&e), (2, 1));
    let e = err(format!("{HEADER}\n{}\n", good.replacen(",A,", ",\" \",", 1)).as_bytes());
    assert_eq!(at(&e), (2, 2));
}

#[test]
fn integers_outside_the_safe_range_are_row_errors() {
    let max = row(9_007_199_254_740_991, "A", "o");
    // The id (field 1) and no_of_fqdns (field 4, in a row with a quoted cell so csv_core
    // reads it, not the fast path), as numbers and as other integer texts.
    for (line, at_col, name) in [
        (row(9_007_199_254_740_992, "B", "o"), 1, "id"),
        (row(-9_007_199_254_740_992, "B", "o"), 1, "id"),
        (
            row(1, "B", "o").replacen(",5,", ",9007199254740993,", 1),
            4,
            "no_of_fqdns",
        ),
        (
            row(1, "B", "\"o\"").replacen(",5,", ",9999999999999999,", 1),
            4,
            "no_of_fqdns",
        ),
        (
            row(1, "B", "o").replacen(",5,", ",1e300,", 1),
            4,
            "no_of_fqdns",
        ),
        (
            row(1, "B", "o").replacen(",5,", ",\" 9007199254740993.0 \",", 1),
            4,
            "no_of_fqdns",
        ),
        (
            row(1, "B", "o").replacen(",5,", ",99999999999999999,", 1),
            4,
            "no_of_fqdns",
        ),
    ] {
        let input = format!("{HEADER}\n{max}\n{line}\n");
        for fast in [true, false] {
            let o = run_mode(&[input.as_bytes()], false, fast);
            let e = o.result.clone().expect_err(&line);
            assert_eq!((e.kind, at(&e)), (ErrorKind::Csv, (3, at_col)), "{line}");
            assert!(e.message.contains(name), "{}", e.message);
            assert!(e.message.contains("safe integer range"), "{}", e.message);
            assert_eq!(o.records.len(), 1);
            assert_eq!(o.records[0].id, 9_007_199_254_740_991);
            // Lenient mode: the same error, beside the good row.
            let o = run_mode(&[input.as_bytes()], true, fast);
            assert_eq!(o.errors, [e]);
            assert_eq!(o.json, json_of(&o.records));
            // The column batches refuse it too.
            let mut p = CsvParser::new(false);
            let mut cols = Columns::default();
            assert!(p.push_columns(input.as_bytes(), &mut cols).is_err());
        }
    }
    let mut p = CsvParser::new(false);
    let mut cols = Columns::default();
    assert_eq!(
        p.push_columns(format!("{HEADER}\n{max}\n").as_bytes(), &mut cols)
            .unwrap(),
        1
    );
    assert_eq!(cols.nums[0], 9_007_199_254_740_991.0);
}

#[test]
fn lenient_mode_keeps_good_rows_and_reports_bad_ones() {
    let input = format!(
        "{HEADER}\n{}\n{}\n1,2\n{}\n{}\n\"open",
        row(1, "A", "o"),
        row(2, "B", "o").replacen(",7,", ",seven,", 1),
        row(3, "C", "o"),
        row(4, "D", "\"multi\nline\""),
    );
    let p = parse(input.as_bytes(), true).unwrap();
    let ids: Vec<i64> = p.records.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 3, 4]);
    let at: Vec<(u64, u64)> = p.errors.iter().map(at).collect();
    assert_eq!(at, [(3, 11), (4, 3), (8, 1)]);
    // Strict mode stops at the first one and stays failed.
    let mut s = CsvParser::new(false);
    let e = s.push(input.as_bytes()).unwrap_err();
    assert_eq!(self::at(&e), (3, 11));
    assert_eq!(s.take_records().len(), 1);
    assert_eq!(s.push(b"x").unwrap_err(), e);
    assert_eq!(s.finish().unwrap_err(), e);
}

/// A header, then `n` rows: every `every`-th one good (id = its row number), the others one
/// bad field (`x`).
fn mostly_bad(n: usize, every: usize) -> String {
    let mut s = format!("{HEADER}\n");
    for i in 0..n {
        if i % every == 0 {
            s.push_str(&row(i as i64, "V", "o"));
        } else {
            s.push('x');
        }
        s.push('\n');
    }
    s
}

#[test]
fn collected_errors_keep_the_first_thousand_by_default() {
    let input = mostly_bad(5000, 10);
    for fast in [true, false] {
        let o = run_mode(&[input.as_bytes()], true, fast);
        assert_eq!(o.result, Ok(()));
        assert_eq!(o.records.len(), 500, "good rows are unaffected");
        assert_eq!(o.errors.len(), 1000);
        // The first ones, in input order: row i is on line i + 2.
        assert_eq!(at(&o.errors[0]), (3, 2));
        assert_eq!(at(&o.errors[999]), (1113, 2));
    }
}

#[test]
fn the_bound_of_kept_errors_is_configurable_and_the_rest_are_counted() {
    let input = mostly_bad(3000, 3);
    let whole = parse(input.as_bytes(), true).unwrap();
    assert_eq!(whole.error_count, 2000);
    assert_eq!(whole.errors.len(), DEFAULT_MAX_ERRORS);
    for max in [0, 1, 7, 1999, 2000, 5000] {
        let mut p = CsvParser::with_max_errors(true, max);
        let mut errors = Vec::new();
        let mut records = 0;
        for piece in input.as_bytes().chunks(777) {
            p.push(piece).unwrap();
            errors.extend(p.take_errors());
            records += p.take_records().len();
            assert!(errors.len() <= max);
        }
        p.finish().unwrap();
        errors.extend(p.take_errors());
        records += p.take_records().len();
        assert_eq!(records, 1000, "good rows are unaffected (max {max})");
        assert_eq!(errors.len(), max.min(2000));
        assert_eq!(p.error_count(), 2000);
        assert_eq!(errors[..], whole_errors(&input)[..max.min(2000)]);
    }
    // Strict mode counts the bad row it returns; header errors are not bad rows.
    let mut p = CsvParser::with_max_errors(false, 0);
    assert!(p.push(input.as_bytes()).is_err());
    assert_eq!(p.error_count(), 1);
    let mut p = CsvParser::new(true);
    assert!(p.push(b"not,a,header\n1,2,3\n").is_err());
    assert_eq!(p.error_count(), 0);
    assert_eq!(parse(input.as_bytes(), false).unwrap_err().line, Some(3));
    let ok = parse(format!("{HEADER}\n{}", row(1, "A", "o")).as_bytes(), true).unwrap();
    assert_eq!((ok.errors.len(), ok.error_count), (0, 0));
}

/// Every bad row of `input`, with no bound.
fn whole_errors(input: &str) -> Vec<Error> {
    let mut p = CsvParser::with_max_errors(true, usize::MAX);
    p.push(input.as_bytes()).unwrap();
    p.finish().unwrap();
    p.take_errors()
}

#[test]
fn bad_rows_past_the_bound_allocate_nothing() {
    // 300,000 one-field rows used to keep 300,000 errors (about 850 MB in the browser).
    let many = "x\n".repeat(300_000);
    let mut p = CsvParser::new(true);
    p.push(format!("{HEADER}\n").as_bytes()).unwrap();
    p.push(many.as_bytes()).unwrap();
    p.finish().unwrap();
    assert_eq!(p.take_errors().len(), DEFAULT_MAX_ERRORS);
    assert_eq!(p.error_count(), 300_000);
    // Past the bound, 1,000 bad rows and 100,000 cost the same allocations (none).
    let mut p = CsvParser::with_max_errors(true, 0);
    p.push(format!("{HEADER}\n").as_bytes()).unwrap();
    let (some, lots) = ("x\n".repeat(1000), "x\n".repeat(100_000));
    let a = crate::test_support::allocations(|| p.push(some.as_bytes()).unwrap());
    let b = crate::test_support::allocations(|| p.push(lots.as_bytes()).unwrap());
    assert_eq!((a, b), (0, 0));
    assert_eq!(p.error_count(), 101_000);
    assert!(p.take_errors().is_empty());
}

/// A header and up to 40 rows, each good, bad in some way, or blank.
fn rows_of_all_kinds(rng: &mut Rng) -> Vec<u8> {
    let mut s = format!("{HEADER}\n").into_bytes();
    for i in 0..rng.below(40) {
        let good = row(i as i64, "V", "o");
        let line = match rng.below(8) {
            0 | 1 => good,
            2 => "x".to_owned(),
            3 => good.replacen(",5,", ",five,", 1),
            4 => format!("{good},extra"),
            5 => good.replacen(",V,", ",\" \",", 1),
            6 => String::new(),
            _ => good.replacen("o,", "\"q\nuoted\",", 1),
        };
        s.extend_from_slice(line.as_bytes());
        s.extend_from_slice(rng.pick(&[&b"\n"[..], b"\r\n", b"\r"]));
    }
    if rng.chance(20) {
        s.extend_from_slice(b"1,\"open");
    }
    if rng.chance(10) {
        s.extend(garbage(rng));
    }
    s
}

#[test]
fn property_bounded_errors_are_a_prefix_of_the_unbounded_ones() {
    let mut rng = Rng::new(0x5eed_e770);
    let mut cut = 0;
    for case in 0..1500 {
        let input = if rng.chance(50) {
            rows_of_all_kinds(&mut rng)
        } else {
            garbage(&mut rng)
        };
        let max = rng.pick(&[0usize, 1, 2, 3, 5, 10, 40]);
        let run = |max: usize, pieces: &[&[u8]]| {
            let mut p = CsvParser::with_max_errors(true, max);
            let (records, errors, result) = drive(&mut p, pieces);
            (records, errors, result, p.error_count())
        };
        let (all_records, all_errors, all_result, all_count) = run(usize::MAX, &[&input]);
        assert_eq!(all_count, all_errors.len() as u64, "case {case}");
        let pieces = chunks(&mut rng, &input);
        let (records, errors, result, count) = run(max, &pieces);
        let show = String::from_utf8_lossy(&input);
        assert_eq!(records, all_records, "case {case}: {show:?}");
        assert_eq!(result, all_result, "case {case}: {show:?}");
        assert_eq!(count, all_count, "case {case}: {show:?}");
        let kept = all_errors.len().min(max);
        assert_eq!(errors[..], all_errors[..kept], "case {case}: {show:?}");
        cut += usize::from(all_errors.len() > max);
    }
    assert!(cut > 300, "only {cut} cases had errors past the bound");
}

#[test]
fn progress_counters_and_json_batches() {
    let input = format!(
        "\u{feff}{HEADER}\n{}\n{}",
        row(1, "A", "o"),
        row(2, "B", "o")
    );
    let mut p = CsvParser::new(false);
    let mut out = String::new();
    let half = input.find("\n2,").unwrap() + 5;
    assert_eq!(p.push_json(&input.as_bytes()[..half], &mut out).unwrap(), 1);
    assert_eq!(p.rows_emitted(), 1);
    assert_eq!(p.bytes_consumed(), half as u64);
    let mut tail = String::new();
    assert_eq!(
        p.push_json(&input.as_bytes()[half..], &mut tail).unwrap(),
        0
    );
    assert_eq!(tail, "[]");
    assert_eq!(p.finish_json(&mut tail).unwrap(), 1);
    assert_eq!(p.bytes_consumed(), input.len() as u64);
    let all = ok(&input);
    assert_eq!(out, serde_json::to_string(&all[..1]).unwrap());
    assert_eq!(
        tail,
        format!("[]{}", serde_json::to_string(&all[1..]).unwrap())
    );
    assert!(p.push(b"more").is_err());
    // Mixing: records queued by push() come first in the next JSON batch.
    let mut p = CsvParser::new(false);
    p.push(format!("{HEADER}\n{}\n", row(1, "A", "o")).as_bytes())
        .unwrap();
    let mut out = String::new();
    p.push_json(format!("{}\n", row(2, "B", "o")).as_bytes(), &mut out)
        .unwrap();
    assert_eq!(out, serde_json::to_string(&all).unwrap());
    // A failing JSON batch leaves `out` alone.
    let mut p = CsvParser::new(false);
    let mut out = String::from("keep");
    assert!(p
        .push_json(
            format!("{HEADER}\n{}\nx\n", row(1, "A", "o")).as_bytes(),
            &mut out
        )
        .is_err());
    assert_eq!(out, "keep");
}

// ---------------------------------------------------------------------------------------
// Property tests with a small seeded PRNG.

const HOSTILE: &[&str] = &[
    "a", "Z", "0", "7", ",", "\"", "\"\"", "\r", "\n", "\r\n", " ", "\t", "é", "€", "😀", "\\",
    "<script>", "\u{3000}", "\u{0}", "\u{1f}", "\u{7f}", "\u{2028}", "\u{feff}", "'", ";",
];

fn hostile_text(rng: &mut Rng) -> String {
    let n = rng.below(12);
    let mut s: String = (0..n).map(|_| rng.pick(HOSTILE)).collect();
    if crate::lenient::is_blank(&s) {
        s.push_str(rng.pick(&["x", "é", "\"", ","]));
    }
    s
}

fn gen_text(rng: &mut Rng) -> Option<String> {
    rng.chance(70).then(|| hostile_text(rng))
}

fn gen_int(rng: &mut Rng) -> Option<i64> {
    rng.chance(80).then(|| match rng.below(4) {
        0 => rng.below(10) as i64,
        // Up to 2^53 - 1 either way: integers outside JS's safe range are refused.
        1 => rng.next() as i64 >> (11 + rng.below(53)),
        2 => -(rng.below(1000) as i64),
        _ => rng.below(1_000_000_000) as i64,
    })
}

/// A random record: each field of the declaration by its rule (through the record's serde
/// form, so a new field needs nothing here).
fn gen_record(rng: &mut Rng) -> UsedVoucherCode {
    let mut obj = serde_json::Map::new();
    for f in row::FIELDS {
        let v: serde_json::Value = match (row::is_int(f.kind), f.kind.required()) {
            (true, true) => gen_int(rng).unwrap_or(1).into(),
            (true, false) => gen_int(rng).into(),
            (false, true) => hostile_text(rng).into(),
            (false, false) => gen_text(rng).into(),
        };
        obj.insert(f.name.into(), v);
    }
    serde_json::from_value(obj.into()).unwrap()
}

/// The cells of a record in [`COLUMNS`] order, as the CSV may write them.
fn cells(rng: &mut Rng, r: &UsedVoucherCode) -> Vec<String> {
    let blank = |rng: &mut Rng| rng.pick(&["", " ", "  ", "\t", "\u{3000}"]).to_string();
    let v = serde_json::to_value(r).unwrap();
    row::FIELDS
        .iter()
        .map(|f| match &v[f.name] {
            serde_json::Value::Null => blank(rng),
            serde_json::Value::String(s) => s.clone(),
            n => {
                let v = n.as_i64().unwrap();
                match rng.below(6) {
                    0 => format!(" {v} "),
                    1 if v >= 0 => format!("+{v}"),
                    2 if (0..1 << 40).contains(&v) => format!("0{v}"),
                    3 if v.unsigned_abs() < 1 << 50 => format!("{v}.0"),
                    _ => v.to_string(),
                }
            }
        })
        .collect()
}

fn quote(rng: &mut Rng, s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) || rng.chance(20) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV document for `records`: random column order, extra columns, line endings, blank
/// lines, BOM and final newline.
fn render(rng: &mut Rng, records: &[UsedVoucherCode]) -> Vec<u8> {
    let extra = rng.below(3);
    let mut order: Vec<usize> = (0..COLUMNS.len() + extra).collect();
    if rng.chance(50) {
        for k in (1..order.len()).rev() {
            order.swap(k, rng.below(k + 1));
        }
    }
    let eol = |rng: &mut Rng| rng.pick(&["\n", "\r\n", "\r"]);
    let mut s = String::new();
    if rng.chance(30) {
        s.push('\u{feff}');
    }
    let header: Vec<String> = order
        .iter()
        .map(|&k| match COLUMNS.get(k) {
            Some(c) => quote(rng, c),
            None => format!("extra{k}"),
        })
        .collect();
    s.push_str(&header.join(","));
    for r in records {
        s.push_str(eol(rng));
        if rng.chance(5) {
            s.push_str(rng.pick(&["", " ", "\t ", "\"\""]));
            s.push_str(eol(rng));
        }
        let c = cells(rng, r);
        let fields: Vec<String> = order
            .iter()
            .map(|&k| match c.get(k) {
                Some(v) => quote(rng, v),
                None => {
                    let t = hostile_text(rng);
                    quote(rng, &t)
                }
            })
            .collect();
        s.push_str(&fields.join(","));
    }
    if rng.chance(50) {
        s.push_str(eol(rng));
    }
    s.into_bytes()
}

/// Random chunk boundaries: mostly small, sometimes 1 byte each.
pub(crate) fn chunks<'a>(rng: &mut Rng, input: &'a [u8]) -> Vec<&'a [u8]> {
    let max = rng.pick(&[1usize, 2, 7, 64, 1000]);
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = (1 + rng.below(max)).min(rest.len());
        let (a, b) = rest.split_at(n);
        out.push(a);
        rest = b;
    }
    out
}

/// Everything a run gives, for comparisons.
#[derive(Debug, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) records: Vec<UsedVoucherCode>,
    pub(crate) errors: Vec<Error>,
    pub(crate) result: Result<(), Error>,
    pub(crate) json: String,
}

/// Runs a parser over `pieces`, collecting records, errors and the JSON of a twin parser.
pub(crate) fn run(pieces: &[&[u8]], collect_errors: bool) -> Outcome {
    run_mode(pieces, collect_errors, true)
}

/// [`run`], with or without the plain-line fast path.
pub(crate) fn run_mode(pieces: &[&[u8]], collect_errors: bool, fast: bool) -> Outcome {
    let new = || {
        let p = CsvParser::new(collect_errors);
        if fast {
            p
        } else {
            p.without_fast_path()
        }
    };
    let mut p = new();
    let (records, errors, result) = drive(&mut p, pieces);
    assert!(p.rows_emitted() == records.len() as u64);
    // The JSON twin: same records, as concatenated batches.
    let mut q = new();
    let mut json = String::from("[]");
    let mut jresult = Ok(());
    for c in pieces {
        let mut batch = String::new();
        jresult = q.push_json(c, &mut batch).map(|_| ());
        if jresult.is_err() {
            break;
        }
        json::join_arrays(&mut json, &batch);
    }
    if jresult.is_ok() {
        let mut batch = String::new();
        jresult = q.finish_json(&mut batch).map(|_| ());
        json::join_arrays(&mut json, &batch);
    }
    assert_eq!(jresult, result);
    assert_eq!(q.take_errors(), errors);
    // After a strict failure the JSON holds the batches pushed before the failing one, which
    // depends on the chunking: only a successful run's JSON is compared.
    if result.is_err() {
        json.clear();
    }
    Outcome {
        records,
        errors,
        result,
        json,
    }
}

fn json_of(records: &[UsedVoucherCode]) -> String {
    serde_json::to_string(records).unwrap()
}

#[test]
fn property_generated_csv_roundtrips_in_any_chunking() {
    let mut rng = Rng::new(0x5eed_c5f0);
    for case in 0..2000 {
        let n = rng.below(6);
        let records: Vec<UsedVoucherCode> = (0..n).map(|_| gen_record(&mut rng)).collect();
        let input = render(&mut rng, &records);
        let whole = run(&[&input], false);
        assert_eq!(
            whole.result,
            Ok(()),
            "case {case}: {:?}",
            String::from_utf8_lossy(&input)
        );
        assert_eq!(
            whole.records,
            records,
            "case {case}: {:?}",
            String::from_utf8_lossy(&input)
        );
        assert_eq!(whole.json, json_of(&records), "case {case}");
        for _ in 0..2 {
            let pieces = chunks(&mut rng, &input);
            let got = run(&pieces, rng.chance(50));
            assert_eq!(got.records, records, "case {case}");
            assert_eq!(got.json, whole.json, "case {case}");
            assert!(got.errors.is_empty() && got.result.is_ok(), "case {case}");
        }
        let ones: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(run(&ones, false), whole, "case {case}");
    }
}

/// Random bytes biased towards CSV syntax, the header and UTF-8 edge cases.
pub(crate) fn garbage(rng: &mut Rng) -> Vec<u8> {
    const TOKENS: &[&[u8]] = &[
        b",",
        b"\"",
        b"\r",
        b"\n",
        b"\r\n",
        b" ",
        b"1",
        b"42",
        b"-",
        b"x",
        b"abc",
        b"\xc3\xa9",
        b"\xc3",
        b"\xa9",
        b"\xff",
        b"\xef\xbb\xbf",
        b"\xf0\x9f\x98\x80",
        b"\x00",
        b"1.5",
        b"99999999999999999999",
        b"\"\"",
    ];
    let mut out = Vec::new();
    if rng.chance(70) {
        if rng.chance(20) {
            out.extend_from_slice(b"\xef\xbb\xbf");
        }
        out.extend_from_slice(HEADER.as_bytes());
        out.extend_from_slice(rng.pick(&[&b"\n"[..], b"\r\n", b"\r", b",x\n"]));
    }
    let rows = rng.below(5);
    for _ in 0..rows {
        let good = rng.chance(50);
        let nf = if good { 21 } else { rng.below(25) };
        for f in 0..nf {
            if f > 0 {
                out.push(b',');
            }
            if good && rng.chance(70) {
                out.extend_from_slice(rng.pick(&[&b"1"[..], b"A", b"\" \"", b"", b"x y"]));
            } else {
                for _ in 0..rng.below(4) {
                    out.extend_from_slice(rng.pick(TOKENS));
                }
            }
        }
        out.extend_from_slice(rng.pick(&[&b"\n"[..], b"\r\n", b"\r", b""]));
    }
    if rng.chance(10) {
        for _ in 0..rng.below(40) {
            out.push(rng.next() as u8);
        }
    }
    out
}

/// The invariants the fuzz target checks, for one input.
pub(crate) fn check_invariants(rng: &mut Rng, input: &[u8]) {
    let strict = run(&[input], false);
    let lenient = run(&[input], true);
    for _ in 0..2 {
        let pieces = chunks(rng, input);
        assert_eq!(
            run(&pieces, false),
            strict,
            "{:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(
            run(&pieces, true),
            lenient,
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
    for o in [&strict, &lenient] {
        if o.result.is_ok() {
            assert_eq!(o.json, json_of(&o.records));
        }
    }
    assert!(strict.errors.is_empty());
    for e in lenient.errors.iter().chain(strict.result.as_ref().err()) {
        assert_eq!(e.kind, ErrorKind::Csv);
        assert!(e.line.unwrap() >= 1 && e.column.unwrap() >= 1, "{e:?}");
    }
    match &strict.result {
        Ok(()) => {
            assert_eq!(lenient.result, Ok(()));
            assert!(lenient.errors.is_empty());
            assert_eq!(lenient.records, strict.records);
        }
        Err(e) => match &lenient.result {
            Err(le) => assert_eq!(le, e),
            Ok(()) => {
                assert_eq!(lenient.errors.first(), Some(e));
                assert!(lenient.records.starts_with(&strict.records));
            }
        },
    }
}

#[test]
fn fuzz_smoke_random_inputs() {
    let mut rng = Rng::new(42);
    for _ in 0..2000 {
        let input = garbage(&mut rng);
        check_invariants(&mut rng, &input);
    }
}

#[test]
fn hostile_shapes_do_not_panic() {
    let mut rng = Rng::new(7);
    let many_commas = format!("{HEADER}\n{}\n", ",".repeat(100_000));
    let wide_header = ",".repeat(MAX_HEADER_FIELDS + 10);
    let long_quote = format!("{HEADER}\n\"{}", "x".repeat(100_000));
    for input in [
        many_commas.as_bytes(),
        wide_header.as_bytes(),
        long_quote.as_bytes(),
        b"\xef\xbb",
        b"\xef\xbb\xbf",
        b"\"",
        b"\xff\xfe",
    ] {
        check_invariants(&mut rng, input);
    }
    assert_eq!(
        at(&parse(many_commas.as_bytes(), true).unwrap().errors[0]),
        (2, 22)
    );
    assert!(parse(wide_header.as_bytes(), true)
        .unwrap_err()
        .message
        .contains("more than"));
}

/// Exports dominated by simple lines (the fast path's case), with the shapes it must pass
/// on or get right: wrong field counts, blank and white-space lines, CR and CRLF line ends,
/// quotes, invalid UTF-8, bad numbers.
fn mostly_plain(rng: &mut Rng) -> Vec<u8> {
    const CELLS: &[&[u8]] = &[
        b"1",
        b"42",
        b"A",
        b"",
        b" ",
        b"x y",
        b"\xc3\xa9t\xc3\xa9",
        b"\xff",
        b"\xc3",
        b"99999999999999999999",
        b"-3",
        b"1.5",
        b"abc",
        b"\"q,\"",
        b"2024-01-02 03:04:05",
        b"\"2024-01-02 03:04:05\"",
        b"\" \"",
        b"\"\"",
        b"\"Example, Inc.\"",
        b"\"say \"\"hi\"\"\"",
        b"\"a\"b",
        b"a\"b",
        b"\"two\nlines\"",
        b"\"cr\r\"",
        b"\"\xc3\xa9\"",
        b"\"unterminated",
    ];
    let mut out = Vec::new();
    if rng.chance(10) {
        out.extend_from_slice(b"\xef\xbb\xbf");
    }
    out.extend_from_slice(HEADER.as_bytes());
    out.extend_from_slice(rng.pick(&[&b"\n"[..], b"\r\n", b"\r"]));
    for _ in 0..rng.below(12) {
        let nf = if rng.chance(80) { 21 } else { rng.below(24) };
        for f in 0..nf {
            if f > 0 {
                out.push(b',');
            }
            if rng.chance(60) {
                out.extend_from_slice(if f == 1 { b"CODE" } else { b"7" });
            } else {
                out.extend_from_slice(rng.pick(CELLS));
            }
        }
        out.extend_from_slice(rng.pick(&[
            &b"\n"[..],
            b"\n",
            b"\n",
            b"\r\n",
            b"\r",
            b"\n\n",
            b"\n  \n",
        ]));
    }
    out
}

#[test]
fn the_plain_line_fast_path_equals_csv_core() {
    let mut rng = Rng::new(0xfa57_11e5);
    let mut plain_lines = 0;
    for case in 0..1200 {
        let input = match case % 3 {
            0 => garbage(&mut rng),
            1 => mostly_plain(&mut rng),
            _ => {
                let n = rng.below(6);
                let records: Vec<UsedVoucherCode> = (0..n).map(|_| gen_record(&mut rng)).collect();
                render(&mut rng, &records)
            }
        };
        let mut p = CsvParser::new(true);
        if p.push(&input).is_ok() {
            plain_lines += p.plain_lines;
        }
        for collect in [false, true] {
            let slow = run_mode(&[&input], collect, false);
            let show = || String::from_utf8_lossy(&input).into_owned();
            assert_eq!(
                run_mode(&[&input], collect, true),
                slow,
                "case {case}: {:?}",
                show()
            );
            let pieces = chunks(&mut rng, &input);
            assert_eq!(
                run_mode(&pieces, collect, true),
                slow,
                "case {case}: {:?}",
                show()
            );
        }
    }
    // The fast path did read lines (so the comparison is not of csv_core with itself).
    assert!(plain_lines > 2000, "{plain_lines}");
}

/// Pushes `pieces` into `p` (stopping at a strict failure), then finishes it: the records,
/// the collected bad rows and the outcome.
fn drive(
    p: &mut CsvParser,
    pieces: &[&[u8]],
) -> (Vec<UsedVoucherCode>, Vec<Error>, Result<(), Error>) {
    let (mut records, mut errors, mut result) = (Vec::new(), Vec::new(), Ok(()));
    for c in pieces {
        result = p.push(c);
        records.extend(p.take_records());
        errors.extend(p.take_errors());
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = p.finish();
        records.extend(p.take_records());
        errors.extend(p.take_errors());
    }
    (records, errors, result)
}
