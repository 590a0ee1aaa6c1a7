// certcentral-wasm/proxy over real HTTP, through the built, packed package: a node:http server
// running `proxy.listener`, in front of a recording "front" server (the witness of what reached
// DigiCert: every request's method, target and headers, and how many were in flight at once)
// that passes each request on to the sandbox playing DigiCert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { KEY, sandbox, scratch } from './helpers.mjs';

/** @returns {Promise<typeof import('../../pkg-template/proxy.d.ts')>} */
async function loadProxy() {
  return import(pathToFileURL(join(scratch, 'node_modules/certcentral-wasm/proxy-node.js')).href);
}

/** @type {import('../../sandbox/server.mjs').Sandbox} */
let sb;
/** Every response any test received, headers and body: the key must be in none. */
const seen = [];

/**
 * The witness in front of the sandbox: records, counts in flight, optionally delays.
 * @param {{ delayMs?: number }} [opts]
 */
async function front(opts = {}) {
  const w = { requests: /** @type {{ method: string, url: string, headers: Record<string, any> }[]} */ ([]), inFlight: 0, maxInFlight: 0, url: '', close: async () => {} };
  const target = new URL(sb.url);
  const server = http.createServer((req, res) => {
    w.requests.push({ method: String(req.method), url: String(req.url), headers: { ...req.headers } });
    w.inFlight++;
    w.maxInFlight = Math.max(w.maxInFlight, w.inFlight);
    let done = false;
    const end = () => { if (!done) { done = true; w.inFlight--; } };
    res.on('close', end);
    const go = () => {
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        r.on('error', () => res.destroy());
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      res.on('close', () => up.destroy());
      req.pipe(up);
    };
    if (opts.delayMs) setTimeout(go, opts.delayMs); else go();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  w.url = `http://127.0.0.1:${addr.port}`;
  w.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); });
  return w;
}

/**
 * A proxy (node:http + listener) in front of `upstreamBase`.
 * @param {Partial<import('../../pkg-template/proxy.d.ts').ProxyOptions>} options
 */
async function proxyServer(options) {
  const { createProxy } = await loadProxy();
  const proxy = createProxy({ apiKey: KEY, rateLimit: false, ...options });
  const server = http.createServer(proxy.listener);
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    proxy,
    url: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }),
  };
}

/**
 * A raw request (the target sent exactly as given).
 * @param {number} port @param {string} target
 * @param {{ method?: string, headers?: Record<string, string>, signal?: AbortSignal }} [o]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
function raw(port, target, o = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method: o.method ?? 'GET', headers: o.headers, signal: o.signal, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const r = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
        seen.push(JSON.stringify(r.headers) + r.body);
        resolve(r);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** @param {string} body */
function certCentralShaped(body) {
  const j = JSON.parse(body);
  assert.ok(Array.isArray(j.errors) && j.errors.length === 1, body);
  assert.equal(typeof j.errors[0].code, 'string');
  assert.equal(typeof j.errors[0].message, 'string');
  return j.errors[0];
}

before(async () => {
  sb = await sandbox({ rateLimit: false, orders: 300, usedCodes: 300 });
});
after(async () => {
  await sb.close();
  for (const s of seen) assert.ok(!s.includes(KEY), `the key is in a response: ${s.slice(0, 200)}`);
});

const ORDER = () => sb.dataset.voucherOrders[0].id;

