// CSV import: a dropped or chosen file, or the API's export, parsed in a Web Worker
// (csv-worker.js, the package's streaming parser, bad rows collected) so the page stays
// responsive; progress, Cancel, a new file replacing the one in progress; statistics, two charts,
// a preview of the rows, the bad rows listed with line and column, and an export of the good rows
// as CSV (written in the worker by the package's recordsToCsv, formula-like cells neutralised).

import { $, $button, $input, $progress, h, replace, table, bytes, num, num1, EMPTY } from '../dom.js';
import { InputError, announce, needClient, run } from '../alerts.js';
import { emptyNote, fileStamp, saveBlob } from '../results.js';
import { barChart } from '../chart.js';
import { CODE_COLUMNS } from './used-codes.js';

/** @typedef {import('../csv-protocol.js').ToWorker} ToWorker */
/** @typedef {import('../csv-protocol.js').FromWorker} FromWorker */
/** @typedef {import('../csv-protocol.js').ErrorInfo} ErrorInfo */
/** @typedef {Extract<FromWorker, { type: 'done' }>} Parsed */
/** @typedef {Extract<FromWorker, { type: 'csv' }>} Exported */

const CSV_PREVIEW_ROWS = 100;
/** Bad rows kept and listed (the parser's maxErrors); the rest are counted as "and N more". */
export const CSV_BAD_ROWS_LISTED = 100;
const CSV_COLUMNS = CODE_COLUMNS.filter((c) => !c.extra);
const WORKER_URL = new URL('../csv-worker.js', import.meta.url);
const drop = $('csv-drop');
const fileInput = $input('csv-file');
const cancelButton = $button('csv-cancel');

/**
 * One file's parse, in its own worker (which keeps the records for the export). Stopping it
 * terminates the worker: the parse ends at once, whatever it was doing.
 */
