// Security properties of the installed package, in Node, against the sandbox:
// - the API key travels in the X-DC-DEVKEY header only: never in a URL, a hook payload or any
//   part of any error (message, stack, own properties, JSON, String, util.inspect);
// - plain http only to loopback hosts unless allowInsecureHttp;
// - ids and query values cannot change the path or add parameters, and bad ones send nothing;
// - extra headers cannot set the key or smuggle a line break;
// - the response size bound is configurable.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { sandbox, loadPackage } from './helpers.mjs';

const KEY = 'KEYMARKER-9f8e7d6c5b4a';
const REVOKED = 'KEYMARKER-0a1b2c3d4e5f-revoked';
/** Every key of this file starts with this: none of it may show up anywhere. */
const MARK = 'KEYMARKER';

let sb, pkg;
before(async () => {
  sb = await sandbox({ keys: [KEY] });
  pkg = await loadPackage();
});
after(() => sb.close());
beforeEach(() => sb.reset());

/**
 * A client with the marker key whose every request is captured by an injected fetch
 * (`h.requests`: url + headers), and whose hook events are kept (`h.events`).
 */
async function spied(options = {}) {
  const h = { requests: [], events: [] };
  h.client = await pkg.createClient({
    apiKey: KEY,
    baseUrl: sb.baseUrl,
    rateLimit: false,
    fetch: (req) => {
      h.requests.push({ url: req.url, headers: Object.fromEntries(req.headers) });
      return globalThis.fetch(req);
    },
    onRequest: (ev) => h.events.push(ev),
    onResponse: (ev) => h.events.push(ev),
    ...options,
  });
  return h;
}

/** Every way an error can be looked at. */
function views(e) {
  const out = [
    ['message', e?.message],
    ['stack', e?.stack],
    ['String', String(e)],
    ['JSON', JSON.stringify(e)],
    ['inspect', inspect(e, { showHidden: true, depth: 10 })],
  ];
  for (const k of [...Object.getOwnPropertyNames(e), ...Object.getOwnPropertySymbols(e)]) {
    const v = e[k];
    out.push([`property ${String(k)}`, typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)]);
  }
  return out;
}

function assertNoKey(e, what) {
  assert.ok(e instanceof pkg.CertCentralError, `${what}: a CertCentralError, got ${e}`);
  for (const [where, text] of views(e)) {
    assert.ok(!String(text).includes(MARK), `${what}: the key shows in the error's ${where}: ${text}`);
  }
}

