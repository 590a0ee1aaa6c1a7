// CSV import: a dropped or chosen file, or the API's export, parsed in the browser with
// progress; statistics, two charts and a preview of the rows.

import { $, $button, $input, $progress, h, replace, table, bytes, num, num1, EMPTY } from '../dom.js';
import { InputError, announce, isCcError, needClient, run } from '../alerts.js';
import { countBy, emptyNote } from '../results.js';
import { state } from '../state.js';
import { barChart } from '../chart.js';
import { CODE_COLUMNS } from './used-codes.js';

/** @typedef {import('../../pkg-template/index.js').ParsedUsedVoucherCodes} ParsedUsedVoucherCodes */

const CSV_PREVIEW_ROWS = 100;
const CSV_COLUMNS = CODE_COLUMNS.filter((c) => !c.extra);
const drop = $('csv-drop');
const fileInput = $input('csv-file');

/** Wires the drop zone, the file input and "from the API". */
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
    if (file) parseCsv(file, file.name, file.size);
  });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) parseCsv(file, file.name, file.size);
    fileInput.value = ''; // choosing the same file again parses it again
  });
  $button('csv-fromapi').addEventListener('click', () => run('Fetch the CSV export', [$button('csv-fromapi')], async (signal) => {
    const csv = await needClient().exportUsedVoucherCodesCsv(undefined, { signal });
    await parseCsv(csv, 'the API export', new TextEncoder().encode(csv).length);
  }));
}

let csvBusy = false;

/**
 * @param {import('../../pkg-template/index.js').CsvInput} input
 * @param {string} name shown in messages
 * @param {number} size in bytes, for the progress bar
 */
async function parseCsv(input, name, size) {
  if (csvBusy) return;
  csvBusy = true;
  const box = $('csv-progress-box');
  const bar = $progress('csv-progress');
  const label = $('csv-progress-label');
  const out = $('csv-results');
  box.hidden = false;
  box.removeAttribute('data-state');
  bar.max = Math.max(1, size);
  bar.value = 0;
  label.textContent = `Parsing ${name}…`;
  replace(out);
  fileInput.disabled = true;
  await run(`CSV import of ${name}`, [$button('csv-fromapi')], async () => {
    const pkg = state.pkg;
    if (!pkg) throw new InputError('The certcentral-wasm package did not load.');
    try {
      const t0 = performance.now();
      const result = await pkg.parseUsedVoucherCodesCsv(input, {
        collectErrors: false,
        onProgress: (p) => {
          bar.max = Math.max(1, p.total ?? size);
          bar.value = p.bytes;
          label.textContent = `Parsing ${name}… ${num(p.rows)} rows`;
        },
      });
      const ms = performance.now() - t0;
      bar.value = bar.max;
      box.dataset.state = 'done';
      label.textContent = `Parsed ${name}`;
      renderCsv(result, name, ms);
      announce(`Parsed ${result.records.length} rows of ${name} in ${Math.round(ms)} ms`);
    } catch (e) {
      box.dataset.state = 'failed';
      label.textContent = `Could not parse ${name}`;
      if (isCcError(e) && e.line !== null && e.line !== undefined) {
        replace(out, h('p', { class: 'status csv-error', text: `${name}: ${e.message} (line ${e.line}, column ${e.column ?? EMPTY})` }));
      }
      throw e;
    } finally {
      fileInput.disabled = false;
    }
  });
  csvBusy = false;
}

/**
 * @param {ParsedUsedVoucherCodes} result
 * @param {string} name
 * @param {number} ms parse time
 */
function renderCsv(result, name, ms) {
  const rows = result.records.length;
  const secs = Math.max(ms, 0.001) / 1000;
  const stats = [
    ['Rows', num(rows)],
    ['Size', bytes(result.bytes)],
    ['Parse time', `${num(Math.round(ms))} ms`],
    ['Throughput', `${num1(result.bytes / 1e6 / secs)} MB/s`],
    ['Rows per second', num(Math.round(rows / secs))],
  ];
  const byProduct = countBy(result.records, (r) => r.product_name ?? EMPTY);
  /** @type {Map<string, number>} */
  const byMonthMap = new Map();
  for (const r of result.records) {
    const m = r.created_date ? r.created_date.slice(0, 7) : EMPTY;
    byMonthMap.set(m, (byMonthMap.get(m) ?? 0) + 1);
  }
  const byMonth = [...byMonthMap].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const productBox = h('div', { class: 'chart-box' });
  const monthBox = h('div', { class: 'chart-box' });
  replace($('csv-results'),
    h('dl', { class: 'stats', 'aria-label': `Parse statistics of ${name}` }, stats.map(([k, v]) =>
      h('div', { class: 'stat' }, h('dt', { text: k }), h('dd', { class: `stat-${k.toLowerCase().replaceAll(' ', '-')}`, text: v })))),
    h('div', { class: 'charts' }, productBox, monthBox),
    h('h3', { class: 'result-title', text: rows > CSV_PREVIEW_ROWS ? `First ${CSV_PREVIEW_ROWS} of ${num(rows)} rows` : `${num(rows)} rows` }),
    rows ? table(CSV_COLUMNS, result.records.slice(0, CSV_PREVIEW_ROWS), { label: `Rows of ${name}` }) : emptyNote('The file has a header but no rows.'));
  barChart(productBox, { title: 'Codes by product', data: byProduct, kind: 'rows', valueLabel: 'codes' });
  barChart(monthBox, {
    title: 'Codes by month created', data: byMonth, kind: 'columns', valueLabel: 'codes',
    tick: (label) => (label.endsWith('-01') || byMonth.length <= 12 ? (byMonth.length <= 12 ? label : label.slice(0, 4)) : null),
  });
}
