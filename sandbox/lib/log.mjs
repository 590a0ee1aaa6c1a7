// The request log of `--verbose`: one line per request once answered (method, path, status,
// time), never the key or the query.

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {(line: string) => void} log
 */
export function logRequest(req, res, log) {
  const started = Date.now();
  res.on('finish', () => {
    log(`${req.method} ${String(req.url).split('?')[0].slice(0, 200)} ${res.statusCode} ${Date.now() - started}ms`);
  });
}
