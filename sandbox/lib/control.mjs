// The sandbox's own counters and controls (no key): `GET /__sandbox/stats` and
// `POST /__sandbox/reset`.

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
 */

/** @returns {Stats} */
export function newStats() {
  return { requests: 0, byPath: {}, rateLimited: 0, faults: 0 };
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

/**
 * Answers a control request.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} urlPath
 * @param {{ stats: Stats, reset: () => void }} sandbox
 * @returns {boolean} false when `urlPath` is not a control
 */
export function control(req, res, urlPath, { stats, reset }) {
  if (urlPath !== '/__sandbox/stats' && urlPath !== '/__sandbox/reset') return false;
  if (req.method === 'OPTIONS') {
    send(res, preflight());
  } else if (urlPath === '/__sandbox/stats' && req.method === 'GET') {
    send(res, jsonResponse(200, stats));
  } else if (urlPath === '/__sandbox/reset' && req.method === 'POST') {
    req.resume();
    reset();
    send(res, jsonResponse(200, { ok: true }));
  } else {
    req.resume();
    send(res, errorResponse(new ApiError(405, 'method_not_allowed', 'Method not allowed.', { Allow: urlPath.endsWith('reset') ? 'POST' : 'GET' })));
  }
  return true;
}