/** The key only ever went out as the X-DC-DEVKEY header, and hooks never saw it. */
function assertKeyOnlyInHeader(h, key = KEY) {
  assert.ok(h.requests.length > 0);
  for (const r of h.requests) {
    assert.ok(!r.url.includes(MARK), `key in URL ${r.url}`);
    assert.ok(!decodeURIComponent(r.url).includes(MARK), `key in decoded URL ${r.url}`);
    assert.equal(r.headers['x-dc-devkey'], key, 'the key is sent, in its header');
    for (const [name, value] of Object.entries(r.headers)) {
      if (name !== 'x-dc-devkey') assert.ok(!value.includes(MARK), `key in header ${name}`);
    }
  }
  const events = JSON.stringify(h.events);
  assert.ok(h.events.length > 0);
  assert.ok(!events.includes(MARK), `key in a hook payload: ${events}`);
  for (const ev of h.events) assert.ok(!new URL(ev.url).href.includes(MARK));
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

// -- the key -----------------------------------------------------------------------------------

test('key: a successful call sends it in X-DC-DEVKEY only; hooks and URLs never see it', async () => {
  const h = await spied();
  const r = await h.client.listSubaccountOrders({ limit: 2, filters: { status: 'issued' } });
  assert.equal(r.orders.length, 2);
  await h.client.listUsedVoucherCodes({ limit: 1 });
  await h.client.exportUsedVoucherCodesCsv({ limit: 1 });
  assertKeyOnlyInHeader(h);
  const reqEvents = h.events.filter((e) => e.headers);
  assert.ok(reqEvents.length >= 3);
  for (const ev of reqEvents) {
    assert.ok(!Object.keys(ev.headers).some((k) => k.toLowerCase() === 'x-dc-devkey'), 'onRequest sees no key header');
  }
});

test('key: http error (403, revoked key) never shows it', async () => {
  const h = await spied({ apiKey: REVOKED });
  const e = await rejection(h.client.listSubaccountOrders({ limit: 1 }));
  assert.equal(e.kind, 'http');
  assert.equal(e.status, 403);
  assertNoKey(e, '403');
  assertKeyOnlyInHeader(h, REVOKED);
});

test('key: http error (404) never shows it', async () => {
  const h = await spied();
  const e = await rejection(h.client.getVoucherOrder(987654321));
  assert.equal(e.kind, 'http');
  assert.equal(e.status, 404);
  assertNoKey(e, '404');
  assertKeyOnlyInHeader(h);
});

test('key: network error (reset) never shows it', async () => {
  const h = await spied({ headers: { 'X-Sandbox-Fault': 'reset' }, maxRetries: 1 });
  const e = await rejection(h.client.listSubaccountOrders({ limit: 1 }));
  assert.equal(e.kind, 'network');
  assertNoKey(e, 'reset');
  assertKeyOnlyInHeader(h);
});

test('key: timeout (stall) never shows it', async () => {
  const h = await spied({ headers: { 'X-Sandbox-Fault': 'stall' }, timeoutMs: 200, maxRetries: 0 });
  const e = await rejection(h.client.listSubaccountOrders({ limit: 1 }));
  assert.equal(e.kind, 'timeout');
  assertNoKey(e, 'stall');
  assertKeyOnlyInHeader(h);
});

test('key: aborted call never shows it', async () => {
  const h = await spied({ headers: { 'X-Sandbox-Fault': 'slow-2000' } });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const e = await rejection(h.client.listSubaccountOrders({ limit: 1 }, { signal: ac.signal }));
  assert.equal(e.kind, 'aborted');
  assertNoKey(e, 'abort');
});

for (const fault of ['invalid-json', 'html200', 'invalid-utf8', 'truncated']) {
  test(`key: ${fault} error never shows it`, async () => {
    const h = await spied({ headers: { 'X-Sandbox-Fault': fault }, maxRetries: 0 });
    const e = await rejection(h.client.listSubaccountOrders({ limit: 1 }));
    assert.ok(['decode', 'network'].includes(e.kind), e.kind);
    assertNoKey(e, fault);
    assertKeyOnlyInHeader(h);
  });
}

test('key: decode error of a too-large body never shows it', async () => {
  const h = await spied({ maxResponseBytes: 100 });
  const e = await rejection(h.client.listSubaccountOrders({ limit: 5 }));
  assert.equal(e.kind, 'decode');
  assertNoKey(e, 'maxResponseBytes');
});

test('key: invalid_input errors (query, ids, options) never show it', async () => {
  const h = await spied();
  const errors = [
    await rejection(h.client.listSubaccountOrders({ limit: 0 })),
    await rejection(h.client.listSubaccountOrders({ filters: { date_created: 'never' } })),
    await rejection(h.client.getVoucherOrder('../x')),
    await rejection(h.client.listOrderReissues(1, { showArchived: 'yes' })),
    await rejection(h.client.listSubaccountOrders({}, { timeoutMs: -1 })),
  ];
  const create = async (o) => rejection(pkg.createClient({ apiKey: KEY, ...o }));
  errors.push(await create({ baseUrl: 'http://example.com/services/v2' }));
  errors.push(await create({ baseUrl: `https://${KEY}@www.digicert.com/services/v2` }));
  errors.push(await create({ headers: { 'X-DC-DEVKEY': KEY } }));
  errors.push(await create({ headers: { 'X-Other': `${KEY}\r\nX-Injected: 1` } }));
  errors.push(await create({ bogusOption: KEY }));
  errors.push(await rejection(pkg.createClient({ apiKey: `${KEY} with a space` })));
  errors.push(await rejection(pkg.createClient({ apiKey: `${KEY}\n` })));
  for (const [i, e] of errors.entries()) {
    assert.equal(e.kind, 'invalid_input', `case ${i}: ${e.message}`);
    assertNoKey(e, `invalid_input case ${i}`);
  }
  assert.equal(h.requests.length, 0, 'nothing was sent');
});

test('key: an injected fetch that fails quoting the key: the network error redacts it', async () => {
  const client = await pkg.createClient({
    apiKey: KEY,
    baseUrl: sb.baseUrl,
    rateLimit: false,
    maxRetries: 0,
    fetch: async (req) => { throw new TypeError(`proxy refused key ${req.headers.get('x-dc-devkey')}`); },
  });
  const e = await rejection(client.listSubaccountOrders());
  assert.equal(e.kind, 'network');
  assert.match(e.message, /\[redacted\]/);
  assertNoKey(e, 'fetch error');
});

test('key: a server (or proxy) error body that echoes the key: the http error redacts it', async () => {
  const client = await pkg.createClient({
    apiKey: KEY,
    baseUrl: sb.baseUrl,
    rateLimit: false,
    fetch: async (req) => new Response(
      JSON.stringify({ errors: [{ code: 'access_denied|access_denied_invalid_key', message: `Key ${req.headers.get('x-dc-devkey')} is revoked.` }] }),
      { status: 403, headers: { 'Content-Type': 'application/json' } },
    ),
  });
  const e = await rejection(client.listSubaccountOrders());
  assert.equal(e.kind, 'http');
  assert.equal(e.status, 403);
  assert.equal(e.errors[0].code, 'access_denied|access_denied_invalid_key');
  assertNoKey(e, 'echoed key');
});

// -- base URL ----------------------------------------------------------------------------------

test('baseUrl: plain http refused unless loopback or allowInsecureHttp', async () => {
  const refused = [
    'http://example.com/services/v2',
    'HTTP://EXAMPLE.COM/services/v2',
    'http://127.0.0.1.example.com/services/v2',
    'http://localhost.example.com/services/v2',
    'http://10.0.0.1/services/v2',
    'ftp://example.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    '//example.com/services/v2',
    'https://user:pass@www.digicert.com/services/v2',
    'https://www.digicert.com/services/v2?x=1',
    'https://www.digicert.com/services/v2#f',
    'https://www.digicert.com/a/../services/v2',
    'https://www.digicert.com\\@evil.com/',
    'https://www.digicert.com /services/v2',
  ];
  for (const baseUrl of refused) {
    const e = await rejection(pkg.createClient({ baseUrl }));
    assert.equal(e.kind, 'invalid_input', `${baseUrl}: ${e.message}`);
    assert.match(e.message, /baseUrl/);
  }
  for (const baseUrl of ['http://127.0.0.1:8787/services/v2', 'http://localhost:8787/services/v2', 'http://[::1]:8787/services/v2',
    'https://www.digicert.com/services/v2', 'https://certcentral.digicert.eu/services/v2']) {
    await pkg.createClient({ baseUrl });
  }
  await pkg.createClient({ baseUrl: 'http://example.com/services/v2', allowInsecureHttp: true });
  await assert.rejects(pkg.createClient({ baseUrl: 'http://example.com', allowInsecureHttp: 'yes' }), (e) => e.kind === 'invalid_input');
});

test('baseUrl: loopback over plain http works end to end (127.0.0.1 and localhost)', async () => {
  const port = new URL(sb.url).port;
  for (const host of ['127.0.0.1', 'localhost']) {
    const client = await pkg.createClient({ apiKey: KEY, baseUrl: `http://${host}:${port}/services/v2`, rateLimit: false });
    const r = await client.listSubaccountOrders({ limit: 1 });
    assert.equal(r.orders.length, 1, host);
  }
});

// -- ids and query values ----------------------------------------------------------------------

const BAD_IDS = ['../x', '..', '1/2', '1?x=1', '1#x', '1&x=1', '%2e%2e', '%2F', '1%2F2', ' 1', '1 ', '', '0', '-1', '+1',
  '0x10', '1e3', '1.5', '１２', '99999999999999999', 1.5, -1, 0, -0, NaN, Infinity, -Infinity, 2 ** 53, 1e21,
  Number.MAX_VALUE, {}, { id: 1 }, [], [1], true, null, undefined, () => 1, Symbol('x'), 0n, -5n, 2n ** 64n];
// (A BigInt like 10n is read as the id 10: harmless, so it is not in this list.)

test('ids: traversal, injection, non-integers and non-positive values are invalid_input, nothing sent', async () => {
  const h = await spied();
  for (const id of BAD_IDS) {
    const label = typeof id === 'symbol' ? 'symbol' : typeof id === 'bigint' ? `${id}n` : JSON.stringify(id) ?? String(id);
    for (const call of [() => h.client.getVoucherOrder(id), () => h.client.listOrderReissues(id)]) {
      let e;
      try {
        await call();
      } catch (err) {
        e = err;
      }
      assert.ok(e, `${label} was accepted`);
      assert.equal(e.kind, 'invalid_input', `${label}: ${e.message}`);
    }
  }
  assert.equal(h.requests.length, 0, 'the injected fetch was never called');
  // Good ids still work, as numbers and digit strings.
  const order = sb.dataset.voucherOrders[0];
  assert.equal((await h.client.getVoucherOrder(order.id)).id, order.id);
  assert.equal((await h.client.getVoucherOrder(String(order.id))).id, order.id);
  assert.equal(new URL(h.requests[0].url).pathname, `/services/v2/voucher/${order.id}`);
});

test('query values: percent-encoded, one parameter each, never a path change', async () => {
  const h = await spied();
  const nasty = ['a&limit=1', 'x=y', '#frag', 'a b', '../../voucher/1', '?x', '%00', '%', 'é<script>', '\r\nX-A: 1', 'a+b'];
  for (const v of nasty) {
    await h.client.listSubaccountOrders({ filters: { common_name: v }, limit: 2 });
  }
  for (const [i, r] of h.requests.entries()) {
    const u = new URL(r.url);
    assert.equal(u.pathname, '/services/v2/account/subaccount/order');
    assert.equal(u.hash, '');
    assert.deepEqual([...u.searchParams.keys()], ['filters[common_name]', 'limit']);
    assert.equal(u.searchParams.get('filters[common_name]'), nasty[i].replace(/\+/g, '+'));
    assert.equal(u.searchParams.get('limit'), '2');
  }
  // Filter names are checked, not encoded.
  const before = h.requests.length;
  for (const name of ['a]&b', 'A', '../x', 'a b', 'x'.repeat(65), '']) {
    await assert.rejects(h.client.listSubaccountOrders({ filters: { [name]: 'v' } }), (e) => e.kind === 'invalid_input', name);
  }
  assert.equal(h.requests.length, before);
});

// -- headers -----------------------------------------------------------------------------------

test('headers option: cannot set the key (any case) or a line break; valid ones are sent', async () => {
  const bad = [
    { 'X-DC-DEVKEY': 'other' },
    { 'x-dc-devkey': 'other' },
    { 'X-Dc-DevKey': 'other' },
    { 'X-A': 'v\r\nX-DC-DEVKEY: other' },
    { 'X-A': 'v\nX-B: 1' },
    { 'X-A': 'v\rX-B: 1' },
    { 'X-A': 'v\0' },
    { 'X-A\r\nX-B': 'v' },
    { 'X A': 'v' },
    { '': 'v' },
    { 'X-A': 5 },
    { 'X-A': null },
  ];
  for (const headers of bad) {
    const e = await rejection(pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, headers }));
    assert.equal(e.kind, 'invalid_input', `${JSON.stringify(headers)}: ${e.message}`);
  }
  const h = await spied({ headers: { 'X-Trace': 'abc-123' } });
  await h.client.listSubaccountOrders({ limit: 1 });
  assert.equal(h.requests[0].headers['x-trace'], 'abc-123');
  assert.equal(h.requests[0].headers['x-dc-devkey'], KEY);
});

// -- response size bound -----------------------------------------------------------------------

test('maxResponseBytes: configurable; a body over it is a decode error, under it works', async () => {
  const small = await spied({ maxResponseBytes: 2000 });
  const e = await rejection(small.client.listSubaccountOrders({ limit: 50 }));
  assert.equal(e.kind, 'decode');
  assert.match(e.message, /maxResponseBytes \(2000\)/);
  const ok = await small.client.listSubaccountOrders({ limit: 1 });
  assert.equal(ok.orders.length, 1);
  const big = await spied({ maxResponseBytes: 10_000_000 });
  assert.equal((await big.client.listSubaccountOrders({ limit: 50 })).orders.length, 50);
  for (const maxResponseBytes of [0, -1, 1.5, '1000', NaN, Infinity, 2 ** 40]) {
    await assert.rejects(pkg.createClient({ maxResponseBytes }), (err) => err.kind === 'invalid_input', String(maxResponseBytes));
  }
});
