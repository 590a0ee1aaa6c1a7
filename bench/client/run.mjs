#!/usr/bin/env node
// Client benchmarks of the built package: decode overhead (Node + Chromium), paging throughput,
// package size (+ twiggy when installed), start-up (Node + Chromium).
//
//   node bench/client/run.mjs [--quick] [--only decode,throughput,size,startup] [--note "text"]
//
// Prints a markdown report and writes it to bench/results/client.md, followed by the hand-written
// analysis in bench/client/analysis.md. The package is the one scripts/pack.sh installed into
// target/scratch (Node) and pkg/ served by the sandbox (Chromium). The sandbox always runs in its
// own process, started with --no-rate-limit.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, copyFileSync, readFileSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir, cpus, loadavg, platform, arch } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { loadPackage, scratch, chromium, KEY } from '../../tests/js/helpers.mjs';
import { decodeBench, decodeCases } from './cases.mjs';
import { crateTable } from './twiggy-crates.mjs';
import { spawnSandbox, root, summary, median, fmtMs, fmtKB, fmtRatio, table } from './lib.mjs';

// ------------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('--quick');
const ONLY = new Set((value('--only') ?? 'decode,throughput,size,startup').split(','));
const NOTE = value('--note');
const ROUNDS = QUICK ? 5 : 21; // per-call figures: median of >= 15 (full run)
const WARMUP = QUICK ? 2 : 4;
const THROUGHPUT_RUNS = QUICK ? 2 : 7;
const LIMITED_RUNS = QUICK ? 1 : 3;
const STARTUP_SAMPLES = QUICK ? 5 : 21;
const PKG = join(root, 'pkg');
const WASM = join(PKG, 'certcentral_wasm_bg.wasm');

const log = (...a) => process.stderr.write(`[bench] ${a.join(' ')}\n`);
const out = [];
const emit = (s = '') => out.push(s);

// ------------------------------------------------------------------------------------------------
// Environment

function chromiumVersion() {
  try {
    const r = spawnSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' });
    return (r.stdout || '').trim().split('\n').pop() || 'unknown';
  } catch {
    return 'unknown';
  }
}

function header() {
  const load0 = loadavg().map((x) => x.toFixed(2)).join(' ');
  emit('## Client benchmarks (bench/client)');
  emit();
  emit(`- command: \`node bench/client/run.mjs${argv.length ? ' ' + argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ') : ''}\``);
  emit(`- date: ${new Date().toISOString()}`);
  emit(`- node ${process.version}, ${chromiumVersion()}, ${platform()}/${arch()}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}; load average at start: ${load0}`);
  emit(`- package: pkg/ (wasm ${statSync(WASM).size} bytes, built ${statSync(WASM).mtime.toISOString()}); Node loads it from the npm-installed copy in ${relative(root, scratch)}`);
  emit(`- every figure is the median of repeated runs (per-call: ${ROUNDS} interleaved rounds after ${WARMUP} warm-up; spread p25..p75 in brackets); sandbox on loopback in its own process, its rate limit off`);
  if (NOTE) emit(`- note: ${NOTE}`);
  emit();
}

// ------------------------------------------------------------------------------------------------
// 1. Decode overhead

async function reissueOrderWithMost() {
  const { generateDataset } = await import(pathToFileURL(join(root, 'sandbox/data.mjs')).href);
  const d = generateDataset({}); // the sandbox's defaults (seed 1)
  let best = null;
  for (const [id, list] of d.reissues) if (!best || list.length > best[1]) best = [id, list.length];
  return best[0];
}

const span = (xs) => {
  const s = summary(xs);
  return `${fmtMs(s.median)} [${fmtMs(s.p25)}..${fmtMs(s.p75)}]`;
};

