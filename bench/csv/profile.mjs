// Where parseUsedVoucherCodesCsv spends its time in Chromium, and a quick interleaved check
// against JSON.parse of the same records (the figures BENCHMARKS.md's CSV analysis quotes):
//
//   node bench/csv/profile.mjs [--rows 1000000] [--runs 5] [--profile] [--named] [--bindgen DIR]
//
// --profile samples one more parse with the CDP profiler and prints the self time per
// function. --named first rebuilds the package's .wasm with its function names kept
// (wasm-opt -Oz -g from the wasm-bindgen output scripts/build.sh left in target/bindgen, or
// --bindgen DIR) into target/bench-named/, so the profile names Rust functions instead of
// wasm-function[N]. The package is the installed one, or $CERTCENTRAL_PKG_DIR (e.g. the pkg/
// of another checkout, to compare builds).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root, scratch } from '../../tests/js/helpers.mjs';

const argv = process.argv.slice(2);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const rows = Number(arg('rows', 1_000_000));
const runs = Number(arg('runs', 5));

if (argv.includes('--named')) {
  const dir = join(root, 'target/bench-named');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(process.env.CERTCENTRAL_PKG_DIR ?? join(scratch, 'node_modules/certcentral-wasm'), dir, { recursive: true });
  execFileSync(join(root, 'node_modules/.bin/wasm-opt'), ['-Oz', '-g', '--strip-producers',
    '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
    join(arg('bindgen', join(root, 'target/bindgen')), 'certcentral_wasm_bg.wasm'), '-o', join(dir, 'certcentral_wasm_bg.wasm')]);
  process.env.CERTCENTRAL_PKG_DIR = dir;
}
const { withPage } = await import('./chromium.mjs'); // serve.mjs reads CERTCENTRAL_PKG_DIR when loaded
await withPage(() => {}, async (page, _version, context) => {
  await page.evaluate(async (n) => {
    const pkg = await import('/pkg/index.js');
    await pkg.init();
    const { generate } = await import('/bench/gen.mjs');
    const { csv, records } = generate(n, 1);
    const pieces = [];
    for (let i = 0; i < records.length; i += 100_000) pieces.push(JSON.stringify(records.slice(i, i + 100_000)));
    window.P = { pkg, bytes: new TextEncoder().encode(csv), pieces };
  }, rows);
  const ours = [];
  const json = [];
  for (let r = 0; r <= runs; r++) { // round 0 is a warm-up
    const [a, b] = await page.evaluate(async () => {
      const { pkg, bytes, pieces } = window.P;
      gc();
      let t = performance.now();
      let out = (await pkg.parseUsedVoucherCodesCsv(bytes)).records;
      const a = performance.now() - t;
      if (out.length === 0) throw new Error('no records');
      out = null;
      gc();
      t = performance.now();
      out = [].concat(...pieces.map((p) => JSON.parse(p)));
      return [a, performance.now() - t];
    });
    if (r > 0) { ours.push(a); json.push(b); }
  }
  const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
  console.log(`${rows} rows, Chromium, ${runs} interleaved rounds after 1 warm-up`);
  console.log(`parseUsedVoucherCodesCsv(Uint8Array): ${ours.map(Math.round).join(', ')} ms (median ${Math.round(med(ours))})`);
  console.log(`JSON.parse of the same records:       ${json.map(Math.round).join(', ')} ms (median ${Math.round(med(json))})`);
  console.log(`ratio of medians: ${(med(ours) / med(json)).toFixed(2)}x`);

  if (argv.includes('--profile')) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await page.evaluate(() => gc());
    await cdp.send('Profiler.start');
    await page.evaluate(async () => { await window.P.pkg.parseUsedVoucherCodesCsv(window.P.bytes); });
    const { profile } = await cdp.send('Profiler.stop');
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    for (const id of profile.samples) {
      const f = byId.get(id).callFrame;
      const name = `${(f.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '')} [${f.url.split('/').pop() || 'native'}]`;
      self.set(name, (self.get(name) ?? 0) + 1);
    }
    const total = profile.samples.length;
    console.log('\nself time, share of samples (one parse):');
    for (const [k, c] of [...self].sort((p, q) => q[1] - p[1]).slice(0, 16)) {
      console.log(`${(100 * c / total).toFixed(1).padStart(5)}%  ${k}`);
    }
  }
});
