// Small probes behind figures quoted in bench/client/analysis.md (not part of run.mjs):
//   node bench/client/probes.mjs ascii     TextDecoder + JSON.parse of a 1000-order page, UTF-8
//                                          as sent vs the same JSON with non-ASCII as \u escapes
//   node bench/client/probes.mjs fixed     per-call cost of small responses: ours vs raw fetch
//   node bench/client/probes.mjs startup   one fresh process: glue import, read, compile,
//                                          instantiate, first createClient (run it a few times)
// Uses the npm-installed package in target/scratch (bash scripts/pack.sh) and a sandbox in its
// own process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSandbox } from './lib.mjs';
import { scratch, KEY } from '../../tests/js/helpers.mjs';

const pkgDir = join(scratch, 'node_modules/certcentral-wasm');
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(2);
const what = process.argv[2];

if (what === 'startup') {
  const t0 = performance.now();
  const glue = await import(join(pkgDir, 'certcentral_wasm.js'));
  const t1 = performance.now();
  const bytes = readFileSync(join(pkgDir, 'certcentral_wasm_bg.wasm'));
  const t2 = performance.now();
  const mod = new WebAssembly.Module(bytes);
  const t3 = performance.now();
  glue.initSync({ module: mod });
  const t4 = performance.now();
  glue.createClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/services/v2' });
  const t5 = performance.now();
  const f = (x) => x.toFixed(2);
  console.log(`glue import ${f(t1 - t0)} ms, read ${f(t2 - t1)}, compile ${f(t3 - t2)}, instantiate ${f(t4 - t3)}, first createClient ${f(t5 - t4)}`);
  process.exit(0);
}

const sb = await spawnSandbox(['--no-rate-limit']);
const h = { headers: { 'X-DC-DEVKEY': KEY } };
try {
  if (what === 'ascii') {
    const txt = await (await fetch(`${sb.baseUrl}/account/subaccount/order?limit=1000`, h)).text();
    const esc = txt.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const utf8 = new TextEncoder().encode(txt);
    const ascii = new TextEncoder().encode(esc);
    const td = new TextDecoder('utf-8', { ignoreBOM: true });
    const t = { pu: [], pa: [], du: [], da: [] };
    for (let i = 0; i < 200; i++) {
      let s = performance.now(); JSON.parse(td.decode(utf8)); t.pu.push(performance.now() - s);
      s = performance.now(); JSON.parse(td.decode(ascii)); t.pa.push(performance.now() - s);
      s = performance.now(); td.decode(utf8); t.du.push(performance.now() - s);
      s = performance.now(); td.decode(ascii); t.da.push(performance.now() - s);
    }
    console.log(`${utf8.length} B UTF-8 / ${ascii.length} B ASCII, median of 200 interleaved rounds (ms):`);
    console.log(`TextDecoder: UTF-8 ${med(t.du)}, ASCII ${med(t.da)}; TextDecoder + JSON.parse: UTF-8 ${med(t.pu)}, ASCII ${med(t.pa)}`);
  } else if (what === 'fixed') {
    const { createClient } = await import(join(pkgDir, 'node.js'));
    const c = await createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false });
    const small = `${sb.baseUrl}/account/subaccount/order?limit=1`;
    const t = { ours: [], raw: [] };
    for (let i = 0; i < 230; i++) {
      let s = performance.now(); await c.listSubaccountOrders({ limit: 1 }); const a = performance.now() - s;
      s = performance.now(); await (await fetch(small, h)).json(); const b = performance.now() - s;
      if (i >= 30) { t.ours.push(a); t.raw.push(b); }
    }
    console.log(`listSubaccountOrders({limit: 1}), median of 200 interleaved calls after 30 warm-up: ours ${med(t.ours)} ms, raw fetch + res.json() ${med(t.raw)} ms`);
  } else {
    console.log('usage: node bench/client/probes.mjs ascii|fixed|startup');
  }
} finally {
  await sb.close();
}
process.exit(0);
