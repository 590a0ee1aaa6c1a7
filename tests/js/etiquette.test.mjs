// Request etiquette of the installed package, over HTTP: one request at a time per key, FIFO
// over every call and iterator, clients with the same key sharing one queue, one cooldown
// after a 429 that every queued request waits, and a request aborted while queued never sent.
//
// The witness of "how many at once" is the sandbox's own in-flight count per API key
// (`sb.inFlight`, sandbox/lib/inflight.mjs), with a latency on every answer so that requests
// sent together overlap there. The 429 and abort tests keep a small front in this file that
// logs when each request arrived and can answer one itself. (DigiCert: "send requests
// sequentially (one at a time), and always wait for a response code before sending the next
// request in the queue".)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { sandbox, loadPackage } from './helpers.mjs';

const KEY = 'sandbox-key';
let sb, pkg;
before(async () => {
  sb = await sandbox({ keys: [KEY, 'other-key'] });
  pkg = await loadPackage();
});
after(() => sb.close());

/**
 * Runs `f` against a sandbox of its own (clients with one key and base URL share one queue,
 * set up by the first of them, so each test gets a new base URL) whose every answer waits
 * 25 ms: requests sent together are in flight together there.
 */
async function withSlowSandbox(f) {
  const slow = await sandbox({ keys: [KEY, 'other-key'], latency: { baseMs: 25, perRecordMs: 0 } });
  try {
    await f(slow);
  } finally {
    await slow.close();
  }
}

/**
 * A front of the sandbox that logs arrivals: every request waits `delayMs`, then is forwarded.
 * `f.log` ({ at, key, path }); `f.answer` may answer a request itself (return true when it did).
 */
