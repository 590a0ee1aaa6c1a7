// Output-shape experiment (JS only): how fast can JS turn what the wasm could hand over into the
// typed records? `node --expose-gc bench/csv/shapes.mjs [--rows 100000]`; runs in Chromium too
// via `--chromium`. It simulates the wasm side in JS (the buffers are prepared beforehand) and
// times only the JS side of each shape, per ~1 MiB batch:
//   json     - UTF-8 JSON array bytes -> TextDecoder -> JSON.parse            (what ships today)
//   columns  - one UTF-8 buffer of the text cells + Uint32 cell ends + Float64 ints (NaN = null)
//              -> TextDecoder once per batch -> a loop building object literals with slice()
import { generate, FIELDS, INT_FIELDS, sameRecord } from './gen.mjs';

export function shapesBench(rows, runs = 5) {
  const { records } = generate(rows);
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const per = 4000; // ~1 MiB of CSV
  const TEXT = FIELDS.filter((f) => !INT_FIELDS.has(f));
  const INTS = FIELDS.filter((f) => INT_FIELDS.has(f));
  const batches = [];
  for (let i = 0; i < records.length; i += per) {
    const recs = records.slice(i, i + per);
    const json = enc.encode(JSON.stringify(recs));
    let text = '';
    const ends = new Int32Array(recs.length * TEXT.length); // -1 = null
    const ints = new Float64Array(recs.length * INTS.length);
    let k = 0;
    let m = 0;
    for (const r of recs) {
      for (const f of TEXT) {
        if (r[f] === null) ends[k++] = -1;
        else { text += r[f]; ends[k++] = text.length; }
      }
      for (const f of INTS) ints[m++] = r[f] === null ? NaN : r[f];
    }
    batches.push({ n: recs.length, json, text: enc.encode(text), ends, ints });
  }
  const shapes = {
    json: () => {
      const out = [];
      for (const b of batches) out.push(JSON.parse(dec.decode(b.json)));
      return [].concat(...out);
    },
    columns: () => {
      const out = new Array(rows);
      let o = 0;
      for (const b of batches) {
        const s = dec.decode(b.text); // cell ends are in UTF-16 units here (the wasm would write them so)
        const e = b.ends;
        const v = b.ints;
        let k = 0;
        let m = 0;
        let at = 0;
        const t = () => { const x = e[k++]; if (x < 0) return null; const r = s.slice(at, x); at = x; return r; };
        const n = () => { const x = v[m++]; return x === x ? x : null; };
        for (let i = 0; i < b.n; i++) {
          const id = n(), value = t(), product_name = t(), no_of_fqdns = n(), no_of_wildcards = n(), shipping_method = t(),
            validity_years = n(), validity_days = n(), status = t(), created_date = t(), voucher_order_id = n(),
            cert_request_date = t(), cert_validity_start_date = t(), cert_validity_end_date = t(), cert_organization = t(),
            cert_common_name = t(), certificate_order_id = n(), voucher_validity_end_date = t(), order_valid_from = t(),
            order_valid_till = t(), server_licenses = n();
          out[o++] = { id, value, product_name, no_of_fqdns, no_of_wildcards, shipping_method, validity_years, validity_days,
            status, created_date, voucher_order_id, cert_request_date, cert_validity_start_date, cert_validity_end_date,
            cert_organization, cert_common_name, certificate_order_id, voucher_validity_end_date, order_valid_from,
            order_valid_till, server_licenses };
        }
      }
      return out;
    },
  };
  // The field order of TEXT/INTS matches the literal above (FIELDS order within each kind).
  const res = {};
  for (const [name, f] of Object.entries(shapes)) {
    const out = f();
    for (let i = 0; i < rows; i += 101) if (!sameRecord(out[i], records[i])) throw new Error(`${name}: record ${i}`);
    res[name] = [];
  }
  for (let r = 0; r < runs + 1; r++) {
    for (const [name, f] of Object.entries(shapes)) {
      globalThis.gc?.();
      const t = performance.now();
      f();
      if (r) res[name].push(performance.now() - t);
    }
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return {
    rows,
    jsonBytes: batches.reduce((x, b) => x + b.json.length, 0),
    columnBytes: batches.reduce((x, b) => x + b.text.length + b.ends.byteLength + b.ints.byteLength, 0),
    ms: Object.fromEntries(Object.entries(res).map(([k, v]) => [k, med(v)])),
  };
}

if (typeof process !== 'undefined' && process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const i = process.argv.indexOf('--rows');
  const rows = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
  console.log(JSON.stringify({ runtime: `node ${process.version}`, ...shapesBench(rows) }));
}