function decodeTable(where, res) {
  emit(`### Decode overhead: ${where} (ms per call)`);
  emit();
  const rows = [];
  for (const [name, r] of Object.entries(res)) {
    const ours = median(r.ours);
    const raw = median(r.raw);
    rows.push([
      `\`${name}\``,
      String(r.records),
      fmtKB(r.bodyBytes),
      span(r.ours),
      span(r.raw),
      `**${fmtRatio(ours / raw)}**`,
      `${fmtMs(median(r.textFetch))} + ${fmtMs(median(r.textParse))}`,
      `${fmtMs(median(r.fetchRead))} / ${fmtMs(median(r.decode))} / ${fmtMs(median(r.parse))} / ${fmtMs(median(r.resolve))} (= ${fmtMs(median(r.instr))})`,
    ]);
  }
  emit(table(
    ['call', 'records', 'body', 'ours', 'raw fetch + res.json()', 'ours / raw (goal <= 1.25x)',
      'wasm-free: fetch+text() + JSON.parse', 'ours, instrumented: fetch+read / transcode / JSON.parse / resolve'],
    rows,
  ));
  emit();
}

async function benchDecode(chrome, sbDecode) {
  const reissueOrderId = await reissueOrderWithMost();
  log('decode: Node');
  const { createClient } = await loadPackage();
  const nodeRes = await decodeBench({
    createClient, baseUrl: sbDecode.baseUrl, key: KEY, rounds: ROUNDS, warmup: WARMUP,
    cases: decodeCases(reissueOrderId),
  });
  decodeTable('Node', nodeRes);
  if (chrome) {
    log('decode: Chromium');
    const page = await chrome.context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') log(`page console: ${m.text()}`); });
    await page.goto(`${sbDecode.url}index.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const chromeRes = await page.evaluate(
      (a) => window.runDecodeBench(a),
      { baseUrl: sbDecode.baseUrl, key: KEY, rounds: ROUNDS, warmup: WARMUP, reissueOrderId },
    );
    await page.close();
    decodeTable('Chromium', chromeRes);
  }
  emit('Stages: *fetch+read* = call to the wasm reading the last body chunk (request, response, stream reader, copies into wasm memory); '
    + '*transcode* = last chunk to `JSON.parse` entered (UTF-8 check, the one-pass transcoder of `src/transcode/` writing the normalised JSON, '
    + 'the result string copied out of wasm); *JSON.parse* of that string; *resolve* = back to the caller. '
    + 'The instrumented client shadows `body.getReader`/`reader.read` and `JSON.parse` to stamp the stages, so its total is a little above *ours*.');
  emit();
}

// ------------------------------------------------------------------------------------------------
// 2. Throughput

async function rawPageLoop(baseUrl, limit) {
  const headers = { 'X-DC-DEVKEY': KEY };
  let offset = 0;
  let n = 0;
  let pages = 0;
  for (;;) {
    const res = await fetch(`${baseUrl}/account/subaccount/order?limit=${limit}&offset=${offset}`, { headers });
    if (!res.ok) throw new Error(`raw loop: HTTP ${res.status}`);
    const j = await res.json();
    const orders = j.orders ?? [];
    pages++;
    for (const o of orders) if (o.id) n++;
    offset += orders.length;
    if (!orders.length || offset >= j.page.total) break;
  }
  return { n, pages };
}

async function clientPageLoop(client, limit) {
  let offset = 0;
  let n = 0;
  let pages = 0;
  for (;;) {
    const { orders, page } = await client.listSubaccountOrders({ limit, offset });
    pages++;
    for (const o of orders) if (o.id) n++;
    offset += orders.length;
    if (!orders.length || offset >= page.total) break;
  }
  return { n, pages };
}

async function iterate(client, limit) {
  let n = 0;
  for await (const o of client.iterateSubaccountOrders({ limit })) if (o.id) n++;
  return { n };
}

async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { ms: performance.now() - t0, ...r };
}

async function benchThroughput() {
  const ORDERS = 100_000;
  log(`throughput: starting a sandbox with ${ORDERS} orders`);
  const sb = await spawnSandbox(['--no-rate-limit', '--orders', String(ORDERS)]);
  try {
    const { createClient } = await loadPackage();
    const mk = (o = {}) => createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false, ...o });
    const client = await mk();
    const check = (what, r) => {
      if (r.n !== ORDERS) throw new Error(`${what}: saw ${r.n} orders, expected ${ORDERS}`);
      return r.ms;
    };
    const t = { iterate: [], clientPages: [], raw: [], raw500: [] , iterate500: [] };
    const variants = [
      async () => t.iterate.push(check('iterate', await timed(() => iterate(client, 1000)))),
      async () => t.clientPages.push(check('client page loop', await timed(() => clientPageLoop(client, 1000)))),
      async () => t.raw.push(check('raw loop', await timed(() => rawPageLoop(sb.baseUrl, 1000)))),
      async () => t.iterate500.push(check('iterate 500', await timed(() => iterate(client, 500)))),
      async () => t.raw500.push(check('raw loop 500', await timed(() => rawPageLoop(sb.baseUrl, 500)))),
    ];
    log('throughput: warm-up');
    await iterate(client, 1000);
    await rawPageLoop(sb.baseUrl, 1000);
    for (let i = 0; i < THROUGHPUT_RUNS; i++) {
      log(`throughput: round ${i + 1}/${THROUGHPUT_RUNS}`);
      for (let k = 0; k < variants.length; k++) await variants[(i + k) % variants.length]();
    }
    // The client's own limiter (DigiCert's 100 per 5 s, 1000 per 5 min): a fresh client per run.
    // The window allows a burst of 100, so 100 pages never wait; 200 pages of 500 must: the
    // 101st request may start only 5 s after the 1st.
    // The 101st request's start, measured from the 1st one's through onRequest, is the precise
    // check of the limiter against its floor (5000 ms), whatever the machine's noise.
    const limited = { p100: [], p200: [], start101: [] };
    for (let i = 0; i < LIMITED_RUNS; i++) {
      log(`throughput: client rate limiter on, run ${i + 1}/${LIMITED_RUNS}`);
      limited.p100.push(check('limited 100 pages', await timed(async () => iterate(await mk({ rateLimit: undefined }), 1000))));
      const starts = [];
      const c200 = await mk({ rateLimit: undefined, onRequest: () => starts.push(performance.now()) });
      limited.p200.push(check('limited 200 pages', await timed(() => iterate(c200, 500))));
      if (starts.length < 101) throw new Error(`limited 200 pages: only ${starts.length} requests`);
      limited.start101.push(starts[100] - starts[0]);
    }

    const m = (xs) => median(xs);
    const rate = (ms) => `${Math.round(ORDERS / (ms / 1000)).toLocaleString('en-US')} orders/s`;
    emit(`### Throughput: ${ORDERS.toLocaleString('en-US')} subaccount orders, serial paging (Node, ms per full pass, median of ${THROUGHPUT_RUNS})`);
    emit();
    emit(table(
      ['pass', 'pages', 'ms', 'rate', 'vs raw loop'],
      [
        ['`for await (o of iterateSubaccountOrders({limit:1000}))`', '100', span(t.iterate), rate(m(t.iterate)), `**${fmtRatio(m(t.iterate) / m(t.raw))}**`],
        ['loop of `listSubaccountOrders({limit:1000, offset})`', '100', span(t.clientPages), rate(m(t.clientPages)), fmtRatio(m(t.clientPages) / m(t.raw))],
        ['raw loop: `fetch` + `res.json()`, offset += length', '100', span(t.raw), rate(m(t.raw)), '1.00x'],
        ['`iterateSubaccountOrders({limit:500})`', '200', span(t.iterate500), rate(m(t.iterate500)), fmtRatio(m(t.iterate500) / m(t.raw500))],
        ['raw loop, limit 500', '200', span(t.raw500), rate(m(t.raw500)), '1.00x'],
      ],
    ));
    emit();
    emit(`Client rate limiter ON (default \`rateLimit\`: 100 req / 5 s rolling + 1000 / 5 min; server limit off; fresh client per run; median of ${LIMITED_RUNS}). `
      + 'A rolling window lets the first 100 requests go at once, so 100 pages never wait; with 200 pages of 500 the 101st request may start only 5000 ms after the 1st:');
    emit();
    emit(table(
      ['pass', 'ms', 'limiter check', 'same pass, limiter off'],
      [
        ['100 pages of 1000', span(limited.p100), 'no wait expected', span(t.iterate)],
        ['200 pages of 500', span(limited.p200),
          `101st request starts ${span(limited.start101)} ms after the 1st (floor 5000; **${fmtMs(m(limited.start101) - 5000)} ms late**)`,
          span(t.iterate500)],
      ],
    ));
    emit();
  } finally {
    await sb.close();
  }
}

// ------------------------------------------------------------------------------------------------
// 3. Size

function gz(buf) {
  return gzipSync(buf, { level: 9 }).length;
}
function br(buf) {
  try {
    return brotliCompressSync(buf, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length;
  } catch {
    return NaN;
  }
}

function walk(dir) {
  const files = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...walk(p));
    else files.push(p);
  }
  return files;
}

