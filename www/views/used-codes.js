// Used voucher codes: filters, sort and paging (in the URL's hash: route.js), the extra columns,
// links to each code's voucher order and certificate order, and the CSV export download (the
// API's CSV, neutralised for spreadsheets).

import { $, $button, $input, $select, h, replace, table } from '../dom.js';
import { announce, needClient, run } from '../alerts.js';
import { dateFilter, dropEmpty, optInt, optText, wireDateMode } from '../form.js';
import { downloadCsv, emptyNote, fileStamp, pager, refreshing, reveal, summaryLine } from '../results.js';
import { displayed, go, register } from '../route.js';
import { state } from '../state.js';

/** @typedef {import('../../pkg-template/index.js').UsedVoucherCode} UsedVoucherCode */
/** @typedef {import('../../pkg-template/index.js').UsedVoucherCodeList} UsedVoucherCodeList */

/** @param {unknown} id a record id: its route's path part, or null when it is not one */
const idPath = (id) => (typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? String(id) : null);

/**
 * The table's columns; `extra` ones show with "all columns" (and not in the CSV preview). The
 * voucher order id opens the voucher order, the certificate order id that order's reissues.
 * @type {(import('../dom.js').Column<UsedVoucherCode> & { extra?: true })[]}
 */
export const CODE_COLUMNS = [
  { label: 'Id', get: (c) => c.id, num: true },
  { label: 'Code', get: (c) => c.value, mono: true },
  { label: 'Product', get: (c) => c.product_name },
  { label: 'Voucher order', get: (c) => c.voucher_order_id, num: true, href: (c) => (idPath(c.voucher_order_id) ? `#voucher/${c.voucher_order_id}` : null) },
  { label: 'Certificate order', get: (c) => c.certificate_order_id, num: true, href: (c) => (idPath(c.certificate_order_id) ? `#reissues/${c.certificate_order_id}` : null) },
  { label: 'Common name', get: (c) => c.cert_common_name, wrap: true },
  { label: 'Organization', get: (c) => c.cert_organization, wrap: true },
  { label: 'Created', get: (c) => c.created_date, date: true },
  { label: 'Requested', get: (c) => c.cert_request_date, date: true },
  { label: 'Voucher valid till', get: (c) => c.voucher_validity_end_date, date: true },
  { label: 'FQDNs', get: (c) => c.no_of_fqdns, num: true },
  { label: 'Wildcards', get: (c) => c.no_of_wildcards, num: true },
  { label: 'Shipping', get: (c) => c.shipping_method, extra: true },
  { label: 'Validity (years)', get: (c) => c.validity_years, num: true, extra: true },
  { label: 'Validity (days)', get: (c) => c.validity_days, num: true, extra: true },
  { label: 'Status', get: (c) => c.status, extra: true },
  { label: 'Cert valid from', get: (c) => c.cert_validity_start_date, date: true, extra: true },
  { label: 'Cert valid till', get: (c) => c.cert_validity_end_date, date: true, extra: true },
  { label: 'Order valid from', get: (c) => c.order_valid_from, date: true, extra: true },
  { label: 'Order valid till', get: (c) => c.order_valid_till, date: true, extra: true },
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
 * Loads and shows the page at `offset` (the route's: the form holds the rest).
 * @param {number} [offset]
 * @param {boolean} [show] scroll the results into view (a search the user asked for)
 * @returns {Promise<boolean>} true when it showed a page
 */
export function searchCodes(offset = 0, show = false) {
  const out = $('codes-results');
  return refreshing(out, () => run('Used voucher codes', [$button('codes-search')], async (signal) => {
    const c = needClient();
    const gen = state.generation;
    const query = codesQuery();
    const limit = Number($select('codes-limit').value);
    const result = await c.listUsedVoucherCodes({ ...query, offset, limit }, { signal });
    if (gen !== state.generation) return false;
    codesLast = { limit, result };
    renderCodes();
    if (show) reveal($('codes-form'), out);
    return true;
  }));
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
      pager(result.page, limit, result.codes.length, (o) => go('codes', { offset: o || undefined }), 'Used voucher codes')),
    table(cols, result.codes, { label: 'Used voucher codes' }));
}

/** Wires the search form, the column toggle, the export button and the view's route. */
export function wireUsedCodes() {
  register('codes', {
    fields: ['product', 'voucher', 'certorder', 'code', 'id', 'date-mode', 'date-from', 'date-to', 'sort', 'dir', 'limit'],
    extra: ['offset'],
    display: ['allcols'],
    redisplay: renderCodes,
    load: (r) => searchCodes(Number(r.params.get('offset')) || 0, r.reveal),
  });
  $('codes-form').addEventListener('submit', (e) => { e.preventDefault(); go('codes'); });
  $input('codes-allcols').addEventListener('change', () => {
    renderCodes();
    displayed('codes');
  });
  wireDateMode('codes');

  // The API's own CSV export of these filters, every formula-like cell neutralised.
  $button('codes-export').addEventListener('click', () => run('Export CSV', [$button('codes-export')], async (signal) => {
    const c = needClient();
    const pkg = /** @type {import('../state.js').Package} */ (state.pkg);
    const { filters, sort } = codesQuery();
    const csv = await pkg.neutraliseCsv(await c.exportUsedVoucherCodesCsv({ filters, sort }, { signal }));
    downloadCsv($('codes-results'), `used-voucher-codes-${fileStamp()}.csv`, csv, "the API's CSV export of these filters");
  }));
}