test('proxy: every refused shape is answered by the proxy (404/405/400/403, CertCentral-shaped) and nothing reaches DigiCert', async () => {
  const w = await front();
  const p = await proxyServer({ baseUrl: `${w.url}/services/v2` });
  const before = sb.stats.requests;
  const cases = [
    ['GET', '/certcentral/user/me', 404],
    ['GET', '/certcentral/order/certificate', 404],
    ['GET', '/user/me', 404],
    ['GET', '/certcentral/reissue/../../user', 404],
    ['GET', '/certcentral/order/certificate/1/reissue/../../../user/me', 404],
    ['GET', '/certcentral/voucher/1/../../user/me', 404],
    ['GET', '/certcentral/voucher/%2e%2e/%2e%2e/user/me', 404],
    ['GET', 'http://evil.example/certcentral/voucher/1', 404],
    ['GET', `${sb.baseUrl}/voucher/1`, 404],
    ['GET', '/certcentral//voucher/1', 404],
    ['GET', '/certcentral/voucher/1/', 404],
    ['GET', '/certcentralx/voucher/1', 404],
    ['POST', '/certcentral/voucher/1', 405],
    ['DELETE', '/certcentral/order/certificate/1/reissue', 405],
    ['PUT', '/certcentral/account/subaccount/order', 405],
    ['PATCH', '/certcentral/voucher/download/used-codes', 405],
    ['OPTIONS', '/certcentral/voucher/1', 405],
    ['GET', '/certcentral/voucher/abc', 400],
    ['GET', '/certcentral/voucher/-1', 400],
    ['GET', '/certcentral/voucher/1e3', 400],
    ['GET', '/certcentral/voucher/..', 400],
    ['GET', '/certcentral/voucher/%2e%2e', 400],
    ['GET', '/certcentral/voucher/1%2f..%2f..%2fuser', 400],
    ['GET', '/certcentral/order/certificate/1%2F2/reissue', 400],
    ['GET', '/certcentral/account/subaccount/order?limit=0', 400],
    ['GET', '/certcentral/account/subaccount/order?limit=1001', 400],
    ['GET', '/certcentral/account/subaccount/order?offset=-1', 400],
    ['GET', '/certcentral/account/subaccount/order?foo=1', 400],
    ['GET', '/certcentral/account/subaccount/order?limit=5&limit=6', 400],
    ['GET', '/certcentral/account/subaccount/order?sort=id%26limit%3D5', 400],
    ['GET', '/certcentral/voucher/download/used-codes?offset=0%26limit%3D5', 400],
    ['GET', '/certcentral/voucher/1?limit=5', 400],
    ['HEAD', '/certcentral/voucher/abc', 400],
  ];
  for (const [method, target, status] of cases) {
    const r = await raw(p.port, String(target), { method: String(method) });
    assert.equal(r.status, status, `${method} ${target}: ${r.body}`);
    if (method !== 'HEAD') certCentralShaped(r.body);
    if (status === 405) assert.equal(r.headers.allow, 'GET, HEAD');
  }
  // authorize false: 403, nothing sent.
  const denied = await proxyServer({ baseUrl: `${w.url}/services/v2`, authorize: async (req) => req.headers.get('x-portal-session') === 'ok' });
  const r = await raw(denied.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(r.status, 403);
  assert.equal(certCentralShaped(r.body).code, 'access_denied');
  const thrower = await proxyServer({ baseUrl: `${w.url}/services/v2`, authorize: () => { throw new Error('session store down'); } });
  assert.equal((await raw(thrower.port, `/certcentral/voucher/${ORDER()}`)).status, 403);
  assert.deepEqual(w.requests, [], 'nothing reached the front server');
  assert.equal(sb.stats.requests, before, 'nothing reached the sandbox');
  // The same proxy does forward a good request (the witness works).
  const ok = await raw(denied.port, `/certcentral/voucher/${ORDER()}`, { headers: { 'x-portal-session': 'ok' } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(w.requests.length, 1);
  await Promise.all([p.close(), denied.close(), thrower.close(), w.close()]);
});

test('proxy: the upstream request is rebuilt; only Accept in (plus the key), only the allowlisted headers out', async () => {
  const w = await front();
  const events = [];
  const p = await proxyServer({
    baseUrl: `${w.url}/services/v2`,
    onRequest: (e) => events.push(e),
    onResponse: (e) => events.push(e),
  });
  const r = await raw(p.port, '/certcentral/account/subaccount/order?limit=3&filters%5Bstatus%5D=issued&sort=-id', {
    headers: {
      'X-DC-DEVKEY': 'browser-sent-key',
      Cookie: 'session=portal-secret',
      Authorization: 'Bearer portal-token',
      'X-Sandbox-Fault': '500',
      'X-Forwarded-For': '10.0.0.1',
      Accept: 'application/json',
      Origin: 'https://evil.example',
    },
  });
  assert.equal(r.status, 200, r.body);
  assert.equal(JSON.parse(r.body).orders.length, 3);
  assert.equal(w.requests.length, 1);
  const sent = w.requests[0];
  assert.equal(sent.method, 'GET');
  assert.equal(sent.url, '/services/v2/account/subaccount/order?filters%5Bstatus%5D=issued&sort=-id&limit=3');
  assert.equal(sent.headers['x-dc-devkey'], KEY, 'the proxy sends its own key');
  for (const h of ['cookie', 'authorization', 'x-sandbox-fault', 'x-forwarded-for', 'origin', 'referer']) {
    assert.equal(sent.headers[h], undefined, `${h} was forwarded`);
  }
  assert.equal(sent.headers.accept, 'application/json');
  const allowed = new Set(['content-type', 'content-length', 'retry-after', 'cache-control', 'vary', 'date', 'connection', 'keep-alive', 'transfer-encoding']);
  for (const h of Object.keys(r.headers)) assert.ok(allowed.has(h), `header ${h} passed out`);
  assert.equal(r.headers['access-control-allow-origin'], undefined, 'no CORS without allowOrigins');
  // CSV of the used codes when the browser asks for it; JSON otherwise.
  const csv = await raw(p.port, '/certcentral/voucher/download/used-codes?limit=2', { headers: { Accept: 'text/csv' } });
  assert.equal(csv.status, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.equal(w.requests[1].headers.accept, 'text/csv');
  const events2 = JSON.stringify(events);
  assert.ok(events.length >= 4 && !events2.includes(KEY) && !events2.includes('portal-secret'), events2);
  await Promise.all([p.close(), w.close()]);
});

test('proxy: CORS only for exact allowOrigins, with Vary: Origin; preflight answered without going upstream', async () => {
  const w = await front();
  const p = await proxyServer({ baseUrl: `${w.url}/services/v2`, allowOrigins: ['https://portal.example'] });
  const path = `/certcentral/voucher/${ORDER()}`;
  const good = await raw(p.port, path, { headers: { Origin: 'https://portal.example' } });
  assert.equal(good.status, 200);
  assert.equal(good.headers['access-control-allow-origin'], 'https://portal.example');
  assert.equal(good.headers.vary, 'Origin');
  for (const origin of ['https://evil.example', 'https://portal.example.evil.example', 'http://portal.example', 'null']) {
    const bad = await raw(p.port, path, { headers: { Origin: origin } });
    assert.equal(bad.headers['access-control-allow-origin'], undefined, origin);
    assert.equal(bad.headers.vary, 'Origin');
  }
  const sentBefore = w.requests.length;
  const pre = await raw(p.port, path, { method: 'OPTIONS', headers: { Origin: 'https://portal.example', 'Access-Control-Request-Method': 'GET' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'https://portal.example');
  assert.match(String(pre.headers['access-control-allow-methods']), /GET/);
  const preBad = await raw(p.port, path, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
  assert.equal(preBad.headers['access-control-allow-origin'], undefined);
  assert.equal(w.requests.length, sentBefore, 'preflights send nothing upstream');
  await Promise.all([p.close(), w.close()]);
});

test('proxy: 20 concurrent callers against DigiCert\'s limits: all succeed, never 2 in flight, zero 429s', async () => {
  const limited = await sandbox({ orders: 50, usedCodes: 50 }); // DigiCert's published limits
  const w = await (async () => { const saved = sb; sb = limited; try { return await front({ delayMs: 5 }); } finally { sb = saved; } })();
  const p = await proxyServer({ baseUrl: `${w.url}/services/v2`, rateLimit: undefined });
  const id = limited.dataset.voucherOrders[0].id;
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    raw(p.port, i % 2 ? `/certcentral/voucher/${id}` : `/certcentral/account/subaccount/order?limit=${i + 1}`)));
  assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
  assert.equal(w.requests.length, 20);
  assert.equal(w.maxInFlight, 1, 'never two requests in flight upstream');
  assert.equal(limited.stats.rateLimited, 0, 'zero 429s');
  await Promise.all([p.close(), w.close()]);
  await limited.close();
});

test('proxy: a caller that disconnects while queued is never sent upstream', async () => {
  const w = await front({ delayMs: 400 });
  const p = await proxyServer({ baseUrl: `${w.url}/services/v2` });
  const first = raw(p.port, `/certcentral/voucher/${ORDER()}`);
  await new Promise((r) => setTimeout(r, 100));
  const gone = new AbortController();
  const queued = raw(p.port, '/certcentral/account/subaccount/order?limit=7', { signal: gone.signal }).catch((e) => e);
  await new Promise((r) => setTimeout(r, 100));
  gone.abort();
  const third = raw(p.port, '/certcentral/account/subaccount/order?limit=9');
  assert.equal((await first).status, 200);
  assert.equal((await third).status, 200);
  assert.ok((await queued) instanceof Error);
  assert.deepEqual(w.requests.map((r) => r.url), [
    `/services/v2/voucher/${ORDER()}`,
    '/services/v2/account/subaccount/order?limit=9',
  ]);
  await Promise.all([p.close(), w.close()]);
});

test('proxy: upstream 429 passes through (with and without Retry-After), no retry; the queue holds for the cooldown', async () => {
  const w = await front();
  const p = await proxyServer({ baseUrl: `${w.url}/fault/429*1/services/v2` });
  const r = await raw(p.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(r.status, 429);
  assert.equal(r.headers['retry-after'], '1');
  assert.equal(certCentralShaped(r.body).code, 'request_limit_exceeded');
  assert.equal(w.requests.length, 1, 'the proxy does not retry');
  const t0 = Date.now();
  const next = await raw(p.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(next.status, 200);
  assert.ok(Date.now() - t0 >= 900, 'the next request waited the cooldown');
  const p2 = await proxyServer({ baseUrl: `${w.url}/fault/429-noretry*1/services/v2` });
  const r2 = await raw(p2.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(r2.status, 429);
  assert.equal(r2.headers['retry-after'], undefined);
  assert.equal((await raw(p2.port, `/certcentral/voucher/${ORDER()}`)).status, 200);
  await Promise.all([p.close(), p2.close(), w.close()]);
});

test('proxy: 5xx passes through; stall -> 504; reset -> 502; the proxy stays up', async () => {
  const w = await front();
  const five = await proxyServer({ baseUrl: `${w.url}/fault/500*1/services/v2` });
  const r = await raw(five.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(r.status, 500);
  certCentralShaped(r.body);
  const stall = await proxyServer({ baseUrl: `${w.url}/fault/stall*1/services/v2`, timeoutMs: 300 });
  const s = await raw(stall.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(s.status, 504);
  assert.equal(certCentralShaped(s.body).code, 'upstream_timeout');
  assert.equal((await raw(stall.port, `/certcentral/voucher/${ORDER()}`)).status, 200, 'next call works');
  const reset = await proxyServer({ baseUrl: `${w.url}/fault/reset*1/services/v2` });
  const x = await raw(reset.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(x.status, 502);
  assert.equal(certCentralShaped(x.body).code, 'upstream_unreachable');
  assert.equal((await raw(reset.port, `/certcentral/voucher/${ORDER()}`)).status, 200, 'next call works');
  // Unreachable upstream.
  const dead = await proxyServer({ baseUrl: 'http://127.0.0.1:9/services/v2' });
  assert.equal((await raw(dead.port, `/certcentral/voucher/${ORDER()}`)).status, 502);
  await Promise.all([five.close(), stall.close(), reset.close(), dead.close(), w.close()]);
});

test('proxy: a ~50 MB body streams through whole; past maxResponseBytes the stream is cut; the next call works', async () => {
  // Straight to the sandbox: the witness is not needed to count bytes.
  const w = { url: sb.url.replace(/\/$/, ''), close: async () => {} };
  const p = await proxyServer({ baseUrl: `${w.url}/fault/huge*1/services/v2` });
  const big = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: p.port, path: '/certcentral/account/subaccount/order', agent: false }, (res) => {
      let n = 0;
      let tail = '';
      res.on('data', (c) => { n += c.length; tail = (tail + c.toString('latin1')).slice(-64); });
      res.on('end', () => resolve({ status: res.statusCode, n, tail }));
      res.on('error', reject);
    }).on('error', reject);
  });
  assert.equal(big.status, 200);
  assert.ok(big.n > 45 * 1024 * 1024, `${big.n} bytes`);
  assert.match(big.tail, /\}\s*$/);
  assert.equal((await raw(p.port, `/certcentral/voucher/${ORDER()}`)).status, 200, 'next call works');
  sb.reset(); // `huge*1` answers the next request again
  const capped = await proxyServer({ baseUrl: `${w.url}/fault/huge*1/services/v2`, maxResponseBytes: 1024 * 1024 });
  const cut = await new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port: capped.port, path: '/certcentral/account/subaccount/order', agent: false }, (res) => {
      let n = 0;
      res.on('data', (c) => { n += c.length; });
      res.on('end', () => resolve({ n, complete: res.complete }));
      res.on('error', () => resolve({ n, complete: false }));
      res.on('aborted', () => resolve({ n, complete: false }));
    }).on('error', () => resolve({ n: 0, complete: false }));
  });
  assert.equal(cut.complete, false, 'the over-long response was cut');
  assert.ok(cut.n <= 1024 * 1024, `${cut.n} bytes passed`);
  assert.equal((await raw(capped.port, `/certcentral/voucher/${ORDER()}`)).status, 200, 'next call works');
  await Promise.all([p.close(), capped.close(), w.close()]);
});

test('proxy: memory stays flat while streaming: live buffers while 60 MB goes to a slow reader are no more than while 15 MB does', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const run = async (/** @type {number} */ mb) => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--expose-gc', join(import.meta.dirname, 'proxy-memory.mjs'),
      join(scratch, 'node_modules/certcentral-wasm/proxy-node.js'), String(mb),
    ]);
    return /** @type {{ got: number, maxLive: number }} */ (JSON.parse(stdout.trim().split('\n').pop() ?? ''));
  };
  const small = await run(15);
  const large = await run(60);
  assert.ok(small.got > 15 * 1024 * 1024 && large.got > 60 * 1024 * 1024, 'the bodies arrived whole');
  // Buffered data would grow with the body (a 4x larger body, about 4x the live memory); what the
  // proxy holds is the few chunks in transit, whatever the size.
  // (Measured: about 0.5-11 MB for either size, by when a sample meets the chunks in transit; a
  // proxy that reads ahead holds 27 MB for 15 MB and 61 MB for 60 MB.)
  const msg = `live buffers: ${small.maxLive} B for 15 MB, ${large.maxLive} B for 60 MB`;
  assert.ok(large.maxLive < 24 * 1024 * 1024, msg);
  assert.ok(large.maxLive < small.maxLive + 20 * 1024 * 1024, msg);
});

