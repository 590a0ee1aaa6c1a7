#!/usr/bin/env node
// Paging benchmarks of the built package (issue 13, point 5), against the sandbox with a
// realistic latency per page (its `--latency BASE+PER` option: BASE ms per answer plus PER ms
// per order in it).
//
//   node bench/paging/run.mjs [--quick] [--runs N] [--note "text"]
//
// 1. Overlap: 100,000 orders, pages of 1000, a consumer that does CPU work on every page for
//    about as long as the network takes for one. The iterator (which requests page N+1 as soon
//    as page N has arrived, while the caller consumes page N) against a hand-written serial loop
//    of listSubaccountOrders (fetch, consume, fetch, ...). The serial loop's wall time is the sum
//    of the two; the best one request in flight can do is their max. Goal: the iterator within
//    1.1x of max(total network, total consumer).
// 2. The cost of churn-safe paging: the iterator, no consumer work, over the same 100,000 orders
//    without churn and with the sandbox's churn mode (a few inserts, deletes and changes between
//    requests): requests, records fetched against records delivered, wall time.
//
// Full run: latency 300 ms + 1 ms per order (a page of 1000: 1.3 s; one pass ~2 min). --quick
// scales every time down by 10 (30 ms + 0.1 ms per order, the consumer likewise); the figures
// say which. Prints a markdown report and writes it to bench/results/paging.md. The sandbox runs
// in its own process (so it never shares the measured client's event loop), its rate limit
// off; the client's own rate limiter is off too (`rateLimit: false`): 100 pages in 13 s under
// --quick would be near DigiCert's 100 per 5 s, which is not what is measured here.
import { writeFileSync, statSync } from 'node:fs';
import { cpus, loadavg, platform, arch } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadPackage, scratch, KEY } from '../../tests/js/helpers.mjs';
import { spawnSandbox, root, median, fmtMs, fmtRatio, table } from '../client/lib.mjs';

const argv = process.argv.slice(2);
const flag = (/** @type {string} */ name) => argv.includes(name);
const value = (/** @type {string} */ name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('--quick');
const RUNS = Math.max(1, Math.floor(Number(value('--runs') ?? 1)) || 1);
const NOTE = value('--note');
/** Time scale: 1 for the full run, 1/10 for --quick. */
const SCALE = QUICK ? 0.1 : 1;
const ORDERS = 100_000;
const LIMIT = 1000;
const BASE_MS = 300 * SCALE;
const PER_ORDER_MS = 1 * SCALE;
/** The consumer's CPU work per page: about the network time of a page. */
const WORK_MS = BASE_MS + PER_ORDER_MS * LIMIT;
const CHURN = { rate: 3, seed: 7 };

const log = (/** @type {unknown[]} */ ...a) => process.stderr.write(`[bench paging] ${a.join(' ')}\n`);
/** @type {string[]} */
const out = [];
const emit = (s = '') => out.push(s);

/**
 * CPU work for `ms`, in slices of at most 5 ms with a turn of the event loop between them (an
 * async consumer: it lets the read-ahead request go out and its answer come in).
 * @param {number} ms
 * @returns {Promise<number>} the time spent working
 */
async function work(ms) {
  const start = performance.now();
  const end = start + ms;
  let busy = 0;
  for (let now = start; now < end; now = performance.now()) {
    const sliceEnd = Math.min(end, now + 5);
    while (performance.now() < sliceEnd) { /* busy */ }
    busy += performance.now() - now;
    await new Promise((r) => setImmediate(r));
  }
  return busy;
}

/**
 * @param {string} url the sandbox's root
 * @returns {Promise<{ requests: number, listRecords: number }>}
 */
async function stats(url) {
  return (await fetch(url + '__sandbox/stats')).json();
}

/**
 * The iterator over every order, `workMs` of CPU work per `LIMIT` orders delivered.
 * @param {import('../../pkg-template/index.js').Client} client
 * @param {number} workMs
 */
async function iterate(client, workMs) {
  const t0 = performance.now();
  let delivered = 0;
  let consumer = 0;
  const ids = new Set();
  let repeated = 0;
  for await (const order of client.iterateSubaccountOrders({ limit: LIMIT })) {
    if (ids.has(order.id)) repeated++;
    ids.add(order.id);
    if (++delivered % LIMIT === 0 && workMs > 0) consumer += await work(workMs);
  }
  if (delivered % LIMIT !== 0 && workMs > 0) consumer += await work(workMs);
  return { wall: performance.now() - t0, delivered, repeated, consumer };
}

/**
 * The hand-written serial loop: fetch a page, consume it, fetch the next.
 * @param {import('../../pkg-template/index.js').Client} client
 * @param {number} workMs
 */
async function serial(client, workMs) {
  const t0 = performance.now();
  let network = 0;
  let consumer = 0;
  let delivered = 0;
  for (let offset = 0; ; offset += LIMIT) {
    const c0 = performance.now();
    const { orders } = await client.listSubaccountOrders({ limit: LIMIT, offset });
    network += performance.now() - c0;
    delivered += orders.length;
    if (orders.length && workMs > 0) consumer += await work(workMs);
    if (orders.length < LIMIT) break;
  }
  return { wall: performance.now() - t0, network, consumer, delivered };
}

/**
 * Runs `f` against a fresh sandbox process started with `args`.
 * @template T
 * @param {string[]} args
 * @param {(sb: { url: string, baseUrl: string }, client: import('../../pkg-template/index.js').Client) => Promise<T>} f
 * @returns {Promise<T>}
 */
async function withSandbox(args, f) {
  const sb = await spawnSandbox(['--no-rate-limit', '--orders', String(ORDERS), '--used-codes', '10', '--latency', `${BASE_MS}+${PER_ORDER_MS}`, ...args]);
  try {
    const { createClient } = await loadPackage();
    const client = await createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false, timeoutMs: 120_000 });
    return await f(sb, client);
  } finally {
    await sb.close();
  }
}

