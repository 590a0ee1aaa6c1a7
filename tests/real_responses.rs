//! Real CertCentral response bodies (`tests/fixtures/real-responses/`, sources in its
//! README.md) through both decode paths: each endpoint's serde `decode` and the transcoder
//! the wasm client runs (`transcode::*`), served at the endpoint each body stands in for.
//! Every body must decode, both paths must give the same JSON value, and the facts each body
//! was kept for must hold.

// The fuzz invariants (agreement, round trip, dedupe law, the page made from the request),
// as `tests/decode_smoke.rs` uses them.
#[path = "../fuzz/fuzz_targets/checks.rs"]
mod checks;

use certcentral_wasm::api::reissues::{self, ReissueList, ReissueOptions};
use certcentral_wasm::api::subaccount_orders::{self, SubaccountOrderList};
use certcentral_wasm::api::used_codes::{self, UsedVoucherCode, UsedVoucherCodeList, COLUMNS};
use certcentral_wasm::api::voucher_order::{self, VoucherOrder};
use certcentral_wasm::api::{decode_error_body, Page};
use certcentral_wasm::error::ApiErrorEntry;
use certcentral_wasm::retry::{Outcome, RetryPolicy};
use certcentral_wasm::{csv, transcode};
use serde_json::Value;

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("fixtures/real-responses/", $name)),
        )
    };
}

const J1_EMPTY_LIMIT1: (&str, &str) = fixture!("j1_order_certificate_empty_limit1.json");
const J1_EMPTY_DEFAULT: (&str, &str) = fixture!("j1_order_certificate_empty_default.json");
const J1_ERROR_403: (&str, &str) = fixture!("j1_error_403_invalid_key.json");
const J1_DOMAINS: (&str, &str) = fixture!("j1_domain_list_include_validation.json");
const VAREVERSAT_ORDERS: (&str, &str) = fixture!("vareversat_order_certificate_list.json");
const RIBOSE_ORDERS: (&str, &str) = fixture!("ribose_orders.json");
const RIBOSE_ORDER: (&str, &str) = fixture!("ribose_order.json");
const RIBOSE_DUPLICATIONS: (&str, &str) = fixture!("ribose_order_duplications.json");
const RIBOSE_ERRORS_OBJECT: (&str, &str) = fixture!("ribose_errors_object.json");
const DOCS_REISSUES: (&str, &str) = fixture!("docs_list_reissues_v2023_first.json");
const DOCS_429: (&str, &str) = fixture!("docs_rate_limit_429.json");
const DOCS_VOUCHER_ORDER: (&str, &str) = fixture!("docs_create_voucher_order_201.json");
const DOCS_CODES_JSON: (&str, &str) = fixture!("docs_voucher_download_codes.json");
const DOCS_CODES_CSV: (&str, &str) = fixture!("docs_voucher_download_codes.csv");

const ALL: [(&str, &str); 14] = [
    J1_EMPTY_LIMIT1,
    J1_EMPTY_DEFAULT,
    J1_ERROR_403,
    J1_DOMAINS,
    VAREVERSAT_ORDERS,
    RIBOSE_ORDERS,
    RIBOSE_ORDER,
    RIBOSE_DUPLICATIONS,
    RIBOSE_ERRORS_OBJECT,
    DOCS_REISSUES,
    DOCS_429,
    DOCS_VOUCHER_ORDER,
    DOCS_CODES_JSON,
    DOCS_CODES_CSV,
];

// -- the two paths -------------------------------------------------------------------------------

/// Numbers as f64 bits, so `198` and `198.0` agree and `-0` and `0` do not (as the fuzz checks
/// and `src/transcode/tests.rs` compare).
fn norm(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::String(format!("num:{:x}", n.as_f64().unwrap().to_bits())),
        Value::Array(a) => Value::Array(a.into_iter().map(norm).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, norm(v))).collect()),
        other => other,
    }
}

/// The serde result and the transcoder's text are the same JSON value; the transcoder's value.
fn agree<T: serde::Serialize>(name: &str, serde: &T, transcoded: &str) -> Value {
    let a = serde_json::to_value(serde).unwrap();
    let b: Value = serde_json::from_str(transcoded)
        .unwrap_or_else(|e| panic!("{name}: transcoder output is not JSON ({e}): {transcoded}"));
    assert_eq!(
        norm(a),
        norm(b.clone()),
        "{name}: serde and the transcoder disagree"
    );
    b
}

