// Fault injection: `/fault/<spec>/...` or the `X-Sandbox-Fault: <spec>` header. `<spec>` is
// `name` (always) or `name*N` (the first N requests with that exact spec). Most faults answer
// instead of the API, before the key is checked; the AFTER ones change the normal answer.

import { send, errorResponse, ApiError, internalError } from './http.mjs';
import { MAX_TRACKED } from './control.mjs';

const MAX_SLOW_MS = 60_000;
const MAX_STALL_MS = 300_000;
const HUGE_BYTES = 50 * 1024 * 1024;

const BEFORE = new Set(['429', '429-noretry', '429-date', '500', '502', '503', '408', 'reset', 'stall',
  'html200', 'invalid-json', 'huge']);
const AFTER = new Set(['truncated', 'wrong-content-type', 'invalid-utf8', 'total-changes']);

/**
 * A fault chosen for one request.
 * @typedef {object} Fault
 * @property {string} spec as sent
 * @property {string} name `slow` for every `slow-<ms>`
 * @property {number} ms the delay of `slow`
 * @property {number | null} times the N of `name*N`
 * @property {number} count requests with this spec so far, this one included
 */

/**
 * @param {string} spec
 * @returns {Omit<Fault, 'count'> | null} null for an unknown fault
 */
function parseFaultSpec(spec) {
  const m = /^([a-z0-9-]{1,40})(?:\*(\d{1,6}))?$/.exec(spec);
  if (!m) return null;
  const name = m[1];
  const slow = /^slow-(\d{1,7})$/.exec(name);
  if (!slow && !BEFORE.has(name) && !AFTER.has(name)) return null;
  return { spec, name: slow ? 'slow' : name, ms: slow ? Math.min(Number(slow[1]), MAX_SLOW_MS) : 0, times: m[2] === undefined ? null : Number(m[2]) };
}

/**
 * The fault a request asks for, from the path prefix or the header, and its path without the
 * prefix.
 * @param {import('node:http').IncomingMessage} req
 * @param {string} urlPath
 * @returns {{ spec: string | null, urlPath: string }}
 */
export function requestedFault(req, urlPath) {
  const fm = /^\/fault\/([^/]*)(\/.*)?$/.exec(urlPath);
  if (fm) {
    let spec;
    try {
      spec = decodeURIComponent(fm[1]);
    } catch {
      spec = fm[1];
    }
    return { spec, urlPath: fm[2] ?? '/' };
  }
  const header = req.headers['x-sandbox-fault'];
  if (typeof header === 'string' && header.trim()) return { spec: header.trim(), urlPath };
  return { spec: null, urlPath };
}

/**
 * Counts the requests of each spec and picks the fault a request gets.
 * @param {{ faults: number }} stats
 */
export function faultCounters(stats) {
  /** @type {Map<string, number>} */
  const counters = new Map();
  return {
    /**
     * @param {string} spec
     * @returns {Fault | null | undefined} undefined for an unknown spec; null once `name*N` is used up
     */
    select(spec) {
      const f = parseFaultSpec(spec);
      if (!f) return undefined;
      let n = counters.get(f.spec);
      if (n === undefined && counters.size >= MAX_TRACKED) counters.clear();
      n = (n ?? 0) + 1;
      counters.set(f.spec, n);
      if (f.times !== null && n > f.times) return null;
      stats.faults++;
      return { ...f, count: n };
    },
    clear() {
      counters.clear();
    },
  };
}

/**
 * What the faults need of the server.
 * @typedef {object} FaultEnv
 * @property {import('../data.mjs').Dataset} dataset
 * @property {Set<{ destroy(): void } | NodeJS.Timeout>} pending sockets and timers to end on close
 * @property {() => boolean} closing the server is closing
 */

/**
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, string>} [headers]
 */
const answer = (status, code, message, headers) => errorResponse(new ApiError(status, code, message, headers));
const LIMIT = 'Request limit exceeded.';

/**
 * Applies a fault that comes before the API, or prepares an AFTER one.
 * @param {Fault} fault
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {import('./api.mjs').RequestContext} ctx
 * @param {FaultEnv} env
 * @returns {Promise<boolean>} true when the request is dealt with (answered, dropped, stalled)
 */
