// CORS: off by default, like DigiCert (its answers carry no Access-Control-* headers, so a page
// on another origin cannot call it). The `cors` option (CLI `--cors`) turns them on for the
// browser tests whose page is on another origin; then every answer carries these headers and an
// OPTIONS preflight is answered 204 without a key.

/** The CORS headers of every response when the `cors` option is on. */
export const CORS = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'X-DC-DEVKEY, Content-Type, Accept, X-Sandbox-Fault',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Expose-Headers': 'Retry-After, Content-Length, Content-Type',
  'Access-Control-Max-Age': '600',
});

/**
 * Puts the CORS headers on `res` before anything is written (`writeHead` merges them), so every
 * way of answering carries them.
 * @param {import('node:http').ServerResponse} res
 */
export function addCors(res) {
  for (const [name, value] of Object.entries(CORS)) res.setHeader(name, value);
}

/**
 * The answer to a preflight (OPTIONS): 204, no body (with the CORS headers when they are on).
 * @returns {import('./http.mjs').Reply}
 */
export function preflight() {
  return { status: 204, headers: {}, body: Buffer.alloc(0) };
}
