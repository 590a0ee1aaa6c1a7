// Used voucher codes: filters, sort and paging, the extra columns, and the CSV export download.

import { $, $button, $input, $select, h, replace, table, bytes, num } from '../dom.js';
import { announce, needClient, run } from '../alerts.js';
import { dateFilter, dropEmpty, optInt, optText, wireDateMode } from '../form.js';
import { emptyNote, pager, summaryLine } from '../results.js';
import { state } from '../state.js';

/** @typedef {import('../../pkg-template/index.js').UsedVoucherCode} UsedVoucherCode */
/** @typedef {import('../../pkg-template/index.js').UsedVoucherCodeList} UsedVoucherCodeList */

/**
 * The table's columns; `extra` ones show with "all columns" (and not in the CSV preview).
 * @type {{ label: string, get: (c: UsedVoucherCode) => unknown, num?: true, mono?: true, wrap?: true, extra?: true }[]}
 */
export const CODE_COLUMNS = [
  { label: 'Id', get: (c) => c.id, num: true },
  { label: 'Code', get: (c) => c.value, mono: true },
  { label: 'Product', get: (c) => c.product_name },
  { label: 'Voucher order', get: (c) => c.voucher_order_id, num: true },
  { label: 'Certificate order', get: (c) => c.certificate_order_id, num: true },
  { label: 'Common name', get: (c) => c.cert_common_name, wrap: true },
  { label: 'Organization', get: (c) => c.cert_organization, wrap: true },
  { label: 'Created', get: (c) => c.created_date },
  { label: 'Requested', get: (c) => c.cert_request_date },
  { label: 'Voucher valid till', get: (c) => c.voucher_validity_end_date },
  { label: 'FQDNs', get: (c) => c.no_of_fqdns, num: true },
  { label: 'Wildcards', get: (c) => c.no_of_wildcards, num: true },
  { label: 'Shipping', get: (c) => c.shipping_method, extra: true },
  { label: 'Validity (years)', get: (c) => c.validity_years, num: true, extra: true },
  { label: 'Validity (days)', get: (c) => c.validity_days, num: true, extra: true },
  { label: 'Status', get: (c) => c.status, extra: true },
  { label: 'Cert valid from', get: (c) => c.cert_validity_start_date, extra: true },
  { label: 'Cert valid till', get: (c) => c.cert_validity_end_date, extra: true },
  { label: 'Order valid from', get: (c) => c.order_valid_from, extra: true },
  { label: 'Order valid till', get: (c) => c.order_valid_till, extra: true },
  { label: 'Server licenses', get: (c) => c.server_licenses, num: true, extra: true },
];

/** @returns {import('../../pkg-template/index.js').UsedVoucherCodesQuery} */
function codesQuery() {
  const filters = dropEmpty({
    product_name_id: optText('codes-product'),
    voucher_order_id: optInt('codes-voucher', 'Voucher order id'),
    certificate_order_id: optInt('codes-certorder', 'Certificate order id'),
    date_valid_till: dateFilter('codes', 'Voucher valid till'),
    code: optText('codes-code'),
    id: optInt('codes-id', 'Code id'),
  });
  return { filters, sort: `${$select('codes-dir').value}${$select('codes-sort').value}` };
}

/**
 * The page shown, to re-render on column toggle.
 * @type {{ limit: number, result: UsedVoucherCodeList } | null}
 */
let codesLast = null;

/**
 * Loads and shows the page at `offset`.
 * @param {number} [offset]
 */
export async function searchCodes(offset = 0) {
  await run('Used voucher codes', [$button('codes-search')], async (signal) => {
    const c = needClient();
    const gen = state.generation;
    const query = codesQuery();
    const limit = Number($select('codes-limit').value);
    const result = await c.listUsedVoucherCodes({ ...query, offset, limit }, { signal });
    if (gen !== state.generation) return;
    codesLast = { limit, result };
    renderCodes();
  });
}

function renderCodes() {
  if (!codesLast) return;
  const { limit, result } = codesLast;
  const cols = $input('codes-allcols').checked ? CODE_COLUMNS : CODE_COLUMNS.filter((c) => !c.extra);
  const out = $('codes-results');
  if (!result.codes.length) {
    replace(out, emptyNote('No used voucher codes match these filters.'));
    announce('No used voucher codes match these filters.');
    return;
  }
  announce(`Used voucher codes: ${summaryLine(result.page, result.codes.length).textContent}`);
  replace(out,
    h('div', { class: 'result-bar' }, summaryLine(result.page, result.codes.length),
      pager(result.page, limit, result.codes.length, (o) => searchCodes(o), 'Used voucher codes')),
    table(cols, result.codes, { label: 'Used voucher codes' }));
}

/** Wires the search form, the column toggle and the export button. */
export function wireUsedCodes() {
  $('codes-form').addEventListener('submit', (e) => { e.preventDefault(); searchCodes(0); });
  $input('codes-allcols').addEventListener('change', renderCodes);
  wireDateMode('codes');

  $button('codes-export').addEventListener('click', () => run('Export CSV', [$button('codes-export')], async (signal) => {
    const c = needClient();
    const { filters, sort } = codesQuery();
    const t0 = performance.now();
    const csv = await c.exportUsedVoucherCodesCsv({ filters, sort }, { signal });
    const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    const name = `used-voucher-codes-${stamp}.csv`;
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    const note = h('p', { class: 'status export-note', text: `Downloaded ${name} (${bytes(blob.size)}, ${num(Math.round(performance.now() - t0))} ms).` });
    $('codes-results').querySelector('.export-note')?.remove();
    $('codes-results').prepend(note);
  }));
}
