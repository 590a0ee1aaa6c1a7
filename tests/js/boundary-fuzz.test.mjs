// A seeded fuzz of the package's JS boundary: random hostile JS values (deep nesting, cycles,
// throwing getters, revoked and trapping Proxies, huge arrays and strings, symbols, bigints,
// functions, Dates, Maps, detached buffers, typed arrays, NaN/Infinity/-0, numbers past 2^53)
// in random positions of EVERY entry point. Each call must return or throw synchronously, or
// settle its promise within 5 s; anything thrown or rejected must be a CertCentralError; nothing
// may go uncaught; and the instance must keep working (checked every 50 cases and at the end:
// a NEW client lists 5 sandbox orders, and a 20-row export parses to 20 records).
//
// It runs in a child process (./isolate.mjs), so a case that corrupts the wasm instance fails
// this test cleanly instead of poisoning the runner. The run stops early at the first hang, at
// 5 problems or at a failed health check (the report says where), and stops starting new cases
// after 30 s. Reproduce a run with CC_FUZZ_SEED=<seed> (and CC_FUZZ_CASES=<n>).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, loadPackage, KEY } from './helpers.mjs';
import { runIsolated, resultOf } from './isolate.mjs';

const SEED = Number(process.env.CC_FUZZ_SEED ?? 0x5eed2026);
const CASES = Number(process.env.CC_FUZZ_CASES ?? 600);
const HEALTH_EVERY = 50;
const BUDGET_MS = 30_000;

const strays = [];
const brief = (e) => `${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 300)}`;
process.on('uncaughtException', (e) => strays.push(`uncaughtException ${brief(e)}`));
process.on('unhandledRejection', (e) => strays.push(`unhandledRejection ${brief(e)}`));

let sb, input;
before(async () => {
  sb = await sandbox();
  const pkg = await loadPackage();
  const client = await pkg.createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false });
  const csv = await client.exportUsedVoucherCodesCsv({ limit: 20 });
  input = {
    baseUrl: sb.baseUrl,
    csv,
    csvRows: 20,
    seed: SEED,
    cases: CASES,
    healthEvery: HEALTH_EVERY,
    budgetMs: BUDGET_MS,
    voucherId: sb.dataset.voucherOrders[0].id,
    orderId: sb.dataset.subaccountOrders[0].id,
  };
});
after(() => sb.close());

