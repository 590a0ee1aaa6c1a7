// The used-codes CSV parser of the installed package: CSV == JSON for the same query, every
// input kind and any chunking give the same records, format variants, bad input (line/column),
// progress, and bounded memory while streaming.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { sandbox, clientFor, loadPackage, root } from './helpers.mjs';

const run = promisify(execFile);

const FIELDS = [
  'id', 'value', 'product_name', 'no_of_fqdns', 'no_of_wildcards', 'shipping_method',
  'validity_years', 'validity_days', 'status', 'created_date', 'voucher_order_id',
  'cert_request_date', 'cert_validity_start_date', 'cert_validity_end_date', 'cert_organization',
  'cert_common_name', 'certificate_order_id', 'voucher_validity_end_date', 'order_valid_from',
  'order_valid_till', 'server_licenses',
];
const enc = new TextEncoder();

let sb, client, pkg;
let all; // the 20k typed records of the JSON endpoint, sorted by id
let allCsv; // the CSV export of the same query
let tricky; // a few hundred records rich in hostile text (quotes, CR/LF, commas, unicode, " ")

/** Seeded PRNG (mulberry32) so a failure can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  return next;
}

/**
 * Writes typed records as CSV. `nulls` picks how an unset cell is written ('' | ' ' | '" "').
 * `columns` reorders the header, `extra` adds unknown columns ([name, value] pairs, placed
 * after the column index given), `quoteAll` quotes every cell. Returns { text, lines } where
 * lines[i] is the 1-based physical line data row i starts on.
 */
function toCsv(records, {
  eol = '\n', bom = false, finalEol = false, columns = FIELDS, extra = [], quoteAll = false,
  nulls = ['', ' ', '" "'], header, rowHook,
} = {}) {
  const q = (s) => (quoteAll || /[ ,"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const eols = Array.isArray(eol) ? eol : [eol];
  const cells = (get) => {
    const row = columns.map(get);
    for (const [at, name, value] of extra) row.splice(at, 0, q(get === headerCell ? name : value));
    return row.join(',');
  };
  const headerCell = (c) => c;
  const rows = [header ?? cells(headerCell)];
  let n = 0;
  records.forEach((r, i) => {
    let row = cells((c) => {
      const v = r[c];
      if (v === null || v === undefined) {
        const w = nulls[n++ % nulls.length];
        return w === '" "' ? w : q(w);
      }
      return q(String(v));
    });
    if (rowHook) row = rowHook(i, row.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)).join(',');
    rows.push(row);
  });
  let text = '';
  const lines = [];
  let line = 1;
  rows.forEach((row, i) => {
    if (i > 0) lines.push(line);
    text += row;
    line += (row.match(/\n/g) ?? []).length;
    if (i < rows.length - 1 || finalEol) {
      const e = eols[i % eols.length];
      text += e;
      if (e.includes('\n')) line += 1;
    }
  });
  return { text: (bom ? '\uFEFF' : '') + text, lines, lastLine: line };
}

/** Feeds `bytes` to a fresh streaming parser in pieces ending at `cuts`; returns all records. */
function streamIn(bytes, cuts, options) {
  const p = new pkg.UsedVoucherCodesCsvParser(options);
  const out = [];
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    for (const r of p.push(bytes.subarray(at, c))) out.push(r);
    at = c;
  }
  for (const r of p.finish()) out.push(r);
  return { records: out, parser: p };
}

function randomCuts(n, len, r) {
  const cuts = new Set();
  while (cuts.size < Math.min(n, len - 1)) cuts.add(r.int(1, len - 1));
  return [...cuts].sort((a, b) => a - b);
}

/** A ReadableStream handing out `bytes` in random pieces of 1..max bytes. */
function tinyStream(bytes, seed, max = 17) {
  const r = rng(seed);
  let at = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (at >= bytes.length) return ctrl.close();
      const n = r.int(1, max);
      // a copy, so the parser may not rely on a view into one big buffer
      ctrl.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  }, { highWaterMark: 0 });
}

