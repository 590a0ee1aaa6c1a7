// Hardening contract of the installed package, in Node: redirects never carry the key; caller
// values are read once into plain data (hostile ones are invalid_input, never a hang, a trap or
// an uncaught exception); bounds on kept errors, paging, event-loop time and error messages;
// and saying no instead of doing something else.
//
// Cases that can trap or corrupt the wasm instance (or hang, or throw an uncaught exception)
// run in a child process (./isolate.mjs) that imports the package from target/scratch and
// reports back; after each such group the child checks the instance still works (a new client
// lists 5 orders of the sandbox, and a 20-row export parses to 20 records). Every awaited call
// here is raced against a 5 s timer ("did not settle"); uncaught exceptions and unhandled
// rejections of this process are collected and must stay empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandbox, loadPackage, KEY } from './helpers.mjs';
import { runIsolated, resultOf, outcomeProblems, healthProblems, SETTLE_MS } from './isolate.mjs';
import { rowSource, HEADER } from '../../bench/csv/gen.mjs';

// -- uncaught exceptions and unhandled rejections of this process --------------------------------

const strays = [];
const brief = (e) => `${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 300)}`;
process.on('uncaughtException', (e) => strays.push(`uncaughtException ${brief(e)}`));
process.on('unhandledRejection', (e) => strays.push(`unhandledRejection ${brief(e)}`));

/** A test that also fails when anything went uncaught while it ran. */
function hard(name, fn) {
  test(name, async (t) => {
    const mark = strays.length;
    await fn(t);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(strays.slice(mark), [], 'no uncaught exception or unhandled rejection');
  });
}

// -- shared set-up -----------------------------------------------------------------------------

let sb, pkg, sample, childInput;
const servers = [];
before(async () => {
  sb = await sandbox();
  pkg = await loadPackage();
  const c = await pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false });
  sample = await c.exportUsedVoucherCodesCsv({ limit: 20 });
  childInput = { baseUrl: sb.baseUrl, csv: sample, csvRows: 20 };
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await sb.close();
});

/** Settles `promise` within `ms`, else fails "did not settle" (and aborts `controller`). */
async function settle(promise, { ms = SETTLE_MS, what = 'the call', controller } = {}) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort();
      reject(new assert.AssertionError({ message: `${what} did not settle within ${ms} ms` }));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error `f()` throws or rejects with (within `ms`); fails if it succeeds. */
async function failure(f, what = 'the call', opts = {}) {
  let value;
  try {
    value = await settle(f(), { what, ...opts });
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return e;
  }
  const shown = Array.isArray(value) ? `an array of ${value.length}` : typeof value === 'object' && value
    ? `{ ${Object.keys(value).join(', ')} }` : `${typeof value} ${String(value).slice(0, 80)}`;
  return assert.fail(`${what} was accepted (resolved to ${shown}); expected a rejection`);
}

/** The value of a call that must succeed (within `ms`), or a failed assertion naming the error. */
async function succeed(promise, what = 'the call', opts = {}) {
  try {
    return await settle(promise, { what, ...opts });
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return assert.fail(`${what} rejected: ${brief(e)} (kind ${e?.kind})`);
  }
}

function assertCCE(e, kind, what = 'the error') {
  assert.ok(e instanceof pkg.CertCentralError, `${what}: a CertCentralError, got ${brief(e)}`);
  if (kind) assert.equal(e.kind, kind, `${what}: kind ${e.kind}, expected ${kind}: ${String(e.message).slice(0, 300)}`);
}

/** A client against the sandbox whose requests are logged (`h.sent`: URLs) by an injected fetch. */
async function spied(options = {}) {
  const h = { sent: [] };
  h.client = await pkg.createClient({
    apiKey: KEY,
    baseUrl: sb.baseUrl,
    rateLimit: false,
    maxRetries: 0,
    timeoutMs: 4000,
    fetch: (req) => {
      h.sent.push(req.url);
      return globalThis.fetch(req);
    },
    ...options,
  });
  return h;
}

/**
 * Runs `[label, call]` pairs on the spied client `h` that should each be rejected with
 * invalid_input before anything is sent; returns the problems ([] when all were).
 */
async function invalidNothingSent(h, calls) {
  const problems = [];
  for (const [label, call] of calls) {
    const n = h.sent.length;
    let e;
    try {
      e = await failure(call, label);
    } catch (err) {
      problems.push(err.message);
      continue;
    }
    if (!(e instanceof pkg.CertCentralError) || e.kind !== 'invalid_input') problems.push(`${label}: ${brief(e)} kind ${e?.kind}`);
    if (h.sent.length !== n) problems.push(`${label}: sent ${h.sent.length - n} request(s) (${h.sent.at(-1)?.length} chars of URL)`);
  }
  return problems;
}

/** An in-test http(s) server on 127.0.0.1 that logs every request (`log`: method, url, headers). */
async function serve(handler, tls) {
  const log = [];
  const srv = tls ? https.createServer(tls) : http.createServer();
  srv.on('request', (req, res) => {
    log.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    res.on('error', () => {});
    handler(req, res, log.length);
  });
  srv.on('clientError', (err, socket) => socket.destroy());
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const port = srv.address().port;
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const s = {
    port,
    origin,
    baseUrl: `${origin}/services/v2`,
    log,
    close: () => new Promise((r) => {
      srv.closeAllConnections?.();
      srv.close(() => r());
    }),
  };
  servers.push(s);
  return s;
}

