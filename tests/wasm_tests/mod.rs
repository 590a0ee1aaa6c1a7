//! wasm-bindgen tests shared by the Node run (`wasm_node.rs`) and the Chromium run
//! (`wasm_browser.rs`). They drive the JS shell against the sandbox over HTTP; its URL is
//! baked in at compile time from `CERTCENTRAL_SANDBOX` (scripts/test.sh starts it).

use certcentral_wasm::js::client::{create_client, Client};
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const SANDBOX: Option<&str> = option_env!("CERTCENTRAL_SANDBOX");

fn base() -> &'static str {
    SANDBOX.unwrap_or("http://127.0.0.1:8787/services/v2")
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn client(key: &str) -> Client {
    create_client(obj(&[
        ("apiKey", key.into()),
        ("baseUrl", base().into()),
        ("rateLimit", false.into()),
        ("maxRetries", 0.into()),
    ]))
    .map_err(|e| format!("{e:?}"))
    .unwrap()
}

async fn ok(p: Promise) -> JsValue {
    JsFuture::from(p).await.unwrap()
}

async fn err(p: Promise) -> JsValue {
    JsFuture::from(p).await.expect_err("expected a rejection")
}

#[wasm_bindgen_test]
async fn lists_a_page_of_subaccount_orders() {
    let c = client("sandbox-key");
    let q = obj(&[("limit", 7.into()), ("sort", "-id".into())]);
    let list = ok(c.list_subaccount_orders(q, JsValue::UNDEFINED)).await;
    let orders: Array = get(&list, "orders").dyn_into().unwrap();
    assert_eq!(orders.length(), 7);
    let page = get(&list, "page");
    assert!(get(&page, "total").as_f64().unwrap() >= 5000.0);
    assert_eq!(get(&page, "limit").as_f64(), Some(7.0));
    let ids: Vec<f64> = orders
        .iter()
        .map(|o| get(&o, "id").as_f64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "sorted descending: {ids:?}"
    );
    // Unset values are null, ids are numbers.
    let first = orders.get(0);
    assert!(get(&first, "id").as_f64().is_some());
    assert!(get(&first, "certificate").is_null() || get(&first, "certificate").is_object());
}

#[wasm_bindgen_test]
async fn used_codes_decode_strings_to_numbers_and_blanks_to_null() {
    let c = client("sandbox-key");
    let q = obj(&[("limit", 50.into())]);
    let list = ok(c.list_used_voucher_codes(q, JsValue::UNDEFINED)).await;
    let codes: Array = get(&list, "codes").dyn_into().unwrap();
    assert_eq!(codes.length(), 50);
    for code in codes.iter() {
        let v = get(&code, "certificate_order_id");
        assert!(v.is_null() || v.as_f64().is_some(), "number or null");
        let d = get(&code, "cert_validity_start_date");
        assert!(d.is_null() || d.as_string().is_some_and(|s| !s.trim().is_empty()));
    }
}

#[wasm_bindgen_test]
async fn http_errors_are_typed() {
    let bad = client("not-the-key");
    let e = err(bad.list_subaccount_orders(JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&e, "name").as_string().as_deref(),
        Some("CertCentralError")
    );
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("http"));
    assert_eq!(get(&e, "status").as_f64(), Some(403.0));
    let errors: Array = get(&e, "errors").dyn_into().unwrap();
    assert_eq!(
        get(&errors.get(0), "code").as_string().as_deref(),
        Some("access_denied|access_denied_invalid_key")
    );
    let msg = get(&e, "message").as_string().unwrap();
    assert!(!msg.contains("not-the-key"), "the key leaked: {msg}");

    let c = client("sandbox-key");
    let e = err(c.get_voucher_order(999_999_999.into(), JsValue::UNDEFINED)).await;
    assert_eq!(get(&e, "status").as_f64(), Some(404.0));
}

#[wasm_bindgen_test]
async fn invalid_input_is_refused_before_sending() {
    let c = client("sandbox-key");
    for id in [
        JsValue::from(0),
        JsValue::from(-1),
        JsValue::from(1.5),
        JsValue::from("1/../2"),
    ] {
        let e = err(c.get_voucher_order(id, JsValue::UNDEFINED)).await;
        assert_eq!(
            get(&e, "kind").as_string().as_deref(),
            Some("invalid_input")
        );
    }
    let e = err(c.list_subaccount_orders(obj(&[("limit", 1001.into())]), JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&e, "kind").as_string().as_deref(),
        Some("invalid_input")
    );
    let e = err(c.list_subaccount_orders(obj(&[("sort", "password".into())]), JsValue::UNDEFINED))
        .await;
    assert_eq!(
        get(&e, "kind").as_string().as_deref(),
        Some("invalid_input")
    );
}

#[wasm_bindgen_test]
async fn an_aborted_signal_stops_the_call() {
    let c = client("sandbox-key");
    let ac = web_sys::AbortController::new().unwrap();
    ac.abort();
    let opts = obj(&[("signal", ac.signal().into())]);
    let e = err(c.list_subaccount_orders(JsValue::UNDEFINED, opts)).await;
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("aborted"));
}

#[wasm_bindgen_test]
fn options_are_checked() {
    let bad = [
        obj(&[("baseUrl", "http://example.com/services/v2".into())]),
        obj(&[("region", "mars".into())]),
        obj(&[("timeoutMs", (-5).into())]),
        obj(&[("apiKey", "has space".into())]),
        obj(&[("apikey", "typo".into())]),
    ];
    for o in bad {
        assert!(create_client(o).is_err());
    }
    assert!(create_client(JsValue::UNDEFINED).is_ok());
    assert!(create_client(obj(&[("region", "eu".into())])).is_ok());
}
