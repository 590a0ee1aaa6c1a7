//! Native throughput of the CSV parser core on generated rows (the wasm figures, against
//! PapaParse, d3-dsv and JSON.parse, are `node bench/csv/run.mjs`). Run:
//! `cargo bench --bench csv_native` (release profile; prints a table).
use certcentral_wasm::csv::{Columns, CsvParser};

const HEADER: &str = "id,value,product_name,no_of_fqdns,no_of_wildcards,shipping_method,validity_years,validity_days,status,created_date,voucher_order_id,cert_request_date,cert_validity_start_date,cert_validity_end_date,cert_organization,cert_common_name,certificate_order_id,voucher_validity_end_date,order_valid_from,order_valid_till,server_licenses";

fn main() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut s = String::from(HEADER);
    s.push_str("\r\n");
    let n = 100_000;
    for i in 0..n {
        let org = if i % 3 == 0 {
            "\"Example, Inc.\""
        } else {
            "Example Inc."
        };
        s.push_str(&format!(
            "{},{:032X},\"Basic OV\",5,0,N/A,{},0,used,\"2022-03-03 13:31:03\",{},\"2022-03-03 13:41:41\",\" \",\" \",{org},host{}.example.com,{},2023-03-03,\" \",\" \",1\r\n",
            40000 + i, next() as u128 * 7919, 1 + i % 3, 25000 + i / 7, i, 204900000 + i,
        ));
    }
    let bytes = s.as_bytes();
    let mb = bytes.len() as f64 / 1e6;
    let time = |f: &mut dyn FnMut()| {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        best
    };
    let chunked = |f: &mut dyn FnMut(&[u8])| {
        for c in bytes.chunks(64 * 1024) {
            f(c);
        }
    };
    let t_rec = time(&mut || {
        let mut p = CsvParser::new(false);
        let mut total = 0;
        chunked(&mut |c| {
            p.push(c).unwrap();
            total += p.take_records().len();
        });
        p.finish().unwrap();
        total += p.take_records().len();
        assert_eq!(total, n);
    });
    let t_rec_serde = time(&mut || {
        let mut p = CsvParser::new(false);
        let mut len = 0;
        chunked(&mut |c| {
            p.push(c).unwrap();
            len += serde_json::to_string(&p.take_records()).unwrap().len();
        });
        p.finish().unwrap();
        assert!(len > 0);
    });
    let t_json = time(&mut || {
        let mut p = CsvParser::new(false);
        let mut out = String::new();
        let mut len = 0;
        chunked(&mut |c| {
            out.clear();
            p.push_json(c, &mut out).unwrap();
            len += out.len();
        });
        p.finish_json(&mut out).unwrap();
        assert!(len > 0);
    });
    let t_cols = time(&mut || {
        let mut p = CsvParser::new(false);
        let mut cols = Columns::default();
        let mut total = 0;
        chunked(&mut |c| {
            cols.clear();
            total += p.push_columns(c, &mut cols).unwrap();
        });
        cols.clear();
        total += p.finish_columns(&mut cols).unwrap();
        assert_eq!(total, n);
    });
    let t_core = time(&mut || {
        let mut r = csv_core::Reader::new();
        let (mut out, mut ends) = (vec![0u8; 4096], vec![0usize; 64]);
        let mut rest = bytes;
        let mut recs = 0;
        loop {
            let (res, nin, _, _) = r.read_record(rest, &mut out, &mut ends);
            rest = &rest[nin..];
            match res {
                csv_core::ReadRecordResult::Record => recs += 1,
                csv_core::ReadRecordResult::End => break,
                _ => {}
            }
        }
        assert_eq!(recs, n + 1);
    });
    for (name, t) in [
        ("csv_core alone (floor)", t_core),
        ("push + take_records", t_rec),
        ("push + take_records + serde_json", t_rec_serde),
        ("push_json", t_json),
        ("push_columns (shipped to JS)", t_cols),
    ] {
        println!(
            "{name:36} {:8.1} ms {:7.0} MB/s {:9.0} rows/s",
            t * 1e3,
            mb / t,
            n as f64 / t
        );
    }
    println!("input {mb:.1} MB, {n} rows");
}