export async function faultBefore(fault, req, res, ctx, env) {
  switch (fault.name) {
    case '429': send(res, answer(429, 'request_limit_exceeded', LIMIT, { 'Retry-After': '1' })); return true;
    case '429-noretry': send(res, answer(429, 'request_limit_exceeded', LIMIT)); return true;
    case '429-date': send(res, answer(429, 'request_limit_exceeded', LIMIT, { 'Retry-After': new Date(Date.now() + 2000).toUTCString() })); return true;
    case '500': send(res, errorResponse(internalError())); return true;
    case '502': send(res, answer(502, 'bad_gateway', 'Bad gateway.')); return true;
    case '503': send(res, answer(503, 'service_unavailable', 'Service unavailable.')); return true;
    case '408': send(res, answer(408, 'request_timeout', 'Request timeout.')); return true;
    case 'reset': {
      const s = req.socket;
      if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
      else s.destroy();
      return true;
    }
    case 'stall': {
      const s = req.socket;
      env.pending.add(s);
      const t = setTimeout(() => s.destroy(), MAX_STALL_MS);
      t.unref();
      s.once('close', () => { clearTimeout(t); env.pending.delete(s); });
      return true;
    }
    case 'html200': send(res, {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: Buffer.from('<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body><h1>We&#39;ll be right back</h1><p>CertCentral is under maintenance.</p></body></html>\n'),
    });
      return true;
    case 'invalid-json': send(res, { status: 200, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"orders": [') }); return true;
    case 'huge': sendHuge(res, env.dataset); return true;
    case 'slow': {
      await new Promise((resolve) => {
        const t = setTimeout(() => { env.pending.delete(t); resolve(undefined); }, fault.ms);
        env.pending.add(t);
        res.once('close', () => { clearTimeout(t); env.pending.delete(t); resolve(undefined); });
      });
      return res.destroyed || env.closing();
    }
    case 'total-changes': ctx.totalChanges = fault.count; return false;
    default: return false;
  }
}

/**
 * Whether `fault` changes the normal answer (rather than replacing it).
 * @param {Fault | null} fault
 * @returns {boolean}
 */
export const isAfter = (fault) => fault !== null && AFTER.has(fault.name);

/**
 * Writes the normal answer `r`, changed by an AFTER fault.
 * @param {import('node:http').ServerResponse} res
 * @param {import('./http.mjs').Reply} r
 * @param {Fault | null} fault
 */
export function sendAfter(res, r, fault) {
  if (fault?.name === 'truncated') return sendTruncated(res, r);
  if (fault?.name === 'wrong-content-type') r = { ...r, headers: { ...r.headers, 'Content-Type': 'text/plain; charset=utf-8' } };
  if (fault?.name === 'invalid-utf8') r = { ...r, status: 200, headers: { ...r.headers, 'Content-Type': 'application/json' }, body: injectInvalidUtf8(r.body) };
  return send(res, r);
}

/**
 * `truncated`: a Content-Length larger than the bytes sent (half the body), then the socket
 * closes.
 * @param {import('node:http').ServerResponse} res
 * @param {import('./http.mjs').Reply} r
 */
function sendTruncated(res, r) {
  const cut = Math.max(0, Math.floor(r.body.length / 2));
  res.writeHead(r.status, { ...r.headers, 'Content-Length': r.body.length + 1 });
  res.write(r.body.subarray(0, cut), () => res.socket?.destroy());
}

/**
 * `invalid-utf8`: invalid UTF-8 bytes inside the first string of a JSON body.
 * @param {Buffer} body
 * @returns {Buffer}
 */
function injectInvalidUtf8(body) {
  const s = body.toString('latin1');
  const i = s.search(/:"/);
  const bad = Buffer.from([0xc3, 0x28, 0xff, 0xfe]);
  if (i < 0) return Buffer.concat([Buffer.from('{"codes":[{"id":1,"value":"'), bad, Buffer.from('"}]}')]);
  return Buffer.concat([body.subarray(0, i + 2), bad, body.subarray(i + 2)]);
}

/**
 * `huge`: a ~50 MB JSON orders array, chunked, streamed with backpressure.
 * @param {import('node:http').ServerResponse} res
 * @param {import('../data.mjs').Dataset} dataset
 */
function sendHuge(res, dataset) {
  const sample = JSON.stringify(dataset.subaccountOrders.find((o) => o.certificate && o.organization) ?? dataset.subaccountOrders[0] ?? { id: 1 });
  const chunkRecords = Math.max(1, Math.floor(65536 / (sample.length + 1)));
  const chunk = Buffer.from((',' + sample).repeat(chunkRecords));
  const head = Buffer.from('{"orders":[' + sample);
  let count = 1;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
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
