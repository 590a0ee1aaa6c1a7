// The `certcentral` command as users get it: the bin of the packed tarball installed into the
// scratch project (scripts/pack.sh), run as a child process against an in-process sandbox.
// CSV output is read back with csv-parse (a real RFC 4180 parser) or the package's own parser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { sandbox, scratch, KEY, loadPackage } from './helpers.mjs';

const BIN = join(scratch, 'node_modules/.bin/certcentral');
const ORDERS = 2500;
let sb;
let dir;
const env = { PATH: process.env.PATH ?? '', DIGICERT_API_KEY: KEY };

before(async () => {
  sb = await sandbox({ orders: ORDERS, usedCodes: 1500 });
  dir = mkdtempSync(join(tmpdir(), 'cc-cli-'));
  // Formula-like text the API might send (organisation names come from customers).
  sb.dataset.subaccountOrders[0].subaccount.organization_name = '=HYPERLINK("http://evil/","x")';
  sb.dataset.usedCodes[0].cert_organization = '@SUM(A1:A9)';
});
after(async () => {
  await sb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the installed command; resolves with its status and output (never rejects).
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, input?: string }} [o]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function cli(args, o = {}) {
  return new Promise((resolve) => {
    const child = execFile(BIN, args, { env: o.env ?? env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      assert.ok(!stdout.includes(KEY) && !stderr.includes(KEY), 'the key never appears in the output');
      resolve({ code, stdout, stderr });
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
  });
}
const base = () => ['--base-url', sb.baseUrl];
const ndjson = (s) => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

test('--version, --help and each command --help (with an example), exit 0', async () => {
  const pj = JSON.parse(readFileSync(join(scratch, 'node_modules/certcentral-wasm/package.json'), 'utf8'));
  assert.equal((await cli(['--version'])).stdout.trim(), pj.version);
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  for (const c of ['used-codes', 'voucher-order', 'reissues', 'orders', 'parse-csv']) {
    assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    const h = await cli([c, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, new RegExp(`example: certcentral ${c}`));
  }
});

test('orders: every page as NDJSON, each order once; --filter and --max', async () => {
  const all = await cli(['orders', ...base()]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stderr, '', 'nothing on stderr when it is not a terminal');
  const ids = ndjson(all.stdout).map((o) => o.id);
  assert.equal(ids.length, ORDERS);
  assert.equal(new Set(ids).size, ORDERS);
  const issued = await cli(['orders', ...base(), '--filter', 'status=issued', '--sort', '-date_created']);
  const { createClient } = await loadPackage();
  const client = await createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false });
  const want = await client.collectSubaccountOrders({ filters: { status: 'issued' }, sort: '-date_created', max: ORDERS });
  const got = ndjson(issued.stdout);
  assert.ok(got.length > 0 && got.length < ORDERS);
  assert.deepEqual(got, want, 'the same orders, in the same order, as the library gives');
  const few = await cli(['orders', ...base(), '--max', '7', '--format', 'json']);
  assert.equal(JSON.parse(few.stdout).length, 7);
});

test('orders --format csv: flattened columns, RFC 4180, formula cells neutralised unless --raw', async () => {
  const out = join(dir, 'orders.csv');
  const r = await cli(['orders', ...base(), '--format', 'csv', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const rows = parseCsvSync(readFileSync(out), { columns: true });
  assert.equal(rows.length, ORDERS);
  const { createClient } = await loadPackage();
  const client = await createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false });
  const byId = new Map();
  for await (const o of client.iterateSubaccountOrders()) byId.set(String(o.id), o);
  for (const row of rows) {
    const o = byId.get(row.id);
    assert.ok(o, row.id);
    assert.equal(row['certificate.common_name'], o.certificate?.common_name ?? '');
    assert.equal(row['certificate.dns_names'], (o.certificate?.dns_names ?? []).join(';'));
    const org = o.subaccount?.organization_name ?? '';
    assert.equal(row['subaccount.organization_name'], /^[=+\-@\t\r]/.test(org) ? `'${org}` : org);
  }
  const evil = String(sb.dataset.subaccountOrders[0].id);
  assert.equal(rows.find((x) => x.id === evil)['subaccount.organization_name'], `'=HYPERLINK("http://evil/","x")`);
  const raw = parseCsvSync((await cli(['orders', ...base(), '--format', 'csv', '--raw'])).stdout, { columns: true });
  assert.equal(raw.find((x) => x.id === evil)['subaccount.organization_name'], '=HYPERLINK("http://evil/","x")');
});

test('used-codes: ndjson, json and the API\'s CSV (neutralised, read back by the package\'s parser)', async () => {
  const page = await cli(['used-codes', ...base(), '--limit', '25', '--offset', '5', '--sort', 'id']);
  assert.equal(page.code, 0, page.stderr);
  const codes = ndjson(page.stdout);
  assert.equal(codes.length, 25);
  const json = JSON.parse((await cli(['used-codes', ...base(), '--limit', '25', '--offset', '5', '--sort', 'id', '--format', 'json'])).stdout);
  assert.deepEqual(json, codes);
  const csv = await cli(['used-codes', ...base(), '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const { parseUsedVoucherCodesCsv } = await loadPackage();
  const { records } = await parseUsedVoucherCodesCsv(csv.stdout);
  assert.equal(records.length, sb.dataset.usedCodes.length);
  const evil = records.find((c) => c.id === sb.dataset.usedCodes[0].id);
  assert.equal(evil.cert_organization, "'@SUM(A1:A9)");
  assert.ok(records.every((c) => !/^[=+@\t\r]/.test(c.cert_organization ?? '')));
  const raw = await parseUsedVoucherCodesCsv((await cli(['used-codes', ...base(), '--format', 'csv', '--raw'])).stdout);
  assert.equal(raw.records.find((c) => c.id === sb.dataset.usedCodes[0].id).cert_organization, '@SUM(A1:A9)');
});

test('voucher-order and reissues: json, ndjson, csv', async () => {
  const vo = sb.dataset.voucherOrders[0];
  const one = await cli(['voucher-order', String(vo.id), ...base()]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(JSON.parse(one.stdout).id, vo.id);
  const [orderId, reissues] = [...sb.dataset.reissues].find(([, list]) => list.length > 1);
  const nd = ndjson((await cli(['reissues', String(orderId), ...base(), '--archived'])).stdout);
  assert.ok(nd.length >= 1);
  const csv = parseCsvSync((await cli(['reissues', String(orderId), ...base(), '--archived', '--format', 'csv'])).stdout, { columns: true });
  assert.deepEqual(csv.map((r) => r.id), nd.map((r) => String(r.id)));
  assert.ok(reissues.length >= nd.length);
});

test('parse-csv: summary, records, stdin; a broken file is exit 1 with line and column', async () => {
  const { usedCodesToCsv } = await import('../../sandbox/server.mjs');
  const file = join(dir, 'codes.csv');
  writeFileSync(file, usedCodesToCsv(sb.dataset.usedCodes));
  const s = await cli(['parse-csv', file], { env: { PATH: env.PATH } });
  assert.equal(s.code, 0, s.stderr);
  const summary = JSON.parse(s.stdout);
  assert.equal(summary.records, sb.dataset.usedCodes.length);
  assert.equal(Object.values(summary.byProduct).reduce((a, b) => a + b, 0), summary.records);
  assert.equal(Object.values(summary.byMonth).reduce((a, b) => a + b, 0), summary.records);
  const viaStdin = await cli(['parse-csv', '-', '--format', 'ndjson'], { input: readFileSync(file, 'utf8') });
  assert.equal(ndjson(viaStdin.stdout).length, summary.records);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[3] = lines[3].replace(/^\d+/, 'notanid');
  writeFileSync(file, lines.join('\n'));
  const out = join(dir, 'summary.json');
  const bad = await cli(['parse-csv', file, '--out', out]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /line 4, column 1/);
  assert.ok(!existsSync(out), 'a failed run leaves no --out file');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'and no temporary file');
});

test('exit 2 and nothing sent: missing key, bad filter, bad option, bad id', async () => {
  const before = sb.stats.requests;
  const cases = [
    [['orders', ...base()], { PATH: env.PATH }],
    [['orders', ...base(), '--filter', 'date_created=2024-02-30...2024-03-01']],
    [['used-codes', ...base(), '--filter', 'nameonly']],
    [['orders', ...base(), '--bogus']],
    [['orders', ...base(), '--format', 'xml']],
    [['reissues', 'abc', ...base()]],
    [['voucher-order', ...base()]],
    [['nonsense']],
  ];
  for (const [args, e] of cases) {
    const r = await cli(args, e ? { env: e } : {});
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /certcentral: /);
  }
  assert.equal(sb.stats.requests, before, 'no request reached the sandbox');
});

test('exit 1 on an API error (kind, status on stderr) and --out leaves no file', async () => {
  const out = join(dir, 'vo.json');
  const r = await cli(['voucher-order', '999999999', ...base(), '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /kind http/);
  assert.match(r.stderr, /status 404/);
  assert.ok(!existsSync(out));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('NDJSON is streamed; Ctrl-C aborts, exits 130 and leaves no --out file', async () => {
  const slow = await sandbox({ orders: ORDERS, latency: { baseMs: 300, perRecordMs: 0 } });
  try {
    const pages = Math.ceil(ORDERS / 1000);
    const child = spawn(BIN, ['orders', '--base-url', slow.baseUrl], { env });
    const [first] = await once(child.stdout, 'data');
    assert.ok(String(first).startsWith('{"id":'));
    // Page 1 answered and page 2 asked for at most: the last page (3rd of 3) is not requested yet.
    assert.ok(pages >= 3);
    assert.ok(slow.stats.byPath['/services/v2/account/subaccount/order'] <= 2,
      'the first order is out before the last page is requested');
    child.kill('SIGINT');
    const [code] = await once(child, 'close');
    assert.equal(code, 130);

    const out = join(dir, 'interrupted.ndjson');
    const c2 = spawn(BIN, ['orders', '--base-url', slow.baseUrl, '--out', out], { env });
    while ((slow.stats.byPath['/services/v2/account/subaccount/order'] ?? 0) < pages + 2) await new Promise((r) => setTimeout(r, 20));
    c2.kill('SIGINT');
    const [code2] = await once(c2, 'close');
    assert.equal(code2, 130);
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('interrupted')), []);
  } finally {
    await slow.close();
  }
});

test('proxy: the four endpoints with the key added, a static directory beside them, nothing outside it; Ctrl-C exits 130', async () => {
  const site = join(dir, 'site');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), '<h1>portal</h1>');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  const child = spawn(BIN, ['proxy', '--port', '0', '--base-url', sb.baseUrl, '--serve', site], { env });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const [line] = await Promise.race([once(child.stdout, 'data'), once(child, 'close').then(([c]) => {
    throw new Error(`certcentral proxy exited ${c}: ${stderr}`);
  })]);
  const m = /certcentral proxy: (http:\/\/[^/]+)\/certcentral\//.exec(String(line));
  assert.ok(m, String(line));
  const origin = m[1];
  const orders = await fetch(`${origin}/certcentral/account/subaccount/order?limit=3`);
  assert.equal(orders.status, 200);
  const body = await orders.text();
  assert.equal(JSON.parse(body).orders.length, 3);
  assert.ok(!body.includes(KEY));
  assert.equal(await (await fetch(`${origin}/`)).text(), '<h1>portal</h1>');
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/nothing.html']) {
    assert.equal((await fetch(`${origin}${p}`)).status, 404, p);
  }
  assert.equal((await fetch(`${origin}/certcentral/user/me`)).status, 404);
  child.kill('SIGINT');
  const [code] = await once(child, 'close');
  assert.equal(code, 130);
  assert.ok(!stderr.includes(KEY));
});