class ImportJob {
  /** @param {string} name shown in messages */
  constructor(name) {
    this.name = name;
    /** @type {'cancelled' | 'replaced' | null} */
    this.stopped = null;
    /** @type {((p: Extract<FromWorker, { type: 'progress' }>) => void) | null} */
    this.onProgress = null;
    /** @type {{ resolve: (m: FromWorker) => void, reject: (e: unknown) => void } | null} */
    this.pending = null;
    this.worker = new Worker(WORKER_URL, { type: 'module', name: 'csv-import' });
    this.worker.addEventListener('message', (/** @type {MessageEvent<FromWorker>} */ e) => {
      const msg = e.data;
      if (msg.type === 'progress') { this.onProgress?.(msg); return; }
      const p = this.pending;
      this.pending = null;
      if (msg.type === 'failed') p?.reject(asError(msg.error));
      else p?.resolve(msg);
    });
    // The module failed to load or threw outside a request (CSP, a missing file).
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.fail(new Error(`The CSV worker stopped: ${e.message || 'it could not be loaded'}`));
    });
    this.worker.addEventListener('messageerror', () => this.fail(new Error('The CSV worker sent a message that could not be read.')));
  }

  /** @param {unknown} err */
  fail(err) {
    const p = this.pending;
    this.pending = null;
    p?.reject(err);
  }

  /**
   * Sends one request and waits for its answer (one at a time).
   * @param {ToWorker} msg
   * @returns {Promise<FromWorker>}
   */
  request(msg) {
    if (this.stopped) return Promise.reject(abortError(this.stopped));
    if (this.pending) return Promise.reject(new InputError('The import is still busy.'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  /** @param {import('../csv-protocol.js').CsvInput} input */
  async parse(input) {
    const msg = await this.request({ type: 'parse', input, maxErrors: CSV_BAD_ROWS_LISTED, previewRows: CSV_PREVIEW_ROWS });
    if (msg.type !== 'done') throw new Error(`The CSV worker answered ${msg.type} to parse.`);
    return msg;
  }

  async exportCsv() {
    const msg = await this.request({ type: 'export' });
    if (msg.type !== 'csv') throw new Error(`The CSV worker answered ${msg.type} to export.`);
    return msg;
  }

  /** @param {'cancelled' | 'replaced'} why */
  stop(why) {
    if (this.stopped) return;
    this.stopped = why;
    this.worker.terminate();
    this.fail(abortError(why));
  }
}

/** Bidi controls (embeddings, overrides, isolates, marks) in text from a file. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/**
 * Text from a file (a cell quoted in a parser message, a file name) with its bidi controls shown
 * as escapes, so a right-to-left override cannot reverse what follows it.
 * @param {string} text
 */
const showBidi = (text) => text.replace(BIDI, (c) => `\\u{${c.codePointAt(0)?.toString(16).toUpperCase()}}`);

/** @param {string} why */
const abortError = (why) => new DOMException(`The CSV import was ${why}.`, 'AbortError');

/**
 * The worker's error as something showError reads like the package's own (a CertCentralError
 * by name, with kind, line and column).
 * @param {ErrorInfo} info
 */
function asError(info) {
  return Object.assign(new Error(info.message), { name: info.name, kind: info.kind, line: info.line, column: info.column });
}

/** The current import: parsing, or parsed (its worker holds the records). @type {ImportJob | null} */
let job = null;

/** Wires the drop zone, the file input, "from the API" and Cancel. */
export function wireCsvImport() {
  // A file dropped outside the zone must not navigate away from the page.
  for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => { if (!drop.contains(/** @type {Node | null} */ (e.target))) e.preventDefault(); });
  drop.addEventListener('dragenter', (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; drop.classList.add('dragging'); });
  drop.addEventListener('dragleave', (e) => { if (!drop.contains(/** @type {Node | null} */ (e.relatedTarget))) drop.classList.remove('dragging'); });
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (file) parseCsv(file, showBidi(file.name), file.size, fileInput);
  });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) parseCsv(file, showBidi(file.name), file.size, fileInput);
    fileInput.value = ''; // choosing the same file again parses it again
  });
  const fromApi = $button('csv-fromapi');
  fromApi.addEventListener('click', async () => {
    /** @param {AbortSignal} [signal] */
    const fetchExport = (signal) => needClient().exportUsedVoucherCodesCsv({}, { signal });
    const csv = await run('Fetch the CSV export', [fromApi], fetchExport);
    keepFocus(fromApi);
    if (csv !== undefined) await parseCsv(csv, 'the API export', new TextEncoder().encode(csv).length, fromApi);
  });
  cancelButton.addEventListener('click', () => {
    if (!job || job.stopped || cancelButton.hidden) return;
    job.stop('cancelled');
  });
}

/**
 * Focus back on `el` when the action took it away (a disabled or hidden control drops it).
 * @param {HTMLElement} el
 */
function keepFocus(el) {
  if (!document.activeElement || document.activeElement === document.body) el.focus();
}

/**
 * Parses `input` in a new worker; a parse in progress is abandoned (its worker terminated).
 * @param {import('../csv-protocol.js').CsvInput} input
 * @param {string} name shown in messages
 * @param {number} size in bytes, for the progress bar
 * @param {HTMLElement} control the control used, which gets the focus back after Cancel
 */