async function rejectsCsv(promiseOrFn, line, column, message) {
  const check = (e) => {
    assert.ok(e instanceof pkg.CertCentralError, `a CertCentralError, got ${e}`);
    assert.equal(e.kind, 'csv');
    assert.equal(e.line, line, `line of: ${e.message}`);
    assert.equal(e.column, column, `column of: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  };
  if (typeof promiseOrFn === 'function') assert.throws(promiseOrFn, check);
  else await assert.rejects(promiseOrFn, check);
}

before(async () => {
  sb = await sandbox();
  pkg = await loadPackage();
  client = await clientFor(sb);
  all = (await client.listUsedVoucherCodes({ sort: 'id' })).codes;
  allCsv = await client.exportUsedVoucherCodesCsv({ sort: 'id' });
  const hostile = (r) => ['cert_organization', 'cert_common_name'].some((f) => r[f] === null
    || /[^\x20-\x7e]|[",]|^ | $/.test(r[f]));
  tricky = [];
  for (let i = 0; i < all.length && tricky.length < 400; i++) {
    if (hostile(all[i]) || i % 20 === 0) tricky.push(all[i]);
  }
});
after(() => sb.close());

// (a) -------------------------------------------------------------------------------------------

test('CSV == JSON: the export and the list of the same query give deep-equal records', async () => {
  const voucher = all[7].voucher_order_id;
  const queries = [
    {},
    { sort: 'id' },
    { sort: ['-cert_organization', 'id'] },
    { filters: { voucher_order_id: voucher } },
    { filters: { date_valid_till: { from: '2023-01-01', to: '2023-06-30' } }, sort: '-id' },
    { filters: { code: '%AB' } },
    { filters: { product_name_id: 'ssl_multi_domain' }, sort: 'cert_common_name' },
    { sort: 'id', offset: 19_500, limit: 1000 },
    { filters: { id: 1 } }, // no match: header only
  ];
  for (const query of queries) {
    const [csv, json] = await Promise.all([
      client.exportUsedVoucherCodesCsv(query),
      client.listUsedVoucherCodes(query),
    ]);
    const parsed = await pkg.parseUsedVoucherCodesCsv(csv);
    assert.equal(parsed.errors.length, 0);
    assert.equal(parsed.bytes, enc.encode(csv).length);
    assert.equal(parsed.records.length, json.codes.length, JSON.stringify(query));
    for (let i = 0; i < json.codes.length; i++) {
      assert.deepStrictEqual(parsed.records[i], json.codes[i], `${JSON.stringify(query)} record ${i}`);
    }
  }
  // The full set really is the hostile one the sandbox promises.
  const orgs = all.map((r) => r.cert_organization);
  assert.equal(all.length, 20_000);
  assert.ok(orgs.some((o) => o?.includes('\n')), 'a newline inside a field');
  assert.ok(orgs.some((o) => o?.includes('\r\n')), 'a CRLF inside a field');
  assert.ok(orgs.some((o) => o?.includes('"')), 'a quote inside a field');
  assert.ok(orgs.some((o) => o?.includes(',')), 'a comma inside a field');
  assert.ok(orgs.some((o) => /[\u{1F300}-\u{1FAFF}]/u.test(o ?? '')), 'a 4-byte UTF-8 char');
  assert.ok(orgs.some((o) => o === null), '" " became null');
  assert.ok(orgs.some((o) => o?.startsWith('  ')), 'padded text is kept verbatim');
  assert.ok(all.every((r) => typeof r.certificate_order_id === 'number' && typeof r.server_licenses === 'number'));
});

// (b) -------------------------------------------------------------------------------------------

test('every input kind gives the same records', async () => {
  const bytes = enc.encode(allCsv);
  // a view with a non-zero offset into a larger buffer
  const big = new Uint8Array(bytes.length + 13);
  big.set(bytes, 7);
  const view = big.subarray(7, 7 + bytes.length);
  const inputs = {
    string: allCsv,
    'string, chunkSize 4093': [allCsv, { chunkSize: 4093 }],
    Uint8Array: bytes,
    'Uint8Array view at offset 7': view,
    'Uint8Array, chunkSize 1000': [bytes, { chunkSize: 1000 }],
    ArrayBuffer: bytes.slice().buffer,
    Blob: new Blob([bytes]),
    'Blob.stream()': new Blob([bytes]).stream(),
  };
  for (const [name, input] of Object.entries(inputs)) {
    const [i, o] = Array.isArray(input) ? input : [input];
    const got = await pkg.parseUsedVoucherCodesCsv(i, o);
    assert.equal(got.bytes, bytes.length, name);
    assert.equal(got.records.length, all.length, name);
    assert.deepStrictEqual(got.records, all, name);
  }
  // tiny random chunks from a hand-made stream, over the hostile rows
  const t = enc.encode(toCsv(tricky, { eol: '\r\n', bom: true, finalEol: true }).text);
  const once = await pkg.parseUsedVoucherCodesCsv(t);
  assert.deepStrictEqual(once.records, tricky);
  for (const seed of [1, 2, 3]) {
    const got = await pkg.parseUsedVoucherCodesCsv(tinyStream(t, seed));
    assert.deepStrictEqual(got.records, tricky, `seed ${seed}`);
    assert.equal(got.bytes, t.length);
  }
  // string chunking by bytes splits inside multi-byte characters too
  const s = toCsv(tricky.slice(0, 60), { eol: '\r\n' }).text;
  for (const chunkSize of [1, 2, 3, 5]) {
    const got = await pkg.parseUsedVoucherCodesCsv(s, { chunkSize });
    assert.deepStrictEqual(got.records, tricky.slice(0, 60), `chunkSize ${chunkSize}`);
  }
});

test('streaming parser: any split (every byte position, random splits, byte by byte) == one shot', async () => {
  // Small enough to split at every position; holds what the splits must survive.
  const rows = tricky.filter((r) => /[^\x00-\x7f]/.test(r.cert_organization ?? '')).slice(0, 4)
    .concat(tricky.filter((r) => (r.cert_organization ?? '').includes('\r\n')).slice(0, 2))
    .concat(tricky.filter((r) => (r.cert_organization ?? '').includes('"')).slice(0, 2))
    .concat(tricky.filter((r) => r.cert_organization === null).slice(0, 1));
  const text = toCsv(rows, { eol: ['\r\n', '\n', '\r\n'], bom: true, finalEol: true }).text;
  const bytes = enc.encode(text);
  assert.ok(/[\u{10000}-\u{10FFFF}]/u.test(text) || /[^\x00-\x7f]/.test(text), 'multi-byte chars');
  assert.ok(text.includes('\r\n"') || /\r\n\d/.test(text), 'CRLF line ends');
  assert.ok(/"[^"]*\r\n[^"]*"/.test(text), 'CRLF inside quotes');
  const once = (await pkg.parseUsedVoucherCodesCsv(bytes)).records;
  assert.deepStrictEqual(once, rows);

  for (let i = 0; i <= bytes.length; i++) {
    const { records } = streamIn(bytes, [i]);
    if (records.length !== rows.length) assert.fail(`split at ${i}: ${records.length} records`);
    assert.deepStrictEqual(records, rows, `split at byte ${i}`);
  }
  const bytewise = streamIn(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
  assert.deepStrictEqual(bytewise.records, rows, 'byte by byte');
  assert.equal(bytewise.parser.bytesConsumed, bytes.length);
  assert.equal(bytewise.parser.rowsEmitted, rows.length);

  // Random splits of the larger hostile set (pieces of all sizes), plus an ArrayBuffer and a
  // string chunk, which push() also takes.
  const big = enc.encode(toCsv(tricky, { eol: ['\r\n', '\n'], finalEol: false }).text);
  const r = rng(42);
  for (let trial = 0; trial < 30; trial++) {
    const cuts = randomCuts(r.int(1, trial < 15 ? 20 : 3000), big.length, r);
    const { records } = streamIn(big, cuts);
    assert.deepStrictEqual(records, tricky, `trial ${trial}: cuts ${cuts.slice(0, 10)}...`);
  }
  const p = new pkg.UsedVoucherCodesCsvParser();
  const mid = big.length >> 1;
  const got = [...p.push(big.slice(0, mid).buffer), ...p.push(new TextDecoder().decode(big.subarray(mid))), ...p.finish()];
  assert.deepStrictEqual(got, tricky, 'ArrayBuffer then string chunks');
});

// (c) -------------------------------------------------------------------------------------------

test('format: CRLF, LF, CR, mixed line ends, BOM, final newline or not, blank lines, quoting', async () => {
  const rows = tricky.slice(0, 120);
  const variants = {
    LF: { eol: '\n' },
    CRLF: { eol: '\r\n' },
    'CR only': { eol: '\r' },
    mixed: { eol: ['\n', '\r\n', '\r', '\r\n'] },
    'BOM + CRLF + final CRLF': { eol: '\r\n', bom: true, finalEol: true },
    'BOM + LF, no final newline': { eol: '\n', bom: true },
    'final LF': { eol: '\n', finalEol: true },
    'every cell quoted': { eol: '\r\n', quoteAll: true },
    'unset as empty only': { nulls: [''] },
    'unset as " " only': { nulls: ['" "'] },
  };
  for (const [name, o] of Object.entries(variants)) {
    const { text } = toCsv(rows, o);
    const got = await pkg.parseUsedVoucherCodesCsv(text);
    assert.deepStrictEqual(got.records, rows, name);
    assert.equal(got.bytes, enc.encode(text).length, name);
  }
  // Blank lines (empty, spaces only, a stray "") are skipped, before the header too.
  const { text } = toCsv(rows.slice(0, 3), { eol: '\n' });
  const lines = text.split(/\n(?=\d|id,)/);
  const withBlanks = ['', '   ', lines[0], '', lines[1], '""', lines[2], '  \t', lines[3], '', ''].join('\r\n');
  assert.deepStrictEqual((await pkg.parseUsedVoucherCodesCsv(withBlanks)).records, rows.slice(0, 3));
  // Header only: no records, no error.
  assert.deepStrictEqual((await pkg.parseUsedVoucherCodesCsv(`${FIELDS.join(',')}\r\n`)).records, []);
});

test('format: columns found by name (reordered, renamed case/space, extra columns ignored)', async () => {
  const rows = tricky.slice(0, 80);
  const r = rng(7);
  const shuffled = [...FIELDS];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const reordered = toCsv(rows, { columns: shuffled, eol: '\r\n' }).text;
  assert.deepStrictEqual((await pkg.parseUsedVoucherCodesCsv(reordered)).records, rows, 'reordered');

  const extra = toCsv(rows, {
    columns: shuffled,
    extra: [[0, 'note', 'x, "y"'], [5, 'Price', '12.50'], [23, 'comment\nwith newline', 'é']],
  }).text;
  assert.deepStrictEqual((await pkg.parseUsedVoucherCodesCsv(extra)).records, rows, 'extra columns');

  const header = FIELDS.map((f, i) => (i % 2 ? ` ${f.toUpperCase()} ` : `"${f}"`)).join(',');
  const renamed = toCsv(rows, { header }).text;
  assert.deepStrictEqual((await pkg.parseUsedVoucherCodesCsv(renamed)).records, rows, 'header case/space');
});

test('format: a missing column is an error naming it; a duplicate one too', async () => {
  const rows = tricky.slice(0, 3);
  for (const missing of [['server_licenses'], ['value', 'cert_common_name']]) {
    const cols = FIELDS.filter((f) => !missing.includes(f));
    const { text } = toCsv(rows, { columns: cols, bom: true });
    await assert.rejects(pkg.parseUsedVoucherCodesCsv(text), (e) => {
      assert.ok(e instanceof pkg.CertCentralError);
      assert.equal(e.kind, 'csv');
      assert.equal(e.line, 1);
      assert.equal(e.column, 1);
      for (const m of missing) assert.ok(e.message.includes(m), `${e.message} names ${m}`);
      for (const f of cols) assert.ok(!new RegExp(`\\b${f}\\b`).test(e.message), `${e.message} does not name ${f}`);
      return true;
    });
    // fatal in collectErrors mode too: without a header no row can be mapped
    await assert.rejects(pkg.parseUsedVoucherCodesCsv(text, { collectErrors: true }), (e) => e.kind === 'csv');
  }
  const dup = toCsv(rows, { extra: [[3, 'ID', '5']] }).text;
  await rejectsCsv(pkg.parseUsedVoucherCodesCsv(`\n\n${dup}`), 3, 4, /twice/);
  await rejectsCsv(pkg.parseUsedVoucherCodesCsv(''), 1, 1, /empty/);
  await rejectsCsv(pkg.parseUsedVoucherCodesCsv('\r\n  \r\n'), 1, 1, /empty/);
});

// (d) -------------------------------------------------------------------------------------------

/**
 * A CSV with multi-line rows and bad rows at known places. Returns the bytes, the good records,
 * the expected errors ({ line, column }), and the number of data rows.
 */
function badCsv({ columns = FIELDS, unterminated = true } = {}) {
  // Rows with quoted newlines first, so the physical line of a later row != its row number.
  const rows = tricky.filter((r) => (r.cert_organization ?? '').includes('\n')).slice(0, 3)
    .concat(tricky.slice(0, 40));
  const col = (name) => columns.indexOf(name) + 1;
  const bad = new Map([
    [5, { name: 'invalid UTF-8', column: col('cert_organization'), edit: (r) => ({ ...r, cert_organization: 'Bad \u0001 Org' }) }],
    [9, { name: 'too few fields', column: 21, cells: (c) => c.slice(0, 20) }],
    [14, { name: 'too many fields', column: 22, cells: (c) => [...c, 'extra'] }],
    [18, { name: 'text in an integer column', column: col('no_of_fqdns'), edit: (r) => ({ ...r, no_of_fqdns: 'five' }) }],
    [22, { name: 'blank id', column: col('id'), edit: (r) => ({ ...r, id: null }) }],
    [27, { name: 'fraction in an integer column', column: col('server_licenses'), edit: (r) => ({ ...r, server_licenses: '1.5' }) }],
    [31, { name: 'blank value', column: col('value'), edit: (r) => ({ ...r, value: ' ' }) }],
  ]);
  const data = rows.map((r, i) => bad.get(i)?.edit?.(r) ?? r);
  const { text, lines, lastLine } = toCsv(data, {
    columns, eol: '\r\n', rowHook: (i, c) => bad.get(i)?.cells?.(c) ?? c,
  });
  const good = rows.filter((_, i) => !bad.has(i));
  const errors = [...bad].map(([i, b]) => ({ row: i, line: lines[i], column: b.column, name: b.name }));
  let s = text;
  let n = rows.length;
  if (unterminated) {
    // A last row whose organisation opens a quote that never closes (it swallows the rest).
    const last = tricky[100];
    const cells = columns.map((c) => (c === 'cert_organization' ? '"Open ""quote, Inc.\r\nand more' : (last[c] === null ? '' : `"${String(last[c])}"`)));
    s += `\r\n${cells.slice(0, col('cert_organization')).join(',')}`;
    errors.push({ row: n, line: lastLine + 1, column: col('cert_organization'), name: 'unterminated quote' });
    n += 1;
  }
  const bytes = enc.encode(s);
  const i = bytes.indexOf(1); // \u0001 -> 0xFF, never valid in UTF-8
  assert.ok(i > 0);
  bytes[i] = 0xff;
  return { bytes, good, errors, dataRows: n };
}

test('bad input: strict mode rejects with kind csv at the right line and column', async () => {
  for (const columns of [FIELDS, [...FIELDS].reverse()]) {
    // Strict: the first bad row (invalid UTF-8) is the error.
    const { bytes, errors } = badCsv({ columns });
    await rejectsCsv(pkg.parseUsedVoucherCodesCsv(bytes), errors[0].line, errors[0].column, /UTF-8/);
  }
  // One fault per input, over good rows with quoted newlines before it.
  const head = tricky.filter((r) => (r.cert_organization ?? '').includes('\n')).slice(0, 2).concat(tricky.slice(0, 5));
  const base = toCsv(head, { eol: '\n' });
  const nextLine = base.lastLine + 1;
  const plain = all.find((r) => FIELDS.every((f) => !/[,"\r\n]/.test(String(r[f] ?? ''))));
  const good = toCsv([plain], { eol: '\n' }).text.split('\n')[1];
  const cells = good.split(',');
  assert.equal(cells.length, 21);
  const cases = [
    ['text in an integer column', cells.map((c, i) => (i === 3 ? 'x' : c)).join(','), nextLine, 4, /no_of_fqdns: expected an integer/],
    ['too few fields', cells.slice(0, 20).join(','), nextLine, 21, /expected 21 fields/],
    ['too many fields', `${good},1,2`, nextLine, 22, /expected 21 fields/],
    ['blank id', `" ",${cells.slice(1).join(',')}`, nextLine, 1, /id/],
    // an open quote swallows the rest of the input, so these come last
    ['unterminated quote', `${cells.slice(0, 14).join(',')},"Never, closed\nmore, lines\r\n`, nextLine, 15, /not closed/, true],
    ['unterminated quote at field 2', '1,"abc\n\n1,2,3', nextLine, 2, /not closed/, true],
  ];
  for (const [name, row, line, column, msg, last] of cases) {
    const input = last ? `${base.text}\n${row}` : `${base.text}\n${row}\n${good}`;
    await rejectsCsv(pkg.parseUsedVoucherCodesCsv(input), line, column, msg);
    await rejectsCsv(pkg.parseUsedVoucherCodesCsv(enc.encode(input), { chunkSize: 7 }), line, column, msg);
    // streaming: the same error, from push() or finish()
    const p = new pkg.UsedVoucherCodesCsvParser();
    await rejectsCsv(() => { p.push(input); p.finish(); }, line, column, msg);
    // ...and every later call returns it again
    await rejectsCsv(() => p.push('1'), line, column, msg);
    await rejectsCsv(() => p.finish(), line, column, msg);
    assert.ok(name);
  }
  // invalid UTF-8 in field 15 (the organisation) of the row after the good ones
  const badBytes = enc.encode(`${base.text}\n${cells.map((c, i) => (i === 14 ? 'Bad\u0001' : c)).join(',')}\n`);
  badBytes[badBytes.indexOf(1)] = 0xc3; // a lead byte without its continuation
  await rejectsCsv(pkg.parseUsedVoucherCodesCsv(badBytes), nextLine, 15, /UTF-8/);
  await rejectsCsv(pkg.parseUsedVoucherCodesCsv(new Blob([badBytes]).stream()), nextLine, 15, /UTF-8/);
});

