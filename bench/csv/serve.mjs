// A static server on 127.0.0.1 for the Chromium benchmark: the page, the benchmark modules,
// the installed package under /pkg/ and the competitors under /vendor/.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, resolve, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, scratch } from '../../tests/js/helpers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json' };
const pkgDir = resolve(process.env.CERTCENTRAL_PKG_DIR ?? join(scratch, 'node_modules/certcentral-wasm'));
const FILES = {
  '/': join(here, 'page.html'),
  '/vendor/papaparse.min.js': join(root, 'node_modules/papaparse/papaparse.min.js'),
  '/vendor/d3-dsv.mjs': join(root, 'node_modules/d3-dsv/dist/d3-dsv.mjs'),
};

function fileFor(path) {
  if (FILES[path]) return FILES[path];
  for (const [prefix, dir] of [['/bench/', here], ['/pkg/', pkgDir]]) {
    if (!path.startsWith(prefix)) continue;
    const f = resolve(dir, `.${path.slice(prefix.length - 1)}`);
    return f.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? f : null;
  }
  return null;
}

/** Starts the server on a free port; resolves to { url, close }. */
export async function serve() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/favicon.ico') return res.writeHead(204).end();
    const f = fileFor(path);
    try {
      if (!f) throw new Error('not found');
      const body = await readFile(f);
      res.writeHead(200, { 'Content-Type': TYPES[extname(f)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => server.close(ok)) };
}
