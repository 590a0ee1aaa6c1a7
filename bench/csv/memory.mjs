// Peak memory of streaming a large export file through UsedVoucherCodesCsvParser in Node, the
// way a script streams a file: `for await (const chunk of createReadStream(path)) parser.push(chunk)`.
//
//   node --expose-gc bench/csv/memory.mjs [--mb 1024] [--push-kib 64] [--file PATH]
//
// Without --file, a generated export of --mb MiB is written once to target/bench-data/ (by a
// child process, so this process never holds generator state) and reused. --push-kib sets the
// read stream's highWaterMark, i.e. the size of each pushed chunk (Node's default for file
// streams is 64 KiB). The records of each push are counted and dropped. Prints one JSON line;
// `maxRss` is the kernel's peak for the whole process (getrusage), `peakRss` the highest RSS
// sampled after each push.
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const MiB = 1 << 20;
const mb = Number(arg('mb', 1024));
const root = fileURLToPath(new URL('../..', import.meta.url));

if (arg('write')) {
  // Child mode: write the generated export to the given path (whole rows, LF line ends).
  const { csvChunks } = await import('./gen.mjs');
  const tmp = `${arg('write')}.partial`;
  const out = createWriteStream(tmp);
  for (const chunk of csvChunks(mb * MiB, { chunkBytes: MiB })) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, arg('write'));
  process.exit(0);
}

let file = arg('file');
if (!file) {
  const dir = join(root, 'target/bench-data');
  file = join(dir, `used-codes-${mb}mib.csv`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`writing ${file} (once)\n`);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--mb', String(mb), '--write', file], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('generating the input failed');
  }
}
const size = statSync(file).size;
const pushBytes = Number(arg('push-kib', 64)) * 1024;

const scratch = process.env.CERTCENTRAL_SCRATCH ?? join(root, 'target/scratch');
const { UsedVoucherCodesCsvParser } = await import(pathToFileURL(join(scratch, 'entry.mjs')).href);
new UsedVoucherCodesCsvParser().free(); // the wasm module is instantiated by now
globalThis.gc?.();
const startRss = process.memoryUsage.rss();

const p = new UsedVoucherCodesCsvParser();
let fed = 0;
let rows = 0;
let peak = startRss;
const t0 = performance.now();
for await (const chunk of createReadStream(file, { highWaterMark: pushBytes })) {
  rows += p.push(chunk).length;
  fed += chunk.length;
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
}
rows += p.finish().length;
const secs = (performance.now() - t0) / 1000;
peak = Math.max(peak, process.memoryUsage.rss());
if (rows !== p.rowsEmitted || fed !== p.bytesConsumed || fed !== size) throw new Error('counts disagree');
process.stdout.write(`${JSON.stringify({
  file: file.startsWith(root) ? file.slice(root.length) : file, bytes: fed, pushBytes, rows, secs,
  mbPerSec: fed / 1e6 / secs, rowsPerSec: rows / secs,
  startRss, peakRss: peak, maxRss: process.resourceUsage().maxRSS * 1024,
})}\n`);
