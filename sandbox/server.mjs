#!/usr/bin/env node
// A local stand-in for DigiCert's CertCentral Services API v2 (the four endpoints this project
// covers), with fault injection, CORS and a static file server for the demo page.
// No dependencies: node:http only. See README.md beside this file.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateDataset, USED_CODE_FIELDS } from './data.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const API_PREFIX = '/services/v2';
export const DEFAULT_KEY = 'sandbox-key';
export const DEFAULT_RATE_LIMIT = Object.freeze([
  Object.freeze({ max: 100, windowMs: 5_000 }),
  Object.freeze({ max: 1000, windowMs: 300_000 }),
]);

const MAX_SLOW_MS = 60_000;
const MAX_STALL_MS = 300_000;
const HUGE_BYTES = 50 * 1024 * 1024;
const MAX_TRACKED = 1000; // bound on stats.byPath and fault counters

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'X-DC-DEVKEY, Content-Type, Accept, X-Sandbox-Fault',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Expose-Headers': 'Retry-After, Content-Length, Content-Type',
  'Access-Control-Max-Age': '600',
};

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.mts': 'text/plain; charset=utf-8',
  '.cts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
};

// ---------------------------------------------------------------------------------------------
// Errors and small helpers

class ApiError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const errorBody = (code, message) => JSON.stringify({ errors: [{ code, message }] });
const jsonResponse = (status, value, headers = {}) => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});
const errorResponse = (e) => ({
  status: e.status,
  headers: { 'Content-Type': 'application/json', ...e.headers },
  body: Buffer.from(errorBody(e.code, e.message)),
});

/** "100/5s,1000/300s" -> [{max, windowMs}] ; throws on bad input. */
export function parseRateLimit(spec) {
  const out = [];
  for (const part of String(spec).split(',')) {
    const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(part);
    if (!m) throw new Error(`bad rate limit "${part}" (want e.g. 100/5s,1000/300s)`);
    const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[3] ?? 's'];
    const max = Number(m[1]);
    const windowMs = Math.round(Number(m[2]) * unit);
    if (max < 1 || windowMs < 1) throw new Error(`bad rate limit "${part}"`);
    out.push({ max, windowMs });
  }
  return out;
}

function decodeComponent(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new ApiError(400, 'bad_request_format', 'Malformed percent-encoding in the query string.');
  }
}

/** Parse a raw query string: brackets raw or percent-encoded, '+' as space, last value wins. */
export function parseQuery(raw) {
  const params = new Map();
  const filters = new Map();
  if (!raw) return { params, filters };
  if (raw.length > 8192) throw new ApiError(400, 'bad_request_format', 'Query string too long.');
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
    const m = /^filters\[([^\]]*)\]$/.exec(key);
    if (m) filters.set(m[1], value);
    else params.set(key, value);
  }
  return { params, filters };
}

const DATE_RE = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}:\d{2})?$/;
function validDate(s) {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const d = new Date(m[1] + 'T00:00:00Z');
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[1] ? null : m[1];
}

/** A date filter value -> predicate on a record's date string (compares the yyyy-MM-dd part). */
function dateMatcher(name, value) {
  const bad = () => new ApiError(400, `invalid_value:${name}`, `Invalid date filter for ${name}: use yyyy-MM-dd...yyyy-MM-dd, <yyyy-MM-dd or >yyyy-MM-dd.`);
  const v = value.trim();
  let lo = null;
  let hi = null;
  let loStrict = false;
  let hiStrict = false;
  if (v.startsWith('<')) {
    hi = validDate(v.slice(1).trim());
    hiStrict = true;
    if (!hi) throw bad();
  } else if (v.startsWith('>')) {
    lo = validDate(v.slice(1).trim());
    loStrict = true;
    if (!lo) throw bad();
  } else if (v.includes('...')) {
    const [a, b, ...rest] = v.split('...');
    lo = validDate(a.trim());
    hi = validDate(b.trim());
    if (!lo || !hi || rest.length) throw bad();
  } else {
    lo = hi = validDate(v);
    if (!lo) throw bad();
  }
  return (recordValue) => {
    if (typeof recordValue !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(recordValue)) return false;
    const d = recordValue.slice(0, 10);
    if (lo !== null && (loStrict ? d <= lo : d < lo)) return false;
    if (hi !== null && (hiStrict ? d >= hi : d > hi)) return false;
    return true;
  };
}

