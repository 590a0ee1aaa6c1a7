// The package's CSV writer (recordsToCsv, neutraliseCsv), from the installed tarball: records
// out and parsed back (csv-parse) give the same cells; formula-like cells are neutralised unless
// raw; bad arguments are invalid_input errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { sandbox, clientFor, loadPackage } from './helpers.mjs';

let sb, client, pkg;
before(async () => {
  sb = await sandbox({ keys: ['sandbox-key'] });
  client = await clientFor(sb);
  pkg = await loadPackage();
});
after(async () => {
  client?.free();
  await sb?.close();
});

/** `cell` as a spreadsheet-safe writer must write it. */
const safe = (cell) => (/^[=+\-@\t\r]/.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell) ? `'${cell}` : cell);

test('orders out as CSV: the command line columns, every record, cells parsed back equal, formulas neutralised', async () => {
  const orders = await client.collectSubaccountOrders({ max: 100_000 });
  assert.equal(orders.length, sb.dataset.subaccountOrders.length);
  // A hostile common name, as the API could hand back.
  orders[0] = { ...orders[0], certificate: { ...orders[0].certificate, common_name: '=HYPERLINK("http://example.invalid","x")' } };
  const csv = await pkg.recordsToCsv(orders, { columns: 'order' });
  const rows = parse(csv, { relax_column_count: false });
  const header = rows[0];
  assert.ok(header.includes('id') && header.includes('certificate.common_name') && header.includes('status'), header.join(','));
  assert.equal(rows.length, orders.length + 1, 'a row per order, after the header');
  const cn = header.indexOf('certificate.common_name');
  assert.equal(rows[1][cn], `'=HYPERLINK("http://example.invalid","x")`);
  for (let i = 0; i < orders.length; i++) {
    assert.equal(rows[i + 1][header.indexOf('id')], String(orders[i].id));
    assert.equal(rows[i + 1][cn], safe(orders[i].certificate?.common_name ?? ''));
  }
  const raw = parse(await pkg.recordsToCsv(orders.slice(0, 1), { columns: 'order', raw: true }));
  assert.equal(raw[1][cn], '=HYPERLINK("http://example.invalid","x")', 'raw keeps the cell');
});

test('column paths: nested values, lists joined with ;, absent values empty, numbers not neutralised', async () => {
  const records = [
    { id: 1, value: '-12.5', product: { name: '@SUM(A1)' }, tags: ['a', 'b'], note: 'tab\there' },
    { id: 2, value: '+1', product: null, tags: [], note: '\r\nline' },
  ];
  const csv = await pkg.recordsToCsv(records, { columns: ['id', 'value', 'product.name', 'tags', 'note'] });
  assert.deepEqual(parse(csv), [
    ['id', 'value', 'product.name', 'tags', 'note'],
    ['1', '-12.5', "'@SUM(A1)", 'a;b', 'tab\there'],
    ['2', '+1', '', '', "'\r\nline"],
  ]);
  assert.ok(csv.endsWith('\r\n') && csv.split('\r\n').length === 4 + 1 - 0, 'CRLF line ends');
});

test('neutraliseCsv: the API export with formula cells made safe, the rest byte for byte', async () => {
  const csv = await client.exportUsedVoucherCodesCsv();
  const out = await pkg.neutraliseCsv(csv);
  const a = parse(csv, { relax_quotes: false });
  const b = parse(out);
  assert.equal(b.length, a.length);
  let changed = 0;
  for (let r = 0; r < a.length; r++) {
    for (let c = 0; c < a[r].length; c++) {
      assert.equal(b[r][c], safe(a[r][c]));
      if (b[r][c] !== a[r][c]) changed++;
    }
  }
  assert.ok(changed > 0, 'the sandbox data has formula-like cells, and they changed');
});

test('bad arguments are invalid_input errors', async () => {
  for (const [records, options] of [
    [[{}], undefined],
    [[{}], { columns: 'certificates' }],
    [[{}], { columns: [] }],
    [[{}], { columns: [1] }],
    [[{}], { columns: 'order', raw: 'yes' }],
    [42, { columns: 'order' }],
  ]) {
    await assert.rejects(pkg.recordsToCsv(records, options), (e) => e.name === 'CertCentralError' && e.kind === 'invalid_input', JSON.stringify(options));
  }
  await assert.rejects(pkg.neutraliseCsv(7), (e) => e.kind === 'invalid_input');
});