function header() {
  const wasm = join(scratch, 'node_modules', 'certcentral-wasm', 'certcentral_wasm_bg.wasm');
  emit('## Paging benchmarks (bench/paging)');
  emit();
  emit(`- command: \`node bench/paging/run.mjs${argv.length ? ' ' + argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ') : ''}\``);
  emit(`- date: ${new Date().toISOString()}`);
  emit(`- node ${process.version}, ${platform()}/${arch()}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}; load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  let built = 'unknown';
  try {
    const st = statSync(wasm);
    built = `wasm ${st.size} bytes, built ${st.mtime.toISOString()}`;
  } catch { /* not installed: loadPackage fails below */ }
  emit(`- package: the npm-installed copy in ${relative(root, scratch)} (${built})`);
  emit(`- time scale: **${QUICK ? '1/10 (--quick)' : '1 (full)'}**: sandbox latency ${BASE_MS} ms + ${PER_ORDER_MS} ms per order (a page of ${LIMIT}: ${fmtMs(BASE_MS + PER_ORDER_MS * LIMIT)} ms); ${ORDERS.toLocaleString('en')} orders, pages of ${LIMIT}`);
  emit(`- ${RUNS} pass(es) per figure (median shown; a pass sums ${ORDERS / LIMIT} pages); sandbox on loopback in its own process, rate limits off (sandbox and client)`);
  if (NOTE) emit(`- note: ${NOTE}`);
  emit();
}

async function overlap() {
  emit(`### Overlap: iterator vs serial loop, consumer ${fmtMs(WORK_MS)} ms of CPU per page`);
  emit();
  /** @type {{ iter: number, serial: number, network: number, consumer: number, iterConsumer: number }[]} */
  const rounds = [];
  await withSandbox([], async (_sb, client) => {
    await client.listSubaccountOrders({ limit: 1 }); // warm-up: the wasm and the connection
    for (let i = 0; i < RUNS; i++) {
      log(`overlap pass ${i + 1}/${RUNS}: serial loop`);
      const s = await serial(client, WORK_MS);
      log(`  serial ${fmtMs(s.wall)} ms (network ${fmtMs(s.network)}, consumer ${fmtMs(s.consumer)}); iterator`);
      const it = await iterate(client, WORK_MS);
      log(`  iterator ${fmtMs(it.wall)} ms`);
      if (it.delivered !== ORDERS || s.delivered !== ORDERS) throw new Error(`delivered ${it.delivered} / ${s.delivered} of ${ORDERS}`);
      rounds.push({ iter: it.wall, serial: s.wall, network: s.network, consumer: s.consumer, iterConsumer: it.consumer });
    }
  });
  const m = (/** @type {(r: typeof rounds[number]) => number} */ k) => median(rounds.map(k));
  const bound = m((r) => Math.max(r.network, r.consumer));
  const iter = m((r) => r.iter);
  emit(table(
    ['', 'ms', 'vs max(network, consumer)'],
    [
      ['total network (the serial loop\'s calls, summed)', fmtMs(m((r) => r.network)), ''],
      ['total consumer (CPU work, summed)', fmtMs(m((r) => r.consumer)), ''],
      ['**max(network, consumer)**: the bound with one request in flight', fmtMs(bound), '1.00x'],
      ['hand-written serial loop of `listSubaccountOrders` (wall)', fmtMs(m((r) => r.serial)), fmtRatio(m((r) => r.serial) / bound)],
      ['`iterateSubaccountOrders` (wall)', fmtMs(iter), `**${fmtRatio(iter / bound)}** (goal <= 1.10x)`],
    ],
  ));
  emit();
  emit(`Iterator ${fmtRatio(iter / bound)} of the bound: ${iter / bound <= 1.1 ? 'within' : 'NOT within'} the 1.1x goal.`);
  emit();
}

async function churnCost() {
  emit(`### The cost of churn-safe paging: the iterator without and with churn (no consumer work)`);
  emit();
  /** @type {string[][]} */
  const rows = [];
  for (const [label, args] of /** @type {[string, string[]][]} */ ([
    ['no churn', []],
    [`churn: ${CHURN.rate} changes per request (seed ${CHURN.seed})`, ['--churn', `${CHURN.rate}:${CHURN.seed}`]],
  ])) {
    /** @type {{ wall: number, requests: number, fetched: number, delivered: number, repeated: number }[]} */
    const passes = [];
    let error = null;
    await withSandbox(args, async (sb, client) => {
      for (let i = 0; i < RUNS && error === null; i++) {
        log(`churn cost, ${label}: pass ${i + 1}/${RUNS}`);
        const before = await stats(sb.url);
        try {
          const it = await iterate(client, 0);
          const after = await stats(sb.url);
          passes.push({
            wall: it.wall,
            requests: after.requests - before.requests,
            fetched: after.listRecords - before.listRecords,
            delivered: it.delivered,
            repeated: it.repeated,
          });
        } catch (e) {
          const after = await stats(sb.url);
          error = `${e instanceof Error ? e.message : e} (after ${after.requests - before.requests} requests)`;
          log(`  failed: ${error}`);
        }
      }
    });
    if (error !== null) {
      rows.push([label, 'error', '', '', '', '', `**failed**: ${error}`]);
      continue;
    }
    const m = (/** @type {(p: typeof passes[number]) => number} */ k) => median(passes.map(k));
    const extra = m((p) => p.fetched - p.delivered);
    rows.push([
      label,
      String(m((p) => p.requests)),
      m((p) => p.fetched).toLocaleString('en'),
      m((p) => p.delivered).toLocaleString('en'),
      `${extra.toLocaleString('en')} (${((100 * extra) / m((p) => p.delivered)).toFixed(1)}%)`,
      fmtMs(m((p) => p.wall)),
      m((p) => p.repeated) ? `${m((p) => p.repeated)} delivered twice` : '',
    ]);
  }
  emit(table(['dataset', 'requests', 'records fetched', 'records delivered', 'extra fetched', 'wall ms', 'notes'], rows));
  emit();
  emit(`The floor (the serial loop over a fixed list): ${ORDERS / LIMIT} requests of ${LIMIT}, ${ORDERS.toLocaleString('en')} records. Wall times here are single passes on a shared machine unless --runs says otherwise. Under churn, "delivered" counts the orders of the changing set: some inserted during the pass may be in it, deleted ones not.`);
  emit();
}

header();
log(`scale ${SCALE}: latency ${BASE_MS} ms + ${PER_ORDER_MS} ms per order, consumer ${WORK_MS} ms per page, ${RUNS} pass(es)`);
await overlap();
await churnCost();
const text = out.join('\n');
process.stdout.write(text + '\n');
writeFileSync(join(root, 'bench/results/paging.md'), text + '\n');
log('wrote bench/results/paging.md');
