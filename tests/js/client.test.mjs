// The built npm package, installed from its tarball, against the sandbox over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, clientFor, loadPackage, KEY } from './helpers.mjs';

let sb, client, pkg;
before(async () => {
  sb = await sandbox();
  pkg = await loadPackage();
  client = await clientFor(sb);
});
after(() => sb.close());

test('listUsedVoucherCodes: typed records, filters, sort, paging', async () => {
  const all = await client.listUsedVoucherCodes();
  assert.equal(all.codes.length, sb.dataset.usedCodes.length);
  assert.equal(all.page, undefined, 'unpaged answer has no page, as the API example');
  const c = all.codes[0];
  assert.equal(typeof c.id, 'number');
  assert.equal(typeof c.certificate_order_id, 'number', 'sent as a string, typed as a number');
  assert.equal(typeof c.server_licenses, 'number');
  assert.ok(all.codes.some((x) => x.cert_validity_start_date === null), '" " decodes to null');
  assert.ok(all.codes.every((x) => x.cert_validity_start_date === null || x.cert_validity_start_date.trim() !== ''));

  const voucher = c.voucher_order_id;
  const byVoucher = await client.listUsedVoucherCodes({ filters: { voucher_order_id: voucher } });
  assert.ok(byVoucher.codes.length >= 1);
  assert.ok(byVoucher.codes.every((x) => x.voucher_order_id === voucher));

  const range = await client.listUsedVoucherCodes({
    filters: { date_valid_till: { from: '2023-01-01', to: '2023-06-30' } },
  });
  assert.ok(range.codes.length > 0);
  assert.ok(range.codes.every((x) => x.voucher_validity_end_date >= '2023-01-01' && x.voucher_validity_end_date <= '2023-06-30'));
  const before = await client.listUsedVoucherCodes({ filters: { date_valid_till: { before: '2022-01-01' } } });
  assert.ok(before.codes.every((x) => x.voucher_validity_end_date < '2022-01-01'));

  const page = await client.listUsedVoucherCodes({ sort: '-id', offset: 10, limit: 25 });
  assert.equal(page.codes.length, 25);
  assert.deepEqual(page.page, { total: all.codes.length, limit: 25, offset: 10 });
  const ids = page.codes.map((x) => x.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
});

test('exportUsedVoucherCodesCsv: the CSV of the same query', async () => {
  const csv = await client.exportUsedVoucherCodesCsv({ sort: 'id', limit: 5 });
  const lines = csv.split('\n');
  assert.equal(lines[0].split(',').length, 21);
  assert.ok(lines[0].startsWith('id,value,product_name,'));
  const json = await client.listUsedVoucherCodes({ sort: 'id', limit: 5 });
  for (let i = 0; i < 5; i++) assert.ok(lines[i + 1].startsWith(`${json.codes[i].id},${json.codes[i].value},`));
});

test('getVoucherOrder: nested product, numbers, open status', async () => {
  const { codes } = await client.listUsedVoucherCodes({ limit: 1 });
  const order = await client.getVoucherOrder(codes[0].voucher_order_id);
  assert.equal(order.id, codes[0].voucher_order_id);
  assert.ok(Array.isArray(order.codes) && order.codes.length > 0);
  for (const code of order.codes) {
    assert.equal(typeof code.id, 'number');
    assert.equal(code.product_name_id, code.product?.name_id ?? null);
  }
  assert.equal(typeof order.status, 'string');
  // ids given as digit strings work too
  assert.equal((await client.getVoucherOrder(String(order.id))).id, order.id);
});

test('getVoucherOrder: 404 is a typed http error', async () => {
  await assert.rejects(client.getVoucherOrder(987654321), (e) => {
    assert.ok(e instanceof pkg.CertCentralError);
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 404);
    assert.equal(e.errors[0].code, 'not_found');
    assert.match(e.url, /\/voucher\/987654321$/);
    return true;
  });
});

