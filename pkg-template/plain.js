// The boundary between callers and the wasm module.
//
// Every value a caller hands the package is read here ONCE, inside try/catch, into plain data
// (strings, numbers, booleans, null, arrays, null-prototype objects) before any of it reaches
// Rust. Getters, Proxies, cycles, absurd depth or size, and odd types become `invalid_input`
// rejections. Functions the package calls later (hooks, `fetch`, `onProgress`) are wrapped so
// that what they throw never unwinds through wasm frames. docs/ARCHITECTURE.md says why: a JS
// exception that unwinds through wasm skips Rust's clean-up (borrow flags, the shadow stack
// pointer), and every later call into the same instance then fails.
import { CertCentralError } from './error.js';

/** Limits on one caller value: nesting depth and the number of values it holds. */
export const LIMITS = Object.freeze({ depth: 32, values: 5000 });

/**
 * An `invalid_input` error; `cause` is what the caller's code threw, if anything.
 * @param {string} message
 * @param {unknown} [cause]
 * @returns {CertCentralError}
 */
export function invalid(message, cause) {
  const e = new CertCentralError(message, { kind: 'invalid_input' });
  if (cause !== undefined) Object.defineProperty(e, 'cause', { value: cause, writable: true, configurable: true });
  return e;
}

/**
 * A short, safe description of something a caller's code threw.
 * @param {unknown} e
 * @returns {string}
 */
export function describe(e) {
  try {
    const m = e instanceof Error ? e.message : String(e);
    return m.length > 200 ? `${m.slice(0, 200)}…` : m;
  } catch {
    return 'an exception';
  }
}

/**
 * The kind of a value, for messages.
 * @param {unknown} v
 * @returns {string}
 */
function kindOf(v) {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  if (Array.isArray(v)) return 'an array';
  const proto = Object.getPrototypeOf(v);
  const name = proto && proto.constructor && typeof proto.constructor.name === 'string' ? proto.constructor.name : '';
  return name ? `a ${name}` : 'an object';
}

/**
 * Sets an own data property (never the `__proto__` setter).
 * @param {object} o
 * @param {string} k
 * @param {unknown} value
 */
function define(o, k, value) {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Copies one value into plain data.
 * @param {unknown} v
 * @param {() => string} where lazily built path, for messages
 * @param {number} depth
 * @param {{ values: number }} budget
 * @param {Set<object>} path objects on the way here (cycle detection)
 * @returns {unknown}
 */
function copy(v, where, depth, budget, path) {
  if (++budget.values > LIMITS.values) {
    throw invalid(`${where()} holds more than ${LIMITS.values} values`);
  }
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
      throw invalid(`${where()} is a bigint: pass a number or a string`);
    case 'symbol':
      throw invalid(`${where()} is a symbol`);
    case 'function':
      throw invalid(`${where()} is a function where data was expected`);
    default:
  }
  if (v === null) return null;
  const obj = /** @type {object} */ (v);
  if (depth >= LIMITS.depth) throw invalid(`${where()} is nested more than ${LIMITS.depth} levels deep`);
  if (path.has(obj)) throw invalid(`${where()} refers to itself (a cycle)`);
  path.add(obj);
  let out;
  if (Array.isArray(obj)) {
    const n = obj.length;
    if (budget.values + n > LIMITS.values) throw invalid(`${where()} holds more than ${LIMITS.values} values`);
    out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = copy(obj[i], () => `${where()}[${i}]`, depth + 1, budget, path);
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw invalid(`${where()} must be a plain object, not ${kindOf(obj)}`);
    }
    const keys = Object.keys(obj);
    if (budget.values + keys.length > LIMITS.values) throw invalid(`${where()} holds more than ${LIMITS.values} values`);
    out = {};
    for (const k of keys) define(out, k, copy(/** @type {any} */ (obj)[k], () => `${where()}.${k}`, depth + 1, budget, path));
  }
  path.delete(obj);
  return out;
}

/**
 * Runs `read` (which reads caller values); anything it throws that is not already ours becomes
 * an `invalid_input` error naming `what`.
 * @template T
 * @param {string} what
 * @param {() => T} read
 * @returns {T}
 */
export function reading(what, read) {
  try {
    return read();
  } catch (e) {
    if (e instanceof CertCentralError) throw e;
    throw invalid(`${what} could not be read: ${describe(e)}`, e);
  }
}

/**
 * A deep copy of `value` as plain data, or an `invalid_input` error.
 * @param {unknown} value
 * @param {string} what the name used in messages
 * @returns {unknown}
 */
export function plain(value, what) {
  return reading(what, () => copy(value, () => what, 0, { values: 0 }, new Set()));
}

/**
 * Reads an options bag: each own enumerable key once. `special` maps a key to its reader;
 * every other key is copied as plain data (unknown keys are left for the wasm side to name).
 * @param {unknown} value
 * @param {string} what
 * @param {Record<string, (v: unknown, what: string) => unknown>} [special]
 * @returns {Record<string, unknown> | undefined}
 */
export function bag(value, what, special = {}) {
  if (value === undefined || value === null) return undefined;
  return reading(what, () => {
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalid(`${what} must be an object, not ${kindOf(value)}`);
    }
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const k of Object.keys(value)) {
      const v = /** @type {any} */ (value)[k];
      const read = Object.hasOwn(special, k) ? special[k] : undefined;
      define(out, k, read ? read(v, `${what}.${k}`) : plain(v, `${what}.${k}`));
    }
    return out;
  });
}

/**
 * A caller's callback, wrapped: what it throws is swallowed (hooks must not break a request).
 * @param {unknown} f
 * @param {string} what
 * @returns {((ev: unknown) => void) | undefined}
 */
export function hook(f, what) {
  if (f === undefined || f === null) return undefined;
  if (typeof f !== 'function') throw invalid(`${what} must be a function`);
  return (ev) => {
    try {
      f(ev);
    } catch {
      // A throwing hook is ignored, as documented.
    }
  };
}

/**
 * A function value, kept as it is (the code that calls it catches what it throws).
 * @param {unknown} f
 * @param {string} what
 * @returns {Function | undefined}
 */
export function fn(f, what) {
  if (f === undefined || f === null) return undefined;
  if (typeof f !== 'function') throw invalid(`${what} must be a function`);
  return f;
}

/**
 * A caller's AbortSignal, replaced by one of ours that follows it (so the wasm side only ever
 * touches a genuine signal nobody has tampered with).
 * @param {unknown} s
 * @param {string} what
 * @returns {AbortSignal | undefined}
 */
export function signal(s, what) {
  if (s === undefined || s === null) return undefined;
  if (!(s instanceof AbortSignal)) throw invalid(`${what} must be an AbortSignal`);
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([s]);
  const c = new AbortController();
  if (s.aborted) c.abort();
  else s.addEventListener('abort', () => c.abort(), { once: true });
  return c.signal;
}

/**
 * Extra request headers: a `Headers` object or a plain object of strings.
 * @param {unknown} h
 * @param {string} what
 * @returns {unknown}
 */
export function headers(h, what) {
  if (typeof Headers !== 'undefined' && h instanceof Headers) {
    /** @type {Record<string, string>} */
    const out = {};
    for (const [k, v] of h) define(out, k, v);
    return out;
  }
  return plain(h, what);
}

/**
 * Runs `f` so that it always returns a promise: a synchronous throw becomes a rejection.
 * @template T
 * @param {() => T | Promise<T>} f
 * @returns {Promise<T>}
 */
export function settle(f) {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}