test('bad input: collectErrors returns the good rows beside one error per bad row', async () => {
  for (const columns of [FIELDS, [...FIELDS].reverse()]) {
    const { bytes, good, errors, dataRows } = badCsv({ columns });
    for (const input of [bytes, tinyStream(bytes, 5, 64)]) {
      const got = await pkg.parseUsedVoucherCodesCsv(input, { collectErrors: true });
      assert.deepStrictEqual(got.records, good);
      assert.equal(got.records.length + got.errors.length, dataRows, 'no row dropped');
      assert.deepStrictEqual(
        got.errors.map((e) => [e instanceof pkg.CertCentralError, e.kind, e.line, e.column]),
        errors.map((e) => [true, 'csv', e.line, e.column]),
        JSON.stringify(got.errors.map((e) => e.message)),
      );
    }
    // streaming, split everywhere: errors come out through takeErrors()
    const p = new pkg.UsedVoucherCodesCsvParser({ collectErrors: true });
    const recs = [];
    const errs = [];
    for (let i = 0; i < bytes.length; i += 97) {
      recs.push(...p.push(bytes.subarray(i, i + 97)));
      errs.push(...p.takeErrors());
    }
    recs.push(...p.finish());
    errs.push(...p.takeErrors());
    assert.deepStrictEqual(recs, good);
    assert.deepStrictEqual(errs.map((e) => [e.line, e.column]), errors.map((e) => [e.line, e.column]));
    assert.deepStrictEqual(p.takeErrors(), [], 'taken errors are gone');
    assert.equal(p.rowsEmitted, good.length);
  }
});

