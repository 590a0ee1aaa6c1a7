// The sandbox's own counters and controls (no key): `GET /__sandbox/stats`,
// `POST /__sandbox/reset`, `GET /__sandbox/in-flight` (+ `POST /__sandbox/in-flight/reset`) and
// the churn mode's witness, `GET /__sandbox/churn[/present?from=A&to=B | /ever | /journal]`.

import { ApiError, errorResponse, jsonResponse, send } from './http.mjs';
import { preflight } from './cors.mjs';

/** Bound on the paths counted in `stats.byPath`, and on the fault counters. */
export const MAX_TRACKED = 1000;

/**
 * @typedef {object} Stats
 * @property {number} requests every request but the controls'
 * @property {Record<string, number>} byPath requests by path (the first MAX_TRACKED paths)
 * @property {number} rateLimited requests the rate limiter refused
 * @property {number} faults requests that got a fault
 * @property {number} listRecords records sent in subaccount-order list pages (the cost of paging)
 */

/** @returns {Stats} */
export function newStats() {
  return { requests: 0, byPath: {}, rateLimited: 0, faults: 0, listRecords: 0 };
}

/**
 * Counts a request of `urlPath`.
 * @param {Stats} stats
 * @param {string} urlPath
 */
export function countRequest(stats, urlPath) {
  stats.requests++;
  const statKey = urlPath.length > 200 ? urlPath.slice(0, 200) : urlPath;
  if (Object.hasOwn(stats.byPath, statKey) || Object.keys(stats.byPath).length < MAX_TRACKED) {
    stats.byPath[statKey] = (stats.byPath[statKey] ?? 0) + 1;
  }
}

/** The controls: path -> method. */
const ROUTES = new Map([
  ['/__sandbox/stats', 'GET'],
  ['/__sandbox/reset', 'POST'],
  ['/__sandbox/in-flight', 'GET'],
  ['/__sandbox/in-flight/reset', 'POST'],
  ['/__sandbox/churn', 'GET'],
  ['/__sandbox/churn/present', 'GET'],
  ['/__sandbox/churn/ever', 'GET'],
  ['/__sandbox/churn/journal', 'GET'],
]);

/**
 * What the controls read and reset.
 * @typedef {object} Controlled
 * @property {Stats} stats
 * @property {() => void} reset
 * @property {import('./inflight.mjs').InFlight} inFlight
 * @property {import('./churn.mjs').Churn | null} churn
 */

/**
 * Answers a control request.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} urlPath
 * @param {string} rawQuery
 * @param {Controlled} sandbox
 * @returns {boolean} false when `urlPath` is not a control
 */
export function control(req, res, urlPath, rawQuery, { stats, reset, inFlight, churn }) {
  const method = ROUTES.get(urlPath);
  if (method === undefined) return false;
  if (req.method === 'OPTIONS') {
    send(res, preflight());
    return true;
  }
  req.resume();
  if (req.method !== method) {
    send(res, errorResponse(new ApiError(405, 'method_not_allowed', 'Method not allowed.', { Allow: method })));
    return true;
  }
  try {
    send(res, answer(urlPath, new URLSearchParams(rawQuery), { stats, reset, inFlight, churn }));
  } catch (e) {
    send(res, errorResponse(e instanceof ApiError ? e : new ApiError(400, 'bad_request_format', 'Bad control request.')));
  }
  return true;
}

/**
 * @param {string} urlPath
 * @param {URLSearchParams} params
 * @param {Controlled} sandbox
 * @returns {import('./http.mjs').Reply}
 */
function answer(urlPath, params, { stats, reset, inFlight, churn }) {
  switch (urlPath) {
    case '/__sandbox/stats': return jsonResponse(200, stats);
    case '/__sandbox/reset': reset(); return jsonResponse(200, { ok: true });
    case '/__sandbox/in-flight': return jsonResponse(200, inFlight.report());
    case '/__sandbox/in-flight/reset': inFlight.reset(); return jsonResponse(200, { ok: true });
    default: break;
  }
  if (!churn) {
    if (urlPath === '/__sandbox/churn') return jsonResponse(200, { on: false });
    throw new ApiError(404, 'not_found', 'The churn mode is off.');
  }
  if (urlPath === '/__sandbox/churn') return jsonResponse(200, { on: true, ...churn.summary() });
  if (urlPath === '/__sandbox/churn/ever') return jsonResponse(200, { ids: churn.everExisted() });
  if (urlPath === '/__sandbox/churn/journal') return jsonResponse(200, { journal: churn.journal() });
  /** @param {string} name */
  const seq = (name) => {
    const v = params.get(name) ?? '';
    if (!/^\d{1,9}$/.test(v)) throw new ApiError(400, `invalid_value:${name}`, `${name} must be a list request's number.`);
    return Number(v);
  };
  const from = seq('from');
  const to = seq('to');
  return jsonResponse(200, { from, to, ids: churn.presentThroughout(from, to) });
}