function json(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const orders = (firstId, n) => Array.from({ length: n }, (_, i) => ({ id: firstId + i, status: 'issued' }));
const queryOf = (req) => new URL(req.url, 'http://x').searchParams;

/** A client of an in-test server. */
const clientOf = (srv, options = {}) => pkg.createClient({
  apiKey: 'KEYMARKER-hardening', baseUrl: srv.baseUrl, rateLimit: false, maxRetries: 0, timeoutMs: 4000, ...options,
});

// ==============================================================================================
// 1. Redirects never carry the key
// ==============================================================================================

hard('1 redirects: a cross-origin 301/302/303/307/308 rejects with kind http and that status, names the Location origin, is not retried, and the target never gets a request', async () => {
  const B = await serve((req, res) => json(res, 200, { orders: orders(1, 1), page: { total: 1, limit: 0, offset: 0 } }));
  let status = 302;
  const A = await serve((req, res) => {
    res.writeHead(status, { Location: `http://localhost:${B.port}/steal`, 'Content-Length': 0 });
    res.end();
  });
  const target = `http://localhost:${B.port}`;
  const results = [];
  for (const s of [302, 301, 303, 307, 308]) {
    status = s;
    const seen = [];
    const before = A.log.length;
    const client = await clientOf(A, { apiKey: 'KEYMARKER-redirect', maxRetries: 2, onResponse: (ev) => seen.push(ev.status) });
    for (const [what, call] of [
      ['listSubaccountOrders', () => client.listSubaccountOrders()],
      ['getVoucherOrder', () => client.getVoucherOrder(12345)],
    ]) {
      let error = null;
      let value;
      try {
        value = await settle(call(), { what: `${s} ${what}` });
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        error = e;
      }
      results.push({ s, what, error, value });
    }
    results.push({ s, attempts: A.log.length - before, seen });
  }
  // What matters most first: nothing reached the redirect target (with or without the key).
  const stolen = B.log.map((r) => `${r.method} ${r.url} key=${r.headers['x-dc-devkey'] ?? '(none)'}`);
  assert.deepEqual(stolen, [], 'the redirect target received requests');
  for (const r of results) {
    if (r.what === undefined) {
      assert.equal(r.attempts, 2, `${r.s}: 2 calls, 2 requests (a 3xx is not retried, maxRetries 2)`);
      assert.deepEqual(r.seen, [r.s, r.s], `${r.s}: onResponse saw the ${r.s} itself, never a followed 200`);
      continue;
    }
    const label = `${r.s} ${r.what}`;
    assert.ok(r.error, `${label}: resolved (${JSON.stringify(r.value)?.slice(0, 100)}); expected a rejection`);
    assertCCE(r.error, 'http', label);
    assert.equal(r.error.status, r.s, `${label}: status`);
    assert.ok(r.error.message.includes(target), `${label}: the message names the Location origin ${target}: ${r.error.message}`);
  }

  // An injected fetch gets a Request with redirect: 'manual'; a relative (same-origin) Location is
  // not followed either.
  status = 302;
  const modes = [];
  const viaInjected = await clientOf(A, {
    fetch: (req) => {
      modes.push(req.redirect);
      return globalThis.fetch(req);
    },
  });
  const e = await failure(() => viaInjected.listSubaccountOrders(), 'injected fetch, 302');
  assertCCE(e, 'http', 'injected fetch, 302');
  assert.deepEqual(modes, ['manual'], 'the Request handed to an injected fetch has redirect: manual');
  assert.deepEqual(B.log, []);

  const C = await serve((req, res, n) => {
    if (req.url.startsWith('/elsewhere')) return json(res, 200, { orders: orders(1, 1), page: { total: 1, limit: 0, offset: 0 } });
    res.writeHead(307, { Location: '/elsewhere', 'Content-Length': 0 });
    res.end();
  });
  const same = await failure(async () => (await clientOf(C, { maxRetries: 2 })).listSubaccountOrders(), 'same-origin 307');
  assertCCE(same, 'http', 'same-origin 307');
  assert.equal(same.status, 307);
  assert.deepEqual(C.log.map((r) => r.url.split('?')[0]), ['/services/v2/account/subaccount/order'], 'the relative Location was not followed');
});

hard('1 redirects: https -> http (301 to a plain-http origin, TLS trusted via NODE_EXTRA_CA_CERTS) rejects with kind http 301 and the http target never gets a request', async () => {
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, `openssl is needed to make a self-signed certificate: ${version.error ?? version.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'cc-hardening-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1'], { encoding: 'utf8' });
    assert.equal(made.status, 0, `openssl req failed: ${made.stderr}`);
    const B = await serve((req, res) => json(res, 200, { orders: orders(1, 1), page: { total: 1, limit: 0, offset: 0 } }));
    const A = await serve((req, res) => {
      res.writeHead(301, { Location: `http://127.0.0.1:${B.port}${req.url}`, 'Content-Length': 0 });
      res.end();
    }, { key: readFileSync(keyPath), cert: readFileSync(certPath) });
    const run = await runIsolated(`
      const client = await pkg.createClient({
        apiKey: 'KEYMARKER-https', baseUrl: input.base, rateLimit: false, maxRetries: 1, timeoutMs: 3000,
      });
      const list = await outcome(() => client.listSubaccountOrders({ limit: 1 }));
      const voucher = await outcome(() => client.getVoucherOrder(7));
      finish({ list, voucher });
    `, { input: { ...childInput, base: A.baseUrl }, env: { NODE_EXTRA_CA_CERTS: certPath } });
    const r = resultOf(run);
    assert.equal(A.log.length, 2, `the https server got both requests (else the TLS set-up failed): ${JSON.stringify(r)}`);
    assert.deepEqual(B.log.map((x) => `${x.method} ${x.url} key=${x.headers['x-dc-devkey'] ?? '(none)'}`), [],
      'the plain-http redirect target received requests');
    for (const [label, o] of [['listSubaccountOrders', r.list], ['getVoucherOrder', r.voucher]]) {
      assert.deepEqual(outcomeProblems(label, o, 'http'), []);
      assert.equal(o.error.status, 301, `${label}: status`);
      assert.ok(o.error.message.includes(`http://127.0.0.1:${B.port}`), `${label}: the message names the Location origin: ${o.error.message}`);
    }
    assert.deepEqual(r.strays, [], 'nothing uncaught in the child');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ==============================================================================================
// 2. Caller values are read once, in JS, into plain data
// ==============================================================================================

/**
 * Child code: `run(label, (client) => call, expect)` starts a case at once (all cases of a group
 * run concurrently, so a hang costs 5 s once): a NEW client against the sandbox whose requests
 * are counted; `done()` waits for every case. `expect`: 'invalid_input' (default),
 * 'invalid_input|ok' (either is fine) or 'any' (any CertCentralError). `base`: the client options.
 */
const CHILD_CASES = `
  const base = { apiKey: input.key, baseUrl: input.baseUrl, rateLimit: false, maxRetries: 0, timeoutMs: 2000 };
  const cases = [];
  const pending = [];
  function run(label, f, expect = 'invalid_input') {
    const index = pending.length;
    pending.push((async () => {
      let sent = 0;
      let client;
      try {
        client = await pkg.createClient({ ...base, fetch: (req) => { sent++; return globalThis.fetch(req); } });
      } catch (e) {
        cases[index] = { label, expect, settled: true, error: describe(e), sent, note: 'a normal createClient failed' };
        return;
      }
      const o = await outcome(() => f(client));
      cases[index] = { label, expect, ...o, sent };
    })());
  }
  const done = () => Promise.all(pending);
`;

/** Problems of the child's cases (see CHILD_CASES), its health and strays. */
function childProblems(r) {
  const problems = [];
  for (const c of r.cases) {
    if (c.expect === 'invalid_input|ok' && c.settled && !c.error) continue;
    const kind = c.expect === 'any' ? null : 'invalid_input';
    problems.push(...outcomeProblems(c.label, c, kind));
    if (kind === 'invalid_input' && c.sent) problems.push(`${c.label}: ${c.sent} request(s) sent before saying invalid_input`);
  }
  problems.push(...healthProblems('after the group', r.health));
  for (const s of r.strays) problems.push(`uncaught in the child: ${s}`);
  return problems;
}

async function childGroup(body, timeoutMs = 30_000) {
  const run = await runIsolated(`${CHILD_CASES}\n${body}\nawait done();\nfinish({ cases, health: await healthy() });`, { input: childInput, timeoutMs });
  const r = resultOf(run);
  assert.ok(r.cases.length > 0);
  return r;
}

hard('2 caller values: a filter value nested 5000 levels deep and cyclic objects are invalid_input (no hang, no trap), nothing is sent, the instance keeps working', async () => {
  const r = await childGroup(`
    const nested = (n) => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n));
    const nestedArray = (n) => JSON.parse('['.repeat(n) + '"id"' + ']'.repeat(n));
    run('filters.status nested 5000 levels', (client) => client.listSubaccountOrders({ filters: { status: nested(5000) } }));
    run('sort: an array nested 5000 levels', (client) => client.listSubaccountOrders({ sort: nestedArray(5000) }));
    run('listUsedVoucherCodes filters.code nested 5000 levels', (client) => client.listUsedVoucherCodes({ filters: { code: nested(5000) } }));
    run('cyclic filters', (client) => { const f = { status: 'issued' }; f.self = f; return client.listSubaccountOrders({ filters: f }); });
    run('cyclic filter value', (client) => { const v = {}; v.a = v; return client.listSubaccountOrders({ filters: { status: v } }); });
    run('cyclic date range', (client) => { const d = { from: '2023-01-01' }; d.to = d; return client.listSubaccountOrders({ filters: { date_created: d } }); });
    run('cyclic sort array', (client) => { const s = ['id']; s.push(s); return client.listSubaccountOrders({ sort: s }); });
    run('query holding itself', (client) => { const q = {}; q.filters = q; return client.listSubaccountOrders(q); });
    run('collectSubaccountOrders, cyclic filters', (client) => { const f = {}; f.f = f; return client.collectSubaccountOrders({ max: 10, filters: f }); });
  `);
  assert.deepEqual(childProblems(r), []);
});

hard('2 caller values: throwing getters (query.filters, a filter value, sort, limit, showArchived, a createClient option, a call option, CSV options) are invalid_input, not a hang or an uncaught exception', async () => {
  const r = await childGroup(`
    const boom = (key, target = {}) => Object.defineProperty(target, key, {
      enumerable: true, configurable: true, get() { throw new Error('getter ' + key + ' threw'); },
    });
    run('query.filters getter', (client) => client.listSubaccountOrders(boom('filters')));
    run('filters.status getter', (client) => client.listSubaccountOrders({ filters: boom('status') }));
    run('query.sort getter', (client) => client.listSubaccountOrders(boom('sort')));
    run('query.limit getter', (client) => client.listSubaccountOrders(boom('limit')));
    run('query.offset getter', (client) => client.listSubaccountOrders(boom('offset', { limit: 5 })));
    run('date range .from getter', (client) => client.listSubaccountOrders({ filters: { date_created: boom('from', { to: '2023-12-31' }) } }));
    run('listUsedVoucherCodes query.filters getter', (client) => client.listUsedVoucherCodes(boom('filters')));
    run('exportUsedVoucherCodesCsv filters.code getter', (client) => client.exportUsedVoucherCodesCsv({ filters: boom('code') }));
    run('collectSubaccountOrders max getter', (client) => client.collectSubaccountOrders(boom('max', { limit: 5 })));
    run('iterateSubaccountOrders query.sort getter (first next())', (client) => client.iterateSubaccountOrders(boom('sort')).next());
    run('listOrderReissues options.showArchived getter', (client) => client.listOrderReissues(1, boom('showArchived')));
    run('createClient options.timeoutMs getter', (client) => pkg.createClient(boom('timeoutMs', { ...base })));
    run('createClient options.headers getter', (client) => pkg.createClient(boom('headers', { ...base })));
    run('call opts.signal getter', (client) => client.listSubaccountOrders({ limit: 1 }, boom('signal')));
    run('call opts.timeoutMs getter', (client) => client.getVoucherOrder(1, boom('timeoutMs')));
    run('parseUsedVoucherCodesCsv options.collectErrors getter', (client) => pkg.parseUsedVoucherCodesCsv(input.csv, boom('collectErrors')));
    run('UsedVoucherCodesCsvParser options.collectErrors getter', (client) => new pkg.UsedVoucherCodesCsvParser(boom('collectErrors')));
  `);
  assert.deepEqual(childProblems(r), []);
});

hard('2 caller values: revoked Proxies and Proxies with throwing ownKeys/get traps (as query, filters, options) are invalid_input', async () => {
  const r = await childGroup(`
    const revoked = () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; };
    const trapping = (trap, target = { filters: { status: 'issued' }, limit: 1 }) =>
      new Proxy(target, { [trap]() { throw new Error(trap + ' trap threw'); } });
    run('revoked Proxy as query', (client) => client.listSubaccountOrders(revoked()));
    run('revoked Proxy as filters', (client) => client.listSubaccountOrders({ filters: revoked() }));
    run('revoked Proxy as a filter value', (client) => client.listSubaccountOrders({ filters: { status: revoked() } }));
    run('revoked Proxy as sort', (client) => client.listSubaccountOrders({ sort: revoked() }));
    run('revoked Proxy as createClient options', (client) => pkg.createClient(revoked()));
    run('revoked Proxy as createClient headers', (client) => pkg.createClient({ ...base, headers: revoked() }));
    run('revoked Proxy as rateLimit', (client) => pkg.createClient({ ...base, rateLimit: revoked() }));
    run('revoked Proxy as call opts', (client) => client.listSubaccountOrders({ limit: 1 }, revoked()));
    run('revoked Proxy as reissue options', (client) => client.listOrderReissues(1, revoked()));
    run('revoked Proxy as collect query', (client) => client.collectSubaccountOrders(revoked()));
    run('revoked Proxy as iterate query (first next())', (client) => client.iterateSubaccountOrders(revoked()).next());
    run('revoked Proxy as CSV options', (client) => pkg.parseUsedVoucherCodesCsv(input.csv, revoked()));
    run('query Proxy, ownKeys trap throws', (client) => client.listSubaccountOrders(trapping('ownKeys')));
    run('query Proxy, get trap throws', (client) => client.listSubaccountOrders(trapping('get')));
    run('filters Proxy, ownKeys trap throws', (client) => client.listSubaccountOrders({ filters: trapping('ownKeys', { status: 'issued' }) }));
    run('createClient options Proxy, get trap throws', (client) => pkg.createClient(trapping('get', { ...base })));
    // Traps an implementation need not call: accepted or invalid_input, never anything else.
    run('query Proxy, getPrototypeOf trap throws', (client) => client.listSubaccountOrders(trapping('getPrototypeOf')), 'invalid_input|ok');
    run('query Proxy, has trap throws', (client) => client.listSubaccountOrders(trapping('has')), 'invalid_input|ok');
    run('query Proxy, getOwnPropertyDescriptor trap throws', (client) => client.listSubaccountOrders(trapping('getOwnPropertyDescriptor')), 'invalid_input|ok');
  `);
  assert.deepEqual(childProblems(r), []);
});

hard('2 caller values: a detached ArrayBuffer is invalid_input for parseUsedVoucherCodesCsv (and a CertCentralError for the other CSV entry points)', async () => {
  const r = await childGroup(`
    const detached = () => { const b = new ArrayBuffer(64); structuredClone(b, { transfer: [b] }); return b; };
    run('parseUsedVoucherCodesCsv(detached ArrayBuffer)', (client) => pkg.parseUsedVoucherCodesCsv(detached()));
    run('parseUsedVoucherCodesCsv(detached ArrayBuffer, { collectErrors })', (client) => pkg.parseUsedVoucherCodesCsv(detached(), { collectErrors: true }));
    run('parseUsedVoucherCodesCsvColumns(detached ArrayBuffer)', (client) => pkg.parseUsedVoucherCodesCsvColumns(detached()), 'any');
    run('UsedVoucherCodesCsvParser push(detached ArrayBuffer)', (client) => new pkg.UsedVoucherCodesCsvParser().push(detached()), 'any');
  `);
  assert.deepEqual(childProblems(r), []);
});

hard('2 caller values: nesting deeper than 32 levels anywhere in a query is invalid_input (33 to 5000 levels, every position), nothing sent', async () => {
  const r = await childGroup(`
    const objects = (n, leaf) => { let v = leaf; for (let i = 0; i < n; i++) v = { a: v }; return v; };
    const arrays = (n, leaf) => { let v = leaf; for (let i = 0; i < n; i++) v = [v]; return v; };
    const positions = {
      'filters.status (objects)': (client, n) => client.listSubaccountOrders({ filters: { status: objects(n, 'x') } }),
      'filters.common_name (arrays)': (client, n) => client.listSubaccountOrders({ filters: { common_name: arrays(n, 'x') } }),
      'filters.date_created.from (objects)': (client, n) => client.listSubaccountOrders({ filters: { date_created: { from: objects(n, '2023-01-01') } } }),
      'sort (arrays)': (client, n) => client.listSubaccountOrders({ sort: arrays(n, 'id') }),
      'limit (arrays)': (client, n) => client.listSubaccountOrders({ limit: arrays(n, 5) }),
      'offset (objects)': (client, n) => client.listSubaccountOrders({ offset: objects(n, 0) }),
      'listUsedVoucherCodes filters.code (objects)': (client, n) => client.listUsedVoucherCodes({ filters: { code: objects(n, 'x') } }),
      'collectSubaccountOrders max (arrays)': (client, n) => client.collectSubaccountOrders({ max: arrays(n, 5) }),
    };
    for (const n of [33, 64, 1000, 5000]) {
      for (const [where, f] of Object.entries(positions)) run(where + ', ' + n + ' levels', (client) => f(client, n));
    }
  `);
  assert.deepEqual(childProblems(r), []);
});

hard('2 caller values: more than 5,000 keys or elements in a query (sort of 10,000 "id", 6,000 filters) is invalid_input, nothing sent', async () => {
  const h = await spied();
  const before = sb.stats.requests;
  const manyFilters = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`f${i}`, 'x']));
  assert.deepEqual(await invalidNothingSent(h, [
    ['sort: 10,000 x "id"', () => h.client.listSubaccountOrders({ sort: Array(10_000).fill('id') })],
    ['sort: 5,001 x "id"', () => h.client.listSubaccountOrders({ sort: Array(5001).fill('id') })],
    ['filters: 6,000 keys', () => h.client.listSubaccountOrders({ filters: manyFilters })],
    ['listUsedVoucherCodes filters: 6,000 keys', () => h.client.listUsedVoucherCodes({ filters: manyFilters })],
    ['iterateSubaccountOrders sort: 10,000 x "id"', () => h.client.iterateSubaccountOrders({ sort: Array(10_000).fill('id') }).next()],
  ]), []);
  assert.equal(sb.stats.requests, before, 'the sandbox received nothing');
});