test('bad input: the parser stays usable after an error', async () => {
  const { text } = toCsv(tricky.slice(0, 50), { eol: '\r\n' });
  await assert.rejects(pkg.parseUsedVoucherCodesCsv(`${text}\r\n1,2,3`), (e) => e.kind === 'csv');
  await assert.rejects(pkg.parseUsedVoucherCodesCsv(42), (e) => e instanceof pkg.CertCentralError && e.kind === 'invalid_input');
  await assert.rejects(pkg.parseUsedVoucherCodesCsv(text, { chunkSize: 0 }), (e) => e.kind === 'invalid_input');
  assert.deepStrictEqual((await pkg.parseUsedVoucherCodesCsv(text)).records, tricky.slice(0, 50));
  const failed = new pkg.UsedVoucherCodesCsvParser();
  assert.throws(() => failed.push(`${text}\r\n1,2,3\r\n`), (e) => e.kind === 'csv');
  const done = new pkg.UsedVoucherCodesCsvParser();
  done.push(text);
  done.finish();
  assert.throws(() => done.push('x'), (e) => e instanceof pkg.CertCentralError && e.kind === 'invalid_input');
  assert.throws(() => new pkg.UsedVoucherCodesCsvParser().push(42), (e) => e.kind === 'invalid_input');
  const fresh = new pkg.UsedVoucherCodesCsvParser();
  assert.deepStrictEqual([...fresh.push(text), ...fresh.finish()], tricky.slice(0, 50));
  assert.deepStrictEqual((await pkg.parseUsedVoucherCodesCsv(text)).records, tricky.slice(0, 50));
});

