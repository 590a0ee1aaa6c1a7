// The fault matrix: every sandbox fault through the installed package, in Node. Each row
// asserts the typed error (CertCentralError kind/status) or the recovered result, counts the
// attempts, and then makes a normal call on the SAME client (a fault never poisons it).
//
// Faults are injected per call by an injected `fetch` that adds `X-Sandbox-Fault: <spec>`
// while `h.fault` is set, so the client itself is the one users get.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, clientFor, loadPackage } from './helpers.mjs';

let sb, pkg;
before(async () => {
  sb = await sandbox();
  pkg = await loadPackage();
});
after(() => sb.close());
beforeEach(() => sb.reset());

/**
 * A client of the installed package whose requests carry the fault `h.fault` (when set),
 * and without the key when `h.dropKey` is set. `h.attempts` logs onRequest events (with the
 * time), `h.responses` onResponse events, `h.sent` counts calls of the injected fetch,
 * `h.pending` the fetches still waiting for their response, `h.aborted` those aborted.
 */
async function faulty(options = {}) {
  const h = { fault: null, dropKey: false, attempts: [], responses: [], sent: 0, pending: 0, aborted: 0 };
  h.client = await clientFor(sb, {
    fetch: (req) => {
      h.sent++;
      if (h.fault || h.dropKey) {
        const headers = new Headers(req.headers);
        if (h.fault) headers.set('X-Sandbox-Fault', h.fault);
        if (h.dropKey) headers.delete('X-DC-DEVKEY');
        req = new Request(req, { headers });
      }
      h.pending++;
      const p = globalThis.fetch(req);
      p.then(() => h.pending--, (e) => {
        h.pending--;
        if (e?.name === 'AbortError') h.aborted++;
      });
      return p;
    },
    onRequest: (ev) => h.attempts.push({ ...ev, at: performance.now() }),
    onResponse: (ev) => h.responses.push(ev),
    ...options,
  });
  return h;
}

/** Runs `f` with `fault` set, then clears it; returns the value or the error. */
async function withFault(h, fault, f) {
  h.fault = fault;
  try {
    return { value: await f() };
  } catch (error) {
    return { error };
  } finally {
    h.fault = null;
  }
}

const page = (client, opts) => client.listSubaccountOrders({ limit: 3, sort: 'id' }, opts);

/** A normal call on the same client succeeds, and gives the sandbox's first orders. */
async function stillWorks(h) {
  const n = h.attempts.length;
  const r = await page(h.client);
  assert.equal(r.orders.length, 3, 'a normal call after the fault works');
  assert.equal(h.attempts.length, n + 1, 'in one attempt');
  const ids = [...sb.dataset.subaccountOrders].map((o) => o.id).sort((a, b) => a - b).slice(0, 3);
  assert.deepEqual(r.orders.map((o) => o.id), ids);
}

function assertError(e, kind, status) {
  assert.ok(e instanceof pkg.CertCentralError, `a CertCentralError, got ${e}`);
  assert.equal(e.kind, kind, e.message);
  if (status !== undefined) assert.equal(e.status, status, e.message);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 10, 'a message that says something');
}

const gaps = (h) => h.attempts.slice(1).map((a, i) => a.at - h.attempts[i].at);

// -- 429 ---------------------------------------------------------------------------------------

test('fault 429*1 (Retry-After: 1): retried after ~1 s, recovers', async () => {
  const h = await faulty();
  const { value, error } = await withFault(h, '429*1', () => page(h.client));
  assert.equal(error, undefined);
  assert.equal(value.orders.length, 3);
  assert.deepEqual(h.responses.map((r) => r.status), [429, 200]);
  const [gap] = gaps(h);
  assert.ok(gap >= 950 && gap < 1800, `waited ${gap} ms for Retry-After: 1`);
  await stillWorks(h);
});