hard('2 caller values: a query whose URL would exceed 8 KB is invalid_input with nothing sent (shorter ones still go out)', async () => {
  const h = await spied();
  const before = sb.stats.requests;
  assert.deepEqual(await invalidNothingSent(h, [
    ['one 9,000-char filter', () => h.client.listSubaccountOrders({ filters: { common_name: 'x'.repeat(9000) } })],
    ['three filters of 4,000 + 4,000 + 1,000 chars', () => h.client.listSubaccountOrders({
      filters: { common_name: 'x'.repeat(4000), search: 'y'.repeat(4000), status: 'z'.repeat(1000) },
    })],
    ['listUsedVoucherCodes: 1,500 x "é" (9,000 chars percent-encoded)', () => h.client.listUsedVoucherCodes({ filters: { code: 'é'.repeat(1500) } })],
    ['exportUsedVoucherCodesCsv: 2 x 4,000 + 500 chars', () => h.client.exportUsedVoucherCodesCsv({
      filters: { code: 'a'.repeat(4000), product_name_id: 'b'.repeat(4000), x: 'c'.repeat(500) },
    })],
  ]), []);
  assert.equal(sb.stats.requests, before, 'the sandbox received nothing');
  // Under the bound: sent as before.
  const ok = await succeed(h.client.listSubaccountOrders({ filters: { common_name: 'x'.repeat(3000) }, limit: 1 }));
  assert.deepEqual(ok.orders, []);
  assert.equal(h.sent.length, 1);
});