// (e) -------------------------------------------------------------------------------------------

test('onProgress: bytes grow monotonically; total known up front for bytes and Blobs, null for strings and streams until the last event', async () => {
  const bytes = enc.encode(allCsv);
  const kinds = {
    string: [allCsv, null], // its UTF-8 size is known only once it is all encoded
    Uint8Array: [bytes, bytes.length],
    ArrayBuffer: [bytes.slice().buffer, bytes.length],
    Blob: [new Blob([bytes]), bytes.length],
    ReadableStream: [new Blob([bytes]).stream(), null],
  };
  for (const [name, [input, total]] of Object.entries(kinds)) {
    const seen = [];
    const got = await pkg.parseUsedVoucherCodesCsv(input, {
      chunkSize: 256 * 1024,
      onProgress: (p) => seen.push({ ...p }),
    });
    // chunkSize applies to in-memory inputs; a Blob or stream comes in the chunks it yields
    const min = typeof input === 'string'
      ? Math.ceil(input.length / (256 * 1024)) + 1
      : input instanceof Blob || total === null ? 2 : Math.ceil(total / (256 * 1024)) + 1;
    assert.ok(seen.length >= min, `${name}: ${seen.length} events`);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i].bytes >= seen[i - 1].bytes, `${name}: bytes monotonic`);
      assert.ok(seen[i].rows >= seen[i - 1].rows, `${name}: rows monotonic`);
    }
    const last = seen.at(-1);
    assert.equal(last.bytes, bytes.length, name);
    assert.equal(last.rows, got.records.length, name);
    if (total === null) {
      // While reading a stream the size is unknown. (The final event, sent after finish(),
      // reports the size read: it is known by then.)
      for (const p of seen.slice(0, -1)) assert.equal(p.total, null, `${name}: total null`);
      assert.equal(last.total, bytes.length, `${name}: the last event carries the final size`);
    } else {
      for (const p of seen) assert.equal(p.total, total, `${name}: total`);
    }
  }
  // A throwing callback stops the parse: an invalid_input error whose cause is what it threw
  // (it used to be ignored silently), and the parser works afterwards.
  const boom = new Error('x');
  await assert.rejects(
    pkg.parseUsedVoucherCodesCsv(allCsv, { chunkSize: 1 << 20, onProgress: () => { throw boom; } }),
    (e) => e instanceof pkg.CertCentralError && e.kind === 'invalid_input' && e.cause === boom,
  );
  const got = await pkg.parseUsedVoucherCodesCsv(allCsv, { chunkSize: 1 << 20 });
  assert.equal(got.records.length, all.length);
});

