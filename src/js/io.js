// One HTTP attempt, for src/js/transport.rs: the only place the client calls `fetch`.
//
// It never throws and never lets a caller's code throw into wasm: the result is a promise
// that resolves to a plain object the Rust side reads with no risk, or rejects with a plain
// `{ kind, message }`. The injected `fetch`, its Response's getters and the hooks run here,
// inside try/catch. Redirects are never followed (`redirect: "manual"`): a 3xx resolves as
// `{ redirect: true }` and the Rust side turns it into an error, so the API key is never sent
// to another URL.

/**
 * @typedef {object} Attempt
 * @property {number} status HTTP status (0 for a browser's opaque redirect)
 * @property {string} contentType lowercased
 * @property {string | null} retryAfter the Retry-After header
 * @property {boolean} redirect the answer was a redirect (3xx, or opaque)
 * @property {string | null} location the redirect's target origin, when known
 * @property {boolean} tooLarge the body is over maxBytes (and was not read)
 * @property {Uint8Array} body
 */

/**
 * @param {unknown} e
 * @returns {string}
 */
function message(e) {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an exception';
  }
}

/**
 * The origin of a Location header value, resolved against the request URL.
 * @param {string | null} location
 * @param {string} url
 * @returns {string | null}
 */
function originOf(location, url) {
  if (location === null) return null;
  try {
    return new URL(location, url).origin;
  } catch {
    return 'an unreadable Location';
  }
}

/**
 * Reads at most `max` bytes of `res`'s body; `null` when it is larger.
 * @param {Response} res
 * @param {number} max
 * @returns {Promise<Uint8Array | null>}
 */
async function readBody(res, max) {
  const stream = res.body;
  if (stream === null || stream === undefined) {
    // A fetch without streams: read it whole, then check.
    const buf = new Uint8Array(await res.arrayBuffer());
    return buf.byteLength > max ? null : buf;
  }
  const reader = stream.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError('the body stream gave something other than bytes');
    size += value.byteLength;
    if (size > max) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Calls a hook with an event; what it throws is ignored.
 * @param {Function | undefined} f
 * @param {object} ev
 */
function callHook(f, ev) {
  if (!f) return;
  try {
    f(ev);
  } catch {
    // Hooks never break a request.
  }
}

/**
 * One GET attempt.
 * @param {Function} fetchFn the global fetch, or the caller's
 * @param {boolean} injected call it as fetch(request) (the caller's) or fetch(url, init)
 * @param {string} url
 * @param {Headers} headers Accept and the extra headers, without the key (built by gloo-net)
 * @param {string | undefined} key the API key (sent as X-DC-DEVKEY; never shown to hooks)
 * @param {number} timeoutMs for the whole attempt, body included
 * @param {AbortSignal | undefined} signal the caller's (already a genuine signal)
 * @param {number} maxBytes bound on the body
 * @param {number} attemptNo 0 for the first attempt
 * @param {Function | undefined} onRequest
 * @param {Function | undefined} onResponse
 * @returns {Promise<Attempt>}
 */
export function attempt(fetchFn, injected, url, headers, key, timeoutMs, signal, maxBytes, attemptNo, onRequest, onResponse) {
  return run(fetchFn, injected, url, headers, key, timeoutMs, signal, maxBytes, attemptNo, onRequest, onResponse);
}

/** @type {typeof attempt} */
async function run(fetchFn, injected, url, headers, key, timeoutMs, signal, maxBytes, attemptNo, onRequest, onResponse) {
  if (signal?.aborted) throw { kind: 'aborted', message: 'the call was aborted' };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  /** @param {unknown} e */
  const failure = (e) => {
    if (signal?.aborted) return { kind: 'aborted', message: 'the call was aborted' };
    if (timedOut) return { kind: 'timeout', message: `no complete response within ${timeoutMs} ms` };
    return { kind: 'network', message: `the request failed: ${message(e)}` };
  };
  try {
    const h = headers;
    callHook(onRequest, { method: 'GET', url, headers: Object.fromEntries(h), attempt: attemptNo });
    if (key !== undefined) h.set('X-DC-DEVKEY', key);
    /** @type {RequestInit} */
    const init = { method: 'GET', headers: h, signal: controller.signal, redirect: 'manual' };
    const started = Date.now();
    /** @type {Response} */
    let res;
    try {
      res = await (injected ? fetchFn(new Request(url, init)) : fetchFn(url, init));
    } catch (e) {
      throw failure(e);
    }
    /** @type {Attempt} */
    const out = {
      status: 0, contentType: '', retryAfter: null, redirect: false, location: null, tooLarge: false,
      body: new Uint8Array(0),
    };
    try {
      out.status = Number(res.status);
      const type = String(res.type ?? '');
      const rh = res.headers;
      out.contentType = String(rh.get('content-type') ?? '').toLowerCase();
      out.retryAfter = rh.get('retry-after');
      const declared = rh.get('content-length');
      callHook(onResponse, { method: 'GET', url, status: out.status, attempt: attemptNo, durationMs: Date.now() - started });
      if (type === 'opaqueredirect' || (out.status >= 300 && out.status < 400) || res.redirected === true) {
        out.redirect = true;
        out.location = originOf(type === 'opaqueredirect' ? null : rh.get('location'), url);
        res.body?.cancel().catch(() => {});
      } else if (declared !== null && Number(declared) > maxBytes) {
        out.tooLarge = true;
        res.body?.cancel().catch(() => {});
      } else {
        const body = await readBody(res, maxBytes);
        if (body === null) out.tooLarge = true;
        else out.body = body;
      }
    } catch (e) {
      if (signal?.aborted || timedOut) throw failure(e);
      throw { kind: 'network', message: `the response could not be read: ${message(e)}` };
    }
    return out;
  } catch (e) {
    if (e !== null && typeof e === 'object' && 'kind' in e) throw e;
    throw { kind: 'network', message: `the request could not be made: ${message(e)}` };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
