// GET /account/subaccount/order: filters, sort, offset and limit (default 1000); `page`
// always, `orders` only when the page has some. Filters and sort see only what the response
// shows (an order without `certificate` has no common name).

import { exactMatcher, textMatcher, dateMatcher } from '../filters.mjs';
import { jsonResponse } from '../http.mjs';
import { parsePaging, select } from '../query.mjs';

/** @typedef {import('../../data.mjs').WireRecord} WireRecord */

/** @type {Record<string, (o: WireRecord) => unknown>} */
const SORT_KEYS = {
  id: (o) => o.id,
  common_name: (o) => o.certificate?.common_name ?? '',
  product_name_id: (o) => o.product.name_id,
  date_created: (o) => Date.parse(o.date_created),
  validity_years: (o) => o.validity_years,
};

/**
 * @param {import('../../data.mjs').Dataset} dataset its orders in ascending id order
 * @param {{ newestFirst?: boolean }} [options] `newestFirst`: without `sort`, ids descending
 *   (the real API's default order; the churn mode's), instead of the dataset's ascending order
 * @returns {(q: import('../query.mjs').Query, ctx: { totalChanges: number }) => import('../http.mjs').Reply}
 */
export function subaccountOrders(dataset, { newestFirst = false } = {}) {
  return (q, ctx) => {
    /** @type {((o: WireRecord) => boolean)[]} */
    const preds = [];
    for (const [name, value] of q.filters) {
      if (value === '') continue;
      switch (name) {
        case 'id': { const m = exactMatcher(value); preds.push((o) => m(o.id)); break; }
        case 'certificate_id': { const m = exactMatcher(value); preds.push((o) => m(o.certificate?.id)); break; }
        case 'valid_till': { const m = dateMatcher(name, value); preds.push((o) => m(o.certificate?.valid_till)); break; }
        case 'date_created': { const m = dateMatcher(name, value); preds.push((o) => m(o.date_created)); break; }
        case 'common_name':
        case 'search': { const m = textMatcher(value); preds.push((o) => m(o.certificate?.common_name)); break; }
        case 'status':
          preds.push(value === 'issued' ? (o) => o.status === 'issued' || o.status === 'expired' : (o) => o.status === value);
          break;
        case 'product_name_id': preds.push((o) => o.product.name_id === value); break;
        case 'subaccount': { const m = exactMatcher(value); preds.push((o) => m(o.subaccount.account_id)); break; }
        case 'account_type': preds.push((o) => o.subaccount.account_type === value); break;
        default: break;
      }
    }
    const paging = parsePaging(q.params, { defaultLimit: 1000 });
    let rows = select(dataset.subaccountOrders, preds, q.params, SORT_KEYS);
    if (newestFirst && !q.params.has('sort')) rows.reverse();
    let total = rows.length;
    if (ctx.totalChanges) total += ctx.totalChanges;
    rows = rows.slice(paging.offset, paging.offset + paging.effectiveLimit);
    const page = { total, limit: paging.limit ?? 0, offset: paging.offset };
    return { ...jsonResponse(200, rows.length ? { orders: rows, page } : { page }), records: rows.length };
  };
}