hard('2 caller values: an injected fetch resolving to an object, Response subclass or Proxy whose status/headers/body getters throw rejects with kind network', async () => {
  const r = await childGroup(`
    const thrower = (what) => () => { throw new Error(what + ' getter threw'); };
    const jsonHeaders = () => new Headers({ 'content-type': 'application/json' });
    const body = '{"orders":[{"id":1}],"page":{"total":1,"limit":0,"offset":0}}';
    const responses = {
      'object, status getter throws': () => ({ ok: true, get status() { return thrower('status')(); }, headers: jsonHeaders(), body: new Response(body).body }),
      'object, headers getter throws': () => ({ ok: true, status: 200, get headers() { return thrower('headers')(); }, body: new Response(body).body }),
      'object, body getter throws': () => ({ ok: true, status: 200, headers: jsonHeaders(), get body() { return thrower('body')(); } }),
      'Response subclass, status getter throws': () => new (class extends Response { get status() { return thrower('status')(); } })(body, { headers: jsonHeaders() }),
      'Response subclass, headers getter throws': () => new (class extends Response { get headers() { return thrower('headers')(); } })(body, { headers: jsonHeaders() }),
      'Response subclass, body getter throws': () => new (class extends Response { get body() { return thrower('body')(); } })(body, { headers: jsonHeaders() }),
      'Proxy of a Response, get trap throws': () => new Proxy(new Response(body, { headers: jsonHeaders() }), { get: thrower('every') }),
      'Proxy of a Response, getPrototypeOf trap throws': () => new Proxy(new Response(body, { headers: jsonHeaders() }), { getPrototypeOf: thrower('prototype') }),
    };
    // All at once: a hang costs 5 s once, not per case.
    const results = await Promise.all(Object.entries(responses).map(async ([label, make]) => {
      const c = await pkg.createClient({ ...base, fetch: async () => make() });
      return { label, expect: 'network', ...(await outcome(() => c.listSubaccountOrders({ limit: 1 }))), sent: 0 };
    }));
    cases.push(...results);
  `);
  const problems = [];
  for (const c of r.cases) problems.push(...outcomeProblems(c.label, c, 'network'));
  problems.push(...healthProblems('after the group', r.health));
  for (const s of r.strays) problems.push(`uncaught in the child: ${s}`);
  assert.deepEqual(problems, []);
});

