#!/usr/bin/env node
// A local stand-in for DigiCert's CertCentral Services API v2 (the four endpoints this project
// covers), with fault injection, optional CORS and a static file server for the demo page.
// No dependencies: node:http only. See README.md beside this file.
//
// This file puts the server together; the parts are in lib/: the API (api.mjs, endpoints/,
// query.mjs, filters.mjs), faults.mjs, ratelimit.mjs, static.mjs, control.mjs (stats and
// reset), cors.mjs, http.mjs (answers), log.mjs and cli.mjs.

import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateDataset } from './data.mjs';
import { API_PREFIX, api } from './lib/api.mjs';
import { DEFAULT_KEY, main } from './lib/cli.mjs';
import { churn as startChurn } from './lib/churn.mjs';
import { control, countRequest, newStats } from './lib/control.mjs';
import { addCors, preflight } from './lib/cors.mjs';
import { inFlightCounter } from './lib/inflight.mjs';
import { delayOf } from './lib/latency.mjs';
import { faultBefore, faultCounters, isAfter, requestedFault, sendAfter } from './lib/faults.mjs';
import { ApiError, errorBody, errorResponse, internalError, jsonResponse, listen, send } from './lib/http.mjs';
import { logRequest } from './lib/log.mjs';
import { DEFAULT_RATE_LIMIT, rateLimiter, rateLimits } from './lib/ratelimit.mjs';
import { staticFiles } from './lib/static.mjs';

export { DEFAULT_KEY } from './lib/cli.mjs';
export { DEFAULT_RATE_LIMIT, parseRateLimit } from './lib/ratelimit.mjs';
export { parseQuery } from './lib/query.mjs';
export { parseChurn } from './lib/churn.mjs';
export { parseLatency } from './lib/latency.mjs';
export { usedCodesToCsv } from './lib/endpoints/used-codes.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {object} SandboxOptions
 * @property {number} [port=0] 0 picks a free port
 * @property {string} [host='127.0.0.1']
 * @property {number} [seed=1]
 * @property {string[]} [keys=['sandbox-key']]
 * @property {string} [key] a single key, when `keys` is not given
 * @property {boolean | string | readonly import('./lib/ratelimit.mjs').Window[] | null} [rateLimit]
 *   default: 100/5s and 1000/300s; false turns it off
 * @property {string} [wwwDir] default <repo>/www
 * @property {string} [pkgDir] default <repo>/pkg
 * @property {number} [orders=5000]
 * @property {number} [usedCodes=20000]
 * @property {boolean} [verbose=false] one log line per request (never the key)
 * @property {boolean} [cors=false] CORS headers on every answer (`Access-Control-Allow-Origin: *`),
 *   for tests whose page is on another origin; off by default, like DigiCert
 * @property {import('./lib/churn.mjs').ChurnOptions | null} [churn] the churn mode (off by default):
 *   subaccount orders inserted, deleted and changed between list requests, newest first by default
 * @property {import('./lib/latency.mjs').Latency | null} [latency] every API answer waits
 *   `baseMs + perRecordMs * records` (off by default)
 * @property {(line: string) => void} [log]
 */

/**
 * A running sandbox.
 * @typedef {object} Sandbox
 * @property {string} url `http://127.0.0.1:PORT/`
 * @property {string} baseUrl the API base, `.../services/v2`
 * @property {number} port
 * @property {() => Promise<void>} close
 * @property {import('./data.mjs').Dataset} dataset
 * @property {import('./lib/control.mjs').Stats} stats
 * @property {() => void} reset clears the fault counters, the rate-limit windows and the
 *   in-flight maxima
 * @property {import('./lib/inflight.mjs').InFlight} inFlight API requests in flight per key
 * @property {import('./lib/churn.mjs').Churn | null} churn the churn mode's witness, when on
 */