const NUMERIC_RE = /^-?\d+(?:\.\d+)?$/;
/** Exact match; numbers (and digit strings) compare numerically. */
function exactMatcher(value) {
  const numeric = NUMERIC_RE.test(value.trim());
  const n = Number(value);
  return (recordValue) => {
    if (recordValue === undefined || recordValue === null) return false;
    if (numeric && (typeof recordValue === 'number' || (typeof recordValue === 'string' && NUMERIC_RE.test(recordValue)))) {
      return Number(recordValue) === n;
    }
    return String(recordValue) === value;
  };
}

/** Text filter: a value starting with '%' is a case-insensitive substring match, else exact. */
function textMatcher(value) {
  if (value.startsWith('%')) {
    const needle = value.replace(/^%+/, '').replace(/%+$/, '').toLowerCase();
    return (recordValue) => typeof recordValue === 'string' && recordValue.toLowerCase().includes(needle);
  }
  return (recordValue) => recordValue === value;
}

function compareValues(a, b) {
  if (a === b) return 0;
  const an = typeof a === 'number' ? a : typeof a === 'string' && /^\d{1,15}$/.test(a) ? Number(a) : null;
  const bn = typeof b === 'number' ? b : typeof b === 'string' && /^\d{1,15}$/.test(b) ? Number(b) : null;
  if (an !== null && bn !== null) return an - bn;
  const as = a === undefined || a === null ? '' : String(a);
  const bs = b === undefined || b === null ? '' : String(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/** "a,-b" -> comparator; getters maps allowed keys to value getters. Stable (Array#sort is). */
function sortComparator(sortParam, getters) {
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

function parsePaging(params, { defaultLimit }) {
  let offset = 0;
  let limit = null;
  if (params.has('offset')) {
    const v = params.get('offset').trim();
    if (!/^\d{1,9}$/.test(v)) throw new ApiError(400, 'invalid_value:offset', 'offset must be a non-negative integer.');
    offset = Number(v);
  }
  if (params.has('limit')) {
    const v = params.get('limit').trim();
    const n = Number(v);
    if (!/^\d{1,9}$/.test(v) || n < 1 || n > 1000) {
      throw new ApiError(400, 'invalid_value:limit', 'limit must be an integer from 1 to 1000.');
    }
    limit = n;
  }
  return { offset, limit, effectiveLimit: limit ?? defaultLimit, paged: params.has('offset') || params.has('limit') };
}

// ---------------------------------------------------------------------------------------------
// CSV

function csvField(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[ ,"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export function usedCodesToCsv(codes) {
  const lines = [USED_CODE_FIELDS.join(',')];
  for (const c of codes) lines.push(USED_CODE_FIELDS.map((f) => csvField(c[f])).join(','));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Faults

const PRE_FAULTS = new Set(['429', '429-noretry', '429-date', '500', '502', '503', '408', 'reset', 'stall',
  'html200', 'invalid-json', 'huge']);
const POST_FAULTS = new Set(['truncated', 'wrong-content-type', 'invalid-utf8', 'total-changes']);

function parseFaultSpec(spec) {
  const m = /^([a-z0-9-]{1,40})(?:\*(\d{1,6}))?$/.exec(spec);
  if (!m) return null;
  const name = m[1];
  const slow = /^slow-(\d{1,7})$/.exec(name);
  if (!slow && !PRE_FAULTS.has(name) && !POST_FAULTS.has(name)) return null;
  return { spec, name: slow ? 'slow' : name, ms: slow ? Math.min(Number(slow[1]), MAX_SLOW_MS) : 0, times: m[2] === undefined ? null : Number(m[2]) };
}

// ---------------------------------------------------------------------------------------------

/**
 * Start the sandbox.
 * @param {object} [options]
 * @param {number} [options.port=0]  0 picks a free port
 * @param {string} [options.host='127.0.0.1']
 * @param {number} [options.seed=1]
 * @param {string[]} [options.keys=['sandbox-key']]  (or `key` for a single one)
 * @param {false|{max:number,windowMs:number}[]} [options.rateLimit]  default: 100/5s and 1000/300s
 * @param {string} [options.wwwDir]  default <repo>/www
 * @param {string} [options.pkgDir]  default <repo>/pkg
 * @param {number} [options.orders=5000]
 * @param {number} [options.usedCodes=20000]
 * @param {boolean} [options.verbose=false]  one log line per request (never the key)
 * @param {(line:string)=>void} [options.log]
 */
export async function startSandbox(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    seed = 1,
    key,
    keys = key !== undefined ? [key] : [DEFAULT_KEY],
    rateLimit = DEFAULT_RATE_LIMIT,
    wwwDir = path.join(REPO, 'www'),
    pkgDir = path.join(REPO, 'pkg'),
    orders = 5000,
    usedCodes = 20000,
    verbose = false,
    log = (line) => process.stderr.write(line + '\n'),
  } = options;
  const keySet = new Set(keys.map(String));
  const limits = rateLimit === false || rateLimit === null ? []
    : rateLimit === true ? DEFAULT_RATE_LIMIT
      : typeof rateLimit === 'string' ? parseRateLimit(rateLimit) : rateLimit;
  if (!Array.isArray(limits) || !limits.every((l) => l.max >= 1 && l.windowMs >= 1)) {
    throw new TypeError('rateLimit must be false, a string like "100/5s,1000/300s" or [{ max, windowMs }]');
  }
  const wwwRoot = path.resolve(wwwDir);
  const pkgRoot = path.resolve(pkgDir);

  const dataset = generateDataset({ seed, orders, usedCodes });
  const voucherById = new Map(dataset.voucherOrders.map((v) => [v.id, v]));
  const orderIds = new Set(dataset.subaccountOrders.map((o) => o.id));

  const stats = { requests: 0, byPath: {}, rateLimited: 0, faults: 0 };
  const faultCounters = new Map();
  const rateWindows = new Map(); // key -> timestamps (ascending)
  const pending = new Set(); // timers and sockets to clean up on close
  let closing = false;

  // -- rate limiting (rolling windows per key) -------------------------------------------------
  const maxWindow = limits.reduce((a, l) => Math.max(a, l.windowMs), 0);
  function rateLimited(key) {
    if (!limits.length) return false;
    const now = Date.now();
    let ts = rateWindows.get(key);
    if (!ts) rateWindows.set(key, (ts = []));
    let drop = 0;
    while (drop < ts.length && ts[drop] <= now - maxWindow) drop++;
    if (drop) ts.splice(0, drop);
    for (const { max, windowMs } of limits) {
      let count = 0;
      for (let i = ts.length - 1; i >= 0 && ts[i] > now - windowMs; i--) count++;
      if (count >= max) return true;
    }
    ts.push(now);
    return false;
  }

  // -- endpoints --------------------------------------------------------------------------------
  const codeGetters = Object.fromEntries(USED_CODE_FIELDS.map((f) => [f, (c) => c[f]]));
  const productIdByName = new Map();
  for (const v of dataset.voucherOrders) for (const c of v.codes) productIdByName.set(c.product.name, c.product.name_id);

  function listUsedCodes(q, req) {
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
    let rows = preds.length ? dataset.usedCodes.filter((c) => preds.every((p) => p(c))) : dataset.usedCodes.slice();
    if (q.params.has('sort')) {
      const cmp = sortComparator(q.params.get('sort'), codeGetters);
      if (cmp) rows.sort(cmp);
    }
    const paging = parsePaging(q.params, { defaultLimit: Infinity });
    const total = rows.length;
    if (paging.paged) rows = rows.slice(paging.offset, paging.offset + paging.effectiveLimit);
    const accept = String(req.headers.accept ?? '').toLowerCase();
    if (accept.includes('text/csv')) {
      return { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' }, body: Buffer.from(usedCodesToCsv(rows)) };
    }
    const out = { codes: rows };
    if (paging.paged) out.page = { total, limit: paging.limit ?? 0, offset: paging.offset };
    return jsonResponse(200, out);
  }

  function getVoucher(id) {
    const v = voucherById.get(id);
    if (!v) throw new ApiError(404, 'not_found', 'Voucher order not found.');
    return jsonResponse(200, v);
  }

  function listReissues(id, q) {
    if (!orderIds.has(id)) throw new ApiError(404, 'not_found|order', 'Order not found.');
    const showArchived = /^(true|1)$/i.test(q.params.get('show_archived') ?? '');
    const list = dataset.reissues.get(id) ?? [];
    return jsonResponse(200, { certificates: showArchived ? list : list.filter((r) => r.archived !== 1) });
  }

  const orderGetters = {
    id: (o) => o.id,
    common_name: (o) => o.certificate?.common_name ?? '',
    product_name_id: (o) => o.product.name_id,
    date_created: (o) => Date.parse(o.date_created),
    validity_years: (o) => o.validity_years,
  };
  function listSubaccountOrders(q, ctx) {
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
    let rows = preds.length ? dataset.subaccountOrders.filter((o) => preds.every((p) => p(o))) : dataset.subaccountOrders.slice();
    if (q.params.has('sort')) {
      const cmp = sortComparator(q.params.get('sort'), orderGetters);
      if (cmp) rows.sort(cmp);
    }
    let total = rows.length;
    if (ctx.totalChanges) total += ctx.totalChanges;
    rows = rows.slice(paging.offset, paging.offset + paging.effectiveLimit);
    const page = { total, limit: paging.limit ?? 0, offset: paging.offset };
    return jsonResponse(200, rows.length ? { orders: rows, page } : { page });
  }

  function routeApi(req, apiPath, rawQuery, ctx) {
    const q = parseQuery(rawQuery);
    let m;
    if (apiPath === '/voucher/download/used-codes') return listUsedCodes(q, req);
    if ((m = /^\/voucher\/(\d{1,15})$/.exec(apiPath))) return getVoucher(Number(m[1]));
    if ((m = /^\/order\/certificate\/(\d{1,15})\/reissue$/.exec(apiPath))) return listReissues(Number(m[1]), q);
    if (apiPath === '/account/subaccount/order') return listSubaccountOrders(q, ctx);
    throw new ApiError(404, 'not_found|route', 'Route not found.');
  }

  // -- static files ------------------------------------------------------------------------------
  async function serveStatic(req, res, urlPath) {
    let decoded;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return send(res, errorResponse(new ApiError(400, 'bad_request_format', 'Malformed percent-encoding in the path.')));
    }
    const notFound = () => send(res, {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: Buffer.from('404 Not Found\n'),
    });
    if (decoded.includes('\0') || decoded.length > 2048) return notFound();
    let root = wwwRoot;
    let rel = decoded;
    if (decoded === '/pkg' || decoded.startsWith('/pkg/')) {
      root = pkgRoot;
      rel = decoded.slice(4);
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + path.posix.normalize('/' + rel.replace(/\\/g, '/')));
    if (file !== root && !file.startsWith(root + path.sep)) return notFound();
    let real;
    let realRoot;
    let st;
    try {
      [real, realRoot] = await Promise.all([fs.promises.realpath(file), fs.promises.realpath(root)]);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return notFound();
      st = await fs.promises.stat(real);
      if (st.isDirectory()) {
        real = path.join(real, 'index.html');
        st = await fs.promises.stat(real);
      }
      if (!st.isFile()) return notFound();
    } catch {
      return notFound();
    }
    const lower = real.toLowerCase();
    const type = lower.endsWith('.d.ts') ? 'text/plain; charset=utf-8' : MIME[path.extname(lower)] ?? 'application/octet-stream';
    res.writeHead(200, { ...CORS, 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    const stream = fs.createReadStream(real);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  // -- sending ------------------------------------------------------------------------------------
  function send(res, r) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(r.status, { ...CORS, 'Cache-Control': 'no-store', ...r.headers, 'Content-Length': r.body.length });
    res.end(r.body);
  }

  function sendTruncated(res, r) {
    const cut = Math.max(0, Math.floor(r.body.length / 2));
    res.writeHead(r.status, { ...CORS, ...r.headers, 'Content-Length': r.body.length + 1 });
    res.write(r.body.subarray(0, cut), () => res.socket?.destroy());
  }

  function injectInvalidUtf8(body) {
    const s = body.toString('latin1');
    const i = s.search(/:"/);
    const bad = Buffer.from([0xc3, 0x28, 0xff, 0xfe]);
    if (i < 0) return Buffer.concat([Buffer.from('{"codes":[{"id":1,"value":"'), bad, Buffer.from('"}]}')]);
    return Buffer.concat([body.subarray(0, i + 2), bad, body.subarray(i + 2)]);
  }

  function sendHuge(res) {
    const sample = JSON.stringify(dataset.subaccountOrders.find((o) => o.certificate && o.organization) ?? dataset.subaccountOrders[0] ?? { id: 1 });
    const chunkRecords = Math.max(1, Math.floor(65536 / (sample.length + 1)));
    const chunk = Buffer.from((',' + sample).repeat(chunkRecords));
    const head = Buffer.from('{"orders":[' + sample);
    let count = 1;
    res.writeHead(200, { ...CORS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    let sent = head.length;
    res.write(head);
    const pump = () => {
      while (!res.destroyed) {
        if (sent >= HUGE_BYTES) {
          res.end(`],"page":{"total":${count},"limit":0,"offset":0}}`);
          return;
        }
        sent += chunk.length;
        count += chunkRecords;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  }

  // -- the request handler ------------------------------------------------------------------------
  async function handle(req, res) {
    const started = Date.now();
    res.on('error', () => {});
    res.on('finish', () => {
      if (verbose) log(`${req.method} ${String(req.url).split('?')[0].slice(0, 200)} ${res.statusCode} ${Date.now() - started}ms`);
    });
    const rawUrl = String(req.url ?? '/');
    const qi = rawUrl.indexOf('?');
    let urlPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
    if (!urlPath.startsWith('/')) urlPath = '/' + urlPath;

    // Sandbox control
    if (urlPath === '/__sandbox/stats' || urlPath === '/__sandbox/reset') {
      if (req.method === 'OPTIONS') return send(res, { status: 204, headers: {}, body: Buffer.alloc(0) });
      if (urlPath === '/__sandbox/stats' && req.method === 'GET') return send(res, jsonResponse(200, stats));
      if (urlPath === '/__sandbox/reset' && req.method === 'POST') {
        req.resume();
        faultCounters.clear();
        rateWindows.clear();
        return send(res, jsonResponse(200, { ok: true }));
      }
      req.resume();
      return send(res, errorResponse(new ApiError(405, 'method_not_allowed', 'Method not allowed.', { Allow: urlPath.endsWith('reset') ? 'POST' : 'GET' })));
    }

    // Fault prefix: /fault/<spec>/rest...
    let faultSpec = null;
    const fm = /^\/fault\/([^/]*)(\/.*)?$/.exec(urlPath);
    if (fm) {
      try {
        faultSpec = decodeURIComponent(fm[1]);
      } catch {
        faultSpec = fm[1];
      }
      urlPath = fm[2] ?? '/';
    } else if (typeof req.headers['x-sandbox-fault'] === 'string' && req.headers['x-sandbox-fault'].trim()) {
      faultSpec = req.headers['x-sandbox-fault'].trim();
    }

    stats.requests++;
    const statKey = urlPath.length > 200 ? urlPath.slice(0, 200) : urlPath;
    if (Object.hasOwn(stats.byPath, statKey) || Object.keys(stats.byPath).length < MAX_TRACKED) {
      stats.byPath[statKey] = (stats.byPath[statKey] ?? 0) + 1;
    }

    if (req.method === 'OPTIONS') {
      req.resume();
      return send(res, { status: 204, headers: {}, body: Buffer.alloc(0) });
    }
    if (req.method !== 'GET') {
      req.resume();
      return send(res, errorResponse(new ApiError(405, 'method_not_allowed', `Method ${String(req.method).slice(0, 16)} is not allowed.`, { Allow: 'GET, OPTIONS' })));
    }

    // Fault selection
    const ctx = { totalChanges: 0 };
    let fault = null;
    if (faultSpec !== null) {
      const f = parseFaultSpec(faultSpec);
      if (!f) return send(res, errorResponse(new ApiError(400, 'bad_request_format', 'Unknown sandbox fault.')));
      let n = faultCounters.get(f.spec);
      if (n === undefined && faultCounters.size >= MAX_TRACKED) faultCounters.clear();
      n = (n ?? 0) + 1;
      faultCounters.set(f.spec, n);
      if (f.times === null || n <= f.times) {
        fault = f;
        stats.faults++;
      }
    }

    if (fault) {
      switch (fault.name) {
        case '429': return send(res, errorResponse(new ApiError(429, 'request_limit_exceeded', 'Request limit exceeded.', { 'Retry-After': '1' })));
        case '429-noretry': return send(res, errorResponse(new ApiError(429, 'request_limit_exceeded', 'Request limit exceeded.')));
        case '429-date': return send(res, errorResponse(new ApiError(429, 'request_limit_exceeded', 'Request limit exceeded.', { 'Retry-After': new Date(Date.now() + 2000).toUTCString() })));
        case '500': return send(res, errorResponse(new ApiError(500, 'internal_server_error', 'Internal server error.')));
        case '502': return send(res, errorResponse(new ApiError(502, 'bad_gateway', 'Bad gateway.')));
        case '503': return send(res, errorResponse(new ApiError(503, 'service_unavailable', 'Service unavailable.')));
        case '408': return send(res, errorResponse(new ApiError(408, 'request_timeout', 'Request timeout.')));
        case 'reset': {
          const s = req.socket;
          if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
          else s.destroy();
          return;
        }
        case 'stall': {
          const s = req.socket;
          pending.add(s);
          const t = setTimeout(() => s.destroy(), MAX_STALL_MS);
          t.unref();
          s.once('close', () => { clearTimeout(t); pending.delete(s); });
          return;
        }
        case 'html200': return send(res, {
          status: 200,
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
          body: Buffer.from('<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body><h1>We&#39;ll be right back</h1><p>CertCentral is under maintenance.</p></body></html>\n'),
        });
        case 'invalid-json': return send(res, { status: 200, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"orders": [') });
        case 'huge': return sendHuge(res);
        case 'slow': {
          await new Promise((resolve) => {
            const t = setTimeout(() => { pending.delete(t); resolve(); }, fault.ms);
            pending.add(t);
            res.once('close', () => { clearTimeout(t); pending.delete(t); resolve(); });
          });
          if (res.destroyed || closing) return;
          break;
        }
        case 'total-changes': ctx.totalChanges = faultCounters.get(fault.spec); break;
        default: break;
      }
    }

    let r;
    if (urlPath === API_PREFIX || urlPath.startsWith(API_PREFIX + '/')) {
      try {
        const key = req.headers['x-dc-devkey'];
        if (typeof key !== 'string' || !keySet.has(key)) {
          throw new ApiError(403, 'access_denied|access_denied_invalid_key', 'The API key is missing or invalid.');
        }
        if (rateLimited(key)) {
          stats.rateLimited++;
          throw new ApiError(429, 'request_limit_exceeded', 'Request limit exceeded: too many requests for this API key.');
        }
        r = routeApi(req, urlPath.slice(API_PREFIX.length), rawQuery, ctx);
      } catch (e) {
        r = e instanceof ApiError ? errorResponse(e) : errorResponse(new ApiError(500, 'internal_server_error', 'Internal server error.'));
      }
    } else {
      if (fault && POST_FAULTS.has(fault.name)) {
        // Faults on static paths apply to a small JSON body.
        r = jsonResponse(200, { ok: true, path: urlPath.slice(0, 200) });
      } else {
        return serveStatic(req, res, urlPath);
      }
    }

    if (fault?.name === 'truncated') return sendTruncated(res, r);
    if (fault?.name === 'wrong-content-type') r = { ...r, headers: { ...r.headers, 'Content-Type': 'text/plain; charset=utf-8' } };
    if (fault?.name === 'invalid-utf8') r = { ...r, status: 200, headers: { ...r.headers, 'Content-Type': 'application/json' }, body: injectInvalidUtf8(r.body) };
    return send(res, r);
  }

  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 30_000, keepAlive: true, maxHeaderSize: 16384 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, errorResponse(new ApiError(500, 'internal_server_error', 'Internal server error.')));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) {
      const big = err?.code === 'HPE_HEADER_OVERFLOW';
      const body = errorBody('bad_request_format', big ? 'Request headers too large.' : 'Malformed HTTP request.');
      socket.end(`HTTP/1.1 ${big ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    } else socket.destroy();
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${hostForUrl}:${actualPort}/`;

  let closed = null;
  function close() {
    if (closed) return closed;
    closing = true;
    closed = new Promise((resolve) => {
      server.close(() => resolve());
      for (const p of pending) {
        if (typeof p?.destroy === 'function') p.destroy();
        else clearTimeout(p);
      }
      pending.clear();
      server.closeAllConnections();
    });
    return closed;
  }

  return {
    url,
    baseUrl: `${url.slice(0, -1)}${API_PREFIX}`,
    port: actualPort,
    close,
    dataset,
    stats,
    reset() {
      faultCounters.clear();
      rateWindows.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const opts = { port: 8787, host: '127.0.0.1', seed: 1, keys: [], rateLimit: DEFAULT_RATE_LIMIT };
  const need = (i, flag) => {
    if (i >= argv.length) throw new Error(`${flag} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline = null;
    if (a.startsWith('--') && a.includes('=')) {
      inline = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const val = () => (inline !== null ? inline : need(++i, a));
    const int = (v, flag) => {
      if (!/^\d+$/.test(v)) throw new Error(`${flag} wants a non-negative integer`);
      return Number(v);
    };
    switch (a) {
      case '--port': opts.port = int(val(), a); break;
      case '--host': opts.host = val(); break;
      case '--seed': opts.seed = int(val(), a); break;
      case '--key': opts.keys.push(val()); break;
      case '--rate-limit': opts.rateLimit = parseRateLimit(val()); break;
      case '--no-rate-limit': opts.rateLimit = false; break;
      case '--www': opts.wwwDir = path.resolve(val()); break;
      case '--pkg': opts.pkgDir = path.resolve(val()); break;
      case '--orders': opts.orders = int(val(), a); break;
      case '--used-codes': opts.usedCodes = int(val(), a); break;
      case '--verbose': opts.verbose = true; break;
      case '-h':
      case '--help': opts.help = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (!opts.keys.length) opts.keys = [DEFAULT_KEY];
  return opts;
}

const USAGE = `usage: node sandbox/server.mjs [--port 8787] [--host 127.0.0.1] [--seed 1] [--key sandbox-key]
       [--rate-limit 100/5s,1000/300s | --no-rate-limit] [--www DIR] [--pkg DIR]
       [--orders 5000] [--used-codes 20000] [--verbose]`;

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const sb = await startSandbox(opts);
  process.stdout.write(`certcentral sandbox: ${sb.url} (API base ${sb.baseUrl}, key ${opts.keys[0]})\n`);
  const stop = () => {
    sb.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    process.stderr.write(`certcentral sandbox: ${e.message}\n`);
    process.exit(1);
  });
}
