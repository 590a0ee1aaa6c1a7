// GET /voucher/download/used-codes: JSON, or the CSV export with `Accept: text/csv`. No offset
// or limit: every code and no `page`; with either, a slice and its `page`.

import { USED_CODE_FIELDS } from '../../data.mjs';
import { exactMatcher, textMatcher, dateMatcher } from '../filters.mjs';
import { jsonResponse } from '../http.mjs';
import { parsePaging, select } from '../query.mjs';

/** @typedef {import('../../data.mjs').Dataset} Dataset */
/** @typedef {import('../../data.mjs').WireRecord} WireRecord */

/**
 * A CSV field: quoted only when it holds a space, comma, quote, CR or LF.
 * @param {unknown} v
 * @returns {string}
 */
function csvField(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[ ,"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CSV export of `codes`: a header, `\n` line ends, no final newline.
 * @param {WireRecord[]} codes
 * @returns {string}
 */
export function usedCodesToCsv(codes) {
  const lines = [USED_CODE_FIELDS.join(',')];
  for (const c of codes) lines.push(USED_CODE_FIELDS.map((f) => csvField(c[f])).join(','));
  return lines.join('\n');
}

/**
 * @param {Dataset} dataset
 * @returns {(q: import('../query.mjs').Query, req: import('node:http').IncomingMessage) => import('../http.mjs').Reply}
 */
export function usedCodes(dataset) {
  /** @type {Record<string, (c: WireRecord) => unknown>} */
  const getters = Object.fromEntries(USED_CODE_FIELDS.map((f) => [f, (c) => c[f]]));
  const productIdByName = new Map();
  for (const v of dataset.voucherOrders) for (const c of v.codes) productIdByName.set(c.product.name, c.product.name_id);

  return (q, req) => {
    /** @type {((c: WireRecord) => boolean)[]} */
    const preds = [];
    for (const [name, value] of q.filters) {
      if (value === '') continue;
      switch (name) {
        case 'product_name_id': preds.push((c) => productIdByName.get(c.product_name) === value); break;
        case 'voucher_order_id': { const m = exactMatcher(value); preds.push((c) => m(c.voucher_order_id)); break; }
        case 'certificate_order_id': { const m = exactMatcher(value); preds.push((c) => m(c.certificate_order_id)); break; }
        case 'id': { const m = exactMatcher(value); preds.push((c) => m(c.id)); break; }
        case 'code': { const m = textMatcher(value); preds.push((c) => m(c.value)); break; }
        case 'date_valid_till': { const m = dateMatcher(name, value); preds.push((c) => m(c.voucher_validity_end_date)); break; }
        default: break; // unknown filters are ignored, as the real API does
      }
    }
    let rows = select(dataset.usedCodes, preds, q.params, getters);
    const paging = parsePaging(q.params, { defaultLimit: Infinity });
    const total = rows.length;
    if (paging.paged) rows = rows.slice(paging.offset, paging.offset + paging.effectiveLimit);
    const accept = String(req.headers.accept ?? '').toLowerCase();
    if (accept.includes('text/csv')) {
      return { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' }, body: Buffer.from(usedCodesToCsv(rows)) };
    }
    /** @type {{ codes: WireRecord[], page?: { total: number, limit: number, offset: number } }} */
    const out = { codes: rows };
    if (paging.paged) out.page = { total, limit: paging.limit ?? 0, offset: paging.offset };
    return jsonResponse(200, out);
  };
}
