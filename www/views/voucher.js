// A voucher order with its codes, and an order's reissued certificates; each with its route
// (`#voucher/<id>`, `#reissues/<id>`: route.js) and a CSV download of what it shows.

import { $, $button, $input, h, replace, table, details, dateNode, num } from '../dom.js';
import { announce, needClient, run } from '../alerts.js';
import { reqInt } from '../form.js';
import { daysLeft, downloadCsv, emptyNote, expiryFlag, money, refreshing, reveal } from '../results.js';
import { go, register } from '../route.js';
import { state } from '../state.js';

/** @typedef {import('../../pkg-template/index.js').VoucherCode} VoucherCode */
/** @typedef {import('../../pkg-template/index.js').VoucherOrder} VoucherOrder */
/** @typedef {import('../../pkg-template/index.js').ReissuedCertificate} ReissuedCertificate */

/** @type {import('../dom.js').Column<VoucherCode>[]} */
const VOUCHER_CODE_COLUMNS = [
  { label: 'Id', get: (c) => c.id, num: true },
  { label: 'Code', get: (c) => c.value, mono: true },
  { label: 'Product', get: (c) => c.product?.name ?? null },
  { label: 'Product id', get: (c) => c.product_name_id },
  { label: 'Group', get: (c) => c.product?.group_name ?? null },
  { label: 'FQDNs', get: (c) => c.no_of_fqdns, num: true },
  { label: 'Wildcards', get: (c) => c.no_of_wildcards, num: true },
  { label: 'Validity (years)', get: (c) => c.validity_years, num: true },
  { label: 'Validity (days)', get: (c) => c.validity_days, num: true },
  { label: 'Status', get: (c) => c.status },
];

/** The CSV of a voucher order's codes: the record's paths, as the table's columns. */
const VOUCHER_CODE_CSV = ['id', 'value', 'product.name', 'product_name_id', 'product.group_name', 'no_of_fqdns', 'no_of_wildcards', 'validity_years', 'validity_days', 'status'];

/** @returns {import('../state.js').Package} */
const pkg = () => /** @type {import('../state.js').Package} */ (state.pkg);

/**
 * Loads the voucher order in the form (filled from the route) and shows it.
 * @param {boolean} [show] scroll the results into view
 * @returns {Promise<boolean>}
 */
function getVoucher(show = false) {
  const out = $('voucher-results');
  return refreshing(out, () => run('Voucher order', [$button('voucher-get')], async (signal) => {
    const c = needClient();
    const gen = state.generation;
    const voucherId = reqInt('voucher-id', 'Voucher order id');
    const v = await c.getVoucherOrder(voucherId, { signal });
    if (gen !== state.generation) return false;
    announce(`Voucher order ${v.id}: ${v.codes.length} codes`);
    renderVoucher(out, v);
    if (show) reveal($('voucher-form'), out);
    return true;
  }));
}

/**
 * @param {HTMLElement} out
 * @param {VoucherOrder} v
 */
function renderVoucher(out, v) {
  const exportBtn = h('button', { type: 'button', class: 'btn btn-small', id: 'voucher-export', text: `Download codes CSV (${num(v.codes.length)})`, disabled: !v.codes.length,
    onclick: () => run('Download voucher codes', [exportBtn], async () => {
      const csv = await pkg().recordsToCsv(v.codes, { columns: VOUCHER_CODE_CSV });
      downloadCsv(out, `voucher-order-${v.id}-codes.csv`, csv, `${num(v.codes.length)} codes`);
    }, { requests: false }) });
  replace(out,
    h('h3', { class: 'result-title', text: `Voucher order ${v.id}` }),
    details([
      ['Id', v.id], ['Organization', v.name], ['Status', v.status], ['Cost', money(v.cost, v.currency)],
      ['Created', dateNode(v.created_date)], ['Expires', dateNode(v.expiration_date)], ['Can cancel', v.can_cancel],
      ['Used from', dateNode(v.used_from)], ['Valid till', dateNode(v.valid_till)], ['Notes', v.notes],
      ['Used codes', h('a', { href: `#codes?voucher=${v.id}`, class: 'voucher-used-link', text: `Used codes of voucher order ${v.id}` })],
    ]),
    h('div', { class: 'result-bar' }, h('h3', { class: 'result-title', text: `Codes (${num(v.codes.length)})` }), exportBtn),
    v.codes.length ? table(VOUCHER_CODE_COLUMNS, v.codes, { label: `Codes of voucher order ${v.id}` }) : emptyNote('This voucher order lists no codes.'));
}