async function parseCsv(input, name, size, control) {
  job?.stop('replaced');
  const mine = new ImportJob(name);
  job = mine;
  const box = $('csv-progress-box');
  const bar = $progress('csv-progress');
  const label = $('csv-progress-label');
  const out = $('csv-results');
  box.hidden = false;
  box.removeAttribute('data-state');
  bar.max = Math.max(1, size);
  bar.value = 0;
  label.textContent = `Parsing ${name}…`;
  cancelButton.hidden = false;
  replace(out); // the previous file's results are not this file's
  out.setAttribute('aria-busy', 'true');
  mine.onProgress = (p) => {
    bar.max = Math.max(1, p.total ?? size);
    bar.value = p.bytes;
    label.textContent = `Parsing ${name}… ${num(p.rows)} rows`;
  };
  /** @param {AbortSignal} [signal] */
  const parseAndShow = async (signal) => {
    // The panel's own Cancel, and (once run() hands one over) the shell's signal.
    signal?.addEventListener('abort', () => mine.stop('cancelled'), { once: true });
    try {
      const result = await mine.parse(input);
      // User Timing marks: the e2e test finds the parse's end (and the results' arrival) by them.
      performance.mark('csv-import-parsed');
      bar.value = bar.max;
      label.textContent = result.errorCount
        ? `Parsed ${name}: ${num(result.rows)} rows imported, ${num(result.errorCount)} bad ${result.errorCount === 1 ? 'row' : 'rows'} skipped`
        : `Parsed ${name}`;
      if (!(await renderCsv(mine, result))) return; // replaced while drawing
      performance.mark('csv-import-shown');
      box.dataset.state = 'done';
      announce(`Parsed ${num(result.rows)} rows of ${name} in ${num(Math.round(result.ms))} ms${result.errorCount ? `, ${num(result.errorCount)} bad rows skipped` : ''}`);
    } catch (e) {
      if (job !== mine) throw e; // replaced by a newer file: that one owns the panel now
      if (mine.stopped === 'cancelled') {
        box.dataset.state = 'cancelled';
        label.textContent = `Cancelled: nothing was imported from ${name}.`;
        replace(out, h('p', { class: 'status csv-cancelled', text: `The import of ${name} was cancelled; no rows are shown.` }));
        announce(`The import of ${name} was cancelled`);
        job = null;
      } else {
        mine.stop('cancelled'); // a failed parse keeps no worker
        job = null;
        box.dataset.state = 'failed';
        label.textContent = `Could not parse ${name}`;
        const err = /** @type {Partial<ErrorInfo>} */ (e);
        const where = typeof err.line === 'number' ? ` (line ${err.line}, column ${err.column ?? EMPTY})` : '';
        replace(out, h('p', { class: 'status csv-error', text: `${name}: ${err.message ?? String(e)}${where}` }));
      }
      throw e;
    } finally {
      if (job === mine || job === null) {
        cancelButton.hidden = true;
        out.removeAttribute('aria-busy');
      }
      // Cancel is hidden now: the focus goes back to the control that started the import.
      if (job !== mine || mine.stopped) keepFocus(control);
    }
  };
  await run(`CSV import of ${name}`, [], parseAndShow, { requests: false });
}

/** A turn of the event loop, so the page can paint and answer between the drawing steps. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Shows the results in steps, each its own task (the statistics and bad rows; each chart; the
 * preview table), so no single task lays out everything at once.
 * @param {ImportJob} mine
 * @param {Parsed} result
 * @returns {Promise<boolean>} false when a newer import took the panel meanwhile
 */