hard('2 caller values: throwing onRequest/onResponse hooks are ignored (the call succeeds); a throwing onProgress rejects parseUsedVoucherCodesCsv with invalid_input whose cause is the thrown error', async () => {
  const client = await pkg.createClient({
    apiKey: KEY,
    baseUrl: sb.baseUrl,
    rateLimit: false,
    onRequest() { throw new Error('onRequest threw'); },
    onResponse() { throw new Error('onResponse threw'); },
  });
  const page = await succeed(client.listSubaccountOrders({ limit: 3 }));
  assert.equal(page.orders.length, 3, 'hooks that throw do not break the call');

  for (const [label, input] of [['string', sample], ['Uint8Array', new TextEncoder().encode(sample)]]) {
    const thrown = new Error(`onProgress threw (${label})`);
    const e = await failure(() => pkg.parseUsedVoucherCodesCsv(input, { onProgress() { throw thrown; } }), `onProgress throwing, ${label} input`);
    assertCCE(e, 'invalid_input', `onProgress throwing, ${label} input`);
    assert.equal(e.cause, thrown, `${label}: the cause is the error onProgress threw`);
  }
  const ok = await succeed(pkg.parseUsedVoucherCodesCsv(sample, { onProgress() {} }));
  assert.equal(ok.records.length, 20);
});

// ==============================================================================================
// 3. Bounds
// ==============================================================================================

hard('3 bounds: collectErrors keeps at most maxErrors bad rows (default 1000) and reports errorCount (records, columns, streaming parser), RSS growth < 200 MB', async (t) => {
  const header = sample.split('\n')[0];
  const rows = 300_000;
  const bad = `${header}\n${'x\n'.repeat(rows)}`;
  const checkErrors = (errors, n, label) => {
    assert.equal(errors.length, n, `${label}: errors kept`);
    for (const e of [errors[0], errors.at(-1)]) assertCCE(e, 'csv', `${label}: a kept error`);
  };

  const five = await succeed(pkg.parseUsedVoucherCodesCsv(bad, { collectErrors: true, maxErrors: 5 }), 'maxErrors 5', { ms: 60_000 });
  checkErrors(five.errors, 5, 'maxErrors 5');
  assert.equal(five.errorCount, rows, 'maxErrors 5: errorCount is the total');
  assert.equal(five.records.length, 0);

  const rss0 = process.memoryUsage().rss;
  const all = await succeed(pkg.parseUsedVoucherCodesCsv(bad, { collectErrors: true }), 'default maxErrors', { ms: 60_000 });
  const grew = (process.memoryUsage().rss - rss0) / 2 ** 20;
  t.diagnostic(`rss grew ${grew.toFixed(1)} MiB over a parse with ${rows} bad rows`);
  checkErrors(all.errors, 1000, 'default maxErrors');
  assert.equal(all.errorCount, rows, 'default maxErrors: errorCount is the total');
  assert.equal(all.bytes, Buffer.byteLength(bad));
  assert.ok(grew < 200, `rss grew ${grew.toFixed(1)} MiB`);

  const cols = await succeed(pkg.parseUsedVoucherCodesCsvColumns(bad, { collectErrors: true }), 'columns', { ms: 60_000 });
  checkErrors(cols.errors, 1000, 'columns, default maxErrors');
  assert.equal(cols.errorCount, rows, 'columns: errorCount');
  assert.equal(cols.columns.length, 0);
  const cols5 = await succeed(pkg.parseUsedVoucherCodesCsvColumns(bad, { collectErrors: true, maxErrors: 5 }), 'columns maxErrors 5', { ms: 60_000 });
  checkErrors(cols5.errors, 5, 'columns, maxErrors 5');
  assert.equal(cols5.errorCount, rows);

  const parser = new pkg.UsedVoucherCodesCsvParser({ collectErrors: true, maxErrors: 5 });
  let taken = 0;
  for (let at = 0; at < bad.length; at += 65_536) {
    assert.equal(parser.push(bad.slice(at, at + 65_536)).length, 0);
    taken += parser.takeErrors().length;
  }
  parser.finish();
  taken += parser.takeErrors().length;
  assert.ok(taken <= 5, `streaming: takeErrors() gave ${taken} errors in all, at most 5`);
  assert.equal(parser.errorCount, rows, 'streaming: errorCount is the total');
  parser.free();
});