/**
 * Start the sandbox.
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
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
    cors = false,
    log = (line) => process.stderr.write(line + '\n'),
    churn: churnOptions = null,
    latency = null,
  } = options;
  const limiter = rateLimiter(rateLimits(rateLimit));
  const serveStatic = staticFiles(path.resolve(wwwDir), path.resolve(pkgDir));

  const dataset = generateDataset({ seed, orders, usedCodes });
  const stats = newStats();
  const faults = faultCounters(stats);
  const churn = churnOptions ? startChurn(dataset, churnOptions) : null;
  const inFlight = inFlightCounter(keys.map(String));
  const answerApi = api({ dataset, keys: new Set(keys.map(String)), limiter, stats, churn });
  /** @type {Set<{ destroy(): void } | NodeJS.Timeout>} timers and sockets to clean up on close */
  const pending = new Set();
  let closing = false;
  const reset = () => {
    faults.clear();
    limiter.clear();
    inFlight.reset();
  };

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async function handle(req, res) {
    res.on('error', () => {});
    if (cors) addCors(res);
    if (verbose) logRequest(req, res, log);
    const rawUrl = String(req.url ?? '/');
    const qi = rawUrl.indexOf('?');
    let urlPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
    if (!urlPath.startsWith('/')) urlPath = '/' + urlPath;

    if (control(req, res, urlPath, rawQuery, { stats, reset, inFlight, churn })) return;

    const asked = requestedFault(req, urlPath);
    urlPath = asked.urlPath;
    countRequest(stats, urlPath);
    const isApi = urlPath === API_PREFIX || urlPath.startsWith(API_PREFIX + '/');
    // In flight until the answer is handed to the socket (a whole answer is written at once),
    // or until the connection closes first (a client that gave up, a stalled fault).
    const leave = isApi ? inFlight.enter(req.headers['x-dc-devkey']) : () => {};
    res.once('close', leave);

    if (req.method === 'OPTIONS') {
      req.resume();
      return send(res, preflight());
    }
    if (req.method !== 'GET') {
      req.resume();
      return send(res, errorResponse(new ApiError(405, 'method_not_allowed', `Method ${String(req.method).slice(0, 16)} is not allowed.`, { Allow: 'GET, OPTIONS' })));
    }

    const ctx = { totalChanges: 0 };
    let fault = null;
    if (asked.spec !== null) {
      const f = faults.select(asked.spec);
      if (f === undefined) return send(res, errorResponse(new ApiError(400, 'bad_request_format', 'Unknown sandbox fault.')));
      fault = f;
    }
    if (fault && await faultBefore(fault, req, res, ctx, { dataset, pending, closing: () => closing })) return;

    let r;
    if (isApi) {
      r = answerApi(req, urlPath.slice(API_PREFIX.length), rawQuery, ctx);
      stats.listRecords += r.records ?? 0;
      const ms = delayOf(latency, r.records ?? 0);
      if (ms > 0) {
        await new Promise((resolve) => {
          const t = setTimeout(() => {
            pending.delete(t);
            resolve(undefined);
          }, ms);
          pending.add(t);
        });
        if (closing) return;
      }
    } else if (isAfter(fault)) {
      // Faults on static paths apply to a small JSON body.
      r = jsonResponse(200, { ok: true, path: urlPath.slice(0, 200) });
    } else {
      return serveStatic(res, urlPath);
    }
    sendAfter(res, r, fault);
    leave();
  }

  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 30_000, keepAlive: true, maxHeaderSize: 16384 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, errorResponse(internalError()));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) {
      const big = /** @type {NodeJS.ErrnoException} */ (err)?.code === 'HPE_HEADER_OVERFLOW';
      const body = errorBody('bad_request_format', big ? 'Request headers too large.' : 'Malformed HTTP request.');
      socket.end(`HTTP/1.1 ${big ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    } else socket.destroy();
  });

  const { port: actualPort, url } = await listen(server, port, host);

  /** @type {Promise<void> | null} */
  let closed = null;
  function close() {
    if (closed) return closed;
    closing = true;
    closed = new Promise((resolve) => {
      server.close(() => resolve());
      for (const p of pending) {
        if ('destroy' in p && typeof p.destroy === 'function') p.destroy();
        else clearTimeout(/** @type {NodeJS.Timeout} */ (p));
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
    reset,
    inFlight,
    churn,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(startSandbox).catch((e) => {
    process.stderr.write(`certcentral sandbox: ${e.message}\n`);
    process.exit(1);
  });
}