function hasNames(file) {
  try {
    const m = new WebAssembly.Module(readFileSync(file));
    return WebAssembly.Module.customSections(m, 'name').length > 0;
  } catch {
    return false;
  }
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function twiggySection() {
  const twiggy = which('twiggy') ?? (existsSync(join(process.env.HOME ?? '/root', '.cargo/bin/twiggy')) ? join(process.env.HOME ?? '/root', '.cargo/bin/twiggy') : null);
  const bindgen = join(root, 'target/bindgen/certcentral_wasm_bg.wasm');
  if (!twiggy) return emit('twiggy is not installed (`cargo install twiggy`): no per-function breakdown.\n');
  if (!existsSync(bindgen) || !hasNames(bindgen)) return emit('target/bindgen/certcentral_wasm_bg.wasm is missing or has no name section: no twiggy breakdown.\n');
  // What ships, with names: build.sh's wasm-opt flags minus --strip-debug/--strip-producers.
  const dir = mkdtempSync(join(tmpdir(), 'cc-twiggy-'));
  try {
    const named = join(dir, 'named.wasm');
    execFileSync(join(root, 'node_modules/.bin/wasm-opt'), [
      '-Oz', '-g', '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
      bindgen, '-o', named,
    ], { stdio: 'ignore' });
    const top = execFileSync(twiggy, ['top', '-n', '30', named], { encoding: 'utf8' })
      .split('\n').map((l) => (l.length > 200 ? l.slice(0, 197) + '...' : l)).join('\n');
    emit(`What is big: twiggy on the shipped module with its names kept (target/bindgen output through build.sh's wasm-opt -Oz -g, `
      + `i.e. without --strip-debug; the "function names" subsection is ours and does not ship). Shallow bytes grouped by owner `
      + `(bench/client/twiggy-crates.mjs):`);
    emit();
    emit(crateTable(named, twiggy, 25));
    emit();
    emit('<details><summary>twiggy top -n 30</summary>');
    emit();
    emit('```');
    emit(top.trimEnd());
    emit('```');
    emit();
    emit('</details>');
    emit();
  } catch (e) {
    emit(`twiggy failed: ${e.message.split('\n')[0]}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchSize() {
  log('size');
  const wasm = readFileSync(WASM);
  const files = walk(PKG).sort();
  let pack = null;
  try {
    const j = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent', PKG], { cwd: tmpdir(), encoding: 'utf8' }));
    pack = j[0];
  } catch (e) {
    log(`npm pack --dry-run failed: ${e.message.split('\n')[0]}`);
  }
  const shipped = pack ? new Set(pack.files.map((f) => f.path)) : null;
  const rows = [];
  let sumRaw = 0, sumGz = 0, sumBr = 0;
  for (const f of files) {
    const rel = relative(PKG, f);
    if (shipped && !shipped.has(rel)) continue;
    const b = readFileSync(f);
    const g = gz(b), r = br(b);
    sumRaw += b.length; sumGz += g; sumBr += r;
    rows.push([`\`${rel}\``, String(b.length), String(g), String(r)]);
  }
  emit('### Size (bytes)');
  emit();
  emit(table(['file', 'raw', 'gzip -9', 'brotli 11'], [
    ...rows,
    [`**every shipped file (${rows.length})**`, `**${sumRaw}**`, `**${sumGz}** (${fmtKB(sumGz)}; goal < 60 KB)`, `**${sumBr}**`],
    ...(pack ? [['npm pack tarball (.tgz)', `${pack.unpackedSize} unpacked`, `${pack.size} (${fmtKB(pack.size)})`, '']] : []),
  ]));
  emit();
  emit(`The wasm alone: ${wasm.length} raw, ${gz(wasm)} gzip -9 (${fmtKB(gz(wasm))}), ${br(wasm)} brotli. `
    + 'A browser downloads the .wasm, certcentral_wasm.js, api.js, error.js, index.js and the snippet; the .d.ts files never load.');
  emit();
  if (!QUICK) twiggySection();
}

