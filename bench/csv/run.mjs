// The CSV benchmark: `node bench/csv/run.mjs [--rows 100000,1000000] [--runs 5] [--warmup 1]
//   [--quick] [--no-chromium] [--no-node] [--no-memory] [--memory-mb 1024] [--note "..."]`
// Runs the suite in Node (a child process with --expose-gc) and in headless Chromium, the 1 GB
// streaming memory check (a 1 GiB file, 64 KiB and 1 MiB pushes), prints a markdown report and writes bench/results/csv.md.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync, mkdirSync, statSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, scratch } from '../../tests/js/helpers.mjs';
import { runChromium, runShapesChromium } from './chromium.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const argv = process.argv.slice(2);
const has = (f) => argv.includes(`--${f}`);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const quick = has('quick');
const sizes = String(arg('rows', quick ? '100000' : '100000,1000000')).split(',').map(Number);
const runs = Number(arg('runs', 5));
const warmup = Number(arg('warmup', 1));
const memoryMb = Number(arg('memory-mb', quick ? 256 : 1024));
const note = arg('note', '');
const log = (m) => process.stderr.write(`${m}\n`);

function child(args) {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('close', (code) => (code === 0 ? ok(JSON.parse(out.trim().split('\n').at(-1))) : fail(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

const startLoad = loadavg();
const started = new Date();
const suites = [];
for (const rows of sizes) {
  // The stage profile scales with the size: taken at the smallest size only.
  const profile = rows === Math.min(...sizes);
  const opts = ['--rows', String(rows), '--runs', String(runs), '--warmup', String(warmup), '--profile', profile ? '1' : '0'];
  if (!has('no-node')) {
    log(`== Node, ${rows} rows`);
    suites.push(await child(['--expose-gc', '--max-old-space-size=12288', join(here, 'node.mjs'), ...opts]));
  }
  if (!has('no-chromium')) {
    log(`== Chromium, ${rows} rows`);
    suites.push(await runChromium({ rows, runs, warmup, profile, log }));
  }
}
const shapes = [];
if (!has('no-shapes')) {
  const rows = Math.min(...sizes);
  log(`== output-shape experiment, ${rows} rows`);
  if (!has('no-node')) shapes.push(await child(['--expose-gc', join(here, 'shapes.mjs'), '--rows', String(rows)]));
  if (!has('no-chromium')) shapes.push(await runShapesChromium({ rows, log }));
}
const memory = [];
if (!has('no-memory')) {
  // Pushes of Node's default file-stream chunk (64 KiB) and of 1 MiB, each in a fresh process.
  for (const kib of [64, 1024]) {
    log(`== memory: streaming a ${memoryMb} MiB file through UsedVoucherCodesCsvParser, ${kib} KiB pushes`);
    memory.push(await child(['--expose-gc', join(here, 'memory.mjs'), '--mb', String(memoryMb), '--push-kib', String(kib)]));
  }
}
const endLoad = loadavg();

// ---------------------------------------------------------------------------------------------
const f0 = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const f1 = (x) => x.toFixed(1);
const MiB = 1 << 20;
const pkgJson = JSON.parse(readFileSync(join(scratch, 'node_modules/certcentral-wasm/package.json'), 'utf8'));
const wasmSize = statSync(join(scratch, 'node_modules/certcentral-wasm/certcentral_wasm_bg.wasm')).size;
const md = [];
md.push('## CSV parser (`parseUsedVoucherCodesCsv`, `UsedVoucherCodesCsvParser`)', '');
md.push(`- Command: \`${['node bench/csv/run.mjs', ...argv.map((a) => (/[^\w.,=/-]/.test(a) ? JSON.stringify(a) : a))].join(' ')}\``);
md.push(`- Date: ${started.toISOString()}; Node ${process.version}; Chromium ${suites.find((s) => s.runtime === 'chromium')?.version ?? '-'} (headless, playwright-core); certcentral-wasm ${pkgJson.version} (installed tarball, .wasm ${f0(wasmSize)} bytes)`);
md.push(`- Machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${f1(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}; load average ${startLoad.map(f1).join('/')} at start, ${endLoad.map(f1).join('/')} at end${note ? `. ${note}` : ''}`);
md.push(`- Data: generated used-codes export (bench/csv/gen.mjs): 21 columns like the sandbox export, ~3% hostile organisation/common names (quotes, commas, CR/LF in quotes, accents, CJK, emoji, padding), \`" "\` for unset dates, LF line ends. Every parser must return the same typed records (numbers for the 8 integer columns, null for blank cells): ours is checked against the generator on every record, each competitor against ours on a sample (first/last 50 and every 997th record) before timing.`);
md.push(`- Timing: median of ${runs} runs after ${warmup} warm-up round(s), parsers run round-robin, GC forced before each run. rows/s = rows / median; MB/s = input bytes (10^6) / median; the JSON.parse row's input is the JSON text (larger than the CSV). Ratios: our median / theirs (< 1 = we are faster).`);
md.push('');
for (const s of suites) {
  const ours = s.results.find((r) => r.kind === 'ours' && r.name.includes('Uint8Array'));
  const oursS = s.results.find((r) => r.kind === 'ours' && r.name.includes('string'));
  const d3 = s.results.find((r) => r.name.startsWith('d3-dsv'));
  const json = s.results.find((r) => r.kind === 'json');
  md.push(`### ${s.runtime === 'node' ? `Node ${s.version}` : `Chromium ${s.version}`}, ${f0(s.rows)} rows (CSV ${f1(s.csvBytes / 1e6)} MB, JSON ${f1(s.jsonBytes / 1e6)} MB)`, '');
  md.push('| parser | median ms | rows/s | MB/s | ours (Uint8Array) / this | all runs (ms) |', '|---|---:|---:|---:|---:|---|');
  for (const r of s.results) {
    md.push(`| ${r.name} | ${f0(r.ms)} | ${f0(s.rows / (r.ms / 1000))} | ${f1(r.inputBytes / 1e6 / (r.ms / 1000))} | ${(ours.ms / r.ms).toFixed(2)} | ${r.runs.map(f0).join(', ')} |`);
  }
  const goal1 = Math.min(ours.ms, oursS.ms) < d3.ms;
  const goal2 = Math.min(ours.ms, oursS.ms) <= 1.5 * json.ms;
  md.push('', `Goals: faster than d3-dsv: **${goal1 ? 'met' : 'missed'}** (best of ours ${f0(Math.min(ours.ms, oursS.ms))} ms vs ${f0(d3.ms)} ms); within 1.5x of JSON.parse: **${goal2 ? 'met' : 'missed'}** (${(Math.min(ours.ms, oursS.ms) / json.ms).toFixed(2)}x).`, '');
  if (Object.keys(s.stages).length) {
    md.push('Variants (each timed alone, median ms):', '');
    md.push('| stage | ms |', '|---|---:|');
    for (const [k, v] of Object.entries(s.stages)) md.push(`| ${k} | ${f0(v)} |`);
    md.push('');
  }
}
if (shapes.length) {
  md.push(`### Output shape: JSON batches vs columns (JS side only, ${f0(shapes[0].rows)} rows, median of 5)`, '');
  md.push('What JS spends turning a batch handed over by the wasm into the typed records (bench/csv/shapes.mjs; the buffers are prepared in JS, so the wasm work of writing them is not included). `json` = UTF-8 JSON array -> TextDecoder -> JSON.parse (the first design); `columns` (shipped) = one UTF-8 buffer of the text cells + Int32 cell ends (-1 = null) + Float64 integers (NaN = null) -> one TextDecoder per batch -> object literals with `slice()`.', '');
  md.push('| runtime | json ms | columns ms | json / columns | bytes crossing (json / columns) |', '|---|---:|---:|---:|---|');
  for (const x of shapes) md.push(`| ${x.runtime} | ${f0(x.ms.json)} | ${f0(x.ms.columns)} | ${(x.ms.json / x.ms.columns).toFixed(2)} | ${f1(x.jsonBytes / 1e6)} MB / ${f1(x.columnBytes / 1e6)} MB |`);
  md.push('');
}
if (memory.length) {
  const m0 = memory[0];
  md.push(`### Memory: streaming a ${f0(memoryMb)} MiB file through UsedVoucherCodesCsvParser (Node)`, '');
  md.push(`\`node --expose-gc bench/csv/memory.mjs --mb ${memoryMb} --push-kib N\`: the generated export (${f0(m0.bytes)} bytes, ${f0(m0.rows)} rows) is written once to \`${m0.file}\`, then read with \`fs.createReadStream\` (highWaterMark N KiB) and each chunk pushed; every record is counted and dropped. Each row is one fresh process.`, '');
  md.push('| push size | RSS before streaming (after GC) | peak RSS after a push | process max RSS (getrusage) | throughput |', '|---|---:|---:|---:|---|');
  for (const m of memory) {
    md.push(`| ${f0(m.pushBytes / 1024)} KiB | ${f1(m.startRss / 1e6)} MB | ${f1(m.peakRss / 1e6)} MB | ${f1(m.maxRss / 1e6)} MB | ${f1(m.mbPerSec)} MB/s, ${f0(m.rowsPerSec)} rows/s |`);
  }
  const worst = Math.max(...memory.map((m) => m.maxRss));
  md.push('', `Goal peak RSS < 100 MB streaming a 1 GB file${memoryMb < 1000 ? ` (this run streamed only ${memoryMb} MiB)` : ''}: **${worst < 100e6 ? 'met' : 'missed'}** (highest process max RSS ${f1(worst / 1e6)} MB).`, '');
}
// The hand-written analysis (what the figures led to) follows every report.
const analysis = join(here, 'analysis.md');
if (existsSync(analysis)) md.push(readFileSync(analysis, 'utf8').trimEnd(), '');
const text = md.join('\n');
process.stdout.write(`${text}\n`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/csv.md'), `${text}\n`);
log('wrote bench/results/csv.md');
