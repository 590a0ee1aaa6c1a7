// node --test sandbox/test/
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateDataset, USED_CODE_FIELDS } from '../data.mjs';
import { startSandbox } from '../server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KEY = 'sandbox-key';
const H = { 'X-DC-DEVKEY': KEY };

let sb;
let tmp;
const api = (p, init = {}) => fetch(sb.baseUrl + p, { ...init, headers: { ...H, ...(init.headers ?? {}) } });
const getJson = async (p, init) => {
  const r = await api(p, init);
  return { status: r.status, headers: r.headers, body: await r.json() };
};

/** Raw GET without URL normalisation (for traversal and malformed paths). */
function rawGet(port, rawPath, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: rawPath, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Minimal RFC 4180 parser that also records whether each field was quoted. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  while (i <= text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
          i++;
          break;
        }
        value += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') value += text[i++];
    }
    row.push({ value, quoted });
    if (i >= text.length) { rows.push(row); break; }
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\n') { rows.push(row); row = []; i++; continue; }
    throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  return rows;
}

const serialize = (d) => JSON.stringify({ ...d, reissues: [...d.reissues] });

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccsb-'));
  fs.mkdirSync(path.join(tmp, 'www', 'sub'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'pkg'));
  fs.writeFileSync(path.join(tmp, 'www', 'index.html'), '<!doctype html><title>demo</title>');
  fs.writeFileSync(path.join(tmp, 'www', 'app.mjs'), 'export {};');
  fs.writeFileSync(path.join(tmp, 'www', 'sub', 'style.css'), 'body{}');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'top secret');
  fs.writeFileSync(path.join(tmp, 'pkg', 'x_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(tmp, 'pkg', 'x.d.ts'), 'export declare const x: number;');
  sb = await startSandbox({ port: 0, rateLimit: false, wwwDir: path.join(tmp, 'www'), pkgDir: path.join(tmp, 'pkg') });
});
after(async () => {
  await sb?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('dataset', () => {
  test('same seed => byte-identical data; another seed differs', () => {
    assert.equal(serialize(generateDataset({ seed: 1 })), serialize(sb.dataset));
    const a = generateDataset({ seed: 2, orders: 200, usedCodes: 400 });
    const b = generateDataset({ seed: 3, orders: 200, usedCodes: 400 });
    assert.equal(serialize(a), serialize(generateDataset({ seed: 2, orders: 200, usedCodes: 400 })));
    assert.notEqual(serialize(a), serialize(b));
  });

  test('sizes, referential integrity and variety', () => {
    const d = sb.dataset;
    assert.ok(d.subaccountOrders.length >= 5000);
    assert.ok(d.usedCodes.length >= 20000);
    assert.ok(d.voucherOrders.length >= 1400 && d.voucherOrders.length <= 1600);
    const vids = new Set(d.voucherOrders.map((v) => v.id));
    for (const c of d.usedCodes) assert.ok(vids.has(c.voucher_order_id));
    assert.equal(new Set(d.usedCodes.map((c) => c.id)).size, d.usedCodes.length);
    assert.equal(new Set(d.subaccountOrders.map((o) => o.id)).size, d.subaccountOrders.length);
    const statuses = new Set(d.subaccountOrders.map((o) => o.status));
    for (const s of ['issued', 'expired', 'pending', 'rejected', 'revoked', 'canceled', 'waiting_pickup', 'reissue_pending', 'needs_approval']) assert.ok(statuses.has(s), s);
    assert.ok(new Set(d.subaccountOrders.map((o) => o.subaccount.account_id)).size >= 35);
    const years = new Set(d.subaccountOrders.map((o) => o.date_created.slice(0, 4)));
    for (let y = 2019; y <= 2025; y++) assert.ok(years.has(String(y)));
    const text = JSON.stringify(d.usedCodes) + JSON.stringify(d.subaccountOrders) + JSON.stringify(d.voucherOrders);
    for (const s of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '\\r\\n', '\\n', '\\"', '株式会社', '🔐', 'Élan']) assert.ok(text.includes(s), s);
    const cert = d.subaccountOrders.filter((o) => o.certificate).length / d.subaccountOrders.length;
    assert.ok(cert > 0.5 && cert < 0.7);
  });
});

describe('GET /voucher/download/used-codes', () => {
  test('all codes, no page, wire quirks', async () => {
    const { status, headers, body } = await getJson('/voucher/download/used-codes');
    assert.equal(status, 200);
    assert.match(headers.get('content-type'), /^application\/json/);
    assert.deepEqual(Object.keys(body), ['codes']);
    assert.equal(body.codes.length, sb.dataset.usedCodes.length);
    const c = body.codes[0];
    assert.deepEqual(Object.keys(c), USED_CODE_FIELDS);
    assert.equal(typeof c.certificate_order_id, 'string');
    assert.match(c.certificate_order_id, /^\d+$/);
    assert.equal(typeof c.server_licenses, 'string');
    assert.equal(typeof c.no_of_wildcards, 'number');
    assert.ok(body.codes.every((x) => x.status === 'used'));
    assert.ok(body.codes.some((x) => x.cert_validity_start_date === ' ' && x.order_valid_till === ' '));
    assert.ok(body.codes.every((x) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(x.created_date)));
  });

  test('offset/limit give a slice plus page; filters and sort', async () => {
    const { body } = await getJson('/voucher/download/used-codes?offset=10&limit=5');
    assert.deepEqual(body.page, { total: sb.dataset.usedCodes.length, limit: 5, offset: 10 });
    assert.deepEqual(body.codes.map((c) => c.id), sb.dataset.usedCodes.slice(10, 15).map((c) => c.id));
    const v = sb.dataset.usedCodes[123];
    const byVoucher = await getJson(`/voucher/download/used-codes?filters%5Bvoucher_order_id%5D=${v.voucher_order_id}`);
    assert.ok(byVoucher.body.codes.length >= 1);
    assert.ok(byVoucher.body.codes.every((c) => c.voucher_order_id === v.voucher_order_id));
    const byCert = await getJson(`/voucher/download/used-codes?filters[certificate_order_id]=${Number(v.certificate_order_id)}`);
    assert.deepEqual(byCert.body.codes.map((c) => c.id), [v.id]);
    const byCode = await getJson(`/voucher/download/used-codes?filters[code]=${v.value}`);
    assert.deepEqual(byCode.body.codes.map((c) => c.id), [v.id]);
    const byDate = await getJson('/voucher/download/used-codes?filters[date_valid_till]=2023-01-01...2023-03-31&filters[product_name_id]=ssl_basic');
    assert.ok(byDate.body.codes.length > 0);
    assert.ok(byDate.body.codes.every((c) => c.voucher_validity_end_date >= '2023-01-01' && c.voucher_validity_end_date <= '2023-03-31' && c.product_name === 'Basic OV'));
    const sorted = await getJson('/voucher/download/used-codes?sort=-certificate_order_id&limit=50');
    const ids = sorted.body.codes.map((c) => Number(c.certificate_order_id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.equal((await api('/voucher/download/used-codes?sort=nope')).status, 400);
  });

  test('CSV has the same records as JSON and quotes per the rule', async () => {
    const q = '?filters[date_valid_till]=>2022-06-01&sort=cert_organization,-id&offset=3&limit=1000';
    const json = (await getJson('/voucher/download/used-codes' + q)).body.codes;
    const r = await api('/voucher/download/used-codes' + q, { headers: { Accept: 'text/csv' } });
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    const text = await r.text();
    assert.ok(!text.endsWith('\n'));
    const rows = parseCsv(text);
    assert.deepEqual(rows[0].map((f) => f.value), USED_CODE_FIELDS);
    assert.equal(rows.length - 1, json.length);
    let quotedBlank = 0;
    let hostile = 0;
    rows.slice(1).forEach((row, i) => {
      assert.deepEqual(row.map((f) => f.value), USED_CODE_FIELDS.map((k) => String(json[i][k])));
      for (const f of row) {
        assert.equal(f.quoted, /[ ,"\r\n]/.test(f.value), JSON.stringify(f));
        if (f.value === ' ') quotedBlank++;
        if (/[",\n]/.test(f.value)) hostile++;
      }
    });
    assert.ok(quotedBlank > 0);
    assert.ok(hostile > 0, 'hostile text reaches the CSV');
    assert.ok(text.includes(',"Basic OV",') || text.includes(',"Standard SSL",'));
    // The whole export, unpaged, matches the dataset order.
    const all = parseCsv(await (await api('/voucher/download/used-codes', { headers: { Accept: 'text/csv' } })).text());
    assert.equal(all.length - 1, sb.dataset.usedCodes.length);
    assert.equal(all[1][0].value, String(sb.dataset.usedCodes[0].id));
  });
});

describe('GET /voucher/{id}', () => {
  test('shape and quirks', async () => {
    const withString = sb.dataset.voucherOrders.find((v) => v.codes.some((c) => typeof c.id === 'string'));
    assert.ok(withString, 'some voucher orders have digit-string code ids');
    const { status, body } = await getJson(`/voucher/${withString.id}`);
    assert.equal(status, 200);
    assert.deepEqual(body, withString);
    assert.deepEqual(body.page, { total: 0, limit: 0, offset: 0 });
    assert.equal(typeof body.cost, 'number');
    assert.equal(typeof body.can_cancel, 'boolean');
    const c = body.codes[0];
    assert.deepEqual(Object.keys(c.product), ['group_name', 'name_id', 'name']);
    assert.equal(typeof c.status, 'string');
    const all = sb.dataset.voucherOrders;
    assert.ok(all.some((v) => 'used_from' in v) && all.some((v) => !('used_from' in v)));
    const st = new Set(all.map((v) => v.status));
    for (const s of ['completed', 'canceled', 'active', 'used']) assert.ok(st.has(s));
  });
  test('unknown id => 404 not_found; non-numeric => not_found|route', async () => {
    const a = await getJson('/voucher/1');
    assert.equal(a.status, 404);
    assert.equal(a.body.errors[0].code, 'not_found');
    const b = await getJson('/voucher/abc');
    assert.equal(b.status, 404);
    assert.equal(b.body.errors[0].code, 'not_found|route');
  });
});

describe('GET /order/certificate/{id}/reissue', () => {
  test('archived hidden by default; fields absent by status', async () => {
    const [id, list] = [...sb.dataset.reissues].find(([, l]) => l.some((r) => r.archived === 1) && l.some((r) => r.status === 'pending' || r.status === 'rejected'))
      ?? [...sb.dataset.reissues].find(([, l]) => l.some((r) => r.archived === 1));
    const def = (await getJson(`/order/certificate/${id}/reissue`)).body;
    assert.deepEqual(Object.keys(def), ['certificates']);
    assert.ok(def.certificates.every((r) => r.archived === 0));
    const all = (await getJson(`/order/certificate/${id}/reissue?show_archived=true`)).body;
    assert.deepEqual(all.certificates, list);
    for (const r of [...sb.dataset.reissues.values()].flat()) {
      const hasCert = r.status === 'issued' || r.status === 'revoked';
      for (const k of ['date_issued', 'valid_till', 'days_remaining', 'thumbprint', 'serial_number']) {
        if (!hasCert) assert.ok(!(k in r), `${k} on ${r.status}`);
      }
      if ('receipt_id' in r) assert.match(r.receipt_id + r.purchased_dns_names + r.purchased_wildcard_names, /^\d+$/);
    }
  });
  test('duplicate-primary bug present; empty lists; 404', async () => {
    const dup = [...sb.dataset.reissues].find(([, l]) => {
      const s = l.filter((r) => r.serial_number).map((r) => r.serial_number);
      return new Set(s).size < s.length;
    });
    assert.ok(dup, 'some order lists copies of its primary certificate');
    const o = sb.dataset.subaccountOrders.find((x) => x.id === dup[0]);
    if (o.certificate) assert.ok(dup[1].some((r) => r.serial_number === o.certificate.serial_number));
    const empty = [...sb.dataset.reissues].find(([, l]) => l.length === 0);
    assert.deepEqual((await getJson(`/order/certificate/${empty[0]}/reissue`)).body, { certificates: [] });
    const nf = await getJson('/order/certificate/1/reissue');
    assert.equal(nf.status, 404);
    assert.equal(nf.body.errors[0].code, 'not_found|order');
  });
});

describe('GET /account/subaccount/order', () => {
  const list = (q = '') => getJson('/account/subaccount/order' + q);

  test('default page: 1000 orders, limit 0 (doc quirk); optional keys', async () => {
    const { body } = await list();
    assert.equal(body.orders.length, 1000);
    assert.deepEqual(body.page, { total: sb.dataset.subaccountOrders.length, limit: 0, offset: 0 });
    const all = sb.dataset.subaccountOrders;
    assert.ok(all.some((o) => o.organization) && all.some((o) => o.order_prices));
    for (const o of all) {
      const issued = 'date_issued' in o;
      if (o.certificate) assert.equal('serial_number' in o.certificate, issued);
      if (o.certificate) assert.equal('valid_till' in o.certificate, issued);
      assert.match(o.date_created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    }
  });

  test('limit validation', async () => {
    for (const l of ['0', '1001', '-1', '1.5', 'x']) {
      const r = await list(`?limit=${l}`);
      assert.equal(r.status, 400, l);
      assert.equal(r.body.errors[0].code, 'invalid_value:limit');
    }
  });

  test('paging: sum of pages == total, no overlap', async () => {
    const q = '&filters[status]=pending&sort=-date_created';
    const first = (await list(`?limit=100${q}`)).body;
    const ids = [];
    for (let off = 0; off < first.page.total; off += 100) {
      const p = (await list(`?limit=100&offset=${off}${q}`)).body;
      assert.equal(p.page.total, first.page.total);
      ids.push(...p.orders.map((o) => o.id));
    }
    assert.equal(ids.length, first.page.total);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('empty result omits orders', async () => {
    assert.deepEqual((await list('?filters[id]=1&limit=1')).body, { page: { total: 0, limit: 1, offset: 0 } });
    const beyond = (await list('?offset=999999')).body;
    assert.ok(!('orders' in beyond));
    assert.equal(beyond.page.total, sb.dataset.subaccountOrders.length);
  });

  test('filters: exact, status issued includes expired, raw and encoded brackets, dates, search', async () => {
    const o = sb.dataset.subaccountOrders.find((x) => x.certificate?.valid_till);
    assert.deepEqual((await list(`?filters[id]=${o.id}`)).body.orders.map((x) => x.id), [o.id]);
    assert.deepEqual((await list(`?filters%5Bcertificate_id%5D=${o.certificate.id}`)).body.orders.map((x) => x.id), [o.id]);
    const raw = (await list('?filters[status]=issued&filters[account_type]=reseller')).body;
    const enc = (await list('?filters%5Bstatus%5D=issued&filters%5baccount_type%5d=reseller')).body;
    assert.deepEqual(raw, enc);
    assert.ok(raw.orders.some((x) => x.status === 'expired') && raw.orders.some((x) => x.status === 'issued'));
    assert.ok(raw.orders.every((x) => x.subaccount.account_type === 'reseller' && ['issued', 'expired'].includes(x.status)));
    const sub = o.subaccount.account_id;
    assert.ok((await list(`?filters[subaccount]=${sub}`)).body.orders.every((x) => x.subaccount.account_id === sub));
    const range = (await list('?filters[date_created]=2021-03-01...2021-03-31')).body.orders;
    assert.ok(range.length > 0 && range.every((x) => x.date_created.slice(0, 10) >= '2021-03-01' && x.date_created.slice(0, 10) <= '2021-03-31'));
    const withTime = (await list('?filters[date_created]=2021-03-01+00:00:00...2021-03-31+23:59:59')).body.orders;
    assert.deepEqual(withTime.map((x) => x.id), range.map((x) => x.id));
    const beforeD = (await list('?filters[date_created]=<2019-02-01')).body.orders;
    assert.ok(beforeD.length > 0 && beforeD.every((x) => x.date_created.slice(0, 10) < '2019-02-01'));
    const afterD = (await list('?filters%5Bvalid_till%5D=%3E2027-06-01')).body.orders;
    assert.ok(afterD.length > 0 && afterD.every((x) => x.certificate.valid_till > '2027-06-01'));
    assert.equal((await list('?filters[date_created]=2021-13-45')).status, 400);
    const search = (await list('?filters[search]=%25SCRIPT')).body.orders;
    assert.ok(search.length > 0 && search.every((x) => x.certificate.common_name.toLowerCase().includes('script')));
    const exact = (await list(`?filters[common_name]=${encodeURIComponent(o.certificate.common_name)}`)).body.orders;
    assert.ok(exact.some((x) => x.id === o.id) && exact.every((x) => x.certificate.common_name === o.certificate.common_name));
    assert.equal((await list('?filters[no_such_filter]=x&limit=1')).body.page.total, sb.dataset.subaccountOrders.length);
    const prod = (await list('?filters[product_name_id]=code_signing_ev')).body.orders;
    assert.ok(prod.length > 0 && prod.every((x) => x.product.name_id === 'code_signing_ev'));
  });

  test('sort: multi-key, descending, stable; unknown key 400', async () => {
    const { orders } = (await list('?sort=validity_years,-date_created&filters[account_type]=managed')).body;
    for (let i = 1; i < orders.length; i++) {
      const a = orders[i - 1];
      const b = orders[i];
      assert.ok(a.validity_years <= b.validity_years);
      if (a.validity_years === b.validity_years) assert.ok(Date.parse(a.date_created) >= Date.parse(b.date_created));
    }
    const byPid = (await list('?sort=product_name_id&limit=1000')).body.orders;
    for (let i = 1; i < byPid.length; i++) {
      if (byPid[i - 1].product.name_id === byPid[i].product.name_id) assert.ok(byPid[i - 1].id < byPid[i].id, 'stable');
    }
    const bad = await list('?sort=id,bogus');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].code, 'bad_request_format');
  });
});

describe('protocol', () => {
  test('403 on a bad or missing key, key never echoed', async () => {
    const r = await fetch(sb.baseUrl + '/voucher/download/used-codes', { headers: { 'X-DC-DEVKEY': 'wrong-secret-123' } });
    assert.equal(r.status, 403);
    const text = await r.text();
    assert.ok(!text.includes('wrong-secret-123'));
    assert.equal(JSON.parse(text).errors[0].code, 'access_denied|access_denied_invalid_key');
    assert.equal(r.headers.get('access-control-allow-origin'), null, 'no CORS by default');
    assert.equal((await fetch(sb.baseUrl + '/account/subaccount/order')).status, 403);
  });
  test('404 route, 405 method, malformed query 400', async () => {
    const a = await getJson('/nope');
    assert.equal(a.status, 404);
    assert.equal(a.body.errors[0].code, 'not_found|route');
    assert.equal((await getJson('/order/certificate/abc/reissue')).body.errors[0].code, 'not_found|route');
    const m = await api('/account/subaccount/order', { method: 'POST', body: '{}' });
    assert.equal(m.status, 405);
    assert.ok((await m.json()).errors[0].code);
    const bad = await rawGet(sb.port, '/services/v2/account/subaccount/order?filters[search]=%E0%A4%A', H);
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).errors[0].code, 'bad_request_format');
  });
  test('like DigiCert, no Access-Control-* header on any answer by default', async () => {
    /** The headers of an answer (the body is not read: `truncated` and `huge` never end well). */
    const headersOf = (rawPath, { method = 'GET', headers = {} } = {}) => new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: sb.port, path: rawPath, method, headers: { Origin: 'http://example.test', ...headers }, agent: false }, (res) => {
        resolve({ status: res.statusCode, headers: res.headers });
        res.destroy();
      });
      req.on('error', reject);
      req.end();
    });
    const cases = [
      ['/services/v2/account/subaccount/order?limit=1', { headers: H }],
      ['/services/v2/voucher/download/used-codes?format=csv', { headers: H }],
      ['/services/v2/voucher/1', {}],
      ['/services/v2/voucher/1', { method: 'POST', headers: H }],
      ['/services/v2/account/subaccount/order', { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-dc-devkey' } }],
      ['/services/v2/voucher/1', { headers: { ...H, 'X-Sandbox-Fault': '429' } }],
      ['/services/v2/voucher/1', { headers: { ...H, 'X-Sandbox-Fault': 'truncated' } }],
      ['/services/v2/account/subaccount/order', { headers: { ...H, 'X-Sandbox-Fault': 'huge' } }],
      ['/', {}],
      ['/pkg/x_bg.wasm', {}],
      ['/missing.js', {}],
      ['/__sandbox/stats', {}],
    ];
    const statuses = [];
    for (const [p, init] of cases) {
      const r = await headersOf(p, init);
      statuses.push(r.status);
      const acl = Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));
      assert.deepEqual(acl, [], `${init.method ?? 'GET'} ${p} ${init.headers?.['X-Sandbox-Fault'] ?? ''}`);
    }
    assert.deepEqual(statuses, [200, 200, 403, 405, 204, 429, 404, 200, 200, 200, 404, 200]);
  });
  test('cors: true (CLI --cors): CORS headers on every answer, preflight without a key', async () => {
    const c = await startSandbox({ port: 0, rateLimit: false, orders: 5, usedCodes: 5, cors: true, wwwDir: path.join(tmp, 'www'), pkgDir: path.join(tmp, 'pkg') });
    try {
      const r = await fetch(c.baseUrl + '/account/subaccount/order', {
        method: 'OPTIONS',
        headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-dc-devkey' },
      });
      assert.equal(r.status, 204);
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.match(r.headers.get('access-control-allow-headers') ?? '', /X-DC-DEVKEY/);
      assert.match(r.headers.get('access-control-allow-methods') ?? '', /GET/);
      assert.match(r.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
      for (const [p, h] of [['services/v2/voucher/1', H], ['services/v2/voucher/1', {}], ['services/v2/voucher/1', { ...H, 'X-Sandbox-Fault': '429' }], ['', {}], ['missing.js', {}]]) {
        const a = await fetch(c.url + p, { headers: h });
        await a.arrayBuffer();
        assert.equal(a.headers.get('access-control-allow-origin'), '*', p);
      }
    } finally {
      await c.close();
    }
  });
  test('stats', async () => {
    const s = await (await fetch(sb.url + '__sandbox/stats')).json();
    assert.ok(s.requests > 10);
    assert.ok(s.byPath['/services/v2/account/subaccount/order'] > 5);
    assert.equal(typeof s.rateLimited, 'number');
  });
});

describe('faults', () => {
  test('503*2 then success; counters reset', async () => {
    const p = sb.url + 'fault/503*2/services/v2/voucher/download/used-codes?limit=1';
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(p, { headers: H });
      seen.push(r.status);
      await r.arrayBuffer();
    }
    assert.deepEqual(seen, [503, 503, 200]);
    assert.equal((await fetch(sb.url + '__sandbox/reset', { method: 'POST' })).status, 200);
    assert.equal((await fetch(p, { headers: H })).status, 503);
  });
  test('header X-Sandbox-Fault; 429 flavours', async () => {
    const r = await api('/voucher/1', { headers: { 'X-Sandbox-Fault': '429' } });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.equal((await r.json()).errors[0].code, 'request_limit_exceeded');
    const n = await fetch(sb.url + 'fault/429-noretry/services/v2/voucher/1', { headers: H });
    assert.equal(n.status, 429);
    assert.equal(n.headers.get('retry-after'), null);
    const d = await fetch(sb.url + 'fault/429-date/x', { headers: H });
    assert.ok(Date.parse(d.headers.get('retry-after')) > Date.now());
  });
  test('reset, truncated, stall, invalid bodies', async () => {
    await assert.rejects(fetch(sb.url + 'fault/reset/services/v2/voucher/1', { headers: H }));
    const t = await fetch(sb.url + 'fault/truncated/services/v2/account/subaccount/order?limit=5', { headers: H });
    assert.equal(t.status, 200);
    await assert.rejects(t.text());
    await assert.rejects(fetch(sb.url + 'fault/stall/services/v2/voucher/1', { headers: H, signal: AbortSignal.timeout(150) }));
    const h = await fetch(sb.url + 'fault/html200/services/v2/voucher/1', { headers: H });
    assert.match(h.headers.get('content-type'), /text\/html/);
    assert.match(await h.text(), /^<!DOCTYPE html>/);
    const j = await fetch(sb.url + 'fault/invalid-json/services/v2/account/subaccount/order', { headers: H });
    await assert.rejects(j.json());
    const w = await api('/account/subaccount/order?limit=1', { headers: { 'X-Sandbox-Fault': 'wrong-content-type' } });
    assert.match(w.headers.get('content-type'), /^text\/plain/);
    assert.equal(JSON.parse(await w.text()).orders.length, 1);
    const u = Buffer.from(await (await api('/account/subaccount/order?limit=1', { headers: { 'X-Sandbox-Fault': 'invalid-utf8' } })).arrayBuffer());
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(u));
    const totals = [];
    for (let i = 0; i < 2; i++) totals.push((await (await api('/account/subaccount/order?limit=1', { headers: { 'X-Sandbox-Fault': 'total-changes' } })).json()).page.total);
    assert.notEqual(totals[0], totals[1]);
    const t0 = Date.now();
    assert.equal((await fetch(sb.url + 'fault/slow-120/services/v2/voucher/1', { headers: H })).status, 404);
    assert.ok(Date.now() - t0 >= 100);
    assert.equal((await api('/voucher/1', { headers: { 'X-Sandbox-Fault': 'bogus' } })).status, 400);
  });
});

describe('static files', () => {
  test('MIME types, index.html, 404', async () => {
    const idx = await fetch(sb.url);
    assert.equal(idx.status, 200);
    assert.match(idx.headers.get('content-type'), /^text\/html/);
    assert.match(await idx.text(), /demo/);
    assert.match((await fetch(sb.url + 'app.mjs')).headers.get('content-type'), /^text\/javascript/);
    assert.match((await fetch(sb.url + 'sub/style.css')).headers.get('content-type'), /^text\/css/);
    const wasm = await fetch(sb.url + 'pkg/x_bg.wasm');
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal((await wasm.arrayBuffer()).byteLength, 8);
    assert.match((await fetch(sb.url + 'pkg/x.d.ts')).headers.get('content-type'), /^text\//);
    assert.equal((await fetch(sb.url + 'missing.js')).status, 404);
  });
  test('no directory traversal', async () => {
    for (const p of ['/../secret.txt', '/pkg/../secret.txt', '/pkg/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt',
      '/pkg/..%2f..%2fsecret.txt', '/..\\secret.txt', '/../../../../etc/passwd', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      const r = await rawGet(sb.port, p);
      assert.ok(r.status === 404 || r.status === 400, `${p} -> ${r.status}`);
      assert.ok(!r.body.includes('top secret') && !r.body.includes('root:'), p);
    }
  });
  test('missing folders give 404, not a crash', async () => {
    const other = await startSandbox({ port: 0, orders: 5, usedCodes: 5, wwwDir: path.join(tmp, 'nope'), pkgDir: path.join(tmp, 'nope2') });
    try {
      assert.equal((await fetch(other.url)).status, 404);
      assert.equal((await fetch(other.url + 'pkg/x.wasm')).status, 404);
    } finally {
      await other.close();
    }
  });
});

test('rate limit: rolling window per key, 429 without Retry-After', async () => {
  const rl = await startSandbox({ port: 0, orders: 20, usedCodes: 20, keys: ['k1', 'k2'], rateLimit: [{ max: 3, windowMs: 500 }] });
  try {
    const get = (k) => fetch(rl.baseUrl + '/voucher/1', { headers: { 'X-DC-DEVKEY': k } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await get('k1')).status);
    assert.deepEqual(codes, [404, 404, 404, 429]);
    const r = await get('k1');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), null);
    assert.equal((await r.json()).errors[0].code, 'request_limit_exceeded');
    assert.equal((await get('k2')).status, 404, 'per key');
    assert.equal(rl.stats.rateLimited, 2);
    await new Promise((res) => setTimeout(res, 550));
    assert.equal((await get('k1')).status, 404);
  } finally {
    await rl.close();
  }
});

test('CLI prints the first line and serves', async () => {
  const child = spawn(process.execPath, [path.join(HERE, '..', 'server.mjs'), '--port', '0', '--orders', '10', '--used-codes', '10', '--no-rate-limit'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.split('\n')[0]);
      });
      child.on('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const m = /^certcentral sandbox: http:\/\/127\.0\.0\.1:(\d+)\/ \(API base http:\/\/127\.0\.0\.1:\1\/services\/v2, key sandbox-key\)$/.exec(line);
    assert.ok(m, line);
    const r = await fetch(`http://127.0.0.1:${m[1]}/services/v2/account/subaccount/order`, { headers: H });
    assert.equal((await r.json()).page.total, 10);
  } finally {
    child.kill('SIGTERM');
  }
});
