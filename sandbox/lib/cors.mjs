// CORS: every answer of the sandbox carries these headers (the demo page and the browser tests
// call it from other origins), and an OPTIONS preflight is answered 204 without a key.

/** The CORS headers of every response. */
export const CORS = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'X-DC-DEVKEY, Content-Type, Accept, X-Sandbox-Fault',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Expose-Headers': 'Retry-After, Content-Length, Content-Type',
  'Access-Control-Max-Age': '600',
});

/**
 * The answer to a preflight (OPTIONS): 204, no body; `send` adds the CORS headers.
 * @returns {import('./http.mjs').Reply}
 */
export function preflight() {
  return { status: 204, headers: {}, body: Buffer.alloc(0) };
}
