// Peak memory of streaming a large generated export through UsedVoucherCodesCsvParser in Node:
// `node bench/csv/memory.mjs [--mb 1024]`. The input is produced 1 MiB at a time and never
// held whole (a pool of 4 distinct generated chunks is cycled, so generation does not dominate
// the time); the records of each push are counted and dropped. Prints one JSON line.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { scratch } from '../../tests/js/helpers.mjs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { csvChunks } from './gen.mjs';

if (!isMainThread) {
  const gen = csvChunks(Infinity, { chunkBytes: workerData.chunkBytes });
  const chunks = Array.from({ length: workerData.chunks }, () => gen.next().value);
  parentPort.postMessage(chunks, chunks.map((c) => c.buffer));
  await new Promise(() => {}); // wait to be terminated
}

const i = process.argv.indexOf('--mb');
const MB = 1 << 20;
const total = Number(i >= 0 ? process.argv[i + 1] : 1024) * MB;
const { UsedVoucherCodesCsvParser } = await import(pathToFileURL(join(scratch, 'entry.mjs')).href);

new UsedVoucherCodesCsvParser().finish; // instantiates the wasm module
globalThis.gc?.();
const baseRss = process.memoryUsage().rss;
// Generated in a worker, whose heap goes away with it: the strings built while generating
// would otherwise stay in this process's RSS and hide the parser's own footprint.
const [header, ...pool] = await new Promise((ok, fail) => {
  const w = new Worker(new URL(import.meta.url), { workerData: { chunks: 5, chunkBytes: MB } });
  w.once('message', (chunks) => { ok(chunks); w.terminate(); });
  w.once('error', fail);
}); // the first chunk starts with the header row
await new Promise((ok) => setTimeout(ok, 100));
globalThis.gc?.();
const startRss = process.memoryUsage().rss;
const p = new UsedVoucherCodesCsvParser();
let fed = 0;
let rows = 0;
let peak = 0;
const t0 = performance.now();
for (let k = 0; fed < total; k++) {
  const chunk = k === 0 ? header : pool[k % pool.length];
  rows += p.push(chunk).length;
  fed += chunk.length;
  if ((k & 7) === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
rows += p.finish().length;
const secs = (performance.now() - t0) / 1000;
peak = Math.max(peak, process.memoryUsage().rss);
if (rows !== p.rowsEmitted || fed !== p.bytesConsumed) throw new Error('counts disagree');
process.stdout.write(`${JSON.stringify({
  bytes: fed, rows, secs, mbPerSec: fed / 1e6 / secs, rowsPerSec: rows / secs,
  baseRss, startRss, peakRss: peak, maxRss: process.resourceUsage().maxRSS * 1024,
})}\n`);