// (f) -------------------------------------------------------------------------------------------

// Measured in a fresh process (bench/csv/memory.mjs): in this file's process the fixtures keep
// ~250 MiB alive, and V8 then lets garbage grow in proportion before a full GC, which says
// nothing about the parser.
test('memory: streaming ~100 MB through UsedVoucherCodesCsvParser keeps RSS growth bounded', async () => {
  const MB = 1024 * 1024;
  const mb = Number(process.env.CSV_MEMORY_TEST_MB ?? 100);
  const { stdout } = await run(process.execPath, ['--expose-gc', join(root, 'bench/csv/memory.mjs'), '--mb', String(mb)], {
    encoding: 'utf8',
    timeout: 120000,
  });
  const m = JSON.parse(stdout.trim().split('\n').pop());
  assert.ok(m.bytes >= mb * MB, `streamed ${m.bytes} bytes`);
  assert.ok(m.rows > 0);
  const growth = (m.peakRss - m.startRss) / MB;
  console.log(`# streamed ${(m.bytes / MB).toFixed(0)} MiB in ${m.secs.toFixed(1)} s; RSS start ${(m.startRss / MB).toFixed(0)} MiB, peak ${(m.peakRss / MB).toFixed(0)} MiB (+${growth.toFixed(0)} MiB)`);
  assert.ok(growth < 150, `RSS grew by ${growth.toFixed(0)} MiB`);
});

