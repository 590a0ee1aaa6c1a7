// The query string of an API request: parameters and `filters[x]`, paging and sort.

import { ApiError } from './http.mjs';

/** The longest query string accepted. */
const MAX_QUERY = 8192;

/**
 * @typedef {object} Query
 * @property {Map<string, string>} params the plain parameters (`sort`, `offset`, ...)
 * @property {Map<string, string>} filters `filters[x]` by x
 */

/**
 * Parses a raw query string: brackets raw (`filters[x]`) or percent-encoded (`filters%5Bx%5D`),
 * `+` as a space, the last value of a repeated key wins. Malformed percent-encoding (a `%`
 * without two hex digits, or escapes that are not UTF-8) is a 400, as the real API answers.
 * @param {string} raw the text after the first `?`
 * @returns {Query}
 */
export function parseQuery(raw) {
  const params = new Map();
  const filters = new Map();
  if (!raw) return { params, filters };
  if (raw.length > MAX_QUERY) throw new ApiError(400, 'bad_request_format', 'Query string too long.');
  // URLSearchParams keeps a malformed escape as text; the real API refuses it. Escapes never
  // span a `&` or `=`, so the whole string decodes exactly when each of its parts does.
  try {
    decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new ApiError(400, 'bad_request_format', 'Malformed percent-encoding in the query string.');
  }
  // The leading '&' stops URLSearchParams from dropping a '?' the query itself starts with.
  for (const [key, value] of new URLSearchParams('&' + raw)) {
    const m = /^filters\[([^\]]*)\]$/.exec(key);
    if (m) filters.set(m[1], value);
    else params.set(key, value);
  }
  return { params, filters };
}

/**
 * @typedef {object} Paging
 * @property {number} offset
 * @property {number | null} limit as sent
 * @property {number} effectiveLimit the limit, or the endpoint's default
 * @property {boolean} paged offset or limit was sent
 */

/**
 * `offset` and `limit` (1..1000) of a list endpoint.
 * @param {Map<string, string>} params
 * @param {{ defaultLimit: number }} endpoint
 * @returns {Paging}
 */
export function parsePaging(params, { defaultLimit }) {
  let offset = 0;
  let limit = null;
  const rawOffset = params.get('offset');
  if (rawOffset !== undefined) {
    const v = rawOffset.trim();
    if (!/^\d{1,9}$/.test(v)) throw new ApiError(400, 'invalid_value:offset', 'offset must be a non-negative integer.');
    offset = Number(v);
  }
  const rawLimit = params.get('limit');
  if (rawLimit !== undefined) {
    const v = rawLimit.trim();
    const n = Number(v);
    if (!/^\d{1,9}$/.test(v) || n < 1 || n > 1000) {
      throw new ApiError(400, 'invalid_value:limit', 'limit must be an integer from 1 to 1000.');
    }
    limit = n;
  }
  return { offset, limit, effectiveLimit: limit ?? defaultLimit, paged: params.has('offset') || params.has('limit') };
}

/**
 * Compares two record values: numbers (and digit strings) as numbers, the rest as text, a
 * missing value as the empty text.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {number}
 */
function compareValues(a, b) {
  if (a === b) return 0;
  const an = typeof a === 'number' ? a : typeof a === 'string' && /^\d{1,15}$/.test(a) ? Number(a) : null;
  const bn = typeof b === 'number' ? b : typeof b === 'string' && /^\d{1,15}$/.test(b) ? Number(b) : null;
  if (an !== null && bn !== null) return an - bn;
  const as = a === undefined || a === null ? '' : String(a);
  const bs = b === undefined || b === null ? '' : String(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/**
 * "a,-b" -> comparator, or null for no key; `getters` maps the allowed keys to value getters.
 * An unknown key is a 400. Stable (Array#sort is).
 * @template T
 * @param {string} sortParam
 * @param {Record<string, (record: T) => unknown>} getters
 * @returns {((x: T, y: T) => number) | null}
 */
export function sortComparator(sortParam, getters) {
  /** @type {{ get: (record: T) => unknown, dir: number }[]} */
  const keys = [];
  for (const raw of sortParam.split(',')) {
    const k = raw.trim();
    if (!k) continue;
    const desc = k.startsWith('-');
    const name = desc ? k.slice(1) : k.startsWith('+') ? k.slice(1) : k;
    const get = getters[name];
    if (!Object.hasOwn(getters, name) || typeof get !== 'function') {
      throw new ApiError(400, 'bad_request_format', `Unsupported sort property: ${name.slice(0, 64)}`);
    }
    keys.push({ get, dir: desc ? -1 : 1 });
  }
  if (!keys.length) return null;
  return (x, y) => {
    for (const { get, dir } of keys) {
      const c = compareValues(get(x), get(y));
      if (c) return c * dir;
    }
    return 0;
  };
}

/**
 * The records that pass every predicate (a copy of all of them when there is none), sorted
 * by the `sort` parameter when one was sent.
 * @template T
 * @param {T[]} records
 * @param {((record: T) => boolean)[]} preds
 * @param {Map<string, string>} params
 * @param {Record<string, (record: T) => unknown>} getters the sort keys
 * @returns {T[]}
 */
export function select(records, preds, params, getters) {
  const rows = preds.length ? records.filter((r) => preds.every((p) => p(r))) : records.slice();
  const sort = params.get('sort');
  if (sort !== undefined) {
    const cmp = sortComparator(sort, getters);
    if (cmp) rows.sort(cmp);
  }
  return rows;
}