test('listOrderReissues: show_archived and dedupeBySerial', async () => {
  const withDupes = [...sb.dataset.reissues.entries()].find(([, list]) => {
    const serials = list.filter((c) => c.serial_number).map((c) => c.serial_number);
    return new Set(serials).size < serials.length && list.every((c) => !c.archived);
  });
  assert.ok(withDupes, 'the dataset has a duplicate-primary order');
  const [orderId] = withDupes;
  const raw = await client.listOrderReissues(orderId);
  const deduped = await client.listOrderReissues(orderId, { dedupeBySerial: true });
  assert.ok(deduped.certificates.length < raw.certificates.length);
  const serials = deduped.certificates.map((c) => c.serial_number).filter(Boolean);
  assert.equal(new Set(serials).size, serials.length);

  const archivedOrder = [...sb.dataset.reissues.entries()].find(([, l]) => l.some((c) => c.archived === 1));
  const [aid, alist] = archivedOrder;
  const shown = await client.listOrderReissues(aid, { showArchived: true });
  const hidden = await client.listOrderReissues(aid);
  assert.equal(shown.certificates.length, alist.length);
  assert.equal(hidden.certificates.length, alist.filter((c) => !c.archived).length);
  assert.ok(shown.certificates.some((c) => c.archived === true));
  for (const c of shown.certificates) {
    if (c.status === 'pending' || c.status === 'rejected') assert.equal(c.serial_number, null);
  }
  await assert.rejects(client.listOrderReissues(1), (e) => e.status === 404 && e.errors[0].code === 'not_found|order');
});

test('listSubaccountOrders: filters, multi-key sort, search, empty page', async () => {
  const issued = await client.listSubaccountOrders({ filters: { status: 'issued' }, limit: 1000 });
  assert.ok(issued.orders.length > 0);
  // "issued" also matches expired orders (docs/API-NOTES.md).
  assert.ok(issued.orders.every((o) => ['issued', 'expired'].includes(o.status)));
  assert.equal(issued.page.limit, 1000);

  const sorted = await client.listSubaccountOrders({ sort: ['validity_years', '-id'], limit: 300 });
  for (let i = 1; i < sorted.orders.length; i++) {
    const [a, b] = [sorted.orders[i - 1], sorted.orders[i]];
    assert.ok(a.validity_years < b.validity_years || (a.validity_years === b.validity_years && a.id > b.id));
  }

  const created = await client.listSubaccountOrders({ filters: { date_created: '2021-01-01...2021-12-31' } });
  assert.ok(created.orders.length > 0);
  assert.ok(created.orders.every((o) => o.date_created.slice(0, 4) === '2021'));

  const some = issued.orders.find((o) => o.certificate?.common_name);
  const needle = some.certificate.common_name.slice(1, 6);
  const found = await client.listSubaccountOrders({ filters: { search: `%${needle}` } });
  assert.ok(found.orders.some((o) => o.id === some.id));

  const none = await client.listSubaccountOrders({ filters: { id: 1 }, limit: 1 });
  assert.deepEqual(none.orders, [], 'a missing orders key is an empty list');
  assert.equal(none.page.total, 0);
});

test('iterateSubaccountOrders: every page to the last, records == page.total', async () => {
  const first = await client.listSubaccountOrders({ limit: 1 });
  const seen = new Set();
  let n = 0;
  for await (const order of client.iterateSubaccountOrders({ limit: 700, sort: 'id' })) {
    seen.add(order.id);
    n++;
  }
  assert.equal(n, first.page.total);
  assert.equal(seen.size, n, 'no record twice');

  let count = 0;
  for await (const _ of client.iterateSubaccountOrders({ limit: 10 })) {
    if (++count === 25) break;
  }
  assert.equal(count, 25);
});

test('collectSubaccountOrders: stops at max', async () => {
  const got = await client.collectSubaccountOrders({ max: 1234, limit: 500, filters: { status: 'pending' } });
  const total = (await client.listSubaccountOrders({ limit: 1, filters: { status: 'pending' } })).page.total;
  assert.equal(got.length, Math.min(1234, total));
  assert.ok(got.every((o) => o.status === 'pending'));
  await assert.rejects(client.collectSubaccountOrders({}), (e) => e.kind === 'invalid_input');
});

test('a bad key is a 403 that never shows the key', async () => {
  const secret = 'SECRET-KEY-MARKER-1234567890';
  const bad = await clientFor(sb, { apiKey: secret });
  await assert.rejects(bad.listSubaccountOrders(), (e) => {
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 403);
    assert.equal(e.errors[0].code, 'access_denied|access_denied_invalid_key');
    const all = [e.message, e.stack, e.url, JSON.stringify(e), JSON.stringify(Object.entries(e))].join('\n');
    assert.ok(!all.includes(secret), 'key leaked into the error');
    return true;
  });
});