/** Drains an async iterator of orders: ids, the first duplicate id, or the error. */
async function drain(iterator, limit = 50_000) {
  const ids = [];
  const seen = new Set();
  try {
    for await (const o of iterator) {
      if (seen.has(o.id)) return { ids, dup: o.id };
      seen.add(o.id);
      ids.push(o.id);
      if (ids.length >= limit) return { ids, tooMany: true };
    }
    return { ids };
  } catch (error) {
    return { ids, error };
  }
}

async function iterateWithin(client, query) {
  const controller = new AbortController();
  return settle(drain(client.iterateSubaccountOrders(query, { signal: controller.signal })), { controller, what: 'the iteration' });
}

async function collectWithin(client, query) {
  const controller = new AbortController();
  try {
    return { value: await settle(client.collectSubaccountOrders(query, { signal: controller.signal }), { controller, what: 'collectSubaccountOrders' }) };
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return { error };
  }
}

hard('3 bounds: a server that ignores offset (same first page, total 1e15) makes iterate and collect({ max: Infinity }) reject with decode after < 5 requests, never a duplicate id', async () => {
  const first = orders(1, 1000);
  const A = await serve((req, res, n) => {
    if (n > 50) return json(res, 503, { errors: [{ code: 'service_unavailable', message: 'the test server stops here' }] });
    json(res, 200, { orders: first, page: { total: 1e15, limit: 1000, offset: 0 } });
  });
  const client = await clientOf(A);
  const it = await iterateWithin(client, {});
  const itRequests = A.log.length;
  assert.equal(it.dup, undefined, `the iterator yielded order id ${it.dup} twice (after ${it.ids.length} orders)`);
  assert.ok(it.error, `the iteration ended without an error after ${it.ids.length} orders`);
  assertCCE(it.error, 'decode', 'iterate');
  assert.ok(itRequests < 5, `${itRequests} requests reached the server`);

  const before = A.log.length;
  const col = await collectWithin(client, { max: Infinity });
  assert.ok(col.error, `collectSubaccountOrders resolved with ${col.value?.length} orders`);
  assertCCE(col.error, 'decode', 'collect');
  assert.ok(A.log.length - before < 5, `${A.log.length - before} requests reached the server`);
});

hard('3 bounds: a page whose page.offset differs from the offset requested is a decode error (list, iterate, collect)', async () => {
  const A = await serve((req, res) => {
    const offset = Number(queryOf(req).get('offset') ?? 0);
    json(res, 200, { orders: orders(offset + 8, 10), page: { total: 40, limit: 10, offset: offset + 7 } });
  });
  const client = await clientOf(A);
  const e = await failure(() => client.listSubaccountOrders({ limit: 10, offset: 10 }), 'listSubaccountOrders offset 10');
  assertCCE(e, 'decode', 'listSubaccountOrders');
  const it = await iterateWithin(client, { limit: 10 });
  assert.ok(it.error, `the iteration ended without an error after ${it.ids.length} orders`);
  assertCCE(it.error, 'decode', 'iterate');
  assert.deepEqual(it.ids, [], 'nothing of the misplaced page was yielded');
  const col = await collectWithin(client, { limit: 10, max: 40 });
  assert.ok(col.error, `collectSubaccountOrders resolved with ${col.value?.length} orders`);
  assertCCE(col.error, 'decode', 'collect');
});

hard('3 bounds: an empty page while page.total says more remain is a decode error, not a silent stop (iterate, collect)', async () => {
  for (const variant of ['orders: []', 'orders left out']) {
    const A = await serve((req, res) => {
      const offset = Number(queryOf(req).get('offset') ?? 0);
      const page = { total: 50, limit: 10, offset };
      if (offset < 20) return json(res, 200, { orders: orders(offset + 1, 10), page });
      json(res, 200, variant === 'orders: []' ? { orders: [], page } : { page });
    });
    const client = await clientOf(A);
    const it = await iterateWithin(client, { limit: 10 });
    assert.ok(it.error, `${variant}: the iteration stopped silently after ${it.ids.length} of 50 orders`);
    assertCCE(it.error, 'decode', `${variant}: iterate`);
    assert.equal(it.dup, undefined);
    const col = await collectWithin(client, { limit: 10, max: Infinity });
    assert.ok(col.error, `${variant}: collectSubaccountOrders resolved with ${col.value?.length} of 50 orders`);
    assertCCE(col.error, 'decode', `${variant}: collect`);
  }
});

hard('3 bounds: parseUsedVoucherCodesCsv of a large string (300,000 rows) yields to the event loop while it parses', async (t) => {
  // 1,000 realistic rows (bench/csv/gen.mjs), repeated with new ids.
  const next = rowSource(11);
  const tails = Array.from({ length: 1000 }, () => {
    const row = next().csv;
    return row.slice(row.indexOf(','));
  });
  const parts = [HEADER];
  for (let i = 0; i < 300_000; i += 10_000) {
    const block = new Array(10_000);
    for (let j = 0; j < 10_000; j++) block[j] = `${i + j + 1}${tails[(i + j) % 1000]}`;
    parts.push(block.join('\n'));
  }
  const csv = parts.join('\n');
  parts.length = 0;

  let timeoutFired = false;
  let resolved = false;
  const ticks = [];
  const t0 = performance.now();
  const promise = pkg.parseUsedVoucherCodesCsv(csv);
  setTimeout(() => { timeoutFired = !resolved; }, 0);
  const interval = setInterval(() => ticks.push(performance.now()), 10);
  let result;
  try {
    result = await succeed(promise.then((r) => { resolved = true; return r; }), 'the parse', { ms: 60_000 });
  } finally {
    clearInterval(interval);
  }
  const took = performance.now() - t0;
  const stamps = [t0, ...ticks, performance.now()];
  const maxGap = Math.max(...stamps.slice(1).map((s, i) => s - stamps[i]));
  t.diagnostic(`parse of ${(csv.length / 2 ** 20).toFixed(1)} MiB took ${took.toFixed(0)} ms; ${ticks.length} interval ticks; largest gap ${maxGap.toFixed(0)} ms`);
  assert.equal(result.records.length, 300_000);
  assert.ok(timeoutFired, 'a setTimeout(0) scheduled right after starting the parse fired before the parse resolved');
  if (took > 300) {
    assert.ok(ticks.length >= 3, `a setInterval(10) ticked ${ticks.length} times during a ${took.toFixed(0)} ms parse`);
  } else {
    t.diagnostic('the parse took under 300 ms: the interval check is skipped');
  }
});