// ------------------------------------------------------------------------------------------------
// 4. Start-up

async function benchStartup(chrome, sb) {
  log('startup: Node');
  const entry = pathToFileURL(join(scratch, 'entry.mjs')).href;
  const script = join(root, 'bench/client/startup-node.mjs');
  const node = [];
  for (let i = 0; i < STARTUP_SAMPLES + 1; i++) {
    const r = spawnSync(process.execPath, [script, entry], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`startup sample failed: ${r.stderr}`);
    if (i > 0) node.push(JSON.parse(r.stdout)); // the first one warms the disk cache
  }
  const rows = [[
    'Node: fresh `node` per sample',
    span(node.map((s) => s.importMs)),
    `**${span(node.map((s) => s.readyMs))}**`,
    `${span(node.map((s) => s.sinceProcessStart))} since process start`,
  ]];
  if (chrome) {
    for (const mode of ['warm', 'nocache']) {
      log(`startup: Chromium (${mode})`);
      const xs = [];
      for (let i = 0; i < STARTUP_SAMPLES + 1; i++) {
        const page = await chrome.context.newPage();
        if (mode === 'nocache') {
          const cdp = await chrome.context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        }
        await page.goto(`${sb.url}startup.html`);
        await page.waitForFunction(() => window.startup !== undefined);
        const s = await page.evaluate(() => window.startup);
        await page.close();
        if (i > 0) xs.push(s);
      }
      rows.push([
        mode === 'warm' ? 'Chromium: fresh page per sample, HTTP cache warm' : 'Chromium: fresh page per sample, HTTP cache disabled (CDP)',
        span(xs.map((s) => s.importMs)),
        `**${span(xs.map((s) => s.readyMs))}**`,
        `${span(xs.map((s) => s.sinceNavigation))} since navigation start`,
      ]);
    }
  }
  emit(`### Start-up (ms, median of ${STARTUP_SAMPLES} samples; goal: import to first call ready < 15 ms in Node)`);
  emit();
  emit(table(['where', 'import', 'import + createClient resolved', 'total'], rows));
  emit();
}

