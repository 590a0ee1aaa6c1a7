// The API under /services/v2: the key, the rate limiter, then the route to one endpoint. Every
// problem is answered in the API's error shape.

import { ApiError, errorResponse, internalError } from './http.mjs';
import { parseQuery } from './query.mjs';
import { usedCodes } from './endpoints/used-codes.mjs';
import { voucherOrder } from './endpoints/voucher.mjs';
import { reissues } from './endpoints/reissues.mjs';
import { subaccountOrders } from './endpoints/subaccount-orders.mjs';

/** Where the API lives on the sandbox. */
export const API_PREFIX = '/services/v2';

/**
 * What a request passes to the endpoints besides its query.
 * @typedef {object} RequestContext
 * @property {number} totalChanges the `total-changes` fault: added to subaccount orders' total
 */

/**
 * @param {object} env
 * @param {import('../data.mjs').Dataset} env.dataset
 * @param {Set<string>} env.keys the accepted API keys
 * @param {{ limited: (key: string) => boolean }} env.limiter
 * @param {{ rateLimited: number }} env.stats
 * @param {import('./churn.mjs').Churn | null} [env.churn] the churn mode, when on: applied before
 *   each subaccount-order list request, whose default order is then newest first
 * @returns {(req: import('node:http').IncomingMessage, apiPath: string, rawQuery: string, ctx: RequestContext) => import('./http.mjs').Reply}
 *   answers a request for `apiPath` (the path after API_PREFIX)
 */
export function api({ dataset, keys, limiter, stats, churn = null }) {
  const listUsedCodes = usedCodes(dataset);
  const getVoucher = voucherOrder(dataset);
  const listReissues = reissues(dataset);
  const listSubaccountOrders = subaccountOrders(dataset, { newestFirst: churn !== null });

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {string} apiPath
   * @param {string} rawQuery
   * @param {RequestContext} ctx
   */
  function route(req, apiPath, rawQuery, ctx) {
    const q = parseQuery(rawQuery);
    let m;
    if (apiPath === '/voucher/download/used-codes') return listUsedCodes(q, req);
    if ((m = /^\/voucher\/(\d{1,15})$/.exec(apiPath))) return getVoucher(Number(m[1]));
    if ((m = /^\/order\/certificate\/(\d{1,15})\/reissue$/.exec(apiPath))) return listReissues(Number(m[1]), q);
    if (apiPath === '/account/subaccount/order') {
      churn?.beforeList();
      return listSubaccountOrders(q, ctx);
    }
    throw new ApiError(404, 'not_found|route', 'Route not found.');
  }

  return (req, apiPath, rawQuery, ctx) => {
    try {
      const key = req.headers['x-dc-devkey'];
      if (typeof key !== 'string' || !keys.has(key)) {
        throw new ApiError(403, 'access_denied|access_denied_invalid_key', 'The API key is missing or invalid.');
      }
      if (limiter.limited(key)) {
        stats.rateLimited++;
        throw new ApiError(429, 'request_limit_exceeded', 'Request limit exceeded: too many requests for this API key.');
      }
      return route(req, apiPath, rawQuery, ctx);
    } catch (e) {
      return errorResponse(e instanceof ApiError ? e : internalError());
    }
  };
}
