// The rate limiter: rolling windows per API key, DigiCert's published limits by default.

/**
 * @typedef {object} Window
 * @property {number} max requests allowed per window
 * @property {number} windowMs
 */

/** 100 per 5 s and 1000 per 5 min. */
export const DEFAULT_RATE_LIMIT = Object.freeze([
  Object.freeze({ max: 100, windowMs: 5_000 }),
  Object.freeze({ max: 1000, windowMs: 300_000 }),
]);

/**
 * "100/5s,1000/300s" -> [{max, windowMs}] ; throws on bad input.
 * @param {unknown} spec
 * @returns {Window[]}
 */
export function parseRateLimit(spec) {
  const out = [];
  for (const part of String(spec).split(',')) {
    const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(part);
    if (!m) throw new Error(`bad rate limit "${part}" (want e.g. 100/5s,1000/300s)`);
    const unit = /** @type {Record<string, number>} */ ({ ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 })[m[3] ?? 's'];
    const max = Number(m[1]);
    const windowMs = Math.round(Number(m[2]) * unit);
    if (max < 1 || windowMs < 1) throw new Error(`bad rate limit "${part}"`);
    out.push({ max, windowMs });
  }
  return out;
}

/**
 * The windows of `startSandbox`'s `rateLimit` option: false/null (off), true (the default),
 * a spec string, or the windows themselves.
 * @param {unknown} option
 * @returns {readonly Window[]}
 */
export function rateLimits(option) {
  const limits = option === false || option === null ? []
    : option === true ? DEFAULT_RATE_LIMIT
      : typeof option === 'string' ? parseRateLimit(option) : option;
  if (!Array.isArray(limits) || !limits.every((l) => l.max >= 1 && l.windowMs >= 1)) {
    throw new TypeError('rateLimit must be false, a string like "100/5s,1000/300s" or [{ max, windowMs }]');
  }
  return limits;
}

/**
 * A limiter over `limits`: `limited(key)` counts a request of `key` and tells whether it is
 * over a window (a refused request is not counted); `clear()` forgets every window.
 * @param {readonly Window[]} limits
 * @returns {{ limited: (key: string) => boolean, clear: () => void }}
 */
export function rateLimiter(limits) {
  /** @type {Map<string, number[]>} key -> timestamps (ascending) */
  const windows = new Map();
  const maxWindow = limits.reduce((a, l) => Math.max(a, l.windowMs), 0);
  return {
    limited(key) {
      if (!limits.length) return false;
      const now = Date.now();
      let ts = windows.get(key);
      if (!ts) windows.set(key, (ts = []));
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
    },
    clear() {
      windows.clear();
    },
  };
}