async function front({ delayMs = 25 } = {}) {
  const f = { log: [], answer: null, server: null, baseUrl: '' };
  f.server = createServer(async (req, res) => {
    f.log.push({ at: Date.now(), key: req.headers['x-dc-devkey'], path: req.url });
    if (f.answer && f.answer(req, res)) return;
    await new Promise((r) => setTimeout(r, delayMs));
    const upstream = await fetch(new URL(sb.baseUrl).origin + req.url, {
      headers: { 'X-DC-DEVKEY': String(req.headers['x-dc-devkey'] ?? ''), Accept: String(req.headers.accept ?? '') },
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(body);
  });
  await new Promise((r) => f.server.listen(0, '127.0.0.1', r));
  f.baseUrl = `http://127.0.0.1:${f.server.address().port}/services/v2`;
  return f;
}

const close = (f) => new Promise((r) => f.server.close(r));

/** A mixed load: single calls, an iterator, a collect and a CSV export, all at once. */
function mixed(client) {
  // Read to its end (a `break` aborts the page read ahead, which the sandbox counts as in
  // flight until the connection's close reaches it).
  const iterate = (async () => {
    let n = 0;
    for await (const _ of client.iterateSubaccountOrders({ filters: { status: 'rejected' }, limit: 100, sort: 'id' })) n++;
    return n;
  })();
  return Promise.all([
    ...Array.from({ length: 6 }, (_, i) => client.listSubaccountOrders({ limit: 5, offset: i * 5 })),
    client.listUsedVoucherCodes({ limit: 10 }),
    client.exportUsedVoucherCodesCsv({ limit: 10 }),
    client.collectSubaccountOrders({ max: 450, limit: 150 }),
    iterate,
  ]);
}

test('default options: one request of a client in flight, calls, iterators and the CSV export mixed', () => withSlowSandbox(async (slow) => {
  const requests = slow.stats.requests;
  const client = await pkg.createClient({ apiKey: KEY, baseUrl: slow.baseUrl });
  const out = await mixed(client);
  const rejected = slow.dataset.subaccountOrders.filter((o) => o.status === 'rejected').length;
  assert.ok(rejected > 200, `${rejected} rejected orders: more than two pages`);
  assert.equal(out.at(-1), rejected, 'the iterator read every rejected order');
  assert.ok(slow.stats.requests - requests >= 14, `${slow.stats.requests - requests} requests`);
  assert.equal(slow.inFlight.max(KEY), 1, 'never two requests in flight');
}));

test('maxConcurrency: 3 gives up to 3 in flight (and more than 1)', () => withSlowSandbox(async (slow) => {
  const client = await pkg.createClient({ apiKey: KEY, baseUrl: slow.baseUrl, maxConcurrency: 3 });
  await mixed(client);
  assert.equal(slow.inFlight.max(KEY), 3);
}));

test('two clients with the same key share one queue; another key has its own', () => withSlowSandbox(async (slow) => {
  const a = await pkg.createClient({ apiKey: KEY, baseUrl: slow.baseUrl });
  const b = await pkg.createClient({ apiKey: KEY, baseUrl: slow.baseUrl });
  await Promise.all([mixed(a), mixed(b)]);
  assert.equal(slow.inFlight.max(KEY), 1, 'one budget for one key: never two in flight');

  slow.inFlight.reset();
  const c = await pkg.createClient({ apiKey: 'other-key', baseUrl: slow.baseUrl });
  await Promise.all([mixed(a), mixed(c)]);
  assert.equal(slow.inFlight.max(KEY), 1);
  assert.equal(slow.inFlight.max('other-key'), 1);
  assert.equal(slow.inFlight.maxAll(), 2, 'two keys, two queues');
}));

test('two clients with one key against a sandbox enforcing DigiCert\'s limits (100 per 5 s): zero 429s', async () => {
  const limited = await sandbox({ keys: [KEY], rateLimit: '100/5s,1000/300s' });
  try {
    const opts = { apiKey: KEY, baseUrl: limited.baseUrl, maxRetries: 0 };
    const a = await pkg.createClient(opts);
    const b = await pkg.createClient(opts);
    const calls = Array.from({ length: 130 }, (_, i) => (i % 2 ? a : b).listSubaccountOrders({ limit: 1, offset: i }));
    const results = await Promise.allSettled(calls);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 0);
    assert.equal(limited.stats.rateLimited, 0, 'the sandbox answered no 429');
    assert.equal(limited.stats.requests, 130);
  } finally {
    await limited.close();
  }
});

test('after a 429 with Retry-After: 1, no request of that client reaches the server within 1 s; onRateLimit saw it', async () => {
  const f = await front({ delayMs: 5 });
  let first429At = null;
  f.answer = (req, res) => {
    if (first429At !== null) return false;
    first429At = Date.now();
    res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end(JSON.stringify({ errors: [{ code: 'request_limit_exceeded', message: 'slow down' }] }));
    return true;
  };
  try {
    const events = [];
    const client = await pkg.createClient({
      apiKey: KEY, baseUrl: f.baseUrl, maxRetries: 2, onRateLimit: (e) => events.push(e),
    });
    // The first call gets the 429; four more are queued behind it.
    const calls = Array.from({ length: 5 }, (_, i) => client.listSubaccountOrders({ limit: 1, offset: i }));
    const results = await Promise.all(calls);
    assert.equal(results.length, 5, 'the 429 was retried and every call succeeded');
    const after429 = f.log.filter((r) => r.at > first429At);
    assert.equal(after429.length, 5);
    for (const r of after429) assert.ok(r.at - first429At >= 990, `a request ${r.at - first429At} ms after the 429`);
    assert.equal(events.length, 1);
    assert.equal(events[0].retryAfterMs, 1000);
    assert.equal(events[0].attempt, 0);
    assert.match(events[0].url, /\/account\/subaccount\/order/);
    assert.ok(!JSON.stringify(events).includes(KEY), 'the event never holds the key');
  } finally {
    await close(f);
  }
});

test('a call aborted while queued is never sent, and the queue goes on', async () => {
  const f = await front({ delayMs: 100 });
  try {
    const client = await pkg.createClient({ apiKey: KEY, baseUrl: f.baseUrl });
    const first = client.listSubaccountOrders({ limit: 1, offset: 0 });
    const ac = new AbortController();
    const queued = client.listSubaccountOrders({ limit: 1, offset: 77 }, { signal: ac.signal });
    const third = client.listSubaccountOrders({ limit: 1, offset: 2 });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(queued, (e) => e instanceof pkg.CertCentralError && e.kind === 'aborted');
    await Promise.all([first, third]);
    assert.deepEqual(f.log.map((r) => new URL(r.path, 'http://x').searchParams.get('offset')), ['0', '2']);
  } finally {
    await close(f);
  }
});