/// A subaccount-orders body requested at `offset`, through `decode`, `subaccount_orders` and
/// the pagers' `subaccount_orders_page`.
fn orders(name: &str, body: &str, offset: i64) -> (SubaccountOrderList, Value) {
    let typed = subaccount_orders::decode(body, offset)
        .unwrap_or_else(|e| panic!("{name}: serde decode failed: {e:?}"));
    let text = transcode::subaccount_orders(body, offset)
        .unwrap_or_else(|e| panic!("{name}: transcoder failed: {e:?}"));
    let v = agree(name, &typed, &text);

    let page = transcode::subaccount_orders_page(body, offset)
        .unwrap_or_else(|e| panic!("{name}: page transcoder failed: {e:?}"));
    assert_eq!(page.page, typed.page, "{name}: page");
    assert_eq!(page.len, typed.orders.len(), "{name}: len");
    assert_eq!(page.ends.len(), page.len, "{name}: ends");
    let arr: Value = serde_json::from_str(&page.json).unwrap();
    assert_eq!(arr, v["orders"], "{name}: the page's array");
    // `collectSubaccountOrders` cuts a page after any record with `ends`.
    for (k, &end) in page.ends.iter().enumerate() {
        let cut: Vec<Value> = serde_json::from_str(&format!("{}]", &page.json[..end])).unwrap();
        assert_eq!(cut.len(), k + 1, "{name}: cut after record {k}");
    }

    let mut data = offset.to_le_bytes().to_vec();
    data.extend_from_slice(body.as_bytes());
    checks::subaccount_orders(&data);
    (typed, v)
}

/// A reissue-list body, raw or de-duplicated by serial number.
fn reissue_list(name: &str, body: &str, dedupe: bool) -> (ReissueList, Value) {
    let opts = ReissueOptions {
        show_archived: Some(true),
        dedupe_by_serial: Some(dedupe),
    };
    let typed = reissues::decode(body, &opts)
        .unwrap_or_else(|e| panic!("{name}: serde decode failed: {e:?}"));
    let text = transcode::reissues(body, dedupe)
        .unwrap_or_else(|e| panic!("{name}: transcoder failed: {e:?}"));
    let v = agree(name, &typed, &text);
    checks::reissues(body.as_bytes());
    (typed, v)
}

fn voucher(name: &str, body: &str) -> (VoucherOrder, Value) {
    let typed = voucher_order::decode(body)
        .unwrap_or_else(|e| panic!("{name}: serde decode failed: {e:?}"));
    let text = transcode::voucher_order(body)
        .unwrap_or_else(|e| panic!("{name}: transcoder failed: {e:?}"));
    let v = agree(name, &typed, &text);
    checks::voucher_order(body.as_bytes());
    (typed, v)
}

fn codes(name: &str, body: &str) -> (UsedVoucherCodeList, Value) {
    let typed =
        used_codes::decode(body).unwrap_or_else(|e| panic!("{name}: serde decode failed: {e:?}"));
    let text =
        transcode::used_codes(body).unwrap_or_else(|e| panic!("{name}: transcoder failed: {e:?}"));
    let v = agree(name, &typed, &text);
    checks::used_codes(body.as_bytes());
    (typed, v)
}

/// An error body's entries: `decode_error_body` (serde) and `error_entries` (what the wasm
/// client's `http` errors carry) agree.
fn error_entries(name: &str, body: &str) -> Vec<ApiErrorEntry> {
    let a = decode_error_body(body);
    let b = transcode::error_entries(body);
    assert_eq!(a, b, "{name}: serde and the transcoder disagree");
    a
}

fn entry(code: &str, message: &str) -> ApiErrorEntry {
    ApiErrorEntry {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

// -- the fixtures --------------------------------------------------------------------------------

/// Every file of the fixture directory is tested here, and is the text compiled in.
#[test]
fn every_fixture_is_covered() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real-responses");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "README.md")
        .collect();
    on_disk.sort();
    let mut here: Vec<String> = ALL.iter().map(|(n, _)| n.to_string()).collect();
    here.sort();
    assert_eq!(on_disk, here);
    let readme = std::fs::read_to_string(format!("{dir}/README.md")).unwrap();
    for (name, body) in ALL {
        assert_eq!(
            std::fs::read_to_string(format!("{dir}/{name}")).unwrap(),
            body
        );
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} not in README.md"
        );
    }
}

