// GET /voucher/{id}: one voucher order, or 404 `not_found`.

import { ApiError, jsonResponse } from '../http.mjs';

/**
 * @param {import('../../data.mjs').Dataset} dataset
 * @returns {(id: number) => import('../http.mjs').Reply}
 */
export function voucherOrder(dataset) {
  const byId = new Map(dataset.voucherOrders.map((v) => [v.id, v]));
  return (id) => {
    const v = byId.get(id);
    if (!v) throw new ApiError(404, 'not_found', 'Voucher order not found.');
    return jsonResponse(200, v);
  };
}