hard('3 bounds: an HTTP 400 with 300,000 error entries: kind http, message <= 2000 chars stating the count, errors.length 100', async () => {
  const body = JSON.stringify({ errors: Array.from({ length: 300_000 }, (_, i) => ({ code: 'invalid_value', message: `bad value ${i}` })) });
  const A = await serve((req, res) => json(res, 400, body));
  const client = await clientOf(A);
  const e = await failure(() => client.listSubaccountOrders(), 'the 400');
  assertCCE(e, 'http', 'the 400');
  assert.equal(e.status, 400);
  assert.ok(e.message.length <= 2000, `message of ${e.message.length} chars`);
  assert.match(e.message, /300[,.\u00a0\u202f ]?000/, 'the message states how many entries there were');
  assert.equal(e.errors.length, 100, 'errors kept');
  assert.equal(e.errors[0].code, 'invalid_value');
});

// ==============================================================================================
// 4. Say no instead of doing something else
// ==============================================================================================

hard('4 say no: headers given as a Headers instance are accepted and reach the server', async () => {
  const A = await serve((req, res) => json(res, 200, { orders: orders(1, 1), page: { total: 1, limit: 0, offset: 0 } }));
  const client = await succeed(clientOf(A, { apiKey: KEY, headers: new Headers({ 'X-Trace': 'abc' }) }));
  await succeed(client.listSubaccountOrders({ limit: 1 }));
  assert.equal(A.log.length, 1);
  assert.equal(A.log[0].headers['x-trace'], 'abc', 'the X-Trace header reached the server');
  assert.equal(A.log[0].headers['x-dc-devkey'], KEY);
});

hard('4 say no: forbidden request headers (Host, Content-Length, Transfer-Encoding, Connection, Keep-Alive, Upgrade, TE, Trailer, Accept; any case) make createClient reject with invalid_input naming the header', async () => {
  const names = ['Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Keep-Alive', 'Upgrade', 'TE', 'Trailer', 'Accept'];
  const problems = [];
  for (const name of names) {
    for (const spelt of new Set([name, name.toLowerCase(), name.toUpperCase()])) {
      let e;
      try {
        e = await failure(() => pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, headers: { [spelt]: 'x' } }), `headers { ${spelt} }`);
      } catch (err) {
        problems.push(err.message);
        continue;
      }
      if (!(e instanceof pkg.CertCentralError) || e.kind !== 'invalid_input') problems.push(`${spelt}: ${brief(e)} kind ${e?.kind}`);
      else if (!e.message.toLowerCase().includes(name.toLowerCase())) problems.push(`${spelt}: the message does not name the header: ${e.message}`);
    }
  }
  assert.deepEqual(problems, []);
  await succeed(pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, headers: { 'X-Trace': 'x' } }));
});

hard('4 say no: filters that are not a plain object (array, string, Map) are invalid_input, nothing sent', async () => {
  const h = await spied();
  const before = sb.stats.requests;
  assert.deepEqual(await invalidNothingSent(h, [
    ["filters: ['x']", () => h.client.listSubaccountOrders({ filters: ['x'] })],
    ["filters: 'x'", () => h.client.listSubaccountOrders({ filters: 'x' })],
    ['filters: new Map()', () => h.client.listSubaccountOrders({ filters: new Map() })],
    ["filters: new Map([['status', 'issued']])", () => h.client.listSubaccountOrders({ filters: new Map([['status', 'issued']]) })],
    ["listUsedVoucherCodes filters: ['x']", () => h.client.listUsedVoucherCodes({ filters: ['x'] })],
    ['exportUsedVoucherCodesCsv filters: new Map()', () => h.client.exportUsedVoucherCodesCsv({ filters: new Map() })],
  ]), []);
  assert.equal(sb.stats.requests, before, 'the sandbox received nothing');
  await succeed(h.client.listSubaccountOrders({ filters: {}, limit: 1 }));
  assert.equal(h.sent.length, 1, 'filters: {} is fine');
});

hard('4 say no: impossible calendar dates (2023-02-31, 2023-13-01, 2023-02-29, ...) are invalid_input, nothing sent; 2024-02-29 is accepted and sent', async () => {
  const h = await spied();
  const before = sb.stats.requests;
  const bad = [
    '2023-02-31', '2023-13-01', '2023-02-29', '2023-04-31', '2023-00-10', '2023-01-00', '2023-02-31 10:00:00',
    '2023-02-31...2023-03-31', '2023-01-01...2023-13-01', '<2023-02-29', '>2023-02-30',
    { from: '2023-02-31', to: '2023-03-31' }, { from: '2023-01-01', to: '2023-13-01' }, { from: '2023-02-29', to: '2023-03-01' },
    { before: '2023-02-29' }, { after: '2023-06-31' }, { from: '2023-02-29' },
  ];
  const calls = [];
  for (const v of bad) {
    calls.push([`listSubaccountOrders date_created ${JSON.stringify(v)}`, () => h.client.listSubaccountOrders({ filters: { date_created: v } })]);
  }
  calls.push(['listUsedVoucherCodes date_valid_till 2023-02-31', () => h.client.listUsedVoucherCodes({ filters: { date_valid_till: '2023-02-31' } })]);
  calls.push(['listSubaccountOrders valid_till {from: 2023-02-29, to: 2023-03-01}', () => h.client.listSubaccountOrders({ filters: { valid_till: { from: '2023-02-29', to: '2023-03-01' } } })]);
  assert.deepEqual(await invalidNothingSent(h, calls), []);
  assert.equal(sb.stats.requests, before, 'the sandbox received nothing');

  for (const [v, wire] of [
    ['2024-02-29', '2024-02-29'],
    [{ from: '2024-02-29', to: '2024-03-01' }, '2024-02-29...2024-03-01'],
    ['2000-02-29', '2000-02-29'],
    ['2024-02-29 23:59:59', '2024-02-29 23:59:59'],
  ]) {
    const n = h.sent.length;
    await succeed(h.client.listSubaccountOrders({ filters: { date_created: v }, limit: 1 }), JSON.stringify(v));
    assert.equal(h.sent.length, n + 1, `${JSON.stringify(v)} was sent`);
    assert.equal(new URL(h.sent.at(-1)).searchParams.get('filters[date_created]'), wire);
  }
});

