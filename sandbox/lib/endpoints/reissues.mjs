// GET /order/certificate/{id}/reissue[?show_archived=true]: an order's reissued certificates
// (archived ones only when asked), or 404 `not_found|order`.

import { ApiError, jsonResponse } from '../http.mjs';

/**
 * @param {import('../../data.mjs').Dataset} dataset
 * @returns {(id: number, q: import('../query.mjs').Query) => import('../http.mjs').Reply}
 */
export function reissues(dataset) {
  const orderIds = new Set(dataset.subaccountOrders.map((o) => o.id));
  return (id, q) => {
    if (!orderIds.has(id)) throw new ApiError(404, 'not_found|order', 'Order not found.');
    const showArchived = /^(true|1)$/i.test(q.params.get('show_archived') ?? '');
    const list = dataset.reissues.get(id) ?? [];
    return jsonResponse(200, { certificates: showArchived ? list : list.filter((r) => r.archived !== 1) });
  };
}