test('columns: parseUsedVoucherCodesCsvColumns holds the records of parseUsedVoucherCodesCsv, column by column', async () => {
  /** Rebuilds record i from the columns (NaN -> null in the integer columns). */
  const recordAt = (cols, i) => Object.fromEntries(FIELDS.map((f) => {
    const v = cols[f][i];
    return [f, cols[f] instanceof Float64Array ? (Number.isNaN(v) ? null : v) : v];
  }));
  const hostile = toCsv(tricky, { eol: '\r\n', bom: true, finalEol: true }).text;
  for (const [name, input, opts, want] of [
    ['the 20k export, Uint8Array', enc.encode(allCsv), undefined, all],
    ['the 20k export, string in 4093-unit chunks', allCsv, { chunkSize: 4093 }, all],
    ['hostile rows, CRLF + BOM, a stream of tiny chunks', tinyStream(enc.encode(hostile), 5), undefined, tricky],
  ]) {
    const { columns, errors, bytes } = await pkg.parseUsedVoucherCodesCsvColumns(input, opts);
    assert.equal(columns.length, want.length, name);
    assert.deepEqual(Object.keys(columns), ['length', ...FIELDS], name);
    for (const f of FIELDS) assert.equal(columns[f].length, want.length, `${name}: ${f}`);
    assert.ok(columns.id instanceof Float64Array && Array.isArray(columns.value), name);
    assert.deepEqual(errors, []);
    assert.ok(bytes > 0);
    for (let i = 0; i < want.length; i++) assert.deepStrictEqual(recordAt(columns, i), want[i], `${name}: record ${i}`);
  }
  // Bad rows: the same errors as the record parser, in both modes.
  const bad = `${toCsv(all.slice(0, 3)).text}\n1,X,p,not-a-number,0,,1,0,used,,1,,,,,,1,,,,1\n${toCsv(all.slice(3, 5)).text.split('\n').slice(1).join('\n')}`;
  const lenientRecords = await pkg.parseUsedVoucherCodesCsv(bad, { collectErrors: true });
  const lenientColumns = await pkg.parseUsedVoucherCodesCsvColumns(bad, { collectErrors: true });
  assert.equal(lenientColumns.columns.length, 5);
  assert.deepStrictEqual(lenientColumns.errors.map((e) => [e.kind, e.line, e.column, e.message]),
    lenientRecords.errors.map((e) => [e.kind, e.line, e.column, e.message]));
  assert.equal(lenientColumns.errors.length, 1);
  await assert.rejects(pkg.parseUsedVoucherCodesCsvColumns(bad), (e) => e instanceof pkg.CertCentralError
    && e.kind === 'csv' && e.line === 5 && e.column === 4);
});
