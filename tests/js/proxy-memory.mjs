// Run by proxy.test.mjs in a child `node --expose-gc tests/js/proxy-memory.mjs <proxy-node.js> <MB>`:
// streams a body of <MB> MiB from an upstream that honours backpressure, through the packed
// package's proxy, to a slow socket reader, and prints (one JSON line) the most ArrayBuffer
// memory that was live (after a forced GC) at any 50 ms sample, and how many bytes arrived.
import http from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const [proxyPath, mb] = process.argv.slice(2);
const { createProxy } = await import(pathToFileURL(proxyPath).href);
const gc = /** @type {() => void} */ (globalThis.gc);
const chunk = Buffer.alloc(64 * 1024, 'a');
const total = Number(mb) * 1024 * 1024;

const up = http.createServer(async (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/csv' });
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
  }
  res.end();
});
await new Promise((r) => up.listen(0, '127.0.0.1', () => r(undefined)));
const upPort = /** @type {import('node:net').AddressInfo} */ (up.address()).port;
const proxy = createProxy({ apiKey: 'memory-test-key-0123456789', baseUrl: `http://127.0.0.1:${upPort}/services/v2`, rateLimit: false });
const server = http.createServer(proxy.listener);
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;

let maxLive = 0;
const sample = setInterval(() => { gc(); maxLive = Math.max(maxLive, process.memoryUsage().arrayBuffers); }, 50);
// The slow reader: a raw socket that pauses 2 ms after every chunk it gets.
const sock = net.connect(port, '127.0.0.1');
sock.write('GET /certcentral/voucher/download/used-codes HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nConnection: close\r\n\r\n');
let got = 0;
sock.on('data', (d) => { got += d.length; sock.pause(); setTimeout(() => sock.resume(), 2); });
await new Promise((r) => sock.on('close', r));
clearInterval(sample);
console.log(JSON.stringify({ got, maxLive }));
process.exit(0);