test('fault 429 with maxRetries 0: kind http, status 429, retryAfterMs 1000, 1 attempt', async () => {
  const h = await faulty({ maxRetries: 0 });
  const { error } = await withFault(h, '429', () => page(h.client));
  assertError(error, 'http', 429);
  assert.equal(error.retryAfterMs, 1000);
  assert.equal(error.errors[0].code, 'request_limit_exceeded');
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

test('fault 429-date*1 (Retry-After: HTTP-date ~2 s ahead): waits until that date, recovers', async () => {
  const h = await faulty();
  const { value, error } = await withFault(h, '429-date*1', () => page(h.client));
  assert.equal(error, undefined);
  assert.equal(value.orders.length, 3);
  assert.deepEqual(h.responses.map((r) => r.status), [429, 200]);
  // The date has whole seconds: 1-2 s ahead. Backoff alone would be 250-500 ms.
  const [gap] = gaps(h);
  assert.ok(gap >= 900 && gap < 2600, `waited ${gap} ms for the HTTP-date`);
  await stillWorks(h);
});

test('fault 429-noretry*1 (no Retry-After): retried after a 250-500 ms backoff, recovers', async () => {
  const h = await faulty();
  const { value, error } = await withFault(h, '429-noretry*1', () => page(h.client));
  assert.equal(error, undefined);
  assert.equal(value.orders.length, 3);
  assert.deepEqual(h.responses.map((r) => r.status), [429, 200]);
  const [gap] = gaps(h);
  assert.ok(gap >= 240 && gap < 900, `backoff ${gap} ms`);
  await stillWorks(h);
});

// -- 5xx and 408 -------------------------------------------------------------------------------

for (const status of [500, 502, 503, 408]) {
  test(`fault ${status}*2: retried twice with growing backoff, recovers (maxRetries 2)`, async () => {
    const h = await faulty({ maxRetries: 2 });
    const faults = sb.stats.faults;
    const { value, error } = await withFault(h, `${status}*2`, () => page(h.client));
    assert.equal(error, undefined);
    assert.equal(value.orders.length, 3);
    assert.deepEqual(h.responses.map((r) => r.status), [status, status, 200]);
    assert.deepEqual(h.attempts.map((a) => a.attempt), [0, 1, 2]);
    assert.equal(sb.stats.faults - faults, 2);
    const [g1, g2] = gaps(h);
    assert.ok(g1 >= 240 && g1 < 900, `first backoff ${g1} ms (250-500)`);
    assert.ok(g2 >= 490 && g2 < 1500, `second backoff ${g2} ms (500-1000)`);
    await stillWorks(h);
  });

  test(`fault ${status}*5: kind http, status ${status} after exactly maxRetries+1 = 3 attempts`, async () => {
    const h = await faulty({ maxRetries: 2 });
    const faults = sb.stats.faults;
    const { error } = await withFault(h, `${status}*5`, () => page(h.client));
    assertError(error, 'http', status);
    assert.ok(error.errors.length === 1 && error.errors[0].code, 'the API error body is kept');
    assert.match(error.url, /\/account\/subaccount\/order\?/);
    assert.equal(h.attempts.length, 3);
    assert.equal(h.sent, 3);
    assert.equal(sb.stats.faults - faults, 3, 'the sandbox saw 3 attempts');
    await stillWorks(h);
  });
}

test('fault 503 with per-call maxRetries 0 (client has 2): 1 attempt', async () => {
  const h = await faulty({ maxRetries: 2 });
  const { error } = await withFault(h, '503', () => page(h.client, { maxRetries: 0 }));
  assertError(error, 'http', 503);
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

// -- never retried -----------------------------------------------------------------------------

test('404: kind http, status 404, never retried (1 attempt)', async () => {
  const h = await faulty({ maxRetries: 2 });
  await assert.rejects(h.client.getVoucherOrder(987654321), (e) => {
    assertError(e, 'http', 404);
    assert.equal(e.errors[0].code, 'not_found');
    return true;
  });
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

test('403 (key missing): kind http, status 403, never retried (1 attempt)', async () => {
  const h = await faulty({ maxRetries: 2 });
  h.dropKey = true;
  await assert.rejects(page(h.client), (e) => {
    assertError(e, 'http', 403);
    assert.equal(e.errors[0].code, 'access_denied|access_denied_invalid_key');
    return true;
  });
  h.dropKey = false;
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

// -- the connection ----------------------------------------------------------------------------

test('fault reset*1 (RST, no response): network error retried, recovers', async () => {
  const h = await faulty();
  const { value, error } = await withFault(h, 'reset*1', () => page(h.client));
  assert.equal(error, undefined);
  assert.equal(value.orders.length, 3);
  assert.equal(h.attempts.length, 2);
  assert.equal(h.responses.length, 1, 'the reset attempt got no response');
  await stillWorks(h);
});

test('fault reset (always), maxRetries 1: kind network after 2 attempts', async () => {
  const h = await faulty({ maxRetries: 1 });
  const { error } = await withFault(h, 'reset', () => page(h.client));
  assertError(error, 'network', null);
  assert.match(error.url, /\/account\/subaccount\/order/);
  assert.equal(h.attempts.length, 2);
  await stillWorks(h);
});

test('fault stall, timeoutMs 300, maxRetries 1: kind timeout after 2 attempts (~0.9 s)', async () => {
  const h = await faulty({ timeoutMs: 300, maxRetries: 1 });
  const t0 = performance.now();
  const { error } = await withFault(h, 'stall', () => page(h.client));
  const took = performance.now() - t0;
  assertError(error, 'timeout', null);
  assert.match(error.message, /300 ms/);
  assert.equal(h.attempts.length, 2, 'a timeout is retried per policy');
  assert.ok(took >= 800 && took < 2500, `took ${took} ms (300 + 250-500 backoff + 300)`);
  await stillWorks(h);
});

test('fault stall*1, timeoutMs 300: the timed-out attempt is retried, recovers', async () => {
  const h = await faulty({ timeoutMs: 300 });
  const { value, error } = await withFault(h, 'stall*1', () => page(h.client));
  assert.equal(error, undefined);
  assert.equal(value.orders.length, 3);
  assert.equal(h.attempts.length, 2);
  await stillWorks(h);
});

test('per-call timeoutMs overrides the client timeout (stall, 200 ms, no retries)', async () => {
  const h = await faulty({ timeoutMs: 30_000 });
  const t0 = performance.now();
  const { error } = await withFault(h, 'stall', () => page(h.client, { timeoutMs: 200, maxRetries: 0 }));
  assertError(error, 'timeout', null);
  assert.ok(performance.now() - t0 < 1500);
  await stillWorks(h);
});

test('abort during the backoff wait after a 503: kind aborted within ~50 ms, no more attempts', async () => {
  const ac = new AbortController();
  let abortedAt = 0;
  // The backoff after the 503 is 250-500 ms: abort 100 ms after the response.
  const h = await faulty({
    maxRetries: 2,
    onResponse: () => setTimeout(() => { abortedAt = performance.now(); ac.abort(); }, 100),
  });
  const { error } = await withFault(h, '503', () =>
    page(h.client, { signal: ac.signal }).catch((e) => { e.at = performance.now(); throw e; }));
  assertError(error, 'aborted');
  assert.ok(abortedAt > 0);
  const late = error.at - abortedAt;
  assert.ok(late < 50, `rejected ${late} ms after abort()`);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(h.attempts.length, 1, 'no attempt after the abort');
  await stillWorks(h);
});

test('an already aborted signal: kind aborted, nothing sent', async () => {
  const h = await faulty();
  const { error } = await withFault(h, null, () => page(h.client, { signal: AbortSignal.abort() }));
  assertError(error, 'aborted');
  assert.equal(h.sent, 0);
  await stillWorks(h);
});

// -- bodies ------------------------------------------------------------------------------------

test('fault truncated (Content-Length longer than the body): kind network ("terminated"), not decode', async () => {
  const h = await faulty({ maxRetries: 0 });
  const { error } = await withFault(h, 'truncated', () => page(h.client));
  // The body stream errors before its end: a transport failure (safe to retry a GET),
  // never a half body handed to the decoder.
  assertError(error, 'network', null);
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

test('fault truncated*1: retried as a network error, recovers', async () => {
  const h = await faulty();
  const { value, error } = await withFault(h, 'truncated*1', () => page(h.client));
  assert.equal(error, undefined);
  assert.equal(value.orders.length, 3);
  assert.equal(h.attempts.length, 2);
  await stillWorks(h);
});

test('fault html200 (200 text/html maintenance page): kind decode mentioning HTML, not retried', async () => {
  const h = await faulty();
  const { error } = await withFault(h, 'html200', () => page(h.client));
  assertError(error, 'decode', 200);
  assert.match(error.message, /HTML/);
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

test('fault wrong-content-type (valid JSON labelled text/plain): accepted, same result', async () => {
  const h = await faulty();
  const { value, error } = await withFault(h, 'wrong-content-type', () => page(h.client));
  assert.equal(error, undefined);
  const normal = await page(h.client);
  assert.deepEqual(value, normal);
  await stillWorks(h);
});

test('fault invalid-utf8 (bytes C3 28 FF FE in a string): kind decode "not valid UTF-8"', async () => {
  const h = await faulty();
  const { error } = await withFault(h, 'invalid-utf8', () => page(h.client));
  assertError(error, 'decode', 200);
  assert.match(error.message, /UTF-8/);
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

test('fault invalid-json (200 `{"orders": [`): kind decode', async () => {
  const h = await faulty();
  const { error } = await withFault(h, 'invalid-json', () => page(h.client));
  assertError(error, 'decode');
  assert.match(error.message, /JSON/);
  assert.match(error.url, /\/account\/subaccount\/order/);
  assert.equal(h.attempts.length, 1);
  await stillWorks(h);
});

test('fault huge (~50 MB chunked) with maxResponseBytes 1_000_000: kind decode naming maxResponseBytes, < 3 s, memory flat', async () => {
  const h = await faulty({ maxResponseBytes: 1_000_000 });
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const { error } = await withFault(h, 'huge', () => h.client.listSubaccountOrders());
  const took = performance.now() - t0;
  assertError(error, 'decode', 200);
  assert.match(error.message, /maxResponseBytes \(1000000\)/);
  assert.ok(took < 3000, `took ${took} ms`);
  const grew = (process.memoryUsage().rss - rss0) / 2 ** 20;
  assert.ok(grew < 48, `rss grew ${grew.toFixed(1)} MiB: the 50 MB body was not buffered`);
  assert.equal(h.attempts.length, 1, 'a too-large body is not retried');
  await stillWorks(h);
});

// Changed on purpose: a changed `page.total` was a decode error ("the result set changed while
// paging"); it no longer is. This fault only raises the total (the orders stay as they are), so
// every order is handed out once; the total then claims orders that no page holds, which is
// still a decode error, after every order was handed out.
test('fault total-changes: a changed page.total is no error: every order once, then decode "cannot be read to its end" for a total no page reaches', async () => {
  const h = await faulty();
  const all = (await h.client.collectSubaccountOrders({ max: Infinity, limit: 1000, sort: 'id' })).map((o) => o.id);
  h.fault = 'total-changes';
  const seen = [];
  let error;
  try {
    for await (const o of h.client.iterateSubaccountOrders({ limit: 1000, sort: 'id' })) seen.push(o.id);
  } catch (e) {
    error = e;
  }
  h.fault = null;
  assertError(error, 'decode');
  assert.match(error.message, /is empty though the total is \d+: the list cannot be read to its end/);
  assert.deepEqual(seen, all, 'every order once, in order');

  // A collection that stops at max never meets the wrong total.
  h.fault = 'total-changes';
  const some = await h.client.collectSubaccountOrders({ max: 3000, limit: 1000 });
  h.fault = null;
  assert.equal(some.length, 3000);
  assert.equal(new Set(some.map((o) => o.id)).size, 3000, 'none twice');
  await stillWorks(h);
});

// -- rate limit --------------------------------------------------------------------------------

/** 30 concurrent page calls plus a full iteration (6 pages: 5,000 orders in pages of 1,000
 * that overlap by 31, src/paging.rs) on one client. */
async function load(client) {
  const calls = Array.from({ length: 30 }, (_, i) => client.listSubaccountOrders({ limit: 5, offset: i * 5 }));
  const iteration = (async () => {
    let n = 0;
    for await (const _ of client.iterateSubaccountOrders({ limit: 1000 })) n++;
    return n;
  })();
  return Promise.allSettled([...calls, iteration]);
}

test('rate limit 5 per 500 ms on server and client: 30 concurrent calls + an iterator, zero 429s, all succeed', async () => {
  const limited = await sandbox({ rateLimit: [{ max: 5, windowMs: 500 }] });
  try {
    const client = await clientFor(limited, { rateLimit: [{ max: 5, windowMs: 500 }], maxRetries: 0 });
    const t0 = performance.now();
    const results = await load(client);
    const took = performance.now() - t0;
    const failed = results.filter((r) => r.status === 'rejected');
    assert.deepEqual(failed.map((r) => r.reason?.message), [], 'every call succeeded');
    assert.equal(limited.stats.rateLimited, 0, 'the server never answered 429');
    assert.equal(results.at(-1).value, limited.dataset.subaccountOrders.length);
    assert.equal(limited.stats.requests, 36);
    // 36 requests at 5 per 500 ms: at least 7 windows.
    assert.ok(took >= 3000, `took ${took} ms: the limiter spaced them`);
  } finally {
    await limited.close();
  }
});

test('rate limit 5 per 500 ms on the server only (client limiter off, maxRetries 0): the same load gets 429s', async () => {
  const limited = await sandbox({ rateLimit: [{ max: 5, windowMs: 500 }] });
  try {
    const client = await clientFor(limited, { rateLimit: false, maxRetries: 0 });
    const results = await load(client);
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    assert.ok(limited.stats.rateLimited > 0, 'the server answered 429');
    // Fewer than before the shared cooldown (a 429 pauses the whole queue), but some.
    assert.ok(rejected.length > 0, `${rejected.length} calls failed`);
    for (const e of rejected) assertError(e, 'http', 429);
  } finally {
    await limited.close();
  }
});

// -- iteration ---------------------------------------------------------------------------------

// The iterator may fetch one page ahead (at most one request in flight): these rows hold
// whether it does or not. What they check is that nothing is left running afterwards.

test('iterator: break mid-way leaves no request running and sends no more', async () => {
  const h = await faulty();
  h.fault = 'slow-300'; // every page takes 300 ms: a page fetched ahead is still in flight at break
  const before = sb.stats.requests;
  let n = 0;
  for await (const _ of h.client.iterateSubaccountOrders({ limit: 100, sort: 'id' })) {
    if (++n === 150) break; // in the second page
  }
  h.fault = null;
  assert.equal(n, 150);
  const sentAtBreak = h.sent;
  assert.ok(sentAtBreak === 2 || sentAtBreak === 3, `${sentAtBreak} requests: the 2 pages used, at most one ahead`);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(h.pending, 0, 'no request running 50 ms after break');
  assert.equal(h.aborted, sentAtBreak - 2, 'a page fetched ahead was aborted, not awaited');
  const atBreak = sb.stats.requests;
  // A page aborted early may never reach the server's counter.
  assert.ok(atBreak - before >= 2 && atBreak - before <= sentAtBreak, `${atBreak - before} reached the server`);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(sb.stats.requests, atBreak, 'no request after break');
  assert.equal(h.sent, sentAtBreak);
  await stillWorks(h);
});

test('iterator: an abort signal stops it at once, mid-request, and nothing more is sent', async () => {
  const h = await faulty();
  h.fault = 'slow-600'; // every page takes 600 ms
  const ac = new AbortController();
  let n = 0;
  let error;
  let abortedAt = 0;
  try {
    for await (const _ of h.client.iterateSubaccountOrders({ limit: 100, sort: 'id' }, { signal: ac.signal })) {
      // Each page is requested as soon as the one before has arrived: page 3 is in flight while
      // page 2 is consumed. Pages of 100 overlap by 3 (src/paging.rs), so page 2 hands out 97
      // new orders: at its last one, abort 100 ms into page 3.
      if (++n === 197) setTimeout(() => { abortedAt = performance.now(); ac.abort(); }, 100);
    }
  } catch (e) {
    error = e;
  }
  const late = performance.now() - abortedAt;
  h.fault = null;
  assertError(error, 'aborted');
  assert.equal(n, 197, 'nothing of the aborted page');
  assert.ok(late < 250, `stopped ${late} ms after abort(), not after the slow page`);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(h.pending, 0, 'no request running');
  assert.ok(h.aborted >= 1 && h.aborted <= 2, `${h.aborted}: the pages in flight were aborted`);
  const sent = h.sent;
  assert.equal(sent - h.aborted, 2, 'only the two consumed pages completed');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(h.sent, sent, 'nothing sent after the abort');
  await stillWorks(h);
});

test('iterator: an already aborted signal rejects the first next() with kind aborted, nothing sent', async () => {
  const h = await faulty();
  const it = h.client.iterateSubaccountOrders({ limit: 10 }, { signal: AbortSignal.abort() });
  await assert.rejects(it.next(), (e) => {
    assertError(e, 'aborted');
    return true;
  });
  assert.equal(h.sent, 0);
  await stillWorks(h);
});