hard('4 say no: an id past 2^53 in a response (9007199254740993) is a decode error naming `id`; 9007199254740991 passes through exactly', async () => {
  let id = '9007199254740993';
  const A = await serve((req, res) => {
    if (req.url.includes('/voucher/')) return json(res, 200, `{"id": ${id}, "name": "v", "codes": []}`);
    json(res, 200, `{"orders":[{"id": ${id}, "status": "issued"}],"page":{"total":1,"limit":0,"offset":0}}`);
  });
  const client = await clientOf(A);
  for (const [what, call] of [['listSubaccountOrders', () => client.listSubaccountOrders()], ['getVoucherOrder', () => client.getVoucherOrder(1)]]) {
    const e = await failure(call, `${what} with id ${id}`);
    assertCCE(e, 'decode', what);
    assert.match(e.message, /\bid\b/, `${what}: the message names the field id: ${e.message}`);
  }
  id = '9007199254740991';
  const list = await succeed(client.listSubaccountOrders());
  assert.equal(list.orders[0].id, 9007199254740991);
  const voucher = await succeed(client.getVoucherOrder(1));
  assert.equal(voucher.id, 9007199254740991);
});

/** `d` in the three HTTP date forms of RFC 9110. */
function httpDates(d) {
  const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n) => String(n).padStart(2, '0');
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const day = DAYS[d.getUTCDay()];
  const mon = MONTHS[d.getUTCMonth()];
  return {
    'IMF-fixdate': `${day.slice(0, 3)}, ${p2(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${time} GMT`,
    'RFC 850': `${day}, ${p2(d.getUTCDate())}-${mon}-${p2(d.getUTCFullYear() % 100)} ${time} GMT`,
    asctime: `${day.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`,
  };
}

hard('4 say no: Retry-After in each HTTP date form (IMF-fixdate, RFC 850, asctime) ~30 s ahead gives retryAfterMs 25,000-31,000 on a 429', async () => {
  let form = 'IMF-fixdate';
  const sentValues = [];
  const A = await serve((req, res) => {
    const value = httpDates(new Date(Date.now() + 30_000))[form];
    sentValues.push(value);
    json(res, 429, { errors: [{ code: 'request_limit_exceeded', message: 'slow down' }] }, { 'Retry-After': value });
  });
  const problems = [];
  for (const f of ['IMF-fixdate', 'RFC 850', 'asctime']) {
    form = f;
    // One key per form: a 429 pauses its key's whole queue for the Retry-After (30 s here).
    const client = await clientOf(A, { maxRetries: 0, apiKey: `KEYMARKER-retry-after-${f.replace(/\W/g, '')}` });
    const e = await failure(() => client.listSubaccountOrders(), `429 with a ${f} Retry-After`);
    assertCCE(e, 'http', f);
    assert.equal(e.status, 429);
    const ms = e.retryAfterMs;
    if (!(typeof ms === 'number' && ms >= 25_000 && ms <= 31_000)) problems.push(`${f} (${sentValues.at(-1)}): retryAfterMs ${ms}`);
  }
  assert.deepEqual(problems, []);
  assert.equal(A.log.length, 3, 'one attempt each (maxRetries 0)');
});

hard('4 say no: rateLimit: [] makes createClient reject with invalid_input', async () => {
  const e = await failure(() => pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: [] }), 'rateLimit: []');
  assertCCE(e, 'invalid_input', 'rateLimit: []');
  await succeed(pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false }));
  await succeed(pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: [{ max: 5, windowMs: 1000 }] }));
});

hard('4 say no: every method called after client.free() throws or rejects a CertCentralError', async () => {
  const voucherId = sb.dataset.voucherOrders[0].id;
  const orderId = sb.dataset.subaccountOrders[0].id;
  const problems = [];
  for (const [what, call] of [
    ['listSubaccountOrders', (c) => c.listSubaccountOrders({ limit: 1 })],
    ['listUsedVoucherCodes', (c) => c.listUsedVoucherCodes({ limit: 1 })],
    ['exportUsedVoucherCodesCsv', (c) => c.exportUsedVoucherCodesCsv({ limit: 1 })],
    ['getVoucherOrder', (c) => c.getVoucherOrder(voucherId)],
    ['listOrderReissues', (c) => c.listOrderReissues(orderId)],
    ['collectSubaccountOrders', (c) => c.collectSubaccountOrders({ max: 1 })],
    ['iterateSubaccountOrders', (c) => c.iterateSubaccountOrders({ limit: 1 }).next()],
  ]) {
    const client = await pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false });
    client.free();
    let e;
    try {
      e = await failure(() => call(client), `${what} after free()`);
    } catch (err) {
      problems.push(err.message);
      continue;
    }
    if (!(e instanceof pkg.CertCentralError)) problems.push(`${what}: ${brief(e)}`);
  }
  assert.deepEqual(problems, []);
});

hard('4 say no: a 404 whose body is larger than maxResponseBytes is kind http with status 404, not decode', async () => {
  const big = JSON.stringify({ errors: [{ code: 'not_found', message: 'x'.repeat(5000) }] });
  const A = await serve((req, res) => {
    if (req.url.includes('/voucher/2')) {
      // No Content-Length: the body streams in pieces past the bound.
      res.writeHead(404, { 'Content-Type': 'application/json' });
      for (let i = 0; i < big.length; i += 500) res.write(big.slice(i, i + 500));
      return res.end();
    }
    json(res, 404, big);
  });
  const client = await clientOf(A, { maxResponseBytes: 1000 });
  for (const [label, id] of [['Content-Length', 1], ['chunked', 2]]) {
    const e = await failure(() => client.getVoucherOrder(id), `404 (${label})`);
    assertCCE(e, 'http', `404 (${label})`);
    assert.equal(e.status, 404, label);
  }
});