const FUZZ = String.raw`
// -- the random source -----------------------------------------------------------------------
function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(input.seed);
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const chance = (p) => rnd() < p;

// -- hostile values: each maker returns [label, value] ------------------------------------------
const boom = (what) => () => { throw new Error('fuzz: ' + what + ' threw'); };
const KEYS = ['filters', 'sort', 'offset', 'limit', 'max', 'signal', 'timeoutMs', 'maxRetries', 'collectErrors',
  'onProgress', 'chunkSize', 'maxErrors', 'showArchived', 'dedupeBySerial', 'status', 'date_created', 'from', 'to',
  'before', 'after', 'common_name', 'apiKey', 'baseUrl', 'headers', 'fetch', 'rateLimit', 'onRequest', 'onResponse',
  'maxResponseBytes', 'region', 'allowInsecureHttp', 'then', 'toString', 'valueOf', 'toJSON', 'length', '__proto__'];
const leaf = () => pick(['x', 'issued', '2023-01-01', 'id', 1, 0, null, true]);
function nestObjects(n, v) { for (let i = 0; i < n; i++) v = { a: v }; return v; }
function nestArrays(n, v) { for (let i = 0; i < n; i++) v = [v]; return v; }
const depth = () => pick([2, 33, 100, 1000, 5000]);
const getterOn = (target, key) => Object.defineProperty(target, key, { enumerable: true, configurable: true, get: boom('getter ' + key) });
function detachedBuffer(n = 16) { const b = new ArrayBuffer(n); structuredClone(b, { transfer: [b] }); return b; }

const MAKERS = [
  () => { const n = depth(); return ['objects nested ' + n, nestObjects(n, leaf())]; },
  () => { const n = depth(); return ['arrays nested ' + n, nestArrays(n, leaf())]; },
  () => { const n = depth(); return ['JSON.parse nested ' + n, JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n))]; },
  () => { const o = { status: 'issued' }; o.self = o; return ['cyclic object', o]; },
  () => { const a = ['id']; a.push(a); return ['cyclic array', a]; },
  () => { const o = {}; o.a = { b: { c: o } }; return ['cycle 3 deep', o]; },
  () => { const k = pick(KEYS); return ['getter ' + k + ' throws', getterOn({}, k)]; },
  () => { const k = pick(KEYS); const k2 = pick(KEYS); return ['nested getter ' + k + '.' + k2 + ' throws', { [k]: getterOn({}, k2) }]; },
  () => { const k = pick(KEYS); return ['array with a throwing getter at ' + k, getterOn(['id'], k === 'length' ? '1' : k)]; },
  () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return ['revoked Proxy', proxy]; },
  () => { const { proxy, revoke } = Proxy.revocable([], {}); revoke(); return ['revoked array Proxy', proxy]; },
  () => {
    const trap = pick(['ownKeys', 'get', 'getPrototypeOf', 'has', 'getOwnPropertyDescriptor']);
    const target = pick([{}, [], { filters: { status: 'issued' }, limit: 1 }, { collectErrors: true }]);
    return ['Proxy whose ' + trap + ' trap throws', new Proxy(target, { [trap]: boom(trap + ' trap') })];
  },
  () => { const v = pick([0, 'id', null, 'x']); return ['array of 1e5 ' + JSON.stringify(v), new Array(1e5).fill(v)]; },
  () => { const c = pick(['x', 'é', ',', '"', '\n', '1', '\u{1F600}']); return ['string of 1e6 ' + JSON.stringify(c), c.repeat(1e6 / c.length)]; },
  () => ['symbol', Symbol('fuzz')],
  () => pick([['10n', 10n], ['2n ** 64n', 2n ** 64n], ['-1n', -1n], ['0n', 0n]]),
  () => pick([['a function', function fuzz() {}], ['an arrow function', () => 1], ['a class', class Fuzz {}],
    ['a throwing function', boom('function')], ['an async function', async () => 1]]),
  () => pick([['a Date', new Date(0)], ['an invalid Date', new Date(NaN)]]),
  () => pick([['a Map', new Map([['status', 'issued']])], ['an empty Map', new Map()], ['a Set', new Set(['id'])], ['a WeakMap', new WeakMap()]]),
  () => ['a detached ArrayBuffer', detachedBuffer()],
  () => { const b = new ArrayBuffer(32); const v = new Uint8Array(b); structuredClone(b, { transfer: [b] }); return ['a Uint8Array over a detached buffer', v]; },
  () => pick([
    ['a Uint8Array of random bytes', Uint8Array.from({ length: 256 }, () => int(256))],
    ['a Float64Array', new Float64Array([1.5, NaN, -0])],
    ['an Int32Array', new Int32Array(8)],
    ['a DataView', new DataView(new ArrayBuffer(8))],
    ['a SharedArrayBuffer', new SharedArrayBuffer(8)],
  ]),
  () => pick([['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-0', -0]]),
  () => pick([['2 ** 53 + 2', 2 ** 53 + 2], ['1e21', 1e21], ['Number.MAX_VALUE', Number.MAX_VALUE], ['-(2 ** 53 + 2)', -(2 ** 53 + 2)], ['2 ** 53', 2 ** 53]]),
  () => pick([['undefined', undefined], ['null', null], ['true', true], ['""', ''], ['{}', {}], ['[]', []], ['1', 1], ['"x"', 'x']]),
  () => ['an object without prototype', Object.assign(Object.create(null), { status: 'issued', limit: 1 })],
  () => pick([['an aborted AbortSignal', AbortSignal.abort()], ['a Promise', Promise.resolve(1)],
    ['an object whose then getter throws', getterOn({}, 'then')], ['an Error', new Error('fuzz')],
    ['a RegExp', /x/g], ['a boxed String', new String('issued')], ['a boxed Number', new Number(5)]]),
  () => ['an object with a Symbol key', { [Symbol('k')]: 1, status: 'issued' }],
  () => ['an object with 6,000 keys', Object.fromEntries(Array.from({ length: 6000 }, (_, i) => ['k' + i, 'x']))],
];
const hostile = () => pick(MAKERS)();

// -- the entry points: each argument slot normal, or hostile (whole, at a key, or nested) --------
const normal = {
  subQuery: () => ({ filters: { status: 'issued', date_created: { from: '2023-01-01', to: '2023-12-31' } }, sort: ['-date_created', 'id'], limit: 5, offset: 0 }),
  codesQuery: () => ({ filters: { product_name_id: 'ssl_basic', date_valid_till: '2020-01-01...2030-01-01' }, sort: '-id', limit: 5 }),
  exportQuery: () => ({ filters: { voucher_order_id: input.voucherId }, sort: 'id' }),
  collectQuery: () => ({ max: 10, limit: 1000, sort: 'id', filters: { status: 'issued' } }),
  iterateQuery: () => ({ limit: 5, sort: 'id' }),
  callOpts: () => ({ timeoutMs: 2000, maxRetries: 0 }),
  reissueOpts: () => ({ showArchived: true, dedupeBySerial: true }),
  csvOpts: () => ({ collectErrors: true, chunkSize: 4096, maxErrors: 10, onProgress() {} }),
  parserOpts: () => ({ collectErrors: true, maxErrors: 10 }),
  clientOpts: () => ({
    apiKey: input.key, baseUrl: input.baseUrl, rateLimit: false, maxRetries: 0, timeoutMs: 2000,
    headers: { 'X-Trace': 'fuzz' }, onRequest() {}, onResponse() {}, allowInsecureHttp: false, maxResponseBytes: 1e7,
  }),
  voucherId: () => input.voucherId,
  orderId: () => input.orderId,
  csvInput: () => pick([
    ['the sample (string)', input.csv],
    ['the sample (Uint8Array)', new TextEncoder().encode(input.csv)],
    ['the sample (ArrayBuffer)', new TextEncoder().encode(input.csv).buffer],
    ['the sample (Blob)', new Blob([input.csv])],
  ]),
};

/** A slot: [label, value], hostile when \`wild\`, placed whole, at a key, or nested. */
function slot(name, make, wild) {
  const base = make();
  const [baseLabel, baseValue] = Array.isArray(base) && base.length === 2 && typeof base[0] === 'string' && name === 'input'
    ? base : ['normal', base];
  if (!wild) return [name + '=' + baseLabel, baseValue];
  const [label, value] = hostile();
  const isObj = baseValue && typeof baseValue === 'object' && !ArrayBuffer.isView(baseValue) && !(baseValue instanceof ArrayBuffer) && !(baseValue instanceof Blob);
  const mode = isObj ? pick(['whole', 'key', 'key', 'nested']) : 'whole';
  if (mode === 'whole') return [name + '=' + label, value];
  const keys = Object.keys(baseValue);
  if (mode === 'key' || !baseValue.filters) {
    const k = chance(0.8) && keys.length ? pick(keys) : pick(KEYS);
    if (k === '__proto__') Object.defineProperty(baseValue, k, { value, enumerable: true, configurable: true, writable: true });
    else baseValue[k] = value;
    return [name + '.' + k + '=' + label, baseValue];
  }
  const f = baseValue.filters;
  const fk = pick([...Object.keys(f), 'status', 'common_name', 'id']);
  if (f[fk] && typeof f[fk] === 'object' && chance(0.5)) {
    const dk = pick(['from', 'to', 'before', 'after']);
    f[fk][dk] = value;
    return [name + '.filters.' + fk + '.' + dk + '=' + label, baseValue];
  }
  f[fk] = value;
  return [name + '.filters.' + fk + '=' + label, baseValue];
}

/** Slots of each entry point: [name, normal maker]. */
const ENTRIES = {
  createClient: [['options', normal.clientOpts]],
  listUsedVoucherCodes: [['query', normal.codesQuery], ['opts', normal.callOpts]],
  exportUsedVoucherCodesCsv: [['query', normal.exportQuery], ['opts', normal.callOpts]],
  getVoucherOrder: [['id', normal.voucherId], ['opts', normal.callOpts]],
  listOrderReissues: [['id', normal.orderId], ['options', normal.reissueOpts], ['opts', normal.callOpts]],
  listSubaccountOrders: [['query', normal.subQuery], ['opts', normal.callOpts]],
  iterateSubaccountOrders: [['query', normal.iterateQuery], ['opts', normal.callOpts]],
  collectSubaccountOrders: [['query', normal.collectQuery], ['opts', normal.callOpts]],
  parseUsedVoucherCodesCsv: [['input', normal.csvInput], ['options', normal.csvOpts]],
  parseUsedVoucherCodesCsvColumns: [['input', normal.csvInput], ['options', normal.csvOpts]],
  UsedVoucherCodesCsvParser: [['options', normal.parserOpts], ['chunk', () => input.csv.slice(0, 700)], ['chunk2', () => input.csv.slice(700)]],
};
const ENTRY_NAMES = Object.keys(ENTRIES);

function makeCase(i) {
  const entry = ENTRY_NAMES[i % ENTRY_NAMES.length]; // round robin: every entry point ~1/11 of the cases
  const slots = ENTRIES[entry];
  let wild = slots.map(() => chance(0.5));
  if (!wild.some(Boolean)) wild[int(slots.length)] = true;
  const args = slots.map(([name, make], k) => slot(name, make, wild[k]));
  return { entry, label: '#' + i + ' ' + entry + '(' + args.map((a) => a[0]).join(', ') + ')', values: args.map((a) => a[1]) };
}

// -- running ------------------------------------------------------------------------------------
const client = await pkg.createClient({ apiKey: input.key, baseUrl: input.baseUrl, rateLimit: false, maxRetries: 0, timeoutMs: 2000 });
const problems = [];
const health = [];
let hung = false;

/** Checks one outcome: settled, and any error a CertCentralError. */
function check(label, o) {
  if (!o.settled) {
    hung = true;
    problems.push(label + ': did not settle within ' + SETTLE_MS + ' ms');
  } else if (o.error && !o.error.isCCE) {
    problems.push(label + ': ' + (o.sync ? 'threw' : 'rejected with') + ' a ' + o.error.ctor + ' (' + o.error.message + '), not a CertCentralError');
  }
  return o;
}

async function runCase(c) {
  const v = c.values;
  switch (c.entry) {
    case 'createClient': {
      const o = check(c.label, await outcome(() => pkg.createClient(v[0])));
      try { o.raw?.free?.(); } catch {}
      return;
    }
    case 'iterateSubaccountOrders': {
      let it;
      check(c.label + ' next()', await outcome(() => { it = client.iterateSubaccountOrders(v[0], v[1]); return it.next(); }));
      if (it && typeof it.return === 'function') check(c.label + ' return()', await outcome(() => it.return()));
      return;
    }
    case 'UsedVoucherCodesCsvParser': {
      let parser;
      const made = check(c.label + ' constructor', await outcome(() => { parser = new pkg.UsedVoucherCodesCsvParser(v[0]); return undefined; }));
      if (made.error || !parser) return;
      check(c.label + ' push(chunk)', await outcome(() => parser.push(v[1])));
      check(c.label + ' push(chunk2)', await outcome(() => parser.push(v[2])));
      check(c.label + ' finish()', await outcome(() => parser.finish()));
      check(c.label + ' takeErrors()', await outcome(() => parser.takeErrors()));
      try { parser.free(); } catch {}
      return;
    }
    case 'parseUsedVoucherCodesCsv':
    case 'parseUsedVoucherCodesCsvColumns':
      check(c.label, await outcome(() => pkg[c.entry](v[0], v[1])));
      return;
    default:
      check(c.label, await outcome(() => client[c.entry](...v)));
  }
}

const started = Date.now();
let ran = 0;
let stopped = null;
for (let i = 0; i < input.cases; i++) {
  if (Date.now() - started > input.budgetMs) { stopped = 'time budget of ' + input.budgetMs + ' ms spent'; break; }
  const c = makeCase(i);
  try {
    await runCase(c);
  } catch (e) {
    problems.push(c.label + ': the harness failed: ' + brief(e));
  }
  ran++;
  if (hung) { stopped = 'a call did not settle'; break; }
  if (problems.length >= 5) { stopped = '5 problems'; break; }
  if (ran % input.healthEvery === 0) {
    const h = await healthy();
    health.push({ after: ran, ...h });
    if (!h.ok) { stopped = 'the instance stopped working'; break; }
  }
}
const final = await healthy();
health.push({ after: ran, final: true, ...final });
finish({ ran, planned: input.cases, stopped, problems, health, elapsedMs: Date.now() - started });
`;

test(`boundary fuzz (seed 0x${SEED.toString(16)}, ${CASES} cases): every entry point answers hostile JS values with a value or a CertCentralError within 5 s, nothing uncaught, the instance keeps working`, async (t) => {
  const mark = strays.length;
  const run = await runIsolated(FUZZ, { input, timeoutMs: 45_000 });
  const r = resultOf(run);
  t.diagnostic(`ran ${r.ran} of ${r.planned} cases in ${r.elapsedMs} ms${r.stopped ? `; stopped early: ${r.stopped}` : ''}`);
  const problems = [...r.problems];
  for (const h of r.health) {
    if (!h.ok) problems.push(`the instance no longer works after ${h.after} cases${h.final ? ' (final check)' : ''}: ${JSON.stringify(h)}`);
  }
  for (const s of r.strays) problems.push(`uncaught in the child: ${s}`);
  assert.deepEqual(problems, [], `seed 0x${SEED.toString(16)}`);
  assert.equal(r.ran, r.planned, `every case ran (stopped early: ${r.stopped})`);
  assert.ok(r.health.length >= Math.floor(CASES / HEALTH_EVERY), 'health checked every 50 cases');
  assert.deepEqual(strays.slice(mark), [], 'nothing uncaught in this process');
});