// ------------------------------------------------------------------------------------------------

async function main() {
  header();
  const needBrowser = ONLY.has('decode') || ONLY.has('startup');
  let www, sb, chrome;
  try {
    if (needBrowser) {
      www = mkdtempSync(join(tmpdir(), 'cc-bench-www-'));
      for (const f of ['index.html', 'startup.html', 'cases.mjs']) copyFileSync(join(root, 'bench/client', f), join(www, f));
      sb = await spawnSandbox(['--no-rate-limit', '--www', www, '--pkg', PKG]);
      try {
        chrome = await chromium();
      } catch (e) {
        log(`Chromium unavailable (${e.message.split('\n')[0]}): Node figures only`);
        emit(`Chromium unavailable: ${e.message.split('\n')[0]}\n`);
      }
    }
    if (ONLY.has('decode')) await benchDecode(chrome, sb);
    if (ONLY.has('throughput')) await benchThroughput();
    if (ONLY.has('size')) benchSize();
    if (ONLY.has('startup')) await benchStartup(chrome, sb);
  } finally {
    if (chrome) await chrome.close();
    if (sb) await sb.close();
    if (www) rmSync(www, { recursive: true, force: true });
  }
  emit(`Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`);
  emit();
  const report = out.join('\n');
  process.stdout.write(report + '\n');
  const analysis = join(root, 'bench/client/analysis.md');
  const full = report + (existsSync(analysis) ? '\n' + readFileSync(analysis, 'utf8') : '');
  if (!flag('--no-write')) {
    writeFileSync(join(root, 'bench/results/client.md'), full);
    log('wrote bench/results/client.md');
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
