#!/usr/bin/env node
// The demo in the production topology: ONE origin serves the demo page (www/), the built package
// (/pkg/) and the key-holding proxy (/certcentral, the package's own `createProxy`); the page
// calls `/certcentral` without a key and the proxy adds it upstream. Upstream is DigiCert
// (`--upstream URL`, key in DIGICERT_API_KEY) or, by default, the sandbox started in this
// process on its own port, playing DigiCert (no CORS, a fresh random key the page never sees).
//
// Usage: node scripts/demo-server.mjs [--port 8787] [--host 127.0.0.1] [--upstream URL]
// (scripts/demo.sh builds the package first, then runs this.)

import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listen } from '../sandbox/lib/http.mjs';
import { staticFiles } from '../sandbox/lib/static.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the proxy answers, and the page's `baseUrl`. */
export const BASE_PATH = '/certcentral';

/**
 * @typedef {object} DemoOptions
 * @property {string} upstream the API base the proxy forwards to (DigiCert's, or a sandbox's)
 * @property {string} apiKey the key the proxy holds (never sent to the page)
 * @property {number} [port=0] 0 picks a free port
 * @property {string} [host='127.0.0.1']
 * @property {string} [wwwDir] default <repo>/www
 * @property {string} [pkgDir] default <repo>/pkg (the built package; its proxy is used too)
 * @property {false} [rateLimit] false: no rate windows in the proxy (tests against a sandbox
 *   without limits); default DigiCert's published limits
 */

/**
 * A running demo server.
 * @typedef {object} Demo
 * @property {string} url `http://127.0.0.1:PORT/`
 * @property {number} port
 * @property {() => Promise<void>} close
 */

/**
 * Starts the page + proxy server.
 * @param {DemoOptions} options
 * @returns {Promise<Demo>}
 */
export async function startDemo(options) {
  const { upstream, apiKey, port = 0, host = '127.0.0.1', wwwDir = path.join(REPO, 'www'), pkgDir = path.join(REPO, 'pkg'), rateLimit } = options;
  /** @type {{ createProxy: typeof import('../pkg-template/proxy-node.js').createProxy }} */
  const { createProxy } = await import(pathToFileURL(path.join(path.resolve(pkgDir), 'proxy-node.js')).href);
  const proxy = createProxy({ apiKey, baseUrl: upstream, basePath: BASE_PATH, ...(rateLimit === false ? { rateLimit: false } : {}) });
  const serveStatic = staticFiles(path.resolve(wwwDir), path.resolve(pkgDir));
  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 30_000 }, (req, res) => {
    res.on('error', () => {});
    const url = String(req.url ?? '/');
    const urlPath = url.split('?', 1)[0];
    if (urlPath === BASE_PATH || urlPath.startsWith(BASE_PATH + '/')) return proxy.listener(req, res);
    req.resume();
    // The page may not be framed (clickjacking): CSP's frame-ancestors cannot be set from a
    // <meta> tag, so it comes as a header, with X-Frame-Options for older browsers.
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.setHeader('X-Frame-Options', 'DENY');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('405 Method Not Allowed\n');
    }
    serveStatic(res, urlPath).catch(() => res.destroy());
  });
  const { port: actualPort, url } = await listen(server, port, host);
  return {
    url,
    port: actualPort,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * The command line: parses the flags, starts the sandbox unless `--upstream` is given.
 * @param {string[]} argv
 */
async function main(argv) {
  let port = 8787;
  let host = '127.0.0.1';
  /** @type {string | null} */
  let upstream = null;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], null];
    const val = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port') {
      const v = val();
      if (!/^\d+$/.test(v)) throw new Error('--port wants a non-negative integer');
      port = Number(v);
    } else if (flag === '--host') host = val();
    else if (flag === '--upstream') upstream = val();
    else if (flag === '-h' || flag === '--help') {
      process.stdout.write('usage: scripts/demo.sh [--port 8787] [--host 127.0.0.1] [--upstream URL (key in DIGICERT_API_KEY)]\n');
      return;
    } else throw new Error(`unknown option ${flag}`);
  }
  /** @type {{ close(): Promise<void> } | null} */
  let sandbox = null;
  let apiKey;
  if (upstream !== null) {
    apiKey = process.env.DIGICERT_API_KEY ?? '';
    if (!apiKey) throw new Error('--upstream needs the API key in the DIGICERT_API_KEY environment variable');
  } else {
    const { startSandbox } = await import('../sandbox/server.mjs');
    apiKey = `demo-${randomBytes(12).toString('hex')}`;
    const sb = await startSandbox({ keys: [apiKey], host });
    sandbox = sb;
    upstream = sb.baseUrl;
    process.stdout.write(`certcentral sandbox (playing DigiCert, no CORS): ${sb.baseUrl}\n`);
  }
  const demo = await startDemo({ upstream, apiKey, port, host });
  process.stdout.write(`certcentral demo: ${demo.url} (page and proxy ${BASE_PATH} -> ${upstream}; the key stays in this process)\n`);
  const stop = () => {
    Promise.all([demo.close(), sandbox?.close()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`certcentral demo: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  });
}