test('proxy: a full queue answers 503 with Retry-After, without going upstream', async () => {
  const w = await front({ delayMs: 300 });
  const p = await proxyServer({ baseUrl: `${w.url}/services/v2`, maxQueue: 1 });
  const a = raw(p.port, `/certcentral/voucher/${ORDER()}`);
  await new Promise((r) => setTimeout(r, 50));
  const b = raw(p.port, `/certcentral/voucher/${ORDER()}`);
  await new Promise((r) => setTimeout(r, 50));
  const c = await raw(p.port, `/certcentral/voucher/${ORDER()}`);
  assert.equal(c.status, 503);
  assert.ok(Number(c.headers['retry-after']) >= 1);
  assert.equal(certCentralShaped(c.body).code, 'queue_full');
  assert.equal((await a).status, 200);
  assert.equal((await b).status, 200);
  assert.equal(w.requests.length, 2);
  await Promise.all([p.close(), w.close()]);
});

test('proxy: the web-standard fetch handler and the package client through the proxy (relative path, no key)', async () => {
  const w = await front();
  const { createProxy } = await loadProxy();
  const proxy = createProxy({ apiKey: KEY, baseUrl: `${w.url}/services/v2`, rateLimit: false });
  const res = await proxy.fetch(new Request(`http://portal.example/certcentral/voucher/${ORDER()}`, { headers: { Cookie: 'a=b' } }));
  assert.equal(res.status, 200);
  const body = await res.text();
  seen.push(body);
  assert.equal(JSON.parse(body).id, ORDER());
  assert.equal(w.requests[0].headers.cookie, undefined);
  const notFound = await proxy.fetch(new Request('http://portal.example/certcentral/user/me'));
  assert.equal(notFound.status, 404);
  const head = await proxy.fetch(new Request(`http://portal.example/certcentral/voucher/${ORDER()}`, { method: 'HEAD' }));
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  // The package's client through the proxy, as a page would: a relative base URL resolved
  // against the page's URL, no key. (A page here is faked with globalThis.location.)
  const p = await proxyServer({ baseUrl: `${w.url}/services/v2` });
  const { createClient } = await (await import('./helpers.mjs')).loadPackage();
  await assert.rejects(createClient({ baseUrl: '/certcentral' }), /relative/, 'no page: refused');
  /** @type {any} */ (globalThis).location = { href: `${p.url}/portal/index.html` };
  try {
    const client = await createClient({ baseUrl: '/certcentral', rateLimit: false });
    const order = await client.getVoucherOrder(ORDER());
    assert.equal(order.id, ORDER());
    const last = w.requests[w.requests.length - 1];
    assert.equal(last.url, `/services/v2/voucher/${ORDER()}`);
    assert.equal(last.headers['x-dc-devkey'], KEY, 'the proxy\'s key, not the page\'s');
  } finally {
    delete (/** @type {any} */ (globalThis)).location;
    await p.close();
  }
  assert.throws(() => createProxy(/** @type {any} */ ({})), /apiKey/);
  assert.throws(() => createProxy(/** @type {any} */ ({ apiKey: KEY, baseUrl: 'http://example.com/x' })), /https/);
  assert.throws(() => createProxy(/** @type {any} */ ({ apiKey: KEY, allowOrigins: ['*'] })), /allowOrigins/);
  await w.close();
});

