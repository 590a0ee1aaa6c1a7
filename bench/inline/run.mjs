#!/usr/bin/env node
// What `certcentral-wasm/inline` (the .wasm carried in JS) costs against the .wasm as a file
// (issue 17): prints figures, asserts nothing.
//
//   node bench/inline/run.mjs [--quick]      (after scripts/build.sh and scripts/pack.sh)
//
// 1. Size: the .wasm and the encodings of it as a JS module that were considered (raw, gzip -9,
//    brotli), the shipped one being deflate-raw + base64 (pkg/certcentral_wasm_inline.js).
// 2. Unpacking alone, in this process: base64 to bytes (atob, or Uint8Array.fromBase64 where
//    the runtime has it), DecompressionStream('deflate-raw') and node:zlib's inflateRawSync;
//    median of repeated runs.
// 3. Start-up, Node: a fresh process per run, from `import` to `await init()` resolved, for the
//    Node entry (reads the file) and for the inline entry.
// 4. Start-up, Chromium: a fresh page per run, served over loopback with no caching, from
//    navigation start to `await init()` resolved, for the default entry (fetches the .wasm
//    beside it) and for the inline entry (the module graph carries it).
// Writes bench/results/inline.md.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, extname } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { gzipSync, brotliCompressSync, deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { scratch, chromium } from '../../tests/js/helpers.mjs';
import { root, summary, fmtMs, fmtKB, table } from '../client/lib.mjs';

const run = promisify(execFile);
const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 7 : 21;
const pkgDir = join(scratch, 'node_modules/certcentral-wasm');
if (!existsSync(join(pkgDir, 'certcentral_wasm_inline.js'))) {
  throw new Error('run scripts/build.sh and scripts/pack.sh first (no certcentral_wasm_inline.js in the installed package)');
}

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const module = (text) => Buffer.from(`export const W = "${text}";\n`);

// 1. Size.
const wasm = readFileSync(join(pkgDir, 'certcentral_wasm_bg.wasm'));
const shipped = readFileSync(join(pkgDir, 'certcentral_wasm_inline.js'));
const sizes = [
  ['certcentral_wasm_bg.wasm (the file)', wasm],
  ['certcentral_wasm_inline.js (shipped: deflate-raw, base64)', shipped],
  ['base64 of the .wasm (not shipped)', module(wasm.toString('base64'))],
  ['base64 of the .wasm gzip\'d (not shipped; same as deflate-raw + 18 B)', module(gzipSync(wasm, { level: 9 }).toString('base64'))],
].map(([what, buf]) => [what, buf.length, gz(buf), br(buf)]);
const sizeRows = sizes.map(([what, raw, g, b]) => [what, `${raw} B (${fmtKB(raw)})`, `${g} B (${fmtKB(g)}, ${((g / sizes[0][2] - 1) * 100).toFixed(1)}%)`, `${b} B`]);

// 2. Unpacking alone.
const text = deflateRawSync(wasm, { level: 9 }).toString('base64');
/** @param {string} t */
function fromBase64(t) {
  const native = /** @type {any} */ (Uint8Array).fromBase64;
  if (typeof native === 'function') return native(t);
  const bin = atob(t);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
const decode = [];
const inflate = [];
const inflateSync = [];
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  const packed = fromBase64(text);
  const t1 = performance.now();
  const body = new Response(packed).body;
  const out = new Uint8Array(await new Response(body?.pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
  const t2 = performance.now();
  if (out.length !== wasm.length) throw new Error('inflate gave the wrong length');
  const t3 = performance.now();
  inflateRawSync(packed);
  inflateSync.push(performance.now() - t3);
  decode.push(t1 - t0);
  inflate.push(t2 - t1);
}

// 3. Start-up, Node: fresh processes, alternated.
/** @param {string} spec */
const nodeStart = async (spec) => {
  const code = `const t = performance.now(); const m = await import(${JSON.stringify(spec)}); await m.init(); console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: scratch, encoding: 'utf8' });
  return Number(stdout.trim());
};
const nodeFile = [];
const nodeInline = [];
for (let i = 0; i < ROUNDS; i++) {
  nodeFile.push(await nodeStart('certcentral-wasm'));
  nodeInline.push(await nodeStart('certcentral-wasm/inline'));
}

// 4. Start-up, Chromium: a static server with no caching, fresh pages, alternated.
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const page = (entry) => `<!doctype html><meta charset="utf-8"><title>start-up</title><body><script type="module">
  import { init } from '/pkg/${entry}';
  await init();
  document.body.dataset.ms = String(performance.now());
</script>`;
const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const headers = { 'cache-control': 'no-store' };
  if (path === '/file.html' || path === '/inline.html') {
    res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(page(path === '/file.html' ? 'index.js' : 'inline.js'));
    return;
  }
  const file = join(pkgDir, path.replace(/^\/pkg\//, ''));
  if (!path.startsWith('/pkg/') || path.includes('..') || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
const browser = await chromium();
const chromiumVersion = browser.context.browser()?.version() ?? 'unknown';
/** @param {string} name */
const pageStart = async (name) => {
  const p = await browser.context.newPage();
  try {
    await p.goto(`${origin}/${name}.html`);
    await p.waitForFunction(() => document.body.dataset.ms !== undefined, null, { timeout: 30000 });
    return Number(await p.evaluate(() => document.body.dataset.ms));
  } finally {
    await p.close();
  }
};
const webFile = [];
const webInline = [];
await pageStart('file');
await pageStart('inline'); // one of each first: Chromium's own start-up is not ours
for (let i = 0; i < ROUNDS; i++) {
  webFile.push(await pageStart('file'));
  webInline.push(await pageStart('inline'));
}
await browser.close();
await new Promise((r) => server.close(() => r(undefined)));

const fmt = (xs) => {
  const s = summary(xs);
  return `${fmtMs(s.median)} ms (${fmtMs(s.p25)}-${fmtMs(s.p75)})`;
};
const report = `## certcentral-wasm/inline: size and start-up

\`node bench/inline/run.mjs${QUICK ? ' --quick' : ''}\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, Chromium ${chromiumVersion}, ${cpus().length} cores (load ${loadavg()[0].toFixed(2)}); medians of ${ROUNDS} runs (p25-p75).

### Size

${table(['what', 'raw', 'gzip -9 (vs the .wasm)', 'brotli 11'], sizeRows)}

### Unpacking the inline bytes (this process, Node ${process.versions.node})

${table(['step', 'time'], [
  [`base64 to bytes (${typeof (/** @type {any} */ (Uint8Array)).fromBase64 === 'function' ? 'Uint8Array.fromBase64' : 'atob and a loop'})`, fmt(decode)],
  ["DecompressionStream('deflate-raw') (browsers, workers)", fmt(inflate)],
  ['node:zlib inflateRawSync (what the entry uses in Node, Bun, Deno)', fmt(inflateSync)],
])}

### Start-up

${table(['where', 'the .wasm as a file', 'certcentral-wasm/inline'], [
  ['Node, import to init() resolved (fresh process)', `${fmt(nodeFile)} (node.js: readFileSync)`, fmt(nodeInline)],
  ['Chromium, navigation start to init() resolved (fresh page, loopback, no-store)', `${fmt(webFile)} (index.js: fetch)`, fmt(webInline)],
])}
`;
console.log(report);
writeFileSync(join(root, 'bench/results/inline.md'), report);
