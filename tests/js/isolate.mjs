// Runs a piece of test code in a child Node process that imports the INSTALLED package (the
// scratch project of scripts/pack.sh), so a call that traps or corrupts the wasm instance, hangs,
// or throws an uncaught exception cannot poison the test file that asked for it.
//
//   const run = await runIsolated(`
//     const r = await outcome(() => pkg.parseUsedVoucherCodesCsv(input.csv));
//     finish({ r, health: await healthy() });
//   `, { input: { baseUrl, csv, csvRows } });
//   const result = resultOf(run); // { r, health, strays }
//
// Inside the child (an ES module with top-level await):
//   pkg, CertCentralError  the installed package
//   input                  the `input` given to runIsolated (JSON)
//   outcome(f, ms?)        calls f(); { settled, sync, value } or { settled, sync, error } where
//                          error is describe(e); settled false if its promise did not settle in ms
//   describe(e)            { isCCE, ctor, kind, status, message, causeIs, ... } of a thrown value
//   summary(v)             a short text of a value
//   healthy()              a NEW client lists 5 orders of input.baseUrl (key input.key) and
//                          parseUsedVoucherCodesCsv(input.csv) gives input.csvRows records
//   strays                 uncaught exceptions and unhandled rejections seen so far (text)
//   finish(result)         reports `{ ...result, strays }` to the parent and exits
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { scratch, KEY } from './helpers.mjs';

/** How long a single call may take to settle. */
export const SETTLE_MS = 5000;

const MARK = '@@ISOLATED-RESULT ';

const PRELUDE = `
const input = JSON.parse(process.env.CC_ISOLATE_INPUT ?? '{}');
const strays = [];
const brief = (e) => {
  try {
    return (e?.constructor?.name ?? typeof e) + ': ' + String(e?.message ?? e).slice(0, 300);
  } catch {
    return 'an unprintable value';
  }
};
process.on('uncaughtException', (e) => strays.push('uncaughtException ' + brief(e)));
process.on('unhandledRejection', (e) => strays.push('unhandledRejection ' + brief(e)));
const SETTLE_MS = ${SETTLE_MS};
const pkg = await import(input.entry);
const { CertCentralError } = pkg;

function describe(e) {
  const d = { isCCE: false };
  try { d.isCCE = e instanceof CertCentralError; } catch {}
  try {
    d.ctor = e?.constructor?.name ?? typeof e;
    d.kind = e?.kind;
    d.status = e?.status;
    d.message = String(e?.message ?? e).slice(0, 400);
    d.messageLength = typeof e?.message === 'string' ? e.message.length : null;
    if (e?.cause !== undefined) d.cause = brief(e.cause);
  } catch {
    d.message = 'an unprintable error';
  }
  return d;
}

function summary(v) {
  try {
    if (Array.isArray(v)) return 'array(' + v.length + ')';
    if (v && typeof v === 'object') return 'object{' + Object.keys(v).slice(0, 8).join(',') + '}';
    return typeof v + ' ' + String(v).slice(0, 60);
  } catch {
    return 'an unprintable value';
  }
}

async function outcome(f, ms = SETTLE_MS) {
  let p;
  try {
    p = f();
  } catch (e) {
    return { settled: true, sync: true, error: describe(e) };
  }
  if (!p || typeof p.then !== 'function') return { settled: true, sync: true, value: summary(p) };
  let timer;
  const r = await Promise.race([
    Promise.resolve(p).then((v) => ({ settled: true, sync: false, value: summary(v), raw: v }),
      (e) => ({ settled: true, sync: false, error: describe(e) })),
    new Promise((resolve) => { timer = setTimeout(() => resolve({ settled: false }), ms); }),
  ]);
  clearTimeout(timer);
  return r;
}

function within(p, ms = SETTLE_MS) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('did not settle within ' + ms + ' ms')), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function healthy() {
  const h = { ok: false };
  try {
    const client = await within(pkg.createClient({
      apiKey: input.key, baseUrl: input.baseUrl, rateLimit: false, maxRetries: 0, timeoutMs: 2000,
    }));
    const r = await within(client.listSubaccountOrders({ limit: 5 }));
    h.orders = r?.orders?.length;
    const p = await within(pkg.parseUsedVoucherCodesCsv(input.csv));
    h.records = p?.records?.length;
    h.ok = h.orders === 5 && h.records === input.csvRows;
  } catch (e) {
    h.error = describe(e);
  }
  return h;
}

function finish(result) {
  let text;
  try {
    text = JSON.stringify({ ...result, strays }, (k, v) => (k === 'raw' ? undefined : typeof v === 'bigint' ? String(v) : v));
  } catch (e) {
    text = JSON.stringify({ harnessError: 'could not serialise the result: ' + brief(e), strays });
  }
  process.stdout.write('\\n${MARK}' + text + '\\n');
  process.exit(0);
}
`;

/**
 * Runs `body` (ES module code, see the file comment) in a child `node`. Resolves to
 * `{ result, code, signal, timedOut, stdout, stderr }`; the child is killed after `timeoutMs`.
 * @param {string} body
 * @param {{ input?: object, env?: NodeJS.ProcessEnv, timeoutMs?: number, nodeArgs?: string[] }} [options]
 */
export async function runIsolated(body, { input = {}, env = {}, timeoutMs = 60_000, nodeArgs = [] } = {}) {
  const source = `${PRELUDE}
try {
${body}
} catch (e) {
  finish({ harnessError: brief(e) + '\\n' + String(e?.stack ?? '').slice(0, 2000) });
}
`;
  const childEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  childEnv.CC_ISOLATE_INPUT = JSON.stringify({
    entry: pathToFileURL(join(scratch, 'entry.mjs')).href,
    key: KEY,
    ...input,
  });
  const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', source], {
    cwd: scratch,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr = (stderr + d).slice(-20_000); });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(MARK));
  let result = null;
  if (line) result = JSON.parse(line.slice(MARK.length));
  return { result, code, signal, timedOut, stdout: stdout.slice(-4000), stderr: stderr.slice(-4000) };
}

/** The child's result, or a failed assertion saying why there is none. */
export function resultOf(run) {
  if (!run.result) {
    assert.fail(`the child process gave no result (${run.timedOut ? 'killed after its time limit' : `exit code ${run.code}, signal ${run.signal}`})\n` +
      `stdout: ${run.stdout.slice(-1500)}\nstderr: ${run.stderr.slice(-1500)}`);
  }
  assert.equal(run.result.harnessError, undefined, `the child's test code failed: ${run.result.harnessError}`);
  return run.result;
}

/**
 * Problems of a child outcome `o` that should be a CertCentralError of kind `kind` (any kind
 * when null); [] when it is one.
 */
export function outcomeProblems(label, o, kind) {
  if (!o) return [`${label}: no outcome`];
  if (!o.settled) return [`${label}: did not settle within ${SETTLE_MS} ms`];
  if (!o.error) return [`${label}: was accepted (returned ${o.value})`];
  const e = o.error;
  if (!e.isCCE) return [`${label}: threw a ${e.ctor} (${e.message}), not a CertCentralError`];
  if (kind && e.kind !== kind) return [`${label}: kind ${e.kind}, expected ${kind} (${e.message})`];
  return [];
}

/** Problems of a child `healthy()` report. */
export function healthProblems(label, h) {
  if (h?.ok) return [];
  return [`${label}: the instance no longer works: ${JSON.stringify(h)}`];
}