test('an aborted call rejects with kind aborted, and the client keeps working', async () => {
  const slow = await clientFor(sb, { baseUrl: `${sb.url.replace(/\/$/, '')}/fault/slow-2000/services/v2` });
  const ac = new AbortController();
  const started = Date.now();
  const p = slow.listSubaccountOrders({ limit: 5 }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, (e) => e.kind === 'aborted');
  assert.ok(Date.now() - started < 1500, 'stopped at once, not after the response');
  const ok = await client.listSubaccountOrders({ limit: 5 });
  assert.equal(ok.orders.length, 5);
});

test('invalid input is refused before anything is sent', async () => {
  const before = (await (await fetch(`${sb.url}__sandbox/stats`)).json()).requests;
  const cases = [
    () => client.listSubaccountOrders({ limit: 0 }),
    () => client.listSubaccountOrders({ limit: 1001 }),
    () => client.listSubaccountOrders({ offset: -1 }),
    () => client.listSubaccountOrders({ sort: 'bogus' }),
    () => client.listSubaccountOrders({ filters: { 'status]&limit=1': 'x' } }),
    () => client.listSubaccountOrders({ filters: { date_created: 'yesterday' } }),
    () => client.listSubaccountOrders({ limt: 5 }),
    () => client.getVoucherOrder('../../account'),
    () => client.getVoucherOrder(0),
    () => client.listOrderReissues(-4),
  ];
  for (const f of cases) await assert.rejects(f(), (e) => e.kind === 'invalid_input', String(f));
  const after = (await (await fetch(`${sb.url}__sandbox/stats`)).json()).requests;
  assert.equal(after, before, 'no request reached the server');
});

test('values are percent-encoded: they cannot add parameters', async () => {
  const seen = [];
  const spy = await clientFor(sb, { onRequest: (ev) => seen.push(ev) });
  const r = await spy.listSubaccountOrders({ filters: { common_name: 'x&limit=1&filters[status]=issued' }, limit: 3 });
  assert.equal(r.page.total, 0);
  assert.equal(new URL(seen[0].url).searchParams.get('limit'), '3');
  assert.equal([...new URL(seen[0].url).searchParams.keys()].length, 2);
  assert.equal(seen[0].headers['X-DC-DEVKEY'] ?? seen[0].headers['x-dc-devkey'], undefined, 'hooks never see the key');
});

test('iterateSubaccountOrders requests the next page as soon as a page arrives, never two at once', async () => {
  const urls = [];
  const c = await clientFor(sb, { onRequest: (ev) => urls.push(new URL(ev.url).searchParams.get('offset')) });
  const it = c.iterateSubaccountOrders({ limit: 100, sort: 'id' });
  const first = await it.next();
  assert.equal(first.done, false);
  // Page 1 was handed out: page 2 is already requested, page 3 is not. Pages of 100 overlap
  // by 3 (src/paging.rs): page 2 starts at 97.
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(urls, ['0', '97']);
  for (let i = 1; i < 100; i++) await it.next(); // the rest of page 1
  assert.deepEqual(urls, ['0', '97']);
  await it.next(); // first of page 2: it has arrived, so page 3 starts
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(urls, ['0', '97', '194']);
  await it.return();
  const after = urls.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(urls.length, after, 'nothing requested after return()');
});

test('iterateSubaccountOrders: a short page in the middle, nothing skipped', async () => {
  let calls = 0;
  // Cut the first page short (as a server might): the iterator must go on from where it ended
  // (offset 90, less the overlap), not from 100.
  const shorten = async (req) => {
    const res = await fetch(req);
    if (calls++ !== 0) return res;
    const body = await res.json();
    body.orders = body.orders.slice(0, 90);
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const c = await clientFor(sb, { fetch: shorten });
  const ids = [];
  for await (const o of c.iterateSubaccountOrders({ limit: 100, sort: 'id', filters: { status: 'pending' } })) ids.push(o.id);
  const total = (await client.listSubaccountOrders({ limit: 1, filters: { status: 'pending' } })).page.total;
  assert.equal(ids.length, total, 'every record once');
  assert.equal(new Set(ids).size, total);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
});
