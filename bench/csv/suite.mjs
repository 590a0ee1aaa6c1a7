// The benchmark itself, the same code in Node and in Chromium: every parser over the same
// generated export, outputs checked against ours on a sample, medians of round-robin runs.
import { generate, checkSample, sameRecord, typedRow, normalisePapa, PAPA_TYPING, FIELDS } from './gen.mjs';

const now = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Splits `records` into JSON array strings of at most `per` records each. */
function jsonPieces(records, per) {
  const out = [];
  for (let i = 0; i < records.length; i += per) out.push(JSON.stringify(records.slice(i, i + per)));
  return out;
}
function parsePieces(pieces) {
  if (pieces.length === 1) return JSON.parse(pieces[0]);
  return [].concat(...pieces.map((p) => JSON.parse(p)));
}

/** The records held in a `UsedVoucherCodeColumns` (NaN -> null), for the checks. */
function columnsToRecords(cols) {
  return Array.from({ length: cols.length }, (_, i) => Object.fromEntries(FIELDS.map((f) => {
    const v = cols[f][i];
    return [f, cols[f] instanceof Float64Array && Number.isNaN(v) ? null : v];
  })));
}

/**
 * Runs the suite. `libs`: { pkg, Papa, d3, csvParseSync? }. Returns
 * { rows, csvBytes, jsonBytes, results: [{ name, kind, ms, runs, inputBytes }], stages }.
 */
export async function runSuite(libs, { rows, runs = 5, warmup = 1, seed = 1, gc = () => {}, log = () => {}, profile = true }) {
  const { pkg, Papa, d3, csvParseSync } = libs;
  let t = now();
  const { csv, records } = generate(rows, seed);
  const enc = new TextEncoder();
  const bytes = enc.encode(csv);
  // V8 strings top out near 512 MiB: the JSON baseline is parsed in pieces of <= 100k records
  // (one piece up to 100k rows).
  const pieces = jsonPieces(records, 100_000);
  const jsonBytes = pieces.reduce((n, p) => n + enc.encode(p).length, 0);
  log(`generated ${rows} rows: CSV ${(bytes.length / 1e6).toFixed(1)} MB, JSON ${(jsonBytes / 1e6).toFixed(1)} MB in ${((now() - t) / 1000).toFixed(1)} s`);

  const cases = [
    { name: 'certcentral-wasm parseUsedVoucherCodesCsv (string)', kind: 'ours', input: bytes.length,
      run: async () => (await pkg.parseUsedVoucherCodesCsv(csv)).records },
    { name: 'certcentral-wasm parseUsedVoucherCodesCsv (Uint8Array)', kind: 'ours', input: bytes.length,
      run: async () => (await pkg.parseUsedVoucherCodesCsv(bytes)).records },
    { name: 'certcentral-wasm parseUsedVoucherCodesCsvColumns (Uint8Array; columns, not records)', kind: 'columns', input: bytes.length,
      run: async () => (await pkg.parseUsedVoucherCodesCsvColumns(bytes)).columns },
    { name: 'PapaParse (header, dynamicTyping) + normalise', kind: 'csv', input: bytes.length,
      run: () => normalisePapa(Papa.parse(csv, { header: true, dynamicTyping: PAPA_TYPING, skipEmptyLines: true }).data) },
    { name: 'd3-dsv csvParse + row function', kind: 'csv', input: bytes.length,
      run: () => d3.csvParse(csv, typedRow) },
  ];
  if (csvParseSync) {
    cases.push({ name: 'csv-parse/sync (columns, on_record)', kind: 'csv', input: bytes.length,
      run: () => csvParseSync(csv, { columns: true, skip_empty_lines: true, on_record: typedRow }) });
  }
  cases.push({ name: `JSON.parse of the same records (${pieces.length} string${pieces.length > 1 ? 's' : ''})`, kind: 'json',
    input: jsonBytes, run: () => parsePieces(pieces) });

  // Correctness first: ours == the generator's records (all of them), competitors == ours (sample).
  for (const c of cases) {
    t = now();
    const out = await c.run();
    c.first = now() - t;
    if (c === cases[0]) {
      if (out.length !== records.length) throw new Error(`ours: ${out.length} records, expected ${records.length}`);
      for (let i = 0; i < records.length; i++) {
        if (!sameRecord(out[i], records[i])) throw new Error(`ours: record ${i} differs: ${JSON.stringify(out[i])} vs ${JSON.stringify(records[i])}`);
      }
    }
    checkSample(c.name, c.kind === 'columns' ? columnsToRecords(out) : out, records);
    log(`checked ${c.name} (${c.first.toFixed(0)} ms)`);
  }

  // Round-robin runs, so machine noise spreads over all parsers alike.
  for (const c of cases) c.times = [];
  for (let r = 0; r < warmup + runs; r++) {
    for (const c of cases) {
      gc();
      t = now();
      let out = await c.run();
      const dt = now() - t;
      if (out.length !== rows) throw new Error(`${c.name}: ${out.length} rows`);
      out = null;
      if (r >= warmup) c.times.push(dt);
    }
    log(`round ${r + 1}/${warmup + runs}${r < warmup ? ' (warm-up)' : ''}`);
  }
  const results = cases.map((c) => ({ name: c.name, kind: c.kind, ms: median(c.times), runs: c.times, inputBytes: c.input }));

  // Where our time goes: the stages of parseUsedVoucherCodesCsv, timed on their own.
  const stages = {};
  if (profile) {
    const stageCases = {
      'TextEncoder.encode of the CSV string (what a string input costs before parsing)': () => enc.encode(csv),
      'parseUsedVoucherCodesCsv(Uint8Array, chunkSize 4 MiB)': async () => (await pkg.parseUsedVoucherCodesCsv(bytes, { chunkSize: 4 << 20 })).records,
      'parseUsedVoucherCodesCsv(Uint8Array, chunkSize 16 MiB)': async () => (await pkg.parseUsedVoucherCodesCsv(bytes, { chunkSize: 16 << 20 })).records,
      'parseUsedVoucherCodesCsv(Uint8Array, chunkSize 256 KiB)': async () => (await pkg.parseUsedVoucherCodesCsv(bytes, { chunkSize: 256 << 10 })).records,
      'UsedVoucherCodesCsvParser.push per 1 MiB, records dropped': () => {
        const p = new pkg.UsedVoucherCodesCsvParser();
        let n = 0;
        for (let i = 0; i < bytes.length; i += 1 << 20) n += p.push(bytes.subarray(i, i + (1 << 20))).length;
        n += p.finish().length;
        return { length: n };
      },
    };
    const times = Object.fromEntries(Object.keys(stageCases).map((k) => [k, []]));
    for (let r = 0; r < warmup + runs; r++) {
      for (const [k, f] of Object.entries(stageCases)) {
        gc();
        t = now();
        await f();
        const dt = now() - t;
        if (r >= warmup) times[k].push(dt);
      }
    }
    for (const [k, ts] of Object.entries(times)) stages[k] = median(ts);
  }
  return { rows, csvBytes: bytes.length, jsonBytes, results, stages };
}
