// certcentral-wasm/proxy: the key-holding proxy a web portal puts on its own origin, shared by
// both loaders (proxy.js for workers and other web runtimes, proxy-node.js for Node).
//
// The core decides (wasm: the request's endpoint and arguments, rebuilt by the client's own
// request builder; the key's queue); this file only moves HTTP: it never forwards a raw path,
// query or header, sends the key itself, and answers in CertCentral's error shape.

/**
 * @typedef {object} ProxyGlue the wasm exports the proxy uses
 * @property {(method: string, path: string, query: string, accept: string) => string} proxyRoute
 * @property {new (id: string, maxConcurrency: unknown, rateLimit: unknown) => ProxyQueueLike} ProxyQueue
 */
/**
 * @typedef {object} ProxyQueueLike
 * @property {(signal?: AbortSignal | null) => Promise<any>} turn
 * @property {() => number} cooldownMs
 */
/**
 * @typedef {object} ProxyTurnLike
 * @property {(retryAfter?: string | null) => number} rateLimited
 * @property {() => void} free
 */
/** @typedef {import('./proxy.d.ts').ProxyOptions} ProxyOptions */
/** @typedef {import('./proxy.d.ts').Proxy} Proxy */

const US = 'https://www.digicert.com/services/v2';
const EU = 'https://certcentral.digicert.eu/services/v2';
const MiB = 1024 * 1024;
const OPTION_KEYS = new Set([
  'apiKey', 'baseUrl', 'region', 'basePath', 'allowOrigins', 'authorize', 'maxConcurrency', 'rateLimit',
  'timeoutMs', 'maxResponseBytes', 'maxQueue', 'onRequest', 'onResponse', 'fetch', 'allowInsecureHttp',
]);

/** @param {string} message */
const bad = (message) => new TypeError(`createProxy: ${message}`);

/**
 * A CertCentral-shaped error response.
 * @param {number} status @param {string} code @param {string} message
 * @param {Record<string, string>} [extra] more headers
 */
function errorResponse(status, code, message, extra = {}) {
  const body = JSON.stringify({ errors: [{ code, message }] });
  return { status, body, headers: { 'content-type': 'application/json', ...extra } };
}

