//! Native cost of decoding one 1000-record page, serde path (decode into the Rust records, then
//! `serde_json::to_string`) against the one-pass transcoder the wasm client uses. The wasm
//! figures against a raw `fetch` are `node bench/client/run.mjs`. Run:
//! `cargo bench --bench decode_native` (release profile; prints a table).
use certcentral_wasm::api::{subaccount_orders, used_codes};
use certcentral_wasm::transcode;

fn orders_page(n: usize) -> String {
    let mut s = String::from("{\"orders\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"id":{},"certificate":{{"id":{},"thumbprint":"03F6A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8","serial_number":"0FDA1234567890ABCDEF","common_name":"host{i}.example.com","dns_names":["www.host{i}.example.com","mail.host{i}.example.com"],"valid_till":"2027-06-15","organization_units":["IT Dept."],"signature_hash":"sha256"}},"organization":{{"id":{},"name":"Example, \"Quoted\" Org {i}"}},"subaccount":{{"account_id":{},"account_type":"enterprise","organization_name":"Sub account organization"}},"product":{{"name_id":"ssl_plus","name":"Standard SSL","type":"ssl_certificate"}},"order_price":{{"cost":"198.00","currency":"USD"}},"status":"issued","number_of_sans":"{}","date_created":"2019-06-11T07:08:04+00:00","date_issued":" ","validity_years":1}}"#,
            100000 + i, 200000 + i, 300 + i % 50, 112233 + i % 20, 1 + i % 4
        ));
    }
    s.push_str(&format!(
        "],\"page\":{{\"total\":100000,\"limit\":{n},\"offset\":0}}}}"
    ));
    s
}

fn codes_page(n: usize) -> String {
    let mut s = String::from("{\"codes\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"id":{},"value":"B6TEM44GLJE2KASGWXDI5LER7LK6M{i:03}","product_name":"Basic OV","no_of_fqdns":5,"no_of_wildcards":0,"shipping_method":"N/A","validity_years":1,"validity_days":0,"status":"used","created_date":"2022-03-03 13:31:03","voucher_order_id":{},"cert_request_date":"2022-03-03 13:41:41","cert_validity_start_date":" ","cert_validity_end_date":" ","cert_organization":"Example, Inc. \u00e9","cert_common_name":"host{i}.example.com","certificate_order_id":"{}","voucher_validity_end_date":"2023-03-03","order_valid_from":" ","order_valid_till":" ","server_licenses":"1"}}"#,
            40000 + i, 25000 + i / 7, 204900000 + i
        ));
    }
    s.push_str(&format!(
        "],\"page\":{{\"total\":20000,\"limit\":{n},\"offset\":0}}}}"
    ));
    s
}

fn time(f: &mut dyn FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..30 {
        let t = std::time::Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    best * 1e3
}

fn main() {
    let orders = orders_page(1000);
    let codes = codes_page(1000);
    println!("| page | body KB | serde decode + to_string ms | transcode ms | serde / transcode |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let row = |name: &str,
               body: &str,
               serde: &mut dyn FnMut() -> usize,
               tx: &mut dyn FnMut() -> usize| {
        let (a, b) = (serde(), tx());
        assert!(a > 0 && b > 0);
        let ts = time(&mut || {
            std::hint::black_box(serde());
        });
        let tt = time(&mut || {
            std::hint::black_box(tx());
        });
        println!(
            "| {name} | {:.1} | {ts:.2} | {tt:.2} | {:.1}x |",
            body.len() as f64 / 1e3,
            ts / tt
        );
    };
    row(
        "1000 subaccount orders",
        &orders,
        &mut || {
            serde_json::to_string(&subaccount_orders::decode(&orders, 0).unwrap())
                .unwrap()
                .len()
        },
        &mut || transcode::subaccount_orders(&orders, 0).unwrap().len(),
    );
    row(
        "1000 used codes",
        &codes,
        &mut || {
            serde_json::to_string(&used_codes::decode(&codes).unwrap())
                .unwrap()
                .len()
        },
        &mut || transcode::used_codes(&codes).unwrap().len(),
    );
}