// createProxy checks its upstream in JS (it throws at once, before the wasm has started in a
// web runtime), createClient in the core (src/config.rs): the two must accept the same URLs.
test('createProxy and createClient accept and refuse the same base URLs', async () => {
  const { createProxy } = await loadProxy();
  const { createClient } = await import(pathToFileURL(join(scratch, 'node_modules/certcentral-wasm/node.js')).href);
  const urls = [
    'https://a.example/services/v2', 'https://a.example/services/v2/', 'https://a.example', 'https://a.example:8443/x',
    'HTTPS://A.EXAMPLE/x', 'http://localhost:1/x', 'http://sub.localhost/x', 'http://127.0.0.1/x', 'http://127.0.0.1:9/x',
    'http://[::1]:8080/x', 'http://example.com/x', 'http://127.0.0.1.evil.example/x', 'https://user:pw@a.example/x',
    'https://a.example/x?q=1', 'https://a.example/x#f', 'https://a.example/x?', 'ftp://a.example/x', 'a.example/x',
    'https://a.example/a b', 'https://a.example/a\tb', 'https://a.example/x@y', 'https://a.example/x%20y', 'https://', '', 'https://a.example\\x', 'file:///etc/passwd', 'javascript:alert(1)',
  ];
  const disagree = [];
  for (const baseUrl of urls) {
    let proxyOk = true;
    try { createProxy({ apiKey: KEY, baseUrl }); } catch { proxyOk = false; }
    let clientOk = true;
    try { (await createClient({ apiKey: KEY, baseUrl })).free(); } catch (e) {
      assert.equal(e.kind, 'invalid_input', `${baseUrl}: ${e.message}`);
      clientOk = false;
    }
    if (proxyOk !== clientOk) disagree.push(`${JSON.stringify(baseUrl)}: proxy ${proxyOk ? 'accepts' : 'refuses'}, client ${clientOk ? 'accepts' : 'refuses'}`);
  }
  assert.deepEqual(disagree, []);
});
