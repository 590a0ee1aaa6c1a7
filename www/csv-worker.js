// The CSV import's worker (a module worker started by views/csv-import.js, one per file): parses
// the file with the package's streaming parser, bad rows collected, and keeps the records here.
// The page gets only what it shows: progress, the statistics, the chart counts, a preview and the
// bad rows; the full records stay in this worker for the export, written by the package's
// `recordsToCsv` (formula-like cells neutralised) and handed over as a Blob (no copy of the text).
// Cancel and "a new file replaces this one" are the page terminating this worker.
//
// Type-checked with lib "webworker" by tsconfig.checkjs.worker.json (not the page's DOM check).

/** @typedef {typeof import('../pkg-template/index.js')} Package */
/** @typedef {import('../pkg-template/index.js').UsedVoucherCode} UsedVoucherCode */
/** @typedef {import('./csv-protocol.js').ToWorker} ToWorker */
/** @typedef {import('./csv-protocol.js').FromWorker} FromWorker */
/** @typedef {import('./csv-protocol.js').ErrorInfo} ErrorInfo */

const PACKAGE_URL = '/pkg/index.js';
/** What a missing value counts under in the charts (the page's EMPTY). */
const EMPTY = '—';

/** @type {Promise<Package> | null} */
let pkgPromise = null;
/** The records of the finished parse, for the export. @type {UsedVoucherCode[]} */
let records = [];

/** @param {FromWorker} msg @param {Transferable[]} [transfer] */
const reply = (msg, transfer = []) => self.postMessage(msg, transfer);

/**
 * A thrown value as plain data (an Error does not cross postMessage with its fields).
 * @param {unknown} e
 * @returns {ErrorInfo}
 */
function info(e) {
  const o = /** @type {Record<string, unknown>} */ (e !== null && typeof e === 'object' ? e : {});
  const str = (/** @type {unknown} */ v) => (typeof v === 'string' ? v : null);
  const int = (/** @type {unknown} */ v) => (typeof v === 'number' ? v : null);
  return {
    name: str(o.name) ?? typeof e,
    kind: str(o.kind),
    message: str(o.message) ?? String(e),
    line: int(o.line),
    column: int(o.column),
  };
}

/**
 * Counts by key, most first (ties by key), as results.js's countBy.
 * @param {Map<string, number>} m
 * @returns {[string, number][]}
 */
const byCount = (m) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/**
 * @param {Map<string, number>} m
 * @param {string} k
 */
const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);

/** @param {Extract<ToWorker, { type: 'parse' }>} msg */
async function parse(msg) {
  pkgPromise ??= import(PACKAGE_URL).then(async (/** @type {Package} */ pkg) => { await pkg.init(); return pkg; });
  const pkg = await pkgPromise;
  const t0 = performance.now();
  const result = await pkg.parseUsedVoucherCodesCsv(msg.input, {
    collectErrors: true,
    maxErrors: msg.maxErrors,
    onProgress: (p) => reply({ type: 'progress', bytes: p.bytes, total: p.total, rows: p.rows }),
  });
  const ms = performance.now() - t0;
  records = result.records;
  /** @type {Map<string, number>} */
  const products = new Map();
  /** @type {Map<string, number>} */
  const months = new Map();
  for (const r of records) {
    bump(products, r.product_name ?? EMPTY);
    bump(months, r.created_date ? r.created_date.slice(0, 7) : EMPTY);
  }
  reply({
    type: 'done',
    rows: records.length,
    bytes: result.bytes,
    ms,
    byProduct: byCount(products),
    byMonth: [...months].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    preview: records.slice(0, msg.previewRows),
    errors: result.errors.map(info),
    errorCount: result.errorCount,
  });
}

async function exportCsv() {
  const pkg = await /** @type {Promise<Package>} */ (pkgPromise);
  const csv = await pkg.recordsToCsv(records, { columns: 'used_code' });
  reply({ type: 'csv', blob: new Blob([csv], { type: 'text/csv;charset=utf-8' }), rows: records.length });
}

self.addEventListener('message', (/** @type {MessageEvent<ToWorker>} */ e) => {
  const msg = e.data;
  const job = msg.type === 'parse' ? parse(msg) : exportCsv();
  job.catch((err) => reply({ type: 'failed', during: msg.type, error: info(err) }));
});
