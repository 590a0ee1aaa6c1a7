// The proxy under measurement, in its own process (so its RSS is its own): the npm-installed
// package's `certcentral-wasm/proxy` listener on node:http, forwarding to UPSTREAM with KEY.
// Prints "proxy: http://127.0.0.1:PORT/" once listening. Started by bench/proxy/run.mjs.
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scratch } from '../../tests/js/helpers.mjs';

const { createProxy } = await import(pathToFileURL(join(scratch, 'node_modules/certcentral-wasm/proxy-node.js')).href);
// Rate windows off: the benchmark sends more than DigiCert's 100 per 5 s on purpose (the sandbox's
// are off too); the scheduler (one request in flight) stays on, as in production.
const proxy = createProxy({ apiKey: process.env.KEY, baseUrl: process.env.UPSTREAM, rateLimit: false, timeoutMs: 60_000 });
const server = http.createServer(proxy.listener);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`proxy: http://127.0.0.1:${port}/\n`);
});
process.on('SIGTERM', () => process.exit(0));