/** Days a reissued certificate is marked "Expiring" for. */
const REISSUE_WINDOW = 30;

/** @type {import('../dom.js').Column<ReissuedCertificate>[]} */
const REISSUE_COLUMNS = [
  { label: 'Common name', get: (r) => r.common_name, wrap: true },
  { label: 'Status', get: (r) => r.status },
  { label: 'Valid till', get: (r) => r.valid_till, date: true },
  { label: 'Days left', get: (r) => daysLeft(r.valid_till) ?? r.days_remaining, num: true,
    flag: (r) => expiryFlag(r.valid_till ? daysLeft(r.valid_till) : null, REISSUE_WINDOW) },
  { label: 'Certificate id', get: (r) => r.id, num: true },
  { label: 'Other names', get: (r) => r.dns_names, wrap: true },
  { label: 'Serial number', get: (r) => r.serial_number, mono: true },
  { label: 'Requested', get: (r) => r.date_created, date: true },
  { label: 'Issued', get: (r) => r.date_issued, date: true },
  { label: 'Key size', get: (r) => r.key_size, num: true },
  { label: 'Requested by', get: (r) => [r.firstname, r.lastname].filter((x) => x && x.trim()).join(' ') || null, wrap: true },
  { label: 'Email', get: (r) => r.email },
  { label: 'Archived', get: (r) => r.archived },
];

/**
 * Loads the reissues of the order in the form (filled from the route) and shows them.
 * @param {boolean} [show]
 * @returns {Promise<boolean>}
 */
function getReissues(show = false) {
  const out = $('reissues-results');
  return refreshing(out, () => run('Reissues', [$button('reissues-get')], async (signal) => {
    const c = needClient();
    const gen = state.generation;
    const id = reqInt('reissues-id', 'Order id');
    const showArchived = $input('reissues-archived').checked;
    const dedupeBySerial = $input('reissues-dedupe').checked;
    const { certificates } = await c.listOrderReissues(id, { showArchived, dedupeBySerial }, { signal });
    if (gen !== state.generation) return false;
    const flags = [showArchived ? 'archived included' : 'archived hidden', dedupeBySerial ? 'duplicate serials dropped' : 'duplicates kept'].join(', ');
    announce(`Order ${id}: ${certificates.length} reissued certificates`);
    const exportBtn = h('button', { type: 'button', class: 'btn btn-small', id: 'reissues-export', text: 'Download CSV', disabled: !certificates.length,
      onclick: () => run('Download reissues', [exportBtn], async () => {
        const csv = await pkg().recordsToCsv(certificates, { columns: 'reissue' });
        downloadCsv(out, `order-${id}-reissues.csv`, csv, `${num(certificates.length)} certificates`);
      }, { requests: false }) });
    replace(out,
      h('div', { class: 'result-bar' },
        h('p', { class: 'summary' }, 'Order ', h('a', { href: `#orders?id=${id}`, class: 'order-link', text: String(id) }),
          `: ${num(certificates.length)} certificate${certificates.length === 1 ? '' : 's'} (${flags})`),
        exportBtn),
      certificates.length ? table(REISSUE_COLUMNS, certificates, { label: `Reissues of order ${id}`, cards: true }) : emptyNote('No reissues for this order.'));
    if (show) reveal($('reissues-form'), out);
    return true;
  }));
}

/** Wires the voucher order form and its route. */
export function wireVoucherOrder() {
  register('voucher', { fields: [], hasId: true, load: (r) => getVoucher(r.reveal) });
  $('voucher-form').addEventListener('submit', (e) => { e.preventDefault(); go('voucher'); });
}

/** Wires the reissues form and its route; its checkboxes reload a shown order. */
export function wireReissues() {
  register('reissues', { fields: ['archived', 'dedupe'], hasId: true, load: (r) => getReissues(r.reveal) });
  $('reissues-form').addEventListener('submit', (e) => { e.preventDefault(); go('reissues'); });
  for (const id of ['reissues-archived', 'reissues-dedupe']) {
    $input(id).addEventListener('change', () => { if ($input('reissues-id').value && state.client) go('reissues'); });
  }
}
