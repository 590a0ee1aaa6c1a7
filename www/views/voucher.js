// A voucher order with its codes, and an order's reissued certificates.

import { $, $button, $input, h, replace, table, details, num } from '../dom.js';
import { announce, needClient, run } from '../alerts.js';
import { reqInt } from '../form.js';
import { emptyNote, money } from '../results.js';
import { state } from '../state.js';

/** @typedef {import('../../pkg-template/index.js').VoucherCode} VoucherCode */
/** @typedef {import('../../pkg-template/index.js').ReissuedCertificate} ReissuedCertificate */

/** @type {{ label: string, get: (c: VoucherCode) => unknown, num?: true, mono?: true }[]} */
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

/** @param {number} [id] default: the form's */
async function getVoucher(id) {
  await run('Voucher order', [$button('voucher-get')], async (signal) => {
    const c = needClient();
    const voucherId = id ?? reqInt('voucher-id', 'Voucher order id');
    const v = await c.getVoucherOrder(voucherId, { signal });
    announce(`Voucher order ${v.id}: ${v.codes.length} codes`);
    replace($('voucher-results'),
      h('h3', { class: 'result-title', text: `Voucher order ${v.id}` }),
      details([
        ['Id', v.id], ['Organization', v.name], ['Status', v.status], ['Cost', money(v.cost, v.currency)],
        ['Created', v.created_date], ['Expires', v.expiration_date], ['Can cancel', v.can_cancel],
        ['Used from', v.used_from], ['Valid till', v.valid_till], ['Notes', v.notes],
      ]),
      h('h3', { class: 'result-title', text: `Codes (${num(v.codes.length)})` }),
      v.codes.length ? table(VOUCHER_CODE_COLUMNS, v.codes, { label: `Codes of voucher order ${v.id}` }) : emptyNote('This voucher order lists no codes.'));
  });
}

/** @type {{ label: string, get: (r: ReissuedCertificate) => unknown, num?: true, mono?: true, wrap?: true }[]} */
const REISSUE_COLUMNS = [
  { label: 'Certificate id', get: (r) => r.id, num: true },
  { label: 'Common name', get: (r) => r.common_name, wrap: true },
  { label: 'Other names', get: (r) => r.dns_names, wrap: true },
  { label: 'Status', get: (r) => r.status },
  { label: 'Serial number', get: (r) => r.serial_number, mono: true },
  { label: 'Requested', get: (r) => r.date_created },
  { label: 'Issued', get: (r) => r.date_issued },
  { label: 'Valid till', get: (r) => r.valid_till },
  { label: 'Days left', get: (r) => r.days_remaining, num: true },
  { label: 'Key size', get: (r) => r.key_size, num: true },
  { label: 'Requested by', get: (r) => [r.firstname, r.lastname].filter((x) => x && x.trim()).join(' ') || null, wrap: true },
  { label: 'Email', get: (r) => r.email },
  { label: 'Archived', get: (r) => r.archived },
];

async function getReissues() {
  await run('Reissues', [$button('reissues-get')], async (signal) => {
    const c = needClient();
    const id = reqInt('reissues-id', 'Order id');
    const showArchived = $input('reissues-archived').checked;
    const dedupeBySerial = $input('reissues-dedupe').checked;
    const { certificates } = await c.listOrderReissues(id, { showArchived, dedupeBySerial }, { signal });
    const flags = [showArchived ? 'archived included' : 'archived hidden', dedupeBySerial ? 'duplicate serials dropped' : 'duplicates kept'].join(', ');
    announce(`Order ${id}: ${certificates.length} reissued certificates`);
    replace($('reissues-results'),
      h('p', { class: 'summary', text: `Order ${id}: ${num(certificates.length)} certificate${certificates.length === 1 ? '' : 's'} (${flags})` }),
      certificates.length ? table(REISSUE_COLUMNS, certificates, { label: `Reissues of order ${id}` }) : emptyNote('No reissues for this order.'));
  });
}

/** Wires the voucher order form. */
export function wireVoucherOrder() {
  $('voucher-form').addEventListener('submit', (e) => { e.preventDefault(); getVoucher(); });
}

/** Wires the reissues form; its checkboxes reload a shown order. */
export function wireReissues() {
  $('reissues-form').addEventListener('submit', (e) => { e.preventDefault(); getReissues(); });
  for (const id of ['reissues-archived', 'reissues-dedupe']) {
    $input(id).addEventListener('change', () => { if ($input('reissues-id').value && state.client) getReissues(); });
  }
}