/// Recorded: a list response with only `page` (no `orders` key), `limit` echoing 1.
#[test]
fn j1_empty_page_without_orders_key() {
    for ((name, body), limit) in [(J1_EMPTY_LIMIT1, 1), (J1_EMPTY_DEFAULT, 1000)] {
        assert!(!body.contains("orders"));
        let (l, v) = orders(name, body, 0);
        assert!(l.orders.is_empty(), "{name}");
        assert_eq!(
            l.page,
            Page {
                total: 0,
                limit,
                offset: 0
            },
            "{name}"
        );
        assert_eq!(v["orders"], Value::Array(vec![]), "{name}");
        // The pagers stop at once: an empty page (len 0) of total 0.
        let p = transcode::subaccount_orders_page(body, 0).unwrap();
        assert_eq!(
            (p.json.as_str(), p.len, p.page.total),
            ("[]", 0, 0),
            "{name}"
        );
        assert!(p.ends.is_empty());
    }
}

/// Recorded 403: a `|` sub-code and the server's message.
#[test]
fn j1_403_invalid_key() {
    let (name, body) = J1_ERROR_403;
    assert_eq!(
        error_entries(name, body),
        [entry(
            "access_denied|access_denied_invalid_key",
            "Access denied due to access_denied_invalid_key."
        )]
    );
}

/// Docs 429: the rate-limit error body, and the status retried as the policy says.
#[test]
fn docs_429_rate_limit() {
    let (name, body) = DOCS_429;
    assert_eq!(
        error_entries(name, body),
        [entry(
            "request_limit_exceeded",
            "Service unavailable, please limit request volume"
        )]
    );
    let no_retries = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    let one_retry = RetryPolicy {
        max_retries: 1,
        ..RetryPolicy::default()
    };
    let limited = Outcome::Status(429, None);
    assert_eq!(no_retries.delay_ms(0, limited, 0.5), None);
    let wait = one_retry.delay_ms(0, limited, 0.5).unwrap();
    assert!(wait > 0.0, "a 429 is never retried at once: {wait}");
    assert_eq!(one_retry.delay_ms(1, limited, 0.5), None);
}

/// `"errors"` as an object, not an array (a 404 at `GET /voucher/3`): read as its one entry,
/// so the `http` error keeps the server's code and message.
#[test]
fn ribose_errors_as_an_object() {
    let (name, body) = RIBOSE_ERRORS_OBJECT;
    assert_eq!(
        error_entries(name, body),
        [entry(
            "not_found|route",
            "The specified route was not found."
        )]
    );
}

