// Responses: the API's error body, JSON answers, and writing an answer (with the CORS headers
// put on the response beforehand when the `cors` option is on).


/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */

/**
 * A whole answer, before it is written.
 * @typedef {object} Reply
 * @property {number} status
 * @property {Record<string, string>} headers
 * @property {Buffer} body
 * @property {number} [records] records in a list's body (the latency option's per-record part)
 */

/** An answer in the API's error shape, thrown by the endpoints and the checks before them. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code the `errors[0].code`
   * @param {string} message
   * @param {Record<string, string>} [headers]
   */
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** The 500 answer of a bug in the sandbox (and of the `500` fault). */
export const internalError = () => new ApiError(500, 'internal_server_error', 'Internal server error.');

/**
 * The API's error body: `{"errors":[{"code","message"}]}`.
 * @param {string} code
 * @param {string} message
 * @returns {string}
 */
export const errorBody = (code, message) => JSON.stringify({ errors: [{ code, message }] });

/**
 * @param {number} status
 * @param {unknown} value JSON text, or a value to serialise
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
export const jsonResponse = (status, value, headers = {}) => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

/**
 * @param {ApiError} e
 * @returns {Reply}
 */
export const errorResponse = (e) => ({
  status: e.status,
  headers: { 'Content-Type': 'application/json', ...e.headers },
  body: Buffer.from(errorBody(e.code, e.message)),
});

/**
 * Writes `r` (unless an answer was already started or the socket is gone).
 * @param {Response} res
 * @param {Reply} r
 */
export function send(res, r) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(r.status, { 'Cache-Control': 'no-store', ...r.headers, 'Content-Length': r.body.length });
  res.end(r.body);
}

/**
 * Starts `server` listening on `host`:`port` (0: any free port); resolves with the port it got
 * and the URL to reach it (an IPv6 host in brackets, 0.0.0.0 reached as 127.0.0.1).
 * @param {import('node:http').Server} server
 * @param {number} port
 * @param {string} host
 * @returns {Promise<{ port: number, url: string }>}
 */
export async function listen(server, port, host) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { port: actual, url: `http://${hostForUrl}:${actual}/` };
}