async function renderCsv(mine, result) {
  const { rows, name } = { rows: result.rows, name: mine.name };
  const secs = Math.max(result.ms, 0.001) / 1000;
  const stats = [
    ['Rows', num(rows)],
    ['Bad rows', num(result.errorCount)],
    ['Size', bytes(result.bytes)],
    ['Parse time', `${num(Math.round(result.ms))} ms`],
    ['Throughput', `${num1(result.bytes / 1e6 / secs)} MB/s`],
    ['Rows per second', num(Math.round(rows / secs))],
  ];
  const productBox = h('div', { class: 'chart-box' });
  const monthBox = h('div', { class: 'chart-box' });
  const preview = h('div', { class: 'csv-preview' });
  const exportButton = h('button', { type: 'button', class: 'btn', id: 'csv-export', text: `Export the ${num(rows)} ${result.errorCount ? 'good ' : ''}rows as CSV` });
  exportButton.addEventListener('click', () => exportRows(mine, /** @type {HTMLButtonElement} */ (exportButton)));
  const out = $('csv-results');
  replace(out,
    h('dl', { class: 'stats', 'aria-label': `Parse statistics of ${name}` }, stats.map(([k, v]) =>
      h('div', { class: 'stat' }, h('dt', { text: k }), h('dd', { class: `stat-${k.toLowerCase().replaceAll(' ', '-')}`, text: v })))),
    badRows(result, name),
    rows ? h('div', { class: 'csv-actions' }, exportButton, h('p', { class: 'status csv-export-note', role: 'status' })) : null,
    h('div', { class: 'charts' }, productBox, monthBox),
    h('h3', { class: 'result-title', text: rows > CSV_PREVIEW_ROWS ? `First ${CSV_PREVIEW_ROWS} of ${num(rows)} rows` : `${num(rows)} rows` }),
    preview);
  const byMonth = result.byMonth;
  const steps = [
    () => barChart(productBox, { title: 'Codes by product', data: result.byProduct, kind: 'rows', valueLabel: 'codes' }),
    () => barChart(monthBox, {
      title: 'Codes by month created', data: byMonth, kind: 'columns', valueLabel: 'codes',
      tick: (label) => (label.endsWith('-01') || byMonth.length <= 12 ? (byMonth.length <= 12 ? label : label.slice(0, 4)) : null),
    }),
    () => preview.replaceWith(rows
      ? table(CSV_COLUMNS, result.preview, { label: `Rows of ${name}` })
      : emptyNote(result.errorCount ? 'No good rows: every row of the file is bad.' : 'The file has a header but no rows.')),
  ];
  for (const step of steps) {
    await nextTask();
    if (job !== mine) return false;
    step();
  }
  return true;
}

/**
 * The bad rows, beside the good ones: line, column and message; "and N more" past the list.
 * @param {Parsed} result
 * @param {string} name
 * @returns {HTMLElement | null}
 */
function badRows(result, name) {
  if (!result.errorCount) return null;
  const more = result.errorCount - result.errors.length;
  const title = `${num(result.errorCount)} bad ${result.errorCount === 1 ? 'row' : 'rows'} skipped; the other ${num(result.rows)} rows were imported`;
  return h('section', { class: 'csv-bad', 'aria-labelledby': 'csv-bad-title' },
    h('h3', { class: 'result-title', id: 'csv-bad-title', text: title }),
    table([
      { label: 'Line', get: (/** @type {ErrorInfo} */ e) => e.line, num: true, format: (v) => num(v) },
      { label: 'Column', get: (/** @type {ErrorInfo} */ e) => e.column, num: true, format: (v) => num(v) },
      // The message starts with the line and column the two columns before it show.
      { label: 'Problem', get: (/** @type {ErrorInfo} */ e) => showBidi(e.message.replace(/^line \d+, column \d+: /, '')), wrap: true },
    ], result.errors, { label: `Bad rows of ${name}` }),
    more > 0 ? h('p', { class: 'status csv-bad-more', text: `and ${num(more)} more bad ${more === 1 ? 'row' : 'rows'}, not listed` }) : null);
}

/**
 * Downloads the import's good rows as CSV, written in the worker.
 * @param {ImportJob} mine
 * @param {HTMLButtonElement} button
 */
async function exportRows(mine, button) {
  await run(`Export of the rows of ${mine.name}`, [button], async () => {
    const t0 = performance.now();
    const { blob, rows } = await mine.exportCsv();
    const file = `csv-import-${fileStamp()}.csv`;
    saveBlob(blob, file);
    const note = button.parentElement?.querySelector('.csv-export-note');
    if (note) note.textContent = `Downloaded ${file}: ${num(rows)} rows, ${bytes(blob.size)}, in ${num(Math.round(performance.now() - t0))} ms.`;
   }, { requests: false });
  if (button.isConnected) keepFocus(button);
}