/// Sanitised real: 10 orders of `GET /order/certificate` served as a subaccount-orders page.
#[test]
fn vareversat_orders_page() {
    let (name, body) = VAREVERSAT_ORDERS;
    let (l, v) = orders(name, body, 0);
    assert_eq!(l.orders.len(), 10);
    // page.total 9 while 10 orders come: kept as sent, and the pagers (which stop when
    // offset + len >= total) stop after this page with all 10.
    assert_eq!(
        l.page,
        Page {
            total: 9,
            limit: 1000,
            offset: 0
        }
    );
    assert!(l.page.offset + l.orders.len() as i64 >= l.page.total);

    // certificate.id above 2^32 stays exact, as an integer, in both outputs.
    let big = &l.orders[2];
    assert_eq!(big.id, 2222);
    assert_eq!(big.certificate.as_ref().unwrap().id, Some(15_164_434_343));
    assert_eq!(
        v["orders"][2]["certificate"]["id"].as_i64(),
        Some(15_164_434_343)
    );
    assert!(v["orders"][2]["certificate"]["id"].is_i64());
    // The transcoder copies the number's text as sent (no float form such as 1.5e10).
    let text = transcode::subaccount_orders(body, 0).unwrap();
    assert!(text.contains("\"id\": 15164434343,"), "{text}");

    // The rejected order has no serial, no expiry.
    assert_eq!(big.status.as_deref(), Some("rejected"));
    let c = big.certificate.as_ref().unwrap();
    assert_eq!(
        (c.serial_number.as_deref(), c.valid_till.as_deref()),
        (None, None)
    );
    assert_eq!(c.thumbprint, None);
    assert!(v["orders"][2]["certificate"]["serial_number"].is_null());
    assert!(v["orders"][2]["certificate"]["valid_till"].is_null());
    assert_eq!(c.dns_names, ["site.toto-example.io"]);

    // Known fields of the first order; unknown objects and scalars around them are dropped.
    let o = &l.orders[0];
    assert_eq!(o.id, 139_941_333);
    let c = o.certificate.as_ref().unwrap();
    assert_eq!(c.id, Some(140_900_444));
    assert_eq!(
        c.serial_number.as_deref(),
        Some("7S5RIKI62FJDKVTGD2YK0MKBCKDF9")
    );
    assert_eq!(c.valid_till.as_deref(), Some("2024-06-15"));
    assert_eq!(c.signature_hash.as_deref(), Some("sha256"));
    let org = o.organization.as_ref().unwrap();
    assert_eq!(
        (org.id, org.name.as_deref()),
        (Some(11_111_111), Some("My Org."))
    );
    let p = o.product.as_ref().unwrap();
    assert_eq!(
        (p.name_id.as_deref(), p.name.as_deref(), p.type_.as_deref()),
        (Some("ssl_basic"), Some("Basic OV"), Some("ssl_certificate"))
    );
    assert_eq!(
        (o.status.as_deref(), o.number_of_sans, o.validity_years),
        (Some("expired"), Some(1), Some(1))
    );
    assert_eq!(o.date_created.as_deref(), Some("2021-06-08T14:59:13+00:00"));
    // Subaccount-only fields are unset: this is an account-level order list.
    for o in &l.orders {
        assert_eq!(o.subaccount, None);
        assert_eq!(o.order_price, None);
        assert!(o.order_prices.is_empty());
        assert_eq!(o.date_issued, None);
    }
    let keys: Vec<&str> = v["orders"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for unknown in [
        "price",
        "is_multi_year_plan",
        "container",
        "order_validity",
        "has_reissues",
    ] {
        assert!(!keys.contains(&unknown), "{unknown} leaked: {keys:?}");
    }
    assert!(v["orders"][0]["certificate"].get("cert_validity").is_none());

    // The two orders with the same certificate id and serial are both kept (no dedupe here).
    let same: Vec<i64> = l
        .orders
        .iter()
        .filter(|o| o.certificate.as_ref().unwrap().id == Some(177_479))
        .map(|o| o.id)
        .collect();
    assert_eq!(same, [10_000_000, 176_250_000]);
    assert_eq!(l.orders[4].number_of_sans, Some(14));
}

/// Docs-derived (2017): certificates without id or serial, `SHA256` upper case, `page.total`
/// 1 with 3 orders.
#[test]
fn ribose_orders_page() {
    let (name, body) = RIBOSE_ORDERS;
    let (l, v) = orders(name, body, 0);
    let ids: Vec<i64> = l.orders.iter().map(|o| o.id).collect();
    assert_eq!(ids, [556_729, 556_730, 556_731]);
    assert_eq!(
        l.page,
        Page {
            total: 1,
            limit: 1000,
            offset: 0
        }
    );
    for o in &l.orders {
        let c = o.certificate.as_ref().unwrap();
        assert_eq!((c.id, c.serial_number.as_deref()), (None, None));
        assert_eq!(c.dns_names, ["digicert.com", "www.digicert.com"]);
        assert_eq!(o.validity_years, Some(3));
        let org = o.organization.as_ref().unwrap();
        assert_eq!(
            (org.id, org.name.as_deref()),
            (Some(117_483), Some("DigiCert, Inc."))
        );
    }
    // Text is kept as sent: no case folding.
    let hashes: Vec<_> = l
        .orders
        .iter()
        .map(|o| o.certificate.as_ref().unwrap().signature_hash.as_deref())
        .collect();
    assert_eq!(hashes, [Some("sha256"), Some("sha256"), Some("SHA256")]);
    assert_eq!(l.orders[2].certificate.as_ref().unwrap().valid_till, None);
    assert_eq!(l.orders[1].status.as_deref(), Some("needs_approval"));
    assert!(v["orders"][0].get("price").is_none());
    assert!(v["orders"][0]["certificate"]["id"].is_null());
}

/// Docs-derived order-info object, wrapped as `{"orders":[<body>]}` with no `page`: an
/// `organization` without `id`, unknown nested objects and arrays of objects, `\/` escapes.
#[test]
fn ribose_order_info_as_a_one_order_page() {
    let (name, body) = RIBOSE_ORDER;
    let wrapped = format!("{{\"orders\":[{body}]}}");
    for offset in [0, 40] {
        let (l, v) = orders(name, &wrapped, offset);
        assert_eq!(l.orders.len(), 1);
        // No `page` sent: made from the request.
        assert_eq!(
            l.page,
            Page {
                total: offset + 1,
                limit: 0,
                offset
            }
        );
        let o = &l.orders[0];
        assert_eq!(o.id, 123_456_789);
        let org = o.organization.as_ref().unwrap();
        assert_eq!(
            (org.id, org.name.as_deref()),
            (None, Some("DigiCert, Inc."))
        );
        assert_eq!(
            v["orders"][0]["organization"],
            serde_json::json!({"id": null, "name": "DigiCert, Inc."})
        );
        let c = o.certificate.as_ref().unwrap();
        assert_eq!(c.id, Some(112_358));
        assert_eq!(
            c.thumbprint.as_deref(),
            Some("7D236B54D19D5EACF0881FAF24D51DFE5D23E945")
        );
        assert_eq!(
            c.serial_number.as_deref(),
            Some("0669D46CAE79EF684A69777490602485")
        );
        assert_eq!(c.common_name.as_deref(), Some("digicert.com"));
        assert_eq!(c.dns_names, ["digicert.com"]);
        assert_eq!(c.valid_till.as_deref(), Some("2015-08-19"));
        assert_eq!(c.organization_units, ["Digicert"]);
        assert_eq!(c.signature_hash.as_deref(), Some("sha256"));
        // `ca_cert.id` is a string id in an object we do not model: skipped, not an error.
        assert!(v["orders"][0]["certificate"].get("ca_cert").is_none());
        assert!(v["orders"][0]["certificate"]
            .get("server_platform")
            .is_none());
        assert!(v["orders"][0].get("requests").is_none());
        assert!(v["orders"][0].get("user_assignments").is_none());
        let p = o.product.as_ref().unwrap();
        assert_eq!(
            (p.name_id.as_deref(), p.type_.as_deref()),
            (Some("ssl_plus"), Some("ssl_certificate"))
        );
        assert_eq!(o.status.as_deref(), Some("approved"));
        assert_eq!(o.date_created.as_deref(), Some("2014-08-19T18:16:07+00:00"));
        assert_eq!((o.number_of_sans, o.validity_years), (None, None));
    }
}

/// Recorded domain list (not served by this client): the real `organization` sub-object,
/// `is_active: "1"` and all, decodes as an order's organization.
#[test]
fn j1_domain_organization_shape() {
    let (name, body) = J1_DOMAINS;
    // As sent, at the orders endpoint: `domains` is an unknown key, so no orders.
    let (l, _) = orders(name, body, 0);
    assert!(l.orders.is_empty());
    assert_eq!(
        l.page,
        Page {
            total: 1,
            limit: 1000,
            offset: 0
        }
    );
    // Its list under the orders key (everything else byte for byte): a domain read as an
    // order keeps `id`, `date_created` and `organization {id, name}`; the rest is skipped.
    let renamed = body.replacen("{\"domains\":", "{\"orders\":", 1);
    assert_ne!(renamed, body);
    let (l, v) = orders(name, &renamed, 0);
    assert_eq!(l.orders.len(), 1);
    let o = &l.orders[0];
    assert_eq!(o.id, 1_587_137);
    assert_eq!(o.date_created.as_deref(), Some("2020-04-26T15:32:47+00:00"));
    let org = o.organization.as_ref().unwrap();
    assert_eq!(
        (org.id, org.name.as_deref()),
        (Some(894_410), Some("Erkang, LLC"))
    );
    assert_eq!(
        v["orders"][0]["organization"],
        serde_json::json!({"id": 894410, "name": "Erkang, LLC"})
    );
    assert_eq!(o.certificate, None);
}

/// Docs-derived duplicates list served as a reissue list: two certificates with the same
/// serial number; the duplicate-primary dedupe keeps the first.
#[test]
fn ribose_duplications_as_reissues() {
    let (name, body) = RIBOSE_DUPLICATIONS;
    let (raw, _) = reissue_list(name, body, false);
    let ids: Vec<i64> = raw.certificates.iter().map(|c| c.id).collect();
    assert_eq!(ids, [1, 2]);
    assert_eq!(
        raw.certificates[0].serial_number,
        raw.certificates[1].serial_number
    );
    let (dd, v) = reissue_list(name, body, true);
    let ids: Vec<i64> = dd.certificates.iter().map(|c| c.id).collect();
    assert_eq!(ids, [1]);
    assert_eq!(v["certificates"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["certificates"][0]["dns_names"],
        serde_json::json!(["*.digicert.com", "digicert.com"])
    );
    let c = &dd.certificates[0];
    assert_eq!(
        c.serial_number.as_deref(),
        Some("0AE71279E5213729026AFE4BB58DE1AB")
    );
    assert_eq!(c.status.as_deref(), Some("approved"));
    assert_eq!(c.valid_till.as_deref(), Some("2015-08-24"));
    assert_eq!(c.key_size, Some(2048));
    // No `archived` sent: unset, not false. `sub_id: "001"` and the rest are dropped.
    assert_eq!(c.archived, None);
    assert!(v["certificates"][0]["archived"].is_null());
    assert!(v["certificates"][0].get("sub_id").is_none());
    assert_eq!(c.date_issued, None);
}

/// Docs (2023 list-reissues page), first certificate: `date_issued` set, `archived: 0`,
/// string counts become numbers.
#[test]
fn docs_reissue_with_date_issued() {
    let (name, body) = DOCS_REISSUES;
    for dedupe in [false, true] {
        let (l, v) = reissue_list(name, body, dedupe);
        assert_eq!(l.certificates.len(), 1);
        let c = &l.certificates[0];
        assert_eq!(c.id, 12345);
        assert_eq!(c.date_issued.as_deref(), Some("2019-04-08T18:31:16+00:00"));
        assert_eq!(c.archived, Some(false));
        assert_eq!(v["certificates"][0]["archived"], Value::Bool(false));
        assert_eq!(c.dns_names, ["sub.example.com", "*.example.org"]);
        assert_eq!(
            (
                c.receipt_id,
                c.purchased_dns_names,
                c.purchased_wildcard_names
            ),
            (Some(1234), Some(2), Some(1))
        );
        assert_eq!(v["certificates"][0]["receipt_id"].as_i64(), Some(1234));
        assert_eq!(
            v["certificates"][0]["purchased_dns_names"].as_i64(),
            Some(2)
        );
        assert_eq!(
            (c.days_remaining, c.key_size, c.user_id),
            (Some(267), Some(2048), Some(1576))
        );
        assert_eq!(c.valid_till.as_deref(), Some("2020-04-08"));
    }
}

/// Docs 201 of `POST /voucher` served as `GET /voucher/25261`: a non-integer cost, no
/// currency / can_cancel / notes, codes whose product is only `{name_id}`.
#[test]
fn docs_voucher_order_with_fractional_cost() {
    let (name, body) = DOCS_VOUCHER_ORDER;
    let (o, v) = voucher(name, body);
    assert_eq!(o.id, 25261);
    assert_eq!(o.cost, Some(10039.9));
    assert_eq!(v["cost"].as_f64(), Some(10039.9));
    assert!(v["cost"].is_f64());
    let text = transcode::voucher_order(body).unwrap();
    assert!(text.contains("\"cost\": 10039.9,"), "{text}");
    assert_eq!(
        (o.currency.clone(), o.can_cancel, o.notes.clone()),
        (None, None, None)
    );
    assert!(v["currency"].is_null() && v["can_cancel"].is_null() && v["notes"].is_null());
    assert!(v.get("cost_plus_tax").is_none() && v.get("receipt_id").is_none());
    assert_eq!(o.status.as_deref(), Some("completed"));
    assert_eq!(o.created_date.as_deref(), Some("2022-03-03 15:38:43"));
    assert_eq!(o.expiration_date.as_deref(), Some("2023-03-03"));
    let got: Vec<_> = o
        .codes
        .iter()
        .map(|c| {
            (
                c.id,
                c.product_name_id.as_deref(),
                c.no_of_fqdns,
                c.no_of_wildcards,
                c.validity_years,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2104, Some("ssl_ev_basic"), Some(5), None, Some(1)),
            (2105, Some("ssl_ev_securesite_pro"), Some(2), None, Some(2)),
        ]
    );
    // product_name_id falls back to product.name_id, in both paths.
    assert_eq!(v["codes"][1]["product_name_id"], "ssl_ev_securesite_pro");
    let p = o.codes[0].product.as_ref().unwrap();
    assert_eq!((p.name.as_deref(), p.group_name.as_deref()), (None, None));
    assert_eq!(
        o.codes[0].value.as_deref(),
        Some("QWWQ7LQSO72QLPXEXMC5OA65SHS2CPWJ")
    );
}

/// Docs `list codes for voucher order`, JSON and CSV tabs, served as used codes.
#[test]
fn docs_used_codes_json_and_csv() {
    let (name, body) = DOCS_CODES_JSON;
    let (l, v) = codes(name, body);
    assert!(l.page.is_none());
    assert!(v.get("page").is_none());
    assert_eq!(l.codes.len(), 1);
    let j = &l.codes[0];
    assert_eq!(
        (j.id, j.value.as_str()),
        (49170, "ZVB3LWIH3H3U53AOZU5QZ4W4TUTRPPCS")
    );
    // Strings become numbers, `" "` becomes null.
    assert_eq!(
        (j.certificate_order_id, j.server_licenses),
        (Some(204_928_159), Some(1))
    );
    assert_eq!(
        v["codes"][0]["certificate_order_id"].as_i64(),
        Some(204_928_159)
    );
    assert_eq!(v["codes"][0]["server_licenses"].as_i64(), Some(1));
    assert_eq!(j.cert_validity_start_date, None);
    assert!(v["codes"][0]["order_valid_till"].is_null());
    assert_eq!((j.validity_years, j.validity_days), (Some(3), Some(0)));

    let (cname, csv_body) = DOCS_CODES_CSV;
    let parsed =
        csv::parse(csv_body.as_bytes(), false).unwrap_or_else(|e| panic!("{cname}: {e:?}"));
    assert!(parsed.errors.is_empty());
    let ids: Vec<i64> = parsed.records.iter().map(|c| c.id).collect();
    assert_eq!(ids, [49170, 49178]);
    // The JS shell's JSON fast path gives the same records.
    let (json, errors) = csv::parse_to_json(csv_body.as_bytes(), false).unwrap();
    assert!(errors.is_empty());
    assert_eq!(
        serde_json::from_str::<Value>(&json).unwrap(),
        serde_json::to_value(&parsed.records).unwrap()
    );
    // Fed a byte at a time, too.
    let mut p = csv::CsvParser::new(false);
    for b in csv_body.as_bytes() {
        p.push(std::slice::from_ref(b)).unwrap();
    }
    p.finish().unwrap();
    assert_eq!(p.take_records(), parsed.records);

    // The CSV's first row is the JSON's record field by field, except `value`: the docs
    // page prints a different code in its CSV tab (ZVB3EWIHDH3U63AO...) than in its JSON
    // tab (ZVB3LWIH3H3U53AO...).
    let c = &parsed.records[0];
    assert_eq!(c.value, "ZVB3EWIHDH3U63AOZU5QZ4W4TUTRPPCS");
    assert_ne!(c.value, j.value);
    assert_eq!(
        UsedVoucherCode {
            value: j.value.clone(),
            ..c.clone()
        },
        *j
    );
    let (cv, jv) = (
        serde_json::to_value(c).unwrap(),
        serde_json::to_value(j).unwrap(),
    );
    let differ: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|k| cv[*k] != jv[*k])
        .collect();
    assert_eq!(differ, ["value"]);
    // Both sides have validity_years 3 (seed 000 has 6).
    assert_eq!(c.validity_years, Some(3));
    let second = &parsed.records[1];
    assert_eq!(
        (second.voucher_order_id, second.certificate_order_id),
        (Some(25256), Some(204_928_160))
    );
    assert_eq!(
        second.cert_request_date.as_deref(),
        Some("2022-03-04 10:48:47")
    );
}
