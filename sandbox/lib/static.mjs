// Static files: `/` from the demo page's folder, `/pkg/...` from the built package. Traversal
// (also encoded, and through symlinks) and missing files are 404s.

import fs from 'node:fs';
import path from 'node:path';
import { ApiError, errorResponse, send } from './http.mjs';

/** @type {Record<string, string>} */
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.mts': 'text/plain; charset=utf-8',
  '.cts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
};

/**
 * @param {string} wwwRoot absolute
 * @param {string} pkgRoot absolute
 * @returns {(res: import('node:http').ServerResponse, urlPath: string) => Promise<void>}
 */
export function staticFiles(wwwRoot, pkgRoot) {
  return async (res, urlPath) => {
    let decoded;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return send(res, errorResponse(new ApiError(400, 'bad_request_format', 'Malformed percent-encoding in the path.')));
    }
    const notFound = () => send(res, {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: Buffer.from('404 Not Found\n'),
    });
    if (decoded.includes('\0') || decoded.length > 2048) return notFound();
    let root = wwwRoot;
    let rel = decoded;
    if (decoded === '/pkg' || decoded.startsWith('/pkg/')) {
      root = pkgRoot;
      rel = decoded.slice(4);
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + path.posix.normalize('/' + rel.replace(/\\/g, '/')));
    if (file !== root && !file.startsWith(root + path.sep)) return notFound();
    let real;
    let realRoot;
    let st;
    try {
      [real, realRoot] = await Promise.all([fs.promises.realpath(file), fs.promises.realpath(root)]);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return notFound();
      st = await fs.promises.stat(real);
      if (st.isDirectory()) {
        real = path.join(real, 'index.html');
        st = await fs.promises.stat(real);
      }
      if (!st.isFile()) return notFound();
    } catch {
      return notFound();
    }
    const lower = real.toLowerCase();
    const type = lower.endsWith('.d.ts') ? 'text/plain; charset=utf-8' : MIME[path.extname(lower)] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    const stream = fs.createReadStream(real);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };
}