/** @param {string} host */
function loopback(host) {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * The upstream base URL, checked as createClient checks it (https, or http to a loopback host).
 * @param {ProxyOptions} o
 */
function upstream(o) {
  if (o.baseUrl !== undefined && typeof o.baseUrl !== 'string') throw bad('baseUrl must be a string');
  if (o.region !== undefined && o.region !== 'us' && o.region !== 'eu') throw bad('region must be "us" or "eu"');
  const raw = o.baseUrl ?? (o.region === 'eu' ? EU : US);
  let u;
  try { u = new URL(raw); } catch { throw bad('baseUrl must be an absolute https:// URL'); }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && (o.allowInsecureHttp === true || loopback(u.hostname)))) {
    throw bad('baseUrl must use https (plain http only to a loopback host, or with allowInsecureHttp: true)');
  }
  // What the core refuses too (src/config.rs, normalize_base_url), before WHATWG URL parsing
  // would quietly percent-encode a space or read a backslash as a slash.
  const rest = raw.slice(raw.indexOf('://') + 3);
  if (u.username || u.password || u.search || u.hash || /[?#@\\\s\u0000-\u001f\u007f]/.test(rest)) {
    throw bad('baseUrl must not contain credentials, a query, a fragment or spaces');
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * @param {unknown} v @param {string} what @param {number} min @param {number} max @param {number} dflt
 */
function num(v, what, min, max, dflt) {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw bad(`${what} must be a number from ${min} to ${max}`);
  return v;
}

/** @param {unknown} v @param {string} what */
function optFn(v, what) {
  if (v !== undefined && typeof v !== 'function') throw bad(`${what} must be a function`);
  return /** @type {any} */ (v);
}

/**
 * Reads the options once (the key is kept in a closure, never in an object a hook sees).
 * @param {unknown} options
 */
function readOptions(options) {
  if (options === null || typeof options !== 'object') throw bad('options must be an object with apiKey');
  const o = /** @type {ProxyOptions} */ (options);
  for (const k of Object.keys(o)) if (!OPTION_KEYS.has(k)) throw bad(`unknown option ${JSON.stringify(k.slice(0, 40))}`);
  if (typeof o.apiKey !== 'string' || o.apiKey === '' || /[\r\n\0]/.test(o.apiKey)) {
    throw bad('apiKey is required: a non-empty string without line breaks');
  }
  const basePath = o.basePath ?? '/certcentral';
  if (typeof basePath !== 'string' || !(basePath === '' || /^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/.test(basePath))) {
    throw bad('basePath must be "" or start with "/" (letters, digits, ._~-/), without a trailing "/"');
  }
  const origins = o.allowOrigins ?? [];
  if (!Array.isArray(origins) || origins.some((x) => typeof x !== 'string' || x === '*' || x === 'null')) {
    throw bad('allowOrigins must be an array of exact origins such as "https://portal.example.com"');
  }
  return {
    apiKey: o.apiKey,
    base: upstream(o),
    basePath,
    origins: new Set(origins.map((x) => x.replace(/\/$/, ''))),
    authorize: optFn(o.authorize, 'authorize'),
    maxConcurrency: o.maxConcurrency,
    rateLimit: o.rateLimit,
    timeoutMs: num(o.timeoutMs, 'timeoutMs', 1, 3_600_000, 30_000),
    maxResponseBytes: num(o.maxResponseBytes, 'maxResponseBytes', 1, 2 ** 32, 64 * MiB),
    maxQueue: num(o.maxQueue, 'maxQueue', 0, 1_000_000, 100),
    onRequest: optFn(o.onRequest, 'onRequest'),
    onResponse: optFn(o.onResponse, 'onResponse'),
    fetch: /** @type {typeof fetch} */ (optFn(o.fetch, 'fetch') ?? globalThis.fetch),
  };
}

/**
 * Resolves when `res` drained or closed.
 * @param {import('./proxy.d.ts').NodeResponseLike} res
 */
function drained(res) {
  return new Promise((resolve) => {
    const go = () => {
      res.off('drain', go);
      res.off('close', go);
      resolve(undefined);
    };
    res.once('drain', go);
    res.once('close', go);
  });
}

/** Calls a log hook; what it throws is ignored. @param {Function | undefined} hook @param {object} event */
function tell(hook, event) {
  if (!hook) return;
  try {
    const r = hook(event);
    if (r && typeof r.then === 'function') r.then(undefined, () => {});
  } catch { /* a hook never breaks a request */ }
}

/**
 * Builds `createProxy` over an initialised wasm module.
 * @param {() => Promise<unknown>} init resolves once the wasm module is ready
 * @param {ProxyGlue} glue
 * @returns {(options: ProxyOptions) => Proxy}
 */
export function makeCreateProxy(init, glue) {
  return function createProxy(options) {
    const o = readOptions(options);
    /** @type {ProxyQueueLike | undefined} */
    let queue;
    /** @type {Promise<ProxyQueueLike> | undefined} */
    let starting;
    const getQueue = () => (starting ??= init().then(() => {
      // The same queue as a client of this key and base URL in this realm (one budget).
      queue = new glue.ProxyQueue(`${o.apiKey}\u0000${o.base}`, o.maxConcurrency, o.rateLimit);
      return queue;
    }));
    let waiting = 0;

    /** CORS headers for `origin` when it is allowed. @param {string | null} origin */
    function cors(origin) {
      /** @type {Record<string, string>} */
      const h = o.origins.size > 0 ? { vary: 'Origin' } : {};
      if (origin && o.origins.has(origin)) {
        h['access-control-allow-origin'] = origin;
        h['access-control-expose-headers'] = 'Retry-After';
      }
      return h;
    }

    /**
     * @param {Request} request
     * @param {string} target the request target as received (path and query, not normalised)
     * @param {string} method the request's method as received
     * @returns {Promise<Response>}
     */
    async function handle(request, target, method) {
      const started = Date.now();
      const origin = request.headers.get('origin');
      const corsHeaders = cors(origin);
      /** @param {{ status: number, body: string, headers: Record<string, string> }} r */
      const plain = (r) => {
        tell(o.onResponse, { method, path: null, status: r.status, durationMs: Date.now() - started });
        return new Response(method === 'HEAD' ? null : r.body, { status: r.status, headers: { ...r.headers, ...corsHeaders, 'cache-control': 'no-store' } });
      };
      const q = target.indexOf('?');
      const rawPath = q < 0 ? target : target.slice(0, q);
      const rawQuery = q < 0 ? '' : target.slice(q + 1);
      if (!(rawPath.startsWith(`${o.basePath}/`))) {
        return plain(errorResponse(404, 'not_found', 'not an endpoint of this proxy'));
      }
      const path = rawPath.slice(o.basePath.length);
      // CORS preflight from an allowed origin: the browser asks before a cross-origin GET with
      // a non-simple header; nothing is sent upstream.
      if (method === 'OPTIONS' && origin && o.origins.has(origin)) {
        return new Response(null, {
          status: 204,
          headers: {
            ...corsHeaders,
            'access-control-allow-methods': 'GET, HEAD',
            'access-control-allow-headers': 'Accept',
            'access-control-max-age': '600',
          },
        });
      }
      if (o.authorize) {
        let ok = false;
        try { ok = (await o.authorize(request)) === true; } catch { ok = false; }
        if (!ok) return plain(errorResponse(403, 'access_denied', 'the portal refused this request'));
      }
      await getQueue();
      /** @type {{ status: number, path?: string, accept?: string, body?: object }} */
      const routed = JSON.parse(glue.proxyRoute(method, path, rawQuery, request.headers.get('accept') ?? ''));
      if (routed.status !== 0 || routed.path === undefined || routed.accept === undefined) {
        /** @type {Record<string, string>} */
        const allow = routed.status === 405 ? { allow: 'GET, HEAD' } : {};
        return plain({ status: routed.status || 400, body: JSON.stringify(routed.body), headers: { 'content-type': 'application/json', ...allow } });
      }
      const upstreamPath = routed.path;
      const accept = routed.accept;
      const q2 = /** @type {ProxyQueueLike} */ (queue);
      if (waiting >= o.maxQueue) {
        const secs = Math.max(1, Math.ceil(q2.cooldownMs() / 1000));
        return plain(errorResponse(503, 'queue_full', 'too many requests are waiting: try again later', { 'retry-after': String(secs) }));
      }
      tell(o.onRequest, { method, path: upstreamPath, accept, origin });
      /** @type {ProxyTurnLike} */
      let turn;
      waiting += 1;
      try {
        turn = await q2.turn(request.signal);
      } catch {
        // The caller went away while queued: nothing was sent.
        tell(o.onResponse, { method, path: upstreamPath, status: 499, durationMs: Date.now() - started });
        return new Response(null, { status: 499 });
      } finally {
        waiting -= 1;
      }
      let released = false;
      const release = () => {
        if (!released) { released = true; turn.free(); }
      };
      const ctl = new AbortController();
      const onGone = () => ctl.abort();
      request.signal.addEventListener('abort', onGone);
      let timedOut = false;
      let timer = setTimeout(() => { timedOut = true; ctl.abort(); }, o.timeoutMs);
      /** @type {Response} */
      let up;
      try {
        // Called unbound: Workers' fetch throws "Illegal invocation" when `this` is not the global.
        const send = o.fetch;
        up = await send(`${o.base}${upstreamPath}`, {
          method: 'GET',
          headers: { accept, 'x-dc-devkey': o.apiKey },
          redirect: 'manual',
          signal: ctl.signal,
        });
      } catch {
        clearTimeout(timer);
        request.signal.removeEventListener('abort', onGone);
        release();
        if (timedOut) return plain(errorResponse(504, 'upstream_timeout', `CertCentral did not answer within ${o.timeoutMs} ms`));
        if (request.signal.aborted) return new Response(null, { status: 499 });
        return plain(errorResponse(502, 'upstream_unreachable', 'could not reach CertCentral'));
      }
      clearTimeout(timer);
      if (up.status === 429) turn.rateLimited(up.headers.get('retry-after'));
      /** @type {Record<string, string>} */
      const headers = { ...corsHeaders, 'cache-control': 'no-store' };
      const type = up.headers.get('content-type');
      if (type) headers['content-type'] = type;
      const retryAfter = up.headers.get('retry-after');
      if (retryAfter) headers['retry-after'] = retryAfter;
      const length = up.headers.get('content-length');
      // fetch decodes a compressed body: its Content-Length is then the encoded one.
      if (length && !up.headers.get('content-encoding')) headers['content-length'] = length;
      const finish = () => {
        clearTimeout(timer);
        request.signal.removeEventListener('abort', onGone);
        release();
      };
      if (up.status >= 300 && up.status < 400) {
        up.body?.cancel().catch(() => {});
        finish();
        return plain(errorResponse(502, 'upstream_redirect', 'CertCentral answered with a redirect'));
      }
      if (length && Number(length) > o.maxResponseBytes) {
        up.body?.cancel().catch(() => {});
        finish();
        return plain(errorResponse(502, 'response_too_large', `the response is larger than ${o.maxResponseBytes} bytes`));
      }
      tell(o.onResponse, { method, path: upstreamPath, status: up.status, durationMs: Date.now() - started });
      if (method === 'HEAD' || !up.body) {
        up.body?.cancel().catch(() => {});
        finish();
        return new Response(null, { status: up.status, headers });
      }
      // Stream the body through, counting: past maxResponseBytes, or silent for timeoutMs, the
      // stream errors (the caller sees a cut response). The turn ends when the body does.
      const reader = up.body.getReader();
      let seen = 0;
      const body = new ReadableStream({
        async pull(c) {
          clearTimeout(timer);
          timer = setTimeout(() => { timedOut = true; ctl.abort(); }, o.timeoutMs);
          try {
            const { done, value } = await reader.read();
            clearTimeout(timer);
            if (done) { finish(); c.close(); return; }
            seen += value.byteLength;
            if (seen > o.maxResponseBytes) {
              reader.cancel().catch(() => {});
              finish();
              c.error(new Error('response larger than maxResponseBytes'));
              return;
            }
            c.enqueue(value);
          } catch (e) {
            finish();
            c.error(e);
          }
        },
        cancel() {
          reader.cancel().catch(() => {});
          ctl.abort();
          finish();
        },
      }, { highWaterMark: 0 });
      return new Response(body, { status: up.status, headers });
    }

    /** @param {Request} request */
    function fetchHandler(request) {
      const u = new URL(request.url);
      return handle(request, u.pathname + u.search, request.method);
    }

    /**
     * node:http (and Express, Fastify) adapter.
     * @param {import('./proxy.d.ts').NodeRequestLike} req
     * @param {import('./proxy.d.ts').NodeResponseLike} res
     */
    function listener(req, res) {
      const ctl = new AbortController();
      res.on('close', () => { if (!res.writableFinished) ctl.abort(); });
      const target = req.url ?? '/';
      /** @type {Headers} */
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined) continue;
        try {
          for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
        } catch { /* a header fetch cannot carry is dropped */ }
      }
      let host = 'localhost';
      try { host = new URL(`http://${req.headers.host ?? 'localhost'}`).host; } catch { /* keep localhost */ }
      const request = new Request(`http://${host}${target.startsWith('/') ? target : '/'}`, {
        method: req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' ? req.method : 'POST',
        headers,
        signal: ctl.signal,
      });
      // A Request cannot carry every method name (CONNECT, TRACE): the real one goes to the
      // core beside it, and is refused there.
      const real = req.method ?? 'GET';
      handle(request, target, real).then(async (response) => {
        /** @type {Record<string, string>} */
        const out = {};
        response.headers.forEach((v, k) => { out[k] = v; });
        res.writeHead(response.status, out);
        if (!response.body || real === 'HEAD') { res.end(); return; }
        const reader = response.body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            if (!res.write(value)) await drained(res);
            if (res.destroyed) { await reader.cancel(); return; }
          }
          res.end();
        } catch {
          res.destroy();
        }
      }, () => {
        if (!res.headersSent) {
          const r = errorResponse(500, 'proxy_error', 'the proxy failed');
          res.writeHead(500, r.headers);
          res.end(r.body);
        } else res.destroy();
      });
    }

    return { fetch: fetchHandler, listener };
  };
}
